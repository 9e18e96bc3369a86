//! Blocking commands (BLPOP and friends): clients waiting on keys, served in FIFO order as soon
//! as a write makes a key ready, the way Redis serves them.
//!
//! A blocking handler that finds nothing asks to block ([`crate::session::Ctx::block`]); the
//! session then registers a [`Waiter`] here and stops processing that client's input. Every
//! keyspace write to a key somebody waits on puts the key on the ready list (`ReadyKeys`, in
//! the keyspace, so no command can forget to signal). After each command the session calls
//! [`Blocking::serve`]: for each ready key, the waiters on it, oldest first, get their command
//! re-run on their behalf — still atomically with respect to other clients, under the shard
//! locks — until one finds nothing to take. A served waiter's reply is handed to its
//! connection through its `ClientHandle`, which is woken to write it.
//!
//! Lock order: `state` before shard locks (serving locks shards while holding `state`);
//! registration, timeouts and unblocking take `state` with no shard held. The ready list is a
//! leaf lock taken under shard locks.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use smallvec::SmallVec;

use crate::Now;
use crate::client::ClientHandle;
use crate::command::Command;
use crate::engine::Engine;
use crate::pubsub::ExecutingGuard;
use crate::resp::{Protocol, Reply};
use crate::session::{Client, Ctx};

/// Keys written since the last serve, among those somebody waits on. Lives in the keyspace so
/// every write path signals it.
#[derive(Debug, Default)]
pub struct ReadyKeys {
    /// Number of (database, key) pairs with at least one waiter; 0 makes signalling free.
    waited: AtomicUsize,
    list: Mutex<Vec<(usize, Vec<u8>)>>,
}

impl ReadyKeys {
    /// A write touched `key` of `db`.
    pub fn signal(&self, db: usize, key: &[u8]) {
        if self.waited.load(Ordering::Relaxed) == 0 {
            return;
        }
        self.list
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((db, key.to_vec()));
    }

    fn len(&self) -> usize {
        self.list.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    fn truncate(&self, len: usize) {
        self.list
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .truncate(len);
    }

    fn take(&self) -> Vec<(usize, Vec<u8>)> {
        std::mem::take(&mut *self.list.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn any(&self) -> bool {
        self.waited.load(Ordering::Relaxed) > 0
            && !self
                .list
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_empty()
    }
}

/// What a handler asks for when it must block.
#[derive(Debug)]
pub struct BlockRequest {
    pub keys: Vec<Vec<u8>>,
    /// Absolute Unix ms, or `None` to wait forever.
    pub deadline_ms: Option<u64>,
    /// The command to re-run when a key is ready, if not the one sent: XREAD pins `$` to the
    /// id it stood for when the client blocked.
    pub rerun: Option<Vec<Bytes>>,
    /// Every waiter on a ready key gets a try, even after one found nothing: stream readers
    /// take nothing from each other. Otherwise (lists, sorted sets) the first waiter that
    /// finds nothing ends the key's turn.
    pub try_all: bool,
}

/// A blocked client.
#[derive(Debug)]
struct Waiter {
    handle: Arc<ClientHandle>,
    db: usize,
    protocol: Protocol,
    command: &'static Command,
    args: Vec<Bytes>,
    keys: Vec<Vec<u8>>,
    try_all: bool,
}

#[derive(Debug, Default)]
struct State {
    queues: BTreeMap<(usize, Vec<u8>), VecDeque<u64>>,
    waiters: BTreeMap<u64, Waiter>,
}

#[derive(Debug, Default)]
pub struct Blocking {
    state: Mutex<State>,
}

/// The reply a blocked command gives when its timeout passes (all of Redis's list, sorted-set
/// and stream blocking commands answer a null array).
pub fn timeout_reply(protocol: Protocol) -> Vec<u8> {
    let mut reply = Reply::new(protocol);
    reply.null_array();
    reply.buf.to_vec()
}

impl Blocking {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn is_blocked(&self, id: u64) -> bool {
        self.state().waiters.contains_key(&id)
    }

    /// Number of blocked clients (INFO's `blocked_clients`).
    pub fn count(&self) -> usize {
        self.state().waiters.len()
    }

    /// Registers `client` as waiting; the caller then calls [`Blocking::serve`] once with the
    /// keys marked ready, in case a write slipped in between the handler's check and now.
    pub fn register(
        &self,
        engine: &Engine,
        client: &Client,
        protocol: Protocol,
        command: &'static Command,
        args: &[Bytes],
        request: &BlockRequest,
    ) {
        let mut state = self.state();
        let id = client.handle.id;
        for key in &request.keys {
            let queue = state.queues.entry((client.db, key.clone())).or_default();
            if queue.is_empty() {
                engine.keyspace.ready.waited.fetch_add(1, Ordering::Relaxed);
            }
            if !queue.contains(&id) {
                queue.push_back(id);
            }
        }
        state.waiters.insert(
            id,
            Waiter {
                handle: client.handle.clone(),
                db: client.db,
                protocol,
                command,
                args: request.rerun.clone().unwrap_or_else(|| args.to_vec()),
                keys: request.keys.clone(),
                try_all: request.try_all,
            },
        );
        drop(state);
        for key in &request.keys {
            engine
                .keyspace
                .ready
                .list
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((client.db, key.clone()));
        }
    }

    fn remove(&self, engine: &Engine, state: &mut State, id: u64) -> Option<Waiter> {
        let waiter = state.waiters.remove(&id)?;
        for key in &waiter.keys {
            let slot = (waiter.db, key.clone());
            if let Some(queue) = state.queues.get_mut(&slot) {
                queue.retain(|&w| w != id);
                if queue.is_empty() {
                    state.queues.remove(&slot);
                    engine.keyspace.ready.waited.fetch_sub(1, Ordering::Relaxed);
                }
            }
        }
        Some(waiter)
    }

    /// Stops waiting for `id` (timeout, CLIENT UNBLOCK, disconnect). Returns the client and
    /// its protocol if it was still waiting; `None` means it was served and its reply is
    /// waiting in its handle.
    pub fn cancel(&self, engine: &Engine, id: u64) -> Option<(Arc<ClientHandle>, Protocol)> {
        let mut state = self.state();
        self.remove(engine, &mut state, id)
            .map(|w| (w.handle, w.protocol))
    }

    /// Serves waiters on every ready key, oldest first per key, until no ready key remains.
    pub fn serve(&self, engine: &Engine, now: Now) {
        if engine.keyspace.ready.waited.load(Ordering::Relaxed) == 0 {
            engine.keyspace.ready.take();
            return;
        }
        loop {
            let mut ready = engine.keyspace.ready.take();
            if ready.is_empty() {
                return;
            }
            // Keep the order in which keys became ready, without repeats.
            let mut seen = std::collections::BTreeSet::new();
            ready.retain(|k| seen.insert(k.clone()));
            for (db, key) in ready {
                let mut state = self.state();
                let queued: Vec<u64> = match state.queues.get(&(db, key.clone())) {
                    Some(queue) => queue.iter().copied().collect(),
                    None => continue,
                };
                let mut exhausted = false;
                for id in queued {
                    let waiter = state
                        .waiters
                        .get(&id)
                        .expect("queued waiters are registered");
                    let try_all = waiter.try_all;
                    if exhausted && !try_all {
                        continue;
                    }
                    // A failed attempt only looked: the keys it "touched" through write lookups
                    // were not changed, and must not count as ready again (or serving would
                    // never end).
                    let signalled_before = engine.keyspace.ready.len();
                    match attempt(engine, waiter, &key, now) {
                        Some((reply, aof_seq)) => {
                            let waiter = self.remove(engine, &mut state, id).expect("present");
                            waiter.handle.deliver(reply, aof_seq);
                        }
                        None => {
                            engine.keyspace.ready.truncate(signalled_before);
                            exhausted |= !try_all;
                        }
                    }
                }
            }
        }
    }
}

/// Re-runs a waiter's command on its behalf. `Some(reply)` if it took something (or failed
/// with an error reply), `None` if it would still block.
fn attempt(engine: &Engine, waiter: &Waiter, ready_key: &[u8], now: Now) -> Option<(Vec<u8>, u64)> {
    let handler = waiter
        .command
        .spec
        .handler
        .expect("blocking commands have handlers");
    let shards: SmallVec<[usize; 4]> = waiter
        .command
        .key_positions(waiter.args.len())
        .map(|i| engine.keyspace.shard_of(&waiter.args[i]))
        .collect();
    let locked = engine.keyspace.lock(shards);
    let mut client = Client::serving(waiter.handle.clone(), waiter.db, ready_key.to_vec());
    // The served command's keyspace events that reach the waiter itself go into its reply
    // where they happen (a served BLPOP's `lpop` after its reply), as for a command it runs.
    let _executing = ExecutingGuard::new(&waiter.handle);
    let mut out = Reply::new(waiter.protocol).with_push_slot(waiter.handle.push_slot.clone());
    let mut ctx = Ctx {
        engine,
        client: &mut client,
        out: &mut out,
        now,
        locked,
    };
    let errors_before = ctx.out.errors_written;
    handler(&mut ctx, &waiter.args);
    if ctx.out.buf.is_empty() {
        drop(ctx);
        // Still blocked: what was published to the waiter meanwhile is ordinary output.
        let pending = waiter.handle.push_slot.take();
        if !pending.is_empty() {
            waiter.handle.append_output(&pending);
        }
        return None;
    }
    // Served: its effects reach the log while the shards are still locked.
    let failed = ctx.out.errors_written > errors_before;
    crate::session::note_effects(&mut ctx, waiter.command, &waiter.args, failed);
    crate::session::log_effects(&mut ctx);
    drop(ctx);
    out.splice();
    Some((out.buf.to_vec(), client.aof_seq))
}
