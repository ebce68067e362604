//! `POST /{tenant}/oauth2/v2.0/token`: authorization code (+ PKCE), refresh token (rotated,
//! any tenant of the user) and device code grants.

use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{
    CODE_LIFETIME, Challenge, DeviceStatus, OAuthError, REFRESH_LIFETIME, Refresh, RefreshStatus,
    Scopes, Session, State, TenantPath, correlation_id, form, no_store, param, parse_scopes,
    random_guid, unknown_tenant,
};
use crate::app::{App, Ctx};
use crate::auth::{AccessSpec, random_string};
use crate::reply::Reply;
use crate::scenario::model::{User, World};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// MSAL's `client_info`: base64url JSON `{"uid","utid"}` (object id, home tenant).
pub(super) fn client_info(user: &User) -> String {
    URL_SAFE_NO_PAD.encode(json!({"uid": user.object_id, "utid": user.home_tenant}).to_string())
}

pub(super) fn token(ctx: &Ctx<'_>, tenant: &str) -> Reply {
    let fields = form(ctx);
    let correlation = correlation_id(ctx);
    match grant(ctx, tenant, &fields) {
        Ok(v) => no_store(Reply::ok(v)),
        Err(e) => e.into_reply(ctx.app, &correlation),
    }
}

fn grant(ctx: &Ctx<'_>, tenant: &str, fields: &[(String, String)]) -> Result<Value, OAuthError> {
    let world = ctx.app.world();
    let path = TenantPath::parse(&world, tenant).ok_or_else(|| unknown_tenant(tenant))?;
    let grant_type =
        param(fields, "grant_type").ok_or_else(|| OAuthError::missing("grant_type"))?;
    let basic = basic_client_id(ctx);
    let client_id = param(fields, "client_id")
        .or(basic.as_deref())
        .ok_or_else(|| OAuthError::missing("client_id"))?;
    let short = match grant_type {
        "authorization_code" | "refresh_token" => grant_type,
        DEVICE_GRANT => "device_code",
        other => {
            return Err(OAuthError::new(
                "unsupported_grant_type",
                70_003,
                format!("The app requested an unsupported grant type '{other}'."),
            ));
        }
    };
    let mut st = ctx.app.authority.state();
    if st
        .fail_next
        .as_ref()
        .is_some_and(|f| f.grant.as_deref().is_none_or(|g| g == short))
    {
        let f = st.fail_next.take().unwrap_or_else(|| unreachable!());
        let code = f.error_codes.first().copied().unwrap_or(0);
        let mut e = OAuthError::new(
            &f.error,
            code,
            f.error_description
                .unwrap_or_else(|| injected_description(code)),
        );
        if f.error == "interaction_required" {
            e.suberror = Some("basic_action");
        }
        return Err(e);
    }
    let claims = param(fields, "claims").is_some();
    let g = Grant {
        app: ctx.app,
        world: &world,
        path: &path,
        client_id,
        fields,
        claims,
    };
    match short {
        "authorization_code" => g.code(&mut st),
        "refresh_token" => g.refresh(&mut st),
        _ => g.device(&mut st),
    }
}

/// The client id of an `Authorization: Basic` header (public clients send no secret).
fn basic_client_id(ctx: &Ctx<'_>) -> Option<String> {
    let value = ctx
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let id = text.split(':').next()?;
    let id = percent_encoding::percent_decode_str(id)
        .decode_utf8()
        .ok()?;
    (!id.is_empty()).then(|| id.into_owned())
}

fn injected_description(code: u32) -> String {
    match code {
        50_076 => "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.".into(),
        50_173 => "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.".into(),
        700_082 => "The refresh token has expired due to inactivity.".into(),
        53_003 => "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.".into(),
        _ => "Failure injected through the emulator's control plane (POST /_emulator/authority fail_next).".into(),
    }
}

struct Grant<'a> {
    app: &'a App,
    world: &'a World,
    path: &'a TenantPath,
    client_id: &'a str,
    fields: &'a [(String, String)],
    claims: bool,
}

impl Grant<'_> {
    fn user(&self, upn: &str) -> Result<User, OAuthError> {
        self.world.user_by_upn(upn).cloned().ok_or_else(|| {
            OAuthError::new(
                "invalid_grant",
                50_034,
                format!("The user account {upn} does not exist in the directory."),
            )
        })
    }

    /// The tenant of the token: the path's tenant id, else `fallback` (home or the code's).
    fn tenant_for(&self, user: &User, fallback: &str) -> Result<String, OAuthError> {
        match self.path {
            TenantPath::Any(_) => Ok(fallback.to_owned()),
            TenantPath::Id(_) => self.path.resolve(self.world, user, self.client_id),
        }
    }

    fn code(&self, st: &mut State) -> Result<Value, OAuthError> {
        let code = param(self.fields, "code").ok_or_else(|| OAuthError::missing("code"))?;
        let redirect_uri = param(self.fields, "redirect_uri")
            .ok_or_else(|| OAuthError::missing("redirect_uri"))?;
        let verifier = param(self.fields, "code_verifier")
            .ok_or_else(|| OAuthError::missing("code_verifier"))?;
        st.note_issued("code_verifier", verifier);
        let Some(entry) = st.codes.get_mut(code) else {
            return Err(OAuthError::new(
                "invalid_grant",
                70_000,
                "The provided value for the 'code' parameter is not valid.",
            ));
        };
        // Any redemption attempt uses the code up: a failed guess cannot be retried.
        let already = std::mem::replace(&mut entry.redeemed, true);
        if already {
            return Err(OAuthError::new(
                "invalid_grant",
                54_005,
                "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
            ));
        }
        if entry.created.elapsed() > CODE_LIFETIME {
            return Err(OAuthError::new(
                "invalid_grant",
                70_008,
                "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
            ));
        }
        if entry.session.client_id != self.client_id {
            return Err(OAuthError::new(
                "invalid_grant",
                70_000,
                "The provided value for the 'code' parameter is not valid. The code was issued to a different client.",
            ));
        }
        if !super::authorize::same_redirect(&entry.redirect_uri, redirect_uri) {
            return Err(OAuthError::new(
                "invalid_grant",
                500_112,
                format!(
                    "The reply address '{redirect_uri}' does not match the reply address '{}' provided when requesting Authorization code.",
                    entry.redirect_uri
                ),
            ));
        }
        let digest = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        if !(43..=128).contains(&verifier.len()) || digest != entry.code_challenge {
            return Err(OAuthError::new(
                "invalid_grant",
                501_481,
                "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
            ));
        }
        let session = entry.session.clone();
        let fallback = entry.tenant.clone();
        let scope = param(self.fields, "scope").map_or_else(|| entry.scope.clone(), str::to_owned);
        let nonce = entry.nonce.clone();
        let claims = self.claims || entry.claims;
        let user = self.user(&session.upn)?;
        let tenant = self.tenant_for(&user, &fallback)?;
        let scopes = parse_scopes(&scope, self.app)?;
        let issue = Issue {
            user: &user,
            tenant: &tenant,
            session: &session,
            scopes: &scopes,
            nonce: nonce.as_deref(),
            claims,
            refresh: scopes.offline,
        };
        issue.run(self.app, st)
    }

    fn refresh(&self, st: &mut State) -> Result<Value, OAuthError> {
        let rt = param(self.fields, "refresh_token")
            .ok_or_else(|| OAuthError::missing("refresh_token"))?;
        let Some(entry) = st.refresh.get_mut(rt) else {
            return Err(OAuthError::new(
                "invalid_grant",
                9_002_313,
                "Invalid request. Request is malformed or invalid: the refresh token is not valid.",
            ));
        };
        match entry.status {
            RefreshStatus::Active => {}
            RefreshStatus::Used => {
                return Err(OAuthError::new(
                    "invalid_grant",
                    70_000,
                    "The provided value for the 'refresh_token' parameter is not valid: it was already redeemed and replaced by a newer refresh token (rotation). Use the refresh token returned with the last token response.",
                ));
            }
            RefreshStatus::Revoked => {
                return Err(OAuthError::new(
                    "invalid_grant",
                    50_173,
                    format!(
                        "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{}' and the TokensValidFrom date (before which tokens are not valid) for this user is later.",
                        super::entra_time(entry.issued)
                    ),
                ));
            }
        }
        if Instant::now() >= entry.expires {
            return Err(OAuthError::new(
                "invalid_grant",
                700_082,
                format!(
                    "The refresh token has expired due to inactivity. The token was issued on {} and was inactive for 90.00:00:00.",
                    super::entra_time(entry.issued)
                ),
            ));
        }
        if entry.session.client_id != self.client_id {
            return Err(OAuthError::new(
                "invalid_grant",
                70_000,
                "The provided value for the 'refresh_token' parameter is not valid. The refresh token was issued to a different client.",
            ));
        }
        let session = entry.session.clone();
        let scope = param(self.fields, "scope").map_or_else(|| entry.scope.clone(), str::to_owned);
        let user = self.user(&session.upn)?;
        let home = user.home_tenant.to_ascii_lowercase();
        let tenant = self.tenant_for(&user, &home)?;
        let scopes = parse_scopes(&scope, self.app)?;
        let issue = Issue {
            user: &user,
            tenant: &tenant,
            session: &session,
            scopes: &scopes,
            nonce: None,
            claims: self.claims,
            refresh: true,
        };
        let value = issue.run(self.app, st)?;
        // Rotation: the old refresh token is spent once a new one is out.
        if let Some(old) = st.refresh.get_mut(rt) {
            old.status = RefreshStatus::Used;
        }
        Ok(value)
    }

    fn device(&self, st: &mut State) -> Result<Value, OAuthError> {
        let code = param(self.fields, "device_code")
            .or_else(|| param(self.fields, "code"))
            .ok_or_else(|| OAuthError::missing("device_code"))?;
        let now = Instant::now();
        let Some(device) = st
            .devices
            .iter_mut()
            .find(|d| d.device_code == code && d.client_id == self.client_id)
        else {
            return Err(OAuthError::new(
                "invalid_grant",
                70_000,
                "The provided value for the 'device_code' parameter is not valid.",
            ));
        };
        if matches!(device.status, DeviceStatus::Redeemed) {
            return Err(OAuthError::new(
                "invalid_grant",
                54_005,
                "The device code was already redeemed; start a new device code sign-in.",
            ));
        }
        if now >= device.expires {
            return Err(OAuthError::new(
                "expired_token",
                70_019,
                "Verification code expired.",
            ));
        }
        let session = match &device.status {
            DeviceStatus::Declined => {
                return Err(OAuthError::new(
                    "authorization_declined",
                    70_018,
                    "The user declined the device sign-in request.",
                ));
            }
            DeviceStatus::Pending => {
                let too_soon = device
                    .last_poll
                    .is_some_and(|t| now.duration_since(t) < device.interval);
                device.last_poll = Some(now);
                return Err(if too_soon {
                    OAuthError::new(
                        "slow_down",
                        70_016,
                        format!(
                            "OAuth 2.0 device flow error. Polled more often than every {} seconds: slow down.",
                            device.interval.as_secs()
                        ),
                    )
                } else {
                    OAuthError::new(
                        "authorization_pending",
                        70_016,
                        "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                    )
                });
            }
            DeviceStatus::Approved(s) => s.clone(),
            DeviceStatus::Redeemed => unreachable!("handled above"),
        };
        device.status = DeviceStatus::Redeemed;
        let scope = device.scope.clone();
        let device_tenant = device.tenant.clone();
        let user = self.user(&session.upn)?;
        let fallback = device_tenant.resolve(self.world, &user, self.client_id)?;
        let tenant = self.tenant_for(&user, &fallback)?;
        let scopes = parse_scopes(&scope, self.app)?;
        Issue {
            user: &user,
            tenant: &tenant,
            session: &session,
            scopes: &scopes,
            nonce: None,
            claims: self.claims,
            refresh: scopes.offline,
        }
        .run(self.app, st)
    }
}

/// One token response.
struct Issue<'a> {
    user: &'a User,
    tenant: &'a str,
    session: &'a Session,
    scopes: &'a Scopes,
    nonce: Option<&'a str>,
    /// The request (or its authorize step) carried `claims`.
    claims: bool,
    refresh: bool,
}

impl Issue<'_> {
    fn run(&self, app: &App, st: &mut State) -> Result<Value, OAuthError> {
        if st.mfa_tenants.contains(self.tenant) && !self.session.mfa.contains(self.tenant) {
            let policy = random_guid();
            let mut e = OAuthError::new(
                "interaction_required",
                50_076,
                format!(
                    "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{}'.",
                    self.scopes.audience
                ),
            );
            e.suberror = Some("basic_action");
            e.claims = Some(
                json!({"access_token": {"capolids": {"essential": true, "values": [policy]}}})
                    .to_string(),
            );
            return Err(e);
        }
        let now = App::now();
        let lifetime = st.access_lifetime;
        let (access_token, claims) = app.tokens.mint_access(
            &AccessSpec {
                user: self.user,
                tenant: self.tenant,
                audience: &self.scopes.audience,
                lifetime_secs: lifetime,
                client_id: Some(&self.session.client_id),
            },
            now,
        );
        if self.claims
            && let Some(Challenge::Awaiting { accepted, .. }) =
                st.challenges.get_mut(&self.user.upn.to_ascii_lowercase())
        {
            accepted.insert(claims.uti.clone());
        }
        st.note_issued("access_token", &access_token);
        let mut body = json!({
            "token_type": "Bearer",
            "scope": self.scopes.granted,
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": access_token,
            "client_info": client_info(self.user),
        });
        if self.refresh {
            let rt = random_string(96);
            st.refresh.insert(
                rt.clone(),
                Refresh {
                    session: self.session.clone(),
                    scope: self.scopes.requested.clone(),
                    issued: now,
                    expires: Instant::now() + REFRESH_LIFETIME,
                    status: RefreshStatus::Active,
                },
            );
            st.note_issued("refresh_token", &rt);
            body["refresh_token"] = json!(rt);
        }
        if self.scopes.openid {
            let iat = now.unix_timestamp();
            let mut id = json!({
                "aud": self.session.client_id,
                "iss": format!("{}{}/v2.0", app.base_url, self.tenant),
                "iat": iat,
                "nbf": iat,
                "exp": iat + 3600,
                "name": self.user.display_name,
                "oid": self.user.object_id,
                "preferred_username": self.user.upn,
                "sub": URL_SAFE_NO_PAD.encode(Sha256::digest(format!("{}|{}", self.user.object_id, self.session.client_id))),
                "tid": self.tenant,
                "ver": "2.0",
            });
            if let Some(n) = self.nonce {
                id["nonce"] = json!(n);
            }
            let id_token = app.tokens.sign_jwt(&id);
            st.note_issued("id_token", &id_token);
            body["id_token"] = json!(id_token);
        }
        Ok(body)
    }
}
