//! Turning a non-2xx ARM response into a [`BillingError`].

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

use super::retry::retry_after;
use crate::error::BillingError;
use crate::model::ArmError;

/// Maps a failed response; `body` may be the ARM envelope, Cost Management's shape, HTML or empty.
#[must_use]
pub fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> BillingError {
    let arm = ArmError::from_body(body).map(Box::new);
    let request_id = request_id(headers);
    match status.as_u16() {
        401 => BillingError::Unauthenticated {
            claims: header(headers, "www-authenticate").and_then(|v| claims_challenge(&v)),
            arm,
            request_id,
        },
        403 => {
            let (action, scope) = arm
                .as_ref()
                .and_then(|e| e.message.as_deref())
                .map(authorization_failed)
                .unwrap_or_default();
            BillingError::Forbidden {
                action,
                scope,
                arm,
                request_id,
            }
        }
        404 => BillingError::NotFound { arm, request_id },
        408 => BillingError::Timeout {
            after: Duration::ZERO,
        },
        429 => BillingError::Throttled {
            retry_after: retry_after(headers, SystemTime::now()),
            arm,
            request_id,
        },
        400..=499 => {
            let arm = arm.map(|e| *e).unwrap_or_default();
            BillingError::BadRequest {
                status: status.as_u16(),
                code: arm.code.unwrap_or_default(),
                message: arm.message.unwrap_or_else(|| snippet(body)),
                request_id,
            }
        }
        _ => BillingError::Server {
            status: status.as_u16(),
            arm,
            request_id,
        },
    }
}

/// ARM's request id for support, falling back to the correlation id.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    header(headers, "x-ms-request-id").or_else(|| header(headers, "x-ms-correlation-request-id"))
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The `claims` parameter of a `WWW-Authenticate: Bearer …` challenge (CAE / Conditional
/// Access), which sign-in must pass back to Entra ID.
#[must_use]
pub fn claims_challenge(header: &str) -> Option<String> {
    let start = header.find("claims=")? + "claims=".len();
    let rest = &header[start..];
    let value = if let Some(quoted) = rest.strip_prefix('"') {
        &quoted[..quoted.find('"')?]
    } else {
        rest.split([',', ' ']).next()?
    };
    (!value.is_empty()).then(|| value.to_owned())
}

/// Reads `… does not have authorization to perform action 'X' over scope 'Y' …`.
#[must_use]
pub fn authorization_failed(message: &str) -> (Option<String>, Option<String>) {
    (
        quoted_after(message, "perform action "),
        quoted_after(message, "over scope "),
    )
}

fn quoted_after(message: &str, marker: &str) -> Option<String> {
    let start = message.find(marker)? + marker.len();
    let rest = message[start..].strip_prefix('\'')?;
    Some(rest[..rest.find('\'')?].to_owned())
}

/// The start of a body for an error message: one line, at most 200 characters.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 200 {
        flat = flat.chars().take(200).collect::<String>() + "…";
    }
    flat
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const AUTHZ: &str = r#"{"error":{"code":"AuthorizationFailed","message":"The client 'a@b.com' with object id '00000000-0000-0000-0000-000000000001' does not have authorization to perform action 'Microsoft.Billing/billingAccounts/invoices/read' over scope '/providers/Microsoft.Billing/billingAccounts/123:456_2019-05-31' or the scope is invalid. If access was recently granted, please refresh your credentials."}}"#;

    #[test]
    fn authorization_failed_yields_action_and_scope() {
        let err = from_response(StatusCode::FORBIDDEN, &HeaderMap::new(), AUTHZ.as_bytes());
        let BillingError::Forbidden { action, scope, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            action.as_deref(),
            Some("Microsoft.Billing/billingAccounts/invoices/read")
        );
        assert_eq!(
            scope.as_deref(),
            Some("/providers/Microsoft.Billing/billingAccounts/123:456_2019-05-31")
        );
        assert_eq!(err.arm_code(), Some("AuthorizationFailed"));
    }

    #[test]
    fn claims_challenge_is_extracted() {
        let header = r#"Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="Y2xhaW1zLWNoYWxsZW5nZQ==""#;
        assert_eq!(
            claims_challenge(header).as_deref(),
            Some("Y2xhaW1zLWNoYWxsZW5nZQ==")
        );
        assert_eq!(claims_challenge(r#"Bearer error="invalid_token""#), None);
        let mut headers = HeaderMap::new();
        headers.insert("www-authenticate", HeaderValue::from_str(header).unwrap());
        headers.insert("x-ms-request-id", HeaderValue::from_static("req-7"));
        let err = from_response(StatusCode::UNAUTHORIZED, &headers, b"");
        assert_eq!(err.code(), "unauthenticated");
        assert_eq!(err.request_id(), Some("req-7"));
    }

    #[test]
    fn cost_management_and_legacy_shapes() {
        let cost = br#"{"error":{"code":"400","message":"Invalid time period: can only have either timePeriod or invoiceId or billingPeriod"}}"#;
        let err = from_response(StatusCode::BAD_REQUEST, &HeaderMap::new(), cost);
        let BillingError::BadRequest { code, message, .. } = &err else {
            panic!()
        };
        assert_eq!(code, "400");
        assert!(message.contains("timePeriod"));
        let bare = br#"{"code":"InvalidSubscriptionId","message":"bad id"}"#;
        let err = from_response(StatusCode::BAD_REQUEST, &HeaderMap::new(), bare);
        assert_eq!(err.arm_code(), Some("InvalidSubscriptionId"));
        let not_found =
            br#"{"error":{"code":"ResourceNotFound","message":"x","target":"invoiceName"}}"#;
        let err = from_response(StatusCode::NOT_FOUND, &HeaderMap::new(), not_found);
        assert_eq!(err.code(), "not_found");
        assert_eq!(err.arm_code(), Some("ResourceNotFound"));
    }

    #[test]
    fn html_gateway_pages_are_server_errors() {
        let html = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
        let err = from_response(StatusCode::BAD_GATEWAY, &HeaderMap::new(), html);
        assert!(matches!(
            err,
            BillingError::Server {
                status: 502,
                arm: None,
                ..
            }
        ));
        let html_4xx = from_response(StatusCode::BAD_REQUEST, &HeaderMap::new(), html);
        assert!(html_4xx.to_string().contains("502 Bad Gateway"));
    }

    #[test]
    fn throttling_carries_retry_after() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("17"));
        let err = from_response(StatusCode::TOO_MANY_REQUESTS, &headers, b"");
        assert!(
            matches!(err, BillingError::Throttled { retry_after: Some(d), .. } if d.as_secs() == 17)
        );
    }

    #[test]
    fn snippets_are_short_single_lines() {
        let long = "x\n".repeat(500);
        let cut = snippet(long.as_bytes());
        assert!(cut.chars().count() <= 201);
        assert!(!cut.contains('\n'));
    }
}
