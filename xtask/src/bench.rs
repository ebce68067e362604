//! `cargo xtask bench [--limit N] [--latency-ms MS] [--runs N] [--no-peer]`: the listing
//! benchmark of `crates/billing/benches/listing.rs` (the Rust sweep against the emulator with
//! injected latency, compared with the ideal for the concurrency limit and with a sequential
//! script on the official Python SDK), then the sidebar filter over 1,000 scopes against the
//! 16 ms frame budget. Exits unsuccessfully when a target is missed.

use anyhow::Result;

use crate::process;

pub fn run(args: &[String]) -> Result<()> {
    let mut cmd = process::cargo(&[
        "bench",
        "-p",
        "invoice-desk-billing",
        "--bench",
        "listing",
        "--",
    ]);
    cmd.args(args);
    process::run(&mut cmd)?;
    sidebar_filter()
}

/// The sidebar filter over 1,000 scopes: per-keystroke time of the filter and of the rendered
/// sidebar (jsdom), against the 16 ms frame budget. The same tests run untimed in the suite.
fn sidebar_filter() -> Result<()> {
    crate::setup::ui_dependencies()?;
    let mut vitest = process::npm_exec("vitest");
    vitest
        .args([
            "run",
            "src/lib/scopes.test.ts",
            "src/components/Sidebar.test.ts",
        ])
        .current_dir(process::root().join("ui"))
        .env("INVOICE_DESK_BENCH", "1");
    process::run(&mut vitest)
}
