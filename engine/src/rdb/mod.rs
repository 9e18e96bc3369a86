//! PLACEHOLDER (replaced by the RDB codec branch): strings only, uncompressed, no CRC.
use crate::keyspace::{Entry, Value};

pub const RDB_VERSION: u16 = 10;

fn write_len(out: &mut Vec<u8>, len: u64) {
    if len < 64 {
        out.push(len as u8);
    } else if len < 16384 {
        out.push(0x40 | (len >> 8) as u8);
        out.push(len as u8);
    } else if len <= u32::MAX as u64 {
        out.push(0x80);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&len.to_be_bytes());
    }
}

fn write_string(out: &mut Vec<u8>, s: &[u8]) {
    write_len(out, s.len() as u64);
    out.extend_from_slice(s);
}

pub fn write_header(out: &mut Vec<u8>, aux: &[(&str, &[u8])]) {
    out.extend_from_slice(format!("REDIS{RDB_VERSION:04}").as_bytes());
    for (k, v) in aux {
        out.push(0xFA);
        write_string(out, k.as_bytes());
        write_string(out, v);
    }
}

pub fn write_select_db(out: &mut Vec<u8>, db: usize) {
    out.push(0xFE);
    write_len(out, db as u64);
}

pub fn write_entry(out: &mut Vec<u8>, key: &[u8], entry: &Entry) {
    if entry.expire_ms != 0 {
        out.push(0xFC);
        out.extend_from_slice(&entry.expire_ms.to_le_bytes());
    }
    match &entry.value {
        Value::Int(_) | Value::Str(_) | Value::Raw(_) => {
            out.push(0);
            write_string(out, key);
            entry.value.with_bytes(|b| write_string(out, b));
        }
        _ => {}
    }
}

pub fn write_footer(out: &mut Vec<u8>, crc: u64) {
    out.push(0xFF);
    let crc = crc64::update(crc, &[0xFF]);
    out.extend_from_slice(&crc.to_le_bytes());
}

pub mod crc64 {
    pub fn update(crc: u64, _data: &[u8]) -> u64 {
        crc
    }
}

pub mod load {
    use crate::keyspace::Keyspace;
    #[derive(Debug)]
    pub struct RdbError;
    impl std::fmt::Display for RdbError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("placeholder loader")
        }
    }
    #[derive(Debug, Default)]
    pub struct LoadSummary {
        pub keys_loaded: u64,
        pub keys_expired: u64,
    }
    pub struct KeyspaceLoader;
    impl KeyspaceLoader {
        pub fn new(_: &Keyspace) -> KeyspaceLoader {
            KeyspaceLoader
        }
        pub fn offset(&self) -> u64 {
            0
        }
        pub fn feed(&mut self, _: &Keyspace, _: &[u8], _: u64) -> Result<(), RdbError> {
            Err(RdbError)
        }
        pub fn finish(self, _: &Keyspace, _: u64) -> Result<LoadSummary, RdbError> {
            Err(RdbError)
        }
    }
}
