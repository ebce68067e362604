use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::Settings;
use crate::atomic::write_atomically;

/// Why settings could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file exists but is not valid settings; it was moved to `backup`.
    #[error("the settings file {path} could not be read ({reason}); it was kept as {backup}")]
    Corrupt {
        path: PathBuf,
        backup: PathBuf,
        reason: String,
    },
    /// The file exists but could not be opened (permissions, I/O).
    #[error("the settings file {path} could not be read: {source}")]
    Unreadable { path: PathBuf, source: io::Error },
    /// Saving failed; the previous file is untouched.
    #[error("the settings could not be saved to {path}: {source}")]
    Unwritable { path: PathBuf, source: io::Error },
}

/// What loading found: the settings to use, and a warning when they are defaults standing in
/// for a file that could not be used.
#[derive(Debug)]
pub struct LoadOutcome {
    pub settings: Settings,
    pub warning: Option<SettingsError>,
}

/// Reads and writes one JSON settings file.
#[derive(Debug, Clone)]
pub struct SettingsStore {
    path: PathBuf,
}

impl SettingsStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The settings file in the OS's per-user config folder.
    pub fn default_location() -> Self {
        let base = dirs::config_dir().unwrap_or_else(std::env::temp_dir);
        let app = if cfg!(target_os = "linux") {
            "invoice-desk"
        } else {
            "Invoice Desk"
        };
        Self::new(base.join(app).join("settings.json"))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads the settings. A missing file is a first run (defaults, no warning). A corrupt file
    /// is renamed to a timestamped backup so the user's data is never lost, and defaults are
    /// returned with a warning for the UI. An unreadable file is left in place.
    pub fn load(&self) -> LoadOutcome {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return LoadOutcome {
                    settings: Settings::default(),
                    warning: None,
                };
            }
            Err(source) => {
                return LoadOutcome {
                    settings: Settings::default(),
                    warning: Some(SettingsError::Unreadable {
                        path: self.path.clone(),
                        source,
                    }),
                };
            }
        };
        match parse_lenient(&bytes) {
            Ok(settings) => LoadOutcome {
                settings,
                warning: None,
            },
            Err(err) => {
                let backup = self.backup_path();
                let warning = match fs::rename(&self.path, &backup) {
                    Ok(()) => SettingsError::Corrupt {
                        path: self.path.clone(),
                        backup,
                        reason: err.to_string(),
                    },
                    // Could not move it aside: leave it where it is rather than risk losing it.
                    Err(_) => SettingsError::Corrupt {
                        path: self.path.clone(),
                        backup: self.path.clone(),
                        reason: err.to_string(),
                    },
                };
                tracing::warn!(error = %warning, "settings file unusable, using defaults");
                LoadOutcome {
                    settings: Settings::default(),
                    warning: Some(warning),
                }
            }
        }
    }

    /// Saves atomically ([`write_atomically`]): a crash or full disk leaves either the old or
    /// the new settings, never half.
    pub fn save(&self, settings: &Settings) -> Result<(), SettingsError> {
        let unwritable = |source| SettingsError::Unwritable {
            path: self.path.clone(),
            source,
        };
        let json = serde_json::to_vec_pretty(settings)
            .map_err(io::Error::other)
            .map_err(unwritable)?;
        write_atomically(&self.path, &json).map_err(unwritable)
    }

    fn backup_path(&self) -> PathBuf {
        let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let name = self.path.file_name().map_or_else(
            || "settings.json".into(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut candidate = self.path.with_file_name(format!("{name}.corrupt-{stamp}"));
        let mut n = 1;
        while candidate.exists() {
            candidate = self
                .path
                .with_file_name(format!("{name}.corrupt-{stamp}-{n}"));
            n += 1;
        }
        candidate
    }
}

/// Reads a settings file written by any version: fields it lacks take their defaults and fields
/// this version doesn't know are ignored, so an upgrade or downgrade keeps everything else.
/// A field with a wrong value still makes the file corrupt: guessing could lose a setting.
fn parse_lenient(bytes: &[u8]) -> Result<Settings, serde_json::Error> {
    let found: serde_json::Value = serde_json::from_slice(bytes)?;
    let serde_json::Value::Object(found) = found else {
        return serde_json::from_value(found);
    };
    let mut merged = serde_json::to_value(Settings::default())?;
    if let serde_json::Value::Object(defaults) = &mut merged {
        for (key, value) in found {
            if defaults.contains_key(&key) {
                defaults.insert(key, value);
            }
        }
    }
    serde_json::from_value(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Language, Theme};

    fn store_in(dir: &tempfile::TempDir) -> SettingsStore {
        SettingsStore::new(dir.path().join("config").join("settings.json"))
    }

    #[test]
    fn first_run_gives_defaults_without_warning() {
        let dir = tempfile::tempdir().unwrap();
        let outcome = store_in(&dir).load();
        assert_eq!(outcome.settings, Settings::default());
        assert!(outcome.warning.is_none());
    }

    #[test]
    fn saved_settings_load_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(&dir);
        let settings = Settings {
            language: Language::Nl,
            theme: Theme::Dark,
            ..Settings::default()
        };
        store.save(&settings).unwrap();
        let outcome = store.load();
        assert_eq!(outcome.settings, settings);
        assert!(outcome.warning.is_none());
        assert!(
            !store.path().with_extension("json.tmp").exists(),
            "temp file left behind"
        );
    }

    #[test]
    fn corrupt_file_is_kept_as_backup_and_defaults_are_used_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(&dir);
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        fs::write(store.path(), b"{\"theme\": \"dark\", oops").unwrap();

        let outcome = store.load();
        assert_eq!(outcome.settings, Settings::default());
        let Some(SettingsError::Corrupt { backup, .. }) = outcome.warning else {
            panic!("expected a corrupt-file warning, got {:?}", outcome.warning);
        };
        assert_eq!(fs::read(&backup).unwrap(), b"{\"theme\": \"dark\", oops");
        assert!(
            !store.path().exists(),
            "the corrupt file should have been moved aside"
        );

        // Saving afterwards writes a fresh file and leaves the backup alone.
        store.save(&Settings::default()).unwrap();
        assert!(backup.exists());
        assert!(store.load().warning.is_none());
    }

    #[test]
    fn missing_fields_take_defaults_and_unknown_fields_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(&dir);
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        fs::write(store.path(), br#"{"theme":"dark","futureOption":42}"#).unwrap();
        let outcome = store.load();
        assert!(outcome.warning.is_none());
        assert_eq!(
            outcome.settings,
            Settings {
                theme: Theme::Dark,
                ..Settings::default()
            }
        );
    }

    #[test]
    fn wrong_types_count_as_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_in(&dir);
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        fs::write(store.path(), br#"{"theme": "purple"}"#).unwrap();
        assert!(matches!(
            store.load().warning,
            Some(SettingsError::Corrupt { .. })
        ));
    }

    #[test]
    fn save_into_a_path_blocked_by_a_file_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("config"), b"not a directory").unwrap();
        let store = store_in(&dir);
        assert!(matches!(
            store.save(&Settings::default()),
            Err(SettingsError::Unwritable { .. })
        ));
    }
}
