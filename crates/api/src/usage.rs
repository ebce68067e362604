//! Usage files (Cost Management's cost details reports) onto the user's disk, as the seed names
//! them per agreement: a pay-as-you-go subscription's billing period, an Enterprise Agreement
//! month, a customer agreement invoice's billed charges, or the running month to date. The
//! window's buttons, Sync archive and `invoice-desk usage` all start here.
//!
//! A request becomes reports under Azure's limits (one month each, none older than 13 months:
//! [`report_plan`]); each report is requested, waited for, its blobs streamed to disk and
//! placed under a name from the usage template, and recorded in the folder's index. What could
//! not be fetched is said per period, with the reason, never left out silently.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::{Date, Month};
use tokio_util::sync::CancellationToken;

use invoice_desk_billing::model::{CostDetailsTimePeriod, GenerateCostDetailsReportRequest};
use invoice_desk_billing::usage_range::{ReportWindow, report_plan};
use invoice_desk_billing::{
    AgreementFamily, BillingError, BillingScope, Capability, CostDetailsReport, LroOptions,
    LroStatus, PeriodRow, ScopeEntry, ScopeKind,
};
use invoice_desk_files::index::now_text;
use invoice_desk_files::place::Claims;
use invoice_desk_files::report::{
    FetchedReport, ReportDestination, ReportParts, ReportStep, fetch_report, save_fetched,
};
use invoice_desk_files::{
    ArchiveIndex, Fetcher, FilesError, IndexEntry, NameFields, Placed, Template, TemplateError,
    fsio, slash_path,
};

use crate::directory::Directory;
use crate::error::{AppError, ErrorCode};
use crate::jobs::{JobHandle, JobReporter, JobStage};

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
    Billing(#[from] BillingError),
    #[error(transparent)]
    Files(#[from] FilesError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("cancelled")]
    Cancelled,
}

impl From<UsageError> for AppError {
    fn from(err: UsageError) -> Self {
        match err {
            UsageError::NotAllowed { ref why, .. } => {
                let code = if why.denied().is_some_and(|d| d.policy.is_some()) {
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

/// One report to request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedReport {
    pub request: GenerateCostDetailsReportRequest,
    pub start: Date,
    pub end: Date,
    pub invoice: Option<String>,
    pub month_to_date: bool,
}

impl PlannedReport {
    fn period(&self) -> UsagePeriod {
        UsagePeriod {
            start: self.start.to_string(),
            end: self.end.to_string(),
            invoice: self.invoice.clone(),
            month_to_date: self.month_to_date,
        }
    }

    /// The index's name for this report's file: the invoice, else its days.
    fn index_key(&self) -> String {
        self.invoice
            .clone()
            .unwrap_or_else(|| format!("{}..{}", self.start, self.end))
    }

    fn document_name(&self) -> &'static str {
        if self.month_to_date {
            "usage-to-date"
        } else {
            "usage"
        }
    }
}

/// The reports a selection becomes at `scope`, and the days Azure no longer reports on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UsagePlan {
    pub reports: Vec<PlannedReport>,
    pub too_old: Option<ReportWindow>,
}

/// An invoice's billing period, looked up before planning an [`UsageSelection::Invoice`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoicePeriod {
    pub start: Date,
    pub end: Date,
}

/// Turns a selection into reports. `invoice_period` is the named invoice's period (for names
/// and, pay-as-you-go, the days to report).
pub fn plan_usage(
    scope: &BillingScope,
    selection: &UsageSelection,
    today: Date,
    invoice_period: Option<InvoicePeriod>,
) -> Result<UsagePlan, UsageError> {
    let family = scope.family();
    match selection {
        UsageSelection::Months { from, to } => {
            let start = month_start(from)?;
            let end = month_end(to)?;
            if end < start {
                return Err(bad(format!("{from} comes after {to}")));
            }
            let plan = report_plan(start, end, today);
            let reports = plan
                .windows
                .iter()
                .map(|window| {
                    if family == AgreementFamily::Ea {
                        // EA reports by billing period: the whole month, as the portal's
                        // "Download for the month".
                        PlannedReport {
                            request: GenerateCostDetailsReportRequest {
                                billing_period: Some(format!(
                                    "{:04}{:02}",
                                    window.start.year(),
                                    u8::from(window.start.month())
                                )),
                                ..Default::default()
                            },
                            start: window.start,
                            end: window.end,
                            invoice: None,
                            month_to_date: is_running_month(window.start, today),
                        }
                    } else {
                        days_report(window.start, window.end, today)
                    }
                })
                .collect();
            Ok(UsagePlan {
                reports,
                too_old: plan.too_old,
            })
        }
        UsageSelection::Days { start, end } => {
            let start = day(start)?;
            let end = day(end)?.min(today);
            if end < start {
                return Err(bad(format!("{start} comes after {end}")));
            }
            let oldest = invoice_desk_billing::InvoiceRange::last_months(
                today,
                invoice_desk_billing::usage_range::REPORT_MONTHS_BACK,
            )
            .start;
            // One report covers up to a month: a billing period from the 15th to the 14th
            // is one report, as in the portal.
            if start >= oldest && end < add_month(start) {
                return Ok(UsagePlan {
                    reports: vec![days_report(start, end, today)],
                    too_old: None,
                });
            }
            let plan = report_plan(start, end, today);
            Ok(UsagePlan {
                reports: plan
                    .windows
                    .iter()
                    .map(|w| days_report(w.start, w.end, today))
                    .collect(),
                too_old: plan.too_old,
            })
        }
        UsageSelection::Invoice { invoice } => {
            let period = invoice_period
                .ok_or_else(|| bad(format!("invoice {invoice} has no billing period")))?;
            match scope.kind {
                ScopeKind::McaBillingProfile => Ok(UsagePlan {
                    reports: vec![PlannedReport {
                        request: GenerateCostDetailsReportRequest {
                            invoice_id: Some(invoice.clone()),
                            ..Default::default()
                        },
                        start: period.start,
                        end: period.end,
                        invoice: Some(invoice.clone()),
                        month_to_date: false,
                    }],
                    too_old: None,
                }),
                ScopeKind::MospSubscription => {
                    let mut plan = plan_usage(
                        scope,
                        &UsageSelection::Days {
                            start: period.start.to_string(),
                            end: period.end.to_string(),
                        },
                        today,
                        None,
                    )?;
                    for report in &mut plan.reports {
                        report.invoice = Some(invoice.clone());
                    }
                    Ok(plan)
                }
                _ => Err(bad(format!(
                    "usage by invoice is offered for billing profiles and pay-as-you-go subscriptions, not for {}",
                    scope.display_name
                ))),
            }
        }
        UsageSelection::OpenMonth => Ok(UsagePlan {
            reports: vec![PlannedReport {
                // No period: Azure reports the running month to date.
                request: GenerateCostDetailsReportRequest::default(),
                start: today.replace_day(1).unwrap_or(today),
                end: today,
                invoice: None,
                month_to_date: true,
            }],
            too_old: None,
        }),
    }
}

/// The usage a billing period's row offers, as the portal names it per agreement: an EA month,
/// a customer agreement invoice's billed charges (the running month to date while it has no
/// invoice), a pay-as-you-go period's days. `None` for a period Azure cannot report on: not
/// begun, or older than 13 months.
#[must_use]
pub fn usage_for_period(
    scope: &BillingScope,
    row: &PeriodRow,
    today: Date,
) -> Option<UsageSelection> {
    let period = &row.period;
    let oldest = invoice_desk_billing::InvoiceRange::last_months(
        today,
        invoice_desk_billing::usage_range::REPORT_MONTHS_BACK,
    )
    .start;
    if period.start > today || period.end < oldest {
        return None;
    }
    let month = |day: Date| format!("{:04}-{:02}", day.year(), u8::from(day.month()));
    Some(match (scope.family(), scope.kind) {
        (AgreementFamily::Ea, _) => UsageSelection::Months {
            from: month(period.start),
            to: month(period.start),
        },
        (_, ScopeKind::McaBillingProfile) => match row.invoices.first() {
            Some(invoice) => UsageSelection::Invoice {
                invoice: invoice.name.clone(),
            },
            None if period.contains(today) => UsageSelection::OpenMonth,
            None => days(period.start, period.end),
        },
        _ => days(period.start, period.end),
    })
}

fn days(start: Date, end: Date) -> UsageSelection {
    UsageSelection::Days {
        start: start.to_string(),
        end: end.to_string(),
    }
}

fn days_report(start: Date, end: Date, today: Date) -> PlannedReport {
    PlannedReport {
        request: GenerateCostDetailsReportRequest {
            time_period: Some(CostDetailsTimePeriod {
                start: start.to_string(),
                end: end.to_string(),
            }),
            ..Default::default()
        },
        start,
        end,
        invoice: None,
        month_to_date: end >= today,
    }
}

fn is_running_month(day: Date, today: Date) -> bool {
    day.year() == today.year() && day.month() == today.month()
}

fn add_month(day: Date) -> Date {
    let (year, month) = match day.month() {
        Month::December => (day.year() + 1, Month::January),
        m => (day.year(), m.next()),
    };
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, day.day().min(last)).unwrap_or(day)
}

fn bad(what: String) -> UsageError {
    UsageError::BadSelection { what }
}

fn day(text: &str) -> Result<Date, UsageError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), format)
        .map_err(|_| bad(format!("`{text}` is not a date (YYYY-MM-DD)")))
}

fn month_start(text: &str) -> Result<Date, UsageError> {
    let (year, month) = text
        .trim()
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u8>().ok()?)))
        .filter(|(y, _)| (1900..=9999).contains(y))
        .ok_or_else(|| bad(format!("`{text}` is not a month (YYYY-MM)")))?;
    Month::try_from(month)
        .ok()
        .and_then(|m| Date::from_calendar_date(year, m, 1).ok())
        .ok_or_else(|| bad(format!("`{text}` is not a month (YYYY-MM)")))
}

fn month_end(text: &str) -> Result<Date, UsageError> {
    let start = month_start(text)?;
    let last = time::util::days_in_month(start.month(), start.year());
    Ok(start.replace_day(last).unwrap_or(start))
}

/// The name fields of a usage file: the period's first month, the invoice when there is one.
fn name_fields(scope: &BillingScope, report: &PlannedReport) -> NameFields {
    let subscription = if scope.kind == ScopeKind::MospSubscription {
        scope.display_name.clone()
    } else {
        String::new()
    };
    NameFields {
        billing_account: scope
            .billing_account_display_name
            .clone()
            .or_else(|| scope.billing_account_name.clone())
            .unwrap_or_else(|| scope.display_name.clone()),
        billing_profile: scope
            .billing_profile_name()
            .map(|_| {
                scope
                    .parent_display_name
                    .clone()
                    .unwrap_or_else(|| scope.display_name.clone())
            })
            .unwrap_or_default(),
        scope: scope.display_name.clone(),
        subscription,
        date: Some(report.start),
        invoice_name: report.invoice.clone().unwrap_or_default(),
        document_kind: USAGE_KIND.to_owned(),
        document_name: report.document_name().to_owned(),
    }
}

/// What the relative name says beyond the template: the day a month-to-date file runs to, the
/// last month of a merged range.
fn name_extra(first: &PlannedReport, last: &PlannedReport) -> Option<String> {
    if last.month_to_date {
        Some(format!("to {}", last.end))
    } else if first.start.month() != last.start.month() || first.start.year() != last.start.year() {
        Some(format!(
            "to {:04}-{:02}",
            last.start.year(),
            u8::from(last.start.month())
        ))
    } else {
        None
    }
}

/// Told an accepted report's operation URL.
pub type KeepOperation = Arc<dyn Fn(&url::Url) + Send + Sync>;

/// A report Azure accepted before the app quit, and where to keep the next operation's URL.
#[derive(Clone, Default)]
pub struct Resume {
    /// The operation of the first report, kept from an earlier run: asked again before a new
    /// report is requested (a new one only when Azure has forgotten it).
    pub operation: Option<url::Url>,
    /// Told each accepted report's operation URL, to keep it across a restart.
    pub keep: Option<KeepOperation>,
}

impl std::fmt::Debug for Resume {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resume")
            .field("operation", &self.operation.as_ref().map(url::Url::path))
            .field("keep", &self.keep.is_some())
            .finish()
    }
}

/// Saves the usage `request` asks for at `entry`, reporting through `job`; `resume` picks up
/// a report kept from an earlier run and keeps the new ones' operations.
pub async fn save_usage(
    directory: &Directory,
    entry: &ScopeEntry,
    request: &UsageRequest,
    destination: &UsageDestination,
    fetcher: &Fetcher,
    job: &JobHandle,
    resume: &Resume,
) -> Result<UsageOutcome, UsageError> {
    may_download_usage(entry)?;
    let today = directory.clock.today();
    let selection = billing_period_of_month(directory, entry, &request.selection, today).await;
    let invoice_period = match &selection {
        UsageSelection::Invoice { invoice } => {
            Some(invoice_period(directory, &entry.scope, invoice).await?)
        }
        _ => None,
    };
    let plan = plan_usage(&entry.scope, &selection, today, invoice_period)?;
    save_plan(
        directory,
        &entry.scope,
        plan,
        request.merge,
        destination,
        fetcher,
        job,
        resume,
    )
    .await
}

/// Sync archive's usage: the usage file of every closed billing period of the last 13 months
/// at `entry` that the folder's index does not have on disk yet, one report at a time (Cost
/// Management's rate limits are per tenant; a throttled request waits as Azure says).
pub async fn sync_usage(
    directory: &Directory,
    entry: &ScopeEntry,
    destination: &UsageDestination,
    fetcher: &Fetcher,
    job: &JobHandle,
) -> Result<UsageOutcome, UsageError> {
    may_download_usage(entry)?;
    let today = directory.clock.today();
    let range = invoice_desk_billing::InvoiceRange::last_months(
        today,
        invoice_desk_billing::usage_range::REPORT_MONTHS_BACK,
    );
    let rows = invoice_desk_billing::scope_periods(&directory.client, entry, range, today).await?;
    let root = destination.root.clone();
    let index = tokio::task::spawn_blocking(move || ArchiveIndex::load(&root).map(|(i, _)| i))
        .await
        .ok()
        .and_then(Result::ok);
    let mut plan = UsagePlan::default();
    for row in rows.iter().filter(|row| row.period.end < today) {
        let Some(selection) = usage_for_period(&entry.scope, row, today) else {
            continue;
        };
        let period = InvoicePeriod {
            start: row.period.start,
            end: row.period.end,
        };
        let Ok(planned) = plan_usage(&entry.scope, &selection, today, Some(period)) else {
            continue;
        };
        for report in planned.reports {
            let key = invoice_desk_files::DocumentKey::new(
                &entry.scope.id,
                &report.index_key(),
                report.document_name(),
            );
            let there = index.as_ref().is_some_and(|i| i.on_disk(&key).is_some());
            if !there && !report.month_to_date {
                plan.reports.push(report);
            }
        }
    }
    plan.reports.reverse();
    save_plan(
        directory,
        &entry.scope,
        plan,
        false,
        destination,
        fetcher,
        job,
        &Resume::default(),
    )
    .await
}

/// Requests, downloads and saves the planned reports (as one file when `merge`).
#[allow(clippy::too_many_lines, clippy::too_many_arguments)]
async fn save_plan(
    directory: &Directory,
    scope: &BillingScope,
    plan: UsagePlan,
    merge: bool,
    destination: &UsageDestination,
    fetcher: &Fetcher,
    job: &JobHandle,
    resume: &Resume,
) -> Result<UsageOutcome, UsageError> {
    let cancel = job.cancellation().clone();
    let claims = Arc::new(Claims::default());
    let mut outcome = UsageOutcome {
        folder: destination.root.to_string_lossy().into_owned(),
        files: Vec::new(),
        no_data: Vec::new(),
        not_fetched: Vec::new(),
    };
    if let Some(old) = plan.too_old {
        outcome.not_fetched.push(UsageMiss {
            period: UsagePeriod {
                start: old.start.to_string(),
                end: old.end.to_string(),
                invoice: None,
                month_to_date: false,
            },
            error: AppError::new(ErrorCode::UsageTooOld),
        });
    }
    let reports = plan.reports.len();
    let mut merged: Vec<(PlannedReport, FetchedReport)> = Vec::new();
    for (index, report) in plan.reports.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(UsageError::Cancelled);
        }
        let at = Step {
            job: job.reporter(),
            report: index + 1,
            reports,
        };
        let extra = if merge {
            None
        } else {
            name_extra(report, report)
        };
        let relative = destination.template.render(
            &name_fields(scope, report),
            extra.as_deref(),
            &destination.root,
        )?;
        // Only the first report can be the one kept from an earlier run.
        let resume_here = Resume {
            operation: if index == 0 {
                resume.operation.clone()
            } else {
                None
            },
            keep: resume.keep.clone(),
        };
        match fetch_one(
            directory,
            scope,
            report,
            destination,
            &relative,
            fetcher,
            &at,
            &cancel,
            &resume_here,
        )
        .await
        {
            Ok(Some(fetched)) if merge => merged.push((report.clone(), fetched)),
            Ok(Some(fetched)) => {
                let saved = save_fetched(
                    vec![fetched],
                    ReportDestination {
                        root: &destination.root,
                        relative: &relative,
                        claims: &claims,
                        owner: &report.index_key(),
                    },
                    destination.parts,
                    &cancel,
                )
                .await;
                match saved {
                    Ok(files) => {
                        record(&mut outcome, scope, report, destination, files).await;
                    }
                    Err(FilesError::Cancelled) => return Err(UsageError::Cancelled),
                    Err(error) => outcome.not_fetched.push(UsageMiss {
                        period: report.period(),
                        error: AppError::from(&error.report()),
                    }),
                }
            }
            Ok(None) => outcome.no_data.push(report.period()),
            Err(UsageError::Cancelled) => return Err(UsageError::Cancelled),
            Err(error) if reports == 1 && outcome.not_fetched.is_empty() => return Err(error),
            Err(error) => outcome.not_fetched.push(UsageMiss {
                period: report.period(),
                error: error.into(),
            }),
        }
    }
    if let (Some((first, _)), Some((last, _))) = (merged.first(), merged.last()) {
        let (first, last) = (first.clone(), last.clone());
        let relative = destination.template.render(
            &name_fields(scope, &first),
            name_extra(&first, &last).as_deref(),
            &destination.root,
        )?;
        let fetched = merged.into_iter().map(|(_, f)| f).collect();
        let whole = PlannedReport {
            end: last.end,
            month_to_date: last.month_to_date,
            ..first
        };
        let files = save_fetched(
            fetched,
            ReportDestination {
                root: &destination.root,
                relative: &relative,
                claims: &claims,
                owner: &whole.index_key(),
            },
            ReportParts::Join,
            &cancel,
        )
        .await
        .map_err(|e| match e {
            FilesError::Cancelled => UsageError::Cancelled,
            other => UsageError::Files(other),
        })?;
        record(&mut outcome, scope, &whole, destination, files).await;
    }
    Ok(outcome)
}

/// Reports a report's stage on the job.
#[derive(Clone)]
struct Step {
    job: JobReporter,
    report: usize,
    reports: usize,
}

impl Step {
    fn stage(&self, stage: UsageStage, done: u64, total: Option<u64>) {
        let (report, reports) = (count(self.report), count(self.reports));
        let stage = match stage {
            UsageStage::Requested => JobStage::Requested { report, reports },
            UsageStage::Preparing => JobStage::Preparing { report, reports },
            UsageStage::Downloading { file, files } => JobStage::Downloading {
                report,
                reports,
                file: count(file),
                files: count(files),
            },
            UsageStage::Joining => JobStage::Joining { report, reports },
        };
        self.job.stage(stage, done, total);
    }
}

#[derive(Clone, Copy)]
enum UsageStage {
    Requested,
    Preparing,
    Downloading { file: usize, files: usize },
    Joining,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Requests one report, waits for it and downloads its blobs (once more with a fresh report
/// when Azure's links expired before every blob arrived). `None`: Azure has no usage for it.
#[allow(clippy::too_many_arguments)]
async fn fetch_one(
    directory: &Directory,
    scope: &BillingScope,
    report: &PlannedReport,
    destination: &UsageDestination,
    relative: &Path,
    fetcher: &Fetcher,
    at: &Step,
    cancel: &CancellationToken,
    resume: &Resume,
) -> Result<Option<FetchedReport>, UsageError> {
    let scope_path = scope.id.trim_start_matches('/');
    let full = destination.root.join(relative);
    let tag = format!("{}-", report.start);
    let mut attempts = 0;
    let mut kept = resume.operation.clone();
    loop {
        attempts += 1;
        at.stage(UsageStage::Requested, 0, None);
        let preparing = at.clone();
        let mut options = LroOptions::default()
            .with_cancel(cancel.clone())
            .with_progress(move |p| {
                if p.status != LroStatus::Succeeded {
                    preparing.stage(UsageStage::Preparing, 0, None);
                }
            });
        if let Some(keep) = &resume.keep {
            let keep = Arc::clone(keep);
            options = options.with_operation(move |url| keep(url));
        }
        let client = &directory.client;
        let answer = match kept.take() {
            Some(operation) => match client
                .resume_cost_details_report(&operation, &options)
                .await
            {
                Err(e) if e.kind() == invoice_desk_billing::BillingCode::NotFound => {
                    tracing::info!("Azure no longer has the kept report; requesting it again");
                    client
                        .generate_cost_details_report(scope_path, &report.request, &options)
                        .await
                }
                other => other,
            },
            None => {
                client
                    .generate_cost_details_report(scope_path, &report.request, &options)
                    .await
            }
        }
        .map_err(|e| match e {
            BillingError::Cancelled => UsageError::Cancelled,
            other => UsageError::Billing(other),
        })?;
        let result = match answer {
            CostDetailsReport::NoData => return Ok(None),
            CostDetailsReport::Ready(result) => result,
        };
        let blobs: Vec<String> = result
            .manifest
            .iter()
            .flat_map(|m| m.blobs.iter())
            .filter_map(|b| b.blob_link.clone())
            .collect();
        if blobs.is_empty() {
            return Ok(None);
        }
        let progress = |step: ReportStep| match step {
            ReportStep::Downloading {
                file,
                files,
                bytes,
                total,
            } => at.stage(UsageStage::Downloading { file, files }, bytes, total),
            ReportStep::Joining { .. } => at.stage(UsageStage::Joining, 0, None),
        };
        match fetch_report(fetcher, &blobs, &full, &tag, &progress, cancel).await {
            Ok(fetched) => return Ok(Some(fetched)),
            Err(FilesError::LinkExpired) if attempts == 1 => {
                tracing::info!(scope = %scope.id, "usage report links expired; requesting it again");
            }
            Err(FilesError::Cancelled) => return Err(UsageError::Cancelled),
            Err(error) => return Err(error.into()),
        }
    }
}

/// One month of a pay-as-you-go subscription means its billing period that starts in that
/// month, as the portal lists them (a period may run from the 15th to the 14th); the calendar
/// month when the periods cannot be read.
async fn billing_period_of_month(
    directory: &Directory,
    entry: &ScopeEntry,
    selection: &UsageSelection,
    today: Date,
) -> UsageSelection {
    let UsageSelection::Months { from, to } = selection else {
        return selection.clone();
    };
    if from != to || entry.scope.kind != ScopeKind::MospSubscription {
        return selection.clone();
    }
    let (Ok(start), Ok(end)) = (month_start(from), month_end(to)) else {
        return selection.clone();
    };
    let range = invoice_desk_billing::InvoiceRange::new(start, end);
    match invoice_desk_billing::scope_periods(&directory.client, entry, range, today).await {
        Ok(rows) => rows
            .iter()
            .map(|row| &row.period)
            .find(|p| p.start >= start && p.start <= end)
            .map_or_else(
                || selection.clone(),
                |p| UsageSelection::Days {
                    start: p.start.to_string(),
                    end: p.end.to_string(),
                },
            ),
        Err(error) => {
            tracing::debug!(%error, "billing periods unreadable; reporting the calendar month");
            selection.clone()
        }
    }
}

/// The period of `invoice` at `scope`, for its usage file's name and days.
async fn invoice_period(
    directory: &Directory,
    scope: &BillingScope,
    invoice: &str,
) -> Result<InvoicePeriod, UsageError> {
    let found = match (scope.kind, scope.account_name(), scope.subscription_id()) {
        (ScopeKind::MospSubscription, _, Some(subscription)) => {
            directory
                .client
                .get_invoice_by_billing_subscription(subscription, invoice)
                .await?
        }
        (_, Some(account), _) => directory.client.get_invoice(account, invoice).await?,
        _ => {
            return Err(bad(format!(
                "usage by invoice is not offered for {}",
                scope.display_name
            )));
        }
    };
    let properties = found.properties;
    match (
        properties.invoice_period_start_date.and_then(|d| d.date()),
        properties.invoice_period_end_date.and_then(|d| d.date()),
    ) {
        (Some(start), Some(end)) => Ok(InvoicePeriod { start, end }),
        _ => Err(bad(format!("invoice {invoice} has no billing period"))),
    }
}

/// Adds saved files to the outcome and to the folder's index (a failure to write the index
/// loses no file: it is rebuilt from what is on disk).
async fn record(
    outcome: &mut UsageOutcome,
    scope: &BillingScope,
    report: &PlannedReport,
    destination: &UsageDestination,
    files: Vec<invoice_desk_files::report::SavedReportFile>,
) {
    let entries: Vec<IndexEntry> = files
        .iter()
        .map(|file| IndexEntry {
            scope_id: scope.id.clone(),
            invoice: report.index_key(),
            document_kind: USAGE_KIND.to_owned(),
            document_name: Some(report.document_name().to_owned()),
            path: slash_path(file.placed.path()),
            size: file.size,
            sha256: fsio::hex(&file.sha256),
            saved_at: now_text(),
        })
        .collect();
    for file in &files {
        outcome.files.push(UsageFile {
            period: report.period(),
            path: slash_path(file.placed.path()),
            full_path: destination
                .root
                .join(file.placed.path())
                .display()
                .to_string(),
            outcome: match file.placed {
                Placed::Saved { .. } => "saved",
                Placed::AlreadyThere { .. } => "already_there",
                Placed::KeptBoth { .. } => "kept_both",
            }
            .to_owned(),
            size: file.size,
        });
    }
    let root = destination.root.clone();
    let written = tokio::task::spawn_blocking(move || {
        let (mut index, _) = ArchiveIndex::load(&root)?;
        for entry in entries {
            index.record(entry);
        }
        index.save()
    })
    .await;
    if !matches!(written, Ok(Ok(()))) {
        tracing::warn!("the usage file is saved but the folder's index was not updated");
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

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
}
