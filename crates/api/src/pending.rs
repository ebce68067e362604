//! Usage reports that were still running when the app quit. Azure prepares a report for
//! minutes; the operation URL it hands out is kept in a small file beside the settings, so the
//! next start can offer the report and pick it up where Azure has it (or request it again when
//! Azure has forgotten it). The file holds no token: only which report, where it goes and the
//! operation's address on Resource Manager.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::usage::UsageSelection;

/// One report that has not ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PendingReport {
    pub id: String,
    pub scope_id: String,
    /// The scope's name, to say which report it is.
    pub scope_name: String,
    pub selection: UsageSelection,
    /// Where Azure can be asked whether the report is ready; `None` until Azure accepted it.
    pub operation: Option<String>,
    /// RFC 3339, UTC.
    pub started_at: String,
}

/// The kept reports, in a JSON file written atomically on every change.
#[derive(Debug)]
pub struct PendingReports {
    path: Option<PathBuf>,
    reports: Mutex<Vec<PendingReport>>,
}

impl PendingReports {
    /// The reports kept in `path` (none when the file is missing or unreadable: a lost list
    /// only means a report is not offered again). `None` keeps them in memory only.
    #[must_use]
    pub fn open(path: Option<PathBuf>) -> Self {
        let reports = path
            .as_deref()
            .and_then(|p| {
                invoice_desk_files::fsio::read_capped(
                    p,
                    invoice_desk_files::fsio::MAX_BOOKKEEPING_FILE,
                )
                .ok()
            })
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Self {
            path,
            reports: Mutex::new(reports),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<PendingReport>> {
        self.reports
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    #[must_use]
    pub fn list(&self) -> Vec<PendingReport> {
        self.lock().clone()
    }

    #[must_use]
    pub fn get(&self, id: &str) -> Option<PendingReport> {
        self.lock().iter().find(|r| r.id == id).cloned()
    }

    pub fn add(&self, report: PendingReport) {
        self.change(|reports| {
            reports.retain(|r| r.id != report.id);
            reports.push(report);
        });
    }

    /// Azure accepted the report: keep where to ask for it.
    pub fn set_operation(&self, id: &str, operation: &str) {
        self.change(|reports| {
            if let Some(report) = reports.iter_mut().find(|r| r.id == id) {
                report.operation = Some(operation.to_owned());
            }
        });
    }

    /// The report ended (saved, failed, cancelled or dismissed): nothing to offer any more.
    pub fn remove(&self, id: &str) {
        self.change(|reports| reports.retain(|r| r.id != id));
    }

    fn change(&self, edit: impl FnOnce(&mut Vec<PendingReport>)) {
        let snapshot = {
            let mut reports = self.lock();
            edit(&mut reports);
            reports.clone()
        };
        if let Some(path) = &self.path {
            write(path, &snapshot);
        }
    }
}

fn write(path: &Path, reports: &[PendingReport]) {
    let written = serde_json::to_vec_pretty(reports)
        .map_err(std::io::Error::other)
        .and_then(|bytes| invoice_desk_settings::write_atomically(path, &bytes));
    if let Err(error) = written {
        tracing::warn!(%error, "the list of running usage reports was not written");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(id: &str) -> PendingReport {
        PendingReport {
            id: id.into(),
            scope_id: "/subscriptions/1".into(),
            scope_name: "Contoso".into(),
            selection: UsageSelection::OpenMonth,
            operation: None,
            started_at: "2026-12-03T10:00:00Z".into(),
        }
    }

    #[test]
    fn reports_survive_a_restart_until_they_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pending.json");
        let kept = PendingReports::open(Some(path.clone()));
        kept.add(report("a"));
        kept.add(report("b"));
        kept.set_operation("a", "https://management.azure.com/op/1");
        kept.remove("b");
        let reopened = PendingReports::open(Some(path.clone()));
        assert_eq!(reopened.list().len(), 1);
        assert_eq!(
            reopened.get("a").unwrap().operation.as_deref(),
            Some("https://management.azure.com/op/1")
        );
        reopened.remove("a");
        assert!(PendingReports::open(Some(path)).list().is_empty());
    }

    #[test]
    fn an_unreadable_file_offers_nothing_and_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pending.json");
        std::fs::write(&path, b"{not json").unwrap();
        let kept = PendingReports::open(Some(path.clone()));
        assert!(kept.list().is_empty());
        kept.add(report("c"));
        assert_eq!(PendingReports::open(Some(path)).list().len(), 1);
    }
}
