//! proptest state machine: a [`ZSet`] against a sorted `Vec` model. ZADD with every valid
//! flag combination (NX/XX/GT/LT/INCR, `inf + -inf` refused as NaN), plain inserts, removals,
//! ZSCORE, ZRANK, by-rank reads, visits and removals in both directions, score ranges with
//! exclusive and infinite bounds, lex ranges (checked when every score is equal, the only case
//! where Redis defines them), and the `listpack -> skiplist` conversion by size and by member
//! length, with `listpack` storing -0 as 0. Scores are compared bit for bit. After every
//! transition the set's invariants (`ZSet::check`) hold and its entries equal the model's.

use std::cmp::Ordering;
use std::ops::ControlFlow;

use ahash::RandomState;
use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};

use super::{
    AddFlags, AddOutcome, LexBound, LexRange, ScoreRange, ZSET_MAX_LISTPACK_ENTRIES,
    ZSET_MAX_LISTPACK_VALUE, ZSet,
};

const SCORES: [f64; 8] = [
    f64::NEG_INFINITY,
    -2.5,
    -0.0,
    0.0,
    1.0,
    3.0,
    1e300,
    f64::INFINITY,
];

/// A member, kept short in `Debug` output: `Long(n)` is `n` bytes.
#[derive(Clone, Debug)]
enum Member {
    Short(&'static str),
    Long(usize),
}

impl Member {
    fn bytes(&self) -> Vec<u8> {
        match *self {
            Member::Short(s) => s.as_bytes().to_vec(),
            Member::Long(n) => vec![b'm'; n],
        }
    }
}

fn member() -> impl Strategy<Value = Member> {
    prop_oneof![
        8 => proptest::sample::select(&["a", "b", "c", "", "ab", "m1"][..]).prop_map(Member::Short),
        1 => (ZSET_MAX_LISTPACK_VALUE..ZSET_MAX_LISTPACK_VALUE + 2).prop_map(Member::Long),
    ]
}

fn score() -> impl Strategy<Value = f64> {
    proptest::sample::select(&SCORES[..])
}

fn flags() -> impl Strategy<Value = AddFlags> {
    (any::<bool>(), any::<bool>(), 0..3u8, any::<bool>()).prop_map(|(nx, xx, gt_lt, incr)| {
        // The command refuses NX with XX, GT or LT, and GT with LT.
        let (gt, lt) = if nx {
            (false, false)
        } else {
            (gt_lt == 1, gt_lt == 2)
        };
        AddFlags {
            nx,
            xx: xx && !nx,
            gt,
            lt,
            incr,
        }
    })
}

fn lex_bound() -> impl Strategy<Value = LexBound> {
    let text = proptest::sample::select(&["", "a", "ab", "b", "c"][..]);
    prop_oneof![
        Just(LexBound::Min),
        Just(LexBound::Max),
        text.clone()
            .prop_map(|t| LexBound::Inclusive(t.as_bytes().to_vec())),
        text.prop_map(|t| LexBound::Exclusive(t.as_bytes().to_vec())),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Add(Member, f64, AddFlags),
    Insert(Member, f64),
    /// Adds `m0 .. mN` with score `i`: enough of them convert the set.
    AddMany(u16),
    Remove(Member),
    Score(Member),
    Rank(Member),
    Get(usize),
    Visit(usize, usize, bool),
    RemoveRanks(usize, usize, bool),
    ScoreRange(ScoreRange),
    LexRange(LexBound, LexBound, bool),
}

#[derive(Debug, PartialEq)]
enum Answer {
    None,
    Outcome(&'static str, u64),
    Score(Option<u64>),
    Rank(Option<usize>),
    Entries(Vec<(u64, Vec<u8>)>),
}

#[derive(Clone, Debug, Default)]
struct Model {
    /// Sorted by (score, member).
    entries: Vec<(f64, Vec<u8>)>,
    big: bool,
}

fn cmp(a: &(f64, Vec<u8>), score: f64, member: &[u8]) -> Ordering {
    a.0.partial_cmp(&score)
        .expect("no NaN scores")
        .then_with(|| a.1.as_slice().cmp(member))
}

fn entries(list: &[(f64, Vec<u8>)]) -> Answer {
    Answer::Entries(list.iter().map(|(s, m)| (s.to_bits(), m.clone())).collect())
}

/// Ranks `start .. end` clamped as `ZSet::visit` clamps them.
fn clamp(len: usize, start: usize, end: usize) -> (usize, usize) {
    let end = end.min(len);
    (start.min(end), end)
}

fn lex_in(range: &LexRange, m: &[u8]) -> bool {
    let above = match &range.min {
        LexBound::Min => true,
        LexBound::Max => false,
        LexBound::Inclusive(b) => m >= b.as_slice(),
        LexBound::Exclusive(b) => m > b.as_slice(),
    };
    let below = match &range.max {
        LexBound::Min => false,
        LexBound::Max => true,
        LexBound::Inclusive(b) => m <= b.as_slice(),
        LexBound::Exclusive(b) => m < b.as_slice(),
    };
    above && below
}

impl Model {
    fn find(&self, member: &[u8]) -> Option<usize> {
        self.entries.iter().position(|e| e.1 == member)
    }

    /// Stores `score` for `member` (absent): a listpack keeps -0 as 0.
    fn put(&mut self, member: Vec<u8>, score: f64) {
        let score = if !self.big && score == 0.0 {
            0.0
        } else {
            score
        };
        let at = self
            .entries
            .partition_point(|e| cmp(e, score, &member) == Ordering::Less);
        self.entries.insert(at, (score, member));
    }

    fn add_new(&mut self, member: Vec<u8>, score: f64) {
        if self.entries.len() >= ZSET_MAX_LISTPACK_ENTRIES || member.len() > ZSET_MAX_LISTPACK_VALUE
        {
            self.big = true;
        }
        self.put(member, score);
    }

    fn update(&mut self, i: usize, score: f64) {
        let (_, member) = self.entries.remove(i);
        self.put(member, score);
    }

    fn all_scores_equal(&self) -> bool {
        self.entries.windows(2).all(|w| w[0].0 == w[1].0)
    }

    fn apply(&mut self, op: &Op) -> Answer {
        let len = self.entries.len();
        match op {
            Op::Add(m, score, f) => {
                let member = m.bytes();
                let Some(i) = self.find(&member) else {
                    if f.xx {
                        return Answer::Outcome("skipped", 0);
                    }
                    self.add_new(member, *score);
                    return Answer::Outcome("added", score.to_bits());
                };
                let current = self.entries[i].0;
                let new = if f.incr { current + score } else { *score };
                if f.nx {
                    Answer::Outcome("skipped", 0)
                } else if new.is_nan() {
                    Answer::Outcome("nan", 0)
                } else if (f.lt && new >= current) || (f.gt && new <= current) {
                    Answer::Outcome("skipped", 0)
                } else if new == current {
                    Answer::Outcome("unchanged", new.to_bits())
                } else {
                    self.update(i, new);
                    Answer::Outcome("updated", new.to_bits())
                }
            }
            Op::Insert(m, score) => {
                let member = m.bytes();
                match self.find(&member) {
                    None => {
                        self.add_new(member, *score);
                        Answer::Score(None)
                    }
                    Some(i) => {
                        let current = self.entries[i].0;
                        if current.to_bits() != score.to_bits() {
                            self.update(i, *score);
                        }
                        Answer::Score(Some(current.to_bits()))
                    }
                }
            }
            Op::AddMany(n) => {
                for i in 0..*n {
                    let member = format!("m{i}").into_bytes();
                    match self.find(&member) {
                        None => self.add_new(member, i as f64),
                        Some(at) if self.entries[at].0 != i as f64 => self.update(at, i as f64),
                        Some(_) => {}
                    }
                }
                Answer::None
            }
            Op::Remove(m) => Answer::Score(
                self.find(&m.bytes())
                    .map(|i| self.entries.remove(i).0.to_bits()),
            ),
            Op::Score(m) => {
                Answer::Score(self.find(&m.bytes()).map(|i| self.entries[i].0.to_bits()))
            }
            Op::Rank(m) => Answer::Rank(self.find(&m.bytes())),
            Op::Get(rank) => {
                entries(&self.entries[rank % (len + 1)..][..(rank % (len + 1) < len) as usize])
            }
            Op::Visit(start, end, reverse) => {
                let (start, end) = clamp(len, *start, *end);
                let mut got = self.entries[start..end].to_vec();
                if *reverse {
                    got.reverse();
                }
                entries(&got)
            }
            Op::RemoveRanks(start, end, reverse) => {
                let (start, end) = clamp(len, *start, *end);
                let mut got: Vec<_> = self.entries.drain(start..end).collect();
                if *reverse {
                    got.reverse();
                }
                entries(&got)
            }
            Op::ScoreRange(r) => {
                let inside = |s: f64| {
                    let above = if r.min_exclusive {
                        s > r.min
                    } else {
                        s >= r.min
                    };
                    let below = if r.max_exclusive {
                        s < r.max
                    } else {
                        s <= r.max
                    };
                    above && below
                };
                let got: Vec<_> = self
                    .entries
                    .iter()
                    .filter(|e| inside(e.0))
                    .cloned()
                    .collect();
                entries(&got)
            }
            Op::LexRange(min, max, _) => {
                if !self.all_scores_equal() {
                    return Answer::None;
                }
                let range = LexRange {
                    min: min.clone(),
                    max: max.clone(),
                };
                let got: Vec<_> = self
                    .entries
                    .iter()
                    .filter(|e| lex_in(&range, &e.1))
                    .cloned()
                    .collect();
                entries(&got)
            }
        }
    }
}

fn hasher() -> RandomState {
    RandomState::with_seeds(2, 7, 1, 8)
}

fn collect(zset: &ZSet, ranks: std::ops::Range<usize>, reverse: bool) -> Vec<(u64, Vec<u8>)> {
    let mut got = Vec::new();
    let _ = zset.visit(ranks, reverse, |s, m| {
        got.push((s.to_bits(), m.to_vec()));
        ControlFlow::Continue(())
    });
    got
}

fn zset_apply(zset: &mut ZSet, model_all_equal: bool, op: &Op) -> Answer {
    let h = hasher();
    match op {
        Op::Add(m, score, f) => match zset.add(&m.bytes(), *score, *f, &h) {
            AddOutcome::Added(s) => Answer::Outcome("added", s.to_bits()),
            AddOutcome::Updated(s) => Answer::Outcome("updated", s.to_bits()),
            AddOutcome::Unchanged(s) => Answer::Outcome("unchanged", s.to_bits()),
            AddOutcome::Skipped => Answer::Outcome("skipped", 0),
            AddOutcome::NotANumber => Answer::Outcome("nan", 0),
        },
        Op::Insert(m, score) => {
            Answer::Score(zset.insert(&m.bytes(), *score, &h).map(f64::to_bits))
        }
        Op::AddMany(n) => {
            for i in 0..*n {
                zset.insert(format!("m{i}").as_bytes(), i as f64, &h);
            }
            Answer::None
        }
        Op::Remove(m) => Answer::Score(zset.remove(&m.bytes()).map(f64::to_bits)),
        Op::Score(m) => Answer::Score(zset.score(&m.bytes()).map(f64::to_bits)),
        Op::Rank(m) => Answer::Rank(zset.rank(&m.bytes())),
        Op::Get(rank) => Answer::Entries(
            zset.get(rank % (zset.len() + 1))
                .map(|(s, m)| (s.to_bits(), m.to_vec()))
                .into_iter()
                .collect(),
        ),
        Op::Visit(start, end, reverse) => Answer::Entries(collect(zset, *start..*end, *reverse)),
        Op::RemoveRanks(start, end, reverse) => {
            let mut got = Vec::new();
            zset.remove_ranks(*start..*end, *reverse, |s, m| {
                got.push((s.to_bits(), m.to_vec()))
            });
            Answer::Entries(got)
        }
        Op::ScoreRange(r) => Answer::Entries(collect(zset, zset.score_ranks(r), false)),
        Op::LexRange(min, max, reverse) => {
            if !model_all_equal {
                return Answer::None;
            }
            let range = LexRange {
                min: min.clone(),
                max: max.clone(),
            };
            Answer::Entries(collect(zset, zset.lex_ranks(&range, *reverse), false))
        }
    }
}

struct ZSetMachine;

impl ReferenceStateMachine for ZSetMachine {
    type State = Model;
    type Transition = Op;

    fn init_state() -> BoxedStrategy<Model> {
        Just(Model::default()).boxed()
    }

    fn transitions(_: &Model) -> BoxedStrategy<Op> {
        let rank = 0..300usize;
        prop_oneof![
            6 => (member(), score(), flags()).prop_map(|(m, s, f)| Op::Add(m, s, f)),
            2 => (member(), score()).prop_map(|(m, s)| Op::Insert(m, s)),
            1 => prop_oneof![0..10u16, 125..135u16].prop_map(Op::AddMany),
            3 => member().prop_map(Op::Remove),
            1 => member().prop_map(Op::Score),
            1 => member().prop_map(Op::Rank),
            1 => rank.clone().prop_map(Op::Get),
            1 => (rank.clone(), rank.clone(), any::<bool>()).prop_map(|(s, e, r)| Op::Visit(s, e, r)),
            1 => (rank.clone(), rank, any::<bool>())
                .prop_map(|(s, e, r)| Op::RemoveRanks(s, e, r)),
            2 => (score(), score(), any::<bool>(), any::<bool>()).prop_map(|(min, max, a, b)| {
                Op::ScoreRange(ScoreRange {
                    min,
                    max,
                    min_exclusive: a,
                    max_exclusive: b,
                })
            }),
            2 => (lex_bound(), lex_bound(), any::<bool>())
                .prop_map(|(a, b, r)| Op::LexRange(a, b, r)),
        ]
        .boxed()
    }

    fn apply(mut state: Model, op: &Op) -> Model {
        state.apply(op);
        state
    }
}

struct Sut {
    zset: ZSet,
    model: Model,
}

impl StateMachineTest for Sut {
    type SystemUnderTest = Sut;
    type Reference = ZSetMachine;

    fn init_test(_: &Model) -> Sut {
        Sut {
            zset: ZSet::new(),
            model: Model::default(),
        }
    }

    fn apply(mut sut: Sut, _after: &Model, op: Op) -> Sut {
        let all_equal = sut.model.all_scores_equal();
        let expected = sut.model.apply(&op);
        let got = zset_apply(&mut sut.zset, all_equal, &op);
        assert_eq!(got, expected, "{op:?}");
        sut.zset.check();
        assert_eq!(sut.zset.len(), sut.model.entries.len());
        let encoding = if sut.model.big {
            "skiplist"
        } else {
            "listpack"
        };
        assert_eq!(sut.zset.encoding(), encoding);
        let all = collect(&sut.zset, 0..usize::MAX, false);
        assert_eq!(
            Answer::Entries(all),
            entries(&sut.model.entries),
            "after {op:?}"
        );
        sut
    }
}

prop_state_machine! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn zset_matches_the_model(sequential 1..60 => Sut);
}
