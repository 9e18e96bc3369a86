//! The append-only log, engine side: the record format ([`record`]), the in-memory tail that
//! sessions append to, the durability sequence numbers replies wait on, and replay.
//!
//! Sessions append a record for every write (one record per EXEC) while still holding the
//! shards the write locked, so records enter the log in the order the writes were applied to
//! each key. The server's persistence driver (`server/src/aof.rs`) takes the tail, writes it
//! and fsyncs it per `appendfsync`, and advances `durable`. Under `always` a reply is sent only
//! once `durable` has passed its record: one fsync covers every client waiting (group commit).
//! The driver owns the files; the engine never touches the OS.

pub mod record;

use std::future::Future;
use std::sync::atomic::Ordering;
use std::task::{Poll, Waker};

use bytes::Bytes;

use crate::sync::{AtomicBool, AtomicU8, AtomicU64, AtomicWaker, Mutex};

use crate::Now;
use crate::command::Commands;
use crate::engine::Engine;
use crate::resp::{Protocol, Reply};
use crate::session::{Client, Ctx};

/// `appendfsync`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fsync {
    Always,
    EverySec,
    No,
}

impl Fsync {
    pub fn parse(text: &str) -> Option<Fsync> {
        match text.to_ascii_lowercase().as_str() {
            "always" => Some(Fsync::Always),
            "everysec" => Some(Fsync::EverySec),
            "no" => Some(Fsync::No),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Fsync::Always => "always",
            Fsync::EverySec => "everysec",
            Fsync::No => "no",
        }
    }
}

/// The log's shared state.
#[derive(Debug, Default)]
pub struct Aof {
    enabled: AtomicBool,
    fsync: AtomicU8,
    /// Encoded records not yet taken by the driver.
    tail: Mutex<Vec<u8>>,
    /// Bytes ever appended (the sequence number of the end of the tail).
    appended: AtomicU64,
    /// Bytes written to the file.
    written: AtomicU64,
    /// Bytes made durable by fsync.
    durable: AtomicU64,
    /// A write or fsync failed: the node stops rather than acknowledge what may be lost.
    failed: AtomicBool,
    /// Under `everysec`/`no`, the last write to the log failed (a full disk) and is being
    /// retried: writes are refused with `-MISCONF` meanwhile. The error's text.
    write_error: Mutex<Option<String>>,
    write_error_set: AtomicBool,
    /// The driver's waker: there is data to write.
    writer: AtomicWaker,
    /// Tasks waiting for `durable` to advance.
    waiters: Mutex<Vec<Waker>>,
}

impl Aof {
    pub fn configure(&self, enabled: bool, fsync: Fsync) {
        self.fsync.store(fsync as u8, Ordering::Relaxed);
        self.enabled.store(enabled, Ordering::Release);
    }

    pub fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Acquire)
    }

    pub fn fsync(&self) -> Fsync {
        match self.fsync.load(Ordering::Relaxed) {
            0 => Fsync::Always,
            1 => Fsync::EverySec,
            _ => Fsync::No,
        }
    }

    /// Appends one encoded record; returns the sequence number a reply must wait for under
    /// `always`. Called with the written keys' shards locked (this lock is a leaf).
    pub fn append(&self, record: &[u8]) -> u64 {
        let mut tail = self.tail.lock().unwrap_or_else(|p| p.into_inner());
        tail.extend_from_slice(record);
        let end = self
            .appended
            .fetch_add(record.len() as u64, Ordering::AcqRel)
            + record.len() as u64;
        drop(tail);
        self.writer.wake();
        end
    }

    /// Takes everything appended so far, with the sequence number it ends at.
    pub fn take_tail(&self) -> (Vec<u8>, u64) {
        let mut tail = self.tail.lock().unwrap_or_else(|p| p.into_inner());
        let end = self.appended.load(Ordering::Acquire);
        (std::mem::take(&mut *tail), end)
    }

    /// Completes when there is something to write (or at once if there already is).
    pub fn wait_for_data(&self) -> impl Future<Output = ()> + Send + '_ {
        std::future::poll_fn(move |cx| {
            self.writer.register(cx.waker());
            if self.appended.load(Ordering::Acquire) > self.written.load(Ordering::Acquire) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }

    pub fn mark_written(&self, seq: u64) {
        self.written.fetch_max(seq, Ordering::AcqRel);
    }

    pub fn mark_durable(&self, seq: u64) {
        self.durable.fetch_max(seq, Ordering::AcqRel);
        self.wake_waiters();
    }

    pub fn mark_failed(&self) {
        self.failed.store(true, Ordering::Release);
        self.wake_waiters();
    }

    /// Records (or clears, with `None`) a failed write that the writer keeps retrying.
    pub fn set_write_error(&self, error: Option<String>) {
        let mut slot = self.write_error.lock().unwrap_or_else(|p| p.into_inner());
        self.write_error_set
            .store(error.is_some(), Ordering::Release);
        *slot = error;
    }

    /// The pending write error, if writes must be refused.
    pub fn write_error(&self) -> Option<String> {
        if !self.write_error_set.load(Ordering::Acquire) {
            return None;
        }
        self.write_error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Acquire)
    }

    /// The end of everything appended so far.
    pub fn appended(&self) -> u64 {
        self.appended.load(Ordering::Acquire)
    }

    pub fn durable(&self) -> u64 {
        self.durable.load(Ordering::Acquire)
    }

    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Acquire)
    }

    fn wake_waiters(&self) {
        let waiters = std::mem::take(&mut *self.waiters.lock().unwrap_or_else(|p| p.into_inner()));
        for waker in waiters {
            waker.wake();
        }
    }

    /// Completes when everything up to `seq` is durable; `false` if the log failed first.
    pub fn wait_durable(&self, seq: u64) -> impl Future<Output = bool> + Send + '_ {
        std::future::poll_fn(move |cx| {
            if self.failed() {
                return Poll::Ready(false);
            }
            if self.durable() >= seq {
                return Poll::Ready(true);
            }
            self.waiters
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(cx.waker().clone());
            if self.failed() {
                Poll::Ready(false)
            } else if self.durable() >= seq {
                Poll::Ready(true)
            } else {
                Poll::Pending
            }
        })
    }
}

/// Re-executes one record's commands at the time they first ran, under every shard lock, with
/// nothing replied and nothing logged again.
pub fn replay(engine: &Engine, record: &record::Record) -> Result<(), String> {
    let now = Now {
        unix_us: record.now_ms.saturating_mul(1000),
        mono_us: 0,
    };
    let commands = Commands::get();
    let handle = engine.replay_client();
    let mut client = Client::replaying(handle);
    let mut out = Reply::new(Protocol::Resp2);
    let mut ctx = Ctx {
        engine,
        client: &mut client,
        out: &mut out,
        now,
        locked: engine.keyspace.lock_all(),
    };
    #[cfg(feature = "planted-bugs")]
    let repeats = if crate::planted::enabled(crate::planted::REPLAY_TWICE) {
        2
    } else {
        1
    };
    #[cfg(not(feature = "planted-bugs"))]
    let repeats = 1;
    for (db, args) in record
        .commands
        .iter()
        .cycle()
        .take(record.commands.len() * repeats)
    {
        let args: Vec<Bytes> = args.iter().map(|a| Bytes::copy_from_slice(a)).collect();
        let Some(mut command) = args.first().and_then(|name| commands.lookup(name)) else {
            return Err(format!(
                "unknown command in the log: {:?}",
                args.first()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
            ));
        };
        if !command.subcommands.is_empty() {
            let sub = args
                .get(1)
                .map(|s| String::from_utf8_lossy(s).to_ascii_lowercase())
                .unwrap_or_default();
            command = command
                .subcommands
                .get(sub.as_str())
                .ok_or("unknown subcommand in the log")?;
        }
        let handler = command
            .spec
            .handler
            .ok_or("a container command in the log")?;
        if *db as usize >= engine.keyspace.databases() {
            return Err(format!("database {db} in the log is out of range"));
        }
        ctx.client.db = *db as usize;
        handler(&mut ctx, &args);
        ctx.client.effects.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::record;
    use crate::config::Config;
    use crate::testing::client_with;

    fn logged(
        config: &Config,
        commands: &[&[&str]],
    ) -> (Vec<record::Record>, crate::testing::TestClient) {
        let mut t = client_with(config.clone());
        for command in commands {
            t.run(command);
        }
        let (tail, _) = t.engine.aof.take_tail();
        let mut records = Vec::new();
        record::read_all(&tail, 0, |r| records.push(r)).expect("well-formed records");
        (records, t)
    }

    fn aof_config() -> Config {
        Config {
            appendonly: true,
            appendfsync: super::Fsync::Always,
            ..Config::default()
        }
    }

    #[test]
    fn writes_are_logged_reads_and_failures_are_not() {
        let (records, _) = logged(
            &aof_config(),
            &[
                &["set", "k", "v"],
                &["get", "k"],
                &["incr", "k"],
                &["select", "3"],
                &["lpush", "l", "x"],
            ],
        );
        let commands: Vec<(u32, Vec<Vec<u8>>)> =
            records.into_iter().flat_map(|r| r.commands).collect();
        assert_eq!(commands.len(), 2, "{commands:?}");
        assert_eq!(
            commands[0],
            (0, vec![b"set".to_vec(), b"k".to_vec(), b"v".to_vec()])
        );
        assert_eq!(commands[1].0, 3);
    }

    #[test]
    fn a_failing_log_write_refuses_writes_with_misconf_until_it_succeeds() {
        let mut t = client_with(Config {
            appendfsync: super::Fsync::EverySec,
            ..aof_config()
        });
        t.run(&["set", "k", "v"]);
        t.engine
            .aof
            .set_write_error(Some("No space left on device".into()));
        assert_eq!(
            t.run(&["set", "k", "w"]),
            "-MISCONF Errors writing to the AOF file: No space left on device\r\n"
        );
        assert!(t.run(&["ping"]).starts_with("-MISCONF"));
        assert_eq!(t.run(&["get", "k"]), "$1\r\nv\r\n", "reads are served");
        t.run(&["multi"]);
        assert!(t.run(&["incr", "n"]).starts_with("-MISCONF"));
        assert!(t.run(&["exec"]).starts_with("-EXECABORT"));
        t.engine.aof.set_write_error(None);
        assert_eq!(t.run(&["set", "k", "w"]), "+OK\r\n");
    }

    #[test]
    fn spop_is_logged_as_the_members_it_removed() {
        let (records, mut t) = logged(
            &aof_config(),
            &[&["sadd", "s", "a", "b", "c"], &["spop", "s"]],
        );
        let (_, srem) = &records[1].commands[0];
        assert_eq!(srem[0], b"SREM");
        assert_eq!(srem.len(), 3);
        let left = t.run(&["smembers", "s"]);
        assert!(!left.contains(&format!("\r\n{}\r\n", String::from_utf8_lossy(&srem[2]))));
    }

    #[test]
    fn replay_rebuilds_the_same_state() {
        let (records, mut original) = logged(
            &aof_config(),
            &[
                &["sadd", "s", "1", "2", "3", "4", "5"],
                &["spop", "s", "2"],
                &["set", "t", "v", "px", "100000"],
                &["rpush", "l", "a", "b"],
                &["multi"],
                &["lpop", "l"],
                &["incr", "n"],
                &["exec"],
            ],
        );
        let mut fresh = client_with(Config::default());
        for r in &records {
            super::replay(fresh.engine, r).expect("replays");
        }
        for query in [
            &["smembers", "s"][..],
            &["pttl", "t"],
            &["lrange", "l", "0", "-1"],
            &["get", "n"],
        ] {
            assert_eq!(fresh.run(query), original.run(query), "{query:?}");
        }
    }
}
