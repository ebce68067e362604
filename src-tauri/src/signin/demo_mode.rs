//! Demo mode through the sign-in: entering and leaving the built-in sample Azure, and the
//! commands and event the window uses for it. While a demo runs, every account command acts on
//! the demo's accounts.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_specta::Event;
use url::Url;

use invoice_desk_api::Demo;
use invoice_desk_auth::CompletionPage;
use invoice_desk_billing::Clock;

use super::{SignIn, announce, completion_page};
use crate::demo::{DEFAULT_DEMO_USER, DEMO_SCENARIO, DemoState};
use crate::error::AppError;

impl SignIn {
    /// Starts demo mode (or switches its user) and signs in as `upn` through the emulator.
    pub async fn enter_demo(&self, upn: &str, page: CompletionPage) -> Result<DemoState, AppError> {
        self.enter_demo_in(DEMO_SCENARIO, upn, page).await
    }

    /// [`Self::enter_demo`] with the emulator on `scenario` when the demo is not running yet.
    pub async fn enter_demo_in(
        &self,
        scenario: &str,
        upn: &str,
        page: CompletionPage,
    ) -> Result<DemoState, AppError> {
        let mut slot = self.demo.lock().await;
        enter(&mut slot, scenario, upn, page).await
    }

    /// Starts demo mode as the app opens (`--demo`), without holding up the window: the
    /// demo's slot is taken at once, so the window's first questions (who is signed in, is a
    /// demo running) wait for the demo instead of finding nobody signed in.
    pub fn enter_demo_at_launch(&self, upn: &str, page: CompletionPage) {
        let slot = self.demo.clone();
        let taken = slot.clone().try_lock_owned();
        let upn = upn.to_owned();
        tauri::async_runtime::spawn(async move {
            let mut slot = match taken {
                Ok(slot) => slot,
                Err(_) => slot.lock_owned().await,
            };
            if let Err(err) = enter(&mut slot, DEMO_SCENARIO, &upn, page).await {
                tracing::warn!(code = ?err.code, details = ?err.details, "demo mode could not start");
            }
        });
    }

    /// The running demo's emulator address, and the secret its control plane asks for.
    pub async fn demo_control(&self) -> Option<(Url, Option<String>)> {
        self.demo
            .lock()
            .await
            .as_ref()
            .map(|demo| (demo.base_url(), demo.control_secret().map(str::to_owned)))
    }

    /// Where "today" comes from: the day the demo's sample Azure lives on while a demo runs,
    /// else the system's date.
    pub async fn clock(&self) -> Clock {
        self.demo
            .lock()
            .await
            .as_ref()
            .map_or(Clock::System, Demo::clock)
    }

    /// Whether the demo runs (its data is never cached).
    pub async fn is_demo(&self) -> bool {
        self.demo.lock().await.is_some()
    }

    pub(super) async fn demo_state(&self) -> Option<DemoState> {
        self.demo.lock().await.as_ref().map(DemoState::of)
    }
}

/// Starts the demo in `slot` on `scenario` unless it runs, and signs in as `upn`.
async fn enter(
    slot: &mut Option<Demo>,
    scenario: &str,
    upn: &str,
    page: CompletionPage,
) -> Result<DemoState, AppError> {
    if slot.is_none() {
        *slot = Some(Demo::start(scenario, None).await?);
    }
    let demo = slot.as_mut().expect("just started");
    demo.sign_in_as(upn, page).await?;
    Ok(DemoState::of(demo))
}

/// Sent when demo mode starts, switches user or ends (`state: null`).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct DemoChanged {
    pub state: Option<DemoState>,
}

async fn announce_demo(app: &AppHandle, state: &SignIn) {
    if let Err(err) = (DemoChanged {
        state: state.demo_state().await,
    })
    .emit(app)
    {
        tracing::warn!(%err, "could not announce demo mode");
    }
    announce(app, state).await;
}

/// "Try with demo data", and the scenario picker: sign in to the built-in sample Azure as one
/// of its users (the default is a pay-as-you-go account administrator).
#[tauri::command]
#[specta::specta]
pub async fn start_demo(
    app: AppHandle,
    state: State<'_, SignIn>,
    upn: Option<String>,
) -> Result<DemoState, AppError> {
    let upn = upn.unwrap_or_else(|| DEFAULT_DEMO_USER.to_owned());
    let demo = state.enter_demo(&upn, completion_page(&app)).await?;
    tracing::info!("demo mode on");
    announce_demo(&app, &state).await;
    Ok(demo)
}

#[tauri::command]
#[specta::specta]
pub async fn demo_state(state: State<'_, SignIn>) -> Result<Option<DemoState>, AppError> {
    Ok(state.demo_state().await)
}

/// Leaves demo mode: the sample Azure stops and the real accounts (if any) are back.
#[tauri::command]
#[specta::specta]
pub async fn leave_demo(app: AppHandle, state: State<'_, SignIn>) -> Result<(), AppError> {
    let demo = state.demo.lock().await.take();
    if let Some(demo) = demo {
        demo.stop().await;
        tracing::info!("demo mode off");
    }
    announce_demo(&app, &state).await;
    Ok(())
}
