//! One module per command. `download` and `sync` (issue 7) join them here and start from
//! [`crate::context::Context`] like the others.

pub mod accounts;
pub mod invoices;
pub mod login;
pub mod logout;
pub mod scopes;
