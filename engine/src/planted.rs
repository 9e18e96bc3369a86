//! Deliberate bugs, compiled only with the `planted-bugs` feature and switched on per run by
//! the simulator, to show that its checkers find real mistakes. A simulator that finds nothing
//! proves nothing.
//!
//! - `lost-write`: about one SET in 40 answers OK without storing anything.
//! - `stale-get`: about one GET in 40 answers the value the key had before its last SET.
//! - `ack-before-fsync`: under `appendfsync always`, replies go out without waiting for the
//!   fsync of their log record.
//! - `skip-dir-fsync`: the append-only directory is not fsynced after the log is created.
//! - `replay-twice`: every log record is applied twice at startup.
//! - `pubsub-drop`: about one message in 40 is counted as delivered but never sent.
//! - `everysec-no-fsync`: under `appendfsync everysec` the writer counts the log as synced
//!   without calling fsync.

use std::sync::atomic::{AtomicU32, Ordering};

pub const LOST_WRITE: u32 = 1 << 0;
pub const STALE_GET: u32 = 1 << 1;
pub const ACK_BEFORE_FSYNC: u32 = 1 << 2;
pub const SKIP_DIR_FSYNC: u32 = 1 << 3;
pub const REPLAY_TWICE: u32 = 1 << 4;
pub const EVERYSEC_NO_FSYNC: u32 = 1 << 5;
pub const PUBSUB_DROP: u32 = 1 << 6;

static ENABLED: AtomicU32 = AtomicU32::new(0);

/// The bugs by name, for `--plant`.
pub const NAMES: &[(&str, u32)] = &[
    ("lost-write", LOST_WRITE),
    ("stale-get", STALE_GET),
    ("ack-before-fsync", ACK_BEFORE_FSYNC),
    ("skip-dir-fsync", SKIP_DIR_FSYNC),
    ("replay-twice", REPLAY_TWICE),
    ("everysec-no-fsync", EVERYSEC_NO_FSYNC),
    ("pubsub-drop", PUBSUB_DROP),
];

/// Enables exactly the named bugs (process-wide). Panics on an unknown name.
pub fn set(names: &[String]) {
    let mut bits = 0;
    for name in names {
        let bit = NAMES
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("unknown planted bug {name}"))
            .1;
        bits |= bit;
    }
    ENABLED.store(bits, Ordering::SeqCst);
}

pub fn enabled(bug: u32) -> bool {
    ENABLED.load(Ordering::Relaxed) & bug != 0
}
