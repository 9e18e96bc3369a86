//! The `hashtable` representation of a hash: the records in a dense vector, found through an
//! open-addressing index of 32-bit positions, plus an ordered index of the fields that have a
//! TTL.
//!
//! Why not `IndexMap<Box<[u8]>, Box<[u8]>>`: that costs two allocations and 40 bytes of entry
//! (cached hash, two fat pointers) per field, and its entry vector is sized to the index's
//! capacity. Here a field costs one allocation (its record, see `record.rs`), 16 bytes in the
//! vector and 4 bytes per index bucket (at most 3/4 full). Hashes are not cached: growing the
//! index and deleting rehash the fields they move, which `ahash` makes cheap.
//!
//! Order: records are appended and removed with `swap_remove`, so an entry only ever moves to
//! a lower position. HSCAN walks positions from the top down and relies on that (the same
//! argument as the keyspace SCAN in `cmd/keys.rs`).
//!
//! The index uses linear probing with backward-shift deletion (no tombstones), so lookups stay
//! short however many deletions happened.

use std::collections::BTreeSet;
use std::fmt;

use ahash::RandomState;

use super::record::{self, Record};

/// An empty bucket; occupied buckets hold `position + 1`.
const EMPTY: u32 = 0;
/// The index is grown before it gets fuller than `LOAD_NUM / LOAD_DEN`.
const LOAD_NUM: usize = 3;
const LOAD_DEN: usize = 4;
/// It is shrunk when it gets emptier than `1 / SHRINK_DIV`.
const SHRINK_DIV: usize = 8;
const BUCKETS_MIN: usize = 8;
/// Positions are stored as `u32` beside the empty marker.
const LEN_MAX: usize = u32::MAX as usize - 1;

const _: () = assert!(
    LOAD_NUM < LOAD_DEN,
    "an open-addressing index needs an empty bucket"
);
const _: () = assert!(BUCKETS_MIN.is_power_of_two());

#[derive(Clone)]
pub(super) struct Table {
    hasher: RandomState,
    /// One record per field (see `record.rs`), dense.
    slots: Vec<Box<[u8]>>,
    /// Power-of-two sized; `position + 1` of a record, or `EMPTY`.
    buckets: Box<[u32]>,
    /// Sum of the records' lengths.
    record_bytes: usize,
    /// `(deadline, field)` of every field with a TTL, earliest first.
    expires: BTreeSet<(u64, Box<[u8]>)>,
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("len", &self.slots.len())
            .field("buckets", &self.buckets.len())
            .field("with_ttl", &self.expires.len())
            .finish()
    }
}

/// Buckets for `n` records at most `LOAD_NUM / LOAD_DEN` full.
fn buckets_for(n: usize) -> usize {
    (n * LOAD_DEN / LOAD_NUM + 1)
        .next_power_of_two()
        .max(BUCKETS_MIN)
}

/// Adds `record`'s field to (or removes it from) the TTL index if it has a deadline.
fn track_deadline(expires: &mut BTreeSet<(u64, Box<[u8]>)>, record: &[u8], add: bool) {
    let decoded = record::decode(record);
    if let Some(deadline) = decoded.deadline {
        let key = (deadline, Box::from(decoded.field));
        if add {
            expires.insert(key);
        } else {
            let removed = expires.remove(&key);
            debug_assert!(removed, "TTL index out of sync");
        }
    }
}

/// Whether `home` lies in the cyclic interval `(hole, at]`: then the entry at `at` must not
/// move back to `hole`, or a probe starting at `home` would no longer pass over it.
fn in_cyclic_range(home: usize, hole: usize, at: usize) -> bool {
    if hole <= at {
        hole < home && home <= at
    } else {
        hole < home || home <= at
    }
}

impl Table {
    pub fn with_capacity(hasher: RandomState, n: usize) -> Table {
        Table {
            hasher,
            slots: Vec::with_capacity(n),
            buckets: vec![EMPTY; buckets_for(n)].into_boxed_slice(),
            record_bytes: 0,
            expires: BTreeSet::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn record(&self, position: usize) -> Record<'_> {
        record::decode(&self.slots[position])
    }

    fn mask(&self) -> usize {
        self.buckets.len() - 1
    }

    fn home(&self, field: &[u8]) -> usize {
        (self.hasher.hash_one(field) as usize) & self.mask()
    }

    /// The position of `field`'s record.
    pub fn find(&self, field: &[u8]) -> Option<usize> {
        let mask = self.mask();
        let mut at = self.home(field);
        loop {
            let bucket = self.buckets[at];
            if bucket == EMPTY {
                return None;
            }
            let position = (bucket - 1) as usize;
            if record::field_of(&self.slots[position]) == field {
                return Some(position);
            }
            at = (at + 1) & mask;
        }
    }

    /// The bucket that holds `position`.
    fn bucket_of(&self, position: usize) -> usize {
        let mask = self.mask();
        let wanted = position as u32 + 1;
        let mut at = self.home(record::field_of(&self.slots[position]));
        while self.buckets[at] != wanted {
            debug_assert!(self.buckets[at] != EMPTY, "position missing from the index");
            at = (at + 1) & mask;
        }
        at
    }

    /// Puts `position` (whose record is in `slots`) into the index.
    fn index_insert(&mut self, position: usize) {
        let mask = self.mask();
        let mut at = self.home(record::field_of(&self.slots[position]));
        while self.buckets[at] != EMPTY {
            at = (at + 1) & mask;
        }
        self.buckets[at] = position as u32 + 1;
    }

    /// Empties bucket `hole`, shifting the rest of its probe cluster back over it.
    fn index_delete(&mut self, mut hole: usize) {
        let mask = self.mask();
        let mut at = (hole + 1) & mask;
        loop {
            let bucket = self.buckets[at];
            if bucket == EMPTY {
                break;
            }
            let home = self.home(record::field_of(&self.slots[(bucket - 1) as usize]));
            if !in_cyclic_range(home, hole, at) {
                self.buckets[hole] = bucket;
                hole = at;
            }
            at = (at + 1) & mask;
        }
        self.buckets[hole] = EMPTY;
    }

    fn rebuild_index(&mut self, buckets: usize) {
        self.buckets = vec![EMPTY; buckets].into_boxed_slice();
        for position in 0..self.slots.len() {
            self.index_insert(position);
        }
    }

    /// Appends a record whose field is not in the table yet; returns its position.
    pub fn push(&mut self, record: Box<[u8]>) -> usize {
        debug_assert!(self.find(record::field_of(&record)).is_none());
        assert!(self.slots.len() < LEN_MAX, "hash table full");
        if (self.slots.len() + 1) * LOAD_DEN > self.buckets.len() * LOAD_NUM {
            self.rebuild_index(self.buckets.len() * 2);
        }
        track_deadline(&mut self.expires, &record, true);
        self.record_bytes += record.len();
        let position = self.slots.len();
        self.slots.push(record);
        self.index_insert(position);
        position
    }

    /// Replaces the record at `position` with one for the same field.
    pub fn replace(&mut self, position: usize, record: Box<[u8]>) {
        debug_assert_eq!(
            record::field_of(&record),
            record::field_of(&self.slots[position])
        );
        let old = std::mem::replace(&mut self.slots[position], record);
        track_deadline(&mut self.expires, &old, false);
        track_deadline(&mut self.expires, &self.slots[position], true);
        self.record_bytes = self.record_bytes - old.len() + self.slots[position].len();
    }

    /// Removes the record at `position`; the last record moves into its place.
    pub fn swap_remove(&mut self, position: usize) -> Box<[u8]> {
        let bucket = self.bucket_of(position);
        self.index_delete(bucket);
        let last = self.slots.len() - 1;
        if position != last {
            let moved = self.bucket_of(last);
            self.buckets[moved] = position as u32 + 1;
        }
        let removed = self.slots.swap_remove(position);
        track_deadline(&mut self.expires, &removed, false);
        self.record_bytes -= removed.len();
        self.shrink_if_sparse();
        removed
    }

    fn shrink_if_sparse(&mut self) {
        let len = self.slots.len();
        if self.buckets.len() > BUCKETS_MIN && len * SHRINK_DIV < self.buckets.len() {
            self.rebuild_index(buckets_for(len));
        }
        if self.slots.capacity() > 4 * len.max(4) {
            self.slots.shrink_to(2 * len);
        }
    }

    /// The earliest deadline of any field.
    pub fn next_deadline(&self) -> Option<u64> {
        self.expires.first().map(|(deadline, _)| *deadline)
    }

    /// Removes up to `budget` fields whose deadline is before `now_ms`; returns how many.
    pub fn expire(&mut self, now_ms: u64, budget: usize) -> usize {
        let mut removed = 0;
        while removed < budget {
            let Some((deadline, field)) = self.expires.first() else {
                break;
            };
            if *deadline >= now_ms {
                break;
            }
            let position = self
                .find(field)
                .expect("every field of the TTL index is in the table");
            self.swap_remove(position);
            removed += 1;
        }
        removed
    }

    /// Heap bytes held: the vector, the index, the records and the TTL index (its nodes
    /// estimated at the key size plus a pointer's worth of overhead).
    pub fn heap_bytes(&self) -> usize {
        let ttl_entry = size_of::<(u64, Box<[u8]>)>() + size_of::<usize>();
        let ttl_bytes: usize = self
            .expires
            .iter()
            .map(|(_, field)| ttl_entry + field.len())
            .sum();
        self.slots.capacity() * size_of::<Box<[u8]>>()
            + self.buckets.len() * size_of::<u32>()
            + self.record_bytes
            + ttl_bytes
    }

    /// Checks every structural invariant (tests and debug assertions).
    #[cfg(test)]
    pub fn check(&self) {
        let occupied = self.buckets.iter().filter(|&&b| b != EMPTY).count();
        assert_eq!(occupied, self.slots.len(), "index and vector disagree");
        assert!(self.slots.len() * LOAD_DEN <= self.buckets.len() * LOAD_NUM);
        let mut with_ttl = 0;
        for (position, slot) in self.slots.iter().enumerate() {
            let decoded = record::decode(slot);
            assert_eq!(self.find(decoded.field), Some(position));
            if let Some(deadline) = decoded.deadline {
                with_ttl += 1;
                assert!(self.expires.contains(&(deadline, Box::from(decoded.field))));
            }
        }
        assert_eq!(with_ttl, self.expires.len(), "stale TTL index entries");
        let bytes: usize = self.slots.iter().map(|s| s.len()).sum();
        assert_eq!(bytes, self.record_bytes);
    }
}
