//! Legacy (MOSP) billing periods.

use super::ListOptions;
use super::operations::{PERIODS_GET, PERIODS_LIST};
use crate::arm::{ArmClient, ItemStream};
use crate::error::BillingError;
use crate::model::BillingPeriod;

impl ArmClient {
    /// Newest first, as ARM returns them.
    pub fn list_billing_periods(
        &self,
        subscription_id: &str,
        options: &ListOptions,
    ) -> ItemStream<BillingPeriod> {
        self.list(&PERIODS_LIST, &[subscription_id], &options.query(true))
    }

    pub async fn get_billing_period(
        &self,
        subscription_id: &str,
        period: &str,
    ) -> Result<BillingPeriod, BillingError> {
        self.get_json(
            &PERIODS_GET,
            &[subscription_id, period],
            &[],
            "billing period",
        )
        .await
    }
}
