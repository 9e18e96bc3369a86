//! Snapshot persistence, engine side: what SAVE, BGSAVE, BGREWRITEAOF and the save rules ask
//! of the server's checkpoint driver, and what it reports back (LASTSAVE, INFO persistence).
//!
//! Commands never touch files: they record a request here and wake the driver
//! (`server/src/checkpoint.rs`), which takes a snapshot of the keyspace
//! ([`crate::keyspace::snapshot`]) and writes it. SAVE waits for the result like a blocked
//! client (its reply is delivered through its [`ClientHandle`]); unlike Redis's SAVE, other
//! clients keep being served meanwhile.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::task::AtomicWaker;

use crate::client::ClientHandle;

/// What the driver is asked to do.
#[derive(Debug, Default)]
struct Requests {
    /// A BGSAVE (or SAVE) is wanted.
    save: bool,
    /// Clients waiting in SAVE for the next save to finish.
    save_waiters: Vec<Arc<ClientHandle>>,
    /// An AOF rewrite is wanted.
    rewrite: bool,
}

/// Which kind of snapshot is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Running {
    None,
    Save,
    Rewrite,
}

#[derive(Debug)]
pub struct Persistence {
    requests: Mutex<Requests>,
    /// The checkpoint driver, woken by requests.
    pub driver: AtomicWaker,
    /// 0 none, 1 save, 2 rewrite.
    running: AtomicU64,
    /// When the running snapshot started (monotonic µs).
    pub started_mono_us: AtomicU64,
    /// Unix seconds of the last successful save (LASTSAVE); the start time until then.
    pub lastsave_s: AtomicU64,
    pub last_save_ok: AtomicBool,
    /// Seconds the last save took, -1 before the first.
    pub last_save_secs: AtomicI64,
    pub saves: AtomicU64,
    /// `dirty` when the running save started: subtracted from `dirty` if it succeeds.
    pub dirty_at_start: AtomicU64,
    pub last_save_cow_bytes: AtomicU64,
    pub last_rewrite_ok: AtomicBool,
    pub last_rewrite_secs: AtomicI64,
    pub rewrites: AtomicU64,
    pub rewrite_failures_in_a_row: AtomicU64,
    pub last_rewrite_cow_bytes: AtomicU64,
    /// Keys loaded and skipped as expired by the last load of a snapshot.
    pub loaded_keys: AtomicU64,
    pub loaded_expired: AtomicU64,
    /// Startup is loading data: commands get `-LOADING`.
    pub loading: AtomicBool,
    /// Sizes of the log for INFO and the automatic rewrite: the base snapshot, and everything
    /// (base plus incremental logs) as of the last write.
    pub aof_base_size: AtomicU64,
    pub aof_current_size: AtomicU64,
}

impl Persistence {
    pub fn new(now_unix_s: u64) -> Persistence {
        Persistence {
            requests: Mutex::new(Requests::default()),
            driver: AtomicWaker::new(),
            running: AtomicU64::new(0),
            started_mono_us: AtomicU64::new(0),
            lastsave_s: AtomicU64::new(now_unix_s),
            last_save_ok: AtomicBool::new(true),
            last_save_secs: AtomicI64::new(-1),
            saves: AtomicU64::new(0),
            dirty_at_start: AtomicU64::new(0),
            last_save_cow_bytes: AtomicU64::new(0),
            last_rewrite_ok: AtomicBool::new(true),
            last_rewrite_secs: AtomicI64::new(-1),
            rewrites: AtomicU64::new(0),
            rewrite_failures_in_a_row: AtomicU64::new(0),
            last_rewrite_cow_bytes: AtomicU64::new(0),
            loaded_keys: AtomicU64::new(0),
            loaded_expired: AtomicU64::new(0),
            loading: AtomicBool::new(false),
            aof_base_size: AtomicU64::new(0),
            aof_current_size: AtomicU64::new(0),
        }
    }

    fn requests(&self) -> std::sync::MutexGuard<'_, Requests> {
        self.requests.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn running(&self) -> Running {
        match self.running.load(Ordering::Acquire) {
            1 => Running::Save,
            2 => Running::Rewrite,
            _ => Running::None,
        }
    }

    pub fn set_running(&self, running: Running, now_mono_us: u64) {
        self.started_mono_us.store(now_mono_us, Ordering::Relaxed);
        let code = match running {
            Running::None => 0,
            Running::Save => 1,
            Running::Rewrite => 2,
        };
        self.running.store(code, Ordering::Release);
    }

    /// Asks for a background save; `waiter` (SAVE) gets `+OK` or an error when it ends.
    pub fn request_save(&self, waiter: Option<Arc<ClientHandle>>) {
        let mut requests = self.requests();
        requests.save = true;
        requests.save_waiters.extend(waiter);
        drop(requests);
        self.driver.wake();
    }

    pub fn request_rewrite(&self) {
        self.requests().rewrite = true;
        self.driver.wake();
    }

    pub fn save_requested(&self) -> bool {
        self.requests().save
    }

    pub fn rewrite_requested(&self) -> bool {
        self.requests().rewrite
    }

    /// Takes the save request and the clients waiting on it (the driver starts a save).
    pub fn take_save_request(&self) -> Option<Vec<Arc<ClientHandle>>> {
        let mut requests = self.requests();
        if !requests.save {
            return None;
        }
        requests.save = false;
        Some(std::mem::take(&mut requests.save_waiters))
    }

    pub fn take_rewrite_request(&self) -> bool {
        std::mem::take(&mut self.requests().rewrite)
    }

    /// Whether writes must be refused because the last background save failed
    /// (`stop-writes-on-bgsave-error`, only while save rules are configured).
    pub fn save_failed(&self) -> bool {
        !self.last_save_ok.load(Ordering::Acquire)
    }
}

/// INFO's `# Persistence` section, with Redis 7.0's fields (fork figures are 0: there is no
/// fork; the copy-on-write figures are the snapshot's buffered chunks).
pub fn write_info(engine: &crate::Engine, now: crate::Now, text: &mut String) {
    use std::fmt::Write;
    let p = &engine.persist;
    let relaxed = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let job = engine.keyspace.snapshot();
    let running = p.running();
    let elapsed_s = |on: bool| -> i64 {
        if on {
            (now.mono_us
                .saturating_sub(p.started_mono_us.load(Ordering::Relaxed))
                / 1_000_000) as i64
        } else {
            -1
        }
    };
    let (cow, peak, processed, total) = match &job {
        Some(job) => (
            job.buffered_bytes(),
            job.peak_bytes(),
            job.keys_processed(),
            job.keys_total(),
        ),
        None => (0, 0, 0, 0),
    };
    let status = |ok: &AtomicBool| {
        if ok.load(Ordering::Relaxed) {
            "ok"
        } else {
            "err"
        }
    };
    let aof = &engine.aof;
    let _ = write!(
        text,
        "# Persistence\r\nloading:{}\r\nasync_loading:0\r\ncurrent_cow_peak:{peak}\r\n\
         current_cow_size:{cow}\r\ncurrent_cow_size_age:0\r\ncurrent_fork_perc:0.00\r\n\
         current_save_keys_processed:{processed}\r\ncurrent_save_keys_total:{total}\r\n\
         rdb_changes_since_last_save:{}\r\nrdb_bgsave_in_progress:{}\r\nrdb_last_save_time:{}\r\n\
         rdb_last_bgsave_status:{}\r\nrdb_last_bgsave_time_sec:{}\r\nrdb_current_bgsave_time_sec:{}\r\n\
         rdb_saves:{}\r\nrdb_last_cow_size:{}\r\nrdb_last_load_keys_expired:{}\r\n\
         rdb_last_load_keys_loaded:{}\r\naof_enabled:{}\r\naof_rewrite_in_progress:{}\r\n\
         aof_rewrite_scheduled:{}\r\naof_last_rewrite_time_sec:{}\r\naof_current_rewrite_time_sec:{}\r\n\
         aof_last_bgrewrite_status:{}\r\naof_rewrites:{}\r\naof_rewrites_consecutive_failures:{}\r\n\
         aof_last_write_status:{}\r\naof_last_cow_size:{}\r\nmodule_fork_in_progress:0\r\n\
         module_fork_last_cow_size:0\r\n",
        u8::from(p.loading.load(Ordering::Relaxed)),
        engine.keyspace.stats.dirty.load(Ordering::Relaxed),
        u8::from(running == Running::Save),
        relaxed(&p.lastsave_s),
        status(&p.last_save_ok),
        p.last_save_secs.load(Ordering::Relaxed),
        elapsed_s(running == Running::Save),
        relaxed(&p.saves),
        relaxed(&p.last_save_cow_bytes),
        relaxed(&p.loaded_expired),
        relaxed(&p.loaded_keys),
        u8::from(aof.enabled()),
        u8::from(running == Running::Rewrite),
        u8::from(running == Running::Save && p.rewrite_requested()),
        p.last_rewrite_secs.load(Ordering::Relaxed),
        elapsed_s(running == Running::Rewrite),
        status(&p.last_rewrite_ok),
        relaxed(&p.rewrites),
        relaxed(&p.rewrite_failures_in_a_row),
        if aof.failed() { "err" } else { "ok" },
        relaxed(&p.last_rewrite_cow_bytes),
    );
    if aof.enabled() {
        let _ = write!(
            text,
            "aof_current_size:{}\r\naof_base_size:{}\r\naof_pending_rewrite:{}\r\n\
             aof_buffer_length:{}\r\naof_pending_bio_fsync:0\r\naof_delayed_fsync:0\r\n",
            relaxed(&p.aof_current_size),
            relaxed(&p.aof_base_size),
            u8::from(p.rewrite_requested()),
            aof.appended().saturating_sub(aof.written()),
        );
    }
}

impl crate::Engine {
    /// Starts a snapshot (see `keyspace::snapshot`): the job, and the function libraries as
    /// they were at that instant. With `log`, the job also records the log position it
    /// splits the append-only log at. FUNCTION LOAD/DELETE/FLUSH/RESTORE run under every
    /// shard lock (see `Session::call`), so neither the libraries nor their log records can
    /// change while the snapshot starts.
    pub fn begin_snapshot(
        &self,
        at_ms: u64,
        log: bool,
    ) -> Option<(Arc<crate::keyspace::snapshot::SnapshotJob>, Vec<Vec<u8>>)> {
        let mut codes = Vec::new();
        let job = self.keyspace.begin_snapshot(at_ms, || {
            codes = self
                .scripting
                .functions()
                .as_ref()
                .map(|f| f.codes())
                .unwrap_or_default();
            if log { self.aof.appended() } else { 0 }
        })?;
        Some((job, codes))
    }

    /// Loads function libraries found in a snapshot (replacing any of the same name).
    pub fn load_functions(&self, codes: &[Vec<u8>]) -> Result<(), String> {
        let mut guard = self.scripting.functions();
        let libraries = guard.as_mut().expect("functions() creates them");
        for code in codes {
            libraries.load(code, true, &self.scripting.shared.function_counts)?;
        }
        Ok(())
    }
}
