//! The starting corpus of each target: the official Azure examples, what the app itself
//! writes (a chunked keychain entry, an index, a bundle), and hand-made edge cases. libFuzzer
//! mutates from these, so the targets start inside the formats rather than at random bytes.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use invoice_desk_auth::store::{AccountVault, MemoryStore, StoredAccount, TokenStore};
use invoice_desk_auth::{Account, TenantInfo};

use crate::disk::BUNDLE_INVOICES;
use crate::sign_in::STATE;

/// One seed: a file name for the corpus folder and its bytes.
pub type Seed = (String, Vec<u8>);

/// The seeds of the target called `name` (none for an unknown name).
#[must_use]
pub fn seeds(name: &str) -> Vec<Seed> {
    match name {
        "bundle" => bundle(),
        "archive_index" => archive_index(),
        "file_name" => file_name(),
        "retry_after" => texts(&[
            "120",
            "0.5",
            "Wed, 03 Dec 2026 22:00:00 GMT",
            "18446744073709551615",
            "1e308",
            "-1",
            "NaN",
            "30\u{0}45\u{0}60",
        ]),
        "content_range" => texts(&[
            "bytes 0-99/100",
            "bytes */5000",
            "bytes 18446744073709551615-0/1",
            "bytes 5-/x",
        ]),
        "arm_error" => arm_error(),
        "arm_models" => spec_bodies(),
        "loopback_request" => texts(&[
            &format!("GET /?code=abc&state={STATE} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
            &format!(
                "GET /?error=access_denied&error_description=no&state={STATE} HTTP/1.1\r\n\r\n"
            ),
            "GET /?code=abc&state=wrong HTTP/1.1\r\n\r\n",
            "POST / HTTP/1.1\r\n\r\n",
            "GET //evil.example/?code=1 HTTP/1.1\r\n\r\n",
        ]),
        "id_token" => texts(&[
            "eyJ1aWQiOiJ1IiwidXRpZCI6InQifQ",
            "e30.eyJvaWQiOiJvIiwidGlkIjoidCIsInByZWZlcnJlZF91c2VybmFtZSI6ImFAYi5jIn0.c2ln",
        ]),
        "keychain_entry" => keychain_entry(),
        "usage_csv" => texts(&[
            "invoiceId,date,serviceFamily,meterCategory,resourceGroupName,ResourceId,chargeType,billingCurrency,costInBillingCurrency\nG1,2026-11-01,Compute,Virtual Machines,rg-web,/subscriptions/s/resourceGroups/rg-web/providers/x/vm1,Usage,EUR,12.345\nG1,11/02/2026,Storage,Storage,,,Purchase,EUR,-1.5E-3\n",
            "Date,MeterCategory,ResourceGroup,Cost,Currency,ResourceName\n2026-11-01,Bandwidth,\"rg, with comma\",0.10,USD,\"a \"\"quoted\"\" name\"\r\n",
            "\u{feff}date,costInBillingCurrency\n2026-02-30,1\n",
        ]),
        _ => Vec::new(),
    }
}

fn texts(items: &[&str]) -> Vec<Seed> {
    items
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("seed-{i}"), t.as_bytes().to_vec()))
        .collect()
}

/// The folder of official Azure REST examples the billing crate's conformance tests use.
#[must_use]
pub fn spec_examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../billing/tests/spec-examples")
}

/// Every response body of every official example.
fn spec_bodies() -> Vec<Seed> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir(spec_examples_dir()) else {
        return out;
    };
    let mut files: Vec<_> = dir.flatten().map(|e| e.path()).collect();
    files.sort();
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let Ok(example) = std::fs::read(path)
            .map_err(|_| ())
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).map_err(|_| ()))
        else {
            continue;
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let short = stem.rsplit("__").next().unwrap_or(&stem).to_owned();
        for (status, response) in example["responses"].as_object().into_iter().flatten() {
            if let Some(body) = response.get("body") {
                let bytes = serde_json::to_vec(body).expect("a JSON value encodes");
                out.push((format!("{short}-{status}"), bytes));
            }
        }
    }
    out
}

fn arm_error() -> Vec<Seed> {
    let mut out = texts(&[
        "\u{91}\u{0}Bearer realm=\"\", error=\"insufficient_claims\", claims=\"eyJhY2Nlc3NfdG9rZW4iOnt9fQ==\"\u{0}\u{0}{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"expired\"}}",
        "\u{3}\u{0}\u{0}\u{0}{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"The client 'a' does not have authorization to perform action 'Microsoft.Billing/billingAccounts/read' over scope '/providers/Microsoft.Billing/billingAccounts/1'.\"}}",
        "\u{1d}\u{0}\u{0}120\u{0}{\"code\":\"429\",\"message\":\"Too many requests\"}",
        "\u{64}\u{0}\u{0}\u{0}<html><body>Bad gateway</body></html>",
    ]);
    for (name, body) in spec_bodies()
        .into_iter()
        .filter(|(n, _)| n.ends_with("-default"))
    {
        let mut data = b"\x64\0\0\0".to_vec();
        data.extend_from_slice(&body);
        out.push((name, data));
    }
    out
}

fn zip_of(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes, deflate) in entries {
        let method = if *deflate {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        writer.start_file(*name, options).expect("an entry starts");
        writer.write_all(bytes).expect("an entry is written");
    }
    writer.finish().expect("the zip closes").into_inner()
}

fn bundle() -> Vec<Seed> {
    let pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    let [first, second] = BUNDLE_INVOICES;
    vec![
        (
            "two-invoices".into(),
            zip_of(&[
                (&format!("{first}.pdf"), pdf, true),
                (&format!("{second}.pdf"), pdf, false),
            ]),
        ),
        (
            "folders-and-extra".into(),
            zip_of(&[
                ("docs/", b"", false),
                (&format!("docs/{first}.pdf"), pdf, true),
                ("readme.txt", b"hello", true),
            ]),
        ),
        (
            "hostile".into(),
            zip_of(&[
                (&format!("../{first}.pdf"), pdf, false),
                (&format!("C:\\{second}.pdf"), pdf, false),
            ]),
        ),
        (
            "not-a-pdf".into(),
            zip_of(&[(&format!("{first}.pdf"), b"<html>", true)]),
        ),
    ]
}

fn archive_index() -> Vec<Seed> {
    let entry = |path: &str| {
        serde_json::json!({
            "scopeId": "/providers/Microsoft.Billing/billingAccounts/1",
            "invoice": "G000000001",
            "documentKind": "Invoice",
            "path": path,
            "size": 1234,
            "savedAt": "2026-12-01T10:00:00Z",
            "blake3": "00",
        })
    };
    let index = |version: u32, paths: &[&str]| -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "version": version,
            "documents": paths.iter().map(|p| entry(p)).collect::<Vec<_>>(),
        }))
        .expect("JSON encodes")
    };
    vec![
        ("v2".into(), index(2, &["Contoso/2026-11 G000000001.pdf"])),
        ("v1".into(), index(1, &["a.pdf", "b/c.pdf"])),
        (
            "escapes".into(),
            index(
                2,
                &["../outside.pdf", "/etc/passwd", "C:/x.pdf", "a/./b.pdf"],
            ),
        ),
        ("newer".into(), index(99, &[])),
    ]
}

fn file_name() -> Vec<Seed> {
    let sep = |parts: &[&str]| parts.join("\u{0}");
    texts(&[
        &sep(&[
            "{billingAccount}/{date:%Y-%m} {invoiceName}.pdf",
            "Contoso: R&D / EU",
            "Finance",
            "Finance",
            "",
            "\u{7e}\u{a}\u{7}",
            "G000000001",
            "Invoice",
            "G000000001",
            "",
        ]),
        &sep(&[
            "{scope}/{documentKind}/{documentName}",
            "CON",
            "..",
            "\u{202e}fdp.exe",
            "e\u{301}",
            "\u{0}\u{0}\u{0}",
            "LPT1.txt",
            "CreditNote",
            " . ",
            "copy",
        ]),
        &sep(&[
            "{invoiceName}",
            "",
            "",
            "",
            "",
            "",
            &"x".repeat(300),
            "",
            "",
            "",
        ]),
    ])
}

fn keychain_entry() -> Vec<Seed> {
    let store = Arc::new(MemoryStore::new());
    let vault = AccountVault::with_chunk_limit(store.clone(), 64);
    let account = Account {
        id: "00000000-0000-0000-0000-000000000001.00000000-0000-0000-0000-0000000000aa".into(),
        username: "alex@contoso.example".into(),
        display_name: "Alex".into(),
        cloud: invoice_desk_auth::cloud::Cloud::AzurePublic,
        home_tenant: "00000000-0000-0000-0000-0000000000aa".into(),
        tenants: vec![TenantInfo {
            id: "00000000-0000-0000-0000-0000000000aa".into(),
            display_name: Some("Contoso".into()),
            default_domain: None,
            enabled: true,
        }],
    };
    let stored = StoredAccount {
        account,
        refresh_token: invoice_desk_logging::Sensitive("fuzz-refresh-token-not-a-secret".repeat(4)),
        client_id: "04b07795-8ddb-461a-bbee-02f9e1bf7b46".into(),
        foci: true,
    };
    vault.save(&stored).expect("memory takes the account");
    let mut pairs = Vec::new();
    for name in store.entry_names() {
        let value = store
            .get(&name)
            .expect("memory answers")
            .unwrap_or_default();
        pairs.push(name.into_bytes());
        pairs.push(value);
    }
    let whole = pairs.join(&0u8);
    // The same entries with the last chunk lost, as a torn write leaves them.
    let torn = pairs[..pairs.len().saturating_sub(2)].join(&0u8);
    vec![("saved".into(), whole), ("torn".into(), torn)]
}
