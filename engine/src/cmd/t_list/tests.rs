//! Tests of the list commands. Every expected reply was produced by redis-server 7.0.15 for
//! the same commands (the scripted tests were generated from its replies, the others checked
//! against it by hand).

use std::sync::atomic::Ordering;

use crate::testing::{TestClient, client};

/// Runs `command line` / expected reply pairs; words are split on spaces, `''` is empty.
pub(super) fn script(t: &mut TestClient, steps: &[(&str, &str)]) {
    for (line, expected) in steps {
        let args: Vec<&str> = line
            .split(' ')
            .map(|w| if w == "''" { "" } else { w })
            .collect();
        assert_eq!(t.run(&args), *expected, "reply to `{line}`");
    }
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

fn bulk(text: &str) -> String {
    format!("${}\r\n{text}\r\n", text.len())
}

// Scripts of every command, option and error path, with redis-server 7.0.15's replies.
mod scripted_access;
mod scripted_edits;

#[test]
fn dirty_counts_as_redis() {
    let mut t = client();
    // Each step with the change of `rdb_changes_since_last_save` redis-server 7.0.15 showed.
    let steps: &[(&[&str], u64)] = &[
        (&["rpush", "k", "a", "b", "c"], 3),
        (&["lpush", "k", "a", "b"], 2),
        (&["lpushx", "k", "a", "b", "c"], 3),
        (&["rpushx", "missing", "a"], 0),
        (&["lpop", "k"], 1),
        (&["lpop", "k", "2"], 2),
        (&["lpop", "k", "0"], 0),
        (&["rpop", "k", "10"], 5),
        (&["rpush", "k", "a", "b", "c", "d", "e", "f"], 6),
        (&["ltrim", "k", "1", "-2"], 2),
        (&["ltrim", "k", "0", "-1"], 0),
        (&["ltrim", "k", "10", "20"], 4),
        (&["rpush", "k", "a", "b", "a", "c", "a"], 5),
        (&["lrem", "k", "0", "a"], 3),
        (&["lrem", "k", "0", "zz"], 0),
        (&["lset", "k", "0", "x"], 1),
        (&["linsert", "k", "before", "x", "y"], 1),
        (&["linsert", "k", "before", "nope", "y"], 0),
        (&["lmove", "k", "d", "left", "right"], 1),
        (&["lmove", "k", "k", "left", "right"], 1),
        (&["rpoplpush", "k", "d"], 1),
        (&["rpush", "m", "1", "2", "3"], 3),
        (&["lmpop", "1", "m", "left", "count", "2"], 2),
        (&["lmpop", "1", "m", "left", "count", "5"], 1),
        (&["lmpop", "1", "m", "left", "count", "5"], 0),
        (&["lrange", "d", "0", "-1"], 0),
        (&["lpos", "d", "a"], 0),
        (&["lindex", "d", "0"], 0),
        (&["llen", "d"], 0),
        (&["lpush", "k"], 0),
        (&["ltrim", "d", "0", "0"], 1),
        (&["lrem", "d", "1", "a"], 0),
        (&["lrem", "d", "0", "c"], 0),
    ];
    for (command, expected) in steps {
        let before = dirty(&t);
        t.run(command);
        assert_eq!(dirty(&t) - before, *expected, "{command:?}");
    }
}

#[test]
fn reads_count_keyspace_hits_and_misses() {
    let mut t = client();
    // Each step with the (hits, misses) redis-server 7.0.15 counted for it.
    let steps: &[(&[&str], (u64, u64))] = &[
        (&["rpush", "k", "a", "b", "c"], (0, 0)),
        (&["llen", "k"], (1, 0)),
        (&["llen", "nope"], (0, 1)),
        (&["lrange", "k", "0", "-1"], (1, 0)),
        (&["lrange", "nope", "0", "-1"], (0, 1)),
        (&["lindex", "k", "0"], (1, 0)),
        (&["lindex", "nope", "0"], (0, 1)),
        (&["lpos", "k", "a"], (1, 0)),
        (&["lpos", "nope", "a"], (0, 1)),
        (&["lpos", "nope", "a", "count", "0"], (0, 1)),
        (&["lpop", "k"], (0, 0)),
        (&["lpop", "nope"], (0, 0)),
        (&["rpop", "k", "1"], (0, 0)),
        (&["lset", "k", "0", "x"], (0, 0)),
        (&["linsert", "k", "before", "x", "y"], (0, 0)),
        (&["lrem", "k", "0", "y"], (0, 0)),
        (&["ltrim", "k", "0", "-1"], (0, 0)),
        (&["lmove", "k", "d", "left", "right"], (0, 0)),
        (&["rpoplpush", "nope", "d"], (0, 0)),
        (&["lmpop", "2", "nope", "d", "left"], (0, 0)),
        (&["lpush", "k", "a"], (0, 0)),
        (&["lpushx", "nope", "a"], (0, 0)),
        (&["set", "s", "x"], (0, 0)),
        (&["llen", "s"], (1, 0)),
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
fn keywords_stop_at_a_nul_byte_like_strcasecmp() {
    let mut t = client();
    assert_eq!(t.run(&["rpush", "k", "a", "b"]), ":2\r\n");
    assert_eq!(t.run(&["linsert", "k", "before\0zz", "b", "v"]), ":3\r\n");
    assert_eq!(t.run(&["lmove", "k", "d", "left\0x", "right"]), bulk("a"));
    assert_eq!(t.run(&["lpos", "k", "b", "rank\0", "1"]), ":1\r\n");
    assert_eq!(
        t.run(&["lmpop", "1", "k", "left\0", "count\0x", "1"]),
        "*2\r\n$1\r\nk\r\n*1\r\n$1\r\nv\r\n"
    );
}

#[test]
fn many_chunks_and_elements_bigger_than_a_chunk() {
    let mut t = client();
    for batch in 0..6 {
        let mut args = vec!["rpush".to_string(), "big".to_string()];
        args.extend((batch * 500..batch * 500 + 500).map(|i| format!("e{i}")));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        t.run(&args);
    }
    let x9000 = "x".repeat(9000);
    let y10000 = "y".repeat(10000);
    let steps: Vec<(Vec<&str>, String)> = vec![
        (vec!["llen", "big"], ":3000\r\n".into()),
        (vec!["lindex", "big", "1500"], bulk("e1500")),
        (vec!["lindex", "big", "-1"], bulk("e2999")),
        (vec!["lindex", "big", "-3000"], bulk("e0")),
        (
            vec!["linsert", "big", "before", "e1500", &x9000],
            ":3001\r\n".into(),
        ),
        (vec!["lindex", "big", "1500"], bulk(&x9000)),
        (vec!["lindex", "big", "1501"], bulk("e1500")),
        (vec!["lset", "big", "10", &y10000], "+OK\r\n".into()),
        (vec!["lindex", "big", "10"], bulk(&y10000)),
        (vec!["lrem", "big", "0", "e7"], ":1\r\n".into()),
        (vec!["lpos", "big", "e2000"], ":2000\r\n".into()),
        (
            vec!["lpos", "big", "e2000", "rank", "-1"],
            ":2000\r\n".into(),
        ),
        (vec!["ltrim", "big", "100", "-100"], "+OK\r\n".into()),
        (vec!["llen", "big"], ":2801\r\n".into()),
        (
            vec!["lrange", "big", "0", "2"],
            "*3\r\n$4\r\ne101\r\n$4\r\ne102\r\n$4\r\ne103\r\n".into(),
        ),
        (
            vec!["lrange", "big", "-2", "-1"],
            "*2\r\n$5\r\ne2899\r\n$5\r\ne2900\r\n".into(),
        ),
        (vec!["lpos", "big", "e1499"], ":1398\r\n".into()),
        (vec!["lrem", "big", "-2", "e1499"], ":1\r\n".into()),
        (vec!["lmove", "big", "big", "left", "right"], bulk("e101")),
        (vec!["lindex", "big", "-1"], bulk("e101")),
        (
            vec!["rpop", "big", "3"],
            "*3\r\n$4\r\ne101\r\n$5\r\ne2900\r\n$5\r\ne2899\r\n".into(),
        ),
        (
            vec!["lpop", "big", "2"],
            "*2\r\n$4\r\ne102\r\n$4\r\ne103\r\n".into(),
        ),
        (vec!["llen", "big"], ":2795\r\n".into()),
    ];
    for (command, expected) in &steps {
        assert_eq!(&t.run(command), expected, "{:?}", &command[..2]);
    }
}

#[test]
fn expired_keys_are_missing_and_ttls_survive_writes() {
    let mut t = client();
    script(
        &mut t,
        &[
            ("rpush k a b", ":2\r\n"),
            ("pexpire k 100", ":1\r\n"),
            ("rpush k c", ":3\r\n"),
            ("lpop k", "$1\r\na\r\n"),
            ("lmove k k left right", "$1\r\nb\r\n"),
            ("pttl k", ":100\r\n"),
            ("rpush d x", ":1\r\n"),
        ],
    );
    t.advance_ms(200);
    script(
        &mut t,
        &[
            ("lpushx k a", ":0\r\n"),
            ("llen k", ":0\r\n"),
            ("lmove k d left left", "$-1\r\n"),
            ("rpush k z", ":1\r\n"),
            ("pttl k", ":-1\r\n"),
        ],
    );
}

#[test]
fn emptied_lists_are_deleted_by_every_removal() {
    let mut t = client();
    for (setup, removal) in [
        ("rpush k a", "lpop k"),
        ("rpush k a b", "rpop k 5"),
        ("rpush k a a", "lrem k 0 a"),
        ("rpush k a b", "ltrim k 5 6"),
        ("rpush k a", "lmove k d left left"),
        ("rpush k a", "rpoplpush k d"),
        ("rpush k a b", "lmpop 1 k right count 2"),
    ] {
        let setup_reply = t.run(&setup.split(' ').collect::<Vec<_>>());
        assert!(setup_reply.starts_with(':'), "{setup}: {setup_reply}");
        let reply = t.run(&removal.split(' ').collect::<Vec<_>>());
        assert!(!reply.starts_with('-'), "{removal}: {reply}");
        assert_eq!(t.run(&["exists", "k"]), ":0\r\n", "after {removal}");
        t.run(&["del", "k", "d"]);
    }
}

#[test]
fn huge_counts_and_indexes_allocate_only_for_what_exists() {
    let mut t = client();
    script(
        &mut t,
        &[
            ("rpush k a b", ":2\r\n"),
            ("lrange k 0 999999999999", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
            (
                "lrange k -999999999999 999999999999",
                "*2\r\n$1\r\na\r\n$1\r\nb\r\n",
            ),
            ("lpos k a count 9223372036854775807", "*1\r\n:0\r\n"),
            ("lpos k a maxlen 9223372036854775807", ":0\r\n"),
            ("rpop k 9223372036854775807", "*2\r\n$1\r\nb\r\n$1\r\na\r\n"),
            ("rpush k a", ":1\r\n"),
            (
                "lmpop 1 k left count 9223372036854775807",
                "*2\r\n$1\r\nk\r\n*1\r\n$1\r\na\r\n",
            ),
        ],
    );
}

#[test]
fn lmpop_locks_the_keyspace_itself() {
    // LMPOP's keys come from numkeys, so the dispatcher locks nothing: keys spread over
    // every shard must still be reachable.
    let mut t = client();
    for i in 0..20 {
        t.run(&["rpush", &format!("q{i}"), "v"]);
    }
    let mut args = vec!["lmpop".to_string(), "21".to_string(), "none".to_string()];
    args.extend((0..20).rev().map(|i| format!("q{i}")));
    args.push("right".to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(t.run(&args), "*2\r\n$3\r\nq19\r\n*1\r\n$1\r\nv\r\n");
    assert_eq!(t.run(&["exists", "q19"]), ":0\r\n");
}

#[test]
fn values_report_quicklist_and_their_memory() {
    let mut t = client();
    t.run(&["rpush", "k", "a"]);
    let small = {
        let mut locked = t.engine.keyspace.lock_keys([&b"k"[..]]);
        locked
            .db(0, 0)
            .entry_mut(b"k")
            .map(|e| e.value.heap_bytes())
    };
    let mut args = vec!["rpush", "k"];
    args.extend(std::iter::repeat_n("element", 5000));
    t.run(&args);
    let mut locked = t.engine.keyspace.lock_keys([&b"k"[..]]);
    let entry = locked.db(0, 0).entry_mut(b"k").cloned().expect("k exists");
    assert_eq!(entry.value.encoding(), "quicklist");
    let big = entry.value.heap_bytes();
    assert!(small.is_some_and(|s| s < 128), "{small:?}");
    // 8 bytes per element plus chunk bookkeeping.
    assert!((40_000..48_000).contains(&big), "{big}");
}
