//! The one error type of the crate, shaped so the UI can explain what happened.

use std::time::Duration;

use crate::model::ArmError;

/// Everything that can go wrong talking to ARM.
///
/// [`code`](Self::code) is a stable snake_case key the UI translates; messages never contain
/// tokens or SAS signatures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BillingError {
    /// 401: signed out, token expired or revoked, or a Conditional Access claims challenge.
    #[error("not signed in, or the sign-in is no longer accepted{}", suffix(.arm.as_deref()))]
    Unauthenticated {
        /// The `claims` of a `WWW-Authenticate` challenge, to pass back to sign-in.
        claims: Option<String>,
        arm: Option<Box<ArmError>>,
        request_id: Option<String>,
    },
    /// 403: the signed-in user lacks a role.
    #[error("access denied{}{}", action.as_ref().map(|a| format!(" to '{a}'")).unwrap_or_default(),
        scope.as_ref().map(|s| format!(" on '{s}'")).unwrap_or_default())]
    Forbidden {
        action: Option<String>,
        scope: Option<String>,
        arm: Option<Box<ArmError>>,
        request_id: Option<String>,
    },
    #[error("not found{}", suffix(.arm.as_deref()))]
    NotFound {
        arm: Option<Box<ArmError>>,
        request_id: Option<String>,
    },
    /// 429 that outlasted the retry budget.
    #[error("Azure is throttling requests{}", .retry_after.map(|d| format!("; retry after {}s", d.as_secs())).unwrap_or_default())]
    Throttled {
        retry_after: Option<Duration>,
        arm: Option<Box<ArmError>>,
        request_id: Option<String>,
    },
    /// 5xx (or an unexpected status) that outlasted the retry budget; HTML bodies land here.
    #[error("Azure answered with server error {status}{}", suffix(.arm.as_deref()))]
    Server {
        status: u16,
        arm: Option<Box<ArmError>>,
        request_id: Option<String>,
    },
    #[error("network error: {message}")]
    Network { message: String },
    #[error("no answer within {}s", .after.as_secs())]
    Timeout { after: Duration },
    /// A 2xx body that isn't what the operation promises.
    #[error("unexpected response ({what}): {snippet}")]
    MalformedResponse {
        what: String,
        snippet: String,
        request_id: Option<String>,
    },
    /// Any other 4xx, e.g. an invalid period for a cost report.
    #[error("request rejected ({status} {code}): {message}")]
    BadRequest {
        status: u16,
        code: String,
        message: String,
        request_id: Option<String>,
    },
    #[error("cancelled")]
    Cancelled,
    #[error("invalid Azure endpoint: {reason}")]
    InvalidEndpoint { reason: String },
    /// The credential could not produce a token (sign-in needed, keychain locked …).
    #[error("could not get a token: {message}")]
    Credential { message: String },
}

/// The kinds of [`BillingError`], set where the error is made and carried up typed. The text
/// form (`forbidden`, …) is stable: catalogues and `--json` output are keyed by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BillingCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    Throttled,
    Server,
    Network,
    Timeout,
    MalformedResponse,
    BadRequest,
    Cancelled,
    InvalidEndpoint,
    Credential,
}

impl BillingCode {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Throttled => "throttled",
            Self::Server => "server",
            Self::Network => "network",
            Self::Timeout => "timeout",
            Self::MalformedResponse => "malformed_response",
            Self::BadRequest => "bad_request",
            Self::Cancelled => "cancelled",
            Self::InvalidEndpoint => "invalid_endpoint",
            Self::Credential => "credential",
        }
    }
}

impl std::fmt::Display for BillingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Serialised as its [`as_str`](BillingCode::as_str) text: one place says each code.
impl serde::Serialize for BillingCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for BillingCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

fn suffix(arm: Option<&ArmError>) -> String {
    match arm {
        Some(ArmError {
            code: Some(code),
            message,
            ..
        }) => format!(" ({code}: {})", message.as_deref().unwrap_or("")),
        Some(ArmError {
            message: Some(message),
            ..
        }) => format!(" ({message})"),
        _ => String::new(),
    }
}

impl BillingError {
    /// The kind of failure, typed, for the layers above to decide on.
    #[must_use]
    pub fn kind(&self) -> BillingCode {
        match self {
            Self::Unauthenticated { .. } => BillingCode::Unauthenticated,
            Self::Forbidden { .. } => BillingCode::Forbidden,
            Self::NotFound { .. } => BillingCode::NotFound,
            Self::Throttled { .. } => BillingCode::Throttled,
            Self::Server { .. } => BillingCode::Server,
            Self::Network { .. } => BillingCode::Network,
            Self::Timeout { .. } => BillingCode::Timeout,
            Self::MalformedResponse { .. } => BillingCode::MalformedResponse,
            Self::BadRequest { .. } => BillingCode::BadRequest,
            Self::Cancelled => BillingCode::Cancelled,
            Self::InvalidEndpoint { .. } => BillingCode::InvalidEndpoint,
            Self::Credential { .. } => BillingCode::Credential,
        }
    }

    /// A stable key for the message catalogues and `--json` (the [`kind`](Self::kind) as text).
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }

    /// ARM's own `error.code`, e.g. `AuthorizationFailed`, when the response had one.
    #[must_use]
    pub fn arm_code(&self) -> Option<&str> {
        match self {
            Self::Unauthenticated { arm, .. }
            | Self::Forbidden { arm, .. }
            | Self::NotFound { arm, .. }
            | Self::Throttled { arm, .. }
            | Self::Server { arm, .. } => arm.as_deref()?.code.as_deref(),
            Self::BadRequest { code, .. } if !code.is_empty() => Some(code),
            _ => None,
        }
    }

    /// The claims of a Conditional Access challenge (401 `WWW-Authenticate … claims=`): hand
    /// them to an interactive sign-in of the same tenant, then retry.
    #[must_use]
    pub fn claims_challenge(&self) -> Option<&str> {
        match self {
            Self::Unauthenticated { claims, .. } => claims.as_deref(),
            _ => None,
        }
    }

    /// ARM's `x-ms-request-id` (or correlation id) to quote to Azure support.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Unauthenticated { request_id, .. }
            | Self::Forbidden { request_id, .. }
            | Self::NotFound { request_id, .. }
            | Self::Throttled { request_id, .. }
            | Self::Server { request_id, .. }
            | Self::MalformedResponse { request_id, .. }
            | Self::BadRequest { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether trying again later may succeed without the user changing anything.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Throttled { .. }
                | Self::Server { .. }
                | Self::Network { .. }
                | Self::Timeout { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::BillingError;

    #[test]
    fn error_stays_small() {
        // Results of this type flow through every call; keep them cheap to move.
        assert!(std::mem::size_of::<BillingError>() <= 96);
    }

    #[test]
    fn forbidden_message_names_action_and_scope() {
        let err = BillingError::Forbidden {
            action: Some("Microsoft.Billing/billingAccounts/read".into()),
            scope: Some("/providers/Microsoft.Billing/billingAccounts/1".into()),
            arm: None,
            request_id: Some("r-1".into()),
        };
        assert_eq!(err.code(), "forbidden");
        assert_eq!(err.request_id(), Some("r-1"));
        let text = err.to_string();
        assert!(
            text.contains("'Microsoft.Billing/billingAccounts/read'"),
            "{text}"
        );
    }
}
