//! "Sync archive" from the window: the toolbar's button and the sync at start. Which scopes a
//! sync covers and whether it runs at start are decided in `invoice-desk-api`; this module runs
//! each scope as a job in the tray and answers with one summary.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use tauri::State;

use invoice_desk_api::sync::{plan, syncs_at_start};
use invoice_desk_api::usage::UsageOutcome;
use invoice_desk_billing::ScopeEntry;

use crate::browse::Browse;
use crate::downloads::{SaveSummary, archive_scope};
use crate::error::AppError;
use crate::signin::SignIn;
use crate::state::AppState;

/// What one sync over every scope did.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncOutcome {
    /// The scopes synced, so the window can mark what is on disk now.
    pub scope_ids: Vec<String>,
    /// Every scope's documents together; `None` when no scope could run at all.
    pub summary: Option<SaveSummary>,
    /// The first scope that could not run (no archive folder, Azure refused the listing).
    pub error: Option<AppError>,
    /// With "Also keep usage files": each scope's usage files, in the order synced.
    pub usage: Vec<ScopeUsage>,
}

/// What Sync archive's usage job for one scope did.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ScopeUsage {
    pub scope_id: String,
    pub scope_name: String,
    /// The tray's job, so it can show the files it saved.
    pub job_id: String,
    pub outcome: UsageOutcome,
}

/// Whether this run has decided its sync at start (it is decided once per run).
#[derive(Debug, Default)]
pub struct StartSync(AtomicBool);

/// "Sync archive": every document of the last three years' invoices of every scope whose
/// invoices the user may download, in every signed-in directory that is turned on.
#[tauri::command]
#[specta::specta]
pub async fn sync_archive(
    state: State<'_, AppState>,
    browse: State<'_, Browse>,
) -> Result<SyncOutcome, AppError> {
    let scopes = syncable(&browse).await;
    let usage = usage_scopes(&state, &browse).await;
    Ok(sync(&state, &browse, scopes, usage).await)
}

/// The sync at start, asked for once the directories have listed their scopes: runs when
/// Settings says so and this run has not decided yet; `None` when it does not run (nor when
/// no scope was listed from Azure, as when offline: a cached listing is not synced from).
#[tauri::command]
#[specta::specta]
pub async fn sync_at_start(
    state: State<'_, AppState>,
    browse: State<'_, Browse>,
    sign_in: State<'_, SignIn>,
    start: State<'_, StartSync>,
) -> Result<Option<SyncOutcome>, AppError> {
    if start.0.swap(true, Ordering::SeqCst) {
        return Ok(None);
    }
    if !syncs_at_start(&state.settings(), sign_in.is_demo().await) {
        tracing::info!("no sync at start");
        return Ok(None);
    }
    let scopes = syncable(&browse).await;
    let usage = usage_scopes(&state, &browse).await;
    if scopes.is_empty() && usage.is_empty() {
        tracing::info!("no scope to sync at start");
        return Ok(None);
    }
    tracing::info!(scopes = scopes.len(), "sync at start");
    Ok(Some(sync(&state, &browse, scopes, usage).await))
}

/// The scopes a sync covers: those listed from Azure in this run (the listings of directories
/// signed out of or turned off are forgotten as that happens) that the user's role may download.
async fn syncable(browse: &Browse) -> Vec<ScopeEntry> {
    let listed: Vec<ScopeEntry> = browse
        .loaded()
        .await
        .into_iter()
        .map(|(_, _, e)| e)
        .collect();
    let count = listed.len();
    let chosen = plan(listed, |entry| entry);
    tracing::info!(
        listed = count,
        synced = chosen.scopes.len(),
        "scopes to sync"
    );
    for (entry, _) in &chosen.skipped {
        tracing::debug!(scope = %entry.scope.id, "sync leaves out a scope the role may not download");
    }
    chosen.scopes
}

/// The scopes whose usage files a sync keeps: with "Also keep usage files", those listed in
/// this run where the user may download usage.
async fn usage_scopes(state: &AppState, browse: &Browse) -> Vec<ScopeEntry> {
    let listed: Vec<ScopeEntry> = browse
        .loaded()
        .await
        .into_iter()
        .map(|(_, _, e)| e)
        .collect();
    invoice_desk_api::sync::usage_plan(listed, |e| e, state.settings().keep_usage_files)
}

/// Syncs `scopes` one after the other, each a job in the tray; then the usage files of the
/// `usage` scopes (see [`usage_scopes`]).
async fn sync(
    state: &AppState,
    browse: &Browse,
    scopes: Vec<ScopeEntry>,
    usage: Vec<ScopeEntry>,
) -> SyncOutcome {
    let mut outcome = SyncOutcome {
        scope_ids: Vec::new(),
        summary: None,
        error: None,
        usage: Vec::new(),
    };
    for entry in scopes {
        let scope_id = entry.scope.id.clone();
        match archive_scope(state, browse, &scope_id, &[]).await {
            Ok(summary) => {
                outcome.summary = Some(match outcome.summary.take() {
                    Some(before) => before.merge(summary),
                    None => summary,
                });
                outcome.scope_ids.push(scope_id);
            }
            Err(error) => {
                outcome.error.get_or_insert(error);
            }
        }
    }
    for entry in usage {
        match crate::usage::archive_usage(state, browse, &entry.scope.id).await {
            Ok((job_id, usage)) => outcome.usage.push(ScopeUsage {
                scope_id: entry.scope.id.clone(),
                scope_name: entry.scope.display_name.clone(),
                job_id,
                outcome: usage,
            }),
            Err(error) => {
                outcome.error.get_or_insert(error);
            }
        }
    }
    outcome
}
