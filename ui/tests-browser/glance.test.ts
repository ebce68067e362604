// A saved usage file at a glance in headless Chromium against the e2e mock: the details panel
// summarises a period's usage file once it is on disk (total, days, services, resource groups,
// days, the most expensive resources), checks an invoice's file against the invoice, shows the
// typed error when the file cannot be read, the row's disk icon drags the file out, and usage
// reports left running at the last quit are offered to resume or dismiss — in English and
// Dutch. Needs `npm run build:e2e` first.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { AccountSummary, PendingReport, SavedDocument } from "../src/lib/bindings";
import en from "../src/i18n/en.json";
import nl from "../src/i18n/nl.json";
import { calls, shot, useHarness } from "./harness";

const SUB_PRODUCTION = "/subscriptions/6d3f1a52-0c4e-4c8e-9b7d-2f1c0a9e4b11";
const MCA_PROFILE = "/providers/Microsoft.Billing/billingAccounts/7c1e9f3a-2b4d-5e6f-8a9b-0c1d2e3f4a5b:1f2e3d4c-5b6a-4789-8abc-def012345678_2019-05-31/billingProfiles/ABCD-EFGH-IJK-LMN";

const ACCOUNT: AccountSummary = {
  id: "acc-1",
  displayName: "Contoso Finance",
  username: "finance@contoso.com",
  cloud: "azurePublic",
  viaAzureCli: false,
  tenants: [{ id: "tenant-1", displayName: "Contoso", isHome: true, enabled: true, needsSignIn: false }],
};

const { open } = useHarness({ viewport: { width: 1280, height: 900 } });

const scopeRow = (id: string) => `[data-testid="scope-row"][data-scope-id="${id}"]`;
const invoiceRow = (name: string) => `[data-testid="period-row"][data-invoice="${name}"]`;
const glance = '[data-testid="usage-glance"]';
/** Intl separates amounts and date ranges with thin and no-break spaces; compare with plain ones. */
const plain = (text: string | null | undefined) => (text ?? "").replace(/[\u2009\u202f\u00a0]/g, " ").replace(/\s+/g, " ").trim();
const textOf = async (page: Page, selector: string) => plain(await page.textContent(selector));

/** A usage file of the production subscription's August period already in the download folder. */
const AUGUST_USAGE: SavedDocument = { invoice: "2026-08-05..2026-09-04", documentKind: "Usage", path: "/home/tester/Downloads/Contoso Ltd/2026-08 Contoso Production usage.csv" };

async function selectScope(page: Page, id: string): Promise<void> {
  await page.click(scopeRow(id));
  await page.waitForSelector('[data-testid="period-row"]');
}

async function toDutch(page: Page): Promise<void> {
  await page.click('[data-testid="settings-button"]');
  await page.selectOption('[data-testid="language-select"]', "nl");
  await page.click('[data-testid="settings-back"]');
}

describe("usage at a glance", () => {
  it("an invoice's usage file, once saved, is summarised in the details panel and matches the invoice, in English and Dutch", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await selectScope(page, MCA_PROFILE);
    await page.click(invoiceRow("G048220"));
    expect(await page.$(glance)).toBeNull();
    expect(await page.$(`${invoiceRow("G048220")} [data-testid="usage-on-disk"]`)).toBeNull();

    await page.click(`${invoiceRow("G048220")} [data-testid="usage-row-button"]`);
    await page.waitForSelector(`${glance}[data-state="ok"]`);
    expect((await calls(page, "usage_at_a_glance")).map((call) => call.args)).toEqual([
      { scopeId: MCA_PROFILE, path: "/home/tester/Downloads/Contoso Ltd/2026-08 Contoso Europe usage.csv", invoice: "G048220" },
    ]);
    expect(await textOf(page, `${glance} h3`)).toBe(en["glance.title"]);
    expect(await textOf(page, '[data-testid="glance-total"]')).toBe("€3,570.75");
    expect(await textOf(page, '[data-testid="glance-days-covered"]')).toBe("August 2026");
    // The check: in words and with an icon, not by colour alone.
    const verdict = page.locator('[data-testid="check-verdict"]');
    expect(plain(await verdict.textContent())).toBe(en["check.matches"]);
    expect(await verdict.locator("svg").count()).toBe(1);
    expect(await textOf(page, '[data-testid="check-file-total"]')).toBe("€3,570.75");
    expect(await textOf(page, '[data-testid="check-invoice"]')).toBe("€3,570.75");
    expect(await page.$('[data-testid="check-note"]')).toBeNull();
    expect(plain((await page.locator('[data-testid="check-charge-types"] > *').allTextContents()).join(" "))).toBe("Usage €3,471.75 Purchase €99.00");
    // Five services with a bar each, the other two as one.
    const services = page.locator('[data-testid="glance-services"] [data-testid="share"]');
    expect(await services.count()).toBe(5);
    expect(plain(await services.first().textContent())).toBe("Virtual Machines €1,824.55");
    expect(plain(await page.textContent('[data-testid="glance-services"] [data-testid="share-other"]'))).toBe("Other (2) €76.65");
    // Charges outside any resource group say so.
    expect(await page.textContent('[data-testid="glance-groups"]')).toContain(en["glance.noGroup"]);
    // Cost per day: a chart with a description and a table of every day for screen readers.
    expect(await page.locator('[data-testid="glance-days"] rect').count()).toBe(31);
    expect(await page.locator('[data-testid="glance-days-table"] tbody tr').count()).toBe(31);
    expect(await page.getAttribute('[data-testid="glance-days-table"]', "aria-describedby")).toBeTruthy();
    expect(await textOf(page, '[data-testid="glance-days-table"] tbody tr:first-child')).toBe("Aug 1, 2026€80.63");
    // The ten most expensive resources: name, group, service, cost.
    const top = page.locator('[data-testid="top-resource"]');
    expect(await top.count()).toBe(10);
    expect(plain(await top.first().textContent())).toBe("vm-web-01 €612.00 Resource group: rg-production-weu · Service: Virtual Machines");
    // The row now shows the file on disk; it opens and shows in its folder from the panel and the row menu.
    expect(await page.getAttribute(`${invoiceRow("G048220")} [data-testid="usage-on-disk"]`, "aria-label")).toBe(en["table.usageOnDisk"]);
    await page.click('[data-testid="glance-open"]');
    await page.click(invoiceRow("G048220"), { button: "right" });
    await page.click('[data-testid="row-menu-item"][data-action="reveal-usage"]');
    const path = "/home/tester/Downloads/Contoso Ltd/2026-08 Contoso Europe usage.csv";
    expect((await calls(page, "open_saved")).map((call) => call.args)).toEqual([{ path }]);
    expect((await calls(page, "reveal_saved")).map((call) => call.args)).toEqual([{ path }]);
    await shot(page, "usage-glance-en");
    await page.locator('[data-testid="glance-top"]').scrollIntoViewIfNeeded();
    await shot(page, "usage-glance-lower-en");

    await toDutch(page);
    await page.click(invoiceRow("G048220"));
    await page.waitForSelector(`${glance}[data-state="ok"]`);
    expect(await textOf(page, `${glance} h3`)).toBe(nl["glance.title"]);
    expect(await textOf(page, '[data-testid="check-verdict"]')).toBe(nl["check.matches"]);
    expect(await textOf(page, '[data-testid="glance-total"]')).toBe("€ 3.570,75");
    expect(await textOf(page, '[data-testid="glance-days-covered"]')).toBe("augustus 2026");
    expect(plain(await page.textContent('[data-testid="glance-services"] [data-testid="share-other"]'))).toBe("Overig (2) € 76,65");
    expect(await page.getAttribute(`${invoiceRow("G048220")} [data-testid="usage-on-disk"]`, "aria-label")).toBe(nl["table.usageOnDisk"]);
    // Read once: the language does not ask the shell again.
    expect(await calls(page, "usage_at_a_glance")).toHaveLength(1);
    await shot(page, "usage-glance-nl");
    await page.locator('[data-testid="glance-top"]').scrollIntoViewIfNeeded();
    await shot(page, "usage-glance-lower-nl");
  });

  it("a usage file already on disk shows a skeleton while the shell reads it, then its summary without a check", async () => {
    const page = await open({ accounts: [ACCOUNT], saved: { [SUB_PRODUCTION]: [AUGUST_USAGE] }, glance: { delayMs: 600 } });
    await selectScope(page, SUB_PRODUCTION);
    const row = invoiceRow("E0800KZ4811");
    await page.waitForSelector(`${row} [data-testid="usage-on-disk"]`);
    // Other periods have none.
    expect(await page.locator('[data-testid="usage-on-disk"]').count()).toBe(1);
    await page.click(row);
    await page.waitForSelector('[data-testid="glance-loading"]');
    expect(await page.textContent('[data-testid="glance-loading"]')).toContain(en["glance.loading"]);
    await page.waitForSelector(`${glance}[data-state="ok"]`);
    expect((await calls(page, "usage_at_a_glance")).map((call) => call.args)).toEqual([{ scopeId: SUB_PRODUCTION, path: AUGUST_USAGE.path, invoice: null }]);
    expect(await page.$('[data-testid="usage-check"]')).toBeNull();
    expect(await textOf(page, '[data-testid="glance-days-covered"]')).toBe("Aug 5 – Sep 4, 2026");
    expect(await textOf(page, '[data-testid="glance-file"]')).toBe("2026-08 Contoso Production usage.csv");
  });

  it("a period without an invoice shows its usage file under its reason card", async () => {
    const april: SavedDocument = { invoice: "2026-04-05..2026-05-04", documentKind: "Usage", path: "/home/tester/Downloads/Contoso Ltd/2026-04 Contoso Production usage.csv" };
    const page = await open({ accounts: [ACCOUNT], saved: { [SUB_PRODUCTION]: [april] } });
    await selectScope(page, SUB_PRODUCTION);
    await page.waitForSelector('[data-testid="period-row"][data-period-start="2026-04-05"] [data-testid="usage-on-disk"]');
    await page.click('[data-testid="why"][data-period-start="2026-04-05"]');
    await page.waitForSelector('[data-testid="reason-card"]');
    await page.waitForSelector(`${glance}[data-state="ok"]`);
    expect(await textOf(page, '[data-testid="glance-days-covered"]')).toBe("Apr 5 – May 4, 2026");
    expect(await page.$('[data-testid="usage-check"]')).toBeNull();
  });

  it("the usage file drags out of the window from the row's disk icon and the panel, not the invoice's PDF", async () => {
    const page = await open({ accounts: [ACCOUNT], saved: { [SUB_PRODUCTION]: [AUGUST_USAGE] } }, { colorScheme: "dark" });
    await selectScope(page, SUB_PRODUCTION);
    const icon = `${invoiceRow("E0800KZ4811")} [data-testid="usage-on-disk"]`;
    await page.waitForSelector(icon);
    expect(await page.getAttribute(icon, "draggable")).toBe("true");
    await page.dispatchEvent(icon, "dragstart");
    await page.click(invoiceRow("E0800KZ4811"));
    await page.waitForSelector(`${glance}[data-state="ok"]`);
    await shot(page, "usage-glance-dark");
    await page.dispatchEvent('[data-testid="glance-file"]', "dragstart");
    await page.waitForFunction(() => window.__e2e!.callsTo("start_drag_saved").length === 2);
    expect((await calls(page, "start_drag_saved")).map((call) => call.args)).toEqual([{ path: AUGUST_USAGE.path }, { path: AUGUST_USAGE.path }]);
    expect(await calls(page, "start_drag")).toEqual([]);
  });

  it("a file that cannot be summarised says so with the typed error, and can be tried again", async () => {
    const error = { code: "usage_file_unreadable" as const, message: "The file has no cost column.", hint: null, details: "missing column costInBillingCurrency" };
    const page = await open({ accounts: [ACCOUNT], saved: { [SUB_PRODUCTION]: [AUGUST_USAGE] }, glance: { error } });
    await selectScope(page, SUB_PRODUCTION);
    await page.click(invoiceRow("E0800KZ4811"));
    await page.waitForSelector('[data-testid="glance-error"][data-error-code="usage_file_unreadable"]');
    const shown = await page.textContent('[data-testid="glance-error"]');
    expect(shown).toContain(en["errors.usage_file_unreadable.message"]);
    expect(shown).toContain(en["errors.usage_file_unreadable.hint"]);
    await page.click('[data-testid="glance-retry"]');
    await page.waitForFunction(() => window.__e2e!.callsTo("usage_at_a_glance").length === 2);
    await toDutch(page);
    await page.click(invoiceRow("E0800KZ4811"));
    await page.waitForSelector('[data-testid="glance-error"]');
    expect(await page.textContent('[data-testid="glance-error"]')).toContain(nl["errors.usage_file_unreadable.message"]);
  });

  it("an invoice's file that differs says by how much and what explains it, in English and Dutch", async () => {
    const saved: SavedDocument = { invoice: "G048220", documentKind: "Usage", path: "/home/tester/Downloads/Contoso Ltd/2026-08 Contoso Europe usage.csv" };
    const page = await open({ accounts: [ACCOUNT], saved: { [MCA_PROFILE]: [saved] }, glance: { differs: true } });
    await selectScope(page, MCA_PROFILE);
    await page.click(invoiceRow("G048220"));
    await page.waitForSelector(`${glance}[data-state="ok"]`);
    expect(await page.getAttribute('[data-testid="usage-check"]', "data-matches")).toBe("false");
    expect(await textOf(page, '[data-testid="check-verdict"]')).toBe("Differs from the invoice's pre-tax amount by €250.00");
    expect(await page.locator('[data-testid="check-verdict"] svg').count()).toBe(1);
    expect(await textOf(page, '[data-testid="check-invoice"]')).toBe("€3,320.75");
    expect(await textOf(page, '[data-testid="check-note"][data-kind="creditsApplied"]')).toBe(
      "The invoice applied €250.00 of credits and prepayments; the file lists the charges before them.",
    );
    await shot(page, "usage-glance-differs-en");
    await toDutch(page);
    await page.click(invoiceRow("G048220"));
    await page.waitForSelector(`${glance}[data-state="ok"]`);
    expect(await textOf(page, '[data-testid="check-verdict"]')).toBe("Wijkt € 250,00 af van het factuurbedrag vóór btw");
    expect(await textOf(page, '[data-testid="check-note"]')).toBe(
      "Op de factuur is € 250,00 aan tegoed en vooruitbetaling verrekend; het bestand toont de kosten daarvóór.",
    );
  });
});

describe("usage reports left running at the last quit", () => {
  const reports: PendingReport[] = [
    { id: "r-1", scopeId: MCA_PROFILE, scopeName: "Contoso Finance", selection: { kind: "invoice", invoice: "G048220" }, operation: "http://127.0.0.1:1/op/1", startedAt: "2026-11-02T16:00:00Z" },
    { id: "r-2", scopeId: SUB_PRODUCTION, scopeName: "Contoso Production", selection: { kind: "days", start: "2026-08-05", end: "2026-09-04" }, operation: null, startedAt: "2026-11-02T16:01:00Z" },
  ];

  it("are offered quietly above the tray; Resume runs one as a usage job, Dismiss forgets the other", async () => {
    const page = await open({ accounts: [ACCOUNT], pendingReports: reports });
    await page.waitForSelector('[data-testid="pending-report"]');
    expect(await page.$('[role="dialog"]')).toBeNull();
    const first = page.locator('[data-testid="pending-report"][data-report-id="r-1"]');
    expect(await first.locator('[data-testid="pending-text"]').textContent()).toBe(
      "A usage report for Contoso Finance was still being prepared when Invoice Desk closed.",
    );
    expect(await first.locator('[data-testid="pending-target"]').textContent()).toBe("invoice G048220");
    expect(await calls(page, "pending_usage_reports")).toHaveLength(1);
    await shot(page, "usage-pending-en");

    await first.locator('[data-testid="pending-resume"]').click();
    expect((await calls(page, "resume_usage_report")).map((call) => call.args)).toEqual([{ id: "r-1" }]);
    await page.waitForSelector('[data-testid="job-row"][data-phase="finished"] [data-testid="usage-file"]');
    expect(await page.textContent('[data-testid="job-row"] [data-testid="job-target"]')).toBe("invoice G048220");
    expect(await page.locator('[data-testid="pending-report"]').count()).toBe(1);

    await page.click('[data-testid="pending-report"][data-report-id="r-2"] [data-testid="pending-dismiss"]');
    expect((await calls(page, "dismiss_usage_report")).map((call) => call.args)).toEqual([{ id: "r-2" }]);
    expect(await page.$('[data-testid="pending-reports"]')).toBeNull();
    expect(await calls(page, "save_usage_file")).toEqual([]);
  });

  it("are offered in Dutch", async () => {
    const page = await open({ accounts: [ACCOUNT], pendingReports: reports.slice(1), settings: { language: "nl" } });
    await page.waitForSelector('[data-testid="pending-report"]');
    expect(await page.textContent('[data-testid="pending-text"]')).toBe(
      "Een gebruiksrapport voor Contoso Production werd nog voorbereid toen Invoice Desk werd gesloten.",
    );
    expect(await page.textContent('[data-testid="pending-resume"]')).toBe(nl["pending.resume"]);
    expect(await page.textContent('[data-testid="pending-dismiss"]')).toBe(nl["pending.dismiss"]);
    await shot(page, "usage-pending-nl");
  });
});
