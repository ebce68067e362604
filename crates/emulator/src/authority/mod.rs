//! An Entra-ID-like authority (Microsoft identity platform v2 endpoints) on the emulator's own
//! host: authorization code + PKCE with loopback redirects, refresh-token rotation, per-tenant
//! tokens from one refresh token, device code, tenants that need MFA, and ARM claims challenges.
//!
//! Paths: `/{tenant}/oauth2/v2.0/{authorize,token,devicecode,logout}`,
//! `/{tenant}/v2.0/.well-known/openid-configuration`, `/{tenant}/discovery/v2.0/keys` and
//! `/devicelogin`, where `{tenant}` is `organizations`, `common`, `consumers`, or a tenant id
//! (or default domain) of the scenario.

mod authorize;
mod device;
mod html;
mod token;

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::http::{HeaderName, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::app::{App, Ctx};
use crate::auth::Claims;
use crate::error::ArmError;
use crate::reply::Reply;
use crate::scenario::model::{User, World};

/// Refresh tokens live 90 days, as Entra's do.
const REFRESH_LIFETIME: Duration = Duration::from_secs(90 * 24 * 3600);
/// Authorization codes must be redeemed within 5 minutes.
const CODE_LIFETIME: Duration = Duration::from_secs(300);
/// A sign-in page left open this long has to be started again.
const PAGE_LIFETIME: Duration = Duration::from_secs(3600);

/// Start-up knobs (from [`crate::EmulatorConfig`]).
#[derive(Debug, Clone)]
pub struct Settings {
    pub auto_approve: Option<String>,
    pub mfa_tenants: Vec<String>,
    pub device_code_interval_secs: u64,
    pub device_code_lifetime_secs: u64,
    pub access_token_lifetime_secs: i64,
}

/// The authority's mutable state: sign-ins in progress, codes, refresh tokens, device codes.
#[derive(Debug)]
pub struct Authority {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    auto_approve: Option<String>,
    fail_next: Option<FailNext>,
    /// Lower-case tenant ids where a token needs an interactive (MFA) sign-in at that tenant.
    mfa_tenants: HashSet<String>,
    device_interval: Duration,
    device_lifetime: Duration,
    access_lifetime: i64,
    /// Authorize requests waiting for a click on the sign-in page, by request id.
    pages: HashMap<String, AuthRequest>,
    codes: HashMap<String, Code>,
    refresh: HashMap<String, Refresh>,
    devices: Vec<Device>,
    /// Claims challenges by lower-case UPN.
    challenges: HashMap<String, Challenge>,
    /// Every secret the authority handed out or was shown, by kind, for tests that search a
    /// client's files for them: codes, PKCE verifiers, access, refresh and ID tokens, device
    /// codes.
    issued: Vec<(&'static str, String)>,
}

impl State {
    fn note_issued(&mut self, kind: &'static str, value: &str) {
        self.issued.push((kind, value.to_owned()));
    }
}

/// One failure the next matching token request answers with.
#[derive(Debug, Clone, Serialize)]
pub struct FailNext {
    /// `authorization_code`, `refresh_token`, `device_code`; None: any grant.
    pub grant: Option<String>,
    pub error: String,
    pub error_codes: Vec<u32>,
    pub error_description: Option<String>,
}

/// Who signed in, for which client, and at which tenants MFA was done.
#[allow(clippy::struct_field_names)] // `session_state` is the OAuth parameter's name.
#[derive(Debug, Clone)]
struct Session {
    upn: String,
    client_id: String,
    mfa: HashSet<String>,
    session_state: String,
}

/// The `{tenant}` path segment.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TenantPath {
    /// `organizations`, `common` or `consumers`: the user's home tenant.
    Any(String),
    /// A scenario tenant id (lower case).
    Id(String),
}

impl TenantPath {
    fn parse(world: &World, segment: &str) -> Option<TenantPath> {
        let lower = segment.to_ascii_lowercase();
        if ["organizations", "common", "consumers"].contains(&lower.as_str()) {
            return Some(TenantPath::Any(lower));
        }
        world
            .tenants
            .iter()
            .find(|t| {
                t.id.eq_ignore_ascii_case(segment) || t.default_domain.eq_ignore_ascii_case(segment)
            })
            .map(|t| TenantPath::Id(t.id.to_ascii_lowercase()))
    }

    fn allows(&self, user: &User) -> bool {
        match self {
            TenantPath::Any(_) => true,
            TenantPath::Id(t) => user.tenants.iter().any(|x| x.eq_ignore_ascii_case(t)),
        }
    }

    /// The tenant a token for `user` is issued in.
    fn resolve(&self, world: &World, user: &User, client_id: &str) -> Result<String, OAuthError> {
        match self {
            TenantPath::Any(_) => Ok(user.home_tenant.to_ascii_lowercase()),
            TenantPath::Id(t) if self.allows(user) => Ok(t.clone()),
            TenantPath::Id(t) => Err(not_member(world, user, t, client_id)),
        }
    }
}

fn not_member(world: &World, user: &User, tenant: &str, client_id: &str) -> OAuthError {
    let name = world
        .tenant(tenant)
        .map_or(tenant, |t| t.display_name.as_str());
    OAuthError::new(
        "invalid_grant",
        50020,
        format!(
            "User account '{}' from identity provider 'https://sts.windows.net/{}/' does not exist in tenant '{name}' and cannot access the application '{client_id}'({client_id}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.",
            user.upn, user.home_tenant
        ),
    )
}

/// An authorize request, validated.
#[derive(Debug, Clone)]
struct AuthRequest {
    tenant: TenantPath,
    tenant_segment: String,
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    code_challenge: String,
    scope: String,
    nonce: Option<String>,
    login_hint: Option<String>,
    claims: bool,
    client_info: bool,
    created: Instant,
}

#[allow(clippy::struct_field_names)] // `code_challenge` is the PKCE parameter's name.
#[derive(Debug)]
struct Code {
    session: Session,
    tenant: String,
    redirect_uri: String,
    code_challenge: String,
    scope: String,
    nonce: Option<String>,
    claims: bool,
    created: Instant,
    redeemed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefreshStatus {
    Active,
    /// Rotated: a newer refresh token replaced it.
    Used,
    Revoked,
}

#[derive(Debug)]
struct Refresh {
    session: Session,
    scope: String,
    issued: OffsetDateTime,
    expires: Instant,
    status: RefreshStatus,
}

#[derive(Debug, Clone)]
enum DeviceStatus {
    Pending,
    Approved(Session),
    Declined,
    Redeemed,
}

#[allow(clippy::struct_field_names)] // `device_code`/`user_code` are the OAuth names.
#[derive(Debug, Clone)]
struct Device {
    device_code: String,
    user_code: String,
    client_id: String,
    tenant: TenantPath,
    scope: String,
    expires: Instant,
    interval: Duration,
    last_poll: Option<Instant>,
    status: DeviceStatus,
}

#[derive(Debug, Clone)]
enum Challenge {
    /// The user's next ARM call gets a 401 claims challenge.
    Armed,
    /// Challenged: only a token issued for a request that carried `claims` passes (once).
    Awaiting {
        claims: String,
        accepted: HashSet<String>,
    },
}

impl Authority {
    pub fn new(settings: &Settings) -> Self {
        Authority {
            state: Mutex::new(State {
                auto_approve: settings.auto_approve.clone(),
                fail_next: None,
                mfa_tenants: settings
                    .mfa_tenants
                    .iter()
                    .map(|t| t.to_ascii_lowercase())
                    .collect(),
                device_interval: Duration::from_secs(settings.device_code_interval_secs),
                device_lifetime: Duration::from_secs(settings.device_code_lifetime_secs),
                access_lifetime: settings.access_token_lifetime_secs,
                pages: HashMap::new(),
                codes: HashMap::new(),
                refresh: HashMap::new(),
                devices: Vec::new(),
                challenges: HashMap::new(),
                issued: Vec::new(),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn set_auto_approve(&self, upn: Option<&str>) {
        self.state().auto_approve = upn.map(str::to_owned);
    }

    pub fn set_fail_next(&self, fail: Option<FailNext>) {
        self.state().fail_next = fail;
    }

    pub fn set_mfa_tenants(&self, tenants: &[String]) {
        self.state().mfa_tenants = tenants.iter().map(|t| t.to_ascii_lowercase()).collect();
    }

    pub fn mfa_tenants(&self) -> Vec<String> {
        let mut v: Vec<String> = self.state().mfa_tenants.iter().cloned().collect();
        v.sort();
        v
    }

    pub fn set_device_code_timing(&self, interval_secs: Option<u64>, lifetime_secs: Option<u64>) {
        let mut st = self.state();
        if let Some(i) = interval_secs {
            st.device_interval = Duration::from_secs(i);
        }
        if let Some(l) = lifetime_secs {
            st.device_lifetime = Duration::from_secs(l);
        }
    }

    pub fn set_access_token_lifetime(&self, secs: i64) {
        self.state().access_lifetime = secs;
    }

    /// Marks every refresh token of the user revoked; returns how many were active.
    pub fn revoke_refresh_tokens(&self, upn: &str) -> usize {
        let mut st = self.state();
        let mut n = 0;
        for rt in st.refresh.values_mut() {
            if rt.session.upn.eq_ignore_ascii_case(upn) && rt.status == RefreshStatus::Active {
                rt.status = RefreshStatus::Revoked;
                n += 1;
            }
        }
        n
    }

    /// Makes every refresh token of the user expired; returns how many were active.
    pub fn expire_refresh_tokens(&self, upn: &str) -> usize {
        let mut st = self.state();
        let now = Instant::now();
        let mut n = 0;
        for rt in st.refresh.values_mut() {
            if rt.session.upn.eq_ignore_ascii_case(upn) && rt.status == RefreshStatus::Active {
                rt.expires = now;
                n += 1;
            }
        }
        n
    }

    /// Arms a claims challenge for the user's next ARM call.
    pub fn arm_claims_challenge(&self, upn: &str) {
        self.state()
            .challenges
            .insert(upn.to_ascii_lowercase(), Challenge::Armed);
    }

    /// Approves (or, with `upn` None, declines) a pending device code; why not, on failure.
    pub fn decide_device_code(
        &self,
        app: &App,
        user_code: &str,
        upn: Option<&str>,
    ) -> Result<(), String> {
        let user = match upn {
            Some(u) => Some(
                app.world()
                    .user_by_upn(u)
                    .cloned()
                    .ok_or_else(|| format!("No user '{u}' in scenario '{}'.", app.scenario))?,
            ),
            None => None,
        };
        let world = app.world();
        let mut st = self.state();
        let wanted = normalize_user_code(user_code);
        let device = st
            .devices
            .iter_mut()
            .find(|d| d.user_code == wanted && matches!(d.status, DeviceStatus::Pending))
            .ok_or_else(|| format!("No pending device code '{user_code}'."))?;
        if Instant::now() >= device.expires {
            return Err(format!("The device code '{user_code}' has expired."));
        }
        device.status = match user {
            None => DeviceStatus::Declined,
            Some(user) => {
                let tenant = device
                    .tenant
                    .resolve(&world, &user, &device.client_id)
                    .map_err(|e| e.description)?;
                DeviceStatus::Approved(new_session(&user, &device.client_id, &tenant))
            }
        };
        Ok(())
    }

    /// Device codes waiting for approval: `[{user_code, client_id, tenant, expires_in}]`.
    pub fn pending_device_codes(&self) -> Value {
        let now = Instant::now();
        let st = self.state();
        let list: Vec<Value> = st
            .devices
            .iter()
            .filter(|d| matches!(d.status, DeviceStatus::Pending) && d.expires > now)
            .map(|d| {
                json!({
                    "user_code": d.user_code,
                    "client_id": d.client_id,
                    "tenant": match &d.tenant { TenantPath::Any(t) | TenantPath::Id(t) => t },
                    "expires_in": d.expires.saturating_duration_since(now).as_secs(),
                })
            })
            .collect();
        Value::Array(list)
    }

    /// Every secret handed out so far: `[{kind, value}]`.
    pub fn issued_secrets(&self) -> Value {
        let st = self.state();
        Value::Array(
            st.issued
                .iter()
                .map(|(kind, value)| json!({"kind": kind, "value": value}))
                .collect(),
        )
    }

    /// The control plane's view of the authority.
    pub fn describe(&self) -> Value {
        let st = self.state();
        let mut mfa: Vec<&String> = st.mfa_tenants.iter().collect();
        mfa.sort();
        json!({
            "auto_approve": st.auto_approve,
            "fail_next": st.fail_next,
            "mfa_tenants": mfa,
            "device_code_interval_secs": st.device_interval.as_secs(),
            "device_code_lifetime_secs": st.device_lifetime.as_secs(),
            "access_token_lifetime_secs": st.access_lifetime,
            "claims_challenges": st.challenges.keys().collect::<Vec<_>>(),
        })
    }

    /// ARM side: answers a claims challenge for a user who has one armed or outstanding.
    pub fn check_claims_challenge(&self, claims: &Claims, app: &App) -> Result<(), ArmError> {
        let key = claims.upn.to_ascii_lowercase();
        let mut st = self.state();
        let Some(challenge) = st.challenges.get_mut(&key) else {
            return Ok(());
        };
        let encoded = match challenge {
            Challenge::Awaiting { accepted, .. } if accepted.contains(&claims.uti) => {
                st.challenges.remove(&key);
                return Ok(());
            }
            Challenge::Awaiting { claims, .. } => claims.clone(),
            Challenge::Armed => {
                let json = json!({"access_token": {"nbf": {"essential": true, "value": App::now().unix_timestamp().to_string()}}});
                let encoded = STANDARD.encode(json.to_string());
                *challenge = Challenge::Awaiting {
                    claims: encoded.clone(),
                    accepted: HashSet::new(),
                };
                encoded
            }
        };
        let base = app.base_url.as_str();
        let value = format!(
            "Bearer authorization_uri=\"{base}{tid}/oauth2/v2.0/authorize\", error=\"insufficient_claims\", claims=\"{encoded}\"",
            tid = claims.tid
        );
        Err(ArmError::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp",
        )
        .with_header(HeaderName::from_static("www-authenticate"), &value))
    }
}

fn new_session(user: &User, client_id: &str, tenant: &str) -> Session {
    Session {
        upn: user.upn.clone(),
        client_id: client_id.to_owned(),
        mfa: HashSet::from([tenant.to_ascii_lowercase()]),
        session_state: random_guid(),
    }
}

fn normalize_user_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

pub fn random_guid() -> String {
    let v: u128 = rand::random();
    let h = format!("{v:032x}");
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// An OAuth error as Entra words it: `error`, an AADSTS code and its description.
#[derive(Debug, Clone)]
pub struct OAuthError {
    pub error: String,
    pub code: u32,
    pub description: String,
    pub suberror: Option<&'static str>,
    pub claims: Option<String>,
}

impl OAuthError {
    pub fn new(error: &str, code: u32, description: impl Into<String>) -> Self {
        OAuthError {
            error: error.to_owned(),
            code,
            description: description.into(),
            suberror: None,
            claims: None,
        }
    }

    fn missing(param: &str) -> Self {
        Self::new(
            "invalid_request",
            900_144,
            format!("The request body must contain the following parameter: '{param}'."),
        )
    }

    /// `AADSTS…: text` with Entra's trace, correlation and timestamp lines.
    fn full_description(&self, trace_id: &str, correlation_id: &str, timestamp: &str) -> String {
        format!(
            "AADSTS{}: {}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}",
            self.code, self.description
        )
    }

    /// The token endpoint's JSON error (HTTP 400).
    fn into_reply(self, app: &App, correlation_id: &str) -> Reply {
        let trace_id = random_guid();
        let timestamp = entra_time(App::now());
        let mut body = json!({
            "error": self.error,
            "error_description": self.full_description(&trace_id, correlation_id, &timestamp),
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("{}error?code={}", app.base_url, self.code),
        });
        if let Some(s) = self.suberror {
            body["suberror"] = json!(s);
        }
        if let Some(c) = self.claims {
            body["claims"] = json!(c);
        }
        no_store(Reply::json(StatusCode::BAD_REQUEST, body))
    }
}

/// Entra's `timestamp`: `2024-05-01 12:34:56Z`.
fn entra_time(t: OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]Z");
    t.format(&f).unwrap_or_default()
}

fn no_store(reply: Reply) -> Reply {
    reply
        .header(header::CACHE_CONTROL, "no-store, no-cache")
        .header(header::PRAGMA, "no-cache")
}

/// `client-request-id` when the client sent one (MSAL does), else a fresh id.
fn correlation_id(ctx: &Ctx<'_>) -> String {
    ctx.headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .map_or_else(random_guid, str::to_owned)
}

/// Decoded `application/x-www-form-urlencoded` body.
fn form(ctx: &Ctx<'_>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&ctx.body)
        .into_owned()
        .collect()
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Whether the path belongs to the authority rather than to ARM.
pub fn is_authority_path(segments: &[String]) -> bool {
    match segments {
        [first, ..] if first == "devicelogin" => true,
        [_, second, ..] if second == "oauth2" || second == "discovery" => true,
        [_, second, third, ..] => second == "v2.0" && third == ".well-known",
        _ => false,
    }
}

pub fn handle(ctx: &Ctx<'_>) -> Reply {
    let segs: Vec<&str> = ctx.segments.iter().map(String::as_str).collect();
    let get = ctx.method == axum::http::Method::GET;
    let post = ctx.method == axum::http::Method::POST;
    match segs.as_slice() {
        ["devicelogin"] if get => device::login_page(ctx),
        ["devicelogin"] if post => device::login_code(ctx),
        ["devicelogin", "approve"] if post => device::login_approve(ctx),
        [t, "oauth2", "v2.0", "authorize"] if get => authorize::authorize(ctx, t),
        [t, "oauth2", "v2.0", "authorize", "approve"] if post => authorize::approve(ctx, t),
        [t, "oauth2", "v2.0", "token"] if post => token::token(ctx, t),
        [t, "oauth2", "v2.0", "devicecode"] if post => device::devicecode(ctx, t),
        [t, "oauth2", "v2.0", "logout"] if get => authorize::logout(ctx, t),
        [t, "v2.0", ".well-known", "openid-configuration"] if get => openid_configuration(ctx, t),
        [_, "discovery", "v2.0", "keys"] if get => Reply::ok(json!({"keys": []})),
        _ => {
            let error = OAuthError::new(
                "invalid_request",
                900_561,
                format!(
                    "The endpoint only accepts {} requests. Received a {} request.",
                    if get { "POST" } else { "GET" },
                    ctx.method
                ),
            );
            let mut reply = error.into_reply(ctx.app, &correlation_id(ctx));
            reply.status = if segs.len() >= 3 {
                StatusCode::METHOD_NOT_ALLOWED
            } else {
                StatusCode::NOT_FOUND
            };
            reply
        }
    }
}

fn openid_configuration(ctx: &Ctx<'_>, tenant: &str) -> Reply {
    let world = ctx.app.world();
    let Some(path) = TenantPath::parse(&world, tenant) else {
        return unknown_tenant(tenant).into_reply(ctx.app, &correlation_id(ctx));
    };
    let base = ctx.app.base_url.as_str();
    let issuer_tenant = match &path {
        TenantPath::Any(_) => "{tenantid}".to_owned(),
        TenantPath::Id(t) => t.clone(),
    };
    Reply::ok(json!({
        "issuer": format!("{base}{issuer_tenant}/v2.0"),
        "authorization_endpoint": format!("{base}{tenant}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}{tenant}/oauth2/v2.0/token"),
        "device_authorization_endpoint": format!("{base}{tenant}/oauth2/v2.0/devicecode"),
        "end_session_endpoint": format!("{base}{tenant}/oauth2/v2.0/logout"),
        "jwks_uri": format!("{base}{tenant}/discovery/v2.0/keys"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["HS256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "claims_parameter_supported": true,
        "tenant_region_scope": "EU",
        "cloud_instance_name": "invoice-desk-emulator",
    }))
}

fn unknown_tenant(tenant: &str) -> OAuthError {
    OAuthError::new(
        "invalid_tenant",
        90_002,
        format!(
            "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
        ),
    )
}

/// The scopes of a request: one ARM resource (`…/.default`) plus OIDC scopes.
#[derive(Debug, Clone)]
struct Scopes {
    /// As requested, e.g. `https://management.core.windows.net//.default offline_access`.
    requested: String,
    /// The token audience: the resource scope without `/.default`.
    audience: String,
    /// What the token response lists as granted.
    granted: String,
    offline: bool,
    openid: bool,
}

const OIDC_SCOPES: &[&str] = &["openid", "profile", "email", "offline_access"];

fn parse_scopes(scope: &str, app: &App) -> Result<Scopes, OAuthError> {
    let mut resource: Option<&str> = None;
    let mut offline = false;
    let mut openid = false;
    for s in scope.split_whitespace() {
        match s {
            "offline_access" => offline = true,
            "openid" => openid = true,
            _ if OIDC_SCOPES.contains(&s) => {}
            _ => {
                let prefix = s
                    .strip_suffix(".default")
                    .or_else(|| s.strip_suffix("user_impersonation"))
                    .filter(|p| p.ends_with('/'))
                    .ok_or_else(|| invalid_scope(s))?;
                if resource.is_some_and(|r| r != prefix) {
                    return Err(OAuthError::new(
                        "invalid_scope",
                        28_000,
                        "Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ".to_owned() + scope + " is not valid.",
                    ));
                }
                resource = Some(prefix);
            }
        }
    }
    let Some(prefix) = resource else {
        return Err(invalid_scope(scope));
    };
    let audience = prefix.strip_suffix('/').unwrap_or(prefix).to_owned();
    let known = [
        crate::auth::AUDIENCE,
        crate::auth::LEGACY_AUDIENCE,
        app.base_url.as_str(),
    ];
    if !known
        .iter()
        .any(|k| k.trim_end_matches('/') == audience.trim_end_matches('/'))
    {
        return Err(OAuthError::new(
            "invalid_resource",
            500_011,
            format!(
                "The resource principal named {audience} was not found in the tenant. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant."
            ),
        ));
    }
    Ok(Scopes {
        requested: scope.split_whitespace().collect::<Vec<_>>().join(" "),
        granted: format!("{prefix}user_impersonation {prefix}.default"),
        audience,
        offline,
        openid,
    })
}

fn invalid_scope(scope: &str) -> OAuthError {
    OAuthError::new(
        "invalid_scope",
        70_011,
        format!(
            "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope '{scope}' does not name an Azure Resource Manager resource (use https://management.azure.com/.default or https://management.core.windows.net//.default)."
        ),
    )
}
