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
        self.patch_account(account, body, options).await
    }

    /// MOSP: sets the account's notification address (its communication preferences), the
    /// one e-mail setting of a pay-as-you-go account Azure lets an app change. Only that field
    /// is sent, so nothing else of the account is touched.
    pub async fn set_notification_email(
        &self,
        account: &str,
        address: &str,
        options: &LroOptions,
    ) -> Result<BillingAccount, BillingError> {
        let body = super::encode(&serde_json::json!({
            "properties": { "notificationEmailAddress": address }
        }))?;
        self.patch_account(account, body, options).await
    }

    /// Sends `body` as the account's PATCH and answers with the account as Azure holds it.
    async fn patch_account(
        &self,
        account: &str,
        body: bytes::Bytes,
        options: &LroOptions,
    ) -> Result<BillingAccount, BillingError> {
        let response = self
            .long_running(&ACCOUNTS_UPDATE, &[account], &[], Some(body), options)
            .await?;
        if response.body.is_empty() {
            return self.get_billing_account(account).await;
        }
        response.json("billing account")
    }
}
