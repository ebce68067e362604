import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PeriodView, ReasonView, SavedDocument, Share, UsageGlance } from "./bindings";

// The generated command answers a Result, as tauri-specta's wrapper does.
const usageAtAGlance = vi.fn();
vi.mock("./bindings", () => ({ commands: { usageAtAGlance: (...args: unknown[]) => usageAtAGlance(...args) }, events: {}, DEFAULT_SETTINGS: {} }));
const ok = (data: unknown) => ({ status: "ok", data });
const failed = (code: string) => ({ status: "error", error: { code, message: code, hint: null, details: null } });

const { GlanceState, barRatio, checkedInvoice, topShares, usageFileOf } = await import("./glance.svelte");
const { addDecimals } = await import("./decimal");

const reason: ReasonView = { code: "available", portalUrl: null, subscriptionCreated: null, expectedOn: null, missingRole: null, grantedBy: null, recipient: null, signals: [], facts: [] };
const period = (patch: Partial<PeriodView>): PeriodView => ({
  start: "2026-09-01",
  end: "2026-09-30",
  name: null,
  invoices: [],
  reason,
  expectedInvoiceDate: "2026-10-05",
  usage: { kind: "invoice", invoice: "G1" },
  usageKey: "G1",
  ...patch,
});
const saved: SavedDocument[] = [
  { invoice: "G1", documentKind: "Invoice", path: "/d/G1.pdf" },
  { invoice: "G1", documentKind: "Usage", path: "/d/2026-09 usage.csv" },
  { invoice: "2026-08-05..2026-09-04", documentKind: "Usage", path: "/d/2026-08 usage.csv" },
];
const share = (name: string, cost: string): Share => ({ name, cost, rows: 1 });
const GLANCE = { summary: { total: "10.00" }, check: null } as unknown as UsageGlance;

beforeEach(() => usageAtAGlance.mockReset());

describe("a period's usage file", () => {
  it("is the saved document of kind Usage under the period's usage key, not its invoice's PDF", () => {
    expect(usageFileOf(saved, period({}))?.path).toBe("/d/2026-09 usage.csv");
    const days = period({ usage: { kind: "days", start: "2026-08-05", end: "2026-09-04" }, usageKey: "2026-08-05..2026-09-04" });
    expect(usageFileOf(saved, days)?.path).toBe("/d/2026-08 usage.csv");
  });

  it("is none when the period has no usage key or nothing is saved under it", () => {
    expect(usageFileOf(saved, period({ usage: null, usageKey: null }))).toBeNull();
    expect(usageFileOf(saved, period({ usageKey: "G2" }))).toBeNull();
    expect(usageFileOf(undefined, period({}))).toBeNull();
  });

  it("is checked against the invoice its usage was asked for, and only then", () => {
    expect(checkedInvoice(period({}))).toBe("G1");
    expect(checkedInvoice(period({ usage: { kind: "days", start: "2026-08-05", end: "2026-09-04" } }))).toBeNull();
    expect(checkedInvoice(period({ usage: { kind: "months", from: "2026-09", to: "2026-09" } }))).toBeNull();
  });
});

describe("shares at a glance", () => {
  it("shows the first few and adds the rest up exactly as other", () => {
    const shares = ["0.10", "0.20", "0.30", "0.40", "0.50", "0.60", "0.70"].map((cost, index) => share(`s${index}`, cost));
    const { shown, other } = topShares(shares, 5);
    expect(shown.map((one) => one.name)).toEqual(["s0", "s1", "s2", "s3", "s4"]);
    expect(other).toEqual({ cost: "1.30", count: 2 });
  });

  it("shows one left over rather than an other of one", () => {
    const shares = ["3", "2", "1"].map((cost, index) => share(`s${index}`, cost));
    expect(topShares(shares, 2)).toEqual({ shown: shares, other: null });
  });

  it("draws a bar as a share of the largest, never below nothing or above all", () => {
    expect(barRatio("50", 200)).toBe(0.25);
    expect(barRatio("-5", 200)).toBe(0);
    expect(barRatio("5", 0)).toBe(0);
    expect(barRatio("500", 200)).toBe(1);
  });

  it("adds decimal strings without float error", () => {
    expect(addDecimals(["0.1", "0.2"])).toBe("0.3");
    expect(addDecimals(["1824.55", "-0.05", "12"])).toBe("1836.50");
    expect(addDecimals(["-0.10", "0.10"])).toBe("0.00");
  });
});

describe("the glance of a file", () => {
  it("is asked for once per file and invoice, loading until the shell answers", async () => {
    let answer: (value: unknown) => void = () => {};
    usageAtAGlance.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    const state = new GlanceState();
    const first = state.load("/p", "/d/u.csv", "G1");
    expect(state.of("/d/u.csv", "G1")).toEqual({ status: "loading" });
    void state.load("/p", "/d/u.csv", "G1");
    answer(ok(GLANCE));
    await first;
    await state.load("/p", "/d/u.csv", "G1");
    expect(usageAtAGlance).toHaveBeenCalledTimes(1);
    expect(usageAtAGlance).toHaveBeenCalledWith("/p", "/d/u.csv", "G1");
    expect(state.of("/d/u.csv", "G1")).toEqual({ status: "ok", glance: GLANCE });
    expect(state.of("/d/u.csv", null)).toBeNull();
  });

  it("keeps the typed error, and reads the file again when asked afresh or after it was written again", async () => {
    usageAtAGlance.mockResolvedValueOnce(failed("usage_file_unreadable")).mockResolvedValue(ok(GLANCE));
    const state = new GlanceState();
    await state.load("/p", "/d/u.csv", null);
    expect(state.of("/d/u.csv", null)).toMatchObject({ status: "error", error: { code: "usage_file_unreadable" } });
    await state.load("/p", "/d/u.csv", null, true);
    expect(state.of("/d/u.csv", null)?.status).toBe("ok");
    state.forget("/d/u.csv");
    expect(state.of("/d/u.csv", null)).toBeNull();
    await state.load("/p", "/d/u.csv", null);
    expect(usageAtAGlance).toHaveBeenCalledTimes(3);
  });
});
