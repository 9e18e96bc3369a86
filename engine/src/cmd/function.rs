//! FUNCTION (LOAD, LIST, DELETE, FLUSH, DUMP, RESTORE, STATS, KILL, HELP), FCALL and FCALL_RO
//! (see `scripting::functions` for libraries and their payload).

use std::sync::atomic::Ordering;

use bytes::Bytes;
use mlua::Value;

use crate::cmd::eval::{split_keys, string_array};
use crate::scripting::functions::RestorePolicy;
use crate::scripting::run::{RunOptions, run};
use crate::session::Ctx;

/// FCALL function numkeys [key ...] [arg ...]
pub fn fcall(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    fcall_generic(ctx, args, false);
}

/// FCALL_RO function numkeys [key ...] [arg ...]
pub fn fcall_ro(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    fcall_generic(ctx, args, true);
}

fn fcall_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], read_only: bool) {
    let (keys, argv) = match split_keys(args, "ERR Bad number of keys provided") {
        Ok(split) => split,
        Err(error) => return ctx.out.error(error),
    };
    let engine = ctx.engine;
    let guard = engine.scripting.functions();
    let libraries = guard.as_ref().expect("created on access");
    let name = String::from_utf8_lossy(&args[1]).into_owned();
    let Some(function) = libraries.function(&name) else {
        return ctx.out.error("ERR Function not found");
    };
    if read_only && !function.flags.no_writes {
        return ctx
            .out
            .error("ERR Can not execute a script with write flag using *_ro command.");
    }
    let lua = &libraries.vm.lua;
    let (keys, argv) = match (string_array(lua, keys), string_array(lua, argv)) {
        (Ok(keys), Ok(argv)) => (keys, argv),
        (Err(e), _) | (_, Err(e)) => return ctx.out.error(format!("ERR {e}")),
    };
    let options = RunOptions {
        name: &name,
        read_only: read_only || function.flags.no_writes,
        is_function: true,
        allow_oom: function.flags.allow_oom,
    };
    let callback = function.callback.clone();
    *engine
        .scripting
        .shared
        .running
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some((name.clone(), args.to_vec()));
    run(
        ctx,
        &libraries.vm,
        &callback,
        Value::Table(keys),
        Value::Table(argv),
        &options,
    );
    *engine
        .scripting
        .shared
        .running
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = None;
}

/// FUNCTION LOAD [REPLACE] code
pub fn function_load(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut replace = false;
    let mut code = None;
    for (i, arg) in args[2..].iter().enumerate() {
        if i + 3 == args.len() {
            code = Some(arg);
        } else if arg.eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else {
            return ctx.out.error(format!(
                "ERR Unknown option given: {}",
                String::from_utf8_lossy(arg)
            ));
        }
    }
    let Some(code) = code else {
        return ctx.out.error("ERR Function code was not given");
    };
    let engine = ctx.engine;
    let mut guard = engine.scripting.functions();
    let libraries = guard.as_mut().expect("created on access");
    match libraries.load(code, replace, &engine.scripting.shared.function_counts) {
        Ok(name) => ctx.out.bulk(name.as_bytes()),
        Err(error) => ctx.out.error(error),
    }
}

/// FUNCTION DELETE library
pub fn function_delete(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let engine = ctx.engine;
    let mut guard = engine.scripting.functions();
    let libraries = guard.as_mut().expect("created on access");
    let name = String::from_utf8_lossy(&args[2]);
    if libraries.delete(&name, &engine.scripting.shared.function_counts) {
        ctx.out.ok();
    } else {
        ctx.out.error("ERR Library not found");
    }
}

/// FUNCTION FLUSH [ASYNC|SYNC]
pub fn function_flush(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let valid = match args.len() {
        2 => true,
        3 => args[2].eq_ignore_ascii_case(b"async") || args[2].eq_ignore_ascii_case(b"sync"),
        _ => false,
    };
    if !valid {
        return ctx
            .out
            .error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    }
    let engine = ctx.engine;
    let mut guard = engine.scripting.functions();
    let libraries = guard.as_mut().expect("created on access");
    libraries.flush(&engine.scripting.shared.function_counts);
    ctx.out.ok();
}

/// FUNCTION DUMP
pub fn function_dump(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let engine = ctx.engine;
    let guard = engine.scripting.functions();
    let payload = guard.as_ref().expect("created on access").dump();
    drop(guard);
    ctx.out.bulk(&payload);
}

/// FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]
pub fn function_restore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let policy = match args.get(3) {
        None => RestorePolicy::Append,
        Some(p) if args.len() == 4 && p.eq_ignore_ascii_case(b"append") => RestorePolicy::Append,
        Some(p) if args.len() == 4 && p.eq_ignore_ascii_case(b"replace") => RestorePolicy::Replace,
        Some(p) if args.len() == 4 && p.eq_ignore_ascii_case(b"flush") => RestorePolicy::Flush,
        Some(_) => {
            return ctx.out.error(
                "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
            );
        }
    };
    let engine = ctx.engine;
    let mut guard = engine.scripting.functions();
    let libraries = guard.as_mut().expect("created on access");
    match libraries.restore(&args[2], policy, &engine.scripting.shared.function_counts) {
        Ok(()) => ctx.out.ok(),
        Err(error) => ctx.out.error(error),
    }
}

/// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]
pub fn function_list(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut with_code = false;
    let mut pattern: Option<&[u8]> = None;
    let mut i = 2;
    while i < args.len() {
        if args[i].eq_ignore_ascii_case(b"withcode") {
            with_code = true;
        } else if args[i].eq_ignore_ascii_case(b"libraryname") {
            let Some(p) = args.get(i + 1) else {
                return ctx.out.error("ERR library name argument was not given");
            };
            pattern = Some(p);
            i += 1;
        } else {
            return ctx.out.error(format!(
                "ERR Unknown argument {}",
                String::from_utf8_lossy(&args[i])
            ));
        }
        i += 1;
    }
    let engine = ctx.engine;
    let guard = engine.scripting.functions();
    let libraries = guard.as_ref().expect("created on access");
    let matching: Vec<_> = libraries
        .libraries
        .values()
        .filter(|l| pattern.is_none_or(|p| crate::glob::glob_match(p, l.name.as_bytes(), false)))
        .collect();
    let out = &mut *ctx.out;
    out.array(matching.len());
    for library in matching {
        out.map(if with_code { 4 } else { 3 });
        out.bulk(b"library_name");
        out.bulk(library.name.as_bytes());
        out.bulk(b"engine");
        out.bulk(b"LUA");
        out.bulk(b"functions");
        out.array(library.functions.len());
        for function in library.functions.values() {
            out.map(3);
            out.bulk(b"name");
            out.bulk(function.name.as_bytes());
            out.bulk(b"description");
            match &function.description {
                Some(d) => out.bulk(d.as_bytes()),
                None => out.null(),
            }
            out.bulk(b"flags");
            let names = function.flags.names();
            out.set(names.len());
            for name in names {
                out.simple(name);
            }
        }
        if with_code {
            out.bulk(b"library_code");
            out.bulk(&library.code);
        }
    }
}

/// FUNCTION STATS (runs while a script is busy: reads nothing behind the libraries' lock)
pub fn function_stats(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let shared = &ctx.engine.scripting.shared;
    let running = shared
        .running
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    // Redis 7.0 does not describe a running EVAL script: it answers with the script BUSY
    // error (what FUNCTION KILL answers too).
    if running.is_some() && shared.gate.held() && !shared.is_function.load(Ordering::SeqCst) {
        return ctx.out.error(crate::scripting::BUSY_SCRIPT);
    }
    let out = &mut *ctx.out;
    out.map(2);
    out.bulk(b"running_script");
    match running {
        Some((name, command)) if shared.gate.held() => {
            let now = shared.now().unwrap_or(ctx.now);
            let duration_ms = now
                .mono_us
                .saturating_sub(shared.started_mono_us.load(Ordering::Relaxed))
                / 1000;
            out.map(3);
            out.bulk(b"name");
            out.bulk(name.as_bytes());
            out.bulk(b"command");
            out.array(command.len());
            for arg in &command {
                out.bulk(arg);
            }
            out.bulk(b"duration_ms");
            out.int(duration_ms as i64);
        }
        _ => out.null(),
    }
    out.bulk(b"engines");
    out.map(1);
    out.bulk(b"LUA");
    out.map(2);
    out.bulk(b"libraries_count");
    out.int(shared.function_counts.libraries.load(Ordering::Relaxed) as i64);
    out.bulk(b"functions_count");
    out.int(shared.function_counts.functions.load(Ordering::Relaxed) as i64);
}

/// FUNCTION KILL
pub fn function_kill(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    match ctx.engine.scripting.kill(true) {
        Some(error) => ctx.out.error(error),
        None => ctx.out.ok(),
    }
}

const FUNCTION_HELP: &[&str] = &[
    "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "LOAD [REPLACE] <FUNCTION CODE>",
    "    Create a new library with the given library name and code.",
    "DELETE <LIBRARY NAME>",
    "    Delete the given library.",
    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
    "    Return general information on all the libraries:",
    "    * Library name",
    "    * The engine used to run the Library",
    "    * Library description",
    "    * Functions list",
    "    * Library code (if WITHCODE is given)",
    "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
    "STATS",
    "    Return information about the current function running:",
    "    * Function name",
    "    * Command used to run the function",
    "    * Duration in MS that the function is running",
    "    If no function is running, return nil",
    "    In addition, returns a list of available engines.",
    "KILL",
    "    Kill the current running function.",
    "FLUSH [ASYNC|SYNC]",
    "    Delete all the libraries.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the libraries.",
    "    * SYNC: Synchronously flush the libraries.",
    "DUMP",
    "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
    "    control how to handle existing libraries (default APPEND):",
    "    * FLUSH: delete all existing libraries.",
    "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
    "      libraries with the new libraries (notice that even on this option there is a chance of failure",
    "      in case of functions name collision with another library).",
    "HELP",
    "    Prints this help.",
];

/// FUNCTION HELP
pub fn function_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.array(FUNCTION_HELP.len());
    for line in FUNCTION_HELP {
        ctx.out.simple(line);
    }
}
