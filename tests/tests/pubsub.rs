//! Black-box pub/sub tests of the real binary: delivery order across clients, receiver counts,
//! keyspace notifications, and slow subscribers disconnected at their output buffer limit
//! while the server's memory stays bounded and publishers never block.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{Conn, Server, encode, info_field};

/// Reads one pub/sub message and returns its elements as strings (`message`, channel, payload).
fn message(conn: &mut Conn) -> Vec<String> {
    let raw = conn.read_reply();
    let mut parts = Vec::new();
    let mut lines = raw.split("\r\n");
    let header = lines.next().unwrap_or_default();
    assert!(
        header.starts_with('*') || header.starts_with('>'),
        "not a push: {raw:?}"
    );
    while let Some(line) = lines.next() {
        if line.starts_with('$') {
            parts.push(lines.next().unwrap_or_default().to_string());
        } else if let Some(n) = line.strip_prefix(':') {
            parts.push(n.to_string());
        }
    }
    parts
}

fn used_memory(conn: &mut Conn) -> u64 {
    let info = conn.cmd(&["INFO", "memory"]);
    info_field(&info, "used_memory")
        .expect("used_memory")
        .parse()
        .expect("a number")
}

#[test]
fn messages_arrive_in_publish_order_from_many_publishers() {
    let server = Server::ferrite(&[]);
    let mut subscriber = server.connect();
    assert_eq!(
        subscriber.cmd(&["SUBSCRIBE", "feed"]),
        "*3\r\n$9\r\nsubscribe\r\n$4\r\nfeed\r\n:1\r\n"
    );
    const PUBLISHERS: usize = 4;
    const EACH: usize = 500;
    let port = server.port;
    let threads: Vec<_> = (0..PUBLISHERS)
        .map(|p| {
            std::thread::spawn(move || {
                let mut publisher = Conn::new(port);
                let mut batch = Vec::new();
                for i in 0..EACH {
                    batch.extend(encode(&[
                        b"PUBLISH",
                        b"feed",
                        format!("{p}:{i}").as_bytes(),
                    ]));
                }
                publisher.send_raw(&batch);
                for _ in 0..EACH {
                    assert_eq!(publisher.read_reply(), ":1\r\n");
                }
            })
        })
        .collect();
    let mut next = [0usize; PUBLISHERS];
    for _ in 0..PUBLISHERS * EACH {
        let parts = message(&mut subscriber);
        assert_eq!(parts[..2], ["message", "feed"]);
        let (p, i) = parts[2].split_once(':').expect("p:i");
        let (p, i): (usize, usize) = (p.parse().unwrap(), i.parse().unwrap());
        assert_eq!(i, next[p], "publisher {p}'s messages out of order");
        next[p] += 1;
    }
    for thread in threads {
        thread.join().expect("publisher");
    }
    assert_eq!(next, [EACH; PUBLISHERS]);
    // Nothing more than what was published.
    assert_eq!(subscriber.cmd(&["PING"]), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
}

#[test]
fn publish_counts_channel_and_pattern_receivers() {
    let server = Server::ferrite(&[]);
    let mut a = server.connect();
    let mut b = server.connect();
    let mut c = server.connect();
    a.cmd(&["SUBSCRIBE", "orders.eu"]);
    b.cmd(&["PSUBSCRIBE", "orders.*"]);
    c.send(&[b"SUBSCRIBE", b"orders.eu"]);
    c.read_reply();
    c.send(&[b"PSUBSCRIBE", b"orders.*", b"*.eu"]);
    c.read_reply();
    c.read_reply();
    let mut publisher = server.connect();
    assert_eq!(publisher.cmd(&["PUBLISH", "orders.eu", "o1"]), ":5\r\n");
    assert_eq!(publisher.cmd(&["PUBLISH", "orders.us", "o2"]), ":2\r\n");
    assert_eq!(publisher.cmd(&["PUBLISH", "nothing", "o3"]), ":0\r\n");
    assert_eq!(
        message(&mut a),
        ["message", "orders.eu", "o1"].map(String::from)
    );
    assert_eq!(
        message(&mut b),
        ["pmessage", "orders.*", "orders.eu", "o1"].map(String::from)
    );
    assert_eq!(
        message(&mut b),
        ["pmessage", "orders.*", "orders.us", "o2"].map(String::from)
    );
    // A client with a channel and two matching patterns gets the channel's message first.
    assert_eq!(
        message(&mut c),
        ["message", "orders.eu", "o1"].map(String::from)
    );
    let mut patterns = vec![message(&mut c), message(&mut c)];
    patterns.sort();
    assert_eq!(
        patterns,
        vec![
            ["pmessage", "*.eu", "orders.eu", "o1"]
                .map(String::from)
                .to_vec(),
            ["pmessage", "orders.*", "orders.eu", "o1"]
                .map(String::from)
                .to_vec(),
        ]
    );
    assert_eq!(
        publisher.cmd(&["PUBSUB", "NUMSUB", "orders.eu"]),
        "*2\r\n$9\r\norders.eu\r\n:2\r\n"
    );
    assert_eq!(publisher.cmd(&["PUBSUB", "NUMPAT"]), ":2\r\n");
    drop(c);
    // A disconnected subscriber is forgotten.
    let deadline = Instant::now() + Duration::from_secs(5);
    while publisher.cmd(&["PUBSUB", "NUMPAT"]) != ":1\r\n" {
        assert!(
            Instant::now() < deadline,
            "subscriptions of a closed client remain"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn keyspace_notifications_reach_subscribers() {
    let server = Server::ferrite(&["--notify-keyspace-events", "KEA"]);
    let mut subscriber = server.connect();
    subscriber.cmd(&["PSUBSCRIBE", "__key*@0__:*"]);
    let mut writer = server.connect();
    assert_eq!(writer.cmd(&["RPUSH", "queue", "a", "b"]), ":2\r\n");
    assert_eq!(
        writer.cmd(&["LPOP", "queue", "2"]),
        "*2\r\n$1\r\na\r\n$1\r\nb\r\n"
    );
    let expected = [
        ["__key*@0__:*", "__keyspace@0__:queue", "rpush"],
        ["__key*@0__:*", "__keyevent@0__:rpush", "queue"],
        ["__key*@0__:*", "__keyspace@0__:queue", "lpop"],
        ["__key*@0__:*", "__keyevent@0__:lpop", "queue"],
        ["__key*@0__:*", "__keyspace@0__:queue", "del"],
        ["__key*@0__:*", "__keyevent@0__:del", "queue"],
    ];
    for want in expected {
        let got = message(&mut subscriber);
        assert_eq!(got[0], "pmessage");
        assert_eq!(got[1..], want.map(String::from));
    }
    // A key that expires by itself is announced by active expiry.
    writer.cmd(&["SET", "ttl", "v", "PX", "20"]);
    for _ in 0..4 {
        message(&mut subscriber); // set, expire
    }
    assert_eq!(
        message(&mut subscriber)[2..],
        ["__keyspace@0__:ttl", "expired"].map(String::from)
    );
    assert_eq!(
        message(&mut subscriber)[2..],
        ["__keyevent@0__:expired", "ttl"].map(String::from)
    );
}

#[test]
fn a_subscriber_that_stops_reading_is_disconnected_at_the_hard_limit() {
    let server = Server::ferrite(&[]);
    let mut admin = server.connect();
    assert_eq!(
        admin.cmd(&[
            "CONFIG",
            "SET",
            "client-output-buffer-limit",
            "pubsub 4mb 0 0"
        ]),
        "+OK\r\n"
    );
    let baseline = used_memory(&mut admin);
    let mut slow = server.connect();
    assert_eq!(
        slow.cmd(&["SUBSCRIBE", "firehose"]),
        "*3\r\n$9\r\nsubscribe\r\n$8\r\nfirehose\r\n:1\r\n"
    );
    // 200 MiB of messages; the subscriber reads none of them.
    let payload = vec![b'x'; 16 * 1024];
    let batch: Vec<u8> = (0..64)
        .flat_map(|_| encode(&[b"PUBLISH", b"firehose", &payload]))
        .collect();
    let mut publisher = server.connect();
    let mut peak = baseline;
    let mut receivers = Vec::new();
    for round in 0..200 {
        publisher.send_raw(&batch);
        for _ in 0..64 {
            receivers.push(publisher.read_reply());
        }
        if round < 20 || round % 10 == 0 {
            peak = peak.max(used_memory(&mut admin));
        }
    }
    peak = peak.max(used_memory(&mut admin));
    // The publisher was never blocked; the subscriber counted until it was dropped.
    assert_eq!(receivers.first().map(String::as_str), Some(":1\r\n"));
    assert_eq!(receivers.last().map(String::as_str), Some(":0\r\n"));
    // Memory: the limit plus socket-sized slack, nowhere near the 200 MiB published.
    eprintln!("used_memory: baseline {baseline}, peak {peak}");
    assert!(
        peak < baseline + 32 * 1024 * 1024,
        "used_memory peaked at {peak} (baseline {baseline})"
    );
    assert_eq!(
        admin.cmd(&["PUBSUB", "NUMSUB", "firehose"]),
        "*2\r\n$8\r\nfirehose\r\n:0\r\n"
    );
    // The slow client's connection is closed once what the kernel buffered is read.
    slow.reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut drained = 0usize;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        use std::io::Read;
        match slow.reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => drained += n,
            Err(e) => {
                panic!("the slow subscriber was not disconnected ({drained} bytes read): {e}")
            }
        }
    }
    assert!(drained < 200 * 1024 * 1024);
    assert_eq!(admin.cmd(&["PING"]), "+PONG\r\n");
}

#[test]
fn a_subscriber_that_reads_keeps_up_with_a_fast_publisher() {
    let server = Server::ferrite(&[]);
    let mut admin = server.connect();
    admin.cmd(&[
        "CONFIG",
        "SET",
        "client-output-buffer-limit",
        "pubsub 1mb 0 0",
    ]);
    let mut subscriber = server.connect();
    subscriber.cmd(&["SUBSCRIBE", "steady"]);
    let port = server.port;
    let publisher = std::thread::spawn(move || {
        let mut conn = Conn::new(port);
        for i in 0..2000 {
            conn.send(&[b"PUBLISH", b"steady", format!("{i:0>512}").as_bytes()]);
            assert_eq!(
                conn.read_reply(),
                ":1\r\n",
                "subscriber dropped at message {i}"
            );
        }
    });
    for i in 0..2000 {
        let parts = message(&mut subscriber);
        assert_eq!(parts[2], format!("{i:0>512}"));
    }
    publisher.join().expect("publisher");
    subscriber.writer.flush().unwrap();
}

#[test]
fn idle_subscribers_are_not_timed_out() {
    let server = Server::ferrite(&["--timeout", "1", "--hz", "50"]);
    let mut idle = server.connect();
    let mut subscriber = server.connect();
    subscriber.cmd(&["SUBSCRIBE", "quiet"]);
    // The plain client is closed after a second of silence, as in Redis ...
    assert!(idle.is_closed(), "idle client was not disconnected");
    std::thread::sleep(Duration::from_millis(500));
    // ... the subscriber, waiting for messages, is not.
    let mut publisher = server.connect();
    assert_eq!(
        publisher.cmd(&["PUBLISH", "quiet", "still-there"]),
        ":1\r\n"
    );
    assert_eq!(
        message(&mut subscriber),
        ["message", "quiet", "still-there"].map(String::from)
    );
}
