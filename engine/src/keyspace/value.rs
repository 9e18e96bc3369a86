//! Values and entries stored in the keyspace.
//!
//! Strings live here; every other type has its data structure in `crate::types::<type>` and its
//! commands in `crate::cmd::t_<type>`, with one variant below. Strings keep Redis's three encodings because clients and tests observe them
//! through OBJECT ENCODING: `int` (canonical decimal integers), `embstr` (short strings set
//! whole) and `raw` (long strings, or strings grown in place by APPEND/SETRANGE).

use crate::resp::Reply;
use crate::types::{hash::Hash, list::List, set::Set, stream::Stream, zset::ZSet};

/// Longest string Redis stores as `embstr`.
pub const EMBSTR_LEN_MAX: usize = 44;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string that is the canonical decimal text of this integer.
    Int(i64),
    /// A string set whole.
    Str(Box<[u8]>),
    /// A string grown in place; spare capacity makes repeated APPENDs amortised O(1).
    Raw(Vec<u8>),
    List(Box<List>),
    Hash(Box<Hash>),
    Set(Box<Set>),
    ZSet(Box<ZSet>),
    Stream(Box<Stream>),
}

impl Value {
    /// Stores `bytes` as a string, choosing the integer encoding when it round-trips.
    pub fn string(bytes: &[u8]) -> Value {
        if bytes.len() <= 20
            && let Some(n) = crate::resp::parse::parse_i64(bytes)
        {
            return Value::Int(n);
        }
        Value::Str(bytes.into())
    }

    /// The Redis type name, as TYPE reports it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) | Value::Str(_) | Value::Raw(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
            Value::Stream(_) => "stream",
        }
    }

    /// The Redis encoding name, as OBJECT ENCODING reports it.
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Str(s) if s.len() <= EMBSTR_LEN_MAX => "embstr",
            Value::Str(_) | Value::Raw(_) => "raw",
            Value::List(list) => list.encoding(),
            Value::Hash(hash) => hash.encoding(),
            Value::Set(set) => set.encoding(),
            Value::ZSet(zset) => zset.encoding(),
            Value::Stream(stream) => stream.encoding(),
        }
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Str(_) | Value::Raw(_))
    }

    /// Calls `f` with the string's bytes. Panics on non-strings: check [`Value::is_string`].
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            Value::Int(n) => f(itoa::Buffer::new().format(*n).as_bytes()),
            Value::Str(s) => f(s),
            Value::Raw(v) => f(v),
            other => panic!("with_bytes on a {}", other.type_name()),
        }
    }

    /// Writes the string as a bulk reply.
    pub fn reply_bulk(&self, out: &mut Reply) {
        self.with_bytes(|b| out.bulk(b))
    }

    /// The string's length in bytes.
    pub fn string_len(&self) -> usize {
        match self {
            Value::Int(n) => itoa::Buffer::new().format(*n).len(),
            Value::Str(s) => s.len(),
            Value::Raw(v) => v.len(),
            other => panic!("string_len on a {}", other.type_name()),
        }
    }

    /// Turns the string into its growable form and returns the buffer.
    pub fn make_raw(&mut self) -> &mut Vec<u8> {
        if !matches!(self, Value::Raw(_)) {
            let bytes = self.with_bytes(|b| b.to_vec());
            *self = Value::Raw(bytes);
        }
        match self {
            Value::Raw(v) => v,
            _ => unreachable!("made raw just above"),
        }
    }

    /// An estimate of the heap bytes this value holds (for INFO memory and eviction).
    pub fn heap_bytes(&self) -> usize {
        match self {
            Value::Int(_) => 0,
            Value::Str(s) => s.len(),
            Value::Raw(v) => v.capacity(),
            Value::List(list) => list.heap_bytes(),
            Value::Hash(hash) => hash.heap_bytes(),
            Value::Set(set) => set.heap_bytes(),
            Value::ZSet(zset) => zset.heap_bytes(),
            Value::Stream(stream) => stream.heap_bytes(),
        }
    }
}

/// A key's value with its metadata.
#[derive(Clone, Debug)]
pub struct Entry {
    pub value: Value,
    /// Absolute expiry in Unix milliseconds; 0 means no expiry.
    pub expire_ms: u64,
    /// Last access, in Unix seconds truncated to 32 bits (OBJECT IDLETIME, LRU eviction).
    pub access_s: u32,
}
