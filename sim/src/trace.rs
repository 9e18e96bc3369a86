//! The trace of a run: a hash over every observable event (delivered bytes, disk operations,
//! timer firings, faults, client replies), and optionally the events themselves. Two runs of
//! the same seed on the same build must produce the same hash; that is the determinism check.

use std::fmt::Write as _;
use std::time::Duration;

/// FNV-1a, 64-bit: simple, fast, and stable across platforms and builds.
#[derive(Clone, Debug)]
pub struct Trace {
    hash: u64,
    events: u64,
    log: Option<Vec<String>>,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

impl Trace {
    pub fn new(keep_log: bool) -> Trace {
        Trace {
            hash: FNV_OFFSET,
            events: 0,
            log: keep_log.then(Vec::new),
        }
    }

    fn mix(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.hash ^= b as u64;
            self.hash = self.hash.wrapping_mul(FNV_PRIME);
        }
    }

    /// Records one event: its time, a short kind, and its details (hashed; logged if kept).
    pub fn record(&mut self, now: Duration, kind: &str, detail: &[u8]) {
        self.events += 1;
        self.mix(&(now.as_nanos() as u64).to_le_bytes());
        self.mix(kind.as_bytes());
        self.mix(&(detail.len() as u64).to_le_bytes());
        self.mix(detail);
        if let Some(log) = &mut self.log {
            let mut line = format!("{:>12.6}s {kind:<14}", now.as_secs_f64());
            let shown = &detail[..detail.len().min(96)];
            for &b in shown {
                if b.is_ascii_graphic() || b == b' ' {
                    line.push(b as char);
                } else {
                    let _ = write!(line, "\\x{b:02x}");
                }
            }
            if detail.len() > shown.len() {
                let _ = write!(line, "... ({} bytes)", detail.len());
            }
            log.push(line);
        }
    }

    pub fn hash(&self) -> u64 {
        self.hash
    }

    pub fn events(&self) -> u64 {
        self.events
    }

    pub fn take_log(&mut self) -> Vec<String> {
        self.log.as_mut().map(std::mem::take).unwrap_or_default()
    }
}
