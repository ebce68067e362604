//! Legacy subscription-scope billing periods and invoices (2018-03-01-preview), MOSP only.

use serde_json::{Value, json};
use time::{Date, Duration};

use super::common::param;
use crate::access::{self, Need};
use crate::app::{Ctx, Params};
use crate::blob;
use crate::error::ArmError;
use crate::paging::page;
use crate::reply::Reply;
use crate::scenario::builder::{add_months, period_anchor};
use crate::scenario::model::{Invoice, Scope, Subscription, World};

struct Period {
    name: String,
    start: Date,
    end: Date,
}

fn periods(s: &Subscription, today: Date) -> Vec<Period> {
    let mut start = period_anchor(s.created.date());
    let mut out = Vec::new();
    while start <= today {
        let next = add_months(start, 1);
        let end = next - Duration::days(1);
        out.push(Period {
            name: format!("{}{:02}-1", end.year(), u8::from(end.month())),
            start,
            end,
        });
        start = next;
    }
    out.reverse();
    out
}

fn subscription<'w>(
    world: &'w World,
    ctx: &Ctx<'_>,
    params: &Params,
    need: Need,
    action: &str,
) -> Result<&'w Subscription, ArmError> {
    let who = ctx.who()?;
    let sub = param(params, "sub");
    let s = world.subscription(sub).ok_or_else(|| {
        ArmError::new(
            axum::http::StatusCode::NOT_FOUND,
            "SubscriptionNotFound",
            format!("The subscription '{sub}' could not be found."),
        )
    })?;
    access::require(world, who, &Scope::Subscription(s.id.clone()), need, action)?;
    Ok(s)
}

fn invoice_id(s: &Subscription, inv: &Invoice) -> String {
    format!(
        "/subscriptions/{}/providers/Microsoft.Billing/invoices/{}",
        s.id,
        inv.legacy_name()
    )
}

fn render_period(world: &World, s: &Subscription, p: &Period) -> Value {
    let ids: Vec<String> = world
        .invoices
        .iter()
        .filter(|i| i.subscription.as_deref() == Some(s.id.as_str()) && i.period_start == p.start)
        .map(|i| invoice_id(s, i))
        .collect();
    json!({
        "id": format!("/subscriptions/{}/providers/Microsoft.Billing/billingPeriods/{}", s.id, p.name),
        "name": p.name,
        "type": "Microsoft.Billing/billingPeriods",
        "properties": {
            "billingPeriodStartDate": p.start.to_string(),
            "billingPeriodEndDate": p.end.to_string(),
            "invoiceIds": ids,
        },
    })
}

fn render_invoice(ctx: &Ctx<'_>, s: &Subscription, inv: &Invoice, with_url: bool) -> Value {
    let period = format!(
        "{}{:02}-1",
        inv.period_end.year(),
        u8::from(inv.period_end.month())
    );
    let mut props = json!({
        "invoicePeriodStartDate": inv.period_start.to_string(),
        "invoicePeriodEndDate": inv.period_end.to_string(),
        "billingPeriodIds": [format!("/subscriptions/{}/providers/Microsoft.Billing/billingPeriods/{period}", s.id)],
    });
    if with_url && let Some(doc) = inv.documents.first() {
        let (url, expiry) = blob::document_link(ctx, &doc.name);
        props["downloadUrl"] = json!({"url": url, "expiryTime": expiry});
    }
    json!({"id": invoice_id(s, inv), "name": inv.legacy_name(), "type": "Microsoft.Billing/invoices", "properties": props})
}

fn sub_invoices<'w>(world: &'w World, s: &Subscription) -> Vec<&'w Invoice> {
    let mut v: Vec<&Invoice> = world
        .invoices
        .iter()
        .filter(|i| i.subscription.as_deref() == Some(s.id.as_str()) && i.profile.is_none())
        .collect();
    v.sort_by_key(|i| std::cmp::Reverse(i.invoice_date));
    v
}

pub fn periods_route(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let world = ctx.app.world();
    let s = subscription(
        &world,
        ctx,
        params,
        Need::Read,
        "Microsoft.Billing/billingPeriods/read",
    )?;
    let items = periods(s, ctx.app.calendar.today())
        .iter()
        .map(|p| render_period(&world, s, p))
        .collect();
    Ok(Reply::ok(page(ctx, items)))
}

pub fn period(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let world = ctx.app.world();
    let s = subscription(
        &world,
        ctx,
        params,
        Need::Read,
        "Microsoft.Billing/billingPeriods/read",
    )?;
    let name = param(params, "name");
    let all = periods(s, ctx.app.calendar.today());
    let p = all.iter().find(|p| p.name == name).ok_or_else(|| {
        ArmError::not_found(&format!(
            "/subscriptions/{}/providers/Microsoft.Billing/billingPeriods/{name}",
            s.id
        ))
    })?;
    Ok(Reply::ok(render_period(&world, s, p)))
}

pub fn invoices(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let world = ctx.app.world();
    let s = subscription(
        &world,
        ctx,
        params,
        Need::InvoiceRead,
        "Microsoft.Billing/invoices/read",
    )?;
    let expand = ctx
        .query("$expand")
        .is_some_and(|e| e.eq_ignore_ascii_case("downloadUrl"));
    let items = sub_invoices(&world, s)
        .into_iter()
        .map(|i| render_invoice(ctx, s, i, expand))
        .collect();
    Ok(Reply::ok(page(ctx, items)))
}

pub fn latest(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let world = ctx.app.world();
    let s = subscription(
        &world,
        ctx,
        params,
        Need::InvoiceRead,
        "Microsoft.Billing/invoices/read",
    )?;
    let inv = sub_invoices(&world, s).into_iter().next().ok_or_else(|| {
        ArmError::not_found(&format!(
            "/subscriptions/{}/providers/Microsoft.Billing/invoices/latest",
            s.id
        ))
    })?;
    Ok(Reply::ok(render_invoice(ctx, s, inv, true)))
}

pub fn invoice(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let world = ctx.app.world();
    let s = subscription(
        &world,
        ctx,
        params,
        Need::InvoiceRead,
        "Microsoft.Billing/invoices/read",
    )?;
    let name = param(params, "name");
    let inv = sub_invoices(&world, s)
        .into_iter()
        .find(|i| i.legacy_name() == name || i.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            ArmError::not_found(&format!(
                "/subscriptions/{}/providers/Microsoft.Billing/invoices/{name}",
                s.id
            ))
        })?;
    Ok(Reply::ok(render_invoice(ctx, s, inv, true)))
}
