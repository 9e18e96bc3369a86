//! The command table is data written in this project; this test checks it against a live
//! `redis-server`'s COMMAND INFO: arity, flags, key positions and ACL categories of every
//! command (and subcommand) Ferrite has, wherever Redis 7.0 has the same command.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

mod common;

use common::Server;
use redis::Value;

/// The comparable part of one COMMAND INFO entry.
#[derive(Debug, PartialEq)]
struct Info {
    name: String,
    arity: i64,
    flags: Vec<String>,
    keys: (i64, i64, i64),
    acl: Vec<String>,
}

fn text(value: &Value) -> String {
    match value {
        Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        Value::SimpleString(s) => s.clone(),
        Value::Okay => "OK".into(),
        other => panic!("expected a string, got {other:?}"),
    }
}

fn int(value: &Value) -> i64 {
    match value {
        Value::Int(n) => *n,
        other => panic!("expected an integer, got {other:?}"),
    }
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) | Value::Set(items) => {
            let mut out: Vec<String> = items.iter().map(text).collect();
            out.sort();
            out
        }
        other => panic!("expected an array, got {other:?}"),
    }
}

/// Flattens COMMAND INFO replies (with subcommands) into entries.
fn collect(entry: &Value, out: &mut Vec<Info>) {
    let Value::Array(fields) = entry else { return };
    out.push(Info {
        name: text(&fields[0]),
        arity: int(&fields[1]),
        flags: strings(&fields[2]),
        keys: (int(&fields[3]), int(&fields[4]), int(&fields[5])),
        acl: strings(&fields[6]),
    });
    if let Some(Value::Array(subs)) = fields.get(9) {
        for sub in subs {
            collect(sub, out);
        }
    }
}

fn command_infos(port: u16, names: &[String]) -> Vec<Info> {
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}/")).unwrap();
    let mut conn = client.get_connection().unwrap();
    let mut cmd = redis::cmd("COMMAND");
    cmd.arg("INFO");
    for name in names {
        cmd.arg(name);
    }
    let reply: Value = cmd.query(&mut conn).unwrap();
    let Value::Array(entries) = reply else {
        panic!("COMMAND INFO gave {reply:?}")
    };
    let mut out = Vec::new();
    for entry in &entries {
        collect(entry, &mut out);
    }
    out
}

#[test]
fn command_table_matches_redis() {
    let ferrite = Server::ferrite(&[]);
    let redis = Server::redis(&[]);
    let ours = command_infos(ferrite.port, &[]);
    assert!(
        ours.len() > 60,
        "COMMAND INFO listed only {} entries",
        ours.len()
    );
    let names: Vec<String> = ours
        .iter()
        .filter(|i| !i.name.contains('|'))
        .map(|i| i.name.clone())
        .collect();
    let theirs = command_infos(redis.port, &names);
    let mut compared = 0;
    let mut mismatches = Vec::new();
    for info in &ours {
        // Commands newer than the packaged Redis (CLIENT SETINFO is 7.2) have nothing to match.
        let Some(reference) = theirs.iter().find(|t| t.name == info.name) else {
            continue;
        };
        compared += 1;
        if info != reference {
            mismatches.push(format!("ours:   {info:?}\nredis:  {reference:?}"));
        }
    }
    assert!(
        compared + 2 + 9 >= ours.len(), // + the 9 hash field-TTL commands of Redis 7.4
        "only {compared} of {} commands found in redis-server",
        ours.len()
    );
    assert!(
        mismatches.is_empty(),
        "command table differs from redis-server:\n{}",
        mismatches.join("\n")
    );
}
