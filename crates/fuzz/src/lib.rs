//! The fuzz targets: one function per parser that reads bytes someone else chose (a server, a
//! local program, the keychain, a file in the user's folder). Each takes any bytes and must
//! neither panic nor hang, and checks the promises its parser makes (a name never leaves its
//! folder, a delay never passes an hour, …), so libFuzzer finds broken promises as crashes.
//!
//! The same functions run three ways: under libFuzzer (`cargo xtask fuzz`, the binaries in
//! `fuzz/`), over the seed corpus and every saved regression in the ordinary test suite
//! (`tests/corpus.rs`), and from the seed writer that starts each fuzzing run.

pub mod disk;
pub mod input;
pub mod network;
pub mod seeds;
pub mod sign_in;
pub mod usage_file;

/// A fuzz target: its name (the binary and corpus folder) and its function.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
}

/// Every target, in the order `cargo xtask fuzz` runs them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "bundle",
        run: disk::bundle,
    },
    Target {
        name: "archive_index",
        run: disk::archive_index,
    },
    Target {
        name: "file_name",
        run: disk::file_name,
    },
    Target {
        name: "retry_after",
        run: network::retry_after,
    },
    Target {
        name: "content_range",
        run: network::content_range,
    },
    Target {
        name: "arm_error",
        run: network::arm_error,
    },
    Target {
        name: "arm_models",
        run: network::arm_models,
    },
    Target {
        name: "loopback_request",
        run: sign_in::loopback_request,
    },
    Target {
        name: "id_token",
        run: sign_in::id_token,
    },
    Target {
        name: "keychain_entry",
        run: sign_in::keychain_entry,
    },
    Target {
        name: "usage_csv",
        run: usage_file::usage_csv,
    },
];

/// The target called `name`.
#[must_use]
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().copied().find(|t| t.name == name)
}
