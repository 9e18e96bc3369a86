//! Server-wide state shared by every session: the keyspace, the configuration, the client
//! registry and the counters INFO reports. Pure data: the driver passes time in and reads
//! requests (shutdown, active expiry) out.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use crate::Now;
use crate::client::ClientHandle;
use crate::config::Config;
use crate::keyspace::Keyspace;
use crate::signal::Signal;

/// Keyspace shards: enough that many cores rarely meet on one lock.
pub const SHARDS_DEFAULT: usize = 64;

#[derive(Debug, Default)]
pub struct Stats {
    pub total_connections_received: AtomicU64,
    pub rejected_connections: AtomicU64,
    pub total_commands_processed: AtomicU64,
    pub total_error_replies: AtomicU64,
    pub total_net_input_bytes: AtomicU64,
    pub total_net_output_bytes: AtomicU64,
}

impl Stats {
    pub fn reset(&self) {
        for counter in [
            &self.total_connections_received,
            &self.rejected_connections,
            &self.total_commands_processed,
            &self.total_error_replies,
            &self.total_net_input_bytes,
            &self.total_net_output_bytes,
        ] {
            counter.store(0, Ordering::Relaxed);
        }
    }
}

/// How SHUTDOWN asked the node to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShutdownMode {
    Default,
    Save,
    NoSave,
}

/// What the driver needs to know to start an engine.
pub struct EngineOptions {
    pub config: Config,
    /// Seeds the keyspace hashers and the run id; from the I/O environment's randomness.
    pub seed: u64,
    pub shards: usize,
    /// Bytes of memory in use by the process, as the driver measures it (0 if unknown).
    pub used_memory: fn() -> u64,
    pub now: Now,
    pub process_id: u32,
    pub tcp_port: u16,
}

pub struct Engine {
    pub keyspace: Keyspace,
    config: RwLock<Config>,
    /// Hot copies of config values read on every command.
    pub proto_max_bulk_len: AtomicU64,
    pub query_buffer_limit: AtomicU64,
    pub auth_required: AtomicBool,
    clients: crate::tracking::ClientMap,
    next_client_id: AtomicU64,
    pub stats: Stats,
    pub started: Now,
    pub run_id: String,
    pub process_id: u32,
    pub tcp_port: u16,
    pub used_memory: fn() -> u64,
    shutdown: Mutex<Option<ShutdownMode>>,
    /// The append-only log's shared state (see `aof`).
    pub aof: crate::aof::Aof,
    /// The identity replayed log commands run under (never registered as a connection).
    replay_client: Arc<ClientHandle>,
    /// Clients blocked on keys.
    pub blocking: crate::blocking::Blocking,
    /// `maxmemory` and the eviction policy's state.
    pub evictor: crate::evict::Evictor,
    /// Fired when shutdown is requested.
    pub shutdown_signal: Signal,
    /// Snapshots (SAVE, BGSAVE, AOF rewrite): requests to the driver and their results.
    pub persist: crate::persist::Persistence,
    /// `stop-writes-on-bgsave-error` applies (save rules set and the option on): hot copy.
    pub misconf_applies: AtomicBool,
    /// Lua scripts and function libraries, and the gate a running script holds.
    pub scripting: crate::scripting::Scripting,
    /// SLOWLOG's entries.
    pub slowlog: crate::slowlog::SlowLog,
    /// LATENCY's samples.
    pub latency: crate::latency::Latency,
    /// Clients in MONITOR mode.
    pub monitors: crate::monitor::Monitors,
    /// CLIENT PAUSE.
    pub pause: crate::pause::Pause,
    /// DEBUG SET-ACTIVE-EXPIRE: active expiry runs (the cron checks it).
    pub active_expire_enabled: AtomicBool,
}

/// Leaves the script gate when dropped (background work that entered it as a reader).
struct ReaderRelease<'a>(&'a crate::scripting::gate::Gate);

impl Drop for ReaderRelease<'_> {
    fn drop(&mut self) {
        self.0.exit_reader();
    }
}

/// Copies the configuration pub/sub reads on every publish into its atomics.
fn apply_pubsub_config(pubsub: &crate::pubsub::PubSub, config: &Config) {
    pubsub.set_notify_flags(config.notify_keyspace_events);
    pubsub.set_limit(config.client_output_buffer_limit[crate::config::ObufClass::Pubsub as usize]);
}

impl Engine {
    pub fn new(options: EngineOptions) -> Engine {
        let EngineOptions {
            config,
            seed,
            shards,
            used_memory,
            now,
            process_id,
            tcp_port,
        } = options;
        let mut run_id = String::with_capacity(40);
        let mut state = seed;
        while run_id.len() < 40 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            run_id.push_str(&format!("{:016x}", state));
        }
        run_id.truncate(40);

        let (appendonly, appendfsync) = (config.appendonly, config.appendfsync);
        let mut keyspace = Keyspace::new(config.databases, shards, seed);
        let clients = crate::tracking::ClientMap::default();
        keyspace.tracking = crate::tracking::Tracking::new(clients.clone());
        apply_pubsub_config(&keyspace.pubsub, &config);
        keyspace
            .tracking
            .set_max_keys(config.tracking_table_max_keys);
        let engine = Engine {
            keyspace,
            proto_max_bulk_len: AtomicU64::new(config.proto_max_bulk_len),
            query_buffer_limit: AtomicU64::new(config.client_query_buffer_limit),
            auth_required: AtomicBool::new(config.requirepass.is_some()),
            config: RwLock::new(config),
            clients,
            next_client_id: AtomicU64::new(1),
            stats: Stats::default(),
            started: now,
            run_id,
            process_id,
            tcp_port,
            used_memory,
            shutdown: Mutex::new(None),
            shutdown_signal: Signal::default(),
            blocking: Default::default(),
            aof: Default::default(),
            replay_client: Arc::new(ClientHandle::new(
                0,
                "replay".into(),
                String::new(),
                now.mono_us,
            )),
            evictor: Default::default(),
            persist: crate::persist::Persistence::new(now.unix_us / 1_000_000),
            misconf_applies: AtomicBool::new(false),
            scripting: Default::default(),
            slowlog: Default::default(),
            latency: Default::default(),
            monitors: Default::default(),
            pause: Default::default(),
            active_expire_enabled: AtomicBool::new(true),
        };
        engine.update_config(|_| ());
        engine.aof.configure(appendonly, appendfsync);
        engine
    }

    /// Empties every database (a log load that must start over).
    pub fn flush_for_reload(&self) {
        let mut locked = self.keyspace.lock_all();
        for (_, shard) in locked.shards() {
            for part in shard.dbs.iter_mut() {
                part.map.clear();
                part.expires.clear();
                part.field_ttl_keys.clear();
            }
        }
    }

    pub fn replay_client(&self) -> Arc<ClientHandle> {
        self.replay_client.clone()
    }

    /// 64 random bits from the engine's seeded generator (RANDOMKEY, SPOP, eviction
    /// sampling, ...), seeded from the I/O environment so a seeded simulation replays the same
    /// choices. The stream lives in the keyspace because key lookups draw from it too (the
    /// LFU counter).
    pub fn random_u64(&self) -> u64 {
        self.keyspace.access.random_u64()
    }

    /// A random index in `0..n` (`n > 0`); the modulo bias is negligible for keyspace sizes.
    pub fn random_below(&self, n: usize) -> usize {
        assert!(n > 0, "random_below(0)");
        (self.random_u64() % n as u64) as usize
    }

    /// A snapshot of the configuration.
    pub fn config(&self) -> Config {
        self.config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Runs `f` on the configuration under the write lock and refreshes the hot copies.
    pub fn update_config<R>(&self, f: impl FnOnce(&mut Config) -> R) -> R {
        let mut config = self.config.write().unwrap_or_else(|p| p.into_inner());
        let result = f(&mut config);
        self.proto_max_bulk_len
            .store(config.proto_max_bulk_len, Ordering::Relaxed);
        self.query_buffer_limit
            .store(config.client_query_buffer_limit, Ordering::Relaxed);
        self.auth_required
            .store(config.requirepass.is_some(), Ordering::Relaxed);
        self.misconf_applies.store(
            config.stop_writes_on_bgsave_error && !config.save.is_empty(),
            Ordering::Relaxed,
        );
        self.evictor.configure(
            config.maxmemory,
            config.maxmemory_policy,
            config.maxmemory_samples,
        );
        self.keyspace.access.configure(
            config.maxmemory_policy.is_lfu(),
            config.lfu_log_factor,
            config.lfu_decay_time,
        );
        apply_pubsub_config(&self.keyspace.pubsub, &config);
        self.keyspace
            .tracking
            .set_max_keys(config.tracking_table_max_keys);
        self.scripting
            .shared
            .busy_threshold_ms
            .store(config.busy_reply_threshold_ms, Ordering::Relaxed);
        self.slowlog
            .configure(config.slowlog_log_slower_than_us, config.slowlog_max_len);
        self.latency.configure(config.latency_monitor_threshold_ms);
        result
    }

    /// Pub/sub: subscriptions, PUBLISH, keyspace notifications.
    pub fn pubsub(&self) -> &crate::pubsub::PubSub {
        &self.keyspace.pubsub
    }

    /// True if `password` is the configured `requirepass`.
    pub fn password_matches(&self, password: &[u8]) -> bool {
        let config = self.config.read().unwrap_or_else(|p| p.into_inner());
        match &config.requirepass {
            // Compare in time independent of where the first difference is.
            Some(expected) => {
                expected.len() == password.len()
                    && expected
                        .iter()
                        .zip(password)
                        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                        == 0
            }
            None => false,
        }
    }

    /// Registers a new client, or refuses it when `maxclients` are connected.
    pub fn register_client(
        &self,
        addr: String,
        laddr: String,
        now: Now,
    ) -> Result<Arc<ClientHandle>, &'static str> {
        self.stats
            .total_connections_received
            .fetch_add(1, Ordering::Relaxed);
        let maxclients = self
            .config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .maxclients;
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if clients.len() as u64 >= maxclients {
            self.stats
                .rejected_connections
                .fetch_add(1, Ordering::Relaxed);
            return Err("ERR max number of clients reached");
        }
        let id = self.next_client_id.fetch_add(1, Ordering::Relaxed);
        let handle = Arc::new(ClientHandle::new(id, addr, laddr, now.mono_us));
        clients.insert(id, handle.clone());
        Ok(handle)
    }

    pub fn unregister_client(&self, id: u64) {
        self.clients
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
    }

    /// Every connected client, by id.
    pub fn clients(&self) -> Vec<Arc<ClientHandle>> {
        self.clients
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect()
    }

    pub fn connected_clients(&self) -> usize {
        self.clients.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn request_shutdown(&self, mode: ShutdownMode) {
        *self.shutdown.lock().unwrap_or_else(|p| p.into_inner()) = Some(mode);
        // A script still running (SHUTDOWN NOSAVE while BUSY) stops at its next check.
        if self.scripting.gate().held() {
            self.scripting
                .shared
                .kill
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
        self.shutdown_signal.fire();
    }

    pub fn shutdown_requested(&self) -> Option<ShutdownMode> {
        *self.shutdown.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Removes due hash fields (HEXPIRE & co.) from the hashes noted as having field TTLs, at
    /// most `budget` fields per hash per pass; forgets hashes that no longer have any.
    pub fn active_expire_fields(&self, now: Now, budget: usize) {
        if !self.active_expire_enabled.load(Ordering::Relaxed)
            || self.pause.writes_paused(now.mono_us)
        {
            return;
        }
        // A running script holds every shard: skip this pass rather than wait for it.
        let gate = self.scripting.gate();
        if gate.enter_reader() != crate::scripting::gate::Entry::Entered {
            return;
        }
        let _release = ReaderRelease(gate);
        for shard in 0..self.keyspace.shard_count() {
            let mut locked = self.keyspace.lock(smallvec::smallvec![shard]);
            for db in 0..self.keyspace.databases() {
                let keys: Vec<Box<[u8]>> = locked
                    .db_shards(db)
                    .flat_map(|part| part.field_ttl_keys.iter().cloned())
                    .collect();
                for key in keys {
                    let mut view = locked.db(db, now.unix_ms());
                    let done = match crate::cmd::t_hash::active_expire(&mut view, &key, budget) {
                        None => true,
                        Some(outcome) => outcome.key_deleted || outcome.next_deadline.is_none(),
                    };
                    if done {
                        for part in locked.db_shards(db) {
                            part.field_ttl_keys.remove(&key);
                        }
                    }
                }
            }
        }
    }

    /// One active-expiry pass over every shard; returns keys removed and whether due keys
    /// remain (the driver then runs again sooner).
    pub fn active_expire(&self, now: Now, budget_per_shard: usize) -> (usize, bool) {
        // DEBUG SET-ACTIVE-EXPIRE 0, or writes paused by CLIENT PAUSE: keys stay.
        if !self.active_expire_enabled.load(Ordering::Relaxed)
            || self.pause.writes_paused(now.mono_us)
        {
            return (0, false);
        }
        let gate = self.scripting.gate();
        if gate.enter_reader() != crate::scripting::gate::Entry::Entered {
            return (0, false);
        }
        let _release = ReaderRelease(gate);
        let mut removed = 0;
        let mut more = false;
        for shard in 0..self.keyspace.shard_count() {
            let (n, m) = self
                .keyspace
                .expire_shard(shard, now.unix_ms(), budget_per_shard);
            removed += n;
            more |= m;
        }
        // Keys that expired under BCAST prefixes are announced now (Redis's `beforeSleep`).
        self.keyspace
            .tracking
            .broadcast(&self.keyspace.pubsub, now.unix_ms());
        (removed, more)
    }
}
