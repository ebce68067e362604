//! Long-running operations: a started operation answers 202 for N polls, then its result.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::{HeaderName, StatusCode};
use serde_json::Value;

use crate::app::Ctx;
use crate::error::ArmError;
use crate::reply::Reply;

#[derive(Debug)]
struct Operation {
    pending_polls: u32,
    result: Result<Value, ArmError>,
    /// The Location this operation is polled at, repeated on every 202.
    location: String,
}

#[derive(Debug, Default)]
pub struct Operations {
    map: Mutex<HashMap<String, Operation>>,
}

pub enum PollState {
    Pending {
        location: String,
    },
    Done(Value),
    /// The operation failed: its Location answers this error once it is over.
    Failed(ArmError),
}

impl Operations {
    /// Registers an operation; `location` receives the new id and returns the poll URL.
    pub fn start(
        &self,
        pending_polls: u32,
        result: Value,
        location: impl FnOnce(&str) -> String,
    ) -> (String, String) {
        let id = uuid_like();
        let loc = location(&id);
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.insert(
            id.clone(),
            Operation {
                pending_polls,
                result: Ok(result),
                location: loc.clone(),
            },
        );
        (id, loc)
    }

    /// Registers an operation that fails with `error` after its pending polls, as an update
    /// Azure accepted and then could not apply.
    pub fn start_failing(
        &self,
        pending_polls: u32,
        error: ArmError,
        location: impl FnOnce(&str) -> String,
    ) -> (String, String) {
        let (id, loc) = self.start(pending_polls, Value::Null, location);
        if let Some(op) = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get_mut(&id)
        {
            op.result = Err(error);
        }
        (id, loc)
    }

    /// Whether operation `id` is known and still running.
    pub fn is_pending(&self, id: &str) -> bool {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(id)
            .is_some_and(|op| op.pending_polls > 0)
    }

    /// Replaces the result of an operation whose id was needed to build it.
    pub fn set_result(&self, id: &str, result: Value) {
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(op) = map.get_mut(id) {
            op.result = Ok(result);
        }
    }

    /// Ends an operation at once with this result (later polls answer it too); false when the
    /// operation is not known.
    pub fn finish(&self, id: &str, result: Value) -> bool {
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.get_mut(id).is_some_and(|op| {
            op.pending_polls = 0;
            op.result = Ok(result);
            true
        })
    }

    /// Forgets one operation, as the service does once an operation expires: its polls answer
    /// 404 from then on. False when it was not known.
    pub fn forget(&self, id: &str) -> bool {
        let op = id.rsplit('_').next().unwrap_or(id);
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(op)
            .is_some()
    }

    /// Forgets every operation; returns how many there were.
    pub fn forget_all(&self) -> usize {
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = map.len();
        map.clear();
        n
    }

    pub fn poll(&self, id: &str) -> Option<PollState> {
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let op = map.get_mut(id)?;
        if op.pending_polls > 0 {
            op.pending_polls -= 1;
            return Some(PollState::Pending {
                location: op.location.clone(),
            });
        }
        Some(match &op.result {
            Ok(value) => PollState::Done(value.clone()),
            Err(error) => PollState::Failed(error.clone()),
        })
    }
}

fn uuid_like() -> String {
    let a: u128 = rand::random();
    let h = format!("{a:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// 202 Accepted with `Location` and `Retry-After`, as every Azure LRO starts.
pub fn accepted(ctx: &Ctx<'_>, location: &str) -> Reply {
    Reply::empty(StatusCode::ACCEPTED)
        .header(HeaderName::from_static("location"), location)
        .header(
            HeaderName::from_static("retry-after"),
            &ctx.app.settings.retry_after_secs.to_string(),
        )
}

/// Answers a poll of operation `id`.
pub fn answer(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ArmError> {
    let op = id.rsplit('_').next().unwrap_or(id);
    match ctx.app.operations.poll(op) {
        None => Err(ArmError::new(
            StatusCode::NOT_FOUND,
            "OperationNotFound",
            format!("The operation '{id}' could not be found."),
        )),
        Some(PollState::Pending { location }) => Ok(accepted(ctx, &location)),
        Some(PollState::Done(v)) => Ok(Reply::ok(v)),
        Some(PollState::Failed(error)) => Err(error),
    }
}

/// The api-version the caller used, echoed into Location links.
pub fn api_version(ctx: &Ctx<'_>) -> String {
    ctx.query("api-version").unwrap_or("2024-04-01").to_owned()
}
