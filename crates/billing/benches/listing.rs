//! The listing benchmark: every scope and 24 months of invoices of the emulator's `bench` user
//! (100 scopes, 24 invoices each) with a fixed latency injected on every call, listed over the
//! window's "Last 3 years" the way the window and `invoice-desk invoices` list:
//! [`discover_scopes`] for the caller (tenant and object id known, as after sign-in), then
//! [`scope_periods`] of every scope found, all of them at once; the [`ArmClient`]'s own
//! concurrency limit bounds the calls in flight. The listing must find the 100 scopes with no
//! failure or issue, and 24 invoices in each scope, counted across the scope's periods.
//!
//! It reports ratios, not absolute times:
//! - the listing against the ideal for the concurrency limit in use: the dependent levels of its
//!   calls ([`LEVELS`]) × latency, plus total calls × latency ÷ limit. Target: at most 1.2×.
//! - a sequential script on the official Python SDK (`azure-mgmt-billing`, installed into
//!   `<target>/bench/venv`; `peer_listing.py` next to this file) against the listing, on the same
//!   emulator and latency. Target: at least 10× faster. The script makes the same requests as the
//!   Rust listing, one at a time: after the measured runs, the requests the emulator served to
//!   the median run (its request log: method, path and query, in the order they arrived) go to
//!   `<target>/bench/listing-requests.json`, and the script sends every one of them again in that
//!   order through the SDK's client pipeline (bearer-token policy, retries). Where
//!   `azure-mgmt-billing` has a typed operation it makes the request (billing accounts, billing
//!   profiles, billing subscriptions and each billing subscription, role assignments on the MCA
//!   account and on each profile, `billingPermissions`, invoice sections, the invoices of each
//!   profile and MOSP subscription, each subscription's `billingProperty`: 354 of the 405),
//!   with the logged query as its parameters; `send_request` with the logged path and query
//!   makes the others (`GET /subscriptions` and each MOSP subscription's billing periods, 51).
//!   Both follow `nextLink` as the SDK's pagers do, so a logged request for a later page is not
//!   sent on its own. An error answer (the caller's role assignments on the MCA account: 403) is
//!   read as the answer, as on the Rust side. The emulator's counter must give the script as
//!   many calls as the Rust listing, and its request log the same requests (method, path and
//!   decoded query pairs, counted, in any order), or the benchmark stops; the script's time
//!   runs from creating its client to the last answer, without the interpreter's start. At
//!   the default limit of 16 the 405 calls take about 6 + 405 ÷ 16 ≈ 31 latencies against
//!   the script's 405 in a row: about 13×, and more by what the SDK spends on each call.
//!
//! Calls are counted by the emulator: the latency rule is given a large `count`, and what is
//! left of it after a run (`GET /_emulator/faults`) says how many requests it served. The
//! warm-up's call count is held to [`CALLS`], and a run with no concurrency limit measures the
//! dependent levels ((its wall − the same run's wall without latency) ÷ latency), held to
//! [`LEVELS`]: a changed call graph stops the benchmark rather than measuring against an ideal
//! that no longer holds.
//!
//! `cargo bench -p invoice-desk-billing --bench listing -- [--limit N] [--latency-ms MS]
//! [--runs N] [--no-peer]`; exits with 1 when a target is missed, 2 when the benchmark fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::join_all;
use invoice_desk_billing::arm::DEFAULT_MAX_CONCURRENCY;
use invoice_desk_billing::browse::{Caller, discover_scopes, scope_periods};
use invoice_desk_billing::{
    ArmClient, Cloud, InvoiceRange, Portal, ShownRange, StaticTokenCredential,
};
use invoice_desk_emulator::{Emulator, EmulatorConfig, FaultKind, FaultRule, RequestRecord};
use time::Date;

type Failure = Box<dyn std::error::Error>;

const USER: &str = "bench@contoso.example";
const SCOPES: usize = 100;
const INVOICES_PER_SCOPE: usize = 24;
/// The range listed: the window's "Last 3 years", which holds every one of the 24 invoices per
/// scope whatever the day of the month (a period counts when it overlaps the range, and the
/// newest invoice may not be issued yet).
const RANGE: ShownRange = ShownRange::ThreeYears;
/// The dependent levels of the listing for this user, one page per list:
/// 1. `GET /subscriptions` and `GET billingAccounts`;
/// 2. per MOSP subscription its `billingProperty`; the MOSP account's billing subscriptions
///    and the MCA account's billing profiles;
/// 3. per MOSP subscription its billing subscription; the caller's role assignments on the
///    MCA account (read once the profiles are known);
/// 4. per billing profile `billingPermissions` and the caller's role assignments;
/// 5. per billing profile its invoice sections (one each: no section scopes);
/// 6. [`scope_periods`]: per scope its invoices, and per MOSP subscription its billing periods
///    alongside.
const LEVELS: u32 = 6;
/// The calls of one listing, one page per list: 2 + 50 × 2 per MOSP subscription + 1 + 1 + 1
/// and 50 × 3 per billing profile (discovery, 255), then 50 × 1 per profile and 50 × 2 per
/// subscription (periods, 150).
const CALLS: usize = 405;
/// The latency of the run that measures the levels, at least: enough to dwarf the variation in
/// the work of client and emulator on a loaded machine (±0.5 level fails the benchmark).
const PROBE_LATENCY_MS: u32 = 250;
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

/// Who lists, and what they ask for.
struct Session {
    client: ArmClient,
    caller: Caller,
    portal: Portal,
    range: InvoiceRange,
    today: Date,
}

/// What one listing found and how long it took.
#[derive(Debug)]
struct Listing {
    scopes: usize,
    periods: usize,
    /// Invoices per scope id, counted across the scope's periods.
    invoices: BTreeMap<String, usize>,
    /// Discovery failures, scope issues and scopes whose periods failed.
    problems: Vec<String>,
    /// Until every scope was found (what the sidebar waits for).
    scopes_wall: Duration,
    /// Through the last scope's periods.
    wall: Duration,
}

impl Listing {
    fn invoice_count(&self) -> usize {
        self.invoices.values().sum()
    }
}

/// The user path: every scope, then the periods of every scope at once.
async fn list(session: &Session) -> Listing {
    let started = Instant::now();
    let found = discover_scopes(&session.client, &session.caller, &session.portal).await;
    let scopes_wall = started.elapsed();
    let rows = join_all(
        found
            .scopes
            .iter()
            .map(|entry| scope_periods(&session.client, entry, session.range, session.today)),
    )
    .await;
    let wall = started.elapsed();

    let mut problems: Vec<String> = found
        .failures
        .iter()
        .map(|f| format!("{}: {}", f.what, f.issue.message))
        .collect();
    let mut invoices = BTreeMap::new();
    let mut periods = 0;
    for (entry, rows) in found.scopes.iter().zip(rows) {
        problems.extend(
            entry
                .issues
                .iter()
                .map(|i| format!("{} ({}): {}", entry.scope.id, i.step, i.message)),
        );
        match rows {
            Ok(rows) => {
                periods += rows.len();
                invoices.insert(
                    entry.scope.id.clone(),
                    rows.iter().map(|r| r.invoices.len()).sum(),
                );
            }
            Err(e) => problems.push(format!("{} (periods): {e}", entry.scope.id)),
        }
    }
    Listing {
        scopes: found.scopes.len(),
        periods,
        invoices,
        problems,
        scopes_wall,
        wall,
    }
}

fn check(listing: &Listing) -> Result<(), Failure> {
    if !listing.problems.is_empty() {
        return Err(format!(
            "the listing was incomplete: {}",
            listing.problems.join("; ")
        )
        .into());
    }
    let short: Vec<String> = listing
        .invoices
        .iter()
        .filter(|(_, n)| **n != INVOICES_PER_SCOPE)
        .map(|(scope, n)| format!("{scope}: {n}"))
        .collect();
    if listing.scopes != SCOPES || !short.is_empty() {
        return Err(format!(
            "{} scopes, expected {SCOPES}, each with {INVOICES_PER_SCOPE} invoices; other counts: {}",
            listing.scopes,
            short.join(", ")
        )
        .into());
    }
    Ok(())
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
    let user = emulator
        .users()
        .into_iter()
        .find(|u| u.upn == USER)
        .ok_or("the bench scenario has no bench user")?;
    let cloud = Cloud::Custom {
        arm_url: emulator.base_url().to_string(),
        token_scope: String::new(),
    };
    let credential = Arc::new(StaticTokenCredential::for_a_day(
        emulator
            .token_for(USER)
            .ok_or("no token for the bench user")?,
    ));
    let today = emulator.today();
    let session = |limit: usize| -> Result<Session, Failure> {
        Ok(Session {
            client: ArmClient::builder(cloud.clone(), credential.clone())
                .max_concurrency(limit)
                .build()?,
            caller: Caller {
                tenant_id: Some(user.tenant_id.clone()),
                object_id: Some(user.object_id.clone()),
            },
            portal: Portal::for_cloud(&cloud),
            range: RANGE.range(today),
            today,
        })
    };
    let limited = session(options.limit)?;
    let range = limited.range;
    let expected = SCOPES * INVOICES_PER_SCOPE;

    // A warm-up without latency checks the data, counts the calls and opens the connections.
    emulator.set_faults(vec![counting_latency(0)]);
    emulator.clear_requests();
    let warm = runtime.block_on(list(&limited));
    check(&warm)?;
    let counted = runtime.block_on(calls(&emulator))?;
    let breakdown = breakdown(&emulator);
    if counted != CALLS {
        return Err(format!(
            "{counted} calls where the known call graph makes {CALLS} ({breakdown}): \
             the ideal below would not hold"
        )
        .into());
    }

    // The dependent levels, measured: with no limit the listing takes one latency per level,
    // plus the work of client and emulator (measured without latency, and taken off).
    let probe_latency = options.latency_ms.max(PROBE_LATENCY_MS);
    let unlimited = session(CALLS)?;
    runtime.block_on(list(&unlimited)); // opens its own connections
    let work = runtime.block_on(list(&unlimited)).wall;
    emulator.set_faults(vec![counting_latency(probe_latency)]);
    let probe = runtime.block_on(list(&unlimited));
    check(&probe)?;
    let measured_levels =
        probe.wall.saturating_sub(work).as_secs_f64() * 1000.0 / f64::from(probe_latency);
    if (measured_levels - f64::from(LEVELS)).abs() >= 0.5 {
        return Err(format!(
            "{measured_levels:.2} dependent levels measured with no limit where the known call \
             graph has {LEVELS}: the ideal below would not hold"
        )
        .into());
    }

    let latency = Duration::from_millis(options.latency_ms.into());
    let limit = u32::try_from(options.limit)?;
    let ideal_for = |calls: usize| -> Result<Duration, Failure> {
        Ok(latency * LEVELS + latency * u32::try_from(calls)? / limit)
    };
    let mut runs = Vec::new();
    for _ in 0..options.runs {
        emulator.set_faults(vec![counting_latency(options.latency_ms)]);
        emulator.clear_requests();
        let listing = runtime.block_on(list(&limited));
        check(&listing)?;
        let calls = runtime.block_on(calls(&emulator))?;
        let ratio = listing.wall.as_secs_f64() / ideal_for(calls)?.as_secs_f64();
        runs.push((listing, calls, ratio, emulator.requests()));
    }
    runs.sort_by_key(|run| run.0.wall);
    let (median, rust_calls, ratio, served) = &runs[runs.len() / 2];
    let (rust_wall, rust_calls, ratio) = (median.wall, *rust_calls, *ratio);
    let ideal = ideal_for(rust_calls)?;
    let lowest = runs.iter().map(|r| r.2).fold(f64::INFINITY, f64::min);
    let highest = runs.iter().map(|r| r.2).fold(0.0, f64::max);

    println!("listing benchmark: scenario bench, {USER}, discover_scopes + scope_periods");
    println!(
        "  listed            {} scopes, {} periods, {} invoices ({} to {})",
        warm.scopes,
        warm.periods,
        warm.invoice_count(),
        range.start,
        range.end
    );
    println!("  calls             {rust_calls} ({breakdown})");
    if runs.iter().any(|r| r.1 != CALLS) {
        println!(
            "  note: the measured runs made {} calls",
            runs.iter()
                .map(|r| r.1.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!("  latency           {} ms per call", options.latency_ms);
    println!("  concurrency limit {}", options.limit);
    println!(
        "  dependent levels  {LEVELS} (measured with no limit: {measured_levels:.2}, from {} at {probe_latency} ms less {} without latency)",
        ms(probe.wall),
        ms(work)
    );
    println!(
        "  ideal             {} ({LEVELS} dependent levels × latency + {rust_calls} calls × latency ÷ {})",
        ms(ideal),
        options.limit
    );
    println!(
        "  Rust wall         {} (median of {}: {}); scopes found after {}",
        ms(rust_wall),
        runs.len(),
        runs.iter()
            .map(|r| ms(r.0.wall))
            .collect::<Vec<_>>()
            .join(", "),
        ms(median.scopes_wall)
    );
    println!(
        "  ratio to ideal    {ratio:.2}× (runs {lowest:.2}–{highest:.2}×; target ≤ {MAX_RATIO}×)"
    );
    println!(
        "  without latency   {} (client and emulator work on this machine)",
        ms(warm.wall)
    );
    let mut passed = ratio <= MAX_RATIO;

    if options.peer {
        let python = venv()?;
        let replay = bench_dir().join("listing-requests.json");
        write_replay(&replay, served)?;
        emulator.set_faults(vec![counting_latency(options.latency_ms)]);
        emulator.clear_requests();
        let started = Instant::now();
        let peer = peer(&python, &emulator, &replay)?;
        let process_wall = started.elapsed();
        let peer_calls = runtime.block_on(calls(&emulator))?;
        let count = |key: &str| -> Result<usize, Failure> {
            let value = peer[key]
                .as_u64()
                .ok_or_else(|| format!("the peer printed no {key}"))?;
            Ok(usize::try_from(value)?)
        };
        let (peer_invoices, peer_scopes) = (count("invoices")?, count("invoice_lists")?);
        let (typed, raw) = (count("typed")?, count("send_request")?);
        let listing =
            Duration::from_secs_f64(peer["seconds"].as_f64().ok_or("the peer printed no time")?);
        if peer_invoices != expected || peer_scopes != SCOPES {
            return Err(format!(
                "the Python SDK listed the invoices of {peer_scopes} scopes, {peer_invoices} \
                 invoices; the Rust listing {SCOPES} and {expected}"
            )
            .into());
        }
        let differences = differences(served, &emulator.requests());
        if peer_calls != rust_calls || !differences.is_empty() {
            let shown = differences.len().min(5);
            return Err(format!(
                "the Python SDK made {peer_calls} calls where the Rust listing made {rust_calls}; \
                 {} requests not made by both: {}{}",
                differences.len(),
                differences[..shown].join("; "),
                if differences.len() > shown {
                    "; …"
                } else {
                    ""
                }
            )
            .into());
        }
        let errors = peer["errors"]
            .as_object()
            .map(|errors| {
                errors
                    .iter()
                    .map(|(status, n)| format!("{status} ×{n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .filter(|errors| !errors.is_empty())
            .unwrap_or_else(|| "none".to_owned());
        let speedup = listing.as_secs_f64() / rust_wall.as_secs_f64();
        println!(
            "  Python wall       {} ({} with interpreter start), one request at a time",
            ms(listing),
            ms(process_wall)
        );
        println!(
            "  Python requests   the Rust listing's, replayed: {typed} through typed operations, \
             {raw} through send_request; error answers {errors}; {peer_invoices} invoices"
        );
        println!(
            "  calls             Rust {rust_calls}, Python SDK {peer_calls} (counted by the emulator; the same requests)"
        );
        println!("  speed-up          {speedup:.1}× (target ≥ {MIN_SPEEDUP}×)");
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

/// The requests logged since the log was cleared, by kind: `/x/{id}/y` → `y`,
/// `/x/{id}` → `x/{id}`.
fn breakdown(emulator: &Emulator) -> String {
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for record in emulator.requests() {
        let segments: Vec<&str> = record.path.split('/').filter(|s| !s.is_empty()).collect();
        let kind = if segments.len() % 2 == 1 {
            segments.last().copied().unwrap_or_default().to_owned()
        } else {
            format!("{}/{{id}}", segments[segments.len().saturating_sub(2)])
        };
        *kinds.entry(kind).or_insert(0) += 1;
    }
    kinds
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect::<Vec<_>>()
        .join(", ")
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

/// Writes the requests the emulator served to the Rust listing, in the order they arrived, for
/// the peer to replay: `[{"method", "path", "query"}]` (`path` decoded, `query` as sent).
fn write_replay(file: &Path, served: &[RequestRecord]) -> Result<(), Failure> {
    let requests: Vec<serde_json::Value> = served
        .iter()
        .map(|r| serde_json::json!({"method": r.method, "path": r.path, "query": r.query}))
        .collect();
    std::fs::create_dir_all(bench_dir())?;
    std::fs::write(file, serde_json::to_vec_pretty(&requests)?)?;
    Ok(())
}

/// A request as compared between the two sides: method, decoded path and decoded query pairs in
/// order of name (so that the encoding and order of the query do not count).
fn request_key(record: &RequestRecord) -> String {
    let mut pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(record.query.as_deref().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    pairs.sort();
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{} {}?{}", record.method, record.path, query.join("&"))
}

/// The requests one side made and the other did not (counted: a request made twice by one
/// side and once by the other is a difference).
fn differences(rust: &[RequestRecord], peer: &[RequestRecord]) -> Vec<String> {
    let mut balance: BTreeMap<String, i64> = BTreeMap::new();
    for record in rust {
        *balance.entry(request_key(record)).or_insert(0) += 1;
    }
    for record in peer {
        *balance.entry(request_key(record)).or_insert(0) -= 1;
    }
    balance
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|(key, n)| {
            if n > 0 {
                format!("{key} (Rust only, ×{n})")
            } else {
                format!("{key} (Python only, ×{})", -n)
            }
        })
        .collect()
}

/// Runs the Python SDK peer over the requests in `replay`; its last stdout line is a JSON
/// summary.
fn peer(python: &Path, emulator: &Emulator, replay: &Path) -> Result<serde_json::Value, Failure> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches")
        .join("peer_listing.py");
    let output = Command::new(python)
        .arg(&script)
        .args(["--base-url", emulator.base_url().as_str()])
        .args(["--user", USER])
        .arg("--requests")
        .arg(replay)
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
