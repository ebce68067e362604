// @vitest-environment node
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// What a role allows is decided in Rust and arrives as typed fields (`allowed`, the generated
// `CapabilityState`); components read those fields instead of comparing a capability's state
// or a reason's code to a string of their own. This scans every component for such a
// comparison.

const SRC = fileURLToPath(new URL(".", import.meta.url));

function components(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return components(path);
    return entry.name.endsWith(".svelte") ? [path] : [];
  });
}

/** `capability.state === "allowed"`, `reason.code !== 'unknown'`, `"denied" == x.state`, … */
const LITERAL_RULE =
  /(?:\b(?:state|code)\s*[!=]==?\s*["'`])|(?:["'`][\w-]*["'`]\s*[!=]==?\s*[\w.?]*\b(?:state|code)\b)/;

/** Capability or reason comparisons in `source`, as `line: text`. */
export function findLiteralRules(source: string): string[] {
  return source
    .split("\n")
    .map((text, index) => ({ text: text.trim(), line: index + 1 }))
    .filter(({ text }) => /\b(?:capabilit|reason)/i.test(text) && LITERAL_RULE.test(text))
    .map(({ text, line }) => `${line}: ${text}`);
}

/** The string values of a generated union type `name` in the bindings. */
function unionValues(bindings: string, name: string): string[] {
  const match = new RegExp(`export type ${name} = ([^;]+);`).exec(bindings);
  if (!match) throw new Error(`${name} is not in the bindings`);
  return [...match[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

/** Source files of the window (components and modules), without tests, bindings and mocks. */
function windowSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "e2e" ? [] : windowSources(path);
    const source = /\.(svelte|ts)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name);
    return source && entry.name !== "bindings.ts" ? [path] : [];
  });
}

describe("rules stay in Rust", () => {
  // Switching over a generated union (a reason's code) is how the window words it; naming a
  // particular kind, role or family is a rule of its own (an order, a family, a default grantor).
  it("no module names one of the shell's scope kinds, roles or agreement families (orders and families come from Rust)", () => {
    const bindings = readFileSync(join(SRC, "lib", "bindings.ts"), "utf8");
    const codes = ["ScopeKind", "BillingRole", "AgreementFamily"]
      .flatMap((name) => unionValues(bindings, name))
      .filter((code) => code !== "other");
    expect(codes).toContain("billing_profile_owner");
    const findings = windowSources(SRC).flatMap((path) => {
      const source = readFileSync(path, "utf8");
      return codes.filter((code) => new RegExp(`["'\`]${code}["'\`]`).test(source)).map((code) => `${relative(SRC, path)}: "${code}"`);
    });
    expect(findings).toEqual([]);
  });

  it("the scan finds a capability or reason compared to a literal", () => {
    expect(findLiteralRules('const can = scope.capabilities.downloadInvoices.state === "allowed";')).toHaveLength(1);
    expect(findLiteralRules("{#if period.reason.code !== 'unknown'}")).toHaveLength(1);
    expect(findLiteralRules('const can = scope.capabilities.downloadInvoices.allowed;')).toHaveLength(0);
    expect(findLiteralRules('data-reason={row.period.reason.code}')).toHaveLength(0);
  });

  it("no component compares a capability or a reason to a string literal", () => {
    const findings = components(SRC).flatMap((path) =>
      findLiteralRules(readFileSync(path, "utf8")).map((hit) => `${relative(SRC, path)}:${hit}`),
    );
    expect(findings).toEqual([]);
  });
});
