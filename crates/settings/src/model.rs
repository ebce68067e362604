use serde::{Deserialize, Serialize};

/// The file-name template a fresh install uses for saved invoices.
pub const DEFAULT_FILE_NAME_TEMPLATE: &str = "{billingAccount}/{yyyy}-{mm} {invoiceName}.pdf";

/// Usage files beside the invoices of the same month, one per scope (several subscriptions
/// share a billing account).
pub const DEFAULT_USAGE_FILE_NAME_TEMPLATE: &str = "{billingAccount}/{yyyy}-{mm} {scope} usage.csv";

/// The UI language. `System` follows the operating system's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Language {
    #[default]
    System,
    En,
    Nl,
}

/// The colour theme. `System` follows the operating system's light/dark preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// Everything the user can set. Every field is always present on the wire; reading an older or
/// newer file (missing or unknown fields) is the store's job, see [`crate::SettingsStore::load`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub language: Language,
    pub theme: Theme,
    /// Where saved invoices go; `None` means the OS download folder.
    pub download_folder: Option<String>,
    pub file_name_template: String,
    /// Where "Sync archive" keeps every invoice; `None` means the download folder.
    pub archive_folder: Option<String>,
    /// Run "Sync archive" once each time the app starts and the scopes are listed.
    pub sync_at_start: bool,
    /// The folder "Save as…" offered last, so the next one starts there.
    pub save_as_folder: Option<String>,
    /// Keep sign-ins in the OS keychain across restarts; off: they last for this session only.
    pub remember_sign_in: bool,
    /// Where a usage (cost details) file goes, by the same template rules as invoices.
    pub usage_file_name_template: String,
    /// "Sync archive" also keeps the usage file of every closed period it may download.
    pub keep_usage_files: bool,
    /// A usage report Azure splits into several files becomes one CSV with one header; off,
    /// the parts are kept as numbered files.
    pub join_usage_parts: bool,
    /// Ask the release feed for a newer version when the app starts (never in demo mode).
    pub check_for_updates: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: Language::default(),
            theme: Theme::default(),
            download_folder: None,
            file_name_template: DEFAULT_FILE_NAME_TEMPLATE.to_owned(),
            archive_folder: None,
            sync_at_start: false,
            save_as_folder: None,
            remember_sign_in: true,
            usage_file_name_template: DEFAULT_USAGE_FILE_NAME_TEMPLATE.to_owned(),
            keep_usage_files: false,
            join_usage_parts: true,
            check_for_updates: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json_with_camel_case_names() {
        let settings = Settings {
            language: Language::Nl,
            theme: Theme::Light,
            download_folder: Some("/tmp/facturen".into()),
            file_name_template: "{invoiceName}.pdf".into(),
            archive_folder: Some("/srv/archief".into()),
            sync_at_start: true,
            save_as_folder: None,
            remember_sign_in: false,
            usage_file_name_template: "{yyyy}-{mm} usage.csv".into(),
            keep_usage_files: true,
            join_usage_parts: false,
            check_for_updates: false,
        };
        let json = serde_json::to_string(&settings).unwrap();
        assert!(
            json.contains(r#""downloadFolder":"/tmp/facturen""#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Settings>(&json).unwrap(), settings);
    }
}
