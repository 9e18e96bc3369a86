//! Reading RDB primitives from a byte slice: lengths, strings (integer-encoded and LZF
//! compressed), doubles, fixed-width integers. Every read checks the bytes are there; a
//! length beyond the remaining input is [`ErrorKind::Truncated`], never an allocation.
//!
//! `Truncated` is what lets the streaming loader (`loader.rs`) tell "wait for more bytes"
//! apart from "these bytes are bad": a reader over a partial buffer that runs off its end
//! returns `Truncated`, and the loader retries the same item once more input has arrived.

use std::borrow::Cow;
use std::fmt;

use super::lzf;

/// What went wrong, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RdbError {
    /// Byte offset in the file or payload where the problem was found.
    pub offset: u64,
    pub kind: ErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input ended inside an item.
    Truncated,
    /// Bytes that cannot be what the format says is here.
    Corrupt(&'static str),
    /// A value type byte this reader does not know.
    UnknownType(u8),
    /// Not `REDIS` and four digits, or a version newer than we read.
    BadHeader,
    /// The stored checksum does not match the bytes.
    Checksum { stored: u64, computed: u64 },
    /// A valid construct Ferrite cannot load (module data).
    Unsupported(&'static str),
    /// The same key twice in one database.
    DuplicateKey,
    /// A SELECTDB past the configured number of databases.
    DbOutOfRange(u64),
}

impl fmt::Display for RdbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Truncated => write!(f, "unexpected end of RDB data")?,
            ErrorKind::Corrupt(what) => write!(f, "corrupt RDB data: {what}")?,
            ErrorKind::UnknownType(t) => write!(f, "unknown RDB value type {t}")?,
            ErrorKind::BadHeader => write!(f, "not an RDB file of a supported version")?,
            ErrorKind::Checksum { stored, computed } => write!(
                f,
                "RDB checksum mismatch (stored {stored:#018x}, computed {computed:#018x})"
            )?,
            ErrorKind::Unsupported(what) => write!(f, "unsupported RDB content: {what}")?,
            ErrorKind::DuplicateKey => write!(f, "duplicate key in RDB")?,
            ErrorKind::DbOutOfRange(db) => write!(f, "RDB selects database {db}, out of range")?,
        }
        write!(f, " at byte {}", self.offset)
    }
}

impl std::error::Error for RdbError {}

pub type Result<T> = std::result::Result<T, RdbError>;

/// Length prefixes (Redis's `RDB_6BITLEN` .. `RDB_ENCVAL`).
const LEN_6BIT: u8 = 0;
const LEN_14BIT: u8 = 1;
const LEN_32BIT: u8 = 0x80;
const LEN_64BIT: u8 = 0x81;
const ENC_VAL: u8 = 3;
/// Special string encodings after an `ENC_VAL` prefix.
pub const ENC_INT8: u8 = 0;
pub const ENC_INT16: u8 = 1;
pub const ENC_INT32: u8 = 2;
pub const ENC_LZF: u8 = 3;

/// A length prefix, or a special string encoding.
enum Len {
    Plain(u64),
    Encoded(u8),
}

/// A string as stored: bytes, or an integer-encoded string.
pub enum RdbString<'a> {
    Bytes(Cow<'a, [u8]>),
    Int(i64),
}

impl RdbString<'_> {
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            RdbString::Bytes(b) => b.into_owned(),
            RdbString::Int(n) => itoa::Buffer::new().format(n).as_bytes().to_vec(),
        }
    }
}

#[derive(Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Offset of `buf[0]` in the whole input, for error messages.
    base: u64,
    /// After a `Truncated` error: the input offset the failed read needed to reach.
    needed: u64,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8], base: u64) -> Reader<'a> {
        Reader {
            buf,
            pos: 0,
            base,
            needed: 0,
        }
    }

    /// After a [`ErrorKind::Truncated`] error, how far (as an input offset) the input had to
    /// reach for the failed read: a lower bound on the item's end.
    pub fn needed(&self) -> u64 {
        self.needed
    }

    fn truncated(&mut self, more: u64) -> RdbError {
        self.needed = self.offset().saturating_add(more);
        self.error(ErrorKind::Truncated)
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    pub fn error(&self, kind: ErrorKind) -> RdbError {
        RdbError {
            offset: self.offset(),
            kind,
        }
    }

    pub fn corrupt(&self, what: &'static str) -> RdbError {
        self.error(ErrorKind::Corrupt(what))
    }

    pub fn u8(&mut self) -> Result<u8> {
        let Some(&byte) = self.buf.get(self.pos) else {
            return Err(self.truncated(1));
        };
        self.pos += 1;
        Ok(byte)
    }

    pub fn take(&mut self, n: u64) -> Result<&'a [u8]> {
        if n > self.remaining() as u64 {
            return Err(self.truncated(n));
        }
        let n = n as usize;
        let bytes = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(bytes)
    }

    pub fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        Ok(self.take(N as u64)?.try_into().expect("took N bytes"))
    }

    pub fn u32_le(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub fn u64_le(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn len_or_encoding(&mut self) -> Result<Len> {
        let first = self.u8()?;
        Ok(match first >> 6 {
            LEN_6BIT => Len::Plain(u64::from(first & 0x3f)),
            LEN_14BIT => Len::Plain(u64::from(first & 0x3f) << 8 | u64::from(self.u8()?)),
            ENC_VAL => Len::Encoded(first & 0x3f),
            _ => match first {
                LEN_32BIT => Len::Plain(u64::from(u32::from_be_bytes(self.array()?))),
                LEN_64BIT => Len::Plain(u64::from_be_bytes(self.array()?)),
                _ => return Err(self.corrupt("unknown length encoding")),
            },
        })
    }

    /// A length (Redis's `rdbLoadLen`).
    pub fn len(&mut self) -> Result<u64> {
        match self.len_or_encoding()? {
            Len::Plain(n) => Ok(n),
            Len::Encoded(_) => Err(self.corrupt("encoded value where a length belongs")),
        }
    }

    /// A count of things that each take at least `min_bytes` of the remaining input; beyond
    /// that it is corrupt (or truncated), so callers may reserve capacity for it.
    pub fn count(&mut self, min_bytes: usize) -> Result<usize> {
        let n = self.len()?;
        if n > (self.remaining() / min_bytes.max(1)) as u64 {
            return Err(self.truncated(n.saturating_mul(min_bytes as u64)));
        }
        Ok(n as usize)
    }

    /// A string, keeping an integer encoding as an integer (Redis's `rdbGenericLoadStringObject`).
    pub fn rdb_string(&mut self) -> Result<RdbString<'a>> {
        match self.len_or_encoding()? {
            Len::Plain(n) => Ok(RdbString::Bytes(Cow::Borrowed(self.take(n)?))),
            Len::Encoded(ENC_INT8) => Ok(RdbString::Int(i64::from(self.u8()? as i8))),
            Len::Encoded(ENC_INT16) => {
                Ok(RdbString::Int(i64::from(i16::from_le_bytes(self.array()?))))
            }
            Len::Encoded(ENC_INT32) => {
                Ok(RdbString::Int(i64::from(i32::from_le_bytes(self.array()?))))
            }
            Len::Encoded(ENC_LZF) => {
                let compressed_len = self.len()?;
                let len = self.len()?;
                let at = self.offset();
                let compressed = self.take(compressed_len)?;
                let len = usize::try_from(len).map_err(|_| self.corrupt("LZF length"))?;
                lzf::decompress(compressed, len)
                    .map(|bytes| RdbString::Bytes(Cow::Owned(bytes)))
                    .map_err(|_| RdbError {
                        offset: at,
                        kind: ErrorKind::Corrupt("LZF data does not decompress"),
                    })
            }
            Len::Encoded(_) => Err(self.corrupt("unknown string encoding")),
        }
    }

    /// A string's bytes (integers as their decimal text).
    pub fn string(&mut self) -> Result<Cow<'a, [u8]>> {
        Ok(match self.rdb_string()? {
            RdbString::Bytes(b) => b,
            RdbString::Int(n) => Cow::Owned(itoa::Buffer::new().format(n).as_bytes().to_vec()),
        })
    }

    /// A double in binary (ZSET_2): 8 bytes little-endian.
    pub fn binary_double(&mut self) -> Result<f64> {
        Ok(f64::from_le_bytes(self.array()?))
    }

    /// A double as text behind a one-byte length, with 253/254/255 for nan/inf/-inf (ZSET).
    pub fn text_double(&mut self) -> Result<f64> {
        match self.u8()? {
            253 => Ok(f64::NAN),
            254 => Ok(f64::INFINITY),
            255 => Ok(f64::NEG_INFINITY),
            len => {
                let text = self.take(u64::from(len))?;
                std::str::from_utf8(text)
                    .ok()
                    .and_then(|t| t.parse::<f64>().ok())
                    .ok_or_else(|| self.corrupt("score is not a number"))
            }
        }
    }

    /// Milliseconds, 8 bytes little-endian (Redis's `rdbLoadMillisecondTime`).
    pub fn millis(&mut self) -> Result<u64> {
        self.u64_le()
    }
}

/// Writes a length (Redis's `rdbSaveLen`).
pub fn put_len(out: &mut Vec<u8>, len: u64) {
    if len < 1 << 6 {
        out.push(len as u8);
    } else if len < 1 << 14 {
        out.push((len >> 8) as u8 | LEN_14BIT << 6);
        out.push(len as u8);
    } else if len <= u64::from(u32::MAX) {
        out.push(LEN_32BIT);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    } else {
        out.push(LEN_64BIT);
        out.extend_from_slice(&len.to_be_bytes());
    }
}

/// Writes an integer the way Redis writes an integer-valued string, if it fits 32 bits.
fn put_int_encoded(out: &mut Vec<u8>, n: i64) -> bool {
    if let Ok(v) = i8::try_from(n) {
        out.extend_from_slice(&[ENC_VAL << 6 | ENC_INT8, v as u8]);
    } else if let Ok(v) = i16::try_from(n) {
        out.push(ENC_VAL << 6 | ENC_INT16);
        out.extend_from_slice(&v.to_le_bytes());
    } else if let Ok(v) = i32::try_from(n) {
        out.push(ENC_VAL << 6 | ENC_INT32);
        out.extend_from_slice(&v.to_le_bytes());
    } else {
        return false;
    }
    true
}

/// Writes a string as Redis's `rdbSaveRawString` does: as an integer when it is a short
/// canonical one that fits 32 bits, LZF-compressed when longer than 20 bytes and that saves
/// at least 4 bytes, else plain.
pub fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    if bytes.len() <= 11
        && let Some(n) = crate::resp::parse::parse_i64(bytes)
        && put_int_encoded(out, n)
    {
        return;
    }
    if bytes.len() > 20
        && let Some(compressed) = lzf::compress(bytes)
    {
        out.push(ENC_VAL << 6 | ENC_LZF);
        put_len(out, compressed.len() as u64);
        put_len(out, bytes.len() as u64);
        out.extend_from_slice(&compressed);
        return;
    }
    put_raw_string(out, bytes);
}

/// Writes a string uncompressed, as bytes.
pub fn put_raw_string(out: &mut Vec<u8>, bytes: &[u8]) {
    put_len(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Writes an integer-valued string (Redis's `rdbSaveLongLongAsStringObject`).
pub fn put_int_string(out: &mut Vec<u8>, n: i64) {
    if !put_int_encoded(out, n) {
        put_raw_string(out, itoa::Buffer::new().format(n).as_bytes());
    }
}
