//! Field-TTL tests. Redis 7.0 has no field TTLs and no Redis 7.4 runs here, so these
//! expectations come from Redis 7.4's documentation and `t_hash.c`: reply codes, error texts,
//! the order of checks, `dirty` and keyspace-statistics effects.

use super::{dirty, fill, replies, run, script};
use crate::testing::{TestClient, client};

/// The test client's clock: 1_700_000_000_000 ms.
const NOW_S: u64 = 1_700_000_000;

fn keyspace_hits_misses(t: &TestClient) -> (u64, u64) {
    use std::sync::atomic::Ordering::Relaxed;
    let stats = &t.engine.keyspace.stats;
    (
        stats.keyspace_hits.load(Relaxed),
        stats.keyspace_misses.load(Relaxed),
    )
}

#[test]
fn setters_reply_codes_and_conditions() {
    let mut t = client();
    script(
        &mut t,
        &[
            (
                &["hset", "h", "a", "1", "b", "2", "c", "3"],
                ":3\r\n",
                3,
                0,
                0,
            ),
            (&["object", "encoding", "h"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (
                &["hexpire", "h", "100", "FIELDS", "2", "a", "zz"],
                "*2\r\n:1\r\n:-2\r\n",
                1,
                0,
                0,
            ),
            (
                &["object", "encoding", "h"],
                "$10\r\nlistpackex\r\n",
                0,
                1,
                0,
            ),
            (
                &["httl", "h", "FIELDS", "3", "a", "b", "zz"],
                "*3\r\n:100\r\n:-1\r\n:-2\r\n",
                0,
                1,
                0,
            ),
            (
                &["hpttl", "h", "fields", "1", "a"],
                "*1\r\n:100000\r\n",
                0,
                1,
                0,
            ),
            (
                &["hexpiretime", "h", "FIELDS", "1", "a"],
                "*1\r\n:1700000100\r\n",
                0,
                1,
                0,
            ),
            (
                &["hpexpiretime", "h", "FIELDS", "1", "a"],
                "*1\r\n:1700000100000\r\n",
                0,
                1,
                0,
            ),
            // NX: only fields without TTL.
            (
                &["hexpire", "h", "50", "NX", "FIELDS", "2", "a", "b"],
                "*2\r\n:0\r\n:1\r\n",
                1,
                0,
                0,
            ),
            // XX: only fields with a TTL.
            (
                &["hexpire", "h", "200", "xx", "FIELDS", "2", "a", "c"],
                "*2\r\n:1\r\n:0\r\n",
                1,
                0,
                0,
            ),
            // GT: a field without TTL has an infinite one, nothing is greater.
            (
                &["hexpire", "h", "150", "GT", "FIELDS", "3", "a", "b", "c"],
                "*3\r\n:0\r\n:1\r\n:0\r\n",
                1,
                0,
                0,
            ),
            // LT: and everything is less than infinite.
            (
                &["hexpire", "h", "10", "LT", "FIELDS", "3", "a", "b", "c"],
                "*3\r\n:1\r\n:1\r\n:1\r\n",
                3,
                0,
                0,
            ),
            (
                &["httl", "h", "FIELDS", "3", "a", "b", "c"],
                "*3\r\n:10\r\n:10\r\n:10\r\n",
                0,
                1,
                0,
            ),
            // Equal deadlines fail both GT and LT.
            (
                &["hexpire", "h", "10", "GT", "FIELDS", "1", "a"],
                "*1\r\n:0\r\n",
                0,
                0,
                0,
            ),
            (
                &["hexpire", "h", "10", "LT", "FIELDS", "1", "a"],
                "*1\r\n:0\r\n",
                0,
                0,
                0,
            ),
            // A zero TTL deletes (code 2), and so does a deadline at now or before.
            (
                &["hexpire", "h", "0", "FIELDS", "2", "a", "a"],
                "*2\r\n:2\r\n:-2\r\n",
                1,
                0,
                0,
            ),
            (&["hexists", "h", "a"], ":0\r\n", 0, 1, 0),
            (
                &["hpexpireat", "h", "1", "FIELDS", "1", "b"],
                "*1\r\n:2\r\n",
                1,
                0,
                0,
            ),
            // The condition is checked before the deadline: NX on a field with TTL is 0.
            (
                &["hexpireat", "h", "1", "NX", "FIELDS", "1", "c"],
                "*1\r\n:0\r\n",
                0,
                0,
                0,
            ),
            (
                &["hpexpireat", "h", "1700000000000", "FIELDS", "1", "c"],
                "*1\r\n:2\r\n",
                1,
                0,
                0,
            ),
            // The last field gone, the key is gone.
            (&["exists", "h"], ":0\r\n", 0, 0, 1),
            // A missing key: -2 for every field, nothing created.
            (
                &["hexpire", "h", "10", "FIELDS", "2", "a", "b"],
                "*2\r\n:-2\r\n:-2\r\n",
                0,
                0,
                0,
            ),
            (&["httl", "h", "FIELDS", "1", "a"], "*1\r\n:-2\r\n", 0, 0, 1),
            (
                &["hpersist", "h", "FIELDS", "1", "a"],
                "*1\r\n:-2\r\n",
                0,
                0,
                0,
            ),
            (&["exists", "h"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[test]
fn absolute_times_and_rounding() {
    let mut t = client();
    fill(&mut t, "h", 3);
    let at = format!("{}", NOW_S + 60);
    assert_eq!(
        t.run(&["hexpireat", "h", &at, "FIELDS", "1", "f0"]),
        "*1\r\n:1\r\n"
    );
    replies(
        &mut t,
        &[
            ("httl h FIELDS 1 f0", "*1\r\n:60\r\n"),
            ("hexpiretime h FIELDS 1 f0", "*1\r\n:1700000060\r\n"),
            // Seconds round up: 1.5 s is reported as 2.
            ("hpexpire h 1500 FIELDS 1 f1", "*1\r\n:1\r\n"),
            ("httl h FIELDS 1 f1", "*1\r\n:2\r\n"),
            ("hexpiretime h FIELDS 1 f1", "*1\r\n:1700000002\r\n"),
            ("hpexpiretime h FIELDS 1 f1", "*1\r\n:1700000001500\r\n"),
            ("hpexpire h 1 FIELDS 1 f2", "*1\r\n:1\r\n"),
            ("httl h FIELDS 1 f2", "*1\r\n:1\r\n"),
        ],
    );
    t.advance_ms(1);
    // At its deadline a field is still alive, with no time left.
    replies(
        &mut t,
        &[
            ("hpttl h FIELDS 1 f2", "*1\r\n:0\r\n"),
            ("httl h FIELDS 1 f2", "*1\r\n:0\r\n"),
            ("hget h f2", "$2\r\nv2\r\n"),
        ],
    );
    t.advance_ms(1);
    replies(
        &mut t,
        &[
            ("hget h f2", "$-1\r\n"),
            ("hpttl h FIELDS 1 f2", "*1\r\n:-2\r\n"),
        ],
    );
}

#[test]
fn time_limits_and_argument_errors() {
    let mut t = client();
    fill(&mut t, "h", 2);
    t.run(&["set", "s", "x"]);
    let before = dirty(&t);
    replies(
        &mut t,
        &[
            (
                "hexpire h abc FIELDS 1 f0",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "hexpire h 1.5 FIELDS 1 f0",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "hexpire h -1 FIELDS 1 f0",
                "-ERR invalid expire time, must be >= 0\r\n",
            ),
            (
                "hpexpireat h -1 FIELDS 1 f0",
                "-ERR invalid expire time, must be >= 0\r\n",
            ),
            // The latest deadline is 2^46 - 1 ms.
            ("hpexpireat h 70368744177663 FIELDS 1 f0", "*1\r\n:1\r\n"),
            (
                "hpexpireat h 70368744177664 FIELDS 1 f0",
                "-ERR invalid expire time in 'hpexpireat' command\r\n",
            ),
            ("hexpireat h 70368744177 FIELDS 1 f0", "*1\r\n:1\r\n"),
            (
                "hexpireat h 70368744178 FIELDS 1 f0",
                "-ERR invalid expire time in 'hexpireat' command\r\n",
            ),
            (
                "hexpire h 70368744177 FIELDS 1 f0",
                "-ERR invalid expire time in 'hexpire' command\r\n",
            ),
            ("hpexpire h 68668744177663 FIELDS 1 f0", "*1\r\n:1\r\n"),
            (
                "hpexpire h 68668744177664 FIELDS 1 f0",
                "-ERR invalid expire time in 'hpexpire' command\r\n",
            ),
            (
                "hexpire h 9223372036854775807 FIELDS 1 f0",
                "-ERR invalid expire time in 'hexpire' command\r\n",
            ),
            (
                "hexpire h 10 FIELDS 0 f0",
                "-ERR Parameter `numFields` should be greater than 0\r\n",
            ),
            (
                "hexpire h 10 FIELDS -1 f0",
                "-ERR Parameter `numFields` should be greater than 0\r\n",
            ),
            (
                "hexpire h 10 FIELDS x f0",
                "-ERR Parameter `numFields` should be greater than 0\r\n",
            ),
            (
                "hexpire h 10 FIELDS 2 f0",
                "-ERR The `numfields` parameter must match the number of arguments\r\n",
            ),
            (
                "hexpire h 10 FIELDS 1 f0 f1",
                "-ERR The `numfields` parameter must match the number of arguments\r\n",
            ),
            (
                "hexpire h 10 NX XX FIELDS 1 f0",
                "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n",
            ),
            (
                "hexpire h 10 FOO 1 f0",
                "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n",
            ),
            (
                "hexpire h 10 NX FIELDS 1",
                "-ERR The `numfields` parameter must match the number of arguments\r\n",
            ),
            (
                "hexpire h 10 FIELDS 1",
                "-ERR wrong number of arguments for 'hexpire' command\r\n",
            ),
            // The key's type is checked first, then the arguments, even for a missing key.
            (
                "hexpire s abc FIELDS 1 f0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "hexpire nokey abc FIELDS 1 f0",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "hexpire nokey 10 FIELDS 0 f0",
                "-ERR Parameter `numFields` should be greater than 0\r\n",
            ),
            // The readers and HPERSIST have their own `numfields` error.
            (
                "httl h FIELDS 0 f0",
                "-ERR Number of fields must be a positive integer\r\n",
            ),
            (
                "hpttl h FIELDS x f0",
                "-ERR Number of fields must be a positive integer\r\n",
            ),
            (
                "hpersist h FIELDS 0 f0",
                "-ERR Number of fields must be a positive integer\r\n",
            ),
            (
                "hexpiretime h FIELDS 2 f0",
                "-ERR The `numfields` parameter must match the number of arguments\r\n",
            ),
            (
                "hpexpiretime h FIELD 1 f0",
                "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n",
            ),
            (
                "hpersist h 1 FIELDS f0",
                "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n",
            ),
            (
                "httl h FIELDS 1",
                "-ERR wrong number of arguments for 'httl' command\r\n",
            ),
            (
                "httl s FIELDS 0 f0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "hpersist s FIELDS 1 a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "hexpiretime nokey FIELDS 0 f0",
                "-ERR Number of fields must be a positive integer\r\n",
            ),
        ],
    );
    assert_eq!(
        dirty(&t) - before,
        3,
        "only the three accepted setters count"
    );
}

#[test]
fn hpersist_codes_and_dirty() {
    let mut t = client();
    fill(&mut t, "h", 3);
    script(
        &mut t,
        &[
            // A plain listpack has no TTLs: -1, and it stays a listpack.
            (
                &["hpersist", "h", "FIELDS", "2", "f0", "zz"],
                "*2\r\n:-1\r\n:-2\r\n",
                0,
                0,
                0,
            ),
            (&["object", "encoding", "h"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (
                &["hexpire", "h", "100", "FIELDS", "2", "f0", "f1"],
                "*2\r\n:1\r\n:1\r\n",
                2,
                0,
                0,
            ),
            // One change counted however many fields were persisted.
            (
                &["hpersist", "h", "FIELDS", "3", "f0", "f1", "f2"],
                "*3\r\n:1\r\n:1\r\n:-1\r\n",
                1,
                0,
                0,
            ),
            (
                &["httl", "h", "FIELDS", "2", "f0", "f1"],
                "*2\r\n:-1\r\n:-1\r\n",
                0,
                1,
                0,
            ),
            (
                &["hpersist", "h", "FIELDS", "1", "f0"],
                "*1\r\n:-1\r\n",
                0,
                0,
                0,
            ),
            (
                &["object", "encoding", "h"],
                "$10\r\nlistpackex\r\n",
                0,
                1,
                0,
            ),
        ],
    );
}

#[test]
fn listpackex_iterates_by_deadline_like_redis() {
    let mut t = client();
    replies(
        &mut t,
        &[
            ("hset h a 1 b 2 c 3 d 4", ":4\r\n"),
            ("hexpire h 300 FIELDS 1 c", "*1\r\n:1\r\n"),
            ("hexpire h 100 FIELDS 1 a", "*1\r\n:1\r\n"),
            ("hexpire h 300 FIELDS 1 d", "*1\r\n:1\r\n"),
            (
                "hkeys h",
                "*4\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n",
            ),
            // HPERSIST and an HSET overwrite move the field after the TTL fields.
            ("hpersist h FIELDS 1 d", "*1\r\n:1\r\n"),
            (
                "hkeys h",
                "*4\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\nd\r\n",
            ),
            ("hset h a 9", ":0\r\n"),
            (
                "hkeys h",
                "*4\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\nd\r\n$1\r\na\r\n",
            ),
            // HINCRBY keeps both the TTL and the place.
            ("hset h c 5", ":0\r\n"),
            ("hexpire h 300 FIELDS 1 c", "*1\r\n:1\r\n"),
            ("hincrby h c 1", ":6\r\n"),
            ("hincrbyfloat h c 0.5", "$3\r\n6.5\r\n"),
            ("httl h FIELDS 1 c", "*1\r\n:300\r\n"),
            (
                "hgetall h",
                "*8\r\n$1\r\nc\r\n$3\r\n6.5\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\na\r\n$1\r\n9\r\n",
            ),
            // HSETNX leaves an existing field and its TTL alone.
            ("hsetnx h c 0", ":0\r\n"),
            ("httl h FIELDS 1 c", "*1\r\n:300\r\n"),
            // An HEXPIRE that changes nothing still makes a listpack a listpackex.
            ("hset p x 1", ":1\r\n"),
            ("hexpire p 10 FIELDS 1 nope", "*1\r\n:-2\r\n"),
            ("object encoding p", "$10\r\nlistpackex\r\n"),
        ],
    );
}

#[test]
fn expired_fields_vanish_from_every_read() {
    let mut t = client();
    fill(&mut t, "h", 4);
    replies(
        &mut t,
        &[("hpexpire h 10 FIELDS 2 f0 f2", "*2\r\n:1\r\n:1\r\n")],
    );
    t.advance_ms(11);
    replies(
        &mut t,
        &[
            ("hget h f0", "$-1\r\n"),
            ("hmget h f0 f1 f2", "*3\r\n$-1\r\n$2\r\nv1\r\n$-1\r\n"),
            ("hlen h", ":2\r\n"),
            ("hexists h f2", ":0\r\n"),
            ("hstrlen h f2", ":0\r\n"),
            ("hkeys h", "*2\r\n$2\r\nf1\r\n$2\r\nf3\r\n"),
            ("hvals h", "*2\r\n$2\r\nv1\r\n$2\r\nv3\r\n"),
            (
                "hgetall h",
                "*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf3\r\n$2\r\nv3\r\n",
            ),
            (
                "hscan h 0",
                "*2\r\n$1\r\n0\r\n*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf3\r\n$2\r\nv3\r\n",
            ),
            ("hrandfield h 10", "*2\r\n$2\r\nf1\r\n$2\r\nf3\r\n"),
            ("httl h FIELDS 2 f0 f1", "*2\r\n:-2\r\n:-1\r\n"),
            // Writes see the same: the dead field is new again, with no TTL.
            ("hsetnx h f0 again", ":1\r\n"),
            ("httl h FIELDS 1 f0", "*1\r\n:-1\r\n"),
            ("hincrby h f2 5", ":5\r\n"),
        ],
    );
    for _ in 0..50 {
        let picked = run(&mut t, "hrandfield h -4");
        assert!(!picked.contains("v2"), "dead values never picked");
    }
}

#[test]
fn a_hash_whose_last_field_expires_is_deleted() {
    let mut t = client();
    replies(
        &mut t,
        &[
            ("hset h a 1", ":1\r\n"),
            ("hpexpire h 10 FIELDS 1 a", "*1\r\n:1\r\n"),
        ],
    );
    t.advance_ms(11);
    // Generic commands do not look inside values (Redis's EXISTS does not either), but the
    // first hash command reclaims the field and then the key.
    let (hits, misses) = keyspace_hits_misses(&t);
    replies(
        &mut t,
        &[
            ("exists h", ":1\r\n"),
            ("hlen h", ":0\r\n"),
            ("exists h", ":0\r\n"),
        ],
    );
    // HLEN's lookup found the key (a hit, as in Redis); the second EXISTS is a miss.
    assert_eq!(keyspace_hits_misses(&t), (hits + 2, misses + 1));
    for read in [
        "hget h a",
        "hgetall h",
        "hrandfield h",
        "hrandfield h 3",
        "hscan h 0",
        "httl h FIELDS 1 a",
    ] {
        replies(
            &mut t,
            &[
                ("hset h a 1", ":1\r\n"),
                ("hpexpire h 10 FIELDS 1 a", "*1\r\n:1\r\n"),
            ],
        );
        t.advance_ms(11);
        let reply = run(&mut t, read);
        assert!(
            [
                "$-1\r\n",
                "*0\r\n",
                "*2\r\n$1\r\n0\r\n*0\r\n",
                "*1\r\n:-2\r\n"
            ]
            .contains(&&*reply),
            "{read} -> {reply:?}"
        );
        assert_eq!(run(&mut t, "exists h"), ":0\r\n", "after {read}");
    }
}

#[test]
fn writes_to_an_expired_hash_keep_the_key_ttl() {
    let mut t = client();
    replies(
        &mut t,
        &[
            ("hset h a 1", ":1\r\n"),
            ("pexpire h 100000", ":1\r\n"),
            ("hpexpire h 10 FIELDS 1 a", "*1\r\n:1\r\n"),
        ],
    );
    t.advance_ms(20);
    // As in Redis, where the dead field would still hold the key: the key and its TTL stay.
    replies(
        &mut t,
        &[
            ("hset h b 2", ":1\r\n"),
            ("pttl h", ":99980\r\n"),
            ("hgetall h", "*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
        ],
    );
    // A failed write on an expired hash leaves no empty key behind.
    replies(&mut t, &[("hpexpire h 10 FIELDS 1 b", "*1\r\n:1\r\n")]);
    t.advance_ms(20);
    replies(
        &mut t,
        &[
            ("hincrbyfloat h b inf", "-ERR value is NaN or Infinity\r\n"),
            ("hincrbyfloat h b +inf", "-ERR value is NaN or Infinity\r\n"),
            ("hdel h b", ":0\r\n"),
            ("exists h", ":0\r\n"),
        ],
    );
}

#[test]
fn field_ttls_in_a_hashtable() {
    let mut t = client();
    fill(&mut t, "h", 600);
    replies(
        &mut t,
        &[
            ("object encoding h", "$9\r\nhashtable\r\n"),
            (
                "hpexpire h 10 FIELDS 3 f1 f2 f3",
                "*3\r\n:1\r\n:1\r\n:1\r\n",
            ),
            ("hpexpire h 20 GT FIELDS 2 f1 f4", "*2\r\n:1\r\n:0\r\n"),
            ("hpttl h FIELDS 3 f1 f2 f4", "*3\r\n:20\r\n:10\r\n:-1\r\n"),
            ("hpersist h FIELDS 1 f3", "*1\r\n:1\r\n"),
            ("hset h f2 new", ":0\r\n"),
            ("hpttl h FIELDS 2 f2 f3", "*2\r\n:-1\r\n:-1\r\n"),
            ("hpexpire h 5 FIELDS 1 f5", "*1\r\n:1\r\n"),
        ],
    );
    t.advance_ms(15);
    replies(
        &mut t,
        &[
            ("hlen h", ":599\r\n"),
            ("hget h f5", "$-1\r\n"),
            ("hget h f1", "$2\r\nv1\r\n"),
        ],
    );
    t.advance_ms(10);
    replies(
        &mut t,
        &[
            ("hlen h", ":598\r\n"),
            ("object encoding h", "$9\r\nhashtable\r\n"),
        ],
    );
}

#[test]
fn active_expiry_reclaims_without_reads() {
    use crate::keyspace::Value;

    let mut t = client();
    fill(&mut t, "h", 700);
    let mut fields = vec![
        "hpexpire".to_string(),
        "h".into(),
        "10".into(),
        "FIELDS".into(),
    ];
    fields.push("300".into());
    fields.extend((0..300).map(|i| format!("f{i}")));
    let args: Vec<&str> = fields.iter().map(String::as_str).collect();
    assert!(t.run(&args).starts_with("*300\r\n:1\r\n"));
    let now_ms = t.now.unix_ms();
    let mut locked = t.engine.keyspace.lock_all();
    let mut db = locked.db(0, now_ms);
    let entry = db.entry_mut(b"h").expect("the hash exists");
    let Value::Hash(hash) = &mut entry.value else {
        panic!("a hash")
    };
    assert_eq!(hash.next_field_deadline(), Some(now_ms + 10));
    assert_eq!(
        hash.expire_fields(now_ms + 10, usize::MAX),
        0,
        "not yet due"
    );
    assert_eq!(
        hash.expire_fields(now_ms + 11, 100),
        100,
        "bounded by the budget"
    );
    assert_eq!(hash.expire_fields(now_ms + 11, usize::MAX), 200);
    assert_eq!(hash.len(), 400);
    assert_eq!(hash.next_field_deadline(), None);
}

#[test]
fn active_expire_step_deletes_emptied_keys() {
    use crate::cmd::t_hash::{ActiveExpiry, active_expire};

    let mut t = client();
    fill(&mut t, "h", 3);
    replies(
        &mut t,
        &[
            ("hpexpire h 10 FIELDS 2 f0 f1", "*2\r\n:1\r\n:1\r\n"),
            ("hpexpire h 20 FIELDS 1 f2", "*1\r\n:1\r\n"),
            ("set s x", "+OK\r\n"),
        ],
    );
    let start = t.now.unix_ms();
    let hits = keyspace_hits_misses(&t);
    let mut locked = t.engine.keyspace.lock_all();
    let mut db = locked.db(0, start + 11);
    let step = |db: &mut crate::keyspace::Db<'_, '_>| active_expire(db, b"h", 1);
    assert_eq!(
        step(&mut db),
        Some(ActiveExpiry {
            removed: 1,
            key_deleted: false,
            next_deadline: Some(start + 10)
        })
    );
    assert_eq!(step(&mut db).map(|s| s.removed), Some(1));
    assert_eq!(
        step(&mut db),
        Some(ActiveExpiry {
            removed: 0,
            key_deleted: false,
            next_deadline: Some(start + 20)
        })
    );
    let mut later = locked.db(0, start + 21);
    assert_eq!(
        active_expire(&mut later, b"h", 100),
        Some(ActiveExpiry {
            removed: 1,
            key_deleted: true,
            next_deadline: None
        })
    );
    assert_eq!(active_expire(&mut later, b"h", 100), None);
    assert_eq!(active_expire(&mut later, b"s", 100), None);
    drop(locked);
    assert_eq!(keyspace_hits_misses(&t), hits, "no statistics moved");
}
