//! Every word the command line prints, from the one catalogue the window uses too
//! (`ui/src/i18n/{en,nl}.json`, the command line's own words under `cli.`), in the language of
//! `--lang` (default from the environment). The tables, the progress lines, the warnings and the
//! `error:`/`hint:` lines all come from here; only the line prefixes, `--json` field names and
//! codes stay fixed.

use clap::ValueEnum;
use invoice_desk_api::{Catalogue, ErrorCode, Locale};
use invoice_desk_billing::access::{BillingRole, Capability, InvoiceRefusal};
use invoice_desk_billing::{Action, Availability, ScopeKind};
use invoice_desk_files::ItemError;

/// The language of the human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    En,
    Nl,
}

impl Lang {
    /// The operating system's language, resolved as the window resolves it (on Linux from
    /// `LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, then `LANG`; on Windows and macOS from the
    /// system's language settings).
    pub fn from_env() -> Self {
        Self::of(Locale::system())
    }

    pub fn of(locale: Locale) -> Self {
        match locale {
            Locale::En => Self::En,
            Locale::Nl => Self::Nl,
        }
    }

    /// The catalogue's language.
    pub fn locale(self) -> Locale {
        match self {
            Self::En => Locale::En,
            Self::Nl => Locale::Nl,
        }
    }

    /// This language's catalogue.
    pub fn words(self) -> &'static Catalogue {
        Catalogue::of(self.locale())
    }

    /// The text for `key`.
    pub fn text(self, key: &str) -> String {
        self.words().text(key)
    }

    /// The text for `key` with its placeholders filled in.
    pub fn format(self, key: &str, params: &[(&str, &str)]) -> String {
        self.words().format(key, params)
    }

    /// `base.one` or `base.other` by `count` (the same rule in English and Dutch), with
    /// `{count}` and `params` filled in.
    pub fn plural(self, base: &str, count: usize, params: &[(&str, &str)]) -> String {
        let form = if count == 1 { "one" } else { "other" };
        let count = count.to_string();
        let mut all = vec![("count", count.as_str())];
        all.extend_from_slice(params);
        self.format(&format!("{base}.{form}"), &all)
    }
}

/// Words to print, rendered in the user's language only when printed: a failure can be made
/// deep inside a command and still be shown in `--lang`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// A catalogue key and the values of its `{placeholders}`.
    Key(String, Vec<(&'static str, Text)>),
    /// Not the command line's own words: a name, an id, a path, what Azure, the sign-in
    /// service or the operating system said.
    Raw(String),
    /// Parts printed one after the other.
    Seq(Vec<Text>),
}

impl Text {
    /// The catalogue's text for `key`.
    pub fn key(key: impl Into<String>) -> Self {
        Self::Key(key.into(), Vec::new())
    }

    /// Fills `{name}` with `value` (a key's placeholder; ignored by other texts).
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl Into<Text>) -> Self {
        if let Self::Key(_, params) = &mut self {
            params.push((name, value.into()));
        }
        self
    }

    /// The words in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Self::Key(key, params) => {
                let values: Vec<(&str, String)> = params
                    .iter()
                    .map(|(name, value)| (*name, value.render(lang)))
                    .collect();
                let params: Vec<(&str, &str)> = values
                    .iter()
                    .map(|(name, value)| (*name, value.as_str()))
                    .collect();
                lang.format(key, &params)
            }
            Self::Raw(text) => text.clone(),
            Self::Seq(parts) => parts.iter().map(|part| part.render(lang)).collect(),
        }
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Self::Raw(text)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Self::Raw(text.to_owned())
    }
}

/// A role's name, lower case, without article (the window's words).
pub fn role_name(lang: Lang, role: BillingRole) -> String {
    invoice_desk_api::reason::role_name(lang.words(), role)
}

/// Why an action is not possible: `None` when it is allowed. `ea_recipient` names the EA
/// invoice recipient when known. The window's words.
pub fn capability_reason(
    lang: Lang,
    capability: &Capability,
    ea_recipient: Option<&str>,
) -> Option<String> {
    invoice_desk_api::reason::capability_sentence(lang.locale(), capability, ea_recipient)
}

/// Why one invoice may not be downloaded where the others may.
pub fn invoice_refusal(lang: Lang, why: InvoiceRefusal) -> String {
    invoice_desk_api::reason::invoice_refusal_sentence(lang.locale(), why)
}

/// The sentence for a period without an invoice (`None` for [`Availability::Available`]):
/// the window's words, with dates as `YYYY-MM-DD`.
pub fn reason_message(lang: Lang, availability: &Availability) -> Option<String> {
    invoice_desk_api::reason::reason_sentence(lang.locale(), availability, |day| day.to_string())
}

/// The scope kind in plain words (the window's).
pub fn kind_name(lang: Lang, kind: ScopeKind) -> String {
    invoice_desk_api::reason::kind_name(lang.words(), kind)
}

/// What an action is called in the notes under the scopes table.
pub fn action_name(lang: Lang, action: Action) -> String {
    lang.text(match action {
        Action::ListInvoices => "cli.action.listInvoices",
        Action::DownloadInvoices => "cli.action.downloadInvoices",
        Action::DownloadUsage => "cli.action.downloadUsage",
        Action::ManageEmail => "cli.action.manageEmail",
    })
}

/// An invoice status code (`due`, `over_due`, …) in words: the window's (`status.<Azure's
/// spelling>`), else the code with spaces.
pub fn status_name(lang: Lang, code: &str) -> String {
    let key = match code {
        "due" => "status.Due",
        "over_due" => "status.OverDue",
        "past_due" => "status.PastDue",
        "paid" => "status.Paid",
        "void" => "status.Void",
        "locked" => "status.Locked",
        _ => return code.replace('_', " "),
    };
    lang.text(key)
}

/// `yes` or `no` in the scopes table.
pub fn yes_no(lang: Lang, yes: bool) -> String {
    lang.text(if yes { "cli.yes" } else { "cli.no" })
}

/// The column titles of the scopes table.
pub fn scope_headers(lang: Lang) -> Vec<String> {
    [
        "cli.table.scopes.name",
        "cli.table.scopes.kind",
        "cli.table.scopes.roles",
        "cli.table.scopes.list",
        "cli.table.scopes.download",
        "cli.table.scopes.usage",
        "cli.table.scopes.email",
        "cli.table.scopes.id",
    ]
    .into_iter()
    .map(|key| lang.text(key))
    .collect()
}

/// The column titles of the invoices table.
pub fn invoice_headers(lang: Lang) -> Vec<String> {
    [
        "cli.table.invoices.period",
        "cli.table.invoices.invoice",
        "cli.table.invoices.date",
        "cli.table.invoices.due",
        "cli.table.invoices.status",
        "cli.table.invoices.amountDue",
        "cli.table.invoices.billed",
        "cli.table.invoices.documents",
    ]
    .into_iter()
    .map(|key| lang.text(key))
    .collect()
}

/// How one document of `download`/`sync` ended (`saved`, `already_there`, `kept_both`,
/// anything else failed), as a line's first word.
pub fn outcome_word(lang: Lang, outcome: &str) -> String {
    lang.text(match outcome {
        "saved" => "cli.save.saved",
        "already_there" => "cli.save.alreadyThere",
        "kept_both" => "cli.save.keptBoth",
        _ => "cli.save.failed",
    })
}

/// "12 saved, 3 already there, 1 kept both, 1 failed".
pub fn save_summary(
    lang: Lang,
    saved: usize,
    already: usize,
    kept: usize,
    failed: usize,
) -> String {
    let mut parts = vec![
        format!("{saved} {}", outcome_word(lang, "saved")),
        format!("{already} {}", outcome_word(lang, "already_there")),
    ];
    if kept > 0 {
        parts.push(format!("{kept} {}", outcome_word(lang, "kept_both")));
    }
    parts.push(format!("{failed} {}", outcome_word(lang, "failed")));
    parts.join(", ")
}

/// After "kept both": the file that had the name.
pub fn beside(lang: Lang, existing: &str) -> String {
    lang.format("cli.save.beside", &[("name", existing)])
}

/// Why a document could not be saved and what to do, as one line: the product's sentence for
/// the failure's code, with the command line's hint where the window's would point at Settings.
pub fn save_failure(lang: Lang, error: &ItemError) -> String {
    failure_line(lang, ErrorCode::from(error))
}

/// "<what happened> <what to do>" for `code`, in `lang`.
pub fn failure_line(lang: Lang, code: ErrorCode) -> String {
    format!(
        "{} {}",
        code.message(lang.locale()),
        failure_hint(code).render(lang)
    )
}

/// The command line's hint for `code` (`cli.hint.<code>`), else the window's.
pub fn failure_hint(code: ErrorCode) -> Text {
    let own = format!("cli.hint.{}", code.key());
    if Lang::En.words().has(&own) {
        Text::key(own)
    } else {
        Text::key(format!("errors.{}.hint", code.key()))
    }
}

/// The archive index was unreadable and was replaced.
pub fn index_replaced(lang: Lang, backup: &str) -> String {
    lang.format("cli.save.indexReplaced", &[("backup", backup)])
}

/// A scope `sync` leaves out, and why.
pub fn scope_skipped(lang: Lang, name: &str, reason: &str) -> String {
    lang.format("cli.sync.skipped", &[("name", name), ("reason", reason)])
}

/// A scope whose invoices could not be listed.
pub fn listing_failed(lang: Lang, name: &str, message: &str) -> String {
    lang.format(
        "cli.sync.listingFailed",
        &[("name", name), ("message", message)],
    )
}

/// A usage job's step, as the window's tray says it.
pub fn job_stage(lang: Lang, stage: &invoice_desk_api::jobs::JobStage) -> String {
    use invoice_desk_api::jobs::JobStage;
    let (text, report, reports) = match *stage {
        JobStage::Requested { report, reports } => {
            (lang.text("activity.stage.requested"), report, reports)
        }
        JobStage::Preparing { report, reports } => {
            (lang.text("activity.stage.preparing"), report, reports)
        }
        JobStage::Downloading {
            report,
            reports,
            file,
            files,
        } => (
            lang.format(
                "activity.stage.downloading",
                &[("file", &file.to_string()), ("files", &files.to_string())],
            ),
            report,
            reports,
        ),
        JobStage::Joining { report, reports } => {
            (lang.text("activity.stage.joining"), report, reports)
        }
    };
    if reports > 1 {
        lang.format(
            "activity.stage.ofReports",
            &[
                ("stage", &text),
                ("report", &report.to_string()),
                ("reports", &reports.to_string()),
            ],
        )
    } else {
        text
    }
}

/// The progress bar's label.
pub fn progress_label(lang: Lang) -> String {
    lang.text("cli.save.progress")
}

/// A `warning:` line on stderr (the prefix is the command line's format, never translated);
/// secrets scrubbed whatever the text holds.
pub fn warn(text: &str) {
    eprintln!("warning: {}", invoice_desk_logging::redact(text));
}

#[cfg(test)]
mod tests {
    use super::{Lang, Text};

    #[test]
    fn every_failure_has_a_line_in_both_languages() {
        use invoice_desk_api::ErrorCode;

        use super::{failure_line, save_summary};
        for code in ErrorCode::ALL {
            let en = failure_line(Lang::En, code);
            let nl = failure_line(Lang::Nl, code);
            assert_ne!(en, nl, "{code:?}");
            assert!(!en.contains("cli.hint") && !en.contains("errors."), "{en}");
            assert!(
                !en.contains("Settings"),
                "the command line has no Settings: {en}"
            );
            assert!(
                !nl.contains("Instellingen"),
                "the command line has no Settings: {nl}"
            );
        }
        assert_eq!(
            save_summary(Lang::En, 12, 3, 0, 1),
            "12 saved, 3 already there, 1 failed"
        );
        assert_eq!(
            save_summary(Lang::Nl, 1, 0, 2, 0),
            "1 opgeslagen, 0 al aanwezig, 2 beide bewaard, 0 mislukt"
        );
    }

    #[test]
    fn texts_render_late_in_either_language() {
        let text = Text::Seq(vec![
            Text::key("cli.sync.skipped")
                .with("name", "Contoso")
                .with("reason", Text::key("cli.yes")),
            Text::from("!"),
        ]);
        assert_eq!(text.render(Lang::En), "Contoso: skipped \u{2014} yes!");
        assert_eq!(text.render(Lang::Nl), "Contoso: overgeslagen \u{2014} ja!");
        assert_eq!(
            Lang::Nl.plural("cli.logout.all", 1, &[]),
            Lang::Nl.format("cli.logout.all.one", &[("count", "1")])
        );
        assert!(
            Lang::En
                .plural("cli.logout.all", 2, &[])
                .contains("2 accounts")
        );
    }

    #[test]
    fn status_names_are_the_windows() {
        use super::status_name;
        assert_eq!(status_name(Lang::En, "over_due"), "Overdue");
        assert_eq!(
            status_name(Lang::Nl, "over_due"),
            Lang::Nl.text("status.OverDue")
        );
        assert_eq!(status_name(Lang::Nl, "written_off"), "written off");
    }
}
