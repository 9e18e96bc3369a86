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

    /// An estimate of the heap bytes held (INFO memory, eviction).
    pub fn heap_bytes(&self) -> usize {
        0
    }
}
