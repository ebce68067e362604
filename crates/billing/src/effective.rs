//! The caller's effective permissions at one billing scope, from whichever source answers.
//!
//! `billingPermissions` lists every action the caller holds and is tried first. When it does
//! not answer (some scopes and agreements give 400/404, or it fails outright), one `checkAccess`
//! call asks about exactly the actions the app needs ([`Action::check_access_actions`]). Either
//! answer becomes the same [`Permissions`], so [`crate::access::capabilities`] stays the one
//! place that decides what the caller may do.

use futures::TryStreamExt;

use crate::access::{Action, PermissionSource as Source, Permissions};
use crate::arm::ArmClient;
use crate::error::BillingError;

/// Whether an error means "this API is not for this agreement, scope or caller".
pub(crate) fn not_applicable(error: &BillingError) -> bool {
    matches!(
        error,
        BillingError::Forbidden { .. } | BillingError::NotFound { .. }
    ) || matches!(error, BillingError::BadRequest { status: 400, .. })
}

/// The caller's permissions at `scope_id`; `Ok(None)` when neither source knows (nothing to
/// report), `Err` with the `billingPermissions` failure when both failed and that failure is
/// worth showing.
pub async fn permissions_at(
    client: &ArmClient,
    scope_id: &str,
) -> Result<Option<(Permissions, Source)>, BillingError> {
    let listed = client
        .list_billing_permissions_at(scope_id)
        .try_collect::<Vec<_>>()
        .await;
    let error = match listed {
        Ok(list) => {
            let permissions = Permissions {
                actions: list.iter().flat_map(|p| p.actions.clone()).collect(),
                not_actions: list.iter().flat_map(|p| p.not_actions.clone()).collect(),
            };
            return Ok(Some((permissions, Source::BillingPermissions)));
        }
        Err(e) => e,
    };
    tracing::debug!(
        scope = scope_id,
        code = error.code(),
        "billingPermissions unavailable, asking checkAccess"
    );
    match client
        .check_access_at(scope_id, Action::check_access_actions())
        .await
    {
        Ok(decisions) => {
            Ok(Permissions::from_access_decisions(&decisions).map(|p| (p, Source::CheckAccess)))
        }
        Err(e) if not_applicable(&error) => {
            tracing::debug!(
                scope = scope_id,
                code = e.code(),
                "checkAccess unavailable too"
            );
            Ok(None)
        }
        Err(_) => Err(error),
    }
}
