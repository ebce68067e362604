//! Billing periods of a scope, newest first, each with the invoices that belong to it.
//!
//! MOSP subscriptions have real billing periods (legacy `billingPeriods`, running from the
//! subscription's day of month, e.g. the 5th to the 4th); when those cannot be read the
//! periods are taken from the invoices' own periods. MCA, MPA and EA bill calendar months.

use rust_decimal::Decimal;
use serde::Serialize;
use time::{Date, Duration};

use crate::api::{InvoiceQuery, ListOptions};
use crate::model::{ArmDate, BillingPeriod, DocumentKind, Invoice, InvoiceStatus};

/// Months in the default range: the current one and the twelve before it.
pub const DEFAULT_MONTHS: u16 = 13;

/// The invoices to list, by invoice date (`periodStartDate` … `periodEndDate`, both inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoiceRange {
    pub start: Date,
    pub end: Date,
}

impl InvoiceRange {
    /// From `start` through `end`; the two are swapped when given the wrong way round.
    #[must_use]
    pub fn new(start: Date, end: Date) -> Self {
        if start <= end {
            Self { start, end }
        } else {
            Self {
                start: end,
                end: start,
            }
        }
    }

    /// The last `months` whole months and the current one so far: from the first day of the
    /// month `months` before `today`'s month through `today`.
    #[must_use]
    pub fn last_months(today: Date, months: u16) -> Self {
        let mut start = today.replace_day(1).unwrap_or(today);
        for _ in 0..months {
            // The day before the first of a month lies in the previous month.
            start = (start - Duration::days(1)).replace_day(1).unwrap_or(start);
        }
        Self::new(start, today)
    }

    /// The same range as an invoice list query.
    #[must_use]
    pub fn query(&self) -> InvoiceQuery {
        InvoiceQuery {
            period_start: Some(self.start),
            period_end: Some(self.end),
            list: ListOptions::default(),
        }
    }
}

/// Where a period's boundaries came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodSource {
    /// MOSP legacy `billingPeriods`.
    BillingPeriods,
    /// The invoices' `invoicePeriodStartDate`/`EndDate`.
    Invoices,
    CalendarMonths,
}

/// One billing period; `end` is its last day (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    pub start: Date,
    pub end: Date,
    /// The legacy period name, e.g. `202402-1`.
    pub name: Option<String>,
    pub source: PeriodSource,
}

impl Period {
    #[must_use]
    pub fn overlaps(&self, range: &InvoiceRange) -> bool {
        self.end >= range.start && self.start <= range.end
    }

    #[must_use]
    pub fn contains(&self, day: Date) -> bool {
        self.start <= day && day <= self.end
    }
}

/// An amount with its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Money {
    pub value: Decimal,
    pub currency: Option<String>,
}

/// What the browse list shows of one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceSummary {
    /// The invoice id, e.g. `G123456789`.
    pub name: String,
    pub id: Option<String>,
    pub invoice_date: Option<Date>,
    pub due_date: Option<Date>,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    pub status: Option<InvoiceStatus>,
    pub document_type: Option<DocumentKind>,
    pub amount_due: Option<Money>,
    pub billed_amount: Option<Money>,
    pub total_amount: Option<Money>,
    pub currency: Option<String>,
    /// The kinds of the documents available (invoice, credit note, tax receipt, summary …).
    pub documents: Vec<DocumentKind>,
}

impl InvoiceSummary {
    /// The one amount a list shows for the invoice: what was billed, else the total, else
    /// what is due (MOSP invoices of some offers carry only the last).
    #[must_use]
    pub fn shown_amount(&self) -> Option<&Money> {
        self.billed_amount
            .as_ref()
            .or(self.total_amount.as_ref())
            .or(self.amount_due.as_ref())
    }

    #[must_use]
    pub fn from_invoice(invoice: &Invoice) -> Self {
        let p = &invoice.properties;
        let money = |a: &Option<crate::model::Amount>| {
            a.as_ref().and_then(|a| {
                a.value.map(|value| Money {
                    value,
                    currency: a.currency.clone(),
                })
            })
        };
        let amount_due = money(&p.amount_due);
        let billed_amount = money(&p.billed_amount);
        let total_amount = money(&p.total_amount);
        let currency = [&amount_due, &billed_amount, &total_amount]
            .iter()
            .find_map(|m| m.as_ref().and_then(|m| m.currency.clone()));
        let mut documents: Vec<DocumentKind> = p
            .documents
            .as_deref()
            .unwrap_or_default()
            .iter()
            .filter_map(|d| d.kind.clone())
            .collect();
        documents.dedup();
        Self {
            name: invoice.name_or_id_tail().unwrap_or_default().to_owned(),
            id: invoice.id.clone(),
            invoice_date: p.invoice_date.as_ref().and_then(ArmDate::date),
            due_date: p.due_date.as_ref().and_then(ArmDate::date),
            period_start: p.invoice_period_start_date.as_ref().and_then(ArmDate::date),
            period_end: p.invoice_period_end_date.as_ref().and_then(ArmDate::date),
            status: p.status.clone(),
            document_type: p.document_type.clone(),
            amount_due,
            billed_amount,
            total_amount,
            currency,
            documents,
        }
    }
}

/// A period with its invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodInvoices {
    pub period: Period,
    pub invoices: Vec<InvoiceSummary>,
}

/// How far back the sync of a whole archive looks (the window's "Last 3 years" too).
pub const ARCHIVE_MONTHS: u16 = 36;

/// The ranges the window offers above the table: the rule that turns a choice into dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ShownRange {
    /// The current month and the twelve before it.
    #[default]
    Recent,
    /// January 1st of this year through today.
    ThisYear,
    /// The whole previous calendar year.
    LastYear,
    /// The current month and the 35 before it.
    ThreeYears,
}

impl ShownRange {
    #[must_use]
    pub fn range(self, today: Date) -> InvoiceRange {
        let january = |year: i32| Date::from_calendar_date(year, time::Month::January, 1);
        let december = |year: i32| Date::from_calendar_date(year, time::Month::December, 31);
        match self {
            Self::Recent => default_range(today),
            Self::ThisYear => InvoiceRange::new(january(today.year()).unwrap_or(today), today),
            Self::LastYear => match (january(today.year() - 1), december(today.year() - 1)) {
                (Ok(start), Ok(end)) => InvoiceRange::new(start, end),
                _ => default_range(today),
            },
            Self::ThreeYears => InvoiceRange::last_months(today, ARCHIVE_MONTHS - 1),
        }
    }
}

/// The default range: the current month and the twelve before it, through `today`.
#[must_use]
pub fn default_range(today: Date) -> InvoiceRange {
    InvoiceRange::last_months(today, DEFAULT_MONTHS - 1)
}

/// The invoice list query for a range of periods: invoices are issued after their period,
/// so invoice dates run up to two months past the range.
#[must_use]
pub fn invoice_dates_for(range: &InvoiceRange) -> InvoiceRange {
    InvoiceRange::new(range.start, range.end + Duration::days(62))
}

fn first_of_month(day: Date) -> Date {
    day.replace_day(1).unwrap_or(day)
}

fn next_month(first: Date) -> Date {
    first_of_month(first + Duration::days(32))
}

/// Calendar months overlapping `range`, newest first.
#[must_use]
pub fn calendar_months(range: &InvoiceRange) -> Vec<Period> {
    let mut out = Vec::new();
    let mut start = first_of_month(range.start);
    while start <= range.end {
        let next = next_month(start);
        out.push(Period {
            start,
            end: next - Duration::days(1),
            name: None,
            source: PeriodSource::CalendarMonths,
        });
        start = next;
    }
    out.reverse();
    out
}

/// MOSP legacy billing periods overlapping `range`, newest first; periods without dates are
/// skipped.
#[must_use]
pub fn from_billing_periods(periods: &[BillingPeriod], range: &InvoiceRange) -> Vec<Period> {
    let mut out: Vec<Period> = periods
        .iter()
        .filter_map(|p| {
            let start = p.properties.billing_period_start_date.as_ref()?.date()?;
            let end = p.properties.billing_period_end_date.as_ref()?.date()?;
            Some(Period {
                start,
                end,
                name: p.name_or_id_tail().map(str::to_owned),
                source: PeriodSource::BillingPeriods,
            })
        })
        .filter(|p| p.overlaps(range))
        .collect();
    out.sort_by_key(|p| std::cmp::Reverse(p.start));
    out.dedup_by_key(|p| p.start);
    out
}

/// Periods taken from the invoices' own periods (MOSP without billing periods), newest
/// first. Periods after the newest invoiced one are added, with the same day-of-month
/// boundaries, up to the running one that holds `today` (in the days between a period's end
/// and its invoice, that is the ended period and the running one).
#[must_use]
pub fn from_invoices(invoices: &[Invoice], range: &InvoiceRange, today: Date) -> Vec<Period> {
    let mut out: Vec<Period> = invoices
        .iter()
        .filter_map(|i| {
            let start = i.properties.invoice_period_start_date.as_ref()?.date()?;
            let end = i.properties.invoice_period_end_date.as_ref()?.date()?;
            (start <= end).then_some(Period {
                start,
                end,
                name: None,
                source: PeriodSource::Invoices,
            })
        })
        .collect();
    out.sort_by_key(|p| std::cmp::Reverse(p.start));
    out.dedup_by_key(|p| p.start);
    while let Some(newest) = out.first().cloned()
        && newest.end < today
    {
        let start = newest.end + Duration::days(1);
        let end = next_month(first_of_month(start))
            .replace_day(start.day().min(28))
            .map_or(start + Duration::days(30), |d| d - Duration::days(1));
        out.insert(
            0,
            Period {
                start,
                end: end.max(start),
                name: None,
                source: PeriodSource::Invoices,
            },
        );
    }
    out.retain(|p| p.overlaps(range));
    out
}

/// Which period an invoice belongs to: exact start or end match first, then the period
/// containing the invoice's period start (or, without one, its invoice date minus a day).
fn period_of(periods: &[Period], invoice: &InvoiceSummary) -> Option<usize> {
    if let Some(i) = periods
        .iter()
        .position(|p| Some(p.start) == invoice.period_start || Some(p.end) == invoice.period_end)
    {
        return Some(i);
    }
    let day = invoice
        .period_start
        .or_else(|| invoice.invoice_date.map(|d| d - Duration::days(1)))?;
    periods.iter().position(|p| p.contains(day))
}

/// Puts every invoice into its period; invoices outside every period are dropped. Within a
/// period, invoices are newest first.
#[must_use]
pub fn assign(periods: Vec<Period>, invoices: &[Invoice]) -> Vec<PeriodInvoices> {
    let mut rows: Vec<PeriodInvoices> = periods
        .into_iter()
        .map(|period| PeriodInvoices {
            period,
            invoices: Vec::new(),
        })
        .collect();
    let bare: Vec<Period> = rows.iter().map(|r| r.period.clone()).collect();
    for invoice in invoices {
        let summary = InvoiceSummary::from_invoice(invoice);
        if let Some(i) = period_of(&bare, &summary) {
            rows[i].invoices.push(summary);
        }
    }
    for row in &mut rows {
        row.invoices.sort_by(|a, b| {
            b.invoice_date
                .cmp(&a.invoice_date)
                .then_with(|| a.name.cmp(&b.name))
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::model::{
        Amount, BillingPeriodProperties, InvoiceDocument, InvoiceProperties, Resource,
    };

    fn invoice(name: &str, start: &str, end: &str, issued: &str) -> Invoice {
        Resource {
            name: Some(name.into()),
            properties: InvoiceProperties {
                invoice_period_start_date: Some(ArmDate::from(start)),
                invoice_period_end_date: Some(ArmDate::from(end)),
                invoice_date: Some(ArmDate::from(issued)),
                status: Some(InvoiceStatus::Paid),
                amount_due: Some(Amount {
                    currency: Some("EUR".into()),
                    value: Some(Decimal::new(12_345, 2)),
                }),
                documents: Some(vec![
                    InvoiceDocument {
                        kind: Some(DocumentKind::Invoice),
                        ..InvoiceDocument::default()
                    },
                    InvoiceDocument {
                        kind: Some(DocumentKind::TaxReceipt),
                        ..InvoiceDocument::default()
                    },
                ]),
                ..InvoiceProperties::default()
            },
            ..Resource::default()
        }
    }

    fn period(name: &str, start: &str, end: &str) -> BillingPeriod {
        BillingPeriod {
            name: Some(name.into()),
            properties: BillingPeriodProperties {
                billing_period_start_date: Some(ArmDate::from(start)),
                billing_period_end_date: Some(ArmDate::from(end)),
                invoice_ids: None,
            },
            ..BillingPeriod::default()
        }
    }

    #[test]
    fn last_months_starts_on_the_first_of_a_month() {
        let range = InvoiceRange::last_months(date!(2026 - 03 - 31), 24);
        assert_eq!(range.start, date!(2024 - 03 - 01));
        assert_eq!(range.end, date!(2026 - 03 - 31));
        let range = InvoiceRange::last_months(date!(2026 - 01 - 15), 1);
        assert_eq!(range.start, date!(2025 - 12 - 01));
        let range = InvoiceRange::last_months(date!(2026 - 01 - 15), 0);
        assert_eq!(range.start, date!(2026 - 01 - 01));
    }

    #[test]
    fn ranges_given_backwards_are_swapped_and_become_queries() {
        let range = InvoiceRange::new(date!(2026 - 02 - 01), date!(2025 - 02 - 01));
        assert_eq!(range.start, date!(2025 - 02 - 01));
        let query = range.query();
        assert_eq!(query.period_start, Some(date!(2025 - 02 - 01)));
        assert_eq!(query.period_end, Some(date!(2026 - 02 - 01)));
    }

    #[test]
    fn default_range_is_thirteen_calendar_months_newest_first() {
        let range = default_range(date!(2026 - 03 - 15));
        let months = calendar_months(&range);
        assert_eq!(months.len(), 13);
        assert_eq!(months[0].start, date!(2026 - 03 - 01));
        assert_eq!(months[0].end, date!(2026 - 03 - 31));
        assert_eq!(months[12].start, date!(2025 - 03 - 01));
        assert_eq!(months[11].end, date!(2025 - 04 - 30));
        assert!(
            months
                .iter()
                .all(|m| m.source == PeriodSource::CalendarMonths)
        );
    }

    #[test]
    fn legacy_periods_keep_their_day_of_month_and_range() {
        let periods = [
            period("202601-1", "2025-12-05", "2026-01-04"),
            period("202603-1", "2026-02-05", "2026-03-04"),
            period("202602-1", "2026-01-05", "2026-02-04"),
            period("202401-1", "2023-12-05", "2024-01-04"),
        ];
        let range = InvoiceRange::new(date!(2025 - 12 - 01), date!(2026 - 03 - 15));
        let out = from_billing_periods(&periods, &range);
        let starts: Vec<_> = out.iter().map(|p| p.start).collect();
        assert_eq!(
            starts,
            [
                date!(2026 - 02 - 05),
                date!(2026 - 01 - 05),
                date!(2025 - 12 - 05)
            ]
        );
        assert_eq!(out[0].name.as_deref(), Some("202603-1"));
    }

    #[test]
    fn invoices_land_in_their_period_with_amounts_and_documents() {
        let periods = calendar_months(&InvoiceRange::new(
            date!(2026 - 01 - 01),
            date!(2026 - 03 - 15),
        ));
        let invoices = [
            invoice(
                "G2",
                "2026-02-01T00:00:00Z",
                "2026-02-28T00:00:00Z",
                "2026-03-05T00:00:00Z",
            ),
            invoice("G1", "2026-01-01", "2026-01-31", "2026-02-05"),
            invoice("OLD", "2025-06-01", "2025-06-30", "2025-07-05"),
        ];
        let rows = assign(periods, &invoices);
        assert_eq!(rows.len(), 3);
        assert!(rows[0].invoices.is_empty());
        assert_eq!(rows[1].invoices[0].name, "G2");
        assert_eq!(rows[2].invoices[0].name, "G1");
        let g1 = &rows[2].invoices[0];
        assert_eq!(g1.amount_due.as_ref().unwrap().value.to_string(), "123.45");
        assert_eq!(g1.currency.as_deref(), Some("EUR"));
        assert_eq!(
            g1.documents,
            [DocumentKind::Invoice, DocumentKind::TaxReceipt]
        );
        assert_eq!(g1.invoice_date, Some(date!(2026 - 02 - 05)));
    }

    #[test]
    fn a_list_shows_the_billed_amount_else_the_total_else_what_is_due() {
        let money = |value: i64| Money {
            value: rust_decimal::Decimal::new(value, 2),
            currency: Some("EUR".into()),
        };
        let mut summary = InvoiceSummary::from_invoice(&invoice("A", "", "", "2026-02-06"));
        summary.billed_amount = None;
        summary.total_amount = None;
        summary.amount_due = None;
        assert_eq!(summary.shown_amount(), None);
        summary.amount_due = Some(money(100));
        assert_eq!(summary.shown_amount(), Some(&money(100)));
        summary.total_amount = Some(money(200));
        assert_eq!(summary.shown_amount(), Some(&money(200)));
        summary.billed_amount = Some(money(300));
        assert_eq!(summary.shown_amount(), Some(&money(300)));
    }

    #[test]
    fn periods_from_invoices_add_the_current_one() {
        let invoices = [
            invoice("A", "2026-01-05", "2026-02-04", "2026-02-06"),
            invoice("B", "2025-12-05", "2026-01-04", "2026-01-06"),
        ];
        let range = default_range(date!(2026 - 03 - 01));
        let out = from_invoices(&invoices, &range, date!(2026 - 03 - 01));
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].start, date!(2026 - 02 - 05));
        assert_eq!(out[0].end, date!(2026 - 03 - 04));
        assert_eq!(out[1].start, date!(2026 - 01 - 05));
        let rows = assign(out, &invoices);
        assert!(rows[0].invoices.is_empty());
        assert_eq!(rows[1].invoices[0].name, "A");
    }

    #[test]
    fn between_a_periods_end_and_its_invoice_both_it_and_the_running_period_are_listed() {
        let invoices = [invoice("B", "2025-12-05", "2026-01-04", "2026-01-06")];
        let today = date!(2026 - 02 - 05);
        let out = from_invoices(&invoices, &default_range(today), today);
        let starts: Vec<Date> = out.iter().map(|p| p.start).collect();
        assert_eq!(
            starts,
            [
                date!(2026 - 02 - 05),
                date!(2026 - 01 - 05),
                date!(2025 - 12 - 05)
            ]
        );
        assert!(out[0].contains(today));
        assert_eq!(out[1].end, date!(2026 - 02 - 04));
    }

    #[test]
    fn invoice_without_period_uses_its_date() {
        let mut inv = invoice("X", "", "", "2026-02-03");
        inv.properties.invoice_period_start_date = None;
        inv.properties.invoice_period_end_date = None;
        let rows = assign(
            calendar_months(&InvoiceRange::new(
                date!(2026 - 01 - 01),
                date!(2026 - 02 - 28),
            )),
            &[inv],
        );
        assert_eq!(rows[0].invoices.len(), 1);
        let dates = invoice_dates_for(&InvoiceRange::new(
            date!(2026 - 01 - 01),
            date!(2026 - 02 - 28),
        ));
        assert_eq!(dates.end, date!(2026 - 05 - 01));
    }

    #[test]
    fn shown_ranges_cover_the_months_their_names_say() {
        use time::macros::date;
        let today = date!(2026 - 11 - 25);
        let recent = ShownRange::Recent.range(today);
        assert_eq!((recent.start, recent.end), (date!(2025 - 11 - 01), today));
        let this_year = ShownRange::ThisYear.range(today);
        assert_eq!(
            (this_year.start, this_year.end),
            (date!(2026 - 01 - 01), today)
        );
        let last_year = ShownRange::LastYear.range(today);
        assert_eq!(
            (last_year.start, last_year.end),
            (date!(2025 - 01 - 01), date!(2025 - 12 - 31))
        );
        let three = ShownRange::ThreeYears.range(today);
        assert_eq!((three.start, three.end), (date!(2023 - 12 - 01), today));
        // On January 1st "this year" is one day, not an empty or reversed range.
        let new_year = ShownRange::ThisYear.range(date!(2027 - 01 - 01));
        assert_eq!(new_year.start, new_year.end);
    }
}
