//! `--demo`: the built-in sample data. The emulator runs inside this process on a random
//! loopback port and the command signs in through its Microsoft-like authority exactly as with
//! the real one (PKCE, loopback redirect); the "browser" is an HTTP client that follows the
//! redirect, as the emulator approves the demo user at once. The sign-in lives in memory only:
//! never the keychain, never real Azure.

use invoice_desk_auth::{AccountSession, Accounts, BrowserOptions};
use invoice_desk_emulator::{Emulator, EmulatorConfig};
use tokio_util::sync::CancellationToken;

use crate::error::{CliError, Exit};

/// The demo user when `--account` is not given: a pay-as-you-go account administrator.
pub const DEFAULT_DEMO_USER: &str = "alex@contoso.example";

/// A running demo: the in-process emulator and the demo user's sign-in.
pub struct Demo {
    emulator: Emulator,
    _accounts: Accounts,
    pub session: AccountSession,
}

impl std::fmt::Debug for Demo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Demo")
            .field("user", &self.session.account().username)
            .finish_non_exhaustive()
    }
}

fn unavailable(reason: impl std::fmt::Display) -> CliError {
    CliError::new(
        "demo_unavailable",
        Exit::Failure,
        format!("The demo data could not be started: {reason}."),
        "Run the command again with `-v` for details.",
    )
}

impl Demo {
    /// Starts the sample Azure on `day` (default: the system's date) and signs in as `upn`
    /// (every tenant of the user turned on).
    pub async fn start(upn: &str, day: Option<time::Date>) -> Result<Self, CliError> {
        let config = EmulatorConfig {
            today: day,
            ..EmulatorConfig::default()
        };
        let emulator = Emulator::start(config).await.map_err(unavailable)?;
        let upn = upn.trim();
        let known = emulator
            .users()
            .into_iter()
            .find(|u| u.upn.eq_ignore_ascii_case(upn))
            .map(|u| u.upn);
        let Some(upn) = known.filter(|u| emulator.set_auto_approve(Some(u))) else {
            let users: Vec<String> = emulator.users().into_iter().map(|u| u.upn).collect();
            emulator.shutdown().await;
            return Err(CliError::new(
                "demo_user_unknown",
                Exit::Usage,
                format!("`{upn}` is not one of the demo users."),
                format!("Give --account one of: {}.", users.join(", ")),
            ));
        };
        let accounts = invoice_desk_auth::local_accounts(&emulator.base_url())?;
        let follow = invoice_desk_auth::redirect_follower()?;
        let session = accounts
            .sign_in_with_browser(
                &BrowserOptions::default(),
                follow,
                &CancellationToken::new(),
            )
            .await?;
        tracing::debug!(user = %upn, "demo sign-in done");
        match session.refresh_tenants().await {
            Ok(tenants) => {
                for tenant in tenants {
                    session.set_tenant_enabled(&tenant.id, true).await?;
                }
            }
            Err(err) => tracing::warn!(code = err.code(), "demo tenants could not be listed"),
        }
        Ok(Self {
            emulator,
            _accounts: accounts,
            session,
        })
    }

    pub async fn stop(self) {
        self.emulator.shutdown().await;
    }
}
