// Pure helpers for billing scopes: sidebar groups and a filter
// that stays fast with thousands of scopes (lower-case keys computed once per listing).
import { SCOPE_KINDS, type AgreementFamily, type BillingRole, type ScopeKind, type ScopeSummary } from "./bindings";

/** A scope with what the filter compares against, lower-cased once. */
export interface IndexedScope {
  scope: ScopeSummary;
  kind: ScopeKind;
  family: AgreementFamily;
  /** The strongest role held (the shell sends them strongest first). */
  role: BillingRole | null;
  key: string;
}

export function indexScope(scope: ScopeSummary): IndexedScope {
  return {
    scope,
    kind: scope.kind,
    family: scope.family,
    role: scope.roles[0] ?? null,
    key: `${scope.displayName}\u0000${scope.billingAccountName ?? ""}`.toLocaleLowerCase(),
  };
}

export function indexScopes(scopes: readonly ScopeSummary[]): IndexedScope[] {
  return scopes.map(indexScope);
}

export function normalizeQuery(query: string): string {
  return query.trim().toLocaleLowerCase();
}

/** The scopes whose name (or billing account name) contains the query; all of them for "". */
export function filterScopes(index: readonly IndexedScope[], needle: string): IndexedScope[] {
  if (!needle) return index as IndexedScope[];
  const out: IndexedScope[] = [];
  for (const entry of index) if (entry.key.includes(needle)) out.push(entry);
  return out;
}

export interface ScopeGroup {
  kind: ScopeKind;
  family: AgreementFamily;
  scopes: IndexedScope[];
}

/** Scopes grouped by kind in the shell's `SCOPE_KINDS` order, each group sorted by name. */
export function groupScopes(entries: readonly IndexedScope[]): ScopeGroup[] {
  const byKind = new Map<ScopeKind, IndexedScope[]>();
  for (const entry of entries) {
    const list = byKind.get(entry.kind);
    if (list) list.push(entry);
    else byKind.set(entry.kind, [entry]);
  }
  const groups: ScopeGroup[] = [];
  for (const kind of SCOPE_KINDS) {
    const scopes = byKind.get(kind);
    if (!scopes) continue;
    scopes.sort((a, b) => a.scope.displayName.localeCompare(b.scope.displayName));
    groups.push({ kind, family: scopes[0].family, scopes });
  }
  return groups;
}
