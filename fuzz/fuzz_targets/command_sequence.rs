//! Structure-aware command sequences over a few keys of every core type (strings, lists,
//! hashes, sets, sorted sets) with expiry on a fake clock, run by the real engine (a
//! `Session` on an in-memory `Engine`, sans-I/O) and by the plain model in
//! `ferrite_fuzz::model`. Every reply must match, orders Redis leaves unspecified sorted.
//! Sorted-set scores are doubles (fractions, exponents, a subnormal, infinities) replied in
//! `%.17g`; MULTI/EXEC/DISCARD blocks queue commands and EXEC's array is compared reply by
//! reply. Odd-length inputs run the whole sequence in RESP3 (HELLO 3), the model's RESP2
//! replies converted to RESP3's shapes (nulls, maps, sets, doubles, score pairs).
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use bytes::Bytes;
use ferrite_engine::config::Config;
use ferrite_engine::{Engine, EngineOptions, Now, Session};
use ferrite_fuzz::frame::{self, Frame};
use ferrite_fuzz::model::{Model, Op, normalise, to_resp3};
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
    // Odd-length inputs speak RESP3 (independent of what the bytes decode to).
    let resp3 = data.len() % 2 == 1;
    if resp3 {
        session.execute(&engine, &[Bytes::from("HELLO"), Bytes::from("3")], now);
        let out = session.out.buf.split();
        assert!(out.starts_with(b"%"), "HELLO 3 replies a map");
    }

    for (step, op) in ops.iter().enumerate() {
        // EXEC's reply holds one reply per queued op, each normalised as that op's own.
        let exec_ops: Option<Vec<Op>> = match op {
            Op::Exec => model.queued().map(<[Op]>::to_vec),
            _ => None,
        };
        let expected = model.apply(op).map(|f| match (f, &exec_ops) {
            (f, _) if !resp3 => f,
            (Frame::Array(items), Some(queued)) if items.len() == queued.len() => Frame::Array(
                items
                    .into_iter()
                    .zip(queued)
                    .map(|(f, op)| to_resp3(f, op))
                    .collect(),
            ),
            (f, _) => to_resp3(f, op),
        });
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
        let norm = |frame: Frame| match (frame, &exec_ops) {
            (Frame::Array(items), Some(queued)) if items.len() == queued.len() => Frame::Array(
                items
                    .into_iter()
                    .zip(queued)
                    .map(|(f, op)| normalise(f, op.unordered()))
                    .collect(),
            ),
            (frame, _) => normalise(frame, op.unordered()),
        };
        assert_eq!(
            norm(got),
            norm(expected),
            "step {step}: {op:?}\nsequence: {:?}",
            &ops[..=step]
        );
    }
    session.disconnect(&engine);
});
