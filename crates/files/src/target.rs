//! What to save: one document of one invoice of one scope, with what the template needs.

use invoice_desk_billing::model::{ArmDate, DocumentKind, Invoice, LegacyInvoice};
use invoice_desk_billing::scope::{BillingScope, ScopeKind};
use serde::Serialize;
use time::Date;

use crate::index::DocumentKey;
use crate::template::NameFields;

/// Which documents of an invoice a batch saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentSelection {
    /// The invoice PDF itself (a credit note's own document for a credit note).
    #[default]
    Primary,
    /// Every document: invoice, credit notes, tax receipts, summaries, …
    All,
}

/// Which API hands out the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkSource {
    /// 2024-04-01 `…/download` (MCA, MPA, EA: by billing account; MOSP: by billing
    /// subscription, falling back to the legacy API).
    Modern,
    /// The 2018-03-01-preview subscription invoice with `downloadUrl` (MOSP only).
    Legacy,
}

/// One document to save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub scope: BillingScope,
    pub invoice: String,
    pub invoice_date: Option<Date>,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    /// From the invoice: the billing profile's display name (MCA).
    pub profile_display_name: Option<String>,
    /// From the invoice: the subscription's display name (MOSP).
    pub subscription_display_name: Option<String>,
    /// Azure's document id (`documentName`); `None` asks for the invoice's default PDF.
    pub document_name: Option<String>,
    /// Azure's kind: `Invoice`, `CreditNote`, …
    pub document_kind: String,
    /// Whether this is the invoice's own document (others get their kind in the file name
    /// when the template does not name documents).
    pub primary: bool,
    pub source: LinkSource,
}

fn date(d: Option<&ArmDate>) -> Option<Date> {
    d.and_then(ArmDate::date)
}

impl Target {
    /// The documents of an invoice to save.
    #[must_use]
    pub fn from_invoice(
        scope: &BillingScope,
        invoice: &Invoice,
        selection: DocumentSelection,
    ) -> Vec<Self> {
        let p = &invoice.properties;
        let name = invoice.name_or_id_tail().unwrap_or_default().to_owned();
        let own_kind = p.document_type.clone().unwrap_or(DocumentKind::Invoice);
        let documents = p.documents.as_deref().unwrap_or_default();
        let primary_index = documents
            .iter()
            .position(|d| d.kind.as_ref() == Some(&own_kind))
            .or_else(|| (!documents.is_empty()).then_some(0));
        let base = Self {
            scope: scope.clone(),
            invoice: name,
            invoice_date: date(p.invoice_date.as_ref()),
            period_start: date(p.invoice_period_start_date.as_ref()),
            period_end: date(p.invoice_period_end_date.as_ref()),
            profile_display_name: p.billing_profile_display_name.clone(),
            subscription_display_name: p.subscription_display_name.clone(),
            document_name: None,
            document_kind: own_kind.as_str().to_owned(),
            primary: true,
            source: LinkSource::Modern,
        };
        let Some(primary_index) = primary_index else {
            return vec![base];
        };
        documents
            .iter()
            .enumerate()
            .filter(|(i, _)| selection == DocumentSelection::All || *i == primary_index)
            .map(|(i, d)| Self {
                document_name: d.name.clone(),
                document_kind: d
                    .kind
                    .as_ref()
                    .map_or_else(|| "Other".to_owned(), |k| k.as_str().to_owned()),
                primary: i == primary_index,
                ..base.clone()
            })
            .collect()
    }

    /// A legacy (2018-03-01-preview) MOSP invoice: one PDF.
    #[must_use]
    pub fn from_legacy(scope: &BillingScope, invoice: &LegacyInvoice) -> Self {
        let p = &invoice.properties;
        Self {
            scope: scope.clone(),
            invoice: invoice.name_or_id_tail().unwrap_or_default().to_owned(),
            invoice_date: None,
            period_start: date(p.invoice_period_start_date.as_ref()),
            period_end: date(p.invoice_period_end_date.as_ref()),
            profile_display_name: None,
            subscription_display_name: None,
            document_name: None,
            document_kind: "Invoice".into(),
            primary: true,
            source: LinkSource::Legacy,
        }
    }

    /// The document's identity in the archive index.
    #[must_use]
    pub fn key(&self) -> DocumentKey {
        DocumentKey::new(
            &self.scope.id,
            &self.invoice,
            self.document_name.as_deref().unwrap_or(&self.document_kind),
        )
    }

    /// The template's values for this document.
    #[must_use]
    pub fn fields(&self) -> NameFields {
        let scope = &self.scope;
        let billing_account = scope
            .billing_account_display_name
            .clone()
            .or_else(|| scope.billing_account_name.clone())
            .filter(|a| !a.trim().is_empty() && a != "default")
            .unwrap_or_else(|| scope.display_name.clone());
        let is_profile = matches!(
            scope.kind,
            ScopeKind::McaBillingProfile | ScopeKind::MpaCustomer
        );
        NameFields {
            billing_account,
            billing_profile: if is_profile {
                scope.display_name.clone()
            } else {
                self.profile_display_name.clone().unwrap_or_default()
            },
            scope: scope.display_name.clone(),
            subscription: if scope.kind == ScopeKind::MospSubscription {
                scope.display_name.clone()
            } else {
                self.subscription_display_name.clone().unwrap_or_default()
            },
            date: self.invoice_date.or(self.period_end).or(self.period_start),
            invoice_name: self.invoice.clone(),
            document_kind: self.document_kind.clone(),
            document_name: self
                .document_name
                .clone()
                .unwrap_or_else(|| self.invoice.clone()),
        }
    }
}
