//! A billing profile's invoice e-mail through the use case the window and the command line
//! share, against the in-process emulator over real sockets: switched off (everyone
//! unsubscribed) and on, recipients added and removed, bad and doubled addresses refused
//! before anything is sent, a reader refused, a second update while one runs, an update Azure
//! accepts and then fails, and someone else's change kept. After each, what is shown is what
//! Azure holds.

mod common;

use common::{directory, emulator, entry, entry_named};
use invoice_desk_api::Directory;
use invoice_desk_api::email::{
    EmailChange, InvoiceEmail, change_invoice_email, change_notification_email, invoice_email,
    subscription_email,
};
use invoice_desk_api::error::ErrorCode;
use invoice_desk_billing::ScopeEntry;
use invoice_desk_billing::{LroOptions, ScopeKind};
use invoice_desk_emulator::{Emulator, EmulatorConfig, FaultKind, FaultRule};

const OWNER: &str = "olivia.owner@contoso.example";
const READER: &str = "rita.reader@contoso.example";
const CONTRIBUTOR: &str = "clara.contributor@contoso.example";
const SECTION_OWNER: &str = "sofia.section@contoso.example";
const MOSP_ADMIN: &str = "alex@contoso.example";
const FINANCE_RECIPIENTS: [&str; 3] = [
    "finance@contoso.example",
    "ap@contoso.example",
    "controller@contoso.example",
];

fn add(address: &str) -> EmailChange {
    EmailChange {
        add: vec![address.to_owned()],
        ..EmailChange::default()
    }
}

fn remove(address: &str) -> EmailChange {
    EmailChange {
        remove: vec![address.to_owned()],
        ..EmailChange::default()
    }
}

fn opt(on: bool) -> EmailChange {
    EmailChange {
        opt_in: Some(on),
        ..EmailChange::default()
    }
}

/// Olivia's directory and her "Contoso Finance" billing profile (delivery on, three recipients).
async fn finance_as_owner(emu: &Emulator) -> (Directory, ScopeEntry) {
    let owner = directory(emu, OWNER);
    let finance = entry_named(
        &owner,
        ScopeKind::McaBillingProfile,
        Some("Contoso Finance"),
    )
    .await;
    (owner, finance)
}

/// What Azure does with the next profile update.
fn next_update(emu: &Emulator, kind: FaultKind) {
    emu.set_faults(vec![FaultRule {
        route: None,
        method: None,
        count: Some(1),
        kind,
    }]);
}

fn recipients(state: &InvoiceEmail) -> Vec<&str> {
    state.recipients.iter().map(String::as_str).collect()
}

#[tokio::test]
async fn an_owner_switches_delivery_off_and_on_and_edits_the_recipients() {
    let emu = emulator(EmulatorConfig::default()).await;
    let (owner, finance) = finance_as_owner(&emu).await;
    let before = invoice_email(&owner, &finance).await.unwrap();
    assert!(before.opt_in);
    assert!(before.may_change);
    assert_eq!(recipients(&before), FINANCE_RECIPIENTS);

    let options = LroOptions::default();
    let added = change_invoice_email(&owner, &finance, &add(" new@contoso.example "), &options)
        .await
        .unwrap();
    assert_eq!(
        recipients(&added),
        [
            FINANCE_RECIPIENTS[0],
            FINANCE_RECIPIENTS[1],
            FINANCE_RECIPIENTS[2],
            "new@contoso.example"
        ]
    );
    let removed = change_invoice_email(&owner, &finance, &remove("AP@contoso.example"), &options)
        .await
        .unwrap();
    assert_eq!(
        recipients(&removed),
        [
            "finance@contoso.example",
            "controller@contoso.example",
            "new@contoso.example"
        ]
    );

    // Off unsubscribes everyone, the other recipients too, as the seed says.
    let off = change_invoice_email(&owner, &finance, &opt(false), &options)
        .await
        .unwrap();
    assert!(!off.opt_in);
    assert!(off.recipients.is_empty());
    let on = change_invoice_email(&owner, &finance, &opt(true), &options)
        .await
        .unwrap();
    assert!(on.opt_in);
    assert!(on.recipients.is_empty(), "a removed address is not kept");
    // What the change answered is what another read of Azure says.
    assert_eq!(invoice_email(&owner, &finance).await.unwrap(), on);
}

#[tokio::test]
async fn bad_doubled_and_unknown_addresses_are_refused_before_anything_is_sent() {
    let emu = emulator(EmulatorConfig::default()).await;
    let (owner, finance) = finance_as_owner(&emu).await;
    let options = LroOptions::default();
    let puts = || emu.requests().iter().filter(|r| r.method == "PUT").count();
    for (change, code) in [
        (add("not-an-address"), ErrorCode::EmailAddressInvalid),
        (
            add("Anne <anne@contoso.example>"),
            ErrorCode::EmailAddressInvalid,
        ),
        (
            add("AP@Contoso.example"),
            ErrorCode::EmailRecipientDuplicate,
        ),
        (
            remove("nobody@contoso.example"),
            ErrorCode::EmailRecipientUnknown,
        ),
    ] {
        let failure = change_invoice_email(&owner, &finance, &change, &options)
            .await
            .unwrap_err();
        assert_eq!(failure.error.code, code, "{change:?}");
        assert_eq!(
            recipients(failure.now.as_ref().unwrap()),
            FINANCE_RECIPIENTS,
            "the state shown is Azure's, unchanged"
        );
    }
    assert_eq!(puts(), 0, "nothing was sent to Azure");
}

#[tokio::test]
async fn a_reader_sees_the_settings_but_may_not_change_them() {
    let emu = emulator(EmulatorConfig::default()).await;
    let reader = directory(&emu, READER);
    let finance = entry(&reader, ScopeKind::McaBillingProfile).await;
    let state = invoice_email(&reader, &finance).await.unwrap();
    assert!(state.opt_in);
    assert!(!state.may_change);
    assert_eq!(recipients(&state), FINANCE_RECIPIENTS);
    let failure = change_invoice_email(&reader, &finance, &opt(false), &LroOptions::default())
        .await
        .unwrap_err();
    assert_eq!(failure.error.code, ErrorCode::EmailNotChangeable);
    assert_eq!(failure.now, Some(state));
    // A contributor may.
    let contributor = directory(&emu, CONTRIBUTOR);
    let rnd = entry(&contributor, ScopeKind::McaBillingProfile).await;
    let on = change_invoice_email(&contributor, &rnd, &opt(true), &LroOptions::default())
        .await
        .unwrap();
    assert!(on.opt_in);
}

#[tokio::test]
async fn an_invoice_manager_may_not_change_them_because_azure_says_so() {
    let emu = emulator(EmulatorConfig::default()).await;
    let ivan = directory(&emu, "ivan.invoices@contoso.example");
    let profile = entry(&ivan, ScopeKind::McaBillingProfile).await;
    // Decided by Azure's answer for this profile (billingPermissions lists no write action),
    // not by a table of role names.
    assert_eq!(
        profile.access.permissions_source,
        Some(invoice_desk_billing::access::PermissionSource::BillingPermissions)
    );
    let permissions = profile.access.permissions.as_ref().unwrap();
    assert!(
        !permissions
            .actions
            .iter()
            .any(|a| a.ends_with("billingProfiles/write")),
        "{permissions:?}"
    );
    let state = invoice_email(&ivan, &profile).await.unwrap();
    assert!(!state.may_change);
    let failure = change_invoice_email(
        &ivan,
        &profile,
        &add("x@contoso.example"),
        &LroOptions::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(failure.error.code, ErrorCode::EmailNotChangeable);
    assert_eq!(failure.now, Some(state), "nothing sent, nothing changed");
}

#[tokio::test]
async fn only_a_customer_agreement_billing_profile_has_these_settings() {
    let emu = emulator(EmulatorConfig::default()).await;
    let section_owner = directory(&emu, SECTION_OWNER);
    let section = entry(&section_owner, ScopeKind::McaInvoiceSection).await;
    assert_eq!(
        invoice_email(&section_owner, &section)
            .await
            .unwrap_err()
            .code,
        ErrorCode::EmailNotOffered
    );
    let admin = directory(&emu, MOSP_ADMIN);
    let subscription = entry(&admin, ScopeKind::MospSubscription).await;
    assert_eq!(
        invoice_email(&admin, &subscription).await.unwrap_err().code,
        ErrorCode::EmailNotOffered
    );
}

#[tokio::test]
async fn a_second_change_while_one_runs_is_reported_as_someone_elses() {
    let emu = emulator(EmulatorConfig {
        download_pending_polls: 3,
        ..EmulatorConfig::default()
    })
    .await;
    let (owner, finance) = finance_as_owner(&emu).await;
    let options = LroOptions::default();
    let first_change = add("first@contoso.example");
    let second_change = add("second@contoso.example");
    let (first, second) = tokio::join!(
        change_invoice_email(&owner, &finance, &first_change, &options),
        change_invoice_email(&owner, &finance, &second_change, &options),
    );
    let (won, lost) = match (first, second) {
        (Ok(won), Err(lost)) | (Err(lost), Ok(won)) => (won, lost),
        other => panic!("one change wins and one is refused: {other:?}"),
    };
    assert_eq!(lost.error.code, ErrorCode::EmailChangedElsewhere);
    assert_eq!(recipients(&won).len(), 4);
    let shown = lost.now.expect("Azure's state read again");
    assert_eq!(shown, invoice_email(&owner, &finance).await.unwrap());
}

#[tokio::test]
async fn an_update_azure_fails_leaves_the_state_as_azure_holds_it() {
    let emu = emulator(EmulatorConfig::default()).await;
    let (owner, finance) = finance_as_owner(&emu).await;
    next_update(
        &emu,
        FaultKind::UpdateFailed {
            status: Some(400),
            code: Some("BillingProfileUpdateFailed".into()),
            message: Some("The billing profile could not be updated.".into()),
        },
    );
    let failure = change_invoice_email(&owner, &finance, &opt(false), &LroOptions::default())
        .await
        .unwrap_err();
    assert_eq!(failure.error.code, ErrorCode::AzureError);
    assert!(
        failure
            .error
            .details
            .as_deref()
            .unwrap_or_default()
            .contains("BillingProfileUpdateFailed"),
        "{:?}",
        failure.error
    );
    let now = failure.now.expect("Azure's state read again");
    assert!(
        now.opt_in,
        "delivery is still on: the update was not applied"
    );
    assert_eq!(recipients(&now), FINANCE_RECIPIENTS);
}

#[tokio::test]
async fn someone_elses_change_meanwhile_is_kept_and_shown() {
    let emu = emulator(EmulatorConfig::default()).await;
    let (owner, finance) = finance_as_owner(&emu).await;
    next_update(
        &emu,
        FaultKind::ChangedMeanwhile {
            recipients: vec!["theirs@contoso.example".into()],
        },
    );
    let failure = change_invoice_email(
        &owner,
        &finance,
        &add("mine@contoso.example"),
        &LroOptions::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(failure.error.code, ErrorCode::EmailChangedElsewhere);
    assert_eq!(
        recipients(failure.now.as_ref().unwrap()),
        ["theirs@contoso.example"]
    );
    assert_eq!(
        recipients(&invoice_email(&owner, &finance).await.unwrap()),
        ["theirs@contoso.example"],
        "theirs was not overwritten"
    );
}

#[tokio::test]
async fn a_pay_as_you_go_administrator_sets_the_notification_address_and_a_reader_may_not() {
    let emu = emulator(EmulatorConfig::default()).await;
    let admin = directory(&emu, MOSP_ADMIN);
    let subscription = entry(&admin, ScopeKind::MospSubscription).await;
    let before = subscription_email(&admin, &subscription).await.unwrap();
    assert!(before.account_admin);
    assert!(before.may_change_notification_email);
    assert_eq!(before.offer_without_email, None);
    let options = LroOptions::default();
    let refused = change_notification_email(&admin, &subscription, "alex at contoso", &options)
        .await
        .unwrap_err();
    assert_eq!(refused.error.code, ErrorCode::EmailAddressInvalid);
    assert_eq!(refused.now_subscription.as_ref(), Some(&before));
    let now = change_notification_email(&admin, &subscription, "billing@contoso.example", &options)
        .await
        .unwrap();
    assert_eq!(
        now.notification_email.as_deref(),
        Some("billing@contoso.example")
    );
    assert_eq!(
        subscription_email(&admin, &subscription)
            .await
            .unwrap()
            .notification_email
            .as_deref(),
        Some("billing@contoso.example"),
        "Azure keeps it"
    );

    // A subscription reader is not the account administrator: read-only.
    let reader = directory(&emu, "dev@contoso.example");
    let theirs = entry(&reader, ScopeKind::MospSubscription).await;
    let seen = subscription_email(&reader, &theirs).await.unwrap();
    assert!(!seen.account_admin);
    assert!(!seen.may_change_notification_email);
    let failure = change_notification_email(&reader, &theirs, "me@contoso.example", &options)
        .await
        .unwrap_err();
    assert_eq!(failure.error.code, ErrorCode::EmailNotChangeable);
}
