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
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use tokio_util::sync::CancellationToken;
    use url::Url;

    use super::{AuthConfig, BrowserOptions, request_scopes, sign_in_with_browser};
    use crate::cloud::Cloud;
    use crate::config::RedirectHost;
    use crate::error::AuthError;

    fn loopback_config() -> AuthConfig {
        AuthConfig {
            cloud: Cloud::Custom {
                authority_host: "http://127.0.0.1:9".into(),
                arm_endpoint: "http://127.0.0.1:9".into(),
                token_scope: String::new(),
            },
            redirect_host: RedirectHost::Loopback127,
            ..AuthConfig::default()
        }
    }

    /// Starts an attempt, captures the authorize URL, and cancels it.
    async fn authorize_url(options: &BrowserOptions) -> HashMap<String, String> {
        let seen = Arc::new(Mutex::new(None));
        let cancel = CancellationToken::new();
        let open = {
            let seen = seen.clone();
            let cancel = cancel.clone();
            move |url: &Url| {
                *seen.lock().unwrap() = Some(url.clone());
                cancel.cancel();
                Ok(())
            }
        };
        let http = crate::entra::http_client().unwrap();
        let err = sign_in_with_browser(&http, &loopback_config(), options, open, &cancel)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "cancelled");
        let url = seen.lock().unwrap().clone().unwrap();
        assert_eq!(url.path(), "/organizations/oauth2/v2.0/authorize");
        url.query_pairs().into_owned().collect()
    }

    #[tokio::test]
    async fn every_attempt_has_fresh_pkce_and_state() {
        let options = BrowserOptions {
            login_hint: Some("ada@contoso.example".into()),
            claims: Some(r#"{"access_token":{"xms_cc":{"values":["CP1"]}}}"#.into()),
            ..BrowserOptions::default()
        };
        let first = authorize_url(&options).await;
        let second = authorize_url(&options).await;
        assert_eq!(first["code_challenge_method"], "S256");
        assert_eq!(first["code_challenge"].len(), 43);
        assert_ne!(first["code_challenge"], second["code_challenge"]);
        assert!(first["state"].len() >= 16);
        assert_ne!(first["state"], second["state"]);
        assert_ne!(
            first["redirect_uri"], second["redirect_uri"],
            "a new port each time"
        );
        assert!(first["redirect_uri"].starts_with("http://127.0.0.1:"));
        assert_eq!(first["response_type"], "code");
        assert_eq!(first["prompt"], "select_account");
        assert_eq!(first["client_info"], "1");
        assert_eq!(first["login_hint"], "ada@contoso.example");
        assert!(first["claims"].contains("CP1"));
        assert!(!first.contains_key("code_verifier"));
        assert!(!first.contains_key("domain_hint"));
    }

    #[tokio::test]
    async fn a_browser_that_cannot_open_ends_the_attempt() {
        let http = crate::entra::http_client().unwrap();
        let err = sign_in_with_browser(
            &http,
            &loopback_config(),
            &BrowserOptions::default(),
            |_: &Url| {
                Err(AuthError::BrowserFailed {
                    message: "no browser".into(),
                })
            },
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
        assert_eq!(err.code(), "browser_failed");
    }

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
