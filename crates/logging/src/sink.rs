use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::redact;

const FILE_PREFIX: &str = "invoice-desk";
const FILE_SUFFIX: &str = "log";
/// A week of daily files is enough to diagnose a problem a user reports, and stays small.
const KEEP_FILES: usize = 7;

#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("the log folder {path} could not be created: {source}")]
    Folder { path: PathBuf, source: io::Error },
    #[error("the log file in {path} could not be opened: {reason}")]
    File { path: PathBuf, reason: String },
    #[error("logging was already set up")]
    AlreadyInitialised,
}

/// Keeps the background log writer alive; dropping it flushes the last lines.
#[derive(Debug)]
pub struct LogGuard {
    _worker: WorkerGuard,
    dir: PathBuf,
}

impl LogGuard {
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// The OS's per-user log folder for the app: `~/.local/state/invoice-desk/logs` on Linux,
/// `~/Library/Logs/Invoice Desk` on macOS, `%LOCALAPPDATA%\Invoice Desk\logs` on Windows.
pub fn log_dir() -> PathBuf {
    if cfg!(target_os = "macos")
        && let Some(home) = dirs::home_dir()
    {
        return home.join("Library").join("Logs").join("Invoice Desk");
    }
    let base = dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .unwrap_or_else(std::env::temp_dir);
    let app = if cfg!(windows) {
        "Invoice Desk"
    } else {
        "invoice-desk"
    };
    base.join(app).join("logs")
}

/// With this set to `1`, a release build's log honours `RUST_LOG` (for support diagnostics):
/// without it, only a debug build does, so no dependency's trace reaches the disk by accident.
pub const DIAGNOSTICS_ENV: &str = "INVOICE_DESK_DIAGNOSTICS";

/// What the log keeps unless `RUST_LOG` may say otherwise.
const DEFAULT_FILTER: &str = "info,invoice_desk=debug,tao=warn,wry=warn";

/// The filter of the log file: `RUST_LOG` in a debug build or with the diagnostics switch on,
/// else the default; and whether a `RUST_LOG` was left unused.
fn filter_directives(rust_log: Option<&str>, diagnostics: bool, release: bool) -> (&str, bool) {
    match rust_log.map(str::trim).filter(|s| !s.is_empty()) {
        Some(asked) if !release || diagnostics => (asked, false),
        Some(_) => (DEFAULT_FILTER, true),
        None => (DEFAULT_FILTER, false),
    }
}

/// Sends `tracing` events to a daily rolling file in `dir` (the default filter, or `RUST_LOG`
/// where [`filter_directives`] allows it), every line scrubbed by [`redact`].
pub fn init(dir: &Path) -> Result<LogGuard, LoggingError> {
    std::fs::create_dir_all(dir).map_err(|source| LoggingError::Folder {
        path: dir.to_owned(),
        source,
    })?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .filename_suffix(FILE_SUFFIX)
        .max_log_files(KEEP_FILES)
        .build(dir)
        .map_err(|err| LoggingError::File {
            path: dir.to_owned(),
            reason: err.to_string(),
        })?;
    let (writer, worker) = tracing_appender::non_blocking(RedactingWriter(appender));
    let rust_log = std::env::var(EnvFilter::DEFAULT_ENV).ok();
    let diagnostics = std::env::var(DIAGNOSTICS_ENV).is_ok_and(|v| v.trim() == "1");
    let (directives, ignored) =
        filter_directives(rust_log.as_deref(), diagnostics, !cfg!(debug_assertions));
    let filter = EnvFilter::try_new(directives).unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    tracing_subscriber::registry()
        .with(filter)
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(writer),
        )
        .try_init()
        .map_err(|_| LoggingError::AlreadyInitialised)?;
    if ignored {
        tracing::info!("RUST_LOG is ignored by this build; set {DIAGNOSTICS_ENV}=1 to use it");
    }
    Ok(LogGuard {
        _worker: worker,
        dir: dir.to_owned(),
    })
}

/// Scrubs each buffer on its way to the file. `tracing_subscriber::fmt` writes one whole event
/// per `write` call, so a secret is never split across two buffers.
struct RedactingWriter<W>(W);

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl<'a, W> MakeWriter<'a> for RedactingWriter<W>
where
    W: MakeWriter<'a>,
{
    type Writer = RedactingWriter<W::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(self.0.make_writer())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_scrubs_secrets_before_they_reach_the_sink() {
        let mut sink = Vec::new();
        {
            let mut writer = RedactingWriter(&mut sink);
            writer
                .write_all(b"refresh failed for refresh_token=0.ABC-def&x=1\n")
                .unwrap();
        }
        assert_eq!(
            String::from_utf8(sink).unwrap(),
            "refresh failed for refresh_token=[redacted]&x=1\n"
        );
    }

    #[test]
    fn a_release_build_honours_rust_log_only_with_the_diagnostics_switch() {
        assert_eq!(
            filter_directives(Some("trace"), false, true),
            (DEFAULT_FILTER, true)
        );
        assert_eq!(
            filter_directives(Some("trace"), true, true),
            ("trace", false)
        );
        assert_eq!(
            filter_directives(Some("trace"), false, false),
            ("trace", false)
        );
        assert_eq!(filter_directives(None, true, true), (DEFAULT_FILTER, false));
        assert_eq!(
            filter_directives(Some("  "), false, false),
            (DEFAULT_FILTER, false)
        );
    }

    #[test]
    fn log_dir_is_app_specific() {
        let dir = log_dir();
        let text = dir.to_string_lossy().to_lowercase();
        assert!(text.contains("invoice"), "{text}");
    }

    #[test]
    fn init_writes_scrubbed_lines_to_a_file_in_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        let guard = init(&logs).unwrap();
        tracing::info!(target: "invoice_desk", "calling ARM with Authorization: Bearer s3cr3t-token");
        drop(guard); // flushes
        let file = std::fs::read_dir(&logs)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains("Bearer [redacted]"), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");
    }
}
