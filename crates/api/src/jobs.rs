//! Long-running work (downloads, usage reports, sync) as jobs: the window's activity tray and
//! the command line's progress bar show the same registry.
//!
//! The registry owns each job's latest progress and its cancellation token; every change is
//! reported through one [`Progress`], which the shell implements with a `job-progress-event`
//! and the command line with a progress bar.

use std::sync::{Arc, Mutex};

use std::collections::HashMap;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use invoice_desk_billing::ShownRange;
use invoice_desk_files::BatchEvent;

use crate::error::{AppError, ErrorCode};

/// Where a job's changes go: the shell's event to the window, the command line's bar.
pub trait Progress: Send + Sync {
    fn changed(&self, job: &JobProgress);
}

impl<F: Fn(&JobProgress) + Send + Sync> Progress for F {
    fn changed(&self, job: &JobProgress) {
        self(job);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum JobKind {
    Download,
    UsageReport,
    Sync,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum JobPhase {
    Queued,
    Running,
    Finished,
    Failed,
    Cancelled,
}

impl JobPhase {
    /// Finished, failed or cancelled: nothing more happens to the job.
    #[must_use]
    pub fn is_final(self) -> bool {
        matches!(self, Self::Finished | Self::Failed | Self::Cancelled)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct JobProgress {
    pub id: String,
    pub kind: JobKind,
    pub title: String,
    pub phase: JobPhase,
    // Byte and item counts stay far below 2^53, so TypeScript's `number` holds them exactly.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub done: u64,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub total: Option<u64>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub bytes_per_second: Option<u64>,
    pub error: Option<AppError>,
    /// Where a job of several steps is (a usage report: requested, being prepared by Azure,
    /// downloading file n of m, joining); `None` for a job of one kind of work.
    pub stage: Option<JobStage>,
    /// When the job started (RFC 3339, UTC), so the elapsed time survives a reload.
    pub started_at: String,
    /// What "Retry" in the tray runs again after a failed or cancelled job: only what did not
    /// get done. `None` when there is nothing to retry.
    pub retry: Option<RetryRequest>,
}

/// The steps of a usage report job, counted per report when a range became several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(
    tag = "step",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum JobStage {
    /// The report was asked of Azure.
    Requested { report: u32, reports: u32 },
    /// Azure is preparing it (this can take minutes).
    Preparing { report: u32, reports: u32 },
    /// Downloading file `file` of `files`; `done`/`total` are that file's bytes.
    Downloading {
        report: u32,
        reports: u32,
        file: u32,
        files: u32,
    },
    /// Unpacking and joining the files into one.
    Joining { report: u32, reports: u32 },
}

/// A job's unfinished work, as the window hands it back to run again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RetryRequest {
    /// Save these invoices of a scope into the download folder again (every invoice of
    /// `range` when none are named).
    SaveInvoices {
        scope_id: String,
        invoices: Vec<String>,
        range: Option<ShownRange>,
    },
    /// Sync these invoices of a scope into the archive again (all of it when none are named).
    ArchiveInvoices {
        scope_id: String,
        invoices: Vec<String>,
    },
    /// Ask for this usage file again.
    SaveUsage {
        scope_id: String,
        selection: crate::usage::UsageSelection,
    },
}

type Notify = Arc<dyn Progress>;

struct Entry {
    progress: JobProgress,
    cancel: CancellationToken,
}

/// All jobs of this run, newest last.
#[derive(Clone)]
pub struct Jobs {
    entries: Arc<Mutex<Vec<Entry>>>,
    notify: Notify,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs")
            .field("count", &self.lock().len())
            .finish()
    }
}

impl Jobs {
    pub fn new(progress: impl Progress + 'static) -> Self {
        Self {
            entries: Arc::default(),
            notify: Arc::new(progress),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a job and returns the handle its worker reports through.
    pub fn start(&self, kind: JobKind, title: impl Into<String>, total: Option<u64>) -> JobHandle {
        let id = uuid::Uuid::new_v4().to_string();
        let cancel = CancellationToken::new();
        let progress = JobProgress {
            id: id.clone(),
            kind,
            title: title.into(),
            phase: JobPhase::Queued,
            done: 0,
            total,
            bytes_per_second: None,
            error: None,
            stage: None,
            started_at: invoice_desk_files::index::now_text(),
            retry: None,
        };
        self.notify.changed(&progress);
        self.lock().push(Entry {
            progress,
            cancel: cancel.clone(),
        });
        JobHandle {
            jobs: self.clone(),
            id,
            cancel,
        }
    }

    pub fn list(&self) -> Vec<JobProgress> {
        self.lock().iter().map(|e| e.progress.clone()).collect()
    }

    /// Asks a job to stop. Its worker sees the token and reports `Cancelled` itself, so a
    /// cancelled job never looks finished while it is still writing.
    pub fn cancel(&self, id: &str) -> Result<(), AppError> {
        let entries = self.lock();
        let entry = entries
            .iter()
            .find(|e| e.progress.id == id)
            .ok_or_else(|| {
                AppError::new(ErrorCode::JobNotFound)
                    .with_details("That job no longer exists.")
                    .with_details(format!("job id {id}"))
            })?;
        entry.cancel.cancel();
        Ok(())
    }

    fn update(&self, id: &str, change: impl FnOnce(&mut JobProgress)) {
        let snapshot = {
            let mut entries = self.lock();
            let Some(entry) = entries.iter_mut().find(|e| e.progress.id == id) else {
                return;
            };
            if entry.progress.phase.is_final() {
                return;
            }
            change(&mut entry.progress);
            entry.progress.clone()
        };
        self.notify.changed(&snapshot);
    }
}

/// What a worker holds to report progress and notice cancellation.
#[derive(Debug)]
pub struct JobHandle {
    jobs: Jobs,
    id: String,
    cancel: CancellationToken,
}

impl JobHandle {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancel
    }

    pub fn progress(&self, done: u64, total: Option<u64>, bytes_per_second: Option<u64>) {
        self.jobs.update(&self.id, |p| {
            p.phase = JobPhase::Running;
            p.done = done;
            p.total = total.or(p.total);
            p.bytes_per_second = bytes_per_second;
        });
    }

    /// A cloneable way to report this job's stage from callbacks that outlive a borrow.
    #[must_use]
    pub fn reporter(&self) -> JobReporter {
        JobReporter {
            jobs: self.jobs.clone(),
            id: self.id.clone(),
        }
    }

    /// The job moved to `stage`, with `done` of `total` within it.
    pub fn stage(&self, stage: JobStage, done: u64, total: Option<u64>) {
        self.reporter().stage(stage, done, total);
    }

    /// Offers "Retry" for `retry` once the job ends failed or cancelled.
    pub fn offer_retry(&self, retry: RetryRequest) {
        self.jobs.update(&self.id, |p| p.retry = Some(retry));
    }

    pub fn finish(self) {
        self.jobs.update(&self.id, |p| {
            p.phase = JobPhase::Finished;
            p.bytes_per_second = None;
            p.stage = None;
            p.retry = None;
            if let Some(total) = p.total {
                p.done = total;
            }
        });
    }

    pub fn fail(self, error: AppError) {
        self.jobs.update(&self.id, |p| {
            p.phase = JobPhase::Failed;
            p.bytes_per_second = None;
            p.error = Some(error);
        });
    }

    pub fn cancelled(self) {
        self.jobs.update(&self.id, |p| {
            p.phase = JobPhase::Cancelled;
            p.bytes_per_second = None;
        });
    }
}

/// Reports a job's stage; see [`JobHandle::reporter`].
#[derive(Debug, Clone)]
pub struct JobReporter {
    jobs: Jobs,
    id: String,
}

impl JobReporter {
    pub fn stage(&self, stage: JobStage, done: u64, total: Option<u64>) {
        self.jobs.update(&self.id, |p| {
            p.phase = JobPhase::Running;
            p.stage = Some(stage);
            p.done = done;
            p.total = total;
        });
    }
}

/// Turns a batch's events into its job's progress: documents finished of the total, and the
/// transfer speed over all documents so far.
#[derive(Debug)]
pub struct BatchProgress<'a> {
    job: &'a JobHandle,
    total: u64,
    started: Instant,
    tally: std::sync::Mutex<(HashMap<usize, u64>, u64)>,
}

impl<'a> BatchProgress<'a> {
    #[must_use]
    pub fn new(job: &'a JobHandle, total: u64) -> Self {
        Self {
            job,
            total,
            started: Instant::now(),
            tally: std::sync::Mutex::default(),
        }
    }

    pub fn event(&self, event: &BatchEvent) {
        let Ok(mut tally) = self.tally.lock() else {
            return;
        };
        let (bytes, finished) = &mut *tally;
        match event {
            BatchEvent::Progress {
                item, bytes: got, ..
            } => {
                bytes.insert(*item, *got);
            }
            BatchEvent::Done { .. } | BatchEvent::Failed { .. } => *finished += 1,
            BatchEvent::Queued { .. } | BatchEvent::Started { .. } => return,
        }
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        let sum: u64 = bytes.values().sum();
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let speed = (sum as f64 / seconds) as u64;
        self.job.progress(*finished, Some(self.total), Some(speed));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recording() -> (Jobs, Arc<Mutex<Vec<JobProgress>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        (
            Jobs::new(move |p: &JobProgress| sink.lock().unwrap().push(p.clone())),
            seen,
        )
    }

    #[test]
    fn reports_every_step_of_a_job() {
        let (jobs, seen) = recording();
        let job = jobs.start(JobKind::Download, "G123 invoice", Some(100));
        job.progress(40, None, Some(2048));
        job.finish();
        let phases: Vec<_> = seen
            .lock()
            .unwrap()
            .iter()
            .map(|p| (p.phase, p.done))
            .collect();
        assert_eq!(
            phases,
            vec![
                (JobPhase::Queued, 0),
                (JobPhase::Running, 40),
                (JobPhase::Finished, 100)
            ]
        );
        assert_eq!(jobs.list()[0].phase, JobPhase::Finished);
    }

    #[test]
    fn cancel_reaches_the_worker_and_unknown_ids_are_a_typed_error() {
        let (jobs, _) = recording();
        let job = jobs.start(JobKind::Sync, "archive", None);
        assert!(!job.cancellation().is_cancelled());
        jobs.cancel(job.id()).unwrap();
        assert!(job.cancellation().is_cancelled());
        job.cancelled();
        assert_eq!(jobs.list()[0].phase, JobPhase::Cancelled);
        assert_eq!(
            jobs.cancel("nope").unwrap_err().code,
            ErrorCode::JobNotFound
        );
    }

    #[test]
    fn a_finished_job_ignores_late_updates() {
        let (jobs, seen) = recording();
        let job = jobs.start(JobKind::UsageReport, "usage", None);
        let late = JobHandle {
            jobs: jobs.clone(),
            id: job.id().to_owned(),
            cancel: job.cancel.clone(),
        };
        job.fail(AppError::new(ErrorCode::Internal).with_details("boom"));
        late.progress(5, None, None);
        assert_eq!(seen.lock().unwrap().len(), 2);
        assert_eq!(jobs.list()[0].phase, JobPhase::Failed);
    }

    #[test]
    fn a_failed_job_keeps_what_to_retry_and_a_finished_one_offers_nothing() {
        let (jobs, _) = recording();
        let retry = RetryRequest::SaveInvoices {
            scope_id: "/providers/Microsoft.Billing/billingAccounts/1".into(),
            invoices: vec!["G2".into()],
            range: None,
        };
        let failed = jobs.start(JobKind::Download, "two invoices", Some(2));
        failed.offer_retry(retry.clone());
        failed.fail(AppError::new(ErrorCode::DiskFull).with_details("The disk is full."));
        let finished = jobs.start(JobKind::Download, "one invoice", Some(1));
        finished.offer_retry(retry.clone());
        finished.finish();
        let list = jobs.list();
        assert_eq!(list[0].retry, Some(retry));
        assert_eq!(list[1].retry, None);
    }

    #[test]
    fn a_batch_reports_documents_finished_and_a_speed_over_every_document() {
        let (jobs, seen) = recording();
        let job = jobs.start(JobKind::Download, "three invoices", Some(3));
        let progress = BatchProgress::new(&job, 3);
        progress.event(&BatchEvent::Started { item: 0 });
        progress.event(&BatchEvent::Progress {
            item: 0,
            bytes: 4096,
            total: None,
        });
        progress.event(&BatchEvent::Progress {
            item: 1,
            bytes: 4096,
            total: None,
        });
        progress.event(&BatchEvent::Failed {
            item: 2,
            error: invoice_desk_files::FilesError::Cancelled.report(),
        });
        let seen = seen.lock().unwrap();
        // Queued, then one change per progress or end (a start changes nothing).
        assert_eq!(seen.len(), 4);
        let last = seen.last().unwrap();
        assert_eq!(
            (last.phase, last.done, last.total),
            (JobPhase::Running, 1, Some(3))
        );
        assert!(last.bytes_per_second.unwrap() > 0);
    }
}
