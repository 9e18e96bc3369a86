//! Concurrent clients on one real Ferrite node, with faults, checked for per-key
//! linearizability and for liveness once the faults stop.
//!
//! Workload: each client runs GET/SET/DEL/INCR on a few shared keys, with unique written values,
//! a timeout per call, and reconnects after errors. Faults (drawn per seed, swarm style):
//! network latency, drops, duplicates, reorders and resets; partitions between a client and the
//! node; node pauses; wall-clock jumps; and node crash-restarts. There is no persistence yet, so
//! a crash empties the node: the history is split into epochs at each crash and each epoch is
//! checked from an empty state.
//!
//! The `single-node-aof` variant runs the node with `appendonly yes` and `appendfsync always`
//! on a disk that loses unsynced writes at a crash, tears writes, fails with EIO and ENOSPC
//! and flips bits on read. There a crash must lose nothing acknowledged (and show nothing that
//! was never acknowledged to have happened in an impossible order), so the whole history of
//! each key, across every crash and restart, must be linearizable. A node that stops on a disk
//! error is restarted by its supervisor, like a service manager would.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferrite_engine::config::Config;
use ferrite_io::Io;
use ferrite_server::{Host, Node};
use futures_util::future::{Either, select};

use super::io_conformance::panic_message;
use super::{Outcome, RunOptions};
use crate::checker::linearizable::{self, Input, Op, Output};
use crate::client::{Client, Reply};
use crate::faults::Faults;
use crate::io::SimIo;
use crate::rng::Rng;
use crate::world::{HostId, Sim, Stop};

pub(crate) const NODE_PORT: u16 = 6379;
pub(crate) const CALL_TIMEOUT: Duration = Duration::from_secs(2);
/// Operations each client must complete after the faults stop (liveness).
pub(crate) const OPS_AFTER_FAULTS: usize = 5;
/// How long after the faults stop the clients have to show progress.
pub(crate) const LIVENESS_WINDOW: Duration = Duration::from_secs(30);

/// What one seed runs: drawn from the seed, so rare combinations come up across seeds.
#[derive(Debug)]
pub(crate) struct Plan {
    pub clients: usize,
    pub keys: usize,
    pub ops_per_client: usize,
    pub fault_phase: Duration,
    pub crashes: bool,
    pub pauses: bool,
    pub partitions: bool,
    pub clock_jumps: bool,
}

impl Plan {
    pub(crate) fn draw(rng: &mut Rng) -> Plan {
        Plan {
            clients: rng.range(2, 6) as usize,
            keys: rng.range(1, 4) as usize,
            ops_per_client: rng.range(30, 120) as usize,
            fault_phase: Duration::from_millis(rng.range(500, 5_000)),
            crashes: rng.chance(0.4),
            pauses: rng.chance(0.5),
            partitions: rng.chance(0.4),
            clock_jumps: rng.chance(0.3),
        }
    }
}

/// Everything the tasks record, shared with the checker.
#[derive(Default)]
struct Record {
    /// (key index, operation)
    ops: Vec<(usize, Op)>,
    crash_times: Vec<Duration>,
    fault_end: Option<Duration>,
    /// Operations completed per client after the faults stopped.
    after_faults: Vec<usize>,
    node_boot_errors: Vec<String>,
}

/// Whether the node keeps its data across crashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persistence {
    None,
    AofAlways,
}

/// Starts the node on `node`, and (like a service manager) starts it again whenever it stops
/// by itself — after a disk error, say. A crash kills this task too; the nemesis boots anew.
fn boot(sim: &Sim, node: HostId, persistence: Persistence, record: Arc<Mutex<Record>>) {
    let io = sim.io(node);
    let ip = sim.world().hosts[node].ip;
    sim.spawn_on(node, async move {
        loop {
            let mut config = Config {
                bind: vec![format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3])],
                port: NODE_PORT,
                // No snapshot rules: a failed save would refuse writes (MISCONF), which this
                // scenario's checker does not model.
                save: Vec::new(),
                // Small logs rewrite themselves often (base snapshot + new log, two manifest swaps),
                // so crashes and disk faults land inside rewrites too.
                auto_aof_rewrite_min_size: 4096,
                ..Config::default()
            };
            if persistence == Persistence::AofAlways {
                config.dir = "data".into();
                config.appendonly = true;
                config.appendfsync = ferrite_engine::aof::Fsync::Always;
            }
            let host = Host {
                used_memory: || 0,
                process_id: 1,
            };
            match Node::bind(io.clone(), config, host).await {
                Ok(node) => {
                    node.run().await;
                }
                Err(error) => {
                    let mut r = record.lock().unwrap();
                    // Disk faults can stop a start; a failure once they have stopped is a bug.
                    if r.fault_end.is_some() {
                        r.node_boot_errors.push(error.to_string());
                        return;
                    }
                }
            }
            io.sleep(Duration::from_millis(100)).await;
        }
    });
}

pub(crate) async fn with_timeout<T>(
    io: &SimIo,
    timeout: Duration,
    future: impl std::future::Future<Output = T> + Send,
) -> Option<T> {
    match select(Box::pin(future), Box::pin(io.sleep(timeout))).await {
        Either::Left((value, _)) => Some(value),
        Either::Right(_) => None,
    }
}

pub(crate) fn to_output(input: &Input, reply: &Reply) -> Output {
    match (input, reply) {
        (Input::Get, Reply::Bulk(value)) => Output::Value(value.clone()),
        (Input::Set(_), Reply::Status(s)) if s == "OK" => Output::Ok,
        (Input::Del | Input::Incr, Reply::Int(n)) => Output::Int(*n),
        (Input::Incr, Reply::Error(e)) if e.starts_with("ERR value is not an integer") => {
            Output::Error
        }
        // Anything else is a wrong answer: make it one the model can never produce.
        (_, other) => Output::Value(Some(format!("unexpected reply {other:?}").into_bytes())),
    }
}

#[allow(clippy::too_many_arguments)]
async fn client(
    io: SimIo,
    id: usize,
    node_addr: String,
    plan_keys: usize,
    ops_target: usize,
    seed: u64,
    record: Arc<Mutex<Record>>,
    finished: Arc<AtomicUsize>,
) {
    let mut rng = Rng::new(seed);
    let mut conn: Option<Client<crate::io::SimStream>> = None;
    let mut done = 0;
    let mut written = 0u64;
    loop {
        let (fault_end, after) = {
            let r = record.lock().unwrap();
            (r.fault_end, r.after_faults[id])
        };
        if done >= ops_target && after >= OPS_AFTER_FAULTS {
            break;
        }
        if fault_end.is_some_and(|end| io.monotonic() > end + LIVENESS_WINDOW) {
            break; // the checker reports the missing progress
        }
        if done >= ops_target && fault_end.is_none() {
            // Keep histories small enough to check: wait for the faults to stop, then show
            // liveness with a few more operations.
            io.sleep(Duration::from_millis(20)).await;
            continue;
        }
        if conn.is_none() {
            match with_timeout(&io, CALL_TIMEOUT, io.connect(&node_addr)).await {
                Some(Ok(stream)) => conn = Some(Client::new(stream)),
                _ => {
                    io.sleep(Duration::from_millis(50)).await;
                    continue;
                }
            }
        }
        let key_index = rng.below(plan_keys as u64) as usize;
        let key = format!("key:{key_index}");
        let input = match rng.below(100) {
            0..=39 => Input::Get,
            40..=74 => {
                written += 1;
                Input::Set(format!("c{id}-{written}").into_bytes())
            }
            75..=84 => Input::Del,
            _ => Input::Incr,
        };
        let args: Vec<&[u8]> = match &input {
            Input::Get => vec![b"GET", key.as_bytes()],
            Input::Set(v) => vec![b"SET", key.as_bytes(), v],
            Input::Del => vec![b"DEL", key.as_bytes()],
            Input::Incr => vec![b"INCR", key.as_bytes()],
        };
        let invoked = io.monotonic();
        let client = conn.as_mut().expect("connected above");
        let output = match with_timeout(&io, CALL_TIMEOUT, client.call(&args)).await {
            // The node is still loading its data: the command did not run. Retry later, as
            // clients do.
            Some(Ok(Reply::Error(e))) if e.starts_with("LOADING ") => {
                io.sleep(Duration::from_millis(20)).await;
                continue;
            }
            Some(Ok(reply)) => to_output(&input, &reply),
            _ => {
                conn = None;
                Output::Unknown
            }
        };
        let completed = (output != Output::Unknown).then(|| io.monotonic());
        let mut r = record.lock().unwrap();
        if completed.is_some() {
            done += 1;
            if r.fault_end.is_some_and(|end| invoked >= end) {
                r.after_faults[id] += 1;
            }
        }
        r.ops.push((
            key_index,
            Op {
                client: id,
                input,
                output,
                invoked,
                completed,
            },
        ));
    }
    finished.fetch_add(1, Ordering::SeqCst);
}

#[allow(clippy::too_many_arguments)]
async fn nemesis(
    sim: Sim,
    io: SimIo,
    node: HostId,
    persistence: Persistence,
    clients: Vec<HostId>,
    plan_seed: u64,
    plan: Arc<Plan>,
    record: Arc<Mutex<Record>>,
) {
    let mut rng = Rng::new(plan_seed);
    let end = io.monotonic() + plan.fault_phase;
    while io.monotonic() < end {
        io.sleep(Duration::from_millis(rng.range(20, 400))).await;
        match rng.below(4) {
            0 if plan.pauses => sim.pause(node, Duration::from_millis(rng.range(10, 500))),
            1 if plan.crashes => {
                sim.crash(node);
                record.lock().unwrap().crash_times.push(io.monotonic());
                io.sleep(Duration::from_millis(rng.range(10, 300))).await;
                sim.restart(node);
                boot(&sim, node, persistence, record.clone());
            }
            2 if plan.partitions => {
                super::nemesis::partition_a_client(&sim, &io, &mut rng, node, &clients).await;
            }
            3 if plan.clock_jumps => super::nemesis::jump_clock(&sim, &mut rng, node),
            _ => {}
        }
    }
    super::nemesis::stop_faults(&sim);
    record.lock().unwrap().fault_end = Some(io.monotonic());
}

pub fn run(seed: u64, options: &RunOptions) -> Outcome {
    run_with(seed, options, Persistence::None, "single-node")
}

pub fn run_aof(seed: u64, options: &RunOptions) -> Outcome {
    run_with(seed, options, Persistence::AofAlways, "single-node-aof")
}

fn run_with(
    seed: u64,
    options: &RunOptions,
    persistence: Persistence,
    name: &'static str,
) -> Outcome {
    crate::scenario::plant(&options.planted);
    let mut rng = Rng::new(seed ^ 0x51_6E_61_64_65);
    let plan = Arc::new(Plan::draw(&mut rng));
    let mut faults = Faults::swarm(&mut rng);
    if persistence == Persistence::None {
        // No disk in use: disk faults are for the persistence variant.
        faults.disk_eio = 0.0;
        faults.disk_bitflip = 0.0;
        faults.disk_capacity = u64::MAX;
    }
    let sim = Sim::new(seed, faults, options.trace);
    let node = sim.add_host("node");
    let client_hosts: Vec<HostId> = (0..plan.clients)
        .map(|i| sim.add_host(&format!("client{i}")))
        .collect();
    let control = sim.add_host("nemesis");
    let node_ip = sim.world().hosts[node].ip;
    let node_addr = format!(
        "{}.{}.{}.{}:{NODE_PORT}",
        node_ip[0], node_ip[1], node_ip[2], node_ip[3]
    );
    let record = Arc::new(Mutex::new(Record {
        after_faults: vec![0; plan.clients],
        ..Record::default()
    }));
    let finished = Arc::new(AtomicUsize::new(0));

    boot(&sim, node, persistence, record.clone());
    for (id, &host) in client_hosts.iter().enumerate() {
        let io = sim.io(host);
        let client_seed = rng.next_u64();
        sim.spawn_on(
            host,
            client(
                io,
                id,
                node_addr.clone(),
                plan.keys,
                plan.ops_per_client,
                client_seed,
                record.clone(),
                finished.clone(),
            ),
        );
    }
    sim.spawn_on(
        control,
        nemesis(
            sim.clone(),
            sim.io(control),
            node,
            persistence,
            client_hosts.clone(),
            rng.next_u64(),
            plan.clone(),
            record.clone(),
        ),
    );

    let limit = plan.fault_phase + LIVENESS_WINDOW * 2;
    let clients = plan.clients;
    let stop = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        sim.run(limit, || finished.load(Ordering::SeqCst) == clients)
    }));

    let failure = match stop {
        Err(panic) => Some(format!("panic: {}", panic_message(&panic))),
        Ok(stop) => check(&record.lock().unwrap(), stop, &plan, persistence),
    };
    let r = record.lock().unwrap();
    let mut world = sim.world();
    Outcome {
        scenario: name,
        seed,
        trace_hash: world.trace.hash(),
        events: world.trace.events(),
        virtual_time: world.now,
        faults: world.counts.clone(),
        failure,
        ops: r
            .ops
            .iter()
            .filter(|(_, op)| op.completed.is_some())
            .count() as u64,
        log: world.trace.take_log(),
    }
}

fn check(record: &Record, stop: Stop, plan: &Plan, persistence: Persistence) -> Option<String> {
    if let Some(error) = record.node_boot_errors.first() {
        return Some(format!("the node failed to start: {error}"));
    }
    if stop != Stop::Done {
        let behind: Vec<usize> = (0..plan.clients)
            .filter(|&c| record.after_faults[c] < OPS_AFTER_FAULTS)
            .collect();
        return Some(format!(
            "liveness: clients {behind:?} completed fewer than {OPS_AFTER_FAULTS} operations within {LIVENESS_WINDOW:?} after the faults stopped ({stop:?})"
        ));
    }
    // Epoch boundaries: without persistence every crash empties the node; with the log
    // nothing acknowledged may be lost, so the whole history is one epoch.
    let mut bounds = if persistence == Persistence::None {
        record.crash_times.clone()
    } else {
        Vec::new()
    };
    bounds.sort();
    for key in 0..plan.keys {
        for epoch in 0..=bounds.len() {
            let start = if epoch == 0 {
                Duration::ZERO
            } else {
                bounds[epoch - 1]
            };
            let end = bounds.get(epoch).copied().unwrap_or(Duration::MAX);
            let ops: Vec<Op> = record
                .ops
                .iter()
                .filter(|(k, op)| *k == key && op.invoked >= start && op.invoked < end)
                .map(|(_, op)| {
                    let mut op = op.clone();
                    // A reply cannot come from a later epoch: anything still open at the crash
                    // has an unknown outcome in its own epoch.
                    if op.completed.is_some_and(|c| c >= end) {
                        op.completed = None;
                        op.output = Output::Unknown;
                    }
                    op
                })
                .collect();
            if let Err(why) = linearizable::check(&ops, None) {
                return Some(format!("key:{key} epoch {epoch}: {why}"));
            }
        }
    }
    None
}
