//! Value encoding: the type byte and body Redis 7.0 would write for each of our values,
//! choosing the same compact encodings Redis would (listpacks for small hashes and sorted
//! sets, an intset for a small set of integers, a quicklist of listpack nodes for a list), so
//! a payload is small and any Redis 7.0 loads it. Hashes with field TTLs (a Redis 7.4
//! feature) use Redis 7.4's `HASH_LISTPACK_EX` and `HASH_METADATA` encodings, and only they.

use super::listpack;
use super::reader::{put_int_string, put_len, put_string};
use super::{stream, types};
use crate::keyspace::Value;
use crate::types::hash::Hash;
use crate::types::list::{CHUNK_BYTES_MAX, List};
use crate::types::set::{MemberRef, Set};
use crate::types::zset::ZSet;
use crate::util::format_double;

/// The type byte `value` is written with.
pub fn value_type(value: &Value) -> u8 {
    match value {
        Value::Int(_) | Value::Str(_) | Value::Raw(_) => types::STRING,
        Value::List(_) => types::LIST_QUICKLIST_2,
        Value::Hash(hash) => match (hash.is_packed(), has_field_ttl(hash)) {
            (true, false) => types::HASH_LISTPACK,
            (false, false) => types::HASH,
            (true, true) => types::HASH_LISTPACK_EX,
            (false, true) => types::HASH_METADATA,
        },
        Value::Set(set) if set.is_intset() => types::SET_INTSET,
        Value::Set(_) => types::SET,
        Value::ZSet(zset) if zset.is_small() => types::ZSET_LISTPACK,
        Value::ZSet(_) => types::ZSET_2,
        Value::Stream(_) => types::STREAM_LISTPACKS_2,
    }
}

fn has_field_ttl(hash: &Hash) -> bool {
    hash.next_field_deadline().is_some()
}

/// Writes the body of `value` in the encoding [`value_type`] names.
pub fn write_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Int(n) => put_int_string(out, *n),
        Value::Str(bytes) => put_string(out, bytes),
        Value::Raw(bytes) => put_string(out, bytes),
        Value::List(list) => write_list(out, list),
        Value::Hash(hash) => write_hash(out, hash),
        Value::Set(set) => write_set(out, set),
        Value::ZSet(zset) => write_zset(out, zset),
        Value::Stream(s) => stream::write(out, s),
    }
}

/// Quicklist node container tags.
pub const QUICKLIST_PLAIN: u64 = 1;
pub const QUICKLIST_PACKED: u64 = 2;
/// Per-entry overhead Redis adds when deciding whether a node is full.
const NODE_ENTRY_OVERHEAD: usize = 8;
/// A listpack counts its entries in 16 bits.
const NODE_ENTRIES_MAX: usize = u16::MAX as usize - 1;

/// Splits a list into listpack nodes of at most 8 KiB, as `list-max-listpack-size -2` does,
/// calling `node` with each finished listpack.
pub fn list_nodes(list: &List, mut node: impl FnMut(Vec<u8>)) {
    let mut lp = listpack::Writer::new();
    for elem in list.iter() {
        let mut entry = listpack::Writer::new();
        push_list_elem(&mut entry, elem);
        let entry_size = entry.size() - listpack::Writer::new().size();
        if lp.count() > 0
            && (lp.size() + entry_size + NODE_ENTRY_OVERHEAD > CHUNK_BYTES_MAX
                || lp.count() >= NODE_ENTRIES_MAX)
        {
            node(std::mem::take(&mut lp).finish());
        }
        push_list_elem(&mut lp, elem);
    }
    if lp.count() > 0 {
        node(lp.finish());
    }
}

fn push_list_elem(lp: &mut listpack::Writer, elem: crate::types::list::Elem<'_>) {
    match elem {
        crate::types::list::Elem::Str(bytes) => lp.push_str(bytes),
        crate::types::list::Elem::Int(n) => lp.push_int(n),
    }
}

fn write_list(out: &mut Vec<u8>, list: &List) {
    let mut nodes = 0u64;
    list_nodes(list, |_| nodes += 1);
    put_len(out, nodes);
    list_nodes(list, |lp| {
        put_len(out, QUICKLIST_PACKED);
        put_string(out, &lp);
    });
}

fn write_hash(out: &mut Vec<u8>, hash: &Hash) {
    let min_deadline = hash.iter().with_deadlines().filter_map(|(_, _, d)| d).min();
    match (hash.is_packed(), min_deadline) {
        (true, None) => {
            let mut lp = listpack::Writer::new();
            for (field, value) in hash.iter() {
                lp.push_str(field);
                lp.push_str(value);
            }
            put_string(out, &lp.finish());
        }
        (false, None) => {
            put_len(out, hash.len() as u64);
            for (field, value) in hash.iter() {
                put_string(out, field);
                put_string(out, value);
            }
        }
        (true, Some(min)) => {
            out.extend_from_slice(&min.to_le_bytes());
            let mut lp = listpack::Writer::new();
            for (field, value, deadline) in hash.iter().with_deadlines() {
                lp.push_str(field);
                lp.push_str(value);
                lp.push_int(deadline.unwrap_or(0) as i64);
            }
            put_string(out, &lp.finish());
        }
        (false, Some(min)) => {
            out.extend_from_slice(&min.to_le_bytes());
            put_len(out, hash.len() as u64);
            for (field, value, deadline) in hash.iter().with_deadlines() {
                put_len(out, deadline.map_or(0, |d| d - min + 1));
                put_string(out, field);
                put_string(out, value);
            }
        }
    }
}

fn write_set(out: &mut Vec<u8>, set: &Set) {
    if set.is_intset() {
        let ints: Vec<i64> = set
            .iter()
            .map(|m| match m {
                MemberRef::Int(n) => n,
                MemberRef::Bytes(_) => unreachable!("an intset holds integers"),
            })
            .collect();
        let width: usize = if ints.iter().all(|&n| i16::try_from(n).is_ok()) {
            2
        } else if ints.iter().all(|&n| i32::try_from(n).is_ok()) {
            4
        } else {
            8
        };
        let mut blob = Vec::with_capacity(8 + width * ints.len());
        blob.extend_from_slice(&(width as u32).to_le_bytes());
        blob.extend_from_slice(&(ints.len() as u32).to_le_bytes());
        for n in ints {
            blob.extend_from_slice(&n.to_le_bytes()[..width]);
        }
        put_string(out, &blob);
        return;
    }
    put_len(out, set.len() as u64);
    for member in set.iter() {
        member.with_bytes(|bytes| put_string(out, bytes));
    }
}

fn write_zset(out: &mut Vec<u8>, zset: &ZSet) {
    if zset.is_small() {
        let mut lp = listpack::Writer::new();
        zset.for_each(|score, member| {
            lp.push_str(member);
            lp.push_str(format_double(score).as_bytes());
        });
        put_string(out, &lp.finish());
        return;
    }
    put_len(out, zset.len() as u64);
    // Redis writes from the highest rank down, so that its loader inserts at the head.
    let _ = zset.visit(0..zset.len(), true, |score, member| {
        put_string(out, member);
        out.extend_from_slice(&score.to_le_bytes());
        std::ops::ControlFlow::Continue(())
    });
}
