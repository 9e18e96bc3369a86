//! A sandboxed Lua 5.1 state set up as Redis 7.0 sets up its own.
//!
//! - Globals are read-only: scripts run with an empty proxy table as their environment, whose
//!   `__index` reads the real globals (and raises Redis's "nonexistent global variable" error
//!   for a missing one) and whose `__newindex` raises "Attempt to modify a readonly table".
//!   Library tables (`string`, `redis`, `cjson`, ...) are proxied the same way, and `rawset`,
//!   `load` and `loadstring` are wrapped so neither can reach the real tables, and `next` /
//!   `pairs` iterate a proxy's table as if it were the proxy's own. (Redis patches
//!   its Lua with a read-only table flag; with a stock Lua the proxies give the same errors.)
//! - Absent, as in Redis: `os`, `io`, `print`, `debug`, `loadfile`, `dofile`, `require`,
//!   `module`, `package`, `getfenv`, `setfenv`, `newproxy`.
//! - `math.random`/`math.randomseed` are the rand48 generator Redis uses, reseeded to 0
//!   before every script run so a script draws the same numbers whatever ran before it.
//! - Everything here is internal code compiled under the chunk name `=ferrite`, which the
//!   error handler skips when it looks for the user's line.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use mlua::{Function, HookTriggers, Lua, LuaOptions, StdLib, Table, Value, VmState};

use super::Shared;

/// The chunk name of internal Lua code.
pub const INTERNAL_CHUNK: &str = "=ferrite";
/// Lua instructions between two checks of the kill flag and the clock.
const HOOK_INSTRUCTIONS: u32 = 100_000;

/// Redis's version as scripts see it.
pub const REDIS_VERSION: &str = "7.0.15";
pub const REDIS_VERSION_NUM: i64 = 0x07000f;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Eval,
    Function,
}

impl Kind {
    /// The chunk name user code compiles under (error messages show it).
    pub fn chunk_name(self) -> &'static str {
        match self {
            Kind::Eval => "@user_script",
            Kind::Function => "@user_function",
        }
    }
}

pub struct Vm {
    pub lua: Lua,
    pub kind: Kind,
    /// The real globals.
    pub globals: Table,
    /// The read-only proxy user code runs in.
    pub env: Table,
    /// Where the per-run `redis.call` implementation is installed (`holder.raw`).
    pub holder: Table,
    /// The runtime `redis` table (proxied).
    pub redis: Table,
    /// The error handler passed to `xpcall`.
    pub handler: Function,
    /// Runs `f(a, b)` under `xpcall` with the handler: `run(f, a, b)`.
    pub runner: Function,
    /// rand48 state.
    rng: Arc<AtomicU64>,
}

const PRELUDE: &str = r#"
local G, holder, native = ...
local setmetatable, error, tostring, type, rawset, setfenv = setmetatable, error, tostring, type, rawset, setfenv
local raw_load, raw_loadstring, xpcall = load, loadstring, xpcall
local protected = setmetatable({}, {__mode = 'k'})
local raising = native.make_raising
local function readonly() error('Attempt to modify a readonly table', 2) end
local function protect(t)
  local proxy = setmetatable({}, {__index = t, __newindex = readonly, __metatable = {}})
  protected[proxy] = t
  return proxy
end
local env = setmetatable({}, {
  __index = function(_, k)
    local v = G[k]
    if v == nil then
      error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
    end
    return v
  end,
  __newindex = readonly,
  __metatable = {},
})
protected[env] = G
G._G = env
G.rawset = raising(function(t, k, v)
  if protected[t] then return false, {err = 'ERR Attempt to modify a readonly table'} end
  return true, rawset(t, k, v)
end)
-- A script's pcall sees an error table as its message string, as in Redis 7.0.
local raw_pcall, select, unpack = pcall, select, unpack
local function caught(ok, ...)
  if not ok then
    local e = ...
    if type(e) == 'table' and type(e.err) == 'string' then return false, e.err end
  end
  return ok, ...
end
G.pcall = function(...) return caught(raw_pcall(...)) end
G.loadstring = function(s, name)
  local f, e = raw_loadstring(s, name)
  if f then setfenv(f, env) end
  return f, e
end
G.load = function(fn, name)
  local f, e = raw_load(fn, name)
  if f then setfenv(f, env) end
  return f, e
end
local redis = {}
for name, f in pairs(native.raising) do redis[name] = raising(f) end
for name, f in pairs(native.plain) do redis[name] = f end
for name, v in pairs(native.constants) do redis[name] = v end
redis.call = raising(function(...) return holder.raw(true, ...) end)
redis.pcall = function(...)
  local _, v = holder.raw(false, ...)
  return v
end
for _, lib in ipairs({'string', 'math', 'table', 'coroutine', 'bit', 'cjson', 'cmsgpack', 'struct'}) do
  if G[lib] then G[lib] = protect(G[lib]) end
end
G.redis = protect(redis)
local handler = native.handler
local function run(f, a, b)
  return xpcall(function() return f(a, b) end, handler)
end
return env, G.redis, protected, run
"#;

impl Vm {
    pub fn new(shared: Arc<Shared>, kind: Kind) -> mlua::Result<Vm> {
        let lua = Lua::new_with(
            StdLib::TABLE | StdLib::STRING | StdLib::MATH,
            LuaOptions::default(),
        )?;
        let globals = lua.globals();
        for name in [
            "print", "dofile", "loadfile", "require", "module", "package", "os", "io", "debug",
            "newproxy",
        ] {
            globals.raw_set(name, Value::Nil)?;
        }
        let rng = Arc::new(AtomicU64::new(seed48(0)));
        install_random(&lua, &globals, rng.clone())?;
        super::lib_bit::install(&lua, &globals)?;
        super::lib_cjson::install(&lua, &globals)?;
        super::lib_cmsgpack::install(&lua, &globals)?;
        super::lib_struct::install(&lua, &globals)?;

        let native = lua.create_table()?;
        native.set("raising", super::run::raising_functions(&lua)?)?;
        native.set("plain", super::run::plain_functions(&lua)?)?;
        native.set("constants", constants(&lua)?)?;
        // SAFETY: `make_raising` only builds a closure over its argument (see its comment).
        native.set("make_raising", unsafe {
            lua.create_c_function(make_raising)
        }?)?;
        let handler = lua.create_function(super::run::error_handler)?;
        native.set("handler", handler.clone())?;
        let holder = lua.create_table()?;
        let prelude = lua.load(PRELUDE).set_name(INTERNAL_CHUNK).into_function()?;
        let (env, redis, protected, runner): (Table, Table, Table, Function) =
            prelude.call((globals.clone(), holder.clone(), native))?;
        install_pairs(&lua, &globals, protected)?;
        // These two are used above and stay reachable only through the wrappers.
        globals.raw_set("setfenv", Value::Nil)?;
        globals.raw_set("getfenv", Value::Nil)?;
        let hook_shared = shared.clone();
        // Global: mlua runs calls on threads of its own, and each must carry the hook.
        lua.set_global_hook(
            HookTriggers::new().every_nth_instruction(HOOK_INSTRUCTIONS),
            move |_lua, _debug| {
                if let Some(expired) = hook_shared.load_timed_out() {
                    if expired {
                        return Err(mlua::Error::RuntimeError("FUNCTION LOAD timeout".into()));
                    }
                    return Ok(VmState::Continue);
                }
                if hook_shared.check() {
                    let message = if hook_shared.is_function.load(Ordering::Relaxed) {
                        "Script killed by user with FUNCTION KILL..."
                    } else {
                        "Script killed by user with SCRIPT KILL..."
                    };
                    return Err(mlua::Error::RuntimeError(message.into()));
                }
                Ok(VmState::Continue)
            },
        )?;
        Ok(Vm {
            lua,
            kind,
            globals,
            env,
            holder,
            redis,
            handler,
            runner,
            rng,
        })
    }

    /// Compiles user code in the sandbox. The error is Lua's message.
    pub fn compile(&self, body: &[u8]) -> Result<Function, String> {
        let code = super::shebang::body_without_shebang(body);
        self.lua
            .load(code)
            .set_name(self.kind.chunk_name())
            .set_environment(self.env.clone())
            .into_function()
            .map_err(|e| match e {
                mlua::Error::SyntaxError { message, .. } => message,
                other => other.to_string(),
            })
    }

    /// Resets what one run may have changed: the random generator.
    pub fn reset_for_run(&self) {
        self.rng.store(seed48(0), Ordering::Relaxed);
    }
}

/// `make_raising(f)`: a C closure that calls `f(...)`, which returns `(ok, value)`, and
/// returns `value` or raises it as the error value (an error table).
///
/// Why C and not a Lua wrapper: `return redis.call(...)` is a tail call, and a tail call into
/// a Lua function replaces the script's frame, losing the line Redis reports in the error
/// (`on @user_script:1`). A C function is never tail-called in Lua 5.1, so the script's frame
/// stays on the stack under it, as it does under Redis's own C `redis.call`.
unsafe extern "C-unwind" fn make_raising(state: *mut mlua::ffi::lua_State) -> std::os::raw::c_int {
    use mlua::ffi;
    // SAFETY: called by Lua with its own state; pushes one closure with one upvalue.
    unsafe {
        ffi::lua_settop(state, 1);
        ffi::lua_pushcclosure(state, raising_trampoline, 1);
    }
    1
}

/// The closure `make_raising` builds. It owns no Rust value that needs dropping, so the
/// `longjmp` of `lua_error` (or of an error raised inside `f`) may cross it.
unsafe extern "C-unwind" fn raising_trampoline(
    state: *mut mlua::ffi::lua_State,
) -> std::os::raw::c_int {
    use mlua::ffi;
    // SAFETY: Lua calls this with its arguments on the stack and the target as upvalue 1.
    unsafe {
        let nargs = ffi::lua_gettop(state);
        ffi::lua_pushvalue(state, ffi::lua_upvalueindex(1));
        ffi::lua_insert(state, 1);
        ffi::lua_call(state, nargs, 2);
        if ffi::lua_toboolean(state, -2) != 0 {
            return 1;
        }
        ffi::lua_error(state)
    }
}

/// `next` and `pairs` that see through the read-only proxies (`protected` maps each proxy to
/// its table), so `pairs(_G)` and `pairs(cjson)` list what they list in Redis. The real tables
/// never reach the script: iteration state is the proxy. Errors are Lua's own
/// (`bad argument #1 to 'pairs' (table expected, got nil)`).
fn install_pairs(lua: &Lua, globals: &Table, protected: Table) -> mlua::Result<()> {
    use super::lib_support::{arg_error, lua_type_name, register, results};
    let raw_next: Function = globals.raw_get("next")?;
    let raw_next_for_pairs = raw_next.clone();
    let protected_for_pairs = protected.clone();
    let check_table = |lua: &Lua, args: &mlua::MultiValue| match args.front() {
        Some(Value::Table(t)) => Ok(t.clone()),
        other => {
            let got = other.map(lua_type_name).unwrap_or("no value");
            Err(arg_error(lua, 1, &format!("table expected, got {got}")))
        }
    };
    register(lua, globals, "next", move |lua, args| {
        let t = check_table(lua, &args)?;
        let target = match protected.raw_get::<Value>(t.clone())? {
            Value::Table(real) => real,
            _ => t,
        };
        let key = args.get(1).cloned().unwrap_or(Value::Nil);
        let out: mlua::MultiValue = raw_next.call((target, key))?;
        results(out)
    })?;
    let next: Function = globals.raw_get("next")?;
    let protected = protected_for_pairs;
    // Plain tables iterate with Lua's own `next` (no call into Rust per step).
    register(lua, globals, "pairs", move |lua, args| {
        let t = check_table(lua, &args)?;
        let step = if protected.raw_get::<Value>(t.clone())?.is_nil() {
            &raw_next_for_pairs
        } else {
            &next
        };
        results([Value::Function(step.clone()), Value::Table(t), Value::Nil])
    })
}

fn constants(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.set("REDIS_VERSION", REDIS_VERSION)?;
    t.set("REDIS_VERSION_NUM", REDIS_VERSION_NUM)?;
    for (name, value) in [
        ("LOG_DEBUG", 0),
        ("LOG_VERBOSE", 1),
        ("LOG_NOTICE", 2),
        ("LOG_WARNING", 3),
        ("REPL_NONE", 0),
        ("REPL_AOF", 1),
        ("REPL_SLAVE", 2),
        ("REPL_REPLICA", 2),
        ("REPL_ALL", 3),
    ] {
        t.set(name, value)?;
    }
    Ok(t)
}

/// rand48's state after `srand48(seed)`.
fn seed48(seed: i32) -> u64 {
    ((seed as u32 as u64) << 16) | 0x330E
}

/// One rand48 step: the next 31-bit value.
fn next48(state: &AtomicU64) -> u32 {
    let next = state
        .load(Ordering::Relaxed)
        .wrapping_mul(0x5_DEEC_E66D)
        .wrapping_add(0xB)
        & ((1 << 48) - 1);
    state.store(next, Ordering::Relaxed);
    (next >> 17) as u32
}

fn install_random(lua: &Lua, globals: &Table, rng: Arc<AtomicU64>) -> mlua::Result<()> {
    let math: Table = globals.get("math")?;
    let state = rng.clone();
    let random = lua.create_function(move |lua, args: mlua::MultiValue| {
        const MAX: f64 = i32::MAX as f64;
        let r = (next48(&state) % i32::MAX as u32) as f64 / MAX;
        let number = |i: usize| -> mlua::Result<f64> {
            match &args[i] {
                Value::Integer(n) => Ok(*n as f64),
                Value::Number(n) => Ok(*n),
                Value::String(s) => s
                    .to_str()
                    .ok()
                    .and_then(|s| s.trim().parse::<f64>().ok())
                    .ok_or_else(|| arg_error(lua, i + 1, "random", "number expected")),
                other => Err(arg_error(
                    lua,
                    i + 1,
                    "random",
                    &format!("number expected, got {}", other.type_name()),
                )),
            }
        };
        match args.len() {
            0 => Ok(r),
            1 => {
                let upper = number(0)?.floor();
                if upper < 1.0 {
                    return Err(arg_error(lua, 1, "random", "interval is empty"));
                }
                Ok((r * upper).floor() + 1.0)
            }
            2 => {
                let (lower, upper) = (number(0)?.floor(), number(1)?.floor());
                if lower > upper {
                    return Err(arg_error(lua, 2, "random", "interval is empty"));
                }
                Ok((r * (upper - lower + 1.0)).floor() + lower)
            }
            _ => Err(positioned(lua, "wrong number of arguments")),
        }
    })?;
    let state = rng;
    let randomseed = lua.create_function(move |lua, seed: Value| {
        let seed = match seed {
            Value::Integer(n) => n as f64,
            Value::Number(n) => n,
            other => {
                return Err(arg_error(
                    lua,
                    1,
                    "randomseed",
                    &format!("number expected, got {}", other.type_name()),
                ));
            }
        };
        state.store(seed48(seed as i64 as i32), Ordering::Relaxed);
        Ok(())
    })?;
    math.raw_set("random", random)?;
    math.raw_set("randomseed", randomseed)?;
    Ok(())
}

/// An error raised from Rust with the caller's position prefixed, as `luaL_error` does.
pub fn positioned(lua: &Lua, message: &str) -> mlua::Error {
    let place = lua
        .inspect_stack(1, |debug| {
            let line = debug.current_line()?;
            let source = debug.source();
            let short = source.short_src.as_deref().unwrap_or("?").to_string();
            Some(format!("{short}:{line}: "))
        })
        .flatten()
        .unwrap_or_default();
    mlua::Error::RuntimeError(format!("{place}{message}"))
}

/// `luaL_argerror`'s wording.
pub fn arg_error(lua: &Lua, index: usize, function: &str, message: &str) -> mlua::Error {
    positioned(
        lua,
        &format!("bad argument #{index} to '{function}' ({message})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rand48_matches_redis_after_randomseed() {
        // Redis 7.0: math.randomseed(42); math.random() -> 0.74452500033403, random(10) -> 4.
        let state = AtomicU64::new(seed48(42));
        let r = (next48(&state) % i32::MAX as u32) as f64 / i32::MAX as f64;
        assert_eq!(format!("{r:.14}"), "0.74452500033403");
        let r = (next48(&state) % i32::MAX as u32) as f64 / i32::MAX as f64;
        assert_eq!((r * 10.0).floor() + 1.0, 4.0);
    }
}
#[cfg(test)]
mod hook_tests {
    use super::*;
    /// The instruction hook sees the kill flag in a loop that calls nothing.
    #[test]
    fn hook_fires() {
        let shared = Arc::new(Shared::default());
        shared.kill.store(true, Ordering::SeqCst);
        let vm = Vm::new(shared, Kind::Eval).unwrap();
        let f = vm
            .compile(b"local i = 0 while true do i = i + 1 end")
            .unwrap();
        let r = vm
            .runner
            .call::<mlua::MultiValue>((f, Value::Nil, Value::Nil))
            .unwrap();
        assert!(matches!(r.front(), Some(Value::Boolean(false))), "killed");
    }
}
