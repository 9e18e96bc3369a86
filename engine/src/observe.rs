//! What watches every command from outside its handler: the slow log, the latency monitor
//! and MONITOR clients. The session calls [`before_call`] and [`after_call`] around each
//! handler it runs, EXEC around each queued command, and scripts [`feed_script_call`] for
//! each `redis.call`.

use bytes::Bytes;

use crate::Now;
use crate::command::{Command, flag};
use crate::config::ObufClass;
use crate::engine::Engine;
use crate::session::Client;

/// Scripts (flagged `skip_monitor`) are shown to monitors before they run, so that the
/// commands they call follow them, as in Redis.
pub fn before_call(engine: &Engine, client: &Client, command: &Command, args: &[Bytes], now: Now) {
    if engine.monitors.any() && command.has(flag::SKIP_MONITOR) && !command.has(flag::ADMIN) {
        feed(engine, now, client.db, &client.handle.addr, args);
    }
}

/// Records a command that just ran: its duration (from the driver's clock) in the slow log
/// and the latency monitor, and the command itself to monitors (unless it is an admin
/// command, or a script shown before it ran).
pub fn after_call(
    engine: &Engine,
    client: &mut Client,
    command: &Command,
    args: &[Bytes],
    now: Now,
    started_us: u64,
) {
    let slept_us = std::mem::take(&mut client.slept_us);
    let duration_us = client
        .mono_us(now)
        .saturating_sub(started_us)
        .saturating_add(slept_us);
    // A command that blocked is measured when it is served (not yet: see COMPATIBILITY.md).
    if !command.has(flag::SKIP_SLOWLOG) && client.block_request.is_none() && !client.replaying {
        let time_s = now.unix_us / 1_000_000;
        if engine.slowlog.wants(duration_us) {
            let name = client
                .handle
                .names
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .name
                .clone();
            engine
                .slowlog
                .record(time_s, duration_us, args, &client.handle.addr, &name);
        }
        let event = if command.has(flag::FAST) {
            "fast-command"
        } else {
            "command"
        };
        engine
            .latency
            .add_if_needed(event, duration_us / 1000, time_s);
    }
    if engine.monitors.any()
        && !command.has(flag::SKIP_MONITOR)
        && !command.has(flag::ADMIN)
        && !client.replaying
    {
        feed(engine, now, client.db, &client.handle.addr, args);
    }
}

/// Shows a script's `redis.call` to monitors as `[db lua]`.
pub fn feed_script_call(engine: &Engine, db: usize, command: &Command, args: &[Bytes], now: Now) {
    if engine.monitors.any() && !command.has(flag::SKIP_MONITOR) && !command.has(flag::ADMIN) {
        feed(engine, now, db, "lua", args);
    }
}

fn feed(engine: &Engine, now: Now, db: usize, source: &str, args: &[Bytes]) {
    let limit = engine.config().client_output_buffer_limit[ObufClass::Normal as usize];
    engine.monitors.feed(now.unix_us, db, source, args, limit);
}
