//! A loopback Azure Resource Manager for billing: accounts, profiles, invoices, documents,
//! cost details reports and the blobs behind them, with roles, paging, LROs and faults.
//!
//! Start one with [`Emulator::start`]; get a token for a scenario user with
//! [`Emulator::token_for`] and call `base_url()` exactly as you would call
//! `https://management.azure.com/`.

mod access;
mod app;
mod auth;
mod blob;
mod control;
mod csv;
mod error;
mod faults;
mod lro;
mod paging;
mod pdf;
mod reply;
mod routes;
mod scenario;
mod tls;
mod zip;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::Router;
use url::Url;

pub use control::UserInfo;
pub use error::EmulatorError;
pub use faults::{FaultKind, FaultRule};

/// How to run an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// One of [`scenario_names`]; default `demo`.
    pub scenario: String,
    /// Items per page on every list (default 50).
    pub page_size: usize,
    /// Serve HTTPS with a fresh self-signed certificate.
    pub tls: bool,
    /// Loopback address to bind; port 0 picks a free one.
    pub addr: SocketAddr,
    /// `Retry-After` seconds on 202 answers (default 1).
    pub retry_after_secs: u32,
    /// Polls that answer 202 before a document download completes (default 0: the first poll completes).
    pub download_pending_polls: u32,
    /// Polls that answer 202 before a cost details report completes (default 1).
    pub cost_report_pending_polls: u32,
    /// Size of each cost details report in bytes (default 256 KiB); may be gigabytes.
    pub cost_report_bytes: u64,
    /// Largest single report blob; bigger reports are split over several blobs (default 1 GiB).
    pub cost_report_blob_bytes: u64,
    /// Lifetime of SAS links handed out (default 1 hour).
    pub sas_lifetime_secs: i64,
    /// Fault rules active from the start (added to the scenario's own).
    pub faults: Vec<FaultRule>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            scenario: "demo".into(),
            page_size: 50,
            tls: false,
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            retry_after_secs: 1,
            download_pending_polls: 0,
            cost_report_pending_polls: 1,
            cost_report_bytes: 256 * 1024,
            cost_report_blob_bytes: 1 << 30,
            sas_lifetime_secs: 3600,
            faults: Vec::new(),
        }
    }
}

/// Every scenario name [`EmulatorConfig::scenario`] accepts.
#[must_use]
pub fn scenario_names() -> Vec<&'static str> {
    scenario::NAMES.to_vec()
}

/// A running emulator; stops on [`Emulator::shutdown`] (or when dropped).
#[derive(Debug)]
pub struct Emulator {
    app: Arc<app::App>,
    handle: axum_server::Handle,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    certificate_pem: Option<String>,
}

impl Emulator {
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        if !config.addr.ip().is_loopback() {
            return Err(EmulatorError::NotLoopback(config.addr));
        }
        let (world, mut rules) = scenario::build(&config.scenario, app::App::now())
            .ok_or_else(|| EmulatorError::UnknownScenario(config.scenario.clone()))?;
        rules.extend(config.faults.iter().cloned());

        let listener =
            std::net::TcpListener::bind(config.addr).map_err(|source| EmulatorError::Bind {
                addr: config.addr,
                source,
            })?;
        listener.set_nonblocking(true)?;
        let local = listener.local_addr()?;
        let host = match local.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        let scheme = if config.tls { "https" } else { "http" };
        let base_url = Url::parse(&format!("{scheme}://{host}:{}/", local.port()))
            .map_err(|e| EmulatorError::Io(std::io::Error::other(e)))?;

        let app = Arc::new(app::App {
            scenario: config.scenario.clone(),
            settings: app::Settings {
                page_size: config.page_size.max(1),
                retry_after_secs: config.retry_after_secs,
                download_pending_polls: config.download_pending_polls,
                cost_report_pending_polls: config.cost_report_pending_polls,
                cost_report_bytes: config.cost_report_bytes,
                cost_report_blob_bytes: config.cost_report_blob_bytes.max(4096),
                sas_lifetime_secs: config.sas_lifetime_secs,
            },
            base_url,
            world: RwLock::new(world),
            tokens: auth::TokenKey::random(),
            sas_key: rand::random(),
            faults: faults::Faults::default(),
            operations: lro::Operations::default(),
            prepared: Mutex::default(),
            reports: blob::Reports::default(),
        });
        app.faults.set(rules);

        let router = Router::new()
            .fallback(app::dispatch)
            .with_state(app.clone());
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let handle = axum_server::Handle::new();
        let (task, certificate_pem) = if config.tls {
            let tls = tls::self_signed()?;
            let server = axum_server::from_tcp_rustls(listener, tls.config).handle(handle.clone());
            (
                tokio::spawn(server.serve(service)),
                Some(tls.certificate_pem),
            )
        } else {
            let server = axum_server::from_tcp(listener).handle(handle.clone());
            (tokio::spawn(server.serve(service)), None)
        };
        handle.listening().await;
        Ok(Emulator {
            app,
            handle,
            task: Some(task),
            certificate_pem,
        })
    }

    /// `http(s)://127.0.0.1:PORT/`: use it where `https://management.azure.com/` would go.
    #[must_use]
    pub fn base_url(&self) -> Url {
        self.app.base_url.clone()
    }

    /// A bearer token for a scenario user (home tenant, one hour), as `GET /_emulator/token` gives.
    #[must_use]
    pub fn token_for(&self, upn: &str) -> Option<String> {
        control::token(&self.app, upn, None, 3600)
    }

    /// A token in a given tenant and with a given lifetime (negative: already expired).
    #[must_use]
    pub fn token_with(
        &self,
        upn: &str,
        tenant: Option<&str>,
        lifetime_secs: i64,
    ) -> Option<String> {
        control::token(&self.app, upn, tenant, lifetime_secs)
    }

    #[must_use]
    pub fn users(&self) -> Vec<UserInfo> {
        control::users(&self.app)
    }

    #[must_use]
    pub fn scenario(&self) -> &str {
        &self.app.scenario
    }

    /// Replaces the active fault rules (as `POST /_emulator/faults`).
    pub fn set_faults(&self, rules: Vec<FaultRule>) {
        self.app.faults.set(rules);
    }

    /// Removes every fault rule (as `DELETE /_emulator/faults`).
    pub fn clear_faults(&self) {
        self.app.faults.clear();
    }

    /// The PEM of the self-signed certificate when serving TLS, to trust in clients.
    #[must_use]
    pub fn ca_certificate_pem(&self) -> Option<&str> {
        self.certificate_pem.as_deref()
    }

    pub async fn shutdown(mut self) {
        self.handle
            .graceful_shutdown(Some(Duration::from_millis(500)));
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(2), task).await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.handle.shutdown();
    }
}
