//! ZUNION, ZINTER, ZDIFF, their STORE forms, and ZINTERCARD (Redis's
//! `zunionInterDiffGenericCommand`). Inputs may be sorted sets or plain sets (every member
//! scoring 1); missing keys are empty inputs.
//!
//! Each input is read in turn, one borrow at a time (the keyspace hands out one entry at a
//! time): union accumulates every member; intersection and difference start from one input's
//! members and narrow them input by input. Per member, scores are combined in the same order
//! as Redis (inputs by ascending size, a stable sort), so float sums come out the same.
//! Memory is bounded by the inputs: the accumulator holds at most the members seen.

use ahash::RandomState;
use bytes::Bytes;
use indexmap::IndexMap;

use super::range::store_result;
use super::{is_option, lock_keys, reply_entries_header, reply_entry};
use crate::cmd::t_string::db_and_out;
use crate::cmd::{SYNTAX, WRONGTYPE, int_arg};
use crate::keyspace::{Db, Value};
use crate::session::Ctx;
use crate::types::zset::{cmp_entry, parse_score};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// Redis's `zunionInterAggregate`: a sum that is NaN (`inf + -inf`) becomes 0.
fn aggregate(acc: &mut f64, value: f64, how: Aggregate) {
    match how {
        Aggregate::Sum => {
            *acc += value;
            if acc.is_nan() {
                *acc = 0.0;
            }
        }
        Aggregate::Min => {
            if value < *acc {
                *acc = value;
            }
        }
        Aggregate::Max => {
            if value > *acc {
                *acc = value;
            }
        }
    }
}

struct Source<'a> {
    key: &'a [u8],
    len: usize,
    weight: f64,
}

/// What the accumulator maps each member to: its combined score.
type Accumulator = IndexMap<Box<[u8]>, f64, RandomState>;

/// `ZUNION numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]`.
pub fn zunion(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    setop(ctx, args, None, Op::Union, false, "zunion");
}

/// `ZUNIONSTORE dst numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX]`.
pub fn zunionstore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    setop(ctx, args, Some(1), Op::Union, false, "zunionstore");
}

/// `ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]`.
pub fn zinter(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    setop(ctx, args, None, Op::Inter, false, "zinter");
}

/// `ZINTERSTORE dst numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX]`.
pub fn zinterstore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    setop(ctx, args, Some(1), Op::Inter, false, "zinterstore");
}

/// `ZDIFF numkeys key [key ...] [WITHSCORES]`: the first input's members found in no other.
pub fn zdiff(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    setop(ctx, args, None, Op::Diff, false, "zdiff");
}

/// `ZDIFFSTORE dst numkeys key [key ...]`.
pub fn zdiffstore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    setop(ctx, args, Some(1), Op::Diff, false, "zdiffstore");
}

/// `ZINTERCARD numkeys key [key ...] [LIMIT limit]`: the size of the intersection, at most
/// `limit` when that is not 0.
pub fn zintercard(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    setop(ctx, args, None, Op::Inter, true, "zintercard");
}

fn setop(
    ctx: &mut Ctx<'_, '_>,
    args: &[Bytes],
    dst: Option<usize>,
    op: Op,
    card_only: bool,
    name: &str,
) {
    let numkeys_index = dst.map_or(1, |d| d + 1);
    let Some(numkeys) = int_arg(ctx, &args[numkeys_index]) else {
        return;
    };
    if numkeys < 1 {
        ctx.out.error(format!(
            "ERR at least 1 input key is needed for '{name}' command"
        ));
        return;
    }
    let first = numkeys_index + 1;
    if numkeys as u64 > (args.len() - first) as u64 {
        ctx.out.error(SYNTAX);
        return;
    }
    let keys = &args[first..first + numkeys as usize];
    let dst_key = dst.map(|d| &args[d][..]);
    lock_keys(ctx, dst_key.into_iter().chain(keys.iter().map(|k| &k[..])));

    // Every input is looked up (and counted as a hit or miss) before the options are read,
    // so WRONGTYPE wins over a syntax error, as in Redis.
    let mut sources = Vec::with_capacity(keys.len());
    {
        let (mut db, out) = db_and_out(ctx);
        for key in keys {
            let len = match db.lookup_read(key).map(|e| &e.value) {
                None => 0,
                Some(Value::ZSet(zset)) => zset.len(),
                Some(Value::Set(set)) => set.len(),
                Some(_) => return out.error(WRONGTYPE),
            };
            sources.push(Source {
                key,
                len,
                weight: 1.0,
            });
        }
    }

    let mut how = Aggregate::Sum;
    let mut withscores = false;
    let mut limit = 0usize;
    let mut j = first + keys.len();
    while j < args.len() {
        let remaining = args.len() - j;
        let arg = &args[j];
        if op != Op::Diff && !card_only && remaining > keys.len() && is_option(arg, "weights") {
            for (source, weight) in sources.iter_mut().zip(&args[j + 1..]) {
                let Some(weight) = parse_score(weight) else {
                    ctx.out.error("ERR weight value is not a float");
                    return;
                };
                source.weight = weight;
            }
            j += 1 + keys.len();
        } else if op != Op::Diff && !card_only && remaining >= 2 && is_option(arg, "aggregate") {
            let value = &args[j + 1];
            how = if is_option(value, "sum") {
                Aggregate::Sum
            } else if is_option(value, "min") {
                Aggregate::Min
            } else if is_option(value, "max") {
                Aggregate::Max
            } else {
                ctx.out.error(SYNTAX);
                return;
            };
            j += 2;
        } else if dst.is_none() && !card_only && is_option(arg, "withscores") {
            withscores = true;
            j += 1;
        } else if card_only && remaining >= 2 && is_option(arg, "limit") {
            let parsed = crate::resp::parse::parse_i64(&args[j + 1]);
            let Some(n) = parsed.and_then(|n| usize::try_from(n).ok()) else {
                ctx.out.error("ERR LIMIT can't be negative");
                return;
            };
            limit = n;
            j += 2;
        } else {
            ctx.out.error(SYNTAX);
            return;
        }
    }
    if op != Op::Diff {
        // Smallest first, stably, as Redis's qsort by cardinality (glibc's is a merge sort).
        sources.sort_by_key(|s| s.len);
    }

    let mut db = ctx.db();
    let accumulator = match op {
        Op::Union => union(&mut db, &sources, how),
        Op::Inter => inter(&mut db, &sources, how),
        Op::Diff => diff(&mut db, &sources),
    };
    if card_only {
        let count = accumulator.len();
        ctx.out
            .int((if limit > 0 { count.min(limit) } else { count }) as i64);
        return;
    }
    let mut entries: Vec<(f64, Box<[u8]>)> = accumulator.into_iter().map(|(m, s)| (s, m)).collect();
    entries.sort_unstable_by(|a, b| cmp_entry(a.0, &a.1, b.0, &b.1));
    if let Some(dst) = dst_key {
        let event = match op {
            Op::Union => "zunionstore",
            Op::Inter => "zinterstore",
            Op::Diff => "zdiffstore",
        };
        store_result(ctx, dst, &entries, event);
        return;
    }
    reply_entries_header(ctx.out, entries.len(), withscores);
    for (score, member) in &entries {
        reply_entry(ctx.out, *score, member, withscores);
    }
}

/// Calls `f` on every (score, member) of an input: a sorted set's entries, or a set's
/// members with score 1. Missing keys have none.
fn for_each_entry(db: &mut Db<'_, '_>, key: &[u8], mut f: impl FnMut(f64, &[u8])) {
    match db.entry_mut(key).map(|e| &e.value) {
        Some(Value::ZSet(zset)) => zset.for_each(f),
        Some(Value::Set(set)) => set.for_each_member(|member| f(1.0, member)),
        _ => {}
    }
}

fn weighted(weight: f64, score: f64) -> f64 {
    let value = weight * score;
    if value.is_nan() { 0.0 } else { value }
}

fn union(db: &mut Db<'_, '_>, sources: &[Source<'_>], how: Aggregate) -> Accumulator {
    let mut acc = Accumulator::with_hasher(db.value_hasher());
    // Redis sizes its accumulator for the largest input: a size that exists, not one asked for.
    acc.reserve(sources.last().map_or(0, |s| s.len));
    for source in sources {
        for_each_entry(db, source.key, |score, member| {
            let value = weighted(source.weight, score);
            match acc.get_mut(member) {
                Some(total) => aggregate(total, value, how),
                None => {
                    acc.insert(member.into(), value);
                }
            }
        });
    }
    acc
}

/// Keeps the members of `acc` found in the input at `key`, folding in their weighted score.
fn narrow(db: &mut Db<'_, '_>, acc: &mut Accumulator, source: &Source<'_>, how: Aggregate) {
    let mut found = vec![None; acc.len()];
    match db.entry_mut(source.key).map(|e| &e.value) {
        Some(Value::ZSet(zset)) => {
            for (slot, member) in found.iter_mut().zip(acc.keys()) {
                *slot = zset.score(member);
            }
        }
        Some(Value::Set(set)) => set.for_each_member(|member| {
            if let Some(i) = acc.get_index_of(member) {
                found[i] = Some(1.0);
            }
        }),
        _ => {}
    }
    let mut i = 0;
    acc.retain(|_, total| {
        let score = found[i];
        i += 1;
        if let Some(score) = score {
            // Unlike the first input's, later products are not reset from NaN: only the
            // aggregate is (Redis does the same).
            aggregate(total, score * source.weight, how);
        }
        score.is_some()
    });
}

fn inter(db: &mut Db<'_, '_>, sources: &[Source<'_>], how: Aggregate) -> Accumulator {
    let mut acc = Accumulator::with_hasher(db.value_hasher());
    let Some((smallest, others)) = sources.split_first() else {
        return acc;
    };
    if smallest.len == 0 {
        return acc;
    }
    acc.reserve(smallest.len);
    for_each_entry(db, smallest.key, |score, member| {
        acc.insert(member.into(), weighted(smallest.weight, score));
    });
    for source in others {
        if acc.is_empty() {
            break;
        }
        narrow(db, &mut acc, source, how);
    }
    acc
}

fn diff(db: &mut Db<'_, '_>, sources: &[Source<'_>]) -> Accumulator {
    let mut acc = Accumulator::with_hasher(db.value_hasher());
    let Some((first, others)) = sources.split_first() else {
        return acc;
    };
    acc.reserve(first.len);
    for_each_entry(db, first.key, |score, member| {
        acc.insert(member.into(), score);
    });
    for source in others {
        if acc.is_empty() {
            break;
        }
        match db.entry_mut(source.key).map(|e| &e.value) {
            Some(Value::ZSet(zset)) => acc.retain(|member, _| zset.score(member).is_none()),
            Some(Value::Set(set)) => set.for_each_member(|member| {
                acc.swap_remove(member);
            }),
            _ => {}
        }
    }
    acc
}
