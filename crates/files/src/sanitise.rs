//! Names from Azure (account names, invoice ids, display names) made safe as path components
//! on Windows, macOS and Linux alike, so an archive written on one system opens on the others.
//!
//! The rules, in order, for one component:
//! 1. Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) are
//!    removed: they can make `fdp.exe` read as `exe.pdf`.
//! 2. Control characters and `< > : " / \ | ? *` become `_` (Windows forbids them; `/` and
//!    `\` would split the name into folders).
//! 3. Unicode NFC, so `e` + combining acute and `é` are one name (macOS would otherwise show
//!    two files that look the same; Windows and Linux keep whatever bytes they are given).
//! 4. Leading whitespace and trailing dots and spaces go (Windows drops trailing ones
//!    silently, so two names would meet); a leading dot becomes `_` (no hidden files, and
//!    `.`/`..` can never survive, so no name leaves the target folder).
//! 5. Windows device names (`CON`, `PRN`, `AUX`, `NUL`, `COM0-9`, `LPT0-9`, also with an
//!    extension and the superscript digits) get a `_` in front.
//! 6. At most [`MAX_COMPONENT_BYTES`] bytes of UTF-8 (ext4 and APFS count bytes; Windows
//!    counts UTF-16 units, never more than the bytes), cut at a character boundary, keeping
//!    the extension of a file name.
//! 7. An empty result is `_`.
//!
//! A whole relative path also fits a budget: Windows' `MAX_PATH` (260, including the drive
//! and the final NUL) for the folder plus the names, counted in UTF-16 units. The budget is
//! applied on every system so the same archive gets the same names everywhere.

use std::path::{Component, Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

/// The longest component in UTF-8 bytes (ext4, APFS and NTFS all accept this).
pub const MAX_COMPONENT_BYTES: usize = 255;

/// Windows' classic `MAX_PATH` minus the terminating NUL.
pub const MAX_PATH_UNITS: usize = 259;

/// Room kept free in a file name for a collision suffix such as ` (12)`.
pub const SUFFIX_RESERVE: usize = 6;

/// The shortest a component is cut to when a path is over its budget.
const MIN_COMPONENT_CHARS: usize = 12;

const FORBIDDEN: &[char] = &['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `stem` (a name without extension) is a Windows device name.
fn is_reserved_stem(stem: &str) -> bool {
    let stem = stem.trim_end_matches([' ', '.']).to_ascii_uppercase();
    match stem.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$" => true,
        _ => {
            let mut chars = stem.chars();
            let head: String = chars.by_ref().take(3).collect();
            let tail: Vec<char> = chars.collect();
            (head == "COM" || head == "LPT")
                && matches!(tail.as_slice(), [c] if c.is_ascii_digit() || matches!(c, '¹' | '²' | '³'))
        }
    }
}

/// The extension of a file name (`.pdf`), when it has a short alphanumeric one.
#[must_use]
pub fn extension(name: &str) -> Option<&str> {
    let dot = name.rfind('.')?;
    let ext = &name[dot + 1..];
    (dot > 0 && (1..=10).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric()))
        .then_some(&name[dot..])
}

/// Cuts `name` to at most `max_bytes` UTF-8 bytes at a character boundary, keeping the
/// extension when `keep_extension` and there is one.
#[must_use]
pub fn truncate(name: &str, max_bytes: usize, keep_extension: bool) -> String {
    if name.len() <= max_bytes {
        return name.to_owned();
    }
    let ext = if keep_extension {
        extension(name)
    } else {
        None
    }
    .unwrap_or("");
    let stem = &name[..name.len() - ext.len()];
    let room = max_bytes.saturating_sub(ext.len());
    let mut cut = room.min(stem.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    let stem = stem[..cut].trim_end_matches([' ', '.']);
    let stem = if stem.is_empty() { "_" } else { stem };
    format!("{stem}{ext}")
}

/// One path component, safe everywhere (see the module docs). `is_file` keeps the extension
/// when the name has to be shortened.
#[must_use]
pub fn component(raw: &str, is_file: bool) -> String {
    // Characters are dropped and replaced before normalising: removing one can bring a
    // letter and a combining mark together, which NFC then composes.
    let mut name: String = raw
        .chars()
        .filter(|c| !is_bidi_control(*c))
        .map(|c| {
            if c.is_control() || FORBIDDEN.contains(&c) {
                '_'
            } else {
                c
            }
        })
        .nfc()
        .collect();
    loop {
        let trimmed = name
            .trim_start_matches(char::is_whitespace)
            .trim_end_matches(|c: char| c == '.' || c.is_whitespace());
        let mut next = if let Some(rest) = trimmed.strip_prefix('.') {
            // A file named by its extension alone (an empty stem) keeps it: `_.pdf`, which
            // still opens as a PDF, not `_pdf`.
            let kept = format!("_{trimmed}");
            if is_file && extension(&kept) == Some(trimmed) {
                kept
            } else {
                format!("_{rest}")
            }
        } else {
            trimmed.to_owned()
        };
        if next.is_empty() {
            next.push('_');
        }
        let stem_end = next.find('.').unwrap_or(next.len());
        if is_reserved_stem(&next[..stem_end]) {
            next.insert(0, '_');
        }
        let next = truncate(&next, MAX_COMPONENT_BYTES, is_file);
        if next == name {
            return name;
        }
        name = next;
    }
}

/// Inserts a collision suffix before the extension: `2025-09 G1.pdf` → `2025-09 G1 (2).pdf`,
/// shortening the stem if the result would pass [`MAX_COMPONENT_BYTES`].
#[must_use]
pub fn with_suffix(file_name: &str, n: u32) -> String {
    let ext = extension(file_name).unwrap_or("");
    let stem = &file_name[..file_name.len() - ext.len()];
    let suffix = format!(" ({n})");
    let stem = truncate(stem, MAX_COMPONENT_BYTES - ext.len() - suffix.len(), false);
    format!("{stem}{suffix}{ext}")
}

fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// The units `dest` uses of the path budget: its length plus one separator.
#[must_use]
pub fn folder_units(dest: &Path) -> usize {
    utf16_len(&dest.to_string_lossy()) + 1
}

/// Shortens the longest components until the relative path (joined with separators) fits in
/// `budget` UTF-16 units with [`SUFFIX_RESERVE`] to spare. `None` when even the shortest
/// allowed names do not fit.
#[must_use]
pub fn fit_budget(mut components: Vec<String>, budget: usize) -> Option<Vec<String>> {
    let total = |parts: &[String]| -> usize {
        parts.iter().map(|p| utf16_len(p)).sum::<usize>() + parts.len().saturating_sub(1)
    };
    let limit = budget.checked_sub(SUFFIX_RESERVE)?;
    let last = components.len().checked_sub(1)?;
    while total(&components) > limit {
        let over = total(&components) - limit;
        // The longest component gives first; a file name's extension is never cut.
        let (index, longest) = components
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let ext = if i == last {
                    extension(c).unwrap_or("")
                } else {
                    ""
                };
                (i, c.chars().count() - ext.chars().count())
            })
            .max_by_key(|(i, len)| (*len, *i))?;
        if longest <= MIN_COMPONENT_CHARS {
            return None;
        }
        let keep = longest.saturating_sub(over).max(MIN_COMPONENT_CHARS);
        let name = &components[index];
        let ext = if index == last {
            extension(name).unwrap_or("")
        } else {
            ""
        };
        let stem: String = name[..name.len() - ext.len()].chars().take(keep).collect();
        // Re-run the component rules: the cut may leave a trailing dot or space.
        components[index] = component(&format!("{stem}{ext}"), index == last);
    }
    Some(components)
}

/// Whether `relative` stays inside the folder it is joined to: only normal components.
#[must_use]
pub fn is_contained(relative: &Path) -> bool {
    relative.components().count() > 0
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Joins sanitised components into a relative path.
#[must_use]
pub fn join(components: &[String]) -> PathBuf {
    components.iter().collect()
}

/// The key two names collide under on Windows and macOS (case-insensitive file systems).
#[must_use]
pub fn fold(relative: &str) -> String {
    relative.nfc().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
#[allow(clippy::case_sensitive_file_extension_comparisons)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_and_controls_become_underscores() {
        assert_eq!(component("a:b", true), "a_b");
        assert_eq!(component(r"R&D / EU: ..\ x", false), "R&D _ EU_ .._ x");
        assert_eq!(component("a<b>c\"d|e?f*g", true), "a_b_c_d_e_f_g");
        assert_eq!(component("tab\there\u{0}nul\u{7f}", true), "tab_here_nul_");
    }

    #[test]
    fn dots_and_spaces_never_make_special_names() {
        for bad in [".", "..", "...", " ", "", " . ", "\u{202E}"] {
            assert_eq!(component(bad, false), "_", "{bad:?}");
        }
        assert_eq!(component("..hidden", false), "_.hidden");
        assert_eq!(component("name. . ", true), "name");
        assert_eq!(component("  lead", true), "lead");
        assert_eq!(
            component(".invoice-desk-index.json", true),
            "_invoice-desk-index.json"
        );
        assert_eq!(component(".pdf", true), "_.pdf");
        assert_eq!(component("\u{202E}.pdf", true), "_.pdf");
        assert_eq!(component(".pdf", false), "_pdf");
    }

    #[test]
    fn windows_device_names_get_a_prefix() {
        for name in [
            "CON",
            "con",
            "Prn",
            "AUX",
            "NUL",
            "COM1",
            "com9",
            "LPT1",
            "LPT0",
            "COM¹",
            "CON.pdf",
            "nul.tar.gz",
            "CON .pdf",
            "conin$",
        ] {
            let safe = component(name, true);
            assert!(safe.starts_with('_'), "{name} → {safe}");
        }
        for fine in [
            "CONTOSO",
            "COM10",
            "LPT",
            "console.pdf",
            "NULL",
            "AUXILIARY",
        ] {
            assert_eq!(component(fine, true), fine);
        }
    }

    #[test]
    fn unicode_is_nfc_and_bidi_controls_go() {
        assert_eq!(component("Cafe\u{301}", true), "Café");
        assert_eq!(component("Café", true), component("Cafe\u{301}", true));
        assert_eq!(component("invoice\u{202E}fdp.exe", true), "invoicefdp.exe");
        // Right-to-left letters themselves are kept.
        assert_eq!(component("חשבונית 2025", true), "חשבונית 2025");
        assert_eq!(component("فاتورة", true), "فاتورة");
        assert_eq!(component("請求書", true), "請求書");
    }

    #[test]
    fn long_names_keep_their_extension_and_a_char_boundary() {
        let long = format!("{}.pdf", "é".repeat(300));
        let safe = component(&long, true);
        assert!(safe.len() <= MAX_COMPONENT_BYTES, "{}", safe.len());
        assert!(safe.ends_with(".pdf"), "{safe}");
        let ascii = "x".repeat(300);
        assert_eq!(component(&ascii, false).len(), MAX_COMPONENT_BYTES);
        let suffixed = with_suffix(&safe, 12);
        assert!(suffixed.len() <= MAX_COMPONENT_BYTES);
        assert!(suffixed.ends_with(" (12).pdf"), "{suffixed}");
        assert_eq!(with_suffix("2025-09 G1.pdf", 2), "2025-09 G1 (2).pdf");
        assert_eq!(with_suffix("noext", 3), "noext (3)");
    }

    #[test]
    fn paths_fit_the_windows_budget() {
        let parts = vec![
            "a".repeat(200),
            "b".repeat(200),
            format!("{}.pdf", "c".repeat(100)),
        ];
        let fitted = fit_budget(parts, 200).unwrap();
        let joined = fitted.join("/");
        assert!(
            joined.encode_utf16().count() <= 200 - SUFFIX_RESERVE,
            "{joined}"
        );
        assert!(joined.ends_with(".pdf"));
        assert!(fit_budget(vec!["x".repeat(40); 20], 100).is_none());
        let short = vec!["acct".to_owned(), "2025-01 G1.pdf".to_owned()];
        assert_eq!(fit_budget(short.clone(), 200).unwrap(), short);
    }

    #[test]
    fn folding_meets_case_and_normalisation() {
        assert_eq!(fold("Café/A.PDF"), fold("cafe\u{301}/a.pdf"));
    }
}
