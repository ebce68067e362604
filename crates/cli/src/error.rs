//! What the command line says when something fails: one `error:` sentence, one `hint:` with
//! what to do, and a documented exit code. The sentences are catalogue texts, rendered in
//! `--lang` when printed; the prefixes and the codes never change.

use std::fmt;
use std::process::ExitCode;

use invoice_desk_api::ErrorCode;
use invoice_desk_auth::AuthError;
use invoice_desk_billing::BillingCode;
use invoice_desk_logging::redact;

use crate::catalogue::{Lang, Text};

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
    /// Not something the app does on this scope: the Azure portal does it (invoice e-mail of a
    /// pay-as-you-go subscription or an Enterprise Agreement). Apart from a failure, as retrying
    /// or another role will not help.
    PortalOnly = 6,
}

impl From<ErrorCode> for Exit {
    /// What a product failure tells a script: sign in again, ask for a role, try again later,
    /// fix the command, or failed. A billing failure reaches its exit through this too.
    fn from(code: ErrorCode) -> Self {
        match code {
            ErrorCode::SignInExpired
            | ErrorCode::SignInAgainRequired
            | ErrorCode::ConsentRequired => Self::NeedsSignIn,
            ErrorCode::Forbidden
            | ErrorCode::DownloadNotAllowed
            | ErrorCode::UsageNotAllowed
            | ErrorCode::ViewChargesOff
            | ErrorCode::EmailNotChangeable => Self::Permission,
            ErrorCode::EmailNotOffered => Self::PortalOnly,
            ErrorCode::Throttled | ErrorCode::ServerError | ErrorCode::Network => Self::Azure,
            ErrorCode::InvalidEndpoint
            | ErrorCode::InvalidConfig
            | ErrorCode::InvalidUsageRequest => Self::Usage,
            _ => Self::Failure,
        }
    }
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
    pub message: Text,
    pub hint: Text,
    pub exit: Exit,
}

impl CliError {
    pub fn new(
        code: &'static str,
        exit: Exit,
        message: impl Into<Text>,
        hint: impl Into<Text>,
    ) -> Self {
        Self {
            code,
            message: message.into(),
            hint: hint.into(),
            exit,
        }
    }

    /// The two lines written to stderr, in `lang`; secrets scrubbed whatever the message
    /// holds.
    pub fn render(&self, lang: Lang) -> String {
        format!(
            "error: {}\nhint: {}\n",
            redact(&one_line(&self.message.render(lang))),
            redact(&one_line(&self.hint.render(lang)))
        )
    }

    /// The message and the hint as one warning line, in `lang`.
    pub fn warning(&self, lang: Lang) -> String {
        format!("{} {}", self.message.render(lang), self.hint.render(lang))
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message.render(Lang::En))
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
        Self::new(error.code(), exit, auth_message(&error), hint(error.code()))
    }
}

/// What went wrong signing in: the catalogue's sentence for the error's code
/// (`cli.auth.<code>`), filled with what the sign-in service or the system said. A code the
/// catalogue does not know yet keeps the sign-in crate's own sentence.
pub fn auth_message(error: &AuthError) -> Text {
    let values: Vec<(&'static str, &str)> = match error {
        AuthError::InvalidGrant { description } => vec![("description", description)],
        AuthError::InteractionRequired {
            tenant,
            description,
            ..
        }
        | AuthError::ConsentRequired {
            tenant,
            description,
        } => vec![("tenant", tenant), ("description", description)],
        AuthError::KeychainUnavailable { reason }
        | AuthError::Keychain { reason }
        | AuthError::InvalidEndpoint { reason }
        | AuthError::InvalidConfig { reason }
        | AuthError::InvalidResponse { reason } => vec![("reason", reason)],
        AuthError::AzureCliFailed { message }
        | AuthError::Network { message }
        | AuthError::BrowserFailed { message }
        | AuthError::Listener { message }
        | AuthError::TenantListing { message } => vec![("message", message)],
        AuthError::Authority { error, description } => {
            vec![("error", error), ("description", description)]
        }
        AuthError::AccountNotFound { account } => vec![("account", account)],
        _ => Vec::new(),
    };
    let key = match error.code() {
        // The window's sentence says exactly this.
        "cancelled" => "errors.sign_in_cancelled.message".to_owned(),
        code => format!("cli.auth.{code}"),
    };
    if !Lang::En.words().has(&key) {
        return Text::Raw(sentence(&error.to_string()));
    }
    values
        .into_iter()
        .fold(Text::key(key), |text, (name, value)| {
            // The sentence ends with its own full stop.
            text.with(name, value.trim().trim_end_matches('.'))
        })
}

/// A billing failure by its stable code ([`invoice_desk_billing::BillingError::code`]):
/// needs sign-in, permission, Azure (transient, after retries) or other. `what` says what was
/// being done; `message` is what Azure said.
pub fn billing_failure(code: BillingCode, what: Text, message: &str) -> CliError {
    let hint = match code {
        BillingCode::Unauthenticated | BillingCode::Credential => "cli.hint.billing.signIn",
        BillingCode::Forbidden => "cli.hint.billing.permission",
        BillingCode::Throttled
        | BillingCode::Server
        | BillingCode::Network
        | BillingCode::Timeout => "cli.hint.billing.azure",
        BillingCode::InvalidEndpoint => "cli.hint.billing.endpoint",
        BillingCode::NotFound
        | BillingCode::MalformedResponse
        | BillingCode::BadRequest
        | BillingCode::Cancelled => "cli.hint.verbose",
    };
    CliError::new(
        code.as_str(),
        Exit::from(ErrorCode::from(code)),
        Text::Seq(vec![what, Text::from(": "), Text::Raw(sentence(message))]),
        Text::key(hint),
    )
}

impl From<&invoice_desk_billing::BillingError> for CliError {
    fn from(error: &invoice_desk_billing::BillingError) -> Self {
        billing_failure(
            error.kind(),
            Text::key("cli.error.billing"),
            &error.to_string(),
        )
    }
}

/// What to do about an auth failure, by its stable code: `cli.hint.<code>` (the window's
/// sign-in codes where the auth code means the same), else "run again with `-v`".
pub fn hint(code: &str) -> Text {
    let key = match code {
        "invalid_grant" => "cli.hint.sign_in_expired".to_owned(),
        "interaction_required" => "cli.hint.sign_in_again_required".to_owned(),
        code => format!("cli.hint.{code}"),
    };
    if Lang::En.words().has(&key) {
        Text::key(key)
    } else {
        Text::key("cli.hint.verbose")
    }
}

#[cfg(test)]
mod tests {
    use invoice_desk_auth::AuthError;

    use super::{CliError, Exit};
    use crate::catalogue::{Lang, Text};

    #[test]
    fn auth_errors_map_to_exit_codes_and_hints() {
        let err = CliError::from(AuthError::InvalidGrant {
            description: "expired".into(),
        });
        assert_eq!(err.exit, Exit::NeedsSignIn);
        assert!(err.hint.render(Lang::En).contains("invoice-desk login"));
        assert_eq!(
            err.message.render(Lang::En),
            "The sign-in has expired or was revoked: expired."
        );
        let err = CliError::from(AuthError::InvalidEndpoint {
            reason: "plain http is only allowed for loopback hosts: http://example.com".into(),
        });
        assert_eq!(err.exit, Exit::Usage);
        let rendered = err.render(Lang::En);
        assert!(rendered.starts_with("error: "), "{rendered}");
        assert_eq!(rendered.lines().count(), 2);
        assert!(rendered.lines().nth(1).unwrap().starts_with("hint: "));
        assert_eq!(CliError::from(AuthError::Cancelled).exit, Exit::Failure);
    }

    #[test]
    fn every_auth_code_has_a_sentence_and_a_hint_in_both_languages() {
        let all = [
            AuthError::Cancelled,
            AuthError::TimedOut,
            AuthError::StateMismatch,
            AuthError::InvalidGrant {
                description: "d".into(),
            },
            AuthError::InteractionRequired {
                tenant: "t".into(),
                description: "d".into(),
                claims: None,
            },
            AuthError::ConsentRequired {
                tenant: "t".into(),
                description: "d".into(),
            },
            AuthError::DeviceCodeExpired,
            AuthError::Declined,
            AuthError::KeychainUnavailable { reason: "r".into() },
            AuthError::Keychain { reason: "r".into() },
            AuthError::AzureCliMissing,
            AuthError::AzureCliFailed {
                message: "m".into(),
            },
            AuthError::Network {
                message: "m".into(),
            },
            AuthError::InvalidEndpoint { reason: "r".into() },
            AuthError::InvalidConfig { reason: "r".into() },
            AuthError::BrowserFailed {
                message: "m".into(),
            },
            AuthError::Listener {
                message: "m".into(),
            },
            AuthError::Authority {
                error: "e".into(),
                description: "d".into(),
            },
            AuthError::InvalidResponse { reason: "r".into() },
            AuthError::AccountNotFound {
                account: "a".into(),
            },
            AuthError::TenantListing {
                message: "m".into(),
            },
        ];
        for error in all {
            let code = error.code();
            let err = CliError::from(error);
            assert!(
                matches!(err.message, Text::Key(..)),
                "{code}: no catalogue sentence"
            );
            let (en, nl) = (err.render(Lang::En), err.render(Lang::Nl));
            assert_ne!(en, nl, "{code}");
            assert!(!en.contains("cli.") && !nl.contains("cli."), "{en}{nl}");
            assert!(!en.contains('{') && !nl.contains('{'), "{en}{nl}");
        }
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
            (BillingCode::NotFound, Exit::Failure),
            (BillingCode::Cancelled, Exit::Failure),
            (BillingCode::InvalidEndpoint, Exit::Usage),
        ] {
            let err = billing_failure(code, Text::from("Listing failed"), "boom");
            assert_eq!(err.exit, exit, "{code}");
            assert_eq!(err.message.render(Lang::En), "Listing failed: Boom.");
            assert_ne!(err.hint.render(Lang::En), err.hint.render(Lang::Nl));
        }
        assert_eq!(Exit::Permission as u8, 4);
        assert_eq!(Exit::Azure as u8, 5);
        assert_eq!(Exit::PortalOnly as u8, 6);
        assert_eq!(
            Exit::from(invoice_desk_api::ErrorCode::EmailNotOffered),
            Exit::PortalOnly
        );
        assert_eq!(
            Exit::from(invoice_desk_api::ErrorCode::EmailNotChangeable),
            Exit::Permission
        );
    }

    #[test]
    fn rendering_scrubs_secrets() {
        let err = CliError::new(
            "x",
            Exit::Failure,
            "failed at http://127.0.0.1/?code=abc123",
            "h",
        );
        assert!(!err.render(Lang::En).contains("abc123"));
    }
}
