//! The HTTP pipeline to Azure Resource Manager.

mod client;
pub mod errors;
mod lro;
mod paging;
pub mod retry;

pub use client::{
    ArmClient, ArmClientBuilder, CappedReadError, DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_PAGES,
    MAX_ARM_BODY, read_capped,
};
pub(crate) use client::{Request, Response};
pub use lro::{LroOptions, LroPolicy, LroProgress, LroStatus, ProgressCallback};
pub use paging::ItemStream;
pub use retry::{RetryPolicy, RetrySafety};
