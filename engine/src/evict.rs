//! `maxmemory` and its eviction policies, after Redis 7.0's `evict.c`.
//!
//! Before every command the session asks [`Engine::perform_evictions`] to bring used memory
//! (the driver's measure, `EngineOptions::used_memory`: the binary's counting allocator) under
//! `maxmemory`, by deleting keys chosen by `maxmemory-policy`:
//!
//! * `allkeys-*` choose among every key, `volatile-*` among keys with a TTL;
//! * `*-lru` evict the key idle longest, `*-lfu` the least frequently used (the logarithmic
//!   counter of `keyspace::access`), `volatile-ttl` the one expiring soonest, `*-random` any;
//! * `noeviction` deletes nothing.
//!
//! The LRU/LFU/TTL choice is approximated as Redis does it: each round samples
//! `maxmemory-samples` keys per database from one random keyspace shard (locked alone, so other
//! commands keep running on the other shards), offers them to a small pool of the best
//! candidates seen so far (Redis's `EVPOOL_SIZE`, 16, sorted by "idleness"), then evicts the
//! best pool entry that still exists. All choices use the engine's seeded randomness.
//! Volatile policies sample the shard's TTL index: a random deadline between its first and last,
//! then the first key due at or after it (biased towards keys after gaps in the deadlines, but
//! it needs no per-key bookkeeping beyond the index the expiry cycle already keeps).
//!
//! If memory cannot be brought under the limit (nothing left to evict, or `noeviction`) the
//! outcome is [`Eviction::Fail`], and the session refuses commands flagged `denyoom` (and any
//! command queued in MULTI, and EXEC of a transaction with such a command) with Redis's OOM
//! error. One call evicts at most [`EVICTIONS_PER_CALL_MAX`] keys, so a single command never
//! stalls for long; past that the command runs (Redis's `EVICT_RUNNING`) and the next command
//! continues the work.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, AtomicU32, AtomicU64, AtomicUsize, Ordering::Relaxed};

use smallvec::smallvec;

use crate::engine::Engine;
use crate::keyspace::{DbShard, Keyspace, access};

/// Redis's OOM refusal.
pub const OOM: &str = "OOM command not allowed when used memory > 'maxmemory'.";
/// Candidates kept between rounds (Redis's `EVPOOL_SIZE`).
pub const POOL_SIZE: usize = 16;
/// Redis's `maxmemory-samples` default.
pub const SAMPLES_DEFAULT: u32 = 5;
/// Samples per database per round, whatever `maxmemory-samples` says (Redis puts them in a
/// stack array of that size; a huge setting must not cost a huge loop).
pub const SAMPLES_MAX: usize = 1024;
/// Keys one call may evict before it lets the command run.
pub const EVICTIONS_PER_CALL_MAX: usize = 10_000;

/// `maxmemory-policy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
    AllkeysLru,
    AllkeysLfu,
    AllkeysRandom,
    NoEviction,
}

impl Policy {
    /// In the order Redis's CONFIG SET error lists them.
    pub const ALL: [Policy; 8] = [
        Policy::VolatileLru,
        Policy::VolatileLfu,
        Policy::VolatileRandom,
        Policy::VolatileTtl,
        Policy::AllkeysLru,
        Policy::AllkeysLfu,
        Policy::AllkeysRandom,
        Policy::NoEviction,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Policy::VolatileLru => "volatile-lru",
            Policy::VolatileLfu => "volatile-lfu",
            Policy::VolatileRandom => "volatile-random",
            Policy::VolatileTtl => "volatile-ttl",
            Policy::AllkeysLru => "allkeys-lru",
            Policy::AllkeysLfu => "allkeys-lfu",
            Policy::AllkeysRandom => "allkeys-random",
            Policy::NoEviction => "noeviction",
        }
    }

    /// A policy by name, in any letter case.
    pub fn parse(name: &str) -> Option<Policy> {
        Policy::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }

    pub fn is_lfu(self) -> bool {
        matches!(self, Policy::VolatileLfu | Policy::AllkeysLfu)
    }

    /// Chooses among every key rather than only those with a TTL.
    fn all_keys(self) -> bool {
        matches!(
            self,
            Policy::AllkeysLru | Policy::AllkeysLfu | Policy::AllkeysRandom
        )
    }

    fn index(self) -> u8 {
        Policy::ALL
            .iter()
            .position(|p| *p == self)
            .expect("every policy is listed") as u8
    }
}

/// What [`Engine::perform_evictions`] achieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eviction {
    /// Under the limit (or no limit).
    Ok,
    /// Still over, but the per-call budget ran out while keys remain: let the command run.
    Running,
    /// Over the limit with nothing (more) to evict.
    Fail,
}

/// A key offered for eviction, and how good a choice it is (higher: evict sooner).
#[derive(Clone, Debug)]
struct Candidate {
    idle: u64,
    db: usize,
    key: Box<[u8]>,
}

/// The eviction settings (hot copies of the configuration) and state.
#[derive(Debug)]
pub struct Evictor {
    maxmemory: AtomicU64,
    policy: AtomicU8,
    samples: AtomicU32,
    /// The best candidates seen so far, ascending by `idle`; at most [`POOL_SIZE`].
    pool: Mutex<Vec<Candidate>>,
    /// The database the random policies try first next time (round robin, as Redis does).
    next_db: AtomicUsize,
}

impl Default for Evictor {
    fn default() -> Evictor {
        Evictor {
            maxmemory: AtomicU64::new(0),
            policy: AtomicU8::new(Policy::NoEviction.index()),
            samples: AtomicU32::new(SAMPLES_DEFAULT),
            pool: Mutex::new(Vec::with_capacity(POOL_SIZE)),
            next_db: AtomicUsize::new(0),
        }
    }
}

impl Evictor {
    pub fn configure(&self, maxmemory: u64, policy: Policy, samples: u32) {
        self.maxmemory.store(maxmemory, Relaxed);
        if self.policy.swap(policy.index(), Relaxed) != policy.index() {
            // Idleness of another kind is not comparable.
            self.pool().clear();
        }
        self.samples.store(samples, Relaxed);
    }

    /// The limit in bytes; 0 = none.
    pub fn maxmemory(&self) -> u64 {
        self.maxmemory.load(Relaxed)
    }

    pub fn policy(&self) -> Policy {
        Policy::ALL[usize::from(self.policy.load(Relaxed))]
    }

    fn pool(&self) -> std::sync::MutexGuard<'_, Vec<Candidate>> {
        self.pool.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Offers a candidate to the pool (Redis's `evictionPoolPopulate` insertion): a full pool
/// drops its least idle entry to make room, or refuses a candidate no better than that one.
fn offer(pool: &mut Vec<Candidate>, candidate: Candidate) {
    if pool
        .iter()
        .any(|c| c.db == candidate.db && c.key == candidate.key)
    {
        return;
    }
    let at = pool.partition_point(|c| c.idle < candidate.idle);
    if pool.len() < POOL_SIZE {
        pool.insert(at, candidate);
    } else if at > 0 {
        pool.remove(0);
        pool.insert(at - 1, candidate);
    }
}

impl Engine {
    /// Evicts keys until used memory is at most `maxmemory` (see the module doc).
    pub fn perform_evictions(&self, now_ms: u64) -> Eviction {
        let evictor = &self.evictor;
        let maxmemory = evictor.maxmemory();
        if maxmemory == 0 || (self.used_memory)() <= maxmemory {
            return Eviction::Ok;
        }
        let policy = evictor.policy();
        if policy == Policy::NoEviction {
            return Eviction::Fail;
        }
        for _ in 0..EVICTIONS_PER_CALL_MAX {
            let evicted = match policy {
                Policy::AllkeysRandom | Policy::VolatileRandom => self.evict_random(policy, now_ms),
                _ => self.evict_best(policy, now_ms),
            };
            if !evicted {
                return Eviction::Fail;
            }
            if (self.used_memory)() <= maxmemory {
                return Eviction::Ok;
            }
        }
        Eviction::Running
    }

    /// Evicts the best candidate of the pool, refilling it by sampling until one still
    /// exists. False when the keyspace has nothing to sample.
    fn evict_best(&self, policy: Policy, now_ms: u64) -> bool {
        loop {
            if !self.populate_pool(policy, now_ms) && self.evictor.pool().is_empty() {
                return false;
            }
            // Best first; entries whose key went away meanwhile are dropped.
            loop {
                let best = self.evictor.pool().pop();
                let Some(candidate) = best else {
                    break;
                };
                if self.evict_key(candidate.db, &candidate.key, policy.all_keys(), now_ms) {
                    return true;
                }
            }
        }
    }

    /// Deletes `key` from database `db` if it is still there (and still has a TTL, for
    /// volatile policies). A key that expired but was not reclaimed yet counts too: it holds
    /// memory, and Redis would evict it as well.
    fn evict_key(&self, db: usize, key: &[u8], all_keys: bool, now_ms: u64) -> bool {
        let keyspace = &self.keyspace;
        let mut locked = keyspace.lock(smallvec![keyspace.shard_of(key)]);
        let Some((_, shard)) = locked.shards().next() else {
            return false;
        };
        let part = &mut shard.dbs[db];
        let eligible = part
            .map
            .get(key)
            .is_some_and(|entry| all_keys || entry.expire_ms != 0);
        if !eligible {
            return false;
        }
        part.remove(key);
        // Logged as a DEL (under the shard lock, so in order with the key's other writes):
        // replaying the log must not bring an evicted key back.
        if self.aof.enabled() {
            let mut record = Vec::new();
            crate::aof::record::encode(
                &mut record,
                now_ms,
                &[(db as u32, &[&b"DEL"[..], key][..])],
            );
            self.aof.append(&record);
        }
        keyspace.changed(db, key, now_ms);
        keyspace.stats.evicted_keys.fetch_add(1, Relaxed);
        true
    }

    /// Samples one random non-empty shard into the pool. False if every shard is empty (for
    /// the policy: volatile policies only see keys with a TTL).
    fn populate_pool(&self, policy: Policy, now_ms: u64) -> bool {
        let keyspace = &self.keyspace;
        let shards = keyspace.shard_count();
        let first = self.random_below(shards);
        let samples = (self.evictor.samples.load(Relaxed) as usize).clamp(1, SAMPLES_MAX);
        for step in 0..shards {
            let shard = (first + step) % shards;
            let mut found = Vec::new();
            {
                let mut locked = keyspace.lock(smallvec![shard]);
                for (_, guard) in locked.shards() {
                    for (db, part) in guard.dbs.iter().enumerate() {
                        for _ in 0..samples {
                            let Some(candidate) = self.sample(keyspace, part, policy, now_ms)
                            else {
                                break;
                            };
                            found.push(Candidate { db, ..candidate });
                        }
                    }
                }
            }
            if !found.is_empty() {
                let mut pool = self.evictor.pool();
                for candidate in found {
                    offer(&mut pool, candidate);
                }
                return true;
            }
        }
        false
    }

    /// One random key of `part` eligible under `policy`, with its idleness; `None` if there
    /// is none.
    fn sample(
        &self,
        keyspace: &Keyspace,
        part: &DbShard,
        policy: Policy,
        now_ms: u64,
    ) -> Option<Candidate> {
        let key = self.random_key(part, policy.all_keys())?;
        let entry = part.map.get(key)?;
        let idle = match policy {
            Policy::VolatileTtl => u64::MAX - entry.expire_ms,
            Policy::AllkeysLfu | Policy::VolatileLfu => {
                255 - u64::from(keyspace.access.lfu_counter(entry.access_s, now_ms))
            }
            _ => access::lru_idle_ms(entry.access_s, now_ms),
        };
        Some(Candidate {
            idle,
            db: 0,
            key: key.into(),
        })
    }

    /// A random key of `part`: any key, or one with a TTL.
    fn random_key<'p>(&self, part: &'p DbShard, all_keys: bool) -> Option<&'p [u8]> {
        if all_keys {
            if part.map.is_empty() {
                return None;
            }
            let index = self.random_below(part.map.len());
            return part.map.get_index(index).map(|(key, _)| &key[..]);
        }
        let (low, _) = part.expires.first()?;
        let (high, _) = part.expires.last()?;
        let deadline = low + self.random_u64() % (high - low + 1).max(1);
        let from = (deadline, Box::<[u8]>::default());
        part.expires.range(from..).next().map(|(_, key)| &key[..])
    }

    /// Evicts one random key (random policies), trying the databases round robin. False when
    /// no database has an eligible key.
    fn evict_random(&self, policy: Policy, now_ms: u64) -> bool {
        let keyspace = &self.keyspace;
        let databases = keyspace.databases();
        let shards = keyspace.shard_count();
        for _ in 0..databases {
            let db = self.evictor.next_db.fetch_add(1, Relaxed) % databases;
            let first = self.random_below(shards);
            for step in 0..shards {
                let shard = (first + step) % shards;
                let key = {
                    let mut locked = keyspace.lock(smallvec![shard]);
                    locked
                        .shards()
                        .next()
                        .and_then(|(_, guard)| self.random_key(&guard.dbs[db], policy.all_keys()))
                        .map(Box::<[u8]>::from)
                };
                if let Some(key) = key
                    && self.evict_key(db, &key, policy.all_keys(), now_ms)
                {
                    return true;
                }
            }
        }
        false
    }
}

/// A rough size of the data set: keys, values' heap bytes and per-entry overhead. Used by
/// tests as a stand-in for the allocator's count; locks every shard in turn.
pub fn dataset_bytes(keyspace: &Keyspace) -> u64 {
    const ENTRY_OVERHEAD: usize = size_of::<crate::keyspace::Entry>() + 16;
    let mut total = 0usize;
    for shard in 0..keyspace.shard_count() {
        let mut locked = keyspace.lock(smallvec![shard]);
        for (_, guard) in locked.shards() {
            for part in guard.dbs.iter() {
                for (key, entry) in &part.map {
                    total += key.len() + entry.value.heap_bytes() + ENTRY_OVERHEAD;
                }
            }
        }
    }
    total as u64
}

#[cfg(test)]
mod tests;
