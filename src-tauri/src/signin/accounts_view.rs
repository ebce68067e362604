//! What the window sees of the accounts: their summaries, the cloud and sign-in method it
//! picks, whether sign-ins are remembered, and the events sent when any of it changes.

use serde::{Deserialize, Serialize};

use invoice_desk_auth::{AccountSession, Cloud as AuthCloud, TenantState};

use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Cloud {
    AzurePublic,
    AzureChina,
    AzureUsGov,
    Custom,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TenantSummary {
    pub id: String,
    pub display_name: String,
    /// The account's own directory: always on, it cannot be switched off.
    pub is_home: bool,
    pub enabled: bool,
    /// The directory asked for a fresh sign-in (MFA, Conditional Access): only it shows
    /// "Sign in again".
    pub needs_sign_in: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    pub id: String,
    pub display_name: String,
    pub username: String,
    pub cloud: Cloud,
    /// Tokens come from the Azure CLI's sign-in (`az login`), not one of Invoice Desk's own.
    pub via_azure_cli: bool,
    pub tenants: Vec<TenantSummary>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum SignInMethod {
    Browser,
    DeviceCode,
    AzureCli,
}

/// Whether sign-ins are remembered, and why not when the keychain could not be used.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatus {
    pub remembered: bool,
    pub warning: Option<AppError>,
}

/// Sent whenever an account is added, removed or changes state.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct AccountsChanged(pub Vec<AccountSummary>);

/// The code to type on another device, sent as soon as the authority hands it out.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCodeEvent {
    pub user_code: String,
    pub verification_uri: String,
    pub message: Option<String>,
}

impl Cloud {
    pub(super) fn of(cloud: &AuthCloud) -> Self {
        match cloud {
            AuthCloud::AzurePublic => Self::AzurePublic,
            AuthCloud::AzureChina => Self::AzureChina,
            AuthCloud::AzureUsGov => Self::AzureUsGov,
            AuthCloud::Custom { .. } => Self::Custom,
        }
    }

    /// The named Azure cloud; `Custom` means "as configured" (organisation file, tests).
    pub(super) fn sovereign(self) -> Option<AuthCloud> {
        match self {
            Self::AzurePublic => Some(AuthCloud::AzurePublic),
            Self::AzureChina => Some(AuthCloud::AzureChina),
            Self::AzureUsGov => Some(AuthCloud::AzureUsGov),
            Self::Custom => None,
        }
    }
}

pub(super) fn summary(session: &AccountSession) -> AccountSummary {
    let account = session.account();
    let cloud = Cloud::of(&account.cloud);
    let tenants = account
        .tenants
        .iter()
        .map(|tenant| TenantSummary {
            display_name: tenant
                .display_name
                .clone()
                .or_else(|| tenant.default_domain.clone())
                .unwrap_or_else(|| tenant.id.clone()),
            is_home: tenant.id.eq_ignore_ascii_case(&account.home_tenant),
            enabled: tenant.enabled,
            needs_sign_in: matches!(
                session.tenant_state(&tenant.id),
                TenantState::NeedsSignIn { .. }
            ),
            id: tenant.id.clone(),
        })
        .collect();
    AccountSummary {
        id: account.id,
        display_name: account.display_name,
        username: account.username,
        cloud,
        via_azure_cli: session.is_azure_cli(),
        tenants,
    }
}
