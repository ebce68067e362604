//! An Azure cost details ("usage and charges") CSV file at a glance: rows, the exact total,
//! the days it covers, cost per service, resource group, day and charge type, the most
//! expensive resources, the currencies and invoices it names. One streaming pass over the
//! file, memory bounded by the number of distinct services, groups, days and resources (not
//! by the file's size); a file on disk is read in parts on every core.
//!
//! ```text
//! columns   which columns to read, by name (MCA camelCase, EA / pay-as-you-go PascalCase)
//! scan      records at the byte level (memchr), only the fields up to the last one read
//! money     exact amounts: i128 counts of 10⁻¹⁸, read straight from the digits
//! table     per-key totals looked up by borrowed bytes (no allocation per row)
//! summary   the running totals of a part, merged in file order, and the summary they make
//! ```
//!
//! A file is split for threads at line breaks near equal offsets. A line break may be inside a
//! quoted field, so each part's start is only a guess: the part before it reads on past its
//! end to the first record that starts at or after it, and only when that record starts
//! exactly there is the next part's result used; otherwise the part before carries on through
//! the next part itself. The result is always that of one pass from the start.

mod columns;
mod money;
mod scan;
mod summary;
mod table;

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};
use time::Date;

pub use money::{Money, MoneyError};
pub use summary::TOP_RESOURCES;

use columns::Layout;
use scan::{MAX_RECORD, Problem, Record, Scanner};
use summary::Totals;

/// What a usage file holds, at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UsageSummary {
    /// Data rows (not the header, not empty lines).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub rows: u64,
    /// The billing currency, when every row has the same one.
    pub currency: Option<String>,
    /// Every billing currency the rows name, sorted: more than one shows a mixed file.
    pub currencies: Vec<String>,
    /// The sum of every row's cost, exact (in mixed currencies when there are several).
    pub total: Money,
    #[serde(with = "iso_date::option")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub first_day: Option<Date>,
    #[serde(with = "iso_date::option")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub last_day: Option<Date>,
    /// Cost per meter category (MCA rows without one: their service family), most first.
    pub by_service: Vec<Share>,
    /// Cost per resource group, most first; charges outside any group are under `""`.
    pub by_resource_group: Vec<Share>,
    /// Cost per day, oldest first.
    pub by_day: Vec<DayCost>,
    /// The [`TOP_RESOURCES`] most expensive resources, most first.
    pub top_resources: Vec<ResourceCost>,
    /// Cost per charge type (`Usage`, `Purchase`, `Refund`…), most first.
    pub by_charge_type: Vec<Share>,
    /// The distinct invoice ids the rows name (MCA), sorted.
    pub invoice_ids: Vec<String>,
}

/// The cost of one service, group or charge type, and how many rows it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Share {
    pub name: String,
    pub cost: Money,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub rows: u64,
}

/// The cost of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DayCost {
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub day: Date,
    pub cost: Money,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub rows: u64,
}

/// One resource: its full id, its name (the id's last segment), and the resource group and
/// service of its first row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ResourceCost {
    pub id: String,
    pub name: String,
    pub resource_group: String,
    pub service: String,
    pub cost: Money,
}

/// Why a file could not be summarised.
#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    /// The first line is not the header of a cost details file: it has no date or no cost
    /// column (or there is no first line).
    #[error("this is not an Azure usage file: {reason}")]
    NotAUsageFile { reason: String },
    #[error("the usage file could not be read: {0}")]
    Io(#[from] io::Error),
    /// A row that cannot be read; `line` counts from 1 (the header), line breaks inside
    /// quoted fields included.
    #[error("line {line} of the usage file {problem}")]
    Malformed { line: u64, problem: String },
}

impl SummaryError {
    /// A stable code for the window: `not_a_usage_file`, `io` or `malformed`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotAUsageFile { .. } => "not_a_usage_file",
            Self::Io(_) => "io",
            Self::Malformed { .. } => "malformed",
        }
    }

    /// The line of a malformed row.
    #[must_use]
    pub fn line(&self) -> Option<u64> {
        match self {
            Self::Malformed { line, .. } => Some(*line),
            _ => None,
        }
    }
}

fn malformed(line: u64, problem: &Problem) -> SummaryError {
    let problem = match problem {
        Problem::Io(message, kind) => {
            return SummaryError::Io(io::Error::new(*kind, message.clone()));
        }
        Problem::Unterminated => "opens a quoted field that is never closed".to_owned(),
        Problem::TooLong => format!("is longer than {} MiB", MAX_RECORD >> 20),
        Problem::Short { found, needed } => format!(
            "has {found} field{}, fewer than the {needed} columns the summary reads",
            if *found == 1 { "" } else { "s" }
        ),
        Problem::Date(text) => {
            format!("has a date that is neither MM/DD/YYYY nor YYYY-MM-DD: \"{text}\"")
        }
        Problem::Cost(text, MoneyError::Invalid) => {
            format!("has a cost that is not a number: \"{text}\"")
        }
        Problem::Cost(text, MoneyError::OutOfRange) if text.is_empty() => {
            "brings the costs past the largest amount a summary holds".to_owned()
        }
        Problem::Cost(text, MoneyError::OutOfRange) => {
            format!("has a cost too large to add up: \"{text}\"")
        }
    };
    SummaryError::Malformed { line, problem }
}

/// Summarises a cost details CSV read from `reader`, streaming (on one thread; a file on disk
/// is read faster by [`summarise_file`]).
pub fn summarise(reader: impl Read) -> Result<UsageSummary, SummaryError> {
    let mut reader = reader;
    let mut window = Window::new(0);
    let head = header(&mut reader, &mut window)?;
    let mut part = Part::new(&head.layout, &window);
    part.run(&mut reader, &mut window, u64::MAX)
        .map_err(|(line, problem)| malformed(head.lines + line, &problem))?;
    Ok(part.totals.finish())
}

/// Summarises the cost details CSV at `path`, in parts on every core.
pub fn summarise_file(path: &Path) -> Result<UsageSummary, SummaryError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS));
    summarise_file_threads(path, threads)
}

/// [`summarise_file`] on at most `threads` threads (the result is the same for any number).
/// A file smaller than [`MIN_PART`] per thread is read by fewer threads.
pub fn summarise_file_threads(path: &Path, threads: usize) -> Result<UsageSummary, SummaryError> {
    summarise_parts(path, threads, MIN_PART)
}

/// The most threads [`summarise_file`] starts.
const MAX_THREADS: usize = 16;

/// The smallest part worth a thread of its own.
pub const MIN_PART: u64 = 4 * 1024 * 1024;

/// How much a part reads at a time.
const WINDOW: usize = 1024 * 1024;

fn summarise_parts(
    path: &Path,
    threads: usize,
    min_part: u64,
) -> Result<UsageSummary, SummaryError> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut window = Window::new(0);
    let head = header(&mut file, &mut window)?;
    let data = window.offset + window.start as u64;
    let threads = usize::try_from((len.saturating_sub(data) / min_part.max(1)).max(1))
        .unwrap_or(usize::MAX)
        .min(threads.max(1));
    if threads == 1 {
        let mut part = Part::new(&head.layout, &window);
        part.run(&mut file, &mut window, u64::MAX)
            .map_err(|(line, problem)| malformed(head.lines + line, &problem))?;
        return Ok(part.totals.finish());
    }
    drop(window);

    // Where each part starts: just after the first line break at or after an equal share.
    let mut starts = vec![data];
    for k in 1..threads as u64 {
        let guess = data + (len - data) * k / threads as u64;
        let start = after_line_break(&mut file, guess - 1)?;
        if start > *starts.last().unwrap_or(&data) && start < len {
            starts.push(start);
        }
    }
    starts.push(len);

    let results: Vec<Result<Part, PartError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..starts.len() - 1)
            .map(|k| {
                let starts = &starts;
                let layout = &head.layout;
                scope.spawn(move || read_part(path, layout, starts, k))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(PartError::Io(io::Error::other("a reading thread failed")))
                })
            })
            .collect()
    });

    // The chain of parts from the start of the data to the end of the file.
    let mut lines = head.lines;
    let mut merged: Option<Part> = None;
    let mut covered = data;
    let mut at = 0;
    let mut results: Vec<Option<Result<Part, PartError>>> = results.into_iter().map(Some).collect();
    while at < results.len() {
        let part = match results[at].take() {
            Some(Ok(part)) => part,
            Some(Err(PartError::Io(e))) => return Err(SummaryError::Io(e)),
            Some(Err(PartError::Row(line, problem))) => {
                return Err(malformed(lines + line, &problem));
            }
            None => return Err(SummaryError::Io(io::Error::other("a part was read twice"))),
        };
        lines += part.lines;
        let end = part.end;
        covered = end;
        match &mut merged {
            None => merged = Some(part),
            Some(done) => {
                done.totals
                    .merge(part.totals)
                    .map_err(|problem| malformed(lines, &problem))?;
            }
        }
        // The next part in the chain is the one starting where this one ended.
        match starts.iter().position(|&s| s == end) {
            Some(next) if next > at => at = next,
            _ => break,
        }
    }
    match merged {
        Some(part) if covered == len => Ok(part.totals.finish()),
        _ => Err(SummaryError::Io(io::Error::other(
            "the file changed while it was read",
        ))),
    }
}

enum PartError {
    Io(io::Error),
    /// A row's problem, at a line counted from the part's start.
    Row(u64, Problem),
}

/// Reads part `k` (from `starts[k]`) on to the first record starting at or after the next
/// part's start; when that record does not start exactly there (the next part began inside
/// a quoted field), on to the part after, and so on.
fn read_part(path: &Path, layout: &Layout, starts: &[u64], k: usize) -> Result<Part, PartError> {
    let mut file = File::open(path).map_err(PartError::Io)?;
    file.seek(SeekFrom::Start(starts[k]))
        .map_err(PartError::Io)?;
    let window = &mut Window::new(starts[k]);
    let mut part = Part::new(layout, window);
    for &next in &starts[k + 1..] {
        let end = part
            .run(&mut file, window, next)
            .map_err(|(line, problem)| PartError::Row(line, problem))?;
        if end == next || window.done() {
            break;
        }
    }
    Ok(part)
}

/// The offset just after the first line break at or after `from` (the end of the file when
/// there is none).
fn after_line_break(file: &mut File, from: u64) -> io::Result<u64> {
    file.seek(SeekFrom::Start(from))?;
    let mut buf = vec![0; 64 * 1024];
    let mut at = from;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(at);
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            return Ok(at + i as u64 + 1);
        }
        at += n as u64;
    }
}

/// The bytes of the file being read: `buf[start..filled]` not yet consumed, `buf[0]` at file
/// offset `offset`.
struct Window {
    buf: Vec<u8>,
    start: usize,
    filled: usize,
    offset: u64,
    eof: bool,
}

impl Window {
    fn new(offset: u64) -> Self {
        Self {
            buf: vec![0; WINDOW],
            start: 0,
            filled: 0,
            offset,
            eof: false,
        }
    }

    fn done(&self) -> bool {
        self.eof && self.start >= self.filled
    }

    /// Keeps what is not consumed, reads more after it (growing the buffer for a long record).
    fn fill(&mut self, reader: &mut impl Read) -> Result<(), (u64, Problem)> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.filled, 0);
            self.filled -= self.start;
            self.offset += self.start as u64;
            self.start = 0;
        }
        if self.filled == self.buf.len() {
            if self.buf.len() > MAX_RECORD {
                return Err((0, Problem::TooLong));
            }
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match reader.read(&mut self.buf[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.filled += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err((0, Problem::Io(e.to_string(), e.kind()))),
            }
        }
    }
}

/// The header: the layout it gives and the lines it takes.
struct Head {
    layout: Layout,
    lines: u64,
}

fn header(reader: &mut impl Read, window: &mut Window) -> Result<Head, SummaryError> {
    let not_usage = |reason: &str| SummaryError::NotAUsageFile {
        reason: reason.to_owned(),
    };
    loop {
        let text = &window.buf[..window.filled];
        let bom = if text.starts_with(b"\xEF\xBB\xBF") {
            3
        } else if b"\xEF\xBB\xBF".starts_with(text) && !window.eof {
            // Too few bytes yet to tell.
            window.fill(reader).map_err(|(_, p)| into_io(&p))?;
            continue;
        } else {
            0
        };
        if window.eof && window.filled <= bom {
            return Err(not_usage("the file is empty"));
        }
        match scan::whole_record(text, bom, window.eof) {
            Ok(Some((names, next))) => {
                let layout = Layout::from_header(&names).map_err(|missing| {
                    not_usage(&format!("its first line has no {missing} column"))
                })?;
                window.start = next;
                return Ok(Head {
                    layout,
                    lines: count_lines(&window.buf[..next]),
                });
            }
            Ok(None) => {
                if window.filled > MAX_RECORD {
                    return Err(not_usage("its first line is not a header"));
                }
                window.fill(reader).map_err(|(_, p)| into_io(&p))?;
            }
            Err(_) => return Err(not_usage("its first line is not a header")),
        }
    }
}

fn into_io(problem: &Problem) -> SummaryError {
    malformed(1, problem)
}

/// Line breaks in `bytes` (inside quoted fields too: lines as an editor counts them).
fn count_lines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// The rows of one part of a file.
struct Part {
    scanner: Scanner,
    totals: Totals,
    /// Line breaks in the bytes consumed before `counted` of the window: counted a window at a
    /// time (one fast pass) rather than record by record.
    lines: u64,
    counted: usize,
    /// The file offset the part has reached: a record starts there.
    end: u64,
}

impl Part {
    fn new(layout: &Layout, window: &Window) -> Self {
        Self {
            scanner: Scanner::new(layout),
            totals: Totals::new(layout),
            lines: 0,
            counted: window.start,
            end: window.offset + window.start as u64,
        }
    }

    /// The line of the record at `pos` of the window, counted from the part's start.
    fn line_at(&self, buf: &[u8], pos: usize) -> u64 {
        self.lines + count_lines(&buf[self.counted..pos]) + 1
    }

    /// Counts the lines consumed up to `pos` of the window.
    fn count_to(&mut self, buf: &[u8], pos: usize) {
        self.lines += count_lines(&buf[self.counted..pos]);
        self.counted = pos;
    }

    /// Reads records until one starts at or after `stop` (a file offset) or the file ends;
    /// returns that record's offset. Errors carry the line, counted from the part's start.
    fn run(
        &mut self,
        reader: &mut impl Read,
        window: &mut Window,
        stop: u64,
    ) -> Result<u64, (u64, Problem)> {
        loop {
            let buf = &window.buf[..window.filled];
            let mut pos = window.start;
            while pos < buf.len() {
                let at = window.offset + pos as u64;
                if at >= stop {
                    window.start = pos;
                    self.count_to(buf, pos);
                    self.end = at;
                    return Ok(at);
                }
                let record = self
                    .scanner
                    .record(buf, pos, window.eof)
                    .map_err(|p| (self.line_at(buf, pos), p))?;
                match record {
                    None => break,
                    Some(Record::Blank { next }) => pos = next,
                    Some(Record::Row { next }) => {
                        self.totals
                            .add(buf, &self.scanner.spans)
                            .map_err(|p| (self.line_at(buf, pos), p))?;
                        pos = next;
                    }
                }
            }
            window.start = pos;
            self.count_to(buf, pos);
            if window.eof && pos >= window.filled {
                self.end = window.offset + pos as u64;
                return Ok(self.end);
            }
            let line = self.lines + 1;
            window.fill(reader).map_err(|(_, p)| (line, p))?;
            self.counted = window.start;
        }
    }
}

/// `YYYY-MM-DD` for dates in JSON.
mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;
    use time::format_description::BorrowedFormatItem;
    use time::macros::format_description;

    const FORMAT: &[BorrowedFormatItem<'_>] = format_description!("[year]-[month]-[day]");

    // serde's `with` hands the field by reference.
    #[allow(clippy::trivially_copy_pass_by_ref)]
    pub fn serialize<S: Serializer>(day: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        let text = day.format(FORMAT).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text, FORMAT).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use super::{Date, Deserialize, Deserializer, Serializer};

        // serde's `with` hands the field by reference.
        #[allow(clippy::ref_option, clippy::trivially_copy_pass_by_ref)]
        pub fn serialize<S: Serializer>(
            day: &Option<Date>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match day {
                Some(day) => super::serialize(day, serializer),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Date>, D::Error> {
            let text: Option<String> = Option::deserialize(deserializer)?;
            text.map(|t| Date::parse(&t, super::FORMAT).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

#[cfg(test)]
mod tests;
