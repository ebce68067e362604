//! Signing in to a local Microsoft-like authority that is also the ARM endpoint (the built-in
//! emulator behind demo mode): one place decides how such a sign-in is set up, for the app and
//! the command line alike.

use std::sync::Arc;

use url::Url;

use crate::{Accounts, AuthConfig, AuthError, AuthOverrides, Cloud, MemoryStore};

/// Accounts for the authority + ARM endpoint at `base` (e.g. `http://127.0.0.1:PORT`), kept in
/// memory only and ignoring the organisation's config files, which are for its real tenant.
pub fn local_accounts(base: &Url) -> Result<Accounts, AuthError> {
    let base = base.as_str().trim_end_matches('/').to_owned();
    let overrides = AuthOverrides {
        cloud: Some(Cloud::Custom {
            authority_host: base.clone(),
            arm_endpoint: base.clone(),
            token_scope: format!("{base}/.default"),
        }),
        ..AuthOverrides::default()
    };
    let config = AuthConfig::load(&[], &overrides)?;
    Accounts::new(config, Arc::new(MemoryStore::new()))
}

/// A "browser" for an authority that approves at once: it follows the authority's redirect,
/// which delivers the code to the sign-in's loopback listener. Never through a proxy: both ends
/// are on this machine.
pub fn redirect_follower() -> Result<impl Fn(&Url) -> Result<(), AuthError> + Clone, AuthError> {
    let browser = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|err| AuthError::BrowserFailed {
            message: err.to_string(),
        })?;
    Ok(move |url: &Url| -> Result<(), AuthError> {
        let (browser, url) = (browser.clone(), url.clone());
        tokio::spawn(async move {
            if let Err(err) = browser.get(url).send().await {
                tracing::warn!(%err, "the local sign-in page did not answer");
            }
        });
        Ok(())
    })
}
