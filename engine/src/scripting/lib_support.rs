//! What the bundled libraries (`bit`, `cjson`, `cmsgpack`, `struct`) share: registering a
//! Rust function so it raises its errors as Redis's C libraries do, and the `luaL_check*`
//! argument rules with their exact messages.
//!
//! Why the errors go through a C trampoline: a Rust callback that returns `Err` reaches Lua
//! as an mlua error object, which a script's `pcall` would see as a userdata, not the message
//! string Redis's libraries raise. So each library function returns `Ok((true, results...))`
//! or `Ok((false, message))`, and a C closure (`raising_multi`) returns the results or raises
//! the message string with `lua_error`. Being C, that closure is never tail-called, so the
//! caller's frame (and line) stays on the stack, as under Redis's own C functions.

use mlua::{Function, Lua, MultiValue, Table, Value};

/// An error a library function raises: the message, already carrying its position.
pub struct Raise(pub String);

impl From<mlua::Error> for Raise {
    fn from(error: mlua::Error) -> Raise {
        Raise(error.to_string())
    }
}

/// What a library function returns: values, or (for results that may run into thousands)
/// a table holding results `1..=n`, which the trampoline spreads onto the Lua stack.
///
/// Why the table: every Lua value a Rust function holds takes a slot on mlua's reference
/// stack, which has the same ~8000-slot limit as a C function's stack; thousands of
/// unpacked strings held at once would exhaust it.
pub enum Out {
    Values(MultiValue),
    Table(Table, usize),
}

pub type LibResult = Result<Out, Raise>;

/// How deep the libraries follow nested tables and documents. Each open level holds a
/// reference or two (see [`Out`]); Redis's C code stops where its Lua stack runs out (about
/// 4000 to 8000 levels, by library); Ferrite stops here with the same error.
pub const DEPTH_CAP: usize = 2000;

/// Installs `f` as `table[name]`, raising its `Raise` errors as Lua strings.
pub fn register<F>(lua: &Lua, table: &Table, name: &str, f: F) -> mlua::Result<()>
where
    F: Fn(&Lua, MultiValue) -> LibResult + Send + 'static,
{
    let inner = lua.create_function(move |lua, args: MultiValue| {
        let mut out = MultiValue::new();
        match f(lua, args) {
            Ok(Out::Values(values)) => {
                out.push_back(Value::Boolean(true));
                out.extend(values);
            }
            Ok(Out::Table(table, n)) => {
                out.push_back(Value::Table(table));
                out.push_back(Value::Integer(n as i64));
            }
            Err(Raise(message)) => {
                out.push_back(Value::Boolean(false));
                out.push_back(Value::String(lua.create_string(message)?));
            }
        }
        Ok(out)
    })?;
    // SAFETY: `make_raising_multi` only builds a closure over its argument.
    let wrap = unsafe { lua.create_c_function(make_raising_multi) }?;
    let raising: Function = wrap.call(inner)?;
    table.raw_set(name, raising)
}

unsafe extern "C-unwind" fn make_raising_multi(
    state: *mut mlua::ffi::lua_State,
) -> std::os::raw::c_int {
    use mlua::ffi;
    // SAFETY: called by Lua with its own state; pushes one closure with one upvalue.
    unsafe {
        ffi::lua_settop(state, 1);
        ffi::lua_pushcclosure(state, raising_multi, 1);
    }
    1
}

/// Calls upvalue 1 with the arguments; it returns `true, results...`, `table, n` (results
/// `table[1..=n]`) or `false, message`. Owns no Rust value, so `lua_error`'s `longjmp` may
/// cross it.
unsafe extern "C-unwind" fn raising_multi(state: *mut mlua::ffi::lua_State) -> std::os::raw::c_int {
    use mlua::ffi;
    // SAFETY: Lua calls this with its arguments on the stack and the target as upvalue 1.
    unsafe {
        let nargs = ffi::lua_gettop(state);
        ffi::lua_pushvalue(state, ffi::lua_upvalueindex(1));
        ffi::lua_insert(state, 1);
        ffi::lua_call(state, nargs, ffi::LUA_MULTRET);
        let results = ffi::lua_gettop(state);
        if results >= 2 && ffi::lua_type(state, 1) == ffi::LUA_TTABLE {
            let n = ffi::lua_tointeger(state, 2) as std::os::raw::c_int;
            ffi::lua_settop(state, 1);
            if ffi::lua_checkstack(state, n) == 0 {
                ffi::lua_pushstring(state, c"stack overflow (too many results)".as_ptr());
                ffi::lua_error(state);
            }
            for i in 1..=n {
                ffi::lua_rawgeti(state, 1, i as _);
            }
            return n;
        }
        if results >= 1 && ffi::lua_toboolean(state, 1) != 0 {
            return results - 1;
        }
        ffi::lua_settop(state, 2);
        ffi::lua_error(state)
    }
}

/// `luaL_where(L, 1)` as seen from a library function: the position of whoever called the
/// trampoline (stack level 2 from the Rust callback), or nothing for a C caller.
fn place(lua: &Lua) -> String {
    lua.inspect_stack(2, |debug| {
        let line = debug.current_line()?;
        let source = debug.source();
        let short = source.short_src.as_deref().unwrap_or("?").to_string();
        Some(format!("{short}:{line}: "))
    })
    .flatten()
    .unwrap_or_default()
}

/// `luaL_error`: the message with the caller's position in front.
pub fn error(lua: &Lua, message: &str) -> Raise {
    Raise(format!("{}{message}", place(lua)))
}

/// `luaL_argerror`: names the function as its caller called it (`?` when unknown).
pub fn arg_error(lua: &Lua, index: usize, message: &str) -> Raise {
    let name = lua
        .inspect_stack(1, |debug| debug.names().name.map(|n| n.to_string()))
        .flatten()
        .unwrap_or_else(|| "?".to_string());
    error(
        lua,
        &format!("bad argument #{index} to '{name}' ({message})"),
    )
}

fn type_error(lua: &Lua, args: &MultiValue, index: usize, expected: &str) -> Raise {
    let got = match args.get(index - 1) {
        None => "no value",
        Some(v) => lua_type_name(v),
    };
    arg_error(lua, index, &format!("{expected} expected, got {got}"))
}

/// Lua's own type names (`lua_typename`).
pub fn lua_type_name(value: &Value) -> &'static str {
    match value {
        Value::Nil => "nil",
        Value::Boolean(_) => "boolean",
        Value::LightUserData(_) => "userdata",
        Value::Integer(_) | Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Table(_) => "table",
        Value::Function(_) => "function",
        Value::Thread(_) => "thread",
        _ => "userdata",
    }
}

/// `lua_tonumber`: numbers, and strings that read as numbers.
pub fn to_number(lua: &Lua, value: &Value) -> Option<f64> {
    match value {
        Value::Integer(n) => Some(*n as f64),
        Value::Number(n) => Some(*n),
        Value::String(_) => lua.coerce_number(value.clone()).ok().flatten(),
        _ => None,
    }
}

/// `luaL_checknumber(L, index)` (1-based).
pub fn check_number(lua: &Lua, args: &MultiValue, index: usize) -> Result<f64, Raise> {
    args.get(index - 1)
        .and_then(|v| to_number(lua, v))
        .ok_or_else(|| type_error(lua, args, index, "number"))
}

/// `luaL_checkinteger`: the number truncated toward zero (`lua_tointeger`).
pub fn check_integer(lua: &Lua, args: &MultiValue, index: usize) -> Result<i64, Raise> {
    check_number(lua, args, index).map(|n| n as i64)
}

/// `luaL_optinteger`: nil or absent gives the default.
pub fn opt_integer(lua: &Lua, args: &MultiValue, index: usize, default: i64) -> Result<i64, Raise> {
    match args.get(index - 1) {
        None | Some(Value::Nil) => Ok(default),
        Some(_) => check_integer(lua, args, index),
    }
}

/// `luaL_checklstring`: strings, and numbers formatted as Lua formats them.
pub fn check_bytes(lua: &Lua, args: &MultiValue, index: usize) -> Result<Vec<u8>, Raise> {
    match args.get(index - 1) {
        Some(v @ (Value::String(_) | Value::Integer(_) | Value::Number(_))) => lua
            .coerce_string(v.clone())?
            .map(|s| s.as_bytes().to_vec())
            .ok_or_else(|| type_error(lua, args, index, "string")),
        _ => Err(type_error(lua, args, index, "string")),
    }
}

/// Results from a list of values.
pub fn results(values: impl IntoIterator<Item = Value>) -> LibResult {
    Ok(Out::Values(values.into_iter().collect()))
}

/// A Lua string value.
pub fn string(lua: &Lua, bytes: &[u8]) -> Result<Value, Raise> {
    Ok(Value::String(lua.create_string(bytes)?))
}
