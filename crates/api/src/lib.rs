//! The use cases of Invoice Desk, written once and called by both front ends: the window
//! (`src-tauri`, whose commands adapt these functions to Tauri) and `invoice-desk` (`crates/cli`,
//! whose commands parse flags, call the same functions and format what they return).
//!
//! Below this layer the domain crates do one thing each (`auth` signs in, `billing` talks to
//! Azure and decides what a role allows, `files` writes documents); here they are put together
//! the way a user's action needs them. Errors leave this crate typed; the front ends only
//! render them.

pub mod access_report;
pub mod accounts;
pub mod browser;
pub mod catalogue;
pub mod demo;
pub mod directory;
pub mod email;
pub mod error;
pub mod help;
pub mod jobs;
pub mod pending;
pub mod reason;
pub mod save;
pub mod sync;
pub mod usage;
pub mod usage_glance;

pub use catalogue::{Catalogue, Locale};
pub use demo::{DEFAULT_DEMO_USER, DEMO_SCENARIO, Demo, DemoError};
pub use directory::{Directory, DirectoryError};
pub use error::{AppError, ErrorCode};
pub use save::{DownloadJobs, RefusedInvoice, SaveError, download_jobs, may_download};
