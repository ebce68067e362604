//! Small file-system steps that must be done the same way everywhere: durable directory
//! entries, atomic small files, hashing a file without reading it into memory.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

/// Makes a rename or link inside `dir` durable. On Unix a directory is opened and fsynced;
/// Windows has no such call (NTFS journals the metadata), so it is a no-op there.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Writes `bytes` to `path` atomically: a sibling temp file, fsync, rename, fsync the folder.
/// A crash leaves either the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace_atomic(path, |file| file.write_all(bytes))
}

/// Copies `source` to `path` the same way: the old `path`, if any, is replaced only once the
/// whole copy is on disk ("Save as…" onto a name the user chose to replace).
pub fn copy_atomic(source: &Path, path: &Path) -> io::Result<u64> {
    let mut from = File::open(source)?;
    let mut copied = 0;
    replace_atomic(path, |file| {
        copied = io::copy(&mut from, file)?;
        Ok(())
    })?;
    Ok(copied)
}

fn replace_atomic(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(
        ".{name}.{}.{:x}.tmp",
        std::process::id(),
        rand_u32()
    ));
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        fill(&mut file)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)?;
        sync_dir(dir)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

fn rand_u32() -> u32 {
    // Uniqueness among this process's temp files only; the pid covers other processes.
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The most a file of the app's own bookkeeping (an archive index, the listing cache, the list
/// of running reports) may hold: a folder shared with others may hold a planted giant.
pub const MAX_BOOKKEEPING_FILE: u64 = 64 * 1024 * 1024;

/// A whole small file, refused (`InvalidData`) past `max` bytes without reading further.
pub fn read_capped(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{} is larger than {} MiB",
                path.display(),
                max / (1024 * 1024)
            ),
        ));
    }
    Ok(bytes)
}

/// The content hash (BLAKE3) and length of a file, read in 64 KiB pieces.
pub fn hash_file(path: &Path) -> io::Result<([u8; 32], u64)> {
    let mut file = File::open(path)?;
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut len = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        len += n as u64;
    }
    Ok((*hasher.finalize().as_bytes(), len))
}

/// Lower-case hex.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_and_leave_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let (hash, len) = hash_file(&path).unwrap();
        assert_eq!((hash, len), (*blake3::hash(b"two").as_bytes(), 3));
        // BLAKE3's published value for no input.
        write_atomic(&path, b"").unwrap();
        assert_eq!(
            hex(&hash_file(&path).unwrap().0),
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
        );
    }

    #[test]
    fn an_atomic_copy_replaces_only_a_whole_file_and_a_failed_one_keeps_the_old() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("cached.pdf");
        let target = dir.path().join("Invoice G1.pdf");
        fs::write(&source, b"%PDF-1.7 new").unwrap();
        fs::write(&target, b"%PDF-1.7 old").unwrap();
        assert_eq!(copy_atomic(&source, &target).unwrap(), 12);
        assert_eq!(fs::read(&target).unwrap(), b"%PDF-1.7 new");
        // A source that cannot be read leaves the chosen file as it was, and no temp file.
        let missing = dir.path().join("gone.pdf");
        assert!(copy_atomic(&missing, &target).is_err());
        assert_eq!(fs::read(&target).unwrap(), b"%PDF-1.7 new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
