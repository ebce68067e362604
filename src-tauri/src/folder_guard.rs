//! Where saves go is the user's choice, made in the system's own dialogs. A folder the folder
//! picker returned in this run is taken as chosen; one typed in the window (or named by anything
//! running in the web view) is used only once the user confirms it in a native dialog, which the
//! page cannot click. Until then the settings keep the folder they had.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

use crate::catalogue::{Catalogue, Locale};
use crate::error::{AppError, ErrorCode};

/// The folders the folder picker returned in this run.
#[derive(Debug, Default)]
pub struct PickedFolders(Mutex<HashSet<PathBuf>>);

impl PickedFolders {
    pub fn remember(&self, folder: &str) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(PathBuf::from(folder));
    }

    fn picked(&self, folder: &Path) -> bool {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains(folder)
    }
}

/// Which folder a setting names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FolderSetting {
    Download,
    Archive,
}

/// What a settings change does to one folder.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FolderChange {
    /// The same folder, or back to the default one.
    Allowed,
    /// A folder the picker did not return: the user confirms it first.
    NeedsConfirmation(PathBuf),
}

/// A folder setting's value, trimmed; `None` for the default folder.
fn clean(folder: Option<&str>) -> Option<&str> {
    folder.map(str::trim).filter(|f| !f.is_empty())
}

/// Decides one folder setting's change from `previous` to `next`.
///
/// # Errors
/// `folder_unavailable` for a folder that is not a full path.
pub(crate) fn folder_change(
    previous: Option<&str>,
    next: Option<&str>,
    picked: &PickedFolders,
) -> Result<FolderChange, AppError> {
    let Some(next) = clean(next) else {
        return Ok(FolderChange::Allowed);
    };
    if clean(previous) == Some(next) {
        return Ok(FolderChange::Allowed);
    }
    let folder = PathBuf::from(next);
    if !folder.is_absolute() {
        return Err(AppError::new(ErrorCode::FolderUnavailable)
            .with_details("A folder is named by its full path.")
            .with_details(next.to_owned()));
    }
    if picked.picked(&folder) {
        Ok(FolderChange::Allowed)
    } else {
        Ok(FolderChange::NeedsConfirmation(folder))
    }
}

/// Asks in a native dialog whether `folder` is to be used for `setting`; false when the user
/// declines or closes it.
pub(crate) async fn confirmed(
    app: &AppHandle,
    setting: FolderSetting,
    folder: &Path,
    locale: Locale,
) -> bool {
    let words = Catalogue::of(locale);
    let question = match setting {
        FolderSetting::Download => "folderConfirm.download",
        FolderSetting::Archive => "folderConfirm.archive",
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .message(words.format(question, &[("path", &folder.display().to_string())]));
    // Over the window it belongs to, where the system allows (a sheet on macOS).
    if let Some(window) = app.get_webview_window(crate::MAIN_WINDOW) {
        dialog = dialog.parent(&window);
    }
    dialog
        .title(words.text("folderConfirm.title"))
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(
            words.text("folderConfirm.yes"),
            words.text("folderConfirm.no"),
        ))
        .show(move |yes| {
            let _ = tx.send(yes);
        });
    let yes = rx.await.unwrap_or(false);
    tracing::info!(?setting, confirmed = yes, "typed folder");
    yes
}

/// Every key the dialog shows, for the catalogue check.
#[cfg(test)]
pub(crate) const TEXT_KEYS: &[&str] = &[
    "folderConfirm.title",
    "folderConfirm.download",
    "folderConfirm.archive",
    "folderConfirm.yes",
    "folderConfirm.no",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn full(path: &str) -> String {
        std::env::temp_dir().join(path).display().to_string()
    }

    #[test]
    fn a_picked_folder_passes_and_a_typed_one_is_confirmed_first() {
        let picked = PickedFolders::default();
        let chosen = full("Invoices");
        picked.remember(&chosen);
        assert_eq!(
            folder_change(None, Some(&chosen), &picked).unwrap(),
            FolderChange::Allowed
        );
        let typed = full("Elsewhere");
        assert_eq!(
            folder_change(Some(&chosen), Some(&typed), &picked).unwrap(),
            FolderChange::NeedsConfirmation(PathBuf::from(&typed))
        );
    }

    #[test]
    fn the_same_folder_or_the_default_needs_nothing_and_a_relative_one_is_refused() {
        let picked = PickedFolders::default();
        let kept = full("Kept");
        assert_eq!(
            folder_change(Some(&kept), Some(&format!(" {kept} ")), &picked).unwrap(),
            FolderChange::Allowed
        );
        assert_eq!(
            folder_change(Some(&kept), None, &picked).unwrap(),
            FolderChange::Allowed
        );
        assert_eq!(
            folder_change(Some(&kept), Some("  "), &picked).unwrap(),
            FolderChange::Allowed
        );
        let error = folder_change(None, Some("Downloads/x"), &picked).unwrap_err();
        assert_eq!(error.code, ErrorCode::FolderUnavailable);
    }
}
