//! What the browsing tests share: a billing client signed in to the in-process emulator as one
//! of its users, and a discovery of everything that user can reach.

// Each test binary uses its own subset.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use invoice_desk_billing::browse::{Caller, Discovery, discover_scopes};
use invoice_desk_billing::{
    ArmClient, ArmClientBuilder, Cloud, Portal, RetryPolicy, StaticTokenCredential,
};
use invoice_desk_emulator::{Emulator, EmulatorConfig};

/// A client for the emulator's ARM endpoint holding `token`; the caller sets its policies.
pub fn builder(emulator: &Emulator, token: String) -> ArmClientBuilder {
    ArmClient::builder(
        Cloud::Custom {
            arm_url: emulator.base_url().to_string(),
            token_scope: String::new(),
        },
        Arc::new(StaticTokenCredential::for_a_day(token)),
    )
}

pub struct Session {
    pub client: ArmClient,
    pub caller: Caller,
}

/// A client signed in as `upn`; `with_oid` false leaves the caller's object id unknown, so no
/// role assignments are read and only permissions (or nothing) decide.
pub fn session(emulator: &Emulator, upn: &str, with_oid: bool) -> Session {
    let user = emulator
        .users()
        .into_iter()
        .find(|u| u.upn == upn)
        .expect("demo user");
    let client = builder(emulator, emulator.token_for(upn).unwrap())
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            max_total: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(5),
        })
        .build()
        .unwrap();
    Session {
        client,
        caller: Caller {
            tenant_id: Some(user.tenant_id),
            object_id: with_oid.then_some(user.object_id),
        },
    }
}

pub fn portal() -> Portal {
    Portal::new("https://portal.azure.com")
}

/// Every scope `upn` can reach; fails the test when any part of the discovery failed.
pub async fn discover(emulator: &Emulator, upn: &str, with_oid: bool) -> (Session, Discovery) {
    let s = session(emulator, upn, with_oid);
    let found = discover_scopes(&s.client, &s.caller, &portal()).await;
    assert!(found.failures.is_empty(), "{upn}: {:?}", found.failures);
    (s, found)
}

/// The day the test emulators live on (`INVOICE_DESK_TODAY` when set, else today).
pub fn today() -> time::Date {
    invoice_desk_emulator::calendar::today()
}

pub async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default()).await.unwrap()
}
