//! `invoice-desk scopes`: every billing scope of every enabled tenant, with the caller's roles
//! and what they may do there.

use std::fmt::Write as _;

use invoice_desk_billing::{Action, Capability, ScopeEntry};
use serde::Serialize;

use crate::catalogue::{self, Lang};
use crate::cli::GlobalArgs;
use crate::error::{CliError, Exit};
use crate::output::print_json;
use crate::sources::{Found, Sources};
use crate::table::{self, Align};

/// One element of `invoice-desk scopes --json`. The field names are a stable interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeJson {
    /// The ARM resource id.
    pub id: String,
    /// `mosp_subscription`, `mca_billing_profile`, `ea_enrollment`, `ea_department`, …
    pub kind: &'static str,
    /// Azure's agreement type: `MicrosoftOnlineServicesProgram`, `MicrosoftCustomerAgreement`,
    /// `EnterpriseAgreement`, `MicrosoftPartnerAgreement`, …
    pub agreement: String,
    pub display_name: String,
    /// What the scope belongs to, when it is shown under another: an invoice section's
    /// billing profile. Left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_display_name: Option<String>,
    /// The signed-in account's username.
    pub account: String,
    pub tenant_id: Option<String>,
    /// Role codes, e.g. `account_administrator`, `billing_profile_reader`.
    pub roles: Vec<&'static str>,
    pub can: CanJson,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CanJson {
    pub list_invoices: ActionJson,
    pub download_invoices: ActionJson,
    pub download_usage: ActionJson,
    pub manage_email: ActionJson,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionJson {
    pub allowed: bool,
    /// Why not, in `--lang`: the missing role and who can grant it, or why the app does not
    /// offer it here. `null` when allowed.
    pub reason: Option<String>,
}

fn action_json(lang: Lang, entry: &ScopeEntry, action: Action) -> ActionJson {
    let capability = entry.capabilities.get(action);
    ActionJson {
        allowed: capability.is_allowed(),
        reason: catalogue::capability_reason(
            lang,
            capability,
            entry.facts.ea_invoice_recipient.as_deref(),
        ),
    }
}

pub fn scope_json(lang: Lang, found: &Found<'_>) -> ScopeJson {
    let entry = &found.entry;
    let scope = &entry.scope;
    ScopeJson {
        id: scope.id.clone(),
        kind: scope.plain_kind(),
        agreement: scope.agreement.as_str().to_owned(),
        display_name: scope.display_name.clone(),
        parent_display_name: scope.parent_display_name.clone(),
        account: found.source.directory.username.clone(),
        tenant_id: scope
            .tenant_id
            .clone()
            .or_else(|| Some(found.source.directory.tenant_id.clone()).filter(|t| !t.is_empty())),
        roles: entry.roles.iter().map(|r| r.code()).collect(),
        can: CanJson {
            list_invoices: action_json(lang, entry, Action::ListInvoices),
            download_invoices: action_json(lang, entry, Action::DownloadInvoices),
            download_usage: action_json(lang, entry, Action::DownloadUsage),
            manage_email: action_json(lang, entry, Action::ManageEmail),
        },
    }
}

pub async fn run(global: &GlobalArgs) -> Result<Exit, CliError> {
    let lang = global.language();
    let sources = Sources::open(global).await?;
    let outcome = match sources.discover().await {
        Ok(found) => {
            if global.json {
                let list: Vec<ScopeJson> = found.iter().map(|f| scope_json(lang, f)).collect();
                print_json(&list)
            } else {
                print!("{}", human(lang, &found));
                Ok(())
            }
        }
        Err(error) => Err(error),
    };
    sources.close().await;
    outcome.map(|()| Exit::Ok)
}

/// Why `action` is not possible on `entry`, in `lang`, and the Azure portal page where it is
/// granted or done instead; `None` when it is allowed.
pub fn capability_note(
    lang: Lang,
    entry: &ScopeEntry,
    action: Action,
) -> Option<(String, Option<String>)> {
    let capability = entry.capabilities.get(action);
    let reason = catalogue::capability_reason(
        lang,
        capability,
        entry.facts.ea_invoice_recipient.as_deref(),
    )?;
    Some((reason, capability.portal().map(|p| p.url.clone())))
}

fn mark(lang: Lang, capability: &Capability) -> String {
    catalogue::yes_no(lang, capability.is_allowed())
}

/// One table per account and tenant, then the reasons for every "no".
pub fn human(lang: Lang, found: &[Found<'_>]) -> String {
    if found.is_empty() {
        return format!("{}\n", lang.text("cli.scopes.none"));
    }
    let headers = catalogue::scope_headers(lang);
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut groups: Vec<((String, String), Vec<&Found<'_>>)> = Vec::new();
    for f in found {
        let key = (
            f.source.directory.username.clone(),
            f.source.directory.tenant_id.clone(),
        );
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(f),
            None => groups.push((key, vec![f])),
        }
    }
    let mut out = String::new();
    for (i, ((account, tenant), list)) in groups.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{}",
            lang.format(
                "cli.scopes.heading",
                &[("account", account), ("tenant", tenant)]
            )
        );
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|f| {
                let entry = &f.entry;
                let caps = &entry.capabilities;
                vec![
                    entry.scope.display_name.clone(),
                    catalogue::kind_name(lang, entry.scope.kind),
                    entry
                        .roles
                        .iter()
                        .map(|r| catalogue::role_name(lang, *r))
                        .collect::<Vec<_>>()
                        .join(", "),
                    mark(lang, &caps.list_invoices),
                    mark(lang, &caps.download_invoices),
                    mark(lang, &caps.download_usage),
                    mark(lang, &caps.manage_email),
                    entry.scope.id.clone(),
                ]
            })
            .collect();
        out.push_str(&table::render(&headers, &[Align::Left; 8], &rows));
        let mut notes = String::new();
        for f in list {
            let entry = &f.entry;
            // Actions with the same reason and portal page share one note.
            let mut grouped: Vec<(String, Option<String>, Vec<String>)> = Vec::new();
            for action in Action::ALL {
                let Some((reason, portal)) = capability_note(lang, entry, action) else {
                    continue;
                };
                let name = catalogue::action_name(lang, action);
                match grouped
                    .iter_mut()
                    .find(|(r, p, _)| *r == reason && *p == portal)
                {
                    Some((_, _, names)) => names.push(name),
                    None => grouped.push((reason, portal, vec![name])),
                }
            }
            for (reason, portal, names) in grouped {
                let _ = writeln!(
                    notes,
                    "  {} \u{2014} {}: {reason}",
                    table::truncate(&table::clean(&entry.scope.display_name), table::MAX_CELL),
                    names.join(", ")
                );
                if let Some(url) = portal {
                    let _ = writeln!(notes, "    {url}");
                }
            }
        }
        if !notes.is_empty() {
            let _ = writeln!(out, "\n{}:", lang.text("capability.state.denied"));
            out.push_str(&notes);
        }
    }
    out
}
