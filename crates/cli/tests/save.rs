//! `invoice-desk download` and `sync` through the real binary on the demo data: the files
//! appear under the template's names, a second sync saves nothing, failures give exit 1 with
//! the summary, a bad template is a usage error.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const OLIVIA: &str = "olivia.owner@contoso.example";

fn cli(args: &[&str], config: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_invoice-desk"))
        .args(args)
        .env(
            "INVOICE_DESK_KEYRING_SERVICE",
            "invoice-desk-save-test-unused",
        )
        .env("XDG_CONFIG_HOME", config)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\nstderr:\n{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    })
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

/// Olivia's first billing profile and three of its invoices with their dates.
fn profile_and_invoices(config: &Path) -> (String, Vec<(String, String)>) {
    let scopes = json(&ok(cli(
        &["scopes", "--demo", "--account", OLIVIA, "--json"],
        config,
    )));
    let scope = scopes
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "mca_billing_profile")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let periods = json(&ok(cli(
        &[
            "invoices",
            "--demo",
            "--account",
            OLIVIA,
            "--json",
            "--scope",
            &scope,
        ],
        config,
    )));
    let invoices: Vec<(String, String)> = periods
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["invoices"].as_array().unwrap().clone())
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_owned(),
                i["invoiceDate"].as_str().unwrap().to_owned(),
            )
        })
        .take(3)
        .collect();
    assert_eq!(invoices.len(), 3);
    (scope, invoices)
}

fn files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if !path.ends_with(".invoice-desk-index.lock") {
                // The index's lock is bookkeeping, empty: not one of the files a user counts.
                out.push(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out.sort();
    out
}

#[test]
fn download_three_invoices_gives_files_with_the_template_names() {
    let config = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let (scope, invoices) = profile_and_invoices(config.path());
    let names: Vec<&str> = invoices.iter().map(|(n, _)| n.as_str()).collect();
    let out = ok(cli(
        &[
            "download",
            "--demo",
            "--account",
            OLIVIA,
            "--scope",
            &scope,
            "--invoice",
            &names.join(","),
            "--out",
            &out_dir.path().to_string_lossy(),
        ],
        config.path(),
    ));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("3 saved, 0 already there, 0 failed"),
        "{stdout}"
    );
    let on_disk = files(out_dir.path());
    for (name, date) in &invoices {
        // Default template: {billingAccount}/{yyyy}-{mm} {invoiceName}.pdf
        let file = format!("{} {name}.pdf", &date[..7]);
        let hit = on_disk
            .iter()
            .find(|f| Path::new(f).file_name() == Some(file.as_ref()))
            .unwrap_or_else(|| panic!("{file} not in {on_disk:?}"));
        let bytes = std::fs::read(out_dir.path().join(hit)).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{hit}");
        // Shown with `/` on every system, as the name template writes it.
        let shown = hit.replace(std::path::MAIN_SEPARATOR, "/");
        assert!(stdout.contains(&format!("saved: {shown}")), "{stdout}");
    }
    assert_eq!(on_disk.len(), 4, "three PDFs and the index: {on_disk:?}");
    assert!(on_disk.iter().any(|f| f == ".invoice-desk-index.json"));

    // --template overrides the settings; --json gives the summary.
    let other = tempfile::tempdir().unwrap();
    let out = ok(cli(
        &[
            "download",
            "--demo",
            "--account",
            OLIVIA,
            "--scope",
            &scope,
            "--invoice",
            names[0],
            "--template",
            "{invoiceName} {documentKind}",
            "--json",
            "--out",
            &other.path().to_string_lossy(),
        ],
        config.path(),
    ));
    let summary = json(&out);
    assert_eq!(summary["counts"]["saved"], 1);
    assert_eq!(
        summary["saved"][0]["path"],
        format!("{} Invoice.pdf", names[0])
    );
}

#[test]
fn sync_twice_saves_nothing_the_second_time() {
    let config = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let dest = out_dir.path().to_string_lossy().into_owned();
    let args = [
        "sync",
        "--demo",
        "--account",
        OLIVIA,
        "--json",
        "--out",
        &dest,
    ];
    let first = json(&ok(cli(&args, config.path())));
    let saved = first["counts"]["saved"].as_u64().unwrap();
    assert!(saved >= 10, "{first}");
    assert_eq!(first["counts"]["failed"], 0);
    let second = json(&ok(cli(&args, config.path())));
    assert_eq!(second["counts"]["saved"], 0, "{second}");
    assert_eq!(second["counts"]["alreadyThere"].as_u64().unwrap(), saved);
    assert_eq!(files(out_dir.path()).len() as u64, saved + 1);

    // In Dutch, as lines.
    let out = ok(cli(
        &[
            "sync",
            "--demo",
            "--account",
            OLIVIA,
            "--lang",
            "nl",
            "--out",
            &dest,
        ],
        config.path(),
    ));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("0 opgeslagen, {saved} al aanwezig, 0 mislukt")),
        "{stdout}"
    );
}

#[test]
fn failed_documents_give_exit_1_with_the_summary() {
    let config = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let (scope, invoices) = profile_and_invoices(config.path());
    // A file where the template wants a folder: every document fails, nothing is lost.
    std::fs::write(out_dir.path().join("blocked"), b"mine").unwrap();
    let out = cli(
        &[
            "download",
            "--demo",
            "--account",
            OLIVIA,
            "--scope",
            &scope,
            "--invoice",
            &invoices[0].0,
            "--template",
            "blocked/{invoiceName}.pdf",
            "--json",
            "--out",
            &out_dir.path().to_string_lossy(),
        ],
        config.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let summary = json(&out);
    assert_eq!(summary["counts"]["failed"], 1);
    assert!(summary["failed"][0]["code"].is_string());
    assert_eq!(
        std::fs::read(out_dir.path().join("blocked")).unwrap(),
        b"mine"
    );
}

#[test]
fn a_bad_template_is_a_usage_error() {
    let config = tempfile::tempdir().unwrap();
    let out = cli(
        &[
            "sync",
            "--demo",
            "--out",
            "/tmp/never-written",
            "--template",
            "{month}/{invoiceName}",
        ],
        config.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("{month}"), "{stderr}");
    assert!(!Path::new("/tmp/never-written").exists());
}

/// The one pay-as-you-go subscription `upn` reads.
fn mosp_scope(upn: &str, config: &Path) -> String {
    mosp_scope_on(upn, config, &[])
}

/// The same, on the day `today` sets (`["--today", DAY]` or nothing).
fn mosp_scope_on(upn: &str, config: &Path, today: &[&str]) -> String {
    let mut args = vec!["scopes", "--demo", "--account", upn, "--json"];
    args.extend_from_slice(today);
    let scopes = json(&ok(cli(&args, config)));
    scopes[0]["id"].as_str().unwrap().to_owned()
}

#[test]
fn a_reader_downloads_where_the_account_administrator_allows_others_and_hears_whom_to_ask_where_not()
 {
    let config = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = |upn: &str, extra: &[&str]| {
        let scope = mosp_scope(upn, config.path());
        let dir = out_dir.path().to_string_lossy().into_owned();
        let mut args = vec![
            "download",
            "--demo",
            "--account",
            upn,
            "--scope",
            &scope,
            "--out",
            &dir,
        ];
        args.extend(extra);
        cli(&args, config.path())
    };

    // Riley: "Allow others to download invoice" is on for "Web shop".
    let saved = ok(out("riley.reader@contoso.example", &[]));
    let stdout = text(&saved.stdout);
    assert!(!stdout.contains(" 0 saved"), "{stdout}");
    let pdfs: Vec<String> = files(out_dir.path())
        .into_iter()
        .filter(|f| is_pdf(f))
        .collect();
    assert!(pdfs.len() >= 11, "{pdfs:?}");
    let bytes = std::fs::read(out_dir.path().join(&pdfs[0])).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));

    // Dana: it is off for Alex's subscription. Azure's 403, worded as the switch to ask for.
    for (lang, reason, hint) in [
        (
            "en",
            "The account administrator (alex@contoso.example) can turn on \u{201c}Allow others to download invoice\u{201d}",
            "hint: Ask whoever the message names to turn that setting on, or pick another scope.",
        ),
        (
            "nl",
            "De accountbeheerder (alex@contoso.example) kan in de Azure-portal bij dit abonnement \u{201e}Toestaan dat anderen de factuur downloaden\u{201d} op Aan zetten.",
            "hint: Vraag wie in de melding genoemd wordt om die instelling aan te zetten",
        ),
    ] {
        let refused = out("dev@contoso.example", &["--lang", lang]);
        assert_eq!(refused.status.code(), Some(4), "{}", text(&refused.stderr));
        let stderr = text(&refused.stderr);
        assert!(stderr.contains(reason), "{stderr}");
        assert!(stderr.contains(hint), "{stderr}");
        assert!(!stderr.contains("role"), "{stderr}");
    }
}

#[test]
fn an_invoice_from_before_december_2016_is_refused_to_a_reader_with_its_reason() {
    let config = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let riley = "riley.reader@contoso.example";
    // On this day the demo's "Web shop" reaches back into 2016.
    let day = ["--today", "2017-03-15"];
    let scopes = json(&ok(cli(
        &[
            "scopes",
            "--demo",
            "--account",
            riley,
            "--json",
            day[0],
            day[1],
        ],
        config.path(),
    )));
    let scope = scopes[0]["id"].as_str().unwrap().to_owned();
    let periods = json(&ok(cli(
        &[
            "invoices",
            "--demo",
            "--account",
            riley,
            "--json",
            "--scope",
            &scope,
            "--from",
            "2016-01",
            "--to",
            "2016-10",
            day[0],
            day[1],
        ],
        config.path(),
    )));
    let old = periods
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["invoices"].as_array().unwrap().clone())
        .find(|i| i["invoiceDate"].as_str().unwrap() < "2016-12-01")
        .expect("an invoice from before December 2016");
    let name = old["name"].as_str().unwrap();
    let refused = cli(
        &[
            "download",
            "--demo",
            "--account",
            riley,
            "--scope",
            &scope,
            "--invoice",
            name,
            "--out",
            &out_dir.path().to_string_lossy(),
            day[0],
            day[1],
        ],
        config.path(),
    );
    assert_eq!(refused.status.code(), Some(4), "{}", text(&refused.stderr));
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains(&format!(
            "Invoice `{name}` cannot be downloaded: Invoices from before December 2016 can only be downloaded by the account administrator."
        )),
        "{stderr}"
    );
    assert!(files(out_dir.path()).iter().all(|f| !is_pdf(f)));
}

#[test]
fn a_range_into_2016_saves_what_the_reader_may_and_lists_the_rest_with_their_reason() {
    let config = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let riley = "riley.reader@contoso.example";
    let day = ["--today", "2017-03-15"];
    let scope = mosp_scope_on(riley, config.path(), &day);
    let out = out_dir.path().to_string_lossy().into_owned();
    let download = |extra: &[&str]| {
        let mut args = vec![
            "download",
            "--demo",
            "--account",
            riley,
            "--scope",
            &scope,
            "--from",
            "2016-09",
            "--to",
            "2017-02",
            "--out",
            &out,
            day[0],
            day[1],
        ];
        args.extend_from_slice(extra);
        cli(&args, config.path())
    };
    let run = download(&["--json"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let summary = json(&run);
    let refused = summary["refused"].as_array().unwrap();
    assert_eq!(summary["counts"]["refused"], refused.len());
    assert!(
        (2..=3).contains(&refused.len()),
        "September to November 2016 are the administrator's alone: {refused:?}"
    );
    for r in refused {
        assert_eq!(r["code"], "account_administrator_only_before_december_2016");
        assert_eq!(
            r["scopeId"].as_str().unwrap().to_lowercase(),
            scope.to_lowercase()
        );
        assert!(
            r["message"].as_str().unwrap().contains("December 2016"),
            "{r}"
        );
    }
    let saved = summary["saved"].as_array().unwrap();
    assert!(!saved.is_empty(), "December 2016 on is saved: {summary}");
    let refused_names: Vec<&str> = refused
        .iter()
        .map(|r| r["invoice"].as_str().unwrap())
        .collect();
    assert!(
        saved
            .iter()
            .all(|d| !refused_names.contains(&d["invoice"].as_str().unwrap()))
    );
    assert_eq!(
        files(out_dir.path()).iter().filter(|f| is_pdf(f)).count(),
        saved.len()
    );

    // In words, in Dutch, on the second run: nothing new, the same invoices named.
    let again = download(&["--lang", "nl"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    let stderr = text(&again.stderr);
    for name in &refused_names {
        assert!(
            stderr.contains(&format!("{name}: niet opgeslagen — ")),
            "{stderr}"
        );
    }
    assert!(stderr.contains("december 2016"), "{stderr}");
}

fn is_pdf(name: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}
