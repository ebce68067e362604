//! The command line as clap sees it. Command and flag names are product interfaces: scripts and
//! scheduled tasks depend on them, so they only ever gain new ones.

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use time::{Date, Month};

use invoice_desk_billing::Clock;

use crate::catalogue::{Lang, Text};
use crate::error::{CliError, Exit};

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  failure (the message says what went wrong, the hint what to do)
  2  usage: a wrong flag or value on the command line or in auth.toml
  3  needs sign-in: run `invoice-desk login` (again)
  4  permission: Azure refused access (403); the hint says which role to ask for
  5  Azure error: throttled, a server error or no network, even after retries
  6  not offered here: the setting is changed in the Azure portal (`email`)

`--demo` runs every command against built-in sample data (a local Azure inside the program,
signed in as `--account`, default alex@contoso.example); nothing is read from or written to
the keychain and nothing goes to Azure.

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
    /// A custom cloud's Azure Resource Manager endpoint (with --authority; alone with
    /// --auth azure-cli, where the Azure CLI signs in).
    #[arg(long, global = true, value_name = "URL")]
    pub arm_endpoint: Option<String>,
    /// The account to act as: its username (UPN) or id (default: every remembered account;
    /// with --demo the demo user, default alex@contoso.example).
    #[arg(long, global = true, value_name = "UPN")]
    pub account: Option<String>,
    /// How to sign in: browser (default), device-code, or azure-cli (reuse `az login`; the
    /// other commands then use the Azure CLI's sign-in instead of remembered accounts).
    #[arg(long, global = true, value_enum, value_name = "HOW")]
    pub auth: Option<AuthMethod>,
    /// Built-in sample data: a local Azure inside the program, signed in as --account; never
    /// the keychain, never real Azure.
    #[arg(
        long,
        global = true,
        conflicts_with_all = ["cloud", "authority", "arm_endpoint"]
    )]
    pub demo: bool,
    /// With --demo: the day the sample data and the listing live on (default:
    /// INVOICE_DESK_TODAY when set, else today). For trying dates such as a month's first days.
    #[arg(
        long,
        global = true,
        requires = "demo",
        value_name = "YYYY-MM-DD",
        value_parser = invoice_desk_emulator::calendar::parse_day
    )]
    pub today: Option<Date>,
    /// Machine-readable output: JSON on stdout (field names are a stable interface).
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of everything printed for people (not --json field names or codes): en or nl
    /// (default: from LANG).
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
    /// Diagnostics on stderr (-v: debug, -vv: trace); tokens are never printed.
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
}

impl GlobalArgs {
    /// `--lang`, else the environment's language.
    pub fn language(&self) -> Lang {
        self.lang.unwrap_or_else(Lang::from_env)
    }

    /// The day the demo lives on when one is pinned: `--today`, else `INVOICE_DESK_TODAY`.
    /// Outside demo mode nothing pins the date.
    pub fn demo_day(&self) -> Result<Option<Date>, CliError> {
        if !self.demo {
            return Ok(None);
        }
        match self.today {
            Some(day) => Ok(Some(day)),
            None => invoice_desk_emulator::calendar::pinned_by_env().map_err(|e| {
                CliError::new(
                    "invalid_config",
                    Exit::Usage,
                    e,
                    Text::key("cli.hint.today"),
                )
            }),
        }
    }

    /// Where this command's "today" comes from: the demo's day in demo mode, else the system.
    pub fn clock(&self) -> Result<Clock, CliError> {
        Ok(Clock::pinned_or_system(self.demo_day()?))
    }
}

/// `--auth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthMethod {
    /// The system browser (authorization code + PKCE, loopback redirect).
    Browser,
    /// A code entered on another device.
    DeviceCode,
    /// The Azure CLI's sign-in (`az login`).
    AzureCli,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in (system browser by default) and remember the account in the OS keychain.
    Login(LoginArgs),
    /// List the remembered accounts and their tenants.
    Accounts(AccountsArgs),
    /// Sign out: remove an account's entries from the OS keychain.
    Logout(LogoutArgs),
    /// List every billing scope you can reach, your roles there and what you may do.
    #[command(after_help = SCOPES_HELP)]
    Scopes,
    /// List a scope's billing periods, newest first, with their invoices or why there is none.
    #[command(after_help = INVOICES_HELP)]
    Invoices(InvoicesArgs),
    /// Save a scope's invoice PDFs into a folder (the named invoices, or those of a range).
    #[command(after_help = DOWNLOAD_HELP)]
    Download(DownloadArgs),
    /// Keep an archive: save every invoice of every scope (or the named ones) not yet there.
    #[command(after_help = SYNC_HELP)]
    Sync(SyncArgs),
    /// Save a scope's usage (cost details) CSV: a billing period, an invoice's charges, the
    /// month so far, or a range of months.
    #[command(after_help = USAGE_HELP)]
    Usage(UsageArgs),
    /// Summarise a saved usage CSV: its total, cost per service, resource group and day, the
    /// most expensive resources; with --invoice, checked against that invoice.
    #[command(after_help = GLANCE_HELP)]
    Glance(GlanceArgs),
    /// Show or change who receives a billing profile's invoices by e-mail: delivery on or off
    /// and the other recipients.
    #[command(after_help = EMAIL_HELP)]
    Email(EmailArgs),
    /// Check your access: per billing account its agreement, and per scope your roles, what
    /// Azure's answer rests on and what you may do, with who can grant what is missing.
    #[command(after_help = ACCESS_HELP)]
    Access(AccessArgs),
}

const ACCESS_HELP: &str = "\
Every enabled tenant of the chosen account (--account; default every remembered account) is
searched as `invoice-desk scopes` does, with no other calls to Azure. Scopes are grouped by
billing account, each with its agreement. Per scope: your billing roles; what they rest on
(billingPermissions, checkAccess, your role assignments, billingProperty's account
administrator flag, the EA view-charges policies, a 403 Azure answered, invoices Azure listed);
and list invoices, download invoices, download usage and invoice e-mail, each allowed or not,
with the reason (the missing role and who can grant it, or the policy to turn on) and the Azure
portal page. The help pages (Microsoft Learn, a support request) close the list.

--scope narrows the list to one scope (an id from `invoice-desk scopes`, case does not matter).

--json prints {accounts, help}: accounts are {accountId, username, tenantId, billingAccountId,
displayName, agreement (mosp, mca, ea, mpa, other), scopes}; scopes are {id, kind, displayName,
parentDisplayName, roles, evidence, permittedActions, notPermittedActions, forbiddenActions,
capabilities, eaInvoiceRecipient}, roles as codes (billing_profile_owner, …), evidence codes
forbidden, invoices_listed, billing_permissions, check_access, ea_policies, billing_property,
roles; capabilities has listInvoices, downloadInvoices, downloadUsage and manageEmail, each
{state (allowed, denied, notOffered), allowed, reason, missingRole, grantedBy, policy,
grantorContact, portalUrl}; help is the help pages [{page, url}] in --lang's language.

Exit codes: 0 ok, 1 failure (no scope has the --scope id), 2 usage, 3 needs sign-in,
4 permission (403), 5 Azure error.";

#[derive(Debug, Clone, Default, Args)]
pub struct AccessArgs {
    /// Only this scope's access (its ARM id, as `invoice-desk scopes` shows it).
    #[arg(long, value_name = "ID")]
    pub scope: Option<String>,
}

const EMAIL_HELP: &str = "\
Only a Microsoft Customer Agreement billing profile's invoice e-mail is changed here. With
delivery on, every owner, contributor, reader and invoice manager of the billing profile
receives the invoice by e-mail, and so does every other recipient listed. Without --on, --off,
--add or --remove the settings are shown as Azure holds them, with whether you may change them
and, if not, why and the Azure portal page.

Changes are made in one update: several --add and --remove (or comma-separated addresses) at
once, with --on. An address is checked before anything is sent; one that is already there, or a
--remove that is not, changes nothing. --off unsubscribes everyone, the other recipients removed
too; it asks first on a terminal, and needs --yes when nobody can be asked (a script). Azure
takes a moment to apply a change; what is printed afterwards is what Azure holds then, also when
the change failed or someone else changed the settings meanwhile (theirs is kept).

Pay-as-you-go subscriptions have these settings in the Azure portal only, Enterprise Agreement
invoices are e-mailed to the enrollment's invoice recipient, and an invoice section's invoices
follow its billing profile: for those the reason and the portal page are printed, with exit 6.
For a pay-as-you-go subscription also what Azure shows: whether you are the account
administrator, the account's notification address (where invoices are e-mailed), and whether the
offer has invoice e-mail at all. --notification-address ADDRESS sets that address (the account
administrator only) and prints what Azure then holds, with exit 0.

--json prints {scopeId, optIn, recipients, mayChange}: optIn true when invoices are e-mailed,
recipients the other addresses as Azure lists them, mayChange whether you may change them.
After a failed change the same object (what Azure holds now) is printed when it could be read;
the error is on stderr. Where the settings are not offered: {scopeId, offered: false, reason,
message, portalUrl, eaInvoiceRecipient, billingProfileId, subscription}, reason portal_only,
ea_invoices_are_emailed or invoice_section; subscription (pay-as-you-go) is {scopeId,
accountAdmin, notificationEmail, mayChangeNotificationEmail, offerWithoutEmail (support_plan,
azure_in_open or null)}. After --notification-address: that subscription object.

Exit codes: 0 ok, 1 failure (an address that is not one, already there or not there, someone
else's change, an unknown scope, or --off not confirmed), 2 usage (--off without --yes when
stdin is not a terminal), 3 needs sign-in, 4 permission (your role may not change these settings,
or Azure answered 403), 5 Azure error, 6 not offered here: changed in the Azure portal.";

#[derive(Debug, Clone, Args)]
pub struct EmailArgs {
    /// The billing profile's ARM id, as `invoice-desk scopes` shows it.
    #[arg(long, value_name = "ID")]
    pub scope: String,
    /// Turn e-mail delivery on.
    #[arg(long, conflicts_with = "off")]
    pub on: bool,
    /// Turn e-mail delivery off: everyone is unsubscribed and the other recipients removed
    /// (asks first unless --yes).
    #[arg(long, conflicts_with = "add")]
    pub off: bool,
    /// Also e-mail the invoice to these addresses.
    #[arg(long, value_name = "ADDRESS", num_args = 1.., value_delimiter = ',')]
    pub add: Vec<String>,
    /// Stop e-mailing the invoice to these addresses.
    #[arg(long, value_name = "ADDRESS", num_args = 1.., value_delimiter = ',')]
    pub remove: Vec<String>,
    /// Turn delivery off without asking.
    #[arg(long)]
    pub yes: bool,
    /// Pay-as-you-go: set the account's notification address (its communication preferences),
    /// where invoices are e-mailed; only the account administrator may.
    #[arg(long, value_name = "ADDRESS", conflicts_with_all = ["on", "off", "add", "remove"])]
    pub notification_address: Option<String>,
}

impl EmailArgs {
    /// Whether anything is to be changed.
    pub fn changes(&self) -> bool {
        self.on
            || self.off
            || !self.add.is_empty()
            || !self.remove.is_empty()
            || self.notification_address.is_some()
    }
}

const GLANCE_HELP: &str = "\
The file is read on this computer only (as fast as the disk allows, in parts on every core);
without --invoice nothing signs in and nothing goes to Azure. Amounts are in the file's billing
currency, rounded to the cent; a file that mixes currencies says so. Services and resource groups
past --top are added up as one \"Other\" line; the most expensive resources are the ten largest.

--scope with --invoice sets the file's total beside that invoice's pre-tax amount (subTotal), as
Azure lists it now: a Microsoft Customer Agreement billing profile's invoice, such as one saved
with `invoice-desk usage --scope ID --invoice NAME`. They match when they agree to the cent;
otherwise the difference is given with what explains it (credits and prepayments the invoice
applied, rows of other invoices, another currency) and the charge types the file covers.

--json prints {summary, check}: summary is {rows, currency, currencies, total, firstDay,
lastDay, byService, byResourceGroup, byDay, topResources, byChargeType, invoiceIds}, amounts
exact decimal strings, days YYYY-MM-DD, shares {name, cost, rows}, days {day, cost, rows},
resources {id, name, resourceGroup, service, cost}; check is null or {invoice, currency,
invoicePreTax, fileTotal, difference, matches, notes}, notes {kind: creditsApplied, amount} |
{kind: otherInvoices, invoices} | {kind: otherCurrency, file} | {kind: chargeTypes, types
[{name, cost}]}.

Exit codes: 0 ok, 1 failure (the file cannot be read or is not a usage file, an unknown scope or
invoice), 2 usage, 3 needs sign-in, 4 permission (403), 5 Azure error.";

#[derive(Debug, Clone, Args)]
pub struct GlanceArgs {
    /// The usage CSV, as `invoice-desk usage` or `sync --usage` saved it.
    #[arg(long, value_name = "PATH")]
    pub file: std::path::PathBuf,
    /// The billing profile the invoice of --invoice is of, as `invoice-desk scopes` shows it.
    #[arg(long, value_name = "ID", requires = "invoice")]
    pub scope: Option<String>,
    /// Check the file against this invoice's pre-tax amount (needs --scope).
    #[arg(long, value_name = "NAME", requires = "scope")]
    pub invoice: Option<String>,
    /// Services and resource groups listed one by one; the rest is one "Other" line.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..))]
    pub top: u16,
}

const USAGE_HELP: &str = "\
What is reported follows the agreement: --period is a pay-as-you-go subscription's billing
period that starts in that month (else the calendar month), an Enterprise Agreement month, or a
calendar month of a billing profile; --invoice is the charges billed on that invoice (Microsoft
Customer Agreement billing profiles, and pay-as-you-go subscriptions by the invoice's period);
--open-month is the running month to date, not final. --from/--to ask for one report per month
(Azure reports on at most one month at a time and on the last 13 months only; older months are
listed as not fetched, with the reason); --merge joins them into one file with one header.

Reports take Azure a while to prepare (often minutes): a progress bar on a terminal shows the
step. A report Azure splits into several files is joined into one CSV with one header (the
settings can keep the parts instead; --keep-parts does so for this run). Names come from the
usage template in the settings (default `{billingAccount}/{yyyy}-{mm} {scope} usage.csv`) or
--template, with the same placeholders and rules as invoices; nothing is ever overwritten.

--json prints {scopeId, folder, files, noData, notFetched}: files are {period, path, outcome,
size} with outcome saved, already_there or kept_both; a period is {start, end, invoice,
monthToDate}; notFetched entries are {period, error {code, message, hint, details}}.

Exit codes: 0 every period saved (or without usage), 1 some could not be fetched, 2 usage,
3 needs sign-in, 4 permission (403, or an EA view-charges policy that is off), 5 Azure error.";

#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["period", "invoice", "open_month", "from"])))]
pub struct UsageArgs {
    /// The scope's ARM id, as `invoice-desk scopes` shows it.
    #[arg(long, value_name = "ID")]
    pub scope: String,
    /// One billing period or month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month, conflicts_with_all = ["invoice", "open_month", "from", "to"])]
    pub period: Option<Date>,
    /// The charges billed on this invoice.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["open_month", "from", "to"])]
    pub invoice: Option<String>,
    /// The running month to date (not final).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub open_month: bool,
    /// The first month of a range (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub from: Option<Date>,
    /// The last month of a range (YYYY-MM; default: the current month).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month, requires = "from")]
    pub to: Option<Date>,
    /// The folder to save into (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: std::path::PathBuf,
    /// The months of a range as one file with one header.
    #[arg(long)]
    pub merge: bool,
    /// Keep a report Azure split into several files as numbered parts.
    #[arg(long)]
    pub keep_parts: bool,
    /// The file-name template (default: the usage template in the settings).
    #[arg(long, value_name = "TEMPLATE")]
    pub template: Option<String>,
}

const SAVE_HELP: &str = "\
File names come from the template in the settings (default
`{billingAccount}/{yyyy}-{mm} {invoiceName}.pdf`) or --template; placeholders: {billingAccount}
{billingProfile} {scope} {subscription} {yyyy} {mm} {dd} {invoiceName} {documentKind}
{documentName}. Names are made safe for Windows, macOS and Linux. A file that is already there
with the same bytes counts as done; a different file under the name is never overwritten: the
invoice is saved beside it as `name (2).pdf` and the summary says so. The folder keeps an index
(.invoice-desk-index.json) of what was saved, so a second run fetches only what is new.

A progress bar on a terminal, one line per document otherwise. --json prints
{out, saved, alreadyThere, keptBoth, failed, refused, counts, warnings}; every document is
{scopeId, invoice, documentKind, documentName, path, size}, a failed one {…, code, message}
instead. An invoice of the range that Azure keeps from you (a pay-as-you-go invoice from before
December 2016 is the account administrator's alone) is not saved and is listed, with its reason,
under refused {scopeId, invoice, code, message}; the rest of the range is.

Exit codes: 0 all saved, already there or refused, 1 some failed (the summary lists them), 2 usage,
3 needs sign-in, 4 permission (403), 5 Azure error.";

const DOWNLOAD_HELP: &str = SAVE_HELP;

const SYNC_HELP: &str = SAVE_HELP;

/// What `download` and `sync` share.
#[derive(Debug, Clone, Args)]
pub struct SaveArgs {
    /// The folder to save into (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: std::path::PathBuf,
    /// The file-name template (default: the one in the settings).
    #[arg(long, value_name = "TEMPLATE")]
    pub template: Option<String>,
    /// Every document of an invoice (credit notes, tax receipts, summaries), not only its PDF.
    #[arg(long)]
    pub all_documents: bool,
    /// Documents fetched at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallel: u16,
}

#[derive(Debug, Clone, Args)]
pub struct DownloadArgs {
    /// The scope's ARM id, as `invoice-desk scopes` shows it.
    #[arg(long, value_name = "ID")]
    pub scope: String,
    /// Invoice names (ids) to save; repeat or separate with commas.
    #[arg(long = "invoice", value_name = "NAME", value_delimiter = ',', conflicts_with_all = ["from", "to"])]
    pub invoices: Vec<String>,
    /// The first billing month (YYYY-MM); default: the current month and the twelve before.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub from: Option<Date>,
    /// The last billing month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub to: Option<Date>,
    #[command(flatten)]
    pub save: SaveArgs,
}

#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    /// Only these scopes (repeat or separate with commas); default: every scope where you may
    /// download invoices.
    #[arg(long = "scope", value_name = "ID", value_delimiter = ',')]
    pub scopes: Vec<String>,
    /// The first billing month (YYYY-MM); default: three years back.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub from: Option<Date>,
    /// Also keep the usage CSV of every closed billing period of the last 13 months of every
    /// scope where you may download usage (named by the settings' usage template; what is
    /// there already is skipped).
    #[arg(long)]
    pub usage: bool,
    #[command(flatten)]
    pub save: SaveArgs,
}

const SCOPES_HELP: &str = "\
Every enabled tenant of the chosen account (--account; default every remembered account) is
searched: pay-as-you-go subscriptions, Microsoft Customer Agreement billing profiles (and their
invoice sections when a profile has several or only a section is yours), Enterprise Agreement
enrollments, departments and accounts.

--json prints an array of {id, kind, agreement, displayName, account, tenantId, roles, can}, plus
parentDisplayName (an invoice section's billing profile) where there is one, and where
can has listInvoices, downloadInvoices, downloadUsage and manageEmail, each
{allowed: true|false, reason: null|\"a sentence naming the missing role and who can grant it\"}.

Exit codes: 0 ok, 1 failure, 2 usage, 3 needs sign-in, 4 permission (403), 5 Azure error.";

const INVOICES_HELP: &str = "\
--scope takes an id from `invoice-desk scopes` (case does not matter). The range is by billing
period: --from and --to are months (YYYY-MM); the default is the current month and the twelve
before it.

--json prints an array, newest period first, of {periodStart, periodEnd, invoices, reason}:
invoices are {name, invoiceDate, dueDate, status, amountDue {value, currency}, billedAmount
{value, currency}, documents}, amounts exact decimal strings, dates YYYY-MM-DD; reason
{code, message} is there only when the period has no invoice (codes: subscription_too_new,
not_generated_yet, no_permission, free_trial_or_credit_not_exceeded, ea_invoices_are_emailed,
unknown); with not_generated_yet it also has expectedOn, the day the invoice is expected.

Exit codes: 0 ok, 1 failure, 2 usage, 3 needs sign-in, 4 permission (403), 5 Azure error.";

#[derive(Debug, Clone, Args)]
pub struct InvoicesArgs {
    /// The scope's ARM id, as `invoice-desk scopes` shows it.
    #[arg(long, value_name = "ID")]
    pub scope: String,
    /// The first billing month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub from: Option<Date>,
    /// The last billing month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub to: Option<Date>,
}

/// `YYYY-MM` → the first day of that month.
pub fn parse_month(text: &str) -> Result<Date, String> {
    let bad = || format!("`{text}` is not a month: use YYYY-MM, e.g. 2025-03");
    let (year, month) = text.trim().split_once('-').ok_or_else(bad)?;
    if year.len() != 4 || month.len() != 2 {
        return Err(bad());
    }
    let year: i32 = year.parse().map_err(|_| bad())?;
    let month: u8 = month.parse().map_err(|_| bad())?;
    let month = Month::try_from(month).map_err(|_| bad())?;
    Date::from_calendar_date(year, month, 1).map_err(|_| bad())
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
#[command(
    after_help = "--json prints an array of {id, username, displayName, cloud, homeTenant, \
tenants [{id, displayName, enabled}]}."
)]
pub struct AccountsArgs {}

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

    /// The window's commands, from the generated bindings (`__TAURI_INVOKE…("name"`).
    fn window_commands() -> std::collections::BTreeSet<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let bindings = std::fs::read_to_string(root.join("ui/src/lib/bindings.ts")).unwrap();
        bindings
            .split("__TAURI_INVOKE")
            .skip(1)
            .filter_map(|rest| rest.split_once("(\"")?.1.split_once('"'))
            .map(|(name, _)| name.to_owned())
            .collect()
    }

    /// The README's table of window commands and their twins: `(command, twin)`.
    fn twin_table() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let section = readme
            .split("### The window's commands and their command-line twins")
            .nth(1)
            .expect("the README has the twin table")
            .split("\n#")
            .next()
            .unwrap();
        section
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let command = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
                Some((command.to_owned(), (*cells.get(2)?).to_owned()))
            })
            .filter(|(command, _)| command != "window command")
            .collect()
    }

    #[test]
    fn every_window_command_has_a_command_line_twin_or_says_why_not() {
        let cli = Cli::command();
        let subcommands: Vec<String> = cli
            .get_subcommands()
            .map(|c| c.get_name().to_owned())
            .collect();
        let flags: Vec<String> = cli
            .get_arguments()
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .chain(["--version".to_owned()])
            .collect();
        let table = twin_table();
        let listed: std::collections::BTreeSet<String> =
            table.iter().map(|(c, _)| c.clone()).collect();
        assert_eq!(
            listed,
            window_commands(),
            "README table vs generated bindings"
        );
        for (command, twin) in &table {
            if twin.starts_with("window only") {
                assert!(twin.contains(':'), "{command}: say why it is window only");
                continue;
            }
            let words: Vec<&str> = twin.trim_matches('`').split_whitespace().collect();
            assert_eq!(words.first(), Some(&"invoice-desk"), "{command}: {twin}");
            let first = words.get(1).copied().unwrap_or_default();
            assert!(
                subcommands.iter().any(|s| s == first) || flags.iter().any(|f| f == first),
                "{command}: `{first}` is neither a command nor a flag of invoice-desk"
            );
        }
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

    #[test]
    fn email_takes_several_addresses_and_off_excludes_on_and_add() {
        let cli = Cli::try_parse_from([
            "invoice-desk",
            "email",
            "--scope",
            "/x",
            "--add",
            "a@contoso.example",
            "b@contoso.example",
            "--add",
            "c@contoso.example,d@contoso.example",
            "--remove",
            "e@contoso.example",
            "--on",
        ])
        .unwrap();
        let Command::Email(args) = &cli.command else {
            panic!("email");
        };
        assert_eq!(args.add.len(), 4);
        assert_eq!(args.remove, ["e@contoso.example"]);
        assert!(args.on && args.changes());
        let Command::Email(shown) = Cli::try_parse_from(["invoice-desk", "email", "--scope", "/x"])
            .unwrap()
            .command
        else {
            panic!("email");
        };
        assert!(!shown.changes());
        for bad in [
            &["invoice-desk", "email", "--scope", "/x", "--on", "--off"][..],
            &[
                "invoice-desk",
                "email",
                "--scope",
                "/x",
                "--off",
                "--add",
                "a@b.c",
            ],
            &["invoice-desk", "email", "--on"],
        ] {
            assert_eq!(
                Cli::try_parse_from(bad).unwrap_err().exit_code(),
                2,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn browse_flags_parse_and_demo_excludes_other_clouds() {
        let cli = Cli::try_parse_from([
            "invoice-desk",
            "invoices",
            "--scope",
            "/subscriptions/x",
            "--from",
            "2025-02",
            "--json",
            "--demo",
            "--account",
            "dev@contoso.example",
            "--lang",
            "nl",
        ])
        .unwrap();
        let Command::Invoices(args) = &cli.command else {
            panic!("invoices");
        };
        assert_eq!(args.from.unwrap().to_string(), "2025-02-01");
        assert!(cli.global.json && cli.global.demo);
        assert_eq!(cli.global.language(), crate::catalogue::Lang::Nl);
        for bad in [
            &["invoice-desk", "invoices"][..],
            &[
                "invoice-desk",
                "invoices",
                "--scope",
                "x",
                "--from",
                "2025-13",
            ],
            &["invoice-desk", "invoices", "--scope", "x", "--to", "25-01"],
            &["invoice-desk", "scopes", "--demo", "--cloud", "china"],
            &["invoice-desk", "scopes", "--lang", "fr"],
            &["invoice-desk", "scopes", "--auth", "magic"],
        ] {
            let err = Cli::try_parse_from(bad).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad:?}");
        }
        let cli = Cli::try_parse_from(["invoice-desk", "accounts", "--json"]).unwrap();
        assert!(cli.global.json);
    }
}
