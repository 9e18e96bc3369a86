//! The deterministic simulator. It will implement `ferrite_io::Io` with a seeded single-threaded
//! executor, virtual clock, simulated network and disks with faults, and run the real node code
//! of `ferrite-server` under scenarios and checkers. See docs/ARCHITECTURE.md; the work is
//! tracked by the simulator issue. Nothing lives here yet, and nothing claims to.
