//! Hash commands: HSET, HSETNX, HMSET, HGET, HMGET, HDEL, HLEN, HSTRLEN, HEXISTS, HKEYS,
//! HVALS, HGETALL, HINCRBY, HINCRBYFLOAT, HRANDFIELD and HSCAN here; the field-TTL commands of
//! Redis 7.4 (HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT, HTTL, HPTTL, HEXPIRETIME,
//! HPEXPIRETIME, HPERSIST) in `t_hash/ttl.rs`. The data structure is `types::hash`.
//!
//! Replies, error texts, the order of checks (which error wins) and the `dirty` accounting
//! follow Redis 7.0's `t_hash.c`, and Redis 7.4's for field TTLs.
//!
//! Field expiry: every command reaches its hash through [`with_hash`], which first reclaims
//! the fields whose deadline has passed (lazy expiry) and deletes the key if that emptied it.
//! So no command ever sees a dead field, and HLEN counts live fields only. Redis 7.4 may
//! count fields that expired but were not reclaimed yet in HLEN; that count depends on when
//! its active expiry last ran, so no client can rely on it, and an exact count is the answer
//! that never contradicts HGETALL. Active expiry is [`active_expire`], the per-hash step a
//! cron hook calls.

mod ttl;

use std::sync::atomic::Ordering;

use bytes::Bytes;

pub use ttl::{
    hexpire, hexpireat, hexpiretime, hpersist, hpexpire, hpexpireat, hpexpiretime, hpttl, httl,
};

use super::{NOT_FLOAT, NOT_INTEGER, OVERFLOW, SYNTAX, WRONGTYPE, int_arg};
use crate::engine::Engine;
use crate::glob::glob_match;
use crate::keyspace::{Db, Value};
use crate::ldouble;
use crate::pubsub::class;
use crate::resp::Reply;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::types::hash::Hash;
use crate::util::incr_by_float;

const NOT_INTEGER_HASH: &str = "ERR hash value is not an integer";
const NOT_FLOAT_HASH: &str = "ERR hash value is not a float";
const INCR_NAN: &str = "ERR value is NaN or Infinity";
const RESULT_NAN: &str = "ERR increment would produce NaN or Infinity";
const INVALID_CURSOR: &str = "ERR invalid cursor";
const OUT_OF_RANGE: &str = "ERR value is out of range";
const COUNT_RANGE: &str =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
/// HSCAN's default COUNT.
const SCAN_COUNT_DEFAULT: usize = 10;
/// HRANDFIELD with a negative count checks between this many picks whether the client was
/// killed, as Redis checks `CLIENT_CLOSE_ASAP`: a huge count then stops with the connection.
const RANDOM_CHECK_EVERY: u64 = 1000;
/// HRANDFIELD samples distinct fields by rejection while the hash is this many times larger
/// than the count, by a partial shuffle otherwise (Redis's `HRANDFIELD_SUB_STRATEGY_MUL`).
const SUB_STRATEGY_MUL: usize = 3;

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// The key holds another type.
pub(crate) struct WrongType;

/// How a command reaches its key: read lookups count keyspace hits and misses.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    Write,
}

/// The selected database and the reply buffer as separate borrows.
fn db_and_out<'c, 'k>(ctx: &'c mut Ctx<'_, 'k>) -> (Db<'c, 'k>, &'c mut Reply) {
    let now_ms = ctx.now.unix_ms();
    (ctx.locked.db(ctx.client.db, now_ms), &mut *ctx.out)
}

/// Counts `n` changes towards Redis's `dirty` (writes since the last save).
fn add_dirty(engine: &Engine, n: usize) {
    if n > 0 {
        engine
            .keyspace
            .stats
            .dirty
            .fetch_add(n as u64, Ordering::Relaxed);
    }
}

/// An option keyword as Redis's `strcasecmp` sees it: only up to the first NUL byte.
fn keyword(arg: &[u8], lowercase: &str) -> bool {
    let text = arg
        .iter()
        .position(|&b| b == 0)
        .map_or(arg, |nul| &arg[..nul]);
    text.eq_ignore_ascii_case(lowercase.as_bytes())
}

/// Runs `f` on the hash at `key` after reclaiming its dead fields; `None` if the key is
/// missing. A read that finds every field dead deletes the key and answers as for a missing
/// key. A write still gets the emptied hash, so that a write adding fields keeps the key's
/// own TTL, as in Redis, where the dead fields would still be there. Whatever `f` does, a
/// hash it leaves empty is deleted.
///
/// Keyspace events: reclaiming dead fields is one `hexpired` (Redis 7.4 publishes one per
/// field it reclaims lazily, and one per hash in active expiry), a key deleted here is `del`.
pub(crate) fn with_hash<R>(
    db: &mut Db<'_, '_>,
    key: &[u8],
    access: Access,
    f: impl FnOnce(&mut Hash) -> R,
) -> Result<Option<R>, WrongType> {
    with_hash_notify(db, key, access, f, |_| None)
}

/// [`with_hash`] for a command with a keyspace event of its own: `event` names it from `f`'s
/// result (`None`: nothing changed), and it is published after `f`, before a `del`.
pub(crate) fn with_hash_notify<R>(
    db: &mut Db<'_, '_>,
    key: &[u8],
    access: Access,
    f: impl FnOnce(&mut Hash) -> R,
    event: impl FnOnce(&R) -> Option<&'static str>,
) -> Result<Option<R>, WrongType> {
    let now_ms = db.now_ms;
    let keyspace = db.locked().keyspace();
    let index = db.db;
    let (result, emptied) = {
        let entry = match access {
            Access::Read => db.lookup_read(key),
            Access::Write => db.lookup_write(key),
        };
        let Some(entry) = entry else {
            return Ok(None);
        };
        let Value::Hash(hash) = &mut entry.value else {
            return Err(WrongType);
        };
        let expired = hash.expire_fields(now_ms, usize::MAX);
        if expired > 0 {
            keyspace
                .pubsub
                .notify(index, class::HASH, "hexpired", key, now_ms);
        }
        if expired > 0 && hash.is_empty() && access == Access::Read {
            (None, true)
        } else {
            let result = f(hash);
            (Some(result), hash.is_empty())
        }
    };
    if let Some(event) = result.as_ref().and_then(event) {
        db.notify(class::HASH, event, key);
    }
    if emptied {
        db.remove(key);
        db.notify(class::GENERIC, "del", key);
    }
    Ok(result)
}

/// Runs `f` on the hash at `key`, or on a new empty one that is stored only if `f` left
/// fields in it (a failed HINCRBY must not create the key). The callers publish their own
/// event after replying, where Redis does.
fn with_hash_or_create<R>(
    db: &mut Db<'_, '_>,
    key: &[u8],
    f: impl FnOnce(&mut Hash) -> R,
) -> Result<R, WrongType> {
    let mut f = Some(f);
    let mut call = |hash: &mut Hash| (f.take().expect("called at most once"))(hash);
    if let Some(result) = with_hash(db, key, Access::Write, &mut call)? {
        return Ok(result);
    }
    let mut hash = Hash::new();
    let result = call(&mut hash);
    if !hash.is_empty() {
        db.set(key, Value::Hash(Box::new(hash)), 0);
    }
    Ok(result)
}

/// What [`active_expire`] did to one hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActiveExpiry {
    /// Fields reclaimed.
    pub removed: usize,
    /// The key was deleted: its last field expired.
    pub key_deleted: bool,
    /// The earliest deadline left (when to come back), if any.
    pub next_deadline: Option<u64>,
}

/// The active-expiry step for one hash, for a cron hook that keeps its own schedule of hashes
/// with field TTLs (by [`Hash::next_field_deadline`]): reclaims at most `budget` fields due at
/// `db.now_ms` and deletes the key if that emptied it. Touches no access time and counts no
/// keyspace hit, as a background job should not. `None` if the key is missing or no hash.
pub fn active_expire(db: &mut Db<'_, '_>, key: &[u8], budget: usize) -> Option<ActiveExpiry> {
    let now_ms = db.now_ms;
    let Value::Hash(hash) = &mut db.entry_mut(key)?.value else {
        return None;
    };
    let removed = hash.expire_fields(now_ms, budget);
    let (key_deleted, next_deadline) = (hash.is_empty(), hash.next_field_deadline());
    if removed > 0 {
        db.notify(class::HASH, "hexpired", key);
    }
    if key_deleted {
        db.remove(key);
        db.notify(class::GENERIC, "del", key);
    }
    Some(ActiveExpiry {
        removed,
        key_deleted,
        next_deadline,
    })
}

// ---------------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------------

/// HSET and HMSET: the same work, different replies.
fn hset_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], name: &str) {
    if args.len() % 2 == 1 {
        ctx.out.error(format!(
            "ERR wrong number of arguments for '{name}' command"
        ));
        return;
    }
    let engine = ctx.engine;
    let hasher = engine.keyspace.value_hasher();
    let (mut db, out) = db_and_out(ctx);
    let pairs = args[2..].chunks_exact(2);
    let written = pairs.len();
    let created = with_hash_or_create(&mut db, &args[1], |hash| {
        pairs
            .filter(|pair| hash.set(&pair[0], &pair[1], &hasher))
            .count()
    });
    match created {
        Err(WrongType) => out.error(WRONGTYPE),
        Ok(created) => {
            if name == "hset" {
                out.int(created as i64);
            } else {
                out.ok();
            }
            db.notify(class::HASH, "hset", &args[1]);
            // Redis counts every pair written, changed or not.
            add_dirty(engine, written);
        }
    }
}

/// `HSET key field value [field value ...]`: sets the fields; replies how many were new.
/// A field that had a TTL loses it.
pub fn hset(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    hset_generic(ctx, args, "hset")
}

/// `HMSET key field value [field value ...]`: HSET replying OK (deprecated in Redis).
pub fn hmset(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    hset_generic(ctx, args, "hmset")
}

/// `HSETNX key field value`: sets the field only if it does not exist; replies 1 or 0.
pub fn hsetnx(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (field, value) = (&args[2][..], &args[3][..]);
    let engine = ctx.engine;
    let hasher = engine.keyspace.value_hasher();
    let (mut db, out) = db_and_out(ctx);
    let set = with_hash_or_create(&mut db, &args[1], |hash| {
        !hash.contains(field) && hash.set(field, value, &hasher)
    });
    match set {
        Err(WrongType) => out.error(WRONGTYPE),
        Ok(set) => {
            out.int(i64::from(set));
            if set {
                db.notify(class::HASH, "hset", &args[1]);
            }
            add_dirty(engine, usize::from(set));
        }
    }
}

/// `HDEL key field [field ...]`: removes the fields; replies how many existed. Deleting the
/// last field deletes the key.
pub fn hdel(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let engine = ctx.engine;
    let (mut db, out) = db_and_out(ctx);
    let deleted = with_hash_notify(
        &mut db,
        &args[1],
        Access::Write,
        |hash| args[2..].iter().filter(|field| hash.remove(field)).count(),
        |deleted| (*deleted > 0).then_some("hdel"),
    );
    match deleted {
        Err(WrongType) => out.error(WRONGTYPE),
        Ok(deleted) => {
            let deleted = deleted.unwrap_or(0);
            out.int(deleted as i64);
            add_dirty(engine, deleted);
        }
    }
}

/// `HINCRBY key field increment`: adds to the field's integer value (0 if missing), keeping
/// the field's TTL; replies the new value.
pub fn hincrby(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let field = &args[2][..];
    let Some(increment) = int_arg(ctx, &args[3]) else {
        return;
    };
    let engine = ctx.engine;
    let hasher = engine.keyspace.value_hasher();
    let (mut db, out) = db_and_out(ctx);
    let outcome = with_hash_or_create(&mut db, &args[1], |hash| {
        let current = match hash.get(field) {
            None => 0,
            Some(text) => parse_i64(text).ok_or(NOT_INTEGER_HASH)?,
        };
        let sum = current.checked_add(increment).ok_or(OVERFLOW)?;
        hash.set_keep_ttl(field, itoa::Buffer::new().format(sum).as_bytes(), &hasher);
        Ok::<_, &str>(sum)
    });
    match outcome {
        Err(WrongType) => out.error(WRONGTYPE),
        Ok(Err(error)) => out.error(error),
        Ok(Ok(sum)) => {
            out.int(sum);
            db.notify(class::HASH, "hincrby", &args[1]);
            add_dirty(engine, 1);
        }
    }
}

/// `HINCRBYFLOAT key field increment`: adds to the field's numeric value (0 if missing) with
/// Redis's long-double text semantics, keeping the field's TTL; replies the new value.
pub fn hincrbyfloat(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (field, increment) = (&args[2][..], &args[3][..]);
    // Both operands are long doubles in Redis (1e400 is a valid increment there), as in
    // INCRBYFLOAT.
    let Some(parsed) = ldouble::parse(increment) else {
        ctx.out.error(NOT_FLOAT);
        return;
    };
    if !parsed.is_finite() {
        ctx.out.error(INCR_NAN);
        return;
    }
    let engine = ctx.engine;
    let hasher = engine.keyspace.value_hasher();
    let (mut db, out) = db_and_out(ctx);
    let outcome = with_hash_or_create(&mut db, &args[1], |hash| {
        let current = hash.get(field).unwrap_or(b"0");
        if ldouble::parse(current).is_none() {
            return Err(NOT_FLOAT_HASH);
        }
        let sum = incr_by_float(current, increment).ok_or(RESULT_NAN)?;
        hash.set_keep_ttl(field, sum.as_bytes(), &hasher);
        Ok::<_, &str>(sum)
    });
    match outcome {
        Err(WrongType) => out.error(WRONGTYPE),
        Ok(Err(error)) => out.error(error),
        Ok(Ok(sum)) => {
            out.bulk(sum.as_bytes());
            db.notify(class::HASH, "hincrbyfloat", &args[1]);
            add_dirty(engine, 1);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

/// Runs a read `f` on the hash at `key`, replying WRONGTYPE or `missing` when there is none.
fn read(
    ctx: &mut Ctx<'_, '_>,
    key: &[u8],
    missing: impl FnOnce(&mut Reply),
    f: impl FnOnce(&Hash, &mut Reply),
) {
    let (mut db, out) = db_and_out(ctx);
    match with_hash(&mut db, key, Access::Read, |hash| f(hash, out)) {
        Err(WrongType) => out.error(WRONGTYPE),
        Ok(None) => missing(out),
        Ok(Some(())) => {}
    }
}

/// `HGET key field`: the field's value, or null.
pub fn hget(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let field = &args[2][..];
    read(ctx, &args[1], Reply::null, |hash, out| {
        match hash.get(field) {
            Some(value) => out.bulk(value),
            None => out.null(),
        }
    });
}

/// `HMGET key field [field ...]`: each field's value or null; a missing key is an empty hash.
pub fn hmget(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let fields = &args[2..];
    let missing = |out: &mut Reply| {
        out.array(fields.len());
        for _ in fields {
            out.null();
        }
    };
    read(ctx, &args[1], missing, |hash, out| {
        out.array(fields.len());
        for field in fields {
            match hash.get(field) {
                Some(value) => out.bulk(value),
                None => out.null(),
            }
        }
    });
}

/// `HLEN key`: the number of (live) fields.
pub fn hlen(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    read(
        ctx,
        &args[1],
        |out| out.int(0),
        |hash, out| out.int(hash.len() as i64),
    );
}

/// `HSTRLEN key field`: the length of the field's value, 0 if missing.
pub fn hstrlen(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let field = &args[2][..];
    read(
        ctx,
        &args[1],
        |out| out.int(0),
        |hash, out| out.int(hash.get(field).map_or(0, <[u8]>::len) as i64),
    );
}

/// `HEXISTS key field`: 1 if the field exists, else 0.
pub fn hexists(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let field = &args[2][..];
    read(
        ctx,
        &args[1],
        |out| out.int(0),
        |hash, out| out.int(i64::from(hash.contains(field))),
    );
}

/// `HKEYS key`: every field.
pub fn hkeys(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    read(
        ctx,
        &args[1],
        |out| out.array(0),
        |hash, out| {
            out.array(hash.len());
            for (field, _) in hash.iter() {
                out.bulk(field);
            }
        },
    );
}

/// `HVALS key`: every value.
pub fn hvals(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    read(
        ctx,
        &args[1],
        |out| out.array(0),
        |hash, out| {
            out.array(hash.len());
            for (_, value) in hash.iter() {
                out.bulk(value);
            }
        },
    );
}

/// `HGETALL key`: every field and value (a map in RESP3).
pub fn hgetall(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    read(
        ctx,
        &args[1],
        |out| out.map(0),
        |hash, out| {
            out.map(hash.len());
            for (field, value) in hash.iter() {
                out.bulk(field);
                out.bulk(value);
            }
        },
    );
}

// ---------------------------------------------------------------------------------------------
// HRANDFIELD
// ---------------------------------------------------------------------------------------------

/// Writes one HRANDFIELD element: the field, or the field and value (a pair in RESP3).
fn reply_pick(out: &mut Reply, (field, value): (&[u8], &[u8]), with_values: bool) {
    if with_values && out.resp3() {
        out.array(2);
    }
    out.bulk(field);
    if with_values {
        out.bulk(value);
    }
}

/// Opens an HRANDFIELD reply of `n` elements (flat field/value pairs in RESP2).
fn reply_picks_header(out: &mut Reply, n: usize, with_values: bool) {
    if with_values && !out.resp3() {
        out.array(2 * n);
    } else {
        out.array(n);
    }
}

/// `HRANDFIELD key [count [WITHVALUES]]`: one random field (null if none), or `count` distinct
/// ones (at most the hash's size), or with a negative count `-count` picks that may repeat.
/// Nothing is allocated from the count: distinct picks allocate at most the hash's size,
/// repeated picks are written as they are drawn.
pub fn hrandfield(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if args.len() == 2 {
        let mut rng = crate::util::SplitMix(ctx.engine.random_u64());
        read(ctx, &args[1], Reply::null, |hash, out| {
            let positions = hash.positions();
            match positions.len() {
                // Unreachable (writes delete empty hashes), but a null beats a panic.
                0 => out.null(),
                len => out.bulk(positions.get(rng.below(len)).0),
            }
        });
        return;
    }
    let Some(count) = int_arg(ctx, &args[2]) else {
        return;
    };
    if count == i64::MIN {
        ctx.out.error(COUNT_RANGE);
        return;
    }
    let with_values = match args.len() {
        3 => false,
        4 if keyword(&args[3], "withvalues") => true,
        _ => {
            ctx.out.error(SYNTAX);
            return;
        }
    };
    // Redis refuses what would overflow twice the count (field and value per pick).
    if with_values && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        ctx.out.error(OUT_OF_RANGE);
        return;
    }
    let handle = ctx.client.handle.clone();
    let mut rng = crate::util::SplitMix(ctx.engine.random_u64());
    read(
        ctx,
        &args[1],
        |out| out.array(0),
        |hash, out| {
            let positions = hash.positions();
            let size = positions.len();
            let wanted = count.unsigned_abs();
            // Empty hashes cannot be reached (writes delete them): answer as for a missing key.
            if wanted == 0 || size == 0 {
                out.array(0);
            } else if count < 0 || wanted == 1 {
                // Picks may repeat (a count of 1 goes this way in Redis too).
                reply_picks_header(out, wanted as usize, with_values);
                for drawn in 1..=wanted {
                    reply_pick(out, positions.get(rng.below(size)), with_values);
                    if drawn % RANDOM_CHECK_EVERY == 0 && handle.is_killed() {
                        break;
                    }
                }
            } else if wanted >= size as u64 {
                reply_picks_header(out, size, with_values);
                for position in 0..size {
                    reply_pick(out, positions.get(position), with_values);
                }
            } else {
                let wanted = wanted as usize;
                reply_picks_header(out, wanted, with_values);
                for position in distinct_positions(&mut rng, size, wanted) {
                    reply_pick(out, positions.get(position), with_values);
                }
            }
        },
    );
}

/// `wanted` distinct positions below `size` (`wanted < size`), in random order.
fn distinct_positions(rng: &mut crate::util::SplitMix, size: usize, wanted: usize) -> Vec<usize> {
    if wanted * SUB_STRATEGY_MUL > size {
        // A partial Fisher-Yates shuffle of every position.
        let mut all: Vec<usize> = (0..size).collect();
        for i in 0..wanted {
            let j = i + rng.below(size - i);
            all.swap(i, j);
        }
        all.truncate(wanted);
        all
    } else {
        // Few picks from many: draw and reject repeats (at most a third can be taken).
        let mut taken = std::collections::BTreeSet::new();
        let mut picks = Vec::with_capacity(wanted);
        while picks.len() < wanted {
            let position = rng.below(size);
            if taken.insert(position) {
                picks.push(position);
            }
        }
        picks
    }
}

// ---------------------------------------------------------------------------------------------
// HSCAN
// ---------------------------------------------------------------------------------------------

/// `HSCAN key cursor [MATCH pattern] [COUNT count]`: the next batch of fields and values and
/// the cursor to continue from. A packed hash is returned whole with cursor 0, as Redis does
/// for listpacks. A table is walked from its last position down (see `types/hash/table.rs`
/// for why every field present for the whole scan is returned): the cursor is the number of
/// positions still to visit, COUNT bounds the positions visited.
pub fn hscan(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(cursor) = super::keys::parse_cursor(&args[2]) else {
        ctx.out.error(INVALID_CURSOR);
        return;
    };
    // Options are only read once the key turned out to be a hash, as in Redis.
    let options = &args[3..];
    let (mut db, out) = db_and_out(ctx);
    let scanned = with_hash(&mut db, &args[1], Access::Read, |hash| {
        let mut count = SCAN_COUNT_DEFAULT;
        let mut pattern: Option<&[u8]> = None;
        for pair in options.chunks(2) {
            match pair {
                [option, value] if keyword(option, "count") => match parse_i64(value) {
                    None => return Err(NOT_INTEGER),
                    Some(n) if n < 1 => return Err(SYNTAX),
                    Some(n) => count = usize::try_from(n).unwrap_or(usize::MAX),
                },
                [option, value] if keyword(option, "match") => {
                    // "*" matches everything: skip the matcher, as Redis does.
                    pattern = Some(&value[..]).filter(|p| *p != b"*");
                }
                _ => return Err(SYNTAX),
            }
        }
        let matches = |field: &[u8]| pattern.is_none_or(|p| glob_match(p, field, false));
        let mut found = Vec::new();
        let next_cursor = if hash.is_packed() {
            found.extend(hash.iter().filter(|(field, _)| matches(field)));
            0
        } else {
            let positions = hash.positions();
            let len = positions.len() as u64;
            let mut position = if cursor == 0 { len } else { cursor.min(len) };
            let mut budget = count;
            while position > 0 && budget > 0 {
                position -= 1;
                budget -= 1;
                let pair = positions.get(position as usize);
                if matches(pair.0) {
                    found.push(pair);
                }
            }
            position
        };
        out.array(2);
        out.bulk(itoa::Buffer::new().format(next_cursor).as_bytes());
        out.array(2 * found.len());
        for (field, value) in found {
            out.bulk(field);
            out.bulk(value);
        }
        Ok(())
    });
    match scanned {
        Err(WrongType) => out.error(WRONGTYPE),
        Ok(None) => {
            out.array(2);
            out.bulk(b"0");
            out.array(0);
        }
        Ok(Some(Err(error))) => out.error(error),
        Ok(Some(Ok(()))) => {}
    }
}

#[cfg(test)]
mod tests;
