//! The few words the Rust side of the window shows itself (the native menu, the save dialog,
//! the sign-in tab) come from the one catalogue ([`invoice_desk_api::catalogue`]), which the
//! web view and the command line read too.

pub use invoice_desk_api::{Catalogue, Locale};

#[cfg(test)]
mod tests {
    use super::*;

    pub const DIALOG_KEYS: &[&str] = &[crate::save_as::TITLE_KEY, crate::save_as::FILTER_KEY];
    pub const FOLDER_KEYS: &[&str] = crate::folder_guard::TEXT_KEYS;

    #[test]
    fn every_menu_and_dialog_text_exists_in_both_languages_and_differs() {
        let (en, nl) = (Catalogue::of(Locale::En), Catalogue::of(Locale::Nl));
        let menu_keys = crate::menu::text_keys();
        let menu_keys = menu_keys.iter().map(String::as_str);
        for key in menu_keys
            .chain(DIALOG_KEYS.iter().copied())
            .chain(FOLDER_KEYS.iter().copied())
        {
            assert!(en.has(key), "{key} missing in en.json");
            assert!(nl.has(key), "{key} missing in nl.json");
        }
        assert_ne!(en.text("menu.settings"), nl.text("menu.settings"));
    }
}
