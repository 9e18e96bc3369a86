//! Fork-less point-in-time snapshots of the whole keyspace: copy-on-write per shard.
//!
//! Redis forks and lets the kernel copy pages on write. Ferrite has no fork; instead a
//! snapshot starts under every shard lock (so no command is half done), which marks every
//! shard *pending* and costs nothing more. From then on, whoever locks a pending shard first
//! — a command about to read or write it, the expire cycle, or the snapshot writer walking the
//! shards in order — encodes that shard's data (every database's part of it) into a chunk
//! before doing anything else with it. No shard can change before it is encoded, so every
//! chunk shows the keyspace as it was at the start, and the chunks together are a consistent
//! snapshot, even across MULTI/EXEC and multi-key commands.
//!
//! The cost of a write during a snapshot is therefore paid once per shard (1/64 of the data by
//! default), not per write. Chunks encoded by commands wait in memory until the writer task
//! writes them out; that is the snapshot's memory overhead ("copy-on-write size"), reported
//! in INFO as `current_cow_size`, and it is bounded by the encoded size of the data set.
//!
//! The chunks are RDB: a `SELECTDB` opcode per database and one record per key, in the order
//! they were captured; the writer frames them with the RDB header and the CRC64 footer.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use futures_util::task::AtomicWaker;

use super::Shard;

/// One running snapshot, shared by the keyspace (which fills it) and the writer task.
#[derive(Debug)]
pub struct SnapshotJob {
    /// Per shard: not captured yet.
    pending: Box<[AtomicBool]>,
    /// Shards not captured yet.
    remaining: AtomicUsize,
    /// Captured chunks the writer has not taken yet.
    chunks: Mutex<VecDeque<Vec<u8>>>,
    /// Bytes in `chunks`.
    buffered: AtomicU64,
    /// The most `buffered` has been.
    peak: AtomicU64,
    /// Keys captured so far.
    keys: AtomicU64,
    /// Keys in the keyspace when the snapshot started.
    keys_total: u64,
    /// Wall-clock time the snapshot shows (Unix ms).
    pub at_ms: u64,
    /// The append-only log's position at the snapshot: records before it are in the snapshot,
    /// records from it on are not.
    pub aof_seq: u64,
    /// The writer task, woken when a chunk is captured.
    writer: AtomicWaker,
}

impl SnapshotJob {
    fn new(shards: usize, keys_total: u64, at_ms: u64, aof_seq: u64) -> SnapshotJob {
        SnapshotJob {
            pending: (0..shards).map(|_| AtomicBool::new(true)).collect(),
            remaining: AtomicUsize::new(shards),
            chunks: Mutex::new(VecDeque::new()),
            buffered: AtomicU64::new(0),
            peak: AtomicU64::new(0),
            keys: AtomicU64::new(0),
            keys_total,
            at_ms,
            aof_seq,
            writer: AtomicWaker::new(),
        }
    }

    /// Encodes `shard` (index `index`) if nobody has yet. Called with the shard locked.
    fn capture(&self, index: usize, shard: &Shard) {
        if !self.pending[index].swap(false, Ordering::AcqRel) {
            return;
        }
        let mut chunk = Vec::new();
        let mut keys = 0u64;
        for (db, part) in shard.dbs.iter().enumerate() {
            if part.map.is_empty() {
                continue;
            }
            crate::rdb::write_select_db(&mut chunk, db);
            for (key, entry) in &part.map {
                crate::rdb::write_entry(&mut chunk, key, entry);
            }
            keys += part.map.len() as u64;
        }
        self.keys.fetch_add(keys, Ordering::Relaxed);
        if !chunk.is_empty() {
            let len = chunk.len() as u64;
            self.chunks
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push_back(chunk);
            let now = self.buffered.fetch_add(len, Ordering::AcqRel) + len;
            self.peak.fetch_max(now, Ordering::AcqRel);
        }
        self.remaining.fetch_sub(1, Ordering::AcqRel);
        self.writer.wake();
    }

    /// Whether shard `index` still has to be captured.
    pub fn is_pending(&self, index: usize) -> bool {
        self.pending[index].load(Ordering::Acquire)
    }

    /// True once every shard is captured.
    pub fn captured(&self) -> bool {
        self.remaining.load(Ordering::Acquire) == 0
    }

    /// The next captured chunk, if any.
    pub fn take_chunk(&self) -> Option<Vec<u8>> {
        let chunk = self
            .chunks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front()?;
        self.buffered
            .fetch_sub(chunk.len() as u64, Ordering::AcqRel);
        Some(chunk)
    }

    /// Completes when a chunk is waiting or every shard is captured.
    pub fn wait_for_chunk(&self) -> impl Future<Output = ()> + Send + '_ {
        std::future::poll_fn(move |cx| {
            self.writer.register(cx.waker());
            let ready = self.captured()
                || !self
                    .chunks
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .is_empty();
            if ready {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
    }

    /// Bytes captured but not yet taken by the writer: the snapshot's copy-on-write overhead.
    pub fn buffered_bytes(&self) -> u64 {
        self.buffered.load(Ordering::Acquire)
    }

    pub fn peak_bytes(&self) -> u64 {
        self.peak.load(Ordering::Acquire)
    }

    pub fn keys_processed(&self) -> u64 {
        self.keys.load(Ordering::Relaxed)
    }

    pub fn keys_total(&self) -> u64 {
        self.keys_total
    }
}

/// The keyspace's side: at most one snapshot at a time.
#[derive(Debug, Default)]
pub struct Snapshots {
    active: AtomicBool,
    job: Mutex<Option<std::sync::Arc<SnapshotJob>>>,
}

impl Snapshots {
    /// Called by every shard lock right after it is taken.
    #[inline]
    pub(super) fn on_lock(&self, index: usize, shard: &Shard) {
        if !self.active.load(Ordering::Acquire) {
            return;
        }
        let job = self.job.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(job) = job {
            job.capture(index, shard);
        }
    }

    /// The running snapshot, if any.
    pub fn current(&self) -> Option<std::sync::Arc<SnapshotJob>> {
        self.job.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl super::Keyspace {
    /// Starts a snapshot of the keyspace as it is now, or `None` if one is running. `aof_seq`
    /// is read under every shard lock, so it splits the log exactly at the snapshot.
    pub fn begin_snapshot(
        &self,
        at_ms: u64,
        aof_seq: impl FnOnce() -> u64,
    ) -> Option<std::sync::Arc<SnapshotJob>> {
        let mut locked = self.lock_all();
        let mut slot = self.snapshots.job.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return None;
        }
        let keys: u64 = locked
            .shards()
            .map(|(_, shard)| shard.dbs.iter().map(|db| db.map.len() as u64).sum::<u64>())
            .sum();
        let job = std::sync::Arc::new(SnapshotJob::new(self.shard_count(), keys, at_ms, aof_seq()));
        *slot = Some(job.clone());
        self.snapshots.active.store(true, Ordering::Release);
        drop(slot);
        drop(locked);
        Some(job)
    }

    /// Captures shard `index` now if the snapshot still needs it (the writer walks the shards
    /// with this so the snapshot completes even if no command touches them).
    pub fn capture_shard(&self, index: usize) {
        drop(self.lock(smallvec::smallvec![index]));
    }

    /// Ends the running snapshot (finished or abandoned).
    pub fn end_snapshot(&self) {
        let mut slot = self.snapshots.job.lock().unwrap_or_else(|p| p.into_inner());
        self.snapshots.active.store(false, Ordering::Release);
        *slot = None;
    }

    pub fn snapshot(&self) -> Option<std::sync::Arc<SnapshotJob>> {
        self.snapshots.current()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::rdb;
    use crate::testing::{TestClient, client};

    /// Writes the running snapshot out (as the server's writer does) and decodes it back:
    /// (db, key) -> string value.
    fn drain(t: &TestClient) -> BTreeMap<(usize, String), String> {
        let keyspace = &t.engine.keyspace;
        let job = keyspace.snapshot().expect("a snapshot runs");
        let mut file = Vec::new();
        rdb::write_header(&mut file, &[]);
        for shard in 0..keyspace.shard_count() {
            if job.is_pending(shard) {
                keyspace.capture_shard(shard);
            }
        }
        assert!(job.captured());
        while let Some(chunk) = job.take_chunk() {
            file.extend_from_slice(&chunk);
        }
        assert_eq!(job.buffered_bytes(), 0);
        let crc = rdb::crc64::update(0, &file);
        rdb::write_footer(&mut file, crc);
        keyspace.end_snapshot();
        let mut loader = rdb::Loader::new(keyspace.value_hasher());
        loader.feed(&file);
        loader.end_input();
        let mut found = BTreeMap::new();
        while let Some(item) = loader.next_item().expect("a valid snapshot") {
            if let rdb::Item::Key(key) = item {
                let value = key
                    .entry
                    .value
                    .with_bytes(|b| String::from_utf8_lossy(b).into_owned());
                found.insert(
                    (key.db, String::from_utf8_lossy(&key.key).into_owned()),
                    value,
                );
            }
        }
        loader.finish().expect("checksum and end marker");
        found
    }

    #[test]
    fn a_snapshot_shows_the_keyspace_as_it_was_when_it_started() {
        let mut t = client();
        for i in 0..50 {
            t.run(&["set", &format!("k{i}"), &format!("old{i}")]);
        }
        t.run(&["select", "3"]);
        t.run(&["set", "other", "db3"]);
        t.run(&["select", "0"]);
        let job = t
            .engine
            .keyspace
            .begin_snapshot(0, || 0)
            .expect("none running");
        assert!(
            t.engine.keyspace.begin_snapshot(0, || 0).is_none(),
            "one at a time"
        );
        assert_eq!(job.keys_total(), 51);
        // Writes after the start, including a transaction over several shards, a deletion,
        // a new key, and a whole-keyspace command: none may show in the snapshot.
        t.run(&["set", "k1", "new"]);
        t.run(&["multi"]);
        t.run(&["set", "k2", "new"]);
        t.run(&["del", "k3"]);
        t.run(&["set", "fresh", "x"]);
        t.run(&["exec"]);
        t.run(&["swapdb", "0", "3"]);
        t.run(&["flushdb"]);
        let found = drain(&t);
        assert_eq!(found.len(), 51);
        for i in 0..50 {
            assert_eq!(found[&(0, format!("k{i}"))], format!("old{i}"));
        }
        assert_eq!(found[&(3, "other".to_string())], "db3");
        // After the snapshot, the live keyspace has the changes.
        assert_eq!(t.run(&["dbsize"]), ":0\r\n");
        t.run(&["select", "3"]);
        assert_eq!(t.run(&["get", "k1"]), "$3\r\nnew\r\n");
    }

    #[test]
    fn shards_captured_by_commands_wait_for_the_writer() {
        let mut t = client();
        for i in 0..20 {
            t.run(&["set", &format!("k{i}"), "v"]);
        }
        let job = t
            .engine
            .keyspace
            .begin_snapshot(0, || 0)
            .expect("none running");
        t.run(&["set", "k0", "changed"]);
        assert!(
            job.buffered_bytes() > 0,
            "the write captured its shard first"
        );
        assert!(job.peak_bytes() >= job.buffered_bytes());
        let found = drain(&t);
        assert_eq!(found[&(0, "k0".to_string())], "v");
        assert_eq!(found.len(), 20);
    }
}
