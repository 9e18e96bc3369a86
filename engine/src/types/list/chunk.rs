//! One chunk of a list: a run of elements packed into a single buffer, the counterpart of a
//! listpack inside Redis's quicklist. Owns the byte layout and nothing else; which chunk an
//! element goes to is `List`'s business.
//!
//! # Layout
//!
//! ```text
//! buf = [ payload 0 | payload 1 | ... | payload n-1 ][ tag n-1 | ... | tag 1 | tag 0 ]
//!       0                                   data_len                          buf.len()
//! ```
//!
//! Every element is a *tag* (its kind and payload length, LEB128) and a *payload*. Payloads sit
//! in element order from the front; tags sit in reverse element order from the back. Both ends
//! of the list can then be read without scanning: the first element's tag ends at `buf.len()`,
//! the last element's tag starts at `data_len`, and payloads are found from the lengths the
//! tags give. A LEB128 number can be decoded from either side (only its last byte has the high
//! bit clear), which is what lets a cursor walk the tag region in both directions.
//!
//! Rejected: Redis's listpack entry layout (`header, payload, backlen`) spends a back-length
//! byte per element to be walkable backwards; splitting payloads from tags gives the same
//! two-way walk for nothing. Separate `Vec`s for tags and payloads would cost a second
//! allocation per chunk.
//!
//! # Tags
//!
//! - even `t`: a string of `t >> 1` bytes;
//! - odd `t`, `w = t >> 1 < 8`: an integer in `w + 1` little-endian two's-complement bytes;
//! - odd `t`, `w >= 8`: the integer `w - 8`, held in the tag itself (no payload).
//!
//! An element is stored as an integer only when its text is exactly the decimal form of that
//! integer (so it reads back byte for byte) and the integer form is smaller. The choice is a
//! function of the bytes alone, so two equal elements are always encoded alike.

use super::{CHUNK_BYTES_MAX, Elem};

/// Longest LEB128 encoding of a `u64`.
pub(super) const TAG_BYTES_MAX: usize = 10;
/// Integers held in the tag itself stop here: past it the byte forms are as small.
const IMMEDIATE_MAX: i64 = 1 << 40;
/// Odd tags below `2 * 8 + 1` carry byte-encoded integers; from there on, immediates.
const IMMEDIATE_BIAS: u64 = 8;

/// Bytes of the LEB128 encoding of `v`.
fn tag_len(v: u64) -> usize {
    let bits = 64 - (v | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}

/// Writes `v` as LEB128 into `out`, returning the length.
fn write_tag(mut v: u64, out: &mut [u8; TAG_BYTES_MAX]) -> usize {
    let mut i = 0;
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out[i] = byte;
            return i + 1;
        }
        out[i] = byte | 0x80;
        i += 1;
    }
}

/// Decodes the tag starting at `at`; returns it and the offset just past it.
fn read_tag_forward(buf: &[u8], at: usize) -> (u64, usize) {
    let mut v = 0u64;
    let mut shift = 0;
    let mut i = at;
    loop {
        let byte = buf[i];
        v |= u64::from(byte & 0x7f) << shift;
        i += 1;
        if byte & 0x80 == 0 {
            return (v, i);
        }
        shift += 7;
        assert!(shift < 70, "corrupt list tag");
    }
}

/// Decodes the tag ending at `end` (exclusive), never looking below `floor` (the start of the
/// tag region); returns it and the offset where it starts.
fn read_tag_backward(buf: &[u8], end: usize, floor: usize) -> (u64, usize) {
    debug_assert!(end > floor && buf[end - 1] & 0x80 == 0, "corrupt list tag");
    let mut start = end - 1;
    while start > floor && buf[start - 1] & 0x80 != 0 {
        start -= 1;
    }
    (read_tag_forward(buf, start).0, start)
}

/// Payload bytes that follow a tag.
fn payload_len(tag: u64) -> usize {
    if tag & 1 == 0 {
        (tag >> 1) as usize
    } else if tag >> 1 < IMMEDIATE_BIAS {
        (tag >> 1) as usize + 1
    } else {
        0
    }
}

fn decode(tag: u64, payload: &[u8]) -> Elem<'_> {
    if tag & 1 == 0 {
        return Elem::Str(payload);
    }
    let w = tag >> 1;
    if w >= IMMEDIATE_BIAS {
        return Elem::Int((w - IMMEDIATE_BIAS) as i64);
    }
    // Sign-extend the little-endian bytes.
    let mut bytes = [0u8; 8];
    bytes[..payload.len()].copy_from_slice(payload);
    if payload.last().is_some_and(|&b| b & 0x80 != 0) {
        bytes[payload.len()..].fill(0xff);
    }
    Elem::Int(i64::from_le_bytes(bytes))
}

/// Smallest `k` such that `n` fits in `k` two's-complement bytes.
fn int_width(n: i64) -> usize {
    (1..8)
        .find(|&k| {
            let half = 1i64 << (8 * k - 1);
            (-half..half).contains(&n)
        })
        .unwrap_or(8)
}

/// The canonical integer `bytes` spells, if any (what Redis's `string2ll` accepts, so the
/// decimal text of the result is exactly `bytes`).
fn canonical_int(bytes: &[u8]) -> Option<i64> {
    crate::resp::parse::parse_i64(bytes)
}

/// An element ready to be written: its tag and payload.
#[derive(Clone, Copy)]
pub(super) struct Encoded<'a> {
    tag: [u8; TAG_BYTES_MAX],
    tag_len: u8,
    int_bytes: [u8; 8],
    int_len: u8,
    /// Set when the element is stored as an integer (bytes or immediate).
    int: Option<i64>,
    text: &'a [u8],
}

impl<'a> Encoded<'a> {
    pub(super) fn new(elem: &'a [u8]) -> Encoded<'a> {
        let mut encoded = Encoded {
            tag: [0; TAG_BYTES_MAX],
            tag_len: 0,
            int_bytes: [0; 8],
            int_len: 0,
            int: None,
            text: &[],
        };
        let text_tag = (elem.len() as u64) << 1;
        let text_cost = tag_len(text_tag) + elem.len();
        if let Some(n) = canonical_int(elem) {
            let width = int_width(n);
            let bytes_tag = ((width as u64 - 1) << 1) | 1;
            let bytes_cost = 1 + width;
            let immediate_tag = (0..IMMEDIATE_MAX)
                .contains(&n)
                .then(|| ((n as u64 + IMMEDIATE_BIAS) << 1) | 1);
            let immediate_cost = immediate_tag.map_or(usize::MAX, tag_len);
            if immediate_cost < text_cost && immediate_cost <= bytes_cost {
                let tag = immediate_tag.expect("cost is finite only with a tag");
                encoded.tag_len = write_tag(tag, &mut encoded.tag) as u8;
                encoded.int = Some(n);
                return encoded;
            }
            if bytes_cost < text_cost {
                encoded.tag_len = write_tag(bytes_tag, &mut encoded.tag) as u8;
                encoded.int_bytes = n.to_le_bytes();
                encoded.int_len = width as u8;
                encoded.int = Some(n);
                return encoded;
            }
        }
        encoded.tag_len = write_tag(text_tag, &mut encoded.tag) as u8;
        encoded.text = elem;
        encoded
    }

    fn tag(&self) -> &[u8] {
        &self.tag[..self.tag_len as usize]
    }

    fn payload(&self) -> &[u8] {
        if self.int_len > 0 {
            &self.int_bytes[..self.int_len as usize]
        } else {
            self.text
        }
    }

    /// Bytes the element takes in a chunk.
    pub(super) fn size(&self) -> usize {
        self.tag_len as usize + self.payload().len()
    }

    /// The element as a reader of the chunk would see it (equal elements compare equal:
    /// the encoding is a function of the bytes).
    pub(super) fn elem(&self) -> Elem<'a> {
        match self.int {
            Some(n) => Elem::Int(n),
            None => Elem::Str(self.text),
        }
    }
}

/// A cursor between two elements: `data` is where the next element's payload starts,
/// `tag` where the next element's tag ends (tags run backwards).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pos {
    data: usize,
    tag: usize,
}

/// A packed run of elements (see the module doc). Never empty inside a `List`.
#[derive(Clone, Default)]
pub(super) struct Chunk {
    buf: Vec<u8>,
    data_len: usize,
    count: u32,
}

impl Chunk {
    pub(super) fn len(&self) -> usize {
        self.count as usize
    }

    pub(super) fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Bytes of elements held.
    pub(super) fn bytes(&self) -> usize {
        self.buf.len()
    }

    /// Heap bytes held.
    pub(super) fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// True when `extra` more bytes keep the chunk within its bound (an empty chunk takes
    /// anything: a large element gets a chunk of its own).
    pub(super) fn fits(&self, extra: usize) -> bool {
        self.is_empty() || self.bytes() + extra <= CHUNK_BYTES_MAX
    }

    fn start(&self) -> Pos {
        Pos {
            data: 0,
            tag: self.buf.len(),
        }
    }

    fn end(&self) -> Pos {
        Pos {
            data: self.data_len,
            tag: self.data_len,
        }
    }

    /// The element after `p`, and the cursor past it.
    fn read_next(&self, p: Pos) -> (Elem<'_>, Pos) {
        let (tag, tag_start) = read_tag_backward(&self.buf, p.tag, self.data_len);
        let len = payload_len(tag);
        let elem = decode(tag, &self.buf[p.data..p.data + len]);
        (
            elem,
            Pos {
                data: p.data + len,
                tag: tag_start,
            },
        )
    }

    /// The element before `p`, and the cursor before it.
    fn read_prev(&self, p: Pos) -> (Elem<'_>, Pos) {
        let (tag, tag_end) = read_tag_forward(&self.buf, p.tag);
        let len = payload_len(tag);
        let elem = decode(tag, &self.buf[p.data - len..p.data]);
        (
            elem,
            Pos {
                data: p.data - len,
                tag: tag_end,
            },
        )
    }

    fn skip_next(&self, p: Pos) -> Pos {
        let (tag, tag_start) = read_tag_backward(&self.buf, p.tag, self.data_len);
        Pos {
            data: p.data + payload_len(tag),
            tag: tag_start,
        }
    }

    fn skip_prev(&self, p: Pos) -> Pos {
        let (tag, tag_end) = read_tag_forward(&self.buf, p.tag);
        Pos {
            data: p.data - payload_len(tag),
            tag: tag_end,
        }
    }

    /// The cursor before element `i` (`i == len` is the end), walked from the nearer end.
    fn pos(&self, i: usize) -> Pos {
        assert!(i <= self.len(), "chunk index out of range");
        if i <= self.len() / 2 {
            (0..i).fold(self.start(), |p, _| self.skip_next(p))
        } else {
            (i..self.len()).fold(self.end(), |p, _| self.skip_prev(p))
        }
    }

    pub(super) fn get(&self, i: usize) -> Elem<'_> {
        assert!(i < self.len(), "chunk index out of range");
        if i < self.len() / 2 {
            self.read_next(self.pos(i)).0
        } else {
            self.read_prev(self.pos(i + 1)).0
        }
    }

    pub(super) fn first(&self) -> Elem<'_> {
        self.read_next(self.start()).0
    }

    pub(super) fn last(&self) -> Elem<'_> {
        self.read_prev(self.end()).0
    }

    /// Makes room for `extra` bytes: doubling up to the chunk bound, so a chunk filled by
    /// pushes ends with little slack.
    fn reserve(&mut self, extra: usize) {
        let needed = self.buf.len() + extra;
        if needed > self.buf.capacity() {
            let target = needed.max((self.buf.capacity() * 2).min(CHUNK_BYTES_MAX));
            self.buf.reserve_exact(target - self.buf.len());
        }
    }

    /// Gives back slack left by removals, with hysteresis so that alternating pushes and pops
    /// do not reallocate every time.
    fn release_slack(&mut self) {
        let len = self.buf.len();
        if self.buf.capacity() > 2 * len + 64 {
            self.buf.shrink_to(len + len / 4);
        }
    }

    /// Drops all spare capacity (a chunk that no longer sits at an end of its list is rarely
    /// written again).
    pub(super) fn seal(&mut self) {
        self.buf.shrink_to_fit();
    }

    fn insert_at(&mut self, p: Pos, e: &Encoded<'_>) {
        let (tag, payload) = (e.tag(), e.payload());
        let (tl, pl) = (tag.len(), payload.len());
        let old = self.buf.len();
        self.reserve(tl + pl);
        self.buf.resize(old + tl + pl, 0);
        self.buf.copy_within(p.tag..old, p.tag + pl + tl);
        self.buf.copy_within(p.data..p.tag, p.data + pl);
        self.buf[p.data..p.data + pl].copy_from_slice(payload);
        self.buf[p.tag + pl..p.tag + pl + tl].copy_from_slice(tag);
        self.data_len += pl;
        self.count += 1;
    }

    /// Inserts before element `i` (`i == len` appends).
    pub(super) fn insert(&mut self, i: usize, e: &Encoded<'_>) {
        let p = self.pos(i);
        self.insert_at(p, e);
    }

    pub(super) fn push_back(&mut self, e: &Encoded<'_>) {
        let p = self.end();
        self.insert_at(p, e);
    }

    pub(super) fn push_front(&mut self, e: &Encoded<'_>) {
        let p = self.start();
        self.insert_at(p, e);
    }

    /// Removes the elements between two cursors (`a` before `b`).
    fn remove_between(&mut self, a: Pos, b: Pos, n: usize) {
        let (dl, tl) = (b.data - a.data, a.tag - b.tag);
        let old = self.buf.len();
        self.buf.copy_within(b.data..b.tag, a.data);
        self.buf.copy_within(a.tag..old, b.tag - dl);
        self.buf.truncate(old - dl - tl);
        self.data_len -= dl;
        self.count -= n as u32;
        self.release_slack();
    }

    /// Removes elements `i .. i + n`.
    pub(super) fn remove(&mut self, i: usize, n: usize) {
        assert!(i + n <= self.len(), "chunk range out of range");
        if n == 0 {
            return;
        }
        let (a, b) = (self.pos(i), self.pos(i + n));
        self.remove_between(a, b, n);
    }

    pub(super) fn pop_front(&mut self) {
        let a = self.start();
        let b = self.skip_next(a);
        self.remove_between(a, b, 1);
    }

    pub(super) fn pop_back(&mut self) {
        let b = self.end();
        let a = self.skip_prev(b);
        self.remove_between(a, b, 1);
    }

    /// Removes the elements at the given local indexes (ascending, distinct) in one pass.
    pub(super) fn remove_indexes(&mut self, indexes: &[u32]) {
        debug_assert!(indexes.windows(2).all(|w| w[0] < w[1]));
        if indexes.is_empty() {
            return;
        }
        let mut out = Vec::with_capacity(self.buf.len());
        let mut next_removed = indexes.iter().peekable();
        let mut p = self.start();
        for i in 0..self.count {
            let q = self.skip_next(p);
            if next_removed.next_if_eq(&&i).is_none() {
                out.extend_from_slice(&self.buf[p.data..q.data]);
            }
            p = q;
        }
        let data_len = out.len();
        // The tag region lists elements last to first.
        let mut removed_back = indexes.iter().rev().peekable();
        let mut t = self.data_len;
        for i in (0..self.count).rev() {
            let (_, t_next) = read_tag_forward(&self.buf, t);
            if removed_back.next_if_eq(&&i).is_none() {
                out.extend_from_slice(&self.buf[t..t_next]);
            }
            t = t_next;
        }
        self.buf = out;
        self.data_len = data_len;
        self.count -= indexes.len() as u32;
        self.release_slack();
    }

    /// Splits off elements `i ..` into a new chunk.
    pub(super) fn split_off(&mut self, i: usize) -> Chunk {
        let p = self.pos(i);
        let mut buf = Vec::with_capacity(p.tag - p.data);
        buf.extend_from_slice(&self.buf[p.data..p.tag]);
        let other = Chunk {
            buf,
            data_len: self.data_len - p.data,
            count: self.count - i as u32,
        };
        let old = self.buf.len();
        self.buf.copy_within(p.tag..old, p.data);
        self.buf.truncate(old - (p.tag - p.data));
        self.data_len = p.data;
        self.count = i as u32;
        self.release_slack();
        other
    }

    /// Appends `other`'s elements after this chunk's.
    pub(super) fn append(&mut self, other: &Chunk) {
        // [self data][other data][other tags][self tags]: `other.buf` goes in whole.
        let (at, old, n) = (self.data_len, self.buf.len(), other.buf.len());
        self.reserve(n);
        self.buf.resize(old + n, 0);
        self.buf.copy_within(at..old, at + n);
        self.buf[at..at + n].copy_from_slice(&other.buf);
        self.data_len += other.data_len;
        self.count += other.count;
    }

    /// Elements `from .. to`, both directions.
    pub(super) fn iter(&self, from: usize, to: usize) -> ChunkIter<'_> {
        assert!(from <= to && to <= self.len(), "chunk range out of range");
        ChunkIter {
            chunk: self,
            front: self.pos(from),
            back: self.pos(to),
            left: to - from,
        }
    }

    pub(super) fn iter_all(&self) -> ChunkIter<'_> {
        ChunkIter {
            chunk: self,
            front: self.start(),
            back: self.end(),
            left: self.len(),
        }
    }

    /// Checks the layout decodes to exactly `count` elements filling the buffer.
    #[cfg(test)]
    pub(super) fn check(&self) {
        let mut p = self.start();
        for _ in 0..self.count {
            p = self.skip_next(p);
        }
        assert_eq!(p, self.end(), "chunk layout out of sync");
        assert!(self.data_len <= self.buf.len());
    }
}

pub(super) struct ChunkIter<'a> {
    chunk: &'a Chunk,
    front: Pos,
    back: Pos,
    left: usize,
}

impl<'a> Iterator for ChunkIter<'a> {
    type Item = Elem<'a>;

    fn next(&mut self) -> Option<Elem<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let (elem, next) = self.chunk.read_next(self.front);
        self.front = next;
        Some(elem)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl DoubleEndedIterator for ChunkIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let (elem, prev) = self.chunk.read_prev(self.back);
        self.back = prev;
        Some(elem)
    }
}

impl ExactSizeIterator for ChunkIter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk_of(items: &[&[u8]]) -> Chunk {
        let mut c = Chunk::default();
        for item in items {
            c.push_back(&Encoded::new(item));
        }
        c.check();
        c
    }

    fn texts(c: &Chunk) -> Vec<Vec<u8>> {
        c.iter_all().map(|e| e.to_vec()).collect()
    }

    #[test]
    fn tags_round_trip_both_ways() {
        for v in [
            0u64,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            u32::MAX as u64,
            u64::MAX,
        ] {
            let mut out = [0; TAG_BYTES_MAX];
            let n = write_tag(v, &mut out);
            assert_eq!(n, tag_len(v), "{v}");
            assert_eq!(read_tag_forward(&out, 0), (v, n));
            assert_eq!(read_tag_backward(&out, n, 0), (v, 0));
        }
    }

    #[test]
    fn integers_are_stored_compactly_and_read_back_as_text() {
        let cases: &[(&[u8], usize)] = &[
            (b"0", 1),
            (b"5", 1),
            (b"55", 1),
            (b"127", 2),
            (b"-1", 2),
            (b"1000", 2),
            (b"-129", 3),
            (b"123456", 3),
            (b"8388608", 4),
            (b"9223372036854775807", 9),
            (b"-9223372036854775808", 9),
            (b"01", 3),
            (b"-0", 3),
            (b"+1", 3),
            (b"", 1),
            (b"abc", 4),
        ];
        for &(text, size) in cases {
            let e = Encoded::new(text);
            assert_eq!(e.size(), size, "{}", String::from_utf8_lossy(text));
            assert_eq!(e.elem().to_vec(), text);
            let (tag, _) = read_tag_forward(e.tag(), 0);
            assert_eq!(decode(tag, e.payload()), e.elem());
        }
        assert_eq!(Encoded::new(b"42").elem(), Elem::Int(42));
        assert_eq!(Encoded::new(b"042").elem(), Elem::Str(b"042"));
    }

    #[test]
    fn both_ends_insert_remove_split_append() {
        let mut c = chunk_of(&[b"b", b"12345", b"c"]);
        c.push_front(&Encoded::new(b"a"));
        c.insert(2, &Encoded::new(b"-7"));
        c.check();
        assert_eq!(texts(&c), [&b"a"[..], b"b", b"-7", b"12345", b"c"]);
        assert_eq!(c.first(), Elem::Str(b"a"));
        assert_eq!(c.last(), Elem::Str(b"c"));
        assert_eq!(c.get(3), Elem::Int(12345));
        let back: Vec<_> = c.iter(1, 4).rev().map(|e| e.to_vec()).collect();
        assert_eq!(back, [&b"12345"[..], b"-7", b"b"]);
        let tail = c.split_off(3);
        c.check();
        tail.check();
        assert_eq!(texts(&tail), [&b"12345"[..], b"c"]);
        c.append(&tail);
        c.check();
        assert_eq!(texts(&c), [&b"a"[..], b"b", b"-7", b"12345", b"c"]);
        c.remove(1, 2);
        c.pop_front();
        c.pop_back();
        c.check();
        assert_eq!(texts(&c), [&b"12345"[..]]);
        let mut d = chunk_of(&[b"x", b"y", b"x", b"z", b"x"]);
        d.remove_indexes(&[0, 2, 4]);
        d.check();
        assert_eq!(texts(&d), [&b"y"[..], b"z"]);
    }
}
