//! Billing permissions, access checks, role assignments and role definitions (2024-04-01).

use serde::{Deserialize, Serialize};

use super::common::Resource;
use super::date::ArmDate;
use super::enums::string_enum;

/// One entry of `…/billingPermissions`: the caller's effective actions at that scope.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingPermission {
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default)]
    pub not_actions: Vec<String>,
}

/// Body of `POST …/checkAccess`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckAccessRequest {
    pub actions: Vec<String>,
}

string_enum! {
    pub enum AccessDecision { Allowed = "Allowed", NotAllowed = "NotAllowed", Other = "Other" }
}

/// One element of the `checkAccess` response array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckAccessResponse {
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub access_decision: Option<AccessDecision>,
}

/// A billing role assignment.
pub type BillingRoleAssignment = Resource<BillingRoleAssignmentProperties>;

string_enum! {
    pub enum PrincipalType {
        UnknownPrincipal = "Unknown", None = "None", User = "User", Group = "Group",
        DirectoryRole = "DirectoryRole", ServicePrincipal = "ServicePrincipal",
        Everyone = "Everyone",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingRoleAssignmentProperties {
    #[serde(default)]
    pub role_definition_id: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub principal_id: Option<String>,
    #[serde(default)]
    pub principal_tenant_id: Option<String>,
    #[serde(default)]
    pub principal_puid: Option<String>,
    #[serde(default)]
    pub principal_type: Option<PrincipalType>,
    #[serde(default)]
    pub principal_display_name: Option<String>,
    #[serde(default)]
    pub principal_tenant_name: Option<String>,
    #[serde(default)]
    pub user_email_address: Option<String>,
    #[serde(default)]
    pub user_authentication_type: Option<String>,
    #[serde(default)]
    pub created_on: Option<ArmDate>,
    #[serde(default)]
    pub created_by_principal_id: Option<String>,
    #[serde(default)]
    pub created_by_principal_tenant_id: Option<String>,
    #[serde(default)]
    pub modified_on: Option<ArmDate>,
    #[serde(default)]
    pub billing_account_id: Option<String>,
    #[serde(default)]
    pub billing_account_display_name: Option<String>,
    #[serde(default)]
    pub billing_profile_id: Option<String>,
    #[serde(default)]
    pub billing_profile_display_name: Option<String>,
    #[serde(default)]
    pub invoice_section_id: Option<String>,
    #[serde(default)]
    pub invoice_section_display_name: Option<String>,
    #[serde(default)]
    pub provisioning_state: Option<String>,
}

impl BillingRoleAssignmentProperties {
    /// The role definition's name (last segment of `roleDefinitionId`).
    #[must_use]
    pub fn role_definition_name(&self) -> Option<&str> {
        self.role_definition_id.as_deref()?.rsplit('/').next()
    }
}

/// A billing role definition, e.g. "Billing profile owner".
pub type BillingRoleDefinition = Resource<BillingRoleDefinitionProperties>;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingRoleDefinitionProperties {
    #[serde(default)]
    pub role_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub permissions: Vec<BillingPermission>,
}
