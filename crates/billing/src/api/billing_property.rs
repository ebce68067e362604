//! The billing property of a subscription.

use super::operations::BILLING_PROPERTY_GET;
use crate::arm::ArmClient;
use crate::error::BillingError;
use crate::model::BillingProperty;

impl ArmClient {
    pub async fn get_billing_property(
        &self,
        subscription_id: &str,
    ) -> Result<BillingProperty, BillingError> {
        self.get_json(
            &BILLING_PROPERTY_GET,
            &[subscription_id],
            &[],
            "billing property",
        )
        .await
    }
}
