//! A table of values keyed by the bytes of a field, looked up without allocating: a key is
//! copied once, when first seen. Entries stay in the order they were first seen.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

/// Keys compared exactly, or without regard to ASCII case (resource ids and groups: Azure
/// treats `rg-Prod` and `RG-PROD` as one group, and files mix the two). A key keeps the
/// spelling it was first seen with.
#[derive(Debug)]
pub(crate) struct Table<V> {
    index: HashTable<u32>,
    pub(crate) entries: Vec<(Box<[u8]>, V)>,
    fold_case: bool,
    lowered: Vec<u8>,
    /// The entry the last lookup found: rows often repeat their neighbour's value.
    last: Option<u32>,
}

const HASHER: FixedState = FixedState::with_seed(0x5eed_cafe_f00d_d00d);

impl<V: Default> Table<V> {
    pub(crate) fn new(fold_case: bool) -> Self {
        Self {
            index: HashTable::new(),
            entries: Vec::new(),
            fold_case,
            lowered: Vec::new(),
            last: None,
        }
    }

    fn hash(&mut self, key: &[u8]) -> u64 {
        if self.fold_case {
            lower(key, &mut self.lowered);
            HASHER.hash_one(&self.lowered[..])
        } else {
            HASHER.hash_one(key)
        }
    }

    /// The value for `key`, added (default) when new; the flag says whether it was new.
    pub(crate) fn entry(&mut self, key: &[u8]) -> (usize, bool) {
        if let Some(last) = self.last {
            // Spelled the same: a case-insensitive match is left to the table. Long keys
            // (resource ids) seldom repeat from row to row and are not tried.
            let at = last as usize;
            if key.len() <= 32 && &self.entries[at].0[..] == key {
                return (at, false);
            }
        }
        let hash = self.hash(key);
        let entries = &self.entries;
        let fold = self.fold_case;
        let found = self.index.find(hash, |&i| {
            let stored = &entries[i as usize].0[..];
            // The same spelling, as nearly always, is the quick answer.
            stored == key || (fold && stored.eq_ignore_ascii_case(key))
        });
        let (at, new) = if let Some(&i) = found {
            (i as usize, false)
        } else {
            let i = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
            self.entries.push((key.into(), V::default()));
            let hasher = |&i: &u32| {
                let stored = entries_key(&self.entries, i);
                if fold {
                    HASHER.hash_one(&stored.to_ascii_lowercase()[..])
                } else {
                    HASHER.hash_one(stored)
                }
            };
            self.index.insert_unique(hash, i, hasher);
            (self.entries.len() - 1, true)
        };
        self.last = u32::try_from(at).ok();
        (at, new)
    }

    pub(crate) fn value_mut(&mut self, at: usize) -> &mut V {
        &mut self.entries[at].1
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Drops the entry added last (a key found bad just after it was added).
    pub(crate) fn forget_last(&mut self) {
        if let Some((key, _)) = self.entries.pop() {
            let hash = self.hash(&key);
            let at = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
            if let Ok(entry) = self.index.find_entry(hash, |&i| i == at) {
                entry.remove();
            }
            self.last = None;
        }
    }
}

/// `key` in ASCII lower case into `out`, eight bytes at a time.
fn lower(key: &[u8], out: &mut Vec<u8>) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    out.clear();
    let mut chunks = key.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // Per byte: the high bit of (b + 0x80 - 'A') and not of (b + 0x80 - 'Z' - 1), for
        // ASCII bytes only, marks 'A'..='Z'; 0x20 added there lowers it.
        let low = x & (ONES * 0x7f);
        let at_least_a = low + ONES * (0x80 - u64::from(b'A'));
        let above_z = low + ONES * (0x80 - u64::from(b'Z') - 1);
        let upper = at_least_a & !above_z & !x & (ONES * 0x80);
        out.extend_from_slice(&(x | (upper >> 2)).to_le_bytes());
    }
    out.extend(chunks.remainder().iter().map(u8::to_ascii_lowercase));
}

fn entries_key<V>(entries: &[(Box<[u8]>, V)], i: u32) -> &[u8] {
    &entries[i as usize].0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_again_and_keep_their_first_spelling() {
        let mut table: Table<u32> = Table::new(true);
        let (prod, new) = table.entry(b"RG-Prod");
        assert!(new);
        *table.value_mut(prod) += 1;
        let (other, new) = table.entry(b"other");
        assert!(new);
        let (again, new) = table.entry(b"rg-prod");
        assert!(!new);
        assert_eq!(prod, again);
        assert_ne!(prod, other);
        *table.value_mut(again) += 1;
        assert_eq!(&*table.entries[prod].0, b"RG-Prod");
        assert_eq!(table.entries[prod].1, 2);
        let mut out = Vec::new();
        let every: Vec<u8> = (0..=255).collect();
        lower(&every, &mut out);
        assert_eq!(out, every.to_ascii_lowercase());
        for i in 0..10_000u32 {
            table.entry(format!("key-{i}").as_bytes());
        }
        assert_eq!(table.entry(b"KEY-77").0, table.entry(b"key-77").0);
        assert_eq!(table.len(), 10_002);

        let mut exact: Table<()> = Table::new(false);
        let (upper, _) = exact.entry(b"Usage");
        let (lower, new) = exact.entry(b"usage");
        assert!(new);
        assert_ne!(upper, lower);
        exact.forget_last();
        assert_eq!(exact.len(), 1);
        assert!(exact.entry(b"usage").1, "forgotten, so new again");
    }
}
