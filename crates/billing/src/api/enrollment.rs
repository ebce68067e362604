//! EA departments and enrollment accounts, and permissions at any billing scope id.

use super::ListOptions;
use super::operations::{DEPARTMENTS_LIST, ENROLLMENT_ACCOUNTS_LIST, PERMISSIONS_AT};
use crate::arm::{ArmClient, ItemStream};
use crate::model::{BillingPermission, Department, EnrollmentAccount};

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
}
