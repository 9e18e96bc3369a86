//! Generic keyspace commands: DEL, UNLINK, EXISTS, TOUCH, TYPE, KEYS, SCAN, RANDOMKEY, RENAME,
//! RENAMENX, COPY, MOVE and OBJECT. The expiry family (EXPIRE .. PERSIST, TTL ..) lives in
//! `expire.rs`; both files share the lookup helpers defined here.
//!
//! Replies, error strings, keyspace hit/miss counting and the dirty counter follow Redis 7.0:
//! EXISTS, TYPE, TTL and OBJECT count a hit or miss but leave the access time alone (Redis's
//! `LOOKUP_NOTOUCH`), TOUCH and COPY's source count and refresh it, write lookups count nothing.
//!
//! # How SCAN iterates
//!
//! A database is split over the keyspace shards, and each shard's part is an `IndexMap`, whose
//! entries sit in a dense vector. The cursor names a shard and a position inside it:
//! `cursor = shard << 40 | field`, where `field` is the number of positions of that shard still
//! to visit (`0..field`), and `field == 0` means "this shard from its current top". Shards are
//! visited in ascending order, each from its highest index downwards; cursor 0 starts a full
//! iteration and is returned when it ends. A field larger than the shard's current length is
//! clamped to it.
//!
//! Why downwards: the keyspace only removes with `swap_remove`, which moves the *last* entry
//! into the hole, and only inserts by appending. So an entry never moves to a higher index.
//!
//! Claim: every key present in the database for the whole iteration is returned at least
//! once. Invariant, between calls and after every step: each such key not yet returned sits in
//! a shard not yet started, or in the current shard at an index `< field`.
//! - Entering a shard sets `field = len`: every entry is below it.
//! - A step visits index `field - 1` (returning that key if it is live and matches) and
//!   decrements `field`; the keys below are untouched.
//! - An append lands at `len >= field`: only new keys go there, and they may be missed.
//! - `swap_remove(i)` moves the entry at `last` to `i < last`. If `last < field` the moved key
//!   stays below `field`. If `last >= field`, the moved key was, by the invariant, already
//!   returned or inserted during the iteration, so wherever it lands nothing owed is lost (it
//!   may be returned twice, which SCAN allows). The removed key itself is not owed.
//! - Clamping `field` to `len` drops only positions that hold nothing.
//! - More generally any operation that moves entries only to lower indexes (`shift_remove`,
//!   `retain`) keeps the invariant; one that moves them up (sorting, `move_index` upwards)
//!   would break it, so the keyspace must not use those. FLUSHDB and SWAPDB replace whole
//!   maps; a key "present for the whole iteration" cannot span those, as in Redis.
//!
//! When `field` reaches 0 the shard is done; when the last shard is done every owed key was
//! returned. SCAN deletes the expired keys it meets, which is itself a `swap_remove` at the
//! visited index: the entry moved in comes from an index already visited, so it is not
//! returned again in the same call. The cursor's meaning does not depend on the hash seed or
//! table size, so rehashing never disturbs it (unlike Redis, no reverse-binary trick needed).

use std::sync::atomic::Ordering;

use bytes::Bytes;

use crate::cmd::{NO_SUCH_KEY, SYNTAX, db_arg, int_arg};
use crate::glob::glob_match;
use crate::keyspace::{Db, DbShard, Entry, Keyspace, Value};
use crate::pubsub::class;
use crate::session::Ctx;
use crate::util::eq_ignore_case;

pub const SAME_OBJECT: &str = "ERR source and destination objects are the same";
const INVALID_CURSOR: &str = "ERR invalid cursor";
const LFU_NOT_SELECTED: &str = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
const LFU_SELECTED: &str = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
/// OBJECT REFCOUNT of Redis's shared integers (`OBJ_SHARED_REFCOUNT`).
const SHARED_REFCOUNT: i64 = i32::MAX as i64;
/// Redis shares the integer objects 0..10000 (`OBJ_SHARED_INTEGERS`).
const SHARED_INTEGERS: i64 = 10_000;
/// Bits of a SCAN cursor that hold the position inside a shard.
const CURSOR_POS_BITS: u32 = 40;
const CURSOR_POS_MASK: u64 = (1 << CURSOR_POS_BITS) - 1;
/// SCAN's default COUNT.
const SCAN_COUNT_DEFAULT: usize = 10;
/// Random picks RANDOMKEY makes (each deleting an expired key) before it falls back to a
/// linear search, so a database of expired keys costs bounded work per pick.
const RANDOMKEY_TRIES: usize = 100;

/// Looks a key up as Redis's read commands with `LOOKUP_NOTOUCH` do (EXISTS, TYPE, TTL): an
/// expired key is removed, a hit or miss is counted (a miss is a `keymiss` event), the access
/// time is kept.
pub(crate) fn lookup_read_notouch<'d, 'a>(
    db: &'d mut Db<'_, 'a>,
    key: &[u8],
) -> Option<&'d mut Entry> {
    lookup_counted(db, key, true)
}

fn lookup_counted<'d, 'a>(
    db: &'d mut Db<'_, 'a>,
    key: &[u8],
    notify_miss: bool,
) -> Option<&'d mut Entry> {
    let keyspace = db.locked().keyspace();
    let (index, now_ms) = (db.db, db.now_ms);
    let found = db.entry_mut(key);
    let counter = if found.is_some() {
        &keyspace.stats.keyspace_hits
    } else {
        &keyspace.stats.keyspace_misses
    };
    counter.fetch_add(1, Ordering::Relaxed);
    if found.is_none() && notify_miss {
        keyspace
            .pubsub
            .notify(index, class::KEY_MISS, "keymiss", key, now_ms);
    }
    found
}

/// Adds `changes` to Redis's dirty counter (writes since the last save).
pub(crate) fn add_dirty(ctx: &Ctx<'_, '_>, changes: usize) {
    if changes > 0 {
        ctx.engine
            .keyspace
            .stats
            .dirty
            .fetch_add(changes as u64, Ordering::Relaxed);
    }
}

fn is_expired(entry: &Entry, now_ms: u64) -> bool {
    entry.expire_ms != 0 && entry.expire_ms < now_ms
}

/// Removes the entry at `index` of database `db`'s shard part because it expired (SCAN,
/// RANDOMKEY), as lazy expiry does: counted, WATCHers told, `expired` published.
fn remove_expired_at(
    part: &mut DbShard,
    index: usize,
    keyspace: &Keyspace,
    db: usize,
    now_ms: u64,
) {
    if let Some((key, entry)) = part.map.swap_remove_index(index) {
        if entry.expire_ms != 0 {
            part.expires.remove(&(entry.expire_ms, key.clone()));
        }
        keyspace.stats.expired_keys.fetch_add(1, Ordering::Relaxed);
        keyspace.expired(db, &key, now_ms);
        keyspace
            .pubsub
            .notify(db, class::EXPIRED, "expired", &key, now_ms);
    }
}

/// `DEL key [key ...]`: removes the keys, replies how many existed.
pub fn del(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut db = ctx.db();
    let mut deleted = 0;
    for key in &args[1..] {
        if db.remove(key).is_some() {
            db.notify(class::GENERIC, "del", key);
            deleted += 1;
        }
    }
    add_dirty(ctx, deleted);
    ctx.out.int(deleted as i64);
}

/// `UNLINK key [key ...]`: DEL whose memory Redis reclaims in the background. Values are
/// freed in place here, which is what Redis does too for small values.
pub fn unlink(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    del(ctx, args)
}

/// `EXISTS key [key ...]`: how many of the arguments exist; a key named twice counts twice.
pub fn exists(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut db = ctx.db();
    let found = args[1..]
        .iter()
        .filter(|key| lookup_read_notouch(&mut db, key).is_some())
        .count();
    ctx.out.int(found as i64);
}

/// `TOUCH key [key ...]`: refreshes the access time of the keys, replies how many exist.
pub fn touch(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut db = ctx.db();
    let found = args[1..]
        .iter()
        .filter(|key| db.lookup_read(key).is_some())
        .count();
    ctx.out.int(found as i64);
}

/// `TYPE key`: the value's type name, or `none`.
pub fn r#type(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut db = ctx.db();
    let name = lookup_read_notouch(&mut db, &args[1]).map_or("none", |e| e.value.type_name());
    ctx.out.simple(name);
}

/// `KEYS pattern`: every live key matching the glob pattern. Like Redis it skips expired keys
/// without deleting them.
pub fn keys(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let pattern: &[u8] = &args[1];
    let all = pattern == b"*";
    let (db, now_ms) = (ctx.client.db, ctx.now.unix_ms());
    ctx.lock_all();
    let mut found: Vec<&[u8]> = Vec::new();
    for part in ctx.locked.db_shards(db) {
        for (key, entry) in part.map.iter() {
            if (all || glob_match(pattern, key, false)) && !is_expired(entry, now_ms) {
                found.push(key);
            }
        }
    }
    ctx.out.array(found.len());
    for key in found {
        ctx.out.bulk(key);
    }
}

/// Parses a SCAN cursor as Redis's `parseScanCursorOrReply` does with `strtoul`: the text up to
/// the first NUL, no leading blank, an optional sign, decimal digits; a negative number wraps
/// around, more than 64 bits is an error, and the empty string is 0.
pub(crate) fn parse_cursor(arg: &[u8]) -> Option<u64> {
    let text = arg
        .iter()
        .position(|&b| b == 0)
        .map_or(arg, |nul| &arg[..nul]);
    let Some(&first) = text.first() else {
        return Some(0);
    };
    if matches!(first, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
        return None;
    }
    let (negative, digits) = match first {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// `SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]`: the next batch of keys and the
/// cursor to continue from (see the module doc for the cursor and its guarantee). COUNT bounds
/// the entries visited, matching or not. Expired keys met are deleted, as Redis does.
pub fn scan(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(cursor) = parse_cursor(&args[1]) else {
        ctx.out.error(INVALID_CURSOR);
        return;
    };
    let mut count = SCAN_COUNT_DEFAULT;
    let mut pattern: Option<&[u8]> = None;
    let mut type_name: Option<&[u8]> = None;
    let mut i = 2;
    while i < args.len() {
        let (option, has_value) = (&args[i], i + 1 < args.len());
        if has_value && eq_ignore_case(option, "count") {
            let Some(n) = int_arg(ctx, &args[i + 1]) else {
                return;
            };
            if n < 1 {
                ctx.out.error(SYNTAX);
                return;
            }
            count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if has_value && eq_ignore_case(option, "match") {
            // "*" matches everything: skip the matcher, as Redis does.
            pattern = Some(&args[i + 1][..]).filter(|p| *p != b"*");
        } else if has_value && eq_ignore_case(option, "type") {
            type_name = Some(&args[i + 1]);
        } else {
            ctx.out.error(SYNTAX);
            return;
        }
        i += 2;
    }

    let (db, now_ms, engine) = (ctx.client.db, ctx.now.unix_ms(), ctx.engine);
    let keyspace = &engine.keyspace;
    let stats = &keyspace.stats;
    ctx.lock_all();
    let mut parts: Vec<&mut DbShard> = ctx.locked.db_shards(db).collect();
    let mut shard = (cursor >> CURSOR_POS_BITS) as usize;
    let mut field = cursor & CURSOR_POS_MASK;
    let mut budget = count;
    let mut found: Vec<Box<[u8]>> = Vec::new();
    let next_cursor = loop {
        let Some(part) = parts.get_mut(shard) else {
            break 0;
        };
        let len = part.map.len() as u64;
        let mut pos = if field == 0 { len } else { field.min(len) };
        while pos > 0 && budget > 0 {
            pos -= 1;
            budget -= 1;
            let index = pos as usize;
            let (key, entry) = part
                .map
                .get_index(index)
                .expect("index below the map's length");
            if pattern.is_some_and(|p| !glob_match(p, key, false)) {
                continue;
            }
            let expired = is_expired(entry, now_ms);
            if let Some(wanted) = type_name {
                // Redis checks the type with a counted read lookup, so SCAN TYPE moves the
                // keyspace hit/miss counters; mirror that.
                let counter = if expired {
                    &stats.keyspace_misses
                } else {
                    &stats.keyspace_hits
                };
                counter.fetch_add(1, Ordering::Relaxed);
                let actual = if expired {
                    "none"
                } else {
                    entry.value.type_name()
                };
                if !wanted.eq_ignore_ascii_case(actual.as_bytes()) && !expired {
                    continue;
                }
            }
            if expired {
                // Redis's TYPE filter is a read lookup: it expires the key, then misses.
                let missed = type_name.is_some().then(|| key.clone());
                remove_expired_at(part, index, keyspace, db, now_ms);
                if let Some(key) = missed {
                    keyspace
                        .pubsub
                        .notify(db, class::KEY_MISS, "keymiss", &key, now_ms);
                }
                continue;
            }
            found.push(key.clone());
        }
        if pos > 0 {
            break (shard as u64) << CURSOR_POS_BITS | pos;
        }
        shard += 1;
        field = 0;
        if shard == parts.len() {
            break 0;
        }
        if budget == 0 {
            break (shard as u64) << CURSOR_POS_BITS;
        }
    };
    drop(parts);
    ctx.out.array(2);
    ctx.out
        .bulk(itoa::Buffer::new().format(next_cursor).as_bytes());
    ctx.out.array(found.len());
    for key in &found {
        ctx.out.bulk(key);
    }
}

/// `RANDOMKEY`: a uniformly chosen live key of the selected database, or null.
///
/// Like Redis it deletes the expired keys it picks and tries again, but only a bounded number
/// of times: then it walks the database from a random position and answers the first live
/// key, so a database made only of expired keys costs bounded work and answers null.
///
/// Choices come from the engine's seeded generator, so a seeded simulation replays them.
pub fn randomkey(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let (db, now_ms, engine) = (ctx.client.db, ctx.now.unix_ms(), ctx.engine);
    let mut rng = crate::util::SplitMix(engine.random_u64());
    ctx.lock_all();
    let mut parts: Vec<&mut DbShard> = ctx.locked.db_shards(db).collect();
    let mut total: usize = parts.iter().map(|part| part.map.len()).sum();
    let mut chosen: Option<Box<[u8]>> = None;
    for _ in 0..RANDOMKEY_TRIES {
        if total == 0 {
            break;
        }
        let mut index = rng.below(total);
        let part = parts
            .iter_mut()
            .find(|part| {
                let len = part.map.len();
                if index < len {
                    return true;
                }
                index -= len;
                false
            })
            .expect("index below the total length");
        let (key, entry) = part
            .map
            .get_index(index)
            .expect("index below the shard's length");
        if !is_expired(entry, now_ms) {
            chosen = Some(key.clone());
            break;
        }
        remove_expired_at(part, index, &engine.keyspace, db, now_ms);
        total -= 1;
    }
    if chosen.is_none() && total > 0 {
        let start = rng.below(total);
        let live = parts
            .iter()
            .flat_map(|part| part.map.iter())
            .enumerate()
            .filter(|(_, (_, entry))| !is_expired(entry, now_ms));
        let mut first_live = None;
        for (position, (key, _)) in live {
            if position >= start {
                chosen = Some(key.clone());
                break;
            }
            first_live.get_or_insert(key);
        }
        if chosen.is_none() {
            chosen = first_live.cloned();
        }
    }
    drop(parts);
    match chosen {
        Some(key) => ctx.out.bulk(&key),
        None => ctx.out.null(),
    }
}

/// RENAME and RENAMENX. Redis checks that the source exists before it treats `key == newkey`
/// as a no-op; the destination takes the source's TTL (or none).
fn rename_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], nx: bool) {
    let (key, newkey) = (&args[1][..], &args[2][..]);
    let mut db = ctx.db();
    if db.lookup_write(key).is_none() {
        ctx.out.error(NO_SUCH_KEY);
        return;
    }
    if key == newkey {
        if nx {
            ctx.out.int(0)
        } else {
            ctx.out.ok()
        }
        return;
    }
    // Looked up even without NX so that an expired destination is reclaimed (and counted)
    // the way Redis does it, before being overwritten.
    if db.lookup_write(newkey).is_some() && nx {
        ctx.out.int(0);
        return;
    }
    // Redis deletes an existing destination first, so the destination is always `new`.
    db.remove(newkey);
    let entry = db.remove(key).expect("looked up just above");
    db.set(newkey, entry.value, entry.expire_ms);
    db.notify(class::GENERIC, "rename_from", key);
    db.notify(class::GENERIC, "rename_to", newkey);
    add_dirty(ctx, 1);
    if nx { ctx.out.int(1) } else { ctx.out.ok() }
}

/// `RENAME key newkey`: moves the value (and TTL) to `newkey`, replacing whatever was there.
pub fn rename(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    rename_generic(ctx, args, false)
}

/// `RENAMENX key newkey`: RENAME only if `newkey` does not exist; replies 1 or 0.
pub fn renamenx(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    rename_generic(ctx, args, true)
}

/// `COPY source destination [DB destination-db] [REPLACE]`: copies the value and its TTL;
/// replies 1, or 0 when the source is missing or the destination exists without REPLACE.
pub fn copy(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (key, newkey) = (&args[1][..], &args[2][..]);
    let source_db = ctx.client.db;
    let mut target_db = source_db;
    let mut replace = false;
    let mut i = 3;
    while i < args.len() {
        if eq_ignore_case(&args[i], "replace") {
            replace = true;
        } else if eq_ignore_case(&args[i], "db") && i + 1 < args.len() {
            let Some(index) = db_arg(ctx, &args[i + 1]) else {
                return;
            };
            target_db = index;
            i += 1;
        } else {
            ctx.out.error(SYNTAX);
            return;
        }
        i += 1;
    }
    if source_db == target_db && key == newkey {
        ctx.out.error(SAME_OBJECT);
        return;
    }
    let Some(source) = ctx
        .db()
        .lookup_read(key)
        .map(|e| (e.value.clone(), e.expire_ms))
    else {
        ctx.out.int(0);
        return;
    };
    let mut target = ctx.db_at(target_db);
    if target.lookup_write(newkey).is_some() {
        if !replace {
            ctx.out.int(0);
            return;
        }
        // Redis deletes the old destination first, so the copy is always `new`.
        target.remove(newkey);
    }
    target.set(newkey, source.0, source.1);
    target.notify(class::GENERIC, "copy_to", newkey);
    add_dirty(ctx, 1);
    ctx.out.int(1);
}

/// `MOVE key db`: moves the key (and its TTL) to another database unless it exists there.
pub fn r#move(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let key = &args[1][..];
    let Some(target_db) = db_arg(ctx, &args[2]) else {
        return;
    };
    if target_db == ctx.client.db {
        ctx.out.error(SAME_OBJECT);
        return;
    }
    if ctx.db().lookup_write(key).is_none() || ctx.db_at(target_db).lookup_write(key).is_some() {
        ctx.out.int(0);
        return;
    }
    let entry = ctx.db().remove(key).expect("looked up just above");
    ctx.db_at(target_db).set(key, entry.value, entry.expire_ms);
    ctx.db().notify(class::GENERIC, "move_from", key);
    ctx.db_at(target_db).notify(class::GENERIC, "move_to", key);
    add_dirty(ctx, 1);
    ctx.out.int(1);
}

/// The OBJECT subcommands' lookup: counted, without touching the access time; null if missing.
fn object_lookup<R>(
    ctx: &mut Ctx<'_, '_>,
    key: &[u8],
    f: impl FnOnce(&Entry, u64) -> R,
) -> Option<R> {
    let now_ms = ctx.now.unix_ms();
    let mut db = ctx.db();
    // Redis's OBJECT lookup counts a miss but publishes no `keymiss` (LOOKUP_NONOTIFY).
    let result = lookup_counted(&mut db, key, false).map(|entry| f(entry, now_ms));
    if result.is_none() {
        ctx.out.null();
    }
    result
}

/// `OBJECT ENCODING key`: the value's internal representation name.
pub fn object_encoding(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if let Some(encoding) = object_lookup(ctx, &args[2], |entry, _| entry.value.encoding()) {
        ctx.out.bulk(encoding.as_bytes());
    }
}

/// `OBJECT FREQ key`: the LFU counter, decayed to now (not stored), under an LFU
/// maxmemory-policy; Redis's error under any other (see `keyspace::access`).
pub fn object_freq(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let access = &ctx.engine.keyspace.access;
    let counter = object_lookup(ctx, &args[2], |entry, now_ms| {
        access.lfu_counter(entry.access_s, now_ms)
    });
    if let Some(counter) = counter {
        if access.is_lfu() {
            ctx.out.int(i64::from(counter));
        } else {
            ctx.out.error(LFU_NOT_SELECTED);
        }
    }
}

/// `OBJECT IDLETIME key`: seconds since the key was last read or written; Redis's error
/// under an LFU maxmemory-policy, which tracks frequency instead.
pub fn object_idletime(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    // Both sides are Unix seconds truncated to 32 bits; wrapping subtraction stays right
    // across the 2106 wrap, as Redis's wrapping LRU clock does.
    let idle = object_lookup(ctx, &args[2], |entry, now_ms| {
        crate::keyspace::access::lru_idle_ms(entry.access_s, now_ms) / 1000
    });
    if let Some(idle) = idle {
        if ctx.engine.keyspace.access.is_lfu() {
            ctx.out.error(LFU_SELECTED);
        } else {
            ctx.out.int(idle as i64);
        }
    }
}

/// `OBJECT REFCOUNT key`: 2147483647 for the integers 0..9999, which Redis shares between
/// keys, 1 for everything else.
pub fn object_refcount(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let shared = |value: &Value| matches!(value, Value::Int(n) if (0..SHARED_INTEGERS).contains(n));
    if let Some(refcount) = object_lookup(ctx, &args[2], |entry, _| {
        if shared(&entry.value) {
            SHARED_REFCOUNT
        } else {
            1
        }
    }) {
        ctx.out.int(refcount);
    }
}

const OBJECT_HELP: &[&str] = &[
    "ENCODING <key>",
    "    Return the name of the representation the value of <key> is stored in.",
    "FREQ <key>",
    "    Return the logarithmic access-frequency counter of <key> (LFU policies only).",
    "IDLETIME <key>",
    "    Return the seconds since <key> was last read or written.",
    "REFCOUNT <key>",
    "    Return how many references the value of <key> has.",
];

/// `OBJECT HELP`.
pub fn object_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    crate::cmd::reply_help(ctx, "object", OBJECT_HELP);
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeSet;
    use std::sync::atomic::Ordering::Relaxed;

    use super::parse_cursor;
    use crate::keyspace::Value;
    use crate::resp::Protocol;
    use crate::testing::{TestClient, client};

    /// Creates a string key in database `db` directly (the SET handler lives elsewhere).
    pub(crate) fn put_in(t: &TestClient, db: usize, key: &str, value: &str, expire_ms: u64) {
        let now_ms = t.now.unix_ms();
        t.engine.keyspace.lock_all().db(db, now_ms).set(
            key.as_bytes(),
            Value::string(value.as_bytes()),
            expire_ms,
        );
    }

    /// Creates a string key without TTL in the client's selected database.
    pub(crate) fn put(t: &TestClient, key: &str, value: &str) {
        put_in(t, t.session.client.db, key, value, 0);
    }

    /// The raw entries of database `db` (expired ones included), sorted.
    pub(crate) fn stored_keys(t: &TestClient, db: usize) -> Vec<String> {
        let mut locked = t.engine.keyspace.lock_all();
        let mut keys: Vec<String> = locked
            .db_shards(db)
            .flat_map(|part| {
                part.map
                    .keys()
                    .map(|k| String::from_utf8_lossy(k).into_owned())
                    .collect::<Vec<_>>()
            })
            .collect();
        keys.sort();
        keys
    }

    pub(crate) fn hits_misses(t: &TestClient) -> (u64, u64) {
        let stats = &t.engine.keyspace.stats;
        (
            stats.keyspace_hits.load(Relaxed),
            stats.keyspace_misses.load(Relaxed),
        )
    }

    pub(crate) fn dirty(t: &TestClient) -> u64 {
        t.engine.keyspace.stats.dirty.load(Relaxed)
    }

    fn bulks(keys: &[&str]) -> String {
        let mut text = format!("*{}\r\n", keys.len());
        for key in keys {
            text.push_str(&format!("${}\r\n{key}\r\n", key.len()));
        }
        text
    }

    /// Splits a SCAN reply into its cursor and keys.
    fn parse_scan(reply: &str) -> (u64, Vec<String>) {
        let lines: Vec<&str> = reply.split("\r\n").collect();
        assert_eq!(lines[0], "*2", "not a SCAN reply: {reply:?}");
        let cursor = lines[2].parse().expect("numeric cursor");
        let count: usize = lines[3][1..].parse().expect("key count");
        let keys = (0..count).map(|i| lines[5 + 2 * i].to_string()).collect();
        (cursor, keys)
    }

    fn scan_all(t: &mut TestClient, options: &[&str]) -> Vec<String> {
        let mut cursor = "0".to_string();
        let mut found = Vec::new();
        loop {
            let mut args = vec!["scan", cursor.as_str()];
            args.extend_from_slice(options);
            let (next, keys) = parse_scan(&t.run(&args));
            found.extend(keys);
            if next == 0 {
                found.sort();
                return found;
            }
            cursor = next.to_string();
        }
    }

    #[test]
    fn del_unlink_exists_touch_type() {
        let mut t = client();
        put(&t, "a", "1");
        put(&t, "b", "hello");
        assert_eq!(t.run(&["exists", "a", "a", "b", "nokey"]), ":3\r\n");
        assert_eq!(t.run(&["touch", "a", "nokey"]), ":1\r\n");
        assert_eq!(t.run(&["type", "a"]), "+string\r\n");
        assert_eq!(t.run(&["type", "nokey"]), "+none\r\n");
        let before = dirty(&t);
        assert_eq!(t.run(&["del", "a", "nokey", "a"]), ":1\r\n");
        assert_eq!(t.run(&["unlink", "b"]), ":1\r\n");
        assert_eq!(dirty(&t), before + 2, "each deleted key is one change");
        assert_eq!(t.run(&["exists", "a", "b"]), ":0\r\n");
        assert_eq!(t.run(&["del", "a"]), ":0\r\n");
        assert_eq!(
            t.run(&["del"]),
            "-ERR wrong number of arguments for 'del' command\r\n"
        );
    }

    #[test]
    fn expired_keys_are_gone_for_every_lookup() {
        let mut t = client();
        let now = t.now.unix_ms();
        for key in ["a", "b", "c", "d"] {
            put_in(&t, 0, key, "v", now + 100);
        }
        t.advance_ms(100);
        assert_eq!(
            t.run(&["exists", "a"]),
            ":1\r\n",
            "a deadline equal to now is not yet past"
        );
        t.advance_ms(1);
        assert_eq!(t.run(&["exists", "a"]), ":0\r\n");
        assert_eq!(t.run(&["type", "b"]), "+none\r\n");
        assert_eq!(t.run(&["del", "c"]), ":0\r\n");
        assert_eq!(t.run(&["touch", "d"]), ":0\r\n");
        assert_eq!(t.engine.keyspace.stats.expired_keys.load(Relaxed), 4);
        assert!(stored_keys(&t, 0).is_empty());
    }

    #[test]
    fn read_lookups_count_hits_and_only_touch_refreshes_idle_time() {
        let mut t = client();
        put(&t, "k", "v");
        t.advance_ms(5_000);
        for (command, hits, misses) in [
            (&["exists", "k", "nokey"][..], 1, 1),
            (&["type", "k"], 1, 0),
            (&["object", "encoding", "k"], 1, 0),
            (&["object", "refcount", "nokey"], 0, 1),
            (&["scan", "0", "type", "string"], 1, 0),
            (&["scan", "0"], 0, 0),
            (&["keys", "*"], 0, 0),
            (&["randomkey"], 0, 0),
            (&["del", "nokey"], 0, 0),
        ] {
            let before = hits_misses(&t);
            t.run(command);
            assert_eq!(
                hits_misses(&t),
                (before.0 + hits, before.1 + misses),
                "{command:?}"
            );
        }
        assert_eq!(
            t.run(&["object", "idletime", "k"]),
            ":5\r\n",
            "reads above kept the access time"
        );
        assert_eq!(t.run(&["touch", "k"]), ":1\r\n");
        assert_eq!(t.run(&["object", "idletime", "k"]), ":0\r\n");
        t.advance_ms(3_000);
        assert_eq!(t.run(&["object", "idletime", "k"]), ":3\r\n");
    }

    #[test]
    fn keys_matches_globs_and_skips_expired() {
        let mut t = client();
        assert_eq!(t.run(&["keys", "*"]), "*0\r\n");
        for key in ["hello", "hallo", "hxllo", "world"] {
            put(&t, key, "v");
        }
        put_in(&t, 0, "hbllo", "v", t.now.unix_ms() + 10);
        t.advance_ms(11);
        let sorted = |reply: String| {
            let mut keys: Vec<String> = reply
                .split("\r\n")
                .skip(2)
                .step_by(2)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            keys.sort();
            keys
        };
        assert_eq!(
            sorted(t.run(&["keys", "*"])),
            ["hallo", "hello", "hxllo", "world"]
        );
        assert_eq!(sorted(t.run(&["keys", "h[ae]llo"])), ["hallo", "hello"]);
        assert_eq!(
            sorted(t.run(&["keys", "h?llo"])),
            ["hallo", "hello", "hxllo"]
        );
        assert_eq!(t.run(&["keys", "w*"]), bulks(&["world"]));
        assert_eq!(t.run(&["keys", "nothing*"]), "*0\r\n");
        assert_eq!(
            stored_keys(&t, 0).len(),
            5,
            "KEYS skips expired keys without deleting them"
        );
    }

    #[test]
    fn scan_options_and_errors() {
        let mut t = client();
        assert_eq!(t.run(&["scan", "0"]), "*2\r\n$1\r\n0\r\n*0\r\n");
        for (args, error) in [
            (&["scan", "x"][..], "-ERR invalid cursor\r\n"),
            (&["scan", " 5"], "-ERR invalid cursor\r\n"),
            (&["scan", "18446744073709551616"], "-ERR invalid cursor\r\n"),
            (&["scan", "x", "count", "0"], "-ERR invalid cursor\r\n"),
            (&["scan", "0", "count", "0"], "-ERR syntax error\r\n"),
            (&["scan", "0", "count", "-1"], "-ERR syntax error\r\n"),
            (
                &["scan", "0", "count", "x"],
                "-ERR value is not an integer or out of range\r\n",
            ),
            (&["scan", "0", "match"], "-ERR syntax error\r\n"),
            (
                &["scan", "0", "count", "5", "count"],
                "-ERR syntax error\r\n",
            ),
            (&["scan", "0", "foo", "bar"], "-ERR syntax error\r\n"),
        ] {
            assert_eq!(t.run(args), error, "{args:?}");
        }
        for i in 0..30 {
            put(&t, &format!("key:{i}"), "v");
        }
        put(&t, "other", "v");
        let all = scan_all(&mut t, &[]);
        assert_eq!(all.len(), 31);
        assert_eq!(scan_all(&mut t, &["count", "1"]), all);
        assert_eq!(scan_all(&mut t, &["COUNT", "1000"]), all);
        assert_eq!(scan_all(&mut t, &["match", "other"]), ["other"]);
        assert_eq!(
            scan_all(&mut t, &["MATCH", "key:*", "count", "3"]).len(),
            30
        );
        assert_eq!(scan_all(&mut t, &["type", "STRING"]), all);
        assert!(scan_all(&mut t, &["type", "hash"]).is_empty());
        assert_eq!(
            scan_all(&mut t, &["match", "nope", "match", "other"]),
            ["other"],
            "the last MATCH wins"
        );
        // A large COUNT finishes in one call.
        assert_eq!(parse_scan(&t.run(&["scan", "0", "count", "100"])).0, 0);
    }

    #[test]
    fn scan_cursor_parses_like_strtoul() {
        assert_eq!(parse_cursor(b""), Some(0));
        assert_eq!(parse_cursor(b"00"), Some(0));
        assert_eq!(parse_cursor(b"+5"), Some(5));
        assert_eq!(parse_cursor(b"-0"), Some(0));
        assert_eq!(parse_cursor(b"-1"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"-18446744073709551615"), Some(1));
        assert_eq!(parse_cursor(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"7\0junk"), Some(7));
        for bad in [
            &b" 5"[..],
            b"5 ",
            b"+",
            b"-",
            b"0x1",
            b"18446744073709551616",
            b"-18446744073709551616",
        ] {
            assert_eq!(
                parse_cursor(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn scan_skips_and_deletes_expired_keys_and_survives_odd_cursors() {
        let mut t = client();
        let now = t.now.unix_ms();
        for i in 0..20 {
            put_in(&t, 0, &format!("live:{i}"), "v", 0);
            put_in(&t, 0, &format!("dead:{i}"), "v", now + 1);
        }
        t.advance_ms(2);
        let live: Vec<String> = (0..20)
            .map(|i| format!("live:{i}"))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(scan_all(&mut t, &["count", "3"]), live);
        assert_eq!(
            stored_keys(&t, 0),
            live,
            "SCAN deleted the expired keys it met"
        );
        assert_eq!(t.engine.keyspace.stats.expired_keys.load(Relaxed), 20);
        // Cursors no iteration produced: past the last shard, past a shard's end.
        assert_eq!(
            t.run(&["scan", "18446744073709551615"]),
            "*2\r\n$1\r\n0\r\n*0\r\n"
        );
        let (_, keys) =
            parse_scan(&t.run(&["scan", &((1u64 << 40) - 1).to_string(), "count", "1000"]));
        assert_eq!(
            keys.len(),
            20,
            "a position past the end is clamped to the shard's length"
        );
    }

    /// The SCAN guarantee under churn: with keys deleted and inserted between calls, every
    /// key present for the whole iteration is returned, and nothing never stored is.
    #[test]
    fn scan_returns_every_surviving_key_despite_deletes_and_inserts() {
        for seed in 1..=25u64 {
            let mut rng = crate::util::SplitMix(seed);
            let mut t = client();
            let initial = 50 + rng.below(300);
            let mut present: Vec<String> = (0..initial).map(|i| format!("k{i}")).collect();
            for key in &present {
                put(&t, key, "v");
            }
            let mut ever: BTreeSet<String> = present.iter().cloned().collect();
            let mut deleted: BTreeSet<String> = BTreeSet::new();
            let mut returned: BTreeSet<String> = BTreeSet::new();
            let mut cursor = "0".to_string();
            let mut next_key = initial;
            for call in 0.. {
                assert!(call < 10_000, "seed {seed}: the iteration must end");
                let count = (1 + rng.below(20)).to_string();
                let (next, keys) = parse_scan(&t.run(&["scan", &cursor, "count", &count]));
                for key in keys {
                    assert!(
                        ever.contains(&key),
                        "seed {seed}: returned {key} that never existed"
                    );
                    assert!(
                        !deleted.contains(&key) || present.contains(&key),
                        "seed {seed}: returned deleted {key}"
                    );
                    returned.insert(key);
                }
                if next == 0 {
                    break;
                }
                cursor = next.to_string();
                for _ in 0..rng.below(8) {
                    if !present.is_empty() {
                        let key = present.swap_remove(rng.below(present.len()));
                        assert_eq!(t.run(&["del", &key]), ":1\r\n");
                        deleted.insert(key);
                    }
                }
                for _ in 0..rng.below(8) {
                    let key = format!("k{next_key}");
                    next_key += 1;
                    put(&t, &key, "v");
                    ever.insert(key.clone());
                    present.push(key);
                }
            }
            for i in 0..initial {
                let key = format!("k{i}");
                if !deleted.contains(&key) {
                    assert!(
                        returned.contains(&key),
                        "seed {seed}: {key} was present throughout but never returned"
                    );
                }
            }
        }
    }

    #[test]
    fn randomkey_picks_live_keys_and_terminates_when_all_expired() {
        let mut t = client();
        assert_eq!(t.run(&["randomkey"]), "$-1\r\n");
        t.session.out.protocol = Protocol::Resp3;
        assert_eq!(t.run(&["randomkey"]), "_\r\n");
        t.session.out.protocol = Protocol::Resp2;
        put(&t, "only", "v");
        assert_eq!(t.run(&["randomkey"]), "$4\r\nonly\r\n");
        for i in 0..9 {
            put(&t, &format!("key{i}"), "v");
        }
        let mut seen = BTreeSet::new();
        for _ in 0..300 {
            seen.insert(t.run(&["randomkey"]));
        }
        assert_eq!(seen.len(), 10, "every key comes up: {seen:?}");

        // One live key among many expired: found, by a random pick or the fallback walk.
        let mut t = client();
        let now = t.now.unix_ms();
        for i in 0..500 {
            put_in(&t, 0, &format!("dead{i}"), "v", now + 1);
        }
        put(&t, "alive", "v");
        t.advance_ms(2);
        assert_eq!(t.run(&["randomkey"]), "$5\r\nalive\r\n");

        // Only expired keys: bounded work, null reply, the picked ones are reclaimed.
        let mut t = client();
        let now = t.now.unix_ms();
        for i in 0..500 {
            put_in(&t, 0, &format!("dead{i}"), "v", now + 1);
        }
        t.advance_ms(2);
        assert_eq!(t.run(&["randomkey"]), "$-1\r\n");
        assert_eq!(stored_keys(&t, 0).len(), 500 - super::RANDOMKEY_TRIES);
        assert_eq!(
            t.engine.keyspace.stats.expired_keys.load(Relaxed),
            super::RANDOMKEY_TRIES as u64
        );
    }

    #[test]
    fn rename_and_renamenx() {
        let mut t = client();
        assert_eq!(t.run(&["rename", "nokey", "x"]), "-ERR no such key\r\n");
        assert_eq!(t.run(&["rename", "nokey", "nokey"]), "-ERR no such key\r\n");
        assert_eq!(t.run(&["renamenx", "nokey", "x"]), "-ERR no such key\r\n");
        put(&t, "k", "v");
        let before = dirty(&t);
        assert_eq!(t.run(&["rename", "k", "k"]), "+OK\r\n");
        assert_eq!(t.run(&["renamenx", "k", "k"]), ":0\r\n");
        assert_eq!(
            dirty(&t),
            before,
            "renaming a key onto itself changes nothing"
        );
        put(&t, "k2", "v2");
        assert_eq!(t.run(&["renamenx", "k", "k2"]), ":0\r\n");
        assert_eq!(t.run(&["rename", "k", "k2"]), "+OK\r\n");
        assert_eq!(stored_keys(&t, 0), ["k2"]);
        assert_eq!(t.run(&["renamenx", "k2", "k3"]), ":1\r\n");
        assert_eq!(dirty(&t), before + 2);
        // The TTL travels with the value, and replaces the destination's.
        put_in(&t, 0, "t", "v", t.now.unix_ms() + 5_000);
        put_in(&t, 0, "dst", "v", t.now.unix_ms() + 99_000);
        assert_eq!(t.run(&["rename", "t", "dst"]), "+OK\r\n");
        assert_eq!(t.run(&["pttl", "dst"]), ":5000\r\n");
        assert_eq!(t.run(&["rename", "k3", "dst"]), "+OK\r\n");
        assert_eq!(t.run(&["pttl", "dst"]), ":-1\r\n");
        // An expired destination does not block RENAMENX.
        put_in(&t, 0, "gone", "v", t.now.unix_ms() + 1);
        put(&t, "src", "v");
        t.advance_ms(2);
        assert_eq!(t.run(&["renamenx", "src", "gone"]), ":1\r\n");
    }

    #[test]
    fn copy_within_and_between_databases() {
        let mut t = client();
        for (args, reply) in [
            (
                &["copy", "k", "k"][..],
                "-ERR source and destination objects are the same\r\n",
            ),
            (
                &["copy", "k", "k", "db", "0"],
                "-ERR source and destination objects are the same\r\n",
            ),
            (
                &["copy", "k", "k2", "db", "16"],
                "-ERR DB index is out of range\r\n",
            ),
            (
                &["copy", "k", "k2", "db", "-1"],
                "-ERR DB index is out of range\r\n",
            ),
            (
                &["copy", "k", "k2", "db", "x"],
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                &["copy", "k", "k2", "db", "4294967296"],
                "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
            ),
            (&["copy", "k", "k2", "db"], "-ERR syntax error\r\n"),
            (&["copy", "k", "k2", "foo"], "-ERR syntax error\r\n"),
            (
                &["copy", "k", "k2", "replace", "db", "1", "x"],
                "-ERR syntax error\r\n",
            ),
            (&["copy", "nokey", "x"], ":0\r\n"),
        ] {
            assert_eq!(t.run(args), reply, "{args:?}");
        }
        put_in(&t, 0, "k", "hello", t.now.unix_ms() + 7_000);
        let before = dirty(&t);
        assert_eq!(t.run(&["copy", "k", "k2"]), ":1\r\n");
        assert_eq!(t.run(&["pttl", "k2"]), ":7000\r\n");
        put(&t, "k3", "other");
        assert_eq!(t.run(&["copy", "k", "k3"]), ":0\r\n");
        assert_eq!(t.run(&["copy", "k", "k3", "REPLACE"]), ":1\r\n");
        assert_eq!(t.run(&["copy", "k", "k", "db", "1"]), ":1\r\n");
        assert_eq!(t.run(&["copy", "k", "k", "db", "1"]), ":0\r\n");
        assert_eq!(
            t.run(&["copy", "k", "k", "DB", "2", "db", "3", "replace", "replace"]),
            ":1\r\n"
        );
        assert_eq!(dirty(&t), before + 4);
        assert_eq!(stored_keys(&t, 0), ["k", "k2", "k3"]);
        assert_eq!(stored_keys(&t, 1), ["k"]);
        assert_eq!(stored_keys(&t, 2), Vec::<String>::new());
        assert_eq!(stored_keys(&t, 3), ["k"]);
        assert_eq!(t.run(&["select", "3"]), "+OK\r\n");
        assert_eq!(t.run(&["pttl", "k"]), ":7000\r\n");
        assert_eq!(t.run(&["object", "encoding", "k"]), "$6\r\nembstr\r\n");
        assert_eq!(
            t.run(&["copy", "k", "k", "db", "0"]),
            ":0\r\n",
            "db 0 already has k"
        );
    }

    #[test]
    fn move_between_databases() {
        let mut t = client();
        for (args, reply) in [
            (
                &["move", "k", "0"][..],
                "-ERR source and destination objects are the same\r\n",
            ),
            (
                &["move", "nokey", "0"],
                "-ERR source and destination objects are the same\r\n",
            ),
            (&["move", "k", "16"], "-ERR DB index is out of range\r\n"),
            (&["move", "k", "-1"], "-ERR DB index is out of range\r\n"),
            (
                &["move", "k", "2147483647"],
                "-ERR DB index is out of range\r\n",
            ),
            (
                &["move", "k", "4294967296"],
                "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
            ),
            (
                &["move", "k", "x"],
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                &["move", "k", "99999999999999999999"],
                "-ERR value is not an integer or out of range\r\n",
            ),
            (&["move", "nokey", "1"], ":0\r\n"),
        ] {
            assert_eq!(t.run(args), reply, "{args:?}");
        }
        put_in(&t, 0, "k", "v", t.now.unix_ms() + 3_000);
        put_in(&t, 1, "taken", "v", 0);
        put(&t, "taken", "mine");
        let before = dirty(&t);
        assert_eq!(t.run(&["move", "taken", "1"]), ":0\r\n");
        assert_eq!(t.run(&["move", "k", "1"]), ":1\r\n");
        assert_eq!(dirty(&t), before + 1);
        assert_eq!(stored_keys(&t, 0), ["taken"]);
        assert_eq!(stored_keys(&t, 1), ["k", "taken"]);
        assert_eq!(t.run(&["select", "1"]), "+OK\r\n");
        assert_eq!(t.run(&["pttl", "k"]), ":3000\r\n");
        // An expired key in the target database does not block the move.
        put_in(&t, 0, "k", "v", 0);
        put_in(&t, 1, "k", "v", t.now.unix_ms() + 1);
        t.advance_ms(2);
        assert_eq!(t.run(&["select", "0"]), "+OK\r\n");
        assert_eq!(t.run(&["move", "k", "1"]), ":1\r\n");
        assert_eq!(stored_keys(&t, 0), ["taken"]);
    }

    #[test]
    fn object_subcommands() {
        let mut t = client();
        put(&t, "small", "12");
        put(&t, "edge", "9999");
        put(&t, "big", "10000");
        put(&t, "neg", "-1");
        put(&t, "str", "hello");
        put(&t, "long", &"x".repeat(45));
        for (key, encoding, refcount) in [
            ("small", "int", 2147483647),
            ("edge", "int", 2147483647),
            ("big", "int", 1),
            ("neg", "int", 1),
            ("str", "embstr", 1),
            ("long", "raw", 1),
        ] {
            assert_eq!(
                t.run(&["object", "encoding", key]),
                format!("${}\r\n{encoding}\r\n", encoding.len()),
                "{key}"
            );
            assert_eq!(
                t.run(&["object", "refcount", key]),
                format!(":{refcount}\r\n"),
                "{key}"
            );
        }
        assert_eq!(
            t.run(&["OBJECT", "FREQ", "str"]),
            "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"
        );
        for sub in ["encoding", "freq", "idletime", "refcount"] {
            assert_eq!(t.run(&["object", sub, "nokey"]), "$-1\r\n", "{sub}");
        }
        t.session.out.protocol = Protocol::Resp3;
        assert_eq!(t.run(&["object", "encoding", "nokey"]), "_\r\n");
        t.session.out.protocol = Protocol::Resp2;
        assert_eq!(t.run(&["object", "idletime", "str"]), ":0\r\n");
        t.advance_ms(61_000);
        assert_eq!(t.run(&["object", "idletime", "str"]), ":61\r\n");
        assert_eq!(
            t.run(&["object", "encoding"]),
            "-ERR wrong number of arguments for 'object|encoding' command\r\n"
        );
        let help = t.run(&["object", "help"]);
        assert!(help.starts_with("*11\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n"), "{help}");
        assert!(help.ends_with("+REFCOUNT <key>\r\n+    Return how many references the value of <key> has.\r\n+HELP\r\n+    Prints this help.\r\n"), "{help}");
    }
}
