//! The `redis` crate, unmodified, against the real binary: typed commands, pipelines, RESP3,
//! expiry, databases and connection commands.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

mod common;

use std::time::Duration;

use common::Server;
use redis::{Commands, ProtocolVersion, RedisConnectionInfo, Value};

fn connect(server: &Server) -> redis::Connection {
    redis::Client::open(server.url())
        .unwrap()
        .get_connection()
        .unwrap()
}

#[test]
fn typed_string_commands() {
    let server = Server::ferrite(&[]);
    let mut conn = connect(&server);
    let _: () = conn.set("name", "ferrite").unwrap();
    assert_eq!(conn.get::<_, String>("name").unwrap(), "ferrite");
    assert_eq!(conn.incr::<_, _, i64>("counter", 5).unwrap(), 5);
    assert_eq!(conn.decr::<_, _, i64>("counter", 2).unwrap(), 3);
    assert_eq!(conn.incr::<_, _, f64>("float", 1.5).unwrap(), 1.5);
    assert_eq!(conn.append::<_, _, i64>("name", "!").unwrap(), 8);
    assert_eq!(conn.getrange::<_, String>("name", 0, 2).unwrap(), "fer");
    let values: Vec<Option<String>> = conn.mget(&["name", "missing"]).unwrap();
    assert_eq!(values, vec![Some("ferrite!".to_string()), None]);
    assert!(!conn.set_nx::<_, _, bool>("name", "other").unwrap());
    assert_eq!(
        conn.exists::<_, i64>(&["name", "counter", "nope"]).unwrap(),
        2
    );
    assert_eq!(conn.del::<_, i64>(&["name", "counter"]).unwrap(), 2);
    let err = conn.incr::<_, _, i64>("float", 1).unwrap_err();
    assert_eq!(err.code(), Some("ERR"));
}

#[test]
fn binary_keys_and_large_values() {
    let server = Server::ferrite(&[]);
    let mut conn = connect(&server);
    let key: Vec<u8> = (0u8..=255).collect();
    let value: Vec<u8> = (0..8 * 1024 * 1024u32)
        .map(|i| (i * 7 % 256) as u8)
        .collect();
    let _: () = conn.set(&key, &value).unwrap();
    let back: Vec<u8> = conn.get(&key).unwrap();
    assert_eq!(back, value);
    assert_eq!(conn.strlen::<_, usize>(&key).unwrap(), value.len());
}

#[test]
fn pipelines_and_expiry() {
    let server = Server::ferrite(&["--hz", "100"]);
    let mut conn = connect(&server);
    let mut pipe = redis::pipe();
    for i in 0..500 {
        pipe.set_ex(format!("session:{i}"), i, 1).ignore();
    }
    pipe.cmd("DBSIZE");
    let (size,): (i64,) = pipe.query(&mut conn).unwrap();
    assert_eq!(size, 500);
    let ttl: i64 = conn.ttl("session:7").unwrap();
    assert!((0..=1).contains(&ttl), "ttl {ttl}");
    // Active expiry reclaims the keys without anyone reading them: DBSIZE counts them until
    // they are removed, so it reaching 0 proves the cron ran.
    let mut size = 500;
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(50));
        size = redis::cmd("DBSIZE").query(&mut conn).unwrap();
        if size == 0 {
            break;
        }
    }
    assert_eq!(size, 0, "expired keys were not reclaimed by active expiry");
    let info: String = redis::cmd("INFO").arg("stats").query(&mut conn).unwrap();
    assert_eq!(
        common::info_field(&info, "expired_keys").as_deref(),
        Some("500")
    );
}

#[test]
fn resp3_connection() {
    let server = Server::ferrite(&[]);
    let info = redis::ConnectionInfo {
        addr: redis::ConnectionAddr::Tcp("127.0.0.1".into(), server.port),
        redis: RedisConnectionInfo {
            protocol: ProtocolVersion::RESP3,
            ..Default::default()
        },
    };
    let mut conn = redis::Client::open(info).unwrap().get_connection().unwrap();
    let _: () = conn.set("k", "v").unwrap();
    let missing: Value = conn.get("nope").unwrap();
    assert_eq!(missing, Value::Nil);
    let config: Value = redis::cmd("CONFIG")
        .arg("GET")
        .arg("hz")
        .query(&mut conn)
        .unwrap();
    assert!(
        matches!(config, Value::Map(_)),
        "RESP3 CONFIG GET is a map, got {config:?}"
    );
}

#[test]
fn databases_and_password() {
    let server = Server::ferrite(&["--requirepass", "s3cret", "--databases", "4"]);
    let client = redis::Client::open(server.url()).unwrap();
    let mut anonymous = client.get_connection().unwrap();
    let err = redis::cmd("GET")
        .arg("k")
        .query::<Value>(&mut anonymous)
        .unwrap_err();
    assert_eq!(err.code(), Some("NOAUTH"));
    let url = format!("redis://:s3cret@127.0.0.1:{}/3", server.port);
    let mut conn = redis::Client::open(url).unwrap().get_connection().unwrap();
    let _: () = conn.set("in-db3", 1).unwrap();
    let moved: bool = redis::cmd("MOVE")
        .arg("in-db3")
        .arg(0)
        .query(&mut conn)
        .unwrap();
    assert!(moved);
    let err = redis::cmd("SELECT")
        .arg(4)
        .query::<()>(&mut conn)
        .unwrap_err();
    assert!(
        err.to_string().contains("DB index is out of range"),
        "{err}"
    );
}
