//! Shared server state and the single entry point every request goes through.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use std::sync::Arc;
use time::OffsetDateTime;
use url::Url;

use crate::auth::{Claims, TokenKey};
use crate::error::ArmError;
use crate::faults::{self, FaultKind, Faults, RequestKind};
use crate::lro::Operations;
use crate::reply::Reply;
use crate::routes;
use crate::scenario::model::World;

/// Tunables fixed at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub page_size: usize,
    pub retry_after_secs: u32,
    pub download_pending_polls: u32,
    pub cost_report_pending_polls: u32,
    pub cost_report_bytes: u64,
    pub cost_report_blob_bytes: u64,
    pub cost_report_gzip: bool,
    pub sas_lifetime_secs: i64,
    pub control_secret: Option<String>,
}

#[derive(Debug)]
pub struct App {
    /// Asks the serving task for an outage of this long (see `serving`).
    pub outage: tokio::sync::mpsc::UnboundedSender<std::time::Duration>,
    pub scenario: String,
    /// The day the scenario lives on (date-dependent answers measure from it).
    pub calendar: crate::calendar::Calendar,
    pub settings: Settings,
    pub base_url: Url,
    pub world: RwLock<World>,
    pub tokens: TokenKey,
    pub sas_key: [u8; 32],
    pub faults: Faults,
    pub operations: Operations,
    /// Per billing profile (`account/profile`), the operation of its latest update.
    pub profile_updates: Mutex<std::collections::HashMap<String, String>>,
    /// Documents already prepared once: later downloads answer 200 at once, as a cache would.
    pub prepared: Mutex<HashSet<String>>,
    pub reports: crate::blob::Reports,
    pub requests: crate::requests::RequestLog,
    pub authority: crate::authority::Authority,
    /// Cost Management's QPU budget, reported on its answers.
    pub qpu: crate::qpu::Budget,
    /// The app's update feed (`/_updates/…`), empty until a test publishes a release.
    pub releases: crate::releases::Releases,
}

impl App {
    /// Forgets every long-running operation and which documents were prepared, as the service
    /// does once they expire: the next download of any document starts an operation again.
    pub fn forget_operations(&self) -> usize {
        self.prepared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        self.operations.forget_all()
    }

    pub fn world(&self) -> RwLockReadGuard<'_, World> {
        self.world
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn world_mut(&self) -> RwLockWriteGuard<'_, World> {
        self.world
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn now() -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// One request, decoded.
#[derive(Debug)]
pub struct Ctx<'a> {
    pub app: &'a App,
    pub method: Method,
    /// The path as it arrived (maybe percent-encoded), for building links.
    pub raw_path: &'a str,
    /// The decoded path, for matching and messages.
    pub path: String,
    pub segments: Vec<String>,
    pub query_pairs: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub claims: Option<Claims>,
    pub faults: Vec<FaultKind>,
    pub peer: SocketAddr,
}

impl Ctx<'_> {
    pub fn query(&self, key: &str) -> Option<&str> {
        self.query_pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// The caller; routes only run after authentication, so this is always set there.
    pub fn who(&self) -> Result<&Claims, ArmError> {
        self.claims.as_ref().ok_or_else(|| {
            ArmError::new(
                StatusCode::UNAUTHORIZED,
                "AuthenticationFailed",
                "Authentication failed.",
            )
        })
    }

    pub fn has_fault(&self, kind: &FaultKind) -> bool {
        self.faults.contains(kind)
    }

    /// An absolute URL on this server for an already-encoded path and query.
    pub fn url(&self, path_and_query: &str) -> String {
        let base = self.app.base_url.as_str().trim_end_matches('/');
        format!("{base}{path_and_query}")
    }
}

fn decode_segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

/// The fallback handler: decodes the path ourselves so `%3A` and `:` route alike.
pub async fn dispatch(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return ArmError::bad_request(
            "InvalidRequestContent",
            "The request content could not be read.",
        )
        .into_reply()
        .into_response();
    };
    let raw_path = parts.uri.path().to_owned();
    let raw_query = parts.uri.query().map(str::to_owned);
    let segments = decode_segments(&raw_path);
    let path = format!("/{}", segments.join("/"));
    let query_pairs: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let mut ctx = Ctx {
        app: &app,
        method: parts.method,
        raw_path: &raw_path,
        path,
        segments,
        query_pairs,
        headers: parts.headers,
        body,
        claims: None,
        faults: Vec::new(),
        peer,
    };

    if ctx.segments.first().is_some_and(|s| s == "_emulator") {
        return crate::control::handle(&ctx).into_response();
    }
    if ctx.segments.first().is_some_and(|s| s == "_updates") {
        return updates(&ctx).into_response();
    }
    if crate::authority::is_authority_path(&ctx.segments) {
        return crate::authority::handle(&ctx).into_response();
    }
    let is_blob = ctx.segments.first().is_some_and(|s| s == "_blob");
    let route = if is_blob { None } else { routes::find(&ctx) };
    let kind = match &route {
        _ if is_blob => RequestKind::Blob,
        Some(r) if r.poll => RequestKind::Poll,
        _ => RequestKind::Arm,
    };
    let header = |name: axum::http::HeaderName| {
        ctx.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    app.requests.push(crate::requests::RequestRecord {
        method: ctx.method.to_string(),
        path: ctx.path.clone(),
        query: raw_query,
        kind: match kind {
            RequestKind::Arm => "arm",
            RequestKind::Poll => "poll",
            RequestKind::Blob => "blob",
        },
        range: header(axum::http::header::RANGE),
        if_match: header(axum::http::header::IF_MATCH),
        authorization: ctx.headers.contains_key(axum::http::header::AUTHORIZATION),
    });
    ctx.faults = app.faults.take(ctx.method.as_str(), &ctx.path, kind);
    let cost_management = !is_blob && crate::qpu::is_cost_management(&ctx.path);
    let method = ctx.method.clone();
    let stamp = |reply: Reply| {
        if cost_management {
            crate::qpu::stamp(&app.qpu, &method, reply)
        } else {
            reply
        }
    };
    if let Some(reply) = faults::before(&ctx.faults, &ctx.path).await {
        return faults::after(&ctx.faults, stamp(reply)).into_response();
    }

    let reply = if is_blob {
        crate::blob::serve(&ctx)
    } else {
        match route {
            None => ArmError::no_route(ctx.method.as_str(), &ctx.path).into_reply(),
            Some(r) => run(&mut ctx, &r).unwrap_or_else(ArmError::into_reply),
        }
    };
    let reply = stamp(reply);
    faults::after(&ctx.faults, reply).into_response()
}

/// The update feed and its installers: public, as a release download is.
fn updates(ctx: &Ctx<'_>) -> Reply {
    match (&ctx.method, ctx.segments.get(1).map(String::as_str)) {
        (&Method::GET, Some("latest.json")) => ctx.app.releases.feed(&ctx.app.base_url),
        (&Method::GET, Some(name)) => ctx.app.releases.installer(name),
        _ => ArmError::no_route(ctx.method.as_str(), &ctx.path).into_reply(),
    }
}

fn run(ctx: &mut Ctx<'_>, route: &routes::Matched) -> Result<Reply, ArmError> {
    let claims = ctx
        .app
        .tokens
        .verify(&ctx.headers, App::now(), ctx.app.base_url.as_str())?;
    ctx.app.authority.check_claims_challenge(&claims, ctx.app)?;
    ctx.claims = Some(claims);
    check_api_version(ctx, route.versions)?;
    (route.handler)(ctx, &route.params)
}

fn check_api_version(ctx: &Ctx<'_>, supported: &[&str]) -> Result<(), ArmError> {
    match ctx.query("api-version") {
        None | Some("") => Err(ArmError::bad_request(
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )),
        Some(v) if supported.contains(&v) => Ok(()),
        Some(v) => Err(ArmError::bad_request(
            "InvalidApiVersionParameter",
            format!(
                "The api-version '{v}' is invalid. The supported versions are '{}'.",
                supported.join(",")
            ),
        )),
    }
}

/// Route parameters by name (`ba`, `bp`, `sub`, ...), decoded.
pub type Params = HashMap<&'static str, String>;
