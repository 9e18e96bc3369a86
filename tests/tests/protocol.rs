//! Black-box protocol tests of the real binary over raw TCP: framing, pipelining, inline
//! commands, malformed input, limits, and back-pressure.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

mod common;

use std::io::Write;
use std::time::Duration;

use common::{Conn, Server, encode, info_field};

#[test]
fn pipelined_commands_answer_in_order() {
    let server = Server::ferrite(&[]);
    let mut conn = server.connect();
    let mut batch = Vec::new();
    for i in 0..1000 {
        batch.extend(encode(&[
            b"SET",
            format!("k{i}").as_bytes(),
            format!("v{i}").as_bytes(),
        ]));
        batch.extend(encode(&[b"GET", format!("k{i}").as_bytes()]));
    }
    conn.send_raw(&batch);
    for i in 0..1000 {
        assert_eq!(conn.read_reply(), "+OK\r\n");
        let value = format!("v{i}");
        assert_eq!(
            conn.read_reply(),
            format!("${}\r\n{value}\r\n", value.len())
        );
    }
}

#[test]
fn commands_split_across_writes() {
    let server = Server::ferrite(&[]);
    let mut conn = server.connect();
    let whole = encode(&[b"SET", b"split", b"value"]);
    for byte in &whole {
        conn.send_raw(&[*byte]);
        conn.writer.flush().unwrap();
    }
    assert_eq!(conn.read_reply(), "+OK\r\n");
    assert_eq!(conn.cmd(&["GET", "split"]), "$5\r\nvalue\r\n");
}

#[test]
fn inline_commands_as_telnet_sends_them() {
    let server = Server::ferrite(&[]);
    let mut conn = server.connect();
    conn.send_raw(b"PING\r\nset greeting \"hello world\"\nget greeting\r\n");
    assert_eq!(conn.read_reply(), "+PONG\r\n");
    assert_eq!(conn.read_reply(), "+OK\r\n");
    assert_eq!(conn.read_reply(), "$11\r\nhello world\r\n");
}

#[test]
fn malformed_input_gets_redis_errors_and_closes() {
    let server = Server::ferrite(&[]);
    let cases: &[(&[u8], &str)] = &[
        (
            b"*1\r\n+x\r\n",
            "-ERR Protocol error: expected '$', got '+'\r\n",
        ),
        (
            b"*abc\r\n",
            "-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*1\r\n$-5\r\n",
            "-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\n$999999999999\r\n",
            "-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"set a \"b\r\n",
            "-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
    ];
    for (input, expected) in cases {
        let mut conn = server.connect();
        conn.send_raw(input);
        assert_eq!(
            &conn.read_reply(),
            expected,
            "input {:?}",
            String::from_utf8_lossy(input)
        );
        assert!(
            conn.is_closed(),
            "connection stays open after {:?}",
            String::from_utf8_lossy(input)
        );
    }
    // The server itself is still fine.
    assert_eq!(server.connect().cmd(&["PING"]), "+PONG\r\n");
}

#[test]
fn oversize_headers_are_refused_without_allocating() {
    let server = Server::ferrite(&[]);
    let mut conn = server.connect();
    // An inline line with no newline past 64 KiB.
    conn.send_raw(&vec![b'a'; 70 * 1024]);
    assert_eq!(
        conn.read_reply(),
        "-ERR Protocol error: too big inline request\r\n"
    );
    assert!(conn.is_closed());
    // A multibulk announcing two billion arguments, then one: nothing is allocated up front,
    // the client can still be served... until it sends junk.
    let mut conn = server.connect();
    conn.send_raw(b"*2000000000\r\n$3\r\nSET\r\n");
    let mut other = server.connect();
    let info = other.cmd(&["INFO", "memory"]);
    let used: u64 = info_field(&info, "used_memory").unwrap().parse().unwrap();
    assert!(
        used < 512 * 1024 * 1024,
        "announced sizes must not be allocated (used_memory={used})"
    );
    conn.send_raw(b"+junk\r\n");
    assert_eq!(
        conn.read_reply(),
        "-ERR Protocol error: expected '$', got '+'\r\n"
    );
}

#[test]
fn proto_max_bulk_len_is_enforced_and_settable() {
    let server = Server::ferrite(&["--proto-max-bulk-len", "1mb"]);
    let mut conn = server.connect();
    conn.send_raw(format!("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${}\r\n", 2 * 1024 * 1024).as_bytes());
    assert_eq!(
        conn.read_reply(),
        "-ERR Protocol error: invalid bulk length\r\n"
    );
    let mut conn = server.connect();
    assert_eq!(
        conn.cmd(&["CONFIG", "SET", "proto-max-bulk-len", "4mb"]),
        "+OK\r\n"
    );
    let big = vec![b'x'; 2 * 1024 * 1024];
    conn.send(&[b"SET", b"k", &big]);
    assert_eq!(conn.read_reply(), "+OK\r\n");
    assert_eq!(conn.cmd(&["STRLEN", "k"]), ":2097152\r\n");
}

#[test]
fn a_client_that_never_reads_gets_back_pressure_not_memory_growth() {
    let server = Server::ferrite(&[]);
    let mut setup = server.connect();
    let value = vec![b'v'; 1024 * 1024];
    setup.send(&[b"SET", b"big", &value]);
    assert_eq!(setup.read_reply(), "+OK\r\n");
    // 2000 GETs of a 1 MiB value is 2 GiB of replies; the client reads none of them.
    let mut greedy = server.connect();
    greedy
        .writer
        .set_write_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let get = encode(&[b"GET", b"big"]);
    let mut sent = 0;
    for _ in 0..2000 {
        if greedy.writer.write_all(&get).is_err() {
            break; // our socket buffers are full too: the server stopped reading. Good.
        }
        sent += 1;
    }
    assert!(sent > 0);
    let info = setup.cmd(&["INFO", "memory"]);
    let used: u64 = info_field(&info, "used_memory").unwrap().parse().unwrap();
    assert!(
        used < 256 * 1024 * 1024,
        "server buffered replies for a client that does not read: used_memory={used}"
    );
    // The server is still responsive to others.
    assert_eq!(setup.cmd(&["PING"]), "+PONG\r\n");
    drop(greedy);
}

#[test]
fn quit_closes_after_ok_and_shutdown_stops_the_server() {
    let mut server = Server::ferrite(&[]);
    let mut conn = server.connect();
    conn.send_raw(b"QUIT\r\nPING\r\n");
    assert_eq!(conn.read_reply(), "+OK\r\n");
    assert!(conn.is_closed());
    let mut conn = server.connect();
    conn.send_raw(&encode(&[b"SHUTDOWN", b"NOSAVE"]));
    assert!(conn.is_closed(), "SHUTDOWN sends no reply and closes");
    assert!(
        server.wait_exit(Duration::from_secs(10)),
        "server did not exit after SHUTDOWN"
    );
}

#[test]
fn client_kill_disconnects_an_idle_client() {
    let server = Server::ferrite(&[]);
    let mut victim = server.connect();
    let id = victim.cmd(&["CLIENT", "ID"]);
    let id = id.trim_start_matches(':').trim().to_string();
    let mut admin = server.connect();
    assert_eq!(admin.cmd(&["CLIENT", "KILL", "ID", &id]), ":1\r\n");
    assert!(victim.is_closed());
}

#[test]
fn idle_clients_time_out() {
    let server = Server::ferrite(&["--timeout", "1", "--hz", "50"]);
    let mut idle = server.connect();
    assert_eq!(idle.cmd(&["PING"]), "+PONG\r\n");
    // Blocks until the server closes us (read timeout is 10 s, timeout is 1 s).
    assert!(idle.is_closed(), "idle client was not disconnected");
}

#[test]
fn maxclients_refuses_extra_connections() {
    let server = Server::ferrite(&["--maxclients", "2"]);
    let mut a = server.connect();
    // The start-up probe's connection may not be reaped yet: wait until `a` is alone.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while a.cmd(&["INFO", "clients"]).contains("connected_clients:2") {
        assert!(
            std::time::Instant::now() < deadline,
            "probe connection never reaped"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let mut b = server.connect();
    assert_eq!(a.cmd(&["PING"]), "+PONG\r\n");
    assert_eq!(b.cmd(&["PING"]), "+PONG\r\n");
    let mut c = Conn::new(server.port);
    assert_eq!(c.read_reply(), "-ERR max number of clients reached\r\n");
}

#[test]
fn unauthenticated_clients_cannot_send_large_requests() {
    let server = Server::ferrite(&["--requirepass", "pw"]);
    let mut conn = server.connect();
    conn.send_raw(b"*11\r\n");
    assert_eq!(
        conn.read_reply(),
        "-ERR Protocol error: unauthenticated multibulk length\r\n"
    );
    assert!(conn.is_closed());
    let mut conn = server.connect();
    conn.send_raw(b"*2\r\n$4\r\nECHO\r\n$16385\r\n");
    assert_eq!(
        conn.read_reply(),
        "-ERR Protocol error: unauthenticated bulk length\r\n"
    );
    let mut conn = server.connect();
    assert_eq!(conn.cmd(&["AUTH", "pw"]), "+OK\r\n");
    let big = vec![b'x'; 100_000];
    conn.send(&[b"ECHO", &big]);
    assert_eq!(
        conn.read_reply(),
        format!("$100000\r\n{}\r\n", "x".repeat(100_000))
    );
}
