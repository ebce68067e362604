//! A ZIP archive for `downloadDocuments` bundles: stored entries, and deflated ones for the
//! faults that need a small archive with a large content (a zip bomb).

fn u16le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn u32le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// One entry as it goes into the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    /// 0: stored, 8: deflated.
    pub method: u16,
    pub crc: u32,
    /// The uncompressed size the headers declare.
    pub size: u32,
    /// The bytes as stored in the archive (compressed for method 8).
    pub data: Vec<u8>,
}

impl Entry {
    /// An uncompressed entry.
    #[must_use]
    pub fn stored(name: impl Into<String>, data: Vec<u8>) -> Self {
        Self {
            name: name.into(),
            method: 0,
            crc: crc32fast::hash(&data),
            size: u32::try_from(data.len()).unwrap_or(u32::MAX),
            data,
        }
    }

    /// A deflated entry of `content`.
    #[must_use]
    pub fn deflated(name: impl Into<String>, content: &[u8]) -> Self {
        use std::io::Write as _;
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        let _ = encoder.write_all(content);
        let data = encoder.finish().unwrap_or_default();
        Self {
            name: name.into(),
            method: 8,
            crc: crc32fast::hash(content),
            size: u32::try_from(content.len()).unwrap_or(u32::MAX),
            data,
        }
    }
}

/// Builds a ZIP of `entries` as they are (names are not checked: faults serve hostile ones).
pub fn build(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    // 2026-01-01 00:00 in DOS format.
    let (dos_time, dos_date): (u16, u16) = (0, (46 << 9) | (1 << 5) | 1);
    for entry in entries {
        let name = entry.name.as_bytes();
        let packed = u32::try_from(entry.data.len()).unwrap_or(u32::MAX);
        let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX);
        let offset = u32::try_from(out.len()).unwrap_or(u32::MAX);
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, 20);
        u16le(&mut out, 0x0800);
        u16le(&mut out, entry.method);
        u16le(&mut out, dos_time);
        u16le(&mut out, dos_date);
        u32le(&mut out, entry.crc);
        u32le(&mut out, packed);
        u32le(&mut out, entry.size);
        u16le(&mut out, name_len);
        u16le(&mut out, 0);
        out.extend_from_slice(name);
        out.extend_from_slice(&entry.data);

        u32le(&mut central, 0x0201_4b50);
        u16le(&mut central, 20);
        u16le(&mut central, 20);
        u16le(&mut central, 0x0800);
        u16le(&mut central, entry.method);
        u16le(&mut central, dos_time);
        u16le(&mut central, dos_date);
        u32le(&mut central, entry.crc);
        u32le(&mut central, packed);
        u32le(&mut central, entry.size);
        u16le(&mut central, name_len);
        u16le(&mut central, 0);
        u16le(&mut central, 0);
        u16le(&mut central, 0);
        u16le(&mut central, 0);
        u32le(&mut central, 0);
        u32le(&mut central, offset);
        central.extend_from_slice(name);
    }
    let cd_offset = u32::try_from(out.len()).unwrap_or(u32::MAX);
    let cd_size = u32::try_from(central.len()).unwrap_or(u32::MAX);
    let count = u16::try_from(entries.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, count);
    u16le(&mut out, count);
    u32le(&mut out, cd_size);
    u32le(&mut out, cd_offset);
    u16le(&mut out, 0);
    out
}
