//! EA departments and enrollment accounts (2024-04-01).

use serde::{Deserialize, Serialize};

use super::common::Resource;

/// `…/billingAccounts/{BA}/departments/{name}`.
pub type Department = Resource<DepartmentProperties>;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DepartmentProperties {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub cost_center: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

/// `…/billingAccounts/{BA}/enrollmentAccounts/{name}`.
pub type EnrollmentAccount = Resource<EnrollmentAccountProperties>;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrollmentAccountProperties {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub account_owner: Option<String>,
    /// The department's name (not its full id).
    #[serde(default)]
    pub department_id: Option<String>,
    #[serde(default)]
    pub department_display_name: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}
