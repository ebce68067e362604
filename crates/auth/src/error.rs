//! Every way signing in can fail, each with a stable code the UI translates.
//!
//! Messages never carry tokens, codes or verifiers: only what the authority said in its
//! `error_description` (passed through [`invoice_desk_logging::redact`]) and our own wording.

use invoice_desk_logging::redact;

/// A sign-in or token failure. [`AuthError::code`] is stable and used by the UI and the CLI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    #[error("sign-in was cancelled")]
    Cancelled,
    #[error("sign-in timed out before the browser came back")]
    TimedOut,
    #[error("the browser came back with an unexpected state; sign-in was stopped")]
    StateMismatch,
    /// The refresh token or code was rejected for the whole account (expired, revoked, password
    /// changed): the account needs an interactive sign-in.
    #[error("the sign-in has expired or was revoked: {description}")]
    InvalidGrant { description: String },
    /// This tenant wants the user back (MFA, Conditional Access, a claims challenge); only this
    /// tenant needs an interactive sign-in.
    #[error("tenant {tenant} needs you to sign in again: {description}")]
    InteractionRequired {
        tenant: String,
        description: String,
        /// A claims challenge to pass to the next interactive sign-in, when the server sent one.
        claims: Option<String>,
    },
    #[error("tenant {tenant} needs consent for Invoice Desk: {description}")]
    ConsentRequired { tenant: String, description: String },
    #[error("the device code expired before sign-in finished")]
    DeviceCodeExpired,
    #[error("the sign-in request was declined")]
    Declined,
    #[error("the system keychain is not available: {reason}")]
    KeychainUnavailable { reason: String },
    #[error("the system keychain failed: {reason}")]
    Keychain { reason: String },
    #[error("the Azure CLI (`az`) was not found on PATH")]
    AzureCliMissing,
    #[error("the Azure CLI could not provide a token: {message}")]
    AzureCliFailed { message: String },
    #[error("network error talking to the sign-in service: {message}")]
    Network { message: String },
    #[error("invalid endpoint: {reason}")]
    InvalidEndpoint { reason: String },
    #[error("invalid sign-in configuration: {reason}")]
    InvalidConfig { reason: String },
    #[error("could not open the browser: {message}")]
    BrowserFailed { message: String },
    #[error("the local sign-in listener failed: {message}")]
    Listener { message: String },
    /// Any other OAuth error the authority returned (`error` is its code, e.g. `invalid_client`).
    #[error("the sign-in service refused the request ({error}): {description}")]
    Authority { error: String, description: String },
    #[error("the sign-in service sent an unexpected response: {reason}")]
    InvalidResponse { reason: String },
    #[error("no signed-in account {account}")]
    AccountNotFound { account: String },
    #[error("could not list the account's tenants: {message}")]
    TenantListing { message: String },
}

impl AuthError {
    /// A stable, machine-readable code for the UI's translations and the CLI's exit messages.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Cancelled => "cancelled",
            Self::TimedOut => "timed_out",
            Self::StateMismatch => "state_mismatch",
            Self::InvalidGrant { .. } => "invalid_grant",
            Self::InteractionRequired { .. } => "interaction_required",
            Self::ConsentRequired { .. } => "consent_required",
            Self::DeviceCodeExpired => "device_code_expired",
            Self::Declined => "declined",
            Self::KeychainUnavailable { .. } => "keychain_unavailable",
            Self::Keychain { .. } => "keychain_failed",
            Self::AzureCliMissing => "azure_cli_missing",
            Self::AzureCliFailed { .. } => "azure_cli_failed",
            Self::Network { .. } => "network",
            Self::InvalidEndpoint { .. } => "invalid_endpoint",
            Self::InvalidConfig { .. } => "invalid_config",
            Self::BrowserFailed { .. } => "browser_failed",
            Self::Listener { .. } => "listener_failed",
            Self::Authority { .. } => "authority_error",
            Self::InvalidResponse { .. } => "invalid_response",
            Self::AccountNotFound { .. } => "account_not_found",
            Self::TenantListing { .. } => "tenant_listing_failed",
        }
    }

    /// Whether an interactive sign-in (browser or device code) would fix this.
    #[must_use]
    pub fn needs_interaction(&self) -> bool {
        matches!(
            self,
            Self::InvalidGrant { .. }
                | Self::InteractionRequired { .. }
                | Self::ConsentRequired { .. }
        )
    }

    pub(crate) fn network(message: impl std::fmt::Display) -> Self {
        Self::Network {
            message: redact(&message.to_string()).into_owned(),
        }
    }

    pub(crate) fn invalid_response(reason: impl std::fmt::Display) -> Self {
        Self::InvalidResponse {
            reason: redact(&reason.to_string()).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AuthError;

    #[test]
    fn codes_are_stable_and_distinct() {
        let all = [
            AuthError::Cancelled,
            AuthError::TimedOut,
            AuthError::StateMismatch,
            AuthError::InvalidGrant {
                description: String::new(),
            },
            AuthError::InteractionRequired {
                tenant: "t".into(),
                description: String::new(),
                claims: None,
            },
            AuthError::ConsentRequired {
                tenant: "t".into(),
                description: String::new(),
            },
            AuthError::DeviceCodeExpired,
            AuthError::Declined,
            AuthError::KeychainUnavailable {
                reason: String::new(),
            },
            AuthError::AzureCliMissing,
            AuthError::AzureCliFailed {
                message: String::new(),
            },
            AuthError::Network {
                message: String::new(),
            },
            AuthError::InvalidEndpoint {
                reason: String::new(),
            },
        ];
        let codes: std::collections::BTreeSet<_> = all.iter().map(AuthError::code).collect();
        assert_eq!(codes.len(), all.len());
        assert_eq!(all[0].code(), "cancelled");
        assert_eq!(all[4].code(), "interaction_required");
        assert!(all[4].needs_interaction());
        assert!(!all[0].needs_interaction());
    }

    #[test]
    fn network_messages_are_redacted() {
        let err = AuthError::network("failed for http://x/?code=abc123&state=s");
        assert!(!err.to_string().contains("abc123"));
    }
}
