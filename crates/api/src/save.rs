//! What a save fetches: the documents of the invoices a user named, or of every invoice in a
//! range, in a scope where the user's role allows downloading them. The window's saves, drags
//! and archive sync and the CLI's `download` and `sync` all start here.

use invoice_desk_billing::access::InvoiceRefusal;
use invoice_desk_billing::{BillingError, Capability, InvoiceRange, ScopeEntry};
use invoice_desk_files::{DocumentSelection, Job, named_targets, scope_targets};

use crate::directory::Directory;

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The caller's role does not allow downloading this scope's invoices; the capability says
    /// why (the missing role and who grants it, or where the portal offers them instead).
    #[error("your role does not allow downloading the invoices of {scope}")]
    NotAllowed { scope: String, why: Capability },
    /// A named invoice is kept from the caller although the scope's invoices are not (a
    /// pay-as-you-go invoice from before December 2016 for anyone but the account
    /// administrator).
    #[error("invoice {invoice} cannot be downloaded: {}", .why.code())]
    InvoiceRefused {
        invoice: String,
        why: InvoiceRefusal,
    },
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

/// An invoice of a range that is not saved because it is kept from the caller (the window's
/// summary shows it as it is).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RefusedInvoice {
    pub invoice: String,
    pub refusal: InvoiceRefusal,
}

/// What a save fetches, and the invoices of its range it leaves out (and why).
#[derive(Debug, Default)]
pub struct DownloadJobs {
    pub jobs: Vec<Job>,
    /// Only ever filled for a range: a named invoice that is kept from the caller is an error.
    pub refused: Vec<RefusedInvoice>,
}

/// The download jobs for `invoices` of `entry` (every invoice of `range` when none are named).
pub async fn download_jobs(
    directory: &Directory,
    entry: &ScopeEntry,
    invoices: &[String],
    range: InvoiceRange,
    documents: DocumentSelection,
) -> Result<DownloadJobs, SaveError> {
    may_download(entry)?;
    let client = &directory.client;
    let targets = if invoices.is_empty() {
        scope_targets(client, &entry.scope, range, documents).await
    } else {
        named_targets(client, &entry.scope, invoices, documents).await
    }?;
    let mut allowed = Vec::with_capacity(targets.len());
    let mut refused: Vec<RefusedInvoice> = Vec::new();
    for target in targets {
        match entry.invoice_refusal(target.invoice_date) {
            None => allowed.push(target),
            // Named: the user asked for this one and hears why not.
            Some(why) if !invoices.is_empty() => {
                return Err(SaveError::InvoiceRefused {
                    invoice: target.invoice,
                    why,
                });
            }
            // In a range: the rest of the range is saved, and the summary names this one
            // (once, though it may have several documents).
            Some(refusal) => {
                if !refused.iter().any(|r| r.invoice == target.invoice) {
                    refused.push(RefusedInvoice {
                        invoice: target.invoice,
                        refusal,
                    });
                }
            }
        }
    }
    let jobs = allowed
        .into_iter()
        .map(|target| Job {
            client: client.clone(),
            target,
        })
        .collect();
    Ok(DownloadJobs { jobs, refused })
}
