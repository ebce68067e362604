//! `invoice-desk`: the command-line front of Invoice Desk (no window, no WebKit).
//!
//! Exit codes: 0 success, 1 failure, 2 usage (wrong flag or value, on the command line or in
//! auth.toml), 3 needs sign-in, 4 permission (403), 5 Azure error (throttled, server, network
//! after retries), 6 not offered here (the Azure portal does it). Failures print
//! `error: <sentence>` and `hint: <what to do>`.

mod catalogue;
mod cli;
mod commands;
mod context;
mod demo;
mod error;
mod output;
mod sources;
mod table;
mod trace;

use std::process::ExitCode;

use clap::Parser as _;

use crate::catalogue::{Lang, Text};
use crate::cli::{Cli, Command};
use crate::error::{CliError, Exit};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let _ = error.print();
            return if error.use_stderr() {
                Exit::Usage.into()
            } else {
                Exit::Ok.into()
            };
        }
    };
    trace::init(cli.global.verbose);
    let lang = cli.global.language();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return report(
                &CliError::new(
                    "runtime_failed",
                    Exit::Failure,
                    Text::key("cli.error.runtime.message").with("reason", e.to_string()),
                    Text::key("cli.hint.runAgain"),
                ),
                lang,
            );
        }
    };
    let outcome = runtime.block_on(run(&cli));
    // Don't wait for a background task (a browser reaper, the Ctrl+C watcher).
    runtime.shutdown_background();
    match outcome {
        Ok(exit) => exit.into(),
        Err(error) => report(&error, lang),
    }
}

async fn run(cli: &Cli) -> Result<Exit, CliError> {
    match &cli.command {
        Command::Login(args) => commands::login::run(&cli.global, args).await,
        Command::Accounts(args) => commands::accounts::run(&cli.global, args).await,
        Command::Logout(args) => commands::logout::run(&cli.global, args).await,
        Command::Scopes => commands::scopes::run(&cli.global).await,
        Command::Invoices(args) => commands::invoices::run(&cli.global, args).await,
        Command::Download(args) => commands::save::download(&cli.global, args).await,
        Command::Sync(args) => commands::save::sync(&cli.global, args).await,
        Command::Usage(args) => commands::usage::run(&cli.global, args).await,
        Command::Glance(args) => commands::glance::run(&cli.global, args).await,
        Command::Email(args) => commands::email::run(&cli.global, args).await,
        Command::Access(args) => commands::access::run(&cli.global, args).await,
    }
}

fn report(error: &CliError, lang: Lang) -> ExitCode {
    tracing::debug!(code = error.code, "command failed");
    eprint!("{}", error.render(lang));
    error.exit.into()
}
