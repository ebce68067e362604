//! The file-name template: the one place that decides where a document goes inside the
//! archive folder. The settings screen previews it with [`preview`]; downloads use
//! [`Template::render`].
//!
//! Syntax: literal text and `{field}` placeholders; `/` (or `\`) separates folders. Field
//! values never create folders: a `/` inside an account name becomes `_` (see
//! [`crate::sanitise`]). A folder that comes out empty (no billing profile for a pay-as-you-go
//! subscription) is left out; a name without an extension gets `.pdf`.

use crate::error::FilesCode;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use time::Date;

use crate::sanitise;

/// Every placeholder a template may use.
pub const FIELDS: &[&str] = &[
    "billingAccount",
    "billingProfile",
    "scope",
    "subscription",
    "yyyy",
    "mm",
    "dd",
    "invoiceName",
    "documentKind",
    "documentName",
];

/// What a template cannot be used for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum TemplateError {
    #[error("the file-name template is empty")]
    Empty,
    /// Placeholders that are not in [`FIELDS`], e.g. `{month}`.
    #[error("unknown placeholder{} in the file-name template: {}", if .names.len() == 1 { "" } else { "s" }, .names.iter().map(|n| format!("{{{n}}}")).collect::<Vec<_>>().join(", "))]
    UnknownPlaceholder { names: Vec<String> },
    /// A `{` without `}` or the other way round, at this character offset.
    #[error("unbalanced brace at character {at} of the file-name template")]
    Unbalanced { at: usize },
    /// The template has no file name after its last `/`.
    #[error("the file-name template ends with a folder separator")]
    NoFileName,
    /// The archive folder is so long that no name fits Windows' path limit.
    #[error("the folder path is too long for any file name to fit")]
    FolderTooLong,
}

impl TemplateError {
    #[must_use]
    pub fn kind(&self) -> FilesCode {
        match self {
            Self::Empty => FilesCode::TemplateEmpty,
            Self::UnknownPlaceholder { .. } => FilesCode::TemplateUnknownPlaceholder,
            Self::Unbalanced { .. } => FilesCode::TemplateUnbalanced,
            Self::NoFileName => FilesCode::TemplateNoFileName,
            Self::FolderTooLong => FilesCode::FolderTooLong,
        }
    }

    #[must_use]
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }
}

/// The values of one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameFields {
    /// The billing account's display name (its id when unnamed).
    pub billing_account: String,
    /// MCA/MPA: the billing profile's display name; empty otherwise.
    pub billing_profile: String,
    /// The scope's display name (profile, subscription, enrollment …).
    pub scope: String,
    /// MOSP: the subscription's display name; empty otherwise.
    pub subscription: String,
    /// The invoice date (the period's end when Azure gives none).
    pub date: Option<Date>,
    pub invoice_name: String,
    /// Azure's document kind: `Invoice`, `CreditNote`, `TaxReceipt`, `Summary`, …
    pub document_kind: String,
    /// The document id Azure gives (`documents[].name`), else the invoice name.
    pub document_name: String,
}

impl NameFields {
    /// The sample the settings screen previews.
    #[must_use]
    pub fn sample() -> Self {
        Self {
            billing_account: "Contoso Ltd".into(),
            billing_profile: "Contoso Finance".into(),
            scope: "Contoso Finance".into(),
            subscription: "Pay-As-You-Go".into(),
            date: Date::from_calendar_date(2026, time::Month::September, 5).ok(),
            invoice_name: "G012345678".into(),
            document_kind: "Invoice".into(),
            document_name: "G012345678-1".into(),
        }
    }

    fn value(&self, field: &str) -> String {
        let date = |f: fn(Date) -> String| self.date.map(f).unwrap_or_default();
        match field {
            "billingAccount" => self.billing_account.clone(),
            "billingProfile" => self.billing_profile.clone(),
            "scope" => self.scope.clone(),
            "subscription" => self.subscription.clone(),
            "yyyy" => date(|d| format!("{:04}", d.year())),
            "mm" => date(|d| format!("{:02}", u8::from(d.month()))),
            "dd" => date(|d| format!("{:02}", d.day())),
            "invoiceName" => self.invoice_name.clone(),
            "documentKind" => self.document_kind.clone(),
            "documentName" => self.document_name.clone(),
            _ => String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field(&'static str),
}

/// A parsed, valid template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    /// Folders then the file name; each a sequence of pieces.
    components: Vec<Vec<Piece>>,
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl Template {
    /// Parses `source`, reporting every unknown placeholder at once.
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        if source.trim().is_empty() {
            return Err(TemplateError::Empty);
        }
        let mut components = vec![Vec::new()];
        let mut unknown = Vec::new();
        let mut text = String::new();
        let mut chars = source.char_indices().enumerate();
        let flush = |text: &mut String, components: &mut Vec<Vec<Piece>>| {
            if !text.is_empty()
                && let Some(last) = components.last_mut()
            {
                last.push(Piece::Text(std::mem::take(text)));
            }
        };
        while let Some((at, (_, c))) = chars.next() {
            match c {
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some((_, (_, '}'))) => break,
                            Some((_, (_, '{'))) | None => {
                                return Err(TemplateError::Unbalanced { at });
                            }
                            Some((_, (_, c))) => name.push(c),
                        }
                    }
                    flush(&mut text, &mut components);
                    match FIELDS.iter().find(|f| **f == name.trim()) {
                        Some(field) => {
                            if let Some(last) = components.last_mut() {
                                last.push(Piece::Field(field));
                            }
                        }
                        None => {
                            if !unknown.contains(&name) {
                                unknown.push(name);
                            }
                        }
                    }
                }
                '}' => return Err(TemplateError::Unbalanced { at }),
                '/' | '\\' => {
                    flush(&mut text, &mut components);
                    components.push(Vec::new());
                }
                c => text.push(c),
            }
        }
        flush(&mut text, &mut components);
        if !unknown.is_empty() {
            return Err(TemplateError::UnknownPlaceholder { names: unknown });
        }
        if components.last().is_none_or(Vec::is_empty) {
            return Err(TemplateError::NoFileName);
        }
        // Leading or doubled separators give empty folders: drop them.
        let last = components.len() - 1;
        let components = components
            .into_iter()
            .enumerate()
            .filter(|(i, c)| *i == last || !c.is_empty())
            .map(|(_, c)| c)
            .collect();
        Ok(Self {
            source: source.to_owned(),
            components,
        })
    }

    /// Whether the template tells the documents of one invoice apart by itself.
    #[must_use]
    pub fn names_documents(&self) -> bool {
        self.components
            .iter()
            .flatten()
            .any(|p| matches!(p, Piece::Field(f) if *f == "documentKind" || *f == "documentName"))
    }

    /// The sanitised components: folders, then the file name (always with an extension).
    ///
    /// `extra` is inserted before the file name's extension (used for documents other than
    /// the invoice itself when the template does not name documents).
    #[must_use]
    pub fn components(&self, fields: &NameFields, extra: Option<&str>) -> Vec<String> {
        let last = self.components.len() - 1;
        let mut out = Vec::new();
        for (i, pieces) in self.components.iter().enumerate() {
            let mut raw = String::new();
            for piece in pieces {
                match piece {
                    Piece::Text(t) => raw.push_str(t),
                    Piece::Field(f) => raw.push_str(&fields.value(f)),
                }
            }
            if i < last {
                if raw.trim().is_empty() {
                    continue;
                }
                out.push(sanitise::component(&raw, false));
                continue;
            }
            let raw = raw.trim();
            let (stem, ext) = match sanitise::extension(raw) {
                Some(ext) if ext.len() > 2 && ext.len() <= 5 => {
                    (&raw[..raw.len() - ext.len()], ext)
                }
                _ => (raw, ".pdf"),
            };
            let stem = match extra {
                Some(extra) => format!("{stem} {extra}"),
                None => stem.to_owned(),
            };
            out.push(sanitise::component(&format!("{stem}{ext}"), true));
        }
        out
    }

    /// The relative path for a document, shortened to fit the path budget of `folder`.
    pub fn render(
        &self,
        fields: &NameFields,
        extra: Option<&str>,
        folder: &Path,
    ) -> Result<PathBuf, TemplateError> {
        let budget = sanitise::MAX_PATH_UNITS
            .checked_sub(sanitise::folder_units(folder))
            .ok_or(TemplateError::FolderTooLong)?;
        let parts = sanitise::fit_budget(self.components(fields, extra), budget)
            .ok_or(TemplateError::FolderTooLong)?;
        Ok(sanitise::join(&parts))
    }
}

/// What the settings screen shows for a template: the sample document's relative path with
/// `/` separators, or why the template cannot be used.
pub fn preview(template: &str) -> Result<String, TemplateError> {
    let template = Template::parse(template)?;
    Ok(template.components(&NameFields::sample(), None).join("/"))
}

#[cfg(test)]
#[allow(clippy::case_sensitive_file_extension_comparisons)]
mod tests {
    use super::*;

    fn fields() -> NameFields {
        NameFields {
            billing_account: "Contoso: R&D / EU".into(),
            date: Date::from_calendar_date(2025, time::Month::March, 7).ok(),
            invoice_name: "G000000001".into(),
            document_kind: "CreditNote".into(),
            document_name: "D1".into(),
            ..NameFields::default()
        }
    }

    #[test]
    fn the_default_template_renders_folders_and_a_pdf() {
        let t = Template::parse("{billingAccount}/{yyyy}-{mm} {invoiceName}.pdf").unwrap();
        assert_eq!(
            t.components(&fields(), None),
            ["Contoso_ R&D _ EU", "2025-03 G000000001.pdf"]
        );
        assert_eq!(
            preview("{billingAccount}/{yyyy}-{mm} {invoiceName}.pdf").unwrap(),
            "Contoso Ltd/2026-09 G012345678.pdf"
        );
        assert!(!t.names_documents());
        assert_eq!(
            t.components(&fields(), Some("CreditNote")),
            ["Contoso_ R&D _ EU", "2025-03 G000000001 CreditNote.pdf"]
        );
    }

    #[test]
    fn every_field_has_a_value() {
        let all = FIELDS
            .iter()
            .map(|f| format!("{{{f}}}"))
            .collect::<Vec<_>>()
            .join("_");
        let out = preview(&all).unwrap();
        assert_eq!(
            out,
            "Contoso Ltd_Contoso Finance_Contoso Finance_Pay-As-You-Go_2026_09_05_G012345678_Invoice_G012345678-1.pdf"
        );
    }

    #[test]
    fn bad_templates_are_typed_errors() {
        assert_eq!(
            Template::parse("{month}/{x} {invoiceName}").unwrap_err(),
            TemplateError::UnknownPlaceholder {
                names: vec!["month".into(), "x".into()]
            }
        );
        assert_eq!(
            preview("{invoiceName").unwrap_err(),
            TemplateError::Unbalanced { at: 0 }
        );
        assert_eq!(
            preview("a}b").unwrap_err(),
            TemplateError::Unbalanced { at: 1 }
        );
        assert_eq!(preview("  ").unwrap_err(), TemplateError::Empty);
        assert_eq!(preview("{yyyy}/").unwrap_err(), TemplateError::NoFileName);
        assert_eq!(
            TemplateError::UnknownPlaceholder {
                names: vec!["month".into()]
            }
            .to_string(),
            "unknown placeholder in the file-name template: {month}"
        );
    }

    #[test]
    fn no_template_leaves_the_folder() {
        for hostile in [
            "/etc/{invoiceName}",
            "../../{invoiceName}",
            "..\\..\\x",
            "{billingAccount}/../{invoiceName}",
            "C:\\Windows\\{invoiceName}",
            "//server/share/{invoiceName}",
        ] {
            let t = Template::parse(hostile).unwrap();
            let mut f = fields();
            f.billing_account = "..".into();
            let path = t.render(&f, None, Path::new("/archive")).unwrap();
            assert!(
                sanitise::is_contained(&path),
                "{hostile} → {}",
                path.display()
            );
        }
    }

    #[test]
    fn empty_folders_are_left_out_and_names_get_an_extension() {
        let t = Template::parse("{billingProfile}/{invoiceName}").unwrap();
        assert_eq!(t.components(&fields(), None), ["G000000001.pdf"]);
        let t = Template::parse("{invoiceName}.PDF").unwrap();
        assert_eq!(t.components(&fields(), None), ["G000000001.PDF"]);
    }

    #[test]
    fn long_values_are_cut_to_fit_the_folder() {
        let mut f = fields();
        f.billing_account = "A".repeat(300);
        f.invoice_name = "I".repeat(300);
        let t = Template::parse("{billingAccount}/{invoiceName}.pdf").unwrap();
        let folder = Path::new("/home/someone/Documents/Invoices");
        let path = t.render(&f, None, folder).unwrap();
        let total = folder.join(&path).to_string_lossy().encode_utf16().count();
        assert!(
            total <= sanitise::MAX_PATH_UNITS - sanitise::SUFFIX_RESERVE,
            "{total}"
        );
        assert!(path.to_string_lossy().ends_with(".pdf"));
        let deep = PathBuf::from(format!("/{}", "d".repeat(250)));
        assert_eq!(
            t.render(&f, None, &deep).unwrap_err(),
            TemplateError::FolderTooLong
        );
    }
}
