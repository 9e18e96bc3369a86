//! The registry, keyspace notifications and output buffer limits, through sessions.

use crate::config::ObufLimit;
use crate::testing::{TestClient, client};

fn subscriber_of(t: &TestClient, args: &[&str]) -> TestClient {
    let mut s = TestClient::connect(t.engine, t.now);
    s.run(args);
    s
}

/// The pushes as (channel, message) pairs of a RESP2 `pmessage` stream.
fn events(s: &mut TestClient) -> Vec<(String, String)> {
    let text = s.pushes();
    let mut out = Vec::new();
    let bulks: Vec<&str> = text
        .split("\r\n")
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[0].starts_with('$'))
        .map(|w| w[1])
        .collect();
    for message in bulks.chunks(4) {
        assert_eq!(message[0], "pmessage", "{text}");
        out.push((message[2].to_string(), message[3].to_string()));
    }
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn keyspace_and_keyevent_channels() {
    let mut t = client();
    assert_eq!(
        t.run(&["config", "set", "notify-keyspace-events", "KEA"]),
        "+OK\r\n"
    );
    let mut s = subscriber_of(&t, &["psubscribe", "__key*__:*"]);
    t.run(&["select", "3"]);
    t.run(&["set", "k", "v"]);
    t.run(&["expire", "k", "100"]);
    t.run(&["del", "k", "nokey"]);
    assert_eq!(
        events(&mut s),
        pairs(&[
            ("__keyspace@3__:k", "set"),
            ("__keyevent@3__:set", "k"),
            ("__keyspace@3__:k", "expire"),
            ("__keyevent@3__:expire", "k"),
            ("__keyspace@3__:k", "del"),
            ("__keyevent@3__:del", "k"),
        ])
    );
}

#[test]
fn classes_select_events_and_channels() {
    let mut t = client();
    let mut s = subscriber_of(&t, &["psubscribe", "__key*__:*"]);
    let run_all = |t: &mut TestClient| {
        t.run(&["set", "k", "v"]);
        t.run(&["lpush", "l", "a"]);
        t.run(&["get", "missing"]);
    };
    // Nothing by default.
    run_all(&mut t);
    assert_eq!(events(&mut s), vec![]);
    // A class without K or E publishes nothing; K alone publishes nothing either.
    t.run(&["config", "set", "notify-keyspace-events", "A"]);
    run_all(&mut t);
    t.run(&["config", "set", "notify-keyspace-events", "K"]);
    run_all(&mut t);
    assert_eq!(events(&mut s), vec![]);
    t.run(&["config", "set", "notify-keyspace-events", "El"]);
    run_all(&mut t);
    assert_eq!(events(&mut s), pairs(&[("__keyevent@0__:lpush", "l")]));
    // `n` and `m` are not part of `A`.
    t.run(&["flushall"]);
    t.run(&["config", "set", "notify-keyspace-events", "KA"]);
    run_all(&mut t);
    assert_eq!(
        events(&mut s),
        pairs(&[("__keyspace@0__:k", "set"), ("__keyspace@0__:l", "lpush")])
    );
    t.run(&["flushall"]);
    t.run(&["config", "set", "notify-keyspace-events", "Knm"]);
    run_all(&mut t);
    assert_eq!(
        events(&mut s),
        pairs(&[
            ("__keyspace@0__:k", "new"),
            ("__keyspace@0__:l", "new"),
            ("__keyspace@0__:missing", "keymiss"),
        ])
    );
    assert_eq!(
        t.run(&["config", "set", "notify-keyspace-events", "KEAq"]),
        "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n"
    );
    assert_eq!(
        t.run(&["config", "get", "notify-keyspace-events"]),
        "*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nnKm\r\n"
    );
}

#[test]
fn lazy_and_active_expiry_publish_expired() {
    let mut t = client();
    t.run(&["config", "set", "notify-keyspace-events", "Ex"]);
    let mut s = subscriber_of(&t, &["psubscribe", "__key*__:*"]);
    t.run(&["set", "lazy", "v", "px", "100"]);
    t.run(&["set", "active", "v", "px", "100"]);
    t.advance_ms(200);
    assert_eq!(t.run(&["get", "lazy"]), "$-1\r\n");
    assert_eq!(events(&mut s), pairs(&[("__keyevent@0__:expired", "lazy")]));
    let (removed, _) = t.engine.active_expire(t.now, 100);
    assert_eq!(removed, 1);
    assert_eq!(
        events(&mut s),
        pairs(&[("__keyevent@0__:expired", "active")])
    );
    // A SET over an expired, unreclaimed key: `expired`, then (class n) `new`.
    t.run(&["config", "set", "notify-keyspace-events", "Exn$"]);
    t.run(&["set", "again", "v", "px", "10"]);
    t.advance_ms(20);
    t.run(&["mset", "again", "w"]);
    assert_eq!(
        events(&mut s),
        pairs(&[
            ("__keyevent@0__:new", "again"),
            ("__keyevent@0__:set", "again"),
            ("__keyevent@0__:expired", "again"),
            ("__keyevent@0__:new", "again"),
            ("__keyevent@0__:set", "again"),
        ])
    );
}

#[test]
fn own_events_are_spliced_into_the_reply_where_redis_writes_them() {
    let mut t = client();
    t.run(&["config", "set", "notify-keyspace-events", "KEA"]);
    t.run(&["hello", "3"]);
    t.run(&["psubscribe", "__keyevent@0__:*"]);
    let push = |event: &str, key: &str| {
        format!(
            ">4\r\n$8\r\npmessage\r\n$16\r\n__keyevent@0__:*\r\n${}\r\n__keyevent@0__:{event}\r\n${}\r\n{key}\r\n",
            15 + event.len(),
            key.len()
        )
    };
    // SET publishes before its reply, GETDEL after its value, LPUSH after its reply.
    assert_eq!(t.run(&["set", "k", "v"]), push("set", "k") + "+OK\r\n");
    assert_eq!(
        t.run(&["getdel", "k"]),
        "$1\r\nv\r\n".to_string() + &push("del", "k")
    );
    assert_eq!(
        t.run(&["lpush", "l", "x"]),
        ":1\r\n".to_string() + &push("lpush", "l")
    );
    assert_eq!(t.pushes(), "", "nothing left for the driver");
}

#[test]
fn served_blocked_client_gets_events_around_its_reply_in_order() {
    let mut pusher = client();
    pusher.run(&["config", "set", "notify-keyspace-events", "KEAn"]);
    let mut waiter = TestClient::connect(pusher.engine, pusher.now);
    waiter.run(&["hello", "3"]);
    waiter.run(&["psubscribe", "__keyevent@0__:*"]);
    assert_eq!(waiter.run(&["blpop", "l", "0"]), "");
    assert!(waiter.poll_blocked().is_none());
    pusher.run(&["rpush", "l", "x"]);
    let served = waiter.poll_blocked().expect("served");
    let order: Vec<&str> = ["new", "rpush", "*2\r\n$1\r\nl", "lpop", "del"]
        .into_iter()
        .collect();
    let mut at = 0;
    for needle in order {
        let found = served[at..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} in {served}"));
        at += found + needle.len();
    }
}

#[test]
fn hard_limit_disconnects_and_drops_pending_messages() {
    let mut publisher = client();
    publisher.run(&[
        "config",
        "set",
        "client-output-buffer-limit",
        "pubsub 1000 0 0",
    ]);
    let mut s = subscriber_of(&publisher, &["subscribe", "ch"]);
    let payload = "x".repeat(300);
    for _ in 0..3 {
        assert_eq!(publisher.run(&["publish", "ch", &payload]), ":1\r\n");
    }
    assert!(!s.session.client.handle.is_killed());
    // The fourth message passes 1000 bytes pending: the subscriber is closed, as in Redis,
    // and its pending messages are freed at once.
    publisher.run(&["publish", "ch", &payload]);
    let handle = s.session.client.handle.clone();
    assert!(handle.is_killed() && handle.killed_for_obuf());
    assert_eq!(handle.output_bytes(), 0);
    assert_eq!(s.pushes(), "");
    // Until its connection goes, it still counts as a receiver; nothing reaches it.
    assert_eq!(publisher.run(&["publish", "ch", "late"]), ":1\r\n");
    assert_eq!(s.pushes(), "");
    s.session.disconnect(publisher.engine);
    assert_eq!(publisher.run(&["publish", "ch", "later"]), ":0\r\n");
}

#[test]
fn a_subscriber_that_keeps_reading_is_never_disconnected() {
    let mut publisher = client();
    publisher.run(&[
        "config",
        "set",
        "client-output-buffer-limit",
        "pubsub 1000 0 0",
    ]);
    let mut s = subscriber_of(&publisher, &["subscribe", "ch"]);
    let payload = "y".repeat(300);
    for _ in 0..100 {
        publisher.run(&["publish", "ch", &payload]);
        assert!(!s.pushes().is_empty());
    }
    assert!(!s.session.client.handle.is_killed());
}

#[test]
fn soft_limit_needs_to_be_exceeded_for_longer_than_its_seconds() {
    let limit = ObufLimit {
        hard_bytes: 0,
        soft_bytes: 100,
        soft_seconds: 2,
    };
    let mut since = None;
    assert!(!limit.reached(50, &mut since, 1_000));
    assert!(!limit.reached(100, &mut since, 1_000), "first time over");
    assert_eq!(since, Some(1_000));
    assert!(
        !limit.reached(500, &mut since, 3_000),
        "2 s is not more than 2 s"
    );
    assert!(limit.reached(500, &mut since, 3_001));
    // Dropping below resets the clock.
    let mut since = Some(1_000);
    assert!(!limit.reached(99, &mut since, 10_000));
    assert_eq!(since, None);

    let mut publisher = client();
    publisher.run(&[
        "config",
        "set",
        "client-output-buffer-limit",
        "pubsub 0 500 1",
    ]);
    let mut s = subscriber_of(&publisher, &["subscribe", "ch"]);
    let payload = "z".repeat(300);
    publisher.run(&["publish", "ch", &payload]);
    publisher.run(&["publish", "ch", &payload]);
    publisher.advance_ms(1000);
    publisher.run(&["publish", "ch", &payload]);
    assert!(!s.session.client.handle.is_killed());
    publisher.advance_ms(1);
    publisher.run(&["publish", "ch", &payload]);
    assert!(s.session.client.handle.is_killed());
    assert_eq!(s.pushes(), "");
}

#[test]
fn publishing_without_subscribers_touches_no_client() {
    let mut t = client();
    let other = TestClient::connect(t.engine, t.now);
    assert_eq!(t.run(&["publish", "x", "y"]), ":0\r\n");
    assert_eq!(
        t.engine.pubsub().name_count(crate::pubsub::Kind::Channel),
        0
    );
    assert_eq!(other.session.client.handle.output_bytes(), 0);
}

#[test]
fn scan_and_randomkey_expire_what_they_meet() {
    let mut t = client();
    t.run(&["config", "set", "notify-keyspace-events", "Exm"]);
    let mut s = subscriber_of(&t, &["psubscribe", "__key*__:*"]);
    t.run(&["set", "a", "v", "px", "10"]);
    t.run(&["set", "b", "v", "px", "10"]);
    t.advance_ms(20);
    // SCAN deletes the expired keys it meets; with TYPE, Redis's type check is a read
    // lookup, which also misses.
    assert_eq!(
        t.run(&["scan", "0", "type", "string"]),
        "*2\r\n$1\r\n0\r\n*0\r\n"
    );
    let mut got = events(&mut s);
    got.sort();
    assert_eq!(
        got,
        pairs(&[
            ("__keyevent@0__:expired", "a"),
            ("__keyevent@0__:expired", "b"),
            ("__keyevent@0__:keymiss", "a"),
            ("__keyevent@0__:keymiss", "b"),
        ])
    );
    t.run(&["set", "c", "v", "px", "10"]);
    t.advance_ms(20);
    assert_eq!(t.run(&["randomkey"]), "$-1\r\n");
    assert_eq!(events(&mut s), pairs(&[("__keyevent@0__:expired", "c")]));
}

#[test]
fn hash_field_ttl_events_follow_redis_7_4() {
    let mut t = client();
    t.run(&["config", "set", "notify-keyspace-events", "Egh"]);
    let mut s = subscriber_of(&t, &["psubscribe", "__key*__:*"]);
    t.run(&["hset", "h", "f", "v", "g", "w"]);
    t.run(&["hpexpire", "h", "10", "fields", "1", "f"]);
    t.run(&["hpexpire", "h", "10", "nx", "fields", "1", "f"]);
    t.run(&["hpersist", "h", "fields", "1", "f"]);
    t.run(&["hpersist", "h", "fields", "1", "f"]);
    t.run(&["hpexpire", "h", "10", "fields", "2", "f", "g"]);
    t.advance_ms(20);
    assert_eq!(t.run(&["hget", "h", "f"]), "$-1\r\n");
    t.run(&["hset", "h2", "f", "v"]);
    t.run(&["hexpireat", "h2", "1", "fields", "1", "f"]);
    assert_eq!(
        events(&mut s),
        pairs(&[
            ("__keyevent@0__:hset", "h"),
            ("__keyevent@0__:hexpire", "h"),
            ("__keyevent@0__:hpersist", "h"),
            ("__keyevent@0__:hexpire", "h"),
            ("__keyevent@0__:hexpired", "h"),
            ("__keyevent@0__:del", "h"),
            ("__keyevent@0__:hset", "h2"),
            ("__keyevent@0__:hdel", "h2"),
            ("__keyevent@0__:del", "h2"),
        ])
    );
}

#[test]
fn many_subscribers_and_many_subscriptions() {
    let mut publisher = client();
    let (engine, now) = (publisher.engine, publisher.now);
    let mut subscribers: Vec<TestClient> = (0..2000)
        .map(|_| subscriber_of(&publisher, &["subscribe", "crowd"]))
        .collect();
    assert_eq!(publisher.run(&["publish", "crowd", "m"]), ":2000\r\n");
    assert!(subscribers.iter_mut().all(|s| !s.pushes().is_empty()));
    let mut busy = TestClient::connect(engine, now);
    let names: Vec<String> = (0..5000).map(|i| format!("ch{i}")).collect();
    let mut args = vec!["subscribe"];
    args.extend(names.iter().map(String::as_str));
    busy.run(&args);
    assert_eq!(
        busy.session
            .client
            .handle
            .sub_channels
            .load(std::sync::atomic::Ordering::Relaxed),
        5000
    );
    let reply = busy.run(&["unsubscribe"]);
    assert_eq!(reply.matches("unsubscribe").count(), 5000);
    assert!(reply.ends_with(":0\r\n"));
    assert_eq!(engine.pubsub().name_count(crate::pubsub::Kind::Channel), 1);
    for s in &mut subscribers {
        s.session.disconnect(engine);
    }
    assert_eq!(publisher.run(&["publish", "crowd", "m"]), ":0\r\n");
}
