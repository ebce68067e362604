//! `cargo xtask bench [listing|commands|sync|sidebar|usage]... [--limit N] [--latency-ms MS]
//! [--runs N] [--no-peer]`: the benchmarks, all of them unless some are named.
//!
//! - `listing`: `crates/billing/benches/listing.rs`, the billing crate's listing as users run it
//!   (every scope, then every scope's periods) against the emulator with injected latency,
//!   compared with the ideal for the concurrency limit and with a sequential script on the
//!   official Python SDK making the same requests one at a time (the Rust listing's, from the
//!   emulator's request log; `--no-peer` skips the SDK);
//! - `commands`: `src-tauri/benches/commands.rs`, the same 100 scopes listed through the app's
//!   Tauri commands over IPC (mock runtime, demo sign-in), against the same kind of ideal and
//!   beside the billing crate's user path making the same calls (what the command layer
//!   adds). Built with the `dev` profile: the run waits on latency, and an
//!   optimised build of the Tauri crate would take long for no difference in the figures;
//! - `sync`: `crates/files/benches/sync.rs`, the archive: 504 PDFs against `curl --parallel`
//!   at the same limit, the second (empty) sync, and one 200 MB document against `curl -o`
//!   (throughput and memory);
//! - `sidebar`: the sidebar filter over 1,000 scopes against the 16 ms frame budget, in jsdom
//!   (the filter and the rendered sidebar) and in headless Chromium (input event to frame);
//! - `usage`: `crates/usage/benches/usage.rs`, large usage files: a 1 GiB report blob from the
//!   emulator saved by the files crate's writer against `curl -o` (throughput and memory), the
//!   same blob again over a fast loopback link against `curl -o` of that link (reported on its
//!   own), 12 CSV parts of 100 MB joined against `cat`, and a 1 GiB usage file summarised by
//!   the usage crate against polars, DuckDB and pandas (time and the summariser's peak memory);
//! - `startup`: `startup_bench.rs`, the release app's first painted frame and idle memory beside
//!   a minimal Tauri app.
//!
//! `--limit` goes to `listing` and `sync`; `--latency-ms` to those and `commands`; `--runs` to
//! those and `usage` (repetitions of the listing; alternating runs of the 200 MB download;
//! rounds of each usage figure). Every named benchmark runs even when an earlier one misses its
//! target; the command fails at the end if any did.

use anyhow::{Result, bail};

use crate::process;

/// The benchmarks in the order they run.
pub const NAMES: [&str; 6] = ["listing", "commands", "sync", "sidebar", "usage", "startup"];

/// Options that take a value, and which benchmarks get them.
const VALUED: [(&str, &[&str]); 3] = [
    ("--limit", &["listing", "sync"]),
    ("--latency-ms", &["listing", "commands", "sync"]),
    (
        "--runs",
        &["listing", "commands", "sync", "usage", "startup"],
    ),
];

/// Flags without a value.
const FLAGS: [(&str, &[&str]); 1] = [("--no-peer", &["listing"])];

/// The benchmarks asked for and the arguments for each of them.
#[derive(Debug, PartialEq, Eq)]
struct Plan {
    benches: Vec<&'static str>,
    args: Vec<(&'static str, Vec<String>)>,
}

fn plan(args: &[String]) -> Result<Plan> {
    let mut benches = Vec::new();
    let mut forwarded: Vec<(&[&str], Vec<String>)> = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if let Some(name) = NAMES.iter().find(|n| *n == arg) {
            if !benches.contains(name) {
                benches.push(*name);
            }
        } else if let Some((flag, to)) = VALUED.iter().find(|(f, _)| f == arg) {
            let Some(value) = rest.next() else {
                bail!("{flag} needs a value");
            };
            if !value.parse::<u64>().is_ok_and(|v| v >= 1) {
                bail!("{flag} must be a whole number of at least 1, not `{value}`");
            }
            forwarded.push((*to, vec![(*flag).to_owned(), value.clone()]));
        } else if let Some((flag, to)) = FLAGS.iter().find(|(f, _)| f == arg) {
            forwarded.push((*to, vec![(*flag).to_owned()]));
        } else {
            bail!(
                "unknown benchmark or option `{arg}`; benchmarks: {}; options: --limit N, --latency-ms MS, --runs N, --no-peer",
                NAMES.join(", ")
            );
        }
    }
    if benches.is_empty() {
        benches = NAMES.to_vec();
    }
    benches.sort_by_key(|b| NAMES.iter().position(|n| n == b));
    let args = benches
        .iter()
        .map(|bench| {
            let args = forwarded
                .iter()
                .filter(|(to, _)| to.contains(bench))
                .flat_map(|(_, a)| a.iter().cloned())
                .collect();
            (*bench, args)
        })
        .collect();
    Ok(Plan { benches, args })
}

/// What `cargo xtask bench --help` prints.
pub const USAGE: &str = "\
usage: cargo xtask bench [BENCH...] [--limit N] [--latency-ms MS] [--runs N] [--no-peer]

Runs every benchmark, or only the named ones; fails when one misses its target.

benchmarks:
  listing   every scope and every scope's periods of the emulator's `bench` user with
            injected latency, as the window lists them: vs the ideal for the limit (<= 1.2x)
            and vs a sequential script on the official Python SDK making the same requests
            one at a time (>= 10x faster)
  commands  the same listing through the app's Tauri commands over IPC (<= 1.2x its ideal),
            beside the billing crate's listing making the same calls without the commands
  sync      the archive: 504 PDFs vs `curl --parallel` at the same limit (<= 1.25x), the
            second sync (< 1 s, no download), a 200 MB document vs `curl -o`
            (>= 90 % of curl's throughput, RSS growth < 30 MB)
  sidebar   the sidebar filter over 1,000 scopes, in jsdom and in headless Chromium
            (p95 <= 16 ms per keystroke)
  usage     large usage files: a 1 GiB report blob saved by the writer vs `curl -o`, from
            the emulator and again from a fast loopback server, each on its own (>= 90 % of
            curl's throughput, RSS growth < 30 MB); 12 CSV parts of
            100 MB joined vs `cat` (>= 80 % of cat's throughput); a 1 GiB usage file
            summarised vs polars and DuckDB (no slower) and pandas (faster), peak RSS < 100 MB

options:
  --limit N         requests in flight at once (listing: default 16; sync: default 8)
  --latency-ms MS   latency on every emulator call (listing, commands: default 100; sync:
                    default 50)
  --runs N          repetitions (listing, commands: listings, default 3; sync: alternating writer/curl
                    runs of the 200 MB document, median taken, default 5; usage: rounds of
                    each figure, median and range shown, default 5)
  --no-peer         listing without the Python SDK comparison

  startup   the release app under Xvfb: spawn to first painted frame of the welcome screen
            and of the demo's scopes (median of 10 cold-cache starts <= 0.5 s), idle RSS of
            the process tree with the demo shown (<= 150 MB), installer sizes (< 10 MB), each
            beside a minimal Tauri app built with the same release profile (--runs N)";

pub fn run(args: &[String]) -> Result<()> {
    if args
        .iter()
        .any(|a| matches!(a.as_str(), "--help" | "-h" | "help"))
    {
        println!("{USAGE}");
        return Ok(());
    }
    let plan = plan(args)?;
    let mut missed = Vec::new();
    for (bench, args) in &plan.args {
        println!("== bench {bench}");
        let result = match *bench {
            "listing" => cargo_bench("invoice-desk-billing", "listing", args),
            "commands" => app_commands(args),
            "sync" => cargo_bench("invoice-desk-files", "sync", args),
            "usage" => cargo_bench("invoice-desk-usage", "usage", args),
            "startup" => crate::startup_bench::run(args),
            _ => sidebar_filter_jsdom().and(sidebar_filter_chromium()),
        };
        if let Err(e) = result {
            eprintln!("xtask: bench {bench}: {e:#}");
            missed.push(*bench);
        }
    }
    if !missed.is_empty() {
        bail!(
            "{} missed a target or failed: {}",
            if missed.len() == 1 {
                "one benchmark"
            } else {
                "benchmarks"
            },
            missed.join(", ")
        );
    }
    Ok(())
}

fn cargo_bench(package: &str, bench: &str, args: &[String]) -> Result<()> {
    let mut cmd = process::cargo(&["bench", "-p", package, "--bench", bench, "--"]);
    cmd.args(args);
    process::run(&mut cmd)
}

fn app_commands(args: &[String]) -> Result<()> {
    crate::setup::ensure_ui_dist_exists()?;
    let mut cmd = process::cargo(&[
        "bench",
        "-p",
        "invoice-desk-app",
        "--bench",
        "commands",
        "--profile",
        "dev",
        "--",
    ]);
    cmd.args(args);
    process::run(&mut cmd)
}

/// The sidebar filter over 1,000 scopes: per-keystroke time of the filter and of the rendered
/// sidebar (jsdom), against the 16 ms frame budget. The same tests run untimed in the suite.
fn sidebar_filter_jsdom() -> Result<()> {
    crate::setup::ui_dependencies()?;
    let mut vitest = process::npm_exec("vitest");
    vitest
        .args([
            "run",
            "src/lib/scopes.test.ts",
            "src/components/Sidebar.test.ts",
        ])
        .current_dir(process::root().join("ui"))
        .env("INVOICE_DESK_BENCH", "1");
    process::run(&mut vitest)
}

/// The sidebar filter over 1,000 scopes in headless Chromium (the `e2e` build, IPC mocked in
/// the page): median and 95th percentile from input event to rendered frame, p95 held to 16 ms.
/// The same test runs untimed in the `ui-browser` suite.
fn sidebar_filter_chromium() -> Result<()> {
    crate::setup::chromium()?;
    crate::setup::ui_dependencies()?;
    process::run(&mut process::npm(&["run", "build:e2e"]))?;
    let mut vitest = process::npm_exec("vitest");
    vitest
        .args([
            "run",
            "--config",
            "vitest.browser.config.ts",
            "tests-browser/sidebar-filter.test.ts",
        ])
        .current_dir(process::root().join("ui"))
        .env("INVOICE_DESK_BENCH", "1");
    process::run(&mut vitest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn every_benchmark_runs_by_default_with_its_own_options() {
        let plan = plan(&args("--limit 4 --no-peer --runs 3")).unwrap();
        assert_eq!(
            plan.benches,
            ["listing", "commands", "sync", "sidebar", "usage", "startup"]
        );
        assert_eq!(plan.args[0].1, args("--limit 4 --no-peer --runs 3"));
        assert_eq!(plan.args[1].1, args("--runs 3"));
        assert_eq!(plan.args[2].1, args("--limit 4 --runs 3"));
        assert!(plan.args[3].1.is_empty());
        assert_eq!(plan.args[4].1, args("--runs 3"));
        assert_eq!(plan.args[5].1, args("--runs 3"));
    }

    #[test]
    fn named_benchmarks_run_in_order_and_bad_options_are_refused() {
        let plan = plan(&args("sync listing --latency-ms 20")).unwrap();
        assert_eq!(plan.benches, ["listing", "sync"]);
        assert_eq!(plan.args[1].1, args("--latency-ms 20"));
        assert!(super::plan(&args("--limit")).is_err());
        assert!(super::plan(&args("--limit 0")).is_err());
        assert!(super::plan(&args("--fast")).is_err());
        assert!(super::plan(&args("curl")).is_err());
        let usage = super::plan(&args("usage --runs 2 --limit 4")).unwrap();
        assert_eq!(usage.benches, ["usage"]);
        assert_eq!(usage.args[0].1, args("--runs 2"));
    }
}
