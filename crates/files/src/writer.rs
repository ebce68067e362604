//! Streaming one pre-signed link into `<final>.part`: never with a bearer token, chunk by
//! chunk (memory stays flat whatever the size), hashed and written by the part file's own
//! thread ([`crate::sink`]), resumed with `Range` +
//! `If-Match` after a dropped connection, restarted from byte 0 when the blob changed, checked
//! for its magic bytes and declared length, then fsynced. Placing the finished file under its
//! final name is [`crate::place`]'s job.
//!
//! A [`Transfer`] owns its `.part` file: dropping it without [`Transfer::finish`] removes the
//! file. Within one call of the batch the same transfer may continue with a fresh link after
//! [`FilesError::LinkExpired`] (the bytes on disk stay valid: same blob, same ETag).

use std::path::{Path, PathBuf};
use std::time::Duration;

use http::{HeaderMap, StatusCode, header};
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use crate::error::FilesError;
use crate::retry::{Next, TransferPolicy};
use crate::sink::PartSink;
use crate::verify::ContentKind;

/// The most of an error body read to tell an expired link from other refusals.
const ERROR_BODY_LIMIT: usize = 16 * 1024;

/// Progress of one transfer: bytes on disk so far and the total when the server declared it.
pub type Progress<'a> = &'a (dyn Fn(u64, Option<u64>) + Send + Sync);

/// Fetches pre-signed links. Cheap to clone (the connection pool is shared).
#[derive(Debug, Clone)]
pub struct Fetcher {
    http: reqwest::Client,
    policy: TransferPolicy,
}

impl Fetcher {
    /// A client of its own: no redirects (a blob link never redirects, and a redirect could
    /// take the request anywhere), the system proxy, 15 s to connect.
    pub fn new(policy: TransferPolicy) -> Result<Self, FilesError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("InvoiceDesk/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| FilesError::Network {
                message: describe(&e),
            })?;
        Ok(Self { http, policy })
    }

    /// With a client configured by the caller (e.g. without proxies for a loopback emulator).
    /// It must not add an `Authorization` header by default.
    #[must_use]
    pub fn with_client(http: reqwest::Client, policy: TransferPolicy) -> Self {
        Self { http, policy }
    }

    #[must_use]
    pub fn policy(&self) -> &TransferPolicy {
        &self.policy
    }
}

/// A finished, fsynced `.part` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    pub part: PathBuf,
    pub size: u64,
    /// BLAKE3 of the bytes: how the archive recognises a document it already has.
    pub content_hash: [u8; 32],
    /// Times the transfer continued with `Range` after a dropped connection.
    pub resumes: u32,
    /// Times it started over from byte 0 because the blob changed.
    pub restarts: u32,
}

/// One document on its way to `<final>.part`.
#[derive(Debug)]
pub struct Transfer {
    part: PathBuf,
    expect: ContentKind,
    file: Option<PartSink>,
    offset: u64,
    total: Option<u64>,
    etag: Option<String>,
    head: Vec<u8>,
    resumes: u32,
    restarts: u32,
    keep: bool,
}

/// Why an attempt ended early.
enum Stop {
    /// Try the same request again after a wait (throttled, 5xx, no connection).
    Retry {
        error: FilesError,
        headers: Option<HeaderMap>,
    },
    /// The connection dropped after bytes arrived: continue with `Range`.
    Dropped(FilesError),
    /// The blob changed: start over from byte 0.
    Restart(FilesError),
    Fatal(FilesError),
}

impl Transfer {
    /// Creates `part` now (it must not exist), so a folder that cannot be written to fails
    /// before anything is asked of Azure.
    pub async fn create(part: PathBuf, expect: ContentKind) -> Result<Self, FilesError> {
        let mut transfer = Self {
            part,
            expect,
            file: None,
            offset: 0,
            total: None,
            etag: None,
            head: Vec::new(),
            resumes: 0,
            restarts: 0,
            keep: false,
        };
        transfer.open().await?;
        Ok(transfer)
    }

    #[must_use]
    pub fn part(&self) -> &Path {
        &self.part
    }

    async fn open(&mut self) -> Result<(), FilesError> {
        self.file = Some(PartSink::create(&self.part).await?);
        self.offset = 0;
        self.total = None;
        self.etag = None;
        self.head.clear();
        Ok(())
    }

    /// Fetches `url` into the part file until it is complete, resuming and retrying per the
    /// fetcher's policy. On [`FilesError::LinkExpired`] the bytes so far stay: call again
    /// with a fresh link.
    pub async fn run(
        &mut self,
        fetcher: &Fetcher,
        url: &str,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> Result<(), FilesError> {
        let policy = &fetcher.policy;
        let mut failures = 0;
        let mut waited = Duration::ZERO;
        loop {
            if cancel.is_cancelled() {
                return Err(FilesError::Cancelled);
            }
            let stop = match self.attempt(fetcher, url, progress, cancel).await {
                Ok(()) => return Ok(()),
                Err(stop) => stop,
            };
            match stop {
                Stop::Fatal(error) => return Err(error),
                Stop::Dropped(error) => {
                    self.resumes += 1;
                    if self.resumes > policy.max_resumes {
                        return Err(error);
                    }
                    failures = 0;
                    tracing::debug!(
                        offset = self.offset,
                        resumes = self.resumes,
                        "resuming download"
                    );
                }
                Stop::Restart(error) => {
                    self.restarts += 1;
                    if self.restarts > policy.max_restarts {
                        return Err(error);
                    }
                    tracing::debug!(reason = %error, "download restarts from byte 0");
                    self.flush_and_reopen().await?;
                }
                Stop::Retry { error, headers } => {
                    failures += 1;
                    match policy.next(failures, headers.as_ref(), waited) {
                        Next::GiveUp => return Err(error),
                        Next::RetryAfter(delay) => {
                            tracing::debug!(
                                failures,
                                delay_ms = delay.as_millis(),
                                error = error.code(),
                                "download retries"
                            );
                            tokio::select! {
                                () = cancel.cancelled() => return Err(FilesError::Cancelled),
                                () = tokio::time::sleep(delay) => {}
                            }
                            waited += delay;
                        }
                    }
                }
            }
        }
    }

    async fn flush_and_reopen(&mut self) -> Result<(), FilesError> {
        // The part is this transfer's own (closed once the sink is dropped): started over.
        self.file = None;
        let _ = tokio::fs::remove_file(&self.part).await;
        self.open().await
    }

    async fn attempt(
        &mut self,
        fetcher: &Fetcher,
        url: &str,
        progress: Progress<'_>,
        cancel: &CancellationToken,
    ) -> Result<(), Stop> {
        let stall = fetcher.policy.stall_timeout;
        let mut request = fetcher.http.get(url);
        let ranged = self.offset > 0;
        if ranged {
            request = request.header(header::RANGE, format!("bytes={}-", self.offset));
            if let Some(etag) = &self.etag {
                request = request.header(header::IF_MATCH, etag);
            }
        }
        let sent = tokio::select! {
            () = cancel.cancelled() => return Err(Stop::Fatal(FilesError::Cancelled)),
            sent = tokio::time::timeout(stall, request.send()) => sent,
        };
        let mut response = match sent {
            Ok(Ok(response)) => response,
            Ok(Err(e)) => {
                return Err(Stop::Retry {
                    error: FilesError::Network {
                        message: describe(&e),
                    },
                    headers: None,
                });
            }
            Err(_) => {
                return Err(Stop::Retry {
                    error: network_stall(stall),
                    headers: None,
                });
            }
        };
        let status = response.status();
        let etag = response
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        match status {
            StatusCode::OK => {
                if ranged {
                    // The server ignored the range: take this full body from the start.
                    self.restarts += 1;
                    if self.restarts > fetcher.policy.max_restarts {
                        return Err(Stop::Fatal(FilesError::Network {
                            message: "the server keeps answering ranges with the whole file".into(),
                        }));
                    }
                    self.flush_and_reopen().await.map_err(Stop::Fatal)?;
                }
                self.total = response.content_length();
                self.etag = etag;
                if let (Some(total), Some(file)) = (self.total, self.file.as_mut()) {
                    file.expect(total).await.map_err(Stop::Fatal)?;
                }
            }
            StatusCode::PARTIAL_CONTENT => {
                let range = content_range(response.headers());
                match range {
                    Some((start, Some(total)))
                        if start == self.offset
                            && self.total.is_none_or(|t| t == total)
                            && (self.etag.is_none() || etag.is_none() || self.etag == etag) =>
                    {
                        self.total = Some(total);
                    }
                    _ => {
                        return Err(Stop::Restart(FilesError::LengthMismatch {
                            expected: self.total.unwrap_or_default(),
                            got: self.offset,
                        }));
                    }
                }
            }
            StatusCode::PRECONDITION_FAILED => {
                return Err(Stop::Restart(FilesError::Network {
                    message: "the document changed while it was downloaded".into(),
                }));
            }
            StatusCode::RANGE_NOT_SATISFIABLE => {
                // Everything had arrived when the connection dropped.
                if matches!(content_range(response.headers()), Some((_, Some(total))) if total == self.offset)
                    || self.total == Some(self.offset)
                {
                    return Ok(());
                }
                return Err(Stop::Restart(FilesError::LengthMismatch {
                    expected: self.total.unwrap_or_default(),
                    got: self.offset,
                }));
            }
            StatusCode::FORBIDDEN => {
                let code = storage_code(response.headers());
                let body = read_limited(&mut response, ERROR_BODY_LIMIT).await;
                return Err(Stop::Fatal(if is_expired(url, code.as_deref(), &body) {
                    FilesError::LinkExpired
                } else {
                    FilesError::LinkRejected {
                        status: 403,
                        code: code.unwrap_or_default(),
                    }
                }));
            }
            StatusCode::NOT_FOUND => return Err(Stop::Fatal(FilesError::BlobNotFound)),
            status if TransferPolicy::retryable(status) => {
                let error = if status == StatusCode::TOO_MANY_REQUESTS {
                    FilesError::Throttled {
                        retry_after: invoice_desk_billing::arm::retry::retry_after(
                            response.headers(),
                            std::time::SystemTime::now(),
                        ),
                    }
                } else {
                    FilesError::Server {
                        status: status.as_u16(),
                    }
                };
                return Err(Stop::Retry {
                    error,
                    headers: Some(response.headers().clone()),
                });
            }
            StatusCode::UNAUTHORIZED => {
                return Err(Stop::Fatal(FilesError::LinkRejected {
                    status: 401,
                    code: storage_code(response.headers()).unwrap_or_default(),
                }));
            }
            status => {
                return Err(Stop::Fatal(FilesError::Server {
                    status: status.as_u16(),
                }));
            }
        }

        // Announced larger than the kind may be: refused before a byte is written.
        if self
            .total
            .is_some_and(|total| total > self.expect.max_bytes())
        {
            return Err(Stop::Fatal(self.too_large()));
        }
        let start = self.offset;
        loop {
            let next = tokio::select! {
                () = cancel.cancelled() => return Err(Stop::Fatal(FilesError::Cancelled)),
                next = tokio::time::timeout(stall, response.chunk()) => next,
            };
            let chunk = match next {
                Ok(Ok(Some(chunk))) => chunk,
                Ok(Ok(None)) => break,
                Ok(Err(e)) => {
                    let error = FilesError::Network {
                        message: describe(&e),
                    };
                    return Err(self.dropped(start, error).await);
                }
                Err(_) => return Err(self.dropped(start, network_stall(stall)).await),
            };
            if self.offset.saturating_add(chunk.len() as u64) > self.expect.max_bytes() {
                return Err(Stop::Fatal(self.too_large()));
            }
            self.write(chunk).await.map_err(Stop::Fatal)?;
            progress(self.offset, self.total);
        }
        match self.total {
            Some(total) if total != self.offset => Err(Stop::Fatal(FilesError::LengthMismatch {
                expected: total,
                got: self.offset,
            })),
            _ => Ok(()),
        }
    }

    fn too_large(&self) -> FilesError {
        FilesError::TooLarge {
            kind: self.expect,
            limit: self.expect.max_bytes(),
        }
    }

    /// A connection that ended early: resume if it brought bytes, else retry. The buffered
    /// bytes are flushed first so the offset matches the file.
    async fn dropped(&mut self, start: u64, error: FilesError) -> Stop {
        if let Some(file) = self.file.as_mut()
            && let Err(e) = file.flush().await
        {
            return Stop::Fatal(e);
        }
        if self.offset > start {
            Stop::Dropped(error)
        } else {
            Stop::Retry {
                error,
                headers: None,
            }
        }
    }

    async fn write(&mut self, chunk: bytes::Bytes) -> Result<(), FilesError> {
        let magic = self.expect.magic();
        if self.head.len() < magic.len() {
            let take = (magic.len() - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
            if self.expect.check(&self.head) == Some(false) {
                return Err(FilesError::WrongContent {
                    expected: self.expect,
                });
            }
        }
        let file = self.file.as_mut().ok_or_else(|| FilesError::Io {
            path: self.part.clone(),
            message: "the part file is closed".into(),
        })?;
        let len = chunk.len() as u64;
        file.write(chunk).await?;
        self.offset += len;
        Ok(())
    }

    /// Flushes and fsyncs the part file and checks what it holds. The part file stays until
    /// [`crate::place`] links it into place (or the returned value is dropped).
    pub async fn finish(mut self) -> Result<Downloaded, FilesError> {
        if self.expect.check(&self.head) != Some(true) {
            return Err(FilesError::WrongContent {
                expected: self.expect,
            });
        }
        if let Some(total) = self.total
            && total != self.offset
        {
            return Err(FilesError::LengthMismatch {
                expected: total,
                got: self.offset,
            });
        }
        let Some(file) = self.file.take() else {
            return Err(FilesError::Io {
                path: self.part.clone(),
                message: "the part file is closed".into(),
            });
        };
        let (content_hash, size) = file.finish().await?;
        if size != self.offset {
            return Err(FilesError::Io {
                path: self.part.clone(),
                message: format!("{size} bytes written of {}", self.offset),
            });
        }
        self.keep = true;
        Ok(Downloaded {
            part: self.part.clone(),
            size,
            content_hash,
            resumes: self.resumes,
            restarts: self.restarts,
        })
    }
}

impl Drop for Transfer {
    fn drop(&mut self) {
        if !self.keep {
            // Close before removing (Windows will not delete an open file).
            drop(self.file.take());
            let _ = std::fs::remove_file(&self.part);
        }
    }
}

fn network_stall(stall: Duration) -> FilesError {
    FilesError::Network {
        message: format!("no data for {} s", stall.as_secs()),
    }
}

/// `Content-Range: bytes START-END/TOTAL` (or `bytes */TOTAL`) → (START, TOTAL).
#[must_use]
pub fn content_range(headers: &HeaderMap) -> Option<(u64, Option<u64>)> {
    let value = headers.get(header::CONTENT_RANGE)?.to_str().ok()?;
    let rest = value.trim().strip_prefix("bytes")?.trim();
    let (range, total) = rest.split_once('/')?;
    let total = total.trim().parse().ok();
    let start = match range.trim() {
        "*" => 0,
        r => r.split_once('-')?.0.trim().parse().ok()?,
    };
    Some((start, total))
}

fn storage_code(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-ms-error-code")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn read_limited(response: &mut reqwest::Response, limit: usize) -> String {
    let mut body = Vec::new();
    while body.len() < limit {
        match tokio::time::timeout(Duration::from_secs(5), response.chunk()).await {
            Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    String::from_utf8_lossy(&body).into_owned()
}

/// An expired link: Storage says so (`Signed expiry time … must be after …`, Azurite's
/// "expired"), or the link's own `se` lies in the past (a refusal for a link whose time is up
/// is an expiry whatever the wording).
fn is_expired(url: &str, code: Option<&str>, body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    let said = lower.contains("signed expiry") || lower.contains("expired");
    let auth = code.is_none_or(|c| {
        c.starts_with("AuthenticationFailed") || c.starts_with("AuthorizationFailure")
    }) || lower.contains("authenticationfailed");
    auth && (said || sas_expiry(url).is_some_and(|se| se <= OffsetDateTime::now_utc()))
}

/// The `se` (signed expiry) of a SAS link.
#[must_use]
pub fn sas_expiry(url: &str) -> Option<OffsetDateTime> {
    let url = url::Url::parse(url).ok()?;
    let se = url.query_pairs().find(|(k, _)| k == "se")?.1.into_owned();
    OffsetDateTime::parse(&se, &time::format_description::well_known::Rfc3339)
        .ok()
        .or_else(|| {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(&se, format)
                .ok()
                .map(|d| d.midnight().assume_utc())
        })
}

/// A transport error's causes, never the URL (a SAS link carries its signature).
fn describe(error: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "<link>");
    }
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
    use http::HeaderValue;

    #[test]
    fn content_ranges_parse() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_static("bytes 100-199/200"),
        );
        assert_eq!(content_range(&h), Some((100, Some(200))));
        h.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_static("bytes */200"),
        );
        assert_eq!(content_range(&h), Some((0, Some(200))));
        h.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_static("bytes 0-9/*"),
        );
        assert_eq!(content_range(&h), Some((0, None)));
    }

    #[test]
    fn expiry_is_read_from_the_answer_or_the_link() {
        let past = "https://a.blob/x.pdf?sv=1&se=2020-01-01T00:00:00Z&sig=abc";
        let future = "https://a.blob/x.pdf?sv=1&se=2999-01-01T00:00:00Z&sig=abc";
        let auth = Some("AuthenticationFailed");
        assert!(is_expired(past, auth, ""));
        assert!(!is_expired(future, auth, "Signature did not match"));
        assert!(is_expired(
            future,
            auth,
            "<AuthenticationErrorDetail>Signed expiry time [x] must be after signed start time [y]"
        ));
        assert!(!is_expired(
            past,
            Some("AuthorizationPermissionMismatch"),
            ""
        ));
        assert_eq!(
            sas_expiry("https://a/b?se=2025-01-02")
                .unwrap()
                .date()
                .to_string(),
            "2025-01-02"
        );
    }
}
