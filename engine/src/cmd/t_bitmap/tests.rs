//! Tests of the bitmap commands. The byte-exact expectations recorded from a live
//! redis-server 7.0.15 are in `vectors.rs` (run through [`expect`], which the HyperLogLog
//! vectors share); the tests here cover what a recording cannot: offsets at the
//! `proto-max-bulk-len` limit of a small configuration, the memory a growing bitmap reserves,
//! key locking of BITOP over many shards, and the commands against a model bitmap under random
//! operations.

use std::sync::atomic::Ordering::Relaxed;

use bytes::Bytes;

use crate::config::Config;
use crate::testing::{TestClient, client, client_with};
use crate::util::{SPLITMIX_GAMMA, splitmix64_mix};

fn counters(t: &TestClient) -> (u64, u64, u64) {
    let stats = &t.engine.keyspace.stats;
    (
        stats.dirty.load(Relaxed),
        stats.keyspace_hits.load(Relaxed),
        stats.keyspace_misses.load(Relaxed),
    )
}

/// Runs one command and returns the exact reply bytes.
pub(crate) fn run_raw(t: &mut TestClient, args: &[&[u8]]) -> Vec<u8> {
    let args: Vec<Bytes> = args.iter().map(|a| Bytes::copy_from_slice(a)).collect();
    t.session.execute(t.engine, &args, t.now);
    t.session.out.buf.split().to_vec()
}

/// FNV-1a, 64 bits: the digest long replies are recorded as.
fn fnv1a64(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A dense HLL (stale cached count) whose register i is (i*i*a + i*b + c) % m.
fn dense_hll(a: u64, b: u64, c: u64, m: u64) -> Vec<u8> {
    let mut hll = b"HYLL\0\0\0\0\0\0\0\0\0\0\0\x80".to_vec();
    let mut registers = vec![0u8; 12288];
    for i in 0..16384u64 {
        let value = ((i * i * a + i * b + c) % m) as u16;
        let (byte, shift) = ((i * 6 / 8) as usize, i * 6 % 8);
        let word = value << shift;
        registers[byte] |= word as u8;
        if shift > 2 {
            registers[byte + 1] |= (word >> 8) as u8;
        }
    }
    hll.extend_from_slice(&registers);
    hll
}

/// The command a vector line stands for: `!pfadd KEY N PREFIX` is PFADD of PREFIX0..N-1,
/// `!dense KEY A B C M` a SET of [`dense_hll`].
fn expand(args: &[&[u8]]) -> Vec<Vec<u8>> {
    let number = |arg: &[u8]| -> u64 {
        std::str::from_utf8(arg)
            .ok()
            .and_then(|s| s.parse().ok())
            .expect("a number in a vector shorthand")
    };
    match args[0] {
        b"!pfadd" => {
            let mut command = vec![b"pfadd".to_vec(), args[1].to_vec()];
            for i in 0..number(args[2]) {
                let mut element = args[3].to_vec();
                element.extend_from_slice(i.to_string().as_bytes());
                command.push(element);
            }
            command
        }
        b"!dense" => {
            let [a, b, c, m] = [args[2], args[3], args[4], args[5]].map(number);
            vec![b"set".to_vec(), args[1].to_vec(), dense_hll(a, b, c, m)]
        }
        _ => args.iter().map(|a| a.to_vec()).collect(),
    }
}

/// One recorded vector: the command, its exact reply (or `#fnv:LEN:HEX` for a long one), and
/// how much it moved the dirty, keyspace-hit and keyspace-miss counters.
pub(crate) type Vector<'a> = (&'a [&'a [u8]], &'a [u8], u64, u64, u64);

/// Runs each vector and checks its reply and counter moves.
#[track_caller]
pub(crate) fn expect(t: &mut TestClient, cases: &[Vector<'_>]) {
    for &(args, reply, dirty, hits, misses) in cases {
        let command = expand(args);
        let command: Vec<&[u8]> = command.iter().map(Vec::as_slice).collect();
        let before = counters(t);
        let got = run_raw(t, &command);
        let shown = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        if reply.starts_with(b"#fnv:") {
            let digest = format!("#fnv:{}:{:016x}", got.len(), fnv1a64(&got));
            assert_eq!(digest, shown(reply), "reply to {:?}", shown(&args.concat()));
        } else {
            assert_eq!(
                shown(&got),
                shown(reply),
                "reply to {:?}",
                command_text(args)
            );
            assert_eq!(got, reply, "reply bytes to {:?}", command_text(args));
        }
        let after = counters(t);
        let moved = (after.0 - before.0, after.1 - before.1, after.2 - before.2);
        assert_eq!(
            moved,
            (dirty, hits, misses),
            "dirty/hits/misses of {:?}",
            command_text(args)
        );
    }
}

fn command_text(args: &[&[u8]]) -> String {
    let words: Vec<String> = args
        .iter()
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    words.join(" ")
}

#[test]
fn offsets_are_limited_by_proto_max_bulk_len() {
    let mut t = client_with(Config {
        proto_max_bulk_len: 1024,
        ..Config::default()
    });
    let offset_error = "-ERR bit offset is not an integer or out of range\r\n";
    assert_eq!(t.run(&["setbit", "k", "8191", "1"]), ":0\r\n");
    assert_eq!(t.run(&["strlen", "k"]), ":1024\r\n");
    assert_eq!(t.run(&["setbit", "k", "8192", "1"]), offset_error);
    assert_eq!(t.run(&["getbit", "k", "8191"]), ":1\r\n");
    assert_eq!(t.run(&["getbit", "k", "8192"]), offset_error);
    assert_eq!(
        t.run(&["bitfield", "k", "get", "u8", "#1023"]),
        "*1\r\n:1\r\n"
    );
    assert_eq!(
        t.run(&["bitfield", "k", "get", "u8", "#1024"]),
        offset_error
    );
    // A field starting at the last allowed bit may end past it: the string grows to fit.
    assert_eq!(
        t.run(&["bitfield", "k", "set", "u16", "8191", "0"]),
        "*1\r\n:32768\r\n"
    );
    assert_eq!(t.run(&["strlen", "k"]), ":1026\r\n");
}

/// The bytes the value of `key` holds, spare capacity included.
fn heap_bytes(t: &TestClient, key: &str) -> usize {
    let mut locked = t.engine.keyspace.lock_keys([key.as_bytes()]);
    locked
        .db(0, t.now.unix_ms())
        .entry_mut(key.as_bytes())
        .expect("key exists")
        .value
        .heap_bytes()
}

#[test]
fn growing_bitmaps_reserve_like_sds() {
    let mut t = client();
    // A new key holds exactly the bytes it needs.
    t.run(&["setbit", "k", "7999999", "1"]);
    assert_eq!(heap_bytes(&t, "k"), 1_000_000);
    // Growth past 1MB reserves at most 1MB more, not a doubling.
    t.run(&["setbit", "k", "16000000", "1"]);
    let held = heap_bytes(&t, "k");
    assert!(
        (2_000_001..=2_000_001 + 1024 * 1024).contains(&held),
        "{held}"
    );
    // Small strings double, so bit-by-bit growth is amortised.
    for i in 0..2000 {
        t.run(&["setbit", "small", &(i * 8).to_string(), "1"]);
    }
    assert!(heap_bytes(&t, "small") <= 4000);
}

#[test]
fn bitop_locks_every_source_shard() {
    let mut t = client();
    let mut args = vec!["bitop".to_string(), "or".into(), "dest".into()];
    for i in 0..40 {
        let key = format!("src{i}");
        t.run(&["setbit", &key, &i.to_string(), "1"]);
        args.push(key);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(t.run(&args), ":5\r\n");
    assert_eq!(t.run(&["bitcount", "dest"]), ":40\r\n");
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(SPLITMIX_GAMMA);
        splitmix64_mix(self.0)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Random SETBIT / BITFIELD SET writes and GETBIT / BITCOUNT / BITPOS / BITFIELD GET reads,
/// against a plain byte vector.
#[test]
fn commands_match_a_byte_model() {
    for seed in 0..8 {
        let mut rng = Rng(seed);
        let mut t = client();
        let mut model: Vec<u8> = Vec::new();
        let bit = |model: &[u8], i: u64| {
            model
                .get((i / 8) as usize)
                .is_some_and(|b| b & (0x80 >> (i % 8)) != 0)
        };
        for step in 0..400 {
            let offset = rng.below(300);
            match rng.below(6) {
                0 => {
                    let on = rng.below(2);
                    let old = bit(&model, offset);
                    let reply = t.run(&["setbit", "k", &offset.to_string(), &on.to_string()]);
                    assert_eq!(
                        reply,
                        format!(":{}\r\n", u8::from(old)),
                        "seed {seed} step {step}"
                    );
                    let byte = (offset / 8) as usize;
                    if model.len() <= byte {
                        model.resize(byte + 1, 0);
                    }
                    let mask = 0x80 >> (offset % 8);
                    model[byte] = if on == 1 {
                        model[byte] | mask
                    } else {
                        model[byte] & !mask
                    };
                }
                1 => {
                    let width = 1 + rng.below(63);
                    let value = rng.next() >> (64 - width);
                    let reply = t.run(&[
                        "bitfield",
                        "k",
                        "set",
                        &format!("u{width}"),
                        &offset.to_string(),
                        &value.to_string(),
                    ]);
                    assert!(reply.starts_with("*1\r\n:"), "{reply}");
                    let last = offset + width - 1;
                    if model.len() <= (last / 8) as usize {
                        model.resize((last / 8) as usize + 1, 0);
                    }
                    for i in 0..width {
                        let at = offset + i;
                        let mask = 0x80 >> (at % 8);
                        let byte = &mut model[(at / 8) as usize];
                        *byte = if value >> (width - 1 - i) & 1 == 1 {
                            *byte | mask
                        } else {
                            *byte & !mask
                        };
                    }
                }
                2 => {
                    let reply = t.run(&["getbit", "k", &offset.to_string()]);
                    assert_eq!(reply, format!(":{}\r\n", u8::from(bit(&model, offset))));
                }
                3 => {
                    let (start, end) = (rng.below(60) as i64 - 20, rng.below(60) as i64 - 20);
                    let len = model.len() as i64 * 8;
                    let resolve = |i: i64| if i < 0 { len + i } else { i };
                    let (s, e) = (resolve(start).max(0), resolve(end).min(len - 1));
                    let expected = if start < 0 && end < 0 && start > end {
                        0
                    } else {
                        (s..=e).filter(|&i| bit(&model, i as u64)).count()
                    };
                    let reply =
                        t.run(&["bitcount", "k", &start.to_string(), &end.to_string(), "bit"]);
                    assert_eq!(reply, format!(":{expected}\r\n"), "seed {seed} step {step}");
                }
                4 => {
                    let wanted = rng.below(2) == 1;
                    let start = rng.below(model.len() as u64 * 8 + 5);
                    let len = model.len() as u64 * 8;
                    let expected = if model.is_empty() {
                        // A missing key is all zeros.
                        if wanted { -1 } else { 0 }
                    } else {
                        (start..len)
                            .find(|&i| bit(&model, i) == wanted)
                            .map_or(-1, |i| i as i64)
                    };
                    let reply = t.run(&[
                        "bitpos",
                        "k",
                        &u8::from(wanted).to_string(),
                        &start.to_string(),
                        "-1",
                        "bit",
                    ]);
                    assert_eq!(reply, format!(":{expected}\r\n"), "seed {seed} step {step}");
                }
                _ => {
                    let width = 1 + rng.below(64);
                    let expected =
                        (0..width).fold(0u64, |v, i| v << 1 | u64::from(bit(&model, offset + i)));
                    let expected = ((expected << (64 - width)) as i64) >> (64 - width);
                    let reply = t.run(&[
                        "bitfield_ro",
                        "k",
                        "get",
                        &format!("i{width}"),
                        &offset.to_string(),
                    ]);
                    assert_eq!(
                        reply,
                        format!("*1\r\n:{expected}\r\n"),
                        "seed {seed} step {step}"
                    );
                }
            }
        }
        let get = run_raw(&mut t, &[b"get", b"k"]);
        assert!(get.ends_with(&[&model[..], b"\r\n"].concat()));
    }
}
