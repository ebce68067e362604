//! `invoice-desk logout [ACCOUNT] [--all]`: deletes the account's keychain entries.

use crate::catalogue::Text;
use crate::cli::{GlobalArgs, LogoutArgs};
use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::output::who;

pub async fn run(global: &GlobalArgs, args: &LogoutArgs) -> Result<Exit, CliError> {
    if global.demo {
        return Err(CliError::new(
            "invalid_config",
            Exit::Usage,
            Text::key("cli.error.logoutDemo.message"),
            Text::key("cli.error.logoutDemo.hint"),
        ));
    }
    let lang = global.language();
    let context = Context::load(global, None, None)?;
    let accounts = context.remembered_accounts().await?;
    if args.all {
        let count = accounts.list().len();
        accounts.remove_all().await?;
        println!("{}", lang.plural("cli.logout.all", count, &[]));
        return Ok(Exit::Ok);
    }
    let Some(session) = Context::pick_account(&accounts, args.account.as_deref())? else {
        println!("{}", lang.text("cli.logout.none"));
        return Ok(Exit::Ok);
    };
    let account = session.account();
    accounts.sign_out(&session.entry_name()).await?;
    println!(
        "{}",
        lang.format(
            "cli.logout.done",
            &[("name", &who(&account)), ("cloud", &account.cloud.key())]
        )
    );
    Ok(Exit::Ok)
}
