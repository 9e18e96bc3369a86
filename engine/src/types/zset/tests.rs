//! Model tests of the sorted set: seeded random operations applied to a `ZSet` and to a plain
//! `BTreeMap` model, compared after every step, with the structure's invariants checked.

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use ahash::RandomState;

use super::run::cmp_entry;
use super::*;
use crate::util::{SPLITMIX_GAMMA, splitmix64_mix};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(SPLITMIX_GAMMA);
        splitmix64_mix(self.0)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

fn hasher() -> RandomState {
    RandomState::with_seeds(1, 2, 3, 4)
}

#[derive(Default)]
struct Model {
    map: BTreeMap<Vec<u8>, f64>,
}

impl Model {
    fn sorted(&self) -> Vec<(f64, Vec<u8>)> {
        let mut entries: Vec<_> = self.map.iter().map(|(m, s)| (*s, m.clone())).collect();
        entries.sort_by(|a, b| cmp_entry(a.0, &a.1, b.0, &b.1));
        entries
    }

    fn add(&mut self, member: &[u8], score: f64, flags: AddFlags) -> AddOutcome {
        match self.map.get(member).copied() {
            None if flags.xx => AddOutcome::Skipped,
            None => {
                self.map.insert(member.to_vec(), score);
                AddOutcome::Added(score)
            }
            Some(_) if flags.nx => AddOutcome::Skipped,
            Some(current) => {
                let new = if flags.incr { current + score } else { score };
                if new.is_nan() {
                    AddOutcome::NotANumber
                } else if (flags.lt && new >= current) || (flags.gt && new <= current) {
                    AddOutcome::Skipped
                } else if new == current {
                    AddOutcome::Unchanged(new)
                } else {
                    self.map.insert(member.to_vec(), new);
                    AddOutcome::Updated(new)
                }
            }
        }
    }
}

fn contents(z: &ZSet) -> Vec<(f64, Vec<u8>)> {
    let mut out = Vec::new();
    z.for_each(|s, m| out.push((s, m.to_vec())));
    out
}

fn same_entries(a: &[(f64, Vec<u8>)], b: &[(f64, Vec<u8>)]) -> bool {
    // -0 and 0 compare equal: the small form keeps 0 where the model keeps -0.
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0 && x.1 == y.1)
}

fn member(rng: &mut Rng, pool: usize) -> Vec<u8> {
    let n = rng.below(pool);
    if n % 97 == 5 {
        // Now and then a member too long for the small form, or for one leaf.
        return format!(
            "{n:0>width$}",
            width = if n.is_multiple_of(2) { 70 } else { 5000 }
        )
        .into_bytes();
    }
    format!("m{n}").into_bytes()
}

fn score(rng: &mut Rng) -> f64 {
    const SPECIAL: [f64; 7] = [0.0, -0.0, 1.0, -1.0, 2.5, f64::INFINITY, f64::NEG_INFINITY];
    if rng.chance(30) {
        SPECIAL[rng.below(SPECIAL.len())]
    } else {
        (rng.below(200) as f64 - 100.0) / 4.0
    }
}

fn check_queries(rng: &mut Rng, z: &ZSet, model: &Model, pool: usize) {
    let sorted = model.sorted();
    assert_eq!(z.len(), sorted.len());
    for _ in 0..4 {
        let m = member(rng, pool);
        let expected = model.map.get(&m).copied();
        assert_eq!(z.score(&m), expected);
        let rank = sorted.iter().position(|(_, x)| *x == m);
        assert_eq!(z.rank(&m), rank);
    }
    if !sorted.is_empty() {
        let r = rng.below(sorted.len());
        let (s, m) = z.get(r).unwrap();
        assert!(s == sorted[r].0 && m == &sorted[r].1[..]);
        let (a, b) = (rng.below(sorted.len() + 1), rng.below(sorted.len() + 1));
        let (a, b) = (a.min(b), a.max(b));
        let reverse = rng.chance(50);
        let mut seen = Vec::new();
        let _ = z.visit(a..b, reverse, |s, m| {
            seen.push((s, m.to_vec()));
            ControlFlow::Continue(())
        });
        let mut want = sorted[a..b].to_vec();
        if reverse {
            want.reverse();
        }
        assert!(same_entries(&seen, &want));
    }
    let (x, y) = (score(rng), score(rng));
    let range = ScoreRange {
        min: x.min(y),
        max: x.max(y),
        min_exclusive: rng.chance(50),
        max_exclusive: rng.chance(50),
    };
    let want: Vec<usize> = (0..sorted.len())
        .filter(|&i| range.gte_min(sorted[i].0) && range.lte_max(sorted[i].0))
        .collect();
    let got = z.score_ranks(&range);
    assert_eq!(got.collect::<Vec<_>>(), want, "{range:?}");
}

fn random_flags(rng: &mut Rng) -> AddFlags {
    let mut flags = AddFlags::default();
    match rng.below(8) {
        0 => flags.nx = true,
        1 => flags.xx = true,
        2 => flags.gt = true,
        3 => flags.lt = true,
        _ => {}
    }
    flags.incr = rng.chance(20);
    flags
}

fn run_model(seed: u64, steps: usize, pool: usize) {
    let mut rng = Rng(seed);
    let mut z = ZSet::new();
    let mut model = Model::default();
    let hasher = hasher();
    for step in 0..steps {
        match rng.below(10) {
            0..=5 => {
                let (m, s, flags) = (
                    member(&mut rng, pool),
                    score(&mut rng),
                    random_flags(&mut rng),
                );
                let want = model.add(&m, s, flags);
                let got = z.add(&m, s, flags, &hasher);
                match (got, want) {
                    (AddOutcome::Added(a), AddOutcome::Added(b))
                    | (AddOutcome::Updated(a), AddOutcome::Updated(b))
                    | (AddOutcome::Unchanged(a), AddOutcome::Unchanged(b)) => assert_eq!(a, b),
                    (a, b) => assert_eq!(a, b, "step {step}"),
                }
            }
            6 | 7 => {
                let m = member(&mut rng, pool);
                assert_eq!(z.remove(&m), model.map.remove(&m), "step {step}");
            }
            8 => {
                let m = member(&mut rng, pool);
                let s = score(&mut rng);
                let before = model.map.insert(m.clone(), s);
                assert_eq!(z.insert(&m, s, &hasher), before);
            }
            _ => {
                let len = z.len();
                // Mostly pops; now and then a big cut through the middle of the tree.
                let n = if rng.chance(5) {
                    rng.below(len / 2 + 1)
                } else {
                    rng.below(len.min(40) + 1)
                };
                let (range, reverse) = match rng.below(3) {
                    0 => (0..n, false),
                    1 => (len - n..len, true),
                    _ => {
                        let a = rng.below(len + 1);
                        (a..(a + n).min(len), false)
                    }
                };
                let sorted = model.sorted();
                let mut want = sorted[range.clone()].to_vec();
                if reverse {
                    want.reverse();
                }
                let mut got = Vec::new();
                z.remove_ranks(range, reverse, |s, m| got.push((s, m.to_vec())));
                assert!(same_entries(&got, &want), "step {step}");
                for (_, m) in &want {
                    model.map.remove(m);
                }
            }
        }
        if step % 50 == 0 || z.len() < 300 {
            z.check();
        }
        check_queries(&mut rng, &z, &model, pool);
        assert!(same_entries(&contents(&z), &model.sorted()));
    }
    z.check();
}

#[test]
fn model_small_sets_stay_packed_until_thresholds() {
    for seed in 0..20 {
        run_model(seed, 400, 100);
    }
}

#[test]
fn model_medium_sets_convert_and_rebalance() {
    for seed in 100..104 {
        run_model(seed, 3000, 600);
    }
}

#[test]
fn model_large_sets_grow_three_levels() {
    run_model(7, 30_000, 20_000);
}

#[test]
fn encodings_follow_redis_thresholds() {
    let h = hasher();
    let mut z = ZSet::new();
    for i in 0..128 {
        z.insert(format!("m{i}").as_bytes(), i as f64, &h);
    }
    assert_eq!(z.encoding(), "listpack");
    z.insert(b"m128", 0.0, &h);
    assert_eq!(z.encoding(), "skiplist");
    for i in 0..120 {
        z.remove(format!("m{i}").as_bytes());
    }
    assert_eq!(
        (z.encoding(), z.len()),
        ("skiplist", 9),
        "never converts back"
    );
    z.check();
    let mut long = ZSet::new();
    long.insert(&[b'x'; 64], 1.0, &h);
    assert_eq!(long.encoding(), "listpack");
    long.insert(&[b'y'; 65], 1.0, &h);
    assert_eq!(long.encoding(), "skiplist");
    let entries: Vec<(f64, Vec<u8>)> = (0..128).map(|i| (i as f64, vec![b'a'; 64])).collect();
    assert_eq!(ZSet::from_sorted(&entries[..1], &h).encoding(), "listpack");
    let entries: Vec<(f64, String)> = (0..129).map(|i| (i as f64, format!("m{i}"))).collect();
    let big = ZSet::from_sorted(&entries, &h);
    assert_eq!(big.encoding(), "skiplist");
    big.check();
    assert_eq!(
        ZSet::from_sorted(&entries[..128], &h).encoding(),
        "listpack"
    );
}

#[test]
fn negative_zero_is_kept_only_by_the_large_form() {
    let h = hasher();
    let mut small = ZSet::new();
    assert_eq!(
        small.add(b"a", -0.0, AddFlags::default(), &h),
        AddOutcome::Added(-0.0)
    );
    assert!(small.score(b"a").unwrap().is_sign_positive());
    let entries: Vec<(f64, String)> = (0..200).map(|i| (-0.0, format!("m{i:03}"))).collect();
    let big = ZSet::from_sorted(&entries, &h);
    assert!(big.score(b"m007").unwrap().is_sign_negative());
    let mut big = big;
    assert_eq!(
        big.add(b"m007", 0.0, AddFlags::default(), &h),
        AddOutcome::Unchanged(0.0),
        "0 == -0: no update"
    );
    assert!(big.score(b"m007").unwrap().is_sign_negative());
}

#[test]
fn bulk_built_trees_are_valid_at_every_size() {
    let h = hasher();
    for n in [0, 1, 128, 129, 255, 256, 257, 8191, 8192, 8193, 20_000] {
        let entries: Vec<(f64, String)> = (0..n)
            .map(|i| ((i / 3) as f64, format!("m{i:06}")))
            .collect();
        let z = ZSet::from_sorted(&entries, &h);
        z.check();
        assert_eq!(z.len(), n);
        if n > 0 {
            assert_eq!(z.get(n - 1).unwrap().1, entries[n - 1].1.as_bytes());
        }
        // Long members make leaves split by bytes, not count.
        let long: Vec<(f64, String)> = (0..n.min(3000))
            .map(|i| (i as f64, format!("{i:0>900}")))
            .collect();
        ZSet::from_sorted(&long, &h).check();
    }
}

#[test]
fn sequential_inserts_fill_leaves() {
    let h = hasher();
    let mut z = ZSet::new();
    for i in 0..100_000u32 {
        z.insert(format!("member:{i:06}").as_bytes(), f64::from(i), &h);
    }
    z.check();
    // 22-byte entries: full leaves hold 128 of them; halving splits would need far more.
    let Repr::Big(big) = &z.repr else {
        panic!("large")
    };
    let per_entry = big.tree.heap_bytes() as f64 / 100_000.0;
    assert!(per_entry < 26.0, "tree bytes per entry {per_entry}");
    z.remove_ranks(10..99_990, false, |_, _| {});
    z.check();
    assert_eq!(z.len(), 20);
}

#[test]
fn lex_ranks_match_redis_on_mixed_scores() {
    // Observed on Redis 7.0 with ZADD z 1 b 2 a 3 c (a listpack).
    let h = hasher();
    let mut z = ZSet::new();
    for (s, m) in [(1.0, "b"), (2.0, "a"), (3.0, "c")] {
        z.insert(m.as_bytes(), s, &h);
    }
    let range = |min: &str, max: &str| LexRange::parse(min.as_bytes(), max.as_bytes()).unwrap();
    assert_eq!(z.lex_ranks(&range("[a", "[b"), false), 0..2);
    assert_eq!(z.lex_ranks(&range("[a", "[b"), true), 0..2);
    assert_eq!(z.lex_ranks(&range("(a", "[c"), false), 0..3);
    assert_eq!(z.lex_ranks(&range("(a", "[c"), true), 2..3);
    assert_eq!(z.lex_ranks(&range("-", "-"), false), 0..0);
}
