//! Demo mode: the whole app on built-in sample data, without an Azure account.
//!
//! The local Azure (`invoice-desk-emulator`) runs inside the app on a random loopback port, and
//! the app signs in through its Microsoft-like authority exactly as it does with the real one
//! (PKCE, loopback redirect); only the "browser" is an HTTP client that follows the redirect, as
//! the emulator approves the chosen demo user at once. Demo sign-ins live in memory only: demo
//! mode never touches the keychain or real Azure.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use invoice_desk_auth::{AccountSession, Accounts, BrowserOptions, CompletionPage};
use invoice_desk_billing::Clock;
use invoice_desk_emulator::{Emulator, EmulatorConfig};

use crate::error::{AppError, ErrorCode};

/// The user a demo starts as: a pay-as-you-go account administrator with a year of invoices.
pub const DEFAULT_DEMO_USER: &str = "alex@contoso.example";
/// The emulator scenario the demo shows: every agreement, role and reason card.
pub const DEMO_SCENARIO: &str = "demo";

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DemoUser {
    pub upn: String,
    pub display_name: String,
}

/// What the window shows while in demo mode: who is signed in, and who else can be picked.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DemoState {
    pub user: String,
    pub users: Vec<DemoUser>,
}

/// A running demo: the in-process emulator and the accounts signed in to it.
pub struct Demo {
    emulator: Emulator,
    accounts: Accounts,
    user: String,
}

impl std::fmt::Debug for Demo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Demo")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl Demo {
    /// Starts the emulator on `scenario` (the app always uses [`DEMO_SCENARIO`]; the
    /// command-layer benchmark uses its `bench` scenario).
    pub async fn start(scenario: &str) -> Result<Self, AppError> {
        let config = EmulatorConfig {
            scenario: scenario.to_owned(),
            ..EmulatorConfig::default()
        };
        let emulator = Emulator::start(config).await.map_err(|err| {
            AppError::new(
                ErrorCode::DemoUnavailable,
                "The demo data could not be started.",
            )
            .with_details(err.to_string())
        })?;
        let accounts = invoice_desk_auth::local_accounts(&emulator.base_url())?;
        Ok(Self {
            emulator,
            accounts,
            user: String::new(),
        })
    }

    /// The day the sample Azure lives on (pinned by `INVOICE_DESK_TODAY`, else the system's).
    pub fn clock(&self) -> Clock {
        Clock::pinned_or_system(self.emulator.pinned_today())
    }

    pub fn accounts(&self) -> &Accounts {
        &self.accounts
    }

    /// The emulator's loopback address (its ARM endpoint, authority and `/_emulator` control).
    pub fn base_url(&self) -> url::Url {
        self.emulator.base_url()
    }

    pub fn state(&self) -> DemoState {
        DemoState {
            user: self.user.clone(),
            users: self
                .emulator
                .users()
                .into_iter()
                .map(|u| DemoUser {
                    upn: u.upn,
                    display_name: u.display_name,
                })
                .collect(),
        }
    }

    /// Signs in as `upn` (replacing the previous demo user) through the emulator's authority.
    pub async fn sign_in_as(
        &mut self,
        upn: &str,
        page: CompletionPage,
    ) -> Result<AccountSession, AppError> {
        if !self.emulator.set_auto_approve(Some(upn)) {
            return Err(AppError::new(
                ErrorCode::DemoUnavailable,
                "That demo user does not exist.",
            )
            .with_details(upn.to_owned()));
        }
        self.accounts.remove_all().await?;
        let options = BrowserOptions {
            page,
            ..BrowserOptions::default()
        };
        let follow = invoice_desk_auth::redirect_follower()?;
        let session = self
            .accounts
            .sign_in_with_browser(&options, follow, &CancellationToken::new())
            .await?;
        if let Err(err) = session.refresh_tenants().await {
            tracing::warn!(code = err.code(), "demo directories could not be listed");
        }
        upn.clone_into(&mut self.user);
        Ok(session)
    }

    pub async fn stop(self) {
        let _ = self.accounts.remove_all().await;
        self.emulator.shutdown().await;
    }
}

/// Shared so commands can hold the demo across awaits.
pub type DemoSlot = Arc<tokio::sync::Mutex<Option<Demo>>>;
