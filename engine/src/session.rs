//! A client session: the per-connection state machine between bytes in and bytes out.
//!
//! The driver appends what it reads to an input buffer and calls [`Session::process_one`]
//! until it answers [`Step::NeedMore`], writing the session's output buffer to the socket in
//! between (it flushes whenever the buffer passes a bound, so a client that pipelines without
//! reading gets back-pressure instead of growing the server's memory). Each command goes
//! through the shared checks driven by the command table (lookup, arity, auth, key locking)
//! before its handler runs.
//!
//! A client subscribed to anything in RESP2 is in "subscribed mode": only the (un)subscribe
//! commands, PING, QUIT and RESET run, as in Redis; RESP3 clients may run anything. Output
//! other clients produce for this one (pub/sub messages, a served blocking command's reply)
//! waits in its `ClientHandle` outbox until the driver moves it here ([`Session::take_output`]).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::{Bytes, BytesMut};
use smallvec::SmallVec;

use crate::Now;
use crate::client::ClientHandle;
use crate::command::{Command, Commands, flag};
use crate::engine::Engine;
use crate::keyspace::{Db, Locked};
use crate::pubsub::{ExecutingGuard, Subscriptions};
use crate::resp::parse::Limits;
use crate::resp::{Protocol, ProtocolError, Reply, RequestParser};

/// The per-connection state commands may read and change.
#[derive(Debug)]
pub struct Client {
    pub handle: Arc<ClientHandle>,
    /// The selected database.
    pub db: usize,
    pub authenticated: bool,
    /// Set by QUIT, protocol errors and self-kill: close once the reply is written.
    pub close_after_reply: bool,
    /// Commands queued since MULTI; `None` outside a transaction.
    pub multi: Option<Multi>,
    /// Keys this client WATCHes, as (database, key), and whether each existed when watched.
    pub watched: Vec<(usize, Vec<u8>)>,
    pub watched_existed: Vec<bool>,
    /// True while EXEC runs the queued commands (blocking commands then do not block).
    pub in_exec: bool,
    /// Set when this is a blocked client's command being re-run on its behalf after a write:
    /// the key that became ready. Blocking handlers then take from that key first, and reply
    /// nothing (stay blocked) if there is still nothing to take.
    pub serving: Option<Vec<u8>>,
    /// Set by a blocking handler that found nothing: the session registers the wait.
    pub block_request: Option<crate::blocking::BlockRequest>,
    /// What this command (or this EXEC) changed, as commands to log: (database, arguments).
    pub effects: Vec<(u32, Vec<Bytes>)>,
    /// The handler logged its own effects ([`Ctx::propagate`]) instead of its arguments.
    pub effects_overridden: bool,
    /// Re-executing the log at startup: nothing is logged again.
    pub replaying: bool,
    /// The log position this client's replies must wait for under `appendfsync always`.
    pub aof_seq: u64,
    /// Set by a handler whose reply comes later from outside the session (SAVE): the client
    /// waits, like a blocked client, until the reply is delivered to its handle.
    pub park: bool,
    /// Channels, patterns and shard channels this client is subscribed to.
    pub subscriptions: Subscriptions,
    /// The driver's clock, for command durations (see [`crate::MonoClock`]).
    pub clock: Option<crate::MonoClock>,
    /// CLIENT REPLY state, as Redis's flags: OFF, SKIP (this command), SKIP for the next one.
    pub reply_off: bool,
    pub reply_skip: bool,
    pub reply_skip_next: bool,
    /// In MONITOR mode.
    pub monitoring: bool,
    /// Set by a handler whose reply must wait (DEBUG SLEEP, WAIT): until this monotonic time
    /// (µs), or forever when `Some(None)`. The driver waits without blocking a thread.
    pub hold: Option<Option<u64>>,
    /// Time DEBUG SLEEP waits (µs), counted in the command's duration for SLOWLOG and
    /// LATENCY as Redis counts its sleep.
    pub slept_us: u64,
}

/// Redis's reply while the data set loads at startup.
pub const LOADING: &str = "LOADING Redis is loading the dataset in memory";

/// Redis's refusal while `stop-writes-on-bgsave-error` applies.
pub const MISCONF_RDB: &str = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/// A transaction being queued.
#[derive(Debug, Default)]
pub struct Multi {
    pub queued: Vec<(&'static Command, Vec<Bytes>)>,
    /// A command failed to queue (unknown, wrong arity, not authenticated): EXEC aborts.
    pub aborted: bool,
}

impl Client {
    /// The stand-in client under which a blocked client's command is re-run (see `blocking`).
    pub fn serving(handle: Arc<ClientHandle>, db: usize, ready_key: Vec<u8>) -> Client {
        Client {
            handle,
            db,
            authenticated: true,
            close_after_reply: false,
            multi: None,
            watched: Vec::new(),
            watched_existed: Vec::new(),
            in_exec: false,
            serving: Some(ready_key),
            block_request: None,
            effects: Vec::new(),
            effects_overridden: false,
            replaying: false,
            aof_seq: 0,
            park: false,
            subscriptions: Subscriptions::default(),
            clock: None,
            reply_off: false,
            reply_skip: false,
            reply_skip_next: false,
            monitoring: false,
            hold: None,
            slept_us: 0,
        }
    }

    /// The driver's monotonic clock now, or `now.mono_us` without one.
    pub fn mono_us(&self, now: Now) -> u64 {
        self.clock.as_ref().map_or(now.mono_us, |clock| (clock.0)())
    }

    /// The stand-in client under which the log is replayed at startup: nothing blocks (as
    /// inside EXEC) and nothing is logged again.
    pub fn replaying(handle: Arc<ClientHandle>) -> Client {
        let mut client = Client::serving(handle, 0, Vec::new());
        client.serving = None;
        client.in_exec = true;
        client.replaying = true;
        client
    }

    /// Drops every subscription silently (RESET, disconnect).
    pub fn unsubscribe_all(&mut self, engine: &Engine) {
        self.subscriptions.clear(engine.pubsub(), &self.handle);
    }

    /// Drops the transaction and every WATCH (EXEC, DISCARD, RESET, disconnect).
    pub fn end_transaction(&mut self, engine: &Engine) {
        self.multi = None;
        self.unwatch_all(engine);
    }

    pub fn unwatch_all(&mut self, engine: &Engine) {
        engine
            .keyspace
            .watches
            .unwatch(self.handle.id, &self.watched);
        self.watched.clear();
        self.watched_existed.clear();
        self.handle.take_dirty_cas();
    }
}

/// What the driver should do after [`Session::process_one`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// No complete command is buffered: read more.
    NeedMore,
    /// A command ran; call again.
    Continue,
    /// Write the output, then close the connection.
    Close,
    /// The client is blocked (BLPOP...): write the output, then wait for
    /// [`Session::poll_blocked`] to say it is unblocked (woken by its `ClientHandle`, or at the
    /// deadline [`Session::block_deadline_ms`]).
    Blocked,
    /// A script holds the keyspace (see `scripting::gate`): the command is parked. Write the
    /// output, wait for the gate to change ([`Session::gate_seen`]), then call again.
    Deferred,
    /// The session waits for a time ([`Session::wait_until_mono_us`]: DEBUG SLEEP, WAIT, the
    /// end of a CLIENT PAUSE) or for the pause to change ([`Session::pause_seen`]). Write the
    /// output, wait for either, then call again.
    Waiting,
    /// The next command runs a script, which may keep the thread for a long time: call
    /// [`Session::process_one`] again in a context where that is allowed (`Io::run_blocking`)
    /// so the driver's other tasks keep running.
    Script,
}

/// How a command passes the script gate.
enum Admission<'e> {
    /// As a reader (any command) or as the writer (a script): released when it ends.
    Held { _release: GateHold<'e> },
    /// Runs beside a busy script without touching the keyspace (SCRIPT KILL, ...).
    Bypass,
    /// Parked until the gate changes.
    Defer,
    /// Refused with BUSY.
    Busy,
}

/// Releases the gate when the command is done, even if its handler panicked.
struct GateHold<'e> {
    gate: &'e crate::scripting::gate::Gate,
    writer: bool,
}

impl Drop for GateHold<'_> {
    fn drop(&mut self) {
        if self.writer {
            self.gate.exit_writer();
        } else {
            self.gate.exit_reader();
        }
    }
}

/// What a handler works with.
pub struct Ctx<'a, 'k> {
    pub engine: &'k Engine,
    pub client: &'a mut Client,
    pub out: &'a mut Reply,
    pub now: Now,
    /// The shards this command may touch (its keys' shards, or all).
    pub locked: Locked<'k>,
}

impl<'a, 'k> Ctx<'a, 'k> {
    /// The client's selected database, over the locked shards.
    pub fn db(&mut self) -> Db<'_, 'k> {
        let (db, now_ms) = (self.client.db, self.now.unix_ms());
        self.locked.db(db, now_ms)
    }

    /// Database `index`, over the locked shards.
    pub fn db_at(&mut self, index: usize) -> Db<'_, 'k> {
        let now_ms = self.now.unix_ms();
        self.locked.db(index, now_ms)
    }

    /// Logs `args` (in the client's database) as this command's effect instead of the command
    /// itself: for commands whose re-execution would not reproduce what they did (SPOP's
    /// random choice becomes SREM of what it popped). May be called several times.
    pub fn propagate(&mut self, args: Vec<Bytes>) {
        self.client.effects.push((self.client.db as u32, args));
        self.client.effects_overridden = true;
    }

    /// Blocks the client on `keys` until one of them can serve it or `deadline_ms` (absolute
    /// Unix ms; `None` = forever) passes. The handler must write no reply.
    pub fn block(&mut self, keys: Vec<Vec<u8>>, deadline_ms: Option<u64>) {
        debug_assert!(
            self.client.serving.is_none() && !self.client.in_exec,
            "cannot block here"
        );
        self.client.block_request = Some(crate::blocking::BlockRequest {
            keys,
            deadline_ms,
            rerun: None,
            try_all: false,
        });
    }

    /// True when a blocking command must not block: inside EXEC, or when re-run on a blocked
    /// client's behalf.
    pub fn cannot_block(&self) -> bool {
        self.client.in_exec || self.client.serving.is_some()
    }

    /// Makes every shard locked, for commands that see the whole keyspace. Only valid when
    /// the command holds no lock yet (keyless commands) or already holds all of them.
    pub fn lock_all(&mut self) -> &mut Locked<'k> {
        if !self.locked.has_all() {
            assert!(
                self.locked.is_empty(),
                "lock_all with some shards already locked would break lock order"
            );
            self.locked = self.engine.keyspace.lock_all();
        }
        &mut self.locked
    }
}

pub struct Session {
    parser: RequestParser,
    /// A command parked while a script holds the gate, to run again when it changes.
    deferred: Option<Vec<Bytes>>,
    /// The gate generation seen when the command was parked.
    gate_seen: u64,
    /// When set (by a multi-threaded driver), a script command is handed back as
    /// [`Step::Script`] before it runs, for the driver to run it off its worker.
    pub offload_scripts: bool,
    /// A script command handed back as [`Step::Script`], to run on the next call.
    script_pending: Option<Vec<Bytes>>,
    /// While blocked: the deadline (absolute Unix ms; `None` = none).
    blocked: Option<Option<u64>>,
    /// A command parked by CLIENT PAUSE, to run again when the pause ends.
    paused: Option<Vec<Bytes>>,
    /// The pause generation seen when it was parked.
    pause_seen: u64,
    /// A reply held back until a monotonic time (`None`: forever): DEBUG SLEEP, WAIT.
    held: Option<(Option<u64>, Vec<u8>)>,
    /// For the `stale-get` planted bug: the value each key had before this client's last SET.
    #[cfg(feature = "planted-bugs")]
    stale: std::collections::BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    pub out: Reply,
    pub client: Client,
}

impl Session {
    pub fn new(engine: &Engine, handle: Arc<ClientHandle>) -> Session {
        let authenticated = !engine.auth_required.load(Ordering::Relaxed);
        Session {
            parser: RequestParser::new(),
            deferred: None,
            gate_seen: 0,
            offload_scripts: false,
            script_pending: None,
            #[cfg(feature = "planted-bugs")]
            stale: std::collections::BTreeMap::new(),
            out: Reply::new(Protocol::Resp2).with_push_slot(handle.push_slot.clone()),
            client: Client {
                handle,
                db: 0,
                authenticated,
                close_after_reply: false,
                multi: None,
                watched: Vec::new(),
                watched_existed: Vec::new(),
                in_exec: false,
                serving: None,
                block_request: None,
                effects: Vec::new(),
                effects_overridden: false,
                replaying: false,
                aof_seq: 0,
                park: false,
                subscriptions: Subscriptions::default(),
                clock: None,
                reply_off: false,
                reply_skip: false,
                reply_skip_next: false,
                monitoring: false,
                hold: None,
                slept_us: 0,
            },
            blocked: None,
            paused: None,
            pause_seen: 0,
            held: None,
        }
    }

    /// Hands the session the driver's monotonic clock (see [`crate::MonoClock`]).
    pub fn set_clock(&mut self, clock: crate::MonoClock) {
        self.client.clock = Some(clock);
    }

    /// True while the session waits for a time or the pause ([`Step::Waiting`]).
    pub fn is_waiting(&self) -> bool {
        self.paused.is_some() || self.held.is_some()
    }

    /// When a waiting session should be called again (monotonic µs); `None`: only when woken.
    pub fn wait_until_mono_us(&self, engine: &Engine, now_mono_us: u64) -> Option<u64> {
        if let Some((until, _)) = &self.held {
            return *until;
        }
        if self.paused.is_some() {
            // Ended already: call again at once.
            return Some(engine.pause.active(now_mono_us).map_or(0, |(end, _)| end));
        }
        None
    }

    /// The pause generation a paused session waits to see change.
    pub fn pause_seen(&self) -> u64 {
        self.pause_seen
    }

    pub fn id(&self) -> u64 {
        self.client.handle.id
    }

    /// Parses and runs at most one command from `input`, appending its reply to `self.out`.
    pub fn process_one(&mut self, engine: &Engine, input: &mut BytesMut, now: Now) -> Step {
        if self.client.close_after_reply || self.client.handle.is_killed() {
            return Step::Close;
        }
        if self.blocked.is_some() {
            return Step::Blocked;
        }
        if let Some((until, _)) = &self.held {
            if until.is_none_or(|until| self.client.mono_us(now) < until) {
                return Step::Waiting;
            }
            let (_, reply) = self.held.take().expect("checked above");
            self.out.raw(&reply);
        }
        if let Some(args) = self.paused.take() {
            self.execute(engine, &args, now);
            return self.step_after_command();
        }
        if let Some(args) = self.script_pending.take() {
            self.execute_now(engine, &args, now);
            return self.step_after_command();
        }
        if let Some(args) = self.deferred.take() {
            self.execute(engine, &args, now);
            return self.step_after_command();
        }
        let limits = Limits {
            bulk_len_max: engine.proto_max_bulk_len.load(Ordering::Relaxed),
            unauthenticated: !self.client.authenticated
                && engine.auth_required.load(Ordering::Relaxed),
        };
        match self.parser.next(input, limits) {
            Ok(None) => {
                // The end of a batch: keys changed under BCAST prefixes are announced (Redis
                // does it before its event loop sleeps).
                let keyspace = &engine.keyspace;
                keyspace.tracking.broadcast(&keyspace.pubsub, now.unix_ms());
                Step::NeedMore
            }
            Err(error) => {
                self.protocol_error(engine, &error);
                Step::Close
            }
            Ok(Some(args)) => {
                self.execute(engine, &args, now);
                self.step_after_command()
            }
        }
    }

    fn step_after_command(&self) -> Step {
        if self.client.close_after_reply || self.client.handle.is_killed() {
            Step::Close
        } else if self.blocked.is_some() {
            Step::Blocked
        } else if self.deferred.is_some() {
            Step::Deferred
        } else if self.paused.is_some() || self.held.is_some() {
            Step::Waiting
        } else if self.script_pending.is_some() {
            Step::Script
        } else {
            Step::Continue
        }
    }

    /// The script gate generation a deferred session waits to see change.
    pub fn gate_seen(&self) -> u64 {
        self.gate_seen
    }

    pub fn is_deferred(&self) -> bool {
        self.deferred.is_some()
    }

    /// Decides how `command` passes the script gate (see `scripting::gate`). Scripts (and
    /// EXEC of a transaction that queued one) take it as the writer; everything else as a
    /// reader. While a script holds it, commands are parked until it ends — or, once the
    /// script is past `busy-reply-threshold`, refused with BUSY, except the `allow_busy`
    /// ones that touch no key, which run at once (SCRIPT KILL, FUNCTION STATS, ...).
    fn admit<'e>(&mut self, engine: &'e Engine, command: &Command) -> Admission<'e> {
        let gate = engine.scripting.gate();
        self.gate_seen = gate.generation();
        if crate::scripting::takes_gate_as_writer(command, &self.client) {
            if gate.enter_writer() {
                return Admission::Held {
                    _release: GateHold { gate, writer: true },
                };
            }
            return if gate.timed_out() {
                Admission::Busy
            } else {
                Admission::Defer
            };
        }
        match gate.enter_reader() {
            crate::scripting::gate::Entry::Entered => Admission::Held {
                _release: GateHold {
                    gate,
                    writer: false,
                },
            },
            crate::scripting::gate::Entry::Deferred { timed_out: false } => Admission::Defer,
            crate::scripting::gate::Entry::Deferred { timed_out: true } => {
                if !command.has(flag::ALLOW_BUSY) {
                    Admission::Busy
                } else if command.spec.keys != (0, 0, 0) {
                    // WATCH: it must look at its keys, so it waits for the script.
                    Admission::Defer
                } else {
                    Admission::Bypass
                }
            }
        }
    }

    fn protocol_error(&mut self, engine: &Engine, error: &ProtocolError) {
        self.out.error(error.message());
        engine
            .stats
            .total_error_replies
            .fetch_add(1, Ordering::Relaxed);
        self.client.close_after_reply = true;
    }

    /// Runs one command through the shared checks and its handler (a script command is handed
    /// back as [`Step::Script`] first when [`Session::offload_scripts`] is set).
    pub fn execute(&mut self, engine: &Engine, args: &[Bytes], now: Now) {
        if self.offload_scripts
            && let Some(command) = Commands::get().lookup(&args[0])
            && crate::scripting::takes_gate_as_writer(command, &self.client)
        {
            self.script_pending = Some(args.to_vec());
            return;
        }
        self.execute_now(engine, args, now);
    }

    fn execute_now(&mut self, engine: &Engine, args: &[Bytes], now: Now) {
        debug_assert!(!args.is_empty(), "the parser never yields empty commands");
        // Messages this command publishes to this very client go into its reply, in place.
        let _executing = ExecutingGuard::new(&self.client.handle);
        let errors_before = self.out.errors_written;
        let out_before = self.out.buf.len();
        self.client
            .handle
            .last_interaction_mono_us
            .store(now.mono_us, Ordering::Relaxed);
        let mut holding_gate = false;
        let mut gate_hold = None;
        match resolve(args) {
            Err(error) => self.reject(engine, args, &error),
            Ok(command) => {
                self.client
                    .handle
                    .last_command
                    .store(command.id, Ordering::Relaxed);
                let admission = if engine.auth_required.load(Ordering::Relaxed)
                    && !self.client.authenticated
                    && !command.has(flag::NO_AUTH)
                {
                    None
                } else {
                    Some(self.admit(engine, command))
                };
                match &admission {
                    Some(Admission::Defer) => {
                        self.deferred = Some(args.to_vec());
                        return;
                    }
                    Some(Admission::Held { .. }) => holding_gate = true,
                    _ => {}
                }
                if admission.is_none() {
                    self.reject(engine, args, b"NOAUTH Authentication required.");
                } else if matches!(admission, Some(Admission::Busy)) {
                    let busy = engine.scripting.shared.busy_error();
                    self.reject(engine, args, busy.as_bytes());
                } else if holding_gate && self.refused_for_memory(engine, command, args, now) {
                    self.reject(engine, args, crate::evict::OOM.as_bytes());
                } else if let Some(error) = self.refused_for_disk_error(engine, command) {
                    self.reject(engine, args, error.as_bytes());
                } else if engine.persist.loading.load(Ordering::Acquire)
                    && !command.has(flag::LOADING)
                {
                    self.reject(engine, args, LOADING.as_bytes());
                } else if self.client.monitoring && touches_keyspace(command) {
                    // A monitor is a replica to Redis.
                    self.reject(
                        engine,
                        args,
                        b"ERR Replica can't interact with the keyspace",
                    );
                } else if self.client.subscriptions.total() > 0
                    && !self.out.resp3()
                    && !runs_when_subscribed(command)
                {
                    let text = format!(
                        "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
                        command.spec.name
                    );
                    self.reject(engine, args, text.as_bytes());
                } else if self.paused_by(engine, command, now) {
                    // Parked until the pause ends or changes; the driver waits.
                    self.paused = Some(args.to_vec());
                    self.out.buf.truncate(out_before);
                    return;
                } else if self.client.multi.is_some() && !runs_inside_multi(command) {
                    self.queue(command, args);
                } else {
                    self.call(engine, command, args, now);
                }
                // Blocked clients are served below, still inside the gate.
                gate_hold = admission;
            }
        }
        // Under `appendfsync always` every reply — reads too — waits until everything logged
        // before it is durable, as Redis's replies wait for its fsync: a read must never show
        // a write that a crash could still take back.
        if engine.aof.enabled() && engine.aof.fsync() == crate::aof::Fsync::Always {
            self.client.aof_seq = self.client.aof_seq.max(engine.aof.appended());
        }
        // Writes may have made keys ready for blocked clients (including this one, if it just
        // blocked and a write slipped in before it registered).
        if holding_gate && engine.keyspace.ready.any() {
            engine.blocking.serve(engine, now);
            if self.blocked.is_some() {
                self.poll_blocked(engine, now);
            }
        }
        drop(gate_hold);
        // Pushes published after the command's last write (GETDEL's `del` event).
        self.out.splice();
        // Invalidations of this client's own changes follow its reply, as in Redis 7.0.
        let keyspace = &engine.keyspace;
        crate::tracking::send_pending(
            &keyspace.tracking,
            &keyspace.pubsub,
            &self.client.handle,
            &mut self.out,
            now.unix_ms(),
        );
        // Keys this command changed under BCAST prefixes are announced now, after its reply
        // (Redis waits for the end of its event loop iteration; per command is the same
        // for a client that waits for replies, and one message per command for a pipeline).
        keyspace.tracking.broadcast(&keyspace.pubsub, now.unix_ms());
        self.out.splice();
        // CLIENT CACHING applies to the next command only (to a whole transaction, and it
        // survives other CLIENT subcommands), as in Redis.
        if self.client.multi.is_none() && !args[0].eq_ignore_ascii_case(b"client") {
            self.client.handle.tracking.clear_caching();
        }
        engine
            .stats
            .total_commands_processed
            .fetch_add(1, Ordering::Relaxed);
        let errors = self.out.errors_written - errors_before;
        if errors > 0 {
            engine
                .stats
                .total_error_replies
                .fetch_add(errors, Ordering::Relaxed);
        }
        self.apply_reply_mode(out_before);
        if let Some(until) = self.client.hold.take() {
            let reply = self.out.buf.split_off(out_before).to_vec();
            self.held = Some((until, reply));
        }
        let handle = &self.client.handle;
        handle.db.store(self.client.db, Ordering::Relaxed);
        handle
            .resp
            .store(if self.out.resp3() { 3 } else { 2 }, Ordering::Relaxed);
    }

    /// CLIENT REPLY: drops this command's output while replies are OFF or skipped, then
    /// moves SKIP on, as Redis's flags do (a skip asked for applies to the next command).
    fn apply_reply_mode(&mut self, out_before: usize) {
        let client = &mut self.client;
        if client.reply_off || client.reply_skip {
            self.out.buf.truncate(out_before);
        }
        client.reply_skip = false;
        if std::mem::take(&mut client.reply_skip_next) {
            client.reply_skip = true;
        }
    }

    /// True if CLIENT PAUSE holds `command` back now: everything in ALL mode; in WRITE mode
    /// writes, the `may_replicate` commands and EXEC of a transaction holding one. Remembers
    /// the pause generation first, so a change after the check still wakes the driver.
    fn paused_by(&mut self, engine: &Engine, command: &Command, now: Now) -> bool {
        self.pause_seen = engine.pause.generation();
        let Some((_, mode)) = engine.pause.active(self.client.mono_us(now)) else {
            return false;
        };
        let writes = |c: &Command| c.has(flag::WRITE) || crate::pause::may_replicate(c.spec.name);
        match mode {
            crate::pause::Mode::All => true,
            crate::pause::Mode::Write => {
                writes(command)
                    || (command.spec.name == "exec"
                        && self
                            .client
                            .multi
                            .as_ref()
                            .is_some_and(|m| m.queued.iter().any(|(c, _)| writes(c))))
            }
        }
    }

    /// Replies a refusal (unknown command, arity, authentication). Inside MULTI it dooms the
    /// transaction; a refused EXEC itself discards it, with Redis's EXECABORT wording.
    fn reject(&mut self, engine: &Engine, args: &[Bytes], error: &[u8]) {
        if args[0].eq_ignore_ascii_case(b"exec") {
            self.client.end_transaction(engine);
            let reason = error.strip_prefix(b"ERR ").unwrap_or(error);
            let mut text = b"EXECABORT Transaction discarded because of: ".to_vec();
            text.extend_from_slice(reason);
            self.out.error(text);
        } else {
            self.out.error(error);
            self.flag_transaction();
        }
    }

    /// Runs the eviction policy when used memory exceeds `maxmemory` (before every command,
    /// as Redis does), and says whether the command must then be refused with the OOM error:
    /// commands flagged `denyoom`, EXEC of a transaction that queued one, and anything but
    /// EXEC, DISCARD, QUIT and RESET while a transaction is being queued (queueing itself uses
    /// memory). The check follows Redis's order: after lookup, arity and authentication.
    /// EVAL / FCALL take `denyoom` from their script's declared flags, as in Redis.
    fn refused_for_memory(
        &self,
        engine: &Engine,
        command: &Command,
        args: &[Bytes],
        now: Now,
    ) -> bool {
        // While CLIENT PAUSE holds writes nothing is evicted and nothing refused, as in Redis
        // (the paused writes are what would need the memory).
        if engine.evictor.maxmemory() == 0
            || engine.pause.writes_paused(self.client.mono_us(now))
            || engine.perform_evictions(now.unix_ms()) != crate::evict::Eviction::Fail
        {
            return false;
        }
        let name = command.spec.name;
        let denies = |command: &Command, args: &[Bytes]| {
            command.has(flag::DENYOOM)
                || engine.scripting.script_denies_oom(command.spec.name, args)
        };
        let denyoom = denies(command, args)
            || (name == "exec"
                && self.client.multi.as_ref().is_some_and(|multi| {
                    multi
                        .queued
                        .iter()
                        .any(|(queued, queued_args)| denies(queued, queued_args))
                }));
        let queueing =
            self.client.multi.is_some() && !matches!(name, "exec" | "discard" | "quit" | "reset");
        denyoom || queueing
    }

    /// `stop-writes-on-bgsave-error`: while the last background save failed, writes (and
    /// PING, as in Redis) are refused so that nobody mistakes unsaved data for saved.
    /// Also while a write to the append-only log fails (a full disk under `everysec` or
    /// `no`) and is being retried.
    fn refused_for_disk_error(&self, engine: &Engine, command: &Command) -> Option<String> {
        let rdb = engine.misconf_applies.load(Ordering::Relaxed) && engine.persist.save_failed();
        let aof = if engine.aof.enabled() {
            engine.aof.write_error()
        } else {
            None
        };
        if !rdb && aof.is_none() {
            return None;
        }
        let name = command.spec.name;
        let writes = command.has(flag::WRITE)
            || name == "ping"
            || (name == "exec"
                && self.client.multi.as_ref().is_some_and(|multi| {
                    multi
                        .queued
                        .iter()
                        .any(|(queued, _)| queued.has(flag::WRITE))
                }));
        if !writes {
            return None;
        }
        Some(match aof {
            // Redis reports the log's error first.
            Some(error) => format!("MISCONF Errors writing to the AOF file: {error}"),
            None => MISCONF_RDB.to_string(),
        })
    }

    /// A command was refused while a transaction is being queued: EXEC will abort.
    fn flag_transaction(&mut self) {
        if let Some(multi) = &mut self.client.multi {
            multi.aborted = true;
        }
    }

    fn queue(&mut self, command: &'static Command, args: &[Bytes]) {
        if command.has(flag::NO_MULTI) {
            self.out
                .error("ERR Command not allowed inside a transaction");
            self.flag_transaction();
            return;
        }
        let multi = self
            .client
            .multi
            .as_mut()
            .expect("queue is called inside MULTI");
        multi.queued.push((command, args.to_vec()));
        self.out.simple("QUEUED");
    }

    /// Cleans up what the client left behind (its WATCHes, its wait); the driver calls it on
    /// disconnect.
    pub fn disconnect(&mut self, engine: &Engine) {
        if self.client.monitoring {
            engine.monitors.remove(self.id());
        }
        engine.keyspace.tracking.disable(&self.client.handle);
        self.client.end_transaction(engine);
        self.client.unsubscribe_all(engine);
        if self.blocked.take().is_some() {
            engine.blocking.cancel(engine, self.id());
        }
    }

    /// When the blocked client's wait ends if nothing serves it (absolute Unix ms).
    pub fn block_deadline_ms(&self) -> Option<u64> {
        self.blocked.flatten()
    }

    pub fn is_blocked(&self) -> bool {
        self.blocked.is_some()
    }

    /// Checks a blocked client: served (its reply is appended), timed out (the timeout reply
    /// is appended), or still waiting. Returns true while it stays blocked.
    pub fn poll_blocked(&mut self, engine: &Engine, now: Now) -> bool {
        let Some(deadline) = self.blocked else {
            return false;
        };
        if self.client.handle.take_served() {
            // The reply is in the outbox, behind what was published to us before it.
            self.take_all_output();
            self.client.aof_seq = self
                .client
                .aof_seq
                .max(self.client.handle.take_served_aof_seq());
            self.blocked = None;
            return false;
        }
        if deadline.is_some_and(|d| now.unix_ms() >= d) {
            if engine.blocking.cancel(engine, self.id()).is_some() {
                let reply = crate::blocking::timeout_reply(self.out.protocol);
                self.take_all_output();
                self.out.raw(&reply);
            } else {
                // Served between the two checks: the reply is in the outbox now.
                let served = self.client.handle.take_served();
                assert!(served, "a served waiter has its reply");
                self.take_all_output();
                self.client.aof_seq = self
                    .client
                    .aof_seq
                    .max(self.client.handle.take_served_aof_seq());
            }
            self.blocked = None;
            return false;
        }
        true
    }

    /// Moves at most `max` bytes that other clients produced for this one (pub/sub messages,
    /// a served reply) into the output buffer. Returns true if more is waiting.
    pub fn take_output(&mut self, max: usize) -> bool {
        let handle = &self.client.handle;
        if let Some(chunk) = handle.take_output(max) {
            self.out.raw(&chunk);
        }
        handle.output_bytes() > 0
    }

    fn take_all_output(&mut self) {
        while let Some(chunk) = self.client.handle.take_output(usize::MAX) {
            self.out.raw(&chunk);
        }
    }

    fn call(&mut self, engine: &Engine, command: &'static Command, args: &[Bytes], now: Now) {
        let handler = command
            .spec
            .handler
            .expect("resolve returns runnable commands");
        let shards: SmallVec<[usize; 4]> = command
            .key_positions(args.len())
            .map(|i| engine.keyspace.shard_of(&args[i]))
            .collect();
        // Before any lock is taken: the planted bugs lock what they need themselves.
        #[cfg(feature = "planted-bugs")]
        if self.planted(engine, command, args, now) {
            return;
        }
        // Function library changes (FUNCTION LOAD, DELETE, FLUSH, RESTORE) hold every shard,
        // so a snapshot starting sees the libraries and the log position together (see
        // `Engine::begin_snapshot`).
        let locked = if command.has(flag::WRITE) && command.spec.group == "scripting" {
            engine.keyspace.lock_all()
        } else {
            engine.keyspace.lock(shards)
        };
        let errors_before = self.out.errors_written;
        crate::observe::before_call(engine, &self.client, command, args, now);
        let started_us = self.client.mono_us(now);
        let _no_touch = crate::keyspace::access::NoTouchGuard::new(
            self.client.handle.no_touch.load(Ordering::Relaxed) && command.spec.name != "touch",
        );
        let mut ctx = Ctx {
            engine,
            client: &mut self.client,
            out: &mut self.out,
            now,
            locked,
        };
        handler(&mut ctx, args);
        crate::observe::after_call(engine, ctx.client, command, args, now, started_us);
        crate::tracking::after_command(&ctx, command, args);
        let failed = ctx.out.errors_written > errors_before;
        note_effects(&mut ctx, command, args, failed);
        log_effects(&mut ctx);
        drop(ctx);
        if let Some(request) = self.client.block_request.take() {
            let protocol = self.out.protocol;
            engine
                .blocking
                .register(engine, &self.client, protocol, command, args, &request);
            self.blocked = Some(request.deadline_ms);
        }
        if std::mem::take(&mut self.client.park) {
            self.blocked = Some(None);
        }
    }
}

#[cfg(feature = "planted-bugs")]
impl Session {
    /// Runs a planted bug instead of the command when one is enabled and fires; see
    /// `crate::planted`.
    fn planted(&mut self, engine: &Engine, command: &Command, args: &[Bytes], now: Now) -> bool {
        use crate::planted::{LOST_WRITE, STALE_GET, enabled};
        let name = command.spec.name;
        if name == "set" && enabled(LOST_WRITE) && engine.random_below(40) == 0 {
            self.out.ok();
            return true;
        }
        if name == "set" && enabled(STALE_GET) {
            // Remember the value being replaced, for a later stale GET.
            let mut locked = engine.keyspace.lock_keys([&args[1][..]]);
            let mut db = locked.db(self.client.db, now.unix_ms());
            let old = db
                .entry_mut(&args[1])
                .filter(|e| e.value.is_string())
                .map(|e| e.value.with_bytes(|b| b.to_vec()));
            self.stale.insert(args[1].to_vec(), old);
        }
        if name == "get"
            && enabled(STALE_GET)
            && engine.random_below(40) == 0
            && let Some(old) = self.stale.get(&args[1][..])
        {
            match old {
                Some(value) => self.out.bulk(value),
                None => self.out.null(),
            }
            return true;
        }
        false
    }
}

/// Records what a command changed, for the log: its own arguments if it is a write that did
/// not fail (re-executing it from the same state does the same thing), unless the handler
/// logged other effects itself. Blocked and replayed commands log nothing.
pub fn note_effects(ctx: &mut Ctx<'_, '_>, command: &Command, args: &[Bytes], failed: bool) {
    let client = &mut *ctx.client;
    let overridden = std::mem::take(&mut client.effects_overridden);
    if client.replaying || !ctx.engine.aof.enabled() {
        client.effects.clear();
        return;
    }
    if command.has(flag::WRITE) && !failed && !overridden && client.block_request.is_none() {
        client.effects.push((client.db as u32, args.to_vec()));
    }
}

/// Appends the effects gathered so far as one record, while the command still holds its
/// shard locks (so records reach the log in the order writes were applied). Inside EXEC the
/// effects wait for the end of the transaction, which logs them as one record.
pub fn log_effects(ctx: &mut Ctx<'_, '_>) {
    let client = &mut *ctx.client;
    if client.effects.is_empty() || client.in_exec {
        return;
    }
    let commands: Vec<(u32, &[Bytes])> = client
        .effects
        .iter()
        .map(|(db, args)| (*db, &args[..]))
        .collect();
    let mut record = Vec::new();
    crate::aof::record::encode(&mut record, ctx.now.unix_ms(), &commands);
    let seq = ctx.engine.aof.append(&record);
    client.aof_seq = client.aof_seq.max(seq);
    client.effects.clear();
}

/// Commands a replica (a MONITOR client) may not run: reads, writes and the `may_replicate`
/// ones, and EXEC.
fn touches_keyspace(command: &Command) -> bool {
    command.has(flag::WRITE)
        || command.has(flag::READONLY)
        || crate::pause::may_replicate(command.spec.name)
}

/// The commands that run at once even inside MULTI, as in Redis.
fn runs_inside_multi(command: &Command) -> bool {
    matches!(
        command.spec.name,
        "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
    )
}

/// The commands a RESP2 client may run while subscribed, as in Redis.
fn runs_when_subscribed(command: &Command) -> bool {
    matches!(
        command.spec.name,
        "ping"
            | "subscribe"
            | "ssubscribe"
            | "unsubscribe"
            | "sunsubscribe"
            | "psubscribe"
            | "punsubscribe"
            | "quit"
            | "reset"
    )
}

/// Looks the command (and subcommand) up and checks arity, writing Redis's error if that fails.
fn resolve(args: &[Bytes]) -> Result<&'static Command, Vec<u8>> {
    let commands = Commands::get();
    let Some(mut command) = commands.lookup(&args[0]) else {
        return Err(unknown_command(args));
    };
    // A container called alone runs its own handler if it has one (COMMAND).
    let bare_container_call = args.len() == 1 && command.spec.handler.is_some();
    if !command.subcommands.is_empty() && !bare_container_call {
        if args.len() < 2 {
            return Err(arity_error(command));
        }
        let sub = String::from_utf8_lossy(&args[1]).to_ascii_lowercase();
        match command.subcommands.get(sub.as_str()) {
            Some(found) => command = found,
            None => {
                let mut text = b"ERR unknown subcommand '".to_vec();
                text.extend_from_slice(&args[1][..args[1].len().min(128)]);
                text.extend_from_slice(
                    format!("'. Try {} HELP.", command.spec.name.to_ascii_uppercase()).as_bytes(),
                );
                return Err(text);
            }
        }
    }
    if !command.arity_ok(args.len()) {
        return Err(arity_error(command));
    }
    Ok(command)
}

fn arity_error(command: &Command) -> Vec<u8> {
    format!(
        "ERR wrong number of arguments for '{}' command",
        command.spec.name
    )
    .into_bytes()
}

fn unknown_command(args: &[Bytes]) -> Vec<u8> {
    const SHOWN_MAX: usize = 128;
    let mut shown = Vec::new();
    for arg in &args[1..] {
        if shown.len() >= SHOWN_MAX {
            break;
        }
        let room = SHOWN_MAX - shown.len();
        shown.push(b'\'');
        shown.extend_from_slice(&arg[..arg.len().min(room)]);
        shown.extend_from_slice(b"' ");
    }
    let mut text = b"ERR unknown command '".to_vec();
    text.extend_from_slice(&args[0][..args[0].len().min(SHOWN_MAX)]);
    text.extend_from_slice(b"', with args beginning with: ");
    text.extend_from_slice(&shown);
    text
}
