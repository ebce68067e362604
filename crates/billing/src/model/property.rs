//! The billing property of a subscription: agreement, account admin flag, billing ids.

use serde::{Deserialize, Serialize};

use super::common::{Address, Resource};
use super::date::ArmDate;
use super::enums::{AgreementType, string_enum};
use super::profile::{SpendingLimit, SpendingLimitDetails};

/// `GET /subscriptions/{id}/providers/Microsoft.Billing/billingProperty/default`.
pub type BillingProperty = Resource<BillingPropertyProperties>;

string_enum! {
    pub enum SubscriptionBillingType {
        None = "None", Benefit = "Benefit", Free = "Free", Paid = "Paid", PrePaid = "PrePaid",
    }
}

string_enum! {
    pub enum SubscriptionWorkloadType {
        None = "None", Production = "Production", DevTest = "DevTest", Internal = "Internal",
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingPropertyProperties {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_account_agreement_type: Option<AgreementType>,
    /// Full ARM id; the account name is its last segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_account_display_name: Option<String>,
    /// Older api-versions call the display name `billingAccountName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_account_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_account_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_account_sub_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_account_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_account_sold_to_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_admin_notification_email_address: Option<String>,
    /// Whether the caller is the (MOSP) account administrator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_account_admin: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_profile_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_profile_display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_profile_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_profile_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_profile_status_reason_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_profile_spending_limit: Option<SpendingLimit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_profile_spending_limit_details: Option<Vec<SpendingLimitDetails>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_profile_payment_method_family: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_tenant_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_center: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_section_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_section_display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_billing_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_billing_status_details: Option<Vec<BillingStatusDetail>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_billing_type: Option<SubscriptionBillingType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_workload_type: Option<SubscriptionWorkloadType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_service_usage_address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_transitioned_billing_account: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku_description: Option<String>,
}

impl BillingPropertyProperties {
    /// The billing account name (last segment of `billingAccountId`).
    #[must_use]
    pub fn billing_account_name_from_id(&self) -> Option<&str> {
        self.billing_account_id
            .as_deref()
            .and_then(|id| id.trim_end_matches('/').rsplit('/').next())
            .filter(|name| !name.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingStatusDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_date: Option<ArmDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
