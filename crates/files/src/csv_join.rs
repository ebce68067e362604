//! Several CSV parts of one usage report as one file with one header.
//!
//! Cost Management splits a large report into several blobs, each starting with the same header
//! row. Joined, the file is the first part whole, then every later part without its header, byte
//! for byte: nothing is parsed or re-quoted, so the file is exactly what Azure wrote, minus the
//! repeated headers. A part whose header differs is refused rather than glued on under the wrong
//! columns.

use std::io::{self, BufRead, Write};

/// The UTF-8 byte order mark some exports start each part with.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why parts could not be joined.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    /// Part `index` (0-based) has other columns than the first part.
    #[error("part {} has other columns than the first part", .index + 1)]
    HeaderMismatch { index: usize },
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// What a join wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Joined {
    pub parts: usize,
    pub bytes: u64,
}

/// Writes `parts` to `out` as one CSV with the first part's header only. Streams: memory stays
/// at one line plus the readers' buffers, whatever the size of the parts.
pub fn join_csv_parts<R: BufRead, W: Write>(
    parts: impl IntoIterator<Item = R>,
    out: &mut W,
) -> Result<Joined, JoinError> {
    let mut header: Option<Vec<u8>> = None;
    let mut joined = Joined::default();
    let mut ends_with_newline = true;
    for (index, mut part) in parts.into_iter().enumerate() {
        let mut first = Vec::new();
        part.read_until(b'\n', &mut first)?;
        if first.is_empty() {
            // An empty part adds nothing; its missing header is no mismatch.
            continue;
        }
        let columns = columns_of(&first);
        match &header {
            None => {
                out.write_all(&first)?;
                joined.bytes += first.len() as u64;
                ends_with_newline = first.ends_with(b"\n");
                header = Some(columns.to_vec());
            }
            Some(expected) if columns != expected.as_slice() => {
                return Err(JoinError::HeaderMismatch { index });
            }
            Some(_) if !ends_with_newline => {
                // Rows of this part start on a line of their own.
                out.write_all(b"\n")?;
                joined.bytes += 1;
                ends_with_newline = true;
            }
            Some(_) => {}
        }
        let mut counting = CountingWriter {
            inner: &mut *out,
            written: 0,
            last: None,
        };
        io::copy(&mut part, &mut counting)?;
        joined.bytes += counting.written;
        if let Some(last) = counting.last {
            ends_with_newline = last == b'\n';
        }
        joined.parts += 1;
    }
    out.flush()?;
    Ok(joined)
}

/// A header row without its byte order mark and line ending, for comparing parts.
fn columns_of(line: &[u8]) -> &[u8] {
    let line = line.strip_prefix(BOM).unwrap_or(line);
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

struct CountingWriter<'a, W: Write> {
    inner: &'a mut W,
    written: u64,
    last: Option<u8>,
}

impl<W: Write> Write for CountingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        if n > 0 {
            self.last = Some(buf[n - 1]);
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(parts: &[&[u8]]) -> Result<(Vec<u8>, Joined), JoinError> {
        let mut out = Vec::new();
        let joined = join_csv_parts(parts.iter().map(|p| io::Cursor::new(*p)), &mut out)?;
        Ok((out, joined))
    }

    #[test]
    fn the_joined_file_is_the_parts_minus_their_repeated_headers_byte_for_byte() {
        let header: &[u8] = b"Date,MeterCategory,CostInBillingCurrency\r\n";
        let a = [header, b"2026-10-01,\"Storage, hot\",1.50\r\n".as_slice()].concat();
        let b = [
            header,
            b"2026-10-02,Compute,0.25\r\n2026-10-03,Compute,2.00\r\n".as_slice(),
        ]
        .concat();
        let c = [BOM, header, b"2026-10-04,Network,0.01\r\n".as_slice()].concat();
        let (out, joined) = join(&[&a, &b, &c]).unwrap();
        let expected = [
            a.as_slice(),
            &b[header.len()..],
            &c[BOM.len() + header.len()..],
        ]
        .concat();
        assert_eq!(out, expected);
        assert_eq!(joined.parts, 3);
        assert_eq!(joined.bytes, expected.len() as u64);
    }

    #[test]
    fn a_part_without_a_final_newline_does_not_glue_two_rows_together() {
        let (out, _) = join(&[b"a,b\n1,2", b"a,b\n3,4\n"]).unwrap();
        assert_eq!(out, b"a,b\n1,2\n3,4\n");
    }

    #[test]
    fn empty_parts_and_header_only_parts_add_no_rows() {
        let (out, joined) = join(&[b"a,b\n1,2\n", b"", b"a,b\n", b"a,b\n3,4\n"]).unwrap();
        assert_eq!(out, b"a,b\n1,2\n3,4\n");
        assert_eq!(joined.parts, 3);
    }

    #[test]
    fn a_part_with_other_columns_is_refused() {
        let error = join(&[b"a,b\n1,2\n", b"a,b\n3,4\n", b"a,c\n5,6\n"]).unwrap_err();
        assert!(
            matches!(error, JoinError::HeaderMismatch { index: 2 }),
            "{error}"
        );
        assert_eq!(
            error.to_string(),
            "part 3 has other columns than the first part"
        );
    }
}
