//! Server-wide commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, INFO, CONFIG, COMMAND and
//! SHUTDOWN.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use bytes::Bytes;

use crate::cmd::{SYNTAX, conn::REDIS_VERSION, reply_help};
use crate::command::{Command, Commands, Spec};
use crate::config::ConfigError;
use crate::engine::ShutdownMode;
use crate::pubsub::Kind;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::util::eq_ignore_case;

/// DBSIZE
pub fn dbsize(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let db = ctx.client.db;
    let len: usize = ctx
        .lock_all()
        .db_shards(db)
        .map(|part| part.map.len())
        .sum();
    ctx.out.int(len as i64);
}

/// Reads the optional ASYNC|SYNC argument of FLUSHDB/FLUSHALL. Both free memory at once:
/// dropping maps is quick next to a network round trip, and doing it inline keeps the
/// engine free of background threads.
fn flush_mode_ok(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) -> bool {
    match args.len() {
        1 => true,
        2 if eq_ignore_case(&args[1], "async") || eq_ignore_case(&args[1], "sync") => true,
        _ => {
            ctx.out.error(SYNTAX);
            false
        }
    }
}

/// Touches, for WATCH, the watched keys of each database in `dbs` that exist in any database
/// of `exists_in`: what FLUSHDB, FLUSHALL and SWAPDB change, as Redis counts it.
fn touch_watched(ctx: &mut Ctx<'_, '_>, dbs: &[usize], exists_in: &[usize]) {
    let watches = &ctx.engine.keyspace.watches;
    if watches.is_empty() {
        return;
    }
    ctx.lock_all();
    for &db in dbs {
        for key in watches.keys_of(db) {
            if exists_in.iter().any(|&d| ctx.db_at(d).peek(&key).is_some()) {
                watches.touch(db, &key);
            }
        }
    }
}

/// FLUSHDB [ASYNC|SYNC]
pub fn flushdb(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if !flush_mode_ok(ctx, args) {
        return;
    }
    let db = ctx.client.db;
    touch_watched(ctx, &[db], &[db]);
    let mut removed = 0;
    for part in ctx.lock_all().db_shards(db) {
        removed += part.map.len();
        part.map.clear();
        part.expires.clear();
    }
    ctx.engine
        .keyspace
        .stats
        .dirty
        .fetch_add(removed as u64, Ordering::Relaxed);
    invalidate_all(ctx);
    ctx.out.ok();
}

/// FLUSHDB and FLUSHALL: every tracking client gets the null invalidation.
fn invalidate_all(ctx: &mut Ctx<'_, '_>) {
    let keyspace = &ctx.engine.keyspace;
    keyspace
        .tracking
        .invalidate_all(&keyspace.pubsub, ctx.now.unix_ms());
}

/// FLUSHALL [ASYNC|SYNC]
pub fn flushall(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if !flush_mode_ok(ctx, args) {
        return;
    }
    let all: Vec<usize> = (0..ctx.engine.keyspace.databases()).collect();
    for &db in &all {
        touch_watched(ctx, &[db], &[db]);
    }
    let mut removed = 0;
    for (_, shard) in ctx.lock_all().shards() {
        for part in shard.dbs.iter_mut() {
            removed += part.map.len();
            part.map.clear();
            part.expires.clear();
        }
    }
    // Redis counts a FLUSHALL as at least one change even on an empty keyspace.
    ctx.engine
        .keyspace
        .stats
        .dirty
        .fetch_add(removed.max(1) as u64, Ordering::Relaxed);
    invalidate_all(ctx);
    ctx.out.ok();
}

/// SWAPDB index1 index2
pub fn swapdb(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(a) = parse_i64(&args[1]) else {
        return ctx.out.error("ERR invalid first DB index");
    };
    let Some(b) = parse_i64(&args[2]) else {
        return ctx.out.error("ERR invalid second DB index");
    };
    let databases = ctx.engine.keyspace.databases() as i64;
    if a < 0 || b < 0 || a >= databases || b >= databases {
        return ctx.out.error(crate::cmd::DB_OUT_OF_RANGE);
    }
    if a != b {
        let (a, b) = (a as usize, b as usize);
        touch_watched(ctx, &[a, b], &[a, b]);
        for (_, shard) in ctx.lock_all().shards() {
            shard.dbs.swap(a, b);
        }
        ctx.engine
            .keyspace
            .stats
            .dirty
            .fetch_add(1, Ordering::Relaxed);
    }
    ctx.out.ok();
}

/// TIME: [unix seconds, microseconds]
pub fn time(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let us = ctx.now.unix_us;
    ctx.out.array(2);
    ctx.out.bulk_i64((us / 1_000_000) as i64);
    ctx.out.bulk_i64((us % 1_000_000) as i64);
}

/// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
pub fn shutdown(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut mode = ShutdownMode::Default;
    let mut abort = false;
    for arg in &args[1..] {
        if eq_ignore_case(arg, "nosave") && mode == ShutdownMode::Default {
            mode = ShutdownMode::NoSave;
        } else if eq_ignore_case(arg, "save") && mode == ShutdownMode::Default {
            mode = ShutdownMode::Save;
        } else if eq_ignore_case(arg, "now") || eq_ignore_case(arg, "force") {
            // Nothing to wait for (no replicas) and nothing that can fail (no persistence).
        } else if eq_ignore_case(arg, "abort") {
            abort = true;
        } else {
            return ctx.out.error(SYNTAX);
        }
    }
    if abort {
        if args.len() > 2 {
            return ctx.out.error(SYNTAX);
        }
        return ctx.out.error("ERR No shutdown in progress.");
    }
    // Like Redis, a successful SHUTDOWN sends no reply: the connection just closes.
    ctx.engine.request_shutdown(mode);
    ctx.client.close_after_reply = true;
}

/// INFO [section ...]
pub fn info(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    const DEFAULT: &[&str] = &[
        "server",
        "clients",
        "memory",
        "persistence",
        "stats",
        "replication",
        "keyspace",
    ];
    let mut wanted: Vec<String> = args[1..]
        .iter()
        .map(|a| String::from_utf8_lossy(a).to_ascii_lowercase())
        .collect();
    if wanted.is_empty() || wanted.iter().any(|w| w == "default") {
        wanted.extend(DEFAULT.iter().map(|s| s.to_string()));
    }
    if wanted.iter().any(|w| w == "all" || w == "everything") {
        wanted.extend(DEFAULT.iter().map(|s| s.to_string()));
    }
    let mut text = String::new();
    for section in DEFAULT {
        if !wanted.iter().any(|w| w == section) {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\r\n");
        }
        info_section(ctx, section, &mut text);
    }
    ctx.out.verbatim(text.as_bytes());
}

fn human_bytes(n: u64) -> String {
    let units = [("G", 1u64 << 30), ("M", 1 << 20), ("K", 1 << 10)];
    for (suffix, size) in units {
        if n >= size {
            return format!("{:.2}{suffix}", n as f64 / size as f64);
        }
    }
    format!("{n}B")
}

fn info_section(ctx: &mut Ctx<'_, '_>, section: &str, text: &mut String) {
    let engine = ctx.engine;
    let now = ctx.now;
    let uptime_s = now.mono_us.saturating_sub(engine.started.mono_us) / 1_000_000;
    let config = engine.config();
    let stats = &engine.stats;
    let ks = &engine.keyspace.stats;
    let load = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    // `write!` into a String cannot fail.
    let _ = match section {
        "server" => write!(
            text,
            "# Server\r\nredis_version:{REDIS_VERSION}\r\nferrite_version:{}\r\nredis_mode:standalone\r\n\
             arch_bits:64\r\nprocess_id:{}\r\nrun_id:{}\r\ntcp_port:{}\r\nserver_time_usec:{}\r\n\
             uptime_in_seconds:{uptime_s}\r\nuptime_in_days:{}\r\nhz:{}\r\nconfigured_hz:{}\r\n",
            env!("CARGO_PKG_VERSION"),
            engine.process_id,
            engine.run_id,
            engine.tcp_port,
            now.unix_us,
            uptime_s / 86_400,
            config.hz,
            config.hz,
        ),
        "clients" => write!(
            text,
            "# Clients\r\nconnected_clients:{}\r\nmaxclients:{}\r\nblocked_clients:{}\r\ntracking_clients:{}\r\n",
            engine.connected_clients(),
            config.maxclients,
            engine.blocking.count(),
            engine.keyspace.tracking.info().0,
        ),
        "memory" => {
            let used = (engine.used_memory)();
            let (lua_eval, lua_functions) = engine.scripting.memory();
            let functions = engine
                .scripting
                .shared
                .function_counts
                .functions
                .load(std::sync::atomic::Ordering::Relaxed);
            write!(
                text,
                "# Memory\r\nused_memory:{used}\r\nused_memory_human:{}\r\nused_memory_lua:{lua_eval}\r\n\
                 used_memory_lua_human:{}\r\nnumber_of_cached_scripts:{}\r\nnumber_of_functions:{functions}\r\n\
                 used_memory_vm_functions:{lua_functions}\r\nmaxmemory:{}\r\nmaxmemory_human:{}\r\n\
                 maxmemory_policy:{}\r\nmem_allocator:libc\r\n",
                human_bytes(used),
                human_bytes(lua_eval as u64),
                engine.scripting.cached_scripts(),
                config.maxmemory,
                human_bytes(config.maxmemory),
                config.maxmemory_policy.name(),
            )
        }
        "persistence" => {
            crate::persist::write_info(engine, now, text);
            Ok(())
        }
        "stats" => {
            let tracking = engine.keyspace.tracking.info();
            write!(
                text,
                "# Stats\r\ntotal_connections_received:{}\r\ntotal_commands_processed:{}\r\ntotal_net_input_bytes:{}\r\n\
             total_net_output_bytes:{}\r\nrejected_connections:{}\r\nexpired_keys:{}\r\nevicted_keys:{}\r\n\
             keyspace_hits:{}\r\nkeyspace_misses:{}\r\npubsub_channels:{}\r\npubsub_patterns:{}\r\n\
             pubsubshard_channels:{}\r\ntracking_total_keys:{}\r\ntracking_total_items:{}\r\n\
             tracking_total_prefixes:{}\r\ntotal_error_replies:{}\r\n",
                load(&stats.total_connections_received),
                load(&stats.total_commands_processed),
                load(&stats.total_net_input_bytes),
                load(&stats.total_net_output_bytes),
                load(&stats.rejected_connections),
                load(&ks.expired_keys),
                load(&ks.evicted_keys),
                load(&ks.keyspace_hits),
                load(&ks.keyspace_misses),
                engine.pubsub().name_count(Kind::Channel),
                engine.pubsub().name_count(Kind::Pattern),
                engine.pubsub().name_count(Kind::Shard),
                tracking.1,
                tracking.2,
                tracking.3,
                load(&stats.total_error_replies),
            )
        }
        "replication" => write!(
            text,
            "# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"
        ),
        "keyspace" => {
            text.push_str("# Keyspace\r\n");
            keyspace_lines(ctx, text);
            Ok(())
        }
        _ => Ok(()),
    };
}

/// `dbN:keys=..,expires=..,avg_ttl=..` for every non-empty database. The average TTL is taken
/// over at most a bounded sample per shard, like Redis's estimate, so INFO stays cheap.
fn keyspace_lines(ctx: &mut Ctx<'_, '_>, text: &mut String) {
    const TTL_SAMPLE_PER_SHARD: usize = 64;
    let now_ms = ctx.now.unix_ms();
    let databases = ctx.engine.keyspace.databases();
    let locked = ctx.lock_all();
    for db in 0..databases {
        let (mut keys, mut expires, mut ttl_sum, mut ttl_count) = (0usize, 0usize, 0u128, 0u128);
        for part in locked.db_shards(db) {
            keys += part.map.len();
            expires += part.expires.len();
            for (deadline, _) in part.expires.iter().rev().take(TTL_SAMPLE_PER_SHARD) {
                ttl_sum += deadline.saturating_sub(now_ms) as u128;
                ttl_count += 1;
            }
        }
        if keys > 0 {
            let avg_ttl = ttl_sum.checked_div(ttl_count).unwrap_or(0);
            let _ = write!(
                text,
                "db{db}:keys={keys},expires={expires},avg_ttl={avg_ttl}\r\n"
            );
        }
    }
}

/// CONFIG GET parameter [parameter ...]
pub fn config_get(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let patterns: Vec<&[u8]> = args[2..].iter().map(|a| &a[..]).collect();
    let pairs = ctx.engine.config().get_matching(&patterns);
    ctx.out.map(pairs.len());
    for (name, value) in pairs {
        ctx.out.bulk(name.as_bytes());
        ctx.out.bulk(value.as_bytes());
    }
}

/// CONFIG SET parameter value [parameter value ...]: all or nothing.
pub fn config_set(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if !args.len().is_multiple_of(2) {
        return ctx.out.error(SYNTAX);
    }
    let owned: Vec<(String, String)> = args[2..]
        .chunks(2)
        .map(|pair| {
            (
                String::from_utf8_lossy(&pair[0]).into_owned(),
                String::from_utf8_lossy(&pair[1]).into_owned(),
            )
        })
        .collect();
    let pairs: Vec<(&str, &str)> = owned
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    match ctx
        .engine
        .update_config(|config| config.set_many(&pairs, true))
    {
        Ok(()) => ctx.out.ok(),
        Err(error @ ConfigError::Unknown(_)) => ctx.out.error(error.message()),
        Err(error) => ctx.out.error(error.message()),
    }
}

/// CONFIG RESETSTAT
pub fn config_resetstat(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.engine.stats.reset();
    let ks = &ctx.engine.keyspace.stats;
    for counter in [
        &ks.expired_keys,
        &ks.evicted_keys,
        &ks.keyspace_hits,
        &ks.keyspace_misses,
    ] {
        counter.store(0, Ordering::Relaxed);
    }
    ctx.out.ok();
}

/// CONFIG HELP
pub fn config_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    reply_help(
        ctx,
        "config",
        &[
            "GET <pattern> [<pattern> ...]",
            "    Return the parameters matching any glob-style pattern, with their values.",
            "SET <parameter> <value> [<parameter> <value> ...]",
            "    Set parameters; either all are set or none is.",
            "RESETSTAT",
            "    Reset the statistics INFO reports.",
        ],
    );
}

/// COMMAND: every command's info.
pub fn command(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let commands = Commands::get();
    ctx.out.array(commands.len());
    for command in commands.iter() {
        write_command_info(ctx, command);
    }
}

/// COMMAND COUNT
pub fn command_count(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.int(Commands::get().len() as i64);
}

/// COMMAND INFO [command-name ...]
pub fn command_info(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if args.len() == 2 {
        return command(ctx, args);
    }
    let commands = Commands::get();
    ctx.out.array(args.len() - 2);
    for name in &args[2..] {
        match find_command(commands, name) {
            Some(command) => write_command_info(ctx, command),
            None => ctx.out.null(),
        }
    }
}

/// Finds `name` or `container|sub`.
fn find_command<'c>(commands: &'c Commands, name: &[u8]) -> Option<&'c Command> {
    let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
    match lower.split_once('|') {
        Some((container, sub)) => commands.lookup(container.as_bytes())?.subcommands.get(sub),
        None => commands.lookup(name),
    }
}

/// One command's COMMAND INFO array (Redis 7 shape: ten fields).
fn write_command_info(ctx: &mut Ctx<'_, '_>, command: &Command) {
    let spec = command.spec;
    let out = &mut *ctx.out;
    out.array(10);
    out.bulk(spec.name.as_bytes());
    out.int(spec.arity as i64);
    out.set(spec.flags.len());
    for flag in spec.flags {
        out.simple(flag);
    }
    let (first, last, step) = spec.keys;
    out.int(first as i64);
    out.int(last as i64);
    out.int(step as i64);
    out.set(spec.acl.len());
    for category in spec.acl {
        out.simple(&format!("@{category}"));
    }
    // Tips, key specs and subcommands are sets in RESP3, as Redis sends them.
    out.set(spec.tips.len());
    for tip in spec.tips {
        out.bulk(tip.as_bytes());
    }
    write_key_specs(out, spec);
    ctx.out.set(command.subcommands.len());
    for sub in command.subcommands.values() {
        write_command_info(ctx, sub);
    }
}

/// Key specifications derived from the key positions: one range spec, or (for commands with
/// several differently-flagged keys such as RENAME) one single-key spec per key.
fn write_key_specs(out: &mut crate::resp::Reply, spec: &Spec) {
    let (first, last, step) = spec.keys;
    out.set(spec.key_flags.len());
    for (i, flags) in spec.key_flags.iter().enumerate() {
        let (index, lastkey, keystep) = if spec.key_flags.len() == 1 {
            (first, if last < 0 { last } else { last - first }, step)
        } else {
            (first + i as i32 * step.max(1), 0, 1)
        };
        let notes = spec.key_notes.get(i).copied().unwrap_or("");
        out.map(if notes.is_empty() { 3 } else { 4 });
        if !notes.is_empty() {
            out.bulk(b"notes");
            out.bulk(notes.as_bytes());
        }
        out.bulk(b"flags");
        let flags: Vec<&str> = flags.split_whitespace().collect();
        out.set(flags.len());
        for flag in flags {
            out.simple(flag);
        }
        out.bulk(b"begin_search");
        out.map(2);
        out.bulk(b"type");
        out.bulk(b"index");
        out.bulk(b"spec");
        out.map(1);
        out.bulk(b"index");
        out.int(index as i64);
        out.bulk(b"find_keys");
        out.map(2);
        out.bulk(b"type");
        out.bulk(b"range");
        out.bulk(b"spec");
        out.map(3);
        out.bulk(b"lastkey");
        out.int(lastkey as i64);
        out.bulk(b"keystep");
        out.int(keystep as i64);
        out.bulk(b"limit");
        out.int(0);
    }
}

/// COMMAND DOCS [command-name ...]: group and version for each command.
pub fn command_docs(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let commands = Commands::get();
    let selected: Vec<&Command> = if args.len() == 2 {
        commands.iter().collect()
    } else {
        args[2..]
            .iter()
            .filter_map(|name| find_command(commands, name))
            .collect()
    };
    ctx.out.map(selected.len());
    for command in selected {
        ctx.out.bulk(command.spec.name.as_bytes());
        write_docs(ctx, command);
    }
}

fn write_docs(ctx: &mut Ctx<'_, '_>, command: &Command) {
    let spec = command.spec;
    let has_subs = !command.subcommands.is_empty();
    ctx.out.map(2 + has_subs as usize);
    ctx.out.bulk(b"since");
    ctx.out.bulk(spec.since.as_bytes());
    ctx.out.bulk(b"group");
    ctx.out.bulk(spec.group.as_bytes());
    if has_subs {
        ctx.out.bulk(b"subcommands");
        ctx.out.map(command.subcommands.len());
        for sub in command.subcommands.values() {
            ctx.out.bulk(sub.spec.name.as_bytes());
            write_docs(ctx, sub);
        }
    }
}

/// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]
pub fn command_list(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut filter: Option<(String, Vec<u8>)> = None;
    match args.len() {
        2 => {}
        5 if eq_ignore_case(&args[2], "filterby") => {
            let kind = String::from_utf8_lossy(&args[3]).to_ascii_lowercase();
            if !["module", "aclcat", "pattern"].contains(&kind.as_str()) {
                return ctx.out.error(SYNTAX);
            }
            filter = Some((kind, args[4].to_vec()));
        }
        _ => return ctx.out.error(SYNTAX),
    }
    let mut names = Vec::new();
    for command in Commands::get().iter() {
        for candidate in std::iter::once(command).chain(command.subcommands.values()) {
            let spec = candidate.spec;
            let keep = match &filter {
                None => std::ptr::eq(candidate, command),
                Some((kind, value)) => match kind.as_str() {
                    "module" => false,
                    "aclcat" => spec
                        .acl
                        .iter()
                        .any(|c| c.as_bytes().eq_ignore_ascii_case(value)),
                    _ => crate::glob::glob_match(value, spec.name.as_bytes(), true),
                },
            };
            if keep {
                names.push(spec.name);
            }
        }
    }
    ctx.out.array(names.len());
    for name in names {
        ctx.out.bulk(name.as_bytes());
    }
}

/// COMMAND GETKEYS command [arg ...]
pub fn command_getkeys(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let target = &args[2..];
    let commands = Commands::get();
    let Some(mut command) = commands.lookup(&target[0]) else {
        return ctx.out.error("ERR Invalid command specified");
    };
    if !command.subcommands.is_empty() && target.len() >= 2 {
        let sub = String::from_utf8_lossy(&target[1]).to_ascii_lowercase();
        match command.subcommands.get(sub.as_str()) {
            Some(found) => command = found,
            None => return ctx.out.error("ERR Invalid command specified"),
        }
    }
    // As Redis: whether the command takes keys at all is answered before its arity, and a
    // key spec flagged `not_key` (SPUBLISH's shard channel) is no key.
    let spec = command.spec;
    let takes_keys = if spec.key_flags.is_empty() {
        spec.keys.0 != 0
    } else {
        spec.key_flags
            .iter()
            .any(|flags| !flags.eq_ignore_ascii_case("not_key"))
    };
    if !takes_keys {
        return ctx.out.error("ERR The command has no key arguments");
    }
    if !command.arity_ok(target.len()) {
        return ctx
            .out
            .error("ERR Invalid number of arguments specified for command");
    }
    // Commands whose keys move with their arguments (`movablekeys`: a key count or a
    // keyword) list none here yet: see docs/COMPATIBILITY.md.
    let positions: Vec<usize> = command.key_positions(target.len()).collect();
    if positions.is_empty() {
        return ctx.out.error("ERR Invalid arguments specified for command");
    }
    ctx.out.array(positions.len());
    for position in positions {
        ctx.out.bulk(&target[position]);
    }
}

/// COMMAND HELP
pub fn command_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    reply_help(
        ctx,
        "command",
        &[
            "(no subcommand)",
            "    Return details about every command.",
            "COUNT",
            "    Return the number of commands.",
            "DOCS [<command-name> ...]",
            "    Return the group and version of the given commands, or of all.",
            "GETKEYS <full-command>",
            "    Return the keys of a full command.",
            "INFO [<command-name> ...]",
            "    Return details about the given commands, or of all.",
            "LIST [FILTERBY (MODULE <name>|ACLCAT <category>|PATTERN <pattern>)]",
            "    Return the names of commands, optionally filtered.",
        ],
    );
}

#[cfg(test)]
mod tests {
    use crate::testing::client;

    #[test]
    fn config_get_set() {
        let mut t = client();
        assert_eq!(
            t.run(&["config", "get", "hz"]),
            "*2\r\n$2\r\nhz\r\n$2\r\n10\r\n"
        );
        assert_eq!(
            t.run(&["config", "set", "hz", "20", "timeout", "3"]),
            "+OK\r\n"
        );
        assert_eq!(
            t.run(&["config", "get", "hz"]),
            "*2\r\n$2\r\nhz\r\n$2\r\n20\r\n"
        );
        assert_eq!(
            t.run(&["config", "set", "hz", "1", "timeout"]),
            "-ERR syntax error\r\n"
        );
        assert_eq!(
            t.run(&["config", "set", "foo", "1"]),
            "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n"
        );
        assert_eq!(t.run(&["config", "set", "requirepass", "pw"]), "+OK\r\n");
        assert_eq!(
            t.run(&["config", "get", "requirepass"]),
            "*2\r\n$11\r\nrequirepass\r\n$2\r\npw\r\n"
        );
    }

    #[test]
    fn time_swapdb_flush_shutdown() {
        let mut t = client();
        assert_eq!(t.run(&["time"]), "*2\r\n$10\r\n1700000000\r\n$1\r\n0\r\n");
        assert_eq!(
            t.run(&["swapdb", "0", "x"]),
            "-ERR invalid second DB index\r\n"
        );
        assert_eq!(
            t.run(&["swapdb", "0", "20"]),
            "-ERR DB index is out of range\r\n"
        );
        assert_eq!(t.run(&["flushall", "x"]), "-ERR syntax error\r\n");
        assert_eq!(t.run(&["flushall", "sync"]), "+OK\r\n");
        assert_eq!(t.run(&["dbsize"]), ":0\r\n");
        assert_eq!(t.run(&["shutdown", "foo"]), "-ERR syntax error\r\n");
        assert_eq!(
            t.run(&["shutdown", "abort"]),
            "-ERR No shutdown in progress.\r\n"
        );
        assert_eq!(t.run(&["shutdown", "nosave"]), "");
        assert!(t.engine.shutdown_requested().is_some());
    }

    #[test]
    fn command_introspection() {
        let mut t = client();
        let count: usize = t
            .run(&["command", "count"])
            .trim_start_matches(':')
            .trim()
            .parse()
            .unwrap();
        assert!(count > 60);
        let info = t.run(&["command", "info", "get", "nope"]);
        assert!(
            info.starts_with(
                "*2\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
            ),
            "{info}"
        );
        assert!(info.ends_with("$-1\r\n"));
        assert_eq!(
            t.run(&["command", "getkeys", "mset", "a", "1", "b", "2"]),
            "*2\r\n$1\r\na\r\n$1\r\nb\r\n"
        );
        assert_eq!(
            t.run(&["command", "getkeys", "foo", "a"]),
            "-ERR Invalid command specified\r\n"
        );
        assert_eq!(
            t.run(&["command", "getkeys", "set", "a"]),
            "-ERR Invalid number of arguments specified for command\r\n"
        );
        assert_eq!(
            t.run(&["command", "getkeys", "ping", "x"]),
            "-ERR The command has no key arguments\r\n"
        );
        // Found by tests/difffuzz: that answer comes before the arity check.
        assert_eq!(
            t.run(&["command", "getkeys", "keys", "a", "b"]),
            "-ERR The command has no key arguments\r\n"
        );
        assert_eq!(
            t.run(&["command", "getkeys", "spublish", "ch", "m"]),
            "-ERR The command has no key arguments\r\n"
        );
        assert_eq!(
            t.run(&["command", "getkeys", "xread", "a", "b", "c"]),
            "-ERR Invalid arguments specified for command\r\n"
        );
        let list = t.run(&["command", "list", "filterby", "aclcat", "connection"]);
        assert!(list.contains("client|kill") && list.contains("$4\r\nping\r\n"));
        let all = t.run(&["command"]);
        assert!(all.starts_with(&format!("*{count}\r\n")));
    }

    #[test]
    fn info_sections() {
        let mut t = client();
        let info = t.run(&["info"]);
        for section in [
            "# Server",
            "# Clients",
            "# Memory",
            "# Persistence",
            "# Stats",
            "# Replication",
            "# Keyspace",
        ] {
            assert!(info.contains(section), "missing {section}");
        }
        let only = t.run(&["info", "clients"]);
        assert!(only.contains("connected_clients:1\r\n") && !only.contains("# Server"));
    }
}
