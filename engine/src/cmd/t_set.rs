//! Set commands on one key: SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS and SSCAN, plus
//! SMOVE (two keys, one member). The random ones (SRANDMEMBER, SPOP) live in `t_set_random`,
//! the multi-key algebra (SINTER, SUNION, SDIFF and their STORE and CARD forms) in
//! `t_set_ops`; both are re-exported here so the command table names every set handler through
//! this module. The data structure is `crate::types::set`.
//!
//! Behaviour follows Redis 7.0's `t_set.c`: the same order of checks (so the same error wins
//! when several apply), the same error texts, reply shapes (SMEMBERS is a RESP3 set, SMISMEMBER
//! an array of integers), encodings, `dirty` accounting and keyspace hit/miss counting (reads
//! count, writes do not). Operations that change sets (`add`, `move_member`, and `pop` in
//! `t_set_random`) are `pub(crate)` functions apart from their handlers, so that other callers
//! (scripts, a blocking wrapper) reuse them without replying.
//!
//! # SSCAN
//!
//! An intset is returned whole, with cursor 0, whatever the cursor and COUNT (as Redis does for
//! its compact encodings). A hashtable is walked by position, from the top down: the cursor is
//! the number of positions still to visit, and 0 starts (and ends) a walk. Members only move
//! to lower positions (removal moves the last member into the hole) and new ones are appended,
//! so, as for the keyspace's SCAN (see `keys.rs`), every member present for the whole walk is
//! returned at least once. COUNT bounds the positions visited per call, matching or not.

use std::sync::atomic::Ordering;

use bytes::Bytes;

use super::keys::parse_cursor;
use super::t_string::{db_and_out, option_name};
use super::{NOT_INTEGER, SYNTAX, WRONGTYPE};
use crate::engine::Engine;
use crate::glob::glob_match;
use crate::keyspace::{Db, Entry, Value};
use crate::pubsub::class;
use crate::resp::Reply;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::types::set::{MemberRef, Set};

pub use super::t_set_ops::{
    sdiff, sdiffstore, sinter, sintercard, sinterstore, sunion, sunionstore,
};
pub use super::t_set_random::{spop, srandmember};

const INVALID_CURSOR: &str = "ERR invalid cursor";
/// SSCAN's default COUNT.
const SCAN_COUNT_DEFAULT: usize = 10;

/// The key holds a value of another type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WrongType;

/// The set stored in `entry`.
pub(crate) fn set_mut(entry: &mut Entry) -> Result<&mut Set, WrongType> {
    match &mut entry.value {
        Value::Set(set) => Ok(set),
        _ => Err(WrongType),
    }
}

/// Counts `n` changes towards Redis's `dirty` (writes since the last save).
pub(crate) fn add_dirty(engine: &Engine, n: u64) {
    if n > 0 {
        engine.keyspace.stats.dirty.fetch_add(n, Ordering::Relaxed);
    }
}

/// Adds members to the set at `key`, creating it if missing. Returns how many were new.
pub(crate) fn add(db: &mut Db<'_, '_>, key: &[u8], members: &[Bytes]) -> Result<u64, WrongType> {
    let hasher = db.value_hasher();
    let add_all = |set: &mut Set| members.iter().filter(|m| set.insert(m, &hasher)).count();
    let added = match db.lookup_write(key) {
        Some(entry) => add_all(set_mut(entry)?),
        None => {
            let mut set = Set::new();
            let added = add_all(&mut set);
            db.set(key, Value::Set(Box::new(set)), 0);
            added
        }
    };
    Ok(added as u64)
}

/// `SADD key member [member ...]`: adds the members; replies how many were not there yet.
pub fn sadd(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let engine = ctx.engine;
    let (mut db, out) = db_and_out(ctx);
    match add(&mut db, &args[1], &args[2..]) {
        Ok(added) => {
            if added > 0 {
                db.notify(class::SET, "sadd", &args[1]);
            }
            add_dirty(engine, added);
            out.int(added as i64);
        }
        Err(WrongType) => out.error(WRONGTYPE),
    }
}

/// `SREM key member [member ...]`: removes the members; replies how many were there. The key
/// goes with its last member.
pub fn srem(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let engine = ctx.engine;
    let (mut db, out) = db_and_out(ctx);
    let key = &args[1];
    let Some(entry) = db.lookup_write(key) else {
        out.int(0);
        return;
    };
    let Ok(set) = set_mut(entry) else {
        out.error(WRONGTYPE);
        return;
    };
    let mut removed = 0;
    for member in &args[2..] {
        removed += u64::from(set.remove(member));
        if set.is_empty() {
            break;
        }
    }
    let emptied = set.is_empty();
    if removed > 0 {
        db.notify(class::SET, "srem", key);
    }
    if emptied {
        db.remove(key);
        db.notify(class::GENERIC, "del", key);
    }
    add_dirty(engine, removed);
    out.int(removed as i64);
}

/// Looks `key` up for a read command: `Ok(None)` when missing. Replies WRONGTYPE itself.
pub(crate) fn read_set<'d>(
    db: &'d mut Db<'_, '_>,
    out: &mut Reply,
    key: &[u8],
) -> Result<Option<&'d mut Set>, WrongType> {
    match db.lookup_read(key) {
        None => Ok(None),
        Some(entry) => match set_mut(entry) {
            Ok(set) => Ok(Some(set)),
            Err(WrongType) => {
                out.error(WRONGTYPE);
                Err(WrongType)
            }
        },
    }
}

/// `SCARD key`: the number of members, 0 for a missing key.
pub fn scard(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    if let Ok(set) = read_set(&mut db, out, &args[1]) {
        out.int(set.map_or(0, |s| s.len() as i64));
    }
}

/// `SISMEMBER key member`: 1 if `member` is in the set, else 0.
pub fn sismember(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    if let Ok(set) = read_set(&mut db, out, &args[1]) {
        out.int(i64::from(set.is_some_and(|s| s.contains(&args[2]))));
    }
}

/// `SMISMEMBER key member [member ...]`: 1 or 0 per member (integers in RESP3 too, as Redis).
pub fn smismember(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    if let Ok(set) = read_set(&mut db, out, &args[1]) {
        out.array(args.len() - 2);
        for member in &args[2..] {
            out.int(i64::from(set.as_ref().is_some_and(|s| s.contains(member))));
        }
    }
}

/// Writes every member as a RESP3 set (an array in RESP2).
fn reply_members(out: &mut Reply, set: &Set) {
    out.set(set.len());
    for member in set.iter() {
        member.reply(out);
    }
}

/// `SMEMBERS key`: every member (a RESP3 set), empty for a missing key.
pub fn smembers(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    match read_set(&mut db, out, &args[1]) {
        Ok(Some(set)) => reply_members(out, set),
        Ok(None) => out.set(0),
        Err(WrongType) => {}
    }
}

/// What [`move_member`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Moved {
    /// SMOVE's reply: the member was in the source.
    pub found: bool,
    /// Changes for Redis's `dirty`: the removal, and the addition if the member was new there.
    pub changes: u64,
}

/// Moves `member` from the set at `src` to the set at `dst` (created if missing); the source
/// key goes with its last member. As in Redis, a missing source wins over a destination of the
/// wrong type, and moving within one key changes nothing.
pub(crate) fn move_member(
    db: &mut Db<'_, '_>,
    src: &[u8],
    dst: &[u8],
    member: &[u8],
) -> Result<Moved, WrongType> {
    let not_found = Moved {
        found: false,
        changes: 0,
    };
    // Both lookups first, as Redis does (each may expire its key).
    let src_is_set = db
        .lookup_write(src)
        .map(|e| matches!(e.value, Value::Set(_)));
    let dst_is_set = db
        .lookup_write(dst)
        .map(|e| matches!(e.value, Value::Set(_)));
    match (src_is_set, dst_is_set) {
        (None, _) => return Ok(not_found),
        (Some(false), _) | (_, Some(false)) => return Err(WrongType),
        _ => {}
    }
    let set = set_mut(db.entry_mut(src).expect("looked up above"))?;
    if src == dst {
        return Ok(Moved {
            found: set.contains(member),
            changes: 0,
        });
    }
    if !set.remove(member) {
        return Ok(not_found);
    }
    let emptied = set.is_empty();
    db.notify(class::SET, "srem", src);
    if emptied {
        db.remove(src);
        db.notify(class::GENERIC, "del", src);
    }
    let added = add(db, dst, &[Bytes::copy_from_slice(member)])?;
    if added > 0 {
        db.notify(class::SET, "sadd", dst);
    }
    Ok(Moved {
        found: true,
        changes: 1 + added,
    })
}

/// `SMOVE source destination member`: moves `member` between sets; 1 if it was in `source`.
pub fn smove(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let engine = ctx.engine;
    let (mut db, out) = db_and_out(ctx);
    match move_member(&mut db, &args[1], &args[2], &args[3]) {
        Ok(moved) => {
            add_dirty(engine, moved.changes);
            out.int(i64::from(moved.found));
        }
        Err(WrongType) => out.error(WRONGTYPE),
    }
}

/// `SSCAN key cursor [MATCH pattern] [COUNT count]`: the next members and the cursor to go on
/// from (see the module doc). As in Redis, the options are parsed only once the key is known
/// to hold a set.
pub fn sscan(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(cursor) = parse_cursor(&args[2]) else {
        ctx.out.error(INVALID_CURSOR);
        return;
    };
    let (mut db, out) = db_and_out(ctx);
    let set = match read_set(&mut db, out, &args[1]) {
        Ok(Some(set)) => set,
        Ok(None) => {
            out.array(2);
            out.bulk(b"0");
            out.array(0);
            return;
        }
        Err(WrongType) => return,
    };
    let mut count = SCAN_COUNT_DEFAULT;
    let mut pattern: Option<&[u8]> = None;
    let mut i = 3;
    while i < args.len() {
        let (option, has_value) = (option_name(&args[i]), i + 1 < args.len());
        if has_value && option.eq_ignore_ascii_case(b"count") {
            let Some(n) = parse_i64(&args[i + 1]) else {
                out.error(NOT_INTEGER);
                return;
            };
            if n < 1 {
                out.error(SYNTAX);
                return;
            }
            count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if has_value && option.eq_ignore_ascii_case(b"match") {
            // "*" matches everything: skip the matcher, as Redis does.
            pattern = Some(&args[i + 1][..]).filter(|p| *p != b"*");
        } else {
            out.error(SYNTAX);
            return;
        }
        i += 2;
    }
    let matches = |member: MemberRef<'_>| {
        pattern.is_none_or(|p| member.with_bytes(|bytes| glob_match(p, bytes, false)))
    };
    let mut found = Vec::new();
    let next_cursor = if set.is_intset() {
        found.extend(set.iter().filter(|m| matches(*m)));
        0
    } else {
        let len = set.len() as u64;
        let mut pos = if cursor == 0 { len } else { cursor.min(len) };
        let mut budget = count;
        while pos > 0 && budget > 0 {
            pos -= 1;
            budget -= 1;
            let member = set.get(pos as usize);
            if matches(member) {
                found.push(member);
            }
        }
        pos
    };
    out.array(2);
    out.bulk(itoa::Buffer::new().format(next_cursor).as_bytes());
    out.array(found.len());
    for member in found {
        member.reply(out);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeSet;

    use crate::cmd::keys::tests::{dirty, hits_misses};
    use crate::testing::{TestClient, client};

    /// Commands and the exact replies redis-server 7.0.15 gave to the same sequence on an
    /// empty database (recorded from a live server).
    pub(crate) type Vectors<'a> = &'a [(&'a [&'a str], &'a str)];

    /// Runs `vectors` on a fresh client (after `HELLO 3` when `resp3`).
    pub(crate) fn replay(resp3: bool, vectors: Vectors<'_>) -> TestClient {
        let mut t = client();
        if resp3 {
            t.run(&["hello", "3"]);
        }
        for (i, (args, expected)) in vectors.iter().enumerate() {
            assert_eq!(&t.run(args), expected, "step {i}: {args:?}");
        }
        t
    }

    /// The bulk strings of an array or set reply, sorted (for orders Redis leaves open).
    pub(crate) fn sorted_bulks(reply: &str) -> Vec<String> {
        let bytes = reply.as_bytes();
        let line_end = |from: usize| from + reply[from..].find("\r\n").expect("CRLF");
        let mut at = line_end(0) + 2;
        assert!(matches!(bytes[0], b'*' | b'~'), "not an array: {reply:?}");
        let count: usize = reply[1..at - 2].parse().expect("length");
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            assert_eq!(bytes[at], b'$', "not a bulk at {at}: {reply:?}");
            let end = line_end(at);
            let len: usize = reply[at + 1..end].parse().expect("bulk length");
            out.push(reply[end + 2..end + 2 + len].to_string());
            at = end + 2 + len + 2;
        }
        assert_eq!(at, reply.len(), "trailing bytes in {reply:?}");
        out.sort();
        out
    }

    /// Numbers 0..n as strings, sorted as strings.
    pub(crate) fn numbers(n: usize) -> Vec<String> {
        let mut out: Vec<String> = (0..n).map(|i| i.to_string()).collect();
        out.sort();
        out
    }

    fn sadd_all(t: &mut TestClient, key: &str, members: &[String]) {
        let mut args = vec!["sadd", key];
        args.extend(members.iter().map(String::as_str));
        t.run(&args);
    }

    #[test]
    #[rustfmt::skip]
    fn sadd_srem_scard_match_redis() {
        replay(false, &[
        (&["sadd", "s", "3", "1", "2"][..], ":3\r\n"),
        (&["sadd", "s", "2", "4", "4"][..], ":1\r\n"),
        (&["scard", "s"][..], ":4\r\n"),
        (&["smembers", "s"][..], "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        (&["object", "encoding", "s"][..], "$6\r\nintset\r\n"),
        (&["srem", "s", "1", "9"][..], ":1\r\n"),
        (&["srem", "s", "9"][..], ":0\r\n"),
        (&["srem", "s", "2", "3", "4", "5"][..], ":3\r\n"),
        (&["exists", "s"][..], ":0\r\n"),
        (&["scard", "s"][..], ":0\r\n"),
        (&["srem", "s", "x"][..], ":0\r\n"),
        (&["sadd", "s"][..], "-ERR wrong number of arguments for 'sadd' command\r\n"),
        (&["srem", "s"][..], "-ERR wrong number of arguments for 'srem' command\r\n"),
        (&["scard"][..], "-ERR wrong number of arguments for 'scard' command\r\n"),
        (&["sadd", "h", "a"][..], ":1\r\n"),
        (&["sadd", "h", "a"][..], ":0\r\n"),
        (&["smembers", "h"][..], "*1\r\n$1\r\na\r\n"),
        (&["object", "encoding", "h"][..], "$9\r\nhashtable\r\n"),
        (&["sadd", "n", "-5", "0", "-9223372036854775808", "9223372036854775807", "70000"][..], ":5\r\n"),
        (&["smembers", "n"][..], "*5\r\n$20\r\n-9223372036854775808\r\n$2\r\n-5\r\n$1\r\n0\r\n$5\r\n70000\r\n$19\r\n9223372036854775807\r\n"),
        (&["srem", "n", "-9223372036854775808", "01", "+5", "-0"][..], ":1\r\n"),
        (&["smembers", "n"][..], "*4\r\n$2\r\n-5\r\n$1\r\n0\r\n$5\r\n70000\r\n$19\r\n9223372036854775807\r\n"),
        (&["scard", "n"][..], ":4\r\n"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn wrong_types_match_redis() {
        replay(false, &[
        (&["set", "str", "v"][..], "+OK\r\n"),
        (&["sadd", "str", "a"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["srem", "str", "a"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["scard", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sismember", "str", "a"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["smismember", "str", "a"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["smembers", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["srandmember", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["srandmember", "str", "0"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["srandmember", "str", "-3"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["spop", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["spop", "str", "0"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["spop", "str", "2"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sadd", "s", "1"][..], ":1\r\n"),
        (&["smove", "str", "s", "1"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["smove", "s", "str", "1"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["smove", "nokey", "str", "1"][..], ":0\r\n"),
        (&["smove", "str", "nokey", "1"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sinter", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sinter", "nokey", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sinter", "s", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sunion", "nokey", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sdiff", "nokey", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sdiff", "s", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sinterstore", "d", "nokey", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sunionstore", "d", "s", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sdiffstore", "d", "s", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sintercard", "1", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sintercard", "2", "nokey", "str"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sscan", "str", "0"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sscan", "str", "0", "count", "x"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["sscan", "str", "x"][..], "-ERR invalid cursor\r\n"),
        (&["exists", "d"][..], ":0\r\n"),
        (&["sunionstore", "str", "s"][..], ":1\r\n"),
        (&["type", "str"][..], "+set\r\n"),
        (&["smembers", "str"][..], "*1\r\n$1\r\n1\r\n"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn membership_matches_redis() {
        replay(false, &[
        (&["sadd", "s", "1", "2", "3"][..], ":3\r\n"),
        (&["sismember", "s", "2"][..], ":1\r\n"),
        (&["sismember", "s", "4"][..], ":0\r\n"),
        (&["sismember", "s", "02"][..], ":0\r\n"),
        (&["sismember", "s", "a"][..], ":0\r\n"),
        (&["sismember", "nokey", "a"][..], ":0\r\n"),
        (&["smismember", "s", "1", "x", "3", "01"][..], "*4\r\n:1\r\n:0\r\n:1\r\n:0\r\n"),
        (&["smismember", "nokey", "a", "b"][..], "*2\r\n:0\r\n:0\r\n"),
        (&["sadd", "h", "a", "b"][..], ":2\r\n"),
        (&["sismember", "h", "a"][..], ":1\r\n"),
        (&["sismember", "h", "c"][..], ":0\r\n"),
        (&["smismember", "h", "c", "a"][..], "*2\r\n:0\r\n:1\r\n"),
        (&["sismember", "s"][..], "-ERR wrong number of arguments for 'sismember' command\r\n"),
        (&["smismember", "s"][..], "-ERR wrong number of arguments for 'smismember' command\r\n"),
        (&["sismember", "s", "1", "2"][..], "-ERR wrong number of arguments for 'sismember' command\r\n"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn smove_matches_redis() {
        replay(false, &[
        (&["sadd", "a", "1", "2", "3"][..], ":3\r\n"),
        (&["sadd", "b", "x"][..], ":1\r\n"),
        (&["smove", "nokey", "b", "1"][..], ":0\r\n"),
        (&["smove", "a", "b", "9"][..], ":0\r\n"),
        (&["smove", "a", "b", "1"][..], ":1\r\n"),
        (&["smembers", "a"][..], "*2\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["smembers", "b"][..], "*2\r\n$1\r\nx\r\n$1\r\n1\r\n"),
        (&["smove", "a", "c", "2"][..], ":1\r\n"),
        (&["object", "encoding", "c"][..], "$6\r\nintset\r\n"),
        (&["smembers", "c"][..], "*1\r\n$1\r\n2\r\n"),
        (&["smove", "a", "c", "x"][..], ":0\r\n"),
        (&["smove", "a", "a", "3"][..], ":1\r\n"),
        (&["smove", "a", "a", "9"][..], ":0\r\n"),
        (&["smove", "a", "c", "3"][..], ":1\r\n"),
        (&["exists", "a"][..], ":0\r\n"),
        (&["smembers", "c"][..], "*2\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["sadd", "d", "3"][..], ":1\r\n"),
        (&["smove", "c", "d", "3"][..], ":1\r\n"),
        (&["smembers", "d"][..], "*1\r\n$1\r\n3\r\n"),
        (&["smembers", "c"][..], "*1\r\n$1\r\n2\r\n"),
        (&["smove", "c", "h", "word"][..], ":0\r\n"),
        (&["set", "str", "v"][..], "+OK\r\n"),
        (&["smove", "c", "str", "2"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["smove", "str", "c", "2"][..], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        (&["smove", "nokey", "str", "2"][..], ":0\r\n"),
        (&["smove", "c", "nokey2"][..], "-ERR wrong number of arguments for 'smove' command\r\n"),
        (&["smove", "a", "b", "c", "d"][..], "-ERR wrong number of arguments for 'smove' command\r\n"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn sscan_of_intsets_and_errors_match_redis() {
        replay(false, &[
        (&["sadd", "s", "1", "2", "3", "10", "20"][..], ":5\r\n"),
        (&["sscan", "s", "0"][..], "*2\r\n$1\r\n0\r\n*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n$2\r\n20\r\n"),
        (&["sscan", "s", "7"][..], "*2\r\n$1\r\n0\r\n*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n$2\r\n20\r\n"),
        (&["sscan", "s", "0", "count", "1"][..], "*2\r\n$1\r\n0\r\n*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n$2\r\n20\r\n"),
        (&["sscan", "s", "0", "match", "1*"][..], "*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$2\r\n10\r\n"),
        (&["sscan", "s", "0", "match", "*0", "count", "2"][..], "*2\r\n$1\r\n0\r\n*2\r\n$2\r\n10\r\n$2\r\n20\r\n"),
        (&["sscan", "s", "0", "MATCH", "*", "COUNT", "1000"][..], "*2\r\n$1\r\n0\r\n*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n$2\r\n20\r\n"),
        (&["sscan", "s", "0", "count", "0"][..], "-ERR syntax error\r\n"),
        (&["sscan", "s", "0", "count", "-1"][..], "-ERR syntax error\r\n"),
        (&["sscan", "s", "0", "count", "x"][..], "-ERR value is not an integer or out of range\r\n"),
        (&["sscan", "s", "0", "match"][..], "-ERR syntax error\r\n"),
        (&["sscan", "s", "0", "type", "string"][..], "-ERR syntax error\r\n"),
        (&["sscan", "s", "0", "foo", "bar"][..], "-ERR syntax error\r\n"),
        (&["sscan", "s", "x"][..], "-ERR invalid cursor\r\n"),
        (&["sscan", "s", "-1"][..], "*2\r\n$1\r\n0\r\n*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n$2\r\n20\r\n"),
        (&["sscan", "s", "18446744073709551616"][..], "-ERR invalid cursor\r\n"),
        (&["sscan", "nokey", "0"][..], "*2\r\n$1\r\n0\r\n*0\r\n"),
        (&["sscan", "nokey", "0", "count", "x"][..], "*2\r\n$1\r\n0\r\n*0\r\n"),
        (&["sscan", "nokey", "x"][..], "-ERR invalid cursor\r\n"),
        (&["sscan", "s"][..], "-ERR wrong number of arguments for 'sscan' command\r\n"),
        (&["sadd", "h", "word"][..], ":1\r\n"),
        (&["sscan", "h", "0"][..], "*2\r\n$1\r\n0\r\n*1\r\n$4\r\nword\r\n"),
        (&["sscan", "h", "0", "match", "w*"][..], "*2\r\n$1\r\n0\r\n*1\r\n$4\r\nword\r\n"),
        (&["sscan", "h", "0", "match", "z*"][..], "*2\r\n$1\r\n0\r\n*0\r\n"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn resp3_shapes_match_redis() {
        replay(true, &[
        (&["sadd", "s", "1", "2", "3"][..], ":3\r\n"),
        (&["smembers", "s"][..], "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["smembers", "nokey"][..], "~0\r\n"),
        (&["smismember", "s", "1", "4"][..], "*2\r\n:1\r\n:0\r\n"),
        (&["sismember", "s", "1"][..], ":1\r\n"),
        (&["srandmember", "s", "5"][..], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["srandmember", "s", "0"][..], "*0\r\n"),
        (&["srandmember", "nokey", "2"][..], "*0\r\n"),
        (&["srandmember", "nokey"][..], "_\r\n"),
        (&["spop", "nokey"][..], "_\r\n"),
        (&["spop", "nokey", "2"][..], "~0\r\n"),
        (&["spop", "s", "0"][..], "~0\r\n"),
        (&["sinter", "s", "s"][..], "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["sinter", "s", "nokey"][..], "~0\r\n"),
        (&["sunion", "s", "nokey"][..], "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["sdiff", "s", "nokey"][..], "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["sdiff", "nokey", "s"][..], "~0\r\n"),
        (&["sintercard", "1", "s"][..], ":3\r\n"),
        (&["sscan", "s", "0"][..], "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["sscan", "nokey", "0"][..], "*2\r\n$1\r\n0\r\n*0\r\n"),
        (&["sinterstore", "d", "s"][..], ":3\r\n"),
        (&["scard", "d"][..], ":3\r\n"),
        (&["spop", "s", "5"][..], "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["exists", "s"][..], ":0\r\n"),
        ]);
    }

    #[test]
    fn encodings_follow_redis_thresholds() {
        let mut t = client();
        sadd_all(&mut t, "big", &numbers(512));
        assert_eq!(t.run(&["object", "encoding", "big"]), "$6\r\nintset\r\n");
        assert_eq!(t.run(&["sadd", "big", "512"]), ":1\r\n");
        assert_eq!(t.run(&["object", "encoding", "big"]), "$9\r\nhashtable\r\n");
        assert_eq!(t.run(&["srem", "big", "512", "511"]), ":2\r\n");
        assert_eq!(t.run(&["object", "encoding", "big"]), "$9\r\nhashtable\r\n");
        assert_eq!(sorted_bulks(&t.run(&["smembers", "big"])), numbers(511));
        for (i, member) in [
            "01",
            "+1",
            "-0",
            "9223372036854775808",
            "-9223372036854775809",
            "1.0",
            "",
        ]
        .iter()
        .enumerate()
        {
            let key = format!("k{i}");
            assert_eq!(t.run(&["sadd", &key, member]), ":1\r\n");
            assert_eq!(
                t.run(&["object", "encoding", &key]),
                "$9\r\nhashtable\r\n",
                "{member:?}"
            );
            assert_eq!(t.run(&["sismember", &key, member]), ":1\r\n");
        }
        // A text member converts for good, even once removed (as in Redis).
        assert_eq!(t.run(&["sadd", "u", "1", "a"]), ":2\r\n");
        assert_eq!(t.run(&["srem", "u", "a"]), ":1\r\n");
        assert_eq!(t.run(&["object", "encoding", "u"]), "$9\r\nhashtable\r\n");
    }

    #[test]
    fn dirty_counts_changes_as_redis_does() {
        let mut t = client();
        // (command, replies, dirty added), as measured on redis-server 7.0.15.
        let steps: &[(&[&str], u64)] = &[
            (&["sadd", "k", "a", "b", "a"], 2),
            (&["sadd", "k", "a"], 0),
            (&["srem", "k", "x"], 0),
            (&["srem", "k", "a", "b", "z"], 2),
            (&["sadd", "s1", "a", "b", "c"], 3),
            (&["sadd", "s2", "b", "c", "d"], 3),
            (&["smove", "s1", "s2", "a"], 2),
            (&["smove", "s1", "s2", "b"], 1),
            (&["smove", "s1", "s1", "c"], 0),
            (&["smove", "s1", "s2", "zz"], 0),
            (&["smove", "s1", "new", "c"], 2),
            (&["sismember", "new", "c"], 0),
            (&["sscan", "new", "0"], 0),
        ];
        for (args, expected) in steps {
            let before = dirty(&t);
            t.run(args);
            assert_eq!(dirty(&t) - before, *expected, "{args:?}");
        }
    }

    #[test]
    fn reads_count_hits_and_misses_writes_do_not() {
        let mut t = client();
        t.run(&["sadd", "s", "1"]);
        let steps: &[(&[&str], (u64, u64))] = &[
            (&["sadd", "s", "2"], (0, 0)),
            (&["srem", "s", "2"], (0, 0)),
            (&["smove", "s", "t", "1"], (0, 0)),
            (&["smove", "nokey", "t", "1"], (0, 0)),
            (&["scard", "t"], (1, 0)),
            (&["sismember", "nokey", "1"], (0, 1)),
            (&["smismember", "t", "1", "2"], (1, 0)),
            (&["smembers", "nokey"], (0, 1)),
            (&["sscan", "t", "0"], (1, 0)),
        ];
        for (args, (hits, misses)) in steps {
            let (h, m) = hits_misses(&t);
            t.run(args);
            let (h2, m2) = hits_misses(&t);
            assert_eq!((h2 - h, m2 - m), (*hits, *misses), "{args:?}");
        }
    }

    #[test]
    fn ttl_survives_changes_and_expired_sets_are_missing() {
        let mut t = client();
        t.run(&["sadd", "s", "a", "b"]);
        assert_eq!(t.run(&["expire", "s", "100"]), ":1\r\n");
        t.run(&["sadd", "s", "c"]);
        t.run(&["srem", "s", "a"]);
        t.run(&["smove", "s", "other", "b"]);
        assert_eq!(t.run(&["ttl", "s"]), ":100\r\n");
        t.advance_ms(101_000);
        assert_eq!(t.run(&["scard", "s"]), ":0\r\n");
        assert_eq!(t.run(&["sadd", "s", "x"]), ":1\r\n");
        assert_eq!(t.run(&["ttl", "s"]), ":-1\r\n");
        assert_eq!(t.run(&["smembers", "s"]), "*1\r\n$1\r\nx\r\n");
        // The last member leaving takes the key with it, TTL and all.
        t.run(&["expire", "s", "100"]);
        assert_eq!(t.run(&["srem", "s", "x", "y"]), ":1\r\n");
        assert_eq!(t.run(&["exists", "s"]), ":0\r\n");
        assert_eq!(t.run(&["ttl", "s"]), ":-2\r\n");
    }

    #[test]
    fn smove_between_encodings() {
        let mut t = client();
        t.run(&["sadd", "src", "word", "7"]);
        assert_eq!(t.run(&["smove", "src", "ints", "7"]), ":1\r\n");
        assert_eq!(t.run(&["object", "encoding", "ints"]), "$6\r\nintset\r\n");
        assert_eq!(t.run(&["smove", "src", "text", "word"]), ":1\r\n");
        assert_eq!(
            t.run(&["object", "encoding", "text"]),
            "$9\r\nhashtable\r\n"
        );
        assert_eq!(t.run(&["exists", "src"]), ":0\r\n");
        t.run(&["sadd", "src", "word"]);
        assert_eq!(t.run(&["smove", "src", "ints", "word"]), ":1\r\n");
        assert_eq!(
            t.run(&["object", "encoding", "ints"]),
            "$9\r\nhashtable\r\n"
        );
        assert_eq!(sorted_bulks(&t.run(&["smembers", "ints"])), ["7", "word"]);
    }

    fn sscan_walk(t: &mut TestClient, key: &str, options: &[&str]) -> (Vec<String>, usize) {
        let (mut cursor, mut found, mut calls) = ("0".to_string(), Vec::new(), 0);
        loop {
            let mut args = vec!["sscan", key, cursor.as_str()];
            args.extend_from_slice(options);
            let reply = t.run(&args);
            let (head, rest) = reply.split_at(reply.find("\r\n*").expect("nested array") + 2);
            cursor = head.split("\r\n").nth(2).expect("cursor").to_string();
            found.extend(sorted_bulks(rest));
            calls += 1;
            if cursor == "0" {
                found.sort();
                return (found, calls);
            }
        }
    }

    #[test]
    fn sscan_walks_a_hashtable_in_count_sized_steps() {
        let mut t = client();
        let members: Vec<String> = (0..1000).map(|i| format!("m{i}")).collect();
        sadd_all(&mut t, "s", &members);
        let mut all = members.clone();
        all.sort();
        let (found, calls) = sscan_walk(&mut t, "s", &[]);
        assert_eq!((found, calls), (all.clone(), 100), "COUNT 10 by default");
        assert_eq!(sscan_walk(&mut t, "s", &["count", "7"]).0, all);
        assert_eq!(
            sscan_walk(&mut t, "s", &["COUNT", "5000"]),
            (all.clone(), 1)
        );
        let (matched, _) = sscan_walk(&mut t, "s", &["match", "m99*", "count", "3"]);
        assert_eq!(
            matched,
            [
                "m99", "m990", "m991", "m992", "m993", "m994", "m995", "m996", "m997", "m998",
                "m999"
            ]
        );
        // A cursor past the end is clamped (the set may have shrunk since it was handed out).
        let reply = t.run(&["sscan", "s", "123456789", "count", "2"]);
        assert!(reply.starts_with("*2\r\n$3\r\n998\r\n*2\r\n"), "{reply:?}");
        assert_eq!(
            t.run(&["sscan", "s", "1", "count", "5", "match", "nope"]),
            "*2\r\n$1\r\n0\r\n*0\r\n"
        );
    }

    #[test]
    fn sscan_returns_every_member_that_stays_despite_changes() {
        let mut t = client();
        let members: Vec<String> = (0..300).map(|i| format!("m{i}")).collect();
        sadd_all(&mut t, "s", &members);
        // Members 0..100 stay; 100..300 are removed while the walk goes on; others arrive.
        let (mut cursor, mut seen, mut round) = ("0".to_string(), BTreeSet::new(), 0);
        loop {
            let reply = t.run(&["sscan", "s", &cursor, "count", "9"]);
            let (head, rest) = reply.split_at(reply.find("\r\n*").expect("nested array") + 2);
            cursor = head.split("\r\n").nth(2).expect("cursor").to_string();
            seen.extend(sorted_bulks(rest));
            for k in 0..4 {
                let gone = 100 + (round * 4 + k) % 200;
                t.run(&["srem", "s", &format!("m{gone}")]);
                t.run(&["sadd", "s", &format!("new{round}-{k}")]);
            }
            round += 1;
            if cursor == "0" {
                break;
            }
        }
        for i in 0..100 {
            assert!(
                seen.contains(&format!("m{i}")),
                "m{i} was present throughout but missed"
            );
        }
    }
}
