// The window's state, one concern per module, put together once: what each part needs of the
// others is handed to it here. Loads everything at start and follows the shell's events and menu.
import { AccountsState } from "./accounts.svelte";
import { DemoMode } from "./demo.svelte";
import { attempt, call, commands, events, toAppError, type MenuAction } from "./ipc";
import { JobsState } from "./jobs.svelte";
import { Notices } from "./notices.svelte";
import { SettingsState } from "./settings.svelte";
import { ShellState } from "./shell.svelte";
import { SignInState } from "./signin.svelte";
import { QUIET_CHECK_DELAY_MS, UpdatesState } from "./updates.svelte";
import { usage } from "./usage.svelte";
import { ViewState } from "./view.svelte";

/** Everything the shell shows, loaded from and saved through the Rust side. */
export class AppState {
  readonly notices = new Notices();
  readonly view: ViewState = new ViewState(() => this.accounts.list.length > 0);
  readonly shell = new ShellState(this.notices);
  readonly settings = new SettingsState(this.shell);
  readonly accounts = new AccountsState(this.notices, this.view);
  readonly signin = new SignInState(this.accounts, this.shell, this.notices);
  readonly jobs = new JobsState(this.notices, this.view);
  readonly demo = new DemoMode(this.accounts, this.view, this.notices);
  readonly updates = new UpdatesState();

  /** Loads settings, accounts and jobs and subscribes to the shell's events. Returns an unsubscribe. */
  async start(): Promise<() => void> {
    const unlisten = await this.#listen();
    // The settings are applied as soon as they arrive: the accounts may wait for the system's
    // keychain, and meanwhile the loading screen speaks the user's language and theme.
    const settingsApplied = call(() => commands.getSettings()).then((settings) => {
      if (settings.status === "ok") {
        this.settings.apply(settings.data);
        if (settings.data.warning) this.notices.notify(settings.data.warning, "warning");
      } else {
        this.notices.notify(settings.error);
      }
    });
    const [, accounts, jobs, info, keychain, demo] = await Promise.all([
      settingsApplied,
      call(() => commands.listAccounts()),
      attempt(() => commands.listJobs()),
      attempt(() => commands.appInfo()),
      attempt(() => commands.keychainStatus()),
      call(() => commands.demoState()),
    ]);
    // Launched with --demo: the window opens in demo mode.
    if (demo.status === "ok") this.demo.current = demo.data;
    if (accounts.status === "ok") this.accounts.set(accounts.data);
    else this.notices.notify(accounts.error);
    if (jobs.status === "ok") {
      this.jobs.list = jobs.data;
      jobs.data.forEach((job) => usage.observe(job));
    }
    else this.notices.notify(jobs.error);
    if (info.status === "ok") this.shell.info = info.data;
    else this.notices.notify(info.error);
    if (keychain.status === "ok") {
      this.shell.keychain = keychain.data;
      if (keychain.data.warning) this.notices.notify(keychain.data.warning, "warning", "keychain-warning");
    } else {
      this.notices.notify(keychain.error);
    }
    this.view.ready = true;
    // The shell decides whether this may look at all (the setting, never in demo mode).
    const quietCheck = setTimeout(() => void this.updates.checkQuietly(), QUIET_CHECK_DELAY_MS);
    return () => {
      clearTimeout(quietCheck);
      unlisten.forEach((stop) => stop());
    };
  }

  async #listen(): Promise<Array<() => void>> {
    try {
      return await Promise.all([
        events.jobProgressEvent.listen((event) => {
          this.jobs.upsert(event.payload);
          usage.observe(event.payload);
        }),
        events.settingsChanged.listen((event) => this.settings.apply(event.payload)),
        events.menuEvent.listen((event) => this.onMenu(event.payload.action)),
        events.accountsChanged.listen((event) => {
          this.accounts.set(event.payload);
          // A keychain that failed while saving this sign-in is let go of: the warning shows.
          void this.shell.refreshKeychain();
        }),
        events.demoChanged.listen((event) => this.demo.set(event.payload.state)),
        events.deviceCodeEvent.listen((event) => this.signin.showDeviceCode(event.payload)),
        events.updateProgress.listen((event) => this.updates.onProgress(event.payload)),
      ]);
    } catch (error) {
      this.notices.notify(toAppError(error));
      return [];
    }
  }

  onMenu(action: MenuAction): void {
    switch (action) {
      case "settings":
        this.view.openSettings();
        break;
      case "about":
        this.view.aboutOpen = true;
        break;
      case "showLogs":
        void this.shell.showLogs();
        break;
      case "toggleDetails":
        this.view.detailsOpen = !this.view.detailsOpen;
        break;
      case "toggleActivity":
        this.view.activityOpen = !this.view.activityOpen;
        break;
      case "find":
        this.view.findInSidebar();
        break;
      case "checkAccess":
        this.view.openAccess();
        break;
      case "checkForUpdates":
        void this.updates.checkNow();
        break;
      case "supportRequest":
        // The shell opens the support page itself; nothing to show here.
        break;
    }
  }
}

export const app = new AppState();
