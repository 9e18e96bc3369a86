//! HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, and the debugging commands PFDEBUG and
//! PFSELFTEST. The representation and the estimator are in `types::hll`; this file owns
//! lookups, validation replies, the cached count and the `dirty` counter.
//!
//! Behaviour follows Redis 7.0.15's `hyperloglog.c`, checked against a live server:
//! * a string that is not an HLL is `-WRONGTYPE Key is not a valid HyperLogLog string value.`
//!   (another type is the usual WRONGTYPE), a corrupt sparse HLL is `-INVALIDOBJ ...`;
//! * PFCOUNT of one key caches the count in the header, which is a write: when it recomputes
//!   it counts in `dirty`, touches the key for WATCH and logs itself, like Redis (the key is
//!   locked by the dispatcher, as every key argument is);
//! * every command that touches an HLL turns its value `raw`, as Redis's unsharing does.

use std::sync::atomic::Ordering;

use bytes::Bytes;

use super::WRONGTYPE;
use super::t_string::{db_and_out, option_name};
use crate::keyspace::Value;
use crate::session::Ctx;
use crate::types::hll::{self, Encoding, REGISTERS, SPARSE_MAX_BYTES};

const NOT_HLL: &str = "WRONGTYPE Key is not a valid HyperLogLog string value.";
const CORRUPT: &str = "INVALIDOBJ Corrupted HLL object detected";

fn add_dirty(ctx: &Ctx<'_, '_>, n: u64) {
    ctx.engine
        .keyspace
        .stats
        .dirty
        .fetch_add(n, Ordering::Relaxed);
}

/// Redis's `isHLLObjectOrReply`: the error to reply unless `value` is a valid HLL string. An
/// integer-encoded string never is (it is not an sds).
fn check_hll(value: &Value) -> Result<(), &'static str> {
    match value {
        Value::Str(_) | Value::Raw(_) if value.with_bytes(hll::is_valid) => Ok(()),
        Value::Int(_) | Value::Str(_) | Value::Raw(_) => Err(NOT_HLL),
        _ => Err(WRONGTYPE),
    }
}

/// `PFADD key [element [element ...]]` — replies 1 if the key was created or a register
/// changed.
pub fn pfadd(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let key = &args[1][..];
    let (mut db, out) = db_and_out(ctx);
    let mut updated = 0;
    match db.lookup_write(key).map(|e| check_hll(&e.value)) {
        Some(Err(text)) => return out.error(text),
        Some(Ok(())) => {}
        None => {
            db.set(key, Value::Raw(hll::new_sparse()), 0);
            updated += 1;
        }
    }
    let entry = db.entry_mut(key).expect("found or created just above");
    let hll = entry.value.make_raw();
    for element in &args[2..] {
        match hll::add(hll, element, SPARSE_MAX_BYTES) {
            Ok(changed) => updated += u64::from(changed),
            // Redis stops here, keeping the registers already set and counting nothing.
            Err(hll::Corrupt) => return out.error(CORRUPT),
        }
    }
    if updated > 0 {
        hll::invalidate_count(hll);
    }
    out.int(i64::from(updated > 0));
    add_dirty(ctx, updated);
}

/// `PFCOUNT key [key ...]` — one key: its (cached) estimate; several: the estimate of their
/// union, computed without changing any of them.
pub fn pfcount(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if args.len() > 2 {
        let mut max = Box::new([0u8; REGISTERS]);
        let (mut db, out) = db_and_out(ctx);
        for key in &args[1..] {
            let Some(entry) = db.lookup_read(key) else {
                continue;
            };
            if let Err(text) = check_hll(&entry.value) {
                return out.error(text);
            }
            if entry
                .value
                .with_bytes(|bytes| hll::merge_into(&mut max, bytes))
                .is_err()
            {
                return out.error(CORRUPT);
            }
        }
        // The estimate is a u64; Redis replies it as a signed 64-bit integer.
        return out.int(hll::count_registers(&max) as i64);
    }
    let (mut db, out) = db_and_out(ctx);
    let Some(entry) = db.lookup_read(&args[1]) else {
        return out.int(0);
    };
    if let Err(text) = check_hll(&entry.value) {
        return out.error(text);
    }
    let hll = entry.value.make_raw();
    if let Some(card) = hll::cached_count(hll) {
        return out.int(card as i64);
    }
    let Ok(card) = hll::count(hll) else {
        return out.error(CORRUPT);
    };
    hll::store_count(hll, card);
    out.int(card as i64);
    // Caching the count changed the value: a write as far as WATCH and the log are concerned,
    // as in Redis (which propagates such a PFCOUNT although the command is read-only).
    db.lookup_write(&args[1]);
    add_dirty(ctx, 1);
    ctx.propagate(args.to_vec());
}

/// `PFMERGE destkey [sourcekey [sourcekey ...]]` — the destination (itself one of the inputs)
/// gets the register-wise maximum; it becomes dense if any input was.
pub fn pfmerge(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut max = Box::new([0u8; REGISTERS]);
    let mut use_dense = false;
    let (mut db, out) = db_and_out(ctx);
    for key in &args[1..] {
        let Some(entry) = db.lookup_read(key) else {
            continue;
        };
        if let Err(text) = check_hll(&entry.value) {
            return out.error(text);
        }
        let merged = entry.value.with_bytes(|bytes| {
            use_dense |= hll::encoding(bytes) == Encoding::Dense;
            hll::merge_into(&mut max, bytes)
        });
        if merged.is_err() {
            return out.error(CORRUPT);
        }
    }
    let dest = &args[1][..];
    if db.lookup_write(dest).is_none() {
        db.set(dest, Value::Raw(hll::new_sparse()), 0);
    }
    let entry = db.entry_mut(dest).expect("found or created just above");
    let hll = entry.value.make_raw();
    if use_dense && hll::to_dense(hll).is_err() {
        return out.error(CORRUPT);
    }
    for (index, &value) in max.iter().enumerate() {
        if value > 0 {
            // The destination was validated as an input (or just created), and updates keep
            // a valid HLL valid, so this cannot fail; Redis ignores the result too.
            let _ = hll::set_register(hll, index, value, SPARSE_MAX_BYTES);
        }
    }
    hll::invalidate_count(hll);
    out.ok();
    add_dirty(ctx, 1);
}

/// `PFDEBUG <GETREG | DECODE | ENCODING | TODENSE> key` — internals, for tests.
pub fn pfdebug(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (sub, key) = (option_name(&args[1]), &args[2][..]);
    let (mut db, out) = db_and_out(ctx);
    let Some(entry) = db.lookup_write(key) else {
        return out.error("ERR The specified key does not exist");
    };
    if let Err(text) = check_hll(&entry.value) {
        return out.error(text);
    }
    let hll = entry.value.make_raw();
    let sparse = hll::encoding(hll) == Encoding::Sparse;
    let mut dirty = 0;
    if sub.eq_ignore_ascii_case(b"getreg") {
        if sparse {
            if hll::to_dense(hll).is_err() {
                return out.error(CORRUPT);
            }
            // The encoding changed: a write as far as replication is concerned.
            dirty = 1;
        }
        out.array(REGISTERS);
        for value in hll::dense_registers(hll) {
            out.int(i64::from(value));
        }
    } else if sub.eq_ignore_ascii_case(b"decode") {
        if !sparse {
            return out.error("ERR HLL encoding is not sparse");
        }
        out.bulk(hll::decode_sparse(hll).as_bytes());
    } else if sub.eq_ignore_ascii_case(b"encoding") {
        out.simple(if sparse { "sparse" } else { "dense" });
    } else if sub.eq_ignore_ascii_case(b"todense") {
        if sparse {
            if hll::to_dense(hll).is_err() {
                return out.error(CORRUPT);
            }
            dirty = 1;
        }
        out.int(dirty);
    } else {
        // Redis formats the name as a C string and keeps error lines on one line.
        let shown: Vec<u8> = sub
            .iter()
            .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
            .collect();
        let mut text = b"ERR Unknown PFDEBUG subcommand '".to_vec();
        text.extend_from_slice(&shown);
        text.push(b'\'');
        return out.error(text);
    }
    add_dirty(ctx, dirty as u64);
}

/// `PFSELFTEST` — Redis's internal consistency test of the HLL code (register packing, sparse
/// and dense agreement, error bounds up to 10M elements), with seeded randomness.
pub fn pfselftest(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let engine = ctx.engine;
    match hll::self_test(hll::SelfTest::REDIS, SPARSE_MAX_BYTES, || {
        engine.random_u64()
    }) {
        Ok(()) => ctx.out.ok(),
        Err(text) => ctx.out.error(text),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;
