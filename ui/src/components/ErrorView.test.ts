import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/i18n.svelte";
import type { AppError } from "../lib/bindings";
import ErrorView from "./ErrorView.svelte";

const mounted: Array<ReturnType<typeof mount>> = [];

function render(props: { error: AppError; ondismiss?: () => void; tone?: "error" | "warning" }) {
  const target = document.createElement("div");
  document.body.append(target);
  mounted.push(mount(ErrorView, { target, props }));
  flushSync();
  const q = (testid: string) => target.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
  return { target, q };
}

afterEach(() => {
  mounted.splice(0).forEach((component) => unmount(component));
  document.body.innerHTML = "";
  i18n.lang = "en";
});

const signIn: AppError = {
  code: "sign_in_unavailable",
  message: "sign-in is not wired up yet",
  hint: "rust hint",
  details: "commands::sign_in returned early",
};

describe("ErrorView", () => {
  it("renders a known code from the catalogue, with hint and the raw words in details", () => {
    i18n.lang = "en";
    const { q, target } = render({ error: signIn });
    expect(q("error-view")?.getAttribute("role")).toBe("alert");
    expect(q("error-view")?.dataset.errorCode).toBe("sign_in_unavailable");
    expect(q("error-message")?.textContent).toBe("This way of signing in is not available in this version.");
    expect(q("error-hint")?.textContent).toContain("use a code on another device");
    const details = q("error-details") as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details.textContent).toContain("sign_in_unavailable");
    expect(details.textContent).toContain("commands::sign_in returned early");
    expect(details.textContent).toContain("sign-in is not wired up yet");
    expect(target.textContent).not.toContain("rust hint");
  });

  it("follows the UI language live", () => {
    i18n.lang = "en";
    const { q } = render({ error: signIn });
    i18n.lang = "nl";
    flushSync();
    expect(q("error-message")?.textContent).toBe("Deze manier van aanmelden is in deze versie niet beschikbaar.");
    expect(q("error-copy")?.textContent?.trim()).toBe("Kopiëren");
  });

  it("falls back to the message and hint from Rust for an unknown code", () => {
    const unknown = { code: "brand_new_code", message: "A new thing failed.", hint: "Do the new thing.", details: null } as unknown as AppError;
    const { q } = render({ error: unknown });
    expect(q("error-message")?.textContent).toBe("A new thing failed.");
    expect(q("error-hint")?.textContent).toBe("Do the new thing.");
    expect(q("error-details")?.querySelector("pre")).toBeNull();
  });

  it("shows no hint when there is none", () => {
    const unknown = { code: "other", message: "Plain.", hint: null, details: null } as unknown as AppError;
    const { q } = render({ error: unknown });
    expect(q("error-hint")).toBeNull();
  });

  it("copies code, sentence and details to the clipboard", async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const { q } = render({ error: signIn });
    q("error-copy")?.click();
    await vi.waitFor(() => expect(writeText).toHaveBeenCalledOnce());
    const copied = writeText.mock.calls[0][0] as string;
    expect(copied).toContain("sign_in_unavailable: This way of signing in is not available in this version.");
    expect(copied).toContain("commands::sign_in returned early");
    await vi.waitFor(() => expect(q("error-copy")?.textContent?.trim()).toBe("Copied"));
  });

  it("offers dismiss only when asked, and styles warnings apart", () => {
    const ondismiss = vi.fn();
    const { target } = render({ error: signIn, ondismiss, tone: "warning" });
    const view = target.querySelector<HTMLElement>('[data-testid="error-view"]');
    expect(view?.classList.contains("warning")).toBe(true);
    expect(view?.getAttribute("role")).toBe("status");
    target.querySelector<HTMLButtonElement>('button[aria-label="Dismiss"]')?.click();
    expect(ondismiss).toHaveBeenCalledOnce();
  });
});
