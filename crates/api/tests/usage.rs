//! Usage files through the use case the window and the command line share, against the
//! in-process emulator over real sockets: several gzip blobs joined into one CSV that adds up
//! to the invoice, a connection dropped mid-file, throttled polls, an expired link, a cancel,
//! a failed report, a kept operation resumed or expired, refusals by role and by EA policy,
//! and a range reaching past Azure's 13 months.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{directory, emulator, entry, fast_retry};
use futures::TryStreamExt as _;
use invoice_desk_api::Directory;
use invoice_desk_api::error::ErrorCode;
use invoice_desk_api::jobs::{JobKind, JobProgress, JobStage, Jobs};
use invoice_desk_api::usage::{
    UsageDestination, UsageError, UsageOutcome, UsageRequest, UsageSelection, save_usage,
};
use invoice_desk_billing::model::GenerateCostDetailsReportRequest;
use invoice_desk_billing::{
    BillingError, CostDetailsReport, InvoiceQuery, LroOptions, ScopeEntry, ScopeKind,
};
use invoice_desk_emulator::{Emulator, EmulatorConfig, FaultKind, FaultRule};
use invoice_desk_files::report::ReportParts;
use invoice_desk_files::{ArchiveIndex, Fetcher, Template, TransferPolicy};
use rust_decimal::Decimal;

const MCA_OWNER: &str = "olivia.owner@contoso.example";
const MOSP_ADMIN: &str = "alex@contoso.example";
const MOSP_READER: &str = "dev@contoso.example";
const EA_ADMIN: &str = "erin.ea@contoso.example";
const EA_OWNER_POLICY_OFF: &str = "owen.account@contoso.example";
const TEMPLATE: &str = "{billingAccount}/{yyyy}-{mm} {scope} usage.csv";

fn fetcher() -> Fetcher {
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

fn destination(root: &Path, parts: ReportParts) -> UsageDestination {
    UsageDestination {
        root: root.to_owned(),
        template: Template::parse(TEMPLATE).unwrap(),
        parts,
    }
}

/// A job registry that keeps every change.
fn recording() -> (Jobs, Arc<Mutex<Vec<JobProgress>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    (
        Jobs::new(move |p: &JobProgress| sink.lock().unwrap().push(p.clone())),
        seen,
    )
}

async fn save(
    directory: &Directory,
    entry: &ScopeEntry,
    selection: UsageSelection,
    root: &Path,
    parts: ReportParts,
) -> (Result<UsageOutcome, UsageError>, Vec<JobProgress>) {
    let (jobs, seen) = recording();
    let job = jobs.start(JobKind::UsageReport, "usage", None);
    let request = UsageRequest {
        scope_id: entry.scope.id.clone(),
        selection,
        merge: false,
    };
    let result = save_usage(
        directory,
        entry,
        &request,
        &destination(root, parts),
        &fetcher(),
        &job,
        &invoice_desk_api::usage::Resume::default(),
    )
    .await;
    let seen = seen.lock().unwrap().clone();
    (result, seen)
}

/// Every file under `root` (relative, `/`-separated), the index and its lock left out.
fn files(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                if rel != invoice_desk_files::INDEX_FILE
                    && rel != invoice_desk_files::INDEX_LOCK_FILE
                {
                    out.push(rel);
                }
            }
        }
    }
    let mut out = Vec::new();
    if root.exists() {
        walk(root, root, &mut out);
    }
    out.sort();
    out
}

fn blob_reads_carry_no_token(requests: &[invoice_desk_emulator::RequestRecord]) -> bool {
    requests
        .iter()
        .filter(|r| r.kind == "blob")
        .all(|r| !r.authorization)
}

/// The fields of one CSV line (quoted fields may hold commas and doubled quotes).
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    out.push(field);
    out
}

/// The CSV's header count and the sum of its cost column.
fn header_count_and_total(path: &Path, cost: &str) -> (usize, usize, Decimal) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = fields(lines.next().unwrap());
    let at = header.iter().position(|h| h == cost).unwrap();
    let mut rows = 0;
    let mut headers = 1;
    let mut total = Decimal::ZERO;
    for line in lines {
        let row = fields(line);
        if row == header {
            headers += 1;
            continue;
        }
        rows += 1;
        total += row[at].trim().parse::<Decimal>().unwrap();
    }
    (headers, rows, total)
}

async fn first_invoice(directory: &Directory, entry: &ScopeEntry) -> (String, Decimal) {
    let scope = &entry.scope;
    let today = directory.clock.today();
    let range = invoice_desk_billing::InvoiceRange::last_months(today, 12);
    let query: InvoiceQuery = range.query();
    let invoices: Vec<_> = directory
        .client
        .list_invoices_by_billing_profile(
            scope.account_name().unwrap(),
            scope.billing_profile_name().unwrap(),
            &query,
        )
        .try_collect()
        .await
        .unwrap();
    let invoice = invoices
        .into_iter()
        .find(|i| i.properties.sub_total.is_some())
        .expect("an invoice with a pre-tax amount");
    let sub_total = invoice
        .properties
        .sub_total
        .and_then(|a| a.value)
        .expect("subTotal value");
    (invoice.name.unwrap_or_default(), sub_total)
}

#[tokio::test]
async fn an_mca_invoice_is_one_csv_from_several_gzip_blobs_and_adds_up_to_its_pre_tax_amount() {
    let emu = emulator(EmulatorConfig {
        cost_report_bytes: 300 * 1024,
        cost_report_blob_bytes: 64 * 1024,
        cost_report_gzip: true,
        cost_report_pending_polls: 2,
        ..EmulatorConfig::default()
    })
    .await;
    let directory = directory(&emu, MCA_OWNER);
    let profile = entry(&directory, ScopeKind::McaBillingProfile).await;
    let (invoice, sub_total) = first_invoice(&directory, &profile).await;
    let dir = tempfile::tempdir().unwrap();
    let (result, seen) = save(
        &directory,
        &profile,
        UsageSelection::Invoice {
            invoice: invoice.clone(),
        },
        dir.path(),
        ReportParts::Join,
    )
    .await;
    let outcome = result.expect("the usage file is saved");
    assert_eq!(outcome.files.len(), 1, "{outcome:?}");
    let file = &outcome.files[0];
    assert_eq!(file.outcome, "saved");
    assert_eq!(file.period.invoice.as_deref(), Some(invoice.as_str()));
    assert!(file.path.ends_with("usage.csv"), "{}", file.path);
    assert_eq!(
        files(dir.path()),
        std::slice::from_ref(&file.path),
        "no part files left"
    );
    let (headers, rows, total) =
        header_count_and_total(&dir.path().join(&file.path), "costInBillingCurrency");
    assert_eq!(headers, 1, "one header for all blobs");
    assert!(rows > 100, "{rows} rows");
    assert_eq!(
        total, sub_total,
        "the file adds up to the invoice's subTotal"
    );

    // Every step showed in the job: requested, preparing, each of the files, joining.
    let stages: Vec<JobStage> = seen.iter().filter_map(|p| p.stage).collect();
    assert!(matches!(stages[0], JobStage::Requested { .. }));
    assert!(
        stages
            .iter()
            .any(|s| matches!(s, JobStage::Preparing { .. }))
    );
    let files_seen: Vec<u32> = stages
        .iter()
        .filter_map(|s| match s {
            JobStage::Downloading { file, files, .. } => {
                assert_eq!(*files, 5, "300 KiB in 64 KiB blobs");
                Some(*file)
            }
            _ => None,
        })
        .collect();
    assert_eq!(files_seen.first(), Some(&1));
    assert_eq!(files_seen.last(), Some(&5));
    assert!(stages.iter().any(|s| matches!(s, JobStage::Joining { .. })));

    // The folder's index knows the file, so the window can show it.
    let (index, _) = ArchiveIndex::load(dir.path()).unwrap();
    let recorded = index
        .entries()
        .find(|e| e.document_kind == "Usage")
        .expect("indexed");
    assert_eq!(recorded.invoice, invoice);
    assert_eq!(recorded.path, file.path);

    // At a glance, and checked against the invoice: the file adds up to its pre-tax amount.
    let glance = invoice_desk_api::usage_glance::glance(
        &directory,
        &profile.scope,
        dir.path().join(&file.path),
        Some(&invoice),
    )
    .await
    .unwrap();
    assert_eq!(glance.summary.rows, rows as u64);
    assert_eq!(glance.summary.invoice_ids, std::slice::from_ref(&invoice));
    assert!(!glance.summary.by_service.is_empty() && glance.summary.top_resources.len() <= 10);
    let first_day = glance.summary.first_day.unwrap().to_string();
    assert!(
        first_day >= file.period.start,
        "{first_day} in the invoice's period"
    );
    let check = glance.check.expect("an MCA invoice is checked");
    assert!(check.matches, "{check:?}");
    assert_eq!(check.difference, "0.00");

    // Asked again, the same bytes are already there: nothing new, nothing overwritten.
    let (again, _) = save(
        &directory,
        &profile,
        UsageSelection::Invoice { invoice },
        dir.path(),
        ReportParts::Join,
    )
    .await;
    assert_eq!(again.unwrap().files[0].outcome, "already_there");
    assert_eq!(files(dir.path()).len(), 1);
}

#[tokio::test]
async fn kept_parts_are_numbered_files_each_with_its_header() {
    let emu = emulator(EmulatorConfig {
        cost_report_bytes: 200 * 1024,
        cost_report_blob_bytes: 80 * 1024,
        ..EmulatorConfig::default()
    })
    .await;
    let directory = directory(&emu, MCA_OWNER);
    let profile = entry(&directory, ScopeKind::McaBillingProfile).await;
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = save(
        &directory,
        &profile,
        UsageSelection::OpenMonth,
        dir.path(),
        ReportParts::Keep,
    )
    .await;
    let outcome = result.unwrap();
    let names = files(dir.path());
    assert_eq!(names.len(), 3, "{names:?}");
    for (i, name) in names.iter().enumerate() {
        assert!(name.contains(&format!("(part {} of 3)", i + 1)), "{name}");
        assert!(
            name.contains("to "),
            "month to date says to which day: {name}"
        );
        let (headers, _, _) =
            header_count_and_total(&dir.path().join(name), "costInBillingCurrency");
        assert_eq!(headers, 1);
    }
    assert!(outcome.files.iter().all(|f| f.period.month_to_date));
}

#[tokio::test]
async fn a_dropped_connection_resumes_and_throttled_polls_wait_and_the_bytes_are_the_same() {
    let config = EmulatorConfig {
        cost_report_bytes: 256 * 1024,
        ..EmulatorConfig::default()
    };
    let emu = emulator(config).await;
    let directory = directory(&emu, MOSP_ADMIN);
    let subscription = entry(&directory, ScopeKind::MospSubscription).await;
    let month = emu.today().replace_day(1).unwrap() - time::Duration::days(1);
    let selection = || UsageSelection::Months {
        from: format!("{:04}-{:02}", month.year(), u8::from(month.month())),
        to: format!("{:04}-{:02}", month.year(), u8::from(month.month())),
    };
    let clean = tempfile::tempdir().unwrap();
    let (first, _) = save(
        &directory,
        &subscription,
        selection(),
        clean.path(),
        ReportParts::Join,
    )
    .await;
    let first = first.unwrap();

    emu.set_faults(vec![
        FaultRule {
            route: Some("/_blob/".into()),
            method: None,
            count: Some(1),
            kind: FaultKind::Reset {
                after_bytes: 100_000,
            },
        },
        FaultRule {
            route: Some("*costDetailsOperationResults*".into()),
            method: None,
            count: Some(1),
            kind: FaultKind::Throttle {
                retry_after_secs: 1,
            },
        },
    ]);
    let (second, _) = save(
        &directory,
        &subscription,
        selection(),
        clean.path(),
        ReportParts::Join,
    )
    .await;
    let second = second.unwrap();
    // The resumed download has exactly the bytes of the clean one: it is already there.
    assert_eq!(second.files[0].outcome, "already_there", "{second:?}");
    assert_eq!(second.files[0].path, first.files[0].path);
    let requests = emu.requests();
    let resumed = requests
        .iter()
        .filter(|r| r.path.starts_with("/_blob/"))
        .filter(|r| r.range.as_deref() == Some("bytes=100000-") && r.if_match.is_some())
        .count();
    assert_eq!(
        resumed, 1,
        "the download went on from the byte where it dropped"
    );
    let throttled_then_polled = requests.iter().filter(|r| r.kind == "poll").count();
    assert!(
        throttled_then_polled >= 2,
        "the throttled poll was made again"
    );
    assert!(blob_reads_carry_no_token(&requests));
    let (headers, _, _) = header_count_and_total(
        &clean.path().join(&first.files[0].path),
        "CostInBillingCurrency",
    );
    assert_eq!(headers, 1);
}

#[tokio::test]
async fn an_expired_link_asks_for_the_report_again() {
    let emu = emulator(EmulatorConfig::default()).await;
    let directory = directory(&emu, MCA_OWNER);
    let profile = entry(&directory, ScopeKind::McaBillingProfile).await;
    emu.set_faults(vec![FaultRule {
        route: Some("/_blob/".into()),
        method: None,
        count: Some(1),
        kind: FaultKind::ExpiredSas,
    }]);
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = save(
        &directory,
        &profile,
        UsageSelection::OpenMonth,
        dir.path(),
        ReportParts::Join,
    )
    .await;
    let outcome = result.expect("a fresh report after the expired link");
    assert_eq!(outcome.files.len(), 1);
    let generated = emu
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("generateCostDetailsReport"))
        .count();
    assert_eq!(generated, 2, "the report was asked for a second time");
}

#[tokio::test]
async fn cancel_leaves_no_part_file_and_nothing_under_a_final_name() {
    let emu = emulator(EmulatorConfig {
        cost_report_bytes: 2 * 1024 * 1024,
        ..EmulatorConfig::default()
    })
    .await;
    emu.set_faults(vec![FaultRule {
        route: Some("/_blob/".into()),
        method: None,
        count: None,
        kind: FaultKind::SlowBody {
            bytes_per_sec: 64 * 1024,
        },
    }]);
    let directory = directory(&emu, MCA_OWNER);
    let profile = entry(&directory, ScopeKind::McaBillingProfile).await;
    let dir = tempfile::tempdir().unwrap();
    let (jobs, seen) = recording();
    let job = jobs.start(JobKind::UsageReport, "usage", None);
    let id = job.id().to_owned();
    let watcher = {
        let jobs = jobs.clone();
        let seen = seen.clone();
        tokio::spawn(async move {
            loop {
                let downloading =
                    seen.lock().unwrap().iter().any(|p| {
                        p.done > 0 && matches!(p.stage, Some(JobStage::Downloading { .. }))
                    });
                if downloading {
                    jobs.cancel(&id).unwrap();
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let request = UsageRequest {
        scope_id: profile.scope.id.clone(),
        selection: UsageSelection::OpenMonth,
        merge: false,
    };
    let result = save_usage(
        &directory,
        &profile,
        &request,
        &destination(dir.path(), ReportParts::Join),
        &fetcher(),
        &job,
        &invoice_desk_api::usage::Resume::default(),
    )
    .await;
    watcher.await.unwrap();
    assert!(matches!(result, Err(UsageError::Cancelled)), "{result:?}");
    assert_eq!(
        files(dir.path()),
        Vec::<String>::new(),
        "nothing left behind"
    );
}

#[tokio::test]
async fn a_failed_report_is_an_azure_error_with_its_code() {
    let emu = emulator(EmulatorConfig::default()).await;
    emu.set_faults(vec![FaultRule {
        route: None,
        method: None,
        count: None,
        kind: FaultKind::ReportFailed {
            code: Some("ReportGenerationFailed".into()),
            message: Some("The report could not be generated.".into()),
        },
    }]);
    let directory = directory(&emu, MCA_OWNER);
    let profile = entry(&directory, ScopeKind::McaBillingProfile).await;
    let dir = tempfile::tempdir().unwrap();
    let (result, _) = save(
        &directory,
        &profile,
        UsageSelection::OpenMonth,
        dir.path(),
        ReportParts::Join,
    )
    .await;
    let Err(UsageError::Billing(error)) = result else {
        panic!("{result:?}")
    };
    assert_eq!(error.arm_code(), Some("ReportGenerationFailed"));
    assert!(files(dir.path()).is_empty());
}

#[tokio::test]
async fn refusals_name_the_role_or_the_ea_policy_and_azures_403_wins() {
    let emu = emulator(EmulatorConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();

    let reader = directory(&emu, MOSP_READER);
    let subscription = entry(&reader, ScopeKind::MospSubscription).await;
    let (result, _) = save(
        &reader,
        &subscription,
        UsageSelection::OpenMonth,
        dir.path(),
        ReportParts::Join,
    )
    .await;
    let error = invoice_desk_api::AppError::from(result.unwrap_err());
    assert_eq!(error.code, ErrorCode::UsageNotAllowed);

    let owner = directory(&emu, EA_OWNER_POLICY_OFF);
    let account = entry(&owner, ScopeKind::EaEnrollmentAccount).await;
    let (result, _) = save(
        &owner,
        &account,
        UsageSelection::OpenMonth,
        dir.path(),
        ReportParts::Join,
    )
    .await;
    let error = invoice_desk_api::AppError::from(result.unwrap_err());
    assert_eq!(error.code, ErrorCode::ViewChargesOff);

    // A table that says yes does not win over Azure saying no.
    let admin = directory(&emu, EA_ADMIN);
    let enrollment = entry(&admin, ScopeKind::EaEnrollment).await;
    emu.set_faults(vec![FaultRule {
        route: Some("*generateCostDetailsReport".into()),
        method: Some("POST".into()),
        count: None,
        kind: FaultKind::Status { status: 403 },
    }]);
    let (result, _) = save(
        &admin,
        &enrollment,
        UsageSelection::OpenMonth,
        dir.path(),
        ReportParts::Join,
    )
    .await;
    let error = invoice_desk_api::AppError::from(result.unwrap_err());
    assert_eq!(error.code, ErrorCode::Forbidden);
    assert!(files(dir.path()).is_empty());
}

#[tokio::test]
async fn an_ea_range_past_13_months_names_the_old_months_and_merges_the_rest() {
    let emu = emulator(EmulatorConfig::default()).await;
    let directory = directory(&emu, EA_ADMIN);
    let enrollment = entry(&directory, ScopeKind::EaEnrollment).await;
    let today = emu.today();
    let year_and_a_half_ago = today.replace_day(1).unwrap() - time::Duration::days(500);
    let two_months_ago = (today.replace_day(1).unwrap() - time::Duration::days(40))
        .replace_day(1)
        .unwrap();
    let month = |d: time::Date| format!("{:04}-{:02}", d.year(), u8::from(d.month()));
    let dir = tempfile::tempdir().unwrap();
    let (jobs, _) = recording();
    let job = jobs.start(JobKind::UsageReport, "usage", None);
    let request = UsageRequest {
        scope_id: enrollment.scope.id.clone(),
        selection: UsageSelection::Months {
            from: month(year_and_a_half_ago),
            to: month(two_months_ago),
        },
        merge: true,
    };
    let outcome = save_usage(
        &directory,
        &enrollment,
        &request,
        &destination(dir.path(), ReportParts::Join),
        &fetcher(),
        &job,
        &invoice_desk_api::usage::Resume::default(),
    )
    .await
    .unwrap();
    assert_eq!(outcome.not_fetched.len(), 1, "{outcome:?}");
    assert_eq!(outcome.not_fetched[0].error.code, ErrorCode::UsageTooOld);
    assert_eq!(outcome.files.len(), 1, "merged into one file");
    let path: PathBuf = dir.path().join(&outcome.files[0].path);
    assert!(
        outcome.files[0]
            .path
            .contains(&format!("to {}", month(two_months_ago)))
    );
    let (headers, rows, _) = header_count_and_total(&path, "CostInBillingCurrency");
    assert_eq!(headers, 1);
    assert!(rows > 0);
    // Each month was asked by its EA billing period.
    let periods = emu
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("generateCostDetailsReport"))
        .count();
    assert!(periods >= 11, "{periods} monthly reports");
}

#[tokio::test]
async fn a_kept_operation_is_polled_again_and_an_expired_one_is_not_found() {
    let emu = emulator(EmulatorConfig {
        cost_report_pending_polls: 3,
        ..EmulatorConfig::default()
    })
    .await;
    let directory = directory(&emu, MCA_OWNER);
    let profile = entry(&directory, ScopeKind::McaBillingProfile).await;
    let scope = profile.scope.id.trim_start_matches('/').to_owned();
    // The app quits right after Azure accepted the report: the operation URL is kept.
    let kept = Arc::new(Mutex::new(None));
    let cancel = tokio_util::sync::CancellationToken::new();
    let options = {
        let kept = kept.clone();
        let cancel = cancel.clone();
        LroOptions::default()
            .with_cancel(cancel.clone())
            .with_operation(move |url| {
                *kept.lock().unwrap() = Some(url.clone());
                cancel.cancel();
            })
    };
    let quit = directory
        .client
        .generate_cost_details_report(
            &scope,
            &GenerateCostDetailsReportRequest::default(),
            &options,
        )
        .await;
    assert!(matches!(quit, Err(BillingError::Cancelled)), "{quit:?}");
    let url = kept
        .lock()
        .unwrap()
        .clone()
        .expect("the operation URL was told");
    assert!(url.path().contains("costDetailsOperationResults"), "{url}");

    // At the next start the same URL leads to the report.
    let resumed = directory
        .client
        .resume_cost_details_report(&url, &LroOptions::default())
        .await
        .unwrap();
    assert!(matches!(resumed, CostDetailsReport::Ready(_)));

    // Azure forgot it: the caller learns so and asks for a new report.
    emu.forget_operations();
    let expired = directory
        .client
        .resume_cost_details_report(&url, &LroOptions::default())
        .await
        .unwrap_err();
    assert_eq!(expired.kind(), invoice_desk_billing::BillingCode::NotFound);

    // A kept URL is only ever polled on this cloud's Resource Manager.
    let foreign = url::Url::parse("https://elsewhere.example/op?x=1").unwrap();
    assert!(
        directory
            .client
            .resume_cost_details_report(&foreign, &LroOptions::default())
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_report_running_when_the_app_quit_is_picked_up_or_asked_for_again() {
    let emu = emulator(EmulatorConfig {
        cost_report_pending_polls: 2,
        ..EmulatorConfig::default()
    })
    .await;
    let directory = directory(&emu, MCA_OWNER);
    let profile = entry(&directory, ScopeKind::McaBillingProfile).await;
    let dir = tempfile::tempdir().unwrap();
    let kept =
        invoice_desk_api::pending::PendingReports::open(Some(dir.path().join("pending.json")));
    let request = UsageRequest {
        scope_id: profile.scope.id.clone(),
        selection: UsageSelection::OpenMonth,
        merge: false,
    };
    kept.add(invoice_desk_api::pending::PendingReport {
        id: "r1".into(),
        scope_id: profile.scope.id.clone(),
        scope_name: profile.scope.display_name.clone(),
        selection: request.selection.clone(),
        operation: None,
        started_at: "2026-12-03T10:00:00Z".into(),
    });
    let kept = Arc::new(kept);

    // The app quits while Azure prepares the report: the operation URL was kept.
    let (jobs, _) = recording();
    let job = jobs.start(JobKind::UsageReport, "usage", None);
    let quitting = {
        let kept = kept.clone();
        let cancel = job.cancellation().clone();
        invoice_desk_api::usage::Resume {
            operation: None,
            keep: Some(Arc::new(move |url: &url::Url| {
                kept.set_operation("r1", url.as_str());
                cancel.cancel();
            })),
        }
    };
    let quit = save_usage(
        &directory,
        &profile,
        &request,
        &destination(dir.path(), ReportParts::Join),
        &fetcher(),
        &job,
        &quitting,
    )
    .await;
    assert!(matches!(quit, Err(UsageError::Cancelled)), "{quit:?}");
    let reopened =
        invoice_desk_api::pending::PendingReports::open(Some(dir.path().join("pending.json")));
    let operation = reopened.get("r1").unwrap().operation.expect("kept");
    let generated = |emu: &Emulator| {
        emu.requests()
            .into_iter()
            .filter(|r| r.path.ends_with("generateCostDetailsReport"))
            .count()
    };
    assert_eq!(generated(&emu), 1);

    // The next start picks it up where Azure has it: no second report is requested.
    let resume = invoice_desk_api::usage::Resume {
        operation: Some(url::Url::parse(&operation).unwrap()),
        keep: None,
    };
    let job = jobs.start(JobKind::UsageReport, "usage", None);
    let outcome = save_usage(
        &directory,
        &profile,
        &request,
        &destination(dir.path(), ReportParts::Join),
        &fetcher(),
        &job,
        &resume,
    )
    .await
    .unwrap();
    assert_eq!(outcome.files.len(), 1);
    assert_eq!(generated(&emu), 1, "the kept operation was used");

    // Had Azure forgotten it, a new report is requested instead.
    emu.forget_operations();
    let job = jobs.start(JobKind::UsageReport, "usage", None);
    let again = save_usage(
        &directory,
        &profile,
        &request,
        &destination(dir.path(), ReportParts::Join),
        &fetcher(),
        &job,
        &resume,
    )
    .await
    .unwrap();
    assert_eq!(again.files[0].outcome, "already_there");
    assert_eq!(generated(&emu), 2);
}
