//! Tests of the HyperLogLog commands beyond the recorded vectors (`vectors.rs`): sparse and
//! dense copies of the same HLL agree at every step, PFCOUNT of many keys equals PFCOUNT of
//! their PFMERGE, and the cached count is reused until a change.

use std::sync::atomic::Ordering::Relaxed;

use crate::cmd::t_bitmap::tests::run_raw;
use crate::testing::client;
use crate::types::hll;

#[test]
fn sparse_and_dense_copies_agree() {
    let mut t = client();
    t.run(&["pfadd", "dense"]);
    assert_eq!(t.run(&["pfdebug", "todense", "dense"]), ":1\r\n");
    let mut promoted_at = None;
    for i in 0..4000 {
        let element = format!("e{}", i * 7919);
        let a = t.run(&["pfadd", "sparse", &element]);
        let b = t.run(&["pfadd", "dense", &element]);
        assert_eq!(a, b, "element {i}");
        if i % 25 == 0 {
            assert_eq!(t.run(&["pfcount", "sparse"]), t.run(&["pfcount", "dense"]));
        }
        if promoted_at.is_none() && t.run(&["pfdebug", "encoding", "sparse"]) == "+dense\r\n" {
            promoted_at = Some(i);
        }
    }
    // Promotion happens once the sparse string would pass hll-sparse-max-bytes (3000).
    assert!(
        matches!(promoted_at, Some(i) if (500..3000).contains(&i)),
        "{promoted_at:?}"
    );
    let dense = run_raw(&mut t, &[b"pfdebug", b"getreg", b"dense"]);
    assert_eq!(run_raw(&mut t, &[b"pfdebug", b"getreg", b"sparse"]), dense);
}

#[test]
fn union_count_equals_merged_count() {
    let mut t = client();
    for (key, n, step) in [("a", 100, 3), ("b", 2500, 5), ("c", 40, 7)] {
        for i in 0..n {
            t.run(&["pfadd", key, &(i * step).to_string()]);
        }
    }
    let union = t.run(&["pfcount", "a", "b", "c", "missing"]);
    assert_eq!(
        t.run(&["pfmerge", "m", "a", "b", "c", "missing"]),
        "+OK\r\n"
    );
    assert_eq!(t.run(&["pfcount", "m"]), union);
    // Merging is idempotent and order-free.
    assert_eq!(t.run(&["pfmerge", "m2", "c", "b", "a", "a"]), "+OK\r\n");
    assert_eq!(t.run(&["pfcount", "m2"]), union);
}

#[test]
fn cached_count_is_reused_until_a_change() {
    let mut t = client();
    t.run(&["pfadd", "h", "a", "b", "c"]);
    let dirty = || t.engine.keyspace.stats.dirty.load(Relaxed);
    let before = dirty();
    assert_eq!(t.run(&["pfcount", "h"]), ":3\r\n");
    let after_first = dirty();
    assert_eq!(after_first, before + 1, "recomputing writes the cache");
    assert_eq!(t.run(&["pfcount", "h"]), ":3\r\n");
    assert_eq!(dirty(), after_first, "a valid cache is reused");
    let value = run_raw(&mut t, &[b"get", b"h"]);
    let value = &value[value.len() - 29..value.len() - 2];
    assert_eq!(hll::cached_count(value), Some(3));
    t.run(&["pfadd", "h", "d"]);
    let value = run_raw(&mut t, &[b"get", b"h"]);
    assert_eq!(hll::cached_count(&value[5..value.len() - 2]), None);
}

/// Every write is logged so that replaying the log rebuilds the same bytes, the count caches
/// PFCOUNT writes included (Redis propagates such a PFCOUNT although it is read-only).
#[test]
fn the_log_replays_to_the_same_bytes() {
    use crate::aof::{self, Fsync, record};

    let mut t = client();
    t.engine.aof.configure(true, Fsync::No);
    let script: &[&[&str]] = &[
        &["pfadd", "h", "a", "b", "c"],
        &["pfcount", "h"],
        &["pfcount", "h"],
        &["pfadd", "h2", "x"],
        &["pfcount", "h", "h2"],
        &["pfmerge", "m", "h", "h2"],
        &["pfcount", "m"],
        &["pfdebug", "todense", "h2"],
        &["setbit", "b", "77", "1"],
        &[
            "bitfield", "f", "overflow", "fail", "incrby", "u8", "0", "300",
        ],
        &["bitfield", "f", "incrby", "i5", "3", "-7"],
        &["bitop", "xor", "d", "b", "f"],
    ];
    for command in script {
        t.run(command);
    }
    let (log, _) = t.engine.aof.take_tail();
    let mut records = Vec::new();
    record::read_all(&log, 0, |r| records.push(r)).expect("well-formed records");
    let logged: Vec<String> = records
        .iter()
        .flat_map(|r| &r.commands)
        .map(|(_, args)| String::from_utf8_lossy(&args.join(&b' ')).into_owned())
        .collect();
    // The cached and many-key counts change nothing and are not logged.
    assert_eq!(
        logged.iter().filter(|c| c.starts_with("pfcount")).count(),
        2
    );
    assert!(logged.contains(&"pfcount h".to_string()), "{logged:?}");

    let mut fresh = client();
    for r in &records {
        aof::replay(fresh.engine, r).expect("replays");
    }
    for key in ["h", "h2", "m", "b", "f", "d"] {
        let ours = run_raw(&mut t, &[b"get", key.as_bytes()]);
        assert_eq!(
            run_raw(&mut fresh, &[b"get", key.as_bytes()]),
            ours,
            "{key}"
        );
    }
}
