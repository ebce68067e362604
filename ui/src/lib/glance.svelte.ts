// A saved usage file at a glance: which usage file of a period is on disk (the folder index's
// answer, matched by the period's `usageKey`), and its summary as the shell reads it, once per
// file, with the check against the invoice for a customer agreement invoice's file.
import { call, commands, type AppError, type PeriodView, type SavedDocument, type Share, type UsageGlance } from "./ipc";
import { addDecimals } from "./decimal";

/** The document kind the folder index gives usage files. */
export const USAGE_DOCUMENT = "Usage";

export type GlanceEntry = { status: "loading" } | { status: "ok"; glance: UsageGlance } | { status: "error"; error: AppError };

/** The usage file of `period` among a scope's saved documents, if it is on disk. */
export function usageFileOf(saved: readonly SavedDocument[] | undefined, period: PeriodView): SavedDocument | null {
  if (!period.usageKey) return null;
  return saved?.find((document) => document.documentKind === USAGE_DOCUMENT && document.invoice === period.usageKey) ?? null;
}

/** The invoice a period's usage file is checked against: the invoice its usage was asked for. */
export function checkedInvoice(period: PeriodView): string | null {
  return period.usage?.kind === "invoice" ? period.usage.invoice : null;
}

/** The first `count` shares as they come (most first), the rest added up as one "other". */
export function topShares(shares: readonly Share[], count: number): { shown: Share[]; other: { cost: string; count: number } | null } {
  if (shares.length <= count + 1) return { shown: [...shares], other: null };
  const rest = shares.slice(count);
  return { shown: shares.slice(0, count), other: { cost: addDecimals(rest.map((share) => share.cost)), count: rest.length } };
}

/** A bar's length as a share of the largest, 0–1, for drawing only. */
export function barRatio(value: string, max: number): number {
  const number = Number(value);
  if (!(max > 0) || !(number > 0)) return 0;
  return Math.min(1, number / max);
}

export class GlanceState {
  /** Per file (`path|invoice`): loading, its glance, or why it could not be read. */
  entries = $state.raw<Record<string, GlanceEntry>>({});

  #key(path: string, invoice: string | null): string {
    return `${path}|${invoice ?? ""}`;
  }

  of(path: string, invoice: string | null): GlanceEntry | null {
    return this.entries[this.#key(path, invoice)] ?? null;
  }

  /** Asks the shell to summarise the file once (again when `fresh`, e.g. after "Retry"). */
  async load(scopeId: string, path: string, invoice: string | null, fresh = false): Promise<void> {
    const key = this.#key(path, invoice);
    const known = this.entries[key];
    if (known && (known.status === "loading" || !fresh)) return;
    this.entries = { ...this.entries, [key]: { status: "loading" } };
    const result = await call(() => commands.usageAtAGlance(scopeId, path, invoice));
    const entry: GlanceEntry = result.status === "ok" ? { status: "ok", glance: result.data } : { status: "error", error: result.error };
    this.entries = { ...this.entries, [key]: entry };
  }

  /** Forgets what is known of a file that was written again, so the next look reads it anew. */
  forget(path: string): void {
    const kept = Object.entries(this.entries).filter(([key]) => !key.startsWith(`${path}|`));
    if (kept.length !== Object.keys(this.entries).length) this.entries = Object.fromEntries(kept);
  }
}

export const glance = new GlanceState();
