//! What a downloaded file must look like: its first bytes. Checked as soon as they arrive, so
//! an HTML error page served with 200 is refused before the rest of it is written.

use serde::Serialize;

/// The kind of file a link should give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    /// `%PDF-`.
    Pdf,
    /// A zip's local file header `PK\x03\x04` (the `downloadDocuments` bundles).
    Zip,
    /// Anything (CSV reports, tests).
    Any,
}

impl ContentKind {
    /// The largest download of this kind the app takes, announced or not: a server that sends
    /// more is broken or hostile, and would otherwise fill the disk. An invoice PDF is a few
    /// hundred KB, a bundle of them some MB; a usage blob can be gigabytes.
    #[must_use]
    pub fn max_bytes(self) -> u64 {
        const MIB: u64 = 1024 * 1024;
        match self {
            Self::Pdf => 512 * MIB,
            Self::Zip => 4 * 1024 * MIB,
            Self::Any => 256 * 1024 * MIB,
        }
    }

    /// The magic the file starts with.
    #[must_use]
    pub fn magic(self) -> &'static [u8] {
        match self {
            Self::Pdf => b"%PDF-",
            Self::Zip => b"PK\x03\x04",
            Self::Any => b"",
        }
    }

    /// The word for messages.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Zip => "zip file",
            Self::Any => "file",
        }
    }

    /// The kind a file name's extension implies.
    #[must_use]
    pub fn for_name(name: &str) -> Self {
        let ext = std::path::Path::new(name)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("pdf") => Self::Pdf,
            Some("zip") => Self::Zip,
            _ => Self::Any,
        }
    }

    /// `Some(true)` when `head` (the first bytes so far) starts right, `Some(false)` when it
    /// cannot, `None` while too few bytes have arrived to tell.
    #[must_use]
    pub fn check(self, head: &[u8]) -> Option<bool> {
        let magic = self.magic();
        let n = head.len().min(magic.len());
        if head[..n] != magic[..n] {
            return Some(false);
        }
        (head.len() >= magic.len()).then_some(true)
    }
}

#[cfg(test)]
mod tests {
    use super::ContentKind;

    #[test]
    fn magic_is_checked_as_bytes_arrive() {
        assert_eq!(ContentKind::Pdf.check(b"%PD"), None);
        assert_eq!(ContentKind::Pdf.check(b"%PDF-1.7\n"), Some(true));
        assert_eq!(ContentKind::Pdf.check(b"<html>"), Some(false));
        assert_eq!(ContentKind::Pdf.check(b"\xEF\xBB\xBF%PDF"), Some(false));
        assert_eq!(ContentKind::Zip.check(b"PK\x03\x04rest"), Some(true));
        assert_eq!(ContentKind::Zip.check(b"%PDF-"), Some(false));
        assert_eq!(ContentKind::Any.check(b""), Some(true));
        assert_eq!(ContentKind::for_name("a/B.PDF"), ContentKind::Pdf);
        assert_eq!(ContentKind::for_name("x.zip"), ContentKind::Zip);
    }
}
