// The e2e mock's stand-in for the shell's `preview_file_name` (the real rule lives in Rust,
// crates/files): the same placeholders and sample values, enough for the UI tests.
import type { FileNamePreview } from "../lib/bindings";

const SAMPLE: Record<string, string> = {
  billingAccount: "Contoso Ltd",
  billingProfile: "Contoso Finance",
  scope: "Contoso Finance",
  subscription: "Pay-As-You-Go",
  yyyy: "2026",
  mm: "09",
  dd: "05",
  invoiceName: "G012345678",
  documentKind: "Invoice",
  documentName: "G012345678-1",
};

export function previewFileName(template: string): FileNamePreview {
  const fields = Object.keys(SAMPLE).map((name) => `{${name}}`);
  if (template.trim() === "") return { name: null, unknown: [], problem: "template_empty", fields };
  const unknown: string[] = [];
  const filled = template.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    if (Object.hasOwn(SAMPLE, name)) return SAMPLE[name];
    if (!unknown.includes(whole)) unknown.push(whole);
    return whole;
  });
  if (unknown.length > 0) return { name: null, unknown, problem: "template_unknown_placeholder", fields };
  const trimmed = filled.trim();
  return { name: /\.[A-Za-z0-9]{2,4}$/.test(trimmed) ? trimmed : `${trimmed}.pdf`, unknown: [], problem: null, fields };
}
