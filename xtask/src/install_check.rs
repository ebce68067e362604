//! `cargo xtask install-check`: the release `.deb` as a user meets it. Builds it, installs it
//! with apt, starts the app from its desktop entry's `Exec` line under Xvfb (a fresh home),
//! screenshots the first window, uninstalls it, and checks that every file the package
//! brought is gone while the user's settings stay. Debian/Ubuntu only; needs root or sudo.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::e2e::{Guard, Xvfb};
use crate::process::{self, on_path, target_dir};

pub fn run() -> Result<()> {
    if !cfg!(target_os = "linux") || !on_path("apt-get") {
        bail!("install-check installs a .deb with apt: Debian or Ubuntu only");
    }
    crate::bundle(&["--bundles".to_owned(), "deb".to_owned()])?;
    let deb = newest_deb()?;
    let size = std::fs::metadata(&deb)?.len();
    let package = output(
        Command::new("dpkg-deb")
            .args(["-f"])
            .arg(&deb)
            .arg("Package"),
    )?;
    let package = package.trim().to_owned();
    println!("installing {} ({:.1} MiB)", deb.display(), mib(size));
    root_command(&["apt-get", "install", "-y", "-qq"], Some(&deb))?;
    let files: Vec<PathBuf> = output(Command::new("dpkg").args(["-L", &package]))?
        .lines()
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .collect();
    let desktop = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "desktop"))
        .context("the package brings no desktop entry")?;
    let entry = std::fs::read_to_string(desktop)?;
    for key in ["Name=", "Exec=", "Icon=", "Categories="] {
        if !entry.lines().any(|l| l.starts_with(key)) {
            bail!("{} has no {key} line", desktop.display());
        }
    }
    let exec = entry
        .lines()
        .find_map(|l| l.strip_prefix("Exec="))
        .context("no Exec line")?;
    // Field codes (%U, %f …) are the launcher's to fill; none is passed here.
    let words: Vec<&str> = exec
        .split_whitespace()
        .filter(|w| !w.starts_with('%'))
        .collect();
    println!("desktop entry {}: Exec={exec}", desktop.display());

    let work = target_dir().join("install-check");
    let home = work.join("home");
    let _ = std::fs::remove_dir_all(&home);
    for sub in ["config", "data", "state", "cache"] {
        std::fs::create_dir_all(home.join(sub))?;
    }
    let display = Xvfb::start()?;
    let started = Instant::now();
    let app = Guard::spawn(
        Command::new(words[0])
            .args(&words[1..])
            .env("DISPLAY", &display.name)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env(
                "INVOICE_DESK_UPDATE_ENDPOINT",
                crate::process::CLOSED_UPDATE_FEED,
            )
            .stdout(Stdio::null())
            .stderr(Stdio::from(std::fs::File::create(work.join("app.log"))?)),
    )?;
    let window = wait_for_window(&display.name, "Invoice Desk", Duration::from_secs(60))?;
    println!(
        "window {window} after {:.2} s",
        started.elapsed().as_secs_f64()
    );
    // Long enough for the first paint of the web view.
    std::thread::sleep(Duration::from_secs(3));
    let shot = work.join("installed-app.png");
    let shot_ok = Command::new("import")
        .args(["-window", "root"])
        .arg(&shot)
        .env("DISPLAY", &display.name)
        .status()
        .is_ok_and(|s| s.success());
    if shot_ok {
        println!("screenshot {}", shot.display());
    } else {
        println!("no screenshot: ImageMagick's `import` is missing");
    }
    drop(app);
    drop(display);

    root_command(&["apt-get", "remove", "-y", "-qq", &package], None)?;
    let left: Vec<&PathBuf> = files.iter().filter(|p| p.exists()).collect();
    if !left.is_empty() {
        bail!("uninstalling left {left:?}");
    }
    let kept = home.join("config").join("invoice-desk");
    println!(
        "uninstalled: none of the package's {} files is left; the user's settings folder {} {}",
        files.len(),
        kept.display(),
        if kept.is_dir() {
            "stays"
        } else {
            "was never written"
        }
    );
    Ok(())
}

fn mib(bytes: u64) -> f64 {
    #[allow(clippy::cast_precision_loss)] // a size shown to one decimal
    let mib = bytes as f64 / 1_048_576.0;
    mib
}

fn newest_deb() -> Result<PathBuf> {
    let dir = target_dir().join("release").join("bundle").join("deb");
    std::fs::read_dir(&dir)
        .with_context(|| format!("no {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "deb"))
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .context("no .deb was built")
}

fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("could not start `{}`", process::describe(cmd)))?;
    if !out.status.success() {
        bail!(
            "`{}` failed: {}",
            process::describe(cmd),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs `args` as root (through sudo when not root), with `file` as a last argument.
fn root_command(args: &[&str], file: Option<&Path>) -> Result<()> {
    let mut cmd = if crate::setup::is_root() {
        Command::new(args[0])
    } else {
        let mut sudo = Command::new("sudo");
        sudo.arg(args[0]);
        sudo
    };
    cmd.args(&args[1..])
        .env("DEBIAN_FRONTEND", "noninteractive");
    if let Some(file) = file {
        cmd.arg(file);
    }
    process::run(&mut cmd)
}

/// The id of the first visible window named `name` on `display`.
fn wait_for_window(display: &str, name: &str, timeout: Duration) -> Result<String> {
    let deadline = Instant::now() + timeout;
    loop {
        let found = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", name])
            .env("DISPLAY", display)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .filter(|s| !s.is_empty());
        if let Some(id) = found {
            return Ok(id.lines().next().unwrap_or_default().to_owned());
        }
        if Instant::now() > deadline {
            bail!("no window named {name:?} appeared");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
