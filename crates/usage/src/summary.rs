//! The running totals of a part of a file, merged part after part, and the summary they make.

use time::Date;

use crate::columns::{Layout, SLOTS, Slot};
use crate::money::{self, Money};
use crate::scan::{Problem, Span, decode};
use crate::table::Table;
use crate::{DayCost, ResourceCost, Share, UsageSummary};

/// How many of the most expensive resources a summary lists.
pub const TOP_RESOURCES: usize = 10;

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Acc {
    cost: i128,
    rows: u64,
}

impl Acc {
    #[inline]
    fn add(&mut self, cost: i128) {
        self.cost += cost;
        self.rows += 1;
    }

    fn merge(&mut self, other: Acc) {
        self.cost += other.cost;
        self.rows += other.rows;
    }
}

/// A resource: its cost, and the group and service of the first row it appeared on (indexes
/// into the part's tables).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Resource {
    cost: i128,
    group: u32,
    service: u32,
}

/// The totals of the rows read so far.
#[derive(Debug)]
pub(crate) struct Totals {
    pub(crate) rows: u64,
    total: i128,
    /// The sum of every cost's magnitude: while it stays in range, no sum can leave it, so the
    /// per-key sums add without checks.
    magnitude: u128,
    currencies: Table<()>,
    services: Table<Acc>,
    groups: Table<Acc>,
    days: Table<Acc>,
    resources: Table<Resource>,
    charges: Table<Acc>,
    invoices: Table<()>,
    has: [bool; SLOTS],
    scratch: [Vec<u8>; SLOTS],
    /// The date column's name: a row with it as its date is the header again.
    date_name: Box<[u8]>,
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

impl Totals {
    pub(crate) fn new(layout: &Layout) -> Self {
        let date_name = layout.date_name.clone();
        Self {
            rows: 0,
            total: 0,
            magnitude: 0,
            currencies: Table::new(false),
            services: Table::new(false),
            groups: Table::new(true),
            days: Table::new(false),
            resources: Table::new(true),
            charges: Table::new(false),
            invoices: Table::new(false),
            has: layout.has,
            scratch: Default::default(),
            date_name,
        }
    }

    /// Adds one row, its fields at `spans` of `buf`; false when the row is the header again
    /// (files concatenated with their headers), which is skipped.
    #[inline]
    pub(crate) fn add(&mut self, buf: &[u8], spans: &[Span; SLOTS]) -> Result<bool, Problem> {
        for (span, scratch) in spans.iter().zip(self.scratch.iter_mut()) {
            if span.raw {
                decode(&buf[span.start..span.end], scratch);
            }
        }
        let scratch = &self.scratch;
        let field = |slot: Slot| -> &[u8] {
            let i = slot as usize;
            let span = spans[i];
            trim(if span.raw {
                &scratch[i]
            } else {
                &buf[span.start..span.end]
            })
        };

        let date = field(Slot::Date);
        if date.eq_ignore_ascii_case(&self.date_name) {
            return Ok(false);
        }
        let cost_text = field(Slot::Cost);
        let cost = if cost_text.is_empty() {
            0
        } else {
            money::parse_units(cost_text)
                .map_err(|e| Problem::Cost(String::from_utf8_lossy(cost_text).into_owned(), e))?
        };
        self.magnitude = self
            .magnitude
            .checked_add(cost.unsigned_abs())
            .filter(|m| *m <= i128::MAX.unsigned_abs())
            .ok_or_else(|| {
                Problem::Cost(
                    String::from_utf8_lossy(cost_text).into_owned(),
                    money::MoneyError::OutOfRange,
                )
            })?;
        self.total += cost;
        self.rows += 1;

        let (day, new) = self.days.entry(date);
        if new && parse_date(date).is_none() {
            let text = String::from_utf8_lossy(date).into_owned();
            self.days.forget_last();
            return Err(Problem::Date(text));
        }
        self.days.value_mut(day).add(cost);

        if self.has[Slot::Currency as usize] {
            self.currencies.entry(field(Slot::Currency));
        }
        let mut service = field(Slot::Service);
        if service.is_empty() {
            service = field(Slot::Family);
        }
        let (service, _) = self.services.entry(service);
        self.services.value_mut(service).add(cost);
        let (group, _) = self.groups.entry(field(Slot::ResourceGroup));
        self.groups.value_mut(group).add(cost);
        let (charge, _) = self.charges.entry(field(Slot::ChargeType));
        self.charges.value_mut(charge).add(cost);
        let resource = field(Slot::Resource);
        if !resource.is_empty() {
            let (at, new) = self.resources.entry(resource);
            let entry = self.resources.value_mut(at);
            if new {
                entry.group = u32::try_from(group).unwrap_or(u32::MAX);
                entry.service = u32::try_from(service).unwrap_or(u32::MAX);
            }
            entry.cost += cost;
        }
        let invoice = field(Slot::Invoice);
        if !invoice.is_empty() {
            self.invoices.entry(invoice);
        }
        Ok(true)
    }

    /// Adds the totals of the part of the file right after this one.
    pub(crate) fn merge(&mut self, later: Totals) -> Result<(), Problem> {
        self.magnitude = self
            .magnitude
            .checked_add(later.magnitude)
            .filter(|m| *m <= i128::MAX.unsigned_abs())
            .ok_or(Problem::Cost(String::new(), money::MoneyError::OutOfRange))?;
        self.rows += later.rows;
        self.total += later.total;
        for (key, ()) in later.currencies.entries {
            self.currencies.entry(&key);
        }
        let services = merge_accs(&mut self.services, later.services);
        let groups = merge_accs(&mut self.groups, later.groups);
        merge_accs(&mut self.days, later.days);
        merge_accs(&mut self.charges, later.charges);
        for (key, value) in later.resources.entries {
            let (at, new) = self.resources.entry(&key);
            let entry = self.resources.value_mut(at);
            if new {
                entry.group = remap(&groups, value.group);
                entry.service = remap(&services, value.service);
            }
            entry.cost += value.cost;
        }
        for (key, ()) in later.invoices.entries {
            self.invoices.entry(&key);
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> UsageSummary {
        let text = shown_text;
        let mut currencies: Vec<String> = self
            .currencies
            .entries
            .iter()
            .map(|(k, ())| text(k))
            .filter(|c| !c.is_empty())
            .collect();
        currencies.sort();
        currencies.dedup();
        let currency = match currencies.as_slice() {
            [one] if self.currencies.len() == 1 => Some(one.clone()),
            _ => None,
        };
        let shares = |table: &Table<Acc>| {
            let mut shares: Vec<Share> = table
                .entries
                .iter()
                .map(|(k, acc)| Share {
                    name: text(k),
                    cost: Money::from_units(acc.cost),
                    rows: acc.rows,
                })
                .collect();
            shares.sort_by(|a, b| b.cost.cmp(&a.cost).then_with(|| a.name.cmp(&b.name)));
            shares
        };
        let mut days: Vec<DayCost> = Vec::new();
        let mut by_date: Vec<(Date, Acc)> = self
            .days
            .entries
            .iter()
            .filter_map(|(k, acc)| parse_date(k).map(|d| (d, *acc)))
            .collect();
        by_date.sort_by_key(|(d, _)| *d);
        for (day, acc) in by_date {
            match days.last_mut() {
                Some(last) if last.day == day => {
                    last.cost = Money::from_units(last.cost.units() + acc.cost);
                    last.rows += acc.rows;
                }
                _ => days.push(DayCost {
                    day,
                    cost: Money::from_units(acc.cost),
                    rows: acc.rows,
                }),
            }
        }
        let name_of = |table: &Table<Acc>, at: u32| {
            table
                .entries
                .get(at as usize)
                .map(|(k, _)| text(k))
                .unwrap_or_default()
        };
        let mut top: Vec<&(Box<[u8]>, Resource)> = self.resources.entries.iter().collect();
        top.sort_by(|a, b| b.1.cost.cmp(&a.1.cost).then_with(|| a.0.cmp(&b.0)));
        let top_resources = top
            .into_iter()
            .take(TOP_RESOURCES)
            .map(|(id, r)| {
                let id = text(id);
                ResourceCost {
                    name: id
                        .trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    resource_group: name_of(&self.groups, r.group),
                    service: name_of(&self.services, r.service),
                    cost: Money::from_units(r.cost),
                    id,
                }
            })
            .collect();
        let mut invoice_ids: Vec<String> = self
            .invoices
            .entries
            .iter()
            .map(|(k, ())| text(k))
            .collect();
        invoice_ids.sort();
        UsageSummary {
            rows: self.rows,
            currency,
            currencies,
            total: Money::from_units(self.total),
            first_day: days.first().map(|d| d.day),
            last_day: days.last().map(|d| d.day),
            by_service: shares(&self.services),
            by_resource_group: shares(&self.groups),
            by_day: days,
            top_resources,
            by_charge_type: shares(&self.charges),
            invoice_ids,
        }
    }
}

/// Adds `later`'s entries to `table`; returns where each of them went.
fn merge_accs(table: &mut Table<Acc>, later: Table<Acc>) -> Vec<u32> {
    later
        .entries
        .into_iter()
        .map(|(key, acc)| {
            let (at, _) = table.entry(&key);
            table.value_mut(at).merge(acc);
            u32::try_from(at).unwrap_or(u32::MAX)
        })
        .collect()
}

fn remap(places: &[u32], at: u32) -> u32 {
    places.get(at as usize).copied().unwrap_or(u32::MAX)
}

/// `MM/DD/YYYY` (Cost Management's usual form; one-digit month and day too) or ISO
/// `YYYY-MM-DD`, either followed by a time (`T…` or ` …`), which is ignored.
/// A name from the file as text: bytes that are not UTF-8 shown as `\xNN`, so two different
/// names never look the same (a lossy `�` would make them).
fn shown_text(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02X}");
        }
    }
    out
}

pub(crate) fn parse_date(text: &[u8]) -> Option<Date> {
    fn number(digits: &[u8]) -> Option<u32> {
        if digits.is_empty() || digits.len() > 4 {
            return None;
        }
        digits.iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    }
    let text = trim(text);
    let date = match text.iter().position(|&b| b == b'T' || b == b' ') {
        Some(i) => &text[..i],
        None => text,
    };
    let (year, month, day) = if date.contains(&b'/') {
        let mut parts = date.split(|&b| b == b'/');
        let (m, d, y) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || m.len() > 2 || d.len() > 2 || y.len() != 4 {
            return None;
        }
        (number(y)?, number(m)?, number(d)?)
    } else {
        let mut parts = date.split(|&b| b == b'-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() > 2 || d.len() > 2 {
            return None;
        }
        (number(y)?, number(m)?, number(d)?)
    };
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn names_that_are_not_utf8_stay_apart_and_readable() {
        assert_eq!(shown_text(b"EUR"), "EUR");
        assert_eq!(shown_text(b"Pur\x8Es"), "Pur\\x8Es");
        assert_ne!(shown_text(b"Pur\x8Es"), shown_text(b"Pur\x9Ds"));
    }

    #[test]
    fn dates_are_read_in_both_forms() {
        assert_eq!(parse_date(b"03/01/2026"), Some(date!(2026 - 03 - 01)));
        assert_eq!(parse_date(b"3/1/2026"), Some(date!(2026 - 03 - 01)));
        assert_eq!(
            parse_date(b"12/31/2025 00:00:00"),
            Some(date!(2025 - 12 - 31))
        );
        assert_eq!(parse_date(b"2026-02-28"), Some(date!(2026 - 02 - 28)));
        assert_eq!(
            parse_date(b"2026-02-28T00:00:00.0000000Z"),
            Some(date!(2026 - 02 - 28))
        );
        for bad in [
            "",
            "2026-02-30",
            "13/01/2026",
            "01/32/2026",
            "2026/01/01",
            "01/01/26",
            "26-01-01",
            "2026-1-1-1",
            "x",
            "01/01/2026/1",
            "+1/01/2026",
        ] {
            assert_eq!(parse_date(bad.as_bytes()), None, "{bad}");
        }
    }
}
