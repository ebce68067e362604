//! Where either front end's accounts start: the OS keychain they are remembered in, and the
//! custom cloud (another authority and ARM endpoint: the emulator, a proxy) they may sign in to.
//!
//! Opening the keychain can hang (a stuck Secret Service on Linux never answers), so it runs
//! on a thread of its own and is given up after [`KEYCHAIN_WAIT`]: neither the window nor a
//! command ever freezes on it, and neither blocks an async runtime while it waits.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use invoice_desk_auth::{AuthError, Cloud, KEYCHAIN_SERVICE, KeyringStore, TokenStore};
use tokio_util::sync::CancellationToken;

/// Another keychain service name than `invoice-desk`, so tests (and anyone who wants to keep
/// two sets of accounts apart) never touch the real entries.
pub const KEYRING_SERVICE_ENV: &str = "INVOICE_DESK_KEYRING_SERVICE";

/// How long opening the keychain may take before the accounts carry on without it.
pub const KEYCHAIN_WAIT: Duration = Duration::from_secs(5);

/// The keychain service the accounts are kept under: [`KEYRING_SERVICE_ENV`] when set (and not
/// blank), else [`KEYCHAIN_SERVICE`].
#[must_use]
pub fn keychain_service() -> String {
    service_named(std::env::var(KEYRING_SERVICE_ENV).ok())
}

fn service_named(name: Option<String>) -> String {
    name.map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| KEYCHAIN_SERVICE.to_owned())
}

/// The OS keychain under [`keychain_service`], or why it cannot be used: missing, locked, or
/// not answering within [`KEYCHAIN_WAIT`]. Waits on the calling thread, for at most that
/// long; async code calls [`open_keychain`] instead.
pub fn open_keychain_blocking() -> Result<Arc<dyn TokenStore>, AuthError> {
    let service = keychain_service();
    let opened = open_within(KEYCHAIN_WAIT, move || KeyringStore::open_service(&service))?;
    Ok(Arc::new(opened))
}

/// [`open_keychain_blocking`] on a thread of its own, so the caller's async runtime never waits
/// on the keychain.
pub async fn open_keychain() -> Result<Arc<dyn TokenStore>, AuthError> {
    off_the_runtime(open_keychain_blocking).await
}

/// `open` on a thread of its own, given up after `wait`. A thread that hangs is left behind:
/// it ends whenever the keychain answers, and nothing waits for it.
fn open_within<T: Send + 'static>(
    wait: Duration,
    open: impl FnOnce() -> Result<T, AuthError> + Send + 'static,
) -> Result<T, AuthError> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(open());
    });
    let outcome = match rx.recv_timeout(wait) {
        Ok(opened) => opened,
        Err(RecvTimeoutError::Timeout) => Err(AuthError::KeychainUnavailable {
            reason: format!(
                "the system keychain did not answer within {} seconds",
                wait.as_secs()
            ),
        }),
        Err(RecvTimeoutError::Disconnected) => Err(AuthError::KeychainUnavailable {
            reason: "the keychain could not be opened".into(),
        }),
    };
    if let Err(error) = &outcome {
        tracing::warn!(
            code = error.code(),
            "keychain unavailable; sign-ins last for this session only"
        );
    }
    outcome
}

/// `work` on a thread of its own, awaited without holding an async worker (this crate brings no
/// runtime of its own: any executor can await it).
async fn off_the_runtime<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AuthError> + Send + 'static,
) -> Result<T, AuthError> {
    let slot = Arc::new(Mutex::new(None));
    // The token is the thread's "done" signal: its drop guard fires when the thread ends,
    // whether `work` returned or panicked, so the await below always ends.
    let done = CancellationToken::new();
    {
        let (slot, guard) = (slot.clone(), done.clone().drop_guard());
        std::thread::spawn(move || {
            let _done = guard;
            let outcome = work();
            if let Ok(mut slot) = slot.lock() {
                *slot = Some(outcome);
            }
        });
    }
    done.cancelled().await;
    let outcome = slot.lock().ok().and_then(|mut slot| slot.take());
    outcome.unwrap_or_else(|| {
        Err(AuthError::KeychainUnavailable {
            reason: "the keychain could not be opened".into(),
        })
    })
}

/// A cloud at another authority and ARM endpoint, both checked (https, or plain http for
/// loopback hosts only). Its token scope is left empty, which `invoice-desk-auth` reads as
/// `{ARM endpoint origin}/.default`: the one rule for custom clouds.
pub fn custom_cloud(authority: &str, arm_endpoint: &str) -> Result<Cloud, AuthError> {
    let cloud = Cloud::Custom {
        authority_host: authority.trim().to_owned(),
        arm_endpoint: arm_endpoint.trim().to_owned(),
        token_scope: String::new(),
    };
    cloud.authority_host()?;
    cloud.arm_endpoint()?;
    Ok(cloud)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_or_missing_service_name_is_the_apps_own() {
        assert_eq!(service_named(None), KEYCHAIN_SERVICE);
        assert_eq!(service_named(Some("  ".into())), KEYCHAIN_SERVICE);
        assert_eq!(service_named(Some(" tests-1 ".into())), "tests-1");
    }

    #[test]
    fn a_keychain_that_never_answers_is_given_up_in_time() {
        let started = std::time::Instant::now();
        let outcome = open_within(Duration::from_millis(50), || {
            std::thread::sleep(Duration::from_secs(30));
            Ok(())
        });
        assert!(matches!(
            outcome,
            Err(AuthError::KeychainUnavailable { reason }) if reason.contains("did not answer")
        ));
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_keychain_that_refuses_says_why() {
        let refused = || -> Result<(), AuthError> {
            Err(AuthError::KeychainUnavailable {
                reason: "locked".into(),
            })
        };
        let outcome = open_within(KEYCHAIN_WAIT, refused);
        assert!(matches!(
            outcome,
            Err(AuthError::KeychainUnavailable { reason }) if reason == "locked"
        ));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_runtime_keeps_running_while_the_keychain_is_opened() {
        // On a single-threaded runtime a blocking open would stall this ticker until it ended.
        let ticker = tokio::spawn(async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            std::time::Instant::now()
        });
        let outcome = off_the_runtime(|| {
            std::thread::sleep(Duration::from_millis(300));
            Ok(std::time::Instant::now())
        })
        .await;
        let opened_at = outcome.unwrap();
        assert!(ticker.await.unwrap() < opened_at);
        // A panic on the keychain thread is an answer too, never a hang.
        let panicked = off_the_runtime(|| -> Result<(), AuthError> { panic!("keychain crashed") });
        assert!(matches!(
            panicked.await,
            Err(AuthError::KeychainUnavailable { .. })
        ));
    }

    #[test]
    fn custom_clouds_are_checked_and_scoped_by_their_arm_origin() {
        let cloud = custom_cloud(" http://127.0.0.1:7 ", "http://localhost:7/").unwrap();
        assert_eq!(cloud.key(), "custom-127.0.0.1:7");
        assert_eq!(cloud.arm_scope().unwrap(), "http://localhost:7/.default");
        assert!(custom_cloud("http://example.com", "http://127.0.0.1:7").is_err());
        assert!(custom_cloud("https://login.example", "not a url").is_err());
    }
}
