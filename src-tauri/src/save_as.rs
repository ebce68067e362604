//! "Save as…": one invoice's PDF to a place the user picks in the system's save dialog, which
//! starts in the folder picked last time.
//!
//! The PDF is fetched whole and verified into the app's cache first (the same copy a drag
//! drops, often ready already from hovering the row); only then is it copied to the chosen name,
//! through a temporary file, so an existing file the user chose to replace is swapped for a
//! whole new one or left as it was.

#![allow(clippy::needless_pass_by_value)] // `#[tauri::command]` hands extractors over by value

use std::path::{Path, PathBuf};

use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use invoice_desk_files::FilesError;

use crate::browse::Browse;
use crate::catalogue::{Catalogue, Locale};
use crate::downloads::{SavedDocument, download_folder};
use crate::drag_out::{DragCache, local_copies};
use crate::error::{AppError, ErrorCode};
use crate::saved_files::SavedElsewhere;
use crate::state::AppState;

/// The dialog's words, from the window's catalogue.
pub const TITLE_KEY: &str = "dialog.saveInvoiceTitle";
pub const FILTER_KEY: &str = "dialog.pdfFiles";

/// Saves one invoice's PDF where the user says; `None` when they closed the dialog.
#[tauri::command]
#[specta::specta]
pub async fn save_invoice_as(
    app: AppHandle,
    state: State<'_, AppState>,
    browse: State<'_, Browse>,
    cache: State<'_, DragCache>,
    elsewhere: State<'_, SavedElsewhere>,
    scope_id: String,
    invoice: String,
) -> Result<Option<SavedDocument>, AppError> {
    let ready = local_copies(
        &app,
        &state,
        &browse,
        &cache,
        &scope_id,
        std::slice::from_ref(&invoice),
    )
    .await?;
    if let Some(failure) = ready.failed.into_iter().next() {
        return Err(failure.error);
    }
    let source = ready.files.first().map(PathBuf::from).ok_or_else(|| {
        AppError::new(ErrorCode::NotFound)
            .with_details("This invoice has no PDF to save.")
            .with_details(invoice.clone())
    })?;
    let Some(chosen) = ask_where(&app, &state, &source).await? else {
        return Ok(None);
    };
    let target = chosen.clone();
    tokio::task::spawn_blocking(move || invoice_desk_files::fsio::copy_atomic(&source, &target))
        .await
        .map_err(|e| AppError::new(ErrorCode::Internal).with_details(e.to_string()))?
        .map_err(|e| AppError::from(&FilesError::io(&chosen, &e).report()))?;
    elsewhere.add(&chosen);
    remember_folder(&app, &state, &chosen);
    tracing::info!("invoice saved to a chosen place");
    Ok(Some(SavedDocument {
        invoice,
        document_kind: "invoice".to_owned(),
        path: chosen.display().to_string(),
    }))
}

/// The system's save dialog, offering the template's file name in the folder used last.
async fn ask_where(
    app: &AppHandle,
    state: &AppState,
    source: &Path,
) -> Result<Option<PathBuf>, AppError> {
    let settings = state.settings();
    let start = settings
        .save_as_folder
        .map(PathBuf::from)
        .filter(|folder| folder.is_dir())
        .or_else(|| download_folder(state).ok().filter(|folder| folder.is_dir()));
    let words = Catalogue::of(Locale::resolve(settings.language));
    let mut dialog = app
        .dialog()
        .file()
        .set_title(words.text(TITLE_KEY))
        .add_filter(words.text(FILTER_KEY), &["pdf"]);
    if let Some(name) = source.file_name() {
        dialog = dialog.set_file_name(name.to_string_lossy());
    }
    if let Some(folder) = start {
        dialog = dialog.set_directory(folder);
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    dialog.save_file(move |picked| {
        let _ = tx.send(picked);
    });
    let picked = rx.await.map_err(|_| {
        AppError::new(ErrorCode::FolderUnavailable)
            .with_details("The save dialog closed unexpectedly.")
    })?;
    picked
        .map(|path| {
            path.into_path().map_err(|err| {
                AppError::new(ErrorCode::FolderUnavailable)
                    .with_details("That place cannot be used.")
                    .with_details(err.to_string())
            })
        })
        .transpose()
}

/// Keeps the chosen folder for the next "Save as…"; losing it only costs a click, so a failure
/// to store it is logged, not shown.
fn remember_folder(app: &AppHandle, state: &AppState, chosen: &Path) {
    let Some(folder) = chosen.parent().map(|p| p.display().to_string()) else {
        return;
    };
    let mut settings = state.settings();
    if settings.save_as_folder.as_deref() == Some(folder.as_str()) {
        return;
    }
    settings.save_as_folder = Some(folder);
    if let Err(err) = crate::commands::store_settings(app, state, &settings) {
        tracing::warn!(code = ?err.code, "could not remember the save-as folder");
    }
}
