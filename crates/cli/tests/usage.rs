//! `invoice-desk usage` through the real binary on the demo data: an invoice's usage file on
//! disk with `--json` naming it, the second run finding it already there, a range past Azure's
//! 13 months listing the old months with exit 1, and refusals as permission errors.

mod common;

use std::path::Path;

use common::{TODAY, cli, json, text};

const OLIVIA: &str = "olivia.owner@contoso.example";
const OWEN: &str = "owen.account@contoso.example";

fn scope_of(config: &Path, account: &str, kind: &str) -> String {
    let scopes = json(&cli(&["scopes", "--account", account, "--json"], config));
    scopes
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == kind)
        .unwrap_or_else(|| panic!("{account} has a {kind}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn an_invoice(config: &Path, scope: &str) -> String {
    let periods = json(&cli(
        &["invoices", "--account", OLIVIA, "--json", "--scope", scope],
        config,
    ));
    periods
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["invoices"].as_array().cloned().unwrap_or_default())
        .next()
        .expect("an invoice")["name"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn an_invoices_usage_file_is_saved_once_and_named_in_json() {
    let config = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let scope = scope_of(config.path(), OLIVIA, "mca_billing_profile");
    let invoice = an_invoice(config.path(), &scope);
    let dir = out.path().to_str().unwrap();
    let args = [
        "usage",
        "--account",
        OLIVIA,
        "--scope",
        &scope,
        "--invoice",
        &invoice,
        "--out",
        dir,
        "--json",
    ];
    let first = cli(&args, config.path());
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let report = json(&first);
    assert_eq!(report["scopeId"], scope.as_str());
    let file = &report["files"][0];
    assert_eq!(file["outcome"], "saved");
    assert_eq!(file["period"]["invoice"], invoice.as_str());
    let path = out.path().join(file["path"].as_str().unwrap());
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(csv.starts_with("invoiceId,"), "MCA columns");
    assert!(
        csv.lines().skip(1).all(|l| l.starts_with(&invoice)),
        "billed on the invoice"
    );
    assert_eq!(file["size"].as_u64().unwrap(), csv.len() as u64);

    let again = json(&cli(&args, config.path()));
    assert_eq!(again["files"][0]["outcome"], "already_there");

    // People read the same in words, in Dutch too.
    let words = cli(
        &[
            "usage",
            "--account",
            OLIVIA,
            "--scope",
            &scope,
            "--invoice",
            &invoice,
            "--out",
            dir,
            "--lang",
            "nl",
        ],
        config.path(),
    );
    assert_eq!(words.status.code(), Some(0));
    let said = text(&words.stdout);
    assert!(said.contains("Gebruiksbestanden: 1"), "{said}");
}

#[test]
fn a_range_past_13_months_lists_the_old_months_and_exits_1() {
    let config = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let scope = scope_of(config.path(), OLIVIA, "mca_billing_profile");
    let got = cli(
        &[
            "usage",
            "--account",
            OLIVIA,
            "--scope",
            &scope,
            "--from",
            "2025-09",
            "--to",
            "2025-12",
            "--merge",
            "--out",
            out.path().to_str().unwrap(),
            "--json",
        ],
        config.path(),
    );
    assert_eq!(got.status.code(), Some(1), "{}", text(&got.stderr));
    let report = json(&got);
    let missing = &report["notFetched"][0];
    assert_eq!(missing["error"]["code"], "usage_too_old");
    assert_eq!(missing["period"]["start"], "2025-09-01");
    assert_eq!(missing["period"]["end"], "2025-10-31");
    assert_eq!(
        report["files"].as_array().unwrap().len(),
        1,
        "November and December as one file"
    );
    assert!(
        report["files"][0]["path"]
            .as_str()
            .unwrap()
            .contains("2025-11")
    );
}

#[test]
fn refusals_are_permission_errors_that_name_the_policy() {
    let config = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let scope = scope_of(config.path(), OWEN, "ea_enrollment_account");
    let got = cli(
        &[
            "usage",
            "--account",
            OWEN,
            "--scope",
            &scope,
            "--open-month",
            "--out",
            out.path().to_str().unwrap(),
        ],
        config.path(),
    );
    assert_eq!(got.status.code(), Some(4), "{}", text(&got.stderr));
    let said = text(&got.stderr);
    assert!(said.contains("enterprise administrator"), "{said}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);

    let bad = cli(
        &[
            "usage",
            "--account",
            OLIVIA,
            "--scope",
            &scope,
            "--out",
            "x",
        ],
        config.path(),
    );
    assert_eq!(
        bad.status.code(),
        Some(2),
        "one of --period, --invoice, --open-month, --from"
    );
}

#[test]
fn a_pay_as_you_go_period_is_the_billing_period_that_starts_in_that_month() {
    let config = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let alex = "alex@contoso.example";
    let scopes = json(&cli(
        &["scopes", "--account", alex, "--json"],
        config.path(),
    ));
    // A subscription whose periods do not follow calendar months.
    let (scope, period) = scopes
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "mosp_subscription")
        .find_map(|s| {
            let id = s["id"].as_str().unwrap().to_owned();
            let periods = json(&cli(
                &["invoices", "--account", alex, "--json", "--scope", &id],
                config.path(),
            ));
            periods
                .as_array()
                .unwrap()
                .iter()
                .find(|p| {
                    !p["periodStart"].as_str().unwrap().ends_with("-01")
                        && p["periodEnd"].as_str().unwrap() < TODAY
                })
                .map(|p| (id, p.clone()))
        })
        .expect("a subscription with a billing period from mid-month");
    let start = period["periodStart"].as_str().unwrap();
    let got = json(&cli(
        &[
            "usage",
            "--account",
            alex,
            "--scope",
            &scope,
            "--period",
            &start[..7],
            "--out",
            out.path().to_str().unwrap(),
            "--json",
        ],
        config.path(),
    ));
    assert_eq!(got["files"][0]["period"]["start"], start);
    assert_eq!(got["files"][0]["period"]["end"], period["periodEnd"]);
}

#[test]
fn sync_with_usage_keeps_every_closed_month_once() {
    let config = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let dan = "dan.dept@contoso.example";
    let department = scope_of(config.path(), dan, "ea_department");
    let args = [
        "sync",
        "--account",
        dan,
        "--scope",
        &department,
        "--usage",
        "--out",
        out.path().to_str().unwrap(),
        "--json",
    ];
    let first = cli(&args, config.path());
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let report = json(&first);
    let usage = &report["usage"][0];
    assert_eq!(usage["scopeId"], department.as_str());
    let months: Vec<&str> = usage["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["period"]["start"].as_str().unwrap())
        .collect();
    // The 13 closed months Azure still reports on, the running month left for later.
    assert_eq!(months.len(), 13, "{months:?}");
    assert_eq!(months.first(), Some(&"2025-11-01"));
    assert_eq!(months.last(), Some(&"2026-11-01"));

    let again = json(&cli(&args, config.path()));
    assert_eq!(
        again["usage"][0]["files"].as_array().unwrap().len(),
        0,
        "what is there already is not fetched again"
    );
    assert_eq!(
        again["usage"][0]["alreadyThere"].as_array().unwrap().len(),
        13,
        "and it is counted as there already"
    );
}

#[test]
fn every_scope_kind_gets_its_usage_file_with_its_agreements_columns() {
    let config = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    for (account, kind, first_column) in [
        (
            "alex@contoso.example",
            "mosp_subscription",
            "InvoiceSectionName,",
        ),
        (OLIVIA, "mca_billing_profile", "invoiceId,"),
        (
            "sofia.section@contoso.example",
            "mca_invoice_section",
            "invoiceId,",
        ),
        (
            "erin.ea@contoso.example",
            "ea_enrollment",
            "InvoiceSectionName,",
        ),
        (
            "dan.dept@contoso.example",
            "ea_department",
            "InvoiceSectionName,",
        ),
        (
            "erin.ea@contoso.example",
            "ea_enrollment_account",
            "InvoiceSectionName,",
        ),
    ] {
        let scope = scope_of(config.path(), account, kind);
        let got = cli(
            &[
                "usage",
                "--account",
                account,
                "--scope",
                &scope,
                "--period",
                "2026-10",
                "--out",
                dir,
                "--json",
            ],
            config.path(),
        );
        assert_eq!(got.status.code(), Some(0), "{kind}: {}", text(&got.stderr));
        let report = json(&got);
        let file = &report["files"][0];
        let csv = std::fs::read_to_string(out.path().join(file["path"].as_str().unwrap())).unwrap();
        assert!(
            csv.starts_with(first_column),
            "{kind}: {}",
            csv.lines().next().unwrap_or_default()
        );
        assert!(csv.lines().count() > 1, "{kind} has rows");
    }
}
