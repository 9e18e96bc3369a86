//! The keyspace: every database, split into shards by key hash so that many cores can work on
//! different keys at once.
//!
//! A key lives in shard `hash(key) % shards` whatever its database, so one lock covers a key in
//! all databases (MOVE, COPY .. DB) and SWAPDB/FLUSHALL take every shard. Commands lock the
//! shards of their keys (found from the command table's key positions) in ascending order,
//! which rules out deadlock; commands that see the whole keyspace lock all shards.
//!
//! Expiry is lazy (an expired key found by a lookup is removed) plus active: each shard keeps
//! its keys with a TTL ordered by deadline, so the expire cycle removes exactly the keys that
//! are due, in bounded batches, without sampling.
//!
//! Invariant SCAN relies on (see `cmd/keys.rs`): entries of a map are only ever appended, or
//! moved to a lower index by `swap_remove`; nothing may sort a map or move an entry upward.
//!
//! Keyspace notifications: the keyspace emits the events that belong to it rather than to a
//! command — `expired` (lazy and active expiry), `new` (a key created), `keymiss` (a read
//! found nothing) — and commands emit their own through [`Db::notify`] (see `pubsub`).
//!
//! Determinism: maps are `IndexMap`s (insertion order) with hashers seeded from the I/O
//! environment's randomness, so a seeded run iterates and shards identically every time.

pub mod access;
pub mod snapshot;
pub mod value;
pub mod watch;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::sync::{Mutex, MutexGuard};

use ahash::RandomState;
use indexmap::IndexMap;
use smallvec::SmallVec;

use crate::pubsub::{PubSub, class};

pub use value::{Entry, Value};
pub use watch::Watches;

pub type KeyMap = IndexMap<Box<[u8]>, Entry, RandomState>;

/// One database's part of one shard.
#[derive(Debug)]
pub struct DbShard {
    pub map: KeyMap,
    /// (deadline ms, key) for every key with a TTL.
    pub expires: BTreeSet<(u64, Box<[u8]>)>,
    /// Hashes that have (or had) fields with a TTL, for the cron's field expiry.
    pub field_ttl_keys: BTreeSet<Box<[u8]>>,
}

impl DbShard {
    fn new(hasher: &RandomState) -> DbShard {
        DbShard {
            map: IndexMap::with_hasher(hasher.clone()),
            expires: BTreeSet::new(),
            field_ttl_keys: BTreeSet::new(),
        }
    }

    /// Removes a key and its TTL record.
    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        let entry = self.map.swap_remove(key)?;
        if entry.expire_ms != 0 {
            let removed = self.expires.remove(&(entry.expire_ms, Box::from(key)));
            debug_assert!(removed, "expires index out of sync");
        }
        Some(entry)
    }
}

/// All databases' data for one shard.
#[derive(Debug)]
pub struct Shard {
    pub dbs: Box<[DbShard]>,
}

/// Counters the keyspace keeps for INFO.
#[derive(Debug, Default)]
pub struct KeyspaceStats {
    pub expired_keys: AtomicU64,
    /// Keys removed to get under `maxmemory` (see `crate::evict`).
    pub evicted_keys: AtomicU64,
    pub keyspace_hits: AtomicU64,
    pub keyspace_misses: AtomicU64,
    /// Writes since the last successful save (Redis's `dirty`).
    pub dirty: AtomicU64,
}

pub struct Keyspace {
    shards: Box<[Mutex<Shard>]>,
    shard_hasher: RandomState,
    /// Seeded hasher for maps inside values (hash fields, set members), so their iteration
    /// order replays under a seed and cannot be predicted by clients (hash flooding).
    value_hasher: RandomState,
    databases: usize,
    pub stats: KeyspaceStats,
    /// Who WATCHes which keys.
    pub watches: Watches,
    /// Which clients may have cached which keys (CLIENT TRACKING).
    pub tracking: crate::tracking::Tracking,
    /// Written keys that blocked clients wait on.
    pub ready: crate::blocking::ReadyKeys,
    /// How lookups record accesses (LRU time or LFU counter), and the engine's seeded
    /// random stream, which the LFU counter draws from.
    pub access: access::AccessPolicy,
    /// Pub/sub, which keyspace notifications publish through.
    pub pubsub: PubSub,
    /// The running snapshot (SAVE, BGSAVE, AOF rewrite), captured shard by shard.
    snapshots: snapshot::Snapshots,
}

impl Keyspace {
    /// `seed` comes from the I/O environment's randomness.
    pub fn new(databases: usize, shard_count: usize, seed: u64) -> Keyspace {
        assert!(databases >= 1, "at least one database");
        assert!(
            (1..=1024).contains(&shard_count),
            "shard count out of range"
        );
        let split = |salt: u64| {
            seed.rotate_left(salt as u32 * 13) ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        };
        let map_hasher = RandomState::with_seeds(split(1), split(2), split(3), split(4));
        let value_hasher = RandomState::with_seeds(split(9), split(10), split(11), split(12));
        let shard_hasher = RandomState::with_seeds(split(5), split(6), split(7), split(8));
        let shards = (0..shard_count)
            .map(|_| {
                Mutex::new(Shard {
                    dbs: (0..databases).map(|_| DbShard::new(&map_hasher)).collect(),
                })
            })
            .collect();
        Keyspace {
            shards,
            shard_hasher,
            value_hasher,
            databases,
            stats: KeyspaceStats::default(),
            watches: Watches::default(),
            tracking: Default::default(),
            ready: Default::default(),
            access: access::AccessPolicy::new(seed ^ 0x243F_6A88_85A3_08D3),
            pubsub: PubSub::default(),
            snapshots: Default::default(),
        }
    }

    pub fn databases(&self) -> usize {
        self.databases
    }

    /// The hasher to build maps inside values with (see the field's doc).
    pub fn value_hasher(&self) -> RandomState {
        self.value_hasher.clone()
    }

    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    pub fn shard_of(&self, key: &[u8]) -> usize {
        (self.shard_hasher.hash_one(key) % self.shards.len() as u64) as usize
    }

    fn lock_shard(&self, index: usize) -> MutexGuard<'_, Shard> {
        // A panic while holding a shard is a bug that already tore the process's invariants;
        // keep serving rather than poison every later command on that shard.
        let guard = self.shards[index]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // A running snapshot captures the shard before anyone can change it.
        self.snapshots.on_lock(index, &guard);
        guard
    }

    /// Locks the given shards (any order, duplicates allowed) in ascending order.
    pub fn lock(&self, mut indexes: SmallVec<[usize; 4]>) -> Locked<'_> {
        indexes.sort_unstable();
        indexes.dedup();
        let guards = indexes
            .into_iter()
            .map(|i| (i, self.lock_shard(i)))
            .collect();
        Locked {
            keyspace: self,
            guards,
            all: false,
        }
    }

    /// Locks the shards of `keys`.
    pub fn lock_keys<'k>(&self, keys: impl IntoIterator<Item = &'k [u8]>) -> Locked<'_> {
        self.lock(keys.into_iter().map(|k| self.shard_of(k)).collect())
    }

    /// Locks every shard (whole-keyspace commands, transactions).
    pub fn lock_all(&self) -> Locked<'_> {
        let guards = (0..self.shards.len())
            .map(|i| (i, self.lock_shard(i)))
            .collect();
        Locked {
            keyspace: self,
            guards,
            all: true,
        }
    }

    /// A key was removed because it expired: WATCH and tracking are told.
    pub fn expired(&self, db: usize, key: &[u8], now_ms: u64) {
        self.watches.touch_expired(db, key);
        self.tracking.invalidate(&self.pubsub, key, now_ms);
    }

    /// A key was changed or removed by something other than a command's write path
    /// (eviction, FLUSH, SWAPDB): WATCH and tracking are told.
    pub fn changed(&self, db: usize, key: &[u8], now_ms: u64) {
        self.watches.touch(db, key);
        self.tracking.invalidate(&self.pubsub, key, now_ms);
    }

    /// Removes due keys from one shard, at most `budget` of them. Returns how many were
    /// removed and whether due keys remain.
    pub fn expire_shard(&self, shard: usize, now_ms: u64, budget: usize) -> (usize, bool) {
        let mut guard = self.lock_shard(shard);
        let mut removed = 0;
        for (index, db) in guard.dbs.iter_mut().enumerate() {
            while removed < budget {
                let Some((deadline, _)) = db.expires.first() else {
                    break;
                };
                if *deadline >= now_ms {
                    break;
                }
                let (_, key) = db.expires.pop_first().expect("first exists");
                let entry = db.map.swap_remove(&key);
                debug_assert!(entry.is_some(), "expires index names a missing key");
                self.expired(index, &key, now_ms);
                self.pubsub
                    .notify(index, class::EXPIRED, "expired", &key, now_ms);
                removed += 1;
            }
        }
        self.stats
            .expired_keys
            .fetch_add(removed as u64, Ordering::Relaxed);
        let more = guard
            .dbs
            .iter()
            .any(|db| db.expires.first().is_some_and(|(d, _)| *d < now_ms));
        (removed, more)
    }
}

/// A set of locked shards. Accessing a key whose shard is not locked is a bug and panics.
pub struct Locked<'a> {
    keyspace: &'a Keyspace,
    guards: SmallVec<[(usize, MutexGuard<'a, Shard>); 4]>,
    all: bool,
}

impl<'a> Locked<'a> {
    pub fn keyspace(&self) -> &'a Keyspace {
        self.keyspace
    }

    pub fn has_all(&self) -> bool {
        self.all
    }

    /// True when no shard is locked (keyless commands).
    pub fn is_empty(&self) -> bool {
        self.guards.is_empty()
    }

    fn shard_mut(&mut self, key: &[u8]) -> &mut Shard {
        let index = self.keyspace.shard_of(key);
        if self.all {
            return &mut self.guards[index].1;
        }
        match self.guards.iter_mut().find(|(i, _)| *i == index) {
            Some((_, guard)) => guard,
            None => panic!("key's shard {index} was not locked by this command"),
        }
    }

    /// Every locked shard's part of database `db`.
    pub fn db_shards(&mut self, db: usize) -> impl Iterator<Item = &mut DbShard> {
        self.guards.iter_mut().map(move |(_, g)| &mut g.dbs[db])
    }

    /// The locked shards themselves, in shard order.
    pub fn shards(&mut self) -> impl Iterator<Item = (usize, &mut Shard)> {
        self.guards.iter_mut().map(|(i, g)| (*i, &mut **g))
    }

    /// A view of database `db` at time `now_ms`.
    pub fn db(&mut self, db: usize, now_ms: u64) -> Db<'_, 'a> {
        assert!(db < self.keyspace.databases, "database index out of range");
        Db {
            locked: self,
            db,
            now_ms,
        }
    }
}

/// One database seen through a set of locked shards at one instant.
pub struct Db<'l, 'a> {
    locked: &'l mut Locked<'a>,
    pub db: usize,
    pub now_ms: u64,
}

impl<'l, 'a> Db<'l, 'a> {
    fn part(&mut self, key: &[u8]) -> &mut DbShard {
        let db = self.db;
        &mut self.locked.shard_mut(key).dbs[db]
    }

    /// The hasher to build maps inside values with.
    pub fn value_hasher(&self) -> RandomState {
        self.locked.keyspace.value_hasher()
    }

    pub fn locked(&mut self) -> &mut Locked<'a> {
        self.locked
    }

    /// Looks a key up, removing it first if it has expired. Does not count hits or misses
    /// and does not touch the access time.
    pub fn entry_mut(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let (now_ms, db) = (self.now_ms, self.db);
        let keyspace: &'a Keyspace = self.locked.keyspace;
        let expired_keys = &keyspace.stats.expired_keys;
        let part = self.part(key);
        let index = part.map.get_index_of(key)?;
        let expire_ms = part.map[index].expire_ms;
        if expire_ms != 0 && expire_ms < now_ms {
            part.remove(key);
            keyspace.expired(db, key, now_ms);
            expired_keys.fetch_add(1, Ordering::Relaxed);
            keyspace
                .pubsub
                .notify(db, class::EXPIRED, "expired", key, now_ms);
            return None;
        }
        Some(&mut part.map[index])
    }

    /// Looks a key up for a read command: counts a hit or miss and refreshes its access time.
    pub fn lookup_read(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let keyspace: &'a Keyspace = self.locked.keyspace;
        let stats = &keyspace.stats;
        let (db, now_ms) = (self.db, self.now_ms);
        match self.entry_mut(key) {
            Some(entry) => {
                stats.keyspace_hits.fetch_add(1, Ordering::Relaxed);
                keyspace.access.touch(&mut entry.access_s, now_ms);
                Some(entry)
            }
            None => {
                stats.keyspace_misses.fetch_add(1, Ordering::Relaxed);
                keyspace
                    .pubsub
                    .notify(db, class::KEY_MISS, "keymiss", key, now_ms);
                None
            }
        }
    }

    /// Notes that the hash at `key` has fields with a TTL (see `DbShard::field_ttl_keys`).
    pub fn note_field_ttl(&mut self, key: &[u8]) {
        if !self.part(key).field_ttl_keys.contains(key) {
            self.part(key).field_ttl_keys.insert(Box::from(key));
        }
    }

    /// Publishes keyspace event `event` of class `class` (see `pubsub::class`) on `key` of
    /// this database, if `notify-keyspace-events` asks for it: Redis's `notifyKeyspaceEvent`.
    /// Call it where Redis does, after the change it reports.
    pub fn notify(&self, class: u32, event: &str, key: &[u8]) {
        self.locked
            .keyspace
            .pubsub
            .notify(self.db, class, event, key, self.now_ms);
    }

    /// True if events of `class` are being published (to skip preparing one).
    pub fn notifying(&self, class: u32) -> bool {
        self.locked.keyspace.pubsub.wants(class)
    }

    /// Marks `key` as modified for WATCH.
    fn touch(&self, key: &[u8]) {
        let keyspace = self.locked.keyspace;
        keyspace.watches.touch(self.db, key);
        keyspace
            .tracking
            .invalidate(&keyspace.pubsub, key, self.now_ms);
        keyspace.ready.signal(self.db, key);
    }

    /// Looks a key up without removing it if expired and without touching anything (WATCH
    /// uses it to note whether a key exists). `None` for missing or logically expired keys.
    pub fn peek(&mut self, key: &[u8]) -> Option<&Entry> {
        let now_ms = self.now_ms;
        let entry = self.part(key).map.get(key)?;
        (entry.expire_ms == 0 || entry.expire_ms >= now_ms).then_some(entry)
    }

    /// Looks a key up for a write command: refreshes its access time, counts nothing. The key
    /// counts as modified for WATCH (see `watch.rs`).
    pub fn lookup_write(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let keyspace: &'a Keyspace = self.locked.keyspace;
        let now_ms = self.now_ms;
        self.touch(key);
        let entry = self.entry_mut(key)?;
        keyspace.access.touch(&mut entry.access_s, now_ms);
        Some(entry)
    }

    pub fn exists(&mut self, key: &[u8]) -> bool {
        self.entry_mut(key).is_some()
    }

    /// Sets `key` to `value` with the given expiry (0 = none), replacing any old value and TTL.
    /// A replaced key keeps its LFU counter (Redis's `dbSetValue`); its LRU time is now.
    /// Creating the key is a `new` event; replacing a logically expired one is an `expired`
    /// event first, as Redis's lookup before `dbAdd` would make it.
    pub fn set(&mut self, key: &[u8], value: Value, expire_ms: u64) {
        let (now_ms, db) = (self.now_ms, self.db);
        let access = &self.locked.keyspace.access;
        let (access_s, lfu) = (access.initial(now_ms), access.is_lfu());
        self.touch(key);
        let part = self.part(key);
        let mut entry = Entry {
            value,
            expire_ms,
            access_s,
        };
        let created = match part.map.get_full_mut(key) {
            Some((_, _, old)) => {
                let old_expire = old.expire_ms;
                if lfu {
                    entry.access_s = old.access_s;
                }
                *old = entry;
                if old_expire != expire_ms {
                    if old_expire != 0 {
                        part.expires.remove(&(old_expire, Box::from(key)));
                    }
                    if expire_ms != 0 {
                        part.expires.insert((expire_ms, Box::from(key)));
                    }
                }
                let was_expired = old_expire != 0 && old_expire < now_ms;
                if was_expired {
                    let keyspace = self.locked.keyspace;
                    keyspace.expired(db, key, now_ms);
                    keyspace.stats.expired_keys.fetch_add(1, Ordering::Relaxed);
                    self.notify(class::EXPIRED, "expired", key);
                }
                was_expired
            }
            None => {
                part.map.insert(Box::from(key), entry);
                if expire_ms != 0 {
                    part.expires.insert((expire_ms, Box::from(key)));
                }
                true
            }
        };
        if created {
            self.notify(class::NEW, "new", key);
        }
    }

    /// Replaces the value of `key`, keeping its TTL if it exists (and is not expired).
    pub fn set_keep_ttl(&mut self, key: &[u8], value: Value) {
        let expire_ms = self.entry_mut(key).map_or(0, |e| e.expire_ms);
        self.set(key, value, expire_ms);
    }

    /// Removes a key. Returns the old entry if the key existed (and had not expired).
    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        self.entry_mut(key)?;
        self.touch(key);
        self.part(key).remove(key)
    }

    /// Changes the TTL of an existing key (0 = persist). Returns false if the key is missing.
    pub fn set_expire(&mut self, key: &[u8], expire_ms: u64) -> bool {
        if self.entry_mut(key).is_none() {
            return false;
        }
        self.touch(key);
        let entry = self.entry_mut(key).expect("present just above");
        let old = entry.expire_ms;
        if old == expire_ms {
            return true;
        }
        entry.expire_ms = expire_ms;
        let part = self.part(key);
        if old != 0 {
            part.expires.remove(&(old, Box::from(key)));
        }
        if expire_ms != 0 {
            part.expires.insert((expire_ms, Box::from(key)));
        }
        true
    }

    /// Number of keys in this database over the locked shards (expired-but-unreclaimed keys
    /// included, as Redis's DBSIZE does).
    pub fn len(&mut self) -> usize {
        let db = self.db;
        self.locked.db_shards(db).map(|part| part.map.len()).sum()
    }

    pub fn is_empty(&mut self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyspace() -> Keyspace {
        Keyspace::new(16, 8, 42)
    }

    #[test]
    fn set_get_remove_with_ttl_index() {
        let ks = keyspace();
        let mut locked = ks.lock_all();
        let mut db = locked.db(0, 1_000);
        db.set(b"a", Value::string(b"1"), 0);
        db.set(b"b", Value::string(b"x"), 5_000);
        assert_eq!(db.entry_mut(b"a").unwrap().value, Value::Int(1));
        assert!(db.set_expire(b"a", 2_000));
        assert!(db.set_expire(b"a", 0));
        assert_eq!(db.len(), 2);
        drop(locked);
        let mut locked = ks.lock_all();
        let mut later = locked.db(0, 6_000);
        assert!(
            later.entry_mut(b"b").is_none(),
            "expired key is gone on lookup"
        );
        assert!(later.remove(b"a").is_some());
        assert_eq!(later.len(), 0);
        for part in locked.db_shards(0) {
            assert!(part.expires.is_empty());
        }
    }

    #[test]
    fn active_expiry_removes_only_due_keys_in_batches() {
        let ks = Keyspace::new(1, 1, 7);
        {
            let mut locked = ks.lock_all();
            let mut db = locked.db(0, 0);
            for i in 0..100u64 {
                db.set(format!("k{i}").as_bytes(), Value::Int(i as i64), 1_000 + i);
            }
            db.set(b"forever", Value::Int(0), 0);
        }
        let (removed, more) = ks.expire_shard(0, 1_050, 10);
        assert_eq!((removed, more), (10, true));
        let (removed, more) = ks.expire_shard(0, 1_050, 1_000);
        assert_eq!((removed, more), (40, false));
        let mut locked = ks.lock_all();
        assert_eq!(locked.db(0, 0).len(), 51);
        assert_eq!(ks.stats.expired_keys.load(Ordering::Relaxed), 50);
    }

    #[test]
    fn keys_spread_over_shards_and_locking_is_per_shard() {
        let ks = keyspace();
        let shards: std::collections::BTreeSet<usize> = (0..200)
            .map(|i| ks.shard_of(format!("key:{i}").as_bytes()))
            .collect();
        assert_eq!(shards.len(), 8);
        let mut locked = ks.lock_keys([&b"x"[..], b"y", b"x"]);
        locked.db(3, 0).set(b"x", Value::Int(1), 0);
        locked.db(3, 0).set(b"y", Value::Int(2), 0);
    }
}
