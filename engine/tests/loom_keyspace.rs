//! loom: the sharded keyspace's lock path (`Keyspace::lock_keys` / `lock_all`) under every
//! interleaving loom explores. Commands that name their keys in opposite orders must not
//! deadlock (shards are taken in ascending order), and a multi-key update must be seen whole
//! by every other locker (mutual exclusion over all the shards it holds).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom \
//!       cargo test -p ferrite-engine --release --test 'loom_*'`
#![cfg(loom)]

use ferrite_engine::keyspace::{Keyspace, Value};
use loom::sync::Arc;
use loom::thread;

const SHARDS: usize = 3;

/// Two keys that live in different shards, found by probing (the shard hash is seeded).
fn keys_on_two_shards(ks: &Keyspace) -> (Vec<u8>, Vec<u8>) {
    let a = b"key:0".to_vec();
    let b = (1..100)
        .map(|i| format!("key:{i}").into_bytes())
        .find(|k| ks.shard_of(k) != ks.shard_of(&a))
        .expect("some key hashes to another shard");
    (a, b)
}

fn int_at(ks: &Keyspace, key: &[u8]) -> i64 {
    let mut locked = ks.lock_keys([key]);
    match locked.db(0, 0).entry_mut(key).map(|e| e.value.clone()) {
        Some(Value::Int(n)) => n,
        None => 0,
        Some(other) => panic!("unexpected value {other:?}"),
    }
}

/// Increments both keys under one lock of both shards, naming them in the given order.
fn increment_both(ks: &Keyspace, first: &[u8], second: &[u8]) {
    let mut locked = ks.lock_keys([first, second]);
    let mut db = locked.db(0, 0);
    for key in [first, second] {
        let n = match db.entry_mut(key).map(|e| e.value.clone()) {
            Some(Value::Int(n)) => n,
            _ => 0,
        };
        db.set(key, Value::Int(n + 1), 0);
    }
}

#[test]
fn opposite_key_orders_neither_deadlock_nor_tear() {
    loom::model(|| {
        let ks = Arc::new(Keyspace::new(1, SHARDS, 42));
        let (a, b) = keys_on_two_shards(&ks);
        let writers: Vec<_> = [(a.clone(), b.clone()), (b.clone(), a.clone())]
            .into_iter()
            .map(|(x, y)| {
                let ks = ks.clone();
                thread::spawn(move || increment_both(&ks, &x, &y))
            })
            .collect();
        // A reader of both keys at once always sees them equal: no half-applied update.
        {
            let mut locked = ks.lock_keys([&a[..], &b[..]]);
            let mut db = locked.db(0, 0);
            let va = db.entry_mut(&a).map(|e| e.value.clone());
            let vb = db.entry_mut(&b).map(|e| e.value.clone());
            assert_eq!(va, vb, "a multi-shard update was seen half done");
        }
        for w in writers {
            w.join().expect("writer");
        }
        assert_eq!(int_at(&ks, &a), 2);
        assert_eq!(int_at(&ks, &b), 2);
    });
}

#[test]
fn lock_all_excludes_key_lockers() {
    loom::model(|| {
        let ks = Arc::new(Keyspace::new(1, SHARDS, 7));
        let (a, b) = keys_on_two_shards(&ks);
        let writer = {
            let ks = ks.clone();
            let (a, b) = (a.clone(), b.clone());
            thread::spawn(move || increment_both(&ks, &b, &a))
        };
        // A whole-keyspace command (DBSIZE, KEYS, FLUSHALL) sees both keys or neither.
        let len = {
            let mut locked = ks.lock_all();
            locked.db(0, 0).len()
        };
        assert!(len == 0 || len == 2, "lock_all saw {len} of 2 keys");
        writer.join().expect("writer");
        let mut locked = ks.lock_all();
        assert_eq!(locked.db(0, 0).len(), 2);
    });
}
