//! The writer against a scripted loopback server that answers what a real one rarely does: a
//! blob that changes between a dropped read and its resume (new ETag, 412), a server that
//! ignores `Range`, a resumed part whose length disagrees with its `Content-Range`, a 416
//! once everything had arrived. Raw sockets, so every byte of every answer is chosen.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use invoice_desk_files::{ContentKind, Fetcher, Transfer, TransferPolicy};

/// What the server does with one request: bytes to send, then whether to close abruptly.
type Script = Box<dyn Fn(&str) -> Vec<u8> + Send + Sync>;

struct Server {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

async fn serve(answers: Vec<Script>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/blob/doc.pdf?sv=2021-08-06&sr=b&sp=r&se=2999-01-01T00:00:00Z&sig=abc",
        listener.local_addr().unwrap()
    );
    let requests = Arc::new(Mutex::new(Vec::new()));
    let log = requests.clone();
    tokio::spawn(async move {
        let answers = Arc::new(answers);
        let mut n = 0;
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let answers = answers.clone();
            let log = log.clone();
            // One request per connection: every answer closes it.
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(k) => head.extend_from_slice(&buf[..k]),
                }
            }
            let text = String::from_utf8_lossy(&head).into_owned();
            log.lock().unwrap().push(text.clone());
            let i = n.min(answers.len() - 1);
            n += 1;
            let bytes = answers[i](&text);
            let _ = socket.write_all(&bytes).await;
            let _ = socket.flush().await;
            drop(socket);
        }
    });
    Server { url, requests }
}

fn pdf(version: u8) -> Vec<u8> {
    let mut body = format!("%PDF-1.{version}\n").into_bytes();
    body.extend((0..4000u32).map(|i| b'a' + u8::try_from(i % 26).unwrap()));
    body.extend_from_slice(b"\n%%EOF\n");
    body
}

fn head(status: &str, headers: &[(&str, String)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    for (k, v) in headers {
        let _ = write!(out, "{k}: {v}\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// 200 with a Content-Length, but only `cut` bytes before the connection closes.
fn cut_200(body: Vec<u8>, etag: &'static str, cut: usize) -> Script {
    Box::new(move |_| {
        let mut out = head(
            "200 OK",
            &[
                ("content-length", body.len().to_string()),
                ("etag", etag.into()),
                ("accept-ranges", "bytes".into()),
            ],
        );
        out.extend_from_slice(&body[..cut]);
        out
    })
}

fn full_200(body: Vec<u8>, etag: &'static str) -> Script {
    let len = body.len();
    cut_200(body, etag, len)
}

/// A 206 answer from the `Range` start of `request` to the end of `body`.
fn resume_206(body: Vec<u8>, etag: &'static str) -> Script {
    Box::new(move |req| {
        let from = range_start(req);
        let mut out = head(
            "206 Partial Content",
            &[
                ("content-length", (body.len() - from).to_string()),
                (
                    "content-range",
                    format!("bytes {from}-{}/{}", body.len() - 1, body.len()),
                ),
                ("etag", etag.into()),
            ],
        );
        out.extend_from_slice(&body[from..]);
        out
    })
}

fn range_start(request: &str) -> usize {
    request
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("range: bytes=")
                .map(str::to_owned)
        })
        .and_then(|r| r.trim_end_matches('-').parse().ok())
        .unwrap_or(0)
}

fn fetcher() -> Fetcher {
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    Fetcher::with_client(
        http,
        TransferPolicy {
            retry: invoice_desk_billing::RetryPolicy {
                base_delay: std::time::Duration::from_millis(5),
                max_delay: std::time::Duration::from_millis(20),
                ..invoice_desk_billing::RetryPolicy::default()
            },
            stall_timeout: std::time::Duration::from_secs(5),
            ..TransferPolicy::default()
        },
    )
}

async fn fetch(
    url: &str,
    dir: &std::path::Path,
) -> Result<(Vec<u8>, u32, u32), invoice_desk_files::FilesError> {
    let part = dir.join("doc.pdf.part");
    let mut transfer = Transfer::create(part.clone(), ContentKind::Pdf).await?;
    let seen = Mutex::new(Vec::new());
    let progress = |bytes: u64, total: Option<u64>| seen.lock().unwrap().push((bytes, total));
    transfer
        .run(&fetcher(), url, &progress, &CancellationToken::new())
        .await?;
    let done = transfer.finish().await?;
    let bytes = std::fs::read(&done.part).unwrap();
    assert_eq!(
        (*blake3::hash(&bytes).as_bytes(), bytes.len() as u64),
        (done.content_hash, done.size),
        "hash kept on the way"
    );
    let seen = seen.into_inner().unwrap();
    assert!(
        seen.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress only grows"
    );
    Ok((bytes, done.resumes, done.restarts))
}

#[tokio::test]
async fn a_dropped_read_resumes_with_range_and_if_match_and_no_token() {
    let body = pdf(4);
    let server = serve(vec![
        cut_200(body.clone(), "\"v1\"", 1000),
        resume_206(body.clone(), "\"v1\""),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (bytes, resumes, restarts) = fetch(&server.url, dir.path()).await.unwrap();
    assert_eq!(bytes, body);
    assert_eq!((resumes, restarts), (1, 0));
    let requests = server.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    let second = requests[1].to_ascii_lowercase();
    assert!(second.contains("range: bytes=1000-"), "{second}");
    assert!(second.contains("if-match: \"v1\""), "{second}");
    assert!(
        requests
            .iter()
            .all(|r| !r.to_ascii_lowercase().contains("authorization"))
    );
}

#[tokio::test]
async fn a_large_document_dropped_in_the_middle_of_a_block_resumes_into_the_same_bytes() {
    // Large enough to be written past the page cache, of an odd length, and dropped at an
    // odd offset: the block in flight is flushed, the file cut to the bytes received, and the
    // resumed bytes continue it exactly.
    let mut body = b"%PDF-1.7\n".to_vec();
    let len = usize::try_from(invoice_desk_files::DIRECT_FROM).unwrap() + 3 * 1024 * 1024 + 12_345;
    body.extend((0..len).map(|i| u8::try_from((i * 7 + i / 4096) % 251).unwrap()));
    let server = serve(vec![
        cut_200(body.clone(), "\"v1\"", 5 * 1024 * 1024 + 777),
        resume_206(body.clone(), "\"v1\""),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (bytes, resumes, restarts) = fetch(&server.url, dir.path()).await.unwrap();
    assert_eq!((resumes, restarts), (1, 0));
    assert_eq!(bytes.len(), body.len());
    assert!(bytes == body, "the file holds exactly the document's bytes");
    let requests = server.requests.lock().unwrap().clone();
    assert!(
        requests[1]
            .to_ascii_lowercase()
            .contains("range: bytes=5243657-"),
        "{}",
        requests[1]
    );
}

#[tokio::test]
async fn a_blob_that_changed_before_the_resume_is_fetched_again_from_the_start() {
    let old = pdf(4);
    let new = pdf(7);
    let server = serve(vec![
        cut_200(old, "\"v1\"", 1500),
        Box::new(|_| {
            head(
                "412 Precondition Failed",
                &[
                    ("content-length", "0".into()),
                    ("x-ms-error-code", "ConditionNotMet".into()),
                ],
            )
        }),
        full_200(new.clone(), "\"v2\""),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _, restarts) = fetch(&server.url, dir.path()).await.unwrap();
    assert_eq!(bytes, new, "the new version whole, never old and new mixed");
    assert_eq!(restarts, 1);
    let requests = server.requests.lock().unwrap().clone();
    assert!(!requests[2].to_ascii_lowercase().contains("range:"));
}

#[tokio::test]
async fn a_server_that_ignores_range_gives_the_whole_file_again() {
    let body = pdf(5);
    let server = serve(vec![
        cut_200(body.clone(), "\"v1\"", 700),
        full_200(body.clone(), "\"v1\""),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _, restarts) = fetch(&server.url, dir.path()).await.unwrap();
    assert_eq!(bytes, body);
    assert_eq!(restarts, 1);
}

#[tokio::test]
async fn a_resumed_part_shorter_than_its_content_range_is_a_length_mismatch() {
    let body = pdf(4);
    let resume = body.clone();
    let server = serve(vec![
        cut_200(body.clone(), "\"v1\"", 1000),
        Box::new(move |req| {
            // Chunked and cleanly ended, but 100 bytes short of what Content-Range promises.
            let from = range_start(req);
            let part = &resume[from..resume.len() - 100];
            let mut out = head(
                "206 Partial Content",
                &[
                    ("transfer-encoding", "chunked".into()),
                    (
                        "content-range",
                        format!("bytes {from}-{}/{}", resume.len() - 1, resume.len()),
                    ),
                    ("etag", "\"v1\"".into()),
                ],
            );
            out.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            out.extend_from_slice(part);
            out.extend_from_slice(b"\r\n0\r\n\r\n");
            out
        }),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let error = fetch(&server.url, dir.path()).await.unwrap_err();
    assert_eq!(error.code(), "length_mismatch", "{error}");
    assert!(
        !dir.path().join("doc.pdf.part").exists(),
        "a failed transfer removes its part file"
    );
}

#[tokio::test]
async fn declared_lengths_that_disagree_are_a_length_mismatch() {
    let body = pdf(4);
    let len = body.len();
    let server = serve(vec![
        // All bytes, but the connection drops before the response is known to be complete:
        // claim one byte more so the client sees an early end.
        Box::new(move |_| {
            let mut out = head(
                "200 OK",
                &[
                    ("content-length", (len + 1).to_string()),
                    ("etag", "\"v1\"".into()),
                ],
            );
            out.extend_from_slice(&body);
            out
        }),
        Box::new(move |_| {
            head(
                "416 Range Not Satisfiable",
                &[
                    ("content-range", format!("bytes */{len}")),
                    ("content-length", "0".into()),
                ],
            )
        }),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    // The first answer said len + 1; the 416 says len: the declared lengths disagree.
    let error = fetch(&server.url, dir.path()).await.unwrap_err();
    assert_eq!(error.code(), "length_mismatch");
}

#[tokio::test]
async fn a_416_after_everything_arrived_completes() {
    let body = pdf(4);
    let len = body.len();
    let all = body.clone();
    let server = serve(vec![
        // Chunked without a length: every byte arrives, then the connection drops before the
        // final chunk, so the client cannot know it has everything.
        Box::new(move |_| {
            let mut out = head(
                "200 OK",
                &[
                    ("transfer-encoding", "chunked".into()),
                    ("etag", "\"v1\"".into()),
                ],
            );
            out.extend_from_slice(format!("{:x}\r\n", all.len()).as_bytes());
            out.extend_from_slice(&all);
            out.extend_from_slice(b"\r\n");
            out
        }),
        Box::new(move |_| {
            head(
                "416 Range Not Satisfiable",
                &[
                    ("content-range", format!("bytes */{len}")),
                    ("content-length", "0".into()),
                ],
            )
        }),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (bytes, resumes, _) = fetch(&server.url, dir.path()).await.unwrap();
    assert_eq!(bytes, body);
    assert_eq!(resumes, 1);
}

#[tokio::test]
async fn an_empty_or_foreign_body_is_not_a_pdf() {
    let server = serve(vec![full_200(b"PK\x03\x04zip".to_vec(), "\"z\"")]).await;
    let dir = tempfile::tempdir().unwrap();
    let error = fetch(&server.url, dir.path()).await.unwrap_err();
    assert_eq!(error.code(), "not_a_pdf");
    let server = serve(vec![full_200(Vec::new(), "\"e\"")]).await;
    let error = fetch(&server.url, dir.path()).await.unwrap_err();
    assert_eq!(error.code(), "not_a_pdf");
    assert!(common_files(dir.path()).is_empty());
}

fn common_files(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[tokio::test]
async fn a_document_announced_larger_than_any_invoice_is_refused_before_a_byte_is_written() {
    let announced = ContentKind::Pdf.max_bytes() + 1;
    let server = serve(vec![Box::new(move |_| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: {announced}\r\n\r\n%PDF-1.7 and then for ever"
        )
        .into_bytes()
    })])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let error = fetch(&server.url, dir.path()).await.unwrap_err();
    assert_eq!(error.code(), "too_large", "{error}");
    assert!(error.to_string().contains("512 MiB"), "{error}");
    let left = std::fs::metadata(dir.path().join("doc.pdf.part")).map_or(0, |m| m.len());
    assert_eq!(left, 0, "nothing written");
    assert_eq!(server.requests.lock().unwrap().len(), 1, "not retried");
}
