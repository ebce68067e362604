//! Demo mode: the whole product on built-in sample data, without an Azure account.
//!
//! The local Azure (`invoice-desk-emulator`) runs inside the process on a random loopback port,
//! and the demo user signs in through its Microsoft-like authority exactly as with the real one
//! (PKCE, loopback redirect); only the "browser" is an HTTP client that follows the redirect,
//! as the emulator approves the chosen user at once. Demo sign-ins live in memory only: never
//! the keychain, never real Azure.

use invoice_desk_auth::{AccountSession, Accounts, AuthError, BrowserOptions, CompletionPage};
use invoice_desk_billing::Clock;
use invoice_desk_emulator::{Emulator, EmulatorConfig, UserInfo};
use time::Date;
use tokio_util::sync::CancellationToken;
use url::Url;

/// The user a demo starts as: a pay-as-you-go account administrator with a year of invoices.
pub const DEFAULT_DEMO_USER: &str = "alex@contoso.example";
/// The sample Azure the demo shows: every agreement, role and reason for a missing invoice.
pub const DEMO_SCENARIO: &str = "demo";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The sample Azure did not start (no loopback port, a date that is not one).
    #[error("the demo data could not be started: {0}")]
    Unavailable(String),
    /// `upn` is none of the sample users.
    #[error("`{upn}` is not one of the demo users")]
    UnknownUser { upn: String, users: Vec<String> },
    /// The sign-in through the sample authority failed.
    #[error(transparent)]
    SignIn(#[from] AuthError),
}

/// A running demo: the sample Azure and the account signed in to it.
pub struct Demo {
    emulator: Emulator,
    accounts: Accounts,
    user: Option<AccountSession>,
}

impl std::fmt::Debug for Demo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Demo")
            .field("user", &self.user().unwrap_or_default())
            .finish_non_exhaustive()
    }
}

impl Demo {
    /// Starts the sample Azure on `scenario` ([`DEMO_SCENARIO`]; benchmarks use others) living
    /// on `day` (default: the date `INVOICE_DESK_TODAY` pins, else the system's). Nobody is
    /// signed in yet.
    pub async fn start(scenario: &str, day: Option<Date>) -> Result<Self, DemoError> {
        let config = EmulatorConfig {
            scenario: scenario.to_owned(),
            today: day,
            // Nothing here steers the demo over HTTP; no other program on the computer may.
            control_secret: Some(uuid::Uuid::new_v4().to_string()),
            ..EmulatorConfig::default()
        };
        let emulator = Emulator::start(config)
            .await
            .map_err(|e| DemoError::Unavailable(e.to_string()))?;
        let accounts = invoice_desk_auth::local_accounts(&emulator.base_url())?;
        Ok(Self {
            emulator,
            accounts,
            user: None,
        })
    }

    /// The demo's accounts (the signed-in demo user, or none).
    pub fn accounts(&self) -> &Accounts {
        &self.accounts
    }

    /// The sample Azure's address (its ARM endpoint, authority and `/_emulator` control).
    pub fn base_url(&self) -> Url {
        self.emulator.base_url()
    }

    /// The secret the sample Azure's `/_emulator` control asks for: only code in this process
    /// (a benchmark) steers the demo.
    pub fn control_secret(&self) -> Option<&str> {
        self.emulator.control_secret()
    }

    /// "Today" in the demo: the day the sample Azure lives on, so what the app decides about
    /// dates agrees with the sample data on any day.
    pub fn clock(&self) -> Clock {
        Clock::pinned_or_system(self.emulator.pinned_today())
    }

    /// The signed-in demo user's username.
    pub fn user(&self) -> Option<String> {
        self.user.as_ref().map(|s| s.account().username)
    }

    /// Every sample user, in the scenario's order.
    pub fn users(&self) -> Vec<UserInfo> {
        self.emulator.users()
    }

    /// Signs in as `upn` (any case), replacing the previous demo user, and lists the user's
    /// directories. `page` is what the sign-in's browser tab would show.
    pub async fn sign_in_as(
        &mut self,
        upn: &str,
        page: CompletionPage,
    ) -> Result<AccountSession, DemoError> {
        let wanted = upn.trim();
        let users = self.emulator.users();
        let known = users.iter().find(|u| u.upn.eq_ignore_ascii_case(wanted));
        let Some(user) = known.filter(|u| self.emulator.set_auto_approve(Some(&u.upn))) else {
            return Err(DemoError::UnknownUser {
                upn: wanted.to_owned(),
                users: users.into_iter().map(|u| u.upn).collect(),
            });
        };
        self.accounts.remove_all().await?;
        self.user = None;
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
        tracing::debug!(user = %user.upn, "demo sign-in done");
        self.user = Some(session.clone());
        Ok(session)
    }

    /// Turns every directory of the signed-in demo user on (a front end without directory
    /// switches, such as the command line, shows them all).
    pub async fn enable_every_directory(&self) -> Result<(), DemoError> {
        let Some(session) = &self.user else {
            return Ok(());
        };
        for tenant in session.account().tenants {
            session.set_tenant_enabled(&tenant.id, true).await?;
        }
        Ok(())
    }

    pub async fn stop(self) {
        let _ = self.accounts.remove_all().await;
        self.emulator.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[tokio::test]
    async fn a_demo_signs_in_any_sample_user_on_its_day_and_refuses_others() {
        let mut demo = Demo::start(DEMO_SCENARIO, Some(date!(2027 - 01 - 01)))
            .await
            .unwrap();
        assert_eq!(demo.clock(), Clock::Fixed(date!(2027 - 01 - 01)));
        assert_eq!(demo.user(), None);
        let session = demo
            .sign_in_as(" Olivia.Owner@contoso.example ", CompletionPage::default())
            .await
            .unwrap();
        assert_eq!(session.account().username, "olivia.owner@contoso.example");
        assert_eq!(demo.user().as_deref(), Some("olivia.owner@contoso.example"));
        assert_eq!(demo.accounts().list().len(), 1);

        let err = demo
            .sign_in_as("mallory@contoso.example", CompletionPage::default())
            .await
            .unwrap_err();
        match err {
            DemoError::UnknownUser { upn, users } => {
                assert_eq!(upn, "mallory@contoso.example");
                assert!(users.iter().any(|u| u == DEFAULT_DEMO_USER));
            }
            other => panic!("{other:?}"),
        }
        // A refused user leaves the signed-in one in place.
        assert_eq!(demo.user().as_deref(), Some("olivia.owner@contoso.example"));
        demo.stop().await;
    }

    #[tokio::test]
    async fn another_program_cannot_steer_the_demo_through_its_control_plane() {
        let demo = Demo::start(DEMO_SCENARIO, None).await.unwrap();
        let url = demo.base_url().join("_emulator/users").unwrap();
        let answer = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .get(url)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), reqwest::StatusCode::UNAUTHORIZED);
        demo.stop().await;
    }

    #[tokio::test]
    async fn every_directory_of_the_demo_user_can_be_turned_on() {
        let mut demo = Demo::start(DEMO_SCENARIO, None).await.unwrap();
        let session = demo
            .sign_in_as("morgan@contoso.example", CompletionPage::default())
            .await
            .unwrap();
        let before = session.account().tenants;
        assert!(before.len() > 1, "{before:?}");
        assert!(before.iter().any(|t| !t.enabled), "{before:?}");
        demo.enable_every_directory().await.unwrap();
        assert!(session.account().tenants.iter().all(|t| t.enabled));
        demo.stop().await;
    }
}
