//! The few words the Rust side shows itself (the native menu) come from the same catalogue as
//! the web view's, so a translation is made in one place.

use invoice_desk_settings::Language;
use serde_json::Value;

static EN: &str = include_str!("../../ui/src/i18n/en.json");
static NL: &str = include_str!("../../ui/src/i18n/nl.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    En,
    Nl,
}

impl Locale {
    /// The locale for a language setting; `System` follows the OS's preferred language.
    pub fn resolve(language: Language) -> Self {
        match language {
            Language::En => Self::En,
            Language::Nl => Self::Nl,
            Language::System => Self::from_tag(sys_locale::get_locale().as_deref().unwrap_or("en")),
        }
    }

    fn from_tag(tag: &str) -> Self {
        if tag.to_ascii_lowercase().starts_with("nl") {
            Self::Nl
        } else {
            Self::En
        }
    }
}

#[derive(Debug)]
pub struct Catalogue {
    root: Value,
}

impl Catalogue {
    pub fn load(locale: Locale) -> Self {
        let text = match locale {
            Locale::En => EN,
            Locale::Nl => NL,
        };
        // Both files are checked by tests on both sides; a broken one still must not stop the app.
        Self {
            root: serde_json::from_str(text).unwrap_or(Value::Null),
        }
    }

    /// The text for a dotted key (nested objects or a flat key), or the key itself when missing,
    /// so a gap shows up visibly instead of as an empty menu item.
    pub fn text(&self, key: &str) -> String {
        let flat = self.root.get(key);
        let nested = || {
            key.split('.')
                .try_fold(&self.root, |node, part| node.get(part))
        };
        flat.or_else(nested)
            .and_then(Value::as_str)
            .map_or_else(|| key.to_owned(), str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const MENU_KEYS: &[&str] = crate::menu::TEXT_KEYS;
    pub const DIALOG_KEYS: &[&str] = &[crate::save_as::TITLE_KEY, crate::save_as::FILTER_KEY];

    #[test]
    fn every_menu_and_dialog_text_exists_in_both_languages_and_differs() {
        let (en, nl) = (Catalogue::load(Locale::En), Catalogue::load(Locale::Nl));
        for key in MENU_KEYS.iter().chain(DIALOG_KEYS) {
            let (e, n) = (en.text(key), nl.text(key));
            assert_ne!(e, *key, "{key} missing in en.json");
            assert_ne!(n, *key, "{key} missing in nl.json");
        }
        assert_ne!(en.text("menu.settings"), nl.text("menu.settings"));
    }

    #[test]
    fn os_language_tags_map_to_locales() {
        assert_eq!(Locale::from_tag("nl-NL"), Locale::Nl);
        assert_eq!(Locale::from_tag("nl_BE.UTF-8"), Locale::Nl);
        assert_eq!(Locale::from_tag("en-GB"), Locale::En);
        assert_eq!(Locale::from_tag("de-DE"), Locale::En);
    }
}
