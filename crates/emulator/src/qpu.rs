//! Cost Management's query processing units (QPU): every answer on a Cost Management path says
//! what the call cost and what is left, as the service's rate-limit headers do.
//!
//! `x-ms-ratelimit-microsoft.costmanagement-qpu-consumed`: QPUs this call used (a report
//! request that was taken: 1, one month of data; polls and refusals: 0).
//! `x-ms-ratelimit-microsoft.costmanagement-qpu-remaining`: what is left of each quota window,
//! `QueriesPerHour:N,QueriesPerMin:M` (quotas of 600 an hour and 60 a minute, counted over the
//! requests this emulator took). A 429 shows the minute window at 0 and also carries
//! `x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after` and `Retry-After` (set by the
//! throttle fault). The emulator only reports the budget; throttling is the `throttle` fault's
//! job, so benchmarks are never refused for spending it.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderName, HeaderValue, Method, StatusCode};

use crate::reply::Reply;

pub const CONSUMED: &str = "x-ms-ratelimit-microsoft.costmanagement-qpu-consumed";
pub const REMAINING: &str = "x-ms-ratelimit-microsoft.costmanagement-qpu-remaining";
pub const RETRY_AFTER: &str = "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after";

const PER_HOUR: usize = 600;
const PER_MINUTE: usize = 60;

/// When each QPU of the last hour was spent.
#[derive(Debug, Default)]
pub struct Budget {
    spent: Mutex<VecDeque<Instant>>,
}

impl Budget {
    /// Spends `n` QPUs now; returns what is left (per hour, per minute).
    fn spend(&self, n: usize) -> (usize, usize) {
        let now = Instant::now();
        let mut spent = self
            .spent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while spent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(3600))
        {
            spent.pop_front();
        }
        spent.extend(std::iter::repeat_n(now, n));
        let last_minute = spent
            .iter()
            .rev()
            .take_while(|t| now.duration_since(**t) < Duration::from_secs(60))
            .count();
        (
            PER_HOUR.saturating_sub(spent.len()),
            PER_MINUTE.saturating_sub(last_minute),
        )
    }
}

/// True for paths Cost Management answers (`…/providers/Microsoft.CostManagement/…`).
pub fn is_cost_management(path: &str) -> bool {
    path.to_ascii_lowercase()
        .contains("/providers/microsoft.costmanagement/")
}

/// Adds the QPU headers to an answer on a Cost Management path.
pub fn stamp(budget: &Budget, method: &Method, mut reply: Reply) -> Reply {
    let throttled = reply.status == StatusCode::TOO_MANY_REQUESTS;
    let consumed = usize::from(*method == Method::POST && reply.status.is_success());
    let (hour, mut minute) = budget.spend(consumed);
    if throttled {
        minute = 0;
    }
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            reply.headers.insert(HeaderName::from_static(name), v);
        }
    };
    set(CONSUMED, consumed.to_string());
    set(
        REMAINING,
        format!("QueriesPerHour:{hour},QueriesPerMin:{minute}"),
    );
    reply
}
