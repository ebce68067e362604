//! The capability decision: the four verdicts ([`Capability`]) for a scope, from the facts one
//! sweep gathered about it ([`AccessFacts`]), and the one rule that keeps some invoices from
//! users the scope otherwise lets download ([`invoice_refusal`]).
//!
//! Evidence order, strongest first: a 403 received for the action; the action listed by
//! `billingPermissions`/`checkAccess` (allowed or not); the roles held; the agreement's
//! documented rules (MOSP account administrator and "Allow others to download invoice", EA
//! view-charges policies).

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::date;

use super::roles::{requirement, roles_allow};
use super::{AccessFacts, Action, BillingRole, Portal, PortalLink};
use crate::model::PolicyValue;
use crate::scope::{BillingScope, ScopeKind};

/// A switch an administrator turns on to let others do something their role alone does not:
/// when one blocks an action, the advice is to ask for the switch, not for a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AccessPolicy {
    /// EA: "Department admins can view charges".
    DepartmentAdminViewCharges,
    /// EA: "Account owners can view charges".
    AccountOwnerViewCharges,
    /// MOSP: the account administrator's "Allow others to download invoice" for a
    /// subscription, which gives its owners, contributors and readers the invoices (and the
    /// usage that goes with them).
    AllowOthersToDownloadInvoice,
}

impl AccessPolicy {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::DepartmentAdminViewCharges => "department_admin_view_charges",
            Self::AccountOwnerViewCharges => "account_owner_view_charges",
            Self::AllowOthersToDownloadInvoice => "allow_others_to_download_invoice",
        }
    }

    /// Whether this is an EA view-charges policy (usage refused for a policy, not a role).
    #[must_use]
    pub fn is_view_charges(self) -> bool {
        matches!(
            self,
            Self::DepartmentAdminViewCharges | Self::AccountOwnerViewCharges
        )
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
    /// Set when a switch, not a role, blocks the action (EA view charges, MOSP "Allow others
    /// to download invoice").
    pub policy: Option<AccessPolicy>,
    /// Who can grant it as Azure names them, when it does (the MOSP account administrator's
    /// e-mail address from `billingProperty`).
    pub contact: Option<String>,
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
        contact: None,
        arm_action: None,
    })
}

/// A pay-as-you-go subscription's invoices refused to someone who is not its account
/// administrator: only the administrator's "Allow others to download invoice" lets them in.
fn allow_others_denied(
    portal: &Portal,
    scope: &BillingScope,
    action: Action,
    facts: &AccessFacts,
    arm_action: Option<String>,
) -> Capability {
    Capability::Denied(Denied {
        missing_role: BillingRole::AccountAdministrator,
        granted_by: BillingRole::AccountAdministrator,
        portal: portal.link(scope, action, true),
        policy: Some(AccessPolicy::AllowOthersToDownloadInvoice),
        contact: facts.account_admin_email.clone(),
        arm_action,
    })
}

fn policy_allows(value: Option<&PolicyValue>) -> Option<bool> {
    match value? {
        PolicyValue::Allowed | PolicyValue::AllAllowed => Some(true),
        PolicyValue::NotAllowed | PolicyValue::Disabled => Some(false),
        _ => None,
    }
}

/// The EA view-charges policy that governs usage at this scope, and whether it is on.
fn ea_usage_policy(kind: ScopeKind, facts: &AccessFacts) -> Option<(AccessPolicy, Option<bool>)> {
    let policies = facts.ea_policies.as_ref();
    let ea_admin = facts.roles.contains(&BillingRole::EnterpriseAdministrator);
    match kind {
        ScopeKind::EaDepartment if !ea_admin => Some((
            AccessPolicy::DepartmentAdminViewCharges,
            policy_allows(policies.and_then(|p| p.department_admin_view_charges.as_ref())),
        )),
        ScopeKind::EaEnrollmentAccount if !ea_admin => {
            let dept_admin = facts.roles.contains(&BillingRole::DepartmentAdministrator);
            if dept_admin {
                Some((
                    AccessPolicy::DepartmentAdminViewCharges,
                    policy_allows(policies.and_then(|p| p.department_admin_view_charges.as_ref())),
                ))
            } else {
                Some((
                    AccessPolicy::AccountOwnerViewCharges,
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
    let mosp_other = kind == ScopeKind::MospSubscription && facts.is_account_admin == Some(false);
    // 1. A 403 actually received.
    if let Some(call) = facts.forbidden.iter().find(|f| f.action == action) {
        if mosp_other {
            return allow_others_denied(portal, scope, action, facts, call.arm_action.clone());
        }
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
            contact: None,
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
                contact: None,
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
        // The account administrator has every invoice. Owners, contributors and readers have
        // them (and the usage that goes with them) once the administrator allowed others to
        // download invoices, which Azure shows by listing the invoices to them.
        let reads_invoices = facts.succeeded.contains(&Action::ListInvoices);
        return match facts.is_account_admin {
            Some(true) | None => Capability::Allowed,
            Some(false) if reads_invoices => Capability::Allowed,
            Some(false) => allow_others_denied(portal, scope, action, facts, None),
        };
    }
    match roles_allow(&facts.roles, action) {
        Some(true) => Capability::Allowed,
        // Nothing known: the scope was listed, so reading it is allowed; changing needs proof.
        None if facts.permissions.is_none() && action != Action::ManageEmail => Capability::Allowed,
        Some(false) | None => deny(portal, scope, action, missing, granter),
    }
}

/// The first day from which "Allow others to download invoice" reaches a pay-as-you-go
/// invoice: Microsoft keeps older invoices for the account administrator alone.
pub const OTHERS_MAY_DOWNLOAD_FROM: Date = date!(2016 - 12 - 01);

/// Why one invoice cannot be downloaded where the scope's invoices otherwise can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceRefusal {
    /// A pay-as-you-go invoice from before December 2016, and the user is not the account
    /// administrator.
    #[serde(rename = "account_administrator_only_before_december_2016")]
    AccountAdministratorOnlyBeforeDecember2016,
}

impl InvoiceRefusal {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::AccountAdministratorOnlyBeforeDecember2016 => {
                "account_administrator_only_before_december_2016"
            }
        }
    }
}

/// Whether the invoice dated `invoice_date` of `kind`'s scope is kept from this user although
/// the scope's invoices may be downloaded; `None` when nothing keeps it (or its date is unknown:
/// Azure then decides).
#[must_use]
pub fn invoice_refusal(
    kind: ScopeKind,
    facts: &AccessFacts,
    invoice_date: Option<Date>,
) -> Option<InvoiceRefusal> {
    let other = kind == ScopeKind::MospSubscription && facts.is_account_admin == Some(false);
    (other && invoice_date.is_some_and(|d| d < OTHERS_MAY_DOWNLOAD_FROM))
        .then_some(InvoiceRefusal::AccountAdministratorOnlyBeforeDecember2016)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::fixtures::{portal, scope};
    use crate::access::{ForbiddenCall, Permissions};
    use crate::model::EnterpriseAgreementPolicies;

    #[test]
    fn policy_and_reason_codes_are_what_crosses_into_the_window() {
        // The window and its catalogue key policies and reasons by these codes; the serialized
        // form (what the window receives) must be the same code.
        let json = |value: serde_json::Value| value.as_str().unwrap().to_owned();
        for policy in [
            AccessPolicy::DepartmentAdminViewCharges,
            AccessPolicy::AccountOwnerViewCharges,
            AccessPolicy::AllowOthersToDownloadInvoice,
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
    fn mosp_non_admin_without_listed_invoices_is_sent_to_the_allow_others_switch() {
        let facts = AccessFacts {
            is_account_admin: Some(false),
            ..AccessFacts::default()
        };
        let caps = capabilities(&scope(ScopeKind::MospSubscription), &facts, &portal());
        for action in [
            Action::ListInvoices,
            Action::DownloadInvoices,
            Action::DownloadUsage,
        ] {
            let denied = caps.get(action).denied().unwrap();
            // The switch, not the account administrator role, is what the user asks for.
            assert_eq!(
                denied.policy,
                Some(AccessPolicy::AllowOthersToDownloadInvoice),
                "{action:?}"
            );
            assert_eq!(denied.granted_by.code(), "account_administrator");
            assert_eq!(denied.portal.page, "allow_others_to_download_invoice");
            assert!(denied.portal.url.starts_with("https://portal.azure.com/#"));
        }
        // E-mail delivery is the account administrator's own, in the portal.
        let email = caps.manage_email.denied().unwrap();
        assert_eq!(email.policy, None);
        assert_eq!(email.missing_role.code(), "account_administrator");
    }

    #[test]
    fn mosp_reader_whose_invoices_listed_may_list_and_download_them_and_their_usage() {
        let given = AccessFacts {
            is_account_admin: Some(false),
            succeeded: vec![Action::ListInvoices],
            ..AccessFacts::default()
        };
        let caps = capabilities(&scope(ScopeKind::MospSubscription), &given, &portal());
        assert!(caps.list_invoices.is_allowed());
        assert!(caps.download_invoices.is_allowed());
        assert!(caps.download_usage.is_allowed());
        assert_eq!(caps.manage_email.code(), "denied");
    }

    #[test]
    fn mosp_reader_refused_the_invoice_list_is_told_about_allow_others_and_who_to_ask() {
        let refused = AccessFacts {
            is_account_admin: Some(false),
            account_admin_email: Some("alex@contoso.example".into()),
            forbidden: vec![ForbiddenCall {
                action: Action::ListInvoices,
                arm_action: Some(
                    "Microsoft.Billing/billingAccounts/billingSubscriptions/invoices/read".into(),
                ),
            }],
            ..AccessFacts::default()
        };
        let caps = capabilities(&scope(ScopeKind::MospSubscription), &refused, &portal());
        let denied = caps.list_invoices.denied().unwrap();
        assert_eq!(
            denied.policy,
            Some(AccessPolicy::AllowOthersToDownloadInvoice)
        );
        assert_eq!(denied.contact.as_deref(), Some("alex@contoso.example"));
        assert_eq!(
            denied.arm_action.as_deref(),
            Some("Microsoft.Billing/billingAccounts/billingSubscriptions/invoices/read")
        );
        // The same switch keeps the downloads and the usage from them.
        for capability in [&caps.download_invoices, &caps.download_usage] {
            let denied = capability.denied().unwrap();
            assert_eq!(
                denied.policy,
                Some(AccessPolicy::AllowOthersToDownloadInvoice)
            );
            assert_eq!(denied.contact.as_deref(), Some("alex@contoso.example"));
        }
    }

    #[test]
    fn mosp_usage_403_wins_for_the_account_administrator() {
        let refused = AccessFacts {
            is_account_admin: Some(true),
            forbidden: vec![ForbiddenCall {
                action: Action::DownloadUsage,
                arm_action: Some(
                    "Microsoft.CostManagement/generateCostDetailsReport/action".into(),
                ),
            }],
            ..AccessFacts::default()
        };
        let caps = capabilities(&scope(ScopeKind::MospSubscription), &refused, &portal());
        assert!(caps.list_invoices.is_allowed());
        let denied = caps.download_usage.denied().unwrap();
        assert_eq!(denied.policy, None);
    }

    #[test]
    fn invoices_before_december_2016_stay_with_the_mosp_account_administrator() {
        use time::macros::date;
        let reader = AccessFacts {
            is_account_admin: Some(false),
            succeeded: vec![Action::ListInvoices],
            ..AccessFacts::default()
        };
        let admin = AccessFacts {
            is_account_admin: Some(true),
            ..AccessFacts::default()
        };
        let mosp = ScopeKind::MospSubscription;
        let old = Some(date!(2016 - 11 - 30));
        let first = Some(OTHERS_MAY_DOWNLOAD_FROM);
        assert_eq!(
            invoice_refusal(mosp, &reader, old),
            Some(InvoiceRefusal::AccountAdministratorOnlyBeforeDecember2016)
        );
        assert_eq!(invoice_refusal(mosp, &reader, first), None);
        assert_eq!(invoice_refusal(mosp, &reader, None), None);
        assert_eq!(invoice_refusal(mosp, &admin, old), None);
        // Unknown (no billing property): Azure decides.
        assert_eq!(invoice_refusal(mosp, &AccessFacts::default(), old), None);
        // Other agreements have no such rule.
        assert_eq!(
            invoice_refusal(ScopeKind::McaBillingProfile, &reader, old),
            None
        );
        assert_eq!(
            serde_json::to_value(InvoiceRefusal::AccountAdministratorOnlyBeforeDecember2016)
                .unwrap(),
            "account_administrator_only_before_december_2016"
        );
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
        assert_eq!(denied.policy, Some(AccessPolicy::AccountOwnerViewCharges));
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
        assert_eq!(denied.policy, Some(AccessPolicy::AccountOwnerViewCharges));
        assert!(denied.arm_action.is_some());
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
}
