import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/i18n.svelte";
import type { JobProgress } from "../lib/bindings";
import { usage } from "../lib/usage.svelte";
import ActivityTray from "./ActivityTray.svelte";

const job = (id: string, phase: JobProgress["phase"], extra: Partial<JobProgress> = {}): JobProgress => ({
  id,
  kind: "download",
  title: `Job ${id}`,
  phase,
  done: 2,
  total: 4,
  bytesPerSecond: null,
  error: null,
  stage: null,
  startedAt: "2026-11-03T10:00:00Z",
  retry: null,
  ...extra,
});

let component: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  document.body.innerHTML = "";
  i18n.lang = "en";
});

function render(jobs: JobProgress[], running: number, summary: { count: number; finished: number; failed: number; cancelled: number } | null) {
  const oncancel = vi.fn();
  const onretry = vi.fn();
  component = mount(ActivityTray, {
    target: document.body,
    props: { jobs, running, summary, open: true, ontoggle: () => {}, oncancel, onretry },
  });
  flushSync();
  const status = () => document.querySelector('[data-testid="activity-status"]')?.textContent?.trim();
  return { oncancel, onretry, status };
}

describe("ActivityTray", () => {
  it("sums up ended jobs in one line, naming only outcomes that happened", () => {
    const { status } = render([job("a", "finished"), job("b", "finished"), job("c", "failed")], 0, {
      count: 3,
      finished: 2,
      failed: 1,
      cancelled: 0,
    });
    expect(status()).toBe("All 3 jobs ended: 2 finished and 1 failed.");
    i18n.lang = "nl";
    flushSync();
    expect(status()).toBe("Alle 3 taken beëindigd: 2 voltooid en 1 mislukt.");
  });

  it("lists running jobs with progress and a cancel button that reports the id", () => {
    const { oncancel, status } = render([job("a", "running", { bytesPerSecond: 2_000_000 }), job("b", "finished")], 1, null);
    expect(status()).toBe("1 job running");
    const rows = document.querySelectorAll('[data-testid="job-row"]');
    expect(rows).toHaveLength(2);
    expect(rows[1].textContent?.replace(/\s+/g, " ")).toContain("2 of 4");
    expect(document.querySelectorAll('[data-testid="job-cancel"]')).toHaveLength(1);
    document.querySelector<HTMLButtonElement>('[data-testid="job-cancel"]')?.click();
    expect(oncancel).toHaveBeenCalledWith("a");
  });

  it("offers Retry only on jobs that ended short, hands back what to run again, and hides it once pressed", () => {
    const retry = { kind: "saveInvoices" as const, scopeId: "/billingAccounts/1", invoices: ["G2"], range: null };
    const { onretry } = render(
      [
        job("failed", "failed", { retry }),
        job("cancelled", "cancelled", { retry: { kind: "archiveInvoices", scopeId: "/billingAccounts/1", invoices: [] } }),
        job("finished", "finished", { retry }),
        job("failed-without", "failed"),
      ],
      0,
      null,
    );
    const buttons = () => [...document.querySelectorAll<HTMLButtonElement>('[data-testid="job-retry"]')];
    expect(buttons().map((button) => button.closest("li")?.dataset.jobId)).toEqual(["cancelled", "failed"]);
    buttons()[1].click();
    flushSync();
    expect(onretry).toHaveBeenCalledWith(retry);
    expect(buttons()).toHaveLength(1);
  });

  it("words a usage job's step, its bytes while a file downloads and the time so far", () => {
    vi.useFakeTimers({ now: new Date("2026-11-03T10:01:05Z") });
    try {
      const usageJob = (stage: JobProgress["stage"], extra: Partial<JobProgress> = {}) =>
        job("u", "running", { kind: "usageReport", title: "Contoso Finance", done: 0, total: null, stage, ...extra });
      render([usageJob({ step: "preparing", report: 2, reports: 3 })], 1, null);
      const row = () => document.querySelector('[data-testid="job-row"]')!;
      expect(row().querySelector('[data-testid="job-phase"]')?.textContent?.trim()).toBe("Azure is preparing the report (report 2 of 3)");
      expect(row().querySelector('[data-testid="job-elapsed"]')?.textContent).toBe("1:05 elapsed");
      vi.advanceTimersByTime(2000);
      flushSync();
      expect(row().querySelector('[data-testid="job-elapsed"]')?.textContent).toBe("1:07 elapsed");
      unmount(component!);
      render([usageJob({ step: "downloading", report: 1, reports: 1, file: 1, files: 2 }, { done: 1_500_000, total: 3_000_000 })], 1, null);
      expect(row().querySelector('[data-testid="job-phase"]')?.textContent?.trim()).toBe("Downloading file 1 of 2");
      expect(row().querySelector('[data-testid="job-figures"]')?.textContent?.replace(/\s+/g, " ")).toContain("1.5 MB of 3 MB");
      i18n.lang = "nl";
      flushSync();
      expect(row().querySelector('[data-testid="job-phase"]')?.textContent?.trim()).toBe("Bestand 1 van 2 downloaden");
      expect(row().querySelector('[data-testid="job-elapsed"]')?.textContent).toBe("1:07 verstreken");
    } finally {
      vi.useRealTimers();
    }
  });

  it("sums up an ended usage job in one line: the file to open or show, or that there was no usage", () => {
    const period = { start: "2026-09-01", end: "2026-09-30", invoice: "G1", monthToDate: false };
    usage.outcomes = {
      saved: { folder: "/d", files: [{ period, path: "C/2026-09 P usage.csv", fullPath: "/d/C/2026-09 P usage.csv", outcome: "kept_both", size: 1 }], noData: [], notFetched: [], alreadyThere: [] },
      empty: { folder: "/d", files: [], noData: [period], notFetched: [], alreadyThere: [] },
    };
    const ended = (id: string) => job(id, "finished", { kind: "usageReport", done: 48_213, total: 48_213 });
    render([ended("saved"), ended("empty")], 0, { count: 2, finished: 2, failed: 0, cancelled: 0 });
    const file = document.querySelector('[data-testid="usage-file"]');
    expect(file?.textContent?.replace(/\s+/g, " ")).toContain("Saved beside a different file of the same name C/2026-09 P usage.csv");
    expect(file?.getAttribute("data-path")).toBe("/d/C/2026-09 P usage.csv");
    expect(document.querySelector('[data-testid="usage-open"]')?.getAttribute("aria-label")).toBe("Open the usage file 2026-09 P usage.csv");
    expect(document.querySelector('[data-testid="usage-no-data"]')?.textContent).toContain("No usage in this period.");
    // The size, not "48,213 of 48,213".
    expect(document.querySelector('[data-job-id="saved"] [data-testid="job-figures"]')?.textContent?.replace(/\s+/g, " ").trim()).toBe("48 kB");
    expect(document.querySelector('[data-testid="job-elapsed"]')).toBeNull();
    usage.outcomes = {};
  });

  it("says so when there is nothing yet", () => {
    const { status } = render([], 0, null);
    expect(status()).toBe("No downloads or reports yet.");
  });
});
