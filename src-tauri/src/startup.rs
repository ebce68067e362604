//! The startup probe `cargo xtask bench startup` measures with: the web view reports when it
//! painted its first screen, and with `INVOICE_DESK_STARTUP_PROBE` set the app prints one line
//! per stage on stdout (the bench takes the time it reads it). Without the variable the report
//! is ignored, so a user's app prints nothing.

use std::io::Write as _;

/// The environment variable that turns the probe on.
pub const PROBE_ENV: &str = "INVOICE_DESK_STARTUP_PROBE";

/// A screen the window has painted for the first time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum StartupStage {
    /// The welcome screen (nobody signed in).
    Welcome,
    /// Demo mode's billing scopes, listed in the sidebar beside the invoice table.
    Demo,
}

/// Called by the web view after the first frame of a stage is painted.
#[tauri::command]
#[specta::specta]
pub fn startup_painted(stage: StartupStage) {
    if std::env::var_os(PROBE_ENV).is_none() {
        return;
    }
    let name = match stage {
        StartupStage::Welcome => "welcome",
        StartupStage::Demo => "demo",
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "startup-painted {name}");
    let _ = out.flush();
}
