//! Updates as a user meets them: a newer version found at start is announced, its notes shown,
//! and installed only when the user says so; a download that is not the publisher's is refused
//! and installs nothing; with the setting off, or in the demo, the app never asks the feed.
//!
//! The feed is the local one (`/_updates/latest.json` on the emulator), signed with a key made
//! for this run; the update is installed over a stand-in file, as the updater installs over a
//! running AppImage.

use std::time::Duration;

use invoice_desk_e2e::{Env, Session};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(30);
/// Longer than the window waits before its quiet check at start.
const QUIET_CHECK_PASSED: Duration = Duration::from_secs(8);

fn words(key: &str) -> String {
    let catalogue: Value = serde_json::from_str(include_str!("../../ui/src/i18n/en.json")).unwrap();
    catalogue[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in en.json"))
        .to_owned()
}

fn click(app: &Session, css: &str) {
    let element = app.wait_for(css, WAIT).unwrap();
    app.click(&element).unwrap();
}

fn installed(env: &Env) -> Vec<u8> {
    std::fs::read(&env.appimage).unwrap()
}

/// Whether `bytes` are the installer of `version` the local feed serves.
fn is_installer_of(bytes: &[u8], version: &str) -> bool {
    let marker = format!("Invoice Desk {version}");
    bytes.starts_with(b"\x7fELF") && bytes.windows(marker.len()).any(|w| w == marker.as_bytes())
}

/// Past the moment the window would ask by itself: the feed was not asked since `asked`
/// requests, and no update is announced.
fn assert_the_feed_stays_unasked(env: &Env, app: &Session, asked: u64, why: &str) {
    std::thread::sleep(QUIET_CHECK_PASSED);
    assert_eq!(env.update_feed_requests(), asked, "{why}");
    assert!(app.find("[data-testid=update-banner]").is_err());
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "installs over a stand-in AppImage, Linux's update format"
)]
fn an_update_found_at_start_is_announced_and_installed_only_when_the_user_says_so() {
    let env = Env::from_process();
    let _release = env.publish_release(
        "9.1.0",
        "Invoices of every directory in one list.\nFaster sync.",
        false,
    );
    let before = installed(&env);
    let mut app = env.launch(None);

    // The quiet check at start finds it and says so, without a dialog in the way.
    let banner = app
        .wait_for_page_text("[data-testid=update-banner]", |t| t.contains("9.1.0"))
        .unwrap();
    assert!(banner.contains(&words("updates.bannerShow")), "{banner}");
    assert!(app.find("[data-testid=update-dialog][open]").is_err());
    app.screenshot("update-banner").unwrap();
    assert_eq!(
        installed(&env),
        before,
        "nothing is installed before the user asks"
    );

    click(&app, "[data-testid=update-banner-show]");
    let available = app
        .wait_for_page_text("[data-testid=update-available]", |t| t.contains("9.1.0"))
        .unwrap();
    assert!(
        available.contains("0.1.0"),
        "the running version is named: {available}"
    );
    assert_eq!(
        app.page_text("[data-testid=update-notes]").unwrap(),
        "Invoices of every directory in one list.\nFaster sync."
    );
    app.screenshot("update-available").unwrap();

    click(&app, "[data-testid=update-install]");
    let done = app
        .wait_for_page_text("[data-testid=update-installed]", |t| t.contains("9.1.0"))
        .unwrap();
    assert!(done.contains("9.1.0"));
    assert!(
        is_installer_of(&installed(&env), "9.1.0"),
        "the signed 9.1.0 installer is in place"
    );
    assert!(app.find("[data-testid=update-restart]").is_ok());
    app.screenshot("update-installed").unwrap();
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "installs over a stand-in AppImage, Linux's update format"
)]
fn a_download_that_is_not_the_publishers_is_refused_and_installs_nothing() {
    let env = Env::from_process();
    let _release = env.publish_release("9.2.0", "", true);
    let before = installed(&env);
    let asked = env.update_feed_requests();
    // The setting off: the app does not look by itself.
    let mut app = env.launch_signed_out(Some(r#"{"checkForUpdates": false}"#), WAIT);
    assert_the_feed_stays_unasked(&env, &app, asked, "the feed was asked with the setting off");

    // Asked, it looks, offers 9.2.0, and refuses the download that does not match its signature.
    click(&app, "[data-testid=settings-button]");
    click(&app, "[data-testid=check-updates-now]");
    app.wait_for_page_text("[data-testid=update-available]", |t| t.contains("9.2.0"))
        .unwrap();
    click(&app, "[data-testid=update-install]");
    let error = app
        .wait_for_page_text("[data-testid=update-error]", |t| !t.is_empty())
        .unwrap();
    assert!(
        error.contains(&words("errors.update_signature_invalid.message")),
        "{error}"
    );
    assert_eq!(
        installed(&env),
        before,
        "a refused update changed the installed app"
    );
    assert!(app.find("[data-testid=update-check-again]").is_ok());
    app.screenshot("update-signature-refused").unwrap();
}

#[test]
fn demo_mode_never_asks_the_release_feed() {
    let env = Env::from_process();
    let _release = env.publish_release("9.3.0", "", false);
    let asked = env.update_feed_requests();
    // Default settings (the check at start on), opened on the demo as `--demo` does.
    let app = env.launch_with(None, &["--demo"]);
    app.wait_for("[data-testid=scope-row]", WAIT).unwrap();
    assert_the_feed_stays_unasked(&env, &app, asked, "the demo asked the feed");
}
