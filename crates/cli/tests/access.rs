//! `invoice-desk access` through the real binary on the demo data: per account its agreement,
//! per scope the roles, what they rest on and each action with the reason and portal page, in
//! English and Dutch; `--json` as the report serialises; `--scope` narrowing to one scope (and
//! an unknown one failing with exit 1); the help pages at the end.

mod common;

use std::process::Output;

use serde_json::Value;

use common::{cli, text};

const OLIVIA: &str = "olivia.owner@contoso.example";
const RITA: &str = "rita.reader@contoso.example";
const DORA: &str = "dora.dept@contoso.example";

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&ok(out)).expect("JSON on stdout")
}

fn scopes(report: &Value) -> Vec<&Value> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["scopes"].as_array().unwrap())
        .collect()
}

#[test]
fn the_reader_is_told_in_english_and_dutch_who_grants_the_email_settings() {
    let config = tempfile::tempdir().unwrap();
    let en = ok(&cli(&["access", "--account", RITA], config.path()));
    for expected in [
        "Microsoft Customer Agreement",
        "rita.reader@contoso.example",
        "roles: billing profile reader",
        "based on: your billing permissions (billingPermissions)",
        "Allowed: list invoices, download invoices, download usage",
        "Not allowed: invoice e-mail \u{2014} You need the billing profile contributor role; a billing profile owner can grant it.",
        "/properties",
        "Help:",
        "Checking your access (Microsoft Learn): https://learn.microsoft.com/en-us/",
        "https://portal.azure.com/#view/Microsoft_Azure_Support/NewSupportRequestV3Blade",
    ] {
        assert!(en.contains(expected), "{expected:?} in:\n{en}");
    }
    let nl = ok(&cli(
        &["access", "--account", RITA, "--lang", "nl"],
        config.path(),
    ));
    for expected in [
        "rollen: lezer van het factureringsprofiel",
        "op basis van: uw factureringsmachtigingen (billingPermissions)",
        "Niet toegestaan: factuur-e-mail \u{2014} ",
        "Hulp:",
        "Uw toegang controleren (Microsoft Learn): https://learn.microsoft.com/nl-nl/",
        "Een ondersteuningsaanvraag maken (Azure-portal)",
    ] {
        assert!(nl.contains(expected), "{expected:?} in:\n{nl}");
    }
    for english in ["roles:", "Allowed", "Help:", "based on"] {
        assert!(!nl.contains(english), "{english:?} in Dutch:\n{nl}");
    }
}

#[test]
fn the_department_admin_reads_that_the_view_charges_policy_keeps_usage() {
    let config = tempfile::tempdir().unwrap();
    let en = ok(&cli(&["access", "--account", DORA], config.path()));
    assert!(en.contains("Enterprise Agreement"), "{en}");
    assert!(
        en.contains("Not allowed: download usage \u{2014} An enterprise administrator has to turn on the policy \u{201c}Department admins can view charges\u{201d}."),
        "{en}"
    );
    assert!(en.contains("/policies"), "{en}");
    assert!(
        en.contains("Not offered: list invoices, download invoices, invoice e-mail"),
        "{en}"
    );
}

#[test]
fn json_is_the_report_and_scope_narrows_it() {
    let config = tempfile::tempdir().unwrap();
    let report = json(&cli(
        &["access", "--account", OLIVIA, "--json"],
        config.path(),
    ));
    let accounts = report["accounts"].as_array().unwrap();
    let mca: Vec<_> = accounts
        .iter()
        .filter(|a| a["agreement"] == "mca")
        .collect();
    assert_eq!(mca.len(), 1, "{report:#}");
    assert_eq!(mca[0]["username"], OLIVIA);
    assert!(
        mca[0]["billingAccountId"]
            .as_str()
            .unwrap()
            .starts_with("/providers/Microsoft.Billing/billingAccounts/")
    );
    let profiles: Vec<_> = scopes(&report)
        .into_iter()
        .filter(|s| s["kind"] == "mca_billing_profile")
        .collect();
    assert_eq!(profiles.len(), 3);
    for profile in &profiles {
        assert_eq!(profile["roles"][0], "billing_profile_owner");
        assert!(
            profile["evidence"]
                .as_array()
                .unwrap()
                .contains(&Value::from("billing_permissions"))
        );
        for action in [
            "listInvoices",
            "downloadInvoices",
            "downloadUsage",
            "manageEmail",
        ] {
            let cap = &profile["capabilities"][action];
            assert_eq!(cap["state"], "allowed", "{action}");
            assert_eq!(cap["allowed"], true);
            assert!(cap["portalUrl"].is_null());
        }
    }

    let id = profiles[1]["id"].as_str().unwrap();
    let upper = id.to_uppercase();
    let one = json(&cli(
        &["access", "--account", OLIVIA, "--json", "--scope", &upper],
        config.path(),
    ));
    let narrowed = scopes(&one);
    assert_eq!(narrowed.len(), 1);
    assert_eq!(narrowed[0]["id"], id);
    assert_eq!(one["accounts"].as_array().unwrap().len(), 1);

    let human = ok(&cli(
        &["access", "--account", OLIVIA, "--scope", id],
        config.path(),
    ));
    assert_eq!(human.matches("    roles: ").count(), 1, "{human}");
    assert!(human.contains("Help:"), "{human}");

    let unknown = cli(
        &[
            "access",
            "--account",
            OLIVIA,
            "--scope",
            "/subscriptions/nowhere",
        ],
        config.path(),
    );
    assert_eq!(unknown.status.code(), Some(1), "{}", text(&unknown.stderr));
    assert!(text(&unknown.stderr).contains("/subscriptions/nowhere"));
}
