//! Azure Resource Manager billing client and the billing domain.
//!
//! No UI and no sign-in here: callers hand an [`ArmClient`] a cloud and an
//! `azure_core` [`TokenCredential`](azure_core::credentials::TokenCredential).

pub mod model;
