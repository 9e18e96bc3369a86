//! Fault actions the single-node scenarios' nemeses share. Each draws from the scenario's
//! generator in a fixed order, so a seed replays the same faults whatever scenario runs them.

use std::time::Duration;

use ferrite_io::Io;

use crate::faults::Faults;
use crate::io::SimIo;
use crate::net;
use crate::rng::Rng;
use crate::world::{HostId, Sim};

/// Cuts one random client off from `node` (in one direction or the other) for 50–1500 ms.
pub async fn partition_a_client(
    sim: &Sim,
    io: &SimIo,
    rng: &mut Rng,
    node: HostId,
    clients: &[HostId],
) {
    let victim = clients[rng.below(clients.len() as u64) as usize];
    {
        let mut world = sim.world();
        if rng.chance(0.5) {
            net::block(&mut world, victim, node);
        } else {
            net::block(&mut world, node, victim);
        }
    }
    io.sleep(Duration::from_millis(rng.range(50, 1_500))).await;
    net::heal(&mut sim.world());
}

/// Moves `node`'s clock up to 120 s forward or back.
pub fn jump_clock(sim: &Sim, rng: &mut Rng, node: HostId) {
    let jump = rng.range(1, 120_000_000) as i64 * if rng.chance(0.5) { 1 } else { -1 };
    sim.shift_clock(node, jump);
}

/// The faults stop: heal the network, and keep only benign latency (and the task order).
pub fn stop_faults(sim: &Sim) {
    let mut world = sim.world();
    net::heal(&mut world);
    let keep_shuffle = world.faults.shuffle_tasks;
    world.faults = Faults {
        shuffle_tasks: keep_shuffle,
        ..Faults::none()
    };
    world.record("faults-stop", b"");
}
