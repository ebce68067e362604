//! Billing policies of an account (EA), a billing profile (MCA) and a subscription.

use serde::{Deserialize, Serialize};

use super::common::Resource;
use super::enums::string_enum;

/// `…/policies/default` at any scope; older api-versions' fields are kept too.
pub type Policy = Resource<PolicyProperties>;

string_enum! {
    pub enum PolicyValue {
        Allowed = "Allowed", NotAllowed = "NotAllowed", Disabled = "Disabled", Other = "Other",
        AllAllowed = "AllAllowed", OnlyFreeAllowed = "OnlyFreeAllowed",
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyProperties {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_section_label_management: Option<PolicyValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketplace_purchases: Option<PolicyValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservation_purchases: Option<PolicyValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savings_plan_purchases: Option<PolicyValue>,
    /// Whether users can view charges at pay-as-you-go prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_charges: Option<PolicyValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_agreement_policies: Option<EnterpriseAgreementPolicies>,
    /// Subscription scope: `[{name, value, policyType, scope}]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<PolicySummary>>,
    // 2018-11-01-preview booleans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketplace_purchases_allowed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservation_purchases_allowed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_owner_can_view_charges: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnterpriseAgreementPolicies {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_type: Option<String>,
    /// The "view charges" policy account owners need to download usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_owner_view_charges: Option<PolicyValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_admin_view_charges: Option<PolicyValue>,
}

string_enum! {
    pub enum PolicyType { UserControlled = "UserControlled", SystemControlled = "SystemControlled", Other = "Other" }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicySummary {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_type: Option<PolicyType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}
