// What the shell says about itself: the app's version and defaults, and the keychain's state.
import { attempt, call, commands, type AppInfo, type KeychainStatus } from "./ipc";
import type { Notices } from "./notices.svelte";

export class ShellState {
  info = $state<AppInfo | null>(null);
  keychain = $state<KeychainStatus | null>(null);

  readonly #notices: Notices;

  constructor(notices: Notices) {
    this.#notices = notices;
  }

  /** Asks again how the keychain stands (after "Remember my sign-in" changed); a failure keeps the last answer. */
  async refreshKeychain(): Promise<void> {
    const status = await attempt(() => commands.keychainStatus());
    if (status.status === "ok") this.keychain = status.data;
  }

  async showLogs(): Promise<void> {
    const result = await call(() => commands.showLogs());
    if (result.status === "error") this.#notices.notify(result.error);
  }
}
