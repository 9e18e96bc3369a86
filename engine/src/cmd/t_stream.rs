//! Stream commands: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM and XSETID here; XREAD and
//! XREADGROUP (with blocking) in `t_stream/read.rs`; XGROUP, XACK, XPENDING, XCLAIM and
//! XAUTOCLAIM in `t_stream/group.rs`; XINFO in `t_stream/info.rs`. The data structure is
//! `types::stream`.
//!
//! Replies, error texts, the order of checks (which error wins), key lookups and the `dirty`
//! accounting follow Redis 7.0's `t_stream.c`, as checked against redis-server 7.0.15. Two
//! lookup flavours matter there: commands that read with `lookupKeyRead` (XREADGROUP, XACK,
//! XCLAIM, XAUTOCLAIM, XPENDING) count keyspace hits and misses even though some of them
//! write, and only XADD, XDEL, XTRIM and a stream created by XGROUP CREATE MKSTREAM touch
//! the key for WATCH and blocked readers, as Redis's `signalModifiedKey` calls do. Group
//! changes touch nothing; XGROUP DESTROY wakes blocked readers (they get an error).
//!
//! Like Redis's, an argument compared with a keyword or parsed as an id is read up to its
//! first NUL byte, since Redis compares C strings.

mod group;
mod info;
mod read;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;

use std::sync::atomic::Ordering;

use bytes::Bytes;

pub use group::{
    xack, xautoclaim, xclaim, xgroup_create, xgroup_createconsumer, xgroup_delconsumer,
    xgroup_destroy, xgroup_help, xgroup_setid, xpending,
};
pub use info::{xinfo_consumers, xinfo_groups, xinfo_help, xinfo_stream};
pub use read::{xread, xreadgroup};

use super::{NOT_INTEGER, SYNTAX, WRONGTYPE};
use crate::keyspace::{Db, Value};
use crate::pubsub::class::STREAM;
use crate::resp::Reply;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::types::stream::{EntryRef, Stream, StreamId, Trim, TrimBy};

const INVALID_ID: &str = "ERR Invalid stream ID specified as stream command argument";
const NO_SUCH_KEY: &str = "ERR no such key";
/// Longest id argument Redis parses (its parse buffer is 128 bytes).
const ID_ARG_MAX: usize = 127;
/// The most a field/value list may total (Redis's `STREAM_LISTPACK_MAX_SIZE`).
const ENTRY_BYTES_MAX: u64 = 1 << 30;
/// Approximate trimming without LIMIT removes at most this many entries: 100 nodes' worth.
const TRIM_LIMIT_DEFAULT: u64 = 100 * crate::types::stream::NODE_MAX_ENTRIES as u64;

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// The key holds another type.
struct WrongType;

/// How a command reaches its key, after Redis's lookup functions.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// `lookupKeyRead`: counts a keyspace hit or miss.
    Read,
    /// `lookupKeyWrite`: counts nothing, touches nothing (a change is signalled apart).
    Write,
}

/// The stream at `key`, `None` if missing.
fn lookup<'d>(
    db: &'d mut Db<'_, '_>,
    key: &[u8],
    access: Access,
) -> Result<Option<&'d mut Stream>, WrongType> {
    let access_s = (db.now_ms / 1000) as u32;
    let entry = match access {
        Access::Read => db.lookup_read(key),
        Access::Write => db.entry_mut(key),
    };
    let Some(entry) = entry else {
        return Ok(None);
    };
    if access == Access::Write {
        // `lookup_read` refreshed it already; Redis's write lookups refresh it too.
        entry.access_s = access_s;
    }
    match &mut entry.value {
        Value::Stream(stream) => Ok(Some(stream)),
        _ => Err(WrongType),
    }
}

/// Marks `key` modified: WATCH fails and blocked readers look again (Redis's
/// `signalModifiedKey` and `signalKeyAsReady`).
fn signal_modified(db: &mut Db<'_, '_>, key: &[u8]) {
    db.lookup_write(key);
}

fn db_and_out<'c, 'k>(ctx: &'c mut Ctx<'_, 'k>) -> (Db<'c, 'k>, &'c mut Reply) {
    let now_ms = ctx.now.unix_ms();
    (ctx.locked.db(ctx.client.db, now_ms), &mut *ctx.out)
}

/// Counts `n` changes towards Redis's `dirty` (writes since the last save).
fn add_dirty(ctx: &Ctx<'_, '_>, n: u64) {
    if n > 0 {
        ctx.engine
            .keyspace
            .stats
            .dirty
            .fetch_add(n, Ordering::Relaxed);
    }
}

/// The argument as Redis's C code reads it: up to the first NUL byte.
fn cstr(arg: &[u8]) -> &[u8] {
    arg.iter()
        .position(|&b| b == 0)
        .map_or(arg, |nul| &arg[..nul])
}

/// An option keyword, compared as Redis's `strcasecmp` compares it.
fn keyword(arg: &[u8], lowercase: &str) -> bool {
    cstr(arg).eq_ignore_ascii_case(lowercase.as_bytes())
}

/// Now, in Redis's signed milliseconds.
fn now_ms(ctx: &Ctx<'_, '_>) -> i64 {
    i64::try_from(ctx.now.unix_ms()).unwrap_or(i64::MAX)
}

/// Redis's `string2ull`: a strict decimal first; failing that, what `strtoull` accepts in
/// full (leading blanks, a sign, leading zeros; a minus sign negates modulo 2^64).
fn string2ull(s: &[u8]) -> Option<u64> {
    if let Some(v) = parse_i64(s) {
        return u64::try_from(v).ok();
    }
    let mut rest = s;
    while let [first, tail @ ..] = rest
        && matches!(first, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
    {
        rest = tail;
    }
    let negative = match rest.first() {
        Some(b'-') => {
            rest = &rest[1..];
            true
        }
        Some(b'+') => {
            rest = &rest[1..];
            false
        }
        _ => false,
    };
    if rest.is_empty() || !rest.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut value: u64 = 0;
    for &digit in rest {
        value = value
            .checked_mul(10)?
            .checked_add(u64::from(digit - b'0'))?;
    }
    Some(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// An id argument as Redis's `streamGenericParseIDOrReply` reads it: `ms-seq`, or `ms` alone
/// with `missing_seq`; unless `strict`, `-` and `+` for the least and greatest ids. With
/// `auto_seq`, `ms-*` is accepted and gives `(ms-0, false)`; otherwise the flag is true.
fn parse_id_full(
    arg: &[u8],
    missing_seq: u64,
    strict: bool,
    auto_seq: bool,
) -> Option<(StreamId, bool)> {
    if arg.len() > ID_ARG_MAX {
        return None;
    }
    let text = cstr(arg);
    match text {
        b"-" | b"+" if strict => None,
        b"-" => Some((StreamId::MIN, true)),
        b"+" => Some((StreamId::MAX, true)),
        _ => match text.iter().position(|&b| b == b'-') {
            None => Some((StreamId::new(string2ull(text)?, missing_seq), true)),
            Some(dash) => {
                let ms = string2ull(&text[..dash])?;
                let seq = &text[dash + 1..];
                if auto_seq && seq == b"*" {
                    Some((StreamId::new(ms, 0), false))
                } else {
                    Some((StreamId::new(ms, string2ull(seq)?), true))
                }
            }
        },
    }
}

/// A strict id (no `-`/`+`), replying Redis's error when invalid.
fn id_arg(out: &mut Reply, arg: &[u8], missing_seq: u64) -> Option<StreamId> {
    let parsed = parse_id_full(arg, missing_seq, true, false).map(|(id, _)| id);
    if parsed.is_none() {
        out.error(INVALID_ID);
    }
    parsed
}

/// An id that may be `-` or `+`, replying Redis's error when invalid.
fn id_or_edge_arg(out: &mut Reply, arg: &[u8], missing_seq: u64) -> Option<StreamId> {
    let parsed = parse_id_full(arg, missing_seq, false, false).map(|(id, _)| id);
    if parsed.is_none() {
        out.error(INVALID_ID);
    }
    parsed
}

/// The start of an interval (XRANGE, XPENDING, XAUTOCLAIM): `(id` is exclusive. Replies the
/// error on failure.
fn interval_start(out: &mut Reply, arg: &[u8]) -> Option<StreamId> {
    let (id, exclusive) = interval_id(out, arg, 0)?;
    if !exclusive {
        return Some(id);
    }
    let next = id.incr();
    if next.is_none() {
        out.error("ERR invalid start ID for the interval");
    }
    next
}

/// The end of an interval: `(id` is exclusive. Replies the error on failure.
fn interval_end(out: &mut Reply, arg: &[u8]) -> Option<StreamId> {
    let (id, exclusive) = interval_id(out, arg, u64::MAX)?;
    if !exclusive {
        return Some(id);
    }
    let previous = id.decr();
    if previous.is_none() {
        out.error("ERR invalid end ID for the interval");
    }
    previous
}

/// Redis's `streamParseIntervalIDOrReply`: `(` makes the bound exclusive and the id strict.
fn interval_id(out: &mut Reply, arg: &[u8], missing_seq: u64) -> Option<(StreamId, bool)> {
    if arg.len() > 1 && arg[0] == b'(' {
        id_arg(out, &arg[1..], missing_seq).map(|id| (id, true))
    } else {
        id_or_edge_arg(out, arg, missing_seq).map(|id| (id, false))
    }
}

/// An id as a bulk string.
fn reply_id(out: &mut Reply, id: StreamId) {
    let mut text = [0u8; 41];
    let (mut ms, mut seq) = (itoa::Buffer::new(), itoa::Buffer::new());
    let (ms, seq) = (ms.format(id.ms).as_bytes(), seq.format(id.seq).as_bytes());
    text[..ms.len()].copy_from_slice(ms);
    text[ms.len()] = b'-';
    text[ms.len() + 1..ms.len() + 1 + seq.len()].copy_from_slice(seq);
    out.bulk(&text[..ms.len() + 1 + seq.len()]);
}

/// One entry: `[id, [field, value, ...]]`.
fn reply_entry(out: &mut Reply, entry: &EntryRef<'_>) {
    out.array(2);
    reply_id(out, entry.id);
    out.array(entry.len() * 2);
    for (field, value) in entry.pairs() {
        out.bulk(field);
        out.bulk(value);
    }
}

/// Entries as an array, at most `count` of them (0: all).
fn reply_entries<'a>(out: &mut Reply, entries: impl Iterator<Item = EntryRef<'a>>, count: usize) {
    let limit = if count == 0 { usize::MAX } else { count };
    // The array length comes first: collect what will be sent (no more than exists).
    let entries: Vec<EntryRef<'a>> = entries.take(limit).collect();
    out.array(entries.len());
    for entry in &entries {
        reply_entry(out, entry);
    }
}

/// A reply buffer for a part of a reply whose length is known only afterwards.
fn scratch(out: &Reply) -> Reply {
    out.part()
}

/// Publishes stream event `event` on `key` of database `db` (Redis's
/// `notifyKeyspaceEvent(NOTIFY_STREAM, ...)`), where no `Db` is at hand.
fn notify(engine: &crate::engine::Engine, db: usize, key: &[u8], event: &str, now_ms: u64) {
    engine
        .keyspace
        .pubsub
        .notify(db, crate::pubsub::class::STREAM, event, key, now_ms);
}

// ---------------------------------------------------------------------------------------------
// XADD, XTRIM
// ---------------------------------------------------------------------------------------------

/// The options XADD and XTRIM share, after Redis's `streamParseAddOrTrimArgsOrReply`.
struct AddTrimArgs {
    trim: Option<Trim>,
    /// XADD: the id given (with whether its sequence was), `None` for `*`.
    id: Option<(StreamId, bool)>,
    no_mkstream: bool,
    /// XADD: where the id is; the fields follow it.
    id_pos: usize,
}

fn parse_add_trim(out: &mut Reply, args: &[Bytes], xadd: bool) -> Option<AddTrimArgs> {
    const BOTH: &str =
        "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
    let mut by: Option<TrimBy> = None;
    let mut approx = false;
    let mut limit: Option<i64> = None;
    let mut parsed = AddTrimArgs {
        trim: None,
        id: None,
        no_mkstream: false,
        id_pos: 0,
    };
    let mut i = 2;
    while i < args.len() {
        let more = args.len() - 1 - i;
        let opt = &args[i][..];
        if xadd && cstr(opt) == b"*" {
            break;
        } else if (keyword(opt, "maxlen") || keyword(opt, "minid")) && more > 0 {
            if by.is_some() {
                out.error(BOTH);
                return None;
            }
            let next = cstr(&args[i + 1]);
            approx = more >= 2 && next == b"~";
            if more >= 2 && (next == b"~" || next == b"=") {
                i += 1;
            }
            let value = &args[i + 1];
            by = Some(if keyword(opt, "maxlen") {
                let Some(max) = parse_i64(value) else {
                    out.error(NOT_INTEGER);
                    return None;
                };
                if max < 0 {
                    out.error("ERR The MAXLEN argument must be >= 0.");
                    return None;
                }
                TrimBy::MaxLen(max as u64)
            } else {
                TrimBy::MinId(id_arg(out, value, 0)?)
            });
            i += 1;
        } else if keyword(opt, "limit") && more > 0 {
            let Some(n) = parse_i64(&args[i + 1]) else {
                out.error(NOT_INTEGER);
                return None;
            };
            if n < 0 {
                out.error("ERR The LIMIT argument must be >= 0.");
                return None;
            }
            limit = Some(n);
            i += 1;
        } else if xadd && keyword(opt, "nomkstream") {
            parsed.no_mkstream = true;
        } else if xadd {
            let Some(id) = parse_id_full(opt, 0, true, true) else {
                out.error(INVALID_ID);
                return None;
            };
            parsed.id = Some(id);
            break;
        } else {
            out.error(SYNTAX);
            return None;
        }
        i += 1;
    }
    parsed.id_pos = i;
    if limit.is_some_and(|n| n != 0) && by.is_none() {
        out.error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
        return None;
    }
    let Some(by) = by else {
        if !xadd {
            out.error("ERR syntax error, XTRIM must be called with a trimming strategy");
            return None;
        }
        if limit.is_some() {
            out.error("ERR syntax error, LIMIT cannot be used without the special ~ option");
            return None;
        }
        return Some(parsed);
    };
    let limit = match limit {
        Some(_) if !approx => {
            out.error("ERR syntax error, LIMIT cannot be used without the special ~ option");
            return None;
        }
        Some(n) => n as u64,
        None if approx => TRIM_LIMIT_DEFAULT,
        None => 0,
    };
    parsed.trim = Some(Trim { by, approx, limit });
    Some(parsed)
}

/// The id XADD gives the new entry, or Redis's error (after `streamAppendItem`).
fn new_entry_id(
    stream: &Stream,
    given: Option<(StreamId, bool)>,
    now_ms: u64,
) -> Result<StreamId, &'static str> {
    const TOO_SMALL: &str =
        "ERR The ID specified in XADD is equal or smaller than the target stream top item";
    let last = stream.log.last_id;
    let id = match given {
        Some((id, true)) => Some(id),
        Some((id, false)) if id.ms == last.ms => last.incr().filter(|next| next.ms == id.ms),
        Some((id, false)) => Some(id),
        None => stream.log.next_id(now_ms),
    };
    match id {
        Some(id) if id > last => Ok(id),
        _ => Err(TOO_SMALL),
    }
}

/// `XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value
/// [field value ...]`
pub fn xadd(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(parsed) = parse_add_trim(ctx.out, args, true) else {
        return;
    };
    let field_pos = parsed.id_pos + 1;
    if args.len() < field_pos + 2 || (args.len() - field_pos) % 2 == 1 {
        return ctx
            .out
            .error("ERR wrong number of arguments for 'xadd' command");
    }
    if let Some((StreamId::MIN, true)) = parsed.id {
        return ctx
            .out
            .error("ERR The ID specified in XADD must be greater than 0-0");
    }
    let pairs = &args[field_pos..];
    let key = &args[1];
    let now = ctx.now.unix_ms();
    let (mut db, out) = db_and_out(ctx);
    let mut created = None;
    let stream = match lookup(&mut db, key, Access::Write) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(Some(stream)) => stream,
        Ok(None) if parsed.no_mkstream => return out.null(),
        Ok(None) => created.insert(Box::new(Stream::new())),
    };
    if stream.log.last_id == StreamId::MAX {
        return out
            .error("ERR The stream has exhausted the last possible ID, unable to add more items");
    }
    let id = match new_entry_id(stream, parsed.id, now) {
        Ok(id) => id,
        Err(error) => return out.error(error),
    };
    if pairs.iter().map(|p| p.len() as u64).sum::<u64>() > ENTRY_BYTES_MAX {
        return out.error("ERR Elements are too large to be stored");
    }
    stream.log.append(id, pairs);
    let trimmed = parsed.trim.as_ref().map_or(0, |trim| stream.log.trim(trim));
    // A new stream is added before the reply (its `new` event precedes it, as in Redis).
    match created {
        Some(stream) => {
            db.set(key, Value::Stream(stream), 0);
            reply_id(out, id);
        }
        None => {
            reply_id(out, id);
            signal_modified(&mut db, key);
        }
    }
    db.notify(STREAM, "xadd", key);
    if trimmed > 0 {
        db.notify(STREAM, "xtrim", key);
    }
    add_dirty(ctx, 1);
}

/// `XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]`
pub fn xtrim(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(parsed) = parse_add_trim(ctx.out, args, false) else {
        return;
    };
    let trim = parsed.trim.expect("XTRIM parsing requires a strategy");
    let (mut db, out) = db_and_out(ctx);
    let removed = match lookup(&mut db, &args[1], Access::Write) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(None) => return out.int(0),
        Ok(Some(stream)) => stream.log.trim(&trim),
    };
    if removed > 0 {
        db.notify(STREAM, "xtrim", &args[1]);
        signal_modified(&mut db, &args[1]);
    }
    out.int(removed as i64);
    add_dirty(ctx, removed);
}

// ---------------------------------------------------------------------------------------------
// XLEN, XRANGE, XREVRANGE, XDEL, XSETID
// ---------------------------------------------------------------------------------------------

/// `XLEN key`
pub fn xlen(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    match lookup(&mut db, &args[1], Access::Read) {
        Err(WrongType) => out.error(WRONGTYPE),
        Ok(None) => out.int(0),
        Ok(Some(stream)) => out.int(stream.log.len() as i64),
    }
}

/// `XRANGE key start end [COUNT count]`
pub fn xrange(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    range_command(ctx, args, false);
}

/// `XREVRANGE key end start [COUNT count]`
pub fn xrevrange(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    range_command(ctx, args, true);
}

fn range_command(ctx: &mut Ctx<'_, '_>, args: &[Bytes], rev: bool) {
    let (start_arg, end_arg) = if rev {
        (&args[3], &args[2])
    } else {
        (&args[2], &args[3])
    };
    let Some(start) = interval_start(ctx.out, start_arg) else {
        return;
    };
    let Some(end) = interval_end(ctx.out, end_arg) else {
        return;
    };
    // None: no COUNT; Some(0): COUNT 0 or negative, answered with a null array.
    let mut count: Option<u64> = None;
    let mut j = 4;
    while j < args.len() {
        if keyword(&args[j], "count") && j + 1 < args.len() {
            let Some(n) = parse_i64(&args[j + 1]) else {
                return ctx.out.error(NOT_INTEGER);
            };
            count = Some(n.max(0) as u64);
            j += 2;
        } else {
            return ctx.out.error(SYNTAX);
        }
    }
    let (mut db, out) = db_and_out(ctx);
    let stream = match lookup(&mut db, &args[1], Access::Read) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(None) => return out.array(0),
        Ok(Some(stream)) => stream,
    };
    let count = match count {
        Some(0) => return out.null_array(),
        Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
        None => 0,
    };
    if rev {
        reply_entries(out, stream.log.range_rev(start, end), count);
    } else {
        reply_entries(out, stream.log.range(start, end), count);
    }
}

/// `XDEL key id [id ...]`
pub fn xdel(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    let stream = match lookup(&mut db, &args[1], Access::Write) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(None) => return out.int(0),
        Ok(Some(stream)) => stream,
    };
    // Every id is checked first, so that an invalid one deletes nothing.
    let mut ids = Vec::new();
    for arg in &args[2..] {
        let Some(id) = id_arg(out, arg, 0) else {
            return;
        };
        ids.push(id);
    }
    let deleted = stream.log.delete(&ids);
    if deleted > 0 {
        db.notify(STREAM, "xdel", &args[1]);
        signal_modified(&mut db, &args[1]);
    }
    out.int(deleted as i64);
    add_dirty(ctx, deleted);
}

/// `XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]`
pub fn xsetid(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(id) = id_arg(ctx.out, &args[2], 0) else {
        return;
    };
    let mut entries_added: Option<u64> = None;
    let mut max_deleted = StreamId::MIN;
    let mut i = 3;
    while i < args.len() {
        let more = args.len() - 1 - i;
        if keyword(&args[i], "entriesadded") && more > 0 {
            let Some(n) = parse_i64(&args[i + 1]) else {
                return ctx.out.error(NOT_INTEGER);
            };
            if n < 0 {
                return ctx.out.error("ERR entries_added must be positive");
            }
            entries_added = Some(n as u64);
        } else if keyword(&args[i], "maxdeletedid") && more > 0 {
            let Some(max) = id_arg(ctx.out, &args[i + 1], 0) else {
                return;
            };
            if id < max {
                return ctx.out.error(
                    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                );
            }
            max_deleted = max;
        } else {
            return ctx.out.error(SYNTAX);
        }
        i += 2;
    }
    let (mut db, out) = db_and_out(ctx);
    let stream = match lookup(&mut db, &args[1], Access::Write) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(None) => return out.error(NO_SUCH_KEY),
        Ok(Some(stream)) => stream,
    };
    let log = &mut stream.log;
    if let Some(top) = log.last_valid_id() {
        if id < top {
            return out.error(
                "ERR The ID specified in XSETID is smaller than the target stream top item",
            );
        }
        if entries_added.is_some_and(|n| log.len() > n) {
            return out.error(
                "ERR The entries_added specified in XSETID is smaller than the target stream length",
            );
        }
    }
    log.last_id = id;
    if let Some(n) = entries_added {
        log.entries_added = n;
    }
    if max_deleted != StreamId::MIN {
        log.max_deleted_id = max_deleted;
    }
    out.ok();
    db.notify(STREAM, "xsetid", &args[1]);
    add_dirty(ctx, 1);
}
