//! `nextLink` paging: every list answers `page_size` items and an absolute link to the rest.

use serde_json::{Value, json};

use crate::app::Ctx;

pub const SKIP_TOKEN: &str = "$skiptoken";

/// Slices `items` by the request's skip token and builds the ARM list envelope.
pub fn page(ctx: &Ctx<'_>, items: Vec<Value>) -> Value {
    let start = ctx
        .query(SKIP_TOKEN)
        .and_then(|t| t.parse::<usize>().ok())
        .unwrap_or(0);
    let top = ctx
        .query("top")
        .or_else(|| ctx.query("$top"))
        .and_then(|t| t.parse::<usize>().ok());
    let size = top
        .map_or(ctx.app.settings.page_size, |t| {
            t.clamp(1, ctx.app.settings.page_size)
        })
        .max(1);
    let total = items.len();
    let end = start.saturating_add(size).min(total);
    let value: Vec<Value> = items
        .into_iter()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect();
    if end < total {
        json!({"value": value, "nextLink": next_link(ctx, end)})
    } else {
        json!({"value": value})
    }
}

fn next_link(ctx: &Ctx<'_>, offset: usize) -> String {
    let mut url = ctx.app.base_url.clone();
    url.set_path(ctx.raw_path);
    {
        let mut q = url.query_pairs_mut();
        q.clear();
        for (k, v) in &ctx.query_pairs {
            if k != SKIP_TOKEN {
                q.append_pair(k, v);
            }
        }
        q.append_pair(SKIP_TOKEN, &offset.to_string());
    }
    url.to_string()
}
