//! A release feed as the app's updater reads it: the `latest.json` the release workflow
//! publishes beside the installers, and the installer itself, signed with a minisign key made
//! for this run (the updater checks every download against the public key it was given).
//!
//! Nothing is published until a test says so (`POST /_emulator/release`): until then the feed
//! answers 204, as a feed with nothing newer does.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::http::{StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::error::ArmError;
use crate::reply::Reply;

/// The systems the feed lists the one installer under: the updater looks for
/// `<os>-<arch>-<bundle>` first, then `<os>-<arch>`.
const PLATFORMS: &[&str] = &[
    "linux-x86_64",
    "linux-x86_64-appimage",
    "linux-x86_64-deb",
    "linux-aarch64",
    "windows-x86_64",
    "windows-x86_64-nsis",
    "darwin-aarch64",
    "darwin-x86_64",
];

pub struct Releases {
    key: minisign::KeyPair,
    published: Mutex<Option<Release>>,
    /// How often the feed was asked, so a test can tell the app did not look.
    feed_requests: AtomicU64,
}

impl std::fmt::Debug for Releases {
    // The secret key stays out of every debug print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Releases").finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
struct Release {
    version: String,
    notes: String,
    /// What the installer's download serves.
    payload: Vec<u8>,
    /// The feed's `signature`: base64 of minisign's signature file, as `tauri signer sign` writes.
    signature: String,
}

/// What a test publishes (`POST /_emulator/release`).
#[derive(Debug, serde::Deserialize)]
pub struct Publish {
    pub version: String,
    #[serde(default)]
    pub notes: String,
    /// Serve an installer other than the one signed, as a tampered mirror would.
    #[serde(default)]
    pub tampered: bool,
}

impl Releases {
    pub fn new() -> Result<Self, String> {
        let key = minisign::KeyPair::generate_unencrypted_keypair().map_err(|e| e.to_string())?;
        Ok(Self {
            key,
            published: Mutex::default(),
            feed_requests: AtomicU64::new(0),
        })
    }

    /// The public key as the updater's configuration takes it: base64 of minisign's key file.
    pub fn public_key(&self) -> Result<String, String> {
        let text = self
            .key
            .pk
            .to_box()
            .map_err(|e| e.to_string())?
            .into_string();
        Ok(STANDARD.encode(text))
    }

    /// The bytes an installer of `version` carries: an executable's header, so the updater
    /// takes it for an AppImage, and the version, so a test can tell which one was installed.
    pub fn installer_bytes(version: &str) -> Vec<u8> {
        let mut bytes = b"\x7fELF\x02\x01\x01\0Invoice Desk ".to_vec();
        bytes.extend_from_slice(version.as_bytes());
        bytes.resize(bytes.len().max(4096), 0);
        bytes
    }

    pub fn publish(&self, publish: Publish) -> Result<Value, ArmError> {
        if publish.version.is_empty()
            || !publish
                .version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
        {
            return Err(ArmError::bad_request(
                "InvalidVersion",
                "A release needs a version such as 1.2.3.",
            ));
        }
        let signed = Self::installer_bytes(&publish.version);
        let trusted = format!(
            "timestamp:{}\tfile:invoice-desk.AppImage\tversion:{}",
            time::OffsetDateTime::now_utc().unix_timestamp(),
            publish.version
        );
        let signature = minisign::sign(
            Some(&self.key.pk),
            &self.key.sk,
            signed.as_slice(),
            Some(&trusted),
            Some("signature from tauri secret key"),
        )
        .map_err(|e| ArmError::bad_request("SigningFailed", e.to_string()))?;
        let mut payload = signed;
        if publish.tampered {
            let last = payload.len() - 1;
            payload[last] ^= 0xff;
        }
        let release = Release {
            version: publish.version,
            notes: publish.notes,
            payload,
            signature: STANDARD.encode(signature.into_string()),
        };
        let described = json!({"version": release.version, "bytes": release.payload.len()});
        *self.lock() = Some(release);
        Ok(described)
    }

    /// `GET /_emulator/release`: what is published and how often the feed was asked.
    pub fn describe(&self) -> Value {
        let published = self.lock().as_ref().map(|r| r.version.clone());
        json!({
            "version": published,
            "feedRequests": self.feed_requests.load(Ordering::Relaxed),
        })
    }

    pub fn withdraw(&self) {
        *self.lock() = None;
    }

    /// `GET /_updates/latest.json`.
    pub fn feed(&self, base_url: &url::Url) -> Reply {
        self.feed_requests.fetch_add(1, Ordering::Relaxed);
        let Some(release) = self.lock().clone() else {
            return Reply::empty(StatusCode::NO_CONTENT);
        };
        let url = format!(
            "{}_updates/invoice-desk-{}.AppImage",
            base_url, release.version
        );
        let platforms: serde_json::Map<String, Value> = PLATFORMS
            .iter()
            .map(|p| {
                (
                    (*p).to_owned(),
                    json!({"signature": release.signature, "url": url}),
                )
            })
            .collect();
        let date = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        Reply::ok(json!({
            "version": release.version,
            "notes": release.notes,
            "pub_date": date,
            "platforms": platforms,
        }))
    }

    /// `GET /_updates/<installer>`: the published installer, whatever its name says.
    pub fn installer(&self, name: &str) -> Reply {
        match self.lock().clone() {
            Some(release) if name == format!("invoice-desk-{}.AppImage", release.version) => {
                Reply::body(StatusCode::OK, Body::from(release.payload))
                    .header(header::CONTENT_TYPE, "application/octet-stream")
            }
            _ => ArmError::new(
                StatusCode::NOT_FOUND,
                "NotFound",
                "No such installer is published.",
            )
            .into_reply(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Release>> {
        self.published
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publish(releases: &Releases, version: &str, tampered: bool) -> Result<Value, ArmError> {
        releases.publish(Publish {
            version: version.into(),
            notes: String::new(),
            tampered,
        })
    }

    fn decode(b64: &str) -> String {
        String::from_utf8(STANDARD.decode(b64).unwrap()).unwrap()
    }

    /// Verifies what the feed serves as the updater does; the signature's trusted comment.
    fn verify_published(releases: &Releases) -> (Result<(), minisign::PError>, String) {
        let pk = minisign::PublicKeyBox::from_string(&decode(&releases.public_key().unwrap()))
            .unwrap()
            .into_public_key()
            .unwrap();
        let release = releases.lock().clone().unwrap();
        let signature = minisign::SignatureBox::from_string(&decode(&release.signature)).unwrap();
        let payload = std::io::Cursor::new(&release.payload);
        let verdict = minisign::verify(&pk, &signature, payload, true, false, false);
        (verdict, signature.trusted_comment().unwrap())
    }

    #[test]
    fn the_signature_verifies_against_the_public_key_and_a_tampered_installer_does_not() {
        let releases = Releases::new().unwrap();
        publish(&releases, "9.1.0", false).unwrap();
        let (verdict, comment) = verify_published(&releases);
        verdict.unwrap();
        assert!(comment.ends_with("version:9.1.0"), "{comment}");

        publish(&releases, "9.1.1", true).unwrap();
        assert!(verify_published(&releases).0.is_err());
    }

    #[test]
    fn a_version_with_path_characters_is_refused() {
        let releases = Releases::new().unwrap();
        for version in ["", "../1.0", "1.0/evil", "1 0"] {
            assert!(publish(&releases, version, false).is_err(), "{version:?}");
        }
    }
}
