//! Cost details (usage CSV) reports.

use super::operations::{COST_DETAILS_GENERATE, COST_DETAILS_RESULT};
use crate::arm::{ArmClient, LroOptions};
use crate::error::BillingError;
use crate::model::{
    CostDetailsOperationResult, CostDetailsStatus, GenerateCostDetailsReportRequest,
};

/// How a cost details report ended.
#[derive(Debug, Clone, PartialEq)]
pub enum CostDetailsReport {
    /// The manifest lists the CSV blobs to download (pre-signed, valid until `validTill`).
    Ready(Box<CostDetailsOperationResult>),
    /// The request succeeded but there was no usage (204 or `NoDataFound`).
    NoData,
}

impl ArmClient {
    /// Generates a report for `scope` (e.g. `subscriptions/{id}` or
    /// `providers/Microsoft.Billing/billingAccounts/{BA}/billingProfiles/{BP}`) and waits for it.
    pub async fn generate_cost_details_report(
        &self,
        scope: &str,
        request: &GenerateCostDetailsReportRequest,
        options: &LroOptions,
    ) -> Result<CostDetailsReport, BillingError> {
        if request.period_selector_count() > 1 {
            return Err(BillingError::BadRequest {
                status: 0,
                code: "InvalidPeriod".into(),
                message: "set only one of timePeriod, billingPeriod and invoiceId".into(),
                request_id: None,
            });
        }
        let body = super::encode(request)?;
        let response = self
            .long_running(&COST_DETAILS_GENERATE, &[scope], &[], Some(body), options)
            .await?;
        if response.body.is_empty() {
            return Ok(CostDetailsReport::NoData);
        }
        interpret(response.json("cost details result")?)
    }

    /// Waits for a report whose operation URL was kept (see
    /// [`LroOptions::with_operation`](crate::arm::LroOptions::with_operation)) when the app
    /// quit before it was ready. Azure forgets operations after a while: a `NotFound` then
    /// means the report has to be requested again.
    pub async fn resume_cost_details_report(
        &self,
        operation: &url::Url,
        options: &LroOptions,
    ) -> Result<CostDetailsReport, BillingError> {
        let response = self.resume_lro(operation, options).await?;
        if response.body.is_empty() {
            return Ok(CostDetailsReport::NoData);
        }
        interpret(response.json("cost details result")?)
    }

    /// Reads a report operation's result directly (e.g. to resume after a restart).
    pub async fn get_cost_details_result(
        &self,
        scope: &str,
        operation_id: &str,
    ) -> Result<CostDetailsOperationResult, BillingError> {
        self.get_json(
            &COST_DETAILS_RESULT,
            &[scope, operation_id],
            &[],
            "cost details result",
        )
        .await
    }
}

fn interpret(result: CostDetailsOperationResult) -> Result<CostDetailsReport, BillingError> {
    match result.status {
        Some(CostDetailsStatus::NoDataFound) => Ok(CostDetailsReport::NoData),
        Some(CostDetailsStatus::Failed) => Err(BillingError::Server {
            status: 200,
            arm: result.error.map(Box::new),
            request_id: None,
        }),
        _ => Ok(CostDetailsReport::Ready(Box::new(result))),
    }
}
