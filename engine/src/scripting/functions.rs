//! FUNCTION libraries: `#!lua name=lib` code that registers functions with
//! `redis.register_function`, kept in their own Lua state (as Redis keeps them apart from
//! EVAL's), and the FUNCTION DUMP / RESTORE payload.
//!
//! The payload is Ferrite's own, not Redis's RDB encoding (which would need Redis's RDB
//! object format and LZF compression for no benefit: a payload only has to restore in
//! Ferrite): `FRFN` + version byte, then per library its code as a 4-byte little-endian
//! length and the bytes, then a CRC-64 (Jones, as Redis's DUMP uses) of everything before it.
//! Libraries are restored by loading their code again.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use mlua::{Function as LuaFunction, Table, Value};

use super::Shared;
use super::shebang::{self, ScriptFlags};
use super::vm::{Kind, Vm};

const PAYLOAD_MAGIC: &[u8; 4] = b"FRFN";
const PAYLOAD_VERSION: u8 = 1;

pub struct Function {
    pub name: String,
    pub callback: LuaFunction,
    pub flags: ScriptFlags,
    pub description: Option<String>,
}

pub struct Library {
    pub name: String,
    pub code: Bytes,
    /// By function name.
    pub functions: BTreeMap<String, Function>,
}

/// How long FUNCTION LOAD lets library code run (Redis's `LOAD_TIMEOUT_MS`, 500 ms).
const LOAD_TIMEOUT_US: u64 = 500_000;

pub struct Libraries {
    pub vm: Vm,
    /// By library name.
    pub libraries: BTreeMap<String, Library>,
    /// Function name -> library name.
    index: BTreeMap<String, String>,
    /// The `redis` table library code sees while it loads.
    load_redis: Table,
    /// For the load-time limit (`Shared::load_deadline_mono_us`).
    shared: Arc<Shared>,
}

/// Counts FUNCTION STATS reports without taking the libraries' lock (a function may be
/// running with it held).
#[derive(Debug, Default)]
pub struct Counts {
    pub libraries: AtomicUsize,
    pub functions: AtomicUsize,
}

/// How FUNCTION RESTORE treats libraries that already exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestorePolicy {
    Append,
    Replace,
    Flush,
}

const LOAD_REDIS: &str = r#"
local source, G = ...
local t = setmetatable({}, {
  __index = function(_, k)
    local v = source[k]
    if v == nil then
      error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
    end
    return v
  end,
  __newindex = function() error('Attempt to modify a readonly table', 2) end,
  __metatable = {},
})
return t
"#;

impl Libraries {
    pub fn new(shared: Arc<Shared>) -> Libraries {
        let vm = Vm::new(shared.clone(), Kind::Function).expect("a fresh Lua state builds");
        let load_redis = build_load_redis(&vm).expect("the load-time table builds");
        Libraries {
            vm,
            libraries: BTreeMap::new(),
            index: BTreeMap::new(),
            load_redis,
            shared,
        }
    }

    pub fn function(&self, name: &str) -> Option<&Function> {
        let library = self.index.get(name)?;
        self.libraries.get(library)?.functions.get(name)
    }

    fn publish_counts(&self, counts: &Counts) {
        counts
            .libraries
            .store(self.libraries.len(), Ordering::Relaxed);
        counts.functions.store(self.index.len(), Ordering::Relaxed);
    }

    /// FUNCTION LOAD: compiles and runs the library code, and registers what it registered.
    pub fn load(&mut self, code: &[u8], replace: bool, counts: &Counts) -> Result<String, String> {
        let name = shebang::parse_library(code)?;
        if !shebang::valid_name(name.as_bytes()) {
            return Err("ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long".into());
        }
        if self.libraries.contains_key(&name) && !replace {
            return Err(format!("ERR Library '{name}' already exists"));
        }
        let chunk = self
            .vm
            .compile(code)
            .map_err(|e| format!("ERR Error compiling function: {e}"))?;
        let functions = self.run_registration(&chunk)?;
        if functions.is_empty() {
            return Err("ERR No functions registered".into());
        }
        for function in functions.keys() {
            if let Some(owner) = self.index.get(function)
                && *owner != name
            {
                return Err(format!("ERR Function {function} already exists"));
            }
        }
        self.remove(&name);
        for function in functions.keys() {
            self.index.insert(function.clone(), name.clone());
        }
        self.libraries.insert(
            name.clone(),
            Library {
                name: name.clone(),
                code: Bytes::copy_from_slice(code),
                functions,
            },
        );
        self.publish_counts(counts);
        Ok(name)
    }

    /// Runs library code with the load-time `redis` table, collecting registrations.
    fn run_registration(&self, chunk: &LuaFunction) -> Result<BTreeMap<String, Function>, String> {
        let lua = &self.vm.lua;
        let registered: RefCell<BTreeMap<String, Function>> = RefCell::new(BTreeMap::new());
        let outcome = lua.scope(|scope| {
            let register = scope.create_function(|lua, args: mlua::MultiValue| {
                register_function(lua, &registered, args)
            })?;
            // A raw field on the proxy: found before its erroring `__index` is consulted.
            self.load_redis.raw_set("register_function", register)?;
            self.vm.globals.raw_set("redis", self.load_redis.clone())?;
            // Redis gives library code 500 ms to load (checked by the instruction hook).
            let deadline = self
                .shared
                .now()
                .map_or(0, |now| now.mono_us + LOAD_TIMEOUT_US);
            self.shared
                .load_deadline_mono_us
                .store(deadline, Ordering::SeqCst);
            let result =
                self.vm
                    .runner
                    .call::<mlua::MultiValue>((chunk.clone(), Value::Nil, Value::Nil));
            self.shared.load_deadline_mono_us.store(0, Ordering::SeqCst);
            self.vm.globals.raw_set("redis", self.vm.redis.clone())?;
            self.load_redis.raw_set("register_function", Value::Nil)?;
            result
        });
        let values = outcome.map_err(|e| format!("ERR Error registering functions: {e}"))?;
        let mut values = values.into_iter();
        if !matches!(values.next(), Some(Value::Boolean(true))) {
            let message = match values.next() {
                Some(Value::Table(t)) => t.raw_get::<String>("err").unwrap_or_default(),
                _ => "ERR unknown error".into(),
            };
            return Err(format!("ERR Error registering functions: {message}"));
        }
        Ok(registered.into_inner())
    }

    /// Removes a library and its functions; false if there was none.
    fn remove(&mut self, name: &str) -> bool {
        let Some(library) = self.libraries.remove(name) else {
            return false;
        };
        for function in library.functions.keys() {
            self.index.remove(function);
        }
        true
    }

    pub fn delete(&mut self, name: &str, counts: &Counts) -> bool {
        let removed = self.remove(name);
        self.publish_counts(counts);
        removed
    }

    pub fn flush(&mut self, counts: &Counts) {
        self.libraries.clear();
        self.index.clear();
        self.publish_counts(counts);
    }

    /// Every library's source, in name order (snapshots persist these).
    pub fn codes(&self) -> Vec<Vec<u8>> {
        self.libraries.values().map(|l| l.code.to_vec()).collect()
    }

    /// FUNCTION DUMP.
    pub fn dump(&self) -> Vec<u8> {
        let mut out = PAYLOAD_MAGIC.to_vec();
        out.push(PAYLOAD_VERSION);
        for library in self.libraries.values() {
            out.extend_from_slice(&(library.code.len() as u32).to_le_bytes());
            out.extend_from_slice(&library.code);
        }
        let crc = crc64(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// FUNCTION RESTORE: all or nothing.
    pub fn restore(
        &mut self,
        payload: &[u8],
        policy: RestorePolicy,
        counts: &Counts,
    ) -> Result<(), String> {
        let codes = parse_payload(payload)
            .ok_or_else(|| "ERR DUMP payload version or checksum are wrong".to_string())?;
        // Validate against a scratch copy of the names first so a failure changes nothing.
        let mut names = Vec::with_capacity(codes.len());
        for code in &codes {
            names.push(shebang::parse_library(code)?);
        }
        if policy == RestorePolicy::Append
            && let Some(existing) = names.iter().find(|n| self.libraries.contains_key(*n))
        {
            return Err(format!("ERR Library {existing} already exists"));
        }
        let saved: Vec<(String, Bytes)> = self
            .libraries
            .values()
            .map(|l| (l.name.clone(), l.code.clone()))
            .collect();
        if policy == RestorePolicy::Flush {
            self.flush(counts);
        }
        for code in &codes {
            if let Err(error) = self.load(code, policy != RestorePolicy::Append, counts) {
                // Put back what was there.
                self.flush(counts);
                for (_, code) in &saved {
                    let _ = self.load(code, true, counts);
                }
                return Err(error);
            }
        }
        Ok(())
    }
}

fn build_load_redis(vm: &Vm) -> mlua::Result<Table> {
    let lua = &vm.lua;
    let source = lua.create_table()?;
    // What library code may use while it loads: registering, logging, constants.
    for name in [
        "log",
        "LOG_DEBUG",
        "LOG_VERBOSE",
        "LOG_NOTICE",
        "LOG_WARNING",
        "REDIS_VERSION",
        "REDIS_VERSION_NUM",
        "setresp",
        "sha1hex",
        "error_reply",
        "status_reply",
    ] {
        source.raw_set(name, vm.redis.get::<Value>(name)?)?;
    }
    lua.load(LOAD_REDIS)
        .set_name(super::vm::INTERNAL_CHUNK)
        .call((source, vm.globals.clone()))
}

fn register_function(
    lua: &mlua::Lua,
    registered: &RefCell<BTreeMap<String, Function>>,
    args: mlua::MultiValue,
) -> mlua::Result<()> {
    let raise =
        |text: &str| -> mlua::Result<()> { Err(mlua::Error::RuntimeError(text.to_string())) };
    let (name, callback, flags, description) = match args.len() {
        1 => {
            let Some(Value::Table(spec)) = args.front() else {
                return raise(
                    "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).",
                );
            };
            let mut name = None;
            let mut callback = None;
            let mut flags = ScriptFlags::default();
            let mut description = None;
            for pair in spec.pairs::<String, Value>() {
                let (key, value) = pair?;
                match key.as_str() {
                    "function_name" => match value {
                        Value::String(s) => name = Some(s.to_string_lossy()),
                        _ => {
                            return raise(
                                "function_name argument given to redis.register_function must be a string",
                            );
                        }
                    },
                    "callback" => match value {
                        Value::Function(f) => callback = Some(f),
                        _ => {
                            return raise(
                                "callback argument given to redis.register_function must be a function",
                            );
                        }
                    },
                    "flags" => match value {
                        Value::Table(list) => {
                            for flag in list.sequence_values::<Value>() {
                                let ok = match flag? {
                                    Value::String(s) => flags.set(&s.as_bytes()),
                                    _ => false,
                                };
                                if !ok {
                                    return raise("unknown flag given");
                                }
                            }
                        }
                        _ => {
                            return raise(
                                "flags argument to redis.register_function must be a table representing function flags",
                            );
                        }
                    },
                    "description" => match value {
                        Value::String(s) => description = Some(s.to_string_lossy()),
                        _ => {
                            return raise(
                                "description argument given to redis.register_function must be a string",
                            );
                        }
                    },
                    other => {
                        return raise(&format!(
                            "unknown argument given to redis.register_function: {other}"
                        ));
                    }
                }
            }
            let Some(name) = name else {
                return raise("redis.register_function must get a function name argument");
            };
            let Some(callback) = callback else {
                return raise("redis.register_function must get a callback argument");
            };
            (name, callback, flags, description)
        }
        2 => {
            let name = match &args[0] {
                Value::String(s) => s.to_string_lossy(),
                _ => return raise("first argument to redis.register_function must be a string"),
            };
            let Value::Function(callback) = &args[1] else {
                return raise("second argument to redis.register_function must be a function");
            };
            (name, callback.clone(), ScriptFlags::default(), None)
        }
        _ => return raise("wrong number of arguments to redis.register_function"),
    };
    let _ = lua;
    if !shebang::valid_name(name.as_bytes()) {
        return raise(
            "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long",
        );
    }
    let mut registered = registered.borrow_mut();
    if registered.contains_key(&name) {
        return raise("Function already exists in the library");
    }
    registered.insert(
        name.clone(),
        Function {
            name,
            callback,
            flags,
            description,
        },
    );
    Ok(())
}

fn parse_payload(payload: &[u8]) -> Option<Vec<Vec<u8>>> {
    if payload.len() < PAYLOAD_MAGIC.len() + 1 + 8 || &payload[..4] != PAYLOAD_MAGIC {
        return None;
    }
    let (body, crc) = payload.split_at(payload.len() - 8);
    if crc64(body).to_le_bytes() != crc || body[4] != PAYLOAD_VERSION {
        return None;
    }
    let mut rest = &body[5..];
    let mut codes = Vec::new();
    while !rest.is_empty() {
        let len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let code = rest.get(4..4 + len)?;
        codes.push(code.to_vec());
        rest = &rest[4 + len..];
    }
    Some(codes)
}

/// CRC-64/Jones (reflected, polynomial 0xad93d23594c935a9), bit by bit: payloads are small.
fn crc64(data: &[u8]) -> u64 {
    const POLY: u64 = 0x95ac_9329_ac4b_c9b5; // 0xad93d23594c935a9 reflected
    let mut crc = 0u64;
    for &byte in data {
        crc ^= byte as u64;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLY
            } else {
                crc >> 1
            };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trips_and_rejects_damage() {
        let mut payload = PAYLOAD_MAGIC.to_vec();
        payload.push(PAYLOAD_VERSION);
        payload.extend_from_slice(&3u32.to_le_bytes());
        payload.extend_from_slice(b"abc");
        let crc = crc64(&payload);
        payload.extend_from_slice(&crc.to_le_bytes());
        assert_eq!(parse_payload(&payload), Some(vec![b"abc".to_vec()]));
        payload[6] ^= 1;
        assert_eq!(parse_payload(&payload), None);
        assert_eq!(parse_payload(b"junk"), None);
    }

    #[test]
    fn crc64_jones_check_value() {
        // The standard check input for CRC-64/Jones as Redis uses it.
        assert_eq!(crc64(b"123456789"), 0xe9c6_d914_c4b8_d9ca);
    }
}
