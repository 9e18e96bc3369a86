//! The script gate: lets a running script exclude every other command without any other
//! thread ever blocking on a shard mutex the script holds.
//!
//! Why not just `lock_all`: a script may run for seconds (or forever, until SCRIPT KILL). A
//! client that blocked on a shard mutex the script holds would pin its worker thread for that
//! long; with as many workers as cores, a few such clients leave no thread to run SCRIPT KILL
//! or to answer BUSY. So every command passes this gate first, as a *reader*, and a script
//! enters as the one *writer*:
//!
//! - a reader announces itself (`readers += 1`) and then looks at `state`; a writer sets
//!   `state` and then waits for `readers` to drain. Both sides use sequentially consistent
//!   operations, so either the reader sees the writer (and backs out without touching a
//!   shard), or the writer sees the reader (and waits for it, holding nothing): no reader ever
//!   waits on a lock the script holds.
//! - a reader that backs out is *deferred*: its session parks the command and the driver
//!   waits for [`Gate::changed`] (the script ended, or crossed `busy-reply-threshold`), then
//!   retries it — or, once the script is past the threshold, answers BUSY.
//! - the writer's wait is a short spin: readers are commands already running, which finish
//!   without waiting for anything the writer holds (it holds nothing yet).

use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::task::{Poll, Waker};

/// No script is running.
const IDLE: u8 = 0;
/// A script holds the gate.
const RUNNING: u8 = 1;
/// A script holds the gate and has run past `busy-reply-threshold`.
const TIMED_OUT: u8 = 2;

#[derive(Debug, Default)]
pub struct Gate {
    state: AtomicU8,
    readers: AtomicUsize,
    /// Bumped on every state change; deferred sessions wait for it to move.
    generation: AtomicU64,
    waiters: Mutex<Vec<Waker>>,
}

/// What [`Gate::enter_reader`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// The command may run; call [`Gate::exit_reader`] when it is done.
    Entered,
    /// A script runs: park the command and wait for [`Gate::changed`].
    Deferred { timed_out: bool },
}

impl Gate {
    /// Announces a command that may lock shards.
    pub fn enter_reader(&self) -> Entry {
        self.readers.fetch_add(1, Ordering::SeqCst);
        let state = self.state.load(Ordering::SeqCst);
        if state == IDLE {
            return Entry::Entered;
        }
        self.readers.fetch_sub(1, Ordering::SeqCst);
        Entry::Deferred {
            timed_out: state == TIMED_OUT,
        }
    }

    pub fn exit_reader(&self) {
        let before = self.readers.fetch_sub(1, Ordering::SeqCst);
        assert!(before > 0, "gate reader exit without entry");
    }

    /// Takes the gate for a script, waiting for running commands to finish. `false` if another
    /// script holds it (the caller defers like a reader).
    pub fn enter_writer(&self) -> bool {
        if self
            .state
            .compare_exchange(IDLE, RUNNING, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            return false;
        }
        self.bump();
        while self.readers.load(Ordering::SeqCst) != 0 {
            std::hint::spin_loop();
            std::thread::yield_now();
        }
        true
    }

    /// Marks the running script as past `busy-reply-threshold`: deferred commands now get
    /// BUSY (and the few `allow_busy` ones run).
    pub fn mark_timed_out(&self) {
        if self
            .state
            .compare_exchange(RUNNING, TIMED_OUT, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            self.bump();
        }
    }

    pub fn exit_writer(&self) {
        let before = self.state.swap(IDLE, Ordering::SeqCst);
        assert!(before != IDLE, "gate writer exit without entry");
        self.bump();
    }

    /// True while a script holds the gate and has passed the threshold.
    pub fn timed_out(&self) -> bool {
        self.state.load(Ordering::SeqCst) == TIMED_OUT
    }

    /// True while a script holds the gate.
    pub fn held(&self) -> bool {
        self.state.load(Ordering::SeqCst) != IDLE
    }

    /// The current generation, to wait on with [`Gate::changed`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let waiters = std::mem::take(&mut *self.waiters.lock().unwrap_or_else(|p| p.into_inner()));
        for waker in waiters {
            waker.wake();
        }
    }

    /// Completes once the state has changed since generation `seen`.
    pub fn changed(&self, seen: u64) -> impl Future<Output = ()> + Send + '_ {
        std::future::poll_fn(move |cx| {
            if self.generation() != seen {
                return Poll::Ready(());
            }
            self.waiters
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(cx.waker().clone());
            if self.generation() != seen {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_defer_while_a_writer_holds_the_gate() {
        let gate = Gate::default();
        assert_eq!(gate.enter_reader(), Entry::Entered);
        gate.exit_reader();
        assert!(gate.enter_writer());
        assert!(!gate.enter_writer(), "one script at a time");
        assert_eq!(gate.enter_reader(), Entry::Deferred { timed_out: false });
        let seen = gate.generation();
        gate.mark_timed_out();
        assert_ne!(gate.generation(), seen);
        assert_eq!(gate.enter_reader(), Entry::Deferred { timed_out: true });
        gate.exit_writer();
        assert_eq!(gate.enter_reader(), Entry::Entered);
        gate.exit_reader();
        assert!(!gate.held());
    }
}
