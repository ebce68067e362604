//! Sign-in in the system browser: authorization code + PKCE (S256) with a loopback redirect
//! (RFC 8252), built on the `oauth2` crate.

use std::time::Duration;

use oauth2::{
    AuthUrl, AuthorizationCode as OAuthCode, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope,
    TokenUrl,
};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::config::AuthConfig;
use crate::entra::{TokenSet, entra_client, execute, map_request_error};
use crate::error::AuthError;
use crate::loopback::{CompletionPage, LoopbackListener};

/// Five minutes, as the Azure SDKs wait for the browser.
pub const DEFAULT_BROWSER_TIMEOUT: Duration = Duration::from_secs(300);

/// What to ask for in one browser sign-in.
#[derive(Debug, Clone)]
pub struct BrowserOptions {
    /// The tenant to sign in to; `None` is the configured one (`organizations` by default).
    pub tenant: Option<String>,
    /// Scopes; empty means the cloud's ARM scope. `openid profile offline_access` are added.
    pub scopes: Vec<String>,
    /// `prompt`; `select_account` by default so the user can pick among signed-in accounts.
    pub prompt: Option<String>,
    /// Pre-fills the account (re-sign-in for one tenant).
    pub login_hint: Option<String>,
    pub domain_hint: Option<String>,
    /// A claims challenge (JSON) from a `WWW-Authenticate` or an `interaction_required` error.
    pub claims: Option<String>,
    pub timeout: Duration,
    pub page: CompletionPage,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        Self {
            tenant: None,
            scopes: Vec::new(),
            prompt: Some("select_account".into()),
            login_hint: None,
            domain_hint: None,
            claims: None,
            timeout: DEFAULT_BROWSER_TIMEOUT,
            page: CompletionPage::default(),
        }
    }
}

/// The scopes sent: the requested ones (or the ARM scope) plus the OpenID ones MSAL adds.
pub(crate) fn request_scopes(
    config: &AuthConfig,
    scopes: &[String],
) -> Result<Vec<String>, AuthError> {
    let mut out: Vec<String> = if scopes.is_empty() {
        vec![config.cloud.arm_scope()?]
    } else {
        scopes.to_vec()
    };
    for extra in ["openid", "profile", "offline_access"] {
        if !out.iter().any(|s| s == extra) {
            out.push(extra.to_owned());
        }
    }
    Ok(out)
}

/// Runs one browser sign-in: binds the loopback listener, hands the authorize URL to
/// `open_browser` (the app uses its opener; tests drive the URL themselves), waits for the
/// redirect, and redeems the code with the PKCE verifier.
pub async fn sign_in_with_browser<F>(
    http: &reqwest::Client,
    config: &AuthConfig,
    options: &BrowserOptions,
    open_browser: F,
    cancel: &CancellationToken,
) -> Result<TokenSet, AuthError>
where
    F: Fn(&Url) -> Result<(), AuthError>,
{
    config.validate()?;
    let tenant = options.tenant.as_deref().unwrap_or(&config.tenant);
    let authorize = config.cloud.authority_endpoint(tenant, "authorize")?;
    let token = config.cloud.authority_endpoint(tenant, "token")?;
    let listener = LoopbackListener::bind().await?;
    let redirect = config.redirect_host.redirect_uri(listener.port());
    let client = entra_client(&config.client_id)
        .set_auth_uri(AuthUrl::from_url(authorize))
        .set_token_uri(TokenUrl::from_url(token))
        .set_redirect_uri(RedirectUrl::new(redirect).map_err(|_| AuthError::Listener {
            message: "cannot build the redirect URI".into(),
        })?);
    // Fresh PKCE verifier (43 characters) and state for every attempt.
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(
            request_scopes(config, &options.scopes)?
                .into_iter()
                .map(Scope::new),
        )
        .set_pkce_challenge(challenge)
        .add_extra_param("client_info", "1");
    if let Some(prompt) = options.prompt.as_deref().filter(|p| !p.is_empty()) {
        request = request.add_extra_param("prompt", prompt);
    }
    if let Some(hint) = &options.login_hint {
        request = request.add_extra_param("login_hint", hint.as_str());
    }
    if let Some(hint) = &options.domain_hint {
        request = request.add_extra_param("domain_hint", hint.as_str());
    }
    if let Some(claims) = &options.claims {
        request = request.add_extra_param("claims", claims.as_str());
    }
    let (url, state) = request.url();
    open_browser(&url)?;
    let code = listener
        .wait(
            state.secret(),
            &options.page,
            tenant,
            options.timeout,
            cancel,
        )
        .await?;
    let http_client = |request| execute(http.clone(), request);
    let exchange = client
        .exchange_code(OAuthCode::new(code.0.expose().clone()))
        .set_pkce_verifier(verifier)
        .add_extra_param("client_info", "1")
        .request_async(&http_client);
    let response = tokio::select! {
        () = cancel.cancelled() => return Err(AuthError::Cancelled),
        response = exchange => response,
    };
    let response = response.map_err(|e| map_request_error(e, |e| e.into_auth_error(tenant)))?;
    TokenSet::from_response(&response)
}

#[cfg(test)]
mod tests {
    use super::{AuthConfig, request_scopes};
    use crate::cloud::Cloud;

    #[test]
    fn scopes_default_to_arm_plus_openid() {
        let config = AuthConfig::default();
        assert_eq!(
            request_scopes(&config, &[]).unwrap(),
            vec![
                "https://management.core.windows.net//.default",
                "openid",
                "profile",
                "offline_access"
            ]
        );
        let config = AuthConfig {
            cloud: Cloud::AzureChina,
            ..AuthConfig::default()
        };
        let scopes = request_scopes(&config, &["x/.default".into(), "openid".into()]).unwrap();
        assert_eq!(
            scopes,
            vec!["x/.default", "openid", "profile", "offline_access"]
        );
    }
}
