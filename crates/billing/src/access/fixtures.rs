//! The scopes and portal the access tests decide on.

use super::Portal;
use crate::model::AgreementType;
use crate::scope::{BillingScope, ScopeKind};

pub(super) fn scope(kind: ScopeKind) -> BillingScope {
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

pub(super) fn portal() -> Portal {
    Portal::new("https://portal.azure.com/")
}
