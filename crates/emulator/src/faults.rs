//! Fault injection: rules matched per request, optionally only for the first N matches.

use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderName, StatusCode};
use bytes::Bytes;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::ArmError;
use crate::reply::{Payload, Reply};

/// One rule: which requests (route, method), what to do (kind), how often (count).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FaultRule {
    /// Path substring, or a glob with `*` matched against the whole decoded path. None: every request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// HTTP method to match (any when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Only the first N matching requests; unlimited when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(flatten)]
    pub kind: FaultKind,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Delay the answer.
    Latency { ms: u64 },
    /// 429 with `Retry-After` (and Cost Management's QPU headers on its routes:
    /// `x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after`, `…-qpu-consumed`,
    /// `…-qpu-remaining`).
    Throttle {
        #[serde(default = "one")]
        retry_after_secs: u32,
    },
    /// Answer with this status (500, 503, ...) and an ARM error body.
    Status { status: u16 },
    /// Send the headers and this many body bytes, then drop the connection.
    Reset {
        #[serde(default)]
        after_bytes: usize,
    },
    /// Deliver the body at this rate.
    SlowBody { bytes_per_sec: u64 },
    /// A JSON body cut off half-way.
    MalformedJson,
    /// Fields no client knows, added to every JSON object.
    ExtraFields,
    /// Enum values no client knows (status "Refunded", ...).
    NewEnumValues,
    /// SAS links handed out already expired, and blob reads refused as expired.
    ExpiredSas,
    /// LRO polls answer 404 (only matches poll requests).
    LroPoll404,
    /// A blob answers 200 with an HTML page instead of its content (only matches blob reads),
    /// as a captive portal or a misconfigured proxy would.
    NotPdf,
    /// A `downloadDocuments` zip that is not what was asked for (only matches blob reads, and
    /// only changes bundles).
    BadBundle { defect: BundleDefect },
    /// The cost details report fails: the poll answers 200 with `"status": "Failed"` and an
    /// `error` object (`code`, `message`; defaults when absent), and every later poll of that
    /// operation answers the same. Only matches polls of `costDetailsOperationResults`.
    ReportFailed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// A billing profile update is accepted (202) but not applied: its operation ends in
    /// this error (500 `InternalServerError` when absent) and the profile stays as it was.
    /// Only matches the profile `PUT`.
    UpdateFailed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// Someone else changes the billing profile's e-mail settings while this update runs:
    /// the `PUT` is answered as usual, and then these recipients are what the profile holds.
    /// Only matches the profile `PUT`.
    ChangedMeanwhile { recipients: Vec<String> },
}

/// What is wrong with a bundle served under [`FaultKind::BadBundle`].
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BundleDefect {
    /// The last requested document is not in the zip.
    Missing,
    /// Entries nobody asked for: a text file, a folder, another invoice's PDF.
    Extra,
    /// The first document's entry climbs out of the folder (`../../`), and absolute and drive
    /// paths carry copies of the others.
    Hostile,
    /// The first document's entry is an HTML page.
    NotPdf,
    /// The first document's entry is deflated: a few KiB that inflate to 64 MiB.
    Bomb,
}

fn one() -> u32 {
    1
}

/// What a request is, for rules that only apply to some kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    Arm,
    Poll,
    Blob,
}

#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Vec<(FaultRule, Option<u32>)>>,
}

fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.to_ascii_lowercase(), text.to_ascii_lowercase());
    let parts: Vec<&str> = p.split('*').collect();
    let mut rest = t.as_str();
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else if let Some(pos) = rest.find(part) {
            rest = &rest[pos + part.len()..];
        } else {
            return false;
        }
    }
    rest.is_empty()
}

impl FaultRule {
    fn matches(&self, method: &str, path: &str, kind: RequestKind) -> bool {
        let route_ok = match &self.route {
            None => true,
            Some(r) if r.contains('*') => glob(r, path),
            Some(r) => path.to_ascii_lowercase().contains(&r.to_ascii_lowercase()),
        };
        let method_ok = self
            .method
            .as_ref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method));
        let kind_ok = match self.kind {
            FaultKind::LroPoll404 => kind == RequestKind::Poll,
            FaultKind::ReportFailed { .. } => {
                kind == RequestKind::Poll
                    && path
                        .to_ascii_lowercase()
                        .contains("/costdetailsoperationresults/")
            }
            FaultKind::UpdateFailed { .. } | FaultKind::ChangedMeanwhile { .. } => {
                kind == RequestKind::Arm
                    && method.eq_ignore_ascii_case("PUT")
                    && path.to_ascii_lowercase().contains("/billingprofiles/")
            }
            FaultKind::NotPdf | FaultKind::BadBundle { .. } => kind == RequestKind::Blob,
            FaultKind::MalformedJson | FaultKind::ExtraFields | FaultKind::NewEnumValues => {
                kind != RequestKind::Blob
            }
            _ => true,
        };
        route_ok && method_ok && kind_ok
    }
}

impl Faults {
    pub fn set(&self, rules: Vec<FaultRule>) {
        let mut guard = self
            .rules
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard = rules
            .into_iter()
            .map(|r| {
                let c = r.count;
                (r, c)
            })
            .collect();
    }

    pub fn clear(&self) {
        self.set(Vec::new());
    }

    pub fn list(&self) -> Vec<FaultRule> {
        let guard = self
            .rules
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .iter()
            .map(|(r, left)| FaultRule {
                count: *left,
                ..r.clone()
            })
            .collect()
    }

    /// The faults this request triggers; counted rules are used up as they match.
    pub fn take(&self, method: &str, path: &str, kind: RequestKind) -> Vec<FaultKind> {
        let mut guard = self
            .rules
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = Vec::new();
        for (rule, left) in guard.iter_mut() {
            if left == &Some(0) || !rule.matches(method, path, kind) {
                continue;
            }
            if let Some(n) = left {
                *n -= 1;
            }
            out.push(rule.kind.clone());
        }
        guard.retain(|(_, left)| left != &Some(0));
        out
    }
}

/// Faults that answer instead of the handler (after any latency).
pub async fn before(active: &[FaultKind], path: &str) -> Option<Reply> {
    for f in active {
        if let FaultKind::Latency { ms } = f {
            tokio::time::sleep(Duration::from_millis(*ms)).await;
        }
    }
    for f in active {
        match f {
            FaultKind::Throttle { retry_after_secs } => {
                let secs = retry_after_secs.to_string();
                let mut err = ArmError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "TooManyRequests",
                    "Too many requests. Please retry after some time.",
                )
                .with_header(HeaderName::from_static("retry-after"), &secs);
                if path
                    .to_ascii_lowercase()
                    .contains("microsoft.costmanagement")
                {
                    err = err.with_header(HeaderName::from_static(crate::qpu::RETRY_AFTER), &secs);
                }
                return Some(err.into_reply());
            }
            FaultKind::Status { status } => {
                let status =
                    StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let (code, message) = match status {
                    StatusCode::SERVICE_UNAVAILABLE => (
                        "ServiceUnavailable",
                        "The service is temporarily unavailable. Please retry later.",
                    ),
                    StatusCode::NOT_FOUND => ("NotFound", "The requested resource was not found."),
                    _ => (
                        "InternalServerError",
                        "Encountered internal server error. Please try again later.",
                    ),
                };
                let mut err = ArmError::new(status, code, message);
                if status == StatusCode::SERVICE_UNAVAILABLE {
                    err = err.with_header(HeaderName::from_static("retry-after"), "1");
                }
                return Some(err.into_reply());
            }
            FaultKind::LroPoll404 => {
                return Some(
                    ArmError::new(
                        StatusCode::NOT_FOUND,
                        "OperationNotFound",
                        "The operation could not be found. It may not have started yet.",
                    )
                    .into_reply(),
                );
            }
            _ => {}
        }
    }
    None
}

fn add_extra_fields(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for child in map.values_mut() {
                add_extra_fields(child);
            }
            map.insert(
                "emulatorFutureField".into(),
                json!({"addedIn": "2099-01-01", "values": [1, "two", null]}),
            );
        }
        Value::Array(items) => items.iter_mut().for_each(add_extra_fields),
        _ => {}
    }
}

fn new_enum_values(v: &mut Value) {
    match v {
        Value::Object(map) => {
            rewrite_enums(map);
            for child in map.values_mut() {
                new_enum_values(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(new_enum_values),
        _ => {}
    }
}

fn rewrite_enums(map: &mut Map<String, Value>) {
    const KEYS: &[(&str, &str)] = &[
        ("status", "Refunded"),
        ("documentType", "Statement"),
        ("kind", "Statement"),
        ("invoiceType", "AzureQuantum"),
        ("agreementType", "MicrosoftQuantumAgreement"),
        ("accountStatus", "Hibernating"),
        ("spendingLimit", "Paused"),
        ("accessDecision", "Deferred"),
    ];
    for (key, value) in KEYS {
        if let Some(v @ Value::String(_)) = map.get_mut(*key) {
            *v = Value::String((*value).to_owned());
        }
    }
}

/// Faults that change what the handler answered.
pub fn after(active: &[FaultKind], mut reply: Reply) -> Reply {
    if let Payload::Json(v) = &mut reply.payload {
        if active.contains(&FaultKind::ExtraFields) {
            add_extra_fields(v);
        }
        if active.contains(&FaultKind::NewEnumValues) {
            new_enum_values(v);
        }
        if active.contains(&FaultKind::MalformedJson) {
            let text = serde_json::to_vec(v).unwrap_or_default();
            let cut = (text.len() / 2).max(1).min(text.len());
            let mut broken = text[..cut].to_vec();
            broken.extend_from_slice(b"\x00<html>");
            reply.payload = Payload::Body(Body::from(broken));
            reply.headers.insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/json; charset=utf-8"),
            );
        }
    }
    for f in active {
        match f {
            FaultKind::Reset { after_bytes } => {
                reply = wrap(reply, |body| reset_after(body, *after_bytes));
            }
            FaultKind::SlowBody { bytes_per_sec } => {
                reply = wrap(reply, |body| slow(body, *bytes_per_sec));
            }
            _ => {}
        }
    }
    reply
}

fn wrap(reply: Reply, f: impl FnOnce(Body) -> Body) -> Reply {
    let Reply {
        status,
        mut headers,
        payload,
    } = reply;
    let body = match payload {
        Payload::Json(v) => {
            headers.insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/json; charset=utf-8"),
            );
            Body::from(serde_json::to_vec(&v).unwrap_or_default())
        }
        Payload::Empty => Body::empty(),
        Payload::Body(b) => b,
    };
    Reply {
        status,
        headers,
        payload: Payload::Body(f(body)),
    }
}

#[derive(Debug, thiserror::Error)]
#[error("connection reset by fault injection")]
struct InjectedReset;

/// Passes `limit` bytes through, then fails the body so the server drops the connection.
fn reset_after(body: Body, limit: usize) -> Body {
    let stream = body.into_data_stream();
    let s = futures::stream::unfold(
        (stream, limit, false),
        |(mut stream, left, done)| async move {
            if done {
                return None;
            }
            if left == 0 {
                // Give the bytes already queued a moment to reach the socket before the drop.
                tokio::time::sleep(Duration::from_millis(20)).await;
                return Some((Err(std::io::Error::other(InjectedReset)), (stream, 0, true)));
            }
            match stream.next().await {
                Some(Ok(chunk)) => {
                    let take = chunk.len().min(left);
                    let out: Bytes = chunk.slice(..take);
                    Some((Ok(out), (stream, left - take, false)))
                }
                Some(Err(e)) => Some((Err(std::io::Error::other(e)), (stream, 0, true))),
                // The body was shorter than the limit: still drop, a reset is what was asked for.
                None => Some((Err(std::io::Error::other(InjectedReset)), (stream, 0, true))),
            }
        },
    );
    Body::from_stream(s)
}

fn slow(body: Body, bytes_per_sec: u64) -> Body {
    let step = usize::try_from((bytes_per_sec / 10).max(1)).unwrap_or(usize::MAX);
    let stream = body.into_data_stream();
    let s = stream
        .flat_map(move |chunk| {
            let pieces: Vec<Result<Bytes, axum::Error>> = match chunk {
                Ok(c) => (0..c.len())
                    .step_by(step)
                    .map(|i| Ok(c.slice(i..(i + step).min(c.len()))))
                    .collect(),
                Err(e) => vec![Err(e)],
            };
            futures::stream::iter(pieces)
        })
        .then(|piece| async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            piece
        });
    Body::from_stream(s)
}

/// The `flaky` scenario's standing faults.
pub fn flaky_defaults() -> Vec<FaultRule> {
    vec![
        FaultRule {
            route: Some("/invoices".into()),
            method: Some("GET".into()),
            count: Some(2),
            kind: FaultKind::Throttle {
                retry_after_secs: 1,
            },
        },
        FaultRule {
            route: Some("generateCostDetailsReport".into()),
            method: None,
            count: Some(1),
            kind: FaultKind::Status { status: 503 },
        },
        FaultRule {
            route: None,
            method: None,
            count: None,
            kind: FaultKind::Latency { ms: 150 },
        },
        FaultRule {
            route: Some("/_blob/".into()),
            method: None,
            count: Some(1),
            kind: FaultKind::Reset { after_bytes: 512 },
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_segments() {
        assert!(glob("*/invoices*", "/providers/x/invoices/G1"));
        assert!(glob(
            "/providers/*/billingProfiles",
            "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles"
        ));
        assert!(!glob("/subscriptions/*", "/providers/x"));
    }

    #[test]
    fn counted_rules_run_out() {
        let f = Faults::default();
        f.set(vec![FaultRule {
            route: Some("invoices".into()),
            method: None,
            count: Some(2),
            kind: FaultKind::Status { status: 500 },
        }]);
        assert_eq!(f.take("GET", "/a/invoices", RequestKind::Arm).len(), 1);
        assert_eq!(f.take("GET", "/a/other", RequestKind::Arm).len(), 0);
        assert_eq!(f.take("GET", "/a/invoices", RequestKind::Arm).len(), 1);
        assert!(f.take("GET", "/a/invoices", RequestKind::Arm).is_empty());
        assert!(f.list().is_empty());
    }

    #[test]
    fn rule_json_round_trips() {
        let r: FaultRule = serde_json::from_str(
            r#"{"route":"*/download*","count":1,"kind":"throttle","retry_after_secs":3}"#,
        )
        .unwrap();
        assert_eq!(
            r.kind,
            FaultKind::Throttle {
                retry_after_secs: 3
            }
        );
        let r: FaultRule = serde_json::from_str(r#"{"kind":"lro_poll404"}"#).unwrap();
        assert_eq!(r.kind, FaultKind::LroPoll404);
        let r: FaultRule = serde_json::from_str(r#"{"kind":"report_failed"}"#).unwrap();
        assert_eq!(
            r.kind,
            FaultKind::ReportFailed {
                code: None,
                message: None
            }
        );
        let r: FaultRule =
            serde_json::from_str(r#"{"kind":"bad_bundle","defect":"hostile"}"#).unwrap();
        assert_eq!(
            r.kind,
            FaultKind::BadBundle {
                defect: BundleDefect::Hostile
            }
        );
    }
}
