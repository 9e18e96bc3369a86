//! Linearizability checking of per-key histories (Wing & Gong's search with Lowe's memoisation,
//! as Porcupine does it).
//!
//! Keys are independent registers, so a history is checked key by key (linearizability is
//! compositional). Each operation has an invocation time and, if the client saw a reply, a
//! completion time and output. An operation whose outcome is unknown (timeout, reset) may take
//! effect at any point after its invocation or never: it is given an infinite completion time
//! and any output is accepted, which covers both.

use std::collections::BTreeSet;
use std::time::Duration;

/// The value of one key: absent, or bytes.
pub type State = Option<Vec<u8>>;

/// What a client asked.
#[derive(Clone, PartialEq, Eq)]
pub enum Input {
    Get,
    Set(Vec<u8>),
    Del,
    Incr,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Input::Get => write!(f, "GET"),
            Input::Set(v) => write!(f, "SET {}", String::from_utf8_lossy(v)),
            Input::Del => write!(f, "DEL"),
            Input::Incr => write!(f, "INCR"),
        }
    }
}

/// What the client saw; `Unknown` if no reply arrived.
#[derive(Clone, PartialEq, Eq)]
pub enum Output {
    Value(State),
    Ok,
    Int(i64),
    Error,
    Unknown,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Output::Value(Some(v)) => write!(f, "{:?}", String::from_utf8_lossy(v)),
            Output::Value(None) => write!(f, "nil"),
            Output::Ok => write!(f, "OK"),
            Output::Int(n) => write!(f, "{n}"),
            Output::Error => write!(f, "error"),
            Output::Unknown => write!(f, "unknown"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Op {
    pub client: usize,
    pub input: Input,
    pub output: Output,
    pub invoked: Duration,
    /// `None` when the outcome is unknown.
    pub completed: Option<Duration>,
}

/// Applies `input` to `state`; returns the new state if `output` is what the model answers.
pub fn step(state: &State, input: &Input, output: &Output) -> Option<State> {
    let (next, expected) = match input {
        Input::Get => (state.clone(), Output::Value(state.clone())),
        Input::Set(v) => (Some(v.clone()), Output::Ok),
        Input::Del => (None, Output::Int(state.is_some() as i64)),
        Input::Incr => {
            let current = match state {
                None => Some(0i64),
                Some(bytes) => std::str::from_utf8(bytes)
                    .ok()
                    .and_then(|t| t.parse::<i64>().ok()),
            };
            match current.and_then(|n| n.checked_add(1)) {
                Some(n) => (Some(n.to_string().into_bytes()), Output::Int(n)),
                None => (state.clone(), Output::Error),
            }
        }
    };
    if *output == Output::Unknown || *output == expected {
        Some(next)
    } else {
        None
    }
}

#[derive(Clone, Copy, Debug)]
struct Event {
    op: usize,
    is_call: bool,
    prev: usize,
    next: usize,
}

/// Checks one key's history from `initial`. Returns `Ok(())` or a description of why no
/// linearization exists.
pub fn check(ops: &[Op], initial: State) -> Result<(), String> {
    if ops.is_empty() {
        return Ok(());
    }
    // Events sorted by time; at equal times calls come first (treat touching intervals as
    // concurrent, the permissive reading).
    let mut order: Vec<(Duration, bool, usize)> = Vec::with_capacity(ops.len() * 2);
    for (i, op) in ops.iter().enumerate() {
        order.push((op.invoked, false, i));
        order.push((op.completed.unwrap_or(Duration::MAX), true, i));
    }
    order.sort();
    // A doubly linked list over the events; index 0 is the head sentinel.
    let mut events = vec![Event {
        op: usize::MAX,
        is_call: false,
        prev: 0,
        next: 1,
    }];
    let mut call_of = vec![0usize; ops.len()];
    let mut ret_of = vec![0usize; ops.len()];
    for (n, &(_, is_return, op)) in order.iter().enumerate() {
        let index = n + 1;
        events.push(Event {
            op,
            is_call: !is_return,
            prev: index - 1,
            next: index + 1,
        });
        if is_return {
            ret_of[op] = index;
        } else {
            call_of[op] = index;
        }
    }
    let end = events.len();
    events[end - 1].next = 0; // 0 doubles as "end of list"
    events[0].next = if end > 1 { 1 } else { 0 };

    let lift = |events: &mut Vec<Event>, i: usize| {
        let (p, n) = (events[i].prev, events[i].next);
        events[p].next = n;
        if n != 0 {
            events[n].prev = p;
        }
    };
    let unlift = |events: &mut Vec<Event>, i: usize| {
        let (p, n) = (events[i].prev, events[i].next);
        events[p].next = i;
        if n != 0 {
            events[n].prev = i;
        }
    };

    let words = ops.len().div_ceil(64);
    let mut linearized = vec![0u64; words];
    let mut cache: BTreeSet<(Vec<u64>, State)> = BTreeSet::new();
    let mut stack: Vec<(usize, State)> = Vec::new();
    let mut state = initial;
    let mut entry = events[0].next;
    let mut longest = 0usize;
    while events[0].next != 0 {
        if entry == 0 {
            // Ran off the end without meeting a return: cannot happen, every call has one.
            return Err("internal: event list ended without a return".into());
        }
        let event = events[entry];
        if event.is_call {
            let op = &ops[event.op];
            if let Some(next_state) = step(&state, &op.input, &op.output) {
                let mut bits = linearized.clone();
                bits[event.op / 64] |= 1 << (event.op % 64);
                if cache.insert((bits.clone(), next_state.clone())) {
                    stack.push((entry, state));
                    state = next_state;
                    linearized = bits;
                    longest = longest.max(stack.len());
                    lift(&mut events, entry);
                    lift(&mut events, ret_of[event.op]);
                    entry = events[0].next;
                    continue;
                }
            }
            entry = event.next;
        } else {
            // A return reached before its call was linearized: backtrack.
            let Some((call, previous)) = stack.pop() else {
                let op = &ops[event.op];
                return Err(format!(
                    "no linearization: client {} {:?} -> {:?} (invoked {:?}, completed {:?}) cannot be ordered \
                     after the {} operations that could be linearized before it",
                    op.client, op.input, op.output, op.invoked, op.completed, longest
                ));
            };
            let op = events[call].op;
            state = previous;
            linearized[op / 64] &= !(1 << (op % 64));
            unlift(&mut events, ret_of[op]);
            unlift(&mut events, call);
            entry = events[call].next;
        }
    }
    let _ = call_of;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(client: usize, input: Input, output: Output, invoked: u64, completed: Option<u64>) -> Op {
        Op {
            client,
            input,
            output,
            invoked: Duration::from_millis(invoked),
            completed: completed.map(Duration::from_millis),
        }
    }

    fn v(s: &str) -> Output {
        Output::Value(Some(s.as_bytes().to_vec()))
    }

    #[test]
    fn accepts_sequential_and_concurrent_histories() {
        let history = vec![
            op(0, Input::Set(b"1".to_vec()), Output::Ok, 0, Some(10)),
            op(1, Input::Get, v("1"), 20, Some(30)),
            // Concurrent write and read: the read may see either value.
            op(0, Input::Set(b"2".to_vec()), Output::Ok, 40, Some(60)),
            op(1, Input::Get, v("1"), 45, Some(50)),
            op(1, Input::Get, v("2"), 70, Some(80)),
            op(2, Input::Del, Output::Int(1), 90, Some(95)),
            op(2, Input::Incr, Output::Int(1), 100, Some(110)),
        ];
        assert_eq!(check(&history, None), Ok(()));
    }

    #[test]
    fn rejects_a_stale_read() {
        let history = vec![
            op(0, Input::Set(b"1".to_vec()), Output::Ok, 0, Some(10)),
            op(0, Input::Set(b"2".to_vec()), Output::Ok, 20, Some(30)),
            op(1, Input::Get, v("1"), 40, Some(50)),
        ];
        assert!(check(&history, None).is_err());
    }

    #[test]
    fn rejects_a_lost_acknowledged_write() {
        let history = vec![
            op(0, Input::Set(b"a".to_vec()), Output::Ok, 0, Some(10)),
            op(1, Input::Get, Output::Value(None), 20, Some(30)),
        ];
        assert!(check(&history, None).is_err());
    }

    #[test]
    fn rejects_a_double_increment() {
        let history = vec![
            op(0, Input::Incr, Output::Int(1), 0, Some(10)),
            op(1, Input::Incr, Output::Int(3), 20, Some(30)),
        ];
        assert!(check(&history, None).is_err());
    }

    #[test]
    fn unknown_outcomes_may_apply_late_or_never() {
        let history = vec![
            op(0, Input::Set(b"x".to_vec()), Output::Unknown, 0, None),
            op(1, Input::Get, Output::Value(None), 10, Some(20)),
            op(1, Input::Get, v("x"), 30, Some(40)),
        ];
        assert_eq!(check(&history, None), Ok(()));
        let never = vec![
            op(0, Input::Set(b"x".to_vec()), Output::Unknown, 0, None),
            op(1, Input::Get, Output::Value(None), 50, Some(60)),
        ];
        assert_eq!(check(&never, None), Ok(()));
        // But an unknown write cannot be seen, then unseen.
        let flicker = vec![
            op(0, Input::Set(b"x".to_vec()), Output::Unknown, 0, None),
            op(1, Input::Get, v("x"), 10, Some(20)),
            op(1, Input::Get, Output::Value(None), 30, Some(40)),
        ];
        assert!(check(&flicker, None).is_err());
    }

    #[test]
    fn handles_many_concurrent_operations() {
        // 8 clients each writing its own value concurrently, then reads of the last: any of
        // them may be last, so reads agreeing on one value pass and disagreeing reads fail.
        let mut history: Vec<Op> = (0..8)
            .map(|c| {
                op(
                    c,
                    Input::Set(vec![b'0' + c as u8]),
                    Output::Ok,
                    0,
                    Some(100),
                )
            })
            .collect();
        history.push(op(9, Input::Get, v("5"), 200, Some(210)));
        history.push(op(9, Input::Get, v("5"), 220, Some(230)));
        assert_eq!(check(&history, None), Ok(()));
        history.push(op(9, Input::Get, v("6"), 240, Some(250)));
        assert!(check(&history, None).is_err());
    }
}
