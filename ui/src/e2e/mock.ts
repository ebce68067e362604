// In-page stand-in for the Rust shell, used only by the `e2e` build flavour (browser tests).
// State lives in memory; tests steer it through `window.__e2e` or seed it before the page
// loads with `window.__E2E_INIT__` (e.g. Playwright's `addInitScript`).
//
// Where the answers come from:
// - Recorded (`./recorded.ts`, `recorded/*.json`): demo mode. `start_demo`, `demo_state`,
//   `list_accounts` while a demo runs, the demo account's `list_scopes` and the `list_periods`
//   of its scopes replay what the real commands answered on the emulator's demo scenario
//   (`cargo xtask fixtures`; a Rust test fails when the files differ from a fresh recording),
//   so they cannot drift from the shell. Not recorded, and answered with an `internal` error:
//   a demo directory that was off when recorded (turned on here). Other period ranges answer
//   the recorded default range.
// - Hand-made (`./fixtures.ts` and here, typed by the generated bindings): everything outside
//   demo mode, which the recording cannot give: real accounts as the tests seed them (public
//   cloud, one account with several enabled directories, ids the tests pick) with the scopes
//   and periods of their directories (Contoso, Fabrikam, any other name; the tests assert their
//   exact names and amounts), errors injected per test (`failNext`, `failScopes`, `failSaves`,
//   `offline`, `demoAvailable: false`), cached listings, delays, sign-in flows and directories
//   that need a new sign-in, and the app info, settings, jobs, saving, usage files (a job
//   stepping through a report's stages, their summary at a glance, reports left running at the
//   last quit), sync, drag and file-name previews (`./template.ts`),
//   whose answers depend on this machine or on the test.
import { emit } from "@tauri-apps/api/event";
import { mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import type {
  AccountSummary,
  AppError,
  AppInfo,
  DemoState,
  DeviceCodeEvent,
  EmailChange,
  InvoiceEmail,
  JobProgress,
  KeychainStatus,
  Locale,
  PendingReport,
  PeriodView,
  SaveSummary,
  SyncOutcome,
  SavedDocument,
  ScopeSummary,
  SubscriptionEmail,
  Settings,
  TenantSummary,
  UsageOutcome,
  UsagePeriod,
  UsageSelection,
} from "../lib/bindings";
import { DEFAULT_SETTINGS } from "../lib/bindings";
import { contosoScopes, fabrikamScopes, genericScopes, periodsFor, usageGlanceFor } from "./fixtures";
import { DEFAULT_DEMO_RECORDING, demoRecording, replay, type DemoRecording } from "./recorded";
import { previewFileName } from "./template";

export interface E2eInit {
  settings?: Partial<Settings>;
  /** Returned by `get_settings` as the corrupt-settings warning. */
  warning?: AppError | null;
  accounts?: AccountSummary[];
  jobs?: JobProgress[];
  /** Next answer of `choose_folder` (null = the user cancelled the picker). */
  folder?: string | null;
  /** One-shot failures per command name, e.g. `{ save_settings: {...} }`. */
  failNext?: Record<string, AppError>;
  /** `false`: `start_demo` fails with `demo_unavailable` (default: the demo works). */
  demoAvailable?: boolean;
  /** Start in demo mode (launched with --demo), signed in as recorded demo user `user` (default: the default one). */
  demo?: { user?: string };
  /** `list_scopes` answers per tenant id (default: the demo recording, else fixtures by the directory's name). */
  scopes?: Record<string, ScopeSummary[]>;
  /** One-shot `list_scopes` failures per tenant id (that directory only; a retry then works). */
  failScopes?: Record<string, AppError>;
  /** `list_periods` answers per scope id (default: the demo recording, else the fixtures). */
  periods?: Record<string, PeriodView[]>;
  /** Invoice names whose save fails with `disk_full` (`save_invoices`, `archive_invoices`). */
  failSaves?: string[];
  /** Where the save dialog of `save_invoice_as` "saves" (null: the user closed it). */
  saveAsPath?: string | null;
  /** Azure cannot be reached: `list_scopes` and `list_periods` fail with `network`. */
  offline?: boolean;
  /** When the cached listing (`cached_scopes` / `cached_periods`) was fetched; unset: none. */
  cachedAsOf?: string;
  /** Milliseconds `list_scopes` / `list_periods` take, to see the skeletons. */
  scopesDelayMs?: number;
  periodsDelayMs?: number;
  /** `app_info.azureCliAvailable` (default false: "Use my Azure CLI sign-in" is hidden). */
  azureCliAvailable?: boolean;
  /** What `keychain_status` answers (default: remembered, no warning). */
  keychain?: KeychainStatus;
  /**
   * Milliseconds `keychain_status` and `list_accounts` take, as the shell's do while the system's
   * keychain is slow to open (default 0).
   */
  keychainDelayMs?: number;
  /**
   * How `sign_in` goes. Without it, it fails at once with `sign_in_unavailable`. With it, the
   * call waits until `__e2e.finishSignIn()` (or `cancel_sign_in`); a `deviceCode` is emitted as
   * `device-code-event` first. On success the account is added and `accounts-changed` sent.
   */
  signIn?: E2eSignIn;
  /**
   * Tenant ids that come back with `needsSignIn: true` when `set_tenant_enabled` turns them on
   * (a directory demanding MFA or Conditional Access).
   */
  needsSignInWhenEnabled?: string[];
  /** Milliseconds `set_tenant_enabled` takes, to see its busy state (default 0). */
  tenantDelayMs?: number;
  /** Milliseconds each step of a usage job takes (requested, preparing, downloading; default 150). */
  usageStepMs?: number;
  /**
   * How `save_usage_file` ends (default: the file is saved, and "already there" the second
   * time): `noData` (Azure has no usage), `notFetched` (the job fails with this error and the
   * outcome names the period), `error` (the job fails with it and the command too).
   */
  usageResult?: { noData?: boolean; notFetched?: AppError; error?: AppError };
  /** How long `change_billing_profile_email` takes, as Azure's long-running update does. */
  emailDelayMs?: number;
  /** Documents already in the download folder per scope id (usage files: `documentKind: "Usage"`). */
  saved?: Record<string, SavedDocument[]>;
  /**
   * How `usage_at_a_glance` answers (default: the fixtures' summary, an invoice's file matching
   * it): after `delayMs`, with `error`, or (`differs`) short by the credits the invoice applied.
   */
  glance?: { delayMs?: number; error?: AppError; differs?: boolean };
  /** What `pending_usage_reports` answers: reports left running when the app last quit. */
  pendingReports?: PendingReport[];
}

export type E2eSignIn =
  | { account: AccountSummary }
  | { deviceCode: DeviceCodeEvent; account: AccountSummary }
  | { error: AppError };

export interface E2eCall {
  cmd: string;
  args: unknown;
}

export interface E2eHandle {
  /** Every command the UI invoked, in order (event plumbing excluded). */
  calls: E2eCall[];
  callsTo(cmd: string): E2eCall[];
  /** Emits a shell event; the name may be the wire name or the bindings key (`jobProgressEvent`). */
  emit(event: string, payload: unknown): Promise<void>;
  setAccounts(accounts: AccountSummary[]): Promise<void>;
  setFolder(folder: string | null): void;
  failNext(cmd: string, error: AppError): void;
  /**
   * Ends the waiting `sign_in` as configured (or with `outcome`), or the waiting `sign_in_again`
   * (success unless `outcome` is an `{error}`); false when none waits.
   */
  finishSignIn(outcome?: E2eSignIn): Promise<boolean>;
  /** Whether a `sign_in` or `sign_in_again` call is waiting to be finished. */
  signInPending(): boolean;
  accounts(): AccountSummary[];
  /** The demo state the shell would report (null outside demo mode). */
  demo(): DemoState | null;
  /** Makes the next `list_scopes` of this tenant fail. */
  failScopes(tenantId: string, error: AppError): void;
  settings(): Settings;
  jobs(): JobProgress[];
}

declare global {
  interface Window {
    __e2e?: E2eHandle;
    __E2E_INIT__?: E2eInit;
  }
}

const EVENT_NAMES: Record<string, string> = {
  accountsChanged: "accounts-changed",
  demoChanged: "demo-changed",
  deviceCodeEvent: "device-code-event",
  jobProgressEvent: "job-progress-event",
  menuEvent: "menu-event",
  settingsChanged: "settings-changed",
  updateProgress: "update-progress",
};

const APP_INFO: AppInfo = {
  name: "Invoice Desk",
  version: "0.1.0-e2e",
  os: "linux x86_64",
  logDir: "/home/tester/.local/share/invoice-desk/logs",
  settingsFile: "/home/tester/.config/invoice-desk/settings.json",
  debug: false,
  azureCliAvailable: false,
  defaultCloud: "azurePublic",
  customEndpoints: null,
};

function appError(code: AppError["code"], message: string): AppError {
  return { code, message, hint: null, details: null };
}

export function installMock(): void {
  const init = window.__E2E_INIT__ ?? {};
  let settings: Settings = { ...DEFAULT_SETTINGS, ...init.settings };
  const warning = init.warning ?? null;
  let accounts: AccountSummary[] = init.accounts ?? [];
  const jobs: JobProgress[] = init.jobs ?? [];
  let folder: string | null = init.folder === undefined ? "/home/tester/Documents/Invoices" : init.folder;
  const failures = new Map<string, AppError>(Object.entries(init.failNext ?? {}));
  const calls: E2eCall[] = [];
  const appInfo: AppInfo = { ...APP_INFO, azureCliAvailable: init.azureCliAvailable ?? false };
  const keychain: KeychainStatus = init.keychain ?? { remembered: true, warning: null };
  const needsSignInWhenEnabled = new Set(init.needsSignInWhenEnabled ?? []);
  const tenantDelayMs = init.tenantDelayMs ?? 0;
  const keychainDelayMs = init.keychainDelayMs ?? 0;
  const failScopes = new Map<string, AppError>(Object.entries(init.failScopes ?? {}));
  const scopesDelayMs = init.scopesDelayMs ?? 0;
  const periodsDelayMs = init.periodsDelayMs ?? 0;
  let realAccounts: AccountSummary[] = accounts;
  /** The running demo: the recorded answers of its signed-in user. */
  let demo: DemoRecording | null = null;
  if (init.demo) {
    demo = recordingOf(init.demo.user);
    accounts = demo.accounts;
  }
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  let pendingSignIn: {
    kind: "signIn" | "signInAgain";
    resolve: (outcome: E2eSignIn | null) => void;
    reject: (error: AppError) => void;
  } | null = null;

  const wire = (event: string) => EVENT_NAMES[event] ?? event;

  function upsertJob(job: JobProgress) {
    const index = jobs.findIndex((known) => known.id === job.id);
    if (index === -1) jobs.push(job);
    else jobs[index] = job;
  }

  async function setAccounts(next: AccountSummary[]) {
    accounts = next;
    await emit(wire("accountsChanged"), accounts);
  }

  async function signIn(): Promise<AccountSummary> {
    const config = init.signIn;
    if (!config) throw appError("sign_in_unavailable", "Sign-in is not available in this build.");
    if (pendingSignIn) throw appError("sign_in_failed", "A sign-in is already running.");
    const outcome = new Promise<E2eSignIn | null>((resolve, reject) => (pendingSignIn = { kind: "signIn", resolve, reject }));
    if ("deviceCode" in config) await emit(wire("deviceCodeEvent"), config.deviceCode);
    const result = (await outcome.finally(() => (pendingSignIn = null))) ?? config;
    if ("error" in result) throw result.error;
    await setAccounts([...accounts.filter((known) => known.id !== result.account.id), result.account]);
    return result.account;
  }

  function findTenant(accountId: unknown, tenantId: unknown): { account: AccountSummary; index: number } {
    const account = accounts.find((known) => known.id === accountId);
    if (!account) throw appError("account_not_found", `No account with id ${String(accountId)}.`);
    const index = account.tenants.findIndex((tenant) => tenant.id === tenantId);
    if (index === -1) throw appError("internal", `The account has no tenant ${String(tenantId)}.`);
    return { account, index };
  }

  /** Replaces one tenant of one account, sends accounts-changed and answers the account. */
  async function updateTenant(account: AccountSummary, index: number, patch: Partial<TenantSummary>): Promise<AccountSummary> {
    const tenants = account.tenants.map((tenant, at) => (at === index ? { ...tenant, ...patch } : tenant));
    const updated: AccountSummary = { ...account, tenants };
    await setAccounts(accounts.map((known) => (known.id === account.id ? updated : known)));
    return updated;
  }

  async function setTenantEnabled(args: Record<string, unknown>): Promise<AccountSummary> {
    const { account, index } = findTenant(args.accountId, args.tenantId);
    if (tenantDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, tenantDelayMs));
    const tenant = account.tenants[index];
    // The home tenant (listed first) stays on, as in the shell.
    const enabled = index === 0 || args.enabled === true;
    const patch: Partial<TenantSummary> = { enabled };
    if (enabled && !tenant.enabled) patch.needsSignIn = needsSignInWhenEnabled.has(tenant.id);
    return updateTenant(account, index, patch);
  }

  async function signInAgain(args: Record<string, unknown>): Promise<AccountSummary> {
    findTenant(args.accountId, args.tenantId);
    if (pendingSignIn) throw appError("sign_in_failed", "A sign-in is already running.");
    const outcome = new Promise<E2eSignIn | null>((resolve, reject) => (pendingSignIn = { kind: "signInAgain", resolve, reject }));
    const result = await outcome.finally(() => (pendingSignIn = null));
    if (result && "error" in result) throw result.error;
    // Looked up again: the list may have changed while the browser was open.
    const { account, index } = findTenant(args.accountId, args.tenantId);
    needsSignInWhenEnabled.delete(account.tenants[index].id);
    return updateTenant(account, index, { needsSignIn: false });
  }

  /** The recorded demo user `upn` (null: the one `start_demo` picks when none is named). */
  function recordingOf(upn: string | null | undefined): DemoRecording {
    if (upn === null || upn === undefined) return DEFAULT_DEMO_RECORDING;
    const found = demoRecording(upn);
    if (!found) throw appError("demo_unavailable", `No demo user ${upn}.`);
    return found;
  }

  function scopesOf(accountId: unknown, tenantId: unknown): ScopeSummary[] {
    const { account, index } = findTenant(accountId, tenantId);
    const tenant = account.tenants[index];
    if (init.scopes?.[tenant.id]) return init.scopes[tenant.id];
    if (demo?.accounts.some((known) => known.id === account.id)) {
      const recorded = demo.scopes[tenant.id];
      if (!recorded) throw appError("internal", `The demo directory ${tenant.id} was not recorded (it was off).`);
      return replay(recorded);
    }
    const name = tenant.displayName.toLowerCase();
    if (name.includes("contoso")) return contosoScopes(account.id, tenant.id);
    if (name.includes("fabrikam")) return fabrikamScopes(account.id, tenant.id);
    return genericScopes(account.id, tenant.id, tenant.displayName);
  }

  function periodsOf(scopeId: string): PeriodView[] {
    const override = init.periods?.[scopeId];
    if (override) return override;
    const recorded = demo?.periods[scopeId];
    if (recorded) return replay(recorded);
    const periods = periodsFor(scopeId);
    if (!periods) throw appError("not_found", `No billing scope ${scopeId}.`);
    return periods;
  }

  const savedByScope = new Map<string, SavedDocument[]>(Object.entries(init.saved ?? {}).map(([scopeId, documents]) => [scopeId, [...documents]]));

  function saveInvoices(args: Record<string, unknown>, folder = "/home/tester/Downloads"): SaveSummary {
    const scopeId = String(args.scopeId);
    const named = (args.invoices as string[] | undefined) ?? [];
    const all = periodsOf(scopeId).flatMap((period) => period.invoices.map((invoice) => invoice.name));
    const names = named.length > 0 ? named : all;
    const known = savedByScope.get(scopeId) ?? [];
    const summary: SaveSummary = { folder, saved: [], alreadyThere: [], keptBoth: [], failed: [], refused: [], cancelled: false };
    // A range leaves out what Azure keeps from the user; a named invoice is never one of them here.
    const refusals = new Map(
      periodsOf(scopeId).flatMap((period) => period.invoices.flatMap((invoice) => (invoice.refusal ? [[invoice.name, invoice.refusal] as const] : []))),
    );
    for (const invoice of names) {
      const refusal = named.length === 0 ? refusals.get(invoice) : undefined;
      if (refusal) {
        summary.refused.push({ invoice, refusal });
        continue;
      }
      if ((init.failSaves ?? []).includes(invoice)) {
        summary.failed.push({ invoice, documentKind: "Invoice", error: appError("disk_full", "The disk is full.") });
        continue;
      }
      const existing = known.find((document) => document.invoice === invoice);
      if (existing) {
        summary.alreadyThere.push(existing);
        continue;
      }
      const document = { invoice, documentKind: "Invoice", path: `${folder}/Contoso/${invoice}.pdf` };
      known.push(document);
      summary.saved.push(document);
    }
    savedByScope.set(scopeId, known);
    return summary;
  }

  function unreachable(): AppError {
    return appError("network", "Azure could not be reached.");
  }

  async function listScopes(args: Record<string, unknown>): Promise<ScopeSummary[]> {
    const { account, index } = findTenant(args.accountId, args.tenantId);
    const tenant = account.tenants[index];
    if (scopesDelayMs > 0) await sleep(scopesDelayMs);
    if (init.offline) throw unreachable();
    const failure = failScopes.get(tenant.id);
    if (failure) {
      failScopes.delete(tenant.id);
      throw failure;
    }
    const listed = scopesOf(args.accountId, args.tenantId);
    for (const scope of listed) listedScopes.set(scope.id.toLowerCase(), scope);
    return listed;
  }

  /** The scopes listed from "Azure" in this run, as the shell keeps them for a sync. */
  const listedScopes = new Map<string, ScopeSummary>();
  let startSyncDecided = false;

  /** `sync_archive` as the shell answers it: each listed scope whose invoices may be downloaded. */
  function syncArchive(): SyncOutcome {
    const outcome: SyncOutcome = { scopeIds: [], summary: null, error: null, usage: [] };
    for (const scope of listedScopes.values()) {
      if (!scope.capabilities.downloadInvoices.allowed) continue;
      const summary = saveInvoices({ scopeId: scope.id, invoices: [] }, settings.archiveFolder ?? "/home/tester/Downloads");
      outcome.scopeIds.push(scope.id);
      outcome.summary = outcome.summary === null ? summary : merged(outcome.summary, summary);
    }
    return outcome;
  }

  function merged(a: SaveSummary, b: SaveSummary): SaveSummary {
    return {
      folder: a.folder,
      saved: [...a.saved, ...b.saved],
      alreadyThere: [...a.alreadyThere, ...b.alreadyThere],
      keptBoth: [...a.keptBoth, ...b.keptBoth],
      failed: [...a.failed, ...b.failed],
      refused: [...a.refused, ...b.refused],
      cancelled: a.cancelled || b.cancelled,
    };
  }

  /** `sync_at_start`: the first call of a run syncs when the setting is on, outside demo mode. */
  function syncAtStart(): SyncOutcome | null {
    if (startSyncDecided) return null;
    startSyncDecided = true;
    if (!settings.syncAtStart || demo !== null) return null;
    const outcome = syncArchive();
    return outcome.scopeIds.length > 0 ? outcome : null;
  }

  async function listPeriods(args: Record<string, unknown>): Promise<PeriodView[]> {
    const scopeId = String(args.scopeId);
    if (periodsDelayMs > 0) await sleep(periodsDelayMs);
    if (init.offline) throw unreachable();
    return periodsOf(scopeId);
  }

  async function startDemo(args: Record<string, unknown>): Promise<DemoState> {
    if (init.demoAvailable === false) throw appError("demo_unavailable", "The sample Azure could not be started.");
    const next = recordingOf(typeof args.upn === "string" ? args.upn : null);
    if (!demo) realAccounts = accounts;
    demo = next;
    await emit(wire("demoChanged"), { state: demo.demoState });
    await setAccounts(demo.accounts);
    return demo.demoState;
  }

  async function leaveDemo(): Promise<null> {
    if (!demo) return null;
    demo = null;
    await emit(wire("demoChanged"), { state: null });
    await setAccounts(realAccounts);
    return null;
  }

  // Usage files: each save is a job stepping through a report's stages, as the shell reports them.
  const usageCancels = new Map<string, () => void>();
  const usageSaved = new Set<string>();
  let usageJobs = 0;

  /** The days a usage request covers, as the shell's outcome names them. */
  function usagePeriodOf(scopeId: string, selection: UsageSelection): UsagePeriod {
    const lastDay = (month: string) => {
      const d = new Date(`${month}-01T00:00:00Z`);
      d.setUTCMonth(d.getUTCMonth() + 1, 0);
      return d.toISOString().slice(0, 10);
    };
    switch (selection.kind) {
      case "months":
        return { start: `${selection.from}-01`, end: lastDay(selection.to), invoice: null, monthToDate: false };
      case "days":
        return { start: selection.start, end: selection.end, invoice: null, monthToDate: false };
      case "invoice": {
        const period = periodsOf(scopeId).find((candidate) => candidate.invoices.some((invoice) => invoice.name === selection.invoice));
        return { start: period?.start ?? "", end: period?.end ?? "", invoice: selection.invoice, monthToDate: false };
      }
      case "openMonth":
        return { start: "2026-11-01", end: "2026-11-03", invoice: null, monthToDate: true };
    }
  }

  async function saveUsageFile(args: Record<string, unknown>): Promise<UsageOutcome> {
    const scopeId = String(args.scopeId);
    const selection = args.selection as UsageSelection;
    const scope = listedScopes.get(scopeId.toLowerCase());
    usageJobs += 1;
    const id = `usage-${usageJobs}`;
    const stepMs = init.usageStepMs ?? 150;
    let cancelled = false;
    let wake = () => {};
    usageCancels.set(id, () => {
      cancelled = true;
      wake();
    });
    let job: JobProgress = {
      id,
      kind: "usageReport",
      title: scope?.displayName ?? scopeId,
      phase: "queued",
      done: 0,
      total: null,
      bytesPerSecond: null,
      error: null,
      stage: null,
      startedAt: new Date().toISOString(),
      retry: { kind: "saveUsage", scopeId, selection },
    };
    const report = async (patch: Partial<JobProgress>) => {
      job = { ...job, ...patch };
      upsertJob(job);
      await emit(wire("jobProgressEvent"), job);
    };
    const step = async (patch: Partial<JobProgress>) => {
      // A cancel ends the wait at once, as the shell's worker stops at its token.
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, stepMs);
      });
      if (cancelled) throw appError("download_cancelled", "The save was cancelled.");
      await report({ phase: "running", ...patch });
    };
    try {
      await report({});
      await step({ stage: { step: "requested", report: 1, reports: 1 } });
      await step({ stage: { step: "preparing", report: 1, reports: 1 } });
      const failure = init.usageResult?.error;
      if (failure) {
        await report({ phase: "failed", error: failure });
        throw failure;
      }
      const period = usagePeriodOf(scopeId, selection);
      const outcome: UsageOutcome = { folder: "/home/tester/Downloads", files: [], noData: [], notFetched: [], alreadyThere: [] };
      if (init.usageResult?.notFetched) {
        outcome.notFetched.push({ period, error: init.usageResult.notFetched });
        await report({ phase: "failed", stage: null, error: init.usageResult.notFetched });
        return outcome;
      }
      if (init.usageResult?.noData) {
        outcome.noData.push(period);
        await report({ phase: "finished", stage: null });
        return outcome;
      }
      await step({ stage: { step: "downloading", report: 1, reports: 1, file: 1, files: 1 }, done: 20_480, total: 48_213, bytesPerSecond: 1_250_000 });
      await step({ done: 48_213 });
      const key = `${scopeId}|${JSON.stringify(selection)}`;
      const path = `Contoso Ltd/${period.start.slice(0, 7)} ${scope?.displayName ?? "scope"} usage.csv`;
      const fullPath = `${outcome.folder}/${path}`;
      outcome.files.push({ period, path, fullPath, outcome: usageSaved.has(key) ? "already_there" : "saved", size: 48_213 });
      usageSaved.add(key);
      recordUsageFile(scopeId, selection, fullPath);
      await report({ phase: "finished", stage: null, bytesPerSecond: null, retry: null });
      return outcome;
    } finally {
      usageCancels.delete(id);
    }
  }

  /** Per billing profile: its invoice email, as the mock's Azure holds it. */
  const profileEmails = new Map<string, InvoiceEmail>();
  /** Per pay-as-you-go subscription: the account's notification address, once set. */
  const notificationEmails = new Map<string, string>();

  const scopeById = (scopeId: string) => [...listedScopes.values()].find((scope) => scope.id === scopeId);

  /** `billing_profile_email`: on with no other recipients until changed. */
  function profileEmail(scopeId: string): InvoiceEmail {
    if (scopeById(scopeId)?.kind !== "mca_billing_profile") throw appError("email_not_offered", "Not a billing profile.");
    const known = profileEmails.get(scopeId);
    if (known) return known;
    const mayChange = scopeById(scopeId)?.capabilities.manageEmail.allowed ?? false;
    return { scopeId, optIn: true, recipients: [], mayChange };
  }

  /** `change_billing_profile_email`: applied as Azure applies it (off unsubscribes everyone). */
  async function changeProfileEmail(scopeId: string, change: EmailChange): Promise<InvoiceEmail> {
    if (init.emailDelayMs) await sleep(init.emailDelayMs);
    const before = profileEmail(scopeId);
    const optIn = change.optIn ?? before.optIn;
    const kept = before.recipients.filter((address) => !(change.remove ?? []).includes(address));
    const added = (change.add ?? []).map((address) => address.trim());
    const after: InvoiceEmail = { ...before, optIn, recipients: optIn ? [...kept, ...added] : [] };
    profileEmails.set(scopeId, after);
    return after;
  }

  /** `subscription_invoice_email`: the account administrator may set the notification address. */
  function subscriptionEmail(scopeId: string): SubscriptionEmail {
    if (scopeById(scopeId)?.kind !== "mosp_subscription") throw appError("email_not_offered", "Not a subscription.");
    const admin = scopeById(scopeId)?.roles.includes("account_administrator") ?? false;
    return {
      scopeId,
      accountAdmin: admin,
      notificationEmail: notificationEmails.get(scopeId) ?? null,
      mayChangeNotificationEmail: admin,
      offerWithoutEmail: null,
    };
  }

  /** The folder index's entry of a saved usage file, under the period's `usageKey`. */
  function recordUsageFile(scopeId: string, selection: UsageSelection, path: string): void {
    const wanted = JSON.stringify(selection);
    const key = periodsOf(scopeId).find((period) => period.usage && JSON.stringify(period.usage) === wanted)?.usageKey;
    if (!key) return;
    const known = (savedByScope.get(scopeId) ?? []).filter((document) => !(document.documentKind === "Usage" && document.invoice === key));
    savedByScope.set(scopeId, [...known, { invoice: key, documentKind: "Usage", path }]);
  }

  /** `usage_at_a_glance`: the fixtures' summary of a saved usage file of the scope. */
  async function usageAtAGlance(args: Record<string, unknown>) {
    const scopeId = String(args.scopeId);
    const path = String(args.path);
    const invoice = typeof args.invoice === "string" ? args.invoice : null;
    if (init.glance?.delayMs) await sleep(init.glance.delayMs);
    if (init.glance?.error) throw init.glance.error;
    const document = (savedByScope.get(scopeId) ?? []).find((known) => known.path === path);
    if (!document) throw appError("not_found", `No saved file ${path}.`);
    const period = periodsOf(scopeId).find((candidate) => candidate.usageKey === document.invoice);
    return usageGlanceFor(invoice, period?.start ?? "2026-10-01", period?.end ?? "2026-10-31", init.glance?.differs ?? false);
  }

  let pendingReports: PendingReport[] = [...(init.pendingReports ?? [])];

  /** `resume_usage_report`: the report leaves the list and runs as a usage job, as a save does. */
  async function resumeUsageReport(args: Record<string, unknown>): Promise<UsageOutcome> {
    const report = pendingReports.find((known) => known.id === args.id);
    if (!report) throw appError("not_found", `No usage report ${String(args.id)}.`);
    pendingReports = pendingReports.filter((known) => known.id !== report.id);
    return saveUsageFile({ scopeId: report.scopeId, selection: report.selection });
  }

  /** The language the shell resolves for `settings`: this browser's language plays the OS's. */
  function language(current: Settings): Locale {
    if (current.language !== "system") return current.language;
    return navigator.language.toLowerCase().startsWith("nl") ? "nl" : "en";
  }

  async function handle(cmd: string, args: Record<string, unknown>): Promise<unknown> {
    calls.push({ cmd, args });
    const failure = failures.get(cmd);
    if (failure) {
      failures.delete(cmd);
      throw failure;
    }
    switch (cmd) {
      case "get_settings":
        return { settings, language: language(settings), warning };
      case "save_settings":
        settings = { ...(args.settings as Settings) };
        return { settings, language: language(settings), warning: null };
      case "app_info":
        return appInfo;
      case "startup_painted":
        return null;
      case "keychain_status":
        await sleep(keychainDelayMs);
        return keychain;
      case "choose_folder":
        return folder;
      case "show_logs":
        return null;
      case "list_accounts":
        await sleep(keychainDelayMs);
        return accounts;
      case "sign_in":
        return signIn();
      case "set_tenant_enabled":
        return setTenantEnabled(args);
      case "sign_in_again":
        return signInAgain(args);
      case "cancel_sign_in":
        pendingSignIn?.reject(appError("sign_in_cancelled", "The sign-in was cancelled."));
        return null;
      case "sign_out": {
        const id = args.accountId;
        if (!accounts.some((account) => account.id === id)) {
          throw appError("account_not_found", `No account with id ${String(id)}.`);
        }
        await setAccounts(accounts.filter((account) => account.id !== id));
        return null;
      }
      case "remove_all_accounts":
        await setAccounts([]);
        return null;
      case "list_jobs":
        return jobs;
      case "list_scopes":
        return listScopes(args);
      case "list_periods":
        return listPeriods(args);
      case "save_invoices":
        return saveInvoices(args);
      case "archive_invoices":
        return saveInvoices(args, settings.archiveFolder ?? "/home/tester/Downloads");
      case "sync_archive":
        return syncArchive();
      case "sync_at_start":
        return syncAtStart();
      case "save_invoice_as": {
        const path = init.saveAsPath === undefined ? `/home/tester/Documents/${String(args.invoice)}.pdf` : init.saveAsPath;
        return path === null ? null : { invoice: String(args.invoice), documentKind: "invoice", path };
      }
      case "saved_documents":
        return savedByScope.get(String(args.scopeId)) ?? [];
      case "preview_file_name":
        return previewFileName(String(args.template));
      case "prepare_drag":
        return {
          files: ((args.invoices as string[]) ?? []).map((invoice) => `/home/tester/.cache/invoice-desk/drag/${invoice}.pdf`),
          failed: [],
        };
      case "start_drag":
      case "start_drag_saved":
        return true;
      case "usage_at_a_glance":
        return usageAtAGlance(args);
      case "pending_usage_reports":
        return pendingReports;
      case "resume_usage_report":
        return resumeUsageReport(args);
      case "dismiss_usage_report":
        pendingReports = pendingReports.filter((known) => known.id !== args.id);
        return null;
      case "open_saved":
      case "reveal_saved":
      case "open_web_page":
      case "open_help":
        return null;
      case "billing_profile_email":
        return profileEmail(String(args.scopeId));
      case "change_billing_profile_email":
        return changeProfileEmail(String(args.scopeId), args.change as EmailChange);
      case "subscription_invoice_email":
        return subscriptionEmail(String(args.scopeId));
      case "change_subscription_notification_email":
        notificationEmails.set(String(args.scopeId), String(args.address).trim());
        return subscriptionEmail(String(args.scopeId));
      case "cached_scopes":
        return init.cachedAsOf
          ? { asOf: init.cachedAsOf, accountId: String(args.accountId), data: scopesOf(args.accountId, args.tenantId) }
          : null;
      case "cached_periods":
        return init.cachedAsOf ? { asOf: init.cachedAsOf, accountId: "", data: periodsOf(String(args.scopeId)) } : null;
      case "start_demo":
        return startDemo(args);
      case "demo_state":
        return demo?.demoState ?? null;
      case "leave_demo":
        return leaveDemo();
      case "save_usage_file":
        return saveUsageFile(args);
      case "cancel_job": {
        const job = jobs.find((known) => known.id === args.id);
        if (!job) throw appError("job_not_found", `No job with id ${String(args.id)}.`);
        usageCancels.get(job.id)?.();
        const cancelled: JobProgress = { ...job, phase: "cancelled", bytesPerSecond: null };
        upsertJob(cancelled);
        await emit(wire("jobProgressEvent"), cancelled);
        return null;
      }
      case "check_for_update":
        // No release feed here: the quiet check at start finds nothing; asked, this is the latest.
        return args.quiet ? null : { currentVersion: appInfo.version, available: null };
      case "install_update":
        throw appError("update_unavailable", "No update was found by a check in this session.");
      case "restart_after_update":
        return null;
      default:
        throw appError("internal", `The e2e mock does not know the command "${cmd}".`);
    }
  }

  mockWindows("main");
  mockIPC((cmd, args) => handle(cmd, (args ?? {}) as Record<string, unknown>), { shouldMockEvents: true });

  window.__e2e = {
    calls,
    callsTo: (cmd) => calls.filter((call) => call.cmd === cmd),
    async emit(event, payload) {
      if (wire(event) === "job-progress-event") upsertJob(payload as JobProgress);
      await emit(wire(event), payload);
    },
    setAccounts,
    setFolder(next) {
      folder = next;
    },
    failNext(cmd, error) {
      failures.set(cmd, error);
    },
    async finishSignIn(outcome) {
      const pending = pendingSignIn;
      if (!pending) return false;
      if (pending.kind === "signInAgain") {
        if (outcome && "error" in outcome) pending.reject(outcome.error);
        else pending.resolve(null);
        return true;
      }
      const config = outcome ?? init.signIn;
      if (!config) return false;
      if ("error" in config) pending.reject(config.error);
      else pending.resolve(config);
      return true;
    },
    signInPending: () => pendingSignIn !== null,
    accounts: () => accounts,
    demo: () => demo?.demoState ?? null,
    failScopes(tenantId, error) {
      failScopes.set(tenantId, error);
    },
    settings: () => settings,
    jobs: () => jobs,
  };
}
