//! Usage files from the window: a period's, an invoice's or the running month's usage CSV into
//! the download folder, as a job the activity tray shows with its steps. What a request
//! becomes and how files are named, fetched and placed is `invoice-desk-api`'s
//! [`save_usage`]; this module finds the scope, runs it as a job and answers with the outcome.

#![allow(clippy::needless_pass_by_value)] // `#[tauri::command]` hands extractors over by value

use std::path::PathBuf;

use tauri::State;

use invoice_desk_api::usage::{
    UsageDestination, UsageOutcome, UsageRequest, UsageSelection, save_usage,
};
use invoice_desk_api::usage_glance::{UsageGlance, glance};
use invoice_desk_files::report::ReportParts;
use invoice_desk_files::{Fetcher, Template, TransferPolicy};

use crate::browse::Browse;
use crate::downloads::{SavedElsewhere, archive_folder, download_folder, saved_file};
use crate::error::{AppError, ErrorCode};
use crate::jobs::{JobKind, RetryRequest};
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
/// running month to date. Runs as a usage job in the tray (cancel and retry there).
#[tauri::command]
#[specta::specta]
pub async fn save_usage_file(
    state: State<'_, AppState>,
    browse: State<'_, Browse>,
    scope_id: String,
    selection: UsageSelection,
) -> Result<UsageOutcome, AppError> {
    let (discovered, entry) = browse.scope(&scope_id).await?;
    let destination = destination(&state, download_folder(&state)?)?;
    let fetcher =
        Fetcher::new(TransferPolicy::default()).map_err(|e| AppError::from(&e.report()))?;
    let title = entry.scope.display_name.clone();
    let job = state.jobs.start(JobKind::UsageReport, title, None);
    job.offer_retry(RetryRequest::SaveUsage {
        scope_id: scope_id.clone(),
        selection: selection.clone(),
    });
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
    )
    .await;
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
/// reports on that the archive does not have yet, as a usage job in the tray.
pub(crate) async fn archive_usage(
    state: &AppState,
    browse: &Browse,
    scope_id: &str,
) -> Result<UsageOutcome, AppError> {
    let (discovered, entry) = browse.scope(scope_id).await?;
    let destination = destination(state, archive_folder(state)?)?;
    let fetcher =
        Fetcher::new(TransferPolicy::default()).map_err(|e| AppError::from(&e.report()))?;
    let job = state
        .jobs
        .start(JobKind::UsageReport, entry.scope.display_name.clone(), None);
    let outcome = invoice_desk_api::usage::sync_usage(
        &discovered.directory,
        &entry,
        &destination,
        &fetcher,
        &job,
    )
    .await;
    end_job(job, outcome)
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
