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
