//! `cargo xtask test`: every suite, one summary line each, non-zero exit if any failed.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::process::{self, on_path};
#[cfg(target_os = "linux")]
use crate::{cross_clippy, windows_wine};
use crate::{dates, e2e, setup, workflows};

type SuiteFn = fn() -> Result<()>;

/// A suite that builds for or runs other systems from Linux: there it is `$run`; elsewhere it
/// says why it is skipped (`$elsewhere`).
macro_rules! linux_only {
    ($name:literal, $run:path, $elsewhere:literal) => {{
        #[cfg(target_os = "linux")]
        let suite: SuiteFn = $run;
        #[cfg(not(target_os = "linux"))]
        let suite: SuiteFn = || {
            println!(concat!("xtask: ", $name, " skipped: ", $elsewhere));
            Ok(())
        };
        ($name, suite)
    }};
}

/// Where crates/files' Azurite tests find `azurite-blob`.
const AZURITE_ENV: &str = "INVOICE_DESK_AZURITE_BLOB";

const SUITES: &[(&str, SuiteFn)] = &[
    ("rust-fmt", rust_fmt),
    ("rust-clippy", rust_clippy),
    ("rust-tests", rust_tests),
    ("ui-check", || {
        process::run(&mut process::npm(&["run", "check"]))
    }),
    ("ui-lint", || {
        process::run(&mut process::npm(&["run", "lint"]))
    }),
    ("ui-unit", || process::run(&mut process::npm(&["test"]))),
    ("ui-browser", ui_browser),
    ("workflows", workflows::run),
    linux_only!(
        "cross-clippy",
        cross_clippy::run,
        "this system compiles its own code in the rust-clippy suite"
    ),
    linux_only!(
        "windows-wine",
        windows_wine::run,
        "this system runs its own tests in the rust-tests suite"
    ),
    ("e2e", e2e::run),
    ("edge-dates", edge_dates),
];

pub fn names() -> Vec<&'static str> {
    SUITES.iter().map(|(name, _)| *name).collect()
}

pub fn run_all(args: &[String]) -> Result<()> {
    for name in args {
        if !names().contains(&name.as_str()) {
            bail!("unknown suite `{name}`; suites are: {}", names().join(", "));
        }
    }
    let started = Instant::now();
    prepare()?;
    let chosen = SUITES
        .iter()
        .filter(|(name, _)| args.is_empty() || args.iter().any(|a| a == name));
    let mut results = Vec::new();
    for (name, suite) in chosen {
        println!("\n==> suite {name}");
        let t0 = Instant::now();
        let outcome = suite();
        if let Err(err) = &outcome {
            eprintln!("suite {name} failed: {err:#}");
        }
        results.push((*name, outcome.err(), t0.elapsed()));
    }
    println!();
    // Why each suite failed comes again last: a run's end is what a CI log keeps.
    for (name, error, _) in &results {
        if let Some(error) = error {
            println!("suite {name} failed: {error:#}\n");
        }
    }
    for (name, error, took) in &results {
        println!(
            "suite {name:<12} {} in {}",
            if error.is_none() { "passed" } else { "FAILED" },
            seconds(*took)
        );
    }
    let failed = results
        .iter()
        .filter(|(_, error, _)| error.is_some())
        .count();
    println!("total time {}", seconds(started.elapsed()));
    println!("suites: {} passed, {failed} failed", results.len() - failed);
    if failed > 0 {
        bail!("{failed} suite(s) failed");
    }
    Ok(())
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// Everything the suites share: system packages, npm packages, the built UI (the app embeds it
/// at compile time, so even clippy needs it), and cargo-nextest.
fn prepare() -> Result<()> {
    setup::system_packages(setup::Purpose::Test)?;
    setup::ui_dependencies()?;
    setup::build_ui()?;
    setup::cargo_subcommand("nextest", "cargo-nextest")
}

fn rust_fmt() -> Result<()> {
    process::run(&mut process::cargo(&["fmt", "--all", "--", "--check"]))
}

/// How strict clippy is, here and for the other systems in `cross-clippy`: pedantic (from the
/// workspace's lints), every crate and target, any warning an error.
pub const CLIPPY_STRICTNESS: &[&str] = &["--workspace", "--all-targets", "--", "-D", "warnings"];

fn rust_clippy() -> Result<()> {
    process::run(process::cargo(&["clippy"]).args(CLIPPY_STRICTNESS))
}

/// Unit and integration tests of every crate except the end-to-end one (which needs the
/// display and driver that the `e2e` suite starts). They run inside a private session bus with
/// an unlocked Secret Service, so keychain tests use a real backend and never the user's own.
fn rust_tests() -> Result<()> {
    // The download tests of crates/files also run against Azurite; they find it here.
    let azurite = setup::azurite()?;
    let nextest = "cargo nextest run --workspace --exclude invoice-desk-e2e --no-fail-fast";
    if cfg!(target_os = "linux") && on_path("dbus-run-session") && on_path("gnome-keyring-daemon") {
        let script = format!(
            "export XDG_DATA_HOME=\"$(mktemp -d)\"; printf invoice-desk | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec {nextest}"
        );
        let mut cmd = std::process::Command::new("dbus-run-session");
        cmd.args(["--", "sh", "-c", &script])
            .current_dir(process::root())
            .env(dates::TODAY_ENV, dates::pinned())
            // A keychain test that cannot reach this Secret Service must fail here, not skip.
            .env("INVOICE_DESK_REQUIRE_KEYRING", "1")
            .env(AZURITE_ENV, &azurite);
        process::run(&mut cmd)
    } else {
        let args: Vec<&str> = nextest.split(' ').skip(1).collect();
        process::run(
            process::cargo(&args)
                .env(AZURITE_ENV, &azurite)
                .env(dates::TODAY_ENV, dates::pinned()),
        )
    }
}

fn ui_browser() -> Result<()> {
    process::run(&mut process::npm(&["run", "build:e2e"]))?;
    process::run(&mut process::npm(&["run", "test:browser"]))
}

/// The tests whose answers depend on the date, run on each of [`dates::EDGES`]: the billing
/// listing against the emulator, the CLI's `scopes`/`invoices` on the demo data (with the
/// running month and the next expected invoice checked for each date), and the window's demo
/// listing over WebDriver.
fn edge_dates() -> Result<()> {
    // The window's part drives WebKitGTK, as the e2e suite does: Linux only.
    let app = if cfg!(target_os = "linux") {
        Some(e2e::build()?)
    } else {
        println!("xtask: the window's demo listing is swept on Linux only");
        None
    };
    let mut failed = Vec::new();
    for day in dates::EDGES {
        println!("\n--> {day}");
        let t0 = Instant::now();
        let mut rust = process::cargo(&[
            "nextest",
            "run",
            "--no-fail-fast",
            "--workspace",
            "--exclude",
            "invoice-desk-e2e",
            "-E",
            DATE_DEPENDENT,
        ]);
        rust.env(dates::TODAY_ENV, day);
        let window = || match &app {
            Some(app) => {
                let work = process::target_dir().join("e2e-dates").join(day);
                e2e::run_tests(app, &work, day, &["-E", DATE_DEPENDENT_E2E])
            }
            None => Ok(()),
        };
        let outcome = process::run(&mut rust).and_then(|()| window());
        println!(
            "--> {day}: {} in {}",
            if outcome.is_ok() { "passed" } else { "FAILED" },
            seconds(t0.elapsed())
        );
        if let Err(err) = outcome {
            eprintln!("{day}: {err:#}");
            failed.push(*day);
        }
    }
    if !failed.is_empty() {
        bail!("failed on {}", failed.join(", "));
    }
    Ok(())
}

/// The Rust tests that read "today", as a nextest filter.
const DATE_DEPENDENT: &str = "binary_id(invoice-desk-cli::browse) \
    | binary_id(invoice-desk-billing::browse) | binary_id(invoice-desk-billing::sections_and_fallbacks) \
    | binary_id(invoice-desk-billing::inventory) | binary_id(invoice-desk-billing::usage_range) \
    | binary_id(invoice-desk-emulator::lro_blobs) \
    | binary_id(invoice-desk-emulator::errors_auth_paging) | binary_id(invoice-desk-emulator::conformance)";

/// The end-to-end tests of the demo listing.
const DATE_DEPENDENT_E2E: &str = "test(/^the_demo_/)";
