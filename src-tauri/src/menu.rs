//! The native menu bar (File, View, Help), in the UI language.

use serde::{Deserialize, Serialize};
use tauri::menu::{Menu, MenuBuilder, MenuItemBuilder, PredefinedMenuItem, SubmenuBuilder};
use tauri::{AppHandle, Runtime};

use crate::catalogue::Catalogue;

/// What a menu item asks the web view to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MenuAction {
    Settings,
    About,
    ShowLogs,
    SupportRequest,
    ToggleDetails,
    ToggleActivity,
    Find,
    CheckAccess,
    CheckForUpdates,
}

/// Sent to the web view when a menu item that concerns it is chosen.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct MenuEvent {
    pub action: MenuAction,
}

/// Catalogue keys the menu uses (checked for both languages by a test).
#[cfg(test)]
pub const TEXT_KEYS: &[&str] = &[
    "menu.file",
    "menu.settings",
    "menu.showLogs",
    "menu.quit",
    "menu.view",
    "menu.find",
    "menu.toggleDetails",
    "menu.toggleActivity",
    "menu.help",
    "menu.checkAccess",
    "menu.supportRequest",
    "menu.about",
    "menu.checkUpdates",
    "help.download_invoice",
    "help.download_usage",
    "help.check_access",
];

/// The menu's help pages, by id (`help:<page>`): the Learn articles the product's help comes
/// from, opened in the UI language.
pub const HELP_PAGES: &[&str] = &["download_invoice", "download_usage", "check_access"];

/// The help page a menu item opens, if it is one.
pub fn help_page_for(id: &str) -> Option<&str> {
    id.strip_prefix("help:")
        .filter(|page| HELP_PAGES.contains(page))
}

const ITEMS: &[(&str, MenuAction)] = &[
    ("settings", MenuAction::Settings),
    ("about", MenuAction::About),
    ("show_logs", MenuAction::ShowLogs),
    ("support_request", MenuAction::SupportRequest),
    ("toggle_details", MenuAction::ToggleDetails),
    ("toggle_activity", MenuAction::ToggleActivity),
    ("find", MenuAction::Find),
    ("check_access", MenuAction::CheckAccess),
    ("check_updates", MenuAction::CheckForUpdates),
];

pub fn action_for(id: &str) -> Option<MenuAction> {
    ITEMS
        .iter()
        .find(|(item, _)| *item == id)
        .map(|(_, action)| *action)
}

pub fn build<R: Runtime>(app: &AppHandle<R>, words: &Catalogue) -> tauri::Result<Menu<R>> {
    let item = |id: &str, key: &str, accel: Option<&str>| {
        let mut builder = MenuItemBuilder::with_id(id, words.text(key));
        if let Some(accel) = accel {
            builder = builder.accelerator(accel);
        }
        builder.build(app)
    };
    let file = SubmenuBuilder::new(app, words.text("menu.file"))
        .item(&item("settings", "menu.settings", Some("CmdOrCtrl+,"))?)
        .item(&item("show_logs", "menu.showLogs", None)?)
        .separator()
        .item(&PredefinedMenuItem::quit(
            app,
            Some(&words.text("menu.quit")),
        )?)
        .build()?;
    let view = SubmenuBuilder::new(app, words.text("menu.view"))
        .item(&item("find", "menu.find", Some("CmdOrCtrl+F"))?)
        .item(&item(
            "toggle_details",
            "menu.toggleDetails",
            Some("CmdOrCtrl+D"),
        )?)
        .item(&item(
            "toggle_activity",
            "menu.toggleActivity",
            Some("CmdOrCtrl+J"),
        )?)
        .build()?;
    let mut help = SubmenuBuilder::new(app, words.text("menu.help"))
        .item(&item("check_access", "menu.checkAccess", None)?)
        .separator();
    for page in HELP_PAGES {
        help = help.item(&item(
            &format!("help:{page}"),
            &format!("help.{page}"),
            None,
        )?);
    }
    let help = help
        .item(&item("support_request", "menu.supportRequest", None)?)
        .separator()
        .item(&item("check_updates", "menu.checkUpdates", None)?)
        .item(&item("about", "menu.about", None)?)
        .build()?;
    MenuBuilder::new(app).items(&[&file, &view, &help]).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_id_maps_to_its_action() {
        assert_eq!(action_for("show_logs"), Some(MenuAction::ShowLogs));
        assert_eq!(action_for("find"), Some(MenuAction::Find));
        assert_eq!(action_for("check_access"), Some(MenuAction::CheckAccess));
        assert_eq!(
            action_for("check_updates"),
            Some(MenuAction::CheckForUpdates)
        );
        assert_eq!(action_for("quit"), None);
        assert_eq!(help_page_for("help:download_usage"), Some("download_usage"));
        assert_eq!(help_page_for("help:elsewhere"), None);
        assert_eq!(help_page_for("download_usage"), None);
    }
}
