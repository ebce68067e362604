//! What a save fetches: the documents of the invoices a user named, or of every invoice in a
//! range, in a scope where the user's role allows downloading them. The window's saves, drags
//! and archive sync and the CLI's `download` and `sync` all start here.

use invoice_desk_billing::{BillingError, Capability, InvoiceRange, ScopeEntry};
use invoice_desk_files::{DocumentSelection, Job, named_targets, scope_targets};

use crate::directory::Directory;

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The caller's role does not allow downloading this scope's invoices; the capability says
    /// why (the missing role and who grants it, or where the portal offers them instead).
    #[error("your role does not allow downloading the invoices of {scope}")]
    NotAllowed { scope: String, why: Capability },
    /// Azure refused or failed to list the invoices.
    #[error(transparent)]
    Listing(#[from] BillingError),
}

/// Whether invoices of `entry` may be downloaded; the capability that says why not, if not.
pub fn may_download(entry: &ScopeEntry) -> Result<(), SaveError> {
    match &entry.capabilities.download_invoices {
        Capability::Allowed => Ok(()),
        other => Err(SaveError::NotAllowed {
            scope: entry.scope.id.clone(),
            why: other.clone(),
        }),
    }
}

/// The download jobs for `invoices` of `entry` (every invoice of `range` when none are named).
pub async fn download_jobs(
    directory: &Directory,
    entry: &ScopeEntry,
    invoices: &[String],
    range: InvoiceRange,
    documents: DocumentSelection,
) -> Result<Vec<Job>, SaveError> {
    may_download(entry)?;
    let client = &directory.client;
    let targets = if invoices.is_empty() {
        scope_targets(client, &entry.scope, range, documents).await
    } else {
        named_targets(client, &entry.scope, invoices, documents).await
    }?;
    Ok(targets
        .into_iter()
        .map(|target| Job {
            client: client.clone(),
            target,
        })
        .collect())
}
