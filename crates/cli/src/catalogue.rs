//! The few sentences the command line says in English or Dutch (`--lang`, default from the
//! environment): the reasons a period has no invoice, why an action is not allowed, and the
//! words of the tables. Error and hint lines stay in English.

use clap::ValueEnum;
use invoice_desk_api::{Catalogue, Locale};
use invoice_desk_billing::access::{BillingRole, Capability};
use invoice_desk_billing::{Action, Availability, ScopeKind};

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

/// Why a document could not be saved, by the files crate's error code (and the billing
/// error's code for a failed link), with what to do.
pub fn save_failure(lang: Lang, code: &str, billing_code: Option<&str>) -> &'static str {
    match (code, billing_code) {
        ("link_failed", Some("forbidden")) => pick(
            lang,
            "Azure refused the download (403): you need a role that may download invoices here.",
            "Azure weigerde de download (403): je hebt hier een rol nodig die facturen mag downloaden.",
        ),
        ("link_failed", Some("unauthenticated" | "credential")) => pick(
            lang,
            "The sign-in is no longer accepted; run `invoice-desk login` again.",
            "De aanmelding wordt niet meer geaccepteerd; voer `invoice-desk login` opnieuw uit.",
        ),
        ("link_failed", Some("not_found")) => pick(
            lang,
            "Azure does not know this invoice or document (404).",
            "Azure kent deze factuur of dit document niet (404).",
        ),
        ("link_failed" | "throttled" | "server", _) => pick(
            lang,
            "Azure is busy or failing; try again later.",
            "Azure is druk of geeft fouten; probeer het later opnieuw.",
        ),
        ("no_download_link", _) => pick(
            lang,
            "Azure offers no download for this document.",
            "Azure biedt voor dit document geen download.",
        ),
        ("link_expired", _) => pick(
            lang,
            "The download link expired twice; check the computer's clock and try again.",
            "De downloadlink is twee keer verlopen; controleer de klok van de computer en probeer het opnieuw.",
        ),
        ("link_rejected" | "blob_not_found", _) => pick(
            lang,
            "The storage service refused the download link; try again later.",
            "De opslagdienst weigerde de downloadlink; probeer het later opnieuw.",
        ),
        ("network", _) => pick(
            lang,
            "The connection kept failing; check the network and try again.",
            "De verbinding bleef mislukken; controleer het netwerk en probeer het opnieuw.",
        ),
        ("not_a_pdf" | "not_a_zip" | "wrong_content", _) => pick(
            lang,
            "What arrived is not a PDF (a proxy or a sign-in page for the network?); nothing was saved.",
            "Wat binnenkwam is geen pdf (een proxy of een aanmeldpagina van het netwerk?); er is niets opgeslagen.",
        ),
        ("length_mismatch", _) => pick(
            lang,
            "The download arrived incomplete; nothing was saved. Try again.",
            "De download kwam onvolledig binnen; er is niets opgeslagen. Probeer het opnieuw.",
        ),
        ("disk_full", _) => pick(
            lang,
            "The disk is full; make room and try again.",
            "De schijf is vol; maak ruimte vrij en probeer het opnieuw.",
        ),
        ("permission_denied", _) => pick(
            lang,
            "No permission to write in the folder; choose another folder or change its permissions.",
            "Geen toestemming om in de map te schrijven; kies een andere map of pas de rechten aan.",
        ),
        ("path_too_long" | "folder_too_long", _) => pick(
            lang,
            "The path is too long; choose a folder closer to the top of the disk or a shorter template.",
            "Het pad is te lang; kies een map dichter bij de hoofdmap of een kortere sjabloon.",
        ),
        ("too_many_collisions", _) => pick(
            lang,
            "Too many different files already have this name; use a template with {documentName}.",
            "Te veel verschillende bestanden hebben deze naam al; gebruik een sjabloon met {documentName}.",
        ),
        ("cancelled", _) => pick(lang, "Cancelled.", "Geannuleerd."),
        _ => pick(
            lang,
            "The file could not be written; run again with `-v` for details.",
            "Het bestand kon niet worden geschreven; voer het opnieuw uit met `-v` voor details.",
        ),
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
    fn every_save_failure_has_both_languages() {
        use super::{save_failure, save_summary};
        let codes = [
            "link_failed",
            "no_download_link",
            "link_expired",
            "link_rejected",
            "blob_not_found",
            "throttled",
            "server",
            "network",
            "not_a_pdf",
            "length_mismatch",
            "disk_full",
            "permission_denied",
            "path_too_long",
            "folder_too_long",
            "too_many_collisions",
            "cancelled",
            "io",
        ];
        for code in codes {
            for billing in [
                None,
                Some("forbidden"),
                Some("unauthenticated"),
                Some("not_found"),
            ] {
                let en = save_failure(Lang::En, code, billing);
                let nl = save_failure(Lang::Nl, code, billing);
                assert_ne!(en, nl, "{code}");
                assert!(en.ends_with('.') && nl.ends_with('.'), "{en} / {nl}");
            }
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
