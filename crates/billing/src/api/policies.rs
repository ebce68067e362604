//! Billing policies (view charges, purchases) at account, profile and subscription scope.

use super::operations::{POLICY_BY_ACCOUNT, POLICY_BY_PROFILE, POLICY_BY_SUBSCRIPTION};
use crate::arm::ArmClient;
use crate::error::BillingError;
use crate::model::Policy;

impl ArmClient {
    /// EA: includes the view-charges policies department admins and account owners need.
    pub async fn get_billing_account_policy(&self, account: &str) -> Result<Policy, BillingError> {
        self.get_json(&POLICY_BY_ACCOUNT, &[account], &[], "policy")
            .await
    }

    pub async fn get_billing_profile_policy(
        &self,
        account: &str,
        profile: &str,
    ) -> Result<Policy, BillingError> {
        self.get_json(&POLICY_BY_PROFILE, &[account, profile], &[], "policy")
            .await
    }

    pub async fn get_subscription_policy(
        &self,
        subscription_id: &str,
    ) -> Result<Policy, BillingError> {
        self.get_json(&POLICY_BY_SUBSCRIPTION, &[subscription_id], &[], "policy")
            .await
    }
}
