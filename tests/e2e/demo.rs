//! Demo mode as a user meets it: "Try with demo data" signs in to the built-in sample Azure,
//! a "Demo data" badge stays on screen, the sidebar lists the demo user's billing scopes, a
//! scope shows its billing periods, and a period without an invoice explains why — in English
//! and in Dutch. Leaving the demo returns to the welcome screen.

use std::time::Duration;

use invoice_desk_e2e::{Env, Session};

const WAIT: Duration = Duration::from_secs(30);

/// Opens each pay-as-you-go scope in turn until one shows `css`; whether one did.
fn open_scope_showing(app: &Session, css: &str) -> bool {
    let rows = "[data-testid=scope-row][data-kind=mosp_subscription]";
    let count = app
        .execute(
            &format!("return document.querySelectorAll('{rows}').length;"),
            &[],
        )
        .unwrap()
        .as_u64()
        .unwrap_or(0);
    for index in 0..count {
        app.execute(
            &format!("document.querySelectorAll('{rows}')[arguments[0]].click();"),
            &[serde_json::json!(index)],
        )
        .unwrap();
        // Wait for this scope's periods: `css` shows up, or the loaded table of the clicked
        // scope shows without it.
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            if app.find(css).is_ok() {
                return true;
            }
            let loaded = app
                .execute(
                    &format!(
                        "const row = document.querySelectorAll('{rows}')[arguments[0]];\
                         return !!row && row.getAttribute('aria-current') !== null\
                           && !document.querySelector('[data-testid=table-loading]')\
                           && !!document.querySelector('[data-testid=period-rows]');"
                    ),
                    &[serde_json::json!(index)],
                )
                .unwrap();
            if loaded == serde_json::json!(true) || std::time::Instant::now() > deadline {
                // Loaded: the table now is this scope's, so one last look decides.
                if app.find(css).is_ok() {
                    return true;
                }
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    false
}

/// Settings → language → Dutch, and back to where the user was.
fn switch_to_dutch(app: &Session) {
    select(app, "[data-testid=settings-button]");
    app.select("[data-testid=language-select]", "nl").unwrap();
    select(app, "[data-testid=settings-back]");
}

/// The reason card's text once it says `words` (opened from the first row when it is closed).
fn reason_card_saying(app: &Session, words: &str) -> String {
    if app.find("[data-testid=reason-card]").is_err() {
        select(app, "[data-testid=period-row] [data-testid=why]");
    }
    app.wait_for_page_text("[data-testid=reason-card]", |t| t.contains(words))
        .unwrap()
}

fn select(app: &Session, css: &str) {
    let element = app.wait_for(css, WAIT).unwrap();
    app.click(&element).unwrap();
}

#[test]
fn the_demo_shows_scopes_periods_and_why_an_invoice_is_missing_in_both_languages() {
    let env = Env::from_process();
    let mut app = env.launch(None);
    // The pay-as-you-go administrator's subscriptions: one with a year of invoices, and one
    // created less than 30 days ago whose period has no invoice yet.
    open_demo_scope_with_invoices(&app);
    app.screenshot("demo-invoices-en").unwrap();
    let too_new = "[data-testid=why][data-reason=subscription_too_new]";
    assert!(
        open_scope_showing(&app, too_new),
        "no period explains a subscription created less than 30 days ago"
    );
    select(&app, too_new);
    let card = app
        .wait_for(
            "[data-testid=reason-card][data-reason=subscription_too_new]",
            WAIT,
        )
        .unwrap();
    let english = app.text(&card).unwrap();
    assert!(
        english.contains("30"),
        "the reason names the 30 days: {english}"
    );
    app.screenshot("demo-reason-en").unwrap();

    // Dutch: same card, the seeds' words.
    switch_to_dutch(&app);
    let card = app
        .wait_for("[data-testid=reason-card], [data-testid=period-row]", WAIT)
        .unwrap();
    drop(card);
    if app.find("[data-testid=reason-card]").is_err() {
        select(&app, too_new);
    }
    // The card stays while its words change: wait for the Dutch ones, not for the card.
    let dutch = app
        .wait_for_text(
            "[data-testid=reason-card][data-reason=subscription_too_new]",
            |text| text.contains("30 dagen"),
        )
        .expect("the reason card did not change language");
    assert_ne!(dutch, english, "the reason card did not change language");
    app.screenshot("demo-reason-nl").unwrap();

    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

/// Starts the demo and switches to `upn`, waiting until the sidebar lists that user alone
/// with their scopes (the previous user's rows are gone).
fn enter_demo_as(app: &Session, upn: &str) {
    select(app, "[data-testid=try-demo]");
    switch_demo_user(app, upn);
}

/// In the demo, picks `upn` and waits until the sidebar lists that user's scopes alone.
fn switch_demo_user(app: &Session, upn: &str) {
    app.wait_for("[data-testid=demo-badge]", WAIT).unwrap();
    // Choosing the user the demo already shows changes nothing, as in the window's picker.
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
    loop {
        let shown = app
            .execute(
                "const accounts = [...document.querySelectorAll('[data-testid=account-row]')];\
                 return accounts.length === 1 && accounts[0].textContent.includes(arguments[0])\
                   && !document.querySelector('[data-testid=scopes-loading]')\
                   && document.querySelectorAll('[data-testid=scope-row]').length > 0;",
                &[serde_json::json!(upn)],
            )
            .unwrap();
        if shown == serde_json::json!(true) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the sidebar did not switch to {upn}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Starts the demo as `upn` and opens the first MCA billing profile whose row names `name`.
/// The row is clicked through the page: a WebDriver click can land while the sidebar is still
/// laying out the new user's scopes ("element not interactable").
fn open_demo_billing_profile(app: &Session, upn: &str, name: &str) {
    enter_demo_as(app, upn);
    click_profile(app, name);
}

/// Clicks the first billing profile row whose text includes `name`.
fn click_profile(app: &Session, name: &str) {
    let rows = "[data-testid=scope-row][data-kind=mca_billing_profile]";
    app.wait_for(rows, WAIT).unwrap();
    let clicked = app
        .execute(
            &format!(
                "const row = [...document.querySelectorAll('{rows}')]\
                   .find(r => r.textContent.includes(arguments[0]));\
                 if (row) row.click();\
                 return !!row;"
            ),
            &[serde_json::json!(name)],
        )
        .unwrap();
    assert_eq!(
        clicked,
        serde_json::json!(true),
        "no billing profile row names {name:?}"
    );
}

#[test]
fn the_demo_mca_owner_picks_a_billing_profile_and_sees_its_invoices() {
    let env = Env::from_process();
    let mut app = env.launch(None);
    open_demo_billing_profile(&app, "olivia.owner@contoso.example", "");
    app.wait_for("[data-testid=invoice-amount]", WAIT).unwrap();
    let title = app.wait_for("[data-testid=scope-title]", WAIT).unwrap();
    assert!(!app.text(&title).unwrap().is_empty());
    app.screenshot("demo-mca-profile-invoices").unwrap();
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

/// Clicks the billing profile row named `name` and waits until its invoices or its error show.
fn open_profile_named(app: &Session, name: &str) {
    click_profile(app, name);
    app.wait_for(
        "[data-testid=invoice-amount], [data-testid=periods-error]",
        WAIT,
    )
    .unwrap();
}

#[test]
fn switching_demo_users_reads_a_shared_billing_profile_as_the_new_user() {
    let env = Env::from_process();
    let app = env.launch(None);
    // Olivia owns Contoso Finance; Rita reads it; Ivan manages its invoices. All three list it
    // in the same directory, so after each switch the profile must be read as the new user,
    // never through a listing of a user who left.
    enter_demo_as(&app, "olivia.owner@contoso.example");
    open_profile_named(&app, "Contoso Finance");
    for (upn, short) in [
        ("rita.reader@contoso.example", "rita.reader"),
        ("ivan.invoices@contoso.example", "ivan.invoices"),
    ] {
        app.select("[data-testid=demo-user-select]", upn).unwrap();
        let deadline = std::time::Instant::now() + WAIT;
        while app
            .execute(
                "const a = [...document.querySelectorAll('[data-testid=account-row]')];\
                 return a.length === 1 && a[0].textContent.includes(arguments[0])\
                   && document.querySelectorAll('[data-testid=scope-row]').length > 0;",
                &[serde_json::json!(short)],
            )
            .unwrap()
            != serde_json::json!(true)
        {
            assert!(
                std::time::Instant::now() < deadline,
                "the sidebar did not switch to {upn}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        open_profile_named(&app, "Contoso Finance");
        assert!(
            app.find("[data-testid=periods-error]").is_err(),
            "Contoso Finance failed for {upn} after switching users"
        );
    }
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

/// `2027-03-05` as the window writes it in English: `Mar 5, 2027`.
fn english_date(day: time::Date) -> String {
    let month = day.month().to_string();
    format!("{} {}, {}", &month[..3], day.day(), day.year())
}

#[test]
fn the_demo_lists_the_running_month_first_and_says_when_the_next_invoice_comes() {
    // Run by the edge-date sweep on a month's first days around the 5th, at the end of a leap
    // February, on the 30th and 31st and across the turn of the year.
    let env = Env::from_process();
    let today = time::Date::parse(
        &env.today,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .expect("INVOICE_DESK_TODAY is YYYY-MM-DD");
    let mut app = env.launch(None);
    open_demo_billing_profile(&app, "ivan.invoices@contoso.example", "Contoso R&D");
    app.wait_for("[data-testid=invoice-amount]", WAIT).unwrap();
    let rows = app
        .execute(
            "return [...document.querySelectorAll('[data-testid=period-row]')].slice(0, 2).map(r => ({\
               start: r.dataset.periodStart, reason: r.dataset.reason, invoice: r.dataset.invoice ?? null,\
               short: r.querySelector('[data-testid=reason-short]')?.textContent ?? null }));",
            &[],
        )
        .unwrap();
    let this_month = today.replace_day(1).unwrap();
    let next_month = (this_month + time::Duration::days(31))
        .replace_day(1)
        .unwrap();
    // The running month, first, with the day its invoice is expected (the 5th of the next).
    let running = &rows[0];
    assert_eq!(running["start"], this_month.to_string(), "{rows:#}");
    assert_eq!(running["reason"], "not_generated_yet", "{rows:#}");
    let expected = english_date(next_month.replace_day(5).unwrap());
    assert!(
        running["short"].as_str().unwrap().contains(&expected),
        "{expected}: {rows:#}"
    );
    // Last month: still to come until its invoice day, the 5th; there from the 6th.
    let last = &rows[1];
    if today.day() <= 5 {
        assert_eq!(last["reason"], "not_generated_yet", "{rows:#}");
        let expected = english_date(this_month.replace_day(5).unwrap());
        assert!(
            last["short"].as_str().unwrap().contains(&expected),
            "{expected}: {rows:#}"
        );
    } else {
        assert!(last["invoice"].is_string(), "{rows:#}");
    }
    app.screenshot(&format!("demo-running-month-{today}"))
        .unwrap();
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

fn has_extension(file: &str, extension: &str) -> bool {
    std::path::Path::new(file)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(extension))
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out: Vec<String> = invoice_desk_e2e::files_under(dir)
        .iter()
        .map(|path| {
            path.strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

/// Starts the demo and opens a pay-as-you-go scope that shows invoices.
fn open_demo_scope_with_invoices(app: &Session) {
    select(app, "[data-testid=try-demo]");
    app.wait_for("[data-testid=demo-badge]", WAIT).unwrap();
    app.wait_for("[data-testid=scope-row][data-kind=mosp_subscription]", WAIT)
        .unwrap();
    assert!(
        open_scope_showing(app, "[data-testid=invoice-amount]"),
        "no scope shows invoices"
    );
}

/// [`open_demo_scope_with_invoices`], then the invoices' names, in table order.
fn demo_scope_with_invoices(app: &Session) -> Vec<String> {
    open_demo_scope_with_invoices(app);
    app.execute(
        "return [...document.querySelectorAll('[data-testid=period-row][data-invoice]')].map(r => r.dataset.invoice);",
        &[],
    )
    .unwrap()
    .as_array()
    .unwrap()
    .iter()
    .map(|v| v.as_str().unwrap().to_owned())
    .collect()
}

/// Clicks an invoice row through the page, with Ctrl held when `ctrl`.
fn click_row(app: &Session, invoice: &str, ctrl: bool) {
    app.execute(
        "document.querySelector(`[data-testid=period-row][data-invoice='${arguments[0]}']`)
           .dispatchEvent(new MouseEvent('click', { bubbles: true, ctrlKey: arguments[1] }));",
        &[serde_json::json!(invoice), serde_json::json!(ctrl)],
    )
    .unwrap();
}

#[test]
fn saving_one_invoice_then_three_selected_then_the_whole_scope_puts_pdfs_named_by_the_template_on_disk()
 {
    let env = Env::from_process();
    let folder = env.home.join("saved-invoices");
    let _ = std::fs::remove_dir_all(&folder);
    let settings = serde_json::json!({ "downloadFolder": folder.display().to_string() });
    let mut app = env.launch(Some(&settings.to_string()));
    let invoices = demo_scope_with_invoices(&app);
    assert!(invoices.len() >= 3, "{invoices:?}");

    // One invoice from the details panel.
    // Rows take clicks through the page (as the other tests do); buttons through WebDriver.
    click_row(&app, &invoices[0], false);
    select(&app, "[data-testid=save-invoice]");
    app.wait_for("[data-testid=open-saved]", WAIT).unwrap();
    let pdfs = |all: &[String]| -> Vec<String> {
        all.iter()
            .filter(|f| has_extension(f, "pdf"))
            .cloned()
            .collect()
    };
    let first = pdfs(&files_under(&folder));
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0].contains(&invoices[0]), "{first:?}");

    // Three selected (click, Ctrl-click, Ctrl-click): the toolbar saves exactly those.
    click_row(&app, &invoices[0], false);
    click_row(&app, &invoices[1], true);
    click_row(&app, &invoices[2], true);
    // The label may be visually hidden in the demo's compact toolbar: read it from the page.
    assert_eq!(
        app.page_text("[data-testid=save-pdfs]").unwrap(),
        "Save 3 selected"
    );
    app.screenshot("demo-three-selected").unwrap();
    select(&app, "[data-testid=save-pdfs]");
    let three = app
        .wait_for_text("[data-testid=save-summary-text]", |t| {
            t.contains("Saved: 2 · Already there: 1")
        })
        .unwrap();
    let after_three = pdfs(&files_under(&folder));
    assert_eq!(after_three.len(), 3, "{three}: {after_three:?}");
    for invoice in &invoices[..3] {
        assert!(
            after_three
                .iter()
                .any(|f| f.contains(&format!(" {invoice}"))),
            "no file for {invoice}: {after_three:?}"
        );
    }
    select(&app, "[data-testid=save-dismiss]");

    // Then the whole scope (one row selected: the toolbar saves the whole range): the three
    // saved before count as already there.
    click_row(&app, &invoices[0], false);
    select(&app, "[data-testid=save-pdfs]");
    let summary = app
        .wait_for_text("[data-testid=save-summary-text]", |t| {
            t.contains("Already there: 3")
        })
        .unwrap();
    app.screenshot("demo-saved-pdfs").unwrap();
    let all = files_under(&folder);
    let saved = pdfs(&all);
    assert!(saved.len() >= invoices.len(), "{summary}: {all:?}");
    // The default template: `{billingAccount}/{yyyy}-{mm} {invoiceName}.pdf`.
    for invoice in &invoices {
        let file = saved
            .iter()
            .find(|f| f.contains(&format!(" {invoice}")))
            .unwrap_or_else(|| panic!("no file for {invoice}: {saved:?}"));
        let (dir, name) = file.rsplit_once('/').expect("a billing account folder");
        assert!(!dir.is_empty());
        let month = &name[..7];
        assert!(
            month.chars().enumerate().all(|(i, c)| if i == 4 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }),
            "{name}"
        );
        let bytes = std::fs::read(folder.join(file)).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{file} is not a PDF");
    }
    assert!(
        all.iter().any(|f| f == ".invoice-desk-index.json"),
        "{all:?}"
    );
    assert!(
        !all.iter().any(|f| has_extension(f, "part")),
        "nothing half-written: {all:?}"
    );
    let marked = app
        .execute(
            "return document.querySelectorAll('[data-testid=on-disk]').length;",
            &[],
        )
        .unwrap();
    assert_eq!(marked.as_u64(), Some(invoices.len() as u64));
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "a native drag on Windows waits for a real pointer"
)]
fn resting_on_an_invoice_prepares_its_pdf_for_dragging_and_a_drag_starts_with_it() {
    let env = Env::from_process();
    let mut app = env.launch(None);
    open_demo_scope_with_invoices(&app);
    let invoice = app
        .execute(
            "const row = document.querySelector('[data-testid=period-row][data-invoice]');
             row.dispatchEvent(new PointerEvent('pointerenter'));
             return row.dataset.invoice;",
            &[],
        )
        .unwrap();
    let invoice = invoice.as_str().unwrap().to_owned();
    let ready = format!(
        "[data-testid=period-row][data-invoice='{invoice}'][data-drag-state=ready][draggable=true]"
    );
    app.wait_for(&ready, WAIT).unwrap();

    // The file exists, whole, before any drag starts.
    let cache = env.cache_home.join("app.invoicedesk.desktop");
    let prepared: Vec<std::path::PathBuf> = files_under(&cache)
        .into_iter()
        .filter(|f| f.starts_with("drag/") && f.contains(&invoice) && has_extension(f, "pdf"))
        .map(|f| cache.join(f))
        .collect();
    assert_eq!(prepared.len(), 1, "{:?}", files_under(&cache));
    assert!(std::fs::read(&prepared[0]).unwrap().starts_with(b"%PDF-"));
    assert!(
        !files_under(&cache).iter().any(|f| has_extension(f, "part")),
        "nothing half-written in the cache"
    );
    app.screenshot("demo-drag-ready").unwrap();

    // Starting the drag hands that file to the native drag (as far as a headless X server
    // lets a drag go without a real pointer).
    app.execute(
        "document.querySelector(arguments[0]).dispatchEvent(new DragEvent('dragstart', { bubbles: true, cancelable: true }));",
        &[serde_json::json!(ready)],
    )
    .unwrap();
    let logs = env.log_folder();
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let logged = files_under(&logs).iter().any(|f| {
            std::fs::read_to_string(logs.join(f)).is_ok_and(|t| t.contains("drag started"))
        });
        if logged {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the native drag did not start"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

#[test]
fn sync_archive_also_keeps_the_usage_files_when_settings_say_so() {
    let env = Env::from_process();
    let folder = env.home.join("usage-archive");
    let _ = std::fs::remove_dir_all(&folder);
    let settings = serde_json::json!({
        "archiveFolder": folder.display().to_string(),
        "keepUsageFiles": true,
    });
    let mut app = env.launch(Some(&settings.to_string()));
    // A trial subscription: no invoice yet, but its usage can be downloaded.
    enter_demo_as(&app, "trial@contoso.example");
    select(&app, "[data-testid=sync-archive]");
    // The sync answers once the usage files are saved too; the summary counts them (the
    // trial has no invoice yet, so there is no invoice line to read).
    let counted = app
        .wait_for_text("[data-testid=usage-sync-summary]", |t| !t.is_empty())
        .unwrap();
    assert_eq!(
        counted,
        "Usage files — Saved: 1 · Already there: 0 · No usage: 0 · Not fetched: 0"
    );
    assert!(
        app.find("[data-testid=save-summary-text]").is_err(),
        "no “no invoices to save” beside saved usage files"
    );
    // The tray's usage job shows the file it saved, to open or show in its folder.
    let line = app
        .wait_for_page_text(
            "[data-testid=job-row][data-phase=finished] [data-testid=usage-file]",
            |t| t.contains("usage.csv"),
        )
        .unwrap();
    let usage: Vec<String> = files_under(&folder)
        .into_iter()
        .filter(|f| has_extension(f, "csv"))
        .collect();
    assert_eq!(usage.len(), 1, "{:?}", files_under(&folder));
    assert!(usage[0].ends_with("usage.csv"), "{usage:?}");
    let csv = std::fs::read_to_string(folder.join(&usage[0])).unwrap();
    assert!(csv.lines().count() > 1, "the usage file has rows");
    assert!(
        !files_under(&folder)
            .iter()
            .any(|f| has_extension(f, "part")),
        "nothing half-written"
    );
    let index = std::fs::read_to_string(folder.join(".invoice-desk-index.json")).unwrap();
    assert!(index.contains("\"documentKind\": \"Usage\""), "{index}");
    let name = usage[0].rsplit('/').next().unwrap();
    assert!(line.contains(name), "{line} names {name}");
    app.screenshot("demo-sync-usage").unwrap();

    // Again: the usage file is there already, nothing is asked of Azure twice.
    select(&app, "[data-testid=save-dismiss]");
    select(&app, "[data-testid=sync-archive]");
    let again = app
        .wait_for_text("[data-testid=usage-sync-summary]", |t| !t.is_empty())
        .unwrap();
    assert_eq!(
        again,
        "Usage files — Saved: 0 · Already there: 1 · No usage: 0 · Not fetched: 0"
    );
    assert_eq!(
        files_under(&folder)
            .into_iter()
            .filter(|f| has_extension(f, "csv"))
            .count(),
        1
    );
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

#[test]
fn sync_archive_saves_every_scope_once_and_a_second_run_saves_nothing_new() {
    let env = Env::from_process();
    let folder = env.home.join("archive");
    let downloads = env.home.join("sync-downloads");
    let _ = std::fs::remove_dir_all(&folder);
    let _ = std::fs::remove_dir_all(&downloads);
    let settings = serde_json::json!({
        "downloadFolder": downloads.display().to_string(),
        "archiveFolder": folder.display().to_string(),
    });
    let mut app = env.launch(Some(&settings.to_string()));
    select(&app, "[data-testid=try-demo]");
    app.wait_for("[data-testid=demo-badge]", WAIT).unwrap();
    app.wait_for("[data-testid=scope-row][data-kind=mosp_subscription]", WAIT)
        .unwrap();
    select(&app, "[data-testid=sync-archive]");
    let first = app
        .wait_for_text("[data-testid=save-summary-text]", |t| {
            t.starts_with("Saved:")
        })
        .unwrap();
    let pdfs = || {
        files_under(&folder)
            .into_iter()
            .filter(|f| has_extension(f, "pdf"))
            .count()
    };
    let saved = pdfs();
    assert!(saved >= 3, "{first}: {:?}", files_under(&folder));
    assert!(
        first.contains(&format!("Saved: {saved} ")),
        "{first} vs {saved} files"
    );
    app.screenshot("demo-sync-archive").unwrap();

    // Again: everything is in the archive already.
    select(&app, "[data-testid=save-dismiss]");
    select(&app, "[data-testid=sync-archive]");
    let second = app
        .wait_for_text("[data-testid=save-summary-text]", |t| {
            t.starts_with("Saved:")
        })
        .unwrap();
    assert_eq!(
        second,
        format!("Saved: 0 · Already there: {saved} · Failed: 0")
    );
    assert_eq!(pdfs(), saved);
    assert!(
        files_under(&downloads).is_empty(),
        "the archive has its own folder: {:?}",
        files_under(&downloads)
    );
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

/// Answers the system's save dialog the way a person does: waits for it, puts `name` in its
/// name field (a bare name stays in the folder the dialog opened in) and presses Enter.
fn answer_save_dialog(env: &Env, title: &str, name: &str) {
    let xdotool = |args: &[&str]| env.xdotool(args);
    let window = xdotool(&["search", "--sync", "--onlyvisible", "--name", title]);
    let window = window.lines().last().unwrap_or_default().to_owned();
    xdotool(&["windowfocus", "--sync", &window]);
    env.screenshot_screen("save-dialog");
    // The name field has the focus and the suggested name selected: typing replaces it.
    std::thread::sleep(Duration::from_millis(500));
    xdotool(&["key", "--window", &window, "ctrl+a"]);
    xdotool(&["type", "--window", &window, "--delay", "20", name]);
    xdotool(&["key", "--window", &window, "Return"]);
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "answers the GTK save dialog with xdotool"
)]
fn save_pdf_asks_where_in_the_system_dialog_and_the_next_one_starts_in_that_folder() {
    let env = Env::from_process();
    let chosen = env.home.join("chosen-place");
    let _ = std::fs::remove_dir_all(&chosen);
    std::fs::create_dir_all(&chosen).unwrap();
    let downloads = env.home.join("save-as-downloads");
    let settings = serde_json::json!({ "downloadFolder": downloads.display().to_string() });
    let mut app = env.launch(Some(&settings.to_string()));
    let invoices = demo_scope_with_invoices(&app);
    assert!(invoices.len() >= 2, "{invoices:?}");

    // The first: a full path typed into the dialog's name field.
    click_row(&app, &invoices[0], false);
    app.execute(
        "document.querySelector('[data-testid=save-invoice-as]').click();",
        &[],
    )
    .unwrap();
    let first = chosen.join("Maart.pdf");
    answer_save_dialog(&env, "Save invoice PDF", &first.display().to_string());
    let shown = app
        .wait_for_page_text("[data-testid=saved-as-path]", |t| t.ends_with("Maart.pdf"))
        .unwrap();
    assert_eq!(shown, first.display().to_string());
    let bytes = std::fs::read(&first).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    app.screenshot("demo-saved-as").unwrap();

    // The folder is remembered, in the settings file too.
    let stored: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.settings_file()).unwrap()).unwrap();
    assert_eq!(
        stored["saveAsFolder"].as_str(),
        Some(chosen.display().to_string().as_str()),
        "{stored}"
    );

    // The second: only a name; the dialog opened in the remembered folder, so it lands there.
    click_row(&app, &invoices[1], false);
    app.execute(
        "document.querySelector('[data-testid=save-invoice-as]').click();",
        &[],
    )
    .unwrap();
    answer_save_dialog(&env, "Save invoice PDF", "April.pdf");
    app.wait_for_page_text("[data-testid=saved-as-path]", |t| t.ends_with("April.pdf"))
        .unwrap();
    assert!(
        std::fs::read(chosen.join("April.pdf"))
            .unwrap()
            .starts_with(b"%PDF-")
    );
    let mut left: Vec<String> = std::fs::read_dir(&chosen)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["April.pdf", "Maart.pdf"], "no temporary files left");
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

/// Records every step a usage job shows in the tray (`data-step` of its phase) into
/// `window.__usageSteps`, so a test sees steps that last less than a poll.
const RECORD_USAGE_STEPS: &str = "window.__usageSteps = [];\
     const note = () => document.querySelectorAll('[data-testid=job-phase][data-step]').forEach(e => {\
       if (!window.__usageSteps.includes(e.dataset.step)) window.__usageSteps.push(e.dataset.step); });\
     new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });";

/// Presses Cancel on the next usage job as soon as its row shows, as a quick hand would.
const CANCEL_NEXT_USAGE_JOB: &str = "const seen = new Set([...document.querySelectorAll('[data-testid=job-row]')].map(r => r.dataset.jobId));\
     const observer = new MutationObserver(() => {\
       const row = [...document.querySelectorAll('[data-testid=job-row]')].find(r => !seen.has(r.dataset.jobId));\
       const cancel = row?.querySelector('[data-testid=job-cancel]');\
       if (cancel) { observer.disconnect(); window.__cancelledJob = row.dataset.jobId; cancel.click(); } });\
     observer.observe(document.body, { subtree: true, childList: true });";

/// Files under `dir` that are not the folder's own index (or its lock).
fn saved_files(dir: &std::path::Path) -> Vec<String> {
    files_under(dir)
        .into_iter()
        .filter(|f| {
            !f.ends_with(".invoice-desk-index.json") && !f.ends_with(".invoice-desk-index.lock")
        })
        .collect()
}

#[test]
fn an_invoices_usage_and_charges_lands_as_a_csv_and_a_cancelled_month_to_date_leaves_nothing() {
    let env = Env::from_process();
    let folder = env.home.join("usage-downloads");
    let _ = std::fs::remove_dir_all(&folder);
    let settings = serde_json::json!({ "downloadFolder": folder.display().to_string() });
    let mut app = env.launch(Some(&settings.to_string()));
    open_demo_billing_profile(&app, "olivia.owner@contoso.example", "Contoso Finance");
    app.wait_for("[data-testid=invoice-amount]", WAIT).unwrap();
    app.execute(RECORD_USAGE_STEPS, &[]).unwrap();

    // The invoice's row menu names the usage as the portal does for a customer agreement.
    let invoice = app
        .execute(
            "const row = document.querySelector('[data-testid=period-row][data-invoice]');\
             const rect = row.getBoundingClientRect();\
             row.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: rect.left + 40, clientY: rect.bottom }));\
             return row.dataset.invoice;",
            &[],
        )
        .unwrap();
    let invoice = invoice.as_str().unwrap().to_owned();
    let item = app
        .wait_for("[data-testid=row-menu-item][data-action=usage]", WAIT)
        .unwrap();
    assert_eq!(app.text(&item).unwrap(), "Azure usage and charges");
    app.click(&item).unwrap();

    // The tray follows the report through its steps to the file, which opens or shows in its folder.
    let summary = app
        .wait_for_page_text(
            "[data-testid=job-row][data-phase=finished] [data-testid=usage-file]",
            |t| t.contains(".csv"),
        )
        .unwrap();
    let steps = app.execute("return window.__usageSteps;", &[]).unwrap();
    let steps: Vec<&str> = steps
        .as_array()
        .unwrap()
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    assert!(steps.contains(&"preparing"), "{steps:?}");
    assert!(steps.contains(&"downloading"), "{steps:?}");
    let target = app
        .page_text("[data-testid=job-row][data-phase=finished] [data-testid=job-target]")
        .unwrap();
    assert_eq!(target, format!("invoice {invoice}"));
    app.find("[data-testid=job-row][data-phase=finished] [data-testid=usage-reveal]")
        .unwrap();
    app.screenshot("demo-usage-invoice-en").unwrap();
    let shown = app
        .execute(
            "return document.querySelector('[data-testid=job-row][data-phase=finished] [data-testid=usage-file]').dataset.path;",
            &[],
        )
        .unwrap();
    let path = std::path::PathBuf::from(shown.as_str().unwrap());
    assert!(path.starts_with(&folder), "{summary}: {}", path.display());
    assert!(
        has_extension(&path.display().to_string(), "csv"),
        "{}",
        path.display()
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().trim_start_matches('\u{feff}');
    assert!(header.starts_with("invoiceId,"), "{header}");
    assert!(header.contains("billingProfileName"), "{header}");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("invoiceId,")).count(),
        1,
        "one header"
    );
    let first_row = lines.next().unwrap_or_default();
    assert!(
        first_row.contains(&invoice),
        "the rows are the invoice's: {first_row}"
    );
    let after_first = saved_files(&folder);
    assert_eq!(after_first.len(), 1, "{after_first:?}");

    // The running month, from its reason card, cancelled at once: nothing half-written stays
    // and nothing new appears under a final name.
    select(
        &app,
        "[data-testid=period-row]:not([data-invoice]) [data-testid=why]",
    );
    let button = app
        .wait_for(
            "[data-testid=reason-usage] [data-testid=usage-button][data-usage-kind=openMonth]",
            WAIT,
        )
        .unwrap();
    assert_eq!(
        app.text(&button).unwrap(),
        "Month-to-date charges (not final)"
    );
    app.execute(CANCEL_NEXT_USAGE_JOB, &[]).unwrap();
    app.click(&button).unwrap();
    app.wait_for("[data-testid=job-row][data-phase=cancelled]", WAIT)
        .unwrap();
    let cancelled = app.execute("return window.__cancelledJob;", &[]).unwrap();
    let cancelled = cancelled.as_str().unwrap().to_owned();
    app.wait_for(
        &format!("[data-testid=job-row][data-job-id='{cancelled}'] [data-testid=job-retry]"),
        WAIT,
    )
    .unwrap();
    // The button is free again once the shell answered the cancelled save.
    app.wait_for(
        "[data-testid=reason-usage] [data-testid=usage-button]:not([disabled])",
        WAIT,
    )
    .unwrap();
    app.screenshot("demo-usage-cancelled-en").unwrap();
    let all = files_under(&folder);
    assert!(
        !all.iter().any(|f| has_extension(f, "part")),
        "nothing half-written: {all:?}"
    );
    assert_eq!(
        saved_files(&folder),
        after_first,
        "nothing new under a final name"
    );

    // The tray in Dutch: the same jobs, the portal's Dutch words.
    switch_to_dutch(&app);
    app.wait_for_page_text(
        "[data-testid=job-row][data-phase=finished] [data-testid=usage-file]",
        |t| t.starts_with("Opgeslagen"),
    )
    .unwrap();
    if app.find("[data-testid=reason-card]").is_err() {
        select(
            &app,
            "[data-testid=period-row]:not([data-invoice]) [data-testid=why]",
        );
    }
    assert_eq!(
        app.page_text("[data-testid=reason-usage] [data-testid=usage-button]")
            .unwrap(),
        "Kosten tot nu toe (niet definitief)"
    );
    app.screenshot("demo-usage-tray-nl").unwrap();
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

/// Scrolls the details panel (only it) so that `css` is at its top.
fn scroll_details_to(app: &Session, css: &str) {
    app.execute(
        "const el = document.querySelector(arguments[0]);\
         const pane = el.closest('.details');\
         pane.scrollTop += el.getBoundingClientRect().top - pane.getBoundingClientRect().top - 8;",
        &[serde_json::json!(css)],
    )
    .unwrap();
}

#[test]
fn a_saved_invoices_usage_shows_at_a_glance_matching_the_invoice_and_its_row_marks_it_on_disk() {
    let env = Env::from_process();
    let folder = env.home.join("usage-glance");
    let _ = std::fs::remove_dir_all(&folder);
    let settings = serde_json::json!({ "downloadFolder": folder.display().to_string() });
    let mut app = env.launch(Some(&settings.to_string()));
    open_demo_billing_profile(&app, "olivia.owner@contoso.example", "Contoso Finance");
    app.wait_for("[data-testid=invoice-amount]", WAIT).unwrap();
    let invoice = app
        .execute(
            "return document.querySelector('[data-testid=period-row][data-invoice]').dataset.invoice;",
            &[],
        )
        .unwrap();
    let invoice = invoice.as_str().unwrap().to_owned();
    let row = format!("[data-testid=period-row][data-invoice='{invoice}']");
    assert!(
        app.find(&format!("{row} [data-testid=usage-on-disk]"))
            .is_err(),
        "nothing on disk yet"
    );

    // The invoice's "Azure usage and charges" from its row, then the row itself.
    select(&app, &format!("{row} [data-testid=usage-row-button]"));
    app.wait_for_page_text(
        "[data-testid=job-row][data-phase=finished] [data-testid=usage-file]",
        |t| t.contains(".csv"),
    )
    .unwrap();
    let icon = app
        .wait_for(&format!("{row} [data-testid=usage-on-disk]"), WAIT)
        .unwrap();
    assert_eq!(
        app.attribute(&icon, "draggable").unwrap().as_deref(),
        Some("true")
    );
    let path = app
        .attribute(&icon, "data-path")
        .unwrap()
        .unwrap_or_default();
    assert!(
        std::path::Path::new(&path).starts_with(&folder),
        "the row's file is the saved one: {path}"
    );
    app.execute(
        "document.querySelector(arguments[0] + ' td.period').click();",
        &[serde_json::json!(row)],
    )
    .unwrap();

    // The details panel summarises the file and checks it against the invoice.
    app.wait_for("[data-testid=usage-glance][data-state=ok]", WAIT)
        .unwrap();
    assert_eq!(
        app.page_text("[data-testid=check-verdict]").unwrap(),
        "Matches the invoice's pre-tax amount"
    );
    let service = app
        .page_text("[data-testid=glance-services] [data-testid=share] .name")
        .unwrap();
    assert!(!service.is_empty(), "a service is named");
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(csv.contains(&service), "{service} is the file's");
    let total = app.page_text("[data-testid=glance-total]").unwrap();
    assert_eq!(
        app.page_text("[data-testid=check-file-total]").unwrap(),
        total
    );
    assert_eq!(app.page_text("[data-testid=check-invoice]").unwrap(), total);
    assert!(
        app.find("[data-testid=glance-top] [data-testid=top-resource]")
            .is_ok(),
        "the most expensive resources are listed"
    );
    scroll_details_to(&app, "[data-testid=usage-glance]");
    app.screenshot("demo-usage-glance-en").unwrap();
    scroll_details_to(&app, "[data-testid=glance-days]");
    app.screenshot("demo-usage-glance-lower-en").unwrap();

    // In Dutch: the same check in Dutch words.
    switch_to_dutch(&app);
    if app.find("[data-testid=usage-glance]").is_err() {
        app.execute(
            "document.querySelector(arguments[0] + ' td.period').click();",
            &[serde_json::json!(row)],
        )
        .unwrap();
    }
    app.wait_for_page_text("[data-testid=check-verdict]", |t| {
        t == "Komt overeen met het factuurbedrag vóór btw"
    })
    .unwrap();
    scroll_details_to(&app, "[data-testid=usage-glance]");
    app.screenshot("demo-usage-glance-nl").unwrap();
    scroll_details_to(&app, "[data-testid=glance-days]");
    app.screenshot("demo-usage-glance-lower-nl").unwrap();
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

/// Olivia's "Contoso Finance" billing profile in the demo, as the sample Azure names it.
const OLIVIA_CONTOSO_FINANCE: &str = "/providers/Microsoft.Billing/billingAccounts/d6d9e68e-f6e6-4b61-9875-1b8769f9d0a6:e7b25c36-240f-4dad-9952-b2c1162f7be4_2019-05-31/billingProfiles/1QRT-NAQE-QW8-72H";

#[test]
fn usage_reports_left_running_at_the_last_quit_are_offered_to_resume_or_dismiss() {
    let env = Env::from_process();
    let folder = env.home.join("usage-resumed");
    let _ = std::fs::remove_dir_all(&folder);
    // What the window kept of two reports when it last quit, before Azure accepted them.
    let kept = env
        .data_home
        .join("app.invoicedesk.desktop")
        .join("running-usage-reports.json");
    std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
    let report = |id: &str, invoice: &str| {
        serde_json::json!({
            "id": id,
            "scopeId": OLIVIA_CONTOSO_FINANCE,
            "scopeName": "Contoso Finance",
            "selection": { "kind": "invoice", "invoice": invoice },
            "operation": null,
            "startedAt": "2026-11-17T16:00:00Z",
        })
    };
    std::fs::write(
        &kept,
        serde_json::json!([
            report("left-1", "G805123403"),
            report("left-2", "G828456734")
        ])
        .to_string(),
    )
    .unwrap();
    let settings = serde_json::json!({ "downloadFolder": folder.display().to_string() });
    let mut app = env.launch(Some(&settings.to_string()));
    open_demo_billing_profile(&app, "olivia.owner@contoso.example", "Contoso Finance");

    // Offered quietly above the tray, not in a dialog.
    let first = "[data-testid=pending-report][data-report-id=left-1]";
    let text = app
        .wait_for_page_text(&format!("{first} [data-testid=pending-text]"), |t| {
            !t.is_empty()
        })
        .unwrap();
    assert_eq!(
        text,
        "A usage report for Contoso Finance was still being prepared when Invoice Desk closed."
    );
    assert_eq!(
        app.page_text(&format!("{first} [data-testid=pending-target]"))
            .unwrap(),
        "invoice G805123403"
    );
    assert!(app.find("[role=dialog]").is_err(), "no dialog");
    app.screenshot("demo-usage-pending-en").unwrap();

    // Dismiss forgets the second for good.
    select(
        &app,
        "[data-testid=pending-report][data-report-id=left-2] [data-testid=pending-dismiss]",
    );
    let deadline = std::time::Instant::now() + WAIT;
    while std::fs::read_to_string(&kept).is_ok_and(|t| t.contains("left-2")) {
        assert!(
            std::time::Instant::now() < deadline,
            "the dismissed report is still kept"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // In Dutch, Resume picks the first up as a usage job in the tray, which saves the file.
    switch_to_dutch(&app);
    let dutch = app
        .wait_for_page_text(&format!("{first} [data-testid=pending-text]"), |t| {
            t.starts_with("Een gebruiksrapport")
        })
        .unwrap();
    assert_eq!(
        dutch,
        "Een gebruiksrapport voor Contoso Finance werd nog voorbereid toen Invoice Desk werd gesloten."
    );
    app.screenshot("demo-usage-pending-nl").unwrap();
    select(&app, &format!("{first} [data-testid=pending-resume]"));
    app.wait_for_page_text(
        "[data-testid=job-row][data-phase=finished] [data-testid=usage-file]",
        |t| t.starts_with("Opgeslagen") && t.contains(".csv"),
    )
    .unwrap();
    assert_eq!(
        app.page_text("[data-testid=job-row][data-phase=finished] [data-testid=job-target]")
            .unwrap(),
        "factuur G805123403"
    );
    assert!(
        app.find("[data-testid=pending-reports]").is_err(),
        "nothing left to offer"
    );
    let saved = saved_files(&folder);
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert!(has_extension(&saved[0], "csv"), "{saved:?}");
    let left = std::fs::read_to_string(&kept).unwrap_or_default();
    assert!(
        !left.contains("left-1"),
        "the resumed report is done: {left}"
    );
    app.screenshot("demo-usage-resumed-nl").unwrap();
    let _ = std::fs::remove_file(&kept);
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

#[test]
fn an_ea_department_admin_whose_view_charges_policy_is_off_is_told_an_enterprise_administrator_can_turn_it_on()
 {
    usage_policy_off_is_explained(&PolicyCase {
        user: "dora.dept@contoso.example",
        kind: "ea_department",
        english: "An enterprise administrator has to turn on the policy “Department admins can view charges”.",
        dutch: "Afdelingsbeheerders",
        screenshot: "demo-usage-policy-off-department",
    });
}

#[test]
fn an_ea_account_owner_whose_view_charges_policy_is_off_is_told_an_enterprise_administrator_can_turn_it_on()
 {
    usage_policy_off_is_explained(&PolicyCase {
        user: "owen.account@contoso.example",
        kind: "ea_enrollment_account",
        english: "An enterprise administrator has to turn on the policy “Account owners can view charges”.",
        dutch: "Accounteigenaren",
        screenshot: "demo-usage-policy-off",
    });
}

/// A demo user whose enrollment's view-charges policy keeps usage from them.
struct PolicyCase {
    user: &'static str,
    /// The kind of scope they hold.
    kind: &'static str,
    /// The reason card's sentence in English.
    english: &'static str,
    /// A word the Dutch sentence names the policy with.
    dutch: &'static str,
    screenshot: &'static str,
}

/// The usage action is off, with the policy's sentence (never a raw 403) on the reason card
/// and the toolbar, in English and in Dutch.
fn usage_policy_off_is_explained(case: &PolicyCase) {
    let env = Env::from_process();
    let mut app = env.launch(None);
    enter_demo_as(&app, case.user);
    // Clicked through the page, as the sidebar may still be laying out the new user's scopes.
    app.execute(
        &format!(
            "document.querySelector('[data-testid=scope-row][data-kind={}]').click();",
            case.kind
        ),
        &[],
    )
    .unwrap();
    select(&app, "[data-testid=period-row] [data-testid=why]");
    let sentence = app
        .wait_for_page_text(
            "[data-testid=reason-usage] [data-testid=usage-blocked]",
            |t| !t.is_empty(),
        )
        .unwrap();
    assert_eq!(sentence, case.english);
    assert!(
        !app.page_text("[data-testid=reason-card]")
            .unwrap()
            .contains("download the usage data"),
        "the card does not promise the usage the policy keeps from them"
    );
    let button = app
        .find("[data-testid=reason-usage] [data-testid=usage-button]")
        .unwrap();
    assert_eq!(app.text(&button).unwrap(), "Download for the month");
    assert_eq!(
        app.attribute(&button, "disabled").unwrap().as_deref(),
        Some("true")
    );
    let toolbar = app.find("[data-testid=usage-csv]").unwrap();
    assert!(
        app.attribute(&toolbar, "title")
            .unwrap()
            .unwrap_or_default()
            .contains(&sentence),
        "the toolbar says why too"
    );
    assert!(
        !app.page_text("[data-testid=main-layout]")
            .unwrap()
            .contains("403"),
        "no raw status code"
    );
    app.screenshot(&format!("{}-en", case.screenshot)).unwrap();

    // The card's portal page opens in the system browser, for the user's directory.
    let shown = app
        .page_text("[data-testid=reason-card] [data-testid=portal-url]")
        .unwrap();
    select(&app, "[data-testid=reason-card] [data-testid=open-link]");
    let deadline = std::time::Instant::now() + WAIT;
    while !env.opened_pages().contains(&shown) {
        assert!(
            std::time::Instant::now() < deadline,
            "{shown} was not opened: {:?}",
            env.opened_pages()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(shown.starts_with("https://portal.azure.com/#@"), "{shown}");

    switch_to_dutch(&app);
    if app.find("[data-testid=reason-card]").is_err() {
        select(&app, "[data-testid=period-row] [data-testid=why]");
    }
    let dutch = app
        .wait_for_page_text(
            "[data-testid=reason-usage] [data-testid=usage-blocked]",
            |t| t.contains(case.dutch),
        )
        .unwrap();
    assert!(dutch.starts_with("Een Enterprise-beheerder"), "{dutch}");
    assert_eq!(
        app.page_text("[data-testid=reason-usage] [data-testid=usage-button]")
            .unwrap(),
        "Downloaden voor de maand"
    );
    app.screenshot(&format!("{}-nl", case.screenshot)).unwrap();
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

#[test]
fn a_reader_sees_who_receives_the_invoices_by_email_but_cannot_change_it() {
    let env = Env::from_process();
    let mut app = env.launch(None);
    enter_demo_as(&app, "rita.reader@contoso.example");
    app.execute(
        "document.querySelector('[data-testid=scope-row][data-kind=mca_billing_profile]').click();",
        &[],
    )
    .unwrap();
    let state = app
        .wait_for_page_text("[data-testid=email-state]", |t| !t.is_empty())
        .unwrap();
    assert!(state.starts_with("Email delivery is on"), "{state}");
    let listed = app
        .execute(
            "return [...document.querySelectorAll('[data-testid=email-recipient]')].map((r) => r.dataset.address);",
            &[],
        )
        .unwrap();
    assert_eq!(
        listed,
        serde_json::json!([
            "finance@contoso.example",
            "ap@contoso.example",
            "controller@contoso.example"
        ])
    );
    let switch = app.find("[data-testid=email-opt-in]").unwrap();
    assert_eq!(
        app.attribute(&switch, "disabled").unwrap().as_deref(),
        Some("true")
    );
    assert!(app.find("[data-testid=email-add-input]").is_err());
    assert!(app.find("[data-testid=email-remove]").is_err());
    let why = app.page_text("[data-testid=email-read-only]").unwrap();
    assert!(
        why.starts_with("You can see this setting but not change it."),
        "{why}"
    );
    assert!(
        why.len() > "You can see this setting but not change it.".len(),
        "and who can: {why}"
    );
    // The details panel scrolled to the section, as a user would scroll it.
    let into_view = "const section = document.querySelector('[data-testid=invoice-email]');\
                     const panel = section.closest('.details');\
                     panel.scrollTop = section.offsetTop - panel.offsetTop;";
    app.execute(into_view, &[]).unwrap();
    app.screenshot("demo-email-reader-en").unwrap();

    switch_to_dutch(&app);
    let dutch = app
        .wait_for_page_text("[data-testid=email-state]", |t| t.starts_with("E-mail"))
        .unwrap();
    assert!(dutch.contains("factuurbeheerders"), "{dutch}");
    assert!(
        app.page_text("[data-testid=email-read-only]")
            .unwrap()
            .starts_with("U kunt deze instelling zien, maar niet wijzigen.")
    );
    app.execute(into_view, &[]).unwrap();
    app.screenshot("demo-email-reader-nl").unwrap();
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

#[test]
fn a_pay_as_you_go_administrator_reads_how_invoice_email_works_and_sets_the_notification_address() {
    let env = Env::from_process();
    let mut app = env.launch(None);
    enter_demo_as(&app, "alex@contoso.example");
    app.execute(
        "document.querySelector('[data-testid=scope-row][data-kind=mosp_subscription]').click();",
        &[],
    )
    .unwrap();
    let portal_only = app
        .wait_for_page_text("[data-testid=email-portal-only]", |t| !t.is_empty())
        .unwrap();
    assert!(portal_only.contains("Azure portal"), "{portal_only}");
    assert!(
        app.page_text("[data-testid=email-who]")
            .unwrap()
            .starts_with("You are the account administrator")
    );
    let input = app
        .wait_for("[data-testid=notification-input]", WAIT)
        .unwrap();
    app.send_keys(&input, "invoices@contoso.example").unwrap();
    select(&app, "[data-testid=notification-save]");
    app.wait_for_page_text("[data-testid=email-notification]", |t| {
        t == "invoices@contoso.example"
    })
    .unwrap();
    // The portal page where the account administrator opts in opens in the browser.
    select(
        &app,
        "[data-testid=subscription-email] [data-testid=open-link]",
    );
    let deadline = std::time::Instant::now() + WAIT;
    while !env
        .opened_pages()
        .iter()
        .any(|p| p.contains("Microsoft_Azure_Billing/SubscriptionsBlade"))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            env.opened_pages()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let into_view = "const section = document.querySelector('[data-testid=subscription-email]');\
                     const panel = section.closest('.details');\
                     panel.scrollTop = section.offsetTop - panel.offsetTop;";
    app.execute(into_view, &[]).unwrap();
    app.screenshot("demo-email-mosp-en").unwrap();

    switch_to_dutch(&app);
    app.wait_for_page_text("[data-testid=email-who]", |t| {
        t.starts_with("U bent de accountbeheerder")
    })
    .unwrap();
    app.execute(into_view, &[]).unwrap();
    app.screenshot("demo-email-mosp-nl").unwrap();
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}

#[test]
fn a_reader_saves_where_the_account_administrator_allows_others_and_is_told_whom_to_ask_where_not()
{
    let env = Env::from_process();
    let folder = env.home.join("allow-others");
    let _ = std::fs::remove_dir_all(&folder);
    let settings = serde_json::json!({ "downloadFolder": folder.display().to_string() });
    let mut app = env.launch(Some(&settings.to_string()));

    // Riley: "Allow others to download invoice" is on for "Web shop": she saves one like anyone.
    enter_demo_as(&app, "riley.reader@contoso.example");
    assert!(
        open_scope_showing(&app, "[data-testid=invoice-amount]"),
        "Riley's subscription lists its invoices"
    );
    let first = app
        .execute(
            "return document.querySelector('[data-testid=period-row][data-invoice]').dataset.invoice;",
            &[],
        )
        .unwrap();
    let invoice = first.as_str().unwrap().to_owned();
    click_row(&app, &invoice, false);
    select(&app, "[data-testid=save-invoice]");
    app.wait_for("[data-testid=open-saved]", WAIT).unwrap();
    let saved = saved_files(&folder);
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert!(saved[0].contains(&invoice) && has_extension(&saved[0], "pdf"));
    app.screenshot("demo-allow-others-on").unwrap();

    // Dana: it is off for Alex's subscription. The card names the switch and who turns it on,
    // not a role to ask for, and nothing can be saved.
    switch_demo_user(&app, "dev@contoso.example");
    app.execute(
        "document.querySelector('[data-testid=scope-row][data-kind=mosp_subscription]').click();",
        &[],
    )
    .unwrap();
    let card = reason_card_saying(&app, "Allow others to download invoice");
    assert!(card.contains("alex@contoso.example"), "{card}");
    assert!(
        !card.contains("account administrator role"),
        "no role to ask for: {card}"
    );
    let save = app.find("[data-testid=save-pdfs]").unwrap();
    assert_eq!(
        app.attribute(&save, "disabled").unwrap().as_deref(),
        Some("true"),
        "nothing to save for her"
    );
    app.screenshot("demo-allow-others-off-en").unwrap();

    switch_to_dutch(&app);
    let dutch = reason_card_saying(&app, "Toestaan dat anderen de factuur downloaden");
    assert!(dutch.contains("alex@contoso.example"), "{dutch}");
    app.screenshot("demo-allow-others-off-nl").unwrap();
    select(&app, "[data-testid=leave-demo]");
    app.wait_for("#welcome-heading", WAIT).unwrap();
}
