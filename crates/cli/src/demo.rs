//! `--demo`: the built-in sample data ([`invoice_desk_api::Demo`]), signed in as `--account`
//! (default the pay-as-you-go administrator) with every directory on, as the command line has
//! no directory switches.

use invoice_desk_api::{DEFAULT_DEMO_USER, DEMO_SCENARIO, Demo, DemoError};
use invoice_desk_auth::{AccountSession, CompletionPage};

use crate::catalogue::Text;
use crate::cli::GlobalArgs;
use crate::error::{CliError, Exit};

/// Starts the demo for a command run with `--demo`: the sample Azure on the demo's day and
/// the demo user signed in to it.
pub async fn start(global: &GlobalArgs) -> Result<(Demo, AccountSession), CliError> {
    let mut demo = Demo::start(DEMO_SCENARIO, global.demo_day()?)
        .await
        .map_err(demo_error)?;
    let upn = global.account.as_deref().unwrap_or(DEFAULT_DEMO_USER);
    let signed_in = match demo.sign_in_as(upn, CompletionPage::default()).await {
        Ok(session) => demo.enable_every_directory().await.map(|()| session),
        Err(err) => Err(err),
    };
    match signed_in {
        Ok(session) => Ok((demo, session)),
        Err(err) => {
            demo.stop().await;
            Err(demo_error(err))
        }
    }
}

fn demo_error(err: DemoError) -> CliError {
    match err {
        DemoError::Unavailable(reason) => CliError::new(
            "demo_unavailable",
            Exit::Failure,
            Text::key("cli.error.demoUnavailable.message")
                .with("reason", reason.trim_end_matches('.')),
            Text::key("cli.hint.verbose"),
        ),
        DemoError::UnknownUser { upn, users } => CliError::new(
            "demo_user_unknown",
            Exit::Usage,
            Text::key("cli.error.demoUser.message").with("upn", upn),
            Text::key("cli.error.demoUser.hint").with("users", users.join(", ")),
        ),
        DemoError::SignIn(err) => CliError::from(err),
    }
}
