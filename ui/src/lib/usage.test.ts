import { beforeEach, describe, expect, it, vi } from "vitest";
import type { JobProgress, UsageOutcome, UsageSelection } from "./bindings";

// The generated command answers a Result, as tauri-specta's wrapper does.
const saveUsageFile = vi.fn();
vi.mock("./bindings", () => ({ commands: { saveUsageFile: (...args: unknown[]) => saveUsageFile(...args) }, events: {}, DEFAULT_SETTINGS: {} }));
const ok = (data: unknown) => ({ status: "ok", data });
const failed = (code: string) => ({ status: "error", error: { code, message: code, hint: null, details: null } });

const { UsageState, usageKey } = await import("./usage.svelte");

const INVOICE: UsageSelection = { kind: "invoice", invoice: "G1" };
const OUTCOME: UsageOutcome = {
  folder: "/home/me/Downloads",
  files: [{ period: { start: "2026-09-01", end: "2026-09-30", invoice: "G1", monthToDate: false }, path: "C/2026-09 P usage.csv", fullPath: "/home/me/Downloads/C/2026-09 P usage.csv", outcome: "saved", size: 10 }],
  noData: [],
  notFetched: [],
  alreadyThere: [],
};

const job = (id: string, phase: JobProgress["phase"], selection: UsageSelection = INVOICE): JobProgress => ({
  id,
  kind: "usageReport",
  title: "Contoso Finance",
  phase,
  done: 0,
  total: null,
  bytesPerSecond: null,
  error: null,
  stage: null,
  startedAt: "2026-11-18T10:00:00Z",
  retry: phase === "finished" ? null : { kind: "saveUsage", scopeId: "/p", selection },
});

/** A save whose answer the test gives when it likes. */
function pending() {
  let answer: (value: unknown) => void = () => {};
  saveUsageFile.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
  return (value: unknown) => answer(value);
}

beforeEach(() => saveUsageFile.mockReset());

describe("usage saves", () => {
  it("key each request by what it asks for", () => {
    expect(usageKey("/p", { kind: "months", from: "2026-07", to: "2026-09" })).toBe("/p|months:2026-07:2026-09");
    expect(usageKey("/p", { kind: "openMonth" })).not.toBe(usageKey("/q", { kind: "openMonth" }));
  });

  it("match the job the shell reports to the request, and keep its outcome by job", async () => {
    const usage = new UsageState();
    const answer = pending();
    const saving = usage.save("/p", INVOICE);
    expect(usage.isRunning("/p", INVOICE)).toBe(true);
    // Asked again while it runs: nothing new starts.
    await usage.save("/p", INVOICE);
    expect(saveUsageFile).toHaveBeenCalledTimes(1);
    usage.observe(job("j1", "queued"));
    expect(usage.targetOf("j1")).toEqual(INVOICE);
    usage.observe(job("j1", "finished"));
    answer(ok(OUTCOME));
    await saving;
    expect(usage.isRunning("/p", INVOICE)).toBe(false);
    expect(usage.outcomeOf("j1")).toEqual(OUTCOME);
    expect(usage.error).toBeNull();
  });

  it("an answer ahead of the job's first report waits for it", async () => {
    const usage = new UsageState();
    saveUsageFile.mockResolvedValueOnce(ok(OUTCOME));
    await usage.save("/p", INVOICE);
    expect(usage.outcomes).toEqual({});
    usage.observe(job("j2", "finished", INVOICE));
    // A finished job no longer names its request: the early answer waits for a report that does.
    usage.observe(job("j2", "running"));
    expect(usage.outcomeOf("j2")).toEqual(OUTCOME);
  });

  it("a failure without a job is the store's to show; a job's failure is the job's", async () => {
    const usage = new UsageState();
    saveUsageFile.mockResolvedValueOnce(failed("folder_unavailable"));
    await usage.save("/p", INVOICE);
    expect(usage.error?.code).toBe("folder_unavailable");
    const answer = pending();
    const saving = usage.save("/p", INVOICE);
    expect(usage.error).toBeNull();
    usage.observe(job("j3", "running"));
    usage.observe(job("j3", "failed"));
    answer(failed("view_charges_off"));
    await saving;
    expect(usage.error).toBeNull();
  });

  it("Retry right after a cancel runs once the cancelled save has answered", async () => {
    const usage = new UsageState();
    const answer = pending();
    const first = usage.save("/p", INVOICE);
    usage.observe(job("j4", "running"));
    usage.observe(job("j4", "cancelled"));
    saveUsageFile.mockResolvedValueOnce(ok(OUTCOME));
    const again = usage.save("/p", INVOICE);
    expect(saveUsageFile).toHaveBeenCalledTimes(1);
    answer(failed("download_cancelled"));
    await Promise.all([first, again]);
    expect(saveUsageFile).toHaveBeenCalledTimes(2);
    expect(usage.error).toBeNull();
  });

  it("tells who listens which files a save put on disk, and nothing when it failed", async () => {
    const usage = new UsageState();
    const heard: Array<[string, UsageOutcome]> = [];
    usage.onSaved((scopeId, outcome) => heard.push([scopeId, outcome]));
    saveUsageFile.mockResolvedValueOnce(ok(OUTCOME)).mockResolvedValueOnce(failed("view_charges_off"));
    await usage.save("/p", INVOICE);
    await usage.save("/p", INVOICE);
    expect(heard).toEqual([["/p", OUTCOME]]);
  });
});
