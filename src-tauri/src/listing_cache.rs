//! The last listing seen, kept on disk so the window opens at once and still shows something
//! without a network, marked with the time it was fetched ("as of …").
//!
//! It holds what the window showed (scopes, periods, amounts), never a token. Signing an account
//! out forgets its part; removing all accounts forgets everything. Demo data is never cached.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::browse::{PeriodView, ScopeSummary};

/// Bumped when the shapes change: an older file is then ignored, not misread.
/// 2: capabilities carry typed states, roles and an `allowed` flag; invoices their shown amount.
/// 3: scopes carry a typed kind, their agreement family and roles strongest first.
/// 4: periods carry the usage file they offer and the index key of that file.
const VERSION: u32 = 4;

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Cached<T> {
    /// When this was fetched from Azure (RFC 3339, UTC).
    pub as_of: String,
    pub account_id: String,
    pub data: T,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    v: u32,
    /// By `account|tenant`.
    scopes: BTreeMap<String, Cached<Vec<ScopeSummary>>>,
    /// By scope id (lower case).
    periods: BTreeMap<String, Cached<Vec<PeriodView>>>,
}

/// The cache file and an in-memory copy of it.
#[derive(Debug)]
pub struct ListingCache {
    path: Option<PathBuf>,
    file: Mutex<CacheFile>,
}

fn directory_key(account_id: &str, tenant_id: &str) -> String {
    format!("{account_id}|{}", tenant_id.to_ascii_lowercase())
}

fn now() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

impl ListingCache {
    /// Reads the cache at `path`; a missing, unreadable or older file starts empty. `None`:
    /// no cache folder, keep nothing.
    pub fn open(path: Option<PathBuf>) -> Self {
        let file = path
            .as_deref()
            .and_then(|p| {
                invoice_desk_files::fsio::read_capped(
                    p,
                    invoice_desk_files::fsio::MAX_BOOKKEEPING_FILE,
                )
                .ok()
            })
            .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
            .filter(|f| f.v == VERSION)
            .unwrap_or_default();
        Self {
            path,
            file: Mutex::new(file),
        }
    }

    pub fn scopes(&self, account_id: &str, tenant_id: &str) -> Option<Cached<Vec<ScopeSummary>>> {
        let file = self.file.lock().ok()?;
        file.scopes
            .get(&directory_key(account_id, tenant_id))
            .cloned()
    }

    pub fn periods(&self, scope_id: &str) -> Option<Cached<Vec<PeriodView>>> {
        let file = self.file.lock().ok()?;
        file.periods.get(&scope_id.to_ascii_lowercase()).cloned()
    }

    pub fn put_scopes(&self, account_id: &str, tenant_id: &str, scopes: &[ScopeSummary]) {
        self.change(|file| {
            file.scopes.insert(
                directory_key(account_id, tenant_id),
                Cached {
                    as_of: now(),
                    account_id: account_id.to_owned(),
                    data: scopes.to_vec(),
                },
            );
        });
    }

    pub fn put_periods(&self, account_id: &str, scope_id: &str, periods: &[PeriodView]) {
        self.change(|file| {
            file.periods.insert(
                scope_id.to_ascii_lowercase(),
                Cached {
                    as_of: now(),
                    account_id: account_id.to_owned(),
                    data: periods.to_vec(),
                },
            );
        });
    }

    /// Forgets everything of one account (it signed out).
    pub fn forget_account(&self, account_id: &str) {
        self.change(|file| {
            file.scopes.retain(|_, c| c.account_id != account_id);
            file.periods.retain(|_, c| c.account_id != account_id);
        });
    }

    /// Forgets everything (all accounts were removed).
    pub fn clear(&self) {
        self.change(|file| *file = CacheFile::default());
    }

    fn change(&self, edit: impl FnOnce(&mut CacheFile)) {
        let Ok(mut file) = self.file.lock() else {
            return;
        };
        edit(&mut file);
        file.v = VERSION;
        let Some(path) = &self.path else {
            return;
        };
        // A cache that cannot be written only costs the next start its head start.
        let written = serde_json::to_vec(&*file)
            .map_err(std::io::Error::other)
            .and_then(|bytes| invoice_desk_settings::write_atomically(path, &bytes));
        if let Err(err) = written {
            tracing::warn!(%err, "the listing cache could not be written");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(id: &str, account: &str) -> ScopeSummary {
        let allowed = || crate::browse::CapabilityView {
            state: crate::browse::CapabilityState::Allowed,
            allowed: true,
            reason: None,
            missing_role: None,
            granted_by: None,
            policy: None,
            grantor_contact: None,
            portal_url: None,
        };
        ScopeSummary {
            id: id.into(),
            account_id: account.into(),
            tenant_id: "t1".into(),
            kind: invoice_desk_billing::ScopeKind::MospSubscription,
            family: invoice_desk_billing::AgreementFamily::Mosp,
            display_name: "Contoso".into(),
            billing_account_name: None,
            parent_display_name: None,
            currency: Some("EUR".into()),
            roles: vec![invoice_desk_billing::BillingRole::AccountAdministrator],
            capabilities: crate::browse::CapabilitiesView {
                list_invoices: allowed(),
                download_invoices: allowed(),
                download_usage: allowed(),
                manage_email: allowed(),
            },
            issues: Vec::new(),
        }
    }

    #[test]
    fn a_listing_survives_a_restart_and_sign_out_forgets_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("listing.json");
        let cache = ListingCache::open(Some(path.clone()));
        cache.put_scopes("a1", "T1", &[scope("/sub/1", "a1")]);
        cache.put_scopes("a2", "t2", &[scope("/sub/2", "a2")]);

        let reopened = ListingCache::open(Some(path.clone()));
        let found = reopened.scopes("a1", "t1").expect("cached");
        assert_eq!(found.data.len(), 1);
        assert!(OffsetDateTime::parse(&found.as_of, &Rfc3339).is_ok());

        reopened.forget_account("a1");
        let again = ListingCache::open(Some(path.clone()));
        assert!(again.scopes("a1", "t1").is_none());
        assert!(again.scopes("a2", "t2").is_some());
        again.clear();
        assert!(ListingCache::open(Some(path)).scopes("a2", "t2").is_none());
    }

    #[test]
    fn a_damaged_file_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("listing.json");
        std::fs::write(&path, b"{not json").unwrap();
        let cache = ListingCache::open(Some(path.clone()));
        assert!(cache.scopes("a", "t").is_none());
        cache.put_scopes("a", "t", &[]);
        assert!(ListingCache::open(Some(path)).scopes("a", "t").is_some());
    }
}
