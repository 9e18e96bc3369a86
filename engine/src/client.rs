//! What the server knows about each connected client, shared between the client's own session
//! (which updates it) and other clients' commands (CLIENT LIST, CLIENT KILL) and the driver
//! (which sleeps on the client's waker).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use futures_util::task::AtomicWaker;

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
    /// Bytes waiting in the query buffer, as last seen by the driver.
    pub query_buffer_bytes: AtomicU64,
    killed: AtomicBool,
    /// The reply of a blocking command served on this client's behalf by another client's
    /// write, waiting for this client's connection to write it.
    pending_reply: Mutex<Option<(Vec<u8>, u64)>>,
    /// A key this client WATCHes was touched: its next EXEC fails.
    dirty_cas: AtomicBool,
    /// Woken when the driver must look at this client (killed, and later pushes).
    pub waker: AtomicWaker,
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
            query_buffer_bytes: AtomicU64::new(0),
            killed: AtomicBool::new(false),
            dirty_cas: AtomicBool::new(false),
            pending_reply: Mutex::new(None),
            waker: AtomicWaker::new(),
        }
    }

    /// Marks the client for disconnection and wakes its driver.
    pub fn kill(&self) {
        self.killed.store(true, Ordering::Release);
        self.waker.wake();
    }

    /// Hands a served blocking command's reply to this client's connection and wakes it.
    /// `aof_seq` is the log position the reply must wait for under `appendfsync always`.
    pub fn deliver(&self, reply: Vec<u8>, aof_seq: u64) {
        *self.pending_reply.lock().unwrap_or_else(|p| p.into_inner()) = Some((reply, aof_seq));
        self.waker.wake();
    }

    pub fn has_reply(&self) -> bool {
        self.pending_reply
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    pub fn take_reply(&self) -> Option<(Vec<u8>, u64)> {
        self.pending_reply
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
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
        let flags = if self.no_evict.load(Ordering::Relaxed) {
            "e"
        } else {
            "N"
        };
        let cmd = crate::command::Commands::get()
            .by_id(self.last_command.load(Ordering::Relaxed))
            .map_or("NULL", |spec| spec.name);
        format!(
            "id={} addr={} laddr={} fd=-1 name={} age={} idle={} flags={} db={} sub=0 psub=0 ssub=0 multi=-1 \
             qbuf={} qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd={} \
             user=default redir=-1 resp={} lib-name={} lib-ver={}",
            self.id,
            self.addr,
            self.laddr,
            String::from_utf8_lossy(&names.name),
            age_s,
            idle_s,
            flags,
            self.db.load(Ordering::Relaxed),
            qbuf,
            cmd,
            self.resp.load(Ordering::Relaxed),
            String::from_utf8_lossy(&names.lib_name),
            String::from_utf8_lossy(&names.lib_ver),
        )
    }
}
