//! Listpacks, the packed element arrays Redis 7 stores small aggregates and stream nodes in:
//! a writer that builds them as Redis's `lpAppend` would, and a checked reader.
//!
//! ```text
//! listpack = total-bytes:u32le count:u16le entry* 0xff        (count 65535: "unknown")
//! entry    = encoding data backlen
//! ```
//!
//! Encodings: `0xxxxxxx` 7-bit unsigned; `10xxxxxx` string of up to 63 bytes; `110xxxxx` +1
//! byte 13-bit signed; `1110xxxx` +1 byte string of up to 4095; `11110000` + u32le string;
//! `11110001..11110100` 16/24/32/64-bit signed little-endian. `backlen` is the size of
//! encoding plus data in 1 to 5 bytes of 7 bits, readable backwards.
//!
//! The reader validates every entry against the buffer (lengths, back-lengths, the
//! terminator, the total size) and returns an error rather than panicking on any input.

use crate::resp::parse::parse_i64;

/// An element: a string or an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elem<'a> {
    Str(&'a [u8]),
    Int(i64),
}

impl Elem<'_> {
    pub fn to_vec(self) -> Vec<u8> {
        match self {
            Elem::Str(bytes) => bytes.to_vec(),
            Elem::Int(n) => itoa::Buffer::new().format(n).as_bytes().to_vec(),
        }
    }

    pub fn with_bytes<R>(self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            Elem::Str(bytes) => f(bytes),
            Elem::Int(n) => f(itoa::Buffer::new().format(n).as_bytes()),
        }
    }

    /// The element as an integer: integers, and strings that are canonical integers.
    pub fn as_int(self) -> Option<i64> {
        match self {
            Elem::Int(n) => Some(n),
            Elem::Str(bytes) => parse_i64(bytes),
        }
    }
}

const HEADER: usize = 6;
const EOF: u8 = 0xff;
const COUNT_UNKNOWN: u16 = u16::MAX;

/// Builds a listpack.
#[derive(Debug)]
pub struct Writer {
    buf: Vec<u8>,
    count: usize,
}

impl Default for Writer {
    fn default() -> Writer {
        Writer::new()
    }
}

fn backlen_size(len: usize) -> usize {
    match len {
        0..=127 => 1,
        128..=16_382 => 2,
        16_383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    }
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            buf: vec![0; HEADER],
            count: 0,
        }
    }

    /// Bytes the finished listpack would have now.
    pub fn size(&self) -> usize {
        self.buf.len() + 1
    }

    pub fn count(&self) -> usize {
        self.count
    }

    fn put_backlen(&mut self, len: usize) {
        let size = backlen_size(len);
        // The byte at the lowest address holds the highest 7 bits, without the high bit;
        // every later byte has the high bit set, so a reader going backwards knows to go on.
        for i in (0..size).rev() {
            let part = ((len >> (7 * i)) & 0x7f) as u8;
            self.buf
                .push(if i == size - 1 { part } else { part | 0x80 });
        }
    }

    /// Appends a string; a canonical integer is stored as an integer, as `lpAppend` does.
    pub fn push_str(&mut self, bytes: &[u8]) {
        if bytes.len() <= 20
            && let Some(n) = parse_i64(bytes)
        {
            return self.push_int(n);
        }
        let start = self.buf.len();
        let len = bytes.len();
        if len < 64 {
            self.buf.push(0x80 | len as u8);
        } else if len < 4096 {
            self.buf.push(0xe0 | (len >> 8) as u8);
            self.buf.push(len as u8);
        } else {
            self.buf.push(0xf0);
            self.buf.extend_from_slice(&(len as u32).to_le_bytes());
        }
        self.buf.extend_from_slice(bytes);
        let entry = self.buf.len() - start;
        self.put_backlen(entry);
        self.count += 1;
    }

    pub fn push_int(&mut self, n: i64) {
        let start = self.buf.len();
        if (0..=127).contains(&n) {
            self.buf.push(n as u8);
        } else if (-4096..=4095).contains(&n) {
            let v = (n as u16) & 0x1fff;
            self.buf.push(0xc0 | (v >> 8) as u8);
            self.buf.push(v as u8);
        } else if let Ok(v) = i16::try_from(n) {
            self.buf.push(0xf1);
            self.buf.extend_from_slice(&v.to_le_bytes());
        } else if (-(1 << 23)..1 << 23).contains(&n) {
            self.buf.push(0xf2);
            self.buf.extend_from_slice(&(n as i32).to_le_bytes()[..3]);
        } else if let Ok(v) = i32::try_from(n) {
            self.buf.push(0xf3);
            self.buf.extend_from_slice(&v.to_le_bytes());
        } else {
            self.buf.push(0xf4);
            self.buf.extend_from_slice(&n.to_le_bytes());
        }
        let entry = self.buf.len() - start;
        self.put_backlen(entry);
        self.count += 1;
    }

    pub fn push(&mut self, elem: Elem<'_>) {
        match elem {
            Elem::Str(bytes) => self.push_str(bytes),
            Elem::Int(n) => self.push_int(n),
        }
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(EOF);
        let total = self.buf.len() as u32;
        self.buf[..4].copy_from_slice(&total.to_le_bytes());
        let count = u16::try_from(self.count).unwrap_or(COUNT_UNKNOWN);
        self.buf[4..6].copy_from_slice(&count.to_le_bytes());
        self.buf
    }
}

/// Why a listpack does not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Corrupt(pub &'static str);

/// Reads the elements of a listpack, checking its structure as it goes.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Elements the header announces, if known.
    announced: Option<usize>,
    seen: usize,
    done: bool,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Result<Reader<'a>, Corrupt> {
        if buf.len() < HEADER + 1 {
            return Err(Corrupt("listpack shorter than its header"));
        }
        let total = u32::from_le_bytes(buf[..4].try_into().expect("4 bytes")) as usize;
        if total != buf.len() {
            return Err(Corrupt("listpack size does not match its header"));
        }
        if buf[buf.len() - 1] != EOF {
            return Err(Corrupt("listpack does not end with its terminator"));
        }
        let count = u16::from_le_bytes([buf[4], buf[5]]);
        Ok(Reader {
            buf,
            pos: HEADER,
            announced: (count != COUNT_UNKNOWN).then_some(usize::from(count)),
            seen: 0,
            done: false,
        })
    }

    /// The element count the header announces (an upper bound for reserving is the size).
    pub fn announced(&self) -> Option<usize> {
        self.announced
    }

    fn bytes(&self, from: usize, n: usize) -> Result<&'a [u8], Corrupt> {
        // The terminator is not data.
        let end = from
            .checked_add(n)
            .ok_or(Corrupt("listpack entry length"))?;
        if end > self.buf.len() - 1 {
            return Err(Corrupt("listpack entry runs past the end"));
        }
        Ok(&self.buf[from..end])
    }

    fn next_elem(&mut self) -> Result<Option<Elem<'a>>, Corrupt> {
        let start = self.pos;
        let first = self.buf[start];
        if first == EOF {
            if start != self.buf.len() - 1 {
                return Err(Corrupt("listpack terminator before the end"));
            }
            if self.announced.is_some_and(|n| n != self.seen) {
                return Err(Corrupt("listpack element count does not match its header"));
            }
            return Ok(None);
        }
        let int_le = |bytes: &[u8]| -> i64 {
            let mut le = [0u8; 8];
            le[..bytes.len()].copy_from_slice(bytes);
            let shift = 64 - 8 * bytes.len() as u32;
            (i64::from_le_bytes(le) << shift) >> shift
        };
        let (elem, header, data) = if first & 0x80 == 0 {
            (Elem::Int(i64::from(first)), 1, 0)
        } else if first & 0xc0 == 0x80 {
            let len = usize::from(first & 0x3f);
            (Elem::Str(self.bytes(start + 1, len)?), 1, len)
        } else if first & 0xe0 == 0xc0 {
            let low = self.bytes(start + 1, 1)?[0];
            let v = (u16::from(first & 0x1f) << 8 | u16::from(low)) as i16;
            (Elem::Int(i64::from((v << 3) >> 3)), 2, 0)
        } else if first & 0xf0 == 0xe0 {
            let low = self.bytes(start + 1, 1)?[0];
            let len = usize::from(first & 0x0f) << 8 | usize::from(low);
            (Elem::Str(self.bytes(start + 2, len)?), 2, len)
        } else {
            match first {
                0xf0 => {
                    let len =
                        u32::from_le_bytes(self.bytes(start + 1, 4)?.try_into().expect("4 bytes"))
                            as usize;
                    (Elem::Str(self.bytes(start + 5, len)?), 5, len)
                }
                0xf1 => (Elem::Int(int_le(self.bytes(start + 1, 2)?)), 1, 2),
                0xf2 => (Elem::Int(int_le(self.bytes(start + 1, 3)?)), 1, 3),
                0xf3 => (Elem::Int(int_le(self.bytes(start + 1, 4)?)), 1, 4),
                0xf4 => (Elem::Int(int_le(self.bytes(start + 1, 8)?)), 1, 8),
                _ => return Err(Corrupt("unknown listpack encoding")),
            }
        };
        let entry = header + data;
        let size = backlen_size(entry);
        let back = self.bytes(start + entry, size)?;
        let mut stored = 0usize;
        for (i, &byte) in back.iter().enumerate() {
            let continues = byte & 0x80 != 0;
            if continues != (i != 0) {
                return Err(Corrupt("listpack back-length malformed"));
            }
            stored = stored << 7 | usize::from(byte & 0x7f);
        }
        if stored != entry {
            return Err(Corrupt("listpack back-length does not match its entry"));
        }
        self.pos = start + entry + size;
        self.seen += 1;
        Ok(Some(elem))
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<Elem<'a>, Corrupt>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_elem() {
            Ok(Some(elem)) => Some(Ok(elem)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Every element of a listpack.
pub fn elements(buf: &[u8]) -> Result<Vec<Elem<'_>>, Corrupt> {
    let reader = Reader::new(buf)?;
    // At least two bytes per element: the size bounds the reservation.
    let mut out = Vec::with_capacity(reader.announced().unwrap_or(0).min(buf.len() / 2));
    for elem in reader {
        out.push(elem?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_encoding_round_trips() {
        let ints = [
            0,
            127,
            128,
            -1,
            -4096,
            4095,
            4096,
            -32768,
            32767,
            40000,
            -8_388_608,
            8_388_607,
            8_388_608,
            i32::MIN as i64,
            i32::MAX as i64 + 1,
            i64::MIN,
            i64::MAX,
        ];
        let long = vec![b'x'; 5000];
        let mid = vec![b'y'; 300];
        let mut w = Writer::new();
        for n in ints {
            w.push_int(n);
        }
        w.push_str(b"hello");
        w.push_str(&mid);
        w.push_str(&long);
        w.push_str(b"");
        w.push_str(b"-17");
        w.push_str(b"007");
        let lp = w.finish();
        let elems = elements(&lp).unwrap();
        let mut expected: Vec<Elem<'_>> = ints.iter().map(|&n| Elem::Int(n)).collect();
        expected.extend([
            Elem::Str(b"hello"),
            Elem::Str(&mid),
            Elem::Str(&long),
            Elem::Str(b""),
            Elem::Int(-17),
            Elem::Str(b"007"),
        ]);
        assert_eq!(elems, expected);
    }

    #[test]
    fn damaged_listpacks_are_errors() {
        let mut w = Writer::new();
        w.push_str(b"abc");
        w.push_int(1000);
        let lp = w.finish();
        for cut in 0..lp.len() {
            assert!(elements(&lp[..cut]).is_err(), "cut at {cut}");
        }
        for i in 0..lp.len() {
            for bit in 0..8 {
                let mut bad = lp.clone();
                bad[i] ^= 1 << bit;
                // Must not panic; most flips are errors.
                let _ = elements(&bad);
            }
        }
    }
}
