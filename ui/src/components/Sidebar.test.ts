import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tenantKey } from "../lib/accounts.svelte";
import type { AccountSummary, AgreementFamily, ScopeKind, ScopeSummary } from "../lib/bindings";
import { browse } from "../lib/browse.svelte";
import { groupScopes, indexScopes } from "../lib/scopes";
import Sidebar from "./Sidebar.svelte";

vi.mock("../lib/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../lib/ipc")>()),
  call: vi.fn(() => new Promise(() => {})),
}));

const allowed = { state: "allowed" as const, allowed: true, reason: null, missingRole: null, grantedBy: null, policy: null, portalUrl: null };
const WORDS = ["Production", "Sandbox", "Research", "Marketing", "Finance", "Europe", "Retail", "Analytics", "Payroll", "Logistics"];
const KINDS: ScopeKind[] = ["mosp_subscription", "mca_billing_profile", "ea_department"];
const FAMILIES: AgreementFamily[] = ["mosp", "mca", "ea"];

const ACCOUNT: AccountSummary = {
  id: "acc",
  displayName: "Finance",
  username: "f@example.com",
  cloud: "azurePublic",
  viaAzureCli: false,
  tenants: [{ id: "tenant", displayName: "Directory", isHome: true, enabled: true, needsSignIn: false }],
};

function scopes(count: number): ScopeSummary[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `/subscriptions/s-${i}`,
    accountId: "acc",
    tenantId: "tenant",
    kind: KINDS[i % 3],
    family: FAMILIES[i % 3],
    displayName: `${WORDS[i % 10]} ${WORDS[(i * 7) % 10]} ${i}`,
    billingAccountName: null,
    currency: "EUR",
    roles: ["billing_profile_owner"],
    capabilities: { listInvoices: allowed, downloadInvoices: allowed, downloadUsage: allowed, manageEmail: allowed },
    issues: [],
  }));
}

let component: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  document.body.innerHTML = "";
  browse.reset();
});

function render(count: number) {
  const index = indexScopes(scopes(count));
  browse.tenants = { [tenantKey("acc", "tenant")]: { status: "ok", asOf: null, index, groups: groupScopes(index), error: null } };
  component = mount(Sidebar, { target: document.body, props: { accounts: [ACCOUNT] } });
  flushSync();
}

function type(input: HTMLInputElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

describe("Sidebar scopes", () => {
  it("groups scopes by agreement with badges and selects one with the keyboard", () => {
    render(6);
    const groups = [...document.querySelectorAll('[data-testid="scope-group"]')].map((group) => group.getAttribute("data-kind"));
    expect(groups).toEqual(["mosp_subscription", "mca_billing_profile", "ea_department"]);
    const rows = [...document.querySelectorAll<HTMLButtonElement>('[data-testid="scope-row"]')];
    expect(rows).toHaveLength(6);
    expect(rows[0].querySelector(".badge")?.textContent).toBe("MOSP");
    expect(rows.filter((row) => row.tabIndex === 0)).toHaveLength(1);
    rows[0].focus();
    rows[0].dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    expect(document.activeElement).toBe(rows[1]);
    rows[1].click();
    flushSync();
    expect(rows[1].getAttribute("aria-current")).toBe("true");
    expect(browse.selectedScopeId).toBe(rows[1].dataset.scopeId);
  });

  it("filters 1,000 rendered scopes and keeps unchanged rows (timed by `cargo xtask bench`)", () => {
    render(1000);
    const input = document.getElementById("sidebar-filter") as HTMLInputElement;
    expect(document.querySelectorAll('[data-testid="scope-row"]')).toHaveLength(1000);
    const word = "research finance 2";
    const queries = Array.from({ length: word.length }, (_, i) => word.slice(0, i + 1));
    // The row of a scope that stays visible is the same element after filtering: nothing re-rendered.
    const kept = document.querySelector('[data-scope-id="/subscriptions/s-2"]');
    const started = performance.now();
    for (const query of queries) type(input, query);
    const typing = (performance.now() - started) / queries.length;
    expect(document.querySelector('[data-scope-id="/subscriptions/s-2"]')).toBe(kept);
    const shown = document.querySelectorAll('[data-testid="scope-row"]').length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(1000);
    console.info(`sidebar filter, 1,000 scopes rendered (jsdom): ${typing.toFixed(2)} ms per keystroke while typing`);
    // Wall-clock targets are checked only by the benchmark run (`cargo xtask bench` sets
    // INVOICE_DESK_BENCH=1), never in the test suite, where a loaded machine would make them flaky.
    // jsdom is far slower than a browser, so 16 ms per keystroke is a generous bound there.
    if (process.env.INVOICE_DESK_BENCH === "1") expect(typing).toBeLessThan(16);
  });
});
