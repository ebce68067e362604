//! The real OS keychain (Linux: Secret Service over D-Bus). `cargo xtask test` runs the tests
//! inside `dbus-run-session` with an unlocked gnome-keyring. Without a reachable keychain the
//! round trip is skipped with a note, unless `INVOICE_DESK_REQUIRE_KEYRING=1` makes that a
//! failure; the fallback to memory is checked instead.

use std::sync::Arc;

use invoice_desk_auth::{
    Account, AccountVault, Cloud, KeyringStore, RememberStore, StoredAccount, TenantInfo,
    TokenStore, open_store,
};
use invoice_desk_logging::Sensitive;

fn keyring_required() -> bool {
    std::env::var("INVOICE_DESK_REQUIRE_KEYRING").is_ok_and(|v| v == "1")
}

/// A refresh-token-like value over Windows' 2,560-byte limit, made at run time.
fn long_token() -> String {
    (0..6000)
        .map(|i: u32| char::from_digit(i % 36, 36).unwrap())
        .collect()
}

fn stored() -> StoredAccount {
    StoredAccount {
        account: Account {
            id: format!("{}.home", uuid_like()),
            username: "keychain-test@contoso.example".into(),
            display_name: "Keychain Test".into(),
            cloud: Cloud::AzurePublic,
            home_tenant: "home".into(),
            tenants: vec![TenantInfo::new("home", true)],
        },
        refresh_token: Sensitive(long_token()),
        client_id: "client".into(),
        foci: false,
    }
}

fn uuid_like() -> String {
    format!(
        "{:x}-{:x}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

#[test]
fn real_keychain_round_trip_with_chunks() {
    let service = format!("invoice-desk-test-{}", uuid_like());
    let store = match KeyringStore::open_service(&service) {
        Ok(store) => store,
        Err(error) => {
            assert!(
                !keyring_required(),
                "INVOICE_DESK_REQUIRE_KEYRING=1 but the OS keychain is not reachable: {error} \
                 (run under `dbus-run-session` with an unlocked gnome-keyring, as `cargo xtask test` does)"
            );
            eprintln!("note: skipping the real keychain round trip: {error}");
            return;
        }
    };
    let store: Arc<dyn TokenStore> = Arc::new(store);
    assert!(store.is_persistent());
    let vault = AccountVault::new(store.clone());
    let account = stored();
    let name = account.entry_name();
    vault.save(&account).expect("save to the keychain");

    let back = vault.load(&name).unwrap().expect("entry read back");
    assert_eq!(back.refresh_token.expose(), account.refresh_token.expose());
    assert_eq!(back.account, account.account);
    assert_eq!(vault.index().unwrap(), vec![name.clone()]);
    // The header entry is small: the token went to chunks.
    let header = store.get(&name).unwrap().unwrap();
    assert!(header.len() < 200);

    // A fresh handle (as after a restart) sees it too.
    let reopened = AccountVault::new(Arc::new(KeyringStore::open_service(&service).unwrap()));
    assert_eq!(reopened.load_all().unwrap().len(), 1);

    vault.remove(&name).unwrap();
    assert!(vault.load(&name).unwrap().is_none());
    assert!(store.get(&name).unwrap().is_none());
    vault.remove_all().unwrap();
    assert!(vault.index().unwrap().is_empty());
}

#[test]
fn without_a_keychain_the_app_falls_back_to_memory_with_a_reason() {
    let (store, problem) = open_store(true);
    match problem {
        None => {
            assert!(store.is_persistent());
        }
        Some(error) => {
            assert!(
                !keyring_required(),
                "INVOICE_DESK_REQUIRE_KEYRING=1 but the keychain failed: {error}"
            );
            assert_eq!(error.code(), "keychain_unavailable", "{error}");
            assert!(!store.is_persistent(), "never a file instead");
            eprintln!("note: no OS keychain here; checked the memory fallback: {error}");
        }
    }
    let (memory, problem) = open_store(false);
    assert!(problem.is_none());
    assert!(!memory.is_persistent());
}

#[test]
fn switching_remembering_off_empties_the_real_keychain_and_on_refills_it() {
    let service = format!("invoice-desk-test-{}", uuid_like());
    let keychain = match KeyringStore::open_service(&service) {
        Ok(store) => store,
        Err(error) => {
            assert!(
                !keyring_required(),
                "INVOICE_DESK_REQUIRE_KEYRING=1 but the OS keychain is not reachable: {error}"
            );
            eprintln!("note: skipping the remember switch on the real keychain: {error}");
            return;
        }
    };
    let keychain: Arc<dyn TokenStore> = Arc::new(keychain);
    let remember = Arc::new(RememberStore::new(Some(keychain.clone()), true));
    let vault = AccountVault::new(remember.clone());
    let account = stored();
    vault.save(&account).expect("save");
    // What a restart would find.
    let after_restart = || {
        AccountVault::new(keychain.clone())
            .load_all()
            .unwrap()
            .len()
    };
    assert_eq!(after_restart(), 1);

    remember.set_remember(false).expect("switch off");
    assert_eq!(
        after_restart(),
        0,
        "the keychain no longer holds the account"
    );
    let kept = vault.load_all().unwrap();
    assert_eq!(kept.len(), 1, "this session keeps it");
    assert_eq!(
        kept[0].refresh_token.expose(),
        account.refresh_token.expose()
    );

    remember.set_remember(true).expect("switch on");
    assert_eq!(after_restart(), 1, "written back to the keychain");
    vault.remove_all().unwrap();
    assert_eq!(after_restart(), 0);
}
