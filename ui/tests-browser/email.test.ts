// Who receives the invoices by email, in headless Chromium against the e2e mock: a billing
// profile's delivery switch (off asks first), its recipients added and removed, and what a
// change answered shown; a pay-as-you-go subscription's portal-only steps and notification
// address. Needs `npm run build:e2e` first.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { AccountSummary } from "../src/lib/bindings";
import en from "../src/i18n/en.json";
import { contosoScopes } from "../src/e2e/fixtures";
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

async function selectScope(page: Page, id: string): Promise<void> {
  await page.click(`[data-testid="scope-row"][data-scope-id="${id}"]`);
  await page.waitForSelector('[data-testid="period-row"]');
}

/** The call arguments of every `cmd` so far. */
const argsOf = async (page: Page, cmd: string) => (await calls(page, cmd)).map((call) => call.args as Record<string, unknown>);

/** Contoso's scopes with the user an owner of the MCA billing profile, who may change its email. */
const ownerScopes = () =>
  contosoScopes("acc-1", "tenant-1").map((scope) =>
    scope.id === MCA_PROFILE
      ? {
          ...scope,
          roles: ["billing_profile_owner" as const],
          capabilities: {
            ...scope.capabilities,
            manageEmail: { state: "allowed" as const, allowed: true, reason: null, missingRole: null, grantedBy: null, policy: null, portalUrl: null },
          },
        }
      : scope,
  );

const recipients = (page: Page) =>
  page.$$eval('[data-testid="email-recipient"]', (rows) => rows.map((row) => (row as HTMLElement).dataset.address));

describe("invoice email of a billing profile", () => {
  it("adds and removes recipients, and switching off asks first and unsubscribes everyone", async () => {
    const page = await open({ accounts: [ACCOUNT], scopes: { "tenant-1": ownerScopes() }, emailDelayMs: 300 });
    await selectScope(page, MCA_PROFILE);
    await page.waitForSelector('[data-testid="email-state"][data-on="true"]');
    expect(await page.textContent('[data-testid="email-state"]')).toBe(en["email.on"]);

    await page.fill('[data-testid="email-add-input"]', "ap@contoso.com");
    await page.click('[data-testid="email-add"]');
    // While Azure applies it the controls wait and say so.
    await page.waitForSelector('[data-testid="email-saving"]');
    expect(await page.isDisabled('[data-testid="email-opt-in"]')).toBe(true);
    await page.waitForSelector('[data-testid="email-recipient"][data-address="ap@contoso.com"]');
    expect(await page.inputValue('[data-testid="email-add-input"]')).toBe("");
    await page.fill('[data-testid="email-add-input"]', "controller@contoso.com");
    await page.press('[data-testid="email-add-input"]', "Enter");
    await page.waitForSelector('[data-testid="email-recipient"][data-address="controller@contoso.com"]');
    await page.click('[data-testid="email-recipient"][data-address="ap@contoso.com"] [data-testid="email-remove"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="email-recipient"]').length === 1);
    expect(await recipients(page)).toEqual(["controller@contoso.com"]);
    await shot(page, "email-profile-recipients");

    // Off is confirmed first; cancelling changes nothing.
    await page.click('[data-testid="email-opt-in"]');
    await page.waitForSelector('[data-testid="confirm-dialog"]');
    expect(await page.textContent("#confirm-body")).toContain("unsubscribed");
    await page.click('[data-testid="confirm-cancel"]');
    expect(await page.isChecked('[data-testid="email-opt-in"]')).toBe(true);
    await page.click('[data-testid="email-opt-in"]');
    await page.click('[data-testid="email-confirm-off"]');
    await page.waitForSelector('[data-testid="email-state"][data-on="false"]');
    expect(await page.textContent('[data-testid="email-state"]')).toBe(en["email.off"]);
    expect(await recipients(page)).toEqual([]);
    const changes = (await argsOf(page, "change_billing_profile_email")).map((args) => args.change);
    expect(changes).toEqual([
      { optIn: null, add: ["ap@contoso.com"], remove: [] },
      { optIn: null, add: ["controller@contoso.com"], remove: [] },
      { optIn: null, add: [], remove: ["ap@contoso.com"] },
      { optIn: false, add: [], remove: [] },
    ]);
  });

  it("a pay-as-you-go subscription explains the portal's steps and opens its page", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await selectScope(page, SUB_PRODUCTION);
    await page.waitForSelector('[data-testid="subscription-email"] [data-testid="email-portal-only"]');
    expect(await page.textContent('[data-testid="email-portal-only"]')).toBe(en["email.mosp.portalOnly"]);
    await page.click('[data-testid="open-preferences"]');
    expect((await argsOf(page, "open_help")).map((args) => args.page)).toEqual(["communication_preferences"]);
  });

  it("a reader sees the settings with who may change them, and no controls", async () => {
    const page = await open({ accounts: [ACCOUNT] });
    await selectScope(page, MCA_PROFILE);
    await page.waitForSelector('[data-testid="email-read-only"]');
    expect(await page.isDisabled('[data-testid="email-opt-in"]')).toBe(true);
    expect(await page.$('[data-testid="email-add-input"]')).toBeNull();
    expect(await page.textContent('[data-testid="email-read-only"]')).toContain(en["email.readOnly"]);
    expect(await calls(page, "change_billing_profile_email")).toEqual([]);
    // Read once for the scope shown, not again and again.
    await page.waitForTimeout(300);
    expect((await calls(page, "billing_profile_email")).length).toBe(1);
  });
});
