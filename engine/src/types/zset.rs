//! A sorted set: unique members, each with a score, ordered by (score, member) as Redis
//! orders them. This module owns the data structure and its invariants; the commands live in
//! `crate::cmd::t_zset`, and the geo commands build on the same API (a geo set is a sorted set
//! whose scores are 52-bit geohashes).
//!
//! Two representations, with Redis 7.0's names and thresholds so OBJECT ENCODING answers the
//! same:
//! - `listpack`: one packed run (`run.rs`) of entries, scanned linearly, while the set has at
//!   most [`ZSET_MAX_LISTPACK_ENTRIES`] members of at most [`ZSET_MAX_LISTPACK_VALUE`] bytes.
//!   Like a listpack, it cannot hold -0: a zero score is stored as 0.
//! - `skiplist`: a counted B+tree of packed runs (`tree.rs`) for order and rank, plus a hash
//!   index of member -> score (`index.rs`). A set converts once it passes either threshold
//!   and never converts back (as in Redis), except that the stored results of
//!   ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE/ZRANGESTORE are built in whichever form fits.
//!
//! Complexity, as Redis's: lookup by member O(log n) here (a hash probe plus one tree search;
//! O(1) in Redis), insert/remove/rank/nth O(log n), a range of k entries O(log n + k).
//! Memory per entry in the large form: the member, its score in 1 to 9 bytes and a length
//! byte in a leaf, and one 9-byte index slot at 7/16 to 7/8 load; no allocation per entry.
//! Measured (`used_memory` deltas, ferrite's counting allocator against redis-server 7.0's
//! jemalloc figures) for 1,000,000 members: 34-35 bytes per member with 8-byte members and
//! integer scores (Redis: 110), 58-61 with 32-byte members (Redis: 142), sequential or random
//! insertion order; small sets of 100 members: 8.3 bytes per member (Redis's listpack: 11.0).

mod index;
#[cfg(test)]
mod props;
pub mod range;
mod run;
#[cfg(test)]
mod tests;
mod tree;

use std::fmt;
use std::ops::{ControlFlow, Range};

use ahash::RandomState;

use index::Index;
pub use range::{LexBound, LexRange, ScoreRange, parse_score};
use run::Run;
pub(crate) use run::cmp_entry;
use tree::Tree;

/// Redis's `zset-max-listpack-entries` default.
pub const ZSET_MAX_LISTPACK_ENTRIES: usize = 128;
/// Redis's `zset-max-listpack-value` default (bytes of one member).
pub const ZSET_MAX_LISTPACK_VALUE: usize = 64;

// A packed set of the largest size must stay cheap to scan and to convert in one go.
const _: () = assert!(ZSET_MAX_LISTPACK_ENTRIES * (ZSET_MAX_LISTPACK_VALUE + 10) <= 16 * 1024);

#[derive(Clone)]
pub struct ZSet {
    repr: Repr,
}

#[derive(Clone)]
enum Repr {
    Packed(Run),
    Big(Box<Big>),
}

#[derive(Clone)]
struct Big {
    tree: Tree,
    index: Index,
}

/// ZADD's options (Redis's `ZADD_IN_*` flags). Conflicting combinations are the command's
/// to reject before calling [`ZSet::add`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AddFlags {
    pub nx: bool,
    pub xx: bool,
    pub gt: bool,
    pub lt: bool,
    pub incr: bool,
}

/// What [`ZSet::add`] did (Redis's `ZADD_OUT_*`), with the score the command replies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AddOutcome {
    Added(f64),
    Updated(f64),
    /// Processed, but the score did not change.
    Unchanged(f64),
    /// Not processed: NX on an existing member, XX on a missing one, or GT/LT not met.
    Skipped,
    /// INCR produced NaN (`inf + -inf`); nothing changed.
    NotANumber,
}

impl Default for ZSet {
    fn default() -> Self {
        ZSet::new()
    }
}

/// The score a listpack keeps: Redis 7.0 stores -0 in a listpack as 0 (observed: `ZADD k -0 m`
/// then `ZSCORE k m` answers `0` while the set is small, `-0` once it is a skiplist).
fn packed_score(score: f64) -> f64 {
    if score == 0.0 { 0.0 } else { score }
}

impl ZSet {
    pub fn new() -> ZSet {
        ZSet {
            repr: Repr::Packed(Run::new()),
        }
    }

    /// A set of `entries`, which must be sorted by (score, member) with no repeated member,
    /// in the representation a store command gives its result.
    pub fn from_sorted<M: AsRef<[u8]>>(entries: &[(f64, M)], hasher: &RandomState) -> ZSet {
        let fits = entries.len() <= ZSET_MAX_LISTPACK_ENTRIES
            && entries
                .iter()
                .all(|(_, m)| m.as_ref().len() <= ZSET_MAX_LISTPACK_VALUE);
        if fits {
            let mut run = Run::new();
            for (score, member) in entries {
                run.push(packed_score(*score), member.as_ref());
            }
            run.shrink_to_fit();
            return ZSet {
                repr: Repr::Packed(run),
            };
        }
        let tree = Tree::from_sorted(entries.iter().map(|(s, m)| (*s, m.as_ref())));
        let index = Index::build(&tree, hasher.clone());
        ZSet {
            repr: Repr::Big(Box::new(Big { tree, index })),
        }
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Packed(run) => run.len(),
            Repr::Big(big) => big.tree.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True while the set is in its small (listpack) form.
    pub fn is_small(&self) -> bool {
        matches!(self.repr, Repr::Packed(_))
    }

    /// Converts a listpack set to the skiplist form (no-op if it is one already). Redis's SORT
    /// does this to every sorted set it sorts, so OBJECT ENCODING shows it afterwards.
    pub fn convert_to_skiplist(&mut self, hasher: &RandomState) {
        if let Repr::Packed(run) = &self.repr {
            let tree = Tree::from_sorted(run.iter());
            let index = Index::build(&tree, hasher.clone());
            self.repr = Repr::Big(Box::new(Big { tree, index }));
        }
    }

    /// The encoding name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        match &self.repr {
            Repr::Packed(_) => "listpack",
            Repr::Big(_) => "skiplist",
        }
    }

    /// The heap bytes held (INFO memory, eviction). O(n / 100): it walks the tree's nodes.
    pub fn heap_bytes(&self) -> usize {
        match &self.repr {
            Repr::Packed(run) => run.heap_bytes(),
            Repr::Big(big) => size_of::<Big>() + big.tree.heap_bytes() + big.index.heap_bytes(),
        }
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.repr {
            Repr::Packed(run) => run.find_member(member).map(|(_, _, score)| score),
            Repr::Big(big) => big.index.score(member, &big.tree),
        }
    }

    /// The 0-based rank of a member in ascending order.
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        match &self.repr {
            Repr::Packed(run) => run.find_member(member).map(|(index, _, _)| index),
            Repr::Big(big) => {
                let score = big.index.score(member, &big.tree)?;
                big.tree.rank(score, member)
            }
        }
    }

    /// The entry of ascending rank `rank`.
    pub fn get(&self, rank: usize) -> Option<(f64, &[u8])> {
        match &self.repr {
            Repr::Packed(run) => run.nth(rank),
            Repr::Big(big) => big.tree.get(rank),
        }
    }

    /// Redis's `zsetAdd`: adds or updates `member` under ZADD's rules.
    pub fn add(
        &mut self,
        member: &[u8],
        score: f64,
        flags: AddFlags,
        hasher: &RandomState,
    ) -> AddOutcome {
        debug_assert!(!score.is_nan());
        let Some(current) = self.score(member) else {
            if flags.xx {
                return AddOutcome::Skipped;
            }
            self.insert_new(member, score, hasher);
            return AddOutcome::Added(score);
        };
        if flags.nx {
            return AddOutcome::Skipped;
        }
        let new = if flags.incr { current + score } else { score };
        if new.is_nan() {
            return AddOutcome::NotANumber;
        }
        if (flags.lt && new >= current) || (flags.gt && new <= current) {
            return AddOutcome::Skipped;
        }
        if new == current {
            return AddOutcome::Unchanged(new);
        }
        self.update(member, current, new);
        AddOutcome::Updated(new)
    }

    /// Sets a member's score whatever it was; returns the previous score.
    pub fn insert(&mut self, member: &[u8], score: f64, hasher: &RandomState) -> Option<f64> {
        match self.score(member) {
            Some(current) => {
                if current.to_bits() != score.to_bits() {
                    self.update(member, current, score);
                }
                Some(current)
            }
            None => {
                self.insert_new(member, score, hasher);
                None
            }
        }
    }

    fn insert_new(&mut self, member: &[u8], score: f64, hasher: &RandomState) {
        if let Repr::Packed(run) = &mut self.repr {
            if run.len() < ZSET_MAX_LISTPACK_ENTRIES && member.len() <= ZSET_MAX_LISTPACK_VALUE {
                let score = packed_score(score);
                let (_, off) = run
                    .search(score, member)
                    .expect_err("a new member is not in the run");
                run.insert_at(off, score, member);
                return;
            }
            let tree = Tree::from_sorted(run.iter());
            let index = Index::build(&tree, hasher.clone());
            self.repr = Repr::Big(Box::new(Big { tree, index }));
        }
        let Repr::Big(big) = &mut self.repr else {
            unreachable!("converted above")
        };
        big.index.reserve_one(&big.tree);
        big.tree.insert(score, member);
        big.index.insert_new(member, score);
    }

    /// Moves an existing member from score `old` to `new`.
    fn update(&mut self, member: &[u8], old: f64, new: f64) {
        match &mut self.repr {
            Repr::Packed(run) => {
                let (_, off) = run.search(old, member).expect("member present");
                run.remove_at(off);
                let new = packed_score(new);
                let (_, off) = run.search(new, member).expect_err("removed just above");
                run.insert_at(off, new, member);
            }
            Repr::Big(big) => {
                big.index.set_score(member, old, new, &big.tree);
                big.tree.remove(old, member);
                big.tree.insert(new, member);
            }
        }
    }

    /// Removes a member; returns its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        match &mut self.repr {
            Repr::Packed(run) => {
                let (_, off, score) = run.find_member(member)?;
                run.remove_at(off);
                Some(score)
            }
            Repr::Big(big) => {
                let score = big.index.score(member, &big.tree)?;
                big.index.remove(member, score, &big.tree);
                big.tree.remove(score, member);
                big.index.maybe_shrink(&big.tree);
                Some(score)
            }
        }
    }

    /// Removes the entries of ascending ranks `ranks` (clamped to the set), calling
    /// `on_removed` on each first, in ascending order or, with `reverse`, descending.
    pub fn remove_ranks(
        &mut self,
        ranks: Range<usize>,
        reverse: bool,
        mut on_removed: impl FnMut(f64, &[u8]),
    ) {
        let end = ranks.end.min(self.len());
        let start = ranks.start.min(end);
        let mut visit = |score: f64, member: &[u8]| {
            on_removed(score, member);
            ControlFlow::Continue(())
        };
        match &mut self.repr {
            Repr::Packed(run) => {
                let _ = run.visit(start, end, reverse, &mut visit);
                run.remove_range(start, end);
            }
            Repr::Big(big) => {
                let Big { tree, index } = &mut **big;
                let tree_now: &Tree = tree;
                let _ = tree_now.visit(start, end, reverse, &mut |score, member| {
                    index.remove(member, score, tree_now);
                    visit(score, member)
                });
                tree.remove_range(start, end);
                index.maybe_shrink(tree);
            }
        }
    }

    /// Calls `f` on the entries of ascending ranks `ranks` (clamped to the set), in order or
    /// in reverse, until it breaks.
    pub fn visit(
        &self,
        ranks: Range<usize>,
        reverse: bool,
        mut f: impl FnMut(f64, &[u8]) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let end = ranks.end.min(self.len());
        let start = ranks.start.min(end);
        match &self.repr {
            Repr::Packed(run) => run.visit(start, end, reverse, &mut f),
            Repr::Big(big) => big.tree.visit(start, end, reverse, &mut f),
        }
    }

    /// Calls `f` on every entry in ascending order.
    pub fn for_each(&self, mut f: impl FnMut(f64, &[u8])) {
        let _ = self.visit(0..self.len(), false, |score, member| {
            f(score, member);
            ControlFlow::Continue(())
        });
    }

    /// The number of leading entries for which `pred` holds; `pred` must be true on a prefix
    /// of the (score, member) order and false after it.
    pub fn partition_point(&self, pred: impl FnMut(f64, &[u8]) -> bool) -> usize {
        match &self.repr {
            Repr::Packed(run) => run.partition_point(pred),
            Repr::Big(big) => big.tree.partition_point(pred),
        }
    }

    /// The ranks of the entries whose score is in `range`.
    pub fn score_ranks(&self, range: &ScoreRange) -> Range<usize> {
        if range.is_empty() {
            return 0..0;
        }
        let start = self.partition_point(|score, _| !range.gte_min(score));
        let end = self.partition_point(|score, _| range.lte_max(score));
        start..end.max(start)
    }

    /// The ranks of the entries whose member is in `range`, meaningful when all scores are
    /// equal. On other sets the answer is Redis's: for the small form, the scan a listpack
    /// does (first member >= min from the head, then on while <= max; in `reverse`, last
    /// member <= max from the tail, then back while >= min); for the large form, the
    /// boundaries a skiplist search finds.
    pub fn lex_ranks(&self, range: &LexRange, reverse: bool) -> Range<usize> {
        let len = self.len();
        if range.is_empty() || len == 0 {
            return 0..0;
        }
        let (first, last) = (
            self.get(0).expect("non-empty").1,
            self.get(len - 1).expect("non-empty").1,
        );
        if !range.gte_min(last) || !range.lte_max(first) {
            return 0..0;
        }
        match &self.repr {
            Repr::Packed(run) => {
                let members: Vec<&[u8]> = run.iter().map(|(_, m)| m).collect();
                if reverse {
                    let Some(hi) = members.iter().rposition(|m| range.lte_max(m)) else {
                        return 0..0;
                    };
                    if !range.gte_min(members[hi]) {
                        return 0..0;
                    }
                    let below = members[..hi]
                        .iter()
                        .rev()
                        .take_while(|m| range.gte_min(m))
                        .count();
                    hi - below..hi + 1
                } else {
                    let Some(lo) = members.iter().position(|m| range.gte_min(m)) else {
                        return 0..0;
                    };
                    let n = members[lo..]
                        .iter()
                        .take_while(|m| range.lte_max(m))
                        .count();
                    lo..lo + n
                }
            }
            Repr::Big(big) => {
                let start = big.tree.partition_point(|_, m| !range.gte_min(m));
                let end = big.tree.partition_point(|_, m| range.lte_max(m));
                start..end.max(start)
            }
        }
    }

    /// Checks the structure's invariants and that the index agrees with the order; tests only.
    #[cfg(test)]
    pub(crate) fn check(&self) {
        match &self.repr {
            Repr::Packed(run) => {
                assert!(run.len() <= ZSET_MAX_LISTPACK_ENTRIES);
                let entries: Vec<_> = run.iter().collect();
                for pair in entries.windows(2) {
                    assert_eq!(
                        run::cmp_entry(pair[0].0, pair[0].1, pair[1].0, pair[1].1),
                        std::cmp::Ordering::Less
                    );
                }
            }
            Repr::Big(big) => {
                big.tree.check();
                assert_eq!(big.index.len(), big.tree.len());
                let _ = big
                    .tree
                    .visit(0, big.tree.len(), false, &mut |score, member| {
                        let found = big.index.score(member, &big.tree);
                        assert_eq!(found.map(f64::to_bits), Some(score.to_bits()));
                        ControlFlow::Continue(())
                    });
            }
        }
    }
}

impl PartialEq for ZSet {
    fn eq(&self, other: &ZSet) -> bool {
        if self.len() != other.len() {
            return false;
        }
        let mut rank = 0;
        self.visit(0..self.len(), false, |score, member| {
            let same = other
                .get(rank)
                .is_some_and(|(s, m)| s.to_bits() == score.to_bits() && m == member);
            rank += 1;
            if same {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            }
        })
        .is_continue()
    }
}

impl fmt::Debug for ZSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        self.for_each(|score, member| {
            map.entry(&String::from_utf8_lossy(member), &score);
        });
        map.finish()
    }
}
