// Usage (cost details) files from the window: which usage saves are running, and what each
// usage job in the tray ended with (the file it saved, no usage, or why not). Which usage a
// period offers is the shell's answer (`PeriodView.usage`); this only asks for it.
import { SvelteSet } from "svelte/reactivity";
import { call, commands, type AppError, type JobProgress, type PendingReport, type Result, type UsageOutcome, type UsageSelection } from "./ipc";
import { isActive } from "./jobs.svelte";

/** One text per usage request, so a job and the button that started it find each other. */
export function usageKey(scopeId: string, selection: UsageSelection): string {
  switch (selection.kind) {
    case "months":
      return `${scopeId}|months:${selection.from}:${selection.to}`;
    case "days":
      return `${scopeId}|days:${selection.start}:${selection.end}`;
    case "invoice":
      return `${scopeId}|invoice:${selection.invoice}`;
    case "openMonth":
      return `${scopeId}|openMonth`;
  }
}

/** The request a usage job runs, as the shell offers it for "Retry" while the job runs. */
function requestOf(job: JobProgress): string | null {
  return job.retry?.kind === "saveUsage" ? usageKey(job.retry.scopeId, job.retry.selection) : null;
}

export class UsageState {
  /** Usage saves running, by `usageKey`. */
  readonly running = new SvelteSet<string>();
  /** What each usage job saved (by job id), once its command answered. */
  outcomes = $state.raw<Record<string, UsageOutcome>>({});
  /** What each usage job asks for (by job id), as its first reports said. */
  targets = $state.raw<Record<string, UsageSelection>>({});
  /** A usage save that failed before it became a job (no download folder, a broken template). */
  error = $state<AppError | null>(null);

  // Bookkeeping only, never shown: no reactivity needed in the collections below.
  /** Per running request: the job that runs it, once the shell reported it. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #jobs = new Map<string, string | null>();
  /** Outcomes that arrived before their job's first report, by request. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #early = new Map<string, UsageOutcome>();
  /** Who wants to know when a usage save answered with its outcome (what is on disk changed). */
  readonly #listeners: ((scopeId: string, outcome: UsageOutcome) => void)[] = [];
  /** The saves not answered yet, by request. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #runs = new Map<string, Promise<void>>();
  /** Requests whose job ended (cancelled, failed) before the shell answered the save. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #ended = new Set<string>();

  isRunning(scopeId: string, selection: UsageSelection): boolean {
    return this.running.has(usageKey(scopeId, selection));
  }

  /** Follows the shell's job reports: a usage job is matched to the request that started it. */
  observe(job: JobProgress): void {
    const key = requestOf(job);
    if (job.retry?.kind === "saveUsage" && !this.targets[job.id]) this.targets = { ...this.targets, [job.id]: job.retry.selection };
    if (!key || !this.#jobs.has(key)) return;
    const known = this.#jobs.get(key);
    if (known === job.id && !isActive(job)) this.#ended.add(key);
    if (known) return;
    this.#jobs.set(key, job.id);
    const early = this.#early.get(key);
    if (early) {
      this.#early.delete(key);
      this.#jobs.delete(key);
      this.outcomes = { ...this.outcomes, [job.id]: early };
    }
  }

  /**
   * Saves the usage file `selection` names into the download folder, once at a time per
   * request; asked again right after its job was cancelled, it starts once the shell answered.
   */
  async save(scopeId: string, selection: UsageSelection): Promise<void> {
    const key = usageKey(scopeId, selection);
    const current = this.#runs.get(key);
    if (current) {
      if (!this.#ended.has(key)) return;
      await current;
      if (this.#runs.has(key)) return;
    }
    const run = this.#run(scopeId, selection, key);
    this.#runs.set(key, run);
    await run;
  }

  /**
   * Picks up a report that was still running when the app last quit: a usage job in the tray,
   * as `save` starts one.
   */
  async resume(report: PendingReport): Promise<void> {
    const key = usageKey(report.scopeId, report.selection);
    if (this.#runs.has(key)) return;
    const run = this.#run(report.scopeId, report.selection, key, () => commands.resumeUsageReport(report.id));
    this.#runs.set(key, run);
    await run;
  }

  /** Calls `listener` whenever a usage save or resume answered with the files it saved. */
  onSaved(listener: (scopeId: string, outcome: UsageOutcome) => void): void {
    this.#listeners.push(listener);
  }

  async #run(
    scopeId: string,
    selection: UsageSelection,
    key: string,
    command: () => Promise<Result<UsageOutcome>> = () => commands.saveUsageFile(scopeId, selection),
  ): Promise<void> {
    this.running.add(key);
    this.#jobs.set(key, null);
    this.error = null;
    const result = await call(command);
    this.running.delete(key);
    if (result.status === "ok") for (const listener of this.#listeners) listener(scopeId, result.data);
    const jobId = this.#jobs.get(key) ?? null;
    if (result.status === "ok") {
      if (jobId) this.outcomes = { ...this.outcomes, [jobId]: result.data };
      else this.#early.set(key, result.data);
    } else if (!jobId) {
      // A job says its own failure in the tray; this one never became a job.
      this.error = result.error;
    }
    if (jobId || result.status === "error") this.#jobs.delete(key);
    this.#ended.delete(key);
    this.#runs.delete(key);
  }

  /**
   * A usage job the shell ran on its own (Sync archive's usage, one per scope) answered with
   * `outcome`: the tray shows it under that job, and what is on disk is read again.
   */
  adopt(jobId: string, scopeId: string, outcome: UsageOutcome): void {
    this.outcomes = { ...this.outcomes, [jobId]: outcome };
    for (const listener of this.#listeners) listener(scopeId, outcome);
  }

  targetOf(jobId: string): UsageSelection | null {
    return this.targets[jobId] ?? null;
  }

  outcomeOf(jobId: string): UsageOutcome | null {
    return this.outcomes[jobId] ?? null;
  }

  dismiss(): void {
    this.error = null;
  }
}

export const usage = new UsageState();
