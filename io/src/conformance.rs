//! The I/O conformance suite: one body of checks that every backend must pass (tokio today,
//! the simulator and io_uring later). Each check panics with a message on failure.
//!
//! A backend's test calls [`run_all`] from inside its own runtime with a scratch directory that
//! the check may fill and remove.

use std::path::Path;
use std::time::Duration;

use bytes::{Bytes, BytesMut};

use crate::{File, Io, Listener, OpenOptions, Stream};

/// Runs every check in order.
pub async fn run_all<I: Io>(io: &I, scratch: &Path) {
    clock(io).await;
    randomness(io);
    spawn_and_sleep(io).await;
    tcp_echo(io).await;
    tcp_eof_and_partial_reads(io).await;
    files(io, scratch).await;
    directories(io, scratch).await;
}

/// Monotonic time never goes back and advances across a sleep; wall time is plausible.
pub async fn clock<I: Io>(io: &I) {
    let a = io.monotonic();
    io.sleep(Duration::from_millis(20)).await;
    let b = io.monotonic();
    assert!(
        b >= a + Duration::from_millis(20),
        "sleep(20ms) advanced monotonic time by only {:?}",
        b - a
    );
    let wall_ms = io.unix_time_ms();
    // 2020-01-01 in ms: any backend's wall clock must be past it.
    assert!(
        wall_ms > 1_577_836_800_000,
        "unix_time_ms {wall_ms} is before 2020"
    );
    let us = io.unix_time_us();
    assert!(
        us / 1000 >= wall_ms,
        "unix_time_us {us} is behind unix_time_ms {wall_ms}"
    );
}

/// Randomness is not constant.
pub fn randomness<I: Io>(io: &I) {
    let draws: Vec<u64> = (0..8).map(|_| io.random_u64()).collect();
    let mut distinct = draws.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(distinct.len() >= 7, "random_u64 repeats itself: {draws:?}");
}

/// Spawned tasks run; sleeps of different length finish in order.
pub async fn spawn_and_sleep<I: Io>(io: &I) {
    let order = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    for (label, ms) in [(3u8, 30u64), (1, 10), (2, 20)] {
        let order = order.clone();
        let sleeper = io.clone();
        io.spawn("conformance-sleeper", async move {
            sleeper.sleep(Duration::from_millis(ms)).await;
            order.lock().unwrap().push(label);
        });
    }
    io.sleep(Duration::from_millis(80)).await;
    assert_eq!(
        *order.lock().unwrap(),
        vec![1, 2, 3],
        "spawned sleepers finished out of order"
    );
}

/// A listener on port 0 accepts; bytes written arrive intact in both directions.
pub async fn tcp_echo<I: Io>(io: &I) {
    let mut listener = io.listen("127.0.0.1:0").await.expect("listen");
    let addr = listener.local_addr().expect("local_addr");
    assert_ne!(addr.port(), 0, "listener did not pick a port");
    io.spawn("conformance-echo", async move {
        let (mut stream, _peer) = listener.accept().await.expect("accept");
        let mut buf = BytesMut::new();
        loop {
            buf.clear();
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => stream.write_all(&buf).await.expect("echo write"),
            }
        }
        let _ = stream.shutdown().await;
    });
    let mut client = io.connect(&addr.to_string()).await.expect("connect");
    assert_eq!(client.peer_addr().expect("peer_addr"), addr);
    let payload: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    client.write_all(&payload).await.expect("write");
    let mut got = BytesMut::new();
    while got.len() < payload.len() {
        let n = client.read(&mut got).await.expect("read");
        assert!(n > 0, "echo closed early after {} bytes", got.len());
    }
    assert_eq!(&got[..], &payload[..], "echoed bytes differ");
    client.shutdown().await.expect("shutdown");
    let n = client.read(&mut got).await.expect("read after shutdown");
    assert_eq!(n, 0, "expected end of stream after the peer shut down");
}

/// A connection to a closed port fails; end of stream reads as 0.
pub async fn tcp_eof_and_partial_reads<I: Io>(io: &I) {
    let mut listener = io.listen("127.0.0.1:0").await.expect("listen");
    let addr = listener.local_addr().expect("local_addr");
    io.spawn("conformance-writer", async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        stream.write_all(b"hello").await.expect("write");
        stream.shutdown().await.expect("shutdown");
    });
    let mut client = io.connect(&addr.to_string()).await.expect("connect");
    let mut buf = BytesMut::new();
    loop {
        if client.read(&mut buf).await.expect("read") == 0 {
            break;
        }
    }
    assert_eq!(&buf[..], b"hello");

    // Bind then drop a listener to find a port with nobody behind it.
    let closed = io.listen("127.0.0.1:0").await.expect("listen");
    let closed_addr = closed.local_addr().expect("local_addr");
    drop(closed);
    assert!(
        io.connect(&closed_addr.to_string()).await.is_err(),
        "connect to a closed port succeeded"
    );
}

/// Create, append, write at, read at, length, truncate, sync, reopen.
pub async fn files<I: Io>(io: &I, scratch: &Path) {
    io.create_dir_all(scratch).await.expect("create_dir_all");
    let path = scratch.join("conformance-file");
    let file = io
        .open(&path, OpenOptions::CREATE_TRUNCATE)
        .await
        .expect("create");
    assert_eq!(file.size().await.expect("len"), 0);
    file.append(Bytes::from_static(b"hello "))
        .await
        .expect("append");
    file.append(Bytes::from_static(b"world"))
        .await
        .expect("append");
    assert_eq!(file.size().await.expect("len"), 11);
    file.write_at(0, Bytes::from_static(b"J"))
        .await
        .expect("write_at");
    file.sync().await.expect("sync");
    assert_eq!(file.read_at(0, 100).await.expect("read_at"), b"Jello world");
    assert_eq!(file.read_at(6, 3).await.expect("read_at"), b"wor");
    assert_eq!(file.read_at(50, 3).await.expect("read_at past end"), b"");
    file.write_at(13, Bytes::from_static(b"!"))
        .await
        .expect("write_at past end");
    assert_eq!(file.read_at(11, 10).await.expect("read_at"), b"\0\0!");
    file.set_len(5).await.expect("set_len");
    assert_eq!(file.size().await.expect("len"), 5);
    drop(file);
    let reopened = io.open(&path, OpenOptions::READ).await.expect("reopen");
    assert_eq!(reopened.read_at(0, 100).await.expect("read_at"), b"Jello");
    assert!(
        io.open(&scratch.join("missing"), OpenOptions::READ)
            .await
            .is_err(),
        "opened a missing file"
    );
    io.remove(&path).await.expect("remove");
}

/// Rename replaces atomically; listing is sorted; removal and directory sync work.
pub async fn directories<I: Io>(io: &I, scratch: &Path) {
    let dir = scratch.join("conformance-dir");
    io.create_dir_all(&dir).await.expect("create_dir_all");
    for name in ["b", "a", "c"] {
        let file = io
            .open(&dir.join(name), OpenOptions::CREATE_TRUNCATE)
            .await
            .expect("create");
        file.append(Bytes::from(name.as_bytes().to_vec()))
            .await
            .expect("append");
        file.sync().await.expect("sync");
    }
    io.rename(&dir.join("c"), &dir.join("a"))
        .await
        .expect("rename");
    io.sync_dir(&dir).await.expect("sync_dir");
    let names: Vec<String> = io
        .list_dir(&dir)
        .await
        .expect("list_dir")
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["a", "b"], "list_dir after rename");
    let a = io
        .open(&dir.join("a"), OpenOptions::READ)
        .await
        .expect("open renamed");
    assert_eq!(
        a.read_at(0, 10).await.expect("read"),
        b"c",
        "rename did not replace the target"
    );
    io.remove(&dir.join("a")).await.expect("remove");
    io.remove(&dir.join("b")).await.expect("remove");
    assert!(io.list_dir(&dir).await.expect("list_dir").is_empty());
}
