//! `cjson.decode`: lua-cjson 2.1.0's tokenizer and parser, iterative (an explicit stack of
//! open containers), with its exact "Expected X but found Y at character N" errors. The input
//! is read as a C string (it ends at its first NUL byte), as the C library reads it.

use mlua::{Lua, Table, Value};

use super::lib_cjson::{C_STACK_SLOTS, Config, null};
use super::lib_number::strtod;
use super::lib_support::{DEPTH_CAP, Raise, error, string};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    ObjBegin,
    ObjEnd,
    ArrBegin,
    ArrEnd,
    Str,
    Number,
    Boolean,
    Null,
    Colon,
    Comma,
    End,
    Error,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::ObjBegin => "T_OBJ_BEGIN",
            Kind::ObjEnd => "T_OBJ_END",
            Kind::ArrBegin => "T_ARR_BEGIN",
            Kind::ArrEnd => "T_ARR_END",
            Kind::Str => "T_STRING",
            Kind::Number => "T_NUMBER",
            Kind::Boolean => "T_BOOLEAN",
            Kind::Null => "T_NULL",
            Kind::Colon => "T_COLON",
            Kind::Comma => "T_COMMA",
            Kind::End => "T_END",
            Kind::Error => "T_ERROR",
        }
    }
}

struct Token {
    kind: Kind,
    index: usize,
    string: Vec<u8>,
    number: f64,
    boolean: bool,
    error: &'static str,
}

struct Parser<'a> {
    data: &'a [u8],
    ptr: usize,
    invalid_numbers: bool,
}

impl Parser<'_> {
    /// The byte at `i`, as a C string reads it (0 past the end).
    fn at(&self, i: usize) -> u8 {
        self.data.get(i).copied().unwrap_or(0)
    }

    fn starts_with(&self, word: &[u8]) -> bool {
        self.data[self.ptr.min(self.data.len())..].starts_with(word)
    }

    /// `json_is_invalid_number`: JSON-invalid spellings strtod would still read.
    fn is_invalid_number(&self) -> bool {
        let mut p = self.ptr;
        if self.at(p) == b'+' {
            return true;
        }
        if self.at(p) == b'-' {
            p += 1;
        }
        let c = self.at(p);
        if c == b'0' {
            let c2 = self.at(p + 1);
            return (c2 | 0x20) == b'x' || c2.is_ascii_digit();
        } else if c <= b'9' {
            return false;
        }
        let rest = &self.data[p.min(self.data.len())..];
        let prefix = |w: &[u8]| rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(w);
        prefix(b"inf") || prefix(b"nan")
    }

    fn token(&mut self) -> Token {
        while matches!(self.at(self.ptr), b' ' | b'\t' | b'\r' | b'\n') {
            self.ptr += 1;
        }
        let mut token = Token {
            kind: Kind::Error,
            index: self.ptr,
            string: Vec::new(),
            number: 0.0,
            boolean: false,
            error: "invalid token",
        };
        let ch = self.at(self.ptr);
        let single = match ch {
            b'{' => Some(Kind::ObjBegin),
            b'}' => Some(Kind::ObjEnd),
            b'[' => Some(Kind::ArrBegin),
            b']' => Some(Kind::ArrEnd),
            b':' => Some(Kind::Colon),
            b',' => Some(Kind::Comma),
            _ => None,
        };
        if ch == 0 {
            token.kind = Kind::End;
            return token;
        }
        if let Some(kind) = single {
            token.kind = kind;
            self.ptr += 1;
            return token;
        }
        let unknown = matches!(
            ch,
            b'"' | b'-' | b'+' | b'0'..=b'9' | b'f' | b'i' | b'I' | b'n' | b'N' | b't'
        );
        if !unknown {
            return token;
        }
        if ch == b'"' {
            self.string(&mut token);
        } else if ch == b'-' || ch.is_ascii_digit() {
            if !self.invalid_numbers && self.is_invalid_number() {
                self.set_error(&mut token, "invalid number");
            } else {
                self.number(&mut token);
            }
        } else if self.starts_with(b"true") {
            token.kind = Kind::Boolean;
            token.boolean = true;
            self.ptr += 4;
        } else if self.starts_with(b"false") {
            token.kind = Kind::Boolean;
            self.ptr += 5;
        } else if self.starts_with(b"null") {
            token.kind = Kind::Null;
            self.ptr += 4;
        } else if self.invalid_numbers && self.is_invalid_number() {
            self.number(&mut token);
        }
        token
    }

    fn set_error(&self, token: &mut Token, error: &'static str) {
        token.kind = Kind::Error;
        token.index = self.ptr;
        token.error = error;
    }

    fn number(&mut self, token: &mut Token) {
        let end = self.data.iter().skip(self.ptr).position(|&b| b == 0);
        let text = match end {
            Some(n) => &self.data[self.ptr..self.ptr + n],
            None => &self.data[self.ptr..],
        };
        match strtod(text) {
            Some((n, used)) => {
                token.kind = Kind::Number;
                token.number = n;
                self.ptr += used;
            }
            None => self.set_error(token, "invalid number"),
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let mut v = 0;
        for i in 0..4 {
            let d = (self.at(at + i) as char).to_digit(16)?;
            v = v << 4 | d;
        }
        Some(v)
    }

    /// `json_append_unicode_escape`: the escape at `ptr` (`\uXXXX`, maybe a surrogate pair).
    fn unicode_escape(&mut self, out: &mut Vec<u8>) -> bool {
        let Some(mut code) = self.hex4(self.ptr + 2) else {
            return false;
        };
        let mut len = 6;
        if code & 0xF800 == 0xD800 {
            if code & 0x400 != 0 {
                return false;
            }
            if self.at(self.ptr + 6) != b'\\' || self.at(self.ptr + 7) != b'u' {
                return false;
            }
            let Some(low) = self.hex4(self.ptr + 8) else {
                return false;
            };
            if low & 0xFC00 != 0xDC00 {
                return false;
            }
            code = (((code & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
            len = 12;
        }
        let Some(c) = char::from_u32(code) else {
            return false;
        };
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        self.ptr += len;
        true
    }

    fn string(&mut self, token: &mut Token) {
        self.ptr += 1;
        let mut out = Vec::new();
        loop {
            let ch = self.at(self.ptr);
            if ch == b'"' {
                break;
            }
            if ch == 0 {
                self.set_error(token, "unexpected end of string");
                return;
            }
            let mut byte = ch;
            if ch == b'\\' {
                byte = match self.at(self.ptr + 1) {
                    b'"' => b'"',
                    b'\\' => b'\\',
                    b'/' => b'/',
                    b'b' => 8,
                    b'f' => 12,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'u' => {
                        if self.unicode_escape(&mut out) {
                            continue;
                        }
                        self.set_error(token, "invalid unicode escape code");
                        return;
                    }
                    _ => {
                        self.set_error(token, "invalid escape code");
                        return;
                    }
                };
                self.ptr += 1;
            }
            out.push(byte);
            self.ptr += 1;
        }
        self.ptr += 1;
        token.kind = Kind::Str;
        token.string = out;
    }
}

fn parse_error(lua: &Lua, expected: &str, token: &Token) -> Raise {
    let found = if token.kind == Kind::Error {
        token.error
    } else {
        token.kind.name()
    };
    error(
        lua,
        &format!(
            "Expected {expected} but found {found} at character {}",
            token.index + 1
        ),
    )
}

enum Open {
    Array { table: Table, index: i64 },
    Object { table: Table, key: Vec<u8> },
}

pub fn decode_value(lua: &Lua, cfg: &Config, data: &[u8]) -> Result<Value, Raise> {
    if data.len() >= 2 && (data[0] == 0 || data[1] == 0) {
        return Err(error(lua, "JSON parser does not support UTF-16 or UTF-32"));
    }
    let mut p = Parser {
        data,
        ptr: 0,
        invalid_numbers: cfg.decode_invalid_numbers != 0,
    };
    let mut stack: Vec<Open> = Vec::new();
    let mut used = 1;
    // `json_decode_descend`: the depth limit and the C library's Lua stack check.
    let descend = |p: &Parser, depth: usize, used: usize, slots: usize| -> Result<(), Raise> {
        if depth > cfg.decode_max_depth as usize
            || used + slots > C_STACK_SLOTS
            || depth > DEPTH_CAP
        {
            return Err(error(
                lua,
                &format!(
                    "Found too many nested data structures ({depth}) at character {}",
                    p.ptr
                ),
            ));
        }
        Ok(())
    };
    let mut token = p.token();
    let result = 'value: loop {
        let mut value = match token.kind {
            Kind::Str => string(lua, &token.string)?,
            Kind::Number => Value::Number(token.number),
            Kind::Boolean => Value::Boolean(token.boolean),
            Kind::Null => null(),
            Kind::ObjBegin => {
                descend(&p, stack.len() + 1, used, 3)?;
                let table = lua.create_table()?;
                let t = p.token();
                if t.kind == Kind::ObjEnd {
                    Value::Table(table)
                } else {
                    if t.kind != Kind::Str {
                        return Err(parse_error(lua, "object key string", &t));
                    }
                    let c = p.token();
                    if c.kind != Kind::Colon {
                        return Err(parse_error(lua, "colon", &c));
                    }
                    stack.push(Open::Object {
                        table,
                        key: t.string,
                    });
                    used += 2;
                    token = p.token();
                    continue 'value;
                }
            }
            Kind::ArrBegin => {
                descend(&p, stack.len() + 1, used, 2)?;
                let table = lua.create_table()?;
                let t = p.token();
                if t.kind == Kind::ArrEnd {
                    Value::Table(table)
                } else {
                    stack.push(Open::Array { table, index: 1 });
                    used += 1;
                    token = t;
                    continue 'value;
                }
            }
            _ => return Err(parse_error(lua, "value", &token)),
        };
        // A value is complete: put it in its container, and close what it completes.
        loop {
            let Some(open) = stack.last_mut() else {
                break 'value value;
            };
            match open {
                Open::Array { table, index } => {
                    table.raw_set(*index, value)?;
                    *index += 1;
                    let t = p.token();
                    if t.kind != Kind::ArrEnd {
                        if t.kind != Kind::Comma {
                            return Err(parse_error(lua, "comma or array end", &t));
                        }
                        token = p.token();
                        continue 'value;
                    }
                }
                Open::Object { table, key } => {
                    table.raw_set(lua.create_string(&*key)?, value)?;
                    let t = p.token();
                    if t.kind != Kind::ObjEnd {
                        if t.kind != Kind::Comma {
                            return Err(parse_error(lua, "comma or object end", &t));
                        }
                        let k = p.token();
                        if k.kind != Kind::Str {
                            return Err(parse_error(lua, "object key string", &k));
                        }
                        let c = p.token();
                        if c.kind != Kind::Colon {
                            return Err(parse_error(lua, "colon", &c));
                        }
                        *key = k.string;
                        token = p.token();
                        continue 'value;
                    }
                }
            }
            let done = stack.pop().expect("a container is open");
            value = match done {
                Open::Array { table, .. } => {
                    used -= 1;
                    Value::Table(table)
                }
                Open::Object { table, .. } => {
                    used -= 2;
                    Value::Table(table)
                }
            };
        }
    };
    let t = p.token();
    if t.kind != Kind::End {
        return Err(parse_error(lua, "the end", &t));
    }
    Ok(result)
}
