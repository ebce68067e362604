//! Getting a document's download link from the right billing API (`azure-billing-api.md` §3):
//! MCA, MPA and EA by billing account with `documentName`; MOSP by billing subscription, and
//! when that API does not serve the subscription (404, 400), the legacy
//! `2018-03-01-preview` invoice with its inline `downloadUrl`.

use futures::TryStreamExt;
use invoice_desk_billing::model::{DocumentDownloadRequest, DocumentDownloadResult, LegacyInvoice};
use invoice_desk_billing::scope::ScopeKind;
use invoice_desk_billing::{ArmClient, BillingError, ListOptions, LroOptions};

use crate::bundle::Route;
use crate::error::FilesError;
use crate::target::{LinkSource, Target};

/// Whether an error means "this API does not serve this subscription": try the legacy one.
fn try_legacy(error: &BillingError) -> bool {
    matches!(error, BillingError::NotFound { .. })
        || matches!(
            error,
            BillingError::BadRequest {
                status: 400 | 404 | 405 | 501,
                ..
            }
        )
}

fn link_error(error: BillingError) -> FilesError {
    match error {
        BillingError::Cancelled => FilesError::Cancelled,
        other => FilesError::Link(other),
    }
}

fn url_of(result: DocumentDownloadResult) -> Result<String, FilesError> {
    if result.url.trim().is_empty() {
        Err(FilesError::NoDownloadLink)
    } else {
        Ok(result.url)
    }
}

/// A fresh pre-signed link for `target`.
pub async fn link(
    client: &ArmClient,
    target: &Target,
    lro: &LroOptions,
) -> Result<String, FilesError> {
    let scope = &target.scope;
    let document = target.document_name.as_deref();
    let subscription = || scope.subscription_id().unwrap_or_default();
    match (target.source, scope.kind) {
        (LinkSource::Legacy, _) => legacy(client, subscription(), target).await,
        (LinkSource::Modern, ScopeKind::MospSubscription) => {
            match client
                .download_billing_subscription_invoice(
                    subscription(),
                    &target.invoice,
                    document,
                    lro,
                )
                .await
            {
                Ok(result) => url_of(result),
                Err(e) if try_legacy(&e) => {
                    tracing::debug!(
                        error = e.code(),
                        "billing-subscription download unavailable; legacy invoice"
                    );
                    legacy(client, subscription(), target).await
                }
                Err(e) => Err(link_error(e)),
            }
        }
        (LinkSource::Modern, _) => {
            let account = scope.account_name().ok_or(FilesError::NoDownloadLink)?;
            client
                .download_invoice(account, &target.invoice, document, lro)
                .await
                .map_err(link_error)
                .and_then(url_of)
        }
    }
}

/// A fresh pre-signed link to a zip of `documents` (`downloadDocuments`, the same LRO as single
/// downloads). Any error here only means "fetch them one by one".
pub async fn bundle_link(
    client: &ArmClient,
    route: &Route,
    documents: &[DocumentDownloadRequest],
    lro: &LroOptions,
) -> Result<String, FilesError> {
    let result = match route {
        Route::Account(account) => client.download_documents(account, documents, lro).await,
        Route::Subscription(subscription) => {
            client
                .download_billing_subscription_documents(subscription, documents, lro)
                .await
        }
    };
    result.map_err(link_error).and_then(url_of)
}

fn legacy_url(invoice: &LegacyInvoice) -> Option<String> {
    invoice
        .properties
        .download_url
        .as_ref()?
        .url
        .clone()
        .filter(|u| !u.trim().is_empty())
}

/// The legacy invoice by name, else the one of the same period in the expanded list.
async fn legacy(
    client: &ArmClient,
    subscription: &str,
    target: &Target,
) -> Result<String, FilesError> {
    match client
        .get_legacy_invoice(subscription, &target.invoice)
        .await
    {
        Ok(invoice) => return legacy_url(&invoice).ok_or(FilesError::NoDownloadLink),
        Err(e) if !try_legacy(&e) => return Err(link_error(e)),
        Err(_) => {}
    }
    let list: Vec<LegacyInvoice> = client
        .list_legacy_invoices(subscription, true, &ListOptions::default())
        .try_collect()
        .await
        .map_err(link_error)?;
    list.iter()
        .find(|i| {
            i.name_or_id_tail() == Some(target.invoice.as_str())
                || (target.period_end.is_some()
                    && i.properties
                        .invoice_period_end_date
                        .as_ref()
                        .and_then(invoice_desk_billing::model::ArmDate::date)
                        == target.period_end)
        })
        .and_then(legacy_url)
        .ok_or(FilesError::NoDownloadLink)
}
