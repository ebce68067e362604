//! Billing profiles (MCA/MPA), including invoice e-mail delivery settings.

use serde::{Deserialize, Serialize};

use super::common::{Address, Resource};
use super::date::ArmDate;
use super::enums::string_enum;

/// `…/billingAccounts/{BA}/billingProfiles/{BP}`; also the PUT body (read-only fields are
/// ignored by ARM, so a fetched profile can be modified and sent back).
pub type BillingProfile = Resource<BillingProfileProperties>;

string_enum! {
    pub enum BillingProfileStatus {
        Other = "Other", Active = "Active", Disabled = "Disabled", Warned = "Warned",
        Deleted = "Deleted", UnderReview = "UnderReview",
    }
}

string_enum! {
    pub enum SpendingLimit { Off = "Off", On = "On" }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingProfileProperties {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_to: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_to: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sold_to: Option<Address>,
    /// Whether invoices are e-mailed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_email_opt_in: Option<bool>,
    /// Extra addresses that receive invoices by e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_recipients: Option<Vec<String>>,
    /// 2024-08-01-preview contact form of the recipients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_recipient_contacts: Option<Vec<InvoiceRecipientContact>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub po_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_azure_plans: Option<Vec<AzurePlan>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_day: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_read_access: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<BillingProfileStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spending_limit: Option<SpendingLimit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spending_limit_details: Option<Vec<SpendingLimitDetails>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_relationship_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indirect_relationship_info: Option<IndirectRelationshipInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceRecipientContact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AzurePlan {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku_description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndirectRelationshipInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_account_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_profile_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

string_enum! {
    /// Why a spending limit applies (free trial, MSDN, sponsorship …).
    pub enum SpendingLimitType {
        Other = "Other", None = "None", FreeAccount = "FreeAccount", Sandbox = "Sandbox",
        AzureForStudents = "AzureForStudents", AcademicSponsorship = "AcademicSponsorship",
        AzureConsumptionCredit = "AzureConsumptionCredit",
        AzurePassSponsorship = "AzurePassSponsorship", MpnSponsorship = "MpnSponsorship",
        Msdn = "MSDN", NonProfitSponsorship = "NonProfitSponsorship", Sponsorship = "Sponsorship",
        StartupSponsorship = "StartupSponsorship",
        AzureForStudentsStarter = "AzureForStudentsStarter", VisualStudio = "VisualStudio",
    }
}

string_enum! {
    pub enum SpendingLimitStatus {
        Other = "Other", None = "None", Active = "Active", Expired = "Expired",
        LimitReached = "LimitReached", LimitRemoved = "LimitRemoved",
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpendingLimitDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<rust_decimal::Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<ArmDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<ArmDate>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub limit_type: Option<SpendingLimitType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SpendingLimitStatus>,
}
