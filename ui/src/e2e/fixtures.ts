// Hand-made answers for the e2e mock outside demo mode (demo mode replays `./recorded`): the
// billing scopes of a real account's directories and their billing periods, as the shell words
// them (codes, exact decimal strings, ARM ids), typed by the generated bindings. "Today" is
// 2026-11-03.
import type { CapabilitiesView, CapabilityView, DayCost, InvoiceView, PeriodView, ReasonCode, ReasonView, ScopeSummary, Share, UsageGlance, UsageSelection, UsageSummary } from "../lib/bindings";

const PORTAL = "https://portal.azure.com/#view/Microsoft_Azure_GTM/ModernBillingMenuBlade";

const allowed: CapabilityView = { state: "allowed", allowed: true, reason: null, missingRole: null, grantedBy: null, policy: null, portalUrl: null };

function caps(patch: Partial<CapabilitiesView> = {}): CapabilitiesView {
  return { listInvoices: allowed, downloadInvoices: allowed, downloadUsage: allowed, manageEmail: allowed, ...patch };
}

function reason(code: ReasonCode, patch: Partial<ReasonView> = {}): ReasonView {
  return { code, portalUrl: null, subscriptionCreated: null, expectedOn: null, missingRole: null, grantedBy: null, recipient: null, signals: [], facts: [], ...patch };
}

function invoice(name: string, start: string, end: string, issued: string, status: string, value: string, currency: string, patch: Partial<InvoiceView> = {}): InvoiceView {
  const due = addDays(issued, 30);
  return {
    name,
    invoiceDate: issued,
    dueDate: due,
    periodStart: start,
    periodEnd: end,
    status,
    documentType: "Invoice",
    amountDue: { value: status === "Paid" || status === "Void" ? "0.00" : value, currency },
    billedAmount: { value, currency },
    totalAmount: { value, currency },
    // The shell shows the billed amount when there is one.
    shownAmount: { value, currency },
    documents: ["Invoice"],
    ...patch,
  };
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function monthEnd(start: string): string {
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return d.toISOString().slice(0, 10);
}

/**
 * A month-long period starting on `start`; MOSP periods run from a day in one month to the day
 * before it in the next. `usage` is the usage file the shell offers for it (pay-as-you-go and
 * invoice sections: the period's days; EA: the month; an MCA billing profile: the invoice, or
 * the running month to date).
 */
function period(start: string, end: string, invoices: InvoiceView[], why: ReasonView | null, expected: string, usage: UsageSelection | null): PeriodView {
  return { start, end, name: null, invoices, reason: why ?? reason("available"), expectedInvoiceDate: expected, usage, usageKey: usageKey(start, end, usage) };
}

const days = (start: string, end: string): UsageSelection => ({ kind: "days", start, end });
/** The folder index's name for the period's usage file, as the shell gives it (recorded from its answers for the demo). */
const usageKey = (start: string, end: string, usage: UsageSelection | null): string | null =>
  usage === null ? null : usage.kind === "invoice" ? usage.invoice : `${start}..${end}`;
const eaMonth = (start: string): UsageSelection => ({ kind: "months", from: start.slice(0, 7), to: start.slice(0, 7) });
/** An MCA billing profile's period: its invoice's billed charges (the days when it has none and is over). */
const billed = (start: string, end: string, invoices: InvoiceView[]): UsageSelection =>
  invoices[0] ? { kind: "invoice", invoice: invoices[0].name } : days(start, end);

export const SUB_PRODUCTION = "/subscriptions/6d3f1a52-0c4e-4c8e-9b7d-2f1c0a9e4b11";
export const SUB_SANDBOX = "/subscriptions/0b8e7c2d-51f4-4a3b-8e6f-9c2d1e0f7a22";
export const SUB_MARKETING = "/subscriptions/9f1e2d3c-4b5a-4678-9abc-def012345633";
export const MCA_PROFILE = "/providers/Microsoft.Billing/billingAccounts/7c1e9f3a-2b4d-5e6f-8a9b-0c1d2e3f4a5b:1f2e3d4c-5b6a-4789-8abc-def012345678_2019-05-31/billingProfiles/ABCD-EFGH-IJK-LMN";
export const EA_DEPARTMENT = "/providers/Microsoft.Billing/billingAccounts/8608480/departments/1234";
export const MCA_FABRIKAM = "/providers/Microsoft.Billing/billingAccounts/2a3b4c5d-6e7f-4081-9234-56789abcdef0:00000000-0000-0000-0000-000000000002_2019-05-31/billingProfiles/WXYZ-1234-ABC-DEF";
export const SUB_TRIAL = "/subscriptions/3c4d5e6f-7081-4923-a4b5-c6d7e8f90a44";

function scope(id: string, tenantId: string, accountId: string, patch: Partial<ScopeSummary>): ScopeSummary {
  return {
    id,
    accountId,
    tenantId,
    kind: "other",
    family: "other",
    displayName: id,
    billingAccountName: null,
    currency: "EUR",
    roles: [],
    capabilities: caps(),
    issues: [],
    ...patch,
  };
}

/** The Contoso directory: two pay-as-you-go subscriptions, one without access, an MCA profile and an EA department. */
export function contosoScopes(accountId: string, tenantId: string): ScopeSummary[] {
  return [
    scope(SUB_PRODUCTION, tenantId, accountId, {
      kind: "mosp_subscription",
      family: "mosp",
      displayName: "Contoso Production",
      roles: ["account_administrator"],
    }),
    scope(SUB_SANDBOX, tenantId, accountId, {
      kind: "mosp_subscription",
      family: "mosp",
      displayName: "Contoso Sandbox",
      roles: ["account_administrator"],
    }),
    scope(SUB_MARKETING, tenantId, accountId, {
      kind: "mosp_subscription",
      family: "mosp",
      displayName: "Marketing Web",
      roles: ["subscription_user"],
      capabilities: caps({
        listInvoices: { ...allowed, allowed: false, state: "denied", missingRole: "account_administrator", grantedBy: "account_administrator", policy: "allow_others_to_download_invoice", grantorContact: "alex@contoso.example", portalUrl: `https://portal.azure.com/#blade/Microsoft_Azure_Billing/SubscriptionsBlade` },
        downloadInvoices: { ...allowed, allowed: false, state: "denied", missingRole: "account_administrator", grantedBy: "account_administrator", policy: "allow_others_to_download_invoice", grantorContact: "alex@contoso.example", portalUrl: `https://portal.azure.com/#blade/Microsoft_Azure_Billing/SubscriptionsBlade` },
        downloadUsage: { ...allowed, allowed: false, state: "denied", missingRole: "account_administrator", grantedBy: "account_administrator", policy: "allow_others_to_download_invoice", grantorContact: "alex@contoso.example", portalUrl: `https://portal.azure.com/#blade/Microsoft_Azure_Billing/SubscriptionsBlade` },
        manageEmail: { ...allowed, allowed: false, state: "denied", missingRole: "account_administrator", grantedBy: "account_administrator", portalUrl: null },
      }),
    }),
    scope(MCA_PROFILE, tenantId, accountId, {
      kind: "mca_billing_profile",
      family: "mca",
      displayName: "Contoso Europe",
      billingAccountName: "Contoso Ltd",
      roles: ["billing_profile_reader"],
      capabilities: caps({
        manageEmail: {
          state: "denied",
          allowed: false,
          reason: null,
          missingRole: "billing_profile_contributor",
          grantedBy: "billing_profile_owner",
          policy: null,
          portalUrl: `${PORTAL}/~/Properties/billingProfileId/ABCD-EFGH-IJK-LMN`,
        },
      }),
    }),
    scope(EA_DEPARTMENT, tenantId, accountId, {
      kind: "ea_department",
      family: "ea",
      displayName: "Research",
      billingAccountName: "Contoso Enrollment 8608480",
      currency: "USD",
      roles: ["department_administrator"],
      capabilities: caps({
        listInvoices: { ...allowed, allowed: false, state: "notOffered", reason: "ea_invoices_are_emailed" },
        downloadInvoices: { ...allowed, allowed: false, state: "notOffered", reason: "ea_invoices_are_emailed" },
        downloadUsage: {
          state: "denied",
          allowed: false,
          reason: null,
          missingRole: null,
          grantedBy: "enterprise_administrator",
          policy: "department_admin_view_charges",
          portalUrl: `${PORTAL}/~/Policies/billingAccountId/8608480`,
        },
        manageEmail: { ...allowed, allowed: false, state: "notOffered", reason: "portal_only" },
      }),
    }),
  ];
}

export function fabrikamScopes(accountId: string, tenantId: string): ScopeSummary[] {
  return [
    scope(MCA_FABRIKAM, tenantId, accountId, {
      kind: "mca_billing_profile",
      family: "mca",
      displayName: "Fabrikam Labs billing",
      billingAccountName: "Fabrikam Inc.",
      currency: "USD",
      roles: ["billing_profile_owner"],
    }),
    scope(SUB_TRIAL, tenantId, accountId, {
      kind: "mosp_subscription",
      family: "mosp",
      displayName: "Fabrikam Trial",
      roles: ["account_administrator"],
    }),
  ];
}

/** Any other directory: one MCA profile named after it. */
export function genericScopes(accountId: string, tenantId: string, name: string): ScopeSummary[] {
  return [
    scope(`/providers/Microsoft.Billing/billingAccounts/${tenantId}/billingProfiles/P1`, tenantId, accountId, {
      kind: "mca_billing_profile",
      family: "mca",
      displayName: `${name} billing profile`,
      roles: ["billing_profile_owner"],
    }),
  ];
}

function moSpPeriods(): PeriodView[] {
  const out: PeriodView[] = [];
  // Current period: not generated yet.
  out.push(period("2026-10-05", "2026-11-04", [], reason("not_generated_yet", { expectedOn: "2026-11-06" }), "2026-11-06", days("2026-10-05", "2026-11-04")));
  const amounts = ["1284.37", "1190.05", "1342.90", "986.12", "1021.44", "1105.60", "874.08"];
  for (let i = 0; i < amounts.length; i += 1) {
    const month = 9 - i; // Sep back to Mar
    const start = `2026-${String(month).padStart(2, "0")}-05`;
    const end = addDays(`2026-${String(month + 1).padStart(2, "0")}-05`, -1);
    const issued = addDays(end, 2);
    const status = i === 0 ? "Due" : "Paid";
    if (month === 4) {
      out.push(
        period(start, end, [], reason("unknown", {
          facts: [
            { code: "scope_kind", value: "mosp_subscription" },
            { code: "period", value: `${start} – ${end}` },
            { code: "expected_on", value: issued },
            { code: "today", value: "2026-11-03" },
            { code: "invoice_access", value: "allowed" },
          ],
        }), issued, days(start, end)),
      );
      continue;
    }
    out.push(period(start, end, [invoice(`E0${month}00KZ${String(4810 + i)}`, start, end, issued, status, amounts[i], "EUR", { documents: ["Invoice", "Summary"] })], null, issued, days(start, end)));
  }
  return out;
}

function sandboxPeriods(): PeriodView[] {
  return [
    period("2026-10-20", "2026-11-19", [], reason("subscription_too_new", { subscriptionCreated: "2026-10-20", expectedOn: "2026-11-19" }), "2026-11-21", days("2026-10-20", "2026-11-19")),
  ];
}

function marketingPeriods(): PeriodView[] {
  const out: PeriodView[] = [];
  for (let month = 10; month >= 6; month -= 1) {
    const start = `2026-${String(month).padStart(2, "0")}-12`;
    const end = addDays(`2026-${String(month + 1).padStart(2, "0")}-12`, -1);
    out.push(
      period(start, end, [], month === 10 ? reason("not_generated_yet", { expectedOn: addDays(end, 2) }) : reason("no_permission", { missingRole: "account_administrator", grantedBy: "account_administrator", policy: "allow_others_to_download_invoice", grantorContact: "alex@contoso.example", portalUrl: "https://portal.azure.com/#blade/Microsoft_Azure_Billing/SubscriptionsBlade" }), addDays(end, 2), days(start, end)),
    );
  }
  return out;
}

function mcaPeriods(): PeriodView[] {
  const statuses: Array<[string, string, Partial<InvoiceView>?]> = [
    ["Due", "4210.75"],
    ["OverDue", "3987.40"],
    ["Paid", "4105.00"],
    ["Paid", "-120.50", { documentType: "CreditNote", documents: ["CreditNote"] }],
    ["Void", "3890.10"],
    ["PartiallyPaid", "3702.33", { documents: ["Invoice", "TaxReceipt"] }],
    ["Locked", "3650.00"],
  ];
  const out: PeriodView[] = [period("2026-10-01", "2026-10-31", [], reason("not_generated_yet", { expectedOn: "2026-11-05" }), "2026-11-05", days("2026-10-01", "2026-10-31"))];
  statuses.forEach(([status, value, patch], i) => {
    const month = 9 - i;
    const start = `2026-${String(month).padStart(2, "0")}-01`;
    const end = monthEnd(start);
    const issued = addDays(end, 5);
    const invoices = [invoice(`G0${String(48213 + i * 7)}`, start, end, issued, status, value, "EUR", patch)];
    out.push(period(start, end, invoices, null, issued, billed(start, end, invoices)));
  });
  return out;
}

function eaPeriods(): PeriodView[] {
  const out: PeriodView[] = [];
  for (let month = 10; month >= 5; month -= 1) {
    const start = `2026-${String(month).padStart(2, "0")}-01`;
    const end = monthEnd(start);
    out.push(period(start, end, [], reason("ea_invoices_are_emailed", { recipient: "Anne de Vries (ap@contoso.com)", portalUrl: `${PORTAL}/~/Policies/billingAccountId/8608480` }), addDays(end, 10), eaMonth(start)));
  }
  return out;
}

function fabrikamPeriods(): PeriodView[] {
  const out: PeriodView[] = [];
  const amounts = ["15230.00", "14980.55", "16012.90"];
  amounts.forEach((value, i) => {
    const month = 10 - i;
    const start = `2026-${String(month).padStart(2, "0")}-01`;
    const end = monthEnd(start);
    const issued = addDays(end, 3);
    const invoices = month === 10 ? [] : [invoice(`G1${String(77001 + i)}`, start, end, issued, month === 9 ? "Due" : "Paid", value, "USD")];
    out.push(period(start, end, invoices, month === 10 ? reason("not_generated_yet", { expectedOn: issued }) : null, issued, billed(start, end, invoices)));
  });
  return out;
}

function trialPeriods(): PeriodView[] {
  return [
    period("2026-10-08", "2026-11-07", [], reason("free_trial_or_credit_not_exceeded", { signals: ["offer_free_trial", "spending_limit_on"] }), "2026-11-09", days("2026-10-08", "2026-11-07")),
    period("2026-09-08", "2026-10-07", [], reason("free_trial_or_credit_not_exceeded", { signals: ["offer_free_trial", "spending_limit_on"] }), "2026-10-09", days("2026-09-08", "2026-10-07")),
  ];
}

export function periodsFor(scopeId: string): PeriodView[] | null {
  switch (scopeId) {
    case SUB_PRODUCTION:
      return moSpPeriods();
    case SUB_SANDBOX:
      return sandboxPeriods();
    case SUB_MARKETING:
      return marketingPeriods();
    case MCA_PROFILE:
      return mcaPeriods();
    case EA_DEPARTMENT:
      return eaPeriods();
    case MCA_FABRIKAM:
      return fabrikamPeriods();
    case SUB_TRIAL:
      return trialPeriods();
    default:
      return scopeId.endsWith("/billingProfiles/P1") ? fabrikamPeriods() : null;
  }
}

/**
 * What `usage_at_a_glance` answers for a usage file: a month of a few services, groups and
 * resources; for an invoice's file (`invoice` set) the check against it, matching to the cent
 * or (`differs`) short by the credits the invoice applied.
 */
export function usageGlanceFor(invoice: string | null, start: string, end: string, differs = false): UsageGlance {
  const cents = (value: number) => (value / 100).toFixed(2);
  const services: Array<[string, number]> = [
    ["Virtual Machines", 182_455],
    ["Storage", 64_210],
    ["Azure App Service", 48_990],
    ["SQL Database", 41_275],
    ["Bandwidth", 12_480],
    ["Azure Monitor", 6_315],
    ["Key Vault", 1_350],
  ];
  const total = services.reduce((sum, [, value]) => sum + value, 0);
  const groups: Array<[string, number]> = [
    ["rg-production-weu", 201_340],
    ["rg-data-platform", 98_765],
    ["rg-shared-services", 42_110],
    ["", total - 201_340 - 98_765 - 42_110],
  ];
  const days: DayCost[] = [];
  const first = new Date(`${start}T00:00:00Z`);
  const last = new Date(`${end}T00:00:00Z`);
  const count = Math.round((last.getTime() - first.getTime()) / 86_400_000) + 1;
  let left = total;
  for (let index = 0; index < count; index += 1) {
    const day = new Date(first.getTime() + index * 86_400_000).toISOString().slice(0, 10);
    const weekend = [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
    const value = index === count - 1 ? left : Math.round((total / count) * (weekend ? 0.7 : 1.1));
    left -= value;
    days.push({ day, cost: cents(value), rows: 40 });
  }
  const resources: Array<[string, string, string, number]> = [
    ["vm-web-01", "rg-production-weu", "Virtual Machines", 61_200],
    ["vm-web-02", "rg-production-weu", "Virtual Machines", 61_150],
    ["sqldb-orders", "rg-data-platform", "SQL Database", 41_275],
    ["vm-batch-01", "rg-data-platform", "Virtual Machines", 38_900],
    ["app-portal", "rg-production-weu", "Azure App Service", 30_440],
    ["stdatalake01", "rg-data-platform", "Storage", 28_120],
    ["vm-jump-01", "rg-shared-services", "Virtual Machines", 21_205],
    ["app-api", "rg-production-weu", "Azure App Service", 18_550],
    ["stbackups", "rg-shared-services", "Storage", 17_800],
    ["stlogs", "", "Storage", 10_110],
  ];
  const share = ([name, value]: [string, number]): Share => ({ name, cost: cents(value), rows: 120 });
  const summary: UsageSummary = {
    rows: count * 40,
    currency: "EUR",
    currencies: ["EUR"],
    total: cents(total),
    firstDay: start,
    lastDay: end,
    byService: services.map(share),
    byResourceGroup: groups.map(share),
    byDay: days,
    topResources: resources.map(([name, resourceGroup, service, value]) => ({
      id: `/subscriptions/6d3f1a52-0c4e-4c8e-9b7d-2f1c0a9e4b11/resourceGroups/${resourceGroup || "none"}/providers/Microsoft.Compute/virtualMachines/${name}`,
      name,
      resourceGroup,
      service,
      cost: cents(value),
    })),
    byChargeType: [share(["Usage", total - 9_900]), share(["Purchase", 9_900])],
    invoiceIds: invoice ? [invoice] : [],
  };
  if (!invoice) return { summary, check: null };
  const credits = 25_000;
  const preTax = differs ? total - credits : total;
  return {
    summary,
    check: {
      invoice,
      currency: "EUR",
      invoicePreTax: cents(preTax),
      fileTotal: cents(total),
      difference: cents(total - preTax),
      matches: !differs,
      notes: [
        ...(differs ? [{ kind: "creditsApplied" as const, amount: cents(credits) }] : []),
        { kind: "chargeTypes", types: summary.byChargeType.map(({ name, cost }) => ({ name, cost })) },
      ],
    },
  };
}
