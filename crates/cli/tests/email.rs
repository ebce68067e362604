//! `invoice-desk email` through the real binary on the demo data: an owner's settings in English,
//! Dutch and JSON; recipients added and removed in one call; delivery switched off with --yes and
//! refused without it when nobody can be asked; a bad address refused with nothing changed; a
//! reader refused with the settings still shown; and pay-as-you-go and Enterprise Agreement
//! scopes sent to the Azure portal with exit 6.
//!
//! Every run of the binary starts its own demo, so a change made by one run is gone in the next:
//! what a change run prints is Azure's state read again after the change, and that is what the
//! tests look at.

mod common;

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use common::{cli, json, text};

const OLIVIA: &str = "olivia.owner@contoso.example";
const RITA: &str = "rita.reader@contoso.example";
const ALEX: &str = "alex@contoso.example";
const ERIN: &str = "erin.ea@contoso.example";
const FINANCE_RECIPIENTS: [&str; 3] = [
    "finance@contoso.example",
    "ap@contoso.example",
    "controller@contoso.example",
];

fn exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// The id of `account`'s first scope of `kind` (named `name` when given).
fn scope_of(config: &Path, account: &str, kind: &str, name: Option<&str>) -> String {
    let scopes = json(&cli(&["scopes", "--account", account, "--json"], config));
    scopes
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == kind && name.is_none_or(|n| s["displayName"] == n))
        .unwrap_or_else(|| panic!("{account} has a {kind} {name:?}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn finance(config: &Path) -> String {
    scope_of(
        config,
        OLIVIA,
        "mca_billing_profile",
        Some("Contoso Finance"),
    )
}

fn recipients(state: &Value) -> Vec<&str> {
    state["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect()
}

#[test]
fn an_owner_sees_delivery_on_and_three_recipients_in_english_dutch_and_json() {
    let config = tempfile::tempdir().unwrap();
    let scope = finance(config.path());

    let out = cli(
        &["email", "--account", OLIVIA, "--scope", &scope],
        config.path(),
    );
    exit(&out, 0);
    let said = text(&out.stdout);
    assert!(
        said.starts_with("Invoice by email for Contoso Finance\n"),
        "{said}"
    );
    assert!(said.contains("Email delivery is on."), "{said}");
    assert!(said.contains("invoice manager"), "the rule: {said}");
    assert!(said.contains("Also sent to:\n"), "{said}");
    for address in FINANCE_RECIPIENTS {
        assert!(
            said.contains(&format!("\n  {address}\n")),
            "{address}: {said}"
        );
    }
    assert!(said.contains("You may change this"), "{said}");
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));

    let dutch = cli(
        &[
            "email",
            "--account",
            OLIVIA,
            "--scope",
            &scope,
            "--lang",
            "nl",
        ],
        config.path(),
    );
    exit(&dutch, 0);
    let said = text(&dutch.stdout);
    assert!(
        said.starts_with("Factuur via e-mail voor Contoso Finance\n"),
        "{said}"
    );
    assert!(said.contains("E-mailbezorging staat aan."), "{said}");
    assert!(said.contains("Ook verzonden naar:\n"), "{said}");
    assert!(said.contains("  ap@contoso.example\n"), "{said}");
    assert!(said.contains("U kunt dit wijzigen"), "{said}");

    let state = json(&cli(
        &["email", "--account", OLIVIA, "--scope", &scope, "--json"],
        config.path(),
    ));
    let mut keys: Vec<&str> = state
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["mayChange", "optIn", "recipients", "scopeId"]);
    assert_eq!(state["scopeId"], scope.as_str());
    assert_eq!(state["optIn"], true);
    assert_eq!(state["mayChange"], true);
    assert_eq!(recipients(&state), FINANCE_RECIPIENTS);
}

#[test]
fn several_recipients_are_added_and_removed_in_one_call() {
    let config = tempfile::tempdir().unwrap();
    let scope = finance(config.path());
    let change = [
        "email",
        "--account",
        OLIVIA,
        "--scope",
        &scope,
        "--add",
        "x@contoso.example",
        "y@contoso.example",
        "--remove",
        "ap@contoso.example",
    ];
    let out = cli(&change, config.path());
    exit(&out, 0);
    let said = text(&out.stdout);
    assert!(said.starts_with("The change is made."), "{said}");
    assert!(said.contains("  x@contoso.example\n"), "{said}");
    assert!(said.contains("  y@contoso.example\n"), "{said}");
    assert!(!said.contains("ap@contoso.example"), "{said}");

    // The state printed is Azure's, read again after the change.
    let out = cli(&[&change[..], &["--json"]].concat(), config.path());
    exit(&out, 0);
    let state = json(&out);
    assert_eq!(state["optIn"], true);
    assert_eq!(
        recipients(&state),
        [
            "finance@contoso.example",
            "controller@contoso.example",
            "x@contoso.example",
            "y@contoso.example"
        ]
    );
}

#[test]
fn off_with_yes_unsubscribes_everyone_and_without_it_a_script_is_refused() {
    let config = tempfile::tempdir().unwrap();
    let scope = finance(config.path());
    let out = cli(
        &[
            "email",
            "--account",
            OLIVIA,
            "--scope",
            &scope,
            "--off",
            "--yes",
            "--json",
        ],
        config.path(),
    );
    exit(&out, 0);
    let state = json(&out);
    assert_eq!(state["optIn"], false);
    assert!(recipients(&state).is_empty());

    let words = cli(
        &[
            "email",
            "--account",
            OLIVIA,
            "--scope",
            &scope,
            "--off",
            "--yes",
        ],
        config.path(),
    );
    exit(&words, 0);
    let said = text(&words.stdout);
    assert!(said.contains("Email delivery is off."), "{said}");
    assert!(
        said.contains("With delivery on, every owner, contributor, reader and invoice manager"),
        "{said}"
    );
    assert!(said.contains("No other recipients."), "{said}");

    // stdin is not a terminal here: nobody can be asked, so --off needs --yes.
    let refused = cli(
        &["email", "--account", OLIVIA, "--scope", &scope, "--off"],
        config.path(),
    );
    exit(&refused, 2);
    let stderr = text(&refused.stderr);
    assert!(stderr.starts_with("error: --off"), "{stderr}");
    assert!(stderr.contains("hint: Add --yes"), "{stderr}");
    assert!(refused.stdout.is_empty(), "{}", text(&refused.stdout));
}

#[test]
fn a_bad_address_is_refused_and_nothing_changes() {
    let config = tempfile::tempdir().unwrap();
    let scope = finance(config.path());
    let args = [
        "email",
        "--account",
        OLIVIA,
        "--scope",
        &scope,
        "--add",
        "not-an-address",
    ];
    let out = cli(&args, config.path());
    exit(&out, 1);
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "error: This is not an email address Azure accepts. (not-an-address)\nhint: "
        ),
        "{stderr}"
    );
    // What Azure holds now, unchanged.
    let said = text(&out.stdout);
    assert!(said.contains("Email delivery is on."), "{said}");
    for address in FINANCE_RECIPIENTS {
        assert!(said.contains(&format!("  {address}\n")), "{said}");
    }

    let out = cli(&[&args[..], &["--json"]].concat(), config.path());
    exit(&out, 1);
    assert_eq!(recipients(&json(&out)), FINANCE_RECIPIENTS);

    let dutch = cli(&[&args[..], &["--lang", "nl"]].concat(), config.path());
    exit(&dutch, 1);
    let stderr = text(&dutch.stderr);
    assert!(
        stderr.starts_with("error: Dit is geen e-mailadres dat Azure accepteert."),
        "{stderr}"
    );
}

#[test]
fn a_reader_is_refused_and_still_sees_the_settings() {
    let config = tempfile::tempdir().unwrap();
    let scope = scope_of(config.path(), RITA, "mca_billing_profile", None);
    let shown = cli(
        &["email", "--account", RITA, "--scope", &scope],
        config.path(),
    );
    exit(&shown, 0);
    let said = text(&shown.stdout);
    assert!(
        said.contains("You can see this setting but not change it. You need the billing profile contributor role"),
        "{said}"
    );
    assert!(said.contains("\n  https://"), "the portal page: {said}");

    let out = cli(
        &["email", "--account", RITA, "--scope", &scope, "--on"],
        config.path(),
    );
    exit(&out, 4);
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "error: Your role cannot change who receives this billing profile's invoices.\n"
        ),
        "{stderr}"
    );
    let said = text(&out.stdout);
    assert!(said.contains("Email delivery is on."), "{said}");
    assert!(said.contains("  finance@contoso.example\n"), "{said}");
    assert!(said.contains("but not change it"), "{said}");

    let state = json(&cli(
        &[
            "email",
            "--account",
            RITA,
            "--scope",
            &scope,
            "--on",
            "--json",
        ],
        config.path(),
    ));
    assert_eq!(state["mayChange"], false);
}

#[test]
fn pay_as_you_go_and_enterprise_agreement_scopes_point_to_the_portal_with_exit_6() {
    let config = tempfile::tempdir().unwrap();
    let subscription = scope_of(config.path(), ALEX, "mosp_subscription", None);
    let out = cli(
        &["email", "--account", ALEX, "--scope", &subscription],
        config.path(),
    );
    exit(&out, 6);
    let said = text(&out.stdout);
    assert!(
        said.contains("This can only be done in the Azure portal."),
        "{said}"
    );
    assert!(
        said.contains("Azure portal: https://portal.azure.com/"),
        "{said}"
    );
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));

    // A change asked for changes nothing and says the same.
    let out = cli(
        &[
            "email",
            "--account",
            ALEX,
            "--scope",
            &subscription,
            "--add",
            "x@contoso.example",
            "--json",
        ],
        config.path(),
    );
    exit(&out, 6);
    let answer = json(&out);
    assert_eq!(answer["scopeId"], subscription.as_str());
    assert_eq!(answer["offered"], false);
    assert_eq!(answer["reason"], "portal_only");
    assert!(
        answer["portalUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://portal.azure.com/"),
        "{answer}"
    );

    let enrollment = scope_of(config.path(), ERIN, "ea_enrollment", None);
    let out = cli(
        &[
            "email",
            "--account",
            ERIN,
            "--scope",
            &enrollment,
            "--lang",
            "nl",
        ],
        config.path(),
    );
    exit(&out, 6);
    let said = text(&out.stdout);
    assert!(said.contains("invoices@contoso.example"), "{said}");
    assert!(said.contains("Azure-portal: https://"), "{said}");
    let answer = json(&cli(
        &["email", "--account", ERIN, "--scope", &enrollment, "--json"],
        config.path(),
    ));
    assert_eq!(answer["reason"], "ea_invoices_are_emailed");
    assert_eq!(answer["eaInvoiceRecipient"], "invoices@contoso.example");
}

#[test]
fn the_pay_as_you_go_administrator_sees_and_sets_the_notification_address_and_a_reader_may_not() {
    let config = tempfile::tempdir().unwrap();
    let subscription = scope_of(config.path(), ALEX, "mosp_subscription", None);
    let shown = |account: &str, extra: &[&str]| {
        let mut args = vec!["email", "--account", account, "--scope", &subscription];
        args.extend_from_slice(extra);
        cli(&args, config.path())
    };

    // What Azure shows, beside the portal page (still exit 6: the rest is the portal's).
    let out = shown(ALEX, &["--json"]);
    exit(&out, 6);
    let state = &json(&out)["subscription"];
    assert_eq!(state["accountAdmin"], true, "{state}");
    assert_eq!(state["mayChangeNotificationEmail"], true, "{state}");
    assert_eq!(state["offerWithoutEmail"], Value::Null, "{state}");
    let before = state["notificationEmail"]
        .as_str()
        .expect("Alex reads it")
        .to_owned();
    let out = shown(ALEX, &["--lang", "nl"]);
    exit(&out, 6);
    let said = text(&out.stdout);
    assert!(said.contains(&before), "{said}");
    assert!(said.contains("U bent de accountbeheerder"), "{said}");
    assert!(said.contains("--notification-address ADRES"), "{said}");
    assert!(
        said.contains("https://account.windowsazure.com/profile"),
        "{said}"
    );

    // Set: what Azure holds afterwards, exit 0.
    let out = shown(
        ALEX,
        &[
            "--notification-address",
            " billing@contoso.example ",
            "--json",
        ],
    );
    exit(&out, 0);
    let now = json(&out);
    assert_eq!(now["notificationEmail"], "billing@contoso.example", "{now}");
    assert_ne!(before, "billing@contoso.example");
    let out = shown(ALEX, &["--notification-address", "billing@contoso.example"]);
    exit(&out, 0);
    assert!(text(&out.stdout).contains("The notification address is changed."));

    // Not an address: nothing sent, exit 1, the address named.
    let out = shown(ALEX, &["--notification-address", "not an address"]);
    exit(&out, 1);
    assert!(
        text(&out.stderr).contains("not an address"),
        "{}",
        text(&out.stderr)
    );

    // Dana reads one of Alex's subscriptions but is not its administrator: refused (exit 4).
    let dana = "dev@contoso.example";
    let hers = scope_of(config.path(), dana, "mosp_subscription", None);
    let out = cli(
        &[
            "email",
            "--account",
            dana,
            "--scope",
            &hers,
            "--notification-address",
            "dana@contoso.example",
        ],
        config.path(),
    );
    exit(&out, 4);
    let said = text(&out.stdout);
    assert!(said.contains("Only the account administrator"), "{said}");
    assert!(!said.contains("--notification-address"), "{said}");
    assert!(
        text(&out.stderr).contains(
            "Only the account administrator can change this account's notification address."
        ),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn help_documents_the_flags_fields_and_exit_codes() {
    let config = tempfile::tempdir().unwrap();
    let out = cli(&["email", "--help"], config.path());
    exit(&out, 0);
    let help = text(&out.stdout);
    for needle in [
        "--scope",
        "--on",
        "--off",
        "--add",
        "--remove",
        "--yes",
        "optIn",
        "mayChange",
        "portalUrl",
        "4 permission",
        "6 not offered",
    ] {
        assert!(help.contains(needle), "{needle}:\n{help}");
    }
    let help = text(&cli(&["--help"], config.path()).stdout);
    assert!(help.contains("6  not offered"), "{help}");
    assert!(help.contains("email"), "{help}");
}
