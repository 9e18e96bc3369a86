//! A hash: field -> value (`listpack` while small, then `hashtable`).
//!
//! SCAFFOLD: the `t_hash` work replaces this minimal definition with the real structure.

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hash {}

impl Hash {
    /// The encoding name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        "hashtable"
    }

    /// An estimate of the heap bytes held (INFO memory, eviction).
    pub fn heap_bytes(&self) -> usize {
        0
    }
}
