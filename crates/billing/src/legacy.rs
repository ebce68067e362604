//! Legacy MOSP invoices: the subscription-scope `Microsoft.Billing/invoices` API
//! (2018-03-01-preview) as a fallback for pay-as-you-go offers that the billing-subscription
//! invoice API does not serve, mapped into the same [`Invoice`] model.
//!
//! `azure-billing-api.md` §3.3/§10: MOSP support of
//! `billingAccounts/default/billingSubscriptions/{id}/invoices` is not confirmed by the spec
//! text; Azure answers 400 or 404 for some legacy offers, and the legacy API ("only supported
//! for Azure Web-Direct subscriptions") lists their invoices instead. A 403 is not a reason to
//! fall back: the legacy API refuses non-administrators the same way.

use futures::TryStreamExt;
use time::Date;
use time::macros::format_description;

use crate::api::{InvoiceQuery, ListOptions};
use crate::arm::ArmClient;
use crate::error::BillingError;
use crate::model::{
    ArmDate, DocumentKind, Invoice, InvoiceDocument, InvoiceProperties, LegacyInvoice, Resource,
};

/// Which API listed a subscription's invoices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceApi {
    /// `billingAccounts/default/billingSubscriptions/{id}/invoices` (2024-04-01).
    BillingSubscription,
    /// `subscriptions/{id}/providers/Microsoft.Billing/invoices` (2018-03-01-preview).
    Legacy,
}

/// Whether a failure of the billing-subscription invoice list means "not for this offer".
#[must_use]
pub fn calls_for_legacy(error: &BillingError) -> bool {
    matches!(error, BillingError::NotFound { .. })
        || matches!(error, BillingError::BadRequest { status: 400, .. })
}

/// The invoice date a legacy invoice name starts with (`2017-02-05-123456789`): the legacy
/// model has no date field, and every example and observed name leads with the issue date.
/// `None` when the name does not start with a date.
#[must_use]
pub fn date_from_name(name: &str) -> Option<Date> {
    Date::parse(name.get(..10)?, format_description!("[year]-[month]-[day]")).ok()
}

/// A legacy invoice in the invoice model: its periods, its name, the date its name carries
/// and one `Invoice` document (the PDF behind `downloadUrl`). Amounts and status are not in
/// the legacy API and stay unknown.
#[must_use]
pub fn to_invoice(legacy: &LegacyInvoice) -> Invoice {
    let p = &legacy.properties;
    let name = legacy.name_or_id_tail().map(str::to_owned);
    let document = InvoiceDocument {
        name: name.clone(),
        kind: Some(DocumentKind::Invoice),
        url: p.download_url.as_ref().and_then(|d| d.url.clone()),
        ..InvoiceDocument::default()
    };
    Resource {
        id: legacy.id.clone(),
        name: name.clone(),
        resource_type: legacy.resource_type.clone(),
        properties: InvoiceProperties {
            invoice_period_start_date: p.invoice_period_start_date.clone(),
            invoice_period_end_date: p.invoice_period_end_date.clone(),
            invoice_date: name
                .as_deref()
                .and_then(date_from_name)
                .map(|d| ArmDate::from(d.to_string().as_str())),
            documents: Some(vec![document]),
            ..InvoiceProperties::default()
        },
        ..Resource::default()
    }
}

/// A MOSP subscription's invoices for `query`: the billing-subscription API, else (400/404)
/// the legacy one, keeping invoices whose period ends on or after the query's start.
pub async fn mosp_invoices(
    client: &ArmClient,
    subscription_id: &str,
    query: &InvoiceQuery,
) -> Result<(Vec<Invoice>, InvoiceApi), BillingError> {
    match client
        .list_invoices_by_billing_subscription(subscription_id, query)
        .try_collect::<Vec<Invoice>>()
        .await
    {
        Ok(list) => return Ok((list, InvoiceApi::BillingSubscription)),
        Err(e) if calls_for_legacy(&e) => {
            tracing::debug!(
                subscription = subscription_id,
                code = e.code(),
                "billing-subscription invoices unavailable, listing legacy invoices"
            );
        }
        Err(e) => return Err(e),
    }
    let iso = format_description!("[year]-[month]-[day]");
    let since = query.period_start.and_then(|d| d.format(iso).ok());
    let options = ListOptions {
        top: None,
        filter: since
            .as_ref()
            .map(|d| format!("invoicePeriodEndDate ge {d}")),
    };
    let legacy: Vec<LegacyInvoice> = client
        .list_legacy_invoices(subscription_id, true, &options)
        .try_collect()
        .await?;
    let invoices = legacy
        .iter()
        .filter(|i| {
            let end = i
                .properties
                .invoice_period_end_date
                .as_ref()
                .and_then(ArmDate::date);
            match (end, query.period_start) {
                (Some(end), Some(start)) => end >= start,
                _ => true,
            }
        })
        .map(to_invoice)
        .collect();
    Ok((invoices, InvoiceApi::Legacy))
}

/// Whether Azure lets the caller read a MOSP subscription's invoices: the first page of its
/// invoice list (legacy API for offers the billing-subscription API does not serve). The
/// account administrator's "Allow others to download invoice" has no public API; this answer
/// is how it shows.
pub async fn may_list_mosp_invoices(
    client: &ArmClient,
    subscription_id: &str,
) -> Result<(), BillingError> {
    let first = client
        .list_invoices_by_billing_subscription(subscription_id, &InvoiceQuery::default())
        .try_next()
        .await;
    match first {
        Ok(_) => return Ok(()),
        Err(e) if calls_for_legacy(&e) => {}
        Err(e) => return Err(e),
    }
    client
        .list_legacy_invoices(subscription_id, false, &ListOptions::default())
        .try_next()
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::model::{DownloadUrl, LegacyInvoiceProperties};

    #[test]
    fn legacy_names_carry_their_invoice_date() {
        assert_eq!(
            date_from_name("2017-02-05-123456789"),
            Some(date!(2017 - 02 - 05))
        );
        assert_eq!(date_from_name("G123456789"), None);
        assert_eq!(date_from_name("2017-13-05-1"), None);
        assert_eq!(date_from_name("2017"), None);
    }

    #[test]
    fn a_legacy_invoice_becomes_an_invoice_with_its_pdf() {
        let legacy = LegacyInvoice {
            id: Some(
                "/subscriptions/s/providers/Microsoft.Billing/invoices/2017-02-05-123456789".into(),
            ),
            name: Some("2017-02-05-123456789".into()),
            properties: LegacyInvoiceProperties {
                invoice_period_start_date: Some(ArmDate::from("2017-01-05")),
                invoice_period_end_date: Some(ArmDate::from("2017-02-04")),
                billing_period_ids: None,
                download_url: Some(DownloadUrl {
                    url: Some("https://blob.example/invoice.pdf?sig=x".into()),
                    expiry_time: None,
                }),
            },
            ..LegacyInvoice::default()
        };
        let invoice = to_invoice(&legacy);
        assert_eq!(invoice.name.as_deref(), Some("2017-02-05-123456789"));
        assert_eq!(invoice.id, legacy.id);
        let p = &invoice.properties;
        assert_eq!(
            p.invoice_date.as_ref().and_then(ArmDate::date),
            Some(date!(2017 - 02 - 05))
        );
        assert_eq!(
            p.invoice_period_end_date.as_ref().and_then(ArmDate::date),
            Some(date!(2017 - 02 - 04))
        );
        let documents = p.documents.as_deref().unwrap();
        assert_eq!(documents.len(), 1);
        assert_eq!(documents[0].kind, Some(DocumentKind::Invoice));
        assert!(documents[0].url.as_deref().unwrap().starts_with("https://"));
        assert!(p.amount_due.is_none() && p.status.is_none());
    }

    #[test]
    fn only_not_found_and_bad_request_call_for_the_legacy_api() {
        let not_found = BillingError::NotFound {
            arm: None,
            request_id: None,
        };
        assert!(calls_for_legacy(&not_found));
        let bad = BillingError::BadRequest {
            status: 400,
            code: "BadRequest".into(),
            message: String::new(),
            request_id: None,
        };
        assert!(calls_for_legacy(&bad));
        let forbidden = BillingError::Forbidden {
            action: None,
            scope: None,
            arm: None,
            request_id: None,
        };
        assert!(!calls_for_legacy(&forbidden));
    }
}
