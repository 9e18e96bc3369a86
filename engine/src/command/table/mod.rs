//! The command table: one row per command, as data. Arity, flags, ACL categories and key
//! positions drive the shared checks (arity, key extraction and shard locking, auth, COMMAND
//! INFO) so handlers never repeat them. Rows were bootstrapped from a live redis-server with
//! `scripts/gen_command_table.py` and are kept in step with it by `tests/tests/command_table.rs`.
//!
//! One file per command group, rows as Redis lists them; subcommands sorted by name.

mod bitmap;
mod connection;
mod generic;
mod geo;
mod hash;
mod hyperloglog;
mod list;
mod pubsub;
mod scripting;
mod server;
mod set;
mod stream;
mod string;
mod transactions;
mod zset;

use super::Spec;

/// Every family's rows. A new family (a value type, scripting, ...) adds its own file here, so
/// that families can be written side by side without touching each other's rows.
pub static FAMILIES: &[&[Spec]] = &[
    connection::COMMANDS,
    server::COMMANDS,
    generic::COMMANDS,
    string::COMMANDS,
    list::COMMANDS,
    hash::COMMANDS,
    set::COMMANDS,
    zset::COMMANDS,
    geo::COMMANDS,
    stream::COMMANDS,
    transactions::COMMANDS,
    bitmap::COMMANDS,
    hyperloglog::COMMANDS,
    pubsub::COMMANDS,
    scripting::COMMANDS,
];
