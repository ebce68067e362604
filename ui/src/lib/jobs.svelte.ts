// The shell's jobs (downloads, archive syncs) as the activity tray shows them.
import { call, commands, type JobProgress } from "./ipc";
import type { Notices } from "./notices.svelte";
import type { ViewState } from "./view.svelte";

export interface JobSummary {
  count: number;
  finished: number;
  failed: number;
  cancelled: number;
}

const ENDED: ReadonlySet<JobProgress["phase"]> = new Set(["finished", "failed", "cancelled"]);

export function isActive(job: JobProgress): boolean {
  return !ENDED.has(job.phase);
}

/** Counts per outcome once every job has ended; null while any job still runs (or none exist). */
export function summarizeJobs(jobs: readonly JobProgress[]): JobSummary | null {
  if (jobs.length === 0 || jobs.some(isActive)) return null;
  const count = (phase: JobProgress["phase"]) => jobs.filter((job) => job.phase === phase).length;
  return { count: jobs.length, finished: count("finished"), failed: count("failed"), cancelled: count("cancelled") };
}

export class JobsState {
  list = $state<JobProgress[]>([]);
  running = $derived(this.list.filter(isActive).length);
  summary = $derived(summarizeJobs(this.list));

  readonly #notices: Notices;
  readonly #view: ViewState;

  constructor(notices: Notices, view: ViewState) {
    this.#notices = notices;
    this.#view = view;
  }

  /** A job's progress as the shell reports it; a new job opens the tray. */
  upsert(job: JobProgress): void {
    const index = this.list.findIndex((known) => known.id === job.id);
    if (index === -1) {
      this.list.push(job);
      this.#view.activityOpen = true;
    } else {
      this.list[index] = job;
    }
  }

  async cancel(id: string): Promise<void> {
    const result = await call(() => commands.cancelJob(id));
    if (result.status === "error") this.#notices.notify(result.error);
  }
}
