// The words of a reason card and of a capability: pure functions of the shell's facts and the
// UI language, so every branch can be tested without a browser.
import { has, t, type Lang, type MessageKey } from "../i18n/i18n.svelte";
import type { BillingRole, CapabilityView, InvoiceRefusal, PeriodView, ScopeSummary } from "./bindings";
import { formatDate, formatPeriod } from "./format";

/** A catalogue text for a dynamic key, or `fallback` when the catalogue has none. */
function lookup(key: string, fallback: string, lang: Lang): string {
  return has(key) ? t(key as MessageKey, undefined, lang) : fallback;
}

export const roleName = (role: BillingRole, lang: Lang) => t(`role.${role}`, undefined, lang);
export const roleHint = (role: BillingRole, lang: Lang) => t(`roleHint.${role}`, undefined, lang);
export const grantorName = (role: BillingRole, lang: Lang) => t(`grantor.${role}`, undefined, lang);

/** Who grants, with the address Azure names them by when the shell has one. */
function namedGrantor(role: BillingRole, contact: string | null | undefined, lang: Lang): string {
  const grantor = grantorName(role, lang);
  const address = contact?.trim();
  return address ? t("grantor.named", { grantor, contact: address }, lang) : grantor;
}

/** Why one invoice may not be downloaded where the scope's others may. */
export const invoiceRefusalText = (refusal: InvoiceRefusal, lang: Lang) =>
  lookup(`invoiceRefusal.${refusal}`, t("errors.invoice_refused.message", undefined, lang), lang);
export const statusText = (status: string, lang: Lang) => lookup(`status.${status}`, status, lang);
export const documentText = (kind: string, lang: Lang) => lookup(`document.${kind}`, kind, lang);

/** The date a period's missing invoice is expected. */
function expectedDate(period: PeriodView): string {
  return period.reason.expectedOn ?? period.expectedInvoiceDate;
}

/** The one short line in the table for a period without an invoice. */
export function reasonShort(period: PeriodView, lang: Lang): string {
  const code = period.reason.code;
  return t(`reason.short.${code}`, { date: formatDate(expectedDate(period), lang) }, lang);
}

export interface ReasonCardText {
  code: string;
  headline: string;
  text: string;
  facts: string[];
  next: string;
  /** Where in the portal to look or ask, when the shell knows. */
  portalUrl: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function factValue(code: string, value: string, lang: Lang): string {
  if (DATE.test(value)) return formatDate(value, lang);
  if (code === "scope_kind") return lookup(`scopeKind.${value}`, value, lang);
  if (code === "period") {
    const [start, end] = value.split(/\s+[–-]\s+/);
    if (start && end && DATE.test(start) && DATE.test(end)) return formatPeriod(start, end, lang);
  }
  return value;
}

/** Everything the reason card says about one period of one scope. */
export function reasonCard(period: PeriodView, scope: ScopeSummary | null, lang: Lang): ReasonCardText {
  const reason = period.reason;
  const code = reason.code;
  const when = formatPeriod(period.start, period.end, lang);
  const yet = code === "subscription_too_new" || code === "not_generated_yet";
  const headline = t(yet ? "reason.headlineYet" : "reason.headline", { period: when }, lang);
  const date = (value: string) => formatDate(value, lang);
  const role = reason.missingRole ? roleName(reason.missingRole, lang) : null;
  const grantor = reason.grantedBy ? grantorName(reason.grantedBy, lang) : null;
  const recipient = reason.recipient;

  let text: string;
  let next: string;
  switch (code) {
    case "subscription_too_new": {
      const created = reason.subscriptionCreated;
      text = created
        ? t("reason.text.subscription_too_new", { created: date(created) }, lang)
        : t("reason.text.subscription_too_new.noDate", undefined, lang);
      const after = reason.expectedOn;
      next = after
        ? t("reason.next.subscription_too_new", { date: date(after) }, lang)
        : t("reason.next.subscription_too_new.noDate", undefined, lang);
      break;
    }
    case "not_generated_yet":
      text = t("reason.text.not_generated_yet", { date: date(expectedDate(period)) }, lang);
      next = t("reason.next.not_generated_yet", { date: date(expectedDate(period)) }, lang);
      break;
    case "no_permission":
      if (reason.policy && reason.grantedBy) {
        // A switch someone turns on, not a role, keeps the invoices: ask for the switch.
        const who = namedGrantor(reason.grantedBy, reason.grantorContact, lang);
        text = lookup(`reason.text.no_permission.policy.${reason.policy}`, t("reason.text.no_permission.noRole", undefined, lang), lang);
        const nextKey = `reason.next.no_permission.policy.${reason.policy}`;
        next = has(nextKey) ? t(nextKey as MessageKey, { grantor: who }, lang) : t("reason.next.no_permission.noRole", undefined, lang);
      } else if (role && grantor) {
        text = t("reason.text.no_permission", { role, grantor }, lang);
        next = t("reason.next.no_permission", { role, grantor }, lang);
      } else {
        text = t("reason.text.no_permission.noRole", undefined, lang);
        next = t("reason.next.no_permission.noRole", undefined, lang);
      }
      break;
    case "ea_invoices_are_emailed": {
      // The usage download is promised only where the user may have it (a view-charges
      // policy can keep it from department administrators and account owners).
      const usageOff = scope?.capabilities.downloadUsage.allowed === false;
      if (usageOff) {
        text = recipient
          ? t("reason.text.ea_invoices_are_emailed.usageOff", { recipient }, lang)
          : t("reason.text.ea_invoices_are_emailed.noRecipient.usageOff", undefined, lang);
        next = recipient
          ? t("reason.next.ea_invoices_are_emailed.usageOff", { recipient }, lang)
          : t("reason.next.ea_invoices_are_emailed.noRecipient.usageOff", undefined, lang);
      } else {
        text = recipient
          ? t("reason.text.ea_invoices_are_emailed", { recipient }, lang)
          : t("reason.text.ea_invoices_are_emailed.noRecipient", undefined, lang);
        next = recipient
          ? t("reason.next.ea_invoices_are_emailed", { recipient }, lang)
          : t("reason.next.ea_invoices_are_emailed.noRecipient", undefined, lang);
      }
      break;
    }
    case "free_trial_or_credit_not_exceeded":
      text = t("reason.text.free_trial_or_credit_not_exceeded", undefined, lang);
      next = t("reason.next.free_trial_or_credit_not_exceeded", undefined, lang);
      break;
    default:
      text = t("reason.text.unknown", undefined, lang);
      next = t("reason.next.unknown", undefined, lang);
  }

  const facts: string[] = [];
  if (reason.subscriptionCreated) facts.push(t("reason.fact.created", { date: date(reason.subscriptionCreated) }, lang));
  facts.push(t("reason.fact.periodEnds", { date: date(period.end) }, lang));
  if (code === "not_generated_yet" || code === "unknown") {
    facts.push(t("reason.fact.expected", { date: date(expectedDate(period)) }, lang));
  }
  if (scope) {
    facts.push(
      scope.roles.length > 0
        ? t("reason.fact.roles", { roles: scope.roles.map((code) => roleName(code, lang)).join(", ") }, lang)
        : t("reason.fact.noRole", undefined, lang),
    );
  }
  if (role && !reason.policy) facts.push(t("reason.fact.missingRole", { role }, lang));
  if (recipient) facts.push(t("reason.fact.recipient", { recipient }, lang));
  for (const signal of reason.signals) facts.push(lookup(`reason.signal.${signal}`, signal, lang));
  const covered = new Set(["subscription_created", "expected_on"]);
  for (const fact of reason.facts) {
    if (covered.has(fact.code)) continue;
    const label = lookup(`reason.factCode.${fact.code}`, fact.code, lang);
    facts.push(t("reason.fact.other", { label, value: factValue(fact.code, fact.value, lang) }, lang));
  }

  return { code, headline, text, facts, next, portalUrl: reason.portalUrl };
}

export type Action = "listInvoices" | "downloadInvoices" | "downloadUsage" | "manageEmail";
export const ACTIONS: readonly Action[] = ["listInvoices", "downloadInvoices", "downloadUsage", "manageEmail"];

/** Why an action is not possible, in one sentence; null when it is allowed. */
export function capabilitySentence(capability: CapabilityView, lang: Lang): string | null {
  switch (capability.state) {
    case "allowed":
      return null;
    case "notOffered":
      return lookup(`capability.notOffered.${capability.reason ?? ""}`, t("capability.notOffered.other", undefined, lang), lang);
    case "denied":
      return deniedSentence(capability, lang);
  }
}

function deniedSentence(capability: CapabilityView, lang: Lang): string {
  const grantor = capability.grantedBy ? grantorName(capability.grantedBy, lang) : null;
  if (capability.policy && capability.grantedBy) {
    const who = namedGrantor(capability.grantedBy, capability.grantorContact, lang);
    const key = `capability.policy.${capability.policy}`;
    const text = has(key) ? t(key as MessageKey, { grantor: who }, lang) : t("capability.policy.other", { grantor: who }, lang);
    return capitalize(text);
  }
  if (capability.missingRole && grantor) {
    return t("capability.denied", { role: roleName(capability.missingRole, lang), grantor }, lang);
  }
  return t("capability.deniedNoRole", undefined, lang);
}

function capitalize(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}
