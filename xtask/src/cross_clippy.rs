//! The `cross-clippy` suite: clippy, as strict as the `rust-clippy` suite, for Windows and
//! macOS, run on Linux. The code behind `cfg(windows)` and `cfg(target_os = "macos")` (the
//! Credential Manager, the macOS menu, the Windows path rules) is then compiled on every run of
//! the test command, not only in ci.yml's Windows and macOS jobs. How the compiler for those
//! systems is found is in `cross.rs`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::cross::{Cross, MACOS, WINDOWS};
use crate::process::{self, root, target_dir};
use crate::suites;

pub fn run() -> Result<()> {
    let Some(cross) = Cross::prepare()? else {
        println!(
            "xtask: cross-clippy skipped: this system's package sources have no `rustc-web` \
             (Debian 12 has it); ci.yml's Windows and macOS jobs compile that code instead"
        );
        return Ok(());
    };
    let clippy = |folder: &Path, target_folder: &str| -> Result<Command> {
        let mut cmd = cross.cargo("clippy", folder, target_folder)?;
        cmd.args(["--keep-going", "--target", WINDOWS, "--target", MACOS])
            .args(suites::CLIPPY_STRICTNESS);
        Ok(cmd)
    };
    canary_is_caught(clippy(&canary()?, "cross-canary")?)?;
    process::run(&mut clippy(&root(), "cross")?)
}

/// A crate whose only faults are in Windows-only and macOS-only code.
fn canary() -> Result<PathBuf> {
    let canary = target_dir().join("tools").join("cross").join("canary");
    std::fs::create_dir_all(canary.join("src"))?;
    std::fs::write(
        canary.join("Cargo.toml"),
        "[package]\nname = \"canary\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )?;
    std::fs::write(
        canary.join("src").join("lib.rs"),
        "#[cfg(windows)]\npub fn f() -> u8 { let windows_only = 1; 2 }\n\
         #[cfg(target_os = \"macos\")]\npub fn f() -> u8 { let macos_only = 1; 2 }\n",
    )?;
    Ok(canary)
}

/// The canary must fail on both systems' faults, so a run that compiles neither system's
/// code (a wrong target, a cfg that never matches) fails the suite instead of passing it.
fn canary_is_caught(mut clippy: Command) -> Result<()> {
    let out = clippy
        .output()
        .with_context(|| format!("could not start `{}`", process::describe(&clippy)))?;
    let said = String::from_utf8_lossy(&out.stderr);
    for fault in ["windows_only", "macos_only"] {
        if out.status.success() || !said.contains(&format!("unused variable: `{fault}`")) {
            bail!(
                "cross-clippy did not find the canary's `{fault}`, so it checks nothing:\n{said}"
            );
        }
    }
    Ok(())
}
