//! The listing benchmark: every scope and 24 months of invoices of the emulator's `bench` user
//! (100 scopes, 24 invoices each) with a fixed latency injected on every call.
//!
//! It reports ratios, not absolute times:
//! - the Rust sweep ([`list_all_invoices`]) against the ideal for the concurrency limit in use:
//!   the dependent levels (accounts → profiles/subscriptions → invoices) × latency, plus
//!   total calls × latency ÷ limit. Target: at most 1.2×.
//! - a sequential script on the official Python SDK (`azure-mgmt-billing`, installed into
//!   `<target>/bench/venv`) doing the same listing against the same emulator, against the Rust
//!   sweep. Target: at least 10× faster.
//!
//! Calls are counted by the emulator: the latency rule is given a large `count`, and what is
//! left of it after a run (`GET /_emulator/faults`) says how many requests it served.
//!
//! `cargo bench -p invoice-desk-billing --bench listing -- [--limit N] [--latency-ms MS]
//! [--runs N] [--no-peer]`; exits with 1 when a target is missed.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::{Duration, Instant};

use invoice_desk_billing::arm::DEFAULT_MAX_CONCURRENCY;
use invoice_desk_billing::{
    ArmClient, Cloud, Inventory, InvoiceRange, StaticTokenCredential, list_all_invoices,
};
use invoice_desk_emulator::{Emulator, EmulatorConfig, FaultKind, FaultRule};
use time::OffsetDateTime;

type Failure = Box<dyn std::error::Error>;

const USER: &str = "bench@contoso.example";
const SCOPES: usize = 100;
const INVOICES_PER_SCOPE: usize = 24;
/// accounts → profiles / billing subscriptions → invoices, each list one page.
const LEVELS: u32 = 3;
/// The latency rule's `count`: large enough never to run out, so what is left counts calls.
const COUNTER: u32 = 1_000_000;
const MAX_RATIO: f64 = 1.2;
const MIN_SPEEDUP: f64 = 10.0;

#[derive(Debug)]
struct Options {
    limit: usize,
    latency_ms: u32,
    runs: usize,
    peer: bool,
}

fn options() -> Result<Options, Failure> {
    let mut options = Options {
        limit: DEFAULT_MAX_CONCURRENCY,
        latency_ms: 100,
        runs: 3,
        peer: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value"))
                .map_err(Failure::from)
        };
        match arg.as_str() {
            "--limit" => options.limit = value("--limit")?.parse()?,
            "--latency-ms" => options.latency_ms = value("--latency-ms")?.parse()?,
            "--runs" => options.runs = value("--runs")?.parse()?,
            "--no-peer" => options.peer = false,
            // `cargo bench` passes `--bench`; filters and other harness flags do not apply.
            _ => {}
        }
    }
    if options.limit == 0 || options.runs == 0 || options.latency_ms == 0 {
        return Err("--limit, --runs and --latency-ms must be at least 1".into());
    }
    Ok(options)
}

fn main() -> ExitCode {
    match bench() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("listing benchmark failed: {error}");
            ExitCode::from(2)
        }
    }
}

fn bench() -> Result<bool, Failure> {
    let options = options()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let emulator = runtime.block_on(Emulator::start(EmulatorConfig {
        scenario: "bench".into(),
        ..EmulatorConfig::default()
    }))?;
    let token = emulator
        .token_for(USER)
        .ok_or("the bench scenario has no bench user")?;
    let client = ArmClient::builder(
        Cloud::Custom {
            arm_url: emulator.base_url().to_string(),
            token_scope: String::new(),
        },
        Arc::new(StaticTokenCredential::for_a_day(token)),
    )
    .max_concurrency(options.limit)
    .build()?;
    let today = OffsetDateTime::now_utc().date();
    let range = InvoiceRange::last_months(today, 24);
    let expected = SCOPES * INVOICES_PER_SCOPE;

    // A warm-up without latency checks the data and opens the connections.
    emulator.set_faults(vec![counting_latency(0)]);
    let started = Instant::now();
    let warm = runtime.block_on(list_all_invoices(&client, range))?;
    let unloaded = started.elapsed();
    check(&warm, expected)?;
    let single_page_calls = 1 + discovery_calls(&warm) + warm.scopes.len();
    let counted = runtime.block_on(calls(&emulator))?;
    if counted != single_page_calls {
        return Err(format!(
            "{counted} calls where one page per list gives {single_page_calls}: \
             paging changed the call graph, the ideal below would not hold"
        )
        .into());
    }

    let latency = Duration::from_millis(options.latency_ms.into());
    let mut walls = Vec::new();
    let mut rust_calls = 0;
    for _ in 0..options.runs {
        emulator.set_faults(vec![counting_latency(options.latency_ms)]);
        let started = Instant::now();
        let inventory = runtime.block_on(list_all_invoices(&client, range))?;
        walls.push(started.elapsed());
        check(&inventory, expected)?;
        rust_calls = runtime.block_on(calls(&emulator))?;
    }
    walls.sort();
    let rust_wall = walls[walls.len() / 2];
    let limit = u32::try_from(options.limit)?;
    let call_count = u32::try_from(rust_calls)?;
    let ideal = latency * LEVELS + latency * call_count / limit;
    let ratio = rust_wall.as_secs_f64() / ideal.as_secs_f64();

    println!("listing benchmark: scenario bench, {USER}");
    println!(
        "  scopes            {} ({} invoices, {} to {})",
        warm.scopes.len(),
        expected,
        range.start,
        range.end
    );
    println!("  calls             {rust_calls}");
    println!("  latency           {} ms per call", options.latency_ms);
    println!("  concurrency limit {}", options.limit);
    println!(
        "  ideal             {} ({LEVELS} dependent levels × latency + {rust_calls} calls × latency ÷ {})",
        ms(ideal),
        options.limit
    );
    println!(
        "  Rust wall         {} (median of {}: {})",
        ms(rust_wall),
        walls.len(),
        walls.iter().map(|w| ms(*w)).collect::<Vec<_>>().join(", ")
    );
    println!("  ratio to ideal    {ratio:.2}× (target ≤ {MAX_RATIO}×)");
    println!(
        "  without latency   {} (client and emulator work on this machine)",
        ms(unloaded)
    );
    let mut passed = ratio <= MAX_RATIO;

    if options.peer {
        let python = venv()?;
        emulator.set_faults(vec![counting_latency(options.latency_ms)]);
        let started = Instant::now();
        let peer = peer(&python, &emulator, range)?;
        let process_wall = started.elapsed();
        let peer_calls = runtime.block_on(calls(&emulator))?;
        let peer_invoices = usize::try_from(
            peer["invoices"]
                .as_u64()
                .ok_or("the peer printed no invoice count")?,
        )?;
        let listing =
            Duration::from_secs_f64(peer["seconds"].as_f64().ok_or("the peer printed no time")?);
        if peer_invoices != expected {
            return Err(format!(
                "the Python SDK listed {peer_invoices} invoices, the Rust sweep {expected}"
            )
            .into());
        }
        let speedup = listing.as_secs_f64() / rust_wall.as_secs_f64();
        println!(
            "  Python wall       {} listing ({} with interpreter start), {peer_calls} calls, {peer_invoices} invoices",
            ms(listing),
            ms(process_wall)
        );
        println!("  speed-up          {speedup:.1}× (target ≥ {MIN_SPEEDUP}×)");
        if peer_calls != rust_calls {
            println!("  note: the peer made {peer_calls} calls, the Rust sweep {rust_calls}");
        }
        passed &= speedup >= MIN_SPEEDUP;
    }
    println!(
        "  result            {}",
        if passed { "PASS" } else { "FAIL" }
    );
    runtime.block_on(emulator.shutdown());
    Ok(passed)
}

fn ms(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}

/// A latency rule on every route that also counts the requests it delays.
fn counting_latency(ms: u32) -> FaultRule {
    FaultRule {
        route: None,
        method: None,
        count: Some(COUNTER),
        kind: FaultKind::Latency { ms: ms.into() },
    }
}

/// Requests served since the latency rule was set.
async fn calls(emulator: &Emulator) -> Result<usize, Failure> {
    let url = emulator.base_url().join("_emulator/faults")?;
    let rules: serde_json::Value = reqwest::get(url).await?.error_for_status()?.json().await?;
    let left = rules
        .as_array()
        .and_then(|rules| rules.iter().find(|r| r["kind"] == "latency"))
        .and_then(|r| r["count"].as_u64())
        .ok_or("the latency rule is gone")?;
    Ok(usize::try_from(u64::from(COUNTER).saturating_sub(left))?)
}

/// Profile and subscription lists: one per account that is not its own invoice scope.
fn discovery_calls(inventory: &Inventory) -> usize {
    let own_scope = inventory
        .scopes
        .iter()
        .filter(|s| {
            matches!(
                s.scope,
                invoice_desk_billing::InvoiceScope::BillingAccount { .. }
            )
        })
        .count();
    inventory.accounts.len() - own_scope
}

fn check(inventory: &Inventory, expected: usize) -> Result<(), Failure> {
    if !inventory.is_complete() {
        let failed: Vec<String> = inventory
            .failed_scopes()
            .map(|(scope, error)| format!("{scope}: {error}"))
            .chain(
                inventory
                    .discovery_failures
                    .iter()
                    .map(|f| format!("{}: {}", f.account, f.error)),
            )
            .collect();
        return Err(format!("the sweep was incomplete: {}", failed.join("; ")).into());
    }
    if inventory.scopes.len() != SCOPES || inventory.invoice_count() != expected {
        return Err(format!(
            "{} scopes and {} invoices, expected {SCOPES} and {expected}",
            inventory.scopes.len(),
            inventory.invoice_count()
        )
        .into());
    }
    Ok(())
}

/// `<target>/bench`: next to the profile directory this benchmark runs from.
fn bench_dir() -> PathBuf {
    let from_exe = std::env::current_exe().ok().and_then(|exe| {
        // <target>/<profile>/deps/listing-<hash>
        exe.ancestors().nth(3).map(Path::to_path_buf)
    });
    from_exe
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("bench")
}

/// The venv's Python with `azure-mgmt-billing`, created and installed when missing.
fn venv() -> Result<PathBuf, Failure> {
    let venv = bench_dir().join("venv");
    let python = if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    };
    let has_sdk = |python: &Path| {
        python.is_file()
            && Command::new(python)
                .args(["-c", "import azure.mgmt.billing"])
                .status()
                .is_ok_and(|s| s.success())
    };
    if has_sdk(&python) {
        return Ok(python);
    }
    std::fs::create_dir_all(bench_dir())?;
    if !python.is_file() {
        eprintln!("creating {}", venv.display());
        let system = if cfg!(windows) { "python" } else { "python3" };
        run(Command::new(system).arg("-m").arg("venv").arg(&venv))?;
    }
    eprintln!("installing azure-mgmt-billing into {}", venv.display());
    run(Command::new(&python).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "azure-mgmt-billing",
    ]))?;
    if has_sdk(&python) {
        Ok(python)
    } else {
        Err("azure-mgmt-billing did not install".into())
    }
}

fn run(cmd: &mut Command) -> Result<(), Failure> {
    let status = cmd.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed ({status})").into())
    }
}

/// Runs the Python SDK sweep; its last stdout line is a JSON summary.
fn peer(
    python: &Path,
    emulator: &Emulator,
    range: InvoiceRange,
) -> Result<serde_json::Value, Failure> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches")
        .join("peer_listing.py");
    let output = Command::new(python)
        .arg(&script)
        .args(["--base-url", emulator.base_url().as_str()])
        .args(["--user", USER])
        .args(["--start", &range.start.to_string()])
        .args(["--end", &range.end.to_string()])
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "the Python peer failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let stdout = String::from_utf8(output.stdout)?;
    let last = stdout
        .lines()
        .last()
        .ok_or("the Python peer printed nothing")?;
    Ok(serde_json::from_str(last)?)
}
