//! SLOWLOG and LATENCY: reading and resetting what `crate::slowlog` and `crate::latency`
//! recorded.

use bytes::Bytes;

use crate::cmd::reply_help;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;

/// Entries SLOWLOG GET returns without a count.
const SLOWLOG_GET_DEFAULT: usize = 10;

/// SLOWLOG GET [count]
pub fn slowlog_get(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let count = match args.len() {
        2 => Some(SLOWLOG_GET_DEFAULT),
        3 => match parse_i64(&args[2]) {
            Some(-1) => None,
            Some(n) if n >= 0 => Some(usize::try_from(n).unwrap_or(usize::MAX)),
            _ => {
                return ctx
                    .out
                    .error("ERR count should be greater than or equal to -1");
            }
        },
        _ => {
            let mut text = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
            text.extend_from_slice(&args[1]);
            text.extend_from_slice(b"'. Try SLOWLOG HELP.");
            return ctx.out.error(text);
        }
    };
    let entries = ctx.engine.slowlog.newest(count);
    ctx.out.array(entries.len());
    for entry in entries {
        ctx.out.array(6);
        ctx.out.int(entry.id as i64);
        ctx.out.int(entry.time_s as i64);
        ctx.out.int(entry.duration_us as i64);
        ctx.out.array(entry.args.len());
        for arg in &entry.args {
            ctx.out.bulk(arg);
        }
        ctx.out.bulk(entry.peer.as_bytes());
        ctx.out.bulk(&entry.name);
    }
}

/// SLOWLOG LEN
pub fn slowlog_len(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.int(ctx.engine.slowlog.len() as i64);
}

/// SLOWLOG RESET
pub fn slowlog_reset(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.engine.slowlog.reset();
    ctx.out.ok();
}

/// SLOWLOG HELP
pub fn slowlog_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    reply_help(
        ctx,
        "slowlog",
        &[
            "GET [<count>]",
            "    List the newest <count> slow commands (10 by default, -1 for all), each as:",
            "    id, Unix time, duration in microseconds, arguments, client address, client name.",
            "LEN",
            "    Count the logged commands.",
            "RESET",
            "    Empty the log.",
        ],
    );
}

/// LATENCY LATEST
pub fn latency_latest(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let events = ctx.engine.latency.all();
    ctx.out.array(events.len());
    for (name, series) in events {
        let last = series
            .samples
            .back()
            .copied()
            .unwrap_or(crate::latency::Sample {
                time_s: 0,
                latency_ms: 0,
            });
        ctx.out.array(4);
        ctx.out.bulk(name.as_bytes());
        ctx.out.int(last.time_s as i64);
        ctx.out.int(last.latency_ms as i64);
        ctx.out.int(series.max_ms as i64);
    }
}

/// LATENCY HISTORY event
pub fn latency_history(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let samples = ctx
        .engine
        .latency
        .series(&args[2])
        .map(|s| s.samples)
        .unwrap_or_default();
    ctx.out.array(samples.len());
    for sample in samples {
        ctx.out.array(2);
        ctx.out.int(sample.time_s as i64);
        ctx.out.int(sample.latency_ms as i64);
    }
}

/// LATENCY RESET [event ...]
pub fn latency_reset(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let names: Vec<&[u8]> = args[2..].iter().map(|a| &a[..]).collect();
    let removed = ctx.engine.latency.reset(&names);
    ctx.out.int(removed as i64);
}

/// LATENCY DOCTOR: Redis's report, from the per-event statistics it prints. Only the advice
/// that fits the events Ferrite samples is given.
pub fn latency_doctor(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let report = doctor_report(ctx.engine.latency.enabled(), &ctx.engine.latency.all());
    ctx.out.verbatim(report.as_bytes());
}

fn doctor_report(enabled: bool, events: &[(&'static str, crate::latency::Series)]) -> String {
    let quiet = events.iter().all(|(_, s)| s.samples.is_empty());
    // Redis speaks of a disabled monitor only when it also has nothing to report.
    if quiet && !enabled {
        return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n".to_string();
    }
    if quiet {
        return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n".to_string();
    }
    let mut text = String::from(
        "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n",
    );
    let mut n = 0;
    for (name, series) in events {
        let samples = &series.samples;
        if samples.is_empty() {
            continue;
        }
        n += 1;
        let count = samples.len() as u64;
        let sum: u64 = samples.iter().map(|s| s.latency_ms).sum();
        let avg = sum / count;
        let mad = samples
            .iter()
            .map(|s| s.latency_ms.abs_diff(avg))
            .sum::<u64>()
            / count;
        let first = samples.front().map_or(0, |s| s.time_s);
        let last = samples.back().map_or(0, |s| s.time_s);
        let period = (last - first) as f64 / count as f64;
        text.push_str(&format!(
            "{n}. {name}: {count} latency spikes (average {avg}ms, mean deviation {mad}ms, period {period:.2} sec). Worst all time event {}ms.\n",
            series.max_ms
        ));
    }
    text.push_str("\nI have a few advices for you:\n\n");
    text.push_str("- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n");
    text.push_str("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n");
    text
}

/// LATENCY HELP
pub fn latency_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    reply_help(
        ctx,
        "latency",
        &[
            "DOCTOR",
            "    Explain in prose what the recorded latency spikes suggest.",
            "HISTORY <event>",
            "    List the (Unix time, milliseconds) spikes recorded for <event>.",
            "LATEST",
            "    List each event's latest and largest spike.",
            "RESET [<event> ...]",
            "    Forget the named events, or every event when none is named.",
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latency::Latency;

    #[test]
    fn the_doctor_summarises_each_event_as_redis_does() {
        let latency = Latency::default();
        latency.configure(5);
        latency.add_if_needed("command", 10, 100);
        latency.add_if_needed("command", 30, 101);
        let report = doctor_report(true, &latency.all());
        assert!(report.contains(
            "1. command: 2 latency spikes (average 20ms, mean deviation 10ms, period 0.50 sec). Worst all time event 30ms.\n"
        ));
    }
}
