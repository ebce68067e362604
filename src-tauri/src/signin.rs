//! Signing in and out: the commands behind the welcome screen and the accounts list.
//!
//! The sign-in itself lives in `invoice-desk-auth`, and the keychain the accounts are remembered
//! in is opened by `invoice_desk_api::accounts`, as for the command line; this module keeps the
//! accounts of this run ([`SignIn`]) and the sign-in commands. What needs the desktop is beside
//! it: `accounts_view` (what the window sees of the accounts, and the events when they change),
//! `browser` (the system browser and the translated "you can close this tab" page) and
//! `demo_mode` (the sample Azure, signed in to like any other).

// `#[tauri::command]` hands extractors over by value.
#![allow(clippy::needless_pass_by_value)]

mod accounts_view;
mod browser;
mod demo_mode;

use std::sync::{Arc, Mutex};

use tauri::{AppHandle, Manager, Runtime, State};
use tauri_specta::Event;
use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;

use invoice_desk_api::accounts::{custom_cloud, open_keychain};
use invoice_desk_auth::{
    AccountSession, Accounts, AuthConfig, AuthError, AuthOverrides, BrowserOptions, DeviceOptions,
    RememberStore, TenantState, TokenStore,
};

use crate::demo::DemoSlot;
use crate::error::{AppError, ErrorCode};
use crate::listing_cache::ListingCache;

use accounts_view::summary;
pub use accounts_view::{
    AccountSummary, AccountsChanged, Cloud, DeviceCodeEvent, KeychainStatus, SignInMethod,
};
use browser::open_in_browser;
pub(crate) use browser::{completion_page, completion_page_in, open_url};
// The demo commands, with the hidden items `#[tauri::command]` and `#[specta::specta]` add
// beside each, so they are registered as `signin::start_demo` like the others.
pub use demo_mode::*;

/// Points the app at another authority and ARM endpoint (the local emulator in tests and demo
/// mode); both must be set. Plain http is accepted for loopback hosts only.
const AUTHORITY_ENV: &str = "INVOICE_DESK_AUTHORITY";
const ARM_ENDPOINT_ENV: &str = "INVOICE_DESK_ARM_ENDPOINT";

/// What opening the keychain answers.
type KeychainOpened = Result<Arc<dyn TokenStore>, AuthError>;

/// The keychain being opened, on a thread of its own.
type KeychainOpening = tauri::async_runtime::JoinHandle<KeychainOpened>;

/// The accounts of this run. Restored from the keychain the first time the UI asks.
#[derive(Debug)]
pub struct SignIn {
    accounts: Result<Accounts, AppError>,
    store: Arc<RememberStore>,
    /// The keychain opened at start-up, until something needs it. Opening it may take the
    /// system's keychain service a while (or, when it hangs, until the wait runs out): the
    /// window's main thread must not wait for it, as it answers the page's requests.
    keychain_opening: tokio::sync::Mutex<Option<KeychainOpening>>,
    keychain_warning: Mutex<Option<AppError>>,
    restored: OnceCell<()>,
    cancel: Mutex<Option<CancellationToken>>,
    /// While a demo runs, every account command acts on the demo's accounts instead.
    demo: DemoSlot,
}

impl SignIn {
    /// `remember`: the user's "remember my sign-in" setting. Returns at once: the keychain
    /// opens meanwhile, and what needs it waits for it.
    pub fn start(remember: bool) -> Self {
        Self::opening_keychain(remember, open_keychain())
    }

    /// [`Self::start`] with the keychain opened by `opening`.
    fn opening_keychain(
        remember: bool,
        opening: impl Future<Output = KeychainOpened> + Send + 'static,
    ) -> Self {
        // Without remembering the keychain is not touched until the user switches it on.
        let keychain_opening = remember.then(|| tauri::async_runtime::spawn(opening));
        let store = Arc::new(RememberStore::new(None, remember));
        let accounts = load_config()
            .and_then(|config| Accounts::new(config, store.clone()))
            .map_err(AppError::from);
        if let Err(err) = &accounts {
            tracing::warn!(code = ?err.code, "sign-in configuration unusable");
        }
        Self {
            accounts,
            store,
            keychain_opening: tokio::sync::Mutex::new(keychain_opening),
            keychain_warning: Mutex::new(None),
            restored: OnceCell::new(),
            cancel: Mutex::new(None),
            demo: DemoSlot::default(),
        }
    }

    /// Switches "remember my sign-in": off deletes the app's keychain entries (this session
    /// stays signed in), on writes this session's accounts to the keychain.
    pub async fn set_remember(&self, remember: bool) -> Result<(), AppError> {
        self.keychain_opened().await;
        if remember && !self.store.is_persistent() {
            match open_keychain().await {
                Ok(keychain) => {
                    self.store.set_keychain(keychain);
                    self.set_keychain_warning(None);
                }
                Err(error) => self.set_keychain_warning(Some(error.into())),
            }
        }
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.set_remember(remember))
            .await
            .map_err(|e| AppError::new(ErrorCode::Internal).with_details(e.to_string()))??;
        tracing::info!(remember, "remember sign-in switched");
        Ok(())
    }

    /// Waits for the keychain opened at start-up, and hands it to the store (or keeps why it
    /// could not be opened, for the window's warning).
    async fn keychain_opened(&self) {
        let mut opening = self.keychain_opening.lock().await;
        let Some(opened) = opening.as_mut() else {
            return;
        };
        // Taken only once answered: a caller dropped while waiting leaves it to the next one.
        let answer = opened.await;
        *opening = None;
        match answer {
            Ok(Ok(keychain)) => self.store.set_keychain(keychain),
            Ok(Err(error)) => self.set_keychain_warning(Some(error.into())),
            Err(err) => self.set_keychain_warning(Some(
                AuthError::KeychainUnavailable {
                    reason: format!("opening the keychain failed: {err}"),
                }
                .into(),
            )),
        }
    }

    fn set_keychain_warning(&self, warning: Option<AppError>) {
        if let Ok(mut slot) = self.keychain_warning.lock() {
            *slot = warning;
        }
    }

    async fn status(&self) -> KeychainStatus {
        self.keychain_opened().await;
        // A keychain that failed after start-up was let go of: the same warning as at start-up.
        if let Some(failure) = self.store.take_failure() {
            self.set_keychain_warning(Some(failure.into()));
        }
        let warning = if self.store.remembers() {
            self.keychain_warning.lock().ok().and_then(|w| w.clone())
        } else {
            None
        };
        KeychainStatus {
            remembered: self.store.is_persistent(),
            warning,
        }
    }

    async fn accounts(&self) -> Result<Accounts, AppError> {
        if let Some(demo) = self.demo.lock().await.as_ref() {
            return Ok(demo.accounts().clone());
        }
        let accounts = self.accounts.as_ref().map_err(Clone::clone)?;
        self.keychain_opened().await;
        self.restored
            .get_or_init(|| async {
                if let Err(err) = accounts.restore().await {
                    tracing::warn!(code = err.code(), "stored accounts could not be restored");
                }
            })
            .await;
        Ok(accounts.clone())
    }

    /// The signed-in account (real or demo) with this id.
    pub async fn session(&self, account_id: &str) -> Result<AccountSession, AppError> {
        session_of(&self.accounts().await?, account_id)
    }

    async fn summaries(&self) -> Result<Vec<AccountSummary>, AppError> {
        Ok(self.accounts().await?.list().iter().map(summary).collect())
    }

    fn begin(&self) -> CancellationToken {
        let token = CancellationToken::new();
        if let Ok(mut slot) = self.cancel.lock()
            && let Some(previous) = slot.replace(token.clone())
        {
            previous.cancel(); // one sign-in at a time: a new attempt ends the old one
        }
        token
    }

    /// The cloud a sign-in uses unless the user picks another.
    /// The sign-in authority and Azure Resource Manager endpoint when they are not one of
    /// Microsoft's clouds (set by `INVOICE_DESK_AUTHORITY` or the configuration file): the
    /// window shows them for as long as they are in force.
    pub fn custom_endpoints(&self) -> Option<crate::commands::CustomEndpoints> {
        let config = self.accounts.as_ref().ok()?.config();
        match &config.cloud {
            invoice_desk_auth::Cloud::Custom {
                authority_host,
                arm_endpoint,
                ..
            } => Some(crate::commands::CustomEndpoints {
                authority: authority_host.clone(),
                arm: arm_endpoint.clone(),
            }),
            _ => None,
        }
    }

    pub fn default_cloud(&self) -> Cloud {
        self.accounts
            .as_ref()
            .map_or(Cloud::AzurePublic, |a| Cloud::of(&a.config().cloud))
    }

    /// After an Azure call of `account_id` in `tenant_id` failed for sign-in reasons: a claims
    /// challenge marks that directory (only it) as needing "Sign in again", which then passes
    /// the claims to Microsoft; a token refresh that needs interaction has marked it already.
    /// Either way the window hears of it, and when the user has signed in again it loads the
    /// directory once more. Returns whether the directory now waits for a new sign-in.
    pub async fn note_auth_failure<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        account_id: &str,
        tenant_id: &str,
        claims: Option<&str>,
    ) -> bool {
        let Ok(session) = self.session(account_id).await else {
            return false;
        };
        if let Some(claims) = claims {
            tracing::info!(
                tenant = tenant_id,
                "Azure asked for a fresh sign-in (claims challenge)"
            );
            session.mark_needs_sign_in(tenant_id, "insufficient_claims", Some(claims.to_owned()));
        }
        let marked = matches!(
            session.tenant_state(tenant_id),
            TenantState::NeedsSignIn { .. }
        );
        if marked {
            announce(app, self).await;
        }
        marked
    }
}

fn load_config() -> Result<AuthConfig, AuthError> {
    let mut overrides = AuthOverrides::default();
    if let (Ok(authority), Ok(arm)) = (
        std::env::var(AUTHORITY_ENV),
        std::env::var(ARM_ENDPOINT_ENV),
    ) {
        overrides.cloud = Some(custom_cloud(&authority, &arm)?);
    }
    AuthConfig::load(&AuthConfig::config_paths(), &overrides)
}

async fn announce<R: Runtime>(app: &AppHandle<R>, state: &SignIn) {
    let Ok(list) = state.summaries().await else {
        return;
    };
    // Listings of accounts signed out of (or of a demo user left) and of directories turned
    // off are forgotten: a scope two accounts share is then always read as a current one.
    if let Some(browse) = app.try_state::<crate::browse::Browse>() {
        browse
            .retain(|account, tenant| {
                list.iter().any(|a| {
                    a.id == account
                        && a.tenants
                            .iter()
                            .any(|t| t.enabled && t.id.eq_ignore_ascii_case(tenant))
                })
            })
            .await;
    }
    if let Err(err) = AccountsChanged(list).emit(app) {
        tracing::warn!(%err, "could not announce the accounts");
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_accounts(state: State<'_, SignIn>) -> Result<Vec<AccountSummary>, AppError> {
    state.summaries().await
}

#[tauri::command]
#[specta::specta]
pub async fn keychain_status(app: AppHandle) -> KeychainStatus {
    // The handle, not a borrowed `State`: an async command borrowing would have to return a
    // `Result`, and this answer cannot fail.
    app.state::<SignIn>().status().await
}

#[tauri::command]
#[specta::specta]
pub async fn sign_in(
    app: AppHandle,
    state: State<'_, SignIn>,
    method: SignInMethod,
    cloud: Option<Cloud>,
) -> Result<AccountSummary, AppError> {
    let accounts = match cloud.and_then(Cloud::sovereign) {
        Some(chosen) => state.accounts().await?.in_cloud(chosen),
        None => state.accounts().await?,
    };
    let cancel = state.begin();
    let signed_in = match method {
        SignInMethod::Browser => {
            let options = BrowserOptions {
                page: completion_page(&app),
                ..BrowserOptions::default()
            };
            let opener = app.clone();
            accounts
                .sign_in_with_browser(&options, move |url| open_in_browser(&opener, url), &cancel)
                .await
        }
        SignInMethod::DeviceCode => {
            let emitter = app.clone();
            let show = move |code: &invoice_desk_auth::DeviceCode| {
                let event = DeviceCodeEvent {
                    user_code: code.user_code.clone(),
                    verification_uri: code.verification_uri.clone(),
                    message: code.message.clone(),
                };
                if let Err(err) = event.emit(&emitter) {
                    tracing::warn!(%err, "could not show the device code");
                }
            };
            accounts
                .sign_in_with_device_code(&DeviceOptions::default(), show, &cancel)
                .await
        }
        SignInMethod::AzureCli => accounts.sign_in_with_azure_cli().await,
    };
    let session = signed_in.map_err(|err| {
        // Why a sign-in ended matters when one stops early (declined, expired, cancelled);
        // the code names it without anything secret.
        tracing::info!(method = ?method, code = err.code(), "sign-in ended without an account");
        AppError::from(err)
    })?;
    if let Err(err) = session.refresh_tenants().await {
        // The account works in its home directory; other directories show up on the next try.
        tracing::warn!(
            code = err.code(),
            "could not list the account's directories"
        );
    }
    tracing::info!(method = ?method, "signed in");
    announce(&app, &state).await;
    Ok(summary(&session))
}

#[tauri::command]
#[specta::specta]
pub fn cancel_sign_in(state: State<'_, SignIn>) {
    if let Ok(mut slot) = state.cancel.lock()
        && let Some(token) = slot.take()
    {
        token.cancel();
    }
}

#[tauri::command]
#[specta::specta]
pub async fn sign_out(
    app: AppHandle,
    state: State<'_, SignIn>,
    cache: State<'_, ListingCache>,
    account_id: String,
) -> Result<(), AppError> {
    state.accounts().await?.sign_out(&account_id).await?;
    if !state.is_demo().await {
        cache.forget_account(&account_id);
    }
    tracing::info!("signed out one account");
    announce(&app, &state).await;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn remove_all_accounts(
    app: AppHandle,
    state: State<'_, SignIn>,
    cache: State<'_, ListingCache>,
) -> Result<(), AppError> {
    state.accounts().await?.remove_all().await?;
    if !state.is_demo().await {
        cache.clear();
    }
    tracing::info!("removed every account");
    announce(&app, &state).await;
    Ok(())
}

fn session_of(accounts: &Accounts, account_id: &str) -> Result<AccountSession, AppError> {
    accounts.get(account_id).ok_or_else(|| {
        AuthError::AccountNotFound {
            account: account_id.to_owned(),
        }
        .into()
    })
}

/// Turns one of the account's directories on or off. Turning one on checks it at once, so a
/// directory that demands MFA or Conditional Access says so now — on that directory only.
#[tauri::command]
#[specta::specta]
pub async fn set_tenant_enabled(
    app: AppHandle,
    state: State<'_, SignIn>,
    account_id: String,
    tenant_id: String,
    enabled: bool,
) -> Result<AccountSummary, AppError> {
    let session = session_of(&state.accounts().await?, &account_id)?;
    session.set_tenant_enabled(&tenant_id, enabled).await?;
    if enabled {
        let scope = session.account().cloud.arm_scope()?;
        if let Err(err) = session.access_token(&tenant_id, &[scope.as_str()]).await {
            tracing::info!(code = err.code(), "a directory could not be used yet");
        }
    }
    announce(&app, &state).await;
    Ok(summary(&session))
}

/// "Sign in again" for one directory: the browser opens at that directory with the account
/// pre-filled (and any pending claims challenge); other directories are left alone.
#[tauri::command]
#[specta::specta]
pub async fn sign_in_again(
    app: AppHandle,
    state: State<'_, SignIn>,
    account_id: String,
    tenant_id: String,
) -> Result<AccountSummary, AppError> {
    let accounts = state.accounts().await?;
    let session = session_of(&accounts, &account_id)?;
    let cancel = state.begin();
    let options = BrowserOptions {
        page: completion_page(&app),
        ..BrowserOptions::default()
    };
    let opener = app.clone();
    accounts
        .sign_in_again(
            &session,
            &tenant_id,
            &options,
            move |url| open_in_browser(&opener, url),
            &cancel,
        )
        .await?;
    announce(&app, &state).await;
    Ok(summary(&session))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// A keychain that answers only when the test says so.
    fn keychain_answering_later() -> (tokio::sync::oneshot::Sender<KeychainOpened>, SignIn) {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let sign_in = SignIn::opening_keychain(true, async move {
            answered.await.unwrap_or_else(|_| {
                Err(AuthError::KeychainUnavailable {
                    reason: "the test ended".into(),
                })
            })
        });
        (answer, sign_in)
    }

    #[tokio::test]
    async fn a_slow_keychain_holds_up_only_what_needs_it_and_its_failure_is_shown() {
        let (answer, sign_in) = keychain_answering_later();
        // Start-up went on (the window's page loads meanwhile); the keychain's answer is awaited.
        assert!(
            tokio::time::timeout(Duration::from_millis(200), sign_in.status())
                .await
                .is_err(),
            "the keychain status did not wait for the keychain"
        );
        assert!(
            tokio::time::timeout(Duration::from_millis(200), sign_in.summaries())
                .await
                .is_err(),
            "the accounts were listed before the keychain could restore them"
        );
        answer
            .send(Err(AuthError::KeychainUnavailable {
                reason: "no Secret Service".into(),
            }))
            .unwrap();
        let status = tokio::time::timeout(Duration::from_secs(5), sign_in.status())
            .await
            .expect("the keychain answered");
        assert!(!status.remembered);
        let warning = status.warning.expect("the window is told why");
        assert_eq!(warning.code, ErrorCode::KeychainUnavailable);
        // Nobody was remembered, and this session still works without the keychain.
        assert_eq!(sign_in.summaries().await.unwrap().len(), 0);
    }

    #[tokio::test]
    async fn remembering_off_never_opens_the_keychain() {
        let sign_in = SignIn::opening_keychain(false, async {
            panic!("the keychain was opened");
        });
        let status = tokio::time::timeout(Duration::from_secs(5), sign_in.status())
            .await
            .expect("nothing to wait for");
        assert!(!status.remembered);
        assert!(status.warning.is_none());
    }
}
