//! Client-side caching under the sharded, multi-threaded keyspace: reader threads keep a local
//! cache of the keys they read with CLIENT TRACKING (RESP3), writer threads change the same
//! keys, and once everyone is done and every invalidation has been taken, no reader may hold
//! a value that differs from the server's. A reader remembered after the shard lock was
//! released (or an invalidation lost between threads) leaves a stale entry behind.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::collections::BTreeMap;

use bytes::{Bytes, BytesMut};
use ferrite_engine::config::Config;
use ferrite_engine::{Engine, EngineOptions, Now, Session};

const KEYS: usize = 6;
const READERS: usize = 3;
const WRITERS: usize = 3;
const ROUNDS: usize = 3_000;

fn now() -> Now {
    Now {
        unix_us: 1_700_000_000_000_000,
        mono_us: 1_000_000,
    }
}

fn session(engine: &Engine) -> Session {
    let handle = engine
        .register_client("127.0.0.1:1".into(), "127.0.0.1:6379".into(), now())
        .expect("register");
    Session::new(engine, handle)
}

fn run(engine: &Engine, s: &mut Session, args: &[&str]) -> BytesMut {
    let args: Vec<Bytes> = args
        .iter()
        .map(|a| Bytes::copy_from_slice(a.as_bytes()))
        .collect();
    s.execute(engine, &args, now());
    s.out.buf.split()
}

/// Reads one line (without CRLF) at `at`, advancing it.
fn line<'a>(buf: &'a [u8], at: &mut usize) -> &'a [u8] {
    let end = buf[*at..]
        .windows(2)
        .position(|w| w == b"\r\n")
        .expect("CRLF")
        + *at;
    let text = &buf[*at..end];
    *at = end + 2;
    text
}

fn bulk(buf: &[u8], at: &mut usize) -> Option<Vec<u8>> {
    let head = line(buf, at);
    if head == b"_" || head == b"$-1" {
        return None;
    }
    assert_eq!(head[0], b'$', "{:?}", String::from_utf8_lossy(buf));
    let len: usize = std::str::from_utf8(&head[1..]).unwrap().parse().unwrap();
    let value = buf[*at..*at + len].to_vec();
    *at += len + 2;
    Some(value)
}

/// Applies every invalidation push in `buf` to `cache`; returns what follows them (a reply).
fn apply_pushes(buf: &[u8], cache: &mut BTreeMap<Vec<u8>, Option<Vec<u8>>>) -> Vec<u8> {
    let mut at = 0;
    while buf[at..].starts_with(b">2\r\n") {
        at += 4;
        assert_eq!(bulk(buf, &mut at).as_deref(), Some(&b"invalidate"[..]));
        let head = line(buf, &mut at);
        if head == b"_" {
            cache.clear();
            continue;
        }
        let n: usize = std::str::from_utf8(&head[1..]).unwrap().parse().unwrap();
        for _ in 0..n {
            cache.remove(&bulk(buf, &mut at).expect("a key"));
        }
    }
    buf[at..].to_vec()
}

#[test]
fn tracked_caches_never_keep_a_stale_value() {
    let engine = Engine::new(EngineOptions {
        config: Config::default(),
        seed: 3,
        shards: 4,
        used_memory: || 0,
        now: now(),
        process_id: 1,
        tcp_port: 6379,
    });
    let engine = &engine;
    let keys: Vec<String> = (0..KEYS).map(|i| format!("key:{i}")).collect();
    let caches = std::thread::scope(|scope| {
        let mut readers = Vec::new();
        for r in 0..READERS {
            let keys = &keys;
            readers.push(scope.spawn(move || {
                let mut s = session(engine);
                run(engine, &mut s, &["hello", "3"]);
                assert_eq!(
                    &run(engine, &mut s, &["client", "tracking", "on"])[..],
                    b"+OK\r\n"
                );
                let mut cache: BTreeMap<Vec<u8>, Option<Vec<u8>>> = BTreeMap::new();
                for i in 0..ROUNDS {
                    s.take_output(usize::MAX);
                    let pushed = s.out.buf.split();
                    assert!(apply_pushes(&pushed, &mut cache).is_empty());
                    let key = &keys[(i * 7 + r) % KEYS];
                    if !cache.contains_key(key.as_bytes()) {
                        let reply = run(engine, &mut s, &["get", key]);
                        let rest = apply_pushes(&reply, &mut cache);
                        let mut at = 0;
                        cache.insert(key.as_bytes().to_vec(), bulk(&rest, &mut at));
                    }
                }
                (s, cache)
            }));
        }
        for w in 0..WRITERS {
            let keys = &keys;
            scope.spawn(move || {
                let mut s = session(engine);
                for i in 0..ROUNDS {
                    let key = &keys[(i * 5 + w) % KEYS];
                    run(engine, &mut s, &["incr", key]);
                    if i % 97 == 0 {
                        run(engine, &mut s, &["del", key]);
                    }
                }
            });
        }
        readers
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect::<Vec<_>>()
    });
    let mut check = session(engine);
    for (mut s, mut cache) in caches {
        s.take_output(usize::MAX);
        let pushed = s.out.buf.split();
        assert!(apply_pushes(&pushed, &mut cache).is_empty());
        for (key, cached) in &cache {
            let reply = run(
                engine,
                &mut check,
                &["get", std::str::from_utf8(key).unwrap()],
            );
            let mut at = 0;
            assert_eq!(
                &bulk(&reply, &mut at),
                cached,
                "stale cache entry for {key:?}"
            );
        }
    }
}
