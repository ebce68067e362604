// Updates as the window shows them: the quiet check at start (the shell decides whether it may
// look at all), the check the user asks for, the download with its progress, and the restart.
import { call, commands, type AppError, type AvailableUpdate, type UpdateCheck, type UpdateProgress } from "./ipc";

export type UpdatePhase = "idle" | "checking" | "upToDate" | "available" | "installing" | "installed" | "error";

/** How long after start the quiet check waits, so it never competes with the first screen. */
export const QUIET_CHECK_DELAY_MS = 4000;

export class UpdatesState {
  phase = $state<UpdatePhase>("idle");
  /** The running version, as the last check reported it. */
  current = $state<string | null>(null);
  available = $state<AvailableUpdate | null>(null);
  error = $state<AppError | null>(null);
  progress = $state<UpdateProgress | null>(null);
  dialogOpen = $state(false);
  /** An update the quiet check found, announced until the user looks or says "Not now". */
  bannerShown = $state(false);

  /** The check at start: silent unless it finds something; a failure stays in the log. */
  async checkQuietly(): Promise<void> {
    const result = await call(() => commands.checkForUpdate(true));
    if (result.status !== "ok" || result.data === null || this.phase !== "idle") return;
    this.#take(result.data);
    this.bannerShown = result.data.available !== null;
  }

  /** "Check for updates" (Help menu, About, Settings): the dialog opens and says what it found. */
  async checkNow(): Promise<void> {
    this.dialogOpen = true;
    if (this.phase === "installing" || this.phase === "installed") return;
    this.phase = "checking";
    this.error = null;
    const result = await call(() => commands.checkForUpdate(false));
    if (result.status === "error") {
      this.phase = "error";
      this.error = result.error;
    } else if (result.data) {
      this.#take(result.data);
    }
  }

  /** Opens the dialog on the update the banner announced. */
  showFound(): void {
    this.bannerShown = false;
    this.dialogOpen = true;
  }

  dismissBanner(): void {
    this.bannerShown = false;
  }

  async install(): Promise<void> {
    this.phase = "installing";
    this.bannerShown = false;
    this.error = null;
    this.progress = null;
    const result = await call(() => commands.installUpdate());
    if (result.status === "error") {
      this.phase = "error";
      this.error = result.error;
    } else {
      this.phase = "installed";
    }
  }

  async restart(): Promise<void> {
    const result = await call(() => commands.restartAfterUpdate());
    if (result.status === "error") this.error = result.error;
  }

  onProgress(progress: UpdateProgress): void {
    if (this.phase === "installing") this.progress = progress;
  }

  #take(check: UpdateCheck): void {
    this.current = check.currentVersion;
    this.available = check.available;
    this.phase = check.available ? "available" : "upToDate";
  }
}
