import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { AccountSummary, AppError } from "./bindings";
import { tenantKey } from "./accounts.svelte";
import { AppState } from "./state.svelte";

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
    const running = state.signin.signIn("browser");
    expect(state.signin.flow).toEqual({ method: "browser", deviceCode: null });
    expect(await running).toEqual(account);
    expect(state.signin.flow).toBeNull();
    expect(state.accounts.list).toEqual([account]);
    expect(state.signin.error).toBeNull();
  });

  it("a cancelled sign-in just ends; other failures are kept to show", async () => {
    let next: AppError = failure("sign_in_cancelled");
    mockIPC((cmd) => {
      if (cmd === "sign_in") throw next;
      return null;
    });
    const state = new AppState();
    expect(await state.signin.signIn("deviceCode")).toBeNull();
    expect(state.signin.error).toBeNull();
    next = failure("device_code_expired");
    expect(await state.signin.signIn("deviceCode")).toBeNull();
    expect(state.signin.error?.code).toBe("device_code_expired");
  });
});

describe("accounts", () => {
  it("losing the last account leaves Settings for Welcome", async () => {
    mockIPC(() => null);
    const state = new AppState();
    state.view.ready = true;
    state.accounts.set([account]);
    state.view.openSettings();
    expect(state.view.screen).toBe("settings");
    expect(await state.accounts.signOut("a1")).toBe(true);
    expect(state.accounts.list).toEqual([]);
    expect(state.view.screen).toBe("welcome");
  });

  it("opening Settings without accounts keeps it open when the (empty) list arrives", () => {
    const state = new AppState();
    state.view.ready = true;
    state.view.openSettings();
    state.accounts.set([]);
    expect(state.view.screen).toBe("settings");
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
    state.accounts.set([withTenants]);
    const running = state.accounts.setTenantEnabled(withTenants.id, "other", true);
    expect(state.accounts.tenantPending[key("other")]).toBe(true);
    expect(await state.accounts.setTenantEnabled(withTenants.id, "other", true)).toBe(false);
    release();
    expect(await running).toBe(true);
    expect(state.accounts.tenantPending).toEqual({});
    expect(state.accounts.list[0].tenants[0]).toMatchObject({ enabled: true, needsSignIn: true });
  });

  it("a failed switch keeps the error for that directory", async () => {
    mockIPC((cmd) => {
      if (cmd === "set_tenant_enabled") throw failure("network");
      return null;
    });
    const state = new AppState();
    state.accounts.set([withTenants]);
    expect(await state.accounts.setTenantEnabled(withTenants.id, "other", true)).toBe(false);
    expect(state.accounts.tenantErrors[key("other")]?.code).toBe("network");
    expect(state.accounts.list[0].tenants[0].enabled).toBe(false);
  });

  it("sign in again runs for one directory; cancelled ends quietly, failures stay at that directory", async () => {
    let next: AppError | null = failure("sign_in_cancelled");
    mockIPC((cmd) => {
      if (cmd !== "sign_in_again") return null;
      if (next) throw next;
      return { ...withTenants, tenants: withTenants.tenants.map((t) => ({ ...t, needsSignIn: false })) };
    });
    const state = new AppState();
    state.accounts.set([withTenants]);
    const running = state.signin.signInAgain(withTenants.id, "mfa");
    expect(state.signin.isSigningInAgain(withTenants.id, "mfa")).toBe(true);
    expect(state.signin.isSigningInAgain(withTenants.id, "home-t")).toBe(false);
    expect(await state.signin.signIn("browser")).toBeNull();
    expect(await running).toBe(false);
    expect(state.signin.againFor).toBeNull();
    expect(state.signin.againErrors).toEqual({});

    next = failure("sign_in_failed");
    expect(await state.signin.signInAgain(withTenants.id, "mfa")).toBe(false);
    expect(state.signin.againErrors[key("mfa")]?.code).toBe("sign_in_failed");

    next = null;
    expect(await state.signin.signInAgain(withTenants.id, "mfa")).toBe(true);
    expect(state.signin.againErrors).toEqual({});
    expect(state.accounts.list[0].tenants[2].needsSignIn).toBe(false);
  });
});
