//! MCA invoice sections as scopes of their own, under the billing profile they belong to.
//!
//! A section is listed when it is useful ([`worth_listing`]): when its profile cannot be read
//! (a role on the section is all the caller holds: without it they would see nothing), or when
//! the profile has more than one section (each has its own charges). A profile's single
//! default section would only repeat the profile.
//!
//! Roles: the caller's section roles plus the profile's and account's, which Azure inherits
//! downwards. Per Microsoft's MCA role tables a section role reads the section's charges but
//! never the profile's invoices; [`crate::access::capabilities`] applies that.

use futures::TryStreamExt;
use futures::future::join_all;

use crate::access::{AccessFacts, BillingRole, Portal};
use crate::api::ListOptions;
use crate::arm::ArmClient;
use crate::browse::{
    Caller, ScopeEntry, ScopeFacts, ScopeIssue, entry, permission_facts, roles_at,
};
use crate::effective::not_applicable;
use crate::model::InvoiceSectionState;
use crate::scope::{BillingScope, ScopeKind};

/// What a section inherits from its billing profile.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parent<'a> {
    /// The profile's scope (id, account, tenant, currency).
    pub scope: &'a BillingScope,
    /// The profile's name (last segment of its id).
    pub name: &'a str,
    /// Whether the caller may read the profile (`hasReadAccess`).
    pub readable: bool,
    /// The caller's roles on the profile and the account.
    pub roles: &'a [BillingRole],
    /// The profile's facts (invoice day) that the section's periods share.
    pub facts: &'a ScopeFacts,
}

/// Whether the sections of a profile are worth listing as scopes.
#[must_use]
pub fn worth_listing(profile_readable: bool, sections: usize) -> bool {
    !profile_readable || sections > 1
}

/// The section scopes of one profile worth listing, each with its capabilities. A failing
/// section list is kept as an issue on the sections only when the profile itself is not
/// listed (otherwise the profile already gives the caller everything).
pub(crate) async fn section_entries(
    client: &ArmClient,
    caller: &Caller,
    parent: Parent<'_>,
    portal: &Portal,
) -> Vec<ScopeEntry> {
    let Some(account) = parent.scope.account_name() else {
        return Vec::new();
    };
    let sections = match client
        .list_invoice_sections(account, parent.name, &ListOptions::default())
        .try_collect::<Vec<_>>()
        .await
    {
        Ok(list) => list,
        Err(e) => {
            if !parent.readable && !not_applicable(&e) {
                tracing::warn!(profile = %parent.scope.id, code = e.code(), "invoice sections could not be listed");
            }
            return Vec::new();
        }
    };
    let sections: Vec<_> = sections
        .into_iter()
        .filter(|s| s.properties.state != Some(InvoiceSectionState::Deleted))
        .collect();
    if !worth_listing(parent.readable, sections.len()) {
        return Vec::new();
    }
    let jobs = sections.into_iter().filter_map(|section| {
        let name = section.name_or_id_tail()?.to_owned();
        Some(async move {
            let id = format!("{}/invoiceSections/{name}", parent.scope.id);
            let scope = BillingScope {
                kind: ScopeKind::McaInvoiceSection,
                id: id.clone(),
                display_name: section.properties.display_name.clone().unwrap_or(name),
                parent_display_name: Some(parent.scope.display_name.clone()),
                ..parent.scope.clone()
            };
            let mut issues: Vec<ScopeIssue> = Vec::new();
            let ((permissions, permissions_source), mut roles) = futures::join!(
                permission_facts(client, &id, &mut issues),
                roles_at(client, caller, &id),
            );
            roles.extend_from_slice(parent.roles);
            roles.sort();
            roles.dedup();
            let access = AccessFacts {
                roles,
                permissions,
                permissions_source,
                ..AccessFacts::default()
            };
            entry(scope, access, parent.facts.clone(), issues, portal)
        })
    });
    join_all(jobs).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_listed_when_they_add_something() {
        // The only way in: a role on a section of a profile the caller cannot read.
        assert!(worth_listing(false, 1));
        assert!(worth_listing(false, 0));
        // Several sections: each has its own charges.
        assert!(worth_listing(true, 2));
        // The profile's one default section would repeat the profile.
        assert!(!worth_listing(true, 1));
        assert!(!worth_listing(true, 0));
    }
}
