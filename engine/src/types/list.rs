//! A list (Redis 7.0 reports every list as `quicklist`).
//!
//! SCAFFOLD: the `t_list` work replaces this minimal definition with the real structure.

#[derive(Clone, Debug, Default, PartialEq)]
pub struct List {}

impl List {
    /// The encoding name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }

    /// An estimate of the heap bytes held (INFO memory, eviction).
    pub fn heap_bytes(&self) -> usize {
        0
    }
}
