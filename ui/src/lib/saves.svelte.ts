// Saving invoice PDFs from the window: what is on disk already per scope (to open or reveal it
// instead of downloading again), which saves are running, and the last save's summary.
import { SvelteSet } from "svelte/reactivity";
import { call, commands, type AppError, type PeriodView, type Result, type RetryRequest, type SaveSummary, type SavedDocument, type ScopeUsage, type ShownRange, type SyncOutcome } from "./ipc";
import { USAGE_DOCUMENT, glance, usageFileOf } from "./glance.svelte";
import { usage } from "./usage.svelte";

export class SaveState {
  /** Per scope id: the documents in the download folder's archive. */
  saved = $state.raw<Record<string, SavedDocument[]>>({});
  /** Saves running: a scope id for a whole scope, `scope|invoice` for one invoice. */
  readonly running = new SvelteSet<string>();
  summary = $state<SaveSummary | null>(null);
  /** What the last Sync archive did with usage files, per scope (empty unless it kept them). */
  usageSynced = $state.raw<ScopeUsage[]>([]);
  error = $state<AppError | null>(null);

  async loadSaved(scopeId: string): Promise<void> {
    const result = await call(() => commands.savedDocuments(scopeId));
    if (result.status === "ok") this.saved = { ...this.saved, [scopeId]: result.data };
  }

  /** The saved PDF of an invoice, if any. */
  savedFile(scopeId: string, invoice: string): SavedDocument | null {
    return this.saved[scopeId]?.find((document) => document.invoice === invoice && document.documentKind !== USAGE_DOCUMENT) ?? null;
  }

  /** The usage file of a period, if it is on disk. */
  usageFile(scopeId: string, period: PeriodView): SavedDocument | null {
    return usageFileOf(this.saved[scopeId], period);
  }

  /** Drags a saved file (a usage file) out of the window, as the system drags files. */
  async dragSaved(path: string): Promise<void> {
    const result = await call(() => commands.startDragSaved(path));
    if (result.status === "error") this.error = result.error;
  }

  isRunning(scopeId: string, invoice?: string): boolean {
    return this.running.has(invoice ? `${scopeId}|${invoice}` : scopeId);
  }

  /** Saves the named invoices of a scope, or every invoice of `range` when none are named. */
  async save(scopeId: string, invoices: string[] = [], range: ShownRange | null = null): Promise<void> {
    const key = invoices.length === 1 ? `${scopeId}|${invoices[0]}` : scopeId;
    await this.#saving(key, scopeId, () => commands.saveInvoices(scopeId, invoices, range));
  }

  /** One save of a scope, once at a time per `key`: its summary or error, then what is on disk. */
  async #saving(key: string, scopeId: string, run: () => Promise<Result<SaveSummary>>): Promise<void> {
    if (this.running.has(key)) return;
    this.running.add(key);
    this.error = null;
    const result = await call(run);
    this.running.delete(key);
    if (result.status === "ok") this.summary = result.data;
    else this.error = result.error;
    await this.loadSaved(scopeId);
  }

  /** Whether "Sync archive" is running. */
  syncing = $state(false);

  /**
   * "Sync archive": the shell syncs every scope whose invoices may be downloaded, one after the
   * other (each a job in the tray), and answers with one summary.
   */
  async syncAll(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    this.error = null;
    await this.#synced(await call(() => commands.syncArchive()));
    this.syncing = false;
  }

  async #synced(result: Result<SyncOutcome, AppError>): Promise<void> {
    if (result.status === "error") {
      this.error = result.error;
      return;
    }
    const { scopeIds, summary, error, usage: usageSynced } = result.data;
    if (error) this.error = error;
    this.usageSynced = usageSynced;
    for (const scope of usageSynced) usage.adopt(scope.jobId, scope.scopeId, scope.outcome);
    if (summary) this.summary = summary;
    await Promise.all(scopeIds.map((scopeId) => this.loadSaved(scopeId)));
  }

  /** "Retry" in the tray: runs again what a failed or cancelled job left undone. */
  async retry(request: RetryRequest): Promise<void> {
    switch (request.kind) {
      case "saveInvoices":
        await this.save(request.scopeId, request.invoices, request.range);
        break;
      case "archiveInvoices": {
        const { scopeId, invoices } = request;
        await this.#saving(`${scopeId}|archive`, scopeId, () => commands.archiveInvoices(scopeId, invoices));
        break;
      }
      case "saveUsage":
        await usage.save(request.scopeId, request.selection);
        break;
    }
  }

  /** "Save as…": one invoice to a place picked in the system's save dialog. */
  async saveAs(scopeId: string, invoice: string): Promise<void> {
    const key = `${scopeId}|${invoice}`;
    if (this.running.has(key)) return;
    this.running.add(key);
    this.error = null;
    const result = await call(() => commands.saveInvoiceAs(scopeId, invoice));
    this.running.delete(key);
    if (result.status === "error") this.error = result.error;
    else if (result.data) this.savedAs = result.data;
  }

  /** The last file "Save as…" wrote, for the banner that offers to show it. */
  savedAs = $state<SavedDocument | null>(null);

  /** What "Sync at start" did in this run: nothing yet (undecided), started a sync, or skipped it. */
  startSync = $state<"undecided" | "started" | "skipped">("undecided");

  /**
   * "Sync at start", asked once every directory has listed its scopes: the shell decides (the
   * setting, never over demo data, once per run) and answers with what it synced, if anything.
   */
  async syncAtStart(): Promise<void> {
    if (this.startSync !== "undecided" || this.syncing) return;
    this.syncing = true;
    const result = await call(() => commands.syncAtStart());
    this.startSync = result.status === "ok" && result.data !== null ? "started" : "skipped";
    if (result.status === "error") this.error = result.error;
    else if (result.data) await this.#synced({ status: "ok", data: result.data });
    this.syncing = false;
  }

  dismiss(): void {
    this.summary = null;
    this.usageSynced = [];
    this.savedAs = null;
    this.error = null;
  }

  async open(path: string): Promise<void> {
    const result = await call(() => commands.openSaved(path));
    if (result.status === "error") this.error = result.error;
  }

  async reveal(path: string): Promise<void> {
    const result = await call(() => commands.revealSaved(path));
    if (result.status === "error") this.error = result.error;
  }
}

export const saves = new SaveState();

// A usage file just saved is on disk now: the folder's index says under which period, and a
// file written again is summarised anew.
usage.onSaved((scopeId, outcome) => {
  for (const file of outcome.files) glance.forget(file.fullPath);
  if (outcome.files.length > 0) void saves.loadSaved(scopeId);
});
