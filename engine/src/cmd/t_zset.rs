//! Sorted-set commands. This file holds the shared helpers and the single-member commands
//! (ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT); the rest
//! live beside it and are re-exported here so the command table sees one module:
//! - `range`: ZRANGE and its older forms, ZRANGESTORE, ZREMRANGEBYRANK/SCORE/LEX;
//! - `pop`: ZPOPMIN, ZPOPMAX, ZMPOP (and `pop`, which the blocking forms call), ZRANDMEMBER,
//!   ZSCAN;
//! - `setops`: ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD.
//!
//! Behaviour follows Redis 7.0's `t_zset.c`, checked against a live redis-server 7.0.15: the
//! same order of checks (so the same error wins when several apply), the same error texts,
//! reply shapes in RESP2 and RESP3, keyspace hit/miss counting (read commands use
//! `lookup_read`, writes `lookup_write`) and `dirty` accounting. The data structure is
//! `crate::types::zset`; nothing here knows its representation.

pub mod blocking;
mod pop;
mod range;
mod setops;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;

use bytes::Bytes;
use smallvec::SmallVec;

use super::keys::add_dirty;
use super::t_string::{db_and_out, option_name};
use super::{NOT_FLOAT, SYNTAX, WRONGTYPE};
use crate::keyspace::{Db, Value};
use crate::pubsub::class;
use crate::resp::Reply;
use crate::session::Ctx;
use crate::types::zset::{AddFlags, AddOutcome, LexRange, ScoreRange, ZSet, parse_score};

// For the blocking forms (BZPOPMIN, BZPOPMAX, BZMPOP), which run a pop after a wake-up.
#[allow(unused_imports)]
pub(crate) use pop::{End, Popped};
#[cfg(test)]
pub(crate) use pop::{pop, reply_popped};
pub use pop::{zmpop, zpopmax, zpopmin, zrandmember, zscan};
pub use range::{
    zrange, zrangebylex, zrangebyscore, zrangestore, zremrangebylex, zremrangebyrank,
    zremrangebyscore, zrevrange, zrevrangebylex, zrevrangebyscore,
};
pub use setops::{zdiff, zdiffstore, zinter, zintercard, zinterstore, zunion, zunionstore};

pub(crate) const NOT_A_NUMBER: &str = "ERR resulting score is not a number (NaN)";
pub(crate) const RANGE_NOT_FLOAT: &str = "ERR min or max is not a float";
pub(crate) const RANGE_NOT_LEX: &str = "ERR min or max not valid string range item";

/// The key held another type; WRONGTYPE was replied.
pub(crate) struct WrongType;

/// An option keyword as Redis compares it (`strcasecmp` on a C string: up to the first NUL).
pub(crate) fn is_option(arg: &[u8], word: &str) -> bool {
    option_name(arg).eq_ignore_ascii_case(word.as_bytes())
}

/// The sorted set at `key` for a read command, counting a keyspace hit or miss.
pub(crate) fn read<'d>(
    db: &'d mut Db<'_, '_>,
    out: &mut Reply,
    key: &[u8],
) -> Result<Option<&'d ZSet>, WrongType> {
    match db.lookup_read(key) {
        None => Ok(None),
        Some(entry) => match &entry.value {
            Value::ZSet(zset) => Ok(Some(zset)),
            _ => {
                out.error(WRONGTYPE);
                Err(WrongType)
            }
        },
    }
}

/// The sorted set at `key` for a write command.
pub(crate) fn write<'d>(
    db: &'d mut Db<'_, '_>,
    out: &mut Reply,
    key: &[u8],
) -> Result<Option<&'d mut ZSet>, WrongType> {
    match db.lookup_write(key) {
        None => Ok(None),
        Some(entry) => match &mut entry.value {
            Value::ZSet(zset) => Ok(Some(zset)),
            _ => {
                out.error(WRONGTYPE);
                Err(WrongType)
            }
        },
    }
}

/// Deletes `key` if the sorted set there is empty, with its `del` event: a write never leaves
/// an empty set behind. Callers publish their own event first, as Redis does.
pub(crate) fn remove_if_empty(db: &mut Db<'_, '_>, key: &[u8]) {
    if let Some(entry) = db.entry_mut(key)
        && matches!(&entry.value, Value::ZSet(z) if z.is_empty())
    {
        db.remove(key);
        db.notify(class::GENERIC, "del", key);
    }
}

/// Locks the shards of `keys` for a command whose keys the table cannot list (`numkeys`
/// forms). The table's fixed key (the destination of a STORE form) is already locked;
/// release it first so every shard is taken in ascending order.
pub(crate) fn lock_keys<'a>(ctx: &mut Ctx<'_, '_>, keys: impl IntoIterator<Item = &'a [u8]>) {
    if ctx.locked.has_all() {
        return;
    }
    let keyspace = &ctx.engine.keyspace;
    ctx.locked = keyspace.lock(SmallVec::new());
    ctx.locked = keyspace.lock_keys(keys);
}

/// Writes `count` (member, score) entries as Redis does with WITHSCORES: a flat array in
/// RESP2, an array of [member, score] pairs in RESP3. The header only; see [`reply_entry`].
pub(crate) fn reply_entries_header(out: &mut Reply, count: usize, withscores: bool) {
    if withscores && !out.resp3() {
        out.array(count * 2);
    } else {
        out.array(count);
    }
}

/// One entry of a reply begun with [`reply_entries_header`].
pub(crate) fn reply_entry(out: &mut Reply, score: f64, member: &[u8], withscores: bool) {
    if withscores && out.resp3() {
        out.array(2);
    }
    out.bulk(member);
    if withscores {
        out.double(score);
    }
}

/// Parses a score range, replying Redis's error when it is not one.
pub(crate) fn score_range_arg(out: &mut Reply, min: &[u8], max: &[u8]) -> Option<ScoreRange> {
    let range = ScoreRange::parse(min, max);
    if range.is_none() {
        out.error(RANGE_NOT_FLOAT);
    }
    range
}

/// Parses a lexicographic range, replying Redis's error when it is not one.
pub(crate) fn lex_range_arg(out: &mut Reply, min: &[u8], max: &[u8]) -> Option<LexRange> {
    let range = LexRange::parse(min, max);
    if range.is_none() {
        out.error(RANGE_NOT_LEX);
    }
    range
}

/// `ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]`: adds members or
/// updates their scores; replies the number added (changed, with CH), or with INCR the new
/// score (null when the update was not applied).
pub fn zadd(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    zadd_generic(ctx, args, AddFlags::default());
}

/// `ZINCRBY key increment member`: ZADD INCR. The arguments go through ZADD's option parser,
/// as in Redis, so `ZINCRBY key nx member` is a syntax error rather than a float error.
pub fn zincrby(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let flags = AddFlags {
        incr: true,
        ..AddFlags::default()
    };
    zadd_generic(ctx, args, flags);
}

/// Redis's `zaddGenericCommand`.
fn zadd_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], mut flags: AddFlags) {
    let mut ch = false;
    let mut first = 2;
    while first < args.len() {
        let arg = &args[first];
        if is_option(arg, "nx") {
            flags.nx = true;
        } else if is_option(arg, "xx") {
            flags.xx = true;
        } else if is_option(arg, "ch") {
            ch = true;
        } else if is_option(arg, "incr") {
            flags.incr = true;
        } else if is_option(arg, "gt") {
            flags.gt = true;
        } else if is_option(arg, "lt") {
            flags.lt = true;
        } else {
            break;
        }
        first += 1;
    }
    let pairs = &args[first..];
    if pairs.is_empty() || !pairs.len().is_multiple_of(2) {
        ctx.out.error(SYNTAX);
        return;
    }
    if flags.nx && flags.xx {
        ctx.out
            .error("ERR XX and NX options at the same time are not compatible");
        return;
    }
    if (flags.nx && (flags.gt || flags.lt)) || (flags.gt && flags.lt) {
        ctx.out
            .error("ERR GT, LT, and/or NX options at the same time are not compatible");
        return;
    }
    if flags.incr && pairs.len() > 2 {
        ctx.out
            .error("ERR INCR option supports a single increment-element pair");
        return;
    }
    // Every score is checked before anything changes.
    let mut scores: SmallVec<[f64; 8]> = SmallVec::with_capacity(pairs.len() / 2);
    for pair in pairs.chunks_exact(2) {
        let Some(score) = parse_score(&pair[0]) else {
            ctx.out.error(NOT_FLOAT);
            return;
        };
        scores.push(score);
    }

    let key = &args[1];
    let (mut db, out) = db_and_out(ctx);
    let hasher = db.value_hasher();
    let mut created = None;
    let zset = match write(&mut db, out, key) {
        Err(WrongType) => return,
        Ok(Some(zset)) => zset,
        Ok(None) if flags.xx => {
            if flags.incr {
                out.null();
            } else {
                out.int(0);
            }
            return;
        }
        Ok(None) => created.insert(ZSet::new()),
    };
    let (mut added, mut updated, mut processed) = (0, 0, 0);
    let mut last_score = 0.0;
    let mut nan = false;
    for (pair, &score) in pairs.chunks_exact(2).zip(&scores) {
        match zset.add(&pair[1], score, flags, &hasher) {
            AddOutcome::NotANumber => {
                nan = true;
                break;
            }
            AddOutcome::Skipped => continue,
            AddOutcome::Added(s) => {
                added += 1;
                last_score = s;
            }
            AddOutcome::Updated(s) => {
                updated += 1;
                last_score = s;
            }
            AddOutcome::Unchanged(s) => last_score = s,
        }
        processed += 1;
    }
    if let Some(zset) = created
        && !zset.is_empty()
    {
        db.set(key, Value::ZSet(Box::new(zset)), 0);
    }
    if nan {
        // Only INCR can produce NaN, and it takes one pair: nothing changed.
        ctx.out.error(NOT_A_NUMBER);
        return;
    }
    add_dirty(ctx, added + updated);
    if flags.incr {
        if processed > 0 {
            ctx.out.double(last_score);
        } else {
            ctx.out.null();
        }
    } else {
        ctx.out
            .int((if ch { added + updated } else { added }) as i64);
    }
    if added + updated > 0 {
        let event = if flags.incr { "zincr" } else { "zadd" };
        ctx.db().notify(class::ZSET, event, key);
    }
}

/// `ZREM key member [member ...]`: removes members; replies how many existed.
pub fn zrem(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let key = &args[1];
    let (mut db, out) = db_and_out(ctx);
    let removed = match write(&mut db, out, key) {
        Err(WrongType) => return,
        Ok(None) => 0,
        Ok(Some(zset)) => args[2..]
            .iter()
            .filter(|member| zset.remove(member).is_some())
            .count(),
    };
    if removed > 0 {
        db.notify(class::ZSET, "zrem", key);
    }
    remove_if_empty(&mut db, key);
    add_dirty(ctx, removed);
    ctx.out.int(removed as i64);
}

/// `ZCARD key`: the number of members.
pub fn zcard(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    if let Ok(found) = read(&mut db, out, &args[1]) {
        out.int(found.map_or(0, ZSet::len) as i64);
    }
}

/// `ZSCORE key member`: the member's score (a double in RESP3), or null.
pub fn zscore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    if let Ok(found) = read(&mut db, out, &args[1]) {
        match found.and_then(|z| z.score(&args[2])) {
            Some(score) => out.double(score),
            None => out.null(),
        }
    }
}

/// `ZMSCORE key member [member ...]`: the score of each member, null for missing ones.
pub fn zmscore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    if let Ok(found) = read(&mut db, out, &args[1]) {
        out.array(args.len() - 2);
        for member in &args[2..] {
            match found.and_then(|z| z.score(member)) {
                Some(score) => out.double(score),
                None => out.null(),
            }
        }
    }
}

/// `ZRANK key member`: the member's 0-based rank by ascending score, or null. Redis 7.0 has
/// no WITHSCORE option (7.2 added it): its arity makes `ZRANK k m WITHSCORE` an arity error.
pub fn zrank(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    rank_generic(ctx, args, false);
}

/// `ZREVRANK key member`: the member's 0-based rank by descending score, or null.
pub fn zrevrank(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    rank_generic(ctx, args, true);
}

fn rank_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], reverse: bool) {
    let (mut db, out) = db_and_out(ctx);
    if let Ok(found) = read(&mut db, out, &args[1]) {
        let rank = found.and_then(|z| {
            let rank = z.rank(&args[2])?;
            Some(if reverse { z.len() - 1 - rank } else { rank })
        });
        match rank {
            Some(rank) => out.int(rank as i64),
            None => out.null(),
        }
    }
}

/// `ZCOUNT key min max`: the number of members with a score in the range.
pub fn zcount(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    let Some(range) = score_range_arg(out, &args[2], &args[3]) else {
        return;
    };
    if let Ok(found) = read(&mut db, out, &args[1]) {
        out.int(found.map_or(0, |z| z.score_ranks(&range).len()) as i64);
    }
}

/// `ZLEXCOUNT key min max`: the number of members in the lexicographic range.
pub fn zlexcount(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    let Some(range) = lex_range_arg(out, &args[2], &args[3]) else {
        return;
    };
    if let Ok(found) = read(&mut db, out, &args[1]) {
        out.int(found.map_or(0, |z| z.lex_ranks(&range, false).len()) as i64);
    }
}
