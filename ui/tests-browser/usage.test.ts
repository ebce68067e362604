// Usage files in headless Chromium against the e2e mock: each period's usage action named as the
// portal names it for the agreement (rows, row menu, details panel, reason card, toolbar), the
// usage job in the activity tray (steps, bytes, elapsed time, cancel, retry, the saved file, no
// usage, the refusals in words) and the usage settings. Needs `npm run build:e2e` first.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { AccountSummary, AppError, PeriodView } from "../src/lib/bindings";
import en from "../src/i18n/en.json";
import nl from "../src/i18n/nl.json";
import { contosoScopes, periodsFor } from "../src/e2e/fixtures";
import { calls, shot, useHarness } from "./harness";

const SUB_PRODUCTION = "/subscriptions/6d3f1a52-0c4e-4c8e-9b7d-2f1c0a9e4b11";
const MCA_PROFILE = "/providers/Microsoft.Billing/billingAccounts/7c1e9f3a-2b4d-5e6f-8a9b-0c1d2e3f4a5b:1f2e3d4c-5b6a-4789-8abc-def012345678_2019-05-31/billingProfiles/ABCD-EFGH-IJK-LMN";
const EA_DEPARTMENT = "/providers/Microsoft.Billing/billingAccounts/8608480/departments/1234";

const ACCOUNT: AccountSummary = {
  id: "acc-1",
  displayName: "Contoso Finance",
  username: "finance@contoso.com",
  cloud: "azurePublic",
  viaAzureCli: false,
  tenants: [{ id: "tenant-1", displayName: "Contoso", isHome: true, enabled: true, needsSignIn: false }],
};

const { open } = useHarness({ viewport: { width: 1280, height: 760 } });

const scopeRow = (id: string) => `[data-testid="scope-row"][data-scope-id="${id}"]`;
const invoiceRow = (name: string) => `[data-testid="period-row"][data-invoice="${name}"]`;
const error = (code: AppError["code"], message: string): AppError => ({ code, message, hint: null, details: null });
/** Intl separates date ranges with thin and no-break spaces; compare with plain ones. */
const plain = (text: string | null | undefined) => (text ?? "").replace(/[\u2009\u202f\u00a0]/g, " ");

async function selectScope(page: Page, id: string): Promise<void> {
  await page.click(scopeRow(id));
  await page.waitForSelector('[data-testid="period-row"]');
}

/** The arguments of every `save_usage_file` call so far. */
const usageCalls = async (page: Page) => (await calls(page, "save_usage_file")).map((call) => call.args);

/** The newest job row of the tray. */
const newestJob = (page: Page) => page.locator('[data-testid="job-row"]').first();

describe("usage actions", () => {
  it("a pay-as-you-go period offers Download CSV on its row; the tray then shows the saved file to open or show", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await selectScope(page, SUB_PRODUCTION);
    const button = page.locator(`${invoiceRow("E0800KZ4811")} [data-testid="usage-row-button"]`);
    expect(plain(await button.getAttribute("aria-label"))).toBe(`${en["usage.action.days"]}: Aug 5 – Sep 4, 2026`);
    expect(await button.getAttribute("title")).toBe(en["usage.hint"]);
    expect(await page.textContent('th.usage-col')).toBe(en["table.usage"]);
    await button.click();
    expect(await usageCalls(page)).toEqual([{ scopeId: SUB_PRODUCTION, selection: { kind: "days", start: "2026-08-05", end: "2026-09-04" } }]);
    // The row is not selected by the click on its button.
    expect(await page.getAttribute(invoiceRow("E0800KZ4811"), "aria-selected")).toBe("false");
    const job = newestJob(page);
    await page.waitForSelector('[data-testid="job-row"][data-phase="finished"]');
    expect(plain(await job.locator('[data-testid="job-target"]').textContent())).toBe("Aug 5 – Sep 4, 2026");
    const file = job.locator('[data-testid="usage-file"]');
    expect(await file.getAttribute("data-outcome")).toBe("saved");
    expect((await file.textContent())?.replace(/\s+/g, " ")).toContain(`${en["activity.usage.saved"]} Contoso Ltd/2026-08 Contoso Production usage.csv`);
    const fullPath = "/home/tester/Downloads/Contoso Ltd/2026-08 Contoso Production usage.csv";
    await job.locator('[data-testid="usage-open"]').click();
    await job.locator('[data-testid="usage-reveal"]').click();
    expect((await calls(page, "open_saved")).map((call) => call.args)).toEqual([{ path: fullPath }]);
    expect((await calls(page, "reveal_saved")).map((call) => call.args)).toEqual([{ path: fullPath }]);

    // The same again: already in the folder.
    await button.click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="job-row"][data-phase="finished"]').length === 2);
    expect(await newestJob(page).locator('[data-testid="usage-file"]').getAttribute("data-outcome")).toBe("already_there");
    expect(await newestJob(page).locator('[data-testid="usage-file"]').textContent()).toContain(en["activity.usage.already_there"]);
  });

  it("a customer agreement invoice offers Azure usage and charges in its row menu and the details panel", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await selectScope(page, MCA_PROFILE);
    await page.click(invoiceRow("G048220"), { button: "right" });
    const item = page.locator('[data-testid="row-menu-item"][data-action="usage"]');
    expect(await item.textContent()).toContain(en["usage.action.invoice"]);
    expect(await item.isDisabled()).toBe(false);
    await item.click();
    expect(await usageCalls(page)).toEqual([{ scopeId: MCA_PROFILE, selection: { kind: "invoice", invoice: "G048220" } }]);
    await page.waitForSelector('[data-testid="job-row"][data-phase="finished"]');

    const details = page.locator('[data-testid="invoice-details"] [data-testid="usage-button"]');
    expect((await details.textContent())?.trim()).toBe(en["usage.action.invoice"]);
    expect(await details.getAttribute("data-usage-kind")).toBe("invoice");
    await details.click();
    await page.waitForFunction(() => window.__e2e!.callsTo("save_usage_file").length === 2);
    await shot(page, "usage-mca-invoice-en");
  });

  it("the running month of a billing profile offers month-to-date charges, in English and Dutch", async () => {
    const running: PeriodView = {
      ...periodsFor(MCA_PROFILE)![0],
      start: "2026-11-01",
      end: "2026-11-30",
      usage: { kind: "openMonth" },
    };
    const page = await open({ accounts: [ACCOUNT], periods: { [MCA_PROFILE]: [running, ...periodsFor(MCA_PROFILE)!] } });
    await selectScope(page, MCA_PROFILE);
    await page.click('[data-testid="why"][data-period-start="2026-11-01"]');
    const button = page.locator('[data-testid="reason-card"] [data-testid="usage-button"]');
    expect((await button.textContent())?.trim()).toBe(en["usage.action.openMonth"]);
    await button.click();
    expect((await usageCalls(page)).at(-1)).toEqual({ scopeId: MCA_PROFILE, selection: { kind: "openMonth" } });
    await page.waitForSelector('[data-testid="job-row"][data-phase="finished"]');
    expect(await newestJob(page).locator('[data-testid="job-target"]').textContent()).toBe(en["usage.selection.openMonth"]);

    await page.click('[data-testid="settings-button"]');
    await page.selectOption('[data-testid="language-select"]', "nl");
    await page.click('[data-testid="settings-back"]');
    await page.click('[data-testid="why"][data-period-start="2026-11-01"]');
    expect((await page.textContent('[data-testid="reason-card"] [data-testid="usage-button"]'))?.trim()).toBe(nl["usage.action.openMonth"]);
    expect(nl["usage.action.openMonth"]).toBe("Kosten tot nu toe (niet definitief)");
  });

  it("an EA month offers Download for the month, off with the view-charges policy sentence where the policy is off", async () => {
    // An enterprise administrator of the same department may.
    const mayDownload = { state: "allowed", allowed: true, reason: null, missingRole: null, grantedBy: null, policy: null, portalUrl: null } as const;
    const scopes = contosoScopes("acc-1", "tenant-1").map((scope) =>
      scope.id === EA_DEPARTMENT ? { ...scope, roles: ["enterprise_administrator" as const], capabilities: { ...scope.capabilities, downloadUsage: mayDownload } } : scope,
    );
    const allowed = await open({ accounts: [ACCOUNT], scopes: { "tenant-1": scopes } });
    await selectScope(allowed, EA_DEPARTMENT);
    await allowed.click('[data-testid="why"][data-period-start="2026-09-01"]');
    const card = allowed.locator('[data-testid="reason-card"]');
    // The card's promise ("or download the usage data") is a button.
    expect(await card.locator('[data-testid="reason-next"]').textContent()).toContain("download the usage data");
    const button = card.locator('[data-testid="usage-button"]');
    expect((await button.textContent())?.trim()).toBe(en["usage.action.months"]);
    await button.click();
    expect(await usageCalls(allowed)).toEqual([{ scopeId: EA_DEPARTMENT, selection: { kind: "months", from: "2026-09", to: "2026-09" } }]);
    await allowed.waitForSelector('[data-testid="job-row"][data-phase="finished"]');
    expect(await newestJob(allowed).locator('[data-testid="job-target"]').textContent()).toBe("September 2026");
    await shot(allowed, "usage-ea-month-en");

    // The department administrator of the fixtures: the enterprise administrator has the policy off.
    const page = await open({ accounts: [ACCOUNT] });
    await selectScope(page, EA_DEPARTMENT);
    await page.click('[data-testid="why"][data-period-start="2026-09-01"]');
    const denied = page.locator('[data-testid="reason-card"] [data-testid="usage-button"]');
    expect(await denied.isDisabled()).toBe(true);
    const sentence = await page.textContent('[data-testid="reason-card"] [data-testid="usage-blocked"]');
    expect(sentence).toContain("An enterprise administrator has to turn on the policy");
    expect(await denied.getAttribute("title")).toBe(sentence);
    const row = page.locator('[data-testid="period-row"][data-period-start="2026-09-01"] [data-testid="usage-row-button"]');
    expect(await row.isDisabled()).toBe(true);
    expect(await row.getAttribute("title")).toBe(sentence);
    await page.click('[data-testid="period-row"][data-period-start="2026-09-01"]', { button: "right" });
    const item = page.locator('[data-testid="row-menu-item"][data-action="usage"]');
    expect(await item.isDisabled()).toBe(true);
    expect(await item.getAttribute("title")).toBe(sentence);
    expect(await usageCalls(page)).toEqual([]);
    await page.keyboard.press("Escape");
    await shot(page, "usage-ea-policy-off-en");
  });

  it("a period Azure cannot report on keeps its usage off and says why", async () => {
    const periods = periodsFor(SUB_PRODUCTION)!.map((period, index) => (index === 0 ? { ...period, usage: null } : period));
    const page = await open({ accounts: [ACCOUNT], periods: { [SUB_PRODUCTION]: periods } });
    await selectScope(page, SUB_PRODUCTION);
    const first = page.locator(`[data-testid="period-row"][data-period-start="${periods[0].start}"] [data-testid="usage-row-button"]`);
    expect(await first.isDisabled()).toBe(true);
    expect(await first.getAttribute("title")).toBe(en["usage.unavailable"]);
    // With nothing selected the toolbar asks for the newest period's: here there is none.
    expect(await page.isDisabled('[data-testid="usage-csv"]')).toBe(true);
    expect(await page.getAttribute('[data-testid="usage-csv"]', "title")).toBe(en["usage.unavailable"]);
  });
});

describe("usage from the toolbar", () => {
  it("asks for the newest period's usage with nothing selected, and one report per selected period", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await selectScope(page, SUB_PRODUCTION);
    const newest = periodsFor(SUB_PRODUCTION)![0];
    expect(await page.isDisabled('[data-testid="usage-csv"]')).toBe(false);
    expect(plain(await page.getAttribute('[data-testid="usage-csv"]', "title"))).toBe(
      en["toolbar.usageHint.one"].replace("{periods}", "Oct 5 – Nov 4, 2026"),
    );
    await page.click('[data-testid="usage-csv"]');
    expect(await usageCalls(page)).toEqual([{ scopeId: SUB_PRODUCTION, selection: newest.usage }]);
    await page.waitForSelector('[data-testid="job-row"][data-phase="finished"]');

    await page.click(invoiceRow("E0900KZ4810"));
    await page.click(invoiceRow("E0700KZ4812"), { modifiers: ["Control"] });
    expect(await page.getAttribute('[data-testid="usage-csv"]', "title")).toBe(en["toolbar.usageHint.other"].replace("{count}", "2"));
    await page.click('[data-testid="usage-csv"]');
    await page.waitForFunction(() => window.__e2e!.callsTo("save_usage_file").length === 3);
    expect((await usageCalls(page)).slice(1)).toEqual([
      { scopeId: SUB_PRODUCTION, selection: { kind: "days", start: "2026-09-05", end: "2026-10-04" } },
      { scopeId: SUB_PRODUCTION, selection: { kind: "days", start: "2026-07-05", end: "2026-08-04" } },
    ]);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="job-row"][data-phase="finished"]').length === 3);
  });
});

describe("usage jobs in the tray", () => {
  it("shows the step in words, the bytes and the time so far; cancel stops it and Retry asks again", async () => {
    const page = await open({ accounts: [ACCOUNT], usageStepMs: 1500 });
    await selectScope(page, MCA_PROFILE);
    await page.click(invoiceRow("G048213"));
    await page.click('[data-testid="invoice-details"] [data-testid="usage-button"]');
    const job = newestJob(page);
    const phase = job.locator('[data-testid="job-phase"]');
    await page.waitForSelector('[data-testid="job-phase"][data-step="preparing"]');
    expect((await phase.textContent())?.trim()).toBe(en["activity.stage.preparing"]);
    expect(await job.locator('[data-testid="job-elapsed"]').textContent()).toMatch(/^\d+:\d\d elapsed$/);
    // Busy while it runs: the button says so and does not start a second one.
    expect(await page.isDisabled('[data-testid="invoice-details"] [data-testid="usage-button"]')).toBe(true);
    await page.waitForSelector('[data-testid="job-phase"][data-step="downloading"]');
    expect((await phase.textContent())?.trim()).toBe(en["activity.stage.downloading"].replace("{file}", "1").replace("{files}", "1"));
    const figures = (await job.locator('[data-testid="job-figures"]').textContent())?.replace(/\s+/g, " ");
    expect(figures).toContain("20 kB of 48 kB");
    expect(figures).toContain("1.3 MB/s");
    await shot(page, "usage-tray-downloading-en");

    await job.locator('[data-testid="job-cancel"]').click();
    await page.waitForSelector('[data-testid="job-row"][data-phase="cancelled"]');
    expect(await calls(page, "cancel_job")).toHaveLength(1);
    expect(await job.locator('[data-testid="usage-summary"]').count()).toBe(0);
    // Cancelled is no failure to report: no error banner.
    expect(await page.locator('[data-testid="save-summary"]').count()).toBe(0);
    await job.locator('[data-testid="job-retry"]').click();
    await page.waitForFunction(() => window.__e2e!.callsTo("save_usage_file").length === 2);
    const [first, second] = await usageCalls(page);
    expect(second).toEqual(first);
    expect(first).toEqual({ scopeId: MCA_PROFILE, selection: { kind: "invoice", invoice: "G048213" } });
    await page.waitForSelector('[data-testid="job-row"][data-phase="finished"] [data-testid="usage-file"]');
  }, 40_000);

  it("a report of several parts says which report it is at (Dutch)", async () => {
    const page = await open({ accounts: [ACCOUNT], settings: { language: "nl" } });
    await page.waitForSelector('[data-testid="main-layout"]');
    await page.evaluate(() =>
      window.__e2e!.emit("jobProgressEvent", {
        id: "job-range",
        kind: "usageReport",
        title: "Contoso Europe",
        phase: "running",
        done: 0,
        total: null,
        bytesPerSecond: null,
        error: null,
        stage: { step: "preparing", report: 2, reports: 3 },
        startedAt: new Date(Date.now() - 65_000).toISOString(),
        retry: { kind: "saveUsage", scopeId: "/x", selection: { kind: "months", from: "2026-07", to: "2026-09" } },
      }),
    );
    const job = page.locator('[data-testid="job-row"][data-job-id="job-range"]');
    await job.waitFor();
    expect((await job.locator('[data-testid="job-phase"]').textContent())?.trim()).toBe("Azure stelt het rapport op (rapport 2 van 3)");
    expect(await job.locator('[data-testid="job-target"]').textContent()).toBe("juli 2026 – september 2026");
    expect(await job.locator('[data-testid="job-elapsed"]').textContent()).toMatch(/^1:0\d verstreken$/);
    await shot(page, "usage-tray-reports-nl");
  });

  it("says when a period has no usage", async () => {
    const page = await open({ accounts: [ACCOUNT], usageResult: { noData: true } });
    await selectScope(page, SUB_PRODUCTION);
    await page.click(`${invoiceRow("E0900KZ4810")} [data-testid="usage-row-button"]`);
    const none = page.locator('[data-testid="usage-no-data"]');
    await none.waitFor();
    expect(await none.textContent()).toContain(en["activity.usage.noData"]);
    expect(await page.getAttribute('[data-testid="job-row"]', "data-phase")).toBe("finished");
  });

  it("names the 13-month limit for a period Azure no longer reports on, in English and Dutch", async () => {
    const tooOld = error("usage_too_old", "Cost Management reports no further back than 13 months.");
    const page = await open({ accounts: [ACCOUNT], usageResult: { notFetched: tooOld } });
    await selectScope(page, SUB_PRODUCTION);
    await page.click(`${invoiceRow("E0900KZ4810")} [data-testid="usage-row-button"]`);
    const miss = page.locator('[data-testid="usage-not-fetched"][data-error-code="usage_too_old"]');
    await miss.waitFor();
    expect(await miss.locator('[data-testid="error-message"]').textContent()).toBe(en["errors.usage_too_old.message"]);
    expect(plain(await miss.textContent())).toContain("Sep 5 – Oct 4, 2026");
    // Said once: the failed job's own error is the same one.
    expect(await page.locator('[data-testid="job-row"] [data-testid="error-view"]').count()).toBe(1);
    await page.click('[data-testid="settings-button"]');
    await page.selectOption('[data-testid="language-select"]', "nl");
    await page.click('[data-testid="settings-back"]');
    expect(await page.textContent('[data-testid="usage-not-fetched"] [data-testid="error-message"]')).toBe(nl["errors.usage_too_old.message"]);
  });

  it("an EA view-charges refusal is the policy sentence, not a raw 403", async () => {
    const refusal = error("view_charges_off", "403 Forbidden: RBACAccessDenied");
    const page = await open({ accounts: [ACCOUNT], usageResult: { error: refusal } });
    await selectScope(page, SUB_PRODUCTION);
    await page.click(`${invoiceRow("E0900KZ4810")} [data-testid="usage-row-button"]`);
    const failed = page.locator('[data-testid="job-row"][data-phase="failed"] [data-testid="error-view"][data-error-code="view_charges_off"]');
    await failed.waitFor();
    expect(await failed.locator('[data-testid="error-message"]').textContent()).toBe(en["errors.view_charges_off.message"]);
    expect(await failed.locator('[data-testid="error-hint"]').textContent()).toBe(en["errors.view_charges_off.hint"]);
    expect(await failed.locator('[data-testid="error-message"]').textContent()).not.toContain("403");
    expect(await page.locator('[data-testid="job-row"] [data-testid="job-retry"]').count()).toBe(1);
    await shot(page, "usage-tray-policy-en");
  });
});

describe("usage settings", () => {
  it("previews the usage file name live and saves the usage choices", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await page.click('[data-testid="settings-button"]');
    const preview = page.locator('[data-testid="usage-template-preview"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="usage-template-preview"]')?.textContent?.endsWith("usage.csv"));
    expect(await preview.textContent()).toBe("Contoso Ltd/2026-09 Contoso Finance usage.csv");
    expect(await page.isChecked('[data-testid="join-usage-parts"]')).toBe(true);
    expect(await page.isChecked('[data-testid="keep-usage-files"]')).toBe(false);
    expect(await page.textContent("#usage-file-name-template-hint")).toContain("{scope}");
    await page.fill('[data-testid="usage-file-name-template"]', "{yyyy}/{scope} {month}.csv");
    await page.locator('[data-testid="usage-template-unknown"]').waitFor();
    await page.fill('[data-testid="usage-file-name-template"]', "usage/{yyyy}-{mm} {scope}.csv");
    await page.waitForFunction(() => document.querySelector('[data-testid="usage-template-preview"]')?.textContent === "usage/2026-09 Contoso Finance.csv");
    await page.click('[data-testid="join-usage-parts"]');
    await page.click('[data-testid="keep-usage-files"]');
    await page.waitForFunction(() => {
      const settings = window.__e2e!.settings();
      return settings.usageFileNameTemplate === "usage/{yyyy}-{mm} {scope}.csv" && !settings.joinUsageParts && settings.keepUsageFiles;
    });
    // The invoice template is a field of its own.
    expect(await page.textContent('[data-testid="template-preview"]')).toBe("Contoso Ltd/2026-09 G012345678.pdf");
    await page.locator('[data-testid="keep-usage-files"]').scrollIntoViewIfNeeded();
    await shot(page, "settings-usage-en");
    await page.selectOption('[data-testid="language-select"]', "nl");
    await page.waitForFunction(() => document.documentElement.lang === "nl");
    expect(await page.textContent('label[for="usage-file-name-template"]')).toBe(nl["settings.usageTemplate"]);
    await page.locator('[data-testid="keep-usage-files"]').scrollIntoViewIfNeeded();
    await shot(page, "settings-usage-nl");
  });
});
