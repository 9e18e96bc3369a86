//! proptest state machine: a [`Hash`] against a `Vec` model that predicts its exact iteration
//! order (see the module doc of `hash.rs`): insertion order in `listpack`; in `listpackex` TTL
//! fields first by deadline (ties: the most recently set first), a field that loses its TTL
//! moving to the end; in `hashtable` insertion order where a removal moves the last field into
//! the hole. Covers HSET (with and without KEEPTTL), HDEL, HGET, field deadlines, HPERSIST,
//! lazy and budgeted active expiry, and both conversions to `hashtable` (a long field or value,
//! more than `LISTPACK_ENTRIES_MAX` fields). After every transition the hash's invariants
//! (`Hash::check`), its length, encoding and order equal the model's.

use ahash::RandomState;
use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};

use super::{Hash, LISTPACK_ENTRIES_MAX, LISTPACK_VALUE_MAX};

type Record = (Vec<u8>, Vec<u8>, Option<u64>);

#[derive(Clone, Debug, Default)]
struct Model {
    /// In the hash's iteration order.
    records: Vec<Record>,
    ex: bool,
    table: bool,
}

/// A field or value: a short name, or `Long(n)` = `n` bytes, around the listpack limit.
#[derive(Clone, Debug)]
enum Text {
    Short(&'static str),
    Long(usize),
}

impl Text {
    fn bytes(&self) -> Vec<u8> {
        match *self {
            Text::Short(s) => s.as_bytes().to_vec(),
            Text::Long(n) => vec![b'l'; n],
        }
    }
}

fn text() -> impl Strategy<Value = Text> {
    prop_oneof![
        8 => proptest::sample::select(&["a", "b", "c", "d", "", "f1"][..]).prop_map(Text::Short),
        1 => (LISTPACK_VALUE_MAX - 1..LISTPACK_VALUE_MAX + 2).prop_map(Text::Long),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Set(Text, Text, bool),
    /// Sets fields `f0 .. fN`: enough of them convert the hash.
    SetMany(u16),
    Remove(Text),
    Get(Text),
    SetDeadline(Text, u64),
    Persist(Text),
    EnableTtl,
    /// `expire_fields(now_ms, budget)`.
    Expire(u64, usize),
}

#[derive(Debug, PartialEq)]
enum Answer {
    None,
    Bool(bool),
    Record(Option<(Vec<u8>, Option<u64>)>),
    Count(usize),
}

impl Model {
    fn find(&self, field: &[u8]) -> Option<usize> {
        self.records.iter().position(|r| r.0 == field)
    }

    fn remove_at(&mut self, i: usize) {
        if self.table {
            self.records.swap_remove(i);
        } else {
            self.records.remove(i);
        }
    }

    fn set(&mut self, field: Vec<u8>, value: Vec<u8>, keep_ttl: bool) -> bool {
        if field.len() > LISTPACK_VALUE_MAX || value.len() > LISTPACK_VALUE_MAX {
            self.table = true;
        }
        let created = match self.find(&field) {
            None => {
                self.records.push((field, value, None));
                true
            }
            Some(i) => {
                let old = self.records[i].2;
                if old.is_some() && !keep_ttl && !self.table {
                    self.records.remove(i);
                    self.records.push((field, value, None));
                } else {
                    self.records[i] = (field, value, if keep_ttl { old } else { None });
                }
                false
            }
        };
        if self.records.len() > LISTPACK_ENTRIES_MAX {
            self.table = true;
        }
        created
    }

    fn set_deadline(&mut self, field: &[u8], deadline: Option<u64>) -> bool {
        let Some(i) = self.find(field) else {
            return false;
        };
        if self.table {
            self.records[i].2 = deadline;
            return true;
        }
        self.ex = true;
        let mut record = self.records.remove(i);
        record.2 = deadline;
        let at = match deadline {
            None => self.records.len(),
            Some(d) => self
                .records
                .iter()
                .position(|r| r.2.is_none_or(|x| x >= d))
                .unwrap_or(self.records.len()),
        };
        self.records.insert(at, record);
        true
    }

    fn encoding(&self) -> &'static str {
        match (self.table, self.ex) {
            (true, _) => "hashtable",
            (false, true) => "listpackex",
            (false, false) => "listpack",
        }
    }

    fn apply(&mut self, op: &Op) -> Answer {
        match op {
            Op::Set(f, v, keep) => Answer::Bool(self.set(f.bytes(), v.bytes(), *keep)),
            Op::SetMany(n) => {
                let created = (0..*n)
                    .filter(|i| self.set(format!("f{i}").into_bytes(), b"v".to_vec(), false))
                    .count();
                Answer::Count(created)
            }
            Op::Remove(f) => Answer::Bool(match self.find(&f.bytes()) {
                Some(i) => {
                    self.remove_at(i);
                    true
                }
                None => false,
            }),
            Op::Get(f) => Answer::Record(
                self.find(&f.bytes())
                    .map(|i| (self.records[i].1.clone(), self.records[i].2)),
            ),
            Op::SetDeadline(f, d) => Answer::Bool(self.set_deadline(&f.bytes(), Some(*d))),
            Op::Persist(f) => {
                let field = f.bytes();
                let has_ttl = self
                    .find(&field)
                    .is_some_and(|i| self.records[i].2.is_some());
                Answer::Bool(has_ttl && self.set_deadline(&field, None))
            }
            Op::EnableTtl => {
                self.ex |= !self.table;
                Answer::None
            }
            Op::Expire(now, budget) => {
                if !self.table && !self.ex {
                    return Answer::Count(0);
                }
                // Due fields go in (deadline, field) order; packed ones sit first already.
                let mut due: Vec<(u64, Vec<u8>)> = self
                    .records
                    .iter()
                    .filter_map(|r| r.2.filter(|d| d < now).map(|d| (d, r.0.clone())))
                    .collect();
                if self.table {
                    due.sort();
                } else {
                    // Packed: the leading run of due fields, in iteration order.
                    let run = self
                        .records
                        .iter()
                        .take_while(|r| r.2.is_some_and(|d| d < *now))
                        .count();
                    due = self.records[..run]
                        .iter()
                        .map(|r| (r.2.unwrap_or_default(), r.0.clone()))
                        .collect();
                }
                due.truncate(*budget);
                for (_, field) in &due {
                    let i = self.find(field).expect("due field present");
                    self.remove_at(i);
                }
                Answer::Count(due.len())
            }
        }
    }
}

fn hasher() -> RandomState {
    RandomState::with_seeds(5, 6, 7, 8)
}

fn hash_apply(hash: &mut Hash, op: &Op) -> Answer {
    let h = hasher();
    match op {
        Op::Set(f, v, false) => Answer::Bool(hash.set(&f.bytes(), &v.bytes(), &h)),
        Op::Set(f, v, true) => Answer::Bool(hash.set_keep_ttl(&f.bytes(), &v.bytes(), &h)),
        Op::SetMany(n) => Answer::Count(
            (0..*n)
                .filter(|i| hash.set(format!("f{i}").as_bytes(), b"v", &h))
                .count(),
        ),
        Op::Remove(f) => Answer::Bool(hash.remove(&f.bytes())),
        Op::Get(f) => {
            let field = f.bytes();
            Answer::Record(hash.get(&field).map(|v| {
                let deadline = hash
                    .deadline(&field)
                    .expect("a field read has a deadline slot");
                (v.to_vec(), deadline)
            }))
        }
        Op::SetDeadline(f, d) => Answer::Bool(hash.set_deadline(&f.bytes(), *d)),
        Op::Persist(f) => Answer::Bool(hash.persist(&f.bytes())),
        Op::EnableTtl => {
            hash.enable_field_ttl();
            Answer::None
        }
        Op::Expire(now, budget) => Answer::Count(hash.expire_fields(*now, *budget)),
    }
}

struct HashMachine;

impl ReferenceStateMachine for HashMachine {
    type State = Model;
    type Transition = Op;

    fn init_state() -> BoxedStrategy<Model> {
        Just(Model::default()).boxed()
    }

    fn transitions(_: &Model) -> BoxedStrategy<Op> {
        prop_oneof![
            6 => (text(), text(), any::<bool>()).prop_map(|(f, v, k)| Op::Set(f, v, k)),
            1 => prop_oneof![0..20u16, 500..530u16].prop_map(Op::SetMany),
            3 => text().prop_map(Op::Remove),
            2 => text().prop_map(Op::Get),
            4 => (text(), 1..8u64).prop_map(|(f, d)| Op::SetDeadline(f, d)),
            2 => text().prop_map(Op::Persist),
            1 => Just(Op::EnableTtl),
            2 => (1..10u64, prop_oneof![Just(usize::MAX), 0..3usize])
                .prop_map(|(now, budget)| Op::Expire(now, budget)),
        ]
        .boxed()
    }

    fn apply(mut state: Model, op: &Op) -> Model {
        state.apply(op);
        state
    }
}

struct Sut {
    hash: Hash,
    model: Model,
}

impl StateMachineTest for Sut {
    type SystemUnderTest = Sut;
    type Reference = HashMachine;

    fn init_test(_: &Model) -> Sut {
        Sut {
            hash: Hash::new(),
            model: Model::default(),
        }
    }

    fn apply(mut sut: Sut, _after: &Model, op: Op) -> Sut {
        let expected = sut.model.apply(&op);
        let got = hash_apply(&mut sut.hash, &op);
        assert_eq!(got, expected, "{op:?}");
        sut.hash.check();
        assert_eq!(sut.hash.len(), sut.model.records.len());
        assert_eq!(sut.hash.encoding(), sut.model.encoding());
        assert_eq!(sut.hash.records(), sut.model.records, "order after {op:?}");
        let pairs: Vec<(Vec<u8>, Vec<u8>)> = sut
            .hash
            .iter()
            .map(|(f, v)| (f.to_vec(), v.to_vec()))
            .collect();
        let expected: Vec<(Vec<u8>, Vec<u8>)> = sut
            .model
            .records
            .iter()
            .map(|r| (r.0.clone(), r.1.clone()))
            .collect();
        assert_eq!(pairs, expected);
        let next = sut.model.records.iter().filter_map(|r| r.2).min();
        let next = if sut.model.table || sut.model.ex {
            next
        } else {
            None
        };
        assert_eq!(sut.hash.next_field_deadline(), next);
        sut
    }
}

prop_state_machine! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn hash_matches_the_model(sequential 1..60 => Sut);
}
