//! proptest state machine: the keyspace (SET/GET/DEL/PEXPIRE/PTTL/RENAME/COPY/MOVE/SWAPDB/
//! FLUSHDB over two databases, with a fake clock) against a `BTreeMap` model, through the
//! engine's public sans-I/O session API. Every reply is compared byte for byte. Case counts
//! are bounded so `cargo test` stays fast; `PROPTEST_CASES=5000` runs more.

use std::collections::BTreeMap;

use bytes::Bytes;
use ferrite_engine::config::Config;
use ferrite_engine::{Engine, EngineOptions, Now, Session};
use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};

const KEYS: [&str; 3] = ["a", "b", "{a}c"];
const VALUES: [&str; 3] = ["1", "x", ""];
const DBS: usize = 2;
const START_MS: u64 = 1_700_000_000_000;

#[derive(Clone, Debug)]
enum Op {
    Set(usize, usize, usize),
    SetPx(usize, usize, usize, u16),
    Get(usize, usize),
    Del(usize, usize),
    PExpire(usize, usize, i16),
    Pttl(usize, usize),
    Rename(usize, usize, usize),
    Copy {
        db: usize,
        src: usize,
        dst: usize,
        to_db: usize,
        replace: bool,
    },
    Move(usize, usize),
    SwapDb,
    FlushDb(usize),
    Advance(u16),
    ActiveExpire,
}

#[derive(Clone, Debug, Default)]
struct Model {
    now_ms: u64,
    /// Per database: key -> (value, deadline ms).
    dbs: [BTreeMap<&'static str, (&'static str, Option<u64>)>; DBS],
}

impl Model {
    fn purge(&mut self) {
        let now = self.now_ms;
        for db in &mut self.dbs {
            db.retain(|_, (_, d)| d.is_none_or(|d| d >= now));
        }
    }

    /// Applies `op`; returns the exact reply Redis sends (`None` for clock ops).
    fn apply(&mut self, op: &Op) -> Option<String> {
        self.purge();
        let now = self.now_ms;
        let int = |n: i64| format!(":{n}\r\n");
        let ok = || "+OK\r\n".to_string();
        Some(match *op {
            Op::Set(db, k, v) => {
                self.dbs[db].insert(KEYS[k], (VALUES[v], None));
                ok()
            }
            Op::SetPx(db, k, v, ms) => {
                if ms == 0 {
                    return Some("-ERR invalid expire time in 'set' command\r\n".into());
                }
                self.dbs[db].insert(KEYS[k], (VALUES[v], Some(now + ms as u64)));
                ok()
            }
            Op::Get(db, k) => match self.dbs[db].get(KEYS[k]) {
                Some((v, _)) => format!("${}\r\n{v}\r\n", v.len()),
                None => "$-1\r\n".into(),
            },
            Op::Del(db, k) => int(self.dbs[db].remove(KEYS[k]).is_some() as i64),
            Op::PExpire(db, k, ms) => match self.dbs[db].get_mut(KEYS[k]) {
                None => int(0),
                Some(entry) => {
                    if ms <= 0 {
                        self.dbs[db].remove(KEYS[k]);
                    } else {
                        entry.1 = Some(now + ms as u64);
                    }
                    int(1)
                }
            },
            Op::Pttl(db, k) => match self.dbs[db].get(KEYS[k]) {
                None => int(-2),
                Some((_, None)) => int(-1),
                Some((_, Some(d))) => int((d - now) as i64),
            },
            Op::Rename(db, a, b) => match self.dbs[db].remove(KEYS[a]) {
                None => "-ERR no such key\r\n".into(),
                Some(entry) => {
                    self.dbs[db].insert(KEYS[b], entry);
                    ok()
                }
            },
            Op::Copy {
                db,
                src,
                dst,
                to_db,
                replace,
            } => {
                if db == to_db && src == dst {
                    return Some("-ERR source and destination objects are the same\r\n".into());
                }
                match self.dbs[db].get(KEYS[src]).copied() {
                    None => int(0),
                    Some(_) if !replace && self.dbs[to_db].contains_key(KEYS[dst]) => int(0),
                    Some(entry) => {
                        self.dbs[to_db].insert(KEYS[dst], entry);
                        int(1)
                    }
                }
            }
            Op::Move(db, k) => {
                let other = 1 - db;
                if self.dbs[other].contains_key(KEYS[k]) {
                    return Some(int(0));
                }
                match self.dbs[db].remove(KEYS[k]) {
                    None => int(0),
                    Some(entry) => {
                        self.dbs[other].insert(KEYS[k], entry);
                        int(1)
                    }
                }
            }
            Op::SwapDb => {
                self.dbs.swap(0, 1);
                ok()
            }
            Op::FlushDb(db) => {
                self.dbs[db].clear();
                ok()
            }
            Op::Advance(ms) => {
                self.now_ms += ms as u64;
                return None;
            }
            Op::ActiveExpire => return None,
        })
    }
}

fn args(op: &Op) -> Option<(usize, Vec<String>)> {
    let s = |x: &str| x.to_string();
    Some(match *op {
        Op::Set(db, k, v) => (db, vec![s("SET"), s(KEYS[k]), s(VALUES[v])]),
        Op::SetPx(db, k, v, ms) => (
            db,
            vec![s("SET"), s(KEYS[k]), s(VALUES[v]), s("PX"), ms.to_string()],
        ),
        Op::Get(db, k) => (db, vec![s("GET"), s(KEYS[k])]),
        Op::Del(db, k) => (db, vec![s("DEL"), s(KEYS[k])]),
        Op::PExpire(db, k, ms) => (db, vec![s("PEXPIRE"), s(KEYS[k]), ms.to_string()]),
        Op::Pttl(db, k) => (db, vec![s("PTTL"), s(KEYS[k])]),
        Op::Rename(db, a, b) => (db, vec![s("RENAME"), s(KEYS[a]), s(KEYS[b])]),
        Op::Copy {
            db,
            src,
            dst,
            to_db,
            replace,
        } => {
            let mut a = vec![
                s("COPY"),
                s(KEYS[src]),
                s(KEYS[dst]),
                s("DB"),
                to_db.to_string(),
            ];
            if replace {
                a.push(s("REPLACE"));
            }
            (db, a)
        }
        Op::Move(db, k) => (db, vec![s("MOVE"), s(KEYS[k]), (1 - db).to_string()]),
        Op::SwapDb => (0, vec![s("SWAPDB"), s("0"), s("1")]),
        Op::FlushDb(db) => (db, vec![s("FLUSHDB")]),
        Op::Advance(_) | Op::ActiveExpire => return None,
    })
}

struct KeyspaceMachine;

impl ReferenceStateMachine for KeyspaceMachine {
    type State = Model;
    type Transition = Op;

    fn init_state() -> BoxedStrategy<Model> {
        Just(Model {
            now_ms: START_MS,
            ..Model::default()
        })
        .boxed()
    }

    fn transitions(_: &Model) -> BoxedStrategy<Op> {
        let db = 0..DBS;
        let k = 0..KEYS.len();
        let v = 0..VALUES.len();
        prop_oneof![
            (db.clone(), k.clone(), v.clone()).prop_map(|(d, k, v)| Op::Set(d, k, v)),
            (db.clone(), k.clone(), v, 0..300u16).prop_map(|(d, k, v, ms)| Op::SetPx(d, k, v, ms)),
            (db.clone(), k.clone()).prop_map(|(d, k)| Op::Get(d, k)),
            (db.clone(), k.clone()).prop_map(|(d, k)| Op::Del(d, k)),
            (db.clone(), k.clone(), -10..300i16).prop_map(|(d, k, ms)| Op::PExpire(d, k, ms)),
            (db.clone(), k.clone()).prop_map(|(d, k)| Op::Pttl(d, k)),
            (db.clone(), k.clone(), k.clone()).prop_map(|(d, a, b)| Op::Rename(d, a, b)),
            (db.clone(), k.clone(), k.clone(), db.clone(), any::<bool>()).prop_map(
                |(db, src, dst, to_db, replace)| Op::Copy {
                    db,
                    src,
                    dst,
                    to_db,
                    replace
                }
            ),
            (db.clone(), k).prop_map(|(d, k)| Op::Move(d, k)),
            Just(Op::SwapDb),
            db.prop_map(Op::FlushDb),
            (0..200u16).prop_map(Op::Advance),
            Just(Op::ActiveExpire),
        ]
        .boxed()
    }

    fn apply(mut state: Model, op: &Op) -> Model {
        state.apply(op);
        state
    }
}

struct Sut {
    engine: &'static Engine,
    session: Session,
    now: Now,
    model: Model,
}

impl StateMachineTest for Sut {
    type SystemUnderTest = Sut;
    type Reference = KeyspaceMachine;

    fn init_test(state: &Model) -> Sut {
        let now = Now {
            unix_us: state.now_ms * 1000,
            mono_us: 1_000_000,
        };
        // Leaked: each case is short and the test process exits soon after.
        let engine: &'static Engine = Box::leak(Box::new(Engine::new(EngineOptions {
            config: Config::default(),
            seed: 11,
            shards: 4,
            used_memory: || 0,
            now,
            process_id: 1,
            tcp_port: 6379,
        })));
        let handle = engine
            .register_client("127.0.0.1:1".into(), "127.0.0.1:6379".into(), now)
            .expect("register");
        Sut {
            engine,
            session: Session::new(engine, handle),
            now,
            model: state.clone(),
        }
    }

    fn apply(mut sut: Sut, _after: &Model, op: Op) -> Sut {
        // The reference state passed in is the state after `op`; replay `op` on our own copy
        // of the model to get the reply it predicts.
        let expected = sut.model.apply(&op);
        match op {
            Op::Advance(ms) => sut.now.unix_us += ms as u64 * 1000,
            Op::ActiveExpire => {
                sut.engine.active_expire(sut.now, 1_000);
            }
            _ => {}
        }
        if let (Some((db, words)), Some(expected)) = (args(&op), expected) {
            sut.run(&["SELECT".into(), db.to_string()]);
            let got = sut.run(&words);
            assert_eq!(got, expected, "{op:?}");
        }
        sut
    }
}

impl Sut {
    fn run(&mut self, words: &[String]) -> String {
        let args: Vec<Bytes> = words
            .iter()
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect();
        self.session.execute(self.engine, &args, self.now);
        String::from_utf8_lossy(&self.session.out.buf.split()).into_owned()
    }
}

prop_state_machine! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn keyspace_matches_the_model(sequential 1..60 => Sut);
}
