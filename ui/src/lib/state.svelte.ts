import {
  DEFAULT_SETTINGS,
  attempt,
  call,
  commands,
  events,
  toAppError,
  type AccountSummary,
  type AppError,
  type AppInfo,
  type DemoState,
  type DeviceCodeEvent,
  type JobProgress,
  type KeychainStatus,
  type MenuAction,
  type Settings,
  type SignInMethod,
  type Cloud,
} from "./ipc";

export type Screen = "loading" | "welcome" | "main" | "settings";
export type SaveState = "idle" | "saving" | "saved" | "error";

export interface Notice {
  id: number;
  error: AppError;
  tone: "error" | "warning";
  /** A hook for end-to-end tests on the notice's wrapper. */
  testid?: string;
}

/** A sign-in the shell is running: which way, and the code to type once the authority sent it. */
export interface SignInFlow {
  method: SignInMethod;
  deviceCode: DeviceCodeEvent | null;
}

/** One directory (tenant) of one account: the same tenant can belong to several accounts. */
export interface TenantRef {
  accountId: string;
  tenantId: string;
}

/** A key for per-directory state (busy switches, errors). */
export function tenantKey(accountId: string, tenantId: string): string {
  return `${accountId}\u0000${tenantId}`;
}

export interface JobSummary {
  count: number;
  finished: number;
  failed: number;
  cancelled: number;
}

const ENDED: ReadonlySet<JobProgress["phase"]> = new Set(["finished", "failed", "cancelled"]);

export function isActive(job: JobProgress): boolean {
  return !ENDED.has(job.phase);
}

/** Counts per outcome once every job has ended; null while any job still runs (or none exist). */
export function summarizeJobs(jobs: readonly JobProgress[]): JobSummary | null {
  if (jobs.length === 0 || jobs.some(isActive)) return null;
  const count = (phase: JobProgress["phase"]) => jobs.filter((job) => job.phase === phase).length;
  return { count: jobs.length, finished: count("finished"), failed: count("failed"), cancelled: count("cancelled") };
}

/** Everything the shell shows, loaded from and saved through the Rust side. */
export class AppState {
  ready = $state(false);
  // A fresh install's settings (decided in Rust) until the shell's answer arrives.
  settings = $state<Settings>({ ...DEFAULT_SETTINGS });
  accounts = $state<AccountSummary[]>([]);
  jobs = $state<JobProgress[]>([]);
  notices = $state<Notice[]>([]);
  appInfo = $state<AppInfo | null>(null);
  keychain = $state<KeychainStatus | null>(null);

  /** The sign-in in progress (one at a time), and the error of the last one that failed. */
  signInFlow = $state<SignInFlow | null>(null);
  signInError = $state<AppError | null>(null);

  /** "Sign in again" running for one directory (it shares the shell's one sign-in slot). */
  signInAgainFor = $state<TenantRef | null>(null);
  /** The cloud picked on the welcome screen; `null`: the configured one. */
  signInCloud = $state<Cloud | null>(null);
  /** Failed "Sign in again" per directory (`tenantKey`), shown at that directory. */
  signInAgainErrors = $state<Record<string, AppError>>({});
  /** Directory switches waiting for the shell, with the value asked for (`tenantKey`). */
  tenantPending = $state<Record<string, boolean>>({});
  /** Failed directory switches (`tenantKey`). */
  tenantErrors = $state<Record<string, AppError>>({});

  settingsOpen = $state(false);
  aboutOpen = $state(false);
  detailsOpen = $state(true);
  activityOpen = $state(false);
  /** Set when the sidebar filter should take focus once it is on screen. */
  filterFocusPending = $state(false);

  /** Demo mode (the built-in sample Azure): who is signed in and who can be picked; null outside it. */
  demo = $state<DemoState | null>(null);
  demoBusy = $state(false);
  demoError = $state<AppError | null>(null);
  /** Bumped whenever the data source changes (demo started, switched, left): listings start afresh. */
  dataEpoch = $state(0);

  saveState = $state<SaveState>("idle");
  saveError = $state<AppError | null>(null);

  screen: Screen = $derived(
    !this.ready ? "loading" : this.settingsOpen ? "settings" : this.accounts.length > 0 ? "main" : "welcome",
  );
  runningJobs = $derived(this.jobs.filter(isActive).length);
  jobSummary = $derived(summarizeJobs(this.jobs));

  #noticeId = 0;
  #saveSeq = 0;
  #saveChain: Promise<void> = Promise.resolve();

  /** Loads settings, accounts and jobs and subscribes to the shell's events. Returns an unsubscribe. */
  async start(): Promise<() => void> {
    const unlisten = await this.#listen();
    const [settings, accounts, jobs, info, keychain, demo] = await Promise.all([
      call(() => commands.getSettings()),
      call(() => commands.listAccounts()),
      attempt(() => commands.listJobs()),
      attempt(() => commands.appInfo()),
      attempt(() => commands.keychainStatus()),
      call(() => commands.demoState()),
    ]);
    // Launched with --demo: the window opens in demo mode.
    if (demo.status === "ok") this.demo = demo.data;
    if (settings.status === "ok") {
      this.settings = settings.data.settings;
      if (settings.data.warning) this.notify(settings.data.warning, "warning");
    } else {
      this.notify(settings.error);
    }
    if (accounts.status === "ok") this.setAccounts(accounts.data);
    else this.notify(accounts.error);
    if (jobs.status === "ok") this.jobs = jobs.data;
    else this.notify(jobs.error);
    if (info.status === "ok") this.appInfo = info.data;
    else this.notify(info.error);
    if (keychain.status === "ok") {
      this.keychain = keychain.data;
      if (keychain.data.warning) this.notify(keychain.data.warning, "warning", "keychain-warning");
    } else {
      this.notify(keychain.error);
    }
    this.ready = true;
    return () => unlisten.forEach((stop) => stop());
  }

  async #listen(): Promise<Array<() => void>> {
    try {
      return await Promise.all([
        events.jobProgressEvent.listen((event) => this.upsertJob(event.payload)),
        events.settingsChanged.listen((event) => {
          this.settings = event.payload;
        }),
        events.menuEvent.listen((event) => this.onMenu(event.payload.action)),
        events.accountsChanged.listen((event) => this.setAccounts(event.payload)),
        events.demoChanged.listen((event) => this.setDemo(event.payload.state)),
        events.deviceCodeEvent.listen((event) => {
          if (this.signInFlow) this.signInFlow.deviceCode = event.payload;
        }),
      ]);
    } catch (error) {
      this.notify(toAppError(error));
      return [];
    }
  }

  notify(error: AppError, tone: Notice["tone"] = "error", testid?: string): void {
    this.#noticeId += 1;
    this.notices.push({ id: this.#noticeId, error, tone, testid });
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((notice) => notice.id !== id);
  }

  /** Applies a change at once (theme and language follow live) and saves it in order. */
  updateSettings(patch: Partial<Settings>): Promise<void> {
    const next: Settings = { ...this.settings, ...patch };
    this.settings = next;
    this.saveState = "saving";
    const seq = ++this.#saveSeq;
    this.#saveChain = this.#saveChain.then(async () => {
      const result = await call(() => commands.saveSettings(next));
      if (result.status === "error") {
        this.saveState = "error";
        this.saveError = result.error;
      } else if (seq === this.#saveSeq) {
        this.settings = result.data;
        this.saveState = "saved";
        this.saveError = null;
      }
    });
    return this.#saveChain;
  }

  /** "Remember my sign-in": the keychain follows at once; a refusal keeps the old choice. */
  async setRememberSignIn(remember: boolean): Promise<void> {
    const before = this.settings.rememberSignIn;
    await this.updateSettings({ rememberSignIn: remember });
    if (this.saveState === "error") this.settings = { ...this.settings, rememberSignIn: before };
    const status = await attempt(() => commands.keychainStatus());
    if (status.status === "ok") this.keychain = status.data;
  }

  /** The system's folder picker for the download folder or the archive. */
  async chooseFolder(setting: "downloadFolder" | "archiveFolder" = "downloadFolder"): Promise<void> {
    const result = await call(() => commands.chooseFolder(this.settings[setting] ?? this.settings.downloadFolder));
    if (result.status === "error") {
      this.saveError = result.error;
    } else if (result.data !== null) {
      await this.updateSettings({ [setting]: result.data });
    }
  }

  async reloadAccounts(): Promise<void> {
    const result = await call(() => commands.listAccounts());
    if (result.status === "ok") this.setAccounts(result.data);
    else this.notify(result.error);
  }

  /**
   * The shell's list of accounts. The screen follows it: the main layout while any exist, and
   * Welcome (leaving Settings) once the last one is gone.
   */
  setAccounts(accounts: AccountSummary[]): void {
    if (this.accounts.length > 0 && accounts.length === 0) this.settingsOpen = false;
    this.accounts = accounts;
  }

  /** The demo state as the shell reports it; a new user (or leaving) starts the listings afresh. */
  setDemo(state: DemoState | null): void {
    if ((state?.user ?? null) !== (this.demo?.user ?? null)) this.dataEpoch += 1;
    this.demo = state;
  }

  /** "Try with demo data" (`upn` null: the default user) and the scenario picker. */
  async startDemo(upn: string | null): Promise<boolean> {
    if (this.demoBusy) return false;
    this.demoBusy = true;
    this.demoError = null;
    const result = await call(() => commands.startDemo(upn));
    this.demoBusy = false;
    if (result.status === "error") {
      this.demoError = result.error;
      if (this.screen !== "welcome") this.notify(result.error);
      return false;
    }
    this.setDemo(result.data);
    await this.reloadAccounts();
    return true;
  }

  /** Leaves demo mode: the real accounts come back, or Welcome when there are none. */
  async leaveDemo(): Promise<boolean> {
    if (this.demoBusy) return false;
    this.demoBusy = true;
    const result = await call(() => commands.leaveDemo());
    this.demoBusy = false;
    if (result.status === "error") {
      this.notify(result.error);
      return false;
    }
    this.setDemo(null);
    this.settingsOpen = false;
    await this.reloadAccounts();
    return true;
  }

  /** Runs a sign-in to the end; a cancelled one just ends, any other failure is kept to show. */
  async signIn(method: SignInMethod): Promise<AccountSummary | null> {
    if (this.signInFlow || this.signInAgainFor) return null;
    this.signInFlow = { method, deviceCode: null };
    this.signInError = null;
    const cloud = this.signInCloud ?? this.appInfo?.defaultCloud ?? null;
    const result = await call(() => commands.signIn(method, cloud));
    this.signInFlow = null;
    if (result.status === "error") {
      if (result.error.code !== "sign_in_cancelled") this.signInError = result.error;
      return null;
    }
    this.putAccount(result.data);
    return result.data;
  }

  /** One account as the shell answered it (it also sends accounts-changed; this keeps the screen right without it). */
  putAccount(account: AccountSummary): void {
    const index = this.accounts.findIndex((known) => known.id === account.id);
    if (index === -1) this.setAccounts([...this.accounts, account]);
    else this.accounts[index] = account;
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
    this.putAccount(result.data);
    return true;
  }

  /** Whether "Sign in again" for this directory is waiting for the browser. */
  isSigningInAgain(accountId: string, tenantId: string): boolean {
    return this.signInAgainFor?.accountId === accountId && this.signInAgainFor.tenantId === tenantId;
  }

  /**
   * "Sign in again" for one directory only. A cancelled one just ends; any other failure is
   * kept for that directory. Other directories are left alone.
   */
  async signInAgain(accountId: string, tenantId: string): Promise<boolean> {
    if (this.signInFlow || this.signInAgainFor) return false;
    const key = tenantKey(accountId, tenantId);
    this.signInAgainFor = { accountId, tenantId };
    delete this.signInAgainErrors[key];
    const result = await call(() => commands.signInAgain(accountId, tenantId));
    this.signInAgainFor = null;
    if (result.status === "error") {
      if (result.error.code !== "sign_in_cancelled") this.signInAgainErrors[key] = result.error;
      return false;
    }
    this.putAccount(result.data);
    return true;
  }

  /** Asks the shell to stop the running sign-in (also "Sign in again"); it then ends as cancelled. */
  async cancelSignIn(): Promise<void> {
    if (!this.signInFlow && !this.signInAgainFor) return;
    const result = await attempt(() => commands.cancelSignIn());
    if (result.status === "error") this.notify(result.error);
  }

  async signOut(accountId: string): Promise<boolean> {
    const result = await call(() => commands.signOut(accountId));
    if (result.status === "error") {
      this.notify(result.error);
      return false;
    }
    this.setAccounts(this.accounts.filter((account) => account.id !== accountId));
    return true;
  }

  async removeAllAccounts(): Promise<boolean> {
    const result = await call(() => commands.removeAllAccounts());
    if (result.status === "error") {
      this.notify(result.error);
      return false;
    }
    this.setAccounts([]);
    return true;
  }

  upsertJob(job: JobProgress): void {
    const index = this.jobs.findIndex((known) => known.id === job.id);
    if (index === -1) {
      this.jobs.push(job);
      this.activityOpen = true;
    } else {
      this.jobs[index] = job;
    }
  }

  async cancelJob(id: string): Promise<void> {
    const result = await call(() => commands.cancelJob(id));
    if (result.status === "error") this.notify(result.error);
  }

  async showLogs(): Promise<void> {
    const result = await call(() => commands.showLogs());
    if (result.status === "error") this.notify(result.error);
  }

  openSettings(): void {
    this.aboutOpen = false;
    this.settingsOpen = true;
  }

  closeSettings(): void {
    this.settingsOpen = false;
  }

  /** Puts the sidebar filter in focus (leaving Settings first); no-op without accounts. */
  findInSidebar(): void {
    if (this.accounts.length === 0) return;
    this.aboutOpen = false;
    this.settingsOpen = false;
    this.filterFocusPending = true;
  }

  onMenu(action: MenuAction): void {
    switch (action) {
      case "settings":
        this.openSettings();
        break;
      case "about":
        this.aboutOpen = true;
        break;
      case "showLogs":
        void this.showLogs();
        break;
      case "toggleDetails":
        this.detailsOpen = !this.detailsOpen;
        break;
      case "toggleActivity":
        this.activityOpen = !this.activityOpen;
        break;
      case "find":
        this.findInSidebar();
        break;
      case "supportRequest":
        // The shell opens the support page itself; nothing to show here.
        break;
    }
  }
}

export const app = new AppState();
