//! EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (see `scripting` for how scripts run).
//!
//! The session gives these commands the script gate before they run (`Session::execute`), so
//! a script is alone in the keyspace; the handler then takes every shard and runs it.

use bytes::Bytes;
use mlua::Value;

use crate::scripting::run::{RunOptions, run};
use crate::scripting::{EvalVm, sha1_hex, shebang};
use crate::session::Ctx;

const RO_WITH_WRITE_FLAG: &str = "ERR Can not execute a script with write flag using *_ro command.";

/// `numkeys` of EVAL-like commands: the keys and the remaining arguments, or Redis's error.
pub fn split_keys<'a>(
    args: &'a [Bytes],
    bad_number: &str,
) -> Result<(&'a [Bytes], &'a [Bytes]), String> {
    let numkeys = std::str::from_utf8(&args[2])
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| bad_number.to_string())?;
    if numkeys < 0 {
        return Err("ERR Number of keys can't be negative".into());
    }
    let rest = &args[3..];
    if numkeys as usize > rest.len() {
        return Err("ERR Number of keys can't be greater than number of args".into());
    }
    Ok(rest.split_at(numkeys as usize))
}

/// Builds a Lua array of strings.
pub fn string_array(lua: &mlua::Lua, items: &[Bytes]) -> mlua::Result<mlua::Table> {
    let t = lua.create_table_with_capacity(items.len(), 0)?;
    for (i, item) in items.iter().enumerate() {
        t.raw_set(i + 1, lua.create_string(item)?)?;
    }
    Ok(t)
}

/// Compiles `body` into the cache (SCRIPT LOAD, EVAL), returning its SHA1.
fn cache_script(eval: &mut EvalVm, body: &[u8]) -> Result<String, String> {
    let sha = sha1_hex(body);
    if eval.scripts.contains_key(&sha) {
        return Ok(sha);
    }
    let flags = shebang::parse_eval(body)?;
    let function = eval
        .vm
        .compile(body)
        .map_err(|e| format!("ERR Error compiling script (new function): {e}"))?;
    eval.scripts.insert(sha.clone(), (function, flags));
    Ok(sha)
}

/// EVAL script numkeys [key ...] [arg ...]
pub fn eval(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    eval_generic(ctx, args, false, false);
}

/// EVAL_RO script numkeys [key ...] [arg ...]
pub fn eval_ro(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    eval_generic(ctx, args, false, true);
}

/// EVALSHA sha1 numkeys [key ...] [arg ...]
pub fn evalsha(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    eval_generic(ctx, args, true, false);
}

/// EVALSHA_RO sha1 numkeys [key ...] [arg ...]
pub fn evalsha_ro(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    eval_generic(ctx, args, true, true);
}

fn eval_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], by_sha: bool, read_only: bool) {
    let (keys, argv) = match split_keys(args, "ERR value is not an integer or out of range") {
        Ok(split) => split,
        Err(error) => return ctx.out.error(error),
    };
    let engine = ctx.engine;
    let mut guard = engine.scripting.eval();
    let eval = guard.as_mut().expect("created on access");
    let sha = if by_sha {
        let sha = String::from_utf8_lossy(&args[1]).to_ascii_lowercase();
        if !eval.scripts.contains_key(&sha) {
            return ctx
                .out
                .error("NOSCRIPT No matching script. Please use EVAL.");
        }
        sha
    } else {
        match cache_script(eval, &args[1]) {
            Ok(sha) => sha,
            Err(error) => return ctx.out.error(error),
        }
    };
    let (function, flags) = eval.scripts[&sha].clone();
    if read_only && flags.declared && !flags.no_writes {
        return ctx.out.error(RO_WITH_WRITE_FLAG);
    }
    let lua = &eval.vm.lua;
    let setup = (|| -> mlua::Result<()> {
        eval.vm.globals.raw_set("KEYS", string_array(lua, keys)?)?;
        eval.vm.globals.raw_set("ARGV", string_array(lua, argv)?)?;
        Ok(())
    })();
    if let Err(error) = setup {
        return ctx.out.error(format!("ERR {error}"));
    }
    let options = RunOptions {
        name: &sha,
        read_only: read_only || flags.no_writes,
        is_function: false,
        allow_oom: flags.allow_oom,
    };
    // Recorded for FUNCTION STATS, which answers BUSY while an EVAL script runs (Redis 7.0).
    let running = &engine.scripting.shared.running;
    *running.lock().unwrap_or_else(|p| p.into_inner()) = Some((String::new(), args.to_vec()));
    run(ctx, &eval.vm, &function, Value::Nil, Value::Nil, &options);
    *running.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

/// SCRIPT LOAD script
pub fn script_load(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let engine = ctx.engine;
    let mut guard = engine.scripting.eval();
    let eval = guard.as_mut().expect("created on access");
    match cache_script(eval, &args[2]) {
        Ok(sha) => ctx.out.bulk(sha.as_bytes()),
        Err(error) => ctx.out.error(error),
    }
}

/// SCRIPT EXISTS sha1 [sha1 ...]
pub fn script_exists(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let engine = ctx.engine;
    let guard = engine.scripting.eval();
    let eval = guard.as_ref().expect("created on access");
    let found: Vec<bool> = args[2..]
        .iter()
        .map(|sha| {
            let sha = String::from_utf8_lossy(sha).to_ascii_lowercase();
            eval.scripts.contains_key(&sha)
        })
        .collect();
    drop(guard);
    ctx.out.array(found.len());
    for exists in found {
        ctx.out.int(exists as i64);
    }
}

/// SCRIPT FLUSH [ASYNC|SYNC]
pub fn script_flush(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let valid = match args.len() {
        2 => true,
        3 => args[2].eq_ignore_ascii_case(b"async") || args[2].eq_ignore_ascii_case(b"sync"),
        _ => false,
    };
    if !valid {
        return ctx
            .out
            .error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    }
    ctx.engine.scripting.flush_scripts();
    ctx.out.ok();
}

/// SCRIPT KILL
pub fn script_kill(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    match ctx.engine.scripting.kill(false) {
        Some(error) => ctx.out.error(error),
        None => ctx.out.ok(),
    }
}

/// SCRIPT DEBUG YES|SYNC|NO: the Lua debugger is not supported; NO is accepted.
pub fn script_debug(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if args[2].eq_ignore_ascii_case(b"no") {
        ctx.out.ok();
    } else if args[2].eq_ignore_ascii_case(b"yes") || args[2].eq_ignore_ascii_case(b"sync") {
        ctx.out
            .error("ERR The Lua debugger is not supported by this server");
    } else {
        ctx.out.error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
    }
}

const SCRIPT_HELP: &[&str] = &[
    "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DEBUG (YES|SYNC|NO)",
    "    Set the debug mode for subsequent scripts executed.",
    "EXISTS <sha1> [<sha1> ...]",
    "    Return information about the existence of the scripts in the script cache.",
    "FLUSH [ASYNC|SYNC]",
    "    Flush the Lua scripts cache. Very dangerous on replicas.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the scripts cache.",
    "    * SYNC: Synchronously flush the scripts cache.",
    "KILL",
    "    Kill the currently executing Lua script.",
    "LOAD <script>",
    "    Load a script into the scripts cache without executing it.",
    "HELP",
    "    Prints this help.",
];

/// SCRIPT HELP
pub fn script_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.array(SCRIPT_HELP.len());
    for line in SCRIPT_HELP {
        ctx.out.simple(line);
    }
}
