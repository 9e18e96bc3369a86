//! A sorted set: member -> score with a score order (`listpack` while small, then `skiplist`).
//!
//! SCAFFOLD: the `t_zset` work replaces this minimal definition with the real structure.

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ZSet {}

impl ZSet {
    /// The encoding name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        "skiplist"
    }

    /// An estimate of the heap bytes held (INFO memory, eviction).
    pub fn heap_bytes(&self) -> usize {
        0
    }
}
