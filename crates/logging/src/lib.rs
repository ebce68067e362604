//! Where the app's log goes and what may never appear in it.
//!
//! Logs land in a daily rolling file in the OS log folder ([`log_dir`]). Every line passes through
//! [`redact`] on its way to disk, so a token that slips into a message, a URL or an error body is
//! scrubbed even if the code that logged it forgot. Code that holds a secret wraps it in
//! [`Sensitive`] so its `Debug`/`Display` never reveal it in the first place.

mod redact;
mod sink;

pub use redact::{Sensitive, redact};
pub use sink::{DIAGNOSTICS_ENV, LogGuard, LoggingError, init, log_dir};
