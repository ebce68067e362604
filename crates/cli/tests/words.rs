//! Every word the command line prints comes from the one catalogue (`ui/src/i18n/en.json` and
//! `nl.json`; the command line's own texts under `cli.`), so it speaks English and Dutch alike.
//!
//! `every_printed_word_comes_from_the_catalogue` reads `crates/cli/src/**/*.rs` and fails, naming
//! file and line, on every string literal that looks like words for a person. Not read: comments
//! (doc comments too), attributes (clap's `#[arg]`/`#[command]` help texts), `#[cfg(test)]`
//! items, `tracing` macros (the `-v` log stays English) and the `const …HELP` texts clap prints
//! for `--help` (the command's reference text, English like the README).
//!
//! A literal looks like words when, with its `{placeholders}` taken out, it has
//! - two words with only white space between them (`"Signed in"`),
//! - a capitalised word (`"Due"`, `"Ctrl+C"`),
//! - a word in capitals that is not an identifier (`"NAME"`; `INVOICE_DESK_TODAY` is one), or
//! - letters and white space in a format string (`"{} saved"`).
//!
//! Catalogue keys (`cli.login.signedInAs`), codes (`scope_not_found`), flag and file names and
//! format strings of placeholders and punctuation pass. A single lower-case word (`"saved"`)
//! cannot be told from a code and passes too; the texts of such words are in the catalogue all
//! the same. What is left is in [`ALLOWED`], each with its reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Literals that look like words and stay, each with why.
const ALLOWED: &[(&str, &str)] = &[
    (
        "error: {}\nhint: {}\n",
        "the command line's failure format: the prefixes stay as they are, the sentences come from the catalogue",
    ),
    (
        "warning: {}",
        "the command line's warning prefix; the sentence comes from the catalogue",
    ),
    (
        "`{text}` is not a month: use YYYY-MM, e.g. 2025-03",
        "a clap value parser's message: clap prints it inside its own English usage error, before --lang is read",
    ),
];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn catalogue(lang: &str) -> BTreeMap<String, String> {
    let path = manifest_dir().join(format!("../../ui/src/i18n/{lang}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    value
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A string literal, its text with the escapes resolved.
    Str(String),
    Ident(String),
    Punct(char),
}

/// The source's tokens with their lines, without comments; char literals and lifetimes left
/// out.
fn tokens(source: &str) -> Vec<(usize, Token)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if c == '"' {
            let start = line;
            let (text, end, lines) = quoted(&chars, i + 1);
            out.push((start, Token::Str(text)));
            line += lines;
            i = end;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{2026}') or a lifetime ('a).
            if at(i + 1) == '\\' {
                let mut j = i + 2;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let hashes = chars[i..].iter().take_while(|&&c| c == '#').count();
            if matches!(word.as_str(), "r" | "br") && at(i + hashes) == '"' {
                i += hashes;
                // r"…", r#"…"#: no escapes; ends at a quote followed by the same hashes.
                let begin = i + 1;
                let mut j = begin;
                let start_line = line;
                while j < chars.len() {
                    if chars[j] == '"' && (1..=hashes).all(|h| at(j + h) == '#') {
                        break;
                    }
                    if chars[j] == '\n' {
                        line += 1;
                    }
                    j += 1;
                }
                out.push((start_line, Token::Str(chars[begin..j].iter().collect())));
                i = j + 1 + hashes;
            } else if word == "b" && at(i) == '"' {
                let (text, end, lines) = quoted(&chars, i + 1);
                out.push((line, Token::Str(text)));
                line += lines;
                i = end;
            } else {
                out.push((line, Token::Ident(word)));
            }
        } else {
            out.push((line, Token::Punct(c)));
            i += 1;
        }
    }
    out
}

/// A `"…"` literal's text from just after its opening quote: (text, index after the closing
/// quote, newlines inside).
fn quoted(chars: &[char], mut i: usize) -> (String, usize, usize) {
    let mut text = String::new();
    let mut lines = 0;
    while i < chars.len() && chars[i] != '"' {
        let c = chars[i];
        if c == '\n' {
            lines += 1;
        }
        if c != '\\' {
            text.push(c);
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied().unwrap_or('\0');
        i += 2;
        match next {
            'n' => text.push('\n'),
            't' => text.push('\t'),
            'r' => text.push('\r'),
            '0' => text.push('\0'),
            'u' => {
                let close = chars[i..].iter().position(|&c| c == '}').unwrap() + i;
                let hex: String = chars[i + 1..close].iter().collect();
                text.extend(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()));
                i = close + 1;
            }
            '\n' => {
                // A line continuation: the newline and the next line's indentation go.
                lines += 1;
                while i < chars.len() && chars[i].is_whitespace() {
                    if chars[i] == '\n' {
                        lines += 1;
                    }
                    i += 1;
                }
            }
            other => text.push(other),
        }
    }
    (text, i + 1, lines)
}

/// The index of the token that closes the group `open` starts at.
fn closing(tokens: &[(usize, Token)], open: usize) -> usize {
    let (left, right) = match tokens[open].1 {
        Token::Punct('(') => ('(', ')'),
        Token::Punct('[') => ('[', ']'),
        Token::Punct('{') => ('{', '}'),
        ref other => panic!("no group starts with {other:?}"),
    };
    let mut depth = 0;
    for (i, (_, token)) in tokens.iter().enumerate().skip(open) {
        if *token == Token::Punct(left) {
            depth += 1;
        } else if *token == Token::Punct(right) {
            depth -= 1;
            if depth == 0 {
                return i;
            }
        }
    }
    tokens.len() - 1
}

fn is_ident(token: Option<&(usize, Token)>, name: &str) -> bool {
    matches!(token, Some((_, Token::Ident(n))) if n == name)
}

fn is_punct(token: Option<&(usize, Token)>, c: char) -> bool {
    matches!(token, Some((_, Token::Punct(p))) if *p == c)
}

/// The string literals the program itself can print: `(line, text)`.
fn printable_literals(source: &str) -> Vec<(usize, String)> {
    let tokens = tokens(source);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let here = tokens.get(i);
        // Attributes: `#[…]`, `#![…]`; after `#[cfg(test)]` the item it is on.
        if is_punct(here, '#') {
            let mut open = i + 1;
            if is_punct(tokens.get(open), '!') {
                open += 1;
            }
            if is_punct(tokens.get(open), '[') {
                let close = closing(&tokens, open);
                let cfg_test = close == open + 5
                    && is_ident(tokens.get(open + 1), "cfg")
                    && is_punct(tokens.get(open + 2), '(')
                    && is_ident(tokens.get(open + 3), "test");
                i = close + 1;
                if cfg_test {
                    while i < tokens.len()
                        && !is_punct(tokens.get(i), '{')
                        && !is_punct(tokens.get(i), ';')
                    {
                        i += 1;
                    }
                    if is_punct(tokens.get(i), '{') {
                        i = closing(&tokens, i);
                    }
                    i += 1;
                }
                continue;
            }
        }
        // `tracing::debug!(…)` and the like: the `-v` log.
        if is_ident(here, "tracing")
            && is_punct(tokens.get(i + 1), ':')
            && is_punct(tokens.get(i + 2), ':')
            && is_punct(tokens.get(i + 4), '!')
            && is_punct(tokens.get(i + 5), '(')
        {
            i = closing(&tokens, i + 5) + 1;
            continue;
        }
        // `const …HELP: &str = "…";`: clap's `--help` texts.
        if is_ident(here, "const")
            && matches!(tokens.get(i + 1), Some((_, Token::Ident(name))) if name.ends_with("HELP"))
        {
            while i < tokens.len() && !is_punct(tokens.get(i), ';') {
                i += 1;
            }
            continue;
        }
        if let Some((line, Token::Str(text))) = here {
            out.push((*line, text.clone()));
        }
        i += 1;
    }
    out
}

/// A catalogue key or a key prefix: `cli.login.signedInAs`, `cli.hint.{code}`.
fn is_key(text: &str) -> bool {
    text.contains('.')
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '{' | '}'))
}

/// `text` without its format placeholders (`{}`, `{name}`, `{:02}`) and escaped braces.
fn without_placeholders(text: &str) -> (String, bool) {
    let mut out = String::new();
    let mut had = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
            }
            '{' => {
                had = true;
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
            }
            '}' => {}
            c => out.push(c),
        }
    }
    (out, had)
}

/// Whether a literal looks like words for a person (the module's rules).
fn looks_like_words(text: &str) -> bool {
    if is_key(text) {
        return false;
    }
    let (rest, placeholders) = without_placeholders(text);
    let chars: Vec<char> = rest.chars().collect();
    let word_char = |c: char| c.is_alphanumeric() || c == '_';
    // Two words with only white space between them.
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_alphabetic() {
            let mut j = i + 1;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            if j > i + 1 && j < chars.len() && chars[j].is_alphabetic() {
                return true;
            }
        }
        i += 1;
    }
    // A capitalised word.
    for (i, c) in chars.iter().enumerate() {
        let starts = i == 0 || !word_char(chars[i - 1]);
        if starts && c.is_uppercase() && chars.get(i + 1).is_some_and(|n| n.is_lowercase()) {
            return true;
        }
    }
    // A word in capitals (identifiers such as INVOICE_DESK_TODAY have `_` or digits).
    for word in rest.split(|c: char| !word_char(c)) {
        if word.chars().count() >= 2 && word.chars().all(char::is_uppercase) {
            return true;
        }
    }
    // Letters and white space in a format string.
    placeholders && rest.chars().any(char::is_alphabetic) && rest.chars().any(char::is_whitespace)
}

struct Source {
    /// `src/…` relative to the crate.
    name: String,
    literals: Vec<(usize, String)>,
}

fn sources() -> Vec<Source> {
    let root = manifest_dir();
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files
        .iter()
        .map(|path| Source {
            name: path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/"),
            literals: printable_literals(&std::fs::read_to_string(path).unwrap()),
        })
        .collect()
}

#[test]
fn every_printed_word_comes_from_the_catalogue() {
    let sources = sources();
    assert!(sources.len() >= 10, "the sources were found");
    let mut found = Vec::new();
    let mut allowed_seen = BTreeSet::new();
    for source in &sources {
        for (line, text) in &source.literals {
            if !looks_like_words(text) {
                continue;
            }
            if ALLOWED.iter().any(|(allowed, _)| allowed == text) {
                allowed_seen.insert(text.clone());
                continue;
            }
            found.push(format!("{}:{line}: {text:?}", source.name));
        }
    }
    assert!(
        found.is_empty(),
        "words the command line prints must come from the catalogue (ui/src/i18n/en.json and \
         nl.json, under `cli.`; see crates/cli/src/catalogue.rs):\n{}",
        found.join("\n")
    );
    let stale: Vec<&str> = ALLOWED
        .iter()
        .map(|(text, _)| *text)
        .filter(|text| !allowed_seen.contains(*text))
        .collect();
    assert!(stale.is_empty(), "allowed but no longer used: {stale:?}");
}

/// Key prefixes the command line names in its literals.
const PREFIXES: [&str; 4] = ["cli.", "status.", "capability.", "errors."];

#[test]
fn every_key_the_command_line_names_is_in_both_languages() {
    let (en, nl) = (catalogue("en"), catalogue("nl"));
    let mut missing = Vec::new();
    for source in sources() {
        for (line, text) in &source.literals {
            if !is_key(text) || text.contains('{') || !PREFIXES.iter().any(|p| text.starts_with(p))
            {
                continue;
            }
            // A plural's base names `.one` and `.other`.
            let forms = [format!("{text}.one"), format!("{text}.other")];
            let known = |c: &BTreeMap<String, String>| {
                c.contains_key(text.as_str()) || forms.iter().all(|f| c.contains_key(f))
            };
            if !known(&en) || !known(&nl) {
                missing.push(format!("{}:{line}: {text}", source.name));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys not in the catalogue:\n{}",
        missing.join("\n")
    );
}

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.insert(name.to_owned());
        }
        rest = &after[close..];
    }
    out
}

#[test]
fn the_command_lines_keys_are_complete_and_used() {
    let (en, nl) = (catalogue("en"), catalogue("nl"));
    let cli_keys = |c: &BTreeMap<String, String>| -> BTreeSet<String> {
        c.keys()
            .filter(|k| k.starts_with("cli."))
            .cloned()
            .collect()
    };
    assert!(cli_keys(&en).len() >= 100);
    assert_eq!(
        cli_keys(&en),
        cli_keys(&nl),
        "cli. keys in English and Dutch"
    );
    for key in cli_keys(&en) {
        let (english, dutch) = (&en[&key], &nl[&key]);
        assert!(
            !english.trim().is_empty() && !dutch.trim().is_empty(),
            "{key} is empty"
        );
        assert_eq!(
            placeholders(english),
            placeholders(dutch),
            "{key}: placeholders"
        );
        if let Some(base) = key.strip_suffix(".one") {
            assert!(
                en.contains_key(&format!("{base}.other")),
                "{key} without .other"
            );
        }
    }
    // Every cli. key is named in the source: as itself, as a plural's base, or under a prefix
    // the source fills in (`cli.hint.{code}`).
    let literals: BTreeSet<String> = sources()
        .into_iter()
        .flat_map(|s| s.literals.into_iter().map(|(_, text)| text))
        .filter(|text| is_key(text))
        .collect();
    let prefixes: Vec<&str> = literals
        .iter()
        .filter_map(|text| text.split_once('{').map(|(prefix, _)| prefix))
        .filter(|prefix| prefix.ends_with('.'))
        .collect();
    let unused: Vec<String> = cli_keys(&en)
        .into_iter()
        .filter(|key| {
            let base = key
                .strip_suffix(".one")
                .or_else(|| key.strip_suffix(".other"))
                .unwrap_or(key);
            !literals.contains(key)
                && !literals.contains(base)
                && !prefixes.iter().any(|p| key.starts_with(p))
        })
        .collect();
    assert!(unused.is_empty(), "cli. keys nothing uses: {unused:?}");
}

#[test]
fn the_rules_tell_words_from_codes() {
    for words in [
        "Signed in as {}",
        "No billing scopes found.",
        "Due",
        "NAME",
        "{} saved",
        "saved: {}",
        "Ctrl+C",
        "could not start: {e}",
    ] {
        assert!(looks_like_words(words), "{words:?}");
    }
    for code in [
        "cli.login.signedInAs",
        "cli.hint.{code}",
        "status.OverDue",
        "scope_not_found",
        "INVOICE_DESK_TODAY",
        "--template",
        "{} \u{2014} {}",
        "{name} ({domain})",
        "    {}{}{}  [{}]",
        "{bar:30} {pos}/{len} {msg} [{elapsed}]",
        "saved",
        "auth.toml",
        "",
    ] {
        assert!(!looks_like_words(code), "{code:?}");
    }
    let source = r##"
        /// Doc words Are skipped.
        #[arg(help = "Help words Stay")]
        const SCOPES_HELP: &str = "Reference Text";
        fn f() {
            // A comment Here.
            tracing::debug!(code = "x", "log Words stay");
            let a = 'x';
            let b: &'static str = "Printed words";
            let c = r#"Raw "quoted" Words"#;
        }
        #[cfg(test)]
        mod tests {
            const X: &str = "Test Words";
        }
    "##;
    let found: Vec<String> = printable_literals(source)
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    assert_eq!(found, ["Printed words", "Raw \"quoted\" Words"]);
}
