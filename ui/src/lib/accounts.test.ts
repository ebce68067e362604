import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { AccountSummary, AppError } from "./bindings";
import { AppState } from "./state.svelte";

const account: AccountSummary = {
  id: "a1",
  displayName: "Contoso Finance",
  username: "finance@contoso.com",
  cloud: "azurePublic",
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
