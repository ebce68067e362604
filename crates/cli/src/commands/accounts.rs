//! `invoice-desk accounts`: the accounts remembered in the OS keychain (no network).

use crate::cli::{AccountsArgs, GlobalArgs};
use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::output::{AccountJson, account_block, print_json, who};
use invoice_desk_auth::AccountSession;

pub async fn run(global: &GlobalArgs, _args: &AccountsArgs) -> Result<Exit, CliError> {
    if global.demo {
        // The demo user, signed in to the sample data (nothing remembered).
        let (demo, session) = crate::demo::start(global).await?;
        let result = show(global, std::slice::from_ref(&session));
        demo.stop().await;
        return result;
    }
    let context = Context::load(global, None, None)?;
    let accounts = context.remembered_accounts().await?;
    show(global, &accounts.list())
}

fn show(global: &GlobalArgs, sessions: &[AccountSession]) -> Result<Exit, CliError> {
    if global.json {
        let list: Vec<AccountJson> = sessions
            .iter()
            .map(|s| AccountJson::from(&s.account()))
            .collect();
        print_json(&list)?;
        return Ok(Exit::Ok);
    }
    let lang = global.language();
    if sessions.is_empty() {
        println!("{}", lang.text("cli.accounts.none"));
        return Ok(Exit::Ok);
    }
    for (i, session) in sessions.iter().enumerate() {
        if i > 0 {
            println!();
        }
        let account = session.account();
        println!("{}", who(&account));
        print!(
            "{}",
            account_block(lang, &account, |t| session.tenant_state(t))
        );
    }
    Ok(Exit::Ok)
}
