//! What reaches sign-in: a request to the loopback port from any local program, the tokens'
//! `client_info` and ID token, and the keychain's entries.

use std::sync::Arc;

use invoice_desk_auth::entra::{ClientInfo, IdTokenClaims};
use invoice_desk_auth::loopback::{Verdict, judge, request_target};
use invoice_desk_auth::store::{AccountVault, MemoryStore, TokenStore};

use crate::input::{fields, text};

/// The state of the sign-in the fuzzed requests try to end.
pub const STATE: &str = "fuzz-expected-state-0123456789";

/// A request head sent to the loopback port: it ends the sign-in only with a non-empty code
/// and this sign-in's state.
pub fn loopback_request(data: &[u8]) {
    let Some(target) = request_target(data) else {
        return;
    };
    if let Verdict::Code(code) = judge(&target, STATE, "organizations") {
        assert!(!code.0.expose().is_empty());
        assert!(
            target.contains("state="),
            "a code without a state: {target}"
        );
    }
}

/// `client_info` and the ID token from a token answer.
pub fn id_token(data: &[u8]) {
    let text = text(data);
    if let Ok(info) = ClientInfo::parse(&text) {
        let _ = info.account_id();
    }
    if let Ok(claims) = IdTokenClaims::parse(&text) {
        let _ = claims.username();
    }
}

/// Keychain entries as another program (or a torn write) may have left them: pairs of name
/// and value. Loading never panics and never restores an account from a torn chunk set.
pub fn keychain_entry(data: &[u8]) {
    let store = Arc::new(MemoryStore::new());
    let pairs = fields(data, 16);
    for pair in pairs.chunks(2) {
        if let [name, value] = pair
            && !name.is_empty()
        {
            store
                .set(&text(name), value)
                .expect("memory always takes a value");
        }
    }
    let vault = AccountVault::new(store.clone());
    let _ = vault.load_all();
    for name in store.entry_names() {
        let _ = vault.load(&name);
    }
}
