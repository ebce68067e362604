import type { AccountSummary, TenantSummary } from "./bindings";

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
