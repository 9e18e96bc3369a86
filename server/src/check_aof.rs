//! `ferrite-check-aof`: verifies an append-only log (its manifest, base snapshot and every
//! incremental log) and, with `--fix`, truncates a torn or corrupt tail of the last log, like
//! `redis-check-aof`. Generic over the I/O trait like the rest of the server; the binary runs it
//! on tokio.

use std::io;
use std::path::Path;

use ferrite_engine::aof::record::{self, MAGIC, ReadError};
use ferrite_engine::keyspace::Keyspace;
use ferrite_engine::rdb;
use ferrite_io::{File, Io, OpenOptions};

use crate::aof::manifest::Manifest;

const CHUNK: usize = 4 << 20;

/// What the check found, as lines to print, and whether everything is valid.
#[derive(Debug, Default)]
pub struct Report {
    pub lines: Vec<String>,
    pub valid: bool,
}

/// Checks `path`: a manifest (`*.manifest`), a base snapshot (`*.rdb`) or one log file.
pub async fn check<I: Io>(io: &I, path: &Path, fix: bool) -> io::Result<Report> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let mut report = Report {
        lines: Vec::new(),
        valid: true,
    };
    if name.ends_with(".manifest") {
        let file = io.open(path, OpenOptions::READ).await?;
        let text = read_all(&file).await?;
        let manifest = match Manifest::parse(&String::from_utf8_lossy(&text)) {
            Ok(manifest) => manifest,
            Err(e) => {
                report
                    .lines
                    .push(format!("Invalid manifest {}: {e}", path.display()));
                report.valid = false;
                return Ok(report);
            }
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        if let Some(base) = &manifest.base {
            check_rdb(io, &dir.join(&base.name), &mut report).await?;
        }
        for (i, incr) in manifest.incrs.iter().enumerate() {
            let last = i + 1 == manifest.incrs.len();
            check_log(io, &dir.join(&incr.name), fix && last, &mut report).await?;
        }
    } else if name.ends_with(".rdb") {
        check_rdb(io, path, &mut report).await?;
    } else {
        check_log(io, path, fix, &mut report).await?;
    }
    report.lines.push(if report.valid {
        "AOF is valid".to_string()
    } else {
        "AOF is not valid".to_string()
    });
    Ok(report)
}

async fn read_all<F: File>(file: &F) -> io::Result<Vec<u8>> {
    let size = file.size().await?;
    let mut data = Vec::new();
    while (data.len() as u64) < size {
        let chunk = file.read_at(data.len() as u64, CHUNK).await?;
        if chunk.is_empty() {
            break;
        }
        data.extend_from_slice(&chunk);
    }
    Ok(data)
}

/// Loads a snapshot into a scratch keyspace to verify every record and the checksum.
async fn check_rdb<I: Io>(io: &I, path: &Path, report: &mut Report) -> io::Result<()> {
    let file = io.open(path, OpenOptions::READ).await?;
    let size = file.size().await?;
    // As many databases as any config allows, so a snapshot from any server checks.
    let keyspace = Keyspace::new(1024, 1, 0);
    let mut loader = rdb::KeyspaceLoader::new(&keyspace);
    loader.set_input_len(size);
    let mut offset = 0u64;
    let mut result = Ok(());
    while offset < size && result.is_ok() {
        let chunk = file.read_at(offset, CHUNK).await?;
        if chunk.is_empty() {
            break;
        }
        offset += chunk.len() as u64;
        // Expiry is not checked: the scratch keyspace keeps everything (time 0).
        result = loader.feed(&keyspace, &chunk, 0);
    }
    let result = match result {
        Ok(()) => loader
            .finish(&keyspace, 0)
            .map(|summary| summary.keys_loaded),
        Err(e) => Err(e),
    };
    match result {
        Ok(keys) => report.lines.push(format!(
            "RDB {} is OK: {keys} keys, {size} bytes",
            path.display()
        )),
        Err(e) => {
            report
                .lines
                .push(format!("RDB {} is not valid: {e}", path.display()));
            report.valid = false;
        }
    }
    Ok(())
}

/// Verifies one log file record by record; with `fix`, truncates it after the last good one.
async fn check_log<I: Io>(io: &I, path: &Path, fix: bool, report: &mut Report) -> io::Result<()> {
    let file = io.open(path, OpenOptions::READ_WRITE_CREATE).await?;
    let data = read_all(&file).await?;
    let size = data.len() as u64;
    if data.len() < MAGIC.len() || data[..MAGIC.len()] != *MAGIC {
        report.lines.push(format!(
            "{} is not a Ferrite append-only file (bad header)",
            path.display()
        ));
        report.valid = false;
        return Ok(());
    }
    let mut records = 0u64;
    let result = record::read_all(&data[MAGIC.len()..], MAGIC.len() as u64, |_| records += 1);
    let (good, reason) = match result {
        Ok(end) => (end, None),
        Err(ReadError::Truncated { offset }) => (offset, Some("truncated record".to_string())),
        Err(ReadError::Corrupt { offset, reason }) => (offset, Some(reason.to_string())),
    };
    report.lines.push(format!(
        "AOF analyzed: filename={}, size={size}, ok_up_to={good}, records={records}, diff={}",
        path.display(),
        size - good
    ));
    let Some(reason) = reason else {
        return Ok(());
    };
    report.lines.push(format!(
        "AOF {} is not valid at offset {good}: {reason}",
        path.display()
    ));
    if fix {
        file.set_len(good).await?;
        file.sync().await?;
        report.lines.push(format!(
            "Successfully truncated AOF {} to {good} bytes ({} bytes and everything after offset {good} dropped)",
            path.display(),
            size - good
        ));
    } else {
        report.valid = false;
    }
    Ok(())
}
