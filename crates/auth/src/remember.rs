//! "Remember my sign-in on this computer", switchable while the app runs.
//!
//! Every entry read or written is mirrored in memory, so turning remembering off can delete the
//! app's keychain entries while the accounts stay signed in for this session, and turning it
//! back on writes this session's accounts to the keychain at once: no sign-in is lost either way
//! and nothing is ever written to a file.
//!
//! The session comes first: an entry is kept in memory before the keychain is asked, and a
//! keychain that fails (or hangs) after start-up is let go of, with the failure kept for the
//! window to show, as when it is missing at start-up: a completed sign-in is never lost.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::error::AuthError;
use crate::store::{AccountVault, MemoryStore, TokenStore};

/// A [`TokenStore`] that writes through to the OS keychain only while remembering is on.
#[derive(Debug)]
pub struct RememberStore {
    memory: MemoryStore,
    keychain: Mutex<Option<Arc<dyn TokenStore>>>,
    remember: AtomicBool,
    /// Why the keychain was let go of since the window last asked.
    failure: Mutex<Option<AuthError>>,
}

impl RememberStore {
    /// `keychain`: the OS keychain when it could be opened. `remember`: the user's choice.
    #[must_use]
    pub fn new(keychain: Option<Arc<dyn TokenStore>>, remember: bool) -> Self {
        Self {
            memory: MemoryStore::new(),
            keychain: Mutex::new(keychain),
            remember: AtomicBool::new(remember),
            failure: Mutex::new(None),
        }
    }

    /// Why the keychain stopped being used since the last call (the window's warning).
    pub fn take_failure(&self) -> Option<AuthError> {
        self.failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    /// The keychain failed: this run goes on with the session alone.
    fn let_go(&self, error: AuthError) {
        tracing::warn!(
            code = error.code(),
            "the keychain failed; keeping sign-ins for this session only"
        );
        *self
            .keychain
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        *self
            .failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(error);
    }

    fn keychain(&self) -> Option<Arc<dyn TokenStore>> {
        if !self.remember.load(Ordering::SeqCst) {
            return None;
        }
        self.keychain
            .lock()
            .expect("keychain slot lock")
            .clone()
            .filter(|k| k.is_persistent())
    }

    /// Whether remembering is switched on (the keychain may still be missing).
    #[must_use]
    pub fn remembers(&self) -> bool {
        self.remember.load(Ordering::SeqCst)
    }

    /// Hands over a keychain opened later (it was missing or not needed at start-up).
    pub fn set_keychain(&self, keychain: Arc<dyn TokenStore>) {
        *self.keychain.lock().expect("keychain slot lock") = Some(keychain);
    }

    /// Switches remembering. Off: the app's entries are deleted from the keychain, this session
    /// keeps its accounts. On: this session's accounts are written to the keychain.
    pub fn set_remember(&self, remember: bool) -> Result<(), AuthError> {
        let keychain = self.keychain.lock().expect("keychain slot lock").clone();
        if let Some(keychain) = keychain.filter(|k| k.is_persistent()) {
            if remember {
                for name in self.memory.entry_names() {
                    if let Some(value) = self.memory.get(&name)? {
                        keychain.set(&name, &value)?;
                    }
                }
            } else {
                AccountVault::new(keychain.clone()).remove_all()?;
                for name in self.memory.entry_names() {
                    keychain.delete(&name)?;
                }
            }
        }
        self.remember.store(remember, Ordering::SeqCst);
        Ok(())
    }
}

impl TokenStore for RememberStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, AuthError> {
        if let Some(value) = self.memory.get(name)? {
            return Ok(Some(value));
        }
        let Some(keychain) = self.keychain() else {
            return Ok(None);
        };
        let value = match keychain.get(name) {
            Ok(value) => value,
            Err(error) => {
                self.let_go(error);
                return Ok(None);
            }
        };
        if let Some(value) = &value {
            self.memory.set(name, value)?;
        }
        Ok(value)
    }

    fn set(&self, name: &str, value: &[u8]) -> Result<(), AuthError> {
        self.memory.set(name, value)?;
        if let Some(keychain) = self.keychain()
            && let Err(error) = keychain.set(name, value)
        {
            self.let_go(error);
        }
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), AuthError> {
        self.memory.delete(name)?;
        if let Some(keychain) = self.keychain()
            && let Err(error) = keychain.delete(name)
        {
            self.let_go(error);
        }
        Ok(())
    }

    fn is_persistent(&self) -> bool {
        self.keychain().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in keychain: persistent, with its names visible to the test.
    #[derive(Debug, Default)]
    struct FakeKeychain(MemoryStore);

    impl TokenStore for FakeKeychain {
        fn get(&self, name: &str) -> Result<Option<Vec<u8>>, AuthError> {
            self.0.get(name)
        }
        fn set(&self, name: &str, value: &[u8]) -> Result<(), AuthError> {
            self.0.set(name, value)
        }
        fn delete(&self, name: &str) -> Result<(), AuthError> {
            self.0.delete(name)
        }
        fn is_persistent(&self) -> bool {
            true
        }
    }

    /// A keychain that refuses every call, as a locked or crashed Secret Service does.
    #[derive(Debug, Default)]
    struct BrokenKeychain;

    impl TokenStore for BrokenKeychain {
        fn get(&self, _: &str) -> Result<Option<Vec<u8>>, AuthError> {
            Err(AuthError::Keychain {
                reason: "the keyring is locked".into(),
            })
        }
        fn set(&self, _: &str, _: &[u8]) -> Result<(), AuthError> {
            Err(AuthError::Keychain {
                reason: "the keyring is locked".into(),
            })
        }
        fn delete(&self, _: &str) -> Result<(), AuthError> {
            Err(AuthError::Keychain {
                reason: "the keyring is locked".into(),
            })
        }
        fn is_persistent(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_keychain_failing_after_start_up_keeps_the_sign_in_for_the_session_and_says_so() {
        let store = RememberStore::new(Some(Arc::new(BrokenKeychain)), true);
        assert!(store.is_persistent());
        store.set("public:account", b"tokens").unwrap();
        assert_eq!(
            store.get("public:account").unwrap().as_deref(),
            Some(&b"tokens"[..]),
            "the completed sign-in is kept"
        );
        assert!(
            !store.is_persistent(),
            "this run goes on without the keychain"
        );
        let failure = store.take_failure().expect("the window hears why");
        assert_eq!(failure.code(), "keychain_failed");
        assert!(store.take_failure().is_none(), "said once");
        store.set("public:other", b"more").unwrap();
        store.delete("public:account").unwrap();
        assert!(store.get("public:account").unwrap().is_none());
    }

    #[test]
    fn off_keeps_the_session_and_empties_the_keychain_on_writes_it_back() {
        let keychain = Arc::new(FakeKeychain::default());
        keychain.set("public:old", b"from an earlier run").unwrap();
        let store = RememberStore::new(Some(keychain.clone()), true);
        assert!(store.is_persistent());
        assert_eq!(
            store.get("public:old").unwrap().unwrap(),
            b"from an earlier run"
        );
        store.set("public:new", b"signed in now").unwrap();
        assert_eq!(keychain.0.entry_names(), ["public:new", "public:old"]);

        store.set_remember(false).unwrap();
        assert!(!store.is_persistent());
        assert!(keychain.0.entry_names().is_empty(), "nothing left behind");
        assert_eq!(store.get("public:new").unwrap().unwrap(), b"signed in now");
        store.set("public:third", b"session only").unwrap();
        assert!(keychain.0.entry_names().is_empty());

        store.set_remember(true).unwrap();
        assert_eq!(
            keychain.0.entry_names(),
            ["public:new", "public:old", "public:third"]
        );
        store.delete("public:old").unwrap();
        assert_eq!(keychain.0.entry_names(), ["public:new", "public:third"]);
        assert_eq!(store.get("public:old").unwrap(), None);
    }

    #[test]
    fn without_a_keychain_it_is_memory_only_whatever_the_choice() {
        let store = RememberStore::new(None, true);
        assert!(store.remembers());
        assert!(!store.is_persistent());
        store.set("a", b"1").unwrap();
        store.set_remember(false).unwrap();
        assert_eq!(store.get("a").unwrap().unwrap(), b"1");
    }

    #[test]
    fn a_keychain_handed_over_later_receives_the_session_when_switched_on() {
        let store = RememberStore::new(None, false);
        store.set("public:x", b"token bundle").unwrap();
        let keychain = Arc::new(FakeKeychain::default());
        store.set_keychain(keychain.clone());
        assert!(keychain.0.entry_names().is_empty());
        store.set_remember(true).unwrap();
        assert_eq!(keychain.0.entry_names(), ["public:x"]);
    }
}
