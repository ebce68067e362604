//! Which documents a scope has: the listing side of `download` and `sync`. The batch then
//! skips what the archive index already has on disk, without any network call.

use futures::TryStreamExt;
use invoice_desk_billing::model::Invoice;
use invoice_desk_billing::periods::invoice_dates_for;
use invoice_desk_billing::scope::{BillingScope, ScopeKind};
use invoice_desk_billing::{ArmClient, BillingError, InvoiceRange, ListOptions};

use crate::target::{DocumentSelection, Target};

/// Whether an error means "this API does not serve this scope".
fn not_served(error: &BillingError) -> bool {
    matches!(error, BillingError::NotFound { .. })
        || matches!(error, BillingError::BadRequest { status: 400, .. })
}

/// Every document (per `selection`) of the invoices of `scope` for the billing periods in
/// `range` (invoices are issued after their period, so their dates may run past it).
///
/// EA scopes list nothing: their invoices are e-mailed, not downloaded. MCA invoice sections
/// list nothing either: invoices belong to the billing profile, which is its own scope (listing
/// the profile's invoices under a section too would save each invoice twice).
pub async fn scope_targets(
    client: &ArmClient,
    scope: &BillingScope,
    range: InvoiceRange,
    selection: DocumentSelection,
) -> Result<Vec<Target>, BillingError> {
    let query = invoice_dates_for(&range).query();
    let invoices: Vec<Invoice> = match scope.kind {
        ScopeKind::EaEnrollment
        | ScopeKind::EaDepartment
        | ScopeKind::EaEnrollmentAccount
        | ScopeKind::McaInvoiceSection => Vec::new(),
        ScopeKind::MospSubscription => {
            let sub = scope.subscription_id().unwrap_or_default();
            match client
                .list_invoices_by_billing_subscription(sub, &query)
                .try_collect()
                .await
            {
                Ok(list) => list,
                Err(e) if not_served(&e) => {
                    let legacy: Vec<_> = client
                        .list_legacy_invoices(sub, false, &ListOptions::default())
                        .try_collect()
                        .await?;
                    return Ok(legacy
                        .iter()
                        .map(|i| Target::from_legacy(scope, i))
                        .filter(|t| {
                            t.period_end
                                .is_none_or(|end| end >= range.start && end <= range.end)
                        })
                        .collect());
                }
                Err(e) => return Err(e),
            }
        }
        _ => match (scope.account_name(), scope.billing_profile_name()) {
            (Some(account), Some(profile)) => {
                client
                    .list_invoices_by_billing_profile(account, profile, &query)
                    .try_collect()
                    .await?
            }
            (Some(account), None) => {
                client
                    .list_invoices_by_billing_account(account, &query)
                    .try_collect()
                    .await?
            }
            _ => Vec::new(),
        },
    };
    Ok(invoices
        .iter()
        .flat_map(|i| Target::from_invoice(scope, i, selection))
        .collect())
}

/// The named invoices of `scope`, fetched one by one (no listing range needed).
pub async fn named_targets(
    client: &ArmClient,
    scope: &BillingScope,
    names: &[String],
    selection: DocumentSelection,
) -> Result<Vec<Target>, BillingError> {
    let mut out = Vec::new();
    for name in names {
        let invoice = if scope.kind == ScopeKind::MospSubscription {
            let sub = scope.subscription_id().unwrap_or_default();
            match client.get_invoice_by_billing_subscription(sub, name).await {
                Ok(invoice) => invoice,
                Err(e) if not_served(&e) => {
                    let legacy = client.get_legacy_invoice(sub, name).await?;
                    out.push(Target::from_legacy(scope, &legacy));
                    continue;
                }
                Err(e) => return Err(e),
            }
        } else {
            let account = scope.account_name().unwrap_or_default();
            client.get_invoice(account, name).await?
        };
        out.extend(Target::from_invoice(scope, &invoice, selection));
    }
    Ok(out)
}
