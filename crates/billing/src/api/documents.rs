//! Invoice document downloads: long-running operations that end in a pre-signed URL.

use super::operations::{
    DOCUMENTS_DOWNLOAD_BY_ACCOUNT, DOCUMENTS_DOWNLOAD_BY_BILLING_SUBSCRIPTION,
    INVOICE_DOWNLOAD_BY_ACCOUNT, INVOICE_DOWNLOAD_BY_BILLING_SUBSCRIPTION,
    INVOICE_SUMMARY_DOWNLOAD, Operation,
};
use crate::arm::{ArmClient, LroOptions};
use crate::error::BillingError;
use crate::model::{DocumentDownloadRequest, DocumentDownloadResult};

impl ArmClient {
    /// MCA/MPA/EA: one document of an invoice (`document_name` from `documents[].name`).
    pub async fn download_invoice(
        &self,
        account: &str,
        invoice: &str,
        document_name: Option<&str>,
        options: &LroOptions,
    ) -> Result<DocumentDownloadResult, BillingError> {
        self.download(
            &INVOICE_DOWNLOAD_BY_ACCOUNT,
            &[account, invoice],
            document_name,
            None,
            options,
        )
        .await
    }

    /// MOSP: one document of a subscription invoice.
    pub async fn download_billing_subscription_invoice(
        &self,
        subscription_id: &str,
        invoice: &str,
        document_name: Option<&str>,
        options: &LroOptions,
    ) -> Result<DocumentDownloadResult, BillingError> {
        self.download(
            &INVOICE_DOWNLOAD_BY_BILLING_SUBSCRIPTION,
            &[subscription_id, invoice],
            document_name,
            None,
            options,
        )
        .await
    }

    /// A zip of several documents of a billing account.
    pub async fn download_documents(
        &self,
        account: &str,
        documents: &[DocumentDownloadRequest],
        options: &LroOptions,
    ) -> Result<DocumentDownloadResult, BillingError> {
        self.download(
            &DOCUMENTS_DOWNLOAD_BY_ACCOUNT,
            &[account],
            None,
            Some(documents),
            options,
        )
        .await
    }

    /// A zip of several documents of a MOSP subscription.
    pub async fn download_billing_subscription_documents(
        &self,
        subscription_id: &str,
        documents: &[DocumentDownloadRequest],
        options: &LroOptions,
    ) -> Result<DocumentDownloadResult, BillingError> {
        self.download(
            &DOCUMENTS_DOWNLOAD_BY_BILLING_SUBSCRIPTION,
            &[subscription_id],
            None,
            Some(documents),
            options,
        )
        .await
    }

    /// EA: the summary PDF of an invoice.
    pub async fn download_invoice_summary(
        &self,
        account: &str,
        invoice: &str,
        options: &LroOptions,
    ) -> Result<DocumentDownloadResult, BillingError> {
        self.download(
            &INVOICE_SUMMARY_DOWNLOAD,
            &[account, invoice],
            None,
            None,
            options,
        )
        .await
    }

    async fn download(
        &self,
        op: &Operation,
        params: &[&str],
        document_name: Option<&str>,
        documents: Option<&[DocumentDownloadRequest]>,
        options: &LroOptions,
    ) -> Result<DocumentDownloadResult, BillingError> {
        let body = documents.map(super::encode).transpose()?;
        let query = [("documentName", document_name.map(str::to_owned))];
        self.long_running(op, params, &query, body, options)
            .await?
            .json("document download result")
    }
}
