//! The user's own browser command (`INVOICE_DESK_BROWSER`), for machines whose browser must be
//! chosen explicitly. The app and the command line run it the same way: the program and its
//! arguments as written (quotes group words, as in a shell), the page's address appended as one
//! more argument; no shell ever reads the address.

use std::process::{Command, Stdio};

/// The environment variable that names the browser command.
pub const BROWSER_ENV: &str = "INVOICE_DESK_BROWSER";

/// Why the browser command could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrowserCommandError {
    #[error("{BROWSER_ENV} is empty")]
    Empty,
    #[error("{BROWSER_ENV} has an unclosed quote")]
    Unquoted,
}

/// `command` (from [`BROWSER_ENV`]) run with `url` as its last argument.
///
/// # Errors
/// An empty command, or one whose quotes do not close.
pub fn browser_command(command: &str, url: &str) -> Result<Command, BrowserCommandError> {
    let words = shlex::split(command).ok_or(BrowserCommandError::Unquoted)?;
    let (program, args) = words.split_first().ok_or(BrowserCommandError::Empty)?;
    let mut cmd = Command::new(program);
    cmd.args(args).arg(url).stdin(Stdio::null());
    Ok(cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(cmd: &Command) -> Vec<String> {
        std::iter::once(cmd.get_program())
            .chain(cmd.get_args())
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn the_address_is_one_argument_that_no_shell_reads() {
        let hostile = "http://127.0.0.1:1/?a=1&b=$(touch /tmp/x)\";calc.exe;\"";
        let cmd = browser_command("firefox --new-window", hostile).unwrap();
        assert_eq!(argv(&cmd), ["firefox", "--new-window", hostile]);
    }

    #[test]
    fn quotes_group_a_program_path_with_spaces() {
        let cmd = browser_command(
            r#""C:\Program Files\Mozilla Firefox\firefox.exe" -private"#,
            "https://login.microsoftonline.com/",
        )
        .unwrap();
        assert_eq!(
            argv(&cmd),
            [
                r"C:\Program Files\Mozilla Firefox\firefox.exe",
                "-private",
                "https://login.microsoftonline.com/"
            ]
        );
    }

    #[test]
    fn an_empty_or_unclosed_command_is_refused() {
        assert_eq!(
            browser_command("  ", "https://x").unwrap_err(),
            BrowserCommandError::Empty
        );
        assert_eq!(
            browser_command("\"firefox", "https://x").unwrap_err(),
            BrowserCommandError::Unquoted
        );
    }
}
