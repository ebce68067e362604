//! The HTTP pipeline: token, ids, concurrency limit, retries, error mapping.

use std::error::Error as _;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use azure_core::credentials::TokenCredential;
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

use super::errors;
use super::lro::LroPolicy;
use super::retry::{RetryPolicy, RetrySafety, may_retry_status, retry_after};
use crate::cloud::{ArmEndpoint, Cloud};
use crate::error::BillingError;

/// Parallel calls by default.
///
/// ARM throttles reads with a token bucket of 250 requests refilled at 25 per second (per
/// principal, subscription or tenant). Sixteen calls in flight at the billing APIs' usual
/// latency of half a second or more is about 30 reads a second: a sweep of several hundred
/// scopes stays inside the bucket, and a longer one meets 429s with `Retry-After`, which the
/// retry policy honours. Fewer permits would leave a 100-scope sweep waiting on latency.
pub const DEFAULT_MAX_CONCURRENCY: usize = 16;
/// Guards against a server that pages forever with fresh links.
pub const DEFAULT_MAX_PAGES: usize = 1000;

/// A billing client for one ARM endpoint and one signed-in identity. Cheap to clone; clones
/// share the connection pool and the concurrency limit.
#[derive(Clone)]
pub struct ArmClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    endpoint: ArmEndpoint,
    credential: Arc<dyn TokenCredential>,
    permits: Semaphore,
    max_concurrency: usize,
    retry: RetryPolicy,
    lro: LroPolicy,
    max_pages: usize,
}

impl fmt::Debug for ArmClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArmClient")
            .field("endpoint", &self.inner.endpoint.base_url().as_str())
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Configures an [`ArmClient`].
pub struct ArmClientBuilder {
    cloud: Cloud,
    credential: Arc<dyn TokenCredential>,
    max_concurrency: usize,
    retry: RetryPolicy,
    lro: LroPolicy,
    user_agent: String,
    max_pages: usize,
}

impl fmt::Debug for ArmClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArmClientBuilder")
            .field("cloud", &self.cloud)
            .field("max_concurrency", &self.max_concurrency)
            .finish_non_exhaustive()
    }
}

impl ArmClientBuilder {
    /// Parallel requests allowed across all clones (at least 1).
    #[must_use]
    pub fn max_concurrency(mut self, permits: usize) -> Self {
        self.max_concurrency = permits.max(1);
        self
    }

    #[must_use]
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    #[must_use]
    pub fn lro_policy(mut self, lro: LroPolicy) -> Self {
        self.lro = lro;
        self
    }

    /// Replaces the default `InvoiceDesk/<version>` user agent.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    #[must_use]
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    pub fn build(self) -> Result<ArmClient, BillingError> {
        let endpoint = ArmEndpoint::new(&self.cloud)?;
        // Redirects are not followed: ARM does not use them, and following one could carry
        // the request somewhere unexpected.
        let http = reqwest::Client::builder()
            .user_agent(self.user_agent)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| BillingError::Network {
                message: describe(e),
            })?;
        Ok(ArmClient {
            inner: Arc::new(Inner {
                http,
                endpoint,
                credential: self.credential,
                permits: Semaphore::new(self.max_concurrency),
                max_concurrency: self.max_concurrency,
                retry: self.retry,
                lro: self.lro,
                max_pages: self.max_pages,
            }),
        })
    }
}

/// One logical call: retried as a unit.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: Method,
    pub url: Url,
    pub body: Option<Bytes>,
    pub safety: RetrySafety,
}

impl Request {
    pub(crate) fn get(url: Url) -> Self {
        Self {
            method: Method::GET,
            url,
            body: None,
            safety: RetrySafety::Idempotent,
        }
    }
}

/// A 2xx response with its body read.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Response {
    /// Deserializes the body; `what` names the expected shape in the error.
    pub(crate) fn json<T: DeserializeOwned>(&self, what: &str) -> Result<T, BillingError> {
        serde_json::from_slice(&self.body).map_err(|e| BillingError::MalformedResponse {
            what: format!("{what}: {e}"),
            snippet: errors::snippet(&self.body),
            request_id: errors::request_id(&self.headers),
        })
    }
}

enum AttemptError {
    /// The connection was never made: always safe to retry.
    Connect(String),
    /// The request may have reached the server.
    Sent(String),
    TimedOut(Duration),
    Fatal(BillingError),
}

impl ArmClient {
    /// Starts configuring a client for `cloud`, authenticating with `credential`.
    pub fn builder(cloud: Cloud, credential: Arc<dyn TokenCredential>) -> ArmClientBuilder {
        ArmClientBuilder {
            cloud,
            credential,
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            retry: RetryPolicy::default(),
            lro: LroPolicy::default(),
            user_agent: format!("InvoiceDesk/{}", env!("CARGO_PKG_VERSION")),
            max_pages: DEFAULT_MAX_PAGES,
        }
    }

    #[must_use]
    pub fn endpoint(&self) -> &ArmEndpoint {
        &self.inner.endpoint
    }

    /// The number of calls this client (and its clones) sends at once.
    #[must_use]
    pub fn max_concurrency(&self) -> usize {
        self.inner.max_concurrency
    }

    pub(crate) fn lro_policy(&self) -> &LroPolicy {
        &self.inner.lro
    }

    pub(crate) fn max_pages(&self) -> usize {
        self.inner.max_pages
    }

    /// Fetches a pre-signed (SAS) URL, e.g. a document or cost report blob, with the same
    /// retries but never with the bearer token.
    pub async fn fetch_presigned(&self, url: &str) -> Result<Bytes, BillingError> {
        let url = Url::parse(url).map_err(|_| BillingError::MalformedResponse {
            what: "download URL".into(),
            snippet: String::from("(not a URL)"),
            request_id: None,
        })?;
        let request = Request::get(url);
        Ok(self.execute(&request, false).await?.body)
    }

    /// Sends `request`, retrying per policy, and returns the 2xx response.
    pub(crate) async fn send(&self, request: &Request) -> Result<Response, BillingError> {
        let authorize = self.inner.endpoint.is_arm_origin(&request.url);
        self.execute(request, authorize).await
    }

    async fn execute(&self, request: &Request, authorize: bool) -> Result<Response, BillingError> {
        let policy = &self.inner.retry;
        // Set once the first attempt may go out (see `attempt`).
        let mut deadline = None;
        // One id for the logical call so ARM support can correlate its retries.
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (error, server_delay, retryable) = match self
                .attempt(request, authorize, &client_request_id, &mut deadline)
                .await
            {
                Ok(response) if response.status.is_success() => return Ok(response),
                Ok(response) => (
                    errors::from_response(response.status, &response.headers, &response.body),
                    retry_after(&response.headers, SystemTime::now()),
                    may_retry_status(response.status, request.safety),
                ),
                Err(AttemptError::Connect(message)) => {
                    (BillingError::Network { message }, None, true)
                }
                Err(AttemptError::Sent(message)) => (
                    BillingError::Network { message },
                    None,
                    request.safety == RetrySafety::Idempotent,
                ),
                Err(AttemptError::TimedOut(after)) => (
                    BillingError::Timeout { after },
                    None,
                    request.safety == RetrySafety::Idempotent,
                ),
                Err(AttemptError::Fatal(error)) => return Err(error),
            };
            if !retryable || attempt >= policy.max_attempts {
                return Err(error);
            }
            let delay = server_delay.unwrap_or_else(|| policy.backoff(attempt));
            if Instant::now()
                .checked_add(delay)
                .is_none_or(|then| deadline.is_some_and(|deadline| then >= deadline))
            {
                return Err(error);
            }
            tracing::debug!(
                method = %request.method,
                path = request.url.path(),
                attempt,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                error = error.code(),
                "retrying ARM call"
            );
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(
        &self,
        request: &Request,
        authorize: bool,
        client_request_id: &str,
        deadline: &mut Option<Instant>,
    ) -> Result<Response, AttemptError> {
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), request.url.clone())
            .header("x-ms-client-request-id", client_request_id)
            .header(http::header::ACCEPT, "application/json");
        if authorize {
            let scope = self.inner.endpoint.token_scope();
            let token = self
                .inner
                .credential
                .get_token(&[scope], None)
                .await
                .map_err(|e| {
                    AttemptError::Fatal(BillingError::Credential {
                        message: e.to_string(),
                    })
                })?;
            // `bearer_auth` marks the header sensitive so it stays out of debug output.
            builder = builder.bearer_auth(token.token.secret());
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }

        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|_| AttemptError::Fatal(BillingError::Cancelled))?;
        // The call's budget starts when it may first go out: time spent queued behind this
        // client's own other calls (a 100-scope sweep queues hundreds) says nothing about
        // the server, and counting it timed out calls that were never sent.
        let deadline = *deadline.get_or_insert_with(|| Instant::now() + self.inner.retry.max_total);
        let budget = deadline
            .saturating_duration_since(Instant::now())
            .min(self.inner.retry.attempt_timeout);
        if budget.is_zero() {
            return Err(AttemptError::TimedOut(self.inner.retry.max_total));
        }
        let exchange = async {
            let response = builder.send().await.map_err(|e| {
                if e.is_connect() {
                    AttemptError::Connect(describe(e))
                } else {
                    AttemptError::Sent(describe(e))
                }
            })?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = read_capped(response, MAX_ARM_BODY)
                .await
                .map_err(|e| match e {
                    CappedReadError::TooLarge => {
                        AttemptError::Fatal(BillingError::MalformedResponse {
                            what: "an answer larger than the app accepts".into(),
                            snippet: format!("more than {} MiB", MAX_ARM_BODY / (1024 * 1024)),
                            request_id: None,
                        })
                    }
                    CappedReadError::Transport(message) => AttemptError::Sent(message),
                })?;
            Ok(Response {
                status,
                headers,
                body,
            })
        };
        tokio::time::timeout(budget, exchange)
            .await
            .unwrap_or(Err(AttemptError::TimedOut(budget)))
    }
}

/// The most an ARM answer may hold. The largest page of a real listing is a few MB; past this
/// a server is broken or hostile, and reading on would only fill the memory.
pub const MAX_ARM_BODY: usize = 64 * 1024 * 1024;

/// Why a capped read of an answer stopped.
#[derive(Debug)]
pub enum CappedReadError {
    /// More than the cap, announced or sent.
    TooLarge,
    /// The connection failed while the body came.
    Transport(String),
}

/// An answer's body, at most `max` bytes whether its length is announced or not: a broken or
/// hostile server cannot fill the memory. Every answer read whole (ARM, tokens) goes through it.
///
/// # Errors
/// [`CappedReadError`].
pub async fn read_capped(
    response: reqwest::Response,
    max: usize,
) -> Result<bytes::Bytes, CappedReadError> {
    use http_body_util::BodyExt as _;
    if response.content_length().is_some_and(|n| n > max as u64) {
        return Err(CappedReadError::TooLarge);
    }
    let body = http::Response::from(response).into_body();
    match http_body_util::Limited::new(body, max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(CappedReadError::TooLarge),
        Err(e) => Err(CappedReadError::Transport(e.to_string())),
    }
}

/// A transport error's causes, without the URL (a SAS URL carries its signature).
fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StaticTokenCredential;

    #[test]
    fn clients_are_cheap_clones_and_reject_bad_endpoints() {
        let credential = Arc::new(StaticTokenCredential::for_a_day("t"));
        let client = ArmClient::builder(Cloud::AzurePublic, credential.clone())
            .max_concurrency(0)
            .build()
            .unwrap();
        let clone = client.clone();
        assert!(Arc::ptr_eq(&client.inner, &clone.inner));
        assert_eq!(client.inner.permits.available_permits(), 1);
        assert_eq!(client.max_concurrency(), 1);
        let debug = format!("{client:?}");
        assert!(!debug.contains("StaticTokenCredential"));
        let bad = ArmClient::builder(
            Cloud::Custom {
                arm_url: "http://192.0.2.1".into(),
                token_scope: String::new(),
            },
            credential,
        )
        .build()
        .unwrap_err();
        assert_eq!(bad.code(), "invalid_endpoint");
    }
}
