//! Scenarios: deterministic worlds generated relative to "now".

pub mod bench;
pub mod builder;
pub mod demo;
pub mod load;
pub mod model;
pub mod rng;

use time::OffsetDateTime;

use crate::faults::FaultRule;
use model::World;

/// Every scenario name `--scenario` accepts.
pub const NAMES: &[&str] = &["demo", "load", "bench", "flaky"];

/// Builds a scenario's world and the fault rules it starts with.
pub fn build(name: &str, now: OffsetDateTime) -> Option<(World, Vec<FaultRule>)> {
    match name {
        "demo" => Some((demo::build(now), Vec::new())),
        "load" => Some((load::build(now), Vec::new())),
        "bench" => Some((bench::build(now), Vec::new())),
        // The demo data behind a network that misbehaves now and then.
        "flaky" => Some((demo::build(now), crate::faults::flaky_defaults())),
        _ => None,
    }
}
