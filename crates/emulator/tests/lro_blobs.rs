//! LRO chains, the blob endpoint (SAS expiry, Range), PDFs, ZIPs and cost details CSVs.

mod common;

use common::{EA_ADMIN, Env, MCA_OWNER, MOSP_ADMIN, enc};
use futures::StreamExt;
use invoice_desk_emulator::{EmulatorConfig, FaultKind, FaultRule};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn download_path(env: &Env) -> (String, Value) {
    let (ba, bp) = env.first_profile(MCA_OWNER).await;
    let inv = env.profile_invoice(MCA_OWNER, &ba, &bp).await;
    let path = format!(
        "/providers/Microsoft.Billing/billingAccounts/{}/invoices/{}/download?api-version=2024-04-01",
        enc(&ba),
        inv["name"].as_str().unwrap()
    );
    (path, inv)
}

#[tokio::test]
async fn document_download_is_a_location_lro_then_cached() {
    let env = common::start(EmulatorConfig {
        download_pending_polls: 2,
        ..EmulatorConfig::default()
    })
    .await;
    let (path, inv) = download_path(&env).await;
    let doc = inv["properties"]["documents"][0]["name"].as_str().unwrap();
    let r = env
        .post(MCA_OWNER, &format!("{path}&documentName={doc}"), None)
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert_eq!(r.header("retry-after"), Some("0"));
    let loc = r.header("location").unwrap().to_owned();
    assert!(
        loc.contains("/operationResults/invoiceDownload_")
            && loc.contains("api-version=2024-04-01"),
        "{loc}"
    );
    assert_eq!(env.get(MCA_OWNER, &loc).await.status, StatusCode::ACCEPTED);
    assert_eq!(env.get(MCA_OWNER, &loc).await.status, StatusCode::ACCEPTED);
    let done = env.get(MCA_OWNER, &loc).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(
        done.body["url"]
            .as_str()
            .unwrap()
            .contains("/_blob/invoices/")
    );
    assert!(!done.body["expiryTime"].as_str().unwrap().is_empty());
    // Prepared once: the next request answers 200 at once.
    let again = env
        .post(MCA_OWNER, &format!("{path}&documentName={doc}"), None)
        .await;
    assert_eq!(again.status, StatusCode::OK);
    // An unknown document is a 404.
    let missing = env
        .post(MCA_OWNER, &format!("{path}&documentName=nope"), None)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

fn check_pdf(bytes: &[u8], must_contain: &str) {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    assert!(bytes.trim_ascii_end().ends_with(b"%%EOF"));
    let text = String::from_utf8_lossy(bytes);
    assert!(text.contains(must_contain), "PDF lacks {must_contain}");
    let startxref = text.rfind("startxref").unwrap();
    let xref_at: usize = text[startxref + 9..]
        .trim()
        .lines()
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(&bytes[xref_at..xref_at + 4], b"xref");
    // Offsets are bytes: read the table from the bytes, not from the lossy text.
    let table_text = String::from_utf8_lossy(&bytes[xref_at..]);
    let table = table_text.as_ref();
    let mut lines = table.lines().skip(1);
    let count: usize = lines
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let entries: Vec<&str> = lines.skip(1).take(count - 1).collect();
    for (i, e) in entries.iter().enumerate() {
        let off: usize = e[..10].parse().unwrap();
        let expect = format!("{} 0 obj", i + 1);
        assert_eq!(
            &bytes[off..off + expect.len()],
            expect.as_bytes(),
            "xref entry {} points elsewhere",
            i + 1
        );
    }
}

#[tokio::test]
async fn blobs_serve_pdfs_ranges_and_refuse_expired_or_forged_links() {
    let env = common::demo().await;
    let (path, inv) = download_path(&env).await;
    let done = env.lro(MCA_OWNER, &path, None).await;
    let url = done.body["url"].as_str().unwrap().to_owned();
    // No bearer token needed for the SAS link.
    let pdf = env.http.get(&url).send().await.unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    check_pdf(&bytes, inv["name"].as_str().unwrap());

    let part = env
        .http
        .get(&url)
        .header("range", "bytes=5-14")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"].to_str().unwrap(),
        format!("bytes 5-14/{}", bytes.len())
    );
    assert_eq!(part.bytes().await.unwrap(), bytes.slice(5..15));
    let tail = env
        .http
        .get(&url)
        .header("range", format!("bytes={}-", bytes.len() - 7))
        .send()
        .await
        .unwrap();
    assert_eq!(tail.bytes().await.unwrap(), bytes.slice(bytes.len() - 7..));
    let bad = env
        .http
        .get(&url)
        .header("range", format!("bytes={}-", bytes.len() + 10))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    let forged = url.replace("sig=", "sig=x");
    let r = env.http.get(&forged).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let expired_env = common::start(EmulatorConfig {
        sas_lifetime_secs: -30,
        ..EmulatorConfig::default()
    })
    .await;
    let (path, _) = download_path(&expired_env).await;
    let done = expired_env.lro(MCA_OWNER, &path, None).await;
    let r = expired_env
        .http
        .get(done.body["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.headers()["x-ms-error-code"], "AuthenticationFailed");
    let xml = r.text().await.unwrap();
    assert!(
        xml.contains("<Code>AuthenticationFailed</Code>") && xml.contains("Signed expiry time"),
        "{xml}"
    );
}

#[tokio::test]
async fn blobs_honour_if_match_serve_html_on_request_and_log_what_was_sent() {
    let env = common::demo().await;
    let (path, _) = download_path(&env).await;
    let done = env.lro(MCA_OWNER, &path, None).await;
    let url = done.body["url"].as_str().unwrap().to_owned();
    env.emu.clear_requests();
    let whole = env.http.get(&url).send().await.unwrap();
    let etag = whole.headers()["etag"].to_str().unwrap().to_owned();
    let same = env
        .http
        .get(&url)
        .header("range", "bytes=5-")
        .header("if-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::PARTIAL_CONTENT);
    let other = env
        .http
        .get(&url)
        .header("range", "bytes=5-")
        .header("if-match", "\"0x8D000\"")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(other.headers()["x-ms-error-code"], "ConditionNotMet");

    let log = env.emu.requests();
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(log.iter().all(|r| r.kind == "blob" && !r.authorization));
    assert_eq!(log[1].range.as_deref(), Some("bytes=5-"));
    assert_eq!(log[1].if_match.as_deref(), Some(etag.as_str()));
    let listed = env
        .http
        .get(env.emu.base_url().join("_emulator/requests").unwrap())
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 3);

    env.emu.set_faults(vec![invoice_desk_emulator::FaultRule {
        route: Some("/_blob/".into()),
        method: None,
        count: Some(1),
        kind: invoice_desk_emulator::FaultKind::NotPdf,
    }]);
    let html = env.http.get(&url).send().await.unwrap();
    assert_eq!(html.status(), StatusCode::OK);
    assert_eq!(html.headers()["content-type"], "text/html");
    assert!(html.text().await.unwrap().starts_with("<!DOCTYPE html>"));
    assert!(env.blob(&url).await.starts_with(b"%PDF-"));
}

#[tokio::test]
async fn download_documents_returns_a_zip_of_pdfs() {
    let env = common::demo().await;
    let done = bundle_of_first_invoices(&env, 3).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let zip = env.blob(done.body["url"].as_str().unwrap()).await;
    assert!(zip.starts_with(b"PK\x03\x04"));
    assert_eq!(zip_entries(&zip).len(), 3);
}

/// The `downloadDocuments` operation of the MCA owner's first billing account, run to its
/// end, for the first `n` invoices of its first billing profile.
async fn bundle_of_first_invoices(env: &Env, n: usize) -> common::Resp {
    let (ba, bp) = env.first_profile(MCA_OWNER).await;
    let invs = env.get_all(MCA_OWNER, &format!("/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{bp}/invoices?api-version=2024-04-01", enc(&ba))).await;
    let req: Vec<Value> = invs
        .iter()
        .take(n)
        .map(|i| json!({"invoiceName": i["name"]}))
        .collect();
    env.lro(MCA_OWNER, &format!("/providers/Microsoft.Billing/billingAccounts/{}/downloadDocuments?api-version=2024-04-01", enc(&ba)), Some(&Value::Array(req))).await
}

/// The names in a zip's central directory, with each entry's method and declared sizes.
fn zip_entries(zip: &[u8]) -> Vec<(String, u16, u32, u32)> {
    let eocd = zip.len() - 22;
    assert_eq!(&zip[eocd..eocd + 4], b"PK\x05\x06");
    let le16 = |at: usize| u16::from_le_bytes([zip[at], zip[at + 1]]);
    let le32 = |at: usize| u32::from_le_bytes([zip[at], zip[at + 1], zip[at + 2], zip[at + 3]]);
    let mut at = le32(eocd + 16) as usize;
    (0..le16(eocd + 10))
        .map(|_| {
            assert_eq!(&zip[at..at + 4], b"PK\x01\x02");
            let name_len = le16(at + 28) as usize;
            let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
            let entry = (name, le16(at + 10), le32(at + 20), le32(at + 24));
            at += 46 + name_len;
            entry
        })
        .collect()
}

#[tokio::test]
async fn bad_bundle_faults_spoil_only_bundles() {
    use invoice_desk_emulator::{BundleDefect, FaultKind, FaultRule};
    let env = common::demo().await;
    let done = bundle_of_first_invoices(&env, 2).await;
    let url = done.body["url"].as_str().unwrap().to_owned();
    let fetch = |defect: Option<BundleDefect>| {
        let env = &env;
        let url = url.clone();
        async move {
            env.emu.set_faults(
                defect
                    .map(|defect| FaultRule {
                        route: Some("/_blob/".into()),
                        method: None,
                        count: Some(1),
                        kind: FaultKind::BadBundle { defect },
                    })
                    .into_iter()
                    .collect(),
            );
            let bytes = env.blob(&url).await;
            let entries = zip_entries(&bytes);
            (bytes, entries)
        }
    };
    let (_, good) = fetch(None).await;
    assert_eq!(good.len(), 2);
    assert!(
        good.iter()
            .all(|(n, m, ..)| n.to_ascii_lowercase().ends_with(".pdf") && *m == 0)
    );

    let (_, missing) = fetch(Some(BundleDefect::Missing)).await;
    assert_eq!(missing, good[..1]);

    let (_, extra) = fetch(Some(BundleDefect::Extra)).await;
    assert_eq!(extra[..2], good[..]);
    let names: Vec<&str> = extra[2..].iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        names,
        ["README.txt", "extra/", "G000000000-Invoice-00000000.pdf"]
    );

    let (_, hostile) = fetch(Some(BundleDefect::Hostile)).await;
    assert_eq!(hostile[0].0, format!("../../{}", good[0].0));
    assert_eq!(hostile[2].0, format!("/tmp/{}", good[1].0));
    assert_eq!(hostile[3].0, format!("C:\\Windows\\{}", good[1].0));

    let (bytes, not_pdf) = fetch(Some(BundleDefect::NotPdf)).await;
    assert_eq!(not_pdf[0].0, good[0].0);
    assert!(String::from_utf8_lossy(&bytes).contains("<!DOCTYPE html>"));

    let (bytes, bomb) = fetch(Some(BundleDefect::Bomb)).await;
    let (_, method, packed, size) = &bomb[0];
    assert_eq!((*method, *size), (8, 8 << 20), "deflated, 8 MiB declared");
    assert!(*packed < 1 << 20 && bytes.len() < 1 << 20, "{packed}");
    assert!(
        size / packed > 100,
        "inflates past any PDF's ratio: {packed}"
    );

    // A single document's blob is not touched by the fault.
    env.emu.set_faults(vec![FaultRule {
        route: Some("/_blob/".into()),
        method: None,
        count: None,
        kind: FaultKind::BadBundle {
            defect: BundleDefect::NotPdf,
        },
    }]);
    let (path, inv) = download_path(&env).await;
    let _ = inv;
    let single = env.lro(MCA_OWNER, &path, None).await;
    let pdf = env.blob(single.body["url"].as_str().unwrap()).await;
    assert!(pdf.starts_with(b"%PDF-"));
}

#[tokio::test]
async fn profile_put_is_stateful_and_validated() {
    let env = common::demo().await;
    let (ba, bp) = env.first_profile(MCA_OWNER).await;
    let prof = format!(
        "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{bp}?api-version=2024-04-01",
        enc(&ba)
    );
    let before = env.get(MCA_OWNER, &prof).await.body;
    assert_eq!(before["properties"]["invoiceEmailOptIn"], true);
    assert_eq!(
        before["properties"]["invoiceRecipients"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let mut props = before["properties"].clone();
    props["invoiceEmailOptIn"] = json!(false);
    let r = env
        .call(
            Method::PUT,
            Some(MCA_OWNER),
            &prof,
            Some(&json!({"properties": props})),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let done = env.poll(MCA_OWNER, r.header("location").unwrap()).await;
    assert_eq!(done.body["properties"]["invoiceEmailOptIn"], false);
    // Opting out removes every recipient.
    assert_eq!(
        env.get(MCA_OWNER, &prof).await.body["properties"]["invoiceRecipients"],
        json!([])
    );

    let r = env.call(Method::PUT, Some(MCA_OWNER), &prof, Some(&json!({"properties": {"invoiceEmailOptIn": true, "invoiceRecipients": ["a@contoso.example", "b@contoso.example"]}}))).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let now = env.get(MCA_OWNER, &prof).await.body;
    assert_eq!(
        now["properties"]["invoiceRecipients"],
        json!(["a@contoso.example", "b@contoso.example"])
    );

    let r = env
        .call(
            Method::PUT,
            Some(MCA_OWNER),
            &prof,
            Some(&json!({"properties": {"invoiceRecipients": ["not-an-address"]}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // MOSP: the notification e-mail is PATCHed on the billing account.
    let mosp = env
        .account_of(MOSP_ADMIN, "MicrosoftOnlineServicesProgram")
        .await;
    let r = env
        .call(
            Method::PATCH,
            Some(MOSP_ADMIN),
            &format!("/providers/Microsoft.Billing/billingAccounts/{mosp}?api-version=2024-04-01"),
            Some(&json!({"properties": {"notificationEmailAddress": "new@contoso.example"}})),
        )
        .await;
    assert_eq!(
        r.body["properties"]["notificationEmailAddress"],
        "new@contoso.example"
    );
}

fn cost_path(scope: &str) -> String {
    format!(
        "{scope}/providers/Microsoft.CostManagement/generateCostDetailsReport?api-version=2023-11-01"
    )
}

#[tokio::test]
async fn cost_details_validates_then_polls_to_a_manifest_of_csv_blobs() {
    let env = common::demo().await;
    let sub = env.first_subscription(MOSP_ADMIN).await;
    let scope = format!("/subscriptions/{sub}");
    let today = invoice_desk_emulator::calendar::today();
    let start = today.replace_day(1).unwrap();

    let both = env.post(MOSP_ADMIN, &cost_path(&scope), Some(&json!({"timePeriod": {"start": start.to_string(), "end": today.to_string()}, "invoiceId": "G1"}))).await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        both.message(),
        "Invalid request payload: can only have either timePeriod or invoiceId or billingPeriod"
    );
    let long = env
        .post(
            MOSP_ADMIN,
            &cost_path(&scope),
            Some(&json!({"timePeriod": {"start": "2026-01-01", "end": "2026-03-15"}})),
        )
        .await;
    assert_eq!(long.status, StatusCode::BAD_REQUEST);
    let old = env
        .post(
            MOSP_ADMIN,
            &cost_path(&scope),
            Some(&json!({"timePeriod": {"start": "2019-01-01", "end": "2019-01-15"}})),
        )
        .await;
    assert_eq!(old.status, StatusCode::BAD_REQUEST);
    assert!(old.message().contains("13 months"));
    let ea_only = env
        .post(
            MOSP_ADMIN,
            &cost_path(&scope),
            Some(&json!({"billingPeriod": "202601"})),
        )
        .await;
    assert_eq!(ea_only.status, StatusCode::BAD_REQUEST);

    let r = env.post(MOSP_ADMIN, &cost_path(&scope), Some(&json!({"metric": "ActualCost", "timePeriod": {"start": start.to_string(), "end": today.to_string()}}))).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let loc = r.header("location").unwrap().to_owned();
    assert!(loc.contains("/costDetailsOperationResults/"));
    assert_eq!(env.get(MOSP_ADMIN, &loc).await.status, StatusCode::ACCEPTED);
    let done = env.get(MOSP_ADMIN, &loc).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.body["status"], "Completed");
    let blob = &done.body["manifest"]["blobs"][0];
    let csv = env
        .http
        .get(blob["blobLink"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv.len() as u64, blob["byteCount"].as_u64().unwrap());
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for col in [
        "BillingAccountId",
        "SubscriptionId",
        "Date",
        "MeterCategory",
        "Quantity",
        "CostInBillingCurrency",
        "BillingCurrencyCode",
        "ResourceId",
        "ChargeType",
    ] {
        assert!(header.contains(&col), "EA/MOSP header lacks {col}");
    }
    assert!(csv.lines().nth(1).unwrap().contains(&sub));

    // MCA billed usage by invoice uses the modern column set.
    let (ba, bp) = env.first_profile(MCA_OWNER).await;
    let inv = env.profile_invoice(MCA_OWNER, &ba, &bp).await;
    let mca = env
        .lro(
            MCA_OWNER,
            &cost_path(&format!(
                "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{bp}",
                enc(&ba)
            )),
            Some(&json!({"invoiceId": inv["name"]})),
        )
        .await;
    assert_eq!(mca.status, StatusCode::OK, "{}", mca.text);
    let link = mca.body["manifest"]["blobs"][0]["blobLink"]
        .as_str()
        .unwrap();
    let head = env
        .http
        .get(link)
        .header("range", "bytes=0-2047")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let header: Vec<&str> = head.lines().next().unwrap().split(',').collect();
    for col in [
        "invoiceId",
        "billingProfileId",
        "costInBillingCurrency",
        "billingCurrency",
        "meterCategory",
        "quantity",
        "date",
        "ResourceId",
    ] {
        assert!(header.contains(&col), "MCA header lacks {col}");
    }

    // EA: the department admin may (policy on), the account owner may not (policy off).
    let ea = env.account_of(EA_ADMIN, "EnterpriseAgreement").await;
    let deps = env.get_all(EA_ADMIN, &format!("/providers/Microsoft.Billing/billingAccounts/{ea}/departments?api-version=2024-04-01")).await;
    let fin = deps
        .iter()
        .find(|d| d["properties"]["displayName"] == "Finance")
        .unwrap()["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let dan = env
        .post(
            "dan.dept@contoso.example",
            &cost_path(&format!("/providers/Microsoft.Billing/departments/{fin}")),
            None,
        )
        .await;
    assert_eq!(dan.status, StatusCode::ACCEPTED, "{}", dan.text);
    let accts = env.get_all(EA_ADMIN, &format!("/providers/Microsoft.Billing/billingAccounts/{ea}/enrollmentAccounts?api-version=2024-04-01")).await;
    let platform = accts
        .iter()
        .find(|a| a["properties"]["displayName"] == "platform@contoso.example")
        .unwrap()["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let owen = env
        .post(
            "owen.account@contoso.example",
            &cost_path(&format!(
                "/providers/Microsoft.Billing/billingAccounts/{ea}/enrollmentAccounts/{platform}"
            )),
            None,
        )
        .await;
    assert_eq!(owen.status, StatusCode::FORBIDDEN);
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::test]
async fn a_200_mb_report_streams_without_memory_growth() {
    const SIZE: u64 = 200 * 1024 * 1024;
    let env = common::start(EmulatorConfig {
        cost_report_bytes: SIZE,
        cost_report_blob_bytes: 128 * 1024 * 1024,
        cost_report_pending_polls: 0,
        ..EmulatorConfig::default()
    })
    .await;
    let sub = env.first_subscription(MOSP_ADMIN).await;
    let done = env
        .lro(
            MOSP_ADMIN,
            &cost_path(&format!("/subscriptions/{sub}")),
            None,
        )
        .await;
    let manifest = &done.body["manifest"];
    assert_eq!(manifest["blobCount"], 2);
    let before = rss_kib();
    let mut total = 0u64;
    let mut peak = before.unwrap_or(0);
    for blob in manifest["blobs"].as_array().unwrap() {
        let resp = env
            .http
            .get(blob["blobLink"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        let mut stream = resp.bytes_stream();
        let mut count = 0u64;
        while let Some(chunk) = stream.next().await {
            count += chunk.unwrap().len() as u64;
            if count % (16 * 1024 * 1024) < 70_000 {
                peak = peak.max(rss_kib().unwrap_or(0));
            }
        }
        assert_eq!(count, blob["byteCount"].as_u64().unwrap());
        total += count;
    }
    assert_eq!(total, manifest["byteCount"].as_u64().unwrap());
    // Each blob repeats the header, so the total is within a few KiB of the configured size.
    assert!(total.abs_diff(SIZE) < 16 * 1024, "{total}");
    if let Some(before) = before {
        let grown_mib = peak.saturating_sub(before) / 1024;
        assert!(
            grown_mib < 64,
            "memory grew by {grown_mib} MiB while streaming 200 MB"
        );
    }
}

#[tokio::test]
async fn a_profile_update_is_one_at_a_time_can_fail_and_can_be_overtaken() {
    let env = common::start(EmulatorConfig {
        download_pending_polls: 2,
        ..EmulatorConfig::default()
    })
    .await;
    let (ba, bp) = env.first_profile(MCA_OWNER).await;
    let prof = format!(
        "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{bp}?api-version=2024-04-01",
        enc(&ba)
    );
    let put = |recipients: Value| json!({"properties": {"invoiceEmailOptIn": true, "invoiceRecipients": recipients}});
    let first = env
        .call(
            Method::PUT,
            Some(MCA_OWNER),
            &prof,
            Some(&put(json!(["one@contoso.example"]))),
        )
        .await;
    assert_eq!(first.status, StatusCode::ACCEPTED);
    // A second update while the first one runs: 409, as the billing service answers.
    let second = env
        .call(
            Method::PUT,
            Some(MCA_OWNER),
            &prof,
            Some(&put(json!(["two@contoso.example"]))),
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.text);
    assert_eq!(second.body["error"]["code"], "Conflict");
    let done = env.poll(MCA_OWNER, first.header("location").unwrap()).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(
        env.get(MCA_OWNER, &prof).await.body["properties"]["invoiceRecipients"],
        json!(["one@contoso.example"])
    );

    // An update Azure accepts and then cannot apply: the operation fails, nothing changes.
    env.emu.set_faults(vec![FaultRule {
        route: None,
        method: None,
        count: Some(1),
        kind: FaultKind::UpdateFailed {
            status: None,
            code: None,
            message: None,
        },
    }]);
    let failing = env
        .call(
            Method::PUT,
            Some(MCA_OWNER),
            &prof,
            Some(&put(json!(["three@contoso.example"]))),
        )
        .await;
    assert_eq!(failing.status, StatusCode::ACCEPTED);
    let failed = env
        .poll(MCA_OWNER, failing.header("location").unwrap())
        .await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(failed.body["error"]["code"], "InternalServerError");
    assert_eq!(
        env.get(MCA_OWNER, &prof).await.body["properties"]["invoiceRecipients"],
        json!(["one@contoso.example"])
    );

    // Someone else's change lands meanwhile: the profile holds theirs afterwards.
    env.emu.set_faults(vec![FaultRule {
        route: None,
        method: None,
        count: Some(1),
        kind: FaultKind::ChangedMeanwhile {
            recipients: vec!["theirs@contoso.example".into()],
        },
    }]);
    let overtaken = env
        .call(
            Method::PUT,
            Some(MCA_OWNER),
            &prof,
            Some(&put(json!(["four@contoso.example"]))),
        )
        .await;
    assert_eq!(overtaken.status, StatusCode::ACCEPTED);
    env.poll(MCA_OWNER, overtaken.header("location").unwrap())
        .await;
    assert_eq!(
        env.get(MCA_OWNER, &prof).await.body["properties"]["invoiceRecipients"],
        json!(["theirs@contoso.example"])
    );
}
