//! Model tests: random operations from a seeded generator, mirrored on a `BTreeMap` model.

use std::collections::BTreeMap;

use bytes::Bytes;

use super::*;
use crate::util::{SPLITMIX_GAMMA, splitmix64_mix};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(SPLITMIX_GAMMA);
        splitmix64_mix(self.0)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

type Model = BTreeMap<StreamId, Vec<(Vec<u8>, Vec<u8>)>>;

fn random_pairs(rng: &mut Rng) -> Vec<Bytes> {
    let shapes: [&[&str]; 3] = [&["f"], &["name", "age"], &["a", "b", "c"]];
    let shape = shapes[rng.below(3) as usize];
    let mut pairs = Vec::new();
    for field in shape {
        pairs.push(Bytes::copy_from_slice(field.as_bytes()));
        let len = match rng.below(10) {
            0 => 300 + rng.below(900) as usize,
            1 => 0,
            _ => rng.below(12) as usize,
        };
        let value: Vec<u8> = (0..len)
            .map(|i| b'a' + ((i as u64 + rng.below(3)) % 26) as u8)
            .collect();
        pairs.push(Bytes::from(value));
    }
    pairs
}

fn entry_pairs(entry: &EntryRef<'_>) -> Vec<(Vec<u8>, Vec<u8>)> {
    entry
        .pairs()
        .map(|(f, v)| (f.to_vec(), v.to_vec()))
        .collect()
}

fn random_id(rng: &mut Rng, model: &Model, last: StreamId) -> StreamId {
    let existing: Vec<StreamId> = model.keys().copied().collect();
    match rng.below(4) {
        0 if !existing.is_empty() => existing[rng.below(existing.len() as u64) as usize],
        1 => StreamId::new(rng.below(last.ms + 2), rng.below(4)),
        2 => StreamId::MIN,
        _ => StreamId::new(last.ms.saturating_sub(rng.below(50)), rng.below(3)),
    }
}

#[test]
fn log_matches_a_btreemap_model() {
    for seed in 0..40u64 {
        let mut rng = Rng(seed);
        let mut log = Log::default();
        let mut model = Model::new();
        for step in 0..1500 {
            match rng.below(20) {
                0..=11 => {
                    let id = if rng.below(2) == 0 {
                        log.next_id(log.last_id.ms + rng.below(3))
                            .expect("ids left")
                    } else {
                        StreamId::new(log.last_id.ms + 1 + rng.below(5), rng.below(3))
                    };
                    let pairs = random_pairs(&mut rng);
                    log.append(id, &pairs);
                    model.insert(
                        id,
                        pairs
                            .chunks(2)
                            .map(|p| (p[0].to_vec(), p[1].to_vec()))
                            .collect(),
                    );
                }
                12 | 13 => {
                    let ids: Vec<StreamId> = (0..1 + rng.below(3))
                        .map(|_| random_id(&mut rng, &model, log.last_id))
                        .collect();
                    let expected = {
                        let mut unique = ids.clone();
                        unique.sort();
                        unique.dedup();
                        unique
                            .iter()
                            .filter(|id| model.remove(id).is_some())
                            .count()
                    };
                    assert_eq!(log.delete(&ids), expected as u64, "seed {seed} step {step}");
                }
                14 => {
                    let max = rng.below(model.len() as u64 + 5);
                    let approx = rng.below(2) == 0;
                    let before = model.len() as u64;
                    let removed = log.trim(&Trim {
                        by: TrimBy::MaxLen(max),
                        approx,
                        limit: if approx { 10_000 } else { 0 },
                    });
                    for _ in 0..removed {
                        model.pop_first();
                    }
                    if approx {
                        assert!(log.len() >= max.min(before));
                    } else {
                        assert_eq!(log.len(), max.min(before));
                    }
                }
                15 => {
                    let min = random_id(&mut rng, &model, log.last_id);
                    let approx = rng.below(2) == 0;
                    let removed = log.trim(&Trim {
                        by: TrimBy::MinId(min),
                        approx,
                        limit: 0,
                    });
                    for _ in 0..removed {
                        let (id, _) = model.pop_first().expect("removed entries existed");
                        assert!(id < min);
                    }
                    if !approx {
                        assert!(model.keys().next().is_none_or(|&first| first >= min));
                    }
                }
                _ => {
                    let a = random_id(&mut rng, &model, log.last_id);
                    let b = random_id(&mut rng, &model, log.last_id);
                    let (start, end) = (a.min(b), a.max(b));
                    let forward: Vec<_> = log
                        .range(start, end)
                        .map(|e| (e.id, entry_pairs(&e)))
                        .collect();
                    let expected: Vec<_> = model
                        .range(start..=end)
                        .map(|(k, v)| (*k, v.clone()))
                        .collect();
                    assert_eq!(forward, expected, "seed {seed} step {step}");
                    let backward: Vec<_> = log.range_rev(start, end).map(|e| e.id).collect();
                    let expected: Vec<_> =
                        model.range(start..=end).rev().map(|(k, _)| *k).collect();
                    assert_eq!(backward, expected);
                    assert_eq!(
                        log.get(a).map(|e| e.id),
                        model.get_key_value(&a).map(|(k, _)| *k)
                    );
                }
            }
            assert_eq!(log.len(), model.len() as u64);
            assert_eq!(log.last_valid_id(), model.keys().next_back().copied());
            if step % 50 == 0 {
                log.check();
            }
        }
        log.check();
    }
}

#[test]
fn chunks_split_where_redis_nodes_split() {
    let mut log = Log::default();
    let pairs = [Bytes::from_static(b"f"), Bytes::from_static(b"v")];
    for ms in 1..=250 {
        log.append(StreamId::new(ms, 0), &pairs);
    }
    // 100 entries per node: 1-0, 101-0, 201-0 (Redis: radix-tree-keys 3, nodes 8).
    assert_eq!(log.chunk_count(), 3);
    assert_eq!(log.radix_tree_nodes(), 8);
    let approx = |max| Trim {
        by: TrimBy::MaxLen(max),
        approx: true,
        limit: 10_000,
    };
    assert_eq!(log.trim(&approx(120)), 100);
    assert_eq!(
        log.trim(&Trim {
            limit: 50,
            ..approx(10)
        }),
        0
    );
    assert_eq!(log.trim(&approx(10)), 100);
    assert_eq!(log.len(), 50);
    assert_eq!(log.radix_tree_nodes(), 2);
    // Big values: the byte limit splits first.
    let mut log = Log::default();
    let big = [Bytes::from_static(b"f"), Bytes::from(vec![b'x'; 1000])];
    for ms in 1..=10 {
        log.append(StreamId::new(ms, 0), &big);
    }
    assert_eq!(log.chunk_count(), 3, "4 + 4 + 2, as Redis");
    // Mixed shapes and integer-looking values (Redis: 3 nodes).
    let mut log = Log::default();
    for ms in 1..30u64 {
        let pairs = [
            Bytes::from_static(b"f"),
            Bytes::from(vec![b'x'; 300]),
            Bytes::from(format!("g{}", ms % 3)),
            Bytes::from_static(b"12345"),
        ];
        log.append(StreamId::new(ms, 0), &pairs);
    }
    assert_eq!(log.chunk_count(), 3);
    log.check();
}

#[test]
fn ids_and_counters() {
    assert_eq!(StreamId::new(1, u64::MAX).incr(), Some(StreamId::new(2, 0)));
    assert_eq!(StreamId::MAX.incr(), None);
    assert_eq!(StreamId::new(2, 0).decr(), Some(StreamId::new(1, u64::MAX)));
    assert_eq!(StreamId::MIN.decr(), None);
    assert_eq!(StreamId::new(5, 7).to_string(), "5-7");
    let mut log = Log::default();
    assert_eq!(log.next_id(10), Some(StreamId::new(10, 0)));
    log.append(
        StreamId::new(10, 0),
        &[Bytes::from_static(b"a"), Bytes::from_static(b"1")],
    );
    // The clock went back: the sequence goes on.
    assert_eq!(log.next_id(5), Some(StreamId::new(10, 1)));
    log.last_id = StreamId::MAX;
    assert_eq!(log.next_id(5), None);
}

#[test]
fn groups_keep_pending_entries_consistent() {
    let mut group = Group::new(StreamId::MIN, ENTRIES_READ_INVALID);
    let (alice, created) = group.consumer_seen(b"alice", 1);
    assert!(created);
    let (bob, _) = group.consumer_seen(b"bob", 2);
    for ms in 1..=5 {
        group.add_pending(StreamId::new(ms, 0), &alice, 10);
    }
    group.set_owner(StreamId::new(2, 0), &bob);
    group.add_pending(StreamId::new(3, 0), &bob, 11);
    group.check();
    assert_eq!(group.consumer(b"alice").unwrap().pending().len(), 3);
    assert!(group.remove_pending(StreamId::new(1, 0)).is_some());
    assert!(group.remove_pending(StreamId::new(1, 0)).is_none());
    assert_eq!(group.delete_consumer(b"bob"), Some(2));
    assert_eq!(group.pel().len(), 2);
    group.check();
    assert!(group.create_consumer(b"alice", 3).is_none());
}
