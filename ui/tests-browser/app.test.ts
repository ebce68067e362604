// The shell in headless Chromium, IPC answered by the in-page mock of the `e2e` build.
// Needs `npm run build:e2e` first; serves `dist-e2e` with `vite preview` on a free port.
import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { preview, type PreviewServer } from "vite";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { E2eInit } from "../src/e2e/mock";
import type { AccountSummary, AppError, JobProgress } from "../src/lib/bindings";
import en from "../src/i18n/en.json";
import nl from "../src/i18n/nl.json";

const UI = fileURLToPath(new URL("..", import.meta.url));
const DIST = fileURLToPath(new URL("../dist-e2e", import.meta.url));
const SHOTS = fileURLToPath(new URL("../../target/ui-screenshots", import.meta.url));
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const ACCOUNT: AccountSummary = {
  id: "acc-1",
  displayName: "Contoso Finance",
  username: "finance@contoso.com",
  cloud: "azurePublic",
  tenants: [
    { id: "tenant-1", displayName: "Contoso", enabled: true },
    { id: "tenant-2", displayName: "Fabrikam Labs", enabled: false },
  ],
};

let server: PreviewServer;
let browser: Browser;
let baseUrl: string;
let context: BrowserContext | undefined;
let pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(`${DIST}/index.html`)) throw new Error("dist-e2e is missing: run `npm run build:e2e` first");
  mkdirSync(SHOTS, { recursive: true });
  server = await preview({
    configFile: false,
    root: UI,
    logLevel: "warn",
    build: { outDir: "dist-e2e" },
    preview: { host: "127.0.0.1", port: 0, strictPort: false, open: false },
  });
  const address = server.httpServer.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${address.port}/`;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.httpServer.close(() => resolve()) : resolve()));
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  expect(pageErrors).toEqual([]);
});

interface OpenOptions {
  colorScheme?: "light" | "dark";
  locale?: string;
}

async function open(init: E2eInit = {}, options: OpenOptions = {}): Promise<Page> {
  pageErrors = [];
  context = await browser.newContext({
    viewport: { width: 1120, height: 700 },
    deviceScaleFactor: 1,
    locale: options.locale ?? "en-US",
    colorScheme: options.colorScheme ?? "light",
    reducedMotion: "reduce",
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  await page.addInitScript((seed) => {
    window.__E2E_INIT__ = seed;
  }, init);
  await page.goto(baseUrl);
  await page.waitForSelector('.screen:not([data-screen="loading"])');
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

const calls = (page: Page, cmd: string) => page.evaluate((name) => window.__e2e!.callsTo(name), cmd);
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

async function openSettings(page: Page): Promise<void> {
  await page.click('[data-testid="settings-button"]');
  await page.waitForSelector('[data-testid="settings"]');
}

describe("welcome", () => {
  it("renders the welcome screen with the sign-in choices", async () => {
    const page = await open();
    expect(await page.textContent("#welcome-heading")).toBe(en["welcome.title"]);
    expect(await page.textContent("main")).toContain(en["welcome.tagline"]);
    expect((await page.textContent("#sign-in-browser"))?.trim()).toBe(en["welcome.signInBrowser"]);
    expect(await page.isVisible("#sign-in-device-code")).toBe(true);
    expect(await page.isVisible("#sign-in-azure-cli")).toBe(true);
    expect(await page.$('[data-testid="demo"]')).toBeNull();
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.getAttribute("html", "data-theme")).toBe("light");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("welcome-heading");
    await shot(page, "welcome-light-en");
  });

  it("shows the translated sign_in_unavailable error after clicking sign-in", async () => {
    const page = await open();
    await page.click("#sign-in-browser");
    const error = page.locator('[data-testid="error-view"][data-error-code="sign_in_unavailable"]');
    await error.waitFor();
    expect(await error.locator('[data-testid="error-message"]').textContent()).toBe(en["errors.sign_in_unavailable.message"]);
    expect(await error.locator('[data-testid="error-hint"]').textContent()).toBe(en["errors.sign_in_unavailable.hint"]);
    expect(await calls(page, "sign_in")).toEqual([{ cmd: "sign_in", args: { method: "browser" } }]);
    await page.click("#sign-in-device-code");
    await page.click("#sign-in-azure-cli");
    expect((await calls(page, "sign_in")).map((call) => (call.args as { method: string }).method)).toEqual([
      "browser",
      "deviceCode",
      "azureCli",
    ]);
    await shot(page, "welcome-sign-in-error");
  });

  it("follows a Dutch OS language and shows the demo button when offered", async () => {
    const page = await open({ demoAvailable: true }, { locale: "nl-NL" });
    expect(await page.getAttribute("html", "lang")).toBe("nl");
    expect((await page.textContent("#sign-in-browser"))?.trim()).toBe(nl["welcome.signInBrowser"]);
    expect((await page.textContent('[data-testid="demo"]'))?.trim()).toBe(nl["welcome.demo"]);
  });
});

describe("settings", () => {
  it("switching the language to Dutch changes the visible text live and saves it", async () => {
    const page = await open();
    await openSettings(page);
    expect(await page.textContent("#settings-heading")).toBe(en["settings.title"]);
    await page.selectOption('[data-testid="language-select"]', "nl");
    await page.waitForFunction((title) => document.querySelector("#settings-heading")?.textContent === title, nl["settings.title"]);
    expect(await page.getAttribute("html", "lang")).toBe("nl");
    expect(await page.textContent('label[for="theme-select"]')).toBe(nl["settings.theme"]);
    await page.waitForSelector('[data-testid="save-state"][data-state="saved"]');
    expect((await page.textContent('[data-testid="save-state"]'))?.trim()).toBe(nl["settings.saved"]);
    const saved = await calls(page, "save_settings");
    expect((saved.at(-1)?.args as { settings: { language: string } }).settings.language).toBe("nl");
    await shot(page, "settings-nl-light");
    await page.keyboard.press("Escape");
    await page.waitForSelector('[data-testid="welcome"]');
    expect((await page.textContent("#sign-in-browser"))?.trim()).toBe(nl["welcome.signInBrowser"]);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("settings-button");
    await shot(page, "welcome-light-nl");
  });

  it("the theme setting changes data-theme and the background colour", async () => {
    const page = await open();
    const light = await background(page);
    await openSettings(page);
    await page.selectOption('[data-testid="theme-select"]', "dark");
    await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
    const dark = await background(page);
    expect(dark).not.toBe(light);
    expect(light).toBe("rgb(255, 255, 255)");
    expect(dark).toBe("rgb(29, 30, 33)");
    await shot(page, "settings-dark-en");
    await page.selectOption('[data-testid="theme-select"]', "light");
    await page.waitForFunction(() => document.documentElement.dataset.theme === "light");
    expect(await background(page)).toBe(light);
  });

  it("follows a dark OS theme when the setting is System", async () => {
    const page = await open({}, { colorScheme: "dark" });
    expect(await page.getAttribute("html", "data-theme")).toBe("dark");
    await shot(page, "welcome-dark-en");
  });

  it("previews the file-name template live and saves it", async () => {
    const page = await open();
    await openSettings(page);
    await page.fill('[data-testid="file-name-template"]', "{yyyy}-{mm} {invoiceName} {oops}");
    expect(await page.textContent('[data-testid="template-preview"]')).toBe("2026-09 G012345678 {oops}.pdf");
    expect(await page.textContent('[data-testid="template-unknown"]')).toContain("{oops}");
    await page.waitForFunction(() => window.__e2e!.settings().fileNameTemplate.endsWith("{oops}"));
  });

  it("the error component shows a typed error with hint and expandable details", async () => {
    const folderError: AppError = {
      code: "folder_unavailable",
      message: "The folder /mnt/gone does not exist.",
      hint: null,
      details: "os error 2: No such file or directory",
    };
    const page = await open({ failNext: { choose_folder: folderError } });
    await openSettings(page);
    await page.click('[data-testid="choose-folder"]');
    const error = page.locator('[data-testid="error-view"][data-error-code="folder_unavailable"]');
    await error.waitFor();
    expect(await error.locator('[data-testid="error-message"]').textContent()).toBe(en["errors.folder_unavailable.message"]);
    expect(await error.locator('[data-testid="error-hint"]').textContent()).toBe(en["errors.folder_unavailable.hint"]);
    const pre = error.locator("pre");
    expect(await pre.isVisible()).toBe(false);
    await error.locator("summary").click();
    expect(await pre.isVisible()).toBe(true);
    expect(await pre.textContent()).toBe(folderError.details);
    expect(await error.locator('[data-testid="error-details"]').textContent()).toContain(folderError.message);
    await shot(page, "settings-error-details");
    // The next try succeeds and fills the folder.
    await page.click('[data-testid="choose-folder"]');
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="download-folder"]') as HTMLInputElement).value.endsWith("Invoices"),
    );
  });

  it("shows a dismissible warning when the settings file was corrupt", async () => {
    const warning: AppError = {
      code: "settings_corrupt",
      message: "settings.json: expected value at line 1 column 1",
      hint: null,
      details: "backup: settings.json.corrupt-20261125",
    };
    const page = await open({ warning });
    const banner = page.locator('[data-testid="notices"] [data-error-code="settings_corrupt"]');
    await banner.waitFor();
    expect(await banner.locator('[data-testid="error-hint"]').textContent()).toBe(en["errors.settings_corrupt.hint"]);
    expect(await banner.textContent()).toContain("backup");
    await shot(page, "settings-corrupt-warning");
    await banner.getByRole("button", { name: en["error.dismiss"] }).click();
    await banner.waitFor({ state: "detached" });
  });
});

describe("main layout", () => {
  it("shows sidebar, table, details and activity with one account", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await page.waitForSelector('[data-testid="main-layout"]');
    expect(await page.isVisible('nav[data-testid="sidebar"]')).toBe(true);
    expect(await page.isVisible('main [data-testid="invoice-table"]')).toBe(true);
    expect(await page.isVisible('aside[data-testid="details-panel"]')).toBe(true);
    expect(await page.isVisible('section[data-testid="activity-tray"]')).toBe(true);
    expect(await page.textContent('[data-testid="account-tree"]')).toContain("Contoso Finance");
    expect(await page.textContent('[data-testid="table-empty"]')).toContain(en["table.emptyTitle"]);
    await shot(page, "main-light-en");

    await page.keyboard.press("Control+f");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("sidebar-filter");
    await page.keyboard.type("fabri");
    expect(await page.textContent('[data-testid="account-tree"]')).not.toContain("Contoso\n");
    expect(await page.locator('[data-testid="account-tree"] .tenant').count()).toBe(1);

    await page.locator("body").click({ position: { x: 600, y: 400 } });
    await page.keyboard.press("Escape");
    await page.waitForSelector('[data-testid="details-panel"]', { state: "detached" });
    await page.evaluate(() => window.__e2e!.emit("menuEvent", { action: "toggleDetails" }));
    await page.waitForSelector('[data-testid="details-panel"]');
  });

  it("looks right in Dutch and dark", async () => {
    const page = await open({ accounts: [ACCOUNT], settings: { language: "nl", theme: "dark" } });
    await page.waitForSelector('[data-testid="main-layout"]');
    expect(await page.getAttribute("html", "data-theme")).toBe("dark");
    expect(await page.textContent('[data-testid="table-empty"]')).toContain(nl["table.emptyTitle"]);
    await shot(page, "main-dark-nl");
  });

  it("a job progress event renders a progress row and cancel invokes cancel_job", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await page.waitForSelector('[data-testid="main-layout"]');
    const job: JobProgress = {
      id: "job-7",
      kind: "download",
      title: "Invoices 2026 — Contoso",
      phase: "running",
      done: 3,
      total: 10,
      bytesPerSecond: 1_250_000,
      error: null,
    };
    await page.evaluate((payload) => window.__e2e!.emit("jobProgressEvent", payload), job);
    const row = page.locator('[data-testid="job-row"][data-job-id="job-7"]');
    await row.waitFor();
    expect(await row.locator("progress").getAttribute("value")).toBe("3");
    expect(await row.locator("progress").getAttribute("max")).toBe("10");
    const text = (await row.textContent())?.replace(/\s+/g, " ");
    expect(text).toContain("3 of 10");
    expect(text).toContain("1.3 MB/s");
    expect(text).toContain(en["activity.phase.running"]);
    expect(await page.textContent('[data-testid="activity-status"]')).toContain("1 job running");
    await shot(page, "activity-running");

    await row.getByRole("button", { name: `Cancel “${job.title}”` }).click();
    await page.waitForSelector('[data-testid="job-row"][data-phase="cancelled"]');
    expect(await calls(page, "cancel_job")).toEqual([{ cmd: "cancel_job", args: { id: "job-7" } }]);
    expect(await row.locator('[data-testid="job-cancel"]').count()).toBe(0);
    expect((await page.textContent('[data-testid="activity-status"]'))?.trim()).toBe(
      "1 job ended: 1 cancelled.",
    );
    await shot(page, "activity-summary");
  });

  it("menu events open About and Settings", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await page.waitForSelector('[data-testid="main-layout"]');
    await page.evaluate(() => window.__e2e!.emit("menuEvent", { action: "about" }));
    const dialog = page.locator('[data-testid="about-dialog"]');
    await dialog.waitFor({ state: "visible" });
    await page.waitForSelector('[data-testid="about-version"]');
    expect(await page.textContent('[data-testid="about-version"]')).toContain("0.1.0-e2e");
    expect(await dialog.textContent()).toContain("/home/tester/.local/share/invoice-desk/logs");
    await shot(page, "about-dialog");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await page.evaluate(() => window.__e2e!.emit("menuEvent", { action: "settings" }));
    await page.waitForSelector('[data-testid="settings"]');
    await page.evaluate(() => window.__e2e!.emit("menuEvent", { action: "find" }));
    await page.waitForFunction(() => document.activeElement?.id === "sidebar-filter");
  });
});
