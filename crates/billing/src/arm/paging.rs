//! `nextLink` paging as a stream of items.

use std::collections::HashSet;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use url::Url;

use super::client::{ArmClient, Request};
use crate::error::BillingError;
use crate::model::Page;

/// Items of a pageable list, fetched page by page as the stream is polled.
pub type ItemStream<T> = BoxStream<'static, Result<T, BillingError>>;

struct Cursor {
    client: ArmClient,
    next: Option<Url>,
    seen: HashSet<String>,
    pages: usize,
    /// A bad `nextLink` is reported after the items of the page that carried it.
    pending: Option<BillingError>,
}

impl ArmClient {
    /// Pages of the list at `first`, following `nextLink` verbatim until it is absent, empty or
    /// null. A link seen before, or more than the client's page limit, ends with an error
    /// rather than looping.
    pub(crate) fn pages<T>(&self, first: Url) -> BoxStream<'static, Result<Page<T>, BillingError>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let cursor = Cursor {
            client: self.clone(),
            seen: HashSet::from([first.as_str().to_owned()]),
            next: Some(first),
            pages: 0,
            pending: None,
        };
        stream::try_unfold(cursor, |mut cursor| async move {
            if let Some(error) = cursor.pending.take() {
                return Err(error);
            }
            let Some(url) = cursor.next.take() else {
                return Ok(None);
            };
            cursor.pages += 1;
            if cursor.pages > cursor.client.max_pages() {
                return Err(paging_error(format!(
                    "more than {} pages",
                    cursor.client.max_pages()
                )));
            }
            let response = cursor.client.send(&Request::get(url)).await?;
            let page: Page<T> = response.json("list page")?;
            match page.next_link.as_deref().map(str::trim) {
                None | Some("") => {}
                Some(link) if !cursor.seen.insert(link.to_owned()) => {
                    cursor.pending = Some(paging_error(format!("nextLink repeats: {link}")));
                }
                Some(link) => {
                    let base = cursor.client.endpoint().base_url();
                    match Url::parse(link).or_else(|_| base.join(link)) {
                        Ok(url) => cursor.next = Some(url),
                        Err(_) => {
                            cursor.pending =
                                Some(paging_error(format!("nextLink is not a URL: {link}")));
                        }
                    }
                }
            }
            Ok(Some((page, cursor)))
        })
        .boxed()
    }

    /// The items of every page, in order.
    pub(crate) fn items<T>(&self, first: Url) -> ItemStream<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.pages::<T>(first)
            .map_ok(|page| stream::iter(page.value.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }
}

fn paging_error(what: String) -> BillingError {
    BillingError::MalformedResponse {
        what: "paging".into(),
        snippet: what,
        request_id: None,
    }
}
