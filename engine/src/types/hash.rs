//! A hash: field -> value, with an optional TTL per field (Redis 7.4's hash field expiration).
//!
//! Owns the data structure and its invariants; commands live in `cmd/t_hash.rs`. Never reads a
//! clock: every operation that depends on time takes `now_ms`.
//!
//! Two representations, named as OBJECT ENCODING names Redis's:
//! - packed (`listpack`, or `listpackex` once a field-TTL command touched it): every record in
//!   one buffer, behind its length, found by a linear scan. Used while the hash has at most
//!   [`LISTPACK_ENTRIES_MAX`] fields of at most [`LISTPACK_VALUE_MAX`] bytes (field and value),
//!   as Redis does. Per field it costs the bytes themselves plus two or three.
//! - `hashtable` (see `table.rs`): one allocation per field behind an index. A hash never
//!   converts back, as in Redis.
//!
//! Iteration order is observable (HGETALL, HKEYS, HSCAN) and follows Redis where Redis's is
//! defined: a packed hash iterates in insertion order; in `listpackex` the fields with a TTL
//! come first, ordered by deadline (ties: the most recently set first), then the others in
//! insertion order; a field that loses its TTL (HPERSIST, overwritten by HSET) moves to the
//! end. A `hashtable` iterates in insertion order perturbed by deletions (the last field moves
//! into the hole), which, like Redis's bucket order, clients cannot rely on.
//!
//! A field whose deadline is before `now_ms` is dead. This type keeps dead fields until
//! [`Hash::expire_fields`] reclaims them: the command layer calls it with no budget before
//! using a hash (lazy expiry), a cron hook calls it with a budget (active expiry). Reclaiming
//! is cheap to ask for when nothing is due: packed TTL fields come first, table TTL fields sit
//! in an ordered index.

#[cfg(test)]
mod props;
mod record;
mod table;

use ahash::RandomState;

use record::Record;
use table::Table;

/// Redis 7.0's `hash-max-listpack-entries` default (512 on a live 7.0.15; the list and sorted
/// set limits are 128): more fields than this and the hash becomes a `hashtable`.
pub const LISTPACK_ENTRIES_MAX: usize = 512;
/// Redis's `hash-max-listpack-value` default: a field or value longer than this and the hash
/// becomes a `hashtable`.
pub const LISTPACK_VALUE_MAX: usize = 64;

#[derive(Clone, Debug, Default)]
pub struct Hash {
    repr: Repr,
}

#[derive(Clone, Debug)]
enum Repr {
    Packed(Packed),
    Table(Box<Table>),
}

impl Default for Repr {
    fn default() -> Repr {
        Repr::Packed(Packed::default())
    }
}

/// The packed representation: `varint(record length) record` for every field, in iteration
/// order (see the module doc), with no spare capacity (like a listpack, it is reallocated to
/// size on every change: small hashes are many, and they should be small). A boxed slice
/// rather than a `Vec` keeps [`Hash`] at 24 bytes.
#[derive(Clone, Debug, Default)]
struct Packed {
    buf: Box<[u8]>,
    len: u32,
    /// `listpackex`: a field-TTL command touched this hash, fields are kept ordered by
    /// deadline. Never reset, as Redis never converts back to `listpack`.
    ex: bool,
}

/// One entry of a packed buffer: where it starts, where its record starts and ends.
#[derive(Clone, Copy, Debug)]
struct Slot {
    start: usize,
    record: usize,
    end: usize,
}

impl Packed {
    fn slot_at(&self, start: usize) -> Slot {
        let (len, used) = record::read_varint(&self.buf[start..]);
        Slot {
            start,
            record: start + used,
            end: start + used + len,
        }
    }

    fn slots(&self) -> impl Iterator<Item = Slot> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            (at < self.buf.len()).then(|| {
                let slot = self.slot_at(at);
                at = slot.end;
                slot
            })
        })
    }

    fn record(&self, slot: Slot) -> Record<'_> {
        record::decode(&self.buf[slot.record..slot.end])
    }

    fn find(&self, field: &[u8]) -> Option<Slot> {
        self.slots()
            .find(|slot| record::field_of(&self.buf[slot.record..slot.end]) == field)
    }

    /// Replaces the bytes `range` of the buffer with the entry for a record.
    fn splice(
        &mut self,
        range: std::ops::Range<usize>,
        field: &[u8],
        value: &[u8],
        deadline: Option<u64>,
    ) {
        let record_len = record::encoded_len(field, value, deadline);
        let mut entry = Vec::with_capacity(record::varint_len(record_len) + record_len);
        record::put_varint(&mut entry, record_len);
        record::encode(&mut entry, field, value, deadline);
        let mut buf = std::mem::take(&mut self.buf).into_vec();
        buf.reserve_exact(entry.len().saturating_sub(range.len()));
        buf.splice(range, entry);
        self.buf = buf.into_boxed_slice();
    }

    fn push(&mut self, field: &[u8], value: &[u8], deadline: Option<u64>) {
        let end = self.buf.len();
        self.splice(end..end, field, value, deadline);
        self.len += 1;
    }

    fn remove(&mut self, slot: Slot) {
        let mut buf = std::mem::take(&mut self.buf).into_vec();
        buf.drain(slot.start..slot.end);
        self.buf = buf.into_boxed_slice();
        self.len -= 1;
    }

    /// Where a field with `deadline` goes in `listpackex` order: before the first field with
    /// no TTL or with a deadline at or after it (Redis's `listpackExAddInternal`).
    fn deadline_position(&self, deadline: u64) -> usize {
        self.slots()
            .find(|&slot| self.record(slot).deadline.is_none_or(|d| d >= deadline))
            .map_or(self.buf.len(), |slot| slot.start)
    }

    /// Moves the field at `slot` to where `deadline` puts it (to the end for none).
    fn reposition(&mut self, slot: Slot, deadline: Option<u64>) {
        let record = self.record(slot);
        let (field, value) = (record.field.to_vec(), record.value.to_vec());
        self.remove(slot);
        let at = deadline.map_or(self.buf.len(), |d| self.deadline_position(d));
        self.splice(at..at, &field, &value, deadline);
        self.len += 1;
    }
}

/// Iterates `(field, value)` pairs in the hash's order.
pub struct Iter<'a> {
    inner: IterInner<'a>,
}

enum IterInner<'a> {
    Packed(&'a Packed, usize),
    Table(&'a Table, usize),
}

impl<'a> Iter<'a> {
    fn next_record(&mut self) -> Option<Record<'a>> {
        Some(match &mut self.inner {
            IterInner::Packed(packed, at) => {
                if *at >= packed.buf.len() {
                    return None;
                }
                let slot = packed.slot_at(*at);
                *at = slot.end;
                packed.record(slot)
            }
            IterInner::Table(table, position) => {
                if *position >= table.len() {
                    return None;
                }
                *position += 1;
                table.record(*position - 1)
            }
        })
    }

    /// The rest of the fields with their deadlines (absolute Unix ms), for DUMP and
    /// snapshots.
    pub fn with_deadlines(mut self) -> impl Iterator<Item = (&'a [u8], &'a [u8], Option<u64>)> {
        std::iter::from_fn(move || {
            self.next_record()
                .map(|record| (record.field, record.value, record.deadline))
        })
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record()
            .map(|record| (record.field, record.value))
    }
}

/// Random access to a hash's fields by position, O(1) for both representations (a packed
/// hash is indexed once, it has at most [`LISTPACK_ENTRIES_MAX`] fields).
pub struct Positions<'a> {
    inner: PositionsInner<'a>,
}

enum PositionsInner<'a> {
    Packed(Vec<(&'a [u8], &'a [u8])>),
    Table(&'a Table),
}

impl<'a> Positions<'a> {
    pub fn len(&self) -> usize {
        match &self.inner {
            PositionsInner::Packed(pairs) => pairs.len(),
            PositionsInner::Table(table) => table.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The pair at `position` (below [`Positions::len`]).
    pub fn get(&self, position: usize) -> (&'a [u8], &'a [u8]) {
        match &self.inner {
            PositionsInner::Packed(pairs) => pairs[position],
            PositionsInner::Table(table) => {
                let record = table.record(position);
                (record.field, record.value)
            }
        }
    }
}

impl Hash {
    pub fn new() -> Hash {
        Hash::default()
    }

    /// The encoding name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        match &self.repr {
            Repr::Packed(packed) if packed.ex => "listpackex",
            Repr::Packed(_) => "listpack",
            Repr::Table(_) => "hashtable",
        }
    }

    /// An estimate of the heap bytes held (INFO memory, eviction).
    pub fn heap_bytes(&self) -> usize {
        match &self.repr {
            Repr::Packed(packed) => packed.buf.len(),
            Repr::Table(table) => size_of::<Table>() + table.heap_bytes(),
        }
    }

    /// Number of fields, dead ones not yet reclaimed included.
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Packed(packed) => packed.len as usize,
            Repr::Table(table) => table.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True while the hash is packed (`listpack` or `listpackex`).
    pub fn is_packed(&self) -> bool {
        matches!(self.repr, Repr::Packed(_))
    }

    fn record(&self, field: &[u8]) -> Option<Record<'_>> {
        match &self.repr {
            Repr::Packed(packed) => packed.find(field).map(|slot| packed.record(slot)),
            Repr::Table(table) => table.find(field).map(|position| table.record(position)),
        }
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        self.record(field).map(|record| record.value)
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        self.record(field).is_some()
    }

    /// `None` if the field is missing, else its deadline (absolute Unix ms) if it has a TTL.
    pub fn deadline(&self, field: &[u8]) -> Option<Option<u64>> {
        self.record(field).map(|record| record.deadline)
    }

    pub fn iter(&self) -> Iter<'_> {
        let inner = match &self.repr {
            Repr::Packed(packed) => IterInner::Packed(packed, 0),
            Repr::Table(table) => IterInner::Table(table, 0),
        };
        Iter { inner }
    }

    /// Random access by position (HRANDFIELD, HSCAN).
    pub fn positions(&self) -> Positions<'_> {
        let inner = match &self.repr {
            Repr::Packed(_) => PositionsInner::Packed(self.iter().collect()),
            Repr::Table(table) => PositionsInner::Table(table),
        };
        Positions { inner }
    }

    /// Converts a packed hash to a table, keeping the order.
    fn convert(&mut self, hasher: &RandomState) {
        let Repr::Packed(packed) = &self.repr else {
            return;
        };
        let mut table = Table::with_capacity(hasher.clone(), packed.len as usize);
        for slot in packed.slots() {
            table.push(Box::from(&packed.buf[slot.record..slot.end]));
        }
        self.repr = Repr::Table(Box::new(table));
    }

    /// Converts before a write of `field` and `value` if a packed hash could not hold them.
    fn convert_for(&mut self, field: &[u8], value: &[u8], hasher: &RandomState) {
        if self.is_packed()
            && (field.len() > LISTPACK_VALUE_MAX || value.len() > LISTPACK_VALUE_MAX)
        {
            self.convert(hasher);
        }
    }

    fn convert_if_full(&mut self, hasher: &RandomState) {
        if self.is_packed() && self.len() > LISTPACK_ENTRIES_MAX {
            self.convert(hasher);
        }
    }

    /// Sets `field` to `value` as HSET does: any TTL the field had is dropped. Returns true
    /// if the field is new. `hasher` builds the table if the hash has to convert.
    pub fn set(&mut self, field: &[u8], value: &[u8], hasher: &RandomState) -> bool {
        self.write(field, value, false, hasher)
    }

    /// Sets `field` to `value` keeping its TTL, as HINCRBY and HINCRBYFLOAT do. Returns true
    /// if the field is new.
    pub fn set_keep_ttl(&mut self, field: &[u8], value: &[u8], hasher: &RandomState) -> bool {
        self.write(field, value, true, hasher)
    }

    fn write(&mut self, field: &[u8], value: &[u8], keep_ttl: bool, hasher: &RandomState) -> bool {
        self.convert_for(field, value, hasher);
        let created = match &mut self.repr {
            Repr::Packed(packed) => match packed.find(field) {
                None => {
                    packed.push(field, value, None);
                    true
                }
                Some(slot) => {
                    match packed.record(slot).deadline {
                        Some(deadline) if keep_ttl => {
                            packed.splice(slot.start..slot.end, field, value, Some(deadline))
                        }
                        // A field losing its TTL leaves the deadline-ordered part: to the end.
                        Some(_) => {
                            packed.remove(slot);
                            packed.push(field, value, None);
                        }
                        None => packed.splice(slot.start..slot.end, field, value, None),
                    }
                    false
                }
            },
            Repr::Table(table) => match table.find(field) {
                None => {
                    table.push(record::boxed(field, value, None));
                    true
                }
                Some(position) => {
                    let deadline = if keep_ttl {
                        table.record(position).deadline
                    } else {
                        None
                    };
                    table.replace(position, record::boxed(field, value, deadline));
                    false
                }
            },
        };
        self.convert_if_full(hasher);
        created
    }

    /// Removes `field`; returns whether it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Packed(packed) => packed.find(field).map(|slot| packed.remove(slot)),
            Repr::Table(table) => table
                .find(field)
                .map(|position| drop(table.swap_remove(position))),
        }
        .is_some()
    }

    /// Marks the hash as used by field-TTL commands: a `listpack` becomes a `listpackex`, as
    /// Redis converts it on the first HEXPIRE-family command whatever its outcome.
    pub fn enable_field_ttl(&mut self) {
        if let Repr::Packed(packed) = &mut self.repr {
            packed.ex = true;
        }
    }

    /// Gives `field` a deadline (absolute Unix ms), keeping its value. Returns false if the
    /// field is missing.
    pub fn set_deadline(&mut self, field: &[u8], deadline: u64) -> bool {
        self.change_deadline(field, Some(deadline))
    }

    /// Removes `field`'s TTL. Returns false if the field is missing or had no TTL.
    pub fn persist(&mut self, field: &[u8]) -> bool {
        self.deadline(field).flatten().is_some() && self.change_deadline(field, None)
    }

    fn change_deadline(&mut self, field: &[u8], deadline: Option<u64>) -> bool {
        match &mut self.repr {
            Repr::Packed(packed) => {
                let Some(slot) = packed.find(field) else {
                    return false;
                };
                packed.ex = true;
                packed.reposition(slot, deadline);
            }
            Repr::Table(table) => {
                let Some(position) = table.find(field) else {
                    return false;
                };
                let value = table.record(position).value;
                let record = record::boxed(field, value, deadline);
                table.replace(position, record);
            }
        }
        true
    }

    /// The earliest deadline of any field, dead or alive (what a cron hook schedules by).
    pub fn next_field_deadline(&self) -> Option<u64> {
        match &self.repr {
            Repr::Packed(packed) if packed.ex => packed
                .slots()
                .next()
                .and_then(|slot| packed.record(slot).deadline),
            Repr::Packed(_) => None,
            Repr::Table(table) => table.next_deadline(),
        }
    }

    /// Removes up to `budget` fields whose deadline is before `now_ms`, earliest first, and
    /// returns how many it removed. Lazy expiry passes `usize::MAX`; an active-expiry cron
    /// passes its per-hash budget and deletes the key if the hash ends up empty.
    pub(crate) fn expire_fields(&mut self, now_ms: u64, budget: usize) -> usize {
        match &mut self.repr {
            Repr::Packed(packed) if packed.ex => {
                let mut removed = 0;
                while removed < budget {
                    let Some(slot) = packed.slots().next() else {
                        break;
                    };
                    match packed.record(slot).deadline {
                        Some(deadline) if deadline < now_ms => {
                            packed.remove(slot);
                            removed += 1;
                        }
                        _ => break,
                    }
                }
                removed
            }
            Repr::Packed(_) => 0,
            Repr::Table(table) => table.expire(now_ms, budget),
        }
    }

    /// Every `(field, value, deadline)` in order (tests).
    #[cfg(test)]
    fn records(&self) -> Vec<(Vec<u8>, Vec<u8>, Option<u64>)> {
        let record = |r: Record<'_>| (r.field.to_vec(), r.value.to_vec(), r.deadline);
        match &self.repr {
            Repr::Packed(packed) => packed.slots().map(|s| record(packed.record(s))).collect(),
            Repr::Table(table) => (0..table.len()).map(|i| record(table.record(i))).collect(),
        }
    }

    /// Checks every structural invariant (tests).
    #[cfg(test)]
    fn check(&self) {
        match &self.repr {
            Repr::Packed(packed) => {
                assert_eq!(packed.slots().count(), packed.len as usize);
                assert!(packed.len as usize <= LISTPACK_ENTRIES_MAX);
                let mut previous: Option<Option<u64>> = None;
                for slot in packed.slots() {
                    let record = packed.record(slot);
                    assert!(record.field.len() <= LISTPACK_VALUE_MAX);
                    assert!(record.value.len() <= LISTPACK_VALUE_MAX);
                    assert!(packed.ex || record.deadline.is_none());
                    // Deadline order: TTL fields ascending, then the others.
                    if let Some(previous) = previous {
                        match (previous, record.deadline) {
                            (None, Some(_)) => panic!("TTL field after a persistent one"),
                            (Some(a), Some(b)) => assert!(a <= b, "deadlines out of order"),
                            _ => {}
                        }
                    }
                    previous = Some(record.deadline);
                }
            }
            Repr::Table(table) => table.check(),
        }
    }
}

/// Equal when both hold the same fields with the same values and TTLs, whatever the
/// representation and order.
impl PartialEq for Hash {
    fn eq(&self, other: &Hash) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(field, _)| self.record(field) == other.record(field))
    }
}

#[cfg(test)]
mod tests;
