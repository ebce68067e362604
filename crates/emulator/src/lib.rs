//! A loopback Azure Resource Manager for billing: accounts, profiles, invoices, documents,
//! cost details reports and the blobs behind them, with roles, paging, LROs and faults.
//!
//! Start one with [`Emulator::start`]; get a token for a scenario user with
//! [`Emulator::token_for`] and call `base_url()` exactly as you would call
//! `https://management.azure.com/`.
//!
//! The same host is also an Entra-ID-like authority (`/{tenant}/oauth2/v2.0/authorize`,
//! `…/token`, `…/devicecode`): use `base_url()` where `https://login.microsoftonline.com/`
//! would go. See the crate README, section "Authority".

mod access;
mod app;
mod auth;
mod authority;
mod blob;
pub mod calendar;
mod control;
mod csv;
mod error;
mod faults;
mod lro;
mod paging;
mod pdf;
mod qpu;
mod releases;
mod reply;
mod requests;
mod routes;
mod scenario;
mod serving;
mod tls;
mod zip;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::Router;
use url::Url;

pub use control::UserInfo;
pub use error::EmulatorError;
pub use faults::{BundleDefect, FaultKind, FaultRule};
pub use requests::RequestRecord;

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
    /// Serve cost details reports compressed (default false): the manifest says
    /// `"compressData": true`, each blob link ends `.csv.gz` and serves the gzip of that blob's
    /// CSV (`application/octet-stream`, no `Content-Encoding`), `byteCount` is the compressed
    /// length and `Range`/`ETag` address the compressed bytes. Each compressed blob is built in
    /// memory once: for small reports (tests), not gigabytes.
    pub cost_report_gzip: bool,
    /// Lifetime of SAS links handed out (default 1 hour).
    pub sas_lifetime_secs: i64,
    /// Fault rules active from the start (added to the scenario's own).
    pub faults: Vec<FaultRule>,
    /// Authority: approve every authorize request at once as this user (no sign-in page).
    pub auto_approve: Option<String>,
    /// Authority: device code polling interval in seconds (default 5).
    pub device_code_interval_secs: u64,
    /// Authority: device code lifetime in seconds (default 900).
    pub device_code_lifetime_secs: u64,
    /// Authority: lifetime of issued access tokens in seconds (default 3600).
    pub access_token_lifetime_secs: i64,
    /// The day the scenario lives on; `None`: the date `INVOICE_DESK_TODAY` pins, else the
    /// system's date (see [`calendar`]).
    pub today: Option<time::Date>,
    /// When set, the control plane (`/_emulator/*`) answers only requests that carry it in
    /// [`CONTROL_SECRET_HEADER`]: another program on the computer cannot steer an emulator
    /// it did not start (the app's demo sets one per run).
    pub control_secret: Option<String>,
}

/// The header that carries [`EmulatorConfig::control_secret`].
pub const CONTROL_SECRET_HEADER: &str = "x-emulator-secret";

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
            cost_report_gzip: false,
            sas_lifetime_secs: 3600,
            faults: Vec::new(),
            auto_approve: None,
            device_code_interval_secs: 5,
            device_code_lifetime_secs: 900,
            access_token_lifetime_secs: 3600,
            today: None,
            control_secret: None,
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
    handle: Arc<std::sync::Mutex<axum_server::Handle>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    certificate_pem: Option<String>,
}

impl Emulator {
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        if !config.addr.ip().is_loopback() {
            return Err(EmulatorError::NotLoopback(config.addr));
        }
        let pinned = match config.today {
            Some(day) => Some(day),
            None => calendar::pinned_by_env().map_err(EmulatorError::BadToday)?,
        };
        let calendar = calendar::Calendar::new(pinned);
        let (world, mut rules) = scenario::build(&config.scenario, calendar.now())
            .ok_or_else(|| EmulatorError::UnknownScenario(config.scenario.clone()))?;
        rules.extend(config.faults.iter().cloned());
        if let Some(upn) = &config.auto_approve
            && world.user_by_upn(upn).is_none()
        {
            return Err(EmulatorError::UnknownUser(upn.clone()));
        }

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

        let authority = authority::Authority::new(&authority::Settings {
            auto_approve: config.auto_approve.clone(),
            mfa_tenants: world
                .tenants
                .iter()
                .filter(|t| t.requires_mfa)
                .map(|t| t.id.clone())
                .collect(),
            device_code_interval_secs: config.device_code_interval_secs,
            device_code_lifetime_secs: config.device_code_lifetime_secs,
            access_token_lifetime_secs: config.access_token_lifetime_secs,
        });
        let (outage, outages) = tokio::sync::mpsc::unbounded_channel();
        let app = Arc::new(app::App {
            outage,
            scenario: config.scenario.clone(),
            calendar,
            settings: app::Settings {
                page_size: config.page_size.max(1),
                retry_after_secs: config.retry_after_secs,
                download_pending_polls: config.download_pending_polls,
                cost_report_pending_polls: config.cost_report_pending_polls,
                cost_report_bytes: config.cost_report_bytes,
                cost_report_blob_bytes: config.cost_report_blob_bytes.max(4096),
                cost_report_gzip: config.cost_report_gzip,
                sas_lifetime_secs: config.sas_lifetime_secs,
                control_secret: config.control_secret.clone(),
            },
            base_url,
            world: RwLock::new(world),
            tokens: auth::TokenKey::random(),
            sas_key: rand::random(),
            faults: faults::Faults::default(),
            operations: lro::Operations::default(),
            profile_updates: std::sync::Mutex::default(),
            prepared: Mutex::default(),
            reports: blob::Reports::default(),
            requests: requests::RequestLog::default(),
            authority,
            qpu: qpu::Budget::default(),
            releases: releases::Releases::new().map_err(EmulatorError::SigningKey)?,
        });
        app.faults.set(rules);

        let router = Router::new()
            .fallback(app::dispatch)
            .with_state(app.clone());
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let (tls, certificate_pem) = if config.tls {
            let tls = tls::self_signed()?;
            (Some(tls.config), Some(tls.certificate_pem))
        } else {
            (None, None)
        };
        let serving = serving::spawn(listener, tls, service, outages);
        let first = serving
            .handle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        first.listening().await;
        let (handle, task) = (serving.handle, serving.task);
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

    /// What the control plane asks for in [`CONTROL_SECRET_HEADER`], when it asks.
    #[must_use]
    pub fn control_secret(&self) -> Option<&str> {
        self.app.settings.control_secret.as_deref()
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

    /// The day the scenario lives on, when one is pinned (by the config or
    /// `INVOICE_DESK_TODAY`); `None`: the system's date.
    #[must_use]
    pub fn pinned_today(&self) -> Option<time::Date> {
        self.app.calendar.pinned()
    }

    /// The day the scenario lives on.
    #[must_use]
    pub fn today(&self) -> time::Date {
        self.app.calendar.today()
    }

    #[must_use]
    pub fn scenario(&self) -> &str {
        &self.app.scenario
    }

    fn current_handle(&self) -> axum_server::Handle {
        self.handle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Closes the port and every open connection for `duration`, as a killed server, then
    /// listens on the same port again with every state kept (as `POST /_emulator/outage`).
    pub fn outage(&self, duration: Duration) {
        let _ = self.app.outage.send(duration);
    }

    /// Replaces the active fault rules (as `POST /_emulator/faults`).
    pub fn set_faults(&self, rules: Vec<FaultRule>) {
        self.app.faults.set(rules);
    }

    /// Removes every fault rule (as `DELETE /_emulator/faults`).
    pub fn clear_faults(&self) {
        self.app.faults.clear();
    }

    /// The requests received so far, oldest first, control plane excluded (as
    /// `GET /_emulator/requests`).
    #[must_use]
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.app.requests.list()
    }

    /// Forgets every long-running operation (report generations, document downloads), as the
    /// service does once they expire: polling a `Location` handed out before answers 404
    /// `OperationNotFound`, as `DELETE /_emulator/operations` does. Returns how many there were.
    /// Blob links already handed out keep working until their SAS expiry.
    pub fn forget_operations(&self) -> usize {
        self.app.forget_operations()
    }

    /// Forgets one operation by id (the last path segment of its `Location`), as
    /// `DELETE /_emulator/operations/{id}`; false when it was not known.
    pub fn forget_operation(&self, id: &str) -> bool {
        self.app.operations.forget(id)
    }

    /// Forgets the requests received so far (as `DELETE /_emulator/requests`).
    pub fn clear_requests(&self) {
        self.app.requests.clear();
    }

    /// Authority: approve every authorize request at once as this user (None: show the page).
    /// False when the scenario has no such user (the setting is left unchanged then).
    pub fn set_auto_approve(&self, upn: Option<&str>) -> bool {
        if upn.is_some_and(|u| self.app.world().user_by_upn(u).is_none()) {
            return false;
        }
        self.app.authority.set_auto_approve(upn);
        true
    }

    /// Authority: approves a pending device code as `upn` (as `POST /_emulator/devicecode/approve`).
    pub fn approve_device_code(&self, user_code: &str, upn: &str) -> Result<(), String> {
        self.app
            .authority
            .decide_device_code(&self.app, user_code, Some(upn))
    }

    /// Authority: the user declines a pending device code.
    pub fn decline_device_code(&self, user_code: &str) -> Result<(), String> {
        self.app
            .authority
            .decide_device_code(&self.app, user_code, None)
    }

    /// Authority: revokes every refresh token of the user (next use: `invalid_grant`, AADSTS50173);
    /// returns how many were active.
    pub fn revoke_refresh_tokens(&self, upn: &str) -> usize {
        self.app.authority.revoke_refresh_tokens(upn)
    }

    /// Authority: expires every refresh token of the user (next use: `invalid_grant`, AADSTS700082).
    pub fn expire_refresh_tokens(&self, upn: &str) -> usize {
        self.app.authority.expire_refresh_tokens(upn)
    }

    /// Authority: the tenants (ids) where tokens need an interactive sign-in at that tenant.
    pub fn set_mfa_tenants(&self, tenants: &[&str]) {
        let owned: Vec<String> = tenants.iter().map(|t| (*t).to_owned()).collect();
        self.app.authority.set_mfa_tenants(&owned);
    }

    #[must_use]
    pub fn mfa_tenants(&self) -> Vec<String> {
        self.app.authority.mfa_tenants()
    }

    /// Authority: the next token request (of `grant`: `authorization_code`, `refresh_token`,
    /// `device_code`; None: any) fails with this OAuth error and AADSTS codes.
    pub fn fail_next_token(&self, grant: Option<&str>, error: &str, error_codes: &[u32]) {
        self.app.authority.set_fail_next(Some(authority::FailNext {
            grant: grant.map(str::to_owned),
            error: error.to_owned(),
            error_codes: error_codes.to_vec(),
            error_description: None,
        }));
    }

    /// ARM: the user's next call gets 401 with a claims challenge; afterwards only a token issued
    /// for a request that carried `claims` passes (once), as `POST /_emulator/claims-challenge`.
    pub fn claims_challenge(&self, upn: &str) {
        self.app.authority.arm_claims_challenge(upn);
    }

    /// The PEM of the self-signed certificate when serving TLS, to trust in clients.
    #[must_use]
    pub fn ca_certificate_pem(&self) -> Option<&str> {
        self.certificate_pem.as_deref()
    }

    pub async fn shutdown(mut self) {
        self.current_handle()
            .graceful_shutdown(Some(Duration::from_millis(500)));
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(2), task).await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.current_handle().shutdown();
        // A task sleeping through an outage has no server to shut down.
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}
