//! The one error shape that crosses into the web view: `{ code, message, hint?, details? }`.
//!
//! The UI translates `message` and `hint` by `code` from its catalogue; the English text here is
//! what logs and the command line show, and the UI's fallback for a code it does not know yet.

use serde::{Deserialize, Serialize};

use invoice_desk_auth::AuthError;
use invoice_desk_settings::SettingsError;

/// Stable identifiers the UI translates. Never rename one: the catalogues are keyed by them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    SettingsCorrupt,
    SettingsUnwritable,
    FolderUnavailable,
    LogsUnavailable,
    SignInUnavailable,
    JobNotFound,
    Internal,
    SignInCancelled,
    SignInTimedOut,
    SignInFailed,
    SignInExpired,
    SignInAgainRequired,
    ConsentRequired,
    DeviceCodeExpired,
    SignInDeclined,
    KeychainUnavailable,
    KeychainFailed,
    AzureCliMissing,
    AzureCliFailed,
    Network,
    InvalidEndpoint,
    InvalidConfig,
    AccountNotFound,
    DemoUnavailable,
    Forbidden,
    NotFound,
    Throttled,
    AzureError,
    DiskFull,
    WriteDenied,
    PathTooLong,
    WrongContent,
    DownloadLinkFailed,
    DownloadFailed,
    DownloadCancelled,
    TemplateInvalid,
    DownloadNotAllowed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    pub hint: Option<String>,
    pub details: Option<String>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hint: None,
            details: None,
        }
    }

    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    #[must_use]
    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(details.into());
        self
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<SettingsError> for AppError {
    fn from(err: SettingsError) -> Self {
        let details = err.to_string();
        match err {
            SettingsError::Corrupt { .. } | SettingsError::Unreadable { .. } => AppError::new(
                ErrorCode::SettingsCorrupt,
                "Your settings file could not be read, so the defaults are in use.",
            )
            .with_hint("The old file was kept next to the new one; nothing was deleted.")
            .with_details(details),
            SettingsError::Unwritable { .. } => AppError::new(
                ErrorCode::SettingsUnwritable,
                "Your settings could not be saved.",
            )
            .with_hint("Check that the settings folder is writable and the disk is not full.")
            .with_details(details),
        }
    }
}

impl From<AuthError> for AppError {
    /// Sign-in failures by what the user can do about them. The English text is the log's and
    /// the fallback; the UI shows its own translation for the code. `details` carries the
    /// authority's own words (never a token: `AuthError` holds none).
    fn from(err: AuthError) -> Self {
        use ErrorCode as C;
        let details = err.to_string();
        let (code, message) = match &err {
            AuthError::Cancelled => (C::SignInCancelled, "Sign-in was cancelled."),
            AuthError::TimedOut => (C::SignInTimedOut, "Sign-in took too long and was stopped."),
            AuthError::InvalidGrant { .. } => (C::SignInExpired, "Your sign-in has expired."),
            AuthError::InteractionRequired { .. } => (
                C::SignInAgainRequired,
                "This directory asks you to sign in again.",
            ),
            AuthError::ConsentRequired { .. } => (
                C::ConsentRequired,
                "An administrator has to approve Invoice Desk first.",
            ),
            AuthError::DeviceCodeExpired => (C::DeviceCodeExpired, "The sign-in code expired."),
            AuthError::Declined => (C::SignInDeclined, "Sign-in was declined."),
            AuthError::KeychainUnavailable { .. } => (
                C::KeychainUnavailable,
                "The system keychain is not available.",
            ),
            AuthError::Keychain { .. } => {
                (C::KeychainFailed, "The system keychain refused the change.")
            }
            AuthError::AzureCliMissing => (C::AzureCliMissing, "The Azure CLI was not found."),
            AuthError::AzureCliFailed { .. } => (
                C::AzureCliFailed,
                "The Azure CLI could not provide a sign-in.",
            ),
            AuthError::Network { .. } => (
                C::Network,
                "Microsoft's sign-in service could not be reached.",
            ),
            AuthError::InvalidEndpoint { .. } => {
                (C::InvalidEndpoint, "The sign-in address is not allowed.")
            }
            AuthError::InvalidConfig { .. } => {
                (C::InvalidConfig, "The sign-in settings are invalid.")
            }
            AuthError::AccountNotFound { .. } => {
                (C::AccountNotFound, "That account is no longer signed in.")
            }
            _ => (C::SignInFailed, "Sign-in failed."),
        };
        AppError::new(code, message).with_details(details)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_to_the_shape_the_ui_renders() {
        let err = AppError::new(ErrorCode::SignInUnavailable, "nope").with_hint("later");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "sign_in_unavailable", "message": "nope", "hint": "later", "details": null})
        );
    }

    #[test]
    fn settings_errors_keep_their_path_in_details() {
        let err: AppError = SettingsError::Unwritable {
            path: "/x/settings.json".into(),
            source: std::io::Error::other("disk full"),
        }
        .into();
        assert_eq!(err.code, ErrorCode::SettingsUnwritable);
        assert!(err.details.unwrap().contains("/x/settings.json"));
    }
}
