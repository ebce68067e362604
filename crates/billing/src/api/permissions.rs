//! What the signed-in user may do: billing permissions, access checks, role assignments and
//! role definitions.

use super::ListOptions;
use super::operations::{
    CHECK_ACCESS_BY_ACCOUNT, CHECK_ACCESS_BY_PROFILE, Operation, PERMISSIONS_BY_ACCOUNT,
    PERMISSIONS_BY_PROFILE, ROLE_ASSIGNMENTS_BY_ACCOUNT, ROLE_ASSIGNMENTS_BY_PROFILE,
    ROLE_DEFINITIONS_BY_ACCOUNT, ROLE_DEFINITIONS_BY_PROFILE,
};
use crate::arm::{ArmClient, ItemStream};
use crate::error::BillingError;
use crate::model::{
    BillingPermission, BillingRoleAssignment, BillingRoleDefinition, CheckAccessRequest,
    CheckAccessResponse,
};

/// A billing account or one of its billing profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionScope<'a> {
    Account(&'a str),
    Profile { account: &'a str, profile: &'a str },
}

impl<'a> PermissionScope<'a> {
    fn pick(
        self,
        by_account: &'a Operation,
        by_profile: &'a Operation,
    ) -> (&'a Operation, Vec<&'a str>) {
        match self {
            Self::Account(account) => (by_account, vec![account]),
            Self::Profile { account, profile } => (by_profile, vec![account, profile]),
        }
    }
}

impl ArmClient {
    pub fn list_billing_permissions(
        &self,
        scope: PermissionScope<'_>,
    ) -> ItemStream<BillingPermission> {
        let (op, params) = scope.pick(&PERMISSIONS_BY_ACCOUNT, &PERMISSIONS_BY_PROFILE);
        self.list(op, &params, &[])
    }

    /// Whether each action is allowed for the caller at `scope`.
    pub async fn check_access(
        &self,
        scope: PermissionScope<'_>,
        actions: Vec<String>,
    ) -> Result<Vec<CheckAccessResponse>, BillingError> {
        let (op, params) = scope.pick(&CHECK_ACCESS_BY_ACCOUNT, &CHECK_ACCESS_BY_PROFILE);
        let body = CheckAccessRequest { actions };
        self.call_json(op, &params, &[], &body, "access decisions")
            .await
    }

    pub fn list_billing_role_assignments(
        &self,
        scope: PermissionScope<'_>,
        options: &ListOptions,
    ) -> ItemStream<BillingRoleAssignment> {
        let (op, params) = scope.pick(&ROLE_ASSIGNMENTS_BY_ACCOUNT, &ROLE_ASSIGNMENTS_BY_PROFILE);
        self.list(op, &params, &options.query(false))
    }

    pub fn list_billing_role_definitions(
        &self,
        scope: PermissionScope<'_>,
    ) -> ItemStream<BillingRoleDefinition> {
        let (op, params) = scope.pick(&ROLE_DEFINITIONS_BY_ACCOUNT, &ROLE_DEFINITIONS_BY_PROFILE);
        self.list(op, &params, &[])
    }
}
