// The words of usage files: the action a period offers (named as the portal names it for that
// agreement), what a usage request covers, whether it can be asked for and a usage job's step.
// Pure functions of the shell's answers and the UI language.
import { t, type Lang } from "../i18n/i18n.svelte";
import type { JobStage, PeriodView, ScopeSummary, UsagePeriod, UsageSelection } from "./bindings";
import { formatMonth, formatPeriod } from "./format";
import { capabilitySentence } from "./reason";

/** "Download CSV", "Download for the month", "Azure usage and charges", "Month-to-date charges". */
export function usageAction(selection: UsageSelection, lang: Lang): string {
  return t(`usage.action.${selection.kind}`, undefined, lang);
}

/** What a usage request covers: "October 2026", "Sep 15 – Oct 14, 2026", "invoice G0123". */
export function usageTarget(selection: UsageSelection, lang: Lang): string {
  switch (selection.kind) {
    case "months":
      return selection.from === selection.to
        ? formatMonth(`${selection.from}-01`, lang)
        : `${formatMonth(`${selection.from}-01`, lang)} – ${formatMonth(`${selection.to}-01`, lang)}`;
    case "days":
      return formatPeriod(selection.start, selection.end, lang);
    case "invoice":
      return t("usage.selection.invoice", { invoice: selection.invoice }, lang);
    case "openMonth":
      return t("usage.selection.openMonth", undefined, lang);
  }
}

/** The days a usage file holds, as the summary names them. */
export function usagePeriodText(period: UsagePeriod, lang: Lang): string {
  const days = formatPeriod(period.start, period.end, lang);
  if (period.monthToDate) return `${days} (${t("usage.monthToDate", undefined, lang)})`;
  return period.invoice ? `${days} · ${t("usage.selection.invoice", { invoice: period.invoice }, lang)}` : days;
}

/**
 * Why the usage of `period` cannot be asked for, in one sentence; null when it can: the role
 * or the EA policy does not allow it (the capability's sentence), or Azure has no report for it.
 */
export function usageBlocked(scope: ScopeSummary, period: PeriodView, lang: Lang): string | null {
  const capability = scope.capabilities.downloadUsage;
  if (!capability.allowed) return capabilitySentence(capability, lang) ?? t("capability.deniedNoRole", undefined, lang);
  return period.usage ? null : t("usage.unavailable", undefined, lang);
}

/** A usage job's step in words: "Azure is preparing the report (report 2 of 3)". */
export function stageText(stage: JobStage, lang: Lang): string {
  const text =
    stage.step === "downloading"
      ? t("activity.stage.downloading", { file: stage.file, files: stage.files }, lang)
      : t(`activity.stage.${stage.step}`, undefined, lang);
  return stage.reports > 1 ? t("activity.stage.ofReports", { stage: text, report: stage.report, reports: stage.reports }, lang) : text;
}
