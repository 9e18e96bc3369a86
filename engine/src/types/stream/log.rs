//! The entries of a stream: chunks in id order, each keyed by the id of its first entry (its
//! "master" id, as in Redis's radix tree of listpacks), plus the stream's counters. Owns
//! appending, deleting, trimming and walking entries in id order; consumer groups live in
//! `group.rs`.
//!
//! The chunks sit in a `VecDeque` searched by binary search: entries are appended at the back
//! and trimmed from the front, both O(1), and only an XDEL that empties a chunk in the middle
//! shifts the others (a memmove of ~80 bytes per chunk, a chunk per 100 entries). Rejected: a
//! `BTreeMap`, whose first leaf alone costs ~900 bytes, nine times a small stream's entries.

use std::collections::VecDeque;
use std::collections::vec_deque;

use bytes::Bytes;

use super::chunk::{Chunk, EntryRef, Offsets, pairs_len};
use super::{StreamId, Trim, TrimBy};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Log {
    chunks: VecDeque<(StreamId, Chunk)>,
    /// Live entries.
    length: u64,
    /// The last id ever added (or set by XSETID): new ids must be above it.
    pub last_id: StreamId,
    /// The first live entry's id as Redis records it (0-0 when empty).
    pub first_id: StreamId,
    /// The highest id XDEL removed (XSETID may set it).
    pub max_deleted_id: StreamId,
    /// Entries ever added (XSETID may set it).
    pub entries_added: u64,
}

/// Entries in id order, `start..=end`.
pub struct Iter<'a> {
    chunks: vec_deque::Iter<'a, (StreamId, Chunk)>,
    current: Option<(StreamId, &'a Chunk, u32, u32)>,
    start: StreamId,
    end: StreamId,
    done: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = EntryRef<'a>;

    fn next(&mut self) -> Option<EntryRef<'a>> {
        while !self.done {
            if let Some((master, chunk, at, end)) = &mut self.current
                && *at < *end
            {
                let chunk: &'a Chunk = chunk;
                let entry = chunk.entry_at(*master, *at);
                *at = entry.end;
                if entry.id > self.end {
                    break;
                }
                if entry.id >= self.start {
                    return Some(entry);
                }
                continue;
            }
            let Some(&(master, ref chunk)) = self.chunks.next() else {
                break;
            };
            if master > self.end {
                break;
            }
            let (at, end) = chunk.bounds();
            self.current = Some((master, chunk, at, end));
        }
        self.done = true;
        None
    }
}

/// Entries in reverse id order, `end..=start`.
pub struct RevIter<'a> {
    chunks: std::iter::Rev<vec_deque::Iter<'a, (StreamId, Chunk)>>,
    current: Option<(StreamId, &'a Chunk, Offsets)>,
    start: StreamId,
    end: StreamId,
    done: bool,
}

impl<'a> Iterator for RevIter<'a> {
    type Item = EntryRef<'a>;

    fn next(&mut self) -> Option<EntryRef<'a>> {
        while !self.done {
            if let Some((master, chunk, offsets)) = &mut self.current
                && let Some(at) = offsets.pop()
            {
                let chunk: &'a Chunk = chunk;
                let entry = chunk.entry_at(*master, at);
                if entry.id < self.start {
                    break;
                }
                if entry.id <= self.end {
                    return Some(entry);
                }
                continue;
            }
            let Some(&(master, ref chunk)) = self.chunks.next() else {
                break;
            };
            self.current = Some((master, chunk, chunk.offsets(master)));
        }
        self.done = true;
        None
    }
}

impl Log {
    /// Live entries.
    pub fn len(&self) -> u64 {
        self.length
    }

    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// The id `*` gives at `now_ms` (Redis's `streamNextID`): the time if it is past the last
    /// id's milliseconds, else the next sequence, so ids stay monotonic when the clock goes
    /// back. `None` when the last possible id is taken.
    pub fn next_id(&self, now_ms: u64) -> Option<StreamId> {
        if now_ms > self.last_id.ms {
            Some(StreamId { ms: now_ms, seq: 0 })
        } else {
            self.last_id.incr()
        }
    }

    /// Appends an entry; `id` must be above [`Log::last_id`], `pairs` is field, value, ....
    pub fn append(&mut self, id: StreamId, pairs: &[Bytes]) {
        assert!(id > self.last_id, "stream ids only grow");
        assert!(
            !pairs.is_empty() && pairs.len().is_multiple_of(2),
            "field/value pairs"
        );
        let total = pairs_len(pairs);
        match self.chunks.back_mut() {
            Some((master, tail)) if tail.accepts(total) => tail.push(*master, id, pairs),
            full => {
                if let Some((_, full)) = full {
                    full.seal();
                }
                let mut chunk = Chunk::new(pairs);
                chunk.push(id, id, pairs);
                if self.chunks.capacity() == 0 {
                    // Most streams never need a second chunk: no room for four.
                    self.chunks.reserve_exact(1);
                }
                self.chunks.push_back((id, chunk));
            }
        }
        self.length += 1;
        self.entries_added += 1;
        self.last_id = id;
        if self.length == 1 {
            self.first_id = id;
        }
    }

    /// Entries with ids in `start..=end`, in order.
    pub fn range(&self, start: StreamId, end: StreamId) -> Iter<'_> {
        Iter {
            chunks: self.chunks.range(self.holding(start)..),
            current: None,
            start,
            end,
            done: start > end,
        }
    }

    /// The index of the chunk that would hold `id`: the last starting at or before it (0 if
    /// none does).
    fn holding(&self, id: StreamId) -> usize {
        self.chunks
            .partition_point(|(master, _)| *master <= id)
            .saturating_sub(1)
    }

    /// Entries with ids in `start..=end`, last first.
    pub fn range_rev(&self, start: StreamId, end: StreamId) -> RevIter<'_> {
        // Chunks starting after `end` hold nothing at or before it.
        let until = self.chunks.partition_point(|(master, _)| *master <= end);
        RevIter {
            chunks: self.chunks.range(..until).rev(),
            current: None,
            start,
            end,
            done: start > end,
        }
    }

    pub fn get(&self, id: StreamId) -> Option<EntryRef<'_>> {
        self.range(id, id).next()
    }

    pub fn contains(&self, id: StreamId) -> bool {
        self.get(id).is_some()
    }

    pub fn first_entry(&self) -> Option<EntryRef<'_>> {
        self.range(StreamId::MIN, StreamId::MAX).next()
    }

    pub fn last_entry(&self) -> Option<EntryRef<'_>> {
        self.range_rev(StreamId::MIN, StreamId::MAX).next()
    }

    /// The id of the last live entry (Redis's `streamLastValidID`), which may be below
    /// [`Log::last_id`] after deletions.
    pub fn last_valid_id(&self) -> Option<StreamId> {
        self.last_entry().map(|e| e.id)
    }

    /// Removes one entry (Redis's `streamDeleteItem`); its chunk goes when it was the last
    /// live entry there. Leaves the recorded first and max-deleted ids alone.
    fn remove(&mut self, id: StreamId) -> bool {
        let index = self.holding(id);
        let Some((master, chunk)) = self.chunks.get_mut(index) else {
            return false;
        };
        let master = *master;
        let (mut at, end) = chunk.bounds();
        while at < end {
            let entry = chunk.entry_at(master, at);
            if entry.id > id {
                return false;
            }
            if entry.id == id {
                let entry_end = entry.end;
                if chunk.live == 1 {
                    self.chunks.remove(index);
                } else {
                    chunk.remove(at, entry_end, 1);
                }
                self.length -= 1;
                return true;
            }
            at = entry.end;
        }
        false
    }

    /// XDEL: removes the entries with these ids, keeping the recorded first id and the
    /// highest deleted id as Redis does. Returns how many existed.
    pub fn delete(&mut self, ids: &[StreamId]) -> u64 {
        let mut deleted = 0;
        let mut first_deleted = false;
        for &id in ids {
            if self.remove(id) {
                first_deleted |= id == self.first_id;
                self.max_deleted_id = self.max_deleted_id.max(id);
                deleted += 1;
            }
        }
        if deleted > 0 {
            if self.length == 0 {
                self.first_id = StreamId::MIN;
            } else if first_deleted {
                self.first_id = self.first_entry().map_or(StreamId::MAX, |e| e.id);
            }
        }
        deleted
    }

    /// XTRIM / XADD's trimming (Redis's `streamTrim`): whole chunks from the front while they
    /// can go entirely; then, unless approximate, the front entries of the next chunk, which
    /// stays even if that empties it. A non-zero `limit` caps the entries removed, counted in
    /// whole chunks. Returns how many entries were removed.
    pub fn trim(&mut self, trim: &Trim) -> u64 {
        let mut deleted = 0u64;
        while let Some((master, first)) = self.chunks.front_mut() {
            if let TrimBy::MaxLen(max) = trim.by
                && self.length <= max
            {
                break;
            }
            let entries = u64::from(first.live);
            if trim.limit != 0 && deleted + entries > trim.limit {
                break;
            }
            let whole = match trim.by {
                TrimBy::MaxLen(max) => self.length - entries >= max,
                TrimBy::MinId(min) => first.tail < min,
            };
            if whole {
                self.chunks.pop_front();
                self.length -= entries;
                deleted += entries;
                continue;
            }
            if trim.approx {
                break;
            }
            let (master, chunk) = (*master, first);
            let (from, end) = chunk.bounds();
            let (mut at, mut count) = (from, 0u32);
            while at < end {
                let entry = chunk.entry_at(master, at);
                let stop = match trim.by {
                    TrimBy::MaxLen(max) => self.length - u64::from(count) <= max,
                    TrimBy::MinId(min) => entry.id >= min,
                };
                if stop {
                    break;
                }
                at = entry.end;
                count += 1;
            }
            chunk.remove(from, at, count);
            self.length -= u64::from(count);
            deleted += u64::from(count);
            break;
        }
        if self.length == 0 {
            self.first_id = StreamId::MIN;
        } else if deleted > 0 {
            self.first_id = self.first_entry().map_or(StreamId::MAX, |e| e.id);
        }
        deleted
    }

    /// Number of chunks: what Redis reports as `radix-tree-keys` (its listpack nodes; a chunk
    /// is one, including one that trimming emptied, which Redis keeps too).
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// What Redis reports as `radix-tree-nodes`: the nodes of a radix tree holding the chunks'
    /// 16-byte big-endian master ids, in the shape Redis's `rax` gives such a tree (one root
    /// for an empty tree; compressed runs of single-child bytes; a leaf per key).
    pub fn radix_tree_nodes(&self) -> u64 {
        let keys: Vec<[u8; 16]> = self.chunks.iter().map(|(id, _)| id.to_be_bytes()).collect();
        if keys.is_empty() {
            return 1;
        }
        rax_subtree_nodes(&keys, 0)
    }

    pub fn heap_bytes(&self) -> usize {
        self.chunks.capacity() * size_of::<(StreamId, Chunk)>()
            + self.chunks.iter().map(|(_, c)| c.capacity()).sum::<usize>()
    }
}

/// Nodes of the radix subtree holding sorted, distinct 16-byte `keys` that share their first
/// `depth` bytes.
fn rax_subtree_nodes(keys: &[[u8; 16]], depth: usize) -> u64 {
    if depth == 16 {
        return 1;
    }
    let (first, last) = (&keys[0], &keys[keys.len() - 1]);
    let common = (depth..16).take_while(|&i| first[i] == last[i]).count();
    if common > 0 {
        return 1 + rax_subtree_nodes(keys, depth + common);
    }
    let mut nodes = 1;
    let mut rest = keys;
    while let Some(head) = rest.first() {
        let byte = head[depth];
        let split = rest.partition_point(|k| k[depth] == byte);
        nodes += rax_subtree_nodes(&rest[..split], depth + 1);
        rest = &rest[split..];
    }
    nodes
}

#[cfg(test)]
impl Log {
    /// Checks the structure's invariants (tests).
    pub fn check(&self) {
        let mut live = 0;
        let mut previous: Option<StreamId> = None;
        for &(master, ref chunk) in &self.chunks {
            let ids: Vec<StreamId> = chunk
                .offsets(master)
                .iter()
                .map(|&at| chunk.entry_at(master, at).id)
                .collect();
            assert_eq!(ids.len() as u32, chunk.live, "chunk {master} live count");
            assert!(chunk.live + chunk.deleted <= super::NODE_MAX_ENTRIES);
            assert!(chunk.tail >= master && chunk.tail <= self.last_id);
            for id in ids {
                assert!(id >= master && id <= chunk.tail);
                assert!(previous.is_none_or(|p| p < id), "ids ascend");
                previous = Some(id);
            }
            live += u64::from(chunk.live);
        }
        assert_eq!(live, self.length);
        match self.first_entry() {
            Some(first) => assert_eq!(first.id, self.first_id),
            None => assert_eq!(self.first_id, StreamId::MIN),
        }
    }
}
