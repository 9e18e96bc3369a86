//! Consumer groups: each group's last delivered id and read counter, its pending entries list
//! (PEL) and its consumers, each with its own view of the PEL. Owns the invariant that an id
//! is pending in a group exactly when it is pending for exactly one of its consumers, and
//! Redis 7.0's arithmetic for `entries-read` and `lag`.
//!
//! Groups and consumers are kept in name order, as Redis's radix trees keep them (XINFO lists
//! them that way). A pending entry names its consumer through a shared `Arc<[u8]>` of the
//! consumer's name, so the group PEL costs one map slot per entry.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::StreamId;
use super::log::Log;

/// `entries-read` unknown (Redis's `SCG_INVALID_ENTRIES_READ`).
pub const ENTRIES_READ_INVALID: i64 = -1;

/// A stream's groups by name.
pub type Groups = BTreeMap<Box<[u8]>, Group>;

#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The last id delivered to any consumer (`>` reads past it).
    pub last_id: StreamId,
    /// How many entries the group has read, or [`ENTRIES_READ_INVALID`].
    pub entries_read: i64,
    pel: BTreeMap<StreamId, Nack>,
    consumers: BTreeMap<Arc<[u8]>, Consumer>,
}

/// A delivered, not yet acknowledged entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Nack {
    /// Unix ms of the last delivery.
    pub delivery_ms: i64,
    pub delivery_count: u64,
    pub consumer: Arc<[u8]>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Consumer {
    /// Unix ms the consumer was last seen (read, claimed, created).
    pub seen_ms: i64,
    pel: BTreeSet<StreamId>,
}

impl Consumer {
    /// Its pending ids, in order.
    pub fn pending(&self) -> &BTreeSet<StreamId> {
        &self.pel
    }
}

impl Group {
    pub fn new(last_id: StreamId, entries_read: i64) -> Group {
        Group {
            last_id,
            entries_read,
            pel: BTreeMap::new(),
            consumers: BTreeMap::new(),
        }
    }

    pub fn pel(&self) -> &BTreeMap<StreamId, Nack> {
        &self.pel
    }

    pub fn consumers(&self) -> &BTreeMap<Arc<[u8]>, Consumer> {
        &self.consumers
    }

    pub fn consumer(&self, name: &[u8]) -> Option<&Consumer> {
        self.consumers.get(name)
    }

    /// Looks a consumer up and marks it seen now (Redis's `streamLookupConsumer` without
    /// `SLC_NO_REFRESH`).
    pub fn touch_consumer(&mut self, name: &[u8], now_ms: i64) -> Option<Arc<[u8]>> {
        let key = self.consumers.get_key_value(name)?.0.clone();
        self.consumers.get_mut(name).expect("found above").seen_ms = now_ms;
        Some(key)
    }

    /// Creates a consumer; `None` if it exists.
    pub fn create_consumer(&mut self, name: &[u8], now_ms: i64) -> Option<Arc<[u8]>> {
        if self.consumers.contains_key(name) {
            return None;
        }
        let key: Arc<[u8]> = Arc::from(name);
        self.consumers.insert(
            key.clone(),
            Consumer {
                seen_ms: now_ms,
                pel: BTreeSet::new(),
            },
        );
        Some(key)
    }

    /// The consumer, marked seen, created if needed (and then `true`).
    pub fn consumer_seen(&mut self, name: &[u8], now_ms: i64) -> (Arc<[u8]>, bool) {
        match self.touch_consumer(name, now_ms) {
            Some(key) => (key, false),
            None => (
                self.create_consumer(name, now_ms)
                    .expect("absent just above"),
                true,
            ),
        }
    }

    /// Deletes a consumer and its pending entries; returns how many it had.
    pub fn delete_consumer(&mut self, name: &[u8]) -> Option<usize> {
        let consumer = self.consumers.remove(name)?;
        for id in &consumer.pel {
            self.pel.remove(id);
        }
        Some(consumer.pel.len())
    }

    /// Records the delivery of `id` by a `>` read (the bookkeeping in Redis 7.0's
    /// `streamReplyWithRange`): past the last delivered id, the read counter counts one more
    /// while no deleted entry lies ahead of `id`, or is estimated again.
    pub fn advance(&mut self, log: &Log, id: StreamId) {
        if id <= self.last_id {
            return;
        }
        if self.entries_read != ENTRIES_READ_INVALID && !log.has_tombstones_from(id) {
            self.entries_read += 1;
        } else if log.entries_added != 0 {
            self.entries_read = log.estimate_entries_read(id);
        }
        self.last_id = id;
    }

    /// Entries not yet delivered to the group, when knowable (Redis 7.0's
    /// `streamReplyWithCGLag`).
    pub fn lag(&self, log: &Log) -> Option<i64> {
        let added = log.entries_added as i64;
        if added == 0 {
            return Some(0);
        }
        if self.entries_read != ENTRIES_READ_INVALID && !log.has_tombstones_from(self.last_id) {
            return Some(added.wrapping_sub(self.entries_read));
        }
        match log.estimate_entries_read(self.last_id) {
            ENTRIES_READ_INVALID => None,
            read => Some(added.wrapping_sub(read)),
        }
    }

    /// A delivery of `id` to `consumer` by XREADGROUP: a new pending entry, or one taken over
    /// from whoever had it (after XGROUP SETID moved the group back), counted as a first
    /// delivery.
    pub fn add_pending(&mut self, id: StreamId, consumer: &Arc<[u8]>, now_ms: i64) {
        if let Some(old) = self.pel.get(&id)
            && let Some(owner) = self.consumers.get_mut(&old.consumer)
        {
            owner.pel.remove(&id);
        }
        self.pel.insert(
            id,
            Nack {
                delivery_ms: now_ms,
                delivery_count: 1,
                consumer: consumer.clone(),
            },
        );
        self.consumers
            .get_mut(consumer)
            .expect("consumers exist before they get entries")
            .pel
            .insert(id);
    }

    pub fn nack_mut(&mut self, id: StreamId) -> Option<&mut Nack> {
        self.pel.get_mut(&id)
    }

    /// Makes `consumer` the owner of the pending entry `id`, which must exist.
    pub fn set_owner(&mut self, id: StreamId, consumer: &Arc<[u8]>) {
        let nack = self.pel.get_mut(&id).expect("set_owner of a pending entry");
        if nack.consumer == *consumer {
            return;
        }
        if let Some(old) = self.consumers.get_mut(&nack.consumer) {
            old.pel.remove(&id);
        }
        nack.consumer = consumer.clone();
        self.consumers
            .get_mut(consumer)
            .expect("consumers exist before they get entries")
            .pel
            .insert(id);
    }

    /// Removes a pending entry from the group and its consumer (XACK, or a claim that finds
    /// the entry deleted).
    pub fn remove_pending(&mut self, id: StreamId) -> Option<Nack> {
        let nack = self.pel.remove(&id)?;
        if let Some(owner) = self.consumers.get_mut(&nack.consumer) {
            owner.pel.remove(&id);
        }
        Some(nack)
    }

    /// Creates a pending entry owned by `consumer`, delivered once (XCLAIM FORCE).
    pub fn insert_pending(&mut self, id: StreamId, consumer: &Arc<[u8]>, now_ms: i64) {
        debug_assert!(
            !self.pel.contains_key(&id),
            "insert_pending of a pending id"
        );
        self.add_pending(id, consumer, now_ms);
    }

    pub fn heap_bytes(&self) -> usize {
        // B-tree slots at about two-thirds load.
        let pel = self.pel.len() * (size_of::<StreamId>() + size_of::<Nack>()) * 3 / 2;
        let consumers: usize = self
            .consumers
            .iter()
            .map(|(name, c)| {
                name.len()
                    + 16
                    + size_of::<Consumer>()
                    + c.pel.len() * size_of::<StreamId>() * 3 / 2
            })
            .sum();
        pel + consumers
    }

    /// Checks the PEL invariant (tests).
    #[cfg(test)]
    pub fn check(&self) {
        let mut owned = 0;
        for (name, consumer) in &self.consumers {
            for id in &consumer.pel {
                assert_eq!(&self.pel[id].consumer, name, "PEL owner of {id}");
            }
            owned += consumer.pel.len();
        }
        assert_eq!(owned, self.pel.len(), "every pending entry has one owner");
    }
}

impl Log {
    /// Whether a deleted entry may lie at or after `start` (Redis 7.0's
    /// `streamRangeHasTombstones(s, start, NULL)`).
    pub fn has_tombstones_from(&self, start: StreamId) -> bool {
        if self.is_empty() || self.max_deleted_id == StreamId::MIN {
            return false;
        }
        if self.first_id > self.max_deleted_id {
            // Every deletion was before the first entry.
            return false;
        }
        start <= self.max_deleted_id
    }

    /// The number of entries up to and including `id` ever added, when it can be known
    /// (Redis 7.0's `streamEstimateDistanceFromFirstEverEntry`), else
    /// [`ENTRIES_READ_INVALID`].
    pub fn estimate_entries_read(&self, id: StreamId) -> i64 {
        let added = self.entries_added as i64;
        if added == 0 {
            return 0;
        }
        if self.is_empty() && id <= self.last_id {
            return added;
        }
        match id.cmp(&self.last_id) {
            std::cmp::Ordering::Equal => return added,
            std::cmp::Ordering::Greater => return ENTRIES_READ_INVALID,
            std::cmp::Ordering::Less => {}
        }
        let no_tombstone_ahead =
            self.max_deleted_id == StreamId::MIN || self.max_deleted_id < self.first_id;
        if no_tombstone_ahead {
            let length = self.len() as i64;
            match id.cmp(&self.first_id) {
                std::cmp::Ordering::Less => return added - length,
                std::cmp::Ordering::Equal => return added - length + 1,
                std::cmp::Ordering::Greater => {}
            }
        }
        ENTRIES_READ_INVALID
    }
}
