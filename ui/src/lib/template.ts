/** The placeholders a file-name template may use, with the sample values of the preview. */
export const TEMPLATE_SAMPLE = {
  billingAccount: "Contoso Ltd",
  yyyy: "2026",
  mm: "09",
  invoiceName: "G012345678",
} as const;

export type TemplateField = keyof typeof TEMPLATE_SAMPLE;

export interface TemplatePreview {
  /** The example file name, with `.pdf` added when the template has no extension. */
  name: string;
  /** Placeholders in the template that are not known, e.g. `["{month}"]`. */
  unknown: string[];
}

/** Fills a file-name template with sample values, for the live preview in Settings. */
export function previewTemplate(
  template: string,
  values: Record<TemplateField, string> = TEMPLATE_SAMPLE,
): TemplatePreview {
  const unknown: string[] = [];
  const filled = template.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    if (Object.hasOwn(values, name)) return values[name as TemplateField];
    if (!unknown.includes(whole)) unknown.push(whole);
    return whole;
  });
  const trimmed = filled.trim();
  const name = /\.[A-Za-z0-9]{2,4}$/.test(trimmed) ? trimmed : `${trimmed}.pdf`;
  return { name, unknown };
}
