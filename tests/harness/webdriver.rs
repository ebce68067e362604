use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::blocking::Client;
use serde_json::{Value, json};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
const TRIES: usize = 4;
/// How long one driver call may take. A call that never answers (a hung window) must fail its
/// test with a message well before the suite's timeout ends the test from outside.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Starts the frame pulse of [`Session::screenshot`], once the page has painted twice.
const PULSE_START: &str = "const done = arguments[0];\
    const pulse = document.createElement('div');\
    pulse.id = 'webdriver-frame-pulse';\
    pulse.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';\
    document.body.append(pulse);\
    pulse.animate([{ opacity: 0 }, { opacity: 0.004 }], { duration: 100, iterations: Infinity });\
    requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
/// Ends the frame pulse.
const PULSE_STOP: &str = "document.getElementById('webdriver-frame-pulse')?.remove();";
/// The file in the screenshots folder naming the session this run holds open.
const SESSION_RECORD: &str = "webdriver-session";

#[derive(Debug)]
pub enum WebDriverError {
    Transport(String),
    Protocol {
        status: u16,
        error: String,
        message: String,
    },
    Timeout(String),
}

impl std::fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Transport(m) => write!(f, "transport: {m}"),
            Self::Protocol {
                status,
                error,
                message,
            } => write!(f, "{status} {error}: {message}"),
            Self::Timeout(m) => write!(f, "timed out: {m}"),
        }
    }
}

type Result<T> = std::result::Result<T, WebDriverError>;

/// One running app, driven over WebDriver. Dropping it ends the session (and the app) after
/// saving a final screenshot, so a failing test still leaves a picture behind.
#[derive(Debug)]
pub struct Session {
    http: Client,
    app: PathBuf,
    base: String,
    shots: PathBuf,
    last_name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Element {
    id: String,
}

impl Session {
    /// Starts `app` with `args` (what a user's command line or shortcut would pass).
    pub fn start(driver: &str, app: &Path, args: &[&str], shots: PathBuf) -> Result<Self> {
        // A window left over from a test that failed would take the single-instance lock and
        // swallow this launch; end it first.
        end_running(app, Duration::ZERO);
        let http = Client::builder()
            .timeout(CALL_TIMEOUT)
            .build()
            .map_err(|e| WebDriverError::Transport(e.to_string()))?;
        // WebKitWebDriver holds one session at a time, and a test that was ended from outside
        // (nextest's timeout) never deleted its own: end it, or every later test is refused.
        let record = shots.join(SESSION_RECORD);
        if let Ok(stale) = std::fs::read_to_string(&record) {
            let url = format!("{driver}/session/{}", stale.trim());
            let _ = call(&http, &reqwest::Method::DELETE, &url, None);
            let _ = std::fs::remove_file(&record);
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": app, "args": args}}}});
        let value = create_session(&http, driver, &caps)?;
        let id = value["sessionId"].as_str().unwrap_or_default().to_owned();
        let _ = std::fs::write(&record, &id);
        let session = Self {
            http,
            app: app.to_owned(),
            base: format!("{driver}/session/{id}"),
            shots,
            last_name: None,
        };
        // The window paints before the UI has mounted: wait for it rather than sleep.
        session.wait_for("body > *", Duration::from_secs(30))?;
        Ok(session)
    }

    fn send(&self, method: &reqwest::Method, path: &str, body: Option<&Value>) -> Result<Value> {
        call(&self.http, method, &format!("{}{path}", self.base), body)
    }

    pub fn find(&self, css: &str) -> Result<Element> {
        let found = self.send(
            &reqwest::Method::POST,
            "/element",
            Some(&json!({"using": "css selector", "value": css})),
        )?;
        found[ELEMENT_KEY]
            .as_str()
            .map(|id| Element { id: id.to_owned() })
            .ok_or_else(|| WebDriverError::Transport(format!("no element id for {css}")))
    }

    /// Polls until `css` matches a displayed element.
    pub fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(element) = self.find(css)
                && self.is_displayed(&element).unwrap_or(false)
            {
                return Ok(element);
            }
            if Instant::now() > deadline {
                return Err(WebDriverError::Timeout(format!("waiting for `{css}`")));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The text of `css` as the page has it (`textContent`, trimmed): unlike WebDriver's
    /// rendered text, it includes text below the fold, ellipsised or visually hidden.
    pub fn page_text(&self, css: &str) -> Result<String> {
        let text = self.execute(
            "return document.querySelector(arguments[0])?.textContent ?? '';",
            &[serde_json::json!(css)],
        )?;
        Ok(text.as_str().unwrap_or_default().trim().to_owned())
    }

    /// Polls until the page text of `css` (see [`Self::page_text`]) satisfies `check`.
    pub fn wait_for_page_text(&self, css: &str, check: impl Fn(&str) -> bool) -> Result<String> {
        poll_text(css, Duration::from_secs(30), check, || self.page_text(css))
    }

    /// Polls until the text of `css` satisfies `check`, returning it.
    pub fn wait_for_text(&self, css: &str, check: impl Fn(&str) -> bool) -> Result<String> {
        poll_text(css, Duration::from_secs(10), check, || {
            // Not there yet reads as no text, so the wait goes on.
            Ok(self
                .find(css)
                .and_then(|element| self.text(&element))
                .unwrap_or_default())
        })
    }

    pub fn is_displayed(&self, element: &Element) -> Result<bool> {
        let v = self.send(
            &reqwest::Method::GET,
            &format!("/element/{}/displayed", element.id),
            None,
        )?;
        Ok(v.as_bool().unwrap_or(false))
    }

    pub fn click(&self, element: &Element) -> Result<()> {
        self.send(
            &reqwest::Method::POST,
            &format!("/element/{}/click", element.id),
            Some(&json!({})),
        )
        .map(drop)
    }

    /// Types `text` into a field as keystrokes, as a user would.
    pub fn send_keys(&self, element: &Element, text: &str) -> Result<()> {
        self.send(
            &reqwest::Method::POST,
            &format!("/element/{}/value", element.id),
            Some(&json!({"text": text})),
        )
        .map(drop)
    }

    /// Empties a field.
    pub fn clear(&self, element: &Element) -> Result<()> {
        self.send(
            &reqwest::Method::POST,
            &format!("/element/{}/clear", element.id),
            Some(&json!({})),
        )
        .map(drop)
    }

    pub fn text(&self, element: &Element) -> Result<String> {
        let v = self.send(
            &reqwest::Method::GET,
            &format!("/element/{}/text", element.id),
            None,
        )?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    pub fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>> {
        let v = self.send(
            &reqwest::Method::GET,
            &format!("/element/{}/attribute/{name}", element.id),
            None,
        )?;
        Ok(v.as_str().map(str::to_owned))
    }

    pub fn set_window_size(&self, width: u32, height: u32) -> Result<()> {
        self.send(
            &reqwest::Method::POST,
            "/window/rect",
            Some(&json!({"width": width, "height": height})),
        )
        .map(drop)
    }

    pub fn window_size(&self) -> Result<(u64, u64)> {
        let rect = self.send(&reqwest::Method::GET, "/window/rect", None)?;
        Ok((
            rect["width"].as_u64().unwrap_or(0),
            rect["height"].as_u64().unwrap_or(0),
        ))
    }

    /// Runs a script in the page; `arguments` are passed as the W3C `args`.
    pub fn execute(&self, script: &str, arguments: &[Value]) -> Result<Value> {
        self.send(
            &reqwest::Method::POST,
            "/execute/sync",
            Some(&json!({"script": script, "args": arguments})),
        )
    }

    /// Chooses `value` in a `<select>` the way a user would, firing its change event.
    pub fn select(&self, css: &str, value: &str) -> Result<()> {
        let element = self.wait_for(css, Duration::from_secs(10))?;
        let handle = json!({ELEMENT_KEY: element.id});
        self.execute(
            "const s = arguments[0]; s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}));",
            &[handle, json!(value)],
        )
        .map(drop)
    }

    /// Saves a PNG of the window as `<screenshots>/<name>.png` after two animation frames, so
    /// the picture shows the state the test just produced rather than the previous frame.
    pub fn screenshot(&mut self, name: &str) -> Result<PathBuf> {
        // WebKitWebDriver takes its picture after the web view's next painted frame, and a
        // page painted without GPU compositing (as the app's is on Linux) paints no frame while
        // it is idle: the call would wait for ever. A one-pixel, all but transparent pulse
        // keeps frames coming until the picture is taken; it shows in no picture.
        let _ = self.send(
            &reqwest::Method::POST,
            "/execute/async",
            Some(&json!({"script": PULSE_START, "args": []})),
        );
        let shot = self.send(&reqwest::Method::GET, "/screenshot", None);
        let _ = self.send(
            &reqwest::Method::POST,
            "/execute/sync",
            Some(&json!({"script": PULSE_STOP, "args": []})),
        );
        let v = shot?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .map_err(|e| WebDriverError::Transport(format!("screenshot was not base64: {e}")))?;
        std::fs::create_dir_all(&self.shots)
            .map_err(|e| WebDriverError::Transport(e.to_string()))?;
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png).map_err(|e| WebDriverError::Transport(e.to_string()))?;
        self.last_name = Some(name.to_owned());
        Ok(path)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let name = format!(
                "failure-{}",
                self.last_name.clone().unwrap_or_else(|| "session".into())
            );
            let _ = self.screenshot(&name);
        }
        let _ = self.send(&reqwest::Method::DELETE, "", None);
        let _ = std::fs::remove_file(self.shots.join(SESSION_RECORD));
        // Deleting the session closes the window; make sure the process really went.
        end_running(&self.app, Duration::from_secs(5));
    }
}

/// Ends the app processes started from `app` (the binary under test, launched for this test
/// run by tauri-driver) that are still running after `grace`: asked to end, then killed.
fn end_running(app: &Path, grace: Duration) {
    let deadline = Instant::now() + grace;
    while !crate::processes::running(app).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    for force in [false, true] {
        let pids = crate::processes::running(app);
        if pids.is_empty() {
            return;
        }
        eprintln!("ending a leftover app window (forced: {force}): {pids:?}");
        crate::processes::end(&pids, force);
        std::thread::sleep(Duration::from_secs(2));
    }
}

/// One W3C call with retries on transport errors (never on protocol errors, which are answers).
fn call(http: &Client, method: &reqwest::Method, url: &str, body: Option<&Value>) -> Result<Value> {
    let mut last = String::new();
    for attempt in 0..TRIES {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(200));
        }
        let mut request = http.request(method.clone(), url);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = match request.send() {
            Ok(r) => r,
            // A dropped connection is retried; a call that took the whole timeout is not (it
            // would only hang again, and a repeated POST could act twice).
            Err(err) if err.is_timeout() => {
                return Err(WebDriverError::Timeout(format!("{method} {url}: {err}")));
            }
            Err(err) => {
                last = err.to_string();
                continue;
            }
        };
        let status = response.status().as_u16();
        let Ok(payload) = response.json::<Value>() else {
            last = format!("HTTP {status} without a JSON body");
            continue;
        };
        let value = payload.get("value").cloned().unwrap_or(Value::Null);
        if status >= 400 {
            return Err(WebDriverError::Protocol {
                status,
                error: value["error"].as_str().unwrap_or_default().to_owned(),
                message: value["message"].as_str().unwrap_or_default().to_owned(),
            });
        }
        return Ok(value);
    }
    Err(WebDriverError::Transport(format!("{method} {url}: {last}")))
}

/// Creates a session; while the driver still holds the previous one (it is closing), waits.
fn create_session(http: &Client, driver: &str, caps: &Value) -> Result<Value> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match call(
            http,
            &reqwest::Method::POST,
            &format!("{driver}/session"),
            Some(caps),
        ) {
            Err(WebDriverError::Protocol { message, .. })
                if message.contains("Maximum number of active sessions")
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(500));
            }
            other => return other,
        }
    }
}

/// Reads a text every 100 ms until `check` accepts it or `timeout` passes.
fn poll_text(
    css: &str,
    timeout: Duration,
    check: impl Fn(&str) -> bool,
    read: impl Fn() -> Result<String>,
) -> Result<String> {
    let deadline = Instant::now() + timeout;
    loop {
        let last = read()?;
        if check(&last) {
            return Ok(last);
        }
        if Instant::now() > deadline {
            return Err(WebDriverError::Timeout(format!(
                "text of `{css}` stayed {last:?}"
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
