// Saving invoice PDFs from the window: what is on disk already per scope (to open or reveal it
// instead of downloading again), which saves are running, and the last save's summary.
import { SvelteSet } from "svelte/reactivity";
import { call, commands, type AppError, type Result, type RetryRequest, type SaveSummary, type SavedDocument, type ShownRange } from "./ipc";

function mergeSummaries(a: SaveSummary, b: SaveSummary): SaveSummary {
  return {
    folder: a.folder,
    saved: [...a.saved, ...b.saved],
    alreadyThere: [...a.alreadyThere, ...b.alreadyThere],
    keptBoth: [...a.keptBoth, ...b.keptBoth],
    failed: [...a.failed, ...b.failed],
    cancelled: a.cancelled || b.cancelled,
  };
}

export class SaveState {
  /** Per scope id: the documents in the download folder's archive. */
  saved = $state.raw<Record<string, SavedDocument[]>>({});
  /** Saves running: a scope id for a whole scope, `scope|invoice` for one invoice. */
  readonly running = new SvelteSet<string>();
  summary = $state<SaveSummary | null>(null);
  error = $state<AppError | null>(null);

  async loadSaved(scopeId: string): Promise<void> {
    const result = await call(() => commands.savedDocuments(scopeId));
    if (result.status === "ok") this.saved = { ...this.saved, [scopeId]: result.data };
  }

  /** The saved file of an invoice, if any. */
  savedFile(scopeId: string, invoice: string): SavedDocument | null {
    return this.saved[scopeId]?.find((document) => document.invoice === invoice) ?? null;
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
   * "Sync archive": every invoice of every scope where downloads are allowed, one scope after
   * the other (each a job in the tray); what is in the archive already costs no download. The
   * summary adds up all scopes.
   */
  async syncAll(scopeIds: readonly string[]): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    this.error = null;
    let total: SaveSummary | null = null;
    for (const scopeId of scopeIds) {
      const result = await call(() => commands.archiveInvoices(scopeId, []));
      if (result.status === "error") {
        this.error = result.error;
        continue;
      }
      total = total === null ? result.data : mergeSummaries(total, result.data);
      await this.loadSaved(scopeId);
    }
    this.summary = total;
    this.syncing = false;
  }

  /** "Retry" in the tray: runs again what a failed or cancelled job left undone. */
  async retry(request: RetryRequest): Promise<void> {
    if (request.kind === "saveInvoices") {
      await this.save(request.scopeId, request.invoices, request.range);
      return;
    }
    const { scopeId, invoices } = request;
    await this.#saving(`${scopeId}|archive`, scopeId, () => commands.archiveInvoices(scopeId, invoices));
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
   * "Sync at start": the first call of this run decides (syncing `scopeIds`, or nothing when
   * there are none); later calls do nothing.
   */
  syncAtStart(scopeIds: readonly string[]): void {
    if (this.startSync !== "undecided") return;
    this.startSync = scopeIds.length > 0 ? "started" : "skipped";
    if (scopeIds.length > 0) void this.syncAll([...scopeIds]);
  }

  dismiss(): void {
    this.summary = null;
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
