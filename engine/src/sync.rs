//! The synchronisation types of the engine's hand-written concurrent structures — the
//! keyspace's shard locks (`keyspace/mod.rs`) and the append-only log's group-commit state
//! (`aof/mod.rs`): std's (and futures') normally, loom's under `--cfg loom`, so that the loom
//! tests in `engine/tests/loom_*.rs` explore every interleaving of the real code rather than a
//! copy of it. Only those structures use this module; counters that are not part of a
//! protocol keep std's atomics.

#[cfg(not(loom))]
pub use futures_util::task::AtomicWaker;
#[cfg(not(loom))]
pub use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64};
#[cfg(not(loom))]
pub use std::sync::{Mutex, MutexGuard};

#[cfg(loom)]
pub use loom::sync::atomic::{AtomicBool, AtomicU8, AtomicU64};
#[cfg(loom)]
pub use loom::sync::{Mutex, MutexGuard};

/// loom's waker cell behind the futures `AtomicWaker` interface the engine uses.
#[cfg(loom)]
#[derive(Debug, Default)]
pub struct AtomicWaker(loom::future::AtomicWaker);

#[cfg(loom)]
impl AtomicWaker {
    pub fn new() -> AtomicWaker {
        AtomicWaker::default()
    }

    pub fn register(&self, waker: &std::task::Waker) {
        self.0.register_by_ref(waker);
    }

    pub fn wake(&self) {
        self.0.wake();
    }
}
