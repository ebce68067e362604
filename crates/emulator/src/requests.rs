//! A log of the requests the emulator received (control-plane calls excluded), so tests can
//! check what a client actually sent: that a download resumed with `Range` and `If-Match`, or
//! that a second sync made no download call at all.

use std::sync::Mutex;

use serde::Serialize;

/// The most requests kept; older ones are dropped first.
const CAPACITY: usize = 100_000;

/// One request as it arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    pub method: String,
    /// The decoded path, without the query.
    pub path: String,
    /// The query as it arrived (still percent-encoded, without the `?`), if the URL had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// `arm`, `poll` or `blob`.
    pub kind: &'static str,
    /// The `Range` header, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
    /// The `If-Match` header, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub if_match: Option<String>,
    /// Whether an `Authorization` header came along (never for a SAS blob link).
    pub authorization: bool,
}

#[derive(Debug, Default)]
pub struct RequestLog {
    records: Mutex<Vec<RequestRecord>>,
}

impl RequestLog {
    pub fn push(&self, record: RequestRecord) {
        let mut records = self
            .records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if records.len() >= CAPACITY {
            records.drain(..CAPACITY / 10);
        }
        records.push(record);
    }

    pub fn list(&self) -> Vec<RequestRecord> {
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn clear(&self) {
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}
