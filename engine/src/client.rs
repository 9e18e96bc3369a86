//! What the server knows about each connected client, shared between the client's own session
//! (which updates it) and other clients' commands (CLIENT LIST, CLIENT KILL) and the driver
//! (which sleeps on the client's waker).
//!
//! Other clients' commands reach this client through its outbox: pub/sub messages and the
//! reply of a blocking command served on its behalf are appended in the order they are
//! produced, and the driver is woken to write them. The outbox is bounded by the pub/sub
//! class of `client-output-buffer-limit`: a subscriber that does not read is disconnected and
//! its pending messages dropped, so a publisher never blocks and never grows memory without
//! bound.

use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::BytesMut;
use futures_util::task::AtomicWaker;

use crate::config::ObufLimit;
use crate::resp::reply::PushSlot;

/// A client's shared record. Hot fields are atomics; rarely written strings sit behind a mutex.
#[derive(Debug)]
pub struct ClientHandle {
    pub id: u64,
    pub addr: String,
    pub laddr: String,
    pub created_mono_us: u64,
    pub last_interaction_mono_us: AtomicU64,
    pub db: AtomicUsize,
    pub resp: AtomicU8,
    /// Id of the last command run (see `Commands::by_id`), `u32::MAX` before the first.
    pub last_command: AtomicU32,
    pub names: Mutex<ClientNames>,
    pub no_evict: AtomicBool,
    /// CLIENT NO-TOUCH: this client's commands (but TOUCH) leave access times alone.
    pub no_touch: AtomicBool,
    /// CLIENT TRACKING state (see `tracking`).
    pub tracking: crate::tracking::ClientTracking,
    /// Bytes waiting in the query buffer, as last seen by the driver.
    pub query_buffer_bytes: AtomicU64,
    killed: AtomicBool,
    /// The append-only log position a served blocking command's reply must wait for under
    /// `appendfsync always` (0: none).
    served_aof_seq: AtomicU64,
    /// Killed because its outbox passed `client-output-buffer-limit`.
    killed_for_obuf: AtomicBool,
    /// What other clients produced for this one, waiting for its connection to write it.
    outbox: Mutex<Outbox>,
    /// Bytes in the outbox (CLIENT LIST's `omem`), readable without the lock.
    outbox_bytes: AtomicU64,
    /// Messages this client's own running command publishes to it (see `resp::reply`).
    pub push_slot: Arc<PushSlot>,
    /// Subscriptions to channels, patterns and shard channels (CLIENT LIST `sub`, `psub`,
    /// `ssub`); any of them makes this a pub/sub client (flag `P`).
    pub sub_channels: AtomicUsize,
    pub sub_patterns: AtomicUsize,
    pub sub_shard_channels: AtomicUsize,
    /// A key this client WATCHes was touched: its next EXEC fails.
    dirty_cas: AtomicBool,
    /// Woken when the driver must look at this client (killed, output waiting).
    pub waker: AtomicWaker,
}

/// See [`ClientHandle`]'s `outbox`.
#[derive(Debug, Default)]
struct Outbox {
    buf: BytesMut,
    /// A blocked command's reply was delivered (its bytes are in `buf`, in order).
    served: bool,
    /// Since when (Unix ms) the outbox has been at or over the soft limit without a break.
    soft_since_ms: Option<u64>,
}

#[derive(Debug, Default, Clone)]
pub struct ClientNames {
    pub name: Vec<u8>,
    pub lib_name: Vec<u8>,
    pub lib_ver: Vec<u8>,
}

impl ClientHandle {
    pub fn new(id: u64, addr: String, laddr: String, now_mono_us: u64) -> ClientHandle {
        ClientHandle {
            id,
            addr,
            laddr,
            created_mono_us: now_mono_us,
            last_interaction_mono_us: AtomicU64::new(now_mono_us),
            db: AtomicUsize::new(0),
            resp: AtomicU8::new(2),
            last_command: AtomicU32::new(u32::MAX),
            names: Mutex::new(ClientNames::default()),
            no_evict: AtomicBool::new(false),
            no_touch: AtomicBool::new(false),
            tracking: Default::default(),
            query_buffer_bytes: AtomicU64::new(0),
            killed: AtomicBool::new(false),
            served_aof_seq: AtomicU64::new(0),
            killed_for_obuf: AtomicBool::new(false),
            outbox: Mutex::new(Outbox::default()),
            outbox_bytes: AtomicU64::new(0),
            push_slot: Arc::new(PushSlot::default()),
            sub_channels: AtomicUsize::new(0),
            sub_patterns: AtomicUsize::new(0),
            sub_shard_channels: AtomicUsize::new(0),
            dirty_cas: AtomicBool::new(false),
            waker: AtomicWaker::new(),
        }
    }

    fn outbox(&self) -> std::sync::MutexGuard<'_, Outbox> {
        self.outbox.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks the client for disconnection and wakes its driver.
    pub fn kill(&self) {
        self.killed.store(true, Ordering::Release);
        self.waker.wake();
    }

    /// Hands a served blocking command's reply to this client's connection and wakes it. It
    /// joins the outbox behind whatever was published to the client before it.
    /// `aof_seq` is the log position the reply must wait for under `appendfsync always`.
    pub fn deliver(&self, reply: Vec<u8>, aof_seq: u64) {
        self.served_aof_seq.fetch_max(aof_seq, Ordering::AcqRel);
        let mut outbox = self.outbox();
        outbox.buf.extend_from_slice(&reply);
        outbox.served = true;
        self.outbox_bytes
            .store(outbox.buf.len() as u64, Ordering::Release);
        drop(outbox);
        self.waker.wake();
    }

    /// Appends bytes to the outbox without a limit check (a served command's events that
    /// found the client still blocked) and wakes the driver.
    pub fn append_output(&self, bytes: &[u8]) {
        let mut outbox = self.outbox();
        outbox.buf.extend_from_slice(bytes);
        self.outbox_bytes
            .store(outbox.buf.len() as u64, Ordering::Release);
        drop(outbox);
        self.waker.wake();
    }

    /// Appends a pub/sub message (already encoded in this client's protocol) and wakes the
    /// driver. Past `limit` the client is killed and everything pending is dropped, as Redis
    /// closes a client over its output buffer limit. Returns false if the message was dropped.
    pub fn push(&self, message: &[u8], limit: ObufLimit, now_ms: u64) -> bool {
        if self.is_killed() {
            return false;
        }
        let mut outbox = self.outbox();
        outbox.buf.extend_from_slice(message);
        let used = outbox.buf.len() as u64;
        if limit.reached(used, &mut outbox.soft_since_ms, now_ms) {
            // Free the memory now: a killed client's driver may take a while to notice.
            *outbox = Outbox::default();
            self.outbox_bytes.store(0, Ordering::Release);
            drop(outbox);
            self.killed_for_obuf.store(true, Ordering::Relaxed);
            self.kill();
            return false;
        }
        self.outbox_bytes.store(used, Ordering::Release);
        drop(outbox);
        self.waker.wake();
        true
    }

    /// Bytes waiting in the outbox.
    pub fn output_bytes(&self) -> usize {
        self.outbox_bytes.load(Ordering::Relaxed) as usize
    }

    /// True when the outbox holds bytes to write or a served reply.
    pub fn has_output(&self) -> bool {
        let outbox = self.outbox();
        !outbox.buf.is_empty() || outbox.served
    }

    /// Takes at most `max` bytes from the front of the outbox.
    pub fn take_output(&self, max: usize) -> Option<BytesMut> {
        // Lock-free when empty, which is the common case on every batch of commands. A push
        // racing this check wakes the driver, which comes back for it.
        if self.outbox_bytes.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut outbox = self.outbox();
        if outbox.buf.is_empty() {
            return None;
        }
        let n = outbox.buf.len().min(max);
        let chunk = outbox.buf.split_to(n);
        self.outbox_bytes
            .store(outbox.buf.len() as u64, Ordering::Release);
        Some(chunk)
    }

    /// Reads and clears the "a blocked command's reply was delivered" flag.
    /// The log position served replies wait for, cleared.
    pub fn take_served_aof_seq(&self) -> u64 {
        self.served_aof_seq.swap(0, Ordering::AcqRel)
    }

    pub fn take_served(&self) -> bool {
        std::mem::take(&mut self.outbox().served)
    }

    /// True if the client was disconnected for passing its output buffer limit.
    pub fn killed_for_obuf(&self) -> bool {
        self.killed_for_obuf.load(Ordering::Relaxed)
    }

    /// Subscriptions of every kind; nonzero makes this a pub/sub client.
    pub fn subscriptions(&self) -> usize {
        self.sub_channels.load(Ordering::Relaxed)
            + self.sub_patterns.load(Ordering::Relaxed)
            + self.sub_shard_channels.load(Ordering::Relaxed)
    }

    /// Redis's client type (`normal` or `pubsub` until replication exists), for CLIENT LIST
    /// TYPE, CLIENT KILL TYPE and the output buffer limit class.
    pub fn is_pubsub(&self) -> bool {
        self.subscriptions() > 0
    }

    pub fn set_dirty_cas(&self) {
        self.dirty_cas.store(true, Ordering::Release);
    }

    /// Reads and clears the dirty-CAS flag.
    pub fn take_dirty_cas(&self) -> bool {
        self.dirty_cas.swap(false, Ordering::AcqRel)
    }

    pub fn is_killed(&self) -> bool {
        self.killed.load(Ordering::Acquire)
    }

    pub fn names(&self) -> ClientNames {
        self.names.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// One CLIENT LIST / CLIENT INFO line (without the trailing newline).
    pub fn info_line(&self, now_mono_us: u64) -> String {
        let names = self.names();
        let age_s = now_mono_us.saturating_sub(self.created_mono_us) / 1_000_000;
        let idle_s = now_mono_us
            .saturating_sub(self.last_interaction_mono_us.load(Ordering::Relaxed))
            / 1_000_000;
        let qbuf = self.query_buffer_bytes.load(Ordering::Relaxed);
        // Redis's order of flag letters (of those Ferrite has), `N` when none.
        let mut flags = String::new();
        if self.is_pubsub() {
            flags.push('P');
        }
        let tracking = self.tracking.flags();
        for (bit, c) in [
            (crate::tracking::flag::ON, 't'),
            (crate::tracking::flag::BROKEN_REDIR, 'R'),
            (crate::tracking::flag::BCAST, 'B'),
        ] {
            if tracking & bit != 0 {
                flags.push(c);
            }
        }
        if self.no_evict.load(Ordering::Relaxed) {
            flags.push('e');
        }
        if self.no_touch.load(Ordering::Relaxed) {
            flags.push('T');
        }
        let redir = if tracking & crate::tracking::flag::ON != 0 {
            self.tracking.redirect() as i64
        } else {
            -1
        };
        if flags.is_empty() {
            flags.push('N');
        }
        let cmd = crate::command::Commands::get()
            .by_id(self.last_command.load(Ordering::Relaxed))
            .map_or("NULL", |spec| spec.name);
        format!(
            "id={} addr={} laddr={} fd=-1 name={} age={} idle={} flags={} db={} sub={} psub={} ssub={} multi=-1 \
             qbuf={} qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem={} tot-mem=0 events=r cmd={} \
             user=default redir={} resp={} lib-name={} lib-ver={}",
            self.id,
            self.addr,
            self.laddr,
            String::from_utf8_lossy(&names.name),
            age_s,
            idle_s,
            flags,
            self.db.load(Ordering::Relaxed),
            self.sub_channels.load(Ordering::Relaxed),
            self.sub_patterns.load(Ordering::Relaxed),
            self.sub_shard_channels.load(Ordering::Relaxed),
            qbuf,
            self.outbox_bytes.load(Ordering::Relaxed),
            cmd,
            redir,
            self.resp.load(Ordering::Relaxed),
            String::from_utf8_lossy(&names.lib_name),
            String::from_utf8_lossy(&names.lib_ver),
        )
    }
}
