//! Tests of the hash commands: generated vectors (`vectors.rs`), hand-written tests of random
//! replies and the `hashtable` encoding (here), and of field TTLs (`ttl.rs`).

mod ttl;
mod vectors;

use std::sync::atomic::Ordering::Relaxed;

use crate::testing::{TestClient, client};

/// Runs each command and checks its exact reply and its effect on `dirty`, keyspace hits and
/// keyspace misses.
#[track_caller]
pub(super) fn script(t: &mut TestClient, steps: &[(&[&str], &str, u64, u64, u64)]) {
    let stats = &t.engine.keyspace.stats;
    for (args, reply, dirty, hits, misses) in steps {
        let before = (
            stats.dirty.load(Relaxed),
            stats.keyspace_hits.load(Relaxed),
            stats.keyspace_misses.load(Relaxed),
        );
        assert_eq!(t.run(args), *reply, "reply to {args:?}");
        let after = (
            stats.dirty.load(Relaxed),
            stats.keyspace_hits.load(Relaxed),
            stats.keyspace_misses.load(Relaxed),
        );
        let moved = (after.0 - before.0, after.1 - before.1, after.2 - before.2);
        assert_eq!(
            moved,
            (*dirty, *hits, *misses),
            "dirty/hits/misses of {args:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-written tests: random replies, the `hashtable` encoding, field TTLs
// ---------------------------------------------------------------------------------------------

/// Runs a command given as one space-separated line.
fn run(t: &mut TestClient, line: &str) -> String {
    let args: Vec<&str> = line.split(' ').collect();
    t.run(&args)
}

/// Checks each line's exact reply (no counters).
#[track_caller]
fn replies(t: &mut TestClient, steps: &[(&str, &str)]) {
    for (line, expected) in steps {
        assert_eq!(run(t, line), *expected, "reply to `{line}`");
    }
}

/// `n` fields `f0..` with values `v0..` in one HSET.
fn fill(t: &mut TestClient, key: &str, n: usize) {
    let mut args = vec!["hset".to_string(), key.to_string()];
    for i in 0..n {
        args.push(format!("f{i}"));
        args.push(format!("v{i}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(t.run(&args), format!(":{n}\r\n"));
}

/// The bulk strings of a flat reply (RESP2 arrays of bulks), in order.
fn bulks(reply: &str) -> Vec<String> {
    let mut lines = reply.split("\r\n");
    let mut out = Vec::new();
    while let Some(line) = lines.next() {
        if line.starts_with('$') && line != "$-1" {
            out.push(lines.next().unwrap_or_default().to_string());
        }
    }
    out
}

fn dirty(t: &TestClient) -> u64 {
    t.engine.keyspace.stats.dirty.load(Relaxed)
}

#[test]
fn hrandfield_negative_counts_repeat_and_positive_counts_are_distinct() {
    let mut t = client();
    fill(&mut t, "h", 5);
    let reply = run(&mut t, "hrandfield h -20");
    assert!(reply.starts_with("*20\r\n"));
    assert_eq!(bulks(&reply).len(), 20);
    assert!(bulks(&reply).iter().all(|f| f.starts_with('f')));
    let reply = run(&mut t, "hrandfield h -3 withvalues");
    let pairs = bulks(&reply);
    assert!(reply.starts_with("*6\r\n"));
    for pair in pairs.chunks(2) {
        assert_eq!(
            pair[1],
            pair[0].replace('f', "v"),
            "value follows its field"
        );
    }
    for count in 1..5 {
        let mut picked = bulks(&run(&mut t, &format!("hrandfield h {count}")));
        assert_eq!(picked.len(), count);
        picked.sort();
        picked.dedup();
        assert_eq!(picked.len(), count, "distinct picks");
    }
    assert_eq!(bulks(&run(&mut t, "hrandfield h 1 withvalues")).len(), 2);
    let one = run(&mut t, "hrandfield h");
    assert!(one.starts_with("$2\r\nf"), "{one}");
}

#[test]
fn hrandfield_resp3_pairs_and_table_sampling() {
    let mut t = client();
    t.run(&["hello", "3"]);
    fill(&mut t, "h", 2);
    let reply = run(&mut t, "hrandfield h -3 withvalues");
    assert!(reply.starts_with("*3\r\n*2\r\n$2\r\nf"), "{reply}");
    assert_eq!(reply.matches("*2\r\n").count(), 3);
    let reply = run(&mut t, "hrandfield h 1 withvalues");
    assert!(reply.starts_with("*1\r\n*2\r\n"), "{reply}");
    assert_eq!(run(&mut t, "hrandfield h 0 withvalues"), "*0\r\n");

    let mut t = client();
    fill(&mut t, "big", 1000);
    assert_eq!(run(&mut t, "object encoding big"), "$9\r\nhashtable\r\n");
    // Both sampling strategies: rejection (few of many) and partial shuffle (most of many).
    for count in [10, 200, 400, 999] {
        let mut picked = bulks(&run(&mut t, &format!("hrandfield big {count}")));
        assert_eq!(picked.len(), count);
        picked.sort();
        picked.dedup();
        assert_eq!(picked.len(), count, "distinct picks of {count}");
    }
    assert_eq!(bulks(&run(&mut t, "hrandfield big 5000")).len(), 1000);
    let pairs = bulks(&run(&mut t, "hrandfield big -50 withvalues"));
    assert_eq!(pairs.len(), 100);
    for pair in pairs.chunks(2) {
        assert_eq!(pair[1], pair[0].replace('f', "v"));
    }
}

#[test]
fn hrandfield_huge_counts_allocate_nothing_up_front() {
    let mut t = client();
    fill(&mut t, "h", 3);
    // A positive count is capped by the hash's size before anything is sized from it.
    assert_eq!(
        bulks(&run(&mut t, "hrandfield h 9223372036854775807")).len(),
        3
    );
    assert_eq!(
        bulks(&run(&mut t, "hrandfield h 4611686018427387903 withvalues")).len(),
        6
    );
    // A negative count is written as it is drawn: a killed client stops it early.
    t.session.client.handle.kill();
    let reply = run(&mut t, "hrandfield h -9223372036854775807");
    assert!(reply.starts_with("*9223372036854775807\r\n"));
    assert_eq!(bulks(&reply).len(), 1000, "stopped at the first check");
}

#[test]
fn hrandfield_replays_under_the_engine_seed() {
    let picks = || {
        let mut t = client();
        fill(&mut t, "h", 700);
        (0..5)
            .map(|_| run(&mut t, "hrandfield h -8"))
            .collect::<Vec<_>>()
    };
    assert_eq!(picks(), picks());
}

#[test]
fn hscan_walks_a_table_once_and_keeps_every_stable_field() {
    let mut t = client();
    fill(&mut t, "h", 600);
    assert_eq!(run(&mut t, "object encoding h"), "$9\r\nhashtable\r\n");
    let mut seen = Vec::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    loop {
        let reply = run(&mut t, &format!("hscan h {cursor} count 7"));
        let items = bulks(&reply);
        cursor = items[0].clone();
        for pair in items[1..].chunks(2) {
            assert_eq!(pair[1], pair[0].replace('f', "v"));
            seen.push(pair[0].clone());
        }
        calls += 1;
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(calls, 600usize.div_ceil(7));
    seen.sort();
    let before = seen.len();
    seen.dedup();
    assert_eq!((before, seen.len()), (600, 600), "each field exactly once");

    // Deleting and adding during the scan: fields present throughout are all returned.
    let mut seen = std::collections::BTreeSet::new();
    let mut cursor = "0".to_string();
    let mut round = 0;
    loop {
        let items = bulks(&run(&mut t, &format!("hscan h {cursor} count 13")));
        cursor = items[0].clone();
        seen.extend(items[1..].chunks(2).map(|p| p[0].clone()));
        run(&mut t, &format!("hdel h f{}", 500 + round));
        run(&mut t, &format!("hset h new{round} x"));
        round += 1;
        if cursor == "0" {
            break;
        }
    }
    for i in 0..500 {
        assert!(seen.contains(&format!("f{i}")), "f{i} missed");
    }
    let filtered = bulks(&run(&mut t, "hscan h 0 match f1? count 1000"));
    assert_eq!(filtered[0], "0");
    assert_eq!(filtered.len(), 1 + 2 * 10);
    assert_eq!(run(&mut t, "hscan h 0 count 0"), "-ERR syntax error\r\n");
    // A cursor past the end is clamped.
    assert!(run(&mut t, "hscan h 99999 count 1").starts_with("*2\r\n$3\r\n"));
}

#[test]
fn encodings_from_hincrbyfloat_results() {
    let mut t = client();
    replies(
        &mut t,
        &[
            ("hset r a 1", ":1\r\n"),
            ("object encoding r", "$8\r\nlistpack\r\n"),
        ],
    );
    // The result's digits are `util::incr_by_float`'s business (Redis prints the long double
    // 1e70 + 1 as 10000000000000000000222479...); its length (71) is past
    // hash-max-listpack-value in both, so Redis 7.0 converts the hash, and so do we.
    assert!(run(&mut t, "hincrbyfloat r a 1e70").starts_with("$71\r\n1"));
    assert_eq!(run(&mut t, "object encoding r"), "$9\r\nhashtable\r\n");
}

#[test]
fn hincrbyfloat_takes_long_double_operands() {
    // Found by tests/difffuzz: 1e400 overflows a double but not a long double, which is what
    // Redis parses both the increment and the field's value as (like INCRBYFLOAT).
    let mut t = client();
    assert!(
        run(&mut t, "hincrbyfloat h a 1e400").starts_with("$401\r\n10000000000000000000281880")
    );
    assert!(run(&mut t, "hincrbyfloat h a 1").starts_with("$401\r\n1"));
    assert!(run(&mut t, "hincrbyfloat h a -1e400").starts_with("$1\r\n"));
    assert_eq!(
        run(&mut t, "hincrbyfloat h a 1e5000"),
        "-ERR value is not a valid float\r\n"
    );
    replies(
        &mut t,
        &[
            ("hset h b 1e400", ":1\r\n"),
            ("hincrbyfloat h b -1e400", "$1\r\n0\r\n"),
        ],
    );
}
