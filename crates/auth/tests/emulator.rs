//! Every sign-in flow against the emulator's Entra-like authority, over real loopback sockets:
//! browser (auto-approve), device code, refresh-token rotation, per-tenant tokens with an MFA
//! tenant, restore from the store, and the resulting credential used by the billing client.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use azure_core::credentials::TokenCredential;
use futures::TryStreamExt as _;
use invoice_desk_auth::{
    Accounts, AuthConfig, AuthError, BrowserOptions, Cloud, DeviceCode, DeviceOptions, MemoryStore,
    RedirectHost, TenantState, TokenStore,
};
use invoice_desk_billing::{ArmClient, ListOptions};
use invoice_desk_emulator::{Emulator, EmulatorConfig};
use tokio_util::sync::CancellationToken;
use url::Url;

const ALEX: &str = "alex@contoso.example";
const MORGAN: &str = "morgan@contoso.example";

async fn emulator(auto_approve: Option<&str>) -> Emulator {
    Emulator::start(EmulatorConfig {
        auto_approve: auto_approve.map(str::to_owned),
        device_code_interval_secs: 1,
        ..EmulatorConfig::default()
    })
    .await
    .expect("emulator starts")
}

fn config(emulator: &Emulator, redirect_host: RedirectHost) -> AuthConfig {
    let base = emulator.base_url().to_string();
    AuthConfig {
        cloud: Cloud::Custom {
            authority_host: base.clone(),
            arm_endpoint: base,
            token_scope: String::new(),
        },
        redirect_host,
        ..AuthConfig::default()
    }
}

/// The test's "browser": follows the authorize URL by hand (no automatic redirects), checks the
/// authority sends it to the loopback redirect, then delivers it to the app's listener.
fn browser(seen: Arc<Mutex<Vec<Url>>>) -> impl Fn(&Url) -> Result<(), AuthError> {
    move |url: &Url| {
        seen.lock().unwrap().push(url.clone());
        let url = url.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let answer = client.get(url).send().await.expect("authorize answers");
            assert_eq!(answer.status(), 302, "auto-approve redirects");
            let location = answer.headers()["location"].to_str().unwrap().to_owned();
            let page = client
                .get(&location)
                .send()
                .await
                .expect("listener answers");
            assert_eq!(page.status(), 200);
            let body = page.text().await.unwrap();
            assert!(body.contains("close this tab"), "{body}");
        });
        Ok(())
    }
}

fn stored_refresh_token(store: &MemoryStore, entry: &str) -> String {
    let raw = store.get(entry).unwrap().expect("account entry");
    let bundle: serde_json::Value = serde_json::from_slice(&raw).expect("bundle is JSON");
    bundle["refresh_token"].as_str().unwrap().to_owned()
}

/// Morgan's guest tenants: (Fabrikam, the MFA tenant).
fn guest_tenants(emulator: &Emulator) -> (String, String) {
    let morgan = emulator
        .users()
        .into_iter()
        .find(|u| u.upn == MORGAN)
        .expect("scenario user");
    let mfa = emulator.mfa_tenants();
    let cafe = morgan
        .tenants
        .iter()
        .find(|t| mfa.iter().any(|m| m.eq_ignore_ascii_case(t)))
        .expect("an MFA tenant")
        .clone();
    let fabrikam = morgan
        .tenants
        .iter()
        .find(|t| **t != morgan.tenant_id && **t != cafe)
        .expect("a guest tenant")
        .clone();
    (fabrikam, cafe)
}

#[tokio::test]
async fn browser_sign_in_then_billing_lists_accounts_with_the_session() {
    let emulator = emulator(Some(ALEX)).await;
    let store = Arc::new(MemoryStore::new());
    let accounts =
        Accounts::new(config(&emulator, RedirectHost::Loopback127), store.clone()).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let session = accounts
        .sign_in_with_browser(
            &BrowserOptions {
                login_hint: Some(ALEX.into()),
                ..BrowserOptions::default()
            },
            browser(seen.clone()),
            &CancellationToken::new(),
        )
        .await
        .expect("browser sign-in");

    let url = seen.lock().unwrap()[0].clone();
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["prompt"], "select_account");
    assert_eq!(query["login_hint"], ALEX);
    assert!(query["redirect_uri"].starts_with("http://127.0.0.1:"));
    assert!(query["scope"].contains("offline_access"));
    assert!(!query.contains_key("code_verifier"));

    let account = session.account();
    assert_eq!(account.username, ALEX);
    assert!(account.id.contains('.'), "uid.utid");
    assert_eq!(account.tenants[0].id, account.home_tenant);
    assert_eq!(accounts.list().len(), 1);
    assert!(store.entry_names().contains(&session.entry_name()));

    let credential: Arc<dyn TokenCredential> = Arc::new(session.session(None));
    let arm = ArmClient::builder(account.cloud.to_billing().unwrap(), credential)
        .build()
        .unwrap();
    let billing_accounts: Vec<_> = arm
        .list_billing_accounts(&ListOptions::default())
        .try_collect()
        .await
        .expect("billing accounts list");
    assert!(!billing_accounts.is_empty());

    accounts.sign_out(&account.id).await.unwrap();
    assert!(accounts.list().is_empty());
    assert!(store.entry_names().is_empty(), "{:?}", store.entry_names());
    emulator.shutdown().await;
}

#[tokio::test]
async fn localhost_redirect_works_with_the_cli_client_id() {
    let emulator = emulator(Some(ALEX)).await;
    let accounts = Accounts::new(
        config(&emulator, RedirectHost::Localhost),
        Arc::new(MemoryStore::new()),
    )
    .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    accounts
        .sign_in_with_browser(
            &BrowserOptions::default(),
            browser(seen.clone()),
            &CancellationToken::new(),
        )
        .await
        .expect("sign-in via http://localhost:{port}");
    let url = seen.lock().unwrap()[0].clone();
    let redirect = url
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .unwrap()
        .1
        .into_owned();
    assert!(redirect.starts_with("http://localhost:"), "{redirect}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn refresh_tokens_rotate_and_tenants_fail_one_at_a_time() {
    let emulator = emulator(Some(MORGAN)).await;
    let store = Arc::new(MemoryStore::new());
    let accounts =
        Accounts::new(config(&emulator, RedirectHost::Loopback127), store.clone()).unwrap();
    let cancel = CancellationToken::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let session = accounts
        .sign_in_with_browser(&BrowserOptions::default(), browser(seen.clone()), &cancel)
        .await
        .unwrap();
    let entry = session.entry_name();
    let first = stored_refresh_token(&store, &entry);

    // The other tenants, from ARM; new ones start switched off.
    let tenants = session.refresh_tenants().await.expect("tenants list");
    assert_eq!(tenants.len(), 3, "{tenants:?}");
    assert!(tenants[0].enabled);
    assert!(tenants[1..].iter().all(|t| !t.enabled));
    let (fabrikam, cafe) = guest_tenants(&emulator);
    session.set_tenant_enabled(&fabrikam, true).await.unwrap();
    assert!(session.account().tenant(&fabrikam).unwrap().enabled);

    let scope = config(&emulator, RedirectHost::Loopback127)
        .cloud
        .arm_scope()
        .unwrap();
    let fab_token = session
        .access_token(&fabrikam, &[scope.as_str()])
        .await
        .expect("a token for the guest tenant from the same refresh token");
    let second = stored_refresh_token(&store, &entry);
    assert_ne!(
        first, second,
        "the refresh token rotated and the new one was stored"
    );
    // Served from memory the second time: no rotation.
    let again = session
        .access_token(&fabrikam, &[scope.as_str()])
        .await
        .unwrap();
    assert_eq!(again.token.secret(), fab_token.token.secret());
    assert_eq!(stored_refresh_token(&store, &entry), second);

    // The spent refresh token is refused by the authority.
    let reuse = reqwest::Client::new()
        .post(format!(
            "{}organizations/oauth2/v2.0/token",
            emulator.base_url()
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=refresh_token&client_id={}&scope=openid&refresh_token={}",
            invoice_desk_auth::AZURE_CLI_CLIENT_ID,
            first
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(reuse.status(), 400);

    // The MFA tenant needs a sign-in there: only that tenant is marked.
    let err = session
        .access_token(&cafe, &[scope.as_str()])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "interaction_required", "{err}");
    assert!(matches!(
        session.tenant_state(&cafe),
        TenantState::NeedsSignIn { .. }
    ));
    assert_eq!(session.tenant_state(&fabrikam), TenantState::Ready);
    let home = session.account().home_tenant;
    assert!(session.access_token(&home, &[scope.as_str()]).await.is_ok());
    // Marked tenants fail fast, without a new prompt or request.
    let stored_before = stored_refresh_token(&store, &entry);
    let again = session
        .access_token(&cafe, &[scope.as_str()])
        .await
        .unwrap_err();
    assert_eq!(again.code(), "interaction_required");
    assert_eq!(stored_refresh_token(&store, &entry), stored_before);

    // "Sign in again" on that tenant: browser at the tenant with login_hint, then it works.
    let seen = Arc::new(Mutex::new(Vec::new()));
    accounts
        .sign_in_again(
            &session,
            &cafe,
            &BrowserOptions::default(),
            browser(seen.clone()),
            &cancel,
        )
        .await
        .expect("re-sign-in at the MFA tenant");
    let url = seen.lock().unwrap()[0].clone();
    assert!(url.path().starts_with(&format!("/{cafe}/")), "{url}");
    assert!(
        url.query_pairs()
            .any(|(k, v)| k == "login_hint" && v == MORGAN)
    );
    assert_eq!(session.tenant_state(&cafe), TenantState::Ready);
    session
        .access_token(&cafe, &[scope.as_str()])
        .await
        .expect("token for the MFA tenant after signing in there");
    emulator.shutdown().await;
}

#[tokio::test]
async fn restored_accounts_refresh_and_revoked_ones_need_a_new_sign_in() {
    let emulator = emulator(Some(ALEX)).await;
    let store: Arc<MemoryStore> = Arc::new(MemoryStore::new());
    let config = config(&emulator, RedirectHost::Loopback127);
    let first = Accounts::new(config.clone(), store.clone()).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let signed_in = first
        .sign_in_with_browser(
            &BrowserOptions::default(),
            browser(seen),
            &CancellationToken::new(),
        )
        .await
        .unwrap();

    // A restart: the account comes back from the store and refreshes silently.
    let second = Accounts::new(config.clone(), store.clone()).unwrap();
    let restored = second.restore().await.unwrap();
    assert_eq!(restored.len(), 1);
    assert_eq!(restored[0], signed_in.account());
    let session = second.get(&restored[0].id).unwrap();
    let scope = config.cloud.arm_scope().unwrap();
    session
        .access_token(&restored[0].home_tenant, &[scope.as_str()])
        .await
        .expect("silent refresh after restore");

    // Revoked refresh tokens: the whole account needs an interactive sign-in.
    assert!(emulator.revoke_refresh_tokens(ALEX) > 0);
    let legacy = "https://management.core.windows.net//.default";
    let err = session
        .access_token(&restored[0].home_tenant, &[legacy])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_grant", "{err}");
    assert!(err.needs_interaction());
    assert!(matches!(
        session.tenant_state(&restored[0].home_tenant),
        TenantState::NeedsSignIn { .. }
    ));

    second.remove_all().await.unwrap();
    assert!(store.entry_names().is_empty());
    emulator.shutdown().await;
}

#[tokio::test]
async fn device_code_sign_in_approved_and_declined() {
    let emulator = Arc::new(emulator(None).await);
    let config = config(&emulator, RedirectHost::Loopback127);
    let accounts = Accounts::new(config, Arc::new(MemoryStore::new())).unwrap();

    let shown: Arc<Mutex<Option<DeviceCode>>> = Arc::new(Mutex::new(None));
    let on_code = {
        let shown = shown.clone();
        let emulator = emulator.clone();
        move |code: &DeviceCode| {
            *shown.lock().unwrap() = Some(code.clone());
            let user_code = code.user_code.clone();
            let emulator = emulator.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                emulator.approve_device_code(&user_code, MORGAN).unwrap();
            });
        }
    };
    let session = accounts
        .sign_in_with_device_code(
            &DeviceOptions::default(),
            on_code,
            &CancellationToken::new(),
        )
        .await
        .expect("device code sign-in");
    assert_eq!(session.account().username, MORGAN);
    let shown = shown.lock().unwrap().clone().unwrap();
    assert!(!shown.user_code.is_empty());
    assert!(shown.verification_uri.starts_with("http://127.0.0.1:"));

    let declined = {
        let emulator = emulator.clone();
        move |code: &DeviceCode| {
            let user_code = code.user_code.clone();
            let emulator = emulator.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(100)).await;
                emulator.decline_device_code(&user_code).unwrap();
            });
        }
    };
    let err = accounts
        .sign_in_with_device_code(
            &DeviceOptions::default(),
            declined,
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "declined", "{err}");

    // Cancelling while polling stops at once.
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let err = accounts
        .sign_in_with_device_code(
            &DeviceOptions::default(),
            move |_: &DeviceCode| trigger.cancel(),
            &cancel,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
}

#[tokio::test]
async fn a_claims_challenge_marks_the_tenant_and_signing_in_again_with_the_claims_lets_the_retry_pass()
 {
    let emulator = emulator(Some(ALEX)).await;
    let accounts = Accounts::new(
        config(&emulator, RedirectHost::Loopback127),
        Arc::new(MemoryStore::new()),
    )
    .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let session = accounts
        .sign_in_with_browser(
            &BrowserOptions::default(),
            browser(seen.clone()),
            &CancellationToken::new(),
        )
        .await
        .expect("browser sign-in");
    let home = session.account().home_tenant;
    let credential: Arc<dyn TokenCredential> = Arc::new(session.session(Some(&home)));
    let arm = ArmClient::builder(session.account().cloud.to_billing().unwrap(), credential)
        .build()
        .unwrap();
    let list = || async {
        arm.list_billing_accounts(&ListOptions::default())
            .try_collect::<Vec<_>>()
            .await
    };
    assert!(list().await.is_ok());

    // Conditional Access revokes the session: ARM answers 401 with a claims challenge.
    emulator.claims_challenge(ALEX);
    let error = list().await.expect_err("the challenge");
    let claims = error
        .claims_challenge()
        .expect("the 401 carries claims")
        .to_owned();
    session.mark_needs_sign_in(&home, "insufficient_claims", Some(claims.clone()));
    assert!(matches!(
        session.tenant_state(&home),
        TenantState::NeedsSignIn { .. }
    ));
    // Until the user signs in again, calls fail at once instead of prompting again and again.
    assert!(list().await.is_err());

    accounts
        .sign_in_again(
            &session,
            &home,
            &BrowserOptions::default(),
            browser(seen.clone()),
            &CancellationToken::new(),
        )
        .await
        .expect("sign in again");
    let again = seen.lock().unwrap().last().unwrap().clone();
    let query: std::collections::HashMap<_, _> = again.query_pairs().into_owned().collect();
    assert_eq!(
        query.get("claims"),
        Some(&claims),
        "the claims go to Microsoft"
    );
    assert_eq!(query.get("login_hint").map(String::as_str), Some(ALEX));
    assert!(matches!(session.tenant_state(&home), TenantState::Ready));
    // The retry passes: the new token answers the challenge.
    assert!(!list().await.expect("retry after sign-in again").is_empty());
    emulator.shutdown().await;
}
