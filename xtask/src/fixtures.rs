//! `cargo xtask fixtures`: records what the app's commands answer in demo mode into
//! `ui/src/e2e/recorded/`, the data the browser tests' IPC mock answers demo mode with.
//!
//! The recording is `src-tauri/tests/recorded_fixtures.rs`, run with `UPDATE_FIXTURES` set:
//! the real commands on Tauri's mock runtime, the emulator's `demo` scenario on a pinned day.
//! Without it that test checks the committed files, so `cargo xtask test` fails when they
//! drift from the shell.

use anyhow::Result;

use crate::{process, setup};

pub fn run() -> Result<()> {
    // The app embeds the built UI at compile time.
    setup::ensure_ui_dist_exists()?;
    let mut cargo = process::cargo(&[
        "test",
        "--package",
        "invoice-desk-app",
        "--test",
        "recorded_fixtures",
    ]);
    cargo.env("UPDATE_FIXTURES", "1");
    process::run(&mut cargo)?;
    println!("wrote ui/src/e2e/recorded/");
    Ok(())
}
