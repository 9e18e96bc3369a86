//! proptest state machine: a stream's entry log ([`Log`]) against a `BTreeMap` model. XADD
//! with `*` ids from a clock that stands still or moves (`Log::next_id`) and explicit next ids,
//! bulk appends past a chunk's entry bound, entries of varied sizes (chunks also close on
//! bytes), XDEL of present and absent ids, exact XTRIM by MAXLEN and MINID (`Log::trim`), and
//! XRANGE/XREVRANGE between entry ids and the extremes. Approximate and LIMITed trims remove
//! whole chunks only, which the model cannot predict: for them it checks that some prefix no
//! longer than the exact trim's went. The counters Redis reports (length, last id, first id,
//! max deleted id, entries added) and `Log::check` are compared after every transition.

use std::collections::BTreeMap;

use bytes::Bytes;
use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};

use super::{Log, StreamId, Trim, TrimBy};

type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

#[derive(Clone, Debug, Default)]
struct Model {
    entries: BTreeMap<StreamId, Pairs>,
    last_id: StreamId,
    max_deleted_id: StreamId,
    entries_added: u64,
}

#[derive(Clone, Debug)]
enum Op {
    /// `*` at `last_id.ms + clock_step` (0 = the clock stands still), with `fields` pairs
    /// whose values are `size` bytes.
    AddAuto(u8, u8, u16),
    /// An explicit id just above the last one.
    AddNext(u8),
    AddMany(u8),
    /// Positions pick an entry (modulo the length plus one: one past the end is an absent id).
    Delete(Vec<usize>),
    TrimMaxLen(u16, bool, u16),
    TrimMinId(usize, bool, u16),
    Range(usize, usize, bool),
}

impl Model {
    fn id_at(&self, pos: usize) -> StreamId {
        let len = self.entries.len();
        match self.entries.keys().nth(pos % (len + 1)) {
            Some(&id) => id,
            None => self.last_id.incr().unwrap_or(StreamId::MAX),
        }
    }

    fn add(&mut self, id: StreamId, pairs: Pairs) {
        assert!(id > self.last_id);
        self.entries.insert(id, pairs);
        self.last_id = id;
        self.entries_added += 1;
    }

    fn first_id(&self) -> StreamId {
        self.entries.keys().next().copied().unwrap_or(StreamId::MIN)
    }

    /// How many entries an exact trim removes.
    fn exact_trim(&self, by: TrimBy) -> usize {
        match by {
            TrimBy::MaxLen(max) => self.entries.len().saturating_sub(max as usize),
            TrimBy::MinId(min) => self.entries.range(..min).count(),
        }
    }

    fn drop_front(&mut self, n: usize) {
        for _ in 0..n {
            self.entries.pop_first();
        }
    }
}

fn pairs(fields: u8, size: u16) -> Pairs {
    (0..fields.max(1))
        .map(|i| (format!("f{i}").into_bytes(), vec![b'v'; size as usize]))
        .collect()
}

fn flat(pairs: &Pairs) -> Vec<Bytes> {
    pairs
        .iter()
        .flat_map(|(f, v)| [Bytes::from(f.clone()), Bytes::from(v.clone())])
        .collect()
}

struct LogMachine;

impl ReferenceStateMachine for LogMachine {
    type State = Model;
    type Transition = Op;

    fn init_state() -> BoxedStrategy<Model> {
        Just(Model::default()).boxed()
    }

    fn transitions(_: &Model) -> BoxedStrategy<Op> {
        let pos = 0..500usize;
        let size = prop_oneof![0..4u16, 100..1500u16];
        prop_oneof![
            5 => (0..3u8, 1..4u8, size).prop_map(|(c, f, s)| Op::AddAuto(c, f, s)),
            2 => (1..3u8).prop_map(Op::AddNext),
            1 => (50..120u8).prop_map(Op::AddMany),
            3 => proptest::collection::vec(pos.clone(), 1..4).prop_map(Op::Delete),
            2 => (0..150u16, any::<bool>(), prop_oneof![Just(0u16), 1..200u16])
                .prop_map(|(n, a, l)| Op::TrimMaxLen(n, a, l)),
            2 => (pos.clone(), any::<bool>(), prop_oneof![Just(0u16), 1..200u16])
                .prop_map(|(p, a, l)| Op::TrimMinId(p, a, l)),
            3 => (pos.clone(), pos, any::<bool>()).prop_map(|(a, b, r)| Op::Range(a, b, r)),
        ]
        .boxed()
    }

    fn apply(state: Model, _: &Op) -> Model {
        // The model is driven by the test itself (approximate trims follow the log).
        state
    }
}

struct Sut {
    log: Log,
    model: Model,
}

fn read(log: &Log, start: StreamId, end: StreamId, rev: bool) -> Vec<(StreamId, Pairs)> {
    let entry = |e: super::EntryRef<'_>| {
        let pairs = e.pairs().map(|(f, v)| (f.to_vec(), v.to_vec())).collect();
        (e.id, pairs)
    };
    if rev {
        log.range_rev(start, end).map(entry).collect()
    } else {
        log.range(start, end).map(entry).collect()
    }
}

impl StateMachineTest for Sut {
    type SystemUnderTest = Sut;
    type Reference = LogMachine;

    fn init_test(_: &Model) -> Sut {
        Sut {
            log: Log::default(),
            model: Model::default(),
        }
    }

    fn apply(mut sut: Sut, _: &Model, op: Op) -> Sut {
        let (log, model) = (&mut sut.log, &mut sut.model);
        match &op {
            Op::AddAuto(step, fields, size) => {
                let now = model.last_id.ms + u64::from(*step);
                let id = log.next_id(now).expect("ids left");
                let expected = if now > model.last_id.ms {
                    StreamId::new(now, 0)
                } else {
                    model.last_id.incr().expect("ids left")
                };
                assert_eq!(id, expected, "next_id({now})");
                let p = pairs(*fields, *size);
                log.append(id, &flat(&p));
                model.add(id, p);
            }
            Op::AddNext(fields) => {
                let id = model.last_id.incr().expect("ids left");
                let p = pairs(*fields, 1);
                log.append(id, &flat(&p));
                model.add(id, p);
            }
            Op::AddMany(n) => {
                for _ in 0..*n {
                    let id = model.last_id.incr().expect("ids left");
                    let p = pairs(1, 2);
                    log.append(id, &flat(&p));
                    model.add(id, p);
                }
            }
            Op::Delete(positions) => {
                let ids: Vec<StreamId> = positions.iter().map(|&p| model.id_at(p)).collect();
                let mut expected = 0;
                for id in &ids {
                    if model.entries.remove(id).is_some() {
                        model.max_deleted_id = model.max_deleted_id.max(*id);
                        expected += 1;
                    }
                }
                assert_eq!(log.delete(&ids), expected, "{op:?}");
            }
            Op::TrimMaxLen(..) | Op::TrimMinId(..) => {
                let (by, approx, limit) = match op {
                    Op::TrimMaxLen(n, a, l) => (TrimBy::MaxLen(u64::from(n)), a, l),
                    Op::TrimMinId(p, a, l) => (TrimBy::MinId(model.id_at(p)), a, l),
                    _ => unreachable!(),
                };
                let exact = model.exact_trim(by);
                let removed = log.trim(&Trim {
                    by,
                    approx,
                    limit: u64::from(limit),
                }) as usize;
                if !approx && limit == 0 {
                    assert_eq!(removed, exact, "{op:?}");
                } else {
                    assert!(removed <= exact, "{op:?}: {removed} > {exact}");
                    if limit > 0 {
                        assert!(removed <= limit as usize, "{op:?}: over the limit");
                    }
                }
                model.drop_front(removed);
            }
            Op::Range(a, b, rev) => {
                let bound = |p: usize| match p % 7 {
                    0 => StreamId::MIN,
                    1 => StreamId::MAX,
                    _ => model.id_at(p),
                };
                let (start, end) = (bound(*a), bound(*b));
                let mut expected: Vec<(StreamId, Pairs)> = if start <= end {
                    model
                        .entries
                        .range(start..=end)
                        .map(|(id, p)| (*id, p.clone()))
                        .collect()
                } else {
                    Vec::new()
                };
                if *rev {
                    expected.reverse();
                }
                assert_eq!(read(log, start, end, *rev), expected, "{op:?}");
            }
        }
        log.check();
        assert_eq!(log.len(), model.entries.len() as u64);
        assert_eq!(log.last_id, model.last_id);
        assert_eq!(log.first_id, model.first_id());
        assert_eq!(log.max_deleted_id, model.max_deleted_id);
        assert_eq!(log.entries_added, model.entries_added);
        assert_eq!(
            log.last_valid_id(),
            model.entries.keys().next_back().copied()
        );
        let all: Vec<(StreamId, Pairs)> = model
            .entries
            .iter()
            .map(|(id, p)| (*id, p.clone()))
            .collect();
        assert_eq!(read(log, StreamId::MIN, StreamId::MAX, false), all);
        sut
    }
}

prop_state_machine! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn stream_log_matches_the_model(sequential 1..50 => Sut);
}
