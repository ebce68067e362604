//! The end-to-end suite: the real app in a virtual display, driven over WebDriver.
//!
//! Starts Xvfb and tauri-driver (inside a private session bus, so single-instance and the
//! keyring behave as on a desktop) on free ports, runs the `invoice-desk-e2e` tests one at a time
//! against the freshly built binary, and stops everything it started by process group.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::process::{self, target_dir};
use crate::{dates, setup};

pub fn run() -> Result<()> {
    if !cfg!(target_os = "linux") {
        // macOS has no WebDriver for WKWebView, so tauri-driver cannot drive the window there;
        // the Windows run (tauri-driver with Edge's msedgedriver) is not wired up yet.
        println!("xtask: the end-to-end tests drive WebKitGTK under Xvfb and run on Linux only");
        return Ok(());
    }
    let app = build()?;
    run_tests(&app, &target_dir().join("e2e"), &dates::pinned(), &[])
}

/// Builds the app and the emulator the suite drives; returns the app's binary.
pub fn build() -> Result<PathBuf> {
    if !cfg!(target_os = "linux") {
        bail!("the end-to-end suite drives WebKitGTK and runs on Linux only");
    }
    process::run(&mut process::cargo(&[
        "build",
        "--package",
        "invoice-desk-app",
        "--package",
        "invoice-desk-emulator",
    ]))?;
    Ok(target_dir().join("debug").join("invoice-desk-app"))
}

/// Runs the end-to-end tests (all, or those `filter` names, as nextest arguments) against
/// `app` with the app, its demo and the local Azure living on `today` (YYYY-MM-DD); logs,
/// the app's isolated home and screenshots go to `work`.
pub fn run_tests(app: &Path, work: &Path, today: &str, filter: &[&str]) -> Result<()> {
    let driver_bin = setup::tauri_driver()?;
    let home = work.join("home");
    let _ = std::fs::remove_dir_all(&home);
    for sub in ["config", "data", "state", "cache"] {
        std::fs::create_dir_all(home.join(sub))?;
    }

    // The local Azure the app signs in to: its authority and ARM endpoint on one loopback port.
    let (emulator, azure) = start_emulator(work, today)?;
    let azure_cli = fake_azure_cli(work, &azure)?;
    let (browser, opened) = recording_browser(work)?;
    let (update_feed, update_key) = update_feed(&azure)?;
    let appimage = installed_appimage(work)?;
    let display = Xvfb::start()?;
    let port = free_port()?;
    // Inside a private session bus with an unlocked gnome-keyring, so the app remembers
    // sign-ins in a real Secret Service that is not the user's.
    let script = format!(
        "printf invoice-desk | gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
         exec '{}' --port {port} --native-port {}",
        driver_bin.display(),
        free_port()?
    );
    let driver = Guard::spawn(
        Command::new("dbus-run-session")
            .args(["--", "sh", "-c", &script])
            .env("DISPLAY", &display.name)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("LANG", "en_US.UTF-8")
            .env("LANGUAGE", "en_US:en")
            .env_remove("LC_ALL")
            .env("PATH", path_with(&azure_cli)?)
            .env("INVOICE_DESK_AUTHORITY", &azure)
            .env("INVOICE_DESK_ARM_ENDPOINT", &azure)
            // The "browser" notes every page the app opens and follows the local authority's
            // redirect to the app's loopback listener, as a real browser does once the user
            // picked an account.
            .env("INVOICE_DESK_BROWSER", &browser)
            // The updater asks the local release feed, trusts its key (debug builds only) and,
            // as an AppImage would, installs over a stand-in file rather than over this binary.
            .env("INVOICE_DESK_UPDATE_ENDPOINT", &update_feed)
            .env("INVOICE_DESK_UPDATE_PUBKEY", &update_key)
            .env("APPIMAGE", &appimage)
            // Everything the app can log, so the leak test has the most to search.
            .env("RUST_LOG", "trace")
            .env(dates::TODAY_ENV, today)
            .stdout(Stdio::null())
            .stderr(Stdio::from(std::fs::File::create(
                work.join("tauri-driver.log"),
            )?)),
    )
    .context("starting tauri-driver")?;
    wait_for_port(port, Duration::from_secs(20)).context("tauri-driver did not start listening")?;

    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("nextest-e2e.toml");
    let mut tests = process::cargo(&["nextest", "run", "--config-file"]);
    tests
        .arg(&config)
        .args(["--package", "invoice-desk-e2e", "--no-fail-fast", "-j", "1"]);
    tests.args(filter);
    tests
        .env(
            "INVOICE_DESK_E2E_DRIVER",
            format!("http://127.0.0.1:{port}"),
        )
        .env("INVOICE_DESK_E2E_APP", app)
        .env("INVOICE_DESK_E2E_CONFIG", home.join("config"))
        .env("INVOICE_DESK_E2E_HOME", &home)
        .env("INVOICE_DESK_E2E_SHOTS", work)
        .env("INVOICE_DESK_E2E_EMULATOR", &azure)
        .env("INVOICE_DESK_E2E_AZURE_CLI", &azure_cli)
        .env("INVOICE_DESK_E2E_OPENED", &opened)
        .env("INVOICE_DESK_E2E_APPIMAGE", &appimage)
        .env("INVOICE_DESK_E2E_DISPLAY", &display.name)
        .env(dates::TODAY_ENV, today);
    // A few seconds per test normally; a hung window must not hold CI.
    let outcome = process::run_within(&mut tests, Duration::from_secs(15 * 60));
    drop(driver);
    drop(display);
    drop(emulator);
    println!("e2e screenshots are in {}", work.display());
    outcome
}

/// The emulator's release feed and the public key its installers are signed with.
fn update_feed(azure: &str) -> Result<(String, String)> {
    let answer = get_json(azure, "/_emulator/update-key")?;
    let key = answer["pubkey"]
        .as_str()
        .context("the emulator's update key")?
        .to_owned();
    Ok((format!("{azure}/_updates/latest.json"), key))
}

/// The file an update is installed over (the running AppImage, for the updater): a stand-in
/// that the update tests read back.
fn installed_appimage(work: &Path) -> Result<PathBuf> {
    let dir = work.join("appimage");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("Invoice Desk.AppImage");
    std::fs::write(&file, b"\x7fELF the installed version")?;
    Ok(file)
}

/// `GET base + path` over plain HTTP on loopback, as JSON.
fn get_json(base: &str, path: &str) -> Result<serde_json::Value> {
    use std::io::{Read, Write};
    let authority = base
        .strip_prefix("http://")
        .with_context(|| format!("{base} is not a plain-HTTP loopback address"))?;
    let mut stream = std::net::TcpStream::connect(authority)?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .context("an HTTP answer without a body")?;
    if !head.starts_with("HTTP/1.1 200") {
        bail!("GET {path}: {}", head.lines().next().unwrap_or_default());
    }
    Ok(serde_json::from_str(body)?)
}

/// A stand-in for the system browser: it writes each address it is asked to open into a file
/// (returned with the script) and fetches only loopback pages, so no test reaches a remote
/// host. Returns the script and the file.
fn recording_browser(work: &Path) -> Result<(PathBuf, PathBuf)> {
    let dir = work.join("browser");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let opened = dir.join("opened");
    std::fs::write(&opened, "")?;
    let script = dir.join("open");
    std::fs::write(
        &script,
        r#"#!/bin/sh
printf '%s\n' "$1" >> "$(dirname "$0")/opened"
case "$1" in
  http://127.0.0.1:*|http://localhost:*) exec curl -sS -L -o /dev/null --max-time 60 "$1" ;;
esac
"#,
    )?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok((script, opened))
}

/// A stand-in for the Azure CLI on the app's PATH: `az account get-access-token` answers with a
/// token the local Azure issues for the user named in `user` next to it (written by the test,
/// as `az login` would), or fails as `az` does when nobody is signed in.
fn fake_azure_cli(work: &Path, azure: &str) -> Result<PathBuf> {
    let dir = work.join("azure-cli");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let script = format!(
        r#"#!/bin/sh
dir=$(dirname "$0")
user=$(cat "$dir/user" 2>/dev/null) || {{ echo "ERROR: Please run 'az login' to setup account." >&2; exit 1; }}
query="user=$user"
while [ $# -gt 0 ]; do
  if [ "$1" = "--tenant" ]; then query="$query&tenant=$2"; shift; fi
  shift
done
body=$(curl -sf "{azure}/_emulator/token?$query") || {{ echo "ERROR: AADSTS50076: run 'az login' again." >&2; exit 1; }}
token=$(printf '%s' "$body" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
printf '{{"accessToken":"%s","expires_on":%s,"tokenType":"Bearer"}}\n' "$token" $(( $(date +%s) + 3600 ))
"#
    );
    let az = dir.join("az");
    std::fs::write(&az, script)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(dir)
}

/// This process's PATH with `first` in front.
fn path_with(first: &Path) -> Result<std::ffi::OsString> {
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let paths = std::iter::once(first.to_path_buf()).chain(std::env::split_paths(&rest));
    Ok(std::env::join_paths(paths)?)
}

/// Starts `invoice-desk-emulator` on a free loopback port and returns it with its URL.
fn start_emulator(work: &Path, today: &str) -> Result<(Guard, String)> {
    use std::io::{BufRead, BufReader};
    let bin = target_dir().join("debug").join("invoice-desk-emulator");
    let port = free_port()?;
    let mut guard = Guard::spawn(
        Command::new(bin)
            .args(["--addr", &format!("127.0.0.1:{port}"), "--scenario", "demo"])
            .args(["--today", today])
            .stdout(Stdio::piped())
            .stderr(Stdio::from(std::fs::File::create(
                work.join("emulator.log"),
            )?)),
    )?;
    let stdout = guard.child.stdout.take().context("emulator stdout")?;
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first)?;
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .with_context(|| format!("the emulator said {first:?} instead of `listening on <url>`"))?
        .trim_end_matches('/')
        .to_owned();
    Ok((guard, url))
}

/// A child started in its own process group and ended (with everything it started) on drop.
pub(crate) struct Guard {
    pub(crate) child: Child,
}

impl Guard {
    pub(crate) fn spawn(cmd: &mut Command) -> Result<Self> {
        Ok(Self {
            child: process::spawn_group(cmd)?,
        })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        process::end_group(&mut self.child, Duration::from_secs(5));
    }
}

pub(crate) struct Xvfb {
    pub(crate) name: String,
    _guard: Guard,
}

impl Xvfb {
    pub(crate) fn start() -> Result<Self> {
        let number = (90..200)
            .find(|n| !socket_path(*n).exists() && !Path::new(&format!("/tmp/.X{n}-lock")).exists())
            .context("no free X display number")?;
        let name = format!(":{number}");
        let guard = Guard::spawn(
            Command::new("Xvfb")
                .args([
                    name.as_str(),
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket_path(number).exists() {
            if Instant::now() > deadline {
                bail!("Xvfb did not start on {name}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Self {
            name,
            _guard: guard,
        })
    }
}

fn socket_path(number: u32) -> PathBuf {
    PathBuf::from(format!("/tmp/.X11-unix/X{number}"))
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for_port(port: u16, timeout: Duration) -> Result<()> {
    let deadline = Instant::now() + timeout;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            bail!("nothing listens on port {port}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}
