//! List commands: pushes (LPUSH, RPUSH, LPUSHX, RPUSHX), pops (LPOP, RPOP, LMPOP), moves
//! (LMOVE, RPOPLPUSH), reads (LLEN, LRANGE, LINDEX, LPOS) and edits (LSET, LINSERT, LREM,
//! LTRIM). The data structure is `crate::types::list`.
//!
//! Behaviour follows Redis 7.0.15's `t_list.c`: the same order of checks (so the same error
//! wins when several apply; arguments are parsed before or after the key lookup exactly where
//! Redis does it), the same error texts, reply shapes, keyspace hit/miss counting (reads use
//! `lookup_read`, writes `lookup_write`) and `dirty` accounting. A write that empties a list
//! deletes its key.
//!
//! The blocking variants are built on the `pub(crate)` operations below (`list_len`,
//! `pop_reply`, `pop_with_key_reply`, `mpop_reply`, `move_reply`): each takes a database view
//! and the reply buffer, does one whole Redis-visible step (reply, key deletion, dirty count)
//! and can be called again after a wake-up.

use std::sync::atomic::Ordering;

use bytes::Bytes;

use super::t_string::{db_and_out, option_name};
use super::{NO_SUCH_KEY, NOT_INTEGER, SYNTAX, WRONGTYPE, int_arg};
use crate::keyspace::{Db, Value};
use crate::pubsub::class;
use crate::resp::Reply;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::types::list::{Elem, End, List, Needle};
use crate::util::eq_ignore_case;

pub mod blocking;

const POP_COUNT_RANGE: &str = "ERR value is out of range, must be positive";
const INDEX_OUT_OF_RANGE: &str = "ERR index out of range";
const RANK_ZERO: &str = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
const COUNT_NEGATIVE: &str = "ERR COUNT can't be negative";
const MAXLEN_NEGATIVE: &str = "ERR MAXLEN can't be negative";
const NUMKEYS_RANGE: &str = "ERR numkeys should be greater than 0";
const MPOP_COUNT_RANGE: &str = "ERR count should be greater than 0";

// ---------------------------------------------------------------------------------------------
// Shared helpers and the operations blocking commands reuse
// ---------------------------------------------------------------------------------------------

/// The key holds a value of another type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WrongType;

/// Counts `n` changes towards Redis's `dirty`.
fn add_dirty(db: &mut Db<'_, '_>, n: usize) {
    db.locked()
        .keyspace()
        .stats
        .dirty
        .fetch_add(n as u64, Ordering::Relaxed);
}

/// The list at `key` for a write command (`None` when the key is missing).
fn list_for_write<'d>(
    db: &'d mut Db<'_, '_>,
    key: &[u8],
) -> Result<Option<&'d mut List>, WrongType> {
    match db.lookup_write(key) {
        None => Ok(None),
        Some(entry) => match &mut entry.value {
            Value::List(list) => Ok(Some(list)),
            _ => Err(WrongType),
        },
    }
}

/// The list at `key` for a read command: counts a keyspace hit or miss.
fn list_for_read<'d>(db: &'d mut Db<'_, '_>, key: &[u8]) -> Result<Option<&'d List>, WrongType> {
    match db.lookup_read(key) {
        None => Ok(None),
        Some(entry) => match &entry.value {
            Value::List(list) => Ok(Some(list)),
            _ => Err(WrongType),
        },
    }
}

/// The list at `key` that the caller has just checked exists.
fn existing_list<'d>(db: &'d mut Db<'_, '_>, key: &[u8]) -> &'d mut List {
    match list_for_write(db, key) {
        Ok(Some(list)) => list,
        _ => panic!("caller checked that the key holds a list"),
    }
}

/// Deletes `key` when a write left its list empty (Redis never keeps empty aggregates), with
/// the `del` event.
fn delete_if_emptied(db: &mut Db<'_, '_>, key: &[u8], emptied: bool) {
    if emptied {
        db.remove(key);
        db.notify(class::GENERIC, "del", key);
    }
}

/// The keyspace event of a push to, or a pop from, `end`.
fn push_event(end: End) -> &'static str {
    match end {
        End::Left => "lpush",
        End::Right => "rpush",
    }
}

fn pop_event(end: End) -> &'static str {
    match end {
        End::Left => "lpop",
        End::Right => "rpop",
    }
}

fn reply_elem(out: &mut Reply, elem: &Elem<'_>) {
    match *elem {
        Elem::Str(bytes) => out.bulk(bytes),
        Elem::Int(n) => out.bulk_i64(n),
    }
}

/// A keyword argument compared as Redis's `strcasecmp` does (up to a NUL byte).
fn keyword(arg: &[u8], word: &str) -> bool {
    eq_ignore_case(option_name(arg), word)
}

/// `LEFT` or `RIGHT` (Redis's `getListPositionFromObjectOrReply`).
fn end_arg(arg: &[u8]) -> Option<End> {
    if keyword(arg, "right") {
        Some(End::Right)
    } else if keyword(arg, "left") {
        Some(End::Left)
    } else {
        None
    }
}

/// Redis's range normalisation (`addListRangeReply`, LTRIM): negative indexes count from the
/// end, then the range is clamped. Returns `(start, count)`, or `None` for an empty range.
fn clamp_range(len: usize, start: i64, end: i64) -> Option<(usize, usize)> {
    let len = len as i64;
    let mut start = if start < 0 { len + start } else { start };
    let mut end = if end < 0 { len + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= len {
        return None;
    }
    if end >= len {
        end = len - 1;
    }
    Some((start as usize, (end - start + 1) as usize))
}

/// An element index as LINDEX and LSET take it: negative counts from the end.
fn resolve_index(len: usize, index: i64) -> Option<usize> {
    if index >= 0 {
        usize::try_from(index).ok().filter(|&i| i < len)
    } else {
        // -1 is the last element; -(index + 1) cannot overflow, unlike -index.
        let from_back = usize::try_from(-(index + 1)).ok()?;
        (from_back < len).then(|| len - 1 - from_back)
    }
}

/// Length of the list at `key` (0 when missing), looked up as a write.
pub(crate) fn list_len(db: &mut Db<'_, '_>, key: &[u8]) -> Result<usize, WrongType> {
    Ok(list_for_write(db, key)?.map_or(0, |list| list.len()))
}

/// Pops from `end` of the (non-empty) list at `key` and replies: one bulk when `count` is
/// `None`, else an array of up to `count` elements in pop order. Deletes the key if emptied
/// and counts the elements as dirty. Returns how many were popped.
pub(crate) fn pop_reply(
    db: &mut Db<'_, '_>,
    key: &[u8],
    end: End,
    count: Option<usize>,
    out: &mut Reply,
) -> usize {
    let list = existing_list(db, key);
    assert!(!list.is_empty(), "pop_reply on an empty list");
    let popped = match count {
        None => {
            list.pop_with(end, |elem| reply_elem(out, &elem));
            1
        }
        Some(count) => {
            let n = count.min(list.len());
            let start = match end {
                End::Left => 0,
                End::Right => list.len() - n,
            };
            out.array(n);
            match end {
                End::Left => list.range(start, n).for_each(|e| reply_elem(out, &e)),
                End::Right => list.range(start, n).rev().for_each(|e| reply_elem(out, &e)),
            }
            list.remove_range(start, n);
            n
        }
    };
    let emptied = list.is_empty();
    db.notify(class::LIST, pop_event(end), key);
    delete_if_emptied(db, key, emptied);
    add_dirty(db, popped);
    popped
}

/// LMPOP's reply for one key: `[key, [elements...]]` (see [`pop_reply`]).
pub(crate) fn pop_with_key_reply(
    db: &mut Db<'_, '_>,
    key: &[u8],
    end: End,
    count: usize,
    out: &mut Reply,
) -> usize {
    out.array(2);
    out.bulk(key);
    pop_reply(db, key, end, Some(count), out)
}

/// Redis's `mpopGenericCommand` for lists: pops from the first non-empty list among `keys`
/// and replies as LMPOP; a key of another type met first is an error; nothing to pop is a
/// null array. Returns whether anything was popped.
pub(crate) fn mpop_reply(
    db: &mut Db<'_, '_>,
    keys: &[Bytes],
    end: End,
    count: usize,
    out: &mut Reply,
) -> bool {
    for key in keys {
        match list_len(db, key) {
            Err(WrongType) => {
                out.error(WRONGTYPE);
                return false;
            }
            Ok(0) => continue,
            Ok(_) => {
                pop_with_key_reply(db, key, end, count, out);
                return true;
            }
        }
    }
    out.null_array();
    false
}

/// What [`move_reply`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MoveOutcome {
    /// The source list was missing: replied null.
    SourceEmpty,
    /// Source or destination held another type: replied WRONGTYPE.
    WrongType,
    /// Moved one element and replied it.
    Moved,
}

/// Redis's `lmoveGenericCommand`: pops from `from` of `src`, pushes to `to` of `dst` (the same
/// key rotates its list) and replies the element.
pub(crate) fn move_reply(
    db: &mut Db<'_, '_>,
    src: &[u8],
    dst: &[u8],
    from: End,
    to: End,
    out: &mut Reply,
) -> MoveOutcome {
    match list_len(db, src) {
        Err(WrongType) => {
            out.error(WRONGTYPE);
            return MoveOutcome::WrongType;
        }
        Ok(0) => {
            out.null();
            return MoveOutcome::SourceEmpty;
        }
        Ok(_) => {}
    }
    if list_len(db, dst).is_err() {
        out.error(WRONGTYPE);
        return MoveOutcome::WrongType;
    }
    let source = existing_list(db, src);
    let value = source.pop(from).expect("the source list is not empty");
    // Redis's order of events: the push to the destination (created first if need be), the
    // reply, the pop from the source, and the source's deletion if it was emptied.
    let emptied = if src == dst {
        // Rotation: the element goes back into the same list, which stays non-empty.
        source.push(to, &value);
        false
    } else {
        let emptied = source.is_empty();
        match list_for_write(db, dst) {
            Ok(Some(list)) => list.push(to, &value),
            _ => {
                let mut list = List::new();
                list.push(to, &value);
                db.set(dst, Value::List(Box::new(list)), 0);
            }
        }
        emptied
    };
    db.notify(class::LIST, push_event(to), dst);
    out.bulk(&value);
    db.notify(class::LIST, pop_event(from), src);
    delete_if_emptied(db, src, emptied);
    add_dirty(db, 1);
    MoveOutcome::Moved
}

// ---------------------------------------------------------------------------------------------
// Pushes
// ---------------------------------------------------------------------------------------------

/// Redis's `pushGenericCommand`: `only_existing` is the X variants.
fn push(ctx: &mut Ctx<'_, '_>, args: &[Bytes], end: End, only_existing: bool) {
    let (mut db, out) = db_and_out(ctx);
    let (key, elements) = (&args[1][..], &args[2..]);
    let len = match list_for_write(&mut db, key) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(Some(list)) => {
            for element in elements {
                list.push(end, element);
            }
            list.len()
        }
        Ok(None) if only_existing => return out.int(0),
        Ok(None) => {
            let mut list = List::new();
            for element in elements {
                list.push(end, element);
            }
            let len = list.len();
            db.set(key, Value::List(Box::new(list)), 0);
            len
        }
    };
    add_dirty(&mut db, elements.len());
    out.int(len as i64);
    db.notify(class::LIST, push_event(end), key);
}

/// `LPUSH key element [element ...]`
pub fn lpush(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    push(ctx, args, End::Left, false);
}

/// `RPUSH key element [element ...]`
pub fn rpush(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    push(ctx, args, End::Right, false);
}

/// `LPUSHX key element [element ...]`
pub fn lpushx(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    push(ctx, args, End::Left, true);
}

/// `RPUSHX key element [element ...]`
pub fn rpushx(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    push(ctx, args, End::Right, true);
}

// ---------------------------------------------------------------------------------------------
// Pops and moves
// ---------------------------------------------------------------------------------------------

/// Redis's `popGenericCommand`.
fn pop(ctx: &mut Ctx<'_, '_>, args: &[Bytes], end: End, name: &str) {
    if args.len() > 3 {
        ctx.out.error(format!(
            "ERR wrong number of arguments for '{name}' command"
        ));
        return;
    }
    // The count is checked before the key is looked up: a bad count wins over WRONGTYPE.
    let count = match args.get(2) {
        None => None,
        Some(arg) => match parse_i64(arg) {
            Some(n) if n >= 0 => Some(usize::try_from(n).unwrap_or(usize::MAX)),
            _ => return ctx.out.error(POP_COUNT_RANGE),
        },
    };
    let (mut db, out) = db_and_out(ctx);
    match list_len(&mut db, &args[1]) {
        Err(WrongType) => out.error(WRONGTYPE),
        Ok(0) if count.is_some() => out.null_array(),
        Ok(0) => out.null(),
        Ok(_) if count == Some(0) => out.array(0),
        Ok(_) => {
            pop_reply(&mut db, &args[1], end, count, out);
        }
    }
}

/// `LPOP key [count]`
pub fn lpop(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    pop(ctx, args, End::Left, "lpop");
}

/// `RPOP key [count]`
pub fn rpop(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    pop(ctx, args, End::Right, "rpop");
}

/// `LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]`
///
/// Its keys are found from `numkeys` (the table row has no fixed key positions), so the
/// dispatcher locked nothing and this handler locks the keyspace itself.
pub fn lmpop(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let numkeys = match parse_i64(&args[1]) {
        Some(n) if n >= 1 => n as u64,
        _ => return ctx.out.error(NUMKEYS_RANGE),
    };
    // `numkeys` keys after it, then the direction; past the arguments is a syntax error
    // (Redis's wrapping arithmetic on a huge numkeys ends there too).
    let where_index = match usize::try_from(numkeys) {
        Ok(n) if n < args.len() && 2 + n < args.len() => 2 + n,
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
    ctx.lock_all();
    let (mut db, out) = db_and_out(ctx);
    mpop_reply(&mut db, &args[2..where_index], end, count.unwrap_or(1), out);
}

/// `LMOVE source destination LEFT|RIGHT LEFT|RIGHT`
pub fn lmove(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(from) = end_arg(&args[3]) else {
        return ctx.out.error(SYNTAX);
    };
    let Some(to) = end_arg(&args[4]) else {
        return ctx.out.error(SYNTAX);
    };
    let (mut db, out) = db_and_out(ctx);
    move_reply(&mut db, &args[1], &args[2], from, to, out);
}

/// `RPOPLPUSH source destination`
pub fn rpoplpush(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    move_reply(&mut db, &args[1], &args[2], End::Right, End::Left, out);
}

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

/// `LLEN key`
pub fn llen(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    match list_for_read(&mut db, &args[1]) {
        Err(WrongType) => out.error(WRONGTYPE),
        Ok(list) => out.int(list.map_or(0, |l| l.len() as i64)),
    }
}

/// `LRANGE key start stop`
pub fn lrange(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(start) = int_arg(ctx, &args[2]) else {
        return;
    };
    let Some(stop) = int_arg(ctx, &args[3]) else {
        return;
    };
    let (mut db, out) = db_and_out(ctx);
    match list_for_read(&mut db, &args[1]) {
        Err(WrongType) => out.error(WRONGTYPE),
        Ok(None) => out.array(0),
        Ok(Some(list)) => match clamp_range(list.len(), start, stop) {
            None => out.array(0),
            Some((start, count)) => {
                out.array(count);
                list.range(start, count).for_each(|e| reply_elem(out, &e));
            }
        },
    }
}

/// `LINDEX key index`
pub fn lindex(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    // The key is looked up before the index is parsed: a missing key wins over a bad index.
    let list = match list_for_read(&mut db, &args[1]) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(None) => return out.null(),
        Ok(Some(list)) => list,
    };
    let Some(index) = parse_i64(&args[2]) else {
        return out.error(NOT_INTEGER);
    };
    match resolve_index(list.len(), index).and_then(|i| list.get(i)) {
        Some(elem) => reply_elem(out, &elem),
        None => out.null(),
    }
}

/// `LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]`
pub fn lpos(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut rank: i64 = 1;
    let mut count: Option<i64> = None;
    let mut maxlen: i64 = 0;
    let mut j = 3;
    while j < args.len() {
        let more = j + 1 < args.len();
        if keyword(&args[j], "rank") && more {
            j += 1;
            let Some(r) = int_arg(ctx, &args[j]) else {
                return;
            };
            if r == 0 {
                return ctx.out.error(RANK_ZERO);
            }
            rank = r;
        } else if keyword(&args[j], "count") && more {
            j += 1;
            match parse_i64(&args[j]) {
                Some(n) if n >= 0 => count = Some(n),
                _ => return ctx.out.error(COUNT_NEGATIVE),
            }
        } else if keyword(&args[j], "maxlen") && more {
            j += 1;
            match parse_i64(&args[j]) {
                Some(n) if n >= 0 => maxlen = n,
                _ => return ctx.out.error(MAXLEN_NEGATIVE),
            }
        } else {
            return ctx.out.error(SYNTAX);
        }
        j += 1;
    }
    // A negative rank scans from the tail. Redis 7.0 negates in wrapping arithmetic, so
    // RANK -9223372036854775808 stays negative and then matches from the first hit on; the
    // comparisons below keep that behaviour byte for byte.
    let from_back = rank < 0;
    let rank = if from_back { rank.wrapping_neg() } else { rank };
    let (mut db, out) = db_and_out(ctx);
    let list = match list_for_read(&mut db, &args[1]) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(None) if count.is_some() => return out.array(0),
        Ok(None) => return out.null(),
        Ok(Some(list)) => list,
    };
    let scan = LposScan {
        needle: Needle::new(&args[2]),
        rank,
        count,
        maxlen,
        len: list.len() as i64,
        from_back,
    };
    let found = if from_back {
        scan.run(list.iter().rev())
    } else {
        scan.run(list.iter())
    };
    match count {
        Some(_) => {
            out.array(found.len());
            for index in found {
                out.int(index);
            }
        }
        None => match found.first() {
            Some(&index) => out.int(index),
            None => out.null(),
        },
    }
}

/// The parameters of one LPOS scan (Redis's `lposCommand` loop).
struct LposScan<'a> {
    needle: Needle<'a>,
    rank: i64,
    count: Option<i64>,
    maxlen: i64,
    len: i64,
    from_back: bool,
}

impl LposScan<'_> {
    /// The matching indexes to reply, in scan order. Only matches are collected, so the
    /// allocation is bounded by the list's own size whatever COUNT says.
    fn run<'e>(&self, elems: impl Iterator<Item = Elem<'e>>) -> Vec<i64> {
        let mut found = Vec::new();
        let mut matches: i64 = 0;
        for (index, elem) in elems.enumerate() {
            let index = index as i64;
            if self.maxlen != 0 && index >= self.maxlen {
                break;
            }
            if !self.needle.matches(&elem) {
                continue;
            }
            matches += 1;
            if matches < self.rank {
                continue;
            }
            found.push(if self.from_back {
                self.len - index - 1
            } else {
                index
            });
            match self.count {
                None => break,
                Some(count) => {
                    if count != 0 && matches.wrapping_sub(self.rank).wrapping_add(1) >= count {
                        break;
                    }
                }
            }
        }
        found
    }
}

// ---------------------------------------------------------------------------------------------
// Edits
// ---------------------------------------------------------------------------------------------

/// `LSET key index element`
pub fn lset(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    let list = match list_for_write(&mut db, &args[1]) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(None) => return out.error(NO_SUCH_KEY),
        Ok(Some(list)) => list,
    };
    let Some(index) = parse_i64(&args[2]) else {
        return out.error(NOT_INTEGER);
    };
    match resolve_index(list.len(), index) {
        Some(i) => {
            list.set(i, &args[3]);
            add_dirty(&mut db, 1);
            out.ok();
            db.notify(class::LIST, "lset", &args[1]);
        }
        None => out.error(INDEX_OUT_OF_RANGE),
    }
}

/// `LINSERT key BEFORE|AFTER pivot element`
pub fn linsert(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let after = if keyword(&args[2], "after") {
        true
    } else if keyword(&args[2], "before") {
        false
    } else {
        return ctx.out.error(SYNTAX);
    };
    let (mut db, out) = db_and_out(ctx);
    let list = match list_for_write(&mut db, &args[1]) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(None) => return out.int(0),
        Ok(Some(list)) => list,
    };
    let pivot = Needle::new(&args[3]);
    let Some(at) = list.iter().position(|e| pivot.matches(&e)) else {
        return out.int(-1);
    };
    list.insert(at + usize::from(after), &args[4]);
    let len = list.len();
    add_dirty(&mut db, 1);
    db.notify(class::LIST, "linsert", &args[1]);
    out.int(len as i64);
}

/// `LREM key count element`
pub fn lrem(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(count) = int_arg(ctx, &args[2]) else {
        return;
    };
    let (mut db, out) = db_and_out(ctx);
    let list = match list_for_write(&mut db, &args[1]) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(None) => return out.int(0),
        Ok(Some(list)) => list,
    };
    // 0 removes all; |count| of i64::MIN does not fit an i64 but removes all the same.
    let limit = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
    let removed = list.remove_matching(&Needle::new(&args[3]), limit, count < 0);
    let emptied = list.is_empty();
    if removed > 0 {
        db.notify(class::LIST, "lrem", &args[1]);
    }
    delete_if_emptied(&mut db, &args[1], emptied);
    add_dirty(&mut db, removed);
    out.int(removed as i64);
}

/// `LTRIM key start stop`
pub fn ltrim(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(start) = int_arg(ctx, &args[2]) else {
        return;
    };
    let Some(stop) = int_arg(ctx, &args[3]) else {
        return;
    };
    let (mut db, out) = db_and_out(ctx);
    let list = match list_for_write(&mut db, &args[1]) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(None) => return out.ok(),
        Ok(Some(list)) => list,
    };
    let len = list.len();
    let (keep_start, keep) = clamp_range(len, start, stop).unwrap_or((len, 0));
    let tail = len - keep_start - keep;
    list.remove_range(keep_start + keep, tail);
    list.remove_range(0, keep_start);
    let emptied = list.is_empty();
    db.notify(class::LIST, "ltrim", &args[1]);
    delete_if_emptied(&mut db, &args[1], emptied);
    add_dirty(&mut db, keep_start + tail);
    out.ok();
}

#[cfg(test)]
mod tests;
