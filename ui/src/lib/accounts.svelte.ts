// The signed-in accounts as the shell lists them, and turning their directories on and off.
import { call, commands, type AccountSummary, type AppError } from "./ipc";
import type { Notices } from "./notices.svelte";
import type { ViewState } from "./view.svelte";

/** One directory (tenant) of one account: the same tenant can belong to several accounts. */
export interface TenantRef {
  accountId: string;
  tenantId: string;
}

/** A key for per-directory state (busy switches, errors). */
export function tenantKey(accountId: string, tenantId: string): string {
  return `${accountId}\u0000${tenantId}`;
}

export class AccountsState {
  list = $state<AccountSummary[]>([]);
  /** Directory switches waiting for the shell, with the value asked for (`tenantKey`). */
  tenantPending = $state<Record<string, boolean>>({});
  /** Failed directory switches (`tenantKey`). */
  tenantErrors = $state<Record<string, AppError>>({});

  readonly #notices: Notices;
  readonly #view: ViewState;

  constructor(notices: Notices, view: ViewState) {
    this.#notices = notices;
    this.#view = view;
  }

  /**
   * The shell's list of accounts. The screen follows it: the main layout while any exist, and
   * Welcome (leaving Settings) once the last one is gone.
   */
  set(accounts: AccountSummary[]): void {
    if (this.list.length > 0 && accounts.length === 0) this.#view.settingsOpen = false;
    this.list = accounts;
  }

  /** One account as the shell answered it (it also sends accounts-changed; this keeps the screen right without it). */
  put(account: AccountSummary): void {
    const index = this.list.findIndex((known) => known.id === account.id);
    if (index === -1) this.set([...this.list, account]);
    else this.list[index] = account;
  }

  async reload(): Promise<void> {
    const result = await call(() => commands.listAccounts());
    if (result.status === "ok") this.set(result.data);
    else this.#notices.notify(result.error);
  }

  async signOut(accountId: string): Promise<boolean> {
    const result = await call(() => commands.signOut(accountId));
    if (result.status === "error") {
      this.#notices.notify(result.error);
      return false;
    }
    this.set(this.list.filter((account) => account.id !== accountId));
    return true;
  }

  async removeAll(): Promise<boolean> {
    const result = await call(() => commands.removeAllAccounts());
    if (result.status === "error") {
      this.#notices.notify(result.error);
      return false;
    }
    this.set([]);
    return true;
  }

  /**
   * Turns one directory on or off. Turning it on checks it at once, so the answer may mark it
   * as needing a new sign-in. A failure is kept for that directory's row.
   */
  async setTenantEnabled(accountId: string, tenantId: string, enabled: boolean): Promise<boolean> {
    const key = tenantKey(accountId, tenantId);
    if (key in this.tenantPending) return false;
    this.tenantPending[key] = enabled;
    delete this.tenantErrors[key];
    const result = await call(() => commands.setTenantEnabled(accountId, tenantId, enabled));
    delete this.tenantPending[key];
    if (result.status === "error") {
      this.tenantErrors[key] = result.error;
      return false;
    }
    this.put(result.data);
    return true;
  }
}
