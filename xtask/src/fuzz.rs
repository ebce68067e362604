//! `cargo xtask fuzz [TARGET...] [--secs N]`: runs the libFuzzer targets of `crates/fuzz`, each
//! for N seconds (600 unless told), from the seed corpus plus what earlier runs found, and
//! prints per target the executions, the coverage reached and any crash.
//!
//! cargo-fuzz is installed from crates.io when missing. The sanitizer needs an unstable flag:
//! a nightly toolchain is used when rustup has one, else the stable compiler with
//! `RUSTC_BOOTSTRAP=1` (stable ships the sanitizer runtimes). Nothing here is part of
//! `cargo xtask test`; the ordinary suite replays the seeds and every saved regression.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::process;

/// The targets, as `crates/fuzz/src/lib.rs` lists them (its test keeps `fuzz/Cargo.toml` in
/// step; this list is checked against the binaries there before a run).
fn targets() -> Result<Vec<String>> {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml"))?;
    Ok(manifest
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .filter(|name| *name != "invoice-desk-fuzz-targets")
        .map(str::to_owned)
        .collect())
}

fn fuzz_dir() -> PathBuf {
    process::root().join("crates").join("fuzz").join("fuzz")
}

fn work_dir() -> PathBuf {
    process::target_dir().join("fuzz")
}

/// What one target's run reached.
struct Outcome {
    target: String,
    executions: Option<u64>,
    coverage: Option<u64>,
    features: Option<u64>,
    corpus: Option<u64>,
    crash: Option<PathBuf>,
}

pub fn run(args: &[String]) -> Result<()> {
    let mut secs = 600u64;
    let mut chosen = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--secs" => {
                secs = rest
                    .next()
                    .context("--secs needs a number")?
                    .parse()
                    .context("--secs needs a whole number of seconds")?;
            }
            "--help" | "-h" => {
                println!(
                    "usage: cargo xtask fuzz [TARGET...] [--secs N]\ntargets: {}",
                    targets()?.join(", ")
                );
                return Ok(());
            }
            name => chosen.push(name.to_owned()),
        }
    }
    let all = targets()?;
    for name in &chosen {
        if !all.contains(name) {
            bail!(
                "no fuzz target `{name}`; the targets are {}",
                all.join(", ")
            );
        }
    }
    let chosen = if chosen.is_empty() { all } else { chosen };

    crate::setup::cargo_subcommand("fuzz", "cargo-fuzz")?;
    let seeds = work_dir().join("seeds");
    process::run(
        process::cargo(&[
            "run",
            "--quiet",
            "--package",
            "invoice-desk-fuzz",
            "--bin",
            "write-seeds",
            "--",
        ])
        .arg(&seeds),
    )?;

    let mut outcomes = Vec::new();
    for target in &chosen {
        println!("fuzzing {target} for {secs} s");
        outcomes.push(fuzz_one(target, secs, &seeds)?);
    }
    println!(
        "\n{:<18} {:>14} {:>8} {:>8} {:>8}  result",
        "target", "executions", "cov", "ft", "corpus"
    );
    for o in &outcomes {
        let show = |v: Option<u64>| v.map_or_else(|| "?".to_owned(), |v| v.to_string());
        println!(
            "{:<18} {:>14} {:>8} {:>8} {:>8}  {}",
            o.target,
            show(o.executions),
            show(o.coverage),
            show(o.features),
            show(o.corpus),
            o.crash.as_ref().map_or_else(
                || "no crash".to_owned(),
                |p| format!("CRASH {}", p.display())
            )
        );
    }
    let crashed: Vec<_> = outcomes.iter().filter(|o| o.crash.is_some()).collect();
    if !crashed.is_empty() {
        bail!(
            "{} target(s) crashed; fix the cause, then copy the input into crates/fuzz/regressions/<target>/ so the test suite keeps it fixed",
            crashed.len()
        );
    }
    Ok(())
}

fn has_nightly() -> bool {
    Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn fuzz_one(target: &str, secs: u64, seeds: &Path) -> Result<Outcome> {
    let corpus = work_dir().join("corpus").join(target);
    let artifacts = work_dir().join("artifacts").join(target);
    let logs = work_dir().join("logs");
    for dir in [&corpus, &artifacts, &logs] {
        std::fs::create_dir_all(dir)?;
    }
    let mut cmd = Command::new("cargo");
    if has_nightly() {
        cmd.arg("+nightly");
    } else {
        cmd.env("RUSTC_BOOTSTRAP", "1");
    }
    // `-a`: debug assertions on, so an arithmetic overflow is a crash, not a wrap.
    cmd.args(["fuzz", "run", "-a", "--fuzz-dir"])
        .arg(fuzz_dir())
        .arg(target)
        .arg(&corpus)
        .arg(seeds.join(target))
        .arg("--")
        .arg(format!("-max_total_time={secs}"))
        .arg("-timeout=10")
        .arg("-rss_limit_mb=2048")
        .arg("-print_final_stats=1")
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .env("CARGO_TARGET_DIR", work_dir().join("build"))
        .current_dir(process::root());
    let log_path = logs.join(format!("{target}.log"));
    let log = std::fs::File::create(&log_path)?;
    cmd.stdout(Stdio::null()).stderr(log);
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{}`", process::describe(&cmd)))?;
    let text = std::fs::read_to_string(&log_path).unwrap_or_default();
    let crash = text.lines().find_map(|l| {
        l.split_once("Test unit written to ")
            .map(|(_, p)| PathBuf::from(p.trim()))
    });
    if !status.success() && crash.is_none() {
        let tail: Vec<_> = text.lines().rev().take(30).collect();
        for line in tail.iter().rev() {
            eprintln!("{line}");
        }
        bail!(
            "fuzzing {target} failed before it ran ({status}); the log is {}",
            log_path.display()
        );
    }
    Ok(Outcome {
        target: target.to_owned(),
        executions: stat(&text, "stat::number_of_executed_units:"),
        coverage: last_progress(&text, "cov:"),
        features: last_progress(&text, "ft:"),
        corpus: last_progress(&text, "corp:"),
        crash,
    })
}

fn stat(log: &str, name: &str) -> Option<u64> {
    log.lines()
        .find_map(|l| l.trim().strip_prefix(name))
        .and_then(|v| v.trim().parse().ok())
}

/// A figure of libFuzzer's last progress line (`#123 DONE cov: 456 ft: 789 corp: 12/3Kb …`).
fn last_progress(log: &str, key: &str) -> Option<u64> {
    log.lines()
        .rev()
        .filter(|l| l.starts_with('#'))
        .find_map(|l| {
            let mut words = l.split_whitespace();
            words.find(|w| *w == key)?;
            let value = words.next()?;
            value.split('/').next()?.parse().ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_and_final_stats_are_read() {
        let log = "#2\tINITED cov: 10 ft: 11 corp: 1/1b\n#9000\tDONE   cov: 456 ft: 789 corp: 12/3Kb lim: 4 exec/s: 15\nstat::number_of_executed_units: 9001\n";
        assert_eq!(last_progress(log, "cov:"), Some(456));
        assert_eq!(last_progress(log, "corp:"), Some(12));
        assert_eq!(stat(log, "stat::number_of_executed_units:"), Some(9001));
    }
}
