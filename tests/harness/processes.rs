//! The app's running processes, found by their executable on every system the suite runs on.

use std::path::{Path, PathBuf};

use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, Signal, System, UpdateKind};

/// The processes running `app` (compared after resolving links, as the system reports them).
pub fn running(app: &Path) -> Vec<Pid> {
    let target = canonical(app);
    let mut system = System::new();
    system.refresh_processes_specifics(
        ProcessesToUpdate::All,
        true,
        ProcessRefreshKind::nothing().with_exe(UpdateKind::Always),
    );
    system
        .processes()
        .iter()
        // Linux lists a process's threads beside it: the process alone counts.
        .filter(|(_, process)| process.thread_kind().is_none())
        .filter(|(_, process)| process.exe().is_some_and(|exe| canonical(exe) == target))
        .map(|(pid, _)| *pid)
        .collect()
}

/// Asks `pids` to end (SIGTERM where the system has it) or, with `force`, kills them.
pub fn end(pids: &[Pid], force: bool) {
    let mut system = System::new();
    system.refresh_processes_specifics(
        ProcessesToUpdate::Some(pids),
        true,
        ProcessRefreshKind::nothing(),
    );
    for pid in pids {
        if let Some(process) = system.process(*pid) {
            let asked = !force && process.kill_with(Signal::Term).unwrap_or(false);
            if !asked {
                process.kill();
            }
        }
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}
