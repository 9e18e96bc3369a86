//! Command handlers, one file per family: `conn` (connection), `server` (server-wide),
//! `keys` (generic keyspace commands), `t_string` (strings). Later value types each get a
//! `t_<type>.rs`. Handlers are registered in `command::table`.
//!
//! Every handler writes exactly one reply to `ctx.out`.

pub mod conn;
pub mod keys;
pub mod server;
pub mod t_string;

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

/// Parses a database index argument (SELECT, MOVE, COPY DB, SWAPDB).
pub fn db_arg(ctx: &mut Ctx<'_, '_>, arg: &[u8]) -> Option<usize> {
    let index = int_arg(ctx, arg)?;
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
    ctx.out.simple("    Print this help.");
}
