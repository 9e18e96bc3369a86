//! Structure-aware command sequences over a few keys of every core type (strings, lists,
//! hashes, sets, sorted sets) with expiry on a fake clock, run by the real engine (a
//! `Session` on an in-memory `Engine`, sans-I/O) and by the plain model in
//! `ferrite_fuzz::model`. Every reply must match, orders Redis leaves unspecified sorted.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use bytes::Bytes;
use ferrite_engine::config::Config;
use ferrite_engine::{Engine, EngineOptions, Now, Session};
use ferrite_fuzz::frame;
use ferrite_fuzz::model::{Model, Op, normalise};
use libfuzzer_sys::fuzz_target;

/// Longest sequence run per input.
const OPS_MAX: usize = 64;
const START_UNIX_MS: u64 = 1_700_000_000_000;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let mut ops = Vec::new();
    while ops.len() < OPS_MAX && !u.is_empty() {
        match Op::arbitrary(&mut u) {
            Ok(op) => ops.push(op),
            Err(_) => break,
        }
    }
    let mut now = Now {
        unix_us: START_UNIX_MS * 1000,
        mono_us: 1_000_000,
    };
    let engine = Engine::new(EngineOptions {
        config: Config::default(),
        seed: 7,
        shards: 4,
        used_memory: || 0,
        now,
        process_id: 1,
        tcp_port: 6379,
    });
    let handle = engine
        .register_client("127.0.0.1:5000".into(), "127.0.0.1:6379".into(), now)
        .expect("register");
    let mut session = Session::new(&engine, handle);
    let mut model = Model::new(START_UNIX_MS);

    for (step, op) in ops.iter().enumerate() {
        let expected = model.apply(op);
        match op {
            Op::Advance(ms) => {
                now.unix_us += *ms as u64 * 1000;
                now.mono_us += *ms as u64 * 1000;
            }
            Op::ActiveExpire => {
                engine.active_expire(now, 1_000);
            }
            _ => {}
        }
        let (Some(args), Some(expected)) = (op.args(), expected) else {
            continue;
        };
        let args: Vec<Bytes> = args.into_iter().map(Bytes::from).collect();
        session.execute(&engine, &args, now);
        let out = session.out.buf.split();
        let got = frame::decode_exact(&out).unwrap_or_else(|e| {
            panic!(
                "step {step} {op:?}: reply does not decode ({e:?}): {:?}",
                String::from_utf8_lossy(&out)
            )
        });
        let how = op.unordered();
        assert_eq!(
            normalise(got, how),
            normalise(expected, how),
            "step {step}: {op:?}\nsequence: {:?}",
            &ops[..=step]
        );
    }
    session.disconnect(&engine);
});
