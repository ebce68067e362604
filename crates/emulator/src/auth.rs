//! Bearer tokens: JWT-shaped, HMAC-SHA256 signed with a key made fresh for every run.

use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::error::ArmError;
use crate::scenario::model::User;

type HmacSha256 = Hmac<Sha256>;

pub const AUDIENCE: &str = "https://management.azure.com/";

/// The other audience ARM accepts (what `https://management.core.windows.net//.default` yields).
pub const LEGACY_AUDIENCE: &str = "https://management.core.windows.net/";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub aud: String,
    pub iss: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub oid: String,
    pub tid: String,
    pub upn: String,
    pub name: String,
    /// Unique token id (Entra's `uti`): lets the claims challenge recognise one token.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uti: String,
    /// The client the token was issued to (tokens from the authority only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scp: Option<String>,
}

/// What an access token is for: the user, tenant, audience, lifetime and client.
#[derive(Debug, Clone, Copy)]
pub struct AccessSpec<'a> {
    pub user: &'a User,
    pub tenant: &'a str,
    pub audience: &'a str,
    pub lifetime_secs: i64,
    pub client_id: Option<&'a str>,
}

/// A random URL-safe string of `bytes` random bytes (no dots: never JWT-shaped).
pub fn random_string(bytes: usize) -> String {
    let raw: Vec<u8> = (0..bytes).map(|_| rand::random::<u8>()).collect();
    URL_SAFE_NO_PAD.encode(raw)
}

#[derive(Debug)]
pub struct TokenKey {
    key: [u8; 32],
}

impl TokenKey {
    pub fn random() -> Self {
        TokenKey {
            key: rand::random(),
        }
    }

    fn sign(&self, data: &[u8]) -> Vec<u8> {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("hmac key");
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }

    pub fn mint(
        &self,
        user: &User,
        tenant: &str,
        lifetime_secs: i64,
        now: OffsetDateTime,
    ) -> String {
        let spec = AccessSpec {
            user,
            tenant,
            audience: AUDIENCE,
            lifetime_secs,
            client_id: None,
        };
        self.mint_access(&spec, now).0
    }

    /// An ARM access token and its claims.
    pub fn mint_access(&self, spec: &AccessSpec<'_>, now: OffsetDateTime) -> (String, Claims) {
        let iat = now.unix_timestamp();
        let claims = Claims {
            aud: spec.audience.to_owned(),
            iss: format!("https://sts.windows.net/{}/", spec.tenant),
            iat,
            nbf: iat.min(iat + spec.lifetime_secs),
            exp: iat + spec.lifetime_secs,
            oid: spec.user.object_id.clone(),
            tid: spec.tenant.to_owned(),
            upn: spec.user.upn.clone(),
            name: spec.user.display_name.clone(),
            uti: random_string(16),
            appid: spec.client_id.map(str::to_owned),
            scp: spec.client_id.map(|_| "user_impersonation".to_owned()),
        };
        (self.sign_jwt(&claims), claims)
    }

    /// A JWT-shaped, HMAC-signed token carrying any claims (access and ID tokens).
    pub fn sign_jwt<T: Serialize>(&self, claims: &T) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
        let signing_input = format!("{header}.{payload}");
        let sig = URL_SAFE_NO_PAD.encode(self.sign(signing_input.as_bytes()));
        format!("{signing_input}.{sig}")
    }

    /// Checks signature, audience and expiry, mapping failures to ARM's 401 answers. ARM takes
    /// both of its audiences, and the emulator also takes its own base URL as one.
    pub fn verify(
        &self,
        headers: &HeaderMap,
        now: OffsetDateTime,
        own_audience: &str,
    ) -> Result<Claims, ArmError> {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return Err(unauthorized(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.",
            ));
        };
        let value = value.to_str().unwrap_or_default();
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or_else(|| {
                unauthorized(
                    "AuthenticationFailedInvalidHeader",
                    "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                    "The authentication failed because of invalid 'Authorization' header format.",
                )
            })?;
        let claims = self.decode(token.trim()).ok_or_else(invalid_token)?;
        let aud = claims.aud.trim_end_matches('/');
        if ![AUDIENCE, LEGACY_AUDIENCE, own_audience]
            .iter()
            .any(|a| a.trim_end_matches('/') == aud)
        {
            return Err(unauthorized(
                "InvalidAuthenticationTokenAudience",
                &format!(
                    "The access token has been obtained for wrong audience or resource '{}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.azure.com/'.",
                    claims.aud
                ),
                "The access token has been obtained for wrong audience.",
            ));
        }
        let now_ts = now.unix_timestamp();
        if claims.exp <= now_ts {
            let message = format!(
                "The access token expiry UTC time '{}' is earlier than current UTC time '{}'.",
                arm_time(claims.exp),
                arm_time(now_ts)
            );
            return Err(unauthorized(
                "ExpiredAuthenticationToken",
                &message,
                "The access token expiry UTC time is earlier than current UTC time.",
            ));
        }
        Ok(claims)
    }

    fn decode(&self, token: &str) -> Option<Claims> {
        let mut parts = token.split('.');
        let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let sig = URL_SAFE_NO_PAD.decode(s).ok()?;
        let mut mac = HmacSha256::new_from_slice(&self.key).ok()?;
        mac.update(format!("{h}.{p}").as_bytes());
        mac.verify_slice(&sig).ok()?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).ok()?).ok()
    }
}

fn invalid_token() -> ArmError {
    unauthorized(
        "InvalidAuthenticationToken",
        "The access token is invalid.",
        "The access token is invalid.",
    )
}

/// ARM prints times like `5/2/2019 2:29:51 PM`.
fn arm_time(ts: i64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp(ts) else {
        return ts.to_string();
    };
    let (h12, ampm) = match t.hour() {
        0 => (12, "AM"),
        h @ 1..=11 => (h, "AM"),
        12 => (12, "PM"),
        h => (h - 12, "PM"),
    };
    format!(
        "{}/{}/{} {}:{:02}:{:02} {}",
        u8::from(t.month()),
        t.day(),
        t.year(),
        h12,
        t.minute(),
        t.second(),
        ampm
    )
}

fn unauthorized(code: &str, message: &str, description: &str) -> ArmError {
    let challenge = format!(
        "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\", error_description=\"{description}\""
    );
    ArmError::new(StatusCode::UNAUTHORIZED, code, message)
        .with_header(HeaderName::from_static("www-authenticate"), &challenge)
}
