//! Dragging invoices out of the window onto Finder, Explorer or a Linux file manager.
//!
//! A drop needs the file to exist before the drag starts, so the window asks for it as soon as
//! the pointer rests on a row (`prepare_drag`): the PDFs are saved into a cache folder through
//! the same batch as every save (template names, `.part` then rename, never a partial file), and
//! the drag (`start_drag`) offers only files prepared that way — the web view cannot name any
//! other path. The `drag` crate (what tauri-plugin-drag is built on) starts the native drag; the
//! plugin itself is not used because its command would let the web view drag any file.

#![allow(clippy::needless_pass_by_value)] // `#[tauri::command]` hands extractors over by value

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State, WebviewWindow};
use tokio_util::sync::CancellationToken;

use invoice_desk_billing::ShownRange;
use invoice_desk_files::DocumentSelection;

use crate::browse::Browse;
use crate::downloads::{SaveFailure, run, summary, targets};
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;

/// The files a drag of these invoices drops, once they are ready.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DragReady {
    pub files: Vec<String>,
    pub failed: Vec<SaveFailure>,
}

/// Files prepared for dragging, by `scope|invoice`.
#[derive(Debug, Default)]
pub struct DragCache {
    prepared: Mutex<HashMap<String, Vec<PathBuf>>>,
}

fn key(scope_id: &str, invoice: &str) -> String {
    format!("{}|{invoice}", scope_id.to_ascii_lowercase())
}

fn cache_folder(app: &AppHandle) -> Result<PathBuf, AppError> {
    app.path()
        .app_cache_dir()
        .map(|dir| dir.join("drag"))
        .map_err(|e| AppError::new(ErrorCode::FolderUnavailable).with_details(e.to_string()))
}

/// Fetches the PDFs of `invoices` into the drag cache (instant when they are there already).
#[tauri::command]
#[specta::specta]
pub async fn prepare_drag(
    app: AppHandle,
    state: State<'_, AppState>,
    browse: State<'_, Browse>,
    cache: State<'_, DragCache>,
    scope_id: String,
    invoices: Vec<String>,
) -> Result<DragReady, AppError> {
    local_copies(&app, &state, &browse, &cache, &scope_id, &invoices).await
}

/// Whole, verified copies of the invoices' PDFs in the app's cache: what a drag drops and what
/// "Save as…" copies to the chosen place.
pub(crate) async fn local_copies(
    app: &AppHandle,
    state: &AppState,
    browse: &Browse,
    cache: &DragCache,
    scope_id: &str,
    invoices: &[String],
) -> Result<DragReady, AppError> {
    if invoices.is_empty() {
        return Ok(DragReady {
            files: Vec::new(),
            failed: Vec::new(),
        });
    }
    let folder = cache_folder(app)?;
    let (_, invoice_desk_api::DownloadJobs { jobs, .. }) = targets(
        browse,
        scope_id,
        invoices,
        ShownRange::Recent,
        DocumentSelection::Primary,
    )
    .await?;
    let batch = run(state, jobs, &folder, CancellationToken::new(), &|_| {}).await?;
    let result = summary(&folder, &batch, false);
    let mut prepared = cache
        .prepared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let ready: Vec<_> = result
        .saved
        .iter()
        .chain(&result.already_there)
        .chain(&result.kept_both)
        .collect();
    // This preparation replaces any earlier one of the same invoices.
    for invoice in invoices {
        let paths = ready
            .iter()
            .filter(|d| &d.invoice == invoice)
            .map(|d| PathBuf::from(&d.path))
            .collect();
        prepared.insert(key(scope_id, invoice), paths);
    }
    let files = ready.iter().map(|d| d.path.clone()).collect();
    Ok(DragReady {
        files,
        failed: result.failed,
    })
}

/// Starts the native drag of prepared invoices; ends when they are dropped or the drag is
/// cancelled, answering `true` for a drop.
#[tauri::command]
#[specta::specta]
pub async fn start_drag(
    app: AppHandle,
    window: WebviewWindow,
    cache: State<'_, DragCache>,
    scope_id: String,
    invoices: Vec<String>,
) -> Result<bool, AppError> {
    let not_ready = || {
        AppError::new(ErrorCode::DownloadFailed)
            .with_details("The invoice is not ready to drag yet.")
    };
    let files: Vec<PathBuf> = {
        let prepared = cache
            .prepared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut files = Vec::new();
        for invoice in &invoices {
            let ready = prepared
                .get(&key(&scope_id, invoice))
                .ok_or_else(not_ready)?;
            files.extend(ready.iter().filter(|p| p.is_file()).cloned());
        }
        files
    };
    if files.is_empty() {
        return Err(not_ready());
    }
    drag_files(&app, window, files).await
}

/// Starts the native drag of a file the app saved (a usage file, a saved invoice), answering
/// `true` for a drop. Only files inside the download folder or the archive (or saved elsewhere
/// by this run) can be dragged.
#[tauri::command]
#[specta::specta]
pub async fn start_drag_saved(
    app: AppHandle,
    window: WebviewWindow,
    state: State<'_, AppState>,
    elsewhere: State<'_, crate::saved_files::SavedElsewhere>,
    path: String,
) -> Result<bool, AppError> {
    let file = crate::saved_files::saved_file(&state, &elsewhere, &path)?;
    drag_files(&app, window, vec![file]).await
}

/// The native drag of `files` out of `window`; ends when they are dropped (`true`) or the drag
/// is cancelled.
async fn drag_files(
    app: &AppHandle,
    window: WebviewWindow,
    files: Vec<PathBuf>,
) -> Result<bool, AppError> {
    let count = files.len();
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let icon = drag::Image::Raw(include_bytes!("../../icons/32x32.png").to_vec());
    app.run_on_main_thread(move || {
        #[cfg(target_os = "linux")]
        let source = window.gtk_window();
        #[cfg(not(target_os = "linux"))]
        let source = tauri::Result::Ok(window.clone());
        let done_tx = Mutex::new(Some(done_tx));
        let started = source.map_err(|e| e.to_string()).and_then(|source| {
            drag::start_drag(
                &source,
                drag::DragItem::Files(files),
                icon,
                move |result, _| {
                    if let Some(tx) = done_tx.lock().ok().and_then(|mut slot| slot.take()) {
                        let _ = tx.send(matches!(result, drag::DragResult::Dropped));
                    }
                },
                drag::Options::default(),
            )
            .map_err(|e| e.to_string())
        });
        let _ = started_tx.send(started);
    })
    .map_err(|e| AppError::new(ErrorCode::Internal).with_details(e.to_string()))?;
    started_rx
        .recv()
        .map_err(|e| AppError::new(ErrorCode::Internal).with_details(e.to_string()))?
        .map_err(|e| AppError::new(ErrorCode::Internal).with_details(e))?;
    tracing::info!(count, "drag started");
    Ok(done_rx.await.unwrap_or(false))
}
