// Pure helpers for billing scopes: sidebar groups, agreement badges, role hints, and a filter
// that stays fast with thousands of scopes (lower-case keys computed once per listing).
import type { ScopeSummary } from "./bindings";

/** The order of groups in a directory, from the plainest agreement to the rarest. */
export const KIND_ORDER = [
  "mosp_subscription",
  "mca_billing_profile",
  "mca_invoice_section",
  "ea_enrollment",
  "ea_department",
  "ea_enrollment_account",
  "mpa_customer",
  "other",
] as const;
export type ScopeKind = (typeof KIND_ORDER)[number];

export function knownKind(kind: string): ScopeKind {
  return (KIND_ORDER as readonly string[]).includes(kind) ? (kind as ScopeKind) : "other";
}

export type AgreementFamily = "mosp" | "mca" | "ea" | "mpa" | "other";

/** The short family of an agreement (the badge), from the agreement name or else the kind. */
export function agreementFamily(agreement: string, kind = ""): AgreementFamily {
  switch (agreement) {
    case "MicrosoftOnlineServicesProgram":
      return "mosp";
    case "MicrosoftCustomerAgreement":
      return "mca";
    case "EnterpriseAgreement":
      return "ea";
    case "MicrosoftPartnerAgreement":
      return "mpa";
  }
  if (kind.startsWith("mosp_")) return "mosp";
  if (kind.startsWith("mca_")) return "mca";
  if (kind.startsWith("ea_")) return "ea";
  if (kind.startsWith("mpa_")) return "mpa";
  return "other";
}

/** Most to least powerful: the first one a user holds is the role hint shown in the sidebar. */
export const ROLE_ORDER = [
  "account_administrator",
  "billing_account_owner",
  "enterprise_administrator",
  "billing_profile_owner",
  "billing_account_contributor",
  "billing_profile_contributor",
  "department_administrator",
  "invoice_section_owner",
  "invoice_section_contributor",
  "ea_account_owner",
  "invoice_manager",
  "billing_account_reader",
  "billing_profile_reader",
  "invoice_section_reader",
  "subscription_user",
] as const;

/** The user's strongest role here (known codes first, in `ROLE_ORDER`), or null without one. */
export function primaryRole(roles: readonly string[]): string | null {
  for (const role of ROLE_ORDER) if (roles.includes(role)) return role;
  return roles[0] ?? null;
}

/** A scope with what the filter compares against, lower-cased once. */
export interface IndexedScope {
  scope: ScopeSummary;
  kind: ScopeKind;
  family: AgreementFamily;
  role: string | null;
  key: string;
}

export function indexScope(scope: ScopeSummary): IndexedScope {
  return {
    scope,
    kind: knownKind(scope.kind),
    family: agreementFamily(scope.agreement, scope.kind),
    role: primaryRole(scope.roles),
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

/** Scopes grouped by kind in `KIND_ORDER`, each group sorted by name. */
export function groupScopes(entries: readonly IndexedScope[]): ScopeGroup[] {
  const byKind = new Map<ScopeKind, IndexedScope[]>();
  for (const entry of entries) {
    const list = byKind.get(entry.kind);
    if (list) list.push(entry);
    else byKind.set(entry.kind, [entry]);
  }
  const groups: ScopeGroup[] = [];
  for (const kind of KIND_ORDER) {
    const scopes = byKind.get(kind);
    if (!scopes) continue;
    scopes.sort((a, b) => a.scope.displayName.localeCompare(b.scope.displayName));
    groups.push({ kind, family: scopes[0].family, scopes });
  }
  return groups;
}
