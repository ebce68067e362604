// Signing in: one sign-in at a time, either a new account or "Sign in again" for one directory.
import { tenantKey, type AccountsState, type TenantRef } from "./accounts.svelte";
import { attempt, call, commands, type AccountSummary, type AppError, type Cloud, type DeviceCodeEvent, type SignInMethod } from "./ipc";
import type { Notices } from "./notices.svelte";
import type { ShellState } from "./shell.svelte";

/** A sign-in the shell is running: which way, and the code to type once the authority sent it. */
export interface SignInFlow {
  method: SignInMethod;
  deviceCode: DeviceCodeEvent | null;
}

export class SignInState {
  /** The sign-in in progress (one at a time), and the error of the last one that failed. */
  flow = $state<SignInFlow | null>(null);
  error = $state<AppError | null>(null);
  /** The cloud picked on the welcome screen; `null`: the configured one. */
  cloud = $state<Cloud | null>(null);

  /** "Sign in again" running for one directory (it shares the shell's one sign-in slot). */
  againFor = $state<TenantRef | null>(null);
  /** Failed "Sign in again" per directory (`tenantKey`), shown at that directory. */
  againErrors = $state<Record<string, AppError>>({});

  readonly #accounts: AccountsState;
  readonly #shell: ShellState;
  readonly #notices: Notices;

  constructor(accounts: AccountsState, shell: ShellState, notices: Notices) {
    this.#accounts = accounts;
    this.#shell = shell;
    this.#notices = notices;
  }

  /** Runs a sign-in to the end; a cancelled one just ends, any other failure is kept to show. */
  async signIn(method: SignInMethod): Promise<AccountSummary | null> {
    if (this.flow || this.againFor) return null;
    this.flow = { method, deviceCode: null };
    this.error = null;
    const cloud = this.cloud ?? this.#shell.info?.defaultCloud ?? null;
    const result = await call(() => commands.signIn(method, cloud));
    this.flow = null;
    if (result.status === "error") {
      if (result.error.code !== "sign_in_cancelled") this.error = result.error;
      return null;
    }
    this.#accounts.put(result.data);
    return result.data;
  }

  /** The code the authority sent for the running device-code sign-in. */
  showDeviceCode(code: DeviceCodeEvent): void {
    if (this.flow) this.flow.deviceCode = code;
  }

  /** Whether "Sign in again" for this directory is waiting for the browser. */
  isSigningInAgain(accountId: string, tenantId: string): boolean {
    return this.againFor?.accountId === accountId && this.againFor.tenantId === tenantId;
  }

  /**
   * "Sign in again" for one directory only. A cancelled one just ends; any other failure is
   * kept for that directory. Other directories are left alone.
   */
  async signInAgain(accountId: string, tenantId: string): Promise<boolean> {
    if (this.flow || this.againFor) return false;
    const key = tenantKey(accountId, tenantId);
    this.againFor = { accountId, tenantId };
    delete this.againErrors[key];
    const result = await call(() => commands.signInAgain(accountId, tenantId));
    this.againFor = null;
    if (result.status === "error") {
      if (result.error.code !== "sign_in_cancelled") this.againErrors[key] = result.error;
      return false;
    }
    this.#accounts.put(result.data);
    return true;
  }

  /** Asks the shell to stop the running sign-in (also "Sign in again"); it then ends as cancelled. */
  async cancel(): Promise<void> {
    if (!this.flow && !this.againFor) return;
    const result = await attempt(() => commands.cancelSignIn());
    if (result.status === "error") this.#notices.notify(result.error);
  }
}
