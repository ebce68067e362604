// Dragging invoices out of the window: a file must exist before a drag starts, so an invoice
// is fetched into the app's cache as soon as the pointer rests on its row, and only a ready
// row can be dragged (a spinner shows while it is being fetched).
import { SvelteMap } from "svelte/reactivity";
import { call, commands, type AppError } from "./ipc";

export type DragState = "preparing" | "ready" | "failed";

export class DragOut {
  readonly states = new SvelteMap<string, DragState>();
  error = $state<AppError | null>(null);

  #key(scopeId: string, invoice: string): string {
    return `${scopeId}|${invoice}`;
  }

  state(scopeId: string, invoice: string): DragState | null {
    return this.states.get(this.#key(scopeId, invoice)) ?? null;
  }

  /** Whether every one of these invoices can be dragged now. */
  ready(scopeId: string, invoices: readonly string[]): boolean {
    return invoices.length > 0 && invoices.every((invoice) => this.state(scopeId, invoice) === "ready");
  }

  /**
   * Fetches the invoices' PDFs for dragging, in one call, once each (a failed one is tried
   * again next time).
   */
  async prepare(scopeId: string, invoices: readonly string[]): Promise<void> {
    const wanted = invoices.filter((invoice) => {
      const known = this.states.get(this.#key(scopeId, invoice));
      return known !== "preparing" && known !== "ready";
    });
    if (wanted.length === 0) return;
    for (const invoice of wanted) this.states.set(this.#key(scopeId, invoice), "preparing");
    const result = await call(() => commands.prepareDrag(scopeId, wanted));
    const failed = result.status === "ok" ? result.data.failed.map((failure) => failure.invoice) : wanted;
    const none = result.status === "ok" && result.data.files.length === 0;
    for (const invoice of wanted) this.states.set(this.#key(scopeId, invoice), failed.includes(invoice) || none ? "failed" : "ready");
  }

  /**
   * Starts the native drag of prepared invoices (the shell refuses ones that are not ready);
   * ones still missing are fetched, so the next drag can carry them.
   */
  async start(scopeId: string, invoices: readonly string[]): Promise<void> {
    if (!this.ready(scopeId, invoices)) {
      void this.prepare(scopeId, invoices);
      return;
    }
    const result = await call(() => commands.startDrag(scopeId, [...invoices]));
    this.error = result.status === "error" ? result.error : null;
  }
}

export const drags = new DragOut();
