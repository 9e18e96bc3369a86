//! Loading an RDB file into the keyspace, chunk by chunk: the part of startup (and of
//! `--import-rdb`) that is not I/O. The driver reads the file through the I/O trait and
//! hands each chunk to [`KeyspaceLoader::feed`], then calls [`KeyspaceLoader::finish`].
//!
//! As Redis does when loading as a primary: keys whose expiry has passed are skipped, hash
//! fields whose TTL has passed are dropped (and a hash left empty is skipped), a key present
//! twice is an error, and the saved idle time or LFU counter is restored under the policy
//! in force.

use super::loader::{Item, LoadedKey, Loader};
use super::reader::{ErrorKind, RdbError};
use crate::keyspace::access::{lfu_minutes, lru_seconds};
use crate::keyspace::{Keyspace, Value};

/// What a load found besides keys.
#[derive(Debug, Default)]
pub struct LoadSummary {
    pub keys_loaded: u64,
    /// Keys skipped because their expiry (or every field's TTL) had passed.
    pub keys_expired: u64,
    pub empty_keys_skipped: u64,
    pub aux: Vec<(Vec<u8>, Vec<u8>)>,
    /// Function library sources, in file order.
    pub functions: Vec<Vec<u8>>,
    pub rdb_version: u16,
}

pub struct KeyspaceLoader {
    loader: Loader,
    summary: LoadSummary,
}

impl KeyspaceLoader {
    pub fn new(keyspace: &Keyspace) -> KeyspaceLoader {
        KeyspaceLoader {
            loader: Loader::new(keyspace.value_hasher()),
            summary: LoadSummary::default(),
        }
    }

    /// The file's size, if known: a corrupt length is then reported at once (see
    /// [`Loader::set_input_len`]).
    pub fn set_input_len(&mut self, len: u64) {
        self.loader.set_input_len(len);
    }

    /// Bytes consumed so far (for progress reports).
    pub fn offset(&self) -> u64 {
        self.loader.offset()
    }

    pub fn summary(&self) -> &LoadSummary {
        &self.summary
    }

    /// Loads whatever items `chunk` completes. `now_ms`: the wall clock, for expiry.
    pub fn feed(&mut self, keyspace: &Keyspace, chunk: &[u8], now_ms: u64) -> Result<(), RdbError> {
        self.loader.feed(chunk);
        self.drain(keyspace, now_ms)
    }

    /// Ends the input: loads the rest and checks the end marker and checksum.
    pub fn finish(mut self, keyspace: &Keyspace, now_ms: u64) -> Result<LoadSummary, RdbError> {
        self.loader.end_input();
        self.drain(keyspace, now_ms)?;
        self.loader.finish()?;
        self.summary.empty_keys_skipped = self.loader.empty_keys_skipped();
        self.summary.rdb_version = self.loader.version();
        Ok(self.summary)
    }

    fn drain(&mut self, keyspace: &Keyspace, now_ms: u64) -> Result<(), RdbError> {
        while let Some(item) = self.loader.next_item()? {
            match item {
                Item::Aux { key, value } => self.summary.aux.push((key, value)),
                Item::Function(code) => self.summary.functions.push(code),
                Item::Key(key) => {
                    let loaded = insert_key(keyspace, key, now_ms).map_err(|kind| RdbError {
                        offset: self.loader.offset(),
                        kind,
                    })?;
                    if loaded {
                        self.summary.keys_loaded += 1;
                    } else {
                        self.summary.keys_expired += 1;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Stores one loaded key unless it has expired at `now_ms`; returns whether it was stored.
pub fn insert_key(keyspace: &Keyspace, loaded: LoadedKey, now_ms: u64) -> Result<bool, ErrorKind> {
    let LoadedKey {
        db: index,
        key,
        mut entry,
        idle_s,
        freq,
    } = loaded;
    if index >= keyspace.databases() {
        return Err(ErrorKind::DbOutOfRange(index as u64));
    }
    if entry.expire_ms != 0 && entry.expire_ms < now_ms {
        return Ok(false);
    }
    let mut field_ttl = false;
    if let Value::Hash(hash) = &mut entry.value {
        hash.expire_fields(now_ms, usize::MAX);
        if hash.is_empty() {
            return Ok(false);
        }
        field_ttl = hash.next_field_deadline().is_some();
    }
    let mut locked = keyspace.lock_keys([&key[..]]);
    let mut db = locked.db(index, now_ms);
    if db.peek(&key).is_some() {
        return Err(ErrorKind::DuplicateKey);
    }
    db.set(&key, entry.value, entry.expire_ms);
    if field_ttl {
        db.note_field_ttl(&key);
    }
    let access = &keyspace.access;
    let stored = db.entry_mut(&key).expect("stored just above");
    if let (Some(freq), true) = (freq, access.is_lfu()) {
        stored.access_s = u32::from(lfu_minutes(now_ms)) << 8 | u32::from(freq);
    } else if let (Some(idle_s), false) = (idle_s, access.is_lfu()) {
        stored.access_s = lru_seconds(now_ms).wrapping_sub(idle_s as u32);
    }
    Ok(true)
}
