//! MCA invoice sections (2024-04-01): groups of charges on a billing profile's invoice.

use serde::{Deserialize, Serialize};

use super::common::Resource;
use super::enums::string_enum;

/// `…/billingAccounts/{BA}/billingProfiles/{BP}/invoiceSections/{IS}`.
pub type InvoiceSection = Resource<InvoiceSectionProperties>;

string_enum! {
    pub enum InvoiceSectionState {
        Other = "Other", Active = "Active", Deleted = "Deleted", Disabled = "Disabled",
        UnderReview = "UnderReview", Warned = "Warned", Restricted = "Restricted",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceSectionProperties {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<InvoiceSectionState>,
    /// Why the section is not active, e.g. `PastDue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_cloud: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_read_the_sdk_example_shape_and_keep_unknown_states() {
        let body = r#"{"id": "/providers/Microsoft.Billing/billingAccounts/a:b_2019-05-31/billingProfiles/P/invoiceSections/invoice-section-2",
            "name": "invoice-section-2",
            "type": "Microsoft.Billing/billingAccounts/billingProfiles/invoiceSections",
            "properties": {"displayName": "Invoice Section 2", "reasonCode": "PastDue", "state": "Warned",
                "systemId": "zzzz-zzzz-zzz-zzz", "tags": {"pcCode": "Z345678"}},
            "tags": {"costCategory": "Marketing"}}"#;
        let section: InvoiceSection = serde_json::from_str(body).unwrap();
        assert_eq!(section.name_or_id_tail(), Some("invoice-section-2"));
        assert_eq!(section.properties.state, Some(InvoiceSectionState::Warned));
        assert_eq!(section.properties.reason_code.as_deref(), Some("PastDue"));
        let future: InvoiceSectionProperties =
            serde_json::from_str(r#"{"state": "Hibernating"}"#).unwrap();
        assert_eq!(
            future.state.map(|s| s.as_str().to_owned()).as_deref(),
            Some("Hibernating")
        );
    }
}
