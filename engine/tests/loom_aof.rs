//! loom: the append-only log's group-commit protocol (`ferrite_engine::aof::Aof`): sessions
//! append records and wait for `durable` to pass their sequence number; the persistence
//! driver waits for data through the writer waker, takes the tail, and marks it written and
//! durable. Under every interleaving loom explores, no waiter is left asleep once `durable`
//! has passed its record, and the driver never sleeps through an append (a lost wakeup shows
//! up as a loom deadlock).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom \
//!       cargo test -p ferrite-engine --release --test 'loom_*'`
#![cfg(loom)]

use ferrite_engine::aof::{Aof, Fsync};
use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;

fn aof() -> Arc<Aof> {
    let aof = Arc::new(Aof::default());
    aof.configure(true, Fsync::Always);
    aof
}

/// The driver's loop, as `server/src/aof.rs` runs it, until `total` bytes are durable (or
/// until the log is failed after the first write, when `fail` is set).
fn driver(aof: Arc<Aof>, total: u64, fail: bool) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        while aof.durable() < total {
            block_on(aof.wait_for_data());
            let (bytes, end) = aof.take_tail();
            assert_eq!(
                end - aof.written(),
                bytes.len() as u64,
                "the tail is exactly what is unwritten"
            );
            aof.mark_written(end);
            if fail {
                aof.mark_failed();
                return;
            }
            aof.mark_durable(end);
        }
    })
}

#[test]
fn every_waiter_wakes_once_its_record_is_durable() {
    loom::model(|| {
        let aof = aof();
        let records: [&[u8]; 2] = [b"a", b"bc"];
        let total = records.iter().map(|r| r.len() as u64).sum();
        let driver = driver(aof.clone(), total, false);
        let clients: Vec<_> = records
            .into_iter()
            .map(|record| {
                let aof = aof.clone();
                thread::spawn(move || {
                    let seq = aof.append(record);
                    assert!(block_on(aof.wait_durable(seq)), "the log did not fail");
                    assert!(aof.durable() >= seq, "woken before its record was durable");
                })
            })
            .collect();
        for c in clients {
            c.join().expect("client");
        }
        driver.join().expect("driver");
        assert_eq!(aof.durable(), total);
    });
}

#[test]
fn a_failed_log_wakes_every_waiter_with_false() {
    loom::model(|| {
        let aof = aof();
        let driver = driver(aof.clone(), 1, true);
        let client = {
            let aof = aof.clone();
            thread::spawn(move || {
                let seq = aof.append(b"x");
                assert!(!block_on(aof.wait_durable(seq)), "nothing was made durable");
            })
        };
        client.join().expect("client");
        driver.join().expect("driver");
    });
}
