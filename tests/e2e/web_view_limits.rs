//! What the web view may ask of the app, tried as a script injected into it would: it calls the
//! app's commands directly, past the buttons. Files it may open or reveal are only the documents
//! the app saved (recorded in the folder's index, or saved elsewhere by this run), never another
//! file it names, however close it lies.

use std::time::Duration;

use invoice_desk_e2e::{Env, Session};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

/// Calls a command of the app as the page's own code does; its answer or its error.
fn invoke(app: &Session, command: &str, args: &Value) -> Result<Value, Value> {
    app.execute(
        "window.__answer = undefined;\
         window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])\
           .then(ok => { window.__answer = { ok: ok ?? null }; },\
                 err => { window.__answer = { err: err ?? null }; });",
        &[json!(command), args.clone()],
    )
    .unwrap();
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let answer = app.execute("return window.__answer ?? null;", &[]).unwrap();
        if let Some(ok) = answer.get("ok") {
            return Ok(ok.clone());
        }
        if let Some(err) = answer.get("err") {
            return Err(err.clone());
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{command} did not answer"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn select(app: &Session, css: &str) {
    let element = app.wait_for(css, WAIT).unwrap();
    app.click(&element).unwrap();
}

#[test]
fn the_web_view_opens_and_reveals_only_documents_the_app_saved() {
    let env = Env::from_process();
    let folder = env.home.join("limits-downloads");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(folder.join("Contoso")).unwrap();
    // Lying in the download folder beside the invoices, but never saved by the app.
    let installer = folder.join("setup.sh");
    std::fs::write(&installer, "#!/bin/sh\necho pwned\n").unwrap();
    let stray = folder.join("Contoso").join("not-saved-by-the-app.pdf");
    std::fs::write(&stray, "%PDF-1.7\n").unwrap();
    let settings = json!({ "downloadFolder": folder.display().to_string() });
    let app = env.launch(Some(&settings.to_string()));

    // One invoice saved the ordinary way.
    select(&app, "[data-testid=try-demo]");
    app.wait_for("[data-testid=demo-badge]", WAIT).unwrap();
    app.select(
        "[data-testid=demo-user-select]",
        "riley.reader@contoso.example",
    )
    .unwrap();
    let deadline = std::time::Instant::now() + WAIT;
    while app.find("[data-testid=invoice-amount]").is_err() {
        app.execute(
            "document.querySelector('[data-testid=scope-row][data-kind=mosp_subscription]')?.click();",
            &[],
        )
        .unwrap();
        assert!(std::time::Instant::now() < deadline, "no invoices shown");
        std::thread::sleep(Duration::from_millis(300));
    }
    app.execute(
        "document.querySelector('[data-testid=period-row][data-invoice]')\
           .dispatchEvent(new MouseEvent('click', { bubbles: true }));",
        &[],
    )
    .unwrap();
    select(&app, "[data-testid=save-invoice]");
    app.wait_for("[data-testid=open-saved]", WAIT).unwrap();
    let summary = app
        .execute(
            "return document.querySelector('[data-testid=saved-as-path], [data-testid=save-summary]')?.textContent ?? '';",
            &[],
        )
        .unwrap();
    let saved = invoice_desk_e2e::files_under(&folder)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "pdf") && *p != stray)
        .unwrap_or_else(|| panic!("no saved invoice in {}: {summary}", folder.display()));

    for (command, path) in [
        ("open_saved", &installer),
        ("reveal_saved", &installer),
        ("open_saved", &stray),
        ("reveal_saved", &stray),
    ] {
        let refused = invoke(
            &app,
            command,
            &json!({ "path": path.display().to_string() }),
        )
        .expect_err(&format!("{command} {} was not refused", path.display()));
        assert_eq!(refused["code"], "not_found", "{command}: {refused}");
    }
    // The app's own invoice passes the check (whether the system then has a viewer for it is
    // the system's business).
    let own = invoke(
        &app,
        "open_saved",
        &json!({ "path": saved.display().to_string() }),
    );
    if let Err(error) = own {
        assert_ne!(error["code"], "not_found", "{error}");
    }
    assert!(installer.exists() && stray.exists(), "nothing was touched");
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "answers the GTK dialog with xdotool"
)]
fn a_folder_named_by_the_web_view_is_used_only_once_the_user_confirms_it_in_a_system_dialog() {
    let env = Env::from_process();
    let kept = env.home.join("kept-downloads");
    let settings = json!({ "downloadFolder": kept.display().to_string() });
    let app = env.launch(Some(&settings.to_string()));
    app.wait_for("#welcome-heading", WAIT).unwrap();
    let stored = |env: &Env| -> Value {
        serde_json::from_str(&std::fs::read_to_string(env.settings_file()).unwrap()).unwrap()
    };

    // The page asks for a system folder, as an injected script would.
    app.execute(
        "window.__answer = undefined;\
         const invoke = window.__TAURI_INTERNALS__.invoke;\
         invoke('get_settings')\
           .then(now => invoke('save_settings', { settings: { ...now.settings, downloadFolder: '/etc' } }))\
           .then(ok => { window.__answer = { ok }; }, err => { window.__answer = { err }; });",
        &[],
    )
    .unwrap();
    // A system dialog asks; the page cannot answer it. Nothing is saved meanwhile.
    let dialog = env.xdotool(&[
        "search",
        "--sync",
        "--onlyvisible",
        "--name",
        "Use this folder?",
    ]);
    let dialog = dialog.lines().last().unwrap_or_default().to_owned();
    env.screenshot_screen("folder-confirm-dialog");
    assert_eq!(stored(&env)["downloadFolder"], kept.display().to_string());
    env.xdotool(&["windowfocus", "--sync", &dialog]);
    // "Keep the old one" (the dialog's cancel button answers Escape).
    env.xdotool(&["key", "Escape"]);

    let deadline = std::time::Instant::now() + WAIT;
    let answer = loop {
        let answer = app.execute("return window.__answer ?? null;", &[]).unwrap();
        if !answer.is_null() {
            break answer;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "save_settings did not answer"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(answer["err"]["code"], "folder_not_confirmed", "{answer}");
    assert_eq!(stored(&env)["downloadFolder"], kept.display().to_string());
}
