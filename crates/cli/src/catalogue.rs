//! The few sentences the command line says in English or Dutch (`--lang`, default from the
//! environment): the reasons a period has no invoice, why an action is not allowed, and the
//! words of the tables. Error and hint lines stay in English.

use clap::ValueEnum;
use invoice_desk_api::{Catalogue, ErrorCode, Locale};
use invoice_desk_billing::access::{BillingRole, Capability};
use invoice_desk_billing::{Action, Availability, ScopeKind};
use invoice_desk_files::ItemError;

/// The language of the human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    En,
    Nl,
}

impl Lang {
    /// The operating system's language, resolved as the window resolves it (`LANGUAGE`,
    /// `LC_ALL`, `LC_MESSAGES`, then `LANG`).
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
}

/// Picks the English or the Dutch text.
fn pick<T>(lang: Lang, en: T, nl: T) -> T {
    match lang {
        Lang::En => en,
        Lang::Nl => nl,
    }
}

/// A role's name, lower case, without article (the window's words).
pub fn role_name(lang: Lang, role: BillingRole) -> String {
    invoice_desk_api::reason::role_name(Catalogue::of(lang.locale()), role)
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

/// The sentence for a period without an invoice (`None` for [`Availability::Available`]):
/// the window's words, with dates as `YYYY-MM-DD`.
pub fn reason_message(lang: Lang, availability: &Availability) -> Option<String> {
    invoice_desk_api::reason::reason_sentence(lang.locale(), availability, |day| day.to_string())
}

/// The scope kind in plain words (the window's).
pub fn kind_name(lang: Lang, kind: ScopeKind) -> String {
    invoice_desk_api::reason::kind_name(Catalogue::of(lang.locale()), kind)
}

/// What an action is called in the notes under the scopes table.
pub fn action_name(lang: Lang, action: Action) -> &'static str {
    match action {
        Action::ListInvoices => pick(lang, "list invoices", "facturen bekijken"),
        Action::DownloadInvoices => pick(lang, "download invoices", "facturen downloaden"),
        Action::DownloadUsage => pick(lang, "download usage", "gebruik downloaden"),
        Action::ManageEmail => pick(lang, "invoice e-mail", "factuur-e-mail"),
    }
}

/// An invoice status code (`due`, `over_due`, …) in words.
pub fn status_name(lang: Lang, code: &str) -> String {
    let known = match code {
        "due" => Some(pick(lang, "Due", "Te betalen")),
        "over_due" => Some(pick(lang, "Overdue", "Te laat")),
        "past_due" => Some(pick(lang, "Past due", "Achterstallig")),
        "paid" => Some(pick(lang, "Paid", "Betaald")),
        "void" => Some(pick(lang, "Void", "Vervallen")),
        "locked" => Some(pick(lang, "Locked", "Vergrendeld")),
        _ => None,
    };
    known.map_or_else(|| code.replace('_', " "), str::to_owned)
}

/// Fixed words of the human output.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    pub yes: &'static str,
    pub no: &'static str,
    pub scope_headers: [&'static str; 8],
    pub invoice_headers: [&'static str; 8],
    pub no_scopes: &'static str,
    pub not_allowed: &'static str,
    pub tenant: &'static str,
}

pub fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            yes: "yes",
            no: "no",
            scope_headers: [
                "NAME", "KIND", "ROLES", "LIST", "DOWNLOAD", "USAGE", "E-MAIL", "ID",
            ],
            invoice_headers: [
                "PERIOD",
                "INVOICE",
                "DATE",
                "DUE",
                "STATUS",
                "AMOUNT DUE",
                "BILLED",
                "DOCUMENTS / REASON",
            ],
            no_scopes: "No billing scopes found.",
            not_allowed: "Not allowed",
            tenant: "tenant",
        },
        Lang::Nl => Words {
            yes: "ja",
            no: "nee",
            scope_headers: [
                "NAAM",
                "SOORT",
                "ROLLEN",
                "BEKIJKEN",
                "DOWNLOADEN",
                "GEBRUIK",
                "E-MAIL",
                "ID",
            ],
            invoice_headers: [
                "PERIODE",
                "FACTUUR",
                "DATUM",
                "VERVALDATUM",
                "STATUS",
                "TE BETALEN",
                "GEFACTUREERD",
                "DOCUMENTEN / REDEN",
            ],
            no_scopes: "Geen factureringsbereiken gevonden.",
            not_allowed: "Niet toegestaan",
            tenant: "tenant",
        },
    }
}

/// How one document of `download`/`sync` ended, as a line's first word.
pub fn outcome_word(lang: Lang, outcome: &str) -> &'static str {
    match outcome {
        "saved" => pick(lang, "saved", "opgeslagen"),
        "already_there" => pick(lang, "already there", "al aanwezig"),
        "kept_both" => pick(lang, "kept both", "beide bewaard"),
        _ => pick(lang, "failed", "mislukt"),
    }
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
    match lang {
        Lang::En => format!("(a different file is already named {existing}; both kept)"),
        Lang::Nl => format!("(er heet al een ander bestand {existing}; beide bewaard)"),
    }
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
        failure_hint(lang, code)
    )
}

/// The command line's hint for `code` (`cli.hint.<code>`), else the window's.
pub fn failure_hint(lang: Lang, code: ErrorCode) -> String {
    let words = Catalogue::of(lang.locale());
    let own = format!("cli.hint.{}", code.key());
    if words.has(&own) {
        words.text(&own)
    } else {
        code.hint(lang.locale())
    }
}

/// The archive index was unreadable and was replaced.
pub fn index_replaced(lang: Lang, backup: &str) -> String {
    match lang {
        Lang::En => format!(
            "The archive index could not be read; it was kept as {backup} and rebuilt from the files."
        ),
        Lang::Nl => format!(
            "De archiefindex was onleesbaar; die is bewaard als {backup} en opnieuw opgebouwd uit de bestanden."
        ),
    }
}

/// A scope `sync` leaves out, and why.
pub fn scope_skipped(lang: Lang, name: &str, reason: &str) -> String {
    match lang {
        Lang::En => format!("{name}: skipped \u{2014} {reason}"),
        Lang::Nl => format!("{name}: overgeslagen \u{2014} {reason}"),
    }
}

/// A scope whose invoices could not be listed.
pub fn listing_failed(lang: Lang, name: &str, message: &str) -> String {
    match lang {
        Lang::En => format!("{name}: the invoices could not be listed ({message})"),
        Lang::Nl => format!("{name}: de facturen konden niet worden opgehaald ({message})"),
    }
}

/// The progress bar's label.
pub fn progress_label(lang: Lang) -> &'static str {
    pick(lang, "documents", "documenten")
}

#[cfg(test)]
mod tests {
    use super::Lang;

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
}
