//! `invoice-desk login`: system browser (default), device code, or the Azure CLI's sign-in.

use std::io::Write as _;
use std::process::Stdio;
use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use futures::TryStreamExt as _;
use invoice_desk_auth::{
    AccountSession, AuthError, BrowserOptions, DeviceCode, DeviceOptions, azure_cli_credential,
};
use invoice_desk_billing::ArmClient;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::cli::{AuthMethod, GlobalArgs, LoginArgs};
use crate::context::Context;
use crate::error::{CliError, Exit, hint};
use crate::output::{account_block, who};

/// How the sign-in page is opened: unset → the system browser; `print` → only print the URL
/// (SSH sessions, tests); anything else → that command with the URL as its last argument.
pub const BROWSER_ENV: &str = "INVOICE_DESK_BROWSER";

pub async fn run(global: &GlobalArgs, args: &LoginArgs) -> Result<Exit, CliError> {
    if global.demo {
        return Err(CliError::new(
            "invalid_config",
            Exit::Usage,
            "`login` does not take --demo: the demo signs in by itself.",
            "Run e.g. `invoice-desk scopes --demo` instead.",
        ));
    }
    let method = method(global, args)?;
    let context = Context::load(global, args.client_id.as_deref(), args.tenant.as_deref())?;
    if method == AuthMethod::AzureCli {
        return azure_cli(&context, args).await;
    }
    let remember = !args.no_remember;
    let (accounts, problem) = context.accounts(remember).await?;
    if let Some(problem) = &problem {
        warn(&format!(
            "{problem}; this sign-in will not be remembered ({}).",
            problem.code()
        ));
    }
    let cancel = cancel_on_ctrl_c();
    let session = if method == AuthMethod::DeviceCode {
        accounts
            .sign_in_with_device_code(&DeviceOptions::default(), show_device_code, &cancel)
            .await?
    } else {
        accounts
            .sign_in_with_browser(&BrowserOptions::default(), open_browser, &cancel)
            .await?
    };
    list_tenants(&session).await;
    let account = session.account();
    println!("Signed in as {}", who(&account));
    print!("{}", account_block(&account, |t| session.tenant_state(t)));
    if accounts.is_persistent() {
        println!("Remembered in the OS keychain; `invoice-desk logout` signs out.");
    } else if args.no_remember {
        println!("Not remembered (--no-remember): nothing was written to the keychain.");
    } else {
        println!("Not remembered: the OS keychain is not available.");
    }
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
            "--auth says one way to sign in and --device-code or --azure-cli another.",
            "Give only one of them.",
        )),
        (a, b) => Ok(a.or(b).unwrap_or(AuthMethod::Browser)),
    }
}

/// The account's other tenants from ARM; a failure only costs the listing.
async fn list_tenants(session: &AccountSession) {
    if let Err(error) = session.refresh_tenants().await {
        tracing::debug!(code = error.code(), %error, "tenant listing failed");
        warn(&format!(
            "could not list the account's other tenants ({}). {}",
            error.code(),
            hint(error.code())
        ));
    }
}

fn warn(text: &str) {
    eprintln!("warning: {}", invoice_desk_logging::redact(text));
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
fn open_browser(url: &Url) -> Result<(), AuthError> {
    let how = std::env::var(BROWSER_ENV).unwrap_or_default();
    let how = how.trim();
    let mut err = std::io::stderr().lock();
    if how.eq_ignore_ascii_case("print") {
        let _ = writeln!(err, "To sign in, open this URL: {url}");
        return Ok(());
    }
    let _ = writeln!(err, "Opening the sign-in page in your browser…");
    let _ = writeln!(err, "If no browser opens, open this URL: {url}");
    let _ = writeln!(err, "Waiting for the sign-in to finish (Ctrl+C to stop)…");
    drop(err);
    let opened = if how.is_empty() {
        open::that_detached(url.as_str()).map_err(|e| e.to_string())
    } else {
        run_browser_command(how, url)
    };
    if let Err(reason) = opened {
        // The URL is on screen; the user can still finish the sign-in by hand.
        warn(&format!("the browser could not be started: {reason}"));
    }
    Ok(())
}

fn run_browser_command(command: &str, url: &Url) -> Result<(), String> {
    let mut words = command.split_whitespace();
    let program = words.next().ok_or("empty command")?;
    let mut child = std::process::Command::new(program)
        .args(words)
        .arg(url.as_str())
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("{BROWSER_ENV} `{program}` could not start: {e}"))?;
    std::thread::spawn(move || child.wait());
    Ok(())
}

fn show_device_code(code: &DeviceCode) {
    let expires = code.expires_on.time();
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "To sign in, open {} and enter the code {}",
        code.verification_uri, code.user_code
    );
    let _ = writeln!(
        err,
        "Waiting for the sign-in to finish (the code expires at {:02}:{:02} UTC; Ctrl+C to stop)…",
        expires.hour(),
        expires.minute()
    );
}

async fn azure_cli(context: &Context, args: &LoginArgs) -> Result<Exit, CliError> {
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
        .unwrap_or_else(|| "an account".into());
    match &identity.name {
        Some(name) if *name != username => {
            println!("Using the Azure CLI's sign-in: {name} <{username}>");
        }
        _ => println!("Using the Azure CLI's sign-in: {username}"),
    }
    println!("  cloud:  {}", cloud.key());
    let credential: Arc<dyn TokenCredential> = credential;
    match list_cli_tenants(context, credential).await {
        Ok(tenants) => {
            println!("  tenants:");
            for (id, label) in tenants {
                let home = identity
                    .tenant
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case(&id));
                println!(
                    "    {id}{}{label}{}",
                    if label.is_empty() { "" } else { "  " },
                    if home { "  [home]" } else { "" }
                );
            }
        }
        Err(message) => warn(&format!(
            "could not list the tenants: {message}. {}",
            hint("tenant_listing_failed")
        )),
    }
    println!("Nothing was stored: the Azure CLI keeps this sign-in (`az logout` ends it).");
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
