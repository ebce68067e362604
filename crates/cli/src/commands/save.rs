//! `invoice-desk download` and `invoice-desk sync`: invoice documents into a folder through
//! the files crate's batch (template names, no overwrite, the archive index), with a progress
//! bar on a terminal and one line per document otherwise.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};
use invoice_desk_api::jobs::{BatchProgress, JobKind, JobProgress, Jobs, Progress};
use invoice_desk_api::{DownloadJobs, ErrorCode, RefusedInvoice, SaveError, download_jobs};
use invoice_desk_billing::{Capability, InvoiceRange};
use invoice_desk_files::{
    BatchEvent, BatchOptions, BatchSummary, DocumentSelection, Fetcher, IndexWarning, Job, Placed,
    Template, TemplateError, TransferPolicy, slash_path,
};
use invoice_desk_settings::{SettingsError, SettingsStore};
use serde::Serialize;

use crate::catalogue::{self, Lang, Text, warn};
use crate::cli::{DownloadArgs, GlobalArgs, SaveArgs, SyncArgs};
use crate::error::{CliError, Exit};
use crate::output::print_json;
use crate::sources::{Found, Sources};

/// How far back `sync` looks without `--from`.
const SYNC_MONTHS: u16 = invoice_desk_billing::periods::ARCHIVE_MONTHS;

/// What is wrong with a file-name template, in the window's words.
pub(crate) fn template_problem(error: &TemplateError) -> Text {
    match error {
        TemplateError::Empty => Text::key("settings.templateProblem.empty"),
        TemplateError::UnknownPlaceholder { names } => Text::key("settings.templateUnknown").with(
            "names",
            names
                .iter()
                .map(|n| format!("{{{n}}}"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        TemplateError::Unbalanced { .. } => Text::key("settings.templateProblem.unbalanced"),
        TemplateError::NoFileName => Text::key("settings.templateProblem.noFileName"),
        TemplateError::FolderTooLong => Text::key("settings.templateProblem.folderTooLong"),
    }
}

/// Why the settings file could not be used (the defaults are used instead).
pub(crate) fn settings_problem(error: &SettingsError) -> Text {
    match error {
        SettingsError::Corrupt {
            path,
            backup,
            reason,
        } => Text::key("cli.settings.corrupt")
            .with("path", path.display().to_string())
            .with("reason", reason.as_str())
            .with("backup", backup.display().to_string()),
        SettingsError::Unreadable { path, source } => Text::key("cli.settings.unreadable")
            .with("path", path.display().to_string())
            .with("reason", source.to_string()),
        SettingsError::Unwritable { path, source } => Text::key("cli.settings.unwritable")
            .with("path", path.display().to_string())
            .with("reason", source.to_string()),
    }
}

/// `--template`, else the settings' template (`lang` for a warning about the settings).
fn template(lang: Lang, args: &SaveArgs) -> Result<Template, CliError> {
    if let Some(text) = &args.template {
        return Template::parse(text).map_err(|e| {
            CliError::new(
                e.code(),
                Exit::Usage,
                Text::key("cli.error.template.message").with("reason", template_problem(&e)),
                Text::key("cli.error.template.hint").with(
                    "fields",
                    invoice_desk_files::template::FIELDS
                        .iter()
                        .map(|f| format!("{{{f}}}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
            )
        });
    }
    let loaded = SettingsStore::default_location().load();
    if let Some(warning) = &loaded.warning {
        warn(&settings_problem(warning).render(lang));
    }
    Template::parse(&loaded.settings.file_name_template).map_err(|e| {
        CliError::new(
            e.code(),
            Exit::Failure,
            Text::key("cli.error.settingsTemplate.message").with("reason", template_problem(&e)),
            Text::key("cli.error.settingsTemplate.hint"),
        )
    })
}

fn selection(args: &SaveArgs) -> DocumentSelection {
    if args.all_documents {
        DocumentSelection::All
    } else {
        DocumentSelection::Primary
    }
}

pub(crate) fn find<'a>(found: &'a [Found<'a>], wanted: &str) -> Result<&'a Found<'a>, CliError> {
    let wanted = wanted.trim().trim_end_matches('/');
    found
        .iter()
        .find(|f| f.entry.scope.id.eq_ignore_ascii_case(wanted))
        .ok_or_else(|| crate::commands::invoices::scope_not_found(wanted))
}

/// The sentence that says why `why` keeps a scope's invoices from being downloaded.
pub(crate) fn not_allowed_reason(lang: Lang, found: &Found<'_>, why: &Capability) -> String {
    catalogue::capability_reason(lang, why, found.entry.facts.ea_invoice_recipient.as_deref())
        .unwrap_or_default()
}

pub async fn download(global: &GlobalArgs, args: &DownloadArgs) -> Result<Exit, CliError> {
    let template = template(global.language(), &args.save)?;
    let range = crate::commands::invoices::range(args.from, args.to, global.clock()?.today())?;
    let sources = Sources::open(global).await?;
    let outcome = download_in(global, args, &sources, template, range).await;
    sources.close().await;
    outcome
}

async fn download_in(
    global: &GlobalArgs,
    args: &DownloadArgs,
    sources: &Sources,
    template: Template,
    range: InvoiceRange,
) -> Result<Exit, CliError> {
    let lang = global.language();
    let found = sources.discover().await?;
    let hit = find(&found, &args.scope)?;
    let directory = &hit.source.directory;
    let DownloadJobs { jobs, refused } = download_jobs(
        directory,
        &hit.entry,
        &args.invoices,
        range,
        selection(&args.save),
    )
    .await
    .map_err(|err| match err {
        SaveError::NotAllowed { scope, why } => CliError::new(
            "download_not_allowed",
            Exit::Permission,
            Text::key("cli.error.downloadNotAllowed.message")
                .with("scope", scope)
                .with("reason", not_allowed_reason(lang, hit, &why)),
            // A switch someone turns on is asked for differently from a role.
            Text::key(if why.denied().is_some_and(|d| d.policy.is_some()) {
                "cli.error.downloadNotAllowed.hint.policy"
            } else {
                "cli.error.downloadNotAllowed.hint"
            }),
        ),
        SaveError::InvoiceRefused { invoice, why } => CliError::new(
            "invoice_refused",
            Exit::Permission,
            Text::key("cli.error.invoiceRefused.message")
                .with("invoice", invoice)
                .with("reason", catalogue::invoice_refusal(lang, why)),
            Text::key("cli.error.invoiceRefused.hint"),
        ),
        SaveError::Listing(e) => hit.source.failure(
            e.kind(),
            Text::key("cli.error.invoicesOf").with("scope", hit.entry.scope.id.as_str()),
            &e.to_string(),
        ),
    })?;
    let refused = refused
        .into_iter()
        .map(|r| (hit.entry.scope.id.clone(), r))
        .collect();
    execute(
        global,
        &args.save,
        template,
        (JobKind::Download, jobs, refused),
        (Vec::new(), None),
    )
    .await
}

pub async fn sync(global: &GlobalArgs, args: &SyncArgs) -> Result<Exit, CliError> {
    let template = template(global.language(), &args.save)?;
    let today = global.clock()?.today();
    let from = args
        .from
        .unwrap_or_else(|| InvoiceRange::last_months(today, SYNC_MONTHS - 1).start);
    let range = crate::commands::invoices::range(Some(from), None, today)?;
    let sources = Sources::open(global).await?;
    let outcome = sync_in(global, args, &sources, template, range).await;
    sources.close().await;
    outcome
}

async fn sync_in(
    global: &GlobalArgs,
    args: &SyncArgs,
    sources: &Sources,
    template: Template,
    range: InvoiceRange,
) -> Result<Exit, CliError> {
    let lang = global.language();
    let found = sources.discover().await?;
    let chosen: Vec<&Found<'_>> = if args.scopes.is_empty() {
        found.iter().collect()
    } else {
        args.scopes
            .iter()
            .map(|id| find(&found, id))
            .collect::<Result<_, _>>()?
    };
    // Which scopes a sync covers is decided once, for the window's sync too.
    let plan = invoice_desk_api::sync::plan(chosen, |hit| &hit.entry);
    let mut jobs = Vec::new();
    let mut refused = Vec::new();
    let mut problems = Vec::new();
    for (hit, why) in &plan.skipped {
        let name = &hit.entry.scope.display_name;
        let reason = not_allowed_reason(lang, hit, why);
        // Named explicitly: say why; found by the sweep, or kept for its usage: only with -v.
        let kept_for_usage =
            args.usage && invoice_desk_api::usage::may_download_usage(&hit.entry).is_ok();
        if args.scopes.is_empty() || kept_for_usage {
            tracing::info!("{}", catalogue::scope_skipped(lang, name, &reason));
        } else {
            problems.push(catalogue::scope_skipped(lang, name, &reason));
        }
    }
    let listings = futures::future::join_all(plan.scopes.iter().map(|hit| async move {
        let listed = download_jobs(
            &hit.source.directory,
            &hit.entry,
            &[],
            range,
            selection(&args.save),
        )
        .await;
        (hit, listed)
    }))
    .await;
    for (hit, listed) in listings {
        let name = &hit.entry.scope.display_name;
        match listed {
            Ok(found) => {
                jobs.extend(found.jobs);
                let scope = &hit.entry.scope.id;
                refused.extend(found.refused.into_iter().map(|r| (scope.clone(), r)));
            }
            Err(SaveError::NotAllowed { why, .. }) => {
                problems.push(catalogue::scope_skipped(
                    lang,
                    name,
                    &not_allowed_reason(lang, hit, &why),
                ));
            }
            Err(SaveError::Listing(err)) => {
                problems.push(catalogue::listing_failed(lang, name, &err.to_string()));
            }
            // Only named invoices are refused one by one; a sync names none.
            Err(SaveError::InvoiceRefused { why, .. }) => {
                problems.push(catalogue::scope_skipped(
                    lang,
                    name,
                    &catalogue::invoice_refusal(lang, why),
                ));
            }
        }
    }
    let usage = if args.usage {
        let chosen: Vec<&Found<'_>> = if args.scopes.is_empty() {
            found.iter().collect()
        } else {
            args.scopes
                .iter()
                .map(|id| find(&found, id))
                .collect::<Result<_, _>>()?
        };
        let scopes = invoice_desk_api::sync::usage_plan(chosen, |hit| &hit.entry, true);
        Some(
            crate::commands::usage::sync_scopes(global, &scopes, &args.save.out, &mut problems)
                .await?,
        )
    } else {
        None
    };
    execute(
        global,
        &args.save,
        template,
        (JobKind::Sync, jobs, refused),
        (problems, usage),
    )
    .await
}

/// One document in `--json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DocJson {
    scope_id: String,
    invoice: String,
    document_kind: String,
    document_name: Option<String>,
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    existing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Counts {
    saved: usize,
    already_there: usize,
    kept_both: usize,
    failed: usize,
    /// Invoices of the range that are kept from this user (see `refused`).
    refused: usize,
}

/// An invoice of the range that was not saved because Azure keeps it from this user.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RefusedJson {
    scope_id: String,
    invoice: String,
    /// e.g. `account_administrator_only_before_december_2016`.
    code: &'static str,
    message: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SummaryJson {
    out: String,
    saved: Vec<DocJson>,
    already_there: Vec<DocJson>,
    kept_both: Vec<DocJson>,
    failed: Vec<DocJson>,
    counts: Counts,
    refused: Vec<RefusedJson>,
    warnings: Vec<String>,
    /// With `sync --usage`: the usage files of every scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<Vec<crate::commands::usage::ScopeUsageJson>>,
}

fn done_json(done: &invoice_desk_files::ItemResult) -> DocJson {
    DocJson {
        scope_id: done.info.scope_id.clone(),
        invoice: done.info.invoice.clone(),
        document_kind: done.info.document_kind.clone(),
        document_name: done.info.document_name.clone(),
        path: Some(slash_path(done.placed.path())),
        size: Some(done.size),
        existing: match &done.placed {
            Placed::KeptBoth { existing, .. } => Some(slash_path(existing)),
            _ => None,
        },
        code: None,
        message: None,
    }
}

/// A job's progress on the terminal's bar: documents done of the total, and the speed.
struct BarProgress(ProgressBar);

impl Progress for BarProgress {
    fn changed(&self, job: &JobProgress) {
        if let Some(total) = job.total {
            self.0.set_length(total);
        }
        self.0.set_position(job.done);
        if let Some(speed) = job.bytes_per_second {
            self.0
                .set_prefix(format!("{}/s", indicatif::HumanBytes(speed)));
        }
    }
}

/// Where the progress goes: a bar on a terminal, lines otherwise, nothing with `--json`.
enum Display {
    Bar(ProgressBar),
    Lines,
    Quiet,
}

struct Reporter {
    lang: Lang,
    display: Display,
    /// The planned path of each item, for its line.
    paths: Mutex<Vec<Option<String>>>,
}

impl Reporter {
    fn new(lang: Lang, json: bool) -> Self {
        let display = if json {
            Display::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} {prefix} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message(catalogue::progress_label(lang));
            Display::Bar(bar)
        } else {
            Display::Lines
        };
        Self {
            lang,
            display,
            paths: Mutex::new(Vec::new()),
        }
    }

    fn line(&self, text: &str) {
        match &self.display {
            Display::Bar(bar) => bar.println(text),
            Display::Lines => println!("{text}"),
            Display::Quiet => {}
        }
    }

    fn event(&self, event: BatchEvent) {
        let mut paths = self
            .paths
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match event {
            BatchEvent::Queued { item, info } => {
                if paths.len() <= item {
                    paths.resize(item + 1, None);
                }
                paths[item] = info.path.or(Some(info.invoice));
            }
            BatchEvent::Done { placed, .. } => {
                let (word, extra) = match &placed {
                    Placed::Saved { .. } => ("saved", String::new()),
                    Placed::AlreadyThere { .. } => ("already_there", String::new()),
                    Placed::KeptBoth { existing, .. } => (
                        "kept_both",
                        format!(" {}", catalogue::beside(self.lang, &slash_path(existing))),
                    ),
                };
                // A bar does not list what was already there: a re-run would print hundreds.
                let quiet = matches!(self.display, Display::Bar(_)) && word == "already_there";
                if !quiet {
                    self.line(&format!(
                        "{}: {}{extra}",
                        catalogue::outcome_word(self.lang, word),
                        slash_path(placed.path())
                    ));
                }
            }
            BatchEvent::Failed { item, error } => {
                let what = paths.get(item).cloned().flatten().unwrap_or_default();
                self.line(&format!(
                    "{}: {what} \u{2014} {}",
                    catalogue::outcome_word(self.lang, "failed"),
                    catalogue::save_failure(self.lang, &error)
                ));
            }
            BatchEvent::Started { .. } | BatchEvent::Progress { .. } => {}
        }
    }

    fn finish(&self) {
        if let Display::Bar(bar) = &self.display {
            bar.finish_and_clear();
        }
    }
}

pub(crate) fn fetcher(global: &GlobalArgs) -> Result<Fetcher, CliError> {
    let policy = TransferPolicy::default();
    if global.demo {
        // The demo's storage is on 127.0.0.1: never through a proxy.
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                CliError::new(
                    "network",
                    Exit::Failure,
                    e.to_string(),
                    Text::key("cli.hint.tryAgain"),
                )
            })?;
        return Ok(Fetcher::with_client(http, policy));
    }
    Fetcher::new(policy).map_err(|e| {
        CliError::new(
            e.code(),
            Exit::Failure,
            Text::key("cli.error.fetcher.message").with("reason", e.to_string()),
            Text::key("cli.hint.verbose"),
        )
    })
}

async fn execute(
    global: &GlobalArgs,
    args: &SaveArgs,
    template: Template,
    (kind, jobs, refused): (JobKind, Vec<Job>, Vec<(String, RefusedInvoice)>),
    (problems, usage): (
        Vec<String>,
        Option<Vec<crate::commands::usage::ScopeUsageJson>>,
    ),
) -> Result<Exit, CliError> {
    let lang = global.language();
    let total = jobs.len() as u64;
    let fetcher = fetcher(global)?;
    let out = absolute(&args.out);
    let mut options = BatchOptions::new(out.clone(), template);
    options.concurrency = usize::from(args.parallel);
    let cancel = options.cancel.clone();
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.cancel();
        }
    });
    let reporter = Reporter::new(lang, global.json);
    // The same job registry as the window's tray; here its progress moves the bar.
    let registry = match &reporter.display {
        Display::Bar(bar) => Jobs::new(BarProgress(bar.clone())),
        Display::Lines | Display::Quiet => Jobs::new(|_: &JobProgress| {}),
    };
    let job = registry.start(kind, out.display().to_string(), Some(total));
    let progress = BatchProgress::new(&job, total);
    let sink = |event: BatchEvent| {
        progress.event(&event);
        reporter.event(event);
    };
    let summary = invoice_desk_files::run_batch(jobs, &fetcher, &options, &sink).await;
    ctrl_c.abort();
    job.finish();
    reporter.finish();
    let summary = summary.map_err(|e| {
        let code = ErrorCode::from(&e.report());
        CliError::new(
            e.code(),
            Exit::Failure,
            // "<folder>: <the product's sentence> (<what the file system said>)".
            Text::Seq(vec![
                Text::Raw(format!("{}: ", out.display())),
                Text::key(format!("errors.{}.message", code.key())),
                Text::Raw(format!(" ({e})")),
            ]),
            catalogue::failure_hint(code),
        )
    })?;
    let mut warnings = problems;
    if let Some(IndexWarning::CorruptIndexReplaced { backup, .. }) = &summary.index_warning {
        warnings.push(catalogue::index_replaced(
            lang,
            &backup.display().to_string(),
        ));
    }
    if let Some(error) = &summary.index_error {
        warnings.push(lang.format("cli.save.indexNotWritten", &[("reason", error.as_str())]));
    }
    let usage_complete = usage
        .as_ref()
        .is_none_or(|all| all.iter().all(|u| u.outcome.is_complete()));
    report(global, lang, &out, (&summary, &refused), &warnings, usage)?;
    Ok(
        if summary.failed.is_empty() && warnings.is_empty() && usage_complete {
            Exit::Ok
        } else {
            Exit::Failure
        },
    )
}

pub(crate) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

fn report(
    global: &GlobalArgs,
    lang: Lang,
    out: &Path,
    (summary, refused): (&BatchSummary, &[(String, RefusedInvoice)]),
    warnings: &[String],
    usage: Option<Vec<crate::commands::usage::ScopeUsageJson>>,
) -> Result<(), CliError> {
    if global.json {
        let failed = summary
            .failed
            .iter()
            .map(|f| DocJson {
                scope_id: f.info.scope_id.clone(),
                invoice: f.info.invoice.clone(),
                document_kind: f.info.document_kind.clone(),
                document_name: f.info.document_name.clone(),
                path: f.info.path.clone(),
                size: None,
                existing: None,
                code: Some(f.error.code.as_str()),
                message: Some(catalogue::save_failure(lang, &f.error)),
            })
            .collect();
        return print_json(&SummaryJson {
            out: out.display().to_string(),
            saved: summary.saved.iter().map(done_json).collect(),
            already_there: summary.already_there.iter().map(done_json).collect(),
            kept_both: summary.kept_both.iter().map(done_json).collect(),
            failed,
            counts: Counts {
                saved: summary.saved.len(),
                already_there: summary.already_there.len(),
                kept_both: summary.kept_both.len(),
                failed: summary.failed.len(),
                refused: refused.len(),
            },
            refused: refused
                .iter()
                .map(|(scope_id, r)| RefusedJson {
                    scope_id: scope_id.clone(),
                    invoice: r.invoice.clone(),
                    code: r.refusal.code(),
                    message: catalogue::invoice_refusal(lang, r.refusal),
                })
                .collect(),
            warnings: warnings.to_vec(),
            usage,
        });
    }
    if let Some(usage) = &usage {
        crate::commands::usage::print_all(lang, usage);
    }
    for warning in warnings {
        warn(warning);
    }
    // Not a failure: Azure keeps these from this user, and the rest of the range is saved.
    for (_, r) in refused {
        eprintln!(
            "{}",
            lang.format(
                "cli.save.refused",
                &[
                    ("invoice", r.invoice.as_str()),
                    ("reason", &catalogue::invoice_refusal(lang, r.refusal)),
                ],
            )
        );
    }
    println!(
        "{} \u{2014} {}",
        catalogue::save_summary(
            lang,
            summary.saved.len(),
            summary.already_there.len(),
            summary.kept_both.len(),
            summary.failed.len()
        ),
        out.display()
    );
    Ok(())
}
