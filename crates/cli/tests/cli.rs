//! The real `invoice-desk` binary against the emulator's authority and ARM, over loopback.
//!
//! Each test keeps its accounts under its own keychain service (`INVOICE_DESK_KEYRING_SERVICE`)
//! and its own config folder. `cargo xtask test` runs these inside a private D-Bus session with
//! an unlocked gnome-keyring and `INVOICE_DESK_REQUIRE_KEYRING=1`; without a keychain the
//! remembered-account steps are skipped with a note, unless that variable makes it a failure.

use std::process::{Output, Stdio};
use std::time::Duration;

use invoice_desk_auth::KeyringStore;
use invoice_desk_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, BufReader};
use tokio::process::{Child, Command};

const ALEX: &str = "alex@contoso.example";
const MORGAN: &str = "morgan@contoso.example";
const WAIT: Duration = Duration::from_secs(20);

struct Harness {
    emulator: Emulator,
    service: String,
    config_home: tempfile::TempDir,
    keychain: bool,
}

impl Harness {
    async fn start(auto_approve: Option<&str>) -> Self {
        let emulator = Emulator::start(EmulatorConfig {
            auto_approve: auto_approve.map(str::to_owned),
            device_code_interval_secs: 1,
            ..EmulatorConfig::default()
        })
        .await
        .expect("emulator starts");
        let service = format!(
            "invoice-desk-cli-test-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let keychain = keychain_reachable(&service);
        Self {
            emulator,
            service,
            config_home: tempfile::tempdir().unwrap(),
            keychain,
        }
    }

    fn base(&self) -> String {
        self.emulator.base_url().to_string()
    }

    /// `invoice-desk` with this test's keychain service, config folder and the printing browser.
    fn bare(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_invoice-desk"));
        command
            .args(args)
            .env("INVOICE_DESK_KEYRING_SERVICE", &self.service)
            .env("INVOICE_DESK_BROWSER", "print")
            .env("XDG_CONFIG_HOME", self.config_home.path())
            // English, whatever the machine's language: the assertions read English words.
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANGUAGE")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command
    }

    /// The same, pointed at the emulator with `--authority` and `--arm-endpoint`.
    fn cli(&self, args: &[&str]) -> Command {
        let base = self.base();
        let mut all = args.to_vec();
        all.extend(["--authority", &base, "--arm-endpoint", &base]);
        self.bare(&all)
    }

    async fn run(&self, args: &[&str]) -> Output {
        output(self.cli(args)).await
    }

    async fn accounts_json(&self) -> Vec<Value> {
        let out = self.run(&["accounts", "--json"]).await;
        assert_success(&out);
        serde_json::from_slice::<Value>(&out.stdout)
            .expect("accounts --json is JSON")
            .as_array()
            .expect("an array")
            .clone()
    }

    /// `--no-remember` when there is no keychain to remember in.
    fn remember_flag(&self) -> Vec<&'static str> {
        if self.keychain {
            vec![]
        } else {
            vec!["--no-remember"]
        }
    }
}

fn keychain_reachable(service: &str) -> bool {
    match KeyringStore::open_service(service) {
        Ok(_) => true,
        Err(error) => {
            assert!(
                std::env::var("INVOICE_DESK_REQUIRE_KEYRING").as_deref() != Ok("1"),
                "INVOICE_DESK_REQUIRE_KEYRING=1 but the OS keychain is not reachable: {error}"
            );
            eprintln!("note: no OS keychain here, remembered-account steps are skipped: {error}");
            false
        }
    }
}

async fn output(mut command: Command) -> Output {
    tokio::time::timeout(WAIT, command.output())
        .await
        .expect("the command finishes in time")
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Reads the child's stderr until a line contains `marker`; returns what follows it.
async fn wait_for_line(child: &mut Child, marker: &str) -> (String, String) {
    let stderr = child.stderr.as_mut().expect("stderr piped");
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = String::new();
    let found = tokio::time::timeout(WAIT, async {
        while let Some(line) = lines.next_line().await.expect("stderr readable") {
            seen.push_str(&line);
            seen.push('\n');
            if let Some(at) = line.find(marker) {
                return Some(line[at + marker.len()..].trim().to_owned());
            }
        }
        None
    })
    .await
    .expect("the prompt shows in time");
    let value = found.unwrap_or_else(|| panic!("no `{marker}` line in:\n{seen}"));
    (value, seen)
}

/// Waits for the child and collects the rest of its output.
async fn finish(mut child: Child, seen_stderr: String) -> Output {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let status = tokio::time::timeout(WAIT, async {
        let (a, b) = tokio::join!(
            out_pipe.read_to_end(&mut stdout),
            err_pipe.read_to_end(&mut stderr)
        );
        a.unwrap();
        b.unwrap();
        child.wait().await.unwrap()
    })
    .await
    .expect("the sign-in finishes in time");
    let mut all_stderr = seen_stderr.into_bytes();
    all_stderr.extend(stderr);
    Output {
        status,
        stdout,
        stderr: all_stderr,
    }
}

/// The test's "browser": GETs the printed authorize URL without following redirects, checks the
/// emulator sends it to the loopback redirect, then delivers that to the CLI's listener.
async fn be_the_browser(url: &str) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = client.get(url).send().await.expect("authorize answers");
    assert_eq!(answer.status(), 302, "auto-approve redirects");
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("http://localhost:") || location.starts_with("http://127.0.0.1:"),
        "{location}"
    );
    let page = client
        .get(&location)
        .send()
        .await
        .expect("listener answers");
    assert_eq!(page.status(), 200);
}

async fn browser_login(harness: &Harness, extra: &[&str]) -> Output {
    let mut args = vec!["login"];
    args.extend(extra);
    let mut child = harness.cli(&args).spawn().expect("binary starts");
    let (url, seen) = wait_for_line(&mut child, "open this URL: ").await;
    assert!(url.contains("/oauth2/v2.0/authorize?"), "{url}");
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    be_the_browser(&url).await;
    finish(child, seen).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_login_then_accounts_in_another_process_then_logout() {
    let harness = Harness::start(Some(ALEX)).await;
    let out = browser_login(&harness, &harness.remember_flag()).await;
    assert_success(&out);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Signed in as"), "{stdout}");
    assert!(stdout.contains(ALEX), "{stdout}");
    assert!(stdout.contains("[home, enabled]"), "{stdout}");
    if !harness.keychain {
        return;
    }
    assert!(stdout.contains("Remembered in the OS keychain"), "{stdout}");

    // A second process finds the account in the keychain.
    let accounts = harness.accounts_json().await;
    assert_eq!(accounts.len(), 1, "{accounts:?}");
    let account = &accounts[0];
    assert_eq!(account["username"], ALEX);
    assert!(account["id"].as_str().unwrap().contains('.'), "uid.utid");
    assert!(account["displayName"].is_string());
    let port = harness.emulator.base_url().port().unwrap();
    assert_eq!(account["cloud"], format!("custom-127.0.0.1:{port}"));
    let home = account["homeTenant"].as_str().unwrap();
    let tenants = account["tenants"].as_array().unwrap();
    assert_eq!(tenants[0]["id"], home);
    assert_eq!(tenants[0]["enabled"], true);
    assert!(tenants[0].get("displayName").is_some());

    let listing = harness.run(&["accounts"]).await;
    assert_success(&listing);
    assert!(text(&listing.stdout).contains(ALEX));

    let out = harness.run(&["logout", ALEX]).await;
    assert_success(&out);
    assert!(
        text(&out.stdout).contains("Signed out"),
        "{}",
        text(&out.stdout)
    );
    assert!(harness.accounts_json().await.is_empty());
    harness.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_login_lists_the_guest_tenants_and_logout_takes_the_only_account() {
    let harness = Harness::start(None).await;
    let mut args = vec!["login", "--device-code"];
    args.extend(harness.remember_flag());
    let mut child = harness.cli(&args).spawn().expect("binary starts");
    let (rest, seen) = wait_for_line(&mut child, "enter the code ").await;
    assert!(seen.contains("/devicelogin"), "{seen}");
    let code = rest.split_whitespace().next().unwrap().to_owned();
    harness
        .emulator
        .approve_device_code(&code, MORGAN)
        .expect("code approved");
    let out = finish(child, seen).await;
    assert_success(&out);
    let stdout = text(&out.stdout);
    assert!(stdout.contains(MORGAN), "{stdout}");
    assert_eq!(
        stdout.matches("[off]").count(),
        2,
        "guest tenants start off: {stdout}"
    );
    if !harness.keychain {
        return;
    }
    let out = harness.run(&["logout"]).await;
    assert_success(&out);
    assert!(text(&out.stdout).contains(MORGAN));
    assert!(harness.accounts_json().await.is_empty());
    harness.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_remember_keeps_nothing() {
    let harness = Harness::start(Some(ALEX)).await;
    let out = browser_login(&harness, &["--no-remember"]).await;
    assert_success(&out);
    assert!(text(&out.stdout).contains("Not remembered (--no-remember)"));
    if harness.keychain {
        assert!(harness.accounts_json().await.is_empty());
        let out = harness.run(&["accounts"]).await;
        assert_success(&out);
        assert!(text(&out.stdout).contains("No accounts are remembered"));
    }
    harness.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_http_arm_endpoint_off_loopback_is_refused() {
    let harness = Harness::start(Some(ALEX)).await;
    let base = harness.base();
    let out = output(harness.bare(&[
        "login",
        "--authority",
        &base,
        "--arm-endpoint",
        "http://example.com",
    ]))
    .await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    let mut lines = stderr.lines();
    let error = lines.next().unwrap();
    assert!(error.starts_with("error: "), "{stderr}");
    assert!(
        error.contains("plain http is only allowed for loopback hosts"),
        "{stderr}"
    );
    assert!(lines.next().unwrap().starts_with("hint: "), "{stderr}");
    assert!(out.stdout.is_empty());

    // Half a custom cloud is a usage error from the parser.
    let out = output(harness.bare(&["accounts", "--authority", &base])).await;
    assert_eq!(out.status.code(), Some(2));
    harness.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_account_fails_with_a_hint() {
    let harness = Harness::start(Some(ALEX)).await;
    if !harness.keychain {
        return;
    }
    let out = browser_login(&harness, &[]).await;
    assert_success(&out);
    let out = harness.run(&["logout", "nobody@contoso.example"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: No remembered account is `nobody@contoso.example`."),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: Run `invoice-desk accounts`"),
        "{stderr}"
    );
    assert!(
        stderr.contains(ALEX),
        "the hint names who is there: {stderr}"
    );
    assert_eq!(harness.accounts_json().await.len(), 1, "nothing removed");

    let out = harness.run(&["logout", "--all"]).await;
    assert_success(&out);
    assert!(harness.accounts_json().await.is_empty());
    harness.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_sign_in_exits_3_needs_sign_in() {
    let harness = Harness::start(Some(ALEX)).await;
    harness
        .emulator
        .fail_next_token(Some("authorization_code"), "invalid_grant", &[70000]);
    let out = browser_login(&harness, &["--no-remember"]).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error: The sign-in has expired or was revoked"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: Sign in again with `invoice-desk login`."),
        "{stderr}"
    );
    harness.emulator.shutdown().await;
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_org_config_file_points_at_the_cloud() {
    let harness = Harness::start(None).await;
    let folder = harness.config_home.path().join("invoice-desk");
    std::fs::create_dir_all(&folder).unwrap();
    let base = harness.base();
    std::fs::write(
        folder.join("auth.toml"),
        format!("[cloud]\nauthority_host = \"{base}\"\narm_endpoint = \"{base}\"\n"),
    )
    .unwrap();
    let mut child = harness
        .bare(&["login", "--device-code", "--no-remember", "-v"])
        .spawn()
        .unwrap();
    let (rest, seen) = wait_for_line(&mut child, "enter the code ").await;
    let code = rest.split_whitespace().next().unwrap().to_owned();
    harness.emulator.approve_device_code(&code, ALEX).unwrap();
    let out = finish(child, seen).await;
    assert_success(&out);
    assert!(text(&out.stdout).contains(ALEX));
    // -v traces to stderr, with nothing token-like in it.
    let stderr = text(&out.stderr);
    assert!(stderr.contains("sign-in configuration"), "{stderr}");
    assert!(!stderr.contains("eyJ"), "{stderr}");
    let traced: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(" DEBUG ") || l.contains(" TRACE ") || l.contains(" INFO "))
        .collect();
    assert!(!traced.is_empty(), "{stderr}");
    assert!(
        traced.iter().all(|l| !l.contains(&code)),
        "the device code is shown to the user, not logged: {stderr}"
    );
    harness.emulator.shutdown().await;
}

#[cfg(unix)]
fn fake_az(dir: &std::path::Path, token: &str) {
    use std::os::unix::fs::PermissionsExt as _;
    let expires = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    let answer = dir.join("answer.json");
    std::fs::write(
        &answer,
        format!(r#"{{"accessToken":"{token}","expires_on":{expires},"tokenType":"Bearer"}}"#),
    )
    .unwrap();
    let az = dir.join("az");
    std::fs::write(
        &az,
        format!("#!/bin/sh\nexec /bin/cat '{}'\n", answer.display()),
    )
    .unwrap();
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A folder with a stand-in `az` signed in as `upn`, and the token it hands out.
#[cfg(unix)]
fn az_signed_in_as(harness: &Harness, upn: &str) -> (tempfile::TempDir, String) {
    let bin = tempfile::tempdir().unwrap();
    let token = harness.emulator.token_for(upn).expect("scenario user");
    fake_az(bin.path(), &token);
    (bin, token)
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn azure_cli_reuse_shows_who_and_stores_nothing() {
    let harness = Harness::start(None).await;
    let (bin, token) = az_signed_in_as(&harness, ALEX);
    let mut command = harness.cli(&["login", "--azure-cli"]);
    command.env("PATH", bin.path());
    let out = output(command).await;
    assert_success(&out);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Using the Azure CLI's sign-in"), "{stdout}");
    assert!(stdout.contains(ALEX), "{stdout}");
    assert!(stdout.contains("[home]"), "{stdout}");
    assert!(stdout.contains("Nothing was stored"), "{stdout}");
    assert!(!stdout.contains(&token) && !text(&out.stderr).contains(&token));
    if harness.keychain {
        assert!(harness.accounts_json().await.is_empty());
    }

    // Without `az` on PATH: a failure with what to do.
    let empty = tempfile::tempdir().unwrap();
    let mut command = harness.cli(&["login", "--azure-cli"]);
    command.env("PATH", empty.path());
    let out = output(command).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error: The Azure CLI (`az`) was not found"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: Install the Azure CLI"), "{stderr}");
    harness.emulator.shutdown().await;
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_azure_cli_sign_in_lists_scopes_with_only_an_arm_endpoint() {
    // The Azure CLI signs in by itself, so no authority is asked for.
    let harness = Harness::start(None).await;
    let (bin, _token) = az_signed_in_as(&harness, ALEX);
    let base = harness.base();
    let mut command = harness.bare(&[
        "scopes",
        "--auth",
        "azure-cli",
        "--arm-endpoint",
        &base,
        "--json",
    ]);
    command.env("PATH", bin.path());
    let out = output(command).await;
    assert_success(&out);
    let scopes: Vec<Value> = serde_json::from_slice(&out.stdout).expect("scopes --json is JSON");
    assert!(
        scopes
            .iter()
            .any(|s| s["displayName"] == "Pay-As-You-Go" && s["account"] == ALEX),
        "{scopes:#?}"
    );
    // Without the Azure CLI, --arm-endpoint alone is still half a custom cloud.
    let out = output(harness.bare(&["accounts", "--arm-endpoint", &base])).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--auth azure-cli"),
        "{}",
        text(&out.stderr)
    );
    harness.emulator.shutdown().await;
}

#[tokio::test]
async fn help_lists_the_commands_and_exit_codes() {
    let out = Command::new(env!("CARGO_BIN_EXE_invoice-desk"))
        .arg("--help")
        .output()
        .await
        .unwrap();
    assert_success(&out);
    let help = text(&out.stdout);
    for word in ["login", "accounts", "logout", "Exit codes", "needs sign-in"] {
        assert!(help.contains(word), "{word}: {help}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_invoice-desk"))
        .args(["login", "--device-code", "--azure-cli"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keychain_login_says_so_and_accounts_fails_with_a_hint() {
    let harness = Harness::start(Some(ALEX)).await;
    let no_bus = harness.config_home.path().join("no-bus");
    let address = format!("unix:path={}", no_bus.display());
    let base = harness.base();
    let mut child = harness
        .bare(&["login", "--authority", &base, "--arm-endpoint", &base])
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .spawn()
        .unwrap();
    let (url, seen) = wait_for_line(&mut child, "open this URL: ").await;
    assert!(seen.contains("warning: "), "{seen}");
    assert!(seen.contains("will not be remembered"), "{seen}");
    be_the_browser(&url).await;
    let out = finish(child, seen).await;
    assert_success(&out);
    assert!(text(&out.stdout).contains("Not remembered: the OS keychain is not available"));

    let mut command = harness.cli(&["accounts", "--json"]);
    command.env("DBUS_SESSION_BUS_ADDRESS", &address);
    let out = output(command).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: The system keychain is not available"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: Unlock or start the OS keychain"),
        "{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "no empty list that looks like no accounts"
    );
    harness.emulator.shutdown().await;
}
