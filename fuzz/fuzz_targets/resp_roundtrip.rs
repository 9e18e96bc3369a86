//! The reply writer (`ferrite_engine::resp::Reply`) round trip: an arbitrary reply tree
//! (bounded depth and width) is written in RESP2 and in RESP3, the bytes are decoded by the
//! reference decoder (`ferrite_fuzz::frame`), and the decoded tree must be exactly what the
//! protocol says that reply looks like (a RESP2 map is a flat array, a RESP3 null is `_`,
//! a double reads back to the same number, ...). Nothing may be left over or missing.
#![no_main]

use arbitrary::{Result, Unstructured};
use ferrite_engine::resp::{Protocol, Reply};
use ferrite_fuzz::frame::{self, Frame};
use libfuzzer_sys::fuzz_target;

/// Deepest nesting generated, and most elements per aggregate.
const DEPTH_MAX: u32 = 6;
const WIDTH_MAX: usize = 8;

/// A reply, as a command would write it through `Reply`'s typed writers.
#[derive(Debug)]
enum Value {
    Ok,
    Simple(String),
    Error(Vec<u8>),
    Int(i64),
    Bulk(Vec<u8>),
    BulkI64(i64),
    Null,
    NullArray,
    Bool(bool),
    Double(f64),
    Verbatim(Vec<u8>),
    Array(Vec<Value>),
    Map(Vec<(Value, Value)>),
    Set(Vec<Value>),
    Push(Vec<Value>),
}

fn items(u: &mut Unstructured, depth: u32) -> Result<Vec<Value>> {
    let n = u.int_in_range(0..=WIDTH_MAX)?;
    (0..n).map(|_| value(u, depth + 1)).collect()
}

fn value(u: &mut Unstructured, depth: u32) -> Result<Value> {
    let leaf_kinds = 10;
    let kinds = if depth >= DEPTH_MAX {
        leaf_kinds
    } else {
        leaf_kinds + 4
    };
    Ok(match u.int_in_range(0..=kinds - 1)? {
        0 => Value::Ok,
        1 => {
            // Status lines never hold CR or LF (the writer asserts it).
            let s: String = u.arbitrary()?;
            Value::Simple(s.replace(['\r', '\n'], ""))
        }
        2 => Value::Error(u.arbitrary()?),
        3 => Value::Int(u.arbitrary()?),
        4 => Value::Bulk(u.arbitrary()?),
        5 => Value::BulkI64(u.arbitrary()?),
        6 => {
            if u.arbitrary()? {
                Value::Null
            } else {
                Value::NullArray
            }
        }
        7 => Value::Bool(u.arbitrary()?),
        8 => Value::Double(f64::from_bits(u.arbitrary()?)),
        9 => Value::Verbatim(u.arbitrary()?),
        10 => Value::Array(items(u, depth)?),
        11 => {
            let n = u.int_in_range(0..=WIDTH_MAX / 2)?;
            Value::Map(
                (0..n)
                    .map(|_| Ok((value(u, depth + 1)?, value(u, depth + 1)?)))
                    .collect::<Result<_>>()?,
            )
        }
        12 => Value::Set(items(u, depth)?),
        _ => Value::Push(items(u, depth)?),
    })
}

fn write(reply: &mut Reply, v: &Value) {
    match v {
        Value::Ok => reply.ok(),
        Value::Simple(s) => reply.simple(s),
        Value::Error(e) => reply.error(e),
        Value::Int(i) => reply.int(*i),
        Value::Bulk(b) => reply.bulk(b),
        Value::BulkI64(i) => reply.bulk_i64(*i),
        Value::Null => reply.null(),
        Value::NullArray => reply.null_array(),
        Value::Bool(b) => reply.boolean(*b),
        Value::Double(d) => reply.double(*d),
        Value::Verbatim(t) => reply.verbatim(t),
        Value::Array(items) => {
            reply.array(items.len());
            items.iter().for_each(|i| write(reply, i));
        }
        Value::Map(pairs) => {
            reply.map(pairs.len());
            for (k, v) in pairs {
                write(reply, k);
                write(reply, v);
            }
        }
        Value::Set(items) => {
            reply.set(items.len());
            items.iter().for_each(|i| write(reply, i));
        }
        Value::Push(items) => {
            reply.push(items.len());
            items.iter().for_each(|i| write(reply, i));
        }
    }
}

/// What the decoded frame must be: the protocol's rules, stated once per kind.
fn expected(v: &Value, resp3: bool) -> Frame {
    let all = |items: &[Value]| items.iter().map(|i| expected(i, resp3)).collect::<Vec<_>>();
    match v {
        Value::Ok => Frame::Simple(b"OK".to_vec()),
        Value::Simple(s) => Frame::Simple(s.as_bytes().to_vec()),
        Value::Error(e) => Frame::Error(
            e.iter()
                .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
                .collect(),
        ),
        Value::Int(i) => Frame::Int(*i),
        Value::Bulk(b) => Frame::Bulk(b.clone()),
        Value::BulkI64(i) => Frame::Bulk(i.to_string().into_bytes()),
        Value::Null if resp3 => Frame::Null,
        Value::Null => Frame::NullBulk,
        Value::NullArray if resp3 => Frame::Null,
        Value::NullArray => Frame::NullArray,
        Value::Bool(b) if resp3 => Frame::Bool(*b),
        Value::Bool(b) => Frame::Int(*b as i64),
        // Compared by value below: the text is Redis's %.17g, checked by unit tests.
        Value::Double(_) => unreachable!("doubles are compared by value"),
        Value::Verbatim(t) if resp3 => Frame::Verbatim(*b"txt", t.clone()),
        Value::Verbatim(t) => Frame::Bulk(t.clone()),
        Value::Array(items) => Frame::Array(all(items)),
        Value::Map(pairs) if resp3 => Frame::Map(
            pairs
                .iter()
                .map(|(k, v)| (expected(k, resp3), expected(v, resp3)))
                .collect(),
        ),
        Value::Map(pairs) => Frame::Array(
            pairs
                .iter()
                .flat_map(|(k, v)| [expected(k, resp3), expected(v, resp3)])
                .collect(),
        ),
        Value::Set(items) if resp3 => Frame::Set(all(items)),
        Value::Push(items) if resp3 => Frame::Push(all(items)),
        Value::Set(items) | Value::Push(items) => Frame::Array(all(items)),
    }
}

/// Checks `got` against `v`; doubles must read back to the same number (NaN to NaN).
fn check(v: &Value, got: &Frame, resp3: bool) {
    let same_double = |d: f64, text: &[u8]| {
        let back: f64 = std::str::from_utf8(text)
            .expect("ascii")
            .parse()
            .expect("a number");
        assert!(
            back.to_bits() == d.to_bits() || (d.is_nan() && back.is_nan()),
            "{d:?} came back as {:?}",
            String::from_utf8_lossy(text)
        );
    };
    let pairwise = |items: &[Value], got: &[Frame]| {
        assert_eq!(items.len(), got.len(), "aggregate length");
        items.iter().zip(got).for_each(|(i, g)| check(i, g, resp3));
    };
    match (v, got) {
        (Value::Double(d), Frame::Double(text)) if resp3 => same_double(*d, text),
        (Value::Double(d), Frame::Bulk(text)) if !resp3 => same_double(*d, text),
        (Value::Double(_), other) => panic!("a double came back as {other:?}"),
        (Value::Array(items), Frame::Array(got)) => pairwise(items, got),
        (Value::Set(items), Frame::Set(got)) | (Value::Push(items), Frame::Push(got)) if resp3 => {
            pairwise(items, got)
        }
        (Value::Set(items) | Value::Push(items), Frame::Array(got)) if !resp3 => {
            pairwise(items, got)
        }
        (Value::Map(pairs), Frame::Map(got)) if resp3 => {
            assert_eq!(pairs.len(), got.len(), "map length");
            for ((k, v), (gk, gv)) in pairs.iter().zip(got) {
                check(k, gk, resp3);
                check(v, gv, resp3);
            }
        }
        (Value::Map(pairs), Frame::Array(got)) if !resp3 => {
            assert_eq!(pairs.len() * 2, got.len(), "flattened map length");
            for ((k, v), g) in pairs.iter().zip(got.chunks(2)) {
                check(k, &g[0], resp3);
                check(v, &g[1], resp3);
            }
        }
        (Value::Array(_) | Value::Set(_) | Value::Push(_) | Value::Map(_), other) => {
            panic!("{v:?} came back as {other:?}")
        }
        (leaf, got) => assert_eq!(got, &expected(leaf, resp3), "{leaf:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(values) = (0..u.int_in_range(1..=4).unwrap_or(1))
        .map(|_| value(&mut u, 0))
        .collect::<Result<Vec<_>>>()
    else {
        return;
    };
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let mut reply = Reply::new(protocol);
        for v in &values {
            write(&mut reply, v);
        }
        let frames = frame::decode_all(&reply.buf).unwrap_or_else(|e| {
            panic!(
                "{protocol:?} bytes do not decode ({e:?}): {:?}",
                String::from_utf8_lossy(&reply.buf)
            )
        });
        assert_eq!(frames.len(), values.len(), "one frame per reply");
        for (v, f) in values.iter().zip(&frames) {
            check(v, f, protocol == Protocol::Resp3);
        }
    }
});
