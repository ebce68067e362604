//! What the command line says when something fails: one `error:` sentence, one `hint:` with
//! what to do, and a documented exit code.

use std::fmt;
use std::process::ExitCode;

use invoice_desk_auth::AuthError;
use invoice_desk_billing::BillingCode;
use invoice_desk_logging::redact;

/// The process exit codes (also in `--help` and README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Failure = 1,
    Usage = 2,
    NeedsSignIn = 3,
    /// Azure refused access (403).
    Permission = 4,
    /// Throttled, a server error or no network, after the client's retries.
    Azure = 5,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// A failure of a command, ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// A stable machine-readable code (the auth crate's codes, plus the CLI's own).
    pub code: &'static str,
    pub message: String,
    pub hint: String,
    pub exit: Exit,
}

impl CliError {
    pub fn new(
        code: &'static str,
        exit: Exit,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self {
            code,
            message: message.into(),
            hint: hint.into(),
            exit,
        }
    }

    /// The two lines written to stderr; secrets scrubbed whatever the message holds.
    pub fn render(&self) -> String {
        let message = one_line(&self.message);
        format!(
            "error: {}\nhint: {}\n",
            redact(&message),
            redact(&one_line(&self.hint))
        )
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A sentence: first letter upper case, ends with a full stop.
fn sentence(text: &str) -> String {
    let text = text.trim().trim_end_matches('.');
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

impl From<AuthError> for CliError {
    fn from(error: AuthError) -> Self {
        let exit = if error.needs_interaction() {
            Exit::NeedsSignIn
        } else if matches!(error.code(), "invalid_config" | "invalid_endpoint") {
            Exit::Usage
        } else {
            Exit::Failure
        };
        Self::new(
            error.code(),
            exit,
            sentence(&error.to_string()),
            hint(error.code()),
        )
    }
}

/// A billing failure by its stable code ([`invoice_desk_billing::BillingError::code`]):
/// needs sign-in, permission, Azure (transient, after retries) or other.
pub fn billing_failure(code: BillingCode, what: &str, message: &str) -> CliError {
    let (exit, hint) = match code {
        BillingCode::Unauthenticated | BillingCode::Credential => (
            Exit::NeedsSignIn,
            "Sign in again with `invoice-desk login` (with `--tenant <id>` for a tenant that asks for MFA).",
        ),
        BillingCode::Forbidden => (
            Exit::Permission,
            "Ask for a billing role on that scope; `invoice-desk scopes` says which role and who can grant it.",
        ),
        BillingCode::Throttled
        | BillingCode::Server
        | BillingCode::Network
        | BillingCode::Timeout => (
            Exit::Azure,
            "Azure did not answer after several tries; try again in a few minutes (`-v` shows more).",
        ),
        BillingCode::InvalidEndpoint => (
            Exit::Usage,
            "Give https URLs to `--authority` and `--arm-endpoint`; plain http only for 127.0.0.1 or localhost.",
        ),
        BillingCode::NotFound
        | BillingCode::MalformedResponse
        | BillingCode::BadRequest
        | BillingCode::Cancelled => (
            Exit::Failure,
            "Run the command again with `-v` for details.",
        ),
    };
    CliError::new(
        code.as_str(),
        exit,
        format!("{what}: {}", sentence(message)),
        hint,
    )
}

impl From<&invoice_desk_billing::BillingError> for CliError {
    fn from(error: &invoice_desk_billing::BillingError) -> Self {
        billing_failure(error.kind(), "Azure billing failed", &error.to_string())
    }
}

/// What to do about an auth failure, by its stable code.
pub fn hint(code: &str) -> &'static str {
    match code {
        "cancelled" => "Run the command again when you are ready.",
        "timed_out" => {
            "Run `invoice-desk login` again and finish in the browser within 5 minutes, or use `--device-code`."
        }
        "state_mismatch" => {
            "Run `invoice-desk login` again; if it keeps happening, use `--device-code`."
        }
        "invalid_grant" => "Sign in again with `invoice-desk login`.",
        "interaction_required" => {
            "Sign in again with `invoice-desk login --tenant <tenant id>` to complete MFA or Conditional Access there."
        }
        "consent_required" => {
            "Ask an administrator of that tenant to consent to the app, or use your organisation's own app registration (`--client-id`, see README)."
        }
        "device_code_expired" => {
            "Run `invoice-desk login --device-code` again and enter the code before it expires."
        }
        "declined" => "Run `invoice-desk login` again and approve the sign-in.",
        "keychain_unavailable" => {
            "Unlock or start the OS keychain (on Linux a Secret Service such as GNOME Keyring or KWallet), or sign in with `--no-remember`."
        }
        "keychain_failed" => {
            "Sign out with `invoice-desk logout --all` and sign in again; `-v` shows more."
        }
        "azure_cli_missing" => {
            "Install the Azure CLI and run `az login`, or sign in with `invoice-desk login`."
        }
        "azure_cli_failed" => {
            "Run `az login` (and `az cloud set` for another cloud), then try again."
        }
        "network" => "Check the network connection and proxy settings, then try again.",
        "invalid_endpoint" => {
            "Give https URLs to `--authority` and `--arm-endpoint` (or in auth.toml); plain http only for 127.0.0.1 or localhost."
        }
        "invalid_config" => {
            "Fix the value on the command line or in the organisation config file auth.toml."
        }
        "browser_failed" => "Open the printed URL in a browser yourself, or use `--device-code`.",
        "listener_failed" => "Use `invoice-desk login --device-code` instead.",
        "authority_error" => {
            "Check the client id, tenant and cloud (flags or auth.toml); `-v` shows more."
        }
        "account_not_found" => "Run `invoice-desk accounts` to see the remembered accounts.",
        "tenant_listing_failed" => {
            "The sign-in worked; try again later to list the other tenants (`-v` shows more)."
        }
        _ => "Run the command again with `-v` for details.",
    }
}

#[cfg(test)]
mod tests {
    use invoice_desk_auth::AuthError;

    use super::{CliError, Exit};

    #[test]
    fn auth_errors_map_to_exit_codes_and_hints() {
        let err = CliError::from(AuthError::InvalidGrant {
            description: "expired".into(),
        });
        assert_eq!(err.exit, Exit::NeedsSignIn);
        assert!(err.hint.contains("invoice-desk login"));
        let err = CliError::from(AuthError::InvalidEndpoint {
            reason: "plain http is only allowed for loopback hosts: http://example.com".into(),
        });
        assert_eq!(err.exit, Exit::Usage);
        let rendered = err.render();
        assert!(rendered.starts_with("error: "), "{rendered}");
        assert_eq!(rendered.lines().count(), 2);
        assert!(rendered.lines().nth(1).unwrap().starts_with("hint: "));
        assert_eq!(CliError::from(AuthError::Cancelled).exit, Exit::Failure);
    }

    #[test]
    fn billing_errors_map_to_exit_codes() {
        use invoice_desk_billing::BillingCode;

        use super::billing_failure;
        for (code, exit) in [
            (BillingCode::Forbidden, Exit::Permission),
            (BillingCode::Throttled, Exit::Azure),
            (BillingCode::Server, Exit::Azure),
            (BillingCode::Network, Exit::Azure),
            (BillingCode::Timeout, Exit::Azure),
            (BillingCode::Credential, Exit::NeedsSignIn),
            (BillingCode::Unauthenticated, Exit::NeedsSignIn),
            (BillingCode::MalformedResponse, Exit::Failure),
        ] {
            let err = billing_failure(code, "Listing failed", "boom");
            assert_eq!(err.exit, exit, "{code}");
            assert_eq!(err.message, "Listing failed: Boom.");
        }
        assert_eq!(Exit::Permission as u8, 4);
        assert_eq!(Exit::Azure as u8, 5);
    }

    #[test]
    fn rendering_scrubs_secrets() {
        let err = CliError::new(
            "x",
            Exit::Failure,
            "failed at http://127.0.0.1/?code=abc123",
            "h",
        );
        assert!(!err.render().contains("abc123"));
    }
}
