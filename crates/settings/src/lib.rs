//! The user's settings: what they are, where they live, and how they survive a bad file.
//!
//! One rule decides each thing here: [`Settings::default`] decides the defaults, [`SettingsStore`]
//! decides how the file is read and written. A corrupt file never crashes the app and is never
//! silently wiped: it is moved aside to a backup and the caller gets a warning to show.

mod model;
mod store;

pub mod atomic;

pub use atomic::write_atomically;
pub use model::{
    DEFAULT_FILE_NAME_TEMPLATE, DEFAULT_USAGE_FILE_NAME_TEMPLATE, Language, Settings, Theme,
};
pub use store::{LoadOutcome, SettingsError, SettingsStore};
