//! A packed run of sorted-set entries: the whole of a small sorted set (what Redis calls the
//! `listpack` encoding) and one leaf of a large one (see `tree`).
//!
//! Entries sit sorted by (score, member) in one byte buffer, each as
//! `score | member length (LEB128) | member bytes`, one allocation for the whole run. The
//! score takes 1 byte for an integer in -16..=223 (the common small counters and ranks),
//! 3, 5 or 7 bytes for integers within 16, 32 or 48 bits (48 holds millisecond timestamps),
//! and 9 bytes otherwise (fractions, -0, infinities, large values), as a listpack stores
//! integers compactly. Lookups scan linearly. Runs are bounded (128 entries for a small set, a
//! few KiB for a leaf) and a scan over one contiguous buffer beats pointer chasing at that
//! size; Redis's listpack makes the same trade.
//!
//! A run never checks that its content stays sorted or unique on its own; its callers (`ZSet`
//! and `Tree`) insert at the position `search` gives, and the tests check the order.

use std::cmp::Ordering;
use std::ops::ControlFlow;

use smallvec::SmallVec;

/// Score tags up to this byte are the integer `tag - SMALL_BIAS`.
const TAG_SMALL_MAX: u8 = 0xEF;
const SMALL_BIAS: i64 = 16;
/// An integer in the next 2, 4 or 6 bytes (little-endian, two's complement).
const TAG_I16: u8 = 0xF0;
const TAG_I32: u8 = 0xF1;
const TAG_I48: u8 = 0xF2;
/// An `f64` in the next 8 bytes (little-endian).
const TAG_F64: u8 = 0xF3;

/// The integer a score can be stored as: integral, within 48 bits, and not -0 (which must
/// survive in a leaf).
fn score_int(score: f64) -> Option<i64> {
    const LIMIT: f64 = (1u64 << 47) as f64;
    let integral = score.fract() == 0.0 && score.abs() < LIMIT;
    (integral && !(score == 0.0 && score.is_sign_negative())).then_some(score as i64)
}

/// Bytes the score field of `score` takes.
fn score_len(score: f64) -> usize {
    match score_int(score) {
        Some(n) if (-SMALL_BIAS..=i64::from(TAG_SMALL_MAX) - SMALL_BIAS).contains(&n) => 1,
        Some(n) if i16::try_from(n).is_ok() => 3,
        Some(n) if i32::try_from(n).is_ok() => 5,
        Some(_) => 7,
        None => 9,
    }
}

/// Writes the score field into `dst` (exactly `score_len(score)` bytes).
fn encode_score(dst: &mut [u8], score: f64) {
    let len = dst.len();
    match (score_int(score), len) {
        (Some(n), 1) => dst[0] = (n + SMALL_BIAS) as u8,
        (Some(n), 3 | 5 | 7) => {
            dst[0] = match len {
                3 => TAG_I16,
                5 => TAG_I32,
                _ => TAG_I48,
            };
            dst[1..].copy_from_slice(&n.to_le_bytes()[..len - 1]);
        }
        _ => {
            dst[0] = TAG_F64;
            dst[1..].copy_from_slice(&score.to_le_bytes());
        }
    }
}

/// Reads the score field at `off`: the score and the offset after it.
#[inline]
fn decode_score(buf: &[u8], off: usize) -> (f64, usize) {
    let tag = buf[off];
    if tag <= TAG_SMALL_MAX {
        return ((i64::from(tag) - SMALL_BIAS) as f64, off + 1);
    }
    let width = match tag {
        TAG_I16 => 2,
        TAG_I32 => 4,
        TAG_I48 => 6,
        _ => {
            let mut bits = [0u8; 8];
            bits.copy_from_slice(&buf[off + 1..off + 9]);
            return (f64::from_le_bytes(bits), off + 9);
        }
    };
    let mut raw = [0u8; 8];
    raw[..width].copy_from_slice(&buf[off + 1..off + 1 + width]);
    // Sign-extend from `width` bytes.
    let shift = 64 - 8 * width as u32;
    let n = (i64::from_le_bytes(raw) << shift) >> shift;
    (n as f64, off + 1 + width)
}

/// Orders entries as Redis does: by score, then by member bytes (memcmp, the shorter first on
/// a common prefix). Scores are never NaN; -0 equals 0 here, as with C's `<` and `==`.
#[inline]
pub(crate) fn cmp_entry(a_score: f64, a_member: &[u8], b_score: f64, b_member: &[u8]) -> Ordering {
    if a_score < b_score {
        Ordering::Less
    } else if a_score > b_score {
        Ordering::Greater
    } else {
        a_member.cmp(b_member)
    }
}

fn varint_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

/// Bytes one entry takes in a run.
pub(crate) fn entry_bytes(score: f64, member: &[u8]) -> usize {
    score_len(score) + varint_len(member.len()) + member.len()
}

#[derive(Clone, Default, PartialEq)]
pub(crate) struct Run {
    buf: Vec<u8>,
    len: u32,
}

impl Run {
    pub(crate) fn new() -> Run {
        Run::default()
    }

    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes of entries held (not the allocation).
    pub(crate) fn bytes(&self) -> usize {
        self.buf.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.buf.capacity()
    }

    /// The entry starting at byte `off`: its score, member, and the offset of the next entry.
    #[inline]
    pub(crate) fn entry_at(&self, off: usize) -> (f64, &[u8], usize) {
        let buf = &self.buf;
        let (score, mut pos) = decode_score(buf, off);
        let mut len = 0usize;
        let mut shift = 0;
        loop {
            let byte = buf[pos];
            pos += 1;
            len |= ((byte & 0x7f) as usize) << shift;
            if byte < 0x80 {
                break;
            }
            shift += 7;
        }
        (score, &buf[pos..pos + len], pos + len)
    }

    pub(crate) fn iter(&self) -> RunIter<'_> {
        RunIter { run: self, off: 0 }
    }

    pub(crate) fn first(&self) -> Option<(f64, &[u8])> {
        self.iter().next()
    }

    #[cfg(test)]
    pub(crate) fn last(&self) -> Option<(f64, &[u8])> {
        self.iter().last()
    }

    /// The byte offset of entry `index` (the end of the buffer for `index == len`).
    pub(crate) fn offset_of(&self, index: usize) -> usize {
        debug_assert!(index <= self.len());
        let mut off = 0;
        for _ in 0..index {
            off = self.entry_at(off).2;
        }
        off
    }

    pub(crate) fn nth(&self, index: usize) -> Option<(f64, &[u8])> {
        if index >= self.len() {
            return None;
        }
        let (score, member, _) = self.entry_at(self.offset_of(index));
        Some((score, member))
    }

    /// Where (score, member) is: `Ok((index, offset))` when present, else `Err` with the
    /// position it would be inserted at.
    pub(crate) fn search(
        &self,
        score: f64,
        member: &[u8],
    ) -> Result<(usize, usize), (usize, usize)> {
        let mut off = 0;
        for index in 0..self.len() {
            let (s, m, next) = self.entry_at(off);
            match cmp_entry(s, m, score, member) {
                Ordering::Less => off = next,
                Ordering::Equal => return Ok((index, off)),
                Ordering::Greater => return Err((index, off)),
            }
        }
        Err((self.len(), off))
    }

    /// Finds a member by value: `(index, offset, score)`.
    pub(crate) fn find_member(&self, member: &[u8]) -> Option<(usize, usize, f64)> {
        let mut off = 0;
        for index in 0..self.len() {
            let (s, m, next) = self.entry_at(off);
            if m == member {
                return Some((index, off, s));
            }
            off = next;
        }
        None
    }

    /// The number of leading entries for which `pred` holds (`pred` must be true on a prefix
    /// and false after it, like `slice::partition_point`).
    pub(crate) fn partition_point(&self, mut pred: impl FnMut(f64, &[u8]) -> bool) -> usize {
        self.iter().take_while(|&(s, m)| pred(s, m)).count()
    }

    /// Grows the buffer for `extra` more bytes by an eighth at a time: a run is rewritten in
    /// place on every insert, and doubling would leave up to half of every leaf unused.
    fn reserve(&mut self, extra: usize) {
        let needed = self.buf.len() + extra;
        if needed > self.buf.capacity() {
            let target = needed.max(self.buf.capacity() + self.buf.capacity() / 8);
            self.buf.reserve_exact(target - self.buf.len());
        }
    }

    fn encode_into(dst: &mut [u8], score: f64, member: &[u8]) {
        let mut pos = score_len(score);
        encode_score(&mut dst[..pos], score);
        let mut n = member.len();
        while n >= 0x80 {
            dst[pos] = (n as u8 & 0x7f) | 0x80;
            n >>= 7;
            pos += 1;
        }
        dst[pos] = n as u8;
        dst[pos + 1..].copy_from_slice(member);
    }

    /// Inserts an entry at byte offset `off`, which must be an entry boundary.
    pub(crate) fn insert_at(&mut self, off: usize, score: f64, member: &[u8]) {
        let size = entry_bytes(score, member);
        self.reserve(size);
        let old_len = self.buf.len();
        self.buf.resize(old_len + size, 0);
        self.buf.copy_within(off..old_len, off + size);
        Self::encode_into(&mut self.buf[off..off + size], score, member);
        self.len += 1;
    }

    /// Appends an entry; the caller keeps the order.
    pub(crate) fn push(&mut self, score: f64, member: &[u8]) {
        let off = self.buf.len();
        self.insert_at(off, score, member);
    }

    /// Removes the entry starting at byte offset `off`.
    pub(crate) fn remove_at(&mut self, off: usize) {
        let next = self.entry_at(off).2;
        self.buf.drain(off..next);
        self.len -= 1;
    }

    /// Removes entries `start..end` (by index).
    pub(crate) fn remove_range(&mut self, start: usize, end: usize) {
        debug_assert!(start <= end && end <= self.len());
        let from = self.offset_of(start);
        let mut to = from;
        for _ in start..end {
            to = self.entry_at(to).2;
        }
        self.buf.drain(from..to);
        self.len -= (end - start) as u32;
    }

    /// Splits off entries `index..` into a new run; this one keeps `..index`, shrunk to fit.
    pub(crate) fn split_off(&mut self, index: usize) -> Run {
        let off = self.offset_of(index);
        let right = Run {
            buf: self.buf[off..].to_vec(),
            len: self.len - index as u32,
        };
        self.buf.truncate(off);
        self.buf.shrink_to_fit();
        self.len = index as u32;
        right
    }

    /// Moves every entry of `other` (all greater than ours) to the end of this run.
    pub(crate) fn append(&mut self, other: &mut Run) {
        self.reserve(other.buf.len());
        self.buf.extend_from_slice(&other.buf);
        self.len += other.len;
        *other = Run::new();
    }

    /// The index to split at so both halves hold about as many bytes; never 0 or `len`.
    pub(crate) fn balanced_split_index(&self) -> usize {
        debug_assert!(self.len() >= 2);
        let half = self.buf.len() / 2;
        let mut off = 0;
        let mut index = 0;
        while off < half {
            off = self.entry_at(off).2;
            index += 1;
        }
        index.clamp(1, self.len() - 1)
    }

    /// Calls `f` on entries `start..end`, in order or in reverse, until it breaks.
    pub(crate) fn visit(
        &self,
        start: usize,
        end: usize,
        reverse: bool,
        f: &mut dyn FnMut(f64, &[u8]) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        debug_assert!(start <= end && end <= self.len());
        let mut off = self.offset_of(start);
        if !reverse {
            for _ in start..end {
                let (score, member, next) = self.entry_at(off);
                f(score, member)?;
                off = next;
            }
            return ControlFlow::Continue(());
        }
        // Entries can only be decoded forwards: note where each starts, then walk back.
        let mut offsets: SmallVec<[usize; 128]> = SmallVec::new();
        for _ in start..end {
            offsets.push(off);
            off = self.entry_at(off).2;
        }
        for &off in offsets.iter().rev() {
            let (score, member, _) = self.entry_at(off);
            f(score, member)?;
        }
        ControlFlow::Continue(())
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.buf.shrink_to_fit();
    }
}

pub(crate) struct RunIter<'a> {
    run: &'a Run,
    off: usize,
}

impl<'a> Iterator for RunIter<'a> {
    type Item = (f64, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.off >= self.run.buf.len() {
            return None;
        }
        let (score, member, next) = self.run.entry_at(self.off);
        self.off = next;
        Some((score, member))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_of(entries: &[(f64, &str)]) -> Run {
        let mut run = Run::new();
        for &(score, member) in entries {
            let (_, off) = run.search(score, member.as_bytes()).unwrap_err();
            run.insert_at(off, score, member.as_bytes());
        }
        run
    }

    fn contents(run: &Run) -> Vec<(f64, String)> {
        run.iter()
            .map(|(s, m)| (s, String::from_utf8(m.to_vec()).unwrap()))
            .collect()
    }

    #[test]
    fn keeps_entries_sorted_by_score_then_member() {
        let run = run_of(&[(2.0, "b"), (1.0, "z"), (2.0, "a"), (-0.0, "m"), (2.0, "ab")]);
        assert_eq!(
            contents(&run),
            vec![
                (-0.0, "m".into()),
                (1.0, "z".into()),
                (2.0, "a".into()),
                (2.0, "ab".into()),
                (2.0, "b".into())
            ]
        );
        assert_eq!(run.search(2.0, b"ab"), Ok((3, run.offset_of(3))));
        assert_eq!(run.search(0.0, b"m").map(|p| p.0), Ok(0), "-0 == 0");
        assert_eq!(run.find_member(b"z").map(|f| f.2), Some(1.0));
        assert_eq!(run.nth(4).map(|e| e.1), Some(&b"b"[..]));
        assert_eq!(run.partition_point(|s, _| s < 2.0), 2);
    }

    #[test]
    fn scores_take_as_few_bytes_as_they_need() {
        let cases = [
            (0.0, 1),
            (-16.0, 1),
            (223.0, 1),
            (224.0, 3),
            (-17.0, 3),
            (-32768.0, 3),
            (32768.0, 5),
            (1_700_000_000.0, 5),
            (1_700_000_000_000.0, 7),
            (-140_737_488_355_327.0, 7),
            (140_737_488_355_328.0, 9),
            (-0.0, 9),
            (0.5, 9),
            (f64::INFINITY, 9),
            (f64::NEG_INFINITY, 9),
            (1e300, 9),
            (5e-324, 9),
        ];
        let mut run = Run::new();
        for (score, len) in cases {
            assert_eq!(score_len(score), len, "{score}");
            run.push(score, b"m");
            let (back, member) = run.last().unwrap();
            assert_eq!(
                (back.to_bits(), member),
                (score.to_bits(), &b"m"[..]),
                "{score}"
            );
        }
    }

    #[test]
    fn long_members_use_multi_byte_lengths() {
        let long = "x".repeat(300);
        let huge = "y".repeat(70_000);
        let run = run_of(&[(1.0, &long), (0.0, "a"), (2.0, &huge)]);
        assert_eq!(run.bytes(), 3 + 1 + 1 + 2 + 300 + 3 + 70_000);
        assert_eq!(run.nth(1).unwrap().1.len(), 300);
        assert_eq!(run.nth(2).unwrap().1.len(), 70_000);
    }

    #[test]
    fn remove_split_append_and_visit() {
        let names: Vec<String> = (0..20).map(|i| format!("m{i:02}")).collect();
        let entries: Vec<(f64, &str)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (i as f64, n.as_str()))
            .collect();
        let mut run = run_of(&entries);
        run.remove_range(3, 6);
        assert_eq!(run.len(), 17);
        run.remove_at(run.offset_of(0));
        assert_eq!(run.first().unwrap().1, b"m01");
        let mut right = run.split_off(8);
        assert_eq!((run.len(), right.len()), (8, 8));
        assert_eq!(right.first().unwrap().1, b"m12");
        run.append(&mut right);
        assert!(right.is_empty());
        let mut seen = Vec::new();
        let _ = run.visit(2, 6, true, &mut |s, _| {
            seen.push(s);
            ControlFlow::Continue(())
        });
        assert_eq!(seen, vec![9.0, 8.0, 7.0, 6.0]);
        let mut count = 0;
        let flow = run.visit(0, 16, false, &mut |_, _| {
            count += 1;
            if count == 3 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        assert_eq!((flow, count), (ControlFlow::Break(()), 3));
        let at = run.balanced_split_index();
        assert_eq!(at, 8);
        assert_eq!(run.last().unwrap().1, b"m19");
    }
}
