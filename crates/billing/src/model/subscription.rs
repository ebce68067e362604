//! Billing subscriptions (Microsoft.Billing 2024-04-01) and ARM subscriptions (2022-12-01).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::common::Resource;
use super::date::ArmDate;
use super::enums::string_enum;
use super::money::Amount;

/// `…/billingAccounts/{BA}/billingSubscriptions[/{name}]`.
pub type BillingSubscription = Resource<BillingSubscriptionProperties>;

string_enum! {
    pub enum BillingSubscriptionStatus {
        Other = "Other", UnknownStatus = "Unknown", Active = "Active", Disabled = "Disabled",
        Deleted = "Deleted", Warned = "Warned", Expiring = "Expiring", Expired = "Expired",
        AutoRenew = "AutoRenew", Cancelled = "Cancelled", Suspended = "Suspended",
        Failed = "Failed",
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingSubscriptionProperties {
    #[serde(default)]
    pub subscription_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub status: Option<BillingSubscriptionStatus>,
    #[serde(default)]
    pub subscription_billing_status: Option<BillingSubscriptionStatus>,
    /// MOSP only, e.g. `MS-AZR-0044P`.
    #[serde(default)]
    pub offer_id: Option<String>,
    #[serde(default)]
    pub purchase_date: Option<ArmDate>,
    #[serde(default)]
    pub term_start_date: Option<ArmDate>,
    #[serde(default)]
    pub term_end_date: Option<ArmDate>,
    #[serde(default)]
    pub term_duration: Option<String>,
    #[serde(default)]
    pub auto_renew: Option<String>,
    #[serde(default)]
    pub billing_profile_id: Option<String>,
    #[serde(default)]
    pub billing_profile_name: Option<String>,
    #[serde(default)]
    pub billing_profile_display_name: Option<String>,
    #[serde(default)]
    pub invoice_section_id: Option<String>,
    #[serde(default)]
    pub invoice_section_name: Option<String>,
    #[serde(default)]
    pub invoice_section_display_name: Option<String>,
    #[serde(default)]
    pub cost_center: Option<String>,
    #[serde(default)]
    pub last_month_charges: Option<Amount>,
    #[serde(default)]
    pub month_to_date_charges: Option<Amount>,
    #[serde(default)]
    pub sku_id: Option<String>,
    #[serde(default)]
    pub sku_description: Option<String>,
    #[serde(default)]
    pub product_category: Option<String>,
    #[serde(default)]
    pub product_type: Option<String>,
    #[serde(default)]
    pub quantity: Option<i64>,
    #[serde(default)]
    pub suspension_reasons: Option<Vec<String>>,
}

string_enum! {
    pub enum SubscriptionState {
        Enabled = "Enabled", Warned = "Warned", PastDue = "PastDue", Disabled = "Disabled",
        Deleted = "Deleted",
    }
}

string_enum! {
    pub enum SubscriptionSpendingLimit { On = "On", Off = "Off", CurrentPeriodOff = "CurrentPeriodOff" }
}

/// `GET /subscriptions[/{id}]` (2022-12-01): not ARM-enveloped.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub subscription_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    pub state: Option<SubscriptionState>,
    #[serde(default)]
    pub subscription_policies: Option<SubscriptionPolicies>,
    #[serde(default)]
    pub authorization_source: Option<String>,
    #[serde(default)]
    pub managed_by_tenants: Option<Vec<ManagedByTenant>>,
    #[serde(default)]
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionPolicies {
    #[serde(default)]
    pub location_placement_id: Option<String>,
    /// e.g. `FreeTrial_2014-09-01`, `PayAsYouGo_2014-09-01`.
    #[serde(default)]
    pub quota_id: Option<String>,
    #[serde(default)]
    pub spending_limit: Option<SubscriptionSpendingLimit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedByTenant {
    #[serde(default)]
    pub tenant_id: Option<String>,
}

/// `GET /tenants` (2022-12-01).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    pub tenant_category: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub country_code: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub domains: Option<Vec<String>>,
    #[serde(default)]
    pub default_domain: Option<String>,
    #[serde(default)]
    pub tenant_type: Option<String>,
}
