//! Every word Invoice Desk shows, in English and Dutch: the window's catalogue
//! (`ui/src/i18n/{en,nl}.json`), read here too, so the native menu, the save dialog and the
//! command line say what the window says and a translation is made once.
//!
//! The language is resolved here as well: the setting, else the operating system's (on Unix
//! `LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`), Dutch for any `nl` tag and English otherwise.

use std::sync::OnceLock;

use serde_json::Value;

static EN: &str = include_str!("../../../ui/src/i18n/en.json");
static NL: &str = include_str!("../../../ui/src/i18n/nl.json");

/// The language a user reads: resolved here once (the setting, else the operating system's)
/// and handed to the window, the menu and the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    En,
    Nl,
}

impl Locale {
    /// Dutch for any `nl*` tag (`nl-NL`, `nl_BE.UTF-8`), English for everything else.
    #[must_use]
    pub fn from_tag(tag: &str) -> Self {
        if tag.trim().to_ascii_lowercase().starts_with("nl") {
            Self::Nl
        } else {
            Self::En
        }
    }

    /// The operating system's language.
    #[must_use]
    pub fn system() -> Self {
        Self::from_tag(sys_locale::get_locale().as_deref().unwrap_or("en"))
    }

    /// The language for a setting; `System` follows the operating system.
    #[must_use]
    pub fn resolve(language: invoice_desk_settings::Language) -> Self {
        use invoice_desk_settings::Language;
        match language {
            Language::En => Self::En,
            Language::Nl => Self::Nl,
            Language::System => Self::system(),
        }
    }

    /// The catalogue's code for the language (`en`, `nl`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Nl => "nl",
        }
    }
}

/// One language's words.
#[derive(Debug)]
pub struct Catalogue {
    root: Value,
    english: Option<&'static Catalogue>,
}

impl Catalogue {
    /// The catalogue of `locale`, parsed once.
    #[must_use]
    pub fn of(locale: Locale) -> &'static Self {
        static CATALOGUES: [OnceLock<Catalogue>; 2] = [OnceLock::new(), OnceLock::new()];
        let (slot, text) = match locale {
            Locale::En => (&CATALOGUES[0], EN),
            Locale::Nl => (&CATALOGUES[1], NL),
        };
        slot.get_or_init(|| Self {
            // Both files are checked by tests on both sides; a broken one must still not stop
            // the program: every key then shows as itself.
            root: serde_json::from_str(text).unwrap_or(Value::Null),
            english: (locale != Locale::En).then(|| Self::of(Locale::En)),
        })
    }

    /// Whether the catalogue has `key`.
    #[must_use]
    pub fn has(&self, key: &str) -> bool {
        self.root.get(key).and_then(Value::as_str).is_some()
    }

    /// The text for `key`: this language's, else English, else the key itself, so a gap shows
    /// up visibly instead of as an empty text.
    #[must_use]
    pub fn text(&self, key: &str) -> String {
        self.root
            .get(key)
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
            .or_else(|| self.english.map(|en| en.text(key)))
            .unwrap_or_else(|| key.to_owned())
    }

    /// [`Self::text`] with every `{name}` replaced by its value in `params`; placeholders
    /// without a value stay as written (as the window's `interpolate` does).
    #[must_use]
    pub fn format(&self, key: &str, params: &[(&str, &str)]) -> String {
        interpolate(&self.text(key), params)
    }
}

fn interpolate(text: &str, params: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        match (
            after[name_len..].starts_with('}'),
            params.iter().find(|(n, _)| *n == name),
        ) {
            (true, Some((_, value))) if !name.is_empty() => {
                out.push_str(value);
                rest = &after[name_len + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_language_tags_map_to_locales() {
        assert_eq!(Locale::from_tag("nl-NL"), Locale::Nl);
        assert_eq!(Locale::from_tag("nl_BE.UTF-8"), Locale::Nl);
        assert_eq!(Locale::from_tag("en-GB"), Locale::En);
        assert_eq!(Locale::from_tag("de-DE"), Locale::En);
        assert_eq!(Locale::from_tag("C.UTF-8"), Locale::En);
    }

    #[test]
    fn placeholders_are_filled_like_the_windows_interpolate() {
        let params = [("date", "2027-01-05"), ("role", "reader")];
        assert_eq!(
            interpolate("expected on {date}, {role}; {missing} {", &params),
            "expected on 2027-01-05, reader; {missing} {"
        );
        assert_eq!(interpolate("{date}{date}", &params), "2027-01-052027-01-05");
        assert_eq!(interpolate("{} {da te}", &params), "{} {da te}");
    }

    #[test]
    fn both_languages_have_the_same_keys_and_missing_dutch_falls_back_to_english() {
        let (en, nl) = (Catalogue::of(Locale::En), Catalogue::of(Locale::Nl));
        let keys = |c: &Catalogue| -> std::collections::BTreeSet<String> {
            c.root.as_object().unwrap().keys().cloned().collect()
        };
        assert_eq!(keys(en), keys(nl));
        assert_eq!(en.text("menu.settings"), "Settings…");
        assert_ne!(nl.text("menu.settings"), en.text("menu.settings"));
        assert_eq!(nl.text("no.such.key"), "no.such.key");
        assert!(
            nl.format("reason.next.not_generated_yet", &[("date", "5 jan. 2027")])
                .contains("5 jan. 2027")
        );
    }
}
