//! The `windows-wine` suite: the tests of every crate, the app's shell included, built for
//! Windows and run as Windows programs under Wine, on Linux. `cross-clippy` shows that the
//! Windows code compiles; this shows that it works: the Credential Manager (chunked tokens),
//! Windows' error numbers and `\` paths (and the names handed to other programs), the loopback
//! sign-in and the downloads over Winsock, the command line's output, the shell's menu and
//! keychain thread, and the local Azure that demo mode runs inside the app.
//!
//! - **Compiler:** the one `cross-clippy` uses (`cross.rs`), linking with zig.
//! - **Wine:** Rust's standard library needs `bcryptprimitives.dll`, which Wine has only since
//!   version 9; Debian 12 ships 8. So Wine runs in a small Debian 13 system (`mmdebstrap`, from
//!   Debian's packages) unpacked into `target/tools/wine` and entered with `chroot`, with the
//!   workspace mounted at its own path so the paths compiled into the tests hold.
//! - **Left out** ([`LEFT_OUT`]): the window itself (WebView2 does not run under Wine: ci.yml's
//!   Windows job drives it), the Azurite download tests (Azurite is a Node program the Wine
//!   system lacks; the same downloads run against the emulator here), and the one emulator
//!   test whose client trusts an extra root certificate (Wine's crypt32 refuses how
//!   rustls-platform-verifier asks Windows for that).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use crate::cross::{Cross, WINDOWS};
use crate::process::{self, on_path, root, target_dir};
use crate::{dates, setup};

/// Every crate with tests that run without a window.
const CRATES: &[&str] = &[
    "invoice-desk-app",
    "invoice-desk-api",
    "invoice-desk-auth",
    "invoice-desk-billing",
    "invoice-desk-cli",
    "invoice-desk-emulator",
    "invoice-desk-files",
    "invoice-desk-logging",
    "invoice-desk-settings",
    "invoice-desk-usage",
];

/// What needs a part of Windows that the Wine system lacks: a whole test program, or one
/// test of it.
struct LeftOut {
    package: &'static str,
    target: &'static str,
    test: Option<&'static str>,
    why: &'static str,
}

const LEFT_OUT: &[LeftOut] = &[
    LeftOut {
        package: "invoice-desk-files",
        target: "azurite",
        test: None,
        why: "Azurite is a Node program the Wine system lacks",
    },
    LeftOut {
        package: "invoice-desk-emulator",
        target: "control_and_binary",
        test: Some("binary_serves_tls_with_a_self_signed_certificate"),
        why: "its client trusts one more root certificate, for which rustls-platform-verifier \
              asks Windows for a chain engine with an exclusive root, which Wine's crypt32 \
              refuses (E_INVALIDARG)",
    },
];

/// Debian 13, whose Wine (10) is the first in Debian that Rust's programs start under.
const SYSTEM: &str = "trixie";
const WINE_PACKAGES: &[&str] = &["wine", "wine64"];

/// The longest one test program may take under Wine (the slowest takes 40 s): a hung one
/// is stopped rather than holding CI until its own limit.
const PROGRAM_LIMIT: Duration = Duration::from_secs(300);

/// The longest making Wine's prefix (`C:` and its registry) may take; about 5 s here.
const PREFIX_LIMIT: Duration = Duration::from_secs(120);

/// A test program, and the folder cargo would run it in (its package's).
struct TestProgram {
    name: String,
    executable: PathBuf,
    package_dir: PathBuf,
    /// Its tests that are [`LEFT_OUT`].
    skipped: Vec<&'static str>,
}

pub fn run() -> Result<()> {
    if !can_enter_a_system() {
        println!(
            "xtask: windows-wine skipped: it enters its Wine system with unshare, mount and \
             chroot, which need root (and, in a container, privileges); ci.yml's Windows \
             job runs these tests on Windows instead"
        );
        return Ok(());
    }
    let Some(cross) = Cross::prepare()? else {
        println!(
            "xtask: windows-wine skipped: this system's package sources have no `rustc-web` \
             (Debian 12 has it); ci.yml's Windows job runs these tests on Windows instead"
        );
        return Ok(());
    };
    let programs = build(&cross)?;
    if programs.is_empty() {
        bail!("the Windows build produced no test programs, so nothing would be checked");
    }
    let system = wine_system()?;
    make_prefix(&system)?;
    let log = target_dir()
        .join("tools")
        .join("wine")
        .join("last-program.log");
    let mut failed = Vec::new();
    let mut hung_once = Vec::new();
    let mut passed_tests = 0;
    for program in &programs {
        println!("\n--> {} (Windows, under Wine)", program.name);
        let t0 = Instant::now();
        let mut outcome = run_counting(&mut under_wine(&system, program), &log);
        // A hang of Wine's own passes when run again; one of ours hangs twice and fails. One
        // that hung once is named in the suite's last line either way.
        if let Some(hang) = outcome.as_ref().err().and_then(hung) {
            println!("--> {} hung ({hang}); running it once more", program.name);
            hung_once.push(format!("{} ({hang})", program.name));
            outcome = run_counting(&mut under_wine(&system, program), &log);
        }
        if let Ok(passed) = &outcome {
            passed_tests += passed;
        }
        println!(
            "--> {}: {} in {:.1} s",
            program.name,
            if outcome.is_ok() { "passed" } else { "FAILED" },
            t0.elapsed().as_secs_f64()
        );
        if let Err(error) = outcome {
            eprintln!("{error:#}");
            failed.push(format!("{}: {error:#}", program.name));
        }
    }
    let hung_note = if hung_once.is_empty() {
        String::new()
    } else {
        format!("; hung once, then run again: {}", hung_once.join(", "))
    };
    if !failed.is_empty() {
        bail!(
            "{} of {} Windows test programs failed{hung_note}:\n{}",
            failed.len(),
            programs.len(),
            failed.join("\n")
        );
    }
    println!(
        "xtask: {passed_tests} tests in {} Windows test programs passed under Wine{hung_note}",
        programs.len()
    );
    Ok(())
}

/// A test program stopped at its limit, with the tests it was still running.
#[derive(Debug)]
struct Hung {
    limit: Duration,
    running: String,
}

impl std::fmt::Display for Hung {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let limit = self.limit.as_secs();
        write!(
            f,
            "stopped after {limit} s; still running: {}",
            self.running
        )
    }
}

impl std::error::Error for Hung {}

/// What a test program that hung was still doing, or `None` when it did not hang (it
/// passed, or failed by itself).
fn hung(error: &anyhow::Error) -> Option<String> {
    error.downcast_ref::<Hung>().map(ToString::to_string)
}

/// Runs a test program within [`PROGRAM_LIMIT`], then passes its output on and answers
/// how many tests passed.
fn run_counting(cmd: &mut Command, log: &Path) -> Result<usize> {
    run_counting_within(cmd, log, PROGRAM_LIMIT)
}

fn run_counting_within(cmd: &mut Command, log: &Path, limit: Duration) -> Result<usize> {
    cmd.stdout(std::fs::File::create(log)?);
    let outcome = process::run_within(cmd, limit);
    let output = std::fs::read_to_string(log).unwrap_or_default();
    print!("{output}");
    if let Err(error) = outcome {
        if error.is::<process::TimedOut>() {
            let running = still_running(&output);
            let running = if running.is_empty() {
                "no test had run past 60 s".to_owned()
            } else {
                running.join(", ")
            };
            return Err(Hung { limit, running }.into());
        }
        return Err(match failures(&output) {
            Some(failures) => anyhow!("{error:#}\n{failures}"),
            None => error,
        });
    }
    Ok(output.lines().map(passed_in).sum())
}

/// The tests libtest said were running past 60 s and had not finished when the program was
/// stopped.
fn still_running(output: &str) -> Vec<&str> {
    let finished: Vec<&str> = output
        .lines()
        .filter_map(|line| {
            line.strip_prefix("test ")?
                .split_once(" ... ")
                .map(|(name, _)| name)
        })
        .collect();
    output
        .lines()
        .filter_map(|line| {
            line.strip_prefix("test ")?
                .strip_suffix(" has been running for over 60 seconds")
        })
        .filter(|name| !finished.contains(name))
        .collect()
}

/// The part of a failed test program's output that says which tests failed and why
/// (libtest's `failures:` blocks, through its result line), so the suite's closing lines
/// repeat it. A long one keeps its start (the first panic) and its end (the names).
fn failures(output: &str) -> Option<String> {
    const HEAD: usize = 40;
    const TAIL: usize = 20;
    let start = output.find("\nfailures:\n")?;
    let end = output[start..]
        .find("\ntest result: ")
        .and_then(|at| {
            output[start + at + 1..]
                .find('\n')
                .map(|eol| start + at + 1 + eol)
        })
        .unwrap_or(output.len());
    let lines: Vec<&str> = output[start..end].trim().lines().collect();
    if lines.len() <= HEAD + TAIL {
        return Some(lines.join("\n"));
    }
    let cut = lines.len() - HEAD - TAIL;
    Some(format!(
        "{}\n[… {cut} lines …]\n{}",
        lines[..HEAD].join("\n"),
        lines[lines.len() - TAIL..].join("\n")
    ))
}

/// The count on a test program's `test result: ok. 12 passed; …` line, else 0.
fn passed_in(line: &str) -> usize {
    line.strip_prefix("test result: ")
        .and_then(|rest| {
            rest.split_once(". ")?
                .1
                .split_once(" passed")
                .map(|(n, _)| n)
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Whether this process may make private mount and process namespaces and chroot.
fn can_enter_a_system() -> bool {
    setup::is_root()
        && on_path("chroot")
        && Command::new("unshare")
            .args(["--mount", "--pid", "--fork", "--mount-proc", "true"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// Builds the [`CRATES`]' tests for Windows and returns the programs to run.
fn build(cross: &Cross) -> Result<Vec<TestProgram>> {
    let mut cargo = cross.cargo("test", &root(), "cross")?;
    cargo.args(["--no-run", "--message-format=json-render-diagnostics"]);
    cargo.args(["--target", WINDOWS]);
    for krate in CRATES {
        cargo.args(["--package", krate]);
    }
    let out = cargo
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("could not start `{}`", process::describe(&cargo)))?;
    if !out.status.success() {
        bail!("building the tests for Windows failed ({})", out.status);
    }
    test_programs(&String::from_utf8_lossy(&out.stdout))
}

/// The test programs in cargo's JSON messages, without what is [`LEFT_OUT`].
fn test_programs(messages: &str) -> Result<Vec<TestProgram>> {
    let mut programs = Vec::new();
    for line in messages.lines().filter(|l| l.starts_with('{')) {
        let message: Value = serde_json::from_str(line)?;
        let (Some(executable), true) = (
            message["executable"].as_str(),
            message["profile"]["test"] == true,
        ) else {
            continue;
        };
        let manifest = Path::new(message["manifest_path"].as_str().unwrap_or_default());
        let target = message["target"]["name"].as_str().unwrap_or_default();
        let package = package_name(message["package_id"].as_str().unwrap_or_default());
        let left_out: Vec<&LeftOut> = LEFT_OUT
            .iter()
            .filter(|l| (l.package, l.target) == (package, target))
            .collect();
        for l in &left_out {
            let test = l.test.map_or(String::new(), |test| format!(" {test}"));
            println!("xtask: {package} {target}{test} left out: {}", l.why);
        }
        if left_out.iter().any(|l| l.test.is_none()) {
            continue;
        }
        programs.push(TestProgram {
            name: format!("{package} {target}"),
            executable: executable.into(),
            package_dir: manifest.parent().unwrap_or(manifest).to_owned(),
            skipped: left_out.iter().filter_map(|l| l.test).collect(),
        });
    }
    Ok(programs)
}

/// The package's name in a cargo package id (`path+file:///w/crates/x#name@0.1.0`, or
/// `…/crates/name#0.1.0` when the folder is named after the package).
fn package_name(id: &str) -> &str {
    let (location, version) = id.rsplit_once('#').unwrap_or(("", id));
    match version.split_once('@') {
        Some((name, _)) => name,
        None => location.rsplit('/').next().unwrap_or(location),
    }
}

/// A Debian 13 system with Wine in `target/tools/wine/root`, made once.
fn wine_system() -> Result<PathBuf> {
    let tools = target_dir().join("tools").join("wine");
    let system = tools.join("root");
    let noted = tools.join("made-from");
    let recipe = format!("{SYSTEM} {}", WINE_PACKAGES.join(","));
    if std::fs::read_to_string(&noted).is_ok_and(|had| had == recipe) {
        return Ok(system);
    }
    println!(
        "xtask: unpacking Debian {SYSTEM} with Wine into {}",
        tools.display()
    );
    setup::debian_packages(&["mmdebstrap"])?;
    refuse_if_mounted(&tools)?;
    let _ = std::fs::remove_dir_all(&tools);
    std::fs::create_dir_all(&tools)?;
    process::run(
        Command::new("mmdebstrap")
            .args(["--quiet", "--variant=apt"])
            .arg(format!("--include={}", WINE_PACKAGES.join(",")))
            .arg("--aptopt=APT::Install-Recommends \"false\"")
            .arg(SYSTEM)
            .arg(&system),
    )
    .context("making the Wine system with mmdebstrap")?;
    // Only IPv4: Wine hands Rust a misaligned address for `::1`, which a debug build's
    // checks stop at. Windows itself always answers `localhost`.
    std::fs::write(system.join("etc").join("hosts"), "127.0.0.1\tlocalhost\n")?;
    std::fs::write(&noted, recipe)?;
    Ok(system)
}

/// The workspace is mounted inside the Wine system only within a test's own namespace, which
/// ends with it. Should a mount still be seen here, deleting the old system would delete
/// what it shows (the workspace itself), so nothing is deleted.
fn refuse_if_mounted(tools: &Path) -> Result<()> {
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    if let Some(point) = mount_points(&mounts).find(|point| Path::new(point).starts_with(tools)) {
        bail!(
            "{point} is still mounted; unmount it before the Wine system in {} is made again",
            tools.display()
        );
    }
    Ok(())
}

/// The mount points in `/proc/self/mounts` (the second field; spaces escaped as `\040`).
fn mount_points(mounts: &str) -> impl Iterator<Item = String> + '_ {
    mounts
        .lines()
        .filter_map(|line| line.split(' ').nth(1))
        .map(|point| point.replace("\\040", " "))
}

/// A command run inside `system` in `folder`, in private mount and process namespaces: the
/// workspace (and the target folder, wherever it is) is mounted at its own path, and
/// everything it starts, Wine's server too, ends with it. The caller adds `NAME=value`s and
/// the command itself, as `env` takes them.
fn in_system(system: &Path, folder: &Path) -> Command {
    let mut mounts = vec![root()];
    if !target_dir().starts_with(root()) {
        mounts.push(target_dir());
    }
    let mut cmd = Command::new("unshare");
    // --kill-child: if unshare is stopped, the namespace's first process, and with it
    // everything in the namespace, ends too.
    cmd.args(["--mount", "--pid", "--fork", "--kill-child"])
        .arg(format!("--mount-proc={}", system.join("proc").display()))
        .args(["--", "sh", "-ec"])
        .arg(
            r#"system="$1"; folder="$2"; shift 2
            while [ "$1" != -- ]; do
                mkdir -p "$system$1"; mount --bind "$1" "$system$1"; shift
            done
            shift
            exec chroot "$system" /usr/bin/env -i -C "$folder" "$@""#,
        )
        .arg("sh")
        .arg(system)
        .arg(folder)
        .args(&mounts)
        .arg("--")
        .args([
            "HOME=/root",
            "PATH=/usr/bin:/bin",
            "LANG=C.UTF-8",
            // Wine's own notes on what it does not implement, not the tests' output.
            "WINEDEBUG=-all",
            // Where Wine's display drivers look for a Wayland display (there is none): unset,
            // they print an error line into the test's output.
            "XDG_RUNTIME_DIR=/tmp",
        ]);
    cmd
}

/// Makes Wine's prefix (`C:` and its registry, in the system's `/root/.wine`) before any test
/// runs, so that no test program's time or output includes it.
fn make_prefix(system: &Path) -> Result<()> {
    if system.join("root/.wine/.update-timestamp").exists() {
        return Ok(());
    }
    println!("xtask: making Wine's prefix");
    let mut cmd = in_system(system, &root());
    cmd.args(["wine", "wineboot", "--init"]);
    process::run_within(&mut cmd, PREFIX_LIMIT).context("making Wine's prefix (wineboot)")
}

/// `program` run by Wine inside `system`, in its package's folder, as cargo would run it.
fn under_wine(system: &Path, program: &TestProgram) -> Command {
    let mut cmd = in_system(system, &program.package_dir);
    cmd.args([
        "RUST_BACKTRACE=1",
        // The Credential Manager is there: a keychain test must use it, not skip.
        "INVOICE_DESK_REQUIRE_KEYRING=1",
    ])
    .arg(format!("{}={}", dates::TODAY_ENV, dates::pinned()))
    .arg(format!("WINEPATH={}", dll_folder(&program.executable)))
    .arg("wine")
    .arg(&program.executable);
    for test in &program.skipped {
        cmd.args(["--skip", test]);
    }
    if !program.skipped.is_empty() {
        cmd.arg("--exact");
    }
    cmd
}

/// Where the build put the DLLs its programs load (`WebView2Loader.dll`, which the shell's
/// tests link): the profile's folder, above the test programs' `deps`. `cargo test` on Windows
/// puts it on `PATH` the same way.
fn dll_folder(executable: &Path) -> String {
    let profile = executable
        .parent()
        .and_then(Path::parent)
        .unwrap_or(executable);
    format!("Z:{}", profile.display())
}

#[cfg(test)]
mod tests {
    use super::{
        failures, hung, mount_points, passed_in, run_counting_within, still_running, test_programs,
    };
    use std::process::Command;
    use std::time::Duration;

    #[test]
    fn mount_points_are_read_with_their_spaces() {
        let mounts = "proc /proc proc rw 0 0\n/dev/vda /w/my\\040folder/target/tools/wine/root/w ext4 rw 0 0\n";
        let points: Vec<String> = mount_points(mounts).collect();
        assert_eq!(points, ["/proc", "/w/my folder/target/tools/wine/root/w"]);
    }

    #[test]
    fn passed_tests_are_counted_from_the_result_line() {
        let ok = "test result: ok. 47 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.49s";
        assert_eq!(passed_in(ok), 47);
        let failed = "test result: FAILED. 6 passed; 1 failed; 0 ignored";
        assert_eq!(passed_in(failed), 6);
        assert_eq!(passed_in("test passed_in ... ok"), 0);
    }

    #[test]
    fn failed_tests_are_repeated_with_their_panics() {
        let output = "running 2 tests\ntest a ... ok\ntest b ... FAILED\n\nfailures:\n\n---- b stdout ----\n\nthread 'b' panicked at src\\lib.rs:3:5:\nboom\n\n\nfailures:\n    b\n\ntest result: FAILED. 1 passed; 1 failed; 0 ignored\n\nerror: test failed\n";
        let repeated = failures(output).unwrap();
        assert!(
            repeated.starts_with("failures:\n\n---- b stdout ----"),
            "{repeated}"
        );
        assert!(repeated.contains("boom"), "{repeated}");
        assert!(
            repeated.ends_with("test result: FAILED. 1 passed; 1 failed; 0 ignored"),
            "{repeated}"
        );
        assert_eq!(failures("test result: ok. 3 passed; 0 failed"), None);
    }

    #[test]
    fn a_stopped_program_names_the_tests_still_running() {
        let output = "running 3 tests\ntest quick ... ok\ntest slow has been running for over 60 seconds\ntest stuck has been running for over 60 seconds\ntest slow ... ok\n";
        assert_eq!(still_running(output), ["stuck"]);
        assert!(still_running("running 1 test\ntest quick ... ok\n").is_empty());
    }

    #[test]
    fn only_a_program_stopped_at_its_limit_counts_as_hung() {
        let log = std::env::temp_dir().join(format!("xtask-hung-{}.log", std::process::id()));
        let mut stuck = Command::new("sh");
        stuck.args([
            "-c",
            "echo 'test stuck has been running for over 60 seconds'; sleep 5",
        ]);
        let stopped = run_counting_within(&mut stuck, &log, Duration::ZERO).unwrap_err();
        assert_eq!(
            hung(&stopped).as_deref(),
            Some("stopped after 0 s; still running: stuck")
        );
        let mut failing = Command::new("false");
        let failed = run_counting_within(&mut failing, &log, Duration::from_secs(5)).unwrap_err();
        assert_eq!(hung(&failed), None);
        let _ = std::fs::remove_file(log);
    }

    #[test]
    fn test_programs_are_read_from_cargo_messages_without_the_left_out_ones() {
        let messages = [
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/crates/files#invoice-desk-files@0.1.0","manifest_path":"/w/crates/files/Cargo.toml","target":{"name":"writer"},"profile":{"test":true},"executable":"/w/t/writer-1.exe"}"#,
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/crates/files#invoice-desk-files@0.1.0","manifest_path":"/w/crates/files/Cargo.toml","target":{"name":"azurite"},"profile":{"test":true},"executable":"/w/t/azurite-1.exe"}"#,
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/crates/cli#invoice-desk-cli@0.1.0","manifest_path":"/w/crates/cli/Cargo.toml","target":{"name":"invoice-desk"},"profile":{"test":false},"executable":"/w/t/invoice-desk.exe"}"#,
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/crates/emulator#invoice-desk-emulator@0.1.0","manifest_path":"/w/crates/emulator/Cargo.toml","target":{"name":"control_and_binary"},"profile":{"test":true},"executable":"/w/t/control_and_binary-1.exe"}"#,
            r#"{"reason":"compiler-artifact","package_id":"registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0","manifest_path":"/r/serde/Cargo.toml","target":{"name":"serde"},"profile":{"test":false},"executable":null}"#,
            r#"{"reason":"build-finished","success":true}"#,
            "warning: not JSON",
        ]
        .join("\n");
        let programs = test_programs(&messages).unwrap();
        let found: Vec<_> = programs
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.package_dir.to_str().unwrap(),
                    &p.skipped[..],
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("invoice-desk-files writer", "/w/crates/files", &[][..]),
                (
                    "invoice-desk-emulator control_and_binary",
                    "/w/crates/emulator",
                    &["binary_serves_tls_with_a_self_signed_certificate"][..]
                )
            ]
        );
    }
}
