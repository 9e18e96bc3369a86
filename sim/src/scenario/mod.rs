//! Scenarios: a workload, a fault schedule and a checker, run from one seed.
//!
//! Every scenario is a function of (seed, options) returning an [`Outcome`]: pass or the first
//! failure, the trace hash, and the faults that fired. The registry in [`SCENARIOS`] is what
//! `ferrite-sim list` prints. To add one, write a module with a `run` function and add a row.

pub mod io_conformance;
pub mod nemesis;
pub mod pubsub;
pub mod single_node;
pub mod single_node_everysec;

use std::time::Duration;

use crate::faults::FaultCounts;

/// Options common to every scenario.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Keep the event log (for `--trace`).
    pub trace: bool,
    /// Planted bugs to switch on (needs the `planted-bugs` feature), by name.
    pub planted: Vec<String>,
}

/// The result of one run.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub scenario: &'static str,
    pub seed: u64,
    pub trace_hash: u64,
    pub events: u64,
    pub virtual_time: Duration,
    pub faults: FaultCounts,
    /// `None` if every checker passed.
    pub failure: Option<String>,
    /// Operations the workload completed (for throughput figures).
    pub ops: u64,
    pub log: Vec<String>,
}

impl Outcome {
    pub fn replay_command(&self) -> String {
        format!(
            "ferrite-sim run --scenario {} --seed {}",
            self.scenario, self.seed
        )
    }

    pub fn summary(&self) -> String {
        let status = match &self.failure {
            None => "PASS".to_string(),
            Some(why) => format!("FAIL: {why}"),
        };
        format!(
            "scenario={} seed={} trace={:016x} events={} virtual={:.3}s ops={} faults=[{}] {}",
            self.scenario,
            self.seed,
            self.trace_hash,
            self.events,
            self.virtual_time.as_secs_f64(),
            self.ops,
            self.faults,
            status
        )
    }
}

pub struct Scenario {
    pub name: &'static str,
    pub about: &'static str,
    pub run: fn(u64, &RunOptions) -> Outcome,
}

pub static SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "io-conformance",
        about: "the I/O conformance suite (the one the tokio backend passes) on the simulated I/O",
        run: io_conformance::run,
    },
    Scenario {
        name: "single-node",
        about: "concurrent clients on one real node under network faults, pauses, clock jumps and \
                crash-restarts (no persistence yet: a crash empties the node); per-key \
                linearizability of every history, liveness after the faults stop",
        run: single_node::run,
    },
    Scenario {
        name: "single-node-aof",
        about: "single-node with `appendonly yes`, `appendfsync always` on a faulty disk (lost \
                unsynced writes, torn writes, EIO, ENOSPC, bit flips): every key's whole history, \
                across crashes and restarts, must be linearizable (no acknowledged write lost)",
        run: single_node::run_aof,
    },
    Scenario {
        name: "single-node-aof-everysec",
        about: "single-node with `appendfsync everysec` on a faulty disk that also misdirects and \
                loses writes, with journaled write transactions and snapshots: what a crash \
                keeps is a prefix of the log (no holes, nothing invented), holding every durable \
                record and every write acknowledged over 2 s before; snapshots equal the model; \
                per-key linearizability between crashes",
        run: single_node_everysec::run,
    },
    Scenario {
        name: "pubsub",
        about: "subscribers and publishers on one node under network faults, pauses, clock \
                jumps and crash-restarts: a live subscription gets every message published \
                after its acknowledgement, once, in each publisher connection's order, and \
                nothing else; PUBLISH's receiver counts are consistent",
        run: pubsub::run,
    },
];

pub fn find(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}

/// Switches on the planted bugs named (see `ferrite_engine::planted`). Without the
/// `planted-bugs` feature there is nothing to switch on, and naming one is an error.
pub fn plant(names: &[String]) {
    #[cfg(feature = "planted-bugs")]
    ferrite_engine::planted::set(names);
    #[cfg(not(feature = "planted-bugs"))]
    assert!(
        names.is_empty(),
        "planted bugs need the `planted-bugs` feature: cargo run -p ferrite-sim --features planted-bugs"
    );
}
