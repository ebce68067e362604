//! EA departments and enrollment accounts, and permissions, access checks and role
//! assignments at any billing scope id.

use super::ListOptions;
use super::operations::{
    CHECK_ACCESS_AT, DEPARTMENTS_LIST, ENROLLMENT_ACCOUNTS_LIST, PERMISSIONS_AT,
    ROLE_ASSIGNMENTS_AT,
};
use crate::arm::{ArmClient, ItemStream};
use crate::error::BillingError;
use crate::model::{
    BillingPermission, BillingRoleAssignment, CheckAccessRequest, CheckAccessResponse, Department,
    EnrollmentAccount,
};

impl ArmClient {
    /// EA: the departments of an enrollment the caller can see.
    pub fn list_departments(&self, account: &str, options: &ListOptions) -> ItemStream<Department> {
        self.list(&DEPARTMENTS_LIST, &[account], &options.query(false))
    }

    /// EA: the enrollment accounts the caller can see.
    pub fn list_enrollment_accounts(
        &self,
        account: &str,
        options: &ListOptions,
    ) -> ItemStream<EnrollmentAccount> {
        self.list(&ENROLLMENT_ACCOUNTS_LIST, &[account], &options.query(false))
    }

    /// The caller's effective actions at a billing scope given by its ARM id, e.g.
    /// `/providers/Microsoft.Billing/billingAccounts/{BA}/departments/{d}`.
    pub fn list_billing_permissions_at(&self, scope_id: &str) -> ItemStream<BillingPermission> {
        self.list(&PERMISSIONS_AT, &[scope_id], &[])
    }

    /// Whether each of `actions` is allowed for the caller at a billing scope given by its ARM
    /// id (one POST, not pageable).
    pub async fn check_access_at(
        &self,
        scope_id: &str,
        actions: Vec<String>,
    ) -> Result<Vec<CheckAccessResponse>, BillingError> {
        let body = CheckAccessRequest { actions };
        self.call_json(
            &CHECK_ACCESS_AT,
            &[scope_id],
            &[],
            &body,
            "access decisions",
        )
        .await
    }

    /// The role assignments at a billing scope given by its ARM id.
    pub fn list_billing_role_assignments_at(
        &self,
        scope_id: &str,
        options: &ListOptions,
    ) -> ItemStream<BillingRoleAssignment> {
        self.list(&ROLE_ASSIGNMENTS_AT, &[scope_id], &options.query(false))
    }
}
