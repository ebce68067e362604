//! Device code: `POST /{tenant}/oauth2/v2.0/devicecode` and the `/devicelogin` pages where a
//! user enters the code and picks an account.

use std::fmt::Write as _;
use std::time::Instant;

use axum::http::StatusCode;
use serde_json::json;

use super::{
    Device, DeviceStatus, OAuthError, TenantPath, correlation_id, form, html, no_store,
    normalize_user_code, param, parse_scopes, unknown_tenant,
};
use crate::app::Ctx;
use crate::auth::random_string;
use crate::reply::Reply;
use crate::scenario::model::User;

fn user_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..9)
        .map(|_| char::from(ALPHABET[usize::from(rand::random::<u8>()) % ALPHABET.len()]))
        .collect()
}

pub(super) fn devicecode(ctx: &Ctx<'_>, tenant: &str) -> Reply {
    let correlation = correlation_id(ctx);
    match start(ctx, tenant) {
        Ok(reply) => reply,
        Err(e) => e.into_reply(ctx.app, &correlation),
    }
}

fn start(ctx: &Ctx<'_>, tenant: &str) -> Result<Reply, OAuthError> {
    let fields = form(ctx);
    let path = TenantPath::parse(&ctx.app.world(), tenant).ok_or_else(|| unknown_tenant(tenant))?;
    let client_id = param(&fields, "client_id").ok_or_else(|| OAuthError::missing("client_id"))?;
    let scope = param(&fields, "scope").ok_or_else(|| OAuthError::missing("scope"))?;
    parse_scopes(scope, ctx.app)?;
    let mut st = ctx.app.authority.state();
    let now = Instant::now();
    st.devices.retain(|d| d.expires > now);
    let interval = st.device_interval;
    let lifetime = st.device_lifetime;
    let code = user_code();
    let device_code = random_string(96);
    st.note_issued("device_code", &device_code);
    st.devices.push(Device {
        device_code: device_code.clone(),
        user_code: code.clone(),
        client_id: client_id.to_owned(),
        tenant: path,
        scope: scope.to_owned(),
        expires: now + lifetime,
        interval,
        last_poll: None,
        status: DeviceStatus::Pending,
    });
    let verification_uri = format!("{}devicelogin", ctx.app.base_url);
    Ok(no_store(Reply::ok(json!({
        "user_code": code,
        "device_code": device_code,
        "verification_uri": verification_uri,
        "expires_in": lifetime.as_secs(),
        "interval": interval.as_secs(),
        "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {code} to authenticate."),
    }))))
}

fn code_form(error: Option<&str>) -> Reply {
    let mut body =
        String::from("<h1>Enter code</h1><p>Enter the code displayed on your app or device.</p>");
    if let Some(e) = error {
        let _ = write!(body, "<p class=\"error\">{}</p>", html::escape(e));
    }
    body.push_str("<form method=\"post\" action=\"/devicelogin\"><p><input name=\"user_code\" autofocus autocomplete=\"off\" aria-label=\"Code\"></p><p><button type=\"submit\">Next</button></p></form>");
    html::page(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        "Enter code",
        &body,
    )
}

/// `GET /devicelogin[?user_code=…]`.
pub(super) fn login_page(ctx: &Ctx<'_>) -> Reply {
    match param(&ctx.query_pairs, "user_code") {
        Some(code) => picker(ctx, code),
        None => code_form(None),
    }
}

/// `POST /devicelogin` with `user_code`.
pub(super) fn login_code(ctx: &Ctx<'_>) -> Reply {
    let fields = form(ctx);
    match param(&fields, "user_code") {
        Some(code) => picker(ctx, code),
        None => code_form(Some("Enter the code shown by the application.")),
    }
}

fn picker(ctx: &Ctx<'_>, code: &str) -> Reply {
    let wanted = normalize_user_code(code);
    let world = ctx.app.world();
    let st = ctx.app.authority.state();
    let now = Instant::now();
    let Some(device) = st.devices.iter().find(|d| {
        d.user_code == wanted && d.expires > now && matches!(d.status, DeviceStatus::Pending)
    }) else {
        return code_form(Some(
            "That code didn't work. Check the code and try again (codes expire and work once).",
        ));
    };
    let users: Vec<&User> = world
        .users
        .iter()
        .filter(|u| device.tenant.allows(u))
        .collect();
    let mfa = matches!(&device.tenant, TenantPath::Id(t) if st.mfa_tenants.contains(t));
    let intro = format!(
        "Application {} on another device wants to sign you in. Only continue if you started this sign-in.",
        device.client_id
    );
    html::account_picker(&html::Picker {
        action: "/devicelogin/approve",
        hidden: &[("user_code", &device.user_code)],
        heading: "Pick an account",
        intro: &intro,
        mfa_note: mfa,
        users: &users,
        hint: None,
        cancel: true,
    })
}

/// `POST /devicelogin/approve` with `user_code` and `upn` (or `cancel`).
pub(super) fn login_approve(ctx: &Ctx<'_>) -> Reply {
    let fields = form(ctx);
    let Some(code) = param(&fields, "user_code") else {
        return code_form(Some("Enter the code shown by the application."));
    };
    let upn = if param(&fields, "cancel").is_some() {
        None
    } else {
        match param(&fields, "upn") {
            Some(u) => Some(u),
            None => return code_form(Some("Pick an account.")),
        }
    };
    match ctx.app.authority.decide_device_code(ctx.app, code, upn) {
        Ok(()) if upn.is_none() => html::page(
            StatusCode::OK,
            "Sign-in declined",
            "<h1>Sign-in declined</h1><p>The application was not signed in. You can close this window.</p>",
        ),
        Ok(()) => html::page(
            StatusCode::OK,
            "Signed in",
            "<h1>You have signed in</h1><p>You have signed in to the application on your device. You may now close this window.</p>",
        ),
        Err(e) => code_form(Some(&e)),
    }
}
