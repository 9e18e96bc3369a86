//! The epoch checker for crash recovery when acknowledged writes may be lost (`appendfsync
//! everysec`): what survives a crash must be a *prefix* of the order the node logged writes in.
//!
//! The workload makes that order observable instead of searching for it. Every write is a
//! transaction `MULTI; <write on one key>; RPUSH journal <op id>; EXEC`: one log record, whose
//! RPUSH reply is the write's position in the node's log, and whose op id (unique per
//! operation) is appended to a list in the data itself. A snapshot `MULTI; LRANGE journal 0 -1;
//! GET key:0 ...; EXEC` then shows the whole surviving order plus the state it produced. So
//! "which prefix survived" is read off, not searched for, and unknown outcomes (timeouts,
//! resets) cost nothing: a snapshot names them if they took effect.
//!
//! Each node start begins an epoch (a crash, or the node stopping on a disk error, ends one).
//! The node's log in epoch `j` is one sequence `E_j`, starting with a prefix of `E_{j-1}` (what
//! recovery kept). Every observation constrains every `E_j`: an acknowledged write fixes
//! `E_j[p]`; a snapshot in epoch `m >= j` shows, in its entries from epochs `<= j`, a prefix of
//! `E_j`. Two observations that disagree on a position are a hole, a reordering or a replay of
//! something else. Checks:
//! - (a) no holes: every snapshot's entries are known op ids, distinct, in epoch order, and all
//!   observations of each `E_j` agree position by position;
//! - (b) nothing invented: an entry must be an op that was sent, in its own or an earlier epoch;
//! - (c) durability: after a crash, at least the records that were durable on the disk at the
//!   crash survive, and every write acknowledged long enough before it (the `everysec` promise,
//!   pauses not counted) survives — unless a disk fault that damages durable data fired;
//! - (d) every snapshot's values equal a reference model's state after its journal, and every
//!   acknowledged write's reply equals the model's at its position;
//! - (e) between crashes, each key's history is linearizable (Wing & Gong, `linearizable`),
//!   starting from the state the epoch's snapshots show was recovered; acknowledged writes
//!   also respect real time in their logged order.

use std::collections::BTreeMap;
use std::time::Duration;

use super::linearizable::{self, Input, Op, Output, State, step};

/// One write transaction of the workload.
#[derive(Clone, Debug)]
pub struct Write {
    pub id: String,
    pub key: usize,
    pub input: Input,
    pub epoch: usize,
    pub invoked: Duration,
    pub completed: Option<Duration>,
    /// The reply of the write command itself (`Unknown` without a reply).
    pub output: Output,
    /// The RPUSH reply: 1-based position in the node's log.
    pub position: Option<u64>,
}

/// One snapshot: the journal and every key's value, read atomically.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub epoch: usize,
    pub invoked: Duration,
    pub completed: Duration,
    pub journal: Vec<String>,
    pub values: Vec<State>,
}

/// The end of an epoch.
#[derive(Clone, Debug)]
pub struct Boundary {
    pub at: Duration,
    /// A crash (the disk's crash model applied); otherwise the node stopped on a disk error.
    pub crash: bool,
    /// Complete log records that were durable on the disk at the crash.
    pub durable_records: u64,
    /// A fault that damages durable data (misdirected or lost write) fired before it: the
    /// durability checks do not apply (the log may legitimately lose its tail).
    pub damaged: bool,
}

#[derive(Clone, Debug, Default)]
pub struct History {
    pub keys: usize,
    pub writes: Vec<Write>,
    /// Plain GETs: (key, epoch, op).
    pub reads: Vec<(usize, usize, Op)>,
    pub snapshots: Vec<Snapshot>,
    /// `boundaries[j]` ends epoch `j`.
    pub boundaries: Vec<Boundary>,
    /// Pauses of the node: (start, end).
    pub pauses: Vec<(Duration, Duration)>,
    /// Writes acknowledged this long before a crash (pauses not counted) must survive it.
    pub durable_after: Duration,
}

fn paused_within(pauses: &[(Duration, Duration)], from: Duration, to: Duration) -> Duration {
    pauses
        .iter()
        .map(|&(a, b)| b.min(to).saturating_sub(a.max(from)))
        .sum()
}

/// What the journal order says about one epoch's log: known positions (1-based).
type Known = BTreeMap<u64, String>;

fn learn(
    known: &mut Known,
    position: u64,
    id: &str,
    source: impl Fn() -> String,
) -> Result<(), String> {
    match known.get(&position) {
        Some(existing) if existing != id => Err(format!(
            "position {position} of the log holds {existing} by one observation and {id} by {}: a hole or reordering",
            source()
        )),
        Some(_) => Ok(()),
        None => {
            known.insert(position, id.to_string());
            Ok(())
        }
    }
}

pub fn check(h: &History) -> Result<(), String> {
    let by_id: BTreeMap<&str, &Write> = h.writes.iter().map(|w| (w.id.as_str(), w)).collect();
    if by_id.len() != h.writes.len() {
        return Err("the workload reused an op id".into());
    }
    let epochs = h.boundaries.len() + 1;
    let mut known: Vec<Known> = vec![Known::new(); epochs];
    // The recovered prefix length per epoch, from that epoch's snapshots.
    let mut recovered: Vec<Option<u64>> = vec![None; epochs];

    // (a), (b): shape of every snapshot.
    for s in &h.snapshots {
        let mut seen = std::collections::BTreeSet::new();
        let mut last_epoch = 0;
        for (i, id) in s.journal.iter().enumerate() {
            let Some(w) = by_id.get(id.as_str()) else {
                return Err(format!(
                    "snapshot at {:?} holds {id:?} at position {}, a write never sent",
                    s.completed,
                    i + 1
                ));
            };
            if !seen.insert(id) {
                return Err(format!(
                    "snapshot at {:?} holds {id} twice (a write applied twice)",
                    s.completed
                ));
            }
            if w.epoch > s.epoch || w.epoch < last_epoch {
                return Err(format!(
                    "snapshot at {:?} holds {id} (sent in epoch {}) at position {} after a write of epoch {last_epoch}: not a prefix of a log",
                    s.completed,
                    w.epoch,
                    i + 1
                ));
            }
            last_epoch = w.epoch;
        }
        let before = s
            .journal
            .iter()
            .filter(|id| by_id[id.as_str()].epoch < s.epoch);
        let k = before.count() as u64;
        match recovered[s.epoch] {
            Some(prev) if prev != k => {
                return Err(format!(
                    "epoch {} recovered {prev} writes by one snapshot and {k} by another",
                    s.epoch
                ));
            }
            _ => recovered[s.epoch] = Some(k),
        }
        // The entries from epochs <= j form a prefix of E_j.
        for (j, known) in known.iter_mut().enumerate().take(s.epoch + 1) {
            for (i, id) in s.journal.iter().enumerate() {
                if by_id[id.as_str()].epoch > j {
                    break;
                }
                learn(known, i as u64 + 1, id, || {
                    format!("the snapshot at {:?}", s.completed)
                })?;
            }
        }
    }
    for w in &h.writes {
        if let Some(p) = w.position {
            learn(&mut known[w.epoch], p, &w.id, || {
                format!("{}'s acknowledgement", w.id)
            })?;
            if let Some(k) = recovered[w.epoch]
                && p <= k
            {
                return Err(format!(
                    "{} acknowledged at position {p}, inside the {k} writes epoch {} recovered",
                    w.id, w.epoch
                ));
            }
        }
    }
    // Real time: writes acknowledged before another was sent are logged before it.
    let mut acked: Vec<&Write> = h.writes.iter().filter(|w| w.position.is_some()).collect();
    acked.sort_by_key(|w| (w.epoch, std::cmp::Reverse(w.position)));
    let mut min_completed: BTreeMap<usize, (Duration, &str)> = BTreeMap::new();
    for w in acked {
        if let Some(&(done, later)) = min_completed.get(&w.epoch)
            && done < w.invoked
        {
            return Err(format!(
                "{later} was acknowledged before {} was sent, yet logged after it",
                w.id
            ));
        }
        let completed = w.completed.expect("acknowledged");
        let entry = min_completed
            .entry(w.epoch)
            .or_insert((completed, w.id.as_str()));
        if completed < entry.0 {
            *entry = (completed, w.id.as_str());
        }
    }
    // Writes acknowledged before a snapshot of their epoch started are in it.
    for s in &h.snapshots {
        for w in h.writes.iter().filter(|w| w.epoch == s.epoch) {
            if let (Some(p), Some(done)) = (w.position, w.completed)
                && done < s.invoked
                && s.journal.get(p as usize - 1) != Some(&w.id)
            {
                return Err(format!(
                    "{} was acknowledged at position {p} before the snapshot at {:?} started, which does not show it there",
                    w.id, s.completed
                ));
            }
        }
    }

    // (c) durability at each crash.
    for (j, b) in h.boundaries.iter().enumerate() {
        if !b.crash || b.damaged {
            continue;
        }
        // Only up to the next damaging crash: after one, the log may legitimately lose a
        // tail that held these records too.
        let undamaged = |s: &&Snapshot| !h.boundaries[s.epoch - 1].damaged;
        for s in h.snapshots.iter().filter(|s| s.epoch > j).filter(undamaged) {
            let kept = s
                .journal
                .iter()
                .take_while(|id| by_id[id.as_str()].epoch <= j)
                .count() as u64;
            if kept < b.durable_records {
                return Err(format!(
                    "the crash at {:?} (end of epoch {j}) left {} log records durable, but the snapshot at {:?} shows only {kept} of them: a durable write was lost",
                    b.at, b.durable_records, s.completed
                ));
            }
            for w in h.writes.iter().filter(|w| w.epoch == j) {
                let (Some(p), Some(done)) = (w.position, w.completed) else {
                    continue;
                };
                let quiet = (b.at - done).saturating_sub(paused_within(&h.pauses, done, b.at));
                if quiet >= h.durable_after && p > kept {
                    return Err(format!(
                        "{} was acknowledged {:?} before the crash at {:?} (not counting pauses), yet lost: everysec promises it was fsynced",
                        w.id, quiet, b.at
                    ));
                }
            }
        }
    }

    // (d) the model: every snapshot's state, every acknowledged reply on its path.
    for s in &h.snapshots {
        let mut state: Vec<State> = vec![None; h.keys];
        for (i, id) in s.journal.iter().enumerate() {
            let w = by_id[id.as_str()];
            let output = if w.position.is_some() {
                w.output.clone()
            } else {
                Output::Unknown
            };
            match step(&state[w.key], &w.input, &output) {
                Some(next) => state[w.key] = next,
                None => {
                    return Err(format!(
                        "{} ({:?} key:{}) answered {:?} at position {}, but the model answers otherwise after the writes before it",
                        w.id,
                        w.input,
                        w.key,
                        w.output,
                        i + 1
                    ));
                }
            }
        }
        if state != s.values {
            let key = (0..h.keys).find(|&k| state[k] != s.values[k]).unwrap_or(0);
            return Err(format!(
                "the snapshot at {:?} shows key:{key} = {:?}, but its journal of {} writes gives {:?}",
                s.completed,
                s.values[key].as_deref().map(String::from_utf8_lossy),
                s.journal.len(),
                state[key].as_deref().map(String::from_utf8_lossy),
            ));
        }
    }

    // (e) per key and epoch, linearizability from the recovered state.
    for (j, &k) in recovered.iter().enumerate() {
        let Some(k) = k else {
            // No snapshot in this epoch: nothing was observed of its start.
            continue;
        };
        let Some(s) = h.snapshots.iter().find(|s| s.epoch == j) else {
            continue;
        };
        let mut initial: Vec<State> = vec![None; h.keys];
        for id in &s.journal[..k as usize] {
            let w = by_id[id.as_str()];
            initial[w.key] = step(&initial[w.key], &w.input, &Output::Unknown).expect("total");
        }
        let end = h.boundaries.get(j).map(|b| b.at).unwrap_or(Duration::MAX);
        for (key, start) in initial.iter().enumerate() {
            let mut ops: Vec<Op> = Vec::new();
            for w in h.writes.iter().filter(|w| w.epoch == j && w.key == key) {
                ops.push(Op {
                    client: 0,
                    input: w.input.clone(),
                    output: w.output.clone(),
                    invoked: w.invoked,
                    completed: w.completed,
                });
            }
            for (_, _, op) in h.reads.iter().filter(|(k, e, _)| *k == key && *e == j) {
                ops.push(op.clone());
            }
            for s in h.snapshots.iter().filter(|s| s.epoch == j) {
                ops.push(Op {
                    client: 0,
                    input: Input::Get,
                    output: Output::Value(s.values[key].clone()),
                    invoked: s.invoked,
                    completed: Some(s.completed),
                });
            }
            for op in &mut ops {
                if op.completed.is_some_and(|c| c >= end) {
                    op.completed = None;
                    op.output = Output::Unknown;
                }
            }
            if let Err(why) = linearizable::check(&ops, start.clone()) {
                return Err(format!("key:{key} epoch {j}: {why}"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn set(id: &str, key: usize, epoch: usize, at: u64, position: Option<u64>) -> Write {
        Write {
            id: id.into(),
            key,
            input: Input::Set(id.as_bytes().to_vec()),
            epoch,
            invoked: ms(at),
            completed: position.map(|_| ms(at + 1)),
            output: if position.is_some() {
                Output::Ok
            } else {
                Output::Unknown
            },
            position,
        }
    }

    fn snap(epoch: usize, at: u64, journal: &[&str], values: &[Option<&str>]) -> Snapshot {
        Snapshot {
            epoch,
            invoked: ms(at),
            completed: ms(at + 1),
            journal: journal.iter().map(|s| s.to_string()).collect(),
            values: values
                .iter()
                .map(|v| v.map(|s| s.as_bytes().to_vec()))
                .collect(),
        }
    }

    fn crash(at: u64, durable_records: u64) -> Boundary {
        Boundary {
            at: ms(at),
            crash: true,
            durable_records,
            damaged: false,
        }
    }

    /// a, b, c acknowledged at 1, 2, 3; the crash at 100 ms keeps a prefix of them.
    fn history(after: Snapshot) -> History {
        History {
            keys: 2,
            writes: vec![
                set("a", 0, 0, 10, Some(1)),
                set("b", 1, 0, 20, Some(2)),
                set("c", 0, 0, 30, Some(3)),
                set("d", 1, 0, 40, None),
            ],
            reads: vec![],
            snapshots: vec![after],
            boundaries: vec![crash(100, 1)],
            pauses: vec![],
            durable_after: Duration::from_secs(2),
        }
    }

    #[test]
    fn accepts_any_durable_prefix() {
        assert_eq!(
            check(&history(snap(1, 200, &["a"], &[Some("a"), None]))),
            Ok(())
        );
        assert_eq!(
            check(&history(snap(1, 200, &["a", "b"], &[Some("a"), Some("b")]))),
            Ok(())
        );
        // An unknown write may have taken effect, at a free position.
        assert_eq!(
            check(&history(snap(
                1,
                200,
                &["a", "b", "c", "d"],
                &[Some("c"), Some("d")]
            ))),
            Ok(())
        );
    }

    #[test]
    fn rejects_a_hole() {
        let why = check(&history(snap(1, 200, &["a", "c"], &[Some("c"), None]))).unwrap_err();
        assert!(why.contains("hole"), "{why}");
    }

    #[test]
    fn rejects_a_write_applied_twice_or_never_sent() {
        let twice = snap(1, 200, &["a", "a"], &[Some("a"), None]);
        assert!(check(&history(twice)).unwrap_err().contains("twice"));
        let invented = snap(1, 200, &["a", "zz"], &[Some("a"), None]);
        assert!(
            check(&history(invented))
                .unwrap_err()
                .contains("never sent")
        );
    }

    #[test]
    fn rejects_a_state_the_journal_does_not_give() {
        let wrong = snap(1, 200, &["a", "b"], &[Some("a"), None]);
        assert!(check(&history(wrong)).unwrap_err().contains("gives"));
    }

    #[test]
    fn rejects_losing_durable_or_old_writes() {
        let lost = snap(1, 200, &[], &[None, None]);
        assert!(check(&history(lost)).unwrap_err().contains("durable"));
        let mut h = history(snap(1, 5_000, &["a"], &[Some("a"), None]));
        h.boundaries[0].at = ms(4_000);
        assert!(check(&h).unwrap_err().contains("everysec"));
        // Pauses do not count: the writer could not run.
        h.pauses = vec![(ms(100), ms(3_000))];
        assert_eq!(check(&h), Ok(()));
        // A damaging disk fault lifts the durability checks, not the prefix ones.
        h.pauses.clear();
        h.boundaries[0].damaged = true;
        assert_eq!(check(&h), Ok(()));
    }

    #[test]
    fn rejects_a_log_order_against_real_time() {
        let mut h = history(snap(1, 200, &["a"], &[Some("a"), None]));
        h.writes[1].position = Some(4);
        h.writes[3].position = Some(2);
        h.writes[3].completed = Some(ms(41));
        h.writes[3].output = Output::Ok;
        let why = check(&h).unwrap_err();
        assert!(why.contains("acknowledged before"), "{why}");
    }

    #[test]
    fn rejects_a_stale_read_within_an_epoch() {
        let mut h = history(snap(1, 200, &["a"], &[Some("a"), None]));
        h.reads.push((
            0,
            0,
            Op {
                client: 1,
                input: Input::Get,
                output: Output::Value(Some(b"a".to_vec())),
                invoked: ms(50),
                completed: Some(ms(51)),
            },
        ));
        h.snapshots.insert(0, snap(0, 5, &[], &[None, None]));
        let why = check(&h).unwrap_err();
        assert!(why.contains("key:0 epoch 0"), "{why}");
    }
}
