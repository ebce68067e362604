import { describe, expect, it } from "vitest";
import en from "../i18n/en.json";
import nl from "../i18n/nl.json";
import type { CapabilityView, PeriodView, ScopeSummary } from "./bindings";
import { stageText, usageAction, usageBlocked, usagePeriodText, usageTarget } from "./usageText";

const plain = (text: string) => text.replace(/[\u2009\u202f\u00a0]/g, " ");
const allowed: CapabilityView = { state: "allowed", allowed: true, reason: null, missingRole: null, grantedBy: null, policy: null, portalUrl: null };
const scopeWith = (downloadUsage: CapabilityView) =>
  ({ capabilities: { listInvoices: allowed, downloadInvoices: allowed, downloadUsage, manageEmail: allowed } }) as unknown as ScopeSummary;
const period = (usage: PeriodView["usage"]): PeriodView =>
  ({ start: "2026-09-01", end: "2026-09-30", name: null, invoices: [], reason: { code: "available" }, expectedInvoiceDate: "2026-10-05", usage }) as unknown as PeriodView;

describe("usage words", () => {
  it("name each usage as the portal does for its agreement, in English and Dutch", () => {
    expect(usageAction({ kind: "days", start: "2026-08-05", end: "2026-09-04" }, "en")).toBe("Download CSV");
    expect(usageAction({ kind: "days", start: "2026-08-05", end: "2026-09-04" }, "nl")).toBe("CSV downloaden");
    expect(usageAction({ kind: "months", from: "2026-09", to: "2026-09" }, "nl")).toBe("Downloaden voor de maand");
    expect(usageAction({ kind: "invoice", invoice: "G1" }, "en")).toBe("Azure usage and charges");
    expect(usageAction({ kind: "invoice", invoice: "G1" }, "nl")).toBe("Azure-gebruik en -kosten");
    expect(usageAction({ kind: "openMonth" }, "en")).toBe("Month-to-date charges (not final)");
    expect(usageAction({ kind: "openMonth" }, "nl")).toBe("Kosten tot nu toe (niet definitief)");
  });

  it("say what a request covers", () => {
    expect(usageTarget({ kind: "months", from: "2026-09", to: "2026-09" }, "nl")).toBe("september 2026");
    expect(usageTarget({ kind: "months", from: "2026-07", to: "2026-09" }, "en")).toBe("July 2026 – September 2026");
    expect(plain(usageTarget({ kind: "days", start: "2026-08-05", end: "2026-09-04" }, "en"))).toBe("Aug 5 – Sep 4, 2026");
    expect(usageTarget({ kind: "invoice", invoice: "G048213" }, "nl")).toBe("factuur G048213");
    expect(usageTarget({ kind: "openMonth" }, "en")).toBe(en["usage.selection.openMonth"]);
    expect(usagePeriodText({ start: "2026-11-01", end: "2026-11-03", invoice: null, monthToDate: true }, "en")).toContain(en["usage.monthToDate"]);
    expect(usagePeriodText({ start: "2026-09-01", end: "2026-09-30", invoice: "G1", monthToDate: false }, "en")).toBe("September 2026 · invoice G1");
  });

  it("say a usage job's step, and which report when there are several", () => {
    expect(stageText({ step: "requested", report: 1, reports: 1 }, "en")).toBe(en["activity.stage.requested"]);
    expect(stageText({ step: "downloading", report: 1, reports: 1, file: 2, files: 3 }, "en")).toBe("Downloading file 2 of 3");
    expect(stageText({ step: "preparing", report: 2, reports: 3 }, "en")).toBe("Azure is preparing the report (report 2 of 3)");
    expect(stageText({ step: "joining", report: 3, reports: 3 }, "nl")).toBe(`${nl["activity.stage.joining"]} (rapport 3 van 3)`);
  });

  it("say why a usage cannot be asked for: the capability's sentence first, then Azure's limits", () => {
    const offered = period({ kind: "months", from: "2026-09", to: "2026-09" });
    expect(usageBlocked(scopeWith(allowed), offered, "en")).toBeNull();
    expect(usageBlocked(scopeWith(allowed), period(null), "en")).toBe(en["usage.unavailable"]);
    const policyOff: CapabilityView = { ...allowed, state: "denied", allowed: false, grantedBy: "enterprise_administrator", policy: "account_owner_view_charges" };
    expect(usageBlocked(scopeWith(policyOff), offered, "en")).toBe(
      "An enterprise administrator has to turn on the policy “Account owners can view charges”.",
    );
    expect(usageBlocked(scopeWith(policyOff), offered, "nl")).not.toBe(usageBlocked(scopeWith(policyOff), offered, "en"));
  });
});
