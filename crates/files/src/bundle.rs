//! `downloadDocuments` bundles (`azure-billing-api.md` §3.2, §3.3): several documents of one
//! billing account (MCA, MPA) or one MOSP billing subscription fetched as one zip, then
//! unpacked into exactly the names, `.part` files, checks and index entries of single
//! downloads.
//!
//! The zip is untrusted input. Its entry names only ever *select* which requested document an
//! entry is; they never decide a path (every document goes to the name the template gave it).
//! An entry is used only when its name is harmless, matches exactly one requested document,
//! and that document is matched by no other entry; it must declare a sane size and ratio, and
//! inflate to exactly that size, a PDF, with the right CRC. Everything else is ignored and
//! noted, and the documents it leaves without a file are fetched one by one as usual: a bundle
//! can only make a batch faster, never change what ends up on disk.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use invoice_desk_billing::scope::ScopeKind;
use serde::Serialize;

use crate::target::{LinkSource, Target};
use crate::verify::ContentKind;
use crate::writer::Downloaded;

/// Fewer documents than this for one billing account are fetched one by one.
pub const MIN_BUNDLE: usize = 2;

/// At most this many documents in one bundle: a failed or slow bundle costs little, and the
/// archive's central directory stays small.
pub const MAX_BUNDLE: usize = 20;

/// The largest document taken from a bundle (invoice PDFs are kilobytes to a few megabytes).
pub const MAX_ENTRY_BYTES: u64 = 512 << 20;

/// The most a large entry may inflate relative to its packed size (PDFs hardly compress).
pub const MAX_RATIO: u64 = 100;

/// Entries below this size are never refused for their ratio.
const RATIO_FLOOR: u64 = 1 << 20;

/// The most bytes unpacked from one bundle in all.
pub const MAX_BUNDLE_BYTES: u64 = 2 << 30;

/// Entries beyond the requested documents an archive may have before it is refused whole.
const EXTRA_ENTRIES: usize = 16;

const WRITE_BUFFER: usize = 256 * 1024;

/// Which `downloadDocuments` route serves a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    /// `POST …/billingAccounts/{name}/downloadDocuments` (MCA, MPA).
    Account(String),
    /// `POST …/billingAccounts/default/billingSubscriptions/{id}/downloadDocuments` (MOSP;
    /// support unconfirmed, so a refusal falls back to single downloads).
    Subscription(String),
}

/// The one rule for whether a document may travel in a bundle, and with which others: those
/// with the same route and tenant. EA has no bundles (the spec offers them for MCA and MPA),
/// and the legacy MOSP API has no downloads at all, only inline links.
#[must_use]
pub fn route(target: &Target) -> Option<(Route, Option<String>)> {
    if target.source != LinkSource::Modern {
        return None;
    }
    let scope = &target.scope;
    let route = match scope.kind {
        ScopeKind::MospSubscription => Route::Subscription(scope.subscription_id()?.to_owned()),
        ScopeKind::McaBillingProfile | ScopeKind::McaInvoiceSection | ScopeKind::MpaCustomer => {
            Route::Account(scope.account_name()?.to_owned())
        }
        _ => return None,
    };
    Some((route, scope.tenant_id.clone()))
}

/// Splits the indices of `targets` (documents still to fetch) into bundles of
/// [`MIN_BUNDLE`]..=[`MAX_BUNDLE`] documents and the rest, fetched one by one.
#[must_use]
pub fn group<'a>(targets: impl IntoIterator<Item = (usize, &'a Target)>) -> Grouping {
    let mut by_route: std::collections::BTreeMap<_, Vec<usize>> = std::collections::BTreeMap::new();
    let mut single = Vec::new();
    for (i, target) in targets {
        match route(target) {
            Some(key) => by_route.entry(key).or_default().push(i),
            None => single.push(i),
        }
    }
    let mut bundles = Vec::new();
    for members in by_route.into_values() {
        let chunks = members.len().div_ceil(MAX_BUNDLE);
        // Even chunks: 21 documents are 11 + 10, not 20 + 1.
        let size = members.len().div_ceil(chunks.max(1));
        for chunk in members.chunks(size.max(1)) {
            if chunk.len() >= MIN_BUNDLE {
                bundles.push(chunk.to_vec());
            } else {
                single.extend_from_slice(chunk);
            }
        }
    }
    single.sort_unstable();
    Grouping { bundles, single }
}

/// What [`group`] decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grouping {
    pub bundles: Vec<Vec<usize>>,
    pub single: Vec<usize>,
}

/// One requested document and the `.part` file its entry goes to.
#[derive(Debug, Clone)]
pub struct Member {
    pub invoice: String,
    pub document_name: Option<String>,
    pub part: PathBuf,
}

/// Something in a bundle that was not used, and why; logged, never shown as an item failure
/// (the document it concerns is fetched alone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    /// The entry's name, escaped for logs (`None` for the archive as a whole).
    pub entry: Option<String>,
    /// A stable code: `hostile_name`, `unexpected`, `ambiguous`, `missing`, `too_large`,
    /// `zip_bomb`, `not_a_pdf`, `length_mismatch`, `unreadable`, `too_many_entries`,
    /// `not_a_zip`, `write_failed`.
    pub code: &'static str,
}

/// The outcome of unpacking: per member (in order) its finished `.part` file, or `None` when
/// it must be fetched alone.
#[derive(Debug, Default)]
pub struct Unpacked {
    pub parts: Vec<Option<Downloaded>>,
    pub notes: Vec<Note>,
}

fn note(entry: Option<&str>, code: &'static str) -> Note {
    Note {
        entry: entry.map(|e| e.escape_debug().to_string()),
        code,
    }
}

/// An entry name that tries to reach outside a folder, or that no tool would write: absolute
/// (`/x`, `\x`), a drive or stream (`C:`, `a:b`), a `..` step, control characters.
#[must_use]
pub fn hostile(name: &str) -> bool {
    name.starts_with(['/', '\\'])
        || name.contains(':')
        || name.chars().any(char::is_control)
        || name.split(['/', '\\']).any(|part| part.trim() == "..")
}

/// Lower-case alphanumeric runs: `G123-Invoice_456.pdf` → `g123 invoice 456 pdf`.
fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn contains_run(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// How well an entry's file name fits a member: 2 when it names both the invoice and the
/// document, 1 for one of them, 0 for neither.
fn score(entry_tokens: &[String], member: &Member) -> u8 {
    let invoice = contains_run(entry_tokens, &tokens(&member.invoice));
    let document = member
        .document_name
        .as_deref()
        .is_some_and(|d| contains_run(entry_tokens, &tokens(d)));
    u8::from(invoice) + u8::from(document)
}

/// The member an entry is, if exactly one fits it best.
fn owner(entry_name: &str, members: &[Member]) -> Option<usize> {
    let base = entry_name.rsplit(['/', '\\']).next().unwrap_or(entry_name);
    let lower = base.to_lowercase();
    let stem = lower.strip_suffix(".pdf").unwrap_or(&lower);
    let entry_tokens = tokens(stem);
    let scores: Vec<u8> = members.iter().map(|m| score(&entry_tokens, m)).collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    let first = scores.iter().position(|&s| s == best)?;
    let last = scores.iter().rposition(|&s| s == best)?;
    (best > 0 && first == last).then_some(first)
}

/// The entry count the end-of-central-directory record declares, read before the zip library
/// builds its table (an archive of a million empty entries must not cost a gigabyte).
fn declared_entries(file: &mut File) -> io::Result<Option<u64>> {
    let len = file.metadata()?.len();
    let tail = len.min(22 + 65_535);
    file.seek(SeekFrom::Start(len - tail))?;
    let mut buf = vec![0; usize::try_from(tail).unwrap_or(0)];
    file.read_exact(&mut buf)?;
    file.seek(SeekFrom::Start(0))?;
    let Some(at) = buf.windows(4).rposition(|w| w == b"PK\x05\x06") else {
        return Ok(None);
    };
    Ok(buf
        .get(at + 10..at + 12)
        .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]]))))
}

/// Unpacks the zip at `zip` for `members`: each usable entry streamed to its member's `.part`
/// file, checked and fsynced. Blocking: run it off the async runtime.
pub fn unpack(zip: &Path, members: &[Member]) -> Unpacked {
    let mut out = Unpacked {
        parts: vec![None; members.len()],
        notes: Vec::new(),
    };
    let Ok(mut file) = File::open(zip) else {
        out.notes.push(note(None, "unreadable"));
        return out;
    };
    let limit = (members.len() + EXTRA_ENTRIES) as u64;
    match declared_entries(&mut file) {
        Ok(Some(n)) if n <= limit => {}
        Ok(Some(_)) => {
            out.notes.push(note(None, "too_many_entries"));
            return out;
        }
        _ => {
            out.notes.push(note(None, "not_a_zip"));
            return out;
        }
    }
    let Ok(mut archive) = zip::ZipArchive::new(io::BufReader::new(file)) else {
        out.notes.push(note(None, "not_a_zip"));
        return out;
    };
    if archive.len() as u64 > limit {
        out.notes.push(note(None, "too_many_entries"));
        return out;
    }

    // Which entry is which member: by name alone, before any byte is inflated.
    let mut chosen: Vec<Vec<usize>> = vec![Vec::new(); members.len()];
    let mut names = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(i) else {
            out.notes.push(note(None, "unreadable"));
            names.push(String::new());
            continue;
        };
        let name = entry.name().map_or_else(
            |_| String::from_utf8_lossy(entry.name_raw()).into_owned(),
            std::borrow::Cow::into_owned,
        );
        drop(entry);
        if name.ends_with(['/', '\\']) {
            // A folder: nothing to take, nothing to fear.
        } else if hostile(&name) {
            out.notes.push(note(Some(&name), "hostile_name"));
        } else if let Some(m) = owner(&name, members) {
            chosen[m].push(i);
        } else {
            out.notes.push(note(Some(&name), "unexpected"));
        }
        names.push(name);
    }

    let mut budget = MAX_BUNDLE_BYTES;
    for (m, member) in members.iter().enumerate() {
        let index = match chosen[m].as_slice() {
            [one] => *one,
            [] => {
                out.notes.push(note(Some(&member.invoice), "missing"));
                continue;
            }
            several => {
                for &i in several {
                    out.notes.push(note(Some(&names[i]), "ambiguous"));
                }
                continue;
            }
        };
        let name = &names[index];
        let Ok(mut entry) = archive.by_index(index) else {
            out.notes.push(note(Some(name), "unreadable"));
            continue;
        };
        let (size, packed) = (entry.size(), entry.compressed_size());
        if size > MAX_ENTRY_BYTES || size > budget {
            out.notes.push(note(Some(name), "too_large"));
            continue;
        }
        if size > RATIO_FLOOR && size / packed.max(1) > MAX_RATIO {
            out.notes.push(note(Some(name), "zip_bomb"));
            continue;
        }
        match extract(&mut entry, &member.part, size) {
            Ok(done) => {
                budget -= done.size;
                out.parts[m] = Some(done);
            }
            Err(code) => {
                let _ = std::fs::remove_file(&member.part);
                out.notes.push(note(Some(name), code));
            }
        }
    }
    out
}

/// Streams one entry into `part`: at most `declared` bytes, a PDF, CRC checked by the zip
/// reader at the end, then fsynced.
fn extract(entry: &mut impl Read, part: &Path, declared: u64) -> Result<Downloaded, &'static str> {
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(part)
        .map_err(|_| "write_failed")?;
    let mut writer = BufWriter::with_capacity(WRITE_BUFFER, file);
    let mut hasher = blake3::Hasher::new();
    let mut head = Vec::with_capacity(8);
    let mut size = 0u64;
    let mut buffer = vec![0u8; 64 * 1024];
    // One byte more than declared tells a lying header from an honest one.
    let mut limited = entry.take(declared + 1);
    loop {
        let n = match limited.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err("unreadable"),
        };
        let chunk = &buffer[..n];
        size += n as u64;
        if size > declared {
            return Err("zip_bomb");
        }
        let magic = ContentKind::Pdf.magic();
        if head.len() < magic.len() {
            let take = (magic.len() - head.len()).min(n);
            head.extend_from_slice(&chunk[..take]);
            if ContentKind::Pdf.check(&head) == Some(false) {
                return Err("not_a_pdf");
            }
        }
        hasher.update(chunk);
        writer.write_all(chunk).map_err(|_| "write_failed")?;
    }
    if size != declared {
        return Err("length_mismatch");
    }
    if ContentKind::Pdf.check(&head) != Some(true) {
        return Err("not_a_pdf");
    }
    let file = writer.into_inner().map_err(|_| "write_failed")?;
    file.sync_all().map_err(|_| "write_failed")?;
    Ok(Downloaded {
        part: part.to_owned(),
        size,
        content_hash: *hasher.finalize().as_bytes(),
        resumes: 0,
        restarts: 0,
    })
}

/// A file removed when dropped (the bundle's zip, whatever happens).
#[derive(Debug)]
pub(crate) struct TempFile(pub PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(dir: &Path, invoice: &str, doc: Option<&str>) -> Member {
        Member {
            invoice: invoice.into(),
            document_name: doc.map(str::to_owned),
            part: dir.join(format!("{invoice}.pdf.part")),
        }
    }

    /// (name, content, method, declared size, packed bytes).
    type RawEntry = (String, Vec<u8>, u16, u32, Vec<u8>);

    fn stored(name: &str, data: &[u8]) -> RawEntry {
        (
            name.into(),
            data.to_vec(),
            0,
            u32::try_from(data.len()).unwrap(),
            data.to_vec(),
        )
    }

    /// The `zip` crate is built without its writer, so the tests write the few headers by hand.
    fn zip_of(entries: &[RawEntry]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, content, method, size, packed) in entries {
            let crc = crc32(content);
            let offset = u32::try_from(out.len()).unwrap();
            let header = |buf: &mut Vec<u8>, central_dir: bool| {
                buf.extend_from_slice(if central_dir {
                    b"PK\x01\x02"
                } else {
                    b"PK\x03\x04"
                });
                if central_dir {
                    buf.extend_from_slice(&20u16.to_le_bytes());
                }
                buf.extend_from_slice(&20u16.to_le_bytes());
                buf.extend_from_slice(&0x0800u16.to_le_bytes());
                buf.extend_from_slice(&method.to_le_bytes());
                buf.extend_from_slice(&[0, 0, 0x21, 0x5c]);
                buf.extend_from_slice(&crc.to_le_bytes());
                buf.extend_from_slice(&u32::try_from(packed.len()).unwrap().to_le_bytes());
                buf.extend_from_slice(&size.to_le_bytes());
                buf.extend_from_slice(&u16::try_from(name.len()).unwrap().to_le_bytes());
                buf.extend_from_slice(&0u16.to_le_bytes());
                if central_dir {
                    buf.extend_from_slice(&[0; 6]);
                    buf.extend_from_slice(&0u32.to_le_bytes());
                    buf.extend_from_slice(&offset.to_le_bytes());
                }
                buf.extend_from_slice(name.as_bytes());
            };
            header(&mut out, false);
            out.extend_from_slice(packed);
            header(&mut central, true);
        }
        let cd_offset = u32::try_from(out.len()).unwrap();
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        let n = u16::try_from(entries.len()).unwrap();
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&u32::try_from(central.len()).unwrap().to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn unpack_bytes(dir: &Path, zip: &[u8], members: &[Member]) -> Unpacked {
        let path = dir.join("b.zip.part");
        std::fs::write(&path, zip).unwrap();
        unpack(&path, members)
    }

    #[test]
    fn entries_are_matched_by_name_and_land_in_the_members_part_files() {
        let dir = tempfile::tempdir().unwrap();
        let members = [
            member(dir.path(), "G000000001", Some("111")),
            member(dir.path(), "G000000002", Some("222")),
        ];
        let zip = zip_of(&[
            stored("invoices/G000000002-Invoice-222.pdf", b"%PDF-1.7 two"),
            stored("G000000001-Invoice-111.pdf", b"%PDF-1.7 one"),
        ]);
        let out = unpack_bytes(dir.path(), &zip, &members);
        assert!(out.notes.is_empty(), "{:?}", out.notes);
        let one = out.parts[0].as_ref().unwrap();
        assert_eq!(std::fs::read(&one.part).unwrap(), b"%PDF-1.7 one");
        assert_eq!(one.size, 12);
        let two = out.parts[1].as_ref().unwrap();
        assert_eq!(std::fs::read(&two.part).unwrap(), b"%PDF-1.7 two");
    }

    #[test]
    fn hostile_unexpected_ambiguous_and_bad_entries_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let members = [
            member(dir.path(), "G1", Some("111")),
            member(dir.path(), "G2", Some("222")),
            member(dir.path(), "G3", Some("333")),
            member(dir.path(), "G4", Some("444")),
            member(dir.path(), "G5", None),
        ];
        let zip = zip_of(&[
            stored("../../G1-Invoice-111.pdf", b"%PDF-evil"),
            stored("/etc/G1-111.pdf", b"%PDF-evil"),
            stored("C:\\G1-111.pdf", b"%PDF-evil"),
            stored("G2-222.pdf", b"%PDF-a"),
            stored("copy of G2-222.pdf", b"%PDF-b"),
            stored("G3-333.pdf", b"<html>"),
            stored("notes.txt", b"hello"),
            stored("folder/", b""),
            stored("G5.pdf", b"%PDF-five"),
        ]);
        let out = unpack_bytes(dir.path(), &zip, &members);
        let codes: Vec<&str> = out.notes.iter().map(|n| n.code).collect();
        assert_eq!(
            codes,
            [
                "hostile_name",
                "hostile_name",
                "hostile_name",
                "unexpected",
                "missing",
                "ambiguous",
                "ambiguous",
                "not_a_pdf",
                "missing"
            ]
        );
        assert!(out.parts[..4].iter().all(Option::is_none));
        assert_eq!(
            std::fs::read(&out.parts[4].as_ref().unwrap().part).unwrap(),
            b"%PDF-five"
        );
        // Nothing was written outside the folder, and no part file of a refused entry stays.
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
    }

    #[test]
    fn sizes_that_lie_or_explode_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let members = [
            member(dir.path(), "G1", None),
            member(dir.path(), "G2", None),
            member(dir.path(), "G3", None),
        ];
        // Declares fewer bytes than it holds; declares more than the limit; declares 3 MiB
        // packed into 1 KiB (refused on the ratio before a byte is inflated).
        let mut bomb = vec![0u8; 3 << 20];
        bomb[..5].copy_from_slice(b"%PDF-");
        let zip = zip_of(&[
            (
                "G1.pdf".into(),
                b"%PDF-1234".to_vec(),
                0,
                5,
                b"%PDF-1234".to_vec(),
            ),
            (
                "G2.pdf".into(),
                b"%PDF-".to_vec(),
                0,
                u32::try_from(MAX_ENTRY_BYTES + 1).unwrap(),
                b"%PDF-".to_vec(),
            ),
            (
                "G3.pdf".into(),
                bomb.clone(),
                0,
                u32::try_from(bomb.len()).unwrap(),
                bomb[..1024].to_vec(),
            ),
        ]);
        let out = unpack_bytes(dir.path(), &zip, &members);
        let codes: Vec<&str> = out.notes.iter().map(|n| n.code).collect();
        assert_eq!(codes.len(), 3, "{codes:?}");
        assert_eq!(codes[1..], ["too_large", "zip_bomb"], "{codes:?}");
        assert!(out.parts.iter().all(Option::is_none));
    }

    #[test]
    fn too_many_entries_or_no_zip_refuse_the_whole_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let members = [member(dir.path(), "G1", None)];
        let many: Vec<_> = (0..40)
            .map(|i| stored(&format!("x{i}.txt"), b"x"))
            .collect();
        let out = unpack_bytes(dir.path(), &zip_of(&many), &members);
        assert_eq!(out.notes[0].code, "too_many_entries");
        let out = unpack_bytes(dir.path(), b"<html>no zip</html>", &members);
        assert_eq!(out.notes[0].code, "not_a_zip");
    }

    fn target(kind: ScopeKind, id: &str, source: LinkSource) -> Target {
        use invoice_desk_billing::model::AgreementType;
        Target {
            scope: invoice_desk_billing::BillingScope {
                kind,
                agreement: AgreementType::Other,
                id: id.into(),
                display_name: String::new(),
                parent_display_name: None,
                billing_account_id: None,
                billing_account_name: None,
                billing_account_display_name: None,
                tenant_id: None,
                currency: None,
            },
            invoice: "G1".into(),
            invoice_date: None,
            period_start: None,
            period_end: None,
            profile_display_name: None,
            subscription_display_name: None,
            document_name: None,
            document_kind: "Invoice".into(),
            primary: true,
            source,
        }
    }

    #[test]
    fn bundles_are_for_mca_mpa_and_modern_mosp_documents_of_one_route() {
        let mca = "/providers/Microsoft.Billing/billingAccounts/a1/billingProfiles/p1";
        let other = "/providers/Microsoft.Billing/billingAccounts/a2/billingProfiles/p2";
        let ea = "/providers/Microsoft.Billing/billingAccounts/e1";
        let sub = "/subscriptions/00000000-0000-0000-0000-000000000001";
        let mut targets = Vec::new();
        targets
            .extend((0..21).map(|_| target(ScopeKind::McaBillingProfile, mca, LinkSource::Modern)));
        targets.push(target(
            ScopeKind::McaBillingProfile,
            other,
            LinkSource::Modern,
        ));
        targets.push(target(ScopeKind::EaEnrollment, ea, LinkSource::Modern));
        targets.push(target(ScopeKind::EaEnrollment, ea, LinkSource::Modern));
        targets.push(target(ScopeKind::MospSubscription, sub, LinkSource::Legacy));
        targets.push(target(ScopeKind::MospSubscription, sub, LinkSource::Legacy));
        targets.push(target(ScopeKind::MospSubscription, sub, LinkSource::Modern));
        targets.push(target(ScopeKind::MospSubscription, sub, LinkSource::Modern));
        let grouping = group(targets.iter().enumerate());
        let sizes: Vec<usize> = grouping.bundles.iter().map(Vec::len).collect();
        assert_eq!(
            sizes,
            [11, 10, 2],
            "21 of one account split evenly; MOSP modern"
        );
        assert_eq!(grouping.single, [21, 22, 23, 24, 25]);
        assert_eq!(
            route(&targets[0]).map(|r| r.0),
            Some(Route::Account("a1".into()))
        );
        assert_eq!(
            route(&targets[26]).map(|r| r.0),
            Some(Route::Subscription(
                "00000000-0000-0000-0000-000000000001".into()
            ))
        );
    }

    #[test]
    fn hostile_names() {
        for name in [
            "../x.pdf",
            "a/../../x.pdf",
            "/x.pdf",
            "\\x.pdf",
            "C:x.pdf",
            "a\0.pdf",
        ] {
            assert!(hostile(name), "{name}");
        }
        for name in ["x.pdf", "a/b.pdf", "..x.pdf", "G1 (2).pdf"] {
            assert!(!hostile(name), "{name}");
        }
    }
}
