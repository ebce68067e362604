//! Running a usage request: each planned report requested (or picked up where an earlier run
//! left it), waited for, its blobs downloaded, placed under the usage template's name and
//! recorded in the folder's index, reported step by step through the job.

use std::path::Path;
use std::sync::Arc;

use time::Date;
use tokio_util::sync::CancellationToken;

use invoice_desk_billing::{
    BillingScope, CostDetailsReport, LroOptions, LroStatus, ScopeEntry, ScopeKind,
};
use invoice_desk_files::index::now_text;
use invoice_desk_files::place::Claims;
use invoice_desk_files::report::{
    FetchedReport, ReportDestination, ReportParts, ReportStep, fetch_report, save_fetched,
};
use invoice_desk_files::{
    ArchiveIndex, Fetcher, FilesError, IndexEntry, NameFields, Placed, fsio, slash_path,
};

use super::plan::{
    InvoicePeriod, PlannedReport, UsagePlan, bad, month_end, month_start, plan_usage,
    usage_for_period,
};
use super::{
    USAGE_KIND, UsageDestination, UsageError, UsageFile, UsageMiss, UsageOutcome, UsagePeriod,
    UsageRequest, UsageSelection, may_download_usage,
};
use crate::directory::Directory;
use crate::error::{AppError, ErrorCode};
use crate::jobs::{JobHandle, JobReporter, JobStage};

/// The name fields of a usage file: the period's first month, the invoice when there is one.
fn name_fields(scope: &BillingScope, report: &PlannedReport) -> NameFields {
    let subscription = if scope.kind == ScopeKind::MospSubscription {
        scope.display_name.clone()
    } else {
        String::new()
    };
    NameFields {
        billing_account: scope
            .billing_account_display_name
            .clone()
            .or_else(|| scope.billing_account_name.clone())
            .unwrap_or_else(|| scope.display_name.clone()),
        billing_profile: scope
            .billing_profile_name()
            .map(|_| {
                scope
                    .parent_display_name
                    .clone()
                    .unwrap_or_else(|| scope.display_name.clone())
            })
            .unwrap_or_default(),
        scope: scope.display_name.clone(),
        subscription,
        date: Some(report.start),
        invoice_name: report.invoice.clone().unwrap_or_default(),
        document_kind: USAGE_KIND.to_owned(),
        document_name: report.document_name().to_owned(),
    }
}

/// What the relative name says beyond the template: the day a month-to-date file runs to, the
/// last month of a merged range.
pub(super) fn name_extra(first: &PlannedReport, last: &PlannedReport) -> Option<String> {
    if last.month_to_date {
        Some(format!("to {}", last.end))
    } else if first.start.month() != last.start.month() || first.start.year() != last.start.year() {
        Some(format!(
            "to {:04}-{:02}",
            last.start.year(),
            u8::from(last.start.month())
        ))
    } else {
        None
    }
}

/// Told an accepted report's operation URL.
pub type KeepOperation = Arc<dyn Fn(&url::Url) + Send + Sync>;

/// A report Azure accepted before the app quit, and where to keep the next operation's URL.
#[derive(Clone, Default)]
pub struct Resume {
    /// The operation of the first report, kept from an earlier run: asked again before a new
    /// report is requested (a new one only when Azure has forgotten it).
    pub operation: Option<url::Url>,
    /// Told each accepted report's operation URL, to keep it across a restart.
    pub keep: Option<KeepOperation>,
}

impl std::fmt::Debug for Resume {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resume")
            .field("operation", &self.operation.as_ref().map(url::Url::path))
            .field("keep", &self.keep.is_some())
            .finish()
    }
}

/// Saves the usage `request` asks for at `entry`, reporting through `job`; `resume` picks up
/// a report kept from an earlier run and keeps the new ones' operations.
pub async fn save_usage(
    directory: &Directory,
    entry: &ScopeEntry,
    request: &UsageRequest,
    destination: &UsageDestination,
    fetcher: &Fetcher,
    job: &JobHandle,
    resume: &Resume,
) -> Result<UsageOutcome, UsageError> {
    may_download_usage(entry)?;
    let today = directory.clock.today();
    let selection = billing_period_of_month(directory, entry, &request.selection, today).await;
    let invoice_period = match &selection {
        UsageSelection::Invoice { invoice } => {
            Some(invoice_period(directory, &entry.scope, invoice).await?)
        }
        _ => None,
    };
    let plan = plan_usage(&entry.scope, &selection, today, invoice_period)?;
    save_plan(
        directory,
        &entry.scope,
        plan,
        request.merge,
        destination,
        fetcher,
        job,
        resume,
    )
    .await
}

/// Sync archive's usage: the usage file of every closed billing period of the last 13 months
/// at `entry` that the folder's index does not have on disk yet, one report at a time (Cost
/// Management's rate limits are per tenant; a throttled request waits as Azure says).
pub async fn sync_usage(
    directory: &Directory,
    entry: &ScopeEntry,
    destination: &UsageDestination,
    fetcher: &Fetcher,
    job: &JobHandle,
) -> Result<UsageOutcome, UsageError> {
    may_download_usage(entry)?;
    let today = directory.clock.today();
    let range = invoice_desk_billing::InvoiceRange::last_months(
        today,
        invoice_desk_billing::usage_range::REPORT_MONTHS_BACK,
    );
    let rows = invoice_desk_billing::scope_periods(&directory.client, entry, range, today).await?;
    let root = destination.root.clone();
    let index = tokio::task::spawn_blocking(move || ArchiveIndex::load(&root).map(|(i, _)| i))
        .await
        .ok()
        .and_then(Result::ok);
    let mut plan = UsagePlan::default();
    let mut already_there = Vec::new();
    for row in rows.iter().filter(|row| row.period.end < today) {
        let Some(selection) = usage_for_period(&entry.scope, row, today) else {
            continue;
        };
        let period = InvoicePeriod {
            start: row.period.start,
            end: row.period.end,
        };
        let Ok(planned) = plan_usage(&entry.scope, &selection, today, Some(period)) else {
            continue;
        };
        for report in planned.reports {
            let key = invoice_desk_files::DocumentKey::new(
                &entry.scope.id,
                &report.index_key(),
                report.document_name(),
            );
            if report.month_to_date {
                continue;
            }
            if index.as_ref().is_some_and(|i| i.on_disk(&key).is_some()) {
                already_there.push(report.period());
            } else {
                plan.reports.push(report);
            }
        }
    }
    plan.reports.reverse();
    already_there.reverse();
    let mut outcome = save_plan(
        directory,
        &entry.scope,
        plan,
        false,
        destination,
        fetcher,
        job,
        &Resume::default(),
    )
    .await?;
    outcome.already_there = already_there;
    Ok(outcome)
}

/// Requests, downloads and saves the planned reports (as one file when `merge`).
#[allow(clippy::too_many_lines, clippy::too_many_arguments)]
async fn save_plan(
    directory: &Directory,
    scope: &BillingScope,
    plan: UsagePlan,
    merge: bool,
    destination: &UsageDestination,
    fetcher: &Fetcher,
    job: &JobHandle,
    resume: &Resume,
) -> Result<UsageOutcome, UsageError> {
    let cancel = job.cancellation().clone();
    let claims = Arc::new(Claims::default());
    let mut outcome = UsageOutcome {
        folder: destination.root.to_string_lossy().into_owned(),
        files: Vec::new(),
        no_data: Vec::new(),
        not_fetched: Vec::new(),
        already_there: Vec::new(),
    };
    if let Some(old) = plan.too_old {
        outcome.not_fetched.push(UsageMiss {
            period: UsagePeriod {
                start: old.start.to_string(),
                end: old.end.to_string(),
                invoice: None,
                month_to_date: false,
            },
            error: AppError::new(ErrorCode::UsageTooOld),
        });
    }
    let reports = plan.reports.len();
    let mut merged: Vec<(PlannedReport, FetchedReport)> = Vec::new();
    for (index, report) in plan.reports.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(UsageError::Cancelled);
        }
        let at = Step {
            job: job.reporter(),
            report: index + 1,
            reports,
        };
        let extra = if merge {
            None
        } else {
            name_extra(report, report)
        };
        let relative = destination.template.render(
            &name_fields(scope, report),
            extra.as_deref(),
            &destination.root,
        )?;
        // Only the first report can be the one kept from an earlier run.
        let resume_here = Resume {
            operation: if index == 0 {
                resume.operation.clone()
            } else {
                None
            },
            keep: resume.keep.clone(),
        };
        match fetch_one(
            directory,
            scope,
            report,
            destination,
            &relative,
            fetcher,
            &at,
            &cancel,
            &resume_here,
        )
        .await
        {
            Ok(Some(fetched)) if merge => merged.push((report.clone(), fetched)),
            Ok(Some(fetched)) => {
                let saved = save_fetched(
                    vec![fetched],
                    ReportDestination {
                        root: &destination.root,
                        relative: &relative,
                        claims: &claims,
                        owner: &report.index_key(),
                    },
                    destination.parts,
                    &cancel,
                )
                .await;
                match saved {
                    Ok(files) => {
                        record(&mut outcome, scope, report, destination, files).await;
                    }
                    Err(FilesError::Cancelled) => return Err(UsageError::Cancelled),
                    Err(error) => outcome.not_fetched.push(UsageMiss {
                        period: report.period(),
                        error: AppError::from(&error.report()),
                    }),
                }
            }
            Ok(None) => outcome.no_data.push(report.period()),
            Err(UsageError::Cancelled) => return Err(UsageError::Cancelled),
            Err(error) if reports == 1 && outcome.not_fetched.is_empty() => return Err(error),
            Err(error) => outcome.not_fetched.push(UsageMiss {
                period: report.period(),
                error: error.into(),
            }),
        }
    }
    if let (Some((first, _)), Some((last, _))) = (merged.first(), merged.last()) {
        let (first, last) = (first.clone(), last.clone());
        let relative = destination.template.render(
            &name_fields(scope, &first),
            name_extra(&first, &last).as_deref(),
            &destination.root,
        )?;
        let fetched = merged.into_iter().map(|(_, f)| f).collect();
        let whole = PlannedReport {
            end: last.end,
            month_to_date: last.month_to_date,
            ..first
        };
        let files = save_fetched(
            fetched,
            ReportDestination {
                root: &destination.root,
                relative: &relative,
                claims: &claims,
                owner: &whole.index_key(),
            },
            ReportParts::Join,
            &cancel,
        )
        .await?;
        record(&mut outcome, scope, &whole, destination, files).await;
    }
    Ok(outcome)
}

/// Reports a report's stage on the job.
#[derive(Clone)]
struct Step {
    job: JobReporter,
    report: usize,
    reports: usize,
}

impl Step {
    fn stage(&self, stage: UsageStage, done: u64, total: Option<u64>) {
        let (report, reports) = (count(self.report), count(self.reports));
        let stage = match stage {
            UsageStage::Requested => JobStage::Requested { report, reports },
            UsageStage::Preparing => JobStage::Preparing { report, reports },
            UsageStage::Downloading { file, files } => JobStage::Downloading {
                report,
                reports,
                file: count(file),
                files: count(files),
            },
            UsageStage::Joining => JobStage::Joining { report, reports },
        };
        self.job.stage(stage, done, total);
    }
}

#[derive(Clone, Copy)]
enum UsageStage {
    Requested,
    Preparing,
    Downloading { file: usize, files: usize },
    Joining,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Requests one report, waits for it and downloads its blobs (once more with a fresh report
/// when Azure's links expired before every blob arrived). `None`: Azure has no usage for it.
#[allow(clippy::too_many_arguments)]
async fn fetch_one(
    directory: &Directory,
    scope: &BillingScope,
    report: &PlannedReport,
    destination: &UsageDestination,
    relative: &Path,
    fetcher: &Fetcher,
    at: &Step,
    cancel: &CancellationToken,
    resume: &Resume,
) -> Result<Option<FetchedReport>, UsageError> {
    let scope_path = scope.id.trim_start_matches('/');
    let full = destination.root.join(relative);
    let tag = format!("{}-", report.start);
    let mut attempts = 0;
    let mut kept = resume.operation.clone();
    loop {
        attempts += 1;
        at.stage(UsageStage::Requested, 0, None);
        let preparing = at.clone();
        let mut options = LroOptions::default()
            .with_cancel(cancel.clone())
            .with_progress(move |p| {
                if p.status != LroStatus::Succeeded {
                    preparing.stage(UsageStage::Preparing, 0, None);
                }
            });
        if let Some(keep) = &resume.keep {
            let keep = Arc::clone(keep);
            options = options.with_operation(move |url| keep(url));
        }
        let client = &directory.client;
        let answer = match kept.take() {
            Some(operation) => match client
                .resume_cost_details_report(&operation, &options)
                .await
            {
                Err(e) if e.kind() == invoice_desk_billing::BillingCode::NotFound => {
                    tracing::info!("Azure no longer has the kept report; requesting it again");
                    client
                        .generate_cost_details_report(scope_path, &report.request, &options)
                        .await
                }
                other => other,
            },
            None => {
                client
                    .generate_cost_details_report(scope_path, &report.request, &options)
                    .await
            }
        }?;
        let result = match answer {
            CostDetailsReport::NoData => return Ok(None),
            CostDetailsReport::Ready(result) => result,
        };
        let blobs: Vec<String> = result
            .manifest
            .iter()
            .flat_map(|m| m.blobs.iter())
            .filter_map(|b| b.blob_link.clone())
            .collect();
        if blobs.is_empty() {
            return Ok(None);
        }
        let progress = |step: ReportStep| match step {
            ReportStep::Downloading {
                file,
                files,
                bytes,
                total,
            } => at.stage(UsageStage::Downloading { file, files }, bytes, total),
            ReportStep::Joining { .. } => at.stage(UsageStage::Joining, 0, None),
        };
        match fetch_report(fetcher, &blobs, &full, &tag, &progress, cancel).await {
            Ok(fetched) => return Ok(Some(fetched)),
            Err(FilesError::LinkExpired) if attempts == 1 => {
                tracing::info!(scope = %scope.id, "usage report links expired; requesting it again");
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// One month of a pay-as-you-go subscription means its billing period that starts in that
/// month, as the portal lists them (a period may run from the 15th to the 14th); the calendar
/// month when the periods cannot be read.
async fn billing_period_of_month(
    directory: &Directory,
    entry: &ScopeEntry,
    selection: &UsageSelection,
    today: Date,
) -> UsageSelection {
    let UsageSelection::Months { from, to } = selection else {
        return selection.clone();
    };
    if from != to || entry.scope.kind != ScopeKind::MospSubscription {
        return selection.clone();
    }
    let (Ok(start), Ok(end)) = (month_start(from), month_end(to)) else {
        return selection.clone();
    };
    let range = invoice_desk_billing::InvoiceRange::new(start, end);
    match invoice_desk_billing::scope_periods(&directory.client, entry, range, today).await {
        Ok(rows) => rows
            .iter()
            .map(|row| &row.period)
            .find(|p| p.start >= start && p.start <= end)
            .map_or_else(
                || selection.clone(),
                |p| UsageSelection::Days {
                    start: p.start.to_string(),
                    end: p.end.to_string(),
                },
            ),
        Err(error) => {
            tracing::debug!(%error, "billing periods unreadable; reporting the calendar month");
            selection.clone()
        }
    }
}

/// The period of `invoice` at `scope`, for its usage file's name and days.
async fn invoice_period(
    directory: &Directory,
    scope: &BillingScope,
    invoice: &str,
) -> Result<InvoicePeriod, UsageError> {
    let found = match (scope.kind, scope.account_name(), scope.subscription_id()) {
        (ScopeKind::MospSubscription, _, Some(subscription)) => {
            directory
                .client
                .get_invoice_by_billing_subscription(subscription, invoice)
                .await?
        }
        (_, Some(account), _) => directory.client.get_invoice(account, invoice).await?,
        _ => {
            return Err(bad(format!(
                "usage by invoice is not offered for {}",
                scope.display_name
            )));
        }
    };
    let properties = found.properties;
    match (
        properties.invoice_period_start_date.and_then(|d| d.date()),
        properties.invoice_period_end_date.and_then(|d| d.date()),
    ) {
        (Some(start), Some(end)) => Ok(InvoicePeriod { start, end }),
        _ => Err(bad(format!("invoice {invoice} has no billing period"))),
    }
}

/// Adds saved files to the outcome and to the folder's index (a failure to write the index
/// loses no file: it is rebuilt from what is on disk).
async fn record(
    outcome: &mut UsageOutcome,
    scope: &BillingScope,
    report: &PlannedReport,
    destination: &UsageDestination,
    files: Vec<invoice_desk_files::report::SavedReportFile>,
) {
    let entries: Vec<IndexEntry> = files
        .iter()
        .map(|file| IndexEntry {
            scope_id: scope.id.clone(),
            invoice: report.index_key(),
            document_kind: USAGE_KIND.to_owned(),
            document_name: Some(report.document_name().to_owned()),
            path: slash_path(file.placed.path()),
            size: file.size,
            blake3: fsio::hex(&file.content_hash),
            sha256: None,
            saved_at: now_text(),
        })
        .collect();
    for file in &files {
        outcome.files.push(UsageFile {
            period: report.period(),
            path: slash_path(file.placed.path()),
            full_path: destination
                .root
                .join(file.placed.path())
                .display()
                .to_string(),
            outcome: match file.placed {
                Placed::Saved { .. } => "saved",
                Placed::AlreadyThere { .. } => "already_there",
                Placed::KeptBoth { .. } => "kept_both",
            }
            .to_owned(),
            size: file.size,
        });
    }
    let root = destination.root.clone();
    let written = tokio::task::spawn_blocking(move || {
        let (mut index, _) = ArchiveIndex::load(&root)?;
        for entry in entries {
            index.record(entry);
        }
        index.save()
    })
    .await;
    if !matches!(written, Ok(Ok(()))) {
        tracing::warn!("the usage file is saved but the folder's index was not updated");
    }
}
