//! The streaming RDB reader: bytes go in chunk by chunk ([`Loader::feed`]), items come out
//! ([`Loader::next_item`]) as soon as they are complete, and [`Loader::finish`] checks the
//! file ended properly and its checksum. Sans-I/O: the caller reads the file (through the
//! I/O trait) and decides what to do with each item (see `load.rs` for the keyspace).
//!
//! Memory: the loader holds the unparsed tail of the input only, so a file of any size loads
//! with memory for its largest item. An item cut by a chunk boundary is parsed again once
//! more bytes arrive; to keep that linear for huge items, a retry waits until the unparsed
//! tail has doubled (or the input has ended: [`Loader::end_input`]).
//!
//! ```text
//! file = "REDIS" version:4 digits item* 0xff checksum:u64le (version >= 5)
//! item = 0xfa aux-key:string aux-value:string
//!      | 0xfe db:len | 0xfb db-size:len expires-size:len
//!      | [0xfc ms:u64le | 0xfd s:u32le] [0xf8 idle:len] [0xf9 freq:u8] type key:string value
//!      | 0xf5 library-code:string (functions)
//! ```

use ahash::RandomState;

use super::reader::{ErrorKind, RdbError, Reader, Result};
use super::{RDB_VERSION_MAX, crc64, decode, opcode};
use crate::keyspace::Entry;

/// A key read from the file.
#[derive(Debug)]
pub struct LoadedKey {
    pub db: usize,
    pub key: Vec<u8>,
    /// The value and expiry (`expire_ms` 0: none; an expiry stored as 0 reads as 1, which is
    /// as far in the past). `access_s` is 0: see `idle_s` and `freq`.
    pub entry: Entry,
    /// Seconds idle when saved (`RDB_OPCODE_IDLE`, written under LRU policies).
    pub idle_s: Option<u64>,
    /// LFU counter when saved (`RDB_OPCODE_FREQ`, written under LFU policies).
    pub freq: Option<u8>,
}

#[derive(Debug)]
pub enum Item {
    /// An auxiliary field (`redis-ver`, `ctime`, `aof-base`, ...).
    Aux {
        key: Vec<u8>,
        value: Vec<u8>,
    },
    Key(LoadedKey),
    /// A function library's source (`FUNCTION LOAD` code), Redis 7.0+.
    Function(Vec<u8>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Header,
    Body,
    Checksum,
    Done,
}

enum Step {
    Item(Item),
    SelectDb(u64),
    /// Parsed and nothing to report (RESIZEDB, slot info, an empty aggregate).
    Skip,
    Eof,
}

pub struct Loader {
    hasher: RandomState,
    buf: Vec<u8>,
    /// Parse position in `buf`: everything before it is consumed.
    start: usize,
    /// File offset of `buf[0]`.
    base: u64,
    /// CRC-64 of every consumed byte.
    crc: u64,
    version: u16,
    db: usize,
    state: State,
    /// Do not retry a truncated item before `buf` holds this many bytes.
    retry_at: usize,
    ended: bool,
    /// The input's total size, when the caller knows it (see [`Loader::set_input_len`]).
    input_len: Option<u64>,
    empty_keys_skipped: u64,
}

impl Loader {
    /// `hasher`: the keyspace's value hasher (`Keyspace::value_hasher`), for hashes and sets.
    pub fn new(hasher: RandomState) -> Loader {
        Loader {
            hasher,
            buf: Vec::new(),
            start: 0,
            base: 0,
            crc: 0,
            version: 0,
            db: 0,
            state: State::Header,
            retry_at: 0,
            ended: false,
            input_len: None,
            empty_keys_skipped: 0,
        }
    }

    /// Tells the loader the input's total size (a file's length). A length field reaching
    /// past it is then corruption at once, instead of a wait for bytes that will never come
    /// (which would buffer the rest of the file).
    pub fn set_input_len(&mut self, len: u64) {
        self.input_len = Some(len);
    }

    /// The RDB version from the header (0 before it is read).
    pub fn version(&self) -> u16 {
        self.version
    }

    /// Bytes of input consumed so far (items returned, or skipped).
    pub fn offset(&self) -> u64 {
        self.base + self.start as u64
    }

    /// Empty lists, sets, sorted sets and hashes in the file, skipped as Redis skips them.
    pub fn empty_keys_skipped(&self) -> u64 {
        self.empty_keys_skipped
    }

    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Adds the next bytes of the file.
    pub fn feed(&mut self, chunk: &[u8]) {
        assert!(!self.ended, "feed after end_input");
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.base += self.start as u64;
            self.retry_at = self.retry_at.saturating_sub(self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(chunk);
    }

    /// Says the file has no more bytes: items cut short are errors from now on.
    pub fn end_input(&mut self) {
        self.ended = true;
        self.retry_at = 0;
    }

    fn consume(&mut self, n: usize) {
        self.crc = crc64::update(self.crc, &self.buf[self.start..self.start + n]);
        self.start += n;
        self.retry_at = 0;
    }

    /// The next complete item; `Ok(None)` when more input is needed (or the file is done).
    pub fn next_item(&mut self) -> Result<Option<Item>> {
        loop {
            if self.state == State::Done || (!self.ended && self.buf.len() < self.retry_at) {
                return Ok(None);
            }
            // Moved out for the parse so that the parsers may update `self`.
            let buf = std::mem::take(&mut self.buf);
            let mut r = Reader::new(&buf[self.start..], self.offset());
            let step = match self.state {
                State::Header => self.header(&mut r).map(|()| Step::Skip),
                State::Body => self.body(&mut r),
                State::Checksum => self.checksum(&mut r).map(|()| Step::Skip),
                State::Done => unreachable!("returned above"),
            };
            let (used, needed) = (r.pos(), r.needed());
            self.buf = buf;
            match step {
                Ok(step) => {
                    match self.state {
                        // The checksum covers everything before itself, not itself.
                        State::Checksum => {
                            self.start += used;
                            self.state = State::Done;
                        }
                        _ => self.consume(used),
                    }
                    match step {
                        Step::Item(item) => return Ok(Some(item)),
                        Step::SelectDb(db) => {
                            self.db = usize::try_from(db).map_err(|_| RdbError {
                                offset: self.offset(),
                                kind: ErrorKind::DbOutOfRange(db),
                            })?;
                        }
                        Step::Skip => {}
                        Step::Eof => {
                            self.state = if self.version >= 5 {
                                State::Checksum
                            } else {
                                State::Done
                            };
                        }
                    }
                }
                Err(e) if e.kind == ErrorKind::Truncated && !self.ended => {
                    if self.input_len.is_some_and(|len| needed > len) {
                        return Err(RdbError {
                            offset: e.offset,
                            kind: ErrorKind::Corrupt("length runs past the end of the input"),
                        });
                    }
                    // Wait for what the failed read needs, and for the tail to double.
                    let unparsed = self.buf.len() - self.start;
                    let needed_local =
                        usize::try_from(needed.saturating_sub(self.base)).unwrap_or(usize::MAX);
                    self.retry_at = needed_local.max(self.buf.len() + unparsed.max(1));
                    return Ok(None);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Checks that the whole file was read: the end marker and checksum were seen.
    pub fn finish(&self) -> Result<()> {
        if self.state != State::Done {
            return Err(RdbError {
                offset: self.base + self.buf.len() as u64,
                kind: ErrorKind::Truncated,
            });
        }
        Ok(())
    }

    fn header(&mut self, r: &mut Reader<'_>) -> Result<()> {
        let magic = r.take(9)?;
        let digits = &magic[5..];
        if &magic[..5] != b"REDIS" || !digits.iter().all(u8::is_ascii_digit) {
            return Err(RdbError {
                offset: 0,
                kind: ErrorKind::BadHeader,
            });
        }
        let version = digits
            .iter()
            .fold(0u16, |v, d| v * 10 + u16::from(d - b'0'));
        if version == 0 || version > RDB_VERSION_MAX {
            return Err(RdbError {
                offset: 5,
                kind: ErrorKind::BadHeader,
            });
        }
        self.version = version;
        self.state = State::Body;
        Ok(())
    }

    fn checksum(&mut self, r: &mut Reader<'_>) -> Result<()> {
        let at = r.offset();
        let stored = r.u64_le()?;
        if stored != 0 && stored != self.crc {
            return Err(RdbError {
                offset: at,
                kind: ErrorKind::Checksum {
                    stored,
                    computed: self.crc,
                },
            });
        }
        Ok(())
    }

    fn body(&mut self, r: &mut Reader<'_>) -> Result<Step> {
        let (mut expire_ms, mut idle_s, mut freq) = (None, None, None);
        loop {
            let op = r.u8()?;
            match op {
                opcode::EXPIRETIME_MS => expire_ms = Some(r.u64_le()?),
                opcode::EXPIRETIME => expire_ms = Some(u64::from(r.u32_le()?) * 1000),
                opcode::IDLE => idle_s = Some(r.len()?),
                opcode::FREQ => freq = Some(r.u8()?),
                opcode::SELECTDB => return Ok(Step::SelectDb(r.len()?)),
                opcode::RESIZEDB => {
                    r.len()?;
                    r.len()?;
                    return Ok(Step::Skip);
                }
                opcode::SLOT_INFO => {
                    r.len()?;
                    r.len()?;
                    r.len()?;
                    return Ok(Step::Skip);
                }
                opcode::AUX => {
                    let key = r.string()?.into_owned();
                    let value = r.string()?.into_owned();
                    return Ok(Step::Item(Item::Aux { key, value }));
                }
                opcode::FUNCTION2 => {
                    return Ok(Step::Item(Item::Function(r.string()?.into_owned())));
                }
                opcode::FUNCTION_PRE_GA => {
                    return Err(r.error(ErrorKind::Unsupported("pre-release function format")));
                }
                opcode::MODULE_AUX => {
                    return Err(r.error(ErrorKind::Unsupported("module auxiliary data")));
                }
                opcode::EOF => return Ok(Step::Eof),
                rdb_type => {
                    let key = r.string()?.into_owned();
                    let Some(value) = decode::read_value(r, rdb_type, &self.hasher)? else {
                        self.empty_keys_skipped += 1;
                        return Ok(Step::Skip);
                    };
                    let entry = Entry {
                        value,
                        expire_ms: expire_ms.map_or(0, |ms| ms.max(1)),
                        access_s: 0,
                    };
                    return Ok(Step::Item(Item::Key(LoadedKey {
                        db: self.db,
                        key,
                        entry,
                        idle_s,
                        freq,
                    })));
                }
            }
        }
    }
}
