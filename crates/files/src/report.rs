//! A usage report's blobs onto the user's disk: each blob of Cost Management's manifest
//! streamed into a `.part` file of its own by the same writer as invoices (Range resume,
//! retries, length checks), unpacked when Azure compressed it, the parts joined into one CSV
//! with one header (or kept as numbered parts when the user prefers), and only then placed
//! under the final name, never overwriting anything. Until that moment nothing carries a final
//! name, and a failure or a cancel removes every `.part` file this report wrote.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::csv_join::{JoinError, join_csv_parts};
use crate::error::FilesError;
use crate::place::{Claims, Placed, place};
use crate::verify::ContentKind;
use crate::writer::{Downloaded, Fetcher, Transfer};

/// What a gzip member starts with (RFC 1952).
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

/// Buffer of the readers and writers that unpack and join (large enough that the system calls
/// are few, small enough to stay far below the memory target).
const COPY_BUFFER: usize = 1 << 20;

/// Whether a report of several blobs becomes one file or stays in parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportParts {
    /// One CSV with one header: the first part whole, later parts without their header.
    #[default]
    Join,
    /// One file per blob, numbered: `name (part 1 of 3).csv`.
    Keep,
}

/// Where a report is in its way to the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStep {
    /// Blob `file` (1-based) of `files`, with the bytes of that blob so far.
    Downloading {
        file: usize,
        files: usize,
        bytes: u64,
        total: Option<u64>,
    },
    /// Unpacking or joining what was downloaded.
    Joining { files: usize },
}

/// One file the report left on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedReportFile {
    pub placed: Placed,
    pub size: u64,
    /// BLAKE3 of the bytes, as [`Downloaded::content_hash`].
    pub content_hash: [u8; 32],
}

/// Where the report goes: `root/relative`, with names claimed by `owner`.
#[derive(Debug, Clone, Copy)]
pub struct ReportDestination<'a> {
    pub root: &'a Path,
    pub relative: &'a Path,
    pub claims: &'a Arc<Claims>,
    pub owner: &'a str,
}

/// One report's downloaded parts (unpacked, in the manifest's order), not yet under any final
/// name. Dropped unsaved, its part files are removed.
#[derive(Debug, Default)]
pub struct FetchedReport {
    parts: Vec<Downloaded>,
    leftovers: PartFiles,
}

impl FetchedReport {
    /// Bytes of CSV downloaded (after unpacking).
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.parts.iter().map(|p| p.size).sum()
    }
}

/// Downloads `blobs` (pre-signed links, in the manifest's order) into part files named after
/// `full` (the report's final path) and `tag` (which tells several reports of one save apart),
/// unpacking compressed ones.
pub async fn fetch_report(
    fetcher: &Fetcher,
    blobs: &[String],
    full: &Path,
    tag: &str,
    progress: &(dyn Fn(ReportStep) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<FetchedReport, FilesError> {
    let mut leftovers = PartFiles::default();
    let files = blobs.len();
    let mut downloaded = Vec::with_capacity(files);
    for (index, url) in blobs.iter().enumerate() {
        let raw = crate::parts::part_beside(full, &format!("{tag}{}-", index + 1)).await?;
        let mut transfer = Transfer::create(raw, ContentKind::Any).await?;
        let report = |bytes, total| {
            progress(ReportStep::Downloading {
                file: index + 1,
                files,
                bytes,
                total,
            });
        };
        report(0, None);
        transfer.run(fetcher, url, &report, cancel).await?;
        let done = transfer.finish().await?;
        leftovers.keep(&done.part);
        downloaded.push(done);
    }
    progress(ReportStep::Joining { files });
    let cancel = cancel.clone();
    let parts = blocking(move || {
        downloaded
            .into_iter()
            .map(|part| unpack_if_gzip(part, &cancel))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    for part in &parts {
        leftovers.keep(&part.part);
    }
    Ok(FetchedReport { parts, leftovers })
}

/// Saves fetched reports under `destination`: one CSV with one header when `parts` says join
/// (several reports of a range merged into one file too), else one numbered file per part.
pub async fn save_fetched(
    reports: Vec<FetchedReport>,
    destination: ReportDestination<'_>,
    parts: ReportParts,
    cancel: &CancellationToken,
) -> Result<Vec<SavedReportFile>, FilesError> {
    let mut leftovers = PartFiles::default();
    let mut unpacked = Vec::new();
    for mut report in reports {
        unpacked.append(&mut report.parts);
        leftovers.0.append(&mut report.leftovers.0);
    }
    let full = destination.root.join(destination.relative);
    let outputs = match parts {
        ReportParts::Join if unpacked.len() > 1 => {
            let out = crate::parts::unique_part(&full, "");
            leftovers.keep(&out);
            let cancel = cancel.clone();
            let joined = blocking(move || join(&unpacked, &out, &cancel)).await?;
            vec![(destination.relative.to_owned(), joined)]
        }
        ReportParts::Join => unpacked
            .into_iter()
            .map(|part| (destination.relative.to_owned(), part))
            .collect(),
        ReportParts::Keep => {
            let count = unpacked.len();
            unpacked
                .into_iter()
                .enumerate()
                .map(|(i, part)| {
                    let relative = if count == 1 {
                        destination.relative.to_owned()
                    } else {
                        numbered(destination.relative, i + 1, count)
                    };
                    (relative, part)
                })
                .collect()
        }
    };
    if cancel.is_cancelled() {
        return Err(FilesError::Cancelled);
    }
    let mut saved = Vec::with_capacity(outputs.len());
    for (relative, part) in outputs {
        let root = destination.root.to_owned();
        let owner = destination.owner.to_owned();
        let claims = Arc::clone(destination.claims);
        let (size, content_hash) = (part.size, part.content_hash);
        let placed = blocking(move || place(&root, &relative, &part, &claims, &owner)).await?;
        saved.push(SavedReportFile {
            placed,
            size,
            content_hash,
        });
    }
    leftovers.clear();
    Ok(saved)
}

/// `name.csv` → `name.csv<suffix>` beside it (the report's part files).
fn sibling(full: &Path, suffix: &str) -> PathBuf {
    let mut name = full.file_name().unwrap_or_default().to_owned();
    name.push(suffix);
    full.with_file_name(name)
}

/// `folder/name.csv` → `folder/name (part 2 of 3).csv`.
fn numbered(relative: &Path, part: usize, parts: usize) -> PathBuf {
    let stem = relative
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = relative
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    relative.with_file_name(format!("{stem} (part {part} of {parts}){ext}"))
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, FilesError> + Send + 'static,
) -> Result<T, FilesError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| FilesError::Io {
            path: PathBuf::new(),
            message: e.to_string(),
        })?
}

/// A gzip part unpacked into `<part>.csv.part` (the gzip removed); any other part as it is.
fn unpack_if_gzip(part: Downloaded, cancel: &CancellationToken) -> Result<Downloaded, FilesError> {
    let mut head = [0u8; 2];
    let read = File::open(&part.part)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| FilesError::io(&part.part, &e))?;
    if head[..read] != *GZIP_MAGIC {
        return Ok(part);
    }
    let out = sibling(&part.part, ".csv.part");
    let source = File::open(&part.part).map_err(|e| FilesError::io(&part.part, &e))?;
    // Every member, not just the first: Azure may write a blob as several gzip members.
    let mut reader =
        flate2::read::MultiGzDecoder::new(BufReader::with_capacity(COPY_BUFFER, source));
    let result = write_part(&out, cancel, |writer| {
        copy_cancellable(&mut reader, writer, cancel)
            .map(|_| ())
            .map_err(|e| match e.kind() {
                io::ErrorKind::Interrupted => FilesError::Cancelled,
                io::ErrorKind::InvalidInput
                | io::ErrorKind::InvalidData
                | io::ErrorKind::UnexpectedEof => FilesError::CorruptArchive {
                    message: e.to_string(),
                },
                _ => FilesError::io(&out, &e),
            })
    });
    let _ = std::fs::remove_file(&part.part);
    result
}

/// The parts as one CSV in `out`.
fn join(
    parts: &[Downloaded],
    out: &Path,
    cancel: &CancellationToken,
) -> Result<Downloaded, FilesError> {
    let readers = parts
        .iter()
        .map(|p| {
            File::open(&p.part)
                .map(|f| BufReader::with_capacity(COPY_BUFFER, Cancellable { inner: f, cancel }))
                .map_err(|e| FilesError::io(&p.part, &e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let joined = write_part(out, cancel, |writer| {
        join_csv_parts(readers, writer)
            .map(|_| ())
            .map_err(|e| match e {
                JoinError::HeaderMismatch { index } => FilesError::PartsDiffer { part: index + 1 },
                JoinError::Io(e) if e.kind() == io::ErrorKind::Interrupted => FilesError::Cancelled,
                JoinError::Io(e) => FilesError::io(out, &e),
            })
    })?;
    for part in parts {
        let _ = std::fs::remove_file(&part.part);
    }
    Ok(joined)
}

/// Creates `path`, lets `fill` write it (hashed on the way), then flushes and fsyncs it.
fn write_part(
    path: &Path,
    cancel: &CancellationToken,
    fill: impl FnOnce(&mut HashingWriter<BufWriter<File>>) -> Result<(), FilesError>,
) -> Result<Downloaded, FilesError> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| FilesError::io(path, &e))?;
    let mut writer = HashingWriter {
        inner: BufWriter::with_capacity(COPY_BUFFER, file),
        hasher: blake3::Hasher::new(),
        size: 0,
    };
    let filled = fill(&mut writer).and_then(|()| {
        if cancel.is_cancelled() {
            return Err(FilesError::Cancelled);
        }
        writer.flush().map_err(|e| FilesError::io(path, &e))
    });
    let HashingWriter {
        inner,
        hasher,
        size,
    } = writer;
    let finished = filled.and_then(|()| {
        let file = inner
            .into_inner()
            .map_err(|e| FilesError::io(path, e.error()))?;
        file.sync_all().map_err(|e| FilesError::io(path, &e))
    });
    if let Err(error) = finished {
        let _ = std::fs::remove_file(path);
        return Err(error);
    }
    Ok(Downloaded {
        part: path.to_owned(),
        size,
        content_hash: *hasher.finalize().as_bytes(),
        resumes: 0,
        restarts: 0,
    })
}

fn copy_cancellable(
    reader: &mut impl Read,
    writer: &mut impl Write,
    cancel: &CancellationToken,
) -> io::Result<u64> {
    let mut buffer = vec![0u8; COPY_BUFFER];
    let mut total = 0;
    loop {
        if cancel.is_cancelled() {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
        }
        let n = match reader.read(&mut buffer) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted && !cancel.is_cancelled() => continue,
            Err(e) => return Err(e),
        };
        writer.write_all(&buffer[..n])?;
        total += n as u64;
    }
}

/// A reader that stops with `Interrupted` once the job is cancelled.
struct Cancellable<'a, R> {
    inner: R,
    cancel: &'a CancellationToken,
}

impl<R: Read> Read for Cancellable<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cancel.is_cancelled() {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
        }
        self.inner.read(buf)
    }
}

struct HashingWriter<W> {
    inner: W,
    hasher: blake3::Hasher,
    size: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The report's finished `.part` files, removed unless the report was placed.
#[derive(Debug, Default)]
struct PartFiles(Vec<PathBuf>);

impl PartFiles {
    fn keep(&mut self, path: &Path) {
        self.0.push(path.to_owned());
    }

    fn clear(&mut self) {
        self.0.clear();
    }
}

impl Drop for PartFiles {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_parts_are_numbered_before_the_extension() {
        assert_eq!(
            numbered(Path::new("Contoso/2026-10 usage.csv"), 2, 3),
            PathBuf::from("Contoso/2026-10 usage (part 2 of 3).csv")
        );
    }

    fn part(dir: &Path, name: &str, bytes: &[u8]) -> Downloaded {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        Downloaded {
            part: path,
            size: bytes.len() as u64,
            content_hash: *blake3::hash(bytes).as_bytes(),
            resumes: 0,
            restarts: 0,
        }
    }

    #[test]
    fn gzip_parts_are_unpacked_and_joined_with_one_header() {
        let dir = tempfile::tempdir().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"date,cost\n01/02/2026,1.5\n").unwrap();
        let first = part(dir.path(), "a.part", &gz.finish().unwrap());
        let second = part(dir.path(), "b.part", b"date,cost\r\n01/03/2026,2\n");
        let cancel = CancellationToken::new();
        let first = unpack_if_gzip(first, &cancel).unwrap();
        assert!(!dir.path().join("a.part").exists(), "the gzip is removed");
        let second = unpack_if_gzip(second, &cancel).unwrap();
        let joined = join(&[first, second], &dir.path().join("out.part"), &cancel).unwrap();
        let bytes = std::fs::read(&joined.part).unwrap();
        assert_eq!(bytes, b"date,cost\n01/02/2026,1.5\n01/03/2026,2\n");
        assert_eq!(joined.size, bytes.len() as u64);
        assert_eq!(joined.content_hash, *blake3::hash(&bytes).as_bytes());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the joined part is left");
    }

    #[test]
    fn a_broken_gzip_is_a_corrupt_archive_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let broken = part(dir.path(), "a.part", b"\x1f\x8b\x08\x00garbage");
        let error = unpack_if_gzip(broken, &CancellationToken::new()).unwrap_err();
        assert!(
            matches!(error, FilesError::CorruptArchive { .. }),
            "{error:?}"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn parts_with_other_columns_are_refused_and_leave_no_joined_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = part(dir.path(), "a.part", b"date,cost\n1,2\n");
        let b = part(dir.path(), "b.part", b"date,price\n1,2\n");
        let error = join(
            &[a, b],
            &dir.path().join("out.part"),
            &CancellationToken::new(),
        )
        .unwrap_err();
        assert!(
            matches!(error, FilesError::PartsDiffer { part: 2 }),
            "{error:?}"
        );
        assert!(!dir.path().join("out.part").exists());
    }
}
