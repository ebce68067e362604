import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import { i18n } from "../i18n/i18n.svelte";
import type { ScopeUsage, UsagePeriod } from "../lib/bindings";
import { saves } from "../lib/saves.svelte";
import SaveSummaryBanner from "./SaveSummaryBanner.svelte";

const september: UsagePeriod = { start: "2026-09-01", end: "2026-09-30", invoice: null, monthToDate: false };
const october: UsagePeriod = { start: "2026-10-01", end: "2026-10-31", invoice: null, monthToDate: false };
const august: UsagePeriod = { start: "2026-08-01", end: "2026-08-31", invoice: null, monthToDate: false };

const usageOf = (scopeName: string, extra: Partial<ScopeUsage["outcome"]>): ScopeUsage => ({
  scopeId: `/scopes/${scopeName}`,
  scopeName,
  jobId: `job-${scopeName}`,
  outcome: { folder: "/archive", files: [], noData: [], notFetched: [], alreadyThere: [], ...extra },
});

let component: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  document.body.innerHTML = "";
  saves.dismiss();
  i18n.lang = "en";
});

function render() {
  component = mount(SaveSummaryBanner, { target: document.body });
  flushSync();
  const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? null;
  return { text };
}

describe("Sync archive's summary with usage files", () => {
  it("counts the usage files a sync kept instead of saying there was nothing to save", () => {
    saves.summary = { folder: "/archive", saved: [], alreadyThere: [], keptBoth: [], failed: [], refused: [], cancelled: false };
    saves.usageSynced = [
      usageOf("Finance", {
        files: [{ period: october, path: "C/2026-10 Finance usage.csv", fullPath: "/archive/C/2026-10 Finance usage.csv", outcome: "saved", size: 10 }],
        alreadyThere: [september],
        noData: [august],
      }),
      usageOf("Research", {
        notFetched: [{ period: october, error: { code: "usage_too_old", message: "Azure keeps usage for 13 months.", hint: null, details: null } }],
      }),
    ];
    const { text } = render();
    expect(text("save-summary-text")).toBeNull();
    expect(text("usage-sync-summary")).toBe("Usage files — Saved: 1 · Already there: 1 · No usage: 1 · Not fetched: 1");
    const failure = document.querySelector('[data-testid="usage-sync-failure"]');
    expect(failure?.getAttribute("data-error-code")).toBe("usage_too_old");
    expect(failure?.textContent).toContain("Research");
    expect(document.querySelector('[data-testid="save-show-folder"]')).not.toBeNull();
  });

  it("says there was nothing to save when neither invoices nor usage files were kept", () => {
    saves.summary = { folder: "/archive", saved: [], alreadyThere: [], keptBoth: [], failed: [], refused: [], cancelled: false };
    const { text } = render();
    expect(text("save-summary-text")).toBe("There were no invoices to save in this range.");
    expect(text("usage-sync-summary")).toBeNull();
  });

  it("shows both lines in Dutch when invoices and usage files were saved", () => {
    i18n.lang = "nl";
    saves.summary = {
      folder: "/archive",
      saved: [{ invoice: "G1", documentKind: "Invoice", path: "/archive/C/G1.pdf" }],
      alreadyThere: [],
      keptBoth: [],
      failed: [],
      refused: [],
      cancelled: false,
    };
    saves.usageSynced = [usageOf("Finance", { alreadyThere: [september, october] })];
    const { text } = render();
    expect(text("save-summary-text")).toBe("Opgeslagen: 1 · Al aanwezig: 0 · Mislukt: 0");
    expect(text("usage-sync-summary")).toBe("Gebruiksbestanden — Opgeslagen: 0 · Al aanwezig: 2 · Geen gebruik: 0 · Niet opgehaald: 0");
  });

  it("names the invoices of the range that were left out, with Azure's reason, in English and Dutch", () => {
    saves.summary = {
      folder: "/downloads",
      saved: [{ invoice: "G1", documentKind: "Invoice", path: "/downloads/C/G1.pdf" }],
      alreadyThere: [],
      keptBoth: [],
      failed: [],
      refused: [
        { invoice: "E0916", refusal: "account_administrator_only_before_december_2016" },
        { invoice: "E1016", refusal: "account_administrator_only_before_december_2016" },
      ],
      cancelled: false,
    };
    const { text } = render();
    expect(text("save-summary-text")).toBe("Saved: 1 · Already there: 0 · Failed: 0");
    expect(document.querySelector('[data-testid="save-refused"] summary')?.textContent).toBe("Not allowed for you, so not saved: 2");
    const items = [...document.querySelectorAll('[data-testid="save-refused-invoice"]')];
    expect(items.map((item) => item.getAttribute("data-invoice"))).toEqual(["E0916", "E1016"]);
    expect(items[0]?.textContent).toContain("before December 2016");
    expect(document.querySelector('[data-testid="save-summary"]')?.getAttribute("data-failed")).toBe("0");
    i18n.lang = "nl";
    flushSync();
    expect(document.querySelector('[data-testid="save-refused"] summary')?.textContent).toBe("Niet toegestaan voor u, dus niet opgeslagen: 2");
    expect(items[0]?.textContent).toContain("december 2016");
  });

  it("does not say there was nothing to save when every invoice of the range was left out", () => {
    saves.summary = {
      folder: "/downloads",
      saved: [],
      alreadyThere: [],
      keptBoth: [],
      failed: [],
      refused: [{ invoice: "E0916", refusal: "account_administrator_only_before_december_2016" }],
      cancelled: false,
    };
    const { text } = render();
    expect(text("save-summary-text")).toBe("Saved: 0 · Already there: 0 · Failed: 0");
    expect(document.querySelector('[data-testid="save-refused-invoice"]')).not.toBeNull();
  });
});
