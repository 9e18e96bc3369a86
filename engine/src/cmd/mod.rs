//! Command handlers, one file per family: `conn` (connection), `server` (server-wide),
//! `keys` (generic keyspace commands), `expire` (TTL commands), `t_string` (strings). Later value types each get a
//! `t_<type>.rs`. Handlers are registered in `command::table`.
//!
//! Every handler writes exactly one reply to `ctx.out`.

pub mod admin;
pub mod conn;
pub mod debug;
pub mod dump;
pub mod eval;
pub mod expire;
pub mod function;
pub mod introspect;
pub mod keys;
pub mod multi;
pub mod persist;
pub mod pubsub;
pub mod server;
pub mod sort;
pub mod t_bitmap;
pub mod t_geo;
pub mod t_hash;
pub mod t_hll;
pub mod t_list;
pub mod t_set;
pub mod t_set_ops;
pub mod t_set_random;
pub mod t_stream;
pub mod t_string;
pub mod t_string_lcs;
pub mod t_zset;
pub mod tracking;

use crate::resp::parse::parse_i64;
use crate::session::Ctx;

pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
pub const NOT_INTEGER: &str = "ERR value is not an integer or out of range";
pub const NOT_FLOAT: &str = "ERR value is not a valid float";
pub const SYNTAX: &str = "ERR syntax error";
pub const OVERFLOW: &str = "ERR increment or decrement would overflow";
pub const NO_SUCH_KEY: &str = "ERR no such key";
pub const DB_OUT_OF_RANGE: &str = "ERR DB index is out of range";

/// Parses an integer argument, replying Redis's error when it is not one.
pub fn int_arg(ctx: &mut Ctx<'_, '_>, arg: &[u8]) -> Option<i64> {
    let parsed = parse_i64(arg);
    if parsed.is_none() {
        ctx.out.error(NOT_INTEGER);
    }
    parsed
}

pub const INT_RANGE: &str =
    "ERR value is out of range, value must between -2147483648 and 2147483647";

/// Parses a database index argument (SELECT, MOVE, COPY ... DB) as Redis does: an integer
/// (`getIntFromObjectOrReply`, so 32-bit), then a range check against `databases`.
pub fn db_arg(ctx: &mut Ctx<'_, '_>, arg: &[u8]) -> Option<usize> {
    let index = int_arg(ctx, arg)?;
    if i32::try_from(index).is_err() {
        ctx.out.error(INT_RANGE);
        return None;
    }
    if index < 0 || index as usize >= ctx.engine.keyspace.databases() {
        ctx.out.error(DB_OUT_OF_RANGE);
        return None;
    }
    Some(index as usize)
}

/// Writes the HELP reply of a container command: the header line, the lines, and the closing
/// HELP line, as Redis's `addReplyHelp` does.
pub fn reply_help(ctx: &mut Ctx<'_, '_>, command: &str, lines: &[&str]) {
    let header = format!(
        "{} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        command.to_ascii_uppercase()
    );
    ctx.out.array(lines.len() + 3);
    ctx.out.simple(&header);
    for line in lines {
        ctx.out.simple(line);
    }
    ctx.out.simple("HELP");
    ctx.out.simple("    Prints this help.");
}
