//! Where refresh tokens and account metadata live: the OS keychain, or memory only.
//!
//! Service `invoice-desk`; one entry per account named `{cloud}:{uid.utid}` holding a JSON
//! bundle, plus an index entry `accounts` listing them (keychains cannot be enumerated
//! portably). Windows Credential Manager caps a credential at 2,560 bytes, and a refresh token
//! alone can be larger, so any value over [`CHUNK_LIMIT`] is written as numbered chunks
//! `{name}#{generation}.{i}` first and then a small header entry `{name}` naming them; the
//! previous generation's chunks are deleted afterwards. A torn write leaves a header whose
//! checksum does not match: the account is then treated as signed out, never half-restored.
//!
//! Nothing here ever writes a file: when the keychain is missing or locked the app uses
//! [`MemoryStore`] ("don't remember me") and tells the user why ([`AuthError::KeychainUnavailable`]).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use invoice_desk_logging::Sensitive;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::account::Account;
use crate::error::AuthError;

/// The keychain service name for every entry of the app.
pub const KEYCHAIN_SERVICE: &str = "invoice-desk";
/// Largest value written to one keychain entry, well under Windows' 2,560-byte blob limit.
pub const CHUNK_LIMIT: usize = 2000;
const INDEX_ENTRY: &str = "accounts";
const HEADER_PREFIX: &str = "invoice-desk-chunks/v1 ";

/// A flat name → secret store. Implementations never write plaintext files.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// `Ok(None)` when there is no such entry.
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, AuthError>;
    fn set(&self, name: &str, value: &[u8]) -> Result<(), AuthError>;
    /// Deleting a missing entry is not an error.
    fn delete(&self, name: &str) -> Result<(), AuthError>;
    /// Whether entries survive a restart of the app.
    fn is_persistent(&self) -> bool;
}

/// The OS keychain: macOS Keychain, Windows Credential Manager, Linux Secret Service.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    /// Opens the OS keychain under [`KEYCHAIN_SERVICE`] and checks it answers.
    pub fn open() -> Result<Self, AuthError> {
        Self::open_service(KEYCHAIN_SERVICE)
    }

    /// Opens the OS keychain under another service name (tests use their own).
    pub fn open_service(service: &str) -> Result<Self, AuthError> {
        if let Err(e) = keyring::Entry::store_status() {
            return Err(map_keyring_error(e));
        }
        let store = Self {
            service: service.to_owned(),
        };
        // A locked or absent Secret Service only shows up on first use.
        store.get(INDEX_ENTRY)?;
        Ok(store)
    }

    /// Runs `call` on the entry `name` with [`KEYCHAIN_TIMEOUT`] to answer.
    fn with_entry<T: Send + 'static>(
        &self,
        name: &str,
        call: impl FnOnce(keyring::Entry) -> Result<T, AuthError> + Send + 'static,
    ) -> Result<T, AuthError> {
        let (service, name) = (self.service.clone(), name.to_owned());
        within(KEYCHAIN_TIMEOUT, move || {
            let entry = keyring::Entry::new(&service, &name).map_err(|e| map_keyring_error(&e))?;
            call(entry)
        })
    }
}

/// How long a keychain call may take: a Secret Service that hangs (a prompt nobody sees, a
/// stuck D-Bus) must not hang a sign-in or the window.
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// `call` on a thread of its own, or an error once `limit` passed (the thread is left to end
/// on its own; the keychain holds no lock of ours).
fn within<T: Send + 'static>(
    limit: Duration,
    call: impl FnOnce() -> Result<T, AuthError> + Send + 'static,
) -> Result<T, AuthError> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("keychain".into())
        .spawn(move || {
            let _ = tx.send(call());
        })
        .map_err(|e| AuthError::KeychainUnavailable {
            reason: format!("could not ask the keychain ({e})"),
        })?;
    rx.recv_timeout(limit).unwrap_or_else(|_| {
        Err(AuthError::KeychainUnavailable {
            reason: format!("the keychain did not answer within {} s", limit.as_secs()),
        })
    })
}

impl TokenStore for KeyringStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, AuthError> {
        self.with_entry(name, |entry| match entry.get_secret() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(&e)),
        })
    }

    fn set(&self, name: &str, value: &[u8]) -> Result<(), AuthError> {
        let value = value.to_vec();
        self.with_entry(name, move |entry| {
            entry.set_secret(&value).map_err(|e| map_keyring_error(&e))
        })
    }

    fn delete(&self, name: &str) -> Result<(), AuthError> {
        self.with_entry(name, |entry| match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(&e)),
        })
    }

    fn is_persistent(&self) -> bool {
        true
    }
}

/// Keyring errors without their payloads (some variants carry the secret's bytes).
fn map_keyring_error(error: &keyring::Error) -> AuthError {
    use keyring::Error as E;
    match error {
        E::NoStorageAccess(e) => AuthError::KeychainUnavailable {
            reason: format!("the keychain is locked or refused access ({e})"),
        },
        E::NoDefaultStore => AuthError::KeychainUnavailable {
            reason: "no keychain service is running (on Linux: a Secret Service such as GNOME Keyring or KWallet)".into(),
        },
        E::PlatformFailure(e) => AuthError::KeychainUnavailable {
            reason: format!("the keychain service failed ({e})"),
        },
        E::TooLong(what, limit) => AuthError::Keychain {
            reason: format!("{what} is longer than the keychain allows ({limit})"),
        },
        E::BadEncoding(_) | E::BadDataFormat(..) => AuthError::Keychain {
            reason: "an entry has an unexpected format".into(),
        },
        E::Ambiguous(_) => AuthError::Keychain {
            reason: "several keychain entries match one name".into(),
        },
        E::NoEntry => AuthError::Keychain {
            reason: "no such entry".into(),
        },
        other => AuthError::Keychain {
            reason: format!("keychain error: {}", keyring_kind(other)),
        },
    }
}

fn keyring_kind(error: &keyring::Error) -> &'static str {
    match error {
        keyring::Error::BadStoreFormat(_) => "bad store format",
        keyring::Error::Invalid(..) => "invalid attribute",
        keyring::Error::NotSupportedByStore(_) => "not supported by this keychain",
        _ => "unknown",
    }
}

/// Entries in memory only: "don't remember me", and the fallback without a keychain.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("entries", &self.entry_names())
            .finish()
    }
}

impl MemoryStore {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Entry names, for tests and diagnostics (never the values).
    #[must_use]
    pub fn entry_names(&self) -> Vec<String> {
        self.entries
            .lock()
            .expect("memory store lock")
            .keys()
            .cloned()
            .collect()
    }

    /// The largest value held, in bytes.
    #[must_use]
    pub fn largest_entry(&self) -> usize {
        self.entries
            .lock()
            .expect("memory store lock")
            .values()
            .map(Vec::len)
            .max()
            .unwrap_or(0)
    }
}

impl TokenStore for MemoryStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, AuthError> {
        Ok(self
            .entries
            .lock()
            .expect("memory store lock")
            .get(name)
            .cloned())
    }

    fn set(&self, name: &str, value: &[u8]) -> Result<(), AuthError> {
        self.entries
            .lock()
            .expect("memory store lock")
            .insert(name.to_owned(), value.to_vec());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), AuthError> {
        self.entries.lock().expect("memory store lock").remove(name);
        Ok(())
    }

    fn is_persistent(&self) -> bool {
        false
    }
}

/// What is kept per account: enough to restore the session after a restart.
#[derive(Debug, Clone)]
pub struct StoredAccount {
    pub account: Account,
    pub refresh_token: Sensitive<String>,
    pub client_id: String,
    pub foci: bool,
}

impl StoredAccount {
    /// The entry name: `{cloud}:{uid.utid}`.
    #[must_use]
    pub fn entry_name(&self) -> String {
        entry_name(&self.account)
    }
}

/// `{cloud}:{uid.utid}` for an account.
#[must_use]
pub fn entry_name(account: &Account) -> String {
    format!("{}:{}", account.cloud.key(), account.id)
}

#[derive(Serialize, Deserialize)]
struct Bundle {
    v: u32,
    account: Account,
    refresh_token: String,
    client_id: String,
    #[serde(default)]
    foci: bool,
}

/// Accounts over any [`TokenStore`]: JSON bundles, chunked when large, and the index entry.
#[derive(Debug, Clone)]
pub struct AccountVault {
    store: Arc<dyn TokenStore>,
    chunk_limit: usize,
}

impl AccountVault {
    pub fn new(store: Arc<dyn TokenStore>) -> Self {
        Self::with_chunk_limit(store, CHUNK_LIMIT)
    }

    /// A vault with another chunk size (at least 64 bytes).
    pub fn with_chunk_limit(store: Arc<dyn TokenStore>, chunk_limit: usize) -> Self {
        Self {
            store,
            chunk_limit: chunk_limit.max(64),
        }
    }

    #[must_use]
    pub fn is_persistent(&self) -> bool {
        self.store.is_persistent()
    }

    /// Writes (or replaces) the account's bundle and lists it in the index.
    pub fn save(&self, stored: &StoredAccount) -> Result<(), AuthError> {
        let name = stored.entry_name();
        let bundle = Bundle {
            v: 1,
            account: stored.account.clone(),
            refresh_token: stored.refresh_token.expose().clone(),
            client_id: stored.client_id.clone(),
            foci: stored.foci,
        };
        let bytes = serde_json::to_vec(&bundle).map_err(|_| AuthError::Keychain {
            reason: "cannot encode the account".into(),
        })?;
        write_chunked(self.store.as_ref(), &name, &bytes, self.chunk_limit)?;
        let mut index = self.index()?;
        if !index.contains(&name) {
            index.push(name);
            self.write_index(&index)?;
        }
        Ok(())
    }

    /// The account stored under `name` (`{cloud}:{uid.utid}`), if complete.
    pub fn load(&self, name: &str) -> Result<Option<StoredAccount>, AuthError> {
        let Some(bytes) = read_chunked(self.store.as_ref(), name)? else {
            return Ok(None);
        };
        let Ok(bundle) = serde_json::from_slice::<Bundle>(&bytes) else {
            tracing::warn!(
                entry = name,
                "a stored account could not be read; it needs a new sign-in"
            );
            return Ok(None);
        };
        Ok(Some(StoredAccount {
            account: bundle.account,
            refresh_token: Sensitive(bundle.refresh_token),
            client_id: bundle.client_id,
            foci: bundle.foci,
        }))
    }

    /// Every account in the index that can be restored.
    pub fn load_all(&self) -> Result<Vec<StoredAccount>, AuthError> {
        let mut out = Vec::new();
        for name in self.index()? {
            if let Some(stored) = self.load(&name)? {
                out.push(stored);
            }
        }
        Ok(out)
    }

    /// Deletes the account's entries (header and chunks) and its index line.
    pub fn remove(&self, name: &str) -> Result<(), AuthError> {
        delete_chunked(self.store.as_ref(), name)?;
        let mut index = self.index()?;
        let before = index.len();
        index.retain(|n| n != name);
        if index.len() != before {
            self.write_index(&index)?;
        }
        Ok(())
    }

    /// Deletes every account and the index.
    pub fn remove_all(&self) -> Result<(), AuthError> {
        for name in self.index()? {
            delete_chunked(self.store.as_ref(), &name)?;
        }
        self.store.delete(INDEX_ENTRY)
    }

    /// Entry names listed in the index.
    pub fn index(&self) -> Result<Vec<String>, AuthError> {
        Ok(self
            .store
            .get(INDEX_ENTRY)?
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default())
    }

    fn write_index(&self, names: &[String]) -> Result<(), AuthError> {
        if names.is_empty() {
            return self.store.delete(INDEX_ENTRY);
        }
        let bytes = serde_json::to_vec(names).expect("names encode");
        write_chunked(self.store.as_ref(), INDEX_ENTRY, &bytes, self.chunk_limit)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Header {
    generation: u32,
    count: usize,
    sha256: String,
}

impl Header {
    fn encode(&self) -> String {
        format!(
            "{HEADER_PREFIX}gen={} count={} sha256={}",
            self.generation, self.count, self.sha256
        )
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(bytes)
            .ok()?
            .strip_prefix(HEADER_PREFIX)?;
        let mut generation = None;
        let mut count = None;
        let mut sha256 = None;
        for part in text.split(' ') {
            match part.split_once('=')? {
                ("gen", v) => generation = v.parse().ok(),
                ("count", v) => count = v.parse().ok(),
                ("sha256", v) => sha256 = Some(v.to_owned()),
                _ => {}
            }
        }
        Some(Self {
            generation: generation?,
            count: count?,
            sha256: sha256?,
        })
    }

    fn chunk_name(name: &str, generation: u32, index: usize) -> String {
        format!("{name}#{generation}.{index}")
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

fn current_header(store: &dyn TokenStore, name: &str) -> Result<Option<Header>, AuthError> {
    Ok(store.get(name)?.as_deref().and_then(Header::decode))
}

fn delete_generation(store: &dyn TokenStore, name: &str, header: &Header) -> Result<(), AuthError> {
    for i in 0..header.count {
        store.delete(&Header::chunk_name(name, header.generation, i))?;
    }
    Ok(())
}

/// Writes `value` under `name`, chunked when over `limit`; stale chunks are deleted.
pub(crate) fn write_chunked(
    store: &dyn TokenStore,
    name: &str,
    value: &[u8],
    limit: usize,
) -> Result<(), AuthError> {
    let old = current_header(store, name)?;
    if value.len() <= limit && !value.starts_with(HEADER_PREFIX.as_bytes()) {
        store.set(name, value)?;
    } else {
        let mut generation = rand::random::<u32>();
        if old.as_ref().is_some_and(|h| h.generation == generation) {
            generation = generation.wrapping_add(1);
        }
        let chunks: Vec<&[u8]> = value.chunks(limit).collect();
        for (i, chunk) in chunks.iter().enumerate() {
            store.set(&Header::chunk_name(name, generation, i), chunk)?;
        }
        let header = Header {
            generation,
            count: chunks.len(),
            sha256: sha256_hex(value),
        };
        store.set(name, header.encode().as_bytes())?;
    }
    if let Some(old) = old {
        delete_generation(store, name, &old)?;
    }
    Ok(())
}

/// Reads a value written by [`write_chunked`]; `None` when absent or torn.
pub(crate) fn read_chunked(
    store: &dyn TokenStore,
    name: &str,
) -> Result<Option<Vec<u8>>, AuthError> {
    let Some(first) = store.get(name)? else {
        return Ok(None);
    };
    if !first.starts_with(HEADER_PREFIX.as_bytes()) {
        return Ok(Some(first));
    }
    let Some(header) = Header::decode(&first) else {
        return Ok(None);
    };
    let mut value = Vec::new();
    for i in 0..header.count {
        match store.get(&Header::chunk_name(name, header.generation, i))? {
            Some(chunk) => value.extend_from_slice(&chunk),
            None => return Ok(None),
        }
    }
    if sha256_hex(&value) != header.sha256 {
        tracing::warn!(entry = name, "a chunked keychain entry is incomplete");
        return Ok(None);
    }
    Ok(Some(value))
}

/// Deletes `name` and its chunks.
pub(crate) fn delete_chunked(store: &dyn TokenStore, name: &str) -> Result<(), AuthError> {
    if let Some(header) = current_header(store, name)? {
        delete_generation(store, name, &header)?;
    }
    store.delete(name)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use invoice_desk_logging::Sensitive;

    use super::{
        AccountVault, CHUNK_LIMIT, MemoryStore, StoredAccount, TokenStore, read_chunked,
        write_chunked,
    };
    use crate::account::{Account, TenantInfo};

    #[test]
    fn a_keychain_call_that_hangs_ends_in_an_error_after_its_time() {
        use std::time::Duration;
        let started = std::time::Instant::now();
        let error = super::within(Duration::from_millis(100), || {
            std::thread::sleep(Duration::from_secs(2));
            Ok(())
        })
        .unwrap_err();
        assert_eq!(error.code(), "keychain_unavailable");
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(super::within(Duration::from_secs(5), || Ok(7)).unwrap(), 7);
    }
    use crate::cloud::Cloud;

    /// A refresh-token-like value of `len` bytes, made at run time.
    fn long_token(len: usize) -> String {
        (0..len)
            .map(|i| char::from(b'A' + u8::try_from(i % 26).unwrap()))
            .collect()
    }

    fn account(id: &str) -> Account {
        Account {
            id: id.into(),
            username: "ada@contoso.example".into(),
            display_name: "Ada".into(),
            cloud: Cloud::AzurePublic,
            home_tenant: "t-1".into(),
            tenants: vec![TenantInfo::new("t-1", true)],
        }
    }

    fn stored(id: &str, token_len: usize) -> StoredAccount {
        StoredAccount {
            account: account(id),
            refresh_token: Sensitive(long_token(token_len)),
            client_id: "c".into(),
            foci: true,
        }
    }

    #[test]
    fn small_values_stay_in_one_entry() {
        let store = MemoryStore::new();
        write_chunked(&store, "a", b"{\"x\":1}", CHUNK_LIMIT).unwrap();
        assert_eq!(store.entry_names(), vec!["a"]);
        assert_eq!(read_chunked(&store, "a").unwrap().unwrap(), b"{\"x\":1}");
    }

    #[test]
    fn large_tokens_are_chunked_under_the_windows_limit() {
        let store = Arc::new(MemoryStore::new());
        let vault = AccountVault::new(store.clone());
        let big = stored("u.t", 7000);
        vault.save(&big).unwrap();
        assert!(store.largest_entry() <= CHUNK_LIMIT);
        assert!(store.largest_entry() < 2560);
        let names = store.entry_names();
        // header + 4 chunks (7 kB of token plus metadata) + index
        assert!(names.len() >= 5, "{names:?}");
        assert!(names.contains(&"public:u.t".to_owned()));
        assert!(names.iter().any(|n| n.starts_with("public:u.t#")));
        let back = vault.load("public:u.t").unwrap().unwrap();
        assert_eq!(back.refresh_token.expose(), big.refresh_token.expose());
        assert_eq!(back.account, big.account);
        assert!(back.foci);
    }

    #[test]
    fn rewrites_delete_stale_chunks() {
        let store = Arc::new(MemoryStore::new());
        let vault = AccountVault::new(store.clone());
        vault.save(&stored("u.t", 9000)).unwrap();
        let first: Vec<String> = store.entry_names();
        vault.save(&stored("u.t", 5000)).unwrap();
        let second = store.entry_names();
        assert!(second.len() < first.len());
        // no chunk of the first generation is left
        for name in first.iter().filter(|n| n.contains('#')) {
            assert!(!second.contains(name), "stale {name}");
        }
        assert_eq!(
            vault
                .load("public:u.t")
                .unwrap()
                .unwrap()
                .refresh_token
                .expose()
                .len(),
            5000
        );
        // shrinking below the limit leaves one entry per account plus the index
        vault.save(&stored("u.t", 100)).unwrap();
        assert_eq!(store.entry_names(), vec!["accounts", "public:u.t"]);
    }

    #[test]
    fn torn_writes_read_as_signed_out() {
        let store = Arc::new(MemoryStore::new());
        let vault = AccountVault::new(store.clone());
        vault.save(&stored("u.t", 6000)).unwrap();
        let chunk = store
            .entry_names()
            .into_iter()
            .find(|n| n.ends_with(".1"))
            .unwrap();
        store.set(&chunk, b"garbage").unwrap();
        assert!(vault.load("public:u.t").unwrap().is_none());
        store.delete(&chunk).unwrap();
        assert!(vault.load("public:u.t").unwrap().is_none());
    }

    #[test]
    fn remove_and_remove_all() {
        let store = Arc::new(MemoryStore::new());
        let vault = AccountVault::new(store.clone());
        vault.save(&stored("a.t", 6000)).unwrap();
        vault.save(&stored("b.t", 10)).unwrap();
        assert_eq!(vault.load_all().unwrap().len(), 2);
        vault.remove("public:a.t").unwrap();
        assert_eq!(vault.index().unwrap(), vec!["public:b.t"]);
        assert!(
            store
                .entry_names()
                .iter()
                .all(|n| !n.starts_with("public:a.t"))
        );
        vault.save(&stored("c.t", 6000)).unwrap();
        vault.remove_all().unwrap();
        assert!(store.entry_names().is_empty(), "{:?}", store.entry_names());
        assert!(!vault.is_persistent());
    }

    #[test]
    fn debug_output_has_no_secrets() {
        let store = Arc::new(MemoryStore::new());
        let vault = AccountVault::new(store.clone());
        let s = stored("u.t", 3000);
        vault.save(&s).unwrap();
        let token = s.refresh_token.expose().clone();
        assert!(!format!("{s:?}").contains(&token));
        assert!(!format!("{store:?}").contains(&token[..40]));
    }
}
