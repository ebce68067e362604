//! The control plane, the other scenarios, and the binary (plain and TLS).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use invoice_desk_emulator::{EmulatorConfig, scenario_names};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn control_plane_lists_users_and_mints_tokens() {
    let env = common::demo().await;
    let users: Value = env.control("/_emulator/users").await;
    let first = &users[0];
    for key in [
        "upn",
        "description",
        "display_name",
        "tenant_id",
        "object_id",
    ] {
        assert!(first.get(key).is_some(), "users lack {key}");
    }
    let upn = first["upn"].as_str().unwrap();
    let tok: Value = env
        .http
        .get(env.url(&format!("/_emulator/token?user={upn}&expires_in=120")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tok["expires_in"], 120);
    let token = tok["access_token"].as_str().unwrap();
    let r = env
        .http
        .get(env.url("/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let unknown = env
        .http
        .get(env.url("/_emulator/token?user=nobody@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let scenario: Value = env.control("/_emulator/scenario").await;
    assert_eq!(scenario["name"], "demo");
    assert_eq!(scenario_names(), vec!["demo", "load", "bench", "flaky"]);
}

#[tokio::test]
async fn with_a_secret_the_control_plane_answers_only_who_holds_it() {
    let env = common::start(EmulatorConfig {
        control_secret: Some("per-run-secret".into()),
        ..EmulatorConfig::default()
    })
    .await;
    let ask = |secret: Option<&str>| {
        let mut request = env.http.get(env.url("/_emulator/users"));
        if let Some(secret) = secret {
            request = request.header(invoice_desk_emulator::CONTROL_SECRET_HEADER, secret);
        }
        request.send()
    };
    let without = ask(None).await.unwrap();
    assert_eq!(without.status(), StatusCode::UNAUTHORIZED);
    let body: Value = without.json().await.unwrap();
    assert_eq!(body["error"]["code"], "ControlSecretRequired");
    assert_eq!(
        ask(Some("guessed")).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let with = ask(Some("per-run-secret")).await.unwrap();
    assert_eq!(with.status(), StatusCode::OK);
    let users: Value = with.json().await.unwrap();
    assert!(!users.as_array().unwrap().is_empty());
    // Azure's own routes are not the control plane: they answer as before.
    let r = env
        .http
        .get(env.url("/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "no token, as ARM answers"
    );
}

#[tokio::test]
async fn request_log_keeps_each_request_path_and_query_in_order() {
    let env = common::demo().await;
    let accounts = "/providers/Microsoft.Billing/billingAccounts";
    let query = "api-version=2024-04-01&%24filter=name%20eq%20%27a%3Ab%27";
    env.emu.clear_requests();
    env.get(common::MCA_OWNER, &format!("{accounts}?{query}"))
        .await;
    env.get(common::MCA_OWNER, "/subscriptions/x%3Ay").await;
    env.get(common::MCA_OWNER, "/_emulator/users").await;

    let listed: Value = env.control("/_emulator/requests").await;
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0]["method"], "GET");
    assert_eq!(listed[0]["path"], accounts);
    assert_eq!(listed[0]["query"], query);
    assert_eq!(listed[1]["path"], "/subscriptions/x:y");
    assert!(listed[1].get("query").is_none(), "{:?}", listed[1]);
    assert_eq!(env.emu.requests()[0].query.as_deref(), Some(query));
}

#[tokio::test]
async fn bench_has_exactly_100_scopes_with_24_invoices_and_load_has_hundreds() {
    let env = common::start(EmulatorConfig {
        scenario: "bench".into(),
        ..EmulatorConfig::default()
    })
    .await;
    let user = "bench@contoso.example";
    let accounts = env
        .get_all(
            user,
            "/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01",
        )
        .await;
    let mut scopes = Vec::new();
    for a in &accounts {
        let name = common::enc(a["name"].as_str().unwrap());
        if a["properties"]["agreementType"] == "MicrosoftCustomerAgreement" {
            for p in env.get_all(user, &format!("/providers/Microsoft.Billing/billingAccounts/{name}/billingProfiles?api-version=2024-04-01")).await {
                scopes.push(format!("/providers/Microsoft.Billing/billingAccounts/{name}/billingProfiles/{}/invoices?api-version=2024-04-01", p["name"].as_str().unwrap()));
            }
        }
    }
    for s in env
        .get_all(user, "/subscriptions?api-version=2022-12-01")
        .await
    {
        scopes.push(format!("/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{}/invoices?api-version=2024-04-01", s["subscriptionId"].as_str().unwrap()));
    }
    assert_eq!(scopes.len(), 100);
    for s in [&scopes[0], &scopes[99]] {
        assert_eq!(env.get_all(user, s).await.len(), 24, "{s}");
    }
    env.emu.shutdown().await;

    let env = common::start(EmulatorConfig {
        scenario: "load".into(),
        ..EmulatorConfig::default()
    })
    .await;
    let subs = env
        .get_all(
            "load@contoso.example",
            "/subscriptions?api-version=2022-12-01",
        )
        .await;
    assert!(subs.len() >= 250);
    assert!(
        invoice_desk_emulator::Emulator::start(EmulatorConfig {
            scenario: "nope".into(),
            ..EmulatorConfig::default()
        })
        .await
        .is_err()
    );
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(args: &[&str]) -> (Killed, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_invoice-desk-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().unwrap();
    let guard = Killed(child);
    let mut reader = BufReader::new(stdout);
    let mut lines = Vec::new();
    let wanted = if args.contains(&"--tls") { 2 } else { 1 };
    for _ in 0..wanted {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a line");
        lines.push(line.trim_end().to_owned());
    }
    (guard, lines)
}

#[tokio::test]
async fn binary_prints_listening_line_and_serves() {
    let (child, lines) = spawn(&[
        "--addr",
        "127.0.0.1:0",
        "--scenario",
        "demo",
        "--page-size",
        "7",
    ]);
    let url = lines[0]
        .strip_prefix("listening on ")
        .expect("listening line");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let scenario: Value = common::client()
        .get(format!("{url}_emulator/scenario"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(scenario["pageSize"], 7);
    drop(child);
}

#[tokio::test]
async fn binary_serves_tls_with_a_self_signed_certificate() {
    let (child, lines) = spawn(&["--addr", "127.0.0.1:0", "--tls"]);
    let url = lines[0]
        .strip_prefix("listening on ")
        .expect("listening line")
        .to_owned();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let path = lines[1]
        .strip_prefix("ca certificate at ")
        .expect("certificate line");
    let pem = std::fs::read(path).unwrap();
    let client = reqwest::Client::builder()
        .no_proxy()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let users: Value = client
        .get(format!("{url}_emulator/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!users.as_array().unwrap().is_empty());
    let _ = std::fs::remove_file(path);
    drop(child);
}

#[tokio::test]
async fn non_loopback_addresses_are_refused() {
    let config = EmulatorConfig {
        addr: "0.0.0.0:0".parse().unwrap(),
        ..EmulatorConfig::default()
    };
    assert!(
        invoice_desk_emulator::Emulator::start(config)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn an_outage_closes_the_port_and_open_connections_then_listens_again_with_its_state() {
    let env = common::demo().await;
    let token = env.token("alex@contoso.example");
    let accounts = env.url("/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01");
    // A body in flight when the server goes: 2 KiB a second, cut by the outage.
    let rules = serde_json::json!([{"route": "*/billingAccounts", "kind": "slow_body", "bytes_per_sec": 2048}]);
    let set = env
        .http
        .post(env.url("/_emulator/faults"))
        .json(&rules)
        .send()
        .await
        .unwrap();
    assert!(set.status().is_success());
    let slow = env
        .http
        .get(&accounts)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(slow.status(), StatusCode::OK);

    let asked = env
        .http
        .post(env.url("/_emulator/outage"))
        .json(&serde_json::json!({"secs": 1.5}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        asked.status(),
        StatusCode::OK,
        "the request for an outage is answered"
    );
    assert!(
        slow.bytes().await.is_err(),
        "the body in flight was not cut"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let refused = common::client()
        .get(&accounts)
        .bearer_auth(&token)
        .send()
        .await;
    let error = refused.expect_err("the port is still open during the outage");
    assert!(error.is_connect(), "{error:?}");

    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    // The same port, the same tokens and the same fault rules as before.
    let faults: Value = env.control("/_emulator/faults").await;
    assert_eq!(faults.as_array().map(Vec::len), Some(1), "{faults}");
    env.http
        .delete(env.url("/_emulator/faults"))
        .send()
        .await
        .unwrap();
    let back = env
        .http
        .get(&accounts)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), StatusCode::OK);
}
