//! The loopback redirect listener of RFC 8252: `127.0.0.1` only, a random free port, the
//! `state` compared in constant time, the first valid redirect ends it, then it closes.
//!
//! Only `GET /` with `code` or `error` counts; anything else (`/favicon.ico`, a prefetch) gets
//! a 404 and is ignored. A `state` that is missing or does not match is not this sign-in's
//! redirect: it is answered 400 with the failure page and the listener keeps waiting, so any
//! other program on this computer that finds the port cannot end (or spoil) the sign-in.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use invoice_desk_logging::Sensitive;
use subtle::ConstantTimeEq;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::entra::EntraError;
use crate::error::AuthError;

const MAX_REQUEST_HEAD: usize = 16 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The page the browser shows when it comes back, in the user's language. Every text is
/// HTML-escaped before it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionPage {
    /// The `lang` attribute, e.g. `en` or `de-CH`.
    pub lang: String,
    pub title: String,
    /// Shown after a successful sign-in ("You can close this tab").
    pub success: String,
    /// Shown when the sign-in failed or was refused.
    pub failure: String,
}

impl Default for CompletionPage {
    fn default() -> Self {
        Self {
            lang: "en".into(),
            title: "Invoice Desk".into(),
            success: "You are signed in to Invoice Desk. You can close this tab.".into(),
            failure: "Sign-in did not complete. Return to Invoice Desk and try again.".into(),
        }
    }
}

impl CompletionPage {
    fn render(&self, success: bool) -> String {
        let message = if success {
            &self.success
        } else {
            &self.failure
        };
        format!(
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\"><title>{}</title></head><body style=\"font-family:system-ui,sans-serif;margin:3em\"><h1>{}</h1><p>{}</p></body></html>",
            escape_html(&self.lang),
            escape_html(&self.title),
            escape_html(&self.title),
            escape_html(message)
        )
    }
}

/// Escapes text for HTML element content and attribute values.
#[must_use]
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The authorization code the browser brought back.
#[derive(Debug, Clone)]
pub struct AuthorizationCode(pub Sensitive<String>);

/// A listener on `127.0.0.1:{random port}` waiting for one redirect.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    addr: SocketAddr,
}

impl LoopbackListener {
    /// Binds `127.0.0.1` on a port the OS picks.
    pub async fn bind() -> Result<Self, AuthError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| AuthError::Listener {
                message: format!("cannot listen on 127.0.0.1: {e}"),
            })?;
        let addr = listener.local_addr().map_err(|e| AuthError::Listener {
            message: e.to_string(),
        })?;
        Ok(Self { listener, addr })
    }

    #[must_use]
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits for the first valid redirect and closes. `tenant` names the tenant in errors.
    pub async fn wait(
        self,
        expected_state: &str,
        page: &CompletionPage,
        tenant: &str,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<AuthorizationCode, AuthError> {
        let shared = Arc::new(Shared {
            expected_state: Sensitive(expected_state.to_owned()),
            success_page: page.render(true),
            failure_page: page.render(false),
            tenant: tenant.to_owned(),
            finished: AtomicBool::new(false),
        });
        let (tx, mut rx) = mpsc::channel::<Result<AuthorizationCode, AuthError>>(1);
        let mut connections = JoinSet::new();
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                biased;
                () = cancel.cancelled() => return Err(AuthError::Cancelled),
                Some(outcome) = rx.recv() => return outcome,
                () = &mut deadline => return Err(AuthError::TimedOut),
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, peer)) => {
                        if peer.ip().is_loopback() {
                            connections.spawn(serve(stream, Arc::clone(&shared), tx.clone()));
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "loopback accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                },
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
        // Dropping `self.listener` closes the port; dropping `connections` aborts stragglers.
    }
}

struct Shared {
    expected_state: Sensitive<String>,
    success_page: String,
    failure_page: String,
    tenant: String,
    finished: AtomicBool,
}

/// What one request to the loopback port means.
#[derive(Debug)]
pub enum Verdict {
    /// Not the redirect: 404, keep waiting.
    Ignore,
    /// A redirect without this sign-in's `state`: 400, keep waiting.
    Forged,
    Code(AuthorizationCode),
    Failed(AuthError),
}

async fn serve(
    mut stream: TcpStream,
    shared: Arc<Shared>,
    tx: mpsc::Sender<Result<AuthorizationCode, AuthError>>,
) {
    let Ok(Ok(Some(target))) = tokio::time::timeout(READ_TIMEOUT, read_target(&mut stream)).await
    else {
        let _ = respond(&mut stream, "400 Bad Request", "").await;
        return;
    };
    let verdict = judge(&target, shared.expected_state.expose(), &shared.tenant);
    let outcome = match verdict {
        Verdict::Ignore => {
            let _ = respond(&mut stream, "404 Not Found", "").await;
            return;
        }
        Verdict::Forged => {
            tracing::warn!("a redirect without this sign-in's state was refused");
            let _ = respond(&mut stream, "400 Bad Request", &shared.failure_page).await;
            return;
        }
        Verdict::Code(code) => Ok(code),
        Verdict::Failed(error) => Err(error),
    };
    // Single use: only the first counting request ends the attempt.
    if shared.finished.swap(true, Ordering::SeqCst) {
        let _ = respond(&mut stream, "409 Conflict", &shared.failure_page).await;
        return;
    }
    let (status, body) = if outcome.is_ok() {
        ("200 OK", shared.success_page.as_str())
    } else {
        ("400 Bad Request", shared.failure_page.as_str())
    };
    let _ = respond(&mut stream, status, body).await;
    let _ = tx.send(outcome).await;
}

/// Reads the request head and returns the request target of a `GET`, or `None` for another
/// method.
async fn read_target(stream: &mut TcpStream) -> std::io::Result<Option<String>> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.windows(4).any(|w| w == b"\r\n\r\n") || head.len() > MAX_REQUEST_HEAD {
            break;
        }
    }
    Ok(request_target(&head))
}

/// The request target of a `GET` request head (whatever bytes a local program sent), or
/// `None` for another method or no request line.
#[must_use]
pub fn request_target(head: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(head);
    let mut parts = text.lines().next().unwrap_or_default().split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) => Some(target.to_owned()),
        _ => None,
    }
}

/// What a request for `target` means to the sign-in waiting for `expected_state`.
#[must_use]
pub fn judge(target: &str, expected_state: &str, tenant: &str) -> Verdict {
    let Ok(url) = Url::parse(&format!("http://127.0.0.1{target}")) else {
        return Verdict::Ignore;
    };
    if url.path() != "/" {
        return Verdict::Ignore;
    }
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "code" => code = Some(value.into_owned()),
            "state" => state = Some(value.into_owned()),
            "error" => error = Some(value.into_owned()),
            "error_description" => description = Some(value.into_owned()),
            _ => {}
        }
    }
    if code.is_none() && error.is_none() {
        return Verdict::Ignore;
    }
    let state_ok = state.is_some_and(|s| bool::from(s.as_bytes().ct_eq(expected_state.as_bytes())));
    if !state_ok {
        return Verdict::Forged;
    }
    if let Some(error) = error {
        if error == "abort" {
            return Verdict::Failed(AuthError::Cancelled);
        }
        let entra = EntraError {
            error,
            error_description: description,
            ..EntraError::default()
        };
        return Verdict::Failed(entra.into_auth_error(tenant));
    }
    match code {
        Some(code) if !code.is_empty() => Verdict::Code(AuthorizationCode(Sensitive(code))),
        _ => Verdict::Failed(AuthError::invalid_response(
            "the redirect has an empty code",
        )),
    }
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nContent-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.flush().await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    use tokio_util::sync::CancellationToken;

    use super::{CompletionPage, LoopbackListener, escape_html};

    async fn get(port: u16, target: &str) -> std::io::Result<(u16, String)> {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
        stream
            .write_all(format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
            .await?;
        let mut text = String::new();
        stream.read_to_string(&mut text).await?;
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Ok((status, text))
    }

    fn page() -> CompletionPage {
        CompletionPage {
            lang: "de".into(),
            title: "Invoice <Desk>".into(),
            success: "Fertig & \"schliessen\"".into(),
            failure: "Fehlgeschlagen".into(),
        }
    }

    #[tokio::test]
    async fn binds_loopback_only_on_a_random_port() {
        let listener = LoopbackListener::bind().await.unwrap();
        assert!(listener.local_addr().ip().is_loopback());
        assert_eq!(listener.local_addr().ip().to_string(), "127.0.0.1");
        assert_ne!(listener.port(), 0);
        let other = LoopbackListener::bind().await.unwrap();
        assert_ne!(listener.port(), other.port());
    }

    #[tokio::test]
    async fn first_valid_redirect_wins_and_the_port_closes() {
        let listener = LoopbackListener::bind().await.unwrap();
        let port = listener.port();
        let cancel = CancellationToken::new();
        let waiter = tokio::spawn(async move {
            listener
                .wait(
                    "s3cr3t-state",
                    &page(),
                    "t",
                    Duration::from_secs(10),
                    &cancel,
                )
                .await
        });
        let (status, _) = get(port, "/favicon.ico").await.unwrap();
        assert_eq!(status, 404);
        let (status, _) = get(port, "/").await.unwrap();
        assert_eq!(status, 404);
        let (status, _) = get(port, "/other?code=x&state=s3cr3t-state").await.unwrap();
        assert_eq!(status, 404);
        let (status, body) = get(port, "/?code=the-code&state=s3cr3t-state&session_state=z")
            .await
            .unwrap();
        assert_eq!(status, 200);
        assert!(
            body.contains("Fertig &amp; &quot;schliessen&quot;"),
            "{body}"
        );
        assert!(body.contains("<title>Invoice &lt;Desk&gt;</title>"));
        assert!(body.contains("lang=\"de\""));
        assert!(!body.contains("the-code"));
        let code = waiter.await.unwrap().unwrap();
        assert_eq!(code.0.expose(), "the-code");
        // closed after the first valid redirect
        assert!(get(port, "/?code=again&state=s3cr3t-state").await.is_err());
    }

    #[tokio::test]
    async fn a_wrong_or_missing_state_is_refused_and_the_real_redirect_still_signs_in() {
        let listener = LoopbackListener::bind().await.unwrap();
        let port = listener.port();
        let cancel = CancellationToken::new();
        let waiter = tokio::spawn(async move {
            listener
                .wait("expected", &page(), "t", Duration::from_secs(10), &cancel)
                .await
        });
        for forged in [
            "/?code=c&state=forged",
            "/?code=c",
            "/?error=access_denied&state=wrong",
            "/?code=c&state=",
        ] {
            let (status, body) = get(port, forged).await.unwrap();
            assert_eq!(status, 400, "{forged}");
            assert!(body.contains("Fehlgeschlagen"), "{forged}");
        }
        assert!(!waiter.is_finished(), "still waiting for the real redirect");
        let (status, _) = get(port, "/?code=the-code&state=expected").await.unwrap();
        assert_eq!(status, 200);
        let code = waiter.await.unwrap().unwrap();
        assert_eq!(code.0.expose(), "the-code");
    }

    #[tokio::test]
    async fn authority_errors_with_this_sign_ins_state_end_it() {
        for (query, code) in [
            (
                "/?error=access_denied&error_description=AADSTS65004&state=st",
                "declined",
            ),
            (
                "/?error=interaction_required&state=st",
                "interaction_required",
            ),
            ("/?error=abort&state=st", "cancelled"),
        ] {
            let listener = LoopbackListener::bind().await.unwrap();
            let port = listener.port();
            let cancel = CancellationToken::new();
            let waiter = tokio::spawn(async move {
                listener
                    .wait("st", &page(), "t", Duration::from_secs(10), &cancel)
                    .await
            });
            let (status, _) = get(port, query).await.unwrap();
            assert_eq!(status, 400, "{query}");
            assert_eq!(waiter.await.unwrap().unwrap_err().code(), code, "{query}");
        }
    }

    #[tokio::test]
    async fn times_out_and_cancels() {
        let listener = LoopbackListener::bind().await.unwrap();
        let cancel = CancellationToken::new();
        let err = listener
            .wait("s", &page(), "t", Duration::from_millis(100), &cancel)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "timed_out");

        let listener = LoopbackListener::bind().await.unwrap();
        let port = listener.port();
        let cancel = CancellationToken::new();
        let trigger = cancel.clone();
        let waiter = tokio::spawn(async move {
            listener
                .wait("s", &page(), "t", Duration::from_secs(30), &cancel)
                .await
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        trigger.cancel();
        assert_eq!(waiter.await.unwrap().unwrap_err().code(), "cancelled");
        assert!(get(port, "/?code=c&state=s").await.is_err());
    }

    #[tokio::test]
    async fn a_silent_connection_does_not_block_the_redirect() {
        let listener = LoopbackListener::bind().await.unwrap();
        let port = listener.port();
        let cancel = CancellationToken::new();
        let waiter = tokio::spawn(async move {
            listener
                .wait("s", &page(), "t", Duration::from_secs(10), &cancel)
                .await
        });
        // a browser's speculative preconnect that never sends anything
        let _idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let (status, _) = get(port, "/?code=c&state=s").await.unwrap();
        assert_eq!(status, 200);
        assert!(waiter.await.unwrap().is_ok());
    }

    #[test]
    fn escapes_html() {
        assert_eq!(
            escape_html("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }
}
