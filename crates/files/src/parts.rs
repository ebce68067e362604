//! The app's unfinished files: every download, bundle and report is written to a `.part` of
//! its own beside its final name, and parts a crash or a killed process left behind are
//! cleared from a folder the next time a save writes there.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::error::FilesError;

/// A part untouched for this long belongs to no running save: a transfer that stops
/// receiving ends within minutes, and every part name is new per save.
pub const STALE_PART_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// What marks a part name as the app's own, before its unique token.
const MARK: char = '~';

/// The longest file name every supported file system accepts (ext4 and APFS in bytes, NTFS in
/// UTF-16 units, which never outnumber the bytes).
const MAX_NAME_BYTES: usize = 255;

/// A `.part` name beside `full` that no other save uses: `<name>.<tag>~<process>-<count>-<time>.part`.
/// Two saves into one folder (a Save and a Sync, the window and the command line) never write
/// the same part file; each part is also opened `create_new`, so nothing planted at the name
/// (a file, a link) is followed or truncated. A final name near the length limit is shortened
/// in the part's name, so the part can always be created.
#[must_use]
pub fn unique_part(full: &Path, tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let suffix = format!(
        ".{tag}{MARK}{:x}-{:x}-{nanos:x}.part",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let name = full
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut keep = MAX_NAME_BYTES.saturating_sub(suffix.len()).min(name.len());
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    full.with_file_name(format!("{}{suffix}", &name[..keep]))
}

/// Whether `name` is a part file [`unique_part`] named, and which process wrote it.
fn own_part_process(name: &str) -> Option<u32> {
    let token = name.strip_suffix(".part")?.rsplit('.').next()?;
    let (_, unique) = token.rsplit_once(MARK)?;
    let mut numbers = unique.split('-');
    let process = u32::from_str_radix(numbers.next()?, 16).ok()?;
    let rest: Vec<&str> = numbers.collect();
    (rest.len() == 2
        && rest
            .iter()
            .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_hexdigit())))
    .then_some(process)
}

/// Removes the app's own part files in `dir` (not below it) that are older than `max_age` and
/// not this process's. Anything else (a browser's `.part`, a link, a folder) is left alone.
/// Returns how many were removed.
pub fn sweep_stale(dir: &Path, max_age: Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(process) = name.to_str().and_then(own_part_process) else {
            continue;
        };
        if process == std::process::id() {
            continue;
        }
        // `symlink_metadata`: a link is not ours, whatever its name.
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|at| now.duration_since(at).ok())
            .is_some_and(|age| age >= max_age);
        if meta.is_file() && old && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(removed, folder = %dir.display(), "removed part files a stopped save left");
    }
    removed
}

/// Sweeps `dir` the first time this process writes there.
fn sweep_once(dir: &Path) {
    static SWEPT: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    let first = SWEPT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get_or_insert_with(HashSet::new)
        .insert(dir.to_owned());
    if first {
        sweep_stale(dir, STALE_PART_AGE);
    }
}

/// Where a file bound for `full` is written first: a part of its own ([`unique_part`]) in a
/// folder that now exists, cleared of stale parts.
pub async fn part_beside(full: &Path, tag: &str) -> Result<PathBuf, FilesError> {
    if let Some(parent) = full.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|e| FilesError::io(parent, &e))?;
        let dir = parent.to_owned();
        let _ = tokio::task::spawn_blocking(move || sweep_once(&dir)).await;
    }
    Ok(unique_part(full, tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn age(path: &Path, by: Duration) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - by).unwrap();
    }

    #[test]
    fn part_names_are_recognised_and_fit_the_name_limit() {
        let part = unique_part(Path::new("/a/2026-11 G1.pdf"), "");
        let name = part.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with("2026-11 G1.pdf."), "{name}");
        assert_eq!(own_part_process(name), Some(std::process::id()));
        let tagged = unique_part(Path::new("/a/usage.csv"), "r1-");
        assert!(own_part_process(tagged.file_name().unwrap().to_str().unwrap()).is_some());

        let long = format!("{}x.pdf", "é".repeat(125));
        assert_eq!(long.len(), MAX_NAME_BYTES);
        let part = unique_part(&Path::new("/a").join(&long), "");
        let name = part.file_name().unwrap().to_str().unwrap();
        assert!(name.len() <= MAX_NAME_BYTES, "{} bytes", name.len());
        assert!(own_part_process(name).is_some());

        for other in [
            "movie.mkv.part",
            "x.abc.part",
            "a~b.part",
            "a.~1-2.part",
            "a.pdf",
        ] {
            assert_eq!(own_part_process(other), None, "{other}");
        }
    }

    #[test]
    fn a_long_final_name_still_gets_a_part_that_can_be_created() {
        let dir = tempfile::tempdir().unwrap();
        let long = format!("{}.pdf", "x".repeat(251));
        let part = unique_part(&dir.path().join(long), "");
        std::fs::write(&part, b"%PDF-").expect("the part is created");
    }

    #[test]
    fn only_old_parts_of_other_processes_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join("2026-01 G1.pdf.~9999999-0-1a2b.part");
        let fresh = dir.path().join("2026-02 G2.pdf.~9999999-1-1a2b.part");
        let mine = unique_part(&dir.path().join("2026-03 G3.pdf"), "");
        let browser = dir.path().join("movie.mkv.part");
        let document = dir.path().join("2026-01 G1.pdf");
        for path in [&stale, &fresh, &mine, &browser, &document] {
            std::fs::write(path, b"x").unwrap();
        }
        for path in [&stale, &mine, &browser, &document] {
            age(path, Duration::from_secs(2 * 24 * 60 * 60));
        }
        assert_eq!(sweep_stale(dir.path(), STALE_PART_AGE), 1);
        assert!(!stale.exists());
        for kept in [&fresh, &mine, &browser, &document] {
            assert!(kept.exists(), "{} was removed", kept.display());
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_with_a_part_name_is_never_followed_or_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious.pdf");
        std::fs::write(&target, b"%PDF-").unwrap();
        age(&target, Duration::from_secs(2 * 24 * 60 * 60));
        let link = dir.path().join("x.pdf.~9999999-0-1.part");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(sweep_stale(dir.path(), STALE_PART_AGE), 0);
        assert!(link.exists() && target.exists());
    }
}
