//! Tests of SORT and SORT_RO. The byte-exact expectations recorded from a live redis-server
//! 7.0.15 are in `vectors.rs` (run through [`expect`]); the tests here cover what those cannot
//! carry (non-UTF-8 bytes), locking (patterns inside MULTI, blocked clients woken by STORE),
//! bounds on untrusted LIMITs, and a model check of the ordering on random lists.

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

/// Runs each command and checks its reply and how much it moved the dirty, keyspace-hit and
/// keyspace-miss counters. A reply of `"*"` is not checked (HELLO's server details differ).
pub(super) fn expect(t: &mut TestClient, cases: &[(&[&str], &str, u64, u64, u64)]) {
    for &(args, reply, dirty, hits, misses) in cases {
        let before = counters(t);
        let got = t.run(args);
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

fn run_bytes(t: &mut TestClient, args: &[&[u8]]) -> String {
    let args: Vec<Bytes> = args.iter().map(|a| Bytes::copy_from_slice(a)).collect();
    t.run_bytes(&args)
}

/// A RESP2 array of bulk strings, as text items (test replies only).
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
fn alpha_orders_raw_bytes_like_the_c_locale() {
    let mut t = client();
    run_bytes(
        &mut t,
        &[
            b"rpush",
            b"l",
            b"\xc3\xa9",
            b"f",
            b"E",
            b"\x80",
            b"\xff",
            b"a\0b",
            b"a\0a",
            b"a",
        ],
    );
    // strcoll in the C locale: unsigned bytes, and strings equal up to a NUL tie (stable).
    let expected: Vec<&[u8]> = vec![
        b"E",
        b"a\0b",
        b"a\0a",
        b"a",
        b"f",
        b"\x80",
        b"\xc3\xa9",
        b"\xff",
    ];
    let mut want = format!("*{}\r\n", expected.len()).into_bytes();
    for item in &expected {
        want.extend_from_slice(format!("${}\r\n", item.len()).as_bytes());
        want.extend_from_slice(item);
        want.extend_from_slice(b"\r\n");
    }
    let args: Vec<Bytes> = [&b"sort"[..], b"l", b"alpha"]
        .iter()
        .map(|a| Bytes::copy_from_slice(a))
        .collect();
    t.session.execute(t.engine, &args, t.now);
    let got = t.session.out.buf.split();
    assert_eq!(&got[..], &want[..]);
    // With STORE the comparison is binary: "a" < "a\0a" < "a\0b".
    run_bytes(&mut t, &[b"sort", b"l", b"alpha", b"store", b"d"]);
    assert_eq!(
        t.run(&["lrange", "d", "1", "3"]),
        "*3\r\n$1\r\na\r\n$3\r\na\0a\r\n$3\r\na\0b\r\n"
    );
}

#[test]
fn patterns_inside_multi_and_exec() {
    let mut t = client();
    t.run(&["rpush", "l", "1", "2", "3"]);
    t.run(&["mset", "w_1", "3", "w_2", "1", "w_3", "2", "o_2", "two"]);
    assert_eq!(t.run(&["multi"]), "+OK\r\n");
    assert_eq!(
        t.run(&["sort", "l", "by", "w_*", "get", "o_*", "get", "#"]),
        "+QUEUED\r\n"
    );
    assert_eq!(
        t.run(&["sort", "l", "by", "w_*", "store", "d"]),
        "+QUEUED\r\n"
    );
    assert_eq!(
        t.run(&["exec"]),
        "*2\r\n*6\r\n$3\r\ntwo\r\n$1\r\n2\r\n$-1\r\n$1\r\n3\r\n$-1\r\n$1\r\n1\r\n:3\r\n"
    );
    assert_eq!(
        t.run(&["lrange", "d", "0", "-1"]),
        "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n"
    );
}

#[test]
fn sorting_a_sorted_set_converts_it_to_a_skiplist() {
    // Found by tests/difffuzz: Redis 7.0 converts every sorted set it sorts (SORT_RO too,
    // and even when the sort then fails), and OBJECT ENCODING shows it.
    let mut t = client();
    t.run(&["zadd", "z", "1", "a", "2", "b"]);
    assert_eq!(t.run(&["object", "encoding", "z"]), "$8\r\nlistpack\r\n");
    assert_eq!(
        t.run(&["sort_ro", "z", "alpha"]),
        "*2\r\n$1\r\na\r\n$1\r\nb\r\n"
    );
    assert_eq!(t.run(&["object", "encoding", "z"]), "$8\r\nskiplist\r\n");
    t.run(&["zadd", "y", "0", "x"]);
    assert!(t.run(&["sort", "y"]).starts_with("-ERR One or more scores"));
    assert_eq!(t.run(&["object", "encoding", "y"]), "$8\r\nskiplist\r\n");
    assert_eq!(
        t.run(&["zrange", "y", "0", "-1", "withscores"]),
        "*2\r\n$1\r\nx\r\n$1\r\n0\r\n"
    );
}

#[test]
fn store_wakes_a_blocked_client() {
    let mut t = client();
    let mut waiter = TestClient::connect(t.engine, t.now);
    assert_eq!(waiter.run(&["blpop", "dst", "0"]), "");
    t.run(&["rpush", "src", "2", "1"]);
    assert_eq!(t.run(&["sort", "src", "store", "dst"]), ":2\r\n");
    assert_eq!(
        waiter.poll_blocked().expect("served"),
        "*2\r\n$3\r\ndst\r\n$1\r\n1\r\n"
    );
    assert_eq!(t.run(&["lrange", "dst", "0", "-1"]), "*1\r\n$1\r\n2\r\n");
}

#[test]
fn huge_limits_allocate_only_what_exists() {
    let mut t = client();
    t.run(&["rpush", "l", "1", "2", "3"]);
    for (start, count) in [
        ("0", "9223372036854775807"),
        ("9223372036854775807", "9223372036854775807"),
        ("-9223372036854775808", "9223372036854775807"),
        ("1", "9223372036854775806"),
    ] {
        for by in ["nosort", "w_*"] {
            let reply = t.run(&[
                "sort", "l", "by", by, "limit", start, count, "get", "#", "get", "#",
            ]);
            assert!(reply.starts_with('*'), "{reply}");
            assert!(bulks(&reply).len() <= 6);
        }
    }
}

#[test]
fn sort_ro_is_readonly_and_sort_locks_only_its_keys_without_patterns() {
    let mut t = client();
    t.run(&["rpush", "l", "b", "a"]);
    assert_eq!(
        t.run(&["sort_ro", "l", "alpha"]),
        "*2\r\n$1\r\na\r\n$1\r\nb\r\n"
    );
    assert_eq!(
        t.run(&["sort_ro", "l", "store", "x"]),
        "-ERR syntax error\r\n"
    );
    // A destination in another shard than the source: both are locked.
    for i in 0..20 {
        let dst = format!("dst{i}");
        assert_eq!(t.run(&["sort", "l", "alpha", "store", &dst]), ":2\r\n");
    }
}

/// Random lists with random weights, sorted with every option combination, against a model
/// of Redis's rules written independently (a stable sort by the documented comparisons).
#[test]
fn random_lists_match_a_model() {
    let mut t = client();
    let mut seed = 42u64;
    let mut next = |n: u64| {
        seed = crate::util::splitmix64_mix(seed.wrapping_add(crate::util::SPLITMIX_GAMMA));
        seed % n
    };
    let pool = ["0", "1", "2", "10", "-3", "1.5", "a", "b", "ab", "7"];
    for round in 0..40 {
        t.run(&["del", "l"]);
        let n = 1 + next(30) as usize;
        let elems: Vec<&str> = (0..n)
            .map(|_| pool[next(pool.len() as u64) as usize])
            .collect();
        let mut args = vec!["rpush", "l"];
        args.extend(&elems);
        t.run(&args);
        let weights: Vec<Option<i64>> = pool
            .iter()
            .map(|_| (next(3) > 0).then(|| next(5) as i64))
            .collect();
        for (p, w) in pool.iter().zip(&weights) {
            let key = format!("w_{p}");
            match w {
                Some(w) => t.run(&["set", &key, &w.to_string()]),
                None => t.run(&["del", &key]),
            };
        }
        let weight = |e: &str| weights[pool.iter().position(|p| *p == e).unwrap()];
        for desc in [false, true] {
            // Numeric by weight: missing weights are 0, ties by element bytes.
            let mut model = elems.clone();
            model.sort_by(|a, b| {
                let (x, y) = (weight(a).unwrap_or(0), weight(b).unwrap_or(0));
                let order = x.cmp(&y).then_with(|| a.cmp(b));
                if desc { order.reverse() } else { order }
            });
            let mut cmd = vec!["sort", "l", "by", "w_*"];
            if desc {
                cmd.push("desc");
            }
            assert_eq!(bulks(&t.run(&cmd)), model, "round {round} desc={desc}");
            // ALPHA on the elements themselves.
            let mut model = elems.clone();
            model.sort();
            if desc {
                model.reverse();
            }
            let mut cmd = vec!["sort", "l", "alpha"];
            if desc {
                cmd.push("desc");
            }
            assert_eq!(
                bulks(&t.run(&cmd)),
                model,
                "round {round} alpha desc={desc}"
            );
        }
    }
}
