// The shell in headless Chromium, IPC answered by the in-page mock of the `e2e` build.
// Needs `npm run build:e2e` first; serves `dist-e2e` with `vite preview` on a free port.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { E2eInit } from "../src/e2e/mock";
import type { AccountSummary, AppError, JobProgress } from "../src/lib/bindings";
import en from "../src/i18n/en.json";
import nl from "../src/i18n/nl.json";
import { calls, shot, useHarness, type OpenOptions } from "./harness";

const ACCOUNT: AccountSummary = {
  id: "acc-1",
  displayName: "Contoso Finance",
  username: "finance@contoso.com",
  cloud: "azurePublic",
  viaAzureCli: false,
  tenants: [
    { id: "tenant-1", displayName: "Contoso", isHome: true, enabled: true, needsSignIn: false },
    { id: "tenant-2", displayName: "Fabrikam Labs", isHome: false, enabled: false, needsSignIn: false },
  ],
};

const { open, context, baseUrl } = useHarness({ viewport: { width: 1120, height: 700 } });

const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

async function openSettings(page: Page): Promise<void> {
  await page.click('[data-testid="settings-button"]');
  await page.waitForSelector('[data-testid="settings"]');
}

describe("loading", () => {
  it("speaks the user's language and theme while the keychain is slow to answer", async () => {
    const page = await open(
      { keychainDelayMs: 1500, settings: { language: "nl", theme: "dark" } },
      { pastLoading: false },
    );
    const status = page.locator('[data-screen="loading"] [role="status"]');
    await expect.poll(() => status.textContent()).toBe(nl["app.loading"]);
    expect(await page.getAttribute("html", "lang")).toBe("nl");
    expect(await page.getAttribute("html", "data-theme")).toBe("dark");
    await shot(page, "loading-slow-keychain-dark-nl");
    // Once the keychain answered, the screen the accounts call for.
    await page.waitForSelector('[data-testid="welcome"]');
    expect(await page.textContent("#welcome-heading")).toBe(nl["welcome.title"]);
  });
});

describe("welcome", () => {
  it("renders the welcome screen with the sign-in choices", async () => {
    const page = await open({ azureCliAvailable: true });
    expect(await page.textContent("#welcome-heading")).toBe(en["welcome.title"]);
    expect(await page.textContent("main")).toContain(en["welcome.tagline"]);
    expect((await page.textContent("#sign-in-browser"))?.trim()).toBe(en["welcome.signInBrowser"]);
    expect(await page.isVisible("#sign-in-device-code")).toBe(true);
    expect(await page.isVisible("#sign-in-azure-cli")).toBe(true);
    expect((await page.textContent('[data-testid="try-demo"]'))?.trim()).toBe(en["welcome.demo"]);
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.getAttribute("html", "data-theme")).toBe("light");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("welcome-heading");
    await shot(page, "welcome-light-en");
  });

  it("shows the translated sign_in_unavailable error after clicking sign-in", async () => {
    const page = await open({ azureCliAvailable: true });
    await page.click("#sign-in-browser");
    const error = page.locator('[data-testid="error-view"][data-error-code="sign_in_unavailable"]');
    await error.waitFor();
    expect(await error.locator('[data-testid="error-message"]').textContent()).toBe(en["errors.sign_in_unavailable.message"]);
    expect(await error.locator('[data-testid="error-hint"]').textContent()).toBe(en["errors.sign_in_unavailable.hint"]);
    expect(await calls(page, "sign_in")).toEqual([{ cmd: "sign_in", args: { method: "browser", cloud: "azurePublic" } }]);
    await page.click("#sign-in-device-code");
    await page.click("#sign-in-azure-cli");
    expect((await calls(page, "sign_in")).map((call) => (call.args as { method: string }).method)).toEqual([
      "browser",
      "deviceCode",
      "azureCli",
    ]);
    await shot(page, "welcome-sign-in-error");

    // A national cloud picked under "More options" goes with the next sign-in.
    await page.click("details.more summary");
    await page.selectOption('[data-testid="sign-in-cloud"]', "azureChina");
    await page.click("#sign-in-browser");
    const last = (await calls(page, "sign_in")).at(-1);
    expect(last?.args).toEqual({ method: "browser", cloud: "azureChina" });
  });

  it("follows a Dutch OS language and always offers the demo", async () => {
    const page = await open({}, { locale: "nl-NL" });
    expect(await page.getAttribute("html", "lang")).toBe("nl");
    expect((await page.textContent("#sign-in-browser"))?.trim()).toBe(nl["welcome.signInBrowser"]);
    expect((await page.textContent('[data-testid="try-demo"]'))?.trim()).toBe(nl["welcome.demo"]);
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
    expect(await page.textContent('[data-testid="template-preview"]')).toBe("Contoso Ltd/2026-09 G012345678.pdf");
    expect(await page.textContent("#file-name-template-hint")).toContain("{documentKind}");
    await page.fill('[data-testid="file-name-template"]', "{yyyy}-{mm} {invoiceName}");
    await page.waitForFunction(() => document.querySelector('[data-testid="template-preview"]')?.textContent === "2026-09 G012345678.pdf");
    // A template that cannot name files says why instead of showing a name it would never use.
    await page.fill('[data-testid="file-name-template"]', "{yyyy}-{mm} {invoiceName} {oops}");
    await page.waitForSelector('[data-testid="template-unknown"]');
    expect(await page.textContent('[data-testid="template-preview"]')).toBe("—");
    expect(await page.textContent('[data-testid="template-unknown"]')).toContain("{oops}");
    expect((await calls(page, "preview_file_name")).length).toBeGreaterThan(0);
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

  it("keeps the archive in its own chosen folder and switches sync at start on", async () => {
    const page = await open({ folder: "/srv/archief" });
    await openSettings(page);
    expect(await page.getAttribute('[data-testid="archive-folder"]', "placeholder")).toBe(en["settings.archiveFolderPlaceholder"]);
    await page.click('[data-testid="choose-archive-folder"]');
    await page.waitForFunction(() => (document.querySelector('[data-testid="archive-folder"]') as HTMLInputElement).value === "/srv/archief");
    expect((await calls(page, "choose_folder")).at(-1)?.args).toEqual({ current: null });
    await page.check('[data-testid="sync-at-start"]');
    await page.waitForFunction(() => window.__e2e!.settings().syncAtStart === true);
    const stored = await page.evaluate(() => window.__e2e!.settings());
    expect(stored.archiveFolder).toBe("/srv/archief");
    expect(stored.downloadFolder).toBeNull();
    await page.locator('[data-testid="sync-at-start"]').scrollIntoViewIfNeeded();
    await shot(page, "settings-archive-en");
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
    await page.waitForSelector('[data-testid="scope-row"]');
    expect(await page.textContent('[data-testid="table-empty"]')).toContain(en["table.chooseTitle"]);
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
    await page.waitForSelector('[data-testid="scope-row"]');
    expect(await page.textContent('[data-testid="table-empty"]')).toContain(nl["table.chooseTitle"]);
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
      stage: null,
      startedAt: new Date().toISOString(),
      retry: null,
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

const SECOND: AccountSummary = {
  id: "acc-2",
  displayName: "Fabrikam Billing",
  username: "billing@fabrikam.example",
  cloud: "azureUsGov",
  viaAzureCli: false,
  tenants: [
    { id: "tenant-3", displayName: "Fabrikam", isHome: true, enabled: true, needsSignIn: false },
    { id: "tenant-4", displayName: "Fabrikam EU", isHome: false, enabled: true, needsSignIn: true },
  ],
};

const KEYCHAIN_WARNING: AppError = {
  code: "keychain_unavailable",
  message: "no Secret Service provider on the session bus",
  hint: null,
  details: "org.freedesktop.DBus.Error.ServiceUnknown",
};

const DEVICE_CODE = {
  userCode: "FQK4-7MZP",
  verificationUri: "https://microsoft.com/devicelogin",
  message: "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code FQK4-7MZP.",
};

describe("sign-in and accounts", () => {
  it("a browser sign-in waits calmly, then shows the main layout with the account", async () => {
    const page = await open({ signIn: { account: ACCOUNT } });
    await page.click("#sign-in-browser");
    const waiting = page.locator('[data-testid="sign-in-waiting"]');
    await waiting.waitFor();
    expect(await waiting.textContent()).toContain(en["signIn.waiting.browser"]);
    expect(await page.isDisabled("#sign-in-browser")).toBe(true);
    expect(await page.isDisabled("#sign-in-device-code")).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("sign-in-cancel");
    expect(await calls(page, "sign_in")).toEqual([{ cmd: "sign_in", args: { method: "browser", cloud: "azurePublic" } }]);
    await shot(page, "sign-in-waiting-light-en");

    await page.evaluate(() => window.__e2e!.finishSignIn());
    await page.waitForSelector('[data-testid="main-layout"]');
    const row = page.locator('[data-testid="account-row"][data-account-id="acc-1"]');
    expect(await row.textContent()).toContain("finance@contoso.com");
    expect(await row.isVisible()).toBe(true);
    expect(await page.$('[data-testid="error-view"]')).toBeNull();
  });

  it("cancel returns to the sign-in buttons without an error", async () => {
    const page = await open({ signIn: { account: ACCOUNT } });
    await page.click("#sign-in-browser");
    await page.waitForSelector('[data-testid="sign-in-waiting"]');
    await page.click('[data-testid="sign-in-cancel"]');
    await page.waitForSelector('[data-testid="sign-in-waiting"]', { state: "detached" });
    expect(await calls(page, "cancel_sign_in")).toHaveLength(1);
    expect(await page.isEnabled("#sign-in-browser")).toBe(true);
    expect(await page.$('[data-testid="error-view"]')).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("sign-in-browser");
    expect(await page.getAttribute(".screen", "data-screen")).toBe("welcome");
    // Esc cancels too.
    await page.click("#sign-in-device-code");
    await page.waitForSelector('[data-testid="sign-in-waiting"]');
    await page.keyboard.press("Escape");
    await page.waitForSelector('[data-testid="sign-in-waiting"]', { state: "detached" });
    expect(await calls(page, "cancel_sign_in")).toHaveLength(2);
    expect(await page.$('[data-testid="error-view"]')).toBeNull();
  });

  it("a failed sign-in shows the translated error", async () => {
    const error: AppError = { code: "sign_in_timed_out", message: "no redirect within 300 s", hint: null, details: null };
    const page = await open({ signIn: { error } });
    await page.click("#sign-in-browser");
    await page.waitForSelector('[data-testid="sign-in-waiting"]');
    await page.evaluate(() => window.__e2e!.finishSignIn());
    const view = page.locator('[data-testid="error-view"][data-error-code="sign_in_timed_out"]');
    await view.waitFor();
    expect(await view.locator('[data-testid="error-message"]').textContent()).toBe(en["errors.sign_in_timed_out.message"]);
    expect(await page.isEnabled("#sign-in-browser")).toBe(true);
  });

  it("device code shows the code and the address as text, and copies the code", async () => {
    const page = await open({ signIn: { deviceCode: DEVICE_CODE, account: ACCOUNT } });
    await context()!.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl() });
    await page.click("#sign-in-device-code");
    const code = page.locator('[data-testid="device-code"]');
    await code.waitFor();
    expect(await code.textContent()).toBe("FQK4-7MZP");
    const waiting = page.locator('[data-testid="sign-in-waiting"]');
    expect(await waiting.textContent()).toContain("https://microsoft.com/devicelogin");
    expect(await waiting.textContent()).toContain(en["signIn.deviceCode.expires"]);
    expect(await page.locator("a").count()).toBe(0);
    await shot(page, "sign-in-device-code-light-en");
    await page.click('[data-testid="copy-device-code"]');
    await page.waitForFunction((copied) => document.querySelector('[data-testid="copy-device-code"]')?.textContent?.includes(copied), en["signIn.deviceCode.copied"]);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("FQK4-7MZP");
    await page.evaluate(() => window.__e2e!.finishSignIn());
    await page.waitForSelector('[data-testid="main-layout"]');
  });

  it("device code looks right in Dutch and dark", async () => {
    const page = await open({ signIn: { deviceCode: DEVICE_CODE, account: ACCOUNT }, settings: { language: "nl", theme: "dark" } });
    await page.click("#sign-in-device-code");
    await page.waitForSelector('[data-testid="device-code"]');
    expect(await page.textContent('[data-testid="sign-in-waiting"]')).toContain(nl["signIn.deviceCode.copy"]);
    await shot(page, "sign-in-device-code-dark-nl");
  });

  it("hides the Azure CLI choice when az is not installed", async () => {
    const page = await open({ azureCliAvailable: false });
    expect(await page.isVisible("#sign-in-browser")).toBe(true);
    expect(await page.$("#sign-in-azure-cli")).toBeNull();
  });

  it("a tenant that needs a new sign-in shows the badge in the sidebar", async () => {
    const page = await open({ accounts: [ACCOUNT, SECOND] });
    await page.waitForSelector('[data-testid="main-layout"]');
    const badge = page.locator('[data-testid="tenant-row"][data-tenant-id="tenant-4"] [data-testid="tenant-sign-in-again"]');
    expect((await badge.textContent())?.trim()).toBe(en["sidebar.needsSignIn"]);
    expect(await badge.getAttribute("title")).toBe(en["sidebar.needsSignInHint"]);
    expect(await badge.getAttribute("data-place")).toBe("sidebar");
    expect(await page.locator('[data-testid="tenant-sign-in-again"]').count()).toBe(1);
    expect(await page.getAttribute('[data-testid="tenant-row"][data-tenant-id="tenant-4"]', "data-needs-sign-in")).toBe("true");
    expect(await page.getAttribute('[data-testid="tenant-row"][data-tenant-id="tenant-3"]', "data-needs-sign-in")).toBe("false");
    expect(await page.textContent('[data-testid="account-row"][data-account-id="acc-2"]')).toContain("billing@fabrikam.example");
    await shot(page, "sidebar-needs-sign-in-light-en");
  });

  it("the sign-in-again badge and the accounts look right in Dutch and dark", async () => {
    const page = await open({ accounts: [ACCOUNT, SECOND], settings: { language: "nl", theme: "dark" } });
    await page.waitForSelector('[data-testid="main-layout"]');
    expect((await page.textContent('[data-testid="tenant-sign-in-again"]'))?.trim()).toBe(nl["sidebar.needsSignIn"]);
    await shot(page, "sidebar-needs-sign-in-dark-nl");
    await openSettings(page);
    await page.click('[data-testid="remove-all-accounts"]');
    await page.waitForSelector('[data-testid="confirm-dialog"]', { state: "visible" });
    expect(await page.textContent('[data-testid="confirm-remove-all"]')).toBe(nl["settings.removeAllConfirm"]);
    await shot(page, "settings-remove-all-confirm-dark-nl");
  });

  it("accounts-changed switches between welcome and the main layout", async () => {
    const page = await open();
    await page.evaluate((account) => window.__e2e!.setAccounts([account]), ACCOUNT);
    await page.waitForSelector('[data-testid="main-layout"]');
    await page.evaluate(() => window.__e2e!.setAccounts([]));
    await page.waitForSelector('[data-testid="welcome"]');
  });

  it("settings lists the accounts; sign out of the last one returns to welcome", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await page.waitForSelector('[data-testid="main-layout"]');
    await openSettings(page);
    const section = page.locator('[data-testid="settings-accounts"]');
    const text = await section.textContent();
    expect(text).toContain("Contoso Finance");
    expect(text).toContain("finance@contoso.com");
    expect(text).toContain(en["cloud.azurePublic"]);
    expect(text).toContain(en["settings.keychainRemembered"]);
    await shot(page, "settings-accounts-light-en");
    await page.click('[data-testid="sign-out"][data-account-id="acc-1"]');
    await page.waitForSelector('[data-testid="welcome"]');
    expect(await calls(page, "sign_out")).toEqual([{ cmd: "sign_out", args: { accountId: "acc-1" } }]);
  });

  it("remove all accounts asks first; Cancel and Esc keep them, confirming removes them", async () => {
    const page = await open({ accounts: [ACCOUNT, SECOND] });
    await page.waitForSelector('[data-testid="main-layout"]');
    await openSettings(page);
    await page.click('[data-testid="remove-all-accounts"]');
    const dialog = page.locator('[data-testid="confirm-dialog"]');
    await dialog.waitFor({ state: "visible" });
    expect(await dialog.textContent()).toContain("all 2 accounts");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("confirm-cancel");
    await shot(page, "settings-remove-all-confirm-light-en");
    await dialog.locator('[data-testid="confirm-cancel"]').click();
    await dialog.waitFor({ state: "hidden" });
    expect(await calls(page, "remove_all_accounts")).toEqual([]);
    expect(await page.locator('[data-testid="sign-out"]').count()).toBe(2);

    await page.click('[data-testid="remove-all-accounts"]');
    await dialog.waitFor({ state: "visible" });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await page.getAttribute(".screen", "data-screen")).toBe("settings");
    expect(await calls(page, "remove_all_accounts")).toEqual([]);

    await page.click('[data-testid="remove-all-accounts"]');
    await page.click('[data-testid="confirm-remove-all"]');
    await page.waitForSelector('[data-testid="welcome"]');
    expect(await calls(page, "remove_all_accounts")).toHaveLength(1);
    expect(await page.evaluate(() => window.__e2e!.accounts())).toEqual([]);
  });

  it("add account from settings signs in another account in place", async () => {
    const page = await open({ accounts: [ACCOUNT], signIn: { account: SECOND }, settings: { language: "nl", theme: "dark" } });
    await page.waitForSelector('[data-testid="main-layout"]');
    await openSettings(page);
    await page.click('[data-testid="add-account"]');
    await page.click("#sign-in-browser");
    await page.waitForSelector('[data-testid="sign-in-waiting"]');
    expect(await page.textContent('[data-testid="sign-in-waiting"]')).toContain(nl["signIn.waiting.browser"]);
    await shot(page, "settings-add-account-dark-nl");
    await page.evaluate(() => window.__e2e!.finishSignIn());
    await page.waitForSelector('[data-testid="sign-out"][data-account-id="acc-2"]');
    expect(await page.$('[data-testid="add-account-panel"]')).toBeNull();
    expect(await page.getAttribute(".screen", "data-screen")).toBe("settings");
    await shot(page, "settings-accounts-dark-nl");
  });

  it("a missing keychain shows a notice at start and a warning in settings", async () => {
    const page = await open({ accounts: [ACCOUNT], keychain: { remembered: false, warning: KEYCHAIN_WARNING } });
    const notice = page.locator('[data-testid="notices"] [data-testid="keychain-warning"]');
    await notice.waitFor();
    expect(await notice.locator('[data-testid="error-message"]').textContent()).toBe(en["errors.keychain_unavailable.message"]);
    await shot(page, "keychain-warning-notice-light-en");
    await notice.getByRole("button", { name: en["error.dismiss"] }).click();
    await notice.waitFor({ state: "detached" });
    await openSettings(page);
    const warning = page.locator('[data-testid="settings-accounts"] [data-testid="keychain-warning"]');
    await warning.waitFor();
    expect(await warning.locator('[data-testid="error-hint"]').textContent()).toBe(en["errors.keychain_unavailable.hint"]);
    expect(await page.textContent('[data-testid="settings-accounts"]')).not.toContain(en["settings.keychainRemembered"]);
    await shot(page, "settings-keychain-warning-light-en");
  });
});

describe("directories", () => {
  const HOME_ONLY: AccountSummary = {
    ...ACCOUNT,
    tenants: [
      { id: "tenant-1", displayName: "Contoso", isHome: true, enabled: true, needsSignIn: false },
      { id: "tenant-2", displayName: "Fabrikam Labs", isHome: false, enabled: false, needsSignIn: false },
      { id: "tenant-5", displayName: "Northwind Traders", isHome: false, enabled: false, needsSignIn: false },
    ],
  };
  const toggle = (tenantId: string) => `[data-testid="tenant-toggle"][data-account-id="acc-1"][data-tenant-id="${tenantId}"]`;
  const sidebarRow = (tenantId: string) => `[data-testid="tenant-row"][data-tenant-id="${tenantId}"]`;
  const again = (place: string, tenantId: string) =>
    `[data-testid="tenant-sign-in-again"][data-place="${place}"][data-tenant-id="${tenantId}"]`;

  /** A screenshot with `selector` scrolled into the middle of the Settings page. */
  async function shotAt(page: Page, selector: string, name: string): Promise<void> {
    await page.locator(selector).first().evaluate((element) => element.scrollIntoView({ block: "center" }));
    await shot(page, name);
  }

  async function openDirectories(init: E2eInit, options: OpenOptions = {}): Promise<Page> {
    const page = await open({ accounts: [HOME_ONLY], ...init }, options);
    await page.waitForSelector('[data-testid="main-layout"]');
    await openSettings(page);
    await page.waitForSelector(toggle("tenant-1"));
    return page;
  }

  it("lists each account's directories; the home one is on and cannot be turned off", async () => {
    const page = await openDirectories({});
    const home = page.locator(toggle("tenant-1"));
    expect(await home.isChecked()).toBe(true);
    expect(await home.isDisabled()).toBe(true);
    expect(await home.getAttribute("type")).toBe("checkbox");
    expect(await page.textContent('[data-testid="tenant-home"][data-tenant-id="tenant-1"]')).toBe(en["settings.homeDirectory"]);
    expect(await page.locator(toggle("tenant-2")).isChecked()).toBe(false);
    expect(await page.locator(toggle("tenant-2")).isDisabled()).toBe(false);
    // Labelled with the directory's name.
    await page.getByLabel("Northwind Traders", { exact: true }).waitFor();
    expect(await page.getByLabel("Northwind Traders", { exact: true }).getAttribute("data-tenant-id")).toBe("tenant-5");
    await shotAt(page, toggle("tenant-1"), "settings-directories-light-en");
  });

  it("turning a directory on calls the command, shows it busy, and updates the row and the sidebar", async () => {
    const page = await openDirectories({ tenantDelayMs: 300 });
    await page.click(toggle("tenant-2"));
    await page.waitForSelector('[data-testid="tenant-busy"][data-tenant-id="tenant-2"]');
    expect(await page.locator(toggle("tenant-2")).isDisabled()).toBe(true);
    await page.waitForSelector('[data-testid="settings-tenant"][data-tenant-id="tenant-2"][data-enabled="true"]');
    expect(await page.$('[data-testid="tenant-busy"]')).toBeNull();
    expect(await page.locator(toggle("tenant-2")).isChecked()).toBe(true);
    expect(await calls(page, "set_tenant_enabled")).toEqual([
      { cmd: "set_tenant_enabled", args: { accountId: "acc-1", tenantId: "tenant-2", enabled: true } },
    ]);
    expect(await page.$('[data-testid="tenant-sign-in-again"]')).toBeNull();

    await page.click(toggle("tenant-2"));
    await page.waitForSelector('[data-testid="settings-tenant"][data-tenant-id="tenant-2"][data-enabled="false"]');
    expect((await calls(page, "set_tenant_enabled")).map((call) => (call.args as { enabled: boolean }).enabled)).toEqual([true, false]);

    await page.click('[data-testid="settings-back"]');
    await page.waitForSelector('[data-testid="main-layout"]');
    expect(await page.getAttribute(sidebarRow("tenant-2"), "class")).toContain("disabled");
    expect(await page.textContent(`${sidebarRow("tenant-2")} [data-testid="tenant-off"]`)).toBe(en["sidebar.tenantDisabled"]);
    expect(await page.getAttribute(sidebarRow("tenant-1"), "class")).not.toContain("disabled");
  });

  it("a failed switch shows the error on that row and puts the switch back", async () => {
    const page = await openDirectories({ failNext: { set_tenant_enabled: { code: "network", message: "offline", hint: null, details: null } } });
    await page.click(toggle("tenant-5"));
    const error = page.locator('[data-testid="tenant-toggle-error"][data-tenant-id="tenant-5"] [data-testid="error-view"]');
    await error.waitFor();
    expect(await error.getAttribute("data-error-code")).toBe("network");
    expect(await page.locator(toggle("tenant-5")).isChecked()).toBe(false);
    await shotAt(page, '[data-testid="tenant-toggle-error"]', "settings-directory-error-light-en");
  });

  it("a directory needing sign-in when turned on gets Sign in again in Settings and the sidebar, alone", async () => {
    const page = await openDirectories({ needsSignInWhenEnabled: ["tenant-5"] });
    await page.click(toggle("tenant-2"));
    await page.waitForSelector('[data-testid="settings-tenant"][data-tenant-id="tenant-2"][data-enabled="true"]');
    await page.click(toggle("tenant-5"));
    await page.waitForSelector(again("settings", "tenant-5"));
    expect(await page.locator('[data-testid="tenant-sign-in-again"]').count()).toBe(1);
    expect(await calls(page, "sign_in_again")).toEqual([]);
    expect((await page.textContent(again("settings", "tenant-5")))?.trim()).toBe(en["sidebar.needsSignIn"]);
    await shotAt(page, again("settings", "tenant-5"), "settings-directory-needs-sign-in-light-en");
    await page.click('[data-testid="settings-back"]');
    await page.waitForSelector(again("sidebar", "tenant-5"));
    expect(await page.getAttribute(sidebarRow("tenant-5"), "data-needs-sign-in")).toBe("true");
    expect(await page.getAttribute(sidebarRow("tenant-2"), "data-needs-sign-in")).toBe("false");
  });

  it("Sign in again in the sidebar waits for the browser; on finish the badge goes away", async () => {
    const page = await open({ accounts: [ACCOUNT, SECOND] });
    await page.waitForSelector('[data-testid="main-layout"]');
    await page.click(again("sidebar", "tenant-4"));
    const waiting = page.locator('[data-testid="tenant-sign-in-waiting"][data-tenant-id="tenant-4"][data-place="sidebar"]');
    await waiting.waitFor();
    expect(await waiting.textContent()).toContain(en["signIn.waiting.browser"]);
    expect(await calls(page, "sign_in_again")).toEqual([{ cmd: "sign_in_again", args: { accountId: "acc-2", tenantId: "tenant-4" } }]);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("tenant-sign-in-cancel");
    await shot(page, "sidebar-sign-in-again-waiting-light-en");
    expect(await page.evaluate(() => window.__e2e!.finishSignIn())).toBe(true);
    await page.waitForSelector(`${sidebarRow("tenant-4")}[data-needs-sign-in="false"]`);
    expect(await page.$('[data-testid="tenant-sign-in-again"]')).toBeNull();
    expect(await page.$('[data-testid="tenant-sign-in-waiting"]')).toBeNull();
    expect(await page.$('[data-testid="error-view"]')).toBeNull();
  });

  it("cancelling Sign in again in Settings resets the row without an error", async () => {
    const page = await open({ accounts: [ACCOUNT, SECOND] });
    await page.waitForSelector('[data-testid="main-layout"]');
    await openSettings(page);
    await page.click(again("settings", "tenant-4"));
    const waiting = page.locator('[data-testid="tenant-sign-in-waiting"][data-place="settings"]');
    await waiting.waitFor();
    await shotAt(page, '[data-testid="tenant-sign-in-waiting"]', "settings-sign-in-again-waiting-light-en");
    await page.click('[data-testid="tenant-sign-in-cancel"][data-place="settings"]');
    await page.waitForSelector(again("settings", "tenant-4"));
    expect(await page.$('[data-testid="tenant-sign-in-waiting"]')).toBeNull();
    expect(await page.$('[data-testid="error-view"]')).toBeNull();
    expect(await calls(page, "cancel_sign_in")).toHaveLength(1);
    expect(await page.evaluate(() => window.__e2e!.signInPending())).toBe(false);
  });

  it("a failed Sign in again shows the error at that directory and keeps the button", async () => {
    const page = await open({ accounts: [ACCOUNT, SECOND] });
    await page.waitForSelector('[data-testid="main-layout"]');
    await page.click(again("sidebar", "tenant-4"));
    await page.waitForSelector('[data-testid="tenant-sign-in-waiting"]');
    const failure: AppError = { code: "sign_in_failed", message: "AADSTS50076", hint: null, details: "trace id 123" };
    await page.evaluate((error) => window.__e2e!.finishSignIn({ error }), failure);
    const error = page.locator('[data-testid="tenant-sign-in-error"][data-place="sidebar"] [data-testid="error-view"]');
    await error.waitFor();
    expect(await error.getAttribute("data-error-code")).toBe("sign_in_failed");
    expect(await page.isVisible(again("sidebar", "tenant-4"))).toBe(true);
    await shot(page, "sidebar-sign-in-again-error-light-en");
  });

  it("the new states look right in Dutch and dark", async () => {
    const page = await open({ accounts: [ACCOUNT, SECOND], settings: { language: "nl", theme: "dark" } });
    await page.waitForSelector('[data-testid="main-layout"]');
    await page.click(again("sidebar", "tenant-4"));
    const waiting = page.locator('[data-testid="tenant-sign-in-waiting"][data-place="sidebar"]');
    await waiting.waitFor();
    expect(await waiting.textContent()).toContain(nl["signIn.waiting.browser"]);
    await shot(page, "sidebar-sign-in-again-waiting-dark-nl");
    await openSettings(page);
    await page.waitForSelector('[data-testid="tenant-sign-in-waiting"][data-place="settings"]');
    expect(await page.textContent('[data-testid="settings-accounts"]')).toContain(nl["settings.directories"]);
    await shotAt(page, '[data-testid="tenant-sign-in-waiting"]', "settings-sign-in-again-waiting-dark-nl");
    await page.click('[data-testid="tenant-sign-in-cancel"][data-place="settings"]');
    await page.waitForSelector(again("settings", "tenant-4"));
    expect(await page.textContent('[data-testid="tenant-home"][data-tenant-id="tenant-3"]')).toBe(nl["settings.homeDirectory"]);
    await shotAt(page, again("settings", "tenant-4"), "settings-directories-dark-nl");
  });

  it("the directories look right in English and dark, and in Dutch and light", async () => {
    const dark = await openDirectories({ accounts: [HOME_ONLY, SECOND] }, { colorScheme: "dark" });
    await shotAt(dark, '[data-testid="settings-account"][data-account-id="acc-2"]', "settings-directories-dark-en");
    await context()?.close();
    const page = await open({ accounts: [ACCOUNT, SECOND], settings: { language: "nl" } });
    await page.waitForSelector('[data-testid="main-layout"]');
    await shot(page, "sidebar-directories-light-nl");
    await openSettings(page);
    await page.waitForSelector(again("settings", "tenant-4"));
    await shotAt(page, again("settings", "tenant-4"), "settings-directories-light-nl");
  });
});
