//! Remembering the window's size and position. The window-state plugin restores them at start
//! and saves them on a clean exit; this also saves shortly after the user stops resizing or
//! moving, so a crash, a forced logout or a killed process doesn't lose the layout.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// Long enough that a drag writes the file once at the end, short enough to beat a quick quit.
const SETTLE: Duration = Duration::from_millis(400);

pub fn save_when_settled<R: Runtime>(window: &WebviewWindow<R>) {
    let app = window.app_handle().clone();
    let generation = Arc::new(AtomicU64::new(0));
    window.on_window_event(move |event| {
        if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
            return;
        }
        let mine = generation.fetch_add(1, Ordering::SeqCst) + 1;
        let (app, generation) = (app.clone(), generation.clone());
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(SETTLE).await;
            if generation.load(Ordering::SeqCst) == mine {
                save(&app);
            }
        });
    });
}

fn save<R: Runtime>(app: &AppHandle<R>) {
    if let Err(err) = app.save_window_state(StateFlags::all()) {
        tracing::warn!(%err, "could not remember the window's size and position");
    }
}
