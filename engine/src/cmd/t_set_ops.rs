//! Set algebra over several keys: SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF
//! and SDIFFSTORE (re-exported by `t_set`, where the single-key commands live).
//!
//! Behaviour follows Redis 7.0's `sinterGenericCommand` and `sunionDiffGenericCommand`: every
//! source key is looked up in order with a counted read lookup, and a key of the wrong type
//! fails the command even after a missing one; an intersection with a missing key is empty; a
//! STORE with an empty result deletes the destination (and replaces any type, dropping its TTL,
//! otherwise). Results are built with the same insertions, so their encodings match Redis's
//! (an all-integer result of up to 512 members is an intset).
//!
//! The keyspace hands out one `&mut Entry` at a time, so the source sets are moved out of their
//! entries for the computation (a `Box` move each, leaving a placeholder under the same key)
//! and moved back before anything is stored or the shard locks are released. Nothing else can
//! observe the placeholders: the command holds its keys' shard locks throughout.

use bytes::Bytes;
use indexmap::IndexMap;

use super::t_set::{WrongType, add_dirty};
use super::t_string::{db_and_out, option_name};
use super::{SYNTAX, WRONGTYPE};
use crate::engine::Engine;
use crate::keyspace::{Db, Value};
use crate::pubsub::class;
use crate::resp::Reply;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::types::set::{MemberRef, Set};

const NUMKEYS_NOT_POSITIVE: &str = "ERR numkeys should be greater than 0";
const NUMKEYS_TOO_MANY: &str = "ERR Number of keys can't be greater than number of args";
const LIMIT_NEGATIVE: &str = "ERR LIMIT can't be negative";

/// What stands in a source key's entry while its set is moved out.
const PLACEHOLDER: Value = Value::Int(0);

/// The source sets of one command, moved out of their entries (see the module doc).
struct Sources<'k> {
    /// Per distinct key: its set, or `None` when the key is missing.
    sets: IndexMap<&'k [u8], Option<Box<Set>>, ahash::RandomState>,
    /// Per argument: its key's index in `sets`, so a key named twice is one set.
    of_arg: Vec<usize>,
}

impl<'k> Sources<'k> {
    /// Looks every key up, in order, as Redis does. On a key of the wrong type everything taken
    /// so far goes back and the error is returned.
    fn take(db: &mut Db<'_, '_>, keys: &'k [Bytes]) -> Result<Sources<'k>, WrongType> {
        let mut sources = Sources {
            sets: IndexMap::with_hasher(db.value_hasher()),
            of_arg: Vec::with_capacity(keys.len()),
        };
        for key in keys {
            // Counted for every argument, repeated keys included, like each of Redis's lookups.
            let entry = db.lookup_read(key);
            if let Some(index) = sources.sets.get_index_of(&key[..]) {
                // Taken already: the entry holds the placeholder.
                sources.of_arg.push(index);
                continue;
            }
            let taken = match entry {
                None => Ok(None),
                Some(entry) => match std::mem::replace(&mut entry.value, PLACEHOLDER) {
                    Value::Set(set) => Ok(Some(set)),
                    other => {
                        entry.value = other;
                        Err(WrongType)
                    }
                },
            };
            match taken {
                Ok(set) => {
                    let (index, _) = sources.sets.insert_full(key, set);
                    sources.of_arg.push(index);
                }
                Err(WrongType) => {
                    sources.restore(db);
                    return Err(WrongType);
                }
            }
        }
        Ok(sources)
    }

    /// Puts every set back under its key.
    fn restore(self, db: &mut Db<'_, '_>) {
        for (key, set) in self.sets {
            if let Some(set) = set {
                let entry = db
                    .entry_mut(key)
                    .expect("a source key stays while its command holds the lock");
                debug_assert_eq!(entry.value, PLACEHOLDER);
                entry.value = Value::Set(set);
            }
        }
    }

    /// The set of argument `arg` with its identity (same key, same identity).
    fn arg(&self, arg: usize) -> (usize, Option<&Set>) {
        let index = self.of_arg[arg];
        (index, self.sets[index].as_deref())
    }

    fn args(&self) -> impl Iterator<Item = (usize, Option<&Set>)> {
        (0..self.of_arg.len()).map(|arg| self.arg(arg))
    }
}

/// Where a result goes.
#[derive(Clone, Copy)]
enum Target<'a> {
    /// Reply the members (a RESP3 set).
    Reply,
    /// Reply the size of the intersection, counting up to a limit (0: none).
    Card(u64),
    /// Store under this key, reply the size.
    Store(&'a [u8]),
}

/// Calls `f` with each member common to all `sets` (given with their identities), in the
/// iteration order of the smallest, until `f` returns false.
fn for_each_common<'s>(sets: &[(usize, &'s Set)], mut f: impl FnMut(MemberRef<'s>) -> bool) {
    // Smallest first, as Redis's qsort by cardinality; stable, so ties keep argument order.
    let mut sets = sets.to_vec();
    sets.sort_by_key(|(_, set)| set.len());
    let (first_id, first) = sets[0];
    for member in first.iter() {
        let common = sets[1..]
            .iter()
            .all(|&(id, set)| id == first_id || set.contains_member(member));
        if common && !f(member) {
            return;
        }
    }
}

/// SINTER, SINTERCARD and SINTERSTORE over the keys `keys`.
fn intersect(ctx: &mut Ctx<'_, '_>, keys: &[Bytes], target: Target<'_>) {
    let engine = ctx.engine;
    let (mut db, out) = db_and_out(ctx);
    let Ok(sources) = Sources::take(&mut db, keys) else {
        out.error(WRONGTYPE);
        return;
    };
    let present: Option<Vec<(usize, &Set)>> = sources
        .args()
        .map(|(id, set)| set.map(|set| (id, set)))
        .collect();
    match target {
        Target::Reply => {
            let mut common = Vec::new();
            if let Some(sets) = &present {
                for_each_common(sets, |member| {
                    common.push(member);
                    true
                });
            }
            out.set(common.len());
            for member in common {
                member.reply(out);
            }
            sources.restore(&mut db);
        }
        Target::Card(limit) => {
            let mut count = 0u64;
            if let Some(sets) = &present {
                for_each_common(sets, |_| {
                    count += 1;
                    limit == 0 || count < limit
                });
            }
            sources.restore(&mut db);
            out.int(count as i64);
        }
        Target::Store(dst) => {
            let hasher = db.value_hasher();
            let mut result = Set::new();
            if let Some(sets) = &present {
                for_each_common(sets, |member| {
                    result.insert_member(member, &hasher);
                    true
                });
            }
            // Redis returns early on a missing source, deleting the destination before it
            // replies; otherwise it replies first.
            let delete_first = present.is_none();
            drop(present);
            sources.restore(&mut db);
            store(
                &mut db,
                engine,
                out,
                dst,
                result,
                "sinterstore",
                delete_first,
            );
        }
    }
}

/// Stores `result` at `dst` (replacing any value and TTL), or deletes `dst` when it is empty,
/// and replies the size, as Redis's STORE commands do, with their keyspace events: `event`
/// after the reply, or a `del` before (`delete_first`) or after it.
fn store(
    db: &mut Db<'_, '_>,
    engine: &Engine,
    out: &mut Reply,
    dst: &[u8],
    result: Set,
    event: &str,
    delete_first: bool,
) {
    let len = result.len();
    if len == 0 {
        if !delete_first {
            out.int(0);
        }
        if db.remove(dst).is_some() {
            db.notify(class::GENERIC, "del", dst);
            add_dirty(engine, 1);
        }
        if delete_first {
            out.int(0);
        }
    } else {
        db.set(dst, Value::Set(Box::new(result)), 0);
        add_dirty(engine, 1);
        out.int(len as i64);
        db.notify(class::SET, event, dst);
    }
}

/// SUNION or SDIFF (by `diff`) over `keys`, replied or stored.
fn union_or_diff(ctx: &mut Ctx<'_, '_>, keys: &[Bytes], dst: Option<&[u8]>, diff: bool) {
    let engine = ctx.engine;
    let (mut db, out) = db_and_out(ctx);
    let Ok(sources) = Sources::take(&mut db, keys) else {
        out.error(WRONGTYPE);
        return;
    };
    let hasher = db.value_hasher();
    let mut result = Set::new();
    if diff {
        difference(&sources, &mut result, &hasher);
    } else {
        for (_, set) in sources.args() {
            for member in set.iter().flat_map(|s| s.iter()) {
                result.insert_member(member, &hasher);
            }
        }
    }
    sources.restore(&mut db);
    match dst {
        Some(dst) => {
            let event = if diff { "sdiffstore" } else { "sunionstore" };
            store(&mut db, engine, out, dst, result, event, false);
        }
        None => {
            out.set(result.len());
            for member in result.iter() {
                member.reply(out);
            }
        }
    }
}

/// Fills `result` with the members of the first set that are in none of the others, choosing
/// between Redis's two algorithms by the same estimate: walk the first set probing the others
/// (`first × sets` work, halved because it stops at the first hit), or copy the first set and
/// remove every other set's members (`total` work).
fn difference(sources: &Sources<'_>, result: &mut Set, hasher: &ahash::RandomState) {
    let (first_id, Some(first)) = sources.arg(0) else {
        return;
    };
    let present: Vec<(usize, &Set)> = sources
        .args()
        .filter_map(|(id, set)| set.map(|set| (id, set)))
        .collect();
    let probe_work = (first.len() as u64 * present.len() as u64) / 2;
    let remove_work: u64 = present.iter().map(|(_, set)| set.len() as u64).sum();
    let others = &present[1..];
    if probe_work <= remove_work {
        for member in first.iter() {
            // The first key named again subtracts everything.
            let elsewhere = others
                .iter()
                .any(|&(id, set)| id == first_id || set.contains_member(member));
            if !elsewhere {
                result.insert_member(member, hasher);
            }
        }
    } else {
        for member in first.iter() {
            result.insert_member(member, hasher);
        }
        for (_, set) in others {
            for member in set.iter() {
                result.remove_member(member);
            }
            if result.is_empty() {
                break;
            }
        }
    }
}

/// `SINTER key [key ...]`: the members common to every set (a RESP3 set).
pub fn sinter(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    intersect(ctx, &args[1..], Target::Reply);
}

/// `SINTERSTORE destination key [key ...]`: stores the intersection, replies its size.
pub fn sinterstore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    intersect(ctx, &args[2..], Target::Store(&args[1]));
}

/// `SINTERCARD numkeys key [key ...] [LIMIT limit]`: the size of the intersection, counting
/// stopped at `limit` (0: no limit).
///
/// Its keys are not at fixed positions, so the dispatcher locked nothing: the handler locks.
pub fn sintercard(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let numkeys = match parse_i64(&args[1]) {
        Some(n) if n >= 1 => n as u64,
        _ => {
            ctx.out.error(NUMKEYS_NOT_POSITIVE);
            return;
        }
    };
    if numkeys > (args.len() - 2) as u64 {
        ctx.out.error(NUMKEYS_TOO_MANY);
        return;
    }
    let keys_end = 2 + numkeys as usize;
    let mut limit = 0;
    let mut i = keys_end;
    while i < args.len() {
        if option_name(&args[i]).eq_ignore_ascii_case(b"limit") && i + 1 < args.len() {
            match parse_i64(&args[i + 1]) {
                Some(n) if n >= 0 => limit = n as u64,
                _ => {
                    ctx.out.error(LIMIT_NEGATIVE);
                    return;
                }
            }
            i += 2;
        } else {
            ctx.out.error(SYNTAX);
            return;
        }
    }
    ctx.lock_all();
    intersect(ctx, &args[2..keys_end], Target::Card(limit));
}

/// `SUNION key [key ...]`: the members of any of the sets (a RESP3 set).
pub fn sunion(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    union_or_diff(ctx, &args[1..], None, false);
}

/// `SUNIONSTORE destination key [key ...]`: stores the union, replies its size.
pub fn sunionstore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    union_or_diff(ctx, &args[2..], Some(&args[1]), false);
}

/// `SDIFF key [key ...]`: the members of the first set in none of the others (a RESP3 set).
pub fn sdiff(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    union_or_diff(ctx, &args[1..], None, true);
}

/// `SDIFFSTORE destination key [key ...]`: stores the difference, replies its size.
pub fn sdiffstore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    union_or_diff(ctx, &args[2..], Some(&args[1]), true);
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use crate::cmd::keys::tests::{dirty, hits_misses};
    use crate::cmd::t_set::tests::{replay, sorted_bulks};
    use crate::resp::parse::parse_i64;
    use crate::testing::client;
    use crate::util::{SPLITMIX_GAMMA, splitmix64_mix};

    #[test]
    #[rustfmt::skip]
    fn intersections_unions_differences_match_redis() {
        replay(false, &[
        (&["sadd", "a", "1", "2", "3", "4"][..], ":4\r\n"),
        (&["sadd", "b", "3", "4", "5"][..], ":3\r\n"),
        (&["sadd", "c", "4", "5", "6"][..], ":3\r\n"),
        (&["sinter", "a", "b"][..], "*2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        (&["sinter", "a", "b", "c"][..], "*1\r\n$1\r\n4\r\n"),
        (&["sinter", "a"][..], "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        (&["sinter", "a", "nokey"][..], "*0\r\n"),
        (&["sinter", "nokey", "a"][..], "*0\r\n"),
        (&["sinter", "a", "a"][..], "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        (&["sunion", "a", "b", "c"][..], "*6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n"),
        (&["sunion", "a", "nokey"][..], "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        (&["sunion", "nokey"][..], "*0\r\n"),
        (&["sdiff", "a", "b"][..], "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
        (&["sdiff", "a", "b", "c"][..], "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
        (&["sdiff", "a", "a"][..], "*0\r\n"),
        (&["sdiff", "nokey", "a"][..], "*0\r\n"),
        (&["sdiff", "a", "nokey"][..], "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        (&["sdiff", "b", "a", "c"][..], "*0\r\n"),
        (&["sinter"][..], "-ERR wrong number of arguments for 'sinter' command\r\n"),
        (&["sunion"][..], "-ERR wrong number of arguments for 'sunion' command\r\n"),
        (&["sdiff"][..], "-ERR wrong number of arguments for 'sdiff' command\r\n"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn stores_match_redis() {
        replay(false, &[
        (&["sadd", "a", "1", "2", "3", "4"][..], ":4\r\n"),
        (&["sadd", "b", "3", "4", "5"][..], ":3\r\n"),
        (&["sadd", "h", "x", "y", "3"][..], ":3\r\n"),
        (&["sinterstore", "d", "a", "b"][..], ":2\r\n"),
        (&["smembers", "d"][..], "*2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        (&["object", "encoding", "d"][..], "$6\r\nintset\r\n"),
        (&["sinterstore", "d", "a", "h"][..], ":1\r\n"),
        (&["smembers", "d"][..], "*1\r\n$1\r\n3\r\n"),
        (&["object", "encoding", "d"][..], "$6\r\nintset\r\n"),
        (&["sunionstore", "d", "a", "h"][..], ":6\r\n"),
        (&["scard", "d"][..], ":6\r\n"),
        (&["object", "encoding", "d"][..], "$9\r\nhashtable\r\n"),
        (&["sdiffstore", "d", "a", "b"][..], ":2\r\n"),
        (&["smembers", "d"][..], "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
        (&["sdiffstore", "d", "h", "a"][..], ":2\r\n"),
        (&["sismember", "d", "x"][..], ":1\r\n"),
        (&["sismember", "d", "y"][..], ":1\r\n"),
        (&["object", "encoding", "d"][..], "$9\r\nhashtable\r\n"),
        (&["sinterstore", "d", "a", "nokey"][..], ":0\r\n"),
        (&["exists", "d"][..], ":0\r\n"),
        (&["sinterstore", "d", "a", "nokey"][..], ":0\r\n"),
        (&["sunionstore", "d", "nokey"][..], ":0\r\n"),
        (&["sdiffstore", "d", "a", "a"][..], ":0\r\n"),
        (&["set", "d", "v"][..], "+OK\r\n"),
        (&["expire", "d", "100"][..], ":1\r\n"),
        (&["sunionstore", "d", "a"][..], ":4\r\n"),
        (&["ttl", "d"][..], ":-1\r\n"),
        (&["type", "d"][..], "+set\r\n"),
        (&["expire", "d", "100"][..], ":1\r\n"),
        (&["sinterstore", "d", "d", "b"][..], ":2\r\n"),
        (&["smembers", "d"][..], "*2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        (&["ttl", "d"][..], ":-1\r\n"),
        (&["sdiffstore", "a", "a", "b"][..], ":2\r\n"),
        (&["smembers", "a"][..], "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
        (&["sunionstore", "a"][..], "-ERR wrong number of arguments for 'sunionstore' command\r\n"),
        (&["sinterstore", "d"][..], "-ERR wrong number of arguments for 'sinterstore' command\r\n"),
        (&["sdiffstore", "d"][..], "-ERR wrong number of arguments for 'sdiffstore' command\r\n"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn sintercard_matches_redis() {
        replay(false, &[
        (&["sadd", "a", "1", "2", "3", "4"][..], ":4\r\n"),
        (&["sadd", "b", "2", "3", "4", "5"][..], ":4\r\n"),
        (&["sintercard", "2", "a", "b"][..], ":3\r\n"),
        (&["sintercard", "2", "a", "b", "limit", "2"][..], ":2\r\n"),
        (&["sintercard", "2", "a", "b", "LIMIT", "0"][..], ":3\r\n"),
        (&["sintercard", "2", "a", "b", "limit", "100"][..], ":3\r\n"),
        (&["sintercard", "1", "a"][..], ":4\r\n"),
        (&["sintercard", "2", "a", "nokey"][..], ":0\r\n"),
        (&["sintercard", "3", "a", "b", "a"][..], ":3\r\n"),
        (&["sintercard", "0", "a"][..], "-ERR numkeys should be greater than 0\r\n"),
        (&["sintercard", "-1", "a"][..], "-ERR numkeys should be greater than 0\r\n"),
        (&["sintercard", "x", "a"][..], "-ERR numkeys should be greater than 0\r\n"),
        (&["sintercard", "3", "a", "b"][..], "-ERR Number of keys can't be greater than number of args\r\n"),
        (&["sintercard", "9223372036854775807", "a"][..], "-ERR Number of keys can't be greater than number of args\r\n"),
        (&["sintercard", "9223372036854775808", "a"][..], "-ERR numkeys should be greater than 0\r\n"),
        (&["sintercard", "1", "a", "limit"][..], "-ERR syntax error\r\n"),
        (&["sintercard", "1", "a", "limit", "x"][..], "-ERR LIMIT can't be negative\r\n"),
        (&["sintercard", "1", "a", "limit", "-1"][..], "-ERR LIMIT can't be negative\r\n"),
        (&["sintercard", "1", "a", "foo", "1"][..], "-ERR syntax error\r\n"),
        (&["sintercard", "1", "a", "limit", "1", "limit", "3"][..], ":3\r\n"),
        (&["sintercard", "1", "a", "limit", "1", "extra"][..], "-ERR syntax error\r\n"),
        (&["sintercard", "1"][..], "-ERR wrong number of arguments for 'sintercard' command\r\n"),
        (&["sintercard", "2", "a", "b", "limit", "9223372036854775807"][..], ":3\r\n"),
        ]);
    }

    #[test]
    fn lookups_count_like_redis_and_stop_at_a_wrong_type() {
        // Measured on redis-server 7.0.15 (hits, misses).
        let mut t = client();
        t.run(&["sadd", "a", "1", "2", "3"]);
        t.run(&["sadd", "b", "2", "3", "4"]);
        t.run(&["set", "str", "x"]);
        let steps: &[(&[&str], (u64, u64))] = &[
            (&["sinter", "a", "b", "nokey"], (2, 1)),
            (&["sinter", "a", "str", "nokey"], (2, 0)),
            (&["sinter", "nokey", "str", "a"], (1, 1)),
            (&["sinterstore", "d", "a", "b"], (2, 0)),
            (&["sunionstore", "d", "a", "b", "nokey"], (2, 1)),
            (&["sdiff", "a", "a", "a"], (3, 0)),
            (&["sintercard", "2", "a", "b"], (2, 0)),
        ];
        for (args, (hits, misses)) in steps {
            let (h, m) = hits_misses(&t);
            t.run(args);
            let (h2, m2) = hits_misses(&t);
            assert_eq!((h2 - h, m2 - m), (*hits, *misses), "{args:?}");
        }
    }

    #[test]
    fn stores_count_one_change_and_deleting_counts_only_if_there_was_a_key() {
        // Measured on redis-server 7.0.15.
        let mut t = client();
        t.run(&["sadd", "s2", "b", "c", "d", "1"]);
        t.run(&["sadd", "new", "c"]);
        let steps: &[(&[&str], u64)] = &[
            (&["sinterstore", "d", "s2", "new"], 1),
            (&["sinterstore", "d", "s2", "s2"], 1),
            (&["sinterstore", "d", "s2", "nokey"], 1),
            (&["sinterstore", "d", "s2", "nokey"], 0),
            (&["sunionstore", "d", "s2"], 1),
            (&["sunionstore", "d", "nokey"], 1),
            (&["sunionstore", "d", "nokey"], 0),
            (&["sdiffstore", "d", "s2"], 1),
            (&["sdiffstore", "d", "s2", "s2"], 1),
            (&["sdiffstore", "d", "s2", "s2"], 0),
            (&["sinter", "s2", "new"], 0),
            (&["sintercard", "1", "s2"], 0),
        ];
        for (args, expected) in steps {
            let before = dirty(&t);
            t.run(args);
            assert_eq!(dirty(&t) - before, *expected, "{args:?}");
        }
    }

    #[test]
    fn a_wrong_type_leaves_every_source_intact() {
        let mut t = client();
        t.run(&["sadd", "a", "1", "2", "x"]);
        t.run(&["sadd", "b", "1", "2"]);
        t.run(&["set", "str", "v"]);
        t.run(&["expire", "a", "100"]);
        for command in ["sinter", "sunion", "sdiff"] {
            let reply = t.run(&[command, "a", "b", "a", "str", "b"]);
            assert!(reply.starts_with("-WRONGTYPE"), "{reply:?}");
        }
        assert!(
            t.run(&["sinterstore", "a", "b", "str"])
                .starts_with("-WRONGTYPE")
        );
        assert!(
            t.run(&["sintercard", "3", "a", "b", "str"])
                .starts_with("-WRONGTYPE")
        );
        assert_eq!(sorted_bulks(&t.run(&["smembers", "a"])), ["1", "2", "x"]);
        assert_eq!(t.run(&["smembers", "b"]), "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
        assert_eq!(t.run(&["ttl", "a"]), ":100\r\n");
        assert_eq!(t.run(&["get", "str"]), "$1\r\nv\r\n");
    }

    #[test]
    fn sintercard_limit_stops_counting() {
        let mut t = client();
        let members: Vec<String> = (0..1000).map(|i| format!("m{i}")).collect();
        let mut args = vec!["sadd", "a"];
        args.extend(members.iter().map(String::as_str));
        t.run(&args);
        args[1] = "b";
        t.run(&args[..501]);
        assert_eq!(t.run(&["sintercard", "2", "a", "b"]), ":499\r\n");
        assert_eq!(
            t.run(&["sintercard", "2", "b", "a", "limit", "10"]),
            ":10\r\n"
        );
        assert_eq!(
            t.run(&["sintercard", "2", "a", "b", "limit", "499"]),
            ":499\r\n"
        );
        assert_eq!(
            t.run(&["sintercard", "2", "a", "b", "limit", "500"]),
            ":499\r\n"
        );
    }

    /// Random sets (integers and text, small and past the intset limit) against a model: every
    /// operation over random key lists (repeats and missing keys included), replies and stores.
    #[test]
    fn algebra_matches_a_model() {
        type Model = BTreeMap<String, BTreeSet<String>>;
        let mut state = 0x5e7_u64;
        let mut next = move |n: u64| {
            state = state.wrapping_add(SPLITMIX_GAMMA);
            splitmix64_mix(state) % n
        };
        let mut t = client();
        let mut model: Model = BTreeMap::new();
        let keys = ["k0", "k1", "k2", "k3", "missing"];
        for round in 0..300 {
            // Grow or create a set.
            let key = keys[next(4) as usize];
            let size = if next(10) == 0 { 600 } else { 1 + next(30) };
            let text = next(3) == 0;
            let mut args = vec!["sadd".to_string(), key.to_string()];
            for _ in 0..size {
                let n = next(if size > 100 { 2000 } else { 40 });
                args.push(if text && next(2) == 0 {
                    format!("t{n}")
                } else {
                    n.to_string()
                });
            }
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            t.run(&argv);
            model
                .entry(key.to_string())
                .or_default()
                .extend(args[2..].iter().cloned());

            let picked: Vec<&str> = (0..1 + next(4)).map(|_| keys[next(5) as usize]).collect();
            let sets: Vec<BTreeSet<String>> = picked
                .iter()
                .map(|k| model.get(*k).cloned().unwrap_or_default())
                .collect();
            let inter = sets[1..].iter().fold(sets[0].clone(), |acc, s| &acc & s);
            let union = sets.iter().fold(BTreeSet::new(), |acc, s| &acc | s);
            let diff = sets[1..].iter().fold(sets[0].clone(), |acc, s| &acc - s);
            let sorted = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>();
            let run = |t: &mut crate::testing::TestClient, command: &str| {
                let mut argv = vec![command];
                argv.extend(picked.iter().copied());
                t.run(&argv)
            };
            assert_eq!(
                sorted_bulks(&run(&mut t, "sinter")),
                sorted(&inter),
                "{round} {picked:?}"
            );
            assert_eq!(
                sorted_bulks(&run(&mut t, "sunion")),
                sorted(&union),
                "{round} {picked:?}"
            );
            assert_eq!(
                sorted_bulks(&run(&mut t, "sdiff")),
                sorted(&diff),
                "{round} {picked:?}"
            );
            let limit = next(5);
            let mut card = vec!["sintercard".to_string(), picked.len().to_string()];
            card.extend(picked.iter().map(|k| k.to_string()));
            card.extend(["limit".to_string(), limit.to_string()]);
            let card: Vec<&str> = card.iter().map(String::as_str).collect();
            let expected = if limit == 0 {
                inter.len()
            } else {
                inter.len().min(limit as usize)
            };
            assert_eq!(t.run(&card), format!(":{expected}\r\n"));

            // Store one of them, sometimes over a source.
            let dst = keys[next(5) as usize];
            let (command, result) = match next(3) {
                0 => ("sinterstore", inter),
                1 => ("sunionstore", union),
                _ => ("sdiffstore", diff),
            };
            let mut argv = vec![command, dst];
            argv.extend(picked.iter().copied());
            assert_eq!(t.run(&argv), format!(":{}\r\n", result.len()));
            if result.is_empty() {
                assert_eq!(t.run(&["exists", dst]), ":0\r\n");
                model.remove(dst);
            } else {
                assert_eq!(sorted_bulks(&t.run(&["smembers", dst])), sorted(&result));
                let intset =
                    result.len() <= 512 && result.iter().all(|m| parse_i64(m.as_bytes()).is_some());
                let encoding = if intset {
                    "$6\r\nintset\r\n"
                } else {
                    "$9\r\nhashtable\r\n"
                };
                assert_eq!(t.run(&["object", "encoding", dst]), encoding);
                model.insert(dst.to_string(), result);
            }
            if next(20) == 0 {
                t.run(&["del", "missing"]);
                model.remove("missing");
            }
        }
    }
}
