//! Disk full, a folder that cannot be written to, a folder path too long for any name: each is
//! a typed error on the item, and nothing half-written remains.
//!
//! Tests run as root in the project's container (and CI), where permission bits do not stop
//! writes. So the read-only folder is made immutable (`chattr +i`: even root gets EPERM) and
//! the full disk is a 64 KiB tmpfs filled to the brim (real ENOSPC). Both need root with
//! CAP_SYS_ADMIN / CAP_LINUX_IMMUTABLE: without it the read-only test uses `chmod 555` (which
//! binds a normal user), and the disk-full test fails with a message saying what it needs
//! rather than passing without testing anything.

#![cfg(target_os = "linux")]

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{
    DEFAULT_TEMPLATE, MCA_OWNER, assert_archive, emulator, failure_codes, options, run, temp,
};
use invoice_desk_billing::ScopeKind;
use invoice_desk_emulator::EmulatorConfig;

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn sh(program: &str, args: &[&str]) -> Result<(), String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// A small tmpfs, unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Result<Self, String> {
        let dir = temp();
        let path = dir.path().to_string_lossy().into_owned();
        sh(
            "mount",
            &["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs", &path],
        )?;
        Ok(Self { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = sh("umount", &["-l", &self.dir.path().to_string_lossy()]);
    }
}

/// A folder nobody may write to; writable again on drop so it can be removed.
struct ReadOnly {
    path: PathBuf,
    immutable: bool,
}

impl ReadOnly {
    fn new(path: PathBuf) -> Self {
        std::fs::create_dir_all(&path).unwrap();
        let text = path.to_string_lossy().into_owned();
        if is_root() {
            sh("chattr", &["+i", &text]).unwrap_or_else(|e| {
                panic!(
                    "running as root, where permission bits do not stop writes, so this test makes \
                     the folder immutable with `chattr +i` — which failed ({e}). It needs \
                     CAP_LINUX_IMMUTABLE and a file system with the attribute (ext4, xfs, btrfs)."
                )
            });
            Self {
                path,
                immutable: true,
            }
        } else {
            sh("chmod", &["555", &text]).unwrap();
            Self {
                path,
                immutable: false,
            }
        }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let text = self.path.to_string_lossy().into_owned();
        if self.immutable {
            let _ = sh("chattr", &["-i", &text]);
        } else {
            let _ = sh("chmod", &["755", &text]);
        }
    }
}

async fn one_job(emu: &invoice_desk_emulator::Emulator) -> Vec<invoice_desk_files::Job> {
    let scope = common::scopes(emu, MCA_OWNER, ScopeKind::McaBillingProfile)
        .await
        .remove(0);
    let mut jobs = common::jobs(emu, MCA_OWNER, &scope).await;
    jobs.truncate(1);
    jobs
}

#[tokio::test]
async fn a_full_disk_is_a_typed_error_and_leaves_no_part_file() {
    let tmpfs = Tmpfs::mount("64k").unwrap_or_else(|e| {
        panic!(
            "this test writes to a 64 KiB tmpfs to meet a real ENOSPC and needs root with \
             CAP_SYS_ADMIN to mount it (as `cargo xtask test` has in the project's container and \
             CI): {e}"
        )
    });
    let root = tmpfs.path().to_owned();
    // Fill it to the brim.
    let mut filler = std::fs::File::create(root.join("filler")).unwrap();
    let block = vec![0u8; 4096];
    while filler.write_all(&block).is_ok() {}
    drop(filler);

    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = one_job(&emu).await;
    let (summary, _) = run(jobs, &options(&root, DEFAULT_TEMPLATE)).await;
    assert_eq!(
        failure_codes(&summary),
        ["disk_full"],
        "{:?}",
        summary.failed
    );
    let left: Vec<_> = common::files(&root)
        .into_iter()
        .filter(|f| f != "filler")
        .collect();
    assert!(left.is_empty(), "nothing half-written: {left:?}");

    // With room again the same batch completes.
    std::fs::remove_file(root.join("filler")).unwrap();
    let jobs = one_job(&emu).await;
    let (summary, _) = run(jobs, &options(&root, DEFAULT_TEMPLATE)).await;
    assert_eq!(summary.saved.len(), 1, "{:?}", summary.failed);
    assert_archive(&root, &summary, &[]);
}

#[tokio::test]
async fn a_read_only_folder_is_a_typed_error() {
    let dir = temp();
    let locked = ReadOnly::new(dir.path().join("archive"));
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = one_job(&emu).await;
    let (summary, _) = run(jobs, &options(&locked.path, DEFAULT_TEMPLATE)).await;
    assert_eq!(
        failure_codes(&summary),
        ["permission_denied"],
        "{:?}",
        summary.failed
    );
    assert!(common::files(&locked.path).is_empty());
    // Nothing was asked of Azure for a folder that cannot take the file.
    assert!(common::download_posts(&emu).is_empty());
}

#[tokio::test]
async fn a_folder_name_taken_by_a_file_is_an_error_on_the_item() {
    let dir = temp();
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = one_job(&emu).await;
    // The template's folder is the account name: put a file there.
    let fields = jobs[0].target.fields();
    let folder = invoice_desk_files::sanitise::component(&fields.billing_account, false);
    std::fs::write(dir.path().join(&folder), b"not a folder").unwrap();
    let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(summary.failed.len(), 1);
    assert_eq!(
        std::fs::read(dir.path().join(&folder)).unwrap(),
        b"not a folder"
    );
    assert_archive(dir.path(), &summary, &[(&folder, b"not a folder")]);
}

#[tokio::test]
async fn a_folder_too_deep_for_any_name_is_a_typed_error() {
    let dir = temp();
    let deep = dir.path().join("d".repeat(120)).join("e".repeat(120));
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = one_job(&emu).await;
    let (summary, _) = run(jobs, &options(&deep, DEFAULT_TEMPLATE)).await;
    assert_eq!(failure_codes(&summary), ["folder_too_long"]);
    assert!(common::download_posts(&emu).is_empty());
}

#[tokio::test]
async fn a_save_clears_the_part_files_a_stopped_save_left_in_its_folder() {
    let dir = temp();
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = one_job(&emu).await;
    let fields = jobs[0].target.fields();
    let folder = dir.path().join(invoice_desk_files::sanitise::component(
        &fields.billing_account,
        false,
    ));
    std::fs::create_dir_all(&folder).unwrap();
    // A save killed two days ago, one still running in another process, a browser's download.
    let crashed = folder.join("2026-09 G000000001.pdf.~fffff-0-1a2b3c.part");
    let running = folder.join("2026-10 G000000002.pdf.~fffff-1-1a2b3c.part");
    let browser = folder.join("holiday.mkv.part");
    for path in [&crashed, &running, &browser] {
        std::fs::write(path, b"%PDF-1.7 half").unwrap();
    }
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400);
    for path in [&crashed, &browser] {
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(two_days_ago)
            .unwrap();
    }

    let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;

    assert_eq!(summary.saved.len(), 1, "{:?}", summary.failed);
    assert!(!crashed.exists(), "the stopped save's part is still there");
    assert!(
        running.exists(),
        "a part another save may still write was removed"
    );
    assert!(browser.exists(), "another program's part was removed");
}
