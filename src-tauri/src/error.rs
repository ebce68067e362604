//! The one error shape that crosses into the web view, decided in `invoice-desk-api`: the
//! window renders `errors.<code>` from the catalogue and shows `details` on request.

pub use invoice_desk_api::{AppError, ErrorCode};
