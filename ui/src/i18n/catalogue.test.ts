import { describe, expect, it } from "vitest";
import en from "./en.json";
import { catalogues, interpolate, t, tn } from "./i18n.svelte";
import nl from "./nl.json";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("i18n catalogues", () => {
  const enKeys = Object.keys(en).sort();
  const nlKeys = Object.keys(nl).sort();

  it("have the same keys in English and Dutch", () => {
    expect(enKeys.filter((key) => !nlKeys.includes(key))).toEqual([]);
    expect(nlKeys.filter((key) => !enKeys.includes(key))).toEqual([]);
  });

  it("use the same placeholders in both languages", () => {
    const differing = enKeys.filter(
      (key) =>
        JSON.stringify(placeholders(en[key as keyof typeof en])) !==
        JSON.stringify(placeholders(nl[key as keyof typeof nl])),
    );
    expect(differing).toEqual([]);
  });

  it("have no empty texts", () => {
    for (const lang of ["en", "nl"] as const) {
      const empty = Object.entries(catalogues[lang]).filter(([, text]) => text.trim() === "");
      expect(empty, lang).toEqual([]);
    }
  });

  it("translate every error code with a message and a hint", () => {
    const codes = enKeys.filter((key) => key.startsWith("errors.") && key.endsWith(".message"));
    expect(codes.length).toBeGreaterThanOrEqual(7);
    for (const key of codes) expect(enKeys).toContain(key.replace(/\.message$/, ".hint"));
  });

  it("has both plural forms wherever one is present", () => {
    for (const key of enKeys.filter((k) => k.endsWith(".one"))) {
      expect(enKeys).toContain(key.replace(/\.one$/, ".other"));
    }
  });
});

describe("t and tn", () => {
  it("interpolate named parameters and leave unknown ones", () => {
    expect(interpolate("{done} of {total}", { done: 2, total: 5 })).toBe("2 of 5");
    expect(interpolate("keep {this}", { other: 1 })).toBe("keep {this}");
  });

  it("pick the language", () => {
    expect(t("settings.title", undefined, "en")).toBe("Settings");
    expect(t("settings.title", undefined, "nl")).toBe("Instellingen");
    expect(t("activity.progress", { done: 3, total: 10 }, "nl")).toBe("3 van 10");
  });

  it("pick plural forms", () => {
    expect(tn("activity.running", 1, undefined, "en")).toBe("1 job running");
    expect(tn("activity.running", 2, undefined, "en")).toBe("2 jobs running");
    expect(tn("activity.running", 1, undefined, "nl")).toBe("1 taak bezig");
    expect(tn("activity.running", 3, undefined, "nl")).toBe("3 taken bezig");
  });
});
