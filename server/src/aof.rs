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

pub mod manifest;
pub mod rewrite;

use manifest::Manifest;

/// How much of the log is read per call while loading.
const LOAD_CHUNK_BYTES: usize = 4 << 20;
/// Reads of a log that fails its checksums are retried this often before the damage is
/// believed (a flipped bit on the way from the disk is not damage on the disk).
const LOAD_ATTEMPTS: usize = 3;

pub struct AofPaths {
    pub dir: PathBuf,
    pub manifest: PathBuf,
    /// `appendfilename`, which the files' names start with.
    pub base_name: String,
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
}

/// Why the node cannot start with this log.
#[derive(Debug)]
pub struct LoadError(pub String);

/// The log as the writer continues it: the open incremental file and the manifest naming it.
pub struct Log<F> {
    pub file: F,
    pub manifest: Manifest,
}

/// Loads the log — the base snapshot, then every incremental log in order — into `engine`,
/// and returns the log to continue (creating it if there is none).
///
/// If any incremental log held records, the log is then rewritten before anything is served:
/// a new base (a snapshot of what was loaded) and a new, empty incremental log, swapped in
/// through the manifest. The reason is Linux's fsync semantics: after a failed fsync (the
/// previous run stopped on it) the page cache may still show writes that will never reach the
/// disk, and this run just replayed them. Serving them, and logging new writes after them,
/// could lose or tear the log at the next crash; the rewrite makes everything this run serves
/// durable first, and it also compacts the log at every start.
pub async fn load<I: Io>(
    io: &I,
    engine: &Engine,
    config: &Config,
) -> Result<Log<I::File>, LoadError> {
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
        let (file, entry) = rewrite::create_incr(io, &paths, 1)
            .await
            .map_err(|e| fail("can't create the append-only file", e))?;
        let manifest = Manifest {
            base: None,
            incrs: vec![entry],
        };
        rewrite::write_manifest(io, &paths, &manifest)
            .await
            .map_err(|e| fail("can't write the manifest", e))?;
        return Ok(Log { file, manifest });
    };
    let manifest = Manifest::parse(&text)
        .map_err(|e| LoadError(format!("Bad manifest {}: {e}", paths.manifest.display())))?;
    // Each name must be the one its seq gives (as written): a flipped bit read back from the
    // disk must not name another file — one a rewrite would then remove (the simulator's seed
    // 29133 of single-node-aof-everysec).
    for entry in manifest.files() {
        let expected = match entry.kind {
            manifest::Kind::Base => Manifest::base_name(&paths.base_name, entry.seq),
            _ => Manifest::incr_name(&paths.base_name, entry.seq),
        };
        if entry.name != expected {
            return Err(LoadError(format!(
                "Bad manifest {}: file {} does not match its sequence number {}",
                paths.manifest.display(),
                entry.name,
                entry.seq
            )));
        }
    }
    // The base, then every log, in order. Damage that reading again may not meet (a bit
    // flipped on the way from the disk) starts the whole load over, from an empty engine.
    let mut attempt = 0;
    let (base_size, logged, last) = loop {
        attempt += 1;
        match load_files(io, engine, config, &paths, &manifest).await {
            Ok(loaded) => break loaded,
            Err(Damage::Corrupt(message)) if attempt < LOAD_ATTEMPTS => {
                warn!(%message, attempt, "reading the append-only files again");
                engine.flush_for_reload();
            }
            Err(Damage::Corrupt(message)) | Err(Damage::Fatal(message)) => {
                return Err(LoadError(message));
            }
        }
    };
    engine
        .persist
        .aof_base_size
        .store(base_size, std::sync::atomic::Ordering::Relaxed);
    match last {
        Some(file) if !logged => Ok(Log { file, manifest }),
        _ => startup_rewrite(io, engine, &paths, manifest)
            .await
            .map_err(|e| fail("can't rewrite the append-only file", e)),
    }
}

/// Loads the base and every log of `manifest`: the base's size, whether the logs held any
/// record, and the last log, open.
async fn load_files<I: Io>(
    io: &I,
    engine: &Engine,
    config: &Config,
    paths: &AofPaths,
    manifest: &Manifest,
) -> Result<(u64, bool, Option<I::File>), Damage> {
    let mut base_size = 0;
    if let Some(base) = &manifest.base {
        let path = paths.dir.join(&base.name);
        base_size = crate::checkpoint::load_rdb(io, engine, &path)
            .await
            .map_err(|e| {
                Damage::Corrupt(format!(
                    "can't load the append-only base {}: {}",
                    path.display(),
                    e.0
                ))
            })?;
    }
    let mut logged = false;
    let mut last = None;
    for (i, entry) in manifest.incrs.iter().enumerate() {
        let is_last = i + 1 == manifest.incrs.len();
        let path = paths.dir.join(&entry.name);
        let (file, good_end) = replay_file(io, engine, config, &path, is_last).await?;
        logged |= good_end > MAGIC.len() as u64;
        last = Some(file);
    }
    Ok((base_size, logged, last))
}

/// Writes what was loaded as a new base with a new, empty incremental log (see [`load`]).
async fn startup_rewrite<I: Io>(
    io: &I,
    engine: &Engine,
    paths: &AofPaths,
    old: Manifest,
) -> io::Result<Log<I::File>> {
    let (job, functions) = engine
        .begin_snapshot(io.unix_time_ms(), true)
        .expect("nothing else snapshots before the node serves");
    let written =
        rewrite::write_base(io, engine, paths, &job, &functions, old.next_base_seq()).await;
    engine.keyspace.end_snapshot();
    let (base, size) = written?;
    let (file, incr) = rewrite::create_incr(io, paths, old.next_incr_seq()).await?;
    let new = Manifest {
        base: Some(base),
        incrs: vec![incr],
    };
    rewrite::write_manifest(io, paths, &new).await?;
    rewrite::remove_obsolete(io, paths, &old, &new).await;
    engine
        .persist
        .aof_base_size
        .store(size, std::sync::atomic::Ordering::Relaxed);
    info!(bytes = size, "append-only file rewritten at startup");
    Ok(Log {
        file,
        manifest: new,
    })
}

#[cfg(feature = "planted-bugs")]
pub(crate) fn planted_skip_dir_fsync() -> bool {
    ferrite_engine::planted::enabled(ferrite_engine::planted::SKIP_DIR_FSYNC)
}

#[cfg(not(feature = "planted-bugs"))]
pub(crate) fn planted_skip_dir_fsync() -> bool {
    false
}

async fn replay_file<I: Io>(
    io: &I,
    engine: &Engine,
    config: &Config,
    path: &Path,
    is_last: bool,
) -> Result<(I::File, u64), Damage> {
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
    // Damage read here makes the whole load (base and every log) start over: see `load`.
    let (mut good_end, size, mut records) = read_and_replay(engine, &file, path).await?;
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
        // Only the last log can end in a torn write: the others were complete
        // and fsynced before a rewrite started the next one.
        if !config.aof_load_truncated || !is_last {
            return Err(Damage::Fatal(format!(
                "Unexpected end of file reading the append only file {} at offset {good_end}: \
                 set aof-load-truncated yes to load it anyway",
                path.display()
            )));
        }
        warn!(path = %path.display(), offset = good_end, dropped = size - good_end, "the append-only file ends in a torn record: truncating it");
        file.set_len(good_end)
            .await
            .map_err(|e| LoadError(format!("can't truncate the append-only file: {e}")))?;
        file.sync()
            .await
            .map_err(|e| LoadError(format!("can't fsync the append-only file: {e}")))?;
    }
    info!(path = %path.display(), records, bytes = good_end, "append-only file loaded");
    Ok((file, good_end))
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

pub(crate) enum Damage {
    /// Reading again may succeed (a bit flipped on the way from the disk).
    Corrupt(String),
    Fatal(String),
}

impl From<LoadError> for Damage {
    fn from(e: LoadError) -> Damage {
        Damage::Fatal(e.0)
    }
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

/// Writes and fsyncs what sessions append, until shutdown; then a last write and fsync. Also
/// runs log rewrites (BGREWRITEAOF and the automatic one; see [`rewrite`]).
pub async fn run_writer<I: Io>(io: I, engine: Arc<Engine>, config: Config, log: Log<I::File>) {
    let aof = &engine.aof;
    let persist = &engine.persist;
    let paths = Arc::new(AofPaths::new(&config));
    let Log {
        mut file,
        mut manifest,
    } = log;
    let fsync = aof.fsync();
    let mut last_fsync = io.monotonic();
    let mut written_unsynced = false;
    // The log position everything taken so far ends at.
    let mut taken = aof.written();
    let mut incr_size = rewrite::file_size(&file).await;
    let mut running: Option<rewrite::Running> = None;
    // Records a failed write left to write again (everysec/no).
    let mut retry: Vec<u8> = Vec::new();
    loop {
        let stopping = engine.shutdown_requested().is_some();
        if !stopping {
            let tick = io.sleep(Duration::from_millis(if fsync == Fsync::EverySec {
                100
            } else {
                1_000
            }));
            let stop = engine.shutdown_signal.wait();
            let rewrite_done = async {
                match &running {
                    Some(r) => r.done.wait().await,
                    None => std::future::pending().await,
                }
            };
            // While a failed write waits to be retried, new data does not wake the writer
            // (it would spin): the next tick retries.
            let retrying = !retry.is_empty();
            let data_ready = async {
                if retrying {
                    std::future::pending().await
                } else {
                    aof.wait_for_data().await
                }
            };
            let wake = select(boxed(data_ready), boxed(rewrite_done));
            let _ = select(wake, select(boxed(tick), boxed(stop))).await;
        }
        let (data, end) = aof.take_tail();
        let start = taken;
        taken = end;
        // Records from the rewrite's switch position on go to the new log; see `rewrite`.
        let start_rewrite = running.is_none()
            && !stopping
            && retry.is_empty()
            && (persist.rewrite_requested() || auto_rewrite_due(&engine, &config, incr_size));
        let mut data = data;
        let now = crate::now(&io);
        let job = if start_rewrite {
            // `None` while a BGSAVE runs: the request waits for it.
            engine.begin_snapshot(now.unix_ms(), true)
        } else {
            None
        };
        if let Some((job, functions)) = job {
            persist.take_rewrite_request();
            persist.set_running(ferrite_engine::persist::Running::Rewrite, now.mono_us);
            // Everything before the switch is in `data` or later in the tail.
            let (before, after) = split_at_switch(&mut data, start, &mut taken, aof, job.aof_seq);
            if !before.is_empty() {
                incr_size += before.len() as u64;
                if let Err(e) = file.append(Bytes::from(before)).await {
                    return fail(&engine, "write", e);
                }
            }
            if let Err(e) = file.sync().await {
                return fail(&engine, "fsync", e);
            }
            aof.mark_written(job.aof_seq);
            aof.mark_durable(job.aof_seq);
            let switched = async {
                let (new_file, entry) =
                    rewrite::create_incr(&io, &paths, manifest.next_incr_seq()).await?;
                let mut next = manifest.clone();
                next.incrs.push(entry);
                rewrite::write_manifest(&io, &paths, &next).await?;
                Ok::<_, io::Error>((new_file, next))
            }
            .await;
            match switched {
                Ok((new_file, next)) => {
                    file = new_file;
                    manifest = next;
                    incr_size = MAGIC.len() as u64;
                    info!("background append-only file rewriting started");
                }
                Err(e) => {
                    // The old log is intact and still current: give up this rewrite only.
                    warn!(error = %e, "can't start the append-only file rewrite");
                    engine.keyspace.end_snapshot();
                    rewrite_finished(&engine, false, now.mono_us);
                    persist.set_running(ferrite_engine::persist::Running::None, now.mono_us);
                }
            }
            if engine.keyspace.snapshot().is_some() {
                running = Some(rewrite::Running::spawn(
                    &io,
                    &engine,
                    &paths,
                    job,
                    functions,
                    manifest.next_base_seq(),
                ));
            }
            data = after;
        }
        // A write that failed earlier (everysec/no) goes first, in order.
        if !retry.is_empty() {
            let mut all = std::mem::take(&mut retry);
            all.extend_from_slice(&data);
            data = all;
        }
        if !data.is_empty() {
            let len = data.len() as u64;
            match file.append(Bytes::from(data.clone())).await {
                Ok(()) => {
                    incr_size += len;
                    if aof.write_error().is_some() {
                        info!("the append-only file is writable again");
                        aof.set_write_error(None);
                    }
                    aof.mark_written(end);
                    written_unsynced = true;
                }
                Err(e) if fsync != Fsync::Always => {
                    // A full disk under everysec/no: drop what part of the write landed (a
                    // torn record must not stay in the middle of the log), keep the data, refuse
                    // writes with -MISCONF, and try again on the next round. Under `always`
                    // replies wait on this write, so the node stops instead (as Redis exits).
                    if let Err(e) = file.set_len(incr_size).await {
                        return fail(&engine, "truncate", e);
                    }
                    if aof.write_error().is_none() {
                        warn!(error = %e, "can't write the append-only file: refusing writes until it is writable again");
                    }
                    aof.set_write_error(Some(describe(&e)));
                    if stopping {
                        // Shutting down on a full disk: what was acknowledged under
                        // everysec/no cannot be written; say so rather than loop.
                        return fail(&engine, "write", e);
                    }
                    retry = data;
                }
                Err(e) => return fail(&engine, "write", e),
            }
        } else {
            aof.mark_written(end);
        }
        persist.aof_current_size.store(
            persist
                .aof_base_size
                .load(std::sync::atomic::Ordering::Relaxed)
                + incr_size,
            std::sync::atomic::Ordering::Relaxed,
        );
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
        if let Some(r) = &running
            && r.done.is_fired()
        {
            let finished = r.take_result().expect("a finished rewrite has a result");
            let first_new_incr = manifest.incrs.last().map_or(1, |e| e.seq);
            let now = crate::now(&io);
            let cow = r.job.peak_bytes();
            engine.keyspace.end_snapshot();
            let installed = match finished {
                Ok((base, size)) => {
                    match rewrite::install(&io, &paths, &manifest, base, first_new_incr).await {
                        Ok(new) => {
                            manifest = new;
                            persist
                                .aof_base_size
                                .store(size, std::sync::atomic::Ordering::Relaxed);
                            true
                        }
                        Err(e) => {
                            warn!(error = %e, "can't install the rewritten append-only file");
                            false
                        }
                    }
                }
                Err(e) => {
                    warn!(error = %e, "background append-only file rewrite failed");
                    false
                }
            };
            persist
                .last_rewrite_cow_bytes
                .store(cow, std::sync::atomic::Ordering::Relaxed);
            rewrite_finished(&engine, installed, now.mono_us);
            persist.set_running(ferrite_engine::persist::Running::None, now.mono_us);
            running = None;
        }
        if stopping && aof.written() >= end {
            return;
        }
    }
}

/// Splits the taken tail `data` (which starts at log position `start`) at `switch`: the part
/// before belongs to the old log. If the switch lies beyond `data` (appended after the take),
/// the rest up to it is taken from the tail now.
fn split_at_switch(
    data: &mut Vec<u8>,
    start: u64,
    taken: &mut u64,
    aof: &ferrite_engine::aof::Aof,
    switch: u64,
) -> (Vec<u8>, Vec<u8>) {
    let mut all = std::mem::take(data);
    if switch > *taken {
        let (more, end) = aof.take_tail();
        all.extend_from_slice(&more);
        *taken = end;
    }
    let cut = (switch.saturating_sub(start) as usize).min(all.len());
    let after = all.split_off(cut);
    (all, after)
}

fn auto_rewrite_due(engine: &Engine, config: &Config, incr_size: u64) -> bool {
    let percentage = config.auto_aof_rewrite_percentage;
    if percentage == 0 {
        return false;
    }
    let base = engine
        .persist
        .aof_base_size
        .load(std::sync::atomic::Ordering::Relaxed);
    let current = base + incr_size;
    current >= config.auto_aof_rewrite_min_size
        && (current.saturating_sub(base)) * 100 / base.max(1) >= percentage
}

pub(crate) fn rewrite_finished(engine: &Engine, ok: bool, now_mono_us: u64) {
    use std::sync::atomic::Ordering;
    let persist = &engine.persist;
    persist.last_rewrite_ok.store(ok, Ordering::Relaxed);
    let secs =
        now_mono_us.saturating_sub(persist.started_mono_us.load(Ordering::Relaxed)) / 1_000_000;
    persist
        .last_rewrite_secs
        .store(secs as i64, Ordering::Relaxed);
    if ok {
        persist.rewrites.fetch_add(1, Ordering::Relaxed);
        persist
            .rewrite_failures_in_a_row
            .store(0, Ordering::Relaxed);
    } else {
        persist
            .rewrite_failures_in_a_row
            .fetch_add(1, Ordering::Relaxed);
    }
}

/// An I/O error as Redis words it in `-MISCONF` (the OS's text, without Rust's decoration).
fn describe(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(28) => "No space left on device".into(),
        Some(5) => "Input/output error".into(),
        _ => {
            let text = e.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_string()
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
