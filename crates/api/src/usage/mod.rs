//! Usage files (Cost Management's cost details reports) onto the user's disk, as the seed names
//! them per agreement: a pay-as-you-go subscription's billing period, an Enterprise Agreement
//! month, a customer agreement invoice's billed charges, or the running month to date. The
//! window's buttons, Sync archive and `invoice-desk usage` all start here.
//!
//! A request becomes reports under Azure's limits (one month each, none older than 13 months:
//! [`report_plan`]); each report is requested, waited for, its blobs streamed to disk and
//! placed under a name from the usage template, and recorded in the folder's index. What could
//! not be fetched is said per period, with the reason, never left out silently.

use serde::{Deserialize, Serialize};

use invoice_desk_billing::BillingError;
use invoice_desk_billing::access::AccessPolicy;
use invoice_desk_billing::{Capability, ScopeEntry};
use invoice_desk_files::TemplateError;
use invoice_desk_files::report::ReportParts;
use invoice_desk_files::{FilesError, Template};
use std::path::PathBuf;

use crate::error::{AppError, ErrorCode};

mod plan;
mod save;

pub use plan::{
    InvoicePeriod, PlannedReport, UsagePlan, plan_usage, usage_for_period, usage_index_key,
};
pub use save::{KeepOperation, Resume, save_usage, sync_usage};

/// The document kind usage files are indexed under.
pub const USAGE_KIND: &str = "Usage";

/// Which usage a user asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum UsageSelection {
    /// Every day of the months `from` through `to` (`YYYY-MM`): one report per month (an
    /// Enterprise Agreement month by its billing period).
    Months { from: String, to: String },
    /// These days (`YYYY-MM-DD`, both included): a pay-as-you-go billing period.
    Days { start: String, end: String },
    /// The charges billed on one invoice (customer agreement billing profile; for a
    /// pay-as-you-go subscription, the invoice's billing period).
    Invoice { invoice: String },
    /// The running month to date: not final.
    OpenMonth,
}

impl UsageSelection {
    /// Every day of the months of `from` through `to` (any day in each month).
    #[must_use]
    pub fn months(from: time::Date, to: time::Date) -> Self {
        let month = |day: time::Date| format!("{:04}-{:02}", day.year(), u8::from(day.month()));
        Self::Months {
            from: month(from),
            to: month(to),
        }
    }
}

/// One save of usage files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UsageRequest {
    pub scope_id: String,
    pub selection: UsageSelection,
    /// Several months as one file with one header instead of one file per month.
    #[serde(default)]
    pub merge: bool,
}

/// Where usage files go and how they are named.
#[derive(Debug, Clone)]
pub struct UsageDestination {
    pub root: PathBuf,
    pub template: Template,
    pub parts: ReportParts,
}

/// The days one report covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UsagePeriod {
    /// `YYYY-MM-DD`.
    pub start: String,
    pub end: String,
    pub invoice: Option<String>,
    /// The running month: the charges may still change.
    pub month_to_date: bool,
}

/// A usage file on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UsageFile {
    pub period: UsagePeriod,
    /// Relative to the folder, `/`-separated.
    pub path: String,
    /// The whole path on this computer, to open or reveal it.
    pub full_path: String,
    /// `saved`, `already_there` or `kept_both`.
    pub outcome: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub size: u64,
}

/// A period that has no file, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UsageMiss {
    pub period: UsagePeriod,
    pub error: AppError,
}

/// What a usage save did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UsageOutcome {
    /// The folder the paths are relative to.
    pub folder: String,
    pub files: Vec<UsageFile>,
    /// Periods Azure has no usage for.
    pub no_data: Vec<UsagePeriod>,
    /// Periods that could not be fetched, each with its reason.
    pub not_fetched: Vec<UsageMiss>,
    /// Periods whose file the folder's index already has on disk (Sync archive skips them).
    pub already_there: Vec<UsagePeriod>,
}

impl UsageOutcome {
    /// Every requested period is on disk or has no usage.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.not_fetched.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// The caller's role (or an EA view-charges policy) does not allow usage at this scope.
    #[error("your role does not allow downloading the usage of {scope}")]
    NotAllowed { scope: String, why: Capability },
    /// The request does not fit the scope or is not a valid date.
    #[error("{what}")]
    BadSelection { what: String },
    #[error(transparent)]
    Billing(BillingError),
    #[error(transparent)]
    Files(FilesError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("cancelled")]
    Cancelled,
}

/// A cancelled request or download is the job's cancel, whichever layer noticed it.
impl From<BillingError> for UsageError {
    fn from(err: BillingError) -> Self {
        match err {
            BillingError::Cancelled => Self::Cancelled,
            other => Self::Billing(other),
        }
    }
}

impl From<FilesError> for UsageError {
    fn from(err: FilesError) -> Self {
        match err {
            FilesError::Cancelled => Self::Cancelled,
            other => Self::Files(other),
        }
    }
}

impl From<UsageError> for AppError {
    fn from(err: UsageError) -> Self {
        match err {
            UsageError::NotAllowed { ref why, .. } => {
                let code = if why
                    .denied()
                    .and_then(|d| d.policy)
                    .is_some_and(AccessPolicy::is_view_charges)
                {
                    ErrorCode::ViewChargesOff
                } else {
                    ErrorCode::UsageNotAllowed
                };
                AppError::new(code).with_details(err.to_string())
            }
            UsageError::BadSelection { what } => {
                AppError::new(ErrorCode::InvalidUsageRequest).with_details(what)
            }
            UsageError::Billing(e) => e.into(),
            UsageError::Files(e) => AppError::from(&e.report()),
            UsageError::Template(e) => {
                AppError::new(ErrorCode::TemplateInvalid).with_details(e.to_string())
            }
            UsageError::Cancelled => AppError::new(ErrorCode::DownloadCancelled),
        }
    }
}

/// Whether usage of `entry` may be downloaded; the capability that says why not, if not.
pub fn may_download_usage(entry: &ScopeEntry) -> Result<(), UsageError> {
    match &entry.capabilities.download_usage {
        Capability::Allowed => Ok(()),
        other => Err(UsageError::NotAllowed {
            scope: entry.scope.id.clone(),
            why: other.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::save::name_extra;
    use super::*;
    use invoice_desk_billing::{AgreementFamily, BillingScope, PeriodRow, ScopeKind};
    use time::Date;

    fn scope(kind: ScopeKind) -> BillingScope {
        BillingScope {
            kind,
            agreement: match kind.family() {
                AgreementFamily::Ea => {
                    invoice_desk_billing::model::AgreementType::EnterpriseAgreement
                }
                AgreementFamily::Mca => {
                    invoice_desk_billing::model::AgreementType::MicrosoftCustomerAgreement
                }
                _ => invoice_desk_billing::model::AgreementType::MicrosoftOnlineServicesProgram,
            },
            id: "/subscriptions/1".into(),
            display_name: "Contoso".into(),
            parent_display_name: None,
            billing_account_id: None,
            billing_account_name: None,
            billing_account_display_name: None,
            tenant_id: None,
            currency: None,
        }
    }

    fn months(from: &str, to: &str) -> UsageSelection {
        UsageSelection::Months {
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn an_ea_month_is_asked_by_its_billing_period_and_others_by_days() {
        let today = date!(2026 - 12 - 03);
        let ea = plan_usage(
            &scope(ScopeKind::EaDepartment),
            &months("2026-10", "2026-11"),
            today,
            None,
        )
        .unwrap();
        let periods: Vec<_> = ea
            .reports
            .iter()
            .map(|r| r.request.billing_period.clone().unwrap())
            .collect();
        assert_eq!(periods, ["202610", "202611"]);
        let mca = plan_usage(
            &scope(ScopeKind::McaBillingProfile),
            &months("2026-11", "2026-12"),
            today,
            None,
        )
        .unwrap();
        let days: Vec<_> = mca
            .reports
            .iter()
            .map(|r| {
                let p = r.request.time_period.clone().unwrap();
                (p.start, p.end, r.month_to_date)
            })
            .collect();
        assert_eq!(
            days,
            [
                ("2026-11-01".into(), "2026-11-30".into(), false),
                ("2026-12-01".into(), "2026-12-03".into(), true)
            ]
        );
    }

    #[test]
    fn a_pay_as_you_go_period_across_two_months_is_one_report() {
        let plan = plan_usage(
            &scope(ScopeKind::MospSubscription),
            &UsageSelection::Days {
                start: "2026-09-15".into(),
                end: "2026-10-14".into(),
            },
            date!(2026 - 12 - 03),
            None,
        )
        .unwrap();
        assert_eq!(plan.reports.len(), 1);
        assert_eq!(plan.reports[0].start, date!(2026 - 09 - 15));
        assert_eq!(plan.reports[0].end, date!(2026 - 10 - 14));
    }

    #[test]
    fn a_range_reaching_past_13_months_names_what_is_too_old() {
        let plan = plan_usage(
            &scope(ScopeKind::MospSubscription),
            &months("2025-01", "2025-12"),
            date!(2026 - 12 - 03),
            None,
        )
        .unwrap();
        let old = plan.too_old.unwrap();
        assert_eq!(
            (old.start, old.end),
            (date!(2025 - 01 - 01), date!(2025 - 10 - 31))
        );
        assert_eq!(plan.reports.len(), 2, "November and December 2025");
    }

    #[test]
    fn an_invoice_is_asked_by_its_id_on_a_billing_profile_only() {
        let period = Some(InvoicePeriod {
            start: date!(2026 - 10 - 01),
            end: date!(2026 - 10 - 31),
        });
        let invoice = UsageSelection::Invoice {
            invoice: "G1".into(),
        };
        let today = date!(2026 - 12 - 03);
        let mca = plan_usage(
            &scope(ScopeKind::McaBillingProfile),
            &invoice,
            today,
            period,
        )
        .unwrap();
        assert_eq!(mca.reports[0].request.invoice_id.as_deref(), Some("G1"));
        assert_eq!(mca.reports[0].request.period_selector_count(), 1);
        let mosp =
            plan_usage(&scope(ScopeKind::MospSubscription), &invoice, today, period).unwrap();
        assert!(mosp.reports[0].request.time_period.is_some());
        assert_eq!(mosp.reports[0].invoice.as_deref(), Some("G1"));
        assert!(matches!(
            plan_usage(&scope(ScopeKind::EaEnrollment), &invoice, today, period),
            Err(UsageError::BadSelection { .. })
        ));
    }

    #[test]
    fn bad_months_and_days_are_refused_with_what_was_wrong() {
        let today = date!(2026 - 12 - 03);
        let s = scope(ScopeKind::MospSubscription);
        for selection in [
            months("2026-13", "2026-12"),
            months("26-1", "2026-12"),
            months("2026-11", "2026-10"),
            UsageSelection::Days {
                start: "2026-02-30".into(),
                end: "2026-03-01".into(),
            },
        ] {
            assert!(
                matches!(
                    plan_usage(&s, &selection, today, None),
                    Err(UsageError::BadSelection { .. })
                ),
                "{selection:?}"
            );
        }
    }

    #[test]
    fn the_open_month_asks_for_no_period_and_is_named_to_today() {
        let today = date!(2026 - 12 - 03);
        let plan = plan_usage(
            &scope(ScopeKind::McaBillingProfile),
            &UsageSelection::OpenMonth,
            today,
            None,
        )
        .unwrap();
        let report = &plan.reports[0];
        assert_eq!(report.request.period_selector_count(), 0);
        assert!(report.month_to_date);
        assert_eq!(name_extra(report, report).as_deref(), Some("to 2026-12-03"));
    }

    fn row(start: Date, end: Date, invoice: Option<&str>) -> PeriodRow {
        PeriodRow {
            period: invoice_desk_billing::periods::Period {
                start,
                end,
                name: None,
                source: invoice_desk_billing::periods::PeriodSource::CalendarMonths,
            },
            invoices: invoice
                .map(|name| {
                    let mut summary = invoice_desk_billing::periods::InvoiceSummary::from_invoice(
                        &invoice_desk_billing::model::Invoice::default(),
                    );
                    summary.name = name.into();
                    vec![summary]
                })
                .unwrap_or_default(),
            availability: invoice_desk_billing::Availability::Available { count: 1 },
            expected_invoice_date: end,
        }
    }

    #[test]
    fn each_agreement_offers_the_usage_the_portal_names() {
        let today = date!(2026 - 12 - 03);
        let october = (date!(2026 - 10 - 01), date!(2026 - 10 - 31));
        let ea = usage_for_period(
            &scope(ScopeKind::EaDepartment),
            &row(october.0, october.1, None),
            today,
        );
        assert_eq!(ea, Some(months("2026-10", "2026-10")));
        let billed = usage_for_period(
            &scope(ScopeKind::McaBillingProfile),
            &row(october.0, october.1, Some("G7")),
            today,
        );
        assert_eq!(
            billed,
            Some(UsageSelection::Invoice {
                invoice: "G7".into()
            })
        );
        let running = usage_for_period(
            &scope(ScopeKind::McaBillingProfile),
            &row(date!(2026 - 12 - 01), date!(2026 - 12 - 31), None),
            today,
        );
        assert_eq!(running, Some(UsageSelection::OpenMonth));
        let mosp = usage_for_period(
            &scope(ScopeKind::MospSubscription),
            &row(date!(2026 - 10 - 15), date!(2026 - 11 - 14), None),
            today,
        );
        assert_eq!(
            mosp,
            Some(UsageSelection::Days {
                start: "2026-10-15".into(),
                end: "2026-11-14".into()
            })
        );
        let too_old = usage_for_period(
            &scope(ScopeKind::MospSubscription),
            &row(date!(2025 - 09 - 01), date!(2025 - 09 - 30), None),
            today,
        );
        assert_eq!(too_old, None);
    }

    #[test]
    fn a_periods_usage_file_is_indexed_under_its_invoice_or_its_days() {
        let today = date!(2026 - 12 - 03);
        let key = |kind, row: PeriodRow| {
            let scope = scope(kind);
            let selection = usage_for_period(&scope, &row, today).unwrap();
            usage_index_key(&scope, &row, &selection, today)
        };
        assert_eq!(
            key(
                ScopeKind::McaBillingProfile,
                row(date!(2026 - 10 - 01), date!(2026 - 10 - 31), Some("G7"))
            )
            .as_deref(),
            Some("G7")
        );
        assert_eq!(
            key(
                ScopeKind::MospSubscription,
                row(date!(2026 - 10 - 15), date!(2026 - 11 - 14), None)
            )
            .as_deref(),
            Some("2026-10-15..2026-11-14")
        );
        assert_eq!(
            key(
                ScopeKind::EaEnrollment,
                row(date!(2026 - 10 - 01), date!(2026 - 10 - 31), None)
            )
            .as_deref(),
            Some("2026-10-01..2026-10-31")
        );
    }
}
