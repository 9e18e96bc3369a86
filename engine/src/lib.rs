//! Ferrite's engine: everything about Redis semantics, and nothing about the operating system.
//!
//! It owns the RESP codec, the command table, the keyspace and the value types, client
//! sessions and server-wide state. It never touches the OS: time comes in as arguments
//! ([`Now`]), randomness from seeds handed in, and bytes go in and out through buffers. The
//! `ferrite-server` crate drives it over real sockets; the simulator drives the same code over
//! simulated ones.
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

pub mod aof;
pub mod blocking;
pub mod client;
pub mod cmd;
pub mod command;
pub mod config;
pub mod engine;
pub mod evict;
pub mod glob;
pub mod keyspace;
pub mod ldouble;
pub mod persist;
#[cfg(feature = "planted-bugs")]
pub mod planted;
pub mod pubsub;
pub mod rdb;
pub mod resp;
pub mod scripting;
pub mod session;
pub mod signal;
pub mod sync;
#[cfg(test)]
pub mod testing;
pub mod tracking;
pub mod types;
pub mod util;

pub use engine::{Engine, EngineOptions};
pub use session::{Session, Step};

/// The time at which a command runs, read once per batch of commands by the driver.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Now {
    /// Wall clock, Unix microseconds (TIME, expiry).
    pub unix_us: u64,
    /// Monotonic clock, microseconds since the node started (idle times, uptime).
    pub mono_us: u64,
}

impl Now {
    pub fn unix_ms(&self) -> u64 {
        self.unix_us / 1000
    }
}
