//! What the shell keeps for the life of the window.

use std::path::PathBuf;
use std::sync::Mutex;

use invoice_desk_settings::{Settings, SettingsStore};

use crate::error::AppError;
use crate::jobs::Jobs;

#[derive(Debug)]
pub struct AppState {
    pub store: SettingsStore,
    pub settings: Mutex<Settings>,
    /// A problem found while loading settings, shown once the UI asks for them.
    pub settings_warning: Mutex<Option<AppError>>,
    pub jobs: Jobs,
    pub log_dir: PathBuf,
}

impl AppState {
    pub fn settings(&self) -> Settings {
        self.settings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn set_settings(&self, settings: Settings) {
        *self
            .settings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = settings;
    }
}
