//! The usage file benchmark: getting a large cost details report onto the disk and reading it.
//!
//! 1. Streaming: a 1 GiB usage blob from the emulator (the `bench` scenario in a child
//!    process of this binary, one blob per report; the link from
//!    `ArmClient::generate_cost_details_report` on an MCA billing profile) saved by the files
//!    crate's writer (`Transfer`, `ContentKind::Any`: streamed, hashed, written past the page
//!    cache where Linux allows it, fsynced) against `curl -o` of the same link; then the same
//!    bytes over a fast link (a loopback server in a child process that holds the blob in
//!    memory and sends it as fast as the system takes it), against `curl -o` of that link.
//!    Each link is its own figure, with each round's figures printed. Target for both: at
//!    least 90 % of curl's throughput, this process's resident memory growing by less than
//!    30 MB while it streams.
//! 2. Joining: 12 CSV parts of 100 MB joined by `csv_join::join_csv_parts` against `cat` of
//!    the same parts (which keeps every part's header). Target: at least 80 % of cat's
//!    throughput.
//! 3. Summarising: a 1 GiB MCA file (the emulator's columns, generated once into
//!    `<target>/bench/`, about a million rows with quoted fields, refunds and exponent costs)
//!    summarised by `summarise_file` in a child process against polars (`scan_csv` +
//!    `group_by`), DuckDB and pandas (`peer_usage.py`, in `<target>/bench/usage-venv`,
//!    installed on first use; a peer that does not install is skipped with a line saying so).
//!    Every contestant computes the same aggregates; the times run from the first read to the
//!    last aggregate (the Python interpreter's start and imports excluded). Target: at most
//!    polars's and DuckDB's time, less than pandas's, a peak resident memory (the child's, from
//!    `/usr/bin/time`) under 100 MB.
//!
//! Every figure is the median of `--runs` rounds (default 5) with the range beside it; in each
//! round the contestants take turns in a rotating order, and the file cache is left warm for
//! all of them (the files are read before the first round). Between two downloads the
//! previous files are removed and `sync` runs, so neither side pays for the other's write-back.
//!
//! `cargo bench -p invoice-desk-usage --bench usage -- [--runs N] [--only streaming|joining|summarising]
//! [--link emulator|fast]` (`--link fast` reuses the blob an earlier run kept);
//! exits with 1 when a target is missed, 2 when the benchmark fails.

use std::fmt::Write as _;
use std::io::{BufRead as _, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use invoice_desk_billing::browse::{Caller, discover_scopes};
use invoice_desk_billing::model::GenerateCostDetailsReportRequest;
use invoice_desk_billing::{
    ArmClient, Cloud, CostDetailsReport, LroOptions, LroPolicy, Portal, ScopeKind,
    StaticTokenCredential,
};
use invoice_desk_emulator::{Emulator, EmulatorConfig};
use invoice_desk_files::{ContentKind, Fetcher, Transfer, TransferPolicy};
use invoice_desk_usage::{Money, summarise_file};
use tokio_util::sync::CancellationToken;

type Failure = Box<dyn std::error::Error>;

const MB: f64 = 1_000_000.0;
const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;
const USER: &str = "bench@contoso.example";
const PARTS: usize = 12;
const PART_BYTES: u64 = 100 * 1_000_000;
const SUMMARY_BYTES: u64 = GIB;
/// Changes when the generated files change, so old copies are made again.
const GENERATION: u32 = 1;

struct Options {
    runs: usize,
    only: Option<String>,
    /// Streaming over one link only (`emulator` or `fast`).
    link: Option<String>,
}

fn options() -> Result<Options, Failure> {
    let mut options = Options {
        runs: 5,
        only: None,
        link: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                options.runs = args.next().ok_or("--runs needs a value")?.parse()?;
            }
            "--only" => options.only = Some(args.next().ok_or("--only needs a value")?),
            "--link" => options.link = Some(args.next().ok_or("--link needs a value")?),
            // `cargo bench` passes `--bench`; filters and other harness flags do not apply.
            _ => {}
        }
    }
    if options.runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    if let Some(only) = &options.only
        && !["streaming", "joining", "summarising"].contains(&only.as_str())
    {
        return Err(format!("--only takes streaming, joining or summarising, not {only}").into());
    }
    if let Some(link) = &options.link
        && !["emulator", "fast"].contains(&link.as_str())
    {
        return Err(format!("--link takes emulator or fast, not {link}").into());
    }
    Ok(options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--serve-report") {
        return serve_report();
    }
    if let Some(at) = args.iter().position(|a| a == "--serve-fast") {
        return serve_fast(args.get(at + 1).map(PathBuf::from));
    }
    if let Some(at) = args.iter().position(|a| a == "--summarise") {
        return summarise_child(args.get(at + 1).map(PathBuf::from));
    }
    match bench() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            println!("a target was missed");
            ExitCode::from(1)
        }
        Err(error) => {
            eprintln!("usage benchmark failed: {error}");
            ExitCode::from(2)
        }
    }
}

fn bench() -> Result<bool, Failure> {
    let options = options()?;
    let want = |name: &str| options.only.as_deref().is_none_or(|o| o == name);
    let mut ok = true;
    if want("streaming") {
        ok &= streaming(options.runs, options.link.as_deref())?;
    }
    if want("joining") {
        ok &= joining(options.runs)?;
    }
    if want("summarising") {
        ok &= summarising(options.runs)?;
    }
    Ok(ok)
}

// ---------------------------------------------------------------------------------------------
// Figures

/// The values of one figure over the rounds.
fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        f64::midpoint(v[n / 2 - 1], v[n / 2])
    }
}

/// `median (min–max)` with `digits` decimals.
fn spread(values: &[f64], digits: usize) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!(
        "{:.digits$} ({:.digits$}–{:.digits$})",
        median(values),
        min,
        max
    )
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

/// `<target>/bench`: next to the profile directory this benchmark runs from.
fn bench_dir() -> PathBuf {
    let from_exe = std::env::current_exe().ok().and_then(|exe| {
        // <target>/<profile>/deps/usage-<hash>
        exe.ancestors().nth(3).map(Path::to_path_buf)
    });
    from_exe
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("bench")
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Nothing left to write back from earlier runs, so no run pays for another's dirty pages.
fn settle(files: &[&Path]) {
    for file in files {
        let _ = std::fs::remove_file(file);
    }
    let _ = Command::new("sync").status();
}

/// Reads `path` once so that every contestant finds it in the file cache.
fn warm(path: &Path) -> Result<(), Failure> {
    let mut file = std::fs::File::open(path)?;
    std::io::copy(&mut file, &mut std::io::sink())?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 1. Streaming

/// The child process: the emulator with one 1 GiB report; prints the blob link and its size,
/// then serves until killed.
fn serve_report() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        match report_link().await {
            Ok((_emulator, link, size)) => {
                println!("{link} {size}");
                std::future::pending::<()>().await;
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("the emulator's report failed: {e}");
                ExitCode::from(2)
            }
        }
    })
}

async fn report_link() -> Result<(Emulator, String, u64), Failure> {
    let emulator = Emulator::start(EmulatorConfig {
        scenario: "bench".into(),
        retry_after_secs: 0,
        cost_report_pending_polls: 0,
        cost_report_bytes: GIB,
        cost_report_blob_bytes: GIB,
        ..EmulatorConfig::default()
    })
    .await?;
    let token = emulator
        .token_for(USER)
        .ok_or("no token for the bench user")?;
    let client = ArmClient::builder(
        Cloud::Custom {
            arm_url: emulator.base_url().to_string(),
            token_scope: String::new(),
        },
        Arc::new(StaticTokenCredential::for_a_day(token)),
    )
    .lro_policy(LroPolicy {
        default_poll_interval: Duration::from_millis(10),
        min_poll_interval: Duration::from_millis(1),
        ..LroPolicy::default()
    })
    .build()?;
    let user = emulator
        .users()
        .into_iter()
        .find(|u| u.upn == USER)
        .ok_or("no bench user")?;
    let caller = Caller {
        tenant_id: Some(user.tenant_id),
        object_id: Some(user.object_id),
    };
    let found = discover_scopes(&client, &caller, &Portal::new("https://portal.azure.com")).await;
    let profile = found
        .scopes
        .iter()
        .find(|e| e.scope.kind == ScopeKind::McaBillingProfile)
        .ok_or("no MCA billing profile")?;
    let report = client
        .generate_cost_details_report(
            profile.scope.id.trim_start_matches('/'),
            &GenerateCostDetailsReportRequest::default(),
            &LroOptions::default(),
        )
        .await?;
    let CostDetailsReport::Ready(result) = report else {
        return Err("the report has no data".into());
    };
    let manifest = result.manifest.ok_or("no manifest")?;
    let [blob] = manifest.blobs.as_slice() else {
        return Err(format!("{} blobs, expected one", manifest.blobs.len()).into());
    };
    let link = blob.blob_link.clone().ok_or("no blob link")?;
    let size = u64::try_from(blob.byte_count.unwrap_or(0))?;
    Ok((emulator, link, size))
}

fn spawn_report_server() -> Result<(std::process::Child, String, u64), Failure> {
    let mut child = Command::new(std::env::current_exe()?)
        .arg("--serve-report")
        .stdout(Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut line)?;
    let mut words = line.split_whitespace();
    let (Some(link), Some(size)) = (words.next(), words.next()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err("the emulator child printed no link".into());
    };
    Ok((child, link.to_owned(), size.parse()?))
}

/// One timed save by the writer, as the app saves a report: `.part` file, streamed, hashed,
/// fsynced. Returns the time and the peak growth of this process's RSS in KiB.
async fn writer_download(url: &str, part: &Path) -> Result<(Duration, u64), Failure> {
    let start_rss = rss_kib();
    let peak = Arc::new(AtomicU64::new(start_rss));
    let watch = {
        let peak = peak.clone();
        std::thread::spawn(move || {
            while Arc::strong_count(&peak) > 1 {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let http = reqwest::Client::builder().no_proxy().build()?;
    let fetcher = Fetcher::with_client(http, TransferPolicy::default());
    let started = Instant::now();
    let mut transfer = Transfer::create(part.to_owned(), ContentKind::Any).await?;
    transfer
        .run(&fetcher, url, &|_, _| {}, &CancellationToken::new())
        .await?;
    let done = transfer.finish().await?;
    let elapsed = started.elapsed();
    let growth = peak.load(Ordering::Relaxed).saturating_sub(start_rss);
    drop(peak);
    let _ = watch.join();
    let _ = done;
    Ok((elapsed, growth))
}

fn curl_download(url: &str, file: &Path) -> Result<Duration, Failure> {
    let started = Instant::now();
    let status = Command::new("curl")
        .args(["-s", "--fail", "-o"])
        .arg(file)
        .arg(url)
        .status()?;
    if !status.success() {
        return Err(format!("curl failed ({status})").into());
    }
    Ok(started.elapsed())
}

/// The child process: serves the file at `path` as `/blob.csv` on loopback as fast as it can:
/// the whole file read into memory once, then a thread per connection hands it to the socket
/// in one write. On a real fast link the server's work is done on another machine; here it
/// shares the cores with the contestants, so it does as little as it can (no reads from the
/// page cache, no runtime). Every request gets the whole file (200, no ranges: neither side
/// drops a loopback connection). Prints the link, then serves until killed.
fn serve_fast(path: Option<PathBuf>) -> ExitCode {
    let Some(path) = path else {
        eprintln!("--serve-fast needs a file");
        return ExitCode::from(2);
    };
    let body: Arc<[u8]> = match std::fs::read(&path) {
        Ok(bytes) => bytes.into(),
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let listener = match std::net::TcpListener::bind("127.0.0.1:0") {
        Ok(l) => l,
        Err(e) => {
            eprintln!("no loopback port: {e}");
            return ExitCode::from(2);
        }
    };
    let Ok(addr) = listener.local_addr() else {
        return ExitCode::from(2);
    };
    println!("http://{addr}/blob.csv 0");
    let _ = std::io::stdout().flush();
    for stream in listener.incoming().flatten() {
        let body = body.clone();
        std::thread::spawn(move || {
            let _ = serve_connection(stream, &body);
        });
    }
    ExitCode::SUCCESS
}

/// Answers the requests of one connection until the client closes it.
fn serve_connection(mut stream: std::net::TcpStream, body: &[u8]) -> std::io::Result<()> {
    use std::io::Read as _;
    stream.set_nodelay(true)?;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let n = stream.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            head.extend_from_slice(&buf[..n]);
        };
        head.drain(..end);
        write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\ncontent-type: application/octet-stream\r\n\r\n",
            body.len()
        )?;
        stream.write_all(body)?;
    }
}

fn spawn_fast_server(path: &Path) -> Result<(std::process::Child, String), Failure> {
    let mut child = Command::new(std::env::current_exe()?)
        .arg("--serve-fast")
        .arg(path)
        .stdout(Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut line)?;
    let Some(link) = line.split_whitespace().next() else {
        let _ = child.kill();
        let _ = child.wait();
        return Err("the file server printed no link".into());
    };
    Ok((child, link.to_owned()))
}

/// The times of the writer and of curl over `runs` alternating rounds (after a warm-up of
/// each), every round's share, and the largest RSS growth of the writer in KiB.
struct Downloads {
    writer: Vec<f64>,
    curl: Vec<f64>,
    shares: Vec<f64>,
    growth: u64,
    /// The writer's RSS growth in each round, KiB.
    growths: Vec<u64>,
    /// CPU seconds this process spent on each of the writer's downloads.
    writer_cpu: Vec<f64>,
    /// `curl -o` and then `sync FILE` (an fsync): a download that is on the disk when it
    /// ends, as the writer's is. Only when asked for.
    durable_curl: Vec<f64>,
}

/// CPU seconds (user and system) this process has used, from `/proc/self/stat`.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // The fields after the command name (which ends with the last ')'): utime and stime are
    // the 12th and 13th of them, in clock ticks (100 a second on Linux).
    let rest = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u32>().ok())
            .unwrap_or(0)
    };
    f64::from(ticks(11) + ticks(12)) / 100.0
}

fn durable_curl_download(url: &str, file: &Path) -> Result<Duration, Failure> {
    let started = Instant::now();
    curl_download(url, file)?;
    let status = Command::new("sync").arg(file).status()?;
    if !status.success() {
        return Err(format!("sync failed ({status})").into());
    }
    Ok(started.elapsed())
}

async fn downloads(
    link: &str,
    size: u64,
    runs: usize,
    keep: Option<&Path>,
    durable: bool,
) -> Result<Downloads, Failure> {
    std::fs::create_dir_all(bench_dir())?;
    let dir = tempfile::tempdir_in(bench_dir())?;
    let (writer_file, curl_file) = (dir.path().join("w.csv.part"), dir.path().join("c.csv"));
    let files = [writer_file.as_path(), curl_file.as_path()];
    settle(&files);
    writer_download(link, &writer_file).await?;
    let got = std::fs::metadata(&writer_file)?.len();
    if got != size {
        return Err(format!("the writer saved {got} bytes of {size}").into());
    }
    if let Some(keep) = keep {
        std::fs::rename(&writer_file, keep)?;
    }
    settle(&files);
    curl_download(link, &curl_file)?;
    let mut d = Downloads {
        writer: Vec::new(),
        curl: Vec::new(),
        shares: Vec::new(),
        growth: 0,
        growths: Vec::new(),
        writer_cpu: Vec::new(),
        durable_curl: Vec::new(),
    };
    for round in 0..runs {
        let mut pair = [0.0; 2];
        for writer_turn in [round % 2 == 0, round % 2 == 1] {
            settle(&files);
            if writer_turn {
                let cpu = cpu_seconds();
                let (t, g) = writer_download(link, &writer_file).await?;
                d.writer_cpu.push(cpu_seconds() - cpu);
                pair[0] = t.as_secs_f64();
                d.growth = d.growth.max(g);
                d.growths.push(g);
            } else {
                pair[1] = curl_download(link, &curl_file)?.as_secs_f64();
            }
        }
        if durable {
            settle(&files);
            d.durable_curl
                .push(durable_curl_download(link, &curl_file)?.as_secs_f64());
        }
        d.writer.push(pair[0]);
        d.curl.push(pair[1]);
        d.shares.push(pair[1] / pair[0] * 100.0);
    }
    settle(&files);
    Ok(d)
}

/// Prints one streaming figure; true when it holds. A figure that is no target says what it
/// would be.
fn streaming_figure(what: &str, size: u64, runs: usize, d: &Downloads, target: bool) -> bool {
    #[allow(clippy::cast_precision_loss)]
    let rate = |times: &[f64]| -> Vec<f64> { times.iter().map(|t| size as f64 / MB / t).collect() };
    let share = median(&d.shares);
    let growth_mib = d.growth / 1024;
    let held = |ok: bool| match (target, ok) {
        (true, ok) => verdict(ok),
        (false, true) => "would hold",
        (false, false) => "would miss",
    };
    let label = if target { "target" } else { "not a target" };
    println!(
        "{what}, {runs} alternating rounds: writer {} MB/s, curl -o {} MB/s; writer/curl {} % ({label}: ≥ 90 %, {}); writer's RSS growth at most {growth_mib} MiB ({label}: < 30, {})",
        spread(&rate(&d.writer), 0),
        spread(&rate(&d.curl), 0),
        spread(&d.shares, 0),
        held(share >= 90.0),
        held(growth_mib < 30),
    );
    let (writer, curl) = (rate(&d.writer), rate(&d.curl));
    for (round, ((w, c), (share, growth))) in writer
        .iter()
        .zip(&curl)
        .zip(d.shares.iter().zip(&d.growths))
        .enumerate()
    {
        println!(
            "  round {}: writer {w:.0} MB/s, curl -o {c:.0} MB/s, {share:.0} %, RSS growth {:.1} MiB",
            round + 1,
            f64::from(u32::try_from(*growth).unwrap_or(u32::MAX)) / 1024.0
        );
    }
    #[allow(clippy::cast_precision_loss)]
    let gib = size as f64 / GIB as f64;
    let cpu: Vec<f64> = d.writer_cpu.iter().map(|c| c / gib).collect();
    print!(
        "  the writer's process used {} CPU s per GiB",
        spread(&cpu, 2)
    );
    if d.durable_curl.is_empty() {
        println!();
    } else {
        let shares: Vec<f64> = d
            .durable_curl
            .iter()
            .zip(&d.writer)
            .map(|(c, w)| c / w * 100.0)
            .collect();
        println!(
            "; curl -o + fsync {} MB/s, writer/(curl -o + fsync) {} %",
            spread(&rate(&d.durable_curl), 0),
            spread(&shares, 0)
        );
    }
    share >= 90.0 && growth_mib < 30
}

fn streaming(runs: usize, link: Option<&str>) -> Result<bool, Failure> {
    println!("-- streaming: a 1 GiB usage blob, the files crate's writer vs curl -o");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let blob = bench_dir().join("usage-emulator-blob.csv");
    let mut ok = true;
    if link != Some("fast") || !blob.is_file() {
        let (mut server, link, size) = spawn_report_server()?;
        let from_emulator = runtime.block_on(downloads(&link, size, runs, Some(&blob), false));
        let _ = server.kill();
        let _ = server.wait();
        let from_emulator = from_emulator?;
        ok &= streaming_figure("from the emulator", size, runs, &from_emulator, true);
    }

    // The emulator renders every row as it serves it, which caps it near 200 MB/s. The same
    // bytes again from a server that sends them as fast as the system can, where the network
    // outruns the disk; beside it, for the record, curl -o followed by an fsync, which is what
    // the writer's save is (on the disk when it ends).
    if link != Some("emulator") {
        let size = std::fs::metadata(&blob)?.len();
        let (mut server, link) = spawn_fast_server(&blob)?;
        warm(&blob)?;
        let from_file = runtime.block_on(downloads(&link, size, runs, None, true));
        let _ = server.kill();
        let _ = server.wait();
        ok &= streaming_figure(
            "the same blob from a fast loopback server",
            size,
            runs,
            &from_file?,
            true,
        );
    }

    // The blob itself, summarised (a report the writer saved is what the app summarises).
    let started = Instant::now();
    let summary = summarise_file(&blob)?;
    println!(
        "the emulator's blob summarised: {} rows, {} {} over {} days in {:.2} s",
        summary.rows,
        summary.total,
        summary.currency.as_deref().unwrap_or("(mixed currencies)"),
        summary.by_day.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ok)
}

// ---------------------------------------------------------------------------------------------
// The generated files

/// A deterministic stream of numbers (SplitMix64).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The emulator's Microsoft Customer Agreement columns.
const MCA: &str = "invoiceId,previousInvoiceId,billingAccountId,billingAccountName,billingProfileId,billingProfileName,invoiceSectionId,invoiceSectionName,resellerName,resellerMpnId,costCenter,billingPeriodEndDate,billingPeriodStartDate,servicePeriodEndDate,servicePeriodStartDate,date,serviceFamily,productOrderId,productOrderName,consumedService,meterId,meterName,meterCategory,meterSubCategory,meterRegion,ProductId,ProductName,SubscriptionId,subscriptionName,publisherType,publisherId,publisherName,resourceGroupName,ResourceId,resourceLocation,location,effectivePrice,quantity,unitOfMeasure,chargeType,billingCurrency,pricingCurrency,costInBillingCurrency,costInPricingCurrency,costInUsd,paygCostInBillingCurrency,paygCostInUsd,exchangeRatePricingToBilling,exchangeRateDate,isAzureCreditEligible,serviceInfo1,serviceInfo2,additionalInfo,tags,PayGPrice,frequency,term,reservationId,reservationName,pricingModel,unitPrice,costAllocationRuleName,benefitId,benefitName,provider";

/// (meter category, service family, subcategory, meter, unit, provider namespace, type)
const METERS: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    (
        "Virtual Machines",
        "Compute",
        "Dv3/DSv3 Series",
        "D2 v3/D2s v3",
        "1 Hour",
        "Microsoft.Compute",
        "virtualMachines",
    ),
    (
        "Virtual Machines",
        "Compute",
        "Ev5 Series",
        "E4 v5",
        "1 Hour",
        "Microsoft.Compute",
        "virtualMachines",
    ),
    (
        "Storage",
        "Storage",
        "General Block Blob v2",
        "Hot LRS Data Stored",
        "1 GB/Month",
        "Microsoft.Storage",
        "storageAccounts",
    ),
    (
        "Storage",
        "Storage",
        "Premium SSD Managed Disks",
        "P10 LRS Disk",
        "1/Month",
        "Microsoft.Compute",
        "disks",
    ),
    (
        "Bandwidth",
        "Networking",
        "Rtn Preference: MGN",
        "Standard Data Transfer Out",
        "1 GB",
        "Microsoft.Network",
        "publicIPAddresses",
    ),
    (
        "SQL Database",
        "Databases",
        "Single Standard",
        "S0 DTUs",
        "1/Day",
        "Microsoft.Sql",
        "servers",
    ),
    (
        "Azure App Service",
        "Compute",
        "Basic Plan",
        "B1",
        "1 Hour",
        "Microsoft.Web",
        "serverfarms",
    ),
    (
        "Log Analytics",
        "Management and Governance",
        "",
        "Pay-as-you-go Data Ingestion",
        "1 GB",
        "Microsoft.OperationalInsights",
        "workspaces",
    ),
    (
        "Azure Cosmos DB",
        "Databases",
        "RUs",
        "100 RU/s",
        "1 Hour",
        "Microsoft.DocumentDB",
        "databaseAccounts",
    ),
    (
        "Key Vault",
        "Security",
        "Standard",
        "Operations",
        "10K",
        "Microsoft.KeyVault",
        "vaults",
    ),
    (
        "Container Registry",
        "Containers",
        "Basic",
        "Basic Registry Unit",
        "1/Day",
        "Microsoft.ContainerRegistry",
        "registries",
    ),
    (
        "",
        "Compute",
        "",
        "Reservation",
        "1",
        "Microsoft.Capacity",
        "reservationOrders",
    ),
];
const REGIONS: &[&str] = &[
    "westeurope",
    "northeurope",
    "eastus",
    "uksouth",
    "swedencentral",
];
const RESOURCES: u64 = 5000;
const GROUPS: u64 = 40;
const SUBSCRIPTION: &str = "3f2c1a9e-7b44-4d1e-9c0a-5e8d2b6f1a70";

/// What a generated file holds, to check every contestant against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Expected {
    rows: u64,
    /// In units of 10⁻⁷.
    total: i128,
}

impl Expected {
    fn total(self) -> Money {
        Money::from_units(self.total * 100_000_000_000)
    }
}

/// Writes generated rows (after `header`) until `bytes` are written; every row is whole.
fn generate(path: &Path, seed: u64, bytes: u64, header: bool) -> Result<Expected, Failure> {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut noise = Noise(seed);
    let mut written = 0u64;
    let mut expected = Expected { rows: 0, total: 0 };
    if header {
        writeln!(out, "{MCA}")?;
        written += MCA.len() as u64 + 1;
    }
    let mut line = String::with_capacity(2048);
    while written < bytes {
        line.clear();
        let units = row(&mut noise, &mut line);
        expected.rows += 1;
        expected.total += units;
        out.write_all(line.as_bytes())?;
        written += line.len() as u64;
    }
    out.flush()?;
    Ok(expected)
}

/// One row into `line`; returns its cost in units of 10⁻⁷.
fn row(noise: &mut Noise, line: &mut String) -> i128 {
    let resource = noise.below(RESOURCES);
    // A resource keeps its meter, group and region.
    let mut fixed = Noise(resource.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let meter = METERS[usize::try_from(fixed.below(METERS.len() as u64)).unwrap_or(0)];
    let group = fixed.below(GROUPS);
    let region = REGIONS[usize::try_from(fixed.below(REGIONS.len() as u64)).unwrap_or(0)];
    let day = noise.below(31) + 1;
    let kind = noise.below(1000);
    let (charge, sign) = match kind {
        0..=9 => ("Refund", -1),
        10..=29 => ("Purchase", 1),
        _ => ("Usage", 1),
    };
    let micro = i128::from(noise.below(25_000_000));
    // One row in fifty is tiny and written with an exponent, as Azure writes small doubles.
    let (cost, units) = if noise.below(50) == 0 {
        let k = noise.below(90) + 10;
        (format!("{}.{}E-06", k / 10, k % 10), i128::from(k))
    } else {
        (
            format!(
                "{}{}.{:06}",
                if sign < 0 { "-" } else { "" },
                micro / 1_000_000,
                micro % 1_000_000
            ),
            micro * 10,
        )
    };
    let units = if cost.contains('E') {
        units
    } else {
        units * i128::from(sign)
    };
    let group_name = if group % 10 == 3 {
        format!("RG-Shared-{group:02}")
    } else {
        format!("rg-app-{group:02}")
    };
    let name = format!(
        "{}-{resource:05}",
        meter.6.trim_end_matches('s').to_ascii_lowercase()
    );
    let resource_id = format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/{group_name}/providers/{}/{}/{name}",
        meter.5, meter.6
    );
    let quantity = noise.below(240_000) + 1;
    let price = noise.below(450_000) + 1_000;
    let date = format!("03/{day:02}/2026");
    let _ = writeln!(
        line,
        "G087654321,,8d2b6f1a-0c44-4b1e-9a7e-3f2c1a9e7b44:5e8d2b6f-1a70-4c3f-9c0a-7b443f2c1a9e_2019-05-31,\"Contoso, Ltd\",\
/providers/Microsoft.Billing/billingAccounts/8d2b6f1a/billingProfiles/XR2K-ABCD-BG7-TGB,Contoso Finance,\
/providers/Microsoft.Billing/billingAccounts/8d2b6f1a/billingProfiles/XR2K-ABCD-BG7-TGB/invoiceSections/QWER-TYUI,Default,,,FIN-01,\
03/31/2026,03/01/2026,03/31/2026,03/01/2026,{date},{family},{SUBSCRIPTION},Azure plan,{ns},\
{meter_id:08x}-1c2d-4e5f-8a9b-{resource:012x},{meter_name},{category},{sub},{region},DZH318Z0BQ4{p:02},\"{category} {sub}, {meter_name}\",\
{SUBSCRIPTION},\"Production, EU\",Microsoft,,Microsoft,{group_name},{resource_id},{region},{region},\
{price_text},{q_whole}.{q_frac:03},{unit},{charge},EUR,USD,{cost},{cost},{cost},{cost},{cost},0.92,03/01/2026,True,,,\
\"{{\"\"UsageType\"\":\"\"ComputeHR\"\",\"\"ImageType\"\":\"\"Canonical\"\",\"\"ServiceType\"\":\"\"Standard_D2s_v3\"\",\"\"VMName\"\":\"\"{name}\"\",\"\"VCPUs\"\":2}}\",\
\"{{\"\"env\"\":\"\"prod\"\",\"\"owner\"\":\"\"finance\"\",\"\"costCenter\"\":\"\"FIN-01\"\"}}\",\
{price_text},UsageBased,,,,OnDemand,{price_text},,,,Azure",
        family = meter.1,
        ns = meter.5,
        meter_id = resource * 7919,
        meter_name = meter.3,
        category = meter.0,
        sub = meter.2,
        p = resource % 100,
        price_text = format_args!("{}.{:06}", price / 1_000_000, price % 1_000_000),
        q_whole = quantity / 1000,
        q_frac = quantity % 1000,
        unit = meter.4,
    );
    units
}

/// A generated file in the bench folder, made again when missing or from another generation.
fn generated(
    name: &str,
    seed: u64,
    bytes: u64,
    header: bool,
) -> Result<(PathBuf, Expected), Failure> {
    let dir = bench_dir();
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    let stamp = dir.join(format!("{name}.expected"));
    let wanted = format!("{GENERATION} {seed} {bytes} {header}");
    if let Ok(text) = std::fs::read_to_string(&stamp) {
        let mut lines = text.lines();
        if lines.next() == Some(wanted.as_str())
            && let (Some(rows), Some(total)) = (lines.next(), lines.next())
            && std::fs::metadata(&path).is_ok_and(|m| m.len() >= bytes)
        {
            return Ok((
                path,
                Expected {
                    rows: rows.parse()?,
                    total: total.parse()?,
                },
            ));
        }
    }
    eprintln!("generating {} ({} MB)", path.display(), bytes / 1_000_000);
    let expected = generate(&path, seed, bytes, header)?;
    std::fs::write(
        &stamp,
        format!("{wanted}\n{}\n{}\n", expected.rows, expected.total),
    )?;
    Ok((path, expected))
}

// ---------------------------------------------------------------------------------------------
// 2. Joining

fn join_parts(parts: &[PathBuf], out: &Path) -> Result<Duration, Failure> {
    let started = Instant::now();
    let readers = parts
        .iter()
        .map(|p| std::fs::File::open(p).map(|f| std::io::BufReader::with_capacity(1 << 20, f)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut file = std::fs::File::create(out)?;
    invoice_desk_files::csv_join::join_csv_parts(readers, &mut file)?;
    drop(file);
    Ok(started.elapsed())
}

fn cat_parts(parts: &[PathBuf], out: &Path) -> Result<Duration, Failure> {
    let started = Instant::now();
    let status = Command::new("cat")
        .args(parts)
        .stdout(std::fs::File::create(out)?)
        .status()?;
    if !status.success() {
        return Err(format!("cat failed ({status})").into());
    }
    Ok(started.elapsed())
}

/// What the join would take with the kernel's copy (`copy_file_range`, as cat uses): the first
/// part whole, every later one from after its header, `std::io::copy` between files. For the
/// record, not a target.
fn kernel_copy_parts(parts: &[PathBuf], out: &Path) -> Result<Duration, Failure> {
    use std::io::{Seek as _, SeekFrom};
    let started = Instant::now();
    let mut output = std::fs::File::create(out)?;
    for (i, part) in parts.iter().enumerate() {
        let mut file = std::fs::File::open(part)?;
        if i > 0 {
            let mut header = Vec::new();
            std::io::BufReader::new(&file).read_until(b'\n', &mut header)?;
            file.seek(SeekFrom::Start(header.len() as u64))?;
        }
        std::io::copy(&mut file, &mut output)?;
    }
    drop(output);
    Ok(started.elapsed())
}

fn joining(runs: usize) -> Result<bool, Failure> {
    println!("-- joining: {PARTS} CSV parts of 100 MB, join_csv_parts vs cat");
    let mut parts = Vec::new();
    let mut input = 0;
    for i in 0..PARTS {
        let (path, _) = generated(
            &format!("usage-part-{i:02}.csv"),
            100 + i as u64,
            PART_BYTES,
            true,
        )?;
        input += std::fs::metadata(&path)?.len();
        warm(&path)?;
        parts.push(path);
    }
    let dir = tempfile::tempdir_in(bench_dir())?;
    let (joined, catted) = (dir.path().join("joined.csv"), dir.path().join("cat.csv"));
    let files = [joined.as_path(), catted.as_path()];
    settle(&files);
    join_parts(&parts, &joined)?;
    settle(&files);
    cat_parts(&parts, &catted)?;
    let (mut join, mut cat, mut shares) = (Vec::new(), Vec::new(), Vec::new());
    let (mut kernel, mut kernel_shares) = (Vec::new(), Vec::new());
    let (mut joined_len, mut cat_len) = (0, 0);
    for round in 0..runs {
        let mut pair = [0.0; 2];
        for join_turn in [round % 2 == 0, round % 2 == 1] {
            settle(&files);
            if join_turn {
                pair[0] = join_parts(&parts, &joined)?.as_secs_f64();
                joined_len = std::fs::metadata(&joined)?.len();
            } else {
                pair[1] = cat_parts(&parts, &catted)?.as_secs_f64();
                cat_len = std::fs::metadata(&catted)?.len();
            }
        }
        join.push(pair[0]);
        cat.push(pair[1]);
        shares.push(pair[1] / pair[0] * 100.0);
        settle(&files);
        let k = kernel_copy_parts(&parts, &joined)?.as_secs_f64();
        if std::fs::metadata(&joined)?.len() != joined_len {
            return Err("the kernel copy wrote another length than the join".into());
        }
        kernel.push(k);
        kernel_shares.push(pair[1] / k * 100.0);
    }
    settle(&files);
    let header = MCA.len() as u64 + 1;
    if joined_len + header * (PARTS as u64 - 1) != cat_len {
        return Err(format!(
            "joined {joined_len} bytes, cat {cat_len}: not one header apart per part"
        )
        .into());
    }
    #[allow(clippy::cast_precision_loss)]
    let rate =
        |times: &[f64]| -> Vec<f64> { times.iter().map(|t| input as f64 / MB / t).collect() };
    let share = median(&shares);
    println!(
        "{PARTS} × 100 MB, {runs} alternating rounds: join_csv_parts {} MB/s, cat {} MB/s; join/cat {} % (target ≥ 80 %: {})",
        spread(&rate(&join), 0),
        spread(&rate(&cat), 0),
        spread(&shares, 0),
        verdict(share >= 80.0),
    );
    println!(
        "  for the record: the same join by std::io::copy between files (copy_file_range) {} MB/s, {} % of cat",
        spread(&rate(&kernel), 0),
        spread(&kernel_shares, 0),
    );
    Ok(share >= 80.0)
}

// ---------------------------------------------------------------------------------------------
// 3. Summarising

/// The child process: summarises a file and prints one JSON line.
fn summarise_child(path: Option<PathBuf>) -> ExitCode {
    let Some(path) = path else {
        eprintln!("--summarise needs a file");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    match summarise_file(&path) {
        Ok(summary) => {
            let seconds = started.elapsed().as_secs_f64();
            let line = serde_json::json!({
                "seconds": seconds,
                "rows": summary.rows,
                "total": summary.total.to_string(),
                "currencies": summary.currencies,
                "invoices": summary.invoice_ids.len(),
                "services": summary.by_service.len(),
                "groups": summary.by_resource_group.len(),
                "charges": summary.by_charge_type.len(),
                "days": summary.by_day.len(),
                "firstDay": summary.first_day.map(|d| d.to_string()),
                "lastDay": summary.last_day.map(|d| d.to_string()),
                "top": summary.top_resources.first().map(|r| r.id.to_ascii_lowercase()),
            });
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

/// One contestant's run: its own time, its peak RSS in KiB (from `/usr/bin/time`), its output.
struct Run {
    seconds: f64,
    peak_kib: u64,
    output: serde_json::Value,
}

/// Runs `command` under `/usr/bin/time` for its peak resident memory; its last stdout line is
/// JSON with its own `seconds`.
fn timed(program: &Path, args: &[&std::ffi::OsStr]) -> Result<Run, Failure> {
    let report = tempfile::NamedTempFile::new()?;
    let output = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(report.path())
        .arg(program)
        .args(args)
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "{} failed ({}): {}",
            program.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let stdout = String::from_utf8(output.stdout)?;
    let last = stdout.lines().last().ok_or("no output")?;
    let output: serde_json::Value = serde_json::from_str(last)?;
    let peak_kib = std::fs::read_to_string(report.path())?
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .next_back()
        .ok_or("no peak memory from /usr/bin/time")?;
    Ok(Run {
        seconds: output["seconds"].as_f64().ok_or("no seconds")?,
        peak_kib,
        output,
    })
}

/// The venv's Python with polars, DuckDB and pandas; the engines that did not install.
fn venv() -> Result<(PathBuf, Vec<&'static str>), Failure> {
    let venv = bench_dir().join("usage-venv");
    let python = venv.join("bin").join("python");
    let has = |engine: &str| {
        python.is_file()
            && Command::new(&python)
                .args(["-c", &format!("import {engine}")])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
    };
    let engines = ["polars", "duckdb", "pandas"];
    if !engines.iter().all(|e| has(e)) {
        std::fs::create_dir_all(bench_dir())?;
        if !python.is_file() {
            eprintln!("creating {}", venv.display());
            let status = Command::new("python3")
                .arg("-m")
                .arg("venv")
                .arg(&venv)
                .status()?;
            if !status.success() {
                return Err(format!("python3 -m venv failed ({status})").into());
            }
        }
        for engine in engines {
            if !has(engine) {
                eprintln!("installing {engine} into {}", venv.display());
                let _ = Command::new(&python)
                    .args([
                        "-m",
                        "pip",
                        "install",
                        "--quiet",
                        "--disable-pip-version-check",
                        engine,
                    ])
                    .status();
            }
        }
    }
    let missing = engines.into_iter().filter(|e| !has(e)).collect();
    Ok((python, missing))
}

/// Parsing and adding costs: the i128 fixed point the summary uses against `rust_decimal`
/// (nanoseconds per value, one thread, the median of `runs`).
fn money_figure(runs: usize) {
    let mut noise = Noise(5);
    let texts: Vec<String> = (0..1_000_000)
        .map(|_| {
            let micro = noise.below(25_000_000);
            match noise.below(50) {
                0 => format!("{}.{}E-06", noise.below(9) + 1, noise.below(10)),
                1 => format!("-{}.{:06}", micro / 1_000_000, micro % 1_000_000),
                _ => format!("{}.{:06}", micro / 1_000_000, micro % 1_000_000),
            }
        })
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let per_value = |d: Duration| d.as_secs_f64() * 1e9 / texts.len() as f64;
    let (mut fixed, mut decimal) = (Vec::new(), Vec::new());
    let (mut fixed_sum, mut decimal_sum) = (Money::ZERO, rust_decimal::Decimal::ZERO);
    for _ in 0..runs {
        let started = Instant::now();
        let mut sum = Money::ZERO;
        for t in &texts {
            sum = sum + Money::parse(t.as_bytes()).unwrap_or_default();
        }
        fixed.push(per_value(started.elapsed()));
        fixed_sum = std::hint::black_box(sum);
        let started = Instant::now();
        let mut sum = rust_decimal::Decimal::ZERO;
        for t in &texts {
            let value = if t.contains(['e', 'E']) {
                rust_decimal::Decimal::from_scientific(t)
            } else {
                t.parse::<rust_decimal::Decimal>()
            };
            sum += value.unwrap_or_default();
        }
        decimal.push(per_value(started.elapsed()));
        decimal_sum = std::hint::black_box(sum);
    }
    let same = fixed_sum.to_decimal() == Some(decimal_sum.normalize());
    println!(
        "money, 1,000,000 costs parsed and added: i128 fixed point {} ns each, rust_decimal {} ns each (same sum: {same})",
        spread(&fixed, 1),
        spread(&decimal, 1),
    );
}

fn summarising(runs: usize) -> Result<bool, Failure> {
    println!("-- summarising: a 1 GiB MCA usage file, summarise_file vs polars, DuckDB, pandas");
    money_figure(runs);
    let (file, expected) = generated("usage-1g-mca.csv", 1, SUMMARY_BYTES, true)?;
    warm(&file)?;
    let (python, missing) = venv()?;
    for engine in &missing {
        println!("{engine}: not installed (pip install failed), skipped");
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches")
        .join("peer_usage.py");
    let exe = std::env::current_exe()?;
    let mut contestants: Vec<(&str, Vec<Run>)> = vec![("summarise_file", Vec::new())];
    for engine in ["polars", "duckdb", "pandas"] {
        if !missing.contains(&engine) {
            contestants.push((engine, Vec::new()));
        }
    }
    let run_one = |name: &str| -> Result<Run, Failure> {
        if name == "summarise_file" {
            timed(&exe, &["--summarise".as_ref(), file.as_os_str()])
        } else {
            timed(
                &python,
                &[
                    script.as_os_str(),
                    "--engine".as_ref(),
                    name.as_ref(),
                    file.as_os_str(),
                ],
            )
        }
    };
    // Everyone once untimed, and the answers checked against what was generated.
    let rows_wanted = expected.rows;
    let total_wanted = expected.total().to_string();
    let mut reference: Option<serde_json::Value> = None;
    for (name, _) in &contestants {
        let run = run_one(name)?;
        let out = &run.output;
        if out["rows"].as_u64() != Some(rows_wanted) {
            return Err(format!(
                "{name} counted {} rows, the file has {rows_wanted}",
                out["rows"]
            )
            .into());
        }
        let total = match &out["total"] {
            serde_json::Value::String(s) => {
                if *s != total_wanted {
                    return Err(format!("{name}: total {s}, the file's is {total_wanted}").into());
                }
                s.parse::<f64>()?
            }
            other => other.as_f64().ok_or("no total")?,
        };
        let wanted: f64 = total_wanted.parse()?;
        if ((total - wanted) / wanted).abs() > 1e-9 {
            return Err(format!("{name}: total {total}, the file's is {total_wanted}").into());
        }
        let shape = |v: &serde_json::Value| {
            [
                "currencies",
                "invoices",
                "services",
                "groups",
                "charges",
                "days",
                "firstDay",
                "lastDay",
                "top",
            ]
            .map(|k| v[k].to_string())
        };
        match &reference {
            None => reference = Some(out.clone()),
            Some(r) if shape(r) != shape(out) => {
                return Err(format!("{name} summarised differently: {out} vs {r}").into());
            }
            Some(_) => {}
        }
    }
    println!(
        "file: {} bytes, {rows_wanted} rows, total {total_wanted} EUR (every contestant agrees; exact in Rust, float64 in the peers)",
        std::fs::metadata(&file)?.len()
    );
    let n = contestants.len();
    for round in 0..runs {
        for turn in 0..n {
            let at = (round + turn) % n;
            let name = contestants[at].0;
            let run = run_one(name)?;
            contestants[at].1.push(run);
        }
    }
    let seconds = |runs: &[Run]| runs.iter().map(|r| r.seconds).collect::<Vec<_>>();
    let ours = seconds(&contestants[0].1);
    let mut ok = true;
    let mut text = String::new();
    for (name, results) in &contestants {
        let times = seconds(results);
        #[allow(clippy::cast_precision_loss)]
        let peaks: Vec<f64> = results.iter().map(|r| r.peak_kib as f64 / 1024.0).collect();
        // Each round's runs came one after the other under the same load: the figure is the
        // median of the rounds' ratios.
        let ratios: Vec<f64> = times.iter().zip(&ours).map(|(t, o)| t / o).collect();
        let ratio = median(&ratios);
        let target = match *name {
            "summarise_file" => String::new(),
            "pandas" => {
                let held = ratio > 1.0;
                ok &= held;
                format!(
                    "; its time ÷ summarise_file's {} (target > 1: {})",
                    spread(&ratios, 2),
                    verdict(held)
                )
            }
            _ => {
                let held = ratio >= 1.0;
                ok &= held;
                format!(
                    "; its time ÷ summarise_file's {} (target ≥ 1: {})",
                    spread(&ratios, 2),
                    verdict(held)
                )
            }
        };
        let _ = writeln!(
            text,
            "  {name:<15} {} s, peak RSS {} MiB{target}",
            spread(&times, 3),
            spread(&peaks, 0),
        );
    }
    #[allow(clippy::cast_precision_loss)]
    let peak = contestants[0]
        .1
        .iter()
        .map(|r| r.peak_kib)
        .max()
        .unwrap_or(0) as f64
        / 1024.0;
    let memory_ok = peak < 100.0;
    ok &= memory_ok;
    #[allow(clippy::cast_precision_loss)]
    let bytes = std::fs::metadata(&file)?.len() as f64;
    print!("{runs} rotating rounds, median (min–max):\n{text}");
    println!(
        "summarise_file: {:.0} MB/s, highest peak RSS {peak:.0} MiB (target < 100: {})",
        bytes / MB / median(&ours),
        verdict(memory_ok)
    );
    Ok(ok)
}
