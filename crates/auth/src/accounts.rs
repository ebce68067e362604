//! The app's accounts side by side: sign in, restore at start-up, sign out, remove all.

use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;
use url::Url;

use crate::account::{Account, TenantInfo, TenantState};
use crate::azure_cli::{TokenIdentity, azure_cli_token};
use crate::browser_flow::{BrowserOptions, sign_in_with_browser};
use crate::cloud::Cloud;
use crate::config::AuthConfig;
use crate::device_flow::{DeviceCode, DeviceOptions, sign_in_with_device_code};
use crate::entra::http_client;
use crate::error::AuthError;
use crate::session::{AccountSession, blocking};
use crate::store::{AccountVault, KeyringStore, MemoryStore, TokenStore};

/// The store to use: the OS keychain when `remember` and it answers, else memory only. The
/// error says why the keychain could not be used, for the UI to explain ("don't remember me"
/// mode); tokens are never written to a file instead.
#[must_use]
pub fn open_store(remember: bool) -> (Arc<dyn TokenStore>, Option<AuthError>) {
    if !remember {
        return (Arc::new(MemoryStore::new()), None);
    }
    match KeyringStore::open() {
        Ok(store) => (Arc::new(store), None),
        Err(error) => {
            tracing::warn!(
                code = error.code(),
                "keychain unavailable; sign-ins last for this session only"
            );
            (Arc::new(MemoryStore::new()), Some(error))
        }
    }
}

/// Every signed-in account, and the way to add more.
#[derive(Debug, Clone)]
pub struct Accounts {
    config: AuthConfig,
    http: reqwest::Client,
    vault: AccountVault,
    sessions: Arc<Mutex<Vec<AccountSession>>>,
}

impl Accounts {
    pub fn new(config: AuthConfig, store: Arc<dyn TokenStore>) -> Result<Self, AuthError> {
        config.validate()?;
        Ok(Self {
            config,
            http: http_client()?,
            vault: AccountVault::new(store),
            sessions: Arc::new(Mutex::new(Vec::new())),
        })
    }

    #[must_use]
    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    /// The same accounts, signing new ones in to `cloud` instead of the configured one (the
    /// cloud picked on the sign-in screen). Accounts already signed in keep their own cloud.
    #[must_use]
    pub fn in_cloud(&self, cloud: Cloud) -> Self {
        let mut other = self.clone();
        other.config.cloud = cloud;
        other
    }

    /// Whether sign-ins survive a restart (keychain) or not (memory).
    #[must_use]
    pub fn is_persistent(&self) -> bool {
        self.vault.is_persistent()
    }

    /// Loads the stored accounts (no network; the first token request refreshes).
    pub async fn restore(&self) -> Result<Vec<Account>, AuthError> {
        let vault = self.vault.clone();
        let stored = blocking(move || vault.load_all()).await?;
        let mut out = Vec::new();
        for stored in stored {
            out.push(stored.account.clone());
            self.insert(AccountSession::restore(
                self.http.clone(),
                stored,
                self.vault.clone(),
            ));
        }
        Ok(out)
    }

    #[must_use]
    pub fn list(&self) -> Vec<AccountSession> {
        self.sessions.lock().expect("accounts lock").clone()
    }

    /// An account by its id (`uid.utid`) or keychain entry name.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<AccountSession> {
        self.list()
            .into_iter()
            .find(|s| s.account().id == id || s.entry_name() == id)
    }

    /// Signs in with the system browser and adds (or replaces) the account.
    pub async fn sign_in_with_browser<F>(
        &self,
        options: &BrowserOptions,
        open_browser: F,
        cancel: &CancellationToken,
    ) -> Result<AccountSession, AuthError>
    where
        F: Fn(&Url) -> Result<(), AuthError>,
    {
        let tokens =
            sign_in_with_browser(&self.http, &self.config, options, open_browser, cancel).await?;
        self.add(options.tenant.as_deref(), &options.scopes, tokens)
            .await
    }

    /// Signs in with a device code and adds (or replaces) the account.
    pub async fn sign_in_with_device_code<F>(
        &self,
        options: &DeviceOptions,
        on_code: F,
        cancel: &CancellationToken,
    ) -> Result<AccountSession, AuthError>
    where
        F: FnOnce(&DeviceCode),
    {
        let tokens =
            sign_in_with_device_code(&self.http, &self.config, options, on_code, cancel).await?;
        self.add(options.tenant.as_deref(), &options.scopes, tokens)
            .await
    }

    /// Reuses the Azure CLI's sign-in (`az login`): adds (or replaces) its account, whose tokens
    /// keep coming from `az`. Nothing secret is stored.
    pub async fn sign_in_with_azure_cli(&self) -> Result<AccountSession, AuthError> {
        let scope = self.config.cloud.arm_scope()?;
        let token = azure_cli_token(None, &[scope.as_str()]).await?;
        let identity = TokenIdentity::from_access_token(token.token.secret());
        let (Some(tenant), Some(object_id)) = (identity.tenant, identity.object_id) else {
            return Err(AuthError::AzureCliFailed {
                message: "the Azure CLI's token does not say who is signed in".into(),
            });
        };
        let username = identity.username.unwrap_or_default();
        let account = Account {
            id: format!("{object_id}.{tenant}"),
            display_name: identity.name.unwrap_or_else(|| username.clone()),
            username,
            cloud: self.config.cloud.clone(),
            home_tenant: tenant.clone(),
            tenants: vec![TenantInfo::new(tenant, true)],
        };
        let session = AccountSession::from_azure_cli(
            self.http.clone(),
            account,
            &scope,
            &token,
            self.vault.clone(),
        )
        .await?;
        self.insert(session.clone());
        Ok(session)
    }

    /// Turns the tokens of a completed sign-in into a (new or replaced) account.
    async fn add(
        &self,
        tenant: Option<&str>,
        scopes: &[String],
        tokens: crate::entra::TokenSet,
    ) -> Result<AccountSession, AuthError> {
        let tenant = tenant.unwrap_or(&self.config.tenant);
        let session = AccountSession::from_sign_in(
            self.http.clone(),
            &self.config,
            tenant,
            scopes,
            tokens,
            self.vault.clone(),
        )
        .await?;
        self.insert(session.clone());
        Ok(session)
    }

    /// "Sign in again" on one tenant: a browser sign-in at that tenant with the account as
    /// `login_hint` and the tenant's pending claims challenge, then the tenant is ready again.
    pub async fn sign_in_again<F>(
        &self,
        session: &AccountSession,
        tenant: &str,
        options: &BrowserOptions,
        open_browser: F,
        cancel: &CancellationToken,
    ) -> Result<(), AuthError>
    where
        F: Fn(&Url) -> Result<(), AuthError>,
    {
        if session.is_azure_cli() {
            // The Azure CLI signs in on its own terms; Invoice Desk holds no sign-in to renew.
            return Err(AuthError::AzureCliFailed {
                message: format!("run `az login --tenant {tenant}`, then try again"),
            });
        }
        let account = session.account();
        let mut options = options.clone();
        options.tenant = Some(tenant.to_owned());
        if options.login_hint.is_none() && !account.username.is_empty() {
            options.login_hint = Some(account.username.clone());
        }
        if options.claims.is_none()
            && let TenantState::NeedsSignIn {
                claims: Some(claims),
                ..
            } = session.tenant_state(tenant)
        {
            options.claims = Some(claims);
        }
        let config = AuthConfig {
            client_id: session.client_id().to_owned(),
            cloud: account.cloud.clone(),
            ..self.config.clone()
        };
        let tokens =
            sign_in_with_browser(&self.http, &config, &options, open_browser, cancel).await?;
        session
            .complete_sign_in_again(&config, tenant, &options.scopes, tokens)
            .await
    }

    /// Signs the account out: tokens forgotten, keychain entries deleted.
    pub async fn sign_out(&self, id: &str) -> Result<(), AuthError> {
        let session = self.get(id).ok_or_else(|| AuthError::AccountNotFound {
            account: id.to_owned(),
        })?;
        session.sign_out().await?;
        let name = session.entry_name();
        self.sessions
            .lock()
            .expect("accounts lock")
            .retain(|s| s.entry_name() != name);
        Ok(())
    }

    /// Signs every account out and deletes every entry the app keeps in the keychain.
    pub async fn remove_all(&self) -> Result<(), AuthError> {
        let sessions = std::mem::take(&mut *self.sessions.lock().expect("accounts lock"));
        for session in sessions {
            session.sign_out().await?;
        }
        let vault = self.vault.clone();
        blocking(move || vault.remove_all()).await
    }

    fn insert(&self, session: AccountSession) {
        let name = session.entry_name();
        let mut sessions = self.sessions.lock().expect("accounts lock");
        sessions.retain(|s| s.entry_name() != name);
        sessions.push(session);
    }
}
