// The notices at the top of the window: errors and warnings that belong to no one place.
import type { AppError } from "./ipc";

export interface Notice {
  id: number;
  error: AppError;
  tone: "error" | "warning";
  /** A hook for end-to-end tests on the notice's wrapper. */
  testid?: string;
}

export class Notices {
  list = $state<Notice[]>([]);

  #nextId = 0;

  notify(error: AppError, tone: Notice["tone"] = "error", testid?: string): void {
    this.#nextId += 1;
    this.list.push({ id: this.#nextId, error, tone, testid });
  }

  dismiss(id: number): void {
    this.list = this.list.filter((notice) => notice.id !== id);
  }
}
