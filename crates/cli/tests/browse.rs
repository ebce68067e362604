//! `invoice-desk scopes` and `invoices` through the real binary on the built-in demo data
//! (`--demo`: the emulator inside the process, signed in as `--account`, nothing in the
//! keychain), one test per emulator scenario, mostly with `--json`.

use std::process::{Command, Output, Stdio};

use invoice_desk_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;
use time::{Date, Duration, Month};

fn cli(args: &[&str]) -> Output {
    let config = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_invoice-desk"))
        .args(args)
        // A keychain service nobody uses: demo mode must not open it at all.
        .env(
            "INVOICE_DESK_KEYRING_SERVICE",
            "invoice-desk-browse-test-unused",
        )
        .env("XDG_CONFIG_HOME", config.path())
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// The day the demo lives on in these tests: `INVOICE_DESK_TODAY` (which the test suites pin
/// and the edge-date sweep varies; the binary inherits it), else the system's date.
fn today() -> Date {
    invoice_desk_emulator::calendar::today()
}

fn day(value: &Value) -> Date {
    invoice_desk_emulator::calendar::parse_day(value.as_str().expect("a date")).expect("YYYY-MM-DD")
}

fn first_of_month(day: Date) -> Date {
    day.replace_day(1).unwrap()
}

/// The same day of the month `months` later (the 1st and the 5th exist in every month).
fn months_after(day: Date, months: i32) -> Date {
    let index = day.year() * 12 + i32::from(u8::from(day.month())) - 1 + months;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).unwrap()).unwrap();
    Date::from_calendar_date(index.div_euclid(12), month, day.day()).unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(args: &[&str]) -> Output {
    let out = cli(args);
    assert!(
        out.status.success(),
        "{args:?}: exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

fn json(args: &[&str]) -> Vec<Value> {
    let out = ok(args);
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{}", text(&out.stdout)))
        .as_array()
        .expect("an array")
        .clone()
}

fn scopes(upn: &str) -> Vec<Value> {
    json(&["scopes", "--demo", "--account", upn, "--json"])
}

fn periods(upn: &str, scope: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec![
        "invoices",
        "--demo",
        "--account",
        upn,
        "--json",
        "--scope",
        scope,
    ];
    args.extend(extra);
    json(&args)
}

fn named<'a>(scopes: &'a [Value], name: &str) -> &'a Value {
    scopes
        .iter()
        .find(|s| s["displayName"].as_str().unwrap().starts_with(name))
        .unwrap_or_else(|| panic!("no scope `{name}` in {scopes:#?}"))
}

fn of_kind(scopes: &[Value], kind: &str) -> Vec<Value> {
    scopes
        .iter()
        .filter(|s| s["kind"] == kind)
        .cloned()
        .collect()
}

fn id(scope: &Value) -> &str {
    scope["id"].as_str().unwrap()
}

fn can<'a>(scope: &'a Value, action: &str) -> (bool, Option<&'a str>) {
    let verdict = &scope["can"][action];
    (
        verdict["allowed"].as_bool().expect("allowed is a bool"),
        verdict["reason"].as_str(),
    )
}

fn reason_codes(periods: &[Value]) -> Vec<&str> {
    periods
        .iter()
        .filter_map(|p| p["reason"]["code"].as_str())
        .collect()
}

fn is_date(value: &Value) -> bool {
    value.as_str().is_some_and(|d| {
        d.len() == 10
            && d.chars().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            })
    })
}

fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && (1..=4).contains(&fraction.len())
        && fraction.chars().all(|c| c.is_ascii_digit())
}

/// `12.50` → `12.5`, `3.0` → `3`.
fn normalized(number: &str) -> String {
    if number.contains('.') {
        number
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned()
    } else {
        number.to_owned()
    }
}

const SCOPE_FIELDS: [&str; 8] = [
    "account",
    "agreement",
    "can",
    "displayName",
    "id",
    "kind",
    "roles",
    "tenantId",
];

#[test]
fn alex_sees_pay_as_you_go_subscriptions_and_the_new_one_is_too_new() {
    let list = scopes("alex@contoso.example");
    assert_eq!(list.len(), 3, "{list:#?}");
    for scope in &list {
        let mut keys: Vec<&str> = scope
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, SCOPE_FIELDS);
        assert_eq!(scope["kind"], "mosp_subscription");
        assert_eq!(scope["agreement"], "MicrosoftOnlineServicesProgram");
        assert_eq!(scope["account"], "alex@contoso.example");
        assert!(scope["tenantId"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(id(scope).starts_with("/subscriptions/"));
        assert_eq!(scope["roles"], serde_json::json!(["account_administrator"]));
        assert_eq!(can(scope, "listInvoices"), (true, None));
        assert_eq!(can(scope, "downloadInvoices"), (true, None));
        assert_eq!(can(scope, "downloadUsage"), (true, None));
        let (allowed, reason) = can(scope, "manageEmail");
        assert!(!allowed);
        assert!(reason.unwrap().contains("Azure portal"), "{reason:?}");
    }

    let new = named(&list, "New project");
    let rows = periods("alex@contoso.example", id(new), &[]);
    assert!(!rows.is_empty());
    assert_eq!(rows[0]["reason"]["code"], "subscription_too_new");
    let message = rows[0]["reason"]["message"].as_str().unwrap();
    assert!(message.contains("30 days"), "{message}");
    assert!(rows[0]["invoices"].as_array().unwrap().is_empty());

    let payg = named(&list, "Pay-As-You-Go");
    let rows = periods("alex@contoso.example", id(payg), &[]);
    assert!(rows.len() >= 12, "{}", rows.len());
    let starts: Vec<&str> = rows
        .iter()
        .map(|r| r["periodStart"].as_str().unwrap())
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] > w[1]),
        "newest first: {starts:?}"
    );
    assert_eq!(rows[0]["reason"]["code"], "not_generated_yet");
    let invoices: Vec<&Value> = rows
        .iter()
        .flat_map(|r| r["invoices"].as_array().unwrap())
        .collect();
    assert!(invoices.len() >= 11, "{}", invoices.len());
    for row in &rows {
        assert!(
            is_date(&row["periodStart"]) && is_date(&row["periodEnd"]),
            "{row}"
        );
        let has_invoices = !row["invoices"].as_array().unwrap().is_empty();
        assert_eq!(row.get("reason").is_none(), has_invoices, "{row}");
    }
    for invoice in &invoices {
        let mut keys: Vec<&str> = invoice
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "amountDue",
                "billedAmount",
                "documents",
                "dueDate",
                "invoiceDate",
                "name",
                "status"
            ]
        );
        assert!(is_date(&invoice["invoiceDate"]) && is_date(&invoice["dueDate"]));
        let billed = &invoice["billedAmount"];
        assert!(is_decimal(billed["value"].as_str().unwrap()), "{billed}");
        assert_eq!(billed["currency"], "EUR");
    }
    let documents: Vec<&str> = invoices
        .iter()
        .flat_map(|i| i["documents"].as_array().unwrap())
        .map(|d| d.as_str().unwrap())
        .collect();
    for kind in ["invoice", "credit_note", "tax_receipt"] {
        assert!(documents.contains(&kind), "{kind} in {documents:?}");
    }

    // The id matches whatever its case; --from/--to narrow the periods.
    let upper = id(payg).to_uppercase();
    let narrowed = periods(
        "alex@contoso.example",
        &upper,
        &["--from", &starts[3][..7], "--to", &starts[1][..7]],
    );
    assert!(
        (2..=4).contains(&narrowed.len()),
        "{} periods between {} and {}",
        narrowed.len(),
        starts[3],
        starts[1]
    );
    // Every period overlaps the months asked for.
    let first_day = format!("{}-01", &starts[3][..7]);
    let last_month = &starts[1][..7];
    for row in &narrowed {
        assert!(
            row["periodEnd"].as_str().unwrap() >= first_day.as_str(),
            "{row}"
        );
        assert!(
            &row["periodStart"].as_str().unwrap()[..7] <= last_month,
            "{row}"
        );
    }
}

#[test]
fn trial_has_no_invoice_because_of_the_free_trial() {
    let list = scopes("trial@contoso.example");
    assert_eq!(list.len(), 1);
    let rows = periods("trial@contoso.example", id(&list[0]), &[]);
    assert!(!rows.is_empty());
    assert!(
        reason_codes(&rows)
            .iter()
            .all(|c| *c == "free_trial_or_credit_not_exceeded"),
        "{rows:#?}"
    );
    assert_eq!(reason_codes(&rows).len(), rows.len());
}

#[test]
fn dev_may_not_download_and_is_told_to_ask_for_allow_others_to_download_invoice() {
    let list = scopes("dev@contoso.example");
    assert_eq!(list.len(), 1);
    let scope = &list[0];
    let (allowed, reason) = can(scope, "downloadInvoices");
    assert!(!allowed);
    let reason = reason.unwrap();
    // Microsoft's rule: readers get the invoices once the account administrator allows others
    // to download them, not by becoming account administrator.
    assert_eq!(
        reason,
        "The account administrator (alex@contoso.example) can turn on \u{201c}Allow others to download invoice\u{201d} for this subscription in the Azure portal."
    );
    let (usage, why) = can(scope, "downloadUsage");
    assert!(!usage, "pay-as-you-go usage needs access to the invoices");
    assert!(why.unwrap().contains("Allow others to download invoice"));
    let rows = periods("dev@contoso.example", id(scope), &[]);
    assert!(rows.len() >= 12);
    for row in &rows {
        assert_eq!(row["reason"]["code"], "no_permission", "{row}");
        let message = row["reason"]["message"].as_str().unwrap();
        assert!(
            message.contains("Allow others to download invoice")
                && message.contains("alex@contoso.example")
                && !message.contains("role"),
            "{row}"
        );
    }

    // The same in Dutch, with the portal's Dutch name of the switch.
    let nl = json(&[
        "scopes",
        "--demo",
        "--account",
        "dev@contoso.example",
        "--json",
        "--lang",
        "nl",
    ]);
    let reason = can(&nl[0], "downloadInvoices").1.unwrap();
    assert!(
        reason.starts_with("De accountbeheerder (alex@contoso.example)")
            && reason.contains("Toestaan dat anderen de factuur downloaden"),
        "{reason}"
    );
    let rows = periods("dev@contoso.example", id(scope), &["--lang", "nl"]);
    let message = rows[0]["reason"]["message"].as_str().unwrap();
    // The window's words (the one catalogue), addressing the user as "u" as the seeds do.
    assert!(
        message.starts_with("Alleen de accountbeheerder ziet de facturen van dit abonnement")
            && message.contains("Vraag de accountbeheerder (alex@contoso.example)"),
        "{message}"
    );
    assert_eq!(rows[0]["reason"]["code"], "no_permission");
}

#[test]
fn riley_reads_the_invoices_the_account_administrator_shares() {
    let list = scopes("riley.reader@contoso.example");
    assert_eq!(list.len(), 1);
    let scope = &list[0];
    assert_eq!(scope["roles"], serde_json::json!(["subscription_user"]));
    for action in ["listInvoices", "downloadInvoices", "downloadUsage"] {
        assert_eq!(can(scope, action), (true, None), "{action}");
    }
    let rows = periods("riley.reader@contoso.example", id(scope), &[]);
    assert!(
        rows.iter()
            .filter(|r| !r["invoices"].as_array().unwrap().is_empty())
            .count()
            >= 11
    );
}

/// Windows and macOS take the language from the system's settings, not from `LANG`.
#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn dutch_comes_from_lang_too() {
    let list = scopes("trial@contoso.example");
    let out = {
        let config = tempfile::tempdir().unwrap();
        Command::new(env!("CARGO_BIN_EXE_invoice-desk"))
            .args([
                "invoices",
                "--demo",
                "--account",
                "trial@contoso.example",
                "--json",
                "--scope",
                id(&list[0]),
            ])
            .env("XDG_CONFIG_HOME", config.path())
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANGUAGE")
            .env("LANG", "nl_NL.UTF-8")
            .output()
            .unwrap()
    };
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let message = rows[0]["reason"]["message"].as_str().unwrap();
    assert!(message.contains("gratis proefversie"), "{message}");
    // --lang wins over LANG.
    let rows = periods("trial@contoso.example", id(&list[0]), &["--lang", "en"]);
    let message = rows[0]["reason"]["message"].as_str().unwrap();
    assert!(message.contains("free trial"), "{message}");
}

/// The invoices of a profile straight from the emulator's ARM: name → (amountDue, billed).
async fn wire_amounts(profile_id: &str) -> Vec<(String, Value, Value)> {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let token = emulator.token_for("olivia.owner@contoso.example").unwrap();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut url = format!(
        "{}{}/invoices?api-version=2024-04-01",
        emulator.base_url().as_str().trim_end_matches('/'),
        profile_id
    );
    let mut out = Vec::new();
    loop {
        let page: Value = client
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for invoice in page["value"].as_array().unwrap() {
            let p = &invoice["properties"];
            out.push((
                invoice["name"].as_str().unwrap().to_owned(),
                p["amountDue"].clone(),
                p["billedAmount"].clone(),
            ));
        }
        match page["nextLink"].as_str() {
            Some(next) => next.clone_into(&mut url),
            None => break,
        }
    }
    emulator.shutdown().await;
    out
}

#[tokio::test]
async fn olivia_sees_three_mca_profiles_with_invoices_in_every_status_and_exact_amounts() {
    let all = scopes("olivia.owner@contoso.example");
    // Three profiles, and the two invoice sections of the one that has two.
    assert_eq!(all.len(), 5, "{all:#?}");
    let list = of_kind(&all, "mca_billing_profile");
    assert_eq!(list.len(), 3, "{all:#?}");
    let sections = of_kind(&all, "mca_invoice_section");
    assert_eq!(sections.len(), 2, "{all:#?}");
    for section in &sections {
        assert_eq!(section["parentDisplayName"], "Contoso Finance");
        assert_eq!(
            section["roles"],
            serde_json::json!(["billing_profile_owner"])
        );
        assert!(id(section).contains("/invoiceSections/"));
    }
    for scope in &list {
        assert!(scope.get("parentDisplayName").is_none(), "{scope}");
        assert_eq!(scope["kind"], "mca_billing_profile");
        assert_eq!(scope["agreement"], "MicrosoftCustomerAgreement");
        assert!(id(scope).contains("/billingProfiles/"));
        assert_eq!(scope["roles"], serde_json::json!(["billing_profile_owner"]));
        for action in [
            "listInvoices",
            "downloadInvoices",
            "downloadUsage",
            "manageEmail",
        ] {
            assert_eq!(can(scope, action), (true, None), "{action}");
        }
    }
    assert!(list.iter().any(|s| {
        s["displayName"]
            .as_str()
            .unwrap()
            .contains("\u{8acb}\u{6c42}\u{66f8}")
    }));

    let mut statuses = Vec::new();
    let mut compared = 0;
    for scope in &list {
        let rows = periods("olivia.owner@contoso.example", id(scope), &[]);
        let months: Vec<&str> = rows
            .iter()
            .map(|r| r["periodStart"].as_str().unwrap())
            .collect();
        assert!(months.windows(2).all(|w| w[0] > w[1]), "{months:?}");
        assert!(
            months.iter().all(|m| m.ends_with("-01")),
            "calendar months: {months:?}"
        );
        let wire = wire_amounts(id(scope)).await;
        for invoice in rows.iter().flat_map(|r| r["invoices"].as_array().unwrap()) {
            statuses.push(invoice["status"].as_str().unwrap().to_owned());
            let name = invoice["name"].as_str().unwrap();
            let Some((_, due, billed)) = wire.iter().find(|(n, _, _)| n == name) else {
                panic!("{name} is not on the wire");
            };
            for (ours, theirs) in [
                (&invoice["amountDue"], due),
                (&invoice["billedAmount"], billed),
            ] {
                let value = ours["value"].as_str().expect("the amount is a string");
                assert!(is_decimal(value), "{value}");
                // The same number as on the wire, digit for digit (trailing zeros aside).
                assert_eq!(
                    normalized(value),
                    normalized(&theirs["value"].to_string()),
                    "{name}"
                );
                assert_eq!(ours["currency"], theirs["currency"], "{name}");
                compared += 1;
            }
        }
    }
    assert!(compared >= 10, "{compared}");
    statuses.sort();
    statuses.dedup();
    for status in ["due", "over_due", "past_due", "paid", "void"] {
        assert!(
            statuses.iter().any(|s| s == status),
            "{status} in {statuses:?}"
        );
    }
}

#[test]
fn rita_reads_but_may_not_change_the_invoice_email() {
    let list = scopes("rita.reader@contoso.example");
    // Contoso Finance and its two invoice sections, where her profile role reaches too.
    assert_eq!(of_kind(&list, "mca_billing_profile").len(), 1, "{list:#?}");
    assert_eq!(of_kind(&list, "mca_invoice_section").len(), 2, "{list:#?}");
    assert_eq!(list.len(), 3);
    for scope in &list {
        assert!(
            scope["roles"]
                .as_array()
                .unwrap()
                .contains(&Value::from("billing_profile_reader"))
        );
        assert_eq!(can(scope, "listInvoices"), (true, None));
        assert_eq!(can(scope, "downloadInvoices"), (true, None));
        let (allowed, reason) = can(scope, "manageEmail");
        assert!(!allowed);
        let reason = reason.unwrap();
        assert!(
            reason.contains("billing profile contributor")
                && reason.contains("a billing profile owner"),
            "{reason}"
        );
    }
}

#[test]
fn morgan_sees_the_fabrikam_subscription_and_is_told_which_tenant_needs_mfa() {
    let out = ok(&[
        "scopes",
        "--demo",
        "--account",
        "morgan@contoso.example",
        "--json",
    ]);
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), 1, "{list:#?}");
    assert_eq!(list[0]["kind"], "mosp_subscription");
    assert_eq!(list[0]["account"], "morgan@contoso.example");
    // Not the home tenant: the subscription lives in Fabrikam.
    let accounts = json(&[
        "accounts",
        "--demo",
        "--account",
        "morgan@contoso.example",
        "--json",
    ]);
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0]["username"], "morgan@contoso.example");
    let tenants = accounts[0]["tenants"].as_array().unwrap();
    assert_eq!(tenants.len(), 3, "{tenants:#?}");
    assert!(tenants.iter().all(|t| t["enabled"] == true));
    assert_ne!(list[0]["tenantId"], accounts[0]["homeTenant"]);
    // The tenant that demands MFA is a warning, not a failure.
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("warning: ") && stderr.contains("needs to sign in again"),
        "{stderr}"
    );
}

#[test]
fn nora_has_no_scopes() {
    assert!(scopes("nora.norole@contoso.example").is_empty());
    let out = ok(&[
        "scopes",
        "--demo",
        "--account",
        "nora.norole@contoso.example",
    ]);
    assert_eq!(text(&out.stdout).trim(), "No billing scopes found.");
}

#[test]
fn erin_is_told_ea_invoices_are_emailed_to_the_invoice_recipient() {
    let list = scopes("erin.ea@contoso.example");
    assert!(!list.is_empty());
    assert!(list.iter().all(|s| s["agreement"] == "EnterpriseAgreement"));
    let kinds: Vec<&str> = list.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    for kind in ["ea_enrollment", "ea_department", "ea_enrollment_account"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let enrollment = list.iter().find(|s| s["kind"] == "ea_enrollment").unwrap();
    assert!(
        enrollment["roles"]
            .as_array()
            .unwrap()
            .contains(&Value::from("enterprise_administrator"))
    );
    let (allowed, reason) = can(enrollment, "downloadInvoices");
    assert!(!allowed);
    assert!(
        reason.unwrap().contains("invoices@contoso.example"),
        "{reason:?}"
    );
    assert_eq!(can(enrollment, "downloadUsage"), (true, None));
    let rows = periods("erin.ea@contoso.example", id(enrollment), &[]);
    assert!(rows.len() >= 12);
    for row in &rows {
        assert_eq!(row["reason"]["code"], "ea_invoices_are_emailed", "{row}");
        let message = row["reason"]["message"].as_str().unwrap();
        assert!(message.contains("invoices@contoso.example"), "{message}");
    }
}

#[test]
fn owen_may_not_download_usage_and_dan_may() {
    let owen = scopes("owen.account@contoso.example");
    assert!(!owen.is_empty());
    for scope in &owen {
        let (allowed, reason) = can(scope, "downloadUsage");
        assert!(!allowed, "{scope}");
        let reason = reason.unwrap();
        assert!(
            reason.contains("Account owners can view charges")
                && reason.contains("enterprise administrator"),
            "{reason}"
        );
    }
    let dan = scopes("dan.dept@contoso.example");
    assert!(!dan.is_empty());
    for scope in &dan {
        assert_eq!(can(scope, "downloadUsage"), (true, None), "{scope}");
    }
}

#[test]
fn an_unknown_scope_fails_with_a_hint() {
    let out = cli(&[
        "invoices",
        "--demo",
        "--scope",
        "/subscriptions/00000000-0000-0000-0000-000000000000",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("hint: ") && stderr.contains("invoice-desk scopes"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());

    // Usage errors exit 2; an unknown demo user too, naming the real ones.
    let out = cli(&["invoices", "--demo", "--scope", "x", "--from", "2025-13"]);
    assert_eq!(out.status.code(), Some(2));
    let out = cli(&["scopes", "--demo", "--account", "nobody@contoso.example"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("alex@contoso.example"));
}

#[test]
fn errors_hints_and_tables_speak_dutch_with_lang_nl() {
    let unknown = "/subscriptions/00000000-0000-0000-0000-000000000000";
    let out = cli(&["invoices", "--demo", "--scope", unknown, "--lang", "nl"]);
    // The same exit code and the same line prefixes; the sentences are Dutch.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert_eq!(
        lines[0],
        format!("error: Geen factureringsbereik waar u bij kunt heeft de id `{unknown}`.")
    );
    assert!(
        lines[1].starts_with("hint: Voer `invoice-desk scopes` uit"),
        "{stderr}"
    );
    let english = text(&cli(&["invoices", "--demo", "--scope", unknown]).stderr);
    assert!(
        english.starts_with("error: No billing scope you can reach has the id"),
        "{english}"
    );

    // A usage error from the command line's own words.
    let out = cli(&["logout", "--demo", "--lang", "nl"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: `logout` kent geen --demo")
            && stderr.contains("\nhint: Laat --demo weg"),
        "{stderr}"
    );

    // The scopes table: Dutch column titles, yes/no and the heading, the ids unchanged.
    let nl = text(&ok(&["scopes", "--demo", "--lang", "nl"]).stdout);
    let lines: Vec<&str> = nl.lines().collect();
    assert!(
        lines[0].starts_with("alex@contoso.example \u{2014} tenant "),
        "{nl}"
    );
    let header: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "NAAM",
            "SOORT",
            "ROLLEN",
            "BEKIJKEN",
            "DOWNLOADEN",
            "GEBRUIK",
            "E-MAIL",
            "ID"
        ],
        "{nl}"
    );
    assert!(lines[2].contains("  ja  "), "{nl}");
    assert!(!nl.contains(" yes ") && !nl.contains("NAME"), "{nl}");
    assert!(nl.contains("/subscriptions/"), "{nl}");
}

/// The display column where `needle` starts in `line` (these lines are ASCII apart from `…`
/// and `–`, one column each).
fn column(line: &str, needle: &str) -> Option<usize> {
    line.find(needle).map(|at| line[..at].chars().count())
}

#[test]
fn human_tables_line_up() {
    let out = ok(&["scopes", "--demo", "--lang", "en"]);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("alex@contoso.example"), "{stdout}");
    let header = lines[1];
    assert!(header.starts_with("NAME"), "{stdout}");
    let rows: Vec<&str> = lines[2..]
        .iter()
        .copied()
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    for (title, needle) in [("KIND", "Pay-as-you-go"), ("ID", "/subscriptions/")] {
        let at = column(header, title).unwrap();
        for row in &rows {
            assert_eq!(column(row, needle), Some(at), "{title}:\n{stdout}");
        }
    }
    assert!(stdout.contains("Not allowed:"), "{stdout}");
    let nl = text(&ok(&["scopes", "--demo", "--lang", "nl"]).stdout);
    assert!(nl.lines().nth(1).unwrap().starts_with("NAAM"), "{nl}");
    assert!(nl.contains("Abonnement met betalen per gebruik") && nl.contains("Niet toegestaan:"));

    let list = scopes("alex@contoso.example");
    let payg = id(named(&list, "Pay-As-You-Go")).to_owned();
    let out = ok(&["invoices", "--demo", "--scope", &payg, "--lang", "en"]);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("Pay-As-You-Go"), "{stdout}");
    let header = lines[1];
    let date_at = column(header, "DATE").unwrap();
    let billed_end = column(header, "BILLED").unwrap() + "BILLED".len();
    let mut checked = 0;
    for row in &lines[2..] {
        let Some(first_eur) = column(row, " EUR") else {
            continue;
        };
        // Invoice rows: the invoice date sits under DATE, the billed amount ends under BILLED.
        let cells: Vec<&str> = row[row.find("  ").unwrap()..].split_whitespace().collect();
        assert!(cells.len() >= 7, "{row}");
        assert_eq!(column(row, cells[1]), Some(date_at), "{stdout}");
        let billed_currency = row.rfind(" EUR").unwrap();
        assert_eq!(
            row[..billed_currency].chars().count() + " EUR".len(),
            billed_end,
            "{stdout}"
        );
        assert!(first_eur < billed_currency);
        checked += 1;
    }
    assert!(checked >= 10, "{stdout}");
    // A period without an invoice shows its reason.
    assert!(stdout.contains("not been generated yet"), "{stdout}");
}

#[test]
fn help_documents_the_fields_and_exit_codes() {
    let out = ok(&["invoices", "--help"]);
    let help = text(&out.stdout);
    for needle in [
        "--scope",
        "--from",
        "--to",
        "periodStart",
        "amountDue",
        "reason",
        "4 permission",
        "5 Azure error",
    ] {
        assert!(help.contains(needle), "{needle}:\n{help}");
    }
    let help = text(&ok(&["scopes", "--help"]).stdout);
    for needle in [
        "listInvoices",
        "manageEmail",
        "tenantId",
        "--demo",
        "--lang",
    ] {
        assert!(help.contains(needle), "{needle}:\n{help}");
    }
    let help = text(&ok(&["--help"]).stdout);
    for needle in [
        "scopes",
        "invoices",
        "4  permission",
        "5  Azure error",
        "--account",
        "--auth",
    ] {
        assert!(help.contains(needle), "{needle}:\n{help}");
    }
}

#[test]
fn sam_sees_usd_invoices_and_the_newest_is_overdue() {
    let list = scopes("sam@fabrikam.example");
    assert_eq!(list.len(), 1, "{list:#?}");
    let scope = &list[0];
    assert_eq!(scope["kind"], "mosp_subscription");
    assert_eq!(scope["roles"], serde_json::json!(["account_administrator"]));
    assert_eq!(scope["displayName"], "Fabrikam: production/../web");
    for action in ["listInvoices", "downloadInvoices", "downloadUsage"] {
        assert_eq!(can(scope, action), (true, None), "{action}");
    }
    let rows = periods("sam@fabrikam.example", id(scope), &[]);
    assert_eq!(rows[0]["reason"]["code"], "not_generated_yet");
    let invoices: Vec<&Value> = rows
        .iter()
        .flat_map(|r| r["invoices"].as_array().unwrap())
        .collect();
    assert!(invoices.len() >= 11, "{}", invoices.len());
    assert!(
        invoices
            .iter()
            .all(|i| i["billedAmount"]["currency"] == "USD")
    );
    assert_eq!(invoices[0]["status"], "over_due", "{:#?}", invoices[0]);
    let due = &invoices[0]["amountDue"]["value"];
    assert!(
        due.as_str().is_some_and(|v| is_decimal(v) && v != "0"),
        "{due}"
    );
}

#[test]
fn morgan_gets_the_gbp_invoices_of_the_fabrikam_subscription() {
    let list = scopes("morgan@contoso.example");
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0]["roles"],
        serde_json::json!(["account_administrator"])
    );
    let rows = periods("morgan@contoso.example", id(&list[0]), &[]);
    assert!(rows.len() >= 6, "{}", rows.len());
    let invoices: Vec<&Value> = rows
        .iter()
        .flat_map(|r| r["invoices"].as_array().unwrap())
        .collect();
    assert!(invoices.len() >= 5, "{}", invoices.len());
    assert!(
        invoices
            .iter()
            .all(|i| i["billedAmount"]["currency"] == "GBP")
    );
    assert_eq!(rows[0]["reason"]["code"], "not_generated_yet");
}

#[test]
fn ivan_the_invoice_manager_lists_and_downloads_but_may_not_change_the_email() {
    let list = scopes("ivan.invoices@contoso.example");
    // Contoso Finance and Contoso R&D, and Finance's two invoice sections.
    assert_eq!(of_kind(&list, "mca_billing_profile").len(), 2, "{list:#?}");
    assert_eq!(of_kind(&list, "mca_invoice_section").len(), 2, "{list:#?}");
    for scope in &list {
        assert_eq!(
            scope["roles"],
            serde_json::json!(["invoice_manager"]),
            "{scope}"
        );
        for action in ["listInvoices", "downloadInvoices", "downloadUsage"] {
            assert_eq!(can(scope, action), (true, None), "{action}: {scope}");
        }
        let (allowed, reason) = can(scope, "manageEmail");
        assert!(!allowed);
        let reason = reason.unwrap();
        assert!(
            reason.contains("billing profile contributor")
                && reason.contains("a billing profile owner"),
            "{reason}"
        );
    }
    let rnd = named(&list, "Contoso R&D");
    let rows = periods("ivan.invoices@contoso.example", id(rnd), &[]);
    assert_eq!(rows.len(), 13);
    let invoices: Vec<&Value> = rows
        .iter()
        .flat_map(|r| r["invoices"].as_array().unwrap())
        .collect();
    // One invoice a month, dated the 5th of the next month and there from the 6th: until
    // then the last month's is still to come.
    let months_invoiced = if today().day() > 5 { 12 } else { 11 };
    assert_eq!(invoices.len(), months_invoiced, "{rows:#?}");
    assert!(
        invoices
            .iter()
            .all(|i| i["billedAmount"]["currency"] == "USD")
    );
    assert_eq!(invoices[0]["status"], "due");
    // The running month has no invoice yet.
    assert_eq!(rows[0]["reason"]["code"], "not_generated_yet");
}

#[test]
fn clara_may_change_the_email_of_her_profile_and_bella_of_every_profile() {
    let clara = scopes("clara.contributor@contoso.example");
    assert_eq!(clara.len(), 1, "{clara:#?}");
    assert_eq!(clara[0]["displayName"], "Contoso R&D");
    assert_eq!(
        clara[0]["roles"],
        serde_json::json!(["billing_profile_contributor"])
    );
    for action in [
        "listInvoices",
        "downloadInvoices",
        "downloadUsage",
        "manageEmail",
    ] {
        assert_eq!(can(&clara[0], action), (true, None), "{action}");
    }

    let bella = scopes("bella.owner@contoso.example");
    assert_eq!(
        of_kind(&bella, "mca_billing_profile").len(),
        3,
        "{bella:#?}"
    );
    assert_eq!(
        of_kind(&bella, "mca_invoice_section").len(),
        2,
        "{bella:#?}"
    );
    for scope in &bella {
        assert_eq!(scope["roles"], serde_json::json!(["billing_account_owner"]));
        assert_eq!(scope["can"]["manageEmail"]["allowed"], true);
    }
    let finance = bella
        .iter()
        .find(|s| s["kind"] == "mca_billing_profile" && s["displayName"] == "Contoso Finance")
        .unwrap();
    let rows = periods("bella.owner@contoso.example", id(finance), &[]);
    let statuses: Vec<&str> = rows
        .iter()
        .flat_map(|r| r["invoices"].as_array().unwrap())
        .filter_map(|i| i["status"].as_str())
        .collect();
    assert!(
        statuses.contains(&"locked") && statuses.contains(&"void"),
        "{statuses:?}"
    );
}

#[test]
fn sofia_owns_an_invoice_section_and_is_told_who_can_show_her_the_invoices() {
    let list = scopes("sofia.section@contoso.example");
    assert_eq!(list.len(), 1, "{list:#?}");
    let section = &list[0];
    assert_eq!(section["kind"], "mca_invoice_section");
    assert_eq!(section["agreement"], "MicrosoftCustomerAgreement");
    assert_eq!(section["displayName"], "Finance \u{2014} Marketing");
    assert_eq!(section["parentDisplayName"], "Contoso Finance");
    assert!(id(section).contains("/billingProfiles/") && id(section).contains("/invoiceSections/"));
    assert_eq!(
        section["roles"],
        serde_json::json!(["invoice_section_owner"])
    );
    assert_eq!(can(section, "downloadUsage"), (true, None));
    for action in ["listInvoices", "downloadInvoices"] {
        let (allowed, reason) = can(section, action);
        assert!(!allowed, "{action}");
        let reason = reason.unwrap();
        assert!(
            reason.contains("billing profile reader") && reason.contains("a billing profile owner"),
            "{reason}"
        );
    }
    assert!(!can(section, "manageEmail").0);

    let rows = periods("sofia.section@contoso.example", id(section), &[]);
    assert_eq!(rows.len(), 13);
    for row in &rows {
        assert!(row["invoices"].as_array().unwrap().is_empty());
        assert_eq!(row["reason"]["code"], "no_permission", "{row}");
        let message = row["reason"]["message"].as_str().unwrap();
        assert!(message.contains("billing profile reader"), "{message}");
    }

    // The human table names the kind in plain words, in Dutch too.
    let out = ok(&[
        "scopes",
        "--demo",
        "--account",
        "sofia.section@contoso.example",
        "--lang",
        "nl",
    ]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Microsoft-klantovereenkomst \u{2014} factuursectie")
            && stdout.contains("eigenaar van de factuursectie"),
        "{stdout}"
    );
}

#[test]
fn lee_gets_invoices_from_the_legacy_api_and_the_reasons_still_work() {
    let list = scopes("lee.legacy@contoso.example");
    assert_eq!(list.len(), 1, "{list:#?}");
    let scope = &list[0];
    assert_eq!(scope["kind"], "mosp_subscription");
    assert_eq!(scope["roles"], serde_json::json!(["account_administrator"]));
    assert_eq!(can(scope, "listInvoices"), (true, None));
    let out = ok(&[
        "invoices",
        "--demo",
        "--account",
        "lee.legacy@contoso.example",
        "--json",
        "--scope",
        id(scope),
    ]);
    // The billing-subscription API answering 404 is not worth a warning.
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rows.len() >= 10, "{}", rows.len());
    assert_eq!(rows[0]["reason"]["code"], "not_generated_yet");
    let invoices: Vec<&Value> = rows[1..]
        .iter()
        .map(|r| {
            let list = r["invoices"].as_array().unwrap();
            assert_eq!(list.len(), 1, "{r}");
            &list[0]
        })
        .collect();
    for invoice in &invoices {
        // Legacy names lead with the invoice date; the legacy API has no amounts or status.
        let name = invoice["name"].as_str().unwrap();
        assert_eq!(invoice["invoiceDate"].as_str(), name.get(..10), "{invoice}");
        assert!(is_date(&invoice["invoiceDate"]));
        assert_eq!(invoice["documents"], serde_json::json!(["invoice"]));
        assert!(invoice["amountDue"].is_null() && invoice["status"].is_null());
    }
}

#[test]
fn dan_administers_his_department_and_its_accounts() {
    let dan = scopes("dan.dept@contoso.example");
    let kinds: Vec<&str> = dan.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"ea_department"), "{kinds:?}");
    assert!(!kinds.contains(&"ea_enrollment"), "{kinds:?}");
    for scope in &dan {
        assert_eq!(scope["agreement"], "EnterpriseAgreement");
        assert_eq!(
            scope["roles"],
            serde_json::json!(["department_administrator"]),
            "{scope}"
        );
        let (allowed, reason) = can(scope, "downloadInvoices");
        assert!(!allowed);
        assert!(reason.unwrap().contains("invoices@contoso.example"));
    }
    let department = named(&dan, "Finance");
    let rows = periods("dan.dept@contoso.example", id(department), &[]);
    assert!(
        reason_codes(&rows)
            .iter()
            .all(|c| *c == "ea_invoices_are_emailed"),
        "{rows:#?}"
    );
}

#[test]
fn an_mca_profile_shows_the_running_month_and_the_invoices_still_to_come_on_any_day() {
    // What a user reads on the day the demo lives on: the edge-date sweep runs this on the
    // first days of a month around the 5th (when MCA invoices arrive), at the end of a leap
    // February, on the 30th and 31st and across the turn of the year.
    let today = today();
    let ivan = "ivan.invoices@contoso.example";
    let profile = named(&scopes(ivan), "Contoso R&D").clone();
    let rows = periods(ivan, id(&profile), &["--today", &today.to_string()]);
    let this_month = first_of_month(today);
    let starts: Vec<Date> = rows.iter().map(|r| day(&r["periodStart"])).collect();
    let expected: Vec<Date> = (0..13)
        .map(|back| months_after(this_month, -back))
        .collect();
    assert_eq!(
        starts, expected,
        "this month and the twelve before, newest first"
    );

    // The running month: no invoice, expected on the 5th of the next month.
    let running = &rows[0];
    assert_eq!(
        day(&running["periodEnd"]),
        months_after(this_month, 1) - Duration::days(1)
    );
    assert_eq!(running["invoices"], serde_json::json!([]));
    assert_eq!(
        running["reason"]["code"], "not_generated_yet",
        "{running:#}"
    );
    let fifth = |first: Date| first.replace_day(5).unwrap();
    assert_eq!(
        day(&running["reason"]["expectedOn"]),
        fifth(months_after(this_month, 1))
    );

    // Last month: its invoice is dated the 5th of this month and there from the 6th.
    let last = &rows[1];
    if today.day() <= 5 {
        assert_eq!(last["reason"]["code"], "not_generated_yet", "{last:#}");
        assert_eq!(day(&last["reason"]["expectedOn"]), fifth(this_month));
        let message = last["reason"]["message"].as_str().unwrap();
        assert!(
            message.contains(&fifth(this_month).to_string()),
            "{message}"
        );
    } else {
        assert!(last.get("reason").is_none(), "{last:#}");
    }
    // Every earlier month has its one invoice, dated the 5th of the month after it.
    for row in &rows[usize::from(today.day() <= 5) + 1..] {
        let invoices = row["invoices"].as_array().unwrap();
        assert_eq!(invoices.len(), 1, "{row:#}");
        let start = day(&row["periodStart"]);
        assert_eq!(
            day(&invoices[0]["invoiceDate"]),
            fifth(months_after(start, 1))
        );
    }
}

#[test]
fn a_pay_as_you_go_subscription_shows_each_invoice_once_its_day_has_passed() {
    // Alex's periods run from the day of the month the subscription was created; an invoice
    // is dated two days after its period ends and is there from the day after.
    let today = today();
    let alex = "alex@contoso.example";
    let subscription = named(&scopes(alex), "Pay-As-You-Go").clone();
    let rows = periods(alex, id(&subscription), &["--today", &today.to_string()]);
    assert!(rows.len() >= 13, "{rows:#?}");
    let running = &rows[0];
    assert!(day(&running["periodStart"]) <= today && today <= day(&running["periodEnd"]));
    for pair in rows.windows(2) {
        assert_eq!(
            day(&pair[1]["periodEnd"]) + Duration::days(1),
            day(&pair[0]["periodStart"]),
            "periods follow each other without a gap"
        );
    }
    for row in &rows {
        let invoice_day = day(&row["periodEnd"]) + Duration::days(2);
        let invoices = row["invoices"].as_array().unwrap();
        if invoice_day < today {
            assert!(!invoices.is_empty(), "{today}: {row:#}");
        } else {
            assert!(invoices.is_empty(), "{today}: {row:#}");
            assert_eq!(row["reason"]["code"], "not_generated_yet", "{row:#}");
            assert_eq!(day(&row["reason"]["expectedOn"]), invoice_day);
        }
    }
}
