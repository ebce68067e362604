//! Who may do what: role grants on billing scopes, worded as ARM words its 403s.

use axum::http::StatusCode;

use crate::auth::Claims;
use crate::error::ArmError;
use crate::scenario::model::{Agreement, Invoice, Role, Scope, World};

/// The kind of access an operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    InvoiceRead,
    Write,
    CostRead,
}

fn role_allows(world: &World, role: Role, scope: &Scope, need: Need) -> bool {
    let view_charges = |for_department: bool| {
        world
            .account_of(scope)
            .and_then(|a| world.account(&a).and_then(|a| a.enrollment.clone()))
            .is_some_and(|e| {
                if for_department {
                    e.department_admin_view_charges
                } else {
                    e.account_owner_view_charges
                }
            })
    };
    match role {
        Role::AccountAdmin
        | Role::BillingAccountOwner
        | Role::BillingProfileOwner
        | Role::BillingProfileContributor
        | Role::EnterpriseAdmin => true,
        // The invoice manager "views and pays invoices"; Microsoft's table also lets it
        // download the profile's usage and charges files, like a reader, but not change the
        // profile.
        Role::BillingProfileReader | Role::InvoiceManager => need != Need::Write,
        // A subscription role reads the subscription; its invoices, and the usage and charges
        // that go with them, only where the account administrator allowed others to download
        // them ("Allow others to download invoice", per subscription).
        Role::SubscriptionReader => {
            need == Need::Read
                || (matches!(need, Need::InvoiceRead | Need::CostRead)
                    && others_may_download_invoices(world, scope))
        }
        // An invoice section role reads the section and its charges, never the billing
        // profile's invoices, and cannot change the profile (Microsoft's MCA role tables:
        // "View all the invoices for the billing profile" is billing profile and account
        // roles only).
        Role::InvoiceSectionOwner
        | Role::InvoiceSectionContributor
        | Role::InvoiceSectionReader => {
            matches!(need, Need::Read | Need::CostRead)
        }
        Role::DepartmentAdmin => {
            need == Need::Read || (need == Need::CostRead && view_charges(true))
        }
        Role::EaAccountOwner => {
            need == Need::Read || (need == Need::CostRead && view_charges(false))
        }
    }
}

/// Whether the account administrator switched on "Allow others to download invoice" for the
/// subscription `scope` is (or belongs to).
fn others_may_download_invoices(world: &World, scope: &Scope) -> bool {
    match scope {
        Scope::Subscription(id) => world
            .subscription(id)
            .is_some_and(|s| s.others_may_download_invoices),
        _ => false,
    }
}

/// Microsoft keeps invoices from before December 2016 for the account administrator alone,
/// whatever "Allow others to download invoice" says.
pub const OTHERS_MAY_DOWNLOAD_FROM: time::Date = time::macros::date!(2016 - 12 - 01);

/// Whether the caller may download this pay-as-you-go invoice's documents, once allowed to
/// read it: the account administrator always, anyone else only from December 2016 on.
pub fn may_download_invoice(world: &World, who: &Claims, invoice: &Invoice) -> bool {
    match &invoice.subscription {
        Some(sub) if invoice.profile.is_none() => {
            invoice.invoice_date >= OTHERS_MAY_DOWNLOAD_FROM || is_account_admin(world, who, sub)
        }
        _ => true,
    }
}

/// The roles the caller holds on the scope or any ancestor.
pub fn roles_on(world: &World, who: &Claims, scope: &Scope) -> Vec<Role> {
    let ancestors = world.ancestors(scope);
    world
        .grants
        .iter()
        .filter(|g| g.principal == who.oid && ancestors.contains(&g.scope))
        .map(|g| g.role)
        .collect()
}

pub fn allowed(world: &World, who: &Claims, scope: &Scope, need: Need) -> bool {
    roles_on(world, who, scope)
        .into_iter()
        .any(|r| role_allows(world, r, scope, need))
}

/// Whether the caller holds any role on this scope, its ancestors or descendants.
pub fn touches(world: &World, who: &Claims, scope: &Scope) -> bool {
    if !roles_on(world, who, scope).is_empty() {
        return true;
    }
    world
        .grants
        .iter()
        .filter(|g| g.principal == who.oid)
        .any(|g| {
            // A grant below the scope makes the scope visible (ARM lists the account for profile users).
            g.scope != *scope
                && world.ancestors(&g.scope).contains(scope)
                && !matches!(g.scope, Scope::Subscription(_))
        })
}

pub fn forbidden(who: &Claims, action: &str, scope: &str) -> ArmError {
    ArmError::new(
        StatusCode::FORBIDDEN,
        "AuthorizationFailed",
        format!(
            "The client '{}' with object id '{}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
            who.upn, who.oid
        ),
    )
}

/// Succeeds when allowed, otherwise the ARM 403 naming the action and scope.
pub fn require(
    world: &World,
    who: &Claims,
    scope: &Scope,
    need: Need,
    action: &str,
) -> Result<(), ArmError> {
    if allowed(world, who, scope, need) {
        Ok(())
    } else {
        Err(forbidden(who, action, &scope.arm_id()))
    }
}

/// MOSP: is the caller the account admin of the subscription's account?
pub fn is_account_admin(world: &World, who: &Claims, subscription: &str) -> bool {
    let Some(sub) = world.subscription(subscription) else {
        return false;
    };
    world
        .account(&sub.account)
        .is_some_and(|a| a.agreement == Agreement::Mosp)
        && roles_on(world, who, &Scope::Account(sub.account.clone())).contains(&Role::AccountAdmin)
}
