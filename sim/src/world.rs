//! The simulated world and its deterministic executor.
//!
//! Many hosts run in one OS thread. Tasks are polled one at a time; when no task is ready the
//! virtual clock jumps to the next timer. Everything random (task order when shuffling,
//! latencies, faults) is drawn from the world's seeded generator, so one seed gives one run.
//!
//! A crash bumps the host's generation: its tasks (the node's in-memory state lives only in
//! them) are dropped, its connections reset, and its disk loses what was not made durable.
//! Locks: `world` may be held while waking a task (wakers only touch `ready`); futures are
//! always polled and dropped with no lock held, since they lock `world` themselves.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use crate::disk::Disk;
use crate::faults::{FaultCounts, Faults};
use crate::net::Net;
use crate::rng::Rng;
use crate::trace::Trace;

pub type HostId = usize;
pub type TaskId = u64;

/// The wall clock's value at virtual time zero: 2026-01-01T00:00:00Z.
pub const EPOCH_UNIX_US: u64 = 1_767_225_600_000_000;

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Polls allowed at one virtual instant before the run is declared livelocked.
const LIVELOCK_POLLS: u64 = 2_000_000;

struct Task {
    host: HostId,
    name: String,
    /// One waker for the task's whole life, so timers can recognise duplicates.
    waker: Option<Waker>,
    generation: u64,
    future: Option<BoxFuture>,
}

#[derive(Default)]
struct Ready {
    queue: VecDeque<TaskId>,
    queued: BTreeSet<TaskId>,
}

/// One simulated machine.
#[derive(Debug)]
pub struct Host {
    pub name: String,
    pub ip: [u8; 4],
    /// Bumped by every crash; tasks of an older generation are dead.
    pub generation: u64,
    pub up: bool,
    /// Tasks of a paused host are not polled before this time (SIGSTOP).
    pub paused_until: Duration,
    /// Added to the virtual clock to give this host's wall clock (skew and jumps).
    pub clock_offset_us: i64,
    pub disk: Disk,
    next_ephemeral_port: u16,
}

impl Host {
    pub fn ephemeral_port(&mut self) -> u16 {
        let port = self.next_ephemeral_port;
        self.next_ephemeral_port = if port == u16::MAX { 40_000 } else { port + 1 };
        port
    }
}

pub struct World {
    pub now: Duration,
    pub rng: Rng,
    pub faults: Faults,
    pub counts: FaultCounts,
    pub trace: Trace,
    pub hosts: Vec<Host>,
    pub net: Net,
    timers: BTreeMap<(Duration, u64), Waker>,
    timer_seq: u64,
}

impl World {
    /// Wakes `waker` at virtual time `at`.
    /// Futures re-register on every poll; a task already due at that instant is not added
    /// again, so timers cannot pile up (each task has one stable waker, see `Task`).
    pub fn wake_at(&mut self, at: Duration, waker: Waker) {
        let at = at.max(self.now);
        let duplicate = self
            .timers
            .range((at, 0)..=(at, u64::MAX))
            .any(|(_, existing)| existing.will_wake(&waker));
        if duplicate {
            return;
        }
        self.timer_seq += 1;
        self.timers.insert((at, self.timer_seq), waker);
    }

    /// A latency drawn from `min..=max`.
    pub fn latency(&mut self, min: Duration, max: Duration) -> Duration {
        let (lo, hi) = (
            min.as_nanos() as u64,
            max.as_nanos().max(min.as_nanos()) as u64,
        );
        Duration::from_nanos(self.rng.range(lo, hi))
    }

    pub fn record(&mut self, kind: &str, detail: &[u8]) {
        let now = self.now;
        self.trace.record(now, kind, detail);
    }

    pub fn fault(&mut self, kind: &'static str, detail: &[u8]) {
        self.counts.bump(kind);
        self.record(kind, detail);
    }

    pub fn host_by_ip(&self, ip: [u8; 4]) -> Option<HostId> {
        self.hosts.iter().position(|h| h.ip == ip)
    }

    pub fn unix_us(&self, host: HostId) -> u64 {
        let base = EPOCH_UNIX_US as i128 + self.now.as_micros() as i128;
        (base + self.hosts[host].clock_offset_us as i128).max(0) as u64
    }
}

pub(crate) struct Shared {
    world: Mutex<World>,
    ready: Mutex<Ready>,
    tasks: Mutex<BTreeMap<TaskId, Task>>,
    next_task: Mutex<TaskId>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in a task aborts the run anyway; keep the world inspectable for the report.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

struct TaskWaker {
    id: TaskId,
    shared: Arc<Shared>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut ready = lock(&self.shared.ready);
        if ready.queued.insert(self.id) {
            ready.queue.push_back(self.id);
        }
    }
}

/// Why [`Sim::run`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The condition became true.
    Done,
    /// Virtual time reached the limit.
    TimeLimit,
    /// No task is ready and no timer is pending: nothing can ever happen again.
    Quiescent,
}

/// The simulator: a world plus its executor. Cheap to clone.
#[derive(Clone)]
pub struct Sim {
    pub(crate) shared: Arc<Shared>,
}

impl Sim {
    pub fn new(seed: u64, faults: Faults, keep_trace_log: bool) -> Sim {
        let world = World {
            now: Duration::ZERO,
            rng: Rng::new(seed),
            faults,
            counts: FaultCounts::default(),
            trace: Trace::new(keep_trace_log),
            hosts: Vec::new(),
            net: Net::default(),
            timers: BTreeMap::new(),
            timer_seq: 0,
        };
        Sim {
            shared: Arc::new(Shared {
                world: Mutex::new(world),
                ready: Mutex::new(Ready::default()),
                tasks: Mutex::new(BTreeMap::new()),
                next_task: Mutex::new(1),
            }),
        }
    }

    /// Locks the world (never across an await or a poll).
    pub fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.shared.world)
    }

    /// Adds a host with address 127.0.0.(10 + index) and an empty disk.
    pub fn add_host(&self, name: &str) -> HostId {
        let mut world = self.world();
        let index = world.hosts.len();
        assert!(index < 200, "too many hosts");
        world.hosts.push(Host {
            name: name.to_string(),
            ip: [127, 0, 0, 10 + index as u8],
            generation: 0,
            up: true,
            paused_until: Duration::ZERO,
            clock_offset_us: 0,
            disk: Disk::default(),
            next_ephemeral_port: 40_000,
        });
        index
    }

    /// The I/O environment of `host`.
    pub fn io(&self, host: HostId) -> crate::io::SimIo {
        crate::io::SimIo::new(self.clone(), host)
    }

    pub fn now(&self) -> Duration {
        self.world().now
    }

    /// Runs `future` as a task of `host`.
    pub fn spawn_on(&self, host: HostId, future: impl Future<Output = ()> + Send + 'static) {
        self.spawn_named(host, "task", future);
    }

    /// Runs `future` as a task of `host`, named for livelock reports.
    pub fn spawn_named(
        &self,
        host: HostId,
        name: &str,
        future: impl Future<Output = ()> + Send + 'static,
    ) {
        let generation = self.world().hosts[host].generation;
        let id = {
            let mut next = lock(&self.shared.next_task);
            *next += 1;
            *next
        };
        lock(&self.shared.tasks).insert(
            id,
            Task {
                host,
                waker: None,
                name: name.to_string(),
                generation,
                future: Some(Box::pin(future)),
            },
        );
        let mut ready = lock(&self.shared.ready);
        ready.queued.insert(id);
        ready.queue.push_back(id);
    }

    /// Runs tasks until `done()` holds, virtual time passes `limit`, or nothing can happen.
    /// Panics (a failure of the run, reported with its seed) if tasks keep running without
    /// virtual time ever advancing: a livelock.
    pub fn run(&self, limit: Duration, mut done: impl FnMut() -> bool) -> Stop {
        let mut polls_at_this_time = 0u64;
        let mut last_now = self.now();
        loop {
            if done() {
                return Stop::Done;
            }
            if let Some(id) = self.next_ready() {
                polls_at_this_time += 1;
                if polls_at_this_time > LIVELOCK_POLLS {
                    let name = lock(&self.shared.tasks)
                        .get(&id)
                        .map(|t| t.name.clone())
                        .unwrap_or_default();
                    panic!(
                        "livelock: {LIVELOCK_POLLS} polls without virtual time advancing (last task polled: {name})"
                    );
                }
                self.poll_task(id);
                let now = self.now();
                if now != last_now {
                    last_now = now;
                    polls_at_this_time = 0;
                }
                continue;
            }
            polls_at_this_time = 0;
            // Nothing ready: jump to the next timer.
            let due = {
                let mut world = self.world();
                let Some((&(at, seq), _)) = world.timers.first_key_value() else {
                    return Stop::Quiescent;
                };
                if at > limit {
                    world.now = limit;
                    return Stop::TimeLimit;
                }
                let waker = world.timers.remove(&(at, seq)).expect("first exists");
                world.now = world.now.max(at);
                waker
            };
            due.wake();
        }
    }

    fn next_ready(&self) -> Option<TaskId> {
        let shuffle = self.world().faults.shuffle_tasks;
        let pick = if shuffle {
            let len = lock(&self.shared.ready).queue.len();
            if len == 0 {
                return None;
            }
            self.world().rng.below(len as u64) as usize
        } else {
            0
        };
        let mut ready = lock(&self.shared.ready);
        let id = ready.queue.remove(pick)?;
        ready.queued.remove(&id);
        Some(id)
    }

    fn poll_task(&self, id: TaskId) {
        let (host, generation, mut future) = {
            let mut tasks = lock(&self.shared.tasks);
            let Some(task) = tasks.get_mut(&id) else {
                return;
            };
            let Some(future) = task.future.take() else {
                return;
            };
            (task.host, task.generation, future)
        };
        // Dead (crashed host) or paused tasks are not polled.
        let (alive, paused_until, now) = {
            let world = self.world();
            let h = &world.hosts[host];
            (h.generation == generation, h.paused_until, world.now)
        };
        if !alive {
            lock(&self.shared.tasks).remove(&id);
            drop(future);
            return;
        }
        let waker = {
            let mut tasks = lock(&self.shared.tasks);
            let task = tasks.get_mut(&id).expect("task present");
            task.waker
                .get_or_insert_with(|| {
                    Waker::from(Arc::new(TaskWaker {
                        id,
                        shared: self.shared.clone(),
                    }))
                })
                .clone()
        };
        if paused_until > now {
            lock(&self.shared.tasks)
                .get_mut(&id)
                .expect("task present")
                .future = Some(future);
            self.world().wake_at(paused_until, waker);
            return;
        }
        let mut cx = Context::from_waker(&waker);
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(()) => {
                lock(&self.shared.tasks).remove(&id);
            }
            Poll::Pending => {
                let mut tasks = lock(&self.shared.tasks);
                match tasks.get_mut(&id) {
                    Some(task) => task.future = Some(future),
                    None => {
                        drop(tasks);
                        drop(future);
                    }
                }
            }
        }
    }

    /// Crashes `host`: its tasks die (all in-memory state is lost), its connections reset, and
    /// its disk keeps only what the crash model says survived. The host stays down until
    /// [`Sim::restart`].
    pub fn crash(&self, host: HostId) {
        {
            let mut world = self.world();
            let name = world.hosts[host].name.clone();
            world.fault("crash", name.as_bytes());
            world.hosts[host].generation += 1;
            world.hosts[host].up = false;
            crate::net::reset_host(&mut world, host);
            let mut rng = world.rng.fork();
            let mut counts = std::mem::take(&mut world.counts);
            let faults = world.faults.clone();
            world.hosts[host].disk.crash(&faults, &mut rng, &mut counts);
            world.counts = counts;
        }
        self.sweep_dead_tasks();
    }

    /// The host's processes exit (a node that stopped by itself): their tasks die and their
    /// connections and listeners close, but the disk keeps everything, page cache included.
    /// Tasks spawned on the host afterwards run as a new process.
    pub fn exit(&self, host: HostId) {
        {
            let mut world = self.world();
            let name = world.hosts[host].name.clone();
            world.record("exit", name.as_bytes());
            world.hosts[host].generation += 1;
            crate::net::reset_host(&mut world, host);
        }
        self.sweep_dead_tasks();
    }

    /// Marks a crashed host up again; the caller then starts its processes anew.
    pub fn restart(&self, host: HostId) {
        let mut world = self.world();
        let name = world.hosts[host].name.clone();
        world.record("restart", name.as_bytes());
        world.hosts[host].up = true;
    }

    /// Stops polling `host`'s tasks for `duration` (like SIGSTOP, then SIGCONT).
    pub fn pause(&self, host: HostId, duration: Duration) {
        let mut world = self.world();
        let until = world.now + duration;
        world.hosts[host].paused_until = until;
        let name = world.hosts[host].name.clone();
        world.fault("pause", name.as_bytes());
    }

    /// Moves `host`'s wall clock by `delta_us` (skew or a jump).
    pub fn shift_clock(&self, host: HostId, delta_us: i64) {
        let mut world = self.world();
        world.hosts[host].clock_offset_us += delta_us;
        world.fault("clock-jump", &delta_us.to_le_bytes());
    }

    fn sweep_dead_tasks(&self) {
        let dead: Vec<BoxFuture> = {
            let world = self.world();
            let mut tasks = lock(&self.shared.tasks);
            let ids: Vec<TaskId> = tasks
                .iter()
                .filter(|(_, t)| world.hosts[t.host].generation != t.generation)
                .map(|(id, _)| *id)
                .collect();
            ids.iter()
                .filter_map(|id| tasks.remove(id).and_then(|t| t.future))
                .collect()
        };
        // Dropping a future may lock the world (a stream closing its end): no lock held here.
        drop(dead);
    }

    /// Number of live tasks (for tests and reports).
    pub fn task_count(&self) -> usize {
        lock(&self.shared.tasks).len()
    }
}
