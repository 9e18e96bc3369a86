//! `single-node-aof-everysec`: crash recovery under `appendfsync everysec`, where a crash may
//! lose the writes of about the last second, but only as a suffix of the log.
//!
//! Workload (see `checker::journal` for why it looks like this): clients run write
//! transactions `MULTI; SET|DEL|INCR key:i; RPUSH journal <op id>; EXEC`, plain GETs, and
//! snapshots `MULTI; LRANGE journal 0 -1; GET key:0 ...; EXEC` (the first operation on every
//! new connection, about one in ten after, and the last one of each client). Faults: the
//! single-node nemesis (crashes, pauses, partitions, clock jumps) and a faulty disk, including
//! misdirected and lost writes. A node that stops on a disk error exits and is started again
//! by its supervisor. A node that refuses to start on a log damaged by a misdirected or lost
//! write is a correct outcome (counted as `refused-damaged-log`); refusing otherwise is not.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferrite_engine::config::Config;
use ferrite_io::Io;
use ferrite_server::{Host, Node};

use super::io_conformance::panic_message;
use super::single_node::{
    CALL_TIMEOUT, LIVENESS_WINDOW, NODE_PORT, OPS_AFTER_FAULTS, Plan, to_output, with_timeout,
};
use super::{Outcome, RunOptions};
use crate::checker::journal::{self, Boundary, History, Snapshot, Write};
use crate::checker::linearizable::{Input, Op, Output};
use crate::client::{Client, Reply};
use crate::faults::Faults;
use crate::io::{SimIo, SimStream};
use crate::rng::Rng;
use crate::world::{HostId, Sim, Stop};

const NAME: &str = "single-node-aof-everysec";
/// Redis documents that `everysec` loses at most about two seconds of writes (the fsync runs
/// once a second, in the background); a write acknowledged longer ago than this before a
/// crash, with the node not paused, must survive it.
const EVERYSEC_LOSS_MAX: Duration = Duration::from_secs(2);
const LOG_DIR: &str = "data/appendonlydir";
const MANIFEST: &str = "appendonly.aof.manifest";

#[derive(Default)]
struct Record {
    history: History,
    /// The current epoch: bumped at every crash and every stop of the node.
    epoch: usize,
    fault_end: Option<Duration>,
    after_faults: Vec<usize>,
    node_boot_errors: Vec<String>,
    /// The node refused to start on a log damaged by a misdirected or lost write.
    refused: Option<String>,
    /// Replies no correct node gives.
    wrong_replies: Vec<String>,
}

fn damaged(sim: &Sim) -> bool {
    let world = sim.world();
    world.counts.get("disk-misdirected-write") + world.counts.get("disk-lost-write") > 0
}

/// Whether a start failed because the log or manifest is damaged (as opposed to a disk error
/// that a retry may not meet again).
fn is_corruption(message: &str) -> bool {
    [
        "Bad file format",
        "Bad manifest",
        "not a Ferrite append-only file",
        "reads back differently",
        "named by the manifest",
        "is corrupt",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// Writes durable on the disk: what a crash now cannot take away (only the crash model's
/// pending writes may add to it). The durable manifest names a base snapshot and incremental
/// logs; every write is one log record holding one journal RPUSH, so the count is the
/// journal's length in the base plus the complete records of the logs. The logs are walked
/// by their documented framing (`length:u32le check:u32le crc:u32le payload` after an 8-byte
/// header) rather than by the engine's reader under test; the base is an RDB file, read with
/// the engine's RDB loader (which its own tests check against redis-server's files).
fn durable_records(sim: &Sim, node: HostId) -> u64 {
    let world = sim.world();
    let disk = &world.hosts[node].disk;
    let dir = Path::new(LOG_DIR);
    let Some(manifest) = disk.durable_file(&dir.join(MANIFEST)) else {
        return 0;
    };
    let text = String::from_utf8_lossy(&manifest).into_owned();
    let mut total = 0;
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let ["file", name, "seq", _, "type", kind] = words.as_slice() else {
            continue;
        };
        let Some(data) = disk.durable_file(&dir.join(name)) else {
            continue;
        };
        total += match *kind {
            "b" => base_journal_len(&data),
            "i" => log_records(&data),
            _ => 0,
        };
    }
    total
}

fn log_records(log: &[u8]) -> u64 {
    let (mut at, mut records) = (8usize, 0u64);
    while at + 12 <= log.len() {
        let len = u32::from_le_bytes(log[at..at + 4].try_into().expect("4 bytes")) as usize;
        let end = at + 12 + len;
        if end > log.len() {
            break;
        }
        records += 1;
        at = end;
    }
    records
}

fn base_journal_len(rdb: &[u8]) -> u64 {
    let mut loader = ferrite_engine::rdb::Loader::new(ahash::RandomState::with_seeds(1, 2, 3, 4));
    loader.set_input_len(rdb.len() as u64);
    loader.feed(rdb);
    loader.end_input();
    while let Ok(Some(item)) = loader.next_item() {
        if let ferrite_engine::rdb::Item::Key(key) = item
            && key.db == 0
            && key.key == b"journal"
            && let ferrite_engine::keyspace::Value::List(list) = &key.entry.value
        {
            return list.len() as u64;
        }
    }
    0
}

/// Starts the node process on `node`. When it stops by itself (a disk error), the process
/// exits and, like a service manager would, this starts a new one. A crash kills it too;
/// the nemesis boots anew.
fn boot(sim: &Sim, node: HostId, record: Arc<Mutex<Record>>, delay: Duration) {
    let io = sim.io(node);
    let ip = sim.world().hosts[node].ip;
    let sim = sim.clone();
    sim.clone().spawn_named(node, "supervisor", async move {
        io.sleep(delay).await;
        let config = Config {
            bind: vec![format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3])],
            port: NODE_PORT,
            dir: "data".into(),
            appendonly: true,
            appendfsync: ferrite_engine::aof::Fsync::EverySec,
            // No snapshot rules: a failed save would refuse writes (MISCONF), which this
            // scenario's checker does not model.
            save: Vec::new(),
            // Small logs rewrite themselves often (base snapshot + new log, two manifest swaps),
            // so crashes and disk faults land inside rewrites too.
            auto_aof_rewrite_min_size: 4096,
            ..Config::default()
        };
        let host = Host {
            used_memory: || 0,
            process_id: 1,
        };
        match Node::bind(io.clone(), config, host).await {
            Ok(running) => {
                running.run().await;
                // The process exits: sessions of the old process must not answer for the
                // next one.
                let mut r = record.lock().unwrap();
                let at = io.monotonic();
                r.history.boundaries.push(Boundary {
                    at,
                    crash: false,
                    durable_records: 0,
                    damaged: false,
                });
                r.epoch += 1;
            }
            Err(error) => {
                let message = error.to_string();
                let mut r = record.lock().unwrap();
                if damaged(&sim) && is_corruption(&message) {
                    r.refused = Some(message);
                    sim.world().counts.bump("refused-damaged-log");
                    return;
                }
                // Disk faults can stop a start; a failure once they have stopped is a bug.
                if r.fault_end.is_some() {
                    r.node_boot_errors.push(message);
                    return;
                }
            }
        }
        sim.exit(node);
        boot(&sim, node, record, Duration::from_millis(100));
    });
}

enum Kind {
    Snapshot,
    Get,
    Write(Input),
}

async fn snapshot(client: &mut Client<SimStream>, keys: usize) -> std::io::Result<Reply> {
    let key_names: Vec<String> = (0..keys).map(|k| format!("key:{k}")).collect();
    let mut commands: Vec<Vec<&[u8]>> =
        vec![vec![b"MULTI"], vec![b"LRANGE", b"journal", b"0", b"-1"]];
    for key in &key_names {
        commands.push(vec![b"GET", key.as_bytes()]);
    }
    commands.push(vec![b"EXEC"]);
    let mut replies = client.call_many(&commands).await?;
    Ok(replies.pop().expect("one reply per command"))
}

/// A snapshot's journal and values.
type SnapshotReply = (Vec<String>, Vec<Option<Vec<u8>>>);

fn parse_snapshot(reply: Reply, keys: usize) -> Option<SnapshotReply> {
    let Reply::Array(Some(items)) = reply else {
        return None;
    };
    let mut items = items.into_iter();
    let Some(Reply::Array(Some(entries))) = items.next() else {
        return None;
    };
    let journal = entries
        .into_iter()
        .map(|e| match e {
            Reply::Bulk(Some(b)) => Some(String::from_utf8_lossy(&b).into_owned()),
            _ => None,
        })
        .collect::<Option<Vec<String>>>()?;
    let values = items
        .map(|v| match v {
            Reply::Bulk(value) => Some(value),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    (values.len() == keys).then_some((journal, values))
}

#[allow(clippy::too_many_arguments)]
async fn client(
    io: SimIo,
    id: usize,
    node_addr: String,
    keys: usize,
    ops_target: usize,
    seed: u64,
    record: Arc<Mutex<Record>>,
    finished: Arc<AtomicUsize>,
) {
    let mut rng = Rng::new(seed);
    let mut conn: Option<Client<SimStream>> = None;
    let mut done = 0;
    let mut written = 0u64;
    let mut fresh_connection = false;
    loop {
        let (fault_end, after) = {
            let r = record.lock().unwrap();
            (r.fault_end, r.after_faults[id])
        };
        let last = done >= ops_target && after >= OPS_AFTER_FAULTS;
        if last && after > OPS_AFTER_FAULTS {
            break; // the last operation, a snapshot, is done
        }
        if fault_end.is_some_and(|end| io.monotonic() > end + LIVENESS_WINDOW) {
            break; // the checker reports the missing progress
        }
        if done >= ops_target && fault_end.is_none() {
            io.sleep(Duration::from_millis(20)).await;
            continue;
        }
        if conn.is_none() {
            match with_timeout(&io, CALL_TIMEOUT, io.connect(&node_addr)).await {
                Some(Ok(stream)) => {
                    // A node still loading its log answers -LOADING (the command does not
                    // run): wait until it serves, as clients do, before the workload.
                    let mut client = Client::new(stream);
                    let mut ready = false;
                    loop {
                        match with_timeout(&io, CALL_TIMEOUT, client.call(&[&b"PING"[..]])).await {
                            Some(Ok(Reply::Error(e))) if e.starts_with("LOADING ") => {
                                io.sleep(Duration::from_millis(20)).await;
                            }
                            Some(Ok(_)) => {
                                ready = true;
                                break;
                            }
                            _ => break,
                        }
                    }
                    if !ready {
                        continue;
                    }
                    conn = Some(client);
                    fresh_connection = true;
                }
                _ => {
                    io.sleep(Duration::from_millis(50)).await;
                    continue;
                }
            }
        }
        let key = rng.below(keys as u64) as usize;
        let key_name = format!("key:{key}");
        let kind = if fresh_connection || last || rng.chance(0.1) {
            Kind::Snapshot
        } else {
            match rng.below(100) {
                0..=29 => Kind::Get,
                30..=74 => {
                    written += 1;
                    Kind::Write(Input::Set(format!("c{id}-{written}").into_bytes()))
                }
                75..=84 => Kind::Write(Input::Del),
                _ => Kind::Write(Input::Incr),
            }
        };
        let op_id = match &kind {
            Kind::Write(Input::Set(v)) => String::from_utf8_lossy(v).into_owned(),
            Kind::Write(_) => {
                written += 1;
                format!("c{id}-{written}")
            }
            _ => String::new(),
        };
        let (epoch, invoked) = (record.lock().unwrap().epoch, io.monotonic());
        let client = conn.as_mut().expect("connected above");
        let completed_ok = match kind {
            Kind::Snapshot => match with_timeout(&io, CALL_TIMEOUT, snapshot(client, keys)).await {
                Some(Ok(reply)) => {
                    let completed = io.monotonic();
                    let mut r = record.lock().unwrap();
                    match parse_snapshot(reply.clone(), keys) {
                        Some((journal, values)) => r.history.snapshots.push(Snapshot {
                            epoch,
                            invoked,
                            completed,
                            journal,
                            values,
                        }),
                        None => r.wrong_replies.push(format!("snapshot answered {reply:?}")),
                    }
                    fresh_connection = false;
                    true
                }
                _ => false,
            },
            Kind::Get => {
                let args: [&[u8]; 2] = [b"GET", key_name.as_bytes()];
                let reply = with_timeout(&io, CALL_TIMEOUT, client.call(&args)).await;
                let (output, completed) = match reply {
                    Some(Ok(reply)) => (to_output(&Input::Get, &reply), Some(io.monotonic())),
                    _ => (Output::Unknown, None),
                };
                record.lock().unwrap().history.reads.push((
                    key,
                    epoch,
                    Op {
                        client: id,
                        input: Input::Get,
                        output,
                        invoked,
                        completed,
                    },
                ));
                completed.is_some()
            }
            Kind::Write(input) => {
                let command: Vec<&[u8]> = match &input {
                    Input::Set(v) => vec![b"SET", key_name.as_bytes(), v],
                    Input::Del => vec![b"DEL", key_name.as_bytes()],
                    _ => vec![b"INCR", key_name.as_bytes()],
                };
                let commands = vec![
                    vec![&b"MULTI"[..]],
                    command,
                    vec![b"RPUSH", b"journal", op_id.as_bytes()],
                    vec![b"EXEC"],
                ];
                let reply = with_timeout(&io, CALL_TIMEOUT, client.call_many(&commands)).await;
                // Refused at queue time with -MISCONF (a log write is failing and being
                // retried): the transaction was discarded and nothing ran. Not a write at all;
                // the checker still flags it if it ever shows up in the journal.
                if let Some(Ok(replies)) = &reply
                    && replies
                        .iter()
                        .any(|r| matches!(r, Reply::Error(e) if e.starts_with("MISCONF ")))
                    && matches!(replies.last(), Some(Reply::Error(e)) if e.starts_with("EXECABORT "))
                {
                    io.sleep(Duration::from_millis(20)).await;
                    continue;
                }
                let mut r = record.lock().unwrap();
                let (output, position, completed) = match reply {
                    Some(Ok(mut replies)) => match replies.pop() {
                        Some(Reply::Array(Some(items)))
                            if items.len() == 2 && matches!(items[1], Reply::Int(p) if p > 0) =>
                        {
                            let Reply::Int(p) = items[1] else {
                                unreachable!("matched above")
                            };
                            (
                                to_output(&input, &items[0]),
                                Some(p as u64),
                                Some(io.monotonic()),
                            )
                        }
                        other => {
                            r.wrong_replies
                                .push(format!("{op_id}: EXEC answered {other:?}"));
                            (Output::Unknown, None, None)
                        }
                    },
                    _ => (Output::Unknown, None, None),
                };
                r.history.writes.push(Write {
                    id: op_id,
                    key,
                    input,
                    epoch,
                    invoked,
                    completed,
                    output,
                    position,
                });
                completed.is_some()
            }
        };
        if completed_ok {
            done += 1;
            let mut r = record.lock().unwrap();
            if r.fault_end.is_some_and(|end| invoked >= end) {
                r.after_faults[id] += 1;
            }
        } else {
            conn = None;
        }
    }
    finished.fetch_add(1, Ordering::SeqCst);
}

async fn nemesis(
    sim: Sim,
    io: SimIo,
    node: HostId,
    clients: Vec<HostId>,
    plan_seed: u64,
    plan: Arc<Plan>,
    record: Arc<Mutex<Record>>,
) {
    let mut rng = Rng::new(plan_seed);
    // Half the seeds leave longer gaps between faults, so writes live past the everysec
    // window before a crash (what the durability check needs to bite).
    let gap_max_ms = if rng.chance(0.5) { 400 } else { 1_500 };
    let end = io.monotonic() + plan.fault_phase;
    while io.monotonic() < end {
        io.sleep(Duration::from_millis(rng.range(20, gap_max_ms)))
            .await;
        match rng.below(4) {
            0 if plan.pauses => {
                let length = Duration::from_millis(rng.range(10, 500));
                let now = io.monotonic();
                record
                    .lock()
                    .unwrap()
                    .history
                    .pauses
                    .push((now, now + length));
                sim.pause(node, length);
            }
            1 if plan.crashes => {
                let durable = durable_records(&sim, node);
                sim.crash(node);
                let boundary = Boundary {
                    at: io.monotonic(),
                    crash: true,
                    durable_records: durable,
                    damaged: damaged(&sim),
                };
                {
                    let mut r = record.lock().unwrap();
                    r.history.boundaries.push(boundary);
                    r.epoch += 1;
                }
                io.sleep(Duration::from_millis(rng.range(10, 300))).await;
                sim.restart(node);
                boot(&sim, node, record.clone(), Duration::ZERO);
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
    crate::scenario::plant(&options.planted);
    let mut rng = Rng::new(seed ^ 0x65_76_65_72_79);
    let plan = Arc::new(Plan::draw(&mut rng));
    let mut faults = Faults::swarm(&mut rng);
    faults.swarm_damage(&mut rng);
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
        history: History {
            keys: plan.keys,
            durable_after: EVERYSEC_LOSS_MAX,
            ..History::default()
        },
        ..Record::default()
    }));
    let finished = Arc::new(AtomicUsize::new(0));

    boot(&sim, node, record.clone(), Duration::ZERO);
    for (id, &host) in client_hosts.iter().enumerate() {
        let client_seed = rng.next_u64();
        sim.spawn_on(
            host,
            client(
                sim.io(host),
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
            client_hosts.clone(),
            rng.next_u64(),
            plan.clone(),
            record.clone(),
        ),
    );

    let limit = plan.fault_phase + LIVENESS_WINDOW * 2;
    let clients = plan.clients;
    let stop = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        sim.run(limit, || {
            finished.load(Ordering::SeqCst) == clients || record.lock().unwrap().refused.is_some()
        })
    }));
    let failure = match stop {
        Err(panic) => Some(format!("panic: {}", panic_message(&panic))),
        Ok(stop) => check(&record.lock().unwrap(), stop, &plan),
    };
    let r = record.lock().unwrap();
    let mut world = sim.world();
    Outcome {
        scenario: NAME,
        seed,
        trace_hash: world.trace.hash(),
        events: world.trace.events(),
        virtual_time: world.now,
        faults: world.counts.clone(),
        failure,
        ops: (r
            .history
            .writes
            .iter()
            .filter(|w| w.completed.is_some())
            .count()
            + r.history
                .reads
                .iter()
                .filter(|(_, _, op)| op.completed.is_some())
                .count()
            + r.history.snapshots.len()) as u64,
        log: world.trace.take_log(),
    }
}

fn check(record: &Record, stop: Stop, plan: &Plan) -> Option<String> {
    if let Some(wrong) = record.wrong_replies.first() {
        return Some(format!("wrong reply: {wrong}"));
    }
    if let Some(error) = record.node_boot_errors.first() {
        return Some(format!("the node failed to start: {error}"));
    }
    if record.refused.is_none() && stop != Stop::Done {
        let behind: Vec<usize> = (0..plan.clients)
            .filter(|&c| record.after_faults[c] < OPS_AFTER_FAULTS)
            .collect();
        return Some(format!(
            "liveness: clients {behind:?} completed fewer than {OPS_AFTER_FAULTS} operations within {LIVENESS_WINDOW:?} after the faults stopped ({stop:?})"
        ));
    }
    journal::check(&record.history).err()
}
