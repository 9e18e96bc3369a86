//! Crash tests of the append-only log on the real binary: many clients write under
//! `appendfsync always`, the server is killed with SIGKILL at a random moment, restarted on
//! the same directory, and every acknowledged write must be there — and nothing that was never
//! sent. Odd rounds rewrite the log (BGREWRITEAOF) continuously while the clients write. The
//! same under `everysec`, where writes acknowledged more than its second before the kill must
//! survive.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Conn, Server};

const CLIENTS: usize = 6;

/// Per client: the last SET value acknowledged, the last one sent, and INCRs acknowledged/sent.
#[derive(Default, Clone, Debug)]
struct Progress {
    set_acked: u64,
    set_sent: u64,
    incr_acked: u64,
    incr_sent: u64,
    /// (when, SET value) of every acknowledged SET, for the everysec window.
    set_acks: Vec<(std::time::Instant, u64)>,
}

fn workload(port: u16, client: usize, stop: Arc<AtomicBool>, progress: Arc<Mutex<Vec<Progress>>>) {
    let Ok(stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return;
    };
    drop(stream);
    let mut conn = Conn::new(port);
    let key = format!("last:{client}");
    let counter = format!("count:{client}");
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        progress.lock().unwrap()[client].set_sent = n;
        conn.send(&[b"SET", key.as_bytes(), n.to_string().as_bytes()]);
        let mut reply = Vec::new();
        if read_line(&mut conn, &mut reply).as_deref() != Some("+OK") {
            return; // the server died: this write's outcome is unknown
        }
        {
            let mut p = progress.lock().unwrap();
            p[client].set_acked = n;
            p[client].set_acks.push((std::time::Instant::now(), n));
        }
        progress.lock().unwrap()[client].incr_sent += 1;
        conn.send(&[b"INCR", counter.as_bytes()]);
        match read_line(&mut conn, &mut reply) {
            Some(line) if line.starts_with(':') => progress.lock().unwrap()[client].incr_acked += 1,
            _ => return,
        }
    }
}

fn read_line(conn: &mut Conn, scratch: &mut Vec<u8>) -> Option<String> {
    use std::io::BufRead;
    scratch.clear();
    match conn.reader.read_until(b'\n', scratch) {
        Ok(n) if n > 0 => Some(String::from_utf8_lossy(scratch).trim_end().to_string()),
        _ => None,
    }
}

fn crash_round(dir: &std::path::Path, round: u64, fsync: &str) {
    let args = [
        "--dir",
        dir.to_str().unwrap(),
        "--appendonly",
        "yes",
        "--appendfsync",
        fsync,
    ];
    let mut server = Server::ferrite(&args);
    let port = server.port;
    // What the previous rounds left must already be there.
    let before: BTreeMap<String, String> = (0..CLIENTS)
        .flat_map(|c| [format!("last:{c}"), format!("count:{c}")])
        .map(|k| {
            let value = Conn::new(port).cmd(&["GET", &k]);
            (k, value)
        })
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let progress = Arc::new(Mutex::new(vec![Progress::default(); CLIENTS]));
    let workers: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (stop, progress) = (stop.clone(), progress.clone());
            std::thread::spawn(move || workload(port, c, stop, progress))
        })
        .collect();
    // Odd rounds also rewrite the log over and over, so the kill lands in the middle of
    // rewrites (base being written, manifest swaps) too.
    let rewriter = (round % 2 == 1).then(|| {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut conn = Conn::new(port);
            let mut scratch = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                conn.send(&[b"BGREWRITEAOF"]);
                if read_line(&mut conn, &mut scratch).is_none() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(15));
            }
        })
    });
    // A pseudo-random moment, different per round; everysec rounds run longer so that its
    // one-second window is a small part of the round.
    let run_ms = if fsync == "always" { 150 } else { 2_500 };
    std::thread::sleep(Duration::from_millis(run_ms + (round * 97) % 300));
    let killed_at = std::time::Instant::now();
    server.kill_now();
    stop.store(true, Ordering::Relaxed);
    for worker in workers.into_iter().chain(rewriter) {
        let _ = worker.join();
    }
    let progress = progress.lock().unwrap().clone();

    let restarted = Server::ferrite(&args);
    let mut conn = restarted.connect();
    for (c, p) in progress.iter().enumerate() {
        let base_count: u64 = parse_bulk_int(&before[&format!("count:{c}")]).unwrap_or(0);
        let last = parse_bulk_int(&conn.cmd(&["GET", &format!("last:{c}")]));
        let count = parse_bulk_int(&conn.cmd(&["GET", &format!("count:{c}")])).unwrap_or(0);
        // Under always every acknowledged write survives; under everysec those acknowledged
        // more than the documented second before the crash (2 s: slack for scheduling).
        let must_survive = if fsync == "always" {
            p.set_acked
        } else {
            p.set_acks
                .iter()
                .rev()
                .find(|(at, _)| killed_at.duration_since(*at) > Duration::from_secs(2))
                .map_or(0, |(_, n)| *n)
        };
        if must_survive > 0 {
            let last = last.expect("an acknowledged SET vanished");
            assert!(
                last >= must_survive,
                "round {round} ({fsync}) client {c}: SET {must_survive} was acknowledged, {last} survived",
            );
            assert!(
                last <= p.set_sent,
                "round {round} client {c}: value {last} was never sent"
            );
        }
        let incr_floor = if fsync == "always" { p.incr_acked } else { 0 };
        assert!(
            count >= base_count + incr_floor && count <= base_count + p.incr_sent,
            "round {round} client {c}: counter {count} outside [{}, {}]",
            base_count + incr_floor,
            base_count + p.incr_sent
        );
    }
    assert!(
        progress.iter().any(|p| p.set_acked > 0),
        "round {round}: no write was acknowledged before the kill"
    );
    drop(restarted);
}

fn parse_bulk_int(reply: &str) -> Option<u64> {
    // "$3\r\n123\r\n" or "$-1\r\n"
    let mut lines = reply.split("\r\n");
    let header = lines.next()?;
    if header == "$-1" {
        return None;
    }
    lines.next()?.parse().ok()
}

#[test]
fn acknowledged_writes_survive_sigkill_under_appendfsync_always() {
    let dir = std::env::temp_dir().join(format!("ferrite-aof-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for round in 0..6 {
        crash_round(&dir, round, "always");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn writes_older_than_a_second_survive_sigkill_under_appendfsync_everysec() {
    let dir = std::env::temp_dir().join(format!("ferrite-aof-everysec-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for round in 0..3 {
        crash_round(&dir, round, "everysec");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
