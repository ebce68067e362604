//! Every fault kind, injected through the library API and through the control endpoint.

mod common;

use std::time::{Duration, Instant};

use common::{Env, MCA_OWNER, MOSP_ADMIN, enc};
use invoice_desk_emulator::{FaultKind, FaultRule};
use reqwest::StatusCode;
use serde_json::json;

const ACCOUNTS: &str = "/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01";

fn rule(route: Option<&str>, count: Option<u32>, kind: FaultKind) -> FaultRule {
    FaultRule {
        route: route.map(str::to_owned),
        method: None,
        count,
        kind,
    }
}

async fn raw_get(env: &Env, path: &str) -> reqwest::Result<reqwest::Response> {
    env.http
        .get(env.url(path))
        .bearer_auth(env.token(MOSP_ADMIN))
        .send()
        .await
}

#[tokio::test]
async fn latency_throttle_and_server_errors() {
    let env = common::demo().await;
    env.emu.set_faults(vec![rule(
        Some("billingAccounts"),
        Some(1),
        FaultKind::Latency { ms: 300 },
    )]);
    let t = Instant::now();
    assert_eq!(env.get(MOSP_ADMIN, ACCOUNTS).await.status, StatusCode::OK);
    assert!(t.elapsed() >= Duration::from_millis(300));
    let t = Instant::now();
    env.get(MOSP_ADMIN, ACCOUNTS).await;
    assert!(
        t.elapsed() < Duration::from_millis(300),
        "count 1 means only the first request"
    );

    env.emu.set_faults(vec![rule(
        Some("*/billingAccounts"),
        Some(2),
        FaultKind::Throttle {
            retry_after_secs: 7,
        },
    )]);
    for _ in 0..2 {
        let r = env.get(MOSP_ADMIN, ACCOUNTS).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.header("retry-after"), Some("7"));
        assert_eq!(r.code(), "TooManyRequests");
    }
    assert_eq!(env.get(MOSP_ADMIN, ACCOUNTS).await.status, StatusCode::OK);

    let sub = env.first_subscription(MOSP_ADMIN).await;
    env.emu.set_faults(vec![rule(
        Some("generateCostDetailsReport"),
        None,
        FaultKind::Throttle {
            retry_after_secs: 3,
        },
    )]);
    let r = env.post(MOSP_ADMIN, &format!("/subscriptions/{sub}/providers/Microsoft.CostManagement/generateCostDetailsReport?api-version=2023-11-01"), None).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        r.header("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after"),
        Some("3")
    );

    for status in [500u16, 503] {
        env.emu
            .set_faults(vec![rule(None, Some(1), FaultKind::Status { status })]);
        let r = env.get(MOSP_ADMIN, ACCOUNTS).await;
        assert_eq!(r.status.as_u16(), status);
        assert!(!r.code().is_empty());
    }
    env.emu.clear_faults();
    assert_eq!(env.get(MOSP_ADMIN, ACCOUNTS).await.status, StatusCode::OK);
}

#[tokio::test]
async fn connection_reset_and_slow_bodies() {
    let env = common::demo().await;
    env.emu.set_faults(vec![rule(
        Some("billingAccounts"),
        Some(1),
        FaultKind::Reset { after_bytes: 10 },
    )]);
    let resp = raw_get(&env, ACCOUNTS).await.expect("headers arrive");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.bytes().await.is_err(), "the body must break off");

    env.emu.set_faults(vec![rule(
        Some("billingAccounts"),
        Some(1),
        FaultKind::SlowBody {
            bytes_per_sec: 2000,
        },
    )]);
    let t = Instant::now();
    let body = raw_get(&env, ACCOUNTS)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(body.len() > 300);
    assert!(
        t.elapsed() >= Duration::from_millis(200),
        "{:?} for {} bytes",
        t.elapsed(),
        body.len()
    );
    serde_json::from_slice::<serde_json::Value>(&body).expect("slow but whole");
}

#[tokio::test]
async fn malformed_json_unknown_fields_and_new_enum_values() {
    let env = common::demo().await;
    let (ba, bp) = env.first_profile(MCA_OWNER).await;
    let invoices = format!(
        "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{bp}/invoices?api-version=2024-04-01",
        enc(&ba)
    );

    env.emu.set_faults(vec![rule(
        Some("/invoices"),
        Some(1),
        FaultKind::MalformedJson,
    )]);
    let r = env.get(MCA_OWNER, &invoices).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(serde_json::from_str::<serde_json::Value>(&r.text).is_err());

    env.emu.set_faults(vec![rule(
        Some("/invoices"),
        Some(1),
        FaultKind::ExtraFields,
    )]);
    let r = env.get(MCA_OWNER, &invoices).await;
    assert!(
        r.body["value"][0]["properties"]
            .get("emulatorFutureField")
            .is_some()
    );

    env.emu.set_faults(vec![rule(
        Some("/invoices"),
        Some(1),
        FaultKind::NewEnumValues,
    )]);
    let r = env.get(MCA_OWNER, &invoices).await;
    assert_eq!(r.body["value"][0]["properties"]["status"], "Refunded");
}

#[tokio::test]
async fn expired_sas_and_lro_poll_404() {
    let env = common::demo().await;
    let (ba, bp) = env.first_profile(MCA_OWNER).await;
    let inv = env.profile_invoice(MCA_OWNER, &ba, &bp).await;
    let download = format!(
        "/providers/Microsoft.Billing/billingAccounts/{}/invoices/{}/download?api-version=2024-04-01",
        enc(&ba),
        inv["name"].as_str().unwrap()
    );

    env.emu.set_faults(vec![rule(
        Some("/operationResults/"),
        Some(2),
        FaultKind::LroPoll404,
    )]);
    let r = env.post(MCA_OWNER, &download, None).await;
    assert_eq!(
        r.status,
        StatusCode::ACCEPTED,
        "the POST itself is not a poll"
    );
    let loc = r.header("location").unwrap().to_owned();
    assert_eq!(env.get(MCA_OWNER, &loc).await.status, StatusCode::NOT_FOUND);
    assert_eq!(env.get(MCA_OWNER, &loc).await.status, StatusCode::NOT_FOUND);
    let done = env.get(MCA_OWNER, &loc).await;
    assert_eq!(done.status, StatusCode::OK);

    env.emu.set_faults(vec![rule(
        Some("/download"),
        Some(1),
        FaultKind::ExpiredSas,
    )]);
    let r = env.post(MCA_OWNER, &download, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let blob = env
        .http
        .get(r.body["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(blob.status(), StatusCode::FORBIDDEN);
    assert!(blob.text().await.unwrap().contains("AuthenticationFailed"));
}

#[tokio::test]
async fn control_endpoint_sets_lists_and_clears_faults() {
    let env = common::demo().await;
    let url = env.url("/_emulator/faults");
    let rules = json!([
        {"route": "*/billingAccounts", "method": "GET", "count": 1, "kind": "status", "status": 503},
        {"kind": "latency", "ms": 1}
    ]);
    let r = env.http.post(&url).json(&rules).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let listed: serde_json::Value = env.control("/_emulator/faults").await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(
        env.get(MOSP_ADMIN, ACCOUNTS).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(env.get(MOSP_ADMIN, ACCOUNTS).await.status, StatusCode::OK);
    let bad = env
        .http
        .post(&url)
        .json(&json!([{"kind": "explode"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        env.http.delete(&url).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let listed: serde_json::Value = env.control("/_emulator/faults").await;
    assert_eq!(listed, json!([]));
}
