//! Azure Resource Manager billing client and the billing domain.
//!
//! No UI and no sign-in here: callers hand an [`ArmClient`] a [`Cloud`] and an `azure_core`
//! [`TokenCredential`](azure_core::credentials::TokenCredential).

pub mod api;
pub mod arm;
pub mod cloud;
mod credential;
mod error;
pub mod inventory;
pub mod model;

pub use api::{BillingScope, CostDetailsReport, InvoiceQuery, ListOptions};
pub use arm::{
    ArmClient, ArmClientBuilder, LroOptions, LroPolicy, LroProgress, LroStatus, RetryPolicy,
};
pub use cloud::{ArmEndpoint, Cloud};
pub use credential::StaticTokenCredential;
pub use error::BillingError;
pub use inventory::{
    DiscoveryFailure, Inventory, InvoiceRange, InvoiceScope, ScopeInvoices, list_all_invoices,
};
