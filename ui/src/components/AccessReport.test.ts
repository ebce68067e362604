import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/i18n.svelte";
import type { AccessReport as Report, CapabilitiesView, CapabilityView } from "../lib/bindings";
import AccessReport from "./AccessReport.svelte";

const mounted: Array<ReturnType<typeof mount>> = [];

function render(props: { report: Report | null; error?: null; loading?: boolean; listing?: boolean; onback?: () => void }) {
  const target = document.createElement("div");
  document.body.append(target);
  mounted.push(mount(AccessReport, { target, props: { error: null, loading: false, listing: false, onback: () => {}, ...props } }));
  flushSync();
  const clean = (node: Element | null) => (node?.textContent ?? "").replace(/\s+/g, " ").trim();
  const all = (selector: string, root: ParentNode = target) => [...root.querySelectorAll(selector)].map(clean);
  return { target, all, text: (selector: string) => clean(target.querySelector(selector)) };
}

afterEach(() => {
  clearMocks();
  mounted.splice(0).forEach((component) => unmount(component));
  document.body.innerHTML = "";
  i18n.lang = "en";
});

const allowed: CapabilityView = {
  state: "allowed",
  allowed: true,
  reason: null,
  missingRole: null,
  grantedBy: null,
  policy: null,
  grantorContact: null,
  portalUrl: null,
};
const PROPERTIES = "https://portal.azure.com/#@t/resource/providers/Microsoft.Billing/billingAccounts/A/billingProfiles/P/properties";
const POLICIES = "https://portal.azure.com/#@t/resource/providers/Microsoft.Billing/billingAccounts/E/policies";
const RBAC = "https://portal.azure.com/#@t/resource/providers/Microsoft.Billing/billingAccounts/E/departments/D/billingrbac";

const readerCaps: CapabilitiesView = {
  listInvoices: allowed,
  downloadInvoices: allowed,
  downloadUsage: allowed,
  manageEmail: {
    ...allowed,
    state: "denied",
    allowed: false,
    missingRole: "billing_profile_contributor",
    grantedBy: "billing_profile_owner",
    portalUrl: PROPERTIES,
  },
};
const emailed: CapabilityView = { ...allowed, state: "notOffered", allowed: false, reason: "ea_invoices_are_emailed", portalUrl: RBAC };
const departmentCaps: CapabilitiesView = {
  listInvoices: emailed,
  downloadInvoices: emailed,
  manageEmail: emailed,
  downloadUsage: {
    ...allowed,
    state: "denied",
    allowed: false,
    missingRole: "enterprise_administrator",
    grantedBy: "enterprise_administrator",
    policy: "department_admin_view_charges",
    portalUrl: POLICIES,
  },
};

const report: Report = {
  accounts: [
    {
      accountId: "a1",
      username: "rita.reader@contoso.example",
      tenantId: "t",
      billingAccountId: "/providers/Microsoft.Billing/billingAccounts/A",
      displayName: "Contoso Ltd",
      agreement: "mca",
      scopes: [
        {
          id: "/providers/Microsoft.Billing/billingAccounts/A/billingProfiles/P",
          kind: "mca_billing_profile",
          displayName: "Contoso Finance",
          parentDisplayName: null,
          roles: ["billing_profile_reader"],
          evidence: ["billing_permissions", "roles"],
          permittedActions: ["Microsoft.Billing/billingAccounts/billingProfiles/invoices/read"],
          notPermittedActions: [],
          forbiddenActions: [],
          capabilities: readerCaps,
          eaInvoiceRecipient: null,
        },
      ],
    },
    {
      accountId: "a1",
      username: "rita.reader@contoso.example",
      tenantId: "t",
      billingAccountId: "/providers/Microsoft.Billing/billingAccounts/E",
      displayName: "Northwind Enrollment",
      agreement: "ea",
      scopes: [
        {
          id: "/providers/Microsoft.Billing/billingAccounts/E/departments/D",
          kind: "ea_department",
          displayName: "Research",
          parentDisplayName: null,
          roles: [],
          evidence: ["ea_policies"],
          permittedActions: [],
          notPermittedActions: [],
          forbiddenActions: [],
          capabilities: departmentCaps,
          eaInvoiceRecipient: "invoices@contoso.example",
        },
      ],
    },
  ],
  help: [
    { page: "check_access", url: "https://learn.microsoft.com/en-us/azure/cost-management-billing/manage/understand-mca-roles" },
    { page: "support_request", url: "https://portal.azure.com/#view/Microsoft_Azure_Support/NewSupportRequestV3Blade" },
  ],
};

describe("Check my access", () => {
  it("shows each account's agreement and, per scope, the roles, the evidence and every action", () => {
    const { all, target } = render({ report });
    expect(all('[data-testid="access-account"] h2')).toEqual(["MCA Contoso Ltd", "EA Northwind Enrollment"]);
    expect(all('[data-testid="access-agreement"]')).toEqual([
      "Agreement: Microsoft Customer Agreement",
      "Agreement: Enterprise Agreement",
    ]);
    expect(all('[data-testid="access-roles"]')).toEqual(["Your roles: billing profile reader", "You hold no billing role here."]);
    expect(all('[data-testid="access-evidence"]')).toEqual([
      "Based on: your billing permissions (billingPermissions), your billing role assignments",
      "Based on: the enrollment's view-charges policies",
    ]);

    const [profile, department] = [...target.querySelectorAll('[data-testid="access-scope"]')];
    const states = (scope: Element) =>
      [...scope.querySelectorAll('[data-testid="capability"]')].map((node) => `${node.getAttribute("data-action")}:${node.getAttribute("data-state")}`);
    expect(states(profile)).toEqual(["listInvoices:allowed", "downloadInvoices:allowed", "downloadUsage:allowed", "manageEmail:denied"]);
    expect(all('[data-testid="capability-sentence"]', profile)).toEqual([
      "You need the billing profile contributor role; a billing profile owner can grant it.",
    ]);
    expect(all('[data-testid="portal-url"]', profile)).toEqual([PROPERTIES]);

    expect(states(department)).toEqual(["listInvoices:notOffered", "downloadInvoices:notOffered", "downloadUsage:denied", "manageEmail:notOffered"]);
    const usage = department.querySelector('[data-action="downloadUsage"]')!;
    expect(usage.querySelector('[data-testid="capability-sentence"]')?.textContent).toBe(
      "An enterprise administrator has to turn on the policy “Department admins can view charges”.",
    );
    expect(usage.querySelector('[data-testid="portal-url"]')?.textContent).toBe(POLICIES);
  });

  it("speaks Dutch", () => {
    i18n.lang = "nl";
    const { all, text } = render({ report });
    expect(text("h1")).toBe("Mijn toegang controleren");
    expect(all('[data-testid="access-agreement"]')[0]).toBe("Overeenkomst: Microsoft-klantovereenkomst");
    expect(all('[data-testid="access-roles"]')[0]).toBe("Uw rollen: lezer van het factureringsprofiel");
    expect(all('[data-testid="access-evidence"]')[1]).toBe("Op basis van: het beleid Kosten weergeven van de inschrijving");
    expect(all('[data-testid="capability-sentence"]')[0]).toContain("bijdrager van het factureringsprofiel");
  });

  it("says when nothing is listed yet, when more is coming, and goes back", () => {
    const onback = vi.fn();
    const { text, target } = render({ report: { accounts: [], help: [] }, listing: true, onback });
    expect(text('[data-testid="access-empty"]')).toContain("No billing scopes are listed yet.");
    expect(text('[data-testid="access-still-listing"]')).toContain("still loading");
    target.querySelector<HTMLButtonElement>('[data-testid="access-back"]')!.click();
    expect(onback).toHaveBeenCalledOnce();
  });

  it("closes with the help pages, each opened by the shell by its code, in English and Dutch", async () => {
    const opened: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "open_help") opened.push((args as { page: string }).page);
      return null;
    });
    const { all, target } = render({ report });
    expect(all('[data-testid="access-help-link"]')).toEqual(["Checking your access (Microsoft Learn)", "Open a support request (Azure portal)"]);
    expect(all('[data-testid="access-help"] .url')[1]).toBe("https://portal.azure.com/#view/Microsoft_Azure_Support/NewSupportRequestV3Blade");
    target.querySelector<HTMLButtonElement>('[data-page="support_request"]')!.click();
    await vi.waitFor(() => expect(opened).toEqual(["support_request"]));
    i18n.lang = "nl";
    flushSync();
    expect(all('[data-testid="access-help"] h2')).toEqual(["Hulp"]);
  });
});
