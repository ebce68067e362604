//! The file-name template's live preview in Settings. The rule itself (placeholders, safe
//! names, the sample document) is `invoice-desk-files`'s; the window only shows its answer.

use serde::{Deserialize, Serialize};

use invoice_desk_files::TemplateError;
use invoice_desk_files::template::FIELDS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FileNamePreview {
    /// The sample invoice's path under the download folder; `None` when the template cannot
    /// name files.
    pub name: Option<String>,
    /// Placeholders the template uses that do not exist, e.g. `{month}`.
    pub unknown: Vec<String>,
    /// Why the template cannot name files (a code the window translates), when it cannot.
    pub problem: Option<String>,
    /// Every placeholder there is, e.g. `{invoiceName}`.
    pub fields: Vec<String>,
}

fn braced(name: &str) -> String {
    format!("{{{name}}}")
}

#[tauri::command]
#[specta::specta]
#[allow(clippy::needless_pass_by_value)] // `#[tauri::command]` hands arguments over by value
pub fn preview_file_name(template: String) -> FileNamePreview {
    let fields = FIELDS.iter().map(|f| braced(f)).collect();
    match invoice_desk_files::preview(&template) {
        Ok(name) => FileNamePreview {
            name: Some(name),
            unknown: Vec::new(),
            problem: None,
            fields,
        },
        Err(error) => FileNamePreview {
            name: None,
            unknown: match &error {
                TemplateError::UnknownPlaceholder { names } => {
                    names.iter().map(|n| braced(n)).collect()
                }
                _ => Vec::new(),
            },
            problem: Some(error.code().to_owned()),
            fields,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_template_previews_the_sample_invoice() {
        let preview = preview_file_name(invoice_desk_settings::DEFAULT_FILE_NAME_TEMPLATE.into());
        assert_eq!(
            preview.name.as_deref(),
            Some("Contoso Ltd/2026-09 G012345678.pdf")
        );
        assert!(preview.problem.is_none());
        assert!(preview.fields.contains(&"{invoiceName}".to_owned()));
    }

    #[test]
    fn unknown_placeholders_and_broken_templates_say_why_instead_of_a_name() {
        let unknown = preview_file_name("{yyyy}-{mm} {month} {invoiceName}".into());
        assert_eq!(unknown.name, None);
        assert_eq!(unknown.unknown, ["{month}"]);
        assert_eq!(
            unknown.problem.as_deref(),
            Some("template_unknown_placeholder")
        );
        let broken = preview_file_name("{yyyy".into());
        assert_eq!(broken.problem.as_deref(), Some("template_unbalanced"));
        let empty = preview_file_name("  ".into());
        assert_eq!(empty.problem.as_deref(), Some("template_empty"));
    }
}
