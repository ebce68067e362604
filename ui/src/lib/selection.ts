// Which invoice rows are selected, as desktop lists do it: a click selects one row, Ctrl/Cmd
// (or the row's checkbox, or Space) adds or removes one, Shift selects the run from the last
// row clicked. Pure: the table hands in the rows in the order it shows them.

export type SelectMode = "only" | "toggle" | "extend";

export interface Selection {
  readonly keys: ReadonlySet<string>;
  /** Where the next Shift-click's run starts: the row clicked last without Shift. */
  readonly anchor: string | null;
}

export const EMPTY_SELECTION: Selection = { keys: new Set(), anchor: null };

/** The selection after `key` was picked with `mode`; `order` is every selectable row, in order. */
export function pick(selection: Selection, order: readonly string[], key: string, mode: SelectMode): Selection {
  if (!order.includes(key)) return selection;
  if (mode === "only") return { keys: new Set([key]), anchor: key };
  if (mode === "toggle") {
    const keys = new Set(selection.keys);
    if (keys.has(key)) keys.delete(key);
    else keys.add(key);
    return { keys, anchor: key };
  }
  const anchor = selection.anchor !== null && order.includes(selection.anchor) ? selection.anchor : key;
  const from = order.indexOf(anchor);
  const to = order.indexOf(key);
  const [low, high] = from <= to ? [from, to] : [to, from];
  return { keys: new Set(order.slice(low, high + 1)), anchor };
}

/** Every row, or none when every row is selected already (the header checkbox). */
export function toggleAll(selection: Selection, order: readonly string[]): Selection {
  const all = order.length > 0 && order.every((key) => selection.keys.has(key));
  return all ? { keys: new Set(), anchor: selection.anchor } : { keys: new Set(order), anchor: selection.anchor ?? order[0] ?? null };
}

/** The selection restricted to rows still shown (after a reload or a new range). */
export function keepShown(selection: Selection, order: readonly string[]): Selection {
  const shown = new Set(order);
  const keys = new Set([...selection.keys].filter((key) => shown.has(key)));
  if (keys.size === selection.keys.size && (selection.anchor === null || shown.has(selection.anchor))) return selection;
  return { keys, anchor: selection.anchor !== null && shown.has(selection.anchor) ? selection.anchor : null };
}

/** How a pointer click's modifier keys pick (Cmd on macOS, Ctrl elsewhere). */
export function modeOf(event: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }): SelectMode {
  if (event.shiftKey) return "extend";
  if (event.ctrlKey || event.metaKey) return "toggle";
  return "only";
}
