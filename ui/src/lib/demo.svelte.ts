// Demo mode (the built-in sample Azure): starting it, switching its user, leaving it.
import type { AccountsState } from "./accounts.svelte";
import { call, commands, type AppError, type DemoState } from "./ipc";
import type { Notices } from "./notices.svelte";
import type { ViewState } from "./view.svelte";

export class DemoMode {
  /** Who is signed in and who can be picked; null outside demo mode. */
  current = $state<DemoState | null>(null);
  busy = $state(false);
  error = $state<AppError | null>(null);
  /** Bumped whenever the data source changes (demo started, switched, left): listings start afresh. */
  dataEpoch = $state(0);

  readonly #accounts: AccountsState;
  readonly #view: ViewState;
  readonly #notices: Notices;

  constructor(accounts: AccountsState, view: ViewState, notices: Notices) {
    this.#accounts = accounts;
    this.#view = view;
    this.#notices = notices;
  }

  /** The demo state as the shell reports it; a new user (or leaving) starts the listings afresh. */
  set(state: DemoState | null): void {
    if ((state?.user ?? null) !== (this.current?.user ?? null)) this.dataEpoch += 1;
    this.current = state;
  }

  /** "Try with demo data" (`upn` null: the default user) and the scenario picker. */
  async start(upn: string | null): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.error = null;
    const result = await call(() => commands.startDemo(upn));
    this.busy = false;
    if (result.status === "error") {
      this.error = result.error;
      if (this.#view.screen !== "welcome") this.#notices.notify(result.error);
      return false;
    }
    this.set(result.data);
    await this.#accounts.reload();
    return true;
  }

  /** Leaves demo mode: the real accounts come back, or Welcome when there are none. */
  async leave(): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    const result = await call(() => commands.leaveDemo());
    this.busy = false;
    if (result.status === "error") {
      this.#notices.notify(result.error);
      return false;
    }
    this.set(null);
    this.#view.settingsOpen = false;
    await this.#accounts.reload();
    return true;
  }
}
