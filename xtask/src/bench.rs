//! `cargo xtask bench [--limit N] [--latency-ms MS] [--runs N] [--no-peer]`: the listing
//! benchmark of `crates/billing/benches/listing.rs` (the Rust sweep against the emulator with
//! injected latency, compared with the ideal for the concurrency limit and with a sequential
//! script on the official Python SDK). Exits unsuccessfully when a target is missed.

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
    process::run(&mut cmd)
}
