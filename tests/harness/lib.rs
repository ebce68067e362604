//! What the end-to-end tests stand on: a small W3C WebDriver client for tauri-driver, and the
//! environment `cargo xtask test e2e` prepares (display, driver, app binary, isolated config).
//!
//! A hand-written client rather than a WebDriver crate: the link between tauri-driver and
//! WebKitWebDriver drops about one request in eight, and every call here must be retried on
//! transport errors and carry its own timeout (a session whose app died hangs otherwise).

mod processes;
mod webdriver;

pub use webdriver::{Element, Session, WebDriverError};

use std::path::PathBuf;

/// The name of the app's own folder in the settings and logs homes, as the system spells it.
const APP_FOLDER: &str = if cfg!(target_os = "linux") {
    "invoice-desk"
} else {
    "Invoice Desk"
};

/// The environment the xtask sets up. Tests fail loudly outside it rather than pass vacuously.
#[derive(Debug, Clone)]
pub struct Env {
    pub driver: String,
    pub app: PathBuf,
    /// The folder the app keeps its settings in (`invoice-desk/settings.json` inside), and
    /// beside it its data, its logs and its cache: the run's own on Linux (XDG), the user's
    /// known folders on Windows (the suite runs there only on a CI runner).
    pub config_home: PathBuf,
    pub data_home: PathBuf,
    pub logs_home: PathBuf,
    pub cache_home: PathBuf,
    pub screenshots: PathBuf,
    /// A scratch folder of the run: download folders and archives the tests choose.
    pub home: PathBuf,
    /// The local Azure (authority + ARM) the app is pointed at.
    pub emulator: String,
    /// The folder of the stand-in `az` on the app's PATH; its `user` file says who `az login`
    /// signed in (no file: signed out).
    pub azure_cli: PathBuf,
    /// The X display the app's window is on (for answering native dialogs); empty off Linux.
    pub display: String,
    /// The day the app's demo and the local Azure live on (`INVOICE_DESK_TODAY`, YYYY-MM-DD).
    pub today: String,
    /// Where the stand-in browser notes each address the app opened, one per line.
    pub opened: PathBuf,
    /// The file the updater installs over (as over a running AppImage).
    pub appimage: PathBuf,
}

impl Env {
    pub fn from_process() -> Self {
        let var = |name: &str| {
            std::env::var(name).unwrap_or_else(|_| {
                panic!("{name} is not set: run the end-to-end tests with `cargo xtask test e2e`")
            })
        };
        Self {
            driver: var("INVOICE_DESK_E2E_DRIVER"),
            app: var("INVOICE_DESK_E2E_APP").into(),
            config_home: var("INVOICE_DESK_E2E_CONFIG").into(),
            data_home: var("INVOICE_DESK_E2E_DATA").into(),
            logs_home: var("INVOICE_DESK_E2E_LOGS").into(),
            cache_home: var("INVOICE_DESK_E2E_CACHE").into(),
            screenshots: var("INVOICE_DESK_E2E_SHOTS").into(),
            home: var("INVOICE_DESK_E2E_HOME").into(),
            emulator: var("INVOICE_DESK_E2E_EMULATOR"),
            azure_cli: var("INVOICE_DESK_E2E_AZURE_CLI").into(),
            display: var("INVOICE_DESK_E2E_DISPLAY"),
            today: var("INVOICE_DESK_TODAY"),
            opened: var("INVOICE_DESK_E2E_OPENED").into(),
            appimage: var("INVOICE_DESK_E2E_APPIMAGE").into(),
        }
    }

    /// Runs xdotool on the app's display (to answer a native dialog); its output.
    pub fn xdotool(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("timeout")
            .arg("20")
            .arg("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .expect("xdotool runs (installed by `cargo xtask test`)");
        assert!(
            out.status.success(),
            "xdotool {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// A picture of the whole screen, native dialogs included, where ImageMagick is installed.
    pub fn screenshot_screen(&self, name: &str) {
        let _ = std::process::Command::new("import")
            .args(["-window", "root"])
            .arg(self.screenshots.join(format!("{name}.png")))
            .env("DISPLAY", &self.display)
            .output();
    }

    /// The addresses the app opened in the (stand-in) system browser so far.
    pub fn opened_pages(&self) -> Vec<String> {
        std::fs::read_to_string(&self.opened)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Makes the emulated authority sign `upn` in as soon as the app's browser asks.
    pub fn auto_approve(&self, upn: &str) {
        self.control(
            &reqwest::Method::POST,
            "authority",
            Some(&serde_json::json!({ "auto_approve": upn })),
        );
    }

    /// Replaces the local Azure's fault rules (see the emulator's README): every matching
    /// request misbehaves as the rule says until [`Env::clear_faults`].
    pub fn set_faults(&self, rules: &serde_json::Value) {
        self.control(&reqwest::Method::POST, "faults", Some(rules));
    }

    /// Makes the local Azure forget every long-running operation and prepared document, as
    /// Azure does once they expire: the next download of each document starts an operation.
    pub fn forget_operations(&self) {
        self.control(&reqwest::Method::DELETE, "operations", None);
    }

    /// Takes the local Azure down for `secs`: its port and every open connection close, as a
    /// killed server's do, and it listens on the same port again afterwards, state intact.
    pub fn outage(&self, secs: f64) {
        self.control(
            &reqwest::Method::POST,
            "outage",
            Some(&serde_json::json!({ "secs": secs })),
        );
    }

    /// Makes the local Azure behave again.
    pub fn clear_faults(&self) {
        self.control(&reqwest::Method::DELETE, "faults", None);
    }

    /// Every secret the local Azure's authority handed out or was shown so far, as
    /// `(kind, value)`: authorization codes, PKCE verifiers, access, refresh and ID tokens,
    /// device codes.
    pub fn issued_secrets(&self) -> Vec<(String, String)> {
        let list: Vec<serde_json::Value> = self
            .control(&reqwest::Method::GET, "issued", None)
            .json()
            .expect("the emulator's control plane answers in JSON");
        list.iter()
            .map(|s| {
                (
                    s["kind"].as_str().unwrap_or_default().to_owned(),
                    s["value"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    /// Publishes a release on the local feed the app's updater asks (`tampered`: its installer
    /// is not the one signed) until the returned guard drops, even when the test fails.
    #[must_use]
    pub fn publish_release(&self, version: &str, notes: &str, tampered: bool) -> Published<'_> {
        self.control(
            &reqwest::Method::POST,
            "release",
            Some(&serde_json::json!({ "version": version, "notes": notes, "tampered": tampered })),
        );
        Published(self)
    }

    /// How often the app's updater asked the local release feed so far.
    pub fn update_feed_requests(&self) -> u64 {
        let answer: serde_json::Value = self
            .control(&reqwest::Method::GET, "release", None)
            .json()
            .expect("the emulator's control plane answers in JSON");
        answer["feedRequests"].as_u64().unwrap_or_default()
    }

    /// Empties the local release feed again.
    pub fn withdraw_release(&self) {
        self.control(&reqwest::Method::DELETE, "release", None);
    }

    /// Signs the stand-in Azure CLI in as `upn` (`az login`), or out with `None`.
    pub fn azure_cli_signed_in_as(&self, upn: Option<&str>) {
        let user = self.azure_cli.join("user");
        match upn {
            Some(upn) => std::fs::write(user, upn).unwrap(),
            None => {
                let _ = std::fs::remove_file(user);
            }
        }
    }

    /// Makes Azure Resource Manager answer `upn`'s next call with a Conditional Access claims
    /// challenge (401), until a token issued for those claims comes along.
    pub fn claims_challenge(&self, upn: &str) {
        self.control(
            &reqwest::Method::POST,
            "claims-challenge",
            Some(&serde_json::json!({ "upn": upn })),
        );
    }

    /// Declines a pending device-code sign-in, as a user pressing "Cancel" on the other device.
    pub fn decline_device_code(&self, user_code: &str) {
        self.control(
            &reqwest::Method::POST,
            "devicecode/decline",
            Some(&serde_json::json!({ "user_code": user_code })),
        );
    }

    /// Calls the emulator's control plane (`/_emulator/<path>`); the test fails unless the
    /// emulator accepts the call.
    fn control(
        &self,
        method: &reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> reqwest::blocking::Response {
        let mut request = reqwest::blocking::Client::new().request(
            method.clone(),
            format!("{}/_emulator/{path}", self.emulator),
        );
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .expect("the emulator's control plane answers");
        assert!(
            response.status().is_success(),
            "{method} /_emulator/{path} refused: {}",
            response.status()
        );
        response
    }

    /// The folder the app writes its logs into.
    pub fn log_folder(&self) -> PathBuf {
        self.logs_home.join(APP_FOLDER).join("logs")
    }

    /// Every file the app may have written: in its own folders of the settings, data, logs and
    /// cache homes (the web view's storage included), and in the run's scratch home.
    pub fn app_files(&self) -> Vec<PathBuf> {
        // The names the app's folders have: its own, Windows' log folder, Tauri's identifier.
        const OWN: [&str; 3] = ["invoice-desk", "Invoice Desk", "app.invoicedesk.desktop"];
        let mut files = files_under(&self.home);
        for base in [
            &self.config_home,
            &self.data_home,
            &self.logs_home,
            &self.cache_home,
        ] {
            for own in OWN {
                files.extend(files_under(&base.join(own)));
            }
        }
        files.sort();
        files.dedup();
        files
    }

    /// The app's settings file inside the isolated config folder.
    pub fn settings_file(&self) -> PathBuf {
        self.config_home.join(APP_FOLDER).join("settings.json")
    }

    /// Starts the app with a fresh (or the given) settings file, so tests don't leak into each other.
    pub fn launch(&self, settings: Option<&str>) -> Session {
        self.launch_with(settings, &[])
    }

    /// As [`Self::launch`], with command-line arguments (`--demo`).
    pub fn launch_with(&self, settings: Option<&str>, args: &[&str]) -> Session {
        let dir = self.config_home.join(APP_FOLDER);
        let _ = std::fs::remove_dir_all(&dir);
        // The remembered window size and position too: each test starts from the defaults.
        let _ = std::fs::remove_dir_all(self.config_home.join("app.invoicedesk.desktop"));
        std::fs::create_dir_all(&dir).unwrap();
        if let Some(text) = settings {
            std::fs::write(self.settings_file(), text).unwrap();
        }
        self.relaunch_with(args)
    }

    /// Starts the app with a fresh (or the given) settings file and nobody signed in, even when
    /// an earlier failed test left its account in the keychain: one failure must not fail every
    /// test after it. `timeout` bounds each wait for the window.
    pub fn launch_signed_out(
        &self,
        settings: Option<&str>,
        timeout: std::time::Duration,
    ) -> Session {
        let app = self.launch(settings);
        app.wait_for("#welcome-heading, [data-testid=account-row]", timeout)
            .unwrap();
        if app.find("[data-testid=account-row]").is_ok() {
            sign_out_everything(&app, timeout);
            app.wait_for("#welcome-heading", timeout).unwrap();
        }
        app
    }

    /// Starts the app again keeping whatever it saved.
    pub fn relaunch(&self) -> Session {
        self.relaunch_with(&[])
    }

    /// Starts the app again keeping whatever it saved, with command-line arguments (`--demo`).
    pub fn relaunch_with(&self, args: &[&str]) -> Session {
        // A window that is still closing holds the single-instance name: a new one would hand
        // over to it and exit. Wait until the last one is gone.
        self.wait_until_no_app_runs(std::time::Duration::from_secs(20));
        Session::start(&self.driver, &self.app, args, self.screenshots.clone())
            .unwrap_or_else(|err| panic!("the app did not start under WebDriver: {err}"))
    }

    /// The environment of the one running app, for starting it again as the same desktop
    /// session would (Linux: its session bus and display); elsewhere this process's own.
    pub fn running_app_environment(&self) -> Vec<(String, String)> {
        let found = processes::running(&self.app);
        assert_eq!(
            found.len(),
            1,
            "expected exactly one running app, found {found:?}"
        );
        if cfg!(target_os = "linux") {
            let environ = std::fs::read(format!("/proc/{}/environ", found[0])).unwrap();
            return environ
                .split(|b| *b == 0)
                .filter_map(|pair| {
                    let text = String::from_utf8_lossy(pair).into_owned();
                    text.split_once('=')
                        .map(|(k, v)| (k.to_owned(), v.to_owned()))
                })
                .collect();
        }
        std::env::vars().collect()
    }

    /// Waits until no process runs the app's binary, or `timeout`.
    pub fn wait_until_no_app_runs(&self, timeout: std::time::Duration) {
        let deadline = std::time::Instant::now() + timeout;
        while !processes::running(&self.app).is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

/// A release on the local feed; withdrawn when dropped, so no other test sees it.
#[derive(Debug)]
pub struct Published<'a>(&'a Env);

impl Drop for Published<'_> {
    fn drop(&mut self) {
        self.0.withdraw_release();
    }
}

/// Signs every account out from the settings' account list, opening Settings first when needed.
pub fn sign_out_everything(app: &Session, timeout: std::time::Duration) {
    if app.find("[data-testid=settings-accounts]").is_err() {
        let settings = app
            .wait_for("[data-testid=settings-button]", timeout)
            .unwrap();
        app.click(&settings).unwrap();
    }
    app.wait_for("[data-testid=settings-accounts]", timeout)
        .unwrap();
    while let Ok(button) = app.find("[data-testid=sign-out]") {
        app.click(&button).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// Clicks the scope row whose text holds `name` once the sidebar lists it (within `timeout`).
pub fn open_scope(app: &Session, name: &str, timeout: std::time::Duration) {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let clicked = app
            .execute(
                "const row = [...document.querySelectorAll('[data-testid=scope-row]')]\
                   .find((r) => r.textContent.includes(arguments[0]));\
                 if (row) row.click();\
                 return !!row;",
                &[serde_json::json!(name)],
            )
            .unwrap();
        if clicked == serde_json::json!(true) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "no scope row {name}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// Every file below `dir` (not folders), sorted; none when `dir` does not exist.
pub fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
