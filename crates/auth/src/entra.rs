//! The Entra ID v2 protocol as the `oauth2` crate sees it: error JSON, the extra token fields
//! (`id_token`, `client_info`, `foci`), the HTTP adapter over our reqwest client, and what an
//! issued token set tells us about the account.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use invoice_desk_logging::{Sensitive, redact};
use oauth2::basic::{
    BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    EndpointNotSet, ExtraTokenFields, RequestTokenError, StandardRevocableToken,
    StandardTokenResponse, TokenResponse as _,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use invoice_desk_billing::arm::CappedReadError;

use crate::error::AuthError;

/// AADSTS codes that mean "this tenant wants the user back" (MFA, re-authentication, an
/// external security challenge): only that tenant needs an interactive sign-in.
const INTERACTION_CODES: &[u32] = &[50072, 50074, 50076, 50079, 50158];
/// AADSTS codes meaning the app lacks consent in that tenant.
const CONSENT_CODES: &[u32] = &[65001];

/// The longest an access token is taken to live, whatever its `expires_in` says (Entra's
/// live an hour or so): a refresh is due by then anyway.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// Now plus a lifetime a server gave, at most `cap` ahead: an absurd number from outside
/// (`expires_in: 9223372036854775807`) can neither overflow the clock nor live forever.
pub(crate) fn expiry_after(lifetime: Duration, cap: Duration) -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    time::Duration::try_from(lifetime.min(cap))
        .ok()
        .and_then(|lifetime| now.checked_add(lifetime))
        .unwrap_or(now)
}

/// An Entra error body: `{"error": "...", "error_description": "AADSTS50076: ...", "error_codes": [50076], ...}`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntraError {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_codes: Vec<u32>,
    #[serde(default)]
    pub suberror: Option<String>,
    #[serde(default)]
    pub claims: Option<String>,
    #[serde(default)]
    pub trace_id: Option<String>,
    #[serde(default)]
    pub correlation_id: Option<String>,
}

impl fmt::Debug for EntraError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntraError")
            .field("error", &self.error)
            .field("error_codes", &self.error_codes)
            .field("suberror", &self.suberror)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for EntraError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)?;
        if let Some(description) = &self.error_description {
            write!(f, ": {}", redact(first_line(description)))?;
        }
        Ok(())
    }
}

impl oauth2::ErrorResponse for EntraError {}

impl EntraError {
    /// The AADSTS codes: `error_codes`, or the `AADSTSnnnnn:` prefix of the description.
    #[must_use]
    pub fn codes(&self) -> Vec<u32> {
        if !self.error_codes.is_empty() {
            return self.error_codes.clone();
        }
        self.error_description
            .as_deref()
            .and_then(|d| d.strip_prefix("AADSTS"))
            .map(|rest| {
                rest.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
            .and_then(|digits| digits.parse().ok())
            .into_iter()
            .collect()
    }

    /// Maps the error to what the app does about it. `tenant` is the tenant the request was for.
    #[must_use]
    pub fn into_auth_error(self, tenant: &str) -> AuthError {
        let codes = self.codes();
        let description = self
            .error_description
            .as_deref()
            .map(|d| redact(first_line(d)).into_owned())
            .unwrap_or_default();
        let has = |list: &[u32]| codes.iter().any(|c| list.contains(c));
        let suberror = self.suberror.as_deref().unwrap_or_default();
        match self.error.as_str() {
            "consent_required" => AuthError::ConsentRequired {
                tenant: tenant.to_owned(),
                description,
            },
            _ if suberror == "consent_required" || has(CONSENT_CODES) => {
                AuthError::ConsentRequired {
                    tenant: tenant.to_owned(),
                    description,
                }
            }
            "interaction_required" | "login_required" => AuthError::InteractionRequired {
                tenant: tenant.to_owned(),
                description,
                claims: self.claims,
            },
            _ if has(INTERACTION_CODES) => AuthError::InteractionRequired {
                tenant: tenant.to_owned(),
                description,
                claims: self.claims,
            },
            "invalid_grant" => AuthError::InvalidGrant { description },
            "access_denied" | "authorization_declined" => AuthError::Declined,
            "expired_token" | "code_expired" => AuthError::DeviceCodeExpired,
            other => AuthError::Authority {
                error: other.to_owned(),
                description,
            },
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// The fields Entra adds to a token response.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct EntraTokenFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_info: Option<String>,
    /// `"1"` when the refresh token is a family refresh token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foci: Option<String>,
}

impl fmt::Debug for EntraTokenFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntraTokenFields")
            .field("id_token", &self.id_token.as_ref().map(|_| "[redacted]"))
            .field("client_info", &self.client_info)
            .field("foci", &self.foci)
            .finish()
    }
}

impl ExtraTokenFields for EntraTokenFields {}

pub(crate) type EntraTokenResponse = StandardTokenResponse<EntraTokenFields, BasicTokenType>;

/// The `oauth2` client with Entra's error and token types; endpoints are set per flow.
pub(crate) type EntraClient<
    HasAuthUrl = EndpointNotSet,
    HasDeviceAuthUrl = EndpointNotSet,
    HasTokenUrl = EndpointNotSet,
> = oauth2::Client<
    EntraError,
    EntraTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    HasAuthUrl,
    HasDeviceAuthUrl,
    EndpointNotSet,
    EndpointNotSet,
    HasTokenUrl,
>;

/// A client for `client_id` that sends it in the request body (public client, no secret).
pub(crate) fn entra_client(client_id: &str) -> EntraClient {
    oauth2::Client::new(oauth2::ClientId::new(client_id.to_owned()))
        .set_auth_type(oauth2::AuthType::RequestBody)
}

/// The error our HTTP adapter hands `oauth2`: already redacted text.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct HttpError(pub(crate) String);

/// Builds the HTTP client for the authority: OS trust roots and proxy settings (reqwest's
/// defaults), never following redirects (a token endpoint that redirects is not trusted).
pub fn http_client() -> Result<reqwest::Client, AuthError> {
    reqwest::Client::builder()
        .user_agent(concat!("InvoiceDesk/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(15))
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(AuthError::network)
}

/// The most a token, device-code or discovery answer may hold: they are a few KB.
const MAX_TOKEN_BODY: usize = 1024 * 1024;

/// Runs one `oauth2` request over our reqwest client.
pub(crate) async fn execute(
    client: reqwest::Client,
    request: oauth2::HttpRequest,
) -> Result<oauth2::HttpResponse, HttpError> {
    let (parts, body) = request.into_parts();
    let response = client
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await
        .map_err(|e| HttpError(describe(e)))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = invoice_desk_billing::arm::read_capped(response, MAX_TOKEN_BODY)
        .await
        .map_err(|e| match e {
            CappedReadError::TooLarge => {
                HttpError(format!("the answer is larger than {MAX_TOKEN_BODY} bytes"))
            }
            CappedReadError::Transport(message) => HttpError(message),
        })?;
    let mut out = http::Response::new(body.to_vec());
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    Ok(out)
}

/// A reqwest error with its causes, without the URL's query.
pub(crate) fn describe(error: reqwest::Error) -> String {
    use std::error::Error as _;
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    redact(&text).into_owned()
}

/// Maps an `oauth2` request failure for `tenant` to an [`AuthError`]. Response bodies are never
/// copied into the error.
pub(crate) fn map_request_error<T: oauth2::ErrorResponse + 'static>(
    error: RequestTokenError<HttpError, T>,
    to_auth: impl FnOnce(T) -> AuthError,
) -> AuthError {
    match error {
        RequestTokenError::ServerResponse(e) => to_auth(e),
        RequestTokenError::Request(e) => AuthError::Network { message: e.0 },
        RequestTokenError::Parse(e, _body) => {
            AuthError::invalid_response(format!("malformed JSON at `{}`", e.path()))
        }
        RequestTokenError::Other(text) => AuthError::invalid_response(text),
    }
}

/// `client_info`: the account's object id and home tenant, `uid.utid` being the account key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientInfo {
    pub uid: String,
    pub utid: String,
}

impl ClientInfo {
    pub fn parse(encoded: &str) -> Result<Self, AuthError> {
        let bytes = decode_base64url(encoded)
            .ok_or_else(|| AuthError::invalid_response("client_info is not base64url"))?;
        serde_json::from_slice(&bytes)
            .map_err(|_| AuthError::invalid_response("client_info is not the expected JSON"))
    }

    #[must_use]
    pub fn account_id(&self) -> String {
        format!("{}.{}", self.uid, self.utid)
    }
}

/// The ID token claims the app shows. The ID token comes straight from the token endpoint over
/// TLS, which stands in for a signature check (OpenID Connect Core §3.1.3.7).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdTokenClaims {
    #[serde(default)]
    pub oid: Option<String>,
    #[serde(default)]
    pub tid: Option<String>,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub upn: Option<String>,
}

impl IdTokenClaims {
    pub fn parse(id_token: &str) -> Result<Self, AuthError> {
        let payload = id_token
            .split('.')
            .nth(1)
            .ok_or_else(|| AuthError::invalid_response("id_token is not a JWT"))?;
        let bytes = decode_base64url(payload)
            .ok_or_else(|| AuthError::invalid_response("id_token payload is not base64url"))?;
        serde_json::from_slice(&bytes)
            .map_err(|_| AuthError::invalid_response("id_token payload is not JSON"))
    }

    /// The sign-in name: `preferred_username`, else `upn`, else `email`.
    #[must_use]
    pub fn username(&self) -> Option<&str> {
        self.preferred_username
            .as_deref()
            .or(self.upn.as_deref())
            .or(self.email.as_deref())
    }
}

fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

/// What a token endpoint answered, reduced to what the app keeps. Debug never shows secrets.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: Sensitive<String>,
    pub refresh_token: Option<Sensitive<String>>,
    pub expires_on: OffsetDateTime,
    /// Granted scopes, when the server said.
    pub scopes: Vec<String>,
    pub id_token: Option<IdTokenClaims>,
    pub client_info: Option<ClientInfo>,
    /// The refresh token belongs to the family of first-party clients.
    pub foci: bool,
}

impl TokenSet {
    pub(crate) fn from_response(response: &EntraTokenResponse) -> Result<Self, AuthError> {
        let lifetime = response.expires_in().unwrap_or(Duration::from_secs(3600));
        let expires_on = expiry_after(lifetime, MAX_TOKEN_LIFETIME);
        let extra = response.extra_fields();
        let id_token = extra
            .id_token
            .as_deref()
            .map(IdTokenClaims::parse)
            .transpose()?;
        let client_info = extra
            .client_info
            .as_deref()
            .map(ClientInfo::parse)
            .transpose()?;
        Ok(Self {
            access_token: Sensitive(response.access_token().secret().clone()),
            refresh_token: response
                .refresh_token()
                .map(|t| Sensitive(t.secret().clone())),
            expires_on,
            scopes: response
                .scopes()
                .map(|s| s.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
            id_token,
            client_info,
            foci: extra.foci.as_deref() == Some("1"),
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::{ClientInfo, EntraError, IdTokenClaims};

    /// A JWT-shaped string built at run time (no token-looking literal in the repo).
    pub(crate) fn fake_jwt(claims: &serde_json::Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        format!("{header}.{payload}.c2ln")
    }

    fn error(json: &str) -> EntraError {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn an_absurd_expires_in_neither_panics_nor_lives_past_a_day() {
        for expires_in in [u64::MAX, 9_223_372_036_854_775_807, 0] {
            let response: super::EntraTokenResponse = serde_json::from_value(serde_json::json!({
                "access_token": "at", "token_type": "Bearer", "expires_in": expires_in
            }))
            .unwrap();
            let tokens = super::TokenSet::from_response(&response).unwrap();
            let ahead = tokens.expires_on - time::OffsetDateTime::now_utc();
            assert!(ahead <= time::Duration::DAY, "{expires_in}: {ahead}");
        }
    }

    #[test]
    fn maps_entra_errors() {
        let mfa = error(
            r#"{"error":"invalid_grant","error_description":"AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.\r\nTrace ID: x","error_codes":[50076],"suberror":"basic_action"}"#,
        );
        let err = mfa.into_auth_error("t2");
        assert_eq!(err.code(), "interaction_required");
        match &err {
            crate::AuthError::InteractionRequired {
                tenant,
                description,
                ..
            } => {
                assert_eq!(tenant, "t2");
                assert!(description.starts_with("AADSTS50076"));
                assert!(!description.contains("Trace ID"));
            }
            other => panic!("{other:?}"),
        }
        // Without error_codes the description prefix still counts.
        let mfa = error(r#"{"error":"invalid_grant","error_description":"AADSTS50079: enrol"}"#);
        assert_eq!(mfa.codes(), vec![50079]);
        assert_eq!(mfa.into_auth_error("t").code(), "interaction_required");

        let expired = error(
            r#"{"error":"invalid_grant","error_description":"AADSTS700082: The refresh token has expired","error_codes":[700082]}"#,
        );
        assert_eq!(expired.into_auth_error("t").code(), "invalid_grant");
        let interaction =
            error(r#"{"error":"interaction_required","claims":"{\"access_token\":{}}"}"#);
        match interaction.into_auth_error("t3") {
            crate::AuthError::InteractionRequired { claims, .. } => {
                assert!(claims.unwrap().contains("access_token"));
            }
            other => panic!("{other:?}"),
        }
        let consent = error(r#"{"error":"invalid_grant","error_codes":[65001]}"#);
        assert_eq!(consent.into_auth_error("t").code(), "consent_required");
        assert_eq!(
            error(r#"{"error":"authorization_declined"}"#)
                .into_auth_error("t")
                .code(),
            "declined"
        );
        assert_eq!(
            error(r#"{"error":"expired_token"}"#)
                .into_auth_error("t")
                .code(),
            "device_code_expired"
        );
        let other = error(r#"{"error":"invalid_client","error_description":"AADSTS7000218"}"#);
        assert_eq!(other.into_auth_error("t").code(), "authority_error");
    }

    #[test]
    fn parses_client_info_and_id_token() {
        let info = URL_SAFE_NO_PAD.encode(br#"{"uid":"u-1","utid":"t-1"}"#);
        let parsed = ClientInfo::parse(&info).unwrap();
        assert_eq!(parsed.account_id(), "u-1.t-1");
        assert!(ClientInfo::parse("%%%").is_err());
        let jwt = fake_jwt(&serde_json::json!({
            "oid": "u-1", "tid": "t-1", "preferred_username": "ada@contoso.example", "name": "Ada"
        }));
        let claims = IdTokenClaims::parse(&jwt).unwrap();
        assert_eq!(claims.username(), Some("ada@contoso.example"));
        assert_eq!(claims.name.as_deref(), Some("Ada"));
        assert!(IdTokenClaims::parse("not-a-jwt").is_err());
    }
}
