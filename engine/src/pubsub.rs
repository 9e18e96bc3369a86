//! Pub/sub: who listens to which channel, pattern and shard channel, and the delivery of
//! messages to their connections. Keyspace notifications ([`notify`]) publish through it.
//!
//! It owns the registry and the encoding of `message`/`pmessage`/`smessage` pushes; it never
//! writes to a socket and never waits: a message is appended to each subscriber's outbox
//! (`ClientHandle::push`) and the subscriber's connection is woken to write it. A subscriber
//! whose outbox passes the pub/sub class of `client-output-buffer-limit` is disconnected and
//! its pending messages dropped, so a publisher neither blocks nor grows memory without bound.
//!
//! Order. Channel subscribers are served before pattern subscribers, each channel's in the
//! order they subscribed, patterns in byte order (Redis walks a hash table there, whose order
//! is not defined; ours is deterministic). All deliveries of one publish happen under the
//! registry lock, so every subscriber sees the messages of all publishers in one global order.
//! A message published to the client whose command is running on this thread (PUBLISH to a
//! channel it listens to, a keyspace event of its own write) is spliced into that command's
//! reply at the point it was published, as Redis 7.0 does (see `resp::reply`).
//!
//! Shard channels (SSUBSCRIBE, SPUBLISH) are a namespace of their own: on a single node they
//! behave like channels, with their own counts and no pattern matching.
//!
//! Cost when unused: publishing with no subscription anywhere is one relaxed atomic load, and
//! a keyspace event of a class that is not enabled is another.
//!
//! Lock order: the registry lock is taken under shard locks (keyspace events are emitted by
//! write paths that hold them), never the other way round; a subscriber's outbox lock is taken
//! under it. Nothing here takes a shard lock.
//!
//! # Keyspace notifications for new commands (the API)
//!
//! Call [`crate::keyspace::Db::notify`] where Redis's C source calls `notifyKeyspaceEvent`,
//! with the same class (`pubsub::class::{GENERIC, STRING, LIST, SET, HASH, ZSET, STREAM,
//! EVICTED, ...}`) and the same event name, at the same point relative to the reply:
//!
//! ```ignore
//! use crate::pubsub::class;
//! db.notify(class::STRING, "setbit", key);   // after the change
//! db.notify(class::GENERIC, "del", key);     // after removing a collection a write emptied
//! ```
//!
//! * The keyspace emits by itself: `new` (class `n`, whenever `Db::set` creates a key),
//!   `expired` (lazy expiry in `Db::entry_mut`, active expiry, SCAN/RANDOMKEY reclaiming) and
//!   `keymiss` (class `m`, `Db::lookup_read` and `cmd::keys::lookup_read_notouch` misses).
//!   A command emits only the events of its own changes.
//! * Order matters to a RESP3 client subscribed to its own events: Redis writes the event into
//!   the reply at the moment of the call (SET: event then `+OK`; LPUSH: reply then event), and
//!   so does Ferrite, because the reply writers splice pending self-pushes in. Emit where Redis
//!   does, relative to your `ctx.out` writes.
//! * Without a `Db` (an eviction pass in the cron, say): `engine.pubsub().notify(db_index,
//!   class::EVICTED, "evicted", key, now_ms)`, under the shard lock that removed the key.
//! * `db.notifying(class)` answers whether anyone would see an event, to skip building one.
//! * Check the stream against redis-server with `tests/py/test_differential_pubsub.py`: add
//!   the command sequence to `NOTIFY_SEQUENCES`.

pub mod notify;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use ahash::RandomState;
use bytes::{BufMut, Bytes};
use indexmap::IndexSet;

use crate::client::ClientHandle;
use crate::config::ObufLimit;
use crate::glob::glob_match;
use crate::resp::Reply;

pub use notify::class;

/// The three namespaces of subscriptions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Channel = 0,
    Pattern = 1,
    Shard = 2,
}

impl Kind {
    /// The first element of a subscription confirmation.
    pub fn subscribe_word(self) -> &'static str {
        match self {
            Kind::Channel => "subscribe",
            Kind::Pattern => "psubscribe",
            Kind::Shard => "ssubscribe",
        }
    }

    /// The first element of an unsubscription confirmation.
    pub fn unsubscribe_word(self) -> &'static str {
        match self {
            Kind::Channel => "unsubscribe",
            Kind::Pattern => "punsubscribe",
            Kind::Shard => "sunsubscribe",
        }
    }
}

type Subscribers = Vec<Arc<ClientHandle>>;

#[derive(Debug, Default)]
struct State {
    /// Per [`Kind`]: name -> subscribers in subscription order.
    maps: [BTreeMap<Bytes, Subscribers>; 3],
}

/// The server-wide registry.
#[derive(Debug, Default)]
pub struct PubSub {
    state: Mutex<State>,
    /// Subscriptions of every kind over every client; 0 makes publishing free.
    subscriptions: AtomicUsize,
    /// `notify-keyspace-events` class bits.
    notify_flags: AtomicU32,
    /// The pub/sub class of `client-output-buffer-limit`.
    limit_hard_bytes: AtomicU64,
    limit_soft_bytes: AtomicU64,
    limit_soft_seconds: AtomicU64,
}

thread_local! {
    /// The client whose command this thread is running (its handle's address; 0 for none).
    /// A thread runs one command at a time, to completion, so this names the only client whose
    /// reply buffer a publish on this thread can splice into. Rejected alternative: threading
    /// the client through every `Db`, which every path that re-locks shards would have to
    /// remember to carry.
    static EXECUTING: Cell<usize> = const { Cell::new(0) };
}

/// Marks `handle` as the client running a command on this thread until dropped.
pub struct ExecutingGuard {
    previous: usize,
    previous_id: u64,
}

impl ExecutingGuard {
    pub fn new(handle: &Arc<ClientHandle>) -> ExecutingGuard {
        let previous = EXECUTING.with(|e| e.replace(Arc::as_ptr(handle) as usize));
        let previous_id = crate::tracking::set_executing(handle.id);
        ExecutingGuard {
            previous,
            previous_id,
        }
    }
}

impl Drop for ExecutingGuard {
    fn drop(&mut self) {
        EXECUTING.with(|e| e.set(self.previous));
        crate::tracking::set_executing(self.previous_id);
    }
}

fn is_executing(handle: &ClientHandle) -> bool {
    EXECUTING.with(|e| e.get()) == handle as *const ClientHandle as usize
}

/// A push (`*n`/`>n` header and bulk strings) in RESP2 and RESP3, encoded on first use.
struct Encoded<'a> {
    parts: [&'a [u8]; 4],
    len: usize,
    by_protocol: [Option<Vec<u8>>; 2],
}

impl<'a> Encoded<'a> {
    fn new(parts: &[&'a [u8]]) -> Encoded<'a> {
        let mut all: [&[u8]; 4] = [b""; 4];
        all[..parts.len()].copy_from_slice(parts);
        Encoded {
            parts: all,
            len: parts.len(),
            by_protocol: [None, None],
        }
    }

    fn for_client(&mut self, handle: &ClientHandle) -> &[u8] {
        let resp3 = handle.resp.load(Ordering::Relaxed) == 3;
        let parts = &self.parts[..self.len];
        self.by_protocol[resp3 as usize].get_or_insert_with(|| {
            let size: usize = parts.iter().map(|p| p.len() + 24).sum::<usize>() + 8;
            let mut out = Vec::with_capacity(size);
            out.put_u8(if resp3 { b'>' } else { b'*' });
            out.put_slice(itoa::Buffer::new().format(parts.len()).as_bytes());
            out.put_slice(b"\r\n");
            for part in parts {
                out.put_u8(b'$');
                out.put_slice(itoa::Buffer::new().format(part.len()).as_bytes());
                out.put_slice(b"\r\n");
                out.put_slice(part);
                out.put_slice(b"\r\n");
            }
            out
        })
    }
}

impl PubSub {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets the pub/sub output buffer limit (from the configuration).
    pub fn set_limit(&self, limit: ObufLimit) {
        self.limit_hard_bytes
            .store(limit.hard_bytes, Ordering::Relaxed);
        self.limit_soft_bytes
            .store(limit.soft_bytes, Ordering::Relaxed);
        self.limit_soft_seconds
            .store(limit.soft_seconds, Ordering::Relaxed);
    }

    fn limit(&self) -> ObufLimit {
        ObufLimit {
            hard_bytes: self.limit_hard_bytes.load(Ordering::Relaxed),
            soft_bytes: self.limit_soft_bytes.load(Ordering::Relaxed),
            soft_seconds: self.limit_soft_seconds.load(Ordering::Relaxed),
        }
    }

    /// Sets the `notify-keyspace-events` classes (from the configuration).
    pub fn set_notify_flags(&self, flags: u32) {
        self.notify_flags.store(flags, Ordering::Relaxed);
    }

    pub fn notify_flags(&self) -> u32 {
        self.notify_flags.load(Ordering::Relaxed)
    }

    /// Adds `handle` to the subscribers of `name`. The caller (the client's own
    /// [`Subscriptions`]) knows it was not one yet, so this is O(1) however many there are.
    fn subscribe(&self, kind: Kind, name: &Bytes, handle: &Arc<ClientHandle>) {
        let mut state = self.state();
        let subscribers = state.maps[kind as usize].entry(name.clone()).or_default();
        debug_assert!(
            subscribers.iter().all(|s| s.id != handle.id),
            "subscribed twice"
        );
        subscribers.push(handle.clone());
        self.subscriptions.fetch_add(1, Ordering::Relaxed);
    }

    /// Removes client `id` from the subscribers of `name` (a scan of that channel's
    /// subscribers, as Redis 7.0's list). False if it was not one.
    fn unsubscribe(&self, kind: Kind, name: &[u8], id: u64) -> bool {
        let mut state = self.state();
        let map = &mut state.maps[kind as usize];
        let Some(subscribers) = map.get_mut(name) else {
            return false;
        };
        let Some(index) = subscribers.iter().position(|s| s.id == id) else {
            return false;
        };
        subscribers.remove(index);
        if subscribers.is_empty() {
            map.remove(name);
        }
        self.subscriptions.fetch_sub(1, Ordering::Relaxed);
        true
    }

    /// PUBLISH: delivers `message` to the subscribers of `channel` and of every pattern that
    /// matches it. Returns the number of deliveries (a client subscribed both ways counts
    /// twice), as Redis counts receivers.
    pub fn publish(&self, channel: &[u8], message: &[u8], now_ms: u64) -> usize {
        if self.subscriptions.load(Ordering::Relaxed) == 0 {
            return 0;
        }
        let limit = self.limit();
        let state = self.state();
        let mut receivers = 0;
        if let Some(subscribers) = state.maps[Kind::Channel as usize].get(channel) {
            let mut encoded = Encoded::new(&[b"message", channel, message]);
            for subscriber in subscribers {
                if !planted_drop(message) {
                    deliver(subscriber, encoded.for_client(subscriber), limit, now_ms);
                }
                receivers += 1;
            }
        }
        for (pattern, subscribers) in &state.maps[Kind::Pattern as usize] {
            if !glob_match(pattern, channel, false) {
                continue;
            }
            let mut encoded = Encoded::new(&[b"pmessage", pattern, channel, message]);
            for subscriber in subscribers {
                deliver(subscriber, encoded.for_client(subscriber), limit, now_ms);
                receivers += 1;
            }
        }
        receivers
    }

    /// SPUBLISH: delivers `message` to the subscribers of shard channel `channel`.
    pub fn spublish(&self, channel: &[u8], message: &[u8], now_ms: u64) -> usize {
        if self.subscriptions.load(Ordering::Relaxed) == 0 {
            return 0;
        }
        let limit = self.limit();
        let state = self.state();
        let Some(subscribers) = state.maps[Kind::Shard as usize].get(channel) else {
            return 0;
        };
        let mut encoded = Encoded::new(&[b"smessage", channel, message]);
        for subscriber in subscribers {
            deliver(subscriber, encoded.for_client(subscriber), limit, now_ms);
        }
        subscribers.len()
    }

    /// Hands an already-encoded push that is not a channel message (a tracking invalidation)
    /// to `target`: into the running command's reply if it is the running client, else its
    /// outbox, under the pub/sub output buffer limit when it is a pub/sub client.
    pub fn deliver_to(&self, target: &ClientHandle, bytes: &[u8], now_ms: u64) {
        if is_executing(target) {
            target.push_slot.push(bytes);
        } else if target.is_pubsub() {
            target.push(bytes, self.limit(), now_ms);
        } else {
            target.append_output(bytes);
        }
    }

    /// The channels (or shard channels) with a subscriber whose names match `pattern`
    /// (case-sensitive glob; `None` matches all), in byte order.
    pub fn channels(&self, kind: Kind, pattern: Option<&[u8]>) -> Vec<Bytes> {
        debug_assert!(kind != Kind::Pattern);
        self.state().maps[kind as usize]
            .keys()
            .filter(|name| pattern.is_none_or(|p| glob_match(p, name, false)))
            .cloned()
            .collect()
    }

    /// Subscribers of one channel, pattern or shard channel.
    pub fn subscriber_count(&self, kind: Kind, name: &[u8]) -> usize {
        self.state().maps[kind as usize]
            .get(name)
            .map_or(0, Vec::len)
    }

    /// Distinct names with at least one subscriber (PUBSUB NUMPAT for patterns; INFO's
    /// `pubsub_channels`, `pubsub_patterns`, `pubsubshard_channels`).
    pub fn name_count(&self, kind: Kind) -> usize {
        self.state().maps[kind as usize].len()
    }
}

/// Hands one encoded message to a subscriber: into the running command's reply if the
/// subscriber is the client running it on this thread, else into its outbox.
/// The `pubsub-drop` planted bug: drops about one message in 40, chosen by a hash of its
/// bytes so that a run replays exactly.
#[cfg(feature = "planted-bugs")]
fn planted_drop(message: &[u8]) -> bool {
    crate::planted::enabled(crate::planted::PUBSUB_DROP)
        && message
            .iter()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
                (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
            })
            .is_multiple_of(40)
}

#[cfg(not(feature = "planted-bugs"))]
fn planted_drop(_message: &[u8]) -> bool {
    false
}

fn deliver(subscriber: &ClientHandle, bytes: &[u8], limit: ObufLimit, now_ms: u64) {
    if is_executing(subscriber) {
        subscriber.push_slot.push(bytes);
    } else {
        subscriber.push(bytes, limit, now_ms);
    }
}

/// `[p|s]unsubscribe name count` (RESP3: a push), `name` null when there was none.
fn confirm_unsubscribe(out: &mut Reply, kind: Kind, name: Option<&[u8]>, count: usize) {
    out.push(3);
    out.bulk(kind.unsubscribe_word().as_bytes());
    match name {
        Some(name) => out.bulk(name),
        None => out.null(),
    }
    out.int(count as i64);
}

/// One client's subscriptions. Patterns stay in the order they were made (PUNSUBSCRIBE
/// without arguments answers in it, as Redis does); channels too until one is removed
/// (Redis answers UNSUBSCRIBE in its hash table's order, so there is no order to keep, and
/// removal is O(1)). Owned by the client's session; the registry holds the other direction.
#[derive(Debug)]
pub struct Subscriptions {
    sets: [IndexSet<Bytes, RandomState>; 3],
}

/// A client's names of one kind. Lookups only (the order is insertion order), so a fixed
/// hasher does no harm.
fn name_set() -> IndexSet<Bytes, RandomState> {
    IndexSet::with_hasher(RandomState::with_seeds(0x5b5, 0x5b6, 0x5b7, 0x5b8))
}

impl Default for Subscriptions {
    fn default() -> Subscriptions {
        Subscriptions {
            sets: [name_set(), name_set(), name_set()],
        }
    }
}

impl Subscriptions {
    /// Subscriptions of every kind.
    pub fn total(&self) -> usize {
        self.sets.iter().map(IndexSet::len).sum()
    }

    pub fn contains(&self, kind: Kind, name: &[u8]) -> bool {
        self.sets[kind as usize].contains(name)
    }

    /// The count a confirmation of `kind` reports: channels and patterns together, shard
    /// channels on their own (Redis 7.0's `clientSubscriptionsCount` and
    /// `clientShardSubscriptionsCount`).
    pub fn count(&self, kind: Kind) -> usize {
        match kind {
            Kind::Channel | Kind::Pattern => {
                self.sets[Kind::Channel as usize].len() + self.sets[Kind::Pattern as usize].len()
            }
            Kind::Shard => self.sets[Kind::Shard as usize].len(),
        }
    }

    fn publish_counts(&self, handle: &ClientHandle) {
        let len = |kind: Kind| self.sets[kind as usize].len();
        handle
            .sub_channels
            .store(len(Kind::Channel), Ordering::Relaxed);
        handle
            .sub_patterns
            .store(len(Kind::Pattern), Ordering::Relaxed);
        handle
            .sub_shard_channels
            .store(len(Kind::Shard), Ordering::Relaxed);
    }

    /// Subscribes to `name` (a no-op if already subscribed) and writes the confirmation.
    pub fn subscribe(
        &mut self,
        pubsub: &PubSub,
        handle: &Arc<ClientHandle>,
        kind: Kind,
        name: &Bytes,
        out: &mut Reply,
    ) {
        if self.sets[kind as usize].insert(name.clone()) {
            pubsub.subscribe(kind, name, handle);
            self.publish_counts(handle);
        }
        out.push(3);
        out.bulk(kind.subscribe_word().as_bytes());
        out.bulk(name);
        out.int(self.count(kind) as i64);
    }

    /// Unsubscribes from `name` (a no-op if not subscribed) and writes the confirmation.
    pub fn unsubscribe(
        &mut self,
        pubsub: &PubSub,
        handle: &Arc<ClientHandle>,
        kind: Kind,
        name: &[u8],
        out: Option<&mut Reply>,
    ) {
        let set = &mut self.sets[kind as usize];
        // Patterns keep their order (Redis keeps them in a list, and PUNSUBSCRIBE without
        // arguments answers in it); channels have none to keep, so O(1) removal.
        let removed = match kind {
            Kind::Pattern => set.shift_remove(name),
            Kind::Channel | Kind::Shard => set.swap_remove(name),
        };
        if removed {
            let registered = pubsub.unsubscribe(kind, name, handle.id);
            debug_assert!(registered, "registry and client disagree");
            self.publish_counts(handle);
        }
        if let Some(out) = out {
            confirm_unsubscribe(out, kind, Some(name), self.count(kind));
        }
    }

    /// Unsubscribes from every name of `kind`, confirming each (or, subscribed to none, once
    /// with a null name) when `out` is given.
    pub fn unsubscribe_all(
        &mut self,
        pubsub: &PubSub,
        handle: &Arc<ClientHandle>,
        kind: Kind,
        mut out: Option<&mut Reply>,
    ) {
        if self.sets[kind as usize].is_empty() {
            if let Some(out) = out {
                confirm_unsubscribe(out, kind, None, self.count(kind));
            }
            return;
        }
        let names = std::mem::replace(&mut self.sets[kind as usize], name_set());
        let others = self.count(kind);
        for (i, name) in names.iter().enumerate() {
            let registered = pubsub.unsubscribe(kind, name, handle.id);
            debug_assert!(registered, "registry and client disagree");
            if let Some(out) = out.as_deref_mut() {
                confirm_unsubscribe(out, kind, Some(name), others + names.len() - 1 - i);
            }
        }
        self.publish_counts(handle);
    }

    /// Drops every subscription without replying (RESET, disconnect).
    pub fn clear(&mut self, pubsub: &PubSub, handle: &Arc<ClientHandle>) {
        for kind in [Kind::Channel, Kind::Pattern, Kind::Shard] {
            self.unsubscribe_all(pubsub, handle, kind, None);
        }
    }
}

#[cfg(test)]
mod tests;
