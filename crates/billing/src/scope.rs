//! [`BillingScope`]: the one notion of "a place with invoices and usage" the app works with.

use serde::{Deserialize, Serialize};

use crate::model::AgreementType;

const ACCOUNTS: &str = "/providers/Microsoft.Billing/billingAccounts";

/// What kind of billing scope this is. The order is the order the window groups scopes in:
/// from the plainest agreement to the rarest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// A pay-as-you-go (MOSP) subscription; `id` is `/subscriptions/{id}`.
    MospSubscription,
    McaBillingProfile,
    McaInvoiceSection,
    /// The EA billing account (enrollment) itself.
    EaEnrollment,
    EaDepartment,
    EaEnrollmentAccount,
    /// MPA customer.
    MpaCustomer,
    Other,
}

impl ScopeKind {
    /// Every kind, in the order scopes are grouped.
    pub const ALL: [Self; 8] = [
        Self::MospSubscription,
        Self::McaBillingProfile,
        Self::McaInvoiceSection,
        Self::EaEnrollment,
        Self::EaDepartment,
        Self::EaEnrollmentAccount,
        Self::MpaCustomer,
        Self::Other,
    ];

    /// The agreement family a scope of this kind belongs to.
    #[must_use]
    pub fn family(self) -> AgreementFamily {
        match self {
            Self::MospSubscription => AgreementFamily::Mosp,
            Self::McaBillingProfile | Self::McaInvoiceSection => AgreementFamily::Mca,
            Self::EaEnrollment | Self::EaDepartment | Self::EaEnrollmentAccount => {
                AgreementFamily::Ea
            }
            Self::MpaCustomer => AgreementFamily::Mpa,
            Self::Other => AgreementFamily::Other,
        }
    }

    /// A stable code the UI translates, e.g. `"mosp_subscription"` → "Pay-as-you-go
    /// subscription".
    #[must_use]
    pub fn plain_kind(self) -> &'static str {
        match self {
            Self::MospSubscription => "mosp_subscription",
            Self::McaBillingProfile => "mca_billing_profile",
            Self::McaInvoiceSection => "mca_invoice_section",
            Self::EaEnrollment => "ea_enrollment",
            Self::EaDepartment => "ea_department",
            Self::EaEnrollmentAccount => "ea_enrollment_account",
            Self::MpaCustomer => "mpa_customer",
            Self::Other => "other",
        }
    }

    /// Whether this is one of the EA scopes.
    #[must_use]
    pub fn is_ea(self) -> bool {
        matches!(
            self,
            Self::EaEnrollment | Self::EaDepartment | Self::EaEnrollmentAccount
        )
    }
}

/// The short family of an agreement, as the window's badge shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AgreementFamily {
    Mosp,
    Mca,
    Ea,
    Mpa,
    Other,
}

/// One billing scope the signed-in user can reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingScope {
    pub kind: ScopeKind,
    pub agreement: AgreementType,
    /// The ARM resource id of the scope, as used for cost details and invoices:
    /// `/subscriptions/{id}` for MOSP, the billing profile / department / enrollment account /
    /// billing account id otherwise.
    pub id: String,
    pub display_name: String,
    /// The display name of the scope this one belongs to, when it is shown under another:
    /// an invoice section's billing profile.
    pub parent_display_name: Option<String>,
    /// `/providers/Microsoft.Billing/billingAccounts/{name}`.
    pub billing_account_id: Option<String>,
    pub billing_account_name: Option<String>,
    pub billing_account_display_name: Option<String>,
    pub tenant_id: Option<String>,
    /// ISO currency when known (profile currency, EA enrollment currency, MOSP billing currency).
    pub currency: Option<String>,
}

impl BillingScope {
    /// The agreement's family: from the billing account's agreement type, else from the kind
    /// (a subscription without a readable billing account is still pay-as-you-go).
    #[must_use]
    pub fn family(&self) -> AgreementFamily {
        match self.agreement {
            AgreementType::MicrosoftOnlineServicesProgram => AgreementFamily::Mosp,
            AgreementType::MicrosoftCustomerAgreement => AgreementFamily::Mca,
            AgreementType::EnterpriseAgreement => AgreementFamily::Ea,
            AgreementType::MicrosoftPartnerAgreement => AgreementFamily::Mpa,
            _ => self.kind.family(),
        }
    }

    /// The stable kind code, see [`ScopeKind::plain_kind`].
    #[must_use]
    pub fn plain_kind(&self) -> &'static str {
        self.kind.plain_kind()
    }

    /// The id of the billing account `name`.
    #[must_use]
    pub fn account_id(name: &str) -> String {
        format!("{ACCOUNTS}/{name}")
    }

    /// The segment after `key` in the scope id (case-insensitive key).
    fn segment_after(&self, key: &str) -> Option<&str> {
        let mut parts = self.id.split('/');
        while let Some(part) = parts.next() {
            if part.eq_ignore_ascii_case(key) {
                return parts.next().filter(|s| !s.is_empty());
            }
        }
        None
    }

    /// MOSP: the subscription id.
    #[must_use]
    pub fn subscription_id(&self) -> Option<&str> {
        self.segment_after("subscriptions")
    }

    /// MCA/MPA: the billing profile name.
    #[must_use]
    pub fn billing_profile_name(&self) -> Option<&str> {
        self.segment_after("billingProfiles")
    }

    /// MCA: the invoice section name.
    #[must_use]
    pub fn invoice_section_name(&self) -> Option<&str> {
        self.segment_after("invoiceSections")
    }

    /// MCA: the id of the billing profile this scope is or belongs to (an invoice section's
    /// parent), e.g. `/providers/Microsoft.Billing/billingAccounts/{a}/billingProfiles/{p}`.
    #[must_use]
    pub fn billing_profile_id(&self) -> Option<String> {
        let account = self.account_name()?;
        let profile = self.billing_profile_name()?;
        Some(format!(
            "{}/billingProfiles/{profile}",
            Self::account_id(account)
        ))
    }

    /// EA: the department name.
    #[must_use]
    pub fn department_name(&self) -> Option<&str> {
        self.segment_after("departments")
    }

    /// EA: the enrollment account name.
    #[must_use]
    pub fn enrollment_account_name(&self) -> Option<&str> {
        self.segment_after("enrollmentAccounts")
    }

    /// The billing account name, from the field or the id.
    #[must_use]
    pub fn account_name(&self) -> Option<&str> {
        self.billing_account_name
            .as_deref()
            .or_else(|| self.segment_after("billingAccounts"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(kind: ScopeKind, id: &str) -> BillingScope {
        BillingScope {
            kind,
            agreement: AgreementType::Other,
            id: id.into(),
            display_name: String::new(),
            parent_display_name: None,
            billing_account_id: None,
            billing_account_name: None,
            billing_account_display_name: None,
            tenant_id: None,
            currency: None,
        }
    }

    #[test]
    fn plain_kinds_are_stable_codes() {
        let all = [
            (ScopeKind::MospSubscription, "mosp_subscription"),
            (ScopeKind::McaBillingProfile, "mca_billing_profile"),
            (ScopeKind::McaInvoiceSection, "mca_invoice_section"),
            (ScopeKind::EaEnrollment, "ea_enrollment"),
            (ScopeKind::EaDepartment, "ea_department"),
            (ScopeKind::EaEnrollmentAccount, "ea_enrollment_account"),
            (ScopeKind::MpaCustomer, "mpa_customer"),
            (ScopeKind::Other, "other"),
        ];
        for (kind, code) in all {
            assert_eq!(scope(kind, "/x").plain_kind(), code);
            assert_eq!(serde_json::to_value(kind).unwrap(), code);
            assert_eq!(kind.is_ea(), code.starts_with("ea_"));
        }
    }

    #[test]
    fn ids_are_taken_apart() {
        let sub = scope(ScopeKind::MospSubscription, "/subscriptions/abc");
        assert_eq!(sub.subscription_id(), Some("abc"));
        assert_eq!(sub.billing_profile_name(), None);
        let profile = scope(
            ScopeKind::McaBillingProfile,
            &format!(
                "{}/billingProfiles/P1",
                BillingScope::account_id("a:b_2019-05-31")
            ),
        );
        assert_eq!(profile.billing_profile_name(), Some("P1"));
        assert_eq!(profile.invoice_section_name(), None);
        let section = scope(
            ScopeKind::McaInvoiceSection,
            &format!("{}/invoiceSections/S1", profile.id),
        );
        assert_eq!(section.invoice_section_name(), Some("S1"));
        assert_eq!(
            section.billing_profile_id().as_deref(),
            Some(profile.id.as_str())
        );
        assert_eq!(profile.account_name(), Some("a:b_2019-05-31"));
        let dept = scope(
            ScopeKind::EaDepartment,
            "/providers/Microsoft.Billing/billingAccounts/1/departments/7",
        );
        assert_eq!(dept.department_name(), Some("7"));
        let ea = scope(
            ScopeKind::EaEnrollmentAccount,
            "/providers/Microsoft.Billing/billingAccounts/1/enrollmentAccounts/9",
        );
        assert_eq!(ea.enrollment_account_name(), Some("9"));
        assert_eq!(ea.account_name(), Some("1"));
    }
}
