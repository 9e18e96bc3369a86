//! The checkpoint driver: writes point-in-time snapshots of the keyspace as RDB files without
//! forking (SAVE, BGSAVE, the `save` rules, SHUTDOWN), and provides the snapshot writer the
//! log rewrite uses for its base file.
//!
//! A snapshot starts under every shard lock and is then captured shard by shard, copy-on-write
//! (see `ferrite_engine::keyspace::snapshot`): this task walks the shards, and commands that
//! reach a shard first capture it themselves. The file is written to a temporary name,
//! fsynced, renamed over `dir/dbfilename`, and the directory fsynced, so a crash at any moment
//! leaves the previous snapshot or the new one, never a torn one.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use ferrite_engine::Engine;
use ferrite_engine::keyspace::snapshot::SnapshotJob;
use ferrite_engine::persist::Running;
use ferrite_engine::rdb;
use ferrite_io::{File, Io, OpenOptions};
use futures_util::future::select;
use tracing::{info, warn};

use crate::{boxed, now};

/// Bytes read per call while loading.
const LOAD_CHUNK_BYTES: usize = 4 << 20;
/// Bytes gathered before each append to the snapshot file.
const WRITE_BYTES: usize = 1 << 20;
/// After a failed background save, the save rules wait this long before trying again.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(5);

/// Writes the snapshot `job` to `path` (created or truncated) and fsyncs it. Returns its size.
pub async fn write_snapshot<I: Io>(
    io: &I,
    engine: &Engine,
    job: &SnapshotJob,
    functions: &[Vec<u8>],
    path: &Path,
    aof_base: bool,
) -> io::Result<u64> {
    let file = io.open(path, OpenOptions::CREATE_TRUNCATE).await?;
    let ctime = (job.at_ms / 1000).to_string();
    let used_mem = (engine.used_memory)().to_string();
    let mut buf = Vec::with_capacity(WRITE_BYTES + 4096);
    rdb::write_header(
        &mut buf,
        &[
            (
                "redis-ver",
                ferrite_engine::cmd::conn::REDIS_VERSION.as_bytes(),
            ),
            ("redis-bits", b"64"),
            ("ctime", ctime.as_bytes()),
            ("used-mem", used_mem.as_bytes()),
            ("aof-base", if aof_base { b"1" } else { b"0" }),
        ],
    );
    for code in functions {
        rdb::write_function(&mut buf, code);
    }
    let mut crc = 0u64;
    let mut size = 0u64;
    let mut flush = async |buf: &mut Vec<u8>, crc: &mut u64, last: bool| -> io::Result<()> {
        if buf.len() >= WRITE_BYTES || (last && !buf.is_empty()) {
            *crc = rdb::crc64::update(*crc, buf);
            size += buf.len() as u64;
            file.append(Bytes::from(std::mem::take(buf))).await?;
        }
        Ok(())
    };
    for shard in 0..engine.keyspace.shard_count() {
        if job.is_pending(shard) {
            engine.keyspace.capture_shard(shard);
        }
        while let Some(chunk) = job.take_chunk() {
            buf.extend_from_slice(&chunk);
            flush(&mut buf, &mut crc, false).await?;
        }
    }
    // A shard another thread began capturing before we reached it may still be encoding:
    // its chunk is pushed before the shard counts as captured, so wait for that, then drain.
    loop {
        let all_captured = job.captured();
        while let Some(chunk) = job.take_chunk() {
            buf.extend_from_slice(&chunk);
            flush(&mut buf, &mut crc, false).await?;
        }
        if all_captured {
            break;
        }
        job.wait_for_chunk().await;
    }
    flush(&mut buf, &mut crc, true).await?;
    let mut footer = Vec::new();
    rdb::write_footer(&mut footer, crc);
    size += footer.len() as u64;
    file.append(Bytes::from(footer)).await?;
    file.sync().await?;
    Ok(size)
}

fn rdb_path(engine: &Engine) -> (PathBuf, PathBuf) {
    let config = engine.config();
    let dir = PathBuf::from(&config.dir);
    (dir.join(&config.dbfilename), dir)
}

/// One whole save to `dir/dbfilename`, with the bookkeeping LASTSAVE and INFO report.
/// `None` if another snapshot (a log rewrite) is running.
pub async fn save<I: Io>(io: &I, engine: &Engine) -> Option<io::Result<()>> {
    let persist = &engine.persist;
    let started = now(io);
    let dirty_at_start = engine.keyspace.stats.dirty.load(Ordering::Acquire);
    let (job, functions) = engine.begin_snapshot(started.unix_ms(), false)?;
    persist.set_running(Running::Save, started.mono_us);
    let (path, dir) = rdb_path(engine);
    let temp = dir.join(format!("temp-{}.rdb", io.random_u64() % 1_000_000_000));
    let result = async {
        write_snapshot(io, engine, &job, &functions, &temp, false).await?;
        io.rename(&temp, &path).await?;
        io.sync_dir(&dir).await
    }
    .await;
    let cow = job.peak_bytes();
    engine.keyspace.end_snapshot();
    let finished = now(io);
    persist.set_running(Running::None, finished.mono_us);
    persist.last_save_cow_bytes.store(cow, Ordering::Relaxed);
    match &result {
        Ok(()) => {
            engine
                .keyspace
                .stats
                .dirty
                .fetch_sub(dirty_at_start, Ordering::AcqRel);
            persist
                .lastsave_s
                .store(finished.unix_ms() / 1000, Ordering::Relaxed);
            persist.saves.fetch_add(1, Ordering::Relaxed);
            persist.last_save_ok.store(true, Ordering::Release);
            info!(path = %path.display(), keys = job.keys_total(), "DB saved on disk");
        }
        Err(e) => {
            persist.last_save_ok.store(false, Ordering::Release);
            warn!(error = %e, path = %path.display(), "Background saving error");
            let _ = io.remove(&temp).await;
        }
    }
    persist.last_save_secs.store(
        (finished.mono_us.saturating_sub(started.mono_us) / 1_000_000) as i64,
        Ordering::Relaxed,
    );
    Some(result)
}

/// Whether a `save <seconds> <changes>` rule is due.
fn rule_due(engine: &Engine, now_unix_s: u64, last_failure_s: Option<u64>) -> bool {
    let config = engine.config();
    if config.save.is_empty() {
        return false;
    }
    if last_failure_s.is_some_and(|at| now_unix_s < at + RETRY_AFTER_FAILURE.as_secs()) {
        return false;
    }
    let dirty = engine.keyspace.stats.dirty.load(Ordering::Relaxed);
    let since = now_unix_s.saturating_sub(engine.persist.lastsave_s.load(Ordering::Relaxed));
    config
        .save
        .iter()
        .any(|&(seconds, changes)| dirty >= changes && since >= seconds)
}

/// Serves SAVE and BGSAVE requests and the save rules until shutdown.
pub async fn run<I: Io>(io: I, engine: Arc<Engine>) {
    let persist = &engine.persist;
    let mut last_failure_s = None;
    loop {
        if engine.shutdown_requested().is_some() {
            return;
        }
        let wanted = std::future::poll_fn(|cx| {
            persist.driver.register(cx.waker());
            if persist.save_requested() || (persist.rewrite_requested() && !engine.aof.enabled()) {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        });
        let tick = io.sleep(Duration::from_millis(100));
        let stop = engine.shutdown_signal.wait();
        let _ = select(boxed(wanted), select(boxed(tick), boxed(stop))).await;
        if engine.shutdown_requested().is_some() {
            return;
        }
        if !engine.aof.enabled()
            && persist.rewrite_requested()
            && engine.keyspace.snapshot().is_none()
        {
            persist.take_rewrite_request();
            if rewrite_without_log(&io, &engine).await.is_none() {
                persist.request_rewrite();
            }
        }
        let now_s = now(&io).unix_ms() / 1000;
        let requested = persist.save_requested();
        if !requested && !rule_due(&engine, now_s, last_failure_s) {
            continue;
        }
        if engine.keyspace.snapshot().is_some() {
            // A log rewrite is running; BGSAVE SCHEDULE and the rules wait for it.
            continue;
        }
        let waiters = persist.take_save_request().unwrap_or_default();
        let result = save(&io, &engine).await;
        let reply: &[u8] = match result {
            Some(Ok(())) => {
                last_failure_s = None;
                b"+OK\r\n"
            }
            Some(Err(_)) => {
                last_failure_s = Some(now_s);
                b"-ERR\r\n"
            }
            None => {
                // Lost the race with a rewrite: ask again.
                for waiter in waiters {
                    persist.request_save(Some(waiter));
                }
                continue;
            }
        };
        for waiter in waiters {
            waiter.deliver(reply.to_vec(), 0);
        }
    }
}

/// The save SHUTDOWN does: always with SHUTDOWN SAVE, never with NOSAVE, otherwise when save
/// rules are configured (as Redis). Waits for a running snapshot to end first.
pub async fn save_on_shutdown<I: Io>(io: &I, engine: &Engine, forced: bool) -> io::Result<()> {
    if !forced && engine.config().save.is_empty() {
        return Ok(());
    }
    loop {
        match save(io, engine).await {
            Some(result) => return result,
            None => io.sleep(Duration::from_millis(10)).await,
        }
    }
}

/// Why a snapshot could not be loaded.
#[derive(Debug)]
pub struct LoadError(pub String);

/// Loads the RDB file at `path` into the engine (keys already expired are skipped). Returns
/// the file's size. Logs progress for long loads (the caller sets INFO's `loading:1`).
pub async fn load_rdb<I: Io>(io: &I, engine: &Engine, path: &Path) -> Result<u64, LoadError> {
    let fail = |e: io::Error| LoadError(format!("can't read {}: {e}", path.display()));
    let file = io.open(path, OpenOptions::READ).await.map_err(fail)?;
    let size = file.size().await.map_err(fail)?;
    let persist = &engine.persist;
    let started = io.monotonic();
    let mut last_report = started;
    let mut loader = rdb::KeyspaceLoader::new(&engine.keyspace);
    // A corrupt length then reads as corruption instead of buffering the rest of the file.
    loader.set_input_len(size);
    let mut offset = 0u64;
    let result = async {
        while offset < size {
            let chunk = file
                .read_at(offset, LOAD_CHUNK_BYTES.min((size - offset) as usize))
                .await
                .map_err(fail)?;
            if chunk.is_empty() {
                break;
            }
            offset += chunk.len() as u64;
            loader
                .feed(&engine.keyspace, &chunk, io.unix_time_ms())
                .map_err(|e| LoadError(format!("{} is corrupt: {e}", path.display())))?;
            let now = io.monotonic();
            if now >= last_report + Duration::from_secs(5) {
                last_report = now;
                info!(
                    percent = offset * 100 / size.max(1),
                    path = %path.display(),
                    "loading the snapshot"
                );
            }
        }
        loader
            .finish(&engine.keyspace, io.unix_time_ms())
            .map_err(|e| LoadError(format!("{} is corrupt: {e}", path.display())))
    }
    .await;
    let summary = result?;
    engine.load_functions(&summary.functions).map_err(|e| {
        LoadError(format!(
            "{}: a function library fails to load: {e}",
            path.display()
        ))
    })?;
    persist
        .loaded_keys
        .store(summary.keys_loaded, Ordering::Relaxed);
    persist
        .loaded_expired
        .store(summary.keys_expired, Ordering::Relaxed);
    let secs = (io.monotonic() - started).as_secs_f64();
    info!(
        keys = summary.keys_loaded,
        expired = summary.keys_expired,
        seconds = secs,
        keys_per_second = (summary.keys_loaded as f64 / secs.max(1e-6)) as u64,
        path = %path.display(),
        "DB loaded from disk"
    );
    Ok(size)
}

/// Without the append-only log: loads `dir/dbfilename` if there is one.
pub async fn load_at_startup<I: Io>(io: &I, engine: &Engine) -> Result<(), LoadError> {
    let (path, _) = rdb_path(engine);
    match io.open(&path, OpenOptions::READ).await {
        Ok(_) => load_rdb(io, engine, &path).await.map(|_| ()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(LoadError(format!("can't open {}: {e}", path.display()))),
    }
}

/// BGREWRITEAOF with the log off: writes a base snapshot and a manifest naming only it, as
/// Redis 7 does, so that turning the log on later starts from it.
pub async fn rewrite_without_log<I: Io>(io: &I, engine: &Engine) -> Option<io::Result<()>> {
    let persist = &engine.persist;
    let started = now(io);
    let (job, functions) = engine.begin_snapshot(started.unix_ms(), false)?;
    persist.set_running(Running::Rewrite, started.mono_us);
    let config = engine.config();
    let paths = crate::aof::AofPaths::new(&config);
    let result = async {
        io.create_dir_all(&paths.dir).await?;
        let old = read_manifest(io, &paths).await;
        let seq = old.as_ref().map_or(1, |m| m.next_base_seq());
        let (base, size) =
            crate::aof::rewrite::write_base(io, engine, &paths, &job, &functions, seq).await?;
        let new = crate::aof::manifest::Manifest {
            base: Some(base),
            incrs: Vec::new(),
        };
        crate::aof::rewrite::write_manifest(io, &paths, &new).await?;
        if let Some(old) = old {
            crate::aof::rewrite::remove_obsolete(io, &paths, &old, &new).await;
        }
        persist.aof_base_size.store(size, Ordering::Relaxed);
        Ok(())
    }
    .await;
    persist
        .last_rewrite_cow_bytes
        .store(job.peak_bytes(), Ordering::Relaxed);
    engine.keyspace.end_snapshot();
    let finished = now(io);
    crate::aof::rewrite_finished(engine, result.is_ok(), finished.mono_us);
    persist.set_running(Running::None, finished.mono_us);
    if let Err(e) = &result {
        warn!(error = %e, "background append-only file rewrite failed");
    }
    Some(result)
}

async fn read_manifest<I: Io>(
    io: &I,
    paths: &crate::aof::AofPaths,
) -> Option<crate::aof::manifest::Manifest> {
    let file = io.open(&paths.manifest, OpenOptions::READ).await.ok()?;
    let size = file.size().await.ok()?;
    let text = file.read_at(0, size as usize).await.ok()?;
    crate::aof::manifest::Manifest::parse(&String::from_utf8_lossy(&text)).ok()
}
