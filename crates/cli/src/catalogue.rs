//! The few sentences the command line says in English or Dutch (`--lang`, default from the
//! environment): the reasons a period has no invoice, why an action is not allowed, and the
//! words of the tables. Error and hint lines stay in English.

use clap::ValueEnum;
use invoice_desk_billing::access::{BillingRole, Capability, NotOfferedReason, ViewChargesPolicy};
use invoice_desk_billing::{Action, Availability, ScopeKind};

/// The language of the human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    En,
    Nl,
}

impl Lang {
    /// `LC_ALL`, `LC_MESSAGES`, then `LANG` (the first that is set): Dutch when it starts with
    /// `nl`, else English.
    pub fn from_env() -> Self {
        let value = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|v| !v.trim().is_empty())
            .unwrap_or_default();
        Self::from_locale(&value)
    }

    pub fn from_locale(locale: &str) -> Self {
        if locale.trim().to_ascii_lowercase().starts_with("nl") {
            Self::Nl
        } else {
            Self::En
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

/// A role's name, lower case, without article.
pub fn role_name(lang: Lang, role: BillingRole) -> &'static str {
    use BillingRole as R;
    match role {
        R::AccountAdministrator => pick(lang, "account administrator", "accountbeheerder"),
        R::SubscriptionUser => pick(lang, "role on the subscription", "rol op het abonnement"),
        R::BillingAccountOwner => pick(
            lang,
            "billing account owner",
            "eigenaar van het factureringsaccount",
        ),
        R::BillingAccountContributor => pick(
            lang,
            "billing account contributor",
            "inzender van het factureringsaccount",
        ),
        R::BillingAccountReader => pick(
            lang,
            "billing account reader",
            "lezer van het factureringsaccount",
        ),
        R::BillingProfileOwner => pick(
            lang,
            "billing profile owner",
            "eigenaar van het factureringsprofiel",
        ),
        R::BillingProfileContributor => pick(
            lang,
            "billing profile contributor",
            "inzender van het factureringsprofiel",
        ),
        R::BillingProfileReader => pick(
            lang,
            "billing profile reader",
            "lezer van het factureringsprofiel",
        ),
        R::InvoiceManager => pick(lang, "invoice manager", "factuurbeheerder"),
        R::InvoiceSectionOwner => pick(
            lang,
            "invoice section owner",
            "eigenaar van de factuursectie",
        ),
        R::InvoiceSectionContributor => pick(
            lang,
            "invoice section contributor",
            "inzender van de factuursectie",
        ),
        R::InvoiceSectionReader => {
            pick(lang, "invoice section reader", "lezer van de factuursectie")
        }
        R::EnterpriseAdministrator => {
            pick(lang, "enterprise administrator", "ondernemingsbeheerder")
        }
        R::DepartmentAdministrator => pick(lang, "department administrator", "afdelingsbeheerder"),
        R::EaAccountOwner => pick(lang, "account owner", "accounteigenaar"),
    }
}

/// "the account administrator role" / "de rol accountbeheerder".
fn role_phrase(lang: Lang, role: BillingRole) -> String {
    match (lang, role) {
        (Lang::En, BillingRole::SubscriptionUser) => {
            "a role on the subscription (Reader or higher)".to_owned()
        }
        (Lang::Nl, BillingRole::SubscriptionUser) => {
            "een rol op het abonnement (Lezer of hoger)".to_owned()
        }
        (Lang::En, role) => format!("the {} role", role_name(lang, role)),
        (Lang::Nl, role) => format!("de rol {}", role_name(lang, role)),
    }
}

/// "the account administrator" / "de accountbeheerder".
fn granter(lang: Lang, role: BillingRole) -> String {
    format!("{} {}", pick(lang, "the", "de"), role_name(lang, role))
}

fn policy_name(lang: Lang, policy: ViewChargesPolicy) -> &'static str {
    match policy {
        ViewChargesPolicy::DepartmentAdminViewCharges => pick(
            lang,
            "Department admins can view charges",
            "Afdelingsbeheerders kunnen kosten bekijken",
        ),
        ViewChargesPolicy::AccountOwnerViewCharges => pick(
            lang,
            "Account owners can view charges",
            "Accounteigenaren kunnen kosten bekijken",
        ),
    }
}

/// "the invoice recipient (invoices@contoso.example)" or just "the invoice recipient".
fn recipient(lang: Lang, name: Option<&str>) -> String {
    let base = pick(
        lang,
        "the enrollment's invoice recipient",
        "de factuurontvanger van de inschrijving",
    );
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => format!("{base} ({name})"),
        None => base.to_owned(),
    }
}

/// Why an action is not possible: `None` when it is allowed. `ea_recipient` names the EA
/// invoice recipient when known.
pub fn capability_reason(
    lang: Lang,
    capability: &Capability,
    ea_recipient: Option<&str>,
) -> Option<String> {
    match capability {
        Capability::Allowed => None,
        Capability::Denied(denied) => Some(match denied.policy {
            Some(policy) => match lang {
                Lang::En => format!(
                    "Blocked by the enrollment policy \u{201c}{}\u{201d}; {} can turn it on.",
                    policy_name(lang, policy),
                    granter(lang, denied.granted_by)
                ),
                Lang::Nl => format!(
                    "Geblokkeerd door het inschrijvingsbeleid \u{201e}{}\u{201d}; {} kan het aanzetten.",
                    policy_name(lang, policy),
                    granter(lang, denied.granted_by)
                ),
            },
            None => match lang {
                Lang::En => format!(
                    "Needs {}; {} can grant it.",
                    role_phrase(lang, denied.missing_role),
                    granter(lang, denied.granted_by)
                ),
                Lang::Nl => format!(
                    "Vereist {}; {} kan die toekennen.",
                    role_phrase(lang, denied.missing_role),
                    granter(lang, denied.granted_by)
                ),
            },
        }),
        Capability::NotOffered { reason, .. } => Some(match reason {
            NotOfferedReason::EaInvoicesAreEmailed => match lang {
                Lang::En => format!(
                    "Enterprise Agreement invoices are e-mailed to {}; they cannot be downloaded.",
                    recipient(lang, ea_recipient)
                ),
                Lang::Nl => format!(
                    "Facturen van een Enterprise Agreement worden per e-mail naar {} gestuurd; downloaden kan niet.",
                    recipient(lang, ea_recipient)
                ),
            },
            NotOfferedReason::PortalOnly => pick(
                lang,
                "Only in the Azure portal: there is no API for this setting.",
                "Alleen in de Azure-portal: voor deze instelling is er geen API.",
            )
            .to_owned(),
        }),
    }
}

/// The sentence for a period without an invoice (`None` for [`Availability::Available`]).
pub fn reason_message(lang: Lang, availability: &Availability) -> Option<String> {
    Some(match availability {
        Availability::Available { .. } => return None,
        Availability::SubscriptionTooNew {
            created,
            invoice_expected_after,
        } => match lang {
            Lang::En => format!(
                "The subscription was created on {created}, less than 30 days ago; its first invoice comes after {invoice_expected_after}."
            ),
            Lang::Nl => format!(
                "Het abonnement is op {created} aangemaakt, minder dan 30 dagen geleden; de eerste factuur komt na {invoice_expected_after}."
            ),
        },
        Availability::NotGeneratedYet { expected_on } => match lang {
            Lang::En => format!(
                "The invoice has not been generated yet; it is expected on {expected_on}."
            ),
            Lang::Nl => {
                format!("De factuur is nog niet aangemaakt; die wordt verwacht op {expected_on}.")
            }
        },
        Availability::NoPermission {
            missing_role,
            granted_by,
        } => match lang {
            Lang::En => format!(
                "You may not see the invoices here: that needs {}, which {} can grant.",
                role_phrase(lang, *missing_role),
                granter(lang, *granted_by)
            ),
            Lang::Nl => format!(
                "Je mag de facturen hier niet zien: daarvoor is {} nodig, die {} kan toekennen.",
                role_phrase(lang, *missing_role),
                granter(lang, *granted_by)
            ),
        },
        Availability::FreeTrialOrCreditNotExceeded { .. } => pick(
            lang,
            "No invoice: this is a free trial, or the monthly credit was not used up.",
            "Geen factuur: dit is een gratis proefversie, of het maandelijkse tegoed is niet opgebruikt.",
        )
        .to_owned(),
        Availability::EaInvoicesAreEmailed { recipient: name } => match lang {
            Lang::En => format!(
                "Enterprise Agreement invoices are e-mailed to {}, not downloaded; the usage CSV is still available.",
                recipient(lang, name.as_deref())
            ),
            Lang::Nl => format!(
                "Facturen van een Enterprise Agreement gaan per e-mail naar {} en zijn niet te downloaden; de gebruiks-CSV is wel beschikbaar.",
                recipient(lang, name.as_deref())
            ),
        },
        Availability::Unknown { facts_shown } => {
            let facts = facts_shown
                .iter()
                .map(|f| format!("{}={}", f.code, f.value))
                .collect::<Vec<_>>()
                .join(", ");
            let (head, none) = pick(
                lang,
                ("No invoice was found and no known reason explains it", "no facts"),
                ("Er is geen factuur gevonden en geen bekende reden verklaart dat", "geen feiten"),
            );
            format!(
                "{head} ({}).",
                if facts.is_empty() { none } else { &facts }
            )
        }
    })
}

/// The scope kind in plain words.
pub fn kind_name(lang: Lang, kind: ScopeKind) -> &'static str {
    match kind {
        ScopeKind::MospSubscription => pick(
            lang,
            "Pay-as-you-go subscription",
            "Betalen-per-gebruik-abonnement",
        ),
        ScopeKind::McaBillingProfile => pick(
            lang,
            "Microsoft Customer Agreement \u{2014} billing profile",
            "Microsoft-klantovereenkomst \u{2014} factureringsprofiel",
        ),
        ScopeKind::McaInvoiceSection => pick(
            lang,
            "Microsoft Customer Agreement \u{2014} invoice section",
            "Microsoft-klantovereenkomst \u{2014} factuursectie",
        ),
        ScopeKind::EaEnrollment => pick(
            lang,
            "Enterprise Agreement \u{2014} enrollment",
            "Enterprise Agreement \u{2014} inschrijving",
        ),
        ScopeKind::EaDepartment => pick(
            lang,
            "Enterprise Agreement \u{2014} department",
            "Enterprise Agreement \u{2014} afdeling",
        ),
        ScopeKind::EaEnrollmentAccount => pick(
            lang,
            "Enterprise Agreement \u{2014} account",
            "Enterprise Agreement \u{2014} account",
        ),
        ScopeKind::MpaCustomer => pick(
            lang,
            "Microsoft Partner Agreement \u{2014} customer",
            "Microsoft-partnerovereenkomst \u{2014} klant",
        ),
        ScopeKind::Other => pick(lang, "Other billing scope", "Ander factureringsbereik"),
    }
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

#[cfg(test)]
mod tests {
    use invoice_desk_billing::Availability;
    use invoice_desk_billing::access::BillingRole;
    use time::macros::date;

    use super::{Lang, reason_message};

    #[test]
    fn the_language_comes_from_the_locale() {
        assert_eq!(Lang::from_locale("nl_NL.UTF-8"), Lang::Nl);
        assert_eq!(Lang::from_locale("nl_BE"), Lang::Nl);
        assert_eq!(Lang::from_locale("en_GB.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale(""), Lang::En);
        assert_eq!(Lang::from_locale("C"), Lang::En);
    }

    #[test]
    fn every_reason_has_both_languages() {
        let reasons = [
            Availability::SubscriptionTooNew {
                created: date!(2025 - 03 - 02),
                invoice_expected_after: date!(2025 - 04 - 01),
            },
            Availability::NotGeneratedYet {
                expected_on: date!(2025 - 04 - 06),
            },
            Availability::NoPermission {
                missing_role: BillingRole::BillingProfileReader,
                granted_by: BillingRole::BillingProfileOwner,
            },
            Availability::FreeTrialOrCreditNotExceeded { signals: vec![] },
            Availability::EaInvoicesAreEmailed {
                recipient: Some("invoices@contoso.example".into()),
            },
            Availability::Unknown {
                facts_shown: vec![],
            },
        ];
        for reason in &reasons {
            let en = reason_message(Lang::En, reason).unwrap();
            let nl = reason_message(Lang::Nl, reason).unwrap();
            assert_ne!(en, nl);
            assert!(en.ends_with('.') && nl.ends_with('.'), "{en} / {nl}");
        }
        let en = reason_message(Lang::En, &reasons[0]).unwrap();
        assert!(en.contains("2025-03-02") && en.contains("30 days"), "{en}");
        let nl = reason_message(Lang::Nl, &reasons[2]).unwrap();
        assert!(nl.contains("eigenaar van het factureringsprofiel"), "{nl}");
        let en = reason_message(Lang::En, &reasons[4]).unwrap();
        assert!(en.contains("invoices@contoso.example"), "{en}");
        assert!(reason_message(Lang::En, &Availability::Available { count: 1 }).is_none());
    }
}
