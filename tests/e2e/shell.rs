//! The app shell as a user meets it: the window opens on the welcome screen, language and theme
//! follow the settings and survive a restart, a broken settings file is reported and kept, and
//! errors arrive as translated sentences. Screenshots of each state land in `target/e2e/`.

use std::time::Duration;

use invoice_desk_e2e::{Env, Session};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(15);

/// The words a user should see, from the same catalogues the app ships.
fn words(lang: &str, key: &str) -> String {
    let text = match lang {
        "en" => include_str!("../../ui/src/i18n/en.json"),
        "nl" => include_str!("../../ui/src/i18n/nl.json"),
        other => panic!("no catalogue {other}"),
    };
    let catalogue: Value = serde_json::from_str(text).unwrap();
    catalogue[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {lang}.json"))
        .to_owned()
}

fn heading(session: &Session) -> String {
    let element = session.wait_for("#welcome-heading", WAIT).unwrap();
    session.text(&element).unwrap()
}

fn open_settings(session: &Session) {
    let button = session
        .wait_for("[data-testid=settings-button]", WAIT)
        .unwrap();
    session.click(&button).unwrap();
    session.wait_for("[data-testid=settings]", WAIT).unwrap();
}

fn close_settings(session: &Session) {
    let back = session
        .wait_for("[data-testid=settings-back]", WAIT)
        .unwrap();
    session.click(&back).unwrap();
}

fn data_theme(session: &Session) -> String {
    session
        .execute("return document.documentElement.dataset.theme || '';", &[])
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn saved_settings(env: &Env) -> Value {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        if let Ok(text) = std::fs::read_to_string(env.settings_file())
            && let Ok(value) = serde_json::from_str(&text)
        {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "settings were never saved"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_window_opens_on_the_welcome_screen_in_the_os_language() {
    let env = Env::from_process();
    let mut app = env.launch(None);
    assert_eq!(heading(&app), words("en", "welcome.title"));
    let sign_in = app.wait_for("[data-testid=sign-in-browser]", WAIT).unwrap();
    assert_eq!(
        app.text(&sign_in).unwrap(),
        words("en", "welcome.signInBrowser")
    );
    // The suite points the app at a local Azure: the window says so, naming both endpoints.
    let banner = app
        .wait_for_page_text("[data-testid=custom-endpoints]", |t| !t.is_empty())
        .unwrap();
    assert!(
        banner.starts_with("Not one of Microsoft's clouds"),
        "{banner}"
    );
    assert!(
        banner.contains(env.emulator.trim_end_matches('/')),
        "{banner}"
    );
    app.screenshot("welcome-en-light").unwrap();
}

#[test]
fn switching_to_dutch_changes_the_text_and_survives_a_restart() {
    let env = Env::from_process();
    let mut app = env.launch(None);
    open_settings(&app);
    app.select("[data-testid=language-select]", "nl").unwrap();
    app.wait_for_text(
        "[data-testid=settings] h1, [data-testid=settings] h2",
        |t| t == words("nl", "settings.title"),
    )
    .unwrap();
    app.screenshot("settings-nl").unwrap();
    close_settings(&app);
    assert_eq!(heading(&app), words("nl", "welcome.title"));
    app.screenshot("welcome-nl-light").unwrap();
    assert_eq!(saved_settings(&env)["language"], "nl");
    drop(app);

    let mut again = env.relaunch();
    assert_eq!(heading(&again), words("nl", "welcome.title"));
    assert_eq!(
        again
            .execute("return document.documentElement.lang;", &[])
            .unwrap(),
        "nl"
    );
    again.screenshot("welcome-nl-after-restart").unwrap();
}

#[test]
fn the_dark_theme_applies_at_once_and_survives_a_restart() {
    let env = Env::from_process();
    let mut app = env.launch(None);
    let light_background = app
        .execute(
            "return getComputedStyle(document.body).backgroundColor;",
            &[],
        )
        .unwrap();
    open_settings(&app);
    app.select("[data-testid=theme-select]", "dark").unwrap();
    assert_eq!(data_theme(&app), "dark");
    let dark_background = app
        .execute(
            "return getComputedStyle(document.body).backgroundColor;",
            &[],
        )
        .unwrap();
    assert_ne!(
        light_background, dark_background,
        "the background did not change"
    );
    close_settings(&app);
    heading(&app);
    app.screenshot("welcome-en-dark").unwrap();
    assert_eq!(saved_settings(&env)["theme"], "dark");
    drop(app);

    let mut again = env.relaunch();
    // The theme comes with the settings, which the window has once it shows its first screen.
    heading(&again);
    assert_eq!(data_theme(&again), "dark");
    open_settings(&again);
    again.select("[data-testid=language-select]", "nl").unwrap();
    close_settings(&again);
    assert_eq!(heading(&again), words("nl", "welcome.title"));
    again.screenshot("welcome-nl-dark").unwrap();
}

#[test]
fn a_corrupt_settings_file_is_reported_and_kept_as_a_backup() {
    let env = Env::from_process();
    let broken = "{\"language\": \"nl\", oops";
    let mut app = env.launch(Some(broken));
    let notice = app
        .wait_for("[data-testid=notices] [data-testid=error-view]", WAIT)
        .unwrap();
    let text = app.text(&notice).unwrap();
    assert!(
        text.contains(&words("en", "errors.settings_corrupt.message")),
        "{text}"
    );
    app.screenshot("settings-corrupt-warning").unwrap();

    let dir = env.settings_file().parent().unwrap().to_owned();
    let backups: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(backups.len(), 1, "expected one backup in {}", dir.display());
    assert_eq!(std::fs::read_to_string(backups[0].path()).unwrap(), broken);
    // Defaults are in use: English, not the Dutch the broken file asked for.
    assert_eq!(heading(&app), words("en", "welcome.title"));
}

#[test]
fn the_window_reopens_at_the_size_the_user_left_it() {
    let env = Env::from_process();
    let app = env.launch(None);
    heading(&app);
    app.set_window_size(1010, 690).unwrap();
    // Saved once the resizing settles; give it a moment, as a user would before quitting.
    std::thread::sleep(Duration::from_millis(1200));
    drop(app);

    let mut again = env.relaunch();
    heading(&again);
    assert_eq!(again.window_size().unwrap(), (1010, 690));
    again.screenshot("window-size-restored").unwrap();
}

#[test]
fn a_second_launch_hands_over_to_the_running_window_and_exits() {
    let env = Env::from_process();
    let app = env.launch(None);
    heading(&app);
    // Start the binary again the way a second double-click would: same desktop session.
    let vars = env.running_app_environment();
    let mut second = std::process::Command::new(&env.app)
        .env_clear()
        .envs(vars)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break Some(status);
        }
        if std::time::Instant::now() > deadline {
            let _ = second.kill();
            let _ = second.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let status =
        status.expect("the second launch kept running: a second window instead of the first one");
    assert!(status.success(), "the second launch failed: {status}");
    // The first window is still there and still answers.
    assert_eq!(heading(&app), words("en", "welcome.title"));
}

#[test]
fn the_file_name_preview_shows_what_the_saver_would_name_and_refuses_unknown_placeholders() {
    let env = Env::from_process();
    let mut app = env.launch(None);
    open_settings(&app);
    // The preview sits lower on the page; its text is read from the page itself.
    let preview = app
        .wait_for_page_text("[data-testid=template-preview]", |t| {
            !t.is_empty() && t != "—"
        })
        .unwrap();
    assert_eq!(preview, "Contoso Ltd/2026-09 G012345678.pdf");
    app.execute(
        "const input = document.querySelector('[data-testid=file-name-template]');
         input.value = '{yyyy} {oops} {invoiceName}';
         input.dispatchEvent(new Event('input', { bubbles: true }));",
        &[],
    )
    .unwrap();
    app.wait_for_page_text("[data-testid=template-unknown]", |t| t.contains("{oops}"))
        .unwrap();
    assert_eq!(
        app.page_text("[data-testid=template-preview]").unwrap(),
        "—"
    );
    app.execute(
        "document.querySelector('[data-testid=template-unknown]').scrollIntoView();",
        &[],
    )
    .unwrap();
    app.screenshot("settings-template-unknown").unwrap();
}
