//! The demo data the browser tests' IPC mock answers with (`ui/src/e2e/recorded/*.json`),
//! recorded from the real commands so the mock cannot drift from the shell.
//!
//! The app's commands run on Tauri's mock runtime (`invoice_desk_app::harness`) in demo mode on
//! the emulator's `demo` scenario, living on [`DAY`]. For every demo user, signed in the way
//! the demo picker signs in, one file `<user's name before the @>.json` records what the
//! commands answer, invoked over IPC as the web view invokes them:
//!
//! - `demoState`: `demo_state` (also what `start_demo` answers for that user);
//! - `accounts`: `list_accounts`;
//! - `scopes`: `list_scopes` of every enabled directory that does not wait for a sign-in, by
//!   directory id;
//! - `periods`: `list_periods` of every scope listed, in the default range (the last 13
//!   months), by scope id.
//!
//! Beside them: `user`, `isDefaultUser` (whether `start_demo` without a user signs in as
//! them), `scenario` and `today`.
//!
//! A listing is recorded as `{"ok": answer}` or, when the command fails, `{"error": AppError}`.
//! Objects have their keys sorted; lists keep the order the command answered in. Nothing of
//! the machine is kept: the emulator's loopback address (random port) would be written as
//! `http://emulator.invalid` wherever an answer contained it; the sample data itself is
//! seeded, so every id is the same on every run.
//!
//! `recorded_demo_fixtures_are_up_to_date` fails when the committed files differ from a fresh
//! recording; `cargo xtask fixtures` (this test with `UPDATE_FIXTURES` set) rewrites them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Map, Value, json};
use tauri::WebviewWindow;
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use url::Url;

use invoice_desk_api::{DEFAULT_DEMO_USER, DEMO_SCENARIO};
use invoice_desk_app::harness;

/// The day the recording lives on: the ordinary mid-month weekday `cargo xtask test` pins
/// (`xtask/src/dates.rs`), so the recorded periods are those the suites see.
const DAY: &str = "2026-11-18";
/// The variable demo mode reads its day from.
const TODAY_ENV: &str = "INVOICE_DESK_TODAY";
/// Set: write the recording instead of comparing with it (`cargo xtask fixtures`).
const UPDATE_ENV: &str = "UPDATE_FIXTURES";
/// What the emulator's address is replaced with in the answers.
const EMULATOR_PLACEHOLDER: &str = "http://emulator.invalid";
const THIS_TEST: &str = "recorded_demo_fixtures_are_up_to_date";

fn recorded_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/e2e/recorded")
}

/// The committed recording must match a fresh one. After changing what a command answers (or
/// the demo data), run `cargo xtask fixtures` and commit the result.
#[test]
fn recorded_demo_fixtures_are_up_to_date() {
    // Demo mode takes its day from the environment when it starts, and changing the
    // environment of a running test is unsafe code (forbidden here): the test runs again in a
    // process of its own with the day pinned.
    if std::env::var(TODAY_ENV).ok().as_deref() != Some(DAY) {
        let status = Command::new(std::env::current_exe().unwrap())
            .args([THIS_TEST, "--exact", "--nocapture", "--test-threads", "1"])
            .env(TODAY_ENV, DAY)
            .status()
            .expect("the recording could not be started");
        assert!(
            status.success(),
            "the recording on {DAY} failed (see above)"
        );
        return;
    }

    let fresh = record();
    let dir = recorded_dir();
    if std::env::var_os(UPDATE_ENV).is_some() {
        write(&dir, &fresh);
        return;
    }
    let committed = read(&dir);
    let mut stale: Vec<String> = fresh
        .iter()
        .filter(|(name, text)| committed.get(*name) != Some(*text))
        .map(|(name, _)| name.clone())
        .collect();
    stale.extend(
        committed
            .keys()
            .filter(|name| !fresh.contains_key(*name))
            .cloned(),
    );
    assert!(
        stale.is_empty(),
        "ui/src/e2e/recorded/ is stale ({}): run `cargo xtask fixtures` and commit the result",
        stale.join(", ")
    );
}

/// Every demo user's answers, as file name → pretty JSON.
fn record() -> BTreeMap<String, String> {
    let users = Session::start(DEFAULT_DEMO_USER).users();
    assert!(users.len() > 1, "the demo has one user only: {users:?}");
    let mut files = BTreeMap::new();
    for upn in &users {
        // Each user in an app of their own, as a window launched in demo mode as them: one
        // user's answers never depend on what another listed before.
        let session = Session::start(upn);
        let recording = record_user(&session.webview, upn);
        let text = to_file_text(&normalise(recording, session.emulator.as_str()));
        let name = format!("{}.json", upn.split('@').next().unwrap_or(upn));
        assert!(
            files.insert(name.clone(), text).is_none(),
            "two demo users would share {name}"
        );
    }
    files
}

/// The app's commands on the mock runtime, in demo mode signed in as one user.
struct Session {
    app: tauri::App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
    emulator: Url,
}

impl Session {
    fn start(upn: &str) -> Self {
        let app = harness::mount(mock_builder())
            .build(mock_context(noop_assets()))
            .expect("the app could not be built on the mock runtime");
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", tauri::WebviewUrl::default())
            .build()
            .expect("no webview");
        let emulator =
            tauri::async_runtime::block_on(harness::start_demo(app.handle(), DEMO_SCENARIO, upn))
                .unwrap_or_else(|err| panic!("demo mode as {upn} did not start: {err}"))
                .url;
        Self {
            app,
            webview,
            emulator,
        }
    }

    /// Every demo user, in the scenario's order.
    fn users(&self) -> Vec<String> {
        let state = invoke(&self.webview, "demo_state", json!({})).expect("demo_state failed");
        state["users"]
            .as_array()
            .expect("demo_state names no users")
            .iter()
            .map(|user| user["upn"].as_str().expect("a user without upn").to_owned())
            .collect()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.app.cleanup_before_exit();
    }
}

/// What the window's first listing asks for, signed in as `upn`.
fn record_user(webview: &WebviewWindow<MockRuntime>, upn: &str) -> Value {
    let demo_state = invoke(webview, "demo_state", json!({})).expect("demo_state failed");
    assert_eq!(demo_state["user"], upn, "signed in as someone else");
    let accounts = invoke(webview, "list_accounts", json!({})).expect("list_accounts failed");
    let mut scopes = Map::new();
    let mut periods = Map::new();
    for account in accounts.as_array().expect("list_accounts answered no list") {
        let directories = account["tenants"].as_array().into_iter().flatten();
        for tenant in directories.filter(|t| t["enabled"] == true && t["needsSignIn"] == false) {
            let tenant_id = tenant["id"].as_str().expect("a directory without id");
            let args = json!({ "accountId": account["id"], "tenantId": tenant_id });
            let listed = invoke(webview, "list_scopes", args);
            for scope in listed.iter().filter_map(Value::as_array).flatten() {
                let scope_id = scope["id"].as_str().expect("a scope without id");
                let args = json!({ "scopeId": scope_id, "range": null });
                periods.insert(
                    scope_id.to_owned(),
                    answer(invoke(webview, "list_periods", args)),
                );
            }
            scopes.insert(tenant_id.to_owned(), answer(listed));
        }
    }
    json!({
        "scenario": DEMO_SCENARIO,
        "today": DAY,
        "user": upn,
        // Who `start_demo` signs in as when the window names nobody.
        "isDefaultUser": upn.eq_ignore_ascii_case(DEFAULT_DEMO_USER),
        "demoState": demo_state,
        "accounts": accounts,
        "scopes": scopes,
        "periods": periods,
    })
}

fn answer(result: Result<Value, Value>) -> Value {
    match result {
        Ok(value) => json!({ "ok": value }),
        Err(error) => json!({ "error": error }),
    }
}

/// One command over Tauri's IPC, its answer parsed as the web view would.
fn invoke(webview: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = harness::invoke_request(cmd, args, INVOKE_KEY);
    get_ipc_response(webview, request).map(|body| {
        body.deserialize()
            .unwrap_or_else(|err| panic!("{cmd} answered no JSON: {err}"))
    })
}

/// Sorted keys everywhere, and the emulator's address (random port) replaced.
fn normalise(value: Value, emulator: &str) -> Value {
    let base = emulator.trim_end_matches('/');
    let host = base
        .split_once("://")
        .map_or(base, |(_, host)| host)
        .to_owned();
    normalise_with(value, base, &host)
}

fn normalise_with(value: Value, base: &str, host: &str) -> Value {
    match value {
        Value::String(text) => Value::String(
            text.replace(base, EMULATOR_PLACEHOLDER)
                .replace(host, "emulator.invalid"),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| normalise_with(item, base, host))
                .collect(),
        ),
        Value::Object(object) => {
            let mut entries: Vec<(String, Value)> = object.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(key, item)| (key, normalise_with(item, base, host)))
                    .collect(),
            )
        }
        other => other,
    }
}

fn to_file_text(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap();
    text.push('\n');
    text
}

fn read(dir: &Path) -> BTreeMap<String, String> {
    json_files(dir)
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).unwrap_or_default();
            (name, text)
        })
        .collect()
}

fn write(dir: &Path, files: &BTreeMap<String, String>) {
    std::fs::create_dir_all(dir).unwrap();
    for name in json_files(dir) {
        if !files.contains_key(&name) {
            std::fs::remove_file(dir.join(name)).unwrap();
        }
    }
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn json_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| Path::new(name).extension().is_some_and(|ext| ext == "json"))
        .collect()
}
