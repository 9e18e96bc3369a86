//! A list value: a deque of packed chunks, like Redis's quicklist of listpacks. Owns the
//! structure (which chunk an element lives in, splitting and merging chunks); the byte layout
//! of a chunk lives in `list/chunk.rs`, the commands in `crate::cmd::t_list`.
//!
//! Pushes and pops at either end touch only the end chunk: O(1) amortised, bounded by the
//! chunk size. Indexing walks chunk counts from the nearer end, then scans inside one chunk.
//! A chunk holds at most `CHUNK_BYTES_MAX` bytes (Redis's default `list-max-listpack-size -2`)
//! unless it holds a single larger element. Elements cost their payload plus a one-byte tag
//! when short; integers written in canonical decimal are stored as integers, as Redis does.
//!
//! Memory: chunks that stop being at an end of the list are shrunk to fit; end chunks grow by
//! doubling up to the bound. Removals in the middle (LREM, LTRIM, LSET of a bigger element)
//! merge neighbours whose elements fit in one chunk, so a list never degrades into many tiny
//! chunks.

mod chunk;
#[cfg(test)]
mod props;

use std::collections::VecDeque;
use std::fmt;

use chunk::{Chunk, Encoded};

/// A chunk holds at most this many bytes of elements unless it holds a single larger element:
/// Redis's default `list-max-listpack-size -2` (8 KiB per quicklist node). Redis's other list
/// default, `list-compress-depth 0`, means no compression, which is what this does too.
pub const CHUNK_BYTES_MAX: usize = 8 * 1024;

/// Which end of a list (Redis's `LIST_HEAD` / `LIST_TAIL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Left,
    Right,
}

impl End {
    pub fn opposite(self) -> End {
        match self {
            End::Left => End::Right,
            End::Right => End::Left,
        }
    }
}

/// An element as stored: bytes, or an integer that reads back as its decimal text.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Elem<'a> {
    Str(&'a [u8]),
    Int(i64),
}

impl Elem<'_> {
    /// Calls `f` with the element's bytes (an integer as its decimal text).
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match *self {
            Elem::Str(bytes) => f(bytes),
            Elem::Int(n) => f(itoa::Buffer::new().format(n).as_bytes()),
        }
    }

    pub fn to_vec(&self) -> Vec<u8> {
        self.with_bytes(|b| b.to_vec())
    }
}

impl fmt::Debug for Elem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Elem::Str(bytes) => write!(f, "{:?}", String::from_utf8_lossy(bytes)),
            Elem::Int(n) => write!(f, "{n}"),
        }
    }
}

/// An element to look for (LREM, LPOS, LINSERT), encoded once so that each comparison is a
/// plain equality: equal bytes always encode alike, so equal `Elem`s mean equal bytes.
#[derive(Clone, Copy, Debug)]
pub struct Needle<'a>(Elem<'a>);

impl<'a> Needle<'a> {
    pub fn new(elem: &'a [u8]) -> Needle<'a> {
        Needle(Encoded::new(elem).elem())
    }

    pub fn matches(&self, elem: &Elem<'_>) -> bool {
        self.0 == *elem
    }
}

#[derive(Clone, Default)]
pub struct List {
    chunks: VecDeque<Chunk>,
    /// Elements in all chunks.
    len: usize,
}

impl List {
    pub fn new() -> List {
        List::default()
    }

    /// A list of `items`, first to last. Part of the contract other families use (SORT ..
    /// STORE, RESTORE): keep the signature.
    pub fn from_elements<'a>(items: impl IntoIterator<Item = &'a [u8]>) -> List {
        let mut list = List::new();
        for item in items {
            list.push(End::Right, item);
        }
        list
    }

    /// Number of elements. Part of the contract other families use: keep the signature.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The encoding name OBJECT ENCODING reports (Redis 7.0 reports every list this way).
    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }

    /// The heap bytes held: this struct (it is boxed in `Value`), the chunk deque and the
    /// chunk buffers, capacity included.
    pub fn heap_bytes(&self) -> usize {
        size_of::<List>()
            + self.chunks.capacity() * size_of::<Chunk>()
            + self.chunks.iter().map(Chunk::capacity).sum::<usize>()
    }

    /// Calls `f` with every element's bytes, first to last. Part of the contract other
    /// families use (SORT, DUMP): keep the signature.
    pub fn for_each_element(&self, mut f: impl FnMut(&[u8])) {
        for elem in self.iter() {
            elem.with_bytes(&mut f);
        }
    }

    /// Every element, first to last (`.rev()` for last to first).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Elem<'_>> + '_ {
        self.chunks.iter().flat_map(Chunk::iter_all)
    }

    /// Elements `start .. start + count`, in either direction.
    pub fn range(
        &self,
        start: usize,
        count: usize,
    ) -> impl DoubleEndedIterator<Item = Elem<'_>> + '_ {
        assert!(
            start.checked_add(count).is_some_and(|end| end <= self.len),
            "list range out of range"
        );
        // Chunks `first .. end_chunk`, from `first_local` in the first to `last_end` in the
        // last.
        let (first, first_local, end_chunk, last_end) = if count == 0 {
            (0, 0, 0, 0)
        } else {
            let (first, first_local) = self.locate(start);
            let (last, last_local) = self.locate(start + count - 1);
            (first, first_local, last + 1, last_local + 1)
        };
        self.chunks
            .range(first..end_chunk)
            .enumerate()
            .flat_map(move |(k, chunk)| {
                let ci = first + k;
                let from = if ci == first { first_local } else { 0 };
                let to = if ci + 1 == end_chunk {
                    last_end
                } else {
                    chunk.len()
                };
                chunk.iter(from, to)
            })
    }

    /// The element at `index` (0 = first).
    pub fn get(&self, index: usize) -> Option<Elem<'_>> {
        if index >= self.len {
            return None;
        }
        let (ci, local) = self.locate(index);
        Some(self.chunks[ci].get(local))
    }

    /// The element at one end.
    pub fn peek(&self, end: End) -> Option<Elem<'_>> {
        match end {
            End::Left => self.chunks.front().map(Chunk::first),
            End::Right => self.chunks.back().map(Chunk::last),
        }
    }

    pub fn push(&mut self, end: End, elem: &[u8]) {
        let e = Encoded::new(elem);
        let size = e.size();
        match end {
            End::Right => {
                if !self.chunks.back().is_some_and(|c| c.fits(size)) {
                    if let Some(old) = self.chunks.back_mut() {
                        old.seal();
                    }
                    self.reserve_chunk();
                    self.chunks.push_back(Chunk::default());
                }
                self.chunks
                    .back_mut()
                    .expect("a chunk was ensured above")
                    .push_back(&e);
            }
            End::Left => {
                if !self.chunks.front().is_some_and(|c| c.fits(size)) {
                    if let Some(old) = self.chunks.front_mut() {
                        old.seal();
                    }
                    self.reserve_chunk();
                    self.chunks.push_front(Chunk::default());
                }
                self.chunks
                    .front_mut()
                    .expect("a chunk was ensured above")
                    .push_front(&e);
            }
        }
        self.len += 1;
    }

    /// Removes the element at one end and returns its bytes.
    pub fn pop(&mut self, end: End) -> Option<Vec<u8>> {
        self.pop_with(end, |elem| elem.to_vec())
    }

    /// Removes the element at one end, first handing it to `f` (which can reply it without
    /// copying it out).
    pub fn pop_with<R>(&mut self, end: End, f: impl FnOnce(Elem<'_>) -> R) -> Option<R> {
        let value = f(self.peek(end)?);
        let emptied = match end {
            End::Left => {
                let chunk = self.chunks.front_mut().expect("peeked above");
                chunk.pop_front();
                chunk.is_empty()
            }
            End::Right => {
                let chunk = self.chunks.back_mut().expect("peeked above");
                chunk.pop_back();
                chunk.is_empty()
            }
        };
        if emptied {
            match end {
                End::Left => self.chunks.pop_front(),
                End::Right => self.chunks.pop_back(),
            };
            self.release_chunk_slack();
        }
        self.len -= 1;
        Some(value)
    }

    /// Replaces the element at `index`; false when `index` is out of range.
    pub fn set(&mut self, index: usize, elem: &[u8]) -> bool {
        if index >= self.len {
            return false;
        }
        let e = Encoded::new(elem);
        let (ci, local) = self.locate(index);
        let chunk = &mut self.chunks[ci];
        chunk.remove(local, 1);
        if chunk.fits(e.size()) {
            chunk.insert(local, &e);
        } else {
            self.place_beside(ci, local, &e);
        }
        true
    }

    /// Inserts `elem` so that it becomes element `index` (`index == len` appends).
    pub fn insert(&mut self, index: usize, elem: &[u8]) {
        assert!(index <= self.len, "list insert out of range");
        if index == 0 {
            return self.push(End::Left, elem);
        }
        if index == self.len {
            return self.push(End::Right, elem);
        }
        let e = Encoded::new(elem);
        let (ci, local) = self.locate(index);
        self.len += 1;
        if self.chunks[ci].fits(e.size()) {
            self.chunks[ci].insert(local, &e);
        } else {
            self.place_beside(ci, local, &e);
        }
    }

    /// Puts `e` before element `local` of chunk `ci`, which is too full to take it: into a
    /// neighbour with room, else by splitting the chunk there. Does not change `len`.
    fn place_beside(&mut self, ci: usize, local: usize, e: &Encoded<'_>) {
        let size = e.size();
        let single = || {
            let mut chunk = Chunk::default();
            chunk.push_back(e);
            chunk
        };
        self.reserve_chunk();
        if local == 0 {
            match ci.checked_sub(1) {
                Some(prev) if self.chunks[prev].fits(size) => self.chunks[prev].push_back(e),
                _ => self.chunks.insert(ci, single()),
            }
            return;
        }
        if local == self.chunks[ci].len() {
            match self.chunks.get_mut(ci + 1) {
                Some(next) if next.fits(size) => next.push_front(e),
                _ => self.chunks.insert(ci + 1, single()),
            }
            return;
        }
        let mut right = self.chunks[ci].split_off(local);
        self.chunks[ci].seal();
        if self.chunks[ci].fits(size) {
            self.chunks[ci].push_back(e);
            self.chunks.insert(ci + 1, right);
        } else if right.fits(size) {
            right.push_front(e);
            self.chunks.insert(ci + 1, right);
        } else {
            self.chunks.insert(ci + 1, single());
            self.chunks.insert(ci + 2, right);
        }
    }

    /// Removes elements `start .. start + count`.
    pub fn remove_range(&mut self, start: usize, count: usize) {
        assert!(
            start.checked_add(count).is_some_and(|end| end <= self.len),
            "list range out of range"
        );
        if count == 0 {
            return;
        }
        let (mut ci, local) = self.locate(start);
        let mut left = count;
        if local > 0 {
            let chunk = &mut self.chunks[ci];
            let n = (chunk.len() - local).min(left);
            chunk.remove(local, n);
            left -= n;
            ci += 1;
        }
        let mut whole = 0;
        while left > 0 && self.chunks[ci + whole].len() <= left {
            left -= self.chunks[ci + whole].len();
            whole += 1;
        }
        self.chunks.drain(ci..ci + whole);
        if left > 0 {
            self.chunks[ci].remove(0, left);
        }
        self.len -= count;
        // The cut may have left two small chunks side by side.
        self.merge_into_previous(ci);
        self.release_chunk_slack();
    }

    /// Removes elements equal to `needle`: at most `limit` of them (0 = all), the first ones
    /// or, with `from_back`, the last ones. Returns how many were removed.
    pub fn remove_matching(&mut self, needle: &Needle<'_>, limit: usize, from_back: bool) -> usize {
        let mut removed = 0;
        let mut hits: Vec<u32> = Vec::new();
        let chunk_count = self.chunks.len();
        for step in 0..chunk_count {
            let ci = if from_back {
                chunk_count - 1 - step
            } else {
                step
            };
            let wanted = if limit == 0 {
                usize::MAX
            } else {
                limit - removed
            };
            hits.clear();
            let chunk = &self.chunks[ci];
            if from_back {
                for (i, elem) in chunk.iter_all().enumerate().rev() {
                    if needle.matches(&elem) {
                        hits.push(i as u32);
                        if hits.len() == wanted {
                            break;
                        }
                    }
                }
                hits.reverse();
            } else {
                for (i, elem) in chunk.iter_all().enumerate() {
                    if needle.matches(&elem) {
                        hits.push(i as u32);
                        if hits.len() == wanted {
                            break;
                        }
                    }
                }
            }
            if !hits.is_empty() {
                self.chunks[ci].remove_indexes(&hits);
                removed += hits.len();
                if removed == limit {
                    break;
                }
            }
        }
        if removed > 0 {
            self.len -= removed;
            self.compact();
        }
        removed
    }

    /// Chunk index and index inside it of element `index`, walking from the nearer end.
    fn locate(&self, index: usize) -> (usize, usize) {
        assert!(index < self.len, "list index out of range");
        if index < self.len / 2 {
            let mut i = index;
            for (ci, chunk) in self.chunks.iter().enumerate() {
                if i < chunk.len() {
                    return (ci, i);
                }
                i -= chunk.len();
            }
        } else {
            // Element `index` is the `from_back`-th counting from the last (1-based).
            let mut from_back = self.len - index;
            for (ci, chunk) in self.chunks.iter().enumerate().rev() {
                if from_back <= chunk.len() {
                    return (ci, chunk.len() - from_back);
                }
                from_back -= chunk.len();
            }
        }
        panic!("list chunk counts do not add up to its length");
    }

    /// Merges chunk `ci` into chunk `ci - 1` when both exist and fit in one chunk.
    fn merge_into_previous(&mut self, ci: usize) {
        if ci == 0 || ci >= self.chunks.len() {
            return;
        }
        if self.chunks[ci - 1].bytes() + self.chunks[ci].bytes() > CHUNK_BYTES_MAX {
            return;
        }
        let chunk = self.chunks.remove(ci).expect("index checked above");
        let prev = &mut self.chunks[ci - 1];
        prev.append(&chunk);
        prev.seal();
    }

    /// Drops empty chunks and merges neighbours that fit in one chunk, in one pass.
    fn compact(&mut self) {
        let old = std::mem::take(&mut self.chunks);
        let mut chunks: VecDeque<Chunk> = VecDeque::with_capacity(old.len());
        for chunk in old {
            if chunk.is_empty() {
                continue;
            }
            match chunks.back_mut() {
                Some(last) if last.bytes() + chunk.bytes() <= CHUNK_BYTES_MAX => {
                    last.append(&chunk);
                    last.seal();
                }
                _ => chunks.push_back(chunk),
            }
        }
        self.chunks = chunks;
    }

    /// Makes room for one more chunk; a list's first chunk gets a deque of exactly one slot
    /// (most lists are small, and the default first allocation holds four).
    fn reserve_chunk(&mut self) {
        if self.chunks.capacity() == 0 {
            self.chunks.reserve_exact(1);
        } else {
            self.chunks.reserve(1);
        }
    }

    fn release_chunk_slack(&mut self) {
        let len = self.chunks.len();
        if self.chunks.capacity() > 2 * len + 4 {
            self.chunks.shrink_to(len + len / 4);
        }
    }

    /// Checks the structural invariants (tests and fuzzing).
    #[cfg(test)]
    fn check(&self) {
        let mut total = 0;
        for (ci, chunk) in self.chunks.iter().enumerate() {
            chunk.check();
            assert!(!chunk.is_empty(), "chunk {ci} is empty");
            assert!(
                chunk.len() == 1 || chunk.bytes() <= CHUNK_BYTES_MAX,
                "chunk {ci} is oversize"
            );
            total += chunk.len();
        }
        assert_eq!(total, self.len, "chunk counts do not add up");
    }
}

impl PartialEq for List {
    fn eq(&self, other: &List) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl fmt::Debug for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::{SPLITMIX_GAMMA, splitmix64_mix};

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(SPLITMIX_GAMMA);
            splitmix64_mix(self.0)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        /// Elements that exercise every encoding: short and long strings, canonical and
        /// non-canonical integers, the empty string, elements bigger than a chunk.
        fn element(&mut self) -> Vec<u8> {
            match self.below(10) {
                0 => self.below(60).to_string().into_bytes(),
                1 => (self.next() as i64).to_string().into_bytes(),
                2 => format!("-{}", self.below(100_000)).into_bytes(),
                3 => format!("0{}", self.below(100)).into_bytes(),
                4 => Vec::new(),
                5 if self.below(20) == 0 => vec![b'x'; CHUNK_BYTES_MAX + self.below(3000)],
                6 => vec![b'a' + self.below(3) as u8; 100 + self.below(1500)],
                _ => vec![b'a' + self.below(4) as u8; 1 + self.below(3)],
            }
        }
    }

    fn contents(list: &List) -> Vec<Vec<u8>> {
        list.iter().map(|e| e.to_vec()).collect()
    }

    /// Drives a list and a `VecDeque` model with the same random operations and compares
    /// them after every step.
    /// Returns the most chunks the list had at once.
    fn run_against_model(seed: u64, steps: usize) -> usize {
        let mut rng = Rng(seed);
        let mut chunks_max = 0;
        let mut list = List::new();
        let mut model: VecDeque<Vec<u8>> = VecDeque::new();
        // Odd seeds favour pushes, so lists grow to many chunks.
        let extra_pushes = if seed % 2 == 1 { 6 } else { 0 };
        for step in 0..steps {
            let op = match rng.below(12 + extra_pushes) {
                extra @ 12.. => extra % 4,
                op => op,
            };
            match op {
                0 | 1 => {
                    let e = rng.element();
                    list.push(End::Left, &e);
                    model.push_front(e);
                }
                2 | 3 => {
                    let e = rng.element();
                    list.push(End::Right, &e);
                    model.push_back(e);
                }
                4 => assert_eq!(list.pop(End::Left), model.pop_front()),
                5 => assert_eq!(list.pop(End::Right), model.pop_back()),
                6 => {
                    let index = rng.below(model.len() + 1);
                    let e = rng.element();
                    list.insert(index, &e);
                    model.insert(index, e);
                }
                7 => {
                    let index = rng.below(model.len() + 1);
                    let e = rng.element();
                    let expected = index < model.len();
                    if expected {
                        model[index] = e.clone();
                    }
                    assert_eq!(list.set(index, &e), expected);
                }
                8 => {
                    let start = rng.below(model.len() + 1);
                    // Mostly short ranges (LTRIM-sized cuts are rarer), so lists still grow.
                    let room = model.len() - start;
                    let bound = if rng.below(8) == 0 { room } else { room.min(5) };
                    let count = rng.below(bound + 1);
                    list.remove_range(start, count);
                    model.drain(start..start + count);
                }
                9 => {
                    let needle = rng.element();
                    let limit = rng.below(4);
                    let from_back = rng.below(2) == 0;
                    let removed = list.remove_matching(&Needle::new(&needle), limit, from_back);
                    let mut expected = 0;
                    if from_back {
                        let mut i = model.len();
                        while i > 0 && (limit == 0 || expected < limit) {
                            i -= 1;
                            if model[i] == needle {
                                model.remove(i);
                                expected += 1;
                            }
                        }
                    } else {
                        let mut i = 0;
                        while i < model.len() && (limit == 0 || expected < limit) {
                            if model[i] == needle {
                                model.remove(i);
                                expected += 1;
                            } else {
                                i += 1;
                            }
                        }
                    }
                    assert_eq!(removed, expected, "seed {seed} step {step}");
                }
                10 => {
                    let start = rng.below(model.len() + 1);
                    let count = rng.below(model.len() - start + 1);
                    let forward: Vec<_> = list.range(start, count).map(|e| e.to_vec()).collect();
                    let expected: Vec<_> = model.range(start..start + count).cloned().collect();
                    assert_eq!(forward, expected, "seed {seed} step {step}");
                    let backward: Vec<_> =
                        list.range(start, count).rev().map(|e| e.to_vec()).collect();
                    let expected: Vec<_> = expected.into_iter().rev().collect();
                    assert_eq!(backward, expected, "seed {seed} step {step}");
                }
                _ => {
                    let index = rng.below(model.len() + 2);
                    assert_eq!(
                        list.get(index).map(|e| e.to_vec()).as_ref(),
                        model.get(index),
                        "seed {seed} step {step}"
                    );
                }
            }
            list.check();
            chunks_max = chunks_max.max(list.chunks.len());
            assert_eq!(list.len(), model.len(), "seed {seed} step {step} op {op}");
            if step % 64 == 0 {
                assert_eq!(
                    contents(&list),
                    Vec::from(model.clone()),
                    "seed {seed} step {step}"
                );
            }
        }
        assert_eq!(contents(&list), Vec::from(model));
        chunks_max
    }

    #[test]
    fn matches_a_model_under_random_operations() {
        let mut chunks_max = 0;
        for seed in 0..24 {
            let steps = if seed % 2 == 1 { 5_000 } else { 1_500 };
            chunks_max = chunks_max.max(run_against_model(seed, steps));
        }
        // The runs must reach lists of many chunks, or splits and merges went untested.
        assert!(chunks_max >= 12, "{chunks_max}");
    }

    #[test]
    fn grows_into_many_chunks_and_shrinks_back() {
        let mut list = List::new();
        for i in 0..20_000 {
            list.push(End::Right, format!("element-{i}").as_bytes());
        }
        list.check();
        assert!(list.chunks.len() > 20);
        assert_eq!(list.get(12_345).unwrap().to_vec(), b"element-12345");
        assert_eq!(list.peek(End::Left).unwrap().to_vec(), b"element-0");
        list.remove_range(10, 19_980);
        list.check();
        assert_eq!(list.len(), 20);
        assert_eq!(
            list.chunks.len(),
            1,
            "the cut merged the two ends back together"
        );
        assert_eq!(list.get(10).unwrap().to_vec(), b"element-19990");
        while list.pop(End::Left).is_some() {}
        assert!(list.is_empty() && list.chunks.is_empty());
    }

    #[test]
    fn lrem_everywhere_compacts_chunks() {
        let mut list = List::new();
        for i in 0..10_000 {
            list.push(End::Left, if i % 10 == 0 { b"keep" } else { b"drop-me" });
        }
        assert_eq!(
            list.remove_matching(&Needle::new(b"drop-me"), 0, false),
            9_000
        );
        list.check();
        assert_eq!(list.len(), 1_000);
        assert_eq!(list.chunks.len(), 1);
        assert!(list.iter().all(|e| e == Elem::Str(b"keep")));
    }

    #[test]
    fn integers_compare_as_their_text() {
        let list = List::from_elements([&b"1"[..], b"01", b"-0", b"0", b"9223372036854775807"]);
        assert_eq!(list.get(0), Some(Elem::Int(1)));
        assert_eq!(list.get(1), Some(Elem::Str(b"01")));
        assert!(Needle::new(b"1").matches(&list.get(0).unwrap()));
        assert!(!Needle::new(b"01").matches(&list.get(0).unwrap()));
        assert!(Needle::new(b"01").matches(&list.get(1).unwrap()));
        let mut texts = Vec::new();
        list.for_each_element(|b| texts.push(b.to_vec()));
        assert_eq!(texts[4], b"9223372036854775807");
        assert_eq!(
            format!("{list:?}"),
            r#"[1, "01", "-0", 0, 9223372036854775807]"#
        );
    }

    #[test]
    fn a_small_list_is_small() {
        let list = List::from_elements([&b"hello"[..], b"world"]);
        // Box<List> + one deque slot + a 12-byte chunk buffer (doubling from 6).
        assert!(list.heap_bytes() <= 40 + 40 + 16, "{}", list.heap_bytes());
        assert_eq!(list.clone(), list);
    }
}
