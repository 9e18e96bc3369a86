//! Commands that steer clients rather than data: MONITOR, WAIT, CLIENT PAUSE / UNPAUSE and
//! CLIENT REPLY. Waiting (WAIT, a paused command) is done by the driver, asynchronously: a
//! handler only says until when (see `Client::hold` and `crate::pause`).

use bytes::Bytes;

use crate::cmd::{NOT_INTEGER, SYNTAX};
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::util::eq_ignore_case;

/// Parses a millisecond timeout as Redis's getTimeoutFromObjectOrReply does, writing its
/// errors. Returns the timeout in milliseconds (0: none).
fn timeout_ms_arg(ctx: &mut Ctx<'_, '_>, arg: &[u8]) -> Option<u64> {
    match parse_i64(arg) {
        None => {
            ctx.out
                .error("ERR timeout is not an integer or out of range");
            None
        }
        Some(n) if n < 0 => {
            ctx.out.error("ERR timeout is negative");
            None
        }
        Some(n) => Some(n as u64),
    }
}

/// MONITOR
pub fn monitor(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    if ctx.client.in_exec {
        return ctx
            .out
            .error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    }
    // Already monitoring: Redis ignores it without a reply.
    if ctx.client.monitoring {
        return;
    }
    ctx.client.monitoring = true;
    ctx.engine.monitors.add(&ctx.client.handle);
    ctx.out.ok();
}

/// WAIT numreplicas timeout: there are no replicas, so the answer is 0 — at once when no
/// replica was asked for (or inside MULTI), otherwise after the timeout (never, for 0), as
/// Redis answers when too few replicas acknowledge.
pub fn wait(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(wanted) = parse_i64(&args[1]) else {
        return ctx.out.error(NOT_INTEGER);
    };
    let Some(timeout_ms) = timeout_ms_arg(ctx, &args[2]) else {
        return;
    };
    const ACKED: i64 = 0;
    ctx.out.int(ACKED);
    if wanted > ACKED && !ctx.cannot_block() {
        let now_us = ctx.client.mono_us(ctx.now);
        ctx.client.hold =
            Some((timeout_ms > 0).then(|| now_us.saturating_add(timeout_ms.saturating_mul(1000))));
    }
}

/// CLIENT PAUSE timeout [WRITE|ALL]
pub fn client_pause(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mode = match args.get(3) {
        None => crate::pause::Mode::All,
        Some(_) if args.len() > 4 => {
            let mut text = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
            text.extend_from_slice(&args[1]);
            text.extend_from_slice(b"'. Try CLIENT HELP.");
            return ctx.out.error(text);
        }
        Some(m) if eq_ignore_case(m, "write") => crate::pause::Mode::Write,
        Some(m) if eq_ignore_case(m, "all") => crate::pause::Mode::All,
        Some(_) => {
            return ctx.out.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
        }
    };
    let Some(timeout_ms) = timeout_ms_arg(ctx, &args[2]) else {
        return;
    };
    let now_us = ctx.client.mono_us(ctx.now);
    let end = now_us.saturating_add(timeout_ms.saturating_mul(1000));
    ctx.engine.pause.pause(end, mode);
    ctx.out.ok();
}

/// CLIENT UNPAUSE: ends the pause and wakes every client so parked commands run.
pub fn client_unpause(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.engine.pause.unpause();
    for client in ctx.engine.clients() {
        client.waker.wake();
    }
    ctx.out.ok();
}

/// CLIENT REPLY ON|OFF|SKIP (the session applies the flags; see `Session::apply_reply_mode`).
pub fn client_reply(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let client = &mut *ctx.client;
    if eq_ignore_case(&args[2], "on") {
        client.reply_off = false;
        client.reply_skip = false;
        client.reply_skip_next = false;
        ctx.out.ok();
    } else if eq_ignore_case(&args[2], "off") {
        client.reply_off = true;
    } else if eq_ignore_case(&args[2], "skip") {
        if !client.reply_off {
            client.reply_skip_next = true;
        }
    } else {
        ctx.out.error(SYNTAX);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    use crate::testing::{TestClient, client};

    /// A clock that moves `step_us` forward every time it is read.
    fn ticking_clock(t: &mut TestClient, step_us: u64) {
        let time = Arc::new(AtomicU64::new(t.now.mono_us));
        t.session.set_clock(crate::MonoClock(Arc::new(move || {
            time.fetch_add(step_us, Ordering::Relaxed) + step_us
        })));
    }

    #[test]
    fn client_reply_off_and_skip_silence_replies() {
        let mut t = client();
        assert_eq!(t.run(&["client", "reply", "skip"]), "");
        assert_eq!(t.run(&["set", "k", "v"]), "");
        assert_eq!(t.run(&["get", "k"]), "$1\r\nv\r\n");
        assert_eq!(t.run(&["client", "reply", "off"]), "");
        assert_eq!(t.run(&["get", "k"]), "");
        assert_eq!(t.run(&["client", "reply", "skip"]), "");
        assert_eq!(t.run(&["get", "k"]), "", "SKIP does not lift OFF");
        assert_eq!(t.run(&["client", "reply", "on"]), "+OK\r\n");
        assert_eq!(
            t.run(&["client", "reply", "maybe"]),
            "-ERR syntax error\r\n"
        );
    }

    #[test]
    fn write_pause_parks_writes_until_it_ends() {
        let mut admin = client();
        let mut writer = TestClient::connect(admin.engine, admin.now);
        assert_eq!(admin.run(&["set", "k", "old"]), "+OK\r\n");
        assert_eq!(admin.run(&["client", "pause", "1000", "write"]), "+OK\r\n");
        let (out, _) = writer.feed(b"GET k\r\nSET k new\r\n");
        assert_eq!(out, "$3\r\nold\r\n", "reads run, the write waits");
        assert!(writer.session.is_waiting());
        writer.advance_ms(999);
        assert_eq!(writer.feed(b"").0, "", "still paused");
        writer.advance_ms(1);
        assert_eq!(writer.feed(b"GET k\r\n").0, "+OK\r\n$3\r\nnew\r\n");
        assert!(!writer.session.is_waiting());
    }

    #[test]
    fn all_pause_parks_everything_until_unpause() {
        let mut admin = client();
        let mut other = TestClient::connect(admin.engine, admin.now);
        assert_eq!(admin.run(&["client", "pause", "60000"]), "+OK\r\n");
        assert_eq!(other.feed(b"PING\r\n").0, "");
        admin.engine.pause.unpause();
        assert_eq!(other.feed(b"").0, "+PONG\r\n");
        assert_eq!(
            admin.run(&["client", "pause", "10", "sometimes"]),
            "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n"
        );
        assert_eq!(
            admin.run(&["client", "pause", "-1"]),
            "-ERR timeout is negative\r\n"
        );
    }

    #[test]
    fn wait_answers_zero_after_its_timeout() {
        let mut t = client();
        assert_eq!(t.run(&["wait", "0", "0"]), ":0\r\n");
        let (out, _) = t.feed(b"WAIT 1 100\r\n");
        assert_eq!(out, "", "held until the timeout");
        assert_eq!(t.feed(b"PING\r\n").0, "", "and so is what follows");
        t.advance_ms(100);
        assert_eq!(t.feed(b"PING\r\n").0, ":0\r\n+PONG\r\n");
        assert_eq!(
            t.run(&["wait", "1", "x"]),
            "-ERR timeout is not an integer or out of range\r\n"
        );
    }

    #[test]
    fn debug_sleep_holds_the_reply_without_blocking() {
        let mut t = client();
        assert_eq!(t.feed(b"DEBUG SLEEP 0.5\r\n").0, "");
        t.advance_ms(500);
        assert_eq!(t.feed(b"").0, "+OK\r\n");
        assert_eq!(t.run(&["debug", "sleep", "abc"]), "+OK\r\n");
    }

    #[test]
    fn monitors_see_commands_scripts_and_redacted_passwords() {
        let mut monitor = client();
        let mut user = TestClient::connect(monitor.engine, monitor.now);
        assert_eq!(monitor.run(&["monitor"]), "+OK\r\n");
        assert_eq!(monitor.run(&["monitor"]), "", "a second MONITOR is ignored");
        user.run(&["set", "k", "v"]);
        user.run(&["auth", "secret"]);
        user.run(&["eval", "return redis.call('get', KEYS[1])", "1", "k"]);
        user.run(&["config", "get", "hz"]);
        user.run(&["nosuchcommand"]);
        let seen = monitor.pushes();
        let at = "+1700000000.000000 [0 127.0.0.1:5000]";
        assert_eq!(
            seen,
            format!(
                "{at} \"set\" \"k\" \"v\"\r\n{at} \"auth\" \"(redacted)\"\r\n\
                 {at} \"eval\" \"return redis.call('get', KEYS[1])\" \"1\" \"k\"\r\n\
                 +1700000000.000000 [0 lua] \"get\" \"k\"\r\n"
            )
        );
        assert_eq!(
            monitor.run(&["get", "k"]),
            "-ERR Replica can't interact with the keyspace\r\n"
        );
        assert_eq!(monitor.run(&["reset"]), "+RESET\r\n");
        user.run(&["ping"]);
        assert_eq!(monitor.pushes(), "");
    }

    #[test]
    fn slow_commands_reach_the_slowlog_and_the_latency_monitor() {
        let mut t = client();
        t.run(&["config", "set", "slowlog-log-slower-than", "15000"]);
        t.run(&["config", "set", "latency-monitor-threshold", "10"]);
        t.run(&["client", "setname", "app"]);
        ticking_clock(&mut t, 20_000);
        assert_eq!(t.run(&["set", "k", "v"]), "+OK\r\n");
        assert_eq!(
            t.run(&["slowlog", "get", "1"]),
            "*1\r\n*6\r\n:0\r\n:1700000000\r\n:20000\r\n*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n\
             $14\r\n127.0.0.1:5000\r\n$3\r\napp\r\n"
        );
        assert_eq!(
            t.run(&["latency", "latest"]),
            "*1\r\n*4\r\n$7\r\ncommand\r\n:1700000000\r\n:20\r\n:20\r\n"
        );
        assert_eq!(
            t.run(&["slowlog", "len"]),
            ":3\r\n",
            "SLOWLOG GET and LATENCY LATEST too"
        );
        assert_eq!(t.run(&["slowlog", "reset"]), "+OK\r\n");
        assert_eq!(t.run(&["latency", "reset"]), ":1\r\n");
        assert_eq!(
            t.run(&["slowlog", "get", "-2"]),
            "-ERR count should be greater than or equal to -1\r\n"
        );
    }
}
