//! Redis's type conversions between RESP and Lua, both directions, as Redis 7.0 defines them.
//!
//! RESP -> Lua (what `redis.call` returns), from the bytes a command replied in the script's
//! protocol (`redis.setresp`): integer -> number; bulk -> string; null bulk / null array ->
//! `false` in RESP2; array -> table; status -> `{ok=...}`; error -> `{err=...}`; and in RESP3
//! null -> `nil`, boolean -> boolean, double -> `{double=n}`, big number -> `{big_number=s}`,
//! verbatim -> `{verbatim_string={format=f, string=s}}`, map -> `{map={...}}`, set ->
//! `{set={member=true}}`.
//!
//! Lua -> RESP (what a script returns), in the caller's protocol: string -> bulk; number ->
//! integer (C's truncating cast, so out-of-range and NaN give i64::MIN); boolean -> `:1`/null
//! (in RESP3 as well, as Redis 7.0 does); table with `err` / `ok` / `double` / `big_number` / `map` /
//! `set` fields -> that type; other table -> array up to the first nil; anything else -> null.

use mlua::{Lua, Table, Value};

use crate::resp::Reply;

/// How deep a returned table may nest before the reply is cut with an error (Redis stops at
/// Lua's C stack limit; cyclic tables would otherwise recurse forever).
const DEPTH_MAX: usize = 1000;

/// A parsed RESP reply: the Lua value, and the error text if it was an error reply.
pub fn resp_to_lua(lua: &Lua, bytes: &[u8]) -> mlua::Result<(Value, Option<String>)> {
    let mut cursor = Cursor { bytes, pos: 0 };
    if bytes.first() == Some(&b'-') {
        let line = cursor.line();
        return Ok((
            Value::Nil,
            Some(String::from_utf8_lossy(&line[1..]).into_owned()),
        ));
    }
    let value = cursor.value(lua)?;
    Ok((value, None))
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// The next line without its CRLF (our own replies are always well formed).
    fn line(&mut self) -> &'a [u8] {
        let rest = &self.bytes[self.pos..];
        let end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("replies are CRLF-terminated");
        self.pos += end + 2;
        &rest[..end]
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let data = &self.bytes[self.pos..self.pos + n];
        self.pos += n + 2;
        data
    }

    fn value(&mut self, lua: &Lua) -> mlua::Result<Value> {
        let line = self.line();
        let (kind, rest) = (line[0], &line[1..]);
        let int = |text: &[u8]| -> i64 {
            std::str::from_utf8(text)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0)
        };
        Ok(match kind {
            b'+' => {
                let t = lua.create_table()?;
                t.set("ok", lua.create_string(rest)?)?;
                Value::Table(t)
            }
            b'-' => {
                let t = lua.create_table()?;
                t.set("err", lua.create_string(rest)?)?;
                Value::Table(t)
            }
            b':' => Value::Number(int(rest) as f64),
            b'$' => {
                let n = int(rest);
                if n < 0 {
                    Value::Boolean(false)
                } else {
                    Value::String(lua.create_string(self.take(n as usize))?)
                }
            }
            b'*' => {
                let n = int(rest);
                if n < 0 {
                    return Ok(Value::Boolean(false));
                }
                let t = lua.create_table()?;
                for i in 1..=n {
                    let v = self.value(lua)?;
                    t.raw_set(i, v)?;
                }
                Value::Table(t)
            }
            b'>' => {
                let t = lua.create_table()?;
                for i in 1..=int(rest) {
                    let v = self.value(lua)?;
                    t.raw_set(i, v)?;
                }
                Value::Table(t)
            }
            b'_' => Value::Nil,
            b'#' => Value::Boolean(rest == b"t"),
            b',' => {
                let t = lua.create_table()?;
                let d = crate::util::parse_f64(rest).unwrap_or(0.0);
                t.set("double", d)?;
                Value::Table(t)
            }
            b'(' => {
                let t = lua.create_table()?;
                t.set("big_number", lua.create_string(rest)?)?;
                Value::Table(t)
            }
            b'=' => {
                let data = self.take(int(rest) as usize);
                let (format, text) = data.split_at(data.len().min(3));
                let inner = lua.create_table()?;
                inner.set("format", lua.create_string(format)?)?;
                inner.set(
                    "string",
                    lua.create_string(text.get(1..).unwrap_or_default())?,
                )?;
                let t = lua.create_table()?;
                t.set("verbatim_string", inner)?;
                Value::Table(t)
            }
            b'%' => {
                let map = lua.create_table()?;
                for _ in 0..int(rest) {
                    let k = self.value(lua)?;
                    let v = self.value(lua)?;
                    map.raw_set(k, v)?;
                }
                let t = lua.create_table()?;
                t.set("map", map)?;
                Value::Table(t)
            }
            b'~' => {
                let set = lua.create_table()?;
                for _ in 0..int(rest) {
                    let k = self.value(lua)?;
                    set.raw_set(k, true)?;
                }
                let t = lua.create_table()?;
                t.set("set", set)?;
                Value::Table(t)
            }
            b'|' => {
                // Attributes carry no data a script sees: skip them, then read the value.
                for _ in 0..int(rest) * 2 {
                    self.value(lua)?;
                }
                self.value(lua)?
            }
            _ => Value::Nil,
        })
    }
}

/// C's `(long long)` cast of a double on x86-64: truncation, and i64::MIN for NaN and
/// anything out of range (Redis replies exactly that).
pub fn lua_number_to_i64(n: f64) -> i64 {
    if n.is_nan() || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&n) {
        i64::MIN
    } else {
        n as i64
    }
}

/// Writes a script's return value as a reply; `script_resp3` after `redis.setresp(3)`.
pub fn lua_to_reply(out: &mut Reply, value: &Value, script_resp3: bool) {
    write_value(out, value, 0, script_resp3);
}

fn write_value(out: &mut Reply, value: &Value, depth: usize, script_resp3: bool) {
    if depth > DEPTH_MAX {
        return out.error("ERR reached lua stack limit");
    }
    match value {
        Value::String(s) => out.bulk(&s.as_bytes()),
        Value::Integer(n) => out.int(*n),
        Value::Number(n) => out.int(lua_number_to_i64(*n)),
        // As Redis 7.0: booleans follow the script's protocol (`redis.setresp`), not the
        // caller's: after setresp(3) they are RESP booleans (`:1`/`:0` to a RESP2 caller).
        Value::Boolean(b) if script_resp3 => out.boolean(*b),
        Value::Boolean(true) => out.int(1),
        Value::Boolean(false) => out.null(),
        Value::Table(t) => write_table(out, t, depth, script_resp3),
        _ => out.null(),
    }
}

fn string_field(t: &Table, name: &str) -> Option<Vec<u8>> {
    match t.raw_get::<Value>(name).ok()? {
        Value::String(s) => Some(s.as_bytes().to_vec()),
        _ => None,
    }
}

fn write_table(out: &mut Reply, t: &Table, depth: usize, script_resp3: bool) {
    if let Some(err) = string_field(t, "err") {
        return out.error(err);
    }
    if let Some(ok) = string_field(t, "ok") {
        let text: Vec<u8> = ok
            .iter()
            .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
            .collect();
        out.raw(b"+");
        out.raw(&text);
        return out.raw(b"\r\n");
    }
    match t.raw_get::<Value>("double") {
        Ok(Value::Number(d)) => return out.double(d),
        Ok(Value::Integer(d)) => return out.double(d as f64),
        _ => {}
    }
    if let Some(big) = string_field(t, "big_number") {
        if out.resp3() {
            out.raw(b"(");
            out.raw(&big);
            return out.raw(b"\r\n");
        }
        return out.bulk(&big);
    }
    if let Ok(Value::Table(map)) = t.raw_get::<Value>("map") {
        let pairs: Vec<(Value, Value)> = map.pairs::<Value, Value>().flatten().collect();
        out.map(pairs.len());
        for (k, v) in &pairs {
            write_value(out, k, depth + 1, script_resp3);
            write_value(out, v, depth + 1, script_resp3);
        }
        return;
    }
    if let Ok(Value::Table(set)) = t.raw_get::<Value>("set") {
        let members: Vec<Value> = set
            .pairs::<Value, Value>()
            .flatten()
            .map(|(k, _)| k)
            .collect();
        out.set(members.len());
        for k in &members {
            write_value(out, k, depth + 1, script_resp3);
        }
        return;
    }
    let mut items = Vec::new();
    for i in 1.. {
        match t.raw_get::<Value>(i) {
            Ok(Value::Nil) | Err(_) => break,
            Ok(v) => items.push(v),
        }
    }
    out.array(items.len());
    for item in &items {
        write_value(out, item, depth + 1, script_resp3);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_truncation_follows_c() {
        assert_eq!(lua_number_to_i64(1.9), 1);
        assert_eq!(lua_number_to_i64(-1.9), -1);
        assert_eq!(lua_number_to_i64(-0.5), 0);
        assert_eq!(lua_number_to_i64(3.99e20), i64::MIN);
        assert_eq!(lua_number_to_i64(f64::NAN), i64::MIN);
        assert_eq!(lua_number_to_i64(f64::INFINITY), i64::MIN);
    }
}
