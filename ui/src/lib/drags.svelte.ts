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

  /** Fetches the invoice's PDF for dragging, once (a failed one is tried again next time). */
  async prepare(scopeId: string, invoice: string): Promise<void> {
    const key = this.#key(scopeId, invoice);
    const known = this.states.get(key);
    if (known === "preparing" || known === "ready") return;
    this.states.set(key, "preparing");
    const result = await call(() => commands.prepareDrag(scopeId, [invoice]));
    const ready = result.status === "ok" && result.data.files.length > 0 && result.data.failed.length === 0;
    this.states.set(key, ready ? "ready" : "failed");
  }

  /** Starts the native drag of a prepared invoice (the shell refuses one that is not ready). */
  async start(scopeId: string, invoice: string): Promise<void> {
    if (this.state(scopeId, invoice) !== "ready") {
      void this.prepare(scopeId, invoice);
      return;
    }
    const result = await call(() => commands.startDrag(scopeId, [invoice]));
    this.error = result.status === "error" ? result.error : null;
  }
}

export const drags = new DragOut();
