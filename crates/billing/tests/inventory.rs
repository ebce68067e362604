//! The whole-estate invoice sweep against the emulator: every scope of the `bench` and `demo`
//! users, small pages, failures confined to their scope, and concurrency actually used.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use invoice_desk_billing::{
    ArmClient, Cloud, InvoiceRange, InvoiceScope, RetryPolicy, StaticTokenCredential,
    list_all_invoices,
};
use invoice_desk_emulator::{Emulator, EmulatorConfig, FaultKind, FaultRule};

const BENCH: &str = "bench@contoso.example";

async fn emulator(scenario: &str, page_size: usize) -> Emulator {
    Emulator::start(EmulatorConfig {
        scenario: scenario.into(),
        page_size,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap()
}

fn client(emulator: &Emulator, token: String, limit: usize) -> ArmClient {
    ArmClient::builder(
        Cloud::Custom {
            arm_url: emulator.base_url().to_string(),
            token_scope: String::new(),
        },
        Arc::new(StaticTokenCredential::for_a_day(token)),
    )
    .max_concurrency(limit)
    .retry_policy(RetryPolicy {
        max_attempts: 2,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_total: Duration::from_secs(10),
        attempt_timeout: Duration::from_secs(5),
    })
    .build()
    .unwrap()
}

fn client_for(emulator: &Emulator, upn: &str, limit: usize) -> ArmClient {
    client(
        emulator,
        emulator.token_for(upn).expect("scenario user"),
        limit,
    )
}

fn range() -> InvoiceRange {
    InvoiceRange::last_months(invoice_desk_emulator::calendar::today(), 24)
}

fn status(route: &str, status: u16) -> FaultRule {
    FaultRule {
        route: Some(route.into()),
        method: Some("GET".into()),
        count: None,
        kind: FaultKind::Status { status },
    }
}

#[tokio::test]
async fn bench_user_gets_every_scope_with_24_invoices_in_account_order() {
    let emulator = emulator("bench", 50).await;
    let inventory = list_all_invoices(&client_for(&emulator, BENCH, 8), range())
        .await
        .unwrap();
    assert!(
        inventory.is_complete(),
        "{:?}",
        inventory.discovery_failures
    );
    assert_eq!(inventory.accounts.len(), 2);
    assert_eq!(inventory.scopes.len(), 100);
    assert_eq!(inventory.invoice_count(), 2400);
    for scope in &inventory.scopes {
        let invoices = scope.invoices.as_ref().unwrap();
        assert_eq!(invoices.len(), 24, "{}", scope.scope);
        assert!(scope.display_name.is_some());
    }
    let profiles = inventory
        .scopes
        .iter()
        .take_while(|s| matches!(s.scope, InvoiceScope::BillingProfile { .. }))
        .count();
    assert_eq!(
        profiles, 50,
        "MCA profiles first, as ARM lists the accounts"
    );
    assert!(
        inventory.scopes[50..]
            .iter()
            .all(|s| matches!(s.scope, InvoiceScope::BillingSubscription { .. }))
    );
    // ARM's order within an account is kept.
    let names: Vec<_> = inventory.scopes[..50]
        .iter()
        .map(|s| s.display_name.clone().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let unique: BTreeSet<_> = inventory
        .invoices()
        .map(|(_, i)| i.name.clone().unwrap())
        .collect();
    assert_eq!(unique.len(), 2400);
    emulator.shutdown().await;
}

#[tokio::test]
async fn small_pages_give_the_same_inventory() {
    let paged = emulator("bench", 7).await;
    let whole = emulator("bench", 50).await;
    let names = |inventory: &invoice_desk_billing::Inventory| {
        inventory
            .invoices()
            .map(|(s, i)| (s.clone(), i.name.clone().unwrap()))
            .collect::<Vec<_>>()
    };
    let a = list_all_invoices(&client_for(&paged, BENCH, 4), range())
        .await
        .unwrap();
    let b = list_all_invoices(&client_for(&whole, BENCH, 4), range())
        .await
        .unwrap();
    assert!(a.is_complete());
    assert_eq!(a.invoice_count(), 2400);
    assert_eq!(names(&a).len(), names(&b).len());
    // Same seed, same world: the same scopes and invoices in the same order.
    assert_eq!(names(&a), names(&b));
    paged.shutdown().await;
    whole.shutdown().await;
}

#[tokio::test]
async fn a_failing_scope_keeps_its_error_and_the_rest_is_listed() {
    let emulator = emulator("bench", 50).await;
    let client = client_for(&emulator, BENCH, 8);
    let first = list_all_invoices(&client, range()).await.unwrap();
    let InvoiceScope::BillingProfile { profile, .. } = &first.scopes[3].scope else {
        panic!("profile scope expected")
    };
    emulator.set_faults(vec![status(&format!("{profile}/invoices"), 403)]);
    let inventory = list_all_invoices(&client, range()).await.unwrap();
    assert!(!inventory.is_complete());
    let failed: Vec<_> = inventory.failed_scopes().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].0, &first.scopes[3].scope);
    assert_eq!(failed[0].1.code(), "forbidden");
    assert_eq!(inventory.scopes.len(), 100);
    assert_eq!(inventory.invoice_count(), 99 * 24);
    emulator.shutdown().await;
}

#[tokio::test]
async fn an_account_whose_scopes_cannot_be_found_is_reported_alone() {
    let emulator = emulator("bench", 50).await;
    emulator.set_faults(vec![status("*/billingSubscriptions", 500)]);
    let inventory = list_all_invoices(&client_for(&emulator, BENCH, 8), range())
        .await
        .unwrap();
    assert_eq!(inventory.discovery_failures.len(), 1);
    let failure = &inventory.discovery_failures[0];
    assert_eq!(failure.error.code(), "server", "{}", failure.error);
    assert_eq!(inventory.scopes.len(), 50);
    assert_eq!(inventory.invoice_count(), 50 * 24);
    assert!(
        inventory
            .scopes
            .iter()
            .all(|s| s.scope.account() != failure.account)
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn an_unusable_sign_in_fails_the_sweep() {
    let emulator = emulator("bench", 50).await;
    let expired = emulator.token_with(BENCH, None, -60).unwrap();
    let err = list_all_invoices(&client(&emulator, expired, 8), range())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "unauthenticated", "{err}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn calls_overlap_up_to_the_limit() {
    let emulator = emulator("bench", 50).await;
    emulator.set_faults(vec![FaultRule {
        route: None,
        method: None,
        count: None,
        kind: FaultKind::Latency { ms: 50 },
    }]);
    let client = client_for(&emulator, BENCH, 25);
    let started = Instant::now();
    let inventory = list_all_invoices(&client, range()).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(inventory.invoice_count(), 2400);
    // 103 calls of 50 ms: one after the other that is over 5 s; 25 at a time it is
    // three dependent levels and four rounds of invoice lists, about 0.35 s.
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn demo_users_get_their_own_kind_of_scope() {
    let emulator = emulator("demo", 50).await;
    let check = |upn: &'static str, some: bool| {
        let client = client_for(&emulator, upn, 8);
        async move {
            let inventory = list_all_invoices(
                &client,
                InvoiceRange::last_months(invoice_desk_emulator::calendar::today(), 36),
            )
            .await
            .unwrap();
            assert!(inventory.is_complete(), "{upn}: {inventory:?}");
            assert_eq!(inventory.invoice_count() > 0, some, "{upn}");
            inventory
        }
    };
    let mca = check("olivia.owner@contoso.example", true).await;
    assert!(
        mca.scopes
            .iter()
            .all(|s| matches!(s.scope, InvoiceScope::BillingProfile { .. }))
    );
    assert!(mca.scopes.len() >= 3);
    let mosp = check("alex@contoso.example", true).await;
    assert!(
        mosp.scopes
            .iter()
            .all(|s| matches!(s.scope, InvoiceScope::BillingSubscription { .. }))
    );
    // An EA enrollment is listed at the account; the demo enrollment e-mails its invoices.
    let ea = check("erin.ea@contoso.example", false).await;
    assert_eq!(ea.scopes.len(), 1);
    assert!(matches!(
        ea.scopes[0].scope,
        InvoiceScope::BillingAccount { .. }
    ));
    emulator.shutdown().await;
}
