//! The `hashtable` encoding of a set: a dense vector of members plus a compact open-addressing
//! index over it. Owns the layout and its invariants; knows nothing of commands or encodings
//! (that is `super::set`).
//!
//! # Layout, and why
//!
//! - `members`: every member once, densely, in a `Vec`. A member of up to 22 bytes is stored
//!   inline in its 24-byte slot; a longer one in one heap allocation. Dense storage gives
//!   SPOP/SRANDMEMBER a uniform O(1) pick by position, and SSCAN a cursor that is simply a
//!   position (see `crate::cmd::t_set`).
//! - `index`: absent while the set is small (up to [`LINEAR_LEN_MAX`] members are found by a
//!   linear scan, which costs less than hashing them). Past that, an open-addressing table of
//!   `u32` slots with linear probing, at most 3/4 full: a slot is 0 (empty) or the member's
//!   position + 1 in its low bits and, in the bits that the position cannot use, the high bits
//!   of the member's hash, so a probe rarely touches a member that does not match.
//!
//! Per member that is 24 bytes plus 5-11 bytes of index, where a Redis `dict` spends a 24-byte
//! entry, an 8-16-byte bucket share and a separate allocation per member: measured as INFO's
//! `used_memory` for one set of 1M members like `member:123`, 33.6 bytes per member against
//! Redis 7.0's 56.4 (integers: 33.6 against 48.4). Rejected:
//! `IndexSet<Box<[u8]>>` (a 24-byte entry plus an 8-byte index slot plus an allocation per
//! member, and indexmap sizes its entry vector to the index's capacity, so up to 2x more), and a
//! `hashbrown` table of members (random picks and a stable scan cursor both need positions).
//!
//! Removal is `swap_remove`: the last member moves into the hole, so a member only ever moves to
//! a lower position, and appends go at the end. The scan cursor relies on exactly that.
//! Probing deletes by backward shift, so there are no tombstones and lookups never slow down.
//!
//! Limit: positions must fit the slot's low bits, so a set holds at most [`MEMBERS_MAX`]
//! (about 1.6 billion) members; inserting past that is a bug the assertion reports.

use std::fmt;

use ahash::RandomState;

/// Longest member stored inline in its slot.
pub const INLINE_LEN_MAX: usize = 22;
/// Sets up to this size have no index: a linear scan over inline members is cheaper.
pub const LINEAR_LEN_MAX: usize = 16;
/// Smallest index, built when a set outgrows [`LINEAR_LEN_MAX`].
const SLOTS_MIN: usize = 32;
/// Most slots an index may have: positions + 1 must fit in the slot's low bits.
const SLOTS_MAX: usize = 1 << 31;
/// Most members a set may hold (the 3/4 load bound of the largest index).
pub const MEMBERS_MAX: usize = SLOTS_MAX / 4 * 3;

const _: () = assert!(
    LINEAR_LEN_MAX < SLOTS_MIN / 4 * 3,
    "a new index is not full"
);
const _: () = assert!(SLOTS_MIN.is_power_of_two() && SLOTS_MAX.is_power_of_two());
const _: () = assert!(MEMBERS_MAX < u32::MAX as usize);

/// One member's bytes, inline when short.
#[derive(Clone, PartialEq, Eq)]
pub enum Member {
    Inline {
        len: u8,
        bytes: [u8; INLINE_LEN_MAX],
    },
    Heap(Box<[u8]>),
}

// The whole point of `Inline` is that a short member costs one 24-byte slot and nothing else.
const _: () = assert!(std::mem::size_of::<Member>() == 24);

impl Member {
    pub fn new(bytes: &[u8]) -> Member {
        if bytes.len() <= INLINE_LEN_MAX {
            let mut inline = [0u8; INLINE_LEN_MAX];
            inline[..bytes.len()].copy_from_slice(bytes);
            Member::Inline {
                len: bytes.len() as u8,
                bytes: inline,
            }
        } else {
            Member::Heap(bytes.into())
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Member::Inline { len, bytes } => &bytes[..*len as usize],
            Member::Heap(bytes) => bytes,
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Member::Inline { .. } => 0,
            Member::Heap(bytes) => bytes.len(),
        }
    }
}

impl fmt::Debug for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

/// Members in a dense vector, with an index once there are enough of them.
#[derive(Clone, Debug, Default)]
pub struct Table {
    members: Vec<Member>,
    index: Option<Box<Index>>,
}

/// The open-addressing index (see the module doc).
#[derive(Clone, Debug)]
struct Index {
    /// Kept with the slots because every slot position derives from it.
    hasher: RandomState,
    slots: Box<[u32]>,
}

impl Index {
    /// An index of `slot_count` slots over `members`.
    fn build(hasher: RandomState, slot_count: usize, members: &[Member]) -> Index {
        assert!(slot_count.is_power_of_two() && slot_count <= SLOTS_MAX);
        assert!(
            members.len() <= slot_count / 4 * 3,
            "index over its load bound"
        );
        let mut index = Index {
            hasher,
            slots: vec![0u32; slot_count].into_boxed_slice(),
        };
        for (pos, member) in members.iter().enumerate() {
            let hash = index.hash(member.as_bytes());
            index.put(hash, pos);
        }
        index
    }

    fn hash(&self, bytes: &[u8]) -> u64 {
        self.hasher.hash_one(bytes)
    }

    /// Mask of the slot bits that hold a position + 1.
    fn pos_mask(&self) -> u32 {
        (self.slots.len() - 1) as u32
    }

    fn home(&self, hash: u64) -> usize {
        hash as usize & (self.slots.len() - 1)
    }

    /// The hash bits stored beside the position: high bits, independent of the home slot.
    fn tag(&self, hash: u64) -> u32 {
        (hash >> 32) as u32 & !self.pos_mask()
    }

    fn next(&self, slot: usize) -> usize {
        (slot + 1) & (self.slots.len() - 1)
    }

    /// The slot and position of `bytes`, if it is a member.
    fn find(&self, members: &[Member], bytes: &[u8]) -> Option<(usize, usize)> {
        let hash = self.hash(bytes);
        let (tag, mask) = (self.tag(hash), self.pos_mask());
        let mut slot = self.home(hash);
        loop {
            let value = self.slots[slot];
            if value == 0 {
                return None;
            }
            if value & !mask == tag {
                let pos = (value & mask) as usize - 1;
                if members[pos].as_bytes() == bytes {
                    return Some((slot, pos));
                }
            }
            slot = self.next(slot);
        }
    }

    /// Records `pos` (hashing to `hash`) in the first free slot of its probe sequence.
    fn put(&mut self, hash: u64, pos: usize) {
        let value = self.tag(hash) | (pos as u32 + 1);
        let mut slot = self.home(hash);
        while self.slots[slot] != 0 {
            slot = self.next(slot);
        }
        self.slots[slot] = value;
    }

    /// The slot holding position `pos`, whose member is `members[pos]`.
    fn slot_of(&self, members: &[Member], pos: usize) -> usize {
        let mask = self.pos_mask();
        let mut slot = self.home(self.hash(members[pos].as_bytes()));
        while self.slots[slot] & mask != pos as u32 + 1 {
            assert!(self.slots[slot] != 0, "member {pos} missing from the index");
            slot = self.next(slot);
        }
        slot
    }

    /// Empties `slot` by backward shift: each later entry of the probe run moves into the hole
    /// if its home slot allows, so every entry stays reachable from its home without tombstones.
    fn clear(&mut self, members: &[Member], slot: usize) {
        let (mask, slot_mask) = (self.pos_mask(), self.slots.len() - 1);
        let mut hole = slot;
        let mut probe = slot;
        loop {
            probe = self.next(probe);
            let value = self.slots[probe];
            if value == 0 {
                break;
            }
            let pos = (value & mask) as usize - 1;
            let home = self.home(self.hash(members[pos].as_bytes()));
            // The entry may fill the hole when the hole lies on its path from home to here.
            if (probe.wrapping_sub(home) & slot_mask) >= (probe.wrapping_sub(hole) & slot_mask) {
                self.slots[hole] = value;
                hole = probe;
            }
        }
        self.slots[hole] = 0;
    }

    /// Points the slot of the member at `from` to `to` (the member moved).
    fn moved(&mut self, members: &[Member], from: usize, to: usize) {
        let slot = self.slot_of(members, from);
        let mask = self.pos_mask();
        self.slots[slot] = (self.slots[slot] & !mask) | (to as u32 + 1);
    }
}

/// Slots for an index holding `len` members at most 3/4 full.
fn slots_for(len: usize) -> usize {
    let wanted = len.div_ceil(3) * 4;
    wanted.next_power_of_two().clamp(SLOTS_MIN, SLOTS_MAX)
}

impl Table {
    /// An empty table with room for `capacity` members.
    pub fn with_capacity(capacity: usize) -> Table {
        Table {
            members: Vec::with_capacity(capacity),
            index: None,
        }
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The member at `pos` (`pos < len`); positions are the iteration order.
    pub fn get(&self, pos: usize) -> &[u8] {
        self.members[pos].as_bytes()
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.members.iter().map(Member::as_bytes)
    }

    /// The position of `bytes`, if it is a member.
    pub fn position(&self, bytes: &[u8]) -> Option<usize> {
        self.find(bytes).map(|(_, pos)| pos)
    }

    pub fn contains(&self, bytes: &[u8]) -> bool {
        self.find(bytes).is_some()
    }

    /// (slot, position) of `bytes`; the slot is meaningless without an index.
    fn find(&self, bytes: &[u8]) -> Option<(usize, usize)> {
        match &self.index {
            Some(index) => index.find(&self.members, bytes),
            None => self
                .members
                .iter()
                .position(|m| m.as_bytes() == bytes)
                .map(|pos| (0, pos)),
        }
    }

    /// Adds `bytes`; false if it was already a member. `hasher` seeds the index if this insert
    /// creates one.
    pub fn insert(&mut self, bytes: &[u8], hasher: &RandomState) -> bool {
        if self.contains(bytes) {
            return false;
        }
        self.push_new(bytes, hasher);
        true
    }

    /// Adds `bytes`, known not to be a member (conversions, building results).
    pub fn push_new(&mut self, bytes: &[u8], hasher: &RandomState) {
        let len = self.members.len();
        assert!(len < MEMBERS_MAX, "set exceeds {MEMBERS_MAX} members");
        debug_assert!(!self.contains(bytes), "push_new of an existing member");
        self.members.push(Member::new(bytes));
        match &mut self.index {
            Some(index) if (len + 1) <= index.slots.len() / 4 * 3 => {
                let hash = index.hash(bytes);
                index.put(hash, len);
            }
            Some(index) => {
                let grown =
                    Index::build(index.hasher.clone(), index.slots.len() * 2, &self.members);
                **index = grown;
            }
            None if len + 1 > LINEAR_LEN_MAX => {
                let slots = slots_for(len + 1);
                self.index = Some(Box::new(Index::build(hasher.clone(), slots, &self.members)));
            }
            None => {}
        }
    }

    /// Removes `bytes`; false if it was not a member.
    pub fn remove(&mut self, bytes: &[u8]) -> bool {
        match self.find(bytes) {
            Some((slot, pos)) => {
                self.remove_found(slot, pos);
                true
            }
            None => false,
        }
    }

    /// Removes the member at `pos` (`pos < len`). The last member takes its position.
    pub fn remove_at(&mut self, pos: usize) {
        let slot = match &self.index {
            Some(index) => index.slot_of(&self.members, pos),
            None => 0,
        };
        self.remove_found(slot, pos);
    }

    fn remove_found(&mut self, slot: usize, pos: usize) {
        let last = self.members.len() - 1;
        if let Some(index) = &mut self.index {
            index.clear(&self.members, slot);
            if pos != last {
                // Repoint the last member's slot before it moves (the slot is found by its
                // current position).
                index.moved(&self.members, last, pos);
            }
        }
        self.members.swap_remove(pos);
        self.shrink();
    }

    /// Gives memory back after removals: the index when it is at most 1/8 full (or the set is
    /// small enough to scan), the vector when it is at most 1/4 full. The hysteresis against
    /// the growth thresholds keeps alternating adds and removes from rebuilding every time.
    fn shrink(&mut self) {
        let len = self.members.len();
        if let Some(index) = &mut self.index {
            if len <= LINEAR_LEN_MAX / 2 {
                self.index = None;
            } else if index.slots.len() > SLOTS_MIN && len < index.slots.len() / 8 {
                let smaller = Index::build(index.hasher.clone(), slots_for(len), &self.members);
                **index = smaller;
            }
        }
        if self.members.capacity() > 8 && len < self.members.capacity() / 4 {
            self.members.shrink_to(len * 2);
        }
    }

    /// Heap bytes held: the member vector, long members, the index.
    pub fn heap_bytes(&self) -> usize {
        let members = self.members.capacity() * std::mem::size_of::<Member>()
            + self.members.iter().map(Member::heap_bytes).sum::<usize>();
        let index = self.index.as_ref().map_or(0, |index| {
            std::mem::size_of::<Index>() + index.slots.len() * std::mem::size_of::<u32>()
        });
        members + index
    }

    /// Checks every invariant (tests, and `debug_assert`s after bulk operations).
    #[cfg(test)]
    pub fn check(&self) {
        let Some(index) = &self.index else {
            assert!(self.len() <= LINEAR_LEN_MAX, "large table without index");
            return;
        };
        assert!(
            self.len() > LINEAR_LEN_MAX / 2,
            "small table kept its index"
        );
        assert!(
            self.len() <= index.slots.len() / 4 * 3,
            "index over its load bound"
        );
        let used = index.slots.iter().filter(|&&s| s != 0).count();
        assert_eq!(used, self.len(), "one slot per member");
        for pos in 0..self.len() {
            let found = index.find(&self.members, self.get(pos));
            assert_eq!(found.map(|(_, p)| p), Some(pos), "member {pos} not found");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::util::{SPLITMIX_GAMMA, splitmix64_mix};

    fn hasher() -> RandomState {
        RandomState::with_seeds(1, 2, 3, 4)
    }

    #[test]
    fn members_inline_up_to_22_bytes() {
        for len in [0, 1, 21, 22, 23, 100] {
            let bytes: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let member = Member::new(&bytes);
            assert_eq!(member.as_bytes(), &bytes[..]);
            assert_eq!(
                matches!(member, Member::Inline { .. }),
                len <= INLINE_LEN_MAX
            );
        }
    }

    #[test]
    fn index_appears_grows_shrinks_and_goes() {
        let h = hasher();
        let mut table = Table::default();
        for i in 0..1000 {
            assert!(table.insert(format!("m{i}").as_bytes(), &h));
            assert!(!table.insert(format!("m{i}").as_bytes(), &h));
            table.check();
        }
        assert_eq!(table.index.as_ref().map(|i| i.slots.len()), Some(2048));
        for i in 0..995 {
            assert!(table.remove(format!("m{i}").as_bytes()));
            assert!(!table.remove(format!("m{i}").as_bytes()));
            table.check();
        }
        assert!(table.index.is_none());
        assert_eq!(table.len(), 5);
        assert!(table.members.capacity() <= 16);
    }

    /// Random operations against a `BTreeSet` model, with every invariant checked after each.
    #[test]
    fn matches_a_model_under_random_operations() {
        let h = hasher();
        for seed in 0..20u64 {
            let mut state = seed;
            let mut next = move || {
                state = state.wrapping_add(SPLITMIX_GAMMA);
                splitmix64_mix(state)
            };
            let mut table = Table::default();
            let mut model = BTreeSet::new();
            // A small universe makes hits, misses and long probe runs all common.
            let universe = 1 + next() % 300;
            for _ in 0..3000 {
                let n = next() % universe;
                // Long members exercise the heap variant.
                let key = if n % 7 == 0 {
                    format!("a-rather-long-member-name-{n}")
                } else {
                    n.to_string()
                };
                match next() % 4 {
                    0 | 1 => {
                        assert_eq!(table.insert(key.as_bytes(), &h), model.insert(key.clone()))
                    }
                    2 => assert_eq!(table.remove(key.as_bytes()), model.remove(&key)),
                    _ if !table.is_empty() => {
                        let pos = (next() % table.len() as u64) as usize;
                        let member = String::from_utf8(table.get(pos).to_vec()).unwrap();
                        table.remove_at(pos);
                        assert!(model.remove(&member));
                    }
                    _ => {}
                }
                assert_eq!(table.len(), model.len());
                assert_eq!(table.contains(key.as_bytes()), model.contains(&key));
            }
            table.check();
            let listed: BTreeSet<String> = table
                .iter()
                .map(|m| String::from_utf8(m.to_vec()).unwrap())
                .collect();
            assert_eq!(listed, model);
        }
    }

    #[test]
    fn removal_only_moves_the_last_member_down() {
        let h = hasher();
        let mut table = Table::default();
        for i in 0..100 {
            table.insert(format!("{i}").as_bytes(), &h);
        }
        let before: Vec<Vec<u8>> = table.iter().map(<[u8]>::to_vec).collect();
        table.remove_at(10);
        assert_eq!(table.get(10), &before[99][..]);
        for pos in (0..99).filter(|&p| p != 10) {
            assert_eq!(table.get(pos), &before[pos][..]);
        }
    }
}
