//! A real `dump.rdb`: redis-server writes one (SAVE) holding every value type and encoding
//! Redis 7.0 writes (integer and LZF strings, compressed quicklist nodes, intsets,
//! listpacks, hashtables, skiplists, streams with consumer groups, expiries in several
//! databases, a function library), and the engine's loader reads it back chunk by chunk.
//! Every key is compared with what redis-server itself answers for it.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

mod common;

use common::Server;
use ferrite_engine::keyspace::{Keyspace, Value};
use ferrite_engine::rdb::KeyspaceLoader;
use ferrite_engine::types::stream::StreamId;
use redis::{Commands, Connection};

fn populate(con: &mut Connection) -> Vec<(usize, String)> {
    let mut keys = Vec::new();
    let mut run = |con: &mut Connection, db: usize, key: &str, args: &[&str]| {
        let mut cmd = redis::cmd(args[0]);
        for arg in &args[1..] {
            cmd.arg(*arg);
        }
        let _: redis::Value = cmd.query(con).unwrap();
        if !keys.iter().any(|(d, k)| *d == db && k == key) {
            keys.push((db, key.to_string()));
        }
    };
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("list-compress-depth")
        .arg("1")
        .query(con)
        .unwrap();
    let long = "lzf-".repeat(100);
    let big_list: Vec<String> = (0..3000).map(|i| format!("element number {i}")).collect();
    let mut rpush = vec!["rpush", "biglist"];
    rpush.extend(big_list.iter().map(String::as_str));
    let members: Vec<String> = (0..700).map(|i| i.to_string()).collect();
    let mut sadd_big = vec!["sadd", "bigset"];
    sadd_big.extend(members.iter().map(String::as_str));
    let zargs: Vec<String> = (0..300)
        .flat_map(|i| [format!("{}", i as f64 / 7.0), format!("member:{i}")])
        .collect();
    let mut zadd_big = vec!["zadd", "bigzset"];
    zadd_big.extend(zargs.iter().map(String::as_str));
    let hargs: Vec<String> = (0..600)
        .flat_map(|i| [format!("field:{i}"), format!("{i}")])
        .collect();
    let mut hset_big = vec!["hset", "bighash"];
    hset_big.extend(hargs.iter().map(String::as_str));
    for db in [0usize, 5] {
        let _: () = redis::cmd("SELECT").arg(db).query(con).unwrap();
        run(con, db, "int", &["set", "int", "12345"]);
        run(
            con,
            db,
            "bigint",
            &["set", "bigint", "-9223372036854775808"],
        );
        run(con, db, "str", &["set", "str", "hello"]);
        run(con, db, "lzf", &["set", "lzf", &long]);
        run(con, db, "ttl", &["set", "ttl", "soon", "px", "86400000"]);
        run(con, db, "hll", &["pfadd", "hll", "a", "b", "c"]);
        run(con, db, "list", &["rpush", "list", "a", "1", "-70000", "b"]);
        run(con, db, "biglist", &rpush);
        run(
            con,
            db,
            "intset",
            &["sadd", "intset", "1", "-2", "5000000000"],
        );
        run(con, db, "set", &["sadd", "set", "a", "b", "c"]);
        run(con, db, "bigset", &sadd_big);
        run(
            con,
            db,
            "zset",
            &["zadd", "zset", "1.5", "a", "-inf", "b", "3", "c"],
        );
        run(con, db, "bigzset", &zadd_big);
        run(con, db, "hash", &["hset", "hash", "f", "v", "n", "7"]);
        run(con, db, "bighash", &hset_big);
        run(con, db, "longhash", &["hset", "longhash", "f", &long]);
        for i in 1..=150 {
            let id = format!("{i}-1");
            let v = i.to_string();
            if i % 3 == 0 {
                run(
                    con,
                    db,
                    "stream",
                    &["xadd", "stream", &id, "a", &v, "b", "x"],
                );
            } else {
                run(con, db, "stream", &["xadd", "stream", &id, "a", &v]);
            }
        }
        run(con, db, "stream", &["xdel", "stream", "2-1", "50-1"]);
        run(
            con,
            db,
            "stream",
            &["xgroup", "create", "stream", "g1", "0"],
        );
        run(
            con,
            db,
            "stream",
            &["xgroup", "create", "stream", "g2", "$"],
        );
        run(
            con,
            db,
            "stream",
            &[
                "xreadgroup",
                "group",
                "g1",
                "alice",
                "count",
                "5",
                "streams",
                "stream",
                ">",
            ],
        );
        run(
            con,
            db,
            "stream",
            &[
                "xreadgroup",
                "group",
                "g1",
                "bob",
                "count",
                "3",
                "streams",
                "stream",
                ">",
            ],
        );
        run(con, db, "stream", &["xack", "stream", "g1", "3-1"]);
        run(
            con,
            db,
            "stream",
            &["xgroup", "createconsumer", "stream", "g2", "carol"],
        );
    }
    let _: () = redis::cmd("SELECT").arg(0).query(con).unwrap();
    let _: redis::Value = redis::cmd("FUNCTION")
        .arg("LOAD")
        .arg("#!lua name=mylib\nredis.register_function('f', function() return 1 end)")
        .query(con)
        .unwrap();
    keys
}

/// What redis-server answers about a key, as lines.
fn describe_redis(con: &mut Connection, key: &str) -> Vec<String> {
    let kind: String = redis::cmd("TYPE").arg(key).query(con).unwrap();
    let bytes = |v: Vec<u8>| String::from_utf8_lossy(&v).into_owned();
    let mut lines: Vec<String> = match kind.as_str() {
        "string" => vec![bytes(con.get(key).unwrap())],
        "list" => con
            .lrange::<_, Vec<Vec<u8>>>(key, 0, -1)
            .unwrap()
            .into_iter()
            .map(bytes)
            .collect(),
        "set" => {
            let mut m: Vec<String> = con
                .smembers::<_, Vec<Vec<u8>>>(key)
                .unwrap()
                .into_iter()
                .map(bytes)
                .collect();
            m.sort();
            m
        }
        "zset" => con
            .zrange_withscores::<_, Vec<(Vec<u8>, f64)>>(key, 0, -1)
            .unwrap()
            .into_iter()
            .map(|(m, s)| format!("{} {s}", bytes(m)))
            .collect(),
        "hash" => {
            let mut m: Vec<String> = con
                .hgetall::<_, Vec<(Vec<u8>, Vec<u8>)>>(key)
                .unwrap()
                .into_iter()
                .map(|(f, v)| format!("{}={}", bytes(f), bytes(v)))
                .collect();
            m.sort();
            m
        }
        "stream" => {
            let entries: Vec<(String, Vec<(String, String)>)> = redis::cmd("XRANGE")
                .arg(key)
                .arg("-")
                .arg("+")
                .query(con)
                .unwrap();
            let mut out: Vec<String> = entries
                .into_iter()
                .map(|(id, pairs)| format!("{id} {pairs:?}"))
                .collect();
            let groups: Vec<std::collections::HashMap<String, redis::Value>> = redis::cmd("XINFO")
                .arg("GROUPS")
                .arg(key)
                .query(con)
                .unwrap();
            for g in groups {
                let text = |v: &redis::Value| match v {
                    redis::Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
                    redis::Value::Int(n) => n.to_string(),
                    // entries-read unknown: our -1.
                    redis::Value::Nil => "-1".to_string(),
                    other => format!("{other:?}"),
                };
                out.push(format!(
                    "group {} last {} pending {} consumers {} read {}",
                    text(&g["name"]),
                    text(&g["last-delivered-id"]),
                    text(&g["pending"]),
                    text(&g["consumers"]),
                    text(&g["entries-read"]),
                ));
            }
            out
        }
        other => panic!("unexpected type {other}"),
    };
    let expire: i64 = redis::cmd("PEXPIRETIME").arg(key).query(con).unwrap();
    lines.push(format!("expire {expire}"));
    lines
}

/// The same description of a loaded value.
fn describe_loaded(value: &Value, expire_ms: u64) -> Vec<String> {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut lines: Vec<String> = match value {
        Value::List(list) => list.iter().map(|e| text(&e.to_vec())).collect(),
        Value::Set(set) => {
            let mut m: Vec<String> = set.iter().map(|e| text(&e.to_vec())).collect();
            m.sort();
            m
        }
        Value::ZSet(zset) => {
            let mut out = Vec::new();
            zset.for_each(|s, m| out.push(format!("{} {s}", text(m))));
            out
        }
        Value::Hash(hash) => {
            let mut m: Vec<String> = hash
                .iter()
                .map(|(f, v)| format!("{}={}", text(f), text(v)))
                .collect();
            m.sort();
            m
        }
        Value::Stream(s) => {
            let mut out: Vec<String> = s
                .log
                .range(StreamId::MIN, StreamId::MAX)
                .map(|e| {
                    let pairs: Vec<(String, String)> =
                        e.pairs().map(|(f, v)| (text(f), text(v))).collect();
                    format!("{} {pairs:?}", e.id)
                })
                .collect();
            for (name, g) in &s.groups {
                out.push(format!(
                    "group {} last {} pending {} consumers {} read {}",
                    text(name),
                    g.last_id,
                    g.pel().len(),
                    g.consumers().len(),
                    g.entries_read,
                ));
            }
            out
        }
        string => vec![string.with_bytes(text)],
    };
    lines.push(format!(
        "expire {}",
        if expire_ms == 0 { -1 } else { expire_ms as i64 }
    ));
    lines
}

#[test]
fn engine_loads_a_dump_rdb_written_by_redis_server() {
    let dir = std::env::temp_dir().join(format!("ferrite-rdb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let server = Server::redis(&["--dir", dir.to_str().unwrap(), "--dbfilename", "dump.rdb"]);
    let client = redis::Client::open(server.url()).unwrap();
    let mut con = client.get_connection().unwrap();
    let keys = populate(&mut con);
    let _: () = redis::cmd("SAVE").query(&mut con).unwrap();
    let file = std::fs::read(dir.join("dump.rdb")).unwrap();
    assert_eq!(&file[..9], b"REDIS0010");

    let keyspace = Keyspace::new(16, 8, 99);
    let mut loader = KeyspaceLoader::new(&keyspace);
    for chunk in file.chunks(4096) {
        loader.feed(&keyspace, chunk, 0).unwrap();
    }
    let summary = loader.finish(&keyspace, 0).unwrap();
    assert_eq!(summary.keys_loaded, keys.len() as u64);
    assert_eq!(summary.functions.len(), 1);
    assert!(
        summary
            .aux
            .iter()
            .any(|(k, v)| k == b"redis-ver" && v.starts_with(b"7."))
    );
    let mut locked = keyspace.lock_all();
    for (db, key) in &keys {
        let _: () = redis::cmd("SELECT").arg(*db).query(&mut con).unwrap();
        let expected = describe_redis(&mut con, key);
        let mut view = locked.db(*db, 0);
        let entry = view
            .entry_mut(key.as_bytes())
            .unwrap_or_else(|| panic!("db {db} key {key} not loaded"));
        assert_eq!(
            describe_loaded(&entry.value, entry.expire_ms),
            expected,
            "db {db} key {key}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
