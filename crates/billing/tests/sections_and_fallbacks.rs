//! Against the in-process emulator over real sockets: MCA invoice sections as scopes, the
//! caller's permissions from `checkAccess` when `billingPermissions` does not answer, and the
//! legacy MOSP invoice API when the billing-subscription one does not serve an offer.

mod common;

use common::{discover, start, today};

use invoice_desk_billing::access::{Action, BillingRole, PermissionSource};
use invoice_desk_billing::browse::{ScopeEntry, scope_periods};
use invoice_desk_billing::model::DocumentKind;
use invoice_desk_billing::periods::default_range;
use invoice_desk_billing::{Availability, ScopeKind};
use invoice_desk_emulator::{FaultKind, FaultRule};

const SECTION_OWNER: &str = "sofia.section@contoso.example";

fn fault(route: &str, status: u16) -> FaultRule {
    FaultRule {
        route: Some(route.into()),
        method: None,
        count: None,
        kind: FaultKind::Status { status },
    }
}

fn no_profile_invoices(entry: &ScopeEntry) {
    let caps = &entry.capabilities;
    for action in [Action::ListInvoices, Action::DownloadInvoices] {
        let denied = caps
            .get(action)
            .denied()
            .unwrap_or_else(|| panic!("{action:?}: {caps:?}"));
        assert_eq!(denied.missing_role, BillingRole::BillingProfileReader);
        assert_eq!(denied.granted_by, BillingRole::BillingProfileOwner);
    }
    assert!(caps.download_usage.is_allowed(), "{caps:?}");
    assert_eq!(
        caps.manage_email.denied().unwrap().missing_role,
        BillingRole::BillingProfileContributor
    );
}

#[tokio::test]
async fn a_section_owner_gets_her_section_and_is_told_who_grants_the_invoices() {
    let emulator = start().await;
    let (s, found) = discover(&emulator, SECTION_OWNER, true).await;
    // The profile she cannot read is not a scope of hers; its section is.
    assert_eq!(found.scopes.len(), 1, "{:#?}", found.scopes);
    let entry = &found.scopes[0];
    assert_eq!(entry.scope.kind, ScopeKind::McaInvoiceSection);
    assert_eq!(entry.scope.plain_kind(), "mca_invoice_section");
    assert_eq!(entry.scope.display_name, "Finance \u{2014} Marketing");
    assert_eq!(
        entry.scope.parent_display_name.as_deref(),
        Some("Contoso Finance")
    );
    assert!(
        entry.scope.id.contains("/billingProfiles/")
            && entry.scope.id.contains("/invoiceSections/")
    );
    assert_eq!(entry.scope.currency.as_deref(), Some("EUR"));
    assert_eq!(entry.roles, [BillingRole::InvoiceSectionOwner]);
    assert_eq!(
        entry.access.permissions_source,
        Some(PermissionSource::BillingPermissions)
    );
    assert!(entry.issues.is_empty(), "{:?}", entry.issues);
    no_profile_invoices(entry);

    // Every period: no permission, with the role that would show the invoice.
    let rows = scope_periods(&s.client, entry, default_range(today()), today())
        .await
        .unwrap();
    assert_eq!(rows.len(), 13);
    for row in &rows {
        assert!(row.invoices.is_empty());
        assert_eq!(
            row.availability,
            Availability::NoPermission {
                missing_role: BillingRole::BillingProfileReader,
                granted_by: BillingRole::BillingProfileOwner,
                policy: None,
                contact: None,
            }
        );
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_profile_owner_sees_the_sections_of_a_profile_that_has_several() {
    let emulator = start().await;
    let (s, found) = discover(&emulator, "olivia.owner@contoso.example", true).await;
    let sections: Vec<&ScopeEntry> = found
        .scopes
        .iter()
        .filter(|e| e.scope.kind == ScopeKind::McaInvoiceSection)
        .collect();
    assert_eq!(found.scopes.len(), 5);
    assert_eq!(sections.len(), 2);
    let profile = found
        .scopes
        .iter()
        .find(|e| {
            e.scope.display_name == "Contoso Finance"
                && e.scope.kind == ScopeKind::McaBillingProfile
        })
        .unwrap();
    for section in &sections {
        assert_eq!(
            section.scope.parent_display_name.as_deref(),
            Some("Contoso Finance")
        );
        assert!(
            section
                .scope
                .id
                .starts_with(&format!("{}/invoiceSections/", profile.scope.id))
        );
        assert_eq!(section.roles, [BillingRole::BillingProfileOwner]);
        for action in Action::ALL {
            assert!(section.capabilities.get(action).is_allowed(), "{action:?}");
        }
    }
    let mut names: Vec<&str> = sections
        .iter()
        .map(|e| e.scope.display_name.as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Contoso Finance", "Finance \u{2014} Marketing"]);
    // A section's charges are on its profile's invoice: the same periods and invoices.
    let of_profile = scope_periods(&s.client, profile, default_range(today()), today())
        .await
        .unwrap();
    let of_section = scope_periods(&s.client, sections[0], default_range(today()), today())
        .await
        .unwrap();
    assert_eq!(of_profile, of_section);
    assert!(of_section.iter().any(|r| !r.invoices.is_empty()));
    emulator.shutdown().await;
}

#[tokio::test]
async fn check_access_decides_when_billing_permissions_does_not_answer() {
    let emulator = start().await;
    for status in [404, 400] {
        emulator.set_faults(vec![fault("*/billingPermissions", status)]);
        // No object id: no role assignments are read, so only checkAccess can know.
        let (_, found) = discover(&emulator, SECTION_OWNER, false).await;
        assert_eq!(found.scopes.len(), 1);
        let entry = &found.scopes[0];
        assert!(entry.roles.is_empty());
        assert_eq!(
            entry.access.permissions_source,
            Some(PermissionSource::CheckAccess)
        );
        assert!(entry.issues.is_empty(), "{status}: {:?}", entry.issues);
        no_profile_invoices(entry);

        let (_, rita) = discover(&emulator, "rita.reader@contoso.example", false).await;
        for entry in &rita.scopes {
            assert_eq!(
                entry.access.permissions_source,
                Some(PermissionSource::CheckAccess)
            );
            let caps = &entry.capabilities;
            assert!(caps.list_invoices.is_allowed() && caps.download_usage.is_allowed());
            assert_eq!(
                caps.manage_email.denied().unwrap().missing_role,
                BillingRole::BillingProfileContributor
            );
        }
    }

    // Without either source nothing is known, and the section would wrongly look readable:
    // checkAccess is what made the difference above.
    emulator.set_faults(vec![
        fault("*/billingPermissions", 404),
        fault("*/checkAccess", 404),
    ]);
    let (_, found) = discover(&emulator, SECTION_OWNER, false).await;
    let entry = &found.scopes[0];
    assert_eq!(entry.access.permissions_source, None);
    assert!(entry.capabilities.list_invoices.is_allowed());
    emulator.shutdown().await;
}

#[tokio::test]
async fn billing_permissions_failing_outright_is_kept_only_when_check_access_fails_too() {
    let emulator = start().await;
    emulator.set_faults(vec![fault("*/billingPermissions", 500)]);
    let (_, found) = discover(&emulator, SECTION_OWNER, true).await;
    let entry = &found.scopes[0];
    assert_eq!(
        entry.access.permissions_source,
        Some(PermissionSource::CheckAccess)
    );
    assert!(entry.issues.is_empty(), "{:?}", entry.issues);

    emulator.set_faults(vec![
        fault("*/billingPermissions", 500),
        fault("*/checkAccess", 500),
    ]);
    let (_, found) = discover(&emulator, SECTION_OWNER, true).await;
    let entry = &found.scopes[0];
    assert_eq!(entry.issues.len(), 1, "{:?}", entry.issues);
    assert_eq!(entry.issues[0].step, "billing_permissions");
    // The roles still decide.
    no_profile_invoices(entry);
    emulator.shutdown().await;
}

fn legacy_ids(rows: &[invoice_desk_billing::PeriodRow]) -> Vec<String> {
    rows.iter()
        .flat_map(|r| r.invoices.iter())
        .map(|i| i.id.clone().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn a_legacy_offer_lists_its_invoices_from_the_legacy_api() {
    let emulator = start().await;
    let (s, found) = discover(&emulator, "lee.legacy@contoso.example", true).await;
    assert_eq!(found.scopes.len(), 1);
    let entry = &found.scopes[0];
    assert_eq!(entry.scope.kind, ScopeKind::MospSubscription);
    // The billing subscription answering 404 is "not for this offer", not a failure.
    assert!(entry.issues.is_empty(), "{:?}", entry.issues);
    assert_eq!(entry.roles, [BillingRole::AccountAdministrator]);
    let rows = scope_periods(&s.client, entry, default_range(today()), today())
        .await
        .unwrap();
    assert!(rows.len() >= 10, "{}", rows.len());
    let ids = legacy_ids(&rows);
    assert!(ids.len() >= 9, "{ids:?}");
    assert!(
        ids.iter()
            .all(|id| id.contains("/providers/Microsoft.Billing/invoices/")),
        "{ids:?}"
    );
    for invoice in rows.iter().flat_map(|r| r.invoices.iter()) {
        assert_eq!(invoice.documents, [DocumentKind::Invoice]);
        assert!(invoice.invoice_date.is_some() && invoice.period_start.is_some());
    }
    // The reason cards still work: the running period is not generated yet.
    assert!(
        matches!(rows[0].availability, Availability::NotGeneratedYet { .. }),
        "{:?}",
        rows[0].availability
    );
    assert!(
        rows.iter()
            .skip(1)
            .all(|r| matches!(r.availability, Availability::Available { count: 1 })),
        "{rows:#?}"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_400_from_the_billing_subscription_invoices_falls_back_and_a_403_does_not() {
    let emulator = start().await;
    let (s, found) = discover(&emulator, "alex@contoso.example", true).await;
    let payg = found
        .scopes
        .iter()
        .find(|e| e.scope.display_name == "Pay-As-You-Go")
        .unwrap();
    let modern = scope_periods(&s.client, payg, default_range(today()), today())
        .await
        .unwrap();
    emulator.set_faults(vec![fault("*/billingSubscriptions/*/invoices", 400)]);
    let legacy = scope_periods(&s.client, payg, default_range(today()), today())
        .await
        .unwrap();
    // The same periods, each with as many invoices, now from the legacy API.
    assert_eq!(modern.len(), legacy.len());
    for (m, l) in modern.iter().zip(&legacy) {
        assert_eq!(m.period, l.period);
        assert_eq!(m.invoices.len(), l.invoices.len(), "{:?}", m.period);
        assert_eq!(m.availability.code(), l.availability.code());
        for (mi, li) in m.invoices.iter().zip(&l.invoices) {
            assert_eq!(mi.invoice_date, li.invoice_date);
        }
    }
    assert!(
        legacy_ids(&legacy)
            .iter()
            .all(|id| id.contains("/providers/Microsoft.Billing/invoices/"))
    );

    emulator.set_faults(vec![fault("*/billingSubscriptions/*/invoices", 403)]);
    let denied = scope_periods(&s.client, payg, default_range(today()), today())
        .await
        .unwrap();
    assert!(denied.iter().all(|r| r.invoices.is_empty()));
    assert_eq!(denied[1].availability.code(), "no_permission");
    emulator.shutdown().await;
}
