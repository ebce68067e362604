//! `/_emulator/*`: users, tokens, faults and scenario info, for loopback callers only.

use axum::http::{Method, StatusCode};
use serde::Serialize;
use serde_json::{Value, json};

use crate::app::{App, Ctx};
use crate::error::ArmError;
use crate::faults::FaultRule;
use crate::reply::Reply;

/// A scenario user, as `GET /_emulator/users` lists them.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UserInfo {
    pub upn: String,
    pub description: String,
    pub display_name: String,
    pub tenant_id: String,
    pub object_id: String,
    /// Every tenant the user may get a token for (home first).
    pub tenants: Vec<String>,
}

pub fn users(app: &App) -> Vec<UserInfo> {
    app.world()
        .users
        .iter()
        .map(|u| UserInfo {
            upn: u.upn.clone(),
            description: u.description.clone(),
            display_name: u.display_name.clone(),
            tenant_id: u.home_tenant.clone(),
            object_id: u.object_id.clone(),
            tenants: u.tenants.clone(),
        })
        .collect()
}

/// Mints a token for `upn` in `tenant` (home tenant when None); None for unknown users/tenants.
pub fn token(app: &App, upn: &str, tenant: Option<&str>, lifetime_secs: i64) -> Option<String> {
    let world = app.world();
    let user = world.user_by_upn(upn)?;
    let tenant = match tenant {
        Some(t) => user
            .tenants
            .iter()
            .find(|x| x.eq_ignore_ascii_case(t))?
            .clone(),
        None => user.home_tenant.clone(),
    };
    Some(app.tokens.mint(user, &tenant, lifetime_secs, App::now()))
}

fn parse_rules(body: &[u8]) -> Result<Vec<FaultRule>, ArmError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ArmError::bad_request("InvalidFaultRules", format!("The body is not JSON: {e}"))
    })?;
    let value = if value.is_array() {
        value
    } else {
        Value::Array(vec![value])
    };
    serde_json::from_value(value).map_err(|e| {
        ArmError::bad_request(
            "InvalidFaultRules",
            format!("The fault rules are invalid: {e}"),
        )
    })
}

pub fn handle(ctx: &Ctx<'_>) -> Reply {
    if !ctx.peer.ip().is_loopback() {
        return ArmError::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "The control plane only answers loopback clients.",
        )
        .into_reply();
    }
    let app = ctx.app;
    let what = ctx.segments.get(1).map(String::as_str).unwrap_or_default();
    match (&ctx.method, what) {
        (&Method::GET, "users") => Reply::ok(serde_json::to_value(users(app)).unwrap_or_default()),
        (&Method::GET, "token") => {
            let Some(user) = ctx.query("user") else {
                return ArmError::bad_request(
                    "MissingUser",
                    "Pass ?user=<upn>; GET /_emulator/users lists them.",
                )
                .into_reply();
            };
            let lifetime = ctx
                .query("expires_in")
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(3600);
            match token(app, user, ctx.query("tenant"), lifetime) {
                Some(t) => Reply::ok(
                    json!({"access_token": t, "token_type": "Bearer", "expires_in": lifetime}),
                ),
                None => ArmError::new(
                    StatusCode::NOT_FOUND,
                    "UnknownUser",
                    format!(
                        "No user '{user}' (or that tenant) in scenario '{}'.",
                        app.scenario
                    ),
                )
                .into_reply(),
            }
        }
        (&Method::GET, "faults") => {
            Reply::ok(serde_json::to_value(app.faults.list()).unwrap_or_default())
        }
        (&Method::POST, "faults") => match parse_rules(&ctx.body) {
            Ok(rules) => {
                app.faults.set(rules);
                Reply::ok(serde_json::to_value(app.faults.list()).unwrap_or_default())
            }
            Err(e) => e.into_reply(),
        },
        (&Method::DELETE, "faults") => {
            app.faults.clear();
            Reply::empty(StatusCode::NO_CONTENT)
        }
        (&Method::GET, "scenario") => {
            let world = app.world();
            Reply::ok(json!({
                "name": app.scenario,
                "scenarios": crate::scenario::NAMES,
                "pageSize": app.settings.page_size,
                "users": world.users.len(),
                "billingAccounts": world.accounts.len(),
                "billingProfiles": world.profiles.len(),
                "subscriptions": world.subscriptions.len(),
                "invoices": world.invoices.len(),
            }))
        }
        _ => ArmError::no_route(ctx.method.as_str(), &ctx.path).into_reply(),
    }
}
