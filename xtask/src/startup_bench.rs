//! `cargo xtask bench startup`: how fast the release app shows its first window, and what it
//! holds once idle, side by side with a minimal Tauri app built with the same release profile
//! (the floor of this stack), all under Xvfb in one run.
//!
//! Each round starts, in turn: the app on its welcome screen, the app with `--demo` until the
//! demo's scopes are listed beside the invoice table, and the minimal app until its page is
//! painted, once as Tauri sets it up and once painting without GPU compositing as the app does
//! on Linux (so the app's own cost shows apart from what that setting gains). Time runs from
//! the spawn to the moment the process prints that its web view painted the screen (the app
//! with `INVOICE_DESK_STARTUP_PROBE` set; the page reports after two animation frames). The
//! page cache is dropped before each start where that is allowed (root on Linux), so every
//! start is cold. After the demo has shown, and after each minimal app has painted, the whole
//! process tree (the app and its WebKit processes) is measured idle: RSS summed, and PSS
//! (shared pages split between the processes) beside it. Installers already built in
//! `target/release/bundle` are listed with their sizes.
//!
//! Targets: median first paint ≤ 0.5 s for the welcome screen and for the demo, idle RSS of
//! the tree ≤ 150 MB, every installer < 10 MB.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::e2e::Xvfb;
use crate::process::{self, root, target_dir};

const FIRST_PAINT_TARGET: Duration = Duration::from_millis(500);
const IDLE_RSS_TARGET_MB: f64 = 150.0;
const INSTALLER_TARGET_MB: f64 = 10.0;
const PROBE_ENV: &str = "INVOICE_DESK_STARTUP_PROBE";

pub fn run(args: &[String]) -> Result<()> {
    if !cfg!(target_os = "linux") {
        bail!("the startup benchmark runs the app under Xvfb: Linux only");
    }
    let runs = args
        .windows(2)
        .find(|w| w[0] == "--runs")
        .and_then(|w| w[1].parse::<usize>().ok())
        .unwrap_or(10);
    crate::setup::system_packages(crate::setup::Purpose::Test)?;
    crate::setup::ui_dependencies()?;
    crate::setup::build_ui()?;
    process::run(&mut process::cargo(&[
        "build",
        "--release",
        "--package",
        "invoice-desk-app",
    ]))?;
    let app = target_dir().join("release").join("invoice-desk-app");
    let peer = build_peer()?;

    let display = Xvfb::start()?;
    let home = target_dir().join("bench-startup").join("home");
    let cold = can_drop_caches();
    if !cold {
        println!("xtask: cannot drop the page cache here (needs root): starts are warm");
    }
    let subjects: [(&Path, &[&str], Stage); 4] = [
        (&app, &[], Stage::Welcome),
        (&app, &["--demo"], Stage::Demo),
        (&peer, &[], Stage::Peer),
        (
            &peer,
            &[PEER_WITHOUT_COMPOSITING],
            Stage::PeerWithoutCompositing,
        ),
    ];
    let mut measured: [Measured; 4] = Default::default();
    for round in 1..=runs {
        for ((binary, args, stage), measured) in subjects.iter().zip(&mut measured) {
            if cold {
                drop_caches();
            }
            let _ = std::fs::remove_dir_all(&home);
            let started = start(binary, args, *stage, &display.name, &home)?;
            measured.painted.push(started.painted);
            if stage.measured_idle() {
                std::thread::sleep(Duration::from_secs(3));
                measured.idle.push(tree_memory(started.child.id()));
            }
            stop(started.child);
        }
        println!(
            "round {round}/{runs}: welcome {} · demo {} · minimal app {} · without compositing {}",
            ms(measured[0].last()),
            ms(measured[1].last()),
            ms(measured[2].last()),
            ms(measured[3].last()),
        );
    }
    let [welcome, demo, floor, flat_floor] = &measured;
    let (welcome_m, demo_m) = (welcome.median(), demo.median());
    let (rss, pss) = (demo.idle_rss(), demo.idle_pss());
    let processes = demo.idle.first().map_or(0, |m| m.processes);
    println!(
        "\nstartup, median of {runs} {} starts under Xvfb:",
        if cold { "cold-cache" } else { "warm" }
    );
    for (what, times) in [
        ("first paint, welcome screen", welcome),
        ("first paint, demo scopes", demo),
    ] {
        println!(
            "  {what:<29} {}, {:.2}× the minimal Tauri app, {:.2}× it without compositing",
            times.summary(),
            ratio(times.median(), floor.median()),
            ratio(times.median(), flat_floor.median())
        );
    }
    println!("  {:<29} {}", "minimal Tauri app (floor)", floor.summary());
    println!("  {:<29} {}", "  without compositing", flat_floor.summary());
    println!("  idle, demo shown: {processes} processes, RSS {rss:.0} MB summed, PSS {pss:.0} MB");
    for (what, peer) in [
        ("the minimal app", floor),
        ("the minimal app without compositing", flat_floor),
    ] {
        let (peer_rss, peer_pss) = (peer.idle_rss(), peer.idle_pss());
        println!(
            "    {:.2}× the RSS of {what} ({peer_rss:.0} MB), {:.2}× its PSS ({peer_pss:.0} MB)",
            rss / peer_rss.max(1.0),
            pss / peer_pss.max(1.0)
        );
    }
    let mut missed = Vec::new();
    if welcome_m > FIRST_PAINT_TARGET {
        missed.push(format!(
            "welcome screen {} > {}",
            ms(welcome_m),
            ms(FIRST_PAINT_TARGET)
        ));
    }
    if demo_m > FIRST_PAINT_TARGET {
        missed.push(format!("demo {} > {}", ms(demo_m), ms(FIRST_PAINT_TARGET)));
    }
    if rss > IDLE_RSS_TARGET_MB {
        missed.push(format!("idle RSS {rss:.0} MB > {IDLE_RSS_TARGET_MB:.0} MB"));
    }
    for (path, mb) in installers() {
        println!("  installer {} {mb:.1} MB", path.display());
        if mb >= INSTALLER_TARGET_MB {
            missed.push(format!("{} is {mb:.1} MB", path.display()));
        }
    }
    if !missed.is_empty() {
        bail!("missed: {}", missed.join("; "));
    }
    Ok(())
}

/// What one start waits for.
#[derive(Clone, Copy)]
enum Stage {
    Welcome,
    Demo,
    Peer,
    /// The minimal app painting the way the app does on Linux (`web_view_painting`), so the
    /// app's own cost shows apart from that choice's gain.
    PeerWithoutCompositing,
}

impl Stage {
    /// Whether the process tree's idle memory is measured once painted (the demo with its
    /// table, and the minimal apps it is compared with).
    fn measured_idle(self) -> bool {
        !matches!(self, Stage::Welcome)
    }

    /// The word after `startup-painted` the process prints once painted.
    fn reported_as(self) -> &'static str {
        match self {
            Stage::Welcome => "welcome",
            Stage::Demo => "demo",
            Stage::Peer | Stage::PeerWithoutCompositing => "peer",
        }
    }
}

/// The minimal app's switch for painting without GPU compositing.
const PEER_WITHOUT_COMPOSITING: &str = "--without-compositing";

/// One stage's figures over all rounds.
#[derive(Default)]
struct Measured {
    painted: Vec<Duration>,
    idle: Vec<Memory>,
}

impl Measured {
    fn last(&self) -> Duration {
        self.painted.last().copied().unwrap_or_default()
    }

    fn median(&self) -> Duration {
        median(&self.painted)
    }

    /// The median with the range around it.
    fn summary(&self) -> String {
        format!(
            "{} (range {}–{})",
            ms(self.median()),
            ms(min(&self.painted)),
            ms(max(&self.painted))
        )
    }

    fn idle_rss(&self) -> f64 {
        median_f(&self.idle.iter().map(|m| m.rss_mb).collect::<Vec<_>>())
    }

    fn idle_pss(&self) -> f64 {
        median_f(&self.idle.iter().map(|m| m.pss_mb).collect::<Vec<_>>())
    }
}

struct Started {
    child: std::process::Child,
    painted: Duration,
}

fn start(
    binary: &Path,
    args: &[&str],
    stage: Stage,
    display: &str,
    home: &Path,
) -> Result<Started> {
    for sub in ["config", "data", "state", "cache"] {
        std::fs::create_dir_all(home.join(sub))?;
    }
    let mut cmd = Command::new(binary);
    cmd.args(args)
        .env("DISPLAY", display)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env(PROBE_ENV, "1")
        .env(
            "INVOICE_DESK_UPDATE_ENDPOINT",
            crate::process::CLOSED_UPDATE_FEED,
        )
        // No session bus: the keychain answers "unavailable" at once, as on a machine without one.
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let spawned = Instant::now();
    let mut child = process::spawn_group(&mut cmd)?;
    let stdout = child.stdout.take().context("the app's stdout")?;
    let wanted = format!("startup-painted {}", stage.reported_as());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.trim() == wanted {
                let _ = tx.send(Instant::now());
            }
        }
    });
    let Ok(at) = rx.recv_timeout(Duration::from_secs(60)) else {
        stop(child);
        bail!(
            "{} never reported painting its {} screen",
            binary.display(),
            stage.reported_as()
        );
    };
    Ok(Started {
        child,
        painted: at - spawned,
    })
}

fn stop(mut child: std::process::Child) {
    process::end_group(&mut child, Duration::from_secs(5));
    // The app is single-instance: the next start must not find this one still closing.
    std::thread::sleep(Duration::from_millis(300));
}

struct Memory {
    processes: usize,
    rss_mb: f64,
    pss_mb: f64,
}

/// RSS and PSS of `pid` and every process below it.
fn tree_memory(pid: u32) -> Memory {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // The parent is the second field after the command's closing parenthesis.
        let parent = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(parent) = parent {
            parents.push((child, parent));
        }
    }
    let mut tree = vec![pid];
    let mut i = 0;
    while i < tree.len() {
        let at = tree[i];
        tree.extend(parents.iter().filter(|(_, p)| *p == at).map(|(c, _)| *c));
        i += 1;
    }
    let (mut rss, mut pss) = (0u64, 0u64);
    for pid in &tree {
        let rollup =
            std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
        rss += kb(&rollup, "Rss:");
        pss += kb(&rollup, "Pss:");
    }
    #[allow(clippy::cast_precision_loss)] // megabytes shown whole
    Memory {
        processes: tree.len(),
        rss_mb: rss as f64 / 1024.0,
        pss_mb: pss as f64 / 1024.0,
    }
}

fn kb(rollup: &str, key: &str) -> u64 {
    rollup
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn can_drop_caches() -> bool {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/proc/sys/vm/drop_caches")
        .is_ok()
}

fn drop_caches() {
    let _ = Command::new("sync").status();
    let _ = std::fs::write("/proc/sys/vm/drop_caches", "3\n");
}

fn installers() -> Vec<(PathBuf, f64)> {
    let dir = target_dir().join("release").join("bundle");
    crate::walk(&dir)
        .into_iter()
        .filter(|p| {
            p.extension().is_some_and(|e| {
                ["deb", "rpm", "AppImage", "msi", "exe", "dmg"]
                    .iter()
                    .any(|x| e == *x)
            })
        })
        .filter_map(|p| {
            #[allow(clippy::cast_precision_loss)] // a size shown to one decimal
            let mb = std::fs::metadata(&p).ok()?.len() as f64 / 1_048_576.0;
            Some((p, mb))
        })
        .collect()
}

/// The minimal Tauri app: one window, one page that reports its first paint, the app's
/// release profile and Tauri version. Written to `target/bench-startup/peer` and built there
/// (sharing the workspace's target folder, so Tauri is compiled once).
fn build_peer() -> Result<PathBuf> {
    let dir = target_dir().join("bench-startup").join("peer");
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::create_dir_all(dir.join("dist"))?;
    let manifest = std::fs::read_to_string(root().join("Cargo.toml"))?;
    let profile = manifest
        .split("\n[profile.release]\n")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .context("the workspace has no [profile.release]")?;
    let files: [(&str, String); 5] = [
        (
            "Cargo.toml",
            format!(
                "[package]\nname = \"startup-peer\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
                 [workspace]\n\n[dependencies]\ntauri = {{ version = \"2\", features = [\"custom-protocol\"] }}\n\n\
                 [target.'cfg(target_os = \"linux\")'.dependencies]\nwebkit2gtk = {{ version = \"2.0.2\", features = [\"v2_40\"] }}\n\n\
                 [build-dependencies]\ntauri-build = \"2\"\n\n[profile.release]\n{profile}\n"
            ),
        ),
        ("build.rs", "fn main() {\n    tauri_build::build();\n}\n".to_owned()),
        (
            "src/main.rs",
            PEER_MAIN.replace("PEER_WITHOUT_COMPOSITING", PEER_WITHOUT_COMPOSITING),
        ),
        (
            "tauri.conf.json",
            r#"{
  "productName": "startup-peer",
  "identifier": "bench.startup.peer",
  "version": "0.0.0",
  "build": { "frontendDist": "dist" },
  "app": {
    "windows": [{ "title": "Minimal Tauri app", "width": 1200, "height": 800 }],
    "security": { "csp": "default-src 'self'; script-src 'self' 'unsafe-inline'" }
  },
  "bundle": { "active": false }
}
"#
            .to_owned(),
        ),
        (
            "dist/index.html",
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Minimal Tauri app</title></head>\
             <body><h1>Hello</h1><script>requestAnimationFrame(() => requestAnimationFrame(() => \
             window.__TAURI_INTERNALS__.invoke(\"painted\")));</script></body></html>\n"
                .to_owned(),
        ),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text)?;
        }
    }
    // The window icon Tauri embeds: the app's own.
    std::fs::create_dir_all(dir.join("icons"))?;
    std::fs::copy(
        root().join("icons").join("icon.png"),
        dir.join("icons").join("icon.png"),
    )?;
    // The workspace's versions of Tauri and its dependencies, so both apps run the same stack.
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo
        .args(["build", "--release"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", target_dir());
    process::run(&mut cargo)?;
    Ok(target_dir().join("release").join("startup-peer"))
}

/// The minimal app: reports its first paint, and with [`PEER_WITHOUT_COMPOSITING`] (put in for
/// its name) paints the way the app does on Linux (the same WebKitGTK setting, set at the same
/// point of start-up).
const PEER_MAIN: &str = r#"use tauri::Manager as _;

#[tauri::command]
fn painted() {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "startup-painted peer");
    let _ = out.flush();
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![painted])
        .setup(|app| {
            if std::env::args().any(|arg| arg == "PEER_WITHOUT_COMPOSITING") {
                if let Some(window) = app.get_webview_window("main") {
                    without_compositing(&window)?;
                }
            }
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the minimal app runs");
}

#[cfg(target_os = "linux")]
fn without_compositing(window: &tauri::WebviewWindow) -> tauri::Result<()> {
    window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt as _, WebViewExt as _};
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    })
}

#[cfg(not(target_os = "linux"))]
fn without_compositing(_: &tauri::WebviewWindow) -> tauri::Result<()> {
    Ok(())
}
"#;

fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

fn median_f(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

fn min(values: &[Duration]) -> Duration {
    values.iter().min().copied().unwrap_or_default()
}

fn max(values: &[Duration]) -> Duration {
    values.iter().max().copied().unwrap_or_default()
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(f64::EPSILON)
}

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}
