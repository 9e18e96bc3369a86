//! Command specs and their lookup. The table itself is data in [`table`]; this module turns it
//! into an index (lowercase name to resolved command with flag bits) built once per process.

pub mod table;

use std::sync::OnceLock;

use ahash::RandomState;
use bytes::Bytes;
use indexmap::IndexMap;

use crate::session::Ctx;

/// A command handler. It parses its own arguments (`args[0]` is the command name; for a
/// subcommand `args[1]` is the subcommand) and writes exactly one reply.
pub type Handler = fn(&mut Ctx<'_, '_>, &[Bytes]);

/// One row of the command table.
#[derive(Debug)]
pub struct Spec {
    /// Lowercase name; subcommands are `container|sub`.
    pub name: &'static str,
    /// Exact argument count including the name, or `-n` for "at least n".
    pub arity: i32,
    /// Redis command flags (`write`, `readonly`, `fast`, ...).
    pub flags: &'static [&'static str],
    /// ACL categories without the `@`.
    pub acl: &'static [&'static str],
    /// First key, last key (negative counts from the end), step; (0, 0, 0) for none.
    pub keys: (i32, i32, i32),
    /// Key-spec flags per key spec (`RW access update`, ...), for COMMAND INFO.
    pub key_flags: &'static [&'static str],
    /// Notes per key spec (parallel to `key_flags`; empty: none), for COMMAND INFO.
    pub key_notes: &'static [&'static str],
    /// Command tips (`nondeterministic_output`, request/response policies).
    pub tips: &'static [&'static str],
    pub group: &'static str,
    pub since: &'static str,
    /// `None` for containers whose work is always done by a subcommand.
    pub handler: Option<Handler>,
    pub subcommands: &'static [Spec],
}

/// Flag bits the dispatcher checks on every call.
pub mod flag {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 3;
    pub const NOSCRIPT: u32 = 1 << 4;
    pub const LOADING: u32 = 1 << 5;
    pub const STALE: u32 = 1 << 6;
    pub const FAST: u32 = 1 << 7;
    pub const NO_AUTH: u32 = 1 << 8;
    pub const BLOCKING: u32 = 1 << 9;
    pub const PUBSUB: u32 = 1 << 10;
    pub const NO_MULTI: u32 = 1 << 11;
    pub const ALLOW_BUSY: u32 = 1 << 12;
    pub const SKIP_MONITOR: u32 = 1 << 13;
    pub const SKIP_SLOWLOG: u32 = 1 << 14;

    pub fn from_names(names: &[&str]) -> u32 {
        names.iter().fold(0, |bits, name| {
            bits | match *name {
                "write" => WRITE,
                "readonly" => READONLY,
                "denyoom" => DENYOOM,
                "admin" => ADMIN,
                "noscript" => NOSCRIPT,
                "loading" => LOADING,
                "stale" => STALE,
                "fast" => FAST,
                "no_auth" => NO_AUTH,
                "blocking" => BLOCKING,
                "pubsub" => PUBSUB,
                "no_multi" => NO_MULTI,
                "allow_busy" => ALLOW_BUSY,
                "skip_monitor" => SKIP_MONITOR,
                "skip_slowlog" => SKIP_SLOWLOG,
                _ => 0,
            }
        })
    }
}

/// A command ready to dispatch.
#[derive(Debug)]
pub struct Command {
    /// Position in [`Commands::by_id`]: a small number clients can record cheaply.
    pub id: u32,
    pub spec: &'static Spec,
    pub flags: u32,
    /// Subcommands by lowercase name (without the container prefix).
    pub subcommands: IndexMap<&'static str, Command, RandomState>,
}

impl Command {
    fn new(spec: &'static Spec, all: &mut Vec<&'static Spec>) -> Command {
        let id = all.len() as u32;
        all.push(spec);
        let mut subcommands = IndexMap::with_hasher(fixed_hasher());
        for sub in spec.subcommands {
            let short = sub.name.split_once('|').map_or(sub.name, |(_, s)| s);
            subcommands.insert(short, Command::new(sub, all));
        }
        Command {
            id,
            spec,
            flags: flag::from_names(spec.flags),
            subcommands,
        }
    }

    pub fn has(&self, bits: u32) -> bool {
        self.flags & bits != 0
    }

    /// True when `argc` arguments (name included) satisfy the arity.
    pub fn arity_ok(&self, argc: usize) -> bool {
        let arity = self.spec.arity;
        if arity >= 0 {
            argc == arity as usize
        } else {
            argc >= (-arity) as usize
        }
    }

    /// The positions of the key arguments in `args`, from the spec's (first, last, step).
    pub fn key_positions(&self, argc: usize) -> impl Iterator<Item = usize> {
        let (first, last, step) = self.spec.keys;
        let (first, step) = (first.max(0) as usize, step.max(1) as usize);
        let last = if last < 0 {
            argc as i64 + last as i64
        } else {
            last as i64
        };
        let end = if first == 0 {
            0
        } else {
            (last.max(0) as usize + 1).min(argc)
        };
        (first..end.max(first)).step_by(step)
    }
}

fn fixed_hasher() -> RandomState {
    // Lookups only: no iteration order escapes, but keep it fixed anyway for determinism.
    RandomState::with_seeds(0x5eed_0001, 0x5eed_0002, 0x5eed_0003, 0x5eed_0004)
}

/// The index of every command, by lowercase name, in table order.
pub struct Commands {
    by_name: IndexMap<&'static str, Command, RandomState>,
    /// Every command and subcommand, by id.
    all: Vec<&'static Spec>,
}

impl Commands {
    fn build() -> Commands {
        let mut by_name = IndexMap::with_hasher(fixed_hasher());
        let mut all = Vec::new();
        for spec in table::FAMILIES.iter().flat_map(|family| family.iter()) {
            // A container may also have a handler of its own, run when no subcommand is given
            // (COMMAND alone lists every command).
            assert!(
                spec.handler.is_some() || !spec.subcommands.is_empty(),
                "{}: nothing to run",
                spec.name
            );
            let previous = by_name.insert(spec.name, Command::new(spec, &mut all));
            assert!(previous.is_none(), "duplicate command {}", spec.name);
        }
        Commands { by_name, all }
    }

    /// The spec of the command or subcommand with this id.
    pub fn by_id(&self, id: u32) -> Option<&'static Spec> {
        self.all.get(id as usize).copied()
    }

    /// The process-wide index.
    pub fn get() -> &'static Commands {
        static COMMANDS: OnceLock<Commands> = OnceLock::new();
        COMMANDS.get_or_init(Commands::build)
    }

    /// Finds a command by name, in any letter case.
    pub fn lookup(&self, name: &[u8]) -> Option<&Command> {
        let mut lower = [0u8; 32];
        if name.len() > lower.len() {
            return None;
        }
        for (dst, src) in lower.iter_mut().zip(name) {
            *dst = src.to_ascii_lowercase();
        }
        let name = std::str::from_utf8(&lower[..name.len()]).ok()?;
        self.by_name.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Command> {
        self.by_name.values()
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_well_formed() {
        let commands = Commands::get();
        assert!(commands.len() > 50);
        for command in commands.iter() {
            assert_eq!(command.spec.name, command.spec.name.to_ascii_lowercase());
            assert_ne!(command.spec.arity, 0, "{}", command.spec.name);
            for sub in command.subcommands.values() {
                assert!(
                    sub.spec
                        .name
                        .starts_with(&format!("{}|", command.spec.name))
                );
                assert!(sub.spec.handler.is_some());
            }
        }
        assert!(commands.lookup(b"GeT").is_some());
        assert!(commands.lookup(b"nope").is_none());
    }

    #[test]
    fn key_positions_follow_first_last_step() {
        let commands = Commands::get();
        let mset = commands.lookup(b"mset").unwrap();
        assert_eq!(mset.key_positions(5).collect::<Vec<_>>(), vec![1, 3]);
        let del = commands.lookup(b"del").unwrap();
        assert_eq!(del.key_positions(4).collect::<Vec<_>>(), vec![1, 2, 3]);
        let ping = commands.lookup(b"ping").unwrap();
        assert_eq!(ping.key_positions(2).count(), 0);
        let encoding = &commands.lookup(b"object").unwrap().subcommands["encoding"];
        assert_eq!(encoding.key_positions(3).collect::<Vec<_>>(), vec![2]);
    }
}
