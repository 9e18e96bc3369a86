//! Eviction tests. Unit tests have no allocator count, so they measure memory with
//! [`dataset_bytes`] (or a fixed figure) through `testing::client_with_memory`; the black-box
//! test of the real binary is `tests/tests/eviction.rs`. Error texts and CONFIG replies were
//! checked against redis-server 7.0.15.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::sync::atomic::Ordering::Relaxed;

use super::*;
use crate::config::Config;
use crate::testing::{TestClient, client, client_with_memory};

thread_local! {
    /// The engine whose data set the current test thread measures.
    static MEASURED: Cell<Option<&'static Engine>> = const { Cell::new(None) };
    /// A fixed "used memory" for tests that only need to be over or under the limit.
    static FIXED: Cell<u64> = const { Cell::new(0) };
}

fn measured() -> u64 {
    MEASURED.with(|e| e.get().map_or(0, |engine| dataset_bytes(&engine.keyspace)))
}

fn fixed() -> u64 {
    FIXED.with(Cell::get)
}

/// A client whose engine's used memory is its data set's size.
fn measured_client(policy: &str, samples: u32) -> TestClient {
    let config = Config {
        maxmemory_policy: Policy::parse(policy).expect("policy"),
        maxmemory_samples: samples,
        ..Config::default()
    };
    let t = client_with_memory(config, measured);
    MEASURED.with(|e| e.set(Some(t.engine)));
    t
}

fn fixed_client(used: u64) -> TestClient {
    FIXED.with(|f| f.set(used));
    client_with_memory(Config::default(), fixed)
}

fn evicted(t: &TestClient) -> u64 {
    t.engine.keyspace.stats.evicted_keys.load(Relaxed)
}

fn keys(t: &mut TestClient) -> BTreeSet<String> {
    let reply = t.run(&["keys", "*"]);
    reply
        .split("\r\n")
        .skip(1)
        .filter(|line| !line.starts_with('$') && !line.is_empty())
        .map(str::to_string)
        .collect()
}

const OOM_REPLY: &str = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";

#[test]
fn config_parameters_as_redis_has_them() {
    let mut t = client();
    assert_eq!(
        t.run(&["config", "get", "maxmemory"]),
        "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n"
    );
    for (name, default) in [
        ("maxmemory-policy", "noeviction"),
        ("maxmemory-samples", "5"),
        ("lfu-log-factor", "10"),
        ("lfu-decay-time", "1"),
    ] {
        assert_eq!(
            t.run(&["config", "get", name]),
            format!(
                "*2\r\n${}\r\n{name}\r\n${}\r\n{default}\r\n",
                name.len(),
                default.len()
            )
        );
    }
    assert_eq!(t.run(&["config", "set", "maxmemory", "20mb"]), "+OK\r\n");
    assert_eq!(
        t.run(&["config", "get", "maxmemory"]),
        "*2\r\n$9\r\nmaxmemory\r\n$8\r\n20971520\r\n"
    );
    for bad in ["1.5gb", "-1", "abc"] {
        assert_eq!(
            t.run(&["config", "set", "maxmemory", bad]),
            "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n"
        );
    }
    assert_eq!(
        t.run(&["config", "set", "maxmemory-policy", "ALLKEYS-LFU"]),
        "+OK\r\n"
    );
    assert_eq!(
        t.run(&["config", "get", "maxmemory-policy"]),
        "*2\r\n$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lfu\r\n"
    );
    assert_eq!(
        t.run(&["config", "set", "maxmemory-policy", "bogus"]),
        "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction\r\n"
    );
    assert_eq!(
        t.run(&["config", "set", "maxmemory-samples", "0"]),
        "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-samples') - argument must be between 1 and 2147483647 inclusive\r\n"
    );
    for name in ["lfu-log-factor", "lfu-decay-time"] {
        assert_eq!(
            t.run(&["config", "set", name, "-1"]),
            format!(
                "-ERR CONFIG SET failed (possibly related to argument '{name}') - argument must be between 0 and 2147483647 inclusive\r\n"
            )
        );
        assert_eq!(t.run(&["config", "set", name, "2147483647"]), "+OK\r\n");
    }
    assert_eq!(
        t.run(&["config", "set", "maxmemory-samples", "65"]),
        "+OK\r\n"
    );
    let info = t.run(&["info", "memory"]);
    assert!(
        info.contains(
            "maxmemory:20971520\r\nmaxmemory_human:20.00M\r\nmaxmemory_policy:allkeys-lfu\r\n"
        ),
        "{info}"
    );
    assert!(t.run(&["info", "stats"]).contains("evicted_keys:0\r\n"));
}

#[test]
fn noeviction_refuses_denyoom_commands_only() {
    let mut t = fixed_client(1_000);
    assert_eq!(t.run(&["set", "a", "1"]), "+OK\r\n");
    assert_eq!(t.run(&["config", "set", "maxmemory", "999"]), "+OK\r\n");
    assert_eq!(t.run(&["set", "k", "v"]), OOM_REPLY);
    assert_eq!(t.run(&["rpush", "l", "v"]), OOM_REPLY);
    assert_eq!(t.run(&["sort", "a", "store", "d"]), OOM_REPLY);
    assert_eq!(t.run(&["get", "a"]), "$1\r\n1\r\n");
    assert_eq!(t.run(&["sort_ro", "missing"]), "*0\r\n");
    assert_eq!(t.run(&["del", "a"]), ":1\r\n");
    // Nothing is evicted under noeviction, and errors count as such.
    assert_eq!(evicted(&t), 0);
    let info = t.run(&["info", "stats"]);
    assert!(info.contains("total_error_replies:3\r\n"), "{info}");
    // Back under the limit: writes work again.
    FIXED.with(|f| f.set(10));
    assert_eq!(t.run(&["set", "k", "v"]), "+OK\r\n");
}

#[test]
fn transactions_under_memory_pressure() {
    let mut t = fixed_client(1_000);
    let mut other = TestClient::connect(t.engine, t.now);
    // Queued while there was room; EXEC is refused once memory is over.
    assert_eq!(t.run(&["multi"]), "+OK\r\n");
    assert_eq!(t.run(&["set", "k", "v"]), "+QUEUED\r\n");
    assert_eq!(other.run(&["config", "set", "maxmemory", "1"]), "+OK\r\n");
    assert_eq!(
        t.run(&["exec"]),
        "-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.\r\n"
    );
    // Inside MULTI even reads are refused (queueing uses memory) and doom the transaction;
    // MULTI and DISCARD themselves run.
    assert_eq!(t.run(&["multi"]), "+OK\r\n");
    assert_eq!(t.run(&["get", "a"]), OOM_REPLY);
    assert_eq!(
        t.run(&["exec"]),
        "-EXECABORT Transaction discarded because of previous errors.\r\n"
    );
    assert_eq!(t.run(&["multi"]), "+OK\r\n");
    assert_eq!(t.run(&["discard"]), "+OK\r\n");
    // A transaction of reads queued before the pressure runs.
    other.run(&["config", "set", "maxmemory", "0"]);
    assert_eq!(t.run(&["multi"]), "+OK\r\n");
    assert_eq!(t.run(&["get", "k"]), "+QUEUED\r\n");
    other.run(&["config", "set", "maxmemory", "1"]);
    assert_eq!(t.run(&["exec"]), "*1\r\n$-1\r\n");
    // Unknown commands and arity errors are reported as such, before the memory check.
    assert_eq!(
        t.run(&["get"]),
        "-ERR wrong number of arguments for 'get' command\r\n"
    );
}

/// Fills `n` keys `key:{i}` with 100-byte values.
fn fill(t: &mut TestClient, n: usize) {
    let value = "x".repeat(100);
    for i in 0..n {
        assert_eq!(t.run(&["set", &format!("key:{i}"), &value]), "+OK\r\n");
    }
}

#[test]
fn allkeys_lru_keeps_memory_under_the_limit_and_recent_keys() {
    let mut t = measured_client("allkeys-lru", 5);
    fill(&mut t, 400);
    let full = measured();
    let limit = full / 2;
    // Old keys: untouched for an hour. Recent: the last 50 read a minute ago.
    t.advance_ms(3_600_000);
    for i in 0..50 {
        t.run(&["get", &format!("key:{i}")]);
    }
    t.advance_ms(60_000);
    t.run(&["config", "set", "maxmemory", &limit.to_string()]);
    assert_eq!(t.run(&["set", "new", "v"]), "+OK\r\n");
    // Evictions run before each command: the write itself may go over, the next comes back.
    assert_eq!(t.run(&["ping"]), "+PONG\r\n");
    assert!(measured() <= limit, "{} > {limit}", measured());
    assert!(evicted(&t) > 100, "{}", evicted(&t));
    let left = keys(&mut t);
    let hot = (0..50)
        .filter(|i| left.contains(&format!("key:{i}")))
        .count();
    let cold = (50..400)
        .filter(|i| left.contains(&format!("key:{i}")))
        .count();
    // Sampling is approximate, but the recently read keys must fare far better.
    assert!(hot >= 45, "hot survivors {hot}");
    assert!(cold * 100 / 350 < 70, "cold survivors {cold}");
    let info = t.run(&["info", "stats"]);
    assert!(info.contains(&format!("evicted_keys:{}\r\n", evicted(&t))));
}

#[test]
fn allkeys_lfu_keeps_frequently_used_keys() {
    let mut t = measured_client("allkeys-lfu", 10);
    fill(&mut t, 300);
    assert_eq!(t.run(&["object", "freq", "key:0"]), ":5\r\n");
    for _ in 0..30 {
        for i in 0..40 {
            t.run(&["get", &format!("key:{i}")]);
        }
    }
    let freq: i64 = t.run(&["object", "freq", "key:0"])[1..]
        .trim()
        .parse()
        .unwrap();
    assert!(freq > 6, "{freq}");
    let limit = measured() / 2;
    t.run(&["config", "set", "maxmemory", &limit.to_string()]);
    t.run(&["set", "new", "v"]);
    t.run(&["ping"]);
    assert!(measured() <= limit);
    let left = keys(&mut t);
    let hot = (0..40)
        .filter(|i| left.contains(&format!("key:{i}")))
        .count();
    assert!(hot >= 38, "hot survivors {hot}");
}

#[test]
fn volatile_policies_only_evict_keys_with_a_ttl() {
    for policy in [
        "volatile-lru",
        "volatile-lfu",
        "volatile-random",
        "volatile-ttl",
    ] {
        let mut t = measured_client(policy, 5);
        fill(&mut t, 100);
        for i in 0..50 {
            t.run(&["expire", &format!("key:{i}"), &(1_000 + i).to_string()]);
        }
        // Half the data set: only the 50 volatile keys can go, which is about enough.
        let limit = measured() * 60 / 100;
        t.run(&["config", "set", "maxmemory", &limit.to_string()]);
        assert_eq!(t.run(&["set", "new", "v"]), "+OK\r\n", "{policy}");
        let left = keys(&mut t);
        for i in 50..100 {
            assert!(
                left.contains(&format!("key:{i}")),
                "{policy}: key:{i} evicted"
            );
        }
        assert!(evicted(&t) > 0, "{policy}");
        // Below what persistent keys alone need: everything volatile goes, then OOM.
        t.run(&["config", "set", "maxmemory", "100"]);
        assert_eq!(t.run(&["set", "new2", "v"]), OOM_REPLY, "{policy}");
        let left = keys(&mut t);
        assert!(
            left.iter()
                .all(|k| !k.starts_with("key:") || k[4..].parse::<usize>().unwrap() >= 50)
        );
        assert_eq!(
            t.run(&["get", "key:60"]),
            format!("$100\r\n{}\r\n", "x".repeat(100))
        );
    }
}

#[test]
fn volatile_ttl_prefers_the_soonest_deadlines() {
    let mut t = measured_client("volatile-ttl", 10);
    fill(&mut t, 200);
    for i in 0..200 {
        t.run(&[
            "expire",
            &format!("key:{i}"),
            &(10_000 + i * 100).to_string(),
        ]);
    }
    let limit = measured() * 70 / 100;
    t.run(&["config", "set", "maxmemory", &limit.to_string()]);
    t.run(&["set", "new", "v"]);
    let left = keys(&mut t);
    let early = (0..60)
        .filter(|i| left.contains(&format!("key:{i}")))
        .count();
    let late = (140..200)
        .filter(|i| left.contains(&format!("key:{i}")))
        .count();
    assert!(late > early + 20, "early {early} late {late}");
}

#[test]
fn random_policies_and_empty_keyspaces() {
    let mut t = measured_client("allkeys-random", 5);
    fill(&mut t, 100);
    let limit = measured() / 2;
    t.run(&["config", "set", "maxmemory", &limit.to_string()]);
    assert_eq!(t.run(&["set", "new", "v"]), "+OK\r\n");
    t.run(&["ping"]);
    assert!(measured() <= limit);
    assert!((40..=60).contains(&evicted(&t)), "{}", evicted(&t));
    // Keys of every database are candidates: a limit of 1 byte empties database 0 before a
    // write to database 3, and that key before the next command.
    t.run(&["select", "3"]);
    t.run(&["config", "set", "maxmemory", "1"]);
    assert_eq!(t.run(&["set", "k", "v"]), "+OK\r\n");
    assert_eq!(t.run(&["dbsize"]), ":0\r\n");
    t.run(&["select", "0"]);
    assert_eq!(t.run(&["dbsize"]), ":0\r\n");
    // Nothing left to evict: a limit below what the server needs refuses writes.
    FIXED.with(|f| f.set(1_000));
    let mut u = fixed_client(1_000);
    u.run(&["config", "set", "maxmemory-policy", "allkeys-random"]);
    u.run(&["config", "set", "maxmemory", "10"]);
    assert_eq!(u.run(&["set", "k", "v"]), OOM_REPLY);
}

#[test]
fn eviction_replays_under_a_seed() {
    let run = || {
        let mut t = measured_client("allkeys-lru", 5);
        fill(&mut t, 200);
        t.run(&["config", "set", "maxmemory", &(measured() / 3).to_string()]);
        t.run(&["set", "new", "v"]);
        keys(&mut t)
    };
    assert_eq!(run(), run());
}

#[test]
fn evicted_keys_touch_watchers() {
    let mut t = measured_client("allkeys-random", 5);
    fill(&mut t, 20);
    assert_eq!(t.run(&["watch", "key:1", "key:2", "key:3"]), "+OK\r\n");
    let mut other = TestClient::connect(t.engine, t.now);
    other.run(&["config", "set", "maxmemory", "1"]);
    assert_eq!(other.run(&["dbsize"]), ":0\r\n");
    assert_eq!(evicted(&t), 20);
    assert_eq!(t.run(&["multi"]), "+OK\r\n");
    assert_eq!(t.run(&["exec"]), "*-1\r\n");
}

#[test]
fn object_freq_and_idletime_follow_the_policy() {
    let mut t = client();
    t.run(&["set", "k", "v"]);
    assert_eq!(
        t.run(&["object", "freq", "k"]),
        "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"
    );
    t.run(&["config", "set", "maxmemory-policy", "volatile-lfu"]);
    t.run(&["set", "k2", "v"]);
    assert_eq!(t.run(&["object", "freq", "k2"]), ":5\r\n");
    assert_eq!(t.run(&["get", "k2"]), "$1\r\nv\r\n");
    assert_eq!(t.run(&["object", "freq", "k2"]), ":6\r\n");
    // Overwriting keeps the counter, as Redis's dbSetValue does (the write lookup counts).
    assert_eq!(t.run(&["set", "k2", "w"]), "+OK\r\n");
    let freq = t.run(&["object", "freq", "k2"]);
    assert!(freq == ":6\r\n" || freq == ":7\r\n", "{freq}");
    assert_eq!(
        t.run(&["object", "idletime", "k2"]),
        "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"
    );
    assert_eq!(t.run(&["object", "freq", "nokey"]), "$-1\r\n");
    assert_eq!(t.run(&["object", "idletime", "nokey"]), "$-1\r\n");
    // The counter decays by a minute per lfu-decay-time, read without being stored.
    t.advance_ms(3 * 60_000);
    let now = t.run(&["object", "freq", "k2"]);
    assert!(now == ":3\r\n" || now == ":4\r\n", "{now}");
    t.run(&["config", "set", "lfu-decay-time", "0"]);
    assert_eq!(t.run(&["object", "freq", "k2"]), freq);
    t.run(&["config", "set", "maxmemory-policy", "allkeys-lru"]);
    t.run(&["set", "k3", "v"]);
    t.advance_ms(5_000);
    assert_eq!(t.run(&["object", "idletime", "k3"]), ":5\r\n");
}

#[test]
fn pool_keeps_the_best_candidates_in_order() {
    let mut pool = Vec::new();
    let candidate = |idle: u64, key: &str| Candidate {
        idle,
        db: 0,
        key: key.as_bytes().into(),
    };
    for i in 0..20u64 {
        offer(&mut pool, candidate(i * 7 % 20, &format!("k{i}")));
    }
    assert_eq!(pool.len(), POOL_SIZE);
    let idles: Vec<u64> = pool.iter().map(|c| c.idle).collect();
    assert_eq!(idles, (4..20).collect::<Vec<_>>());
    // Not better than the worst kept: refused. Already present: ignored.
    offer(&mut pool, candidate(1, "low"));
    assert!(pool.iter().all(|c| &c.key[..] != b"low"));
    let best = pool.last().unwrap().key.clone();
    offer(
        &mut pool,
        Candidate {
            idle: 0,
            db: 0,
            key: best,
        },
    );
    assert_eq!(pool.len(), POOL_SIZE);
    assert_eq!(pool.last().unwrap().idle, 19);
}

#[test]
fn evictions_are_logged_as_deletions() {
    let config = Config {
        maxmemory_policy: Policy::AllkeysRandom,
        appendonly: true,
        appendfsync: crate::aof::Fsync::Always,
        ..Config::default()
    };
    FIXED.with(|f| f.set(0));
    let mut t = client_with_memory(config, fixed);
    t.run(&["set", "a", "1"]);
    t.run(&["set", "b", "2"]);
    FIXED.with(|f| f.set(1_000));
    t.run(&["config", "set", "maxmemory", "500"]);
    // Over the limit: the next command evicts until nothing is left (the figure is fixed).
    t.run(&["get", "a"]);
    assert_eq!(evicted(&t), 2);
    let (tail, _) = t.engine.aof.take_tail();
    let mut dels = Vec::new();
    crate::aof::record::read_all(&tail, 0, |r| {
        for (_, args) in r.commands {
            if args[0] == b"DEL" {
                dels.push(String::from_utf8(args[1].clone()).unwrap());
            }
        }
    })
    .expect("well-formed records");
    dels.sort();
    assert_eq!(dels, ["a", "b"]);
}
