//! The system browser's part in signing in: opening the sign-in page (or the command in
//! `INVOICE_DESK_BROWSER`), and the translated page it shows once the sign-in is done.

use tauri::{AppHandle, Manager};
use tauri_plugin_opener::OpenerExt;
use url::Url;

use invoice_desk_auth::{AuthError, CompletionPage};

use crate::catalogue::{Catalogue, Locale};
use crate::state::AppState;

use invoice_desk_api::browser::{BROWSER_ENV, browser_command};

/// The page the browser shows after the redirect, in the UI language.
pub(crate) fn completion_page(app: &AppHandle) -> CompletionPage {
    completion_page_in(Locale::resolve(app.state::<AppState>().settings().language))
}

pub(crate) fn completion_page_in(locale: Locale) -> CompletionPage {
    let words = Catalogue::of(locale);
    CompletionPage {
        lang: locale.code().into(),
        title: words.text("signIn.page.title"),
        success: words.text("signIn.page.success"),
        failure: words.text("signIn.page.failure"),
    }
}

pub(super) fn open_in_browser(app: &AppHandle, url: &Url) -> Result<(), AuthError> {
    open_url(app, url).map_err(|message| AuthError::BrowserFailed { message })
}

/// Opens `url` in the system browser, or with the command in `INVOICE_DESK_BROWSER`; the
/// error says why not. Callers decide which pages may be opened at all.
pub(crate) fn open_url(app: &AppHandle, url: &Url) -> Result<(), String> {
    if let Ok(command) = std::env::var(BROWSER_ENV) {
        let mut child = browser_command(&command, url.as_str())
            .map_err(|e| e.to_string())?
            .spawn()
            .map_err(|e| format!("{BROWSER_ENV} could not start: {e}"))?;
        // Reap it in the background; its exit status says nothing about the page.
        std::thread::spawn(move || child.wait());
        return Ok(());
    }
    app.opener()
        .open_url(url.as_str(), None::<&str>)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opened_url_reaches_the_browser_command_intact() {
        if cfg!(windows) {
            return;
        }
        let url = "http://127.0.0.1:9/authorize?state=a&b=$(x)\";echo pwned;\"";
        let out = browser_command("printf %s", url).unwrap().output().unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), url);
    }
}
