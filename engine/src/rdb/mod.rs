//! Redis's RDB format, as Redis 7.0 writes it (RDB version 10), sans-I/O: the value codec
//! behind DUMP and RESTORE, writing snapshot files, and reading files and payloads written by
//! Redis 2.x through 7.4, so data moves between Redis and Ferrite in both directions.
//!
//! - `crc64`, `lzf`: Redis's checksum and string compression.
//! - `reader`: lengths, strings, doubles; the error type, with byte offsets.
//! - `listpack`, `legacy`: packed encodings (listpack; ziplist, intset, zipmap).
//! - `encode`, `decode`, `stream`: values.
//! - `loader`: the streaming file reader; `load`: loading it into the keyspace.
//!
//! Never does I/O: callers hand in bytes and take bytes out. Never panics on input: every
//! length is checked against the bytes present before anything is reserved.
//!
//! A DUMP payload is `type value version:u16le crc64:u64le`, the checksum covering all that
//! precedes it (Redis's `createDumpPayload`).

pub mod crc64;
mod decode;
mod encode;
mod legacy;
pub mod listpack;
mod load;
mod loader;
pub mod lzf;
mod reader;
mod stream;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod vectors;

use ahash::RandomState;

pub use decode::read_value;
pub use encode::{list_nodes, value_type, write_value};
pub use load::{KeyspaceLoader, LoadSummary, insert_key};
pub use loader::{Item, LoadedKey, Loader};
pub use reader::{ErrorKind, RdbError, Reader};

use crate::keyspace::{Entry, Value};

/// The RDB version written: Redis 7.0's.
pub const RDB_VERSION: u16 = 10;
/// The newest version read (Redis 7.4), in files and in DUMP payloads.
pub const RDB_VERSION_MAX: u16 = 12;

/// Value type bytes (Redis's `RDB_TYPE_*`). Persisted: the numbers never change.
pub mod types {
    pub const STRING: u8 = 0;
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const ZSET: u8 = 3;
    pub const HASH: u8 = 4;
    pub const ZSET_2: u8 = 5;
    pub const MODULE_PRE_GA: u8 = 6;
    pub const MODULE_2: u8 = 7;
    pub const HASH_ZIPMAP: u8 = 9;
    pub const LIST_ZIPLIST: u8 = 10;
    pub const SET_INTSET: u8 = 11;
    pub const ZSET_ZIPLIST: u8 = 12;
    pub const HASH_ZIPLIST: u8 = 13;
    pub const LIST_QUICKLIST: u8 = 14;
    pub const STREAM_LISTPACKS: u8 = 15;
    pub const HASH_LISTPACK: u8 = 16;
    pub const ZSET_LISTPACK: u8 = 17;
    pub const LIST_QUICKLIST_2: u8 = 18;
    pub const STREAM_LISTPACKS_2: u8 = 19;
    pub const SET_LISTPACK: u8 = 20;
    pub const STREAM_LISTPACKS_3: u8 = 21;
    pub const HASH_METADATA_PRE_GA: u8 = 22;
    pub const HASH_LISTPACK_EX_PRE_GA: u8 = 23;
    pub const HASH_METADATA: u8 = 24;
    pub const HASH_LISTPACK_EX: u8 = 25;
}

/// File opcodes (Redis's `RDB_OPCODE_*`).
pub mod opcode {
    pub const SLOT_INFO: u8 = 244;
    pub const FUNCTION2: u8 = 245;
    pub const FUNCTION_PRE_GA: u8 = 246;
    pub const MODULE_AUX: u8 = 247;
    pub const IDLE: u8 = 248;
    pub const FREQ: u8 = 249;
    pub const AUX: u8 = 250;
    pub const RESIZEDB: u8 = 251;
    pub const EXPIRETIME_MS: u8 = 252;
    pub const EXPIRETIME: u8 = 253;
    pub const SELECTDB: u8 = 254;
    pub const EOF: u8 = 255;
}

/// "REDIS0010" plus aux fields (redis-ver, redis-bits, ctime, used-mem, aof-base ...).
pub fn write_header(out: &mut Vec<u8>, aux: &[(&str, &[u8])]) {
    out.extend_from_slice(format!("REDIS{RDB_VERSION:04}").as_bytes());
    for (key, value) in aux {
        out.push(opcode::AUX);
        reader::put_string(out, key.as_bytes());
        reader::put_string(out, value);
    }
}

/// One function library's source (`FUNCTION2` opcode), as Redis 7 writes them after the aux
/// fields.
pub fn write_function(out: &mut Vec<u8>, code: &[u8]) {
    out.push(opcode::FUNCTION2);
    reader::put_string(out, code);
}

pub fn write_select_db(out: &mut Vec<u8>, db: usize) {
    out.push(opcode::SELECTDB);
    reader::put_len(out, db as u64);
}

/// One key: EXPIRETIME_MS opcode when entry.expire_ms != 0, then type byte, key, value.
pub fn write_entry(out: &mut Vec<u8>, key: &[u8], entry: &Entry) {
    if entry.expire_ms != 0 {
        out.push(opcode::EXPIRETIME_MS);
        out.extend_from_slice(&entry.expire_ms.to_le_bytes());
    }
    out.push(value_type(&entry.value));
    reader::put_string(out, key);
    write_value(out, &entry.value);
}

/// EOF opcode then the little-endian CRC64 of everything before it including the EOF byte;
/// `crc` is crc64 of all bytes written before this call.
pub fn write_footer(out: &mut Vec<u8>, crc: u64) {
    out.push(opcode::EOF);
    let crc = crc64::update(crc, &[opcode::EOF]);
    out.extend_from_slice(&crc.to_le_bytes());
}

/// The RDB version a payload of `rdb_type` claims: the first Redis that can read it.
fn payload_version(rdb_type: u8) -> u16 {
    if rdb_type >= types::HASH_METADATA_PRE_GA {
        12
    } else {
        RDB_VERSION
    }
}

/// DUMP's payload for `value`: exactly what Redis's DUMP returns for the same value and
/// encoding.
pub fn dump_payload(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let rdb_type = value_type(value);
    out.push(rdb_type);
    write_value(&mut out, value);
    out.extend_from_slice(&payload_version(rdb_type).to_le_bytes());
    let crc = crc64::update(0, &out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Why a payload does not RESTORE, in Redis's two flavours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayloadError {
    /// Too short, from a newer RDB version, or a checksum mismatch
    /// (`DUMP payload version or checksum are wrong`).
    VersionOrChecksum,
    /// The value does not decode (`Bad data format`).
    BadData(RdbError),
}

/// Checks a DUMP payload's footer (Redis's `verifyDumpPayload`) and decodes its value.
/// `Ok(None)`: an empty aggregate, which RESTORE refuses as bad data.
pub fn decode_payload(payload: &[u8], hasher: &RandomState) -> Result<Option<Value>, PayloadError> {
    if payload.len() < 10 {
        return Err(PayloadError::VersionOrChecksum);
    }
    let footer = &payload[payload.len() - 10..];
    let version = u16::from_le_bytes([footer[0], footer[1]]);
    if version > RDB_VERSION_MAX {
        return Err(PayloadError::VersionOrChecksum);
    }
    let stored = u64::from_le_bytes(footer[2..].try_into().expect("8 bytes"));
    if crc64::update(0, &payload[..payload.len() - 8]) != stored {
        return Err(PayloadError::VersionOrChecksum);
    }
    // Redis reads the body from the whole payload: a value may run into the footer, and
    // bytes after it are ignored.
    let mut r = Reader::new(payload, 0);
    let rdb_type = r.u8().map_err(PayloadError::BadData)?;
    read_value(&mut r, rdb_type, hasher).map_err(PayloadError::BadData)
}
