//! `invoice-desk usage`: a scope's usage (cost details) files into a folder, through the same
//! use case as the window's usage buttons, with the job's steps on a progress bar.

use std::io::IsTerminal as _;

use indicatif::{ProgressBar, ProgressStyle};
use invoice_desk_api::jobs::{JobKind, JobProgress, Jobs, Progress};
use invoice_desk_api::usage::{
    UsageDestination, UsageError, UsageOutcome, UsagePeriod, UsageRequest, UsageSelection,
    save_usage,
};
use invoice_desk_api::{AppError, ErrorCode};
use invoice_desk_billing::access::AccessPolicy;
use invoice_desk_files::Template;
use invoice_desk_files::report::ReportParts;
use invoice_desk_settings::SettingsStore;
use serde::Serialize;
use time::Date;

use crate::catalogue::{self, Lang, Text, warn};
use crate::cli::{GlobalArgs, UsageArgs};
use crate::commands::save::{
    absolute, fetcher, find, not_allowed_reason, settings_problem, template_problem,
};
use crate::error::{CliError, Exit};
use crate::output::print_json;
use crate::sources::{Found, Sources};

/// What the flags ask for.
fn selection(args: &UsageArgs, today: Date) -> UsageSelection {
    if let Some(period) = args.period {
        UsageSelection::months(period, period)
    } else if let Some(invoice) = &args.invoice {
        UsageSelection::Invoice {
            invoice: invoice.trim().to_owned(),
        }
    } else if let Some(from) = args.from {
        UsageSelection::months(from, args.to.unwrap_or(today))
    } else {
        UsageSelection::OpenMonth
    }
}

/// `--template`, else the settings' usage template; and whether to join a report's parts.
fn naming(lang: Lang, args: &UsageArgs) -> Result<(Template, ReportParts), CliError> {
    let loaded = SettingsStore::default_location().load();
    if let Some(warning) = &loaded.warning {
        warn(&settings_problem(warning).render(lang));
    }
    let parts = if args.keep_parts || !loaded.settings.join_usage_parts {
        ReportParts::Keep
    } else {
        ReportParts::Join
    };
    let (text, exit, key) = match &args.template {
        Some(text) => (
            text.clone(),
            Exit::Usage,
            ("cli.error.template.message", "cli.error.template.hint"),
        ),
        None => (
            loaded.settings.usage_file_name_template.clone(),
            Exit::Failure,
            (
                "cli.error.settingsTemplate.message",
                "cli.error.settingsTemplate.hint",
            ),
        ),
    };
    let template = Template::parse(&text).map_err(|e| {
        CliError::new(
            e.code(),
            exit,
            Text::key(key.0).with("reason", template_problem(&e)),
            Text::key(key.1).with(
                "fields",
                invoice_desk_files::template::FIELDS
                    .iter()
                    .map(|f| format!("{{{f}}}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        )
    })?;
    Ok((template, parts))
}

pub async fn run(global: &GlobalArgs, args: &UsageArgs) -> Result<Exit, CliError> {
    let lang = global.language();
    let (template, parts) = naming(lang, args)?;
    let today = global.clock()?.today();
    let sources = Sources::open(global).await?;
    let outcome = run_in(global, args, &sources, template, parts, today).await;
    sources.close().await;
    outcome
}

async fn run_in(
    global: &GlobalArgs,
    args: &UsageArgs,
    sources: &Sources,
    template: Template,
    parts: ReportParts,
    today: Date,
) -> Result<Exit, CliError> {
    let lang = global.language();
    let found = sources.discover().await?;
    let hit = find(&found, &args.scope)?;
    let request = UsageRequest {
        scope_id: hit.entry.scope.id.clone(),
        selection: selection(args, today),
        merge: args.merge,
    };
    let out = absolute(&args.out);
    let destination = UsageDestination {
        root: out.clone(),
        template,
        parts,
    };
    let fetcher = fetcher(global)?;
    let bar = (!global.json && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {bytes}/{total_bytes} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        bar
    });
    // The same job registry as the window's tray; here its steps move the bar.
    let registry = match &bar {
        Some(bar) => Jobs::new(StageBar {
            bar: bar.clone(),
            lang,
        }),
        None => Jobs::new(|_: &JobProgress| {}),
    };
    let job = registry.start(
        JobKind::UsageReport,
        hit.entry.scope.display_name.clone(),
        None,
    );
    let cancel = job.cancellation().clone();
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.cancel();
        }
    });
    let saved = save_usage(
        &hit.source.directory,
        &hit.entry,
        &request,
        &destination,
        &fetcher,
        &job,
        &invoice_desk_api::usage::Resume::default(),
    )
    .await;
    ctrl_c.abort();
    job.finish();
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let outcome = saved.map_err(|e| failure(lang, hit, e))?;
    report(global, lang, &hit.entry.scope.id, &outcome)?;
    Ok(if outcome.is_complete() {
        Exit::Ok
    } else {
        Exit::Failure
    })
}

/// A job's step on the terminal: "Preparing the report (2 of 3)", the bytes of the file.
struct StageBar {
    bar: ProgressBar,
    lang: Lang,
}

impl Progress for StageBar {
    fn changed(&self, job: &JobProgress) {
        if let Some(stage) = &job.stage {
            self.bar.set_message(catalogue::job_stage(self.lang, stage));
        }
        self.bar.set_length(job.total.unwrap_or(0));
        self.bar.set_position(job.done);
    }
}

fn failure(lang: Lang, hit: &Found<'_>, error: UsageError) -> CliError {
    match error {
        UsageError::NotAllowed { scope, why } => {
            let policy = why
                .denied()
                .and_then(|d| d.policy)
                .is_some_and(AccessPolicy::is_view_charges);
            let (code, key) = if policy {
                ("view_charges_off", ErrorCode::ViewChargesOff)
            } else {
                ("usage_not_allowed", ErrorCode::UsageNotAllowed)
            };
            CliError::new(
                code,
                Exit::Permission,
                Text::key("cli.error.usageNotAllowed.message")
                    .with("scope", scope)
                    .with("reason", not_allowed_reason(lang, hit, &why)),
                catalogue::failure_hint(key),
            )
        }
        UsageError::BadSelection { what } => CliError::new(
            "invalid_usage_request",
            Exit::Usage,
            Text::Raw(what),
            catalogue::failure_hint(ErrorCode::InvalidUsageRequest),
        ),
        UsageError::Billing(e) => hit.source.failure(
            e.kind(),
            Text::key("cli.error.usageOf").with("scope", hit.entry.scope.id.as_str()),
            &e.to_string(),
        ),
        other => {
            let error = AppError::from(other);
            CliError::new(
                "usage_failed",
                Exit::Failure,
                Text::Raw(format!(
                    "{} {}",
                    error.code.message(lang.locale()),
                    error.details.unwrap_or_default()
                )),
                catalogue::failure_hint(error.code),
            )
        }
    }
}

/// One scope's usage in `sync --usage --json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeUsageJson {
    pub scope_id: String,
    #[serde(flatten)]
    pub outcome: UsageOutcome,
}

/// `sync --usage`: the usage files of every closed period of `scopes` where usage may be
/// downloaded, into `out`; a scope that cannot run adds a line to `problems`.
pub async fn sync_scopes(
    global: &GlobalArgs,
    scopes: &[&Found<'_>],
    out: &std::path::Path,
    problems: &mut Vec<String>,
) -> Result<Vec<ScopeUsageJson>, CliError> {
    let lang = global.language();
    let loaded = SettingsStore::default_location().load();
    let template = Template::parse(&loaded.settings.usage_file_name_template).map_err(|e| {
        CliError::new(
            e.code(),
            Exit::Failure,
            Text::key("cli.error.settingsTemplate.message").with("reason", template_problem(&e)),
            Text::key("cli.error.settingsTemplate.hint"),
        )
    })?;
    let destination = UsageDestination {
        root: absolute(out),
        template,
        parts: if loaded.settings.join_usage_parts {
            ReportParts::Join
        } else {
            ReportParts::Keep
        },
    };
    let fetcher = fetcher(global)?;
    let registry = Jobs::new(|_: &JobProgress| {});
    let mut all = Vec::new();
    for hit in scopes {
        let job = registry.start(
            JobKind::UsageReport,
            hit.entry.scope.display_name.clone(),
            None,
        );
        match invoice_desk_api::usage::sync_usage(
            &hit.source.directory,
            &hit.entry,
            &destination,
            &fetcher,
            &job,
        )
        .await
        {
            Ok(outcome) => all.push(ScopeUsageJson {
                scope_id: hit.entry.scope.id.clone(),
                outcome,
            }),
            Err(error) => {
                let error = AppError::from(error);
                problems.push(catalogue::listing_failed(
                    lang,
                    &hit.entry.scope.display_name,
                    &error.code.message(lang.locale()),
                ));
            }
        }
        job.finish();
    }
    Ok(all)
}

/// The usage lines of `sync --usage` for people.
pub fn print_all(lang: Lang, all: &[ScopeUsageJson]) {
    for scope in all {
        print_outcome(lang, &scope.outcome);
    }
    let files: usize = all.iter().map(|u| u.outcome.files.len()).sum();
    let missing: usize = all.iter().map(|u| u.outcome.not_fetched.len()).sum();
    println!(
        "{}",
        lang.format(
            "cli.usage.summary",
            &[
                ("files", &files.to_string()),
                ("missing", &missing.to_string())
            ]
        )
    );
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UsageJson<'a> {
    scope_id: &'a str,
    #[serde(flatten)]
    outcome: &'a UsageOutcome,
}

fn period_text(lang: Lang, period: &UsagePeriod) -> String {
    let days = format!("{} \u{2013} {}", period.start, period.end);
    match (&period.invoice, period.month_to_date) {
        (Some(invoice), _) => format!("{invoice} ({days})"),
        (None, true) => format!("{days} ({})", lang.text("usage.monthToDate")),
        (None, false) => days,
    }
}

fn report(
    global: &GlobalArgs,
    lang: Lang,
    scope_id: &str,
    outcome: &UsageOutcome,
) -> Result<(), CliError> {
    if global.json {
        return print_json(&UsageJson { scope_id, outcome });
    }
    print_outcome(lang, outcome);
    println!(
        "{} \u{2014} {}",
        lang.format(
            "cli.usage.summary",
            &[
                ("files", &outcome.files.len().to_string()),
                ("missing", &outcome.not_fetched.len().to_string())
            ]
        ),
        outcome.folder
    );
    Ok(())
}

/// One line per file, per period without usage and per period not fetched.
fn print_outcome(lang: Lang, outcome: &UsageOutcome) {
    for file in &outcome.files {
        println!(
            "{}: {}",
            catalogue::outcome_word(lang, &file.outcome),
            file.path
        );
    }
    for period in &outcome.no_data {
        println!(
            "{}: {}",
            lang.text("cli.usage.noData"),
            period_text(lang, period)
        );
    }
    for miss in &outcome.not_fetched {
        warn(&format!(
            "{}: {} \u{2014} {} {}",
            catalogue::outcome_word(lang, "failed"),
            period_text(lang, &miss.period),
            miss.error.code.message(lang.locale()),
            catalogue::failure_hint(miss.error.code).render(lang)
        ));
    }
}
