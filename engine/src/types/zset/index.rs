//! The member -> score index of a large sorted set.
//!
//! A hash table of scores alone: 8 bytes and one control byte per slot, and no copy of the
//! member, which lives only in the tree. A slot is recognised as a member's by looking the
//! (slot score, member) pair up in the tree and comparing the stored score bit for bit (so a
//! neighbour's slot holding 0 is not taken for a member at -0), so a lookup costs a hash probe plus one tree
//! search, and only slots whose 7-bit hash tag matches are ever checked. Redis's dict holds a
//! pointer to the shared member and one to the score node per entry (24 bytes plus a bucket
//! pointer); ZSCORE stays O(log n) here instead of O(1), the price of not storing the member
//! twice.
//!
//! A slot does not hold its member's hash, so the table cannot rehash itself: it is rebuilt
//! from the tree (hashing every member) when it fills or falls under a quarter full, at twice
//! the live count, which keeps that O(n) work amortised O(1) per change. Every operation that
//! can need a rebuild is ordered so the tree and the index hold the same members at that
//! moment (see `ZSet`).

use ahash::RandomState;
use hashbrown::HashTable;

use super::tree::Tree;

/// Below this capacity the table is never shrunk.
const SHRINK_CAPACITY_MIN: usize = 64;

#[derive(Clone)]
pub(crate) struct Index {
    /// Score bits (`f64::to_bits`) of every member, at the member's hash.
    table: HashTable<u64>,
    hasher: RandomState,
}

/// Never called: the table is rebuilt before it could need to grow (see the module doc).
fn no_rehash(_: &u64) -> u64 {
    unreachable!("the score index is rebuilt before it fills")
}

impl Index {
    /// An index over every entry of `tree`.
    pub(crate) fn build(tree: &Tree, hasher: RandomState) -> Index {
        let mut index = Index {
            table: HashTable::new(),
            hasher,
        };
        index.rebuild(tree, tree.len() * 2);
        index
    }

    fn rebuild(&mut self, tree: &Tree, capacity: usize) {
        let mut table = HashTable::with_capacity(capacity.max(tree.len()));
        let hasher = &self.hasher;
        let _ = tree.visit(0, tree.len(), false, &mut |score, member| {
            table.insert_unique(hasher.hash_one(member), score.to_bits(), no_rehash);
            std::ops::ControlFlow::Continue(())
        });
        self.table = table;
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.table.allocation_size()
    }

    pub(crate) fn score(&self, member: &[u8], tree: &Tree) -> Option<f64> {
        let hash = self.hasher.hash_one(member);
        self.table
            .find(hash, |&bits| {
                tree.contains_exact(f64::from_bits(bits), member)
            })
            .map(|&bits| f64::from_bits(bits))
    }

    /// Changes the score of a member whose entry in `tree` still has `old`.
    pub(crate) fn set_score(&mut self, member: &[u8], old: f64, new: f64, tree: &Tree) {
        let hash = self.hasher.hash_one(member);
        let old_bits = old.to_bits();
        let slot = self
            .table
            .find_mut(hash, |&bits| {
                bits == old_bits && tree.contains_exact(old, member)
            })
            .expect("index and tree hold the same members");
        *slot = new.to_bits();
    }

    /// Forgets a member whose entry in `tree` (still present) has `score`.
    pub(crate) fn remove(&mut self, member: &[u8], score: f64, tree: &Tree) {
        let hash = self.hasher.hash_one(member);
        let bits = score.to_bits();
        match self
            .table
            .find_entry(hash, |&b| b == bits && tree.contains_exact(score, member))
        {
            Ok(slot) => {
                slot.remove();
            }
            Err(_) => panic!("index and tree hold the same members"),
        }
    }

    /// Makes room for one more member; `tree` must hold exactly the indexed members.
    pub(crate) fn reserve_one(&mut self, tree: &Tree) {
        debug_assert_eq!(self.table.len(), tree.len());
        if self.table.len() == self.table.capacity() {
            self.rebuild(tree, (tree.len() + 1) * 2);
        }
    }

    /// Adds a member not yet indexed, after `reserve_one`.
    pub(crate) fn insert_new(&mut self, member: &[u8], score: f64) {
        let hash = self.hasher.hash_one(member);
        self.table.insert_unique(hash, score.to_bits(), no_rehash);
    }

    /// Shrinks a table left under a quarter full; `tree` must hold exactly the indexed members.
    pub(crate) fn maybe_shrink(&mut self, tree: &Tree) {
        debug_assert_eq!(self.table.len(), tree.len());
        let capacity = self.table.capacity();
        if capacity > SHRINK_CAPACITY_MIN && self.table.len() * 4 < capacity {
            self.rebuild(tree, self.table.len() * 2);
        }
    }
}
