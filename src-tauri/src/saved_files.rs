//! Which files the window may open, reveal, drag or read: only documents the app saved. The web
//! view names a file by its path; anything it names that the app did not save (an installer in
//! the same folder, a file outside it) is refused.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use invoice_desk_files::ArchiveIndex;

use crate::downloads::saved_roots;
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;

/// Files this run saved outside the download folder and the archive ("Save as…"), which the
/// window may open or reveal too.
#[derive(Debug, Default)]
pub struct SavedElsewhere(Mutex<HashSet<PathBuf>>);

impl SavedElsewhere {
    pub fn add(&self, path: &Path) {
        if let Ok(path) = std::fs::canonicalize(path) {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(path);
        }
    }

    fn contains(&self, path: &Path) -> bool {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(path)
    }
}

/// The kinds of document the app writes: the only files the window may open or reveal.
const DOCUMENT_EXTENSIONS: [&str; 3] = ["pdf", "csv", "zip"];

/// A saved document, only when the index of the download folder or the archive records it, or
/// this run saved it elsewhere, and only a kind of file the app writes.
pub(crate) fn saved_file(
    state: &AppState,
    elsewhere: &SavedElsewhere,
    path: &str,
) -> Result<PathBuf, AppError> {
    recorded_document(Path::new(path), &saved_roots(state)?, elsewhere).ok_or_else(|| {
        AppError::new(ErrorCode::NotFound)
            .with_details("That file is not among the saved invoices.")
            .with_details(path.to_owned())
    })
}

/// `path` when it is a document recorded in the index of one of `roots` or saved elsewhere by
/// this run, named as the programs it is handed to (the PDF viewer, Excel, Explorer) expect.
fn recorded_document(
    path: &Path,
    roots: &[PathBuf],
    elsewhere: &SavedElsewhere,
) -> Option<PathBuf> {
    // Canonical on both sides, so `..`, links and letter case cannot pass a file off as
    // another one inside a root.
    let file = std::fs::canonicalize(path).ok()?;
    let is_document = file.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        DOCUMENT_EXTENSIONS
            .iter()
            .any(|d| d.eq_ignore_ascii_case(e))
    });
    if !is_document || !file.is_file() {
        return None;
    }
    let recorded = elsewhere.contains(&file)
        || roots
            .iter()
            .filter_map(|root| std::fs::canonicalize(root).ok())
            .any(|root| {
                file.strip_prefix(&root)
                    .is_ok_and(|relative| ArchiveIndex::records(&root, relative))
            });
    // Windows' canonical names start with `\\?\`, which Explorer reads but many of the
    // programs a file is opened with do not: they get the plain name whenever it means the
    // same file (always, for paths the app saved within `MAX_PATH`).
    recorded.then(|| dunce::simplified(&file).to_path_buf())
}

#[cfg(test)]
mod tests {
    use invoice_desk_files::IndexEntry;

    use super::*;

    /// A download folder whose index records `2026/invoice.pdf` and `2026/setup.exe`, with an
    /// unrecorded `2026/other.pdf` beside them.
    fn download_folder() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("2026")).unwrap();
        let mut index = ArchiveIndex::empty(root.path());
        for name in ["invoice.pdf", "setup.exe", "other.pdf"] {
            std::fs::write(root.path().join("2026").join(name), name).unwrap();
            if name == "other.pdf" {
                continue;
            }
            index.record(IndexEntry {
                scope_id: "scope".into(),
                invoice: name.into(),
                document_kind: "Invoice".into(),
                document_name: None,
                path: format!("2026/{name}"),
                size: name.len() as u64,
                blake3: String::new(),
                sha256: None,
                saved_at: "2026-12-05T00:00:00Z".into(),
            });
        }
        index.save().unwrap();
        root
    }

    #[test]
    fn a_recorded_document_is_handed_out_by_a_name_every_program_opens() {
        let root = download_folder();
        let roots = [root.path().to_owned()];
        let asked = root.path().join("2026").join("invoice.pdf");
        let file = recorded_document(&asked, &roots, &SavedElsewhere::default())
            .expect("the recorded invoice is a saved document");
        let name = file.display().to_string();
        assert!(!name.starts_with(r"\\?\"), "{name}");
        assert!(file.is_absolute(), "{name}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "invoice.pdf");
    }

    #[test]
    fn unrecorded_files_other_kinds_and_paths_leading_out_are_refused() {
        let root = download_folder();
        // Another folder the app saved into once, but not one of today's.
        let former = download_folder();
        let roots = [root.path().to_owned()];
        let elsewhere = SavedElsewhere::default();
        let folder = root.path().join("2026");
        let former_name = former.path().file_name().unwrap();
        for asked in [
            folder.join("other.pdf"),
            folder.join("setup.exe"),
            folder.join("missing.pdf"),
            folder.join("..").join("2026").join("other.pdf"),
            former.path().join("2026").join("invoice.pdf"),
            root.path()
                .join("..")
                .join(former_name)
                .join("2026")
                .join("invoice.pdf"),
        ] {
            assert_eq!(
                recorded_document(&asked, &roots, &elsewhere),
                None,
                "{asked:?}"
            );
        }
        // The same path through `..` is the same recorded file.
        let round_about = folder.join("..").join("2026").join("invoice.pdf");
        assert!(recorded_document(&round_about, &roots, &elsewhere).is_some());
    }

    #[test]
    fn a_file_saved_elsewhere_by_this_run_is_allowed_by_itself() {
        let root = download_folder();
        let outside = tempfile::tempdir().unwrap();
        let saved = outside.path().join("saved as.pdf");
        std::fs::write(&saved, "pdf").unwrap();
        let roots = [root.path().to_owned()];
        let elsewhere = SavedElsewhere::default();
        assert_eq!(recorded_document(&saved, &roots, &elsewhere), None);
        elsewhere.add(&saved);
        let file = recorded_document(&saved, &roots, &elsewhere).unwrap();
        assert!(!file.display().to_string().starts_with(r"\\?\"));
        assert_eq!(std::fs::read_to_string(file).unwrap(), "pdf");
    }
}
