//! `invoice-desk invoices --scope ID`: the scope's billing periods, newest first, each with its
//! invoices or the reason there is none.

use std::fmt::Write as _;

use invoice_desk_billing::periods::{Money, default_range};
use invoice_desk_billing::{Availability, InvoiceRange, PeriodRow, scope_periods};
use serde::Serialize;
use time::{Date, Duration};

use crate::catalogue::{self, Lang, Text};
use crate::cli::{GlobalArgs, InvoicesArgs};
use crate::error::{CliError, Exit};
use crate::output::print_json;
use crate::sources::Sources;
use crate::table::{self, Align};

/// One element of `invoice-desk invoices --json`. The field names are a stable interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeriodJson {
    /// `YYYY-MM-DD`.
    pub period_start: String,
    /// The period's last day, `YYYY-MM-DD`.
    pub period_end: String,
    pub invoices: Vec<InvoiceJson>,
    /// Only when the period has no invoice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReasonJson>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceJson {
    pub name: String,
    pub invoice_date: Option<String>,
    pub due_date: Option<String>,
    /// `due`, `over_due`, `past_due`, `paid`, `void`, `locked`, … (Azure's value in snake case).
    pub status: Option<String>,
    pub amount_due: Option<AmountJson>,
    pub billed_amount: Option<AmountJson>,
    /// `invoice`, `credit_note`, `tax_receipt`, `summary`, `void_note`, `transactions`, …
    pub documents: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AmountJson {
    /// The exact decimal, e.g. `"123.45"`.
    pub value: String,
    pub currency: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonJson {
    /// The availability code, e.g. `subscription_too_new`.
    pub code: &'static str,
    /// The sentence in `--lang`.
    pub message: String,
    /// `not_generated_yet` only: the day the invoice is expected, `YYYY-MM-DD`.
    #[serde(rename = "expectedOn", skip_serializing_if = "Option::is_none")]
    pub expected_on: Option<String>,
}

/// `OverDue` → `over_due`, `TaxReceipt` → `tax_receipt`.
pub fn snake(text: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if c.is_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.extend(c.to_lowercase());
            previous_lower = false;
        } else if c == ' ' || c == '-' {
            out.push('_');
            previous_lower = false;
        } else {
            out.push(c);
            previous_lower = c.is_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

fn amount(money: Option<&Money>, fallback_currency: Option<&String>) -> Option<AmountJson> {
    money.map(|m| AmountJson {
        value: m.value.to_string(),
        currency: m.currency.clone().or_else(|| fallback_currency.cloned()),
    })
}

pub fn period_json(lang: Lang, row: &PeriodRow) -> PeriodJson {
    let invoices: Vec<InvoiceJson> = row
        .invoices
        .iter()
        .map(|i| InvoiceJson {
            name: i.name.clone(),
            invoice_date: i.invoice_date.map(|d| d.to_string()),
            due_date: i.due_date.map(|d| d.to_string()),
            status: i.status.as_ref().map(|s| snake(s.as_str())),
            amount_due: amount(i.amount_due.as_ref(), i.currency.as_ref()),
            billed_amount: amount(i.billed_amount.as_ref(), i.currency.as_ref()),
            documents: i.documents.iter().map(|d| snake(d.as_str())).collect(),
        })
        .collect();
    let reason = if invoices.is_empty() {
        catalogue::reason_message(lang, &row.availability).map(|message| ReasonJson {
            code: row.availability.code(),
            message,
            expected_on: match &row.availability {
                Availability::NotGeneratedYet { expected_on } => Some(expected_on.to_string()),
                _ => None,
            },
        })
    } else {
        None
    };
    PeriodJson {
        period_start: row.period.start.to_string(),
        period_end: row.period.end.to_string(),
        invoices,
        reason,
    }
}

/// The last day of the month that starts on `first`.
fn month_end(first: Date) -> Date {
    let next = (first + Duration::days(32)).replace_day(1).unwrap_or(first);
    next - Duration::days(1)
}

/// `--from`/`--to` as a range of days; the default is [`default_range`].
pub fn range(from: Option<Date>, to: Option<Date>, today: Date) -> Result<InvoiceRange, CliError> {
    if let Some(from) = from
        && from > today
    {
        return Err(CliError::new(
            "invalid_range",
            Exit::Usage,
            Text::key("cli.error.fromFuture.message").with("month", &from.to_string()[..7]),
            Text::key("cli.error.fromFuture.hint"),
        ));
    }
    let end = to.map_or(today, |to| month_end(to).min(today));
    let range = match (from, to) {
        (None, None) => default_range(today),
        (Some(from), _) => InvoiceRange { start: from, end },
        (None, Some(_)) => {
            let mut range = default_range(end);
            range.end = end;
            range
        }
    };
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(CliError::new(
            "invalid_range",
            Exit::Usage,
            Text::key("cli.error.fromAfterTo.message")
                .with("from", &from.to_string()[..7])
                .with("to", &to.to_string()[..7]),
            Text::key("cli.error.fromAfterTo.hint"),
        ));
    }
    Ok(range)
}

pub async fn run(global: &GlobalArgs, args: &InvoicesArgs) -> Result<Exit, CliError> {
    let today = global.clock()?.today();
    let range = range(args.from, args.to, today)?;
    let sources = Sources::open(global).await?;
    let outcome = list(global, args, &sources, range, today).await;
    sources.close().await;
    outcome
}

async fn list(
    global: &GlobalArgs,
    args: &InvoicesArgs,
    sources: &Sources,
    range: InvoiceRange,
    today: Date,
) -> Result<Exit, CliError> {
    let lang = global.language();
    let wanted = args.scope.trim().trim_end_matches('/');
    let found = sources.discover().await?;
    let Some(hit) = found
        .iter()
        .find(|f| f.entry.scope.id.eq_ignore_ascii_case(wanted))
    else {
        return Err(scope_not_found(wanted));
    };
    let rows = scope_periods(&hit.source.directory.client, &hit.entry, range, today)
        .await
        .map_err(|e| {
            hit.source.failure(
                e.kind(),
                Text::key("cli.error.periodsOf").with("scope", wanted),
                &e.to_string(),
            )
        })?;
    if global.json {
        let list: Vec<PeriodJson> = rows.iter().map(|r| period_json(lang, r)).collect();
        print_json(&list)?;
    } else {
        let scope = &hit.entry.scope;
        println!(
            "{} \u{2014} {}",
            table::clean(&scope.display_name),
            catalogue::kind_name(lang, scope.kind)
        );
        print!("{}", human(lang, &rows));
    }
    Ok(Exit::Ok)
}

/// No scope the caller can reach has the id `wanted`.
pub fn scope_not_found(wanted: &str) -> CliError {
    CliError::new(
        "scope_not_found",
        Exit::Failure,
        Text::key("cli.error.scopeNotFound.message").with("id", wanted),
        Text::key("cli.error.scopeNotFound.hint"),
    )
}

fn money_cell(amount: Option<&AmountJson>) -> String {
    amount.map_or_else(String::new, |a| money_text(&a.value, a.currency.as_deref()))
}

/// An amount as the command line writes one: the decimal, then the currency code when known
/// (`123.45 EUR`), the same in every language.
pub fn money_text(value: &str, currency: Option<&str>) -> String {
    match currency {
        Some(currency) => format!("{value} {currency}"),
        None => value.to_owned(),
    }
}

/// One line per invoice (a period with several invoices has several), and one line with the
/// reason for a period without one.
pub fn human(lang: Lang, rows: &[PeriodRow]) -> String {
    let mut lines: Vec<Vec<String>> = Vec::new();
    for row in rows {
        let json = period_json(lang, row);
        let period = format!("{} \u{2013} {}", json.period_start, json.period_end);
        if let Some(reason) = &json.reason {
            lines.push(vec![
                period,
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                reason.message.clone(),
            ]);
            continue;
        }
        for (i, invoice) in json.invoices.iter().enumerate() {
            lines.push(vec![
                if i == 0 {
                    period.clone()
                } else {
                    String::new()
                },
                invoice.name.clone(),
                invoice.invoice_date.clone().unwrap_or_default(),
                invoice.due_date.clone().unwrap_or_default(),
                invoice
                    .status
                    .as_deref()
                    .map(|s| catalogue::status_name(lang, s))
                    .unwrap_or_default(),
                money_cell(invoice.amount_due.as_ref()),
                money_cell(invoice.billed_amount.as_ref()),
                invoice.documents.join(", "),
            ]);
        }
    }
    let headers = catalogue::invoice_headers(lang);
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut out = table::render(
        &headers,
        &[
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Left,
        ],
        &lines,
    );
    if rows.is_empty() {
        let _ = writeln!(out, "\u{2014}");
    }
    out
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::{range, snake};

    #[test]
    fn azure_spellings_become_snake_case() {
        assert_eq!(snake("OverDue"), "over_due");
        assert_eq!(snake("PastDue"), "past_due");
        assert_eq!(snake("TaxReceipt"), "tax_receipt");
        assert_eq!(snake("CreditNote"), "credit_note");
        assert_eq!(snake("Invoice"), "invoice");
        assert_eq!(snake("Paid"), "paid");
    }

    #[test]
    fn months_become_a_range_of_days() {
        let today = date!(2025 - 06 - 15);
        let r = range(
            Some(date!(2025 - 01 - 01)),
            Some(date!(2025 - 03 - 01)),
            today,
        )
        .unwrap();
        assert_eq!(
            (r.start, r.end),
            (date!(2025 - 01 - 01), date!(2025 - 03 - 31))
        );
        // The current month runs to today.
        let r = range(
            Some(date!(2025 - 05 - 01)),
            Some(date!(2025 - 06 - 01)),
            today,
        )
        .unwrap();
        assert_eq!(r.end, today);
        let r = range(Some(date!(2025 - 05 - 01)), None, today).unwrap();
        assert_eq!((r.start, r.end), (date!(2025 - 05 - 01), today));
        let r = range(None, Some(date!(2024 - 12 - 01)), today).unwrap();
        assert_eq!(
            (r.start, r.end),
            (date!(2023 - 12 - 01), date!(2024 - 12 - 31))
        );
        let r = range(None, None, today).unwrap();
        assert_eq!((r.start, r.end), (date!(2024 - 06 - 01), today));
        let err = range(
            Some(date!(2025 - 03 - 01)),
            Some(date!(2025 - 01 - 01)),
            today,
        );
        assert_eq!(err.unwrap_err().exit, crate::error::Exit::Usage);
    }
}
