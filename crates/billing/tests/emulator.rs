//! The real client against the loopback emulator: what a demo user sees, across small pages,
//! injected throttling, roles and document downloads.

mod common;

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use invoice_desk_billing::model::{AgreementType, Invoice};
use invoice_desk_billing::{
    ArmClient, BillingError, InvoiceQuery, ListOptions, LroOptions, LroPolicy, RetryPolicy,
};
use invoice_desk_emulator::{Emulator, EmulatorConfig, FaultKind, FaultRule};

const OWNER: &str = "olivia.owner@contoso.example";
const NO_ROLE: &str = "nora.norole@contoso.example";

fn client_for(emulator: &Emulator, upn: &str) -> ArmClient {
    let token = emulator.token_for(upn).expect("scenario user");
    common::builder(emulator, token)
        .retry_policy(RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(100),
            max_total: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(5),
        })
        .lro_policy(LroPolicy {
            default_poll_interval: Duration::from_millis(10),
            min_poll_interval: Duration::from_millis(1),
            max_poll_interval: Duration::from_millis(100),
            ..LroPolicy::default()
        })
        .build()
        .unwrap()
}

/// Every (account, profile, invoice) name the user can reach, in listing order.
async fn sweep(
    client: &ArmClient,
    top: Option<u32>,
) -> Result<Vec<(String, String, Invoice)>, BillingError> {
    let options = ListOptions { top, filter: None };
    let mut found = Vec::new();
    let accounts: Vec<_> = client.list_billing_accounts(&options).try_collect().await?;
    for account in accounts {
        if account.properties.agreement_type != Some(AgreementType::MicrosoftCustomerAgreement) {
            continue;
        }
        let account_name = account.name.clone().unwrap();
        let profiles: Vec<_> = client
            .list_billing_profiles(&account_name, &options)
            .try_collect()
            .await?;
        for profile in profiles {
            let profile_name = profile.name.clone().unwrap();
            let query = InvoiceQuery {
                list: options.clone(),
                ..InvoiceQuery::default()
            };
            let invoices: Vec<_> = client
                .list_invoices_by_billing_profile(&account_name, &profile_name, &query)
                .try_collect()
                .await?;
            for invoice in invoices {
                found.push((account_name.clone(), profile_name.clone(), invoice));
            }
        }
    }
    Ok(found)
}

fn names(found: &[(String, String, Invoice)]) -> Vec<(String, String, String)> {
    found
        .iter()
        .map(|(a, p, i)| (a.clone(), p.clone(), i.name.clone().unwrap()))
        .collect()
}

#[tokio::test]
async fn owner_sees_every_account_profile_and_invoice_with_small_pages() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    assert!(emulator.users().iter().any(|u| u.upn == OWNER));
    let client = client_for(&emulator, OWNER);

    let full = sweep(&client, None).await.unwrap();
    let profiles: std::collections::BTreeSet<_> = full.iter().map(|(a, p, _)| (a, p)).collect();
    assert!(
        profiles.len() >= 2,
        "owner of several profiles: {profiles:?}"
    );
    assert!(
        full.len() > 4,
        "enough invoices to need several pages: {}",
        full.len()
    );
    for (_, _, invoice) in &full {
        let props = &invoice.properties;
        assert!(props.status.is_some());
        assert!(
            props
                .invoice_period_start_date
                .as_ref()
                .and_then(invoice_desk_billing::model::ArmDate::datetime)
                .is_some()
        );
    }

    // Two items per page must yield the same invoices in the same order.
    let paged = sweep(&client, Some(2)).await.unwrap();
    assert_eq!(names(&paged), names(&full));
    emulator.shutdown().await;
}

#[tokio::test]
async fn small_emulator_pages_and_an_injected_throttle_are_absorbed() {
    let config = EmulatorConfig {
        page_size: 2,
        faults: vec![FaultRule {
            route: Some("billingProfiles".into()),
            method: Some("GET".into()),
            count: Some(1),
            kind: FaultKind::Throttle {
                retry_after_secs: 1,
            },
        }],
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config).await.unwrap();
    let client = client_for(&emulator, OWNER);
    let started = Instant::now();
    let throttled_run = sweep(&client, None).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    emulator.clear_faults();
    let clean_run = sweep(&client, None).await.unwrap();
    assert_eq!(names(&throttled_run), names(&clean_run));
    assert!(!clean_run.is_empty());
    emulator.shutdown().await;
}

/// A call waiting behind the client's own other calls keeps its whole time budget: sixteen
/// calls of 100 ms, one at a time, take 1.6 s together, more than one call's budget of 1 s,
/// and every one is answered.
#[tokio::test]
async fn calls_queued_behind_the_clients_own_keep_their_whole_budget() {
    let emulator = Emulator::start(EmulatorConfig {
        faults: vec![FaultRule {
            route: None,
            method: None,
            count: None,
            kind: FaultKind::Latency { ms: 100 },
        }],
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let token = emulator.token_for(OWNER).expect("scenario user");
    let client = common::builder(&emulator, token)
        .max_concurrency(1)
        .retry_policy(RetryPolicy {
            max_attempts: 1,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(10),
            max_total: Duration::from_secs(1),
            attempt_timeout: Duration::from_secs(1),
        })
        .build()
        .unwrap();
    let options = ListOptions::default();
    let started = Instant::now();
    let answers = futures::future::join_all((0..16).map(|_| {
        client
            .list_billing_accounts(&options)
            .try_collect::<Vec<_>>()
    }))
    .await;
    let elapsed = started.elapsed();
    for (call, answer) in answers.into_iter().enumerate() {
        let accounts = answer.unwrap_or_else(|e| panic!("call {call}: {e:?}"));
        assert!(!accounts.is_empty());
    }
    assert!(
        elapsed >= Duration::from_millis(1600),
        "one at a time: {elapsed:?}"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn user_without_a_role_is_told_what_is_missing() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let owner = sweep(&client_for(&emulator, OWNER), None).await.unwrap();
    let (account, profile, _) = owner.first().unwrap();
    let nobody = client_for(&emulator, NO_ROLE);
    let err = nobody
        .list_invoices_by_billing_profile(account, profile, &InvoiceQuery::default())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.code(), "forbidden", "{err}");
    let BillingError::Forbidden { action, scope, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(action.is_some(), "{err:?}");
    assert!(
        scope
            .as_deref()
            .is_some_and(|s| s.contains(profile.as_str())),
        "{err:?}"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn invoice_pdf_downloads_through_the_lro_and_sas_link() {
    let emulator = Emulator::start(EmulatorConfig {
        download_pending_polls: 1,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let client = client_for(&emulator, OWNER);
    let found = sweep(&client, None).await.unwrap();
    let (account, _, invoice) = found
        .iter()
        .find(|(_, _, i)| i.properties.invoice_document().is_some())
        .expect("an invoice with a PDF");
    let document = invoice.properties.invoice_document().unwrap().name.clone();
    let result = client
        .download_invoice(
            account,
            invoice.name.as_deref().unwrap(),
            document.as_deref(),
            &LroOptions::default(),
        )
        .await
        .unwrap();
    let bytes = client.fetch_presigned(&result.url).await.unwrap();
    assert!(
        bytes.starts_with(b"%PDF"),
        "{:?}",
        &bytes[..bytes.len().min(16)]
    );
    emulator.shutdown().await;
}
