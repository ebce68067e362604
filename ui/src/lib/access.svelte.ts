// "Check my access": the report the shell builds from the scopes the window has listed (roles,
// where Azure said so, each action's verdict). Every rule is the shell's; this keeps its answer.
import { call, commands, type AccessReport, type AppError } from "./ipc";

export class AccessState {
  report = $state.raw<AccessReport | null>(null);
  error = $state.raw<AppError | null>(null);
  loading = $state(false);
  /** A newer load was asked for while one ran: its answer would be stale. */
  #again = false;

  /** Asks the shell for the report again (cheap: no call to Azure). */
  async load(): Promise<void> {
    if (this.loading) {
      this.#again = true;
      return;
    }
    this.loading = true;
    try {
      do {
        this.#again = false;
        const result = await call(() => commands.checkAccess());
        if (result.status === "ok") {
          this.report = result.data;
          this.error = null;
        } else {
          this.error = result.error;
        }
      } while (this.#again);
    } finally {
      this.loading = false;
    }
  }
}

export const access = new AccessState();
