//! Running a script function against a command context.
//!
//! The script holds every shard (like EXEC) and the script gate (see `gate`), runs with
//! `in_exec` set (blocking commands do not block; its writes are logged as one record when
//! the calling command ends), and reaches commands through `redis.call`/`redis.pcall`, which
//! go through the normal command table: lookup, arity, `noscript`, read-only scripts, and then
//! the handler itself, so WRONGTYPE and every other error is the command's own. What a write
//! logs is the command as executed (effects replication, Redis 7's only mode), never the
//! script.

use std::sync::atomic::Ordering;

use bytes::Bytes;
use mlua::{Function, Lua, MultiValue, Table, Value};

use super::convert;
use super::vm::Vm;
use crate::command::{Command, Commands, flag};
use crate::resp::{Protocol, Reply};
use crate::session::Ctx;

/// Per-run settings that `redis.setresp` / `redis.set_repl` change (Lua app data).
#[derive(Clone, Copy, Debug)]
struct RunFlags {
    resp: u8,
    repl: u8,
    /// Used memory was over `maxmemory` when the script started (Redis's
    /// `pre_command_oom_state`), and the script may not ignore it (no `allow-oom`).
    deny_oom: bool,
}

const REPL_AOF: u8 = 1;
const REPL_ALL: u8 = 3;

/// How a script runs.
pub struct RunOptions<'a> {
    /// The name error messages show: the SHA1 for EVAL, the function name for FCALL.
    pub name: &'a str,
    /// Write commands are refused (EVAL_RO, FCALL_RO, `no-writes`).
    pub read_only: bool,
    pub is_function: bool,
    /// The script declared `allow-oom`: its writes are not refused over `maxmemory`.
    pub allow_oom: bool,
}

/// A Lua error table `{err=text}`.
pub fn error_table(lua: &Lua, text: &str) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.set("err", text)?;
    Ok(t)
}

/// Redis's normalisation of an error text for the error table: a leading `-` is dropped and
/// the first word is the code, or `ERR` is put in front when there is no code.
pub fn normalize_error(text: &str) -> String {
    let (code, message) = match text.strip_prefix('-') {
        Some(rest) => match rest.split_once(' ') {
            Some((code, message)) => (code, message),
            None => ("ERR", rest),
        },
        None => ("ERR", text),
    };
    format!("{code} {}", message.trim_matches(['\r', '\n']))
}

/// The message of an error raised from Rust code (unwrapping callback layers).
fn root_message(error: &mlua::Error) -> String {
    match error {
        mlua::Error::CallbackError { cause, .. } => root_message(cause),
        mlua::Error::WithContext { cause, .. } => root_message(cause),
        mlua::Error::RuntimeError(message) => message.clone(),
        mlua::Error::MemoryError(message) => message.clone(),
        other => other.to_string(),
    }
}

/// The `xpcall` handler: turns any error into an error table and records where in the user's
/// code it happened (the innermost frame that is neither C nor internal code).
pub fn error_handler(lua: &Lua, error: Value) -> mlua::Result<Table> {
    let table = match error {
        Value::Table(t) => t,
        Value::Error(e) => error_table(lua, &format!("ERR {}", root_message(&e)))?,
        Value::String(s) => error_table(lua, &format!("ERR {}", s.to_string_lossy()))?,
        other => {
            let text = lua
                .coerce_string(other.clone())?
                .map(|s| s.to_string_lossy())
                .unwrap_or_else(|| other.type_name().to_string());
            error_table(lua, &format!("ERR {text}"))?
        }
    };
    let mut level = 1;
    loop {
        let frame = lua.inspect_stack(level, |debug| {
            let source = debug.source();
            let name = source.source.as_deref().unwrap_or("").to_string();
            (source.what, name, debug.current_line())
        });
        let Some((what, source, line)) = frame else {
            break;
        };
        if what != "C" && source != super::vm::INTERNAL_CHUNK {
            table.raw_set("source", source)?;
            if let Some(line) = line {
                table.raw_set("line", line)?;
            }
            break;
        }
        level += 1;
    }
    Ok(table)
}

/// `redis.log` into the server log, at the tracing level the server maps Redis's level names
/// to (`loglevel`: debug and verbose are DEBUG, notice INFO, warning WARN). The target is
/// `script` so operators can filter script logs apart.
fn script_log(level: i64, message: &str) {
    match level {
        0 | 1 => tracing::debug!(target: "script", "{message}"),
        2 => tracing::info!(target: "script", "{message}"),
        _ => tracing::warn!(target: "script", "{message}"),
    }
}

type Raising = fn(&Lua, MultiValue) -> mlua::Result<Result<Value, String>>;

/// `redis.*` functions that raise their errors as error tables (without a position, as
/// Redis's do): implemented as Rust functions returning `(ok, value_or_error_table)` that the
/// prelude wraps.
pub fn raising_functions(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    let functions: [(&str, Raising); 5] = [
        ("sha1hex", |lua, args| {
            if args.len() != 1 {
                return Ok(Err("wrong number of arguments".into()));
            }
            let data = lua
                .coerce_string(args[0].clone())?
                .map(|s| s.as_bytes().to_vec())
                .unwrap_or_default();
            Ok(Ok(Value::String(
                lua.create_string(super::sha1_hex(&data))?,
            )))
        }),
        ("log", |lua, args| {
            if args.len() < 2 {
                return Ok(Err("redis.log() requires two arguments or more.".into()));
            }
            let level = match &args[0] {
                Value::Integer(n) => *n,
                Value::Number(n) => *n as i64,
                _ => return Ok(Err("First argument must be a number (log level).".into())),
            };
            if !(0..=3).contains(&level) {
                return Ok(Err("Invalid debug level.".into()));
            }
            // As Redis: the string and number arguments joined by spaces, others skipped.
            let mut message = Vec::new();
            for (i, arg) in args.iter().skip(1).enumerate() {
                if matches!(arg, Value::String(_) | Value::Integer(_) | Value::Number(_))
                    && let Some(s) = lua.coerce_string(arg.clone())?
                {
                    if i > 0 {
                        message.push(b' ');
                    }
                    message.extend_from_slice(&s.as_bytes());
                }
            }
            script_log(level, &String::from_utf8_lossy(&message));
            Ok(Ok(Value::Nil))
        }),
        ("setresp", |lua, args| {
            if args.len() != 1 {
                return Ok(Err("redis.setresp() requires one argument.".into()));
            }
            let resp = match &args[0] {
                Value::Integer(n) => *n,
                Value::Number(n) => *n as i64,
                _ => 0,
            };
            if resp != 2 && resp != 3 {
                return Ok(Err("RESP version must be 2 or 3.".into()));
            }
            if let Some(mut flags) = lua.app_data_mut::<RunFlags>() {
                flags.resp = resp as u8;
            }
            Ok(Ok(Value::Nil))
        }),
        ("set_repl", |lua, args| {
            if args.len() != 1 {
                return Ok(Err("redis.set_repl() requires one argument.".into()));
            }
            let repl = match &args[0] {
                Value::Integer(n) => *n,
                Value::Number(n) => *n as i64,
                _ => -1,
            };
            if !(0..=REPL_ALL as i64).contains(&repl) {
                return Ok(Err(
                    "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE."
                        .into(),
                ));
            }
            if let Some(mut flags) = lua.app_data_mut::<RunFlags>() {
                flags.repl = repl as u8;
            }
            Ok(Ok(Value::Nil))
        }),
        ("acl_check_cmd", |lua, args| {
            let name = match args.front() {
                Some(v) => lua
                    .coerce_string(v.clone())?
                    .map(|s| s.as_bytes().to_vec())
                    .unwrap_or_default(),
                None => {
                    return Ok(Err(
                        "Please specify at least one argument for this redis lib call".into(),
                    ));
                }
            };
            if Commands::get().lookup(&name).is_none() {
                return Ok(Err("Invalid command passed to redis.acl_check_cmd()".into()));
            }
            Ok(Ok(Value::Boolean(true)))
        }),
    ];
    for (name, f) in functions {
        let function = lua.create_function(move |lua, args: MultiValue| {
            Ok(match f(lua, args)? {
                Ok(value) => (true, value),
                Err(message) => (
                    false,
                    Value::Table(error_table(lua, &normalize_error(&message))?),
                ),
            })
        })?;
        t.set(name, function)?;
    }
    Ok(t)
}

/// `redis.*` functions that never raise.
pub fn plain_functions(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.set(
        "error_reply",
        lua.create_function(|lua, args: MultiValue| {
            let text = match (args.len(), args.front()) {
                (1, Some(Value::String(s))) => s.to_string_lossy(),
                _ => return error_table(lua, "ERR wrong number or type of arguments"),
            };
            let text = if text.starts_with('-') {
                text
            } else {
                format!("-{text}")
            };
            error_table(lua, &normalize_error(&text))
        })?,
    )?;
    t.set(
        "status_reply",
        lua.create_function(|lua, args: MultiValue| {
            let t = lua.create_table()?;
            match (args.len(), args.front()) {
                (1, Some(Value::String(s))) => t.set("ok", s.clone())?,
                _ => t.set("err", "ERR wrong number or type of arguments")?,
            }
            Ok(t)
        })?,
    )?;
    t.set(
        "replicate_commands",
        lua.create_function(|_, _: MultiValue| Ok(true))?,
    )?;
    t.set(
        "breakpoint",
        lua.create_function(|_, _: MultiValue| Ok(false))?,
    )?;
    t.set("debug", lua.create_function(|_, _: MultiValue| Ok(()))?)?;
    Ok(t)
}

/// Runs `function(a, b)` for the calling command and writes its reply (or error) to
/// `ctx.out`. The caller has taken the script gate; this takes every shard.
pub fn run(
    ctx: &mut Ctx<'_, '_>,
    vm: &Vm,
    function: &Function,
    a: Value,
    b: Value,
    options: &RunOptions<'_>,
) {
    ctx.lock_all();
    let shared = ctx.engine.scripting.shared.clone();
    shared.kill.store(false, Ordering::SeqCst);
    shared.wrote.store(false, Ordering::SeqCst);
    shared
        .is_function
        .store(options.is_function, Ordering::SeqCst);
    let started = shared.now().unwrap_or(ctx.now);
    shared
        .started_mono_us
        .store(started.mono_us, Ordering::SeqCst);
    vm.reset_for_run();
    // Over `maxmemory` at the start, a script's first write may be refused (see
    // `call_command`). The session has already run the eviction policy for this command.
    let maxmemory = ctx.engine.evictor.maxmemory();
    let over_memory = maxmemory != 0 && (ctx.engine.used_memory)() > maxmemory;
    vm.lua.set_app_data(RunFlags {
        resp: 2,
        repl: REPL_ALL,
        deny_oom: over_memory && !options.allow_oom,
    });
    let (db, in_exec) = (ctx.client.db, ctx.client.in_exec);
    ctx.client.in_exec = true;
    let lua = &vm.lua;
    let result = lua.scope(|scope| {
        let raw = scope.create_function_mut(|lua, args: MultiValue| {
            let mut args = args.into_iter();
            let raise = matches!(args.next(), Some(Value::Boolean(true)));
            call_command(lua, ctx, options, raise, args.collect())
        })?;
        vm.holder.raw_set("raw", raw)?;
        let outcome = vm.runner.call::<MultiValue>((function.clone(), a, b));
        vm.holder.raw_set("raw", Value::Nil)?;
        outcome
    });
    ctx.client.in_exec = in_exec;
    ctx.client.db = db;
    let script_resp3 = lua
        .remove_app_data::<RunFlags>()
        .is_some_and(|flags| flags.resp == 3);
    match result {
        Ok(values) => {
            let mut values = values.into_iter();
            let ok = matches!(values.next(), Some(Value::Boolean(true)));
            let value = values.next().unwrap_or(Value::Nil);
            if ok {
                convert::lua_to_reply(ctx.out, &value, script_resp3);
            } else {
                write_script_error(ctx.out, &value, options.name);
            }
        }
        Err(error) => {
            let text = format!("ERR {}", root_message(&error));
            ctx.out.error(text);
        }
    }
    // A script's garbage is collected in steps as Redis does after each run, so a loop of
    // small scripts does not grow the state between full cycles.
    let _ = lua.gc_step_kbytes(0);
}

/// The error reply of a script that raised: the error table's text, plus where it happened.
fn write_script_error(out: &mut Reply, value: &Value, name: &str) {
    let Value::Table(table) = value else {
        return out.error("ERR execution failure");
    };
    let message = match table.raw_get::<Value>("err") {
        Ok(Value::String(s)) => s.to_string_lossy(),
        _ => "ERR unknown error".into(),
    };
    let source: Option<String> = table.raw_get("source").ok();
    let line: Option<i64> = table.raw_get("line").ok();
    match (source, line) {
        (Some(source), Some(line)) => {
            out.error(format!("{message} script: {name}, on {source}:{line}."))
        }
        _ => out.error(message),
    }
}

/// `redis.call` / `redis.pcall`: `(true, reply)` or `(false, error table)`.
fn call_command(
    lua: &Lua,
    ctx: &mut Ctx<'_, '_>,
    options: &RunOptions<'_>,
    raise: bool,
    args: Vec<Value>,
) -> mlua::Result<(bool, Value)> {
    let _ = raise;
    let fail = |text: &str| -> mlua::Result<(bool, Value)> {
        Ok((false, Value::Table(error_table(lua, text)?)))
    };
    if args.is_empty() {
        return fail("ERR Please specify at least one argument for this redis lib call");
    }
    let mut argv: Vec<Bytes> = Vec::with_capacity(args.len());
    for arg in &args {
        match arg {
            Value::String(s) => argv.push(Bytes::copy_from_slice(&s.as_bytes())),
            Value::Integer(n) => argv.push(Bytes::from(n.to_string())),
            Value::Number(n) => argv.push(Bytes::from(crate::util::format_double(*n))),
            _ => return fail("ERR Lua redis lib command arguments must be strings or integers"),
        }
    }
    let command = match lookup(&argv) {
        Lookup::Unknown => return fail("ERR Unknown Redis command called from script"),
        Lookup::Arity => return fail("ERR Wrong number of args calling Redis command from script"),
        Lookup::Found(command) => command,
    };
    if command.has(flag::NOSCRIPT) {
        return fail("ERR This Redis command is not allowed from script");
    }
    let flags = lua
        .app_data_ref::<RunFlags>()
        .map(|f| *f)
        .unwrap_or(RunFlags {
            resp: 2,
            repl: REPL_ALL,
            deny_oom: false,
        });
    if command.has(flag::WRITE) && options.read_only {
        return fail("ERR Write commands are not allowed from read-only scripts.");
    }
    // As Redis: over `maxmemory` when the script started, a `denyoom` command is refused
    // until the script has written something (after that it cannot stop half-way).
    if flags.deny_oom
        && command.has(flag::DENYOOM)
        && !ctx.engine.scripting.shared.wrote.load(Ordering::SeqCst)
    {
        return fail(crate::evict::OOM);
    }
    if command.has(flag::WRITE) {
        ctx.engine
            .scripting
            .shared
            .wrote
            .store(true, Ordering::SeqCst);
    }
    let protocol = if flags.resp == 3 {
        Protocol::Resp3
    } else {
        Protocol::Resp2
    };
    let handler = command
        .spec
        .handler
        .expect("lookup returns runnable commands");
    let mut out = Reply::new(protocol);
    std::mem::swap(ctx.out, &mut out);
    let effects_before = ctx.client.effects.len();
    ctx.client
        .handle
        .last_command
        .store(command.id, Ordering::Relaxed);
    handler(ctx, &argv);
    crate::observe::feed_script_call(ctx.engine, ctx.client.db, command, &argv, ctx.now);
    crate::tracking::after_command(ctx, command, &argv);
    std::mem::swap(ctx.out, &mut out);
    let failed = out.errors_written > 0;
    crate::session::note_effects(ctx, command, &argv, failed);
    if flags.repl & REPL_AOF == 0 {
        // redis.set_repl(REPL_NONE / REPL_REPLICA): this write is not logged.
        ctx.client.effects.truncate(effects_before);
    }
    ctx.engine
        .stats
        .total_commands_processed
        .fetch_add(1, Ordering::Relaxed);
    let (value, error) = convert::resp_to_lua(lua, &out.buf)?;
    match error {
        Some(text) => fail(&normalize_error(&format!("-{text}"))),
        None => Ok((true, value)),
    }
}

enum Lookup {
    Found(&'static Command),
    Unknown,
    Arity,
}

fn lookup(argv: &[Bytes]) -> Lookup {
    let commands = Commands::get();
    let Some(mut command) = commands.lookup(&argv[0]) else {
        return Lookup::Unknown;
    };
    let bare_container_call = argv.len() == 1 && command.spec.handler.is_some();
    if !command.subcommands.is_empty() && !bare_container_call {
        if argv.len() < 2 {
            return Lookup::Arity;
        }
        let sub = String::from_utf8_lossy(&argv[1]).to_ascii_lowercase();
        match command.subcommands.get(sub.as_str()) {
            Some(found) => command = found,
            None => return Lookup::Unknown,
        }
    }
    if !command.arity_ok(argv.len()) {
        return Lookup::Arity;
    }
    Lookup::Found(command)
}

#[cfg(test)]
mod tests {
    use super::normalize_error;

    #[test]
    fn error_texts_get_a_code() {
        assert_eq!(normalize_error("x"), "ERR x");
        assert_eq!(normalize_error("-MY x"), "MY x");
        assert_eq!(normalize_error("-x"), "ERR x");
        assert_eq!(normalize_error("-"), "ERR ");
        assert_eq!(
            normalize_error("-WRONGTYPE Operation"),
            "WRONGTYPE Operation"
        );
    }
}
