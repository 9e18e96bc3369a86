//! Lua scripting, as Redis 7.0 embeds it: EVAL scripts and FUNCTION libraries on Lua 5.1
//! (the `mlua` crate with its vendored Lua 5.1, chosen because Redis runs exactly that
//! language version and scripts in the wild depend on its quirks).
//!
//! What lives where:
//! - [`gate`]: how a running script excludes every other command without any other thread
//!   blocking on a shard lock the script holds (BUSY and SCRIPT KILL depend on it).
//! - [`vm`]: building a sandboxed Lua state (readonly globals, no `os`/`io`/`print`, Redis's
//!   deterministic `math.random`, the `redis` table, the bundled libraries).
//! - [`run`]: running a script function against a command context: `redis.call`/`pcall`
//!   through the normal command table, the kill/timeout hook, error formatting.
//! - [`convert`]: Redis's Lua <-> RESP conversions in both directions.
//! - [`shebang`]: `#!lua flags=...` / `#!lua name=...` headers.
//! - [`functions`]: FUNCTION libraries (load, list, dump/restore payloads).
//! - `lib_*`: the `bit`, `cjson`, `cmsgpack` and `struct` libraries, written here in Rust.
//!
//! The engine stays sans-I/O: a script that runs long reads time through a clock the driver
//! installs ([`Scripting::set_clock`]); with none installed a script never times out.

pub mod convert;
pub mod functions;
pub mod gate;
mod lib_bit;
mod lib_cjson;
mod lib_cjson_decode;
mod lib_cmsgpack;
mod lib_number;
mod lib_struct;
mod lib_support;
pub mod run;
pub mod shebang;
pub mod vm;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use bytes::Bytes;

use crate::Now;

/// Reads the current time for a running script (the server's I/O clock, or the simulator's).
pub type Clock = Arc<dyn Fn() -> Now + Send + Sync>;

/// `busy-reply-threshold` default, in milliseconds.
pub const BUSY_REPLY_THRESHOLD_MS_DEFAULT: u64 = 5000;

pub const BUSY_SCRIPT: &str =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
pub const BUSY_FUNCTION: &str =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
pub const NOTBUSY: &str = "NOTBUSY No scripts in execution right now.";
pub const UNKILLABLE: &str = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";

/// What a running script shares with other threads (SCRIPT KILL) and with its own hook.
#[derive(Default)]
pub struct Shared {
    pub gate: gate::Gate,
    /// Set by SCRIPT KILL / FUNCTION KILL / SHUTDOWN: the hook aborts the script.
    pub kill: AtomicBool,
    /// The running script has called a write command (it can no longer be killed).
    pub wrote: AtomicBool,
    /// The running script is a function (FCALL), not an EVAL script.
    pub is_function: AtomicBool,
    /// When the running script started (monotonic µs).
    pub started_mono_us: AtomicU64,
    pub busy_threshold_ms: AtomicU64,
    /// While FUNCTION LOAD runs library code: when it must stop (monotonic µs; 0 = not
    /// loading). Loading is not a running script: no BUSY, no SCRIPT KILL, only this limit.
    pub load_deadline_mono_us: AtomicU64,
    clock: RwLock<Option<Clock>>,
    /// Library and function counts, for FUNCTION STATS while a function runs.
    pub function_counts: functions::Counts,
    /// The running function's name and command (an EVAL script: no name), for FUNCTION STATS.
    pub running: Mutex<Option<(String, Vec<Bytes>)>>,
}

impl Shared {
    /// The time now, from the installed clock; `None` without one.
    pub fn now(&self) -> Option<Now> {
        let clock = self.clock.read().unwrap_or_else(|p| p.into_inner());
        clock.as_ref().map(|clock| clock())
    }

    /// Called by the hook while library code loads: `None` when nothing is loading, else
    /// whether the load has run out of time.
    pub fn load_timed_out(&self) -> Option<bool> {
        let deadline = self.load_deadline_mono_us.load(Ordering::SeqCst);
        if deadline == 0 {
            return None;
        }
        Some(self.now().is_some_and(|now| now.mono_us >= deadline))
    }

    /// Called by the running script's hook: marks the script timed out once it has run past
    /// the threshold, and says whether it must stop.
    pub fn check(&self) -> bool {
        if !self.gate.timed_out()
            && let Some(now) = self.now()
        {
            let elapsed_ms = now
                .mono_us
                .saturating_sub(self.started_mono_us.load(Ordering::Relaxed))
                / 1000;
            if elapsed_ms >= self.busy_threshold_ms.load(Ordering::Relaxed) {
                self.gate.mark_timed_out();
            }
        }
        self.kill.load(Ordering::SeqCst)
    }

    /// The BUSY error other clients get while this script runs past the threshold.
    pub fn busy_error(&self) -> &'static str {
        if self.is_function.load(Ordering::Relaxed) {
            BUSY_FUNCTION
        } else {
            BUSY_SCRIPT
        }
    }
}

/// The EVAL side: one Lua state and the scripts cache.
pub struct EvalVm {
    pub vm: vm::Vm,
    /// Compiled scripts by SHA1 (lowercase hex): the function and its shebang flags.
    pub scripts: BTreeMap<String, (mlua::Function, shebang::ScriptFlags)>,
}

/// Scripting state of one engine.
pub struct Scripting {
    pub shared: Arc<Shared>,
    eval: Mutex<Option<EvalVm>>,
    functions: Mutex<Option<functions::Libraries>>,
}

impl Default for Scripting {
    fn default() -> Self {
        let shared = Arc::new(Shared::default());
        shared
            .busy_threshold_ms
            .store(BUSY_REPLY_THRESHOLD_MS_DEFAULT, Ordering::Relaxed);
        Scripting {
            shared,
            eval: Mutex::new(None),
            functions: Mutex::new(None),
        }
    }
}

impl Scripting {
    /// Installs the clock running scripts read to notice `busy-reply-threshold`.
    pub fn set_clock(&self, clock: Clock) {
        *self.shared.clock.write().unwrap_or_else(|p| p.into_inner()) = Some(clock);
    }

    pub fn gate(&self) -> &gate::Gate {
        &self.shared.gate
    }

    /// The EVAL state, created on first use (an engine that never runs a script pays nothing).
    pub fn eval(&self) -> MutexGuard<'_, Option<EvalVm>> {
        let mut guard = self.eval.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(EvalVm {
                vm: vm::Vm::new(self.shared.clone(), vm::Kind::Eval)
                    .expect("a fresh Lua state builds"),
                scripts: BTreeMap::new(),
            });
        }
        guard
    }

    /// SCRIPT FLUSH: a fresh Lua state and an empty cache.
    pub fn flush_scripts(&self) {
        *self.eval.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    pub fn cached_scripts(&self) -> usize {
        self.eval
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map_or(0, |e| e.scripts.len())
    }

    /// Whether a script command is `denyoom` by what its script declares, as Redis derives
    /// EVAL's and FCALL's flags from the script: a shebang (every function has one) without
    /// `no-writes` or `allow-oom` makes it a `denyoom` write. Scripts without a shebang are
    /// not refused up front; their first write is (see `run::call_command`).
    pub fn script_denies_oom(&self, name: &str, args: &[Bytes]) -> bool {
        let denies =
            |flags: &shebang::ScriptFlags| flags.declared && !flags.no_writes && !flags.allow_oom;
        let Some(target) = args.get(1) else {
            return false;
        };
        match name {
            "eval" | "eval_ro" => shebang::parse_eval(target).is_ok_and(|f| denies(&f)),
            "evalsha" | "evalsha_ro" => {
                let sha = String::from_utf8_lossy(target).to_ascii_lowercase();
                let guard = self.eval.lock().unwrap_or_else(|p| p.into_inner());
                guard
                    .as_ref()
                    .and_then(|eval| eval.scripts.get(&sha))
                    .is_some_and(|(_, flags)| denies(flags))
            }
            "fcall" | "fcall_ro" => {
                let name = String::from_utf8_lossy(target);
                let guard = self.functions.lock().unwrap_or_else(|p| p.into_inner());
                guard
                    .as_ref()
                    .and_then(|libraries| libraries.function(&name))
                    .is_some_and(|f| !f.flags.no_writes && !f.flags.allow_oom)
            }
            _ => false,
        }
    }

    /// The function libraries, created on first use.
    pub fn functions(&self) -> MutexGuard<'_, Option<functions::Libraries>> {
        let mut guard = self.functions.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(functions::Libraries::new(self.shared.clone()));
        }
        guard
    }

    /// Bytes the Lua states use (INFO `used_memory_lua`, `used_memory_vm_functions`).
    pub fn memory(&self) -> (usize, usize) {
        let eval = self
            .eval
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map_or(0, |e| e.vm.lua.used_memory());
        let functions = self
            .functions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map_or(0, |f| f.vm.lua.used_memory());
        (eval, functions)
    }

    /// SCRIPT KILL (`function == false`) or FUNCTION KILL: the error to reply, or `None` when
    /// the running script was told to stop.
    pub fn kill(&self, function: bool) -> Option<&'static str> {
        let shared = &self.shared;
        if !shared.gate.held() {
            return Some(NOTBUSY);
        }
        let running_function = shared.is_function.load(Ordering::SeqCst);
        if running_function != function {
            return Some(if running_function {
                BUSY_FUNCTION
            } else {
                BUSY_SCRIPT
            });
        }
        if shared.wrote.load(Ordering::SeqCst) {
            return Some(UNKILLABLE);
        }
        shared.kill.store(true, Ordering::SeqCst);
        None
    }
}

/// The SHA1 of `data` as 40 lowercase hex digits.
pub fn sha1_hex(data: &[u8]) -> String {
    sha1_smol::Sha1::from(data).digest().to_string()
}

/// True for the commands that run a script, which take the script gate as its writer.
pub fn runs_script(command: &crate::command::Command) -> bool {
    matches!(
        command.spec.name,
        "eval" | "evalsha" | "eval_ro" | "evalsha_ro" | "fcall" | "fcall_ro"
    )
}

/// True when `command` must take the gate as the writer: a script, or EXEC of a transaction
/// that queued one (EXEC already holds every shard, so the script inside it must not wait).
pub fn takes_gate_as_writer(
    command: &crate::command::Command,
    client: &crate::session::Client,
) -> bool {
    if client.multi.is_some() && command.spec.name != "exec" {
        // Queued, not run.
        return false;
    }
    runs_script(command)
        || (command.spec.name == "exec"
            && client
                .multi
                .as_ref()
                .is_some_and(|m| m.queued.iter().any(|(queued, _)| runs_script(queued))))
}
#[cfg(test)]
mod tests;
