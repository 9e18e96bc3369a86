//! CLIENT PAUSE / UNPAUSE: the server-wide pause. While it lasts, commands it covers are
//! parked by their session (the driver waits asynchronously for the end time or UNPAUSE,
//! no thread is blocked): every command in ALL mode; in WRITE mode the commands that may
//! change data or be replicated (`write`, `may_replicate`, EXEC of a transaction holding
//! one), and active expiry. Times are the driver's monotonic clock.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    Write,
    All,
}

#[derive(Debug, Default)]
pub struct Pause {
    /// The end (monotonic µs) and mode of the pause in force, if any.
    state: Mutex<Option<(u64, Mode)>>,
    /// Bumped by every change, so parked clients know to look again.
    generation: AtomicU64,
}

impl Pause {
    fn state(&self) -> std::sync::MutexGuard<'_, Option<(u64, Mode)>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Pauses until `end_mono_us`. As in Redis, a pause already in force is only extended
    /// and made stricter, never shortened or relaxed.
    pub fn pause(&self, end_mono_us: u64, mode: Mode) {
        let mut state = self.state();
        *state = Some(match *state {
            Some((end, old)) => (end.max(end_mono_us), old.max(mode)),
            None => (end_mono_us, mode),
        });
        self.generation.fetch_add(1, Ordering::Release);
    }

    pub fn unpause(&self) {
        *self.state() = None;
        self.generation.fetch_add(1, Ordering::Release);
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The pause in force at `now_mono_us`: its end and mode.
    pub fn active(&self, now_mono_us: u64) -> Option<(u64, Mode)> {
        let mut state = self.state();
        match *state {
            Some((end, _)) if end <= now_mono_us => {
                *state = None;
                None
            }
            other => other,
        }
    }

    /// True while writes (and active expiry) are paused.
    pub fn writes_paused(&self, now_mono_us: u64) -> bool {
        self.active(now_mono_us).is_some()
    }
}

/// Commands Redis marks `may_replicate` (not shown by COMMAND INFO): paused in WRITE mode
/// like writes. Redis runs a script that turns out not to write during a WRITE pause; here
/// every EVAL, EVALSHA and FCALL waits, the safe side of that.
pub fn may_replicate(name: &str) -> bool {
    matches!(
        name,
        "publish" | "spublish" | "pfcount" | "eval" | "evalsha" | "fcall"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_only_extend_and_tighten() {
        let pause = Pause::default();
        assert_eq!(pause.active(0), None);
        pause.pause(100, Mode::All);
        pause.pause(50, Mode::Write);
        assert_eq!(pause.active(10), Some((100, Mode::All)));
        assert_eq!(pause.active(100), None, "ended");
        pause.pause(200, Mode::Write);
        let seen = pause.generation();
        pause.unpause();
        assert_ne!(pause.generation(), seen);
        assert!(!pause.writes_paused(0));
    }
}
