//! Browsing: the billing scopes of a signed-in directory and the billing periods of a scope,
//! each period with its invoices or the reason there is none. The rules live in
//! `invoice-desk-billing` (`browse`, `access`, `availability`); this module turns their answers
//! into the typed shapes the web view renders, and keeps the last discovery per directory so a
//! period listing doesn't discover again.

#![allow(clippy::needless_pass_by_value)] // `#[tauri::command]` hands extractors over by value

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};
use tokio::sync::Mutex;

use invoice_desk_api::Directory;
use invoice_desk_billing::access::{AccessPolicy, Capabilities, InvoiceRefusal};
use invoice_desk_billing::{
    AgreementFamily, Availability, BillingCode, BillingError, BillingRole, ReasonCode, ScopeEntry,
    ScopeKind, ShownRange,
};

use crate::error::{AppError, ErrorCode};
use crate::listing_cache::{Cached, ListingCache};
use crate::signin::SignIn;

// The verdicts' shape is the use-case layer's, shared with "Check my access".
pub use invoice_desk_api::access_report::CapabilitiesView;
// The listing cache's tests build summaries by hand.
#[cfg(test)]
pub use invoice_desk_api::access_report::{CapabilityState, CapabilityView};

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ScopeSummary {
    /// The ARM resource id: the scope's identity everywhere in the app.
    pub id: String,
    pub account_id: String,
    pub tenant_id: String,
    /// What kind of scope it is; scopes are grouped by kind in the order of `SCOPE_KINDS`.
    pub kind: ScopeKind,
    /// The agreement's family, for the badge.
    pub family: AgreementFamily,
    pub display_name: String,
    pub billing_account_name: Option<String>,
    /// The billing profile an invoice section belongs to.
    #[serde(default)]
    pub parent_display_name: Option<String>,
    pub currency: Option<String>,
    /// The caller's billing roles here, strongest first.
    pub roles: Vec<BillingRole>,
    pub capabilities: CapabilitiesView,
    /// Parts of this scope that could not be read (the rest still shows).
    pub issues: Vec<AppError>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MoneyView {
    /// Exact decimal as text (never a float): `"1234.56"`.
    pub value: String,
    pub currency: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceView {
    pub name: String,
    pub invoice_date: Option<String>,
    pub due_date: Option<String>,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    /// Azure's status as sent (`Due`, `Paid`, `OverDue`, `Void`, … or a new one).
    pub status: Option<String>,
    pub document_type: Option<String>,
    pub amount_due: Option<MoneyView>,
    pub billed_amount: Option<MoneyView>,
    pub total_amount: Option<MoneyView>,
    /// The one amount the table, the details and the chart show.
    pub shown_amount: Option<MoneyView>,
    /// The kinds of documents available (`Invoice`, `CreditNote`, `TaxReceipt`, `Summary`, …).
    pub documents: Vec<String>,
    /// Why this invoice may not be downloaded although the scope's others may; `None` when it
    /// may (as far as the scope's capability allows).
    #[serde(default)]
    pub refusal: Option<InvoiceRefusal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FactView {
    pub code: String,
    pub value: String,
}

/// Why a period has no invoice (`code` = `available` when it has one).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReasonView {
    pub code: ReasonCode,
    /// The Azure portal page that goes with the reason (where the role is granted, where EA
    /// usage is), when one does.
    pub portal_url: Option<String>,
    pub subscription_created: Option<String>,
    pub expected_on: Option<String>,
    pub missing_role: Option<BillingRole>,
    pub granted_by: Option<BillingRole>,
    /// No permission because a switch is off (pay-as-you-go "Allow others to download
    /// invoice"): the card asks for the switch, not for a role.
    #[serde(default)]
    pub policy: Option<AccessPolicy>,
    /// Who to ask, as Azure names them.
    #[serde(default)]
    pub grantor_contact: Option<String>,
    pub recipient: Option<String>,
    pub signals: Vec<String>,
    pub facts: Vec<FactView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PeriodView {
    pub start: String,
    pub end: String,
    pub name: Option<String>,
    pub invoices: Vec<InvoiceView>,
    pub reason: ReasonView,
    pub expected_invoice_date: String,
    /// The usage file this period offers (pass it to `save_usage_file`); `None` when Azure
    /// cannot report on it (not begun, or older than 13 months).
    pub usage: Option<invoice_desk_api::usage::UsageSelection>,
    /// Under which name the folder's index records this period's usage file: a saved document
    /// with this `invoice` and the kind "Usage" is it.
    pub usage_key: Option<String>,
}

/// One directory's discovery, kept for the period listings and saves that follow.
pub(crate) struct Discovered {
    pub directory: Directory,
    entries: Vec<ScopeEntry>,
}

/// Scope discoveries by `(account, tenant)`.
#[derive(Default)]
pub struct Browse {
    discovered: Mutex<HashMap<(String, String), Arc<Discovered>>>,
}

impl Browse {
    /// A loaded scope with the client of its directory.
    pub(crate) async fn scope(
        &self,
        scope_id: &str,
    ) -> Result<(Arc<Discovered>, ScopeEntry), AppError> {
        let discovered = self.discovered.lock().await;
        discovered
            .values()
            .find_map(|d| {
                d.entries
                    .iter()
                    .find(|e| e.scope.id.eq_ignore_ascii_case(scope_id))
                    .map(|e| (d.clone(), e.clone()))
            })
            .ok_or_else(|| {
                AppError::new(ErrorCode::NotFound)
                    .with_details("That billing scope is not loaded.")
                    .with_details(scope_id.to_owned())
            })
    }
}

impl Browse {
    /// Keeps only the listings of directories `keep(account, tenant)` says are still in use.
    pub(crate) async fn retain(&self, keep: impl Fn(&str, &str) -> bool) {
        self.discovered
            .lock()
            .await
            .retain(|(account, tenant), _| keep(account, tenant));
    }

    /// Every scope listed from Azure in this run, with its account and directory.
    pub(crate) async fn loaded(&self) -> Vec<(String, String, ScopeEntry)> {
        let discovered = self.discovered.lock().await;
        discovered
            .iter()
            .flat_map(|((account, tenant), d)| {
                d.entries
                    .iter()
                    .map(|e| (account.clone(), tenant.clone(), e.clone()))
            })
            .collect()
    }
}

impl std::fmt::Debug for Browse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browse").finish_non_exhaustive()
    }
}

/// The directory waits for "Sign in again" (claims challenge, MFA): said the same way as when
/// the sign-in itself asks for it.
fn needs_sign_in_again(details: &str) -> AppError {
    AppError::new(ErrorCode::SignInAgainRequired)
        .with_details("This directory asks you to sign in again.")
        .with_details(details.to_owned())
}

fn scope_summary(account_id: &str, tenant_id: &str, entry: &ScopeEntry) -> ScopeSummary {
    let scope = &entry.scope;
    let caps = &entry.capabilities;
    ScopeSummary {
        id: scope.id.clone(),
        account_id: account_id.to_owned(),
        tenant_id: tenant_id.to_owned(),
        kind: scope.kind,
        family: scope.family(),
        display_name: scope.display_name.clone(),
        billing_account_name: scope.billing_account_display_name.clone(),
        parent_display_name: scope.parent_display_name.clone(),
        currency: scope.currency.clone(),
        roles: BillingRole::strongest_first(&entry.roles),
        capabilities: caps.into(),
        issues: entry
            .issues
            .iter()
            .map(|issue| {
                AppError::new(issue.code.into())
                    .with_details(issue.message.clone())
                    .with_details(format!("{} ({})", issue.step, issue.code))
            })
            .collect(),
    }
}

fn reason(availability: &Availability, capabilities: &Capabilities) -> ReasonView {
    let mut view = ReasonView {
        code: availability.kind(),
        portal_url: availability.portal(capabilities).map(|p| p.url.clone()),
        subscription_created: None,
        expected_on: None,
        missing_role: None,
        granted_by: None,
        policy: None,
        grantor_contact: None,
        recipient: None,
        signals: Vec::new(),
        facts: Vec::new(),
    };
    match availability {
        Availability::SubscriptionTooNew {
            created,
            invoice_expected_after,
        } => {
            view.subscription_created = Some(created.to_string());
            view.expected_on = Some(invoice_expected_after.to_string());
        }
        Availability::NotGeneratedYet { expected_on } => {
            view.expected_on = Some(expected_on.to_string());
        }
        Availability::NoPermission {
            missing_role,
            granted_by,
            policy,
            contact,
        } => {
            view.missing_role = Some(*missing_role);
            view.granted_by = Some(*granted_by);
            view.policy = *policy;
            view.grantor_contact.clone_from(contact);
        }
        Availability::FreeTrialOrCreditNotExceeded { signals } => {
            view.signals = signals.iter().map(|s| (*s).to_owned()).collect();
        }
        Availability::EaInvoicesAreEmailed { recipient } => view.recipient.clone_from(recipient),
        Availability::Unknown { facts_shown } => {
            view.facts = facts_shown
                .iter()
                .map(|f| FactView {
                    code: f.code.to_owned(),
                    value: f.value.clone(),
                })
                .collect();
        }
        Availability::Available { .. } => {}
    }
    view
}

fn money(m: Option<&invoice_desk_billing::periods::Money>) -> Option<MoneyView> {
    m.map(|m| MoneyView {
        value: m.value.to_string(),
        currency: m.currency.clone(),
    })
}

fn period_view(
    row: &invoice_desk_billing::PeriodRow,
    entry: &ScopeEntry,
    today: time::Date,
) -> PeriodView {
    let (scope, capabilities) = (&entry.scope, &entry.capabilities);
    let usage = invoice_desk_api::usage::usage_for_period(scope, row, today);
    PeriodView {
        start: row.period.start.to_string(),
        end: row.period.end.to_string(),
        name: row.period.name.clone(),
        invoices: row
            .invoices
            .iter()
            .map(|i| InvoiceView {
                name: i.name.clone(),
                invoice_date: i.invoice_date.map(|d| d.to_string()),
                due_date: i.due_date.map(|d| d.to_string()),
                period_start: i.period_start.map(|d| d.to_string()),
                period_end: i.period_end.map(|d| d.to_string()),
                status: i.status.as_ref().map(|s| s.as_str().to_owned()),
                document_type: i.document_type.as_ref().map(|s| s.as_str().to_owned()),
                amount_due: money(i.amount_due.as_ref()),
                billed_amount: money(i.billed_amount.as_ref()),
                total_amount: money(i.total_amount.as_ref()),
                shown_amount: money(i.shown_amount()),
                documents: i.documents.iter().map(|d| d.as_str().to_owned()).collect(),
                refusal: entry.invoice_refusal(i.invoice_date),
            })
            .collect(),
        reason: reason(&row.availability, capabilities),
        expected_invoice_date: row.expected_invoice_date.to_string(),
        usage_key: usage
            .as_ref()
            .and_then(|u| invoice_desk_api::usage::usage_index_key(scope, row, u, today)),
        usage,
    }
}

/// The billing scopes of one signed-in directory, with what the user may do on each.
#[tauri::command]
#[specta::specta]
pub async fn list_scopes<R: Runtime>(
    app: AppHandle<R>,
    sign_in: State<'_, SignIn>,
    browse: State<'_, Browse>,
    cache: State<'_, ListingCache>,
    account_id: String,
    tenant_id: String,
) -> Result<Vec<ScopeSummary>, AppError> {
    let session = sign_in.session(&account_id).await?;
    let directory = Directory::of_session(&session, &tenant_id, sign_in.clock().await)?;
    let discovery = directory.discover().await;
    let sign_in_issue = discovery
        .failures
        .iter()
        .map(|f| &f.issue)
        .chain(discovery.scopes.iter().flat_map(|e| e.issues.iter()))
        .find(|issue| {
            matches!(
                issue.code,
                BillingCode::Unauthenticated | BillingCode::Credential
            )
        });
    if let Some(issue) = sign_in_issue
        && sign_in
            .note_auth_failure(&app, &account_id, &tenant_id, issue.claims.as_deref())
            .await
    {
        return Err(needs_sign_in_again(&issue.message));
    }
    if discovery.scopes.is_empty()
        && let Some(failure) = discovery.failures.first()
    {
        return Err(AppError::new(failure.issue.code.into())
            .with_details(failure.issue.message.clone())
            .with_details(format!("{} ({})", failure.what, failure.issue.code)));
    }
    let summaries: Vec<ScopeSummary> = discovery
        .scopes
        .iter()
        .map(|e| scope_summary(&account_id, &tenant_id, e))
        .collect();
    if !sign_in.is_demo().await {
        cache.put_scopes(&account_id, &tenant_id, &summaries);
    }
    browse.discovered.lock().await.insert(
        (account_id.clone(), tenant_id.clone()),
        Arc::new(Discovered {
            directory,
            entries: discovery.scopes,
        }),
    );
    Ok(summaries)
}

/// The billing periods of a scope (newest first) in the chosen range (default: the last 13
/// months), each with its invoices or the reason there is none.
#[tauri::command]
#[specta::specta]
pub async fn list_periods<R: Runtime>(
    app: AppHandle<R>,
    sign_in: State<'_, SignIn>,
    browse: State<'_, Browse>,
    cache: State<'_, ListingCache>,
    scope_id: String,
    range: Option<ShownRange>,
) -> Result<Vec<PeriodView>, AppError> {
    let (discovered, entry) = browse.scope(&scope_id).await?;
    let today = discovered.directory.clock.today();
    let shown = range.unwrap_or_default();
    let range = shown.range(today);
    let rows = match invoice_desk_billing::scope_periods(
        &discovered.directory.client,
        &entry,
        range,
        today,
    )
    .await
    {
        Ok(rows) => rows,
        Err(err @ (BillingError::Unauthenticated { .. } | BillingError::Credential { .. })) => {
            let marked = sign_in
                .note_auth_failure(
                    &app,
                    &discovered.directory.account_id,
                    &discovered.directory.tenant_id,
                    err.claims_challenge(),
                )
                .await;
            return Err(if marked {
                needs_sign_in_again(&err.to_string())
            } else {
                err.into()
            });
        }
        Err(err) => return Err(err.into()),
    };
    let views: Vec<PeriodView> = rows
        .iter()
        .map(|row| period_view(row, &entry, today))
        .collect();
    if shown == ShownRange::Recent && !sign_in.is_demo().await {
        cache.put_periods(&discovered.directory.account_id, &scope_id, &views);
    }
    Ok(views)
}

/// The last scope listing of a directory fetched from Azure, to show (marked "as of") until
/// a fresh one arrives or when Azure cannot be reached.
#[tauri::command]
#[specta::specta]
pub fn cached_scopes(
    cache: State<'_, ListingCache>,
    account_id: String,
    tenant_id: String,
) -> Option<Cached<Vec<ScopeSummary>>> {
    cache.scopes(&account_id, &tenant_id)
}

/// The last billing periods of a scope fetched from Azure (the default range), as above.
#[tauri::command]
#[specta::specta]
pub fn cached_periods(
    cache: State<'_, ListingCache>,
    scope_id: String,
) -> Option<Cached<Vec<PeriodView>>> {
    cache.periods(&scope_id)
}
