//! One chunk of a stream: consecutive entries packed into a single buffer, the counterpart of
//! a listpack node in Redis's radix tree of listpacks. Owns the byte layout, and the
//! bookkeeping that lets `Log` start a new chunk exactly where Redis starts a new node; which
//! chunk an entry goes to is `Log`'s business.
//!
//! # Layout
//!
//! ```text
//! buf    = master | entry | entry | ...
//! master = n, (len, field) * n                   the field names of the chunk's first entry
//! entry  = head, seq, n, (len, field, len, value) * n      head bit 0 clear
//!        | head, seq, (len, value) * n_master             head bit 0 set: the master's fields
//! ```
//!
//! Every number is an unsigned LEB128 varint. `head` is `(ms - master.ms) << 1 | same_fields`,
//! and `seq` is `seq - master.seq` while the milliseconds equal the master's, the plain
//! sequence otherwise (both never negative, since ids only grow). An entry from a stream
//! whose events all have the same shape costs its values plus two or three bytes.
//!
//! Rejected: Redis's listpack layout itself (every element carries a back-length byte, every
//! entry a flags element and an element count so it can be walked backwards). A chunk holds
//! at most [`NODE_MAX_ENTRIES`] entries, so walking it backwards is done by collecting its
//! entry offsets first, for nothing per entry.
//!
//! # Tombstones
//!
//! Redis does not remove an entry from its listpack on XDEL or trimming; it flags it deleted
//! and counts it, and a node takes new entries only while its live plus deleted entries stay
//! under `stream-node-max-entries` and its listpack under `stream-node-max-bytes`. Which node
//! an entry lands in is visible (approximate trimming removes whole nodes; XINFO reports the
//! node count), so a chunk keeps `deleted` and `lp_fixed` (the bytes Redis's listpack would
//! have, as [`lp_int_bytes`] and [`lp_str_bytes`] compute them) while really removing the
//! bytes of deleted entries.

use bytes::Bytes;
use smallvec::SmallVec;

use super::StreamId;

/// Redis's default `stream-node-max-bytes`: a node takes no entry that would bring its
/// listpack to this size.
pub const NODE_MAX_BYTES: u64 = 4096;
/// Redis's default `stream-node-max-entries`: live plus deleted entries per node.
pub const NODE_MAX_ENTRIES: u32 = 100;

const SAME_FIELDS: u128 = 1;
/// Bytes of an empty listpack: a 6-byte header and the end byte.
const LP_EMPTY_BYTES: u64 = 7;

/// Entry offsets of one chunk, for walking it backwards.
pub(super) type Offsets = SmallVec<[u32; 128]>;

fn put_varint(buf: &mut Vec<u8>, mut v: u128) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            buf.push(byte);
            return;
        }
        buf.push(byte | 0x80);
    }
}

fn get_varint(buf: &[u8], pos: &mut usize) -> u128 {
    let mut v = 0u128;
    let mut shift = 0;
    loop {
        let byte = buf[*pos];
        *pos += 1;
        v |= u128::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return v;
        }
        shift += 7;
        assert!(shift < 133, "corrupt stream chunk varint");
    }
}

fn get_len(buf: &[u8], pos: &mut usize) -> usize {
    usize::try_from(get_varint(buf, pos)).expect("lengths fit in usize")
}

fn put_bytes(buf: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(buf, bytes.len() as u128);
    buf.extend_from_slice(bytes);
}

fn get_bytes<'a>(buf: &'a [u8], pos: &mut usize) -> &'a [u8] {
    let len = get_len(buf, pos);
    let bytes = &buf[*pos..*pos + len];
    *pos += len;
    bytes
}

fn skip_bytes(buf: &[u8], pos: &mut usize) {
    let len = get_len(buf, pos);
    *pos += len;
}

/// Bytes a listpack spends on the integer `v`: its encoding plus the one back-length byte.
pub fn lp_int_bytes(v: i64) -> u64 {
    let encoded = match v {
        0..=127 => 1,
        -4096..=4095 => 2,
        -32768..=32767 => 3,
        -8_388_608..=8_388_607 => 4,
        -2_147_483_648..=2_147_483_647 => 5,
        _ => 9,
    };
    encoded + 1
}

/// Bytes a listpack spends on the string `s`: as an integer when it is one in canonical form
/// (`lpStringToInt64`, the same rule as `string2ll`), otherwise header, bytes and back-length.
pub fn lp_str_bytes(s: &[u8]) -> u64 {
    if let Some(v) = crate::resp::parse::parse_i64(s) {
        return lp_int_bytes(v);
    }
    let len = s.len() as u64;
    let header = if len < 64 {
        1
    } else if len < 4096 {
        2
    } else {
        5
    };
    let element = header + len;
    let backlen = match element {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    };
    element + backlen
}

/// One entry inside a chunk, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct EntryRef<'a> {
    pub id: StreamId,
    buf: &'a [u8],
    /// Where the entry ends in the chunk.
    pub(super) end: u32,
    /// Where its field/value data starts.
    data_at: usize,
    /// Field names come from the master (only values are stored).
    same_fields: bool,
    fields: usize,
}

impl<'a> EntryRef<'a> {
    /// Number of field/value pairs.
    pub fn len(&self) -> usize {
        self.fields
    }

    pub fn is_empty(&self) -> bool {
        self.fields == 0
    }

    /// The field/value pairs in insertion order.
    pub fn pairs(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        let buf = self.buf;
        let mut data = self.data_at;
        // The master's names start after its field count.
        let mut names = 0usize;
        if self.same_fields {
            get_varint(buf, &mut names);
        }
        let same = self.same_fields;
        (0..self.fields).map(move |_| {
            let field = if same {
                get_bytes(buf, &mut names)
            } else {
                get_bytes(buf, &mut data)
            };
            let value = get_bytes(buf, &mut data);
            (field, value)
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Chunk {
    buf: Vec<u8>,
    /// Offset of the first entry (just past the master fields).
    entries_at: u32,
    /// Entries present.
    pub(super) live: u32,
    /// Entries removed while the chunk stayed: Redis's tombstones, counted towards the node's
    /// entry limit.
    pub(super) deleted: u32,
    /// The listpack bytes of Redis's node except its live and deleted counters (see
    /// [`Chunk::lp_bytes`]), deleted entries included.
    lp_fixed: u64,
    /// The last id ever appended, deleted or not: Redis's MINID trimming judges a node by it.
    pub(super) tail: StreamId,
}

/// The total length of the fields and values, as Redis sums them to decide on a new node.
pub(super) fn pairs_len(pairs: &[Bytes]) -> u64 {
    pairs.iter().map(|p| p.len() as u64).sum()
}

impl Chunk {
    /// A chunk whose master fields are the field names of `pairs` (flat field, value, ...),
    /// holding nothing yet.
    pub(super) fn new(pairs: &[Bytes]) -> Chunk {
        let fields = pairs.len() / 2;
        let mut buf = Vec::new();
        put_varint(&mut buf, fields as u128);
        // Master: count and deleted (counted apart), field count, names, zero terminator.
        let mut lp_fixed = LP_EMPTY_BYTES + lp_int_bytes(fields as i64) + lp_int_bytes(0);
        for field in pairs.iter().step_by(2) {
            put_bytes(&mut buf, field);
            lp_fixed += lp_str_bytes(field);
        }
        Chunk {
            entries_at: u32::try_from(buf.len()).expect("master fields fit a chunk"),
            buf,
            live: 0,
            deleted: 0,
            lp_fixed,
            tail: StreamId::MIN,
        }
    }

    /// The size Redis's listpack for this node would have.
    pub(super) fn lp_bytes(&self) -> u64 {
        self.lp_fixed + lp_int_bytes(self.live.into()) + lp_int_bytes(self.deleted.into())
    }

    /// Whether Redis would append an entry whose fields and values total `pairs_len` bytes
    /// to this node rather than start a new one.
    pub(super) fn accepts(&self, pairs_len: u64) -> bool {
        self.lp_bytes() + pairs_len < NODE_MAX_BYTES && self.live + self.deleted < NODE_MAX_ENTRIES
    }

    fn same_fields(&self, pairs: &[Bytes]) -> bool {
        let mut pos = 0;
        let master = get_len(&self.buf, &mut pos);
        master == pairs.len() / 2
            && pairs
                .iter()
                .step_by(2)
                .all(|field| get_bytes(&self.buf, &mut pos) == &field[..])
    }

    /// Appends an entry; `id` is above every id in the chunk, `pairs` is field, value, ....
    pub(super) fn push(&mut self, master: StreamId, id: StreamId, pairs: &[Bytes]) {
        debug_assert!(id > self.tail && id >= master, "ids grow within a chunk");
        let fields = pairs.len() / 2;
        let same = self.same_fields(pairs);
        let ms_delta = id.ms - master.ms;
        put_varint(
            &mut self.buf,
            (u128::from(ms_delta) << 1) | if same { SAME_FIELDS } else { 0 },
        );
        let seq = if ms_delta == 0 {
            id.seq - master.seq
        } else {
            id.seq
        };
        put_varint(&mut self.buf, seq.into());
        // Redis: flags, ms-diff, seq-diff, [field count], fields and values, lp-count.
        let mut lp = lp_int_bytes(if same { 2 } else { 0 })
            + lp_int_bytes(ms_delta as i64)
            + lp_int_bytes(id.seq.wrapping_sub(master.seq) as i64);
        let mut lp_count = fields as i64 + 3;
        if !same {
            put_varint(&mut self.buf, fields as u128);
            lp += lp_int_bytes(fields as i64);
            lp_count += fields as i64 + 1;
        }
        for pair in pairs.chunks_exact(2) {
            if !same {
                put_bytes(&mut self.buf, &pair[0]);
                lp += lp_str_bytes(&pair[0]);
            }
            put_bytes(&mut self.buf, &pair[1]);
            lp += lp_str_bytes(&pair[1]);
        }
        self.lp_fixed += lp + lp_int_bytes(lp_count);
        self.live += 1;
        self.tail = id;
    }

    /// Decodes the entry starting at `at`.
    pub(super) fn entry_at(&self, master: StreamId, at: u32) -> EntryRef<'_> {
        let buf = &self.buf[..];
        let mut pos = at as usize;
        let head = get_varint(buf, &mut pos);
        let same_fields = head & SAME_FIELDS != 0;
        let ms_delta = u64::try_from(head >> 1).expect("ms delta fits u64");
        let seq = u64::try_from(get_varint(buf, &mut pos)).expect("seq fits u64");
        let id = StreamId {
            ms: master.ms + ms_delta,
            seq: if ms_delta == 0 { master.seq + seq } else { seq },
        };
        let fields = if same_fields {
            get_len(buf, &mut 0)
        } else {
            get_len(buf, &mut pos)
        };
        let data_at = pos;
        let per_field = if same_fields { 1 } else { 2 };
        for _ in 0..fields * per_field {
            skip_bytes(buf, &mut pos);
        }
        EntryRef {
            id,
            buf,
            end: u32::try_from(pos).expect("chunk offsets fit u32"),
            data_at,
            same_fields,
            fields,
        }
    }

    /// Offset of the first entry, and of the end: an entry exists at `at` while `at < end`.
    pub(super) fn bounds(&self) -> (u32, u32) {
        (
            self.entries_at,
            u32::try_from(self.buf.len()).expect("chunk offsets fit u32"),
        )
    }

    /// Every entry's offset, first to last.
    pub(super) fn offsets(&self, master: StreamId) -> Offsets {
        let (mut at, end) = self.bounds();
        let mut offsets = Offsets::new();
        while at < end {
            offsets.push(at);
            at = self.entry_at(master, at).end;
        }
        offsets
    }

    /// Removes the bytes `[at, end)` holding `count` entries, which become tombstones.
    pub(super) fn remove(&mut self, at: u32, end: u32, count: u32) {
        self.buf.drain(at as usize..end as usize);
        self.live -= count;
        self.deleted += count;
        // Give memory back after large removals, keeping slack so that a chunk that still
        // grows does not shrink and grow again on every change.
        let len = self.buf.len();
        if self.buf.capacity() > 4 * len + 64 {
            self.buf.shrink_to(2 * len);
        }
    }

    /// Gives back spare capacity: the chunk has stopped growing.
    pub(super) fn seal(&mut self) {
        self.buf.shrink_to_fit();
    }

    pub(super) fn capacity(&self) -> usize {
        self.buf.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(items: &[&str]) -> Vec<Bytes> {
        items
            .iter()
            .map(|s| Bytes::copy_from_slice(s.as_bytes()))
            .collect()
    }

    fn id(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    #[test]
    fn entries_round_trip_with_and_without_master_fields() {
        let master = id(1000, 5);
        let first = flat(&["name", "ada", "age", "36"]);
        let mut chunk = Chunk::new(&first);
        chunk.push(master, master, &first);
        chunk.push(master, id(1000, 9), &flat(&["name", "bob", "age", "7"]));
        chunk.push(master, id(2000, 0), &flat(&["other", ""]));
        chunk.push(
            master,
            id(u64::MAX, u64::MAX),
            &flat(&["name", "x", "age", "y"]),
        );
        let entries: Vec<_> = chunk
            .offsets(master)
            .iter()
            .map(|&at| {
                let e = chunk.entry_at(master, at);
                (
                    e.id,
                    e.pairs()
                        .map(|(f, v)| (f.to_vec(), v.to_vec()))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[0].0, master);
        assert_eq!(entries[1].0, id(1000, 9));
        assert_eq!(entries[1].1[0], (b"name".to_vec(), b"bob".to_vec()));
        assert_eq!(entries[2].1, vec![(b"other".to_vec(), Vec::new())]);
        assert_eq!(entries[3].0, id(u64::MAX, u64::MAX));
        assert_eq!(entries[3].1[1], (b"age".to_vec(), b"y".to_vec()));
        assert_eq!(chunk.live, 4);
    }

    #[test]
    fn listpack_sizes_follow_redis_encodings() {
        assert_eq!(lp_int_bytes(0), 2);
        assert_eq!(lp_int_bytes(127), 2);
        assert_eq!(lp_int_bytes(128), 3);
        assert_eq!(lp_int_bytes(-1), 3);
        assert_eq!(lp_int_bytes(40000), 5);
        assert_eq!(lp_int_bytes(i64::MIN), 10);
        assert_eq!(lp_str_bytes(b"v"), 3);
        assert_eq!(lp_str_bytes(b"123"), 2);
        assert_eq!(lp_str_bytes(b"0123"), 6);
        assert_eq!(lp_str_bytes(&[b'x'; 63]), 65);
        assert_eq!(lp_str_bytes(&[b'x'; 64]), 67);
        assert_eq!(lp_str_bytes(&[b'x'; 200]), 204);
        // A fresh node with one `f v` entry: header and end 7, counters 2+2, master field
        // count 2, "f" 3 and terminator 2, entry flags 2, ids 2+2, value 3, lp-count 2.
        let pairs = flat(&["f", "v"]);
        let mut chunk = Chunk::new(&pairs);
        chunk.push(id(1, 0), id(1, 0), &pairs);
        assert_eq!(chunk.lp_bytes(), 7 + 4 + 7 + 11);
    }
}
