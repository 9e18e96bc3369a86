//! Snapshots and log rewrites on the real binary: SAVE/BGSAVE and restart, SHUTDOWN's save,
//! snapshots exchanged with a real redis-server in both directions, BGREWRITEAOF, MISCONF
//! after a failed save, and `ferrite-check-aof`.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Conn, Server, info_field};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ferrite-persist-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One key of every type, with a TTL on one of them.
fn fill(conn: &mut Conn) {
    for command in [
        &["SET", "str", "hello"][..],
        &["SET", "int", "12345"],
        &["SET", "ttl", "x", "EX", "1000"],
        &["RPUSH", "list", "a", "b", "3"],
        &["HSET", "hash", "f", "v", "n", "1"],
        &["SADD", "set", "x", "y"],
        &["SADD", "intset", "1", "2", "3"],
        &["ZADD", "zset", "1.5", "a", "-2", "b"],
        &["XADD", "stream", "1-1", "field", "value"],
        &["XGROUP", "CREATE", "stream", "group", "0"],
        &["PFADD", "hll", "a", "b", "c"],
        &["SELECT", "5"],
        &["SET", "in5", "five"],
        &["SELECT", "0"],
    ] {
        let reply = conn.cmd(command);
        assert!(!reply.starts_with('-'), "{command:?}: {reply}");
    }
}

/// What `fill` wrote, read back.
fn contents(conn: &mut Conn) -> Vec<String> {
    let mut out = Vec::new();
    for command in [
        &["GET", "str"][..],
        &["GET", "int"],
        &["LRANGE", "list", "0", "-1"],
        &["HGET", "hash", "f"],
        &["SMISMEMBER", "set", "x", "y", "z"],
        &["SCARD", "intset"],
        &["ZRANGE", "zset", "0", "-1", "WITHSCORES"],
        &["XRANGE", "stream", "-", "+"],
        &["XINFO", "GROUPS", "stream"],
        &["PFCOUNT", "hll"],
        &["DBSIZE"],
    ] {
        out.push(conn.cmd(command));
    }
    let ttl = conn.cmd(&["TTL", "ttl"]);
    assert!(
        ttl.starts_with(":99") || ttl == ":1000\r\n",
        "ttl lost: {ttl}"
    );
    conn.cmd(&["SELECT", "5"]);
    out.push(conn.cmd(&["GET", "in5"]));
    conn.cmd(&["SELECT", "0"]);
    out
}

fn wait_for(conn: &mut Conn, section: &str, field: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let info = conn.cmd(&["INFO", section]);
        if info_field(&info, field).as_deref() == Some(want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{field} never became {want}: {info}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn save_then_restart_restores_every_type() {
    let dir = temp_dir("save");
    let args = ["--dir", dir.to_str().unwrap(), "--save", ""];
    let expected = {
        let server = Server::ferrite(&args);
        let mut conn = server.connect();
        fill(&mut conn);
        let before = conn.cmd(&["LASTSAVE"]);
        assert_eq!(conn.cmd(&["SAVE"]), "+OK\r\n");
        let info = conn.cmd(&["INFO", "persistence"]);
        assert_eq!(
            info_field(&info, "rdb_changes_since_last_save").as_deref(),
            Some("0")
        );
        assert_eq!(
            info_field(&info, "rdb_last_bgsave_status").as_deref(),
            Some("ok")
        );
        assert_eq!(info_field(&info, "rdb_saves").as_deref(), Some("1"));
        assert!(conn.cmd(&["LASTSAVE"]) >= before);
        let expected = contents(&mut conn);
        // Written after the save and never saved (SHUTDOWN NOSAVE): gone after restart.
        conn.cmd(&["SET", "unsaved", "1"]);
        conn.send(&[b"SHUTDOWN", b"NOSAVE"]);
        expected
    };
    std::thread::sleep(Duration::from_millis(200));
    let server = Server::ferrite(&args);
    let mut conn = server.connect();
    assert_eq!(contents(&mut conn), expected);
    assert_eq!(conn.cmd(&["EXISTS", "unsaved"]), ":0\r\n");
    let info = conn.cmd(&["INFO", "persistence"]);
    assert_eq!(
        info_field(&info, "rdb_last_load_keys_loaded").as_deref(),
        Some("11")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bgsave_replies_like_redis_and_shutdown_saves_under_save_rules() {
    let dir = temp_dir("bgsave");
    // Redis's default rules apply without `--save`.
    let args = ["--dir", dir.to_str().unwrap()];
    let mut server = Server::ferrite(&args);
    let mut conn = server.connect();
    conn.cmd(&["SET", "k", "v"]);
    assert_eq!(conn.cmd(&["BGSAVE", "nope"]), "-ERR syntax error\r\n");
    assert_eq!(conn.cmd(&["BGSAVE"]), "+Background saving started\r\n");
    wait_for(&mut conn, "persistence", "rdb_bgsave_in_progress", "0");
    wait_for(&mut conn, "persistence", "rdb_saves", "1");
    assert!(dir.join("dump.rdb").exists());
    conn.cmd(&["SET", "after", "1"]);
    conn.send(&[b"SHUTDOWN"]);
    assert!(
        server.wait_exit(Duration::from_secs(10)),
        "SHUTDOWN did not exit"
    );
    let server = Server::ferrite(&args);
    let mut conn = server.connect();
    assert_eq!(conn.cmd(&["GET", "after"]), "$1\r\n1\r\n", "SHUTDOWN saved");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn snapshots_move_between_redis_and_ferrite() {
    let dir = temp_dir("interop");
    let dirs = dir.to_str().unwrap();
    // Ferrite writes, redis-server loads.
    let expected = {
        let server = Server::ferrite(&["--dir", dirs, "--save", ""]);
        let mut conn = server.connect();
        fill(&mut conn);
        assert_eq!(conn.cmd(&["SAVE"]), "+OK\r\n");
        contents(&mut conn)
    };
    let redis = Server::redis(&["--dir", dirs, "--dbfilename", "dump.rdb"]);
    let mut conn = redis.connect();
    assert_eq!(
        contents(&mut conn),
        expected,
        "redis-server loads Ferrite's snapshot"
    );
    // redis-server writes (after a change), Ferrite loads.
    conn.cmd(&["SET", "from-redis", "yes"]);
    assert_eq!(conn.cmd(&["SAVE"]), "+OK\r\n");
    let expected = contents(&mut conn);
    drop(redis);
    let server = Server::ferrite(&["--dir", dirs, "--save", ""]);
    let mut conn = server.connect();
    assert_eq!(
        contents(&mut conn),
        expected,
        "Ferrite loads redis-server's snapshot"
    );
    assert_eq!(conn.cmd(&["GET", "from-redis"]), "$3\r\nyes\r\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bgrewriteaof_compacts_the_log_and_keeps_every_write() {
    let dir = temp_dir("rewrite");
    let args = [
        "--dir",
        dir.to_str().unwrap(),
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
    ];
    let log_dir = dir.join("appendonlydir");
    let mut server = Server::ferrite(&args);
    let mut conn = server.connect();
    for _ in 0..500 {
        conn.cmd(&["INCR", "counter"]);
    }
    fill(&mut conn);
    assert_eq!(
        conn.cmd(&["BGREWRITEAOF"]),
        "+Background append only file rewriting started\r\n"
    );
    wait_for(&mut conn, "persistence", "aof_rewrites", "1");
    wait_for(&mut conn, "persistence", "aof_rewrite_in_progress", "0");
    let manifest = std::fs::read_to_string(log_dir.join("appendonly.aof.manifest")).unwrap();
    assert!(manifest.contains("type b"), "{manifest}");
    for _ in 0..10 {
        conn.cmd(&["INCR", "counter"]);
    }
    let expected = contents(&mut conn);
    server.kill_now();
    let server = Server::ferrite(&args);
    let mut conn = server.connect();
    assert_eq!(conn.cmd(&["GET", "counter"]), "$3\r\n510\r\n");
    assert_eq!(contents(&mut conn), expected);
    // The log is compacted: the base holds the counter once, not 510 INCRs.
    let total: u64 = std::fs::read_dir(&log_dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(total < 4096, "log not compacted: {total} bytes");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_save_refuses_writes_with_misconf() {
    let dir = temp_dir("misconf");
    let server = Server::ferrite(&["--dir", dir.to_str().unwrap(), "--save", "3600 1"]);
    let mut conn = server.connect();
    conn.cmd(&["SET", "k", "v"]);
    // The directory disappears under the server: the save cannot be written.
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(conn.cmd(&["SAVE"]), "-ERR\r\n");
    assert_eq!(
        info_field(
            &conn.cmd(&["INFO", "persistence"]),
            "rdb_last_bgsave_status"
        )
        .as_deref(),
        Some("err")
    );
    let misconf = conn.cmd(&["SET", "k", "w"]);
    assert!(misconf.starts_with("-MISCONF "), "{misconf}");
    assert!(conn.cmd(&["PING"]).starts_with("-MISCONF "));
    assert_eq!(conn.cmd(&["GET", "k"]), "$1\r\nv\r\n", "reads still work");
    conn.cmd(&["CONFIG", "SET", "stop-writes-on-bgsave-error", "no"]);
    assert_eq!(conn.cmd(&["SET", "k", "w"]), "+OK\r\n");
    conn.cmd(&["CONFIG", "SET", "stop-writes-on-bgsave-error", "yes"]);
    // A successful save clears it.
    std::fs::create_dir_all(&dir).unwrap();
    assert_eq!(conn.cmd(&["SAVE"]), "+OK\r\n");
    assert_eq!(conn.cmd(&["SET", "k", "x"]), "+OK\r\n");
    let _ = std::fs::remove_dir_all(&dir);
}

fn check_aof_bin() -> PathBuf {
    let bin = common::ferrite_bin();
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "-q",
            "-p",
            "ferrite-server",
            "--bin",
            "ferrite-check-aof",
        ])
        .status()
        .expect("build ferrite-check-aof");
    assert!(status.success());
    bin.with_file_name("ferrite-check-aof")
}

fn run_check(args: &[&Path]) -> (bool, String) {
    let output = Command::new(check_aof_bin()).args(args).output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn check_aof_finds_and_fixes_a_torn_tail() {
    let dir = temp_dir("check");
    let args = [
        "--dir",
        dir.to_str().unwrap(),
        "--appendonly",
        "yes",
        "--save",
        "",
    ];
    {
        let mut server = Server::ferrite(&args);
        let mut conn = server.connect();
        for i in 0..20 {
            conn.cmd(&["SET", &format!("k{i}"), "v"]);
        }
        conn.send(&[b"SHUTDOWN", b"NOSAVE"]);
        // The log's last write happens on the way out: let it finish.
        assert!(server.wait_exit(Duration::from_secs(10)));
    }
    let log_dir = dir.join("appendonlydir");
    let manifest = log_dir.join("appendonly.aof.manifest");
    let (ok, out) = run_check(&[&manifest]);
    assert!(ok, "{out}");
    // Tear the last record.
    let incr = std::fs::read_dir(&log_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".incr.aof"))
        .unwrap();
    let len = std::fs::metadata(&incr).unwrap().len();
    let file = std::fs::OpenOptions::new().write(true).open(&incr).unwrap();
    file.set_len(len - 3).unwrap();
    drop(file);
    let (ok, out) = run_check(&[&manifest]);
    assert!(!ok && out.contains("not valid"), "{out}");
    let (ok, out) = run_check(&[Path::new("--fix"), &manifest]);
    assert!(ok && out.contains("Successfully truncated"), "{out}");
    let (ok, out) = run_check(&[&manifest]);
    assert!(ok, "{out}");
    // The server starts on the fixed log with the 19 whole writes.
    let server = Server::ferrite(&args);
    assert_eq!(server.connect().cmd(&["DBSIZE"]), ":19\r\n");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Starts ferrite expecting it to refuse to start; returns its output.
fn refuses_to_start(args: &[&str]) -> String {
    let mut child = Command::new(common::ferrite_bin())
        .args(["--port", &common::free_port().to_string()])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run ferrite");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("ferrite started (and kept running) on a damaged log");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success(), "ferrite started on a damaged log");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A log of 50 SETs, cleanly shut down; returns (args, the incremental log's path).
fn written_log(name: &str) -> (PathBuf, Vec<String>, PathBuf) {
    let dir = temp_dir(name);
    let args: Vec<String> = [
        "--dir",
        dir.to_str().unwrap(),
        "--appendonly",
        "yes",
        "--save",
        "",
    ]
    .map(String::from)
    .to_vec();
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut server = Server::ferrite(&argv);
    let mut conn = server.connect();
    for i in 0..50 {
        conn.cmd(&["SET", &format!("key:{i}"), &"v".repeat(20)]);
    }
    conn.send(&[b"SHUTDOWN", b"NOSAVE"]);
    assert!(server.wait_exit(Duration::from_secs(10)));
    let incr = std::fs::read_dir(dir.join("appendonlydir"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".incr.aof"))
        .unwrap();
    (dir, args, incr)
}

#[test]
fn a_corrupt_record_in_the_middle_stops_the_start_naming_file_and_offset() {
    let (dir, args, incr) = written_log("corrupt");
    let mut bytes = std::fs::read(&incr).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&incr, &bytes).unwrap();
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = refuses_to_start(&argv);
    assert!(
        out.contains("Bad file format") && out.contains("at offset"),
        "{out}"
    );
    assert!(
        out.contains(&*incr.file_name().unwrap().to_string_lossy()),
        "{out}"
    );
    // ferrite-check-aof agrees, and the data before the damage is still there untouched.
    let (ok, report) = run_check(&[&incr]);
    assert!(!ok && report.contains("not valid"), "{report}");
    assert_eq!(
        std::fs::read(&incr).unwrap(),
        bytes,
        "a refused start changes nothing"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_manifest_naming_a_missing_log_stops_the_start() {
    let (dir, args, incr) = written_log("missing");
    std::fs::remove_file(&incr).unwrap();
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = refuses_to_start(&argv);
    assert!(
        out.contains("named by the manifest")
            && out.contains(&*incr.file_name().unwrap().to_string_lossy()),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
