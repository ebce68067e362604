// Browsing in headless Chromium against the e2e mock: scopes per directory, billing periods,
// reason cards, capabilities, demo mode. Needs `npm run build:e2e` first. Demo mode answers what
// the shell recorded (`src/e2e/recorded`); the other listings are the mock's hand-made fixtures.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { AccountSummary, PeriodView, ScopeSummary } from "../src/lib/bindings";
import en from "../src/i18n/en.json";
import nl from "../src/i18n/nl.json";
import { periodsFor } from "../src/e2e/fixtures";
import { DEFAULT_DEMO_RECORDING, demoRecording, type DemoRecording } from "../src/e2e/recorded";
import { calls, shot, useHarness } from "./harness";

const SUB_PRODUCTION = "/subscriptions/6d3f1a52-0c4e-4c8e-9b7d-2f1c0a9e4b11";
const SUB_SANDBOX = "/subscriptions/0b8e7c2d-51f4-4a3b-8e6f-9c2d1e0f7a22";
const SUB_MARKETING = "/subscriptions/9f1e2d3c-4b5a-4678-9abc-def012345633";
const MCA_PROFILE = "/providers/Microsoft.Billing/billingAccounts/7c1e9f3a-2b4d-5e6f-8a9b-0c1d2e3f4a5b:1f2e3d4c-5b6a-4789-8abc-def012345678_2019-05-31/billingProfiles/ABCD-EFGH-IJK-LMN";
const EA_DEPARTMENT = "/providers/Microsoft.Billing/billingAccounts/8608480/departments/1234";

const ACCOUNT: AccountSummary = {
  id: "acc-1",
  displayName: "Contoso Finance",
  username: "finance@contoso.com",
  cloud: "azurePublic",
  viaAzureCli: false,
  tenants: [
    { id: "tenant-1", displayName: "Contoso", isHome: true, enabled: true, needsSignIn: false },
    { id: "tenant-2", displayName: "Fabrikam Labs", isHome: false, enabled: true, needsSignIn: false },
  ],
};

const { open } = useHarness({
  viewport: { width: 1280, height: 760 },
  permissions: ["clipboard-read", "clipboard-write"],
});

const scopeRow = (id: string) => `[data-testid="scope-row"][data-scope-id="${id}"]`;
/** The main window once "Sync at start" has decided, for this run, not to sync. */
const START_SYNC_SKIPPED = '[data-testid="main-layout"][data-start-sync="skipped"]';

async function selectScope(page: Page, id: string): Promise<void> {
  await page.click(scopeRow(id));
  await page.waitForSelector('[data-testid="period-row"]');
}

/** Opens Settings, picks a language and comes back to the main window. */
async function switchLanguage(page: Page, lang: "en" | "nl"): Promise<void> {
  await page.click('[data-testid="settings-button"]');
  await page.selectOption('[data-testid="language-select"]', lang);
  await page.waitForFunction((want) => document.documentElement.lang === want, lang);
  await page.click('[data-testid="settings-back"]');
  await page.waitForSelector('[data-testid="main-layout"]');
}

describe("saving PDFs", () => {
  const summaryText = (saved: number, already: number, failed: number) =>
    en["save.summary"].replace("{saved}", String(saved)).replace("{already}", String(already)).replace("{failed}", String(failed));

  it("saves every invoice of a scope, marks them on disk, and says what failed and why", async () => {
    const page = await open({ accounts: [ACCOUNT], failSaves: ["E0700KZ4812"] });
    await page.waitForSelector(scopeRow(SUB_PRODUCTION));
    await selectScope(page, SUB_PRODUCTION);
    const invoices = await page.$$eval('[data-testid="period-row"][data-invoice]', (rows) => rows.map((row) => row.getAttribute("data-invoice")));
    expect(invoices.length).toBeGreaterThan(2);
    expect(await page.getAttribute('[data-testid="save-pdfs"]', "title")).toBe(en["toolbar.savePdfsHint"]);
    await page.click('[data-testid="save-pdfs"]');
    const text = page.locator('[data-testid="save-summary-text"]');
    await text.waitFor();
    expect(await text.textContent()).toBe(summaryText(invoices.length - 1, 0, 1));
    const failure = page.locator('[data-testid="save-failure"][data-invoice="E0700KZ4812"]');
    expect(await failure.getAttribute("data-error-code")).toBe("disk_full");
    expect(await failure.locator('[data-testid="error-message"]').textContent()).toBe(en["errors.disk_full.message"]);
    await page.waitForFunction(
      (count) => document.querySelectorAll('[data-testid="on-disk"]').length === count,
      invoices.length - 1,
    );
    await shot(page, "save-summary-en");

    // A saved invoice opens or shows in its folder instead of downloading again.
    await page.click('[data-testid="period-row"][data-invoice="E0800KZ4811"]');
    await page.waitForSelector('[data-testid="open-saved"]');
    await page.click('[data-testid="reveal-saved"]');
    const reveal = (await calls(page, "reveal_saved")).at(-1);
    expect((reveal?.args as { path: string }).path).toContain("E0800KZ4811");
    // The failed one still offers to save.
    await page.click('[data-testid="period-row"][data-invoice="E0700KZ4812"]');
    await page.waitForSelector('[data-testid="save-invoice"]');

    // Again: the saved ones count as already there.
    await page.click('[data-testid="save-dismiss"]');
    await page.click('[data-testid="save-pdfs"]');
    await page.waitForFunction((want) => document.querySelector('[data-testid="save-summary-text"]')?.textContent === want, summaryText(0, invoices.length - 1, 1));
    await switchLanguage(page, "nl");
    expect(await page.textContent('[data-testid="save-failure"] [data-testid="error-message"]')).toBe(nl["errors.disk_full.message"]);
    await shot(page, "save-summary-nl");
  });

  it("gets a row's PDF ready when the pointer rests on it, then drags it out natively", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await selectScope(page, SUB_PRODUCTION);
    const row = '[data-testid="period-row"][data-invoice="E0800KZ4811"]';
    expect(await page.getAttribute(row, "draggable")).toBeNull();
    await page.hover(row);
    await page.waitForSelector(`${row}[data-drag-state="ready"][draggable="true"]`);
    expect((await calls(page, "prepare_drag")).at(-1)?.args).toEqual({ scopeId: SUB_PRODUCTION, invoices: ["E0800KZ4811"] });
    await page.dispatchEvent(row, "dragstart");
    await page.waitForFunction(() => window.__e2e!.callsTo("start_drag").length === 1);
    expect((await calls(page, "start_drag"))[0].args).toEqual({ scopeId: SUB_PRODUCTION, invoices: ["E0800KZ4811"] });
  });

  it("keeps Save PDFs off with the reason where the role does not allow downloads", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await page.click(scopeRow(SUB_MARKETING));
    await page.waitForSelector('[data-testid="scope-title"]');
    expect(await page.isDisabled('[data-testid="save-pdfs"]')).toBe(true);
    const title = await page.getAttribute('[data-testid="save-pdfs"]', "title");
    expect(title).not.toBe(en["toolbar.savePdfsHint"]);
    expect(title).toContain(en["role.account_administrator"]);
  });
});

describe("selecting and saving many", () => {
  const invoiceRows = (page: Page) =>
    page.$$eval('[data-testid="period-row"][data-invoice]', (rows) => rows.map((row) => row.getAttribute("data-invoice")!));
  const selectedRows = (page: Page) =>
    page.$$eval('[data-testid="period-row"][data-invoice][aria-selected="true"]', (rows) => rows.map((row) => row.getAttribute("data-invoice")!));
  const row = (name: string) => `[data-testid="period-row"][data-invoice="${name}"]`;

  it("selects with click, Ctrl-click, Shift-click, checkboxes and Ctrl+A, and saves just the selection", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await selectScope(page, SUB_PRODUCTION);
    const names = await invoiceRows(page);
    expect(names.length).toBeGreaterThan(4);
    await page.click(row(names[0]));
    expect(await selectedRows(page)).toEqual([names[0]]);
    expect(await page.textContent('[data-testid="save-pdfs"]')).toContain(en["toolbar.savePdfs"]);
    // Shift-click runs from the row clicked last; Ctrl-click adds one more.
    await page.click(row(names[2]), { modifiers: ["Shift"] });
    expect(await selectedRows(page)).toEqual(names.slice(0, 3));
    await page.click(row(names[4]), { modifiers: ["Control"] });
    await page.click(row(names[1]), { modifiers: ["Control"] });
    const chosen = [names[0], names[2], names[4]];
    expect(await selectedRows(page)).toEqual(chosen);
    expect(await page.textContent('[data-testid="save-pdfs"]')).toBe(en["toolbar.saveSelected"].replace("{count}", "3"));
    expect(await page.textContent("#selection-title")).toBe(en["details.selectedCount"].replace("{count}", "3"));
    expect(await page.textContent('[data-testid="selection-total"]')).toMatch(/€/);
    await shot(page, "multi-select-en");
    // Narrower, the table drops the columns the details panel repeats instead of scrolling.
    await page.setViewportSize({ width: 1230, height: 760 });
    expect(await page.isVisible('th.documents-col')).toBe(false);
    expect(await page.isVisible('th.due-col')).toBe(true);
    expect(await page.$eval('[data-testid="table-area"] .table-wrap', (wrap) => wrap.scrollWidth <= wrap.clientWidth)).toBe(true);
    await shot(page, "multi-select-narrow-en");
    await page.setViewportSize({ width: 1280, height: 760 });

    await page.click('[data-testid="save-pdfs"]');
    await page.locator('[data-testid="save-summary-text"]').waitFor();
    expect((await calls(page, "save_invoices")).at(-1)?.args).toEqual({ scopeId: SUB_PRODUCTION, invoices: chosen, range: null });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="on-disk"]').length === 3);

    // A checkbox adds without dropping the rest; Ctrl+A takes every invoice, twice clears.
    await page.click(`${row(names[3])} [data-testid="row-check"]`);
    expect(await selectedRows(page)).toEqual(names.slice(0, 5).filter((name) => name !== names[1]));
    await page.focus(row(names[3]));
    await page.keyboard.press("Control+a");
    expect(await selectedRows(page)).toEqual(names);
    expect(await page.isChecked('[data-testid="select-all"]')).toBe(true);
    await page.keyboard.press("Control+a");
    expect(await selectedRows(page)).toEqual([]);
    expect(await page.isChecked('[data-testid="select-all"]')).toBe(false);

    // Space toggles the row in focus, Shift+arrows grow the selection, Ctrl+S saves it.
    await page.keyboard.press("Space");
    expect(await selectedRows(page)).toEqual([names[3]]);
    await page.keyboard.press("Shift+ArrowDown");
    expect(await selectedRows(page)).toEqual([names[3], names[4]]);
    await page.keyboard.press("Control+s");
    await page.waitForFunction(() => window.__e2e!.callsTo("save_invoices").length === 2);
    expect((await calls(page, "save_invoices")).at(-1)?.args).toEqual({ scopeId: SUB_PRODUCTION, invoices: [names[3], names[4]], range: null });
  });

  it("offers a row's actions in a context menu, by right-click or the keyboard", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await selectScope(page, SUB_PRODUCTION);
    const names = await invoiceRows(page);
    await page.click(row(names[0]), { button: "right" });
    const menu = page.locator('[data-testid="row-menu"]');
    await menu.waitFor();
    expect(await selectedRows(page)).toEqual([names[0]]);
    const actions = await page.$$eval('[data-testid="row-menu-item"]', (items) => items.map((item) => item.getAttribute("data-action")));
    expect(actions).toEqual(["save-as", "save", "usage", "copy", "details"]);
    await shot(page, "row-menu-en");
    // Arrow down to "Save to download folder", Enter runs it and closes the menu.
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await menu.waitFor({ state: "detached" });
    await page.waitForFunction(() => window.__e2e!.callsTo("save_invoices").length === 1);
    expect((await calls(page, "save_invoices"))[0].args).toEqual({ scopeId: SUB_PRODUCTION, invoices: [names[0]], range: null });
    // Saved: the menu now opens it instead; Shift+F10 opens the menu on the focused row.
    await page.waitForSelector(`${row(names[0])} [data-testid="on-disk"]`);
    await page.focus(row(names[0]));
    await page.keyboard.press("Shift+F10");
    await menu.waitFor();
    const saved = await page.$$eval('[data-testid="row-menu-item"]', (items) => items.map((item) => item.getAttribute("data-action")));
    expect(saved).toEqual(["save-as", "open", "reveal", "usage", "copy", "details"]);
    await page.keyboard.press("Escape");
    await menu.waitFor({ state: "detached" });
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-invoice"))).toBe(names[0]);

    // On a multi-selection the menu acts on all of it; on a period without invoice it explains.
    await page.click(row(names[1]), { modifiers: ["Control"] });
    await page.click(row(names[1]), { button: "right" });
    await menu.waitFor();
    expect(await page.textContent('[data-action="save-selected"]')).toContain("2");
    await page.keyboard.press("Escape");
    await switchLanguage(page, "nl");
    await page.click(row(names[1]), { button: "right" });
    await menu.waitFor();
    expect(await page.textContent('[data-action="save-selected"]')).toBe(nl["table.menu.saveSelected"].replace("{count}", "2"));
    expect(await page.textContent("#selection-title")).toBe(nl["details.selectedCount"].replace("{count}", "2"));
    expect(await page.$eval('[data-testid="table-area"] .table-wrap', (wrap) => wrap.scrollWidth <= wrap.clientWidth)).toBe(true);
    await shot(page, "row-menu-selection-nl");
    await page.keyboard.press("Escape");
    await page.click('[data-testid="period-row"]:not([data-invoice])', { button: "right" });
    await page.click('[data-action="why"]');
    await page.waitForSelector('[data-testid="reason-card"]');
  });

  it("keeps the menu's save actions off with the reason where the role does not allow downloads", async () => {
    // A role that sees the invoices but may not download them.
    const page = await open({ accounts: [ACCOUNT], periods: { [SUB_MARKETING]: periodsFor(SUB_PRODUCTION)! } });
    await page.click(scopeRow(SUB_MARKETING));
    await page.waitForSelector('[data-testid="period-row"][data-invoice]');
    await page.click('[data-testid="period-row"][data-invoice]', { button: "right" });
    const saveAs = page.locator('[data-action="save-as"]');
    expect(await saveAs.isDisabled()).toBe(true);
    expect(await saveAs.getAttribute("title")).toContain(en["role.account_administrator"]);
    expect(await page.isDisabled('[data-action="copy"]')).toBe(false);
  });

  it("drags a multi-selection out as one drag once all its PDFs are ready", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await selectScope(page, SUB_PRODUCTION);
    const names = await invoiceRows(page);
    await page.click(row(names[0]));
    await page.click(row(names[1]), { modifiers: ["Control"] });
    await page.waitForSelector(`${row(names[0])}[data-drag-state="ready"]`);
    await page.waitForSelector(`${row(names[1])}[data-drag-state="ready"][draggable="true"]`);
    await page.dispatchEvent(row(names[1]), "dragstart");
    await page.waitForFunction(() => window.__e2e!.callsTo("start_drag").length === 1);
    expect((await calls(page, "start_drag"))[0].args).toEqual({ scopeId: SUB_PRODUCTION, invoices: [names[0], names[1]] });
  });

  it("shows and saves the chosen range of billing periods, and finds invoices by number", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await selectScope(page, SUB_PRODUCTION);
    expect((await calls(page, "list_periods")).at(-1)?.args).toEqual({ scopeId: SUB_PRODUCTION, range: "recent" });
    await page.selectOption('[data-testid="period-range"]', "lastYear");
    await page.waitForFunction(() => window.__e2e!.callsTo("list_periods").at(-1)?.args && (window.__e2e!.callsTo("list_periods").at(-1)!.args as { range: string }).range === "lastYear");
    await page.waitForSelector('[data-testid="period-row"]');
    await page.click('[data-testid="save-pdfs"]');
    await page.locator('[data-testid="save-summary-text"]').waitFor();
    expect((await calls(page, "save_invoices")).at(-1)?.args).toEqual({ scopeId: SUB_PRODUCTION, invoices: [], range: "lastYear" });

    const names = await invoiceRows(page);
    await page.fill('[data-testid="table-search"]', names[1].slice(-4));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="period-row"]').length === 1);
    expect(await invoiceRows(page)).toEqual([names[1]]);
    await page.fill('[data-testid="table-search"]', "");
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid="period-row"][data-invoice]').length === count, names.length);
  });

  it("saves one invoice where the save dialog says, and shows it in its folder", async () => {
    const page = await open({ accounts: [ACCOUNT], saveAsPath: "/home/tester/Desktop/Maart.pdf" });
    await selectScope(page, SUB_PRODUCTION);
    await page.click(row("E0800KZ4811"));
    await page.click('[data-testid="save-invoice-as"]');
    await page.waitForSelector('[data-testid="saved-as-path"]');
    expect(await page.textContent('[data-testid="saved-as-path"]')).toBe("/home/tester/Desktop/Maart.pdf");
    expect((await calls(page, "save_invoice_as"))[0].args).toEqual({ scopeId: SUB_PRODUCTION, invoice: "E0800KZ4811" });
    await page.click('[data-testid="save-show-folder"]');
    expect(((await calls(page, "reveal_saved")).at(-1)?.args as { path: string }).path).toBe("/home/tester/Desktop/Maart.pdf");
  });

  it("retries from the tray only what a failed save left undone", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await selectScope(page, SUB_PRODUCTION);
    await page.evaluate(() =>
      window.__e2e!.emit("jobProgressEvent", {
        id: "job-9",
        kind: "download",
        title: "Contoso Production",
        phase: "failed",
        done: 5,
        total: 6,
        bytesPerSecond: null,
        error: { code: "disk_full", message: "The disk is full.", hint: null, details: null },
        retry: { kind: "saveInvoices", scopeId: "/subscriptions/6d3f1a52-0c4e-4c8e-9b7d-2f1c0a9e4b11", invoices: ["E0700KZ4812"], range: null },
      }),
    );
    // A new job opens the tray by itself.
    await page.click('[data-testid="job-row"][data-job-id="job-9"] [data-testid="job-retry"]');
    await page.waitForFunction(() => window.__e2e!.callsTo("save_invoices").length === 1);
    expect((await calls(page, "save_invoices"))[0].args).toEqual({ scopeId: SUB_PRODUCTION, invoices: ["E0700KZ4812"], range: null });
    expect(await page.$('[data-testid="job-row"][data-job-id="job-9"] [data-testid="job-retry"]')).toBeNull();
  });

  it("asks the shell once at start, after every directory listed its scopes, and shows what it synced", async () => {
    const page = await open({ accounts: [ACCOUNT], settings: { syncAtStart: true, archiveFolder: "/srv/archief" } });
    await page.waitForSelector('[data-testid="main-layout"][data-start-sync="started"]');
    const names = (await page.evaluate(() => window.__e2e!.calls.map((call) => call.cmd))) as string[];
    expect(names.filter((name) => name === "sync_at_start")).toHaveLength(1);
    expect(names.lastIndexOf("list_scopes")).toBeLessThan(names.indexOf("sync_at_start"));
    await page.locator('[data-testid="save-summary-text"]').waitFor();
    expect(await page.textContent('[data-testid="save-summary-text"]')).toMatch(/\d/);
    // Switched on after the start, it waits for the next start: the shell is not asked again.
    const later = await open({ accounts: [ACCOUNT] });
    await later.waitForSelector(scopeRow(SUB_PRODUCTION));
    await later.waitForSelector(START_SYNC_SKIPPED);
    await later.evaluate(() => window.__e2e!.emit("settingsChanged", { settings: { ...window.__e2e!.settings(), syncAtStart: true }, language: "en" }));
    await later.click('[data-testid="settings-button"]');
    await later.waitForSelector('[data-testid="sync-at-start"]:checked');
    expect(await calls(later, "sync_at_start")).toHaveLength(1);
    // In demo mode the shell declines.
    const demo = await open({ demo: {}, settings: { syncAtStart: true } });
    await demo.waitForSelector('[data-testid="scope-row"]');
    await demo.waitForSelector(START_SYNC_SKIPPED);
    expect(await calls(demo, "archive_invoices")).toEqual([]);
  });

  it("syncs the archive from the toolbar through the shell and marks the synced invoices as on disk", async () => {
    const page = await open({ accounts: [ACCOUNT], settings: { archiveFolder: "/srv/archief" } });
    await page.waitForSelector(START_SYNC_SKIPPED);
    await page.click('[data-testid="sync-archive"]');
    await page.locator('[data-testid="save-summary-text"]').waitFor();
    expect(await calls(page, "sync_archive")).toHaveLength(1);
    await page.waitForFunction(() => window.__e2e!.callsTo("saved_documents").length > 0);
  });
});

describe("offline", () => {
  it("does not try to sync the archive from a cached listing", async () => {
    const page = await open({ accounts: [ACCOUNT], offline: true, cachedAsOf: "2026-11-20T09:30:00Z", settings: { syncAtStart: true } });
    await page.waitForSelector('[data-testid="scopes-as-of"][data-stale="true"]');
    await page.waitForSelector(START_SYNC_SKIPPED);
    expect(await calls(page, "archive_invoices")).toEqual([]);
    expect(await page.isDisabled('[data-testid="sync-archive"]')).toBe(true);
  });

  it("opens on the cached listing marked with its time, and says Azure could not be reached", async () => {
    const page = await open({ accounts: [ACCOUNT], offline: true, cachedAsOf: "2026-11-20T09:30:00Z" });
    await page.waitForSelector(scopeRow(SUB_PRODUCTION));
    const asOf = page.locator('[data-testid="scopes-as-of"][data-tenant-id="tenant-1"]');
    await asOf.waitFor();
    expect(await asOf.getAttribute("data-stale")).toBe("true");
    expect(await asOf.textContent()).toContain(en["sidebar.asOf"].replace("{time}", "Nov 20, 2026"));
    await selectScope(page, SUB_PRODUCTION);
    const banner = page.locator('[data-testid="periods-as-of"]');
    await banner.waitFor();
    expect(await banner.textContent()).toContain(en["table.stale"].split("{time}")[0]);
    expect(await banner.textContent()).toContain("Nov 20, 2026");
    await shot(page, "browse-offline-as-of");
    await switchLanguage(page, "nl");
    expect(await page.locator('[data-testid="periods-as-of"]').textContent()).toContain(nl["table.stale"].split("{time}")[0]);
    await shot(page, "browse-offline-as-of-nl");
  });

  it("replaces the cached listing with the fresh one once Azure answers", async () => {
    const page = await open({ accounts: [ACCOUNT], cachedAsOf: "2026-11-20T09:30:00Z", scopesDelayMs: 400 });
    await page.waitForSelector('[data-testid="scopes-as-of"][data-tenant-id="tenant-1"][data-stale="false"]');
    await page.waitForSelector('[data-testid="scopes-as-of"][data-tenant-id="tenant-1"]', { state: "detached" });
    expect(await page.isVisible(scopeRow(SUB_PRODUCTION))).toBe(true);
  });
});

describe("sidebar scopes", () => {
  it("lists each directory's scopes grouped by agreement, with badges and role hints, and selects with the keyboard", async () => {
    const page = await open({ accounts: [ACCOUNT], scopesDelayMs: 300 });
    await page.waitForSelector('[data-testid="scopes-loading"][data-tenant-id="tenant-1"]');
    await shot(page, "browse-sidebar-loading");
    await page.waitForSelector(scopeRow(SUB_PRODUCTION));
    const groups = await page.$$eval('[data-testid="tenant-row"][data-tenant-id="tenant-1"] [data-testid="scope-group"]', (nodes) =>
      nodes.map((node) => [node.getAttribute("data-kind"), node.querySelector(".group-label")?.textContent]),
    );
    expect(groups).toEqual([
      ["mosp_subscription", en["scopeKind.mosp_subscription"]],
      ["mca_billing_profile", en["scopeKind.mca_billing_profile"]],
      ["ea_department", en["scopeKind.ea_department"]],
    ]);
    expect(await page.textContent(`${scopeRow(SUB_PRODUCTION)} .badge`)).toBe("MOSP");
    expect(await page.textContent(`${scopeRow(MCA_PROFILE)} .badge`)).toBe("MCA");
    expect(await page.textContent(`${scopeRow(EA_DEPARTMENT)} .badge`)).toBe("EA");
    expect((await page.textContent(`${scopeRow(SUB_PRODUCTION)} [data-testid="role-hint"]`))?.trim()).toBe(en["roleHint.account_administrator"]);
    expect((await page.textContent(`${scopeRow(MCA_PROFILE)} [data-testid="role-hint"]`))?.trim()).toBe(en["roleHint.billing_profile_reader"]);
    expect(await page.getAttribute(scopeRow(EA_DEPARTMENT), "data-kind")).toBe("ea_department");
    // Both directories loaded, each with its own call.
    expect((await calls(page, "list_scopes")).map((call) => (call.args as { tenantId: string }).tenantId).sort()).toEqual(["tenant-1", "tenant-2"]);
    await shot(page, "browse-sidebar-light-en");

    // Keyboard: from the filter down into the scopes, arrows move, Enter selects.
    await page.focus("#sidebar-filter");
    await page.keyboard.press("ArrowDown");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-scope-id"))).toBe(SUB_PRODUCTION);
    await page.keyboard.press("ArrowDown");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-scope-id"))).toBe(SUB_SANDBOX);
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="period-row"][data-reason="subscription_too_new"]');
    expect(await page.getAttribute(scopeRow(SUB_SANDBOX), "aria-current")).toBe("true");

    // The filter narrows scopes by name.
    await page.fill("#sidebar-filter", "europe");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="scope-row"]').length === 1);
    expect(await page.getAttribute('[data-testid="scope-row"]', "data-scope-id")).toBe(MCA_PROFILE);
  });

  it("a directory whose scopes fail shows its error with Retry while the other still shows", async () => {
    const throttled = { code: "throttled" as const, message: "Too many requests", hint: null, details: "429 from ARM" };
    const page = await open({ accounts: [ACCOUNT], failScopes: { "tenant-2": throttled } });
    const error = page.locator('[data-testid="scopes-error"][data-tenant-id="tenant-2"]');
    await error.waitFor();
    expect(await error.getAttribute("data-error-code")).toBe("throttled");
    expect(await error.textContent()).toContain(en["errors.throttled.message"]);
    await page.waitForSelector(scopeRow(SUB_PRODUCTION));
    await shot(page, "browse-scopes-error-light-en");
    await page.click('[data-testid="scopes-retry"][data-tenant-id="tenant-2"]');
    await page.waitForSelector('[data-testid="tenant-row"][data-tenant-id="tenant-2"] [data-testid="scope-row"]');
    expect(await page.$('[data-testid="scopes-error"]')).toBeNull();
  });

  it("the scopes error looks right in Dutch and dark", async () => {
    const page = await open(
      { accounts: [ACCOUNT], failScopes: { "tenant-2": { code: "azure_error", message: "500", hint: null, details: null } }, settings: { language: "nl", theme: "dark" } },
      { colorScheme: "dark" },
    );
    const error = page.locator('[data-testid="scopes-error"][data-tenant-id="tenant-2"]');
    await error.waitFor();
    expect(await error.textContent()).toContain(nl["errors.azure_error.message"]);
    expect(await page.textContent('[data-testid="scopes-retry"]')).toContain(nl["sidebar.retry"]);
    await page.waitForSelector(scopeRow(SUB_PRODUCTION));
    expect(await page.textContent('[data-testid="scope-group"][data-kind="mosp_subscription"] .group-label')).toBe(nl["scopeKind.mosp_subscription"]);
    await shot(page, "browse-scopes-error-dark-nl");
  });
});

describe("billing periods", () => {
  it("shows the periods newest first with formatted amounts, statuses, documents and the missing ones", async () => {
    const page = await open({ accounts: [ACCOUNT], periodsDelayMs: 300 });
    await page.click(scopeRow(MCA_PROFILE));
    await page.waitForSelector('[data-testid="table-loading"]');
    await shot(page, "browse-periods-loading");
    await page.waitForSelector('[data-testid="period-row"]');
    expect(await calls(page, "list_periods")).toEqual([{ cmd: "list_periods", args: { scopeId: MCA_PROFILE, range: "recent" } }]);
    const starts = await page.$$eval('[data-testid="period-row"]', (rows) => rows.map((row) => row.getAttribute("data-period-start")));
    expect(starts).toEqual([...starts].sort().reverse());
    const first = page.locator('[data-testid="period-row"]').first();
    expect(await first.getAttribute("data-reason")).toBe("not_generated_yet");
    expect(await first.locator("td.period").textContent()).toBe("October 2026");
    expect(await first.textContent()).toContain("Not generated yet, expected Nov 5, 2026");
    const due = page.locator('[data-testid="period-row"][data-period-start="2026-09-01"]');
    expect(await due.locator('[data-testid="invoice-amount"]').textContent()).toContain("€4,210.75");
    expect(await due.locator('[data-testid="status-pill"]').textContent()).toContain("Due");
    const statuses = await page.$$eval('[data-testid="status-pill"]', (pills) => pills.map((pill) => pill.textContent?.trim()));
    expect(statuses).toEqual(["Due", "Overdue", "Paid", "Paid", "Void", "PartiallyPaid", "Locked"]);
    expect(await page.textContent('[data-testid="period-row"][data-period-start="2026-06-01"]')).toContain("Credit note");
    expect(await page.textContent('[data-testid="period-row"][data-period-start="2026-06-01"] [data-testid="invoice-amount"]')).toContain("-€120.50");
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('[data-testid="invoice-amount"]')!).textAlign)).toBe("right");

    // Selecting an invoice shows its facts; the chart has its values in a table.
    await due.click();
    const details = page.locator('[data-testid="invoice-details"]');
    await details.waitFor();
    expect(await details.textContent()).toContain(en["details.fact.amountDue"]);
    expect(await page.textContent('[data-testid="detail-billed-amount"]')).toBe("€4,210.75");
    expect(await page.$$eval('[data-testid="chart-table"] tbody tr', (rows) => rows.length)).toBe(7);
    expect(await page.textContent('[data-testid="chart-table"]')).toContain("€4,210.75");
    await shot(page, "browse-periods-light-en");

    // Arrow keys move the selection.
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(() => document.querySelector('[data-testid="period-row"].selected')?.getAttribute("data-period-start") === "2026-08-01");
  });

  it("looks right in Dutch and dark (amounts and dates in Dutch)", async () => {
    const page = await open({ accounts: [ACCOUNT], settings: { language: "nl", theme: "dark" } }, { colorScheme: "dark" });
    await page.waitForSelector(scopeRow(SUB_PRODUCTION));
    await selectScope(page, SUB_PRODUCTION);
    const row = page.locator('[data-testid="period-row"][data-period-start="2026-09-05"]');
    expect(await row.locator('[data-testid="invoice-amount"]').textContent()).toContain("€\u00a01.284,37");
    expect(await row.locator("td.period").textContent()).toBe("5 sep. – 4 okt. 2026");
    expect(await row.textContent()).toContain(nl["status.Due"]);
    expect(await row.textContent()).toContain(nl["document.Summary"]);
    await row.click();
    await shot(page, "browse-periods-dark-nl");
  });

  it("a failing listing shows its error with Retry", async () => {
    const page = await open({ accounts: [ACCOUNT], failNext: { list_periods: { code: "forbidden", message: "403", hint: null, details: "AuthorizationFailed" } } });
    await page.waitForSelector(scopeRow(SUB_PRODUCTION));
    await page.click(scopeRow(SUB_PRODUCTION));
    const error = page.locator('[data-testid="periods-error"] [data-testid="error-view"][data-error-code="forbidden"]');
    await error.waitFor();
    expect(await error.textContent()).toContain(en["errors.forbidden.message"]);
    await page.click('[data-testid="periods-retry"]');
    await page.waitForSelector('[data-testid="period-row"]');
  });
});

describe("reason card", () => {
  it("Why? opens the reason card with the translated reason, in English and Dutch", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await page.waitForSelector(scopeRow(SUB_SANDBOX));
    await selectScope(page, SUB_SANDBOX);
    const why = page.locator('[data-testid="why"][data-period-start="2026-10-20"]');
    expect(await why.getAttribute("data-reason")).toBe("subscription_too_new");
    await why.click();
    const card = page.locator('[data-testid="reason-card"][data-reason="subscription_too_new"]');
    await card.waitFor();
    expect(await card.locator("h3").textContent()).toBe("No invoice yet for Oct 20 – Nov 19, 2026");
    expect(await card.locator('[data-testid="reason-text"]').textContent()).toBe(
      en["reason.text.subscription_too_new"].replace("{created}", "Oct 20, 2026"),
    );
    expect(await card.textContent()).toContain("Subscription created on Oct 20, 2026");
    expect(await card.textContent()).toContain("Your role: account administrator");
    expect(await card.textContent()).toContain("Your first invoice is expected after Nov 19, 2026.");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("reason-headline");
    await shot(page, "reason-card-light-en");

    await switchLanguage(page, "nl");
    const dutch = page.locator('[data-testid="reason-card"][data-reason="subscription_too_new"]');
    await dutch.waitFor();
    expect(await dutch.locator('[data-testid="reason-text"]').textContent()).toBe(
      nl["reason.text.subscription_too_new"].replace("{created}", "20 okt. 2026"),
    );
    expect(await dutch.locator("h3").textContent()).toBe("Nog geen factuur voor 20 okt. – 19 nov. 2026");
    await shot(page, "reason-card-light-nl");
  });

  it("explains EA e-mailed invoices, no permission and unknown with their facts (dark, Dutch)", async () => {
    const page = await open({ accounts: [ACCOUNT], settings: { language: "nl", theme: "dark" } }, { colorScheme: "dark" });
    await page.waitForSelector(scopeRow(EA_DEPARTMENT));
    await selectScope(page, EA_DEPARTMENT);
    await page.click('[data-testid="why"][data-period-start="2026-10-01"]');
    const card = page.locator('[data-testid="reason-card"][data-reason="ea_invoices_are_emailed"]');
    await card.waitFor();
    expect(await card.locator("h3").textContent()).toBe("Geen factuur voor oktober 2026");
    expect(await card.locator('[data-testid="reason-text"]').textContent()).toContain("Anne de Vries (ap@contoso.com)");
    expect(await card.locator('[data-testid="reason-text"]').textContent()).toContain("kunt u de facturen van uw organisatie niet downloaden");
    await shot(page, "reason-card-ea-dark-nl");

    await selectScope(page, SUB_MARKETING);
    await page.click('[data-testid="why"][data-reason="no_permission"] >> nth=0');
    const denied = page.locator('[data-testid="reason-card"][data-reason="no_permission"]');
    await denied.waitFor();
    // The account administrator has not allowed others to download: the switch is named, not a role.
    expect(await denied.locator('[data-testid="reason-text"]').textContent()).toBe(
      nl["reason.text.no_permission.policy.allow_others_to_download_invoice"],
    );
    expect(await denied.textContent()).toContain("alex@contoso.example");
    expect(await denied.locator('[data-testid="portal-url"]').textContent()).toContain("https://portal.azure.com/");

    await selectScope(page, SUB_PRODUCTION);
    await page.click('[data-testid="why"][data-reason="unknown"]');
    const unknown = page.locator('[data-testid="reason-card"][data-reason="unknown"]');
    await unknown.waitFor();
    expect(await unknown.textContent()).toContain(`${nl["reason.factCode.today"]}: 3 nov. 2026`);
    await shot(page, "reason-card-unknown-dark-nl");
  });
});

describe("capabilities", () => {
  it("a denied action is disabled with the sentence, who can grant it and the portal link to copy", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await page.waitForSelector(scopeRow(MCA_PROFILE));
    await selectScope(page, MCA_PROFILE);
    const email = page.locator('[data-testid="capability"][data-action="manageEmail"]');
    expect(await email.getAttribute("data-state")).toBe("denied");
    expect(await email.locator('[data-testid="capability-sentence"]').textContent()).toBe(
      "You need the billing profile contributor role; a billing profile owner can grant it.",
    );
    expect(await email.locator('[data-testid="portal-url"]').textContent()).toContain("https://portal.azure.com/");
    await email.locator('[data-testid="copy-link"]').click();
    await page.waitForFunction((text) => document.querySelector('[data-testid="capability"][data-action="manageEmail"] [data-testid="copy-link"]')?.textContent?.includes(text), en["link.copied"]);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain("https://portal.azure.com/#view/");
    expect(await page.getAttribute('[data-testid="capability"][data-action="listInvoices"]', "data-state")).toBe("allowed");
    expect(await page.getAttribute('[data-testid="save-pdfs"]', "title")).toBe(en["toolbar.savePdfsHint"]);

    await selectScope(page, EA_DEPARTMENT);
    const usage = page.locator('[data-testid="capability"][data-action="downloadUsage"]');
    expect(await usage.getAttribute("data-state")).toBe("denied");
    const sentence = await usage.locator('[data-testid="capability-sentence"]').textContent();
    expect(sentence).toContain("An enterprise administrator has to turn on the policy");
    expect(await page.getAttribute('[data-testid="capability"][data-action="listInvoices"]', "data-state")).toBe("notOffered");
    expect(await page.getAttribute('[data-testid="usage-csv"]', "title")).toContain(sentence!);
    expect(await page.isDisabled('[data-testid="usage-csv"]')).toBe(true);
    await page.locator('[data-testid="scope-details"]').scrollIntoViewIfNeeded();
    await shot(page, "capabilities-light-en");
  });

  it("the denied sentences are Dutch in Dutch (dark)", async () => {
    const page = await open({ accounts: [ACCOUNT], settings: { language: "nl", theme: "dark" } }, { colorScheme: "dark" });
    await page.waitForSelector(scopeRow(MCA_PROFILE));
    await selectScope(page, MCA_PROFILE);
    expect(await page.textContent('[data-testid="capability"][data-action="manageEmail"] [data-testid="capability-sentence"]')).toBe(
      "Hiervoor hebt u de rol bijdrager van het factureringsprofiel nodig; een eigenaar van het factureringsprofiel kan die toekennen.",
    );
    await page.locator('[data-testid="capability"][data-action="manageEmail"]').scrollIntoViewIfNeeded();
    await shot(page, "capabilities-dark-nl");
  });
});

describe("demo mode", () => {
  /** The scopes the shell listed for a recorded demo user, in the order it answered them. */
  const demoScopes = (recording: DemoRecording): ScopeSummary[] =>
    Object.values(recording.scopes).flatMap((answer) => ("ok" in answer ? answer.ok : []));
  const demoPeriods = (recording: DemoRecording, scopeId: string): PeriodView[] => {
    const answer = recording.periods[scopeId];
    if (!answer || !("ok" in answer)) throw new Error(`no recorded periods of ${scopeId}`);
    return answer.ok;
  };
  const sidebarScopes = (page: Page) =>
    page.$$eval('[data-testid="scope-row"]', (rows) => rows.map((row) => row.getAttribute("data-scope-id")!).sort());
  /** An MCA billing profile reader: a different agreement than the default pay-as-you-go user. */
  const MCA_READER = demoRecording("rita.reader@contoso.example")!;

  it("Try with demo data starts the demo; the badge shows, the picker switches users, Leave demo returns to welcome", async () => {
    const page = await open();
    await page.click('[data-testid="try-demo"]');
    await page.waitForSelector('[data-testid="demo-badge"]');
    expect(await calls(page, "start_demo")).toEqual([{ cmd: "start_demo", args: { upn: null } }]);
    expect((await page.textContent('[data-testid="demo-badge"]'))?.trim()).toBe(en["toolbar.demoBadge"]);
    await page.waitForSelector('[data-testid="scope-row"][data-kind="mosp_subscription"]');
    const defaults = demoScopes(DEFAULT_DEMO_RECORDING);
    expect(defaults.length).toBeGreaterThan(0);
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid="scope-row"]').length === count, defaults.length);
    expect(await sidebarScopes(page)).toEqual(defaults.map((scope) => scope.id).sort());
    // The picker offers every demo user by name, the signed-in one chosen.
    const options = await page.$$eval('[data-testid="demo-user-select"] option', (items) =>
      items.map((item) => [(item as HTMLOptionElement).value, item.textContent]),
    );
    expect(options).toEqual(DEFAULT_DEMO_RECORDING.demoState.users.map((user) => [user.upn, user.displayName]));
    expect(await page.inputValue('[data-testid="demo-user-select"]')).toBe(DEFAULT_DEMO_RECORDING.user);
    expect(await page.getAttribute('label[for="demo-user"]', "class")).toContain("visually-hidden");
    expect(await page.textContent('label[for="demo-user"]')).toBe(en["toolbar.demoUser"]);
    await shot(page, "demo-light-en");

    expect(MCA_READER).toBeDefined();
    await page.selectOption('[data-testid="demo-user-select"]', MCA_READER.user);
    await page.waitForSelector('[data-testid="scope-row"][data-kind="mca_billing_profile"]');
    expect((await calls(page, "start_demo")).at(-1)).toEqual({ cmd: "start_demo", args: { upn: MCA_READER.user } });
    expect(await page.$('[data-testid="scope-row"][data-kind="mosp_subscription"]')).toBeNull();
    expect(await sidebarScopes(page)).toEqual(demoScopes(MCA_READER).map((scope) => scope.id).sort());
    expect(await page.inputValue('[data-testid="demo-user-select"]')).toBe(MCA_READER.user);

    await page.click('[data-testid="leave-demo"]');
    await page.waitForSelector("#welcome-heading");
    expect(await calls(page, "leave_demo")).toHaveLength(1);
    expect(await page.$('[data-testid="demo-badge"]')).toBeNull();
  });

  it("a window launched in demo mode shows the badge at once (Dutch, dark)", async () => {
    const page = await open({ demo: {}, settings: { language: "nl", theme: "dark" } }, { colorScheme: "dark" });
    await page.waitForSelector('[data-testid="demo-badge"]');
    expect((await page.textContent('[data-testid="demo-badge"]'))?.trim()).toBe(nl["toolbar.demoBadge"]);
    // The default user's subscription too new for an invoice.
    const tooNew = demoScopes(DEFAULT_DEMO_RECORDING).find((scope) =>
      demoPeriods(DEFAULT_DEMO_RECORDING, scope.id).some((period) => period.reason.code === "subscription_too_new"),
    );
    expect(tooNew).toBeDefined();
    await selectScope(page, tooNew!.id);
    await page.click('[data-testid="why"][data-reason="subscription_too_new"]');
    await page.waitForSelector('[data-testid="reason-card"][data-reason="subscription_too_new"]');
    await shot(page, "demo-dark-nl");
  });

  it("lists a demo user's billing periods and invoices as the shell answered them", async () => {
    const page = await open({ demo: { user: MCA_READER.user } });
    const scope = demoScopes(MCA_READER).find((candidate) => candidate.kind === "mca_billing_profile")!;
    const periods = demoPeriods(MCA_READER, scope.id);
    await selectScope(page, scope.id);
    expect(await calls(page, "list_periods")).toEqual([{ cmd: "list_periods", args: { scopeId: scope.id, range: "recent" } }]);
    const rows = await page.$$eval('[data-testid="period-row"]', (items) =>
      items.map((row) => [row.getAttribute("data-period-start"), row.getAttribute("data-reason"), row.getAttribute("data-invoice")]),
    );
    const recorded = periods.flatMap((period) =>
      period.invoices.length === 0
        ? [[period.start, period.reason.code, null]]
        : period.invoices.map((invoice) => [period.start, period.reason.code, invoice.name]),
    );
    expect(rows).toEqual(recorded);
    expect(await page.textContent('[data-testid="scope-title"]')).toContain(scope.displayName);
  });

  it("a demo that cannot start says so on Welcome", async () => {
    const page = await open({ demoAvailable: false });
    await page.click('[data-testid="try-demo"]');
    const error = page.locator('[data-testid="demo-error"] [data-testid="error-view"][data-error-code="demo_unavailable"]');
    await error.waitFor();
    expect(await error.textContent()).toContain(en["errors.demo_unavailable.message"]);
  });
});
