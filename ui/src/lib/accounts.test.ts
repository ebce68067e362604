import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { AccountSummary, AppError } from "./bindings";
import { AppState, tenantKey } from "./state.svelte";

const account: AccountSummary = {
  id: "a1",
  displayName: "Contoso Finance",
  username: "finance@contoso.com",
  cloud: "azurePublic",
  viaAzureCli: false,
  tenants: [],
};

const failure = (code: AppError["code"]): AppError => ({ code, message: code, hint: null, details: null });

afterEach(() => clearMocks());

describe("sign-in flow", () => {
  it("adds the account on success and leaves no error", async () => {
    mockIPC((cmd) => (cmd === "sign_in" ? account : null));
    const state = new AppState();
    const running = state.signIn("browser");
    expect(state.signInFlow).toEqual({ method: "browser", deviceCode: null });
    expect(await running).toEqual(account);
    expect(state.signInFlow).toBeNull();
    expect(state.accounts).toEqual([account]);
    expect(state.signInError).toBeNull();
  });

  it("a cancelled sign-in just ends; other failures are kept to show", async () => {
    let next: AppError = failure("sign_in_cancelled");
    mockIPC((cmd) => {
      if (cmd === "sign_in") throw next;
      return null;
    });
    const state = new AppState();
    expect(await state.signIn("deviceCode")).toBeNull();
    expect(state.signInError).toBeNull();
    next = failure("device_code_expired");
    expect(await state.signIn("deviceCode")).toBeNull();
    expect(state.signInError?.code).toBe("device_code_expired");
  });
});

describe("accounts", () => {
  it("losing the last account leaves Settings for Welcome", async () => {
    mockIPC(() => null);
    const state = new AppState();
    state.ready = true;
    state.setAccounts([account]);
    state.openSettings();
    expect(state.screen).toBe("settings");
    expect(await state.signOut("a1")).toBe(true);
    expect(state.accounts).toEqual([]);
    expect(state.screen).toBe("welcome");
  });

  it("opening Settings without accounts keeps it open when the (empty) list arrives", () => {
    const state = new AppState();
    state.ready = true;
    state.openSettings();
    state.setAccounts([]);
    expect(state.screen).toBe("settings");
  });
});

describe("directories", () => {
  const withTenants: AccountSummary = {
    ...account,
    id: "uid.HOME-T",
    tenants: [
      { id: "other", displayName: "Other", isHome: false, enabled: false, needsSignIn: false },
      { id: "home-t", displayName: "Home", isHome: true, enabled: true, needsSignIn: false },
      { id: "mfa", displayName: "MFA", isHome: false, enabled: true, needsSignIn: true },
    ],
  };
  const key = (tenantId: string) => tenantKey(withTenants.id, tenantId);

  it("a switch is pending with the value asked for, then takes the shell's answer", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    mockIPC(async (cmd, args) => {
      if (cmd !== "set_tenant_enabled") return null;
      await gate;
      const { tenantId, enabled } = args as { tenantId: string; enabled: boolean };
      return { ...withTenants, tenants: withTenants.tenants.map((t) => (t.id === tenantId ? { ...t, enabled, needsSignIn: true } : t)) };
    });
    const state = new AppState();
    state.setAccounts([withTenants]);
    const running = state.setTenantEnabled(withTenants.id, "other", true);
    expect(state.tenantPending[key("other")]).toBe(true);
    expect(await state.setTenantEnabled(withTenants.id, "other", true)).toBe(false);
    release();
    expect(await running).toBe(true);
    expect(state.tenantPending).toEqual({});
    expect(state.accounts[0].tenants[0]).toMatchObject({ enabled: true, needsSignIn: true });
  });

  it("a failed switch keeps the error for that directory", async () => {
    mockIPC((cmd) => {
      if (cmd === "set_tenant_enabled") throw failure("network");
      return null;
    });
    const state = new AppState();
    state.setAccounts([withTenants]);
    expect(await state.setTenantEnabled(withTenants.id, "other", true)).toBe(false);
    expect(state.tenantErrors[key("other")]?.code).toBe("network");
    expect(state.accounts[0].tenants[0].enabled).toBe(false);
  });

  it("sign in again runs for one directory; cancelled ends quietly, failures stay at that directory", async () => {
    let next: AppError | null = failure("sign_in_cancelled");
    mockIPC((cmd) => {
      if (cmd !== "sign_in_again") return null;
      if (next) throw next;
      return { ...withTenants, tenants: withTenants.tenants.map((t) => ({ ...t, needsSignIn: false })) };
    });
    const state = new AppState();
    state.setAccounts([withTenants]);
    const running = state.signInAgain(withTenants.id, "mfa");
    expect(state.isSigningInAgain(withTenants.id, "mfa")).toBe(true);
    expect(state.isSigningInAgain(withTenants.id, "home-t")).toBe(false);
    expect(await state.signIn("browser")).toBeNull();
    expect(await running).toBe(false);
    expect(state.signInAgainFor).toBeNull();
    expect(state.signInAgainErrors).toEqual({});

    next = failure("sign_in_failed");
    expect(await state.signInAgain(withTenants.id, "mfa")).toBe(false);
    expect(state.signInAgainErrors[key("mfa")]?.code).toBe("sign_in_failed");

    next = null;
    expect(await state.signInAgain(withTenants.id, "mfa")).toBe(true);
    expect(state.signInAgainErrors).toEqual({});
    expect(state.accounts[0].tenants[2].needsSignIn).toBe(false);
  });
});
