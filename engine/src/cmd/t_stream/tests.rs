//! Tests of the stream commands. The byte-exact expectations recorded from a live
//! redis-server 7.0.15 are in `vectors.rs` (run through [`expect`]); the tests here cover what
//! needs two clients or a moving clock (blocking reads in `tests/blocking.rs`, idle times,
//! job-queue flows), WATCH, and bounds on untrusted counts. Their expected replies were
//! checked on redis-server 7.0.15 with the same commands, times aside (the test clock stands
//! still unless a test moves it; a live server's does not).

mod blocking;

use std::sync::atomic::Ordering::Relaxed;

use crate::testing::{TestClient, client};

pub(super) fn counters(t: &TestClient) -> (u64, u64, u64) {
    let stats = &t.engine.keyspace.stats;
    (
        stats.dirty.load(Relaxed),
        stats.keyspace_hits.load(Relaxed),
        stats.keyspace_misses.load(Relaxed),
    )
}

/// `XADD key i-0 f v<i>` for i in 1..=n; returns the last reply.
fn xfill(t: &mut TestClient, key: &str, n: u64) -> String {
    let mut last = String::new();
    for i in 1..=n {
        last = t.run(&["xadd", key, &format!("{i}-0"), "f", &format!("v{i}")]);
    }
    last
}

/// Runs each command and checks its reply and how much it moved the dirty, keyspace-hit and
/// keyspace-miss counters. A reply of `"*"` is not checked (it holds times); `!xfill key n`
/// runs [`xfill`]; `hello 3` switches protocol and is not checked. A command that blocks gets
/// its timeout reply (the clock moves on a second).
pub(super) fn expect(t: &mut TestClient, cases: &[(&[&str], &str, u64, u64, u64)]) {
    for &(args, reply, dirty, hits, misses) in cases {
        let before = counters(t);
        let mut got = if args[0] == "!xfill" {
            xfill(t, args[1], args[2].parse().expect("n"))
        } else {
            t.run(args)
        };
        if t.session.is_blocked() {
            // A BLOCK with a timeout that nothing serves: let it pass.
            t.advance_ms(1000);
            got = t.poll_blocked().expect("timed out");
        }
        if reply != "*" && args != ["hello", "3"] {
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

pub(super) fn pair() -> (TestClient, TestClient) {
    let a = client();
    let b = TestClient::connect(a.engine, a.now);
    (a, b)
}

/// `[[key, [[id, [f, v]]...]]]` in RESP2, for one stream of one-field entries.
pub(super) fn served(key: &str, entries: &[(&str, &str, &str)]) -> String {
    let mut out = format!(
        "*1\r\n*2\r\n${}\r\n{key}\r\n*{}\r\n",
        key.len(),
        entries.len()
    );
    for (id, f, v) in entries {
        out += &format!(
            "*2\r\n${}\r\n{id}\r\n*2\r\n${}\r\n{f}\r\n${}\r\n{v}\r\n",
            id.len(),
            f.len(),
            v.len()
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Job-queue flows (BullMQ-style): producers, workers in a group, acks, crash recovery
// ---------------------------------------------------------------------------------------------

#[test]
fn job_queue_with_acks_and_recovery_of_a_crashed_worker() {
    let (mut producer, mut worker) = pair();
    let mut rescuer = TestClient::connect(producer.engine, producer.now);
    producer.run(&["xgroup", "create", "jobs", "workers", "$", "mkstream"]);
    for i in 1..=5 {
        producer.run(&["xadd", "jobs", &format!("{i}-0"), "job", &i.to_string()]);
    }
    // w1 takes two jobs, acks one, then "crashes"; w2 takes the rest and acks them all.
    worker.run(&[
        "xreadgroup",
        "group",
        "workers",
        "w1",
        "count",
        "2",
        "streams",
        "jobs",
        ">",
    ]);
    assert_eq!(worker.run(&["xack", "jobs", "workers", "1-0"]), ":1\r\n");
    rescuer.run(&[
        "xreadgroup",
        "group",
        "workers",
        "w2",
        "streams",
        "jobs",
        ">",
    ]);
    assert_eq!(
        rescuer.run(&["xack", "jobs", "workers", "3-0", "4-0", "5-0"]),
        ":3\r\n"
    );
    assert_eq!(
        rescuer.run(&["xpending", "jobs", "workers"]),
        "*4\r\n:1\r\n$3\r\n2-0\r\n$3\r\n2-0\r\n*1\r\n*2\r\n$2\r\nw1\r\n$1\r\n1\r\n"
    );
    // Nothing is idle long enough yet.
    assert_eq!(
        rescuer.run(&["xautoclaim", "jobs", "workers", "w2", "60000", "0"]),
        "*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n"
    );
    rescuer.advance_ms(61_000);
    assert_eq!(
        rescuer.run(&[
            "xpending", "jobs", "workers", "IDLE", "60000", "-", "+", "10"
        ]),
        "*1\r\n*4\r\n$3\r\n2-0\r\n$2\r\nw1\r\n:61000\r\n:1\r\n"
    );
    assert_eq!(
        rescuer.run(&[
            "xautoclaim",
            "jobs",
            "workers",
            "w2",
            "60000",
            "0",
            "count",
            "10"
        ]),
        "*3\r\n$3\r\n0-0\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$3\r\njob\r\n$1\r\n2\r\n*0\r\n"
    );
    assert_eq!(
        rescuer.run(&["xpending", "jobs", "workers", "-", "+", "10", "w2"]),
        "*1\r\n*4\r\n$3\r\n2-0\r\n$2\r\nw2\r\n:0\r\n:2\r\n"
    );
    assert_eq!(rescuer.run(&["xack", "jobs", "workers", "2-0"]), ":1\r\n");
    assert_eq!(
        rescuer.run(&["xinfo", "consumers", "jobs", "workers"]),
        "*2\r\n*6\r\n$4\r\nname\r\n$2\r\nw1\r\n$7\r\npending\r\n:0\r\n$4\r\nidle\r\n:61000\r\n\
         *6\r\n$4\r\nname\r\n$2\r\nw2\r\n$7\r\npending\r\n:0\r\n$4\r\nidle\r\n:0\r\n"
    );
    assert_eq!(
        rescuer.run(&["xinfo", "groups", "jobs"]),
        "*1\r\n*12\r\n$4\r\nname\r\n$7\r\nworkers\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:0\r\n\
         $17\r\nlast-delivered-id\r\n$3\r\n5-0\r\n$12\r\nentries-read\r\n:5\r\n$3\r\nlag\r\n:0\r\n"
    );
}

#[test]
fn claimed_jobs_whose_entries_were_deleted_leave_the_pel() {
    let mut t = client();
    t.run(&["xgroup", "create", "q", "g", "$", "mkstream"]);
    for i in 1..=4 {
        t.run(&["xadd", "q", &format!("{i}-0"), "job", &i.to_string()]);
    }
    t.run(&["xreadgroup", "group", "g", "w1", "streams", "q", ">"]);
    t.run(&["xdel", "q", "2-0", "3-0"]);
    t.advance_ms(10);
    assert_eq!(
        t.run(&[
            "xautoclaim",
            "q",
            "g",
            "w2",
            "5",
            "0",
            "count",
            "3",
            "justid"
        ]),
        "*3\r\n$3\r\n4-0\r\n*1\r\n$3\r\n1-0\r\n*2\r\n$3\r\n2-0\r\n$3\r\n3-0\r\n"
    );
    assert_eq!(
        t.run(&["xautoclaim", "q", "g", "w2", "5", "4-0", "justid"]),
        "*3\r\n$3\r\n0-0\r\n*1\r\n$3\r\n4-0\r\n*0\r\n"
    );
    assert_eq!(
        t.run(&["xpending", "q", "g"]),
        "*4\r\n:2\r\n$3\r\n1-0\r\n$3\r\n4-0\r\n*1\r\n*2\r\n$2\r\nw2\r\n$1\r\n2\r\n"
    );
    // A consumer's history shows deleted entries as an id and a null.
    t.run(&["xreadgroup", "group", "g", "w3", "streams", "q", ">"]);
    t.run(&["xclaim", "q", "g", "w3", "0", "1-0", "justid"]);
    t.run(&["xdel", "q", "1-0"]);
    assert_eq!(
        t.run(&["xreadgroup", "group", "g", "w3", "streams", "q", "0"]),
        "*1\r\n*2\r\n$1\r\nq\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*-1\r\n"
    );
}

#[test]
fn xclaim_idle_time_and_retry_options() {
    let mut t = client();
    let now: i64 = 1_700_000_000_000;
    t.run(&["xadd", "s", "1-0", "a", "1"]);
    t.run(&["xgroup", "create", "s", "g", "0"]);
    t.run(&["xreadgroup", "group", "g", "alice", "streams", "s", ">"]);
    t.advance_ms(100);
    assert_eq!(
        t.run(&["xclaim", "s", "g", "bob", "200", "1-0", "justid"]),
        "*0\r\n",
        "idle 100 < 200"
    );
    assert_eq!(
        t.run(&[
            "xclaim", "s", "g", "bob", "50", "1-0", "idle", "5000", "justid"
        ]),
        "*1\r\n$3\r\n1-0\r\n"
    );
    assert_eq!(
        t.run(&["xpending", "s", "g", "-", "+", "1"]),
        "*1\r\n*4\r\n$3\r\n1-0\r\n$3\r\nbob\r\n:5000\r\n:1\r\n"
    );
    t.run(&[
        "xclaim",
        "s",
        "g",
        "bob",
        "0",
        "1-0",
        "time",
        &(now - 7).to_string(),
        "retrycount",
        "9",
    ]);
    assert_eq!(
        t.run(&["xpending", "s", "g", "-", "+", "1"]),
        "*1\r\n*4\r\n$3\r\n1-0\r\n$3\r\nbob\r\n:107\r\n:9\r\n"
    );
    // A time in the future is taken as now.
    t.run(&[
        "xclaim",
        "s",
        "g",
        "bob",
        "0",
        "1-0",
        "time",
        "99999999999999",
    ]);
    assert_eq!(
        t.run(&["xpending", "s", "g", "-", "+", "1"]),
        "*1\r\n*4\r\n$3\r\n1-0\r\n$3\r\nbob\r\n:0\r\n:10\r\n"
    );
    let full = t.run(&["xinfo", "stream", "s", "full"]);
    let delivered = (now + 100).to_string();
    assert!(
        full.contains(&format!(
            "*4\r\n$3\r\n1-0\r\n$3\r\nbob\r\n:{delivered}\r\n:10\r\n"
        )),
        "{full}"
    );
    assert!(
        full.contains(&format!("$9\r\nseen-time\r\n:{delivered}\r\n")),
        "{full}"
    );
}

#[test]
fn ids_stay_monotonic_when_the_clock_goes_back() {
    let mut t = client();
    let ms = t.now.unix_ms();
    assert_eq!(
        t.run(&["xadd", "s", "*", "a", "1"]),
        format!("$15\r\n{ms}-0\r\n")
    );
    t.now.unix_us -= 5_000_000;
    assert_eq!(
        t.run(&["xadd", "s", "*", "a", "1"]),
        format!("$15\r\n{ms}-1\r\n")
    );
    t.now.unix_us += 10_000_000;
    let later = ms + 5000;
    assert_eq!(
        t.run(&["xadd", "s", "*", "a", "1"]),
        format!("$15\r\n{later}-0\r\n")
    );
    assert_eq!(
        t.run(&["xadd", "s", &format!("{later}-*"), "a", "1"]),
        format!("$15\r\n{later}-1\r\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Keyspace integration, WATCH, bounds
// ---------------------------------------------------------------------------------------------

#[test]
fn streams_live_in_the_keyspace_like_other_values() {
    let mut t = client();
    t.run(&["xadd", "s", "1-0", "a", "1"]);
    t.run(&["xgroup", "create", "s", "g", "0"]);
    assert_eq!(t.run(&["type", "s"]), "+stream\r\n");
    assert_eq!(t.run(&["object", "encoding", "s"]), "$6\r\nstream\r\n");
    assert_eq!(t.run(&["copy", "s", "s2"]), ":1\r\n");
    t.run(&["xadd", "s2", "2-0", "b", "2"]);
    assert_eq!(t.run(&["xlen", "s"]), ":1\r\n");
    assert_eq!(t.run(&["xlen", "s2"]), ":2\r\n");
    assert_eq!(t.run(&["rename", "s2", "s3"]), "+OK\r\n");
    assert_eq!(t.run(&["xinfo", "groups", "s3"]).matches("name").count(), 1);
    // An emptied stream stays (unlike lists or sets).
    t.run(&["xdel", "s", "1-0"]);
    assert_eq!(t.run(&["exists", "s"]), ":1\r\n");
    assert_eq!(t.run(&["pexpire", "s", "10"]), ":1\r\n");
    t.advance_ms(20);
    assert_eq!(t.run(&["xlen", "s"]), ":0\r\n");
    assert_eq!(t.run(&["exists", "s"]), ":0\r\n");
}

#[test]
fn watch_sees_entry_changes_not_group_changes() {
    let (mut a, mut b) = pair();
    a.run(&["xadd", "s", "1-0", "a", "1"]);
    a.run(&["xgroup", "create", "s", "g", "0"]);
    // As in Redis, group bookkeeping does not touch the key.
    for change in [
        &["xreadgroup", "group", "g", "c", "streams", "s", ">"][..],
        &["xack", "s", "g", "1-0"],
        &["xgroup", "setid", "s", "g", "0"],
        &["xgroup", "createconsumer", "s", "g", "c2"],
        &["xsetid", "s", "5-0"],
    ] {
        a.run(&["watch", "s"]);
        b.run(change);
        a.run(&["multi"]);
        a.run(&["xlen", "s"]);
        assert_eq!(a.run(&["exec"]), "*1\r\n:1\r\n", "{change:?}");
    }
    for change in [
        &["xadd", "s", "6-0", "b", "2"][..],
        &["xdel", "s", "6-0"],
        &["xtrim", "s", "maxlen", "0"],
    ] {
        a.run(&["watch", "s"]);
        b.run(change);
        a.run(&["multi"]);
        a.run(&["xlen", "s"]);
        assert_eq!(a.run(&["exec"]), "*-1\r\n", "{change:?}");
    }
}

#[test]
fn huge_counts_allocate_only_what_exists() {
    let mut t = client();
    xfill(&mut t, "s", 3);
    t.run(&["xgroup", "create", "s", "g", "0"]);
    let max = "9223372036854775807";
    assert!(
        t.run(&["xrange", "s", "-", "+", "count", max])
            .starts_with("*3\r\n")
    );
    assert!(
        t.run(&["xrevrange", "s", "+", "-", "count", max])
            .starts_with("*3\r\n")
    );
    assert!(
        t.run(&["xread", "count", max, "streams", "s", "0"])
            .starts_with("*1\r\n")
    );
    assert!(
        t.run(&[
            "xreadgroup",
            "group",
            "g",
            "c",
            "count",
            max,
            "streams",
            "s",
            ">"
        ])
        .starts_with("*1\r\n")
    );
    assert!(
        t.run(&["xpending", "s", "g", "-", "+", max])
            .starts_with("*3\r\n")
    );
    assert!(
        t.run(&["xinfo", "stream", "s", "full", "count", max])
            .starts_with("*18\r\n")
    );
    // Redis allocates COUNT * 16 bytes up front here; this only keeps what it finds.
    assert!(
        t.run(&[
            "xautoclaim",
            "s",
            "g",
            "c",
            "0",
            "0",
            "count",
            "576460752303423487"
        ])
        .starts_with("*3\r\n$3\r\n0-0\r\n*3\r\n")
    );
}

#[test]
fn command_table_rows_lock_and_route() {
    let commands = crate::command::Commands::get();
    for name in [
        "xadd",
        "xread",
        "xreadgroup",
        "xgroup",
        "xinfo",
        "xautoclaim",
        "xsetid",
    ] {
        assert!(commands.lookup(name.as_bytes()).is_some(), "{name}");
    }
    // XREAD's keys come after STREAMS: none from the table, the handler locks them.
    let xread = commands.lookup(b"xread").unwrap();
    assert_eq!(xread.key_positions(6).count(), 0);
    let create = &commands.lookup(b"xgroup").unwrap().subcommands["create"];
    assert_eq!(create.key_positions(5).collect::<Vec<_>>(), vec![2]);
}

#[test]
fn help_replies_have_redis_shape() {
    let mut t = client();
    for (command, lines) in [("xgroup", 11), ("xinfo", 6)] {
        let reply = t.run(&[command, "help"]);
        let upper = command.to_ascii_uppercase();
        assert!(
            reply.starts_with(&format!(
                "*{}\r\n+{upper} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n",
                lines + 3
            )),
            "{reply}"
        );
        assert!(
            reply.ends_with("+HELP\r\n+    Prints this help.\r\n"),
            "{reply}"
        );
    }
}
