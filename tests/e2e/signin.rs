//! Signing in as a user does: "Sign in with Microsoft" opens the (emulated) Microsoft sign-in
//! in the browser, the account appears with its directories, is remembered in the keychain
//! across a restart, and "Sign out" removes it. No token ever reaches the logs, the settings
//! folder or the web view.

use std::time::Duration;

use invoice_desk_e2e::{Env, Session};

const SIGN_IN_WAIT: Duration = Duration::from_secs(60);
const WAIT: Duration = Duration::from_secs(15);
const USER: &str = "morgan@contoso.example";
/// A user with billing scopes in the emulator (the pay-as-you-go account administrator).
const BILLING_USER: &str = "alex@contoso.example";

fn sign_in(env: &Env, app: &Session) {
    sign_in_as(env, app, USER);
}

fn sign_in_as(env: &Env, app: &Session, upn: &str) {
    env.auto_approve(upn);
    let button = app.wait_for("#sign-in-browser", WAIT).unwrap();
    app.click(&button).unwrap();
    app.wait_for("[data-testid=account-row]", SIGN_IN_WAIT)
        .unwrap();
}

fn launch_signed_out(env: &Env) -> Session {
    env.launch_signed_out(None, WAIT)
}

fn account_rows_text(app: &Session) -> String {
    let row = app.wait_for("[data-testid=account-row]", WAIT).unwrap();
    app.text(&row).unwrap()
}

fn sign_out_everything(app: &Session) {
    invoice_desk_e2e::sign_out_everything(app, WAIT);
}

#[test]
fn signing_in_shows_the_account_remembers_it_and_signing_out_removes_it() {
    let env = Env::from_process();
    let mut app = launch_signed_out(&env);
    sign_in(&env, &app);
    let text = account_rows_text(&app);
    assert!(text.contains(USER), "the sidebar shows {text:?}");
    app.screenshot("signed-in").unwrap();
    drop(app);

    // Remembered in the keychain: the next start opens on the account, not the welcome screen.
    let mut again = env.relaunch();
    assert!(account_rows_text(&again).contains(USER));
    again.screenshot("signed-in-after-restart").unwrap();

    sign_out_everything(&again);
    again.wait_for("#welcome-heading", WAIT).unwrap();
    again.screenshot("signed-out").unwrap();
    drop(again);

    let last = env.relaunch();
    last.wait_for("#welcome-heading", WAIT).unwrap();
}

/// What the web view holds: its page and both storages.
fn web_view_contents(app: &Session) -> String {
    app.execute(
        "return document.documentElement.outerHTML + JSON.stringify(localStorage) + JSON.stringify(sessionStorage);",
        &[],
    )
    .unwrap()
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// A whole session, then a search of everything the app wrote: a sign-in in the browser, a
/// Sync archive, a restart that signs in again from the keychain (refresh token), a sign-out.
/// No authorization code, PKCE verifier, access, refresh or ID token the local Azure handed
/// out may be in any file the app wrote (settings, caches, archive index, logs, the web view's
/// own storage) or in the web view, not even a part of one.
#[test]
fn a_whole_session_leaves_no_token_code_or_verifier_in_any_file_or_the_web_view() {
    let env = Env::from_process();
    let folder = env.home.join("leak-archive");
    let _ = std::fs::remove_dir_all(&folder);
    let settings = serde_json::json!({
        "downloadFolder": folder.display().to_string(),
        "archiveFolder": folder.display().to_string(),
    });
    let app = env.launch_signed_out(Some(&settings.to_string()), WAIT);
    sign_in_as(&env, &app, BILLING_USER);
    app.wait_for("[data-testid=scope-row]", SIGN_IN_WAIT)
        .unwrap();
    let sync = app.wait_for("[data-testid=sync-archive]", WAIT).unwrap();
    app.click(&sync).unwrap();
    let summary = app
        .wait_for_text("[data-testid=save-summary-text]", |t| {
            t.starts_with("Saved:")
        })
        .unwrap();
    let mut web_view = web_view_contents(&app);
    drop(app);

    let again = env.relaunch();
    assert!(account_rows_text(&again).contains(BILLING_USER));
    again
        .wait_for("[data-testid=scope-row]", SIGN_IN_WAIT)
        .unwrap();
    web_view.push_str(&web_view_contents(&again));
    sign_out_everything(&again);
    again.wait_for("#welcome-heading", WAIT).unwrap();
    drop(again);

    let secrets = env.issued_secrets();
    for kind in [
        "authorization_code",
        "code_verifier",
        "access_token",
        "refresh_token",
        "id_token",
    ] {
        assert!(
            secrets.iter().any(|(k, _)| k == kind),
            "the session used no {kind}, so it was not searched for: {:?}",
            secrets.iter().map(|(k, _)| k).collect::<Vec<_>>()
        );
    }
    // The whole value, and its first and last 24 characters (a log line may cut a token).
    let needles: Vec<(&str, &str)> = secrets
        .iter()
        .flat_map(|(kind, value)| {
            let head = &value[..24.min(value.len())];
            let tail = &value[value.len().saturating_sub(24)..];
            [(kind.as_str(), head), (kind.as_str(), tail)]
        })
        .collect();
    let leak = |text: &str| {
        needles
            .iter()
            .find(|(_, n)| text.contains(n))
            .map(|(k, _)| *k)
    };
    assert_eq!(leak(&web_view), None, "the web view holds a secret");
    let written = env.app_files();
    let saved_documents = invoice_desk_e2e::files_under(&folder).len();
    assert!(
        saved_documents > 1,
        "the sync saved nothing ({summary}), so the index was not searched"
    );
    for file in &written {
        let bytes = std::fs::read(file).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        if let Some(kind) = leak(&text) {
            panic!("{} holds a {kind}", file.display());
        }
        assert!(!regex_lite_jwt()(&text), "{} holds a JWT", file.display());
    }
    let logs = invoice_desk_e2e::files_under(&env.log_folder());
    assert!(
        !logs.is_empty(),
        "no log file was written, so nothing was really searched"
    );
    eprintln!(
        "searched {} files ({} in the archive, {} logs) and the web view for {} secrets",
        written.len(),
        saved_documents,
        logs.len(),
        secrets.len()
    );
}

/// Whether `text` contains a JWT: three base64url parts, the first a JSON header.
fn regex_lite_jwt() -> impl Fn(&str) -> bool {
    let header = format!("{}{}", "ey", "J");
    move |text: &str| {
        text.match_indices(&header).any(|(at, _)| {
            let rest = &text[at..];
            let token: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            token.split('.').filter(|part| part.len() >= 10).count() >= 3
        })
    }
}

/// The words a user should see, from the catalogue the app ships.
fn english(key: &str) -> String {
    let catalogue: serde_json::Value =
        serde_json::from_str(include_str!("../../ui/src/i18n/en.json")).unwrap();
    catalogue[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing"))
        .to_owned()
}

#[test]
fn a_device_code_declined_on_the_other_device_is_explained_in_words() {
    let env = Env::from_process();
    let mut app = launch_signed_out(&env);
    let button = app.wait_for("#sign-in-device-code", WAIT).unwrap();
    app.click(&button).unwrap();
    let code = app
        .wait_for("[data-testid=device-code]", SIGN_IN_WAIT)
        .unwrap();
    let user_code = app.text(&code).unwrap();
    assert!(!user_code.trim().is_empty(), "no code shown");
    app.screenshot("device-code").unwrap();

    env.decline_device_code(user_code.trim());
    let message = app
        .wait_for("[data-testid=error-message]", SIGN_IN_WAIT)
        .unwrap();
    assert_eq!(
        app.text(&message).unwrap(),
        english("errors.sign_in_declined.message")
    );
    app.screenshot("device-code-declined").unwrap();
    assert!(
        app.find("[data-testid=account-row]").is_err(),
        "nobody should be signed in"
    );
}

/// The id of the directory whose name contains `name`, from its switch in Settings.
fn tenant_id_by_name(app: &Session, name: &str) -> String {
    let found = app
        .execute(
            "for (const input of document.querySelectorAll('[data-testid=tenant-toggle]')) {
               let node = input;
               while (node && !(node.textContent || '').includes(arguments[0])) node = node.parentElement;
               if (node && node.querySelectorAll('[data-testid=tenant-toggle]').length === 1) return input.dataset.tenantId;
             }
             return null;",
            &[serde_json::json!(name)],
        )
        .unwrap();
    found
        .as_str()
        .unwrap_or_else(|| panic!("no directory switch for {name}"))
        .to_owned()
}

#[test]
fn a_directory_that_demands_mfa_is_marked_alone_and_signing_in_again_clears_it() {
    let env = Env::from_process();
    let mut app = launch_signed_out(&env);
    sign_in(&env, &app);
    let settings = app.wait_for("[data-testid=settings-button]", WAIT).unwrap();
    app.click(&settings).unwrap();
    app.wait_for("[data-testid=tenant-toggle]", WAIT).unwrap();
    // Exactly one directory, the account's own (Contoso), is marked as home and cannot be
    // switched off: the shell says which, from the account it signed in.
    let home = tenant_id_by_name(&app, "Contoso");
    let homes = app
        .execute(
            "return [...document.querySelectorAll('[data-testid=tenant-home]')].map(n => n.dataset.tenantId);",
            &[],
        )
        .unwrap();
    assert_eq!(homes, serde_json::json!([home]), "the home directory");

    // The emulator's third directory for this user demands MFA (AADSTS50076).
    let strict = tenant_id_by_name(&app, "Café");
    let toggle = app
        .wait_for(
            &format!("[data-testid=tenant-toggle][data-tenant-id='{strict}']"),
            WAIT,
        )
        .unwrap();
    app.click(&toggle).unwrap();
    let again = format!(
        "[data-testid=tenant-sign-in-again][data-place=settings][data-tenant-id='{strict}']"
    );
    let button = app.wait_for(&again, SIGN_IN_WAIT).unwrap();
    let marked = app
        .execute(
            "return document.querySelectorAll('[data-testid=tenant-sign-in-again][data-place=settings]').length;",
            &[],
        )
        .unwrap();
    assert_eq!(marked, 1, "only the strict directory asks to sign in again");
    app.screenshot("directory-needs-sign-in").unwrap();

    env.auto_approve(USER);
    app.click(&button).unwrap();
    let deadline = std::time::Instant::now() + SIGN_IN_WAIT;
    while app.find(&again).is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "the directory still asks to sign in again"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    app.screenshot("directory-signed-in-again").unwrap();
    sign_out_everything(&app);
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

#[test]
fn a_claims_challenge_from_azure_asks_that_directory_to_sign_in_again_then_loads_it_again() {
    let env = Env::from_process();
    let mut app = launch_signed_out(&env);
    sign_in_as(&env, &app, BILLING_USER);
    let scope = app
        .wait_for("[data-testid=scope-row]", SIGN_IN_WAIT)
        .unwrap();

    // Conditional Access revoked the session: Azure answers the next call with 401 + claims.
    env.claims_challenge(BILLING_USER);
    app.click(&scope).unwrap();
    let again = "[data-testid=tenant-sign-in-again][data-place=sidebar]";
    let button = app.wait_for(again, SIGN_IN_WAIT).unwrap();
    let marked = app
        .execute(
            &format!("return document.querySelectorAll('{again}').length;"),
            &[],
        )
        .unwrap();
    assert_eq!(
        marked, 1,
        "only the challenged directory asks to sign in again"
    );
    app.screenshot("claims-challenge-sign-in-again").unwrap();

    // Signing in again hands the claims to Microsoft; the directory and the open scope's
    // billing periods then load again without another click.
    env.auto_approve(BILLING_USER);
    app.click(&button).unwrap();
    app.wait_for("[data-testid=period-row]", SIGN_IN_WAIT)
        .unwrap();
    assert!(app.find(again).is_err(), "the mark is gone");
    app.screenshot("claims-challenge-answered").unwrap();
    sign_out_everything(&app);
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

#[test]
fn switching_remember_off_keeps_this_session_and_leaves_nothing_in_the_keychain() {
    let env = Env::from_process();
    let mut app = launch_signed_out(&env);
    sign_in(&env, &app);
    let settings = app.wait_for("[data-testid=settings-button]", WAIT).unwrap();
    app.click(&settings).unwrap();
    app.wait_for("[data-testid=keychain-ok]", WAIT).unwrap();
    let remember = app
        .wait_for("[data-testid=remember-sign-in]", WAIT)
        .unwrap();
    app.click(&remember).unwrap();
    app.wait_for("[data-testid=keychain-session-only]", WAIT)
        .unwrap();
    assert!(
        app.find("[data-testid=settings-account]").is_ok(),
        "this session stays signed in"
    );
    app.screenshot("remember-sign-in-off").unwrap();
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let saved = std::fs::read_to_string(env.settings_file()).unwrap_or_default();
        let saved: serde_json::Value = serde_json::from_str(&saved).unwrap_or_default();
        if saved["rememberSignIn"] == serde_json::json!(false) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the choice was not saved: {saved}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(app);

    // The next start asks to sign in, and so does one that remembers again: the keychain
    // holds nothing of the account any more.
    let next = env.relaunch();
    next.wait_for("#welcome-heading", WAIT).unwrap();
    drop(next);
    let remembering = env.launch(None);
    remembering.wait_for("#welcome-heading", WAIT).unwrap();
}

#[test]
fn an_azure_cli_sign_in_is_reused_and_lists_the_billing_scopes() {
    let env = Env::from_process();
    env.azure_cli_signed_in_as(Some(BILLING_USER));
    let mut app = launch_signed_out(&env);
    let button = app.wait_for("#sign-in-azure-cli", WAIT).unwrap();
    app.click(&button).unwrap();
    let text = account_rows_text(&app);
    assert!(text.contains(BILLING_USER), "the sidebar shows {text:?}");
    // The billing scopes load with the Azure CLI's tokens.
    app.wait_for("[data-testid=scope-row]", SIGN_IN_WAIT)
        .unwrap();
    let settings = app.wait_for("[data-testid=settings-button]", WAIT).unwrap();
    app.click(&settings).unwrap();
    app.wait_for("[data-testid=via-azure-cli]", WAIT).unwrap();
    app.screenshot("azure-cli-account").unwrap();
    env.azure_cli_signed_in_as(None);
    sign_out_everything(&app);
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

fn open_scope(app: &Session, name: &str) {
    invoice_desk_e2e::open_scope(app, name, SIGN_IN_WAIT);
}

/// The recipients the email settings list, in order.
fn shown_recipients(app: &Session) -> Vec<String> {
    let listed = app
        .execute(
            "return [...document.querySelectorAll('[data-testid=email-recipient]')].map((r) => r.dataset.address);",
            &[],
        )
        .unwrap();
    serde_json::from_value(listed).unwrap()
}

#[test]
fn a_contributor_switches_invoice_email_on_adds_a_recipient_and_finds_both_after_a_restart() {
    let env = Env::from_process();
    let mut app = launch_signed_out(&env);
    sign_in_as(&env, &app, "clara.contributor@contoso.example");
    open_scope(&app, "Contoso R&D");
    let state = app
        .wait_for_page_text("[data-testid=email-state]", |t| !t.is_empty())
        .unwrap();
    assert!(state.starts_with("Email delivery is off"), "{state}");
    let switch = app.find("[data-testid=email-opt-in]").unwrap();
    app.click(&switch).unwrap();
    app.wait_for_page_text("[data-testid=email-state]", |t| {
        t.starts_with("Email delivery is on")
    })
    .unwrap();
    let input = app.wait_for("[data-testid=email-add-input]", WAIT).unwrap();
    app.send_keys(&input, "not-an-address").unwrap();
    app.click(&app.find("[data-testid=email-add]").unwrap())
        .unwrap();
    let refused = app
        .wait_for(
            "[data-testid=email-error][data-error-code=email_address_invalid]",
            WAIT,
        )
        .unwrap();
    assert!(
        app.text(&refused)
            .unwrap()
            .contains("not an email address Azure accepts"),
        "the address is refused in words"
    );
    app.clear(&input).unwrap();
    app.send_keys(&input, "rnd-invoices@contoso.example")
        .unwrap();
    app.click(&app.find("[data-testid=email-add]").unwrap())
        .unwrap();
    app.wait_for(
        "[data-testid=email-recipient][data-address='rnd-invoices@contoso.example']",
        WAIT,
    )
    .unwrap();
    assert!(
        app.find("[data-testid=email-error]").is_err(),
        "the earlier error is gone once a change succeeded"
    );
    app.screenshot("email-settings-changed").unwrap();
    drop(app);

    // After a restart the window reads the settings from Azure again: what it shows is
    // what Azure kept.
    let mut again = env.relaunch();
    open_scope(&again, "Contoso R&D");
    again
        .wait_for_page_text("[data-testid=email-state]", |t| {
            t.starts_with("Email delivery is on")
        })
        .unwrap();
    again
        .wait_for("[data-testid=email-recipient]", WAIT)
        .unwrap();
    assert_eq!(shown_recipients(&again), ["rnd-invoices@contoso.example"]);
    again.screenshot("email-settings-after-restart").unwrap();

    // Off asks first: everyone is unsubscribed, the other recipients removed.
    app_click(&again, "[data-testid=email-opt-in]");
    let body = again
        .wait_for_page_text("#confirm-body", |t| !t.is_empty())
        .unwrap();
    assert!(body.contains("unsubscribed"), "{body}");
    app_click(&again, "[data-testid=email-confirm-off]");
    again
        .wait_for_page_text("[data-testid=email-state]", |t| {
            t.starts_with("Email delivery is off")
        })
        .unwrap();
    assert!(shown_recipients(&again).is_empty());
    sign_out_everything(&again);
}

fn app_click(app: &Session, css: &str) {
    let element = app.wait_for(css, WAIT).unwrap();
    app.click(&element).unwrap();
}
