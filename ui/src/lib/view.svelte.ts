// Which screen the window shows and which of its panels and dialogs are open.

export type Screen = "loading" | "welcome" | "main" | "settings" | "access";

export class ViewState {
  /** Set once the first answers of the shell (settings, accounts, …) have arrived. */
  ready = $state(false);
  settingsOpen = $state(false);
  /** "Check my access" (over the main window; there is nothing to check without an account). */
  accessOpen = $state(false);
  aboutOpen = $state(false);
  detailsOpen = $state(true);
  activityOpen = $state(false);
  /** Set when the sidebar filter should take focus once it is on screen. */
  filterFocusPending = $state(false);

  readonly #hasAccounts: () => boolean;

  screen: Screen = $derived.by(() =>
    !this.ready
      ? "loading"
      : this.settingsOpen
        ? "settings"
        : !this.#hasAccounts()
          ? "welcome"
          : this.accessOpen
            ? "access"
            : "main",
  );

  /** `hasAccounts`: whether any account is signed in (the main layout, or Welcome without). */
  constructor(hasAccounts: () => boolean) {
    this.#hasAccounts = hasAccounts;
  }

  openSettings(): void {
    this.aboutOpen = false;
    this.accessOpen = false;
    this.settingsOpen = true;
  }

  /** "Check my access", from the Help menu or Settings; Settings closes. */
  openAccess(): void {
    this.aboutOpen = false;
    this.settingsOpen = false;
    this.accessOpen = true;
  }

  closeAccess(): void {
    this.accessOpen = false;
  }

  closeSettings(): void {
    this.settingsOpen = false;
  }

  /** Puts the sidebar filter in focus (leaving Settings first); no-op without accounts. */
  findInSidebar(): void {
    if (!this.#hasAccounts()) return;
    this.aboutOpen = false;
    this.settingsOpen = false;
    this.accessOpen = false;
    this.filterFocusPending = true;
  }
}
