//! What a server sends: throttling headers, `Content-Range`, error bodies and the ARM JSON
//! models.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use invoice_desk_billing::arm::errors::{authorization_failed, claims_challenge, from_response};
use invoice_desk_billing::arm::retry::{
    MAX_SERVER_DELAY, parse_retry_after, retry_after as header_delay,
};
use invoice_desk_billing::model;

use crate::input::{fields, text};

/// The headers a server can make the app wait with.
const DELAY_HEADERS: &[&str] = &[
    "retry-after",
    "x-ms-ratelimit-microsoft.consumption-retry-after",
    "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after",
    "x-ms-ratelimit-microsoft.costmanagement-entity-retry-after",
];

/// A fixed "now", so the same input always gives the same delay.
fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_720_000)
}

/// `Retry-After` and the throttling headers: any value gives no delay or one of an hour at
/// most.
pub fn retry_after(data: &[u8]) {
    if let Some(delay) = parse_retry_after(&text(data), now()) {
        assert!(delay <= MAX_SERVER_DELAY, "{delay:?} from {data:?}");
    }
    let mut headers = HeaderMap::new();
    for (name, value) in DELAY_HEADERS.iter().zip(fields(data, DELAY_HEADERS.len())) {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    if let Some(delay) = header_delay(&headers, now()) {
        assert!(delay <= MAX_SERVER_DELAY, "{delay:?} from {headers:?}");
    }
}

/// `Content-Range` of a resumed download.
pub fn content_range(data: &[u8]) {
    let Ok(value) = HeaderValue::from_bytes(data) else {
        return;
    };
    let mut headers = HeaderMap::new();
    headers.insert(http::header::CONTENT_RANGE, value);
    let _ = invoice_desk_files::writer::content_range(&headers);
}

/// A failed ARM response: status, `WWW-Authenticate`, `Retry-After`, body. Whatever comes,
/// the error has a code and any claims challenge is verbatim from the header.
pub fn arm_error(data: &[u8]) {
    let [status, challenge, delay, body] = fields(data, 4)[..] else {
        unreachable!("fields pads to four")
    };
    let status = status.first().map_or(500, |b| 400 + u16::from(*b) % 200);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut headers = HeaderMap::new();
    let challenge_value = HeaderValue::from_bytes(challenge).ok();
    if let Some(value) = &challenge_value {
        headers.insert(http::header::WWW_AUTHENTICATE, value.clone());
    }
    if let Ok(value) = HeaderValue::from_bytes(delay) {
        headers.insert(http::header::RETRY_AFTER, value);
    }
    let error = from_response(status, &headers, body);
    assert!(!error.code().is_empty());
    let _ = error.to_string();
    if let Some(claims) = error.claims_challenge() {
        let header = challenge_value.and_then(|v| v.to_str().ok().map(str::to_owned));
        assert!(header.is_some_and(|h| h.contains(claims)), "{claims}");
    }
    if let Some(claims) = claims_challenge(&text(challenge)) {
        assert!(!claims.is_empty());
    }
    let _ = authorization_failed(&text(body));
}

/// The ARM bodies the app reads, each as every model it could be: a list page and one item.
pub fn arm_models(data: &[u8]) {
    fn read<T: serde::de::DeserializeOwned>(data: &[u8]) {
        let _ = serde_json::from_slice::<T>(data);
        let _ = serde_json::from_slice::<model::Page<T>>(data);
    }
    read::<model::BillingAccount>(data);
    read::<model::BillingProfile>(data);
    read::<model::InvoiceSection>(data);
    read::<model::BillingSubscription>(data);
    read::<model::Subscription>(data);
    read::<model::Invoice>(data);
    read::<model::LegacyInvoice>(data);
    read::<model::BillingPeriod>(data);
    read::<model::BillingProperty>(data);
    read::<model::Policy>(data);
    read::<model::BillingPermission>(data);
    read::<model::BillingRoleAssignment>(data);
    read::<model::BillingRoleDefinition>(data);
    read::<model::CheckAccessResponse>(data);
    read::<model::Department>(data);
    read::<model::EnrollmentAccount>(data);
    read::<model::DocumentDownloadResult>(data);
    read::<model::CostDetailsOperationResult>(data);
    read::<model::ArmErrorResponse>(data);
    let _ = model::ArmError::from_body(data);
}
