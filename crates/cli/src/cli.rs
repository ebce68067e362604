//! The command line as clap sees it. Command and flag names are product interfaces: scripts and
//! scheduled tasks depend on them, so they only ever gain new ones.

use clap::{ArgAction, Args, Parser, Subcommand};

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  failure (the message says what went wrong, the hint what to do)
  2  usage: a wrong flag or value on the command line or in auth.toml
  3  needs sign-in: run `invoice-desk login` (again)

The cloud, client id and tenant can also be set for everyone in the organisation config file
auth.toml (see README, \"Use your organisation's own app registration\").";

/// Invoice Desk: Azure invoices on your disk.
#[derive(Debug, Parser)]
#[command(name = "invoice-desk", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Azure cloud: public, china or usgov (default: auth.toml, else public).
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        conflicts_with_all = ["authority", "arm_endpoint"]
    )]
    pub cloud: Option<String>,
    /// A custom cloud's sign-in authority host (with --arm-endpoint); http only for loopback.
    #[arg(long, global = true, value_name = "URL", requires = "arm_endpoint")]
    pub authority: Option<String>,
    /// A custom cloud's Azure Resource Manager endpoint (with --authority).
    #[arg(long, global = true, value_name = "URL", requires = "authority")]
    pub arm_endpoint: Option<String>,
    /// Diagnostics on stderr (-v: debug, -vv: trace); tokens are never printed.
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in (system browser by default) and remember the account in the OS keychain.
    Login(LoginArgs),
    /// List the remembered accounts and their tenants.
    Accounts(AccountsArgs),
    /// Sign out: remove an account's entries from the OS keychain.
    Logout(LogoutArgs),
}

#[derive(Debug, Clone, Default, Args)]
pub struct LoginArgs {
    /// Sign in with a code entered on another device (no browser needed on this machine).
    #[arg(long, conflicts_with = "azure_cli")]
    pub device_code: bool,
    /// Reuse the Azure CLI's sign-in (`az login`); nothing is stored by Invoice Desk.
    #[arg(long)]
    pub azure_cli: bool,
    /// Tenant to sign in to: a tenant id or domain (default: auth.toml, else organizations).
    #[arg(long, value_name = "T")]
    pub tenant: Option<String>,
    /// Application (client) id of your organisation's own app registration.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Keep the sign-in for this command only: nothing is written to the keychain.
    #[arg(long)]
    pub no_remember: bool,
}

#[derive(Debug, Clone, Default, Args)]
pub struct AccountsArgs {
    /// A JSON array: id, username, displayName, cloud, homeTenant, tenants [{id, displayName, enabled}].
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Default, Args)]
pub struct LogoutArgs {
    /// The account's id or username (needed when more than one account is remembered).
    #[arg(value_name = "ACCOUNT", conflicts_with = "all")]
    pub account: Option<String>,
    /// Sign out of every account and delete every keychain entry of Invoice Desk.
    #[arg(long)]
    pub all: bool,
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::{Cli, Command};

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_go_anywhere_and_custom_clouds_need_both_urls() {
        let cli = Cli::try_parse_from([
            "invoice-desk",
            "login",
            "--authority",
            "http://127.0.0.1:1",
            "--arm-endpoint",
            "http://127.0.0.1:1",
            "-vv",
        ])
        .unwrap();
        assert_eq!(cli.global.verbose, 2);
        assert!(matches!(cli.command, Command::Login(_)));
        let err =
            Cli::try_parse_from(["invoice-desk", "login", "--authority", "http://x"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        // Same level: the parser refuses; across levels `Context` does (clap cannot see it).
        let err = Cli::try_parse_from([
            "invoice-desk",
            "accounts",
            "--cloud",
            "china",
            "--authority",
            "https://a",
            "--arm-endpoint",
            "https://b",
        ])
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            Cli::try_parse_from(["invoice-desk", "login", "--device-code", "--azure-cli"]).is_err()
        );
        assert!(Cli::try_parse_from(["invoice-desk", "logout", "a", "--all"]).is_err());
    }
}
