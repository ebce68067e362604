//! "Check my access" from the window: the report of `invoice-desk-api` over the scopes the
//! window has already listed, in every signed-in directory that is turned on. Nothing is asked
//! of Azure again: the roles, permissions and verdicts are the ones discovery gathered.

use tauri::State;

use invoice_desk_api::access_report::{AccessReport, Reached, access_report};

use crate::browse::Browse;
use crate::error::AppError;
use crate::signin::SignIn;

/// Per billing account the window lists, its agreement and, per scope, the roles held, where
/// Azure said so and what each action allows.
#[tauri::command]
#[specta::specta]
pub async fn check_access(
    state: State<'_, crate::state::AppState>,
    browse: State<'_, Browse>,
    sign_in: State<'_, SignIn>,
) -> Result<AccessReport, AppError> {
    let loaded = browse.loaded().await;
    let mut reached = Vec::with_capacity(loaded.len());
    for (account_id, tenant_id, entry) in loaded {
        // A directory turned off or signed out of since it was listed is left out, even
        // before its listing is forgotten.
        let Ok(session) = sign_in.session(&account_id).await else {
            continue;
        };
        let account = session.account();
        if !account
            .tenants
            .iter()
            .any(|t| t.enabled && t.id.eq_ignore_ascii_case(&tenant_id))
        {
            continue;
        }
        let username = account.username.clone();
        reached.push((
            Reached {
                account_id,
                username,
                tenant_id,
            },
            entry,
        ));
    }
    // Discovery's order within a directory; directories by account and tenant so the report
    // reads the same each time it is opened.
    reached.sort_by(|(a, _), (b, _)| (&a.username, &a.tenant_id).cmp(&(&b.username, &b.tenant_id)));
    let locale = invoice_desk_api::Locale::resolve(state.settings().language);
    Ok(access_report(reached.iter().map(|(who, entry)| (who.clone(), entry))).with_help(locale))
}
