//! Signing in and out: the commands behind the welcome screen and the accounts list.
//!
//! The sign-in itself lives in `invoice-desk-auth`; this module only supplies what needs the
//! desktop: the system browser, the translated "you can close this tab" page, the device code
//! shown in the window, and events when the accounts change.

// `#[tauri::command]` hands extractors over by value.
#![allow(clippy::needless_pass_by_value)]

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_opener::OpenerExt;
use tauri_specta::Event;
use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;
use url::Url;

use invoice_desk_auth::{
    AccountSession, Accounts, AuthConfig, AuthError, AuthOverrides, BrowserOptions,
    Cloud as AuthCloud, CompletionPage, DeviceOptions, KeyringStore, RememberStore, TenantState,
    TokenStore,
};
use invoice_desk_billing::Clock;

use crate::catalogue::{Catalogue, Locale};
use invoice_desk_api::Demo;

use crate::demo::{DEFAULT_DEMO_USER, DEMO_SCENARIO, DemoSlot, DemoState};
use crate::error::{AppError, ErrorCode};
use crate::listing_cache::ListingCache;
use crate::state::AppState;

/// Points the app at another authority and ARM endpoint (the local emulator in tests and demo
/// mode); both must be set. Plain http is accepted for loopback hosts only.
const AUTHORITY_ENV: &str = "INVOICE_DESK_AUTHORITY";
const ARM_ENDPOINT_ENV: &str = "INVOICE_DESK_ARM_ENDPOINT";
/// A command that opens sign-in pages instead of the system browser (`$INVOICE_DESK_BROWSER <url>`),
/// for machines whose browser must be chosen explicitly and for end-to-end tests.
const BROWSER_ENV: &str = "INVOICE_DESK_BROWSER";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Cloud {
    AzurePublic,
    AzureChina,
    AzureUsGov,
    Custom,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TenantSummary {
    pub id: String,
    pub display_name: String,
    /// The account's own directory: always on, it cannot be switched off.
    pub is_home: bool,
    pub enabled: bool,
    /// The directory asked for a fresh sign-in (MFA, Conditional Access): only it shows
    /// "Sign in again".
    pub needs_sign_in: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    pub id: String,
    pub display_name: String,
    pub username: String,
    pub cloud: Cloud,
    /// Tokens come from the Azure CLI's sign-in (`az login`), not one of Invoice Desk's own.
    pub via_azure_cli: bool,
    pub tenants: Vec<TenantSummary>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum SignInMethod {
    Browser,
    DeviceCode,
    AzureCli,
}

/// Whether sign-ins are remembered, and why not when the keychain could not be used.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatus {
    pub remembered: bool,
    pub warning: Option<AppError>,
}

/// Sent whenever an account is added, removed or changes state.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct AccountsChanged(pub Vec<AccountSummary>);

/// The code to type on another device, sent as soon as the authority hands it out.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCodeEvent {
    pub user_code: String,
    pub verification_uri: String,
    pub message: Option<String>,
}

/// The accounts of this run. Restored from the keychain the first time the UI asks.
#[derive(Debug)]
pub struct SignIn {
    accounts: Result<Accounts, AppError>,
    store: Arc<RememberStore>,
    keychain_warning: Mutex<Option<AppError>>,
    restored: OnceCell<()>,
    cancel: Mutex<Option<CancellationToken>>,
    /// While a demo runs, every account command acts on the demo's accounts instead.
    demo: DemoSlot,
}

impl SignIn {
    /// `remember`: the user's "remember my sign-in" setting.
    pub fn start(remember: bool) -> Self {
        // Without remembering the keychain is not touched until the user switches it on.
        let (keychain, keychain_error) = if remember {
            open_keychain()
        } else {
            (None, None)
        };
        let store = Arc::new(RememberStore::new(keychain, remember));
        let accounts = load_config()
            .and_then(|config| Accounts::new(config, store.clone()))
            .map_err(AppError::from);
        if let Err(err) = &accounts {
            tracing::warn!(code = ?err.code, "sign-in configuration unusable");
        }
        Self {
            accounts,
            store,
            keychain_warning: Mutex::new(keychain_error.map(AppError::from)),
            restored: OnceCell::new(),
            cancel: Mutex::new(None),
            demo: DemoSlot::default(),
        }
    }

    /// Switches "remember my sign-in": off deletes the app's keychain entries (this session
    /// stays signed in), on writes this session's accounts to the keychain.
    pub async fn set_remember(&self, remember: bool) -> Result<(), AppError> {
        if remember && !self.store.is_persistent() {
            let (keychain, error) = tokio::task::spawn_blocking(open_keychain)
                .await
                .map_err(|e| AppError::new(ErrorCode::Internal).with_details(e.to_string()))?;
            if let Some(keychain) = keychain {
                self.store.set_keychain(keychain);
            }
            self.set_keychain_warning(error.map(AppError::from));
        }
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.set_remember(remember))
            .await
            .map_err(|e| AppError::new(ErrorCode::Internal).with_details(e.to_string()))??;
        tracing::info!(remember, "remember sign-in switched");
        Ok(())
    }

    fn set_keychain_warning(&self, warning: Option<AppError>) {
        if let Ok(mut slot) = self.keychain_warning.lock() {
            *slot = warning;
        }
    }

    fn status(&self) -> KeychainStatus {
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
        self.restored
            .get_or_init(|| async {
                if let Err(err) = accounts.restore().await {
                    tracing::warn!(code = err.code(), "stored accounts could not be restored");
                }
            })
            .await;
        Ok(accounts.clone())
    }

    /// Starts demo mode (or switches its user) and signs in as `upn` through the emulator.
    pub async fn enter_demo(&self, upn: &str, page: CompletionPage) -> Result<DemoState, AppError> {
        self.enter_demo_in(DEMO_SCENARIO, upn, page).await
    }

    /// [`Self::enter_demo`] with the emulator on `scenario` when the demo is not running yet.
    pub async fn enter_demo_in(
        &self,
        scenario: &str,
        upn: &str,
        page: CompletionPage,
    ) -> Result<DemoState, AppError> {
        let mut slot = self.demo.lock().await;
        if slot.is_none() {
            *slot = Some(Demo::start(scenario, None).await?);
        }
        let demo = slot.as_mut().expect("just started");
        demo.sign_in_as(upn, page).await?;
        Ok(DemoState::of(demo))
    }

    /// The running demo's emulator address.
    pub async fn demo_url(&self) -> Option<Url> {
        self.demo.lock().await.as_ref().map(Demo::base_url)
    }

    /// Where "today" comes from: the day the demo's sample Azure lives on while a demo runs,
    /// else the system's date.
    pub async fn clock(&self) -> Clock {
        self.demo
            .lock()
            .await
            .as_ref()
            .map_or(Clock::System, Demo::clock)
    }

    /// Whether the demo runs (its data is never cached).
    pub async fn is_demo(&self) -> bool {
        self.demo.lock().await.is_some()
    }

    async fn demo_state(&self) -> Option<DemoState> {
        self.demo.lock().await.as_ref().map(DemoState::of)
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
}

/// How long start-up waits for the OS keychain before carrying on without it.
const KEYCHAIN_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The OS keychain, or why it cannot be used when it is missing, locked or does not answer in
/// time: a keychain that hangs (a stuck Secret Service on Linux) must never freeze the window.
fn open_keychain() -> (Option<Arc<dyn TokenStore>>, Option<AuthError>) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(KeyringStore::open());
    });
    match rx.recv_timeout(KEYCHAIN_WAIT) {
        Ok(Ok(keychain)) => (Some(Arc::new(keychain)), None),
        Ok(Err(error)) => {
            tracing::warn!(
                code = error.code(),
                "keychain unavailable; sign-ins last for this session only"
            );
            (None, Some(error))
        }
        Err(_) => {
            tracing::warn!(
                "the keychain did not answer in time; sign-ins last for this session only"
            );
            let reason = format!(
                "the system keychain did not answer within {} seconds",
                KEYCHAIN_WAIT.as_secs()
            );
            (None, Some(AuthError::KeychainUnavailable { reason }))
        }
    }
}

fn load_config() -> Result<AuthConfig, AuthError> {
    let mut overrides = AuthOverrides::default();
    if let (Ok(authority), Ok(arm)) = (
        std::env::var(AUTHORITY_ENV),
        std::env::var(ARM_ENDPOINT_ENV),
    ) {
        let scope = format!("{}/.default", arm.trim_end_matches('/'));
        overrides.cloud = Some(AuthCloud::Custom {
            authority_host: authority,
            arm_endpoint: arm,
            token_scope: scope,
        });
    }
    AuthConfig::load(&AuthConfig::config_paths(), &overrides)
}

impl Cloud {
    fn of(cloud: &AuthCloud) -> Self {
        match cloud {
            AuthCloud::AzurePublic => Self::AzurePublic,
            AuthCloud::AzureChina => Self::AzureChina,
            AuthCloud::AzureUsGov => Self::AzureUsGov,
            AuthCloud::Custom { .. } => Self::Custom,
        }
    }

    /// The named Azure cloud; `Custom` means "as configured" (organisation file, tests).
    fn sovereign(self) -> Option<AuthCloud> {
        match self {
            Self::AzurePublic => Some(AuthCloud::AzurePublic),
            Self::AzureChina => Some(AuthCloud::AzureChina),
            Self::AzureUsGov => Some(AuthCloud::AzureUsGov),
            Self::Custom => None,
        }
    }
}

impl SignIn {
    /// The cloud a sign-in uses unless the user picks another.
    pub fn default_cloud(&self) -> Cloud {
        self.accounts
            .as_ref()
            .map_or(Cloud::AzurePublic, |a| Cloud::of(&a.config().cloud))
    }
}

fn summary(session: &AccountSession) -> AccountSummary {
    let account = session.account();
    let cloud = Cloud::of(&account.cloud);
    let tenants = account
        .tenants
        .iter()
        .map(|tenant| TenantSummary {
            display_name: tenant
                .display_name
                .clone()
                .or_else(|| tenant.default_domain.clone())
                .unwrap_or_else(|| tenant.id.clone()),
            is_home: tenant.id.eq_ignore_ascii_case(&account.home_tenant),
            enabled: tenant.enabled,
            needs_sign_in: matches!(
                session.tenant_state(&tenant.id),
                TenantState::NeedsSignIn { .. }
            ),
            id: tenant.id.clone(),
        })
        .collect();
    AccountSummary {
        id: account.id,
        display_name: account.display_name,
        username: account.username,
        cloud,
        via_azure_cli: session.is_azure_cli(),
        tenants,
    }
}

impl SignIn {
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

async fn announce<R: Runtime>(app: &AppHandle<R>, state: &SignIn) {
    if let Ok(list) = state.summaries().await
        && let Err(err) = AccountsChanged(list).emit(app)
    {
        tracing::warn!(%err, "could not announce the accounts");
    }
}

/// The page the browser shows after the redirect, in the UI language.
pub(crate) fn completion_page(app: &AppHandle) -> CompletionPage {
    completion_page_in(Locale::resolve(app.state::<AppState>().settings().language))
}

pub(crate) fn completion_page_in(locale: Locale) -> CompletionPage {
    let words = Catalogue::of(locale);
    CompletionPage {
        lang: locale.code().into(),
        title: words.text("signIn.page.title"),
        success: words.text("signIn.page.success"),
        failure: words.text("signIn.page.failure"),
    }
}

fn open_in_browser(app: &AppHandle, url: &Url) -> Result<(), AuthError> {
    let failed = |message: String| AuthError::BrowserFailed { message };
    if let Ok(command) = std::env::var(BROWSER_ENV) {
        let mut child = shell_command(&command, url.as_str())
            .spawn()
            .map_err(|e| failed(format!("{BROWSER_ENV} could not start: {e}")))?;
        // Reap it in the background; its exit status says nothing about the sign-in.
        std::thread::spawn(move || child.wait());
        return Ok(());
    }
    app.opener()
        .open_url(url.as_str(), None::<&str>)
        .map_err(|e| failed(e.to_string()))
}

fn shell_command(command: &str, url: &str) -> std::process::Command {
    if cfg!(windows) {
        let mut cmd = std::process::Command::new("cmd");
        cmd.args(["/C", &format!("{command} \"{url}\"")]);
        cmd
    } else {
        let mut cmd = std::process::Command::new("sh");
        // The URL is passed as "$1", never spliced into the script.
        cmd.args(["-c", &format!("{command} \"$1\""), "sh", url]);
        cmd
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_accounts(state: State<'_, SignIn>) -> Result<Vec<AccountSummary>, AppError> {
    state.summaries().await
}

#[tauri::command]
#[specta::specta]
pub fn keychain_status(state: State<'_, SignIn>) -> KeychainStatus {
    state.status()
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

/// Sent when demo mode starts, switches user or ends (`state: null`).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct DemoChanged {
    pub state: Option<DemoState>,
}

async fn announce_demo(app: &AppHandle, state: &SignIn) {
    if let Err(err) = (DemoChanged {
        state: state.demo_state().await,
    })
    .emit(app)
    {
        tracing::warn!(%err, "could not announce demo mode");
    }
    announce(app, state).await;
}

/// "Try with demo data", and the scenario picker: sign in to the built-in sample Azure as one
/// of its users (the default is a pay-as-you-go account administrator).
#[tauri::command]
#[specta::specta]
pub async fn start_demo(
    app: AppHandle,
    state: State<'_, SignIn>,
    upn: Option<String>,
) -> Result<DemoState, AppError> {
    let upn = upn.unwrap_or_else(|| DEFAULT_DEMO_USER.to_owned());
    let demo = state.enter_demo(&upn, completion_page(&app)).await?;
    tracing::info!("demo mode on");
    announce_demo(&app, &state).await;
    Ok(demo)
}

#[tauri::command]
#[specta::specta]
pub async fn demo_state(state: State<'_, SignIn>) -> Result<Option<DemoState>, AppError> {
    Ok(state.demo_state().await)
}

/// Leaves demo mode: the sample Azure stops and the real accounts (if any) are back.
#[tauri::command]
#[specta::specta]
pub async fn leave_demo(app: AppHandle, state: State<'_, SignIn>) -> Result<(), AppError> {
    let demo = state.demo.lock().await.take();
    if let Some(demo) = demo {
        demo.stop().await;
        tracing::info!("demo mode off");
    }
    announce_demo(&app, &state).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_command_gets_the_url_as_an_argument_not_as_script_text() {
        let hostile = "http://127.0.0.1:1/?a=1&b=$(touch /tmp/x)";
        let cmd = shell_command("echo", hostile);
        let args: Vec<_> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        if cfg!(windows) {
            return;
        }
        assert_eq!(args, vec!["-c", "echo \"$1\"", "sh", hostile]);
    }

    #[test]
    fn an_opened_url_reaches_the_browser_command_intact() {
        if cfg!(windows) {
            return;
        }
        let url = "http://127.0.0.1:9/authorize?state=a&b=$(x)";
        let out = shell_command("printf %s", url).output().unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), url);
    }
}
