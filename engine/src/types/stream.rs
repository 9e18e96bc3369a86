//! A stream: entries with ids that only grow, each a list of field/value pairs, plus consumer
//! groups that track delivery and acknowledgement. This module owns the data structure and
//! its invariants; the commands live in `crate::cmd::t_stream`.
//!
//! - `log.rs`: the entries, in chunks keyed by their first id, the way Redis keeps listpacks
//!   in a radix tree; appending, XDEL, trimming, ranges in both directions.
//! - `chunk.rs`: the byte layout of a chunk, and the listpack size bookkeeping that makes
//!   chunks split where Redis's nodes split (see there), so approximate trimming removes the
//!   same entries and XINFO reports the same node counts.
//! - `group.rs`: consumer groups, consumers and pending entries.
//!
//! OBJECT ENCODING says `stream`, Redis 7.0's only stream encoding.
//!
//! Complexity, as Redis's: append O(1) amortised; finding an id O(log n) chunks then at most
//! [`NODE_MAX_ENTRIES`] entries; a range of k entries O(log n + k); XDEL O(log n + chunk),
//! plus a shift of the chunk list when it empties a chunk; trimming O(removed chunks + one
//! chunk). Consumer groups, consumers and pending entries are ordered maps, O(log n).
//!
//! Memory (`used_memory` deltas of ferrite's counting allocator against redis-server 7.0.15's
//! jemalloc figures, same commands): 1,000,000 entries `f v` with ids `i-0`: 5.7 bytes per
//! entry (Redis: 13.5); the same in bursts of 50 per millisecond: 5.3 (13.4); three fields
//! (`event completed jobId <i> prev active`): 27.8 (36.5). Small streams, key included:
//! 10,000 streams of 10 entries `f v`: 274 bytes per stream, of 100 entries: 722 (Redis,
//! which preallocates a 4 KiB listpack per node: 4,333 for both).
//!
//! XINFO's `radix-tree-keys` and `radix-tree-nodes` describe Redis's internal radix tree. We
//! report the number of chunks (which split exactly like Redis's nodes) and the node count of
//! a Redis `rax` holding the chunks' keys (`Log::radix_tree_nodes`), so both match Redis for
//! the same history of commands.

mod chunk;
mod group;
mod log;
#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

use std::fmt;

pub use chunk::{EntryRef, NODE_MAX_BYTES, NODE_MAX_ENTRIES};
pub use group::{Consumer, ENTRIES_READ_INVALID, Group, Groups, Nack};
pub use log::Log;

/// A stream entry id: milliseconds and a sequence number, ordered as a pair.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

impl StreamId {
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    pub fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    /// The next id, `None` past the last one (Redis's `streamIncrID`).
    pub fn incr(self) -> Option<StreamId> {
        if self.seq < u64::MAX {
            Some(StreamId::new(self.ms, self.seq + 1))
        } else if self.ms < u64::MAX {
            Some(StreamId::new(self.ms + 1, 0))
        } else {
            None
        }
    }

    /// The previous id, `None` before 0-0 (Redis's `streamDecrID`).
    pub fn decr(self) -> Option<StreamId> {
        if self.seq > 0 {
            Some(StreamId::new(self.ms, self.seq - 1))
        } else if self.ms > 0 {
            Some(StreamId::new(self.ms - 1, u64::MAX))
        } else {
            None
        }
    }

    /// The 128-bit big-endian form Redis keys its radix trees with.
    pub fn to_be_bytes(self) -> [u8; 16] {
        let mut out = [0; 16];
        out[..8].copy_from_slice(&self.ms.to_be_bytes());
        out[8..].copy_from_slice(&self.seq.to_be_bytes());
        out
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// How to trim (XTRIM and XADD's trimming options).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrimBy {
    /// Keep at most this many entries.
    MaxLen(u64),
    /// Remove entries with lower ids.
    MinId(StreamId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trim {
    pub by: TrimBy,
    /// `~`: remove whole chunks only.
    pub approx: bool,
    /// Remove at most about this many entries (whole chunks); 0: no limit.
    pub limit: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stream {
    pub log: Log,
    pub groups: Groups,
}

impl Stream {
    pub fn new() -> Stream {
        Stream::default()
    }

    /// The encoding name OBJECT ENCODING reports.
    pub fn encoding(&self) -> &'static str {
        "stream"
    }

    pub fn heap_bytes(&self) -> usize {
        let groups: usize = self
            .groups
            .iter()
            .map(|(name, g)| name.len() + size_of::<Group>() + g.heap_bytes())
            .sum();
        self.log.heap_bytes() + groups
    }
}
