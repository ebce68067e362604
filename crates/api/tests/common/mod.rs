//! What the use-case tests share: the in-process emulator, a directory signed in as a demo
//! user with quick retries and polls, and finding a scope of theirs.

#![allow(dead_code)] // each test binary uses its own share of these

use std::sync::Arc;
use std::time::Duration;

use invoice_desk_api::Directory;
use invoice_desk_billing::browse::Caller;
use invoice_desk_billing::{
    ArmClient, Clock, Cloud, LroPolicy, Portal, RetryPolicy, ScopeEntry, ScopeKind,
    StaticTokenCredential,
};
use invoice_desk_emulator::{Emulator, EmulatorConfig};

pub async fn emulator(config: EmulatorConfig) -> Emulator {
    Emulator::start(EmulatorConfig {
        retry_after_secs: 0,
        ..config
    })
    .await
    .expect("emulator starts")
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(100),
        max_total: Duration::from_secs(20),
        attempt_timeout: Duration::from_secs(10),
    }
}

/// `upn`'s home directory at the emulator, living on the emulator's day.
pub fn directory(emu: &Emulator, upn: &str) -> Directory {
    let user = emu.users().into_iter().find(|u| u.upn == upn).unwrap();
    let client = ArmClient::builder(
        Cloud::Custom {
            arm_url: emu.base_url().to_string(),
            token_scope: String::new(),
        },
        Arc::new(StaticTokenCredential::for_a_day(
            emu.token_for(upn).expect("demo user"),
        )),
    )
    .retry_policy(fast_retry())
    .lro_policy(LroPolicy {
        default_poll_interval: Duration::from_millis(10),
        min_poll_interval: Duration::from_millis(1),
        max_poll_interval: Duration::from_millis(50),
        ..LroPolicy::default()
    })
    .build()
    .unwrap();
    Directory {
        account_id: String::new(),
        username: upn.to_owned(),
        tenant_id: user.tenant_id.clone(),
        client,
        caller: Caller {
            tenant_id: Some(user.tenant_id),
            object_id: Some(user.object_id),
        },
        portal: Portal::new("https://portal.azure.com"),
        clock: Clock::pinned_or_system(Some(emu.today())),
    }
}

/// The first scope of `kind` the user's discovery lists, named `name` when given.
pub async fn entry_named(directory: &Directory, kind: ScopeKind, name: Option<&str>) -> ScopeEntry {
    directory
        .discover()
        .await
        .scopes
        .into_iter()
        .find(|e| e.scope.kind == kind && name.is_none_or(|n| e.scope.display_name == n))
        .unwrap_or_else(|| panic!("{} has a {kind:?} {name:?}", directory.username))
}

pub async fn entry(directory: &Directory, kind: ScopeKind) -> ScopeEntry {
    entry_named(directory, kind, None).await
}
