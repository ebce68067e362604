//! Starting programs the way every xtask command needs: from the repository root, with clear
//! errors naming the command that failed.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_owned()
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

pub fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.args(args).current_dir(root());
    cmd
}

pub fn npm(args: &[&str]) -> Command {
    let mut cmd = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" });
    cmd.args(args).current_dir(root().join("ui"));
    cmd
}

/// A tool from the UI's dev-dependencies (for example the Tauri CLI).
pub fn npm_exec(tool: &str) -> Command {
    let bin = root().join("ui").join("node_modules").join(".bin");
    let name = if cfg!(windows) {
        format!("{tool}.cmd")
    } else {
        tool.to_owned()
    };
    let mut cmd = Command::new(bin.join(name));
    cmd.current_dir(root());
    cmd
}

pub fn describe(cmd: &Command) -> String {
    let args: Vec<_> = cmd
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    format!("{} {}", cmd.get_program().to_string_lossy(), args.join(" "))
}

/// Runs to completion with inherited output; an unsuccessful exit is an error.
pub fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{}`", describe(cmd)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", describe(cmd));
    }
    Ok(())
}

/// Like [`run`], but ends the command (and everything it started) if it takes longer than
/// `limit`, so one hung test cannot hold the whole suite until CI's own time runs out.
pub fn run_within(cmd: &mut Command, limit: std::time::Duration) -> Result<()> {
    let mut child = spawn_group(cmd)?;
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                bail!("`{}` failed ({status})", describe(cmd));
            }
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            end_group(&mut child, std::time::Duration::from_secs(3));
            return Err(TimedOut {
                command: describe(cmd),
                limit,
            }
            .into());
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// [`run_within`]'s error when the command was stopped at its limit, so a caller can tell a
/// hang from a failure.
#[derive(Debug)]
pub struct TimedOut {
    command: String,
    limit: std::time::Duration,
}

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` did not finish within {} s and was stopped",
            self.command,
            self.limit.as_secs()
        )
    }
}

impl std::error::Error for TimedOut {}

/// Starts `cmd` in a process group of its own (Unix), so [`end_group`] can end everything it
/// starts.
pub fn spawn_group(cmd: &mut Command) -> Result<std::process::Child> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        cmd.process_group(0);
    }
    cmd.spawn()
        .with_context(|| format!("could not start `{}`", describe(cmd)))
}

/// Ends a child started with [`spawn_group`], with everything it started: SIGTERM to the
/// group, up to `grace` to exit, then SIGKILL. Elsewhere the child alone is ended.
#[cfg(not(unix))]
pub fn end_group(child: &mut std::process::Child, _grace: std::time::Duration) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Ends a child started with [`spawn_group`], with everything it started: SIGTERM to the
/// group, up to `grace` to exit, then SIGKILL.
#[cfg(unix)]
pub fn end_group(child: &mut std::process::Child, grace: std::time::Duration) {
    let group = format!("-{}", child.id());
    let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
    let deadline = std::time::Instant::now() + grace;
    while std::time::Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
    let _ = child.wait();
}

/// This process's PATH with `first` in front, in that order.
pub fn path_with(first: &[&std::path::Path]) -> Result<std::ffi::OsString> {
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let dirs = first
        .iter()
        .map(|dir| dir.to_path_buf())
        .chain(std::env::split_paths(&rest));
    Ok(std::env::join_paths(dirs)?)
}

/// Whether a program can be found on PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            let candidate = dir.join(program);
            candidate.is_file() || (cfg!(windows) && candidate.with_extension("exe").is_file())
        })
    })
}

/// Where a release app started by a benchmark or check looks for updates: a closed loopback
/// port, so its quiet check at start never reaches the real release page.
pub const CLOSED_UPDATE_FEED: &str = "https://127.0.0.1:9/latest.json";
