//! The Entra-like authority over real sockets: auth code + PKCE (auto-approve and the sign-in
//! page), loopback-only redirects, refresh rotation, per-tenant tokens, MFA tenants, device code,
//! the control plane, and ARM accepting the tokens (claims challenge included).

#![allow(clippy::many_single_char_names)] // short names for answers (a), tokens (t), refreshes (r)

mod common;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use common::{Env, MOSP_ADMIN};
use invoice_desk_emulator::EmulatorConfig;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

const CLIENT: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const OTHER_CLIENT: &str = "11111111-2222-4333-8444-555555555555";
const REDIRECT: &str = "http://localhost:8400";
const SCOPE: &str = "https://management.core.windows.net//.default openid profile offline_access";
const MORGAN: &str = "morgan@contoso.example";
const ACCOUNTS: &str = "/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

thread_local! {
    // One per test thread (each test has its own thread and runtime): building clients is slow.
    static NO_REDIRECTS: reqwest::Client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
}

/// The authorize step must not be followed: the test looks at the 302 itself.
fn no_redirects() -> reqwest::Client {
    NO_REDIRECTS.with(Clone::clone)
}

struct Pkce {
    verifier: String,
    challenge: String,
}

fn pkce() -> Pkce {
    let verifier = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    Pkce {
        verifier,
        challenge,
    }
}

/// Decodes the middle part of a JWT-shaped token.
fn payload(token: &str) -> Value {
    let part = token.split('.').nth(1).expect("three parts");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    body: Value,
    text: String,
}

impl Answer {
    fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or_default()
    }

    fn codes(&self) -> Vec<u64> {
        self.body["error_codes"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default()
    }

    /// The query of the redirect, as pairs.
    fn redirect_query(&self) -> Vec<(String, String)> {
        let loc = self.location.as_deref().expect("a Location header");
        Url::parse(loc)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect()
    }

    fn redirect_param(&self, key: &str) -> Option<String> {
        self.redirect_query()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

async fn answer(resp: reqwest::Response) -> Answer {
    let status = resp.status();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = resp.text().await.unwrap();
    Answer {
        status,
        location,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

fn encode_form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

async fn post_form(env: &Env, path: &str, pairs: &[(&str, &str)]) -> Answer {
    let resp = no_redirects()
        .post(env.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode_form(pairs))
        .send()
        .await
        .unwrap();
    answer(resp).await
}

async fn post_json(env: &Env, path: &str, body: &Value) -> Answer {
    let resp = env
        .http
        .post(env.url(path))
        .json(body)
        .send()
        .await
        .unwrap();
    answer(resp).await
}

async fn get(env: &Env, path_and_query: &str) -> Answer {
    let resp = no_redirects()
        .get(env.url(path_and_query))
        .send()
        .await
        .unwrap();
    answer(resp).await
}

fn authorize_path(tenant: &str, redirect: &str, pkce: &Pkce, extra: &[(&str, &str)]) -> String {
    let mut pairs = vec![
        ("client_id", CLIENT),
        ("response_type", "code"),
        ("redirect_uri", redirect),
        ("scope", SCOPE),
        ("state", "state-123"),
        ("code_challenge", pkce.challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("prompt", "select_account"),
    ];
    for (k, v) in extra {
        match pairs.iter_mut().find(|(key, _)| key == k) {
            Some(pair) => pair.1 = v,
            None => pairs.push((k, v)),
        }
    }
    format!("/{tenant}/oauth2/v2.0/authorize?{}", encode_form(&pairs))
}

/// Auto-approved authorize at `tenant`: the code from the redirect.
async fn auto_code(env: &Env, tenant: &str, pkce: &Pkce, extra: &[(&str, &str)]) -> String {
    let a = get(env, &authorize_path(tenant, REDIRECT, pkce, extra)).await;
    assert_eq!(a.status, StatusCode::FOUND, "{}", a.text);
    a.redirect_param("code").expect("code in the redirect")
}

async fn redeem(env: &Env, tenant: &str, code: &str, verifier: &str, redirect: &str) -> Answer {
    post_form(
        env,
        &format!("/{tenant}/oauth2/v2.0/token"),
        &[
            ("client_id", CLIENT),
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ],
    )
    .await
}

async fn refresh(env: &Env, tenant: &str, rt: &str, extra: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![
        ("client_id", CLIENT),
        ("grant_type", "refresh_token"),
        ("refresh_token", rt),
        ("scope", SCOPE),
    ];
    pairs.extend_from_slice(extra);
    post_form(env, &format!("/{tenant}/oauth2/v2.0/token"), &pairs).await
}

/// Signs `upn` in with auto-approve at `organizations`: the token response.
async fn sign_in(env: &Env, upn: &str) -> Value {
    assert!(env.emu.set_auto_approve(Some(upn)));
    let p = pkce();
    let code = auto_code(env, "organizations", &p, &[]).await;
    let t = redeem(env, "organizations", &code, &p.verifier, REDIRECT).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    t.body
}

async fn arm_status(env: &Env, token: &str) -> (StatusCode, Option<String>) {
    let r = env
        .http
        .get(env.url(ACCOUNTS))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let challenge = r
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (r.status(), challenge)
}

fn assert_entra_error(a: &Answer, error: &str, code: u64) {
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
    assert_eq!(a.error(), error, "{}", a.text);
    assert_eq!(a.codes(), vec![code], "{}", a.text);
    let description = a.body["error_description"].as_str().unwrap();
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "{description}"
    );
    assert!(description.contains("Trace ID: "), "{description}");
    for key in ["timestamp", "trace_id", "correlation_id"] {
        assert!(
            a.body[key].as_str().is_some_and(|s| !s.is_empty()),
            "{key}: {}",
            a.text
        );
    }
}

fn tenants_of(env: &Env, upn: &str) -> Vec<String> {
    env.emu
        .users()
        .into_iter()
        .find(|u| u.upn == upn)
        .unwrap()
        .tenants
}

#[tokio::test]
async fn auth_code_with_pkce_via_auto_approve_gives_tokens_arm_accepts() {
    let env = common::demo().await;
    let user = env
        .emu
        .users()
        .into_iter()
        .find(|u| u.upn == MOSP_ADMIN)
        .unwrap();
    assert!(env.emu.set_auto_approve(Some(MOSP_ADMIN)));
    for (scope, aud) in [
        (SCOPE, "https://management.core.windows.net/"),
        (
            "https://management.azure.com/.default openid profile offline_access",
            "https://management.azure.com",
        ),
    ] {
        let p = pkce();
        let a = get(
            &env,
            &authorize_path(
                "organizations",
                REDIRECT,
                &p,
                &[("scope", scope), ("nonce", "n-1"), ("client_info", "1")],
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::FOUND, "{}", a.text);
        let location = a.location.clone().unwrap();
        assert!(
            location.starts_with("http://localhost:8400/?code="),
            "{location}"
        );
        assert_eq!(a.redirect_param("state").as_deref(), Some("state-123"));
        assert!(a.redirect_param("session_state").is_some());
        let code = a.redirect_param("code").unwrap();
        assert!(!code.contains('.'), "codes are opaque");

        let t = post_form(
            &env,
            "/organizations/oauth2/v2.0/token",
            &[
                ("client_id", CLIENT),
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", &p.verifier),
                ("scope", scope),
            ],
        )
        .await;
        assert_eq!(t.status, StatusCode::OK, "{}", t.text);
        let b = &t.body;
        assert_eq!(b["token_type"], "Bearer");
        assert_eq!(b["expires_in"], 3600);
        assert_eq!(b["ext_expires_in"], 3600);
        assert!(b["scope"].as_str().unwrap().contains(".default"));
        let rt = b["refresh_token"].as_str().unwrap();
        assert!(rt.len() > 40 && !rt.contains('.'), "opaque refresh token");

        let at = payload(b["access_token"].as_str().unwrap());
        assert_eq!(at["aud"], aud);
        assert_eq!(at["tid"], user.tenant_id);
        assert_eq!(at["oid"], user.object_id);
        assert_eq!(at["upn"], MOSP_ADMIN);
        assert_eq!(at["name"], user.display_name);
        assert!(at["exp"].as_i64().unwrap() > at["iat"].as_i64().unwrap());

        let id = payload(b["id_token"].as_str().unwrap());
        assert_eq!(id["aud"], CLIENT);
        assert_eq!(id["preferred_username"], MOSP_ADMIN);
        assert_eq!(id["oid"], user.object_id);
        assert_eq!(id["tid"], user.tenant_id);
        assert_eq!(id["nonce"], "n-1");
        assert!(id["iss"].as_str().unwrap().ends_with("/v2.0"));

        let info: Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(b["client_info"].as_str().unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(info, json!({"uid": user.object_id, "utid": user.tenant_id}));

        let (status, _) = arm_status(&env, b["access_token"].as_str().unwrap()).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "ARM accepts the issued token ({aud})"
        );
    }

    // Without offline_access / openid: no refresh token, no ID token.
    let p = pkce();
    let code = auto_code(
        &env,
        "organizations",
        &p,
        &[("scope", "https://management.azure.com/.default")],
    )
    .await;
    let t = redeem(&env, "organizations", &code, &p.verifier, REDIRECT).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    assert!(t.body.get("refresh_token").is_none());
    assert!(t.body.get("id_token").is_none());
}

#[tokio::test]
async fn the_sign_in_page_lists_users_and_its_buttons_sign_in_or_cancel() {
    let env = common::demo().await;
    let p = pkce();
    let page = get(
        &env,
        &authorize_path("organizations", REDIRECT, &p, &[("login_hint", MORGAN)]),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.text;
    assert!(
        html.contains("Sign in as Morgan Multi-Tenant (morgan@contoso.example)"),
        "{html}"
    );
    assert!(html.contains("Sign in as Alex Admin (alex@contoso.example)"));
    assert!(html.contains("data-upn=\"morgan@contoso.example\""));
    assert!(html.contains(">Cancel</button>"));
    assert!(!html.contains("<script"));
    // The hinted account comes first and is highlighted.
    let first = html.find("data-upn=").unwrap();
    assert!(html[first..].starts_with("data-upn=\"morgan@contoso.example\""));
    assert!(html.contains("class=\"account hint\""));
    let action = "action=\"/organizations/oauth2/v2.0/authorize/approve\"";
    assert!(html.contains(action), "{html}");
    let request = hidden_value(html, "request");

    let a = post_form(
        &env,
        "/organizations/oauth2/v2.0/authorize/approve",
        &[("request", &request), ("upn", MORGAN)],
    )
    .await;
    assert_eq!(a.status, StatusCode::FOUND, "{}", a.text);
    assert_eq!(a.redirect_param("state").as_deref(), Some("state-123"));
    let code = a.redirect_param("code").unwrap();
    let t = redeem(&env, "organizations", &code, &p.verifier, REDIRECT).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    let at = payload(t.body["access_token"].as_str().unwrap());
    assert_eq!(at["upn"], MORGAN);
    assert_eq!(at["tid"], tenants_of(&env, MORGAN)[0]);

    // The same page request cannot be used twice.
    let again = post_form(
        &env,
        "/organizations/oauth2/v2.0/authorize/approve",
        &[("request", &request), ("upn", MORGAN)],
    )
    .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.location.is_none());

    // Cancel: back to the client with access_denied and the state.
    let page = get(
        &env,
        &authorize_path("organizations", REDIRECT, &pkce(), &[]),
    )
    .await;
    let request = hidden_value(&page.text, "request");
    let a = post_form(
        &env,
        "/organizations/oauth2/v2.0/authorize/approve",
        &[("request", &request), ("cancel", "1")],
    )
    .await;
    assert_eq!(a.status, StatusCode::FOUND);
    assert_eq!(a.redirect_param("error").as_deref(), Some("access_denied"));
    assert_eq!(a.redirect_param("state").as_deref(), Some("state-123"));
    assert!(a.redirect_param("error_description").is_some());
    assert!(a.redirect_param("code").is_none());

    // A tenant's page lists only its members.
    let fabrikam = &tenants_of(&env, MORGAN)[1];
    let page = get(&env, &authorize_path(fabrikam, REDIRECT, &pkce(), &[])).await;
    assert!(page.text.contains("data-upn=\"morgan@contoso.example\""));
    assert!(!page.text.contains("data-upn=\"alex@contoso.example\""));
}

fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("hidden field") + marker.len();
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_owned()
}

#[tokio::test]
async fn pkce_mismatch_wrong_redirect_and_other_client_are_rejected() {
    let env = common::demo().await;
    assert!(env.emu.set_auto_approve(Some(MOSP_ADMIN)));

    let p = pkce();
    let code = auto_code(&env, "organizations", &p, &[]).await;
    let other = pkce();
    let a = redeem(&env, "organizations", &code, &other.verifier, REDIRECT).await;
    assert_entra_error(&a, "invalid_grant", 501_481);

    let p = pkce();
    let code = auto_code(&env, "organizations", &p, &[]).await;
    let a = redeem(
        &env,
        "organizations",
        &code,
        &p.verifier,
        "http://localhost:8401",
    )
    .await;
    assert_entra_error(&a, "invalid_grant", 500_112);
    // `http://localhost:8400` and `http://localhost:8400/` are the same redirect.
    let code = auto_code(&env, "organizations", &p, &[]).await;
    let a = redeem(
        &env,
        "organizations",
        &code,
        &p.verifier,
        "http://localhost:8400/",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);

    let code = auto_code(&env, "organizations", &p, &[]).await;
    let a = post_form(
        &env,
        "/organizations/oauth2/v2.0/token",
        &[
            ("client_id", OTHER_CLIENT),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &p.verifier),
        ],
    )
    .await;
    assert_entra_error(&a, "invalid_grant", 70_000);

    let code = auto_code(&env, "organizations", &p, &[]).await;
    let a = post_form(
        &env,
        "/organizations/oauth2/v2.0/token",
        &[
            ("client_id", CLIENT),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_entra_error(&a, "invalid_request", 900_144);

    let a = redeem(&env, "organizations", "not-a-code", &p.verifier, REDIRECT).await;
    assert_entra_error(&a, "invalid_grant", 70_000);
    let a = redeem(&env, "no-such-tenant", "x", &p.verifier, REDIRECT).await;
    assert_entra_error(&a, "invalid_tenant", 90_002);
}

#[tokio::test]
async fn a_code_works_once() {
    let env = common::demo().await;
    assert!(env.emu.set_auto_approve(Some(MOSP_ADMIN)));
    let p = pkce();
    let code = auto_code(&env, "organizations", &p, &[]).await;
    // The client id may also come as HTTP Basic credentials without a secret.
    let first = no_redirects()
        .post(env.url("/organizations/oauth2/v2.0/token"))
        .basic_auth(CLIENT, Option::<&str>::None)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode_form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &p.verifier),
        ]))
        .send()
        .await
        .unwrap();
    let first = answer(first).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let second = redeem(&env, "organizations", &code, &p.verifier, REDIRECT).await;
    assert_entra_error(&second, "invalid_grant", 54_005);
}

#[tokio::test]
async fn non_loopback_redirects_are_never_followed() {
    let env = common::demo().await;
    let bad = [
        "https://localhost:8400",
        "http://example.com/callback",
        "http://127.0.0.1/",
        "http://127.0.0.2:8400/",
        "http://[::1]:8400/",
        "http://localhost.example.com:8400/",
        "http://user@localhost:8400/",
        "http://localhost:8400/?next=https://example.com",
        "http://localhost:8400/#fragment",
        "urn:ietf:wg:oauth:2.0:oob",
        "not a url",
    ];
    for auto in [None, Some(MOSP_ADMIN)] {
        assert!(env.emu.set_auto_approve(auto));
        for uri in bad {
            let a = get(&env, &authorize_path("organizations", uri, &pkce(), &[])).await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{uri}: {}", a.text);
            assert!(a.location.is_none(), "{uri} must not be redirected to");
            assert!(a.text.contains("AADSTS50011"), "{uri}: {}", a.text);
        }
    }
    // Loopback forms that are fine.
    for uri in [
        "http://localhost",
        "http://localhost:5000/auth/callback",
        "http://127.0.0.1:5000",
        "http://127.0.0.1:5000/cb",
    ] {
        let a = get(&env, &authorize_path("organizations", uri, &pkce(), &[])).await;
        assert_eq!(a.status, StatusCode::FOUND, "{uri}: {}", a.text);
        assert!(a.location.as_deref().unwrap().starts_with(uri), "{uri}");
    }
    // Once the redirect is trusted, request errors go back to it (with the state).
    let p = pkce();
    for (extra, error) in [
        (vec![("code_challenge_method", "plain")], "invalid_request"),
        (
            vec![("response_type", "token")],
            "unsupported_response_type",
        ),
        (
            vec![("scope", "https://graph.microsoft.com/.default")],
            "invalid_resource",
        ),
        (vec![("scope", "openid profile")], "invalid_scope"),
    ] {
        let a = get(&env, &authorize_path("organizations", REDIRECT, &p, &extra)).await;
        assert_eq!(a.status, StatusCode::FOUND, "{extra:?}");
        assert_eq!(
            a.redirect_param("error").as_deref(),
            Some(error),
            "{extra:?}"
        );
        assert_eq!(a.redirect_param("state").as_deref(), Some("state-123"));
        assert!(a.redirect_param("code").is_none());
    }
    // No PKCE at all.
    let path = format!(
        "/organizations/oauth2/v2.0/authorize?{}",
        encode_form(&[
            ("client_id", CLIENT),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", SCOPE),
            ("state", "s"),
        ])
    );
    let a = get(&env, &path).await;
    assert_eq!(
        a.redirect_param("error").as_deref(),
        Some("invalid_request")
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_can_be_revoked_or_expired() {
    let env = common::demo().await;
    let first = sign_in(&env, MOSP_ADMIN).await;
    let rt1 = first["refresh_token"].as_str().unwrap().to_owned();

    let r = refresh(&env, "organizations", &rt1, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rt2 = r.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(rt1, rt2);
    let (status, _) = arm_status(&env, r.body["access_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);

    // The old one is spent.
    let reused = refresh(&env, "organizations", &rt1, &[]).await;
    assert_entra_error(&reused, "invalid_grant", 70_000);
    // Refresh tokens are bound to the client.
    let other = post_form(
        &env,
        "/organizations/oauth2/v2.0/token",
        &[
            ("client_id", OTHER_CLIENT),
            ("grant_type", "refresh_token"),
            ("refresh_token", &rt2),
        ],
    )
    .await;
    assert_entra_error(&other, "invalid_grant", 70_000);

    // Scope may be left out: the original one is used.
    let r = post_form(
        &env,
        "/organizations/oauth2/v2.0/token",
        &[
            ("client_id", CLIENT),
            ("grant_type", "refresh_token"),
            ("refresh_token", &rt2),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rt3 = r.body["refresh_token"].as_str().unwrap().to_owned();

    let c = post_json(
        &env,
        "/_emulator/authority",
        &json!({"revoke_refresh_tokens_of": MOSP_ADMIN}),
    )
    .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    assert_eq!(c.body["revoked_refresh_tokens"], 1);
    let revoked = refresh(&env, "organizations", &rt3, &[]).await;
    assert_entra_error(&revoked, "invalid_grant", 50_173);

    let again = sign_in(&env, MOSP_ADMIN).await;
    let c = post_json(
        &env,
        "/_emulator/authority",
        &json!({"expire_refresh_tokens_of": MOSP_ADMIN}),
    )
    .await;
    assert_eq!(c.body["expired_refresh_tokens"], 1);
    let expired = refresh(
        &env,
        "organizations",
        again["refresh_token"].as_str().unwrap(),
        &[],
    )
    .await;
    assert_entra_error(&expired, "invalid_grant", 700_082);
    let garbage = refresh(&env, "organizations", "garbage", &[]).await;
    assert_eq!(garbage.error(), "invalid_grant");
}

#[tokio::test]
async fn one_refresh_token_gives_per_tenant_tokens_and_mfa_tenants_need_a_sign_in_there() {
    let env = common::demo().await;
    let tenants = tenants_of(&env, MORGAN);
    let (home, fabrikam, cafe) = (&tenants[0], &tenants[1], &tenants[2]);
    assert_eq!(env.emu.mfa_tenants(), vec![cafe.clone()]);

    let first = sign_in(&env, MORGAN).await;
    assert_eq!(
        payload(first["access_token"].as_str().unwrap())["tid"],
        *home
    );
    let rt = first["refresh_token"].as_str().unwrap().to_owned();

    let r = refresh(&env, fabrikam, &rt, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let at = r.body["access_token"].as_str().unwrap();
    assert_eq!(payload(at)["tid"], *fabrikam);
    let (status, _) = arm_status(&env, at).await;
    assert_eq!(status, StatusCode::OK);
    let rt = r.body["refresh_token"].as_str().unwrap().to_owned();

    // The MFA tenant: interaction_required, and the refresh token is not spent.
    let mfa = refresh(&env, cafe, &rt, &[]).await;
    assert_entra_error(&mfa, "interaction_required", 50_076);
    assert_eq!(mfa.body["suberror"], "basic_action");
    let claims: Value = serde_json::from_str(mfa.body["claims"].as_str().unwrap()).unwrap();
    assert!(claims["access_token"].is_object());
    let r = refresh(&env, home, &rt, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        payload(r.body["access_token"].as_str().unwrap())["tid"],
        *home
    );
    let rt = r.body["refresh_token"].as_str().unwrap().to_owned();

    // "Sign in again on that tenant only": interactive at the tenant, with a login hint.
    assert!(env.emu.set_auto_approve(None));
    let p = pkce();
    let page = get(
        &env,
        &authorize_path(cafe, REDIRECT, &p, &[("login_hint", MORGAN)]),
    )
    .await;
    assert!(page.text.contains("multi-factor"), "{}", page.text);
    let request = hidden_value(&page.text, "request");
    let a = post_form(
        &env,
        &format!("/{cafe}/oauth2/v2.0/authorize/approve"),
        &[("request", &request), ("upn", MORGAN)],
    )
    .await;
    let code = a.redirect_param("code").unwrap();
    let t = redeem(&env, cafe, &code, &p.verifier, REDIRECT).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    assert_eq!(
        payload(t.body["access_token"].as_str().unwrap())["tid"],
        *cafe
    );
    let r = refresh(&env, cafe, t.body["refresh_token"].as_str().unwrap(), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // A tenant the user is not a member of.
    let alex = sign_in(&env, MOSP_ADMIN).await;
    let r = refresh(&env, fabrikam, alex["refresh_token"].as_str().unwrap(), &[]).await;
    assert_entra_error(&r, "invalid_grant", 50_020);

    // The control plane can change the MFA tenants.
    let c = post_json(
        &env,
        "/_emulator/authority",
        &json!({"mfa_tenants": [fabrikam]}),
    )
    .await;
    assert_eq!(c.body["mfa_tenants"], json!([fabrikam]));
    let r = refresh(&env, fabrikam, &rt, &[]).await;
    assert_eq!(r.error(), "interaction_required");
}

async fn start_device(env: &Env, tenant: &str) -> Value {
    let a = post_form(
        env,
        &format!("/{tenant}/oauth2/v2.0/devicecode"),
        &[("client_id", CLIENT), ("scope", SCOPE)],
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body
}

async fn poll(env: &Env, device_code: &str) -> Answer {
    post_form(
        env,
        "/organizations/oauth2/v2.0/token",
        &[
            ("client_id", CLIENT),
            ("grant_type", DEVICE_GRANT),
            ("device_code", device_code),
        ],
    )
    .await
}

#[tokio::test]
async fn device_code_pending_slow_down_approved_on_the_page_then_tokens() {
    let env = common::start(EmulatorConfig {
        device_code_interval_secs: 1,
        ..EmulatorConfig::default()
    })
    .await;
    let d = start_device(&env, "organizations").await;
    let verification = d["verification_uri"].as_str().unwrap();
    assert_eq!(verification, env.url("/devicelogin"));
    assert_eq!(d["interval"], 1);
    assert_eq!(d["expires_in"], 900);
    let user_code = d["user_code"].as_str().unwrap();
    assert!(d["message"].as_str().unwrap().contains(user_code));
    let device_code = d["device_code"].as_str().unwrap();

    let a = poll(&env, device_code).await;
    assert_entra_error(&a, "authorization_pending", 70_016);
    let a = poll(&env, device_code).await;
    assert_eq!(a.error(), "slow_down", "{}", a.text);

    // The page: enter the code (any case, with a dash), pick an account.
    let form = get(&env, "/devicelogin").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("name=\"user_code\""));
    let typed = format!("{}-{}", &user_code[..4], &user_code[4..]).to_ascii_lowercase();
    let picker = post_form(&env, "/devicelogin", &[("user_code", &typed)]).await;
    assert_eq!(picker.status, StatusCode::OK);
    assert!(
        picker
            .text
            .contains("Sign in as Alex Admin (alex@contoso.example)"),
        "{}",
        picker.text
    );
    assert_eq!(hidden_value(&picker.text, "user_code"), user_code);
    let done = post_form(
        &env,
        "/devicelogin/approve",
        &[("user_code", user_code), ("upn", MOSP_ADMIN)],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.text.contains("You have signed in"));

    tokio::time::sleep(Duration::from_millis(1050)).await;
    let t = poll(&env, device_code).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    let at = t.body["access_token"].as_str().unwrap();
    assert_eq!(payload(at)["upn"], MOSP_ADMIN);
    assert!(t.body["refresh_token"].is_string());
    let (status, _) = arm_status(&env, at).await;
    assert_eq!(status, StatusCode::OK);
    let again = poll(&env, device_code).await;
    assert_eq!(again.error(), "invalid_grant");

    // A used code no longer opens the picker.
    let stale = post_form(&env, "/devicelogin", &[("user_code", user_code)]).await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn device_code_approved_by_control_plane_declined_and_expired() {
    let env = common::demo().await;
    let tenants = tenants_of(&env, MORGAN);

    // Approved through the control plane, at a tenant: the token is for that tenant.
    let d = start_device(&env, &tenants[1]).await;
    let pending = env
        .http
        .get(env.url("/_emulator/devicecode"))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(pending[0]["user_code"], d["user_code"]);
    let c = post_json(
        &env,
        "/_emulator/devicecode/approve",
        &json!({"user_code": d["user_code"], "upn": MORGAN}),
    )
    .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    let t = poll(&env, d["device_code"].as_str().unwrap()).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    assert_eq!(
        payload(t.body["access_token"].as_str().unwrap())["tid"],
        tenants[1]
    );

    // Library approval; a user outside the tenant cannot approve.
    let d = start_device(&env, &tenants[1]).await;
    let code = d["user_code"].as_str().unwrap();
    assert!(env.emu.approve_device_code(code, MOSP_ADMIN).is_err());
    env.emu.approve_device_code(code, MORGAN).unwrap();
    let t = poll(&env, d["device_code"].as_str().unwrap()).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);

    // Declined on the page.
    let d = start_device(&env, "organizations").await;
    let page = post_form(
        &env,
        "/devicelogin/approve",
        &[
            ("user_code", d["user_code"].as_str().unwrap()),
            ("cancel", "1"),
        ],
    )
    .await;
    assert!(page.text.contains("declined"));
    let a = poll(&env, d["device_code"].as_str().unwrap()).await;
    assert_entra_error(&a, "authorization_declined", 70_018);

    // Expired.
    let c = post_json(
        &env,
        "/_emulator/authority",
        &json!({"device_code_lifetime_secs": 1}),
    )
    .await;
    assert_eq!(c.body["device_code_lifetime_secs"], 1);
    let d = start_device(&env, "organizations").await;
    assert_eq!(d["expires_in"], 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let a = poll(&env, d["device_code"].as_str().unwrap()).await;
    assert_entra_error(&a, "expired_token", 70_019);
    let c = post_json(
        &env,
        "/_emulator/devicecode/approve",
        &json!({"user_code": d["user_code"], "upn": MOSP_ADMIN}),
    )
    .await;
    assert_eq!(c.status, StatusCode::NOT_FOUND);

    // Scope errors at the device code endpoint.
    let a = post_form(
        &env,
        "/organizations/oauth2/v2.0/devicecode",
        &[
            ("client_id", CLIENT),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_entra_error(&a, "invalid_resource", 500_011);
}

#[tokio::test]
async fn claims_challenge_round_trip() {
    let env = common::demo().await;
    let t = sign_in(&env, MOSP_ADMIN).await;
    let at1 = t["access_token"].as_str().unwrap().to_owned();
    let rt = t["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(arm_status(&env, &at1).await.0, StatusCode::OK);

    let c = post_json(
        &env,
        "/_emulator/claims-challenge",
        &json!({"upn": MOSP_ADMIN}),
    )
    .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    let (status, challenge) = arm_status(&env, &at1).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let challenge = challenge.unwrap();
    assert!(
        challenge.starts_with("Bearer authorization_uri=\""),
        "{challenge}"
    );
    assert!(
        challenge.contains("error=\"insufficient_claims\""),
        "{challenge}"
    );
    let encoded = challenge
        .split("claims=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    let claims: Value = serde_json::from_slice(&STANDARD.decode(encoded).unwrap()).unwrap();
    assert_eq!(claims["access_token"]["nbf"]["essential"], true);

    // Still challenged, also with a token refreshed without the claims.
    assert_eq!(arm_status(&env, &at1).await.0, StatusCode::UNAUTHORIZED);
    let plain = refresh(&env, "organizations", &rt, &[]).await;
    assert_eq!(plain.status, StatusCode::OK);
    let plain_at = plain.body["access_token"].as_str().unwrap();
    assert_eq!(arm_status(&env, plain_at).await.0, StatusCode::UNAUTHORIZED);

    // A token requested with the claims passes, and the challenge is over.
    let rt2 = plain.body["refresh_token"].as_str().unwrap();
    let claims_json = claims.to_string();
    let with_claims = refresh(&env, "organizations", rt2, &[("claims", &claims_json)]).await;
    assert_eq!(with_claims.status, StatusCode::OK, "{}", with_claims.text);
    let fresh = with_claims.body["access_token"].as_str().unwrap();
    assert_eq!(arm_status(&env, fresh).await.0, StatusCode::OK);
    assert_eq!(arm_status(&env, fresh).await.0, StatusCode::OK);

    // Library call; an interactive sign-in that carries claims also satisfies it.
    env.emu.claims_challenge(MOSP_ADMIN);
    assert_eq!(arm_status(&env, fresh).await.0, StatusCode::UNAUTHORIZED);
    let p = pkce();
    let code = auto_code(&env, "organizations", &p, &[("claims", &claims_json)]).await;
    let t = redeem(&env, "organizations", &code, &p.verifier, REDIRECT).await;
    let at = t.body["access_token"].as_str().unwrap();
    assert_eq!(arm_status(&env, at).await.0, StatusCode::OK);
    // Other users were never challenged.
    assert_eq!(arm_status(&env, &env.token(MORGAN)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn control_plane_fail_next_auto_approve_and_discovery() {
    let env = common::demo().await;
    let t = sign_in(&env, MOSP_ADMIN).await;
    let rt = t["refresh_token"].as_str().unwrap().to_owned();

    let c = post_json(
        &env,
        "/_emulator/authority",
        &json!({"fail_next": {"grant": "refresh_token", "error": "interaction_required", "error_codes": [50076]}}),
    )
    .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    assert_eq!(c.body["fail_next"]["grant"], "refresh_token");
    // Another grant is not affected.
    sign_in(&env, MOSP_ADMIN).await;
    let a = refresh(&env, "organizations", &rt, &[]).await;
    assert_entra_error(&a, "interaction_required", 50_076);
    // Once only, and the refresh token was not spent.
    let a = refresh(&env, "organizations", &rt, &[]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);

    env.emu.fail_next_token(None, "invalid_grant", &[50_173]);
    let p = pkce();
    let code = auto_code(&env, "organizations", &p, &[]).await;
    let a = redeem(&env, "organizations", &code, &p.verifier, REDIRECT).await;
    assert_entra_error(&a, "invalid_grant", 50_173);

    // auto_approve through the control plane: a user, null, an unknown user.
    let c = post_json(
        &env,
        "/_emulator/authority",
        &json!({"auto_approve": MORGAN}),
    )
    .await;
    assert_eq!(c.body["auto_approve"], MORGAN);
    let code = auto_code(&env, "organizations", &p, &[]).await;
    let t = redeem(&env, "organizations", &code, &p.verifier, REDIRECT).await;
    assert_eq!(
        payload(t.body["access_token"].as_str().unwrap())["upn"],
        MORGAN
    );
    let c = post_json(&env, "/_emulator/authority", &json!({"auto_approve": null})).await;
    assert_eq!(c.body["auto_approve"], Value::Null);
    let page = get(&env, &authorize_path("organizations", REDIRECT, &p, &[])).await;
    assert_eq!(page.status, StatusCode::OK);
    let c = post_json(
        &env,
        "/_emulator/authority",
        &json!({"auto_approve": "nobody@x"}),
    )
    .await;
    assert_eq!(c.status, StatusCode::NOT_FOUND);
    let d = get(&env, "/_emulator/authority").await;
    assert_eq!(d.body["auto_approve"], Value::Null);
    // prompt=none without auto-approve: login_required.
    let a = get(
        &env,
        &authorize_path("organizations", REDIRECT, &p, &[("prompt", "none")]),
    )
    .await;
    assert_eq!(a.redirect_param("error").as_deref(), Some("login_required"));

    // Discovery.
    let base = env.emu.base_url().to_string();
    let d = get(&env, "/organizations/v2.0/.well-known/openid-configuration").await;
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(
        d.body["authorization_endpoint"],
        format!("{base}organizations/oauth2/v2.0/authorize")
    );
    assert_eq!(
        d.body["token_endpoint"],
        format!("{base}organizations/oauth2/v2.0/token")
    );
    assert_eq!(
        d.body["device_authorization_endpoint"],
        format!("{base}organizations/oauth2/v2.0/devicecode")
    );
    assert_eq!(d.body["issuer"], format!("{base}{{tenantid}}/v2.0"));
    let tid = &tenants_of(&env, MORGAN)[1];
    let d = get(
        &env,
        &format!("/{tid}/v2.0/.well-known/openid-configuration"),
    )
    .await;
    assert_eq!(d.body["issuer"], format!("{base}{tid}/v2.0"));
    let d = get(&env, "/nowhere/v2.0/.well-known/openid-configuration").await;
    assert_eq!(d.error(), "invalid_tenant");
    // ARM routes are untouched.
    assert_eq!(
        arm_status(&env, &env.token(MOSP_ADMIN)).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn auto_approve_in_the_config_must_name_a_scenario_user() {
    let err = invoice_desk_emulator::Emulator::start(EmulatorConfig {
        auto_approve: Some("nobody@contoso.example".into()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("nobody@contoso.example"));
    let env = common::start(EmulatorConfig {
        auto_approve: Some(MORGAN.into()),
        ..EmulatorConfig::default()
    })
    .await;
    let p = pkce();
    let code = auto_code(&env, "common", &p, &[]).await;
    let t = redeem(&env, "common", &code, &p.verifier, REDIRECT).await;
    assert_eq!(
        payload(t.body["access_token"].as_str().unwrap())["upn"],
        MORGAN
    );
}
