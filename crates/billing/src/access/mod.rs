//! What the signed-in user may do on a billing scope, and who can change it.
//!
//! [`capabilities`] maps the facts one sweep gathers about a scope ([`AccessFacts`]: the MOSP
//! `isAccountAdmin` flag, MCA/EA `billingPermissions` or `checkAccess` actions, billing role
//! assignments, the EA view-charges policies, and every 403 actually received) to four
//! [`Capability`]s. A denied action carries the role that would allow it, the role that can
//! grant it, and a portal link, so the UI never shows a raw 403.
//!
//! - `roles`: the billing roles, the four actions, and which role allows which action on each
//!   kind of scope (and who grants it);
//! - `facts`: the evidence gathered about one scope;
//! - `portal`: the portal page where an action is granted or done instead;
//! - `decision`: the verdicts, strongest evidence first.

mod decision;
mod facts;
#[cfg(test)]
mod fixtures;
mod portal;
mod roles;

pub use decision::{
    AccessPolicy, Capabilities, Capability, Denied, InvoiceRefusal, NotOfferedReason,
    OTHERS_MAY_DOWNLOAD_FROM, capabilities, invoice_refusal,
};
pub use facts::{AccessFacts, ForbiddenCall, PermissionSource, Permissions};
pub use portal::{Portal, PortalLink};
pub(crate) use roles::requirement;
pub use roles::{Action, BillingRole};
