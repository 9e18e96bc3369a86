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
pub mod latency;
pub mod ldouble;
pub mod monitor;
pub mod observe;
pub mod pause;
pub mod persist;
#[cfg(feature = "planted-bugs")]
pub mod planted;
pub mod pubsub;
pub mod rdb;
pub mod resp;
pub mod scripting;
pub mod session;
pub mod signal;
pub mod slowlog;
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

/// A second reading of the driver's monotonic clock (microseconds, the same origin as
/// [`Now::mono_us`]), for measuring how long a command took (SLOWLOG, LATENCY). The driver
/// hands one to each session: the OS clock in the server, simulated time in the simulator.
/// Without one, durations read as zero.
#[derive(Clone)]
pub struct MonoClock(pub std::sync::Arc<dyn Fn() -> u64 + Send + Sync>);

impl std::fmt::Debug for MonoClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MonoClock")
    }
}

impl Now {
    pub fn unix_ms(&self) -> u64 {
        self.unix_us / 1000
    }
}
