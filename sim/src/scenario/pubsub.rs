//! `pubsub`: subscribers and publishers on one real node under network faults, pauses, clock
//! jumps and crash-restarts, checked by `checker::pubsub` for what Redis promises.
//!
//! Subscribers connect, SUBSCRIBE to a random set of channels and read what is pushed; a
//! reset, a crash or an unanswered SUBSCRIBE ends the connection (a "session") and they start
//! a new one. Publishers PUBLISH messages naming their connection and sequence number. Once
//! the faults stop, every publisher must publish again and every subscriber must get a new
//! subscription acknowledged (liveness); after the publishers finish, subscribers read for a
//! while longer, so that what a live session was promised has time to arrive.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferrite_engine::config::Config;
use ferrite_io::Io;
use ferrite_server::{Host, Node};

use super::io_conformance::panic_message;
use super::single_node::{
    CALL_TIMEOUT, LIVENESS_WINDOW, NODE_PORT, OPS_AFTER_FAULTS, with_timeout,
};
use super::{Outcome, RunOptions};
use crate::checker::pubsub::{self, Event, Publish, Session, payload};
use crate::client::{Client, Reply};
use crate::faults::Faults;
use crate::io::{SimIo, SimStream};
use crate::rng::Rng;
use crate::world::{HostId, Sim, Stop};

const NAME: &str = "pubsub";
/// How long subscribers keep reading after the last publisher finished.
const DRAIN: Duration = Duration::from_secs(3);
/// How often a subscriber waiting for messages looks at the clock.
const READ_SLICE: Duration = Duration::from_millis(200);

#[derive(Debug)]
struct Plan {
    subscribers: usize,
    publishers: usize,
    channels: usize,
    publishes: usize,
    fault_phase: Duration,
    crashes: bool,
    pauses: bool,
    partitions: bool,
    clock_jumps: bool,
}

impl Plan {
    fn draw(rng: &mut Rng) -> Plan {
        Plan {
            subscribers: rng.range(1, 4) as usize,
            publishers: rng.range(1, 3) as usize,
            channels: rng.range(1, 4) as usize,
            publishes: rng.range(20, 100) as usize,
            fault_phase: Duration::from_millis(rng.range(500, 5_000)),
            crashes: rng.chance(0.3),
            pauses: rng.chance(0.5),
            partitions: rng.chance(0.5),
            clock_jumps: rng.chance(0.3),
        }
    }
}

#[derive(Default)]
struct Record {
    publishes: Vec<Publish>,
    sessions: Vec<Session>,
    fault_end: Option<Duration>,
    /// Publishes completed per publisher after the faults stopped.
    published_after_faults: Vec<usize>,
    /// When subscribers stop reading (set once every publisher is done).
    stop_at: Option<Duration>,
    wrong_replies: Vec<String>,
}

fn boot(sim: &Sim, node: HostId) {
    let io = sim.io(node);
    let ip = sim.world().hosts[node].ip;
    sim.spawn_named(node, "supervisor", async move {
        let config = Config {
            bind: vec![format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3])],
            port: NODE_PORT,
            // No snapshot rules: a failed save would refuse writes (MISCONF), which this
            // scenario's checker does not model.
            save: Vec::new(),
            ..Config::default()
        };
        let host = Host {
            used_memory: || 0,
            process_id: 1,
        };
        // Without persistence nothing can stop a start but a bug: the checker sees liveness.
        if let Ok(node) = Node::bind(io, config, host).await {
            node.run().await;
        }
    });
}

fn bulk_text(reply: &Reply) -> Option<String> {
    match reply {
        Reply::Bulk(Some(b)) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    }
}

/// Reads one push: a subscribe acknowledgement or a message.
fn to_event(reply: &Reply, at: Duration) -> Option<Event> {
    let Reply::Array(Some(items)) = reply else {
        return None;
    };
    let kind = bulk_text(items.first()?)?;
    let channel: usize = bulk_text(items.get(1)?)?.strip_prefix("ch")?.parse().ok()?;
    match (kind.as_str(), items.get(2)?) {
        ("subscribe", Reply::Int(_)) if items.len() == 3 => Some(Event::Ack { channel, at }),
        ("message", Reply::Bulk(Some(payload))) if items.len() == 3 => Some(Event::Message {
            channel,
            payload: payload.clone(),
            at,
        }),
        _ => None,
    }
}

async fn subscriber(
    io: SimIo,
    id: usize,
    node_addr: String,
    channels: usize,
    seed: u64,
    record: Arc<Mutex<Record>>,
    finished: Arc<AtomicUsize>,
) {
    let mut rng = Rng::new(seed);
    'sessions: loop {
        if record
            .lock()
            .unwrap()
            .stop_at
            .is_some_and(|t| io.monotonic() >= t)
        {
            break;
        }
        let stream = match with_timeout(&io, CALL_TIMEOUT, io.connect(&node_addr)).await {
            Some(Ok(stream)) => stream,
            _ => {
                io.sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let mut conn: Client<SimStream> = Client::new(stream);
        let mut wanted: Vec<usize> = (0..channels).filter(|_| rng.chance(0.6)).collect();
        if wanted.is_empty() {
            wanted.push(rng.below(channels as u64) as usize);
        }
        let names: Vec<String> = wanted.iter().map(|c| format!("ch{c}")).collect();
        let mut args: Vec<&[u8]> = vec![b"SUBSCRIBE"];
        args.extend(names.iter().map(|n| n.as_bytes()));
        let mut session = Session {
            subscriber: id,
            channels: wanted,
            subscribe_sent: io.monotonic(),
            events: Vec::new(),
            ended: None,
        };
        let sent = conn.send(&args).await;
        let mut acks = 0;
        loop {
            let now = io.monotonic();
            let stop_at = record.lock().unwrap().stop_at;
            if stop_at.is_some_and(|t| now >= t) {
                record.lock().unwrap().sessions.push(session);
                break 'sessions;
            }
            let unanswered =
                acks < session.channels.len() && now >= session.subscribe_sent + CALL_TIMEOUT;
            if sent.is_err() || unanswered {
                session.ended = Some(now);
                record.lock().unwrap().sessions.push(session);
                continue 'sessions;
            }
            match with_timeout(&io, READ_SLICE, conn.reply()).await {
                None => {}
                Some(Err(_)) => {
                    session.ended = Some(io.monotonic());
                    record.lock().unwrap().sessions.push(session);
                    continue 'sessions;
                }
                Some(Ok(reply)) => {
                    let at = io.monotonic();
                    match to_event(&reply, at) {
                        Some(event) => {
                            if matches!(event, Event::Ack { .. }) {
                                acks += 1;
                            }
                            session.events.push(event);
                        }
                        None => record
                            .lock()
                            .unwrap()
                            .wrong_replies
                            .push(format!("subscriber {id} read {reply:?}")),
                    }
                }
            }
        }
    }
    finished.fetch_add(1, Ordering::SeqCst);
}

#[allow(clippy::too_many_arguments)]
async fn publisher(
    io: SimIo,
    id: usize,
    node_addr: String,
    channels: usize,
    target: usize,
    seed: u64,
    record: Arc<Mutex<Record>>,
    finished: Arc<AtomicUsize>,
    publishers_done: Arc<AtomicUsize>,
    publishers: usize,
) {
    let mut rng = Rng::new(seed);
    let mut conn: Option<Client<SimStream>> = None;
    let (mut conn_no, mut seq, mut done) = (0u64, 0u64, 0usize);
    loop {
        let (fault_end, after) = {
            let r = record.lock().unwrap();
            (r.fault_end, r.published_after_faults[id])
        };
        if done >= target && after >= OPS_AFTER_FAULTS {
            break;
        }
        if fault_end.is_some_and(|end| io.monotonic() > end + LIVENESS_WINDOW) {
            break;
        }
        if done >= target && fault_end.is_none() {
            io.sleep(Duration::from_millis(20)).await;
            continue;
        }
        if conn.is_none() {
            match with_timeout(&io, CALL_TIMEOUT, io.connect(&node_addr)).await {
                Some(Ok(stream)) => {
                    conn = Some(Client::new(stream));
                    conn_no += 1;
                    seq = 0;
                }
                _ => {
                    io.sleep(Duration::from_millis(50)).await;
                    continue;
                }
            }
        }
        seq += 1;
        let channel = rng.below(channels as u64) as usize;
        let (name, message) = (format!("ch{channel}"), payload((id, conn_no, seq)));
        let invoked = io.monotonic();
        let client = conn.as_mut().expect("connected above");
        let args: [&[u8]; 3] = [b"PUBLISH", name.as_bytes(), &message];
        let reply = with_timeout(&io, CALL_TIMEOUT, client.call(&args)).await;
        {
            let mut r = record.lock().unwrap();
            let (completed, receivers) = match reply {
                Some(Ok(Reply::Int(n))) => (Some(io.monotonic()), Some(n)),
                Some(Ok(other)) => {
                    r.wrong_replies.push(format!("PUBLISH answered {other:?}"));
                    (None, None)
                }
                _ => (None, None),
            };
            if completed.is_some() {
                done += 1;
                if r.fault_end.is_some_and(|end| invoked >= end) {
                    r.published_after_faults[id] += 1;
                }
            } else {
                conn = None;
            }
            r.publishes.push(Publish {
                id: (id, conn_no, seq),
                channel,
                invoked,
                completed,
                receivers,
            });
        }
        io.sleep(Duration::from_millis(rng.range(0, 30))).await;
    }
    if publishers_done.fetch_add(1, Ordering::SeqCst) + 1 == publishers {
        record.lock().unwrap().stop_at = Some(io.monotonic() + DRAIN);
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
    let end = io.monotonic() + plan.fault_phase;
    while io.monotonic() < end {
        io.sleep(Duration::from_millis(rng.range(20, 400))).await;
        match rng.below(4) {
            0 if plan.pauses => sim.pause(node, Duration::from_millis(rng.range(10, 500))),
            1 if plan.crashes => {
                sim.crash(node);
                io.sleep(Duration::from_millis(rng.range(10, 300))).await;
                sim.restart(node);
                boot(&sim, node);
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
    let mut rng = Rng::new(seed ^ 0x70_75_62_73_75_62);
    let plan = Arc::new(Plan::draw(&mut rng));
    let mut faults = Faults::swarm(&mut rng);
    faults.disk_eio = 0.0;
    faults.disk_bitflip = 0.0;
    faults.disk_capacity = u64::MAX;
    let sim = Sim::new(seed, faults, options.trace);
    let node = sim.add_host("node");
    let subscriber_hosts: Vec<HostId> = (0..plan.subscribers)
        .map(|i| sim.add_host(&format!("subscriber{i}")))
        .collect();
    let publisher_hosts: Vec<HostId> = (0..plan.publishers)
        .map(|i| sim.add_host(&format!("publisher{i}")))
        .collect();
    let control = sim.add_host("nemesis");
    let ip = sim.world().hosts[node].ip;
    let node_addr = format!("{}.{}.{}.{}:{NODE_PORT}", ip[0], ip[1], ip[2], ip[3]);
    let record = Arc::new(Mutex::new(Record {
        published_after_faults: vec![0; plan.publishers],
        ..Record::default()
    }));
    let finished = Arc::new(AtomicUsize::new(0));
    let publishers_done = Arc::new(AtomicUsize::new(0));

    boot(&sim, node);
    for (id, &host) in subscriber_hosts.iter().enumerate() {
        let task = subscriber(
            sim.io(host),
            id,
            node_addr.clone(),
            plan.channels,
            rng.next_u64(),
            record.clone(),
            finished.clone(),
        );
        sim.spawn_on(host, task);
    }
    for (id, &host) in publisher_hosts.iter().enumerate() {
        let task = publisher(
            sim.io(host),
            id,
            node_addr.clone(),
            plan.channels,
            plan.publishes,
            rng.next_u64(),
            record.clone(),
            finished.clone(),
            publishers_done.clone(),
            plan.publishers,
        );
        sim.spawn_on(host, task);
    }
    let all_clients: Vec<HostId> = subscriber_hosts
        .iter()
        .chain(&publisher_hosts)
        .copied()
        .collect();
    sim.spawn_on(
        control,
        nemesis(
            sim.clone(),
            sim.io(control),
            node,
            all_clients,
            rng.next_u64(),
            plan.clone(),
            record.clone(),
        ),
    );

    let limit = plan.fault_phase + LIVENESS_WINDOW * 2 + DRAIN;
    let everyone = plan.subscribers + plan.publishers;
    let stop = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        sim.run(limit, || finished.load(Ordering::SeqCst) == everyone)
    }));
    let failure = match stop {
        Err(panic) => Some(format!("panic: {}", panic_message(&panic))),
        Ok(stop) => check(&record.lock().unwrap(), stop, &plan),
    };
    let r = record.lock().unwrap();
    let mut world = sim.world();
    let delivered: usize = r.sessions.iter().map(|s| s.events.len()).sum();
    Outcome {
        scenario: NAME,
        seed,
        trace_hash: world.trace.hash(),
        events: world.trace.events(),
        virtual_time: world.now,
        faults: world.counts.clone(),
        failure,
        ops: (r.publishes.iter().filter(|p| p.completed.is_some()).count() + delivered) as u64,
        log: world.trace.take_log(),
    }
}

fn check(record: &Record, stop: Stop, plan: &Plan) -> Option<String> {
    if let Some(wrong) = record.wrong_replies.first() {
        return Some(format!("wrong reply: {wrong}"));
    }
    let quiet_publishers: Vec<usize> = (0..plan.publishers)
        .filter(|&p| record.published_after_faults[p] < OPS_AFTER_FAULTS)
        .collect();
    // Every subscriber ends with a live, fully acknowledged subscription.
    let quiet_subscribers: Vec<usize> = (0..plan.subscribers)
        .filter(|&id| {
            !record.sessions.iter().any(|s| {
                s.subscriber == id
                    && s.ended.is_none()
                    && s.events
                        .iter()
                        .filter(|e| matches!(e, Event::Ack { .. }))
                        .count()
                        == s.channels.len()
            })
        })
        .collect();
    if stop != Stop::Done || !quiet_publishers.is_empty() || !quiet_subscribers.is_empty() {
        return Some(format!(
            "liveness: after the faults stopped, publishers {quiet_publishers:?} did not publish {OPS_AFTER_FAULTS} times and subscribers {quiet_subscribers:?} had no live acknowledged subscription at the end ({stop:?})"
        ));
    }
    pubsub::check(&record.publishes, &record.sessions).err()
}
