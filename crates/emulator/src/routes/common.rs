//! Small pieces every route renders with: amounts, dates, lookups that 404 the ARM way.

use serde_json::{Value, json};
use time::Date;

use crate::app::{Ctx, Params};
use crate::error::ArmError;
use crate::scenario::model::{Account, Profile, Subscription, World};

pub fn amount(currency: &str, cents: i64) -> Value {
    // Cents fit f64 exactly far beyond any invoice total.
    #[allow(clippy::cast_precision_loss)]
    let value = cents as f64 / 100.0;
    json!({"currency": currency, "value": value})
}

/// Invoice timestamps are date-times in the 2024-04-01 API.
pub fn date_time(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

pub fn param<'p>(params: &'p Params, name: &str) -> &'p str {
    params.get(name).map_or("", String::as_str)
}

pub fn account<'w>(world: &'w World, name: &str) -> Result<&'w Account, ArmError> {
    world.account(name).ok_or_else(|| {
        ArmError::not_found(&format!(
            "/providers/Microsoft.Billing/billingAccounts/{name}"
        ))
    })
}

pub fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub fn profile<'w>(world: &'w World, ba: &str, bp: &str) -> Result<&'w Profile, ArmError> {
    world.profile(ba, bp).ok_or_else(|| {
        ArmError::not_found(&format!(
            "/providers/Microsoft.Billing/billingAccounts/{ba}/billingProfiles/{bp}"
        ))
    })
}

/// Parses an optional `periodStartDate`/`periodEndDate` (YYYY-MM-DD or MM-DD-YYYY).
pub fn date_query(ctx: &Ctx<'_>, key: &str) -> Result<Option<Date>, ArmError> {
    let Some(raw) = ctx.query(key) else {
        return Ok(None);
    };
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    let us = time::macros::format_description!("[month]-[day]-[year]");
    let head = raw.get(..10).unwrap_or(raw);
    Date::parse(head, iso)
        .or_else(|_| Date::parse(head, us))
        .map(Some)
        .map_err(|_| {
            ArmError::bad_request(
                "InvalidInput",
                format!("The value '{raw}' is not valid for {key}. Use the format YYYY-MM-DD."),
            )
        })
}

pub fn body_json(ctx: &Ctx<'_>) -> Result<Value, ArmError> {
    if ctx.body.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&ctx.body).map_err(|e| {
        ArmError::bad_request(
            "InvalidRequestContent",
            format!("The request content was invalid and could not be deserialized: '{e}'."),
        )
    })
}

/// A subscription as the billing-subscription APIs (`billingAccounts/{ba}/billingSubscriptions/
/// {sub}…`) see it: offers served only by the legacy invoice API are not found there.
pub fn billing_subscription<'w>(
    world: &'w World,
    ba: &str,
    sub: &str,
) -> Result<&'w Subscription, ArmError> {
    world
        .subscription(sub)
        .filter(|s| ba.eq_ignore_ascii_case("default") || s.account.eq_ignore_ascii_case(ba))
        .filter(|s| !s.legacy_invoices_only)
        .ok_or_else(|| {
            ArmError::not_found(&format!(
                "/providers/Microsoft.Billing/billingAccounts/{ba}/billingSubscriptions/{sub}"
            ))
        })
}
