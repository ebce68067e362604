//! Every invoice the signed-in identity can reach, in one sweep.
//!
//! [`list_all_invoices`] lists the billing accounts, finds each account's invoice scopes (MCA
//! and MPA billing profiles, MOSP billing subscriptions, the account itself for EA and
//! anything else) and lists the invoices of every scope, all with at most
//! [`ArmClient::max_concurrency`] calls in flight. A scope that fails keeps its error next to
//! it; the sweep goes on with the others.

use std::collections::VecDeque;
use std::fmt;

use futures::FutureExt;
use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt, TryStreamExt};

use crate::api::{InvoiceQuery, ListOptions};
use crate::arm::ArmClient;
use crate::error::BillingError;
use crate::model::{AgreementType, BillingAccount, Invoice};
use crate::periods::InvoiceRange;

/// Where invoices are listed from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InvoiceScope {
    /// MCA or MPA: a billing profile of an account.
    BillingProfile { account: String, profile: String },
    /// MOSP: one subscription of an account, listed as
    /// `billingAccounts/default/billingSubscriptions/{subscription_id}/invoices`.
    BillingSubscription {
        account: String,
        subscription_id: String,
    },
    /// EA and any other agreement: the billing account itself.
    BillingAccount { account: String },
}

impl InvoiceScope {
    /// The billing account the scope belongs to.
    #[must_use]
    pub fn account(&self) -> &str {
        match self {
            Self::BillingProfile { account, .. }
            | Self::BillingSubscription { account, .. }
            | Self::BillingAccount { account } => account,
        }
    }

    /// The ARM id the invoices are listed under.
    #[must_use]
    pub fn arm_id(&self) -> String {
        const ACCOUNTS: &str = "/providers/Microsoft.Billing/billingAccounts";
        match self {
            Self::BillingProfile { account, profile } => {
                format!("{ACCOUNTS}/{account}/billingProfiles/{profile}")
            }
            Self::BillingSubscription {
                subscription_id, ..
            } => format!("{ACCOUNTS}/default/billingSubscriptions/{subscription_id}"),
            Self::BillingAccount { account } => format!("{ACCOUNTS}/{account}"),
        }
    }
}

impl fmt::Display for InvoiceScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arm_id())
    }
}

/// One scope of the sweep and what listing its invoices gave.
#[derive(Debug)]
pub struct ScopeInvoices {
    pub scope: InvoiceScope,
    /// The profile's or subscription's display name (the account's for an account scope).
    pub display_name: Option<String>,
    pub invoices: Result<Vec<Invoice>, BillingError>,
}

/// A billing account whose invoice scopes could not be listed.
#[derive(Debug)]
pub struct UnexploredAccount {
    pub account: String,
    pub error: BillingError,
}

/// The outcome of a sweep.
#[derive(Debug, Default)]
pub struct Inventory {
    /// Every billing account the identity can see, in ARM's order.
    pub accounts: Vec<BillingAccount>,
    /// Accounts whose profiles or subscriptions could not be listed.
    pub discovery_failures: Vec<UnexploredAccount>,
    /// Every scope found: by account in account order, then in ARM's order within an account.
    pub scopes: Vec<ScopeInvoices>,
}

impl Inventory {
    /// Every invoice listed, with its scope.
    pub fn invoices(&self) -> impl Iterator<Item = (&InvoiceScope, &Invoice)> {
        self.scopes.iter().flat_map(|s| {
            s.invoices
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(move |invoice| (&s.scope, invoice))
        })
    }

    #[must_use]
    pub fn invoice_count(&self) -> usize {
        self.scopes
            .iter()
            .map(|s| s.invoices.as_ref().map_or(0, Vec::len))
            .sum()
    }

    /// The scopes whose invoices could not be listed.
    pub fn failed_scopes(&self) -> impl Iterator<Item = (&InvoiceScope, &BillingError)> {
        self.scopes
            .iter()
            .filter_map(|s| s.invoices.as_ref().err().map(|e| (&s.scope, e)))
    }

    /// True when every account was explored and every scope listed.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.discovery_failures.is_empty() && self.failed_scopes().next().is_none()
    }
}

/// How an account's invoices are reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Profiles,
    Subscriptions,
    Account,
}

fn layout(account: &BillingAccount) -> Layout {
    match account.properties.agreement_type {
        Some(
            AgreementType::MicrosoftCustomerAgreement | AgreementType::MicrosoftPartnerAgreement,
        ) => Layout::Profiles,
        Some(AgreementType::MicrosoftOnlineServicesProgram) => Layout::Subscriptions,
        _ => Layout::Account,
    }
}

/// A scope found, not listed yet.
struct Found {
    scope: InvoiceScope,
    display_name: Option<String>,
}

enum Done {
    Discovered(usize, Result<Vec<Found>, BillingError>),
    Listed(usize, Result<Vec<Invoice>, BillingError>),
}

/// Lists every invoice in `range` that the client's identity can reach.
///
/// Fails only when the billing accounts themselves cannot be listed; an account whose scopes
/// cannot be found ends up in [`Inventory::discovery_failures`], a scope whose invoices
/// cannot be listed keeps its error in [`ScopeInvoices::invoices`].
pub async fn list_all_invoices(
    client: &ArmClient,
    range: InvoiceRange,
) -> Result<Inventory, BillingError> {
    let accounts: Vec<BillingAccount> = client
        .list_billing_accounts(&ListOptions::default())
        .try_collect()
        .await?;
    let query = range.query();
    let limit = client.max_concurrency();

    // (account index, scope) in discovery order; results land by index.
    let mut found: Vec<(usize, Found)> = Vec::new();
    let mut results: Vec<Option<Result<Vec<Invoice>, BillingError>>> = Vec::new();
    let mut discovery_failures = Vec::new();

    let mut queue: VecDeque<BoxFuture<'_, Done>> = VecDeque::new();
    for (index, account) in accounts.iter().enumerate() {
        let Some(name) = account.name_or_id_tail().map(str::to_owned) else {
            continue;
        };
        match layout(account) {
            Layout::Account => {
                found.push((
                    index,
                    Found {
                        scope: InvoiceScope::BillingAccount { account: name },
                        display_name: account.properties.display_name.clone(),
                    },
                ));
                results.push(None);
                queue.push_back(list_scope(client, &query, found.len() - 1, &found));
            }
            layout => queue.push_back(discover(client, index, name, layout)),
        }
    }

    let mut running = FuturesUnordered::new();
    loop {
        while running.len() < limit {
            let Some(job) = queue.pop_front() else { break };
            running.push(job);
        }
        let Some(done) = running.next().await else {
            break;
        };
        match done {
            Done::Discovered(index, Ok(scopes)) => {
                for scope in scopes {
                    found.push((index, scope));
                    results.push(None);
                    queue.push_back(list_scope(client, &query, found.len() - 1, &found));
                }
            }
            Done::Discovered(index, Err(error)) => {
                let account = accounts[index]
                    .name_or_id_tail()
                    .unwrap_or_default()
                    .to_owned();
                discovery_failures.push(UnexploredAccount { account, error });
            }
            Done::Listed(slot, result) => results[slot] = Some(result),
        }
    }

    let mut scopes: Vec<(usize, usize, ScopeInvoices)> = found
        .into_iter()
        .zip(results)
        .enumerate()
        .map(|(order, ((account, found), result))| {
            let invoices = result.unwrap_or(Err(BillingError::Cancelled));
            (
                account,
                order,
                ScopeInvoices {
                    scope: found.scope,
                    display_name: found.display_name,
                    invoices,
                },
            )
        })
        .collect();
    scopes.sort_by_key(|(account, order, _)| (*account, *order));
    discovery_failures.sort_by_key(|f: &UnexploredAccount| {
        accounts
            .iter()
            .position(|a| a.name_or_id_tail() == Some(f.account.as_str()))
    });
    Ok(Inventory {
        accounts,
        discovery_failures,
        scopes: scopes.into_iter().map(|(_, _, s)| s).collect(),
    })
}

/// Lists an account's billing profiles or billing subscriptions as scopes.
fn discover(
    client: &ArmClient,
    index: usize,
    account: String,
    layout: Layout,
) -> BoxFuture<'_, Done> {
    async move {
        let options = ListOptions::default();
        let result = if layout == Layout::Profiles {
            client
                .list_billing_profiles(&account, &options)
                .map_ok(|profile| {
                    let name = profile.name_or_id_tail().map(str::to_owned);
                    name.map(|profile_name| Found {
                        scope: InvoiceScope::BillingProfile {
                            account: account.clone(),
                            profile: profile_name,
                        },
                        display_name: profile.properties.display_name,
                    })
                })
                .try_collect::<Vec<_>>()
                .await
        } else {
            client
                .list_billing_subscriptions(&account, &options)
                .map_ok(|subscription| {
                    let id = subscription
                        .properties
                        .subscription_id
                        .clone()
                        .or_else(|| subscription.name_or_id_tail().map(str::to_owned));
                    id.map(|subscription_id| Found {
                        scope: InvoiceScope::BillingSubscription {
                            account: account.clone(),
                            subscription_id,
                        },
                        display_name: subscription.properties.display_name,
                    })
                })
                .try_collect::<Vec<_>>()
                .await
        };
        Done::Discovered(index, result.map(|v| v.into_iter().flatten().collect()))
    }
    .boxed()
}

/// Lists the invoices of `found[slot]`.
fn list_scope<'a>(
    client: &'a ArmClient,
    query: &InvoiceQuery,
    slot: usize,
    found: &[(usize, Found)],
) -> BoxFuture<'a, Done> {
    let stream = match &found[slot].1.scope {
        InvoiceScope::BillingProfile { account, profile } => {
            client.list_invoices_by_billing_profile(account, profile, query)
        }
        InvoiceScope::BillingSubscription {
            subscription_id, ..
        } => client.list_invoices_by_billing_subscription(subscription_id, query),
        InvoiceScope::BillingAccount { account } => {
            client.list_invoices_by_billing_account(account, query)
        }
    };
    async move { Done::Listed(slot, stream.try_collect().await) }.boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_name_their_arm_ids() {
        let profile = InvoiceScope::BillingProfile {
            account: "a:b_2019-05-31".into(),
            profile: "P1".into(),
        };
        assert_eq!(profile.account(), "a:b_2019-05-31");
        assert_eq!(
            profile.to_string(),
            "/providers/Microsoft.Billing/billingAccounts/a:b_2019-05-31/billingProfiles/P1"
        );
        let subscription = InvoiceScope::BillingSubscription {
            account: "mosp".into(),
            subscription_id: "S1".into(),
        };
        assert_eq!(subscription.account(), "mosp");
        assert!(
            subscription
                .arm_id()
                .ends_with("/billingAccounts/default/billingSubscriptions/S1")
        );
        let account = InvoiceScope::BillingAccount {
            account: "123".into(),
        };
        assert!(account.arm_id().ends_with("/billingAccounts/123"));
    }

    #[test]
    fn agreements_pick_their_scope_layout() {
        let account = |agreement: Option<AgreementType>| {
            let mut a = BillingAccount::default();
            a.properties.agreement_type = agreement;
            layout(&a)
        };
        assert_eq!(
            account(Some(AgreementType::MicrosoftCustomerAgreement)),
            Layout::Profiles
        );
        assert_eq!(
            account(Some(AgreementType::MicrosoftPartnerAgreement)),
            Layout::Profiles
        );
        assert_eq!(
            account(Some(AgreementType::MicrosoftOnlineServicesProgram)),
            Layout::Subscriptions
        );
        assert_eq!(
            account(Some(AgreementType::EnterpriseAgreement)),
            Layout::Account
        );
        assert_eq!(
            account(Some(AgreementType::Unknown("Future".into()))),
            Layout::Account
        );
        assert_eq!(account(None), Layout::Account);
    }
}
