//! Azure Resource Manager billing client and the billing domain.
//!
//! No UI and no sign-in here: callers hand an [`ArmClient`] a [`Cloud`] and an `azure_core`
//! [`TokenCredential`](azure_core::credentials::TokenCredential).

pub mod access;
pub mod api;
pub mod arm;
pub mod availability;
pub mod browse;
pub mod clock;
pub mod cloud;
mod credential;
pub mod effective;
mod error;
pub mod legacy;
pub mod model;
pub mod periods;
pub mod scope;
mod sections;
pub mod usage_range;

pub use access::{
    AccessFacts, Action, BillingRole, Capabilities, Capability, Denied, Portal, PortalLink,
    capabilities,
};
/// The account/profile addressing of the permission operations; [`BillingScope`] is the
/// domain's scope.
pub use api::PermissionScope;
pub use api::{CostDetailsReport, InvoiceQuery, ListOptions};
pub use arm::{
    ArmClient, ArmClientBuilder, LroOptions, LroPolicy, LroProgress, LroStatus, RetryPolicy,
};
pub use availability::{Availability, InvoiceAccess, PeriodFacts, ReasonCode, availability};
pub use browse::{
    Caller, Discovery, PeriodRow, ScopeEntry, ScopeFacts, ScopeIssue, discover_scopes,
    scope_periods,
};
pub use clock::Clock;
pub use cloud::{ArmEndpoint, Cloud};
pub use credential::StaticTokenCredential;
pub use error::{BillingCode, BillingError};
pub use periods::{InvoiceRange, ShownRange};
pub use scope::{AgreementFamily, BillingScope, ScopeKind};
