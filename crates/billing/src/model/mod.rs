//! Serde types shaped like the Azure specs. Unknown fields are ignored, unknown enum values are
//! kept (see [`enums`]), money is [`rust_decimal::Decimal`], dates are kept as text with parsing
//! accessors ([`ArmDate`]).

mod account;
mod common;
mod cost_details;
mod date;
mod document;
mod enrollment;
pub mod enums;
mod error;
mod invoice;
mod invoice_section;
mod money;
mod permission;
mod policy;
mod profile;
mod property;
mod subscription;

pub use account::{
    AccountStatus, AccountSubType, AccountType, BillingAccount, BillingAccountProperties,
    EnrollmentDetails,
};
pub use common::{Address, Page, Resource, SystemData};
pub use cost_details::{
    CostDetailsBlob, CostDetailsManifest, CostDetailsMetric, CostDetailsOperationResult,
    CostDetailsRequestContext, CostDetailsStatus, CostDetailsTimePeriod,
    GenerateCostDetailsReportRequest,
};
pub use date::ArmDate;
pub use document::{DocumentDownloadRequest, DocumentDownloadResult};
pub use enrollment::{
    Department, DepartmentProperties, EnrollmentAccount, EnrollmentAccountProperties,
};
pub use enums::AgreementType;
pub use error::{ArmError, ArmErrorResponse, ErrorAdditionalInfo};
pub use invoice::{
    BillingPeriod, BillingPeriodProperties, DocumentKind, DocumentSource, DownloadUrl, Invoice,
    InvoiceDocument, InvoiceProperties, InvoiceStatus, InvoiceType, LegacyInvoice,
    LegacyInvoiceProperties, Payment, RebillDetails,
};
pub use invoice_section::{InvoiceSection, InvoiceSectionProperties, InvoiceSectionState};
pub use money::Amount;
pub use permission::{
    AccessDecision, BillingPermission, BillingRoleAssignment, BillingRoleAssignmentProperties,
    BillingRoleDefinition, BillingRoleDefinitionProperties, CheckAccessRequest,
    CheckAccessResponse, PrincipalType,
};
pub use policy::{
    EnterpriseAgreementPolicies, Policy, PolicyProperties, PolicySummary, PolicyType, PolicyValue,
};
pub use profile::{
    AzurePlan, BillingProfile, BillingProfileProperties, BillingProfileStatus,
    IndirectRelationshipInfo, InvoiceRecipientContact, SpendingLimit, SpendingLimitDetails,
    SpendingLimitStatus, SpendingLimitType,
};
pub use property::{
    BillingProperty, BillingPropertyProperties, BillingStatusDetail, SubscriptionBillingType,
    SubscriptionWorkloadType,
};
pub use subscription::{
    BillingSubscription, BillingSubscriptionProperties, BillingSubscriptionStatus, ManagedByTenant,
    Subscription, SubscriptionPolicies, SubscriptionSpendingLimit, SubscriptionState, Tenant,
};
