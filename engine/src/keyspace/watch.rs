//! WATCH bookkeeping: which clients watch which (database, key), and marking them when the key
//! is touched so their EXEC aborts.
//!
//! Touches come from the keyspace itself (every `Db` write path, lazy and active expiry) and
//! from FLUSHDB/FLUSHALL/SWAPDB, so no command can forget one. The write paths include
//! `lookup_write`, which means a write command that ends up changing nothing (SADD of an
//! existing member) still counts as touching: stricter than Redis, never weaker. With nobody
//! watching, a touch costs one relaxed atomic load.
//!
//! Lock order: this mutex is a leaf, taken while shard locks may be held, never the other way.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::client::ClientHandle;

#[derive(Debug)]
struct Watcher {
    client: Arc<ClientHandle>,
    /// The key existed (unexpired) when watched. A watched key that was already logically
    /// expired must not fail EXEC when it is merely reclaimed, as in Redis.
    existed: bool,
}

/// Watchers by (database, key).
type WatchMap = BTreeMap<(usize, Vec<u8>), Vec<Watcher>>;

#[derive(Debug, Default)]
pub struct Watches {
    count: AtomicUsize,
    map: Mutex<WatchMap>,
}

impl Watches {
    fn map(&self) -> std::sync::MutexGuard<'_, WatchMap> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn is_empty(&self) -> bool {
        self.count.load(Ordering::Relaxed) == 0
    }

    /// Registers `client` as watching `key` of `db`. Returns false if it already did.
    pub fn watch(&self, db: usize, key: &[u8], client: &Arc<ClientHandle>, existed: bool) -> bool {
        let mut map = self.map();
        let watchers = map.entry((db, key.to_vec())).or_default();
        if watchers.iter().any(|w| w.client.id == client.id) {
            return false;
        }
        watchers.push(Watcher {
            client: client.clone(),
            existed,
        });
        self.count.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// Forgets every key `client` watches (EXEC, DISCARD, UNWATCH, RESET, disconnect).
    pub fn unwatch(&self, client_id: u64, keys: &[(usize, Vec<u8>)]) {
        if keys.is_empty() {
            return;
        }
        let mut map = self.map();
        for key in keys {
            if let Some(watchers) = map.get_mut(key) {
                let before = watchers.len();
                watchers.retain(|w| w.client.id != client_id);
                self.count
                    .fetch_sub(before - watchers.len(), Ordering::Relaxed);
                if watchers.is_empty() {
                    map.remove(key);
                }
            }
        }
    }

    /// `key` of `db` was modified (`by_expiry`: it was removed because it expired).
    pub fn touch(&self, db: usize, key: &[u8]) {
        self.touch_with(db, key, false);
    }

    pub fn touch_expired(&self, db: usize, key: &[u8]) {
        self.touch_with(db, key, true);
    }

    fn touch_with(&self, db: usize, key: &[u8], by_expiry: bool) {
        if self.is_empty() {
            return;
        }
        let map = self.map();
        if let Some(watchers) = map.get(&(db, key.to_vec())) {
            for w in watchers {
                if !by_expiry || w.existed {
                    w.client.set_dirty_cas();
                }
            }
        }
    }

    /// Every watched key of `db` for which `touched` answers true is touched (FLUSHDB,
    /// FLUSHALL, SWAPDB decide which keys they affected).
    pub fn touch_db(&self, db: usize, mut touched: impl FnMut(&[u8]) -> bool) {
        if self.is_empty() {
            return;
        }
        let map = self.map();
        for ((watched_db, key), watchers) in map.iter() {
            if *watched_db == db && touched(key) {
                for w in watchers {
                    w.client.set_dirty_cas();
                }
            }
        }
    }

    /// The watched keys of `db` (for FLUSH/SWAP to test against the keyspace).
    pub fn keys_of(&self, db: usize) -> Vec<Vec<u8>> {
        if self.is_empty() {
            return Vec::new();
        }
        self.map()
            .keys()
            .filter(|(d, _)| *d == db)
            .map(|(_, k)| k.clone())
            .collect()
    }
}
