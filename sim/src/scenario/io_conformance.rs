//! Runs `ferrite_io::conformance::run_all` (the suite every backend must pass) on `SimIo`.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{Outcome, RunOptions};
use crate::faults::Faults;
use crate::world::{Sim, Stop};

pub fn run(seed: u64, options: &RunOptions) -> Outcome {
    let sim = Sim::new(seed, Faults::none(), options.trace);
    let host = sim.add_host("conformance");
    let io = sim.io(host);
    let done = Arc::new(AtomicBool::new(false));
    let finished = done.clone();
    sim.spawn_on(host, async move {
        ferrite_io::conformance::run_all(&io, Path::new("scratch")).await;
        finished.store(true, Ordering::SeqCst);
    });
    // A panic inside the suite is the failure; catch it so the seed is still reported.
    let stop = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        sim.run(Duration::from_secs(60), || done.load(Ordering::SeqCst))
    }));
    let failure = match stop {
        Ok(Stop::Done) => None,
        Ok(other) => Some(format!("the suite did not finish: {other:?}")),
        Err(panic) => Some(panic_message(&panic)),
    };
    let mut world = sim.world();
    Outcome {
        scenario: "io-conformance",
        seed,
        trace_hash: world.trace.hash(),
        events: world.trace.events(),
        virtual_time: world.now,
        faults: world.counts.clone(),
        failure,
        ops: 0,
        log: world.trace.take_log(),
    }
}

pub fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".into()
    }
}
