//! ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER and ZSCAN.
//!
//! `pop` and `reply_popped` are the pieces the blocking forms (BZPOPMIN, BZPOPMAX, BZMPOP,
//! built with the blocking machinery) call after a wake-up.
//!
//! # How ZSCAN iterates a large set
//!
//! Redis walks its hash table with a reverse-binary cursor. The large form here has no table
//! of members in a stable order, so the cursor names a score instead: the next call starts at
//! the first member whose score is >= that score. A reply holds COUNT members, then carries on
//! to the end of the run of members sharing the last score, so no member is skipped at a
//! cursor boundary (a run of equal scores is returned in one reply however long it is, as
//! Redis returns a whole listpack at once). Every member present for the whole scan with an
//! unchanged score is returned; one whose score changes mid-scan may be missed or returned
//! twice (Redis's cursor is blind to scores, so that is a deviation, documented). The cursor
//! is the score's bits mapped to an order-preserving u64, never 0. Small sets answer in one
//! reply with cursor 0, as Redis does for a listpack.

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::sync::atomic::Ordering;

use bytes::Bytes;

use super::{
    WrongType, is_option, lock_keys, read, remove_if_empty, reply_entries_header, reply_entry,
};
use crate::cmd::keys::parse_cursor;
use crate::cmd::t_string::db_and_out;
use crate::cmd::{NOT_INTEGER, SYNTAX, WRONGTYPE};
use crate::glob::glob_match;
use crate::keyspace::{Db, Value};
use crate::pubsub::class;
use crate::resp::Reply;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::types::zset::ZSet;
use crate::util::format_double;

/// Which end of the set a pop takes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum End {
    Min,
    Max,
}

/// A reply past this size ends ZRANDMEMBER's repeat-allowed loop and closes the connection,
/// as Redis does when a client passes its output buffer limit; otherwise
/// `ZRANDMEMBER k -9223372036854775807` would try to build an exabyte reply.
/// (1 MiB under test, so the test of the bound stays cheap.)
pub(super) const RANDOM_REPLY_BYTES_MAX: usize = if cfg!(test) { 1 << 20 } else { 1 << 30 };

/// Entries taken by a pop, in pop order.
pub(crate) type Popped = Vec<(f64, Box<[u8]>)>;

/// Pops up to `count` entries from the `end` of the sorted set at `key`, in pop order,
/// counting one change per entry and publishing `zpopmin`/`zpopmax` (Redis's
/// `genericZpopCommand`). `Ok(None)` when the key does not exist; `Err` (nothing replied)
/// when it holds another type. The caller replies, then calls `remove_if_empty`: Redis
/// deletes an emptied key (and publishes `del`) after its reply.
#[cfg(test)]
pub(crate) fn pop(
    db: &mut Db<'_, '_>,
    key: &[u8],
    end: End,
    count: usize,
) -> Result<Option<Popped>, WrongType> {
    pop_with(db, key, end, count, |_| {})
}

/// [`pop`], calling `before(n)` once it knows it will pop `n` entries, before it removes
/// them: Redis writes its reply's header there, ahead of the pop's keyspace event.
fn pop_with(
    db: &mut Db<'_, '_>,
    key: &[u8],
    end: End,
    count: usize,
    before: impl FnOnce(usize),
) -> Result<Option<Popped>, WrongType> {
    let zset = match db.lookup_write(key) {
        None => return Ok(None),
        Some(entry) => match &mut entry.value {
            Value::ZSet(zset) => zset,
            _ => return Err(WrongType),
        },
    };
    let len = zset.len();
    let count = count.min(len);
    before(count);
    let ranks = match end {
        End::Min => 0..count,
        End::Max => len - count..len,
    };
    let mut popped = Vec::with_capacity(count);
    zset.remove_ranks(ranks, end == End::Max, |score, member| {
        popped.push((score, member.into()));
    });
    if !popped.is_empty() {
        let event = match end {
            End::Min => "zpopmin",
            End::Max => "zpopmax",
        };
        db.notify(class::ZSET, event, key);
    }
    let stats = &db.locked().keyspace().stats;
    stats
        .dirty
        .fetch_add(popped.len() as u64, Ordering::Relaxed);
    Ok(Some(popped))
}

/// Replies popped entries in Redis's four shapes: flat `[m, s, ...]` (ZPOPMIN, and RESP3
/// without COUNT), nested `[[m, s], ...]` (RESP3 with COUNT), flat after the key (BZPOPMIN)
/// or `[key, [[m, s], ...]]` (ZMPOP, BZMPOP).
#[cfg(test)]
pub(crate) fn reply_popped(
    out: &mut Reply,
    key: Option<&[u8]>,
    entries: &[(f64, Box<[u8]>)],
    nested: bool,
) {
    reply_popped_header(out, key, entries.len(), nested);
    reply_popped_entries(out, entries, nested);
}

fn reply_popped_header(out: &mut Reply, key: Option<&[u8]>, n: usize, nested: bool) {
    match (key, nested) {
        (None, false) => out.array(n * 2),
        (None, true) => out.array(n),
        (Some(key), false) => {
            out.array(n * 2 + 1);
            out.bulk(key);
        }
        (Some(key), true) => {
            out.array(2);
            out.bulk(key);
            out.array(n);
        }
    }
}

fn reply_popped_entries(out: &mut Reply, entries: &[(f64, Box<[u8]>)], nested: bool) {
    for (score, member) in entries {
        if nested {
            out.array(2);
        }
        out.bulk(member);
        out.double(*score);
    }
}

/// Pops from `key` and replies `[key, ...]` (see [`reply_popped`]) in Redis's order: header,
/// `zpopmin`/`zpopmax` event, entries, and the emptied key's `del`. False (nothing replied)
/// when the key is missing.
pub(crate) fn pop_replying(
    db: &mut Db<'_, '_>,
    out: &mut Reply,
    key: &[u8],
    end: End,
    count: usize,
    nested: bool,
) -> Result<bool, WrongType> {
    let header = |n| reply_popped_header(out, Some(key), n, nested);
    let Some(popped) = pop_with(db, key, end, count, header)? else {
        return Ok(false);
    };
    reply_popped_entries(out, &popped, nested);
    remove_if_empty(db, key);
    Ok(true)
}

/// `ZPOPMIN key [count]`: removes and replies the members with the lowest scores.
pub fn zpopmin(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    zpop_generic(ctx, args, End::Min);
}

/// `ZPOPMAX key [count]`: removes and replies the members with the highest scores.
pub fn zpopmax(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    zpop_generic(ctx, args, End::Max);
}

fn zpop_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], end: End) {
    if args.len() > 3 {
        ctx.out.error(SYNTAX);
        return;
    }
    let mut count = 1;
    if let Some(arg) = args.get(2) {
        match parse_i64(arg).and_then(|n| usize::try_from(n).ok()) {
            Some(n) => count = n,
            None => {
                ctx.out.error("ERR value is out of range, must be positive");
                return;
            }
        }
    }
    // RESP3 nests the pairs only when COUNT was given, as in Redis.
    let nested = ctx.out.resp3() && args.len() == 3;
    let (mut db, out) = db_and_out(ctx);
    let header = |n| reply_popped_header(out, None, n, nested);
    match pop_with(&mut db, &args[1], end, count, header) {
        Err(WrongType) => out.error(WRONGTYPE),
        Ok(None) => out.array(0),
        Ok(Some(popped)) => {
            reply_popped_entries(out, &popped, nested);
            remove_if_empty(&mut db, &args[1]);
        }
    }
}

/// Parses a count-like argument as `getRangeLongFromObjectOrReply(1, LONG_MAX, msg)`, whose
/// message also answers a non-integer.
fn positive_arg(out: &mut Reply, arg: &[u8], message: &str) -> Option<usize> {
    let parsed = parse_i64(arg).filter(|&n| n >= 1).map(|n| n as usize);
    if parsed.is_none() {
        out.error(message);
    }
    parsed
}

/// `ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]`: pops from the first non-empty set;
/// replies `[key, [[member, score], ...]]`, or a null array when every set is empty.
pub fn zmpop(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(numkeys) = positive_arg(ctx.out, &args[1], "ERR numkeys should be greater than 0")
    else {
        return;
    };
    if numkeys >= args.len() - 2 {
        ctx.out.error(SYNTAX);
        return;
    }
    let where_index = numkeys + 2;
    let end = if is_option(&args[where_index], "min") {
        End::Min
    } else if is_option(&args[where_index], "max") {
        End::Max
    } else {
        ctx.out.error(SYNTAX);
        return;
    };
    let mut count = None;
    let mut j = where_index + 1;
    while j < args.len() {
        if count.is_none() && is_option(&args[j], "count") && j + 1 < args.len() {
            let message = "ERR count should be greater than 0";
            let Some(n) = positive_arg(ctx.out, &args[j + 1], message) else {
                return;
            };
            count = Some(n);
            j += 2;
        } else {
            ctx.out.error(SYNTAX);
            return;
        }
    }
    let keys = &args[2..where_index];
    lock_keys(ctx, keys.iter().map(|k| &k[..]));
    let (mut db, out) = db_and_out(ctx);
    for key in keys {
        match pop_replying(&mut db, out, key, end, count.unwrap_or(1), true) {
            Err(WrongType) => return out.error(WRONGTYPE),
            Ok(false) => {}
            Ok(true) => return,
        }
    }
    out.null_array();
}

/// `ZRANDMEMBER key [count [WITHSCORES]]`: random members. A positive count gives distinct
/// members (all of them, highest score first, when it covers the set, as Redis's iterator
/// walks from the tail); a negative one allows repeats.
pub fn zrandmember(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let engine = ctx.engine;
    if args.len() >= 3 {
        let Some(count) = parse_i64(&args[2]) else {
            ctx.out.error(NOT_INTEGER);
            return;
        };
        if count == i64::MIN {
            ctx.out.error(
                "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            );
            return;
        }
        if args.len() > 4 || (args.len() == 4 && !is_option(&args[3], "withscores")) {
            ctx.out.error(SYNTAX);
            return;
        }
        let withscores = args.len() == 4;
        // The reply length doubles with scores; Redis bounds the count so that cannot wrap.
        if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
            ctx.out.error("ERR value is out of range");
            return;
        }
        let (mut db, out) = db_and_out(ctx);
        let zset = match read(&mut db, out, &args[1]) {
            Err(WrongType) => return,
            Ok(None) => return out.array(0),
            Ok(Some(zset)) => zset,
        };
        let too_big = random_with_count(engine, out, zset, count, withscores);
        if too_big {
            ctx.client.close_after_reply = true;
        }
        return;
    }
    let (mut db, out) = db_and_out(ctx);
    match read(&mut db, out, &args[1]) {
        Err(WrongType) => {}
        Ok(None) => out.null(),
        Ok(Some(zset)) => {
            let rank = engine.random_below(zset.len());
            let (_, member) = zset.get(rank).expect("rank below the length");
            out.bulk(member);
        }
    }
}

/// Redis's `zrandmemberWithCountCommand`. Returns true if the reply outgrew its bound.
fn random_with_count(
    engine: &crate::Engine,
    out: &mut Reply,
    zset: &ZSet,
    count: i64,
    withscores: bool,
) -> bool {
    let size = zset.len();
    let (wanted, distinct) = (count.unsigned_abs(), count >= 0);
    if wanted == 0 {
        out.array(0);
        return false;
    }
    if !distinct || wanted == 1 {
        let wanted = wanted as usize;
        reply_entries_header(out, wanted, withscores);
        for _ in 0..wanted {
            let (score, member) = zset.get(engine.random_below(size)).expect("rank in range");
            reply_entry(out, score, member, withscores);
            if out.buf.len() > RANDOM_REPLY_BYTES_MAX {
                return true;
            }
        }
        return false;
    }
    if wanted >= size as u64 {
        reply_entries_header(out, size, withscores);
        let _ = zset.visit(0..size, true, |score, member| {
            reply_entry(out, score, member, withscores);
            ControlFlow::Continue(())
        });
        return false;
    }
    // Floyd's sampling: `wanted` distinct ranks, each subset equally likely, using memory
    // for the sample only; then shuffled, since Redis's order is random too.
    let wanted = wanted as usize;
    let mut chosen = BTreeSet::new();
    for j in size - wanted..size {
        let pick = engine.random_below(j + 1);
        if !chosen.insert(pick) {
            chosen.insert(j);
        }
    }
    let mut ranks: Vec<usize> = chosen.into_iter().collect();
    for i in (1..ranks.len()).rev() {
        ranks.swap(i, engine.random_below(i + 1));
    }
    reply_entries_header(out, wanted, withscores);
    for rank in ranks {
        let (score, member) = zset.get(rank).expect("rank in range");
        reply_entry(out, score, member, withscores);
    }
    false
}

/// A score as a ZSCAN cursor: its bits mapped so that u64 order is score order. Never 0
/// (only a NaN's bits could map there).
fn score_cursor(score: f64) -> u64 {
    let bits = score.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// The score a cursor resumes from; `None` past every score.
fn cursor_score(cursor: u64) -> Option<f64> {
    if cursor == 0 {
        return Some(f64::NEG_INFINITY);
    }
    let positive = cursor >> 63 == 1;
    let bits = if positive {
        cursor & !(1 << 63)
    } else {
        !cursor
    };
    let score = f64::from_bits(bits);
    if score.is_nan() {
        // Not a cursor this server made: beyond +inf ends, below -inf starts over.
        return (!positive).then_some(f64::NEG_INFINITY);
    }
    Some(score)
}

/// `ZSCAN key cursor [MATCH pattern] [COUNT count]`: iterates members and scores (see the
/// module doc for the cursor).
pub fn zscan(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(cursor) = parse_cursor(&args[2]) else {
        ctx.out.error("ERR invalid cursor");
        return;
    };
    let (mut db, out) = db_and_out(ctx);
    let zset = match read(&mut db, out, &args[1]) {
        Err(WrongType) => return,
        Ok(None) => {
            out.array(2);
            out.bulk(b"0");
            return out.array(0);
        }
        Ok(Some(zset)) => zset,
    };
    let mut count = 10usize;
    let mut pattern: Option<&[u8]> = None;
    let mut i = 3;
    while i < args.len() {
        let has_value = i + 1 < args.len();
        if has_value && is_option(&args[i], "count") {
            match parse_i64(&args[i + 1]) {
                None => return out.error(NOT_INTEGER),
                Some(n) if n < 1 => return out.error(SYNTAX),
                Some(n) => count = usize::try_from(n).unwrap_or(usize::MAX),
            }
        } else if has_value && is_option(&args[i], "match") {
            pattern = Some(&args[i + 1][..]).filter(|p| *p != b"*");
        } else {
            return out.error(SYNTAX);
        }
        i += 2;
    }
    let len = zset.len();
    let packed = zset.is_small();
    let (ranks, next_cursor) = if packed {
        (0..len, 0)
    } else {
        let start = cursor_score(cursor).map_or(len, |from| zset.partition_point(|s, _| s < from));
        let mut end = (start + count).min(len);
        if end > start && end < len {
            let last = zset.get(end - 1).expect("rank in range").0;
            end = zset.partition_point(|s, _| s <= last);
        }
        let next = zset.get(end).map_or(0, |(score, _)| score_cursor(score));
        (start..end, next)
    };
    let mut found: Vec<(f64, Box<[u8]>)> = Vec::new();
    let _ = zset.visit(ranks, false, |score, member| {
        if pattern.is_none_or(|p| glob_match(p, member, false)) {
            found.push((score, member.into()));
        }
        ControlFlow::Continue(())
    });
    out.array(2);
    out.bulk(itoa::Buffer::new().format(next_cursor).as_bytes());
    out.array(found.len() * 2);
    for (score, member) in found {
        out.bulk(&member);
        let text = if packed {
            listpack_score_text(score)
        } else {
            format_double(score)
        };
        out.bulk(text.as_bytes());
    }
}

/// A score as ZSCAN writes it for a small set: Redis returns the text its listpack holds,
/// written by `d2string`, which prints integral values within ±2^62 as integers
/// (`100000000000000000`, where a score reply and a skiplist's ZSCAN say `1e+17`) and the rest
/// as `%.17g`.
fn listpack_score_text(score: f64) -> String {
    const INTEGRAL_MAX: f64 = 4_611_686_018_427_387_904.0; // LLONG_MAX / 2 as a double: 2^62
    if score != 0.0 && score.fract() == 0.0 && score.abs() <= INTEGRAL_MAX {
        return itoa::Buffer::new().format(score as i64).to_string();
    }
    format_double(score)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_cursors_keep_score_order() {
        let scores = [
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -0.0,
            0.0,
            5e-324,
            1.0,
            1e300,
            f64::INFINITY,
        ];
        let cursors: Vec<u64> = scores.iter().map(|&s| score_cursor(s)).collect();
        assert!(cursors.windows(2).all(|w| w[0] < w[1]));
        assert!(cursors.iter().all(|&c| c != 0));
        for &s in &scores {
            assert_eq!(
                cursor_score(score_cursor(s)).map(f64::to_bits),
                Some(s.to_bits())
            );
        }
        assert_eq!(cursor_score(0), Some(f64::NEG_INFINITY));
        assert_eq!(cursor_score(u64::MAX), None);
        assert_eq!(cursor_score(1), Some(f64::NEG_INFINITY));
    }

    #[test]
    fn scan_scores_print_like_d2string() {
        // Observed with ZADD then ZSCAN on redis-server 7.0.15.
        for (score, text) in [
            (1e17, "100000000000000000"),
            (123456789012345678.0, "123456789012345680"),
            (4611686018427387904.0, "4611686018427387904"),
            (-4611686018427387904.0, "-4611686018427387904"),
            (5e18, "5e+18"),
            (0.5, "0.5"),
            (-0.0, "-0"),
            (f64::INFINITY, "inf"),
            (3.0, "3"),
        ] {
            assert_eq!(listpack_score_text(score), text);
        }
    }
}
