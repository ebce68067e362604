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
    if let Some(secret) = &ctx.app.settings.control_secret {
        let given = ctx
            .headers
            .get(crate::CONTROL_SECRET_HEADER)
            .map(axum::http::HeaderValue::as_bytes)
            .unwrap_or_default();
        if !bool::from(subtle::ConstantTimeEq::ct_eq(given, secret.as_bytes())) {
            return ArmError::new(
                StatusCode::UNAUTHORIZED,
                "ControlSecretRequired",
                "This emulator's control plane answers only the program that started it.",
            )
            .into_reply();
        }
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
        (&Method::GET, "requests") => {
            Reply::ok(serde_json::to_value(app.requests.list()).unwrap_or_default())
        }
        (&Method::DELETE, "requests") => {
            app.requests.clear();
            Reply::empty(StatusCode::NO_CONTENT)
        }
        (&Method::DELETE, "operations") => match ctx.segments.get(2) {
            None => Reply::ok(json!({"forgotten": app.forget_operations()})),
            Some(id) if app.operations.forget(id) => Reply::empty(StatusCode::NO_CONTENT),
            Some(id) => ArmError::new(
                StatusCode::NOT_FOUND,
                "OperationNotFound",
                format!("No operation '{id}' is known."),
            )
            .into_reply(),
        },
        (&Method::POST, "outage") => outage(app, &ctx.body),
        (&Method::GET, "authority") => Reply::ok(app.authority.describe()),
        (&Method::GET, "issued") => Reply::ok(app.authority.issued_secrets()),
        (&Method::POST, "authority") => authority_settings(app, &ctx.body),
        (&Method::GET, "devicecode") => Reply::ok(app.authority.pending_device_codes()),
        (&Method::POST, "devicecode") => {
            let action = ctx.segments.get(2).map(String::as_str).unwrap_or_default();
            device_decision(app, action, &ctx.body)
        }
        (&Method::POST, "claims-challenge") => {
            let body = match json_body(&ctx.body) {
                Ok(v) => v,
                Err(e) => return e.into_reply(),
            };
            match body["upn"].as_str() {
                Some(upn) if app.world().user_by_upn(upn).is_some() => {
                    app.authority.arm_claims_challenge(upn);
                    Reply::ok(json!({"armed": upn}))
                }
                _ => unknown_user(app, body["upn"].as_str().unwrap_or_default()),
            }
        }
        (&Method::GET, "update-key") => match app.releases.public_key() {
            Ok(key) => Reply::ok(json!({"pubkey": key})),
            Err(e) => ArmError::bad_request("KeyUnavailable", e).into_reply(),
        },
        (&Method::POST, "release") => {
            match serde_json::from_slice::<crate::releases::Publish>(&ctx.body) {
                Ok(publish) => match app.releases.publish(publish) {
                    Ok(described) => Reply::ok(described),
                    Err(e) => e.into_reply(),
                },
                Err(e) => ArmError::bad_request(
                    "InvalidRelease",
                    format!("Pass {{\"version\": \"1.2.3\", \"notes\": \"…\"}}: {e}"),
                )
                .into_reply(),
            }
        }
        (&Method::GET, "release") => Reply::ok(app.releases.describe()),
        (&Method::DELETE, "release") => {
            app.releases.withdraw();
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

/// `{"secs": N}`: the port and every connection close for N seconds (at most an hour).
fn outage(app: &App, body: &[u8]) -> Reply {
    let body = match json_body(body) {
        Ok(v) => v,
        Err(e) => return e.into_reply(),
    };
    let Some(secs) = body["secs"].as_f64().filter(|s| (0.0..=3600.0).contains(s)) else {
        return ArmError::bad_request("InvalidOutage", "Pass {\"secs\": N} with N from 0 to 3600.")
            .into_reply();
    };
    let duration = std::time::Duration::from_secs_f64(secs);
    if app.outage.send(duration).is_err() {
        return ArmError::new(
            StatusCode::CONFLICT,
            "NotServing",
            "The emulator is shutting down.",
        )
        .into_reply();
    }
    Reply::ok(json!({"outage_secs": secs}))
}

fn json_body(body: &[u8]) -> Result<Value, ArmError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        ArmError::bad_request(
            "InvalidRequestContent",
            format!("The body is not JSON: {e}"),
        )
    })?;
    if v.is_object() {
        Ok(v)
    } else {
        Err(ArmError::bad_request(
            "InvalidRequestContent",
            "The body must be a JSON object.",
        ))
    }
}

fn unknown_user(app: &App, upn: &str) -> Reply {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "UnknownUser",
        format!("No user '{upn}' in scenario '{}'.", app.scenario),
    )
    .into_reply()
}

/// `POST /_emulator/authority`: every field optional; only the given ones change.
fn authority_settings(app: &App, body: &[u8]) -> Reply {
    let body = match json_body(body) {
        Ok(v) => v,
        Err(e) => return e.into_reply(),
    };
    let authority = &app.authority;
    if let Some(v) = body.get("auto_approve") {
        match v {
            Value::Null => authority.set_auto_approve(None),
            Value::String(upn) if app.world().user_by_upn(upn).is_some() => {
                authority.set_auto_approve(Some(upn));
            }
            _ => return unknown_user(app, v.as_str().unwrap_or_default()),
        }
    }
    if let Some(v) = body.get("fail_next") {
        if v.is_null() {
            authority.set_fail_next(None);
        } else {
            let Some(error) = v["error"].as_str() else {
                return ArmError::bad_request(
                    "InvalidAuthoritySettings",
                    "fail_next needs an \"error\" (invalid_grant, interaction_required, ...).",
                )
                .into_reply();
            };
            let codes = v["error_codes"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.as_u64().and_then(|c| u32::try_from(c).ok()))
                        .collect()
                })
                .unwrap_or_default();
            authority.set_fail_next(Some(crate::authority::FailNext {
                grant: v["grant"].as_str().map(str::to_owned),
                error: error.to_owned(),
                error_codes: codes,
                error_description: v["error_description"].as_str().map(str::to_owned),
            }));
        }
    }
    let mut revoked = None;
    if let Some(upn) = body["revoke_refresh_tokens_of"].as_str() {
        revoked = Some(authority.revoke_refresh_tokens(upn));
    }
    let mut expired = None;
    if let Some(upn) = body["expire_refresh_tokens_of"].as_str() {
        expired = Some(authority.expire_refresh_tokens(upn));
    }
    if let Some(list) = body["mfa_tenants"].as_array() {
        let tenants: Vec<String> = list
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect();
        authority.set_mfa_tenants(&tenants);
    }
    authority.set_device_code_timing(
        body["device_code_interval_secs"].as_u64(),
        body["device_code_lifetime_secs"].as_u64(),
    );
    if let Some(secs) = body["access_token_lifetime_secs"].as_i64() {
        authority.set_access_token_lifetime(secs);
    }
    let mut state = authority.describe();
    state["revoked_refresh_tokens"] = json!(revoked);
    state["expired_refresh_tokens"] = json!(expired);
    Reply::ok(state)
}

/// `POST /_emulator/devicecode/approve {"user_code","upn"}` or `…/decline {"user_code"}`.
fn device_decision(app: &App, action: &str, body: &[u8]) -> Reply {
    let body = match json_body(body) {
        Ok(v) => v,
        Err(e) => return e.into_reply(),
    };
    let Some(code) = body["user_code"].as_str() else {
        return ArmError::bad_request("MissingUserCode", "Pass {\"user_code\": \"...\"}.")
            .into_reply();
    };
    let upn = match action {
        "approve" => match body["upn"].as_str() {
            Some(u) => Some(u),
            None => {
                return ArmError::bad_request("MissingUser", "Pass {\"upn\": \"...\"}.")
                    .into_reply();
            }
        },
        "decline" => None,
        _ => {
            return ArmError::no_route("POST", &format!("/_emulator/devicecode/{action}"))
                .into_reply();
        }
    };
    match app.authority.decide_device_code(app, code, upn) {
        Ok(()) => Reply::ok(json!({"user_code": code, "approved": upn.is_some()})),
        Err(message) => {
            ArmError::new(StatusCode::NOT_FOUND, "DeviceCodeNotPending", message).into_reply()
        }
    }
}
