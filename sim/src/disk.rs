//! A simulated disk per host, modelled like a real one behind a page cache.
//!
//! Reads see every completed write. Durability is separate: a file's contents become durable
//! only at `fsync`, and a directory's entries (creations, renames, removals) only when that
//! directory is synced. A crash keeps the durable state plus, per file, a random prefix of the
//! writes made since its last fsync, possibly with the last of them torn; directory operations
//! since the last directory sync survive as a random prefix too. Failed fsyncs behave like
//! Linux's: the error is reported once and the pending writes are no longer durable-able, even
//! though reads still show them until a crash. Reads may flip a bit (checksums must notice),
//! writes may fail with EIO or, past the capacity, ENOSPC.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use crate::faults::{FaultCounts, Faults};
use crate::rng::Rng;

pub type InodeId = u64;

const EIO: i32 = 5;
const ENOSPC: i32 = 28;

#[derive(Clone, Debug)]
enum FileOp {
    Write { offset: u64, data: Vec<u8> },
    SetLen(u64),
}

#[derive(Clone, Debug)]
enum DirOp {
    Link(PathBuf, InodeId),
    Unlink(PathBuf),
    Rename(PathBuf, PathBuf, InodeId),
}

impl DirOp {
    fn dirs(&self) -> Vec<PathBuf> {
        let parent = |p: &Path| p.parent().map(Path::to_path_buf).unwrap_or_default();
        match self {
            DirOp::Link(p, _) | DirOp::Unlink(p) => vec![parent(p)],
            DirOp::Rename(from, to, _) => vec![parent(from), parent(to)],
        }
    }

    fn apply(&self, entries: &mut BTreeMap<PathBuf, InodeId>) {
        match self {
            DirOp::Link(p, inode) => {
                entries.insert(p.clone(), *inode);
            }
            DirOp::Unlink(p) => {
                entries.remove(p);
            }
            DirOp::Rename(from, to, inode) => {
                entries.remove(from);
                entries.insert(to.clone(), *inode);
            }
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Inode {
    data: Vec<u8>,
    durable: Vec<u8>,
    pending: Vec<FileOp>,
}

fn apply_op(data: &mut Vec<u8>, op: &FileOp) {
    match op {
        FileOp::Write {
            offset,
            data: bytes,
        } => {
            let end = *offset as usize + bytes.len();
            if data.len() < end {
                data.resize(end, 0);
            }
            data[*offset as usize..end].copy_from_slice(bytes);
        }
        FileOp::SetLen(len) => data.resize(*len as usize, 0),
    }
}

#[derive(Debug, Default)]
pub struct Disk {
    entries: BTreeMap<PathBuf, InodeId>,
    durable_entries: BTreeMap<PathBuf, InodeId>,
    pending_dir_ops: Vec<DirOp>,
    dirs: BTreeSet<PathBuf>,
    inodes: BTreeMap<InodeId, Inode>,
    next_inode: InodeId,
}

fn not_found(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("{}: no such file or directory", path.display()),
    )
}

impl Disk {
    fn used_bytes(&self) -> u64 {
        self.inodes.values().map(|i| i.data.len() as u64).sum()
    }

    fn parent_exists(&self, path: &Path) -> bool {
        match path.parent() {
            None => true,
            Some(p) if p.as_os_str().is_empty() => true,
            Some(p) => self.dirs.contains(p),
        }
    }

    pub fn create_dir_all(&mut self, path: &Path) {
        // Directory creation is treated as durable at once: the scenarios create their data
        // directory before the first write, so its own durability is not what they test.
        let mut current = PathBuf::new();
        for part in path.components() {
            current.push(part);
            self.dirs.insert(current.clone());
        }
    }

    /// Opens (or creates, or truncates) a file and returns its inode.
    pub fn open(&mut self, path: &Path, create: bool, truncate: bool) -> io::Result<InodeId> {
        match self.entries.get(path) {
            Some(&inode) => {
                if truncate {
                    let node = self.inodes.get_mut(&inode).expect("entry names an inode");
                    node.data.clear();
                    node.pending.push(FileOp::SetLen(0));
                }
                Ok(inode)
            }
            None if create => {
                if !self.parent_exists(path) {
                    return Err(not_found(path));
                }
                let inode = self.next_inode;
                self.next_inode += 1;
                self.inodes.insert(inode, Inode::default());
                self.entries.insert(path.to_path_buf(), inode);
                self.pending_dir_ops
                    .push(DirOp::Link(path.to_path_buf(), inode));
                Ok(inode)
            }
            None => Err(not_found(path)),
        }
    }

    pub fn read_at(
        &mut self,
        inode: InodeId,
        offset: u64,
        len: usize,
        faults: &Faults,
        rng: &mut Rng,
        counts: &mut FaultCounts,
    ) -> io::Result<Vec<u8>> {
        let node = self
            .inodes
            .get(&inode)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
        let start = (offset as usize).min(node.data.len());
        let end = start.saturating_add(len).min(node.data.len());
        let mut out = node.data[start..end].to_vec();
        if !out.is_empty() && rng.chance(faults.disk_bitflip) {
            let bit = rng.below(out.len() as u64 * 8);
            out[(bit / 8) as usize] ^= 1 << (bit % 8);
            counts.bump("disk-bitflip");
        }
        Ok(out)
    }

    pub fn write_at(
        &mut self,
        inode: InodeId,
        offset: Option<u64>,
        data: &[u8],
        faults: &Faults,
        rng: &mut Rng,
        counts: &mut FaultCounts,
    ) -> io::Result<()> {
        if rng.chance(faults.disk_eio) {
            counts.bump("disk-eio-write");
            return Err(io::Error::from_raw_os_error(EIO));
        }
        let used = self.used_bytes();
        let node = self
            .inodes
            .get_mut(&inode)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
        let offset = offset.unwrap_or(node.data.len() as u64);
        let growth = (offset + data.len() as u64).saturating_sub(node.data.len() as u64);
        if used + growth > faults.disk_capacity {
            counts.bump("disk-enospc");
            return Err(io::Error::from_raw_os_error(ENOSPC));
        }
        let op = FileOp::Write {
            offset,
            data: data.to_vec(),
        };
        apply_op(&mut node.data, &op);
        node.pending.push(op);
        Ok(())
    }

    pub fn set_len(&mut self, inode: InodeId, len: u64) -> io::Result<()> {
        let node = self
            .inodes
            .get_mut(&inode)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
        let op = FileOp::SetLen(len);
        apply_op(&mut node.data, &op);
        node.pending.push(op);
        Ok(())
    }

    pub fn size(&self, inode: InodeId) -> io::Result<u64> {
        self.inodes
            .get(&inode)
            .map(|n| n.data.len() as u64)
            .ok_or_else(|| io::ErrorKind::NotFound.into())
    }

    /// Applies `op` to `inode`'s durable contents: the moment a write reaches the platter,
    /// where it may be misdirected (to another offset of this file, a sector multiple away, or
    /// to another file) or lost (the disk acknowledged it and never stored it).
    fn persist(
        &mut self,
        inode: InodeId,
        op: &FileOp,
        faults: &Faults,
        rng: &mut Rng,
        counts: &mut FaultCounts,
    ) {
        if let FileOp::Write { offset, data } = op {
            if rng.chance(faults.disk_lost_write) {
                counts.bump("disk-lost-write");
                return;
            }
            if rng.chance(faults.disk_misdirect) {
                counts.bump("disk-misdirected-write");
                let others: Vec<InodeId> = self
                    .inodes
                    .keys()
                    .copied()
                    .filter(|&i| i != inode)
                    .collect();
                let (target, at) = if !others.is_empty() && rng.chance(0.3) {
                    let target = others[rng.below(others.len() as u64) as usize];
                    let size = self.inodes[&target].durable.len() as u64;
                    (target, rng.below(size + 1) & !511)
                } else {
                    let shift = 512 * rng.range(1, 8);
                    let at = if rng.chance(0.5) {
                        offset.saturating_sub(shift)
                    } else {
                        offset + shift
                    };
                    (inode, at)
                };
                let misplaced = FileOp::Write {
                    offset: at,
                    data: data.clone(),
                };
                let node = self.inodes.get_mut(&target).expect("inode exists");
                apply_op(&mut node.durable, &misplaced);
                return;
            }
        }
        let node = self.inodes.get_mut(&inode).expect("inode exists");
        apply_op(&mut node.durable, op);
    }

    /// The durable contents of the file `path` names durably (what a crash now would leave,
    /// before the pending writes the crash model may keep). For checkers.
    pub fn durable_file(&self, path: &Path) -> Option<Vec<u8>> {
        let inode = self.durable_entries.get(path)?;
        Some(self.inodes.get(inode)?.durable.clone())
    }

    pub fn fsync(
        &mut self,
        inode: InodeId,
        faults: &Faults,
        rng: &mut Rng,
        counts: &mut FaultCounts,
    ) -> io::Result<()> {
        let node = self
            .inodes
            .get_mut(&inode)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
        if rng.chance(faults.disk_eio) {
            // Linux marks the dirty pages clean after a writeback error: those writes can no
            // longer become durable, though reads still see them until a crash.
            node.pending.clear();
            counts.bump("disk-eio-fsync");
            return Err(io::Error::from_raw_os_error(EIO));
        }
        // Only what is pending becomes durable: writes dropped by an earlier failed fsync stay
        // lost even though reads still see them.
        for op in std::mem::take(&mut node.pending) {
            self.persist(inode, &op, faults, rng, counts);
        }
        Ok(())
    }

    pub fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        let inode = self.entries.remove(from).ok_or_else(|| not_found(from))?;
        if !self.parent_exists(to) {
            self.entries.insert(from.to_path_buf(), inode);
            return Err(not_found(to));
        }
        self.entries.insert(to.to_path_buf(), inode);
        self.pending_dir_ops
            .push(DirOp::Rename(from.to_path_buf(), to.to_path_buf(), inode));
        self.collect_orphans();
        Ok(())
    }

    pub fn remove(&mut self, path: &Path) -> io::Result<()> {
        self.entries.remove(path).ok_or_else(|| not_found(path))?;
        self.pending_dir_ops.push(DirOp::Unlink(path.to_path_buf()));
        Ok(())
    }

    pub fn list_dir(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        if !dir.as_os_str().is_empty() && !self.dirs.contains(dir) {
            return Err(not_found(dir));
        }
        let mut out: Vec<PathBuf> = self
            .entries
            .keys()
            .chain(self.dirs.iter())
            .filter(|p| p.parent() == Some(dir))
            .cloned()
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Makes the entries of `dir` durable as they are now.
    pub fn sync_dir(&mut self, dir: &Path) -> io::Result<()> {
        if !dir.as_os_str().is_empty() && !self.dirs.contains(dir) {
            return Err(not_found(dir));
        }
        let (synced, rest): (Vec<DirOp>, Vec<DirOp>) = std::mem::take(&mut self.pending_dir_ops)
            .into_iter()
            .partition(|op| op.dirs().iter().any(|d| d == dir));
        for op in &synced {
            op.apply(&mut self.durable_entries);
        }
        self.pending_dir_ops = rest;
        Ok(())
    }

    /// Drops inodes no entry (current or durable) refers to. Open handles to them are dead
    /// after this; it is only called where the simulation holds none (crash) or where the
    /// entry was replaced (rename).
    fn collect_orphans(&mut self) {
        let live: BTreeSet<InodeId> = self
            .entries
            .values()
            .chain(self.durable_entries.values())
            .copied()
            .collect();
        let pending: BTreeSet<InodeId> = self
            .pending_dir_ops
            .iter()
            .filter_map(|op| match op {
                DirOp::Link(_, i) | DirOp::Rename(_, _, i) => Some(*i),
                DirOp::Unlink(_) => None,
            })
            .collect();
        self.inodes
            .retain(|id, _| live.contains(id) || pending.contains(id));
    }

    /// Power loss: keep durable state plus a random prefix of what was pending (each kept
    /// write reaching the platter as `persist` says).
    pub fn crash(&mut self, faults: &Faults, rng: &mut Rng, counts: &mut FaultCounts) {
        let ids: Vec<InodeId> = self.inodes.keys().copied().collect();
        for id in ids {
            let pending = std::mem::take(&mut self.inodes.get_mut(&id).expect("listed").pending);
            if pending.is_empty() {
                let node = self.inodes.get_mut(&id).expect("listed");
                node.data = node.durable.clone();
                continue;
            }
            let kept = rng.below(pending.len() as u64 + 1) as usize;
            for op in &pending[..kept] {
                self.persist(id, op, faults, rng, counts);
            }
            let node = self.inodes.get_mut(&id).expect("listed");
            let lost = pending.len() - kept;
            if lost > 0 {
                counts
                    .0
                    .entry("disk-lost-writes")
                    .and_modify(|c| *c += lost as u64)
                    .or_insert(lost as u64);
                if let FileOp::Write {
                    offset,
                    data: bytes,
                } = &pending[kept]
                    && !bytes.is_empty()
                    && rng.chance(0.5)
                {
                    let torn = rng.below(bytes.len() as u64) as usize;
                    apply_op(
                        &mut node.durable,
                        &FileOp::Write {
                            offset: *offset,
                            data: bytes[..torn].to_vec(),
                        },
                    );
                    counts.bump("disk-torn-write");
                }
            }
            node.data = node.durable.clone();
        }
        let kept = rng.below(self.pending_dir_ops.len() as u64 + 1) as usize;
        if kept < self.pending_dir_ops.len() {
            counts
                .0
                .entry("disk-lost-dir-ops")
                .and_modify(|c| *c += (self.pending_dir_ops.len() - kept) as u64)
                .or_insert((self.pending_dir_ops.len() - kept) as u64);
        }
        let mut entries = self.durable_entries.clone();
        for op in &self.pending_dir_ops[..kept] {
            op.apply(&mut entries);
        }
        self.entries = entries.clone();
        self.durable_entries = entries;
        self.pending_dir_ops.clear();
        self.collect_orphans();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet() -> (Faults, Rng, FaultCounts) {
        (Faults::none(), Rng::new(1), FaultCounts::default())
    }

    #[test]
    fn fsynced_data_survives_and_unsynced_may_not() {
        let (faults, mut rng, mut counts) = quiet();
        let mut lost_somewhere = false;
        for seed in 0..50 {
            let mut disk = Disk::default();
            disk.create_dir_all(Path::new("d"));
            let f = disk.open(Path::new("d/f"), true, false).unwrap();
            disk.sync_dir(Path::new("d")).unwrap();
            disk.write_at(f, None, b"durable", &faults, &mut rng, &mut counts)
                .unwrap();
            disk.fsync(f, &faults, &mut rng, &mut counts).unwrap();
            disk.write_at(f, None, b"-volatile", &faults, &mut rng, &mut counts)
                .unwrap();
            disk.crash(&faults, &mut Rng::new(seed), &mut counts);
            let inode = disk.open(Path::new("d/f"), false, false).unwrap();
            let data = disk
                .read_at(inode, 0, 100, &faults, &mut rng, &mut counts)
                .unwrap();
            assert!(data.starts_with(b"durable"), "fsynced bytes lost: {data:?}");
            assert!(
                b"durable-volatile".starts_with(&data[..]),
                "garbage after crash: {data:?}"
            );
            lost_somewhere |= data.len() < 16;
        }
        assert!(
            lost_somewhere,
            "the crash model never dropped an unsynced write"
        );
    }

    #[test]
    fn renames_need_a_directory_sync() {
        let (faults, mut rng, mut counts) = quiet();
        let mut survived_unsynced = 0;
        for seed in 0..50 {
            let mut disk = Disk::default();
            disk.create_dir_all(Path::new("d"));
            let tmp = disk.open(Path::new("d/tmp"), true, false).unwrap();
            disk.write_at(tmp, None, b"new", &faults, &mut rng, &mut counts)
                .unwrap();
            disk.fsync(tmp, &faults, &mut rng, &mut counts).unwrap();
            disk.rename(Path::new("d/tmp"), Path::new("d/final"))
                .unwrap();
            disk.crash(&faults, &mut Rng::new(seed), &mut counts);
            survived_unsynced += disk
                .list_dir(Path::new("d"))
                .unwrap()
                .contains(&PathBuf::from("d/final")) as u32;
        }
        assert!(survived_unsynced < 50, "an unsynced rename always survived");
        let mut disk = Disk::default();
        disk.create_dir_all(Path::new("d"));
        let tmp = disk.open(Path::new("d/tmp"), true, false).unwrap();
        disk.fsync(tmp, &faults, &mut rng, &mut counts).unwrap();
        disk.rename(Path::new("d/tmp"), Path::new("d/final"))
            .unwrap();
        disk.sync_dir(Path::new("d")).unwrap();
        disk.crash(&faults, &mut Rng::new(3), &mut counts);
        assert_eq!(
            disk.list_dir(Path::new("d")).unwrap(),
            vec![PathBuf::from("d/final")]
        );
    }

    #[test]
    fn failed_fsync_loses_the_pending_writes_at_the_next_crash() {
        let mut faults = Faults::none();
        let (_, mut rng, mut counts) = quiet();
        let mut disk = Disk::default();
        let f = disk.open(Path::new("f"), true, false).unwrap();
        disk.sync_dir(Path::new("")).unwrap();
        disk.write_at(f, None, b"x", &faults, &mut rng, &mut counts)
            .unwrap();
        faults.disk_eio = 1.0;
        assert_eq!(
            disk.fsync(f, &faults, &mut rng, &mut counts)
                .unwrap_err()
                .raw_os_error(),
            Some(EIO)
        );
        faults.disk_eio = 0.0;
        assert_eq!(
            disk.read_at(f, 0, 10, &faults, &mut rng, &mut counts)
                .unwrap(),
            b"x"
        );
        disk.fsync(f, &faults, &mut rng, &mut counts).unwrap();
        disk.crash(&faults, &mut rng, &mut counts);
        // The second fsync had nothing pending: the write was lost with the failed one.
        let f = disk.open(Path::new("f"), false, false).unwrap();
        assert_eq!(
            disk.read_at(f, 0, 10, &faults, &mut rng, &mut counts)
                .unwrap(),
            b""
        );
    }

    #[test]
    fn lost_and_misdirected_writes_damage_only_the_durable_copy() {
        for (lost, misdirect, kind) in [
            (1.0, 0.0, "disk-lost-write"),
            (0.0, 1.0, "disk-misdirected-write"),
        ] {
            let (quiet, mut rng, mut counts) = quiet();
            let mut faults = Faults::none();
            faults.disk_lost_write = lost;
            faults.disk_misdirect = misdirect;
            let mut disk = Disk::default();
            let f = disk.open(Path::new("f"), true, false).unwrap();
            disk.sync_dir(Path::new("")).unwrap();
            disk.write_at(f, None, &[7u8; 600], &quiet, &mut rng, &mut counts)
                .unwrap();
            disk.fsync(f, &quiet, &mut rng, &mut counts).unwrap();
            disk.write_at(f, None, b"tail", &quiet, &mut rng, &mut counts)
                .unwrap();
            // The fsync succeeds, and the page cache still reads right...
            disk.fsync(f, &faults, &mut rng, &mut counts).unwrap();
            assert_eq!(counts.get(kind), 1);
            let read = disk
                .read_at(f, 596, 10, &quiet, &mut rng, &mut counts)
                .unwrap();
            assert_eq!(read, b"\x07\x07\x07\x07tail");
            // ...until a crash shows what reached the platter: not the tail where it belongs.
            disk.crash(&quiet, &mut rng, &mut counts);
            let data = disk
                .read_at(f, 0, 10_000, &quiet, &mut rng, &mut counts)
                .unwrap();
            assert!(
                data.len() < 604 || &data[600..604] != b"tail",
                "{kind}: the write reached its place"
            );
            if misdirect > 0.0 {
                assert!(
                    data.windows(4).any(|w| w == b"tail"),
                    "the misdirected write landed nowhere in the file"
                );
            }
        }
    }
}
