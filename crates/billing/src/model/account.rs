//! Billing accounts (2024-04-01).

use serde::{Deserialize, Serialize};

use super::common::{Address, Resource};
use super::date::ArmDate;
use super::enums::{AgreementType, string_enum};

/// `GET /providers/Microsoft.Billing/billingAccounts[/{name}]`.
pub type BillingAccount = Resource<BillingAccountProperties>;

string_enum! {
    pub enum AccountType {
        Other = "Other", Enterprise = "Enterprise", Individual = "Individual", Partner = "Partner",
        Reseller = "Reseller", ClassicPartner = "ClassicPartner", Internal = "Internal",
        Tenant = "Tenant", Business = "Business",
    }
}

string_enum! {
    pub enum AccountSubType {
        Other = "Other", None = "None", Individual = "Individual", Professional = "Professional",
        Enterprise = "Enterprise",
    }
}

string_enum! {
    pub enum AccountStatus {
        Other = "Other", Active = "Active", UnderReview = "UnderReview", Disabled = "Disabled",
        Deleted = "Deleted", Extended = "Extended", Pending = "Pending", New = "New",
        Expired = "Expired", Terminated = "Terminated", Transferred = "Transferred",
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingAccountProperties {
    #[serde(default)]
    pub agreement_type: Option<AgreementType>,
    #[serde(default)]
    pub account_type: Option<AccountType>,
    #[serde(default)]
    pub account_sub_type: Option<AccountSubType>,
    #[serde(default)]
    pub account_status: Option<AccountStatus>,
    #[serde(default)]
    pub account_status_reason_code: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub has_read_access: Option<bool>,
    #[serde(default)]
    pub has_no_billing_profiles: Option<bool>,
    /// MOSP only: the account's notification address.
    #[serde(default)]
    pub notification_email_address: Option<String>,
    #[serde(default)]
    pub primary_billing_tenant_id: Option<String>,
    #[serde(default)]
    pub sold_to: Option<Address>,
    #[serde(default)]
    pub enrollment_details: Option<EnrollmentDetails>,
    #[serde(default)]
    pub billing_relationship_types: Option<Vec<String>>,
    #[serde(default)]
    pub registration_number: Option<serde_json::Value>,
}

/// EA enrollment facts; `invoiceRecipient` is who receives EA invoices (they can't be downloaded).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrollmentDetails {
    #[serde(default)]
    pub start_date: Option<ArmDate>,
    #[serde(default)]
    pub end_date: Option<ArmDate>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub country_code: Option<String>,
    #[serde(default)]
    pub billing_cycle: Option<String>,
    #[serde(default)]
    pub po_number: Option<String>,
    #[serde(default)]
    pub invoice_recipient: Option<String>,
}
