//! Cost details reports as a downloading client meets them: compressed blobs with ranges,
//! failed and expired operations, throttling with Cost Management's QPU headers, column sets
//! per agreement, and rows that add up to the invoice.

mod common;

use std::io::Read as _;

use common::{EA_ADMIN, Env, MCA_OWNER, MOSP_ADMIN, Resp, enc};
use invoice_desk_emulator::{EmulatorConfig, FaultKind, FaultRule};
use reqwest::StatusCode;
use serde_json::{Value, json};

const QPU_CONSUMED: &str = "x-ms-ratelimit-microsoft.costmanagement-qpu-consumed";
const QPU_REMAINING: &str = "x-ms-ratelimit-microsoft.costmanagement-qpu-remaining";
const QPU_RETRY_AFTER: &str = "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after";

fn generate_path(scope: &str) -> String {
    format!(
        "{scope}/providers/Microsoft.CostManagement/generateCostDetailsReport?api-version=2023-11-01"
    )
}

async fn profile_scope(env: &Env) -> String {
    let (ba, bp) = env.first_profile(MCA_OWNER).await;
    format!(
        "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{bp}",
        enc(&ba)
    )
}

async fn profile_invoices(env: &Env) -> (String, Vec<Value>) {
    let scope = profile_scope(env).await;
    let invoices = env
        .get_all(
            MCA_OWNER,
            &format!("{scope}/invoices?api-version=2024-04-01"),
        )
        .await;
    (scope, invoices)
}

/// The department the department admin may read costs of.
async fn finance_department(env: &Env) -> String {
    let ea = env.account_of(EA_ADMIN, "EnterpriseAgreement").await;
    let deps = env.get_all(EA_ADMIN, &format!("/providers/Microsoft.Billing/billingAccounts/{ea}/departments?api-version=2024-04-01")).await;
    let fin = deps
        .iter()
        .find(|d| d["properties"]["displayName"] == "Finance")
        .unwrap()["name"]
        .as_str()
        .unwrap()
        .to_owned();
    format!("/providers/Microsoft.Billing/departments/{fin}")
}

/// Requests a report and polls it to its end; returns the final answer.
async fn report(env: &Env, upn: &str, scope: &str, body: Option<&Value>) -> Resp {
    let done = env.lro(upn, &generate_path(scope), body).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    done
}

async fn get_bytes(env: &Env, url: &str, range: Option<&str>) -> reqwest::Response {
    let mut req = env.http.get(url);
    if let Some(r) = range {
        req = req.header("range", r);
    }
    req.send().await.unwrap()
}

fn inflate(gz: &[u8]) -> Vec<u8> {
    assert_eq!(&gz[..2], b"\x1f\x8b", "not gzip");
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut out)
        .expect("a whole gzip stream");
    out
}

/// Every blob of a manifest, as CSV text (inflated when the manifest says so).
async fn csv_parts(env: &Env, manifest: &Value) -> Vec<String> {
    let compressed = manifest["compressData"].as_bool().unwrap();
    let mut parts = Vec::new();
    for blob in manifest["blobs"].as_array().unwrap() {
        let bytes = get_bytes(env, blob["blobLink"].as_str().unwrap(), None)
            .await
            .bytes()
            .await
            .unwrap();
        assert_eq!(bytes.len() as u64, blob["byteCount"].as_u64().unwrap());
        let plain = if compressed {
            inflate(&bytes)
        } else {
            bytes.to_vec()
        };
        parts.push(String::from_utf8(plain).unwrap());
    }
    parts
}

/// Splits a CSV line into fields (quotes honoured; the padding after the last field dropped).
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.trim_end().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// The parts joined as a client joins them: one header, then every part's rows.
fn rows(parts: &[String]) -> (Vec<String>, Vec<Vec<String>>) {
    let header = fields(parts[0].lines().next().unwrap());
    let mut rows = Vec::new();
    for part in parts {
        let mut lines = part.lines();
        assert_eq!(
            fields(lines.next().unwrap()),
            header,
            "every blob has the same header"
        );
        rows.extend(lines.map(fields));
    }
    for r in &rows {
        assert_eq!(r.len(), header.len());
    }
    (header, rows)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// An amount with up to six decimals, in millionths.
fn micro(text: &str) -> i64 {
    let (units, frac) = text.split_once('.').unwrap_or((text, ""));
    assert!(frac.len() <= 6, "{text}");
    units.parse::<i64>().unwrap() * 1_000_000 + format!("{frac:0<6}").parse::<i64>().unwrap()
}

fn cents(amount: &Value) -> i64 {
    #[allow(clippy::cast_possible_truncation)]
    let c = (amount["value"].as_f64().unwrap() * 100.0).round() as i64;
    c
}

fn us_date(text: &str) -> time::Date {
    time::Date::parse(
        text,
        time::macros::format_description!("[month]/[day]/[year]"),
    )
    .unwrap_or_else(|_| panic!("not MM/DD/YYYY: {text}"))
}

fn iso_date(text: &str) -> time::Date {
    time::Date::parse(
        &text[..10],
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap()
}

const MCA_HEADER: &str = "invoiceId,previousInvoiceId,billingAccountId,billingAccountName,billingProfileId,billingProfileName,invoiceSectionId,invoiceSectionName,resellerName,resellerMpnId,costCenter,billingPeriodEndDate,billingPeriodStartDate,servicePeriodEndDate,servicePeriodStartDate,date,serviceFamily,productOrderId,productOrderName,consumedService,meterId,meterName,meterCategory,meterSubCategory,meterRegion,ProductId,ProductName,SubscriptionId,subscriptionName,publisherType,publisherId,publisherName,resourceGroupName,ResourceId,resourceLocation,location,effectivePrice,quantity,unitOfMeasure,chargeType,billingCurrency,pricingCurrency,costInBillingCurrency,costInPricingCurrency,costInUsd,paygCostInBillingCurrency,paygCostInUsd,exchangeRatePricingToBilling,exchangeRateDate,isAzureCreditEligible,serviceInfo1,serviceInfo2,additionalInfo,tags,PayGPrice,frequency,term,reservationId,reservationName,pricingModel,unitPrice,costAllocationRuleName,benefitId,benefitName,provider";

const EA_HEADER: &str = "InvoiceSectionName,AccountName,AccountOwnerId,SubscriptionId,SubscriptionName,ResourceGroup,ResourceLocation,Date,ProductName,MeterCategory,MeterSubCategory,MeterId,MeterName,MeterRegion,UnitOfMeasure,Quantity,EffectivePrice,CostInBillingCurrency,CostCenter,ConsumedService,ResourceId,Tags,OfferId,AdditionalInfo,ServiceInfo1,ServiceInfo2,ResourceName,ReservationId,ReservationName,UnitPrice,ProductOrderId,ProductOrderName,Term,PublisherType,PublisherName,ChargeType,Frequency,PricingModel,AvailabilityZone,BillingAccountId,BillingAccountName,BillingCurrencyCode,BillingPeriodStartDate,BillingPeriodEndDate,BillingProfileId,BillingProfileName,InvoiceSectionId,IsAzureCreditEligible,PartNumber,PayGPrice,PlanName,ServiceFamily,CostAllocationRuleName,benefitId,benefitName,AccountId,ResourceLocationNormalized";

async fn first_line(env: &Env, manifest: &Value) -> String {
    let link = manifest["blobs"][0]["blobLink"].as_str().unwrap();
    let head = get_bytes(env, link, Some("bytes=0-2047"))
        .await
        .text()
        .await
        .unwrap();
    head.lines().next().unwrap().to_owned()
}

#[tokio::test]
async fn each_agreement_gets_its_documented_column_set() {
    let env = common::demo().await;
    // MCA billing profile: the modern columns, as the Cost Details API writes them.
    let (scope, invoices) = profile_invoices(&env).await;
    let mca = report(
        &env,
        MCA_OWNER,
        &scope,
        Some(&json!({"invoiceId": invoices[0]["name"]})),
    )
    .await;
    assert_eq!(first_line(&env, &mca.body["manifest"]).await, MCA_HEADER);
    // MCA month to date (no body): the same columns.
    let open = report(&env, MCA_OWNER, &scope, None).await;
    assert_eq!(first_line(&env, &open.body["manifest"]).await, MCA_HEADER);

    // EA department: the Enterprise Agreement cost details schema.
    let dept = finance_department(&env).await;
    let ea = report(&env, "dan.dept@contoso.example", &dept, None).await;
    assert_eq!(first_line(&env, &ea.body["manifest"]).await, EA_HEADER);
    // Pay-as-you-go subscription: the same legacy set.
    let sub = env.first_subscription(MOSP_ADMIN).await;
    let mosp = report(&env, MOSP_ADMIN, &format!("/subscriptions/{sub}"), None).await;
    assert_eq!(first_line(&env, &mosp.body["manifest"]).await, EA_HEADER);
}

#[tokio::test]
async fn an_invoice_report_adds_up_to_the_invoice_subtotal_over_every_blob() {
    // Several blobs, so the sum runs across them.
    let env = common::start(EmulatorConfig {
        cost_report_bytes: 300 * 1024,
        cost_report_blob_bytes: 64 * 1024,
        cost_report_pending_polls: 0,
        ..EmulatorConfig::default()
    })
    .await;
    let (scope, invoices) = profile_invoices(&env).await;
    assert!(invoices.len() >= 3);
    for inv in invoices.iter().take(3) {
        let p = &inv["properties"];
        // The emulator's MCA invoices carry no credits: subTotal is the charges.
        for zero in [
            "creditAmount",
            "azurePrepaymentApplied",
            "freeAzureCreditApplied",
        ] {
            assert_eq!(cents(&p[zero]), 0, "{zero}");
        }
        assert_eq!(cents(&p["subTotal"]), cents(&p["billedAmount"]));
        assert_eq!(
            cents(&p["totalAmount"]),
            cents(&p["subTotal"]) + cents(&p["taxAmount"])
        );
        let name = inv["name"].as_str().unwrap();
        let done = report(&env, MCA_OWNER, &scope, Some(&json!({"invoiceId": name}))).await;
        let manifest = &done.body["manifest"];
        assert!(manifest["blobCount"].as_u64().unwrap() >= 5, "{manifest}");
        assert_eq!(manifest["requestContext"]["requestBody"]["invoiceId"], name);
        let parts = csv_parts(&env, manifest).await;
        let (header, rows) = rows(&parts);
        let (cost, currency, invoice_id, date) = (
            column(&header, "costInBillingCurrency"),
            column(&header, "billingCurrency"),
            column(&header, "invoiceId"),
            column(&header, "date"),
        );
        let sum: i64 = rows.iter().map(|r| micro(&r[cost])).sum();
        assert_eq!(
            sum,
            cents(&p["subTotal"]) * 10_000,
            "{name}: the rows add up to subTotal to the cent"
        );
        let (from, to) = (
            iso_date(p["invoicePeriodStartDate"].as_str().unwrap()),
            iso_date(p["invoicePeriodEndDate"].as_str().unwrap()),
        );
        let service_end = column(&header, "servicePeriodEndDate");
        for r in &rows {
            assert_eq!(r[invoice_id], name);
            assert_eq!(r[currency], p["subTotal"]["currency"].as_str().unwrap());
            let day = us_date(&r[date]);
            assert!(from <= day && day <= to, "{day} outside {from}..{to}");
            assert_eq!(us_date(&r[service_end]), to);
            assert!(micro(&r[cost]) >= 0);
        }
        // The same request gives the same bytes, blob for blob.
        let again = report(&env, MCA_OWNER, &scope, Some(&json!({"invoiceId": name}))).await;
        assert_eq!(csv_parts(&env, &again.body["manifest"]).await, parts);
    }
}

#[tokio::test]
async fn legacy_reports_add_up_to_the_same_whole_cents_every_time() {
    let env = common::start(EmulatorConfig {
        cost_report_bytes: 200 * 1024,
        cost_report_blob_bytes: 50 * 1024,
        cost_report_pending_polls: 0,
        ..EmulatorConfig::default()
    })
    .await;
    let sub = env.first_subscription(MOSP_ADMIN).await;
    let scope = format!("/subscriptions/{sub}");
    let today = env.emu.today();
    let start = today.replace_day(1).unwrap();
    let body = json!({"timePeriod": {"start": start.to_string(), "end": today.to_string()}});
    let dept = finance_department(&env).await;
    for (upn, scope) in [(MOSP_ADMIN, scope), ("dan.dept@contoso.example", dept)] {
        let mut sums = Vec::new();
        let mut texts = Vec::new();
        for _ in 0..2 {
            let done = report(&env, upn, &scope, Some(&body)).await;
            let parts = csv_parts(&env, &done.body["manifest"]).await;
            let (header, rows) = rows(&parts);
            let cost = column(&header, "CostInBillingCurrency");
            let date = column(&header, "Date");
            for r in &rows {
                let day = us_date(&r[date]);
                assert!(start <= day && day <= today);
            }
            sums.push(rows.iter().map(|r| micro(&r[cost])).sum::<i64>());
            texts.push(parts);
        }
        assert_eq!(sums[0], sums[1], "{scope}");
        assert_eq!(texts[0], texts[1], "{scope}");
        assert!(sums[0] > 0);
        assert_eq!(sums[0] % 10_000, 0, "a whole number of cents: {}", sums[0]);
    }
}

#[tokio::test]
async fn compressed_reports_serve_gzip_blobs_that_resume_with_ranges() {
    let env = common::start(EmulatorConfig {
        cost_report_gzip: true,
        cost_report_bytes: 120 * 1024,
        cost_report_blob_bytes: 40 * 1024,
        ..EmulatorConfig::default()
    })
    .await;
    let (scope, invoices) = profile_invoices(&env).await;
    let inv = &invoices[0];
    let done = report(
        &env,
        MCA_OWNER,
        &scope,
        Some(&json!({"invoiceId": inv["name"]})),
    )
    .await;
    let manifest = &done.body["manifest"];
    assert_eq!(manifest["compressData"], true);
    let blobs = manifest["blobs"].as_array().unwrap();
    assert!(blobs.len() >= 3, "{manifest}");
    assert_eq!(manifest["blobCount"].as_u64().unwrap(), blobs.len() as u64);
    let total: u64 = blobs.iter().map(|b| b["byteCount"].as_u64().unwrap()).sum();
    assert_eq!(manifest["byteCount"].as_u64().unwrap(), total);

    for blob in blobs {
        let link = blob["blobLink"].as_str().unwrap();
        let len = blob["byteCount"].as_u64().unwrap();
        let path = url::Url::parse(link).unwrap().path().to_owned();
        assert!(path.ends_with(".csv.gz"), "{path}");
        let whole = get_bytes(&env, link, None).await;
        assert_eq!(whole.status(), StatusCode::OK);
        let headers = whole.headers().clone();
        assert_eq!(headers["content-type"], "application/octet-stream");
        assert!(
            headers.get("content-encoding").is_none(),
            "the gzip is the blob itself, not a transfer encoding"
        );
        assert_eq!(headers["content-length"], len.to_string().as_str());
        let etag = headers["etag"].to_str().unwrap().to_owned();
        let whole = whole.bytes().await.unwrap();
        assert_eq!(whole.len() as u64, len);
        // Compressed: the gzip is much smaller than the CSV it inflates to.
        let plain = inflate(&whole);
        assert!(plain.len() > whole.len() * 3, "{} vs {}", plain.len(), len);
        assert!(plain.starts_with(b"invoiceId,"));

        // A download cut after 1000 bytes resumes from there, against the same version.
        let first = get_bytes(&env, link, Some("bytes=0-999"))
            .await
            .bytes()
            .await
            .unwrap();
        let rest = env
            .http
            .get(link)
            .header("range", "bytes=1000-")
            .header("if-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(rest.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(rest.headers()["etag"].to_str().unwrap(), etag);
        assert_eq!(
            rest.headers()["content-range"],
            format!("bytes 1000-{}/{len}", len - 1).as_str()
        );
        let rest = rest.bytes().await.unwrap();
        let mut joined = first.to_vec();
        joined.extend_from_slice(&rest);
        assert_eq!(joined, whole.to_vec());
        // Past the end: 416 with the compressed length.
        let past = get_bytes(&env, link, Some(&format!("bytes={len}-"))).await;
        assert_eq!(past.status(), StatusCode::RANGE_NOT_SATISFIABLE);
        assert_eq!(
            past.headers()["content-range"],
            format!("bytes */{len}").as_str()
        );
        // Another version: 412.
        let stale = env
            .http
            .get(link)
            .header("range", "bytes=1000-")
            .header("if-match", "\"0x8D0000000000000\"")
            .send()
            .await
            .unwrap();
        assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
        // The same link serves the same bytes every time.
        let again = get_bytes(&env, link, None).await.bytes().await.unwrap();
        assert_eq!(again, whole);
        // The plain name of a compressed blob does not exist.
        let plain_link = link.replacen(".csv.gz?", ".csv?", 1);
        let r = get_bytes(&env, &plain_link, None).await;
        assert_ne!(r.status(), StatusCode::OK);
    }

    // Inflated and joined, the parts add up to the invoice.
    let parts = csv_parts(&env, manifest).await;
    let (header, rows) = rows(&parts);
    let cost = column(&header, "costInBillingCurrency");
    let sum: i64 = rows.iter().map(|r| micro(&r[cost])).sum();
    assert_eq!(sum, cents(&inv["properties"]["subTotal"]) * 10_000);

    // Uncompressed by default: plain `.csv` links, CSV bytes.
    let plain_env = common::demo().await;
    let sub = plain_env.first_subscription(MOSP_ADMIN).await;
    let done = report(
        &plain_env,
        MOSP_ADMIN,
        &format!("/subscriptions/{sub}"),
        None,
    )
    .await;
    let manifest = &done.body["manifest"];
    assert_eq!(manifest["compressData"], false);
    let link = manifest["blobs"][0]["blobLink"].as_str().unwrap();
    let path = url::Url::parse(link).unwrap().path().to_owned();
    assert_eq!(
        path.rsplit_once('.').map(|(_, ext)| ext),
        Some("csv"),
        "{path}"
    );
    let r = get_bytes(&plain_env, link, None).await;
    assert_eq!(r.headers()["content-type"], "text/csv");
}

#[tokio::test]
async fn a_failed_report_answers_failed_with_an_error_and_stays_failed() {
    let env = common::demo().await;
    let scope = profile_scope(&env).await;
    // Through the control plane, as the app's end-to-end tests would set it.
    let rule =
        json!([{"route": "costDetailsOperationResults", "count": 1, "kind": "report_failed"}]);
    let set = env
        .http
        .post(env.url("/_emulator/faults"))
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::OK);
    let r = env.post(MCA_OWNER, &generate_path(&scope), None).await;
    assert_eq!(
        r.status,
        StatusCode::ACCEPTED,
        "the request itself is taken"
    );
    let loc = r.header("location").unwrap().to_owned();
    let failed = env.get(MCA_OWNER, &loc).await;
    assert_eq!(failed.status, StatusCode::OK);
    assert_eq!(failed.body["status"], "Failed");
    assert_eq!(failed.code(), "InternalServerError");
    assert!(!failed.message().is_empty());
    assert!(failed.body.get("manifest").is_none());
    let id = loc.split('?').next().unwrap().rsplit('/').next().unwrap();
    assert_eq!(failed.body["name"], id);
    assert!(
        failed.body["id"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/costDetailsOperationResults/{id}"))
    );
    // The rule is used up, the operation stays failed.
    let again = env.get(MCA_OWNER, &loc).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["status"], "Failed");
    // A new request succeeds.
    let ok = report(&env, MCA_OWNER, &scope, None).await;
    assert_eq!(ok.body["status"], "Completed");

    // Own code and message; document download polls are not touched.
    env.emu.set_faults(vec![FaultRule {
        route: None,
        method: None,
        count: None,
        kind: FaultKind::ReportFailed {
            code: Some("ReportGenerationTimedOut".into()),
            message: Some("The report took too long.".into()),
        },
    }]);
    let failed = env.lro(MCA_OWNER, &generate_path(&scope), None).await;
    assert_eq!(failed.body["status"], "Failed");
    assert_eq!(failed.code(), "ReportGenerationTimedOut");
    assert_eq!(failed.message(), "The report took too long.");
    let (ba, bp) = env.first_profile(MCA_OWNER).await;
    let inv = env.profile_invoice(MCA_OWNER, &ba, &bp).await;
    let download = env
        .lro(
            MCA_OWNER,
            &format!(
                "/providers/Microsoft.Billing/billingAccounts/{}/invoices/{}/download?api-version=2024-04-01",
                enc(&ba),
                inv["name"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(download.body["url"].is_string());
}

#[tokio::test]
async fn an_expired_operation_answers_404_and_its_links_keep_their_own_expiry() {
    let env = common::start(EmulatorConfig {
        cost_report_pending_polls: 3,
        ..EmulatorConfig::default()
    })
    .await;
    let sub = env.first_subscription(MOSP_ADMIN).await;
    let scope = format!("/subscriptions/{sub}");

    // Never known: 404 with an ARM error.
    let unknown = env.get(MOSP_ADMIN, &format!("{scope}/providers/Microsoft.CostManagement/costDetailsOperationResults/00000000-0000-0000-0000-000000000000?api-version=2023-11-01")).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), "OperationNotFound");

    // Kept across an "app restart" while the service expired it: 404, not 202 forever.
    let r = env.post(MOSP_ADMIN, &generate_path(&scope), None).await;
    let loc = r.header("location").unwrap().to_owned();
    assert_eq!(env.get(MOSP_ADMIN, &loc).await.status, StatusCode::ACCEPTED);
    let forgotten = env
        .http
        .delete(env.url("/_emulator/operations"))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert!(forgotten["forgotten"].as_u64().unwrap() >= 1, "{forgotten}");
    let gone = env.get(MOSP_ADMIN, &loc).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.code(), "OperationNotFound");

    // One operation by id, through the library; its blob links still serve until their SAS
    // expiry, as Storage does.
    let done = env
        .lro(
            MOSP_ADMIN,
            &generate_path(&scope),
            Some(&json!({"metric": "ActualCost"})),
        )
        .await;
    let id = done.body["name"].as_str().unwrap().to_owned();
    let link = done.body["manifest"]["blobs"][0]["blobLink"]
        .as_str()
        .unwrap()
        .to_owned();
    let poll = format!(
        "{scope}/providers/Microsoft.CostManagement/costDetailsOperationResults/{id}?api-version=2023-11-01"
    );
    assert_eq!(env.get(MOSP_ADMIN, &poll).await.status, StatusCode::OK);
    assert!(env.emu.forget_operation(&id));
    assert!(!env.emu.forget_operation(&id));
    assert_eq!(
        env.get(MOSP_ADMIN, &poll).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get_bytes(&env, &link, None).await.status(), StatusCode::OK);
    let missing = env
        .http
        .delete(env.url(&format!("/_emulator/operations/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // A 404 that passes (the lro_poll404 fault) is not an expiry: the next poll goes on.
    env.emu.set_faults(vec![FaultRule {
        route: Some("costDetailsOperationResults".into()),
        method: None,
        count: Some(1),
        kind: FaultKind::LroPoll404,
    }]);
    let r = env.post(MOSP_ADMIN, &generate_path(&scope), None).await;
    let loc = r.header("location").unwrap().to_owned();
    assert_eq!(
        env.get(MOSP_ADMIN, &loc).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(env.poll(MOSP_ADMIN, &loc).await.status, StatusCode::OK);
}

fn remaining(r: &Resp) -> (u64, u64) {
    let text = r.header(QPU_REMAINING).expect("qpu-remaining");
    let mut hour = None;
    let mut minute = None;
    for part in text.split(',') {
        let (k, v) = part.split_once(':').unwrap();
        match k {
            "QueriesPerHour" => hour = v.parse().ok(),
            "QueriesPerMin" => minute = v.parse().ok(),
            _ => panic!("{text}"),
        }
    }
    (hour.unwrap(), minute.unwrap())
}

#[tokio::test]
async fn throttled_requests_and_polls_carry_the_qpu_headers() {
    let env = common::start(EmulatorConfig {
        retry_after_secs: 0,
        cost_report_pending_polls: 2,
        ..EmulatorConfig::default()
    })
    .await;
    let scope = profile_scope(&env).await;
    let path = generate_path(&scope);

    env.emu.set_faults(vec![FaultRule {
        route: Some("generateCostDetailsReport".into()),
        method: Some("POST".into()),
        count: Some(1),
        kind: FaultKind::Throttle {
            retry_after_secs: 17,
        },
    }]);
    let throttled = env.post(MCA_OWNER, &path, None).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.header("retry-after"), Some("17"));
    assert_eq!(throttled.header(QPU_RETRY_AFTER), Some("17"));
    assert_eq!(throttled.header(QPU_CONSUMED), Some("0"));
    assert_eq!(remaining(&throttled).1, 0, "the minute's quota ran out");
    assert!(throttled.header("location").is_none());

    // Taken: one QPU spent, the poll chain says where and when to ask.
    let taken = env.post(MCA_OWNER, &path, None).await;
    assert_eq!(taken.status, StatusCode::ACCEPTED);
    assert_eq!(taken.header(QPU_CONSUMED), Some("1"));
    let (hour, minute) = remaining(&taken);
    assert!(hour < 600 && minute < 60, "{hour} {minute}");
    let loc = taken.header("location").unwrap().to_owned();
    assert_eq!(taken.header("retry-after"), Some("0"));

    env.emu.set_faults(vec![FaultRule {
        route: Some("costDetailsOperationResults".into()),
        method: None,
        count: Some(1),
        kind: FaultKind::Throttle {
            retry_after_secs: 5,
        },
    }]);
    let poll_throttled = env.get(MCA_OWNER, &loc).await;
    assert_eq!(poll_throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(poll_throttled.header("retry-after"), Some("5"));
    assert_eq!(poll_throttled.header(QPU_RETRY_AFTER), Some("5"));
    assert!(poll_throttled.header(QPU_REMAINING).is_some());
    assert_eq!(poll_throttled.code(), "TooManyRequests");

    // The throttled poll did not count as one: still two 202s, each with Location and
    // Retry-After, then the manifest.
    for _ in 0..2 {
        let pending = env.get(MCA_OWNER, &loc).await;
        assert_eq!(pending.status, StatusCode::ACCEPTED);
        assert_eq!(pending.header("location"), Some(loc.as_str()));
        assert_eq!(pending.header("retry-after"), Some("0"));
        assert_eq!(pending.header(QPU_CONSUMED), Some("0"));
    }
    let done = env.get(MCA_OWNER, &loc).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.body["status"], "Completed");
    assert_eq!(done.header(QPU_CONSUMED), Some("0"));

    // Another request spends another QPU.
    let next = env.post(MCA_OWNER, &path, None).await;
    assert_eq!(remaining(&next), (hour - 1, minute - 1));

    // Not on other providers' answers.
    let accounts = env
        .get(
            MCA_OWNER,
            "/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01",
        )
        .await;
    assert!(accounts.header(QPU_REMAINING).is_none());
}
