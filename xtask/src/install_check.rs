//! `cargo xtask install-check`: the release packages as a user meets them. Builds the `.deb`,
//! installs it with apt, starts the app from its desktop entry's `Exec` line under Xvfb (a
//! fresh home), screenshots the first window, uninstalls it, and checks that every file the
//! package brought is gone while the user's settings stay. Then the same for the `.rpm`, which
//! rpm installs here into a root of its own (this is not an RPM system): its payload must hold
//! the app, its desktop entry and icons, start from that `Exec` line, and leave nothing behind
//! when rpm removes it. Debian/Ubuntu only; needs root or sudo.

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
    let deb = newest_bundle("deb")?;
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
    let words = desktop_exec(&files, Path::new("/"))?;

    let work = target_dir().join("install-check");
    let home = launch_and_screenshot(&words, &work, "installed-app.png")?;

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
    check_rpm(&work)
}

/// The `.rpm`: built, its file list read, installed by rpm into `work/rpm-root`, started from
/// its desktop entry there, removed by rpm, and nothing of it left.
fn check_rpm(work: &Path) -> Result<()> {
    crate::setup::debian_packages(&["rpm"])?;
    crate::bundle(&["--bundles".to_owned(), "rpm".to_owned()])?;
    let rpm = newest_bundle("rpm")?;
    println!(
        "\ninstalling {} ({:.1} MiB) into a root of its own",
        rpm.display(),
        mib(std::fs::metadata(&rpm)?.len())
    );
    let name = output(
        Command::new("rpm")
            .args(["-qp", "--queryformat", "%{NAME}"])
            .arg(&rpm),
    )?;
    let root = work.join("rpm-root");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root)?;
    let rpm_in_root = |args: &[&str]| {
        let mut cmd = Command::new("rpm");
        cmd.arg("--root").arg(&root).args(args);
        cmd
    };
    process::run(&mut rpm_in_root(&["--initdb"]))?;
    // No dependency check or scriptlets: the root has no RPM system to satisfy them; the
    // libraries the app links come from this machine.
    process::run(rpm_in_root(&["-i", "--nodeps", "--noscripts"]).arg(&rpm))?;
    let files: Vec<PathBuf> = output(&mut rpm_in_root(&["-ql", &name]))?
        .lines()
        .map(|line| root.join(line.trim_start_matches('/')))
        .filter(|p| p.is_file())
        .collect();
    for wanted in [
        "usr/bin/invoice-desk-app",
        "usr/share/icons/hicolor/128x128/apps",
    ] {
        if !files.iter().any(|f| f.starts_with(root.join(wanted))) {
            bail!("the .rpm brings nothing at /{wanted}");
        }
    }
    let mut words = desktop_exec(&files, &root)?;
    // The Exec line names the installed binary, which lives under the root here.
    let program = words[0].rsplit('/').next().unwrap_or_default().to_owned();
    words[0] = root.join("usr/bin").join(program).display().to_string();
    launch_and_screenshot(&words, work, "installed-rpm-app.png")?;
    process::run(&mut rpm_in_root(&["-e", "--noscripts", &name]))?;
    let left: Vec<&PathBuf> = files.iter().filter(|p| p.exists()).collect();
    if !left.is_empty() {
        bail!("removing the .rpm left {left:?}");
    }
    println!("removed: none of the .rpm's {} files is left", files.len());
    Ok(())
}

/// The desktop entry among `files` (its `Name`, `Exec`, `Icon`, `Categories` present) and its
/// `Exec` line as words, without the launcher's field codes.
fn desktop_exec(files: &[PathBuf], root: &Path) -> Result<Vec<String>> {
    let desktop = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "desktop"))
        .with_context(|| format!("no desktop entry is installed under {}", root.display()))?;
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
    println!("desktop entry {}: Exec={exec}", desktop.display());
    // Field codes (%U, %f …) are the launcher's to fill; none is passed here.
    let words: Vec<String> = exec
        .split_whitespace()
        .filter(|w| !w.starts_with('%'))
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        bail!("{} has an empty Exec line", desktop.display());
    }
    Ok(words)
}

/// Starts `words` under Xvfb in a fresh home below `work`, waits for its window, screenshots
/// it into `work/shot`, and ends it. Returns the home.
fn launch_and_screenshot(words: &[String], work: &Path, shot: &str) -> Result<PathBuf> {
    let home = work.join("home");
    let _ = std::fs::remove_dir_all(&home);
    for sub in ["config", "data", "state", "cache"] {
        std::fs::create_dir_all(home.join(sub))?;
    }
    let display = Xvfb::start()?;
    let started = Instant::now();
    let app = Guard::spawn(
        Command::new(&words[0])
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
    let shot = work.join(shot);
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
    Ok(home)
}

fn mib(bytes: u64) -> f64 {
    #[allow(clippy::cast_precision_loss)] // a size shown to one decimal
    let mib = bytes as f64 / 1_048_576.0;
    mib
}

/// The newest `.<kind>` the bundler wrote into `target/release/bundle/<kind>/`.
fn newest_bundle(kind: &str) -> Result<PathBuf> {
    let dir = target_dir().join("release").join("bundle").join(kind);
    std::fs::read_dir(&dir)
        .with_context(|| format!("no {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == kind))
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .with_context(|| format!("no .{kind} was built"))
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
