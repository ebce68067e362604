import { describe, expect, it } from "vitest";
import { previewTemplate, TEMPLATE_SAMPLE } from "./template";

describe("file-name template preview", () => {
  it("fills every known placeholder with the sample values", () => {
    expect(previewTemplate("{billingAccount}/{yyyy}-{mm} {invoiceName}")).toEqual({
      name: "Contoso Ltd/2026-09 G012345678.pdf",
      unknown: [],
    });
  });

  it("repeats placeholders and keeps literal text", () => {
    expect(previewTemplate("Invoice {yyyy}{mm} ({yyyy})").name).toBe("Invoice 202609 (2026).pdf");
  });

  it("keeps an extension the template already has", () => {
    expect(previewTemplate("{invoiceName}.pdf").name).toBe("G012345678.pdf");
  });

  it("reports unknown placeholders once and leaves them visible", () => {
    expect(previewTemplate("{month}-{invoiceName}-{month}-{}")).toEqual({
      name: "{month}-G012345678-{month}-{}.pdf",
      unknown: ["{month}", "{}"],
    });
  });

  it("uses given values", () => {
    expect(previewTemplate("{billingAccount}", { ...TEMPLATE_SAMPLE, billingAccount: "Fabrikam" }).name).toBe("Fabrikam.pdf");
  });

  it("handles an empty template", () => {
    expect(previewTemplate("  ").name).toBe(".pdf");
  });
});
