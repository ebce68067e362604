//! What lies on the disk or arrives as a file: an invoice bundle (zip), the archive's index,
//! and the names the app gives documents.

// Names are shown escaped (`{:?}`): the point is to see the hostile characters.
#![allow(clippy::unnecessary_debug_formatting)]

use std::path::Path;

use invoice_desk_files::bundle::{Member, unpack};
use invoice_desk_files::sanitise::{
    MAX_COMPONENT_BYTES, MAX_PATH_UNITS, SUFFIX_RESERVE, is_contained,
};
use invoice_desk_files::{ArchiveIndex, INDEX_FILE, NameFields, Template};
use unicode_normalization::is_nfc;

use crate::input::{fields, text};

/// The two invoices a fuzzed bundle is unpacked for, as a multi-invoice download names them.
pub const BUNDLE_INVOICES: [&str; 2] = ["G000000001", "G000000002"];

/// A zip from the download link: whatever it holds, each member gets a whole PDF under its
/// `.part` name or nothing at all, and nothing else is written.
pub fn bundle(data: &[u8]) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let zip = dir.path().join("bundle.zip.part");
    std::fs::write(&zip, data).expect("the bundle is written");
    let members: Vec<Member> = BUNDLE_INVOICES
        .iter()
        .map(|invoice| Member {
            invoice: (*invoice).to_owned(),
            document_name: None,
            part: dir.path().join(format!("{invoice}.pdf.part")),
        })
        .collect();
    let unpacked = unpack(&zip, &members);
    for (member, part) in members.iter().zip(&unpacked.parts) {
        match part {
            Some(done) => {
                let bytes = std::fs::read(&done.part).expect("an unpacked part exists");
                assert_eq!(bytes.len() as u64, done.size);
                assert!(
                    bytes.starts_with(b"%PDF-"),
                    "not a PDF: {:?}",
                    &bytes[..8.min(bytes.len())]
                );
            }
            None => assert!(
                !member.part.exists(),
                "a failed member left {:?}",
                member.part
            ),
        }
    }
    let written = std::fs::read_dir(dir.path())
        .expect("the folder lists")
        .count();
    let parts = unpacked.parts.iter().flatten().count();
    assert_eq!(
        written,
        1 + parts,
        "unpacking wrote something besides the members' parts"
    );
}

/// The archive's index file as found in the folder: read or set aside, and every entry it
/// keeps stays inside the folder.
pub fn archive_index(data: &[u8]) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join(INDEX_FILE), data).expect("the index is written");
    let Ok((index, _warning)) = ArchiveIndex::load(dir.path()) else {
        return;
    };
    for entry in index.entries() {
        assert!(
            is_contained(&entry.relative()),
            "{:?} leaves the folder",
            entry.relative()
        );
        let _ = index.on_disk(&entry.key());
    }
}

/// A name template from the settings with names from Azure: every name it renders is valid
/// on Windows, macOS and Linux and the path stays inside the folder and its budget.
pub fn file_name(data: &[u8]) {
    let [
        template,
        account,
        profile,
        scope,
        subscription,
        date,
        invoice,
        kind,
        document,
        extra,
    ] = fields(data, 10)[..]
    else {
        unreachable!("fields pads to ten")
    };
    let Ok(template) = Template::parse(&text(template)) else {
        return;
    };
    let fields = NameFields {
        billing_account: text(account),
        billing_profile: text(profile),
        scope: text(scope),
        subscription: text(subscription),
        date: fuzzed_date(date),
        invoice_name: text(invoice),
        document_kind: text(kind),
        document_name: text(document),
    };
    let extra = (!extra.is_empty()).then(|| text(extra));
    let components = template.components(&fields, extra.as_deref());
    let last = components.len().saturating_sub(1);
    for (i, name) in components.iter().enumerate() {
        assert_valid_component(name, i == last);
    }
    let folder = Path::new("/home/someone/Invoices");
    if let Ok(relative) = template.render(&fields, extra.as_deref(), folder) {
        assert!(is_contained(&relative), "{relative:?} leaves the folder");
        let units: usize = relative.to_string_lossy().encode_utf16().count();
        let budget = MAX_PATH_UNITS - (folder.as_os_str().len() + 1) - SUFFIX_RESERVE;
        assert!(
            units <= budget,
            "{relative:?} is {units} units, over {budget}"
        );
        let names: Vec<String> = relative
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect();
        for (i, name) in names.iter().enumerate() {
            assert_valid_component(name, i + 1 == names.len());
        }
    }
}

fn fuzzed_date(bytes: &[u8]) -> Option<time::Date> {
    let [year, month, day, ..] = bytes else {
        return None;
    };
    let month = time::Month::try_from(month % 12 + 1).ok()?;
    time::Date::from_calendar_date(1990 + i32::from(*year), month, day % 31 + 1).ok()
}

/// A name that every one of the three systems accepts and shows as itself.
pub fn assert_valid_component(name: &str, is_file: bool) {
    assert!(!name.is_empty(), "an empty name");
    assert!(
        name.len() <= MAX_COMPONENT_BYTES,
        "{name:?} is {} bytes",
        name.len()
    );
    assert!(
        !name
            .chars()
            .any(|c| c.is_control() || "<>:\"/\\|?*".contains(c)),
        "{name:?} has a character Windows refuses"
    );
    assert!(
        !name.chars().any(|c| matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
        "{name:?} has a bidirectional control"
    );
    assert!(!name.starts_with('.'), "{name:?} is hidden or special");
    assert!(
        !name.starts_with(char::is_whitespace),
        "{name:?} starts with a space"
    );
    assert!(
        !name.ends_with(|c: char| c == '.' || c.is_whitespace()),
        "{name:?} ends with what Windows drops"
    );
    assert!(is_nfc(name), "{name:?} is not NFC");
    assert!(
        !is_windows_device(name),
        "{name:?} is a Windows device name"
    );
    if is_file {
        assert!(name.contains('.'), "{name:?} has no extension");
    }
}

/// Windows' reserved names, as Windows itself reads them: the part before the first dot,
/// trailing spaces and dots ignored, any case, digits and superscript digits.
fn is_windows_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.trim_end_matches([' ', '.']).to_uppercase();
    if matches!(
        stem.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let chars: Vec<char> = stem.chars().collect();
    chars.len() == 4
        && (stem.starts_with("COM") || stem.starts_with("LPT"))
        && (chars[3].is_ascii_digit() || matches!(chars[3], '¹' | '²' | '³'))
}
