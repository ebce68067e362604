//! The commands the web view calls. Each is thin: it turns an intent into a crate call and a
//! crate error into an [`AppError`].

// `#[tauri::command]` hands extractors over by value, and every fallible-looking signature here
// is the IPC contract the UI is generated from, so these two pedantic lints do not apply.
#![allow(clippy::needless_pass_by_value, clippy::unnecessary_wraps)]

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use tauri_specta::Event;

use invoice_desk_api::Locale;
use invoice_desk_settings::Settings;

use crate::error::{AppError, ErrorCode};
use crate::folder_guard::{self, FolderChange, FolderSetting, PickedFolders, folder_change};
use crate::jobs::JobProgress;
use crate::signin::SignIn;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SettingsState {
    pub settings: Settings,
    /// The language the window shows: the setting, else the operating system's, resolved here
    /// as for the menu and the command line.
    pub language: Locale,
    /// Set when the settings file was unusable and defaults are in use.
    pub warning: Option<AppError>,
}

/// Broadcast after settings were saved, so every view (and the native menu) follows.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct SettingsChanged {
    pub settings: Settings,
    pub language: Locale,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub os: String,
    pub log_dir: String,
    pub settings_file: String,
    pub debug: bool,
    /// Whether an Azure CLI (`az`) is installed, so its sign-in can be offered.
    pub azure_cli_available: bool,
    /// The cloud the sign-in screen starts on (`custom`: set by the organisation or for tests).
    pub default_cloud: crate::signin::Cloud,
    /// Set while the sign-in and Azure calls go somewhere other than Microsoft's clouds: the
    /// window says so on every screen.
    pub custom_endpoints: Option<CustomEndpoints>,
}

/// Where sign-in and Azure calls go instead of one of Microsoft's clouds.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CustomEndpoints {
    pub authority: String,
    pub arm: String,
}

#[tauri::command]
#[specta::specta]
pub fn get_settings(state: State<'_, AppState>) -> Result<SettingsState, AppError> {
    let warning = state
        .settings_warning
        .lock()
        .map(|w| w.clone())
        .unwrap_or_default();
    let settings = state.settings();
    Ok(SettingsState {
        language: Locale::resolve(settings.language),
        settings,
        warning,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    sign_in: State<'_, SignIn>,
    picked: State<'_, PickedFolders>,
    settings: Settings,
) -> Result<SettingsState, AppError> {
    let previous = state.settings();
    // A folder typed in the window is used only once the user confirms it natively.
    let locale = Locale::resolve(previous.language);
    for (setting, before, after) in [
        (
            FolderSetting::Download,
            &previous.download_folder,
            &settings.download_folder,
        ),
        (
            FolderSetting::Archive,
            &previous.archive_folder,
            &settings.archive_folder,
        ),
    ] {
        if let FolderChange::NeedsConfirmation(folder) =
            folder_change(before.as_deref(), after.as_deref(), &picked)?
            && !folder_guard::confirmed(&app, setting, &folder, locale).await
        {
            return Err(AppError::new(ErrorCode::FolderNotConfirmed)
                .with_details(folder.display().to_string()));
        }
    }
    if previous.remember_sign_in != settings.remember_sign_in {
        // The keychain first: if it refuses, the setting stays as it was and says why.
        sign_in.set_remember(settings.remember_sign_in).await?;
    }
    store_settings(&app, &state, &settings)?;
    if previous.language != settings.language {
        crate::apply_menu(&app, settings.language);
    }
    tracing::info!(language = ?settings.language, theme = ?settings.theme, "settings saved");
    Ok(SettingsState {
        language: Locale::resolve(settings.language),
        settings,
        warning: None,
    })
}

/// Writes the settings, makes them current and tells every view: the one way settings change,
/// whether the user saved them or the app remembered something (the last "Save as…" folder).
pub(crate) fn store_settings(
    app: &AppHandle,
    state: &AppState,
    settings: &Settings,
) -> Result<(), AppError> {
    state.store.save(settings)?;
    state.set_settings(settings.clone());
    if let Ok(mut warning) = state.settings_warning.lock() {
        // A successful save replaces the unusable file, so its warning no longer applies.
        *warning = None;
    }
    let changed = SettingsChanged {
        settings: settings.clone(),
        language: Locale::resolve(settings.language),
    };
    if let Err(err) = changed.emit(app) {
        tracing::warn!(%err, "could not broadcast settings change");
    }
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub fn app_info(app: AppHandle, state: State<'_, AppState>, sign_in: State<'_, SignIn>) -> AppInfo {
    let package = app.package_info();
    AppInfo {
        name: package.name.clone(),
        version: package.version.to_string(),
        os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        log_dir: state.log_dir.display().to_string(),
        settings_file: state.store.path().display().to_string(),
        debug: cfg!(debug_assertions),
        azure_cli_available: invoice_desk_auth::find_azure_cli().is_some(),
        default_cloud: sign_in.default_cloud(),
        custom_endpoints: sign_in.custom_endpoints(),
    }
}

/// Opens the native folder picker, starting in `current`; `None` when the user cancels.
#[tauri::command]
#[specta::specta]
pub async fn choose_folder(
    app: AppHandle,
    picked: State<'_, PickedFolders>,
    current: Option<String>,
) -> Result<Option<String>, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app.dialog().file();
    if let Some(dir) = current.filter(|d| std::path::Path::new(d).is_dir()) {
        dialog = dialog.set_directory(dir);
    }
    dialog.pick_folder(move |picked| {
        let _ = tx.send(picked);
    });
    let picked_path = rx.await.map_err(|_| {
        AppError::new(ErrorCode::FolderUnavailable)
            .with_details("The folder picker closed unexpectedly.")
    })?;
    let folder = picked_path
        .map(|path| {
            path.into_path()
                .map(|p| p.display().to_string())
                .map_err(|err| {
                    AppError::new(ErrorCode::FolderUnavailable)
                        .with_details("That folder cannot be used.")
                        .with_details(err.to_string())
                })
        })
        .transpose()?;
    if let Some(folder) = &folder {
        picked.remember(folder);
    }
    Ok(folder)
}

#[tauri::command]
#[specta::specta]
pub fn show_logs(app: AppHandle) -> Result<(), AppError> {
    crate::open_log_folder(&app)
}

#[tauri::command]
#[specta::specta]
pub fn list_jobs(state: State<'_, AppState>) -> Vec<JobProgress> {
    state.jobs.list()
}

#[tauri::command]
#[specta::specta]
pub fn cancel_job(state: State<'_, AppState>, id: String) -> Result<(), AppError> {
    state.jobs.cancel(&id)
}
