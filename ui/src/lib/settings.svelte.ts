// The user's settings: shown at once as they change, saved through the shell in order.
import { DEFAULT_SETTINGS, call, commands, type AppError, type Locale, type Settings, type SettingsState as Answer } from "./ipc";
import type { ShellState } from "./shell.svelte";

export type SaveState = "idle" | "saving" | "saved" | "error";

export class SettingsState {
  // A fresh install's settings (decided in Rust) until the shell's answer arrives.
  current = $state<Settings>({ ...DEFAULT_SETTINGS });
  /** The language to show, resolved by the shell (the setting, else the OS); null until it answers. */
  language = $state<Locale | null>(null);
  saveState = $state<SaveState>("idle");
  saveError = $state<AppError | null>(null);

  readonly #shell: ShellState;
  #saveSeq = 0;
  #saveChain: Promise<void> = Promise.resolve();

  constructor(shell: ShellState) {
    this.#shell = shell;
  }

  /** Applies a change at once (theme and language follow live) and saves it in order. */
  update(patch: Partial<Settings>): Promise<void> {
    const next: Settings = { ...this.current, ...patch };
    this.current = next;
    this.saveState = "saving";
    const seq = ++this.#saveSeq;
    this.#saveChain = this.#saveChain.then(async () => {
      const result = await call(() => commands.saveSettings(next));
      if (result.status === "error") {
        this.saveState = "error";
        this.saveError = result.error;
      } else if (seq === this.#saveSeq) {
        this.apply(result.data);
        this.saveState = "saved";
        this.saveError = null;
      }
    });
    return this.#saveChain;
  }

  /** Takes the shell's settings and the language it resolved for them. */
  apply(answer: Pick<Answer, "settings" | "language">): void {
    this.current = answer.settings;
    this.language = answer.language;
  }

  /** "Remember my sign-in": the keychain follows at once; a refusal keeps the old choice. */
  async setRememberSignIn(remember: boolean): Promise<void> {
    const before = this.current.rememberSignIn;
    await this.update({ rememberSignIn: remember });
    if (this.saveState === "error") this.current = { ...this.current, rememberSignIn: before };
    await this.#shell.refreshKeychain();
  }

  /**
   * A folder typed into Settings: the shell has the user confirm it in a system dialog; declined
   * (or refused), the setting and the field keep the folder they had.
   */
  async setFolder(setting: "downloadFolder" | "archiveFolder", folder: string | null): Promise<void> {
    const before = this.current[setting];
    await this.update({ [setting]: folder });
    if (this.saveState === "error") this.current = { ...this.current, [setting]: before };
  }

  /** The system's folder picker for the download folder or the archive. */
  async chooseFolder(setting: "downloadFolder" | "archiveFolder" = "downloadFolder"): Promise<void> {
    const result = await call(() => commands.chooseFolder(this.current[setting] ?? this.current.downloadFolder));
    if (result.status === "error") {
      this.saveError = result.error;
    } else if (result.data !== null) {
      await this.update({ [setting]: result.data });
    }
  }
}
