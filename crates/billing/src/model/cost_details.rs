//! Cost details report (Microsoft.CostManagement 2022-05-01): request body and result.

use serde::{Deserialize, Serialize};

use super::date::ArmDate;
use super::enums::string_enum;
use super::error::ArmError;

string_enum! {
    pub enum CostDetailsMetric { ActualCost = "ActualCost", AmortizedCost = "AmortizedCost" }
}

/// What to report. At most one of `time_period`, `billing_period` (EA, `YYYYMM`) and
/// `invoice_id` (MCA billing profile) may be set; none means the current open month.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateCostDetailsReportRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<CostDetailsMetric>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_period: Option<CostDetailsTimePeriod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_period: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_id: Option<String>,
}

impl GenerateCostDetailsReportRequest {
    /// How many of the mutually exclusive period selectors are set (ARM rejects more than one).
    #[must_use]
    pub fn period_selector_count(&self) -> usize {
        usize::from(self.time_period.is_some())
            + usize::from(self.billing_period.is_some())
            + usize::from(self.invoice_id.is_some())
    }
}

/// `YYYY-MM-DD` bounds, at most one month apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostDetailsTimePeriod {
    pub start: String,
    pub end: String,
}

string_enum! {
    pub enum CostDetailsStatus { Completed = "Completed", NoDataFound = "NoDataFound", Failed = "Failed" }
}

/// `CostDetailsOperationResults`: the manifest of CSV blobs once the report is ready.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CostDetailsOperationResult {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, rename = "type")]
    pub resource_type: Option<String>,
    #[serde(default)]
    pub status: Option<CostDetailsStatus>,
    #[serde(default)]
    pub manifest: Option<CostDetailsManifest>,
    /// The blob links stop working after this instant.
    #[serde(default)]
    pub valid_till: Option<ArmDate>,
    #[serde(default)]
    pub error: Option<ArmError>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CostDetailsManifest {
    #[serde(default)]
    pub manifest_version: Option<String>,
    #[serde(default)]
    pub data_format: Option<String>,
    #[serde(default)]
    pub byte_count: Option<i64>,
    #[serde(default)]
    pub blob_count: Option<i32>,
    #[serde(default)]
    pub compress_data: Option<bool>,
    #[serde(default)]
    pub request_context: Option<CostDetailsRequestContext>,
    #[serde(default)]
    pub blobs: Vec<CostDetailsBlob>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CostDetailsRequestContext {
    #[serde(default)]
    pub request_scope: Option<String>,
    #[serde(default)]
    pub request_body: Option<GenerateCostDetailsReportRequest>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CostDetailsBlob {
    /// A SAS URL: fetch without a bearer token.
    #[serde(default)]
    pub blob_link: Option<String>,
    #[serde(default)]
    pub byte_count: Option<i64>,
}
