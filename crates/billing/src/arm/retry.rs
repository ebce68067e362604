//! When to try a request again, and how long to wait first.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use rand::Rng;

/// Retry limits shared by every call of a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts including the first one.
    pub max_attempts: u32,
    /// The first backoff ceiling; doubles per attempt (full jitter picks in `0..=ceiling`).
    pub base_delay: Duration,
    /// Upper bound of one computed backoff (a server's `Retry-After` is honoured as given).
    pub max_delay: Duration,
    /// Wall-clock budget for one call including all retries, from when its first attempt may
    /// go out (time queued behind the client's other calls does not count); a wait that
    /// would overrun it ends the call with the last error instead.
    pub max_total: Duration,
    /// Budget of one attempt (send plus reading the body).
    pub attempt_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(800),
            max_delay: Duration::from_secs(30),
            max_total: Duration::from_secs(120),
            attempt_timeout: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Full-jitter exponential backoff for the given retry (1 = first retry).
    #[must_use]
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::rng().random_range(0..=millis))
    }

    /// The largest delay [`backoff`](Self::backoff) may pick for that retry.
    #[must_use]
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

/// Whether an operation may be sent again after the server may have received it.
///
/// The choice for every operation is made in [`crate::api::operations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetrySafety {
    /// Repeating it has the same effect as sending it once (GET, PUT, DELETE, and the POSTs that
    /// only start generating a document or report).
    Idempotent,
    /// Retried only when the server certainly did not act on it: a refused connection or a 429.
    NotIdempotent,
}

/// Statuses that mean "try again", per ARM guidance.
#[must_use]
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// Whether this status may be retried for a request of this safety.
#[must_use]
pub fn may_retry_status(status: StatusCode, safety: RetrySafety) -> bool {
    match safety {
        RetrySafety::Idempotent => is_retryable_status(status),
        // A throttled request was rejected before any work happened.
        RetrySafety::NotIdempotent => status == StatusCode::TOO_MANY_REQUESTS,
    }
}

/// How long the server asked us to wait: `Retry-After` (seconds or an HTTP date) and the Cost
/// Management / Consumption throttling headers; the longest wins.
#[must_use]
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    headers
        .iter()
        .filter(|(name, _)| is_retry_after_header(name.as_str()))
        .filter_map(|(_, value)| value.to_str().ok())
        .filter_map(|value| parse_retry_after(value, now))
        .max()
}

fn is_retry_after_header(name: &str) -> bool {
    // Header names from `http` are already lower case.
    name == "retry-after"
        || name == "x-ms-ratelimit-microsoft.consumption-retry-after"
        || (name.starts_with("x-ms-ratelimit-microsoft.costmanagement-")
            && name.ends_with("-retry-after"))
}

/// The longest a server can make the app wait at once. A longer value (a broken proxy, a
/// hostile server, `18446744073709551615`) is taken as this: the wait stays finite, and no
/// deadline computed from it overflows.
pub const MAX_SERVER_DELAY: Duration = Duration::from_secs(60 * 60);

/// Parses one `Retry-After` value: delta-seconds (fractions tolerated) or an HTTP date, at
/// most [`MAX_SERVER_DELAY`].
#[must_use]
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let delay = if let Ok(seconds) = value.parse::<u64>() {
        Duration::from_secs(seconds)
    } else if let Ok(seconds) = value.parse::<f64>() {
        if seconds.is_nan() || seconds < 0.0 {
            return None;
        }
        // Too large for a `Duration` (or infinite): as long as the app ever waits.
        Duration::try_from_secs_f64(seconds).unwrap_or(MAX_SERVER_DELAY)
    } else {
        let at = httpdate::parse_http_date(value).ok()?;
        at.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(delay.min(MAX_SERVER_DELAY))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("10", now), Some(Duration::from_secs(10)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(42));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(42))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(42));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-3", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("NaN", now), None);
        assert_eq!(parse_retry_after("-0.5", now), None);
    }

    #[test]
    fn a_server_never_makes_the_app_wait_more_than_an_hour() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        for absurd in [
            "18446744073709551615",
            "99999999999999999999999",
            "1e300",
            "inf",
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ] {
            assert_eq!(
                parse_retry_after(absurd, now),
                Some(MAX_SERVER_DELAY),
                "{absurd}"
            );
        }
        assert_eq!(
            parse_retry_after("3599", now),
            Some(Duration::from_secs(3599))
        );
    }

    #[test]
    fn throttling_headers_of_cost_management_and_consumption_count() {
        let now = SystemTime::now();
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("2"));
        headers.insert(
            "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after",
            HeaderValue::from_static("7"),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let mut consumption = HeaderMap::new();
        consumption.insert(
            "x-ms-ratelimit-microsoft.consumption-retry-after",
            HeaderValue::from_static("30"),
        );
        assert_eq!(
            retry_after(&consumption, now),
            Some(Duration::from_secs(30))
        );
        let mut unrelated = HeaderMap::new();
        unrelated.insert(
            "x-ms-ratelimit-remaining-subscription-reads",
            HeaderValue::from_static("11999"),
        );
        assert_eq!(retry_after(&unrelated, now), None);
    }

    #[test]
    fn backoff_stays_within_full_jitter_bounds() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        assert_eq!(policy.backoff_ceiling(1), Duration::from_millis(100));
        assert_eq!(policy.backoff_ceiling(3), Duration::from_millis(400));
        assert_eq!(policy.backoff_ceiling(5), Duration::from_secs(1));
        assert_eq!(policy.backoff_ceiling(80), Duration::from_secs(1));
        for retry in 1..10 {
            for _ in 0..50 {
                assert!(policy.backoff(retry) <= policy.backoff_ceiling(retry));
            }
        }
    }

    #[test]
    fn unsafe_requests_retry_only_throttling() {
        let unsafe_ = RetrySafety::NotIdempotent;
        assert!(may_retry_status(StatusCode::TOO_MANY_REQUESTS, unsafe_));
        assert!(!may_retry_status(StatusCode::SERVICE_UNAVAILABLE, unsafe_));
        assert!(may_retry_status(
            StatusCode::SERVICE_UNAVAILABLE,
            RetrySafety::Idempotent
        ));
        assert!(!may_retry_status(
            StatusCode::NOT_FOUND,
            RetrySafety::Idempotent
        ));
    }
}
