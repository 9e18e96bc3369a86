//! The `cmsgpack` library (lua-cmsgpack 0.4.0, as Redis bundles it): `pack(...)`,
//! `unpack(data)`, `unpack_one(data [, offset])`, `unpack_limit(data, limit [, offset])`.
//!
//! Packing: integral numbers that fit an int64 take the smallest integer encoding, other
//! numbers a float32 when exact or else a float64; strings use fixstr/str8/16/32; a table whose
//! keys are exactly 1..n is an array (read with `#` and indexing), any other a map in `next`
//! order; tables nested 16 deep, and values of other types, pack as nil.
//! Unpacking knows the same types (no bin/ext: "Bad data format in input."), decodes
//! iteratively, and fails where the C library's Lua stack checks fail.

use mlua::{Function, Lua, MultiValue, Table, Value};

use super::lib_support::{
    DEPTH_CAP, LibResult, Out, Raise, arg_error, check_bytes, check_integer, error, opt_integer,
    register, results, string,
};

/// `LUACMSGPACK_MAX_NESTING`: deeper tables pack as nil (cyclic tables end there).
const MAX_NESTING: usize = 16;
/// `LUAI_MAXCSTACK`.
const C_STACK_SLOTS: usize = 8000;

// -------------------------------------------------------------------------------------- pack

fn encode_int(out: &mut Vec<u8>, n: i64) {
    if n >= 0 {
        if n <= 127 {
            out.push(n as u8);
        } else if n <= 0xff {
            out.extend_from_slice(&[0xcc, n as u8]);
        } else if n <= 0xffff {
            out.push(0xcd);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        } else if n <= 0xffff_ffff {
            out.push(0xce);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            out.push(0xcf);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    } else if n >= -32 {
        out.push(n as i8 as u8);
    } else if n >= -128 {
        out.extend_from_slice(&[0xd0, n as i8 as u8]);
    } else if n >= -32768 {
        out.push(0xd1);
        out.extend_from_slice(&(n as i16).to_be_bytes());
    } else if n >= -2_147_483_648 {
        out.push(0xd2);
        out.extend_from_slice(&(n as i32).to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn encode_number(out: &mut Vec<u8>, n: f64) {
    // IS_INT64_EQUIVALENT: not infinite and survives a cast to int64 (NaN does not).
    if !n.is_infinite() && !n.is_nan() && (n as i64) as f64 == n && n < 9.223_372_036_854_776e18 {
        encode_int(out, n as i64);
    } else if (n as f32) as f64 == n {
        out.push(0xca);
        out.extend_from_slice(&(n as f32).to_be_bytes());
    } else {
        out.push(0xcb);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn encode_len(out: &mut Vec<u8>, len: usize, fix: u8, fix_max: usize, op16: u8, op32: u8) {
    if len <= fix_max {
        out.push(fix | len as u8);
    } else if len <= 0xffff {
        out.push(op16);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(op32);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
}

fn encode_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = bytes.len();
    if len < 32 {
        out.push(0xa0 | len as u8);
    } else if len <= 0xff {
        out.extend_from_slice(&[0xd9, len as u8]);
    } else if len <= 0xffff {
        out.push(0xda);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(0xdb);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.extend_from_slice(bytes);
}

/// `table_is_an_array`: every key a positive int-sized integer and as many keys as the largest.
fn is_array(table: &Table) -> mlua::Result<bool> {
    let mut count: i64 = 0;
    let mut max: i64 = 0;
    for pair in table.pairs::<Value, Value>() {
        let (key, _) = pair?;
        let n = match key {
            Value::Integer(n) => n as f64,
            Value::Number(n) => n,
            _ => return Ok(false),
        };
        if n <= 0.0
            || n.is_infinite()
            || n.is_nan()
            || n > i32::MAX as f64
            || (n as i32) as f64 != n
        {
            return Ok(false);
        }
        max = max.max(n as i64);
        count += 1;
    }
    Ok(max == count)
}

/// Packs one value. Maps are walked with Lua's `next` (`next_fn`), one key held at a time: a
/// Rust-held Lua value takes a slot of mlua's limited reference stack.
fn encode_value(
    next_fn: &Function,
    out: &mut Vec<u8>,
    value: Value,
    level: usize,
) -> mlua::Result<()> {
    match value {
        Value::String(s) => encode_bytes(out, &s.as_bytes()),
        Value::Boolean(b) => out.push(if b { 0xc3 } else { 0xc2 }),
        Value::Integer(n) => encode_number(out, n as f64),
        Value::Number(n) => encode_number(out, n),
        Value::Table(t) if level < MAX_NESTING => {
            if is_array(&t)? {
                let len = t.raw_len();
                encode_len(out, len, 0x90, 15, 0xdc, 0xdd);
                for i in 1..=len {
                    encode_value(next_fn, out, t.get(i)?, level + 1)?;
                }
            } else {
                let mut len = 0;
                for pair in t.pairs::<Value, Value>() {
                    pair?;
                    len += 1;
                }
                encode_len(out, len, 0x80, 15, 0xde, 0xdf);
                let mut key = Value::Nil;
                loop {
                    let (k, v): (Value, Value) = next_fn.call((t.clone(), key))?;
                    if k.is_nil() {
                        break;
                    }
                    key = k.clone();
                    encode_value(next_fn, out, k, level + 1)?;
                    encode_value(next_fn, out, v, level + 1)?;
                }
            }
        }
        _ => out.push(0xc0),
    }
    Ok(())
}

fn pack(lua: &Lua, next_fn: &Function, args: MultiValue) -> LibResult {
    if args.is_empty() {
        return Err(arg_error(lua, 0, "MessagePack pack needs input."));
    }
    let mut out = Vec::new();
    for value in args {
        encode_value(next_fn, &mut out, value, 0)?;
    }
    results([string(lua, &out)?])
}

// ------------------------------------------------------------------------------------ unpack

enum Failure {
    Eof,
    BadFormat,
    Raise(Raise),
}

impl From<mlua::Error> for Failure {
    fn from(e: mlua::Error) -> Failure {
        Failure::Raise(e.into())
    }
}

enum Open {
    Array {
        table: Table,
        remaining: u64,
        index: i64,
    },
    Map {
        table: Table,
        remaining: u64,
        key: Option<Value>,
    },
}

struct Cursor<'a> {
    data: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Failure> {
        if self.data.len() - self.at < n {
            return Err(Failure::Eof);
        }
        let s = &self.data[self.at..self.at + n];
        self.at += n;
        Ok(s)
    }

    fn be(&mut self, n: usize) -> Result<u64, Failure> {
        Ok(self.take(n)?.iter().fold(0u64, |v, &b| v << 8 | b as u64))
    }
}

/// What one header byte starts: a complete value, or a container of `len` items.
enum Item {
    Value(Value),
    Array(u64),
    Map(u64),
}

fn item(lua: &Lua, c: &mut Cursor) -> Result<Item, Failure> {
    let first = c.take(1)?[0];
    let str_of = |c: &mut Cursor, n: usize| -> Result<Item, Failure> {
        let bytes = c.take(n)?;
        Ok(Item::Value(Value::String(lua.create_string(bytes)?)))
    };
    let number = |n: f64| Ok(Item::Value(Value::Number(n)));
    match first {
        0xcc => number(c.be(1)? as f64),
        0xd0 => number(c.be(1)? as u8 as i8 as f64),
        0xcd => number(c.be(2)? as f64),
        0xd1 => number(c.be(2)? as u16 as i16 as f64),
        0xce => number(c.be(4)? as f64),
        0xd2 => number(c.be(4)? as u32 as i32 as f64),
        // lua_pushunsigned is lua_pushinteger in Lua 5.1: the value goes through int64.
        0xcf => number(c.be(8)? as i64 as f64),
        0xd3 => number(c.be(8)? as i64 as f64),
        0xc0 => Ok(Item::Value(Value::Nil)),
        0xc3 => Ok(Item::Value(Value::Boolean(true))),
        0xc2 => Ok(Item::Value(Value::Boolean(false))),
        0xca => number(f32::from_bits(c.be(4)? as u32) as f64),
        0xcb => number(f64::from_bits(c.be(8)?)),
        0xd9 => {
            let n = c.be(1)? as usize;
            str_of(c, n)
        }
        0xda => {
            let n = c.be(2)? as usize;
            str_of(c, n)
        }
        0xdb => {
            let n = c.be(4)? as usize;
            str_of(c, n)
        }
        0xdc => Ok(Item::Array(c.be(2)?)),
        0xdd => Ok(Item::Array(c.be(4)?)),
        0xde => Ok(Item::Map(c.be(2)?)),
        0xdf => Ok(Item::Map(c.be(4)?)),
        b if b & 0x80 == 0 => number(b as f64),
        b if b & 0xe0 == 0xe0 => number(b as i8 as f64),
        b if b & 0xe0 == 0xa0 => str_of(c, (b & 0x1f) as usize),
        b if b & 0xf0 == 0x90 => Ok(Item::Array((b & 0xf) as u64)),
        b if b & 0xf0 == 0x80 => Ok(Item::Map((b & 0xf) as u64)),
        _ => Err(Failure::BadFormat),
    }
}

/// `mp_decode_to_lua_type` for one top-level value; `used` counts the Lua stack slots the C
/// code would hold, for its `luaL_checkstack` failures.
fn decode_one(lua: &Lua, c: &mut Cursor, used: &mut usize) -> Result<Value, Failure> {
    let mut stack: Vec<Open> = Vec::new();
    loop {
        if c.at == c.data.len() {
            return Err(Failure::Eof);
        }
        if *used + 1 > C_STACK_SLOTS {
            return Err(Failure::Raise(error(
                lua,
                "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            )));
        }
        let mut value = match item(lua, c)? {
            Item::Value(v) => {
                *used += 1;
                v
            }
            Item::Array(len) => {
                *used += 1;
                if *used + 1 > C_STACK_SLOTS || stack.len() >= DEPTH_CAP {
                    return Err(Failure::Raise(error(
                        lua,
                        "stack overflow (in function mp_decode_to_lua_array)",
                    )));
                }
                let table = lua.create_table()?;
                if len == 0 {
                    Value::Table(table)
                } else {
                    *used += 1;
                    stack.push(Open::Array {
                        table,
                        remaining: len,
                        index: 1,
                    });
                    continue;
                }
            }
            Item::Map(len) => {
                *used += 1;
                if stack.len() >= DEPTH_CAP {
                    return Err(Failure::Raise(error(
                        lua,
                        "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
                    )));
                }
                let table = lua.create_table()?;
                if len == 0 {
                    Value::Table(table)
                } else {
                    stack.push(Open::Map {
                        table,
                        remaining: len,
                        key: None,
                    });
                    continue;
                }
            }
        };
        loop {
            let Some(open) = stack.last_mut() else {
                return Ok(value);
            };
            match open {
                Open::Array {
                    table,
                    remaining,
                    index,
                } => {
                    table.raw_set(*index, value)?;
                    *used -= 2;
                    *index += 1;
                    *remaining -= 1;
                    if *remaining > 0 {
                        *used += 1;
                        break;
                    }
                }
                Open::Map {
                    table,
                    remaining,
                    key,
                } => {
                    let Some(k) = key.take() else {
                        *key = Some(value);
                        break;
                    };
                    match &k {
                        Value::Nil => {
                            return Err(Failure::Raise(Raise("table index is nil".into())));
                        }
                        Value::Number(n) if n.is_nan() => {
                            return Err(Failure::Raise(Raise("table index is NaN".into())));
                        }
                        _ => {}
                    }
                    table.raw_set(k, value)?;
                    *used -= 2;
                    *remaining -= 1;
                    if *remaining > 0 {
                        break;
                    }
                }
            }
            value = match stack.pop().expect("a container is open") {
                Open::Array { table, .. } | Open::Map { table, .. } => Value::Table(table),
            };
        }
    }
}

/// `mp_unpack_full`.
fn unpack_full(lua: &Lua, data: &[u8], limit: i64, offset: i64) -> LibResult {
    let decode_all = limit == 0 && offset == 0;
    let len = data.len();
    if offset < 0 || limit < 0 {
        return Err(error(
            lua,
            &format!(
                "Invalid request to unpack with offset of {offset} and limit of {}.",
                len as i32
            ),
        ));
    }
    if offset as usize > len {
        return Err(error(
            lua,
            &format!(
                "Start offset {offset} greater than input length {}.",
                len as i32
            ),
        ));
    }
    let limit = if decode_all {
        i64::from(i32::MAX)
    } else {
        limit
    };
    let mut c = Cursor {
        data,
        at: offset as usize,
    };
    // Results go straight into a table (see `Out`); the first slot is for the offset.
    let out = lua.create_table()?;
    let first = if decode_all { 1 } else { 2 };
    let mut count: i64 = 0;
    let mut used = 1;
    while c.at < len && count < limit {
        match decode_one(lua, &mut c, &mut used) {
            Ok(v) => {
                out.raw_set(first + count, v)?;
                count += 1;
            }
            Err(Failure::Eof) => return Err(error(lua, "Missing bytes in input.")),
            Err(Failure::BadFormat) => return Err(error(lua, "Bad data format in input.")),
            Err(Failure::Raise(r)) => return Err(r),
        }
    }
    if !decode_all {
        let next = if c.at == len { -1 } else { c.at as i64 };
        out.raw_set(1, next)?;
        count += 1;
    }
    Ok(Out::Table(out, count as usize))
}

/// `luaL_checkinteger` / `luaL_optinteger` kept in a C int, as the library does.
fn int(n: i64) -> i64 {
    n as i32 as i64
}

pub fn install(lua: &Lua, globals: &Table) -> mlua::Result<()> {
    let t = lua.create_table()?;
    let next_fn: Function = globals.raw_get("next")?;
    register(lua, &t, "pack", move |lua, args| pack(lua, &next_fn, args))?;
    register(lua, &t, "unpack", |lua, args| {
        let data = check_bytes(lua, &args, 1)?;
        unpack_full(lua, &data, 0, 0)
    })?;
    register(lua, &t, "unpack_one", |lua, args| {
        let offset = int(opt_integer(lua, &args, 2, 0)?);
        let data = check_bytes(lua, &args, 1)?;
        unpack_full(lua, &data, 1, offset)
    })?;
    register(lua, &t, "unpack_limit", |lua, args| {
        let limit = int(check_integer(lua, &args, 2)?);
        let offset = int(opt_integer(lua, &args, 3, 0)?);
        let data = check_bytes(lua, &args, 1)?;
        unpack_full(lua, &data, limit, offset)
    })?;
    t.raw_set("_NAME", "cmsgpack")?;
    t.raw_set("_VERSION", "lua-cmsgpack 0.4.0")?;
    t.raw_set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo")?;
    t.raw_set("_DESCRIPTION", "MessagePack C implementation for Lua")?;
    globals.raw_set("cmsgpack", t)
}
