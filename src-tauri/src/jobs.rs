//! The jobs registry the activity tray shows lives in `invoice-desk-api`, shared with the
//! command line; the shell reports its changes as `job-progress-event`s (see `lib.rs`).

pub use invoice_desk_api::jobs::{JobHandle, JobKind, JobProgress, Jobs, RetryRequest};
