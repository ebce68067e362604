//! Browsing against the in-process emulator: for each demo user the right scopes, agreement
//! kinds, capabilities and reasons for missing invoices.

mod common;

use common::{discover, portal, session, start, today};

use invoice_desk_billing::access::{AccessPolicy, Action, BillingRole};
use invoice_desk_billing::browse::{Caller, Discovery, discover_scopes, scope_periods};
use invoice_desk_billing::model::{AgreementType, InvoiceStatus};
use invoice_desk_billing::periods::{PeriodSource, default_range};
use invoice_desk_billing::{Availability, ScopeKind};

fn kinds(found: &Discovery) -> Vec<(ScopeKind, usize)> {
    let mut out: Vec<(ScopeKind, usize)> = Vec::new();
    for entry in &found.scopes {
        match out.iter_mut().find(|(k, _)| *k == entry.scope.kind) {
            Some((_, n)) => *n += 1,
            None => out.push((entry.scope.kind, 1)),
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn alex_sees_mosp_subscriptions_and_a_new_one_is_too_new() {
    let emulator = start().await;
    let (s, found) = discover(&emulator, "alex@contoso.example", true).await;
    assert_eq!(found.scopes.len(), 3);
    for entry in &found.scopes {
        assert_eq!(entry.scope.kind, ScopeKind::MospSubscription);
        assert_eq!(entry.scope.plain_kind(), "mosp_subscription");
        assert_eq!(
            entry.scope.agreement,
            AgreementType::MicrosoftOnlineServicesProgram
        );
        assert!(entry.capabilities.list_invoices.is_allowed());
        assert!(entry.capabilities.download_usage.is_allowed());
        assert_eq!(entry.capabilities.manage_email.code(), "portal_only");
        assert!(entry.roles.contains(&BillingRole::AccountAdministrator));
        assert!(entry.issues.is_empty(), "{:?}", entry.issues);
    }
    let new = found
        .scopes
        .iter()
        .find(|e| e.scope.display_name.starts_with("New project"))
        .unwrap();
    let rows = scope_periods(&s.client, new, default_range(today()), today())
        .await
        .unwrap();
    assert!(!rows.is_empty());
    assert!(
        matches!(
            rows[0].availability,
            Availability::SubscriptionTooNew { .. }
        ),
        "{:?}",
        rows[0].availability
    );

    let payg = found
        .scopes
        .iter()
        .find(|e| e.scope.display_name == "Pay-As-You-Go")
        .unwrap();
    let rows = scope_periods(&s.client, payg, default_range(today()), today())
        .await
        .unwrap();
    assert!(rows.len() >= 12, "{}", rows.len());
    assert!(
        rows.windows(2)
            .all(|w| w[0].period.start > w[1].period.start)
    );
    let with_invoices = rows.iter().filter(|r| !r.invoices.is_empty()).count();
    assert!(with_invoices >= 11, "{with_invoices}");
    // Periods run back to back from the creation day of month.
    assert!(
        rows.windows(2)
            .all(|w| w[1].period.end + time::Duration::days(1) == w[0].period.start)
    );
    assert!(matches!(
        rows[0].availability,
        Availability::NotGeneratedYet { .. }
    ));
    let documents: Vec<_> = rows
        .iter()
        .flat_map(|r| r.invoices.iter().flat_map(|i| i.documents.iter()))
        .map(|d| d.as_str().to_owned())
        .collect();
    assert!(documents.iter().any(|d| d == "CreditNote"), "{documents:?}");
    assert!(documents.iter().any(|d| d == "TaxReceipt"));
    emulator.shutdown().await;
}

#[tokio::test]
async fn trial_has_no_invoice_because_of_the_free_trial() {
    let emulator = start().await;
    let (s, found) = discover(&emulator, "trial@contoso.example", true).await;
    assert_eq!(found.scopes.len(), 1);
    let entry = &found.scopes[0];
    assert_eq!(entry.facts.credit.offer_id.as_deref(), Some("MS-AZR-0044P"));
    let rows = scope_periods(&s.client, entry, default_range(today()), today())
        .await
        .unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        let Availability::FreeTrialOrCreditNotExceeded { signals } = &row.availability else {
            panic!("{:?}", row.availability);
        };
        assert!(signals.contains(&"offer_free_trial"));
        assert!(signals.contains(&"spending_limit_on"));
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn mosp_readers_get_the_invoices_only_where_the_account_administrator_allows_others() {
    let emulator = start().await;

    // Dana: Alex has not turned on "Allow others to download invoice" on her subscription.
    let (s, found) = discover(&emulator, "dev@contoso.example", true).await;
    assert_eq!(found.scopes.len(), 1);
    let entry = &found.scopes[0];
    assert_eq!(entry.scope.kind, ScopeKind::MospSubscription);
    assert_eq!(entry.access.is_account_admin, Some(false));
    assert!(entry.issues.is_empty(), "{:?}", entry.issues);
    for action in [
        Action::ListInvoices,
        Action::DownloadInvoices,
        Action::DownloadUsage,
    ] {
        let denied = entry.capabilities.get(action).denied().unwrap();
        // Not "get the account administrator role": ask for the switch, and whom.
        assert_eq!(
            denied.policy,
            Some(AccessPolicy::AllowOthersToDownloadInvoice),
            "{action:?}"
        );
        assert_eq!(denied.granted_by, BillingRole::AccountAdministrator);
        assert_eq!(denied.contact.as_deref(), Some("alex@contoso.example"));
        assert_eq!(denied.portal.page, "allow_others_to_download_invoice");
    }
    // Azure's own refusal is what decided it.
    assert!(
        entry
            .access
            .forbidden
            .iter()
            .any(|f| f.action == Action::ListInvoices)
    );
    let rows = scope_periods(&s.client, entry, default_range(today()), today())
        .await
        .unwrap();
    assert!(rows.len() >= 12);
    for row in rows {
        assert_eq!(
            row.availability,
            Availability::NoPermission {
                missing_role: BillingRole::AccountAdministrator,
                granted_by: BillingRole::AccountAdministrator,
                policy: Some(AccessPolicy::AllowOthersToDownloadInvoice),
                contact: Some("alex@contoso.example".into()),
            }
        );
    }

    // Riley: the same role where the account administrator turned the switch on.
    let (s, found) = discover(&emulator, "riley.reader@contoso.example", true).await;
    assert_eq!(found.scopes.len(), 1);
    let entry = &found.scopes[0];
    assert_eq!(entry.scope.display_name, "Web shop");
    assert_eq!(entry.access.is_account_admin, Some(false));
    assert!(entry.access.succeeded.contains(&Action::ListInvoices));
    assert!(entry.capabilities.list_invoices.is_allowed());
    assert!(entry.capabilities.download_invoices.is_allowed());
    assert!(entry.capabilities.download_usage.is_allowed());
    assert_eq!(entry.capabilities.manage_email.code(), "denied");
    let rows = scope_periods(&s.client, entry, default_range(today()), today())
        .await
        .unwrap();
    let with_invoices = rows.iter().filter(|r| !r.invoices.is_empty()).count();
    assert!(with_invoices >= 11, "{with_invoices}");
    assert!(
        rows.iter()
            .all(|r| !matches!(r.availability, Availability::NoPermission { .. }))
    );
    // Nothing in the demo's last year is old enough for the December 2016 rule.
    for row in &rows {
        for invoice in &row.invoices {
            assert_eq!(entry.invoice_refusal(invoice.invoice_date), None);
        }
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn morgan_sees_the_gbp_subscription_in_fabrikam_only() {
    let emulator = start().await;
    let (_, home) = discover(&emulator, "morgan@contoso.example", true).await;
    assert!(home.scopes.is_empty(), "{:?}", home.scopes);
    let user = emulator
        .users()
        .into_iter()
        .find(|u| u.upn == "morgan@contoso.example")
        .unwrap();
    let fabrikam = user.tenants[1].clone();
    let s = session(&emulator, "morgan@contoso.example", true);
    let caller = Caller {
        tenant_id: Some(fabrikam.clone()),
        object_id: Some(user.object_id),
    };
    let found = discover_scopes(&s.client, &caller, &portal()).await;
    assert_eq!(found.scopes.len(), 1);
    assert_eq!(found.scopes[0].scope.currency.as_deref(), Some("GBP"));
    assert_eq!(
        found.scopes[0].scope.tenant_id.as_deref(),
        Some(fabrikam.as_str())
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn olivia_owns_three_profiles_with_invoices_in_every_status() {
    let emulator = start().await;
    let (s, found) = discover(&emulator, "olivia.owner@contoso.example", true).await;
    let profiles: Vec<_> = found
        .scopes
        .iter()
        .filter(|e| e.scope.kind == ScopeKind::McaBillingProfile)
        .collect();
    assert_eq!(profiles.len(), 3);
    let mut statuses = Vec::new();
    for entry in &profiles {
        assert_eq!(entry.scope.plain_kind(), "mca_billing_profile");
        assert!(entry.roles.contains(&BillingRole::BillingProfileOwner));
        for action in Action::ALL {
            assert!(entry.capabilities.get(action).is_allowed(), "{action:?}");
        }
        let rows = scope_periods(&s.client, entry, default_range(today()), today())
            .await
            .unwrap();
        assert_eq!(rows.len(), 13);
        assert!(matches!(
            rows[0].availability,
            Availability::NotGeneratedYet { .. }
        ));
        for row in &rows {
            for invoice in &row.invoices {
                statuses.push(invoice.status.clone().unwrap());
                assert!(invoice.amount_due.is_some());
            }
        }
    }
    for status in [
        InvoiceStatus::Due,
        InvoiceStatus::OverDue,
        InvoiceStatus::PastDue,
        InvoiceStatus::Locked,
        InvoiceStatus::Void,
        InvoiceStatus::Paid,
    ] {
        assert!(statuses.contains(&status), "{status:?} in {statuses:?}");
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn rita_reads_but_cannot_change_email() {
    let emulator = start().await;
    let (_, found) = discover(&emulator, "rita.reader@contoso.example", true).await;
    // Contoso Finance and, as it has two, its invoice sections (the role is inherited).
    assert_eq!(
        kinds(&found),
        [
            (ScopeKind::McaBillingProfile, 1),
            (ScopeKind::McaInvoiceSection, 2)
        ]
    );
    for entry in &found.scopes {
        let caps = &entry.capabilities;
        assert!(caps.list_invoices.is_allowed());
        assert!(caps.download_invoices.is_allowed());
        assert!(caps.download_usage.is_allowed());
        let denied = caps.manage_email.denied().unwrap();
        assert_eq!(denied.missing_role.code(), "billing_profile_contributor");
        assert_eq!(denied.granted_by.code(), "billing_profile_owner");
        assert!(denied.portal.url.starts_with("https://portal.azure.com/#"));
        assert!(entry.roles.contains(&BillingRole::BillingProfileReader));
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn ivan_clara_and_bella_get_their_profiles() {
    let emulator = start().await;
    let (_, ivan) = discover(&emulator, "ivan.invoices@contoso.example", true).await;
    assert_eq!(
        kinds(&ivan),
        [
            (ScopeKind::McaBillingProfile, 2),
            (ScopeKind::McaInvoiceSection, 2)
        ]
    );
    for e in &ivan.scopes {
        assert!(e.capabilities.list_invoices.is_allowed());
        assert!(!e.capabilities.manage_email.is_allowed());
        assert!(e.roles.contains(&BillingRole::InvoiceManager));
    }
    let (_, clara) = discover(&emulator, "clara.contributor@contoso.example", true).await;
    assert_eq!(clara.scopes.len(), 1);
    assert!(clara.scopes[0].capabilities.manage_email.is_allowed());
    let (_, bella) = discover(&emulator, "bella.owner@contoso.example", true).await;
    assert_eq!(
        kinds(&bella),
        [
            (ScopeKind::McaBillingProfile, 3),
            (ScopeKind::McaInvoiceSection, 2)
        ]
    );
    assert!(
        bella
            .scopes
            .iter()
            .all(|e| e.roles == [BillingRole::BillingAccountOwner])
    );
    assert!(
        bella
            .scopes
            .iter()
            .all(|e| e.capabilities.manage_email.is_allowed())
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn nora_has_no_scopes() {
    let emulator = start().await;
    let (_, found) = discover(&emulator, "nora.norole@contoso.example", true).await;
    assert!(found.scopes.is_empty(), "{:?}", found.scopes);
    emulator.shutdown().await;
}

#[tokio::test]
async fn erin_sees_the_enrollment_whose_invoices_are_emailed() {
    let emulator = start().await;
    let (s, found) = discover(&emulator, "erin.ea@contoso.example", true).await;
    let kinds: Vec<_> = found.scopes.iter().map(|e| e.scope.kind).collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == ScopeKind::EaEnrollment)
            .count(),
        1
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == ScopeKind::EaDepartment)
            .count(),
        2
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == ScopeKind::EaEnrollmentAccount)
            .count(),
        3
    );
    let enrollment = found
        .scopes
        .iter()
        .find(|e| e.scope.kind == ScopeKind::EaEnrollment)
        .unwrap();
    assert_eq!(
        enrollment.scope.agreement,
        AgreementType::EnterpriseAgreement
    );
    assert_eq!(
        enrollment.capabilities.list_invoices.code(),
        "ea_invoices_are_emailed"
    );
    assert!(enrollment.capabilities.download_usage.is_allowed());
    let rows = scope_periods(&s.client, enrollment, default_range(today()), today())
        .await
        .unwrap();
    assert_eq!(rows.len(), 13);
    for row in rows {
        assert_eq!(
            row.availability,
            Availability::EaInvoicesAreEmailed {
                recipient: Some("invoices@contoso.example".into())
            }
        );
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn owen_is_stopped_by_the_view_charges_policy_and_dan_is_not() {
    let emulator = start().await;
    let (_, owen) = discover(&emulator, "owen.account@contoso.example", true).await;
    assert_eq!(owen.scopes.len(), 1);
    let entry = &owen.scopes[0];
    assert_eq!(entry.scope.kind, ScopeKind::EaEnrollmentAccount);
    let denied = entry.capabilities.download_usage.denied().unwrap();
    assert_eq!(denied.policy, Some(AccessPolicy::AccountOwnerViewCharges));
    assert_eq!(denied.granted_by.code(), "enterprise_administrator");

    let (_, dan) = discover(&emulator, "dan.dept@contoso.example", true).await;
    let department = dan
        .scopes
        .iter()
        .find(|e| e.scope.kind == ScopeKind::EaDepartment)
        .unwrap();
    assert_eq!(department.scope.display_name, "Finance");
    assert!(department.capabilities.download_usage.is_allowed());
    assert!(
        dan.scopes
            .iter()
            .all(|e| e.scope.kind != ScopeKind::EaEnrollment)
    );
    emulator.shutdown().await;
}

fn fault(route: &str, status: u16) -> invoice_desk_emulator::FaultRule {
    invoice_desk_emulator::FaultRule {
        route: Some(route.into()),
        method: Some("GET".into()),
        count: None,
        kind: invoice_desk_emulator::FaultKind::Status { status },
    }
}

#[tokio::test]
async fn mosp_periods_fall_back_to_the_invoices_when_billing_periods_are_missing() {
    let emulator = start().await;
    let (s, found) = discover(&emulator, "alex@contoso.example", true).await;
    let payg = found
        .scopes
        .iter()
        .find(|e| e.scope.display_name == "Pay-As-You-Go")
        .unwrap();
    let with_periods = scope_periods(&s.client, payg, default_range(today()), today())
        .await
        .unwrap();
    emulator.set_faults(vec![fault("*/billingPeriods*", 404)]);
    let rows = scope_periods(&s.client, payg, default_range(today()), today())
        .await
        .unwrap();
    assert!(
        rows.iter()
            .all(|r| r.period.source == PeriodSource::Invoices)
    );
    let starts = |rows: &[invoice_desk_billing::PeriodRow]| {
        rows.iter().map(|r| r.period.start).collect::<Vec<_>>()
    };
    assert_eq!(starts(&rows), starts(&with_periods));
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_failing_scope_keeps_its_error_and_the_others_go_on() {
    let emulator = start().await;
    let s = session(&emulator, "alex@contoso.example", true);
    // Billing subscriptions (offer id, purchase date) fail for everyone.
    emulator.set_faults(vec![fault("*/billingSubscriptions/*", 500)]);
    let found = discover_scopes(&s.client, &s.caller, &portal()).await;
    assert_eq!(found.scopes.len(), 3);
    for entry in &found.scopes {
        assert_eq!(entry.issues.len(), 1, "{:?}", entry.issues);
        assert_eq!(entry.issues[0].step, "billing_subscription");
        assert_eq!(entry.issues[0].code, "server");
        assert!(entry.capabilities.list_invoices.is_allowed());
    }
    // Invoices of a profile failing: that scope's periods fail, discovery did not.
    emulator.clear_faults();
    let (s, olivia) = discover(&emulator, "olivia.owner@contoso.example", true).await;
    emulator.set_faults(vec![fault("*/billingProfiles/*/invoices", 503)]);
    let error = scope_periods(
        &s.client,
        &olivia.scopes[0],
        default_range(today()),
        today(),
    )
    .await
    .unwrap_err();
    assert!(error.is_transient());
    emulator.shutdown().await;
}

#[tokio::test]
async fn forbidden_invoice_lists_become_no_permission_with_the_profile_owner() {
    let emulator = start().await;
    let (s, found) = discover(&emulator, "rita.reader@contoso.example", true).await;
    emulator.set_faults(vec![fault("*/billingProfiles/*/invoices", 403)]);
    let rows = scope_periods(&s.client, &found.scopes[0], default_range(today()), today())
        .await
        .unwrap();
    assert_eq!(
        rows[0].availability,
        Availability::NoPermission {
            missing_role: BillingRole::BillingProfileReader,
            granted_by: BillingRole::BillingProfileOwner,
            policy: None,
            contact: None,
        }
    );
    emulator.shutdown().await;
}
