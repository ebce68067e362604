//! What every command starts from: the effective sign-in configuration (built-in defaults, the
//! organisation files, then flags) and the accounts remembered in the OS keychain.
//!
//! The future `download` and `sync` commands start here too: [`Context::remembered_accounts`]
//! then [`Context::pick_account`] give them the signed-in account whose `Session` they hand to
//! the billing client.

use std::sync::Arc;

use invoice_desk_api::accounts::{custom_cloud, open_keychain};
use invoice_desk_auth::{
    AccountSession, Accounts, AuthConfig, AuthError, AuthOverrides, Cloud, MemoryStore, TokenStore,
};

use crate::catalogue::Text;
use crate::cli::{AuthMethod, GlobalArgs};
use crate::error::{CliError, Exit};

#[derive(Debug, Clone)]
pub struct Context {
    pub config: AuthConfig,
}

impl Context {
    /// Loads the configuration: defaults, `auth.toml` (machine-wide, then per user), then the
    /// command line (`client_id` and `tenant` only for commands that take them).
    pub fn load(
        global: &GlobalArgs,
        client_id: Option<&str>,
        tenant: Option<&str>,
    ) -> Result<Self, CliError> {
        let overrides = AuthOverrides {
            client_id: client_id.map(str::to_owned),
            tenant: tenant.map(str::to_owned),
            cloud: cloud_from_flags(global)?,
            redirect_host: None,
        };
        let config = AuthConfig::load(&AuthConfig::config_paths(), &overrides)?;
        tracing::debug!(
            cloud = %config.cloud.key(),
            tenant = %config.tenant,
            client_id = %config.client_id,
            "sign-in configuration"
        );
        Ok(Self { config })
    }

    /// The accounts over the keychain (`remember`) or memory. The second value says why the
    /// keychain could not be used when it was asked for.
    pub async fn accounts(
        &self,
        remember: bool,
    ) -> Result<(Accounts, Option<AuthError>), CliError> {
        let (store, problem) = store(remember).await;
        Ok((Accounts::new(self.config.clone(), store)?, problem))
    }

    /// The accounts remembered in the keychain, restored (no network). Fails when the keychain
    /// cannot be reached: an empty list would be a lie.
    pub async fn remembered_accounts(&self) -> Result<Accounts, CliError> {
        let (accounts, problem) = self.accounts(true).await?;
        if let Some(problem) = problem {
            let mut error = CliError::from(problem);
            error.hint = Text::key("cli.error.keychain.hint");
            return Err(error);
        }
        accounts.restore().await?;
        Ok(accounts)
    }

    /// The account a command acts on: `wanted` (id, keychain entry name or username), else the
    /// only remembered account.
    pub fn pick_account(
        accounts: &Accounts,
        wanted: Option<&str>,
    ) -> Result<Option<AccountSession>, CliError> {
        let all = accounts.list();
        let Some(wanted) = wanted else {
            return match all.len() {
                0 => Ok(None),
                1 => Ok(all.into_iter().next()),
                _ => Err(CliError::new(
                    "account_ambiguous",
                    Exit::Usage,
                    Text::key("cli.error.accountAmbiguous.message")
                        .with("count", all.len().to_string()),
                    Text::key("cli.error.accountAmbiguous.hint").with("names", names(&all)),
                )),
            };
        };
        let wanted = wanted.trim();
        if let Some(session) = accounts.get(wanted) {
            return Ok(Some(session));
        }
        let matching: Vec<AccountSession> = all
            .iter()
            .filter(|s| s.account().username.eq_ignore_ascii_case(wanted))
            .cloned()
            .collect();
        match matching.len() {
            0 => Err(CliError::new(
                "account_not_found",
                Exit::Failure,
                Text::key("cli.error.accountNotFound.message").with("account", wanted),
                if all.is_empty() {
                    Text::key("cli.accounts.none")
                } else {
                    Text::key("cli.error.accountNotFound.hint").with("names", names(&all))
                },
            )),
            1 => Ok(matching.into_iter().next()),
            _ => Err(CliError::new(
                "account_ambiguous",
                Exit::Usage,
                Text::key("cli.error.accountClouds.message").with("account", wanted),
                Text::key("cli.error.accountClouds.hint").with(
                    "ids",
                    matching
                        .iter()
                        .map(|s| format!("{} ({})", s.account().id, s.account().cloud.key()))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            )),
        }
    }
}

fn names(sessions: &[AccountSession]) -> String {
    sessions
        .iter()
        .map(|s| s.account().username)
        .collect::<Vec<_>>()
        .join(", ")
}

fn cloud_from_flags(global: &GlobalArgs) -> Result<Option<Cloud>, CliError> {
    if global.cloud.is_some() && (global.authority.is_some() || global.arm_endpoint.is_some()) {
        return Err(CliError::new(
            "invalid_config",
            Exit::Usage,
            Text::key("cli.error.cloudConflict.message"),
            Text::key("cli.error.cloudConflict.hint"),
        ));
    }
    if let Some(name) = &global.cloud {
        return Ok(Some(Cloud::from_name(name)?));
    }
    match (&global.authority, &global.arm_endpoint) {
        (Some(authority), Some(arm)) => Ok(Some(custom_cloud(authority, arm)?)),
        // The Azure CLI signs in by itself: only ARM is called, so no authority is needed. The
        // configuration still names one; the public cloud's is never contacted here.
        (None, Some(arm)) if global.auth == Some(AuthMethod::AzureCli) => {
            let public = Cloud::AzurePublic.authority_host()?;
            Ok(Some(custom_cloud(public.as_str(), arm)?))
        }
        (None, None) => Ok(None),
        _ => Err(CliError::new(
            "invalid_config",
            Exit::Usage,
            Text::key("cli.error.customCloud.message"),
            Text::key("cli.error.customCloud.hint"),
        )),
    }
}

/// The keychain (`remember`; see [`open_keychain`]) or memory. The second value says why the
/// keychain could not be used; the accounts then last for this command only.
async fn store(remember: bool) -> (Arc<dyn TokenStore>, Option<AuthError>) {
    if !remember {
        return (Arc::new(MemoryStore::new()), None);
    }
    match open_keychain().await {
        Ok(keychain) => (keychain, None),
        Err(problem) => (Arc::new(MemoryStore::new()), Some(problem)),
    }
}

#[cfg(test)]
mod tests {
    use super::cloud_from_flags;
    use crate::cli::GlobalArgs;
    use crate::error::Exit;

    fn flags(cloud: Option<&str>, authority: Option<&str>, arm: Option<&str>) -> GlobalArgs {
        GlobalArgs {
            cloud: cloud.map(str::to_owned),
            authority: authority.map(str::to_owned),
            arm_endpoint: arm.map(str::to_owned),
            ..GlobalArgs::default()
        }
    }

    #[test]
    fn clouds_from_flags() {
        assert_eq!(cloud_from_flags(&flags(None, None, None)).unwrap(), None);
        let china = cloud_from_flags(&flags(Some("AzureChinaCloud"), None, None)).unwrap();
        assert_eq!(china.unwrap().key(), "china");
        let custom = cloud_from_flags(&flags(
            None,
            Some("http://127.0.0.1:7"),
            Some("http://localhost:7"),
        ))
        .unwrap()
        .unwrap();
        assert_eq!(custom.key(), "custom-127.0.0.1:7");
        for bad in [
            flags(Some("china"), Some("https://a"), Some("https://b")),
            flags(None, Some("https://a"), None),
            flags(Some("mars"), None, None),
            flags(None, Some("http://127.0.0.1:7"), Some("http://example.com")),
        ] {
            assert_eq!(
                cloud_from_flags(&bad).unwrap_err().exit,
                Exit::Usage,
                "{bad:?}"
            );
        }
    }
}
