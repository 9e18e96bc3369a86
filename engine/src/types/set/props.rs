//! proptest state machine: a [`Set`] against a `Vec` model that predicts its exact iteration
//! order: ascending integers while it is an `intset` (canonical 64-bit integers only, at most
//! `INTSET_ENTRIES_MAX` of them), then insertion order where a removal moves the last member
//! into the hole (`hashtable`, entered by a non-canonical or non-integer member or by size,
//! with the intset's members in ascending order). Covers SADD, SREM, SISMEMBER, SCARD and
//! SPOP/SRANDMEMBER's pick-by-position with a seed; after every transition the set's
//! invariants (`Set::check`), length, encoding and order equal the model's. Redis 7.0 has no
//! listpack sets (7.2 added them), so `intset -> hashtable` is the only transition.

use ahash::RandomState;
use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};

use super::{INTSET_ENTRIES_MAX, Set};

#[derive(Clone, Debug, Default)]
struct Model {
    /// In the set's iteration order.
    members: Vec<Vec<u8>>,
    table: bool,
}

/// Integers at each intset width edge, non-canonical integers and plain strings.
const MEMBERS: [&str; 16] = [
    "0",
    "1",
    "-1",
    "32767",
    "-32768",
    "32768",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "-9223372036854775808",
    "01",
    "+1",
    "-0",
    "9223372036854775808",
    "a",
    "",
];

fn member() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        6 => proptest::sample::select(&MEMBERS[..10]),
        1 => proptest::sample::select(&MEMBERS[10..]),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Insert(&'static str),
    /// Inserts the integers `0 .. n`: enough of them convert the set.
    InsertMany(u16),
    Remove(&'static str),
    Contains(&'static str),
    /// Removes the member at position `seed % len` and answers it (SPOP's pick).
    Pop(u64),
}

#[derive(Debug, PartialEq)]
enum Answer {
    Bool(bool),
    Count(usize),
    Member(Option<Vec<u8>>),
}

/// Redis's `string2ll`: what an intset can hold.
fn canonical_int(bytes: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(bytes).ok()?;
    let n: i64 = text.parse().ok()?;
    (n.to_string() == text).then_some(n)
}

impl Model {
    fn remove_at(&mut self, pos: usize) -> Vec<u8> {
        if self.table {
            self.members.swap_remove(pos)
        } else {
            self.members.remove(pos)
        }
    }

    fn insert(&mut self, member: Vec<u8>) -> bool {
        if self.members.contains(&member) {
            return false;
        }
        match (self.table, canonical_int(&member)) {
            (false, Some(n)) => {
                let at = self
                    .members
                    .partition_point(|m| canonical_int(m).expect("intset member") < n);
                self.members.insert(at, member);
                if self.members.len() > INTSET_ENTRIES_MAX {
                    self.table = true;
                }
            }
            _ => {
                self.table = true;
                self.members.push(member);
            }
        }
        true
    }

    fn apply(&mut self, op: &Op) -> Answer {
        match op {
            Op::Insert(m) => Answer::Bool(self.insert(m.as_bytes().to_vec())),
            Op::InsertMany(n) => Answer::Count(
                (0..*n)
                    .filter(|i| self.insert(i.to_string().into_bytes()))
                    .count(),
            ),
            Op::Remove(m) => {
                Answer::Bool(match self.members.iter().position(|x| x == m.as_bytes()) {
                    Some(pos) => {
                        self.remove_at(pos);
                        true
                    }
                    None => false,
                })
            }
            Op::Contains(m) => Answer::Bool(self.members.iter().any(|x| x == m.as_bytes())),
            Op::Pop(seed) => Answer::Member(match self.members.len() {
                0 => None,
                len => Some(self.remove_at((seed % len as u64) as usize)),
            }),
        }
    }

    fn encoding(&self) -> &'static str {
        if self.table { "hashtable" } else { "intset" }
    }
}

fn set_apply(set: &mut Set, op: &Op) -> Answer {
    let hasher = RandomState::with_seeds(3, 1, 4, 1);
    match op {
        Op::Insert(m) => Answer::Bool(set.insert(m.as_bytes(), &hasher)),
        Op::InsertMany(n) => Answer::Count(
            (0..*n)
                .filter(|i| set.insert(i.to_string().as_bytes(), &hasher))
                .count(),
        ),
        Op::Remove(m) => Answer::Bool(set.remove(m.as_bytes())),
        Op::Contains(m) => Answer::Bool(set.contains(m.as_bytes())),
        Op::Pop(seed) => Answer::Member(match set.len() {
            0 => None,
            len => {
                let pos = (seed % len as u64) as usize;
                let member = set.get(pos).to_vec();
                set.remove_at(pos);
                Some(member)
            }
        }),
    }
}

struct SetMachine;

impl ReferenceStateMachine for SetMachine {
    type State = Model;
    type Transition = Op;

    fn init_state() -> BoxedStrategy<Model> {
        Just(Model::default()).boxed()
    }

    fn transitions(_: &Model) -> BoxedStrategy<Op> {
        prop_oneof![
            6 => member().prop_map(Op::Insert),
            1 => prop_oneof![0..20u16, 505..520u16].prop_map(Op::InsertMany),
            3 => member().prop_map(Op::Remove),
            2 => member().prop_map(Op::Contains),
            2 => any::<u64>().prop_map(Op::Pop),
        ]
        .boxed()
    }

    fn apply(mut state: Model, op: &Op) -> Model {
        state.apply(op);
        state
    }
}

struct Sut {
    set: Set,
    model: Model,
}

impl StateMachineTest for Sut {
    type SystemUnderTest = Sut;
    type Reference = SetMachine;

    fn init_test(_: &Model) -> Sut {
        Sut {
            set: Set::new(),
            model: Model::default(),
        }
    }

    fn apply(mut sut: Sut, _after: &Model, op: Op) -> Sut {
        let expected = sut.model.apply(&op);
        let got = set_apply(&mut sut.set, &op);
        assert_eq!(got, expected, "{op:?}");
        sut.set.check();
        assert_eq!(sut.set.len(), sut.model.members.len());
        assert_eq!(sut.set.encoding(), sut.model.encoding());
        let order: Vec<Vec<u8>> = sut.set.iter().map(|m| m.to_vec()).collect();
        assert_eq!(order, sut.model.members, "order after {op:?}");
        for m in MEMBERS {
            let expected = sut.model.members.iter().any(|x| x == m.as_bytes());
            assert_eq!(sut.set.contains(m.as_bytes()), expected, "contains {m:?}");
        }
        sut
    }
}

prop_state_machine! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn set_matches_the_model(sequential 1..60 => Sut);
}
