//! Saving invoice documents from the window into the download folder or the archive.
//!
//! The rules (names from the template, no overwrite, resume, the archive index) live in
//! `invoice-desk-files`; this module finds the scope's client, runs the batch as a job the
//! activity tray shows, answers with the summary ("3 saved, 1 already there, 1 failed"), and
//! tells the window which invoices are on disk already so it can open or reveal them.

#![allow(clippy::needless_pass_by_value)] // `#[tauri::command]` hands extractors over by value

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;
use tokio_util::sync::CancellationToken;

use invoice_desk_api::{DownloadJobs, RefusedInvoice, download_jobs};
use invoice_desk_billing::ShownRange;
use invoice_desk_files::{
    ArchiveIndex, BatchEvent, BatchOptions, BatchSummary, DocumentSelection, Fetcher, ItemResult,
    Job, Template, TransferPolicy,
};

use crate::browse::Browse;
use crate::error::{AppError, ErrorCode};
use crate::jobs::{JobKind, RetryRequest};
use crate::saved_files::{SavedElsewhere, saved_file};
use crate::state::AppState;
use invoice_desk_api::jobs::BatchProgress;

/// A document on disk: which invoice, what kind, where.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SavedDocument {
    pub invoice: String,
    pub document_kind: String,
    /// The full path on this computer.
    pub path: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SaveFailure {
    pub invoice: String,
    pub document_kind: String,
    pub error: AppError,
}

/// The end of a save: what landed where, and what did not and why.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SaveSummary {
    pub folder: String,
    pub saved: Vec<SavedDocument>,
    pub already_there: Vec<SavedDocument>,
    /// A different file had the name: both were kept, this one under a new name.
    pub kept_both: Vec<SavedDocument>,
    pub failed: Vec<SaveFailure>,
    /// Invoices of the range that Azure keeps from this user, left out (the rest is saved).
    pub refused: Vec<RefusedInvoice>,
    pub cancelled: bool,
}

impl SaveSummary {
    /// This summary and `other`'s together, as one sync over several scopes reports them.
    pub(crate) fn merge(mut self, other: SaveSummary) -> SaveSummary {
        self.saved.extend(other.saved);
        self.already_there.extend(other.already_there);
        self.kept_both.extend(other.kept_both);
        self.failed.extend(other.failed);
        self.refused.extend(other.refused);
        self.cancelled |= other.cancelled;
        self
    }
}

/// The folder saves go to: the setting, else the OS download folder.
pub(crate) fn download_folder(state: &AppState) -> Result<PathBuf, AppError> {
    state
        .settings()
        .download_folder
        .map(PathBuf::from)
        .or_else(dirs::download_dir)
        .or_else(|| dirs::home_dir().map(|h| h.join("Downloads")))
        .ok_or_else(|| {
            AppError::new(ErrorCode::FolderUnavailable)
                .with_details("There is no download folder to save into.")
        })
}

/// The folder "Sync archive" keeps: the setting, else the download folder.
pub(crate) fn archive_folder(state: &AppState) -> Result<PathBuf, AppError> {
    match state.settings().archive_folder {
        Some(folder) if !folder.trim().is_empty() => Ok(PathBuf::from(folder)),
        _ => download_folder(state),
    }
}

/// Where saved invoices may be: the download folder, and the archive when it is elsewhere.
pub(crate) fn saved_roots(state: &AppState) -> Result<Vec<PathBuf>, AppError> {
    let mut roots = vec![download_folder(state)?];
    let archive = archive_folder(state)?;
    if !roots.contains(&archive) {
        roots.push(archive);
    }
    Ok(roots)
}

fn template(state: &AppState) -> Result<Template, AppError> {
    let text = state.settings().file_name_template;
    Template::parse(&text).map_err(|e| {
        AppError::new(ErrorCode::TemplateInvalid)
            .with_details(format!("The file-name template cannot name files: {e}."))
            .with_details(text)
    })
}

fn documents(folder: &Path, items: &[ItemResult]) -> Vec<SavedDocument> {
    items
        .iter()
        .map(|item| SavedDocument {
            invoice: item.info.invoice.clone(),
            document_kind: item.info.document_kind.clone(),
            path: folder.join(item.placed.path()).display().to_string(),
        })
        .collect()
}

pub(crate) fn summary(folder: &Path, batch: &BatchSummary, cancelled: bool) -> SaveSummary {
    SaveSummary {
        folder: folder.display().to_string(),
        saved: documents(folder, &batch.saved),
        already_there: documents(folder, &batch.already_there),
        kept_both: documents(folder, &batch.kept_both),
        failed: batch
            .failed
            .iter()
            .map(|f| SaveFailure {
                invoice: f.info.invoice.clone(),
                document_kind: f.info.document_kind.clone(),
                error: AppError::from(&f.error),
            })
            .collect(),
        refused: Vec::new(),
        cancelled,
    }
}

/// The documents to fetch for `invoices` of a scope (every invoice of `range` when none are
/// named), once the caller's role allows downloading them.
pub(crate) async fn targets(
    browse: &Browse,
    scope_id: &str,
    invoices: &[String],
    range: ShownRange,
    documents: DocumentSelection,
) -> Result<(String, DownloadJobs), AppError> {
    let (discovered, entry) = browse.scope(scope_id).await?;
    let directory = &discovered.directory;
    let range = range.range(directory.clock.today());
    let jobs = download_jobs(directory, &entry, invoices, range, documents).await?;
    Ok((entry.scope.display_name.clone(), jobs))
}

/// The client that fetches download links for the window's saves.
pub(crate) fn fetcher() -> Result<Fetcher, AppError> {
    Fetcher::new(TransferPolicy::default()).map_err(|e| AppError::from(&e.report()))
}

/// Runs a batch into `folder` with the settings' template.
pub(crate) async fn run(
    state: &AppState,
    jobs: Vec<Job>,
    folder: &Path,
    cancel: CancellationToken,
    events: invoice_desk_files::EventSink<'_>,
) -> Result<BatchSummary, AppError> {
    let mut options = BatchOptions::new(folder, template(state)?);
    options.cancel = cancel;
    let fetcher = fetcher()?;
    invoice_desk_files::run_batch(jobs, &fetcher, &options, events)
        .await
        .map_err(|e| AppError::from(&e.report()))
}

/// Saves invoice PDFs of one scope into the download folder, named by the template: the named
/// `invoices`, or every invoice of `range` (default: the last 13 months) when none are named
/// ("Save all in range").
#[tauri::command]
#[specta::specta]
pub async fn save_invoices(
    state: State<'_, AppState>,
    browse: State<'_, Browse>,
    scope_id: String,
    invoices: Vec<String>,
    range: Option<ShownRange>,
) -> Result<SaveSummary, AppError> {
    let folder = download_folder(&state)?;
    let retry = |invoices: Vec<String>, range| RetryRequest::SaveInvoices {
        scope_id: scope_id.clone(),
        invoices,
        range,
    };
    let request = SaveRequest {
        scope_id: &scope_id,
        invoices: &invoices,
        range: range.unwrap_or_default(),
        documents: DocumentSelection::Primary,
        kind: JobKind::Download,
    };
    save_into(&state, &browse, &folder, request, |unfinished| {
        if unfinished.is_empty() {
            retry(invoices.clone(), range)
        } else {
            retry(unfinished, None)
        }
    })
    .await
}

/// "Sync archive" for one scope: every document (invoice, credit notes, tax receipts,
/// summaries) of the last three years' invoices, or of the named ones, into the archive
/// folder; what is there already costs no download.
#[tauri::command]
#[specta::specta]
pub async fn archive_invoices(
    state: State<'_, AppState>,
    browse: State<'_, Browse>,
    scope_id: String,
    invoices: Vec<String>,
) -> Result<SaveSummary, AppError> {
    archive_scope(&state, &browse, &scope_id, &invoices).await
}

/// Syncs one scope into the archive folder as a job in the tray.
pub(crate) async fn archive_scope(
    state: &AppState,
    browse: &Browse,
    scope_id: &str,
    invoices: &[String],
) -> Result<SaveSummary, AppError> {
    let folder = archive_folder(state)?;
    let request = SaveRequest {
        scope_id,
        invoices,
        range: ShownRange::ThreeYears,
        documents: DocumentSelection::All,
        kind: JobKind::Sync,
    };
    save_into(state, browse, &folder, request, |unfinished| {
        RetryRequest::ArchiveInvoices {
            scope_id: scope_id.to_owned(),
            invoices: if unfinished.is_empty() {
                invoices.to_vec()
            } else {
                unfinished
            },
        }
    })
    .await
}

struct SaveRequest<'a> {
    scope_id: &'a str,
    invoices: &'a [String],
    range: ShownRange,
    documents: DocumentSelection,
    kind: JobKind,
}

/// Runs one save as a job in the tray and answers with its summary. `retry` names what "Retry"
/// runs again: given the invoices that failed, or none when the whole batch could not run.
async fn save_into(
    state: &AppState,
    browse: &Browse,
    folder: &Path,
    request: SaveRequest<'_>,
    retry: impl Fn(Vec<String>) -> RetryRequest,
) -> Result<SaveSummary, AppError> {
    let (scope_name, DownloadJobs { jobs, refused }) = targets(
        browse,
        request.scope_id,
        request.invoices,
        request.range,
        request.documents,
    )
    .await?;
    let total = jobs.len() as u64;
    let title = match request.invoices {
        [one] => format!("{scope_name} · {one}"),
        _ => scope_name,
    };
    let job = state.jobs.start(request.kind, title, Some(total));
    let progress = BatchProgress::new(&job, total);
    let report = |event: BatchEvent| progress.event(&event);
    let cancel = job.cancellation().clone();
    let outcome = run(state, jobs, folder, cancel.clone(), &report).await;
    let batch = match outcome {
        Ok(batch) => batch,
        Err(error) => {
            job.offer_retry(retry(Vec::new()));
            job.fail(error.clone());
            return Err(error);
        }
    };
    let mut result = summary(folder, &batch, cancel.is_cancelled());
    result.refused = refused;
    tracing::info!(
        saved = result.saved.len(),
        already_there = result.already_there.len(),
        kept_both = result.kept_both.len(),
        failed = result.failed.len(),
        refused = result.refused.len(),
        "save finished"
    );
    let unfinished = unfinished_invoices(&result.failed);
    if !unfinished.is_empty() {
        job.offer_retry(retry(unfinished));
    }
    if result.cancelled {
        job.cancelled();
    } else if let Some(first) = result.failed.first() {
        job.fail(first.error.clone());
    } else {
        job.finish();
    }
    Ok(result)
}

/// The invoices that did not get saved, each once, in the order they failed.
fn unfinished_invoices(failed: &[SaveFailure]) -> Vec<String> {
    let mut invoices: Vec<String> = Vec::new();
    for failure in failed {
        if !invoices.contains(&failure.invoice) {
            invoices.push(failure.invoice.clone());
        }
    }
    invoices
}

/// The documents of a scope already in the download folder's or the archive's index (and still
/// on disk), so the window marks those invoices and opens them without downloading again.
#[tauri::command]
#[specta::specta]
pub async fn saved_documents(
    state: State<'_, AppState>,
    scope_id: String,
) -> Result<Vec<SavedDocument>, AppError> {
    let roots = saved_roots(&state)?;
    tokio::task::spawn_blocking(move || {
        let wanted = scope_id.trim_end_matches('/').to_lowercase();
        let mut documents: Vec<SavedDocument> = Vec::new();
        for folder in roots {
            let Ok((index, _)) = ArchiveIndex::load(&folder) else {
                continue;
            };
            let found = index
                .entries()
                .filter(|e| e.scope_id == wanted)
                .filter(|e| index.on_disk(&e.key()).is_some())
                .map(|e| SavedDocument {
                    invoice: e.invoice.clone(),
                    document_kind: e.document_kind.clone(),
                    path: folder.join(e.relative()).display().to_string(),
                });
            for document in found {
                // The download folder's copy first: the archive's is the same document.
                let known = documents.iter().any(|d| {
                    d.invoice == document.invoice && d.document_kind == document.document_kind
                });
                if !known {
                    documents.push(document);
                }
            }
        }
        documents
    })
    .await
    .map_err(|e| AppError::new(ErrorCode::Internal).with_details(e.to_string()))
}

/// Opens a saved invoice in the system's PDF viewer.
#[tauri::command]
#[specta::specta]
pub fn open_saved(
    app: AppHandle,
    state: State<'_, AppState>,
    elsewhere: State<'_, SavedElsewhere>,
    path: String,
) -> Result<(), AppError> {
    let file = saved_file(&state, &elsewhere, &path)?;
    app.opener()
        .open_path(file.display().to_string(), None::<&str>)
        .map_err(|e| AppError::new(ErrorCode::FolderUnavailable).with_details(e.to_string()))
}

/// Shows a saved invoice in the file manager (Finder, Explorer, …).
#[tauri::command]
#[specta::specta]
pub fn reveal_saved(
    app: AppHandle,
    state: State<'_, AppState>,
    elsewhere: State<'_, SavedElsewhere>,
    path: String,
) -> Result<(), AppError> {
    let file = saved_file(&state, &elsewhere, &path)?;
    app.opener()
        .reveal_item_in_dir(&file)
        .map_err(|e| AppError::new(ErrorCode::FolderUnavailable).with_details(e.to_string()))
}
