//! The authority's pages: plain HTML forms, no scripts, every value escaped.

use std::fmt::Write as _;

use axum::body::Body;
use axum::http::{StatusCode, header};

use crate::reply::Reply;
use crate::scenario::model::User;

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub fn path_segment(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f2f2f2;margin:0}\
main{max-width:30rem;margin:3rem auto;background:#fff;padding:2rem;box-shadow:0 2px 6px #0003}\
h1{font-size:1.4rem;font-weight:600}ul{list-style:none;padding:0}li{margin:.5rem 0}\
li button{width:100%;text-align:left;padding:.7rem;font-size:1rem;border:1px solid #ccc;background:#fff;cursor:pointer}\
li.hint button{border:2px solid #0067b8;background:#eef6fc}small{display:block;color:#555;margin:.2rem .7rem}\
.note{background:#fff4ce;padding:.5rem}.error{color:#a4262c}.banner{color:#555;font-size:.8rem}";

/// A complete page with the emulator banner.
pub fn page(status: StatusCode, title: &str, body: &str) -> Reply {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{} · Invoice Desk emulator</title><style>{STYLE}</style></head>\
<body><main><p class=\"banner\">Emulated Microsoft Entra ID sign-in (Invoice Desk emulator, nothing leaves this computer)</p>{body}</main></body></html>\n",
        escape(title)
    );
    Reply::body(status, Body::from(html))
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .header(
            header::CONTENT_SECURITY_POLICY,
            // No `form-action`: browsers apply it to the redirect back to the loopback client.
            "default-src 'none'; style-src 'unsafe-inline'",
        )
}

/// The account picker of the authorize page and of the device login page.
#[derive(Debug)]
pub struct Picker<'a> {
    pub action: &'a str,
    pub hidden: &'a [(&'a str, &'a str)],
    pub heading: &'a str,
    pub intro: &'a str,
    pub mfa_note: bool,
    pub users: &'a [&'a User],
    pub hint: Option<&'a str>,
    pub cancel: bool,
}

pub fn account_picker(p: &Picker<'_>) -> Reply {
    let mut body = format!("<h1>{}</h1><p>{}</p>", escape(p.heading), escape(p.intro));
    if p.mfa_note {
        body.push_str("<p class=\"note\">This tenant requires multi-factor authentication: signing in here completes it.</p>");
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"{}\">",
        escape(p.action)
    );
    for (name, value) in p.hidden {
        let _ = write!(
            body,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(name),
            escape(value)
        );
    }
    body.push_str("<ul>");
    // The hinted account first, highlighted and focused.
    let is_hint = |u: &User| p.hint.is_some_and(|h| h.eq_ignore_ascii_case(&u.upn));
    let mut users: Vec<&User> = p.users.to_vec();
    users.sort_by_key(|u| !is_hint(u));
    for u in users {
        let hint = is_hint(u);
        let upn = escape(&u.upn);
        let _ = write!(
            body,
            "<li class=\"account{}\"><button type=\"submit\" name=\"upn\" value=\"{upn}\" data-upn=\"{upn}\"{}>Sign in as {} ({upn})</button><small>{}</small></li>",
            if hint { " hint" } else { "" },
            if hint { " autofocus" } else { "" },
            escape(&u.display_name),
            escape(&u.description)
        );
    }
    body.push_str("</ul>");
    if p.users.is_empty() {
        body.push_str(
            "<p class=\"error\">No account of this scenario is a member of this tenant.</p>",
        );
    }
    if p.cancel {
        body.push_str("<p><button type=\"submit\" name=\"cancel\" value=\"1\" class=\"cancel\">Cancel</button></p>");
    }
    body.push_str("</form>");
    page(StatusCode::OK, p.heading, &body)
}
