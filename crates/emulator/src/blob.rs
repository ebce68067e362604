//! A minimal Azure Blob endpoint for the SAS links the emulator hands out.
//!
//! Links are `/_blob/<path>?sv=..&sr=b&sp=r&se=<expiry>&sig=<hmac>`: the signature covers the
//! path and expiry, so links can't be forged or extended; no bearer token is needed.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Body;
use axum::http::{HeaderName, Method, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::app::{App, Ctx};
use crate::csv::{self, ReportSpec};
use crate::faults::{BundleDefect, FaultKind};
use crate::reply::Reply;
use crate::{pdf, zip};

/// Report blob specs by id: a plain CSV is never stored, only how to make it; a compressed one
/// is kept compressed (compressed reports are small, and their length must be known up front).
#[derive(Debug, Default)]
pub struct Reports {
    map: Mutex<HashMap<String, StoredReport>>,
}

#[derive(Debug, Clone)]
struct StoredReport {
    spec: ReportSpec,
    gzip: Option<Bytes>,
}

const SAS_TIME: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

fn sas_time(t: OffsetDateTime) -> String {
    t.format(SAS_TIME).unwrap_or_default()
}

fn sign(app: &App, path: &str, se: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&app.sas_key) else {
        return String::new();
    };
    mac.update(path.as_bytes());
    mac.update(b"\n");
    mac.update(se.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// A signed link to `path` (under `/_blob/`), with its expiry as text.
fn link(ctx: &Ctx<'_>, path: &str) -> (String, String) {
    let lifetime = if ctx.has_fault(&FaultKind::ExpiredSas) {
        -3600
    } else {
        ctx.app.settings.sas_lifetime_secs
    };
    let se = sas_time(App::now() + time::Duration::seconds(lifetime));
    let sig = sign(ctx.app, path, &se);
    (
        ctx.url(&format!("{path}?sv=2021-08-06&sr=b&sp=r&se={se}&sig={sig}")),
        se,
    )
}

pub fn document_link(ctx: &Ctx<'_>, document: &str) -> (String, String) {
    link(ctx, &format!("/_blob/invoices/{document}.pdf"))
}

pub fn bundle_link(ctx: &Ctx<'_>, documents: &[String]) -> (String, String) {
    link(
        ctx,
        &format!("/_blob/invoices/bundle/{}.zip", documents.join("-")),
    )
}

/// A signed link to one blob of a report, its expiry, and its length in bytes. Compressed: the
/// blob is the gzip of the CSV (`….csv.gz`), built once here.
pub fn report_link(ctx: &Ctx<'_>, spec: ReportSpec, compress: bool) -> (String, String, u64) {
    let id = format!("{:032x}", rand::random::<u128>());
    let gzip = compress.then(|| Bytes::from(csv::gzip(&spec)));
    let len = gzip
        .as_ref()
        .map_or_else(|| csv::blob_len(&spec), |g| g.len() as u64);
    let name = if compress {
        format!("{id}.csv.gz")
    } else {
        format!("{id}.csv")
    };
    ctx.app
        .reports
        .map
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(id, StoredReport { spec, gzip });
    let (url, expiry) = link(ctx, &format!("/_blob/armreports/{name}"));
    (url, expiry, len)
}

fn storage_error(status: StatusCode, code: &str, message: &str, detail: Option<String>) -> Reply {
    let now = httpdate::fmt_http_date(std::time::SystemTime::now());
    let request_id = format!("{:032x}", rand::random::<u128>());
    let detail = detail
        .map(|d| format!("<AuthenticationErrorDetail>{d}</AuthenticationErrorDetail>"))
        .unwrap_or_default();
    let xml = format!(
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}\nRequestId:{request_id}\nTime:{now}</Message>{detail}</Error>"
    );
    Reply::body(status, Body::from(xml))
        .header(header::CONTENT_TYPE, "application/xml")
        .header(HeaderName::from_static("x-ms-error-code"), code)
        .header(HeaderName::from_static("x-ms-request-id"), &request_id)
}

fn auth_failed(detail: String) -> Reply {
    storage_error(
        StatusCode::FORBIDDEN,
        "AuthenticationFailed",
        "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
        Some(detail),
    )
}

enum Content {
    Bytes(Bytes, &'static str),
    Report(Box<ReportSpec>),
}

/// A bundle as [`FaultKind::BadBundle`] serves it.
fn spoil(entries: &mut Vec<zip::Entry>, defect: BundleDefect) {
    match defect {
        BundleDefect::Missing => {
            entries.pop();
        }
        BundleDefect::Extra => {
            entries.push(zip::Entry::stored("README.txt", b"Your invoices.".to_vec()));
            entries.push(zip::Entry::stored("extra/", Vec::new()));
            entries.push(zip::Entry::stored(
                "G000000000-Invoice-00000000.pdf",
                b"%PDF-1.7\n% not asked for\n%%EOF\n".to_vec(),
            ));
        }
        BundleDefect::Hostile => {
            let copies: Vec<zip::Entry> = entries
                .iter()
                .skip(1)
                .flat_map(|e| {
                    [
                        zip::Entry::stored(format!("/tmp/{}", e.name), e.data.clone()),
                        zip::Entry::stored(format!("C:\\Windows\\{}", e.name), e.data.clone()),
                    ]
                })
                .collect();
            if let Some(first) = entries.first_mut() {
                first.name = format!("../../{}", first.name);
            }
            entries.extend(copies);
        }
        BundleDefect::NotPdf => {
            if let Some(first) = entries.first_mut() {
                *first = zip::Entry::stored(
                    first.name.clone(),
                    b"<!DOCTYPE html><html><body>Sign in first.</body></html>".to_vec(),
                );
            }
        }
        BundleDefect::Bomb => {
            if let Some(first) = entries.first_mut() {
                // 8 MiB of zeros packs a thousandfold, far past any PDF's ratio. Larger would
                // only slow the answer: it is built before its first byte is sent, and a
                // client that gives up waiting and asks again gets a healthy bundle.
                let mut content = b"%PDF-1.7\n".to_vec();
                content.resize(8 << 20, 0);
                *first = zip::Entry::deflated(first.name.clone(), &content);
            }
        }
    }
}

fn content(app: &App, path: &str, defect: Option<BundleDefect>) -> Option<Content> {
    let rest = path.strip_prefix("/_blob/")?;
    if let Some(name) = rest
        .strip_prefix("invoices/bundle/")
        .and_then(|n| n.strip_suffix(".zip"))
    {
        let world = app.world();
        let mut entries = Vec::new();
        for doc in name.split('-') {
            let (inv, d) = world.document(doc)?;
            entries.push(zip::Entry::stored(
                pdf::file_name(inv, d),
                pdf::document(&world, inv, d),
            ));
        }
        if let Some(defect) = defect {
            spoil(&mut entries, defect);
        }
        return Some(Content::Bytes(
            Bytes::from(zip::build(&entries)),
            "application/zip",
        ));
    }
    if let Some(doc) = rest
        .strip_prefix("invoices/")
        .and_then(|n| n.strip_suffix(".pdf"))
    {
        let world = app.world();
        let (inv, d) = world.document(doc)?;
        return Some(Content::Bytes(
            Bytes::from(pdf::document(&world, inv, d)),
            "application/pdf",
        ));
    }
    if let Some(name) = rest.strip_prefix("armreports/") {
        let (id, compressed) = match name.strip_suffix(".csv.gz") {
            Some(id) => (id, true),
            None => (name.strip_suffix(".csv")?, false),
        };
        let map = app
            .reports
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let stored = map.get(id)?;
        return match (&stored.gzip, compressed) {
            // Storage serves what was uploaded, with the content type it was given: a gzip
            // file is octet-stream, and carries no Content-Encoding (clients must not inflate
            // it on the fly, or ranges would no longer address its bytes).
            (Some(gz), true) => Some(Content::Bytes(gz.clone(), "application/octet-stream")),
            (None, false) => Some(Content::Report(Box::new(stored.spec.clone()))),
            _ => None,
        };
    }
    None
}

/// Parses a single `bytes=` range against a length; Err means unsatisfiable.
fn range(value: Option<&str>, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = value.and_then(|v| v.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        // Blob storage ignores multi-range requests and answers the whole blob.
        return Ok(None);
    }
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: u64 = n.parse().map_err(|_| ())?;
            if n == 0 {
                return Err(());
            }
            (len.saturating_sub(n), len.saturating_sub(1))
        }
        (s, "") => (s.parse().map_err(|_| ())?, len.saturating_sub(1)),
        (s, e) => (
            s.parse().map_err(|_| ())?,
            e.parse::<u64>().map_err(|_| ())?.min(len.saturating_sub(1)),
        ),
    };
    if start >= len || start > end {
        return Err(());
    }
    Ok(Some((start, end)))
}

pub fn serve(ctx: &Ctx<'_>) -> Reply {
    if ctx.method != Method::GET && ctx.method != Method::HEAD {
        return storage_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "UnsupportedHttpVerb",
            "The resource doesn't support specified Http Verb.",
            None,
        );
    }
    let (Some(se), Some(sig)) = (ctx.query("se"), ctx.query("sig")) else {
        return storage_error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            "The specified resource does not exist.",
            None,
        );
    };
    if sign(ctx.app, &ctx.path, se) != sig {
        return auth_failed(format!(
            "Signature did not match. String to sign used was r\n\n{se}\n{}",
            ctx.path
        ));
    }
    let expiry =
        time::PrimitiveDateTime::parse(se, SAS_TIME).map(time::PrimitiveDateTime::assume_utc);
    let now = App::now();
    if ctx.has_fault(&FaultKind::ExpiredSas) || expiry.is_ok_and(|e| e <= now) {
        let fmt = |t: OffsetDateTime| httpdate::fmt_http_date(std::time::SystemTime::from(t));
        let exp = expiry.map_or_else(|_| se.to_owned(), fmt);
        return auth_failed(format!(
            "Signed expiry time [{exp}] must be after signed start time [{}]",
            fmt(now)
        ));
    }
    let defect = ctx.faults.iter().find_map(|f| match f {
        FaultKind::BadBundle { defect } => Some(*defect),
        _ => None,
    });
    let Some(content) = content(ctx.app, &ctx.path, defect) else {
        return storage_error(
            StatusCode::NOT_FOUND,
            "BlobNotFound",
            "The specified blob does not exist.",
            None,
        );
    };
    let content = if ctx.has_fault(&FaultKind::NotPdf) {
        Content::Bytes(
            Bytes::from_static(
                b"<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body>This network needs you to sign in first.</body></html>",
            ),
            "text/html",
        )
    } else {
        content
    };
    let (len, content_type) = match &content {
        Content::Bytes(b, ct) => (b.len() as u64, *ct),
        Content::Report(spec) => (csv::blob_len(spec), "text/csv"),
    };
    let etag = format!(
        "\"0x8D{:014X}\"",
        crate::scenario::rng::hash_str(&ctx.path) >> 8
    );
    // Storage answers a write-free read whose If-Match names another version with 412.
    if let Some(wanted) = ctx
        .headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        && wanted.trim() != "*"
        && !wanted.split(',').any(|w| w.trim() == etag)
    {
        return storage_error(
            StatusCode::PRECONDITION_FAILED,
            "ConditionNotMet",
            "The condition specified using HTTP conditional header(s) is not met.",
            None,
        );
    }
    let (status, start, end) = match range(
        ctx.headers.get(header::RANGE).and_then(|v| v.to_str().ok()),
        len,
    ) {
        Ok(None) => (StatusCode::OK, 0, len),
        Ok(Some((s, e))) => (StatusCode::PARTIAL_CONTENT, s, e + 1),
        Err(()) => {
            return storage_error(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "InvalidRange",
                "The range specified is invalid for the current size of the resource.",
                None,
            )
            .header(header::CONTENT_RANGE, &format!("bytes */{len}"));
        }
    };
    let body = if ctx.method == Method::HEAD {
        Body::empty()
    } else {
        match content {
            Content::Bytes(b, _) => Body::from(
                b.slice(usize::try_from(start).unwrap_or(0)..usize::try_from(end).unwrap_or(0)),
            ),
            Content::Report(spec) => Body::from_stream(csv::stream(*spec, start..end)),
        }
    };
    let mut reply = Reply::body(status, body)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_LENGTH, &(end - start).to_string())
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::ETAG, &etag)
        .header(header::LAST_MODIFIED, "Mon, 02 Mar 2026 08:00:00 GMT")
        .header(HeaderName::from_static("x-ms-blob-type"), "BlockBlob")
        .header(HeaderName::from_static("x-ms-version"), "2021-08-06");
    if status == StatusCode::PARTIAL_CONTENT {
        reply = reply.header(
            header::CONTENT_RANGE,
            &format!("bytes {start}-{}/{len}", end - 1),
        );
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::range;

    #[test]
    fn ranges() {
        assert_eq!(range(Some("bytes=0-9"), 100), Ok(Some((0, 9))));
        assert_eq!(range(Some("bytes=90-"), 100), Ok(Some((90, 99))));
        assert_eq!(range(Some("bytes=-10"), 100), Ok(Some((90, 99))));
        assert_eq!(range(Some("bytes=95-200"), 100), Ok(Some((95, 99))));
        assert_eq!(range(Some("bytes=100-"), 100), Err(()));
        assert_eq!(range(None, 100), Ok(None));
    }
}
