//! The ARM error envelope and its older and Cost Management variants.

use serde::{Deserialize, Serialize};

/// `{"error": {...}}` as ARM (common-types v5), Microsoft.Billing and Cost Management send it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ArmErrorResponse {
    #[serde(default)]
    pub error: Option<ArmError>,
}

/// `ErrorDetail`; every field optional because older api-versions send fewer of them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmError {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub details: Vec<ArmError>,
    #[serde(default)]
    pub additional_info: Vec<ErrorAdditionalInfo>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ErrorAdditionalInfo {
    #[serde(default, rename = "type")]
    pub info_type: Option<String>,
    #[serde(default)]
    pub info: Option<serde_json::Value>,
}

impl ArmError {
    /// Reads an error body: the `{"error":{…}}` envelope, or a bare `{code, message}` object as
    /// some Cost Management and gateway responses send. `None` for anything else (HTML, text).
    #[must_use]
    pub fn from_body(body: &[u8]) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        let inner = match value.get("error") {
            Some(error) if error.is_object() => error.clone(),
            _ if value.get("code").is_some() || value.get("message").is_some() => value,
            _ => return None,
        };
        serde_json::from_value(inner).ok()
    }
}
