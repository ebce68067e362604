//! Shared test helpers: start an emulator, call it over a real socket as a given user.
#![allow(dead_code, clippy::missing_panics_doc)]

use std::fmt::Write as _;

use invoice_desk_emulator::{Emulator, EmulatorConfig};
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::Value;

pub const MCA_OWNER: &str = "olivia.owner@contoso.example";
pub const MOSP_ADMIN: &str = "alex@contoso.example";
pub const MOSP_READER: &str = "dev@contoso.example";
pub const NO_ROLE: &str = "nora.norole@contoso.example";
pub const EA_ADMIN: &str = "erin.ea@contoso.example";
pub const BA_OWNER: &str = "bella.owner@contoso.example";

pub struct Env {
    pub emu: Emulator,
    pub http: reqwest::Client,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }

    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

pub async fn start(config: EmulatorConfig) -> Env {
    let emu = Emulator::start(EmulatorConfig {
        retry_after_secs: 0,
        ..config
    })
    .await
    .expect("emulator starts");
    Env {
        emu,
        http: client(),
    }
}

pub async fn demo() -> Env {
    start(EmulatorConfig::default()).await
}

/// Percent-encodes one path segment the way the Python SDK does (`:` → `%3A`).
pub fn enc(segment: &str) -> String {
    let mut out = String::new();
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

impl Env {
    pub fn url(&self, path_and_query: &str) -> String {
        if path_and_query.starts_with("http") {
            return path_and_query.to_owned();
        }
        format!(
            "{}{}",
            self.emu.base_url().as_str().trim_end_matches('/'),
            path_and_query
        )
    }

    pub fn token(&self, upn: &str) -> String {
        self.emu
            .token_for(upn)
            .unwrap_or_else(|| panic!("no user {upn}"))
    }

    pub async fn call(
        &self,
        method: Method,
        upn: Option<&str>,
        path: &str,
        body: Option<&Value>,
    ) -> Resp {
        let mut req = self.http.request(method, self.url(path));
        if let Some(u) = upn {
            req = req.bearer_auth(self.token(u));
        }
        if let Some(b) = body {
            req = req.json(b);
        } else {
            req = req.header("content-length", "0");
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, upn: &str, path: &str) -> Resp {
        self.call(Method::GET, Some(upn), path, None).await
    }

    pub async fn post(&self, upn: &str, path: &str, body: Option<&Value>) -> Resp {
        self.call(Method::POST, Some(upn), path, body).await
    }

    /// Follows `nextLink` to the end and returns every item.
    /// A control-plane route's JSON answer (`/_emulator/...`, no token).
    pub async fn control(&self, path: &str) -> Value {
        self.http
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn get_all(&self, upn: &str, path: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut next = Some(path.to_owned());
        while let Some(p) = next {
            let r = self.get(upn, &p).await;
            assert_eq!(r.status, StatusCode::OK, "{p}: {}", r.text);
            items.extend(r.body["value"].as_array().cloned().unwrap_or_default());
            next = r.body["nextLink"].as_str().map(str::to_owned);
        }
        items
    }

    /// Polls a Location until it stops answering 202; returns the final response.
    pub async fn poll(&self, upn: &str, location: &str) -> Resp {
        for _ in 0..20 {
            let r = self.get(upn, location).await;
            if r.status != StatusCode::ACCEPTED {
                return r;
            }
        }
        panic!("operation at {location} never finished");
    }

    /// The whole body of a blob link (no token: a SAS link carries its own).
    pub async fn blob(&self, url: &str) -> Vec<u8> {
        let resp = self.http.get(url).send().await.unwrap();
        resp.bytes().await.unwrap().to_vec()
    }

    /// POSTs an LRO and returns the final body (200 at once or after polling).
    pub async fn lro(&self, upn: &str, path: &str, body: Option<&Value>) -> Resp {
        let r = self.post(upn, path, body).await;
        if r.status == StatusCode::ACCEPTED {
            let loc = r.header("location").expect("202 has Location").to_owned();
            assert!(r.header("retry-after").is_some(), "202 has Retry-After");
            return self.poll(upn, &loc).await;
        }
        r
    }

    pub async fn account_of(&self, upn: &str, agreement: &str) -> String {
        let all = self
            .get_all(
                upn,
                "/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01",
            )
            .await;
        all.iter()
            .find(|a| a["properties"]["agreementType"] == agreement)
            .and_then(|a| a["name"].as_str())
            .unwrap_or_else(|| panic!("{upn} has no {agreement} account"))
            .to_owned()
    }

    pub async fn first_profile(&self, upn: &str) -> (String, String) {
        let ba = self.account_of(upn, "MicrosoftCustomerAgreement").await;
        let profiles = self.get_all(upn, &format!("/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles?api-version=2024-04-01", enc(&ba))).await;
        (ba, profiles[0]["name"].as_str().unwrap().to_owned())
    }

    pub async fn first_subscription(&self, upn: &str) -> String {
        let subs = self
            .get_all(upn, "/subscriptions?api-version=2022-12-01")
            .await;
        subs[0]["subscriptionId"].as_str().unwrap().to_owned()
    }

    /// Newest invoice of a billing profile.
    pub async fn profile_invoice(&self, upn: &str, ba: &str, bp: &str) -> Value {
        let invs = self.get_all(upn, &format!("/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{bp}/invoices?api-version=2024-04-01", enc(ba))).await;
        invs[0].clone()
    }
}
