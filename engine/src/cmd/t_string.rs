//! String commands: GET/SET and their variants (SETNX, SETEX, PSETEX, GETSET, GETDEL,
//! GETEX, MGET, MSET, MSETNX), counters (INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT) and
//! in-place edits (APPEND, SETRANGE, GETRANGE/SUBSTR, STRLEN). LCS lives in `t_string_lcs`
//! and is re-exported here so the command table sees every string handler in one place.
//!
//! Behaviour follows Redis 7.0's `t_string.c`: the same order of checks (so the same error
//! wins when several apply), the same error texts, the same encodings (observable through
//! OBJECT ENCODING) and the same `dirty` accounting.

use std::sync::atomic::Ordering;

use bytes::Bytes;

use super::{NOT_FLOAT, NOT_INTEGER, OVERFLOW, SYNTAX, WRONGTYPE, int_arg};
use crate::keyspace::{Db, Value};
use crate::ldouble;
use crate::pubsub::class;
use crate::resp::Reply;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::util::incr_by_float;

pub use super::t_string_lcs::lcs;

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// The selected database and the reply buffer as separate borrows, so a handler can write
/// the reply while it still holds an entry.
pub(super) fn db_and_out<'c, 'k>(ctx: &'c mut Ctx<'_, 'k>) -> (Db<'c, 'k>, &'c mut Reply) {
    let now_ms = ctx.now.unix_ms();
    (ctx.locked.db(ctx.client.db, now_ms), &mut *ctx.out)
}

/// Counts `n` changes towards Redis's `dirty` (writes since the last save).
fn add_dirty(ctx: &Ctx<'_, '_>, n: u64) {
    ctx.engine
        .keyspace
        .stats
        .dirty
        .fetch_add(n, Ordering::Relaxed);
}

/// The largest string a command may build (`proto-max-bulk-len`).
fn string_len_max(ctx: &Ctx<'_, '_>) -> u64 {
    ctx.engine.proto_max_bulk_len.load(Ordering::Relaxed)
}

/// Redis's `checkStringLength`: replies the error and returns true when a string of
/// `len + extra` bytes would pass `max` (`proto-max-bulk-len`). Called before anything is
/// allocated, so a huge SETRANGE offset costs nothing.
fn too_long(out: &mut Reply, max: u64, len: u64, extra: u64) -> bool {
    let fits = len.checked_add(extra).is_some_and(|total| total <= max);
    if !fits {
        out.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    }
    !fits
}

/// Makes room for `extra` more bytes the way Redis's `sdsMakeRoomFor` does: small strings
/// double, big ones get at most 1MB of slack. Plain `Vec` doubling would let a 400MB value
/// grown by APPEND hold 400MB of spare capacity.
pub(super) fn reserve_like_sds(buf: &mut Vec<u8>, extra: usize) {
    const PREALLOC_MAX: usize = 1024 * 1024;
    let needed = buf.len() + extra;
    if needed > buf.capacity() {
        let target = if needed < PREALLOC_MAX {
            needed * 2
        } else {
            needed + PREALLOC_MAX
        };
        buf.reserve_exact(target - buf.len());
    }
}

/// An option name as Redis's C code sees it: it compares NUL-terminated strings, so an
/// argument is only read up to its first NUL byte ("NX\0junk" is NX to Redis, and to us).
pub(super) fn option_name(arg: &[u8]) -> &[u8] {
    arg.iter()
        .position(|&b| b == 0)
        .map_or(arg, |nul| &arg[..nul])
}

/// Redis's `getGenericCommand`: replies the value of `key`, or null when it is missing.
/// Returns false (after replying WRONGTYPE) when the key holds another type.
fn reply_value(ctx: &mut Ctx<'_, '_>, key: &[u8]) -> bool {
    let (mut db, out) = db_and_out(ctx);
    match db.lookup_read(key) {
        None => out.null(),
        Some(entry) if !entry.value.is_string() => {
            out.error(WRONGTYPE);
            return false;
        }
        Some(entry) => entry.value.reply_bulk(out),
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Expiry options (SET, SETEX, PSETEX, GETEX)
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ExpireUnit {
    /// EX: seconds from now.
    Seconds,
    /// PX: milliseconds from now.
    Millis,
    /// EXAT: Unix time in seconds.
    AtSeconds,
    /// PXAT: Unix time in milliseconds.
    AtMillis,
}

impl ExpireUnit {
    fn is_absolute(self) -> bool {
        matches!(self, ExpireUnit::AtSeconds | ExpireUnit::AtMillis)
    }
}

/// Redis's `getExpireMillisecondsOrReply`: the absolute deadline in Unix ms, or the error
/// text. `command` is the lowercase command name the error quotes.
fn expire_deadline(
    unit: ExpireUnit,
    arg: &[u8],
    now_ms: u64,
    command: &str,
) -> Result<u64, String> {
    let Some(mut ms) = parse_i64(arg) else {
        return Err(NOT_INTEGER.into());
    };
    let invalid = || format!("ERR invalid expire time in '{command}' command");
    let in_seconds = matches!(unit, ExpireUnit::Seconds | ExpireUnit::AtSeconds);
    if ms <= 0 || (in_seconds && ms > i64::MAX / 1000) {
        return Err(invalid());
    }
    if in_seconds {
        ms *= 1000;
    }
    if !unit.is_absolute() {
        // Redis adds in signed 64 bits and calls a wrapped (negative) sum invalid; checked
        // addition gives the same answer without relying on overflow.
        ms = ms.checked_add(now_ms as i64).ok_or_else(invalid)?;
    }
    Ok(ms as u64)
}

/// The options of SET (`NX XX GET KEEPTTL EX PX EXAT PXAT`) and GETEX (`EX PX EXAT PXAT
/// PERSIST`), after Redis's `parseExtendedStringArgumentsOrReply`.
#[derive(Clone, Copy, Debug, Default)]
struct StringOptions<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keep_ttl: bool,
    persist: bool,
    expire: Option<(ExpireUnit, &'a [u8])>,
}

/// Parses the options; `None` means "ERR syntax error". Conflicting options are syntax
/// errors, but repeating one is not (`EX 1 EX 2` uses 2), as in Redis.
fn parse_options(options: &[Bytes], for_set: bool) -> Option<StringOptions<'_>> {
    let mut parsed = StringOptions::default();
    let mut i = 0;
    while i < options.len() {
        let name = option_name(&options[i]);
        let next = options.get(i + 1).map(|b| &b[..]);
        let is = |word: &str| name.eq_ignore_ascii_case(word.as_bytes());
        // An expiry may follow only another expiry of the same unit.
        let expire_ok = |unit: ExpireUnit| {
            !parsed.keep_ttl
                && !parsed.persist
                && parsed.expire.is_none_or(|(u, _)| u == unit)
                && next.is_some()
        };
        let unit = if is("ex") {
            Some(ExpireUnit::Seconds)
        } else if is("px") {
            Some(ExpireUnit::Millis)
        } else if is("exat") {
            Some(ExpireUnit::AtSeconds)
        } else if is("pxat") {
            Some(ExpireUnit::AtMillis)
        } else {
            None
        };
        match unit {
            Some(unit) if expire_ok(unit) => {
                parsed.expire = Some((unit, next.expect("checked by expire_ok")));
                i += 1;
            }
            Some(_) => return None,
            None if for_set && is("nx") && !parsed.xx => parsed.nx = true,
            None if for_set && is("xx") && !parsed.nx => parsed.xx = true,
            None if for_set && is("get") => parsed.get = true,
            None if for_set && is("keepttl") && parsed.expire.is_none() => parsed.keep_ttl = true,
            None if !for_set && is("persist") && parsed.expire.is_none() => parsed.persist = true,
            None => return None,
        }
        i += 1;
    }
    Some(parsed)
}

// ---------------------------------------------------------------------------------------------
// GET / SET family
// ---------------------------------------------------------------------------------------------

/// `GET key`
pub fn get(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    reply_value(ctx, &args[1]);
}

/// What SET-like commands reply when they set the key, and when NX/XX stops them.
#[derive(Clone, Copy)]
enum SetReplies {
    /// SET: `+OK`, or null.
    OkOrNull,
    /// SETNX: `:1`, or `:0`.
    OneOrZero,
}

/// Redis's `setGenericCommand`, shared by SET, SETNX, SETEX and PSETEX.
fn set_generic(
    ctx: &mut Ctx<'_, '_>,
    key: &[u8],
    value: &[u8],
    options: &StringOptions<'_>,
    command: &str,
    replies: SetReplies,
) {
    let mut expire_ms = 0;
    if let Some((unit, arg)) = options.expire {
        match expire_deadline(unit, arg, ctx.now.unix_ms(), command) {
            Ok(ms) => expire_ms = ms,
            Err(text) => return ctx.out.error(text),
        }
    }
    // With GET the old value is the reply, whatever NX/XX decide next.
    if options.get && !reply_value(ctx, key) {
        return;
    }
    let (mut db, out) = db_and_out(ctx);
    let found = db.lookup_write(key).is_some();
    if (options.nx && found) || (options.xx && !found) {
        if !options.get {
            match replies {
                SetReplies::OkOrNull => out.null(),
                SetReplies::OneOrZero => out.int(0),
            }
        }
        return;
    }
    if options.keep_ttl {
        db.set_keep_ttl(key, Value::string(value));
    } else {
        db.set(key, Value::string(value), expire_ms);
    }
    db.notify(class::STRING, "set", key);
    if options.expire.is_some() {
        db.notify(class::GENERIC, "expire", key);
    }
    if !options.get {
        match replies {
            SetReplies::OkOrNull => out.ok(),
            SetReplies::OneOrZero => out.int(1),
        }
    }
    add_dirty(ctx, 1);
}

/// `SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
/// PXAT unix-time-milliseconds | KEEPTTL]`
pub fn set(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(options) = parse_options(&args[3..], true) else {
        return ctx.out.error(SYNTAX);
    };
    set_generic(
        ctx,
        &args[1],
        &args[2],
        &options,
        "set",
        SetReplies::OkOrNull,
    );
}

/// `SETNX key value`
pub fn setnx(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let options = StringOptions {
        nx: true,
        ..StringOptions::default()
    };
    set_generic(
        ctx,
        &args[1],
        &args[2],
        &options,
        "setnx",
        SetReplies::OneOrZero,
    );
}

/// `SETEX key seconds value`
pub fn setex(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let options = StringOptions {
        expire: Some((ExpireUnit::Seconds, &args[2])),
        ..StringOptions::default()
    };
    set_generic(
        ctx,
        &args[1],
        &args[3],
        &options,
        "setex",
        SetReplies::OkOrNull,
    );
}

/// `PSETEX key milliseconds value`
pub fn psetex(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let options = StringOptions {
        expire: Some((ExpireUnit::Millis, &args[2])),
        ..StringOptions::default()
    };
    set_generic(
        ctx,
        &args[1],
        &args[3],
        &options,
        "psetex",
        SetReplies::OkOrNull,
    );
}

/// `GETSET key value` — sets the value and drops any TTL.
pub fn getset(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if !reply_value(ctx, &args[1]) {
        return;
    }
    let mut db = ctx.db();
    db.set(&args[1], Value::string(&args[2]), 0);
    db.notify(class::STRING, "set", &args[1]);
    add_dirty(ctx, 1);
}

/// `GETDEL key`
pub fn getdel(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if !reply_value(ctx, &args[1]) {
        return;
    }
    let mut db = ctx.db();
    if db.remove(&args[1]).is_some() {
        db.notify(class::GENERIC, "del", &args[1]);
        add_dirty(ctx, 1);
    }
}

/// `GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
/// PXAT unix-time-milliseconds | PERSIST]`
pub fn getex(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(options) = parse_options(&args[2..], false) else {
        return ctx.out.error(SYNTAX);
    };
    let key = &args[1][..];
    let (mut db, out) = db_and_out(ctx);
    let now_ms = db.now_ms;
    let Some(entry) = db.lookup_read(key) else {
        return out.null();
    };
    if !entry.value.is_string() {
        return out.error(WRONGTYPE);
    }
    // Redis validates the expiry only once it knows the key is there: a missing key answers
    // null even with an invalid time.
    let deadline = match options.expire {
        Some((unit, arg)) => match expire_deadline(unit, arg, now_ms, "getex") {
            Ok(ms) => Some((unit, ms)),
            Err(text) => return out.error(text),
        },
        None => None,
    };
    entry.value.reply_bulk(out);
    let had_ttl = entry.expire_ms != 0;
    let event = match deadline {
        // An absolute time already past deletes the key now rather than leaving it to expire.
        Some((unit, ms)) if unit.is_absolute() && ms <= now_ms => {
            db.remove(key).is_some().then_some("del")
        }
        Some((_, ms)) => db.set_expire(key, ms).then_some("expire"),
        None => (options.persist && had_ttl && db.set_expire(key, 0)).then_some("persist"),
    };
    if let Some(event) = event {
        db.notify(class::GENERIC, event, key);
        add_dirty(ctx, 1);
    }
}

/// `MGET key [key ...]` — keys of other types read as null, not as an error.
pub fn mget(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    out.array(args.len() - 1);
    for key in &args[1..] {
        match db.lookup_read(key) {
            Some(entry) if entry.value.is_string() => entry.value.reply_bulk(out),
            _ => out.null(),
        }
    }
}

/// Redis's `msetGenericCommand`: MSET, or MSETNX (`nx`), which sets nothing if any key exists.
fn mset_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], nx: bool) {
    let pairs = args[1..].chunks_exact(2);
    if !pairs.remainder().is_empty() {
        let name = if nx { "msetnx" } else { "mset" };
        return ctx.out.error(format!(
            "ERR wrong number of arguments for '{name}' command"
        ));
    }
    let count = pairs.len() as u64;
    let (mut db, out) = db_and_out(ctx);
    if nx
        && pairs
            .clone()
            .any(|pair| db.lookup_write(&pair[0]).is_some())
    {
        return out.int(0);
    }
    for pair in pairs {
        db.set(&pair[0], Value::string(&pair[1]), 0);
        db.notify(class::STRING, "set", &pair[0]);
    }
    if nx {
        out.int(1)
    } else {
        out.ok()
    }
    add_dirty(ctx, count);
}

/// `MSET key value [key value ...]`
pub fn mset(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    mset_generic(ctx, args, false);
}

/// `MSETNX key value [key value ...]`
pub fn msetnx(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    mset_generic(ctx, args, true);
}

// ---------------------------------------------------------------------------------------------
// Counters
// ---------------------------------------------------------------------------------------------

/// Redis's `incrDecrCommand`: adds `delta` to the integer at `key` (0 when missing), keeping
/// the key's TTL.
fn incr_decr(ctx: &mut Ctx<'_, '_>, key: &[u8], delta: i64) {
    let (mut db, out) = db_and_out(ctx);
    let value = match db.lookup_write(key) {
        None => {
            db.set(key, Value::Int(delta), 0);
            delta
        }
        Some(entry) => {
            let current = match &entry.value {
                Value::Int(n) => Some(*n),
                value if value.is_string() => value.with_bytes(parse_i64),
                _ => return out.error(WRONGTYPE),
            };
            let Some(current) = current else {
                return out.error(NOT_INTEGER);
            };
            let Some(value) = current.checked_add(delta) else {
                return out.error(OVERFLOW);
            };
            entry.value = Value::Int(value);
            value
        }
    };
    db.notify(class::STRING, "incrby", key);
    out.int(value);
    add_dirty(ctx, 1);
}

/// `INCR key`
pub fn incr(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    incr_decr(ctx, &args[1], 1);
}

/// `DECR key`
pub fn decr(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    incr_decr(ctx, &args[1], -1);
}

/// `INCRBY key increment`
pub fn incrby(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(delta) = int_arg(ctx, &args[2]) else {
        return;
    };
    incr_decr(ctx, &args[1], delta);
}

/// `DECRBY key decrement`
pub fn decrby(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(delta) = int_arg(ctx, &args[2]) else {
        return;
    };
    // i64::MIN has no negation; Redis refuses it with its own message.
    let Some(delta) = delta.checked_neg() else {
        return ctx.out.error("ERR decrement would overflow");
    };
    incr_decr(ctx, &args[1], delta);
}

/// `INCRBYFLOAT key increment` — the result is stored as text (never the int encoding, even
/// for a whole number), keeping the key's TTL.
pub fn incrbyfloat(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (key, increment) = (&args[1][..], &args[2][..]);
    let (mut db, out) = db_and_out(ctx);
    let mut entry = db.lookup_write(key);
    let current = match &entry {
        None => None,
        Some(e) if !e.value.is_string() => return out.error(WRONGTYPE),
        Some(e) => Some(e.value.with_bytes(<[u8]>::to_vec)),
    };
    let current = current.as_deref().unwrap_or(b"0");
    if ldouble::parse(current).is_none() || ldouble::parse(increment).is_none() {
        return out.error(NOT_FLOAT);
    }
    let Some(sum) = incr_by_float(current, increment) else {
        return out.error("ERR increment would produce NaN or Infinity");
    };
    let value = Value::Str(sum.as_bytes().into());
    match entry.as_mut() {
        Some(e) => e.value = value,
        None => db.set(key, value, 0),
    }
    db.notify(class::STRING, "incrbyfloat", key);
    out.bulk(sum.as_bytes());
    add_dirty(ctx, 1);
}

// ---------------------------------------------------------------------------------------------
// In-place edits and ranges
// ---------------------------------------------------------------------------------------------

/// `APPEND key value` — creates the key (encoded like SET would) or grows it in place.
pub fn append(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (key, tail) = (&args[1][..], &args[2][..]);
    let max = string_len_max(ctx);
    let (mut db, out) = db_and_out(ctx);
    let len = match db.lookup_write(key) {
        None => {
            db.set(key, Value::string(tail), 0);
            tail.len()
        }
        Some(entry) if !entry.value.is_string() => return out.error(WRONGTYPE),
        Some(entry) => {
            if too_long(out, max, entry.value.string_len() as u64, tail.len() as u64) {
                return;
            }
            // Appending even nothing turns the value raw, as in Redis.
            let buf = entry.value.make_raw();
            reserve_like_sds(buf, tail.len());
            buf.extend_from_slice(tail);
            buf.len()
        }
    };
    db.notify(class::STRING, "append", key);
    out.int(len as i64);
    add_dirty(ctx, 1);
}

/// `STRLEN key`
pub fn strlen(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    match db.lookup_read(&args[1]) {
        None => out.int(0),
        Some(entry) if !entry.value.is_string() => out.error(WRONGTYPE),
        Some(entry) => out.int(entry.value.string_len() as i64),
    }
}

/// The byte range `start..end` that GETRANGE's inclusive, possibly negative indexes select
/// in a string of `len` bytes, or `None` when it is empty.
fn byte_range(len: usize, start: i64, end: i64) -> Option<std::ops::Range<usize>> {
    // Both counted from the end and crossed: empty, even where clamping would select a byte.
    if start < 0 && end < 0 && start > end {
        return None;
    }
    let len = len as i64;
    let start = if start < 0 { len + start } else { start }.max(0);
    let end = if end < 0 { len + end } else { end }.max(0).min(len - 1);
    (len > 0 && start <= end).then(|| start as usize..end as usize + 1)
}

/// `GETRANGE key start end` — inclusive byte offsets, negative ones counted from the end.
pub fn getrange(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(start) = int_arg(ctx, &args[2]) else {
        return;
    };
    let Some(end) = int_arg(ctx, &args[3]) else {
        return;
    };
    let (mut db, out) = db_and_out(ctx);
    match db.lookup_read(&args[1]) {
        None => out.bulk(b""),
        Some(entry) if !entry.value.is_string() => out.error(WRONGTYPE),
        Some(entry) => entry
            .value
            .with_bytes(|bytes| match byte_range(bytes.len(), start, end) {
                Some(range) => out.bulk(&bytes[range]),
                None => out.bulk(b""),
            }),
    }
}

/// `SUBSTR key start end` — the original name of GETRANGE.
pub fn substr(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    getrange(ctx, args);
}

/// `SETRANGE key offset value` — overwrites from `offset`, zero-padding a shorter string.
pub fn setrange(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (key, patch) = (&args[1][..], &args[3][..]);
    let Some(offset) = int_arg(ctx, &args[2]) else {
        return;
    };
    if offset < 0 {
        return ctx.out.error("ERR offset is out of range");
    }
    // Kept as u64 until checked against the limit: as usize it could wrap on 32-bit targets.
    let offset = offset as u64;
    let max = string_len_max(ctx);
    let (mut db, out) = db_and_out(ctx);
    // Writing nothing changes nothing (not even creating a missing key), whatever the offset.
    let len = match db.lookup_write(key) {
        None if patch.is_empty() => return out.int(0),
        None => {
            if too_long(out, max, offset, patch.len() as u64) {
                return;
            }
            let offset = offset as usize;
            let mut buf = vec![0; offset + patch.len()];
            buf[offset..].copy_from_slice(patch);
            let len = buf.len();
            db.set(key, Value::Raw(buf), 0);
            len
        }
        Some(entry) if !entry.value.is_string() => return out.error(WRONGTYPE),
        Some(entry) if patch.is_empty() => return out.int(entry.value.string_len() as i64),
        Some(entry) => {
            if too_long(out, max, offset, patch.len() as u64) {
                return;
            }
            let (offset, end) = (offset as usize, offset as usize + patch.len());
            let buf = entry.value.make_raw();
            if buf.len() < end {
                reserve_like_sds(buf, end - buf.len());
                buf.resize(end, 0);
            }
            buf[offset..end].copy_from_slice(patch);
            buf.len()
        }
    };
    db.notify(class::STRING, "setrange", key);
    out.int(len as i64);
    add_dirty(ctx, 1);
}

// ---------------------------------------------------------------------------------------------
// Tests. Every expected reply in the `script` tables was produced by a live redis-server 7.0.15
// running the same commands; the state tests check what replies cannot show (TTLs, encodings,
// counters).
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
pub(super) mod tests {
    use std::sync::atomic::Ordering;

    use crate::config::Config;
    use crate::keyspace::{Entry, Value};
    use crate::resp::Protocol;
    use crate::testing::{TestClient, client, client_with};

    /// The clock `testing::client` starts at, in Unix ms.
    const T0: u64 = 1_700_000_000_000;

    /// Runs each space-separated command line (`''` is an empty argument) and checks its
    /// exact reply.
    #[track_caller]
    pub(crate) fn script(t: &mut TestClient, steps: &[(&str, &str)]) {
        for (line, expected) in steps {
            let args: Vec<&str> = line
                .split(' ')
                .map(|w| if w == "''" { "" } else { w })
                .collect();
            assert_eq!(t.run(&args), *expected, "reply to `{line}`");
        }
    }

    /// The entry of `key` in database 0 as of the client's clock (expired keys are reaped).
    fn entry(t: &TestClient, key: &str) -> Option<Entry> {
        let mut locked = t.engine.keyspace.lock_keys([key.as_bytes()]);
        locked
            .db(0, t.now.unix_ms())
            .entry_mut(key.as_bytes())
            .cloned()
    }

    /// The heap bytes the value of `key` holds, spare capacity included (a clone would drop it).
    fn heap_bytes(t: &TestClient, key: &str) -> usize {
        let mut locked = t.engine.keyspace.lock_keys([key.as_bytes()]);
        locked
            .db(0, t.now.unix_ms())
            .entry_mut(key.as_bytes())
            .expect("key exists")
            .value
            .heap_bytes()
    }

    fn expire_ms(t: &TestClient, key: &str) -> u64 {
        entry(t, key).expect("key exists").expire_ms
    }

    fn encoding(t: &TestClient, key: &str) -> &'static str {
        entry(t, key).expect("key exists").value.encoding()
    }

    fn dirty(t: &TestClient) -> u64 {
        t.engine.keyspace.stats.dirty.load(Ordering::Relaxed)
    }

    fn hits_misses(t: &TestClient) -> (u64, u64) {
        let stats = &t.engine.keyspace.stats;
        (
            stats.keyspace_hits.load(Ordering::Relaxed),
            stats.keyspace_misses.load(Ordering::Relaxed),
        )
    }

    #[test]
    fn get_and_set() {
        let mut t = client();
        script(
            &mut t,
            &[
                ("get k", "$-1\r\n"),
                ("set k v", "+OK\r\n"),
                ("get k", "$1\r\nv\r\n"),
                ("set k ''", "+OK\r\n"),
                ("get k", "$0\r\n\r\n"),
                ("SET k V", "+OK\r\n"),
                ("GET k", "$1\r\nV\r\n"),
                ("set k 12345", "+OK\r\n"),
                ("get k", "$5\r\n12345\r\n"),
                ("set k v extra", "-ERR syntax error\r\n"),
            ],
        );
    }

    #[test]
    fn set_options_conflicts_and_expire_errors() {
        let mut t = client();
        // Conflicts are syntax errors; repeats are not. The expiry is parsed only after every
        // option, so a bad option wins over a bad number. Relative times that overflow once
        // added to the clock are invalid, absolute ones up to i64::MAX ms are fine.
        script(
            &mut t,
            &[
                ("set k v ex 10 px 100", "-ERR syntax error\r\n"),
                ("set k v px 100 ex 10", "-ERR syntax error\r\n"),
                ("set k v ex 10 exat 4000000000", "-ERR syntax error\r\n"),
                (
                    "set k v exat 4000000000 pxat 4000000000000",
                    "-ERR syntax error\r\n",
                ),
                ("set k v pxat 4000000000000 px 5", "-ERR syntax error\r\n"),
                ("set k v nx xx", "-ERR syntax error\r\n"),
                ("set k v xx nx", "-ERR syntax error\r\n"),
                ("set k v keepttl ex 10", "-ERR syntax error\r\n"),
                ("set k v ex 10 keepttl", "-ERR syntax error\r\n"),
                ("set k v px 10 keepttl", "-ERR syntax error\r\n"),
                ("set k v keepttl pxat 10", "-ERR syntax error\r\n"),
                ("set k v persist", "-ERR syntax error\r\n"),
                ("set k v ex", "-ERR syntax error\r\n"),
                ("set k v px", "-ERR syntax error\r\n"),
                ("set k v exat", "-ERR syntax error\r\n"),
                ("set k v pxat", "-ERR syntax error\r\n"),
                ("set k v nx ex", "-ERR syntax error\r\n"),
                ("set k v foo", "-ERR syntax error\r\n"),
                ("set k v ex 10 foo", "-ERR syntax error\r\n"),
                ("set k v nxx", "-ERR syntax error\r\n"),
                (
                    "set k v ex abc",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    "set k v ex 1.5",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                ("set k v ex abc nx xx", "-ERR syntax error\r\n"),
                ("set k v ex abc foo", "-ERR syntax error\r\n"),
                (
                    "set k v ex 0",
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
                (
                    "set k v ex -1",
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
                (
                    "set k v px 0",
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
                (
                    "set k v exat 0",
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
                (
                    "set k v pxat -5",
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
                (
                    "set k v ex 9223372036854775",
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
                (
                    "set k v ex 9223372036854776",
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
                (
                    "set k v px 9223372036854775807",
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
                (
                    "set k v px 9223372036854775000",
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
                ("set k v pxat 9223372036854775807", "+OK\r\n"),
                ("set k v exat 9223372036854775", "+OK\r\n"),
                (
                    "set k v exat 9223372036854776",
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
                (
                    "set k v ex 9223372036854775808",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                ("get k", "$1\r\nv\r\n"),
                ("set k v1 ex 10 ex 20", "+OK\r\n"),
                ("set k v2 nx nx", "$-1\r\n"),
                ("set k v3 xx xx", "+OK\r\n"),
                ("set k v4 get get", "$2\r\nv3\r\n"),
                ("set k v5 keepttl keepttl", "+OK\r\n"),
                ("set k v6 EX 100 Nx", "$-1\r\n"),
                ("set k v7 Px 100 xX GeT", "$2\r\nv5\r\n"),
                ("set k v8 KeepTTL", "+OK\r\n"),
                ("set k v9 exat 4000000000 exat 4000000001", "+OK\r\n"),
                ("get k", "$2\r\nv9\r\n"),
            ],
        );
    }

    #[test]
    fn set_nx_xx_and_get() {
        let mut t = client();
        // With GET the reply is the old value whether or not NX/XX let the write happen.
        script(
            &mut t,
            &[
                ("set k v nx", "+OK\r\n"),
                ("set k w nx", "$-1\r\n"),
                ("get k", "$1\r\nv\r\n"),
                ("set k w xx", "+OK\r\n"),
                ("get k", "$1\r\nw\r\n"),
                ("set k2 w xx", "$-1\r\n"),
                ("get k2", "$-1\r\n"),
                ("set k x nx get", "$1\r\nw\r\n"),
                ("get k", "$1\r\nw\r\n"),
                ("set k2 x xx get", "$-1\r\n"),
                ("get k2", "$-1\r\n"),
                ("set k3 x nx get", "$-1\r\n"),
                ("get k3", "$1\r\nx\r\n"),
                ("set k y get", "$1\r\nw\r\n"),
                ("get k", "$1\r\ny\r\n"),
                ("set k z xx get", "$1\r\ny\r\n"),
                ("get k", "$1\r\nz\r\n"),
                ("set k4 z get", "$-1\r\n"),
                ("get k4", "$1\r\nz\r\n"),
                (
                    "set k4 q get ex 0",
                    "-ERR invalid expire time in 'set' command\r\n",
                ),
                ("get k4", "$1\r\nz\r\n"),
            ],
        );
    }

    #[test]
    fn setnx_setex_psetex() {
        let mut t = client();
        script(
            &mut t,
            &[
                ("setnx k v", ":1\r\n"),
                ("setnx k w", ":0\r\n"),
                ("get k", "$1\r\nv\r\n"),
                (
                    "setex k 0 v",
                    "-ERR invalid expire time in 'setex' command\r\n",
                ),
                (
                    "setex k -1 v",
                    "-ERR invalid expire time in 'setex' command\r\n",
                ),
                (
                    "setex k abc v",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    "setex k 9223372036854775807 v",
                    "-ERR invalid expire time in 'setex' command\r\n",
                ),
                (
                    "setex k 9223372036854775 v",
                    "-ERR invalid expire time in 'setex' command\r\n",
                ),
                (
                    "psetex k 0 v",
                    "-ERR invalid expire time in 'psetex' command\r\n",
                ),
                (
                    "psetex k -5 v",
                    "-ERR invalid expire time in 'psetex' command\r\n",
                ),
                (
                    "psetex k 9223372036854775807 v",
                    "-ERR invalid expire time in 'psetex' command\r\n",
                ),
                (
                    "psetex k x v",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                ("setex k 100 v2", "+OK\r\n"),
                ("get k", "$2\r\nv2\r\n"),
                ("psetex k 100 v3", "+OK\r\n"),
                ("get k", "$2\r\nv3\r\n"),
                (
                    "setex k 100",
                    "-ERR wrong number of arguments for 'setex' command\r\n",
                ),
                (
                    "setnx k",
                    "-ERR wrong number of arguments for 'setnx' command\r\n",
                ),
            ],
        );
    }

    #[test]
    fn mget_mset_msetnx() {
        let mut t = client();
        // MSETNX sets nothing if any key exists; a repeated key takes the last value.
        script(
            &mut t,
            &[
                ("mset a 1 b 2", "+OK\r\n"),
                ("mget a b c", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n"),
                ("mget c", "*1\r\n$-1\r\n"),
                (
                    "mset a 1 b",
                    "-ERR wrong number of arguments for 'mset' command\r\n",
                ),
                (
                    "msetnx a 1 b",
                    "-ERR wrong number of arguments for 'msetnx' command\r\n",
                ),
                (
                    "mset a",
                    "-ERR wrong number of arguments for 'mset' command\r\n",
                ),
                (
                    "msetnx a",
                    "-ERR wrong number of arguments for 'msetnx' command\r\n",
                ),
                ("msetnx c 3 a 9", ":0\r\n"),
                ("get c", "$-1\r\n"),
                ("get a", "$1\r\n1\r\n"),
                ("msetnx c 3 d 4", ":1\r\n"),
                (
                    "mget a b c d",
                    "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n",
                ),
                ("msetnx e 1 e 2", ":1\r\n"),
                ("get e", "$1\r\n2\r\n"),
                ("mset a x a y", "+OK\r\n"),
                ("get a", "$1\r\ny\r\n"),
                ("mget a a", "*2\r\n$1\r\ny\r\n$1\r\ny\r\n"),
            ],
        );
    }

    #[test]
    fn getset_and_getdel() {
        let mut t = client();
        script(
            &mut t,
            &[
                ("getset k v", "$-1\r\n"),
                ("getset k w", "$1\r\nv\r\n"),
                ("get k", "$1\r\nw\r\n"),
                ("getdel k", "$1\r\nw\r\n"),
                ("getdel k", "$-1\r\n"),
                ("get k", "$-1\r\n"),
                (
                    "getset k",
                    "-ERR wrong number of arguments for 'getset' command\r\n",
                ),
                (
                    "getdel k k",
                    "-ERR wrong number of arguments for 'getdel' command\r\n",
                ),
            ],
        );
    }

    #[test]
    fn getex_options_and_errors() {
        let mut t = client();
        // A missing key answers null before its expiry argument is even looked at; an
        // absolute time in the past deletes the key after replying its value.
        script(
            &mut t,
            &[
                ("getex k", "$-1\r\n"),
                ("getex k ex 0", "$-1\r\n"),
                ("getex k ex abc", "$-1\r\n"),
                ("getex k foo", "-ERR syntax error\r\n"),
                ("set k v", "+OK\r\n"),
                ("getex k", "$1\r\nv\r\n"),
                (
                    "getex k ex 0",
                    "-ERR invalid expire time in 'getex' command\r\n",
                ),
                (
                    "getex k px -1",
                    "-ERR invalid expire time in 'getex' command\r\n",
                ),
                (
                    "getex k exat 0",
                    "-ERR invalid expire time in 'getex' command\r\n",
                ),
                (
                    "getex k ex abc",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    "getex k ex 9223372036854775",
                    "-ERR invalid expire time in 'getex' command\r\n",
                ),
                (
                    "getex k px 9223372036854775807",
                    "-ERR invalid expire time in 'getex' command\r\n",
                ),
                ("getex k nx", "-ERR syntax error\r\n"),
                ("getex k xx", "-ERR syntax error\r\n"),
                ("getex k get", "-ERR syntax error\r\n"),
                ("getex k keepttl", "-ERR syntax error\r\n"),
                ("getex k persist ex 1", "-ERR syntax error\r\n"),
                ("getex k ex 1 persist", "-ERR syntax error\r\n"),
                ("getex k ex 1 px 1", "-ERR syntax error\r\n"),
                ("getex k ex", "-ERR syntax error\r\n"),
                ("getex k pxat", "-ERR syntax error\r\n"),
                ("getex k ex 100 ex 200", "$1\r\nv\r\n"),
                ("getex k persist persist", "$1\r\nv\r\n"),
                ("getex k PX 100000", "$1\r\nv\r\n"),
                ("getex k Persist", "$1\r\nv\r\n"),
                ("getex k exat 4000000000", "$1\r\nv\r\n"),
                ("getex k pxat 9223372036854775807", "$1\r\nv\r\n"),
                ("getex k exat 1", "$1\r\nv\r\n"),
                ("get k", "$-1\r\n"),
                ("getex k", "$-1\r\n"),
                ("set k v", "+OK\r\n"),
                ("getex k pxat 1", "$1\r\nv\r\n"),
                ("getex k", "$-1\r\n"),
            ],
        );
    }

    #[test]
    fn append_and_strlen() {
        let mut t = client();
        script(
            &mut t,
            &[
                ("append k hello", ":5\r\n"),
                ("append k _world", ":11\r\n"),
                ("get k", "$11\r\nhello_world\r\n"),
                ("strlen k", ":11\r\n"),
                ("strlen missing", ":0\r\n"),
                ("append e ''", ":0\r\n"),
                ("get e", "$0\r\n\r\n"),
                ("strlen e", ":0\r\n"),
                ("append e ''", ":0\r\n"),
                ("append n 123", ":3\r\n"),
                ("append n 45", ":5\r\n"),
                ("get n", "$5\r\n12345\r\n"),
                ("strlen n", ":5\r\n"),
                ("set i 12345", "+OK\r\n"),
                ("strlen i", ":5\r\n"),
                ("set i -1", "+OK\r\n"),
                ("strlen i", ":2\r\n"),
                ("append i 0", ":3\r\n"),
                ("get i", "$3\r\n-10\r\n"),
                ("set s ''", "+OK\r\n"),
                ("strlen s", ":0\r\n"),
            ],
        );
    }

    #[test]
    fn incr_decr_family_and_i64_limits() {
        let mut t = client();
        // Values must be canonical integers (string2ll): no sign '+', no leading zero, no "-0".
        script(
            &mut t,
            &[
                ("incr n", ":1\r\n"),
                ("incrby n 10", ":11\r\n"),
                ("decr n", ":10\r\n"),
                ("decrby n 5", ":5\r\n"),
                ("incrby n -5", ":0\r\n"),
                ("get n", "$1\r\n0\r\n"),
                (
                    "incrby n abc",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    "incrby n 1.5",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    "decrby n ''",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    "incrby n 9223372036854775808",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    "decrby n 01",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                ("set n 9223372036854775807", "+OK\r\n"),
                ("incr n", "-ERR increment or decrement would overflow\r\n"),
                (
                    "incrby n 1",
                    "-ERR increment or decrement would overflow\r\n",
                ),
                (
                    "decrby n -1",
                    "-ERR increment or decrement would overflow\r\n",
                ),
                ("incrby n 0", ":9223372036854775807\r\n"),
                ("decr n", ":9223372036854775806\r\n"),
                ("set n -9223372036854775808", "+OK\r\n"),
                ("decr n", "-ERR increment or decrement would overflow\r\n"),
                (
                    "incrby n -1",
                    "-ERR increment or decrement would overflow\r\n",
                ),
                (
                    "decrby n 1",
                    "-ERR increment or decrement would overflow\r\n",
                ),
                ("incrby n 9223372036854775807", ":-1\r\n"),
                (
                    "decrby n -9223372036854775808",
                    "-ERR decrement would overflow\r\n",
                ),
                (
                    "decrby x -9223372036854775808",
                    "-ERR decrement would overflow\r\n",
                ),
                ("get x", "$-1\r\n"),
                ("decrby n 9223372036854775807", ":-9223372036854775808\r\n"),
                ("set n abc", "+OK\r\n"),
                ("incr n", "-ERR value is not an integer or out of range\r\n"),
                ("decr n", "-ERR value is not an integer or out of range\r\n"),
                ("set n 01", "+OK\r\n"),
                ("incr n", "-ERR value is not an integer or out of range\r\n"),
                ("set n 1.5", "+OK\r\n"),
                ("incr n", "-ERR value is not an integer or out of range\r\n"),
                ("set n -0", "+OK\r\n"),
                ("incr n", "-ERR value is not an integer or out of range\r\n"),
                ("set n +1", "+OK\r\n"),
                ("incr n", "-ERR value is not an integer or out of range\r\n"),
                ("set n 123456789012345678901", "+OK\r\n"),
                ("incr n", "-ERR value is not an integer or out of range\r\n"),
                ("set n 9223372036854775808", "+OK\r\n"),
                ("incr n", "-ERR value is not an integer or out of range\r\n"),
                ("set n ''", "+OK\r\n"),
                ("incr n", "-ERR value is not an integer or out of range\r\n"),
                ("set n -9223372036854775808", "+OK\r\n"),
                ("incrby n 0", ":-9223372036854775808\r\n"),
                ("decr m", ":-1\r\n"),
                ("decrby m -5", ":4\r\n"),
                ("incrby m -9223372036854775808", ":-9223372036854775804\r\n"),
                ("decr m", ":-9223372036854775805\r\n"),
            ],
        );
    }

    #[test]
    fn incrbyfloat_text_and_errors() {
        let mut t = client();
        script(
            &mut t,
            &[
                ("incrbyfloat f 10.5", "$4\r\n10.5\r\n"),
                ("incrbyfloat f 0.1", "$4\r\n10.6\r\n"),
                ("incrbyfloat f -10.6", "$1\r\n0\r\n"),
                ("get f", "$1\r\n0\r\n"),
                ("incrbyfloat f 5.0e3", "$4\r\n5000\r\n"),
                ("incrbyfloat f 2.0e2", "$4\r\n5200\r\n"),
                ("incrbyfloat f abc", "-ERR value is not a valid float\r\n"),
                ("incrbyfloat f ''", "-ERR value is not a valid float\r\n"),
                ("incrbyfloat f 1.5x", "-ERR value is not a valid float\r\n"),
                (
                    "incrbyfloat f inf",
                    "-ERR increment would produce NaN or Infinity\r\n",
                ),
                (
                    "incrbyfloat f -inf",
                    "-ERR increment would produce NaN or Infinity\r\n",
                ),
                (
                    "incrbyfloat f +inf",
                    "-ERR increment would produce NaN or Infinity\r\n",
                ),
                ("incrbyfloat f nan", "-ERR value is not a valid float\r\n"),
                ("incrbyfloat f 1e3", "$4\r\n6200\r\n"),
                ("get f", "$4\r\n6200\r\n"),
                ("set f abc", "+OK\r\n"),
                ("incrbyfloat f 1", "-ERR value is not a valid float\r\n"),
                ("set f inf", "+OK\r\n"),
                (
                    "incrbyfloat f 1",
                    "-ERR increment would produce NaN or Infinity\r\n",
                ),
                ("set f 3", "+OK\r\n"),
                ("incrbyfloat f 1", "$1\r\n4\r\n"),
                ("incrbyfloat f -1.5", "$3\r\n2.5\r\n"),
                ("incrbyfloat f .5", "$1\r\n3\r\n"),
                ("incrbyfloat f 1.", "$1\r\n4\r\n"),
                ("incrbyfloat f -0.5", "$3\r\n3.5\r\n"),
                ("incrbyfloat f 0.000000000000000001", "$3\r\n3.5\r\n"),
                ("set f 1.5e1", "+OK\r\n"),
                ("incrbyfloat f 0", "$2\r\n15\r\n"),
                ("set f 9223372036854775807", "+OK\r\n"),
                ("incrbyfloat f 1", "$19\r\n9223372036854775808\r\n"),
                ("incrbyfloat g 0.1", "$3\r\n0.1\r\n"),
                ("incrbyfloat g 0.2", "$3\r\n0.3\r\n"),
            ],
        );
    }

    #[test]
    fn getrange_and_substr() {
        let mut t = client();
        script(
            &mut t,
            &[
                ("getrange k 0 -1", "$0\r\n\r\n"),
                ("set k hello", "+OK\r\n"),
                ("getrange k 0 -1", "$5\r\nhello\r\n"),
                ("getrange k 0 0", "$1\r\nh\r\n"),
                ("getrange k -3 -1", "$3\r\nllo\r\n"),
                ("getrange k -1 -3", "$0\r\n\r\n"),
                ("getrange k 10 20", "$0\r\n\r\n"),
                ("getrange k -100 100", "$5\r\nhello\r\n"),
                ("getrange k -100 -50", "$1\r\nh\r\n"),
                ("getrange k 1 1", "$1\r\ne\r\n"),
                ("getrange k 3 1", "$0\r\n\r\n"),
                ("getrange k 4 100", "$1\r\no\r\n"),
                ("getrange k 5 5", "$0\r\n\r\n"),
                ("getrange k -5 -5", "$1\r\nh\r\n"),
                ("getrange k -6 -6", "$1\r\nh\r\n"),
                ("getrange k 0 -6", "$1\r\nh\r\n"),
                ("getrange k 2 -2", "$2\r\nll\r\n"),
                (
                    "getrange k -9223372036854775808 9223372036854775807",
                    "$5\r\nhello\r\n",
                ),
                ("getrange k 0 -9223372036854775808", "$1\r\nh\r\n"),
                (
                    "getrange k 9223372036854775807 9223372036854775807",
                    "$0\r\n\r\n",
                ),
                (
                    "getrange k x 1",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    "getrange k 1 x",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    "getrange k 1.5 2",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                ("set n 12345", "+OK\r\n"),
                ("getrange n 1 2", "$2\r\n23\r\n"),
                ("getrange n -2 -1", "$2\r\n45\r\n"),
                ("set e ''", "+OK\r\n"),
                ("getrange e 0 -1", "$0\r\n\r\n"),
                ("getrange e 0 0", "$0\r\n\r\n"),
                ("getrange e -1 0", "$0\r\n\r\n"),
                ("substr k 1 2", "$2\r\nel\r\n"),
                ("substr k -2 -1", "$2\r\nlo\r\n"),
                ("substr missing 0 1", "$0\r\n\r\n"),
                (
                    "getrange k 0",
                    "-ERR wrong number of arguments for 'getrange' command\r\n",
                ),
            ],
        );
    }

    #[test]
    fn setrange_pads_and_limits() {
        let mut t = client();
        // The 512MB limit is checked before anything is allocated, including offsets near
        // i64::MAX whose sum with the value length overflows.
        script(
            &mut t,
            &[
                ("setrange k -1 x", "-ERR offset is out of range\r\n"),
                (
                    "setrange k abc x",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    "setrange k 1.5 x",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                ("setrange k -1 ''", "-ERR offset is out of range\r\n"),
                ("setrange missing 5 ''", ":0\r\n"),
                ("setrange missing 636870911 ''", ":0\r\n"),
                ("get missing", "$-1\r\n"),
                (
                    "setrange k 536870912 x",
                    "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
                ),
                (
                    "setrange k 536870911 xx",
                    "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
                ),
                (
                    "setrange k 9223372036854775807 x",
                    "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
                ),
                (
                    "setrange k 9223372036854775808 x",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                ("set k hello", "+OK\r\n"),
                ("setrange k 1 EL", ":5\r\n"),
                ("get k", "$5\r\nhELlo\r\n"),
                ("setrange k 7 xx", ":9\r\n"),
                ("get k", "$9\r\nhELlo\0\0xx\r\n"),
                ("strlen k", ":9\r\n"),
                ("setrange k 0 ''", ":9\r\n"),
                ("setrange k 636870911 ''", ":9\r\n"),
                (
                    "setrange k 536870912 x",
                    "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
                ),
                ("get k", "$9\r\nhELlo\0\0xx\r\n"),
                ("setrange new 2 ab", ":4\r\n"),
                ("get new", "$4\r\n\0\0ab\r\n"),
                ("setrange new2 0 abc", ":3\r\n"),
                ("get new2", "$3\r\nabc\r\n"),
                ("set n 123", "+OK\r\n"),
                ("setrange n 1 9", ":3\r\n"),
                ("get n", "$3\r\n193\r\n"),
                ("incr n", ":194\r\n"),
                ("setrange n 3 4", ":4\r\n"),
                ("get n", "$4\r\n1944\r\n"),
                ("setrange n 0 ''", ":4\r\n"),
            ],
        );
    }

    #[test]
    fn null_replies_in_resp3() {
        let mut t = client();
        t.session.out.protocol = Protocol::Resp3;
        script(
            &mut t,
            &[
                ("get k", "_\r\n"),
                ("set k v nx", "+OK\r\n"),
                ("set k w nx", "_\r\n"),
                ("set k2 w xx", "_\r\n"),
                ("set k2 w xx get", "_\r\n"),
                ("mget k k2", "*2\r\n$1\r\nv\r\n_\r\n"),
                ("getdel k2", "_\r\n"),
                ("getex k2", "_\r\n"),
                ("getset k3 x", "_\r\n"),
                ("getrange k2 0 -1", "$0\r\n\r\n"),
                ("strlen k2", ":0\r\n"),
                ("incrbyfloat f 1.5", "$3\r\n1.5\r\n"),
                ("setnx k v", ":0\r\n"),
            ],
        );
    }

    #[test]
    fn other_spellings_and_whitespace_values() {
        let mut t = client();
        // Arguments with spaces, which `script` cannot spell.
        assert_eq!(t.run(&["append", "k", "hello"]), ":5\r\n");
        assert_eq!(t.run(&["append", "k", " world"]), ":11\r\n");
        assert_eq!(t.run(&["get", "k"]), "$11\r\nhello world\r\n");
        assert_eq!(t.run(&["set", "n", " 1"]), "+OK\r\n");
        assert_eq!(
            t.run(&["incr", "n"]),
            "-ERR value is not an integer or out of range\r\n"
        );
        assert_eq!(
            t.run(&["incrbyfloat", "n", "1"]),
            "-ERR value is not a valid float\r\n"
        );
        assert_eq!(
            t.run(&["incrbyfloat", "f", " 1"]),
            "-ERR value is not a valid float\r\n"
        );
        assert_eq!(
            t.run(&["incrbyfloat", "f", "1 "]),
            "-ERR value is not a valid float\r\n"
        );
        assert_eq!(
            t.run(&["incrby", "f", " 1"]),
            "-ERR value is not an integer or out of range\r\n"
        );
    }

    #[test]
    fn option_names_end_at_nul_like_redis() {
        let mut t = client();
        // Redis compares options as C strings, so "nx\0junk" is NX; verified on 7.0.15.
        assert_eq!(t.run(&["set", "k", "v", "nx\0junk"]), "+OK\r\n");
        assert_eq!(t.run(&["set", "k", "v", "nx\0junk"]), "$-1\r\n");
        assert_eq!(t.run(&["set", "k", "v2", "keepttl\0"]), "+OK\r\n");
        assert_eq!(t.run(&["getex", "k", "persist\0x"]), "$2\r\nv2\r\n");
        assert_eq!(t.run(&["set", "k", "v", "e\0"]), "-ERR syntax error\r\n");
    }

    #[test]
    fn expiry_options_set_the_right_deadline() {
        let mut t = client();
        t.run(&["set", "k", "v", "ex", "10"]);
        assert_eq!(expire_ms(&t, "k"), T0 + 10_000);
        t.run(&["set", "k", "v", "px", "1500"]);
        assert_eq!(expire_ms(&t, "k"), T0 + 1_500);
        t.run(&["set", "k", "v", "exat", "4000000000"]);
        assert_eq!(expire_ms(&t, "k"), 4_000_000_000_000);
        t.run(&["set", "k", "v", "pxat", "9223372036854775807"]);
        assert_eq!(expire_ms(&t, "k"), i64::MAX as u64);
        t.run(&["setex", "k", "7", "v"]);
        assert_eq!(expire_ms(&t, "k"), T0 + 7_000);
        t.run(&["psetex", "k", "70", "v"]);
        assert_eq!(expire_ms(&t, "k"), T0 + 70);
        // A failed SET (bad expiry, or NX on an existing key) leaves the old TTL alone.
        t.run(&["set", "k", "w", "ex", "0"]);
        t.run(&["set", "k", "w", "nx", "ex", "100"]);
        assert_eq!(expire_ms(&t, "k"), T0 + 70);
        assert_eq!(t.run(&["get", "k"]), "$1\r\nv\r\n");
        // The key lives through its deadline's millisecond and is gone after it.
        t.advance_ms(70);
        assert_eq!(t.run(&["get", "k"]), "$1\r\nv\r\n");
        t.advance_ms(1);
        assert_eq!(t.run(&["get", "k"]), "$-1\r\n");
        // An absolute time in the past still sets the key, which reads as already expired.
        assert_eq!(t.run(&["set", "k", "v", "exat", "1"]), "+OK\r\n");
        assert_eq!(t.run(&["get", "k"]), "$-1\r\n");
    }

    #[test]
    fn which_commands_keep_the_ttl() {
        // As observed on redis-server: in-place updates keep the TTL, whole-value writes drop
        // it, and writes that do not happen leave it.
        let cases: &[(&[&str], bool)] = &[
            (&["incr", "k"], true),
            (&["incrby", "k", "2"], true),
            (&["decr", "k"], true),
            (&["decrby", "k", "2"], true),
            (&["append", "k", "1"], true),
            (&["setrange", "k", "0", "2"], true),
            (&["incrbyfloat", "k", "1.5"], true),
            (&["set", "k", "2", "keepttl"], true),
            (&["getex", "k"], true),
            (&["setnx", "k", "1"], true),
            (&["msetnx", "k", "1"], true),
            (&["set", "k", "3", "nx"], true),
            (&["getset", "k", "1"], false),
            (&["set", "k", "1"], false),
            (&["set", "k", "2", "get"], false),
            (&["set", "k", "3", "xx"], false),
            (&["mset", "k", "1"], false),
        ];
        for (command, keeps) in cases {
            let mut t = client();
            t.run(&["set", "k", "1", "ex", "100"]);
            t.run(command);
            let expected = if *keeps { T0 + 100_000 } else { 0 };
            assert_eq!(expire_ms(&t, "k"), expected, "{command:?}");
        }
    }

    #[test]
    fn getex_sets_persists_and_deletes() {
        let mut t = client();
        t.run(&["set", "k", "v"]);
        assert_eq!(t.run(&["getex", "k", "px", "500"]), "$1\r\nv\r\n");
        assert_eq!(expire_ms(&t, "k"), T0 + 500);
        assert_eq!(t.run(&["getex", "k", "exat", "4000000000"]), "$1\r\nv\r\n");
        assert_eq!(expire_ms(&t, "k"), 4_000_000_000_000);
        assert_eq!(t.run(&["getex", "k", "persist"]), "$1\r\nv\r\n");
        assert_eq!(expire_ms(&t, "k"), 0);
        // A deadline equal to now is already due for GETEX, which deletes instead of setting.
        assert_eq!(
            t.run(&["getex", "k", "pxat", &T0.to_string()]),
            "$1\r\nv\r\n"
        );
        assert!(entry(&t, "k").is_none());
        // Relative times are always in the future.
        t.run(&["set", "k", "v"]);
        assert_eq!(t.run(&["getex", "k", "px", "1"]), "$1\r\nv\r\n");
        t.advance_ms(2);
        assert_eq!(t.run(&["getex", "k"]), "$-1\r\n");
    }

    #[test]
    fn expired_keys_read_as_missing_everywhere() {
        let mut t = client();
        let expired = |t: &mut TestClient| {
            t.run(&["set", "k", "123", "px", "10"]);
            t.advance_ms(11);
        };
        let cases: &[(&[&str], &str)] = &[
            (&["get", "k"], "$-1\r\n"),
            (&["strlen", "k"], ":0\r\n"),
            (&["getrange", "k", "0", "-1"], "$0\r\n\r\n"),
            (&["mget", "k"], "*1\r\n$-1\r\n"),
            (&["getdel", "k"], "$-1\r\n"),
            (&["getex", "k", "persist"], "$-1\r\n"),
            (&["getset", "k", "v"], "$-1\r\n"),
            (&["set", "k", "v", "nx"], "+OK\r\n"),
            (&["set", "k", "v", "xx"], "$-1\r\n"),
            (&["setnx", "k", "v"], ":1\r\n"),
            (&["msetnx", "k", "v"], ":1\r\n"),
            (&["incr", "k"], ":1\r\n"),
            (&["incrbyfloat", "k", "1.5"], "$3\r\n1.5\r\n"),
            (&["append", "k", "x"], ":1\r\n"),
            (&["setrange", "k", "1", "x"], ":2\r\n"),
            (&["lcs", "k", "k"], "$0\r\n\r\n"),
        ];
        for (command, reply) in cases {
            let mut t = client();
            expired(&mut t);
            assert_eq!(t.run(command), *reply, "{command:?}");
        }
        // A key written over an expired one starts without a TTL.
        expired(&mut t);
        t.run(&["incr", "k"]);
        assert_eq!(expire_ms(&t, "k"), 0);
    }

    #[test]
    fn encodings_match_redis() {
        let mut t = client();
        let long = "x".repeat(45);
        t.run(&["set", "i", "-12"]);
        t.run(&["set", "s", "12a"]);
        t.run(&["set", "l", &long]);
        t.run(&["mset", "mi", "7", "ms", "seven"]);
        assert_eq!(encoding(&t, "i"), "int");
        assert_eq!(encoding(&t, "s"), "embstr");
        assert_eq!(encoding(&t, "l"), "raw");
        assert_eq!((encoding(&t, "mi"), encoding(&t, "ms")), ("int", "embstr"));
        // APPEND creates like SET, but growing a value (even by nothing) makes it raw.
        t.run(&["append", "a", "123"]);
        assert_eq!(encoding(&t, "a"), "int");
        t.run(&["append", "a", ""]);
        assert_eq!(encoding(&t, "a"), "raw");
        // Counting makes it an integer again.
        t.run(&["incr", "a"]);
        assert_eq!(encoding(&t, "a"), "int");
        assert_eq!(t.run(&["get", "a"]), "$3\r\n124\r\n");
        t.run(&["setrange", "r", "0", "1"]);
        assert_eq!(encoding(&t, "r"), "raw");
        t.run(&["setrange", "i", "0", ""]);
        assert_eq!(
            encoding(&t, "i"),
            "int",
            "an empty SETRANGE leaves the value alone"
        );
        // INCRBYFLOAT stores text, even for whole numbers.
        t.run(&["set", "f", "10"]);
        t.run(&["incrbyfloat", "f", "1"]);
        assert_eq!(
            entry(&t, "f").unwrap().value,
            Value::Str(Box::from(&b"11"[..]))
        );
        assert_eq!(encoding(&t, "f"), "embstr");
    }

    #[test]
    fn dirty_counts_what_changed() {
        let mut t = client();
        // Each step with the number of changes redis-server 7.0.15 counted for it.
        let steps: &[(&[&str], u64)] = &[
            (&["set", "d", "1"], 1),
            (&["append", "d", ""], 1),
            (&["setrange", "d", "0", ""], 0),
            (&["getex", "d", "persist"], 0),
            (&["getex", "d", "ex", "100"], 1),
            (&["getex", "d", "persist"], 1),
            (&["set", "d", "1", "nx"], 0),
            (&["set", "d", "1", "xx", "get"], 1),
            (&["set", "d", "1", "ex", "0"], 0),
            (&["getdel", "nope"], 0),
            (&["mset", "d", "1", "d", "2", "e", "3"], 3),
            (&["msetnx", "d", "1", "f", "2"], 0),
            (&["msetnx", "g", "1", "h", "2"], 2),
            (&["getex", "d"], 0),
            (&["getex", "d", "exat", "1"], 1),
            (&["incrbyfloat", "e", "0"], 1),
            (&["incr", "e"], 1),
            (&["incr", "nan"], 0),
            (&["setrange", "e", "1", "x"], 1),
            (&["getset", "e", "1"], 1),
            (&["getdel", "e"], 1),
            (&["setnx", "e", "1"], 1),
            (&["get", "e"], 0),
            (&["lcs", "e", "g"], 0),
        ];
        t.run(&["set", "nan", "x"]);
        for (command, changes) in steps {
            let before = dirty(&t);
            t.run(command);
            assert_eq!(dirty(&t) - before, *changes, "{command:?}");
        }
    }

    #[test]
    fn reads_count_keyspace_hits_and_misses() {
        let mut t = client();
        t.run(&["set", "k", "v"]);
        // Each step with the (hits, misses) redis-server 7.0.15 counted for it.
        let steps: &[(&[&str], (u64, u64))] = &[
            (&["set", "k", "v", "get"], (1, 0)),
            (&["set", "nope", "v", "get"], (0, 1)),
            (&["set", "k", "v"], (0, 0)),
            (&["mget", "k", "nope2"], (1, 1)),
            (&["incr", "n"], (0, 0)),
            (&["getex", "k"], (1, 0)),
            (&["getdel", "nope2"], (0, 1)),
            (&["lcs", "k", "nope2"], (1, 1)),
            (&["strlen", "k"], (1, 0)),
            (&["getrange", "k", "0", "1"], (1, 0)),
            (&["append", "k", "x"], (0, 0)),
            (&["setrange", "k", "0", "x"], (0, 0)),
            (&["getset", "k", "1"], (1, 0)),
        ];
        for (command, (hits, misses)) in steps {
            let before = hits_misses(&t);
            t.run(command);
            let after = hits_misses(&t);
            assert_eq!(
                (after.0 - before.0, after.1 - before.1),
                (*hits, *misses),
                "{command:?}"
            );
        }
    }

    #[test]
    fn growing_a_big_string_keeps_at_most_1mb_of_slack() {
        let mut t = client();
        let len = 2 * 1024 * 1024;
        t.run(&["setrange", "k", &(len - 1).to_string(), "x"]);
        assert_eq!(heap_bytes(&t, "k"), len, "a new SETRANGE value is exact");
        t.run(&["append", "k", "y"]);
        assert_eq!(heap_bytes(&t, "k"), len + 1 + 1024 * 1024);
        t.run(&["set", "s", "abc"]);
        t.run(&["append", "s", "d"]);
        assert_eq!(heap_bytes(&t, "s"), 8, "small strings double");
    }

    #[test]
    fn string_size_limit_follows_proto_max_bulk_len() {
        let mut t = client_with(Config {
            proto_max_bulk_len: 1024 * 1024,
            ..Config::default()
        });
        let too_big = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
        assert_eq!(t.run(&["setrange", "k", "1048575", "x"]), ":1048576\r\n");
        assert_eq!(t.run(&["setrange", "k", "1048576", "x"]), too_big);
        assert_eq!(t.run(&["setrange", "k", "1048575", "xy"]), too_big);
        assert_eq!(t.run(&["append", "k", "x"]), too_big);
        assert_eq!(t.run(&["append", "k", ""]), ":1048576\r\n");
        assert_eq!(t.run(&["setrange", "j", "1048574", "x"]), ":1048575\r\n");
        assert_eq!(t.run(&["append", "j", "x"]), ":1048576\r\n");
        assert_eq!(t.run(&["strlen", "j"]), ":1048576\r\n");
        // Redis never checks APPEND's size when the key is new: the argument is already
        // bounded by the protocol.
        assert_eq!(entry(&t, "j").unwrap().value.string_len(), 1024 * 1024);
    }
}
