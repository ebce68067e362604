//! `invoice-desk glance` through the real binary: a customer agreement invoice's usage file,
//! saved from the demo data by `invoice-desk usage`, summarised in words (English and Dutch)
//! and as JSON and checked against its invoice; files that are not usage files and paths that
//! lead nowhere fail with the usage file's error and exit 1.

mod common;

use std::path::{Path, PathBuf};

use common::{cli, json, text};

const OLIVIA: &str = "olivia.owner@contoso.example";

/// Olivia's billing profile, its newest invoice, and that invoice's usage file saved into
/// `out` by `invoice-desk usage`.
fn saved_invoice_file(config: &Path, out: &Path) -> (String, String, PathBuf) {
    let scopes = json(&cli(&["scopes", "--account", OLIVIA, "--json"], config));
    let scope = scopes
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "mca_billing_profile")
        .expect("Olivia has a billing profile")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let periods = json(&cli(
        &["invoices", "--account", OLIVIA, "--json", "--scope", &scope],
        config,
    ));
    let invoice = periods
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["invoices"].as_array().cloned().unwrap_or_default())
        .next()
        .expect("an invoice")["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let saved = cli(
        &[
            "usage",
            "--account",
            OLIVIA,
            "--scope",
            &scope,
            "--invoice",
            &invoice,
            "--out",
            out.to_str().unwrap(),
            "--json",
        ],
        config,
    );
    assert_eq!(saved.status.code(), Some(0), "{}", text(&saved.stderr));
    let path = out.join(json(&saved)["files"][0]["path"].as_str().unwrap());
    (scope, invoice, path)
}

/// An exact decimal string to the cent, for comparing with what people read.
fn cents(value: &str) -> String {
    format!("{:.2}", value.parse::<f64>().unwrap())
}

#[test]
fn an_invoices_usage_file_at_a_glance_matches_its_invoice() {
    let config = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (scope, invoice, path) = saved_invoice_file(config.path(), out.path());
    let file = path.to_str().unwrap();
    let checked = [
        "glance",
        "--account",
        OLIVIA,
        "--scope",
        &scope,
        "--invoice",
        &invoice,
        "--file",
        file,
    ];

    // As JSON: the use case's summary and check, field for field.
    let got = cli(&[&checked[..], &["--json"]].concat(), config.path());
    assert_eq!(got.status.code(), Some(0), "{}", text(&got.stderr));
    let glance = json(&got);
    let summary = &glance["summary"];
    let rows = summary["rows"].as_u64().unwrap();
    assert!(rows > 0, "{summary}");
    let currency = summary["currency"].as_str().expect("one billing currency");
    assert_eq!(summary["invoiceIds"], serde_json::json!([invoice]));
    for field in [
        "total",
        "firstDay",
        "lastDay",
        "byService",
        "byResourceGroup",
        "byDay",
        "topResources",
        "byChargeType",
        "currencies",
    ] {
        assert!(!summary[field].is_null(), "summary.{field}: {summary}");
    }
    let services = summary["byService"].as_array().unwrap();
    assert!(!services.is_empty());
    assert!(summary["topResources"].as_array().unwrap().len() <= 10);
    let check = &glance["check"];
    assert_eq!(check["invoice"], invoice.as_str());
    assert_eq!(check["matches"], true, "{check}");
    assert_eq!(check["difference"], "0.00");
    assert_eq!(check["currency"], currency);
    assert!(
        check["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "chargeTypes"),
        "{check}"
    );

    // In words: the total to the cent, the services, the check's verdict, the days.
    let got = cli(&checked, config.path());
    assert_eq!(got.status.code(), Some(0), "{}", text(&got.stderr));
    let said = text(&got.stdout);
    let total = format!("{} {currency}", cents(summary["total"].as_str().unwrap()));
    assert!(said.starts_with("Usage at a glance \u{2014} "), "{said}");
    assert!(
        said.lines()
            .any(|l| l.trim_start().starts_with("Total:") && l.ends_with(&total)),
        "{total}:\n{said}"
    );
    assert!(said.contains(&format!("Rows:   {rows}")), "{said}");
    let first = summary["firstDay"].as_str().unwrap();
    assert!(
        said.contains(&format!("Days:   {first} \u{2013} ")),
        "{said}"
    );
    assert!(
        said.contains(&format!("Checked against the invoice \u{2014} {invoice}")),
        "{said}"
    );
    assert!(
        said.contains("Matches the invoice's pre-tax amount"),
        "{said}"
    );
    assert!(said.contains("Invoice before tax:"), "{said}");
    assert!(said.contains("Cost per service"), "{said}");
    let top = &services[0];
    let top_line = said
        .lines()
        .find(|l| l.trim_start().starts_with(top["name"].as_str().unwrap()))
        .unwrap_or_else(|| panic!("the largest service has a line:\n{said}"));
    assert!(
        top_line.contains(&cents(top["cost"].as_str().unwrap())) && top_line.contains('\u{2588}'),
        "its cost and a full bar: {top_line}"
    );
    assert!(said.contains("Cost per resource group"), "{said}");
    assert!(said.contains("Cost per day"), "{said}");
    assert!(
        said.contains(&format!("  {first}  ")),
        "a line per day:\n{said}"
    );
    assert!(said.contains("Most expensive resources"), "{said}");
    assert!(said.contains("RESOURCE GROUP"), "{said}");

    // `--top 1`: one service, the rest added up as "Other (n)".
    if services.len() > 2 {
        let got = cli(&["glance", "--file", file, "--top", "1"], config.path());
        assert_eq!(got.status.code(), Some(0), "{}", text(&got.stderr));
        let said = text(&got.stdout);
        assert!(
            said.contains(&format!("Other ({})", services.len() - 1)),
            "{said}"
        );
        assert!(
            !said.contains("Checked against"),
            "no check without --invoice"
        );
    }

    // In Dutch, the same figures.
    let got = cli(&[&checked[..], &["--lang", "nl"]].concat(), config.path());
    assert_eq!(got.status.code(), Some(0), "{}", text(&got.stderr));
    let said = text(&got.stdout);
    for words in [
        "Gebruik in één oogopslag",
        "Totaal:",
        "Regels:",
        "Vergeleken met de factuur",
        "Komt overeen met het factuurbedrag vóór btw",
        "Kosten per service",
        "Kosten per resourcegroep",
        "Kosten per dag",
        "Duurste resources",
        "RESOURCEGROEP",
    ] {
        assert!(said.contains(words), "{words}:\n{said}");
    }
    assert!(said.contains(&total), "{said}");
    assert!(!said.contains("Cost per"), "no English left:\n{said}");
}

#[test]
fn what_is_not_a_usage_file_fails_with_its_error_and_exit_1() {
    let config = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let not_usage = dir.path().join("notes.csv");
    std::fs::write(&not_usage, "name,amount\nlunch,12.50\n").unwrap();
    let got = cli(
        &["glance", "--file", not_usage.to_str().unwrap()],
        config.path(),
    );
    assert_eq!(got.status.code(), Some(1), "{}", text(&got.stdout));
    assert!(got.stdout.is_empty(), "{}", text(&got.stdout));
    let said = text(&got.stderr);
    assert!(
        said.starts_with("error: This usage file cannot be summarised. ("),
        "{said}"
    );
    assert!(said.contains("not an Azure usage file"), "{said}");
    assert!(said.contains("\nhint: "), "{said}");

    let missing = dir.path().join("nowhere").join("usage.csv");
    let got = cli(
        &[
            "glance",
            "--file",
            missing.to_str().unwrap(),
            "--lang",
            "nl",
        ],
        config.path(),
    );
    assert_eq!(got.status.code(), Some(1), "{}", text(&got.stdout));
    let said = text(&got.stderr);
    assert!(
        said.starts_with("error: Dit gebruiksbestand kan niet worden samengevat."),
        "{said}"
    );
    assert!(said.contains(missing.to_str().unwrap()), "{said}");

    // With --json the failure is the same: stderr and the exit code, nothing on stdout.
    let got = cli(
        &["glance", "--file", missing.to_str().unwrap(), "--json"],
        config.path(),
    );
    assert_eq!(got.status.code(), Some(1));
    assert!(got.stdout.is_empty());

    // An invoice needs the scope it is of.
    let got = cli(
        &[
            "glance",
            "--file",
            not_usage.to_str().unwrap(),
            "--invoice",
            "G1",
        ],
        config.path(),
    );
    assert_eq!(got.status.code(), Some(2), "{}", text(&got.stderr));
}
