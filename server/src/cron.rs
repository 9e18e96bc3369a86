//! Periodic work, like Redis's serverCron: active expiry and idle-client timeouts, run `hz`
//! times a second on the I/O environment's clock.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use ferrite_engine::Engine;
use ferrite_io::Io;

use crate::now;

/// Keys one expiry pass may remove per shard before yielding to clients.
const EXPIRE_BUDGET_PER_SHARD: usize = 200;
/// Extra passes per tick while due keys remain (bounds the work of one tick).
const EXPIRE_PASSES_MAX: usize = 16;

pub async fn run<I: Io>(io: I, engine: Arc<Engine>) {
    while engine.shutdown_requested().is_none() {
        let hz = engine.config().hz.max(1);
        io.sleep(Duration::from_millis(1000 / hz as u64)).await;
        let clock = now(&io);
        for _ in 0..EXPIRE_PASSES_MAX {
            let (_, more) = engine.active_expire(clock, EXPIRE_BUDGET_PER_SHARD);
            if !more {
                break;
            }
        }
        engine.active_expire_fields(clock, EXPIRE_BUDGET_PER_SHARD);
        let timeout_s = engine.config().timeout;
        if timeout_s > 0 {
            for client in engine.clients() {
                let idle_us = clock
                    .mono_us
                    .saturating_sub(client.last_interaction_mono_us.load(Ordering::Relaxed));
                // Blocked clients wait on purpose; their own timeout governs them. Subscribers
                // wait for messages. Redis exempts both.
                if idle_us / 1_000_000 > timeout_s
                    && !engine.blocking.is_blocked(client.id)
                    && !client.is_pubsub()
                {
                    client.kill();
                }
            }
        }
    }
}
