//! Reports as the emulator writes them, in both column sets, summarised: an MCA invoice's
//! billed usage adds up exactly to the invoice's pre-tax amount, across every blob joined into
//! one file; a pay-as-you-go subscription's month reads in the EA / pay-as-you-go columns.

use std::time::Duration;

use invoice_desk_emulator::{Emulator, EmulatorConfig};
use invoice_desk_usage::{Money, UsageSummary, summarise, summarise_file};
use serde_json::{Value, json};

const MCA_OWNER: &str = "olivia.owner@contoso.example";
const MOSP_ADMIN: &str = "alex@contoso.example";

struct Env {
    emulator: Emulator,
    http: reqwest::Client,
}

impl Env {
    async fn start() -> Self {
        let emulator = Emulator::start(EmulatorConfig {
            // Several blobs per report, so the parts are joined before they are summarised.
            cost_report_bytes: 600 * 1024,
            cost_report_blob_bytes: 128 * 1024,
            cost_report_pending_polls: 0,
            retry_after_secs: 0,
            ..EmulatorConfig::default()
        })
        .await
        .unwrap();
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        Self { emulator, http }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!(
                "{}{}",
                self.emulator.base_url().as_str().trim_end_matches('/'),
                path
            )
        }
    }

    async fn call(&self, upn: &str, post: Option<&Value>, path: &str) -> reqwest::Response {
        let token = self.emulator.token_for(upn).unwrap();
        let request = match post {
            Some(body) => self.http.post(self.url(path)).json(body),
            None => self.http.get(self.url(path)),
        };
        request.bearer_auth(token).send().await.unwrap()
    }

    async fn get(&self, upn: &str, path: &str) -> Value {
        let response = self.call(upn, None, path).await;
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    /// Requests a report of `scope` and waits for its manifest.
    async fn report(&self, upn: &str, scope: &str, body: &Value) -> Value {
        let path = format!(
            "{scope}/providers/Microsoft.CostManagement/generateCostDetailsReport?api-version=2023-11-01"
        );
        let mut response = self.call(upn, Some(body), &path).await;
        for _ in 0..50 {
            if response.status() == reqwest::StatusCode::OK {
                let done: Value = response.json().await.unwrap();
                return done["manifest"].clone();
            }
            assert_eq!(response.status(), reqwest::StatusCode::ACCEPTED);
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            tokio::time::sleep(Duration::from_millis(5)).await;
            response = self.call(upn, None, &location).await;
        }
        panic!("the report never finished");
    }

    /// Every blob of a manifest, joined into one CSV the way the app saves a report.
    async fn joined(&self, manifest: &Value) -> Vec<u8> {
        assert_eq!(manifest["compressData"], false);
        let mut parts = Vec::new();
        for blob in manifest["blobs"].as_array().unwrap() {
            let link = blob["blobLink"].as_str().unwrap();
            let bytes = self.http.get(link).send().await.unwrap().bytes().await;
            parts.push(bytes.unwrap().to_vec());
        }
        assert!(parts.len() > 1, "several blobs");
        let mut out = Vec::new();
        invoice_desk_files::csv_join::join_csv_parts(
            parts.iter().map(|p| std::io::Cursor::new(&p[..])),
            &mut out,
        )
        .unwrap();
        out
    }
}

fn amount(value: &Value) -> Money {
    // Invoice amounts are JSON numbers with at most two decimals.
    Money::parse(value["value"].to_string().as_bytes()).unwrap()
}

fn check_the_same_from_a_file(bytes: &[u8], summary: &UsageSummary) {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    assert_eq!(&summarise_file(file.path()).unwrap(), summary);
}

#[tokio::test]
async fn an_mca_invoice_report_adds_up_to_the_invoice_pre_tax_amount() {
    let env = Env::start().await;
    let accounts = env
        .get(
            MCA_OWNER,
            "/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01",
        )
        .await;
    let account = accounts["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["properties"]["agreementType"] == "MicrosoftCustomerAgreement")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let profiles = env
        .get(
            MCA_OWNER,
            &format!("{account}/billingProfiles?api-version=2024-04-01"),
        )
        .await;
    let profile = profiles["value"][0]["id"].as_str().unwrap().to_owned();
    let invoices = env
        .get(
            MCA_OWNER,
            &format!("{profile}/invoices?api-version=2024-04-01"),
        )
        .await;
    let invoices = invoices["value"].as_array().unwrap();
    assert!(invoices.len() >= 2);
    for invoice in invoices.iter().take(2) {
        let name = invoice["name"].as_str().unwrap();
        let manifest = env
            .report(MCA_OWNER, &profile, &json!({ "invoiceId": name }))
            .await;
        let bytes = env.joined(&manifest).await;
        let summary = summarise(&bytes[..]).unwrap();
        let properties = &invoice["properties"];
        assert_eq!(summary.total, amount(&properties["subTotal"]), "{name}");
        assert_eq!(
            summary.currency.as_deref(),
            properties["subTotal"]["currency"].as_str()
        );
        assert_eq!(summary.invoice_ids, [name]);
        let lines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
        assert_eq!(
            summary.rows,
            lines - 1,
            "every line but the header is a row"
        );
        let sum =
            |shares: &[invoice_desk_usage::Share]| -> Money { shares.iter().map(|s| s.cost).sum() };
        assert_eq!(sum(&summary.by_service), summary.total);
        assert_eq!(sum(&summary.by_resource_group), summary.total);
        assert_eq!(sum(&summary.by_charge_type), summary.total);
        assert_eq!(
            summary.by_day.iter().map(|d| d.cost).sum::<Money>(),
            summary.total
        );
        let period = |key: &str| properties[key].as_str().unwrap()[..10].to_owned();
        assert!(summary.first_day.unwrap().to_string() >= period("invoicePeriodStartDate"));
        assert!(summary.last_day.unwrap().to_string() <= period("invoicePeriodEndDate"));
        assert!(!summary.top_resources.is_empty());
        check_the_same_from_a_file(&bytes, &summary);
    }
}

#[tokio::test]
async fn a_pay_as_you_go_report_reads_in_the_legacy_columns() {
    let env = Env::start().await;
    let subscriptions = env
        .get(MOSP_ADMIN, "/subscriptions?api-version=2022-12-01")
        .await;
    let subscription = subscriptions["value"][0]["id"].as_str().unwrap().to_owned();
    let manifest = env.report(MOSP_ADMIN, &subscription, &json!({})).await;
    let bytes = env.joined(&manifest).await;
    assert!(
        bytes.starts_with(b"InvoiceSectionName,") || !bytes.starts_with(b"invoiceId,"),
        "the legacy column set"
    );
    let summary = summarise(&bytes[..]).unwrap();
    assert!(summary.rows > 100);
    assert!(summary.total > Money::ZERO);
    assert_eq!(summary.currencies.len(), 1);
    assert!(summary.invoice_ids.is_empty());
    assert!(summary.by_service.iter().all(|s| !s.name.is_empty()));
    assert!(summary.by_resource_group.iter().all(|g| !g.name.is_empty()));
    check_the_same_from_a_file(&bytes, &summary);
}
