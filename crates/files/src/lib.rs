//! Invoice documents onto the user's disk: safe names from one template, streamed, resumable,
//! verified downloads that only ever appear complete under their final name, never an
//! overwritten file, and a local index of the archive. No UI here and no Tauri: the app and the
//! CLI both call [`run_batch`].
//!
//! ```text
//! template + sanitise   where a document goes            (the one rule for file names)
//! links                 which billing API gives its link (MCA/EA by account, MOSP + legacy)
//! bundle                several documents as one `downloadDocuments` zip, unpacked safely
//! csv_join              a usage report's CSV parts as one file with one header
//! report                a usage report's blobs → one CSV (or parts) under its final name
//! writer + retry        the link → `<final>.part`        (Range resume, Retry-After, checks)
//! place                 `.part` → final name             (no overwrite; same bytes / keep both)
//! index                 what is in the archive           (atomic JSON in the folder)
//! plan                  what a scope has                 (listing for download and sync)
//! batch                 all of it for many documents     (events, concurrency, summary)
//! ```

mod batch;
pub mod bundle;
pub mod csv_join;
mod error;
pub mod fsio;
pub mod index;
pub mod links;
pub mod parts;
pub mod place;
pub mod plan;
pub mod report;
pub mod retry;
pub mod sanitise;
mod sink;
pub mod target;
pub mod template;
pub mod verify;
pub mod writer;

pub use batch::{
    BatchEvent, BatchOptions, BatchSummary, DEFAULT_CONCURRENCY, EventSink, FailedItem, ItemInfo,
    ItemResult, Job, run_batch, slash_path,
};
pub use error::{FilesCode, FilesError, ItemError};
pub use index::{ArchiveIndex, DocumentKey, INDEX_FILE, INDEX_LOCK_FILE, IndexEntry, IndexWarning};
pub use place::Placed;
pub use plan::{named_targets, scope_targets};
pub use retry::TransferPolicy;
pub use sink::DIRECT_FROM;
pub use target::{DocumentSelection, LinkSource, Target};
pub use template::{NameFields, Template, TemplateError, preview};
pub use verify::ContentKind;
pub use writer::{Downloaded, Fetcher, Transfer};
