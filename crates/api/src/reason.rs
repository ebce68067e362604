//! Why, in words: why a period has no invoice (`reason.text.*`, `reason.next.*`) and why an
//! action is not possible on a scope (`capability.*`), from the one catalogue, for the command
//! line and anything else that prints a reason. Dates are formatted by the caller (the command
//! line prints `YYYY-MM-DD`, which scripts and people in both languages read alike).

use invoice_desk_billing::access::{InvoiceRefusal, NotOfferedReason};
use invoice_desk_billing::{Availability, BillingRole, Capability, ScopeKind};
use time::Date;

use crate::catalogue::{Catalogue, Locale};

/// "Why, and what to do" for a period without an invoice; `None` when it has one.
pub fn reason_sentence(
    locale: Locale,
    availability: &Availability,
    date: impl Fn(Date) -> String,
) -> Option<String> {
    let words = Catalogue::of(locale);
    let pair = |key: &str, params: &[(&str, &str)]| {
        format!(
            "{} {}",
            words.format(&format!("reason.text.{key}"), params),
            words.format(&format!("reason.next.{key}"), params)
        )
    };
    Some(match availability {
        Availability::Available { .. } => return None,
        Availability::SubscriptionTooNew {
            created,
            invoice_expected_after,
        } => format!(
            "{} {}",
            words.format(
                "reason.text.subscription_too_new",
                &[("created", &date(*created))]
            ),
            words.format(
                "reason.next.subscription_too_new",
                &[("date", &date(*invoice_expected_after))]
            )
        ),
        Availability::NotGeneratedYet { expected_on } => {
            pair("not_generated_yet", &[("date", &date(*expected_on))])
        }
        Availability::NoPermission {
            policy: Some(policy),
            granted_by,
            contact,
            ..
        } => pair(
            &format!("no_permission.policy.{}", policy.code()),
            &[(
                "grantor",
                &named_grantor(words, *granted_by, contact.as_deref()),
            )],
        ),
        Availability::NoPermission {
            missing_role,
            granted_by,
            ..
        } => pair(
            "no_permission",
            &[
                ("role", &role_name(words, *missing_role)),
                ("grantor", &grantor_name(words, *granted_by)),
            ],
        ),
        Availability::FreeTrialOrCreditNotExceeded { .. } => {
            pair("free_trial_or_credit_not_exceeded", &[])
        }
        Availability::EaInvoicesAreEmailed {
            recipient: Some(recipient),
        } => pair("ea_invoices_are_emailed", &[("recipient", recipient)]),
        Availability::EaInvoicesAreEmailed { recipient: None } => {
            pair("ea_invoices_are_emailed.noRecipient", &[])
        }
        Availability::Unknown { facts_shown } => {
            let facts: Vec<String> = facts_shown
                .iter()
                .map(|fact| {
                    let value = match fact.code {
                        "scope_kind" => words.text(&format!("scopeKind.{}", fact.value)),
                        _ => match invoice_desk_emulator::calendar::parse_day(&fact.value) {
                            Ok(day) => date(day),
                            Err(_) => fact.value.clone(),
                        },
                    };
                    words.format(
                        "reason.fact.other",
                        &[
                            (
                                "label",
                                &words.text(&format!("reason.factCode.{}", fact.code)),
                            ),
                            ("value", &value),
                        ],
                    )
                })
                .collect();
            let (text, next) = (
                words.text("reason.text.unknown"),
                words.text("reason.next.unknown"),
            );
            if facts.is_empty() {
                format!("{text} {next}")
            } else {
                format!("{text} {}. {next}", facts.join("; "))
            }
        }
    })
}

/// Why an action is not possible on a scope, in one sentence (`None` when it is allowed).
/// `ea_recipient` names the enrollment's invoice recipient when known.
pub fn capability_sentence(
    locale: Locale,
    capability: &Capability,
    ea_recipient: Option<&str>,
) -> Option<String> {
    let words = Catalogue::of(locale);
    Some(match capability {
        Capability::Allowed => return None,
        Capability::Denied(denied) => {
            let grantor = named_grantor(words, denied.granted_by, denied.contact.as_deref());
            match denied.policy {
                Some(policy) => capitalized(&words.format(
                    &format!("capability.policy.{}", policy.code()),
                    &[("grantor", &grantor)],
                )),
                None => words.format(
                    "capability.denied",
                    &[
                        ("role", &role_name(words, denied.missing_role)),
                        ("grantor", &grantor),
                    ],
                ),
            }
        }
        Capability::NotOffered { reason, .. } => {
            let recipient = ea_recipient.map(str::trim).filter(|r| !r.is_empty());
            match (reason, recipient) {
                (NotOfferedReason::EaInvoicesAreEmailed, Some(recipient)) => words.format(
                    "capability.notOffered.ea_invoices_are_emailed.recipient",
                    &[("recipient", recipient)],
                ),
                (reason, _) => words.text(&format!("capability.notOffered.{}", reason.code())),
            }
        }
    })
}

/// Why one invoice may not be downloaded where the scope's others may.
pub fn invoice_refusal_sentence(locale: Locale, why: InvoiceRefusal) -> String {
    Catalogue::of(locale).text(&format!("invoiceRefusal.{}", why.code()))
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A scope kind's name ("Microsoft Customer Agreement — billing profile").
pub fn kind_name(words: &Catalogue, kind: ScopeKind) -> String {
    words.text(&format!("scopeKind.{}", kind.plain_kind()))
}

/// A role's name ("billing profile reader").
pub fn role_name(words: &Catalogue, role: BillingRole) -> String {
    words.text(&format!("role.{}", role.code()))
}

/// Who grants a role ("a billing profile owner").
pub fn grantor_name(words: &Catalogue, role: BillingRole) -> String {
    words.text(&format!("grantor.{}", role.code()))
}

/// Who grants a role, with the address Azure names them by when it does ("the account
/// administrator (alex@contoso.example)").
pub fn named_grantor(words: &Catalogue, role: BillingRole, contact: Option<&str>) -> String {
    let grantor = grantor_name(words, role);
    match contact.map(str::trim).filter(|c| !c.is_empty()) {
        Some(contact) => words.format(
            "grantor.named",
            &[("grantor", &grantor), ("contact", contact)],
        ),
        None => grantor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use invoice_desk_billing::access::AccessPolicy;
    use invoice_desk_billing::availability::ShownFact;
    use time::macros::date;

    fn iso(day: Date) -> String {
        day.to_string()
    }

    #[test]
    fn every_reason_reads_in_both_languages_without_a_placeholder_left() {
        let reasons = [
            Availability::SubscriptionTooNew {
                created: date!(2025 - 03 - 02),
                invoice_expected_after: date!(2025 - 04 - 01),
            },
            Availability::NotGeneratedYet {
                expected_on: date!(2027 - 01 - 05),
            },
            Availability::NoPermission {
                missing_role: BillingRole::BillingProfileReader,
                granted_by: BillingRole::BillingProfileOwner,
                policy: None,
                contact: None,
            },
            Availability::NoPermission {
                missing_role: BillingRole::AccountAdministrator,
                granted_by: BillingRole::AccountAdministrator,
                policy: Some(AccessPolicy::AllowOthersToDownloadInvoice),
                contact: Some("alex@contoso.example".into()),
            },
            Availability::FreeTrialOrCreditNotExceeded {
                signals: vec!["offer_free_trial"],
            },
            Availability::EaInvoicesAreEmailed {
                recipient: Some("invoices@contoso.example".into()),
            },
            Availability::EaInvoicesAreEmailed { recipient: None },
            Availability::Unknown {
                facts_shown: vec![
                    ShownFact {
                        code: "scope_kind",
                        value: "mca_billing_profile".into(),
                    },
                    ShownFact {
                        code: "expected_on",
                        value: "2027-01-05".into(),
                    },
                ],
            },
        ];
        for reason in &reasons {
            let en = reason_sentence(Locale::En, reason, iso).unwrap();
            let nl = reason_sentence(Locale::Nl, reason, iso).unwrap();
            assert_ne!(en, nl);
            for text in [&en, &nl] {
                assert!(!text.contains('{') && !text.contains("reason."), "{text}");
            }
        }
        let en = |r| reason_sentence(Locale::En, r, iso).unwrap();
        assert!(en(&reasons[0]).contains("2025-03-02") && en(&reasons[0]).contains("2025-04-01"));
        assert!(en(&reasons[1]).contains("2027-01-05"));
        let denied = en(&reasons[2]);
        assert!(
            denied.contains("billing profile reader") && denied.contains("a billing profile owner"),
            "{denied}"
        );
        // The pay-as-you-go switch, named as the portal names it, and whom to ask.
        let switch = en(&reasons[3]);
        assert!(
            switch.contains("Allow others to download invoice")
                && switch.contains("the account administrator (alex@contoso.example)")
                && !switch.contains("account administrator role"),
            "{switch}"
        );
        let nl = reason_sentence(Locale::Nl, &reasons[3], iso).unwrap();
        assert!(
            nl.contains("Toestaan dat anderen de factuur downloaden")
                && nl.contains("de accountbeheerder (alex@contoso.example)"),
            "{nl}"
        );
        assert!(en(&reasons[5]).contains("invoices@contoso.example"));
        let unknown = en(&reasons[7]);
        assert!(
            unknown.contains("Microsoft Customer Agreement — billing profile")
                && unknown.contains("2027-01-05")
                && !unknown.contains("scope_kind="),
            "{unknown}"
        );
        assert!(reason_sentence(Locale::En, &Availability::Available { count: 1 }, iso).is_none());
    }

    #[test]
    fn every_capability_refusal_reads_in_both_languages() {
        use invoice_desk_billing::access::{Denied, PortalLink};
        let portal = PortalLink {
            page: "properties",
            url: "https://portal.azure.com/".into(),
        };
        let denied = |policy| {
            Capability::Denied(Denied {
                missing_role: BillingRole::BillingProfileContributor,
                granted_by: BillingRole::BillingProfileOwner,
                policy,
                contact: None,
                portal: portal.clone(),
                arm_action: None,
            })
        };
        let allow_others = |contact: Option<&str>| {
            Capability::Denied(Denied {
                missing_role: BillingRole::AccountAdministrator,
                granted_by: BillingRole::AccountAdministrator,
                policy: Some(AccessPolicy::AllowOthersToDownloadInvoice),
                contact: contact.map(str::to_owned),
                portal: portal.clone(),
                arm_action: None,
            })
        };
        let refusals = [
            (denied(None), None),
            (denied(Some(AccessPolicy::DepartmentAdminViewCharges)), None),
            (allow_others(Some("alex@contoso.example")), None),
            (allow_others(None), None),
            (
                Capability::NotOffered {
                    reason: NotOfferedReason::EaInvoicesAreEmailed,
                    portal: portal.clone(),
                },
                Some("invoices@contoso.example"),
            ),
            (
                Capability::NotOffered {
                    reason: NotOfferedReason::PortalOnly,
                    portal: portal.clone(),
                },
                None,
            ),
        ];
        for (capability, recipient) in &refusals {
            let en = capability_sentence(Locale::En, capability, *recipient).unwrap();
            let nl = capability_sentence(Locale::Nl, capability, *recipient).unwrap();
            assert_ne!(en, nl);
            for text in [&en, &nl] {
                assert!(
                    !text.contains('{') && !text.contains("capability."),
                    "{text}"
                );
            }
        }
        let en = |i: usize| capability_sentence(Locale::En, &refusals[i].0, refusals[i].1).unwrap();
        assert_eq!(
            en(0),
            "You need the billing profile contributor role; a billing profile owner can grant it."
        );
        assert!(
            en(1).starts_with("A billing profile owner has to turn on the policy"),
            "{}",
            en(1)
        );
        assert_eq!(
            en(2),
            "The account administrator (alex@contoso.example) can turn on \u{201c}Allow others to download invoice\u{201d} for this subscription in the Azure portal."
        );
        assert_eq!(
            en(3),
            "The account administrator can turn on \u{201c}Allow others to download invoice\u{201d} for this subscription in the Azure portal."
        );
        assert_eq!(
            capability_sentence(Locale::Nl, &refusals[2].0, None).unwrap(),
            "De accountbeheerder (alex@contoso.example) kan in de Azure-portal bij dit abonnement \u{201e}Toestaan dat anderen de factuur downloaden\u{201d} op Aan zetten."
        );
        assert!(en(4).contains("invoices@contoso.example"), "{}", en(4));
        assert!(capability_sentence(Locale::En, &Capability::Allowed, None).is_none());
    }
}
