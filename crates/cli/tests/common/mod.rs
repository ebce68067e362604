//! What the command-line tests on the demo day share: the real binary run on the demo data,
//! living on one pinned day, with the language and logging of the machine left out.

#![allow(dead_code)] // each test binary uses its own share of these

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The demo's day in these tests.
pub const TODAY: &str = "2026-12-03";

/// `invoice-desk --demo --today TODAY ARGS` with its settings under `config`. The demo signs
/// in without the keychain; the service named is one no test writes to.
pub fn cli(args: &[&str], config: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_invoice-desk"))
        .args(["--demo", "--today", TODAY])
        .args(args)
        .env(
            "INVOICE_DESK_KEYRING_SERVICE",
            "invoice-desk-demo-test-unused",
        )
        .env("XDG_CONFIG_HOME", config)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Stdout as JSON; what was printed when it is not.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\nstderr:\n{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    })
}
