//! Updates: the release feed is asked whether a newer signed version exists, and an update is
//! installed only on the user's word. The rules for when the app may look by itself (the
//! setting, never in demo mode) and when it may install (no save running) live here alone.

// `#[tauri::command]` hands extractors over by value.
#![allow(clippy::needless_pass_by_value)]

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_updater::{Error as UpdaterError, Update, Updater, UpdaterExt};
use tauri_specta::Event;

use crate::error::{AppError, ErrorCode};
use crate::signin::SignIn;
use crate::state::AppState;

/// Another release feed (a company mirror, or the local one in tests). Updates from it are
/// still checked against the public key built into the app.
const ENDPOINT_ENV: &str = "INVOICE_DESK_UPDATE_ENDPOINT";
/// Another public key: debug builds only, so a shipped app trusts nothing but its own key.
#[cfg(debug_assertions)]
const PUBKEY_ENV: &str = "INVOICE_DESK_UPDATE_PUBKEY";

/// The update the last check found, kept for "Install" so the user installs what they saw.
#[derive(Default)]
pub struct Updates {
    found: tokio::sync::Mutex<Option<Update>>,
}

/// What a check found.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UpdateCheck {
    pub current_version: String,
    /// `None`: this is the latest version.
    pub available: Option<AvailableUpdate>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AvailableUpdate {
    pub version: String,
    /// When it was published (RFC 3339), if the feed says.
    pub date: Option<String>,
    /// The release notes, as plain text.
    pub notes: Option<String>,
}

/// Sent while an update downloads.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct UpdateProgress {
    /// Bytes downloaded so far (a number for the window: far below 2^53).
    pub downloaded: u32,
    pub total: Option<u32>,
}

/// Whether the app may ask the feed by itself at start.
pub fn quiet_check_allowed(setting_on: bool, in_demo: bool) -> bool {
    setting_on && !in_demo
}

/// Asks the release feed for a newer version. `quiet` is the check at start: it does nothing
/// (`None`) when the setting is off or the demo runs.
#[tauri::command]
#[specta::specta]
pub async fn check_for_update(
    app: AppHandle,
    state: State<'_, AppState>,
    sign_in: State<'_, SignIn>,
    updates: State<'_, Updates>,
    quiet: bool,
) -> Result<Option<UpdateCheck>, AppError> {
    if quiet && !quiet_check_allowed(state.settings().check_for_updates, sign_in.is_demo().await) {
        return Ok(None);
    }
    let found = updater(&app)?.check().await.map_err(|err| {
        tracing::warn!(%err, "update check failed");
        check_error(&err)
    })?;
    let check = UpdateCheck {
        current_version: app.package_info().version.to_string(),
        available: found.as_ref().map(|update| AvailableUpdate {
            version: update.version.clone(),
            date: update.date.and_then(|d| {
                d.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            }),
            notes: update.body.clone().filter(|n| !n.trim().is_empty()),
        }),
    };
    tracing::info!(available = ?check.available.as_ref().map(|a| &a.version), "update check");
    *updates.found.lock().await = found;
    Ok(Some(check))
}

/// Downloads the update the last check found, verifies its signature and installs it. On
/// Windows the installer then takes over and the app exits; elsewhere the window offers a
/// restart.
#[tauri::command]
#[specta::specta]
pub async fn install_update(
    app: AppHandle,
    state: State<'_, AppState>,
    updates: State<'_, Updates>,
) -> Result<(), AppError> {
    ensure_no_save_runs(&state)?;
    let Some(update) = updates.found.lock().await.take() else {
        return Err(AppError::new(ErrorCode::UpdateUnavailable)
            .with_details("No update was found by a check in this session."));
    };
    let mut downloaded: u64 = 0;
    let progress = |chunk: usize, total: Option<u64>| {
        downloaded = downloaded.saturating_add(chunk as u64);
        let event = UpdateProgress {
            downloaded: clamp(downloaded),
            total: total.map(clamp),
        };
        let _ = event.emit(&app);
    };
    update
        .download_and_install(progress, || {})
        .await
        .map_err(|err| {
            tracing::warn!(%err, version = %update.version, "update not installed");
            install_error(&err)
        })?;
    tracing::info!(version = %update.version, "update installed");
    Ok(())
}

/// Starts the installed version.
#[tauri::command]
#[specta::specta]
pub fn restart_after_update(app: AppHandle, state: State<'_, AppState>) -> Result<(), AppError> {
    ensure_no_save_runs(&state)?;
    app.restart()
}

fn ensure_no_save_runs(state: &AppState) -> Result<(), AppError> {
    if state.jobs.list().iter().any(|job| !job.phase.is_final()) {
        return Err(AppError::new(ErrorCode::UpdateWaitsForSaves));
    }
    Ok(())
}

fn clamp(bytes: u64) -> u32 {
    u32::try_from(bytes).unwrap_or(u32::MAX)
}

fn updater<R: Runtime>(app: &AppHandle<R>) -> Result<Updater, AppError> {
    let mut builder = app.updater_builder();
    if let Some(endpoint) = std::env::var(ENDPOINT_ENV).ok().filter(|e| !e.is_empty()) {
        let url = url::Url::parse(&endpoint).map_err(|err| {
            AppError::new(ErrorCode::InvalidEndpoint).with_details(format!("{ENDPOINT_ENV}: {err}"))
        })?;
        builder = builder.endpoints(vec![url]).map_err(|err| {
            AppError::new(ErrorCode::InvalidEndpoint).with_details(err.to_string())
        })?;
    }
    #[cfg(debug_assertions)]
    if let Some(key) = std::env::var(PUBKEY_ENV).ok().filter(|k| !k.is_empty()) {
        builder = builder.pubkey(key);
    }
    builder
        .build()
        .map_err(|err| AppError::new(ErrorCode::UpdateUnavailable).with_details(err.to_string()))
}

/// A failed check, by what failed: the network, the feed's answer, or the feed itself.
fn check_error(err: &UpdaterError) -> AppError {
    let code = match err {
        UpdaterError::Reqwest(e) if e.is_connect() || e.is_timeout() => {
            ErrorCode::UpdateUnreachable
        }
        UpdaterError::Serialization(_) | UpdaterError::Semver(_) => ErrorCode::InvalidResponse,
        UpdaterError::InsecureTransportProtocol | UpdaterError::UrlParse(_) => {
            ErrorCode::InvalidEndpoint
        }
        _ => ErrorCode::UpdateUnavailable,
    };
    AppError::new(code).with_details(err.to_string())
}

/// A failed install: a signature that does not match is never installed and says so.
fn install_error(err: &UpdaterError) -> AppError {
    let code = match err {
        UpdaterError::Minisign(_)
        | UpdaterError::Base64(_)
        | UpdaterError::SignatureUtf8(_)
        | UpdaterError::SignedVersionMismatch { .. }
        | UpdaterError::MissingSignedVersion => ErrorCode::UpdateSignatureInvalid,
        UpdaterError::Reqwest(e) if e.is_connect() || e.is_timeout() || e.is_body() => {
            ErrorCode::UpdateUnreachable
        }
        UpdaterError::Network(_) | UpdaterError::Reqwest(_) => ErrorCode::UpdateUnavailable,
        UpdaterError::Io(e) if e.kind() == std::io::ErrorKind::StorageFull => ErrorCode::DiskFull,
        _ => ErrorCode::UpdateInstallFailed,
    };
    AppError::new(code).with_details(err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quiet_check_follows_the_setting_and_never_runs_in_the_demo() {
        assert!(quiet_check_allowed(true, false));
        assert!(!quiet_check_allowed(false, false));
        assert!(!quiet_check_allowed(true, true));
        assert!(!quiet_check_allowed(false, true));
    }

    #[test]
    fn a_bad_signature_is_told_apart_from_a_network_failure() {
        let bad = install_error(&UpdaterError::SignedVersionMismatch {
            signed: "1.0.0".into(),
            announced: "9.0.0".into(),
        });
        assert_eq!(bad.code, ErrorCode::UpdateSignatureInvalid);
        let missing = check_error(&UpdaterError::ReleaseNotFound);
        assert_eq!(missing.code, ErrorCode::UpdateUnavailable);
        let garbled = check_error(&UpdaterError::Serialization(
            serde_json::from_str::<u8>("{").unwrap_err(),
        ));
        assert_eq!(garbled.code, ErrorCode::InvalidResponse);
    }

    #[tokio::test]
    async fn an_unreachable_release_page_is_not_blamed_on_microsoft() {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused.
        let refused = reqwest::get("http://127.0.0.1:9/latest.json")
            .await
            .unwrap_err();
        let err = check_error(&UpdaterError::Reqwest(refused));
        assert_eq!(err.code, ErrorCode::UpdateUnreachable);
        assert!(
            err.code
                .message(invoice_desk_api::Locale::En)
                .contains("release page")
        );
    }
}
