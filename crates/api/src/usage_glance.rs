//! A usage file on disk, at a glance and checked against its invoice: the summary (cost per
//! service, resource group and day, the most expensive resources) comes from
//! `invoice-desk-usage`, read streaming off the user's disk; the check sets the file's total
//! beside the invoice's pre-tax amount (`subTotal`) and, when they differ, says what the file
//! does and does not cover.

use std::path::PathBuf;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use invoice_desk_billing::model::Amount;
use invoice_desk_billing::{BillingScope, ScopeKind};
use invoice_desk_usage::{Share, UsageSummary};

use crate::directory::Directory;
use crate::error::{AppError, ErrorCode};

/// An amount to the cent as invoices round it: half away from zero, not to even. Every
/// amount the app sets beside an invoice (the check, the command line's totals) goes
/// through here.
#[must_use]
pub fn to_cents(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A usage file's summary, and its check against the invoice it was billed on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UsageGlance {
    pub summary: UsageSummary,
    pub check: Option<InvoiceCheck>,
}

/// The file's total beside the invoice's pre-tax amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct InvoiceCheck {
    pub invoice: String,
    pub currency: Option<String>,
    /// Exact decimal strings.
    pub invoice_pre_tax: String,
    pub file_total: String,
    /// `file_total - invoice_pre_tax`, rounded to the cent.
    pub difference: String,
    /// The two agree to the cent.
    pub matches: bool,
    /// What explains a difference, as far as the file and the invoice tell.
    pub notes: Vec<CheckNote>,
}

/// One thing the file does or does not cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum CheckNote {
    /// Credits and prepayment the invoice applied: the usage file lists charges before them.
    CreditsApplied { amount: String },
    /// The file has rows billed on other invoices (or none): it is not this invoice's file.
    OtherInvoices { invoices: Vec<String> },
    /// The file is in another currency than the invoice.
    OtherCurrency { file: Vec<String> },
    /// The charge types the file covers, with their totals.
    ChargeTypes { types: Vec<ChargeTypeTotal> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ChargeTypeTotal {
    pub name: String,
    pub cost: String,
}

/// Summarises the usage file at `path` (off the async runtime: the file can be gigabytes).
pub async fn summarise(path: PathBuf) -> Result<UsageSummary, AppError> {
    let shown = path.display().to_string();
    tokio::task::spawn_blocking(move || invoice_desk_usage::summarise_file(&path))
        .await
        .map_err(|e| AppError::new(ErrorCode::Internal).with_details(e.to_string()))?
        .map_err(|e| {
            AppError::new(ErrorCode::UsageFileUnreadable)
                .with_details(e.to_string())
                .with_details(shown)
        })
}

/// The file's summary and, for a customer agreement invoice's file, its check against that
/// invoice as Azure lists it now.
pub async fn glance(
    directory: &Directory,
    scope: &BillingScope,
    path: PathBuf,
    invoice: Option<&str>,
) -> Result<UsageGlance, AppError> {
    let summary = summarise(path).await?;
    let check = match (invoice, scope.kind, scope.account_name()) {
        (Some(invoice), ScopeKind::McaBillingProfile, Some(account)) => {
            let found = directory.client.get_invoice(account, invoice).await?;
            let properties = found.properties;
            properties.sub_total.as_ref().map(|pre_tax| {
                let credits = [
                    properties.azure_prepayment_applied.as_ref(),
                    properties.credit_amount.as_ref(),
                    properties.free_azure_credit_applied.as_ref(),
                ];
                check(invoice, &summary, pre_tax, &credits)
            })
        }
        _ => None,
    };
    Ok(UsageGlance { summary, check })
}

/// Compares the file with the invoice's pre-tax amount, to the cent.
#[must_use]
pub fn check(
    invoice: &str,
    summary: &UsageSummary,
    pre_tax: &Amount,
    credits: &[Option<&Amount>],
) -> InvoiceCheck {
    let invoice_pre_tax = pre_tax.value.unwrap_or_default();
    let file_total = summary.total.to_decimal().unwrap_or_default();
    let difference = to_cents(file_total) - to_cents(invoice_pre_tax);
    let matches = difference.is_zero();
    let mut notes = Vec::new();
    if !matches {
        let credit: Decimal = credits
            .iter()
            .flatten()
            .filter_map(|a| a.value)
            .map(|d| d.abs())
            .sum();
        if !credit.is_zero() {
            notes.push(CheckNote::CreditsApplied {
                amount: to_cents(credit).to_string(),
            });
        }
        let others: Vec<String> = summary
            .invoice_ids
            .iter()
            .filter(|id| id.as_str() != invoice)
            .cloned()
            .collect();
        if !others.is_empty() || summary.invoice_ids.is_empty() {
            notes.push(CheckNote::OtherInvoices { invoices: others });
        }
        let currency = pre_tax.currency.as_deref();
        if currency.is_some_and(|c| {
            summary
                .currencies
                .iter()
                .any(|f| !f.eq_ignore_ascii_case(c))
        }) {
            notes.push(CheckNote::OtherCurrency {
                file: summary.currencies.clone(),
            });
        }
    }
    if !summary.by_charge_type.is_empty() {
        notes.push(CheckNote::ChargeTypes {
            types: summary.by_charge_type.iter().map(charge_type).collect(),
        });
    }
    InvoiceCheck {
        invoice: invoice.to_owned(),
        currency: pre_tax.currency.clone(),
        invoice_pre_tax: invoice_pre_tax.normalize().to_string(),
        file_total: file_total.normalize().to_string(),
        difference: difference.to_string(),
        matches,
        notes,
    }
}

fn charge_type(share: &Share) -> ChargeTypeTotal {
    ChargeTypeTotal {
        name: share.name.clone(),
        cost: share
            .cost
            .to_decimal()
            .map(|d| to_cents(d).to_string())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(csv: &str) -> UsageSummary {
        invoice_desk_usage::summarise(csv.as_bytes()).unwrap()
    }

    fn amount(value: &str) -> Amount {
        Amount {
            currency: Some("EUR".into()),
            value: Some(value.parse().unwrap()),
        }
    }

    const HEADER: &str = "invoiceId,date,meterCategory,resourceGroupName,ResourceId,chargeType,billingCurrency,costInBillingCurrency\n";

    #[test]
    fn a_file_that_adds_up_is_a_match_to_the_cent() {
        let file = summary(&format!(
            "{HEADER}G1,10/01/2026,Storage,rg,/x/a,Usage,EUR,10.004\nG1,10/02/2026,Storage,rg,/x/a,Usage,EUR,2.001\n"
        ));
        let check = check("G1", &file, &amount("12.01"), &[]);
        assert!(check.matches, "{check:?}");
        assert_eq!(check.difference, "0.00");
        assert_eq!(check.file_total, "12.005");
    }

    #[test]
    fn a_difference_says_what_the_file_does_and_does_not_cover() {
        let file = summary(&format!(
            "{HEADER}G1,10/01/2026,Storage,rg,/x/a,Usage,EUR,100\nG2,10/02/2026,Storage,rg,/x/a,Purchase,EUR,20\n"
        ));
        let credit = amount("-30");
        let check = check("G1", &file, &amount("90"), &[Some(&credit), None]);
        assert!(!check.matches);
        assert_eq!(check.difference, "30");
        assert!(check.notes.contains(&CheckNote::CreditsApplied {
            amount: "30".into()
        }));
        assert!(check.notes.contains(&CheckNote::OtherInvoices {
            invoices: vec!["G2".into()]
        }));
        assert!(
            check
                .notes
                .iter()
                .any(|n| matches!(n, CheckNote::ChargeTypes { types } if types.len() == 2))
        );
    }
}
