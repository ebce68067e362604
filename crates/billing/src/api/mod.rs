//! Typed operations on [`ArmClient`], one module per REST area.

mod accounts;
mod billing_property;
mod cost_details;
mod documents;
mod enrollment;
mod invoices;
pub(crate) mod operations;
mod periods;
mod permissions;
mod policies;
mod profiles;
mod subscriptions;
mod tenants;

use bytes::Bytes;
use futures::stream;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use cost_details::CostDetailsReport;
pub use invoices::InvoiceQuery;
pub use permissions::PermissionScope;

use crate::arm::{ArmClient, ItemStream, LroOptions, Request, Response};
use crate::error::BillingError;
use operations::Operation;

/// Paging options of a list call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// Page size hint sent as `top` (`$top` on legacy APIs); the stream still follows
    /// `nextLink` to the end.
    pub top: Option<u32>,
    /// Server-side `filter` (`$filter` on legacy APIs), passed through verbatim.
    pub filter: Option<String>,
}

impl ListOptions {
    /// `top`/`filter` in 2024-04-01 naming, or with `$` for the legacy APIs.
    fn query(&self, legacy: bool) -> Vec<(&'static str, Option<String>)> {
        let (top, filter) = if legacy {
            ("$top", "$filter")
        } else {
            ("top", "filter")
        };
        vec![
            (top, self.top.map(|t| t.to_string())),
            (filter, self.filter.clone()),
        ]
    }
}

impl ArmClient {
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        op: &Operation,
        params: &[&str],
        query: &[(&str, Option<String>)],
        what: &str,
    ) -> Result<T, BillingError> {
        let url = op.url(self.endpoint(), params, query)?;
        self.send(&request(op, url, None)).await?.json(what)
    }

    pub(crate) fn list<T: DeserializeOwned + Send + 'static>(
        &self,
        op: &Operation,
        params: &[&str],
        query: &[(&str, Option<String>)],
    ) -> ItemStream<T> {
        match op.url(self.endpoint(), params, query) {
            Ok(url) => self.items(url),
            Err(error) => Box::pin(stream::once(async { Err(error) })),
        }
    }

    pub(crate) async fn call_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        op: &Operation,
        params: &[&str],
        query: &[(&str, Option<String>)],
        body: &B,
        what: &str,
    ) -> Result<T, BillingError> {
        let url = op.url(self.endpoint(), params, query)?;
        self.send(&request(op, url, Some(encode(body)?)))
            .await?
            .json(what)
    }

    /// Starts a long-running operation and waits for its final response.
    pub(crate) async fn long_running(
        &self,
        op: &Operation,
        params: &[&str],
        query: &[(&str, Option<String>)],
        body: Option<Bytes>,
        options: &LroOptions,
    ) -> Result<Response, BillingError> {
        let url = op.url(self.endpoint(), params, query)?;
        self.run_lro(&request(op, url, body), options).await
    }
}

fn request(op: &Operation, url: url::Url, body: Option<Bytes>) -> Request {
    Request {
        method: op.method.clone(),
        url,
        body,
        safety: op.safety,
    }
}

pub(crate) fn encode<B: Serialize + ?Sized>(body: &B) -> Result<Bytes, BillingError> {
    serde_json::to_vec(body)
        .map(Bytes::from)
        .map_err(|e| BillingError::BadRequest {
            status: 0,
            code: "InvalidBody".into(),
            message: e.to_string(),
            request_id: None,
        })
}
