//! How accounts look on a terminal and in `--json`.

use std::fmt::Write as _;

use invoice_desk_auth::{Account, TenantInfo, TenantState};
use serde::Serialize;

use crate::catalogue::{Lang, Text};
use crate::error::{CliError, Exit};

/// One element of `invoice-desk accounts --json`. The field names are a stable interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountJson {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// `public`, `china`, `usgov` or `custom-{authority host[:port]}`.
    pub cloud: String,
    pub home_tenant: String,
    pub tenants: Vec<TenantJson>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantJson {
    pub id: String,
    pub display_name: Option<String>,
    pub enabled: bool,
}

impl From<&Account> for AccountJson {
    fn from(account: &Account) -> Self {
        Self {
            id: account.id.clone(),
            username: account.username.clone(),
            display_name: account.display_name.clone(),
            cloud: account.cloud.key(),
            home_tenant: account.home_tenant.clone(),
            tenants: account
                .tenants
                .iter()
                .map(|t| TenantJson {
                    id: t.id.clone(),
                    display_name: t.display_name.clone(),
                    enabled: t.enabled,
                })
                .collect(),
        }
    }
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| {
        CliError::new(
            "output_failed",
            Exit::Failure,
            Text::key("cli.error.json.message").with("reason", e.to_string()),
            Text::key("cli.hint.verbose"),
        )
    })?;
    println!("{text}");
    Ok(())
}

/// `Ada Lovelace <ada@contoso.example>` (or just the username when the name is the same).
pub fn who(account: &Account) -> String {
    if account.display_name.is_empty() || account.display_name == account.username {
        account.username.clone()
    } else {
        format!("{} <{}>", account.display_name, account.username)
    }
}

fn tenant_label(tenant: &TenantInfo) -> String {
    match (&tenant.display_name, &tenant.default_domain) {
        (Some(name), Some(domain)) => format!("{name} ({domain})"),
        (Some(name), None) => name.clone(),
        (None, Some(domain)) => domain.clone(),
        (None, None) => String::new(),
    }
}

/// `  label:  value` lines whose values line up, in `lang`: `cli.accounts.<field>` labels.
pub fn labelled(lang: Lang, fields: &[(&str, &str)]) -> String {
    let labels: Vec<String> = fields
        .iter()
        .map(|(key, _)| format!("{}:", lang.text(key)))
        .collect();
    let width = labels
        .iter()
        .map(|l| crate::table::width(l))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (label, (_, value)) in labels.iter().zip(fields) {
        let pad = " ".repeat(width - crate::table::width(label));
        let _ = writeln!(out, "  {label}{pad}  {value}");
    }
    out
}

/// The `  tenants:` line that heads the list of tenants, in `lang`.
pub fn tenants_heading(lang: Lang) -> String {
    format!("  {}:\n", lang.text("cli.accounts.tenants"))
}

/// The lines under an account's name in `login` and `accounts`, in `lang`. `state` tells
/// whether a tenant can be used without signing in again.
pub fn account_block(lang: Lang, account: &Account, state: impl Fn(&str) -> TenantState) -> String {
    let cloud = account.cloud.key();
    let mut out = labelled(
        lang,
        &[
            ("cli.accounts.id", account.id.as_str()),
            ("cli.accounts.cloud", cloud.as_str()),
        ],
    );
    out.push_str(&tenants_heading(lang));
    for tenant in &account.tenants {
        let mut flags = Vec::new();
        if tenant.id.eq_ignore_ascii_case(&account.home_tenant) {
            flags.push(lang.text("cli.accounts.home"));
        }
        flags.push(lang.text(if tenant.enabled {
            "cli.accounts.enabled"
        } else {
            "cli.accounts.off"
        }));
        if tenant.enabled && matches!(state(&tenant.id), TenantState::NeedsSignIn { .. }) {
            flags.push(lang.text("cli.accounts.needsSignIn"));
        }
        let label = tenant_label(tenant);
        let _ = writeln!(
            out,
            "    {}{}{}  [{}]",
            tenant.id,
            if label.is_empty() { "" } else { "  " },
            label,
            flags.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use invoice_desk_auth::{Account, Cloud, TenantInfo, TenantState};

    use super::{AccountJson, account_block};
    use crate::catalogue::Lang;

    fn account() -> Account {
        Account {
            id: "u.home".into(),
            username: "ada@contoso.example".into(),
            display_name: "Ada".into(),
            cloud: Cloud::AzureChina,
            home_tenant: "home".into(),
            tenants: vec![
                TenantInfo {
                    display_name: Some("Contoso".into()),
                    ..TenantInfo::new("home", true)
                },
                TenantInfo::new("guest", true),
                TenantInfo::new("other", false),
            ],
        }
    }

    #[test]
    fn json_field_names_are_stable() {
        let value = serde_json::to_value(AccountJson::from(&account())).unwrap();
        let mut keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "cloud",
                "displayName",
                "homeTenant",
                "id",
                "tenants",
                "username"
            ]
        );
        assert_eq!(value["cloud"], "china");
        assert_eq!(value["tenants"][0]["displayName"], "Contoso");
        assert_eq!(value["tenants"][1]["displayName"], serde_json::Value::Null);
        assert_eq!(value["tenants"][2]["enabled"], false);
    }

    #[test]
    fn the_block_marks_home_off_and_needs_sign_in() {
        let text = account_block(Lang::En, &account(), |t| {
            if t == "guest" {
                TenantState::NeedsSignIn {
                    code: "interaction_required".into(),
                    claims: None,
                }
            } else {
                TenantState::Ready
            }
        });
        assert!(text.starts_with("  id:     u.home\n"), "{text}");
        assert_eq!(super::who(&account()), "Ada <ada@contoso.example>");
        assert!(text.contains("home  Contoso  [home, enabled]"), "{text}");
        assert!(text.contains("guest  [enabled, needs sign-in]"), "{text}");
        assert!(text.contains("other  [off]"), "{text}");
        let dutch = account_block(Lang::Nl, &account(), |_| TenantState::Ready);
        let values: Vec<usize> = dutch
            .lines()
            .take(2)
            .map(|l| l.find("u.home").or_else(|| l.find("china")).unwrap())
            .collect();
        assert_eq!(values[0], values[1], "the values line up: {dutch}");
    }
}
