//! The append-only log's record format: what one write (or one transaction) looks like on
//! disk, and how a byte stream is read back into records, telling a torn tail from corruption.
//!
//! ```text
//! record  = length:u32le  check:u32le  crc:u32le  payload
//!           (check = CRC-32C of the 4 length bytes, crc = CRC-32C of payload)
//! payload = now_ms:u64le  count:u32le  command{count}
//! command = db:u32le  argc:u32le  (len:u32le bytes){argc}
//! ```
//!
//! Every command carries its database and every record the wall-clock time it ran at, so replay
//! re-executes them exactly (relative TTLs, XADD's `*` and GETEX resolve to the same absolute
//! times). A transaction is one record: a crash keeps all of it or none. The format is ours
//! rather than Redis's RESP AOF because Redis's has no checksums: a torn or corrupt record must
//! be detected, not replayed. Layout constants never change once written (see `MAGIC`).
//!
//! The length has a check of its own (format 2) because a damaged length is otherwise
//! ambiguous: a record claiming to run past the end of the file looks exactly like a write
//! torn by a crash, and the loader would drop it — and every record after it — as a torn
//! tail. With the check, only a header that is itself cut short, or a tail of zeros (a file
//! extended but never written, as file systems leave it after a crash), reads as torn.

/// First bytes of every log file; the digit is the format version.
pub const MAGIC: &[u8; 8] = b"FERAOF2\n";
/// Largest record accepted when reading: a length beyond it is corruption, not a record, so
/// a damaged header can never make the loader allocate gigabytes.
pub const RECORD_BYTES_MAX: u32 = 1 << 30;
const HEADER_BYTES: usize = 12;

/// One logged unit: the commands of one write, or of one EXEC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub now_ms: u64,
    /// (database, arguments) per command.
    pub commands: Vec<(u32, Vec<Vec<u8>>)>,
}

/// CRC-32C (Castagnoli), bytewise with a table computed at compile time.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

pub fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc = CRC_TABLE[((crc ^ b as u32) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Appends the encoding of one record to `out`: `commands` as (database, arguments).
pub fn encode<A: AsRef<[u8]>>(out: &mut Vec<u8>, now_ms: u64, commands: &[(u32, &[A])]) {
    let start = out.len();
    out.extend_from_slice(&[0u8; HEADER_BYTES]);
    out.extend_from_slice(&now_ms.to_le_bytes());
    put_u32(out, commands.len() as u32);
    for (db, command) in commands {
        put_u32(out, *db);
        put_u32(out, command.len() as u32);
        for arg in *command {
            let arg = arg.as_ref();
            put_u32(out, arg.len() as u32);
            out.extend_from_slice(arg);
        }
    }
    let payload_len = out.len() - start - HEADER_BYTES;
    assert!(
        payload_len <= RECORD_BYTES_MAX as usize,
        "record of {payload_len} bytes exceeds the format's limit"
    );
    let crc = crc32c(&out[start + HEADER_BYTES..]);
    let len = (payload_len as u32).to_le_bytes();
    out[start..start + 4].copy_from_slice(&len);
    out[start + 4..start + 8].copy_from_slice(&crc32c(&len).to_le_bytes());
    out[start + 8..start + 12].copy_from_slice(&crc.to_le_bytes());
}

/// Why reading stopped before the end of the data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The data ends inside a record (a write torn by a crash): everything before `offset` is
    /// good; the tail may be dropped.
    Truncated { offset: u64 },
    /// A complete record fails its checksum or does not parse, with more data after it.
    Corrupt { offset: u64, reason: &'static str },
}

fn take_u32(p: &mut &[u8]) -> Option<u32> {
    let (head, rest) = p.split_first_chunk::<4>()?;
    *p = rest;
    Some(u32::from_le_bytes(*head))
}

fn parse_payload(mut p: &[u8]) -> Option<Record> {
    let (now, rest) = p.split_first_chunk::<8>()?;
    p = rest;
    let now_ms = u64::from_le_bytes(*now);
    let count = take_u32(&mut p)?;
    // Sizes come from checksummed bytes, yet are still bounded by what remains before any
    // allocation: a record can never claim more elements than it has bytes.
    let mut commands = Vec::with_capacity((count as usize).min(p.len() / 4));
    for _ in 0..count {
        let db = take_u32(&mut p)?;
        let argc = take_u32(&mut p)?;
        let mut args = Vec::with_capacity((argc as usize).min(p.len() / 4));
        for _ in 0..argc {
            let len = take_u32(&mut p)? as usize;
            if len > p.len() {
                return None;
            }
            let (arg, rest) = p.split_at(len);
            args.push(arg.to_vec());
            p = rest;
        }
        commands.push((db, args));
    }
    p.is_empty().then_some(Record { now_ms, commands })
}

/// Reads records from `data` (which starts right after the magic header, at file offset
/// `base`), calling `each` for every good one. Returns the offset just past the last good
/// record, or why reading stopped early.
pub fn read_all(data: &[u8], base: u64, mut each: impl FnMut(Record)) -> Result<u64, ReadError> {
    let mut pos = 0usize;
    while pos < data.len() {
        let offset = base + pos as u64;
        let rest = &data[pos..];
        if rest.len() < HEADER_BYTES {
            return Err(ReadError::Truncated { offset });
        }
        let len = u32::from_le_bytes(rest[0..4].try_into().expect("4 bytes"));
        let check = u32::from_le_bytes(rest[4..8].try_into().expect("4 bytes"));
        let crc = u32::from_le_bytes(rest[8..12].try_into().expect("4 bytes"));
        if crc32c(&rest[0..4]) != check {
            // Zeros from inside this header to the end: a file extended by a write the crash
            // never let reach the disk. Anything else is a damaged header, which must not
            // pass for a torn tail.
            let written = rest.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
            return Err(if written < HEADER_BYTES {
                ReadError::Truncated { offset }
            } else {
                ReadError::Corrupt {
                    offset,
                    reason: "record header checksum mismatch",
                }
            });
        }
        if len > RECORD_BYTES_MAX {
            return Err(ReadError::Corrupt {
                offset,
                reason: "record length beyond the format's limit",
            });
        }
        let end = HEADER_BYTES + len as usize;
        if rest.len() < end {
            return Err(ReadError::Truncated { offset });
        }
        let payload = &rest[HEADER_BYTES..end];
        let last = rest.len() == end;
        if crc32c(payload) != crc {
            // A bad checksum on the very last record is a torn final write; anywhere else the
            // log is damaged and replaying past it would invent a history.
            return Err(if last {
                ReadError::Truncated { offset }
            } else {
                ReadError::Corrupt {
                    offset,
                    reason: "checksum mismatch",
                }
            });
        }
        let Some(record) = parse_payload(payload) else {
            return Err(ReadError::Corrupt {
                offset,
                reason: "malformed record",
            });
        };
        each(record);
        pos += end;
    }
    Ok(base + pos as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut out = Vec::new();
        encode(&mut out, 1_000, &[(0, &[&b"SET"[..], b"k", b"v"][..])]);
        encode(
            &mut out,
            2_000,
            &[
                (3, &[&b"INCR"[..], b"n"][..]),
                (3, &[&b"DEL"[..], b"x"][..]),
            ],
        );
        out
    }

    fn first_len() -> usize {
        let mut one = Vec::new();
        encode(&mut one, 1_000, &[(0, &[&b"SET"[..], b"k", b"v"][..])]);
        one.len()
    }

    #[test]
    fn a_damaged_length_is_corruption_not_a_torn_tail() {
        let data = sample();
        for bit in 0..32 {
            let mut bad = data.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            assert!(
                matches!(
                    read_all(&bad, 0, |_| {}),
                    Err(ReadError::Corrupt { offset: 0, .. })
                ),
                "bit {bit}"
            );
        }
        // A tail of zeros (a file extended but never written) is a torn tail.
        let mut zeros = data.clone();
        zeros.extend_from_slice(&[0; 40]);
        assert_eq!(
            read_all(&zeros, 0, |_| {}),
            Err(ReadError::Truncated {
                offset: data.len() as u64
            })
        );
        // So is a last header cut off by zeros (its sector never written).
        let mut cut = data.clone();
        let first = first_len();
        for b in &mut cut[first + 5..] {
            *b = 0;
        }
        assert_eq!(
            read_all(&cut, 0, |_| {}),
            Err(ReadError::Truncated {
                offset: first as u64
            })
        );
    }

    #[test]
    fn round_trip() {
        let data = sample();
        let mut records = Vec::new();
        assert_eq!(
            read_all(&data, 8, |r| records.push(r)),
            Ok(8 + data.len() as u64)
        );
        assert_eq!(records.len(), 2);
        assert_eq!(
            records[1].commands[1],
            (3, vec![b"DEL".to_vec(), b"x".to_vec()])
        );
        assert_eq!(crc32c(b"123456789"), 0xE306_9283, "CRC-32C check value");
    }

    #[test]
    fn every_truncation_is_a_torn_tail_after_the_good_prefix() {
        let data = sample();
        let first_len = {
            let mut one = Vec::new();
            encode(&mut one, 1_000, &[(0, &[&b"SET"[..], b"k", b"v"][..])]);
            one.len()
        };
        for cut in 0..data.len() {
            let mut seen = 0;
            let result = read_all(&data[..cut], 0, |_| seen += 1);
            if cut == 0 || cut == first_len {
                assert!(result.is_ok());
            } else {
                let expected = if cut < first_len { 0 } else { first_len as u64 };
                assert_eq!(
                    result,
                    Err(ReadError::Truncated { offset: expected }),
                    "cut at {cut}"
                );
            }
        }
    }

    #[test]
    fn flipped_bits_are_caught() {
        let data = sample();
        for byte in 0..data.len() {
            let mut bad = data.clone();
            bad[byte] ^= 0x10;
            let mut records = Vec::new();
            let result = read_all(&bad, 0, |r| records.push(r));
            // Either an error, or (only if the flip hit the last record) a truncated tail:
            // never a different history, and never a torn tail before the last record.
            assert!(result.is_err(), "flip at {byte} went unnoticed");
            if byte < first_len() {
                assert!(
                    matches!(result, Err(ReadError::Corrupt { offset: 0, .. })),
                    "flip at {byte} in the first record: {result:?}"
                );
            }
            for r in &records {
                assert!(r.commands[0].1[0] == b"SET" || r.commands[0].1[0] == b"INCR");
            }
        }
    }

    #[test]
    fn absurd_lengths_do_not_allocate() {
        let mut data = Vec::new();
        data.extend_from_slice(&u32::MAX.to_le_bytes());
        data.extend_from_slice(&crc32c(&u32::MAX.to_le_bytes()).to_le_bytes());
        data.extend_from_slice(&[0; 12]);
        assert!(matches!(
            read_all(&data, 0, |_| {}),
            Err(ReadError::Corrupt { .. })
        ));
    }
}
