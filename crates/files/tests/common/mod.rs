//! Shared by the integration tests: the in-process emulator over real sockets, clients with
//! short waits, a batch runner that keeps every event, and the check every test ends with:
//! the files on disk and the index agree, nothing partial, nothing lost.
#![allow(
    dead_code,
    clippy::missing_panics_doc,
    clippy::case_sensitive_file_extension_comparisons
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use invoice_desk_billing::browse::{Caller, discover_scopes};
use invoice_desk_billing::{
    ArmClient, BillingScope, Cloud, InvoiceRange, LroPolicy, Portal, RetryPolicy, ScopeKind,
    StaticTokenCredential,
};
use invoice_desk_emulator::{Emulator, EmulatorConfig, FaultKind, FaultRule, RequestRecord};
use invoice_desk_files::{
    ArchiveIndex, BatchEvent, BatchOptions, BatchSummary, DocumentSelection, Fetcher, Job,
    Template, TransferPolicy, scope_targets,
};

pub const MCA_OWNER: &str = "olivia.owner@contoso.example";
pub const MOSP_ADMIN: &str = "alex@contoso.example";
pub const DEFAULT_TEMPLATE: &str = "{billingAccount}/{yyyy}-{mm} {invoiceName}.pdf";

pub async fn emulator(config: EmulatorConfig) -> Emulator {
    Emulator::start(EmulatorConfig {
        retry_after_secs: 0,
        ..config
    })
    .await
    .expect("emulator starts")
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(100),
        max_total: Duration::from_secs(20),
        attempt_timeout: Duration::from_secs(10),
    }
}

pub fn client(emu: &Emulator, upn: &str) -> ArmClient {
    ArmClient::builder(
        Cloud::Custom {
            arm_url: emu.base_url().to_string(),
            token_scope: String::new(),
        },
        Arc::new(StaticTokenCredential::for_a_day(
            emu.token_for(upn).expect("demo user"),
        )),
    )
    .retry_policy(fast_retry())
    .lro_policy(LroPolicy {
        default_poll_interval: Duration::from_millis(10),
        min_poll_interval: Duration::from_millis(1),
        max_poll_interval: Duration::from_millis(50),
        ..LroPolicy::default()
    })
    .build()
    .unwrap()
}

pub fn fetcher() -> Fetcher {
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Fetcher::with_client(
        http,
        TransferPolicy {
            retry: fast_retry(),
            stall_timeout: Duration::from_secs(5),
            ..TransferPolicy::default()
        },
    )
}

/// Every billing scope of `upn` of `kind`, as discovery finds them.
pub async fn scopes(emu: &Emulator, upn: &str, kind: ScopeKind) -> Vec<BillingScope> {
    let user = emu.users().into_iter().find(|u| u.upn == upn).unwrap();
    let caller = Caller {
        tenant_id: Some(user.tenant_id),
        object_id: Some(user.object_id),
    };
    let found = discover_scopes(
        &client(emu, upn),
        &caller,
        &Portal::new("https://portal.azure.com"),
    )
    .await;
    found
        .scopes
        .into_iter()
        .map(|e| e.scope)
        .filter(|s| s.kind == kind)
        .collect()
}

/// The last two years of invoices, up to the day the emulator lives on.
pub fn range(emu: &Emulator) -> InvoiceRange {
    InvoiceRange::last_months(emu.today(), 24)
}

/// Jobs for every primary document of `scope` in [`range`].
pub async fn jobs(emu: &Emulator, upn: &str, scope: &BillingScope) -> Vec<Job> {
    let client = client(emu, upn);
    scope_targets(&client, scope, range(emu), DocumentSelection::Primary)
        .await
        .unwrap()
        .into_iter()
        .map(|target| Job {
            client: client.clone(),
            target,
        })
        .collect()
}

pub fn options(dest: &Path, template: &str) -> BatchOptions {
    BatchOptions::new(dest, Template::parse(template).unwrap())
}

/// Runs a batch and returns its summary with every event, in order.
pub async fn run(jobs: Vec<Job>, options: &BatchOptions) -> (BatchSummary, Vec<BatchEvent>) {
    let events = Mutex::new(Vec::new());
    let sink = |e: BatchEvent| events.lock().unwrap().push(e);
    let summary = invoice_desk_files::run_batch(jobs, &fetcher(), options, &sink)
        .await
        .expect("the batch runs");
    (summary, events.into_inner().unwrap())
}

pub fn fault(route: &str, count: u32, kind: FaultKind) -> FaultRule {
    FaultRule {
        route: Some(route.into()),
        method: None,
        count: Some(count),
        kind,
    }
}

pub fn blob_requests(emu: &Emulator) -> Vec<RequestRecord> {
    emu.requests()
        .into_iter()
        .filter(|r| r.kind == "blob")
        .collect()
}

pub fn download_posts(emu: &Emulator) -> Vec<RequestRecord> {
    emu.requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/download"))
        .collect()
}

/// Every file under `root`, relative, with `/` separators.
pub fn files(root: &Path) -> BTreeSet<String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                out.insert(invoice_desk_files::slash_path(
                    path.strip_prefix(root).unwrap(),
                ));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(root, root, &mut out);
    // The index's lock file is bookkeeping like the index, but empty: not counted.
    out.retain(|f| !f.ends_with(invoice_desk_files::INDEX_LOCK_FILE));
    out
}

/// The end of every test: no `.part` (or temp) file anywhere; every index entry's file is on
/// disk with its size and hash; every document the summary reports is in the index; every
/// file on disk is either indexed, the index itself, or in `foreign` (files the test put
/// there, which must be untouched).
pub fn assert_archive(root: &Path, summary: &BatchSummary, foreign: &[(&str, &[u8])]) {
    let on_disk = files(root);
    for f in &on_disk {
        assert!(
            !f.ends_with(".part") && !f.ends_with(".tmp"),
            "left behind: {f} in {on_disk:?}"
        );
    }
    let (index, warning) = ArchiveIndex::load(root).unwrap();
    assert!(warning.is_none(), "{warning:?}");
    let mut indexed = BTreeSet::new();
    for entry in index.entries() {
        let path = root.join(entry.relative());
        let bytes = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{} is indexed but unreadable: {e}", entry.path));
        assert_eq!(bytes.len() as u64, entry.size, "{}", entry.path);
        assert_eq!(
            blake3::hash(&bytes).to_hex().as_str(),
            entry.blake3,
            "{}",
            entry.path
        );
        assert!(
            std::fs::read(&path).unwrap().starts_with(b"%PDF-"),
            "{}",
            entry.path
        );
        indexed.insert(entry.path.clone());
    }
    for done in summary
        .saved
        .iter()
        .chain(&summary.already_there)
        .chain(&summary.kept_both)
    {
        let path = invoice_desk_files::slash_path(done.placed.path());
        assert!(indexed.contains(&path), "{path} is not in the index");
    }
    for (name, bytes) in foreign {
        assert_eq!(
            std::fs::read(root.join(name)).unwrap(),
            *bytes,
            "{name} was changed"
        );
    }
    for f in on_disk {
        let known = indexed.contains(&f)
            || f == invoice_desk_files::INDEX_FILE
            || f.starts_with(&format!("{}.corrupt-", invoice_desk_files::INDEX_FILE))
            || foreign.iter().any(|(n, _)| *n == f);
        assert!(known, "{f} is on disk but not accounted for");
    }
}

/// The codes of the failed items.
pub fn failure_codes(summary: &BatchSummary) -> Vec<&'static str> {
    summary
        .failed
        .iter()
        .map(|f| f.error.code.as_str())
        .collect()
}

pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

pub fn path_of(root: &Path, rel: &Path) -> PathBuf {
    root.join(rel)
}

/// The first `n` invoice downloads of the MCA owner's billing profile.
pub async fn mca_jobs(emu: &Emulator, n: usize) -> Vec<Job> {
    let scope = scopes(emu, MCA_OWNER, ScopeKind::McaBillingProfile)
        .await
        .into_iter()
        .next()
        .expect("olivia has a billing profile");
    let mut jobs = jobs(emu, MCA_OWNER, &scope).await;
    assert!(jobs.len() >= n, "only {} invoices", jobs.len());
    jobs.truncate(n);
    jobs
}
