//! Invoice document downloads: LRO pattern A (200 at once, or 202 + Location then poll).

use serde_json::{Value, json};

use super::common::{body_json, param};
use super::invoices::{readable, subscription_invoice};
use crate::access;
use crate::app::{Ctx, Params};
use crate::blob;
use crate::error::ArmError;
use crate::lro;
use crate::reply::Reply;
use crate::scenario::model::{Invoice, World};

const DOWNLOAD: &str = "Microsoft.Billing/billingAccounts/invoices/download/action";

/// `documentName` (2024-04-01) or `downloadToken` `{source}_{id}` (2020-05-01) picks the document.
fn pick_document(inv: &Invoice, requested: Option<&str>) -> Result<String, ArmError> {
    let requested = requested.map(|r| r.rsplit('_').next().unwrap_or(r));
    let doc = match requested {
        Some(name) => inv.documents.iter().find(|d| d.name == name),
        None => inv
            .documents
            .iter()
            .find(|d| d.kind == "Invoice")
            .or_else(|| inv.documents.first()),
    };
    doc.map(|d| d.name.clone()).ok_or_else(|| {
        ArmError::new(
            axum::http::StatusCode::NOT_FOUND,
            "DocumentNotFound",
            format!(
                "The document '{}' was not found for invoice '{}'.",
                requested.unwrap_or("(default)"),
                inv.name
            ),
        )
    })
}

fn requested_doc<'c>(ctx: &'c Ctx<'_>) -> Option<&'c str> {
    ctx.query("documentName")
        .or_else(|| ctx.query("downloadToken"))
        .filter(|s| !s.is_empty())
}

/// Answers 200 when the link is "cached" (downloaded before in this run), else starts an LRO.
fn respond(
    ctx: &Ctx<'_>,
    cache_key: String,
    link: &(String, String),
    location_base: &str,
) -> Reply {
    let result = json!({"url": link.0, "expiryTime": link.1});
    let first_time = ctx
        .app
        .prepared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(cache_key);
    if !first_time {
        return Reply::ok(result);
    }
    let version = lro::api_version(ctx);
    let (_, location) =
        ctx.app
            .operations
            .start(ctx.app.settings.download_pending_polls, result, |id| {
                ctx.url(&format!(
                    "{location_base}/operationResults/invoiceDownload_{id}?api-version={version}"
                ))
            });
    lro::accepted(ctx, &location)
}

pub fn download_by_account(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let world = ctx.app.world();
    let inv = readable(
        ctx,
        &world,
        param(params, "ba"),
        param(params, "inv"),
        DOWNLOAD,
    )?;
    let doc = pick_document(inv, requested_doc(ctx))?;
    let base = format!(
        "/providers/Microsoft.Billing/billingAccounts/{}/invoices/{}",
        inv.account, inv.name
    );
    let link = blob::document_link(ctx, &doc);
    drop(world);
    Ok(respond(ctx, doc, &link, &base))
}

/// A pay-as-you-go invoice from before December 2016 is the account administrator's alone: the
/// listing shows it to others the switch lets in, the download refuses them.
fn refuse_before_december_2016(
    ctx: &Ctx<'_>,
    world: &World,
    inv: &Invoice,
) -> Result<(), ArmError> {
    let who = ctx.who()?;
    if access::may_download_invoice(world, who, inv) {
        return Ok(());
    }
    let scope = format!(
        "/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{}/invoices/{}",
        inv.subscription.as_deref().unwrap_or_default(),
        inv.name
    );
    Err(access::forbidden(who, DOWNLOAD, &scope))
}

pub fn download_by_subscription(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let world = ctx.app.world();
    let sub = param(params, "sub");
    let inv = subscription_invoice(ctx, &world, sub, param(params, "inv"), DOWNLOAD)?;
    refuse_before_december_2016(ctx, &world, inv)?;
    let doc = pick_document(inv, requested_doc(ctx))?;
    let base = format!(
        "/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{}",
        inv.subscription.clone().unwrap_or_default()
    );
    let link = blob::document_link(ctx, &doc);
    drop(world);
    Ok(respond(ctx, doc, &link, &base))
}

/// Body: `[{"invoiceName": "...", "documentName": "..."}]` (2024-04-01), or, for 2020-05-01,
/// a list of download URLs carrying `downloadToken`.
fn requested_documents(ctx: &Ctx<'_>) -> Result<Vec<(String, Option<String>)>, ArmError> {
    let body = body_json(ctx)?;
    let Some(items) = body.as_array().filter(|a| !a.is_empty()) else {
        return Err(ArmError::bad_request(
            "InvalidRequestContent",
            "The request body must be a non-empty array of documents to download.",
        ));
    };
    items
        .iter()
        .map(|item| match item {
            Value::Object(o) => {
                let inv = o
                    .get("invoiceName")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        ArmError::bad_request(
                            "InvalidRequestContent",
                            "Each document needs an 'invoiceName'.",
                        )
                    })?;
                Ok((
                    inv.to_owned(),
                    o.get("documentName")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                ))
            }
            Value::String(u) => {
                let url = url::Url::parse(u).map_err(|_| {
                    ArmError::bad_request(
                        "InvalidRequestContent",
                        format!("'{u}' is not a download URL."),
                    )
                })?;
                let segs: Vec<String> = url
                    .path_segments()
                    .map(|s| {
                        s.map(|x| {
                            percent_encoding::percent_decode_str(x)
                                .decode_utf8_lossy()
                                .into_owned()
                        })
                        .collect()
                    })
                    .unwrap_or_default();
                let inv = segs
                    .iter()
                    .position(|s| s == "invoices")
                    .and_then(|i| segs.get(i + 1))
                    .cloned()
                    .unwrap_or_default();
                let token = url
                    .query_pairs()
                    .find(|(k, _)| k == "downloadToken")
                    .map(|(_, v)| v.into_owned());
                Ok((inv, token))
            }
            _ => Err(ArmError::bad_request(
                "InvalidRequestContent",
                "Each document must be an object.",
            )),
        })
        .collect()
}

pub fn download_documents_by_account(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let requested = requested_documents(ctx)?;
    let world = ctx.app.world();
    let ba = param(params, "ba");
    let mut docs = Vec::new();
    for (inv, doc) in &requested {
        let inv = readable(ctx, &world, ba, inv, DOWNLOAD)?;
        docs.push(pick_document(inv, doc.as_deref())?);
    }
    let base = format!(
        "/providers/Microsoft.Billing/billingAccounts/{}",
        super::common::account(&world, ba)?.name
    );
    drop(world);
    let link = blob::bundle_link(ctx, &docs);
    Ok(respond(
        ctx,
        format!("bundle:{}", docs.join(",")),
        &link,
        &base,
    ))
}

pub fn download_documents_by_subscription(
    ctx: &Ctx<'_>,
    params: &Params,
) -> Result<Reply, ArmError> {
    let requested = requested_documents(ctx)?;
    let world = ctx.app.world();
    let sub = param(params, "sub");
    let mut docs = Vec::new();
    for (inv, doc) in &requested {
        let inv = subscription_invoice(ctx, &world, sub, inv, DOWNLOAD)?;
        refuse_before_december_2016(ctx, &world, inv)?;
        docs.push(pick_document(inv, doc.as_deref())?);
    }
    drop(world);
    let base =
        format!("/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{sub}");
    let link = blob::bundle_link(ctx, &docs);
    Ok(respond(
        ctx,
        format!("bundle:{}", docs.join(",")),
        &link,
        &base,
    ))
}

pub fn poll(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    lro::answer(ctx, param(params, "op"))
}
