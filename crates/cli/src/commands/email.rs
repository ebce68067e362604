//! `invoice-desk email --scope ID`: who receives a billing profile's invoices by e-mail, and
//! changing it, through the use case the window's "Invoice by email" uses too. What is printed
//! after a change, failed or not, is what Azure holds then.

use std::fmt::Write as _;
use std::io::{BufRead as _, IsTerminal as _, Write as _};

use indicatif::{ProgressBar, ProgressStyle};
use invoice_desk_api::email::{
    EmailChange, EmailFailure, InvoiceEmail, SubscriptionEmail, change_invoice_email,
    change_notification_email, invoice_email, subscription_email,
};
use invoice_desk_api::help::COMMUNICATION_PREFERENCES_URL;
use invoice_desk_api::{AppError, ErrorCode};
use invoice_desk_billing::access::NotOfferedReason;
use invoice_desk_billing::{Action, LroOptions, ScopeKind};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::catalogue::{self, Lang, Text};
use crate::cli::{EmailArgs, GlobalArgs};
use crate::commands::save::find;
use crate::commands::scopes::capability_note;
use crate::error::{CliError, Exit};
use crate::output::print_json;
use crate::sources::{Found, Sources};
use crate::table;

pub async fn run(global: &GlobalArgs, args: &EmailArgs) -> Result<Exit, CliError> {
    // A script cannot be asked whether everyone may be unsubscribed; refused before anything
    // signs in, so nothing has happened when it fails.
    if args.off && !args.yes && !std::io::stdin().is_terminal() {
        return Err(CliError::new(
            "confirmation_needed",
            Exit::Usage,
            Text::key("cli.error.offNeedsYes.message"),
            Text::key("cli.error.offNeedsYes.hint"),
        ));
    }
    let sources = Sources::open(global).await?;
    let outcome = run_in(global, args, &sources).await;
    sources.close().await;
    outcome
}

async fn run_in(
    global: &GlobalArgs,
    args: &EmailArgs,
    sources: &Sources,
) -> Result<Exit, CliError> {
    let lang = global.language();
    let found = sources.discover().await?;
    let hit = find(&found, &args.scope)?;
    let directory = &hit.source.directory;
    if !args.changes() {
        return match invoice_email(directory, &hit.entry).await {
            Ok(state) => show(global, hit, &state).map(|()| Exit::Ok),
            Err(error) => refused(global, hit, &error.into()).await,
        };
    }
    if let Some(address) = &args.notification_address {
        return notification_address(global, hit, address).await;
    }
    if args.off && !args.yes {
        // Read first: a scope without these settings, or a role that may not change them, is
        // told so without asking a question whose answer changes nothing.
        let state = match invoice_email(directory, &hit.entry).await {
            Ok(state) => state,
            Err(error) => return refused(global, hit, &error.into()).await,
        };
        if state.may_change && !confirmed(lang).await {
            return Err(CliError::new(
                "cancelled",
                Exit::Failure,
                Text::key("cli.email.notChanged"),
                Text::key("cli.hint.cancelled"),
            ));
        }
    }
    let change = EmailChange {
        opt_in: if args.on {
            Some(true)
        } else if args.off {
            Some(false)
        } else {
            None
        },
        add: args.add.clone(),
        remove: args.remove.clone(),
    };
    let cancel = CancellationToken::new();
    let ctrl_c = tokio::spawn({
        let cancel = cancel.clone();
        async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        }
    });
    let spinner = (!global.json && std::io::stderr().is_terminal()).then(|| {
        let spinner = ProgressBar::new_spinner();
        spinner.set_style(
            ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        spinner.set_message(lang.text("email.saving"));
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
        spinner
    });
    let changed = change_invoice_email(
        directory,
        &hit.entry,
        &change,
        &LroOptions::default().with_cancel(cancel),
    )
    .await;
    ctrl_c.abort();
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    match changed {
        Ok(state) => {
            if !global.json {
                println!("{}", lang.text("cli.email.changed"));
            }
            show(global, hit, &state).map(|()| Exit::Ok)
        }
        Err(failure) => refused(global, hit, &failure).await,
    }
}

/// `--notification-address`: the pay-as-you-go account's notification address set, then what
/// Azure holds (also after a failure, when it could be read).
async fn notification_address(
    global: &GlobalArgs,
    hit: &Found<'_>,
    address: &str,
) -> Result<Exit, CliError> {
    let lang = global.language();
    let changed = change_notification_email(
        &hit.source.directory,
        &hit.entry,
        address,
        &LroOptions::default(),
    )
    .await;
    match changed {
        Ok(now) => {
            if !global.json {
                println!("{}", lang.text("cli.email.notificationChanged"));
            }
            show_subscription(global, hit, &now).map(|()| Exit::Ok)
        }
        Err(failure) if failure.error.code == ErrorCode::EmailNotOffered => {
            not_offered(global, hit).await
        }
        Err(failure) => {
            if let Some(now) = &failure.now_subscription {
                show_subscription(global, hit, now)?;
            }
            // Not a role anyone grants here: the account administrator alone sets it.
            if failure.error.code == ErrorCode::EmailNotChangeable {
                return Err(CliError::new(
                    "invoice_email_failed",
                    Exit::Permission,
                    Text::key("cli.error.notificationNotChangeable.message"),
                    Text::key("cli.error.notificationNotChangeable.hint"),
                ));
            }
            Err(failure_error(&hit.entry.scope.id, &failure.error))
        }
    }
}

fn show_subscription(
    global: &GlobalArgs,
    hit: &Found<'_>,
    state: &SubscriptionEmail,
) -> Result<(), CliError> {
    if global.json {
        return print_json(state);
    }
    println!("{}", heading(global.language(), hit));
    print!("{}", subscription_human(global.language(), state));
    Ok(())
}

/// What Azure shows of a pay-as-you-go subscription's invoice e-mail, with the seed's words for
/// what only the portal changes.
fn subscription_human(lang: Lang, state: &SubscriptionEmail) -> String {
    let mut out = String::new();
    if let Some(offer) = state.offer_without_email {
        let code = serde_json::to_value(offer)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let _ = writeln!(out, "{}", lang.text(&format!("email.mosp.noEmail.{code}")));
        return out;
    }
    let _ = writeln!(
        out,
        "{}",
        lang.text(if state.account_admin {
            "email.mosp.admin"
        } else {
            "email.mosp.notAdmin"
        })
    );
    for key in [
        "email.mosp.optIn",
        "email.mosp.removed",
        "email.mosp.optOut",
    ] {
        let _ = writeln!(out, "  {}", lang.text(key));
    }
    match &state.notification_email {
        Some(address) => {
            let _ = writeln!(
                out,
                "{}: {}",
                lang.text("email.mosp.notification"),
                table::clean(address)
            );
        }
        None => {
            let _ = writeln!(out, "{}", lang.text("email.mosp.noNotification"));
        }
    }
    if state.may_change_notification_email {
        let _ = writeln!(out, "{}", lang.text("cli.email.mayChangeNotification"));
    }
    let _ = writeln!(
        out,
        "{} {COMMUNICATION_PREFERENCES_URL}",
        lang.text("email.mosp.noMail")
    );
    out
}

/// Asks on the terminal whether everyone may be unsubscribed; anything but yes is no.
async fn confirmed(lang: Lang) -> bool {
    eprint!("{} ", lang.text("cli.email.confirmOff"));
    let _ = std::io::stderr().flush();
    let answer = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map(|_| line)
    })
    .await;
    match answer {
        Ok(Ok(line)) => matches!(
            line.trim().to_lowercase().as_str(),
            "y" | "yes" | "j" | "ja"
        ),
        _ => false,
    }
}

/// A read or change that did not happen: the settings are not offered on this scope (exit 6),
/// or the error after what Azure holds now.
async fn refused(
    global: &GlobalArgs,
    hit: &Found<'_>,
    failure: &EmailFailure,
) -> Result<Exit, CliError> {
    if failure.error.code == ErrorCode::EmailNotOffered {
        return not_offered(global, hit).await;
    }
    if let Some(now) = &failure.now {
        show(global, hit, now)?;
    }
    Err(failure_error(&hit.entry.scope.id, &failure.error))
}

/// The product's sentence for the failure's code, what failed in brackets (not the scope id,
/// which the user just typed), and the exit its code means.
fn failure_error(scope_id: &str, error: &AppError) -> CliError {
    let said: Vec<&str> = error
        .details
        .iter()
        .chain(error.hint.iter())
        .flat_map(|text| text.lines())
        .map(str::trim)
        .filter(|line| !line.is_empty() && *line != scope_id)
        .collect();
    let mut message = vec![Text::key(format!("errors.{}.message", error.code.key()))];
    if !said.is_empty() {
        message.push(Text::Raw(format!(" ({})", said.join("; "))));
    }
    CliError::new(
        "invoice_email_failed",
        Exit::from(error.code),
        Text::Seq(message),
        catalogue::failure_hint(error.code),
    )
}

fn show(global: &GlobalArgs, hit: &Found<'_>, state: &InvoiceEmail) -> Result<(), CliError> {
    if global.json {
        return print_json(state);
    }
    print!("{}", human(global.language(), hit, state));
    Ok(())
}

fn heading(lang: Lang, hit: &Found<'_>) -> String {
    lang.format(
        "cli.email.heading",
        &[("name", &table::clean(&hit.entry.scope.display_name))],
    )
}

/// Delivery on or off with who receives the invoice then, the other recipients one a line, and
/// whether the user may change it (if not: why, and the portal page).
fn human(lang: Lang, hit: &Found<'_>, state: &InvoiceEmail) -> String {
    let mut out = format!("{}\n", heading(lang, hit));
    if state.opt_in {
        let _ = writeln!(out, "{}", lang.text("email.on"));
    } else {
        let _ = writeln!(
            out,
            "{} {}",
            lang.text("email.off"),
            lang.text("cli.email.ruleWhenOn")
        );
    }
    if state.recipients.is_empty() {
        let _ = writeln!(out, "{}", lang.text("email.noRecipients"));
    } else {
        let _ = writeln!(out, "{}:", lang.text("email.recipients"));
        for address in &state.recipients {
            let _ = writeln!(out, "  {}", table::clean(address));
        }
    }
    if state.may_change {
        let _ = writeln!(out, "{}", lang.text("cli.email.mayChange"));
    } else {
        let note = capability_note(lang, &hit.entry, Action::ManageEmail);
        let reason = note.as_ref().map_or("", |(reason, _)| reason.as_str());
        let _ = writeln!(out, "{} {reason}", lang.text("email.readOnly"));
        if let Some((_, Some(url))) = &note {
            let _ = writeln!(out, "  {url}");
        }
    }
    out
}

/// `--json` where the settings are not the app's to change. The field names are a stable
/// interface.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct NotOfferedJson<'a> {
    scope_id: &'a str,
    offered: bool,
    /// `portal_only`, `ea_invoices_are_emailed` or `invoice_section`.
    reason: &'static str,
    /// Why, in `--lang`.
    message: String,
    portal_url: String,
    ea_invoice_recipient: Option<&'a str>,
    /// An invoice section's billing profile, whose settings its invoices follow.
    billing_profile_id: Option<String>,
    /// A pay-as-you-go subscription: what Azure shows of its invoice e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    subscription: Option<SubscriptionEmail>,
}

/// Pay-as-you-go, Enterprise Agreement and invoice section scopes: why the settings are not
/// changed here and the portal page where they are, with exit 6.
async fn not_offered(global: &GlobalArgs, hit: &Found<'_>) -> Result<Exit, CliError> {
    let lang = global.language();
    let entry = &hit.entry;
    let scope = &entry.scope;
    let note = capability_note(lang, entry, Action::ManageEmail);
    let portal_url = note
        .as_ref()
        .and_then(|(_, url)| url.clone())
        .unwrap_or_else(|| {
            hit.source
                .directory
                .portal
                .link(scope, Action::ManageEmail, false)
                .url
        });
    let profile = (scope.kind == ScopeKind::McaInvoiceSection)
        .then(|| scope.billing_profile_id())
        .flatten();
    let is_ea = matches!(
        scope.kind,
        ScopeKind::EaEnrollment | ScopeKind::EaDepartment | ScopeKind::EaEnrollmentAccount
    );
    let reason = if profile.is_some() {
        "invoice_section"
    } else if is_ea {
        NotOfferedReason::EaInvoicesAreEmailed.code()
    } else {
        NotOfferedReason::PortalOnly.code()
    };
    let message = match (&profile, note) {
        (Some(profile), _) => lang.format("cli.email.section", &[("profile", profile)]),
        (None, Some((sentence, _))) => sentence,
        (None, None) => lang.text("capability.notOffered.portal_only"),
    };
    // What can be read of a pay-as-you-go subscription's e-mail; nothing more when it cannot.
    let subscription = if scope.kind == ScopeKind::MospSubscription {
        subscription_email(&hit.source.directory, entry).await.ok()
    } else {
        None
    };
    let recipient = entry
        .facts
        .ea_invoice_recipient
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if global.json {
        print_json(&NotOfferedJson {
            scope_id: &scope.id,
            offered: false,
            reason,
            message,
            portal_url,
            ea_invoice_recipient: recipient,
            billing_profile_id: profile,
            subscription,
        })?;
    } else {
        println!("{}", heading(lang, hit));
        println!("{}", ErrorCode::EmailNotOffered.message(lang.locale()));
        println!("{message}");
        if let Some(state) = &subscription {
            print!("{}", subscription_human(lang, state));
        }
        println!(
            "{}",
            lang.format("cli.email.portal", &[("url", &portal_url)])
        );
    }
    Ok(Exit::PortalOnly)
}
