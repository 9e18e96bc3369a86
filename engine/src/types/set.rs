//! A set of members: the value behind SADD and friends. Owns the two representations and the
//! switch between them, as Redis 7.0 does (OBJECT ENCODING shows it):
//!
//! - `intset` while every member is a canonical 64-bit integer (Redis's `string2ll`: no `+`,
//!   no leading zeros, no `-0`) and there are at most [`INTSET_ENTRIES_MAX`] members: a sorted
//!   array of the narrowest integer width that holds them all (16, 32 or 64 bits, widened on
//!   demand, never narrowed), searched by bisection. Iteration is in ascending order, which
//!   clients see in SMEMBERS and SSCAN, as with Redis.
//! - `hashtable` otherwise: see `super::set_table` for the layout. Like Redis, a set never
//!   goes back to `intset` once converted (only SPOP's rebuild, which creates a new set, can).
//!
//! Members are addressed by position (`0..len`, the iteration order), which is what random
//! picks and SSCAN use. Commands live in `crate::cmd::t_set`; this file never replies.

#[cfg(test)]
mod props;

use ahash::RandomState;

use super::set_table::Table;
use crate::resp::Reply;
use crate::resp::parse::parse_i64;

/// Redis's `set-max-intset-entries` default: above this many members an intset converts.
pub const INTSET_ENTRIES_MAX: usize = 512;

/// A member as stored: intsets hold integers, hashtables bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberRef<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

impl MemberRef<'_> {
    /// Calls `f` with the member's bytes (an integer as its decimal text).
    pub fn with_bytes<R>(self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            MemberRef::Int(n) => f(itoa::Buffer::new().format(n).as_bytes()),
            MemberRef::Bytes(bytes) => f(bytes),
        }
    }

    /// Writes the member as a bulk string.
    pub fn reply(self, out: &mut Reply) {
        match self {
            MemberRef::Int(n) => out.bulk_i64(n),
            MemberRef::Bytes(bytes) => out.bulk(bytes),
        }
    }

    pub fn to_vec(self) -> Vec<u8> {
        self.with_bytes(<[u8]>::to_vec)
    }
}

/// Sorted integers at the narrowest width that holds them all.
#[derive(Clone, Debug, PartialEq, Eq)]
enum IntSet {
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
}

/// Runs `$body` with `$v` bound to the vector, whatever its width.
macro_rules! each_width {
    ($ints:expr, $v:ident => $body:expr) => {
        match $ints {
            IntSet::I16($v) => $body,
            IntSet::I32($v) => $body,
            IntSet::I64($v) => $body,
        }
    };
}

impl IntSet {
    /// 2, 4 or 8: the bytes one member takes.
    fn width(&self) -> usize {
        match self {
            IntSet::I16(_) => 2,
            IntSet::I32(_) => 4,
            IntSet::I64(_) => 8,
        }
    }

    fn width_of(value: i64) -> usize {
        if i16::try_from(value).is_ok() {
            2
        } else if i32::try_from(value).is_ok() {
            4
        } else {
            8
        }
    }

    fn len(&self) -> usize {
        each_width!(self, v => v.len())
    }

    // The conversion is a no-op for the 64-bit width only, where the macro must still write it.
    #[allow(clippy::useless_conversion)]
    fn get(&self, pos: usize) -> i64 {
        each_width!(self, v => i64::from(v[pos]))
    }

    #[allow(clippy::useless_conversion)]
    fn search(&self, value: i64) -> Result<usize, usize> {
        each_width!(self, v => v.binary_search_by(|e| i64::from(*e).cmp(&value)))
    }

    fn contains(&self, value: i64) -> bool {
        Self::width_of(value) <= self.width() && self.search(value).is_ok()
    }

    /// Widens every member to hold values of `width` bytes.
    fn widen(&mut self, width: usize) {
        let widened = match (&*self, width) {
            (IntSet::I16(v), 4) => IntSet::I32(v.iter().map(|&e| i32::from(e)).collect()),
            (IntSet::I16(v), 8) => IntSet::I64(v.iter().map(|&e| i64::from(e)).collect()),
            (IntSet::I32(v), 8) => IntSet::I64(v.iter().map(|&e| i64::from(e)).collect()),
            _ => unreachable!("widen only upwards"),
        };
        *self = widened;
    }

    fn insert(&mut self, value: i64) -> bool {
        if Self::width_of(value) > self.width() {
            // A value too wide for the others is below or above all of them; the search
            // below finds that end.
            self.widen(Self::width_of(value));
        }
        match self.search(value) {
            Ok(_) => false,
            Err(pos) => {
                // Grown by exactly one, as Redis's intset is: it holds at most 512 members, so
                // the reallocation costs no more than the shift the insertion does anyway, and
                // the array never carries the up-to-2x slack of amortised doubling.
                // `as` cannot truncate: the width check above makes the value fit.
                each_width!(self, v => {
                    v.reserve_exact(1);
                    v.insert(pos, value as _)
                });
                true
            }
        }
    }

    fn remove_at(&mut self, pos: usize) {
        each_width!(self, v => {
            v.remove(pos);
            if v.capacity() >= 2 * v.len() + 8 {
                v.shrink_to_fit();
            }
        })
    }

    fn remove(&mut self, value: i64) -> bool {
        if Self::width_of(value) > self.width() {
            return false;
        }
        match self.search(value) {
            Ok(pos) => {
                self.remove_at(pos);
                true
            }
            Err(_) => false,
        }
    }

    fn heap_bytes(&self) -> usize {
        each_width!(self, v => v.capacity() * self.width())
    }
}

#[derive(Clone, Debug)]
enum Repr {
    Ints(IntSet),
    Table(Table),
}

/// A set. Starts as an empty intset, like Redis's `createIntsetObject`; converting on the
/// first non-integer member gives exactly Redis's `setTypeCreate` choice.
#[derive(Clone, Debug)]
pub struct Set {
    repr: Repr,
}

impl Default for Set {
    fn default() -> Set {
        Set::new()
    }
}

impl PartialEq for Set {
    /// Same members, whatever the representation or order.
    fn eq(&self, other: &Set) -> bool {
        self.len() == other.len() && self.iter().all(|m| other.contains_member(m))
    }
}

impl Set {
    pub fn new() -> Set {
        Set {
            repr: Repr::Ints(IntSet::I16(Vec::new())),
        }
    }

    /// The encoding name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        match self.repr {
            Repr::Ints(_) => "intset",
            Repr::Table(_) => "hashtable",
        }
    }

    /// Number of members. Part of the contract other families use (ZUNIONSTORE and SORT read
    /// sets): keep the signature.
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Ints(ints) => ints.len(),
            Repr::Table(table) => table.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls `f` with every member's bytes (integers as their decimal text), in the set's
    /// iteration order. Part of the contract other families use: keep the signature.
    pub fn for_each_member(&self, mut f: impl FnMut(&[u8])) {
        for member in self.iter() {
            member.with_bytes(&mut f);
        }
    }

    /// Every member in iteration order (ascending for an intset).
    pub fn iter(&self) -> impl Iterator<Item = MemberRef<'_>> {
        (0..self.len()).map(|pos| self.get(pos))
    }

    /// The member at `pos` (`pos < len`), in iteration order.
    pub fn get(&self, pos: usize) -> MemberRef<'_> {
        match &self.repr {
            Repr::Ints(ints) => MemberRef::Int(ints.get(pos)),
            Repr::Table(table) => MemberRef::Bytes(table.get(pos)),
        }
    }

    pub fn contains(&self, member: &[u8]) -> bool {
        match &self.repr {
            Repr::Ints(ints) => parse_i64(member).is_some_and(|n| ints.contains(n)),
            Repr::Table(table) => table.contains(member),
        }
    }

    /// [`Set::contains`] for a member of another set, without formatting integers when both
    /// are intsets.
    pub fn contains_member(&self, member: MemberRef<'_>) -> bool {
        match (&self.repr, member) {
            (Repr::Ints(ints), MemberRef::Int(n)) => ints.contains(n),
            (_, member) => member.with_bytes(|bytes| self.contains(bytes)),
        }
    }

    /// Adds `member`; false if it was already there. `hasher` (the keyspace's value hasher)
    /// seeds the index if this insert creates one.
    pub fn insert(&mut self, member: &[u8], hasher: &RandomState) -> bool {
        match &mut self.repr {
            Repr::Ints(ints) => match parse_i64(member) {
                Some(n) => self.insert_int(n, hasher),
                None => {
                    let capacity = ints.len() + 1;
                    self.convert(capacity, hasher);
                    self.insert(member, hasher)
                }
            },
            Repr::Table(table) => table.insert(member, hasher),
        }
    }

    /// [`Set::insert`] for a member of another set.
    pub fn insert_member(&mut self, member: MemberRef<'_>, hasher: &RandomState) -> bool {
        match (&self.repr, member) {
            (Repr::Ints(_), MemberRef::Int(n)) => self.insert_int(n, hasher),
            (_, member) => member.with_bytes(|bytes| self.insert(bytes, hasher)),
        }
    }

    fn insert_int(&mut self, n: i64, hasher: &RandomState) -> bool {
        let Repr::Ints(ints) = &mut self.repr else {
            return self.insert(itoa::Buffer::new().format(n).as_bytes(), hasher);
        };
        if !ints.insert(n) {
            return false;
        }
        if ints.len() > INTSET_ENTRIES_MAX {
            self.convert(INTSET_ENTRIES_MAX + 1, hasher);
        }
        true
    }

    /// Turns an intset into a hashtable with room for `capacity` members.
    fn convert(&mut self, capacity: usize, hasher: &RandomState) {
        let Repr::Ints(ints) = &self.repr else {
            return;
        };
        let mut table = Table::with_capacity(capacity.max(ints.len()));
        let mut digits = itoa::Buffer::new();
        for pos in 0..ints.len() {
            table.push_new(digits.format(ints.get(pos)).as_bytes(), hasher);
        }
        self.repr = Repr::Table(table);
    }

    /// Removes `member`; false if it was not there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Ints(ints) => parse_i64(member).is_some_and(|n| ints.remove(n)),
            Repr::Table(table) => table.remove(member),
        }
    }

    /// [`Set::remove`] for a member of another set.
    pub fn remove_member(&mut self, member: MemberRef<'_>) -> bool {
        match (&mut self.repr, member) {
            (Repr::Ints(ints), MemberRef::Int(n)) => ints.remove(n),
            (_, member) => member.with_bytes(|bytes| self.remove(bytes)),
        }
    }

    /// Removes the member at `pos` (`pos < len`). In a hashtable the last member takes its
    /// position; in an intset the later members shift down by one. Either way no member moves
    /// to a higher position, which SSCAN's cursor relies on.
    pub fn remove_at(&mut self, pos: usize) {
        match &mut self.repr {
            Repr::Ints(ints) => ints.remove_at(pos),
            Repr::Table(table) => table.remove_at(pos),
        }
    }

    /// True for the intset encoding, whose SSCAN returns everything in one call (as Redis).
    pub fn is_intset(&self) -> bool {
        matches!(self.repr, Repr::Ints(_))
    }

    /// Heap bytes held, this value's own allocation included (INFO memory, eviction).
    pub fn heap_bytes(&self) -> usize {
        std::mem::size_of::<Set>()
            + match &self.repr {
                Repr::Ints(ints) => ints.heap_bytes(),
                Repr::Table(table) => table.heap_bytes(),
            }
    }

    #[cfg(test)]
    pub fn check(&self) {
        match &self.repr {
            Repr::Ints(ints) => {
                assert!(ints.len() <= INTSET_ENTRIES_MAX);
                let values: Vec<i64> = (0..ints.len()).map(|p| ints.get(p)).collect();
                assert!(values.windows(2).all(|w| w[0] < w[1]), "intset not sorted");
            }
            Repr::Table(table) => table.check(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::util::{SPLITMIX_GAMMA, splitmix64_mix};

    fn hasher() -> RandomState {
        RandomState::with_seeds(5, 6, 7, 8)
    }

    fn members(set: &Set) -> Vec<String> {
        let mut out = Vec::new();
        set.for_each_member(|m| out.push(String::from_utf8(m.to_vec()).unwrap()));
        out
    }

    #[test]
    fn intset_stays_sorted_and_widens() {
        let h = hasher();
        let mut set = Set::new();
        for n in ["5", "-3", "70000", "-5000000000", "12"] {
            assert!(set.insert(n.as_bytes(), &h));
        }
        assert!(!set.insert(b"12", &h));
        assert_eq!(set.encoding(), "intset");
        assert_eq!(members(&set), ["-5000000000", "-3", "5", "12", "70000"]);
        assert!(set.contains(b"-5000000000") && !set.contains(b"-5000000001"));
        assert!(set.remove(b"-5000000000") && !set.remove(b"99999999999"));
        set.check();
    }

    #[test]
    fn non_canonical_integers_convert_like_string2ll() {
        let h = hasher();
        for text in [
            "01",
            "+1",
            "-0",
            " 1",
            "1 ",
            "9223372036854775808",
            "1.0",
            "",
        ] {
            let mut set = Set::new();
            set.insert(text.as_bytes(), &h);
            assert_eq!(set.encoding(), "hashtable", "{text:?}");
        }
        let mut set = Set::new();
        set.insert(b"-9223372036854775808", &h);
        set.insert(b"9223372036854775807", &h);
        assert_eq!(set.encoding(), "intset");
        // "1" and "01" are different members of a hashtable.
        set.insert(b"01", &h);
        assert!(set.contains(b"01") && !set.contains(b"1"));
        set.insert(b"1", &h);
        assert_eq!(set.len(), 4);
    }

    #[test]
    fn intset_converts_past_512_members_and_never_back() {
        let h = hasher();
        let mut set = Set::new();
        for n in 0..INTSET_ENTRIES_MAX {
            set.insert(n.to_string().as_bytes(), &h);
        }
        assert_eq!(set.encoding(), "intset");
        set.insert(b"512", &h);
        assert_eq!(set.encoding(), "hashtable");
        for n in 0..500 {
            assert!(set.remove(n.to_string().as_bytes()));
        }
        assert_eq!(set.encoding(), "hashtable");
        assert_eq!(set.len(), 13);
        set.check();
    }

    #[test]
    fn cross_representation_membership() {
        let h = hasher();
        let mut ints = Set::new();
        ints.insert(b"7", &h);
        let mut table = Set::new();
        table.insert(b"x", &h);
        table.insert(b"7", &h);
        assert!(table.contains_member(MemberRef::Int(7)));
        assert!(ints.contains_member(MemberRef::Bytes(b"7")));
        assert!(!ints.contains_member(MemberRef::Bytes(b"x")));
        assert!(!ints.contains_member(MemberRef::Int(70_000)));
        assert_eq!(ints, {
            let mut other = Set::new();
            other.insert_member(MemberRef::Bytes(b"7"), &h);
            other
        });
        assert!(table.remove_member(MemberRef::Int(7)));
        assert!(!table.contains(b"7"));
    }

    #[test]
    fn heap_bytes_stay_compact() {
        let h = hasher();
        let mut ints = Set::new();
        for n in 0..100 {
            ints.insert(n.to_string().as_bytes(), &h);
        }
        // 16-bit members, grown by exactly one each time.
        assert_eq!(ints.heap_bytes(), std::mem::size_of::<Set>() + 200);
        let mut table = Set::new();
        for n in 0..100_000 {
            table.insert(format!("member:{n}").as_bytes(), &h);
        }
        // A 24-byte slot with the member inline, plus the index: a guard against layouts that
        // spend an allocation or a wide entry per member (IndexSet<Box<[u8]>> is about 70).
        let per_member = table.heap_bytes() / table.len();
        assert!(per_member <= 44, "{per_member} bytes per member");
        let before = table.heap_bytes();
        table.insert(&[b'x'; 100], &h);
        assert_eq!(
            table.heap_bytes(),
            before + 100,
            "a long member is its own allocation"
        );
    }

    /// Random operations against a `BTreeSet` model, checking encoding rules and invariants.
    #[test]
    fn matches_a_model_under_random_operations() {
        let h = hasher();
        for seed in 0..30u64 {
            let mut state = seed.wrapping_mul(0x1234_5678_9abc);
            let mut next = move || {
                state = state.wrapping_add(SPLITMIX_GAMMA);
                splitmix64_mix(state)
            };
            let mut set = Set::new();
            let mut model: BTreeSet<Vec<u8>> = BTreeSet::new();
            let mut ever_text = false;
            // Mostly integers of every width, sometimes text, over a universe that lets the set
            // cross the intset limit.
            let universe = 100 + next() % 1000;
            for _ in 0..4000 {
                let n = (next() % universe) as i64;
                let member = match next() % 20 {
                    0 => format!("t{n}").into_bytes(),
                    1 => (n * 1_000_000_007).to_string().into_bytes(),
                    2 => (-n * 40_000).to_string().into_bytes(),
                    _ => n.to_string().into_bytes(),
                };
                match next() % 3 {
                    0 | 1 => {
                        ever_text |= parse_i64(&member).is_none();
                        assert_eq!(set.insert(&member, &h), model.insert(member.clone()));
                    }
                    _ => assert_eq!(set.remove(&member), model.remove(&member)),
                }
                if set.is_intset() {
                    assert!(!ever_text && model.len() <= INTSET_ENTRIES_MAX);
                }
                if !set.is_empty() && next() % 10 == 0 {
                    let pos = (next() % set.len() as u64) as usize;
                    let member = set.get(pos).to_vec();
                    set.remove_at(pos);
                    assert!(model.remove(&member));
                }
                assert_eq!(set.len(), model.len());
            }
            set.check();
            let listed: BTreeSet<Vec<u8>> = set.iter().map(MemberRef::to_vec).collect();
            assert_eq!(listed, model);
        }
    }
}
