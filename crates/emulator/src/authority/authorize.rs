//! `GET /{tenant}/oauth2/v2.0/authorize`: validate, then auto-approve or show the account picker;
//! `POST …/authorize/approve`: the picker's buttons; `GET …/logout`.

use std::time::Instant;

use axum::http::{StatusCode, header};
use url::Url;

use super::{
    AuthRequest, Code, OAuthError, PAGE_LIFETIME, TenantPath, form, html, new_session, param,
    parse_scopes, unknown_tenant,
};
use crate::app::Ctx;
use crate::auth::random_string;
use crate::reply::Reply;
use crate::scenario::model::User;

/// Only loopback redirects: `http://localhost[:port][/path]` or `http://127.0.0.1:port[/path]`,
/// without user info, query or fragment.
pub(super) fn loopback_redirect(raw: &str) -> Option<Url> {
    let url = Url::parse(raw).ok()?;
    if url.scheme() != "http"
        || !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return None;
    }
    let lower = raw.to_ascii_lowercase();
    match url.host_str()? {
        "localhost" => Some(url),
        // The port must be spelled out (`url` drops an explicit `:80`, so look at the text).
        "127.0.0.1" if lower.starts_with("http://127.0.0.1:") => Some(url),
        _ => None,
    }
}

/// Same redirect URI, ignoring only the `/` that URL parsing adds to an empty path.
pub(super) fn same_redirect(a: &str, b: &str) -> bool {
    match (Url::parse(a), Url::parse(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

fn error_page(status: StatusCode, code: u32, message: &str) -> Reply {
    html::page(
        status,
        "Sign-in error",
        &format!(
            "<h1>Sorry, but we’re having trouble signing you in.</h1><p class=\"error\" data-error-code=\"AADSTS{code}\">AADSTS{code}: {}</p>",
            html::escape(message)
        ),
    )
}

fn redirect(mut url: Url, pairs: &[(&str, &str)]) -> Reply {
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    super::no_store(Reply::empty(StatusCode::FOUND).header(header::LOCATION, url.as_str()))
}

/// Redirects an OAuth error back to the (already validated) client.
fn redirect_error(req_redirect: &str, state: Option<&str>, error: &OAuthError) -> Reply {
    let Some(url) = loopback_redirect(req_redirect) else {
        return error_page(StatusCode::BAD_REQUEST, error.code, &error.description);
    };
    let trace = super::random_guid();
    let corr = super::random_guid();
    let ts = super::entra_time(crate::app::App::now());
    let description = error.full_description(&trace, &corr, &ts);
    let mut pairs = vec![
        ("error", error.error.as_str()),
        ("error_description", description.as_str()),
    ];
    if let Some(s) = state {
        pairs.push(("state", s));
    }
    redirect(url, &pairs)
}

pub(super) fn authorize(ctx: &Ctx<'_>, tenant: &str) -> Reply {
    let q = &ctx.query_pairs;
    let world = ctx.app.world();
    let Some(tenant_path) = TenantPath::parse(&world, tenant) else {
        let e = unknown_tenant(tenant);
        return error_page(StatusCode::BAD_REQUEST, e.code, &e.description);
    };
    let Some(client_id) = param(q, "client_id") else {
        return error_page(
            StatusCode::BAD_REQUEST,
            900_144,
            "The request body must contain the following parameter: 'client_id'.",
        );
    };
    let Some(redirect_uri) = param(q, "redirect_uri") else {
        return error_page(
            StatusCode::BAD_REQUEST,
            900_144,
            "The request body must contain the following parameter: 'redirect_uri'.",
        );
    };
    if loopback_redirect(redirect_uri).is_none() {
        return error_page(
            StatusCode::BAD_REQUEST,
            50_011,
            &format!(
                "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. This authority accepts only loopback redirect URIs: http://localhost[:port][/path] or http://127.0.0.1:port[/path]."
            ),
        );
    }
    let state = param(q, "state");
    let fail = |e: OAuthError| redirect_error(redirect_uri, state, &e);
    match param(q, "response_type") {
        Some("code") => {}
        None => return fail(OAuthError::missing("response_type")),
        Some(other) => {
            return fail(OAuthError::new(
                "unsupported_response_type",
                700_054,
                format!("response_type '{other}' is not enabled for the application; use 'code'."),
            ));
        }
    }
    let Some(code_challenge) = param(q, "code_challenge") else {
        return fail(OAuthError::new(
            "invalid_request",
            9_002_325,
            "Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
        ));
    };
    if param(q, "code_challenge_method") != Some("S256") {
        return fail(OAuthError::new(
            "invalid_request",
            501_491,
            "This authority requires code_challenge_method=S256.",
        ));
    }
    if code_challenge.len() != 43
        || !code_challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return fail(OAuthError::new(
            "invalid_request",
            501_491,
            "Invalid size of Code_Challenge parameter: an S256 challenge is 43 base64url characters.",
        ));
    }
    let Some(scope) = param(q, "scope") else {
        return fail(OAuthError::missing("scope"));
    };
    if let Err(e) = parse_scopes(scope, ctx.app) {
        return fail(e);
    }
    let req = AuthRequest {
        tenant: tenant_path,
        tenant_segment: tenant.to_owned(),
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        state: state.map(str::to_owned),
        code_challenge: code_challenge.to_owned(),
        scope: scope.to_owned(),
        nonce: param(q, "nonce").map(str::to_owned),
        login_hint: param(q, "login_hint").map(str::to_owned),
        claims: param(q, "claims").is_some(),
        client_info: param(q, "client_info") == Some("1"),
        created: Instant::now(),
    };
    let mut st = ctx.app.authority.state();
    if let Some(upn) = st.auto_approve.clone() {
        let Some(user) = world.user_by_upn(&upn).cloned() else {
            return fail(OAuthError::new(
                "access_denied",
                50_034,
                format!("The user account {upn} does not exist in the directory."),
            ));
        };
        let tenant = req.tenant.resolve(&world, &user, &req.client_id);
        drop(world);
        return approve_as(&mut st, &req, &user, tenant);
    }
    if param(q, "prompt") == Some("none") {
        return fail(OAuthError::new(
            "login_required",
            50_058,
            "A silent sign-in request was sent but no user is signed in.",
        ));
    }
    let now = Instant::now();
    st.pages
        .retain(|_, r| now.duration_since(r.created) < PAGE_LIFETIME);
    let request_id = random_string(18);
    st.pages.insert(request_id.clone(), req.clone());
    drop(st);
    let users: Vec<&User> = world
        .users
        .iter()
        .filter(|u| req.tenant.allows(u))
        .collect();
    let tenant_name = match &req.tenant {
        TenantPath::Any(t) => t.clone(),
        TenantPath::Id(t) => world
            .tenant(t)
            .map_or_else(|| t.clone(), |x| x.display_name.clone()),
    };
    let mfa = match &req.tenant {
        TenantPath::Id(t) => ctx.app.authority.state().mfa_tenants.contains(t),
        TenantPath::Any(_) => false,
    };
    html::account_picker(&html::Picker {
        action: &format!(
            "/{}/oauth2/v2.0/authorize/approve",
            html::path_segment(&req.tenant_segment)
        ),
        hidden: &[("request", &request_id)],
        heading: "Pick an account",
        intro: &format!(
            "Application {} wants to sign you in to tenant {tenant_name}.",
            req.client_id
        ),
        mfa_note: mfa,
        users: &users,
        hint: req.login_hint.as_deref(),
        cancel: true,
    })
}

/// Issues a code for `user` and redirects to the client.
/// `tenant` is the request's tenant resolved for the user (an error when not a member).
fn approve_as(
    st: &mut super::State,
    req: &AuthRequest,
    user: &User,
    tenant: Result<String, OAuthError>,
) -> Reply {
    let tenant = match tenant {
        Ok(t) => t,
        Err(mut e) => {
            e.error = "access_denied".into();
            return redirect_error(&req.redirect_uri, req.state.as_deref(), &e);
        }
    };
    let session = new_session(user, &req.client_id, &tenant);
    let code = random_string(96);
    st.note_issued("authorization_code", &code);
    let session_state = session.session_state.clone();
    st.codes.insert(
        code.clone(),
        Code {
            session,
            tenant: tenant.clone(),
            redirect_uri: req.redirect_uri.clone(),
            code_challenge: req.code_challenge.clone(),
            scope: req.scope.clone(),
            nonce: req.nonce.clone(),
            claims: req.claims,
            created: Instant::now(),
            redeemed: false,
        },
    );
    let Some(url) = loopback_redirect(&req.redirect_uri) else {
        return error_page(StatusCode::BAD_REQUEST, 50_011, "Invalid redirect URI.");
    };
    let client_info = super::token::client_info(user);
    let mut pairs = vec![("code", code.as_str())];
    if let Some(s) = &req.state {
        pairs.push(("state", s));
    }
    pairs.push(("session_state", &session_state));
    if req.client_info {
        pairs.push(("client_info", &client_info));
    }
    redirect(url, &pairs)
}

/// The picker's form: `request` plus `upn` (a "Sign in as" button) or `cancel`.
pub(super) fn approve(ctx: &Ctx<'_>, _tenant: &str) -> Reply {
    let fields = form(ctx);
    let Some(request_id) = param(&fields, "request") else {
        return error_page(
            StatusCode::BAD_REQUEST,
            900_144,
            "The request body must contain the following parameter: 'request'.",
        );
    };
    let removed = ctx.app.authority.state().pages.remove(request_id);
    let Some(req) = removed else {
        return error_page(
            StatusCode::BAD_REQUEST,
            50_058,
            "This sign-in request is unknown, expired or already used. Start the sign-in again from the application.",
        );
    };
    if param(&fields, "cancel").is_some() {
        let e = OAuthError::new(
            "access_denied",
            50_126,
            "The user cancelled the sign-in (emulator page).",
        );
        return redirect_error(&req.redirect_uri, req.state.as_deref(), &e);
    }
    let Some(upn) = param(&fields, "upn") else {
        ctx.app
            .authority
            .state()
            .pages
            .insert(request_id.to_owned(), req);
        return error_page(
            StatusCode::BAD_REQUEST,
            900_144,
            "Pick an account: the form must contain 'upn' or 'cancel'.",
        );
    };
    let world = ctx.app.world();
    let Some(user) = world.user_by_upn(upn).cloned() else {
        let e = OAuthError::new(
            "access_denied",
            50_034,
            format!("The user account {upn} does not exist in the directory."),
        );
        return redirect_error(&req.redirect_uri, req.state.as_deref(), &e);
    };
    let tenant = req.tenant.resolve(&world, &user, &req.client_id);
    drop(world);
    approve_as(&mut ctx.app.authority.state(), &req, &user, tenant)
}

/// Sign-out: back to a loopback `post_logout_redirect_uri`, else a plain page.
pub(super) fn logout(ctx: &Ctx<'_>, _tenant: &str) -> Reply {
    if let Some(url) =
        param(&ctx.query_pairs, "post_logout_redirect_uri").and_then(loopback_redirect)
    {
        let state = param(&ctx.query_pairs, "state");
        return redirect(url, &state.map(|s| vec![("state", s)]).unwrap_or_default());
    }
    html::page(
        StatusCode::OK,
        "Signed out",
        "<h1>You signed out of your account</h1><p>It’s a good idea to close all browser windows.</p>",
    )
}
