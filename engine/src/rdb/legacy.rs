//! Readers of the packed encodings older Redis versions wrote and Redis 7 still loads:
//! ziplists (lists, hashes and sorted sets before 7.0), intsets (integer sets, still written
//! by 7.0) and zipmaps (hashes before 2.6). Every length is checked against the buffer.

use super::listpack::{Corrupt, Elem};

/// Every element of a ziplist.
///
/// ```text
/// ziplist = total:u32le tail:u32le count:u16le entry* 0xff
/// entry   = prevlen (1 byte, or 0xfe + u32le) encoding data
/// ```
pub fn ziplist_elements(buf: &[u8]) -> Result<Vec<Elem<'_>>, Corrupt> {
    const HEADER: usize = 10;
    if buf.len() < HEADER + 1 {
        return Err(Corrupt("ziplist shorter than its header"));
    }
    let total = u32::from_le_bytes(buf[..4].try_into().expect("4 bytes")) as usize;
    if total != buf.len() || buf[buf.len() - 1] != 0xff {
        return Err(Corrupt("ziplist size or terminator wrong"));
    }
    let body = &buf[..buf.len() - 1];
    let take = |from: usize, n: usize| -> Result<&[u8], Corrupt> {
        from.checked_add(n)
            .and_then(|end| body.get(from..end))
            .ok_or(Corrupt("ziplist entry runs past the end"))
    };
    let mut out =
        Vec::with_capacity(usize::from(u16::from_le_bytes([buf[8], buf[9]])).min(body.len() / 2));
    let mut pos = HEADER;
    let mut previous = 0usize;
    while pos < body.len() {
        let start = pos;
        let prevlen = match take(pos, 1)?[0] {
            0xfe => {
                let v = u32::from_le_bytes(take(pos + 1, 4)?.try_into().expect("4")) as usize;
                pos += 5;
                v
            }
            0xff => return Err(Corrupt("ziplist prevlen 255")),
            v => {
                pos += 1;
                usize::from(v)
            }
        };
        if prevlen != previous {
            return Err(Corrupt("ziplist prevlen does not match the previous entry"));
        }
        let enc = take(pos, 1)?[0];
        let int = |bytes: &[u8]| -> i64 {
            let mut le = [0u8; 8];
            le[..bytes.len()].copy_from_slice(bytes);
            let shift = 64 - 8 * bytes.len() as u32;
            (i64::from_le_bytes(le) << shift) >> shift
        };
        let elem = match enc >> 6 {
            0 => {
                let len = usize::from(enc & 0x3f);
                pos += 1;
                let s = take(pos, len)?;
                pos += len;
                Elem::Str(s)
            }
            1 => {
                let len = usize::from(enc & 0x3f) << 8 | usize::from(take(pos + 1, 1)?[0]);
                pos += 2;
                let s = take(pos, len)?;
                pos += len;
                Elem::Str(s)
            }
            2 => {
                if enc != 0x80 {
                    return Err(Corrupt("unknown ziplist string encoding"));
                }
                let len = u32::from_be_bytes(take(pos + 1, 4)?.try_into().expect("4")) as usize;
                pos += 5;
                let s = take(pos, len)?;
                pos += len;
                Elem::Str(s)
            }
            _ => {
                let width = match enc {
                    0xc0 => 2,
                    0xd0 => 4,
                    0xe0 => 8,
                    0xf0 => 3,
                    0xfe => 1,
                    0xf1..=0xfd => 0,
                    _ => return Err(Corrupt("unknown ziplist integer encoding")),
                };
                pos += 1;
                if width == 0 {
                    Elem::Int(i64::from(enc & 0x0f) - 1)
                } else {
                    let v = int(take(pos, width)?);
                    pos += width;
                    Elem::Int(v)
                }
            }
        };
        previous = pos - start;
        out.push(elem);
    }
    Ok(out)
}

/// Every integer of an intset, checked to be strictly ascending.
///
/// ```text
/// intset = width:u32le (2, 4 or 8) count:u32le value*count (little-endian)
/// ```
pub fn intset_values(buf: &[u8]) -> Result<Vec<i64>, Corrupt> {
    if buf.len() < 8 {
        return Err(Corrupt("intset shorter than its header"));
    }
    let width = u32::from_le_bytes(buf[..4].try_into().expect("4")) as usize;
    let count = u32::from_le_bytes(buf[4..8].try_into().expect("4")) as usize;
    if !matches!(width, 2 | 4 | 8) {
        return Err(Corrupt("intset width"));
    }
    if count == 0 || (buf.len() - 8) / width != count || !(buf.len() - 8).is_multiple_of(width) {
        return Err(Corrupt("intset size does not match its count"));
    }
    let values: Vec<i64> = buf[8..]
        .chunks_exact(width)
        .map(|c| match width {
            2 => i64::from(i16::from_le_bytes(c.try_into().expect("2"))),
            4 => i64::from(i32::from_le_bytes(c.try_into().expect("4"))),
            _ => i64::from_le_bytes(c.try_into().expect("8")),
        })
        .collect();
    if values.windows(2).any(|w| w[0] >= w[1]) {
        return Err(Corrupt("intset not strictly ascending"));
    }
    Ok(values)
}

/// Every field and value of a zipmap, alternating.
///
/// ```text
/// zipmap = count:u8 (len field len free value free-bytes)* 0xff
/// len    = u8 below 254, or 254 + u32le
/// ```
pub fn zipmap_elements(buf: &[u8]) -> Result<Vec<&[u8]>, Corrupt> {
    let take = |from: usize, n: usize| -> Result<&[u8], Corrupt> {
        from.checked_add(n)
            .and_then(|end| buf.get(from..end))
            .ok_or(Corrupt("zipmap runs past the end"))
    };
    let len_at = |pos: &mut usize| -> Result<Option<usize>, Corrupt> {
        match take(*pos, 1)?[0] {
            0xff => Ok(None),
            254 => {
                let v = u32::from_le_bytes(take(*pos + 1, 4)?.try_into().expect("4"));
                *pos += 5;
                Ok(Some(v as usize))
            }
            253 => Err(Corrupt("zipmap length 253")),
            v => {
                *pos += 1;
                Ok(Some(usize::from(v)))
            }
        }
    };
    let mut out = Vec::new();
    let mut pos = 1;
    while let Some(field_len) = len_at(&mut pos)? {
        out.push(take(pos, field_len)?);
        pos += field_len;
        let Some(value_len) = len_at(&mut pos)? else {
            return Err(Corrupt("zipmap field without a value"));
        };
        let free = usize::from(take(pos, 1)?[0]);
        pos += 1;
        out.push(take(pos, value_len)?);
        pos += value_len;
        take(pos, free)?;
        pos += free;
    }
    if pos != buf.len() - 1 {
        return Err(Corrupt("zipmap has bytes after its terminator"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ziplist_every_encoding() {
        // Built by hand: "ab", 7 (immediate), -2 (int8), 300 (int16), a 70-byte string.
        let long = [b'z'; 70];
        let mut body = vec![0u8; 10];
        let mut entries: Vec<Vec<u8>> = vec![
            vec![0x02, b'a', b'b'],
            vec![0xf8],
            vec![0xfe, 0xfe],
            vec![0xc0, 0x2c, 0x01],
        ];
        let mut e = vec![0x40, 70];
        e.extend_from_slice(&long);
        entries.push(e);
        let mut previous = 0;
        for entry in &entries {
            body.push(previous as u8);
            body.extend_from_slice(entry);
            previous = entry.len() + 1;
        }
        body.push(0xff);
        let total = body.len() as u32;
        body[..4].copy_from_slice(&total.to_le_bytes());
        body[8..10].copy_from_slice(&5u16.to_le_bytes());
        let elems = ziplist_elements(&body).unwrap();
        assert_eq!(
            elems,
            [
                Elem::Str(b"ab"),
                Elem::Int(7),
                Elem::Int(-2),
                Elem::Int(300),
                Elem::Str(&long)
            ]
        );
        for cut in 0..body.len() {
            assert!(ziplist_elements(&body[..cut]).is_err());
        }
    }

    #[test]
    fn intset_checks_order_and_size() {
        let mut buf = vec![2, 0, 0, 0, 3, 0, 0, 0];
        for v in [-5i16, 1, 300] {
            buf.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(intset_values(&buf).unwrap(), [-5, 1, 300]);
        assert!(intset_values(&buf[..buf.len() - 1]).is_err());
        buf[8] = 0x2c;
        buf[9] = 0x01;
        assert!(intset_values(&buf).is_err(), "not ascending");
    }

    #[test]
    fn zipmap_pairs() {
        let buf = [
            2, 3, b'f', b'o', b'o', 3, 1, b'b', b'a', b'r', 0, 1, b'x', 0, 0, 0xff,
        ];
        assert_eq!(
            zipmap_elements(&buf).unwrap(),
            [&b"foo"[..], b"bar", b"x", b""]
        );
    }
}
