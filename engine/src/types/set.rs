//! A set of members (`intset` while small and all integers, then `hashtable`).
//!
//! SCAFFOLD: the `t_set` work replaces this minimal definition with the real structure.

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Set {}

impl Set {
    /// The encoding name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        "hashtable"
    }

    /// Number of members. Part of the contract other families use (ZUNIONSTORE and SORT read
    /// sets): keep the signature.
    pub fn len(&self) -> usize {
        0
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls `f` with every member's bytes (integers as their decimal text), in the set's
    /// iteration order. Part of the contract other families use: keep the signature.
    pub fn for_each_member(&self, _f: impl FnMut(&[u8])) {}

    /// An estimate of the heap bytes held (INFO memory, eviction).
    pub fn heap_bytes(&self) -> usize {
        0
    }
}
