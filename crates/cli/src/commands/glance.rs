//! `invoice-desk glance --file PATH`: a saved usage file at a glance, the window's "Usage at a
//! glance", and with `--scope ID --invoice NAME` checked against that invoice. The summary and
//! the check are `invoice-desk-api`'s (`usage_glance`); this module lays them out for a
//! terminal.

use std::fmt::Write as _;
use std::path::Path;

use invoice_desk_api::usage_glance::{self, CheckNote, InvoiceCheck, UsageGlance};
use invoice_desk_api::{AppError, ErrorCode};
use invoice_desk_usage::{Money, Share, UsageSummary};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;

use crate::catalogue::{self, Lang, Text};
use crate::cli::{GlanceArgs, GlobalArgs};
use crate::commands::invoices::money_text;
use crate::commands::save::{absolute, find};
use crate::error::{CliError, Exit};
use crate::output::{labelled, print_json};
use crate::sources::Sources;
use crate::table::{self, Align};

/// The longest bar, in terminal columns.
const BAR: u32 = 24;

/// A bar's last column, by eighths.
const EIGHTHS: [&str; 8] = [
    "", "\u{258f}", "\u{258e}", "\u{258d}", "\u{258c}", "\u{258b}", "\u{258a}", "\u{2589}",
];

pub async fn run(global: &GlobalArgs, args: &GlanceArgs) -> Result<Exit, CliError> {
    let lang = global.language();
    let path = absolute(&args.file);
    // A path that is not there fails before anything signs in.
    if let Err(e) = std::fs::metadata(&path) {
        return Err(failure(
            &AppError::new(ErrorCode::UsageFileUnreadable)
                .with_details(e.to_string())
                .with_details(path.display().to_string()),
        ));
    }
    let glance = match (&args.scope, &args.invoice) {
        (Some(scope), Some(invoice)) => checked(global, scope, &path, invoice.trim()).await?,
        _ => UsageGlance {
            summary: usage_glance::summarise(path.clone())
                .await
                .map_err(|e| failure(&e))?,
            check: None,
        },
    };
    if global.json {
        print_json(&glance)?;
    } else {
        print!(
            "{}",
            human(lang, &path, args.invoice.as_deref(), &glance, args.top)
        );
    }
    Ok(Exit::Ok)
}

/// The glance with its check, against the invoice as Azure lists it now.
async fn checked(
    global: &GlobalArgs,
    scope: &str,
    path: &Path,
    invoice: &str,
) -> Result<UsageGlance, CliError> {
    let sources = Sources::open(global).await?;
    let glance = async {
        let found = sources.discover().await?;
        let hit = find(&found, scope)?;
        usage_glance::glance(
            &hit.source.directory,
            &hit.entry.scope,
            path.to_owned(),
            Some(invoice),
        )
        .await
        .map_err(|e| failure(&e))
    }
    .await;
    sources.close().await;
    glance
}

/// A failure of the use case: the product's sentence for its code, what failed in brackets,
/// and the exit its code means.
fn failure(error: &AppError) -> CliError {
    let said: Vec<&str> = error
        .details
        .iter()
        .chain(error.hint.iter())
        .flat_map(|text| text.lines())
        .filter(|line| !line.trim().is_empty())
        .collect();
    let mut message = vec![Text::key(format!("errors.{}.message", error.code.key()))];
    if !said.is_empty() {
        message.push(Text::Raw(format!(" ({})", said.join("; "))));
    }
    CliError::new(
        "usage_glance_failed",
        Exit::from(error.code),
        Text::Seq(message),
        catalogue::failure_hint(error.code),
    )
}

/// An amount to the cent, rounded as invoices round (half away from zero), with its currency.
fn money(value: Decimal, currency: Option<&str>) -> String {
    let cents = usage_glance::to_cents(value);
    money_text(&format!("{cents:.2}"), currency)
}

/// A summary's amount; one past a decimal's 28 digits (no bill has one) is shown exact.
fn money_of(value: Money, currency: Option<&str>) -> String {
    value.to_decimal().map_or_else(
        || money_text(&value.to_string(), currency),
        |d| money(d, currency),
    )
}

/// One of the check's exact decimal strings.
fn money_str(value: &str, currency: Option<&str>) -> String {
    value
        .parse::<Decimal>()
        .map_or_else(|_| money_text(value, currency), |d| money(d, currency))
}

/// A bar as long as `value` is a part of `max`, in eighths of a column; nothing for no cost or
/// a credit, at least an eighth for any cost.
fn bar(value: Money, max: Money) -> String {
    let (Some(value), Some(max)) = (value.to_decimal(), max.to_decimal()) else {
        return String::new();
    };
    if value <= Decimal::ZERO || max <= Decimal::ZERO {
        return String::new();
    }
    let eighths = (value / max * Decimal::from(BAR * 8))
        .round()
        .to_u32()
        .unwrap_or(0)
        .clamp(1, BAR * 8);
    let mut out = "\u{2588}".repeat((eighths / 8) as usize);
    out.push_str(EIGHTHS[(eighths % 8) as usize]);
    out
}

/// The first `top` shares as they come (most first), the rest as one sum and its count; one
/// share left over is shown rather than called "Other (1)", as the window does.
fn split(shares: &[Share], top: usize) -> (&[Share], Option<(Money, usize)>) {
    if shares.len() <= top + 1 {
        return (shares, None);
    }
    let (shown, rest) = shares.split_at(top);
    (shown, Some((rest.iter().map(|s| s.cost).sum(), rest.len())))
}

/// What people read: the facts, the check, the breakdowns, the days and the top resources.
fn human(lang: Lang, path: &Path, invoice: Option<&str>, glance: &UsageGlance, top: u16) -> String {
    let summary = &glance.summary;
    let currency = summary.currency.as_deref();
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut out = format!(
        "{} \u{2014} {}\n",
        lang.text("glance.title"),
        table::clean(&name)
    );
    out.push_str(&facts(lang, summary));
    if summary.currencies.len() > 1 {
        let _ = writeln!(
            out,
            "  {}",
            lang.format(
                "glance.mixed",
                &[("currencies", &summary.currencies.join(", "))]
            )
        );
    }
    match (&glance.check, invoice) {
        (Some(check), _) => out.push_str(&check_lines(lang, check)),
        (None, Some(invoice)) => {
            let _ = writeln!(
                out,
                "\n{}",
                lang.format("cli.glance.notChecked", &[("invoice", invoice.trim())])
            );
        }
        (None, None) => {}
    }
    if summary.by_service.is_empty() {
        let _ = writeln!(out, "\n{}", lang.text("glance.empty"));
        return out;
    }
    let top = usize::from(top);
    let no_group = lang.text("glance.noGroup");
    out.push_str(&shares(
        lang,
        "glance.byService",
        &summary.by_service,
        top,
        currency,
        &no_group,
    ));
    out.push_str(&shares(
        lang,
        "glance.byResourceGroup",
        &summary.by_resource_group,
        top,
        currency,
        &no_group,
    ));
    out.push_str(&days(lang, summary, currency));
    out.push_str(&resources(lang, summary, currency, &no_group));
    out
}

/// Total, the days the file covers and its rows.
fn facts(lang: Lang, summary: &UsageSummary) -> String {
    let total = money_of(summary.total, summary.currency.as_deref());
    let covers = match (summary.first_day, summary.last_day) {
        (Some(first), Some(last)) => {
            let span = usize::try_from((last - first).whole_days() + 1).unwrap_or(0);
            format!(
                "{first} \u{2013} {last} ({})",
                lang.plural("cli.glance.days", span, &[])
            )
        }
        _ => "\u{2014}".to_owned(),
    };
    let rows = summary.rows.to_string();
    labelled(
        lang,
        &[
            ("glance.total", total.as_str()),
            ("glance.covers", covers.as_str()),
            ("glance.rows", rows.as_str()),
        ],
    )
}

/// The verdict, the two amounts, what explains a difference and the charge types covered.
fn check_lines(lang: Lang, check: &InvoiceCheck) -> String {
    let currency = check.currency.as_deref();
    let mut out = format!(
        "\n{} \u{2014} {}\n",
        lang.text("check.title"),
        table::clean(&check.invoice)
    );
    let verdict = if check.matches {
        lang.text("check.matches")
    } else {
        lang.format(
            "check.differs",
            &[("difference", &money_str(&check.difference, currency))],
        )
    };
    let _ = writeln!(out, "  {verdict}");
    let file_total = money_str(&check.file_total, currency);
    let pre_tax = money_str(&check.invoice_pre_tax, currency);
    out.push_str(&labelled(
        lang,
        &[
            ("check.fileTotal", file_total.as_str()),
            ("check.invoicePreTax", pre_tax.as_str()),
        ],
    ));
    let explanations: Vec<String> = check
        .notes
        .iter()
        .filter_map(|note| explain(lang, note, currency))
        .collect();
    if !explanations.is_empty() {
        let _ = writeln!(out, "  {}:", lang.text("check.explains"));
        for line in explanations {
            let _ = writeln!(out, "    - {line}");
        }
    }
    let types: Vec<Vec<String>> = check
        .notes
        .iter()
        .flat_map(|note| match note {
            CheckNote::ChargeTypes { types } => types.as_slice(),
            _ => &[],
        })
        .map(|t| vec![t.name.clone(), money_str(&t.cost, currency)])
        .collect();
    if !types.is_empty() {
        let _ = writeln!(out, "  {}:", lang.text("check.chargeTypes"));
        out.push_str(&table::render_rows(
            "    ",
            &[Align::Left, Align::Right],
            &types,
        ));
    }
    out
}

/// A note that explains a difference, in words (the charge types are listed on their own).
fn explain(lang: Lang, note: &CheckNote, currency: Option<&str>) -> Option<String> {
    Some(match note {
        CheckNote::CreditsApplied { amount } => lang.format(
            "check.note.creditsApplied",
            &[("amount", &money_str(amount, currency))],
        ),
        CheckNote::OtherInvoices { invoices } if invoices.is_empty() => {
            lang.text("check.note.noInvoice")
        }
        CheckNote::OtherInvoices { invoices } => lang.format(
            "check.note.otherInvoices",
            &[("invoices", &invoices.join(", "))],
        ),
        CheckNote::OtherCurrency { file } => lang.format(
            "check.note.otherCurrency",
            &[("currencies", &file.join(", "))],
        ),
        CheckNote::ChargeTypes { .. } => return None,
    })
}

/// One breakdown: a line per share with its cost and bar, the rest as "Other (n)".
fn shares(
    lang: Lang,
    title: &str,
    all: &[Share],
    top: usize,
    currency: Option<&str>,
    unnamed: &str,
) -> String {
    let max = all.iter().map(|s| s.cost).max().unwrap_or(Money::ZERO);
    let (shown, other) = split(all, top);
    let mut rows: Vec<Vec<String>> = shown
        .iter()
        .map(|share| {
            vec![
                if share.name.is_empty() {
                    unnamed.to_owned()
                } else {
                    share.name.clone()
                },
                money_of(share.cost, currency),
                bar(share.cost, max),
            ]
        })
        .collect();
    if let Some((cost, count)) = other {
        rows.push(vec![
            lang.format("glance.other", &[("count", &count.to_string())]),
            money_of(cost, currency),
            bar(cost, max),
        ]);
    }
    format!(
        "\n{}\n{}",
        lang.text(title),
        table::render_rows("  ", &[Align::Left, Align::Right, Align::Left], &rows)
    )
}

/// Every day with its cost and a bar: the window's chart, in text.
fn days(lang: Lang, summary: &UsageSummary, currency: Option<&str>) -> String {
    if summary.by_day.is_empty() {
        return String::new();
    }
    let max = summary
        .by_day
        .iter()
        .map(|d| d.cost)
        .max()
        .unwrap_or(Money::ZERO);
    let rows: Vec<Vec<String>> = summary
        .by_day
        .iter()
        .map(|d| {
            vec![
                d.day.to_string(),
                money_of(d.cost, currency),
                bar(d.cost, max),
            ]
        })
        .collect();
    format!(
        "\n{}\n{}",
        lang.text("glance.byDay"),
        table::render_rows("  ", &[Align::Left, Align::Right, Align::Left], &rows)
    )
}

/// The most expensive resources, most first.
fn resources(lang: Lang, summary: &UsageSummary, currency: Option<&str>, unnamed: &str) -> String {
    if summary.top_resources.is_empty() {
        return String::new();
    }
    let headers = [
        lang.text("cli.table.glance.resource"),
        lang.text("cli.table.glance.group"),
        lang.text("cli.table.glance.service"),
        lang.text("cli.table.glance.cost"),
    ];
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = summary
        .top_resources
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                if r.resource_group.is_empty() {
                    unnamed.to_owned()
                } else {
                    r.resource_group.clone()
                },
                r.service.clone(),
                money_of(r.cost, currency),
            ]
        })
        .collect();
    let table = table::render(
        &headers,
        &[Align::Left, Align::Left, Align::Left, Align::Right],
        &rows,
    );
    let mut out = format!("\n{}\n", lang.text("glance.topResources"));
    for line in table.lines() {
        let _ = writeln!(out, "  {line}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(name: &str, cost: &str) -> Share {
        Share {
            name: name.into(),
            cost: cost.parse().unwrap(),
            rows: 1,
        }
    }

    #[test]
    fn the_rest_is_one_other_line_but_never_other_of_one() {
        let all = [
            share("a", "5"),
            share("b", "4"),
            share("c", "3"),
            share("d", "2"),
        ];
        let (shown, other) = split(&all, 2);
        assert_eq!(shown.len(), 2);
        assert_eq!(other, Some(("5".parse().unwrap(), 2)));
        let (shown, other) = split(&all, 3);
        assert_eq!((shown.len(), other), (4, None));
    }

    #[test]
    fn bars_grow_by_eighths_and_credits_have_none() {
        let m = |s: &str| s.parse::<Money>().unwrap();
        assert_eq!(bar(m("10"), m("10")), "\u{2588}".repeat(BAR as usize));
        assert_eq!(bar(m("5"), m("10")), "\u{2588}".repeat(BAR as usize / 2));
        assert_eq!(bar(m("0.0001"), m("10")), "\u{258f}");
        assert_eq!(bar(m("-3"), m("10")), "");
        assert_eq!(bar(m("0"), m("0")), "");
    }

    #[test]
    fn amounts_are_rounded_to_the_cent_as_invoices_are() {
        assert_eq!(money_str("12.005", Some("EUR")), "12.01 EUR");
        assert_eq!(money_str("-0.125", None), "-0.13");
        assert_eq!(money_str("7", Some("USD")), "7.00 USD");
        assert_eq!(money_of("1234.5".parse().unwrap(), None), "1234.50");
    }
}
