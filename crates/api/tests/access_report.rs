//! "Check my access" through the use case the window and the command line share, against the
//! in-process emulator: the demo users' accounts, agreements, roles, where Azure said so, and
//! each action's verdict with who grants what is missing.

mod common;

use common::{directory, emulator};
use invoice_desk_api::access_report::{
    AccessEvidence, AccessReport, CapabilityState, ScopeAccess, check_access,
};
use invoice_desk_billing::access::AccessPolicy;
use invoice_desk_billing::{AgreementFamily, BillingRole, ScopeKind};
use invoice_desk_emulator::EmulatorConfig;

async fn report_of(upn: &str) -> AccessReport {
    let emu = emulator(EmulatorConfig::default()).await;
    check_access(&directory(&emu, upn)).await
}

fn scopes_of_kind(report: &AccessReport, kind: ScopeKind) -> Vec<&ScopeAccess> {
    report
        .accounts
        .iter()
        .flat_map(|a| &a.scopes)
        .filter(|s| s.kind == kind)
        .collect()
}

fn from_azure(scope: &ScopeAccess) -> bool {
    scope.evidence.iter().any(|e| {
        matches!(
            e,
            AccessEvidence::BillingPermissions | AccessEvidence::CheckAccess
        )
    })
}

#[tokio::test]
async fn the_profile_owner_may_do_everything_on_her_three_profiles() {
    let report = report_of("olivia.owner@contoso.example").await;
    let mca: Vec<_> = report
        .accounts
        .iter()
        .filter(|a| a.agreement == AgreementFamily::Mca)
        .collect();
    assert_eq!(mca.len(), 1, "{report:#?}");
    let account = mca[0];
    assert!(!account.display_name.is_empty());
    assert!(account.username.starts_with("olivia.owner"));
    let profiles: Vec<_> = account
        .scopes
        .iter()
        .filter(|s| s.kind == ScopeKind::McaBillingProfile)
        .collect();
    assert_eq!(profiles.len(), 3, "{account:#?}");
    for profile in profiles {
        assert_eq!(
            profile.roles.first(),
            Some(&BillingRole::BillingProfileOwner)
        );
        assert!(from_azure(profile), "{:?}", profile.evidence);
        assert!(!profile.permitted_actions.is_empty());
        let caps = &profile.capabilities;
        for cap in [
            &caps.list_invoices,
            &caps.download_invoices,
            &caps.download_usage,
            &caps.manage_email,
        ] {
            assert_eq!(
                cap.state,
                CapabilityState::Allowed,
                "{}",
                profile.display_name
            );
            assert!(cap.portal_url.is_none());
        }
    }
}

#[tokio::test]
async fn the_profile_reader_may_not_change_email_and_is_told_who_grants_it() {
    let report = report_of("rita.reader@contoso.example").await;
    let profiles = scopes_of_kind(&report, ScopeKind::McaBillingProfile);
    assert!(!profiles.is_empty(), "{report:#?}");
    for profile in profiles {
        assert_eq!(profile.roles, [BillingRole::BillingProfileReader]);
        let caps = &profile.capabilities;
        assert!(caps.list_invoices.allowed && caps.download_invoices.allowed);
        let email = &caps.manage_email;
        assert_eq!(email.state, CapabilityState::Denied);
        assert_eq!(
            email.missing_role,
            Some(BillingRole::BillingProfileContributor)
        );
        assert_eq!(email.granted_by, Some(BillingRole::BillingProfileOwner));
        assert!(
            email
                .portal_url
                .as_deref()
                .is_some_and(|u| u.ends_with("/properties")),
            "{email:?}"
        );
    }
}

#[tokio::test]
async fn the_department_admin_is_refused_usage_by_the_view_charges_policy() {
    let report = report_of("dora.dept@contoso.example").await;
    let ea: Vec<_> = report
        .accounts
        .iter()
        .filter(|a| a.agreement == AgreementFamily::Ea)
        .collect();
    assert!(!ea.is_empty(), "{report:#?}");
    let departments = scopes_of_kind(&report, ScopeKind::EaDepartment);
    assert!(!departments.is_empty(), "{report:#?}");
    for department in departments {
        assert!(
            department
                .roles
                .contains(&BillingRole::DepartmentAdministrator)
        );
        assert!(department.evidence.contains(&AccessEvidence::EaPolicies));
        let usage = &department.capabilities.download_usage;
        assert_eq!(usage.state, CapabilityState::Denied, "{usage:?}");
        assert_eq!(usage.policy, Some(AccessPolicy::DepartmentAdminViewCharges));
        assert_eq!(usage.granted_by, Some(BillingRole::EnterpriseAdministrator));
        assert!(
            usage
                .portal_url
                .as_deref()
                .is_some_and(|u| u.ends_with("/policies"))
        );
        // EA invoices are e-mailed: not offered, whatever the role.
        assert_eq!(
            department.capabilities.download_invoices.state,
            CapabilityState::NotOffered
        );
    }
}

#[tokio::test]
async fn pay_as_you_go_readers_learn_about_the_account_administrators_switch() {
    let off = report_of("dev@contoso.example").await;
    let subs = scopes_of_kind(&off, ScopeKind::MospSubscription);
    assert!(!subs.is_empty(), "{off:#?}");
    let refused = subs
        .iter()
        .find(|s| !s.capabilities.download_invoices.allowed)
        .expect("a subscription whose invoices are kept from the reader");
    assert!(
        refused.evidence.contains(&AccessEvidence::Forbidden),
        "{:?}",
        refused.evidence
    );
    assert_eq!(
        refused.capabilities.download_invoices.policy,
        Some(AccessPolicy::AllowOthersToDownloadInvoice)
    );

    let on = report_of("riley.reader@contoso.example").await;
    let allowed = scopes_of_kind(&on, ScopeKind::MospSubscription)
        .into_iter()
        .find(|s| s.capabilities.download_invoices.allowed)
        .expect("the subscription whose switch is on");
    assert!(allowed.evidence.contains(&AccessEvidence::InvoicesListed));

    let admin = report_of("alex@contoso.example").await;
    for sub in scopes_of_kind(&admin, ScopeKind::MospSubscription) {
        assert_eq!(sub.roles, [BillingRole::AccountAdministrator]);
        assert!(sub.evidence.contains(&AccessEvidence::BillingProperty));
    }
}
