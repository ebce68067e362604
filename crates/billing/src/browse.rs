//! Browsing: every billing scope the caller can reach ([`discover_scopes`]) and, per scope,
//! its billing periods with their invoices or the reason there is none ([`scope_periods`]).
//!
//! Discovery follows `azure-billing-api.md` §10: `GET /subscriptions` → `billingProperty` per
//! subscription (MOSP: agreement, `isAccountAdmin`) and the billing subscription (offer id,
//! purchase date); `GET billingAccounts` → MCA/MPA billing profiles, EA enrollment →
//! departments → enrollment accounts, each with the caller's `billingPermissions` (and role
//! assignments when the caller's object id is known). An API answering 400/403/404 for one
//! agreement is skipped for that account; any other failure stays with the scope or account
//! it belongs to, the others go on. Calls are bounded by the client's concurrency limit.

use std::collections::BTreeSet;

use futures::FutureExt;
use futures::future::{BoxFuture, join_all};
use futures::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;
use time::Date;

use crate::access::{
    self, AccessFacts, Action, BillingRole, Capabilities, ForbiddenCall, InvoiceRefusal,
    PermissionSource, Permissions, Portal,
};
use crate::api::ListOptions;
use crate::arm::ArmClient;
use crate::availability::Availability;
use crate::availability::{CreditFacts, InvoiceAccess, PeriodFacts, availability};
use crate::effective::{self, not_applicable};
use crate::error::BillingCode;
use crate::error::BillingError;
use crate::legacy;
use crate::model::{
    AgreementType, BillingAccount, BillingProperty, SpendingLimit, Subscription,
    SubscriptionSpendingLimit,
};
use crate::periods::{self, InvoiceRange, InvoiceSummary, Period};
use crate::scope::{BillingScope, ScopeKind};
use crate::sections;

/// Who is browsing: the tenant of the token, and the object id (`oid`) to find the caller's
/// own role assignments (roles are inferred from permissions without it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caller {
    pub tenant_id: Option<String>,
    pub object_id: Option<String>,
}

/// A failure met while gathering one scope or account, kept next to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeIssue {
    /// What was being read, e.g. `"billing_property"`, `"billing_profiles"`.
    pub step: &'static str,
    /// [`BillingError::kind`].
    pub code: BillingCode,
    pub message: String,
    pub request_id: Option<String>,
    /// A Conditional Access claims challenge ARM sent with a 401: the directory needs an
    /// interactive sign-in that passes these claims before anything else will work.
    #[serde(skip)]
    pub claims: Option<String>,
}

impl ScopeIssue {
    pub(crate) fn new(step: &'static str, error: &BillingError) -> Self {
        Self {
            step,
            code: error.kind(),
            message: error.to_string(),
            request_id: error.request_id().map(str::to_owned),
            claims: error.claims_challenge().map(str::to_owned),
        }
    }
}

/// The facts [`availability`] needs that do not change from period to period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeFacts {
    pub subscription_created: Option<Date>,
    pub credit: CreditFacts,
    pub invoice_day: Option<u8>,
    pub ea_invoice_recipient: Option<String>,
}

/// One scope with what the caller may do there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeEntry {
    pub scope: BillingScope,
    pub roles: Vec<BillingRole>,
    pub access: AccessFacts,
    pub capabilities: Capabilities,
    pub facts: ScopeFacts,
    pub issues: Vec<ScopeIssue>,
}

/// An account (or listing) that could not be explored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveryFailure {
    /// The billing account id, or `"subscriptions"` / `"billing_accounts"`.
    pub what: String,
    pub issue: ScopeIssue,
}

/// Everything [`discover_scopes`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Discovery {
    pub scopes: Vec<ScopeEntry>,
    pub failures: Vec<DiscoveryFailure>,
}

fn tenant_matches(caller: &Caller, tenant: Option<&str>) -> bool {
    match (caller.tenant_id.as_deref(), tenant) {
        (Some(want), Some(have)) => want.eq_ignore_ascii_case(have),
        _ => true,
    }
}

/// Every billing scope the caller can reach, with capabilities and facts.
pub async fn discover_scopes(client: &ArmClient, caller: &Caller, portal: &Portal) -> Discovery {
    let (subscriptions, accounts) = futures::join!(
        client.list_subscriptions().try_collect::<Vec<_>>(),
        client
            .list_billing_accounts(&ListOptions::default())
            .try_collect::<Vec<_>>(),
    );
    let mut failures = Vec::new();
    let subscriptions = subscriptions.unwrap_or_else(|e| {
        failures.push(DiscoveryFailure {
            what: "subscriptions".into(),
            issue: ScopeIssue::new("subscriptions", &e),
        });
        Vec::new()
    });
    let accounts = accounts.unwrap_or_else(|e| {
        failures.push(DiscoveryFailure {
            what: "billing_accounts".into(),
            issue: ScopeIssue::new("billing_accounts", &e),
        });
        Vec::new()
    });

    let seen: BTreeSet<String> = subscriptions
        .iter()
        .filter_map(|s| s.subscription_id.clone())
        .map(|s| s.to_ascii_lowercase())
        .collect();
    let mut jobs: Vec<BoxFuture<'_, (Vec<ScopeEntry>, Vec<DiscoveryFailure>)>> = Vec::new();
    for sub in subscriptions {
        if !tenant_matches(caller, sub.tenant_id.as_deref()) {
            continue;
        }
        jobs.push(
            async move {
                let entry = subscription_entry(client, sub, None, portal).await;
                (entry.into_iter().collect(), Vec::new())
            }
            .boxed(),
        );
    }
    for account in accounts {
        let tenant = account.properties.primary_billing_tenant_id.clone();
        if !tenant_matches(caller, tenant.as_deref()) {
            continue;
        }
        let seen = &seen;
        jobs.push(
            async move { account_entries(client, caller, &account, seen, portal).await }.boxed(),
        );
    }
    let limit = client.max_concurrency().max(1);
    let results: Vec<_> = stream::iter(jobs).buffer_unordered(limit).collect().await;
    let mut scopes = Vec::new();
    for (entries, failed) in results {
        scopes.extend(entries);
        failures.extend(failed);
    }
    for entry in &mut scopes {
        if entry.scope.tenant_id.is_none() {
            entry.scope.tenant_id.clone_from(&caller.tenant_id);
        }
    }
    scopes.sort_by(|a, b| {
        let key = |e: &ScopeEntry| {
            (
                e.scope.agreement.as_str().to_owned(),
                e.scope.billing_account_display_name.clone(),
                e.scope.kind,
                e.scope.display_name.to_lowercase(),
                e.scope.id.to_lowercase(),
            )
        };
        key(a).cmp(&key(b))
    });
    scopes.dedup_by(|a, b| a.scope.id.eq_ignore_ascii_case(&b.scope.id));
    failures.sort_by(|a, b| a.what.cmp(&b.what));
    Discovery { scopes, failures }
}

fn credit_of(sub: Option<&Subscription>, property: Option<&BillingProperty>) -> CreditFacts {
    let policies = sub.and_then(|s| s.subscription_policies.as_ref());
    let props = property.map(|p| &p.properties);
    let spending_limit_on = policies
        .and_then(|p| p.spending_limit.as_ref())
        .map(|l| *l == SubscriptionSpendingLimit::On)
        .or_else(|| {
            props
                .and_then(|p| p.billing_profile_spending_limit.as_ref())
                .map(|l| *l == SpendingLimit::On)
        });
    CreditFacts {
        offer_id: None,
        quota_id: policies.and_then(|p| p.quota_id.clone()),
        spending_limit_on,
        billing_type: props.and_then(|p| p.subscription_billing_type.clone()),
        spending_limit_types: props
            .and_then(|p| p.billing_profile_spending_limit_details.as_ref())
            .map(|d| d.iter().filter_map(|d| d.limit_type.clone()).collect())
            .unwrap_or_default(),
    }
}

/// A subscription's scope: MOSP subscriptions only (MCA/EA subscriptions are billed through
/// their profile or enrollment, found from the billing accounts). `None` for those.
async fn subscription_entry(
    client: &ArmClient,
    sub: Subscription,
    account_hint: Option<&BillingAccount>,
    portal: &Portal,
) -> Option<ScopeEntry> {
    let id = sub.subscription_id.clone()?;
    let mut issues = Vec::new();
    let property = match client.get_billing_property(&id).await {
        Ok(p) => Some(p),
        Err(e) => {
            issues.push(ScopeIssue::new("billing_property", &e));
            None
        }
    };
    let props = property.as_ref().map(|p| &p.properties);
    let agreement = props
        .and_then(|p| p.billing_account_agreement_type.clone())
        .or_else(|| account_hint.and_then(|a| a.properties.agreement_type.clone()));
    let kind = match &agreement {
        Some(AgreementType::MicrosoftOnlineServicesProgram) => ScopeKind::MospSubscription,
        Some(
            AgreementType::MicrosoftCustomerAgreement
            | AgreementType::EnterpriseAgreement
            | AgreementType::MicrosoftPartnerAgreement,
        ) => return None,
        _ => ScopeKind::Other,
    };
    let account_name = props
        .and_then(|p| p.billing_account_name_from_id())
        .map(str::to_owned)
        .or_else(|| account_hint.and_then(|a| a.name_or_id_tail().map(str::to_owned)));
    let mut facts = ScopeFacts {
        credit: credit_of(Some(&sub), property.as_ref()),
        ..ScopeFacts::default()
    };
    if kind == ScopeKind::MospSubscription {
        let billing_account = account_name.as_deref().unwrap_or("default");
        match client.get_billing_subscription(billing_account, &id).await {
            Ok(b) => {
                facts.credit.offer_id.clone_from(&b.properties.offer_id);
                facts.subscription_created = b
                    .properties
                    .purchase_date
                    .as_ref()
                    .or(b.properties.term_start_date.as_ref())
                    .or(b.system_data.as_ref().and_then(|s| s.created_at.as_ref()))
                    .and_then(crate::model::ArmDate::date);
            }
            Err(e) if not_applicable(&e) => {}
            Err(e) => issues.push(ScopeIssue::new("billing_subscription", &e)),
        }
    }
    let scope = BillingScope {
        kind,
        agreement: agreement.unwrap_or(AgreementType::Other),
        id: format!("/subscriptions/{id}"),
        display_name: sub.display_name.clone().unwrap_or_else(|| id.clone()),
        parent_display_name: None,
        billing_account_id: account_name.as_deref().map(BillingScope::account_id),
        billing_account_name: account_name,
        billing_account_display_name: props
            .and_then(|p| p.billing_account_display_name.clone())
            .or_else(|| account_hint.and_then(|a| a.properties.display_name.clone())),
        tenant_id: sub.tenant_id.clone(),
        currency: props.and_then(|p| p.billing_currency.clone()),
    };
    let is_account_admin = props.and_then(|p| p.is_account_admin);
    let mut access = AccessFacts {
        is_account_admin,
        account_admin_email: props
            .and_then(|p| p.account_admin_notification_email_address.clone())
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty()),
        roles: match is_account_admin {
            Some(true) => vec![BillingRole::AccountAdministrator],
            _ => vec![BillingRole::SubscriptionUser],
        },
        ..AccessFacts::default()
    };
    if kind == ScopeKind::MospSubscription && is_account_admin == Some(false) {
        // Whether the account administrator allowed others to download invoices is only
        // visible in Azure's answer to the listing itself.
        match legacy::may_list_mosp_invoices(client, &id).await {
            Ok(()) => access.succeeded.push(Action::ListInvoices),
            Err(BillingError::Forbidden { action, .. }) => {
                access.forbidden.push(ForbiddenCall {
                    action: Action::ListInvoices,
                    arm_action: action,
                });
            }
            Err(e) => issues.push(ScopeIssue::new("invoices", &e)),
        }
    }
    Some(entry(scope, access, facts, issues, portal))
}

impl ScopeEntry {
    /// Why the invoice dated `invoice_date` may not be downloaded here although the scope's
    /// invoices may; `None` when nothing keeps it. The one place that rule is applied.
    #[must_use]
    pub fn invoice_refusal(&self, invoice_date: Option<Date>) -> Option<InvoiceRefusal> {
        access::invoice_refusal(self.scope.kind, &self.access, invoice_date)
    }
}

pub(crate) fn entry(
    scope: BillingScope,
    access: AccessFacts,
    facts: ScopeFacts,
    issues: Vec<ScopeIssue>,
    portal: &Portal,
) -> ScopeEntry {
    let capabilities = access::capabilities(&scope, &access, portal);
    ScopeEntry {
        roles: access.roles.clone(),
        scope,
        access,
        capabilities,
        facts,
        issues,
    }
}

/// The caller's permissions at a scope id, with a failure worth showing kept in `issues`.
pub(crate) async fn permission_facts(
    client: &ArmClient,
    scope_id: &str,
    issues: &mut Vec<ScopeIssue>,
) -> (Option<Permissions>, Option<PermissionSource>) {
    match effective::permissions_at(client, scope_id).await {
        Ok(Some((permissions, source))) => (Some(permissions), Some(source)),
        Ok(None) => (None, None),
        Err(e) => {
            issues.push(ScopeIssue::new("billing_permissions", &e));
            (None, None)
        }
    }
}

/// The caller's own billing roles assigned at a scope id (needs the object id).
pub(crate) async fn roles_at(
    client: &ArmClient,
    caller: &Caller,
    scope_id: &str,
) -> Vec<BillingRole> {
    let Some(oid) = caller.object_id.as_deref() else {
        return Vec::new();
    };
    client
        .list_billing_role_assignments_at(scope_id, &ListOptions::default())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|a| a.properties.principal_id.as_deref() == Some(oid))
        .filter_map(|a| {
            a.properties
                .role_definition_id
                .as_deref()
                .and_then(BillingRole::from_definition)
        })
        .collect()
}

pub(crate) fn account_scope(
    account: &BillingAccount,
    kind: ScopeKind,
    id: String,
    name: String,
) -> BillingScope {
    let account_name = account.name_or_id_tail().unwrap_or_default().to_owned();
    BillingScope {
        kind,
        agreement: account
            .properties
            .agreement_type
            .clone()
            .unwrap_or(AgreementType::Other),
        id,
        display_name: name,
        parent_display_name: None,
        billing_account_id: Some(BillingScope::account_id(&account_name)),
        billing_account_name: Some(account_name),
        billing_account_display_name: account.properties.display_name.clone(),
        tenant_id: account.properties.primary_billing_tenant_id.clone(),
        currency: account
            .properties
            .enrollment_details
            .as_ref()
            .and_then(|e| e.currency.clone()),
    }
}

async fn account_entries(
    client: &ArmClient,
    caller: &Caller,
    account: &BillingAccount,
    seen: &BTreeSet<String>,
    portal: &Portal,
) -> (Vec<ScopeEntry>, Vec<DiscoveryFailure>) {
    let Some(name) = account.name_or_id_tail().map(str::to_owned) else {
        return (Vec::new(), Vec::new());
    };
    let fail = |step: &'static str, e: &BillingError| DiscoveryFailure {
        what: BillingScope::account_id(&name),
        issue: ScopeIssue::new(step, e),
    };
    match account.properties.agreement_type {
        Some(AgreementType::MicrosoftOnlineServicesProgram) => {
            // Subscriptions of the account that `GET /subscriptions` did not list (another
            // tenant's, or no RBAC role on them).
            match client
                .list_billing_subscriptions(&name, &ListOptions::default())
                .try_collect::<Vec<_>>()
                .await
            {
                Ok(subs) => {
                    let missing = subs.into_iter().filter_map(|b| {
                        let id = b
                            .properties
                            .subscription_id
                            .clone()
                            .or_else(|| b.name_or_id_tail().map(str::to_owned))?;
                        (!seen.contains(&id.to_ascii_lowercase())).then(|| Subscription {
                            id: Some(format!("/subscriptions/{id}")),
                            subscription_id: Some(id),
                            display_name: b.properties.display_name.clone(),
                            tenant_id: account.properties.primary_billing_tenant_id.clone(),
                            ..Subscription::default()
                        })
                    });
                    let entries = join_all(
                        missing.map(|s| subscription_entry(client, s, Some(account), portal)),
                    )
                    .await;
                    (entries.into_iter().flatten().collect(), Vec::new())
                }
                Err(e) if not_applicable(&e) => (Vec::new(), Vec::new()),
                Err(e) => (Vec::new(), vec![fail("billing_subscriptions", &e)]),
            }
        }
        Some(AgreementType::EnterpriseAgreement) => {
            ea_entries(client, caller, account, &name, portal).await
        }
        Some(
            AgreementType::MicrosoftCustomerAgreement | AgreementType::MicrosoftPartnerAgreement,
        ) => profile_entries(client, caller, account, &name, portal).await,
        _ => {
            let scope = account_scope(
                account,
                ScopeKind::Other,
                BillingScope::account_id(&name),
                account
                    .properties
                    .display_name
                    .clone()
                    .unwrap_or_else(|| name.clone()),
            );
            let mut issues = Vec::new();
            let (permissions, permissions_source) =
                permission_facts(client, &scope.id, &mut issues).await;
            let access = AccessFacts {
                permissions,
                permissions_source,
                ..AccessFacts::default()
            };
            (
                vec![entry(scope, access, ScopeFacts::default(), issues, portal)],
                Vec::new(),
            )
        }
    }
}

async fn profile_entries(
    client: &ArmClient,
    caller: &Caller,
    account: &BillingAccount,
    name: &str,
    portal: &Portal,
) -> (Vec<ScopeEntry>, Vec<DiscoveryFailure>) {
    let profiles = match client
        .list_billing_profiles(name, &ListOptions::default())
        .try_collect::<Vec<_>>()
        .await
    {
        Ok(p) => p,
        Err(e) => {
            let failure = (!not_applicable(&e)).then(|| DiscoveryFailure {
                what: BillingScope::account_id(name),
                issue: ScopeIssue::new("billing_profiles", &e),
            });
            return (Vec::new(), failure.into_iter().collect());
        }
    };
    let account_roles = roles_at(client, caller, &BillingScope::account_id(name)).await;
    let mca = account.properties.agreement_type != Some(AgreementType::MicrosoftPartnerAgreement);
    let kind = if mca {
        ScopeKind::McaBillingProfile
    } else {
        ScopeKind::MpaCustomer
    };
    let jobs = profiles.into_iter().filter_map(|profile| {
        let profile_name = profile.name_or_id_tail()?.to_owned();
        let account_roles = account_roles.clone();
        Some(async move {
            let id = format!(
                "{}/billingProfiles/{profile_name}",
                BillingScope::account_id(name)
            );
            let mut scope = account_scope(
                account,
                kind,
                id.clone(),
                profile
                    .properties
                    .display_name
                    .clone()
                    .unwrap_or_else(|| profile_name.clone()),
            );
            scope.currency.clone_from(&profile.properties.currency);
            // Listed without read access: the caller holds a role on one of its invoice
            // sections only, so the profile itself is not a scope of theirs.
            let readable = profile.properties.has_read_access != Some(false);
            let mut issues = Vec::new();
            let ((permissions, permissions_source), mut roles) = futures::join!(
                async {
                    if readable {
                        permission_facts(client, &id, &mut issues).await
                    } else {
                        (None, None)
                    }
                },
                roles_at(client, caller, &id),
            );
            roles.extend(account_roles);
            roles.sort();
            roles.dedup();
            let facts = ScopeFacts {
                invoice_day: profile
                    .properties
                    .invoice_day
                    .and_then(|d| u8::try_from(d).ok()),
                ..ScopeFacts::default()
            };
            let sections = if mca {
                sections::section_entries(
                    client,
                    caller,
                    sections::Parent {
                        scope: &scope,
                        name: &profile_name,
                        readable,
                        roles: &roles,
                        facts: &facts,
                    },
                    portal,
                )
                .await
            } else {
                Vec::new()
            };
            let access = AccessFacts {
                roles,
                permissions,
                permissions_source,
                ..AccessFacts::default()
            };
            let mut out = Vec::with_capacity(sections.len() + 1);
            if readable {
                out.push(entry(scope, access, facts, issues, portal));
            }
            out.extend(sections);
            out
        })
    });
    (
        join_all(jobs).await.into_iter().flatten().collect(),
        Vec::new(),
    )
}

async fn ea_entries(
    client: &ArmClient,
    caller: &Caller,
    account: &BillingAccount,
    name: &str,
    portal: &Portal,
) -> (Vec<ScopeEntry>, Vec<DiscoveryFailure>) {
    let options = ListOptions::default();
    let account_id = BillingScope::account_id(name);
    let (policy, departments, enrollment_accounts, account_roles) = futures::join!(
        client.get_billing_account_policy(name),
        client
            .list_departments(name, &options)
            .try_collect::<Vec<_>>(),
        client
            .list_enrollment_accounts(name, &options)
            .try_collect::<Vec<_>>(),
        roles_at(client, caller, &account_id),
    );
    let mut failures = Vec::new();
    let mut keep = |step: &'static str, e: BillingError| {
        if !not_applicable(&e) {
            failures.push(DiscoveryFailure {
                what: BillingScope::account_id(name),
                issue: ScopeIssue::new(step, &e),
            });
        }
    };
    let policies = match policy {
        Ok(p) => p.properties.enterprise_agreement_policies,
        Err(e) => {
            keep("policies", e);
            None
        }
    };
    let departments = departments.unwrap_or_else(|e| {
        keep("departments", e);
        Vec::new()
    });
    let enrollment_accounts = enrollment_accounts.unwrap_or_else(|e| {
        keep("enrollment_accounts", e);
        Vec::new()
    });
    let recipient = account
        .properties
        .enrollment_details
        .as_ref()
        .and_then(|e| e.invoice_recipient.clone());
    let ea_admin = account.properties.has_read_access == Some(true)
        || account_roles.contains(&BillingRole::EnterpriseAdministrator);
    let dept_names: BTreeSet<String> = departments
        .iter()
        .filter_map(|d| d.name_or_id_tail().map(str::to_owned))
        .collect();

    // (scope, inferred roles)
    let mut scopes: Vec<(BillingScope, Vec<BillingRole>)> = Vec::new();
    if account.properties.has_read_access != Some(false) {
        let display = account
            .properties
            .display_name
            .clone()
            .unwrap_or_else(|| name.to_owned());
        let mut roles = account_roles.clone();
        if ea_admin && roles.is_empty() {
            roles.push(BillingRole::EnterpriseAdministrator);
        }
        scopes.push((
            account_scope(
                account,
                ScopeKind::EaEnrollment,
                account_id.clone(),
                display,
            ),
            roles,
        ));
    }
    let admin_role = |fallback: BillingRole| {
        if ea_admin {
            vec![BillingRole::EnterpriseAdministrator]
        } else {
            vec![fallback]
        }
    };
    for d in &departments {
        let Some(dname) = d.name_or_id_tail() else {
            continue;
        };
        scopes.push((
            account_scope(
                account,
                ScopeKind::EaDepartment,
                format!("{account_id}/departments/{dname}"),
                d.properties
                    .display_name
                    .clone()
                    .unwrap_or_else(|| dname.to_owned()),
            ),
            admin_role(BillingRole::DepartmentAdministrator),
        ));
    }
    for e in &enrollment_accounts {
        let Some(ename) = e.name_or_id_tail() else {
            continue;
        };
        let in_my_department = e
            .properties
            .department_id
            .as_deref()
            .and_then(|d| d.rsplit('/').next())
            .is_some_and(|d| dept_names.contains(d));
        scopes.push((
            account_scope(
                account,
                ScopeKind::EaEnrollmentAccount,
                format!("{account_id}/enrollmentAccounts/{ename}"),
                e.properties
                    .display_name
                    .clone()
                    .unwrap_or_else(|| ename.to_owned()),
            ),
            admin_role(if in_my_department {
                BillingRole::DepartmentAdministrator
            } else {
                BillingRole::EaAccountOwner
            }),
        ));
    }
    let jobs = scopes.into_iter().map(|(scope, roles)| {
        let policies = policies.clone();
        let recipient = recipient.clone();
        async move {
            let mut issues = Vec::new();
            let (permissions, permissions_source) =
                permission_facts(client, &scope.id, &mut issues).await;
            let access = AccessFacts {
                roles,
                permissions,
                permissions_source,
                ea_policies: policies,
                ..AccessFacts::default()
            };
            let facts = ScopeFacts {
                ea_invoice_recipient: recipient,
                ..ScopeFacts::default()
            };
            entry(scope, access, facts, issues, portal)
        }
    });
    (join_all(jobs).await, failures)
}

/// One period of a scope: its invoices, and whether (and why not) an invoice is available.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeriodRow {
    pub period: Period,
    pub invoices: Vec<InvoiceSummary>,
    pub availability: Availability,
    /// MOSP/MCA: when the invoice of this period is (or was) expected.
    pub expected_invoice_date: Date,
}

/// The billing periods of `entry.scope` overlapping `range`, newest first, each with its
/// invoices or the reason there is none.
///
/// EA invoices are not listed (they are e-mailed); MOSP periods come from the legacy
/// `billingPeriods` (falling back to the invoices' periods, then calendar months); MCA, MPA
/// and others use calendar months. A 403 on the invoice list is not an error: every period
/// then says [`Availability::NoPermission`]. Any other failure is returned for this scope.
pub async fn scope_periods(
    client: &ArmClient,
    entry: &ScopeEntry,
    range: InvoiceRange,
    today: Date,
) -> Result<Vec<PeriodRow>, BillingError> {
    let scope = &entry.scope;
    let query = periods::invoice_dates_for(&range).query();
    let mut facts = entry.facts.clone();
    let mut legacy_periods = None;
    let listing = match scope.kind {
        ScopeKind::EaEnrollment | ScopeKind::EaDepartment | ScopeKind::EaEnrollmentAccount => {
            Ok(Vec::new())
        }
        ScopeKind::MospSubscription => {
            let sub = scope.subscription_id().unwrap_or_default().to_owned();
            let (periods, invoices) = futures::join!(
                client
                    .list_billing_periods(&sub, &ListOptions::default())
                    .try_collect::<Vec<_>>(),
                legacy::mosp_invoices(client, &sub, &query),
            );
            match periods {
                Ok(p) => legacy_periods = Some(p),
                Err(e) if not_applicable(&e) => {}
                Err(e) => return Err(e),
            }
            invoices.map(|(list, api)| {
                tracing::debug!(scope = %scope.id, ?api, "invoices listed");
                list
            })
        }
        _ => match (scope.account_name(), scope.billing_profile_name()) {
            (Some(account), Some(profile)) => {
                client
                    .list_invoices_by_billing_profile(account, profile, &query)
                    .try_collect()
                    .await
            }
            (Some(account), None) => {
                client
                    .list_invoices_by_billing_account(account, &query)
                    .try_collect()
                    .await
            }
            _ => Ok(Vec::new()),
        },
    };
    let (invoices, invoice_access) = match listing {
        Ok(invoices) => (invoices, InvoiceAccess::Allowed),
        Err(BillingError::Forbidden { action, .. }) => {
            let denied = entry.capabilities.list_invoices.denied();
            let (missing_role, granted_by) = match denied {
                Some(d) => (d.missing_role, d.granted_by),
                None => access::requirement(scope.kind, Action::ListInvoices),
            };
            tracing::debug!(scope = %scope.id, ?action, "invoice list forbidden");
            (
                Vec::new(),
                InvoiceAccess::Denied {
                    missing_role,
                    granted_by,
                    policy: denied.and_then(|d| d.policy),
                    contact: denied.and_then(|d| d.contact.clone()),
                },
            )
        }
        Err(e) => return Err(e),
    };

    let mut period_list = match &legacy_periods {
        Some(list) => {
            if facts.subscription_created.is_none() {
                // Lower bound: the first period starts on the day the subscription was created.
                facts.subscription_created = list
                    .iter()
                    .filter_map(|p| p.properties.billing_period_start_date.as_ref()?.date())
                    .min();
            }
            periods::from_billing_periods(list, &range)
        }
        None => Vec::new(),
    };
    if period_list.is_empty() && scope.kind == ScopeKind::MospSubscription {
        period_list = periods::from_invoices(&invoices, &range, today);
    }
    if period_list.is_empty() && legacy_periods.is_none() {
        period_list = periods::calendar_months(&range);
    }
    let rows = periods::assign(period_list, &invoices);
    Ok(rows
        .into_iter()
        .map(|row| {
            let period_facts = PeriodFacts {
                kind: scope.kind,
                today,
                period_start: row.period.start,
                period_end: row.period.end,
                invoice_count: row.invoices.len(),
                invoice_access: invoice_access.clone(),
                subscription_created: facts.subscription_created,
                invoice_day: facts.invoice_day,
                credit: facts.credit.clone(),
                ea_invoice_recipient: facts.ea_invoice_recipient.clone(),
            };
            PeriodRow {
                expected_invoice_date: crate::availability::expected_invoice_date(
                    scope.kind,
                    row.period.end,
                    facts.invoice_day,
                ),
                availability: availability(&period_facts),
                period: row.period,
                invoices: row.invoices,
            }
        })
        .collect())
}

/// Records a 403 received for `action` on an entry and recomputes its capabilities.
pub fn record_forbidden(
    entry: &mut ScopeEntry,
    action: Action,
    error: &BillingError,
    portal: &Portal,
) {
    if let BillingError::Forbidden { action: arm, .. } = error {
        entry.access.forbidden.push(ForbiddenCall {
            action,
            arm_action: arm.clone(),
        });
        entry.capabilities = access::capabilities(&entry.scope, &entry.access, portal);
    }
}
