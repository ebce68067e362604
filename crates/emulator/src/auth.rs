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
        let iat = now.unix_timestamp();
        let claims = Claims {
            aud: AUDIENCE.to_owned(),
            iss: format!("https://sts.windows.net/{tenant}/"),
            iat,
            nbf: iat.min(iat + lifetime_secs),
            exp: iat + lifetime_secs,
            oid: user.object_id.clone(),
            tid: tenant.to_owned(),
            upn: user.upn.clone(),
            name: user.display_name.clone(),
        };
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap_or_default());
        let signing_input = format!("{header}.{payload}");
        let sig = URL_SAFE_NO_PAD.encode(self.sign(signing_input.as_bytes()));
        format!("{signing_input}.{sig}")
    }

    /// Checks signature, audience and expiry, mapping failures to ARM's 401 answers.
    pub fn verify(&self, headers: &HeaderMap, now: OffsetDateTime) -> Result<Claims, ArmError> {
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
        if claims.aud.trim_end_matches('/') != AUDIENCE.trim_end_matches('/') {
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
