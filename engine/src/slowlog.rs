//! The slow log: commands that took at least `slowlog-log-slower-than` microseconds, newest
//! first, at most `slowlog-max-len` of them (SLOWLOG GET, LEN, RESET).
//!
//! Durations come from the monotonic clock the driver hands the session (read before and
//! after the command), never from the OS: in the simulator they are simulated time. Entries
//! keep at most [`ARGS_MAX`] arguments of at most [`ARG_BYTES_MAX`] bytes each, as Redis does,
//! so a huge command costs the log a bounded amount of memory.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use bytes::Bytes;

/// Arguments kept per entry; the last kept one says how many more there were.
pub const ARGS_MAX: usize = 32;
/// Bytes kept per argument; the rest is summarised as "... (N more bytes)".
pub const ARG_BYTES_MAX: usize = 128;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: u64,
    /// Unix seconds when the command ran.
    pub time_s: u64,
    pub duration_us: u64,
    pub args: Vec<Bytes>,
    pub peer: String,
    pub name: Vec<u8>,
}

#[derive(Debug)]
pub struct SlowLog {
    entries: Mutex<VecDeque<Entry>>,
    next_id: AtomicU64,
    /// Hot copies of `slowlog-log-slower-than` and `slowlog-max-len`.
    threshold_us: AtomicI64,
    len_max: AtomicU64,
}

impl Default for SlowLog {
    fn default() -> SlowLog {
        SlowLog {
            entries: Mutex::new(VecDeque::new()),
            next_id: AtomicU64::new(0),
            threshold_us: AtomicI64::new(10_000),
            len_max: AtomicU64::new(128),
        }
    }
}

impl SlowLog {
    fn entries(&self) -> std::sync::MutexGuard<'_, VecDeque<Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn configure(&self, threshold_us: i64, len_max: u64) {
        self.threshold_us.store(threshold_us, Ordering::Relaxed);
        self.len_max.store(len_max, Ordering::Relaxed);
        let mut entries = self.entries();
        while entries.len() as u64 > len_max {
            entries.pop_back();
        }
    }

    /// True when a command that took `duration_us` belongs in the log.
    pub fn wants(&self, duration_us: u64) -> bool {
        let threshold = self.threshold_us.load(Ordering::Relaxed);
        threshold >= 0 && duration_us >= threshold as u64
    }

    /// Logs a command (call only when [`SlowLog::wants`] said so).
    pub fn record(&self, time_s: u64, duration_us: u64, args: &[Bytes], peer: &str, name: &[u8]) {
        let len_max = self.len_max.load(Ordering::Relaxed);
        let entry = Entry {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            time_s,
            duration_us,
            args: truncate_args(args),
            peer: peer.to_string(),
            name: name.to_vec(),
        };
        let mut entries = self.entries();
        entries.push_front(entry);
        while entries.len() as u64 > len_max {
            entries.pop_back();
        }
    }

    pub fn len(&self) -> usize {
        self.entries().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn reset(&self) {
        self.entries().clear();
    }

    /// The newest `count` entries (all when `None`).
    pub fn newest(&self, count: Option<usize>) -> Vec<Entry> {
        let entries = self.entries();
        let n = count.unwrap_or(entries.len()).min(entries.len());
        entries.iter().take(n).cloned().collect()
    }
}

/// Redis's shortening of a logged command: at most [`ARGS_MAX`] arguments, the last kept one
/// replaced by "... (N more arguments)" when some were dropped, and each argument cut to
/// [`ARG_BYTES_MAX`] bytes plus "... (N more bytes)".
pub fn truncate_args(args: &[Bytes]) -> Vec<Bytes> {
    let kept = args.len().min(ARGS_MAX);
    let mut out = Vec::with_capacity(kept);
    for (i, arg) in args.iter().take(kept).enumerate() {
        if kept != args.len() && i == kept - 1 {
            let more = args.len() - kept + 1;
            out.push(Bytes::from(format!("... ({more} more arguments)")));
        } else if arg.len() > ARG_BYTES_MAX {
            let mut cut = arg[..ARG_BYTES_MAX].to_vec();
            cut.extend_from_slice(
                format!("... ({} more bytes)", arg.len() - ARG_BYTES_MAX).as_bytes(),
            );
            out.push(Bytes::from(cut));
        } else {
            out.push(arg.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_commands_are_cut_as_redis_cuts_them() {
        let args: Vec<Bytes> = (0..40).map(|i| Bytes::from(i.to_string())).collect();
        let cut = truncate_args(&args);
        assert_eq!(cut.len(), 32);
        assert_eq!(cut[30], Bytes::from("30"));
        assert_eq!(cut[31], Bytes::from("... (9 more arguments)"));
        let long = vec![Bytes::from(vec![b'x'; 130])];
        let cut = truncate_args(&long);
        assert_eq!(cut[0].len(), 128 + "... (2 more bytes)".len());
        assert!(cut[0].ends_with(b"... (2 more bytes)"));
    }

    #[test]
    fn the_log_keeps_the_newest_entries() {
        let log = SlowLog::default();
        log.configure(0, 2);
        for i in 0..3 {
            assert!(log.wants(0));
            log.record(i, 5, &[Bytes::from("get")], "1.2.3.4:5", b"");
        }
        let ids: Vec<u64> = log.newest(None).iter().map(|e| e.id).collect();
        assert_eq!(ids, [2, 1]);
        log.configure(-1, 2);
        assert!(!log.wants(u64::MAX));
        log.reset();
        assert!(log.is_empty());
    }
}
