//! "Check my access": per billing account the user reaches, its agreement, and per scope the
//! roles held there, where Azure said so and what each role allows. Everything comes from what
//! discovery gathered (`billingPermissions`, `checkAccess`, role assignments, `billingProperty`,
//! the EA policies, the 403s received) and the verdicts `invoice-desk-billing` made of it; this
//! module only groups and shapes them, so the window and the command line show the same thing
//! and nothing is decided twice.

use serde::{Deserialize, Serialize};

use invoice_desk_billing::access::{
    AccessPolicy, Capabilities, NotOfferedReason, PermissionSource,
};
use invoice_desk_billing::{AgreementFamily, BillingRole, Capability, ScopeEntry, ScopeKind};

use crate::directory::Directory;

/// Whether an action can be done on a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum CapabilityState {
    Allowed,
    /// The role does not allow it (or an EA policy blocks it).
    Denied,
    /// The app does not offer it on this kind of scope.
    NotOffered,
}

/// One verdict of [`Capability`] as the front ends show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CapabilityView {
    pub state: CapabilityState,
    /// Whether the action may be done: what most of the window needs to know.
    pub allowed: bool,
    /// Not offered: why.
    pub reason: Option<NotOfferedReason>,
    /// Denied: the least role that would allow it, and who can grant it.
    pub missing_role: Option<BillingRole>,
    pub granted_by: Option<BillingRole>,
    /// Denied by a switch someone turns on rather than a role (EA view charges, pay-as-you-go
    /// "Allow others to download invoice").
    pub policy: Option<AccessPolicy>,
    /// Who grants it as Azure names them (the account administrator's e-mail address).
    #[serde(default)]
    pub grantor_contact: Option<String>,
    /// Where in the Azure portal this is changed.
    pub portal_url: Option<String>,
}

impl From<&Capability> for CapabilityView {
    fn from(c: &Capability) -> Self {
        let denied = c.denied();
        Self {
            state: match c {
                Capability::Allowed => CapabilityState::Allowed,
                Capability::Denied(_) => CapabilityState::Denied,
                Capability::NotOffered { .. } => CapabilityState::NotOffered,
            },
            allowed: c.is_allowed(),
            reason: match c {
                Capability::NotOffered { reason, .. } => Some(*reason),
                _ => None,
            },
            missing_role: denied.map(|d| d.missing_role),
            granted_by: denied.map(|d| d.granted_by),
            policy: denied.and_then(|d| d.policy),
            grantor_contact: denied.and_then(|d| d.contact.clone()),
            portal_url: c.portal().map(|p| p.url.clone()),
        }
    }
}

/// The four verdicts of a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CapabilitiesView {
    pub list_invoices: CapabilityView,
    pub download_invoices: CapabilityView,
    pub download_usage: CapabilityView,
    pub manage_email: CapabilityView,
}

impl From<&Capabilities> for CapabilitiesView {
    fn from(caps: &Capabilities) -> Self {
        Self {
            list_invoices: (&caps.list_invoices).into(),
            download_invoices: (&caps.download_invoices).into(),
            download_usage: (&caps.download_usage).into(),
            manage_email: (&caps.manage_email).into(),
        }
    }
}

/// Where what is known about a scope's access came from, strongest first (the order
/// [`invoice_desk_billing::access::capabilities`] weighs them in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AccessEvidence {
    /// Azure answered 403 to something the app did here.
    Forbidden,
    /// Azure listed the invoices (a pay-as-you-go subscription's, to someone other than its
    /// account administrator).
    InvoicesListed,
    /// `billingPermissions`: the caller's effective actions at the scope.
    BillingPermissions,
    /// `checkAccess`: Azure's answer for the actions the app needs.
    CheckAccess,
    /// The EA enrollment's view-charges policies.
    EaPolicies,
    /// Pay-as-you-go `billingProperty.isAccountAdmin`.
    BillingProperty,
    /// The billing role assignments read for the caller.
    Roles,
}

impl AccessEvidence {
    /// The stable code, e.g. `"billing_permissions"`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Forbidden => "forbidden",
            Self::InvoicesListed => "invoices_listed",
            Self::BillingPermissions => "billing_permissions",
            Self::CheckAccess => "check_access",
            Self::EaPolicies => "ea_policies",
            Self::BillingProperty => "billing_property",
            Self::Roles => "roles",
        }
    }
}

/// One scope of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ScopeAccess {
    /// The ARM resource id.
    pub id: String,
    pub kind: ScopeKind,
    pub display_name: String,
    /// The billing profile an invoice section belongs to.
    pub parent_display_name: Option<String>,
    /// The caller's billing roles here, strongest first.
    pub roles: Vec<BillingRole>,
    /// Where the verdicts' facts came from, strongest first.
    pub evidence: Vec<AccessEvidence>,
    /// The actions `billingPermissions` or `checkAccess` listed as allowed, as Azure named them.
    pub permitted_actions: Vec<String>,
    /// The actions they listed as not allowed.
    pub not_permitted_actions: Vec<String>,
    /// The ARM actions named by the 403s received here.
    pub forbidden_actions: Vec<String>,
    pub capabilities: CapabilitiesView,
    /// EA: who the enrollment's invoices are e-mailed to, when Azure says.
    pub ea_invoice_recipient: Option<String>,
}

/// One billing account of the report, as found in one signed-in directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AccountAccess {
    /// The signed-in account (its id in the app) and its username.
    pub account_id: String,
    pub username: String,
    pub tenant_id: String,
    /// `/providers/Microsoft.Billing/billingAccounts/{name}`; `None` for a pay-as-you-go
    /// subscription whose billing account could not be read.
    pub billing_account_id: Option<String>,
    pub display_name: String,
    pub agreement: AgreementFamily,
    pub scopes: Vec<ScopeAccess>,
}

/// Everything "Check my access" shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AccessReport {
    pub accounts: Vec<AccountAccess>,
    /// The help pages (Microsoft Learn, a support request) that close the report, in the
    /// user's language.
    pub help: Vec<crate::help::HelpLink>,
}

/// Which signed-in directory a scope was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    pub account_id: String,
    pub username: String,
    pub tenant_id: String,
}

impl From<&Directory> for Reached {
    fn from(directory: &Directory) -> Self {
        Self {
            account_id: directory.account_id.clone(),
            username: directory.username.clone(),
            tenant_id: directory.tenant_id.clone(),
        }
    }
}

fn evidence(entry: &ScopeEntry) -> Vec<AccessEvidence> {
    let access = &entry.access;
    let mut found = Vec::new();
    if !access.forbidden.is_empty() {
        found.push(AccessEvidence::Forbidden);
    }
    if !access.succeeded.is_empty() {
        found.push(AccessEvidence::InvoicesListed);
    }
    match (access.permissions.is_some(), access.permissions_source) {
        (true, Some(PermissionSource::CheckAccess)) => found.push(AccessEvidence::CheckAccess),
        (true, _) => found.push(AccessEvidence::BillingPermissions),
        (false, _) => {}
    }
    if access.ea_policies.is_some() {
        found.push(AccessEvidence::EaPolicies);
    }
    if access.is_account_admin.is_some() {
        found.push(AccessEvidence::BillingProperty);
    } else if !entry.roles.is_empty() {
        found.push(AccessEvidence::Roles);
    }
    found
}

/// One scope's part of the report.
#[must_use]
pub fn scope_access(entry: &ScopeEntry) -> ScopeAccess {
    let scope = &entry.scope;
    let permissions = entry.access.permissions.as_ref();
    ScopeAccess {
        id: scope.id.clone(),
        kind: scope.kind,
        display_name: scope.display_name.clone(),
        parent_display_name: scope.parent_display_name.clone(),
        roles: BillingRole::strongest_first(&entry.roles),
        evidence: evidence(entry),
        permitted_actions: permissions.map(|p| p.actions.clone()).unwrap_or_default(),
        not_permitted_actions: permissions
            .map(|p| p.not_actions.clone())
            .unwrap_or_default(),
        forbidden_actions: entry
            .access
            .forbidden
            .iter()
            .filter_map(|f| f.arm_action.clone())
            .collect(),
        capabilities: (&entry.capabilities).into(),
        ea_invoice_recipient: entry.facts.ea_invoice_recipient.clone(),
    }
}

/// The report over `scopes`, each with the directory it was found in: one account per billing
/// account and directory, in the order the scopes come (discovery's: by agreement, account,
/// kind, name), each scope once.
pub fn access_report<'a>(
    scopes: impl IntoIterator<Item = (Reached, &'a ScopeEntry)>,
) -> AccessReport {
    let mut accounts: Vec<AccountAccess> = Vec::new();
    for (reached, entry) in scopes {
        let scope = &entry.scope;
        let billing_account_id = scope.billing_account_id.clone();
        let same = |a: &AccountAccess| {
            a.account_id == reached.account_id
                && a.tenant_id == reached.tenant_id
                && match (&a.billing_account_id, &billing_account_id) {
                    (Some(have), Some(want)) => have.eq_ignore_ascii_case(want),
                    // A subscription without a readable account stands alone.
                    _ => a
                        .scopes
                        .iter()
                        .any(|s| s.id.eq_ignore_ascii_case(&scope.id)),
                }
        };
        let index = accounts.iter().position(same).unwrap_or_else(|| {
            accounts.push(AccountAccess {
                account_id: reached.account_id.clone(),
                username: reached.username.clone(),
                tenant_id: reached.tenant_id.clone(),
                billing_account_id,
                display_name: scope
                    .billing_account_display_name
                    .clone()
                    .or_else(|| scope.billing_account_name.clone())
                    .unwrap_or_else(|| scope.display_name.clone()),
                agreement: scope.family(),
                scopes: Vec::new(),
            });
            accounts.len() - 1
        });
        let account = &mut accounts[index];
        if account
            .scopes
            .iter()
            .any(|s| s.id.eq_ignore_ascii_case(&scope.id))
        {
            continue;
        }
        account.scopes.push(scope_access(entry));
    }
    AccessReport {
        accounts,
        help: Vec::new(),
    }
}

impl AccessReport {
    /// The report closed by the help pages in `locale`'s language.
    #[must_use]
    pub fn with_help(self, locale: crate::catalogue::Locale) -> Self {
        Self {
            help: crate::help::help_links(locale),
            ..self
        }
    }

    /// Only the scope `scope_id` (case does not matter) and its account; `None` when no scope
    /// has that id.
    #[must_use]
    pub fn narrowed_to(&self, scope_id: &str) -> Option<Self> {
        let accounts: Vec<AccountAccess> = self
            .accounts
            .iter()
            .filter_map(|account| {
                let scopes: Vec<ScopeAccess> = account
                    .scopes
                    .iter()
                    .filter(|s| s.id.eq_ignore_ascii_case(scope_id.trim()))
                    .cloned()
                    .collect();
                (!scopes.is_empty()).then(|| AccountAccess {
                    scopes,
                    ..account.clone()
                })
            })
            .collect();
        (!accounts.is_empty()).then(|| Self {
            accounts,
            help: self.help.clone(),
        })
    }
}

/// The report of one directory, discovering its scopes (the calls discovery makes, no more).
pub async fn check_access(directory: &Directory) -> AccessReport {
    let discovery = directory.discover().await;
    access_report(
        discovery
            .scopes
            .iter()
            .map(|entry| (Reached::from(directory), entry)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use invoice_desk_billing::access::{AccessFacts, ForbiddenCall, Permissions, Portal};
    use invoice_desk_billing::browse::ScopeFacts;
    use invoice_desk_billing::model::AgreementType;
    use invoice_desk_billing::{Action, BillingScope};

    fn entry(kind: ScopeKind, id: &str, account: Option<&str>, access: AccessFacts) -> ScopeEntry {
        let scope = BillingScope {
            kind,
            agreement: match kind.family() {
                AgreementFamily::Mca => AgreementType::MicrosoftCustomerAgreement,
                AgreementFamily::Ea => AgreementType::EnterpriseAgreement,
                _ => AgreementType::MicrosoftOnlineServicesProgram,
            },
            id: id.into(),
            display_name: id.rsplit('/').next().unwrap().into(),
            parent_display_name: None,
            billing_account_id: account.map(BillingScope::account_id),
            billing_account_name: account.map(str::to_owned),
            billing_account_display_name: account.map(|a| format!("Account {a}")),
            tenant_id: Some("t".into()),
            currency: None,
        };
        let capabilities = invoice_desk_billing::access::capabilities(
            &scope,
            &access,
            &Portal::new("https://portal.azure.com"),
        );
        ScopeEntry {
            roles: access.roles.clone(),
            scope,
            access,
            capabilities,
            facts: ScopeFacts::default(),
            issues: Vec::new(),
        }
    }

    fn reached() -> Reached {
        Reached {
            account_id: "acc".into(),
            username: "user@contoso.example".into(),
            tenant_id: "t".into(),
        }
    }

    #[test]
    fn scopes_are_grouped_by_billing_account_and_keep_their_evidence() {
        let profile = |name: &str, access| {
            entry(
                ScopeKind::McaBillingProfile,
                &format!("/providers/Microsoft.Billing/billingAccounts/A/billingProfiles/{name}"),
                Some("A"),
                access,
            )
        };
        let checked = AccessFacts {
            roles: vec![BillingRole::BillingProfileReader],
            permissions: Some(Permissions {
                actions: vec![
                    "Microsoft.Billing/billingAccounts/billingProfiles/invoices/read".into(),
                ],
                not_actions: vec!["Microsoft.Billing/billingAccounts/billingProfiles/write".into()],
            }),
            permissions_source: Some(PermissionSource::CheckAccess),
            ..AccessFacts::default()
        };
        let refused = AccessFacts {
            roles: vec![BillingRole::InvoiceManager],
            forbidden: vec![ForbiddenCall {
                action: Action::DownloadUsage,
                arm_action: Some(
                    "Microsoft.CostManagement/generateCostDetailsReport/action".into(),
                ),
            }],
            ..AccessFacts::default()
        };
        let entries = [
            profile("P1", checked),
            profile("P2", refused),
            entry(
                ScopeKind::MospSubscription,
                "/subscriptions/s1",
                None,
                AccessFacts {
                    is_account_admin: Some(true),
                    roles: vec![BillingRole::AccountAdministrator],
                    ..AccessFacts::default()
                },
            ),
            profile("P1", AccessFacts::default()),
        ];
        let report = access_report(entries.iter().map(|e| (reached(), e)));
        assert_eq!(report.accounts.len(), 2);
        let mca = &report.accounts[0];
        assert_eq!(mca.display_name, "Account A");
        assert_eq!(mca.agreement, AgreementFamily::Mca);
        assert_eq!(mca.scopes.len(), 2, "each scope once");
        let p1 = &mca.scopes[0];
        assert_eq!(
            p1.evidence,
            [AccessEvidence::CheckAccess, AccessEvidence::Roles]
        );
        assert_eq!(p1.capabilities.manage_email.state, CapabilityState::Denied);
        assert_eq!(p1.not_permitted_actions.len(), 1);
        let p2 = &mca.scopes[1];
        assert_eq!(
            p2.evidence,
            [AccessEvidence::Forbidden, AccessEvidence::Roles]
        );
        assert_eq!(p2.forbidden_actions.len(), 1);
        assert!(!p2.capabilities.download_usage.allowed);
        let mosp = &report.accounts[1];
        assert_eq!(mosp.billing_account_id, None);
        assert_eq!(mosp.agreement, AgreementFamily::Mosp);
        assert_eq!(mosp.scopes[0].evidence, [AccessEvidence::BillingProperty]);

        let json = serde_json::to_value(&report).unwrap();
        let scope = &json["accounts"][0]["scopes"][0];
        assert_eq!(scope["evidence"][0], "check_access");
        assert_eq!(scope["roles"][0], "billing_profile_reader");
        assert_eq!(scope["capabilities"]["manageEmail"]["state"], "denied");
        assert_eq!(json["accounts"][0]["agreement"], "mca");

        let one = report
            .narrowed_to("/PROVIDERS/Microsoft.Billing/billingAccounts/A/billingProfiles/P2")
            .unwrap();
        assert_eq!(one.accounts.len(), 1);
        assert_eq!(one.accounts[0].scopes[0].display_name, "P2");
        assert!(report.narrowed_to("/nowhere").is_none());
    }
}
