//! The archive index: every document saved into an archive folder, in a small JSON file in
//! that folder ([`INDEX_FILE`]), written atomically.
//!
//! It answers "is this document already on disk?" without any network: an entry counts only
//! while its file still exists with the recorded size (a file the user deleted or replaced by
//! a shorter one is fetched again). A corrupt index is moved aside (`….corrupt-<time>`) and a
//! fresh one started: the next sync finds the files already on disk by their bytes
//! ("already there") and records them again, so nothing is downloaded twice under new names.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::fsio;

/// The index file's name inside the archive folder.
pub const INDEX_FILE: &str = ".invoice-desk-index.json";

/// Beside the index: locked while a save merges into the index, so two saves into one folder
/// (the window's Save and Sync, the command line's `sync`) never drop each other's entries.
pub const INDEX_LOCK_FILE: &str = ".invoice-desk-index.lock";

/// 2: entries carry a BLAKE3 hash instead of a SHA-256 one (version 1 is still read).
const VERSION: u32 = 2;

/// Which document of which invoice in which scope: the identity of an archived document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentKey {
    /// The scope's ARM id, lower case (ARM ids are case-insensitive).
    pub scope_id: String,
    pub invoice: String,
    /// Azure's document id (`documents[].name`), or the kind when Azure gives no id.
    pub document: String,
}

impl DocumentKey {
    #[must_use]
    pub fn new(scope_id: &str, invoice: &str, document: &str) -> Self {
        Self {
            scope_id: scope_id.trim_end_matches('/').to_lowercase(),
            invoice: invoice.to_owned(),
            document: document.to_owned(),
        }
    }

    /// A compact text form, used to tell owners of names apart.
    #[must_use]
    pub fn id(&self) -> String {
        format!("{}|{}|{}", self.scope_id, self.invoice, self.document)
    }
}

/// One saved document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexEntry {
    pub scope_id: String,
    pub invoice: String,
    /// Azure's kind: `Invoice`, `CreditNote`, …
    pub document_kind: String,
    /// Azure's document id, when it gave one.
    #[serde(default)]
    pub document_name: Option<String>,
    /// Relative to the archive folder, with `/` separators on every system.
    pub path: String,
    pub size: u64,
    /// BLAKE3 of the bytes, lower-case hex (empty in entries written before it was kept).
    #[serde(default)]
    pub blake3: String,
    /// SHA-256, lower-case hex: only in entries written by earlier versions, kept as read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// RFC 3339, UTC.
    pub saved_at: String,
}

impl IndexEntry {
    #[must_use]
    pub fn key(&self) -> DocumentKey {
        DocumentKey::new(
            &self.scope_id,
            &self.invoice,
            self.document_name.as_deref().unwrap_or(&self.document_kind),
        )
    }

    /// The path as a relative `PathBuf` for this system.
    #[must_use]
    pub fn relative(&self) -> PathBuf {
        self.path.split('/').collect()
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct IndexFile {
    version: u32,
    documents: Vec<IndexEntry>,
}

/// The index file of a folder as it lies there.
enum OnDisk {
    Missing,
    /// Its documents whose paths stay inside the folder.
    Usable(Vec<IndexEntry>),
    /// Not an index this program can use (too large, not JSON, a newer version): why.
    Unusable(String),
}

/// Reads the index file of `root`; only an error other than its absence or its content (a
/// folder that cannot be read) is an `Err`.
fn on_disk(root: &Path) -> io::Result<OnDisk> {
    let bytes = match fsio::read_capped(&root.join(INDEX_FILE), fsio::MAX_BOOKKEEPING_FILE) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(OnDisk::Missing),
        // Too large to be an index the app wrote: unusable like a corrupt one.
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            return Ok(OnDisk::Unusable(e.to_string()));
        }
        Err(e) => return Err(e),
    };
    Ok(match serde_json::from_slice::<IndexFile>(&bytes) {
        Ok(file) if file.version <= VERSION => OnDisk::Usable(
            file.documents
                .into_iter()
                .filter(|e| crate::sanitise::is_contained(&e.relative()))
                .collect(),
        ),
        Ok(file) => OnDisk::Unusable(format!(
            "version {} is newer than this program",
            file.version
        )),
        Err(e) => OnDisk::Unusable(e.to_string()),
    })
}

/// Something the user should hear about the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum IndexWarning {
    /// The index could not be read; it was moved to `backup` and a new one started.
    CorruptIndexReplaced { backup: PathBuf, reason: String },
}

impl IndexWarning {
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::CorruptIndexReplaced { .. } => "corrupt_index_replaced",
        }
    }
}

impl std::fmt::Display for IndexWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::CorruptIndexReplaced { backup, reason } => write!(
                f,
                "the archive index could not be read ({reason}); it was kept as {} and a new one started",
                backup.display()
            ),
        }
    }
}

/// The index of one archive folder, in memory.
#[derive(Debug, Clone)]
pub struct ArchiveIndex {
    root: PathBuf,
    entries: BTreeMap<DocumentKey, IndexEntry>,
    dirty: bool,
    /// What this index recorded since it was read: these win over the file's on a save.
    recorded: std::collections::BTreeSet<DocumentKey>,
}

impl ArchiveIndex {
    /// An empty index for `root` (nothing read).
    #[must_use]
    pub fn empty(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
            entries: BTreeMap::new(),
            dirty: false,
            recorded: std::collections::BTreeSet::new(),
        }
    }

    /// Reads the index of `root`. A missing file is an empty index; an unreadable one is moved
    /// aside and reported. Only a failure to move it aside is an error.
    pub fn load(root: &Path) -> io::Result<(Self, Option<IndexWarning>)> {
        let path = root.join(INDEX_FILE);
        match on_disk(root)? {
            OnDisk::Missing => Ok((Self::empty(root), None)),
            OnDisk::Usable(documents) => {
                let entries = documents.into_iter().map(|e| (e.key(), e)).collect();
                Ok((
                    Self {
                        entries,
                        ..Self::empty(root)
                    },
                    None,
                ))
            }
            OnDisk::Unusable(reason) => {
                let stamp = OffsetDateTime::now_utc().unix_timestamp();
                let backup = root.join(format!("{INDEX_FILE}.corrupt-{stamp}"));
                fs::rename(&path, &backup)?;
                tracing::warn!(%reason, backup = %backup.display(), "archive index replaced");
                let mut fresh = Self::empty(root);
                fresh.dirty = true;
                Ok((
                    fresh,
                    Some(IndexWarning::CorruptIndexReplaced { backup, reason }),
                ))
            }
        }
    }

    /// Whether the index of `root` records a document at `relative` (a path inside `root`).
    /// Read only: an unreadable index is left where it is and records nothing.
    #[must_use]
    pub fn records(root: &Path, relative: &Path) -> bool {
        matches!(on_disk(root), Ok(OnDisk::Usable(documents))
            if documents.iter().any(|e| e.relative() == relative))
    }

    /// Writes the index atomically (temp file, fsync, rename) when it changed, merged with
    /// what another save wrote meanwhile: under the folder's lock the file is read again, its
    /// entries kept, and this index's recordings laid over them.
    pub fn save(&mut self) -> io::Result<()> {
        if !self.dirty {
            return Ok(());
        }
        fs::create_dir_all(&self.root)?;
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.root.join(INDEX_LOCK_FILE))?;
        lock.lock()?;
        if let Ok(OnDisk::Usable(documents)) = on_disk(&self.root) {
            for entry in documents {
                let key = entry.key();
                if !self.recorded.contains(&key) {
                    self.entries.insert(key, entry);
                }
            }
        }
        let file = IndexFile {
            version: VERSION,
            documents: self.entries.values().cloned().collect(),
        };
        let bytes = serde_json::to_vec_pretty(&file).map_err(io::Error::other)?;
        fsio::write_atomic(&self.root.join(INDEX_FILE), &bytes)?;
        drop(lock);
        self.dirty = false;
        self.recorded.clear();
        Ok(())
    }

    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> impl Iterator<Item = &IndexEntry> {
        self.entries.values()
    }

    #[must_use]
    pub fn get(&self, key: &DocumentKey) -> Option<&IndexEntry> {
        self.entries.get(key)
    }

    /// The entry when its file is still there with the recorded size (one `stat`, no reading).
    #[must_use]
    pub fn on_disk(&self, key: &DocumentKey) -> Option<&IndexEntry> {
        let entry = self.entries.get(key)?;
        let meta = fs::metadata(self.root.join(entry.relative())).ok()?;
        (meta.is_file() && meta.len() == entry.size).then_some(entry)
    }

    /// The documents of one invoice on disk, for the UI's "saved" mark.
    pub fn invoice_on_disk<'a>(
        &'a self,
        scope_id: &str,
        invoice: &'a str,
    ) -> impl Iterator<Item = &'a IndexEntry> + 'a {
        let scope = scope_id.trim_end_matches('/').to_lowercase();
        self.entries
            .values()
            .filter(move |e| e.scope_id == scope && e.invoice == invoice)
            .filter(|e| self.on_disk(&e.key()).is_some())
    }

    /// Records (or replaces) a document.
    pub fn record(&mut self, mut entry: IndexEntry) {
        entry.scope_id = entry.scope_id.trim_end_matches('/').to_lowercase();
        self.recorded.insert(entry.key());
        self.entries.insert(entry.key(), entry);
        self.dirty = true;
    }
}

/// Now, as the index writes it.
#[must_use]
pub fn now_text() -> String {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .format(&Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(invoice: &str, path: &str, size: u64) -> IndexEntry {
        IndexEntry {
            scope_id: "/Subscriptions/ABC".into(),
            invoice: invoice.into(),
            document_kind: "Invoice".into(),
            document_name: Some(format!("{invoice}-1")),
            path: path.into(),
            size,
            blake3: "00".into(),
            sha256: None,
            saved_at: now_text(),
        }
    }

    #[test]
    fn round_trips_and_checks_the_file_is_still_there() {
        let dir = tempfile::tempdir().unwrap();
        let (mut index, warning) = ArchiveIndex::load(dir.path()).unwrap();
        assert!(warning.is_none() && index.is_empty());
        fs::create_dir_all(dir.path().join("acct")).unwrap();
        fs::write(dir.path().join("acct/G1.pdf"), b"12345").unwrap();
        index.record(entry("G1", "acct/G1.pdf", 5));
        index.record(entry("G2", "acct/G2.pdf", 5));
        index.save().unwrap();
        let (index, _) = ArchiveIndex::load(dir.path()).unwrap();
        assert_eq!(index.len(), 2);
        let key = DocumentKey::new("/subscriptions/abc/", "G1", "G1-1");
        assert!(index.on_disk(&key).is_some());
        assert!(
            index
                .on_disk(&DocumentKey::new("/subscriptions/abc", "G2", "G2-1"))
                .is_none()
        );
        fs::write(dir.path().join("acct/G1.pdf"), b"123").unwrap();
        assert!(
            index.on_disk(&key).is_none(),
            "a different size is not the saved file"
        );
        assert_eq!(index.invoice_on_disk("/SUBSCRIPTIONS/abc", "G1").count(), 0);
    }

    #[test]
    fn an_index_of_an_earlier_version_is_read_and_its_hashes_kept() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("acct")).unwrap();
        fs::write(dir.path().join("acct/G1.pdf"), b"%PDF").unwrap();
        let earlier = r#"{"version":1,"documents":[{"scopeId":"/subscriptions/abc","invoice":"G1",
            "documentKind":"Invoice","documentName":"G1-1","path":"acct/G1.pdf","size":4,
            "sha256":"aa11","savedAt":"2026-01-02T03:04:05Z"}]}"#;
        fs::write(dir.path().join(INDEX_FILE), earlier).unwrap();
        let (mut index, warning) = ArchiveIndex::load(dir.path()).unwrap();
        assert!(warning.is_none(), "an earlier version is not corrupt");
        let key = DocumentKey::new("/subscriptions/abc", "G1", "G1-1");
        let entry = index
            .on_disk(&key)
            .expect("the saved invoice is known")
            .clone();
        assert_eq!(entry.sha256.as_deref(), Some("aa11"));
        assert_eq!(entry.blake3, "");
        index.dirty = true;
        index.save().unwrap();
        let written = fs::read_to_string(dir.path().join(INDEX_FILE)).unwrap();
        assert!(
            written.contains("\"version\": 2") || written.contains("\"version\":2"),
            "{written}"
        );
        assert!(
            written.contains("aa11"),
            "the earlier hash is not dropped: {written}"
        );
    }

    #[test]
    fn records_answers_for_saved_paths_only_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut index = ArchiveIndex::empty(dir.path());
        index.record(entry("G1", "acct/G1.pdf", 3));
        index.save().unwrap();
        assert!(ArchiveIndex::records(dir.path(), Path::new("acct/G1.pdf")));
        assert!(!ArchiveIndex::records(dir.path(), Path::new("acct/G2.pdf")));
        assert!(!ArchiveIndex::records(dir.path(), Path::new("G1.pdf")));
        fs::write(dir.path().join(INDEX_FILE), b"{not json").unwrap();
        assert!(!ArchiveIndex::records(dir.path(), Path::new("acct/G1.pdf")));
        assert_eq!(fs::read(dir.path().join(INDEX_FILE)).unwrap(), b"{not json");
    }

    #[test]
    fn an_index_too_large_to_be_ours_is_kept_aside_without_being_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let planted = fs::File::create(dir.path().join(INDEX_FILE)).unwrap();
        planted.set_len(fsio::MAX_BOOKKEEPING_FILE + 1).unwrap();
        drop(planted);
        assert!(!ArchiveIndex::records(dir.path(), Path::new("a.pdf")));
        let (index, warning) = ArchiveIndex::load(dir.path()).unwrap();
        assert!(index.is_empty());
        let Some(IndexWarning::CorruptIndexReplaced { backup, reason }) = warning else {
            panic!("expected a warning");
        };
        assert!(reason.contains("larger than 64 MiB"), "{reason}");
        assert_eq!(
            fs::metadata(&backup).unwrap().len(),
            fsio::MAX_BOOKKEEPING_FILE + 1,
            "kept as it was"
        );
    }

    #[test]
    fn two_saves_into_one_folder_keep_each_others_entries() {
        let dir = tempfile::tempdir().unwrap();
        let mut before = ArchiveIndex::empty(dir.path());
        before.record(entry("G0", "acct/G0.pdf", 1));
        before.save().unwrap();
        // Two saves read the folder's index, each records its own document...
        let (mut save, _) = ArchiveIndex::load(dir.path()).unwrap();
        let (mut sync, _) = ArchiveIndex::load(dir.path()).unwrap();
        save.record(entry("G1", "acct/G1.pdf", 2));
        sync.record(entry("G2", "acct/G2.pdf", 3));
        sync.record(entry("G0", "acct/G0 (2).pdf", 4));
        // ...and writes it back, in either order.
        save.save().unwrap();
        sync.save().unwrap();
        let (after, _) = ArchiveIndex::load(dir.path()).unwrap();
        let paths: Vec<&str> = after.entries().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            ["acct/G0 (2).pdf", "acct/G1.pdf", "acct/G2.pdf"],
            "nothing dropped; the later recording of G0 wins"
        );
        assert!(dir.path().join(INDEX_LOCK_FILE).exists());
    }

    #[test]
    fn a_corrupt_index_is_kept_aside_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(INDEX_FILE),
            b"{\"version\":1,\"documents\":[{",
        )
        .unwrap();
        let (mut index, warning) = ArchiveIndex::load(dir.path()).unwrap();
        let Some(IndexWarning::CorruptIndexReplaced { backup, .. }) = warning else {
            panic!("expected a warning");
        };
        assert_eq!(
            fs::read(&backup).unwrap(),
            b"{\"version\":1,\"documents\":[{"
        );
        assert!(index.is_empty());
        index.save().unwrap();
        let (_, warning) = ArchiveIndex::load(dir.path()).unwrap();
        assert!(warning.is_none());
    }

    #[test]
    fn entries_that_would_leave_the_folder_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let mut index = ArchiveIndex::empty(dir.path());
        index.record(entry("G1", "../outside.pdf", 1));
        index.record(entry("G2", "in.pdf", 1));
        index.save().unwrap();
        let (index, _) = ArchiveIndex::load(dir.path()).unwrap();
        assert_eq!(index.len(), 1);
    }
}
