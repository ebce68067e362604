//! Web pages the window opens in the system browser: the Azure portal pages it links to
//! (reason cards, settings that live in the portal) and the help pages. Which pages may be
//! opened is `invoice-desk-api`'s `help::openable`; anything else is refused, so a web view
//! that was tricked cannot send the user anywhere.

#![allow(clippy::needless_pass_by_value)] // `#[tauri::command]` hands extractors over by value

use tauri::AppHandle;

use invoice_desk_api::help::{help_links, openable};

use crate::catalogue::Locale;
use crate::error::{AppError, ErrorCode};
use crate::signin::open_url;

/// Opens a page of the Azure portal or of Microsoft Learn in the system browser.
#[tauri::command]
#[specta::specta]
pub fn open_web_page(app: AppHandle, url: String) -> Result<(), AppError> {
    open_page(&app, &url)
}

fn open_page(app: &AppHandle, url: &str) -> Result<(), AppError> {
    let url = openable(url)?;
    tracing::info!(
        host = url.host_str().unwrap_or_default(),
        "opening a web page"
    );
    open_url(app, &url).map_err(|reason| {
        AppError::new(ErrorCode::Internal)
            .with_details("The browser could not be opened.")
            .with_details(reason)
    })
}

/// Opens the help page `page` (`communication_preferences`, `download_invoice`, …) in the
/// UI language.
#[tauri::command]
#[specta::specta]
pub fn open_help(
    app: AppHandle,
    state: tauri::State<'_, crate::state::AppState>,
    page: String,
) -> Result<(), AppError> {
    let locale = Locale::resolve(state.settings().language);
    open_help_page(&app, locale, &page)
}

/// The menu's help page `page` (`download_invoice`, `support_request`, …) in `locale`'s
/// language.
pub(crate) fn open_help_page(app: &AppHandle, locale: Locale, page: &str) -> Result<(), AppError> {
    let link = help_links(locale)
        .into_iter()
        .find(|link| link.page == page)
        .ok_or_else(|| AppError::new(ErrorCode::LinkNotOpenable).with_details(page.to_owned()))?;
    open_page(app, &link.url)
}
