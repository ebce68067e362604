//! Errors: the library's own, and the ARM error envelope the server answers with.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use serde_json::json;

use crate::reply::Reply;

#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("unknown scenario '{0}'")]
    UnknownScenario(String),
    #[error("no user '{0}' in the scenario (auto_approve)")]
    UnknownUser(String),
    #[error("the emulator only listens on loopback addresses, not {0}")]
    NotLoopback(std::net::SocketAddr),
    #[error("could not bind {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("could not create the TLS certificate: {0}")]
    Certificate(String),
    #[error("{0}")]
    BadToday(String),
    #[error("could not make the update feed's signing key: {0}")]
    SigningKey(String),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

/// An ARM-style failure: status, `error.code`, `error.message`, extra headers.
#[derive(Debug, Clone)]
pub struct ArmError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ArmError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ArmError {
            status,
            code: code.to_owned(),
            message: message.into(),
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            format!("The resource '{what}' could not be found."),
        )
    }

    pub fn no_route(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NoRegisteredProviderFound",
            format!(
                "No HTTP resource was found that matches the request URI '{path}' for method '{method}'."
            ),
        )
    }

    pub fn into_reply(self) -> Reply {
        let mut reply = Reply::json(
            self.status,
            json!({"error": {"code": self.code, "message": self.message}}),
        );
        for (n, v) in self.headers {
            reply.headers.insert(n, v);
        }
        reply
    }
}
