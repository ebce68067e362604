//! The writer against Azurite, Microsoft's storage emulator, for real Blob semantics: a
//! service SAS computed here with the well-known development key, ranged reads with `If-Match`
//! after a dropped connection (a loopback proxy cuts the first response), a blob replaced
//! between the drop and the resume (Azurite's 412, then the new version whole), and an expired
//! SAS (the typed `LinkExpired`).
//!
//! Azurite comes from npm: `cargo xtask test` installs it into `target/tools` and passes its
//! path in `INVOICE_DESK_AZURITE_BLOB`. Without that variable the test looks in
//! `target/tools` (also under `CARGO_TARGET_DIR`) and fails with a message saying how to get
//! it: a download test that silently did nothing would prove nothing.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};
use tokio_util::sync::CancellationToken;

use invoice_desk_files::{ContentKind, Fetcher, Transfer, TransferPolicy};

const ACCOUNT: &str = "devstoreaccount1";
/// Azurite's well-known development key (public, documented by Microsoft).
const KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const VERSION: &str = "2018-11-09";
const ENV: &str = "INVOICE_DESK_AZURITE_BLOB";

fn azurite_blob() -> PathBuf {
    if let Some(path) = std::env::var_os(ENV) {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "{ENV}={} does not exist", path.display());
        return path;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut targets = vec![root.join("target")];
    targets.extend(std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from));
    targets.extend(option_env!("CARGO_TARGET_DIR").map(PathBuf::from));
    let bin = if cfg!(windows) {
        "azurite-blob.cmd"
    } else {
        "azurite-blob"
    };
    let candidates: Vec<PathBuf> = targets
        .iter()
        .map(|t| t.join("tools/node_modules/.bin").join(bin))
        .collect();
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "Azurite is not installed: run `cargo xtask test` (it installs Azurite into \
                 target/tools and runs these tests), or `npm install --prefix target/tools azurite@3`, \
                 or set {ENV} to an azurite-blob executable. Looked in: {candidates:?}"
            )
        })
}

/// A running `azurite-blob` on a random loopback port with its own data folder.
struct Azurite {
    child: Child,
    base: String,
    _data: tempfile::TempDir,
}

impl Azurite {
    async fn start() -> Self {
        let data = tempfile::tempdir().unwrap();
        let mut child = Command::new(azurite_blob())
            .args([
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                "0",
                "--location",
                &data.path().to_string_lossy(),
                "--skipApiVersionCheck",
                "--disableTelemetry",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("azurite-blob starts (is Node.js on PATH?)");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = tokio::time::timeout(Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = line.split("listens on ").nth(1) {
                    return url.trim().to_owned();
                }
            }
            panic!("azurite-blob ended without saying where it listens");
        })
        .await
        .expect("azurite-blob listens within 30 s");
        // Keep draining its output so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self {
            child,
            base,
            _data: data,
        }
    }

    fn blob_url(&self, container: &str, blob: &str) -> String {
        format!("{}/{ACCOUNT}/{container}/{blob}", self.base)
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

fn sign(string_to_sign: &str) -> String {
    let key = STANDARD.decode(KEY).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(string_to_sign.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

fn sas_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// An account SAS (blob service; service, container and object level; every permission) to
/// create containers and upload blobs.
fn account_sas() -> String {
    let (sp, ss, srt) = ("rwdlac", "b", "sco");
    let se = sas_time(OffsetDateTime::now_utc() + time::Duration::hours(1));
    let to_sign = format!("{ACCOUNT}\n{sp}\n{ss}\n{srt}\n\n{se}\n\n\n{VERSION}\n");
    format!(
        "sv={VERSION}&ss={ss}&srt={srt}&sp={sp}&se={}&sig={}",
        encode(&se),
        encode(&sign(&to_sign))
    )
}

/// A read-only service SAS for one blob (`sr=b`, `sp=r`) expiring at `expiry`, per the Blob
/// service SAS string-to-sign of version 2018-11-09.
fn read_sas(container: &str, blob: &str, expiry: OffsetDateTime) -> String {
    let se = sas_time(expiry);
    let resource = format!("/blob/{ACCOUNT}/{container}/{blob}");
    let to_sign = format!("r\n\n{se}\n{resource}\n\n\n\n{VERSION}\nb\n\n\n\n\n\n");
    format!(
        "sv={VERSION}&sr=b&sp=r&se={}&sig={}",
        encode(&se),
        encode(&sign(&to_sign))
    )
}

async fn upload(azurite: &Azurite, container: &str, blob: &str, bytes: &[u8]) -> String {
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let sas = account_sas();
    let created = http
        .put(format!(
            "{}/{ACCOUNT}/{container}?restype=container&{sas}",
            azurite.base
        ))
        .header("x-ms-version", VERSION)
        .send()
        .await
        .unwrap();
    assert!(
        created.status().is_success() || created.status().as_u16() == 409,
        "create container: {} {}",
        created.status(),
        created.text().await.unwrap_or_default()
    );
    let put = http
        .put(format!("{}?{sas}", azurite.blob_url(container, blob)))
        .header("x-ms-version", VERSION)
        .header("x-ms-blob-type", "BlockBlob")
        .header("content-type", "application/pdf")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert!(
        put.status().is_success(),
        "put blob: {} {}",
        put.status(),
        put.text().await.unwrap_or_default()
    );
    put.headers()["etag"].to_str().unwrap().to_owned()
}

fn pdf(tag: u8, len: usize) -> Vec<u8> {
    let mut body = format!("%PDF-1.{tag}\n").into_bytes();
    body.extend((0..len).map(|i| b'A' + u8::try_from((i + usize::from(tag)) % 26).unwrap()));
    body.extend_from_slice(b"\n%%EOF\n");
    body
}

fn fetcher() -> Fetcher {
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    Fetcher::with_client(
        http,
        TransferPolicy {
            retry: invoice_desk_billing::RetryPolicy {
                base_delay: Duration::from_millis(10),
                ..invoice_desk_billing::RetryPolicy::default()
            },
            ..TransferPolicy::default()
        },
    )
}

async fn fetch(url: &str) -> Result<(Vec<u8>, u32, u32), invoice_desk_files::FilesError> {
    let dir = tempfile::tempdir().unwrap();
    let mut transfer = Transfer::create(dir.path().join("doc.pdf.part"), ContentKind::Pdf).await?;
    transfer
        .run(&fetcher(), url, &|_, _| {}, &CancellationToken::new())
        .await?;
    let done = transfer.finish().await?;
    Ok((
        std::fs::read(&done.part).unwrap(),
        done.resumes,
        done.restarts,
    ))
}

/// A loopback proxy to `upstream` that cuts the first response after `cut` bytes, running
/// `on_cut` before it drops the connection; later connections pass through untouched.
async fn cutting_proxy<F, Fut>(
    upstream: &str,
    cut: usize,
    on_cut: F,
) -> (String, Arc<std::sync::Mutex<Vec<String>>>)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let upstream_addr = url::Url::parse(upstream).unwrap();
    let upstream_addr = format!(
        "{}:{}",
        upstream_addr.host_str().unwrap(),
        upstream_addr.port().unwrap()
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = heads.clone();
    let on_cut = Arc::new(on_cut);
    tokio::spawn(async move {
        let mut first = true;
        loop {
            let Ok((mut client, _)) = listener.accept().await else {
                return;
            };
            let mut server = TcpStream::connect(&upstream_addr).await.unwrap();
            let cut_this = std::mem::take(&mut first);
            let log = log.clone();
            let on_cut = on_cut.clone();
            tokio::spawn(async move {
                let (mut client_read, mut client_write) = client.split();
                let (mut server_read, mut server_write) = server.split();
                let upstream_copy = async {
                    let mut buf = vec![0u8; 16 * 1024];
                    loop {
                        let n = client_read.read(&mut buf).await.unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        log.lock()
                            .unwrap()
                            .push(String::from_utf8_lossy(&buf[..n]).into_owned());
                        if server_write.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                };
                let downstream_copy = async {
                    let mut buf = vec![0u8; 16 * 1024];
                    let mut sent = 0usize;
                    loop {
                        let n = server_read.read(&mut buf).await.unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        let take = if cut_this { n.min(cut - sent) } else { n };
                        if client_write.write_all(&buf[..take]).await.is_err() {
                            break;
                        }
                        sent += take;
                        if cut_this && sent >= cut {
                            let _ = client_write.flush().await;
                            on_cut().await;
                            break;
                        }
                    }
                };
                tokio::select! {
                    () = upstream_copy => {}
                    () = downstream_copy => {}
                }
            });
        }
    });
    (base, heads)
}

#[tokio::test]
async fn a_sas_link_downloads_and_resumes_with_range_and_if_match() {
    let azurite = Azurite::start().await;
    let body = pdf(4, 300_000);
    let etag = upload(&azurite, "invoices", "G0001.pdf", &body).await;
    let sas = read_sas(
        "invoices",
        "G0001.pdf",
        OffsetDateTime::now_utc() + time::Duration::hours(1),
    );
    let direct = format!("{}?{sas}", azurite.blob_url("invoices", "G0001.pdf"));
    let (bytes, resumes, _) = fetch(&direct).await.unwrap();
    assert_eq!(bytes, body);
    assert_eq!(resumes, 0);

    let (proxy, heads) = cutting_proxy(&azurite.base, 50_000, || async {}).await;
    let via_proxy = direct.replacen(&azurite.base, &proxy, 1);
    let (bytes, resumes, restarts) = fetch(&via_proxy).await.unwrap();
    assert_eq!(bytes, body, "the resumed file is the blob, byte for byte");
    assert_eq!((resumes, restarts), (1, 0));
    let heads = heads.lock().unwrap().clone();
    let resume = heads
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .find(|h| h.contains("range: bytes="))
        .expect("a ranged request");
    assert!(
        resume.contains(&format!("if-match: {}", etag.to_ascii_lowercase())),
        "{resume}"
    );
    assert!(
        heads
            .iter()
            .all(|h| !h.to_ascii_lowercase().contains("authorization:"))
    );
}

#[tokio::test]
async fn a_blob_replaced_before_the_resume_is_fetched_whole_again() {
    let azurite = Arc::new(Azurite::start().await);
    let old = pdf(4, 200_000);
    let new = pdf(7, 210_000);
    upload(&azurite, "invoices", "G0002.pdf", &old).await;
    let sas = read_sas(
        "invoices",
        "G0002.pdf",
        OffsetDateTime::now_utc() + time::Duration::hours(1),
    );
    let replace = {
        let azurite = azurite.clone();
        let new = new.clone();
        move || {
            let azurite = azurite.clone();
            let new = new.clone();
            async move {
                upload(&azurite, "invoices", "G0002.pdf", &new).await;
            }
        }
    };
    let (proxy, _) = cutting_proxy(&azurite.base, 40_000, replace).await;
    let url = format!("{proxy}/{ACCOUNT}/invoices/G0002.pdf?{sas}");
    let (bytes, _, restarts) = fetch(&url).await.unwrap();
    assert_eq!(bytes, new, "never the old start with the new end");
    assert_eq!(restarts, 1);
}

#[tokio::test]
async fn an_expired_sas_is_link_expired() {
    let azurite = Azurite::start().await;
    upload(&azurite, "invoices", "G0003.pdf", &pdf(4, 1000)).await;
    let sas = read_sas(
        "invoices",
        "G0003.pdf",
        OffsetDateTime::now_utc() - time::Duration::minutes(5),
    );
    let url = format!("{}?{sas}", azurite.blob_url("invoices", "G0003.pdf"));
    let error = fetch(&url).await.unwrap_err();
    assert_eq!(error.code(), "link_expired", "{error}");
    // A forged signature on a link still in date is a refusal, not an expiry.
    let valid = read_sas(
        "invoices",
        "G0003.pdf",
        OffsetDateTime::now_utc() + time::Duration::hours(1),
    );
    let forged = format!("{}?{valid}", azurite.blob_url("invoices", "G0003.pdf"))
        .replace("sig=", "sig=AAAA");
    let error = fetch(&forged).await.unwrap_err();
    assert_eq!(error.code(), "link_rejected", "{error}");
}
