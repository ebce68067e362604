//! Microsoft.Resources: subscriptions and tenants visible to the token's user.

use serde_json::{Value, json};

use super::common::param;
use crate::access;
use crate::app::{Ctx, Params};
use crate::error::ArmError;
use crate::paging::page;
use crate::reply::Reply;
use crate::scenario::model::{Scope, Subscription};

fn render(s: &Subscription) -> Value {
    json!({
        "id": format!("/subscriptions/{}", s.id),
        "subscriptionId": s.id,
        "tenantId": s.tenant_id,
        "displayName": s.display_name,
        "state": "Enabled",
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": s.quota_id,
            "spendingLimit": s.spending_limit,
        },
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "tags": {},
    })
}

pub fn subscriptions(ctx: &Ctx<'_>, _: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let items = world
        .subscriptions
        .iter()
        .filter(|s| {
            s.tenant_id == who.tid
                && !access::roles_on(&world, who, &Scope::Subscription(s.id.clone())).is_empty()
        })
        .map(render)
        .collect();
    Ok(Reply::ok(page(ctx, items)))
}

pub fn subscription(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let sub = param(params, "sub");
    match world.subscription(sub) {
        Some(s)
            if !access::roles_on(&world, who, &Scope::Subscription(s.id.clone())).is_empty() =>
        {
            Ok(Reply::ok(render(s)))
        }
        Some(s) => Err(access::forbidden(
            who,
            "Microsoft.Resources/subscriptions/read",
            &format!("/subscriptions/{}", s.id),
        )),
        None => Err(ArmError::new(
            axum::http::StatusCode::NOT_FOUND,
            "SubscriptionNotFound",
            format!("The subscription '{sub}' could not be found."),
        )),
    }
}

pub fn tenants(ctx: &Ctx<'_>, _: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let user = world.user_by_oid(&who.oid);
    let items = user
        .map(|u| u.tenants.clone())
        .unwrap_or_default()
        .iter()
        .filter_map(|t| world.tenant(t))
        .map(|t| {
            json!({
                "id": format!("/tenants/{}", t.id),
                "tenantId": t.id,
                "countryCode": "NL",
                "displayName": t.display_name,
                "domains": [t.default_domain],
                "defaultDomain": t.default_domain,
                "tenantCategory": "Home",
                "tenantType": "AAD",
            })
        })
        .collect();
    Ok(Reply::ok(page(ctx, items)))
}
