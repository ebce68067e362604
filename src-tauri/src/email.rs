//! Who receives a billing profile's invoices by e-mail, from the window: read from Azure, and
//! changed where the user's role allows. The rules (which scopes have these settings, checked
//! addresses, opting out unsubscribes everyone, someone else's change is kept) are
//! `invoice-desk-api`'s; this module finds the scope and hands the answer over.

use tauri::State;

use invoice_desk_api::email::{
    EmailChange, EmailFailure, InvoiceEmail, SubscriptionEmail, change_invoice_email,
    change_notification_email, invoice_email, subscription_email,
};
use invoice_desk_billing::LroOptions;

use crate::browse::Browse;
use crate::error::AppError;

/// A customer agreement billing profile's invoice e-mail settings, as Azure holds them now.
#[tauri::command]
#[specta::specta]
pub async fn billing_profile_email(
    browse: State<'_, Browse>,
    scope_id: String,
) -> Result<InvoiceEmail, AppError> {
    let (discovered, entry) = browse.scope(&scope_id).await?;
    invoice_email(&discovered.directory, &entry).await
}

/// Changes a billing profile's invoice e-mail delivery or extra recipients and answers with
/// what Azure holds afterwards; a failure carries Azure's state read again, so the window
/// never shows a state Azure does not have.
#[tauri::command]
#[specta::specta]
pub async fn change_billing_profile_email(
    browse: State<'_, Browse>,
    scope_id: String,
    change: EmailChange,
) -> Result<InvoiceEmail, EmailFailure> {
    let (discovered, entry) = browse.scope(&scope_id).await.map_err(EmailFailure::from)?;
    let outcome = change_invoice_email(
        &discovered.directory,
        &entry,
        &change,
        &LroOptions::default(),
    )
    .await;
    if let Err(failure) = &outcome {
        tracing::warn!(code = ?failure.error.code, "invoice e-mail change failed");
    }
    outcome
}

/// A pay-as-you-go subscription's invoice e-mail, as far as Azure shows it: whether the user
/// is the account administrator, the account's notification address, and whether the offer
/// has invoice e-mail at all. The rest is the portal's.
#[tauri::command]
#[specta::specta]
pub async fn subscription_invoice_email(
    browse: State<'_, Browse>,
    scope_id: String,
) -> Result<SubscriptionEmail, AppError> {
    let (discovered, entry) = browse.scope(&scope_id).await?;
    subscription_email(&discovered.directory, &entry).await
}

/// Sets a pay-as-you-go account's notification address (its communication preferences).
#[tauri::command]
#[specta::specta]
pub async fn change_subscription_notification_email(
    browse: State<'_, Browse>,
    scope_id: String,
    address: String,
) -> Result<SubscriptionEmail, EmailFailure> {
    let (discovered, entry) = browse.scope(&scope_id).await.map_err(EmailFailure::from)?;
    change_notification_email(
        &discovered.directory,
        &entry,
        &address,
        &LroOptions::default(),
    )
    .await
}
