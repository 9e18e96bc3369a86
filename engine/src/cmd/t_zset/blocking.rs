//! The blocking sorted-set commands: BZPOPMIN, BZPOPMAX, BZMPOP. Like the list ones (see
//! `cmd::t_list::blocking`): take at once if there is something, else block — or answer the
//! timeout reply inside EXEC; when re-run for a blocked client, take only from the ready key.

use bytes::Bytes;

use super::pop::{End, pop_replying};
use super::{WrongType, is_option, lock_keys};
use crate::cmd::t_list::blocking::deadline_arg;
use crate::cmd::t_string::db_and_out;
use crate::cmd::{SYNTAX, WRONGTYPE};
use crate::resp::parse::parse_i64;
use crate::session::Ctx;

/// `BZPOPMIN key [key ...] timeout`
pub fn bzpopmin(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    blocking_pop(ctx, args, End::Min);
}

/// `BZPOPMAX key [key ...] timeout`
pub fn bzpopmax(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    blocking_pop(ctx, args, End::Max);
}

fn blocking_pop(ctx: &mut Ctx<'_, '_>, args: &[Bytes], end: End) {
    let Ok(deadline) = deadline_arg(ctx, &args[args.len() - 1]) else {
        return;
    };
    let keys = &args[1..args.len() - 1];
    take_or_block(ctx, keys, end, 1, false, deadline);
}

/// Pops `count` from the first non-empty key (or, serving, from the ready key only) and
/// replies `[key, member, score]` (`nested`: `[key, [[member, score], ...]]`); else blocks.
fn take_or_block(
    ctx: &mut Ctx<'_, '_>,
    keys: &[Bytes],
    end: End,
    count: usize,
    nested: bool,
    deadline: Option<u64>,
) {
    let serving = ctx.client.serving.clone();
    let (mut db, out) = db_and_out(ctx);
    for key in keys {
        if serving.as_deref().is_some_and(|ready| ready != &key[..]) {
            continue;
        }
        match pop_replying(&mut db, out, key, end, count, nested) {
            Err(WrongType) if serving.is_some() => return,
            Err(WrongType) => return out.error(WRONGTYPE),
            Ok(false) => {}
            Ok(true) => return,
        }
    }
    if ctx.client.serving.is_some() {
        return;
    }
    if ctx.client.in_exec {
        return ctx.out.null_array();
    }
    ctx.block(keys.iter().map(|k| k.to_vec()).collect(), deadline);
}

/// `BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]`
///
/// Its keys are found from `numkeys`, so this handler locks them itself.
pub fn bzmpop(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Ok(deadline) = deadline_arg(ctx, &args[1]) else {
        return;
    };
    let numkeys = match parse_i64(&args[2]) {
        Some(n) if n >= 1 => n as usize,
        _ => return ctx.out.error("ERR numkeys should be greater than 0"),
    };
    if numkeys >= args.len() - 3 {
        return ctx.out.error(SYNTAX);
    }
    let where_index = numkeys + 3;
    let end = if is_option(&args[where_index], "min") {
        End::Min
    } else if is_option(&args[where_index], "max") {
        End::Max
    } else {
        return ctx.out.error(SYNTAX);
    };
    let mut count = None;
    let mut j = where_index + 1;
    while j < args.len() {
        if count.is_none() && is_option(&args[j], "count") && j + 1 < args.len() {
            match parse_i64(&args[j + 1]) {
                Some(n) if n >= 1 => count = Some(n as usize),
                _ => return ctx.out.error("ERR count should be greater than 0"),
            }
            j += 2;
        } else {
            return ctx.out.error(SYNTAX);
        }
    }
    let keys = &args[3..where_index];
    lock_keys(ctx, keys.iter().map(|k| &k[..]));
    take_or_block(ctx, keys, end, count.unwrap_or(1), true, deadline);
}

#[cfg(test)]
mod tests {
    use crate::testing::{TestClient, client};

    #[test]
    fn bzpop_serves_and_times_out() {
        let mut a = client();
        let mut b = TestClient::connect(a.engine, a.now);
        b.run(&["zadd", "z", "1", "one", "2", "two"]);
        assert_eq!(
            a.run(&["bzpopmin", "none", "z", "0"]),
            "*3\r\n$1\r\nz\r\n$3\r\none\r\n$1\r\n1\r\n"
        );
        assert_eq!(a.run(&["bzpopmax", "empty", "0"]), "");
        b.run(&["zadd", "empty", "5", "five"]);
        assert_eq!(
            a.poll_blocked().unwrap(),
            "*3\r\n$5\r\nempty\r\n$4\r\nfive\r\n$1\r\n5\r\n"
        );
        a.run(&["bzmpop", "0.5", "2", "x", "y", "min", "count", "2"]);
        b.run(&["zadd", "y", "1", "a", "2", "b", "3", "c"]);
        assert_eq!(
            a.poll_blocked().unwrap(),
            "*2\r\n$1\r\ny\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"
        );
        a.run(&["bzpopmin", "nothing", "0.1"]);
        a.advance_ms(150);
        assert_eq!(a.poll_blocked().unwrap(), "*-1\r\n");
        b.run(&["set", "s", "x"]);
        assert_eq!(
            a.run(&["bzpopmin", "s", "0"]),
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
        );
    }
}
