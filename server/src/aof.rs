//! The persistence driver for the append-only log: at startup it loads and replays the log,
//! then it writes what sessions append and fsyncs it per `appendfsync`, advancing the durable
//! position that replies wait on under `always` (see `ferrite_engine::aof`).
//!
//! Files, as Redis 7 lays them out: `<dir>/<appenddirname>/<appendfilename>.manifest` names the
//! log file `<appendfilename>.1.incr.aof`. A new log is created and fsynced, the manifest is
//! written to a temporary name, fsynced, renamed into place and the directory fsynced, so a
//! crash at any point leaves either no log or a complete one.
//!
//! A write or fsync error stops the node: continuing would mean acknowledging writes that a
//! crash could lose, or serving state the log does not hold.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use ferrite_engine::Engine;
use ferrite_engine::aof::record::{self, MAGIC, ReadError};
use ferrite_engine::aof::{Fsync, replay};
use ferrite_engine::config::Config;
use ferrite_engine::engine::ShutdownMode;
use ferrite_io::{File, Io, OpenOptions};
use futures_util::future::{Either, select};
use tracing::{error, info, warn};

use crate::boxed;

/// How much of the log is read per call while loading.
const LOAD_CHUNK_BYTES: usize = 4 << 20;
/// Reads of a log that fails its checksums are retried this often before the damage is
/// believed (a flipped bit on the way from the disk is not damage on the disk).
const LOAD_ATTEMPTS: usize = 3;

pub struct AofPaths {
    pub dir: PathBuf,
    pub manifest: PathBuf,
    base_name: String,
}

impl AofPaths {
    pub fn new(config: &Config) -> AofPaths {
        let dir = Path::new(&config.dir).join(&config.appenddirname);
        AofPaths {
            manifest: dir.join(format!("{}.manifest", config.appendfilename)),
            base_name: config.appendfilename.clone(),
            dir,
        }
    }

    fn log_name(&self, seq: u64) -> String {
        format!("{}.{seq}.incr.aof", self.base_name)
    }
}

/// Why the node cannot start with this log.
#[derive(Debug)]
pub struct LoadError(pub String);

fn manifest_text(log_name: &str, seq: u64) -> String {
    format!("file {log_name} seq {seq} type i\n")
}

/// Reads `file <name> seq <n> type i`, the one entry our manifests hold.
fn parse_manifest(text: &str) -> Option<(String, u64)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        ["file", name, "seq", seq, "type", "i"] if !name.contains('/') => {
            Some((name.to_string(), seq.parse().ok()?))
        }
        _ => None,
    }
}

/// Opens the log (creating it if there is none), replays it into `engine`, and returns the
/// open file positioned for appending.
///
/// A log that holds records is then copied to a fresh file, fsynced, and swapped in through
/// the manifest before anything is served. The reason is Linux's fsync semantics: after a
/// failed fsync (the previous run stopped on it) the page cache may still show writes that
/// will never reach the disk, and this run just replayed them. Serving them, and logging new
/// writes after them, could lose or tear the log at the next crash; the copy makes everything
/// this run serves durable first. Its cost is one sequential copy of the log per start.
pub async fn load<I: Io>(io: &I, engine: &Engine, config: &Config) -> Result<I::File, LoadError> {
    let paths = AofPaths::new(config);
    let fail = |what: &str, e: io::Error| LoadError(format!("{what}: {e}"));
    io.create_dir_all(&paths.dir)
        .await
        .map_err(|e| fail("can't create the append-only directory", e))?;
    let manifest = match io.open(&paths.manifest, OpenOptions::READ).await {
        Ok(file) => {
            let size = file
                .size()
                .await
                .map_err(|e| fail("can't read the manifest", e))?;
            let text = file
                .read_at(0, size as usize)
                .await
                .map_err(|e| fail("can't read the manifest", e))?;
            Some(String::from_utf8_lossy(&text).into_owned())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(fail("can't open the manifest", e)),
    };
    let Some(text) = manifest else {
        return create(io, &paths, 1, &[])
            .await
            .map_err(|e| fail("can't create the append-only file", e));
    };
    // The name must be the one this seq gives (as written): a flipped bit read back from the
    // disk must not name another file — one the copy below would then truncate and remove.
    let Some((name, seq)) =
        parse_manifest(&text).filter(|(name, seq)| *name == paths.log_name(*seq))
    else {
        return Err(LoadError(format!(
            "Bad manifest {}: expected one incremental file entry",
            paths.manifest.display()
        )));
    };
    let path = paths.dir.join(&name);
    let (file, good_end) = replay_file(io, engine, config, &path).await?;
    if good_end <= MAGIC.len() as u64 {
        return Ok(file);
    }
    // Copy the good records to a new log and make it the current one. What is copied is
    // checked again: a bit flipped while reading it back must not become a corrupt record in
    // the new, durable log.
    let mut attempt = 0;
    let records = loop {
        attempt += 1;
        let mut records = Vec::with_capacity(good_end as usize - MAGIC.len());
        let mut offset = MAGIC.len() as u64;
        while offset < good_end {
            let chunk = file
                .read_at(
                    offset,
                    (good_end - offset).min(LOAD_CHUNK_BYTES as u64) as usize,
                )
                .await
                .map_err(|e| fail("can't read the append-only file", e))?;
            if chunk.is_empty() {
                return Err(LoadError(
                    "the append-only file shrank while it was copied".into(),
                ));
            }
            offset += chunk.len() as u64;
            records.extend_from_slice(&chunk);
        }
        if record::read_all(&records, MAGIC.len() as u64, |_| {}) == Ok(good_end) {
            break records;
        }
        if attempt >= LOAD_ATTEMPTS {
            return Err(LoadError(format!(
                "the append-only file {} reads back differently each time",
                path.display()
            )));
        }
        warn!(
            attempt,
            "the copy of the append-only file failed its checksums: reading it again"
        );
    };
    drop(file);
    let new_file = create(io, &paths, seq + 1, &records)
        .await
        .map_err(|e| fail("can't write the new append-only file", e))?;
    if let Err(e) = io.remove(&path).await {
        warn!(error = %e, path = %path.display(), "can't remove the previous append-only file");
    }
    Ok(new_file)
}

/// Creates log number `seq` holding `records`, durably, and points the manifest at it (file
/// fsync, manifest written to a temporary name, fsynced, renamed, directory fsynced), so a
/// crash at any moment leaves the old log or the new one, both complete.
async fn create<I: Io>(io: &I, paths: &AofPaths, seq: u64, records: &[u8]) -> io::Result<I::File> {
    let name = paths.log_name(seq);
    let path = paths.dir.join(&name);
    let log = io.open(&path, OpenOptions::CREATE_TRUNCATE).await?;
    let mut contents = MAGIC.to_vec();
    contents.extend_from_slice(records);
    log.append(Bytes::from(contents)).await?;
    log.sync().await?;
    let temp = paths.dir.join("temp-manifest");
    let manifest = io.open(&temp, OpenOptions::CREATE_TRUNCATE).await?;
    manifest
        .append(Bytes::from(manifest_text(&name, seq)))
        .await?;
    manifest.sync().await?;
    drop(manifest);
    io.rename(&temp, &paths.manifest).await?;
    if !planted_skip_dir_fsync() {
        io.sync_dir(&paths.dir).await?;
    }
    info!(path = %path.display(), bytes = records.len(), "append-only file ready");
    Ok(log)
}

#[cfg(feature = "planted-bugs")]
fn planted_skip_dir_fsync() -> bool {
    ferrite_engine::planted::enabled(ferrite_engine::planted::SKIP_DIR_FSYNC)
}

#[cfg(not(feature = "planted-bugs"))]
fn planted_skip_dir_fsync() -> bool {
    false
}

async fn replay_file<I: Io>(
    io: &I,
    engine: &Engine,
    config: &Config,
    path: &Path,
) -> Result<(I::File, u64), LoadError> {
    // Never created here: the manifest is written only after the log it names is durable, so
    // a missing log means the manifest was misread (a bit flipped on the way from the disk) or
    // damaged. Starting with an empty dataset would silently drop every write (the simulator's
    // seed 29133 of single-node-aof-everysec).
    let existing = OpenOptions {
        create: false,
        ..OpenOptions::READ_WRITE_CREATE
    };
    let file = io.open(path, existing).await.map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            LoadError(format!(
                "The append-only file {} named by the manifest doesn't exist",
                path.display()
            ))
        } else {
            LoadError(format!(
                "can't open the append-only file {}: {e}",
                path.display()
            ))
        }
    })?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        match read_and_replay(engine, &file, path).await {
            Ok((mut good_end, size, mut records)) => {
                if good_end < size {
                    // A bad checksum on the last record may be a bit flipped on the way from
                    // the disk rather than a torn write: read the tail again before dropping
                    // what may be an acknowledged write.
                    if let Some((end, extra)) = reread_tail(engine, &file, good_end, size).await? {
                        good_end = end;
                        records += extra;
                    }
                }
                if good_end < size {
                    if !config.aof_load_truncated {
                        return Err(LoadError(format!(
                            "Unexpected end of file reading the append only file {} at offset {good_end}: \
                             set aof-load-truncated yes to load it anyway",
                            path.display()
                        )));
                    }
                    warn!(path = %path.display(), offset = good_end, dropped = size - good_end, "the append-only file ends in a torn record: truncating it");
                    file.set_len(good_end).await.map_err(|e| {
                        LoadError(format!("can't truncate the append-only file: {e}"))
                    })?;
                    file.sync()
                        .await
                        .map_err(|e| LoadError(format!("can't fsync the append-only file: {e}")))?;
                }
                info!(path = %path.display(), records, bytes = good_end, "append-only file loaded");
                return Ok((file, good_end));
            }
            Err(Damage::Corrupt(message)) if attempt < LOAD_ATTEMPTS => {
                warn!(%message, attempt, "reading the append-only file again");
                // Replay was into an engine that has to start over: clear it.
                engine.flush_for_reload();
            }
            Err(Damage::Corrupt(message)) | Err(Damage::Fatal(message)) => {
                return Err(LoadError(message));
            }
        }
    }
}

/// Reads `[from, size)` again up to `LOAD_ATTEMPTS - 1` times; if it then holds only whole,
/// good records, replays them and returns the new end and how many there were.
async fn reread_tail<F: File>(
    engine: &Engine,
    file: &F,
    from: u64,
    size: u64,
) -> Result<Option<(u64, u64)>, LoadError> {
    for _ in 1..LOAD_ATTEMPTS {
        let tail = file
            .read_at(from, (size - from) as usize)
            .await
            .map_err(|e| LoadError(format!("can't read the append-only file: {e}")))?;
        let mut found = Vec::new();
        if let Ok(end) = record::read_all(&tail, from, |r| found.push(r)) {
            for r in &found {
                replay(engine, r)
                    .map_err(|e| LoadError(format!("can't replay the append-only file: {e}")))?;
            }
            return Ok(Some((end, found.len() as u64)));
        }
    }
    Ok(None)
}

enum Damage {
    Corrupt(String),
    Fatal(String),
}

/// Streams the file through the record reader and replays each record. Returns the end of the
/// last good record, the file size, and the number of records.
async fn read_and_replay<F: File>(
    engine: &Engine,
    file: &F,
    path: &Path,
) -> Result<(u64, u64, u64), Damage> {
    let io_error = |e: io::Error| {
        Damage::Fatal(format!(
            "can't read the append-only file {}: {e}",
            path.display()
        ))
    };
    let size = file.size().await.map_err(io_error)?;
    if size == 0 {
        // Created but the magic never made it to disk: an empty log.
        file.append(Bytes::from_static(MAGIC))
            .await
            .map_err(io_error)?;
        file.sync().await.map_err(io_error)?;
        return Ok((MAGIC.len() as u64, MAGIC.len() as u64, 0));
    }
    let magic = file.read_at(0, MAGIC.len()).await.map_err(io_error)?;
    if magic != MAGIC {
        if size < MAGIC.len() as u64 && MAGIC.starts_with(&magic) {
            // A torn magic: nothing was ever logged after it.
            file.set_len(0).await.map_err(io_error)?;
            file.append(Bytes::from_static(MAGIC))
                .await
                .map_err(io_error)?;
            file.sync().await.map_err(io_error)?;
            return Ok((MAGIC.len() as u64, MAGIC.len() as u64, 0));
        }
        return Err(Damage::Corrupt(format!(
            "{} is not a Ferrite append-only file (bad header)",
            path.display()
        )));
    }
    let mut offset = MAGIC.len() as u64;
    let mut pending: Vec<u8> = Vec::new();
    let mut pending_start = offset;
    let mut records = 0u64;
    let mut replay_error = None;
    loop {
        let chunk = file
            .read_at(offset, LOAD_CHUNK_BYTES)
            .await
            .map_err(io_error)?;
        let at_end = chunk.len() < LOAD_CHUNK_BYTES;
        offset += chunk.len() as u64;
        pending.extend_from_slice(&chunk);
        let result = record::read_all(&pending, pending_start, |record| {
            if replay_error.is_none() {
                if let Err(e) = replay(engine, &record) {
                    replay_error = Some(e);
                }
                records += 1;
            }
        });
        if let Some(e) = replay_error.take() {
            return Err(Damage::Fatal(format!(
                "can't replay the append-only file {}: {e}",
                path.display()
            )));
        }
        match result {
            Ok(end) => {
                pending.clear();
                pending_start = end;
            }
            Err(ReadError::Truncated { offset: good }) => {
                let consumed = (good - pending_start) as usize;
                pending.drain(..consumed);
                pending_start = good;
            }
            Err(ReadError::Corrupt { offset: at, reason }) => {
                return Err(Damage::Corrupt(format!(
                    "Bad file format reading the append only file {} at offset {at}: {reason}",
                    path.display()
                )));
            }
        }
        if at_end {
            return Ok((pending_start, size, records));
        }
    }
}

/// Writes and fsyncs what sessions append, until shutdown; then a last write and fsync.
pub async fn run_writer<I: Io>(io: I, engine: Arc<Engine>, file: I::File) {
    let aof = &engine.aof;
    let fsync = aof.fsync();
    let mut last_fsync = io.monotonic();
    let mut written_unsynced = false;
    loop {
        let stopping = engine.shutdown_requested().is_some();
        if !stopping {
            let tick = io.sleep(Duration::from_millis(if fsync == Fsync::EverySec {
                100
            } else {
                1_000
            }));
            let stop = engine.shutdown_signal.wait();
            let _ = select(boxed(aof.wait_for_data()), select(boxed(tick), boxed(stop))).await;
        }
        let (data, end) = aof.take_tail();
        if !data.is_empty() {
            if let Err(e) = file.append(Bytes::from(data)).await {
                return fail(&engine, "write", e);
            }
            aof.mark_written(end);
            written_unsynced = true;
        }
        let due = match fsync {
            Fsync::Always => written_unsynced,
            Fsync::EverySec => {
                written_unsynced
                    && (stopping || io.monotonic() >= last_fsync + Duration::from_secs(1))
            }
            Fsync::No => stopping && written_unsynced,
        };
        if due {
            let skip = fsync == Fsync::EverySec && planted_everysec_no_fsync();
            if !skip && let Err(e) = file.sync().await {
                return fail(&engine, "fsync", e);
            }
            aof.mark_durable(aof.written());
            last_fsync = io.monotonic();
            written_unsynced = false;
        }
        if stopping && aof.written() >= end {
            return;
        }
    }
}

fn fail(engine: &Engine, what: &str, e: io::Error) {
    error!(error = %e, "can't {what} the append-only file: stopping, so that no write is acknowledged that a crash could lose");
    engine.aof.mark_failed();
    engine.request_shutdown(ShutdownMode::NoSave);
}

/// Whether a reply at log position `seq` may be sent now; waits for the fsync under `always`.
/// `false` if the log failed: the reply must not be sent.
pub async fn wait_durable(engine: &Engine, seq: u64) -> bool {
    let aof = &engine.aof;
    if seq == 0 || !aof.enabled() || aof.fsync() != Fsync::Always {
        return true;
    }
    if planted_ack_before_fsync() {
        return true;
    }
    let stop = engine.shutdown_signal.wait();
    match select(boxed(aof.wait_durable(seq)), boxed(stop)).await {
        Either::Left((durable, _)) => durable,
        // Shutting down: the writer's last fsync may still make it durable.
        Either::Right(_) => aof.wait_durable(seq).await,
    }
}

#[cfg(feature = "planted-bugs")]
fn planted_everysec_no_fsync() -> bool {
    ferrite_engine::planted::enabled(ferrite_engine::planted::EVERYSEC_NO_FSYNC)
}

#[cfg(not(feature = "planted-bugs"))]
fn planted_everysec_no_fsync() -> bool {
    false
}

#[cfg(feature = "planted-bugs")]
fn planted_ack_before_fsync() -> bool {
    ferrite_engine::planted::enabled(ferrite_engine::planted::ACK_BEFORE_FSYNC)
}

#[cfg(not(feature = "planted-bugs"))]
fn planted_ack_before_fsync() -> bool {
    false
}
