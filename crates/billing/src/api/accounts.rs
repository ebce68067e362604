//! Billing accounts.

use super::ListOptions;
use super::operations::{ACCOUNTS_GET, ACCOUNTS_LIST, ACCOUNTS_UPDATE};
use crate::arm::{ArmClient, ItemStream, LroOptions};
use crate::error::BillingError;
use crate::model::BillingAccount;

impl ArmClient {
    /// Every billing account the signed-in user can see.
    pub fn list_billing_accounts(&self, options: &ListOptions) -> ItemStream<BillingAccount> {
        self.list(&ACCOUNTS_LIST, &[], &options.query(false))
    }

    pub async fn get_billing_account(&self, account: &str) -> Result<BillingAccount, BillingError> {
        self.get_json(&ACCOUNTS_GET, &[account], &[], "billing account")
            .await
    }

    /// `PATCH` an account (MOSP notification e-mail, MCA display name/address); a long-running
    /// operation. Not retried once sent, see [`super::operations`].
    pub async fn update_billing_account(
        &self,
        account: &str,
        patch: &BillingAccount,
        options: &LroOptions,
    ) -> Result<BillingAccount, BillingError> {
        let body = super::encode(patch)?;
        let response = self
            .long_running(&ACCOUNTS_UPDATE, &[account], &[], Some(body), options)
            .await?;
        if response.body.is_empty() {
            return self.get_billing_account(account).await;
        }
        response.json("billing account")
    }
}
