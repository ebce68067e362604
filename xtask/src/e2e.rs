//! The end-to-end suite: the real app driven over WebDriver by tauri-driver.
//!
//! On Linux: Xvfb and tauri-driver with WebKitWebDriver, inside a private session bus with an
//! unlocked GNOME Keyring, so single-instance and the keychain behave as on a desktop, and the
//! app's folders in a home of the run's own. On Windows: tauri-driver with Edge's msedgedriver
//! (WebView2), on the desktop of the CI runner, with Windows Credential Manager; there the app
//! keeps its folders where Windows puts them for the user, so the suite runs only in CI
//! (`CI=true`), never over a person's own settings. macOS has no WebDriver for WKWebView.
//!
//! Runs the `invoice-desk-e2e` tests one at a time against the freshly built binary, with the
//! suite's stand-ins for the system browser and the Azure CLI, and stops everything it started.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::process::{self, target_dir};
use crate::{dates, setup};

pub fn run() -> Result<()> {
    if let Some(why) = not_here() {
        println!("xtask: the end-to-end tests are skipped here: {why}");
        return Ok(());
    }
    let app = build()?;
    run_tests(&app, &target_dir().join("e2e"), &dates::pinned(), &[])
}

/// Why the end-to-end suite cannot run on this system, if it cannot.
fn not_here() -> Option<&'static str> {
    if cfg!(target_os = "linux") {
        None
    } else if cfg!(windows) {
        (std::env::var("CI").as_deref() != Ok("true")).then_some(
            "on Windows the app keeps its settings, sign-ins and logs in the user's own folders, \
             so the suite runs only on a CI runner (CI=true)",
        )
    } else {
        Some("macOS has no WebDriver for WKWebView, so tauri-driver cannot drive the window")
    }
}

/// Builds the app, the emulator and the stand-ins the suite drives; returns the app's binary.
pub fn build() -> Result<PathBuf> {
    if let Some(why) = not_here() {
        bail!("the end-to-end suite cannot run here: {why}");
    }
    process::run(&mut process::cargo(&[
        "build",
        "--package",
        "invoice-desk-app",
        "--package",
        "invoice-desk-emulator",
        "--package",
        "invoice-desk-e2e",
        "--bins",
    ]))?;
    Ok(debug_binary("invoice-desk-app"))
}

/// A binary of this workspace's debug build.
fn debug_binary(name: &str) -> PathBuf {
    target_dir()
        .join("debug")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// The folders the app keeps its files in during the run (settings, data, logs, cache): inside
/// `home` where the system lets a run choose them (XDG on Linux), else where the system puts
/// them for this user.
struct AppFolders {
    config: PathBuf,
    data: PathBuf,
    logs: PathBuf,
    cache: PathBuf,
}

impl AppFolders {
    fn for_run(home: &Path) -> Result<Self> {
        if cfg!(target_os = "linux") {
            return Ok(Self {
                config: home.join("config"),
                data: home.join("data"),
                logs: home.join("state"),
                cache: home.join("cache"),
            });
        }
        // Windows' known folders, as the app's `dirs` and Tauri's path resolver find them.
        let roaming = std::env::var_os("APPDATA").context("APPDATA is not set")?;
        let local = std::env::var_os("LOCALAPPDATA").context("LOCALAPPDATA is not set")?;
        Ok(Self {
            config: roaming.clone().into(),
            data: roaming.into(),
            logs: local.clone().into(),
            cache: local.into(),
        })
    }
}

/// Runs the end-to-end tests (all, or those `filter` names, as nextest arguments) against
/// `app` with the app, its demo and the local Azure living on `today` (YYYY-MM-DD); logs,
/// the app's isolated home and screenshots go to `work`.
pub fn run_tests(app: &Path, work: &Path, today: &str, filter: &[&str]) -> Result<()> {
    let driver_bin = setup::tauri_driver()?;
    let home = work.join("home");
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home)?;
    let folders = AppFolders::for_run(&home)?;
    for dir in [
        &folders.config,
        &folders.data,
        &folders.logs,
        &folders.cache,
    ] {
        std::fs::create_dir_all(dir)?;
    }

    // The local Azure the app signs in to: its authority and ARM endpoint on one loopback port.
    let (emulator, azure) = start_emulator(work, today)?;
    let azure_cli = fake_azure_cli(work, &azure)?;
    let (browser, opened) = recording_browser(work)?;
    let (update_feed, update_key) = update_feed(&azure)?;
    let appimage = installed_appimage(work)?;
    let display = if cfg!(target_os = "linux") {
        Some(Xvfb::start()?)
    } else {
        None
    };
    let port = free_port()?;
    let mut driver = driver_command(&driver_bin, port)?;
    driver
        .env("LANG", "en_US.UTF-8")
        .env("LANGUAGE", "en_US:en")
        .env_remove("LC_ALL")
        .env("PATH", process::path_with(&[&azure_cli])?)
        .env("INVOICE_DESK_AUTHORITY", &azure)
        .env("INVOICE_DESK_ARM_ENDPOINT", &azure)
        // The "browser" notes every page the app opens and follows the local authority's
        // redirect to the app's loopback listener, as a real browser does once the user
        // picked an account.
        .env("INVOICE_DESK_BROWSER", quoted(&browser)?)
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
        )?));
    if let Some(display) = &display {
        driver
            .env("DISPLAY", &display.name)
            .env("XDG_CONFIG_HOME", &folders.config)
            .env("XDG_DATA_HOME", &folders.data)
            .env("XDG_STATE_HOME", &folders.logs)
            .env("XDG_CACHE_HOME", &folders.cache);
    }
    let driver = Guard::spawn(&mut driver).context("starting tauri-driver")?;
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
        .env("INVOICE_DESK_E2E_CONFIG", &folders.config)
        .env("INVOICE_DESK_E2E_DATA", &folders.data)
        .env("INVOICE_DESK_E2E_LOGS", &folders.logs)
        .env("INVOICE_DESK_E2E_CACHE", &folders.cache)
        .env("INVOICE_DESK_E2E_HOME", &home)
        .env("INVOICE_DESK_E2E_SHOTS", work)
        .env("INVOICE_DESK_E2E_EMULATOR", &azure)
        .env("INVOICE_DESK_E2E_AZURE_CLI", &azure_cli)
        .env("INVOICE_DESK_E2E_OPENED", &opened)
        .env("INVOICE_DESK_E2E_APPIMAGE", &appimage)
        .env(
            "INVOICE_DESK_E2E_DISPLAY",
            display.as_ref().map_or("", |d| d.name.as_str()),
        )
        .env(dates::TODAY_ENV, today);
    // A few seconds per test normally; a hung window must not hold CI.
    let outcome = process::run_within(&mut tests, Duration::from_secs(15 * 60));
    drop(driver);
    drop(display);
    drop(emulator);
    println!("e2e screenshots are in {}", work.display());
    outcome
}

/// tauri-driver on `port`, with the system's own WebDriver behind it.
fn driver_command(driver_bin: &Path, port: u16) -> Result<Command> {
    let native_port = free_port()?;
    if cfg!(target_os = "linux") {
        // Inside a private session bus with an unlocked gnome-keyring, so the app remembers
        // sign-ins in a real Secret Service that is not the user's.
        let script = format!(
            "printf invoice-desk | gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
             exec '{}' --port {port} --native-port {native_port}",
            driver_bin.display()
        );
        let mut command = Command::new("dbus-run-session");
        command.args(["--", "sh", "-c", &script]);
        return Ok(command);
    }
    let mut command = Command::new(driver_bin);
    command
        .args(["--port", &port.to_string()])
        .args(["--native-port", &native_port.to_string()])
        .arg("--native-driver")
        .arg(edge_driver()?);
    Ok(command)
}

/// Edge's WebDriver for WebView2: where GitHub's Windows runners keep it (`EDGEWEBDRIVER`),
/// else on PATH. It must match the WebView2 runtime's version, as the runners' does.
fn edge_driver() -> Result<PathBuf> {
    let name = "msedgedriver.exe";
    std::env::var_os("EDGEWEBDRIVER")
        .map(|dir| PathBuf::from(dir).join(name))
        .filter(|path| path.is_file())
        .or_else(|| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|path| path.is_file())
            })
        })
        .with_context(|| {
            format!(
                "{name} was not found (in EDGEWEBDRIVER or on PATH): install the Edge WebDriver \
                 matching the WebView2 runtime"
            )
        })
}

/// `path` as one word of a browser command, quoted with the crate the app splits
/// `INVOICE_DESK_BROWSER` with.
fn quoted(path: &Path) -> Result<String> {
    let text = path.display().to_string();
    shlex::try_quote(&text)
        .map(std::borrow::Cow::into_owned)
        .with_context(|| format!("{text} cannot be one word of the browser command"))
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

/// The stand-in for the system browser (`e2e-browser`, copied into a folder of its own): it
/// notes each address it is asked to open in `opened` beside it and fetches only loopback
/// pages, so no test reaches a remote host. Returns the program and that file.
fn recording_browser(work: &Path) -> Result<(PathBuf, PathBuf)> {
    let dir = work.join("browser");
    let program = stand_in(&dir, "e2e-browser", "open")?;
    let opened = dir.join("opened");
    std::fs::write(&opened, "")?;
    Ok((program, opened))
}

/// The stand-in for the Azure CLI (`e2e-az`), copied as `az` into a folder that goes first on
/// the app's PATH: `az account get-access-token` answers with a token the local Azure issues
/// for the user named in `user` beside it (written by the test, as `az login` would), or fails
/// as `az` does when nobody is signed in. Returns the folder.
fn fake_azure_cli(work: &Path, azure: &str) -> Result<PathBuf> {
    let dir = work.join("azure-cli");
    stand_in(&dir, "e2e-az", "az")?;
    std::fs::write(dir.join("azure"), azure)?;
    Ok(dir)
}

/// Copies the stand-in `binary` of this build into a fresh `dir` as `name`; its path.
fn stand_in(dir: &Path, binary: &str, name: &str) -> Result<PathBuf> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    let copy = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(debug_binary(binary), &copy)
        .with_context(|| format!("the stand-in {binary} was not built"))?;
    Ok(copy)
}

/// Starts `invoice-desk-emulator` on a free loopback port and returns it with its URL.
fn start_emulator(work: &Path, today: &str) -> Result<(Guard, String)> {
    use std::io::{BufRead, BufReader};
    let bin = debug_binary("invoice-desk-emulator");
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
