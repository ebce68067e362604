// @vitest-environment node
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "svelte/compiler";
import { describe, expect, it } from "vitest";

// Every word a user can read comes from the catalogue through t(...). This scans the markup
// of every component for text nodes and user-facing attributes written as literals.

const SRC = fileURLToPath(new URL(".", import.meta.url));
const VISIBLE_ATTRIBUTES = new Set(["aria-label", "title", "placeholder", "alt", "aria-description", "aria-roledescription", "aria-valuetext"]);
/** Text with no letters (punctuation, symbols, digits, spaces) is not language. */
const hasWords = (text: string) => /\p{L}/u.test(text);

interface Finding {
  where: string;
  text: string;
}

type Node = { type?: string; [key: string]: unknown };

function svelteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return svelteFiles(path);
    return entry.name.endsWith(".svelte") ? [path] : [];
  });
}

function isStringLiteral(node: unknown): node is { value: string } {
  const candidate = node as { type?: string; value?: unknown } | null;
  return candidate?.type === "Literal" && typeof candidate.value === "string";
}

/** Finds literal user-facing text in a component's markup. */
export function findHardCoded(source: string, name = "component"): Finding[] {
  const ast = parse(source, { modern: true });
  const findings: Finding[] = [];
  const line = (node: Node) => {
    const start = typeof node.start === "number" ? node.start : 0;
    return `${name}:${source.slice(0, start).split("\n").length}`;
  };

  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!value || typeof value !== "object") return;
    const node = value as Node;
    if (node.type === "Text" && typeof node.data === "string" && hasWords(node.data)) {
      findings.push({ where: line(node), text: node.data.trim() });
    }
    if (node.type === "ExpressionTag" && isStringLiteral(node.expression) && hasWords(node.expression.value)) {
      findings.push({ where: line(node), text: node.expression.value });
    }
    if (node.type === "Attribute" && typeof node.name === "string") {
      if (VISIBLE_ATTRIBUTES.has(node.name.toLowerCase())) {
        const parts = Array.isArray(node.value) ? node.value : [node.value];
        for (const part of parts as Node[]) {
          if (part?.type === "Text" && typeof part.data === "string" && hasWords(part.data)) {
            findings.push({ where: line(node), text: `${node.name}="${part.data}"` });
          }
          if (part?.type === "ExpressionTag" && isStringLiteral(part.expression) && hasWords(part.expression.value)) {
            findings.push({ where: line(node), text: `${node.name}={"${part.expression.value}"}` });
          }
        }
      }
      return; // other attributes (class, id, data-*) are not read by users
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === "parent" || key === "metadata") continue;
      visit(child);
    }
  };
  visit(ast.fragment);
  return findings;
}

describe("hard-coded strings", () => {
  it("the checker catches literal text and attributes, and passes t(...) and punctuation", () => {
    const bad = `<script>let x = "not markup";</script>
      <p>Hello</p><button aria-label="Close">×</button><input placeholder={"Search"} /><img alt="logo" src="a.png" />
      <span title='Tip'>{"Words"}</span>`;
    const found = findHardCoded(bad).map((f) => f.text);
    expect(found).toEqual(['Hello', 'aria-label="Close"', 'placeholder={"Search"}', 'alt="logo"', 'title="Tip"', "Words"]);

    const good = `<script>import { t } from "x";</script>
      <p>{t("a.b")}</p><span aria-hidden="true">·</span><kbd>⌘ + 1</kbd><button aria-label={t("c")} class="big primary" data-testid="x">→</button>
      <style>p::after { content: "Not checked"; }</style>`;
    expect(findHardCoded(good)).toEqual([]);
  });

  const files = svelteFiles(SRC);

  it("finds the components to scan", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files.map((file) => [relative(SRC, file), file]))("%s has no literal user-facing text", (name, file) => {
    expect(findHardCoded(readFileSync(file, "utf8"), name)).toEqual([]);
  });
});
