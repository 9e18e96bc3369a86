//! proptest state machine: a [`List`] against a `VecDeque` model. Pushes and pops at both
//! ends, insert, set, remove by value with a count from either end, trims and cuts, ranges in
//! both directions, indexing; elements cover every chunk encoding (canonical and
//! non-canonical integers, blanks, short and medium strings, elements bigger than a chunk) and
//! `PushMany` grows lists to many chunks so splits and merges run. After every transition the
//! list's own invariants (`List::check`) hold and its elements equal the model's; proptest
//! shrinks a failure to a minimal transition list.

use std::collections::VecDeque;

use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};

use super::{CHUNK_BYTES_MAX, End, List, Needle};

/// An element, kept short in `Debug` output: `Big(b, n)` is `n` copies of byte `b`.
#[derive(Clone, Debug, PartialEq)]
enum El {
    Text(&'static str),
    Big(u8, usize),
}

impl El {
    fn bytes(&self) -> Vec<u8> {
        match *self {
            El::Text(t) => t.as_bytes().to_vec(),
            El::Big(b, n) => vec![b; n],
        }
    }
}

const TEXTS: [&str; 12] = [
    "",
    "0",
    "1",
    "-1",
    "01",
    "-0",
    "+1",
    "a",
    "b",
    "abc",
    "9223372036854775807",
    "-9223372036854775809",
];

fn element() -> impl Strategy<Value = El> {
    prop_oneof![
        6 => proptest::sample::select(&TEXTS[..]).prop_map(El::Text),
        2 => (b'x'..=b'y', 100..1500usize).prop_map(|(b, n)| El::Big(b, n)),
        1 => (CHUNK_BYTES_MAX - 2..CHUNK_BYTES_MAX + 3000).prop_map(|n| El::Big(b'z', n)),
    ]
}

fn end() -> impl Strategy<Value = End> {
    prop_oneof![Just(End::Left), Just(End::Right)]
}

#[derive(Clone, Debug)]
enum Op {
    Push(End, El),
    PushMany(End, El, u8),
    Pop(End),
    Peek(End),
    /// Positions are taken modulo the length (plus one where the end is a valid place), so
    /// they stay meaningful while proptest shrinks the sequence.
    Insert(usize, El),
    Set(usize, El),
    Get(usize),
    RemoveMatching(El, usize, bool),
    RemoveRange(usize, usize),
    Range(usize, usize),
}

/// What an operation answers, compared between the list and the model.
#[derive(Debug, PartialEq)]
enum Answer {
    None,
    Elem(Option<Vec<u8>>),
    Bool(bool),
    Count(usize),
    Elems(Vec<Vec<u8>>),
}

/// `(start, count)` of a cut or range inside a list of `len` elements.
fn span(len: usize, start: usize, count: usize) -> (usize, usize) {
    let start = start % (len + 1);
    (start, count % (len - start + 1))
}

fn model_apply(model: &mut VecDeque<Vec<u8>>, op: &Op) -> Answer {
    let len = model.len();
    match op {
        Op::Push(End::Left, e) => model.push_front(e.bytes()),
        Op::Push(End::Right, e) => model.push_back(e.bytes()),
        Op::PushMany(end, e, n) => {
            for _ in 0..*n {
                model_apply(model, &Op::Push(*end, e.clone()));
            }
        }
        Op::Pop(End::Left) => return Answer::Elem(model.pop_front()),
        Op::Pop(End::Right) => return Answer::Elem(model.pop_back()),
        Op::Peek(End::Left) => return Answer::Elem(model.front().cloned()),
        Op::Peek(End::Right) => return Answer::Elem(model.back().cloned()),
        Op::Insert(i, e) => model.insert(i % (len + 1), e.bytes()),
        Op::Set(i, e) => {
            // One past the end is tried too: it must be refused.
            let i = i % (len + 1);
            let inside = i < len;
            if inside {
                model[i] = e.bytes();
            }
            return Answer::Bool(inside);
        }
        Op::Get(i) => return Answer::Elem(model.get(i % (len + 2)).cloned()),
        Op::RemoveMatching(e, limit, from_back) => {
            let needle = e.bytes();
            let mut hits: Vec<usize> = (0..len).filter(|&i| model[i] == needle).collect();
            if *from_back {
                hits.reverse();
            }
            if *limit > 0 {
                hits.truncate(*limit);
            }
            hits.sort_unstable();
            for &i in hits.iter().rev() {
                model.remove(i);
            }
            return Answer::Count(hits.len());
        }
        Op::RemoveRange(start, count) => {
            let (start, count) = span(len, *start, *count);
            model.drain(start..start + count);
        }
        Op::Range(start, count) => {
            let (start, count) = span(len, *start, *count);
            return Answer::Elems(model.range(start..start + count).cloned().collect());
        }
    }
    Answer::None
}

fn list_apply(list: &mut List, op: &Op) -> Answer {
    let len = list.len();
    match op {
        Op::Push(end, e) => list.push(*end, &e.bytes()),
        Op::PushMany(end, e, n) => {
            for _ in 0..*n {
                list.push(*end, &e.bytes());
            }
        }
        Op::Pop(end) => return Answer::Elem(list.pop(*end)),
        Op::Peek(end) => return Answer::Elem(list.peek(*end).map(|e| e.to_vec())),
        Op::Insert(i, e) => list.insert(i % (len + 1), &e.bytes()),
        Op::Set(i, e) => return Answer::Bool(list.set(i % (len + 1), &e.bytes())),
        Op::Get(i) => return Answer::Elem(list.get(i % (len + 2)).map(|e| e.to_vec())),
        Op::RemoveMatching(e, limit, from_back) => {
            let needle = e.bytes();
            return Answer::Count(list.remove_matching(&Needle::new(&needle), *limit, *from_back));
        }
        Op::RemoveRange(start, count) => {
            let (start, count) = span(len, *start, *count);
            list.remove_range(start, count);
        }
        Op::Range(start, count) => {
            let (start, count) = span(len, *start, *count);
            let forward: Vec<Vec<u8>> = list.range(start, count).map(|e| e.to_vec()).collect();
            let mut backward: Vec<Vec<u8>> =
                list.range(start, count).rev().map(|e| e.to_vec()).collect();
            backward.reverse();
            assert_eq!(forward, backward, "a range read backwards differs");
            return Answer::Elems(forward);
        }
    }
    Answer::None
}

struct ListMachine;

impl ReferenceStateMachine for ListMachine {
    type State = VecDeque<Vec<u8>>;
    type Transition = Op;

    fn init_state() -> BoxedStrategy<Self::State> {
        Just(VecDeque::new()).boxed()
    }

    fn transitions(_: &Self::State) -> BoxedStrategy<Op> {
        let pos = 0..10_000usize;
        prop_oneof![
            4 => (end(), element()).prop_map(|(d, e)| Op::Push(d, e)),
            1 => (end(), element(), 1..40u8).prop_map(|(d, e, n)| Op::PushMany(d, e, n)),
            2 => end().prop_map(Op::Pop),
            1 => end().prop_map(Op::Peek),
            2 => (pos.clone(), element()).prop_map(|(i, e)| Op::Insert(i, e)),
            2 => (pos.clone(), element()).prop_map(|(i, e)| Op::Set(i, e)),
            1 => pos.clone().prop_map(Op::Get),
            2 => (element(), 0..4usize, any::<bool>())
                .prop_map(|(e, limit, back)| Op::RemoveMatching(e, limit, back)),
            1 => (pos.clone(), pos.clone()).prop_map(|(s, c)| Op::RemoveRange(s, c)),
            1 => (pos.clone(), pos).prop_map(|(s, c)| Op::Range(s, c)),
        ]
        .boxed()
    }

    fn apply(mut state: Self::State, op: &Op) -> Self::State {
        model_apply(&mut state, op);
        state
    }
}

struct Sut {
    list: List,
    model: VecDeque<Vec<u8>>,
}

impl StateMachineTest for Sut {
    type SystemUnderTest = Sut;
    type Reference = ListMachine;

    fn init_test(_: &VecDeque<Vec<u8>>) -> Sut {
        Sut {
            list: List::new(),
            model: VecDeque::new(),
        }
    }

    fn apply(mut sut: Sut, _after: &VecDeque<Vec<u8>>, op: Op) -> Sut {
        let expected = model_apply(&mut sut.model, &op);
        let got = list_apply(&mut sut.list, &op);
        assert_eq!(got, expected, "{op:?}");
        sut.list.check();
        assert_eq!(sut.list.len(), sut.model.len());
        assert!(
            sut.list
                .iter()
                .map(|e| e.to_vec())
                .eq(sut.model.iter().cloned())
        );
        sut
    }
}

prop_state_machine! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn list_matches_the_model(sequential 1..80 => Sut);
}
