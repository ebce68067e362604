//! A signed-in account at run time: one refresh token (rotated on every use), access tokens per
//! tenant and scope in memory only, per-tenant "needs sign-in" marks, and the `TokenCredential`
//! the billing client uses.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use futures::TryStreamExt as _;
use invoice_desk_logging::Sensitive;
use oauth2::{RefreshToken, Scope, TokenUrl};
use time::OffsetDateTime;

use crate::account::{Account, TenantInfo, TenantState};
use crate::azure_cli::{AZURE_CLI_CLIENT, azure_cli_token};
use crate::browser_flow::request_scopes;
use crate::config::AuthConfig;
use crate::entra::{TokenSet, entra_client, execute, map_request_error};
use crate::error::AuthError;
use crate::store::{AccountVault, StoredAccount, entry_name};

/// Access tokens are renewed this long before they expire (as the Azure SDKs do).
pub const REFRESH_EARLY: time::Duration = time::Duration::minutes(5);

/// When to renew a token obtained at `obtained` that expires at `expires_on`: five minutes
/// early, or half-way for tokens that live less than ten minutes.
#[must_use]
pub fn refresh_at(obtained: OffsetDateTime, expires_on: OffsetDateTime) -> OffsetDateTime {
    let lifetime = expires_on - obtained;
    let early = if lifetime < REFRESH_EARLY * 2 {
        lifetime / 2
    } else {
        REFRESH_EARLY
    };
    expires_on - early
}

#[derive(Clone)]
struct CachedToken {
    token: Sensitive<String>,
    expires_on: OffsetDateTime,
    refresh_at: OffsetDateTime,
}

impl CachedToken {
    fn new(token: Sensitive<String>, expires_on: OffsetDateTime) -> Self {
        Self {
            token,
            expires_on,
            refresh_at: refresh_at(OffsetDateTime::now_utc(), expires_on),
        }
    }

    fn fresh(&self, now: OffsetDateTime) -> bool {
        now < self.refresh_at
    }
}

struct State {
    account: Account,
    tenant_states: HashMap<String, TenantState>,
    tokens: HashMap<(String, String), CachedToken>,
    signed_out: bool,
}

struct RefreshSlot {
    token: Sensitive<String>,
    foci: bool,
}

struct Inner {
    http: reqwest::Client,
    client_id: String,
    vault: AccountVault,
    state: Mutex<State>,
    /// Held across a refresh so two tenants never spend the same (rotating) refresh token.
    refresh: tokio::sync::Mutex<RefreshSlot>,
}

/// One signed-in account. Cheap to clone; clones share tokens and state.
#[derive(Clone)]
pub struct AccountSession {
    inner: Arc<Inner>,
}

impl fmt::Debug for AccountSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.state.lock().expect("session lock");
        f.debug_struct("AccountSession")
            .field("account", &state.account.id)
            .field("cloud", &state.account.cloud.key())
            .finish_non_exhaustive()
    }
}

fn scope_key(scopes: &[&str]) -> String {
    let mut sorted: Vec<&str> = scopes.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    sorted.join(" ")
}

fn tenant_key(tenant: &str) -> String {
    tenant.to_ascii_lowercase()
}

fn is_meta_tenant(tenant: &str) -> bool {
    matches!(
        tenant.to_ascii_lowercase().as_str(),
        "organizations" | "common" | "consumers"
    )
}

impl AccountSession {
    /// A session from an interactive sign-in's tokens (browser, device code). The refresh token
    /// and the account are written to `vault`. `scopes` are the scopes that were requested
    /// (empty: the cloud's ARM scope); `tenant` the tenant signed in to.
    pub async fn from_sign_in(
        http: reqwest::Client,
        config: &AuthConfig,
        tenant: &str,
        scopes: &[String],
        tokens: TokenSet,
        vault: AccountVault,
    ) -> Result<Self, AuthError> {
        let account = Account::from_tokens(&tokens, &config.cloud)?;
        let refresh_token = tokens.refresh_token.clone().ok_or_else(|| {
            AuthError::invalid_response("the token response has no refresh token")
        })?;
        let token_tenant = token_tenant(&tokens, tenant, &account);
        let session = Self::new(
            http,
            config.client_id.clone(),
            account,
            refresh_token,
            tokens.foci,
            vault,
        );
        session.cache(&token_tenant, &requested(config, scopes)?, &tokens);
        session.persist().await?;
        Ok(session)
    }

    /// A session whose tokens come from the Azure CLI (`az login`): `token` is the first one,
    /// for `scope` in the account's home tenant. The keychain entry holds who, never a token.
    pub async fn from_azure_cli(
        http: reqwest::Client,
        account: Account,
        scope: &str,
        token: &AccessToken,
        vault: AccountVault,
    ) -> Result<Self, AuthError> {
        let home = tenant_key(&account.home_tenant);
        let session = Self::new(
            http,
            AZURE_CLI_CLIENT.to_owned(),
            account,
            Sensitive(String::new()),
            false,
            vault,
        );
        session.lock().tokens.insert(
            (home, scope_key(&[scope])),
            CachedToken::new(Sensitive(token.token.secret().to_owned()), token.expires_on),
        );
        session.persist().await?;
        Ok(session)
    }

    /// Whether the Azure CLI supplies this account's tokens (no refresh token of ours).
    #[must_use]
    pub fn is_azure_cli(&self) -> bool {
        self.inner.client_id == AZURE_CLI_CLIENT
    }

    /// A session restored from the keychain; the first token request refreshes.
    pub fn restore(http: reqwest::Client, stored: StoredAccount, vault: AccountVault) -> Self {
        Self::new(
            http,
            stored.client_id,
            stored.account,
            stored.refresh_token,
            stored.foci,
            vault,
        )
    }

    fn new(
        http: reqwest::Client,
        client_id: String,
        account: Account,
        refresh_token: Sensitive<String>,
        foci: bool,
        vault: AccountVault,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                http,
                client_id,
                vault,
                state: Mutex::new(State {
                    account,
                    tenant_states: HashMap::new(),
                    tokens: HashMap::new(),
                    signed_out: false,
                }),
                refresh: tokio::sync::Mutex::new(RefreshSlot {
                    token: refresh_token,
                    foci,
                }),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().expect("session lock")
    }

    #[must_use]
    pub fn account(&self) -> Account {
        self.lock().account.clone()
    }

    /// The keychain entry name, `{cloud}:{uid.utid}`.
    #[must_use]
    pub fn entry_name(&self) -> String {
        entry_name(&self.lock().account)
    }

    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// Whether tokens for `tenant` can be had without the user.
    #[must_use]
    pub fn tenant_state(&self, tenant: &str) -> TenantState {
        self.lock()
            .tenant_states
            .get(&tenant_key(tenant))
            .cloned()
            .unwrap_or(TenantState::Ready)
    }

    /// Marks one tenant as needing an interactive sign-in (e.g. after an ARM claims
    /// challenge); its cached tokens are dropped. Other tenants are untouched.
    pub fn mark_needs_sign_in(&self, tenant: &str, code: &str, claims: Option<String>) {
        let key = tenant_key(tenant);
        let mut state = self.lock();
        state.tokens.retain(|(t, _), _| *t != key);
        state.tenant_states.insert(
            key,
            TenantState::NeedsSignIn {
                code: code.to_owned(),
                claims,
            },
        );
    }

    /// A credential for one tenant of this account (`None`: the home tenant).
    #[must_use]
    pub fn session(&self, tenant: Option<&str>) -> Session {
        let tenant = tenant.map_or_else(|| self.lock().account.home_tenant.clone(), str::to_owned);
        Session {
            account: self.clone(),
            tenant,
        }
    }

    /// An access token for `tenant` and `scopes`: from memory while fresh, else by spending
    /// the refresh token at that tenant (and keeping the rotated one).
    pub async fn access_token(
        &self,
        tenant: &str,
        scopes: &[&str],
    ) -> Result<AccessToken, AuthError> {
        let key = (tenant_key(tenant), scope_key(scopes));
        if let Some(token) = self.cached(&key)? {
            return Ok(token);
        }
        let mut slot = self.inner.refresh.lock().await;
        // Another caller may have refreshed while we waited.
        if let Some(token) = self.cached(&key)? {
            return Ok(token);
        }
        if self.is_azure_cli() {
            let token = azure_cli_token(Some(tenant), scopes).await?;
            self.lock().tokens.insert(
                key,
                CachedToken::new(Sensitive(token.token.secret().to_owned()), token.expires_on),
            );
            return Ok(token);
        }
        let outcome = self.redeem(&slot.token, tenant, scopes).await;
        let tokens = match outcome {
            Ok(tokens) => tokens,
            Err(error) => {
                self.note_failure(tenant, &error);
                return Err(error);
            }
        };
        if let Some(rotated) = &tokens.refresh_token {
            slot.token = rotated.clone();
            slot.foci = tokens.foci;
        }
        let stored = self.stored(&slot);
        drop(slot);
        let access = AccessToken::new(
            Secret::new(tokens.access_token.expose().clone()),
            tokens.expires_on,
        );
        {
            let mut state = self.lock();
            state.tenant_states.remove(&key.0);
            state.tokens.insert(
                key,
                CachedToken::new(tokens.access_token, tokens.expires_on),
            );
        }
        if let Err(e) = self.save(stored).await {
            tracing::warn!(
                code = e.code(),
                "the rotated refresh token could not be stored"
            );
        }
        Ok(access)
    }

    /// Takes the tokens of an interactive re-sign-in for `tenant` (with `login_hint` set to
    /// this account): they must be for the same account. Clears that tenant's mark.
    pub async fn complete_sign_in_again(
        &self,
        config: &AuthConfig,
        tenant: &str,
        scopes: &[String],
        tokens: TokenSet,
    ) -> Result<(), AuthError> {
        let id = tokens
            .client_info
            .as_ref()
            .map(crate::ClientInfo::account_id);
        let expected = self.lock().account.id.clone();
        if id.as_deref() != Some(expected.as_str()) {
            return Err(AuthError::InvalidGrant {
                description: "the browser signed in as a different account".into(),
            });
        }
        let account = self.account();
        let token_tenant = token_tenant(&tokens, tenant, &account);
        let stored = {
            let mut slot = self.inner.refresh.lock().await;
            if let Some(rotated) = &tokens.refresh_token {
                slot.token = rotated.clone();
                slot.foci = tokens.foci;
            }
            self.stored(&slot)
        };
        {
            let mut state = self.lock();
            state.tenant_states.remove(&tenant_key(tenant));
            state.tenant_states.remove(&tenant_key(&token_tenant));
            state.signed_out = false;
        }
        self.cache(&token_tenant, &requested(config, scopes)?, &tokens);
        self.save(stored).await
    }

    /// Lists the account's tenants from ARM (`GET /tenants`) and merges them into the account:
    /// known tenants keep their switch, new ones start off. Saved to the keychain.
    pub async fn refresh_tenants(&self) -> Result<Vec<TenantInfo>, AuthError> {
        let cloud = self.lock().account.cloud.clone();
        let credential: Arc<dyn TokenCredential> = Arc::new(self.session(None));
        let client = invoice_desk_billing::ArmClient::builder(cloud.to_billing()?, credential)
            .build()
            .map_err(|e| AuthError::TenantListing {
                message: e.to_string(),
            })?;
        let listed: Vec<invoice_desk_billing::model::Tenant> = client
            .list_tenants()
            .try_collect()
            .await
            .map_err(|e| AuthError::TenantListing {
                message: e.to_string(),
            })?;
        let tenants = listed
            .into_iter()
            .filter_map(|t| {
                let id = t.tenant_id?;
                Some(TenantInfo {
                    id,
                    display_name: t.display_name,
                    default_domain: t.default_domain,
                    enabled: false,
                })
            })
            .collect();
        let merged = {
            let mut state = self.lock();
            state.account.merge_tenants(tenants);
            state.account.tenants.clone()
        };
        self.persist().await?;
        Ok(merged)
    }

    /// Turns a tenant on or off for this account (the home tenant stays on). Saved.
    pub async fn set_tenant_enabled(&self, tenant: &str, enabled: bool) -> Result<(), AuthError> {
        {
            let mut state = self.lock();
            let home = state.account.home_tenant.clone();
            let Some(entry) = state
                .account
                .tenants
                .iter_mut()
                .find(|t| t.id.eq_ignore_ascii_case(tenant))
            else {
                return Err(AuthError::AccountNotFound {
                    account: format!("tenant {tenant}"),
                });
            };
            entry.enabled = enabled || entry.id.eq_ignore_ascii_case(&home);
        }
        self.persist().await
    }

    /// Forgets every token and deletes the account's keychain entries.
    pub async fn sign_out(&self) -> Result<(), AuthError> {
        let name = {
            let mut state = self.lock();
            state.tokens.clear();
            state.signed_out = true;
            entry_name(&state.account)
        };
        self.inner.refresh.lock().await.token = Sensitive(String::new());
        let vault = self.inner.vault.clone();
        blocking(move || vault.remove(&name)).await
    }

    fn cached(&self, key: &(String, String)) -> Result<Option<AccessToken>, AuthError> {
        let state = self.lock();
        if state.signed_out {
            return Err(AuthError::AccountNotFound {
                account: state.account.username.clone(),
            });
        }
        if let Some(TenantState::NeedsSignIn { code, claims }) = state.tenant_states.get(&key.0) {
            // No prompt storm: a marked tenant fails fast until the user signs in again.
            return Err(if code == "consent_required" {
                AuthError::ConsentRequired {
                    tenant: key.0.clone(),
                    description: "consent is needed in this tenant".into(),
                }
            } else {
                AuthError::InteractionRequired {
                    tenant: key.0.clone(),
                    description: "this tenant needs you to sign in again".into(),
                    claims: claims.clone(),
                }
            });
        }
        let now = OffsetDateTime::now_utc();
        Ok(state
            .tokens
            .get(key)
            .filter(|t| t.fresh(now))
            .map(|t| AccessToken::new(Secret::new(t.token.expose().clone()), t.expires_on)))
    }

    fn cache(&self, tenant: &str, scopes: &[String], tokens: &TokenSet) {
        let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
        self.lock().tokens.insert(
            (tenant_key(tenant), scope_key(&scopes)),
            CachedToken::new(tokens.access_token.clone(), tokens.expires_on),
        );
    }

    fn note_failure(&self, tenant: &str, error: &AuthError) {
        let home = self.lock().account.home_tenant.clone();
        match error {
            AuthError::InteractionRequired { claims, .. } => {
                self.mark_needs_sign_in(tenant, error.code(), claims.clone());
            }
            AuthError::ConsentRequired { .. } => {
                self.mark_needs_sign_in(tenant, error.code(), None);
            }
            // A rejected refresh token at a guest tenant is that tenant's problem; at home it
            // is the whole account's (expired, revoked): every tenant waits for a new sign-in.
            AuthError::InvalidGrant { .. } if !tenant.eq_ignore_ascii_case(&home) => {
                self.mark_needs_sign_in(tenant, error.code(), None);
            }
            AuthError::InvalidGrant { .. } => {
                let tenants: Vec<String> = self
                    .lock()
                    .account
                    .tenants
                    .iter()
                    .map(|t| t.id.clone())
                    .collect();
                for t in tenants.iter().chain(std::iter::once(&home)) {
                    self.mark_needs_sign_in(t, error.code(), None);
                }
            }
            _ => {}
        }
    }

    async fn redeem(
        &self,
        refresh_token: &Sensitive<String>,
        tenant: &str,
        scopes: &[&str],
    ) -> Result<TokenSet, AuthError> {
        if refresh_token.expose().is_empty() {
            return Err(AuthError::InvalidGrant {
                description: "no refresh token is held for this account".into(),
            });
        }
        let cloud = self.lock().account.cloud.clone();
        let token_url = cloud.authority_endpoint(tenant, "token")?;
        let client =
            entra_client(&self.inner.client_id).set_token_uri(TokenUrl::from_url(token_url));
        let mut all: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        for extra in ["openid", "profile", "offline_access"] {
            if !all.iter().any(|s| s == extra) {
                all.push(extra.to_owned());
            }
        }
        let rt = RefreshToken::new(refresh_token.expose().clone());
        let http = self.inner.http.clone();
        let http_client = |request| execute(http.clone(), request);
        let response = client
            .exchange_refresh_token(&rt)
            .add_scopes(all.into_iter().map(Scope::new))
            .add_extra_param("client_info", "1")
            .request_async(&http_client)
            .await
            .map_err(|e| map_request_error(e, |e| e.into_auth_error(tenant)))?;
        TokenSet::from_response(&response)
    }

    fn stored(&self, slot: &RefreshSlot) -> StoredAccount {
        StoredAccount {
            account: self.lock().account.clone(),
            refresh_token: slot.token.clone(),
            client_id: self.inner.client_id.clone(),
            foci: slot.foci,
        }
    }

    async fn persist(&self) -> Result<(), AuthError> {
        let stored = {
            let slot = self.inner.refresh.lock().await;
            self.stored(&slot)
        };
        self.save(stored).await
    }

    async fn save(&self, stored: StoredAccount) -> Result<(), AuthError> {
        if self.lock().signed_out {
            return Ok(());
        }
        let vault = self.inner.vault.clone();
        blocking(move || vault.save(&stored)).await
    }
}

/// Keychain calls block (D-Bus, Security framework): keep them off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AuthError> + Send + 'static,
) -> Result<T, AuthError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AuthError::Keychain {
            reason: "the keychain task stopped".into(),
        })?
}

fn requested(config: &AuthConfig, scopes: &[String]) -> Result<Vec<String>, AuthError> {
    // The cache key uses the resource scopes only, as callers ask for them.
    let all = request_scopes(config, scopes)?;
    Ok(all
        .into_iter()
        .filter(|s| !matches!(s.as_str(), "openid" | "profile" | "offline_access"))
        .collect())
}

/// The tenant an interactive token was issued in: the ID token's `tid`, else the requested
/// tenant unless it was `organizations`/`common`, else the home tenant.
fn token_tenant(tokens: &TokenSet, requested: &str, account: &Account) -> String {
    tokens
        .id_token
        .as_ref()
        .and_then(|c| c.tid.clone())
        .or_else(|| (!is_meta_tenant(requested)).then(|| requested.to_owned()))
        .unwrap_or_else(|| account.home_tenant.clone())
}

/// One account in one tenant: the `TokenCredential` handed to the billing client, which never
/// learns how the user signed in.
#[derive(Clone, Debug)]
pub struct Session {
    account: AccountSession,
    tenant: String,
}

impl Session {
    #[must_use]
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    #[must_use]
    pub fn account(&self) -> &AccountSession {
        &self.account
    }

    pub async fn access_token(&self, scopes: &[&str]) -> Result<AccessToken, AuthError> {
        self.account.access_token(&self.tenant, scopes).await
    }
}

#[async_trait::async_trait]
impl TokenCredential for Session {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        self.account
            .access_token(&self.tenant, scopes)
            .await
            .map_err(|e| azure_core::Error::new(azure_core::error::ErrorKind::Credential, e))
    }
}

#[cfg(test)]
mod tests {
    use time::{Duration, OffsetDateTime};

    use super::{refresh_at, scope_key};

    #[test]
    fn refreshes_five_minutes_early_or_halfway() {
        let now = OffsetDateTime::now_utc();
        let hour = now + Duration::hours(1);
        assert_eq!(refresh_at(now, hour), hour - Duration::minutes(5));
        let short = now + Duration::minutes(4);
        assert_eq!(refresh_at(now, short), now + Duration::minutes(2));
        let expired = now - Duration::minutes(1);
        assert!(refresh_at(now, expired) <= now);
    }

    #[test]
    fn scope_keys_ignore_order_and_duplicates() {
        assert_eq!(scope_key(&["b", "a", "b"]), scope_key(&["a", "b"]));
    }
}
