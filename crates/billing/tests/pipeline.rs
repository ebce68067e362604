//! The ARM pipeline over real loopback sockets against small in-test servers.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::response::Response;
use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt, TryStreamExt};
use invoice_desk_billing::model::BillingAccount;
use invoice_desk_billing::{
    ArmClient, BillingError, Cloud, InvoiceQuery, ListOptions, LroOptions, LroPolicy, LroStatus,
    RetryPolicy, StaticTokenCredential,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "test-token-not-a-jwt";
const ACCOUNT: &str = "1234:5678_2019-05-31";
const ACCOUNT_PATH: &str = "/providers/Microsoft.Billing/billingAccounts/1234%3A5678_2019-05-31";

/// What the server saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    uri: String,
    headers: HeaderMap,
    /// 1-based index of this request on the server.
    n: usize,
}

type Handler = Arc<dyn Fn(Seen) -> BoxFuture<'static, Response> + Send + Sync>;

struct Server {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn serve_async(handler: Handler) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = Router::new().fallback(move |request: Request| {
        let handler = handler.clone();
        let log = log.clone();
        async move {
            let entry = {
                let mut log = log.lock().unwrap();
                let entry = Seen {
                    method: request.method().to_string(),
                    uri: request.uri().to_string(),
                    headers: request.headers().clone(),
                    n: log.len() + 1,
                };
                log.push(entry.clone());
                entry
            };
            handler(entry).await
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server {
        base: format!("http://{addr}"),
        seen,
    }
}

async fn serve(handler: impl Fn(Seen) -> Response + Send + Sync + 'static) -> Server {
    let handler = Arc::new(handler);
    serve_async(Arc::new(move |seen| {
        let response = handler(seen);
        async move { response }.boxed()
    }))
    .await
}

fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    let mut builder = Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    if !body.is_empty()
        && !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        builder = builder.header("content-type", "application/json");
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

fn account_json(name: &str) -> String {
    format!(
        r#"{{"id":"/providers/Microsoft.Billing/billingAccounts/{name}","name":"{name}","properties":{{"agreementType":"MicrosoftCustomerAgreement","displayName":"Account {name}"}}}}"#
    )
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_total: Duration::from_secs(5),
        attempt_timeout: Duration::from_secs(2),
    }
}

fn fast_lro() -> LroPolicy {
    LroPolicy {
        default_poll_interval: Duration::from_millis(10),
        min_poll_interval: Duration::from_millis(1),
        max_poll_interval: Duration::from_millis(200),
        timeout: Duration::from_secs(5),
        max_transient_not_found: 2,
    }
}

fn client_with(base: &str, retry: RetryPolicy) -> ArmClient {
    ArmClient::builder(
        Cloud::Custom {
            arm_url: base.to_owned(),
            token_scope: String::new(),
        },
        Arc::new(StaticTokenCredential::for_a_day(TOKEN)),
    )
    .retry_policy(retry)
    .lro_policy(fast_lro())
    .build()
    .unwrap()
}

fn client(base: &str) -> ArmClient {
    client_with(base, fast_retry())
}

#[tokio::test]
async fn request_carries_bearer_ids_user_agent_and_encoded_path() {
    let server = serve(|_| reply(200, &[], &account_json("a"))).await;
    let account = client(&server.base)
        .get_billing_account(ACCOUNT)
        .await
        .unwrap();
    assert_eq!(account.name.as_deref(), Some("a"));
    let seen = &server.requests()[0];
    assert_eq!(seen.uri, format!("{ACCOUNT_PATH}?api-version=2024-04-01"));
    assert_eq!(seen.headers["authorization"], format!("Bearer {TOKEN}"));
    let id = seen.headers["x-ms-client-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    let agent = seen.headers["user-agent"].to_str().unwrap();
    assert!(agent.starts_with("InvoiceDesk/"), "{agent}");
}

#[tokio::test]
async fn throttled_call_waits_for_retry_after_then_succeeds() {
    let server = serve(|seen| match seen.n {
        1 => reply(
            429,
            &[("retry-after", "1")],
            r#"{"error":{"code":"TooManyRequests","message":"slow down"}}"#,
        ),
        _ => reply(200, &[], &account_json("a")),
    })
    .await;
    let started = Instant::now();
    client(&server.base).get_billing_account("a").await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn an_absurd_retry_after_ends_the_call_with_the_throttling_error_instead_of_a_crash() {
    let server = serve(|_| {
        reply(
            429,
            &[("retry-after", "18446744073709551615")],
            r#"{"error":{"code":"TooManyRequests","message":"slow down"}}"#,
        )
    })
    .await;
    let started = Instant::now();
    let error = client(&server.base)
        .get_billing_account("a")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "throttled");
    // Longer than the call may wait in all: given up at once, not slept on.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn an_endless_answer_without_a_length_is_cut_off_at_the_cap() {
    // 1 MiB chunks of JSON-ish text for ever, no Content-Length: the app stops reading at its
    // cap and says the answer is not one it accepts.
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    let server = serve(move |_| {
        let counter = counter.clone();
        let chunks = futures::stream::repeat_with(move || {
            counter.fetch_add(1, Ordering::Relaxed);
            Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b' '; 1024 * 1024]))
        });
        Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(Body::from_stream(chunks))
            .unwrap()
    })
    .await;
    let error = client(&server.base)
        .get_billing_account("a")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "malformed_response", "{error}");
    let chunks = served.load(Ordering::Relaxed);
    let cap = invoice_desk_billing::arm::MAX_ARM_BODY / (1024 * 1024);
    assert!(
        (cap..=cap + 16).contains(&chunks),
        "read {chunks} MiB for a cap of {cap} MiB"
    );
}

#[tokio::test]
async fn cost_management_throttle_header_is_honoured() {
    let server = serve(|seen| match seen.n {
        1 => reply(
            429,
            &[(
                "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after",
                "1",
            )],
            "",
        ),
        _ => reply(200, &[], &account_json("a")),
    })
    .await;
    let started = Instant::now();
    client(&server.base).get_billing_account("a").await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn service_unavailable_then_success() {
    let server = serve(|seen| match seen.n {
        1 => reply(503, &[], ""),
        _ => reply(200, &[], &account_json("a")),
    })
    .await;
    client(&server.base).get_billing_account("a").await.unwrap();
    assert_eq!(server.count(), 2);
}

/// A raw server that drops the first `drops` connections after reading the request.
async fn dropping_server(drops: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 16 * 1024];
                let _ = socket.read(&mut buffer).await;
                if n <= drops {
                    drop(socket);
                    return;
                }
                let body = account_json("a");
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}"), connections)
}

#[tokio::test]
async fn dropped_connection_is_retried_for_reads() {
    let (base, connections) = dropping_server(1).await;
    client(&base).get_billing_account("a").await.unwrap();
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn patch_is_not_retried_once_it_may_have_been_taken() {
    let (base, connections) = dropping_server(1).await;
    let patch = BillingAccount::default();
    let err = client(&base)
        .update_billing_account("a", &patch, &LroOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "network", "{err}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    let server = serve(|_| reply(503, &[], "")).await;
    let err = client(&server.base)
        .update_billing_account("a", &patch, &LroOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, BillingError::Server { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn unsafe_request_is_retried_after_throttling() {
    let server = serve(|seen| match seen.n {
        1 => reply(429, &[("retry-after", "0")], ""),
        _ => reply(200, &[], &account_json("a")),
    })
    .await;
    let patched = client(&server.base)
        .update_billing_account("a", &BillingAccount::default(), &LroOptions::default())
        .await
        .unwrap();
    assert_eq!(patched.name.as_deref(), Some("a"));
    assert_eq!(server.count(), 2);
    assert!(server.requests().iter().all(|s| s.method == "PATCH"));
}

#[tokio::test]
async fn retries_stop_within_the_total_budget() {
    let server = serve(|_| reply(503, &[("retry-after", "1")], "")).await;
    let retry = RetryPolicy {
        max_attempts: 10,
        max_total: Duration::from_millis(1500),
        ..fast_retry()
    };
    let started = Instant::now();
    let err = client_with(&server.base, retry)
        .get_billing_account("a")
        .await
        .unwrap_err();
    assert!(
        matches!(err, BillingError::Server { status: 503, .. }),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.count(), 2);

    // A Retry-After beyond the budget ends the call at once, telling the caller how long to wait.
    let slow = serve(|_| reply(429, &[("retry-after", "30")], "")).await;
    let started = Instant::now();
    let err = client(&slow.base)
        .get_billing_account("a")
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        matches!(err, BillingError::Throttled { retry_after: Some(d), .. } if d == Duration::from_secs(30)),
        "{err:?}"
    );
    assert_eq!(slow.count(), 1);
}

#[tokio::test]
async fn pages_are_followed_and_loops_are_caught() {
    let base = Arc::new(Mutex::new(String::new()));
    let link_base = base.clone();
    let server = serve(move |seen| {
        let base = link_base.lock().unwrap().clone();
        let page = if seen.uri.contains("page=2") {
            format!(
                r#"{{"value":[{},{}],"nextLink":"{base}/next?page=3&api-version=2024-04-01"}}"#,
                account_json("c"),
                account_json("d")
            )
        } else if seen.uri.contains("page=3") {
            format!(r#"{{"value":[{}],"nextLink":null}}"#, account_json("e"))
        } else {
            format!(
                r#"{{"value":[{},{}],"nextLink":"{base}/next?page=2&api-version=2024-04-01"}}"#,
                account_json("a"),
                account_json("b")
            )
        };
        reply(200, &[], &page)
    })
    .await;
    base.lock().unwrap().clone_from(&server.base);
    let options = ListOptions {
        top: Some(2),
        filter: None,
    };
    let names: Vec<String> = client(&server.base)
        .list_billing_accounts(&options)
        .map_ok(|a| a.name.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    let uris: Vec<_> = server.requests().into_iter().map(|s| s.uri).collect();
    assert_eq!(
        uris[0],
        "/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01&top=2"
    );
    assert_eq!(uris.len(), 3);

    let looping_to_self = {
        let base = Arc::new(Mutex::new(String::new()));
        let link = base.clone();
        let server = serve(move |_| {
            let base = link.lock().unwrap().clone();
            reply(
                200,
                &[],
                &format!(r#"{{"value":[{{"name":"x"}}],"nextLink":"{base}/loop"}}"#),
            )
        })
        .await;
        base.lock().unwrap().clone_from(&server.base);
        server
    };
    let results: Vec<_> = client(&looping_to_self.base)
        .list_billing_accounts(&ListOptions::default())
        .collect()
        .await;
    assert_eq!(
        results.len(),
        3,
        "two pages of items, then the loop error: {results:?}"
    );
    let err = results.into_iter().last().unwrap().unwrap_err();
    assert_eq!(err.code(), "malformed_response");
    assert!(err.to_string().contains("repeats"), "{err}");
    assert_eq!(looping_to_self.count(), 2);
}

#[tokio::test]
async fn empty_next_link_ends_the_list() {
    let server = serve(|_| reply(200, &[], r#"{"value":[{"name":"only"}],"nextLink":""}"#)).await;
    let all: Vec<_> = client(&server.base)
        .list_billing_accounts(&ListOptions::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
}

fn lro_server(
    base: Arc<Mutex<String>>,
    script: fn(usize) -> (u16, &'static str),
) -> impl Fn(Seen) -> Response {
    move |seen| {
        if seen.method == "POST" {
            let location = format!("{}/operationResults/op1", base.lock().unwrap());
            return reply(202, &[("location", &location), ("retry-after", "0")], "");
        }
        let (status, body) = script(seen.n - 1);
        reply(status, &[], body)
    }
}

async fn start_lro(script: fn(usize) -> (u16, &'static str)) -> Server {
    let base = Arc::new(Mutex::new(String::new()));
    let server = serve(lro_server(base.clone(), script)).await;
    base.lock().unwrap().clone_from(&server.base);
    server
}

const DONE: &str =
    r#"{"url":"https://blob.example/inv.pdf?sig=x","expiryTime":"2030-01-01T00:00:00Z"}"#;

#[tokio::test]
async fn long_running_download_polls_until_done_and_reports_progress() {
    let server = start_lro(|poll| if poll < 2 { (202, "") } else { (200, DONE) }).await;
    let progress = Arc::new(Mutex::new(Vec::new()));
    let sink = progress.clone();
    let options = LroOptions::default()
        .with_progress(move |p| sink.lock().unwrap().push((p.status, p.polls)));
    let result = client(&server.base)
        .download_invoice(ACCOUNT, "G123456789", Some("12345678"), &options)
        .await
        .unwrap();
    assert_eq!(result.url, "https://blob.example/inv.pdf?sig=x");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        requests[0].uri,
        format!(
            "{ACCOUNT_PATH}/invoices/G123456789/download?api-version=2024-04-01&documentName=12345678"
        )
    );
    assert_eq!(requests[1].uri, "/operationResults/op1");
    assert_eq!(
        *progress.lock().unwrap(),
        [
            (LroStatus::Accepted, 0),
            (LroStatus::Running, 1),
            (LroStatus::Succeeded, 2)
        ]
    );
}

#[tokio::test]
async fn transient_not_found_on_the_poll_url_is_tolerated() {
    let server = start_lro(|poll| match poll {
        1 => (
            404,
            r#"{"error":{"code":"OperationNotFound","message":"not yet"}}"#,
        ),
        _ => (200, DONE),
    })
    .await;
    let result = client(&server.base)
        .download_invoice("a", "G1", None, &LroOptions::default())
        .await
        .unwrap();
    assert!(result.expiry_time.unwrap().datetime().is_some());
    assert_eq!(server.count(), 3);

    let gone = start_lro(|_| (404, "")).await;
    let err = client(&gone.base)
        .download_invoice("a", "G1", None, &LroOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(
        gone.count(),
        1 + 3,
        "start plus two tolerated and one fatal 404"
    );
}

#[tokio::test]
async fn long_running_operation_can_be_cancelled() {
    let server = start_lro(|_| (202, "")).await;
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        trigger.cancel();
    });
    let started = Instant::now();
    let err = client(&server.base)
        .download_invoice("a", "G1", None, &LroOptions::default().with_cancel(cancel))
        .await
        .unwrap_err();
    assert!(matches!(err, BillingError::Cancelled));
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn unauthenticated_with_claims_challenge() {
    let server = serve(|_| {
        reply(
            401,
            &[
                ("www-authenticate", r#"Bearer authorization_uri="https://login.microsoftonline.com/common", error="insufficient_claims", claims="Y2xhaW1zLWNoYWxsZW5nZQ==""#),
                ("x-ms-request-id", "req-401"),
            ],
            r#"{"error":{"code":"InvalidAuthenticationToken","message":"The access token has expired"}}"#,
        )
    })
    .await;
    let err = client(&server.base)
        .get_billing_account("a")
        .await
        .unwrap_err();
    let BillingError::Unauthenticated { claims, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(claims.as_deref(), Some("Y2xhaW1zLWNoYWxsZW5nZQ=="));
    assert_eq!(err.arm_code(), Some("InvalidAuthenticationToken"));
    assert_eq!(err.request_id(), Some("req-401"));
    assert!(!err.to_string().contains(TOKEN));
    assert_eq!(server.count(), 1, "401 is not retried");
}

#[tokio::test]
async fn forbidden_names_the_denied_action_and_scope() {
    let server = serve(|_| {
        reply(403, &[], r#"{"error":{"code":"AuthorizationFailed","message":"The client 'u@contoso.com' with object id '1' does not have authorization to perform action 'Microsoft.Billing/billingAccounts/billingProfiles/invoices/read' over scope '/providers/Microsoft.Billing/billingAccounts/1234:5678_2019-05-31/billingProfiles/AB12' or the scope is invalid."}}"#)
    })
    .await;
    let err = client(&server.base)
        .list_invoices_by_billing_profile(ACCOUNT, "AB12", &InvoiceQuery::default())
        .next()
        .await
        .unwrap()
        .unwrap_err();
    let BillingError::Forbidden { action, scope, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        action.as_deref(),
        Some("Microsoft.Billing/billingAccounts/billingProfiles/invoices/read")
    );
    assert_eq!(
        scope.as_deref(),
        Some(
            "/providers/Microsoft.Billing/billingAccounts/1234:5678_2019-05-31/billingProfiles/AB12"
        )
    );
    assert_eq!(err.code(), "forbidden");
}

#[tokio::test]
async fn malformed_json_is_reported_with_a_snippet() {
    let server = serve(|_| {
        reply(
            200,
            &[("x-ms-request-id", "req-bad")],
            r#"{"name": "a", "properties": [oops"#,
        )
    })
    .await;
    let err = client(&server.base)
        .get_billing_account("a")
        .await
        .unwrap_err();
    let BillingError::MalformedResponse { snippet, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(snippet.contains("oops"));
    assert_eq!(err.request_id(), Some("req-bad"));
}

#[tokio::test]
async fn html_gateway_error_is_a_server_error_after_retries() {
    let server = serve(|_| {
        reply(
            502,
            &[("content-type", "text/html")],
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        )
    })
    .await;
    let err = client(&server.base)
        .get_billing_account("a")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            BillingError::Server {
                status: 502,
                arm: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.count(), 4, "max_attempts");
}

#[tokio::test]
async fn bearer_is_never_sent_to_another_host() {
    let sas = serve(|_| reply(200, &[], r#"{"value":[{"name":"z"}]}"#)).await;
    let sas_base = sas.base.clone();
    let arm = serve(move |_| {
        reply(
            200,
            &[],
            &format!(r#"{{"value":[{{"name":"y"}}],"nextLink":"{sas_base}/elsewhere"}}"#),
        )
    })
    .await;
    let client = client(&arm.base);
    let all: Vec<_> = client
        .list_billing_accounts(&ListOptions::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let bytes = client
        .fetch_presigned(&format!("{}/inv.pdf?sv=1&sig=secret", sas.base))
        .await
        .unwrap();
    assert!(!bytes.is_empty());
    assert!(arm.requests()[0].headers.contains_key("authorization"));
    assert_eq!(sas.count(), 2);
    assert!(
        sas.requests()
            .iter()
            .all(|s| !s.headers.contains_key("authorization"))
    );
}

#[tokio::test]
async fn plain_http_to_a_non_loopback_host_is_rejected() {
    let credential = Arc::new(StaticTokenCredential::for_a_day(TOKEN));
    for url in [
        "http://management.example.com",
        "http://192.0.2.10:8080",
        "http://10.1.2.3",
    ] {
        let err = ArmClient::builder(
            Cloud::Custom {
                arm_url: url.into(),
                token_scope: String::new(),
            },
            credential.clone(),
        )
        .build()
        .unwrap_err();
        assert!(matches!(err, BillingError::InvalidEndpoint { .. }), "{url}");
    }
}

#[tokio::test]
async fn concurrency_is_limited_across_clones() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (now, top) = (in_flight.clone(), peak.clone());
    let server = serve_async(Arc::new(move |_| {
        let (now, top) = (now.clone(), top.clone());
        async move {
            let current = now.fetch_add(1, Ordering::SeqCst) + 1;
            top.fetch_max(current, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            now.fetch_sub(1, Ordering::SeqCst);
            reply(200, &[], &account_json("a"))
        }
        .boxed()
    }))
    .await;
    let client = ArmClient::builder(
        Cloud::Custom {
            arm_url: server.base.clone(),
            token_scope: String::new(),
        },
        Arc::new(StaticTokenCredential::for_a_day(TOKEN)),
    )
    .max_concurrency(2)
    .build()
    .unwrap();
    let calls = (0..6).map(|_| {
        let client = client.clone();
        async move { client.get_billing_account("a").await }
    });
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(peak.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn endless_fresh_next_links_stop_at_the_page_limit() {
    let base = Arc::new(Mutex::new(String::new()));
    let link = base.clone();
    let server = serve(move |seen| {
        let base = link.lock().unwrap().clone();
        reply(
            200,
            &[],
            &format!(
                r#"{{"value":[{{"name":"p{0}"}}],"nextLink":"{base}/page/{0}"}}"#,
                seen.n
            ),
        )
    })
    .await;
    base.lock().unwrap().clone_from(&server.base);
    let client = ArmClient::builder(
        Cloud::Custom {
            arm_url: server.base.clone(),
            token_scope: String::new(),
        },
        Arc::new(StaticTokenCredential::for_a_day(TOKEN)),
    )
    .max_pages(3)
    .build()
    .unwrap();
    let results: Vec<_> = client
        .list_billing_accounts(&ListOptions::default())
        .collect()
        .await;
    assert_eq!(results.len(), 4, "three pages of one item, then the limit");
    assert_eq!(
        results[3].as_ref().unwrap_err().code(),
        "malformed_response"
    );
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn long_running_operation_has_an_overall_deadline() {
    let server = start_lro(|_| (202, "")).await;
    let client = ArmClient::builder(
        Cloud::Custom {
            arm_url: server.base.clone(),
            token_scope: String::new(),
        },
        Arc::new(StaticTokenCredential::for_a_day(TOKEN)),
    )
    .lro_policy(LroPolicy {
        timeout: Duration::from_millis(300),
        ..fast_lro()
    })
    .build()
    .unwrap();
    let started = Instant::now();
    let err = client
        .download_invoice("a", "G1", None, &LroOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "timeout", "{err}");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(server.count() > 2, "it polled before giving up");
}
