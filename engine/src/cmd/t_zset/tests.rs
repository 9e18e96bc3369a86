//! Tests of the sorted-set commands. The byte-exact expectations recorded from a live
//! redis-server 7.0.15 are in `vectors.rs` (run through [`expect`]); the tests here cover what
//! is random (ZRANDMEMBER), what iterates (ZSCAN on large sets), the pop API the blocking
//! forms use, locking of `numkeys` commands, and bounds on untrusted counts.

use std::sync::atomic::Ordering::Relaxed;

use bytes::Bytes;

use crate::testing::{TestClient, client};

fn counters(t: &TestClient) -> (u64, u64, u64) {
    let stats = &t.engine.keyspace.stats;
    (
        stats.dirty.load(Relaxed),
        stats.keyspace_hits.load(Relaxed),
        stats.keyspace_misses.load(Relaxed),
    )
}

/// `ZADD key (i % modulo) m{i:04}` for i in 0..n, as one command.
pub(super) fn fill(t: &mut TestClient, key: &str, n: usize, modulo: usize) -> String {
    let mut args = vec!["zadd".to_string(), key.to_string()];
    for i in 0..n {
        args.push((i % modulo).to_string());
        args.push(format!("m{i:04}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    t.run(&args)
}

/// Runs each command and checks its reply and how much it moved the dirty, keyspace-hit and
/// keyspace-miss counters. A reply of `"*"` is not checked (HELLO's server details differ);
/// `!fill key n modulo` runs [`fill`].
pub(super) fn expect(t: &mut TestClient, cases: &[(&[&str], &str, u64, u64, u64)]) {
    for &(args, reply, dirty, hits, misses) in cases {
        let before = counters(t);
        let got = if args[0] == "!fill" {
            let n = args[2].parse().expect("n");
            let modulo = args[3].parse().expect("modulo");
            fill(t, args[1], n, modulo)
        } else {
            t.run(args)
        };
        if reply != "*" {
            assert_eq!(got, reply, "reply to {args:?}");
        }
        let after = counters(t);
        let moved = (after.0 - before.0, after.1 - before.1, after.2 - before.2);
        assert_eq!(
            moved,
            (dirty, hits, misses),
            "dirty/hits/misses of {args:?}"
        );
    }
}

/// Splits a RESP2 array of bulk strings into its items (test replies only).
fn bulks(reply: &str) -> Vec<String> {
    let mut lines = reply.split("\r\n");
    let header = lines.next().expect("header");
    assert!(header.starts_with('*'), "not an array: {reply:?}");
    let mut items = Vec::new();
    while let Some(line) = lines.next() {
        if line.starts_with('$') {
            items.push(lines.next().expect("bulk body").to_string());
        }
    }
    items
}

#[test]
fn zrandmember_samples_members() {
    let mut t = client();
    for (key, n) in [("small", 20), ("big", 500)] {
        fill(&mut t, key, n, 7);
        let members: Vec<String> = (0..n).map(|i| format!("m{i:04}")).collect();
        for count in [2, 5, n - 1] {
            let got = bulks(&t.run(&["zrandmember", key, &count.to_string()]));
            assert_eq!(got.len(), count);
            let mut unique = got.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), count, "distinct members for a positive count");
            assert!(got.iter().all(|m| members.contains(m)));
        }
        let got = bulks(&t.run(&["zrandmember", key, "-1000"]));
        assert_eq!(got.len(), 1000);
        assert!(got.iter().all(|m| members.contains(m)));
        let pairs = bulks(&t.run(&["zrandmember", key, "-50", "withscores"]));
        assert_eq!(pairs.len(), 100);
        for pair in pairs.chunks(2) {
            let i: usize = pair[0][1..].parse().expect("member number");
            assert_eq!(pair[1], (i % 7).to_string(), "score belongs to its member");
        }
        let one = bulks(&format!("*1\r\n{}", t.run(&["zrandmember", key])));
        assert!(members.contains(&one[0]));
        let all = bulks(&t.run(&["zrandmember", key, &(n + 5).to_string()]));
        let mut expected = members.clone();
        expected.sort_by_key(|m| {
            let i: usize = m[1..].parse().expect("number");
            (i % 7, m.clone())
        });
        expected.reverse();
        assert_eq!(
            all, expected,
            "the whole set, highest first, as Redis's iterator"
        );
    }
    t.run(&["hello", "3"]);
    let reply = t.run(&["zrandmember", "big", "2", "withscores"]);
    assert!(reply.starts_with("*2\r\n*2\r\n$5\r\nm"), "{reply:?}");
}

#[test]
fn zrandmember_repeats_stop_at_the_reply_bound() {
    let mut t = client();
    t.run(&["zadd", "z", "1", "m"]);
    // A count this large would be an exabyte reply: it must stop (and close the connection)
    // at the bound instead of allocating for the count or running forever.
    let (out, closed) =
        t.feed(b"*3\r\n$11\r\nzrandmember\r\n$1\r\nz\r\n$20\r\n-9223372036854775807\r\n");
    assert!(closed, "connection closed after an oversized reply");
    assert!(out.starts_with("*9223372036854775807\r\n$1\r\nm\r\n"));
    assert!(out.len() < super::pop::RANDOM_REPLY_BYTES_MAX + 64);
}

#[test]
fn zscan_large_set_returns_every_member_once_per_score_run() {
    let mut t = client();
    fill(&mut t, "z", 1000, 13);
    let mut cursor = "0".to_string();
    let mut seen = Vec::new();
    let mut calls = 0;
    loop {
        let reply = t.run(&["zscan", "z", &cursor, "count", "25"]);
        let items = bulks(&reply);
        cursor = items[0].clone();
        for pair in items[1..].chunks(2) {
            let i: usize = pair[0][1..].parse().expect("number");
            assert_eq!(pair[1], (i % 13).to_string());
            seen.push(i);
        }
        calls += 1;
        if cursor == "0" {
            break;
        }
        // Members removed mid-scan must not make it skip the others.
        t.run(&["zrem", "z", &format!("m{:04}", seen[0])]);
    }
    seen.sort_unstable();
    let before = seen.len();
    seen.dedup();
    assert_eq!(
        (seen.len(), before),
        (1000, 1000),
        "every member exactly once"
    );
    assert!(calls > 10, "the scan was split into calls: {calls}");
    let matched = bulks(&t.run(&["zscan", "z", "0", "match", "m000*", "count", "2000"]));
    assert_eq!(matched[0], "0");
    assert_eq!(matched.len(), 1 + 2 * 9, "m0001..m0009 (m0000 was removed)");
    assert_eq!(
        bulks(&t.run(&["zscan", "z", "18446744073709551615"])),
        vec!["0"]
    );
}

#[test]
fn pop_api_for_blocking_forms() {
    use super::{End, pop, reply_popped};
    use crate::cmd::t_zset::remove_if_empty;
    use crate::resp::{Protocol, Reply};
    let mut t = client();
    fill(&mut t, "z", 5, 5);
    t.run(&["set", "s", "x"]);
    let engine = t.engine;
    let mut locked = engine.keyspace.lock_all();
    let mut db = locked.db(0, 0);
    let popped = pop(&mut db, b"z", End::Max, 2)
        .ok()
        .flatten()
        .expect("popped");
    let scores: Vec<f64> = popped.iter().map(|e| e.0).collect();
    assert_eq!(scores, vec![4.0, 3.0]);
    assert!(pop(&mut db, b"s", End::Min, 1).is_err());
    assert!(matches!(pop(&mut db, b"nokey", End::Min, 1), Ok(None)));
    let rest = pop(&mut db, b"z", End::Min, 10)
        .ok()
        .flatten()
        .expect("popped");
    assert_eq!(rest.len(), 3);
    assert!(
        db.exists(b"z"),
        "the caller deletes an emptied set, after its reply"
    );
    remove_if_empty(&mut db, b"z");
    assert!(!db.exists(b"z"), "emptied set is deleted");
    drop(locked);
    let mut out = Reply::new(Protocol::Resp2);
    reply_popped(&mut out, Some(b"k"), &popped, false);
    assert_eq!(
        &out.buf[..],
        b"*5\r\n$1\r\nk\r\n$5\r\nm0004\r\n$1\r\n4\r\n$5\r\nm0003\r\n$1\r\n3\r\n"
    );
    let mut out = Reply::new(Protocol::Resp3);
    reply_popped(&mut out, Some(b"k"), &popped[..1], true);
    assert_eq!(
        &out.buf[..],
        b"*2\r\n$1\r\nk\r\n*1\r\n*2\r\n$5\r\nm0004\r\n,4\r\n"
    );
}

#[test]
fn numkeys_commands_lock_every_input_shard() {
    // With 4 shards these keys spread over several; a key whose shard were not locked
    // would panic in the keyspace.
    let mut t = client();
    let keys: Vec<String> = (0..12).map(|i| format!("key{i}")).collect();
    for (i, key) in keys.iter().enumerate() {
        t.run(&["zadd", key, &i.to_string(), "shared", "1", key]);
    }
    let mut args = vec!["zunionstore", "dst", "12"];
    args.extend(keys.iter().map(String::as_str));
    assert_eq!(t.run(&args), ":13\r\n");
    assert_eq!(t.run(&["zscore", "dst", "shared"]), "$2\r\n66\r\n");
    for (command, reply) in [
        ("zinter", "*1\r\n$6\r\nshared\r\n"),
        ("zintercard", ":1\r\n"),
        ("zdiff", "*1\r\n$4\r\nkey0\r\n"),
    ] {
        let mut args = vec![command, "12"];
        args.extend(keys.iter().map(String::as_str));
        assert_eq!(t.run(&args), reply, "{command}");
    }
    let mut args = vec!["zinterstore", "key3", "12"];
    args.extend(keys.iter().map(String::as_str));
    assert_eq!(t.run(&args), ":1\r\n", "destination among the inputs");
    let mut args = vec!["zmpop", "12"];
    args.extend(keys.iter().map(String::as_str));
    args.push("max");
    assert_eq!(
        t.run(&args),
        "*2\r\n$4\r\nkey0\r\n*1\r\n*2\r\n$4\r\nkey0\r\n$1\r\n1\r\n"
    );
}

#[test]
fn untrusted_counts_allocate_only_for_what_exists() {
    let mut t = client();
    t.run(&["zadd", "z", "1", "a", "2", "b"]);
    for args in [
        &["zrange", "z", "0", "9223372036854775807"][..],
        &[
            "zrange",
            "z",
            "-9223372036854775808",
            "9223372036854775807",
            "withscores",
        ],
        &[
            "zrangebyscore",
            "z",
            "-inf",
            "+inf",
            "limit",
            "0",
            "9223372036854775807",
        ],
        &["zpopmin", "z", "9223372036854775807"],
    ] {
        let reply = t.run(args);
        assert!(reply.starts_with('*'), "{args:?}: {reply:?}");
    }
    t.run(&["zadd", "z", "1", "a", "2", "b"]);
    assert_eq!(
        t.run(&["zrandmember", "z", "9223372036854775807"]),
        "*2\r\n$1\r\nb\r\n$1\r\na\r\n"
    );
    let mut args: Vec<Bytes> = vec![Bytes::from_static(b"zunion")];
    args.push(Bytes::from_static(b"9223372036854775807"));
    args.push(Bytes::from_static(b"z"));
    assert_eq!(t.run_bytes(&args), "-ERR syntax error\r\n");
}

#[test]
fn binary_members_sort_as_memcmp() {
    let mut t = client();
    let args: Vec<Bytes> = ["zadd", "z", "0", "\u{7f}", "0", "a", "0", "", "0", "a\0b"]
        .iter()
        .map(|s| Bytes::copy_from_slice(s.as_bytes()))
        .collect();
    assert_eq!(t.run_bytes(&args), ":4\r\n");
    let high = vec![
        Bytes::from_static(b"zadd"),
        Bytes::from_static(b"z"),
        Bytes::from_static(b"0"),
        Bytes::from_static(b"\xff"),
    ];
    assert_eq!(t.run_bytes(&high), ":1\r\n");
    let reply = t.run(&["zrange", "z", "0", "-1"]);
    assert_eq!(
        reply,
        "*5\r\n$0\r\n\r\n$1\r\na\r\n$3\r\na\0b\r\n$1\r\n\u{7f}\r\n$1\r\n\u{fffd}\r\n"
    );
    assert_eq!(t.run(&["zlexcount", "z", "(a", "+"]), ":3\r\n");
}
