//! "Sync archive": which scopes a sync covers, and whether the window syncs by itself at start.
//! The window's toolbar button, its sync at start and the CLI's `sync` all decide here.

use invoice_desk_billing::{Capability, ScopeEntry};
use invoice_desk_settings::Settings;

/// The scopes of one sync, in the order found: those whose invoices the user may download
/// (each once, though several accounts or directories reach it), and those left out with the
/// capability that says why.
#[derive(Debug)]
pub struct SyncPlan<T> {
    pub scopes: Vec<T>,
    pub skipped: Vec<(T, Capability)>,
}

/// Sorts `found` into the scopes a sync covers and those it leaves out. `entry` reads a found
/// item's scope; a scope id seen before (compared as Azure does, ignoring case) is left out
/// without a reason, as it is synced already.
pub fn plan<T>(
    found: impl IntoIterator<Item = T>,
    entry: impl Fn(&T) -> &ScopeEntry,
) -> SyncPlan<T> {
    plan_by(found, |item| {
        let scope = entry(item);
        (
            scope.scope.id.as_str(),
            &scope.capabilities.download_invoices,
        )
    })
}

/// The scopes whose usage files a sync keeps: with "Also keep usage files" (or `sync
/// --usage`), those where the user may download usage, each once; none otherwise.
pub fn usage_plan<T>(
    found: impl IntoIterator<Item = T>,
    entry: impl Fn(&T) -> &ScopeEntry,
    keep_usage_files: bool,
) -> Vec<T> {
    if !keep_usage_files {
        return Vec::new();
    }
    plan_by(found, |item| {
        let scope = entry(item);
        (scope.scope.id.as_str(), &scope.capabilities.download_usage)
    })
    .scopes
}

/// [`plan`] over a scope's id and its download capability.
fn plan_by<T>(
    found: impl IntoIterator<Item = T>,
    scope: impl Fn(&T) -> (&str, &Capability),
) -> SyncPlan<T> {
    let mut seen: Vec<String> = Vec::new();
    let mut plan = SyncPlan {
        scopes: Vec::new(),
        skipped: Vec::new(),
    };
    for item in found {
        let (id, download) = scope(&item);
        let id = id.to_ascii_lowercase();
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        match download {
            Capability::Allowed => plan.scopes.push(item),
            other => {
                let why = other.clone();
                plan.skipped.push((item, why));
            }
        }
    }
    plan
}

/// Whether the window syncs the archive by itself once its directories have listed their
/// scopes: when Settings says so, and never over demo data (it would fill the archive with
/// sample invoices).
#[must_use]
pub fn syncs_at_start(settings: &Settings, demo: bool) -> bool {
    settings.sync_at_start && !demo
}

#[cfg(test)]
mod tests {
    use invoice_desk_billing::access::{NotOfferedReason, PortalLink};

    use super::*;

    #[test]
    fn a_sync_covers_each_downloadable_scope_once_and_says_why_it_leaves_others_out() {
        let emailed = Capability::NotOffered {
            reason: NotOfferedReason::EaInvoicesAreEmailed,
            portal: PortalLink {
                page: "ea_invoices",
                url: "https://portal.azure.com/".into(),
            },
        };
        let found = [
            ("/subscriptions/A", Capability::Allowed),
            (
                "/providers/Microsoft.Billing/billingAccounts/1",
                emailed.clone(),
            ),
            ("/subscriptions/a", Capability::Allowed),
            ("/subscriptions/B", Capability::Allowed),
        ];
        let plan = plan_by(found.iter(), |(id, cap)| (*id, cap));
        let ids: Vec<&str> = plan.scopes.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, ["/subscriptions/A", "/subscriptions/B"]);
        assert_eq!(plan.skipped.len(), 1);
        assert_eq!(plan.skipped[0].1, emailed);
    }

    #[test]
    fn the_window_syncs_at_start_only_when_asked_and_never_over_demo_data() {
        let mut settings = Settings::default();
        assert!(!syncs_at_start(&settings, false));
        settings.sync_at_start = true;
        assert!(syncs_at_start(&settings, false));
        assert!(!syncs_at_start(&settings, true));
    }
}
