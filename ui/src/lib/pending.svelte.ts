// Usage reports that were still being prepared when the app last quit, offered once at start:
// "Resume" picks one up as a usage job in the tray, "Dismiss" forgets it.
import { attempt, commands, type PendingReport } from "./ipc";
import { usage } from "./usage.svelte";

export class PendingReports {
  reports = $state.raw<PendingReport[]>([]);
  #asked = false;

  /** Asks the shell once per run which reports were left running. */
  async load(): Promise<void> {
    if (this.#asked) return;
    this.#asked = true;
    const result = await attempt(() => commands.pendingUsageReports());
    if (result.status === "ok") this.reports = result.data;
  }

  #take(id: string): PendingReport | null {
    const report = this.reports.find((known) => known.id === id) ?? null;
    this.reports = this.reports.filter((known) => known.id !== id);
    return report;
  }

  /** Resumes a report: it leaves this list and runs as a usage job. */
  async resume(id: string): Promise<void> {
    const report = this.#take(id);
    if (report) await usage.resume(report);
  }

  /** Forgets a report for good. */
  async dismiss(id: string): Promise<void> {
    if (!this.#take(id)) return;
    await attempt(() => commands.dismissUsageReport(id));
  }
}

export const pending = new PendingReports();
