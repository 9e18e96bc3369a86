//! DUMP and RESTORE through sessions: Redis 7.0.15's replies and error order (recorded with
//! redis-cli against a live server), notifications, WATCH, TTLs, idle time and encodings.

use bytes::Bytes;

use crate::rdb::{crc64, dump_payload};
use crate::testing::{TestClient, client};

/// Runs a command with binary arguments and returns the raw reply bytes.
fn raw(t: &mut TestClient, args: &[&[u8]]) -> Vec<u8> {
    let args: Vec<Bytes> = args.iter().map(|a| Bytes::copy_from_slice(a)).collect();
    t.session.execute(t.engine, &args, t.now);
    t.session.out.buf.split().to_vec()
}

/// The payload DUMP replies for `key`.
fn dump(t: &mut TestClient, key: &str) -> Vec<u8> {
    let reply = raw(t, &[b"dump", key.as_bytes()]);
    let header_end = reply.iter().position(|&b| b == b'\n').unwrap() + 1;
    assert_eq!(reply[0], b'$', "{}", String::from_utf8_lossy(&reply));
    reply[header_end..reply.len() - 2].to_vec()
}

fn restore(t: &mut TestClient, key: &str, ttl: &str, payload: &[u8], options: &[&str]) -> String {
    let mut args: Vec<&[u8]> = vec![b"restore", key.as_bytes(), ttl.as_bytes(), payload];
    args.extend(options.iter().map(|o| o.as_bytes()));
    String::from_utf8_lossy(&raw(t, &args)).into_owned()
}

/// A payload with a valid footer around `body`.
fn payload(body: &[u8], version: u16) -> Vec<u8> {
    let mut out = body.to_vec();
    out.extend_from_slice(&version.to_le_bytes());
    let crc = crc64::update(0, &out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

#[test]
fn dump_replies_redis_bytes_and_null_for_missing_keys() {
    let mut t = client();
    assert_eq!(t.run(&["dump", "nokey"]), "$-1\r\n");
    t.run(&["set", "k", "12345"]);
    // Recorded from redis-server 7.0.15.
    let expected = [
        0x00, 0xc1, 0x39, 0x30, 0x0a, 0x00, 0x9d, 0x94, 0xea, 0x27, 0x93, 0xfc, 0x08, 0xb9,
    ];
    assert_eq!(dump(&mut t, "k"), expected);
    t.run(&["hset", "h", "a", "1"]);
    t.run(&["hpexpire", "h", "10", "fields", "1", "a"]);
    t.advance_ms(20);
    assert_eq!(t.run(&["dump", "h"]), "$-1\r\n", "every field expired");
}

#[test]
fn restore_errors_in_redis_order() {
    let mut t = client();
    t.run(&["set", "src", "hello"]);
    let p = dump(&mut t, "src");
    assert_eq!(restore(&mut t, "a", "0", &p, &[]), "+OK\r\n");
    let cases: &[(&str, &str, &[&str], &str)] = &[
        (
            "a",
            "0",
            &[],
            "-BUSYKEY Target key name already exists.\r\n",
        ),
        // BUSYKEY before the TTL is looked at.
        (
            "a",
            "-1",
            &[],
            "-BUSYKEY Target key name already exists.\r\n",
        ),
        ("b", "-1", &[], "-ERR Invalid TTL value, must be >= 0\r\n"),
        (
            "b",
            "x",
            &[],
            "-ERR value is not an integer or out of range\r\n",
        ),
        ("b", "0", &["foo"], "-ERR syntax error\r\n"),
        (
            "b",
            "0",
            &["idletime", "-1"],
            "-ERR Invalid IDLETIME value, must be >= 0\r\n",
        ),
        (
            "b",
            "0",
            &["idletime", "x"],
            "-ERR value is not an integer or out of range\r\n",
        ),
        (
            "b",
            "0",
            &["freq", "300"],
            "-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n",
        ),
        (
            "b",
            "0",
            &["freq", "5", "idletime", "3"],
            "-ERR syntax error\r\n",
        ),
        ("b", "0", &["idletime"], "-ERR syntax error\r\n"),
        // Options are parsed before BUSYKEY.
        (
            "a",
            "0",
            &["freq", "x"],
            "-ERR value is not an integer or out of range\r\n",
        ),
        (
            "a",
            "-5",
            &["replace"],
            "-ERR Invalid TTL value, must be >= 0\r\n",
        ),
    ];
    for (key, ttl, options, expected) in cases {
        assert_eq!(
            restore(&mut t, key, ttl, &p, options),
            *expected,
            "{key} {ttl} {options:?}"
        );
    }
    let bad_version = "-ERR DUMP payload version or checksum are wrong\r\n";
    let bad_data = "-ERR Bad data format\r\n";
    let mut flipped = p.clone();
    flipped[1] ^= 1;
    assert_eq!(restore(&mut t, "b", "0", &flipped, &[]), bad_version);
    assert_eq!(restore(&mut t, "b", "0", b"abc", &[]), bad_version);
    assert_eq!(
        restore(&mut t, "b", "0", &payload(b"\x00\x02ab", 13), &[]),
        bad_version
    );
    assert_eq!(
        restore(&mut t, "b", "0", &payload(b"\x01\x00", 10), &[]),
        bad_data
    );
    assert_eq!(
        restore(&mut t, "b", "0", &payload(b"\x63\x02ab", 10), &[]),
        bad_data
    );
    assert_eq!(
        restore(&mut t, "b", "0", &payload(b"\x0b\x02ab", 10), &[]),
        bad_data
    );
    // Accepted by Redis too: older versions, trailing bytes, and (as Redis reads the body
    // from the whole payload) a string running into the footer.
    assert_eq!(
        restore(&mut t, "c1", "0", &payload(b"\x00\x02ab", 9), &[]),
        "+OK\r\n"
    );
    assert_eq!(
        restore(&mut t, "c2", "0", &payload(b"\x00\x02abEXTRA", 10), &[]),
        "+OK\r\n"
    );
    assert_eq!(
        restore(&mut t, "c3", "0", &payload(b"\x00\x05ab", 10), &[]),
        "+OK\r\n"
    );
    assert_eq!(t.run(&["exists", "b"]), ":0\r\n");
}

#[test]
fn restore_ttls_replace_and_expired_payloads() {
    let mut t = client();
    t.run(&["rpush", "src", "a", "b", "c"]);
    let p = dump(&mut t, "src");
    let now_ms = t.now.unix_ms();
    assert_eq!(restore(&mut t, "rel", "100000", &p, &[]), "+OK\r\n");
    assert_eq!(t.run(&["pttl", "rel"]), ":100000\r\n");
    let abs = (now_ms + 5000).to_string();
    assert_eq!(restore(&mut t, "abs", &abs, &p, &["ABSTTL"]), "+OK\r\n");
    assert_eq!(t.run(&["pttl", "abs"]), ":5000\r\n");
    // In the past: OK, and nothing is created; with REPLACE the old key is deleted.
    assert_eq!(restore(&mut t, "gone", "1", &p, &["absttl"]), "+OK\r\n");
    assert_eq!(t.run(&["exists", "gone"]), ":0\r\n");
    assert_eq!(
        restore(&mut t, "rel", "1", &p, &["absttl", "replace"]),
        "+OK\r\n"
    );
    assert_eq!(t.run(&["exists", "rel"]), ":0\r\n");
    // A relative TTL that overflows is in the past, as in Redis.
    assert_eq!(
        restore(&mut t, "y", "9223372036854775807", &p, &[]),
        "+OK\r\n"
    );
    assert_eq!(t.run(&["exists", "y"]), ":0\r\n");
    t.run(&["set", "s", "x"]);
    assert_eq!(
        restore(&mut t, "s", "0", &p, &["REPLACE", "replace"]),
        "+OK\r\n"
    );
    assert_eq!(t.run(&["type", "s"]), "+list\r\n");
    assert_eq!(
        t.run(&["lrange", "s", "0", "-1"]),
        "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"
    );
    assert_eq!(t.run(&["ttl", "s"]), ":-1\r\n");
}

#[test]
fn restore_sets_idle_time_and_encodings() {
    let mut t = client();
    t.run(&["set", "k", "v"]);
    let p = dump(&mut t, "k");
    assert_eq!(
        restore(&mut t, "idle", "0", &p, &["idletime", "1000"]),
        "+OK\r\n"
    );
    assert_eq!(t.run(&["object", "idletime", "idle"]), ":1000\r\n");
    for (commands, encoding) in [
        (vec!["set", "x", "12"], "int"),
        (vec!["set", "x", "short"], "embstr"),
        (vec!["sadd", "x", "1", "2"], "intset"),
        (vec!["sadd", "x", "a"], "hashtable"),
        (vec!["hset", "x", "a", "1"], "listpack"),
        (vec!["zadd", "x", "1", "a"], "listpack"),
        (vec!["rpush", "x", "a"], "quicklist"),
        (vec!["xadd", "x", "1-1", "a", "1"], "stream"),
    ] {
        t.run(&["del", "x", "y"]);
        t.run(&commands);
        let p = dump(&mut t, "x");
        assert_eq!(restore(&mut t, "y", "0", &p, &[]), "+OK\r\n");
        assert_eq!(
            t.run(&["object", "encoding", "y"]),
            format!("${}\r\n{encoding}\r\n", encoding.len())
        );
    }
    // Hash field TTLs survive, in Redis 7.4's encoding.
    t.run(&["del", "h"]);
    t.run(&["hset", "h", "a", "1", "b", "2"]);
    t.run(&["hpexpire", "h", "5000", "fields", "1", "a"]);
    let p = dump(&mut t, "h");
    assert_eq!(p[0], crate::rdb::types::HASH_LISTPACK_EX);
    assert_eq!(restore(&mut t, "h2", "0", &p, &[]), "+OK\r\n");
    assert_eq!(
        t.run(&["hpttl", "h2", "fields", "2", "a", "b"]),
        "*2\r\n:5000\r\n:-1\r\n"
    );
    assert_eq!(
        t.run(&["object", "encoding", "h2"]),
        "$10\r\nlistpackex\r\n"
    );
    // The field expires in the restored copy too (the cron knows about it).
    t.advance_ms(6000);
    assert_eq!(t.run(&["hgetall", "h2"]), "*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
}

#[test]
fn restore_notifies_touches_watch_and_counts_dirty() {
    let mut t = client();
    t.run(&["set", "k", "v"]);
    let p = dump(&mut t, "k");
    t.run(&["config", "set", "notify-keyspace-events", "KEA"]);
    let mut s = TestClient::connect(t.engine, t.now);
    s.run(&["psubscribe", "__keyevent@0__:*"]);
    let mut w = TestClient::connect(t.engine, t.now);
    w.run(&["watch", "r"]);
    let dirty = crate::cmd::keys::tests::dirty(&t);
    assert_eq!(restore(&mut t, "r", "0", &p, &[]), "+OK\r\n");
    assert_eq!(crate::cmd::keys::tests::dirty(&t), dirty + 1);
    w.run(&["multi"]);
    w.run(&["get", "r"]);
    assert_eq!(
        w.run(&["exec"]),
        "*-1\r\n",
        "RESTORE touched the watched key"
    );
    // Redis 7.0.15 with KEA publishes `restore` (and nothing else) here.
    let pushes = s.pushes();
    assert!(pushes.contains("__keyevent@0__:restore"), "{pushes}");
    assert_eq!(pushes.matches("pmessage").count(), 1, "{pushes}");
    // Restoring over an existing key with an expired TTL deletes it: a `del` event.
    assert_eq!(
        restore(&mut t, "r", "1", &p, &["absttl", "replace"]),
        "+OK\r\n"
    );
    assert!(s.pushes().contains("__keyevent@0__:del"));
}

#[test]
fn ferrite_payloads_restore_every_type() {
    let mut t = client();
    t.run(&["xadd", "st", "1-1", "a", "1"]);
    t.run(&["xgroup", "create", "st", "g", "0"]);
    t.run(&["xreadgroup", "group", "g", "c", "streams", "st", ">"]);
    let p = dump(&mut t, "st");
    assert_eq!(restore(&mut t, "st2", "0", &p, &[]), "+OK\r\n");
    assert_eq!(
        t.run(&["xpending", "st2", "g"]),
        t.run(&["xpending", "st", "g"])
    );
    assert_eq!(dump(&mut t, "st2"), p);
    let value = crate::rdb::tests::stored(&t, "st2");
    assert_eq!(dump_payload(&value), p);
}

#[test]
fn restore_is_logged_and_replays_to_the_same_state() {
    use crate::aof::{self, record};
    use crate::config::Config;
    let config = Config {
        appendonly: true,
        appendfsync: aof::Fsync::Always,
        ..Config::default()
    };
    let mut t = crate::testing::client_with(config);
    t.run(&["rpush", "src", "a", "b"]);
    let p = dump(&mut t, "src");
    assert_eq!(restore(&mut t, "rel", "5000", &p, &[]), "+OK\r\n");
    assert_eq!(
        restore(&mut t, "src", "0", &p, &["replace", "idletime", "7"]),
        "+OK\r\n"
    );
    // Already expired with REPLACE: the old key goes.
    t.run(&["set", "old", "v"]);
    assert_eq!(
        restore(&mut t, "old", "1", &p, &["replace", "absttl"]),
        "+OK\r\n"
    );
    // A failed RESTORE logs nothing.
    assert!(restore(&mut t, "rel", "0", &p, &[]).starts_with("-BUSYKEY"));
    let (tail, _) = t.engine.aof.take_tail();
    let mut records = Vec::new();
    record::read_all(&tail, 0, |r| records.push(r)).expect("well-formed records");
    let restores = records
        .iter()
        .flat_map(|r| &r.commands)
        .filter(|(_, args)| args[0].eq_ignore_ascii_case(b"restore"))
        .count();
    assert_eq!(restores, 3);
    let mut fresh = client();
    // Replayed later: relative TTLs count from the record's time, not the replay's.
    fresh.advance_ms(2000);
    for r in &records {
        aof::replay(fresh.engine, r).expect("replays");
    }
    for query in [
        &["lrange", "rel", "0", "-1"][..],
        &["pexpiretime", "rel"],
        &["lrange", "src", "0", "-1"],
        &["exists", "old"],
    ] {
        assert_eq!(fresh.run(query), t.run(query), "{query:?}");
    }
}
