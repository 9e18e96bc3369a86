//! Value decoding: everything Redis 2.x through 7.4 writes for the value types Ferrite has.
//!
//! The resulting value is built through the types' own insert paths, so it takes the
//! encoding Ferrite (and Redis) would give it (OBJECT ENCODING after RESTORE is sensible),
//! and their invariants hold whatever the input: duplicate members or fields, NaN scores,
//! unordered intsets and ids that do not ascend are errors, not values.
//!
//! `Ok(None)` is an empty aggregate, which Redis refuses in RESTORE and skips when loading.

use ahash::RandomState;

use super::legacy;
use super::listpack::{self, Elem};
use super::reader::{RdbString, Reader, Result};
use super::{encode, stream, types};
use crate::keyspace::Value;
use crate::types::hash::Hash;
use crate::types::list::{End, List};
use crate::types::set::Set;
use crate::types::zset::ZSet;
use crate::util::parse_f64;

/// Field TTLs above this are not something Redis writes (its `EB_EXPIRE_TIME_MAX`).
const FIELD_TTL_MAX: u64 = (1 << 48) - 1;

/// Reads the body of a value of type `rdb_type`.
pub fn read_value(r: &mut Reader<'_>, rdb_type: u8, hasher: &RandomState) -> Result<Option<Value>> {
    let value = match rdb_type {
        types::STRING => match r.rdb_string()? {
            RdbString::Int(n) => Value::Int(n),
            RdbString::Bytes(bytes) => Value::string(&bytes),
        },
        types::LIST => {
            let n = r.count(1)?;
            let mut list = List::new();
            for _ in 0..n {
                list.push(End::Right, &r.string()?);
            }
            Value::List(Box::new(list))
        }
        types::LIST_ZIPLIST => {
            let blob = r.string()?;
            let elems = legacy::ziplist_elements(&blob).map_err(|e| r.corrupt(e.0))?;
            let mut list = List::new();
            push_elems(&mut list, &elems);
            Value::List(Box::new(list))
        }
        types::LIST_QUICKLIST | types::LIST_QUICKLIST_2 => {
            let nodes = r.count(2)?;
            let mut list = List::new();
            for _ in 0..nodes {
                let container = if rdb_type == types::LIST_QUICKLIST_2 {
                    r.len()?
                } else {
                    encode::QUICKLIST_PACKED
                };
                let blob = r.string()?;
                match container {
                    encode::QUICKLIST_PLAIN => list.push(End::Right, &blob),
                    encode::QUICKLIST_PACKED => {
                        let elems = if rdb_type == types::LIST_QUICKLIST_2 {
                            listpack::elements(&blob)
                        } else {
                            legacy::ziplist_elements(&blob)
                        }
                        .map_err(|e| r.corrupt(e.0))?;
                        push_elems(&mut list, &elems);
                    }
                    _ => return Err(r.corrupt("unknown quicklist container")),
                }
            }
            Value::List(Box::new(list))
        }
        types::SET => {
            let n = r.count(1)?;
            let mut set = Set::new();
            for _ in 0..n {
                if !set.insert(&r.string()?, hasher) {
                    return Err(r.corrupt("duplicate set member"));
                }
            }
            Value::Set(Box::new(set))
        }
        types::SET_INTSET => {
            let blob = r.string()?;
            let values = legacy::intset_values(&blob).map_err(|e| r.corrupt(e.0))?;
            let mut set = Set::new();
            let mut digits = itoa::Buffer::new();
            for n in values {
                set.insert(digits.format(n).as_bytes(), hasher);
            }
            Value::Set(Box::new(set))
        }
        types::SET_LISTPACK => {
            let blob = r.string()?;
            let elems = listpack::elements(&blob).map_err(|e| r.corrupt(e.0))?;
            let mut set = Set::new();
            for elem in elems {
                if !elem.with_bytes(|m| set.insert(m, hasher)) {
                    return Err(r.corrupt("duplicate set member"));
                }
            }
            Value::Set(Box::new(set))
        }
        types::ZSET | types::ZSET_2 => {
            let n = r.count(2)?;
            let mut zset = ZSet::new();
            for _ in 0..n {
                let member = r.string()?;
                let score = if rdb_type == types::ZSET_2 {
                    r.binary_double()?
                } else {
                    r.text_double()?
                };
                if score.is_nan() {
                    return Err(r.corrupt("sorted set score is NaN"));
                }
                if zset.insert(&member, score, hasher).is_some() {
                    return Err(r.corrupt("duplicate sorted set member"));
                }
            }
            Value::ZSet(Box::new(zset))
        }
        types::ZSET_ZIPLIST | types::ZSET_LISTPACK => {
            let blob = r.string()?;
            let elems = if rdb_type == types::ZSET_LISTPACK {
                listpack::elements(&blob)
            } else {
                legacy::ziplist_elements(&blob)
            }
            .map_err(|e| r.corrupt(e.0))?;
            if elems.len() % 2 != 0 {
                return Err(r.corrupt("sorted set listpack has an odd count"));
            }
            let mut zset = ZSet::new();
            for pair in elems.chunks_exact(2) {
                let score = match pair[1] {
                    Elem::Int(n) => n as f64,
                    Elem::Str(text) => {
                        parse_f64(text).ok_or_else(|| r.corrupt("sorted set score"))?
                    }
                };
                if pair[0]
                    .with_bytes(|m| zset.insert(m, score, hasher))
                    .is_some()
                {
                    return Err(r.corrupt("duplicate sorted set member"));
                }
            }
            Value::ZSet(Box::new(zset))
        }
        types::HASH => {
            let n = r.count(2)?;
            let mut hash = Hash::new();
            for _ in 0..n {
                let field = r.string()?;
                let value = r.string()?;
                if !hash.set(&field, &value, hasher) {
                    return Err(r.corrupt("duplicate hash field"));
                }
            }
            Value::Hash(Box::new(hash))
        }
        types::HASH_ZIPMAP => {
            let blob = r.string()?;
            let elems = legacy::zipmap_elements(&blob).map_err(|e| r.corrupt(e.0))?;
            let mut hash = Hash::new();
            for pair in elems.chunks_exact(2) {
                if !hash.set(pair[0], pair[1], hasher) {
                    return Err(r.corrupt("duplicate hash field"));
                }
            }
            Value::Hash(Box::new(hash))
        }
        types::HASH_ZIPLIST | types::HASH_LISTPACK => {
            let blob = r.string()?;
            let elems = if rdb_type == types::HASH_LISTPACK {
                listpack::elements(&blob)
            } else {
                legacy::ziplist_elements(&blob)
            }
            .map_err(|e| r.corrupt(e.0))?;
            if elems.len() % 2 != 0 {
                return Err(r.corrupt("hash listpack has an odd count"));
            }
            let mut hash = Hash::new();
            for pair in elems.chunks_exact(2) {
                let (field, value) = (pair[0].to_vec(), pair[1].to_vec());
                if !hash.set(&field, &value, hasher) {
                    return Err(r.corrupt("duplicate hash field"));
                }
            }
            Value::Hash(Box::new(hash))
        }
        types::HASH_LISTPACK_EX | types::HASH_LISTPACK_EX_PRE_GA => {
            if rdb_type == types::HASH_LISTPACK_EX {
                let _min_deadline = r.millis()?;
            }
            let blob = r.string()?;
            let elems = listpack::elements(&blob).map_err(|e| r.corrupt(e.0))?;
            if elems.len() % 3 != 0 {
                return Err(r.corrupt("hash listpack-ex count is not a multiple of 3"));
            }
            let mut hash = Hash::new();
            hash.enable_field_ttl();
            for triple in elems.chunks_exact(3) {
                let ttl = triple[2]
                    .as_int()
                    .and_then(|t| u64::try_from(t).ok())
                    .ok_or_else(|| r.corrupt("hash field TTL"))?;
                set_field(
                    r,
                    &mut hash,
                    &triple[0].to_vec(),
                    &triple[1].to_vec(),
                    ttl,
                    hasher,
                )?;
            }
            Value::Hash(Box::new(hash))
        }
        types::HASH_METADATA | types::HASH_METADATA_PRE_GA => {
            let min_deadline = if rdb_type == types::HASH_METADATA {
                Some(r.millis()?)
            } else {
                None
            };
            let n = r.count(3)?;
            let mut hash = Hash::new();
            hash.enable_field_ttl();
            for _ in 0..n {
                let stored = r.len()?;
                let ttl = match (stored, min_deadline) {
                    (0, _) => 0,
                    (delta, Some(min)) => min
                        .checked_add(delta - 1)
                        .ok_or_else(|| r.corrupt("hash field TTL"))?,
                    (absolute, None) => absolute,
                };
                let field = r.string()?;
                let value = r.string()?;
                set_field(r, &mut hash, &field, &value, ttl, hasher)?;
            }
            Value::Hash(Box::new(hash))
        }
        types::STREAM_LISTPACKS | types::STREAM_LISTPACKS_2 | types::STREAM_LISTPACKS_3 => {
            return Ok(Some(Value::Stream(Box::new(stream::read(r, rdb_type)?))));
        }
        types::MODULE_PRE_GA | types::MODULE_2 => {
            return Err(r.error(super::ErrorKind::Unsupported("module value")));
        }
        other => return Err(r.error(super::ErrorKind::UnknownType(other))),
    };
    let empty = match &value {
        Value::List(list) => list.is_empty(),
        Value::Set(set) => set.is_empty(),
        Value::ZSet(zset) => zset.is_empty(),
        Value::Hash(hash) => hash.is_empty(),
        _ => false,
    };
    Ok((!empty).then_some(value))
}

fn push_elems(list: &mut List, elems: &[Elem<'_>]) {
    for elem in elems {
        elem.with_bytes(|bytes| list.push(End::Right, bytes));
    }
}

/// Adds a field with an optional TTL (0: none) to a hash being loaded.
fn set_field(
    r: &Reader<'_>,
    hash: &mut Hash,
    field: &[u8],
    value: &[u8],
    ttl: u64,
    hasher: &RandomState,
) -> Result<()> {
    if ttl > FIELD_TTL_MAX {
        return Err(r.corrupt("hash field TTL out of range"));
    }
    if !hash.set(field, value, hasher) {
        return Err(r.corrupt("duplicate hash field"));
    }
    if ttl != 0 {
        hash.set_deadline(field, ttl);
    }
    Ok(())
}
