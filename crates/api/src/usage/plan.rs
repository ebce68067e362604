//! What a usage request becomes: one report per month under Azure's limits, each with the
//! period selector its agreement takes (an EA billing period, an invoice id, days), and which
//! usage a billing period's row offers.

use time::{Date, Month};

use invoice_desk_billing::model::{CostDetailsTimePeriod, GenerateCostDetailsReportRequest};
use invoice_desk_billing::usage_range::{ReportWindow, report_plan};
use invoice_desk_billing::{AgreementFamily, BillingScope, PeriodRow, ScopeKind};

use super::{UsageError, UsagePeriod, UsageSelection};

/// One report to request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedReport {
    pub request: GenerateCostDetailsReportRequest,
    pub start: Date,
    pub end: Date,
    pub invoice: Option<String>,
    pub month_to_date: bool,
}

impl PlannedReport {
    pub(crate) fn period(&self) -> UsagePeriod {
        UsagePeriod {
            start: self.start.to_string(),
            end: self.end.to_string(),
            invoice: self.invoice.clone(),
            month_to_date: self.month_to_date,
        }
    }

    /// The index's name for this report's file: the invoice, else its days.
    pub(crate) fn index_key(&self) -> String {
        self.invoice
            .clone()
            .unwrap_or_else(|| format!("{}..{}", self.start, self.end))
    }

    pub(crate) fn document_name(&self) -> &'static str {
        if self.month_to_date {
            "usage-to-date"
        } else {
            "usage"
        }
    }
}

/// The reports a selection becomes at `scope`, and the days Azure no longer reports on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UsagePlan {
    pub reports: Vec<PlannedReport>,
    pub too_old: Option<ReportWindow>,
}

/// An invoice's billing period, looked up before planning an [`UsageSelection::Invoice`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoicePeriod {
    pub start: Date,
    pub end: Date,
}

/// Turns a selection into reports. `invoice_period` is the named invoice's period (for names
/// and, pay-as-you-go, the days to report).
pub fn plan_usage(
    scope: &BillingScope,
    selection: &UsageSelection,
    today: Date,
    invoice_period: Option<InvoicePeriod>,
) -> Result<UsagePlan, UsageError> {
    let family = scope.family();
    match selection {
        UsageSelection::Months { from, to } => {
            let start = month_start(from)?;
            let end = month_end(to)?;
            if end < start {
                return Err(bad(format!("{from} comes after {to}")));
            }
            let plan = report_plan(start, end, today);
            let reports = plan
                .windows
                .iter()
                .map(|window| {
                    if family == AgreementFamily::Ea {
                        // EA reports by billing period: the whole month, as the portal's
                        // "Download for the month".
                        PlannedReport {
                            request: GenerateCostDetailsReportRequest {
                                billing_period: Some(format!(
                                    "{:04}{:02}",
                                    window.start.year(),
                                    u8::from(window.start.month())
                                )),
                                ..Default::default()
                            },
                            start: window.start,
                            end: window.end,
                            invoice: None,
                            month_to_date: is_running_month(window.start, today),
                        }
                    } else {
                        days_report(window.start, window.end, today)
                    }
                })
                .collect();
            Ok(UsagePlan {
                reports,
                too_old: plan.too_old,
            })
        }
        UsageSelection::Days { start, end } => {
            let start = day(start)?;
            let end = day(end)?.min(today);
            if end < start {
                return Err(bad(format!("{start} comes after {end}")));
            }
            let oldest = invoice_desk_billing::InvoiceRange::last_months(
                today,
                invoice_desk_billing::usage_range::REPORT_MONTHS_BACK,
            )
            .start;
            // One report covers up to a month: a billing period from the 15th to the 14th
            // is one report, as in the portal.
            if start >= oldest && end < add_month(start) {
                return Ok(UsagePlan {
                    reports: vec![days_report(start, end, today)],
                    too_old: None,
                });
            }
            let plan = report_plan(start, end, today);
            Ok(UsagePlan {
                reports: plan
                    .windows
                    .iter()
                    .map(|w| days_report(w.start, w.end, today))
                    .collect(),
                too_old: plan.too_old,
            })
        }
        UsageSelection::Invoice { invoice } => {
            let period = invoice_period
                .ok_or_else(|| bad(format!("invoice {invoice} has no billing period")))?;
            match scope.kind {
                ScopeKind::McaBillingProfile => Ok(UsagePlan {
                    reports: vec![PlannedReport {
                        request: GenerateCostDetailsReportRequest {
                            invoice_id: Some(invoice.clone()),
                            ..Default::default()
                        },
                        start: period.start,
                        end: period.end,
                        invoice: Some(invoice.clone()),
                        month_to_date: false,
                    }],
                    too_old: None,
                }),
                ScopeKind::MospSubscription => {
                    let mut plan = plan_usage(
                        scope,
                        &UsageSelection::Days {
                            start: period.start.to_string(),
                            end: period.end.to_string(),
                        },
                        today,
                        None,
                    )?;
                    for report in &mut plan.reports {
                        report.invoice = Some(invoice.clone());
                    }
                    Ok(plan)
                }
                _ => Err(bad(format!(
                    "usage by invoice is offered for billing profiles and pay-as-you-go subscriptions, not for {}",
                    scope.display_name
                ))),
            }
        }
        UsageSelection::OpenMonth => Ok(UsagePlan {
            reports: vec![PlannedReport {
                // No period: Azure reports the running month to date.
                request: GenerateCostDetailsReportRequest::default(),
                start: today.replace_day(1).unwrap_or(today),
                end: today,
                invoice: None,
                month_to_date: true,
            }],
            too_old: None,
        }),
    }
}

/// The usage a billing period's row offers, as the portal names it per agreement: an EA month,
/// a customer agreement invoice's billed charges (the running month to date while it has no
/// invoice), a pay-as-you-go period's days. `None` for a period Azure cannot report on: not
/// begun, or older than 13 months.
#[must_use]
pub fn usage_for_period(
    scope: &BillingScope,
    row: &PeriodRow,
    today: Date,
) -> Option<UsageSelection> {
    let period = &row.period;
    let oldest = invoice_desk_billing::InvoiceRange::last_months(
        today,
        invoice_desk_billing::usage_range::REPORT_MONTHS_BACK,
    )
    .start;
    if period.start > today || period.end < oldest {
        return None;
    }
    Some(match (scope.family(), scope.kind) {
        (AgreementFamily::Ea, _) => UsageSelection::months(period.start, period.start),
        (_, ScopeKind::McaBillingProfile) => match row.invoices.first() {
            Some(invoice) => UsageSelection::Invoice {
                invoice: invoice.name.clone(),
            },
            None if period.contains(today) => UsageSelection::OpenMonth,
            None => days(period.start, period.end),
        },
        _ => days(period.start, period.end),
    })
}

/// The name the folder's index keeps a period's usage file under (what `saved_documents`
/// calls its invoice, with the document kind "Usage"), so the window can mark the periods
/// whose usage is on disk.
#[must_use]
pub fn usage_index_key(
    scope: &BillingScope,
    row: &PeriodRow,
    selection: &UsageSelection,
    today: Date,
) -> Option<String> {
    let period = InvoicePeriod {
        start: row.period.start,
        end: row.period.end,
    };
    let plan = plan_usage(scope, selection, today, Some(period)).ok()?;
    plan.reports.first().map(PlannedReport::index_key)
}

fn days(start: Date, end: Date) -> UsageSelection {
    UsageSelection::Days {
        start: start.to_string(),
        end: end.to_string(),
    }
}

fn days_report(start: Date, end: Date, today: Date) -> PlannedReport {
    PlannedReport {
        request: GenerateCostDetailsReportRequest {
            time_period: Some(CostDetailsTimePeriod {
                start: start.to_string(),
                end: end.to_string(),
            }),
            ..Default::default()
        },
        start,
        end,
        invoice: None,
        month_to_date: end >= today,
    }
}

fn is_running_month(day: Date, today: Date) -> bool {
    day.year() == today.year() && day.month() == today.month()
}

fn add_month(day: Date) -> Date {
    let (year, month) = match day.month() {
        Month::December => (day.year() + 1, Month::January),
        m => (day.year(), m.next()),
    };
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, day.day().min(last)).unwrap_or(day)
}

pub(super) fn bad(what: String) -> UsageError {
    UsageError::BadSelection { what }
}

fn day(text: &str) -> Result<Date, UsageError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), format)
        .map_err(|_| bad(format!("`{text}` is not a date (YYYY-MM-DD)")))
}

pub(super) fn month_start(text: &str) -> Result<Date, UsageError> {
    let (year, month) = text
        .trim()
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u8>().ok()?)))
        .filter(|(y, _)| (1900..=9999).contains(y))
        .ok_or_else(|| bad(format!("`{text}` is not a month (YYYY-MM)")))?;
    Month::try_from(month)
        .ok()
        .and_then(|m| Date::from_calendar_date(year, m, 1).ok())
        .ok_or_else(|| bad(format!("`{text}` is not a month (YYYY-MM)")))
}

pub(super) fn month_end(text: &str) -> Result<Date, UsageError> {
    let start = month_start(text)?;
    let last = time::util::days_in_month(start.month(), start.year());
    Ok(start.replace_day(last).unwrap_or(start))
}
