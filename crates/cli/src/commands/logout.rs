//! `invoice-desk logout [ACCOUNT] [--all]`: deletes the account's keychain entries.

use crate::cli::{GlobalArgs, LogoutArgs};
use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::output::who;

pub async fn run(global: &GlobalArgs, args: &LogoutArgs) -> Result<Exit, CliError> {
    if global.demo {
        return Err(CliError::new(
            "invalid_config",
            Exit::Usage,
            "`logout` does not take --demo: the demo keeps nothing to sign out of.",
            "Leave out --demo to sign out of a remembered account.",
        ));
    }
    let context = Context::load(global, None, None)?;
    let accounts = context.remembered_accounts().await?;
    if args.all {
        let count = accounts.list().len();
        accounts.remove_all().await?;
        println!(
            "Signed out of {count} account{}; every Invoice Desk entry was removed from the keychain.",
            if count == 1 { "" } else { "s" }
        );
        return Ok(Exit::Ok);
    }
    let Some(session) = Context::pick_account(&accounts, args.account.as_deref())? else {
        println!("No accounts are remembered; nothing to sign out.");
        return Ok(Exit::Ok);
    };
    let account = session.account();
    accounts.sign_out(&session.entry_name()).await?;
    println!(
        "Signed out {} ({}); its keychain entries were removed.",
        who(&account),
        account.cloud.key()
    );
    Ok(Exit::Ok)
}
