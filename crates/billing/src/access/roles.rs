//! The role table: the billing roles, the four things the app does on a scope, and which role
//! allows which of them on each kind of scope (and who grants it).

use serde::{Deserialize, Serialize};

use crate::scope::ScopeKind;

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
    /// Most to least powerful: the first role a user holds is the one the sidebar names.
    const BY_POWER: [Self; 15] = [
        Self::AccountAdministrator,
        Self::BillingAccountOwner,
        Self::EnterpriseAdministrator,
        Self::BillingProfileOwner,
        Self::BillingAccountContributor,
        Self::BillingProfileContributor,
        Self::DepartmentAdministrator,
        Self::InvoiceSectionOwner,
        Self::InvoiceSectionContributor,
        Self::EaAccountOwner,
        Self::InvoiceManager,
        Self::BillingAccountReader,
        Self::BillingProfileReader,
        Self::InvoiceSectionReader,
        Self::SubscriptionUser,
    ];

    /// `roles` ordered strongest first, each once.
    #[must_use]
    pub fn strongest_first(roles: &[Self]) -> Vec<Self> {
        Self::BY_POWER
            .into_iter()
            .filter(|role| roles.contains(role))
            .collect()
    }

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

/// The role that would allow `action` on this kind of scope, and who grants it.
pub(crate) fn requirement(kind: ScopeKind, action: Action) -> (BillingRole, BillingRole) {
    use BillingRole as R;
    match (kind, action) {
        // Usage too: the account administrator, or someone they gave the invoices to.
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
pub(super) fn roles_allow(roles: &[BillingRole], action: Action) -> Option<bool> {
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
        | R::EaAccountOwner => action == Action::DownloadUsage,
        // A role on a pay-as-you-go subscription alone gives neither its invoices nor its
        // usage: the account administrator has to give access to the invoices.
        R::SubscriptionUser => false,
    };
    Some(roles.iter().any(allows))
}

#[cfg(test)]
mod tests {

    #[test]
    fn roles_are_ordered_strongest_first_and_each_role_has_a_rank() {
        use super::BillingRole as R;
        assert_eq!(
            R::strongest_first(&[
                R::BillingProfileReader,
                R::SubscriptionUser,
                R::BillingProfileOwner
            ]),
            [
                R::BillingProfileOwner,
                R::BillingProfileReader,
                R::SubscriptionUser
            ]
        );
        let all = [
            R::AccountAdministrator,
            R::SubscriptionUser,
            R::BillingAccountOwner,
            R::BillingAccountContributor,
            R::BillingAccountReader,
            R::BillingProfileOwner,
            R::BillingProfileContributor,
            R::BillingProfileReader,
            R::InvoiceManager,
            R::InvoiceSectionOwner,
            R::InvoiceSectionContributor,
            R::InvoiceSectionReader,
            R::EnterpriseAdministrator,
            R::DepartmentAdministrator,
            R::EaAccountOwner,
        ];
        assert_eq!(R::strongest_first(&all).len(), all.len());
    }

    use super::*;

    #[test]
    fn role_codes_are_what_crosses_into_the_window() {
        // The window and its catalogue key roles by these codes; the serialized form (what the
        // window receives) must be the same code.
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
        for role in roles {
            let json = serde_json::to_value(role).unwrap();
            assert_eq!(json.as_str(), Some(role.code()));
        }
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
}
