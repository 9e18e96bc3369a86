//! Black-box tests of `maxmemory` on the real binary, whose `used_memory` is its counting
//! allocator's exact figure: with `allkeys-lru` a 100 MB write stream stays near a 20 MB
//! limit, evicts, and keeps the keys that are being read; with `noeviction` writes get the OOM
//! error while reads and deletes still work.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

mod common;

use std::time::Duration;

use common::{Conn, Server, encode, info_field};

const MB: u64 = 1024 * 1024;

fn used_memory(conn: &mut Conn) -> u64 {
    let info = conn.cmd(&["INFO", "memory"]);
    info_field(&info, "used_memory")
        .and_then(|v| v.parse().ok())
        .expect("used_memory in INFO")
}

fn evicted_keys(conn: &mut Conn) -> u64 {
    let info = conn.cmd(&["INFO", "stats"]);
    info_field(&info, "evicted_keys")
        .and_then(|v| v.parse().ok())
        .expect("evicted_keys in INFO")
}

/// Sends the commands as one pipeline and checks every reply is `expected`.
fn pipeline(conn: &mut Conn, commands: &[Vec<Vec<u8>>], expected: &str) {
    let mut batch = Vec::new();
    for command in commands {
        let args: Vec<&[u8]> = command.iter().map(Vec::as_slice).collect();
        batch.extend(encode(&args));
    }
    conn.send_raw(&batch);
    for command in commands {
        let reply = conn.read_reply();
        assert!(
            reply.starts_with(expected),
            "{:?}: {reply:?}",
            String::from_utf8_lossy(&command[0])
        );
    }
}

fn set(key: String, value: &[u8]) -> Vec<Vec<u8>> {
    vec![b"SET".to_vec(), key.into_bytes(), value.to_vec()]
}

fn get(key: String) -> Vec<Vec<u8>> {
    vec![b"GET".to_vec(), key.into_bytes()]
}

fn exists(conn: &mut Conn, key: &str) -> bool {
    conn.cmd(&["EXISTS", key]) == ":1\r\n"
}

#[test]
fn allkeys_lru_stays_near_the_limit_and_keeps_hot_keys() {
    let server = Server::ferrite(&["--maxmemory", "20mb", "--maxmemory-policy", "allkeys-lru"]);
    let mut conn = server.connect();
    assert_eq!(
        conn.cmd(&["CONFIG", "GET", "maxmemory-policy"]),
        "*2\r\n$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lru\r\n"
    );
    const KEYS_PER_GROUP: usize = 1000;
    let value = vec![b'v'; 4096];
    // Cold and hot keys, written first; then a second passes so that the LRU clock (1 s
    // resolution, as in Redis) tells them apart from what follows.
    let cold: Vec<_> = (0..KEYS_PER_GROUP)
        .map(|i| set(format!("cold:{i}"), &value))
        .collect();
    let hot: Vec<_> = (0..KEYS_PER_GROUP)
        .map(|i| set(format!("hot:{i}"), &value))
        .collect();
    pipeline(&mut conn, &cold, "+OK");
    pipeline(&mut conn, &hot, "+OK");
    std::thread::sleep(Duration::from_millis(2100));
    // 100 MB of filler in batches paced over about ten seconds, so that what the limit holds
    // spans a few ticks of the 1 s LRU clock; the hot keys are read after every batch, the
    // filler and the cold keys age.
    let filler_total = 100 * MB as usize / value.len();
    let batch = 500;
    let reads: Vec<_> = (0..KEYS_PER_GROUP)
        .map(|i| get(format!("hot:{i}")))
        .collect();
    let mut peak = 0;
    for start in (0..filler_total).step_by(batch) {
        let writes: Vec<_> = (start..(start + batch).min(filler_total))
            .map(|i| set(format!("filler:{i}"), &value))
            .collect();
        pipeline(&mut conn, &writes, "+OK");
        // A hot key may have been evicted before its first read: any bulk or null is fine.
        pipeline(&mut conn, &reads, "$");
        peak = peak.max(used_memory(&mut conn));
        std::thread::sleep(Duration::from_millis(200));
    }
    peak = peak.max(used_memory(&mut conn));
    // The allocator's count covers everything (buffers, the key index, tokio): allow a
    // margin over the limit, but nothing like the 100 MB written.
    assert!(peak < 30 * MB, "used_memory peaked at {peak}");
    let evicted = evicted_keys(&mut conn);
    assert!(
        evicted as usize > filler_total / 2,
        "evicted_keys {evicted}"
    );
    let hot_left = (0..KEYS_PER_GROUP)
        .filter(|i| exists(&mut conn, &format!("hot:{i}")))
        .count();
    let cold_left = (0..KEYS_PER_GROUP)
        .filter(|i| exists(&mut conn, &format!("cold:{i}")))
        .count();
    assert!(
        hot_left > 3 * cold_left.max(10),
        "hot keys left {hot_left}, cold keys left {cold_left}"
    );
    assert!(hot_left > KEYS_PER_GROUP / 2, "hot keys left {hot_left}");
}

#[test]
fn noeviction_refuses_writes_over_the_limit() {
    let server = Server::ferrite(&["--maxmemory", "4mb"]);
    let mut conn = server.connect();
    let info = conn.cmd(&["INFO", "memory"]);
    assert_eq!(info_field(&info, "maxmemory").as_deref(), Some("4194304"));
    assert_eq!(
        info_field(&info, "maxmemory_human").as_deref(),
        Some("4.00M")
    );
    assert_eq!(
        info_field(&info, "maxmemory_policy").as_deref(),
        Some("noeviction")
    );
    let value = "x".repeat(100_000);
    let mut written = 0;
    let refusal = loop {
        let reply = conn.cmd(&["SET", &format!("k{written}"), &value]);
        if reply != "+OK\r\n" {
            break reply;
        }
        written += 1;
        assert!(written < 100, "never refused after {written} writes");
    };
    assert_eq!(
        refusal,
        "-OOM command not allowed when used memory > 'maxmemory'.\r\n"
    );
    assert!(written >= 20, "refused after only {written} writes");
    // Reads and deletes still run; nothing was evicted.
    assert_eq!(conn.cmd(&["STRLEN", "k0"]), ":100000\r\n");
    assert_eq!(evicted_keys(&mut conn), 0);
    assert_eq!(
        conn.cmd(&["SET", "again", &value]),
        "-OOM command not allowed when used memory > 'maxmemory'.\r\n"
    );
    let keys: Vec<String> = (0..written).map(|i| format!("k{i}")).collect();
    let mut del = vec!["DEL"];
    del.extend(keys.iter().map(String::as_str));
    assert_eq!(conn.cmd(&del), format!(":{written}\r\n"));
    assert_eq!(conn.cmd(&["SET", "k", "v"]), "+OK\r\n");
    // Raising the limit at runtime lets writes through again.
    assert_eq!(conn.cmd(&["CONFIG", "SET", "maxmemory", "0"]), "+OK\r\n");
    assert_eq!(conn.cmd(&["SET", "big", &value]), "+OK\r\n");
}
