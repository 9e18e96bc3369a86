//! Fault probabilities and latencies for one run, and the counters that show which faults fired.
//! Swarm testing draws a different `Faults` per seed, so rare combinations get reached.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::rng::Rng;

/// Network, disk and clock fault settings. Probabilities are per operation.
#[derive(Clone, Debug)]
pub struct Faults {
    /// One-way delivery latency range for a TCP segment.
    pub net_latency_min: Duration,
    pub net_latency_max: Duration,
    /// A segment is "dropped" below TCP: it arrives after a retransmission timeout instead.
    pub net_drop: f64,
    /// A segment is duplicated below TCP: the receiver's TCP discards the copy.
    pub net_duplicate: f64,
    /// A segment is reordered below TCP: it is held back and TCP re-sequences it (extra delay).
    pub net_reorder: f64,
    /// A write resets the connection (both ends see ECONNRESET).
    pub net_reset: f64,
    /// Disk operation latency range.
    pub disk_latency_min: Duration,
    pub disk_latency_max: Duration,
    /// A write or fsync fails with EIO.
    pub disk_eio: f64,
    /// A read returns data with one bit flipped (checksums must catch it).
    pub disk_bitflip: f64,
    /// A write reaching the platter (at fsync or a crash) lands at another offset or in another
    /// file instead; reads from the page cache still show it where it belongs until a crash.
    pub disk_misdirect: f64,
    /// A write reaching the platter is silently not persisted (the fsync still succeeds).
    pub disk_lost_write: f64,
    /// Bytes a host's disk holds before writes fail with ENOSPC.
    pub disk_capacity: u64,
    /// Randomise the order in which ready tasks run.
    pub shuffle_tasks: bool,
}

impl Faults {
    /// No faults and a fixed small latency: the baseline a scenario starts from.
    pub fn none() -> Faults {
        Faults {
            net_latency_min: Duration::from_micros(50),
            net_latency_max: Duration::from_micros(50),
            net_drop: 0.0,
            net_duplicate: 0.0,
            net_reorder: 0.0,
            net_reset: 0.0,
            disk_latency_min: Duration::from_micros(10),
            disk_latency_max: Duration::from_micros(10),
            disk_eio: 0.0,
            disk_bitflip: 0.0,
            disk_misdirect: 0.0,
            disk_lost_write: 0.0,
            disk_capacity: u64::MAX,
            shuffle_tasks: false,
        }
    }

    /// A random mix for swarm testing: each fault is on or off, and its rate drawn, per seed.
    pub fn swarm(rng: &mut Rng) -> Faults {
        let mut pick = |on: f64, max: f64| {
            if rng.chance(on) {
                rng.unit() * max
            } else {
                0.0
            }
        };
        let net_drop = pick(0.5, 0.05);
        let net_duplicate = pick(0.3, 0.05);
        let net_reorder = pick(0.3, 0.05);
        let net_reset = pick(0.3, 0.002);
        let disk_eio = pick(0.2, 0.01);
        let disk_bitflip = pick(0.2, 0.001);
        let latency_max_us = rng.range(20, 5_000);
        Faults {
            net_latency_min: Duration::from_micros(rng.range(10, latency_max_us)),
            net_latency_max: Duration::from_micros(latency_max_us),
            net_drop,
            net_duplicate,
            net_reorder,
            net_reset,
            disk_latency_min: Duration::from_micros(5),
            disk_latency_max: Duration::from_micros(rng.range(5, 2_000)),
            disk_eio,
            disk_bitflip,
            disk_misdirect: 0.0,
            disk_lost_write: 0.0,
            disk_capacity: if rng.chance(0.1) {
                rng.range(1 << 16, 1 << 24)
            } else {
                u64::MAX
            },
            shuffle_tasks: rng.chance(0.5),
        }
    }
}

impl Faults {
    /// Draws the faults that damage durable data (misdirected and lost writes), for the
    /// scenarios whose checkers can tell their legitimate outcomes (a refused start, a lost
    /// tail) from a bug. Drawn from their own generator so adding them does not change the
    /// other draws of a seed.
    pub fn swarm_damage(&mut self, rng: &mut Rng) {
        let mut pick = |on: f64, max: f64| {
            if rng.chance(on) {
                rng.unit() * max
            } else {
                0.0
            }
        };
        self.disk_misdirect = pick(0.15, 0.02);
        self.disk_lost_write = pick(0.15, 0.02);
    }
}

/// How many times each kind of fault fired in a run.
#[derive(Clone, Debug, Default)]
pub struct FaultCounts(pub BTreeMap<&'static str, u64>);

impl FaultCounts {
    pub fn bump(&mut self, kind: &'static str) {
        *self.0.entry(kind).or_default() += 1;
    }

    pub fn get(&self, kind: &str) -> u64 {
        self.0.get(kind).copied().unwrap_or(0)
    }
}

impl std::fmt::Display for FaultCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return write!(f, "none");
        }
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        write!(f, "{}", parts.join(" "))
    }
}
