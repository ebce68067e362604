//! What the signed-in user may do on a billing scope, and who can change it.
//!
//! [`capabilities`] maps the facts one sweep gathers about a scope ([`AccessFacts`]: the MOSP
//! `isAccountAdmin` flag, MCA/EA `billingPermissions` or `checkAccess` actions, billing role
//! assignments, the EA view-charges policies, and every 403 actually received) to four
//! [`Capability`]s. A denied action carries the role that would allow it, the role that can
//! grant it, and a portal link, so the UI never shows a raw 403.
//!
//! Evidence order, strongest first: a 403 received for the action; the action listed by
//! `billingPermissions`/`checkAccess` (allowed or not); the roles held; the agreement's
//! documented rules (MOSP account administrator, EA view-charges policies).

use serde::{Deserialize, Serialize};

use crate::cloud::Cloud;
use crate::model::{AccessDecision, CheckAccessResponse, EnterpriseAgreementPolicies, PolicyValue};
use crate::scope::{BillingScope, ScopeKind};

/// A billing role, as a stable snake_case code the UI translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BillingRole {
    /// MOSP: the one person who owns the account's billing.
    AccountAdministrator,
    /// Azure RBAC Owner/Contributor/Reader on a MOSP subscription (not a billing role).
    SubscriptionUser,
    BillingAccountOwner,
    BillingAccountContributor,
    BillingAccountReader,
    BillingProfileOwner,
    BillingProfileContributor,
    BillingProfileReader,
    InvoiceManager,
    InvoiceSectionOwner,
    InvoiceSectionContributor,
    InvoiceSectionReader,
    EnterpriseAdministrator,
    DepartmentAdministrator,
    /// EA enrollment account owner.
    EaAccountOwner,
}

impl BillingRole {
    /// The stable code, e.g. `"billing_profile_owner"`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::AccountAdministrator => "account_administrator",
            Self::SubscriptionUser => "subscription_user",
            Self::BillingAccountOwner => "billing_account_owner",
            Self::BillingAccountContributor => "billing_account_contributor",
            Self::BillingAccountReader => "billing_account_reader",
            Self::BillingProfileOwner => "billing_profile_owner",
            Self::BillingProfileContributor => "billing_profile_contributor",
            Self::BillingProfileReader => "billing_profile_reader",
            Self::InvoiceManager => "invoice_manager",
            Self::InvoiceSectionOwner => "invoice_section_owner",
            Self::InvoiceSectionContributor => "invoice_section_contributor",
            Self::InvoiceSectionReader => "invoice_section_reader",
            Self::EnterpriseAdministrator => "enterprise_administrator",
            Self::DepartmentAdministrator => "department_administrator",
            Self::EaAccountOwner => "ea_account_owner",
        }
    }

    /// The role behind a billing role definition: its well-known id (the last segment of
    /// `roleDefinitionId`) or its `roleName`.
    #[must_use]
    pub fn from_definition(id_or_name: &str) -> Option<Self> {
        let tail = id_or_name.rsplit('/').next().unwrap_or(id_or_name);
        let by_id = match tail.to_ascii_lowercase().as_str() {
            "40000000-aaaa-bbbb-cccc-100000000000" => Some(Self::BillingProfileOwner),
            "40000000-aaaa-bbbb-cccc-100000000001" => Some(Self::BillingProfileContributor),
            "40000000-aaaa-bbbb-cccc-100000000002" => Some(Self::BillingProfileReader),
            "40000000-aaaa-bbbb-cccc-100000000003" => Some(Self::InvoiceManager),
            "50000000-aaaa-bbbb-cccc-100000000000" => Some(Self::BillingAccountOwner),
            "50000000-aaaa-bbbb-cccc-100000000001" => Some(Self::BillingAccountContributor),
            "50000000-aaaa-bbbb-cccc-100000000002" => Some(Self::BillingAccountReader),
            "30000000-aaaa-bbbb-cccc-100000000000" => Some(Self::InvoiceSectionOwner),
            "30000000-aaaa-bbbb-cccc-100000000001" => Some(Self::InvoiceSectionContributor),
            "30000000-aaaa-bbbb-cccc-100000000002" => Some(Self::InvoiceSectionReader),
            "9f1983cb-2574-400c-87e9-34cf8e2280db" => Some(Self::EnterpriseAdministrator),
            "fb2cf67f-be5b-42e7-8025-4683c668f840" => Some(Self::DepartmentAdministrator),
            "c15c22c0-9faf-424c-9b7e-bd91c06a240b" => Some(Self::EaAccountOwner),
            _ => None,
        };
        by_id.or_else(|| {
            let name = id_or_name.trim().to_ascii_lowercase();
            Some(match name.as_str() {
                "billing profile owner" => Self::BillingProfileOwner,
                "billing profile contributor" => Self::BillingProfileContributor,
                "billing profile reader" => Self::BillingProfileReader,
                "invoice manager" => Self::InvoiceManager,
                "billing account owner" => Self::BillingAccountOwner,
                "billing account contributor" => Self::BillingAccountContributor,
                "billing account reader" => Self::BillingAccountReader,
                "invoice section owner" => Self::InvoiceSectionOwner,
                "invoice section contributor" => Self::InvoiceSectionContributor,
                "invoice section reader" => Self::InvoiceSectionReader,
                "enterprise administrator" => Self::EnterpriseAdministrator,
                "department administrator" => Self::DepartmentAdministrator,
                "account owner" => Self::EaAccountOwner,
                "account administrator" => Self::AccountAdministrator,
                _ => return None,
            })
        })
    }
}

/// One of the four things the app does on a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ListInvoices,
    DownloadInvoices,
    DownloadUsage,
    ManageEmail,
}

impl Action {
    pub const ALL: [Self; 4] = [
        Self::ListInvoices,
        Self::DownloadInvoices,
        Self::DownloadUsage,
        Self::ManageEmail,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::ListInvoices => "list_invoices",
            Self::DownloadInvoices => "download_invoices",
            Self::DownloadUsage => "download_usage",
            Self::ManageEmail => "manage_email",
        }
    }

    /// Whether an ARM action name (from `billingPermissions`, `checkAccess` or a 403) is
    /// the one this app action needs.
    #[must_use]
    pub fn matches_arm_action(self, arm_action: &str) -> bool {
        let a = arm_action.to_ascii_lowercase();
        match self {
            Self::ListInvoices => a.ends_with("/invoices/read"),
            Self::DownloadInvoices => {
                a.ends_with("/invoices/download/action") || a.ends_with("/invoices/read")
            }
            Self::DownloadUsage => {
                a.starts_with("microsoft.costmanagement/")
                    || a.starts_with("microsoft.consumption/")
            }
            Self::ManageEmail => {
                a.ends_with("/billingprofiles/write")
                    || a == "microsoft.billing/billingaccounts/write"
            }
        }
    }

    /// The action names to ask `checkAccess` about.
    #[must_use]
    pub fn check_access_actions() -> Vec<String> {
        [
            "Microsoft.Billing/billingAccounts/billingProfiles/invoices/read",
            "Microsoft.Billing/billingAccounts/invoices/read",
            "Microsoft.Billing/billingAccounts/invoices/download/action",
            "Microsoft.Billing/billingAccounts/billingProfiles/write",
            "Microsoft.CostManagement/generateCostDetailsReport/action",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
    }
}

/// Which EA view-charges policy blocks usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ViewChargesPolicy {
    DepartmentAdminViewCharges,
    AccountOwnerViewCharges,
}

impl ViewChargesPolicy {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::DepartmentAdminViewCharges => "department_admin_view_charges",
            Self::AccountOwnerViewCharges => "account_owner_view_charges",
        }
    }
}

/// A page of the Azure portal and its address for the scope at hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortalLink {
    /// Stable code of what the page is for, e.g. `"billing_profile_access_control"`.
    pub page: &'static str,
    pub url: String,
}

/// The Azure portal of a cloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Portal {
    base: String,
}

impl Portal {
    /// A portal base URL such as `https://portal.azure.com` (trailing slashes dropped).
    #[must_use]
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim().trim_end_matches('/').to_owned(),
        }
    }

    /// The public, China or US Government portal; custom clouds get the public one (pass the
    /// right base to [`Portal::new`] instead when it is known).
    #[must_use]
    pub fn for_cloud(cloud: &Cloud) -> Self {
        Self::new(match cloud {
            Cloud::AzureChina => "https://portal.azure.cn",
            Cloud::AzureUsGov => "https://portal.azure.us",
            Cloud::AzurePublic | Cloud::Custom { .. } => "https://portal.azure.com",
        })
    }

    #[must_use]
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The portal page where whoever can grant `action` on `scope` does so.
    #[must_use]
    pub fn link(&self, scope: &BillingScope, action: Action, policy: bool) -> PortalLink {
        let base = &self.base;
        let tenant = scope.tenant_id.as_deref().unwrap_or_default();
        let resource = |suffix: &str| format!("{base}/#@{tenant}/resource{}{suffix}", scope.id);
        match scope.kind {
            ScopeKind::MospSubscription => match action {
                Action::DownloadUsage => PortalLink {
                    page: "subscription_access_control",
                    url: resource("/users"),
                },
                Action::ManageEmail => PortalLink {
                    page: "subscription_invoices",
                    url: format!("{base}/#blade/Microsoft_Azure_Billing/SubscriptionsBlade"),
                },
                Action::ListInvoices | Action::DownloadInvoices => PortalLink {
                    page: "allow_others_to_download_invoice",
                    url: format!("{base}/#blade/Microsoft_Azure_Billing/SubscriptionsBlade"),
                },
            },
            ScopeKind::EaEnrollment | ScopeKind::EaDepartment | ScopeKind::EaEnrollmentAccount
                if policy =>
            {
                let account = scope.billing_account_id.as_deref().unwrap_or(&scope.id);
                PortalLink {
                    page: "enrollment_policies",
                    url: format!("{base}/#@{tenant}/resource{account}/policies"),
                }
            }
            ScopeKind::McaInvoiceSection if action == Action::DownloadUsage => PortalLink {
                page: "invoice_section_access_control",
                url: resource("/billingrbac"),
            },
            ScopeKind::McaBillingProfile | ScopeKind::McaInvoiceSection => {
                // Invoices and e-mail settings belong to the billing profile, so a section
                // points at its profile's pages.
                let profile = scope
                    .billing_profile_id()
                    .unwrap_or_else(|| scope.id.clone());
                let page = |suffix: &str| format!("{base}/#@{tenant}/resource{profile}{suffix}");
                if action == Action::ManageEmail {
                    PortalLink {
                        page: "billing_profile_properties",
                        url: page("/properties"),
                    }
                } else {
                    PortalLink {
                        page: "billing_profile_access_control",
                        url: page("/billingrbac"),
                    }
                }
            }
            _ => PortalLink {
                page: "billing_scope_access_control",
                url: resource("/billingrbac"),
            },
        }
    }
}

/// Why an action cannot be taken, in words the UI can turn into a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Denied {
    /// The (least) role that would allow the action.
    pub missing_role: BillingRole,
    /// Who can grant that role (or turn the policy on).
    pub granted_by: BillingRole,
    pub portal: PortalLink,
    /// Set when a policy, not a role, blocks the action (EA view charges).
    pub policy: Option<ViewChargesPolicy>,
    /// The ARM action a 403 named, when one was received.
    pub arm_action: Option<String>,
}

/// Why an action is not something the app offers on this scope at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NotOfferedReason {
    /// EA invoices are e-mailed to the enrollment's invoice recipient, never downloaded.
    EaInvoicesAreEmailed,
    /// No public API: the setting lives in the portal only (MOSP invoice e-mail).
    PortalOnly,
}

impl NotOfferedReason {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::EaInvoicesAreEmailed => "ea_invoices_are_emailed",
            Self::PortalOnly => "portal_only",
        }
    }
}

/// One action's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Capability {
    Allowed,
    Denied(Denied),
    NotOffered {
        reason: NotOfferedReason,
        portal: PortalLink,
    },
}

impl Capability {
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allowed)
    }

    #[must_use]
    pub fn denied(&self) -> Option<&Denied> {
        match self {
            Self::Denied(d) => Some(d),
            _ => None,
        }
    }

    /// The portal page where this verdict is changed or the thing is done instead; none
    /// when allowed.
    #[must_use]
    pub fn portal(&self) -> Option<&PortalLink> {
        match self {
            Self::Allowed => None,
            Self::Denied(denied) => Some(&denied.portal),
            Self::NotOffered { portal, .. } => Some(portal),
        }
    }

    /// A stable code: `allowed`, `denied`, or the not-offered reason.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::Denied(_) => "denied",
            Self::NotOffered { reason, .. } => reason.code(),
        }
    }
}

/// The four verdicts of a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    pub list_invoices: Capability,
    pub download_invoices: Capability,
    pub download_usage: Capability,
    pub manage_email: Capability,
}

impl Capabilities {
    #[must_use]
    pub fn get(&self, action: Action) -> &Capability {
        match action {
            Action::ListInvoices => &self.list_invoices,
            Action::DownloadInvoices => &self.download_invoices,
            Action::DownloadUsage => &self.download_usage,
            Action::ManageEmail => &self.manage_email,
        }
    }

    fn get_mut(&mut self, action: Action) -> &mut Capability {
        match action {
            Action::ListInvoices => &mut self.list_invoices,
            Action::DownloadInvoices => &mut self.download_invoices,
            Action::DownloadUsage => &mut self.download_usage,
            Action::ManageEmail => &mut self.manage_email,
        }
    }
}

/// A 403 received while working on a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForbiddenCall {
    pub action: Action,
    /// The ARM action of the `AuthorizationFailed` message, when it named one.
    pub arm_action: Option<String>,
}

/// The caller's effective actions at a scope (`billingPermissions` or `checkAccess`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Permissions {
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
}

impl Permissions {
    /// `Some(true/false)` when the listed actions decide `action`, `None` when they say
    /// nothing about it.
    #[must_use]
    pub fn decides(&self, action: Action) -> Option<bool> {
        if self
            .not_actions
            .iter()
            .any(|a| action.matches_arm_action(a))
        {
            return Some(false);
        }
        if self.actions.iter().any(|a| action.matches_arm_action(a)) {
            return Some(true);
        }
        // An empty list means no permission at all; otherwise unlisted is unknown.
        if self.actions.is_empty() && self.not_actions.is_empty() {
            return Some(false);
        }
        None
    }
}

impl Permissions {
    /// The permissions a `checkAccess` answer proves: `Allowed` actions as actions,
    /// `NotAllowed` ones as not-actions. `None` when no decision was either (all `Other`, or
    /// an empty answer): unlike an empty `billingPermissions` list, that proves nothing.
    #[must_use]
    pub fn from_access_decisions(decisions: &[CheckAccessResponse]) -> Option<Self> {
        let mut out = Self::default();
        for decision in decisions {
            let Some(action) = decision.action.clone() else {
                continue;
            };
            match decision.access_decision {
                Some(AccessDecision::Allowed) => out.actions.push(action),
                Some(AccessDecision::NotAllowed) => out.not_actions.push(action),
                _ => {}
            }
        }
        (!out.actions.is_empty() || !out.not_actions.is_empty()).then_some(out)
    }
}

/// Which API said what the caller's permissions are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PermissionSource {
    BillingPermissions,
    CheckAccess,
}

/// Everything known about the caller's access to one scope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccessFacts {
    /// MOSP `billingProperty.isAccountAdmin`.
    pub is_account_admin: Option<bool>,
    /// Billing roles held on the scope or above it.
    pub roles: Vec<BillingRole>,
    /// `None` when the permissions could not be read.
    pub permissions: Option<Permissions>,
    /// Where [`Self::permissions`] came from.
    pub permissions_source: Option<PermissionSource>,
    /// EA account policies.
    pub ea_policies: Option<EnterpriseAgreementPolicies>,
    /// 403s received on this scope.
    pub forbidden: Vec<ForbiddenCall>,
    /// Actions that succeeded on this scope (e.g. an invoice list answered 200).
    pub succeeded: Vec<Action>,
}

fn deny(
    portal: &Portal,
    scope: &BillingScope,
    action: Action,
    missing_role: BillingRole,
    granted_by: BillingRole,
) -> Capability {
    Capability::Denied(Denied {
        missing_role,
        granted_by,
        portal: portal.link(scope, action, false),
        policy: None,
        arm_action: None,
    })
}

/// The role that would allow `action` on this kind of scope, and who grants it.
pub(crate) fn requirement(kind: ScopeKind, action: Action) -> (BillingRole, BillingRole) {
    use BillingRole as R;
    match (kind, action) {
        (ScopeKind::MospSubscription, Action::DownloadUsage) => {
            (R::SubscriptionUser, R::AccountAdministrator)
        }
        (ScopeKind::MospSubscription, _) => (R::AccountAdministrator, R::AccountAdministrator),
        (ScopeKind::McaBillingProfile | ScopeKind::McaInvoiceSection, Action::ManageEmail) => {
            (R::BillingProfileContributor, R::BillingProfileOwner)
        }
        // Charges of a section: any role on the section, granted by its owner.
        (ScopeKind::McaInvoiceSection, Action::DownloadUsage) => {
            (R::InvoiceSectionReader, R::InvoiceSectionOwner)
        }
        // Reader is the least role that reads invoices and usage (invoice manager: invoices).
        (ScopeKind::McaBillingProfile | ScopeKind::McaInvoiceSection, _) => {
            (R::BillingProfileReader, R::BillingProfileOwner)
        }
        (ScopeKind::EaDepartment, _) => (R::DepartmentAdministrator, R::EnterpriseAdministrator),
        (ScopeKind::EaEnrollmentAccount, _) => (R::EaAccountOwner, R::EnterpriseAdministrator),
        (ScopeKind::EaEnrollment, _) => (R::EnterpriseAdministrator, R::EnterpriseAdministrator),
        (ScopeKind::MpaCustomer | ScopeKind::Other, _) => {
            (R::BillingAccountReader, R::BillingAccountOwner)
        }
    }
}

/// What the roles alone allow (the documented role tables), `None` when they say nothing.
fn roles_allow(roles: &[BillingRole], action: Action) -> Option<bool> {
    use BillingRole as R;
    if roles.is_empty() {
        return None;
    }
    let allows = |role: &BillingRole| match role {
        R::AccountAdministrator
        | R::BillingAccountOwner
        | R::BillingAccountContributor
        | R::BillingProfileOwner
        | R::BillingProfileContributor
        | R::EnterpriseAdministrator => true,
        R::BillingAccountReader | R::BillingProfileReader | R::InvoiceManager => {
            // Readers and invoice managers cannot change invoice e-mail (per the docs).
            action != Action::ManageEmail
        }
        // Invoices belong to the billing profile: a section role sees the section's charges,
        // never the profile's invoices, and cannot change the profile's e-mail settings.
        // Department admins and EA account owners: usage also hangs on the enrollment's
        // view-charges policy, decided separately.
        R::InvoiceSectionOwner
        | R::InvoiceSectionContributor
        | R::InvoiceSectionReader
        | R::DepartmentAdministrator
        | R::EaAccountOwner
        | R::SubscriptionUser => action == Action::DownloadUsage,
    };
    Some(roles.iter().any(allows))
}

fn policy_allows(value: Option<&PolicyValue>) -> Option<bool> {
    match value? {
        PolicyValue::Allowed | PolicyValue::AllAllowed => Some(true),
        PolicyValue::NotAllowed | PolicyValue::Disabled => Some(false),
        _ => None,
    }
}

/// The EA view-charges policy that governs usage at this scope, and whether it is on.
fn ea_usage_policy(
    kind: ScopeKind,
    facts: &AccessFacts,
) -> Option<(ViewChargesPolicy, Option<bool>)> {
    let policies = facts.ea_policies.as_ref();
    let ea_admin = facts.roles.contains(&BillingRole::EnterpriseAdministrator);
    match kind {
        ScopeKind::EaDepartment if !ea_admin => Some((
            ViewChargesPolicy::DepartmentAdminViewCharges,
            policy_allows(policies.and_then(|p| p.department_admin_view_charges.as_ref())),
        )),
        ScopeKind::EaEnrollmentAccount if !ea_admin => {
            let dept_admin = facts.roles.contains(&BillingRole::DepartmentAdministrator);
            if dept_admin {
                Some((
                    ViewChargesPolicy::DepartmentAdminViewCharges,
                    policy_allows(policies.and_then(|p| p.department_admin_view_charges.as_ref())),
                ))
            } else {
                Some((
                    ViewChargesPolicy::AccountOwnerViewCharges,
                    policy_allows(policies.and_then(|p| p.account_owner_view_charges.as_ref())),
                ))
            }
        }
        _ => None,
    }
}

/// The four verdicts for `scope`; see the module documentation for the evidence order.
#[must_use]
pub fn capabilities(scope: &BillingScope, facts: &AccessFacts, portal: &Portal) -> Capabilities {
    let mut caps = Capabilities {
        list_invoices: Capability::Allowed,
        download_invoices: Capability::Allowed,
        download_usage: Capability::Allowed,
        manage_email: Capability::Allowed,
    };
    for action in Action::ALL {
        *caps.get_mut(action) = decide(scope, facts, portal, action);
    }
    caps
}

fn decide(
    scope: &BillingScope,
    facts: &AccessFacts,
    portal: &Portal,
    action: Action,
) -> Capability {
    let kind = scope.kind;
    let (missing, granter) = requirement(kind, action);
    let is_ea = matches!(
        kind,
        ScopeKind::EaEnrollment | ScopeKind::EaDepartment | ScopeKind::EaEnrollmentAccount
    );
    // Not offered at all, whatever the roles.
    if is_ea && action != Action::DownloadUsage {
        return Capability::NotOffered {
            reason: NotOfferedReason::EaInvoicesAreEmailed,
            portal: portal.link(scope, action, false),
        };
    }
    if kind == ScopeKind::MospSubscription && action == Action::ManageEmail {
        return if facts.is_account_admin == Some(false) {
            deny(portal, scope, action, missing, granter)
        } else {
            Capability::NotOffered {
                reason: NotOfferedReason::PortalOnly,
                portal: portal.link(scope, action, false),
            }
        };
    }
    // 1. A 403 actually received.
    if let Some(call) = facts.forbidden.iter().find(|f| f.action == action) {
        let policy = ea_usage_policy(kind, facts)
            .filter(|(_, on)| *on != Some(true))
            .map(|(p, _)| p);
        return Capability::Denied(Denied {
            missing_role: if policy.is_some() {
                BillingRole::EnterpriseAdministrator
            } else {
                missing
            },
            granted_by: granter,
            portal: portal.link(scope, action, policy.is_some()),
            policy,
            arm_action: call.arm_action.clone(),
        });
    }
    if facts.succeeded.contains(&action) {
        return Capability::Allowed;
    }
    // 2. Effective permissions.
    let by_permissions = facts.permissions.as_ref().and_then(|p| p.decides(action));
    // 3. EA view-charges policy for department admins and account owners.
    if is_ea && let Some((policy, on)) = ea_usage_policy(kind, facts) {
        if on == Some(false) && by_permissions != Some(true) {
            return Capability::Denied(Denied {
                missing_role: BillingRole::EnterpriseAdministrator,
                granted_by: BillingRole::EnterpriseAdministrator,
                portal: portal.link(scope, action, true),
                policy: Some(policy),
                arm_action: None,
            });
        }
        if by_permissions.is_none() && on == Some(true) {
            return Capability::Allowed;
        }
    }
    match by_permissions {
        Some(true) => return Capability::Allowed,
        Some(false) => return deny(portal, scope, action, missing, granter),
        None => {}
    }
    // 4. Roles and the agreement's rules.
    if kind == ScopeKind::MospSubscription {
        return match (action, facts.is_account_admin) {
            // Usage needs an RBAC role on the subscription, which listing it proves.
            (Action::DownloadUsage, _) | (_, Some(true) | None) => Capability::Allowed,
            (_, Some(false)) => deny(portal, scope, action, missing, granter),
        };
    }
    match roles_allow(&facts.roles, action) {
        Some(true) => Capability::Allowed,
        // Nothing known: the scope was listed, so reading it is allowed; changing needs proof.
        None if facts.permissions.is_none() && action != Action::ManageEmail => Capability::Allowed,
        Some(false) | None => deny(portal, scope, action, missing, granter),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AgreementType;

    #[test]
    fn codes_are_what_crosses_into_the_window() {
        // The window and its catalogue key roles, policies and reasons by these codes; the
        // serialized form (what the window receives) must be the same code.
        let roles = [
            BillingRole::AccountAdministrator,
            BillingRole::SubscriptionUser,
            BillingRole::BillingAccountOwner,
            BillingRole::BillingAccountContributor,
            BillingRole::BillingAccountReader,
            BillingRole::BillingProfileOwner,
            BillingRole::BillingProfileContributor,
            BillingRole::BillingProfileReader,
            BillingRole::InvoiceManager,
            BillingRole::InvoiceSectionOwner,
            BillingRole::InvoiceSectionContributor,
            BillingRole::InvoiceSectionReader,
            BillingRole::EnterpriseAdministrator,
            BillingRole::DepartmentAdministrator,
            BillingRole::EaAccountOwner,
        ];
        let json = |value: serde_json::Value| value.as_str().unwrap().to_owned();
        for role in roles {
            assert_eq!(json(serde_json::to_value(role).unwrap()), role.code());
        }
        for policy in [
            ViewChargesPolicy::DepartmentAdminViewCharges,
            ViewChargesPolicy::AccountOwnerViewCharges,
        ] {
            assert_eq!(json(serde_json::to_value(policy).unwrap()), policy.code());
        }
        for reason in [
            NotOfferedReason::EaInvoicesAreEmailed,
            NotOfferedReason::PortalOnly,
        ] {
            assert_eq!(json(serde_json::to_value(reason).unwrap()), reason.code());
        }
    }

    fn scope(kind: ScopeKind) -> BillingScope {
        let agreement = match kind {
            ScopeKind::MospSubscription => AgreementType::MicrosoftOnlineServicesProgram,
            ScopeKind::McaBillingProfile | ScopeKind::McaInvoiceSection => {
                AgreementType::MicrosoftCustomerAgreement
            }
            ScopeKind::EaEnrollment | ScopeKind::EaDepartment | ScopeKind::EaEnrollmentAccount => {
                AgreementType::EnterpriseAgreement
            }
            _ => AgreementType::Other,
        };
        BillingScope {
            kind,
            agreement,
            id: "/providers/Microsoft.Billing/billingAccounts/1/billingProfiles/P".into(),
            display_name: "x".into(),
            parent_display_name: None,
            billing_account_id: Some("/providers/Microsoft.Billing/billingAccounts/1".into()),
            billing_account_name: Some("1".into()),
            billing_account_display_name: None,
            tenant_id: Some("t".into()),
            currency: None,
        }
    }

    fn portal() -> Portal {
        Portal::new("https://portal.azure.com/")
    }

    fn perms(actions: &[&str]) -> Permissions {
        Permissions {
            actions: actions.iter().map(|a| (*a).to_owned()).collect(),
            not_actions: Vec::new(),
        }
    }

    #[test]
    fn mosp_account_admin_may_do_all_but_email_which_is_portal_only() {
        let facts = AccessFacts {
            is_account_admin: Some(true),
            ..AccessFacts::default()
        };
        let caps = capabilities(&scope(ScopeKind::MospSubscription), &facts, &portal());
        assert!(caps.list_invoices.is_allowed());
        assert!(caps.download_invoices.is_allowed());
        assert!(caps.download_usage.is_allowed());
        assert_eq!(caps.manage_email.code(), "portal_only");
    }

    #[test]
    fn mosp_non_admin_misses_the_account_administrator() {
        let facts = AccessFacts {
            is_account_admin: Some(false),
            ..AccessFacts::default()
        };
        let caps = capabilities(&scope(ScopeKind::MospSubscription), &facts, &portal());
        let denied = caps.list_invoices.denied().unwrap();
        assert_eq!(denied.missing_role.code(), "account_administrator");
        assert_eq!(denied.granted_by.code(), "account_administrator");
        assert!(denied.portal.url.starts_with("https://portal.azure.com/#"));
        assert!(caps.download_usage.is_allowed());
        assert_eq!(caps.manage_email.code(), "denied");
    }

    #[test]
    fn a_403_received_wins_and_keeps_its_action() {
        let facts = AccessFacts {
            is_account_admin: Some(true),
            forbidden: vec![ForbiddenCall {
                action: Action::ListInvoices,
                arm_action: Some("Microsoft.Billing/invoices/read".into()),
            }],
            ..AccessFacts::default()
        };
        let caps = capabilities(&scope(ScopeKind::MospSubscription), &facts, &portal());
        let denied = caps.list_invoices.denied().unwrap();
        assert_eq!(
            denied.arm_action.as_deref(),
            Some("Microsoft.Billing/invoices/read")
        );
        assert!(caps.download_invoices.is_allowed());
    }

    #[test]
    fn mca_reader_and_invoice_manager_cannot_change_email() {
        for role in [
            BillingRole::BillingProfileReader,
            BillingRole::InvoiceManager,
        ] {
            let facts = AccessFacts {
                roles: vec![role],
                ..AccessFacts::default()
            };
            let caps = capabilities(&scope(ScopeKind::McaBillingProfile), &facts, &portal());
            assert!(caps.list_invoices.is_allowed());
            assert!(caps.download_invoices.is_allowed());
            let denied = caps.manage_email.denied().unwrap();
            assert_eq!(denied.missing_role.code(), "billing_profile_contributor");
            assert_eq!(denied.granted_by.code(), "billing_profile_owner");
            assert_eq!(denied.portal.page, "billing_profile_properties");
        }
        let contributor = AccessFacts {
            roles: vec![BillingRole::BillingProfileContributor],
            ..AccessFacts::default()
        };
        let caps = capabilities(
            &scope(ScopeKind::McaBillingProfile),
            &contributor,
            &portal(),
        );
        assert!(caps.manage_email.is_allowed());
    }

    #[test]
    fn mca_permissions_beat_roles() {
        let facts = AccessFacts {
            roles: vec![BillingRole::BillingProfileOwner],
            permissions: Some(perms(&[
                "Microsoft.Billing/billingAccounts/billingProfiles/invoices/read",
            ])),
            ..AccessFacts::default()
        };
        let caps = capabilities(&scope(ScopeKind::McaBillingProfile), &facts, &portal());
        assert!(caps.list_invoices.is_allowed());
        // Unlisted: the roles decide.
        assert!(caps.manage_email.is_allowed());
        let empty = AccessFacts {
            permissions: Some(perms(&[])),
            ..AccessFacts::default()
        };
        let caps = capabilities(&scope(ScopeKind::McaBillingProfile), &empty, &portal());
        for action in Action::ALL {
            let denied = caps.get(action).denied().unwrap();
            assert_eq!(denied.granted_by, BillingRole::BillingProfileOwner);
        }
    }

    #[test]
    fn ea_invoices_are_not_offered_and_view_charges_policy_decides_usage() {
        let off = EnterpriseAgreementPolicies {
            account_owner_view_charges: Some(PolicyValue::NotAllowed),
            department_admin_view_charges: Some(PolicyValue::Allowed),
            ..EnterpriseAgreementPolicies::default()
        };
        let owner = AccessFacts {
            roles: vec![BillingRole::EaAccountOwner],
            ea_policies: Some(off.clone()),
            ..AccessFacts::default()
        };
        let caps = capabilities(&scope(ScopeKind::EaEnrollmentAccount), &owner, &portal());
        assert_eq!(caps.list_invoices.code(), "ea_invoices_are_emailed");
        assert_eq!(caps.manage_email.code(), "ea_invoices_are_emailed");
        let denied = caps.download_usage.denied().unwrap();
        assert_eq!(
            denied.policy,
            Some(ViewChargesPolicy::AccountOwnerViewCharges)
        );
        assert_eq!(denied.granted_by.code(), "enterprise_administrator");
        assert_eq!(denied.portal.page, "enrollment_policies");

        let dept = AccessFacts {
            ea_policies: Some(off),
            ..AccessFacts::default()
        };
        let caps = capabilities(&scope(ScopeKind::EaDepartment), &dept, &portal());
        assert!(caps.download_usage.is_allowed());

        let admin = AccessFacts {
            roles: vec![BillingRole::EnterpriseAdministrator],
            ..AccessFacts::default()
        };
        let caps = capabilities(&scope(ScopeKind::EaEnrollment), &admin, &portal());
        assert!(caps.download_usage.is_allowed());
    }

    #[test]
    fn ea_usage_403_names_the_policy() {
        let facts = AccessFacts {
            ea_policies: Some(EnterpriseAgreementPolicies {
                account_owner_view_charges: Some(PolicyValue::NotAllowed),
                ..EnterpriseAgreementPolicies::default()
            }),
            forbidden: vec![ForbiddenCall {
                action: Action::DownloadUsage,
                arm_action: Some(
                    "Microsoft.CostManagement/generateCostDetailsReport/action".into(),
                ),
            }],
            ..AccessFacts::default()
        };
        let caps = capabilities(&scope(ScopeKind::EaEnrollmentAccount), &facts, &portal());
        let denied = caps.download_usage.denied().unwrap();
        assert_eq!(
            denied.policy,
            Some(ViewChargesPolicy::AccountOwnerViewCharges)
        );
        assert!(denied.arm_action.is_some());
    }

    fn decision(action: &str, allowed: Option<AccessDecision>) -> CheckAccessResponse {
        CheckAccessResponse {
            action: Some(action.into()),
            access_decision: allowed,
        }
    }

    #[test]
    fn check_access_answers_become_permissions_only_when_they_decide_something() {
        let decisions = [
            decision(
                "Microsoft.Billing/billingAccounts/billingProfiles/invoices/read",
                Some(AccessDecision::Allowed),
            ),
            decision(
                "Microsoft.Billing/billingAccounts/billingProfiles/write",
                Some(AccessDecision::NotAllowed),
            ),
            decision(
                "Microsoft.CostManagement/generateCostDetailsReport/action",
                Some(AccessDecision::Other),
            ),
            CheckAccessResponse {
                action: None,
                access_decision: Some(AccessDecision::Allowed),
            },
        ];
        let permissions = Permissions::from_access_decisions(&decisions).unwrap();
        assert_eq!(
            permissions.actions,
            ["Microsoft.Billing/billingAccounts/billingProfiles/invoices/read"]
        );
        assert_eq!(
            permissions.not_actions,
            ["Microsoft.Billing/billingAccounts/billingProfiles/write"]
        );
        assert_eq!(permissions.decides(Action::ListInvoices), Some(true));
        assert_eq!(permissions.decides(Action::ManageEmail), Some(false));
        // "Other" says nothing: the roles decide usage.
        assert_eq!(permissions.decides(Action::DownloadUsage), None);
        // Nothing decided is no evidence at all (not "no permission").
        assert_eq!(
            Permissions::from_access_decisions(&[decision(
                "Microsoft.Billing/billingAccounts/read",
                Some(AccessDecision::Other)
            )]),
            None
        );
        assert_eq!(Permissions::from_access_decisions(&[]), None);
    }

    fn section() -> BillingScope {
        BillingScope {
            id:
                "/providers/Microsoft.Billing/billingAccounts/1/billingProfiles/P/invoiceSections/S"
                    .into(),
            ..scope(ScopeKind::McaInvoiceSection)
        }
    }

    #[test]
    fn section_roles_see_charges_but_not_the_profiles_invoices() {
        for role in [
            BillingRole::InvoiceSectionOwner,
            BillingRole::InvoiceSectionContributor,
            BillingRole::InvoiceSectionReader,
        ] {
            let facts = AccessFacts {
                roles: vec![role],
                ..AccessFacts::default()
            };
            let caps = capabilities(&section(), &facts, &portal());
            assert!(caps.download_usage.is_allowed(), "{role:?}");
            for action in [Action::ListInvoices, Action::DownloadInvoices] {
                let denied = caps.get(action).denied().unwrap();
                assert_eq!(denied.missing_role, BillingRole::BillingProfileReader);
                assert_eq!(denied.granted_by, BillingRole::BillingProfileOwner);
                // Granted on the profile, not the section.
                assert_eq!(denied.portal.page, "billing_profile_access_control");
                assert!(
                    denied
                        .portal
                        .url
                        .ends_with("/billingProfiles/P/billingrbac"),
                    "{}",
                    denied.portal.url
                );
            }
            let email = caps.manage_email.denied().unwrap();
            assert_eq!(email.missing_role, BillingRole::BillingProfileContributor);
            assert!(email.portal.url.ends_with("/billingProfiles/P/properties"));
        }
        // A profile role held above the section reaches everything in it.
        let owner = AccessFacts {
            roles: vec![BillingRole::BillingProfileOwner],
            ..AccessFacts::default()
        };
        let caps = capabilities(&section(), &owner, &portal());
        for action in Action::ALL {
            assert!(caps.get(action).is_allowed(), "{action:?}");
        }
        // Usage denied at a section points at the section's own access control.
        let nothing = AccessFacts {
            permissions: Some(perms(&[])),
            ..AccessFacts::default()
        };
        let denied = capabilities(&section(), &nothing, &portal())
            .download_usage
            .denied()
            .cloned()
            .unwrap();
        assert_eq!(denied.missing_role, BillingRole::InvoiceSectionReader);
        assert_eq!(denied.granted_by, BillingRole::InvoiceSectionOwner);
        assert_eq!(denied.portal.page, "invoice_section_access_control");
        assert!(
            denied
                .portal
                .url
                .ends_with("/invoiceSections/S/billingrbac")
        );
    }

    #[test]
    fn role_definitions_map_by_id_and_name() {
        assert_eq!(
            BillingRole::from_definition(
                "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/p/billingRoleDefinitions/40000000-aaaa-bbbb-cccc-100000000002"
            ),
            Some(BillingRole::BillingProfileReader)
        );
        assert_eq!(
            BillingRole::from_definition("Invoice manager"),
            Some(BillingRole::InvoiceManager)
        );
        assert_eq!(
            BillingRole::from_definition("30000000-aaaa-bbbb-cccc-100000000002"),
            Some(BillingRole::InvoiceSectionReader)
        );
        assert_eq!(
            BillingRole::from_definition("Invoice section contributor"),
            Some(BillingRole::InvoiceSectionContributor)
        );
        assert_eq!(BillingRole::from_definition("Astronaut"), None);
    }

    #[test]
    fn portals_follow_the_cloud() {
        assert_eq!(
            Portal::for_cloud(&Cloud::AzureChina).base(),
            "https://portal.azure.cn"
        );
        assert_eq!(
            Portal::for_cloud(&Cloud::AzureUsGov).base(),
            "https://portal.azure.us"
        );
        let link = Portal::new("https://portal.example/").link(
            &scope(ScopeKind::McaBillingProfile),
            Action::ListInvoices,
            false,
        );
        assert!(
            link.url
                .starts_with("https://portal.example/#@t/resource/providers/")
        );
    }
}
