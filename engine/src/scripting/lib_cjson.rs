//! The `cjson` library (lua-cjson 2.1.0, as Redis bundles it): `cjson.encode`,
//! `cjson.decode`, the configuration functions, `cjson.new` and `cjson.null`.
//!
//! Behaviour follows lua-cjson for everything a script can observe: numbers encode with
//! `%.14g` (`encode_number_precision`), `/` is escaped, sparse arrays follow
//! `encode_sparse_array` (ratio 2, safe 10 by default; "excessively sparse array" otherwise),
//! objects list keys in Lua's `next` order (the same Lua 5.1 hash layout as Redis's), and
//! decoding takes the input as a C string (it ends at a NUL byte) with lua-cjson's exact
//! "Expected X but found Y at character N" errors. Configuration persists in the Lua state
//! across runs, as in Redis.
//!
//! Decoding lives in `lib_cjson_decode.rs`. Both directions are iterative, not recursive,
//! so a deep document cannot exhaust the native stack; depth limits reproduce the C library's
//! (its `lua_checkstack` failures included) up to `lib_support::DEPTH_CAP`.

use std::sync::{Arc, Mutex};

use mlua::{Function, LightUserData, Lua, MultiValue, Table, Value};

use super::lib_cjson_decode::decode_value;
use super::lib_number::format_g;
use super::lib_support::{
    DEPTH_CAP, Raise, arg_error, check_bytes, error, lua_type_name, register, results, string,
    to_number,
};

/// `LUAI_MAXCSTACK`: the Lua stack slots a C function may use.
pub(super) const C_STACK_SLOTS: usize = 8000;

#[derive(Clone, Copy)]
pub(super) struct Config {
    sparse_convert: i32,
    sparse_ratio: i32,
    sparse_safe: i32,
    encode_max_depth: i32,
    pub(super) decode_max_depth: i32,
    precision: i32,
    keep_buffer: i32,
    encode_invalid_numbers: i32,
    pub(super) decode_invalid_numbers: i32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            sparse_convert: 0,
            sparse_ratio: 2,
            sparse_safe: 10,
            encode_max_depth: 1000,
            decode_max_depth: 1000,
            precision: 14,
            keep_buffer: 1,
            encode_invalid_numbers: 0,
            decode_invalid_numbers: 1,
        }
    }
}

type Shared = Arc<Mutex<Config>>;

fn config(shared: &Shared) -> Config {
    *shared.lock().unwrap_or_else(|p| p.into_inner())
}

pub(super) fn null() -> Value {
    Value::LightUserData(LightUserData(std::ptr::null_mut()))
}

// ------------------------------------------------------------------------------------ encode

/// Escapes for bytes below 128 (`None`: the byte itself).
fn escape(byte: u8) -> Option<&'static str> {
    const LOW: [&str; 32] = [
        "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
        "\\b", "\\t", "\\n", "\\u000b", "\\f", "\\r", "\\u000e", "\\u000f", "\\u0010", "\\u0011",
        "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017", "\\u0018", "\\u0019",
        "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
    ];
    match byte {
        0..=31 => Some(LOW[byte as usize]),
        b'"' => Some("\\\""),
        b'\\' => Some("\\\\"),
        b'/' => Some("\\/"),
        127 => Some("\\u007f"),
        _ => None,
    }
}

fn append_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    for &b in bytes {
        match escape(b) {
            Some(e) => out.extend_from_slice(e.as_bytes()),
            None => out.push(b),
        }
    }
    out.push(b'"');
}

fn append_number(lua: &Lua, cfg: &Config, out: &mut Vec<u8>, n: f64) -> Result<(), Raise> {
    if n.is_nan() || n.is_infinite() {
        match cfg.encode_invalid_numbers {
            0 => {
                return Err(error(
                    lua,
                    "Cannot serialise number: must not be NaN or Inf",
                ));
            }
            // Redis's build prints them as printf does.
            1 => {
                let text = if n.is_nan() {
                    "nan"
                } else if n < 0.0 {
                    "-inf"
                } else {
                    "inf"
                };
                out.extend_from_slice(text.as_bytes());
                return Ok(());
            }
            _ => {
                out.extend_from_slice(b"null");
                return Ok(());
            }
        }
    }
    out.extend_from_slice(format_g(n, cfg.precision as usize).as_bytes());
    Ok(())
}

/// `lua_array_length`: the array length, or `None` to encode the table as an object.
fn array_length(lua: &Lua, cfg: &Config, table: &Table) -> Result<Option<usize>, Raise> {
    // The C code keeps the maximum in an int: a key past i32::MAX becomes i32::MIN there
    // (x86's conversion), and the table then encodes as an object.
    let mut max: i32 = 0;
    let mut items: f64 = 0.0;
    for pair in table.pairs::<Value, Value>() {
        let (key, _) = pair?;
        let k = match key {
            Value::Integer(n) => n as f64,
            Value::Number(n) => n,
            _ => return Ok(None),
        };
        if k.floor() != k || k < 1.0 {
            return Ok(None);
        }
        if k > max as f64 {
            max = if k >= 2_147_483_648.0 {
                i32::MIN
            } else {
                k as i32
            };
        }
        items += 1.0;
    }
    let max_f = max as f64;
    if cfg.sparse_ratio > 0 && max_f > items * cfg.sparse_ratio as f64 && max > cfg.sparse_safe {
        if cfg.sparse_convert == 0 {
            return Err(error(
                lua,
                "Cannot serialise table: excessively sparse array",
            ));
        }
        return Ok(None);
    }
    Ok(if max > 0 { Some(max as usize) } else { None })
}

enum Frame {
    Array {
        table: Table,
        len: usize,
        next: usize,
    },
    /// Walked with Lua's `next` (one key held at a time, not all of them: see `Out`).
    Object {
        table: Table,
        key: Value,
        first: bool,
    },
}

impl Frame {
    fn slots(&self) -> usize {
        match self {
            Frame::Array { .. } => 1,
            Frame::Object { .. } => 2,
        }
    }
}

fn encode_value(
    lua: &Lua,
    cfg: &Config,
    next_fn: &Function,
    value: Value,
) -> Result<Vec<u8>, Raise> {
    let mut out = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut used = 1;
    let mut pending = Some(value);
    loop {
        if let Some(value) = pending.take() {
            match value {
                Value::String(s) => append_string(&mut out, &s.as_bytes()),
                Value::Integer(n) => append_number(lua, cfg, &mut out, n as f64)?,
                Value::Number(n) => append_number(lua, cfg, &mut out, n)?,
                Value::Boolean(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
                Value::Nil => out.extend_from_slice(b"null"),
                Value::LightUserData(p) if p.0.is_null() => out.extend_from_slice(b"null"),
                Value::Table(table) => {
                    let depth = stack.len() + 1;
                    if depth > cfg.encode_max_depth as usize
                        || used + 3 > C_STACK_SLOTS
                        || depth > DEPTH_CAP
                    {
                        return Err(error(
                            lua,
                            &format!("Cannot serialise, excessive nesting ({depth})"),
                        ));
                    }
                    let frame = match array_length(lua, cfg, &table)? {
                        Some(len) => {
                            out.push(b'[');
                            Frame::Array {
                                table,
                                len,
                                next: 1,
                            }
                        }
                        None => {
                            out.push(b'{');
                            Frame::Object {
                                table,
                                key: Value::Nil,
                                first: true,
                            }
                        }
                    };
                    used += frame.slots();
                    stack.push(frame);
                }
                other => {
                    return Err(error(
                        lua,
                        &format!(
                            "Cannot serialise {}: type not supported",
                            lua_type_name(&other)
                        ),
                    ));
                }
            }
        }
        let Some(top) = stack.last_mut() else {
            break;
        };
        match top {
            Frame::Array { table, len, next } => {
                if *next > *len {
                    out.push(b']');
                } else {
                    if *next > 1 {
                        out.push(b',');
                    }
                    pending = Some(table.raw_get(*next)?);
                    *next += 1;
                    continue;
                }
            }
            Frame::Object {
                table,
                key: current,
                first,
            } => {
                let (key, value): (Value, Value) =
                    next_fn.call((table.clone(), current.clone()))?;
                if key.is_nil() {
                    out.push(b'}');
                } else {
                    if !*first {
                        out.push(b',');
                    }
                    *first = false;
                    *current = key.clone();
                    match key {
                        Value::Integer(n) => {
                            out.push(b'"');
                            append_number(lua, cfg, &mut out, n as f64)?;
                            out.extend_from_slice(b"\":");
                        }
                        Value::Number(n) => {
                            out.push(b'"');
                            append_number(lua, cfg, &mut out, n)?;
                            out.extend_from_slice(b"\":");
                        }
                        Value::String(s) => {
                            append_string(&mut out, &s.as_bytes());
                            out.push(b':');
                        }
                        other => {
                            return Err(error(
                                lua,
                                &format!(
                                    "Cannot serialise {}: table key must be a number or string",
                                    lua_type_name(&other)
                                ),
                            ));
                        }
                    }
                    pending = Some(value);
                    continue;
                }
            }
        }
        let done = stack.pop().expect("a frame is on the stack");
        used -= done.slots();
    }
    Ok(out)
}

// ------------------------------------------------------------------------------ configuration

fn arg_count(lua: &Lua, args: &MultiValue, max: usize) -> Result<(), Raise> {
    if args.len() > max {
        return Err(arg_error(lua, max + 1, "found too many arguments"));
    }
    Ok(())
}

/// `json_enum_option`: a boolean or one of `options`; replies a boolean for 0 and 1.
fn enum_option(
    lua: &Lua,
    args: &MultiValue,
    index: usize,
    setting: &mut i32,
    options: &[&str],
) -> Result<Value, Raise> {
    match args.get(index - 1) {
        None | Some(Value::Nil) => {}
        Some(Value::Boolean(b)) => *setting = *b as i32,
        Some(_) => {
            let name = check_bytes(lua, args, index)?;
            let Some(i) = options.iter().position(|o| o.as_bytes() == name.as_slice()) else {
                let name = String::from_utf8_lossy(&name);
                return Err(arg_error(lua, index, &format!("invalid option '{name}'")));
            };
            *setting = i as i32;
        }
    }
    Ok(if *setting <= 1 {
        Value::Boolean(*setting == 1)
    } else {
        string(lua, options[*setting as usize].as_bytes())?
    })
}

/// `json_integer_option`: an integer in `min..=max` (the C code names argument 1 whatever
/// the position, and keeps the value in an int).
fn integer_option(
    lua: &Lua,
    args: &MultiValue,
    index: usize,
    setting: &mut i32,
    min: i32,
    max: i32,
) -> Result<Value, Raise> {
    match args.get(index - 1) {
        None | Some(Value::Nil) => {}
        Some(v) => {
            let Some(n) = to_number(lua, v) else {
                let got = lua_type_name(v);
                return Err(arg_error(
                    lua,
                    index,
                    &format!("number expected, got {got}"),
                ));
            };
            let value = n as i64 as i32;
            if value < min || value > max {
                return Err(arg_error(
                    lua,
                    1,
                    &format!("expected integer between {min} and {max}"),
                ));
            }
            *setting = value;
        }
    }
    Ok(Value::Number(*setting as f64))
}

type Setter = fn(&Lua, &MultiValue, &mut Config) -> Result<Vec<Value>, Raise>;

const BOOL_OPTIONS: &[&str] = &["off", "on"];

fn module(lua: &Lua, next_fn: Function) -> mlua::Result<Table> {
    let shared: Shared = Arc::new(Mutex::new(Config::default()));
    let t = lua.create_table()?;
    let cfg = shared.clone();
    let next = next_fn.clone();
    register(lua, &t, "encode", move |lua, args| {
        if args.len() != 1 {
            return Err(arg_error(lua, 1, "expected 1 argument"));
        }
        let out = encode_value(lua, &config(&cfg), &next_fn, args[0].clone())?;
        results([string(lua, &out)?])
    })?;
    let cfg = shared.clone();
    register(lua, &t, "decode", move |lua, args| {
        if args.len() != 1 {
            return Err(arg_error(lua, 1, "expected 1 argument"));
        }
        let data = check_bytes(lua, &args, 1)?;
        results([decode_value(lua, &config(&cfg), &data)?])
    })?;
    let setters: [(&str, usize, Setter); 7] = [
        ("encode_sparse_array", 3, |lua, args, c| {
            Ok(vec![
                enum_option(lua, args, 1, &mut c.sparse_convert, BOOL_OPTIONS)?,
                integer_option(lua, args, 2, &mut c.sparse_ratio, 0, i32::MAX)?,
                integer_option(lua, args, 3, &mut c.sparse_safe, 0, i32::MAX)?,
            ])
        }),
        ("encode_max_depth", 1, |lua, args, c| {
            Ok(vec![integer_option(
                lua,
                args,
                1,
                &mut c.encode_max_depth,
                1,
                i32::MAX,
            )?])
        }),
        ("decode_max_depth", 1, |lua, args, c| {
            Ok(vec![integer_option(
                lua,
                args,
                1,
                &mut c.decode_max_depth,
                1,
                i32::MAX,
            )?])
        }),
        ("encode_number_precision", 1, |lua, args, c| {
            Ok(vec![integer_option(lua, args, 1, &mut c.precision, 1, 14)?])
        }),
        ("encode_keep_buffer", 1, |lua, args, c| {
            Ok(vec![enum_option(
                lua,
                args,
                1,
                &mut c.keep_buffer,
                BOOL_OPTIONS,
            )?])
        }),
        ("encode_invalid_numbers", 1, |lua, args, c| {
            Ok(vec![enum_option(
                lua,
                args,
                1,
                &mut c.encode_invalid_numbers,
                &["off", "on", "null"],
            )?])
        }),
        ("decode_invalid_numbers", 1, |lua, args, c| {
            Ok(vec![enum_option(
                lua,
                args,
                1,
                &mut c.decode_invalid_numbers,
                BOOL_OPTIONS,
            )?])
        }),
    ];
    for (name, max_args, setter) in setters {
        let cfg = shared.clone();
        register(lua, &t, name, move |lua, args| {
            arg_count(lua, &args, max_args)?;
            // As in C, the options before a bad argument keep their new values.
            let mut c = config(&cfg);
            let values = setter(lua, &args, &mut c);
            *cfg.lock().unwrap_or_else(|p| p.into_inner()) = c;
            results(values?)
        })?;
    }
    register(lua, &t, "new", move |lua, _args| {
        results([Value::Table(module(lua, next.clone())?)])
    })?;
    t.raw_set("null", null())?;
    t.raw_set("_NAME", "cjson")?;
    t.raw_set("_VERSION", "2.1.0")?;
    Ok(t)
}

pub fn install(lua: &Lua, globals: &Table) -> mlua::Result<()> {
    let next_fn: Function = globals.raw_get("next")?;
    globals.raw_set("cjson", module(lua, next_fn)?)
}
