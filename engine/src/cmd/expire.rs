//! Key expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with NX/XX/GT/LT), TTL, PTTL,
//! EXPIRETIME, PEXPIRETIME and PERSIST, with Redis 7.0's replies and error texts.
//!
//! Deadlines are absolute Unix milliseconds (`Entry::expire_ms`, 0 = none). A key is expired
//! once its deadline is strictly in the past, but EXPIRE with a deadline at or before now
//! deletes the key at once (Redis's `checkAlreadyExpired`), counting as a write.

use bytes::Bytes;

use super::keys::{add_dirty, lookup_read_notouch};
use crate::cmd::int_arg;
use crate::pubsub::class;
use crate::session::Ctx;
use crate::util::eq_ignore_case;

const NX: u8 = 1;
const XX: u8 = 2;
const GT: u8 = 4;
const LT: u8 = 8;

/// Parses the NX/XX/GT/LT flags after the time argument, replying Redis's error on failure.
fn parse_flags(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) -> Option<u8> {
    let mut flags = 0;
    for arg in &args[3..] {
        flags |= match () {
            () if eq_ignore_case(arg, "nx") => NX,
            () if eq_ignore_case(arg, "xx") => XX,
            () if eq_ignore_case(arg, "gt") => GT,
            () if eq_ignore_case(arg, "lt") => LT,
            () => {
                // Redis formats the option with %s, so it ends at the first NUL byte.
                let shown = arg
                    .iter()
                    .position(|&b| b == 0)
                    .map_or(&arg[..], |nul| &arg[..nul]);
                let mut text = b"ERR Unsupported option ".to_vec();
                text.extend_from_slice(shown);
                ctx.out.error(text);
                return None;
            }
        };
    }
    if flags & NX != 0 && flags & (XX | GT | LT) != 0 {
        ctx.out
            .error("ERR NX and XX, GT or LT options at the same time are not compatible");
        return None;
    }
    if flags & GT != 0 && flags & LT != 0 {
        ctx.out
            .error("ERR GT and LT options at the same time are not compatible");
        return None;
    }
    Some(flags)
}

/// The shared body of the EXPIRE family, as Redis's `expireGenericCommand`. `relative` adds
/// the current time (EXPIRE, PEXPIRE); `seconds` scales the argument by 1000.
fn expire_generic(
    ctx: &mut Ctx<'_, '_>,
    args: &[Bytes],
    name: &str,
    relative: bool,
    seconds: bool,
) {
    let Some(flags) = parse_flags(ctx, args) else {
        return;
    };
    let Some(mut when) = int_arg(ctx, &args[2]) else {
        return;
    };
    let now_ms = ctx.now.unix_ms() as i64;
    let base = if relative { now_ms } else { 0 };
    // Redis rejects what would overflow the unit conversion or the addition of the base time;
    // anything else, negative deadlines included, is accepted.
    let scaled = if seconds {
        when.checked_mul(1000)
    } else {
        Some(when)
    };
    match scaled.filter(|w| *w <= i64::MAX - base) {
        Some(w) => when = w + base,
        None => {
            ctx.out
                .error(format!("ERR invalid expire time in '{name}' command"));
            return;
        }
    }
    let key = &args[1][..];
    let mut db = ctx.db();
    let Some(entry) = db.lookup_write(key) else {
        ctx.out.int(0);
        return;
    };
    // -1 stands for "no TTL", which GT treats as infinite and LT as larger than anything.
    let current = if entry.expire_ms == 0 {
        -1
    } else {
        entry.expire_ms as i64
    };
    let refused = (flags & NX != 0 && current != -1)
        || (flags & XX != 0 && current == -1)
        || (flags & GT != 0 && (current == -1 || when <= current))
        || (flags & LT != 0 && current != -1 && when >= current);
    if refused {
        ctx.out.int(0);
        return;
    }
    // Redis notifies a deletion before its reply and an expire after it.
    if when <= now_ms {
        db.remove(key);
        db.notify(class::GENERIC, "del", key);
        ctx.out.int(1);
    } else {
        db.set_expire(key, when as u64);
        ctx.out.int(1);
        ctx.db().notify(class::GENERIC, "expire", key);
    }
    add_dirty(ctx, 1);
}

/// `EXPIRE key seconds [NX | XX | GT | LT]`: sets a TTL; replies 1 if set, 0 if the key is
/// missing or a flag refused it. A TTL of zero or less deletes the key.
pub fn expire(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    expire_generic(ctx, args, "expire", true, true)
}

/// `PEXPIRE key milliseconds [NX | XX | GT | LT]`.
pub fn pexpire(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    expire_generic(ctx, args, "pexpire", true, false)
}

/// `EXPIREAT key unix-time-seconds [NX | XX | GT | LT]`.
pub fn expireat(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    expire_generic(ctx, args, "expireat", false, true)
}

/// `PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]`.
pub fn pexpireat(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    expire_generic(ctx, args, "pexpireat", false, false)
}

/// The TTL family, as Redis's `ttlGenericCommand`: -2 for a missing key, -1 for no TTL, else
/// the remaining (or absolute, `absolute`) time in ms or in seconds rounded to nearest.
fn ttl_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], millis: bool, absolute: bool) {
    let now_ms = ctx.now.unix_ms() as i64;
    let mut db = ctx.db();
    let reply = match lookup_read_notouch(&mut db, &args[1]) {
        None => -2,
        Some(entry) if entry.expire_ms == 0 => -1,
        Some(entry) => {
            let deadline = entry.expire_ms as i64;
            let ms = if absolute {
                deadline
            } else {
                (deadline - now_ms).max(0)
            };
            // i128: Redis's (ms + 500) / 1000 must not overflow for deadlines near i64::MAX.
            if millis {
                ms
            } else {
                ((i128::from(ms) + 500) / 1000) as i64
            }
        }
    };
    ctx.out.int(reply);
}

/// `TTL key`: remaining seconds.
pub fn ttl(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    ttl_generic(ctx, args, false, false)
}

/// `PTTL key`: remaining milliseconds.
pub fn pttl(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    ttl_generic(ctx, args, true, false)
}

/// `EXPIRETIME key`: the deadline as a Unix time in seconds.
pub fn expiretime(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    ttl_generic(ctx, args, false, true)
}

/// `PEXPIRETIME key`: the deadline as a Unix time in milliseconds.
pub fn pexpiretime(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    ttl_generic(ctx, args, true, true)
}

/// `PERSIST key`: removes the TTL; replies 1 if there was one, else 0.
pub fn persist(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let key = &args[1][..];
    let mut db = ctx.db();
    let had_ttl = db
        .lookup_write(key)
        .is_some_and(|entry| entry.expire_ms != 0);
    if had_ttl {
        db.set_expire(key, 0);
        db.notify(class::GENERIC, "persist", key);
        add_dirty(ctx, 1);
    }
    ctx.out.int(i64::from(had_ttl));
}

#[cfg(test)]
mod tests {
    use crate::cmd::keys::tests::{dirty, hits_misses, put, put_in, stored_keys};
    use crate::testing::{TestClient, client};

    const NOW_MS: u64 = 1_700_000_000_000;

    fn check(t: &mut TestClient, steps: &[(&[&str], &str)]) {
        for (args, reply) in steps {
            assert_eq!(t.run(args), *reply, "{args:?}");
        }
    }

    #[test]
    fn option_and_argument_errors() {
        let mut t = client();
        assert_eq!(t.now.unix_ms(), NOW_MS);
        put(&t, "k", "v");
        check(
            &mut t,
            &[
                (
                    &["expire", "k", "100", "foo"],
                    "-ERR Unsupported option foo\r\n",
                ),
                (
                    &["expire", "k", "x", "foo"],
                    "-ERR Unsupported option foo\r\n",
                ),
                (
                    &["expire", "k", "100", "nx", "xx"],
                    "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
                ),
                (
                    &["expire", "k", "100", "NX", "GT"],
                    "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
                ),
                (
                    &["pexpire", "k", "100", "nx", "lt"],
                    "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
                ),
                (
                    &["expireat", "k", "100", "gt", "lt"],
                    "-ERR GT and LT options at the same time are not compatible\r\n",
                ),
                (
                    &["pexpireat", "k", "100", "xx", "gt", "lt"],
                    "-ERR GT and LT options at the same time are not compatible\r\n",
                ),
                (
                    &["expire", "k", "x"],
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    &["expire", "k", "1.5"],
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    &["expire", "k"],
                    "-ERR wrong number of arguments for 'expire' command\r\n",
                ),
            ],
        );
        // The option is printed as C text: it ends at a NUL byte.
        let args =
            ["expire", "k", "100", "a\0b"].map(|a| bytes::Bytes::copy_from_slice(a.as_bytes()));
        assert_eq!(t.run_bytes(&args), "-ERR Unsupported option a\r\n");
        assert_eq!(stored_keys(&t, 0), ["k"], "no error touched the key");
        assert_eq!(t.run(&["ttl", "k"]), ":-1\r\n");
    }

    #[test]
    fn overflowing_times_are_refused_before_the_lookup() {
        let mut t = client();
        put(&t, "k", "v");
        check(
            &mut t,
            &[
                (
                    &["expire", "nokey", "9223372036854775807"],
                    "-ERR invalid expire time in 'expire' command\r\n",
                ),
                (
                    &["expire", "k", "9223372036854775"],
                    "-ERR invalid expire time in 'expire' command\r\n",
                ),
                (
                    &["expire", "k", "-9223372036854776"],
                    "-ERR invalid expire time in 'expire' command\r\n",
                ),
                (
                    &["pexpire", "k", "9223372036854775807"],
                    "-ERR invalid expire time in 'pexpire' command\r\n",
                ),
                (
                    &["expireat", "k", "9223372036854776"],
                    "-ERR invalid expire time in 'expireat' command\r\n",
                ),
                (&["expire", "nokey", "100"], ":0\r\n"),
                (&["expireat", "k", "9223372036854775"], ":1\r\n"),
                (&["pexpiretime", "k"], ":9223372036854775000\r\n"),
                (&["pexpireat", "k", "9223372036854775807"], ":1\r\n"),
                (&["pexpiretime", "k"], ":9223372036854775807\r\n"),
                (&["expiretime", "k"], ":9223372036854776\r\n"),
                (&["pttl", "k"], ":9223370336854775807\r\n"),
                (&["ttl", "k"], ":9223370336854776\r\n"),
                (&["persist", "k"], ":1\r\n"),
                // A huge negative relative time is in range, and in the past: the key goes.
                (&["expire", "k", "-9223372036854775"], ":1\r\n"),
                (&["exists", "k"], ":0\r\n"),
            ],
        );
    }

    #[test]
    fn ttl_family_reports_relative_and_absolute_times() {
        let mut t = client();
        put(&t, "k", "v");
        check(
            &mut t,
            &[
                (&["ttl", "k"], ":-1\r\n"),
                (&["pttl", "k"], ":-1\r\n"),
                (&["expiretime", "k"], ":-1\r\n"),
                (&["pexpiretime", "k"], ":-1\r\n"),
                (&["ttl", "nokey"], ":-2\r\n"),
                (&["pttl", "nokey"], ":-2\r\n"),
                (&["expiretime", "nokey"], ":-2\r\n"),
                (&["pexpiretime", "nokey"], ":-2\r\n"),
                (&["expire", "k", "100"], ":1\r\n"),
                (&["ttl", "k"], ":100\r\n"),
                (&["pttl", "k"], ":100000\r\n"),
                (&["expiretime", "k"], ":1700000100\r\n"),
                (&["pexpiretime", "k"], ":1700000100000\r\n"),
                (&["pexpire", "k", "1499"], ":1\r\n"),
                (&["ttl", "k"], ":1\r\n"),
                (&["pexpire", "k", "1500"], ":1\r\n"),
                (&["ttl", "k"], ":2\r\n"),
                (&["pexpireat", "k", "1700000001499"], ":1\r\n"),
                (&["expiretime", "k"], ":1700000001\r\n"),
                (&["pexpireat", "k", "1700000001500"], ":1\r\n"),
                (&["expiretime", "k"], ":1700000002\r\n"),
                (&["expireat", "k", "1700000060"], ":1\r\n"),
                (&["pttl", "k"], ":60000\r\n"),
            ],
        );
        t.advance_ms(59_400);
        check(
            &mut t,
            &[(&["ttl", "k"], ":1\r\n"), (&["pttl", "k"], ":600\r\n")],
        );
        t.advance_ms(600);
        check(
            &mut t,
            &[
                (&["pttl", "k"], ":0\r\n"),
                (&["ttl", "k"], ":0\r\n"),
                (&["exists", "k"], ":1\r\n"),
            ],
        );
        t.advance_ms(1);
        check(
            &mut t,
            &[(&["pttl", "k"], ":-2\r\n"), (&["exists", "k"], ":0\r\n")],
        );
        // TTL reads are counted lookups.
        let before = hits_misses(&t);
        put(&t, "x", "v");
        t.run(&["ttl", "x"]);
        t.run(&["pexpiretime", "nokey"]);
        assert_eq!(hits_misses(&t), (before.0 + 1, before.1 + 1));
    }

    #[test]
    fn nx_xx_gt_lt_conditions() {
        let mut t = client();
        put(&t, "k", "v");
        check(
            &mut t,
            &[
                (&["expire", "k", "100", "xx"], ":0\r\n"),
                (&["expire", "k", "100", "gt"], ":0\r\n"),
                (&["expire", "k", "100", "lt"], ":1\r\n"),
                (&["expire", "k", "100", "nx"], ":0\r\n"),
                (&["expire", "k", "200", "nx"], ":0\r\n"),
                (&["expire", "k", "50", "gt"], ":0\r\n"),
                (&["expire", "k", "100", "gt"], ":0\r\n"),
                (&["ttl", "k"], ":100\r\n"),
                (&["expire", "k", "200", "GT"], ":1\r\n"),
                (&["expire", "k", "300", "lt"], ":0\r\n"),
                (&["expire", "k", "200", "lt"], ":0\r\n"),
                (&["expire", "k", "50", "xx", "lt"], ":1\r\n"),
                (&["expire", "k", "60", "xx", "gt"], ":1\r\n"),
                (&["ttl", "k"], ":60\r\n"),
                (&["expire", "k", "0", "gt"], ":0\r\n"),
                (&["exists", "k"], ":1\r\n"),
                (&["persist", "k"], ":1\r\n"),
                (&["expire", "k", "100", "Nx"], ":1\r\n"),
                (&["persist", "k"], ":1\r\n"),
                // No TTL is an infinite one: LT accepts any time, including a past one.
                (&["expire", "k", "-1", "lt"], ":1\r\n"),
                (&["exists", "k"], ":0\r\n"),
            ],
        );
    }

    #[test]
    fn past_deadlines_delete_and_writes_are_counted() {
        let mut t = client();
        for key in ["a", "b", "c", "d", "e"] {
            put(&t, key, "v");
        }
        let before = dirty(&t);
        check(
            &mut t,
            &[
                (&["pexpire", "a", "0"], ":1\r\n"),
                (&["expireat", "b", "1"], ":1\r\n"),
                (&["pexpireat", "c", "-9223372036854775808"], ":1\r\n"),
                (&["pexpireat", "d", &NOW_MS.to_string()], ":1\r\n"),
                (&["pexpireat", "e", &(NOW_MS + 1).to_string()], ":1\r\n"),
                (&["pexpire", "e", "1000"], ":1\r\n"),
                (&["pexpire", "e", "1000"], ":1\r\n"),
                (&["persist", "e"], ":1\r\n"),
                (&["persist", "e"], ":0\r\n"),
                (&["persist", "nokey"], ":0\r\n"),
                (&["expire", "e", "10", "gt"], ":0\r\n"),
            ],
        );
        assert_eq!(
            stored_keys(&t, 0),
            ["e"],
            "a deadline at or before now deletes at once"
        );
        assert_eq!(
            dirty(&t),
            before + 8,
            "every accepted EXPIRE and PERSIST is a change; refusals are not"
        );
        assert_eq!(
            t.engine
                .keyspace
                .stats
                .expired_keys
                .load(std::sync::atomic::Ordering::Relaxed),
            0,
            "EXPIRE deletes, not expiry"
        );
        // The TTL index follows: active expiry removes exactly the keys that are due.
        assert_eq!(t.run(&["pexpire", "e", "10"]), ":1\r\n");
        put_in(&t, 0, "f", "v", 0);
        let (removed, _) =
            t.engine
                .keyspace
                .expire_shard(t.engine.keyspace.shard_of(b"e"), NOW_MS + 11, 100);
        assert_eq!(removed, 1);
        assert_eq!(stored_keys(&t, 0), ["f"]);
    }

    #[test]
    fn expire_works_in_the_selected_database() {
        let mut t = client();
        put_in(&t, 4, "k", "v", 0);
        assert_eq!(t.run(&["expire", "k", "10"]), ":0\r\n");
        assert_eq!(t.run(&["select", "4"]), "+OK\r\n");
        assert_eq!(t.run(&["expire", "k", "10"]), ":1\r\n");
        assert_eq!(t.run(&["pttl", "k"]), ":10000\r\n");
        assert_eq!(t.run(&["persist", "k"]), ":1\r\n");
        assert_eq!(t.run(&["pttl", "k"]), ":-1\r\n");
    }
}
