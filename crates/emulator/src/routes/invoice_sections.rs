//! MCA invoice sections (2024-04-01): the sections of a billing profile the caller can see.

use serde_json::{Value, json};

use super::common::{account, param, profile};
use crate::access::{self, Need};
use crate::app::{Ctx, Params};
use crate::error::ArmError;
use crate::paging::page;
use crate::reply::Reply;
use crate::scenario::model::{InvoiceSection, Scope};

pub fn scope(s: &InvoiceSection) -> Scope {
    Scope::InvoiceSection(s.account.clone(), s.profile.clone(), s.name.clone())
}

pub fn render(s: &InvoiceSection) -> Value {
    let mut v = json!({
        "id": scope(s).arm_id(),
        "name": s.name,
        "type": "Microsoft.Billing/billingAccounts/billingProfiles/invoiceSections",
        "properties": {
            "displayName": s.display_name,
            "state": s.state,
            "systemId": s.system_id,
            "targetCloud": "",
        },
        "tags": {"costCategory": "Operations"},
    });
    if s.state == "Warned" {
        v["properties"]["reasonCode"] = json!("PastDue");
    }
    v
}

/// "Lists the invoice sections that a user has access to": every section for a reader of the
/// profile, otherwise the sections the caller holds a role on. `includeDeleted` as in the spec.
pub fn list(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let (ba, bp) = (param(params, "ba"), param(params, "bp"));
    account(&world, ba)?;
    let p = profile(&world, ba, bp)?;
    let profile_scope = Scope::Profile(p.account.clone(), p.name.clone());
    if !access::touches(&world, who, &profile_scope) {
        return Err(access::forbidden(
            who,
            "Microsoft.Billing/billingAccounts/billingProfiles/invoiceSections/read",
            &profile_scope.arm_id(),
        ));
    }
    let include_deleted = ctx
        .query("includeDeleted")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let items = world
        .invoice_sections
        .iter()
        .filter(|s| s.account == p.account && s.profile == p.name)
        .filter(|s| include_deleted || s.state != "Deleted")
        .filter(|s| access::allowed(&world, who, &scope(s), Need::Read))
        .map(render)
        .collect();
    Ok(Reply::ok(page(ctx, items)))
}

pub fn get(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let (ba, bp, is) = (
        param(params, "ba"),
        param(params, "bp"),
        param(params, "is"),
    );
    account(&world, ba)?;
    profile(&world, ba, bp)?;
    let s = world.invoice_section(ba, bp, is).ok_or_else(|| {
        ArmError::not_found(&format!(
            "/providers/Microsoft.Billing/billingAccounts/{ba}/billingProfiles/{bp}/invoiceSections/{is}"
        ))
    })?;
    access::require(
        &world,
        who,
        &scope(s),
        Need::Read,
        "Microsoft.Billing/billingAccounts/billingProfiles/invoiceSections/read",
    )?;
    Ok(Reply::ok(render(s)))
}
