//! RDB codec tests: Redis's own payloads (`vectors.rs`) decode to what Ferrite builds from
//! the same commands, Ferrite's payloads match Redis's bytes where no compression is
//! involved and round-trip everywhere, damaged input is an error and never a panic, and the
//! streaming loader reads files in chunks of any size.

use ahash::RandomState;

use super::vectors::VECTORS;
use super::*;
use crate::keyspace::{Entry, Value};
use crate::testing::{TestClient, client};
use crate::types::stream::{Stream, StreamId};

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn hasher() -> RandomState {
    RandomState::with_seeds(1, 2, 3, 4)
}

pub(crate) fn stored(t: &TestClient, key: &str) -> Value {
    let mut locked = t.engine.keyspace.lock_all();
    let mut db = locked.db(0, t.now.unix_ms());
    db.entry_mut(key.as_bytes())
        .expect("key exists")
        .value
        .clone()
}

/// A stream's observable content; `times` includes delivery and seen times.
fn stream_view(s: &Stream, times: bool) -> String {
    let mut out = String::new();
    for e in s.log.range(StreamId::MIN, StreamId::MAX) {
        out += &format!("{} {:?}\n", e.id, e.pairs().collect::<Vec<_>>());
    }
    let log = &s.log;
    out += &format!(
        "len {} last {} first {} maxdel {} added {}\n",
        log.len(),
        log.last_id,
        log.first_id,
        log.max_deleted_id,
        log.entries_added
    );
    for (name, g) in &s.groups {
        out += &format!("group {:?} {} {}\n", name, g.last_id, g.entries_read);
        for (id, nack) in g.pel() {
            out += &format!("  pel {id} {:?} {}", nack.consumer, nack.delivery_count);
            if times {
                out += &format!(" {}", nack.delivery_ms);
            }
            out += "\n";
        }
        for (name, c) in g.consumers() {
            out += &format!("  consumer {name:?} {:?}", c.pending());
            if times {
                out += &format!(" {}", c.seen_ms);
            }
            out += "\n";
        }
    }
    out
}

/// Values equal as clients see them (streams: without delivery and seen times).
fn assert_same(a: &Value, b: &Value, times: bool, what: &str) {
    match (a, b) {
        (Value::Stream(x), Value::Stream(y)) => {
            assert_eq!(stream_view(x, times), stream_view(y, times), "{what}")
        }
        _ if a.is_string() && b.is_string() => {
            assert_eq!(
                a.with_bytes(<[u8]>::to_vec),
                b.with_bytes(<[u8]>::to_vec),
                "{what}"
            )
        }
        _ => assert_eq!(a, b, "{what}"),
    }
}

#[test]
fn redis_payloads_decode_to_what_ferrite_builds() {
    for v in VECTORS {
        let mut t = client();
        for command in v.commands {
            let reply = t.run(command);
            assert!(!reply.starts_with('-'), "{}: {command:?}: {reply}", v.name);
        }
        let ours = stored(&t, "k");
        let payload = hex(v.payload_hex);
        let theirs = decode_payload(&payload, &hasher())
            .unwrap_or_else(|e| panic!("{}: {e:?}", v.name))
            .expect("not empty");
        assert_same(&theirs, &ours, false, v.name);
        assert_eq!(
            theirs.encoding(),
            v.encoding,
            "{}: encoding after decode",
            v.name
        );
        let dumped = dump_payload(&ours);
        if v.exact {
            assert_eq!(dumped, payload, "{}: DUMP bytes", v.name);
        }
        let again = decode_payload(&dumped, &hasher()).unwrap().unwrap();
        assert_same(&again, &ours, true, v.name);
    }
}

#[test]
fn every_type_round_trips_with_ttls_groups_and_big_values() {
    let mut t = client();
    let big: Vec<String> = (0..5000).map(|i| format!("element-{i}")).collect();
    let long = "v".repeat(100);
    let mut rpush = vec!["rpush", "biglist"];
    rpush.extend(big.iter().map(String::as_str));
    let commands: Vec<Vec<&str>> = vec![
        vec!["set", "s", "v"],
        vec!["set", "n", "-123456789012"],
        rpush,
        vec!["sadd", "ints", "1", "2", "-3"],
        vec!["sadd", "strs", "a", "b"],
        vec!["zadd", "z", "1", "a", "-0", "b", "2.5", "c"],
        vec!["hset", "h", "a", "1", "b", "2", "c", "3"],
        vec!["hpexpire", "h", "100000", "fields", "1", "b"],
        vec!["hset", "hbig", "long", &long, "x", "y"],
        vec!["hpexpire", "hbig", "5000", "fields", "2", "x", "long"],
        vec!["xadd", "st", "1-1", "a", "1"],
        vec!["xadd", "st", "2-1", "a", "2", "b", "3"],
        vec!["xadd", "st", "3-1", "c", "4"],
        vec!["xgroup", "create", "st", "g1", "0"],
        vec!["xgroup", "create", "st", "g2", "$", "entriesread", "3"],
        vec![
            "xreadgroup",
            "group",
            "g1",
            "c1",
            "count",
            "2",
            "streams",
            "st",
            ">",
        ],
        vec!["xreadgroup", "group", "g1", "c2", "streams", "st", ">"],
        vec!["xclaim", "st", "g1", "c2", "0", "1-1"],
        vec!["xdel", "st", "2-1"],
    ];
    for command in &commands {
        let reply = t.run(command);
        assert!(!reply.starts_with('-'), "{command:?}: {reply}");
    }
    for key in ["s", "n", "biglist", "ints", "strs", "z", "h", "hbig", "st"] {
        let value = stored(&t, key);
        let payload = dump_payload(&value);
        let back = decode_payload(&payload, &hasher()).unwrap().unwrap();
        assert_same(&back, &value, true, key);
        assert_eq!(back.encoding(), value.encoding(), "{key}");
    }
    let Value::Hash(h) = stored(&t, "h") else {
        panic!()
    };
    assert_eq!(value_type(&Value::Hash(h)), types::HASH_LISTPACK_EX);
    let Value::Hash(h) = stored(&t, "hbig") else {
        panic!()
    };
    assert_eq!(value_type(&Value::Hash(h)), types::HASH_METADATA);
}

/// Mutates every byte of small payloads (fixing the checksum so the decoder itself sees the
/// damage) and cuts them at every length: errors or values, never a panic; and whatever
/// decodes re-encodes to a payload that decodes to the same value.
#[test]
fn damaged_payloads_never_panic() {
    for v in VECTORS.iter().filter(|v| v.payload_hex.len() < 2000) {
        let payload = hex(v.payload_hex);
        let body_len = payload.len() - 10;
        for i in 0..body_len {
            for delta in [1u8, 0x80, 0xff, 0x3f] {
                let mut bad = payload[..body_len + 2].to_vec();
                bad[i] = bad[i].wrapping_add(delta);
                let crc = crc64::update(0, &bad);
                bad.extend_from_slice(&crc.to_le_bytes());
                if let Ok(Some(value)) = decode_payload(&bad, &hasher()) {
                    let again = decode_payload(&dump_payload(&value), &hasher());
                    assert_same(&again.unwrap().unwrap(), &value, true, v.name);
                }
            }
        }
        for cut in 0..payload.len() {
            let mut short = payload[..cut].to_vec();
            if short.len() >= 10 {
                let n = short.len();
                short[n - 10..n - 8].copy_from_slice(&RDB_VERSION.to_le_bytes());
                let crc = crc64::update(0, &short[..n - 8]);
                short[n - 8..].copy_from_slice(&crc.to_le_bytes());
            }
            let _ = decode_payload(&short, &hasher());
        }
    }
}

#[test]
fn payload_footer_checks() {
    let payload = hex(VECTORS[0].payload_hex);
    assert!(decode_payload(&payload, &hasher()).is_ok());
    let mut bad = payload.clone();
    *bad.last_mut().unwrap() ^= 1;
    assert_eq!(
        decode_payload(&bad, &hasher()),
        Err(PayloadError::VersionOrChecksum)
    );
    let mut newer = payload[..payload.len() - 10].to_vec();
    newer.extend_from_slice(&13u16.to_le_bytes());
    let crc = crc64::update(0, &newer);
    newer.extend_from_slice(&crc.to_le_bytes());
    assert_eq!(
        decode_payload(&newer, &hasher()),
        Err(PayloadError::VersionOrChecksum)
    );
    assert_eq!(
        decode_payload(b"short", &hasher()),
        Err(PayloadError::VersionOrChecksum)
    );
    // An empty list decodes as "empty", which RESTORE refuses.
    let mut empty = vec![types::LIST, 0];
    empty.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64::update(0, &empty);
    empty.extend_from_slice(&crc.to_le_bytes());
    assert_eq!(decode_payload(&empty, &hasher()), Ok(None));
}

/// (database, key, value, expiry) of a key written to a sample file.
type SampleKey = (usize, Vec<u8>, Value, u64);

/// A file with every vector's value in two databases, some with expiry.
fn sample_file() -> (Vec<u8>, Vec<SampleKey>) {
    let mut out = Vec::new();
    write_header(&mut out, &[("redis-ver", b"7.0.15"), ("redis-bits", b"64")]);
    let mut keys = Vec::new();
    for (db, chunk) in VECTORS.chunks(VECTORS.len() / 2 + 1).enumerate() {
        write_select_db(&mut out, db * 3);
        for (i, v) in chunk.iter().enumerate() {
            let value = decode_payload(&hex(v.payload_hex), &hasher())
                .unwrap()
                .unwrap();
            let expire_ms = if i % 3 == 0 {
                4_000_000_000_000 + i as u64
            } else {
                0
            };
            let key = format!("{}:{i}", v.name).into_bytes();
            let entry = Entry {
                value: value.clone(),
                expire_ms,
                access_s: 0,
            };
            write_entry(&mut out, &key, &entry);
            keys.push((db * 3, key, value, expire_ms));
        }
    }
    let crc = crc64::update(0, &out);
    write_footer(&mut out, crc);
    (out, keys)
}

fn load_in_chunks(file: &[u8], chunk: usize) -> Result<Vec<Item>, RdbError> {
    let mut loader = Loader::new(hasher());
    let mut items = Vec::new();
    for part in file.chunks(chunk) {
        loader.feed(part);
        while let Some(item) = loader.next_item()? {
            items.push(item);
        }
    }
    loader.end_input();
    while let Some(item) = loader.next_item()? {
        items.push(item);
    }
    loader.finish()?;
    Ok(items)
}

#[test]
fn loader_reads_files_in_chunks_of_any_size() {
    let (file, keys) = sample_file();
    for chunk in [1, 2, 7, 64, 1000, 4096, file.len()] {
        let items = load_in_chunks(&file, chunk).unwrap();
        let mut aux = 0;
        let mut loaded = Vec::new();
        for item in items {
            match item {
                Item::Aux { .. } => aux += 1,
                Item::Key(k) => loaded.push(k),
                Item::Function(_) => panic!("no functions here"),
            }
        }
        assert_eq!(aux, 2);
        assert_eq!(loaded.len(), keys.len(), "chunk {chunk}");
        for (k, (db, key, value, expire_ms)) in loaded.iter().zip(&keys) {
            assert_eq!((k.db, &k.key, k.entry.expire_ms), (*db, key, *expire_ms));
            assert_same(&k.entry.value, value, true, "loaded");
        }
    }
}

#[test]
fn loader_checks_end_and_checksum() {
    let (file, _) = sample_file();
    // Cut anywhere: an error, at finish at the latest.
    for cut in [0, 5, 9, 10, file.len() / 2, file.len() - 9, file.len() - 1] {
        assert!(load_in_chunks(&file[..cut], 100).is_err(), "cut {cut}");
    }
    let mut flipped = file.clone();
    let n = flipped.len();
    flipped[n - 3] ^= 0x10;
    let err = load_in_chunks(&flipped, 512).unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Checksum { .. }), "{err}");
    assert_eq!(err.offset, (n - 8) as u64);
    // A stored checksum of 0 means "not computed".
    let mut unchecked = file.clone();
    unchecked[n - 8..].fill(0);
    assert!(load_in_chunks(&unchecked, 512).is_ok());
    // A flipped bit inside the data is caught by the checksum (or the parser).
    let mut inside = file.clone();
    inside[n / 2] ^= 0x04;
    assert!(load_in_chunks(&inside, 512).is_err());
    // Knowing the input's size, a length past its end is corruption at once.
    let mut huge = Vec::new();
    write_header(&mut huge, &[]);
    huge.extend_from_slice(&[types::STRING, 1, b'k', 0x80, 0x7f, 0xff, 0xff, 0xff]);
    huge.extend_from_slice(&[0; 100]);
    let mut loader = Loader::new(hasher());
    loader.set_input_len(huge.len() as u64 + 1_000);
    loader.feed(&huge[..50]);
    let err = loader.next_item().unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Corrupt("length runs past the end of the input")
    );
    let mut unknown = Loader::new(hasher());
    unknown.feed(&huge[..50]);
    assert!(
        unknown.next_item().unwrap().is_none(),
        "without the size: wait for more"
    );
    assert_eq!(
        load_in_chunks(b"REDIS0013\xff", 4).unwrap_err().kind,
        ErrorKind::BadHeader
    );
    assert_eq!(
        load_in_chunks(b"RUBBISH!!", 4).unwrap_err().kind,
        ErrorKind::BadHeader
    );
}

#[test]
fn keyspace_loader_skips_expired_keys() {
    let (file, keys) = sample_file();
    let t = client();
    let keyspace = &t.engine.keyspace;
    let now_ms = 4_000_000_000_000 + 5;
    let mut loader = KeyspaceLoader::new(keyspace);
    for part in file.chunks(333) {
        loader.feed(keyspace, part, now_ms).unwrap();
    }
    let summary = loader.finish(keyspace, now_ms).unwrap();
    let expired = keys.iter().filter(|k| k.3 != 0 && k.3 < now_ms).count() as u64;
    assert!(expired > 0);
    assert_eq!(summary.keys_expired, expired);
    assert_eq!(summary.keys_loaded, keys.len() as u64 - expired);
    assert_eq!(summary.rdb_version, RDB_VERSION);
    let mut locked = keyspace.lock_all();
    for (db, key, value, expire_ms) in &keys {
        let mut view = locked.db(*db, now_ms);
        match view.entry_mut(key) {
            Some(entry) => {
                assert_same(&entry.value, value, true, "keyspace");
                assert_eq!(entry.expire_ms, *expire_ms);
            }
            None => assert!(*expire_ms != 0 && *expire_ms < now_ms),
        }
    }
    drop(locked);
    // Loading the same file again: every key is a duplicate.
    let mut again = KeyspaceLoader::new(keyspace);
    let err = again
        .feed(keyspace, &file, now_ms)
        .and_then(|()| again.finish(keyspace, now_ms).map(drop))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::DuplicateKey);
}
