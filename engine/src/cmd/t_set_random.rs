//! The set commands that draw members at random: SRANDMEMBER and SPOP (re-exported by
//! `t_set`). Draws come from the engine's seeded generator, never the OS, so a seeded simulation
//! replays them; every member is equally likely at each draw.
//!
//! Behaviour follows Redis 7.0's `t_set.c`, including what can be observed of its strategies:
//! a positive count gives distinct members, a negative one independent draws (so repeats); a
//! count at least the set's size gives the whole set in iteration order; SPOP that leaves fewer
//! than a fifth of the members rebuilds the survivors into a new set, which may turn a hashtable
//! back into an intset. Which members are drawn, and in what order, is not Redis's (its
//! generator and table layout differ) and cannot be: only counts and uniqueness are observable.
//!
//! No allocation is sized by a requested count before it is known to be met by members that
//! exist: a huge negative SRANDMEMBER count is streamed member by member (the reply itself is
//! as long as asked, as with Redis).

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

use bytes::Bytes;

use super::t_set::{WrongType, add_dirty, read_set, set_mut};
use super::t_string::db_and_out;
use super::{NOT_INTEGER, SYNTAX, WRONGTYPE};
use crate::engine::Engine;
use crate::keyspace::{Db, Entry, Value};
use crate::pubsub::class;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::types::set::{MemberRef, Set};
use crate::types::set_table::Member;

/// Redis's reply when SPOP's count is negative or not a number.
const NOT_POSITIVE: &str = "ERR value is out of range, must be positive";
/// Redis's reply for SRANDMEMBER's count of `LONG_MIN`, whose magnitude has no `long`.
const COUNT_RANGE: &str =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
/// SRANDMEMBER draws distinct members by shuffling positions when the count is at least a
/// third of the set, by sampling with rejection below (Redis's `SRANDMEMBER_SUB_STRATEGY_MUL`).
const DISTINCT_SHUFFLE_MUL: u64 = 3;
/// SPOP with a count draws the survivors into a new set instead of the popped members when
/// fewer than a fifth would survive (Redis's `SPOP_MOVE_STRATEGY_MUL`).
const SPOP_MOVE_MUL: u64 = 5;

/// `SRANDMEMBER key [count]`: one random member (null when missing); with a count, an array of
/// `count` distinct members (all of them if fewer), or with a negative count `|count|` members
/// drawn independently, so possibly repeated.
pub fn srandmember(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if args.len() > 3 {
        ctx.out.error(SYNTAX);
        return;
    }
    if args.len() == 3 {
        srandmember_count(ctx, args);
        return;
    }
    let engine = ctx.engine;
    let (mut db, out) = db_and_out(ctx);
    match read_set(&mut db, out, &args[1]) {
        Ok(Some(set)) => set.get(engine.random_below(set.len())).reply(out),
        Ok(None) => out.null(),
        Err(WrongType) => {}
    }
}

fn srandmember_count(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(requested) = parse_i64(&args[2]) else {
        ctx.out.error(NOT_INTEGER);
        return;
    };
    if requested == i64::MIN {
        ctx.out.error(COUNT_RANGE);
        return;
    }
    let (count, distinct) = (requested.unsigned_abs(), requested >= 0);
    let engine = ctx.engine;
    let (mut db, out) = db_and_out(ctx);
    let set = match read_set(&mut db, out, &args[1]) {
        Ok(Some(set)) => set,
        Ok(None) => {
            out.array(0);
            return;
        }
        Err(WrongType) => return,
    };
    let size = set.len() as u64;
    if count == 0 {
        out.array(0);
    } else if !distinct || count == 1 {
        // Streamed: nothing is allocated per requested member, whatever the count. The reply
        // itself is as long as asked, as with Redis.
        out.array(count as usize);
        for _ in 0..count {
            set.get(engine.random_below(set.len())).reply(out);
        }
    } else if count >= size {
        out.array(set.len());
        for member in set.iter() {
            member.reply(out);
        }
    } else {
        let positions = distinct_positions(engine, set.len(), count as usize);
        out.array(positions.len());
        for pos in positions {
            set.get(pos).reply(out);
        }
    }
}

/// `count` distinct positions below `len` (`count < len`), in random order. Allocates only in
/// proportion to `count`, or to `len` when that is less than three times `count`.
fn distinct_positions(engine: &Engine, len: usize, count: usize) -> Vec<usize> {
    debug_assert!(count < len);
    if count as u64 * DISTINCT_SHUFFLE_MUL > len as u64 {
        // A partial Fisher-Yates shuffle: the first `count` positions end up a uniform sample.
        let mut positions: Vec<usize> = (0..len).collect();
        for i in 0..count {
            let j = i + engine.random_below(len - i);
            positions.swap(i, j);
        }
        positions.truncate(count);
        positions
    } else {
        // At most a third of the positions are taken, so a draw is new with probability > 2/3.
        let mut taken = BTreeSet::new();
        let mut positions = Vec::with_capacity(count);
        while positions.len() < count {
            let pos = engine.random_below(len);
            if taken.insert(pos) {
                positions.push(pos);
            }
        }
        positions
    }
}

/// What [`pop`] removed.
#[derive(Debug)]
pub(crate) enum Popped {
    /// The whole set: its key is gone.
    Everything(Box<Set>),
    /// These members, in the order drawn.
    Drawn(Vec<Member>),
    /// The old set minus the survivors, which were drawn into a new set now at the key.
    Remainder(Box<Set>),
}

impl Popped {
    pub(crate) fn len(&self) -> usize {
        match self {
            Popped::Everything(set) | Popped::Remainder(set) => set.len(),
            Popped::Drawn(members) => members.len(),
        }
    }

    /// Calls `f` with each popped member.
    pub(crate) fn for_each(&self, mut f: impl FnMut(MemberRef<'_>)) {
        match self {
            Popped::Everything(set) | Popped::Remainder(set) => set.iter().for_each(f),
            Popped::Drawn(members) => {
                for member in members {
                    f(MemberRef::Bytes(member.as_bytes()));
                }
            }
        }
    }
}

/// Removes `count` (> 0) random members from the set at `key`, or all of them if it has no
/// more; deletes the key when it empties. `Ok(None)` when the key is missing.
///
/// Like Redis, when fewer than a fifth of the members would survive it draws the survivors
/// into a new set instead, which is then stored with the key's TTL; built from scratch, that
/// set may be an intset again (OBJECT ENCODING shows it, as with Redis).
pub(crate) fn pop(
    db: &mut Db<'_, '_>,
    engine: &Engine,
    key: &[u8],
    count: u64,
) -> Result<Option<Popped>, WrongType> {
    assert!(count > 0, "pop of nothing");
    let hasher = db.value_hasher();
    let Some(entry) = db.lookup_write(key) else {
        return Ok(None);
    };
    let set = set_mut(entry)?;
    let size = set.len() as u64;
    if count >= size {
        let Some(Entry {
            value: Value::Set(set),
            ..
        }) = db.remove(key)
        else {
            unreachable!("the key holds a set: looked up just above");
        };
        return Ok(Some(Popped::Everything(set)));
    }
    let remaining = size - count;
    if remaining * SPOP_MOVE_MUL > count {
        let mut drawn = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let pos = engine.random_below(set.len());
            drawn.push(set.get(pos).with_bytes(Member::new));
            set.remove_at(pos);
        }
        return Ok(Some(Popped::Drawn(drawn)));
    }
    let mut survivors = Set::new();
    for _ in 0..remaining {
        let pos = engine.random_below(set.len());
        survivors.insert_member(set.get(pos), &hasher);
        set.remove_at(pos);
    }
    let rest = std::mem::replace(set, survivors);
    Ok(Some(Popped::Remainder(Box::new(rest))))
}

/// `SPOP key [count]`: removes and replies a random member (null when missing); with a count,
/// up to `count` distinct members as a RESP3 set.
pub fn spop(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if args.len() > 3 {
        ctx.out.error(SYNTAX);
        return;
    }
    let with_count = args.len() == 3;
    let count = if with_count {
        match parse_i64(&args[2]) {
            Some(n) if n >= 0 => n as u64,
            _ => {
                ctx.out.error(NOT_POSITIVE);
                return;
            }
        }
    } else {
        1
    };
    let engine = ctx.engine;
    let (mut db, out) = db_and_out(ctx);
    if count == 0 {
        // Redis checks the key (and its type) before it looks at a zero count.
        match db.lookup_write(&args[1]).map(set_mut) {
            Some(Err(WrongType)) => out.error(WRONGTYPE),
            _ => out.set(0),
        }
        return;
    }
    let popped = match pop(&mut db, engine, &args[1], count) {
        Ok(Some(popped)) => popped,
        Ok(None) if with_count => return out.set(0),
        Ok(None) => return out.null(),
        Err(WrongType) => return out.error(WRONGTYPE),
    };
    add_dirty(engine, popped.len() as u64);
    // Re-executing SPOP would draw other members: the log gets what was actually removed.
    let mut effect = vec![Bytes::from_static(b"SREM"), args[1].clone()];
    popped.for_each(|member| effect.push(Bytes::from(member.to_vec())));
    // Redis publishes `spop` before its reply and the emptied key's `del` after it.
    let key = &args[1];
    db.notify(class::SET, "spop", key);
    let deleted = matches!(popped, Popped::Everything(_));
    if !with_count {
        popped.for_each(|member| member.reply(out));
        if deleted {
            db.notify(class::GENERIC, "del", key);
        }
        ctx.propagate(effect);
        return;
    }
    if matches!(popped, Popped::Everything(_)) {
        // Redis replies this case through SUNION's code, whose read lookup counts a hit.
        engine
            .keyspace
            .stats
            .keyspace_hits
            .fetch_add(1, Ordering::Relaxed);
    }
    out.set(popped.len());
    popped.for_each(|member| member.reply(out));
    if deleted {
        db.notify(class::GENERIC, "del", key);
    }
    ctx.propagate(effect);
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::cmd::keys::tests::{dirty, hits_misses};
    use crate::cmd::t_set::tests::{numbers, replay, sorted_bulks};
    use crate::testing::{TestClient, client};

    /// The bulk strings of an array or set reply, in reply order.
    fn bulks(reply: &str) -> Vec<String> {
        let mut lines = reply.split("\r\n");
        let header = lines.next().expect("header");
        let count: usize = header[1..].parse().expect("length");
        let out: Vec<String> = lines
            .skip(1)
            .step_by(2)
            .take(count)
            .map(str::to_string)
            .collect();
        assert_eq!(out.len(), count, "{reply:?}");
        out
    }

    fn sadd_numbers(t: &mut TestClient, key: &str, n: usize) {
        let members = numbers(n);
        let mut args = vec!["sadd", key];
        args.extend(members.iter().map(String::as_str));
        t.run(&args);
    }

    fn sadd_words(t: &mut TestClient, key: &str, n: usize) -> Vec<String> {
        let mut members: Vec<String> = (0..n).map(|i| format!("w{i}")).collect();
        let mut args = vec!["sadd", key];
        args.extend(members.iter().map(String::as_str));
        t.run(&args);
        members.sort();
        members
    }

    #[test]
    #[rustfmt::skip]
    fn srandmember_fixed_cases_match_redis() {
        replay(false, &[
        (&["sadd", "s", "3", "1", "2"][..], ":3\r\n"),
        (&["srandmember", "s", "0"][..], "*0\r\n"),
        (&["srandmember", "s", "3"][..], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["srandmember", "s", "100"][..], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["srandmember", "s", "9223372036854775807"][..], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["srandmember", "s", "9223372036854775808"][..], "-ERR value is not an integer or out of range\r\n"),
        (&["srandmember", "s", "-9223372036854775808"][..], "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"),
        (&["srandmember", "s", "x"][..], "-ERR value is not an integer or out of range\r\n"),
        (&["srandmember", "s", "1.5"][..], "-ERR value is not an integer or out of range\r\n"),
        (&["srandmember", "s", "1", "2"][..], "-ERR syntax error\r\n"),
        (&["srandmember", "nokey"][..], "$-1\r\n"),
        (&["srandmember", "nokey", "5"][..], "*0\r\n"),
        (&["srandmember", "nokey", "-5"][..], "*0\r\n"),
        (&["srandmember", "nokey", "0"][..], "*0\r\n"),
        (&["srandmember", "nokey", "x"][..], "-ERR value is not an integer or out of range\r\n"),
        (&["sadd", "one", "only"][..], ":1\r\n"),
        (&["srandmember", "one"][..], "$4\r\nonly\r\n"),
        (&["srandmember", "one", "-3"][..], "*3\r\n$4\r\nonly\r\n$4\r\nonly\r\n$4\r\nonly\r\n"),
        (&["srandmember", "one", "1"][..], "*1\r\n$4\r\nonly\r\n"),
        (&["srandmember", "one", "-1"][..], "*1\r\n$4\r\nonly\r\n"),
        (&["srandmember", "one", "5"][..], "*1\r\n$4\r\nonly\r\n"),
        (&["srandmember"][..], "-ERR wrong number of arguments for 'srandmember' command\r\n"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn spop_fixed_cases_match_redis() {
        replay(false, &[
        (&["sadd", "s", "3", "1", "2"][..], ":3\r\n"),
        (&["spop", "s", "x"][..], "-ERR value is out of range, must be positive\r\n"),
        (&["spop", "s", "-1"][..], "-ERR value is out of range, must be positive\r\n"),
        (&["spop", "s", "1.5"][..], "-ERR value is out of range, must be positive\r\n"),
        (&["spop", "s", "1", "2"][..], "-ERR syntax error\r\n"),
        (&["spop", "nokey"][..], "$-1\r\n"),
        (&["spop", "nokey", "0"][..], "*0\r\n"),
        (&["spop", "nokey", "3"][..], "*0\r\n"),
        (&["spop", "nokey", "x"][..], "-ERR value is out of range, must be positive\r\n"),
        (&["spop", "s", "0"][..], "*0\r\n"),
        (&["spop", "s", "3"][..], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        (&["exists", "s"][..], ":0\r\n"),
        (&["sadd", "s", "5", "4"][..], ":2\r\n"),
        (&["spop", "s", "100"][..], "*2\r\n$1\r\n4\r\n$1\r\n5\r\n"),
        (&["exists", "s"][..], ":0\r\n"),
        (&["sadd", "one", "x"][..], ":1\r\n"),
        (&["spop", "one"][..], "$1\r\nx\r\n"),
        (&["exists", "one"][..], ":0\r\n"),
        (&["sadd", "one", "x"][..], ":1\r\n"),
        (&["spop", "one", "1"][..], "*1\r\n$1\r\nx\r\n"),
        (&["exists", "one"][..], ":0\r\n"),
        (&["spop"][..], "-ERR wrong number of arguments for 'spop' command\r\n"),
        ]);
    }

    #[test]
    fn srandmember_positive_counts_are_distinct_members() {
        let mut t = client();
        let words = sadd_words(&mut t, "h", 100);
        sadd_numbers(&mut t, "i", 50);
        // Both strategies: shuffling (count > len / 3) and rejection sampling (below).
        for count in [1usize, 2, 10, 33, 34, 60, 99, 100, 150] {
            let picked = bulks(&t.run(&["srandmember", "h", &count.to_string()]));
            assert_eq!(picked.len(), count.min(100));
            let distinct: BTreeSet<&String> = picked.iter().collect();
            assert_eq!(distinct.len(), picked.len(), "count {count}: repeats");
            assert!(picked.iter().all(|m| words.contains(m)));
            let ints = bulks(&t.run(&["srandmember", "i", &count.to_string()]));
            assert_eq!(ints.iter().collect::<BTreeSet<_>>().len(), count.min(50));
        }
        assert_eq!(t.run(&["scard", "h"]), ":100\r\n", "reads change nothing");
        // Smaller draws are not always the same members.
        let draws: BTreeSet<Vec<String>> = (0..10)
            .map(|_| bulks(&t.run(&["srandmember", "h", "3"])))
            .collect();
        assert!(draws.len() > 1);
    }

    #[test]
    fn srandmember_negative_counts_draw_independently() {
        let mut t = client();
        let words = sadd_words(&mut t, "h", 10);
        let picked = bulks(&t.run(&["srandmember", "h", "-1000"]));
        assert_eq!(picked.len(), 1000);
        // Every member turns up and repeats are allowed: with 1000 draws from 10 both hold
        // (the engine's generator is seeded, so this is not a matter of luck between runs).
        let seen: BTreeSet<String> = picked.into_iter().collect();
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), words);
        let picked = bulks(&t.run(&["srandmember", "h", "-3"]));
        assert_eq!(picked.len(), 3);
        // A count far beyond the set is answered from what exists, not allocated up front.
        assert_eq!(
            sorted_bulks(&t.run(&["srandmember", "h", "9223372036854775807"])),
            words
        );
        assert_eq!(
            bulks(&t.run(&["srandmember", "h", "-100000"])).len(),
            100_000
        );
        let one = t.run(&["srandmember", "h"]);
        assert!(words.contains(&one.split("\r\n").nth(1).unwrap().to_string()));
    }

    #[test]
    fn spop_removes_exactly_what_it_returns() {
        let mut t = client();
        for (key, n, count) in [
            ("h", 100, 10),
            ("h2", 100, 90),
            ("i", 40, 5),
            ("i2", 40, 39),
        ] {
            let all: BTreeSet<String> = if key.starts_with('h') {
                sadd_words(&mut t, key, n).into_iter().collect()
            } else {
                sadd_numbers(&mut t, key, n);
                numbers(n).into_iter().collect()
            };
            let before = dirty(&t);
            let popped = bulks(&t.run(&["spop", key, &count.to_string()]));
            assert_eq!(dirty(&t) - before, count as u64);
            assert_eq!(popped.len(), count);
            let popped: BTreeSet<String> = popped.into_iter().collect();
            assert_eq!(popped.len(), count, "distinct");
            let left: BTreeSet<String> = sorted_bulks(&t.run(&["smembers", key]))
                .into_iter()
                .collect();
            assert!(popped.is_subset(&all) && popped.is_disjoint(&left));
            assert_eq!(popped.len() + left.len(), n);
        }
        let one = t.run(&["spop", "h"]);
        assert!(
            one.starts_with("$2\r\nw") || one.starts_with("$3\r\nw"),
            "{one:?}"
        );
        assert_eq!(t.run(&["scard", "h"]), ":89\r\n");
    }

    #[test]
    fn spop_rebuild_keeps_ttl_and_may_return_to_intset() {
        // On redis-server 7.0.15: 600 integers (a hashtable), SPOP 550 leaves an intset of 50;
        // SPOP 100 of 600 keeps the hashtable; the TTL stays either way.
        let mut t = client();
        sadd_numbers(&mut t, "big", 600);
        assert_eq!(t.run(&["object", "encoding", "big"]), "$9\r\nhashtable\r\n");
        t.run(&["expire", "big", "100"]);
        assert_eq!(bulks(&t.run(&["spop", "big", "550"])).len(), 550);
        assert_eq!(t.run(&["object", "encoding", "big"]), "$6\r\nintset\r\n");
        assert_eq!(t.run(&["scard", "big"]), ":50\r\n");
        assert_eq!(t.run(&["ttl", "big"]), ":100\r\n");
        sadd_numbers(&mut t, "b2", 600);
        assert_eq!(bulks(&t.run(&["spop", "b2", "100"])).len(), 100);
        assert_eq!(t.run(&["object", "encoding", "b2"]), "$9\r\nhashtable\r\n");
    }

    #[test]
    fn spop_counts_dirty_and_hits_as_redis_does() {
        // Measured on redis-server 7.0.15: dirty grows by the members popped; only the
        // pop-everything form counts a keyspace hit (it replies through SUNION's read).
        let mut t = client();
        sadd_numbers(&mut t, "s", 10);
        let steps: &[(&[&str], u64, (u64, u64))] = &[
            (&["spop", "s"], 1, (0, 0)),
            (&["spop", "s", "0"], 0, (0, 0)),
            (&["spop", "s", "2"], 2, (0, 0)),
            (&["spop", "s", "100"], 7, (1, 0)),
            (&["spop", "s"], 0, (0, 0)),
            (&["spop", "s", "5"], 0, (0, 0)),
            (&["srandmember", "nokey", "2"], 0, (0, 1)),
        ];
        for (args, changes, (hits, misses)) in steps {
            let (d, (h, m)) = (dirty(&t), hits_misses(&t));
            t.run(args);
            let (h2, m2) = hits_misses(&t);
            assert_eq!(
                (dirty(&t) - d, (h2 - h, m2 - m)),
                (*changes, (*hits, *misses)),
                "{args:?}"
            );
        }
    }

    #[test]
    fn random_choices_replay_under_the_same_seed() {
        let run = || {
            let mut t = client();
            sadd_words(&mut t, "h", 50);
            let mut replies = Vec::new();
            for args in [
                &["srandmember", "h", "5"][..],
                &["srandmember", "h", "-5"],
                &["spop", "h", "3"],
                &["spop", "h"],
                &["spop", "h", "40"],
            ] {
                replies.push(t.run(args));
            }
            replies
        };
        assert_eq!(run(), run());
    }
}
