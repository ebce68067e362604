import { flushSync, mount, unmount, type Component } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import { i18n } from "../i18n/i18n.svelte";
import type { InvoiceCheck } from "../lib/bindings";
import UsageCheck from "./UsageCheck.svelte";
import UsageShares from "./UsageShares.svelte";

const mounted: Array<ReturnType<typeof mount>> = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function render<P extends Record<string, any>>(component: Component<P>, props: P) {
  const target = document.createElement("div");
  document.body.append(target);
  mounted.push(mount(component, { target, props }));
  flushSync();
  const text = (selector: string) => (target.querySelector(selector)?.textContent ?? "").replace(/[\u00a0\u202f]/g, " ").replace(/\s+/g, " ").trim();
  const all = (selector: string) => [...target.querySelectorAll(selector)].map((node) => (node.textContent ?? "").replace(/[\u00a0\u202f]/g, " ").replace(/\s+/g, " ").trim());
  return { target, text, all };
}

afterEach(() => {
  mounted.splice(0).forEach((component) => unmount(component));
  document.body.innerHTML = "";
  i18n.lang = "en";
});

const matching: InvoiceCheck = {
  invoice: "G1",
  currency: "EUR",
  invoicePreTax: "4149.27",
  fileTotal: "4149.27",
  difference: "0.00",
  matches: true,
  notes: [{ kind: "chargeTypes", types: [{ name: "Usage", cost: "4049.27" }, { name: "Purchase", cost: "100" }] }],
};

const differing: InvoiceCheck = {
  ...matching,
  invoicePreTax: "3899.27",
  difference: "250.00",
  matches: false,
  notes: [
    { kind: "creditsApplied", amount: "250.00" },
    { kind: "otherInvoices", invoices: ["G2", "G3"] },
    { kind: "otherInvoices", invoices: [] },
    { kind: "otherCurrency", file: ["EUR", "USD"] },
    ...matching.notes,
  ],
};

describe("the check of a usage file against its invoice", () => {
  it("says it matches in words beside an icon, with both amounts and the charge types", () => {
    const { text, all, target } = render(UsageCheck, { check: matching });
    expect(text('[data-testid="check-verdict"]')).toBe("Matches the invoice's pre-tax amount");
    expect(target.querySelectorAll('[data-testid="check-verdict"] svg')).toHaveLength(1);
    expect(text('[data-testid="check-file-total"]')).toBe("€4,149.27");
    expect(text('[data-testid="check-invoice"]')).toBe("€4,149.27");
    expect(all('[data-testid="check-note"]')).toEqual([]);
    expect(all('[data-testid="check-charge-types"] > *')).toEqual(["Usage", "€4,049.27", "Purchase", "€100.00"]);
  });

  it("says by how much it differs and what explains it, in English", () => {
    const { text, all } = render(UsageCheck, { check: differing });
    expect(text('[data-testid="check-verdict"]')).toBe("Differs from the invoice's pre-tax amount by €250.00");
    expect(all('[data-testid="check-note"]')).toEqual([
      "The invoice applied €250.00 of credits and prepayments; the file lists the charges before them.",
      "The file also has rows of other invoices: G2 and G3.",
      "The file's rows name no invoice: it may not be this invoice's file.",
      "The file is in EUR and USD, not in the invoice's currency.",
    ]);
  });

  it("says the same in Dutch", () => {
    i18n.lang = "nl";
    const { text, all } = render(UsageCheck, { check: differing });
    expect(text('[data-testid="check-verdict"]')).toBe("Wijkt € 250,00 af van het factuurbedrag vóór btw");
    expect(all('[data-testid="check-note"]')).toEqual([
      "Op de factuur is € 250,00 aan tegoed en vooruitbetaling verrekend; het bestand toont de kosten daarvóór.",
      "Het bestand bevat ook regels van andere facturen: G2 en G3.",
      "De regels van het bestand noemen geen factuur: het is misschien niet het bestand van deze factuur.",
      "Het bestand is in EUR en USD, niet in de valuta van de factuur.",
    ]);
    const matched = render(UsageCheck, { check: matching });
    expect(matched.text('[data-testid="check-verdict"]')).toBe("Komt overeen met het factuurbedrag vóór btw");
  });
});

describe("a breakdown of a usage file", () => {
  const shares = ["500", "400", "300", "200", "100", "50", "25"].map((cost, index) => ({ name: index === 1 ? "" : `s${index}`, cost, rows: 1 }));

  it("shows the five largest with a bar each and the rest as other, a share without a name by what it is", () => {
    const { all, text, target } = render(UsageShares, { title: "Cost per resource group", shares, currency: "EUR", unnamed: "Outside any resource group", testid: "groups" });
    expect(all('[data-testid="share"] .name')).toEqual(["s0", "Outside any resource group", "s2", "s3", "s4"]);
    expect(text('[data-testid="share-other"]')).toBe("Other (2) €75.00");
    const widths = [...target.querySelectorAll<HTMLElement>(".fill")].map((bar) => bar.style.width);
    expect(widths).toEqual(["100%", "80%", "60%", "40%", "20%", "15%"]);
  });

  it("names other in Dutch", () => {
    i18n.lang = "nl";
    const { text } = render(UsageShares, { title: "Kosten per resourcegroep", shares, currency: "EUR", testid: "groups" });
    expect(text('[data-testid="share-other"]')).toBe("Overig (2) € 75,00");
  });
});
