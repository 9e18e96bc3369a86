//! ZRANGE and its older forms (ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX,
//! ZREVRANGE), ZRANGESTORE, and ZREMRANGEBYRANK/SCORE/LEX. All of them come down to a range
//! of ranks in the set: by rank directly, or the ranks a score or member range covers.

use std::ops::{ControlFlow, Range};

use bytes::Bytes;

use super::{
    WrongType, is_option, lex_range_arg, read, remove_if_empty, reply_entries_header, reply_entry,
    score_range_arg, write,
};
use crate::cmd::keys::add_dirty;
use crate::cmd::t_string::db_and_out;
use crate::cmd::{NOT_INTEGER, SYNTAX};
use crate::keyspace::Value;
use crate::pubsub::class;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::types::zset::{
    LexRange, ScoreRange, ZSET_MAX_LISTPACK_ENTRIES, ZSET_MAX_LISTPACK_VALUE, ZSet,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum By {
    Auto,
    Rank,
    Score,
    Lex,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Auto,
    Forward,
    Reverse,
}

/// The range a ZRANGE-family command asked for, parsed.
enum Spec {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange),
}

/// `ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]`.
pub fn zrange(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    zrange_generic(ctx, args, 1, false, By::Auto, Direction::Auto);
}

/// `ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]`: stores the range
/// at `dst` (replacing it, TTL included) and replies its size.
pub fn zrangestore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    zrange_generic(ctx, args, 2, true, By::Auto, Direction::Auto);
}

/// `ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]`.
pub fn zrangebyscore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    zrange_generic(ctx, args, 1, false, By::Score, Direction::Forward);
}

/// `ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]`.
pub fn zrevrangebyscore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    zrange_generic(ctx, args, 1, false, By::Score, Direction::Reverse);
}

/// `ZRANGEBYLEX key min max [LIMIT offset count]`.
pub fn zrangebylex(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    zrange_generic(ctx, args, 1, false, By::Lex, Direction::Forward);
}

/// `ZREVRANGEBYLEX key max min [LIMIT offset count]`.
pub fn zrevrangebylex(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    zrange_generic(ctx, args, 1, false, By::Lex, Direction::Reverse);
}

/// `ZREVRANGE key start stop [WITHSCORES]`.
pub fn zrevrange(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    zrange_generic(ctx, args, 1, false, By::Rank, Direction::Reverse);
}

/// Redis's `zrangeGenericCommand`: `src` is the index of the source key; `store` is whether
/// `args[1]` is a destination.
fn zrange_generic(
    ctx: &mut Ctx<'_, '_>,
    args: &[Bytes],
    src: usize,
    store: bool,
    mut by: By,
    mut direction: Direction,
) {
    let (mut min_index, mut max_index) = (src + 1, src + 2);
    let mut withscores = false;
    let (mut offset, mut limit) = (0i64, -1i64);
    let mut j = src + 3;
    while j < args.len() {
        let left = args.len() - j - 1;
        let arg = &args[j];
        if !store && is_option(arg, "withscores") {
            withscores = true;
        } else if is_option(arg, "limit") && left >= 2 {
            let (Some(o), Some(l)) = (parse_i64(&args[j + 1]), parse_i64(&args[j + 2])) else {
                ctx.out.error(NOT_INTEGER);
                return;
            };
            (offset, limit) = (o, l);
            j += 2;
        } else if direction == Direction::Auto && is_option(arg, "rev") {
            direction = Direction::Reverse;
        } else if by == By::Auto && is_option(arg, "bylex") {
            by = By::Lex;
        } else if by == By::Auto && is_option(arg, "byscore") {
            by = By::Score;
        } else {
            ctx.out.error(SYNTAX);
            return;
        }
        j += 1;
    }
    if by == By::Auto {
        by = By::Rank;
    }
    let reverse = direction == Direction::Reverse;
    // Redis compares with its "no LIMIT" default, so an explicit `LIMIT x -1` passes.
    if limit != -1 && by == By::Rank {
        ctx.out.error(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        );
        return;
    }
    if withscores && by == By::Lex {
        ctx.out
            .error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        return;
    }
    if reverse && by != By::Rank {
        // The reverse forms take the range as max, min.
        std::mem::swap(&mut min_index, &mut max_index);
    }
    let (min, max) = (&args[min_index], &args[max_index]);
    let (mut db, out) = db_and_out(ctx);
    let spec = match by {
        By::Score => match score_range_arg(out, min, max) {
            Some(range) => Spec::Score(range),
            None => return,
        },
        By::Lex => match lex_range_arg(out, min, max) {
            Some(range) => Spec::Lex(range),
            None => return,
        },
        By::Rank | By::Auto => match (parse_i64(min), parse_i64(max)) {
            (Some(start), Some(stop)) => Spec::Rank(start, stop),
            _ => {
                out.error(NOT_INTEGER);
                return;
            }
        },
    };
    let found = match read(&mut db, out, &args[src]) {
        Err(WrongType) => return,
        Ok(found) => found,
    };
    let ranks = found.map_or(0..0, |zset| {
        let ranks = spec_ranks(zset, &spec, reverse);
        match spec {
            Spec::Rank(..) => ranks,
            Spec::Score(_) | Spec::Lex(_) => apply_limit(ranks, offset, limit, reverse),
        }
    });
    if !store {
        reply_entries_header(out, ranks.len(), withscores);
        if let Some(zset) = found {
            let _ = zset.visit(ranks, reverse, |score, member| {
                reply_entry(out, score, member, withscores);
                ControlFlow::Continue(())
            });
        }
        return;
    }
    // Collected in the order Redis inserts them into the destination (the walk's order),
    // for the sake of -0 (see `normalise_like_listpack`).
    let big_from_start = matches!(spec, Spec::Rank(..)) && ranks.len() > ZSET_MAX_LISTPACK_ENTRIES;
    let mut entries: Vec<(f64, Box<[u8]>)> = Vec::with_capacity(ranks.len());
    if let Some(zset) = found {
        let _ = zset.visit(ranks, reverse, |score, member| {
            entries.push((score, member.into()));
            ControlFlow::Continue(())
        });
    }
    if !big_from_start {
        normalise_like_listpack(&mut entries);
    }
    if reverse {
        entries.reverse();
    }
    store_result(ctx, &args[1], &entries, "zrangestore");
}

/// ZRANGESTORE's destination, in Redis, starts as a listpack unless a rank range says up
/// front that it will hold more than 128 entries; it turns into a skiplist when the 129th
/// entry or a member longer than 64 bytes arrives. Entries that went through the listpack lost
/// the sign of a -0 score; the result shows it (ZSCORE answers 0 for them, -0 for the others).
fn normalise_like_listpack(entries: &mut [(f64, Box<[u8]>)]) {
    for (i, (score, member)) in entries.iter_mut().enumerate() {
        if i >= ZSET_MAX_LISTPACK_ENTRIES || member.len() > ZSET_MAX_LISTPACK_VALUE {
            break;
        }
        if *score == 0.0 {
            *score = 0.0;
        }
    }
}

/// Replaces `dst` with the sorted `entries` (or deletes it when there are none) and replies
/// the count, as Redis's store handlers do: a store counts one change, and so does deleting
/// an existing destination. Keyspace events after the reply: `event`, or `del`.
pub(crate) fn store_result(
    ctx: &mut Ctx<'_, '_>,
    dst: &[u8],
    entries: &[(f64, Box<[u8]>)],
    event: &str,
) {
    if entries.is_empty() {
        ctx.out.int(0);
        let mut db = ctx.db();
        if db.remove(dst).is_some() {
            db.notify(class::GENERIC, "del", dst);
            add_dirty(ctx, 1);
        }
        return;
    }
    let mut db = ctx.db();
    let zset = ZSet::from_sorted(entries, &db.value_hasher());
    db.set(dst, Value::ZSet(Box::new(zset)), 0);
    add_dirty(ctx, 1);
    ctx.out.int(entries.len() as i64);
    ctx.db().notify(class::ZSET, event, dst);
}

/// Redis's rank sanitising (ZRANGE, ZREMRANGEBYRANK): negative indexes count from the end,
/// and the range is clamped to the set. Returns ascending ranks, reversed for ZREVRANGE.
fn rank_range(len: usize, start: i64, stop: i64, reverse: bool) -> Range<usize> {
    let len = len as i64;
    let mut start = if start < 0 { start + len } else { start };
    let mut stop = if stop < 0 { stop + len } else { stop };
    start = start.max(0);
    if start > stop || start >= len {
        return 0..0;
    }
    stop = stop.min(len - 1);
    let (start, stop) = (start as usize, stop as usize);
    if reverse {
        let last = len as usize - 1;
        last - stop..last - start + 1
    } else {
        start..stop + 1
    }
}

fn spec_ranks(zset: &ZSet, spec: &Spec, reverse: bool) -> Range<usize> {
    match spec {
        Spec::Rank(start, stop) => rank_range(zset.len(), *start, *stop, reverse),
        Spec::Score(range) => zset.score_ranks(range),
        Spec::Lex(range) => zset.lex_ranks(range, reverse),
    }
}

/// LIMIT as Redis applies it while walking the range: a negative offset skips everything,
/// a negative count means no limit; in reverse the offset counts from the high end.
fn apply_limit(ranks: Range<usize>, offset: i64, limit: i64, reverse: bool) -> Range<usize> {
    let Ok(offset) = usize::try_from(offset) else {
        return ranks.start..ranks.start;
    };
    let skipped = offset.min(ranks.len());
    let rest = ranks.len() - skipped;
    let take = usize::try_from(limit).map_or(rest, |limit| limit.min(rest));
    if reverse {
        let end = ranks.end - skipped;
        end - take..end
    } else {
        let start = ranks.start + skipped;
        start..start + take
    }
}

/// `ZREMRANGEBYRANK key start stop`: removes the members in the rank range; replies how many.
pub fn zremrangebyrank(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (Some(start), Some(stop)) = (parse_i64(&args[2]), parse_i64(&args[3])) else {
        ctx.out.error(NOT_INTEGER);
        return;
    };
    remrange_generic(ctx, args, Spec::Rank(start, stop));
}

/// `ZREMRANGEBYSCORE key min max`: removes the members in the score range; replies how many.
pub fn zremrangebyscore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if let Some(range) = score_range_arg(ctx.out, &args[2], &args[3]) {
        remrange_generic(ctx, args, Spec::Score(range));
    }
}

/// `ZREMRANGEBYLEX key min max`: removes the members in the lexicographic range; replies how
/// many.
pub fn zremrangebylex(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if let Some(range) = lex_range_arg(ctx.out, &args[2], &args[3]) {
        remrange_generic(ctx, args, Spec::Lex(range));
    }
}

fn remrange_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], spec: Spec) {
    let key = &args[1];
    let (mut db, out) = db_and_out(ctx);
    let removed = match write(&mut db, out, key) {
        Err(WrongType) => return,
        Ok(None) => 0,
        Ok(Some(zset)) => {
            let ranks = spec_ranks(zset, &spec, false);
            let removed = ranks.len();
            zset.remove_ranks(ranks, false, |_, _| {});
            removed
        }
    };
    if removed > 0 {
        let event = match spec {
            Spec::Rank(..) => "zremrangebyrank",
            Spec::Score(..) => "zremrangebyscore",
            Spec::Lex(..) => "zremrangebylex",
        };
        db.notify(class::ZSET, event, key);
    }
    remove_if_empty(&mut db, key);
    add_dirty(ctx, removed);
    ctx.out.int(removed as i64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_ranges_are_sanitised_like_redis() {
        assert_eq!(rank_range(5, 0, -1, false), 0..5);
        assert_eq!(rank_range(5, -100, 100, false), 0..5);
        assert_eq!(rank_range(5, 3, 1, false), 0..0);
        assert_eq!(rank_range(5, 5, 10, false), 0..0);
        assert_eq!(rank_range(5, -1, -1, false), 4..5);
        assert_eq!(rank_range(5, 0, 1, true), 3..5);
        assert_eq!(rank_range(5, -2, -1, true), 0..2);
        assert_eq!(rank_range(0, 0, -1, false), 0..0);
        assert_eq!(rank_range(5, i64::MIN, i64::MAX, false), 0..5);
    }

    #[test]
    fn limits_apply_from_the_walk_start() {
        assert_eq!(apply_limit(2..10, 1, 2, false), 3..5);
        assert_eq!(apply_limit(2..10, 1, 2, true), 7..9);
        assert_eq!(apply_limit(2..10, -1, 2, false), 2..2);
        assert_eq!(apply_limit(2..10, 0, -5, false), 2..10);
        assert_eq!(apply_limit(2..10, 100, 5, true), 2..2);
        assert_eq!(apply_limit(2..10, 7, i64::MAX, false), 9..10);
    }
}
