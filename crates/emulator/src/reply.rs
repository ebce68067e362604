//! What a handler returns before faults get their say: JSON stays a value so faults can rewrite it.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

#[derive(Debug)]
pub enum Payload {
    Json(Value),
    Empty,
    Body(Body),
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub payload: Payload,
}

impl Reply {
    pub fn json(status: StatusCode, value: Value) -> Self {
        Reply {
            status,
            headers: HeaderMap::new(),
            payload: Payload::Json(value),
        }
    }

    pub fn ok(value: Value) -> Self {
        Self::json(StatusCode::OK, value)
    }

    pub fn empty(status: StatusCode) -> Self {
        Reply {
            status,
            headers: HeaderMap::new(),
            payload: Payload::Empty,
        }
    }

    pub fn body(status: StatusCode, body: Body) -> Self {
        Reply {
            status,
            headers: HeaderMap::new(),
            payload: Payload::Body(body),
        }
    }

    pub fn header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.insert(name, v);
        }
        self
    }

    /// Turns the reply into a response; JSON is serialized here, once.
    pub fn into_response(self) -> Response {
        let (body, content_type) = match self.payload {
            Payload::Json(v) => (
                Body::from(serde_json::to_vec(&v).unwrap_or_default()),
                Some("application/json; charset=utf-8"),
            ),
            Payload::Empty => (Body::empty(), None),
            Payload::Body(b) => (b, None),
        };
        let mut resp = Response::new(body);
        *resp.status_mut() = self.status;
        if let Some(ct) = content_type {
            resp.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        for (n, v) in &self.headers {
            resp.headers_mut().insert(n.clone(), v.clone());
        }
        resp
    }
}
