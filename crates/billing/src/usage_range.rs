//! The usage reports a range of days becomes under Cost Management's limits: one report covers
//! at most one month, and none may start more than 13 months before the current month. A longer
//! range becomes one report per calendar month; what lies beyond the 13 months is said, with
//! its dates, instead of being left out silently.

use time::Date;

use crate::periods::{InvoiceRange, calendar_months};

/// The oldest month a report may start in, counted back from the month of `today`.
pub const REPORT_MONTHS_BACK: u16 = 13;

/// One report's days, both ends included, within one calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportWindow {
    pub start: Date,
    pub end: Date,
}

/// How a range of days is reported.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportPlan {
    /// The reports to request, oldest first.
    pub windows: Vec<ReportWindow>,
    /// The days before the oldest month Azure still reports on, when the range reaches back
    /// that far.
    pub too_old: Option<ReportWindow>,
}

/// Splits `start..=end` into monthly reports, up to `today` and no further back than
/// [`REPORT_MONTHS_BACK`] months before the month of `today`.
#[must_use]
pub fn report_plan(start: Date, end: Date, today: Date) -> ReportPlan {
    let end = end.min(today);
    let mut plan = ReportPlan::default();
    if end < start {
        return plan;
    }
    let oldest = InvoiceRange::last_months(today, REPORT_MONTHS_BACK).start;
    if start < oldest {
        plan.too_old = Some(ReportWindow {
            start,
            end: end.min(oldest.previous_day().unwrap_or(oldest)),
        });
    }
    let from = start.max(oldest);
    if from > end {
        return plan;
    }
    let mut months = calendar_months(&InvoiceRange::new(from, end));
    months.reverse();
    plan.windows = months
        .into_iter()
        .map(|month| ReportWindow {
            start: month.start.max(from),
            end: month.end.min(end),
        })
        .collect();
    plan
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn windows(plan: &ReportPlan) -> Vec<(Date, Date)> {
        plan.windows.iter().map(|w| (w.start, w.end)).collect()
    }

    #[test]
    fn a_longer_range_becomes_one_report_per_calendar_month() {
        let plan = report_plan(
            date!(2026 - 08 - 15),
            date!(2026 - 10 - 31),
            date!(2026 - 11 - 18),
        );
        assert_eq!(
            windows(&plan),
            [
                (date!(2026 - 08 - 15), date!(2026 - 08 - 31)),
                (date!(2026 - 09 - 01), date!(2026 - 09 - 30)),
                (date!(2026 - 10 - 01), date!(2026 - 10 - 31)),
            ]
        );
        assert_eq!(plan.too_old, None);
    }

    #[test]
    fn the_running_month_ends_today_and_leap_februaries_and_new_year_are_whole_months() {
        let plan = report_plan(
            date!(2027 - 12 - 20),
            date!(2028 - 12 - 31),
            date!(2028 - 03 - 01),
        );
        assert_eq!(
            windows(&plan),
            [
                (date!(2027 - 12 - 20), date!(2027 - 12 - 31)),
                (date!(2028 - 01 - 01), date!(2028 - 01 - 31)),
                (date!(2028 - 02 - 01), date!(2028 - 02 - 29)),
                (date!(2028 - 03 - 01), date!(2028 - 03 - 01)),
            ]
        );
    }

    #[test]
    fn what_lies_beyond_thirteen_months_is_said_not_skipped() {
        // On 2026-11-18 the oldest report may start on 2025-10-01.
        let plan = report_plan(
            date!(2025 - 08 - 01),
            date!(2025 - 11 - 30),
            date!(2026 - 11 - 18),
        );
        assert_eq!(
            plan.too_old,
            Some(ReportWindow {
                start: date!(2025 - 08 - 01),
                end: date!(2025 - 09 - 30),
            })
        );
        assert_eq!(
            windows(&plan),
            [
                (date!(2025 - 10 - 01), date!(2025 - 10 - 31)),
                (date!(2025 - 11 - 01), date!(2025 - 11 - 30)),
            ]
        );
        let all_old = report_plan(
            date!(2024 - 01 - 01),
            date!(2024 - 03 - 31),
            date!(2026 - 11 - 18),
        );
        assert!(all_old.windows.is_empty());
        assert_eq!(all_old.too_old.unwrap().end, date!(2024 - 03 - 31));
    }

    #[test]
    fn a_range_in_the_future_or_reversed_has_no_reports() {
        assert_eq!(
            report_plan(
                date!(2026 - 12 - 01),
                date!(2026 - 12 - 31),
                date!(2026 - 11 - 18)
            ),
            ReportPlan::default()
        );
        assert_eq!(
            report_plan(
                date!(2026 - 10 - 31),
                date!(2026 - 10 - 01),
                date!(2026 - 11 - 18)
            ),
            ReportPlan::default()
        );
    }
}
