//! Usage files from the window: a period's, an invoice's or the running month's usage CSV into
//! the download folder, as a job the activity tray shows with its steps. What a request
//! becomes and how files are named, fetched and placed is `invoice-desk-api`'s
//! [`save_usage`]; this module finds the scope, runs it as a job and answers with the outcome.

#![allow(clippy::needless_pass_by_value)] // `#[tauri::command]` hands extractors over by value

use std::path::PathBuf;
use std::sync::Arc;

use tauri::State;

use invoice_desk_api::pending::{PendingReport, PendingReports};
use invoice_desk_api::usage::{
    Resume, UsageDestination, UsageOutcome, UsageRequest, UsageSelection, save_usage,
};
use invoice_desk_api::usage_glance::{UsageGlance, glance};
use invoice_desk_files::Template;
use invoice_desk_files::report::ReportParts;

use crate::browse::Browse;
use crate::downloads::{archive_folder, download_folder, fetcher};
use crate::error::{AppError, ErrorCode};
use crate::jobs::{JobKind, RetryRequest};
use crate::saved_files::{SavedElsewhere, saved_file};
use crate::state::AppState;

/// Where usage files go and how they are named, from the settings.
fn destination(state: &AppState, root: PathBuf) -> Result<UsageDestination, AppError> {
    let settings = state.settings();
    let template = Template::parse(&settings.usage_file_name_template).map_err(|e| {
        AppError::new(ErrorCode::TemplateInvalid)
            .with_details(format!(
                "The usage file-name template cannot name files: {e}."
            ))
            .with_details(settings.usage_file_name_template.clone())
    })?;
    Ok(UsageDestination {
        root,
        template,
        parts: if settings.join_usage_parts {
            ReportParts::Join
        } else {
            ReportParts::Keep
        },
    })
}

/// Saves the usage `selection` asks for at a scope into the download folder: a pay-as-you-go
/// billing period's days, an EA month, a customer agreement invoice's billed charges or the
/// running month to date. Runs as a usage job in the tray (cancel and retry there); until it
/// ends it is kept in the list of running reports, so a quit does not lose it.
#[tauri::command]
#[specta::specta]
pub async fn save_usage_file(
    state: State<'_, AppState>,
    browse: State<'_, Browse>,
    pending: State<'_, Arc<PendingReports>>,
    scope_id: String,
    selection: UsageSelection,
) -> Result<UsageOutcome, AppError> {
    run_usage(&state, &browse, &pending, scope_id, selection, None).await
}

/// The usage reports that were still running when the app last quit.
#[tauri::command]
#[specta::specta]
pub fn pending_usage_reports(pending: State<'_, Arc<PendingReports>>) -> Vec<PendingReport> {
    pending.list()
}

/// Picks up a report kept from an earlier run: where Azure still has it, else asked again.
#[tauri::command]
#[specta::specta]
pub async fn resume_usage_report(
    state: State<'_, AppState>,
    browse: State<'_, Browse>,
    pending: State<'_, Arc<PendingReports>>,
    id: String,
) -> Result<UsageOutcome, AppError> {
    let report = pending.get(&id).ok_or_else(|| {
        AppError::new(ErrorCode::JobNotFound).with_details("That usage report is no longer kept.")
    })?;
    pending.remove(&id);
    let operation = report
        .operation
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok());
    run_usage(
        &state,
        &browse,
        &pending,
        report.scope_id,
        report.selection,
        operation,
    )
    .await
}

/// Forgets a report kept from an earlier run.
#[tauri::command]
#[specta::specta]
pub fn dismiss_usage_report(pending: State<'_, Arc<PendingReports>>, id: String) {
    pending.remove(&id);
}

async fn run_usage(
    state: &AppState,
    browse: &Browse,
    pending: &Arc<PendingReports>,
    scope_id: String,
    selection: UsageSelection,
    operation: Option<url::Url>,
) -> Result<UsageOutcome, AppError> {
    let (discovered, entry) = browse.scope(&scope_id).await?;
    let destination = destination(state, download_folder(state)?)?;
    let fetcher = fetcher()?;
    let title = entry.scope.display_name.clone();
    let job = state.jobs.start(JobKind::UsageReport, title.clone(), None);
    job.offer_retry(RetryRequest::SaveUsage {
        scope_id: scope_id.clone(),
        selection: selection.clone(),
    });
    let id = job.id().to_owned();
    pending.add(PendingReport {
        id: id.clone(),
        scope_id: scope_id.clone(),
        scope_name: title,
        selection: selection.clone(),
        operation: operation.as_ref().map(ToString::to_string),
        started_at: invoice_desk_files::index::now_text(),
    });
    let resume = Resume {
        operation,
        keep: Some({
            let pending = Arc::clone(pending);
            let id = id.clone();
            Arc::new(move |url: &url::Url| pending.set_operation(&id, url.as_str()))
        }),
    };
    let request = UsageRequest {
        scope_id,
        selection,
        merge: false,
    };
    let outcome = save_usage(
        &discovered.directory,
        &entry,
        &request,
        &destination,
        &fetcher,
        &job,
        &resume,
    )
    .await;
    pending.remove(&id);
    end_job(job, outcome)
}

/// A saved usage file at a glance (cost per service, resource group and day, the most
/// expensive resources) and, for a customer agreement invoice's file, checked against that
/// invoice's pre-tax amount. Only files inside the download folder or the archive (or saved
/// elsewhere by this run) are read.
#[tauri::command]
#[specta::specta]
pub async fn usage_at_a_glance(
    state: State<'_, AppState>,
    browse: State<'_, Browse>,
    elsewhere: State<'_, SavedElsewhere>,
    scope_id: String,
    path: String,
    invoice: Option<String>,
) -> Result<UsageGlance, AppError> {
    let file = saved_file(&state, &elsewhere, &path)?;
    let (discovered, entry) = browse.scope(&scope_id).await?;
    glance(
        &discovered.directory,
        &entry.scope,
        file,
        invoice.as_deref(),
    )
    .await
}

/// Sync archive's usage for one scope: the usage file of every closed period Azure still
/// reports on that the archive does not have yet, as a usage job in the tray; answers with the
/// job's id and what it saved.
pub(crate) async fn archive_usage(
    state: &AppState,
    browse: &Browse,
    scope_id: &str,
) -> Result<(String, UsageOutcome), AppError> {
    let (discovered, entry) = browse.scope(scope_id).await?;
    let destination = destination(state, archive_folder(state)?)?;
    let fetcher = fetcher()?;
    let job = state
        .jobs
        .start(JobKind::UsageReport, entry.scope.display_name.clone(), None);
    let job_id = job.id().to_owned();
    let outcome = invoice_desk_api::usage::sync_usage(
        &discovered.directory,
        &entry,
        &destination,
        &fetcher,
        &job,
    )
    .await;
    end_job(job, outcome).map(|outcome| (job_id, outcome))
}

/// Ends a usage job by its outcome: finished, failed with the first period not fetched or the
/// error, or cancelled.
fn end_job(
    job: crate::jobs::JobHandle,
    outcome: Result<UsageOutcome, invoice_desk_api::usage::UsageError>,
) -> Result<UsageOutcome, AppError> {
    match outcome {
        Ok(outcome) => {
            match outcome.not_fetched.first() {
                Some(miss) => job.fail(miss.error.clone()),
                None => job.finish(),
            }
            Ok(outcome)
        }
        Err(invoice_desk_api::usage::UsageError::Cancelled) => {
            job.cancelled();
            Err(AppError::new(ErrorCode::DownloadCancelled))
        }
        Err(error) => {
            let error = AppError::from(error);
            job.fail(error.clone());
            Err(error)
        }
    }
}
