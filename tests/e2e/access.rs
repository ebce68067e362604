//! "Check my access" as a user meets it: from Settings → Accounts, the demo's billing profile
//! reader sees her agreement, her role, what Azure's answer rests on and each action, with the
//! sentence and portal page for the e-mail settings she may not change — in English and Dutch.
//! Back returns to the invoices.

use std::time::Duration;

use invoice_desk_e2e::{Env, Session};

const WAIT: Duration = Duration::from_secs(30);
const RITA: &str = "rita.reader@contoso.example";

fn select(app: &Session, css: &str) {
    let element = app.wait_for(css, WAIT).unwrap();
    // Settings is a long page: the button may be below the fold.
    app.execute(
        "document.querySelector(arguments[0])?.scrollIntoView({ block: 'center' });",
        &[serde_json::json!(css)],
    )
    .unwrap();
    app.click(&element).unwrap();
}

/// Starts the demo as `upn` and waits until the sidebar lists that user's scopes alone.
fn enter_demo_as(app: &Session, upn: &str) {
    select(app, "[data-testid=try-demo]");
    app.wait_for("[data-testid=demo-badge]", WAIT).unwrap();
    let current = app
        .execute(
            "return document.querySelector('[data-testid=demo-user-select]')?.value ?? null;",
            &[],
        )
        .unwrap();
    if current != serde_json::json!(upn) {
        app.select("[data-testid=demo-user-select]", upn).unwrap();
    }
    let deadline = std::time::Instant::now() + WAIT;
    while app
        .execute(
            "const accounts = [...document.querySelectorAll('[data-testid=account-row]')];\
             return accounts.length === 1 && accounts[0].textContent.includes(arguments[0])\
               && !document.querySelector('[data-testid=scopes-loading]')\
               && document.querySelectorAll('[data-testid=scope-row]').length > 0;",
            &[serde_json::json!(upn)],
        )
        .unwrap()
        != serde_json::json!(true)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the sidebar did not list {upn}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Opens "Check my access" from Settings and waits for its scopes; the report's text.
fn open_access(app: &Session) -> String {
    select(app, "[data-testid=settings-button]");
    select(app, "[data-testid=open-access]");
    app.wait_for("[data-testid=access-scope]", WAIT).unwrap();
    app.page_text("[data-testid=access-report]").unwrap()
}

#[test]
fn the_reader_checks_her_access_in_english_and_dutch() {
    let env = Env::from_process();
    let mut app = env.launch(None);
    enter_demo_as(&app, RITA);

    let english = open_access(&app);
    for expected in [
        "Check my access",
        "Agreement: Microsoft Customer Agreement",
        "Signed in as rita.reader@contoso.example",
        "Your roles: billing profile reader",
        "Based on: your billing permissions (billingPermissions)",
        "You need the billing profile contributor role; a billing profile owner can grant it.",
    ] {
        assert!(english.contains(expected), "{expected:?} in:\n{english}");
    }
    let email = app
        .find("[data-testid=access-scope][data-kind=mca_billing_profile] [data-testid=capability][data-action=manageEmail]")
        .unwrap();
    assert_eq!(
        app.attribute(&email, "data-state").unwrap().as_deref(),
        Some("denied")
    );
    let url = app
        .page_text(
            "[data-testid=access-scope][data-kind=mca_billing_profile] [data-testid=portal-url]",
        )
        .unwrap();
    assert!(url.ends_with("/properties"), "{url}");
    app.screenshot("access-report-en").unwrap();

    // The help pages close the report; one opens in the system browser, in English.
    select(
        &app,
        "[data-testid=access-help-link][data-page=check_access]",
    );
    let deadline = std::time::Instant::now() + WAIT;
    while !env.opened_pages().iter().any(|page| {
        page.starts_with("https://learn.microsoft.com/en-us/")
            && page.contains("check-access-to-a-microsoft-customer-agreement")
    }) {
        assert!(
            std::time::Instant::now() < deadline,
            "the Learn page was not opened: {:?}",
            env.opened_pages()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The page scrolls inside itself: the window never does (its header stays in view).
    assert_eq!(
        app.execute(
            "return document.documentElement.scrollHeight <= innerHeight;",
            &[]
        )
        .unwrap(),
        serde_json::json!(true),
        "the window itself scrolls"
    );
    app.screenshot("access-report-help-en").unwrap();

    // Dutch, in the seeds' words.
    select(&app, "[data-testid=access-back]");
    select(&app, "[data-testid=settings-button]");
    app.select("[data-testid=language-select]", "nl").unwrap();
    select(&app, "[data-testid=settings-back]");
    let dutch = open_access(&app);
    for expected in [
        "Hulp",
        "Mijn toegang controleren",
        "Overeenkomst: Microsoft-klantovereenkomst",
        "Uw rollen: lezer van het factureringsprofiel",
        "bijdrager van het factureringsprofiel",
    ] {
        assert!(dutch.contains(expected), "{expected:?} in:\n{dutch}");
    }
    app.screenshot("access-report-nl").unwrap();

    select(&app, "[data-testid=access-back]");
    app.wait_for("[data-testid=main-layout]", WAIT).unwrap();
}
