//! Who receives a customer agreement billing profile's invoices by e-mail, and changing it.
//!
//! Azure has no PATCH for billing profiles: a change reads the profile, changes only
//! `invoiceEmailOptIn` and `invoiceRecipients` and writes it back (a long-running operation).
//! What the user is shown afterwards is always Azure's own state, read again: after a change,
//! after a failed one, and when someone else's change landed meanwhile (reported, never
//! overwritten).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use invoice_desk_billing::{
    BillingCode, BillingError, BillingScope, Capability, LroOptions, ScopeEntry, ScopeKind,
};

use crate::directory::Directory;
use crate::error::{AppError, ErrorCode};

/// A billing profile's invoice e-mail settings, as Azure holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct InvoiceEmail {
    pub scope_id: String,
    /// Whether invoices are e-mailed: to every owner, contributor, reader and invoice manager
    /// of the profile, and to the extra recipients.
    pub opt_in: bool,
    /// The extra addresses invoices go to, as Azure lists them.
    pub recipients: Vec<String>,
    /// Whether the signed-in user may change these settings (the scope's `manageEmail`
    /// capability says why not).
    pub may_change: bool,
}

/// What a user asks to change; what is not named stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EmailChange {
    /// Turn delivery on or off. Off unsubscribes everyone, extra recipients included.
    pub opt_in: Option<bool>,
    #[serde(default)]
    pub add: Vec<String>,
    #[serde(default)]
    pub remove: Vec<String>,
}

impl EmailChange {
    /// Whether the change asks for nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.opt_in.is_none() && self.add.is_empty() && self.remove.is_empty()
    }
}

/// A change that did not happen as asked: why, and what Azure holds now (read again after the
/// failure; `None` when even that read failed).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EmailFailure {
    pub error: AppError,
    /// A billing profile's settings as Azure holds them after the failure.
    pub now: Option<InvoiceEmail>,
    /// A pay-as-you-go subscription's, likewise.
    pub now_subscription: Option<SubscriptionEmail>,
}

impl From<AppError> for EmailFailure {
    fn from(error: AppError) -> Self {
        Self {
            error,
            now: None,
            now_subscription: None,
        }
    }
}

/// Why a pay-as-you-go subscription's offer has no "Email my invoice" (the seed: "not
/// available for certain subscriptions, such as support offers … or Azure in Open").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OfferWithoutEmail {
    SupportPlan,
    AzureInOpen,
}

/// Azure support plan offers; Azure in Open's offer and quota.
const SUPPORT_PLAN_OFFERS: [&str; 3] = ["MS-AZR-0041P", "MS-AZR-0042P", "MS-AZR-0043P"];
const AZURE_IN_OPEN_OFFER: &str = "MS-AZR-0111P";
const AZURE_IN_OPEN_QUOTA: &str = "AzureInOpen";

/// What a pay-as-you-go subscription's invoice e-mail looks like from here. Azure has no
/// public operation for "Email my invoice", its recipients or opting out: those are the
/// portal's; the account's notification address is the one thing an app may read and set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionEmail {
    pub scope_id: String,
    /// Whether the signed-in user is the account administrator, who opts in, adds recipients
    /// and opts out on the subscription's invoices page in the portal.
    pub account_admin: bool,
    /// The account's notification address (its communication preferences), when Azure shows
    /// it to this user.
    pub notification_email: Option<String>,
    /// Whether this user may set the notification address (the account administrator).
    pub may_change_notification_email: bool,
    /// Set when the subscription's offer has no invoice e-mail at all.
    pub offer_without_email: Option<OfferWithoutEmail>,
}

/// Whether a subscription's offer (or its quota) is one without invoice e-mail.
fn offer_without_email(offer: &str, quota: &str) -> Option<OfferWithoutEmail> {
    if SUPPORT_PLAN_OFFERS
        .iter()
        .any(|o| o.eq_ignore_ascii_case(offer))
    {
        Some(OfferWithoutEmail::SupportPlan)
    } else if offer.eq_ignore_ascii_case(AZURE_IN_OPEN_OFFER)
        || quota
            .to_ascii_lowercase()
            .starts_with(&AZURE_IN_OPEN_QUOTA.to_ascii_lowercase())
    {
        Some(OfferWithoutEmail::AzureInOpen)
    } else {
        None
    }
}

/// The invoice e-mail of the pay-as-you-go subscription `entry`, as far as Azure shows it.
pub async fn subscription_email(
    directory: &Directory,
    entry: &ScopeEntry,
) -> Result<SubscriptionEmail, AppError> {
    if entry.scope.kind != ScopeKind::MospSubscription {
        return Err(AppError::new(ErrorCode::EmailNotOffered).with_details(entry.scope.id.clone()));
    }
    let account_admin = entry.access.is_account_admin == Some(true);
    let notification_email = match entry.scope.account_name() {
        // Someone who is not the administrator may not read the account: nothing to show.
        Some(account) => directory
            .client
            .get_billing_account(account)
            .await
            .ok()
            .and_then(|a| a.properties.notification_email_address),
        None => None,
    };
    Ok(SubscriptionEmail {
        scope_id: entry.scope.id.clone(),
        account_admin,
        notification_email,
        may_change_notification_email: account_admin && entry.scope.account_name().is_some(),
        offer_without_email: offer_without_email(
            entry.facts.credit.offer_id.as_deref().unwrap_or_default(),
            entry.facts.credit.quota_id.as_deref().unwrap_or_default(),
        ),
    })
}

/// Sets the pay-as-you-go account's notification address and answers with what Azure holds
/// afterwards.
///
/// # Errors
/// An [`EmailFailure`] with what Azure holds now: not a pay-as-you-go subscription, not the
/// account administrator, an address Azure does not take (nothing sent), or Azure's refusal.
pub async fn change_notification_email(
    directory: &Directory,
    entry: &ScopeEntry,
    address: &str,
    options: &LroOptions,
) -> Result<SubscriptionEmail, EmailFailure> {
    let before = subscription_email(directory, entry).await?;
    let refuse = |error: AppError, now: SubscriptionEmail| EmailFailure {
        error,
        now: None,
        now_subscription: Some(now),
    };
    let Some(account) = entry
        .scope
        .account_name()
        .filter(|_| before.may_change_notification_email)
    else {
        return Err(refuse(
            AppError::new(ErrorCode::EmailNotChangeable).with_details(entry.scope.id.clone()),
            before,
        ));
    };
    let address = match checked_address(address) {
        Ok(address) => address,
        Err(error) => return Err(refuse(error, before)),
    };
    let written = directory
        .client
        .set_notification_email(account, &address, options)
        .await;
    let now = subscription_email(directory, entry).await;
    match (written, now) {
        (Ok(_), Ok(now)) => Ok(now),
        (Ok(_), Err(error)) => Err(error.into()),
        (Err(error), now) => Err(EmailFailure {
            error: failure(error),
            now: None,
            now_subscription: now.ok(),
        }),
    }
}

/// The billing profile whose settings `entry` shows: only a customer or partner agreement
/// billing profile has them (pay-as-you-go settings are the portal's, EA invoices go to the
/// enrollment's recipients, an invoice section's belong to its profile).
fn profile_of(scope: &BillingScope) -> Result<(&str, &str), AppError> {
    let names = scope.account_name().zip(scope.billing_profile_name());
    match (scope.kind, names) {
        (ScopeKind::McaBillingProfile, Some(names)) => Ok(names),
        _ => Err(AppError::new(ErrorCode::EmailNotOffered).with_details(scope.id.clone())),
    }
}

fn state_of(
    entry: &ScopeEntry,
    profile: &invoice_desk_billing::model::BillingProfile,
) -> InvoiceEmail {
    InvoiceEmail {
        scope_id: entry.scope.id.clone(),
        opt_in: profile.properties.invoice_email_opt_in.unwrap_or(false),
        recipients: profile
            .properties
            .invoice_recipients
            .clone()
            .unwrap_or_default(),
        may_change: matches!(entry.capabilities.manage_email, Capability::Allowed),
    }
}

/// The invoice e-mail settings of the billing profile `entry`, read from Azure.
pub async fn invoice_email(
    directory: &Directory,
    entry: &ScopeEntry,
) -> Result<InvoiceEmail, AppError> {
    let (account, profile) = profile_of(&entry.scope)?;
    let read = directory
        .client
        .get_billing_profile(account, profile)
        .await?;
    Ok(state_of(entry, &read))
}

/// One address as Azure accepts it: an `name@domain.tld` without display text, quoting or a
/// domain literal, trimmed. The error names the address as typed.
pub fn checked_address(address: &str) -> Result<String, AppError> {
    use email_address::{EmailAddress, Options};
    let trimmed = address.trim();
    let options = Options {
        minimum_sub_domains: 2,
        allow_domain_literal: false,
        allow_display_text: false,
        allow_long_local_parts: false,
    };
    match EmailAddress::parse_with_options(trimmed, options) {
        Ok(parsed) if !parsed.local_part().starts_with('"') => Ok(parsed.email().to_owned()),
        _ => Err(AppError::new(ErrorCode::EmailAddressInvalid).with_details(address.to_owned())),
    }
}

/// The recipients `change` leaves of `current`; every address checked, none twice (Azure
/// compares addresses without regard to case).
fn recipients_after(current: &[String], change: &EmailChange) -> Result<Vec<String>, AppError> {
    let key = |a: &str| a.to_ascii_lowercase();
    let mut out: Vec<String> = current.to_vec();
    for address in &change.remove {
        let wanted = key(address.trim());
        let before = out.len();
        out.retain(|a| key(a) != wanted);
        if out.len() == before {
            return Err(
                AppError::new(ErrorCode::EmailRecipientUnknown).with_details(address.clone())
            );
        }
    }
    let mut seen: HashSet<String> = out.iter().map(|a| key(a)).collect();
    for address in &change.add {
        let address = checked_address(address)?;
        if !seen.insert(key(&address)) {
            return Err(AppError::new(ErrorCode::EmailRecipientDuplicate).with_details(address));
        }
        out.push(address);
    }
    Ok(out)
}

/// Whether Azure now holds what was sent (addresses compared without regard to case or
/// order).
fn holds(now: &InvoiceEmail, opt_in: bool, recipients: &[String]) -> bool {
    let set = |list: &[String]| -> HashSet<String> {
        list.iter().map(|a| a.to_ascii_lowercase()).collect()
    };
    now.opt_in == opt_in && set(&now.recipients) == set(recipients)
}

/// Applies `change` to the billing profile `entry`: read, change only the e-mail fields,
/// write back and wait for Azure, then read again. `progress` hears the operation's polls.
///
/// # Errors
/// An [`EmailFailure`] with the reason and what Azure holds now: not a billing profile, a role
/// that may not change it, a bad, doubled or unknown address (nothing sent), Azure's refusal
/// or failure, or someone else's change (409/412, or a re-read that differs from what was
/// sent), which is reported and never overwritten.
pub async fn change_invoice_email(
    directory: &Directory,
    entry: &ScopeEntry,
    change: &EmailChange,
    options: &LroOptions,
) -> Result<InvoiceEmail, EmailFailure> {
    let (account, profile_name) = profile_of(&entry.scope)?;
    if !matches!(entry.capabilities.manage_email, Capability::Allowed) {
        let now = invoice_email(directory, entry).await.ok();
        return Err(EmailFailure {
            error: AppError::new(ErrorCode::EmailNotChangeable)
                .with_details(entry.scope.id.clone()),
            now,
            now_subscription: None,
        });
    }
    let client = &directory.client;
    let mut profile = client
        .get_billing_profile(account, profile_name)
        .await
        .map_err(AppError::from)?;
    let before = state_of(entry, &profile);
    let opt_in = change.opt_in.unwrap_or(before.opt_in);
    let recipients = match recipients_after(&before.recipients, change) {
        // Switching delivery off unsubscribes everyone, the extra recipients too.
        Ok(_) if !opt_in => Vec::new(),
        Ok(recipients) => recipients,
        Err(error) => {
            return Err(EmailFailure {
                error,
                now: Some(before),
                now_subscription: None,
            });
        }
    };
    if holds(&before, opt_in, &recipients) {
        return Ok(before);
    }
    profile.properties.invoice_email_opt_in = Some(opt_in);
    profile.properties.invoice_recipients = Some(recipients.clone());
    // Read-only envelope fields are not part of the request.
    profile.system_data = None;
    let written = client
        .put_billing_profile(account, profile_name, &profile, options)
        .await;
    // Whatever happened, what the user sees next is what Azure holds.
    let now = invoice_email(directory, entry).await;
    match (written, now) {
        (Ok(_), Ok(now)) if holds(&now, opt_in, &recipients) => Ok(now),
        (Ok(_), Ok(now)) => Err(EmailFailure {
            error: AppError::new(ErrorCode::EmailChangedElsewhere),
            now: Some(now),
            now_subscription: None,
        }),
        (Ok(_), Err(error)) => Err(error.into()),
        (Err(error), now) => Err(EmailFailure {
            error: failure(error),
            now: now.ok(),
            now_subscription: None,
        }),
    }
}

/// Azure's refusal of a profile update, typed: a conflicting change (409, 412) is someone
/// else's work, an address Azure rejects is the user's to fix.
fn failure(error: BillingError) -> AppError {
    let conflict = matches!(
        &error,
        BillingError::BadRequest {
            status: 409 | 412,
            ..
        }
    );
    let bad_address = error.kind() == BillingCode::BadRequest
        && error
            .arm_code()
            .is_some_and(|code| code.eq_ignore_ascii_case("InvalidInvoiceRecipients"));
    let details = error.to_string();
    if conflict {
        AppError::new(ErrorCode::EmailChangedElsewhere).with_details(details)
    } else if bad_address {
        AppError::new(ErrorCode::EmailAddressInvalid).with_details(details)
    } else {
        error.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(add: &[&str], remove: &[&str]) -> EmailChange {
        EmailChange {
            opt_in: None,
            add: add.iter().map(|s| (*s).to_owned()).collect(),
            remove: remove.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn addresses_are_checked_as_azure_takes_them() {
        assert_eq!(
            checked_address("  ap@contoso.example ").unwrap(),
            "ap@contoso.example"
        );
        for bad in [
            "",
            "not-an-address",
            "a@b",
            "a@@contoso.example",
            "Anne <a@contoso.example>",
            "\"a b\"@contoso.example",
            "a@[127.0.0.1]",
            "a b@contoso.example",
        ] {
            let error = checked_address(bad).unwrap_err();
            assert_eq!(error.code, ErrorCode::EmailAddressInvalid, "{bad}");
            assert_eq!(error.details.as_deref(), Some(bad));
        }
    }

    #[test]
    fn support_plans_and_azure_in_open_have_no_invoice_email() {
        assert_eq!(
            offer_without_email("MS-AZR-0041P", ""),
            Some(OfferWithoutEmail::SupportPlan)
        );
        assert_eq!(
            offer_without_email("ms-azr-0111p", ""),
            Some(OfferWithoutEmail::AzureInOpen)
        );
        assert_eq!(
            offer_without_email("", "AzureInOpen_2014-09-01"),
            Some(OfferWithoutEmail::AzureInOpen)
        );
        assert_eq!(
            offer_without_email("MS-AZR-0003P", "PayAsYouGo_2014-09-01"),
            None
        );
        assert_eq!(offer_without_email("", ""), None);
    }

    #[test]
    fn recipients_are_added_and_removed_once_whatever_the_case() {
        let current = vec![
            "a@contoso.example".to_owned(),
            "B@contoso.example".to_owned(),
        ];
        assert_eq!(
            recipients_after(
                &current,
                &change(&["c@contoso.example"], &["b@contoso.example"])
            )
            .unwrap(),
            ["a@contoso.example", "c@contoso.example"]
        );
        let twice = recipients_after(&current, &change(&["A@Contoso.example"], &[])).unwrap_err();
        assert_eq!(twice.code, ErrorCode::EmailRecipientDuplicate);
        let same_twice = recipients_after(
            &current,
            &change(&["d@contoso.example", "D@contoso.example"], &[]),
        )
        .unwrap_err();
        assert_eq!(same_twice.code, ErrorCode::EmailRecipientDuplicate);
        let unknown = recipients_after(&current, &change(&[], &["z@contoso.example"])).unwrap_err();
        assert_eq!(unknown.code, ErrorCode::EmailRecipientUnknown);
        assert_eq!(unknown.details.as_deref(), Some("z@contoso.example"));
    }

    #[test]
    fn a_conflict_is_someone_elses_change_and_a_rejected_address_the_users() {
        let rejected = |status: u16, code: &str| BillingError::BadRequest {
            status,
            code: code.into(),
            message: "no".into(),
            request_id: None,
        };
        assert_eq!(
            failure(rejected(409, "Conflict")).code,
            ErrorCode::EmailChangedElsewhere
        );
        assert_eq!(
            failure(rejected(412, "PreconditionFailed")).code,
            ErrorCode::EmailChangedElsewhere
        );
        assert_eq!(
            failure(rejected(400, "InvalidInvoiceRecipients")).code,
            ErrorCode::EmailAddressInvalid
        );
        assert_eq!(failure(rejected(400, "Other")).code, ErrorCode::AzureError);
    }
}
