import { describe, expect, it } from "vitest";
import { EMPTY_SELECTION, keepShown, modeOf, pick, toggleAll } from "./selection";

const rows = ["a", "b", "c", "d", "e"];
const keys = (selection: { keys: ReadonlySet<string> }) => [...selection.keys].sort();

describe("row selection", () => {
  it("a plain click selects only that row", () => {
    const one = pick(EMPTY_SELECTION, rows, "b", "only");
    expect(keys(pick(one, rows, "d", "only"))).toEqual(["d"]);
  });

  it("Ctrl/Cmd-click adds and removes single rows", () => {
    let selection = pick(EMPTY_SELECTION, rows, "a", "only");
    selection = pick(selection, rows, "c", "toggle");
    selection = pick(selection, rows, "e", "toggle");
    expect(keys(selection)).toEqual(["a", "c", "e"]);
    expect(keys(pick(selection, rows, "c", "toggle"))).toEqual(["a", "e"]);
  });

  it("Shift-click selects the run from the last clicked row, in either direction", () => {
    const anchored = pick(EMPTY_SELECTION, rows, "b", "only");
    expect(keys(pick(anchored, rows, "d", "extend"))).toEqual(["b", "c", "d"]);
    const back = pick(pick(EMPTY_SELECTION, rows, "d", "only"), rows, "a", "extend");
    expect(keys(back)).toEqual(["a", "b", "c", "d"]);
    // A second Shift-click re-runs from the same anchor instead of growing the first run.
    expect(keys(pick(back, rows, "e", "extend"))).toEqual(["d", "e"]);
  });

  it("Shift-click with nothing clicked before selects just that row", () => {
    expect(keys(pick(EMPTY_SELECTION, rows, "c", "extend"))).toEqual(["c"]);
  });

  it("ignores rows that are not selectable (a period without invoice)", () => {
    const selection = pick(EMPTY_SELECTION, rows, "b", "only");
    expect(pick(selection, rows, "p:2026-10-01", "toggle")).toBe(selection);
  });

  it("the header checkbox selects every row, and clears them when all were selected", () => {
    const all = toggleAll(pick(EMPTY_SELECTION, rows, "b", "only"), rows);
    expect(keys(all)).toEqual(rows);
    expect(keys(toggleAll(all, rows))).toEqual([]);
  });

  it("keeps only rows that are still shown after a reload", () => {
    const selection = pick(pick(EMPTY_SELECTION, rows, "a", "only"), rows, "c", "toggle");
    const kept = keepShown(selection, ["b", "c"]);
    expect(keys(kept)).toEqual(["c"]);
    expect(kept.anchor).toBe("c");
    expect(keepShown(kept, ["b", "c"])).toBe(kept);
  });

  it("reads the modifier keys of a click", () => {
    expect(modeOf({ shiftKey: false, ctrlKey: false, metaKey: false })).toBe("only");
    expect(modeOf({ shiftKey: false, ctrlKey: true, metaKey: false })).toBe("toggle");
    expect(modeOf({ shiftKey: false, ctrlKey: false, metaKey: true })).toBe("toggle");
    expect(modeOf({ shiftKey: true, ctrlKey: true, metaKey: false })).toBe("extend");
  });
});
