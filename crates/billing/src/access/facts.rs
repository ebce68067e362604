//! The evidence about one scope: the 403s received, the effective permissions
//! (`billingPermissions` or `checkAccess`), the roles held and the EA policies.

use serde::Serialize;

use super::{Action, BillingRole};
use crate::model::{AccessDecision, CheckAccessResponse, EnterpriseAgreementPolicies};

/// A 403 received while working on a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForbiddenCall {
    pub action: Action,
    /// The ARM action of the `AuthorizationFailed` message, when it named one.
    pub arm_action: Option<String>,
}

/// The caller's effective actions at a scope (`billingPermissions` or `checkAccess`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Permissions {
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
}

impl Permissions {
    /// `Some(true/false)` when the listed actions decide `action`, `None` when they say
    /// nothing about it.
    #[must_use]
    pub fn decides(&self, action: Action) -> Option<bool> {
        if self
            .not_actions
            .iter()
            .any(|a| action.matches_arm_action(a))
        {
            return Some(false);
        }
        if self.actions.iter().any(|a| action.matches_arm_action(a)) {
            return Some(true);
        }
        // An empty list means no permission at all; otherwise unlisted is unknown.
        if self.actions.is_empty() && self.not_actions.is_empty() {
            return Some(false);
        }
        None
    }
}

impl Permissions {
    /// The permissions a `checkAccess` answer proves: `Allowed` actions as actions,
    /// `NotAllowed` ones as not-actions. `None` when no decision was either (all `Other`, or
    /// an empty answer): unlike an empty `billingPermissions` list, that proves nothing.
    #[must_use]
    pub fn from_access_decisions(decisions: &[CheckAccessResponse]) -> Option<Self> {
        let mut out = Self::default();
        for decision in decisions {
            let Some(action) = decision.action.clone() else {
                continue;
            };
            match decision.access_decision {
                Some(AccessDecision::Allowed) => out.actions.push(action),
                Some(AccessDecision::NotAllowed) => out.not_actions.push(action),
                _ => {}
            }
        }
        (!out.actions.is_empty() || !out.not_actions.is_empty()).then_some(out)
    }
}

/// Which API said what the caller's permissions are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PermissionSource {
    BillingPermissions,
    CheckAccess,
}

/// Everything known about the caller's access to one scope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccessFacts {
    /// MOSP `billingProperty.isAccountAdmin`.
    pub is_account_admin: Option<bool>,
    /// MOSP `billingProperty.accountAdminNotificationEmailAddress`: who to ask for access.
    pub account_admin_email: Option<String>,
    /// Billing roles held on the scope or above it.
    pub roles: Vec<BillingRole>,
    /// `None` when the permissions could not be read.
    pub permissions: Option<Permissions>,
    /// Where [`Self::permissions`] came from.
    pub permissions_source: Option<PermissionSource>,
    /// EA account policies.
    pub ea_policies: Option<EnterpriseAgreementPolicies>,
    /// 403s received on this scope.
    pub forbidden: Vec<ForbiddenCall>,
    /// Actions that succeeded on this scope (e.g. an invoice list answered 200).
    pub succeeded: Vec<Action>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(action: &str, allowed: Option<AccessDecision>) -> CheckAccessResponse {
        CheckAccessResponse {
            action: Some(action.into()),
            access_decision: allowed,
        }
    }

    #[test]
    fn check_access_answers_become_permissions_only_when_they_decide_something() {
        let decisions = [
            decision(
                "Microsoft.Billing/billingAccounts/billingProfiles/invoices/read",
                Some(AccessDecision::Allowed),
            ),
            decision(
                "Microsoft.Billing/billingAccounts/billingProfiles/write",
                Some(AccessDecision::NotAllowed),
            ),
            decision(
                "Microsoft.CostManagement/generateCostDetailsReport/action",
                Some(AccessDecision::Other),
            ),
            CheckAccessResponse {
                action: None,
                access_decision: Some(AccessDecision::Allowed),
            },
        ];
        let permissions = Permissions::from_access_decisions(&decisions).unwrap();
        assert_eq!(
            permissions.actions,
            ["Microsoft.Billing/billingAccounts/billingProfiles/invoices/read"]
        );
        assert_eq!(
            permissions.not_actions,
            ["Microsoft.Billing/billingAccounts/billingProfiles/write"]
        );
        assert_eq!(permissions.decides(Action::ListInvoices), Some(true));
        assert_eq!(permissions.decides(Action::ManageEmail), Some(false));
        // "Other" says nothing: the roles decide usage.
        assert_eq!(permissions.decides(Action::DownloadUsage), None);
        // Nothing decided is no evidence at all (not "no permission").
        assert_eq!(
            Permissions::from_access_decisions(&[decision(
                "Microsoft.Billing/billingAccounts/read",
                Some(AccessDecision::Other)
            )]),
            None
        );
        assert_eq!(Permissions::from_access_decisions(&[]), None);
    }
}
