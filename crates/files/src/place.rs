//! Putting a finished `.part` file under its final name without ever overwriting anything.
//!
//! The part file is hard-linked to the final name, which fails when the name exists: no
//! window in which another file could be replaced (file systems without hard links get an
//! exists-check and a rename under a process-wide lock). When the name is taken:
//! - by the same bytes (their BLAKE3 hash): the document is already there;
//! - by different bytes: both are kept, the new one under the first free `name (N).ext`
//!   (N = 2, 3, …), so the choice only depends on what is on disk and re-runs land on the
//!   same name.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

use crate::error::FilesError;
use crate::fsio;
use crate::sanitise;
use crate::writer::Downloaded;

/// The highest suffix tried before giving up.
pub const MAX_SUFFIX: u32 = 999;

/// What happened to one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Placed {
    /// A new file.
    Saved { path: PathBuf },
    /// The same bytes were already under this name; nothing was written.
    AlreadyThere { path: PathBuf },
    /// A different file had the name; it is untouched and the document was saved beside it.
    KeptBoth { path: PathBuf, existing: PathBuf },
}

impl Placed {
    /// The relative path of the document's file.
    #[must_use]
    pub fn path(&self) -> &Path {
        match self {
            Self::Saved { path } | Self::AlreadyThere { path } | Self::KeptBoth { path, .. } => {
                path
            }
        }
    }
}

/// Names taken in the archive by a document (case- and normalisation-folded, as Windows and
/// macOS compare them), so two documents never get the same name even on a file system that
/// would tell them apart.
#[derive(Debug, Default)]
pub struct Claims {
    taken: Mutex<HashMap<String, String>>,
}

impl Claims {
    fn key(relative: &Path) -> String {
        sanitise::fold(&relative.to_string_lossy().replace('\\', "/"))
    }

    /// Claims `relative` for `owner`; false when another owner has it.
    pub fn claim(&self, relative: &Path, owner: &str) -> bool {
        let mut taken = self
            .taken
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let current = taken
            .entry(Self::key(relative))
            .or_insert_with(|| owner.to_owned());
        current == owner
    }

    /// The owner of `relative`, if any.
    #[must_use]
    pub fn owner(&self, relative: &Path) -> Option<String> {
        self.taken
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&Self::key(relative))
            .cloned()
    }

    /// The first of `name`, `name (2)`, … that is free for `owner`.
    #[must_use]
    pub fn claim_free(&self, relative: &Path, owner: &str) -> Option<PathBuf> {
        (1..=MAX_SUFFIX)
            .map(|n| suffixed(relative, n))
            .find(|candidate| self.claim(candidate, owner))
    }
}

/// `relative` with suffix `n` (1: unchanged).
#[must_use]
pub fn suffixed(relative: &Path, n: u32) -> PathBuf {
    if n <= 1 {
        return relative.to_owned();
    }
    let name = relative
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    relative.with_file_name(sanitise::with_suffix(&name, n))
}

/// Serialises renames on file systems without hard links (within this process).
static RENAME_LOCK: Mutex<()> = Mutex::new(());

/// Links `done.part` to `root/relative` (or the first free suffix), never overwriting.
/// Blocking: run it off the async runtime.
pub fn place(
    root: &Path,
    relative: &Path,
    done: &Downloaded,
    claims: &Claims,
    owner: &str,
) -> Result<Placed, FilesError> {
    let mut first_taken: Option<PathBuf> = None;
    for n in 1..=MAX_SUFFIX {
        let candidate = suffixed(relative, n);
        if !claims.claim(&candidate, owner) {
            continue;
        }
        let full = root.join(&candidate);
        match link_no_clobber(&done.part, &full) {
            Ok(()) => {
                let _ = fs::remove_file(&done.part);
                let dir = full.parent().unwrap_or(root);
                fsio::sync_dir(dir).map_err(|e| FilesError::io(dir, &e))?;
                return Ok(match first_taken {
                    None => Placed::Saved { path: candidate },
                    Some(existing) => Placed::KeptBoth {
                        path: candidate,
                        existing,
                    },
                });
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                if same_bytes(&full, done)? {
                    let _ = fs::remove_file(&done.part);
                    return Ok(Placed::AlreadyThere { path: candidate });
                }
                first_taken.get_or_insert(candidate);
            }
            Err(e) => return Err(FilesError::io(&full, &e)),
        }
    }
    let _ = fs::remove_file(&done.part);
    Err(FilesError::TooManyCollisions {
        path: root.join(relative),
    })
}

fn same_bytes(existing: &Path, done: &Downloaded) -> Result<bool, FilesError> {
    let meta = fs::metadata(existing).map_err(|e| FilesError::io(existing, &e))?;
    if !meta.is_file() || meta.len() != done.size {
        return Ok(false);
    }
    let (sha, _) = fsio::hash_file(existing).map_err(|e| FilesError::io(existing, &e))?;
    Ok(sha == done.content_hash)
}

fn link_no_clobber(from: &Path, to: &Path) -> io::Result<()> {
    match fs::hard_link(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        // FAT/exFAT sticks and some network shares have no hard links.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::Unsupported | io::ErrorKind::PermissionDenied
            ) && from.exists() =>
        {
            let _guard = RENAME_LOCK
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if fs::symlink_metadata(to).is_ok() {
                return Err(io::Error::from(io::ErrorKind::AlreadyExists));
            }
            fs::rename(from, to)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(dir: &Path, name: &str, bytes: &[u8]) -> Downloaded {
        let path = dir.join(format!("{name}.part"));
        fs::write(&path, bytes).unwrap();
        Downloaded {
            part: path,
            size: bytes.len() as u64,
            content_hash: *blake3::hash(bytes).as_bytes(),
            resumes: 0,
            restarts: 0,
        }
    }

    #[test]
    fn same_bytes_are_already_there_and_different_bytes_are_kept_both() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let rel = Path::new("G1.pdf");
        let claims = Claims::default();
        let first = place(root, rel, &part(root, "a", b"%PDF-1"), &claims, "doc").unwrap();
        assert_eq!(first, Placed::Saved { path: rel.into() });
        let again = place(root, rel, &part(root, "b", b"%PDF-1"), &claims, "doc").unwrap();
        assert_eq!(again, Placed::AlreadyThere { path: rel.into() });
        let changed = place(root, rel, &part(root, "c", b"%PDF-2"), &claims, "doc").unwrap();
        assert_eq!(
            changed,
            Placed::KeptBoth {
                path: "G1 (2).pdf".into(),
                existing: rel.into()
            }
        );
        assert_eq!(fs::read(root.join(rel)).unwrap(), b"%PDF-1");
        assert_eq!(fs::read(root.join("G1 (2).pdf")).unwrap(), b"%PDF-2");
        // The same changed bytes again land on the same suffix.
        let rerun = place(root, rel, &part(root, "d", b"%PDF-2"), &claims, "doc").unwrap();
        assert_eq!(
            rerun,
            Placed::AlreadyThere {
                path: "G1 (2).pdf".into()
            }
        );
        let names: Vec<_> = fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "no part files left: {names:?}");
    }

    #[test]
    fn claims_fold_case_and_keep_owners_apart() {
        let claims = Claims::default();
        assert!(claims.claim(Path::new("A/x.pdf"), "one"));
        assert!(claims.claim(Path::new("a/X.PDF"), "one"));
        assert!(!claims.claim(Path::new("a/x.pdf"), "two"));
        assert_eq!(
            claims.claim_free(Path::new("a/x.pdf"), "two"),
            Some(PathBuf::from("a/x (2).pdf"))
        );
        assert_eq!(
            claims.owner(Path::new("A/X (2).pdf")).as_deref(),
            Some("two")
        );
    }
}
