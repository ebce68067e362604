// What the main window browses: the billing scopes of each signed-in directory (loaded one
// directory at a time, each with its own error and retry), the selected scope's billing periods,
// the selected invoice and the period whose reason card is open. Kept outside the components so
// a trip to Settings and back keeps the selection.
import { untrack } from "svelte";
import { tenantKey } from "./accounts.svelte";
import { attempt, call, commands, type AccountSummary, type AppError, type InvoiceView, type PeriodView, type ScopeSummary, type ShownRange } from "./ipc";
import { saves } from "./saves.svelte";
import { groupScopes, indexScopes, type IndexedScope, type ScopeGroup } from "./scopes";
import { EMPTY_SELECTION, pick, toggleAll, type SelectMode, type Selection } from "./selection";

export type LoadStatus = "loading" | "ok" | "error";

export interface TenantScopes {
  status: LoadStatus;
  /** Set while the list shown is the cached one from this time (opening, or Azure unreachable). */
  asOf: string | null;
  index: IndexedScope[];
  /** The index grouped by kind and sorted by name, once per listing. */
  groups: ScopeGroup[];
  error: AppError | null;
}

export interface ScopePeriods {
  status: LoadStatus;
  /** Set while the periods shown are the cached ones from this time. */
  asOf: string | null;
  periods: PeriodView[];
  error: AppError | null;
}

/** A row of the table: an invoice (`invoice` set) or a period without one. */
export interface PeriodRow {
  key: string;
  period: PeriodView;
  invoice: InvoiceView | null;
}

/** One row per invoice, and one per period without any; newest period first. */
export function periodRows(periods: readonly PeriodView[]): PeriodRow[] {
  const sorted = [...periods].sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : 0));
  const rows: PeriodRow[] = [];
  for (const period of sorted) {
    if (period.invoices.length === 0) {
      rows.push({ key: `p:${period.start}`, period, invoice: null });
      continue;
    }
    for (const invoice of period.invoices) rows.push({ key: `i:${period.start}:${invoice.name}`, period, invoice });
  }
  return rows;
}

/** The rows a search shows: by invoice number, status, document type or period (`2026-03`). */
export function matchingRows(rows: PeriodRow[], query: string): PeriodRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((row) => {
    const text = [row.period.start, row.period.end, row.invoice?.name, row.invoice?.status, row.invoice?.documentType]
      .filter(Boolean)
      .join(" ")
      .toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

function scopesLoaded(scopes: ScopeSummary[], asOf: string | null = null, error: AppError | null = null): TenantScopes {
  const index = indexScopes(scopes);
  return { status: "ok", asOf, index, groups: groupScopes(index), error };
}

export class BrowseState {
  /** Per directory (`tenantKey`). Replaced, never mutated in place: a listing can be large. */
  tenants = $state.raw<Record<string, TenantScopes>>({});
  /** Per scope id. */
  periods = $state.raw<Record<string, ScopePeriods>>({});
  selectedScopeId = $state<string | null>(null);
  /** The table row in focus (`PeriodRow.key`): the details panel shows it. */
  selectedRow = $state<string | null>(null);
  /** The invoice rows selected for saving and dragging (keys of `rows`). */
  selection = $state.raw<Selection>(EMPTY_SELECTION);
  /** The billing periods shown: the same range for every scope. */
  range = $state<ShownRange>("recent");
  /** The period (its start) whose reason card is open. */
  reasonFor = $state<string | null>(null);

  #epoch = -1;
  #generation = 0;

  /** Every scope loaded so far, by id. */
  scopesById: Map<string, ScopeSummary> = $derived.by(() => {
    // A fresh map per listing, never mutated afterwards: no reactivity needed inside it.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const map = new Map<string, ScopeSummary>();
    for (const entry of Object.values(this.tenants)) for (const indexed of entry.index) map.set(indexed.scope.id, indexed.scope);
    return map;
  });

  /**
   * Every scope listed fresh from Azure whose invoices the user may download: what "Sync
   * archive" covers (a scope known only from the cache cannot be fetched from now).
   */
  syncableScopeIds: string[] = $derived(
    Object.values(this.tenants)
      .filter((entry) => entry.status === "ok" && entry.asOf === null)
      .flatMap((entry) => entry.index.map((indexed) => indexed.scope))
      .filter((scope) => scope.capabilities.downloadInvoices.allowed)
      .map((scope) => scope.id),
  );

  /**
   * Whether every directory's listing has answered from Azure (with scopes or an error); the
   * cached listing shown while Azure is asked does not count.
   */
  allListed: boolean = $derived(
    Object.keys(this.tenants).length > 0 &&
      Object.values(this.tenants).every((entry) => entry.status !== "loading" && (entry.asOf === null || entry.error !== null)),
  );

  selectedScope: ScopeSummary | null = $derived(
    this.selectedScopeId ? (this.scopesById.get(this.selectedScopeId) ?? null) : null,
  );

  selectedPeriods: ScopePeriods | null = $derived(this.selectedScopeId ? (this.periods[this.selectedScopeId] ?? null) : null);

  /** The toolbar's search: only rows whose invoice number, status or period match are shown. */
  query = $state("");

  rows: PeriodRow[] = $derived(
    this.selectedPeriods?.status === "ok" ? matchingRows(periodRows(this.selectedPeriods.periods), this.query) : [],
  );

  selectedInvoiceRow: PeriodRow | null = $derived(this.rows.find((row) => row.key === this.selectedRow && row.invoice) ?? null);

  /** The keys of the rows that can be selected (invoices), in table order. */
  invoiceKeys: string[] = $derived(this.rows.filter((row) => row.invoice).map((row) => row.key));

  /** The selected invoices still shown, in table order. */
  selectedInvoices: InvoiceView[] = $derived(
    this.rows.flatMap((row) => (row.invoice && this.selection.keys.has(row.key) ? [row.invoice] : [])),
  );

  /** Their names, in table order: what saves and drags of the selection name. */
  selectedNames: string[] = $derived(this.selectedInvoices.map((invoice) => invoice.name));

  /**
   * The periods the toolbar's "Usage CSV" asks for, newest first and each once: those of the
   * selected rows, else the focused row's, else the newest shown.
   */
  usagePeriods: PeriodView[] = $derived.by(() => {
    const picked = this.rows.filter((row) => (row.invoice ? this.selection.keys.has(row.key) : row.key === this.selectedRow));
    const rows = picked.length > 0 ? picked : this.rows.slice(0, 1);
    return rows.map((row) => row.period).filter((period, index, all) => all.indexOf(period) === index);
  });

  reasonPeriod: PeriodView | null = $derived(
    this.reasonFor ? (this.selectedPeriods?.periods.find((period) => period.start === this.reasonFor) ?? null) : null,
  );

  /**
   * Follows the accounts: loads the scopes of every enabled directory not loaded yet, forgets
   * directories that need a new sign-in, and starts afresh when the data source changed
   * (`epoch`: demo started, switched or left).
   */
  sync(accounts: readonly AccountSummary[], epoch: number): void {
    untrack(() => {
      if (epoch !== this.#epoch) {
        this.#epoch = epoch;
        this.reset();
      }
      const next = { ...this.tenants };
      let changed = false;
      const wanted: Array<[string, string]> = [];
      for (const account of accounts) {
        for (const tenant of account.tenants) {
          const key = tenantKey(account.id, tenant.id);
          if (tenant.needsSignIn && key in next) {
            delete next[key];
            changed = true;
          }
          if (tenant.enabled && !tenant.needsSignIn && !(key in next)) wanted.push([account.id, tenant.id]);
        }
      }
      if (changed) this.tenants = next;
      for (const [accountId, tenantId] of wanted) void this.loadScopes(accountId, tenantId);
    });
  }

  reset(): void {
    this.#generation += 1;
    this.tenants = {};
    this.periods = {};
    this.selectedScopeId = null;
    this.selectedRow = null;
    this.selection = EMPTY_SELECTION;
    this.reasonFor = null;
  }

  async loadScopes(accountId: string, tenantId: string): Promise<void> {
    const key = tenantKey(accountId, tenantId);
    const generation = this.#generation;
    const shown = this.tenants[key];
    if (!shown || shown.status !== "ok") {
      this.tenants = { ...this.tenants, [key]: { status: "loading", asOf: null, index: [], groups: [], error: null } };
    }
    // The last listing first, so the window has something at once (and offline).
    const cached = await attempt(() => commands.cachedScopes(accountId, tenantId));
    const stale = cached.status === "ok" ? cached.data : null;
    if (generation !== this.#generation) return;
    if (stale && this.tenants[key]?.status === "loading") {
      this.tenants = { ...this.tenants, [key]: scopesLoaded(stale.data, stale.asOf) };
    }
    const result = await call(() => commands.listScopes(accountId, tenantId));
    if (generation !== this.#generation) return;
    let next: TenantScopes;
    if (result.status === "ok") next = scopesLoaded(result.data);
    else if (stale) next = scopesLoaded(stale.data, stale.asOf, result.error);
    else next = { status: "error", asOf: null, index: [], groups: [], error: result.error };
    this.tenants = { ...this.tenants, [key]: next };
    // Back after "Sign in again" (or a retry): the open scope's failed listing is tried once more.
    const selected = this.selectedScopeId;
    if (
      result.status === "ok" &&
      selected &&
      this.periods[selected]?.error &&
      result.data.some((scope) => scope.id === selected)
    ) {
      void this.loadPeriods(selected);
    }
  }

  async loadPeriods(scopeId: string): Promise<void> {
    const generation = this.#generation;
    this.periods = { ...this.periods, [scopeId]: { status: "loading", asOf: null, periods: [], error: null } };
    const range = this.range;
    // Only the default range is kept for offline use.
    const cached = range === "recent" ? await attempt(() => commands.cachedPeriods(scopeId)) : null;
    const stale = cached?.status === "ok" ? cached.data : null;
    // A listing for an older range or data source is not shown.
    if (generation !== this.#generation || range !== this.range) return;
    if (stale && this.periods[scopeId]?.status === "loading") {
      this.periods = { ...this.periods, [scopeId]: { status: "ok", asOf: stale.asOf, periods: stale.data, error: null } };
    }
    const result = await call(() => commands.listPeriods(scopeId, range));
    if (generation !== this.#generation || range !== this.range) return;
    let next: ScopePeriods;
    if (result.status === "ok") next = { status: "ok", asOf: null, periods: result.data, error: null };
    else if (stale) next = { status: "ok", asOf: stale.asOf, periods: stale.data, error: result.error };
    else next = { status: "error", asOf: null, periods: [], error: result.error };
    this.periods = { ...this.periods, [scopeId]: next };
  }

  selectScope(scopeId: string): void {
    if (this.selectedScopeId !== scopeId) {
      this.selectedScopeId = scopeId;
      this.selectedRow = null;
      this.selection = EMPTY_SELECTION;
      this.reasonFor = null;
    }
    const known = this.periods[scopeId];
    if (!known || known.status === "error") void this.loadPeriods(scopeId);
    void saves.loadSaved(scopeId);
  }

  /** Focuses a row and picks it as `mode` says (a plain click: only this row). */
  selectRow(key: string, mode: SelectMode = "only"): void {
    this.selectedRow = key;
    const row = this.rows.find((candidate) => candidate.key === key);
    this.reasonFor = row && !row.invoice ? row.period.start : null;
    if (row?.invoice) this.selection = pick(this.selection, this.invoiceKeys, key, mode);
    else if (mode === "only") this.selection = EMPTY_SELECTION;
  }

  /** Ctrl/Cmd+A and the header checkbox: every invoice shown, or none when all were selected. */
  toggleAllRows(): void {
    this.selection = toggleAll(this.selection, this.invoiceKeys);
  }

  clearSelection(): void {
    this.selection = EMPTY_SELECTION;
  }

  /** Shows another range of billing periods; the open scope is listed again for it. */
  setRange(range: ShownRange): void {
    if (range === this.range) return;
    this.range = range;
    this.periods = {};
    this.selectedRow = null;
    this.selection = EMPTY_SELECTION;
    this.reasonFor = null;
    if (this.selectedScopeId) void this.loadPeriods(this.selectedScopeId);
  }

  openReason(periodStart: string): void {
    this.selectedRow = `p:${periodStart}`;
    this.reasonFor = periodStart;
  }

  closeReason(): void {
    this.reasonFor = null;
  }
}

export const browse = new BrowseState();
