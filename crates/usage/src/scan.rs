//! Records of a CSV file, read at the byte level with `memchr`: only the fields up to the last
//! column the summary reads are split; the rest of a row is skipped to its end, minding quoted
//! fields (which may hold commas, doubled quotes and line breaks). Nothing is allocated per
//! row: fields are ranges of the buffer, and only a field with doubled quotes is copied, into a
//! buffer kept from row to row.
//!
//! The rules are RFC 4180's with the leniency of the `csv` crate: a quote opens a quoted field
//! only at the start of a field (elsewhere it is text), text after a closing quote belongs to
//! the field, a record ends at LF or CRLF, and the last record needs no line break.

use memchr::{memchr, memchr2};

use crate::columns::{Layout, NONE, SLOTS};

/// What is wrong with a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// A quoted field runs to the end of the file.
    Unterminated,
    /// A record longer than [`MAX_RECORD`].
    TooLong,
    /// Fewer fields than the columns the summary reads.
    Short {
        found: usize,
        needed: usize,
    },
    Date(String),
    Cost(String, crate::money::MoneyError),
    /// Reading failed (not a problem of the record; carried on the same path).
    Io(String, std::io::ErrorKind),
}

/// The longest record read (a legitimate row is a few KiB; this bounds memory on hostile
/// input).
pub(crate) const MAX_RECORD: usize = 8 * 1024 * 1024;

/// One field of a record: its bytes `start..end` of the buffer, and whether they are the raw
/// text of a quoted field that needs decoding (doubled quotes, text after the closing quote).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) raw: bool,
}

/// Where one field ended.
struct Field {
    span: Span,
    /// The delimiter after it: `,`, `\n`, or the end of the buffer (only at end of file).
    after: usize,
}

/// `Ok(None)`: the field runs past the end of the buffer and more bytes may follow.
#[inline]
fn field(buf: &[u8], p: usize, eof: bool) -> Result<Option<Field>, Problem> {
    let len = buf.len();
    if p < len && buf[p] == b'"' {
        let mut q = p + 1;
        let mut escaped = false;
        let close = loop {
            let Some(i) = memchr(b'"', &buf[q..]) else {
                return if eof {
                    Err(Problem::Unterminated)
                } else {
                    Ok(None)
                };
            };
            let at = q + i;
            match buf.get(at + 1) {
                Some(b'"') => {
                    escaped = true;
                    q = at + 2;
                }
                None if !eof => return Ok(None),
                _ => break at,
            }
        };
        let after = match memchr2(b',', b'\n', &buf[close + 1..]) {
            Some(i) => close + 1 + i,
            None if eof => len,
            None => return Ok(None),
        };
        let end = trim_cr(buf, close + 1, after);
        let span = if escaped || end > close + 1 {
            Span {
                start: p,
                end,
                raw: true,
            }
        } else {
            Span {
                start: p + 1,
                end: close,
                raw: false,
            }
        };
        Ok(Some(Field { span, after }))
    } else {
        let after = match memchr2(b',', b'\n', &buf[p.min(len)..]) {
            Some(i) => p + i,
            None if eof => len,
            None => return Ok(None),
        };
        Ok(Some(Field {
            span: Span {
                start: p,
                end: trim_cr(buf, p, after),
                raw: false,
            },
            after,
        }))
    }
}

/// `end`, less a CR just before a LF at `end`.
#[inline]
fn trim_cr(buf: &[u8], start: usize, end: usize) -> usize {
    if end > start && end < buf.len() && buf[end] == b'\n' && buf[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// The text of a raw quoted field: doubled quotes made single, the quotes around it dropped,
/// text after the closing quote kept.
pub(crate) fn decode(raw: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut rest = raw.strip_prefix(b"\"").unwrap_or(raw);
    let mut quoted = true;
    while let Some((&b, tail)) = rest.split_first() {
        if quoted && b == b'"' {
            if tail.first() == Some(&b'"') {
                out.push(b'"');
                rest = &tail[1..];
                continue;
            }
            quoted = false;
        } else {
            out.push(b);
        }
        rest = tail;
    }
}

/// The decoded texts of a record's fields, and where the next record starts.
pub(crate) type Whole = (Vec<Vec<u8>>, usize);

/// Every field of one record (the header); `Ok(None)` when the record is not complete in
/// `buf`.
pub(crate) fn whole_record(buf: &[u8], start: usize, eof: bool) -> Result<Option<Whole>, Problem> {
    let mut fields = Vec::new();
    let mut p = start;
    loop {
        let Some(f) = field(buf, p, eof)? else {
            return Ok(None);
        };
        let bytes = &buf[f.span.start..f.span.end];
        let mut text = Vec::new();
        if f.span.raw {
            decode(bytes, &mut text);
        } else {
            text.extend_from_slice(bytes);
        }
        fields.push(text);
        if f.after >= buf.len() {
            return Ok(Some((fields, buf.len())));
        }
        if buf[f.after] == b'\n' {
            return Ok(Some((fields, f.after + 1)));
        }
        p = f.after + 1;
    }
}

/// How a record read.
pub(crate) enum Record {
    /// The summary's fields are in [`Scanner::spans`]; the next record starts at `next`.
    Row { next: usize },
    /// An empty line.
    Blank { next: usize },
}

/// Reads records for one [`Layout`].
#[derive(Debug)]
pub(crate) struct Scanner {
    slots: Vec<u8>,
    pub(crate) spans: [Span; SLOTS],
}

impl Scanner {
    pub(crate) fn new(layout: &Layout) -> Self {
        Self {
            slots: layout.slots.clone(),
            spans: [Span::default(); SLOTS],
        }
    }

    /// The record at `pos`; `Ok(None)` when it is not complete in `buf` and `eof` is false.
    #[inline]
    pub(crate) fn record(
        &mut self,
        buf: &[u8],
        pos: usize,
        eof: bool,
    ) -> Result<Option<Record>, Problem> {
        self.spans = [Span::default(); SLOTS];
        let last = self.slots.len() - 1;
        let mut p = pos;
        let mut column = 0;
        loop {
            let Some(f) = field(buf, p, eof)? else {
                return Ok(None);
            };
            let slot = self.slots[column];
            if slot != NONE {
                self.spans[usize::from(slot)] = f.span;
            }
            let ended = f.after >= buf.len() || buf[f.after] == b'\n';
            if ended {
                let next = (f.after + 1).min(buf.len());
                if column == 0
                    && !f.span.raw
                    && buf[f.span.start..f.span.end]
                        .iter()
                        .all(u8::is_ascii_whitespace)
                    && buf.get(f.span.start) != Some(&b'"')
                {
                    return Ok(Some(Record::Blank { next }));
                }
                if column < last {
                    return Err(Problem::Short {
                        found: column + 1,
                        needed: last + 1,
                    });
                }
                return Ok(Some(Record::Row { next }));
            }
            p = f.after + 1;
            if column == last {
                return Self::skip_rest(buf, p, eof);
            }
            column += 1;
        }
    }

    /// Past the fields the summary reads: to the end of the record, `from` being the start
    /// of a field.
    #[inline]
    fn skip_rest(buf: &[u8], from: usize, eof: bool) -> Result<Option<Record>, Problem> {
        let len = buf.len();
        let mut at = from;
        loop {
            let Some(found) = memchr2(b'"', b'\n', &buf[at..]) else {
                return Ok(eof.then_some(Record::Row { next: len }));
            };
            let quote = at + found;
            if buf[quote] == b'\n' {
                return Ok(Some(Record::Row { next: quote + 1 }));
            }
            if quote > from && buf[quote - 1] != b',' {
                // A quote inside an unquoted field is text.
                at = quote + 1;
                continue;
            }
            // A quoted field: on to its closing quote.
            let mut inside = quote + 1;
            loop {
                let Some(found) = memchr(b'"', &buf[inside..]) else {
                    return if eof {
                        Err(Problem::Unterminated)
                    } else {
                        Ok(None)
                    };
                };
                let close = inside + found;
                match buf.get(close + 1) {
                    Some(b'"') => inside = close + 2,
                    None if !eof => return Ok(None),
                    _ => {
                        at = close + 1;
                        break;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> Vec<String> {
        let (fields, next) = whole_record(text.as_bytes(), 0, true).unwrap().unwrap();
        assert!(next <= text.len());
        fields
            .into_iter()
            .map(|f| String::from_utf8(f).unwrap())
            .collect()
    }

    #[test]
    fn fields_are_split_as_the_csv_rules_say() {
        assert_eq!(header("a,b,c\n"), ["a", "b", "c"]);
        assert_eq!(header("a,\"b,c\",d\r\n"), ["a", "b,c", "d"]);
        assert_eq!(header("\"say \"\"hi\"\"\",x"), ["say \"hi\"", "x"]);
        assert_eq!(header("\"two\nlines\",x\n"), ["two\nlines", "x"]);
        assert_eq!(header("ab\"c,d"), ["ab\"c", "d"]);
        assert_eq!(header("\"ab\"cd,e"), ["abcd", "e"]);
        assert_eq!(header(",,\r\n"), ["", "", ""]);
        assert_eq!(header("\"\""), [""]);
    }

    #[test]
    fn a_record_cut_by_the_buffer_asks_for_more_unless_the_file_ended() {
        for cut in ["a,b", "a,\"b", "a,\"b\"", "a,\"b\"\""] {
            assert!(
                whole_record(cut.as_bytes(), 0, false).unwrap().is_none(),
                "{cut}"
            );
        }
        assert_eq!(
            whole_record(b"a,\"b", 0, true).unwrap_err(),
            Problem::Unterminated
        );
    }
}
