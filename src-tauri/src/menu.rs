//! The native menu bar, in the UI language. Its layout is data, decided here once per system
//! and tested on every system: on macOS the app menu under the app's name (About, Settings…,
//! Hide, Quit) and an Edit menu (without it, Cmd+C and Cmd+V do nothing in a text field); on
//! Windows and Linux File, View and Help.

use serde::{Deserialize, Serialize};
use tauri::menu::{
    Menu, MenuBuilder, MenuItemBuilder, PredefinedMenuItem, Submenu, SubmenuBuilder,
};
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

/// The systems whose menu bars differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    MacOs,
    WindowsOrLinux,
}

impl Platform {
    pub fn current() -> Self {
        if cfg!(target_os = "macos") {
            Self::MacOs
        } else {
            Self::WindowsOrLinux
        }
    }
}

/// The items the system itself carries out (the OS supplies their shortcut).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    Services,
    Hide,
    HideOthers,
    ShowAll,
    Quit,
    CloseWindow,
    Undo,
    Redo,
    Cut,
    Copy,
    Paste,
    SelectAll,
    Minimize,
}

impl Standard {
    fn text_key(self) -> &'static str {
        match self {
            Self::Services => "menu.services",
            Self::Hide => "menu.hide",
            Self::HideOthers => "menu.hideOthers",
            Self::ShowAll => "menu.showAll",
            Self::Quit => "menu.quit",
            Self::CloseWindow => "menu.closeWindow",
            Self::Undo => "menu.undo",
            Self::Redo => "menu.redo",
            Self::Cut => "menu.cut",
            Self::Copy => "menu.copy",
            Self::Paste => "menu.paste",
            Self::SelectAll => "menu.selectAll",
            Self::Minimize => "menu.minimize",
        }
    }

    fn build<R: Runtime>(
        self,
        app: &AppHandle<R>,
        text: &str,
    ) -> tauri::Result<PredefinedMenuItem<R>> {
        let text = Some(text);
        match self {
            Self::Services => PredefinedMenuItem::services(app, text),
            Self::Hide => PredefinedMenuItem::hide(app, text),
            Self::HideOthers => PredefinedMenuItem::hide_others(app, text),
            Self::ShowAll => PredefinedMenuItem::show_all(app, text),
            Self::Quit => PredefinedMenuItem::quit(app, text),
            Self::CloseWindow => PredefinedMenuItem::close_window(app, text),
            Self::Undo => PredefinedMenuItem::undo(app, text),
            Self::Redo => PredefinedMenuItem::redo(app, text),
            Self::Cut => PredefinedMenuItem::cut(app, text),
            Self::Copy => PredefinedMenuItem::copy(app, text),
            Self::Paste => PredefinedMenuItem::paste(app, text),
            Self::SelectAll => PredefinedMenuItem::select_all(app, text),
            Self::Minimize => PredefinedMenuItem::minimize(app, text),
        }
    }
}

/// One line of a menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// An item of the app's own: its id (an action or `help:<page>`), its words, its shortcut.
    Item {
        id: String,
        text_key: String,
        accelerator: Option<&'static str>,
    },
    Standard(Standard),
    Separator,
}

/// The words the app menu carries where the system shows a title of its own.
const APP_MENU_TITLE_KEY: &str = "menu.appName";

/// One menu of the bar; `title_key: None` is the macOS app menu, which the system names after
/// the app whatever its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuLayout {
    pub title_key: Option<&'static str>,
    pub entries: Vec<Entry>,
}

fn item(id: &str, text_key: &str, accelerator: Option<&'static str>) -> Entry {
    Entry::Item {
        id: id.to_owned(),
        text_key: text_key.to_owned(),
        accelerator,
    }
}

fn menu(title_key: &'static str, entries: Vec<Entry>) -> MenuLayout {
    MenuLayout {
        title_key: Some(title_key),
        entries,
    }
}

/// The menu bar of `platform`.
pub fn layout(platform: Platform) -> Vec<MenuLayout> {
    use Entry::{Separator, Standard as Std};
    let settings = || item("settings", "menu.settings", Some("CmdOrCtrl+,"));
    let show_logs = || item("show_logs", "menu.showLogs", None);
    let check_updates = || item("check_updates", "menu.checkUpdates", None);
    let about = || item("about", "menu.about", None);
    let view = menu(
        "menu.view",
        vec![
            item("find", "menu.find", Some("CmdOrCtrl+F")),
            item("toggle_details", "menu.toggleDetails", Some("CmdOrCtrl+D")),
            item(
                "toggle_activity",
                "menu.toggleActivity",
                Some("CmdOrCtrl+J"),
            ),
        ],
    );
    let mut help = vec![item("check_access", "menu.checkAccess", None), Separator];
    help.extend(
        HELP_PAGES
            .iter()
            .map(|page| item(&format!("help:{page}"), &format!("help.{page}"), None)),
    );
    help.push(item("support_request", "menu.supportRequest", None));
    match platform {
        Platform::MacOs => vec![
            MenuLayout {
                title_key: None,
                entries: vec![
                    about(),
                    check_updates(),
                    Separator,
                    settings(),
                    Separator,
                    Std(Standard::Services),
                    Separator,
                    Std(Standard::Hide),
                    Std(Standard::HideOthers),
                    Std(Standard::ShowAll),
                    Separator,
                    Std(Standard::Quit),
                ],
            },
            menu(
                "menu.file",
                vec![show_logs(), Separator, Std(Standard::CloseWindow)],
            ),
            menu(
                "menu.edit",
                vec![
                    Std(Standard::Undo),
                    Std(Standard::Redo),
                    Separator,
                    Std(Standard::Cut),
                    Std(Standard::Copy),
                    Std(Standard::Paste),
                    Std(Standard::SelectAll),
                ],
            ),
            view,
            menu("menu.window", vec![Std(Standard::Minimize)]),
            menu("menu.help", help),
        ],
        Platform::WindowsOrLinux => {
            help.extend([Separator, check_updates(), about()]);
            vec![
                menu(
                    "menu.file",
                    vec![settings(), show_logs(), Separator, Std(Standard::Quit)],
                ),
                view,
                menu("menu.help", help),
            ]
        }
    }
}

/// Every catalogue key the menus of every system use (checked for both languages by a test).
#[cfg(test)]
pub fn text_keys() -> Vec<String> {
    let mut keys = vec![APP_MENU_TITLE_KEY.to_owned()];
    for platform in [Platform::MacOs, Platform::WindowsOrLinux] {
        for menu in layout(platform) {
            keys.extend(menu.title_key.map(str::to_owned));
            for entry in menu.entries {
                match entry {
                    Entry::Item { text_key, .. } => keys.push(text_key),
                    Entry::Standard(standard) => keys.push(standard.text_key().to_owned()),
                    Entry::Separator => {}
                }
            }
        }
    }
    keys
}

pub fn build<R: Runtime>(app: &AppHandle<R>, words: &Catalogue) -> tauri::Result<Menu<R>> {
    let menus = layout(Platform::current())
        .into_iter()
        .map(|menu| build_menu(app, words, menu))
        .collect::<tauri::Result<Vec<Submenu<R>>>>()?;
    let refs: Vec<&dyn tauri::menu::IsMenuItem<R>> = menus
        .iter()
        .map(|m| m as &dyn tauri::menu::IsMenuItem<R>)
        .collect();
    MenuBuilder::new(app).items(&refs).build()
}

fn build_menu<R: Runtime>(
    app: &AppHandle<R>,
    words: &Catalogue,
    menu: MenuLayout,
) -> tauri::Result<Submenu<R>> {
    let title = words.text(menu.title_key.unwrap_or(APP_MENU_TITLE_KEY));
    let mut submenu = SubmenuBuilder::new(app, title);
    for entry in menu.entries {
        submenu = match entry {
            Entry::Item {
                id,
                text_key,
                accelerator,
            } => {
                let mut builder = MenuItemBuilder::with_id(id, words.text(&text_key));
                if let Some(accelerator) = accelerator {
                    builder = builder.accelerator(accelerator);
                }
                submenu.item(&builder.build(app)?)
            }
            Entry::Standard(standard) => {
                submenu.item(&standard.build(app, &words.text(standard.text_key()))?)
            }
            Entry::Separator => submenu.separator(),
        };
    }
    submenu.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(menu: &MenuLayout) -> Vec<(&str, Option<&str>)> {
        menu.entries
            .iter()
            .filter_map(|entry| match entry {
                Entry::Item {
                    id, accelerator, ..
                } => Some((id.as_str(), *accelerator)),
                _ => None,
            })
            .collect()
    }

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
        for platform in [Platform::MacOs, Platform::WindowsOrLinux] {
            for menu in layout(platform) {
                for (id, _) in items(&menu) {
                    assert!(
                        action_for(id).is_some() || help_page_for(id).is_some(),
                        "{id} does nothing"
                    );
                }
            }
        }
    }

    #[test]
    fn on_macos_the_app_menu_holds_about_settings_hide_and_quit_and_an_edit_menu_exists() {
        let bar = layout(Platform::MacOs);
        let app_menu = &bar[0];
        assert_eq!(app_menu.title_key, None, "the app menu comes first");
        assert_eq!(items(app_menu)[0].0, "about");
        assert!(items(app_menu).contains(&("settings", Some("CmdOrCtrl+,"))));
        assert!(app_menu.entries.contains(&Entry::Standard(Standard::Hide)));
        assert_eq!(
            app_menu.entries.last(),
            Some(&Entry::Standard(Standard::Quit))
        );
        let edit = bar
            .iter()
            .find(|m| m.title_key == Some("menu.edit"))
            .expect("an Edit menu");
        for needed in [Standard::Copy, Standard::Paste, Standard::Cut] {
            assert!(
                edit.entries.contains(&Entry::Standard(needed)),
                "{needed:?}"
            );
        }
        // Each item appears once in the whole bar.
        let mut ids: Vec<_> = bar.iter().flat_map(items).map(|(id, _)| id).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn on_windows_and_linux_file_holds_settings_and_quit_and_help_holds_about() {
        let bar = layout(Platform::WindowsOrLinux);
        let titles: Vec<_> = bar.iter().map(|m| m.title_key).collect();
        assert_eq!(
            titles,
            [Some("menu.file"), Some("menu.view"), Some("menu.help")]
        );
        assert!(items(&bar[0]).contains(&("settings", Some("CmdOrCtrl+,"))));
        assert_eq!(
            bar[0].entries.last(),
            Some(&Entry::Standard(Standard::Quit))
        );
        let help = items(&bar[2]);
        assert!(help.iter().any(|(id, _)| *id == "about"));
        assert!(help.iter().any(|(id, _)| *id == "check_updates"));
    }
}
