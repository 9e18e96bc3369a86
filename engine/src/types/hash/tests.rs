//! Model-based tests of [`Hash`]: random operations from a seeded generator are applied both
//! to the hash and to a plain vector that spells out Redis's rules (listpack order, listpackex
//! deadline order, when to convert to a hashtable), and the two must agree after every step.

use std::collections::BTreeSet;

use ahash::RandomState;

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

type Entry = (Vec<u8>, Vec<u8>, Option<u64>);

/// What the hash must contain, in the order a packed hash must iterate.
#[derive(Default)]
struct Model {
    entries: Vec<Entry>,
    ex: bool,
    table: bool,
}

impl Model {
    fn find(&self, field: &[u8]) -> Option<usize> {
        self.entries.iter().position(|e| e.0 == field)
    }

    fn insert_by_deadline(&mut self, entry: Entry) {
        let at = match entry.2 {
            None => self.entries.len(),
            Some(d) => self
                .entries
                .iter()
                .position(|e| e.2.is_none_or(|x| x >= d))
                .unwrap_or(self.entries.len()),
        };
        self.entries.insert(at, entry);
    }

    fn write(&mut self, field: &[u8], value: &[u8], keep_ttl: bool) -> bool {
        if field.len() > LISTPACK_VALUE_MAX || value.len() > LISTPACK_VALUE_MAX {
            self.table = true;
        }
        let created = match self.find(field) {
            None => {
                self.entries.push((field.to_vec(), value.to_vec(), None));
                true
            }
            Some(i) => {
                let deadline = self.entries[i].2;
                if keep_ttl || deadline.is_none() || self.table {
                    self.entries[i].1 = value.to_vec();
                    if !keep_ttl {
                        self.entries[i].2 = None;
                    }
                } else {
                    self.entries.remove(i);
                    self.entries.push((field.to_vec(), value.to_vec(), None));
                }
                false
            }
        };
        if self.entries.len() > LISTPACK_ENTRIES_MAX {
            self.table = true;
        }
        created
    }

    fn change_deadline(&mut self, field: &[u8], deadline: Option<u64>) -> bool {
        let Some(i) = self.find(field) else {
            return false;
        };
        self.ex = true;
        let mut entry = self.entries.remove(i);
        entry.2 = deadline;
        if self.table {
            self.entries.insert(i, entry);
        } else {
            self.insert_by_deadline(entry);
        }
        true
    }

    fn expire(&mut self, now: u64, budget: usize) -> usize {
        let mut due: Vec<usize> = (0..self.entries.len())
            .filter(|&i| self.entries[i].2.is_some_and(|d| d < now))
            .collect();
        if self.table {
            // The table reclaims in (deadline, field) order.
            due.sort_by(|&a, &b| {
                let (ea, eb) = (&self.entries[a], &self.entries[b]);
                (ea.2, &ea.0).cmp(&(eb.2, &eb.0))
            });
        }
        due.truncate(budget);
        due.sort_unstable();
        for &i in due.iter().rev() {
            self.entries.remove(i);
        }
        due.len()
    }
}

fn contents(hash: &Hash) -> Vec<Entry> {
    let records = hash.records();
    let pairs: Vec<(&[u8], &[u8])> = hash.iter().collect();
    assert!(
        records
            .iter()
            .zip(&pairs)
            .all(|(r, p)| (&r.0[..], &r.1[..]) == *p),
        "iter and records disagree"
    );
    records
}

fn assert_agrees(hash: &Hash, model: &Model, step: usize) {
    hash.check();
    assert_eq!(hash.len(), model.entries.len(), "len at step {step}");
    let expected_encoding = match (model.table, model.ex) {
        (true, _) => "hashtable",
        (false, true) => "listpackex",
        (false, false) => "listpack",
    };
    assert_eq!(
        hash.encoding(),
        expected_encoding,
        "encoding at step {step}"
    );
    let mut got = contents(hash);
    let mut want = model.entries.clone();
    if model.table {
        got.sort();
        want.sort();
    }
    assert_eq!(got, want, "contents at step {step}");
    let next = model.entries.iter().filter_map(|e| e.2).min();
    assert_eq!(
        hash.next_field_deadline(),
        next,
        "next deadline at step {step}"
    );
    let positions = hash.positions();
    assert_eq!(positions.len(), hash.len());
    let by_position: Vec<_> = (0..positions.len()).map(|i| positions.get(i)).collect();
    let by_iter: Vec<_> = hash.iter().collect();
    assert_eq!(by_position, by_iter);
}

fn random_bytes(rng: &mut Rng, len: usize) -> Vec<u8> {
    (0..len).map(|_| b'a' + rng.below(26) as u8).collect()
}

/// Runs `steps` random operations; returns the encodings seen and how many fields expired.
fn run_random(
    seed: u64,
    prefill: usize,
    steps: usize,
    fields: u64,
) -> (BTreeSet<&'static str>, usize) {
    let mut seen = BTreeSet::new();
    let mut expired = 0;
    let hasher = RandomState::with_seeds(seed, 2, 3, 4);
    let mut rng = Rng(seed);
    let mut hash = Hash::new();
    let mut model = Model::default();
    for i in 0..prefill {
        let field = format!("f{i}").into_bytes();
        hash.set(&field, b"v", &hasher);
        model.write(&field, b"v", false);
    }
    let mut now = 1_000u64;
    for step in 0..steps {
        let field = format!("f{}", rng.below(fields)).into_bytes();
        let long = rng.below(200) == 0;
        let value_len = if long {
            65 + rng.below(10) as usize
        } else {
            rng.below(12) as usize
        };
        let value = random_bytes(&mut rng, value_len);
        match rng.below(100) {
            0..=34 => {
                let created = hash.set(&field, &value, &hasher);
                assert_eq!(created, model.write(&field, &value, false), "set at {step}");
            }
            35..=44 => {
                let created = hash.set_keep_ttl(&field, &value, &hasher);
                assert_eq!(created, model.write(&field, &value, true), "keep at {step}");
            }
            45..=59 => {
                let removed = hash.remove(&field);
                let expected = model.find(&field).map(|i| model.entries.remove(i));
                assert_eq!(removed, expected.is_some(), "remove at {step}");
            }
            60..=79 => {
                // Few distinct deadlines, so ties happen.
                let deadline = now + rng.below(8) * 10;
                let set = hash.set_deadline(&field, deadline);
                assert_eq!(set, model.change_deadline(&field, Some(deadline)));
            }
            80..=86 => {
                let had = model
                    .find(&field)
                    .is_some_and(|i| model.entries[i].2.is_some());
                assert_eq!(hash.persist(&field), had, "persist at {step}");
                if had {
                    model.change_deadline(&field, None);
                }
            }
            87..=89 => {
                hash.enable_field_ttl();
                if !model.table {
                    model.ex = true;
                }
            }
            90..=96 => {
                now += rng.below(30);
                let budget = if rng.below(2) == 0 {
                    usize::MAX
                } else {
                    rng.below(3) as usize
                };
                let removed = hash.expire_fields(now, budget);
                assert_eq!(removed, model.expire(now, budget), "expire at {step}");
                expired += removed;
            }
            _ => {
                let got = hash.get(&field);
                let want = model.find(&field).map(|i| &model.entries[i].1[..]);
                assert_eq!(got, want, "get at {step}");
            }
        }
        assert_agrees(&hash, &model, step);
        seen.insert(hash.encoding());
    }
    (seen, expired)
}

#[test]
fn matches_model_while_packed() {
    let mut expired = 0;
    for seed in 0..40 {
        let (seen, n) = run_random(seed, 0, 600, 12);
        assert!(seen.contains("listpackex"), "seed {seed} never set a TTL");
        expired += n;
    }
    assert!(expired > 100, "only {expired} fields expired");
}

#[test]
fn matches_model_across_conversion() {
    for seed in 100..103 {
        let (seen, expired) = run_random(seed, 480, 1_000, 700);
        assert!(seen.contains("hashtable"), "seed {seed} never converted");
        assert!(expired > 0, "seed {seed} expired nothing");
    }
}

#[test]
fn a_hash_is_small() {
    // Every key holding a hash pays for one `Box<Hash>`.
    assert!(size_of::<Hash>() <= 24, "{}", size_of::<Hash>());
}

#[test]
fn table_survives_heavy_churn() {
    let hasher = RandomState::with_seeds(9, 8, 7, 6);
    let mut hash = Hash::new();
    for i in 0..5_000u32 {
        assert!(hash.set(format!("k{i}").as_bytes(), b"v", &hasher));
    }
    assert_eq!(hash.encoding(), "hashtable");
    for i in (0..5_000u32).step_by(2) {
        assert!(hash.remove(format!("k{i}").as_bytes()));
    }
    hash.check();
    for i in 0..5_000u32 {
        assert_eq!(hash.contains(format!("k{i}").as_bytes()), i % 2 == 1);
    }
    for i in (1..5_000u32).step_by(2) {
        assert!(hash.remove(format!("k{i}").as_bytes()));
        if i % 997 == 0 {
            hash.check();
        }
    }
    assert!(hash.is_empty());
    hash.check();
    assert_eq!(hash.encoding(), "hashtable", "a table never converts back");
}

#[test]
fn conversion_thresholds_are_redis_defaults() {
    let hasher = RandomState::with_seeds(1, 2, 3, 4);
    let mut hash = Hash::new();
    for i in 0..LISTPACK_ENTRIES_MAX {
        hash.set(format!("{i}").as_bytes(), b"x", &hasher);
    }
    assert_eq!(hash.encoding(), "listpack");
    hash.set(b"one more", b"x", &hasher);
    assert_eq!(hash.encoding(), "hashtable");

    let mut hash = Hash::new();
    hash.set(
        &[b'f'; LISTPACK_VALUE_MAX],
        &[b'v'; LISTPACK_VALUE_MAX],
        &hasher,
    );
    assert_eq!(hash.encoding(), "listpack");
    hash.set(b"f", &[b'v'; LISTPACK_VALUE_MAX + 1], &hasher);
    assert_eq!(hash.encoding(), "hashtable");
}

#[test]
fn listpackex_orders_by_deadline_and_persisted_fields_move_last() {
    let hasher = RandomState::with_seeds(1, 2, 3, 4);
    let mut hash = Hash::new();
    for f in ["a", "b", "c", "d"] {
        hash.set(f.as_bytes(), b"1", &hasher);
    }
    hash.set_deadline(b"c", 500);
    hash.set_deadline(b"a", 700);
    hash.set_deadline(b"d", 500);
    let order = |h: &Hash| -> Vec<String> {
        h.iter()
            .map(|(f, _)| String::from_utf8_lossy(f).into_owned())
            .collect()
    };
    assert_eq!(order(&hash), ["d", "c", "a", "b"]);
    assert_eq!(hash.encoding(), "listpackex");
    assert!(hash.persist(b"d"));
    assert_eq!(order(&hash), ["c", "a", "b", "d"]);
    hash.set(b"c", b"2", &hasher);
    assert_eq!(order(&hash), ["a", "b", "d", "c"]);
    hash.set_keep_ttl(b"a", b"3", &hasher);
    assert_eq!(hash.deadline(b"a"), Some(Some(700)));
    assert_eq!(hash.expire_fields(701, usize::MAX), 1);
    assert_eq!(order(&hash), ["b", "d", "c"]);
    assert_eq!(hash.encoding(), "listpackex", "never back to listpack");
}

#[test]
fn equality_ignores_representation() {
    let hasher = RandomState::with_seeds(1, 2, 3, 4);
    let mut packed = Hash::new();
    let mut table = Hash::new();
    table.set(b"big", &[b'x'; 100], &hasher);
    table.remove(b"big");
    for (f, v) in [("a", "1"), ("b", "2")] {
        packed.set(f.as_bytes(), v.as_bytes(), &hasher);
        table.set(f.as_bytes(), v.as_bytes(), &hasher);
    }
    assert_eq!(table.encoding(), "hashtable");
    assert_eq!(packed, table);
    table.set_deadline(b"a", 5);
    assert_ne!(packed, table);
}
