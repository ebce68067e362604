//! Why a billing period has no invoice: one pure function, [`availability`], over the facts.
//!
//! The reasons are the ones Azure's help page "Why don't I see an invoice for the last billing
//! period?" lists, plus the EA rule (EA invoices are e-mailed, never downloaded).

use serde::Serialize;
use time::{Date, Duration};

use crate::access::{AccessPolicy, BillingRole, Capabilities, PortalLink};
use crate::model::{SpendingLimitType, SubscriptionBillingType};
use crate::scope::ScopeKind;

/// Days after subscribing before the first invoice can exist.
pub const NEW_SUBSCRIPTION_DAYS: i64 = 30;
/// MOSP: days after a billing period ends until its invoice is generated.
pub const MOSP_GENERATION_DAYS: i64 = 2;
/// MCA/MPA without a known `invoiceDay`: days after the period ends.
pub const DEFAULT_GENERATION_DAYS: i64 = 5;
/// Invoices can be this many days late (doc) before the delay stops explaining a gap.
pub const LATE_GRACE_DAYS: i64 = 2;

/// The MOSP free trial offer.
pub const FREE_TRIAL_OFFER: &str = "MS-AZR-0044P";

/// Facts that say "free trial or monthly credit" (MOSP only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditFacts {
    /// `billingSubscription.offerId`, e.g. `MS-AZR-0044P`.
    pub offer_id: Option<String>,
    /// `subscriptionPolicies.quotaId`, e.g. `FreeTrial_2014-09-01`.
    pub quota_id: Option<String>,
    /// `subscriptionPolicies.spendingLimit` (or the profile's) is `On`.
    pub spending_limit_on: Option<bool>,
    pub billing_type: Option<SubscriptionBillingType>,
    /// `billingProfileSpendingLimitDetails[].type`.
    pub spending_limit_types: Vec<SpendingLimitType>,
}

impl CreditFacts {
    /// The codes of the signals present, e.g. `["offer_free_trial", "spending_limit_on"]`.
    #[must_use]
    pub fn signals(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self
            .offer_id
            .as_deref()
            .is_some_and(|o| o.eq_ignore_ascii_case(FREE_TRIAL_OFFER))
        {
            out.push("offer_free_trial");
        }
        if self.quota_id.as_deref().is_some_and(|q| {
            let q = q.to_ascii_lowercase();
            q.starts_with("freetrial") || q.starts_with("msdn") || q.contains("sponsor")
        }) {
            out.push("quota_free_or_credit");
        }
        if self.spending_limit_on == Some(true) {
            out.push("spending_limit_on");
        }
        if matches!(
            self.billing_type,
            Some(SubscriptionBillingType::Free | SubscriptionBillingType::Benefit)
        ) {
            out.push("billing_type_free_or_benefit");
        }
        if self.spending_limit_types.iter().any(|t| {
            !matches!(
                t,
                SpendingLimitType::None | SpendingLimitType::Other | SpendingLimitType::Unknown(_)
            )
        }) {
            out.push("credit_spending_limit");
        }
        out
    }
}

/// Whether the caller may list this scope's invoices, as far as known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum InvoiceAccess {
    Allowed,
    Denied {
        missing_role: BillingRole,
        granted_by: BillingRole,
        /// A switch, not a role, keeps the invoices (MOSP "Allow others to download invoice").
        policy: Option<AccessPolicy>,
        /// Who to ask, as Azure names them.
        contact: Option<String>,
    },
    Unknown,
}

/// Everything [`availability`] looks at for one period of one scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeriodFacts {
    pub kind: ScopeKind,
    pub today: Date,
    pub period_start: Date,
    /// The last day of the period (inclusive).
    pub period_end: Date,
    /// Invoices found for the period.
    pub invoice_count: usize,
    pub invoice_access: InvoiceAccess,
    /// When the subscription was created (MOSP), when known.
    pub subscription_created: Option<Date>,
    /// MCA/MPA billing profile `invoiceDay`.
    pub invoice_day: Option<u8>,
    pub credit: CreditFacts,
    /// EA: `enrollmentDetails.invoiceRecipient`.
    pub ea_invoice_recipient: Option<String>,
}

/// A fact shown with an [`Availability::Unknown`] answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShownFact {
    pub code: &'static str,
    pub value: String,
}

/// The kinds of [`Availability`], as the window switches over them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    Available,
    SubscriptionTooNew,
    NotGeneratedYet,
    NoPermission,
    FreeTrialOrCreditNotExceeded,
    EaInvoicesAreEmailed,
    Unknown,
}

/// Whether a period has an invoice, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Availability {
    Available {
        count: usize,
    },
    SubscriptionTooNew {
        created: Date,
        invoice_expected_after: Date,
    },
    NotGeneratedYet {
        expected_on: Date,
    },
    NoPermission {
        missing_role: BillingRole,
        granted_by: BillingRole,
        /// A switch, not a role, keeps the invoices (MOSP "Allow others to download invoice").
        policy: Option<AccessPolicy>,
        /// Who to ask, as Azure names them.
        contact: Option<String>,
    },
    FreeTrialOrCreditNotExceeded {
        signals: Vec<&'static str>,
    },
    /// EA invoices go by e-mail to the invoice recipient; usage CSV is still available.
    EaInvoicesAreEmailed {
        recipient: Option<String>,
    },
    Unknown {
        facts_shown: Vec<ShownFact>,
    },
}

impl Availability {
    /// The portal page that goes with this reason: where the missing role is granted (no
    /// permission, or no known reason), or where an EA scope's usage and charges are (its
    /// invoices are e-mailed). None for reasons that only need waiting.
    #[must_use]
    pub fn portal<'a>(&self, capabilities: &'a Capabilities) -> Option<&'a PortalLink> {
        match self {
            Self::NoPermission { .. } | Self::Unknown { .. } => capabilities
                .list_invoices
                .portal()
                .or_else(|| capabilities.download_invoices.portal()),
            Self::EaInvoicesAreEmailed { .. } => capabilities.download_usage.portal(),
            _ => None,
        }
    }

    /// The kind of reason, typed.
    #[must_use]
    pub fn kind(&self) -> ReasonCode {
        match self {
            Self::Available { .. } => ReasonCode::Available,
            Self::SubscriptionTooNew { .. } => ReasonCode::SubscriptionTooNew,
            Self::NotGeneratedYet { .. } => ReasonCode::NotGeneratedYet,
            Self::NoPermission { .. } => ReasonCode::NoPermission,
            Self::FreeTrialOrCreditNotExceeded { .. } => ReasonCode::FreeTrialOrCreditNotExceeded,
            Self::EaInvoicesAreEmailed { .. } => ReasonCode::EaInvoicesAreEmailed,
            Self::Unknown { .. } => ReasonCode::Unknown,
        }
    }

    /// A stable code for the UI's message catalogue.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Available { .. } => "available",
            Self::SubscriptionTooNew { .. } => "subscription_too_new",
            Self::NotGeneratedYet { .. } => "not_generated_yet",
            Self::NoPermission { .. } => "no_permission",
            Self::FreeTrialOrCreditNotExceeded { .. } => "free_trial_or_credit_not_exceeded",
            Self::EaInvoicesAreEmailed { .. } => "ea_invoices_are_emailed",
            Self::Unknown { .. } => "unknown",
        }
    }
}

/// The day the invoice of a period ending on `period_end` is expected.
///
/// MOSP: [`MOSP_GENERATION_DAYS`] after the period. MCA/MPA: the profile's `invoiceDay` in the
/// month after the period ends (the day after it when that would not be later), else
/// [`DEFAULT_GENERATION_DAYS`] after. EA and others: like MCA without an invoice day.
#[must_use]
pub fn expected_invoice_date(kind: ScopeKind, period_end: Date, invoice_day: Option<u8>) -> Date {
    if kind == ScopeKind::MospSubscription {
        return period_end + Duration::days(MOSP_GENERATION_DAYS);
    }
    let fallback = period_end + Duration::days(DEFAULT_GENERATION_DAYS);
    let Some(day) = invoice_day.filter(|d| (1..=31).contains(d)) else {
        return fallback;
    };
    let next = period_end + Duration::days(1);
    let candidate = next
        .replace_day(day.min(next.month().length(next.year())))
        .unwrap_or(fallback);
    if candidate > period_end {
        candidate
    } else {
        fallback
    }
}

/// Decides whether a period has an invoice and, if not, the one reason to show.
///
/// Precedence, first match wins (each step says why it beats the ones after it):
/// 1. **Available** — an invoice was found: nothing to explain, whatever else is true.
/// 2. **EA invoices are e-mailed** (EA scopes only) — true of every EA period regardless of
///    role; a 403 on an EA invoice list would only restate it.
/// 3. **No permission** — invoice listing is denied, so we cannot see whether an invoice
///    exists; any other reason would be a guess.
/// 4. **Free trial or credit not exceeded** (MOSP only; never MCA/MPA, which "always receive an
///    invoice") — beats "too new": a free-trial subscription still gets no invoice once it is
///    30 days old, so "wait" would mislead.
/// 5. **Subscription too new** — created less than [`NEW_SUBSCRIPTION_DAYS`] days before
///    today (exactly 30 days is no longer new). Beats "not generated yet" because it is the
///    more specific cause for the same wait.
/// 6. **Not generated yet** — the period has not ended (a period ending today has not), or
///    it ended and today is no later than the expected invoice date plus
///    [`LATE_GRACE_DAYS`].
/// 7. **Unknown** — with the facts that were considered.
#[must_use]
pub fn availability(facts: &PeriodFacts) -> Availability {
    if facts.invoice_count > 0 {
        return Availability::Available {
            count: facts.invoice_count,
        };
    }
    if facts.kind.is_ea() {
        return Availability::EaInvoicesAreEmailed {
            recipient: facts.ea_invoice_recipient.clone(),
        };
    }
    if let InvoiceAccess::Denied {
        missing_role,
        granted_by,
        policy,
        contact,
    } = &facts.invoice_access
    {
        return Availability::NoPermission {
            missing_role: *missing_role,
            granted_by: *granted_by,
            policy: *policy,
            contact: contact.clone(),
        };
    }
    if facts.kind == ScopeKind::MospSubscription {
        let signals = facts.credit.signals();
        if !signals.is_empty() {
            return Availability::FreeTrialOrCreditNotExceeded { signals };
        }
    }
    if let Some(created) = facts.subscription_created
        && created <= facts.today
        && (facts.today - created).whole_days() < NEW_SUBSCRIPTION_DAYS
    {
        return Availability::SubscriptionTooNew {
            created,
            invoice_expected_after: created + Duration::days(NEW_SUBSCRIPTION_DAYS),
        };
    }
    let expected_on = expected_invoice_date(facts.kind, facts.period_end, facts.invoice_day);
    if facts.period_end >= facts.today
        || facts.today <= expected_on + Duration::days(LATE_GRACE_DAYS)
    {
        return Availability::NotGeneratedYet { expected_on };
    }
    Availability::Unknown {
        facts_shown: shown(facts, expected_on),
    }
}

fn shown(facts: &PeriodFacts, expected_on: Date) -> Vec<ShownFact> {
    let mut out = vec![
        ShownFact {
            code: "scope_kind",
            value: facts.kind.plain_kind().to_owned(),
        },
        ShownFact {
            code: "period",
            value: format!("{} – {}", facts.period_start, facts.period_end),
        },
        ShownFact {
            code: "expected_on",
            value: expected_on.to_string(),
        },
        ShownFact {
            code: "today",
            value: facts.today.to_string(),
        },
        ShownFact {
            code: "invoice_access",
            value: match facts.invoice_access {
                InvoiceAccess::Allowed => "allowed",
                InvoiceAccess::Denied { .. } => "denied",
                InvoiceAccess::Unknown => "unknown",
            }
            .to_owned(),
        },
    ];
    if let Some(created) = facts.subscription_created {
        out.push(ShownFact {
            code: "subscription_created",
            value: created.to_string(),
        });
    }
    if let Some(offer) = &facts.credit.offer_id {
        out.push(ShownFact {
            code: "offer_id",
            value: offer.clone(),
        });
    }
    if let Some(quota) = &facts.credit.quota_id {
        out.push(ShownFact {
            code: "quota_id",
            value: quota.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    const TODAY: Date = date!(2026 - 03 - 15);

    #[test]
    fn a_reason_points_at_the_portal_page_that_can_change_it() {
        use crate::access::{Capability, Denied, NotOfferedReason};
        let link = |page: &'static str| PortalLink {
            page,
            url: format!("https://portal.azure.com/{page}"),
        };
        let denied = Capability::Denied(Denied {
            missing_role: BillingRole::BillingProfileReader,
            granted_by: BillingRole::BillingProfileOwner,
            portal: link("access_control"),
            policy: None,
            contact: None,
            arm_action: None,
        });
        let capabilities = Capabilities {
            list_invoices: denied,
            download_invoices: Capability::Allowed,
            download_usage: Capability::NotOffered {
                reason: NotOfferedReason::PortalOnly,
                portal: link("usage"),
            },
            manage_email: Capability::Allowed,
        };
        let no_permission = Availability::NoPermission {
            missing_role: BillingRole::BillingProfileReader,
            granted_by: BillingRole::BillingProfileOwner,
            policy: None,
            contact: None,
        };
        let url = |a: &Availability| a.portal(&capabilities).map(|p| p.url.clone());
        assert_eq!(
            url(&no_permission).as_deref(),
            Some("https://portal.azure.com/access_control")
        );
        assert_eq!(
            url(&Availability::EaInvoicesAreEmailed { recipient: None }).as_deref(),
            Some("https://portal.azure.com/usage")
        );
        assert_eq!(
            url(&Availability::NotGeneratedYet { expected_on: TODAY }),
            None
        );
        let everything_allowed = Capabilities {
            list_invoices: Capability::Allowed,
            download_invoices: Capability::Allowed,
            download_usage: Capability::Allowed,
            manage_email: Capability::Allowed,
        };
        assert_eq!(no_permission.portal(&everything_allowed), None);
    }

    fn facts(kind: ScopeKind, start: Date, end: Date) -> PeriodFacts {
        PeriodFacts {
            kind,
            today: TODAY,
            period_start: start,
            period_end: end,
            invoice_count: 0,
            invoice_access: InvoiceAccess::Allowed,
            subscription_created: None,
            invoice_day: None,
            credit: CreditFacts::default(),
            ea_invoice_recipient: None,
        }
    }

    fn mosp_old() -> PeriodFacts {
        // A long-ended period: nothing explains a missing invoice.
        facts(
            ScopeKind::MospSubscription,
            date!(2025 - 11 - 05),
            date!(2025 - 12 - 04),
        )
    }

    fn free_trial() -> CreditFacts {
        CreditFacts {
            offer_id: Some("MS-AZR-0044P".into()),
            quota_id: Some("FreeTrial_2014-09-01".into()),
            spending_limit_on: Some(true),
            billing_type: Some(SubscriptionBillingType::Free),
            spending_limit_types: vec![SpendingLimitType::FreeAccount],
        }
    }

    fn denied() -> InvoiceAccess {
        InvoiceAccess::Denied {
            missing_role: BillingRole::AccountAdministrator,
            granted_by: BillingRole::AccountAdministrator,
            policy: Some(AccessPolicy::AllowOthersToDownloadInvoice),
            contact: Some("alex@contoso.example".into()),
        }
    }

    #[test]
    fn an_invoice_makes_the_period_available_whatever_else_is_true() {
        let mut f = mosp_old();
        f.invoice_count = 2;
        f.invoice_access = denied();
        f.credit = free_trial();
        f.subscription_created = Some(TODAY - Duration::days(3));
        assert_eq!(availability(&f), Availability::Available { count: 2 });
        let mut ea = facts(
            ScopeKind::EaEnrollment,
            date!(2026 - 01 - 01),
            date!(2026 - 01 - 31),
        );
        ea.invoice_count = 1;
        assert_eq!(availability(&ea).code(), "available");
    }

    #[test]
    fn ea_first_for_ea_even_without_permission() {
        for kind in [
            ScopeKind::EaEnrollment,
            ScopeKind::EaDepartment,
            ScopeKind::EaEnrollmentAccount,
        ] {
            let mut f = facts(kind, date!(2026 - 01 - 01), date!(2026 - 01 - 31));
            f.invoice_access = denied();
            f.ea_invoice_recipient = Some("invoices@contoso.example".into());
            assert_eq!(
                availability(&f),
                Availability::EaInvoicesAreEmailed {
                    recipient: Some("invoices@contoso.example".into())
                }
            );
        }
        let f = facts(
            ScopeKind::EaEnrollment,
            date!(2026 - 03 - 01),
            date!(2026 - 03 - 31),
        );
        assert_eq!(
            availability(&f),
            Availability::EaInvoicesAreEmailed { recipient: None }
        );
    }

    #[test]
    fn no_permission_beats_free_trial_too_new_and_not_generated() {
        let mut f = facts(
            ScopeKind::MospSubscription,
            date!(2026 - 03 - 05),
            date!(2026 - 04 - 04),
        );
        f.invoice_access = denied();
        f.credit = free_trial();
        f.subscription_created = Some(TODAY - Duration::days(10));
        assert_eq!(
            availability(&f),
            Availability::NoPermission {
                missing_role: BillingRole::AccountAdministrator,
                granted_by: BillingRole::AccountAdministrator,
                policy: Some(AccessPolicy::AllowOthersToDownloadInvoice),
                contact: Some("alex@contoso.example".into()),
            }
        );
        let mut mca = facts(
            ScopeKind::McaBillingProfile,
            date!(2025 - 01 - 01),
            date!(2025 - 01 - 31),
        );
        mca.invoice_access = InvoiceAccess::Denied {
            missing_role: BillingRole::InvoiceManager,
            granted_by: BillingRole::BillingProfileOwner,
            policy: None,
            contact: None,
        };
        assert_eq!(availability(&mca).code(), "no_permission");
    }

    #[test]
    fn free_trial_for_mosp_from_any_single_signal() {
        let all = free_trial();
        let singles = [
            CreditFacts {
                offer_id: all.offer_id.clone(),
                ..CreditFacts::default()
            },
            CreditFacts {
                quota_id: all.quota_id.clone(),
                ..CreditFacts::default()
            },
            CreditFacts {
                spending_limit_on: Some(true),
                ..CreditFacts::default()
            },
            CreditFacts {
                billing_type: Some(SubscriptionBillingType::Benefit),
                ..CreditFacts::default()
            },
            CreditFacts {
                spending_limit_types: vec![SpendingLimitType::Msdn],
                ..CreditFacts::default()
            },
        ];
        for credit in singles {
            let mut f = mosp_old();
            f.credit = credit.clone();
            let result = availability(&f);
            assert_eq!(
                result.code(),
                "free_trial_or_credit_not_exceeded",
                "{credit:?}"
            );
        }
        let mut f = mosp_old();
        f.credit = all;
        let Availability::FreeTrialOrCreditNotExceeded { signals } = availability(&f) else {
            panic!("free trial expected");
        };
        assert_eq!(signals.len(), 5);
    }

    #[test]
    fn paid_signals_are_not_free_trial() {
        let mut f = mosp_old();
        f.credit = CreditFacts {
            offer_id: Some("MS-AZR-0003P".into()),
            quota_id: Some("PayAsYouGo_2014-09-01".into()),
            spending_limit_on: Some(false),
            billing_type: Some(SubscriptionBillingType::Paid),
            spending_limit_types: vec![SpendingLimitType::None],
        };
        assert_eq!(availability(&f).code(), "unknown");
    }

    #[test]
    fn mca_with_free_credit_facts_is_never_free_trial() {
        let mut f = facts(
            ScopeKind::McaBillingProfile,
            date!(2025 - 06 - 01),
            date!(2025 - 06 - 30),
        );
        f.credit = free_trial();
        assert_eq!(availability(&f).code(), "unknown");
        // The current month of that profile: not generated yet, not free trial.
        let mut current = facts(
            ScopeKind::McaBillingProfile,
            date!(2026 - 03 - 01),
            date!(2026 - 03 - 31),
        );
        current.credit = free_trial();
        current.invoice_day = Some(5);
        assert_eq!(
            availability(&current),
            Availability::NotGeneratedYet {
                expected_on: date!(2026 - 04 - 05)
            }
        );
        let mut mpa = facts(
            ScopeKind::MpaCustomer,
            date!(2025 - 06 - 01),
            date!(2025 - 06 - 30),
        );
        mpa.credit = free_trial();
        assert_eq!(availability(&mpa).code(), "unknown");
    }

    #[test]
    fn free_trial_beats_too_new() {
        let mut f = facts(
            ScopeKind::MospSubscription,
            date!(2026 - 03 - 10),
            date!(2026 - 04 - 09),
        );
        f.credit = free_trial();
        f.subscription_created = Some(date!(2026 - 03 - 10));
        assert_eq!(availability(&f).code(), "free_trial_or_credit_not_exceeded");
    }

    #[test]
    fn too_new_below_30_days_and_not_at_exactly_30() {
        let mut f = facts(
            ScopeKind::MospSubscription,
            date!(2026 - 03 - 03),
            date!(2026 - 04 - 02),
        );
        f.subscription_created = Some(TODAY - Duration::days(29));
        assert_eq!(
            availability(&f),
            Availability::SubscriptionTooNew {
                created: date!(2026 - 02 - 14),
                invoice_expected_after: date!(2026 - 03 - 16),
            }
        );
        f.subscription_created = Some(TODAY - Duration::days(30));
        assert_eq!(availability(&f).code(), "not_generated_yet");
        // Created today still counts as new; a date in the future is ignored.
        f.subscription_created = Some(TODAY);
        assert_eq!(availability(&f).code(), "subscription_too_new");
        f.subscription_created = Some(TODAY + Duration::days(1));
        assert_eq!(availability(&f).code(), "not_generated_yet");
    }

    #[test]
    fn too_new_beats_not_generated_for_the_current_period() {
        let mut f = facts(
            ScopeKind::MospSubscription,
            date!(2026 - 03 - 03),
            date!(2026 - 04 - 02),
        );
        f.subscription_created = Some(date!(2026 - 03 - 03));
        assert_eq!(availability(&f).code(), "subscription_too_new");
    }

    #[test]
    fn period_ending_today_is_not_generated_yet() {
        let f = facts(ScopeKind::MospSubscription, date!(2026 - 02 - 16), TODAY);
        assert_eq!(
            availability(&f),
            Availability::NotGeneratedYet {
                expected_on: date!(2026 - 03 - 17)
            }
        );
        let mca = facts(
            ScopeKind::McaBillingProfile,
            date!(2026 - 03 - 01),
            date!(2026 - 03 - 31),
        );
        assert_eq!(
            availability(&mca),
            Availability::NotGeneratedYet {
                expected_on: date!(2026 - 04 - 05)
            }
        );
    }

    #[test]
    fn ended_periods_wait_for_generation_plus_grace_then_become_unknown() {
        // MOSP period ended on the 12th: expected the 14th, late until the 16th.
        let mut f = facts(
            ScopeKind::MospSubscription,
            date!(2026 - 02 - 13),
            date!(2026 - 03 - 12),
        );
        assert_eq!(
            availability(&f),
            Availability::NotGeneratedYet {
                expected_on: date!(2026 - 03 - 14)
            }
        );
        f.period_end = date!(2026 - 03 - 11);
        assert_eq!(availability(&f).code(), "not_generated_yet");
        f.period_end = date!(2026 - 03 - 10);
        let Availability::Unknown { facts_shown } = availability(&f) else {
            panic!("unknown expected");
        };
        assert!(
            facts_shown
                .iter()
                .any(|s| s.code == "expected_on" && s.value == "2026-03-12")
        );
        // MCA with invoice day 5: February's invoice was due 5 March, late until the 7th.
        let mut mca = facts(
            ScopeKind::McaBillingProfile,
            date!(2026 - 02 - 01),
            date!(2026 - 02 - 28),
        );
        mca.invoice_day = Some(5);
        mca.today = date!(2026 - 03 - 07);
        assert_eq!(availability(&mca).code(), "not_generated_yet");
        mca.today = date!(2026 - 03 - 08);
        assert_eq!(availability(&mca).code(), "unknown");
    }

    #[test]
    fn unknown_access_does_not_claim_no_permission() {
        let mut f = mosp_old();
        f.invoice_access = InvoiceAccess::Unknown;
        f.subscription_created = Some(date!(2024 - 01 - 01));
        f.credit.offer_id = Some("MS-AZR-0003P".into());
        let Availability::Unknown { facts_shown } = availability(&f) else {
            panic!("unknown expected");
        };
        let codes: Vec<_> = facts_shown.iter().map(|s| s.code).collect();
        assert!(codes.contains(&"subscription_created"));
        assert!(codes.contains(&"offer_id"));
        assert!(
            facts_shown
                .iter()
                .any(|s| s.code == "invoice_access" && s.value == "unknown")
        );
    }

    #[test]
    fn expected_dates_per_agreement() {
        let end = date!(2026 - 01 - 31);
        assert_eq!(
            expected_invoice_date(ScopeKind::McaBillingProfile, end, Some(31)),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            expected_invoice_date(ScopeKind::McaBillingProfile, end, Some(0)),
            date!(2026 - 02 - 05)
        );
        assert_eq!(
            expected_invoice_date(ScopeKind::McaBillingProfile, end, None),
            date!(2026 - 02 - 05)
        );
        // A period ending mid-month with the invoice day earlier than its end.
        assert_eq!(
            expected_invoice_date(ScopeKind::Other, date!(2026 - 01 - 20), Some(5)),
            date!(2026 - 01 - 25)
        );
        assert_eq!(
            expected_invoice_date(ScopeKind::MospSubscription, date!(2026 - 01 - 04), Some(9)),
            date!(2026 - 01 - 06)
        );
    }

    #[test]
    fn codes_are_stable_and_serialized() {
        let f = facts(ScopeKind::EaEnrollment, TODAY, TODAY);
        let json = serde_json::to_value(availability(&f)).unwrap();
        assert_eq!(json["code"], "ea_invoices_are_emailed");
        let no = Availability::NoPermission {
            missing_role: BillingRole::AccountAdministrator,
            granted_by: BillingRole::AccountAdministrator,
            policy: Some(AccessPolicy::AllowOthersToDownloadInvoice),
            contact: None,
        };
        let json = serde_json::to_value(&no).unwrap();
        assert_eq!(json["missing_role"], "account_administrator");
        assert_eq!(json["policy"], "allow_others_to_download_invoice");
        assert_eq!(no.code(), "no_permission");
    }
}
