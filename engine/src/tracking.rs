//! Client-side caching (CLIENT TRACKING): which clients read which keys, and the invalidation
//! messages sent when those keys change, as Redis 7.0's `tracking.c`.
//!
//! * Default mode: after a read-only command of a tracking client, its keys are remembered in
//!   the tracking table (key name -> client ids; database-blind, as in Redis). The first
//!   change to a remembered key sends `invalidate [key]` to each of those clients and forgets
//!   the key. OPTIN/OPTOUT with CLIENT CACHING decide which reads are remembered.
//! * BCAST: a client registers prefixes; every changed key matching one is collected and sent
//!   to the prefix's clients in one message per prefix when the driver finishes a batch of
//!   commands ([`Tracking::broadcast`], Redis's `beforeSleep`), sorted and deduplicated.
//! * FLUSHDB/FLUSHALL send a null invalidation to every tracking client and empty the table.
//! * Delivery: RESP3 clients get a `>2 invalidate ...` push; a client redirecting (REDIRECT id)
//!   to a RESP2 client subscribed to anything gets `message __redis__:invalidate ...` there.
//!   A message for the client whose command is running is held until its reply is written
//!   ([`send_pending`]), as Redis 7.0 does; NOLOOP drops the client's own changes.
//!
//! Hook: every key change reaches [`Tracking::invalidate`] from the keyspace's single touch
//! point (`Db::touch`, expiry, eviction), the same place WATCH is told, so no command can
//! forget it. Like WATCH, that includes writes that end up changing nothing (stricter than
//! Redis: an extra invalidation, never a missing one). With nobody tracking and no key
//! remembered, an invalidation is one relaxed atomic load.
//!
//! Lock order: the state mutex is taken under shard locks and before the client registry and
//! outboxes; nothing here takes a shard lock.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::BufMut;

use crate::client::ClientHandle;
use crate::pubsub::PubSub;
use crate::resp::Reply;

/// The engine's client registry, by id (shared with `Engine`).
pub type ClientMap = Arc<Mutex<BTreeMap<u64, Arc<ClientHandle>>>>;

/// Redis's `tracking-table-max-keys` default.
pub const MAX_KEYS_DEFAULT: u64 = 1_000_000;

/// A key and the clients to tell about it.
type KeyTargets = (Box<[u8]>, Vec<Arc<ClientHandle>>);

/// Per-client tracking flags (`CLIENT_TRACKING*`).
pub mod flag {
    pub const ON: u32 = 1 << 0;
    pub const BCAST: u32 = 1 << 1;
    pub const OPTIN: u32 = 1 << 2;
    pub const OPTOUT: u32 = 1 << 3;
    pub const NOLOOP: u32 = 1 << 4;
    /// CLIENT CACHING was given for the next command.
    pub const CACHING: u32 = 1 << 5;
    pub const BROKEN_REDIR: u32 = 1 << 6;
}

/// One client's tracking state, kept in its `ClientHandle` so other clients' writes can read it.
#[derive(Debug, Default)]
pub struct ClientTracking {
    flags: AtomicU32,
    /// REDIRECT target id (0: none).
    redirect: AtomicU64,
    /// BCAST prefixes, sorted.
    prefixes: Mutex<BTreeSet<Box<[u8]>>>,
}

impl ClientTracking {
    pub fn flags(&self) -> u32 {
        self.flags.load(Ordering::Acquire)
    }

    pub fn has(&self, bit: u32) -> bool {
        self.flags() & bit != 0
    }

    pub fn redirect(&self) -> u64 {
        self.redirect.load(Ordering::Acquire)
    }

    pub fn prefixes(&self) -> Vec<Box<[u8]>> {
        lock(&self.prefixes).iter().cloned().collect()
    }

    pub fn set_caching(&self) {
        self.flags.fetch_or(flag::CACHING, Ordering::AcqRel);
    }

    pub fn clear_caching(&self) {
        if self.has(flag::CACHING) {
            self.flags.fetch_and(!flag::CACHING, Ordering::AcqRel);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

#[derive(Debug, Default)]
struct Prefix {
    clients: BTreeSet<u64>,
    /// Keys changed since the last broadcast, and the id of the client that last changed
    /// each (0: the server itself), for NOLOOP.
    keys: BTreeMap<Box<[u8]>, u64>,
}

#[derive(Debug, Default)]
struct State {
    /// Key -> ids of the clients that may have cached it.
    table: BTreeMap<Box<[u8]>, BTreeSet<u64>>,
    /// Sum of the table's id sets (INFO `tracking_total_items`).
    items: usize,
    prefixes: BTreeMap<Box<[u8]>, Prefix>,
    /// Clients with tracking on.
    on: BTreeMap<u64, Arc<ClientHandle>>,
}

impl State {
    fn update_live(&self, live: &AtomicBool) {
        live.store(
            !self.table.is_empty() || !self.prefixes.is_empty(),
            Ordering::Release,
        );
    }
}

/// The server-wide tracking table.
#[derive(Debug)]
pub struct Tracking {
    /// The table holds a key or a prefix is registered: invalidation has work to do.
    live: AtomicBool,
    /// A BCAST prefix collected a key since the last broadcast.
    bcast_pending: AtomicBool,
    max_keys: AtomicU64,
    state: Mutex<State>,
    clients: ClientMap,
}

impl Default for Tracking {
    fn default() -> Tracking {
        Tracking::new(ClientMap::default())
    }
}

/// What is held back for the running client until its reply is written.
#[derive(Debug)]
enum Pending {
    Key(Arc<ClientHandle>, Box<[u8]>),
    Null(Arc<ClientHandle>),
}

thread_local! {
    /// Id of the client whose command runs on this thread (0: none); see `pubsub`'s
    /// `ExecutingGuard`, which sets it.
    static EXECUTING_ID: Cell<u64> = const { Cell::new(0) };
    /// Invalidations for the running client (or for the client it redirects to), sent after
    /// its reply (Redis's `tracking_pending_keys`).
    static PENDING: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
}

/// Sets the running client's id; returns the previous one (to restore).
pub fn set_executing(id: u64) -> u64 {
    EXECUTING_ID.with(|e| e.replace(id))
}

fn executing_id() -> u64 {
    EXECUTING_ID.with(|e| e.get())
}

/// The null of a client's protocol.
fn null_for(handle: &ClientHandle) -> &'static [u8] {
    if handle.resp.load(Ordering::Relaxed) == 3 {
        b"_\r\n"
    } else {
        b"$-1\r\n"
    }
}

fn key_array(keys: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(keys.iter().map(|k| k.len() + 16).sum::<usize>() + 8);
    out.put_u8(b'*');
    out.put_slice(itoa::Buffer::new().format(keys.len()).as_bytes());
    out.put_slice(b"\r\n");
    for key in keys {
        out.put_u8(b'$');
        out.put_slice(itoa::Buffer::new().format(key.len()).as_bytes());
        out.put_slice(b"\r\n");
        out.put_slice(key);
        out.put_slice(b"\r\n");
    }
    out
}

impl Tracking {
    pub fn new(clients: ClientMap) -> Tracking {
        Tracking {
            live: AtomicBool::new(false),
            bcast_pending: AtomicBool::new(false),
            max_keys: AtomicU64::new(MAX_KEYS_DEFAULT),
            state: Mutex::new(State::default()),
            clients,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// `tracking-table-max-keys` (0: no limit).
    pub fn set_max_keys(&self, max: u64) {
        self.max_keys.store(max, Ordering::Relaxed);
    }

    /// INFO: (tracking_clients, tracking_total_keys, tracking_total_items,
    /// tracking_total_prefixes).
    pub fn info(&self) -> (usize, usize, usize, usize) {
        let state = self.state();
        (
            state.on.len(),
            state.table.len(),
            state.items,
            state.prefixes.len(),
        )
    }

    /// Turns tracking on for `handle` (options already validated by CLIENT TRACKING).
    pub fn enable(
        &self,
        handle: &Arc<ClientHandle>,
        redirect: u64,
        options: u32,
        prefixes: &[&[u8]],
    ) {
        let mut state = self.state();
        state.on.insert(handle.id, handle.clone());
        let t = &handle.tracking;
        let kept = t.flags() & flag::CACHING;
        t.redirect.store(redirect, Ordering::Release);
        let mut flags = flag::ON | kept | (options & (flag::OPTIN | flag::OPTOUT | flag::NOLOOP));
        if options & flag::BCAST != 0 {
            flags |= flag::BCAST;
            let mut mine = lock(&t.prefixes);
            let all: &[&[u8]] = if prefixes.is_empty() {
                &[b""]
            } else {
                prefixes
            };
            for prefix in all {
                if mine.insert(Box::from(*prefix)) {
                    state
                        .prefixes
                        .entry(Box::from(*prefix))
                        .or_default()
                        .clients
                        .insert(handle.id);
                }
            }
        }
        t.flags.store(flags, Ordering::Release);
        state.update_live(&self.live);
    }

    /// Turns tracking off for `handle` (CLIENT TRACKING OFF, RESET, disconnect).
    pub fn disable(&self, handle: &ClientHandle) {
        let t = &handle.tracking;
        if t.flags() == 0 {
            return;
        }
        let mut state = self.state();
        let mine = std::mem::take(&mut *lock(&t.prefixes));
        for prefix in mine {
            if let Some(entry) = state.prefixes.get_mut(&prefix) {
                entry.clients.remove(&handle.id);
                if entry.clients.is_empty() {
                    state.prefixes.remove(&prefix);
                }
            }
        }
        state.on.remove(&handle.id);
        t.flags.store(0, Ordering::Release);
        state.update_live(&self.live);
    }

    /// Remembers that `handle` read `keys` (Redis's `trackingRememberKeys`), unless OPTIN
    /// without CACHING YES or OPTOUT with CACHING NO says not to.
    pub fn remember<'k>(
        &self,
        pubsub: &PubSub,
        handle: &ClientHandle,
        keys: impl Iterator<Item = &'k [u8]>,
        now_ms: u64,
    ) {
        let flags = handle.tracking.flags();
        if flags & flag::ON == 0 || flags & flag::BCAST != 0 {
            return;
        }
        let caching = flags & flag::CACHING != 0;
        if (flags & flag::OPTIN != 0 && !caching) || (flags & flag::OPTOUT != 0 && caching) {
            return;
        }
        let mut state = self.state();
        for key in keys {
            let ids = state.table.entry(Box::from(key)).or_default();
            if ids.insert(handle.id) {
                state.items += 1;
            }
        }
        state.update_live(&self.live);
        let max = self.max_keys.load(Ordering::Relaxed) as usize;
        if max == 0 || state.table.len() <= max {
            return;
        }
        // Over `tracking-table-max-keys`: invalidate keys (the first ones) until under it.
        let mut evicted = Vec::new();
        while state.table.len() > max {
            let Some((key, ids)) = state.table.pop_first() else {
                break;
            };
            state.items -= ids.len();
            evicted.push((key, ids));
        }
        let targets: Vec<KeyTargets> = evicted
            .into_iter()
            .map(|(key, ids)| {
                let handles = ids
                    .iter()
                    .filter_map(|id| state.on.get(id).cloned())
                    .collect();
                (key, handles)
            })
            .collect();
        state.update_live(&self.live);
        drop(state);
        for (key, handles) in targets {
            for target in handles {
                if target.tracking.has(flag::BCAST) {
                    continue;
                }
                self.send_key(pubsub, &target, &key, now_ms);
            }
        }
    }

    /// `key` was changed (Redis's `trackingInvalidateKey`): the clients that may have cached it
    /// are told, and BCAST prefixes matching it collect it.
    pub fn invalidate(&self, pubsub: &PubSub, key: &[u8], now_ms: u64) {
        if !self.live.load(Ordering::Relaxed) {
            return;
        }
        let modifier = executing_id();
        let mut state = self.state();
        if !state.prefixes.is_empty() {
            let mut any = false;
            for (prefix, entry) in state.prefixes.iter_mut() {
                if key.starts_with(prefix) {
                    entry.keys.insert(Box::from(key), modifier);
                    any = true;
                }
            }
            if any {
                self.bcast_pending.store(true, Ordering::Release);
            }
        }
        let Some(ids) = state.table.remove(key) else {
            return;
        };
        state.items -= ids.len();
        let targets: Vec<Arc<ClientHandle>> = ids
            .iter()
            .filter_map(|id| state.on.get(id).cloned())
            .collect();
        state.update_live(&self.live);
        drop(state);
        for target in targets {
            let flags = target.tracking.flags();
            if flags & flag::ON == 0 || flags & flag::BCAST != 0 {
                continue;
            }
            if flags & flag::NOLOOP != 0 && target.id == modifier {
                continue;
            }
            if target.id == modifier {
                PENDING.with(|p| {
                    p.borrow_mut()
                        .push(Pending::Key(target.clone(), Box::from(key)))
                });
            } else {
                self.send_key(pubsub, &target, key, now_ms);
            }
        }
    }

    /// FLUSHDB/FLUSHALL (Redis's `trackingInvalidateKeysOnFlush`): a null invalidation to every
    /// tracking client, and the table is emptied.
    pub fn invalidate_all(&self, pubsub: &PubSub, now_ms: u64) {
        let mut state = self.state();
        let targets: Vec<Arc<ClientHandle>> = state.on.values().cloned().collect();
        state.table.clear();
        state.items = 0;
        state.update_live(&self.live);
        drop(state);
        let running = executing_id();
        for target in targets {
            if target.id == running {
                PENDING.with(|p| p.borrow_mut().push(Pending::Null(target.clone())));
            } else {
                self.send(pubsub, &target, null_for(&target), None, now_ms);
            }
        }
    }

    /// Sends the keys BCAST prefixes collected since the last call (Redis's
    /// `trackingBroadcastInvalidationMessages`): one message per prefix and client.
    pub fn broadcast(&self, pubsub: &PubSub, now_ms: u64) {
        if !self.bcast_pending.swap(false, Ordering::AcqRel) {
            return;
        }
        let mut state = self.state();
        let mut messages: Vec<(Arc<ClientHandle>, Vec<u8>)> = Vec::new();
        let State { prefixes, on, .. } = &mut *state;
        for entry in prefixes.values_mut() {
            if entry.keys.is_empty() {
                continue;
            }
            let keys = std::mem::take(&mut entry.keys);
            let all: Vec<&[u8]> = keys.keys().map(|k| &k[..]).collect();
            let common = key_array(&all);
            for id in &entry.clients {
                let Some(handle) = on.get(id) else { continue };
                if handle.tracking.has(flag::NOLOOP) {
                    let others: Vec<&[u8]> = keys
                        .iter()
                        .filter(|(_, by)| **by != *id)
                        .map(|(k, _)| &k[..])
                        .collect();
                    if !others.is_empty() {
                        messages.push((handle.clone(), key_array(&others)));
                    }
                } else {
                    messages.push((handle.clone(), common.clone()));
                }
            }
        }
        drop(state);
        for (handle, payload) in messages {
            self.send(pubsub, &handle, &payload, None, now_ms);
        }
    }

    fn send_key(&self, pubsub: &PubSub, tracker: &ClientHandle, key: &[u8], now_ms: u64) {
        self.send(pubsub, tracker, &key_array(&[key]), None, now_ms);
    }

    /// Redis's `sendTrackingMessage`: `payload` (an array of keys, or a null) to `tracker` or
    /// the client it redirects to. `own_out` is the running client's reply buffer when the
    /// message is sent after its reply.
    fn send(
        &self,
        pubsub: &PubSub,
        tracker: &ClientHandle,
        payload: &[u8],
        own_out: Option<&mut Reply>,
        now_ms: u64,
    ) {
        let redirect = tracker.tracking.redirect();
        let redirected;
        let found;
        let target: &ClientHandle = if redirect != 0 {
            found = lock(&self.clients).get(&redirect).cloned();
            match &found {
                Some(handle) => {
                    redirected = true;
                    handle
                }
                None => {
                    tracker
                        .tracking
                        .flags
                        .fetch_or(flag::BROKEN_REDIR, Ordering::AcqRel);
                    if tracker.resp.load(Ordering::Relaxed) == 3 {
                        let mut msg = b">2\r\n$21\r\ntracking-redir-broken\r\n:".to_vec();
                        msg.extend_from_slice(itoa::Buffer::new().format(redirect).as_bytes());
                        msg.extend_from_slice(b"\r\n");
                        deliver(pubsub, tracker, &msg, own_out, now_ms);
                    }
                    return;
                }
            }
        } else {
            redirected = false;
            tracker
        };
        let mut msg = Vec::with_capacity(payload.len() + 48);
        if target.resp.load(Ordering::Relaxed) == 3 {
            msg.extend_from_slice(b">2\r\n$10\r\ninvalidate\r\n");
        } else if redirected && target.is_pubsub() {
            msg.extend_from_slice(b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n");
        } else {
            return;
        }
        msg.extend_from_slice(payload);
        let own_out = if target.id == tracker.id {
            own_out
        } else {
            None
        };
        deliver(pubsub, target, &msg, own_out, now_ms);
    }
}

/// Hands a message to a client: after the running client's reply (`own_out`), into the
/// running command's reply where it is, or into the outbox.
fn deliver(
    pubsub: &PubSub,
    target: &ClientHandle,
    msg: &[u8],
    own_out: Option<&mut Reply>,
    now_ms: u64,
) {
    match own_out {
        Some(out) => out.raw(msg),
        None => pubsub.deliver_to(target, msg, now_ms),
    }
}

/// Sends the invalidations held back for the running client (`handle`) after its reply.
pub fn send_pending(
    tracking: &Tracking,
    pubsub: &PubSub,
    handle: &ClientHandle,
    out: &mut Reply,
    now_ms: u64,
) {
    let pending = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
    for item in pending {
        let (tracker, payload) = match &item {
            Pending::Key(tracker, key) => (tracker, key_array(&[key])),
            Pending::Null(tracker) => (tracker, null_for(tracker).to_vec()),
        };
        let own = (tracker.id == handle.id).then_some(&mut *out);
        tracking.send(pubsub, tracker, &payload, own, now_ms);
    }
}

/// The keys a read-only command read, for the tracking table: the command table's key
/// positions, and for the commands whose keys move, where their arguments put them.
pub fn read_keys<'a>(command: &crate::command::Command, args: &'a [bytes::Bytes]) -> Vec<&'a [u8]> {
    let name = command.spec.name;
    let numkeys_at = |at: usize| -> Vec<&'a [u8]> {
        let n = args
            .get(at)
            .and_then(|a| std::str::from_utf8(a).ok())
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(0);
        args.iter().skip(at + 1).take(n).map(|a| &a[..]).collect()
    };
    match name {
        "zunion" | "zinter" | "zdiff" | "sintercard" | "zintercard" | "lmpop" | "zmpop" => {
            numkeys_at(1)
        }
        "xread" | "xreadgroup" => {
            let Some(at) = args.iter().position(|a| a.eq_ignore_ascii_case(b"streams")) else {
                return Vec::new();
            };
            let rest = &args[at + 1..];
            rest[..rest.len() / 2].iter().map(|a| &a[..]).collect()
        }
        _ => command
            .key_positions(args.len())
            .map(|i| &args[i][..])
            .collect(),
    }
}

/// After a command ran under `ctx`'s locks: a read-only command of a tracking client (in
/// default mode) remembers its keys. Read-only scripts remember only the commands they run.
pub fn after_command(
    ctx: &crate::session::Ctx<'_, '_>,
    command: &crate::command::Command,
    args: &[bytes::Bytes],
) {
    let handle = &ctx.client.handle;
    if handle.tracking.flags() & flag::ON == 0
        || !command.has(crate::command::flag::READONLY)
        || matches!(command.spec.name, "eval_ro" | "evalsha_ro" | "fcall_ro")
    {
        return;
    }
    let keys = read_keys(command, args);
    let keyspace = &ctx.engine.keyspace;
    keyspace.tracking.remember(
        &keyspace.pubsub,
        handle,
        keys.into_iter(),
        ctx.now.unix_ms(),
    );
}

#[cfg(test)]
mod tests;
