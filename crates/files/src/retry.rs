//! The one retry rule for fetching a pre-signed blob link. It is the billing client's
//! [`RetryPolicy`] (attempts, full-jitter backoff, `Retry-After` parsing, the statuses that mean
//! "try again"), plus what only a transfer has: resuming after a dropped connection and a
//! stall timeout per chunk instead of a deadline for the whole body (a 200 MB document on a
//! slow line must not time out while bytes keep arriving).

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use invoice_desk_billing::RetryPolicy;
use invoice_desk_billing::arm::retry::{is_retryable_status, retry_after};

/// How hard one document fetch tries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferPolicy {
    /// Attempts that may fail without any progress (throttling, 5xx, refused connections),
    /// their backoff, and the longest total wait for them (`max_total`).
    pub retry: RetryPolicy,
    /// Resumes after a connection dropped mid-body that still made progress; each one
    /// continues with `Range` from the bytes already on disk.
    pub max_resumes: u32,
    /// No byte for this long ends the attempt like a dropped connection.
    pub stall_timeout: Duration,
    /// Restarts from byte 0 because the blob changed under us (new ETag, 412, 200 for a range).
    pub max_restarts: u32,
}

impl Default for TransferPolicy {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            max_resumes: 10,
            stall_timeout: Duration::from_secs(60),
            max_restarts: 2,
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Stop with the error.
    GiveUp,
}

impl TransferPolicy {
    /// Whether a status may succeed when asked again (408, 429, 500, 502, 503, 504).
    #[must_use]
    pub fn retryable(status: StatusCode) -> bool {
        is_retryable_status(status)
    }

    /// The wait before attempt `failures + 1`: the server's `Retry-After` when it gave one,
    /// else the backoff; [`Next::GiveUp`] when attempts or the waiting budget run out.
    #[must_use]
    pub fn next(&self, failures: u32, headers: Option<&HeaderMap>, waited: Duration) -> Next {
        if failures >= self.retry.max_attempts {
            return Next::GiveUp;
        }
        let delay = headers
            .and_then(|h| retry_after(h, SystemTime::now()))
            .unwrap_or_else(|| self.retry.backoff(failures));
        if waited.saturating_add(delay) > self.retry.max_total {
            return Next::GiveUp;
        }
        Next::RetryAfter(delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn retry_after_is_honoured_within_the_budget() {
        let policy = TransferPolicy {
            retry: RetryPolicy {
                max_attempts: 3,
                max_total: Duration::from_secs(10),
                ..RetryPolicy::default()
            },
            ..TransferPolicy::default()
        };
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(
            policy.next(1, Some(&headers), Duration::ZERO),
            Next::RetryAfter(Duration::from_secs(2))
        );
        assert_eq!(
            policy.next(1, Some(&headers), Duration::from_secs(9)),
            Next::GiveUp
        );
        assert_eq!(policy.next(3, None, Duration::ZERO), Next::GiveUp);
        assert!(TransferPolicy::retryable(StatusCode::SERVICE_UNAVAILABLE));
        assert!(!TransferPolicy::retryable(StatusCode::FORBIDDEN));
    }
}
