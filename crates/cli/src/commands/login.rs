//! `invoice-desk login`: system browser (default), device code, or the Azure CLI's sign-in.

use std::io::Write as _;
use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use futures::TryStreamExt as _;
use invoice_desk_auth::{
    AccountSession, AuthError, BrowserOptions, DeviceCode, DeviceOptions, azure_cli_credential,
};
use invoice_desk_billing::ArmClient;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::catalogue::{Lang, Text, warn};
use crate::cli::{AuthMethod, GlobalArgs, LoginArgs};
use crate::context::Context;
use crate::error::{CliError, Exit, auth_message, hint};
use crate::output::{account_block, labelled, tenants_heading, who};

/// How the sign-in page is opened: unset → the system browser; `print` → only print the URL
/// (SSH sessions, tests); anything else → that command with the URL as its last argument, run
/// as the window runs it.
pub use invoice_desk_api::browser::BROWSER_ENV;

pub async fn run(global: &GlobalArgs, args: &LoginArgs) -> Result<Exit, CliError> {
    if global.demo {
        return Err(CliError::new(
            "invalid_config",
            Exit::Usage,
            Text::key("cli.error.loginDemo.message"),
            Text::key("cli.error.loginDemo.hint"),
        ));
    }
    let lang = global.language();
    let method = method(global, args)?;
    let context = Context::load(global, args.client_id.as_deref(), args.tenant.as_deref())?;
    if method == AuthMethod::AzureCli {
        return azure_cli(lang, &context, args).await;
    }
    let remember = !args.no_remember;
    let (accounts, problem) = context.accounts(remember).await?;
    if let Some(problem) = &problem {
        warn(
            &Text::key("cli.login.notRemembered")
                .with("problem", auth_message(problem))
                .with("code", problem.code())
                .render(lang),
        );
    }
    let cancel = cancel_on_ctrl_c();
    let session = if method == AuthMethod::DeviceCode {
        accounts
            .sign_in_with_device_code(
                &DeviceOptions::default(),
                |code| show_device_code(lang, code),
                &cancel,
            )
            .await?
    } else {
        accounts
            .sign_in_with_browser(
                &BrowserOptions::default(),
                |url| open_browser(lang, url),
                &cancel,
            )
            .await?
    };
    list_tenants(lang, &session).await;
    let account = session.account();
    println!(
        "{}",
        lang.format("cli.login.signedInAs", &[("name", &who(&account))])
    );
    print!(
        "{}",
        account_block(lang, &account, |t| session.tenant_state(t))
    );
    println!(
        "{}",
        lang.text(if accounts.is_persistent() {
            "cli.login.remembered"
        } else if args.no_remember {
            "cli.login.notRememberedFlag"
        } else {
            "cli.login.noKeychain"
        })
    );
    Ok(Exit::Ok)
}

/// `--auth`, or the older `--device-code` / `--azure-cli`; they must not disagree.
fn method(global: &GlobalArgs, args: &LoginArgs) -> Result<AuthMethod, CliError> {
    let from_flags = if args.azure_cli {
        Some(AuthMethod::AzureCli)
    } else if args.device_code {
        Some(AuthMethod::DeviceCode)
    } else {
        None
    };
    match (global.auth, from_flags) {
        (Some(a), Some(b)) if a != b => Err(CliError::new(
            "invalid_config",
            Exit::Usage,
            Text::key("cli.error.authConflict.message"),
            Text::key("cli.error.authConflict.hint"),
        )),
        (a, b) => Ok(a.or(b).unwrap_or(AuthMethod::Browser)),
    }
}

/// The account's other tenants from ARM; a failure only costs the listing.
async fn list_tenants(lang: Lang, session: &AccountSession) {
    if let Err(error) = session.refresh_tenants().await {
        tracing::debug!(code = error.code(), %error, "tenant listing failed");
        warn(
            &Text::key("cli.login.tenantsFailed")
                .with("code", error.code())
                .with("hint", hint(error.code()))
                .render(lang),
        );
    }
}

fn cancel_on_ctrl_c() -> CancellationToken {
    let cancel = CancellationToken::new();
    let token = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            token.cancel();
        }
    });
    cancel
}

/// Prints the URL (always: over SSH the browser is on another machine), then opens it. Never
/// fails: with the URL on screen the user can still finish by hand.
#[allow(clippy::unnecessary_wraps)] // the opener signature `Accounts::sign_in_with_browser` takes
fn open_browser(lang: Lang, url: &Url) -> Result<(), AuthError> {
    let how = std::env::var(BROWSER_ENV).unwrap_or_default();
    let how = how.trim();
    let url_text = url.as_str();
    let mut err = std::io::stderr().lock();
    if how.eq_ignore_ascii_case("print") {
        let _ = writeln!(
            err,
            "{}",
            lang.format("cli.login.openUrl", &[("url", url_text)])
        );
        return Ok(());
    }
    let _ = writeln!(err, "{}", lang.text("cli.login.opening"));
    let _ = writeln!(
        err,
        "{}",
        lang.format("cli.login.ifNoBrowser", &[("url", url_text)])
    );
    let _ = writeln!(err, "{}", lang.text("cli.login.waiting"));
    drop(err);
    let opened = if how.is_empty() {
        open::that_detached(url_text).map_err(|e| Text::from(e.to_string()))
    } else {
        run_browser_command(how, url)
    };
    if let Err(reason) = opened {
        // The URL is on screen; the user can still finish the sign-in by hand.
        warn(
            &Text::key("cli.login.browserFailed")
                .with("reason", reason)
                .render(lang),
        );
    }
    Ok(())
}

fn run_browser_command(command: &str, url: &Url) -> Result<(), Text> {
    let mut cmd = invoice_desk_api::browser::browser_command(command, url.as_str())
        .map_err(|_| Text::key("cli.login.browserCommandEmpty").with("variable", BROWSER_ENV))?;
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd.spawn().map_err(|e| {
        Text::key("cli.login.browserCommandFailed")
            .with("variable", BROWSER_ENV)
            .with("program", program)
            .with("reason", e.to_string())
    })?;
    std::thread::spawn(move || child.wait());
    Ok(())
}

fn show_device_code(lang: Lang, code: &DeviceCode) {
    let expires = code.expires_on.time();
    let time = format!("{:02}:{:02}", expires.hour(), expires.minute());
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "{}",
        lang.format(
            "cli.login.deviceCode",
            &[("url", &code.verification_uri), ("code", &code.user_code)]
        )
    );
    let _ = writeln!(
        err,
        "{}",
        lang.format("cli.login.deviceWaiting", &[("time", &time)])
    );
}

async fn azure_cli(lang: Lang, context: &Context, args: &LoginArgs) -> Result<Exit, CliError> {
    let cloud = &context.config.cloud;
    let credential = azure_cli_credential(args.tenant.as_deref())?;
    let scope = cloud.arm_scope()?;
    let token = credential.get_token(&[&scope], None).await.map_err(|e| {
        CliError::from(AuthError::AzureCliFailed {
            message: invoice_desk_logging::redact(&e.to_string()).into_owned(),
        })
    })?;
    let identity = invoice_desk_auth::TokenIdentity::from_access_token(token.token.secret());
    drop(token);
    let username = identity
        .username
        .clone()
        .unwrap_or_else(|| lang.text("cli.login.anAccount"));
    let name = match &identity.name {
        Some(name) if *name != username => format!("{name} <{username}>"),
        _ => username,
    };
    println!("{}", lang.format("cli.login.azureCli", &[("name", &name)]));
    print!(
        "{}",
        labelled(lang, &[("cli.accounts.cloud", &cloud.key())])
    );
    let credential: Arc<dyn TokenCredential> = credential;
    match list_cli_tenants(context, credential).await {
        Ok(tenants) => {
            print!("{}", tenants_heading(lang));
            for (id, label) in tenants {
                let home = identity
                    .tenant
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case(&id));
                let flag = if home {
                    format!("  [{}]", lang.text("cli.accounts.home"))
                } else {
                    String::new()
                };
                println!(
                    "    {id}{}{label}{flag}",
                    if label.is_empty() { "" } else { "  " },
                );
            }
        }
        Err(message) => warn(
            &Text::key("cli.login.tenantsListFailed")
                .with("message", message.trim_end_matches('.'))
                .with("hint", hint("tenant_listing_failed"))
                .render(lang),
        ),
    }
    println!("{}", lang.text("cli.login.azureCliStoredNothing"));
    Ok(Exit::Ok)
}

async fn list_cli_tenants(
    context: &Context,
    credential: Arc<dyn TokenCredential>,
) -> Result<Vec<(String, String)>, String> {
    let cloud = context
        .config
        .cloud
        .to_billing()
        .map_err(|e| e.to_string())?;
    let client = ArmClient::builder(cloud, credential)
        .build()
        .map_err(|e| e.to_string())?;
    let tenants: Vec<_> = client
        .list_tenants()
        .try_collect()
        .await
        .map_err(|e| e.to_string())?;
    Ok(tenants
        .into_iter()
        .filter_map(|t| {
            let label = match (t.display_name, t.default_domain) {
                (Some(name), Some(domain)) => format!("{name} ({domain})"),
                (Some(name), None) => name,
                (None, Some(domain)) => domain,
                (None, None) => String::new(),
            };
            Some((t.tenant_id?, label))
        })
        .collect())
}
