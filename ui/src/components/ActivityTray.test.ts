import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/i18n.svelte";
import type { JobProgress } from "../lib/bindings";
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

  it("says so when there is nothing yet", () => {
    const { status } = render([], 0, null);
    expect(status()).toBe("No downloads or reports yet.");
  });
});
