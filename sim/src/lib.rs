//! The deterministic simulator: many Ferrite nodes and clients in one thread, driven by one
//! seed, over a simulated network, disks and clocks that inject faults.
//!
//! - [`world`]: the world (clock, hosts, network, disks, trace) and its executor.
//! - [`io`]: `SimIo`, the `ferrite_io::Io` implementation the real node code runs on.
//! - [`net`], [`disk`]: the network and disk models, with their fault injection.
//! - [`scenario`]: workloads plus fault schedules plus checkers; [`checker`]: the checkers.
//!
//! A run is a pure function of (scenario, seed, build): it prints the seed, a hash of its whole
//! trace and the faults that fired, and `ferrite-sim run --scenario NAME --seed N` replays it.
// The simulator may use threads for `swarm` (one OS thread per core, each running its own
// seeds); everything inside one run is single-threaded and seeded.
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

pub mod checker;
pub mod client;
pub mod disk;
pub mod faults;
pub mod io;
pub mod net;
pub mod rng;
pub mod scenario;
pub mod trace;
pub mod world;

pub use faults::Faults;
pub use world::{HostId, Sim, Stop};
