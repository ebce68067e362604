//! One module per command; `download` and `sync` share `save`.

pub mod access;
pub mod accounts;
pub mod email;
pub mod glance;
pub mod invoices;
pub mod login;
pub mod logout;
pub mod save;
pub mod scopes;
pub mod usage;
