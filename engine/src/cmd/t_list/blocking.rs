//! The blocking list commands: BLPOP, BRPOP, BRPOPLPUSH, BLMOVE, BLMPOP. Each does what its
//! non-blocking twin does when there is something to take; otherwise it blocks the client
//! (see `crate::blocking`), or, inside EXEC, answers the timeout reply at once. When re-run on
//! a blocked client's behalf it takes only from the key that became ready, or stays blocked.

use bytes::Bytes;

use super::super::t_string::db_and_out;
use super::{
    End, MPOP_COUNT_RANGE, NUMKEYS_RANGE, end_arg, keyword, list_len, move_reply, mpop_reply,
    pop_with_key_reply,
};
use crate::cmd::{SYNTAX, WRONGTYPE};
use crate::resp::parse::parse_i64;
use crate::session::Ctx;

/// Parses a blocking timeout in seconds (a float) into an absolute deadline in Unix ms, or
/// `None` for 0 (wait forever). Replies Redis's error and returns `Err` when invalid.
pub(crate) fn deadline_arg(ctx: &mut Ctx<'_, '_>, arg: &[u8]) -> Result<Option<u64>, ()> {
    let Some(seconds) = crate::util::parse_f64(arg) else {
        ctx.out.error("ERR timeout is not a float or out of range");
        return Err(());
    };
    let ms = seconds * 1000.0;
    // Redis converts to a 64-bit integer; out-of-range values come out negative there.
    if !(0.0..9.2e18).contains(&ms) {
        ctx.out.error("ERR timeout is negative");
        return Err(());
    }
    let ms = ms as u64;
    Ok((ms > 0).then(|| ctx.now.unix_ms().saturating_add(ms)))
}

/// `BLPOP key [key ...] timeout`
pub fn blpop(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    blocking_pop(ctx, args, End::Left);
}

/// `BRPOP key [key ...] timeout`
pub fn brpop(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    blocking_pop(ctx, args, End::Right);
}

fn blocking_pop(ctx: &mut Ctx<'_, '_>, args: &[Bytes], end: End) {
    let Ok(deadline) = deadline_arg(ctx, &args[args.len() - 1]) else {
        return;
    };
    let keys = &args[1..args.len() - 1];
    let serving = ctx.client.serving.clone();
    let (mut db, out) = db_and_out(ctx);
    for key in keys {
        if serving.as_deref().is_some_and(|ready| ready != &key[..]) {
            continue;
        }
        match list_len(&mut db, key) {
            Err(_) if serving.is_some() => return, // not a list (any more): keep waiting
            Err(_) => return out.error(WRONGTYPE),
            Ok(0) => continue,
            Ok(_) => {
                out.array(2);
                out.bulk(key);
                super::pop_reply(&mut db, key, end, None, out);
                return;
            }
        }
    }
    finish_empty(ctx, keys, deadline);
}

/// Nothing to take: stay blocked (serving), answer the timeout reply (inside EXEC), or block.
fn finish_empty(ctx: &mut Ctx<'_, '_>, keys: &[Bytes], deadline: Option<u64>) {
    if ctx.client.serving.is_some() {
        return;
    }
    if ctx.client.in_exec {
        return ctx.out.null_array();
    }
    ctx.block(keys.iter().map(|k| k.to_vec()).collect(), deadline);
}

/// `BRPOPLPUSH source destination timeout`
pub fn brpoplpush(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Ok(deadline) = deadline_arg(ctx, &args[3]) else {
        return;
    };
    blocking_move(ctx, &args[1], &args[2], End::Right, End::Left, deadline);
}

/// `BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout`
pub fn blmove(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (Some(from), Some(to)) = (end_arg(&args[3]), end_arg(&args[4])) else {
        return ctx.out.error(SYNTAX);
    };
    let Ok(deadline) = deadline_arg(ctx, &args[5]) else {
        return;
    };
    blocking_move(ctx, &args[1], &args[2], from, to, deadline);
}

fn blocking_move(
    ctx: &mut Ctx<'_, '_>,
    src: &Bytes,
    dst: &[u8],
    from: End,
    to: End,
    deadline: Option<u64>,
) {
    let serving = ctx.client.serving.is_some();
    let (mut db, out) = db_and_out(ctx);
    match list_len(&mut db, src) {
        Ok(0) => {}
        Err(_) if serving => return,
        _ => {
            move_reply(&mut db, src, dst, from, to, out);
            return;
        }
    }
    // Inside EXEC Redis answers an empty source with a null bulk here, where the other
    // blocking commands (and a BLMOVE that timed out while blocked) answer a null array.
    if ctx.client.in_exec && !serving {
        return ctx.out.null();
    }
    finish_empty(ctx, std::slice::from_ref(src), deadline);
}

/// `BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]`
///
/// Its keys are found from `numkeys`, so the dispatcher locked nothing and this handler locks
/// the keyspace itself.
pub fn blmpop(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Ok(deadline) = deadline_arg(ctx, &args[1]) else {
        return;
    };
    let numkeys = match parse_i64(&args[2]) {
        Some(n) if n >= 1 => n as u64,
        _ => return ctx.out.error(NUMKEYS_RANGE),
    };
    let where_index = match usize::try_from(numkeys) {
        Ok(n) if 3 + n < args.len() => 3 + n,
        _ => return ctx.out.error(SYNTAX),
    };
    let Some(end) = end_arg(&args[where_index]) else {
        return ctx.out.error(SYNTAX);
    };
    let mut count = None;
    let mut j = where_index + 1;
    while j < args.len() {
        if count.is_none() && keyword(&args[j], "count") && j + 1 < args.len() {
            j += 1;
            match parse_i64(&args[j]) {
                Some(n) if n >= 1 => count = Some(usize::try_from(n).unwrap_or(usize::MAX)),
                _ => return ctx.out.error(MPOP_COUNT_RANGE),
            }
        } else {
            return ctx.out.error(SYNTAX);
        }
        j += 1;
    }
    let keys = &args[3..where_index];
    let count = count.unwrap_or(1);
    ctx.lock_all();
    let serving = ctx.client.serving.clone();
    let (mut db, out) = db_and_out(ctx);
    if let Some(ready) = serving {
        if keys.iter().any(|k| k[..] == ready[..])
            && matches!(list_len(&mut db, &ready), Ok(n) if n > 0)
        {
            pop_with_key_reply(&mut db, &ready, end, count, out);
        }
        return;
    }
    let mut any = false;
    for key in keys {
        match list_len(&mut db, key) {
            Err(_) => return out.error(WRONGTYPE),
            Ok(0) => {}
            Ok(_) => any = true,
        }
    }
    if any {
        mpop_reply(&mut db, keys, end, count, out);
        return;
    }
    finish_empty(ctx, keys, deadline);
}

#[cfg(test)]
mod tests {
    use crate::testing::{TestClient, client};

    fn pair() -> (TestClient, TestClient) {
        let a = client();
        let b = TestClient::connect(a.engine, a.now);
        (a, b)
    }

    #[test]
    fn served_by_a_later_push() {
        let (mut a, mut b) = pair();
        assert_eq!(a.run(&["blpop", "k", "0"]), "");
        assert!(a.session.is_blocked());
        assert_eq!(a.poll_blocked(), None);
        assert_eq!(b.run(&["rpush", "k", "x", "y"]), ":2\r\n");
        assert_eq!(a.poll_blocked().unwrap(), "*2\r\n$1\r\nk\r\n$1\r\nx\r\n");
        assert_eq!(b.run(&["lrange", "k", "0", "-1"]), "*1\r\n$1\r\ny\r\n");
        assert!(b.run(&["info", "clients"]).contains("blocked_clients:0"));
    }

    #[test]
    fn immediate_when_data_exists_and_wrongtype() {
        let (mut a, _) = pair();
        a.run(&["rpush", "k", "1"]);
        assert_eq!(
            a.run(&["brpop", "empty", "k", "0"]),
            "*2\r\n$1\r\nk\r\n$1\r\n1\r\n"
        );
        a.run(&["set", "s", "x"]);
        assert_eq!(
            a.run(&["blpop", "s", "0"]),
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
        );
        assert_eq!(
            a.run(&["blpop", "k", "x"]),
            "-ERR timeout is not a float or out of range\r\n"
        );
        assert_eq!(a.run(&["blpop", "k", "-1"]), "-ERR timeout is negative\r\n");
    }

    #[test]
    fn waiters_are_served_in_arrival_order() {
        let (mut a, mut b) = pair();
        let mut c = TestClient::connect(a.engine, a.now);
        a.run(&["blpop", "q", "0"]);
        c.run(&["blpop", "q", "0"]);
        b.run(&["lpush", "q", "first"]);
        assert_eq!(
            a.poll_blocked().unwrap(),
            "*2\r\n$1\r\nq\r\n$5\r\nfirst\r\n"
        );
        assert_eq!(c.poll_blocked(), None);
        b.run(&["lpush", "q", "second"]);
        assert_eq!(
            c.poll_blocked().unwrap(),
            "*2\r\n$1\r\nq\r\n$6\r\nsecond\r\n"
        );
    }

    #[test]
    fn timeouts_answer_a_null_array() {
        let (mut a, _) = pair();
        a.run(&["blpop", "k", "1.5"]);
        a.advance_ms(1000);
        assert_eq!(a.poll_blocked(), None);
        a.advance_ms(600);
        assert_eq!(a.poll_blocked().unwrap(), "*-1\r\n");
        a.run(&["hello", "3"]);
        a.run(&["blmove", "a", "b", "left", "right", "0.01"]);
        a.advance_ms(20);
        assert_eq!(a.poll_blocked().unwrap(), "_\r\n");
    }

    #[test]
    fn inside_exec_nothing_blocks_and_exec_is_atomic_for_waiters() {
        let (mut a, mut b) = pair();
        b.run(&["multi"]);
        b.run(&["blpop", "k", "0"]);
        // BLMOVE and BRPOPLPUSH answer a null bulk here, not a null array (found by
        // tests/difffuzz).
        b.run(&["blmove", "k", "d", "left", "left", "0"]);
        b.run(&["brpoplpush", "k", "d", "0"]);
        assert_eq!(b.run(&["exec"]), "*3\r\n*-1\r\n$-1\r\n$-1\r\n");
        a.run(&["blpop", "k", "0"]);
        b.run(&["multi"]);
        for v in ["a", "b", "c"] {
            b.run(&["lpush", "k", v]);
        }
        b.run(&["exec"]);
        assert_eq!(a.poll_blocked().unwrap(), "*2\r\n$1\r\nk\r\n$1\r\nc\r\n");
        // A push undone in the same transaction wakes nobody.
        a.run(&["del", "k"]);
        a.run(&["blpop", "k", "0"]);
        b.run(&["multi"]);
        b.run(&["lpush", "k", "x"]);
        b.run(&["del", "k"]);
        b.run(&["exec"]);
        assert_eq!(a.poll_blocked(), None);
        b.run(&["set", "k", "string now"]);
        assert_eq!(
            a.poll_blocked(),
            None,
            "a key of another type does not serve a list waiter"
        );
    }

    #[test]
    fn blmove_and_brpoplpush_move_when_served() {
        let (mut a, mut b) = pair();
        a.run(&["blmove", "src", "dst", "right", "left", "0"]);
        b.run(&["rpush", "src", "1", "2"]);
        assert_eq!(a.poll_blocked().unwrap(), "$1\r\n2\r\n");
        assert_eq!(b.run(&["lrange", "dst", "0", "-1"]), "*1\r\n$1\r\n2\r\n");
        a.run(&["brpoplpush", "none", "dst", "0"]);
        b.run(&["rpush", "none", "z"]);
        assert_eq!(a.poll_blocked().unwrap(), "$1\r\nz\r\n");
        assert_eq!(
            b.run(&["lrange", "dst", "0", "-1"]),
            "*2\r\n$1\r\nz\r\n$1\r\n2\r\n"
        );
    }

    #[test]
    fn blmpop_blocks_on_all_keys() {
        let (mut a, mut b) = pair();
        assert_eq!(
            a.run(&["blmpop", "0", "2", "x", "y", "left", "count", "2"]),
            ""
        );
        b.run(&["rpush", "y", "1", "2", "3"]);
        assert_eq!(
            a.poll_blocked().unwrap(),
            "*2\r\n$1\r\ny\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n"
        );
        assert_eq!(
            a.run(&["blmpop", "0", "0", "x", "left"]),
            "-ERR numkeys should be greater than 0\r\n"
        );
    }

    #[test]
    fn client_unblock() {
        let (mut a, mut b) = pair();
        let id = a.session.id().to_string();
        a.run(&["blpop", "k", "0"]);
        assert_eq!(b.run(&["client", "unblock", &id, "error"]), ":1\r\n");
        assert_eq!(
            a.poll_blocked().unwrap(),
            "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
        );
        assert_eq!(b.run(&["client", "unblock", &id]), ":0\r\n");
        a.run(&["blpop", "k", "0"]);
        assert_eq!(b.run(&["client", "unblock", &id, "timeout"]), ":1\r\n");
        assert_eq!(a.poll_blocked().unwrap(), "*-1\r\n");
        assert_eq!(
            b.run(&["client", "unblock", &id, "x"]),
            "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n"
        );
    }
}
