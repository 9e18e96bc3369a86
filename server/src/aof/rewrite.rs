//! Log rewrite (BGREWRITEAOF, `auto-aof-rewrite-*`, and at startup): the log becomes a base
//! snapshot plus a new, empty incremental log, swapped in through the manifest.
//!
//! A background rewrite goes in two manifest swaps, each written to a temporary file, fsynced,
//! renamed over the manifest, and the directory fsynced:
//!
//! 1. The snapshot starts under every shard lock, which also fixes the log position `switch`
//!    it corresponds to. Records before `switch` finish in the current incremental log (which
//!    is fsynced); a new incremental log is created, fsynced, and added to the manifest. Only
//!    then does anything from `switch` on go into it. A crash now loads the old base, the old
//!    logs and the new one: nothing is lost.
//! 2. When the snapshot is written and fsynced as the new base, the manifest becomes the new
//!    base plus the new log, and the old files are removed. A crash before the swap still
//!    loads the old set; after it, the new.

use std::io;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use ferrite_engine::Engine;
use ferrite_engine::aof::record::MAGIC;
use ferrite_engine::keyspace::snapshot::SnapshotJob;
use ferrite_io::{File, Io, OpenOptions};
use tracing::{info, warn};

use super::manifest::{Entry, Kind, Manifest};
use super::{AofPaths, planted_skip_dir_fsync};
use crate::checkpoint::write_snapshot;

/// Replaces the manifest durably: temporary file, fsync, rename, directory fsync.
pub async fn write_manifest<I: Io>(
    io: &I,
    paths: &AofPaths,
    manifest: &Manifest,
) -> io::Result<()> {
    let temp = paths.dir.join("temp-manifest");
    let file = io.open(&temp, OpenOptions::CREATE_TRUNCATE).await?;
    file.append(Bytes::from(manifest.render())).await?;
    file.sync().await?;
    drop(file);
    io.rename(&temp, &paths.manifest).await?;
    if !planted_skip_dir_fsync() {
        io.sync_dir(&paths.dir).await?;
    }
    Ok(())
}

/// Creates incremental log number `seq`, holding just the header, durably.
pub async fn create_incr<I: Io>(
    io: &I,
    paths: &AofPaths,
    seq: u64,
) -> io::Result<(I::File, Entry)> {
    let name = Manifest::incr_name(&paths.base_name, seq);
    let file = io
        .open(&paths.dir.join(&name), OpenOptions::CREATE_TRUNCATE)
        .await?;
    file.append(Bytes::from_static(MAGIC)).await?;
    file.sync().await?;
    Ok((
        file,
        Entry {
            name,
            seq,
            kind: Kind::Incr,
        },
    ))
}

/// Removes the files of `old` that `new` no longer names.
pub async fn remove_obsolete<I: Io>(io: &I, paths: &AofPaths, old: &Manifest, new: &Manifest) {
    for entry in old.files() {
        if new.files().any(|e| e.name == entry.name) {
            continue;
        }
        let path = paths.dir.join(&entry.name);
        if let Err(e) = io.remove(&path).await {
            warn!(error = %e, path = %path.display(), "can't remove an obsolete append-only file");
        }
    }
}

/// Writes `job` as base number `seq` (through a temporary name) and returns its entry and size.
pub async fn write_base<I: Io>(
    io: &I,
    engine: &Engine,
    paths: &AofPaths,
    job: &SnapshotJob,
    functions: &[Vec<u8>],
    seq: u64,
) -> io::Result<(Entry, u64)> {
    let name = Manifest::base_name(&paths.base_name, seq);
    let temp = paths.dir.join(format!("temp-rewriteaof-{seq}.rdb"));
    let result = async {
        let size = write_snapshot(io, engine, job, functions, &temp, true).await?;
        io.rename(&temp, &paths.dir.join(&name)).await?;
        Ok(size)
    }
    .await;
    match result {
        Ok(size) => Ok((
            Entry {
                name,
                seq,
                kind: Kind::Base,
            },
            size,
        )),
        Err(e) => {
            let _ = io.remove(&temp).await;
            Err(e)
        }
    }
}

/// What writing a base produced: its manifest entry and size.
type BaseResult = io::Result<(Entry, u64)>;

/// A rewrite started by the log writer, whose base is being written by its own task.
pub struct Running {
    pub job: Arc<SnapshotJob>,
    pub base_seq: u64,
    /// Set by the base-writing task when it finishes.
    pub result: Arc<Mutex<Option<BaseResult>>>,
    pub done: Arc<ferrite_engine::signal::Signal>,
}

impl Running {
    /// Starts writing the base in a task of its own.
    pub fn spawn<I: Io>(
        io: &I,
        engine: &Arc<Engine>,
        paths: &Arc<AofPaths>,
        job: Arc<SnapshotJob>,
        functions: Vec<Vec<u8>>,
        base_seq: u64,
    ) -> Running {
        let result = Arc::new(Mutex::new(None));
        let done = Arc::new(ferrite_engine::signal::Signal::default());
        let (io2, engine2, paths2, job2, result2, done2) = (
            io.clone(),
            engine.clone(),
            paths.clone(),
            job.clone(),
            result.clone(),
            done.clone(),
        );
        io.spawn("aof-rewrite", async move {
            let outcome = write_base(&io2, &engine2, &paths2, &job2, &functions, base_seq).await;
            *result2.lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
            done2.fire();
        });
        Running {
            job,
            base_seq,
            result,
            done,
        }
    }

    pub fn take_result(&self) -> Option<BaseResult> {
        self.result.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// Finishes a rewrite whose base is written: the manifest becomes `base` plus the incremental
/// logs from `first_new_incr` on, and the old files go.
pub async fn install<I: Io>(
    io: &I,
    paths: &AofPaths,
    current: &Manifest,
    base: Entry,
    first_new_incr: u64,
) -> io::Result<Manifest> {
    let new = Manifest {
        base: Some(base),
        incrs: current
            .incrs
            .iter()
            .filter(|e| e.seq >= first_new_incr)
            .cloned()
            .collect(),
    };
    write_manifest(io, paths, &new).await?;
    remove_obsolete(io, paths, current, &new).await;
    info!(manifest = %new.render().trim(), "append-only file rewritten");
    Ok(new)
}

/// Sizes for INFO and the automatic rewrite.
pub async fn file_size<F: File>(file: &F) -> u64 {
    file.size().await.unwrap_or(0)
}
