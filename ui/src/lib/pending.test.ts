import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PendingReport } from "./bindings";

const pendingUsageReports = vi.fn();
const resumeUsageReport = vi.fn();
const dismissUsageReport = vi.fn();
const saveUsageFile = vi.fn();
vi.mock("./bindings", () => ({
  commands: {
    pendingUsageReports: () => pendingUsageReports(),
    resumeUsageReport: (id: string) => resumeUsageReport(id),
    dismissUsageReport: (id: string) => dismissUsageReport(id),
    saveUsageFile: (...args: unknown[]) => saveUsageFile(...args),
  },
  events: {},
  DEFAULT_SETTINGS: {},
}));

const { PendingReports } = await import("./pending.svelte");
const { usage } = await import("./usage.svelte");

const report = (id: string): PendingReport => ({
  id,
  scopeId: "/p",
  scopeName: "Contoso Finance",
  selection: { kind: "invoice", invoice: `G${id}` },
  operation: null,
  startedAt: "2026-11-17T16:00:00Z",
});
const OUTCOME = { folder: "/d", files: [], noData: [], notFetched: [], alreadyThere: [] };

beforeEach(() => {
  for (const mock of [pendingUsageReports, resumeUsageReport, dismissUsageReport, saveUsageFile]) mock.mockReset();
});

describe("reports left running at the last quit", () => {
  it("are asked for once per run", async () => {
    pendingUsageReports.mockResolvedValue([report("1"), report("2")]);
    const pending = new PendingReports();
    await pending.load();
    await pending.load();
    expect(pendingUsageReports).toHaveBeenCalledTimes(1);
    expect(pending.reports.map((one) => one.id)).toEqual(["1", "2"]);
  });

  it("leave the list when resumed, and run as a usage job through resumeUsageReport", async () => {
    pendingUsageReports.mockResolvedValue([report("1"), report("2")]);
    resumeUsageReport.mockResolvedValue({ status: "ok", data: OUTCOME });
    const pending = new PendingReports();
    await pending.load();
    const resumed = pending.resume("1");
    expect(pending.reports.map((one) => one.id)).toEqual(["2"]);
    expect(usage.isRunning("/p", { kind: "invoice", invoice: "G1" })).toBe(true);
    await resumed;
    expect(resumeUsageReport).toHaveBeenCalledWith("1");
    expect(saveUsageFile).not.toHaveBeenCalled();
    expect(usage.isRunning("/p", { kind: "invoice", invoice: "G1" })).toBe(false);
  });

  it("are forgotten when dismissed", async () => {
    pendingUsageReports.mockResolvedValue([report("1")]);
    dismissUsageReport.mockResolvedValue(null);
    const pending = new PendingReports();
    await pending.load();
    await pending.dismiss("1");
    expect(dismissUsageReport).toHaveBeenCalledWith("1");
    expect(pending.reports).toEqual([]);
    await pending.dismiss("1");
    expect(dismissUsageReport).toHaveBeenCalledTimes(1);
  });

  it("are none when the shell cannot say", async () => {
    pendingUsageReports.mockRejectedValue(new Error("gone"));
    const pending = new PendingReports();
    await pending.load();
    expect(pending.reports).toEqual([]);
  });
});
