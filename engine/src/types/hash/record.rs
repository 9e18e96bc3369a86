//! The byte layout of one field/value pair, shared by both hash representations: the packed
//! buffer stores records back to back (each behind its length), the table stores each record
//! in its own allocation. One layout means converting between them copies bytes and nothing
//! else, and a field, its value and its TTL cost one allocation in the table, not three.
//!
//! Layout: `varint(field_len << 1 | has_deadline)`, the field, the value, then the deadline as
//! 8 little-endian bytes when the flag is set. The value's length is what remains, so it costs
//! no bytes: a record's length is always known from its container.
//!
//! Records are only ever built by [`encode`]; decoding trusts them (a malformed record is a
//! bug, and indexing panics on it).

/// Bytes a deadline takes at the end of a record.
const DEADLINE_LEN: usize = 8;

/// Appends `n` as an unsigned LEB128 varint (1 byte below 128, 2 below 16384, ...).
pub(super) fn put_varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads a varint written by [`put_varint`] at the start of `buf`: the value and its length.
pub(super) fn read_varint(buf: &[u8]) -> (usize, usize) {
    let mut value = 0usize;
    let mut shift = 0;
    for (i, &byte) in buf.iter().enumerate() {
        value |= usize::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return (value, i + 1);
        }
        shift += 7;
    }
    panic!("truncated varint in a hash record");
}

/// How many bytes [`put_varint`] writes for `n`.
pub(super) fn varint_len(n: usize) -> usize {
    let bits = usize::BITS - n.leading_zeros();
    (bits.max(1) as usize).div_ceil(7)
}

/// One decoded record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Record<'a> {
    pub field: &'a [u8],
    pub value: &'a [u8],
    /// Absolute Unix milliseconds after which the field is gone; `None`: no TTL.
    pub deadline: Option<u64>,
}

/// The length of the record [`encode`] builds.
pub(super) fn encoded_len(field: &[u8], value: &[u8], deadline: Option<u64>) -> usize {
    let tail = if deadline.is_some() { DEADLINE_LEN } else { 0 };
    varint_len(field.len() << 1) + field.len() + value.len() + tail
}

/// Appends the record for `field`, `value` and `deadline` to `out`.
pub(super) fn encode(out: &mut Vec<u8>, field: &[u8], value: &[u8], deadline: Option<u64>) {
    put_varint(out, field.len() << 1 | usize::from(deadline.is_some()));
    out.extend_from_slice(field);
    out.extend_from_slice(value);
    if let Some(deadline) = deadline {
        out.extend_from_slice(&deadline.to_le_bytes());
    }
}

/// A record in an allocation of its own, sized exactly.
pub(super) fn boxed(field: &[u8], value: &[u8], deadline: Option<u64>) -> Box<[u8]> {
    let mut out = Vec::with_capacity(encoded_len(field, value, deadline));
    encode(&mut out, field, value, deadline);
    out.into_boxed_slice()
}

/// Decodes a whole record.
pub(super) fn decode(record: &[u8]) -> Record<'_> {
    let (header, used) = read_varint(record);
    let field_end = used + (header >> 1);
    let (value_end, deadline) = if header & 1 == 1 {
        let at = record.len() - DEADLINE_LEN;
        let bytes: [u8; DEADLINE_LEN] = record[at..]
            .try_into()
            .expect("the slice is DEADLINE_LEN bytes long");
        (at, Some(u64::from_le_bytes(bytes)))
    } else {
        (record.len(), None)
    };
    Record {
        field: &record[used..field_end],
        value: &record[field_end..value_end],
        deadline,
    }
}

/// The field of a record, without looking at the rest (the hot path of lookups).
pub(super) fn field_of(record: &[u8]) -> &[u8] {
    let (header, used) = read_varint(record);
    &record[used..used + (header >> 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_at_every_width() {
        for n in [0, 1, 127, 128, 300, 16_383, 16_384, 1 << 40, usize::MAX] {
            let mut buf = Vec::new();
            put_varint(&mut buf, n);
            assert_eq!(buf.len(), varint_len(n), "length of {n}");
            assert_eq!(read_varint(&buf), (n, buf.len()));
        }
    }

    #[test]
    fn records_round_trip_with_and_without_deadline() {
        let long = vec![b'x'; 300];
        for (field, value) in [
            (&b""[..], &b""[..]),
            (b"f", b"v"),
            (&long, b"1"),
            (b"k", &long),
        ] {
            for deadline in [None, Some(0), Some(1_700_000_000_123), Some(u64::MAX)] {
                let record = boxed(field, value, deadline);
                assert_eq!(record.len(), encoded_len(field, value, deadline));
                let decoded = decode(&record);
                assert_eq!(
                    decoded,
                    Record {
                        field,
                        value,
                        deadline
                    }
                );
                assert_eq!(field_of(&record), field);
            }
        }
    }
}
