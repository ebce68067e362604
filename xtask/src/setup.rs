//! Installing what the commands need, only when it is missing, so a fresh machine with Rust,
//! Node and git gets everything from the project's own files.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::process::{self, on_path, root, target_dir};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Run,
    Test,
}

/// Debian/Ubuntu packages for building and running the app (WebKitGTK and friends).
const BUILD_PACKAGES: &[&str] = &[
    "libwebkit2gtk-4.1-dev",
    "build-essential",
    "curl",
    "wget",
    "file",
    "libxdo-dev",
    "libssl-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
];

/// Extra packages for the test suites: a virtual display, the WebKit WebDriver, Chromium for the
/// browser-only UI tests, a session bus, a Secret Service keyring, and xdotool to answer the
/// system's save dialog (which WebDriver cannot reach).
const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "webkit2gtk-driver",
    "chromium",
    "dbus-x11",
    "gnome-keyring",
    "libsecret-tools",
    "xauth",
    "xdotool",
    "python3-venv",
];

/// The tauri-driver release line that matches Tauri 2.
const TAURI_DRIVER_VERSION: &str = "^2";

pub fn system_packages(purpose: Purpose) -> Result<()> {
    if !cfg!(target_os = "linux") {
        return Ok(()); // Windows ships WebView2; macOS needs nothing extra.
    }
    if !on_path("dpkg-query") || !on_path("apt-get") {
        println!(
            "xtask: not a Debian/Ubuntu system; install WebKitGTK 4.1 and its WebDriver yourself"
        );
        return Ok(());
    }
    let mut wanted: Vec<&str> = BUILD_PACKAGES.to_vec();
    if purpose == Purpose::Test {
        wanted.extend_from_slice(TEST_PACKAGES);
    }
    install_missing(wanted)
}

/// Chromium for the browser measurements of `cargo xtask bench` (the UI's browser tests drive
/// `/usr/bin/chromium`), without the rest of the test packages.
pub fn chromium() -> Result<()> {
    debian_packages(&["chromium"])
}

/// Debian packages one command needs beyond the build's (`rpm` for the install check); on
/// other systems nothing is installed and the command's own check says what is missing.
pub fn debian_packages(wanted: &[&str]) -> Result<()> {
    if !cfg!(target_os = "linux") || !on_path("dpkg-query") || !on_path("apt-get") {
        return Ok(());
    }
    install_missing(wanted.to_vec())
}

fn install_missing(wanted: Vec<&str>) -> Result<()> {
    let missing: Vec<&str> = wanted.into_iter().filter(|p| !dpkg_installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("xtask: installing Debian packages: {}", missing.join(" "));
    apt_update()?;
    let mut install = apt_get(&["install", "-y", "-qq", "--no-install-recommends"])?;
    install.args(&missing);
    process::run(&mut install)
}

/// Refreshes apt's package lists (a fresh container has none).
pub fn apt_update() -> Result<()> {
    process::run(&mut apt_get(&["update", "-qq"])?)
}

/// `apt-get` as root: directly when we are root, else through sudo.
fn apt_get(args: &[&str]) -> Result<Command> {
    let mut cmd = if is_root() {
        Command::new("apt-get")
    } else if on_path("sudo") {
        let mut sudo = Command::new("sudo");
        sudo.arg("apt-get");
        sudo
    } else {
        bail!(
            "`apt-get {}` needs root, and there is no sudo",
            args.join(" ")
        );
    };
    cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    Ok(cmd)
}

fn dpkg_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("install ok installed"))
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// A cargo subcommand (`cargo nextest`, `cargo fuzz`), installed from crates.io when `cargo
/// <subcommand> --version` does not answer.
pub fn cargo_subcommand(subcommand: &str, package: &str) -> Result<()> {
    let found = process::cargo(&[subcommand, "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        println!("xtask: installing {package} from crates.io");
        process::run(&mut process::cargo(&["install", package, "--locked"]))?;
    }
    Ok(())
}

/// `tauri-driver`, installed into `target/tools` so it never touches the user's cargo bin.
pub fn tauri_driver() -> Result<PathBuf> {
    let tools = target_dir().join("tools");
    let bin = tools.join("bin").join(if cfg!(windows) {
        "tauri-driver.exe"
    } else {
        "tauri-driver"
    });
    if !bin.is_file() {
        println!("xtask: installing tauri-driver into {}", tools.display());
        let tools_arg = tools.display().to_string();
        process::run(&mut process::cargo(&[
            "install",
            "tauri-driver",
            "--locked",
            "--version",
            TAURI_DRIVER_VERSION,
            "--root",
            &tools_arg,
        ]))?;
    }
    Ok(bin)
}

/// Azurite (Microsoft's storage emulator) for the download tests of crates/files, installed
/// from npm into `target/tools` like tauri-driver; returns the `azurite-blob` executable.
pub fn azurite() -> Result<PathBuf> {
    let tools = target_dir().join("tools");
    let bin = tools
        .join("node_modules")
        .join(".bin")
        .join(if cfg!(windows) {
            "azurite-blob.cmd"
        } else {
            "azurite-blob"
        });
    if !bin.is_file() {
        println!("xtask: installing Azurite into {}", tools.display());
        std::fs::create_dir_all(&tools)?;
        let tools_arg = tools.display().to_string();
        let mut npm = process::npm(&[
            "install",
            "--prefix",
            &tools_arg,
            "--no-audit",
            "--no-fund",
            AZURITE_VERSION,
        ]);
        npm.current_dir(&tools);
        process::run(&mut npm).context("installing Azurite")?;
    }
    Ok(bin)
}

/// The Azurite release line the download tests are written against.
const AZURITE_VERSION: &str = "azurite@3";

/// A Python virtual environment at `venv` holding exactly the pinned PyPI `requirements`;
/// returns its folder of executables. The requirements are noted in the environment, so it is
/// rebuilt only when they change.
pub fn pypi_tools(venv: &Path, requirements: &[&str]) -> Result<PathBuf> {
    let bin = venv.join(if cfg!(windows) { "Scripts" } else { "bin" });
    let noted = venv.join("invoice-desk-requirements.txt");
    let wanted = requirements.join("\n");
    if std::fs::read_to_string(&noted).is_ok_and(|had| had == wanted) {
        return Ok(bin);
    }
    println!("xtask: installing {} from PyPI", requirements.join(" "));
    let _ = std::fs::remove_dir_all(venv);
    let python = if cfg!(windows) { "python" } else { "python3" };
    process::run(Command::new(python).args(["-m", "venv"]).arg(venv))
        .context("creating a Python environment (Debian: python3-venv)")?;
    let pip = bin.join(if cfg!(windows) { "pip.exe" } else { "pip" });
    process::run(
        Command::new(pip)
            .args(["install", "--quiet"])
            .args(requirements),
    )
    .with_context(|| format!("installing {} from PyPI", requirements.join(" ")))?;
    std::fs::write(&noted, wanted)?;
    Ok(bin)
}

/// `npm ci` in ui/ when node_modules is missing or older than the lock file.
pub fn ui_dependencies() -> Result<()> {
    let ui = root().join("ui");
    let installed = ui.join("node_modules").join(".package-lock.json");
    let stale = match (mtime(&installed), mtime(&ui.join("package-lock.json"))) {
        (Some(installed), Some(lock)) => installed < lock,
        _ => true,
    };
    if stale {
        process::run(&mut process::npm(&["ci", "--no-audit", "--no-fund"]))
            .context("installing the UI's npm packages")?;
    }
    Ok(())
}

fn mtime(path: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

pub fn build_ui() -> Result<()> {
    process::run(&mut process::npm(&["run", "build"])).context("building the UI")
}

/// The app embeds ui/dist at compile time; commands that only compile Rust need it to exist.
pub fn ensure_ui_dist_exists() -> Result<()> {
    if root().join("ui").join("dist").join("index.html").is_file() {
        return Ok(());
    }
    ui_dependencies()?;
    build_ui()
}
