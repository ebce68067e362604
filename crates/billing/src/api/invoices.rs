//! Invoices: by billing profile, billing account, billing subscription, and the legacy
//! subscription-scope API.

use time::Date;
use time::macros::format_description;

use super::ListOptions;
use super::operations::{
    INVOICE_BY_ACCOUNT_GET, INVOICE_BY_BILLING_SUBSCRIPTION_GET, INVOICES_BY_ACCOUNT,
    INVOICES_BY_BILLING_SUBSCRIPTION, INVOICES_BY_PROFILE, LEGACY_INVOICE_GET,
    LEGACY_INVOICE_LATEST, LEGACY_INVOICES_LIST,
};
use crate::arm::{ArmClient, ItemStream};
use crate::error::BillingError;
use crate::model::{Invoice, LegacyInvoice};

/// Which invoices to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceQuery {
    /// Invoices whose period starts on or after this date (`periodStartDate`).
    pub period_start: Option<Date>,
    /// … and ends on or before this date (`periodEndDate`).
    pub period_end: Option<Date>,
    pub list: ListOptions,
}

impl InvoiceQuery {
    fn query(&self) -> Vec<(&'static str, Option<String>)> {
        let iso = format_description!("[year]-[month]-[day]");
        let date = |d: Option<Date>| d.and_then(|d| d.format(iso).ok());
        let mut query = vec![
            ("periodStartDate", date(self.period_start)),
            ("periodEndDate", date(self.period_end)),
        ];
        query.extend(self.list.query(false));
        query
    }
}

impl ArmClient {
    /// MCA: the invoices of a billing profile.
    pub fn list_invoices_by_billing_profile(
        &self,
        account: &str,
        profile: &str,
        query: &InvoiceQuery,
    ) -> ItemStream<Invoice> {
        self.list(&INVOICES_BY_PROFILE, &[account, profile], &query.query())
    }

    pub fn list_invoices_by_billing_account(
        &self,
        account: &str,
        query: &InvoiceQuery,
    ) -> ItemStream<Invoice> {
        self.list(&INVOICES_BY_ACCOUNT, &[account], &query.query())
    }

    pub async fn get_invoice(&self, account: &str, invoice: &str) -> Result<Invoice, BillingError> {
        self.get_json(&INVOICE_BY_ACCOUNT_GET, &[account, invoice], &[], "invoice")
            .await
    }

    /// MOSP: the invoices of one subscription (`billingAccounts/default/billingSubscriptions`).
    pub fn list_invoices_by_billing_subscription(
        &self,
        subscription_id: &str,
        query: &InvoiceQuery,
    ) -> ItemStream<Invoice> {
        self.list(
            &INVOICES_BY_BILLING_SUBSCRIPTION,
            &[subscription_id],
            &query.query(),
        )
    }

    pub async fn get_invoice_by_billing_subscription(
        &self,
        subscription_id: &str,
        invoice: &str,
    ) -> Result<Invoice, BillingError> {
        self.get_json(
            &INVOICE_BY_BILLING_SUBSCRIPTION_GET,
            &[subscription_id, invoice],
            &[],
            "invoice",
        )
        .await
    }

    /// Legacy MOSP invoices (2018-03-01-preview); `with_download_url` expands the inline URL.
    pub fn list_legacy_invoices(
        &self,
        subscription_id: &str,
        with_download_url: bool,
        options: &ListOptions,
    ) -> ItemStream<LegacyInvoice> {
        let mut query = options.query(true);
        query.push((
            "$expand",
            with_download_url.then(|| "downloadUrl".to_owned()),
        ));
        self.list(&LEGACY_INVOICES_LIST, &[subscription_id], &query)
    }

    pub async fn get_legacy_invoice(
        &self,
        subscription_id: &str,
        invoice: &str,
    ) -> Result<LegacyInvoice, BillingError> {
        self.get_json(
            &LEGACY_INVOICE_GET,
            &[subscription_id, invoice],
            &[],
            "legacy invoice",
        )
        .await
    }

    pub async fn get_latest_legacy_invoice(
        &self,
        subscription_id: &str,
    ) -> Result<LegacyInvoice, BillingError> {
        self.get_json(
            &LEGACY_INVOICE_LATEST,
            &[subscription_id],
            &[],
            "legacy invoice",
        )
        .await
    }
}
