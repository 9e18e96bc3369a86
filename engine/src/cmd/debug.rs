//! DEBUG: the subcommands Redis's own test suite leans on and that are harmless here —
//! OBJECT, SLEEP (waited asynchronously by the driver: no thread sleeps), SET-ACTIVE-EXPIRE
//! and RELOAD (every value goes through the RDB encoder and decoder in memory, as a save and
//! load would, with no file). The rest answer Redis's unknown-subcommand error.

use bytes::Bytes;

use crate::cmd::reply_help;
use crate::keyspace::Value;
use crate::session::Ctx;
use crate::util::eq_ignore_case;

/// Redis's LRU clock: Unix seconds in 24 bits (`LRU_CLOCK_MAX`).
const LRU_CLOCK_MASK: u32 = (1 << 24) - 1;

/// DEBUG subcommand [arg ...]
pub fn debug(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let sub = &args[1];
    match args.len() {
        2 if eq_ignore_case(sub, "help") => reply_help(ctx, "debug", HELP),
        3 if eq_ignore_case(sub, "object") => object(ctx, &args[2]),
        3 if eq_ignore_case(sub, "sleep") => sleep(ctx, &args[2]),
        3 if eq_ignore_case(sub, "set-active-expire") => {
            let enabled = atoi(&args[2]) != 0;
            ctx.engine
                .active_expire_enabled
                .store(enabled, std::sync::atomic::Ordering::Relaxed);
            ctx.out.ok();
        }
        _ if eq_ignore_case(sub, "reload") => reload(ctx, &args[2..]),
        _ => {
            let mut text = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
            text.extend_from_slice(&sub[..sub.len().min(128)]);
            text.extend_from_slice(b"'. Try DEBUG HELP.");
            ctx.out.error(text);
        }
    }
}

/// C's `atoi`: optional sign and leading digits, 0 when there are none.
fn atoi(arg: &[u8]) -> i64 {
    let text = String::from_utf8_lossy(arg);
    let text = text.trim_start();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits: String = digits
        .chars()
        .take_while(char::is_ascii_digit)
        .take(18)
        .collect();
    sign * digits.parse::<i64>().unwrap_or(0)
}

/// C's `strtod` on the longest prefix that is a number; 0 when there is none.
fn strtod(arg: &[u8]) -> f64 {
    let text = String::from_utf8_lossy(arg);
    let text = text.trim_start();
    (1..=text.len().min(64))
        .rev()
        .filter(|&end| text.is_char_boundary(end))
        .find_map(|end| text[..end].parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// DEBUG SLEEP seconds: replies OK after `seconds` (fractions allowed; anything not a
/// positive number sleeps not at all). Inside MULTI it cannot wait and replies at once.
fn sleep(ctx: &mut Ctx<'_, '_>, arg: &[u8]) {
    let micros = strtod(arg) * 1_000_000.0;
    ctx.out.ok();
    if micros >= 1.0 && !ctx.cannot_block() {
        // `as` saturates: "inf" waits (practically) forever without overflowing.
        let now_us = ctx.client.mono_us(ctx.now);
        ctx.client.hold = Some(Some(now_us.saturating_add(micros as u64)));
        ctx.client.slept_us = micros as u64;
    }
}

/// DEBUG OBJECT key: Redis's one-line description. The address is made up (there is no
/// Redis object to point at) but stable for the key's lifetime in a run.
fn object(ctx: &mut Ctx<'_, '_>, key: &[u8]) {
    let now_ms = ctx.now.unix_ms();
    ctx.lock_all();
    let line = ctx.db().peek(key).map(|entry| describe(entry, now_ms));
    match line {
        Some(line) => ctx.out.simple(&line),
        None => ctx.out.error(crate::cmd::NO_SUCH_KEY),
    }
}

fn describe(entry: &crate::keyspace::Entry, now_ms: u64) -> String {
    let value = &entry.value;
    let refcount = match value {
        Value::Int(n) if (0..10_000).contains(n) => i32::MAX as i64,
        _ => 1,
    };
    let mut payload = Vec::new();
    crate::rdb::write_value(&mut payload, value);
    let idle_s = crate::keyspace::access::lru_idle_ms(entry.access_s, now_ms) / 1000;
    let address = 0x7f00_0000_0000u64 | (std::ptr::from_ref(entry) as u64 & 0xff_ffff_fff0);
    let mut line = format!(
        "Value at:0x{address:x} refcount:{refcount} encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{idle_s}",
        value.encoding(),
        payload.len(),
        entry.access_s & LRU_CLOCK_MASK,
    );
    if let Value::List(list) = value {
        let (mut nodes, mut bytes) = (0u64, 0u64);
        crate::rdb::list_nodes(list, |lp| {
            nodes += 1;
            bytes += lp.len() as u64;
        });
        let avg = if nodes == 0 {
            0.0
        } else {
            list.len() as f64 / nodes as f64
        };
        line.push_str(&format!(
            " ql_nodes:{nodes} ql_avg_node:{avg:.2} ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:{bytes}"
        ));
    }
    line
}

/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: every value is encoded as an RDB payload and
/// decoded back in place, as a save followed by a load would (TTLs and the keys' places
/// are kept). No file is written: the options change nothing else here.
fn reload(ctx: &mut Ctx<'_, '_>, options: &[Bytes]) {
    let known = ["merge", "noflush", "nosave"];
    if !options
        .iter()
        .all(|o| known.iter().any(|k| eq_ignore_case(o, k)))
    {
        return ctx
            .out
            .error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
    }
    let hasher = ctx.engine.keyspace.value_hasher();
    let mut failed = false;
    for (_, shard) in ctx.lock_all().shards() {
        for part in shard.dbs.iter_mut() {
            for entry in part.map.values_mut() {
                let payload = crate::rdb::dump_payload(&entry.value);
                match crate::rdb::decode_payload(&payload, &hasher) {
                    Ok(Some(value)) => entry.value = value,
                    _ => failed = true,
                }
            }
        }
    }
    if failed {
        ctx.out.error("ERR Error trying to load the RDB dump");
    } else {
        ctx.out.ok();
    }
}

/// DEBUG HELP, in Ferrite's own words: only the subcommands implemented here.
const HELP: &[&str] = &[
    "OBJECT <key>",
    "    Describe how the value of <key> is stored: encoding, serialized size, LRU clock.",
    "RELOAD [MERGE] [NOFLUSH] [NOSAVE]",
    "    Pass every value through the RDB encoder and decoder, as a save and load would.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Turn the periodic removal of expired keys off or on.",
    "SLEEP <seconds>",
    "    Answer after <seconds> (fractions allowed) without holding up other clients.",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_number_parsing_takes_the_longest_prefix() {
        assert_eq!(atoi(b"1"), 1);
        assert_eq!(atoi(b"2x"), 2);
        assert_eq!(atoi(b"abc"), 0);
        assert_eq!(atoi(b"-3"), -3);
        assert_eq!(strtod(b"0.25s"), 0.25);
        assert_eq!(strtod(b"abc"), 0.0);
        assert_eq!(strtod(b"-1"), -1.0);
    }
}

#[cfg(test)]
mod command_tests {
    use crate::testing::client;

    #[test]
    fn debug_object_describes_values_as_redis_does() {
        let mut t = client();
        t.run(&["set", "n", "123"]);
        t.run(&["rpush", "l", "a", "b", "c"]);
        let masked = |reply: String| {
            let (head, rest) = reply.split_once(" refcount:").expect("a description");
            assert!(head.starts_with("+Value at:0x"), "{head}");
            let rest = rest.split(" lru:").collect::<Vec<_>>();
            let tail = rest[1]
                .split_once(' ')
                .expect("fields after lru")
                .1
                .to_string();
            format!("{} {tail}", rest[0])
        };
        assert_eq!(
            masked(t.run(&["debug", "object", "n"])),
            "2147483647 encoding:int serializedlength:2 lru_seconds_idle:0\r\n"
        );
        assert_eq!(
            masked(t.run(&["debug", "object", "l"])),
            "1 encoding:quicklist serializedlength:19 lru_seconds_idle:0 ql_nodes:1 \
             ql_avg_node:3.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:16\r\n"
        );
        assert_eq!(t.run(&["debug", "object", "nope"]), "-ERR no such key\r\n");
    }

    #[test]
    fn reload_round_trips_every_value() {
        let mut t = client();
        t.run(&["hset", "h", "f", "v"]);
        t.run(&["set", "k", "v", "px", "100000"]);
        assert_eq!(t.run(&["debug", "reload"]), "+OK\r\n");
        assert_eq!(t.run(&["hget", "h", "f"]), "$1\r\nv\r\n");
        assert_eq!(t.run(&["pttl", "k"]), ":100000\r\n");
        assert_eq!(
            t.run(&["debug", "reload", "fast"]),
            "-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n"
        );
    }

    #[test]
    fn active_expiry_can_be_switched_off() {
        let mut t = client();
        t.run(&["set", "k", "v", "px", "1"]);
        assert_eq!(t.run(&["debug", "set-active-expire", "0"]), "+OK\r\n");
        t.advance_ms(10);
        assert_eq!(t.engine.active_expire(t.now, 100).0, 0);
        assert_eq!(t.run(&["dbsize"]), ":1\r\n");
        t.run(&["debug", "set-active-expire", "1"]);
        assert_eq!(t.engine.active_expire(t.now, 100).0, 1);
    }
}
