//! Billing subscriptions and ARM subscriptions.

use super::ListOptions;
use super::operations::{
    BILLING_SUBSCRIPTIONS_GET, BILLING_SUBSCRIPTIONS_LIST, SUBSCRIPTIONS_GET, SUBSCRIPTIONS_LIST,
};
use crate::arm::{ArmClient, ItemStream};
use crate::error::BillingError;
use crate::model::{BillingSubscription, Subscription};

impl ArmClient {
    pub fn list_billing_subscriptions(
        &self,
        account: &str,
        options: &ListOptions,
    ) -> ItemStream<BillingSubscription> {
        self.list(
            &BILLING_SUBSCRIPTIONS_LIST,
            &[account],
            &options.query(false),
        )
    }

    pub async fn get_billing_subscription(
        &self,
        account: &str,
        name: &str,
    ) -> Result<BillingSubscription, BillingError> {
        self.get_json(
            &BILLING_SUBSCRIPTIONS_GET,
            &[account, name],
            &[],
            "billing subscription",
        )
        .await
    }

    /// The ARM subscriptions of the signed-in tenant.
    pub fn list_subscriptions(&self) -> ItemStream<Subscription> {
        self.list(&SUBSCRIPTIONS_LIST, &[], &[])
    }

    pub async fn get_subscription(
        &self,
        subscription_id: &str,
    ) -> Result<Subscription, BillingError> {
        self.get_json(&SUBSCRIPTIONS_GET, &[subscription_id], &[], "subscription")
            .await
    }
}
