import { has, t, type Lang } from "../i18n/i18n.svelte";
import type { AppError } from "./bindings";

/** The sentence and hint a user reads for an error: from the catalogue by code, else Rust's words. */
export function describeError(error: AppError, lang?: Lang): { message: string; hint: string | null } {
  const messageKey = `errors.${error.code}.message`;
  const hintKey = `errors.${error.code}.hint`;
  if (!has(messageKey)) return { message: error.message, hint: error.hint };
  return {
    message: t(messageKey, undefined, lang),
    hint: has(hintKey) ? t(hintKey, undefined, lang) : error.hint,
  };
}

/** Plain text for the clipboard: what a support person needs, in English and as shown. */
export function errorReport(error: AppError, shown: string): string {
  const lines = [`${error.code}: ${shown}`];
  if (error.message && error.message !== shown) lines.push(error.message);
  if (error.hint) lines.push(error.hint);
  if (error.details) lines.push("", error.details);
  return lines.join("\n");
}
