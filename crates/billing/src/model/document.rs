//! The result of the document download long-running operations.

use serde::{Deserialize, Serialize};

use super::date::ArmDate;

/// Where to fetch a PDF or zip: a pre-signed (SAS) URL that must be fetched without a bearer
/// token, valid until `expiry_time`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentDownloadResult {
    pub url: String,
    /// Typed as a plain string by the spec; parse with [`ArmDate::datetime`].
    #[serde(default)]
    pub expiry_time: Option<ArmDate>,
}

/// One entry of a `downloadDocuments` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentDownloadRequest {
    pub invoice_name: String,
    /// Omitted: the most recent invoice PDF of that invoice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_name: Option<String>,
}
