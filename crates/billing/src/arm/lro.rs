//! Long-running operations: `200` done, or `201/202` + `Location` / `Azure-AsyncOperation`
//! polled until done, with progress, cancellation, tolerance for a briefly missing poll URL
//! and an overall deadline.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, Method, StatusCode};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::client::{ArmClient, Request, Response};
use super::errors;
use super::retry::retry_after;
use crate::error::BillingError;
use crate::model::ArmError;

/// Polling limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LroPolicy {
    /// Wait between polls when the server gives no `Retry-After`.
    pub default_poll_interval: Duration,
    /// Floor for a server's `Retry-After` (`0` would otherwise spin).
    pub min_poll_interval: Duration,
    /// Ceiling for a server's `Retry-After`.
    pub max_poll_interval: Duration,
    /// Deadline for the whole operation.
    pub timeout: Duration,
    /// ARM sometimes answers 404 for a poll URL it just handed out; tolerate this many in a row.
    pub max_transient_not_found: u32,
}

impl Default for LroPolicy {
    fn default() -> Self {
        Self {
            default_poll_interval: Duration::from_secs(5),
            min_poll_interval: Duration::from_secs(1),
            max_poll_interval: Duration::from_secs(60),
            timeout: Duration::from_secs(15 * 60),
            max_transient_not_found: 3,
        }
    }
}

/// Where an operation stands, as reported to the progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LroStatus {
    /// The server accepted the request and will work on it.
    Accepted,
    /// A poll said it is still running.
    Running,
    Succeeded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LroProgress {
    pub status: LroStatus,
    /// Polls made so far.
    pub polls: u32,
    pub elapsed: Duration,
}

pub type ProgressCallback = Arc<dyn Fn(LroProgress) + Send + Sync>;

/// Told the URL an accepted operation is polled at, so a caller can keep it and resume the
/// operation later (after a restart) with the same URL.
pub type OperationCallback = Arc<dyn Fn(&Url) + Send + Sync>;

/// Per-call options of an operation that may run long.
#[derive(Clone, Default)]
pub struct LroOptions {
    pub progress: Option<ProgressCallback>,
    pub cancel: Option<CancellationToken>,
    pub operation: Option<OperationCallback>,
}

impl fmt::Debug for LroOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LroOptions")
            .field("progress", &self.progress.is_some())
            .field("cancel", &self.cancel)
            .field("operation", &self.operation.is_some())
            .finish()
    }
}

impl LroOptions {
    #[must_use]
    pub fn with_progress(mut self, callback: impl Fn(LroProgress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    #[must_use]
    pub fn with_cancel(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }

    #[must_use]
    pub fn with_operation(mut self, callback: impl Fn(&Url) + Send + Sync + 'static) -> Self {
        self.operation = Some(Arc::new(callback));
        self
    }
}

/// How the operation is polled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Poll {
    /// `GET Location`: 202 = running, 200/201/204 = done with the final body.
    Location(Url),
    /// `GET Azure-AsyncOperation` until `status` is terminal, then `GET final_url` if any.
    AsyncOperation {
        status_url: Url,
        final_url: Option<Url>,
    },
}

impl Poll {
    /// The URL the next poll reads.
    fn url(&self) -> &Url {
        match self {
            Self::Location(url)
            | Self::AsyncOperation {
                status_url: url, ..
            } => url,
        }
    }
}

/// The state machine's next step.
#[derive(Debug)]
pub(crate) enum Step {
    Done(Response),
    Wait { poll: Poll, after: Option<Duration> },
    FetchFinal(Url),
}

fn header_url(headers: &HeaderMap, name: &str, base: &Url) -> Option<Url> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    Url::parse(value).or_else(|_| base.join(value)).ok()
}

fn server_delay(headers: &HeaderMap) -> Option<Duration> {
    retry_after(headers, SystemTime::now())
}

fn malformed(what: &str, response: &Response) -> BillingError {
    BillingError::MalformedResponse {
        what: what.into(),
        snippet: errors::snippet(&response.body),
        request_id: errors::request_id(&response.headers),
    }
}

/// Reads the first response of an operation started with `method` at `url`.
pub(crate) fn first_step(
    method: &Method,
    url: &Url,
    response: Response,
) -> Result<Step, BillingError> {
    let async_op = header_url(&response.headers, "azure-asyncoperation", url);
    let location = header_url(&response.headers, "location", url);
    let accepted = response.status == StatusCode::ACCEPTED;
    let created_async = response.status == StatusCode::CREATED && async_op.is_some();
    if !accepted && !created_async {
        return Ok(Step::Done(response));
    }
    let after = server_delay(&response.headers);
    let poll = match (async_op, location) {
        (Some(status_url), location) => {
            // PUT/PATCH end at the resource itself unless the server names a Location.
            let final_url = location.or_else(|| {
                (*method == Method::PUT || *method == Method::PATCH).then(|| url.clone())
            });
            Poll::AsyncOperation {
                status_url,
                final_url,
            }
        }
        (None, Some(location)) => Poll::Location(location),
        (None, None) => return Err(malformed("202 without Location", &response)),
    };
    Ok(Step::Wait { poll, after })
}

/// Reads one poll response.
pub(crate) fn poll_step(poll: &Poll, response: Response) -> Result<Step, BillingError> {
    let after = server_delay(&response.headers);
    match poll {
        Poll::Location(url) => {
            if response.status == StatusCode::ACCEPTED {
                let next =
                    header_url(&response.headers, "location", url).unwrap_or_else(|| url.clone());
                Ok(Step::Wait {
                    poll: Poll::Location(next),
                    after,
                })
            } else {
                Ok(Step::Done(response))
            }
        }
        Poll::AsyncOperation {
            status_url,
            final_url,
        } => {
            if response.status == StatusCode::ACCEPTED || response.body.is_empty() {
                return Ok(Step::Wait {
                    poll: poll.clone(),
                    after,
                });
            }
            let body: serde_json::Value = response.json("operation status")?;
            let status = body.get("status").and_then(status_text).unwrap_or_default();
            match status.to_ascii_lowercase().as_str() {
                "succeeded" | "completed" | "readytodownload" | "nodatafound" => {
                    Ok(match final_url {
                        Some(url) => Step::FetchFinal(url.clone()),
                        None => Step::Done(response),
                    })
                }
                "failed" | "canceled" | "cancelled" | "timedout" => {
                    let arm = body
                        .get("error")
                        .and_then(|e| serde_json::from_value::<ArmError>(e.clone()).ok())
                        .unwrap_or_else(|| ArmError {
                            code: Some(status.clone()),
                            ..ArmError::default()
                        });
                    Err(BillingError::Server {
                        status: response.status.as_u16(),
                        arm: Some(Box::new(arm)),
                        request_id: errors::request_id(&response.headers),
                    })
                }
                "" => Err(malformed("operation status without status", &response)),
                _ => Ok(Step::Wait {
                    poll: Poll::AsyncOperation {
                        status_url: status_url.clone(),
                        final_url: final_url.clone(),
                    },
                    after,
                }),
            }
        }
    }
}

/// `status` is a string, or (detailed cost report schema) an object `{status: …}`.
fn status_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Object(map) => map.get("status").and_then(status_text),
        _ => None,
    }
}

impl ArmClient {
    /// Runs a long-running operation to completion and returns its final 2xx response
    /// (204 and some 200s have an empty body).
    pub(crate) async fn run_lro(
        &self,
        request: &Request,
        options: &LroOptions,
    ) -> Result<Response, BillingError> {
        let cancel = options.cancel.clone().unwrap_or_default();
        let first = cancellable(&cancel, self.send(request)).await?;
        let step = first_step(&request.method, &request.url, first)?;
        self.drive_lro(step, options).await
    }

    /// Polls an operation a caller kept from an earlier run ([`LroOptions::operation`]) until
    /// it ends. Only a URL of this client's Resource Manager is polled: a kept URL is read
    /// back from disk, and the bearer token must never go anywhere else.
    pub(crate) async fn resume_lro(
        &self,
        poll_url: &Url,
        options: &LroOptions,
    ) -> Result<Response, BillingError> {
        if !self.endpoint().is_arm_origin(poll_url) {
            return Err(BillingError::BadRequest {
                status: 0,
                code: "ForeignOperationUrl".into(),
                message: "the kept operation URL is not on this cloud's Resource Manager".into(),
                request_id: None,
            });
        }
        let step = Step::Wait {
            poll: Poll::Location(poll_url.clone()),
            after: Some(Duration::ZERO),
        };
        self.drive_lro(step, options).await
    }

    async fn drive_lro(&self, first: Step, options: &LroOptions) -> Result<Response, BillingError> {
        let policy = self.lro_policy().clone();
        let started = Instant::now();
        let deadline = started + policy.timeout;
        let cancel = options.cancel.clone().unwrap_or_default();
        let report = |status, polls| {
            if let Some(progress) = &options.progress {
                progress(LroProgress {
                    status,
                    polls,
                    elapsed: started.elapsed(),
                });
            }
        };

        let mut step = first;
        let mut polls = 0;
        let mut not_found = 0;
        if let Step::Wait { poll, .. } = &step {
            if let Some(operation) = &options.operation {
                operation(poll.url());
            }
            report(LroStatus::Accepted, polls);
        }
        loop {
            step = match step {
                Step::Done(response) => {
                    report(LroStatus::Succeeded, polls);
                    return Ok(response);
                }
                Step::FetchFinal(url) => {
                    let response = cancellable(&cancel, self.send(&Request::get(url))).await?;
                    Step::Done(response)
                }
                Step::Wait { poll, after } => {
                    let delay = after.unwrap_or(policy.default_poll_interval).clamp(
                        policy.min_poll_interval,
                        policy.max_poll_interval.max(policy.min_poll_interval),
                    );
                    if Instant::now() + delay > deadline {
                        return Err(BillingError::Timeout {
                            after: policy.timeout,
                        });
                    }
                    cancellable(&cancel, async {
                        tokio::time::sleep(delay).await;
                        Ok(())
                    })
                    .await?;
                    polls += 1;
                    let url = poll.url().clone();
                    match cancellable(&cancel, self.send(&Request::get(url))).await {
                        Err(BillingError::NotFound { .. })
                            if not_found < policy.max_transient_not_found =>
                        {
                            not_found += 1;
                            Step::Wait { poll, after: None }
                        }
                        Err(error) => return Err(error),
                        Ok(response) => {
                            not_found = 0;
                            let next = poll_step(&poll, response)?;
                            if matches!(next, Step::Wait { .. }) {
                                report(LroStatus::Running, polls);
                            }
                            next
                        }
                    }
                }
            };
        }
    }
}

async fn cancellable<T>(
    cancel: &CancellationToken,
    work: impl Future<Output = Result<T, BillingError>>,
) -> Result<T, BillingError> {
    tokio::select! {
        biased;
        () = cancel.cancelled() => Err(BillingError::Cancelled),
        result = work => result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::HeaderValue;

    fn response(
        status: u16,
        headers: &[(&'static str, &'static str)],
        body: &'static str,
    ) -> Response {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_static(value));
        }
        Response {
            status: StatusCode::from_u16(status).unwrap(),
            headers: map,
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn immediate_200_is_done() {
        let step = first_step(
            &Method::POST,
            &url("https://arm/x"),
            response(200, &[], "{}"),
        )
        .unwrap();
        assert!(matches!(step, Step::Done(r) if r.status == StatusCode::OK));
    }

    #[test]
    fn accepted_with_location_polls_with_retry_after() {
        let first = response(
            202,
            &[("location", "https://arm/op/1"), ("retry-after", "10")],
            "",
        );
        let step = first_step(&Method::POST, &url("https://arm/x"), first).unwrap();
        let Step::Wait { poll, after } = step else {
            panic!()
        };
        assert_eq!(poll, Poll::Location(url("https://arm/op/1")));
        assert_eq!(after, Some(Duration::from_secs(10)));
        let still = poll_step(
            &poll,
            response(202, &[("location", "https://arm/op/2")], ""),
        )
        .unwrap();
        let Step::Wait { poll, after } = still else {
            panic!()
        };
        assert_eq!(poll, Poll::Location(url("https://arm/op/2")));
        assert_eq!(after, None);
        let done = poll_step(&poll, response(200, &[], r#"{"url":"u"}"#)).unwrap();
        assert!(matches!(done, Step::Done(r) if r.body.as_ref() == br#"{"url":"u"}"#));
        let empty = poll_step(&poll, response(204, &[], "")).unwrap();
        assert!(matches!(empty, Step::Done(r) if r.status == StatusCode::NO_CONTENT));
    }

    #[test]
    fn accepted_without_any_poll_url_is_malformed() {
        let err =
            first_step(&Method::POST, &url("https://arm/x"), response(202, &[], "")).unwrap_err();
        assert_eq!(err.code(), "malformed_response");
    }

    #[test]
    fn async_operation_runs_until_terminal_then_fetches_the_resource() {
        let first = response(
            201,
            &[("azure-asyncoperation", "https://arm/status/1")],
            "{}",
        );
        let put_url = url("https://arm/profiles/p");
        let Step::Wait { poll, .. } = first_step(&Method::PUT, &put_url, first).unwrap() else {
            panic!()
        };
        assert_eq!(
            poll,
            Poll::AsyncOperation {
                status_url: url("https://arm/status/1"),
                final_url: Some(put_url.clone())
            }
        );
        let running = poll_step(&poll, response(200, &[], r#"{"status":"InProgress"}"#)).unwrap();
        assert!(matches!(running, Step::Wait { .. }));
        let done = poll_step(&poll, response(200, &[], r#"{"status":"Succeeded"}"#)).unwrap();
        assert!(matches!(done, Step::FetchFinal(u) if u == put_url));
        let nested = poll_step(
            &poll,
            response(200, &[], r#"{"status":{"status":"Completed"}}"#),
        )
        .unwrap();
        assert!(matches!(nested, Step::FetchFinal(_)));
    }

    #[test]
    fn failed_operation_carries_the_arm_error() {
        let poll = Poll::AsyncOperation {
            status_url: url("https://arm/s"),
            final_url: None,
        };
        let body = r#"{"status":"Failed","error":{"code":"InvoiceNotReady","message":"later"}}"#;
        let err = poll_step(&poll, response(200, &[], body)).unwrap_err();
        assert_eq!(err.arm_code(), Some("InvoiceNotReady"));
    }
}
