//! A plain reference model of a Redis keyspace for the `command_sequence` target: one
//! database in a `BTreeMap`, values in `VecDeque`/`BTreeMap`/`BTreeSet`, expiry as an optional
//! deadline checked on every access against a clock the test moves. It answers each [`Op`]
//! with the [`Frame`] Redis 7.0 sends in RESP2. Written from Redis's documented behaviour,
//! obviously correct rather than fast; integer sorted-set scores keep its doubles exact.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use arbitrary::Arbitrary;

use crate::frame::Frame;

/// The key space: few keys, so that commands collide on them.
pub const KEYS: [&str; 5] = ["k0", "k1", "k2", "{k0}x", "k4"];
/// Values and members: integers (edge ones too), non-integers, the empty string, blanks.
pub const VALUES: [&str; 14] = [
    "",
    "a",
    "b",
    "c",
    "0",
    "1",
    "-1",
    "10",
    "007",
    " 1",
    "9223372036854775807",
    "-9223372036854775808",
    "x y",
    "3.5",
];

/// Sorted-set scores and increments as typed, with their value: integers, fractions that
/// %.17g shows with all their digits, exponents either side of %g's switch, a subnormal and
/// the infinities (`inf + -inf` is the NaN error).
pub const SCORES: [(&str, f64); 16] = [
    ("0", 0.0),
    ("1", 1.0),
    ("-1", -1.0),
    ("0.1", 0.1),
    ("1.5", 1.5),
    ("-2.5e-3", -2.5e-3),
    ("1e300", 1e300),
    ("inf", f64::INFINITY),
    ("-inf", f64::NEG_INFINITY),
    ("+inf", f64::INFINITY),
    ("1e-320", 1e-320),
    ("0.30000000000000004", 0.300_000_000_000_000_04),
    ("1e17", 1e17),
    ("123456789012345678", 123_456_789_012_345_678.0),
    ("1e-5", 1e-5),
    ("-0.5", -0.5),
];

#[derive(Arbitrary, Clone, Copy, Debug)]
pub struct Key(u8);
#[derive(Arbitrary, Clone, Copy, Debug)]
pub struct Score(u8);

impl Score {
    pub fn text(self) -> &'static str {
        SCORES[self.0 as usize % SCORES.len()].0
    }
    pub fn value(self) -> f64 {
        SCORES[self.0 as usize % SCORES.len()].1
    }
}

/// A double as Redis 7.0 replies it (`addReplyDouble`): `inf`/`-inf`, else C's `%.17g`:
/// 17 significant digits, fixed notation for decimal exponents -4 to 16 and scientific
/// (`e+NN`, at least two exponent digits) otherwise, trailing zeros dropped.
pub fn format_double(d: f64) -> String {
    if d.is_infinite() {
        return if d > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    let sci = format!("{d:.16e}");
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is an integer");
    if (-4..17).contains(&exp) {
        trim(&format!("{d:.prec$}", prec = (16 - exp) as usize))
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mantissa), exp.abs())
    }
}
#[derive(Arbitrary, Clone, Copy, Debug)]
pub struct Val(u8);

impl Key {
    pub fn name(self) -> &'static str {
        KEYS[self.0 as usize % KEYS.len()]
    }
}
impl Val {
    pub fn text(self) -> &'static str {
        VALUES[self.0 as usize % VALUES.len()]
    }
}

/// One or more items, at most five.
#[derive(Arbitrary, Clone, Debug)]
pub struct Some1<T> {
    first: T,
    rest: Vec<T>,
}

impl<T: Clone> Some1<T> {
    pub fn items(&self) -> Vec<T> {
        std::iter::once(self.first.clone())
            .chain(self.rest.iter().take(4).cloned())
            .collect()
    }
}

#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum SetCond {
    Always,
    Nx,
    Xx,
}

#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum SetTtl {
    Clear,
    Px(u8),
    KeepTtl,
}

#[derive(Arbitrary, Clone, Debug)]
pub enum Op {
    Set {
        key: Key,
        value: Val,
        cond: SetCond,
        ttl: SetTtl,
        get: bool,
    },
    Get(Key),
    GetDel(Key),
    Append(Key, Val),
    Strlen(Key),
    Incr(Key),
    Decr(Key),
    IncrBy(Key, i8),
    Del(Some1<Key>),
    Exists(Some1<Key>),
    Type(Key),
    Rename(Key, Key),
    PExpire(Key, i16),
    Persist(Key),
    Pttl(Key),
    Ttl(Key),
    LPush(Key, Some1<Val>),
    RPush(Key, Some1<Val>),
    LPop(Key, Option<u8>),
    RPop(Key, Option<u8>),
    LLen(Key),
    LRange(Key, i8, i8),
    LIndex(Key, i8),
    HSet(Key, Some1<(Val, Val)>),
    HGet(Key, Val),
    HDel(Key, Some1<Val>),
    HLen(Key),
    HGetAll(Key),
    HExists(Key, Val),
    HIncrBy(Key, Val, i8),
    SAdd(Key, Some1<Val>),
    SRem(Key, Some1<Val>),
    SCard(Key),
    SIsMember(Key, Val),
    SMembers(Key),
    ZAdd(Key, Some1<(Score, Val)>),
    ZRem(Key, Some1<Val>),
    ZScore(Key, Val),
    ZCard(Key),
    ZRange(Key, i8, i8, bool),
    ZIncrBy(Key, Score, Val),
    /// MULTI: later commands queue (+QUEUED) until EXEC or DISCARD.
    Multi,
    Exec,
    Discard,
    /// Moves the clock forward (milliseconds).
    Advance(u16),
    /// Runs the engine's active expiry; the model has nothing to do.
    ActiveExpire,
}

impl Op {
    /// The command's arguments, or `None` for an op that is not a command.
    pub fn args(&self) -> Option<Vec<Vec<u8>>> {
        let mut a: Vec<String> = Vec::new();
        let mut push = |s: &str| a.push(s.to_string());
        match self {
            Op::Set {
                key,
                value,
                cond,
                ttl,
                get,
            } => {
                push("SET");
                push(key.name());
                push(value.text());
                match cond {
                    SetCond::Always => {}
                    SetCond::Nx => push("NX"),
                    SetCond::Xx => push("XX"),
                }
                match ttl {
                    SetTtl::Clear => {}
                    SetTtl::Px(ms) => {
                        push("PX");
                        push(&ms.to_string());
                    }
                    SetTtl::KeepTtl => push("KEEPTTL"),
                }
                if *get {
                    push("GET");
                }
            }
            Op::Get(k) => ["GET", k.name()].iter().for_each(|s| push(s)),
            Op::GetDel(k) => ["GETDEL", k.name()].iter().for_each(|s| push(s)),
            Op::Append(k, v) => ["APPEND", k.name(), v.text()].iter().for_each(|s| push(s)),
            Op::Strlen(k) => ["STRLEN", k.name()].iter().for_each(|s| push(s)),
            Op::Incr(k) => ["INCR", k.name()].iter().for_each(|s| push(s)),
            Op::Decr(k) => ["DECR", k.name()].iter().for_each(|s| push(s)),
            Op::IncrBy(k, n) => ["INCRBY", k.name(), &n.to_string()]
                .iter()
                .for_each(|s| push(s)),
            Op::Del(keys) | Op::Exists(keys) => {
                push(if matches!(self, Op::Del(_)) {
                    "DEL"
                } else {
                    "EXISTS"
                });
                keys.items().iter().for_each(|k| push(k.name()));
            }
            Op::Type(k) => ["TYPE", k.name()].iter().for_each(|s| push(s)),
            Op::Rename(a, b) => ["RENAME", a.name(), b.name()].iter().for_each(|s| push(s)),
            Op::PExpire(k, ms) => ["PEXPIRE", k.name(), &ms.to_string()]
                .iter()
                .for_each(|s| push(s)),
            Op::Persist(k) => ["PERSIST", k.name()].iter().for_each(|s| push(s)),
            Op::Pttl(k) => ["PTTL", k.name()].iter().for_each(|s| push(s)),
            Op::Ttl(k) => ["TTL", k.name()].iter().for_each(|s| push(s)),
            Op::LPush(k, vs)
            | Op::RPush(k, vs)
            | Op::SAdd(k, vs)
            | Op::SRem(k, vs)
            | Op::HDel(k, vs)
            | Op::ZRem(k, vs) => {
                push(match self {
                    Op::LPush(..) => "LPUSH",
                    Op::RPush(..) => "RPUSH",
                    Op::SAdd(..) => "SADD",
                    Op::SRem(..) => "SREM",
                    Op::HDel(..) => "HDEL",
                    _ => "ZREM",
                });
                push(k.name());
                vs.items().iter().for_each(|v| push(v.text()));
            }
            Op::LPop(k, n) | Op::RPop(k, n) => {
                push(if matches!(self, Op::LPop(..)) {
                    "LPOP"
                } else {
                    "RPOP"
                });
                push(k.name());
                if let Some(n) = n {
                    push(&n.to_string());
                }
            }
            Op::LLen(k) => ["LLEN", k.name()].iter().for_each(|s| push(s)),
            Op::LRange(k, a, b) => ["LRANGE", k.name(), &a.to_string(), &b.to_string()]
                .iter()
                .for_each(|s| push(s)),
            Op::LIndex(k, i) => ["LINDEX", k.name(), &i.to_string()]
                .iter()
                .for_each(|s| push(s)),
            Op::HSet(k, pairs) => {
                push("HSET");
                push(k.name());
                for (f, v) in pairs.items() {
                    push(f.text());
                    push(v.text());
                }
            }
            Op::HGet(k, f) => ["HGET", k.name(), f.text()].iter().for_each(|s| push(s)),
            Op::HLen(k) => ["HLEN", k.name()].iter().for_each(|s| push(s)),
            Op::HGetAll(k) => ["HGETALL", k.name()].iter().for_each(|s| push(s)),
            Op::HExists(k, f) => ["HEXISTS", k.name(), f.text()].iter().for_each(|s| push(s)),
            Op::HIncrBy(k, f, n) => ["HINCRBY", k.name(), f.text(), &n.to_string()]
                .iter()
                .for_each(|s| push(s)),
            Op::SCard(k) => ["SCARD", k.name()].iter().for_each(|s| push(s)),
            Op::SIsMember(k, m) => ["SISMEMBER", k.name(), m.text()]
                .iter()
                .for_each(|s| push(s)),
            Op::SMembers(k) => ["SMEMBERS", k.name()].iter().for_each(|s| push(s)),
            Op::ZAdd(k, pairs) => {
                push("ZADD");
                push(k.name());
                for (score, m) in pairs.items() {
                    push(score.text());
                    push(m.text());
                }
            }
            Op::ZScore(k, m) => ["ZSCORE", k.name(), m.text()].iter().for_each(|s| push(s)),
            Op::ZCard(k) => ["ZCARD", k.name()].iter().for_each(|s| push(s)),
            Op::ZRange(k, a, b, with) => {
                ["ZRANGE", k.name(), &a.to_string(), &b.to_string()]
                    .iter()
                    .for_each(|s| push(s));
                if *with {
                    push("WITHSCORES");
                }
            }
            Op::Multi => push("MULTI"),
            Op::Exec => push("EXEC"),
            Op::Discard => push("DISCARD"),
            Op::ZIncrBy(k, n, m) => ["ZINCRBY", k.name(), n.text(), m.text()]
                .iter()
                .for_each(|s| push(s)),
            Op::Advance(_) | Op::ActiveExpire => return None,
        }
        Some(a.into_iter().map(String::into_bytes).collect())
    }

    /// Replies whose order Redis leaves unspecified: compare them sorted.
    pub fn unordered(&self) -> Unordered {
        match self {
            Op::SMembers(_) => Unordered::Items,
            Op::HGetAll(_) => Unordered::Pairs,
            _ => Unordered::No,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Unordered {
    No,
    Items,
    Pairs,
}

/// Sorts an unordered reply so that two orders of the same elements compare equal.
pub fn normalise(frame: Frame, how: Unordered) -> Frame {
    let key = |f: &Frame| format!("{f:?}");
    match (frame, how) {
        (Frame::Array(mut items), Unordered::Items) => {
            items.sort_by_key(key);
            Frame::Array(items)
        }
        (Frame::Array(items), Unordered::Pairs) => {
            let mut pairs: Vec<Vec<Frame>> = items.chunks(2).map(<[Frame]>::to_vec).collect();
            pairs.sort_by_key(|p| key(&p[0]));
            Frame::Array(pairs.concat())
        }
        (Frame::Set(mut items), Unordered::Items) => {
            items.sort_by_key(key);
            Frame::Set(items)
        }
        (Frame::Map(mut pairs), Unordered::Pairs) => {
            pairs.sort_by_key(|p| key(&p.0));
            Frame::Map(pairs)
        }
        (frame, _) => frame,
    }
}

/// The RESP3 form of `frame`, the RESP2 reply to `op` (Redis 7.0 after HELLO 3): nulls are
/// `_`, HGETALL a map, SMEMBERS a set, scores doubles (`,` with the same `%.17g` text), and
/// ZRANGE WITHSCORES an array of `[member, score]` pairs. EXEC's elements are converted by
/// the caller, which knows the queued ops.
pub fn to_resp3(frame: Frame, op: &Op) -> Frame {
    let double = |f: &Frame| match f {
        Frame::Bulk(text) => Frame::Double(text.clone()),
        other => other.clone(),
    };
    match (frame, op) {
        (Frame::NullBulk | Frame::NullArray, _) => Frame::Null,
        (Frame::Array(items), Op::HGetAll(_)) => Frame::Map(
            items
                .chunks(2)
                .map(|p| (p[0].clone(), p[1].clone()))
                .collect(),
        ),
        (Frame::Array(items), Op::SMembers(_)) => Frame::Set(items),
        (f @ Frame::Bulk(_), Op::ZScore(..) | Op::ZIncrBy(..)) => double(&f),
        (Frame::Array(items), Op::ZRange(_, _, _, true)) => Frame::Array(
            items
                .chunks(2)
                .map(|p| Frame::Array(vec![p[0].clone(), double(&p[1])]))
                .collect(),
        ),
        (frame, _) => frame,
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Value {
    Str(Vec<u8>),
    List(VecDeque<Vec<u8>>),
    Hash(BTreeMap<Vec<u8>, Vec<u8>>),
    Set(BTreeSet<Vec<u8>>),
    /// member -> score (never NaN).
    ZSet(BTreeMap<Vec<u8>, f64>),
}

#[derive(Clone, Debug)]
struct Entry {
    value: Value,
    /// Unix ms; the key is gone once the clock is past it.
    deadline_ms: Option<u64>,
}

pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
const NOT_INT: &str = "ERR value is not an integer or out of range";
const OVERFLOW: &str = "ERR increment or decrement would overflow";

fn err(text: &str) -> Frame {
    Frame::Error(text.as_bytes().to_vec())
}
fn bulk(b: &[u8]) -> Frame {
    Frame::Bulk(b.to_vec())
}
fn ok() -> Frame {
    Frame::Simple(b"OK".to_vec())
}

/// Redis's `string2ll`: a canonical decimal that fits an i64.
fn integer(b: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(b).ok()?;
    let digits = s.strip_prefix('-').unwrap_or(s);
    let canonical = !digits.is_empty()
        && digits.bytes().all(|c| c.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && s != "-0";
    if canonical { s.parse().ok() } else { None }
}

/// Redis's index range rule (LRANGE, ZRANGE): the positions to return.
fn range(len: usize, start: i64, stop: i64) -> std::ops::Range<usize> {
    let len = len as i64;
    let start = if start < 0 {
        (len + start).max(0)
    } else {
        start
    };
    let stop = if stop < 0 {
        len + stop
    } else {
        stop.min(len - 1)
    };
    if start > stop || start >= len {
        0..0
    } else {
        start as usize..stop as usize + 1
    }
}

pub struct Model {
    pub now_ms: u64,
    keys: BTreeMap<Vec<u8>, Entry>,
    /// Inside MULTI: the commands queued for EXEC.
    queued: Option<Vec<Op>>,
}

impl Model {
    pub fn new(now_ms: u64) -> Model {
        Model {
            now_ms,
            keys: BTreeMap::new(),
            queued: None,
        }
    }

    /// The live entry at `key`, dropping it first if its deadline has passed.
    fn live(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let now = self.now_ms;
        if self
            .keys
            .get(key)
            .is_some_and(|e| e.deadline_ms.is_some_and(|d| d < now))
        {
            self.keys.remove(key);
        }
        self.keys.get_mut(key)
    }

    fn drop_if_empty(&mut self, key: &[u8]) {
        let empty = match self.keys.get(key).map(|e| &e.value) {
            Some(Value::List(l)) => l.is_empty(),
            Some(Value::Hash(h)) => h.is_empty(),
            Some(Value::Set(s)) => s.is_empty(),
            Some(Value::ZSet(z)) => z.is_empty(),
            _ => false,
        };
        if empty {
            self.keys.remove(key);
        }
    }

    /// The value of type `want` at `key` for a command: `Ok(None)` if missing, `Err` (the
    /// WRONGTYPE reply) if another type.
    fn typed(&mut self, key: &[u8], want: fn(&Value) -> bool) -> Result<Option<&mut Value>, Frame> {
        match self.live(key) {
            None => Ok(None),
            Some(e) if want(&e.value) => Ok(Some(&mut e.value)),
            Some(_) => Err(err(WRONGTYPE)),
        }
    }

    /// The value at `key`, created as `empty()` if missing.
    fn typed_or(
        &mut self,
        key: &[u8],
        want: fn(&Value) -> bool,
        empty: fn() -> Value,
    ) -> Result<&mut Value, Frame> {
        if self.typed(key, want)?.is_none() {
            self.keys.insert(
                key.to_vec(),
                Entry {
                    value: empty(),
                    deadline_ms: None,
                },
            );
        }
        Ok(&mut self.keys.get_mut(key).expect("just inserted").value)
    }

    pub fn apply(&mut self, op: &Op) -> Option<Frame> {
        Some(match op {
            Op::Advance(ms) => {
                self.now_ms += *ms as u64;
                return None;
            }
            Op::ActiveExpire => return None,
            Op::Multi if self.queued.is_some() => err("ERR MULTI calls can not be nested"),
            Op::Multi => {
                self.queued = Some(Vec::new());
                ok()
            }
            Op::Exec => match self.queued.take() {
                None => err("ERR EXEC without MULTI"),
                Some(ops) => Frame::Array(ops.iter().map(|op| self.reply(op)).collect()),
            },
            Op::Discard => match self.queued.take() {
                None => err("ERR DISCARD without MULTI"),
                Some(_) => ok(),
            },
            op => match &mut self.queued {
                Some(queue) => {
                    queue.push(op.clone());
                    Frame::Simple(b"QUEUED".to_vec())
                }
                None => self.reply(op),
            },
        })
    }

    /// The ops queued by the current MULTI (the target normalises EXEC's replies with them).
    pub fn queued(&self) -> Option<&[Op]> {
        self.queued.as_deref()
    }

    fn reply(&mut self, op: &Op) -> Frame {
        match self.command(op) {
            Ok(f) | Err(f) => f,
        }
    }

    fn command(&mut self, op: &Op) -> Result<Frame, Frame> {
        let is_str = |v: &Value| matches!(v, Value::Str(_));
        let is_list = |v: &Value| matches!(v, Value::List(_));
        let is_hash = |v: &Value| matches!(v, Value::Hash(_));
        let is_set = |v: &Value| matches!(v, Value::Set(_));
        let is_zset = |v: &Value| matches!(v, Value::ZSet(_));
        let str_of = |v: Option<&mut Value>| match v {
            Some(Value::Str(s)) => bulk(s),
            _ => Frame::NullBulk,
        };
        let now = self.now_ms;
        Ok(match op {
            Op::Set {
                key,
                value,
                cond,
                ttl,
                get,
            } => {
                let k = key.name().as_bytes();
                if let SetTtl::Px(0) = ttl {
                    return Err(err("ERR invalid expire time in 'set' command"));
                }
                let old = if *get {
                    str_of(self.typed(k, is_str)?)
                } else {
                    Frame::NullBulk
                };
                let exists = self.live(k).is_some();
                if matches!((cond, exists), (SetCond::Nx, true) | (SetCond::Xx, false)) {
                    return Ok(old);
                }
                let deadline_ms = match ttl {
                    SetTtl::Clear => None,
                    SetTtl::Px(ms) => Some(now + *ms as u64),
                    SetTtl::KeepTtl => self.live(k).and_then(|e| e.deadline_ms),
                };
                let value = Value::Str(value.text().as_bytes().to_vec());
                self.keys.insert(k.to_vec(), Entry { value, deadline_ms });
                if *get { old } else { ok() }
            }
            Op::Get(k) => str_of(self.typed(k.name().as_bytes(), is_str)?),
            Op::GetDel(k) => {
                let reply = str_of(self.typed(k.name().as_bytes(), is_str)?);
                self.keys.remove(k.name().as_bytes());
                reply
            }
            Op::Append(k, v) => {
                let Value::Str(s) =
                    self.typed_or(k.name().as_bytes(), is_str, || Value::Str(vec![]))?
                else {
                    unreachable!()
                };
                s.extend_from_slice(v.text().as_bytes());
                Frame::Int(s.len() as i64)
            }
            Op::Strlen(k) => match self.typed(k.name().as_bytes(), is_str)? {
                Some(Value::Str(s)) => Frame::Int(s.len() as i64),
                _ => Frame::Int(0),
            },
            Op::Incr(k) => self.incr(k, 1)?,
            Op::Decr(k) => self.incr(k, -1)?,
            Op::IncrBy(k, n) => self.incr(k, *n as i64)?,
            Op::Del(keys) => {
                let mut n = 0;
                for k in keys.items() {
                    if self.live(k.name().as_bytes()).is_some() {
                        self.keys.remove(k.name().as_bytes());
                        n += 1;
                    }
                }
                Frame::Int(n)
            }
            Op::Exists(keys) => Frame::Int(
                keys.items()
                    .iter()
                    .filter(|k| self.live(k.name().as_bytes()).is_some())
                    .count() as i64,
            ),
            Op::Type(k) => Frame::Simple(
                match self.live(k.name().as_bytes()).map(|e| &e.value) {
                    None => "none",
                    Some(Value::Str(_)) => "string",
                    Some(Value::List(_)) => "list",
                    Some(Value::Hash(_)) => "hash",
                    Some(Value::Set(_)) => "set",
                    Some(Value::ZSet(_)) => "zset",
                }
                .into(),
            ),
            Op::Rename(a, b) => {
                let (a, b) = (a.name().as_bytes(), b.name().as_bytes());
                if self.live(a).is_none() {
                    return Err(err("ERR no such key"));
                }
                let entry = self.keys.remove(a).expect("live");
                self.keys.insert(b.to_vec(), entry);
                ok()
            }
            Op::PExpire(k, ms) => {
                let k = k.name().as_bytes();
                match self.live(k) {
                    None => Frame::Int(0),
                    Some(e) => {
                        let deadline = now as i64 + *ms as i64;
                        if deadline <= now as i64 {
                            self.keys.remove(k);
                        } else {
                            e.deadline_ms = Some(deadline as u64);
                        }
                        Frame::Int(1)
                    }
                }
            }
            Op::Persist(k) => match self.live(k.name().as_bytes()) {
                Some(e) if e.deadline_ms.is_some() => {
                    e.deadline_ms = None;
                    Frame::Int(1)
                }
                _ => Frame::Int(0),
            },
            Op::Pttl(k) | Op::Ttl(k) => match self.live(k.name().as_bytes()) {
                None => Frame::Int(-2),
                Some(Entry {
                    deadline_ms: None, ..
                }) => Frame::Int(-1),
                Some(Entry {
                    deadline_ms: Some(d),
                    ..
                }) => {
                    let ms = d.saturating_sub(now) as i64;
                    Frame::Int(if matches!(op, Op::Pttl(_)) {
                        ms
                    } else {
                        (ms + 500) / 1000
                    })
                }
            },
            Op::LPush(k, vs) | Op::RPush(k, vs) => {
                let Value::List(l) =
                    self.typed_or(
                        k.name().as_bytes(),
                        is_list,
                        || Value::List(VecDeque::new()),
                    )?
                else {
                    unreachable!()
                };
                for v in vs.items() {
                    let v = v.text().as_bytes().to_vec();
                    if matches!(op, Op::LPush(..)) {
                        l.push_front(v)
                    } else {
                        l.push_back(v)
                    }
                }
                Frame::Int(l.len() as i64)
            }
            Op::LPop(k, count) | Op::RPop(k, count) => {
                let key = k.name().as_bytes();
                let Some(Value::List(l)) = self.typed(key, is_list)? else {
                    return Ok(if count.is_some() {
                        Frame::NullArray
                    } else {
                        Frame::NullBulk
                    });
                };
                let mut popped = Vec::new();
                for _ in 0..count.unwrap_or(1) {
                    let item = if matches!(op, Op::LPop(..)) {
                        l.pop_front()
                    } else {
                        l.pop_back()
                    };
                    popped.extend(item.map(|v| bulk(&v)));
                }
                self.drop_if_empty(key);
                match count {
                    Some(_) => Frame::Array(popped),
                    None => popped.pop().expect("a live list is never empty"),
                }
            }
            Op::LLen(k) => match self.typed(k.name().as_bytes(), is_list)? {
                Some(Value::List(l)) => Frame::Int(l.len() as i64),
                _ => Frame::Int(0),
            },
            Op::LRange(k, a, b) => match self.typed(k.name().as_bytes(), is_list)? {
                Some(Value::List(l)) => Frame::Array(
                    range(l.len(), *a as i64, *b as i64)
                        .map(|i| bulk(&l[i]))
                        .collect(),
                ),
                _ => Frame::Array(vec![]),
            },
            Op::LIndex(k, i) => match self.typed(k.name().as_bytes(), is_list)? {
                Some(Value::List(l)) => {
                    let i = if *i < 0 {
                        l.len() as i64 + *i as i64
                    } else {
                        *i as i64
                    };
                    usize::try_from(i)
                        .ok()
                        .and_then(|i| l.get(i))
                        .map_or(Frame::NullBulk, |v| bulk(v))
                }
                _ => Frame::NullBulk,
            },
            Op::HSet(k, pairs) => {
                let Value::Hash(h) =
                    self.typed_or(
                        k.name().as_bytes(),
                        is_hash,
                        || Value::Hash(BTreeMap::new()),
                    )?
                else {
                    unreachable!()
                };
                let mut added = 0;
                for (f, v) in pairs.items() {
                    added += h
                        .insert(f.text().as_bytes().to_vec(), v.text().as_bytes().to_vec())
                        .is_none() as i64;
                }
                Frame::Int(added)
            }
            Op::HGet(k, f) => match self.typed(k.name().as_bytes(), is_hash)? {
                Some(Value::Hash(h)) => h
                    .get(f.text().as_bytes())
                    .map_or(Frame::NullBulk, |v| bulk(v)),
                _ => Frame::NullBulk,
            },
            Op::HDel(k, fs) => {
                let key = k.name().as_bytes();
                let Some(Value::Hash(h)) = self.typed(key, is_hash)? else {
                    return Ok(Frame::Int(0));
                };
                let n = fs
                    .items()
                    .iter()
                    .filter(|f| h.remove(f.text().as_bytes()).is_some())
                    .count();
                self.drop_if_empty(key);
                Frame::Int(n as i64)
            }
            Op::HLen(k) => match self.typed(k.name().as_bytes(), is_hash)? {
                Some(Value::Hash(h)) => Frame::Int(h.len() as i64),
                _ => Frame::Int(0),
            },
            Op::HGetAll(k) => match self.typed(k.name().as_bytes(), is_hash)? {
                Some(Value::Hash(h)) => {
                    Frame::Array(h.iter().flat_map(|(f, v)| [bulk(f), bulk(v)]).collect())
                }
                _ => Frame::Array(vec![]),
            },
            Op::HExists(k, f) => match self.typed(k.name().as_bytes(), is_hash)? {
                Some(Value::Hash(h)) => Frame::Int(h.contains_key(f.text().as_bytes()) as i64),
                _ => Frame::Int(0),
            },
            Op::HIncrBy(k, f, n) => {
                let Value::Hash(h) =
                    self.typed_or(
                        k.name().as_bytes(),
                        is_hash,
                        || Value::Hash(BTreeMap::new()),
                    )?
                else {
                    unreachable!()
                };
                let field = f.text().as_bytes().to_vec();
                let old = match h.get(&field) {
                    None => 0,
                    Some(v) => integer(v).ok_or_else(|| err("ERR hash value is not an integer"))?,
                };
                let new = old.checked_add(*n as i64).ok_or_else(|| err(OVERFLOW))?;
                h.insert(field, new.to_string().into_bytes());
                Frame::Int(new)
            }
            Op::SAdd(k, ms) => {
                let Value::Set(s) =
                    self.typed_or(k.name().as_bytes(), is_set, || Value::Set(BTreeSet::new()))?
                else {
                    unreachable!()
                };
                Frame::Int(
                    ms.items()
                        .iter()
                        .filter(|m| s.insert(m.text().as_bytes().to_vec()))
                        .count() as i64,
                )
            }
            Op::SRem(k, ms) => {
                let key = k.name().as_bytes();
                let Some(Value::Set(s)) = self.typed(key, is_set)? else {
                    return Ok(Frame::Int(0));
                };
                let n = ms
                    .items()
                    .iter()
                    .filter(|m| s.remove(m.text().as_bytes()))
                    .count();
                self.drop_if_empty(key);
                Frame::Int(n as i64)
            }
            Op::SCard(k) => match self.typed(k.name().as_bytes(), is_set)? {
                Some(Value::Set(s)) => Frame::Int(s.len() as i64),
                _ => Frame::Int(0),
            },
            Op::SIsMember(k, m) => match self.typed(k.name().as_bytes(), is_set)? {
                Some(Value::Set(s)) => Frame::Int(s.contains(m.text().as_bytes()) as i64),
                _ => Frame::Int(0),
            },
            Op::SMembers(k) => match self.typed(k.name().as_bytes(), is_set)? {
                Some(Value::Set(s)) => Frame::Array(s.iter().map(|m| bulk(m)).collect()),
                _ => Frame::Array(vec![]),
            },
            Op::ZAdd(k, pairs) => {
                let Value::ZSet(z) =
                    self.typed_or(
                        k.name().as_bytes(),
                        is_zset,
                        || Value::ZSet(BTreeMap::new()),
                    )?
                else {
                    unreachable!()
                };
                let mut added = 0;
                for (score, m) in pairs.items() {
                    added += z
                        .insert(m.text().as_bytes().to_vec(), score.value())
                        .is_none() as i64;
                }
                Frame::Int(added)
            }
            Op::ZRem(k, ms) => {
                let key = k.name().as_bytes();
                let Some(Value::ZSet(z)) = self.typed(key, is_zset)? else {
                    return Ok(Frame::Int(0));
                };
                let n = ms
                    .items()
                    .iter()
                    .filter(|m| z.remove(m.text().as_bytes()).is_some())
                    .count();
                self.drop_if_empty(key);
                Frame::Int(n as i64)
            }
            Op::ZScore(k, m) => match self.typed(k.name().as_bytes(), is_zset)? {
                Some(Value::ZSet(z)) => z
                    .get(m.text().as_bytes())
                    .map_or(Frame::NullBulk, |s| bulk(format_double(*s).as_bytes())),
                _ => Frame::NullBulk,
            },
            Op::ZCard(k) => match self.typed(k.name().as_bytes(), is_zset)? {
                Some(Value::ZSet(z)) => Frame::Int(z.len() as i64),
                _ => Frame::Int(0),
            },
            Op::ZRange(k, a, b, with) => match self.typed(k.name().as_bytes(), is_zset)? {
                Some(Value::ZSet(z)) => {
                    let mut by_score: Vec<(f64, &Vec<u8>)> =
                        z.iter().map(|(m, s)| (*s, m)).collect();
                    by_score.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
                    let mut out = Vec::new();
                    for (score, m) in &by_score[range(by_score.len(), *a as i64, *b as i64)] {
                        out.push(bulk(m));
                        if *with {
                            out.push(bulk(format_double(*score).as_bytes()));
                        }
                    }
                    Frame::Array(out)
                }
                _ => Frame::Array(vec![]),
            },
            Op::ZIncrBy(k, n, m) => {
                let Value::ZSet(z) =
                    self.typed_or(
                        k.name().as_bytes(),
                        is_zset,
                        || Value::ZSet(BTreeMap::new()),
                    )?
                else {
                    unreachable!()
                };
                let member = m.text().as_bytes();
                let new = z.get(member).copied().unwrap_or(0.0) + n.value();
                if new.is_nan() {
                    return Err(err("ERR resulting score is not a number (NaN)"));
                }
                z.insert(member.to_vec(), new);
                bulk(format_double(new).as_bytes())
            }
            Op::Advance(_) | Op::ActiveExpire | Op::Multi | Op::Exec | Op::Discard => {
                unreachable!("not commands")
            }
        })
    }

    /// INCRBY: the value must be a canonical integer; the TTL is kept.
    fn incr(&mut self, k: &Key, by: i64) -> Result<Frame, Frame> {
        let key = k.name().as_bytes();
        let old = match self.typed(key, |v| matches!(v, Value::Str(_)))? {
            None => 0,
            Some(Value::Str(s)) => integer(s).ok_or_else(|| err(NOT_INT))?,
            Some(_) => unreachable!(),
        };
        let new = old.checked_add(by).ok_or_else(|| err(OVERFLOW))?;
        match self.live(key) {
            Some(e) => e.value = Value::Str(new.to_string().into_bytes()),
            None => {
                self.keys.insert(
                    key.to_vec(),
                    Entry {
                        value: Value::Str(new.to_string().into_bytes()),
                        deadline_ms: None,
                    },
                );
            }
        }
        Ok(Frame::Int(new))
    }
}

#[cfg(test)]
mod tests {
    use super::format_double;

    /// Replies of a live redis-server 7.0.15 to ZRANGE .. WITHSCORES and ZINCRBY.
    #[test]
    fn doubles_format_as_redis_replies_them() {
        for (d, text) in [
            (-2.5e-3, "-0.0025000000000000001"),
            (1e-320, "9.9998886718268301e-321"),
            (1e-5, "1.0000000000000001e-05"),
            (0.0001, "0.0001"),
            (0.1, "0.10000000000000001"),
            (0.300_000_000_000_000_04, "0.30000000000000004"),
            (1.5, "1.5"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (123_456_789_012_345_678.0, "1.2345678901234568e+17"),
            (1e300, "1.0000000000000001e+300"),
            (f64::INFINITY, "inf"),
            (0.1 + 1e-5, "0.10001"),
        ] {
            assert_eq!(format_double(d), text, "{d:e}");
        }
    }
}
