//! `invoice-desk access`: the window's "Check my access" in the terminal. Per billing account:
//! its agreement; per scope: the roles held, what Azure's answer rests on, and each action
//! allowed or not with the reason and the Azure portal page (the notes `scopes` prints). Then
//! the help pages. `--json` prints the report of `invoice-desk-api` as serialised.

use std::fmt::Write as _;

use invoice_desk_api::access_report::{
    AccessReport, CapabilityState, CapabilityView, Reached, ScopeAccess, access_report,
};
use invoice_desk_billing::{Action, AgreementFamily, ScopeEntry};

use crate::catalogue::{self, Lang};
use crate::cli::{AccessArgs, GlobalArgs};
use crate::commands::invoices::scope_not_found;
use crate::commands::scopes::capability_note;
use crate::error::{CliError, Exit};
use crate::output::print_json;
use crate::sources::{Found, Sources};
use crate::table;

pub async fn run(global: &GlobalArgs, args: &AccessArgs) -> Result<Exit, CliError> {
    let sources = Sources::open(global).await?;
    let outcome = match sources.discover().await {
        Ok(found) => print(global, args, &found),
        Err(error) => Err(error),
    };
    sources.close().await;
    outcome.map(|()| Exit::Ok)
}

fn print(global: &GlobalArgs, args: &AccessArgs, found: &[Found<'_>]) -> Result<(), CliError> {
    let lang = global.language();
    let report = access_report(
        found
            .iter()
            .map(|f| (Reached::from(&f.source.directory), &f.entry)),
    )
    .with_help(lang.locale());
    let report = match args.scope.as_deref() {
        Some(wanted) => {
            let wanted = wanted.trim().trim_end_matches('/');
            report
                .narrowed_to(wanted)
                .ok_or_else(|| scope_not_found(wanted))?
        }
        None => report,
    };
    if global.json {
        print_json(&report)
    } else {
        print!("{}", human(lang, &report, found));
        Ok(())
    }
}

fn agreement_name(lang: Lang, family: AgreementFamily) -> String {
    let code = serde_json::to_value(family)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    lang.text(&format!("agreement.name.{code}"))
}

/// The discovered entry behind one scope of the report, for the reason sentences.
fn entry_of<'a>(
    found: &'a [Found<'_>],
    username: &str,
    scope: &ScopeAccess,
) -> Option<&'a ScopeEntry> {
    found
        .iter()
        .find(|f| {
            f.source.directory.username == username
                && f.entry.scope.id.eq_ignore_ascii_case(&scope.id)
        })
        .map(|f| &f.entry)
}

/// The report for people, then the help pages.
pub fn human(lang: Lang, report: &AccessReport, found: &[Found<'_>]) -> String {
    let mut out = String::new();
    if report.accounts.is_empty() {
        let _ = writeln!(out, "{}", lang.text("cli.scopes.none"));
    }
    for account in &report.accounts {
        let _ = writeln!(
            out,
            "{}",
            lang.format(
                "cli.access.account",
                &[
                    ("name", &table::clean(&account.display_name)),
                    ("agreement", &agreement_name(lang, account.agreement)),
                ]
            )
        );
        let _ = writeln!(
            out,
            "{}",
            lang.format(
                "cli.scopes.heading",
                &[
                    ("account", &account.username),
                    ("tenant", &account.tenant_id)
                ]
            )
        );
        for scope in &account.scopes {
            scope_lines(
                lang,
                &mut out,
                scope,
                entry_of(found, &account.username, scope),
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", lang.text("cli.access.help"));
    for link in &report.help {
        let key = format!("help.{}", link.page);
        if lang.words().has(&key) {
            let _ = writeln!(out, "  {}: {}", lang.text(&key), link.url);
        } else {
            let _ = writeln!(out, "  {}", link.url);
        }
    }
    out
}

/// A verdict, its reason and portal page (none when allowed), and the actions that share them.
type Group = (
    CapabilityState,
    Option<(String, Option<String>)>,
    Vec<String>,
);

fn capability_of(scope: &ScopeAccess, action: Action) -> &CapabilityView {
    let caps = &scope.capabilities;
    match action {
        Action::ListInvoices => &caps.list_invoices,
        Action::DownloadInvoices => &caps.download_invoices,
        Action::DownloadUsage => &caps.download_usage,
        Action::ManageEmail => &caps.manage_email,
    }
}

/// The state's code as it crosses into the window (`allowed`, `denied`, `notOffered`), which
/// the catalogue's `capability.state.*` words are keyed by.
fn state_code(state: CapabilityState) -> String {
    serde_json::to_value(state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn scope_lines(lang: Lang, out: &mut String, scope: &ScopeAccess, entry: Option<&ScopeEntry>) {
    let _ = writeln!(
        out,
        "\n  {}",
        lang.format(
            "cli.access.scope",
            &[
                ("name", &table::clean(&scope.display_name)),
                ("kind", &catalogue::kind_name(lang, scope.kind)),
            ]
        )
    );
    let _ = writeln!(out, "    {}", scope.id);
    let roles = if scope.roles.is_empty() {
        lang.text("cli.access.noRole")
    } else {
        scope
            .roles
            .iter()
            .map(|r| catalogue::role_name(lang, *r))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        out,
        "    {}",
        lang.format("cli.access.roles", &[("roles", &roles)])
    );
    if !scope.evidence.is_empty() {
        let sources = scope
            .evidence
            .iter()
            .map(|e| lang.text(&format!("access.evidence.{}", e.code())))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "    {}",
            lang.format("cli.access.evidence", &[("sources", &sources)])
        );
    }
    // Actions with the same verdict, reason and portal page share one line, as in `scopes`.
    let mut groups: Vec<Group> = Vec::new();
    for action in Action::ALL {
        let state = capability_of(scope, action).state;
        let note = entry.and_then(|e| capability_note(lang, e, action));
        let name = catalogue::action_name(lang, action);
        match groups
            .iter_mut()
            .find(|(s, n, _)| *s == state && *n == note)
        {
            Some((_, _, names)) => names.push(name),
            None => groups.push((state, note, vec![name])),
        }
    }
    for (state, note, names) in groups {
        let _ = write!(
            out,
            "    {}: {}",
            lang.text(&format!("capability.state.{}", state_code(state))),
            names.join(", ")
        );
        match note {
            Some((reason, portal)) => {
                let _ = writeln!(out, " \u{2014} {reason}");
                if let Some(url) = portal {
                    let _ = writeln!(out, "      {url}");
                }
            }
            None => out.push('\n'),
        }
    }
}
