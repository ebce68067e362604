//! Where `scopes` and `invoices` look: every enabled tenant of the chosen account(s) (or the
//! demo user, or the Azure CLI's sign-in), each as an ARM client, and the billing scopes
//! discovered there.

use futures::future::join_all;
use invoice_desk_api::{Directory, DirectoryError};
use invoice_desk_auth::{AccountSession, AuthError, TenantState, azure_cli_credential};
use invoice_desk_billing::{BillingCode, Caller, Clock, Discovery, ScopeEntry};

use crate::catalogue::{Lang, Text, warn};
use crate::cli::{AuthMethod, GlobalArgs};
use crate::context::Context;
use crate::error::{CliError, Exit, billing_failure};

/// One account in one tenant, ready to call ARM.
#[derive(Debug)]
pub struct Source {
    pub directory: Directory,
    session: Option<AccountSession>,
}

/// A scope found in one source.
#[derive(Debug)]
pub struct Found<'a> {
    pub source: &'a Source,
    pub entry: ScopeEntry,
}

/// The sources of one command, and the demo that backs them with `--demo`.
#[derive(Debug)]
pub struct Sources {
    pub list: Vec<Source>,
    /// Tenants that could not be used (need sign-in), as errors to warn about or fail with.
    pub skipped: Vec<CliError>,
    demo: Option<invoice_desk_api::Demo>,
    /// The language of the warnings.
    lang: Lang,
}

impl Sources {
    pub async fn open(global: &GlobalArgs) -> Result<Self, CliError> {
        if global.demo {
            if global.auth == Some(AuthMethod::AzureCli) {
                return Err(CliError::new(
                    "invalid_config",
                    Exit::Usage,
                    Text::key("cli.error.demoAzureCli.message"),
                    Text::key("cli.error.demoAzureCli.hint"),
                ));
            }
            let (demo, session) = crate::demo::start(global).await?;
            let clock = demo.clock();
            let mut sources =
                Self::from_sessions(std::slice::from_ref(&session), clock, global.language())?;
            sources.demo = Some(demo);
            return Ok(sources);
        }
        let context = Context::load(global, None, None)?;
        if global.auth == Some(AuthMethod::AzureCli) {
            return Self::azure_cli(&context, global.language()).await;
        }
        let accounts = context.remembered_accounts().await?;
        let sessions = match global.account.as_deref() {
            Some(wanted) => Context::pick_account(&accounts, Some(wanted))?
                .into_iter()
                .collect(),
            None => accounts.list(),
        };
        if sessions.is_empty() {
            return Err(CliError::new(
                "not_signed_in",
                Exit::NeedsSignIn,
                Text::key("cli.error.notSignedIn.message"),
                Text::key("cli.error.notSignedIn.hint"),
            ));
        }
        Self::from_sessions(&sessions, Clock::System, global.language())
    }

    fn from_sessions(
        sessions: &[AccountSession],
        clock: Clock,
        lang: Lang,
    ) -> Result<Self, CliError> {
        let mut list = Vec::new();
        let mut skipped = Vec::new();
        for session in sessions {
            let account = session.account();
            for tenant in account.tenants.iter().filter(|t| t.enabled) {
                if let TenantState::NeedsSignIn { code, .. } = session.tenant_state(&tenant.id) {
                    skipped.push(needs_sign_in(&account.username, &tenant.id, &code));
                    continue;
                }
                list.push(Source {
                    directory: Directory::of_session(session, &tenant.id, clock)
                        .map_err(directory_error)?,
                    session: Some(session.clone()),
                });
            }
        }
        Ok(Self {
            list,
            skipped,
            demo: None,
            lang,
        })
    }

    /// The Azure CLI's sign-in: its default tenant, the user from its token.
    async fn azure_cli(context: &Context, lang: Lang) -> Result<Self, CliError> {
        let cloud = &context.config.cloud;
        let credential = azure_cli_credential(None)?;
        let token = credential
            .get_token(&[&cloud.arm_scope()?], None)
            .await
            .map_err(|e| {
                CliError::from(AuthError::AzureCliFailed {
                    message: invoice_desk_logging::redact(&e.to_string()).into_owned(),
                })
            })?;
        let identity = invoice_desk_auth::TokenIdentity::from_access_token(token.token.secret());
        drop(token);
        let caller = Caller {
            tenant_id: identity.tenant,
            object_id: identity.object_id,
        };
        let mut directory =
            Directory::with_credential(&cloud.to_billing()?, credential, caller, Clock::System)
                .map_err(directory_error)?;
        directory.username = identity.username.unwrap_or_else(|| "azure-cli".into());
        Ok(Self {
            list: vec![Source {
                directory,
                session: None,
            }],
            skipped: Vec::new(),
            demo: None,
            lang,
        })
    }

    /// Every scope of every source (sources in parallel). Failures of some sources are
    /// warnings; when nothing was found and something failed, the first failure is the error.
    pub async fn discover(&self) -> Result<Vec<Found<'_>>, CliError> {
        let discoveries: Vec<Discovery> =
            join_all(self.list.iter().map(|s| s.directory.discover())).await;
        let mut found = Vec::new();
        let mut failures: Vec<CliError> = self.skipped.clone();
        for (source, discovery) in self.list.iter().zip(discoveries) {
            let mut codes = Vec::new();
            for failure in discovery.failures {
                let code = failure.issue.code;
                if codes.contains(&code) {
                    continue;
                }
                codes.push(code);
                failures.push(source.failure(
                    code,
                    Text::from(failure.what.as_str()),
                    &failure.issue.message,
                ));
            }
            for entry in discovery.scopes {
                for issue in &entry.issues {
                    warn(&self.lang.format(
                        "cli.scopes.issue",
                        &[
                            ("scope", &entry.scope.display_name),
                            ("step", issue.step),
                            ("code", &issue.code.to_string()),
                        ],
                    ));
                }
                found.push(Found { source, entry });
            }
        }
        if found.is_empty()
            && let Some(first) = failures.first()
        {
            for other in &failures[1..] {
                warn(&other.message.render(self.lang));
            }
            return Err(first.clone());
        }
        for failure in &failures {
            warn(&failure.warning(self.lang));
        }
        Ok(found)
    }

    pub async fn close(self) {
        if let Some(demo) = self.demo {
            demo.stop().await;
        }
    }
}

impl Source {
    /// A failure in this source; a credential failure on a tenant that now needs an
    /// interactive sign-in says so.
    pub fn failure(&self, code: BillingCode, what: Text, message: &str) -> CliError {
        if let Some(session) = &self.session
            && let TenantState::NeedsSignIn { code, .. } =
                session.tenant_state(&self.directory.tenant_id)
        {
            return needs_sign_in(&self.directory.username, &self.directory.tenant_id, &code);
        }
        billing_failure(
            code,
            Text::key("cli.error.listing")
                .with("account", self.directory.username.as_str())
                .with("tenant", self.directory.tenant_id.as_str())
                .with("what", what),
            message,
        )
    }
}

fn needs_sign_in(account: &str, tenant: &str, code: &str) -> CliError {
    CliError::new(
        "needs_sign_in",
        Exit::NeedsSignIn,
        Text::key("cli.error.needsSignIn.message")
            .with("account", account)
            .with("tenant", tenant)
            .with("code", code),
        Text::key("cli.error.needsSignIn.hint").with("tenant", tenant),
    )
}

fn directory_error(err: DirectoryError) -> CliError {
    match err {
        DirectoryError::Cloud(err) => CliError::from(err),
        DirectoryError::Client(err) => CliError::from(&err),
    }
}
