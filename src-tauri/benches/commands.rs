//! The command-layer listing benchmark: the emulator's `bench` user (100 scopes, 24 months of
//! invoices each) listed through the app's own Tauri commands, over Tauri's IPC on the mock
//! runtime, with a fixed latency injected on every Azure call.
//!
//! The app signs in as in demo mode ("Try with demo data"): the emulator runs in-process and the
//! app signs in through its authority, here on the `bench` scenario as `bench@contoso.example`
//! (in memory; the keychain is never opened). Then it lists the way the window does:
//! `list_accounts`, `list_scopes` for every enabled directory, then `list_periods` for every
//! scope, all of a step's invokes in flight at once. Every answer is serialized by the command
//! layer and parsed again here, as the web view would.
//!
//! It reports ratios, not absolute times:
//! - the command layer against the ideal for the app's concurrency limit: the dependent levels
//!   of its calls (discovery, then periods) × latency, plus the calls it made × latency ÷ limit.
//!   Target: at most 1.2×, the ratio the billing crate's own listing is held to
//!   (`crates/billing/benches/listing.rs`).
//! - the command layer against the billing crate's user path in the same run, on the same
//!   emulator and latency, with the same concurrency limit: [`discover_scopes`] for the same
//!   caller, then [`scope_periods`] of every scope found, all at once, as the billing crate's
//!   listing benchmark times it. Both make the same calls (the emulator counts them: 405), so
//!   the ratio is what the command layer adds over those calls: IPC, serialising every answer
//!   and parsing it again, the account and directory bookkeeping, the step between the scopes
//!   and their periods. Not a target.
//!
//! Calls are counted by the emulator, as in the billing benchmark: the latency rule is given a
//! large `count`, and what is left of it after a run says how many requests it served.
//!
//! `cargo bench -p invoice-desk-app --bench commands -- [--latency-ms MS] [--runs N]`; exits
//! with 1 when the target is missed. The work is waiting on latency, so the `dev` profile
//! measures the same as an optimised build (`cargo xtask bench` runs it with `--profile dev`).

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tauri::ipc::{InvokeError, InvokeResponse};
use tauri::test::{INVOKE_KEY, MockRuntime, mock_builder, mock_context, noop_assets};
use tauri::{WebviewWindow, WebviewWindowBuilder};
use time::OffsetDateTime;
use url::Url;

use invoice_desk_app::harness;
use invoice_desk_billing::arm::DEFAULT_MAX_CONCURRENCY;
use invoice_desk_billing::browse::{Caller, discover_scopes, scope_periods};
use invoice_desk_billing::{ArmClient, Cloud, Portal, ShownRange, StaticTokenCredential};
use invoice_desk_emulator::CONTROL_SECRET_HEADER;

type Failure = Box<dyn std::error::Error>;

const SCENARIO: &str = "bench";
const USER: &str = "bench@contoso.example";
const SCOPES: usize = 100;
const INVOICES_PER_SCOPE: usize = 24;
/// The range the window lists (and the billing path beside it): the last three years, which hold
/// every one of the 24 invoices per scope.
const RANGE: ShownRange = ShownRange::ThreeYears;
/// The dependent levels of `list_scopes` for this user: subscriptions and billing accounts →
/// billing profiles → the caller's roles on the account → permissions and roles on each
/// profile → its invoice sections.
const DISCOVERY_LEVELS: u32 = 5;
/// `list_periods`: one level (invoices, and for MOSP the billing periods alongside).
const PERIOD_LEVELS: u32 = 1;
/// The calls of one listing with one page per list and no fallbacks (`checkAccess`, legacy
/// invoices, section scopes): 2 + 50 × 2 per subscription + 1 + 1 + 1 + 50 × 3 per profile,
/// then 50 × 1 per profile + 50 × 2 per subscription. Another count means the call graph changed
/// and the levels above need a new look.
const CALLS: usize = 405;
/// The latency rule's `count`: large enough never to run out, so what is left counts calls.
const COUNTER: u32 = 1_000_000;
const MAX_RATIO: f64 = 1.2;

#[derive(Debug)]
struct Options {
    latency_ms: u32,
    runs: usize,
}

fn options() -> Result<Options, Failure> {
    let mut options = Options {
        latency_ms: 100,
        runs: 3,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value"))
                .map_err(Failure::from)
        };
        match arg.as_str() {
            "--latency-ms" => options.latency_ms = value("--latency-ms")?.parse()?,
            "--runs" => options.runs = value("--runs")?.parse()?,
            // `--limit` is the billing benchmark's: the app always uses its default limit.
            "--limit" => {
                value("--limit")?;
            }
            // `cargo bench` passes `--bench`; filters, `--no-peer` and harness flags do not apply.
            _ => {}
        }
    }
    if options.runs == 0 || options.latency_ms == 0 {
        return Err("--runs and --latency-ms must be at least 1".into());
    }
    Ok(options)
}

fn main() -> ExitCode {
    match bench() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("command-layer benchmark failed: {error}");
            ExitCode::from(2)
        }
    }
}

/// What one listing through the commands found and how long its steps took.
#[derive(Debug)]
struct Listing {
    scopes: usize,
    invoices: usize,
    periods: usize,
    /// `list_accounts` and `list_scopes`, until the sidebar can show every scope.
    scopes_wall: Duration,
    /// Everything, through the last `list_periods` answer.
    wall: Duration,
}

fn bench() -> Result<bool, Failure> {
    let options = options()?;
    let app = harness::mount(mock_builder()).build(mock_context(noop_assets()))?;
    let webview = WebviewWindowBuilder::new(&app, "main", tauri::WebviewUrl::default()).build()?;
    let emulator =
        tauri::async_runtime::block_on(harness::start_demo(app.handle(), SCENARIO, USER))?;
    let control = Control::new(emulator)?;
    let expected = SCOPES * INVOICES_PER_SCOPE;

    // A warm-up without latency checks the data and counts the calls of one listing.
    control.latency(0)?;
    let warm = list_through_commands(&webview)?;
    check(&warm, expected)?;
    let warm_calls = control.calls()?;
    let breakdown = control.breakdown()?;
    if warm_calls != CALLS {
        return Err(format!(
            "{warm_calls} calls where the known call graph makes {CALLS}: the dependent levels \
             of the ideal would not hold"
        )
        .into());
    }

    let latency = Duration::from_millis(options.latency_ms.into());
    let billing = control.billing_path()?;
    // The billing path on its own, without latency: it checks the data and warms its
    // connections as the commands' warm-up does theirs.
    let billing_warm = control.runtime.block_on(billing.list())?;
    check(&billing_warm, expected)?;
    let mut walls = Vec::new();
    let mut scope_walls = Vec::new();
    let mut billing_walls = Vec::new();
    let mut calls = 0;
    let mut billing_calls = 0;
    for _ in 0..options.runs {
        control.latency(options.latency_ms)?;
        let listing = list_through_commands(&webview)?;
        calls = control.calls()?;
        check(&listing, expected)?;
        walls.push(listing.wall);
        scope_walls.push(listing.scopes_wall);

        control.latency(options.latency_ms)?;
        let listing = control.runtime.block_on(billing.list())?;
        billing_calls = control.calls()?;
        check(&listing, expected)?;
        billing_walls.push(listing.wall);
    }
    control.latency(0)?;
    let wall = median(&mut walls);
    let scopes_wall = median(&mut scope_walls);
    let billing_wall = median(&mut billing_walls);
    let limit = u32::try_from(DEFAULT_MAX_CONCURRENCY)?;
    let levels = DISCOVERY_LEVELS + PERIOD_LEVELS;
    let call_count = u32::try_from(calls)?;
    let ideal = latency * levels + latency * call_count / limit;
    let ratio = wall.as_secs_f64() / ideal.as_secs_f64();
    let to_billing = wall.as_secs_f64() / billing_wall.as_secs_f64();

    println!("command-layer benchmark: scenario {SCENARIO}, {USER}, over Tauri IPC (mock runtime)");
    println!(
        "  listed            {} scopes, {} periods, {} invoices",
        warm.scopes, warm.periods, warm.invoices
    );
    println!(
        "  calls             {calls} ({})",
        breakdown
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if calls != warm_calls {
        println!("  note: the warm-up made {warm_calls} calls, a measured run {calls}");
    }
    println!("  latency           {} ms per call", options.latency_ms);
    println!("  concurrency limit {DEFAULT_MAX_CONCURRENCY} (the app's)");
    println!(
        "  ideal             {} ({levels} dependent levels × latency + {calls} calls × latency ÷ {DEFAULT_MAX_CONCURRENCY})",
        ms(ideal)
    );
    println!(
        "  commands wall     {} (median of {}: {}); scopes shown after {}",
        ms(wall),
        walls.len(),
        walls.iter().map(|w| ms(*w)).collect::<Vec<_>>().join(", "),
        ms(scopes_wall)
    );
    println!("  ratio to ideal    {ratio:.2}× (target ≤ {MAX_RATIO}×)");
    println!(
        "  billing path      {} (median of {}: {}; {billing_calls} calls): discover_scopes + \
         scope_periods of every scope at once",
        ms(billing_wall),
        billing_walls.len(),
        billing_walls
            .iter()
            .map(|w| ms(*w))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "  ratio to it       {to_billing:.2}× (what the command layer adds over the same calls; not a target)"
    );
    if billing_calls != calls {
        println!("  note: the billing path made {billing_calls} calls, the commands {calls}");
    }
    let passed = ratio <= MAX_RATIO;
    println!(
        "  result            {}",
        if passed { "PASS" } else { "FAIL" }
    );
    drop(webview);
    app.cleanup_before_exit();
    Ok(passed)
}

fn median(walls: &mut [Duration]) -> Duration {
    walls.sort();
    walls[walls.len() / 2]
}

fn ms(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}

/// The listing as the window loads it: accounts, the scopes of every enabled directory, then
/// the periods of every scope.
fn list_through_commands(webview: &WebviewWindow<MockRuntime>) -> Result<Listing, Failure> {
    let started = Instant::now();
    let accounts = invoke_all(webview, vec![("list_accounts", json!({}))])?;
    let directories: Vec<Value> = accounts[0]
        .as_array()
        .ok_or("list_accounts answered no list")?
        .iter()
        .flat_map(|account| {
            account["tenants"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| t["enabled"] == true && t["needsSignIn"] == false)
                .map(|t| json!({"accountId": account["id"], "tenantId": t["id"]}))
        })
        .collect();
    if directories.is_empty() {
        return Err("the demo sign-in has no enabled directory".into());
    }
    let scope_lists = invoke_all(
        webview,
        directories
            .into_iter()
            .map(|args| ("list_scopes", args))
            .collect(),
    )?;
    let scope_ids: Vec<Value> = scope_lists
        .iter()
        .filter_map(Value::as_array)
        .flatten()
        .map(|scope| scope["id"].clone())
        .collect();
    let scopes_wall = started.elapsed();
    let period_lists = invoke_all(
        webview,
        scope_ids
            .iter()
            .map(|id| ("list_periods", json!({"scopeId": id, "range": RANGE})))
            .collect(),
    )?;
    let wall = started.elapsed();
    let periods = period_lists
        .iter()
        .filter_map(Value::as_array)
        .flatten()
        .collect::<Vec<_>>();
    let invoices = periods
        .iter()
        .filter_map(|p| p["invoices"].as_array())
        .map(Vec::len)
        .sum();
    Ok(Listing {
        scopes: scope_ids.len(),
        invoices,
        periods: periods.len(),
        scopes_wall,
        wall,
    })
}

/// Sends every invoke at once, as the window's concurrent `invoke` calls do, and waits for
/// every answer (in order).
fn invoke_all(
    webview: &WebviewWindow<MockRuntime>,
    invokes: Vec<(&str, Value)>,
) -> Result<Vec<Value>, Failure> {
    let (tx, rx) = mpsc::channel();
    let count = invokes.len();
    for (index, (cmd, args)) in invokes.into_iter().enumerate() {
        let tx = tx.clone();
        let request = harness::invoke_request(cmd, args, INVOKE_KEY);
        let name = cmd.to_owned();
        webview.as_ref().clone().on_message(
            request,
            Box::new(move |_webview, _cmd, response, _ok, _err| {
                let _ = tx.send((index, name, response));
            }),
        );
    }
    drop(tx);
    let mut answers = vec![Value::Null; count];
    for _ in 0..count {
        let (index, name, response) = rx
            .recv_timeout(Duration::from_secs(600))
            .map_err(|_| "a command did not answer")?;
        answers[index] = match response {
            InvokeResponse::Ok(body) => body.deserialize()?,
            InvokeResponse::Err(InvokeError(error)) => {
                return Err(format!("{name} failed: {error}").into());
            }
        };
    }
    Ok(answers)
}

fn check(listing: &Listing, expected: usize) -> Result<(), Failure> {
    if listing.scopes != SCOPES || listing.invoices != expected {
        return Err(format!(
            "{} scopes and {} invoices, expected {SCOPES} and {expected}",
            listing.scopes, listing.invoices
        )
        .into());
    }
    Ok(())
}

/// The emulator's control plane (`/_emulator/*`): faults, call counts, tokens.
struct Control {
    base: Url,
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Control {
    fn new(demo: harness::DemoEmulator) -> Result<Self, Failure> {
        // The demo's control plane answers only requests that carry its secret.
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(secret) = demo.control_secret {
            headers.insert(CONTROL_SECRET_HEADER, secret.parse()?);
        }
        Ok(Self {
            base: demo.url,
            // Multi-threaded, as the app's async runtime: the billing path runs on it too.
            runtime: tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?,
            http: reqwest::Client::builder()
                .default_headers(headers)
                .build()?,
        })
    }

    fn get(&self, path: &str) -> Result<Value, Failure> {
        let url = self.base.join(path)?;
        self.runtime.block_on(async {
            Ok(self
                .http
                .get(url)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?)
        })
    }

    /// A latency rule on every route that also counts the requests it delays; clears the log.
    fn latency(&self, ms: u32) -> Result<(), Failure> {
        let rule = json!([{"kind": "latency", "ms": ms, "count": COUNTER}]);
        self.runtime.block_on(async {
            self.http
                .post(self.base.join("_emulator/faults")?)
                .json(&rule)
                .send()
                .await?
                .error_for_status()?;
            self.http
                .delete(self.base.join("_emulator/requests")?)
                .send()
                .await?
                .error_for_status()?;
            Ok::<_, Failure>(())
        })
    }

    /// Requests served since the latency rule was set.
    fn calls(&self) -> Result<usize, Failure> {
        let rules = self.get("_emulator/faults")?;
        let left = rules
            .as_array()
            .and_then(|rules| rules.iter().find(|r| r["kind"] == "latency"))
            .and_then(|r| r["count"].as_u64())
            .ok_or("the latency rule is gone")?;
        Ok(usize::try_from(u64::from(COUNTER).saturating_sub(left))?)
    }

    /// The logged requests by what they ask for (the path's last name segment).
    fn breakdown(&self) -> Result<BTreeMap<String, usize>, Failure> {
        let mut kinds = BTreeMap::new();
        for record in self
            .get("_emulator/requests")?
            .as_array()
            .ok_or("no request log")?
        {
            let path = record["path"].as_str().unwrap_or_default();
            let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            // `/x/{id}/y` → `y`; `/x/{id}` → `x/{id}`.
            let kind = if segments.len() % 2 == 1 {
                segments.last().copied().unwrap_or_default().to_owned()
            } else {
                format!("{}/{{id}}", segments[segments.len().saturating_sub(2)])
            };
            *kinds.entry(kind).or_insert(0) += 1;
        }
        Ok(kinds)
    }

    /// The billing crate's user path for the same user (the caller's tenant and object id as
    /// after sign-in), with the app's concurrency limit.
    fn billing_path(&self) -> Result<BillingPath, Failure> {
        let token = self.get(&format!("_emulator/token?user={USER}"))?["access_token"]
            .as_str()
            .ok_or("the emulator gave no token")?
            .to_owned();
        let users = self.get("_emulator/users")?;
        let user = users
            .as_array()
            .and_then(|users| users.iter().find(|u| u["upn"] == USER))
            .ok_or("the emulator lists no bench user")?;
        let id = |key: &str| user[key].as_str().map(str::to_owned);
        let cloud = Cloud::Custom {
            arm_url: self.base.to_string(),
            token_scope: String::new(),
        };
        Ok(BillingPath {
            client: ArmClient::builder(
                cloud.clone(),
                Arc::new(StaticTokenCredential::for_a_day(token)),
            )
            .max_concurrency(DEFAULT_MAX_CONCURRENCY)
            .build()?,
            caller: Caller {
                tenant_id: id("tenant_id"),
                object_id: id("object_id"),
            },
            portal: Portal::for_cloud(&cloud),
        })
    }
}

/// The billing crate's user path, without the command layer: [`discover_scopes`], then
/// [`scope_periods`] of every scope at once (the client's concurrency limit bounds the calls).
struct BillingPath {
    client: ArmClient,
    caller: Caller,
    portal: Portal,
}

impl BillingPath {
    async fn list(&self) -> Result<Listing, Failure> {
        let today = OffsetDateTime::now_utc().date();
        let range = RANGE.range(today);
        let started = Instant::now();
        let found = discover_scopes(&self.client, &self.caller, &self.portal).await;
        let scopes_wall = started.elapsed();
        let tasks: Vec<_> = found
            .scopes
            .iter()
            .map(|entry| {
                let (client, entry) = (self.client.clone(), entry.clone());
                tokio::spawn(async move { scope_periods(&client, &entry, range, today).await })
            })
            .collect();
        let mut problems: Vec<String> = found
            .failures
            .iter()
            .map(|f| format!("{}: {}", f.what, f.issue.message))
            .collect();
        let (mut periods, mut invoices) = (0, 0);
        for (entry, task) in found.scopes.iter().zip(tasks) {
            problems.extend(
                entry
                    .issues
                    .iter()
                    .map(|i| format!("{} ({}): {}", entry.scope.id, i.step, i.message)),
            );
            match task.await? {
                Ok(rows) => {
                    periods += rows.len();
                    invoices += rows.iter().map(|r| r.invoices.len()).sum::<usize>();
                }
                Err(e) => problems.push(format!("{} (periods): {e}", entry.scope.id)),
            }
        }
        let wall = started.elapsed();
        if !problems.is_empty() {
            return Err(format!("the billing path was incomplete: {}", problems.join("; ")).into());
        }
        Ok(Listing {
            scopes: found.scopes.len(),
            invoices,
            periods,
            scopes_wall,
            wall,
        })
    }
}
