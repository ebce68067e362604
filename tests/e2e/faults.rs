//! The fault matrix, through the real window signed in to the local Azure: for each way Azure
//! or the disk can fail (throttling, server errors, malformed or unexpected JSON, a connection
//! dropped mid-body, a slow body, an expired download link, a lost operation, a captive
//! portal's page instead of a PDF, a full disk), the user sees a sentence and a next step, no
//! half-written file lies under a final name, Retry (or Sync archive again) finishes the job,
//! and nothing saved before is lost. The README's fault table lists these rows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use invoice_desk_e2e::{Env, Session};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(30);
/// Long enough for the app's own retries to give up (five attempts, backoff up to ~13 s).
const GIVE_UP: Duration = Duration::from_secs(90);
/// Pay-as-you-go account administrator: documents by billing subscription (legacy links
/// where that API does not serve).
const USER: &str = "alex@contoso.example";
/// Customer agreement billing profile owner: documents by billing account, always through a
/// download operation.
const MCA_USER: &str = "olivia.owner@contoso.example";
const SCOPE: &str = "Pay-As-You-Go";

/// Clears the fault rules when a test ends, passed or failed: the next test meets a sound
/// Azure.
struct Faults<'a>(&'a Env);

impl<'a> Faults<'a> {
    fn set(env: &'a Env, rules: &serde_json::Value) -> Self {
        env.set_faults(rules);
        Self(env)
    }
}

impl Drop for Faults<'_> {
    fn drop(&mut self) {
        self.0.clear_faults();
    }
}

/// The app with `folder` as its download and archive folder, signed in as Alex.
fn launch_with_folder(env: &Env, folder: &Path) -> Session {
    launch_as(env, folder, USER)
}

/// The app with `folder` as its download and archive folder, signed in as `user` for this
/// run only ("remember me" off): nothing reaches the keychain, so the tests after these start
/// signed out as they expect.
fn launch_as(env: &Env, folder: &Path, user: &str) -> Session {
    let settings = json!({
        "downloadFolder": folder.display().to_string(),
        "archiveFolder": folder.display().to_string(),
        "rememberSignIn": false,
    });
    let app = env.launch_signed_out(Some(&settings.to_string()), WAIT);
    env.auto_approve(user);
    select(&app, "#sign-in-browser");
    app.wait_for("[data-testid=account-row]", Duration::from_secs(60))
        .unwrap();
    app.wait_for("[data-testid=scope-row]", Duration::from_secs(60))
        .unwrap();
    app
}

fn select(app: &Session, css: &str) {
    let element = app.wait_for(css, WAIT).unwrap();
    app.click(&element).unwrap();
}

/// Clicks `css` once it is enabled (Sync archive waits for the scopes it syncs).
fn click_when_enabled(app: &Session, css: &str) {
    let deadline = std::time::Instant::now() + WAIT;
    while app
        .execute(
            "const b = document.querySelector(arguments[0]); return !b || b.disabled;",
            &[json!(css)],
        )
        .unwrap()
        == json!(true)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{css} stayed disabled"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    select(app, css);
}

fn open_scope(app: &Session, name: &str) {
    invoice_desk_e2e::open_scope(app, name, WAIT);
}

/// The error the window shows in `container`: its code, sentence and next step.
struct Shown {
    code: String,
    message: String,
    hint: String,
}

fn shown_error(app: &Session, container: &str, timeout: Duration) -> Shown {
    let view = app
        .wait_for(&format!("{container} [data-testid=error-view]"), timeout)
        .unwrap();
    let code = app
        .attribute(&view, "data-error-code")
        .unwrap()
        .unwrap_or_default();
    let message = app
        .page_text(&format!("{container} [data-testid=error-message]"))
        .unwrap();
    let hint = app
        .page_text(&format!("{container} [data-testid=error-hint]"))
        .unwrap_or_default();
    Shown {
        code,
        message,
        hint,
    }
}

/// A sentence (ends like one, more than a code) and a next step.
fn assert_explained(shown: &Shown, what: &str) {
    assert!(
        shown.message.len() > 20 && shown.message.trim_end().ends_with(['.', '!', '?']),
        "{what}: {:?} is not a sentence",
        shown.message
    );
    assert!(
        !shown.hint.trim().is_empty(),
        "{what}: no next step under {:?}",
        shown.message
    );
}

/// Opens the scope while `rules` hold: the table shows the error in words, and Retry, once
/// Azure behaves, lists the invoices.
fn list_fails_then_retry_lists(env: &Env, name: &str, rules: &serde_json::Value) -> Shown {
    let folder = env.home.join(format!("faults-{name}"));
    let _ = std::fs::remove_dir_all(&folder);
    let mut app = launch_with_folder(env, &folder);
    let faults = Faults::set(env, rules);
    open_scope(&app, SCOPE);
    // With no list kept from before the table says so in place of rows; with one it keeps
    // showing it and says why it is not newer.
    let shown = shown_error(
        &app,
        ":is([data-testid=periods-error], [data-testid=periods-stale])",
        GIVE_UP,
    );
    assert_explained(&shown, name);
    app.screenshot(&format!("fault-{name}")).unwrap();
    drop(faults);
    select(&app, "[data-testid=periods-retry]");
    app.wait_for("[data-testid=period-row][data-invoice]", WAIT)
        .unwrap();
    shown
}

#[test]
fn throttling_that_does_not_end_is_explained_and_retry_lists_the_invoices() {
    let env = Env::from_process();
    let shown = list_fails_then_retry_lists(
        &env,
        "list-429",
        &json!([{"route": "*/invoices*", "method": "GET", "kind": "throttle", "retry_after_secs": 1}]),
    );
    assert_eq!(shown.code, "throttled", "{}", shown.message);
}

#[test]
fn server_errors_are_explained_and_retry_lists_the_invoices() {
    let env = Env::from_process();
    for status in [500, 503] {
        let shown = list_fails_then_retry_lists(
            &env,
            &format!("list-{status}"),
            &json!([{"route": "*/invoices*", "method": "GET", "kind": "status", "status": status}]),
        );
        assert_eq!(shown.code, "server_error", "{status}: {}", shown.message);
    }
}

#[test]
fn malformed_json_is_explained_and_retry_lists_the_invoices() {
    let env = Env::from_process();
    let shown = list_fails_then_retry_lists(
        &env,
        "list-malformed",
        &json!([{"route": "*/invoices*", "method": "GET", "kind": "malformed_json"}]),
    );
    assert_eq!(shown.code, "invalid_response", "{}", shown.message);
    assert!(
        shown.message.contains("could not be read"),
        "{}",
        shown.message
    );
}

#[test]
fn values_azure_added_later_still_list_the_invoices() {
    let env = Env::from_process();
    let folder = env.home.join("faults-new-values");
    let mut app = launch_with_folder(&env, &folder);
    let _faults = Faults::set(
        &env,
        &json!([{"route": "*/invoices*", "kind": "new_enum_values"}, {"route": "*/invoices*", "kind": "extra_fields"}]),
    );
    open_scope(&app, SCOPE);
    app.wait_for("[data-testid=period-row][data-invoice]", WAIT)
        .unwrap();
    assert!(app.find("[data-testid=periods-error]").is_err());
    app.screenshot("fault-new-enum-values").unwrap();
}

/// Every file under `dir` with its bytes, by path relative to `dir`.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    invoice_desk_e2e::files_under(dir)
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap_or_default();
            (path.strip_prefix(dir).unwrap().to_owned(), bytes)
        })
        .collect()
}

/// No part file, and every document under its final name is whole.
fn assert_no_half_file(dir: &Path) {
    for (path, bytes) in snapshot(dir) {
        let name = path.to_string_lossy();
        assert!(
            !name.ends_with(".part") && !name.ends_with(".tmp"),
            "left behind: {name}"
        );
        if name.ends_with(".pdf") {
            assert!(bytes.starts_with(b"%PDF-"), "{name} is not a PDF");
            let tail =
                String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(64)..]).into_owned();
            assert!(tail.contains("%%EOF"), "{name} is cut short");
        }
    }
}

/// The saved documents (not the app's bookkeeping beside them), with their bytes.
fn documents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "pdf"))
        .collect()
}

fn pdfs(dir: &Path) -> usize {
    documents(dir).len()
}

/// Sync archive, then the summary line once the run ended.
fn sync(app: &Session, timeout: Duration) -> String {
    if let Ok(dismiss) = app.find("[data-testid=save-dismiss]") {
        app.click(&dismiss).unwrap();
        std::thread::sleep(Duration::from_millis(200));
    }
    click_when_enabled(app, "[data-testid=sync-archive]");
    summary_when_done(app, timeout)
}

/// The summary line once the running save ended.
fn summary_when_done(app: &Session, timeout: Duration) -> String {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Ok(text) = app.page_text("[data-testid=save-summary-text]")
            && text.starts_with("Saved:")
        {
            return text;
        }
        assert!(std::time::Instant::now() < deadline, "the save did not end");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The failures the summary lists: (code, sentence, next step) per failed document.
fn failures(app: &Session) -> Vec<Shown> {
    let listed = app
        .execute(
            "return [...document.querySelectorAll('[data-testid=save-failure]')].map((f) => [\
               f.dataset.errorCode,\
               f.querySelector('[data-testid=error-message]')?.textContent ?? '',\
               f.querySelector('[data-testid=error-hint]')?.textContent ?? '']);",
            &[],
        )
        .unwrap();
    let listed: Vec<(String, String, String)> = serde_json::from_value(listed).unwrap();
    listed
        .into_iter()
        .map(|(code, message, hint)| Shown {
            code,
            message,
            hint,
        })
        .collect()
}

/// One complete sync into an empty folder: how many documents `user`'s scopes have.
fn full_sync_count(env: &Env, user: &str) -> usize {
    let folder = env.home.join("faults-reference");
    let _ = std::fs::remove_dir_all(&folder);
    let app = launch_as(env, &folder, user);
    let text = sync(&app, GIVE_UP);
    assert!(text.ends_with("Failed: 0"), "{text}");
    pdfs(&folder)
}

/// Sync archive while `rules` hold, in a folder that already has what a first, sound sync
/// saved of the first scope's newest documents: the failures are explained, no half file
/// lies anywhere, nothing saved before changed, and a second Sync archive once Azure behaves
/// saves all the rest.
fn save_fails_then_sync_again_finishes(
    env: &Env,
    user: &str,
    name: &str,
    rules: &serde_json::Value,
    expected: &str,
) {
    let total = full_sync_count(env, user);
    let folder = env.home.join(format!("faults-{name}"));
    let _ = std::fs::remove_dir_all(&folder);
    let mut app = launch_as(env, &folder, user);
    // A first run that saves only some documents: every third blob read is refused.
    {
        let _partial = Faults::set(
            env,
            &json!([{"route": "/_blob/*", "kind": "status", "status": 404, "count": total / 3}]),
        );
        sync(&app, GIVE_UP);
    }
    let before = documents(&folder);
    assert!(!before.is_empty(), "the first run saved nothing");
    // Download operations Azure ran for the first run are long gone by the second.
    env.forget_operations();

    let faults = Faults::set(env, rules);
    let text = sync(&app, GIVE_UP);
    let failed = failures(&app);
    assert!(!failed.is_empty(), "{name}: nothing failed ({text})");
    for shown in &failed {
        assert_eq!(shown.code, expected, "{name}: {}", shown.message);
        assert_explained(shown, name);
    }
    app.screenshot(&format!("fault-{name}")).unwrap();
    assert_no_half_file(&folder);
    let during = documents(&folder);
    for (path, bytes) in &before {
        assert_eq!(
            during.get(path),
            Some(bytes),
            "{name}: {} changed or vanished",
            path.display()
        );
    }
    drop(faults);

    let again = sync(&app, GIVE_UP);
    assert!(again.ends_with("Failed: 0"), "{name}: {again}");
    assert_no_half_file(&folder);
    assert_eq!(pdfs(&folder), total, "{name}: {again}");
    let after = documents(&folder);
    for (path, bytes) in &before {
        assert_eq!(
            after.get(path),
            Some(bytes),
            "{name}: {} changed",
            path.display()
        );
    }
}

/// Sync archive while `rules` hold saves everything anyway, as if nothing happened.
fn save_recovers_on_its_own(env: &Env, name: &str, rules: &serde_json::Value) {
    let total = full_sync_count(env, USER);
    // Each document is prepared anew, as on a first save.
    env.forget_operations();
    let folder = env.home.join(format!("faults-{name}"));
    let _ = std::fs::remove_dir_all(&folder);
    let mut app = launch_with_folder(env, &folder);
    let _faults = Faults::set(env, rules);
    let text = sync(&app, GIVE_UP);
    app.screenshot(&format!("fault-{name}")).unwrap();
    assert!(
        text.ends_with("Failed: 0"),
        "{name}: {text}: {:?}",
        failures(&app)
            .iter()
            .map(|f| &f.message)
            .collect::<Vec<_>>()
    );
    assert_no_half_file(&folder);
    assert_eq!(pdfs(&folder), total, "{name}");
}

#[test]
fn a_connection_dropped_mid_body_is_resumed_and_everything_is_saved() {
    let env = Env::from_process();
    save_recovers_on_its_own(
        &env,
        "save-dropped",
        &json!([{"route": "/_blob/*", "kind": "reset", "after_bytes": 700, "count": 4}]),
    );
}

#[test]
fn a_slow_body_still_arrives_whole() {
    let env = Env::from_process();
    save_recovers_on_its_own(
        &env,
        "save-slow",
        &json!([{"route": "/_blob/*", "kind": "slow_body", "bytes_per_sec": 20000, "count": 3}]),
    );
}

#[test]
fn an_expired_download_link_is_asked_for_again_and_everything_is_saved() {
    let env = Env::from_process();
    save_recovers_on_its_own(
        &env,
        "save-expired-link",
        &json!([{"kind": "expired_sas", "count": 2}]),
    );
}

#[test]
fn a_lost_download_operation_is_explained_and_sync_again_saves_the_rest() {
    let env = Env::from_process();
    save_fails_then_sync_again_finishes(
        &env,
        MCA_USER,
        "save-poll-404",
        &json!([{"kind": "lro_poll404"}]),
        "not_found",
    );
}

#[test]
fn a_lost_pay_as_you_go_download_operation_falls_back_to_the_legacy_link() {
    let env = Env::from_process();
    save_recovers_on_its_own(
        &env,
        "save-poll-404-payg",
        &json!([{"kind": "lro_poll404"}]),
    );
}

#[test]
fn a_web_page_instead_of_a_pdf_is_refused_and_sync_again_saves_the_rest() {
    let env = Env::from_process();
    save_fails_then_sync_again_finishes(
        &env,
        USER,
        "save-not-pdf",
        &json!([{"route": "/_blob/*", "kind": "not_pdf"}]),
        "wrong_content",
    );
}

/// A small tmpfs at `path`, unmounted on drop.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(path: &Path, bytes: u64) -> Self {
        std::fs::create_dir_all(path).unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(path)
            .status()
            .expect("mount runs");
        assert!(
            status.success(),
            "this test meets a real full disk on a small tmpfs and needs root with \
             CAP_SYS_ADMIN to mount it (as `cargo xtask test` has in the project's container \
             and CI)"
        );
        Self(path.to_owned())
    }

    fn grow(&self, bytes: u64) {
        let status = std::process::Command::new("mount")
            .args(["-o", &format!("remount,size={bytes}")])
            .arg(&self.0)
            .status()
            .expect("mount runs");
        assert!(status.success(), "the tmpfs could not grow");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "fills a small tmpfs, which needs Linux"
)]
fn a_full_disk_is_explained_and_sync_again_with_room_saves_the_rest() {
    let env = Env::from_process();
    let total = full_sync_count(&env, USER);
    let reference: u64 = documents(&env.home.join("faults-reference"))
        .values()
        .map(|b| b.len() as u64)
        .sum();
    let folder = env.home.join("faults-full-disk");
    let _ = std::fs::remove_dir_all(&folder);
    // Room for about half the documents (a tmpfs counts whole 4 KiB pages).
    let disk = SmallDisk::mount(&folder, (total as u64 / 2).max(4) * 4096 + reference / 4);
    let mut app = launch_with_folder(&env, &folder);
    let text = sync(&app, GIVE_UP);
    let failed = failures(&app);
    assert!(!failed.is_empty(), "the disk did not fill up ({text})");
    for shown in &failed {
        assert_eq!(shown.code, "disk_full", "{}", shown.message);
        assert_explained(shown, "full disk");
    }
    app.screenshot("fault-full-disk").unwrap();
    assert_no_half_file(&folder);
    let before = documents(&folder);
    assert!(!before.is_empty(), "nothing fitted ({text})");

    disk.grow(64 * 1024 * 1024);
    let again = sync(&app, GIVE_UP);
    assert!(again.ends_with("Failed: 0"), "{again}");
    assert_no_half_file(&folder);
    assert_eq!(pdfs(&folder), total, "{again}");
    let after = documents(&folder);
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{} changed", path.display());
    }
    drop(app);
}

#[test]
fn azure_going_down_mid_save_loses_nothing_and_sync_again_finishes() {
    let env = Env::from_process();
    let total = full_sync_count(&env, USER);
    env.forget_operations();
    let folder = env.home.join("faults-outage");
    let _ = std::fs::remove_dir_all(&folder);
    let mut app = launch_with_folder(&env, &folder);
    // Slow enough that the outage meets documents in flight.
    let slow = Faults::set(
        &env,
        &json!([{"route": "/_blob/*", "kind": "slow_body", "bytes_per_sec": 2000}]),
    );
    if let Ok(dismiss) = app.find("[data-testid=save-dismiss]") {
        app.click(&dismiss).unwrap();
    }
    click_when_enabled(&app, "[data-testid=sync-archive]");
    let deadline = std::time::Instant::now() + GIVE_UP;
    while pdfs(&folder) < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "nothing was saved before the outage"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let before = documents(&folder);
    env.outage(20.0);
    let text = summary_when_done(&app, GIVE_UP);
    app.screenshot("fault-outage").unwrap();
    for shown in &failures(&app) {
        assert_explained(shown, "outage");
    }
    assert_no_half_file(&folder);
    let during = documents(&folder);
    for (path, bytes) in &before {
        assert_eq!(
            during.get(path),
            Some(bytes),
            "{} changed or vanished",
            path.display()
        );
    }
    // Back up (the outage is over once the port answers again).
    let deadline = std::time::Instant::now() + Duration::from_secs(40);
    while reqwest::blocking::get(format!("{}/_emulator/scenario", env.emulator)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the local Azure did not come back"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(slow);
    let again = sync(&app, GIVE_UP);
    assert!(again.ends_with("Failed: 0"), "first {text}, then {again}");
    assert_no_half_file(&folder);
    assert_eq!(pdfs(&folder), total, "{again}");
    let after = documents(&folder);
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{} changed", path.display());
    }
    eprintln!("during the outage: {text}");
}
