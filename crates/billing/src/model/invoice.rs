//! Invoices (2024-04-01) with their documents and every amount, plus the legacy MOSP shapes
//! (2018-03-01-preview invoices and billing periods).

use serde::{Deserialize, Serialize};

use super::common::Resource;
use super::date::ArmDate;
use super::enums::string_enum;
use super::money::Amount;

/// An invoice of a billing account, profile or billing subscription.
pub type Invoice = Resource<InvoiceProperties>;

string_enum! {
    pub enum InvoiceStatus {
        Other = "Other", Due = "Due", OverDue = "OverDue", Paid = "Paid", Void = "Void",
        Locked = "Locked", PastDue = "PastDue",
    }
}

string_enum! {
    pub enum InvoiceType {
        Other = "Other", AzureServices = "AzureServices", AzureMarketplace = "AzureMarketplace",
        AzureSupport = "AzureSupport",
    }
}

string_enum! {
    /// Both `documentType` of an invoice and `kind` of one of its documents.
    pub enum DocumentKind {
        Other = "Other", Invoice = "Invoice", VoidNote = "VoidNote", TaxReceipt = "TaxReceipt",
        CreditNote = "CreditNote", Summary = "Summary", Transactions = "Transactions",
    }
}

string_enum! {
    pub enum DocumentSource { Other = "Other", Drs = "DRS", Enf = "ENF" }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceProperties {
    #[serde(default)]
    pub status: Option<InvoiceStatus>,
    #[serde(default)]
    pub invoice_date: Option<ArmDate>,
    #[serde(default)]
    pub due_date: Option<ArmDate>,
    #[serde(default)]
    pub invoice_period_start_date: Option<ArmDate>,
    #[serde(default)]
    pub invoice_period_end_date: Option<ArmDate>,
    #[serde(default)]
    pub amount_due: Option<Amount>,
    #[serde(default)]
    pub billed_amount: Option<Amount>,
    #[serde(default)]
    pub azure_prepayment_applied: Option<Amount>,
    #[serde(default)]
    pub credit_amount: Option<Amount>,
    #[serde(default)]
    pub free_azure_credit_applied: Option<Amount>,
    #[serde(default)]
    pub sub_total: Option<Amount>,
    #[serde(default)]
    pub tax_amount: Option<Amount>,
    #[serde(default)]
    pub total_amount: Option<Amount>,
    #[serde(default)]
    pub billing_profile_id: Option<String>,
    #[serde(default)]
    pub billing_profile_display_name: Option<String>,
    #[serde(default)]
    pub subscription_id: Option<String>,
    #[serde(default)]
    pub subscription_display_name: Option<String>,
    #[serde(default)]
    pub purchase_order_number: Option<String>,
    #[serde(default)]
    pub is_monthly_invoice: Option<bool>,
    #[serde(default)]
    pub invoice_type: Option<InvoiceType>,
    #[serde(default)]
    pub document_type: Option<DocumentKind>,
    #[serde(default)]
    pub documents: Option<Vec<InvoiceDocument>>,
    #[serde(default)]
    pub payments: Option<Vec<Payment>>,
    #[serde(default)]
    pub failed_payments: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    pub rebill_details: Option<RebillDetails>,
    #[serde(default)]
    pub billed_document_id: Option<String>,
    #[serde(default)]
    pub credit_for_document_id: Option<String>,
    #[serde(default)]
    pub special_taxation_type: Option<String>,
}

impl InvoiceProperties {
    /// The document to pass as `documentName` when downloading the invoice PDF itself.
    #[must_use]
    pub fn invoice_document(&self) -> Option<&InvoiceDocument> {
        self.documents
            .as_deref()?
            .iter()
            .find(|doc| doc.kind == Some(DocumentKind::Invoice))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceDocument {
    /// The document id; pass it as `documentName` to the download operations.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub kind: Option<DocumentKind>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub external_url: Option<String>,
    #[serde(default)]
    pub source: Option<DocumentSource>,
    #[serde(default)]
    pub document_numbers: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    #[serde(default)]
    pub amount: Option<Amount>,
    #[serde(default)]
    pub date: Option<ArmDate>,
    #[serde(default)]
    pub payment_method_family: Option<String>,
    #[serde(default)]
    pub payment_method_type: Option<String>,
    #[serde(default)]
    pub payment_type: Option<String>,
    #[serde(default)]
    pub payment_method_id: Option<String>,
}

/// Recursive: a rebilled invoice points at the invoice and credit note it replaced.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RebillDetails {
    #[serde(default)]
    pub invoice_document_id: Option<String>,
    #[serde(default)]
    pub credit_note_document_id: Option<String>,
    #[serde(default)]
    pub rebill_details: Option<Box<RebillDetails>>,
}

/// A legacy (2018-03-01-preview) subscription invoice: synchronous, URL inline when expanded.
pub type LegacyInvoice = Resource<LegacyInvoiceProperties>;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyInvoiceProperties {
    #[serde(default)]
    pub invoice_period_start_date: Option<ArmDate>,
    #[serde(default)]
    pub invoice_period_end_date: Option<ArmDate>,
    #[serde(default)]
    pub billing_period_ids: Option<Vec<String>>,
    #[serde(default)]
    pub download_url: Option<DownloadUrl>,
}

/// `{url, expiryTime}`: both the legacy inline URL and 2020-05-01's `DownloadUrl`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadUrl {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub expiry_time: Option<ArmDate>,
}

/// A legacy MOSP billing period.
pub type BillingPeriod = Resource<BillingPeriodProperties>;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingPeriodProperties {
    #[serde(default)]
    pub billing_period_start_date: Option<ArmDate>,
    #[serde(default)]
    pub billing_period_end_date: Option<ArmDate>,
    /// ARM ids of the legacy invoices of this period; empty when none was issued (yet).
    #[serde(default)]
    pub invoice_ids: Option<Vec<String>>,
}
