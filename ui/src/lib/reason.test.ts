import { describe, expect, it } from "vitest";
import en from "../i18n/en.json";
import nl from "../i18n/nl.json";
import type { CapabilityView, PeriodView, ReasonCode, ReasonView, ScopeSummary } from "./bindings";
import { formatDecimal, formatPeriod, isCalendarMonth } from "./format";
import { capabilitySentence, invoiceRefusalText, reasonCard, reasonShort, statusText } from "./reason";

const reason = (code: ReasonCode, patch: Partial<ReasonView> = {}): ReasonView => ({
  code, portalUrl: null, subscriptionCreated: null, expectedOn: null, missingRole: null, grantedBy: null, policy: null, grantorContact: null, recipient: null, signals: [], facts: [], ...patch,
});
const period = (why: ReasonView, start = "2026-10-01", end = "2026-10-31"): PeriodView => ({ start, end, name: null, invoices: [], reason: why, expectedInvoiceDate: "2026-11-05", usage: null, usageKey: null });
const cap = (patch: Partial<CapabilityView>): CapabilityView => ({ state: "allowed", allowed: patch.state === undefined || patch.state === "allowed", reason: null, missingRole: null, grantedBy: null, policy: null, grantorContact: null, portalUrl: null, ...patch });
const scope = { roles: ["billing_profile_reader"], capabilities: { listInvoices: cap({ portalUrl: "https://portal.azure.com/#x" }), downloadInvoices: cap({}), downloadUsage: cap({}), manageEmail: cap({}) } } as unknown as ScopeSummary;

describe("reason card", () => {
  it("words a new subscription with its dates, in English and Dutch", () => {
    const p = period(reason("subscription_too_new", { subscriptionCreated: "2026-10-20", expectedOn: "2026-11-19" }));
    const card = reasonCard(p, scope, "en");
    expect(card.headline).toBe("No invoice yet for October 2026");
    expect(card.text).toBe(en["reason.text.subscription_too_new"].replace("{created}", "Oct 20, 2026"));
    expect(card.facts).toContain("Subscription created on Oct 20, 2026");
    expect(card.facts).toContain("Your role: billing profile reader");
    expect(card.next).toBe("Your first invoice is expected after Nov 19, 2026.");
    const dutch = reasonCard(p, scope, "nl");
    expect(dutch.headline).toBe("Nog geen factuur voor oktober 2026");
    expect(dutch.text).toContain("minder dan 30 dagen geleden dat u zich geabonneerd hebt op Azure (op 20 okt. 2026)");
  });

  it("words every other reason, with and without the optional facts", () => {
    expect(reasonCard(period(reason("not_generated_yet", { expectedOn: "2026-11-05" })), null, "nl").text).toBe(
      nl["reason.text.not_generated_yet"].replace("{date}", "5 nov. 2026"),
    );
    const denied = reasonCard(period(reason("no_permission", { missingRole: "billing_profile_reader", grantedBy: "billing_profile_owner", portalUrl: "https://portal.azure.com/#x" })), scope, "en");
    expect(denied.text).toBe("You do not have permission to view invoices here. That needs the billing profile reader role, which a billing profile owner can give you.");
    expect(denied.portalUrl).toBe("https://portal.azure.com/#x");
    expect(reasonCard(period(reason("no_permission")), null, "nl").text).toBe(nl["reason.text.no_permission.noRole"]);
    const trial = reasonCard(period(reason("free_trial_or_credit_not_exceeded", { signals: ["offer_free_trial"] })), null, "nl");
    expect(trial.text).toBe(nl["reason.text.free_trial_or_credit_not_exceeded"]);
    expect(trial.facts).toContain(nl["reason.signal.offer_free_trial"]);
    expect(reasonCard(period(reason("ea_invoices_are_emailed", { recipient: "Anne" })), null, "en").next).toBe("Ask Anne for a copy, or download the usage data.");
    expect(reasonCard(period(reason("ea_invoices_are_emailed")), null, "nl").text).toBe(nl["reason.text.ea_invoices_are_emailed.noRecipient"]);
    // A view-charges policy keeps usage from this user: the card does not promise it.
    const policyOff = { ...scope, capabilities: { ...scope.capabilities, downloadUsage: cap({ state: "denied", policy: "department_admin_view_charges" }) } } as ScopeSummary;
    const noUsage = reasonCard(period(reason("ea_invoices_are_emailed", { recipient: "Anne" })), policyOff, "en");
    expect(noUsage.text).not.toContain("Usage data");
    expect(noUsage.next).toBe("Ask Anne for a copy.");
    expect(reasonCard(period(reason("ea_invoices_are_emailed")), policyOff, "nl").next).toBe("Vraag de ontvanger van de facturen van de inschrijving om een kopie.");
    const unknown = reasonCard(period(reason("unknown", { facts: [{ code: "today", value: "2026-11-03" }, { code: "scope_kind", value: "ea_department" }] })), null, "en");
    expect(unknown.code).toBe("unknown");
    expect(unknown.headline).toBe("No invoice for October 2026");
    expect(unknown.facts).toContain("Today: Nov 3, 2026");
    expect(unknown.facts).toContain(`Kind of scope: ${en["scopeKind.ea_department"]}`);
  });

  it("sends a pay-as-you-go reader to the account administrator's switch, not to a role", () => {
    const off = reason("no_permission", {
      missingRole: "account_administrator",
      grantedBy: "account_administrator",
      policy: "allow_others_to_download_invoice",
      grantorContact: "alex@contoso.example",
    });
    const card = reasonCard(period(off), scope, "en");
    expect(card.text).toBe("Only the account administrator sees this subscription's invoices until they allow others to download them.");
    expect(card.next).toBe("Ask the account administrator (alex@contoso.example) to turn on “Allow others to download invoice” for this subscription in the Azure portal.");
    expect(card.facts.join(" ")).not.toContain("Missing role");
    const dutch = reasonCard(period(off), scope, "nl");
    expect(dutch.next).toBe(
      "Vraag de accountbeheerder (alex@contoso.example) om in de Azure-portal bij dit abonnement „Toestaan dat anderen de factuur downloaden” op Aan te zetten.",
    );
    // Without an address Azure showed, the administrator is named by role alone.
    expect(reasonCard(period({ ...off, grantorContact: null }), scope, "en").next).toBe(
      "Ask the account administrator to turn on “Allow others to download invoice” for this subscription in the Azure portal.",
    );
  });

  it("has a short line per reason", () => {
    expect(reasonShort(period(reason("not_generated_yet")), "en")).toBe("Not generated yet, expected Nov 5, 2026");
    expect(reasonShort(period(reason("ea_invoices_are_emailed")), "nl")).toBe(nl["reason.short.ea_invoices_are_emailed"]);
  });
});

describe("capability sentences", () => {
  it("say which role is missing and who grants it, or why it is not offered", () => {
    expect(capabilitySentence(cap({}), "en")).toBeNull();
    expect(capabilitySentence(cap({ state: "denied", missingRole: "billing_profile_contributor", grantedBy: "billing_profile_owner" }), "en")).toBe(
      "You need the billing profile contributor role; a billing profile owner can grant it.",
    );
    expect(capabilitySentence(cap({ state: "denied", policy: "department_admin_view_charges", grantedBy: "enterprise_administrator" }), "nl")).toBe(
      "Een Enterprise-beheerder moet het beleid „Afdelingsbeheerders kunnen kosten weergeven” inschakelen.",
    );
    const allowOthers = cap({
      state: "denied",
      missingRole: "account_administrator",
      grantedBy: "account_administrator",
      policy: "allow_others_to_download_invoice",
      grantorContact: "alex@contoso.example",
    });
    expect(capabilitySentence(allowOthers, "en")).toBe(
      "The account administrator (alex@contoso.example) can turn on “Allow others to download invoice” for this subscription in the Azure portal.",
    );
    expect(capabilitySentence(allowOthers, "nl")).toBe(
      "De accountbeheerder (alex@contoso.example) kan in de Azure-portal bij dit abonnement „Toestaan dat anderen de factuur downloaden” op Aan zetten.",
    );
    expect(capabilitySentence({ ...allowOthers, grantorContact: null }, "en")).not.toContain("role");
    expect(invoiceRefusalText("account_administrator_only_before_december_2016", "nl")).toBe(
      "Facturen van vóór december 2016 kan alleen de accountbeheerder downloaden.",
    );
    expect(capabilitySentence(cap({ state: "denied" }), "en")).toBe(en["capability.deniedNoRole"]);
    expect(capabilitySentence(cap({ state: "notOffered", reason: "ea_invoices_are_emailed" }), "en")).toBe(en["capability.notOffered.ea_invoices_are_emailed"]);
    expect(capabilitySentence(cap({ state: "notOffered", reason: "new_reason" as CapabilityView["reason"] }), "nl")).toBe(nl["capability.notOffered.other"]);
  });

  it("translate statuses and show unknown ones as sent", () => {
    expect(statusText("OverDue", "nl")).toBe("Achterstallig");
    expect(statusText("PartiallyPaid", "nl")).toBe("PartiallyPaid");
  });
});

describe("period and amount formatting", () => {
  it("names calendar months and ranges other periods", () => {
    expect(isCalendarMonth("2026-02-01", "2026-02-28")).toBe(true);
    expect(isCalendarMonth("2026-02-01", "2026-02-27")).toBe(false);
    expect(formatPeriod("2026-10-01", "2026-10-31", "nl")).toBe("oktober 2026");
    // ICU versions differ in the spaces around the dash (thin or plain).
    const plain = (text: string) => text.replace(/\s/g, " ");
    expect(plain(formatPeriod("2026-09-05", "2026-10-04", "nl"))).toBe("5 sep. – 4 okt. 2026");
    expect(plain(formatPeriod("2026-09-05", "2026-10-04", "en"))).toBe("Sep 5 – Oct 4, 2026");
  });

  it("formats exact decimal strings without losing digits", () => {
    expect(formatDecimal("1234.56", "EUR", "nl")).toBe("€\u00a01.234,56");
    expect(formatDecimal("1234.56", "USD", "en")).toBe("$1,234.56");
    expect(formatDecimal("12345678901234567.89", "EUR", "en")).toBe("€12,345,678,901,234,567.89");
    expect(formatDecimal("10.5", null, "en")).toBe("10.50");
  });
});
