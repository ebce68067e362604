//! `cargo xtask <command>`: the project's own commands. Each installs what it needs first.
//!
//! - `run`      build the UI and the app, then open the Invoice Desk window
//! - `test`     every suite (Rust, UI, browser, end-to-end); one summary line per suite
//! - `bench`    the benchmarks: listing (vs ideal and the Python SDK), app commands, sync (vs curl),
//!   sidebar (jsdom and Chromium)
//! - `bundle`   a release .deb (or another bundle: `bundle --bundles rpm`)
//! - `bindings` regenerate the TypeScript IPC bindings from the Rust declarations
//! - `fixtures` record the demo answers the browser tests' IPC mock replays
//! - `install-check` build, install, start, screenshot and uninstall the release .deb and .rpm
//! - `fuzz`     run the libFuzzer targets of `crates/fuzz` (10 minutes each unless told)

mod bench;
#[cfg(target_os = "linux")]
mod cross;
#[cfg(target_os = "linux")]
mod cross_clippy;
mod dates;
mod e2e;
mod fixtures;
mod fuzz;
mod install_check;
mod process;
mod setup;
mod startup_bench;
mod suites;
#[cfg(target_os = "linux")]
mod windows_wine;
mod workflows;

use anyhow::{Result, bail};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(err) = dispatch(&args) {
        eprintln!("xtask: {err:#}");
        std::process::exit(1);
    }
}

fn dispatch(args: &[String]) -> Result<()> {
    let Some((command, rest)) = args.split_first() else {
        print_usage();
        return Ok(());
    };
    match command.as_str() {
        "run" => run(rest),
        "test" => suites::run_all(rest),
        "bench" => bench::run(rest),
        "bundle" => bundle(rest),
        "bindings" => bindings(),
        "fixtures" => fixtures::run(),
        "fuzz" => fuzz::run(rest),
        "install-check" => install_check::run(),
        "help" | "--help" | "-h" => {
            print_usage();
            Ok(())
        }
        other => bail!("unknown command `{other}`; try `cargo xtask help`"),
    }
}

fn print_usage() {
    println!(
        "usage: cargo xtask <command>\n\n\
         commands:\n  \
         run [--no-demo]   build the UI and the app, then open the window on demo data\n  \
         test [SUITE...]   run every test suite (or only the named ones: {})\n  \
         bench [BENCH...] [--limit N] [--latency-ms MS] [--runs N] [--no-peer]\n                    \
         the benchmarks, all or the named ones ({}); see `cargo xtask bench --help`\n  \
         bundle [--bundles deb]  build a release bundle into target/release/bundle/\n  \
         bindings          regenerate ui/src/lib/bindings.ts from the Rust commands\n  \
         fixtures          record the commands' demo answers into ui/src/e2e/recorded/\n  \
         fuzz [TARGET...] [--secs N]  run the fuzz targets, 600 s each unless told\n  \
         install-check     build the .deb and the .rpm, install each, start it from its desktop\n                    \
         entry under Xvfb, screenshot it, uninstall it and check nothing of it is left",
        suites::names().join(", "),
        bench::NAMES.join(", ")
    );
}

fn run(args: &[String]) -> Result<()> {
    setup::system_packages(setup::Purpose::Run)?;
    setup::ui_dependencies()?;
    setup::build_ui()?;
    let mut cargo = process::cargo(&["run", "--package", "invoice-desk-app", "--"]);
    // Opens on the built-in sample data unless asked not to (`cargo xtask run --no-demo`).
    if !args.iter().any(|a| a == "--no-demo") {
        cargo.arg("--demo");
    }
    cargo.args(args.iter().filter(|a| *a != "--no-demo"));
    process::run(&mut cargo)
}

fn bundle(args: &[String]) -> Result<()> {
    setup::system_packages(setup::Purpose::Run)?;
    setup::ui_dependencies()?;
    setup::build_ui()?;
    // The build script derives src-tauri/tauri.conf.json, which the Tauri CLI reads.
    process::run(&mut process::cargo(&[
        "check",
        "--package",
        "invoice-desk-app",
    ]))?;
    let bundles = if args.is_empty() {
        vec!["--bundles".to_owned(), "deb".to_owned()]
    } else {
        args.to_vec()
    };
    let mut cli = process::npm_exec("tauri");
    cli.arg("build")
        .args(&bundles)
        .env("TAURI_APP_PATH", process::root().join("src-tauri"));
    // Update archives need the release key's signature; without the key (every machine but
    // the release workflow's) the installers are built and the archives left out.
    if std::env::var_os("TAURI_SIGNING_PRIVATE_KEY").is_none() {
        cli.args(["--config", r#"{"bundle":{"createUpdaterArtifacts":false}}"#]);
    }
    cli.current_dir(process::root().join("src-tauri"));
    process::run(&mut cli)?;
    let dir = process::target_dir().join("release").join("bundle");
    println!("bundles are in {}", dir.display());
    for entry in walk(&dir) {
        if let Ok(meta) = std::fs::metadata(&entry)
            && meta.is_file()
            && entry.extension().is_some_and(|e| e != "json")
        {
            #[allow(clippy::cast_precision_loss)] // a file size shown to one decimal
            let mib = meta.len() as f64 / 1_048_576.0;
            println!("  {} ({mib:.1} MiB)", entry.display());
        }
    }
    Ok(())
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

fn bindings() -> Result<()> {
    setup::ensure_ui_dist_exists()?;
    let mut cargo = process::cargo(&[
        "test",
        "--package",
        "invoice-desk-app",
        "--lib",
        "typescript_bindings_are_up_to_date",
    ]);
    cargo.env("UPDATE_BINDINGS", "1");
    process::run(&mut cargo)?;
    println!("wrote ui/src/lib/bindings.ts");
    Ok(())
}
