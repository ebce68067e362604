//! The one error type of the crate. Every variant has a stable snake_case [`code`] the UI and
//! the CLI translate; messages never contain a SAS signature (URLs are never put in them).
//!
//! [`code`]: FilesError::code

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use invoice_desk_billing::{BillingCode, BillingError};
use serde::Serialize;

use crate::template::TemplateError;
use crate::verify::ContentKind;

/// Everything that can go wrong saving a document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FilesError {
    /// The file-name template is not usable.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// Getting the download link from Azure failed (after the billing client's retries).
    #[error("getting the download link failed: {0}")]
    Link(#[source] BillingError),
    /// Azure answered without a URL to fetch (a legacy invoice without `downloadUrl`).
    #[error("Azure gave no download link for this document")]
    NoDownloadLink,
    /// The pre-signed link has expired (Storage's 403 `AuthenticationFailed`, "Signed expiry").
    /// The batch asks for a fresh link once; this error means the fresh one expired too.
    #[error("the download link expired")]
    LinkExpired,
    /// Storage refused the link for another reason (signature, permissions).
    #[error("the storage service refused the download link ({status} {code})")]
    LinkRejected { status: u16, code: String },
    /// The blob behind the link does not exist (404).
    #[error("the document is not at the download link (404)")]
    BlobNotFound,
    /// 429 or 503 that outlasted the retries.
    #[error("the storage service is throttling downloads{}", .retry_after.map(|d| format!("; retry after {}s", d.as_secs())).unwrap_or_default())]
    Throttled { retry_after: Option<Duration> },
    /// A 5xx (or another unexpected status) that outlasted the retries.
    #[error("the storage service answered {status}")]
    Server { status: u16 },
    /// The connection failed or kept dropping, after retries and resumes.
    #[error("network error: {message}")]
    Network { message: String },
    /// The bytes are not what was asked for (an HTML error page instead of a PDF, …).
    #[error("the downloaded file is not a {}", .expected.label())]
    WrongContent { expected: ContentKind },
    /// The body's length disagrees with the length the server declared.
    #[error("the download is {got} bytes but the server said {expected}")]
    LengthMismatch { expected: u64, got: u64 },

    #[error("the download is larger than any {} the app accepts ({} MiB)", .kind.label(), .limit / (1024 * 1024))]
    TooLarge { kind: ContentKind, limit: u64 },
    /// ENOSPC (or a quota) while writing.
    #[error("the disk is full: could not write {}", .path.display())]
    DiskFull { path: PathBuf },
    /// EACCES, EPERM or a read-only file system.
    #[error("no permission to write {}", .path.display())]
    PermissionDenied { path: PathBuf },
    /// The OS refused the path as too long, or the names cannot be shortened to fit.
    #[error("the path is too long: {}", .path.display())]
    PathTooLong { path: PathBuf },
    /// Any other file-system failure.
    #[error("could not write {}: {message}", .path.display())]
    Io { path: PathBuf, message: String },
    /// More than [`crate::place::MAX_SUFFIX`] different files already use the name.
    #[error("too many different files already named like {}", .path.display())]
    TooManyCollisions { path: PathBuf },
    /// A usage report's part has other columns than its first part.
    #[error("part {part} of the usage report has other columns than the first part")]
    PartsDiffer { part: usize },
    /// A compressed download does not unpack.
    #[error("the compressed download is damaged: {message}")]
    CorruptArchive { message: String },
    #[error("cancelled")]
    Cancelled,
}

impl FilesError {
    /// The kind of failure, typed, for the layers above to decide on.
    #[must_use]
    pub fn kind(&self) -> FilesCode {
        match self {
            Self::Template(e) => e.kind(),
            Self::Link(_) => FilesCode::LinkFailed,
            Self::NoDownloadLink => FilesCode::NoDownloadLink,
            Self::LinkExpired => FilesCode::LinkExpired,
            Self::LinkRejected { .. } => FilesCode::LinkRejected,
            Self::BlobNotFound => FilesCode::BlobNotFound,
            Self::Throttled { .. } => FilesCode::Throttled,
            Self::Server { .. } => FilesCode::Server,
            Self::Network { .. } => FilesCode::Network,
            Self::WrongContent {
                expected: ContentKind::Pdf,
            } => FilesCode::NotAPdf,
            Self::WrongContent {
                expected: ContentKind::Zip,
            } => FilesCode::NotAZip,
            Self::WrongContent { .. } => FilesCode::WrongContent,
            Self::LengthMismatch { .. } => FilesCode::LengthMismatch,
            Self::TooLarge { .. } => FilesCode::TooLarge,
            Self::DiskFull { .. } => FilesCode::DiskFull,
            Self::PermissionDenied { .. } => FilesCode::PermissionDenied,
            Self::PathTooLong { .. } => FilesCode::PathTooLong,
            Self::Io { .. } => FilesCode::Io,
            Self::TooManyCollisions { .. } => FilesCode::TooManyCollisions,
            Self::PartsDiffer { .. } => FilesCode::PartsDiffer,
            Self::CorruptArchive { .. } => FilesCode::CorruptArchive,
            Self::Cancelled => FilesCode::Cancelled,
        }
    }

    /// A stable key for the message catalogues and `--json` (the [`kind`](Self::kind) as text).
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The billing error behind a [`FilesError::Link`], for its own code and request id.
    #[must_use]
    pub fn billing(&self) -> Option<&BillingError> {
        match self {
            Self::Link(e) => Some(e),
            _ => None,
        }
    }

    /// Whether running the same batch again later may succeed without the user doing anything.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Link(e) => e.is_transient(),
            Self::Throttled { .. }
            | Self::Server { .. }
            | Self::Network { .. }
            | Self::LinkExpired
            | Self::LengthMismatch { .. } => true,
            _ => false,
        }
    }

    /// Maps an I/O error on `path` to the typed variants the user can act on.
    #[must_use]
    pub fn io(path: &Path, error: &io::Error) -> Self {
        let path = path.to_owned();
        match error.kind() {
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
                return Self::DiskFull { path };
            }
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
                return Self::PermissionDenied { path };
            }
            io::ErrorKind::InvalidFilename => return Self::PathTooLong { path },
            _ => {}
        }
        // Codes the kinds above may not cover on every platform.
        let code = error.raw_os_error();
        let (full, too_long): (&[i32], &[i32]) = if cfg!(windows) {
            // ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL; ERROR_FILENAME_EXCED_RANGE.
            (&[39, 112], &[206])
        } else if cfg!(target_os = "macos") {
            (&[28, 69], &[63]) // ENOSPC, EDQUOT; ENAMETOOLONG
        } else {
            (&[28, 122], &[36]) // ENOSPC, EDQUOT; ENAMETOOLONG
        };
        match code {
            Some(c) if full.contains(&c) => Self::DiskFull { path },
            Some(c) if too_long.contains(&c) => Self::PathTooLong { path },
            _ => Self::Io {
                path,
                message: error.to_string(),
            },
        }
    }

    /// The serialisable form carried by events and summaries.
    #[must_use]
    pub fn report(&self) -> ItemError {
        ItemError {
            code: self.kind(),
            message: self.to_string(),
            billing_code: self.billing().map(BillingError::kind),
            request_id: self
                .billing()
                .and_then(BillingError::request_id)
                .map(str::to_owned),
            transient: self.is_transient(),
        }
    }
}

/// A failure as the UI and the CLI get it: a code to translate, the English sentence for logs
/// and `--json`, and for link failures the billing error's own code (`forbidden`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemError {
    pub code: FilesCode,
    pub message: String,
    pub billing_code: Option<BillingCode>,
    pub request_id: Option<String>,
    pub transient: bool,
}

/// The kinds of [`FilesError`], set where the error is made and carried up typed. The text form
/// (`disk_full`, …) is stable: catalogues and `--json` output are keyed by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilesCode {
    TemplateEmpty,
    TemplateUnknownPlaceholder,
    TemplateUnbalanced,
    TemplateNoFileName,
    FolderTooLong,
    LinkFailed,
    NoDownloadLink,
    LinkExpired,
    LinkRejected,
    BlobNotFound,
    Throttled,
    Server,
    Network,
    NotAPdf,
    NotAZip,
    WrongContent,
    LengthMismatch,
    TooLarge,
    DiskFull,
    PermissionDenied,
    PathTooLong,
    Io,
    TooManyCollisions,
    PartsDiffer,
    CorruptArchive,
    Cancelled,
}

impl FilesCode {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TemplateEmpty => "template_empty",
            Self::TemplateUnknownPlaceholder => "template_unknown_placeholder",
            Self::TemplateUnbalanced => "template_unbalanced",
            Self::TemplateNoFileName => "template_no_file_name",
            Self::FolderTooLong => "folder_too_long",
            Self::LinkFailed => "link_failed",
            Self::NoDownloadLink => "no_download_link",
            Self::LinkExpired => "link_expired",
            Self::LinkRejected => "link_rejected",
            Self::BlobNotFound => "blob_not_found",
            Self::Throttled => "throttled",
            Self::Server => "server",
            Self::Network => "network",
            Self::NotAPdf => "not_a_pdf",
            Self::NotAZip => "not_a_zip",
            Self::WrongContent => "wrong_content",
            Self::LengthMismatch => "length_mismatch",
            Self::TooLarge => "too_large",
            Self::DiskFull => "disk_full",
            Self::PermissionDenied => "permission_denied",
            Self::PathTooLong => "path_too_long",
            Self::Io => "io",
            Self::TooManyCollisions => "too_many_collisions",
            Self::PartsDiffer => "parts_differ",
            Self::CorruptArchive => "corrupt_archive",
            Self::Cancelled => "cancelled",
        }
    }
}

impl std::fmt::Display for FilesCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Serialised as its [`as_str`](FilesCode::as_str) text: one place says each code.
impl Serialize for FilesCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for FilesCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_become_typed_errors() {
        let p = Path::new("/x/y.pdf");
        // Each system's own number for a full disk: 28 on Windows is "out of paper".
        let disk_full = if cfg!(windows) { 112 } else { 28 };
        let full = io::Error::from_raw_os_error(disk_full);
        assert_eq!(FilesError::io(p, &full).code(), "disk_full");
        #[cfg(windows)]
        {
            assert_eq!(
                FilesError::io(p, &io::Error::from_raw_os_error(28)).code(),
                "io",
                "ERROR_OUT_OF_PAPER is not a full disk"
            );
            assert_eq!(
                FilesError::io(p, &io::Error::from_raw_os_error(206)).code(),
                "path_too_long",
                "ERROR_FILENAME_EXCED_RANGE"
            );
        }
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(FilesError::io(p, &denied).code(), "permission_denied");
        #[cfg(target_os = "linux")]
        {
            assert_eq!(
                FilesError::io(p, &io::Error::from_raw_os_error(30)).code(),
                "permission_denied",
                "EROFS"
            );
            assert_eq!(
                FilesError::io(p, &io::Error::from_raw_os_error(36)).code(),
                "path_too_long"
            );
        }
        let other = io::Error::other("boom");
        assert_eq!(FilesError::io(p, &other).code(), "io");
    }

    #[test]
    fn link_failures_keep_the_billing_code() {
        let e = FilesError::Link(BillingError::Cancelled);
        let r = e.report();
        assert_eq!(r.code, FilesCode::LinkFailed);
        assert_eq!(r.billing_code, Some(BillingCode::Cancelled));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["code"], "link_failed");
        assert_eq!(json["billingCode"], "cancelled");
    }
}
