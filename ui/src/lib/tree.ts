import type { AccountSummary, TenantSummary } from "./bindings";
import { filterScopes, type ScopeGroup } from "./scopes";

export interface AccountNode {
  account: AccountSummary;
  tenants: TenantSummary[];
}

/** The sidebar tree narrowed by a filter: an account that matches keeps all its tenants. */
export function filterTree(accounts: readonly AccountSummary[], query: string): AccountNode[] {
  const needle = query.trim().toLocaleLowerCase();
  const matches = (text: string) => text.toLocaleLowerCase().includes(needle);
  const nodes: AccountNode[] = [];
  for (const account of accounts) {
    if (!needle || matches(account.displayName) || matches(account.username)) {
      nodes.push({ account, tenants: account.tenants });
      continue;
    }
    const tenants = account.tenants.filter((tenant) => matches(tenant.displayName) || matches(tenant.id));
    if (tenants.length > 0) nodes.push({ account, tenants });
  }
  return nodes;
}

export interface TenantNode {
  tenant: TenantSummary;
  /** The scope groups to show (already narrowed by the filter). */
  groups: ScopeGroup[];
}

export interface SidebarNode {
  account: AccountSummary;
  tenants: TenantNode[];
}

/** Narrows scope groups to the scopes whose lower-cased key contains `needle`. */
export function filterGroups(groups: readonly ScopeGroup[], needle: string): ScopeGroup[] {
  if (!needle) return groups as ScopeGroup[];
  const out: ScopeGroup[] = [];
  for (const group of groups) {
    const scopes = filterScopes(group.scopes, needle);
    if (scopes.length > 0) out.push(scopes.length === group.scopes.length ? group : { ...group, scopes });
  }
  return out;
}

/**
 * Accounts → directories → scope groups, narrowed by the filter: a matching account keeps
 * everything, a matching directory keeps all its scopes, otherwise only matching scopes (and
 * their directory) stay.
 */
export function sidebarTree(
  accounts: readonly AccountSummary[],
  query: string,
  groupsOf: (account: AccountSummary, tenant: TenantSummary) => readonly ScopeGroup[],
): SidebarNode[] {
  const needle = query.trim().toLocaleLowerCase();
  const matches = (text: string) => text.toLocaleLowerCase().includes(needle);
  const nodes: SidebarNode[] = [];
  for (const account of accounts) {
    const all = !needle || matches(account.displayName) || matches(account.username);
    const tenants: TenantNode[] = [];
    for (const tenant of account.tenants) {
      const groups = groupsOf(account, tenant);
      if (all || matches(tenant.displayName) || matches(tenant.id)) {
        tenants.push({ tenant, groups: groups as ScopeGroup[] });
        continue;
      }
      const narrowed = filterGroups(groups, needle);
      if (narrowed.length > 0) tenants.push({ tenant, groups: narrowed });
    }
    if (tenants.length > 0) nodes.push({ account, tenants });
  }
  return nodes;
}
