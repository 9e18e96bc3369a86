//! Server configuration: the parameters Ferrite has, their defaults, and how CONFIG GET/SET
//! and the config file read and write them. Each parameter is a row with a getter and a
//! setter, so CONFIG GET, CONFIG SET and the redis.conf reader share one definition.

use crate::evict::Policy;
use crate::glob::glob_match;
use crate::keyspace::access::{LFU_DECAY_TIME_DEFAULT, LFU_LOG_FACTOR_DEFAULT};
use crate::pubsub::notify;

#[derive(Clone, Debug)]
pub struct Config {
    pub bind: Vec<String>,
    pub port: u16,
    pub requirepass: Option<Vec<u8>>,
    pub databases: usize,
    pub maxclients: u64,
    /// `tracking-table-max-keys` (0: no limit).
    pub tracking_table_max_keys: u64,
    pub loglevel: String,
    pub logfile: String,
    pub proto_max_bulk_len: u64,
    pub client_query_buffer_limit: u64,
    pub hz: u32,
    /// Idle client timeout in seconds; 0 disables it.
    pub timeout: u64,
    /// Working directory for persistence files.
    pub dir: String,
    pub appendonly: bool,
    pub appendfsync: crate::aof::Fsync,
    pub appenddirname: String,
    pub appendfilename: String,
    /// Load a log whose last record is torn (dropping it), rather than refuse to start.
    pub aof_load_truncated: bool,
    /// `save` rules: snapshot after `seconds` if at least `changes` writes happened.
    pub save: Vec<(u64, u64)>,
    pub dbfilename: String,
    pub rdbcompression: bool,
    pub rdbchecksum: bool,
    /// Refuse writes (`-MISCONF`) while the last background save failed.
    pub stop_writes_on_bgsave_error: bool,
    /// Rewrite the log when it grew by this percentage over its base (0 disables).
    pub auto_aof_rewrite_percentage: u64,
    /// ... and is at least this big.
    pub auto_aof_rewrite_min_size: u64,
    /// Bytes of memory above which keys are evicted (see `crate::evict`); 0 = no limit.
    pub maxmemory: u64,
    pub maxmemory_policy: Policy,
    /// Keys sampled per eviction round.
    pub maxmemory_samples: u32,
    /// How slowly the LFU counter grows (see `keyspace::access`).
    pub lfu_log_factor: u32,
    /// Minutes per LFU counter decrement of an idle key; 0 = never decay.
    pub lfu_decay_time: u32,
    /// `notify-keyspace-events` as class bits (see `pubsub::notify::class`).
    pub notify_keyspace_events: u32,
    /// `client-output-buffer-limit` per client class, indexed by [`ObufClass`].
    pub client_output_buffer_limit: [ObufLimit; 3],
    /// `busy-reply-threshold` (alias `lua-time-limit`): how long a script runs before other
    /// clients get BUSY and SCRIPT KILL may stop it, in milliseconds.
    pub busy_reply_threshold_ms: u64,
    /// `slowlog-log-slower-than`: commands taking at least this many microseconds are logged
    /// (see `crate::slowlog`); negative disables the log, 0 logs everything.
    pub slowlog_log_slower_than_us: i64,
    /// `slowlog-max-len`: entries kept.
    pub slowlog_max_len: u64,
    /// `latency-monitor-threshold`: events taking at least this many milliseconds are
    /// sampled (see `crate::latency`); 0 disables the monitor.
    pub latency_monitor_threshold_ms: u64,
}

/// The client classes of `client-output-buffer-limit`, in the order Redis prints them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObufClass {
    Normal = 0,
    Replica = 1,
    Pubsub = 2,
}

/// One class's output buffer limit: disconnect at `hard_bytes`, or after staying at or over
/// `soft_bytes` for more than `soft_seconds`. Zero bytes means no limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ObufLimit {
    pub hard_bytes: u64,
    pub soft_bytes: u64,
    pub soft_seconds: u64,
}

impl ObufLimit {
    /// Redis's `checkClientOutputBufferLimits`: true when a client with `used` bytes pending
    /// must be closed. `soft_since_ms` is the client's record of when it first reached the soft
    /// limit (cleared when it drops below).
    pub fn reached(&self, used: u64, soft_since_ms: &mut Option<u64>, now_ms: u64) -> bool {
        let hard = self.hard_bytes != 0 && used >= self.hard_bytes;
        let over_soft = self.soft_bytes != 0 && used >= self.soft_bytes;
        let soft = if over_soft {
            match *soft_since_ms {
                None => {
                    *soft_since_ms = Some(now_ms);
                    false
                }
                Some(since) => now_ms.saturating_sub(since) > self.soft_seconds * 1000,
            }
        } else {
            *soft_since_ms = None;
            false
        };
        hard || soft
    }
}

/// Redis's defaults: `normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60`.
pub const OBUF_LIMITS_DEFAULT: [ObufLimit; 3] = [
    ObufLimit {
        hard_bytes: 0,
        soft_bytes: 0,
        soft_seconds: 0,
    },
    ObufLimit {
        hard_bytes: 256 << 20,
        soft_bytes: 64 << 20,
        soft_seconds: 60,
    },
    ObufLimit {
        hard_bytes: 32 << 20,
        soft_bytes: 8 << 20,
        soft_seconds: 60,
    },
];

const OBUF_CLASS_NAMES: [&str; 3] = ["normal", "slave", "pubsub"];

/// Formats `client-output-buffer-limit` as CONFIG GET shows it.
fn format_obuf_limits(limits: &[ObufLimit; 3]) -> String {
    limits
        .iter()
        .zip(OBUF_CLASS_NAMES)
        .map(|(l, name)| {
            format!(
                "{name} {} {} {}",
                l.hard_bytes, l.soft_bytes, l.soft_seconds
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Redis's `memtoull`: digits with an optional unit (`k` = 1000, `kb` = 1024, likewise m and
/// g, any case); no sign. The product wraps as in C.
fn memtoull(value: &str) -> Option<u64> {
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (digits, unit) = value.split_at(split);
    let multiplier: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    // strtoull of no digits is 0; of too many, an error.
    let number = if digits.is_empty() {
        0
    } else {
        digits.parse::<u64>().ok()?
    };
    Some(number.wrapping_mul(multiplier))
}

/// `strtoll(value, &end, 10)` with `*end == '\0'` required: leading blanks and a sign are
/// allowed, an empty string is 0, and out-of-range values clamp as strtoll's do.
fn strtoll_whole(value: &str) -> Option<i64> {
    let trimmed = value.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    if trimmed.is_empty() {
        return Some(0);
    }
    let (negative, digits) = match trimmed.as_bytes()[0] {
        b'-' => (true, &trimmed[1..]),
        b'+' => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(match trimmed.parse::<i64>() {
        Ok(n) => n,
        Err(_) if negative => i64::MIN,
        Err(_) => i64::MAX,
    })
}

/// Redis's `setConfigClientOutputBufferLimitOption`: `<class> <hard> <soft> <seconds>`
/// groups, all checked before any is applied.
fn set_obuf_limits(config: &mut Config, value: &str) -> Result<(), SetError> {
    // sdssplitlen on single spaces: "" has no fields, "a  b" has an empty one.
    let fields: Vec<&str> = if value.is_empty() {
        Vec::new()
    } else {
        value.split(' ').collect()
    };
    if !fields.len().is_multiple_of(4) {
        return Err("Wrong number of arguments in buffer limit configuration.".into());
    }
    let mut next = config.client_output_buffer_limit;
    for group in fields.chunks(4) {
        let class = match group[0].to_ascii_lowercase().as_str() {
            "normal" => ObufClass::Normal,
            "slave" | "replica" => ObufClass::Replica,
            "pubsub" => ObufClass::Pubsub,
            _ => {
                return Err("Invalid client class specified in buffer limit configuration.".into());
            }
        };
        let (hard, soft, seconds) = (
            memtoull(group[1]),
            memtoull(group[2]),
            strtoll_whole(group[3]),
        );
        let (Some(hard_bytes), Some(soft_bytes), Some(seconds)) = (hard, soft, seconds) else {
            return Err(
                "Error in hard, soft or soft_seconds setting in buffer limit configuration.".into(),
            );
        };
        if seconds < 0 {
            return Err(
                "Error in hard, soft or soft_seconds setting in buffer limit configuration.".into(),
            );
        }
        next[class as usize] = ObufLimit {
            hard_bytes,
            soft_bytes,
            soft_seconds: seconds as u64,
        };
    }
    config.client_output_buffer_limit = next;
    Ok(())
}

impl Default for Config {
    fn default() -> Config {
        Config {
            bind: vec!["127.0.0.1".into()],
            port: 6379,
            requirepass: None,
            databases: 16,
            maxclients: 10_000,
            tracking_table_max_keys: crate::tracking::MAX_KEYS_DEFAULT,
            loglevel: "notice".into(),
            logfile: String::new(),
            proto_max_bulk_len: 512 * 1024 * 1024,
            client_query_buffer_limit: 1024 * 1024 * 1024,
            hz: 10,
            busy_reply_threshold_ms: crate::scripting::BUSY_REPLY_THRESHOLD_MS_DEFAULT,
            slowlog_log_slower_than_us: 10_000,
            slowlog_max_len: 128,
            latency_monitor_threshold_ms: 0,
            timeout: 0,
            dir: ".".into(),
            appendonly: false,
            appendfsync: crate::aof::Fsync::EverySec,
            appenddirname: "appendonlydir".into(),
            appendfilename: "appendonly.aof".into(),
            aof_load_truncated: true,
            save: vec![(3600, 1), (300, 100), (60, 10_000)],
            dbfilename: "dump.rdb".into(),
            rdbcompression: true,
            rdbchecksum: true,
            stop_writes_on_bgsave_error: true,
            auto_aof_rewrite_percentage: 100,
            auto_aof_rewrite_min_size: 64 * 1024 * 1024,
            maxmemory: 0,
            maxmemory_policy: Policy::NoEviction,
            maxmemory_samples: crate::evict::SAMPLES_DEFAULT,
            lfu_log_factor: LFU_LOG_FACTOR_DEFAULT,
            lfu_decay_time: LFU_DECAY_TIME_DEFAULT,
            notify_keyspace_events: 0,
            client_output_buffer_limit: OBUF_LIMITS_DEFAULT,
        }
    }
}

/// Why a value was refused; rendered into Redis's CONFIG SET error text by the caller.
pub type SetError = String;

struct Param {
    name: &'static str,
    /// Settable at runtime by CONFIG SET (all are settable from the file and command line).
    mutable: bool,
    get: fn(&Config) -> String,
    set: fn(&mut Config, &str) -> Result<(), SetError>,
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.into()
}

fn format_save_rules(rules: &[(u64, u64)]) -> String {
    rules
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `save "<seconds> <changes> ..."`; an empty value removes every rule.
fn parse_save_rules(value: &str) -> Result<Vec<(u64, u64)>, SetError> {
    let words: Vec<&str> = value.split_whitespace().collect();
    if !words.len().is_multiple_of(2) {
        return Err("Invalid save parameters".into());
    }
    words
        .chunks(2)
        .map(|pair| {
            let seconds = pair[0]
                .parse::<u64>()
                .ok()
                .filter(|&s| s <= i32::MAX as u64);
            let changes = pair[1]
                .parse::<u64>()
                .ok()
                .filter(|&n| n <= i32::MAX as u64);
            match (seconds, changes) {
                (Some(s), Some(n)) => Ok((s, n)),
                _ => Err("Invalid save parameters".to_string()),
            }
        })
        .collect()
}

fn parse_yes_no(value: &str) -> Result<bool, SetError> {
    match value.to_ascii_lowercase().as_str() {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err("argument must be 'yes' or 'no'".into()),
    }
}

fn parse_int(value: &str) -> Result<i64, SetError> {
    value
        .parse::<i64>()
        .map_err(|_| "argument couldn't be parsed into an integer".to_string())
}

fn parse_bounded(value: &str, min: i64, max: i64) -> Result<i64, SetError> {
    let n = parse_int(value)?;
    if n < min || n > max {
        return Err(format!(
            "argument must be between {min} and {max} inclusive"
        ));
    }
    Ok(n)
}

/// Parses a memory amount like Redis's `memtoull`: `1k` = 1000, `1kb` = 1024, likewise m/g.
pub fn parse_memory(value: &str) -> Option<u64> {
    let lower = value.to_ascii_lowercase();
    let split = lower
        .find(|c: char| !c.is_ascii_digit() && c != '-')
        .unwrap_or(lower.len());
    let (digits, unit) = lower.split_at(split);
    let multiplier: u64 = match unit {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    digits.parse::<u64>().ok()?.checked_mul(multiplier)
}

fn parse_memory_param(value: &str) -> Result<u64, SetError> {
    parse_memory(value).ok_or_else(|| "argument must be a memory value".to_string())
}

static PARAMS: &[Param] = &[
    Param {
        name: "bind",
        mutable: false,
        get: |c| c.bind.join(" "),
        set: |c, v| {
            let addrs: Vec<String> = v.split_whitespace().map(str::to_string).collect();
            if addrs.is_empty() {
                return Err("Too many bind addresses specified.".into());
            }
            c.bind = addrs;
            Ok(())
        },
    },
    Param {
        name: "port",
        mutable: false,
        get: |c| c.port.to_string(),
        set: |c, v| {
            c.port = parse_bounded(v, 0, 65535)? as u16;
            Ok(())
        },
    },
    Param {
        name: "requirepass",
        mutable: true,
        get: |c| {
            c.requirepass
                .as_ref()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .unwrap_or_default()
        },
        set: |c, v| {
            c.requirepass = if v.is_empty() {
                None
            } else {
                Some(v.as_bytes().to_vec())
            };
            Ok(())
        },
    },
    Param {
        name: "databases",
        mutable: false,
        get: |c| c.databases.to_string(),
        set: |c, v| {
            c.databases = parse_bounded(v, 1, i32::MAX as i64)? as usize;
            Ok(())
        },
    },
    Param {
        name: "maxclients",
        mutable: true,
        get: |c| c.maxclients.to_string(),
        set: |c, v| {
            c.maxclients = parse_bounded(v, 1, u32::MAX as i64)? as u64;
            Ok(())
        },
    },
    Param {
        name: "tracking-table-max-keys",
        mutable: true,
        get: |c| c.tracking_table_max_keys.to_string(),
        set: |c, v| {
            c.tracking_table_max_keys = parse_bounded(v, 0, i64::MAX)? as u64;
            Ok(())
        },
    },
    Param {
        name: "loglevel",
        mutable: true,
        get: |c| c.loglevel.clone(),
        set: |c, v| {
            let v = v.to_ascii_lowercase();
            if !["debug", "verbose", "notice", "warning", "nothing"].contains(&v.as_str()) {
                return Err("argument(s) must be one of the following: debug, verbose, notice, warning, nothing".into());
            }
            c.loglevel = v;
            Ok(())
        },
    },
    Param {
        name: "logfile",
        mutable: false,
        get: |c| c.logfile.clone(),
        set: |c, v| {
            c.logfile = v.to_string();
            Ok(())
        },
    },
    Param {
        name: "proto-max-bulk-len",
        mutable: true,
        get: |c| c.proto_max_bulk_len.to_string(),
        set: |c, v| {
            let n = parse_memory_param(v)?;
            if !(1024 * 1024..=i64::MAX as u64).contains(&n) {
                return Err(
                    "argument must be between 1048576 and 9223372036854775807 inclusive".into(),
                );
            }
            c.proto_max_bulk_len = n;
            Ok(())
        },
    },
    Param {
        name: "client-query-buffer-limit",
        mutable: true,
        get: |c| c.client_query_buffer_limit.to_string(),
        set: |c, v| {
            let n = parse_memory_param(v)?;
            if !(1024 * 1024..=i64::MAX as u64).contains(&n) {
                return Err(
                    "argument must be between 1048576 and 9223372036854775807 inclusive".into(),
                );
            }
            c.client_query_buffer_limit = n;
            Ok(())
        },
    },
    Param {
        name: "hz",
        mutable: true,
        get: |c| c.hz.to_string(),
        set: |c, v| {
            // Redis clamps hz into 1..=500 rather than refusing.
            c.hz = parse_int(v)?.clamp(1, 500) as u32;
            Ok(())
        },
    },
    Param {
        name: "busy-reply-threshold",
        mutable: true,
        get: |c| c.busy_reply_threshold_ms.to_string(),
        set: |c, v| {
            c.busy_reply_threshold_ms = parse_bounded(v, 0, i64::MAX)? as u64;
            Ok(())
        },
    },
    Param {
        name: "slowlog-log-slower-than",
        mutable: true,
        get: |c| c.slowlog_log_slower_than_us.to_string(),
        set: |c, v| {
            c.slowlog_log_slower_than_us = parse_bounded(v, -1, i64::MAX)?;
            Ok(())
        },
    },
    Param {
        name: "slowlog-max-len",
        mutable: true,
        get: |c| c.slowlog_max_len.to_string(),
        set: |c, v| {
            c.slowlog_max_len = parse_bounded(v, 0, i64::MAX)? as u64;
            Ok(())
        },
    },
    Param {
        name: "latency-monitor-threshold",
        mutable: true,
        get: |c| c.latency_monitor_threshold_ms.to_string(),
        set: |c, v| {
            c.latency_monitor_threshold_ms = parse_bounded(v, 0, i64::MAX)? as u64;
            Ok(())
        },
    },
    Param {
        name: "lua-time-limit",
        mutable: true,
        get: |c| c.busy_reply_threshold_ms.to_string(),
        set: |c, v| {
            c.busy_reply_threshold_ms = parse_bounded(v, 0, i64::MAX)? as u64;
            Ok(())
        },
    },
    Param {
        name: "timeout",
        mutable: true,
        get: |c| c.timeout.to_string(),
        set: |c, v| {
            c.timeout = parse_bounded(v, 0, i32::MAX as i64)? as u64;
            Ok(())
        },
    },
    Param {
        name: "notify-keyspace-events",
        mutable: true,
        get: |c| notify::format_classes(c.notify_keyspace_events),
        set: |c, v| {
            c.notify_keyspace_events = notify::parse_classes(v.as_bytes()).ok_or_else(|| {
                "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".to_string()
            })?;
            Ok(())
        },
    },
    Param {
        name: "client-output-buffer-limit",
        mutable: true,
        get: |c| format_obuf_limits(&c.client_output_buffer_limit),
        set: set_obuf_limits,
    },
    Param {
        name: "maxmemory",
        mutable: true,
        get: |c| c.maxmemory.to_string(),
        set: |c, v| {
            c.maxmemory = parse_memory_param(v)?;
            Ok(())
        },
    },
    Param {
        name: "maxmemory-policy",
        mutable: true,
        get: |c| c.maxmemory_policy.name().to_string(),
        set: |c, v| {
            c.maxmemory_policy = Policy::parse(v).ok_or_else(|| {
                let names: Vec<&str> = Policy::ALL.iter().map(|p| p.name()).collect();
                format!(
                    "argument(s) must be one of the following: {}",
                    names.join(", ")
                )
            })?;
            Ok(())
        },
    },
    Param {
        name: "maxmemory-samples",
        mutable: true,
        get: |c| c.maxmemory_samples.to_string(),
        set: |c, v| {
            c.maxmemory_samples = parse_bounded(v, 1, i32::MAX as i64)? as u32;
            Ok(())
        },
    },
    Param {
        name: "lfu-log-factor",
        mutable: true,
        get: |c| c.lfu_log_factor.to_string(),
        set: |c, v| {
            c.lfu_log_factor = parse_bounded(v, 0, i32::MAX as i64)? as u32;
            Ok(())
        },
    },
    Param {
        name: "lfu-decay-time",
        mutable: true,
        get: |c| c.lfu_decay_time.to_string(),
        set: |c, v| {
            c.lfu_decay_time = parse_bounded(v, 0, i32::MAX as i64)? as u32;
            Ok(())
        },
    },
    // Persistence parameters are read at startup; changing them at runtime (which Redis does
    // with a rewrite) is not supported yet, so they are immutable for CONFIG SET.
    Param {
        name: "dir",
        mutable: false,
        get: |c| c.dir.clone(),
        set: |c, v| {
            c.dir = v.to_string();
            Ok(())
        },
    },
    Param {
        name: "save",
        mutable: true,
        get: |c| format_save_rules(&c.save),
        set: |c, v| {
            c.save = parse_save_rules(v)?;
            Ok(())
        },
    },
    Param {
        name: "dbfilename",
        mutable: false,
        get: |c| c.dbfilename.clone(),
        set: |c, v| {
            if v.is_empty() || v.contains('/') {
                return Err("dbfilename can't be a path, just a filename".into());
            }
            c.dbfilename = v.to_string();
            Ok(())
        },
    },
    Param {
        name: "rdbcompression",
        mutable: true,
        get: |c| yes_no(c.rdbcompression),
        set: |c, v| {
            c.rdbcompression = parse_yes_no(v)?;
            Ok(())
        },
    },
    Param {
        name: "rdbchecksum",
        mutable: false,
        get: |c| yes_no(c.rdbchecksum),
        set: |c, v| {
            c.rdbchecksum = parse_yes_no(v)?;
            Ok(())
        },
    },
    Param {
        name: "stop-writes-on-bgsave-error",
        mutable: true,
        get: |c| yes_no(c.stop_writes_on_bgsave_error),
        set: |c, v| {
            c.stop_writes_on_bgsave_error = parse_yes_no(v)?;
            Ok(())
        },
    },
    Param {
        name: "auto-aof-rewrite-percentage",
        mutable: true,
        get: |c| c.auto_aof_rewrite_percentage.to_string(),
        set: |c, v| {
            c.auto_aof_rewrite_percentage = parse_bounded(v, 0, i32::MAX as i64)? as u64;
            Ok(())
        },
    },
    Param {
        name: "auto-aof-rewrite-min-size",
        mutable: true,
        get: |c| c.auto_aof_rewrite_min_size.to_string(),
        set: |c, v| {
            c.auto_aof_rewrite_min_size = parse_memory_param(v)?;
            Ok(())
        },
    },
    Param {
        name: "aof-use-rdb-preamble",
        mutable: true,
        // The rewritten log's base is always a snapshot (RDB), as with Redis's default.
        get: |_| "yes".into(),
        set: |_, v| match parse_yes_no(v)? {
            true => Ok(()),
            false => Err("only 'yes' is supported: the log's base is always a snapshot".into()),
        },
    },
    Param {
        name: "appendonly",
        mutable: false,
        get: |c| {
            if c.appendonly {
                "yes".into()
            } else {
                "no".into()
            }
        },
        set: |c, v| {
            c.appendonly = parse_yes_no(v)?;
            Ok(())
        },
    },
    Param {
        name: "appendfsync",
        mutable: false,
        get: |c| c.appendfsync.name().into(),
        set: |c, v| {
            c.appendfsync = crate::aof::Fsync::parse(v).ok_or_else(|| {
                "argument(s) must be one of the following: always, everysec, no".to_string()
            })?;
            Ok(())
        },
    },
    Param {
        name: "appenddirname",
        mutable: false,
        get: |c| c.appenddirname.clone(),
        set: |c, v| {
            if v.is_empty() || v.contains('/') {
                return Err("appenddirname can't be a path, just a dirname".into());
            }
            c.appenddirname = v.to_string();
            Ok(())
        },
    },
    Param {
        name: "appendfilename",
        mutable: false,
        get: |c| c.appendfilename.clone(),
        set: |c, v| {
            if v.is_empty() || v.contains('/') {
                return Err("appendfilename can't be a path, just a filename".into());
            }
            c.appendfilename = v.to_string();
            Ok(())
        },
    },
    Param {
        name: "aof-load-truncated",
        mutable: true,
        get: |c| {
            if c.aof_load_truncated {
                "yes".into()
            } else {
                "no".into()
            }
        },
        set: |c, v| {
            c.aof_load_truncated = parse_yes_no(v)?;
            Ok(())
        },
    },
];

/// Errors of CONFIG SET, with Redis's texts.
#[derive(Debug, PartialEq, Eq)]
pub enum ConfigError {
    Unknown(String),
    Immutable(String),
    Invalid { name: String, reason: String },
    Duplicate(String),
}

impl ConfigError {
    pub fn message(&self) -> String {
        match self {
            ConfigError::Unknown(name) => {
                format!("ERR Unknown option or number of arguments for CONFIG SET - '{name}'")
            }
            ConfigError::Immutable(name) => {
                format!(
                    "ERR CONFIG SET failed (possibly related to argument '{name}') - can't set immutable config"
                )
            }
            ConfigError::Invalid { name, reason } => {
                format!("ERR CONFIG SET failed (possibly related to argument '{name}') - {reason}")
            }
            ConfigError::Duplicate(name) => {
                format!(
                    "ERR CONFIG SET failed (possibly related to argument '{name}') - duplicate parameter"
                )
            }
        }
    }
}

impl Config {
    /// Every (name, value) matching one of `patterns`, each parameter once. A pattern without
    /// glob characters is a case-insensitive exact lookup, answered with the name as the client
    /// typed it (as Redis does); glob patterns answer with the canonical names.
    pub fn get_matching(&self, patterns: &[&[u8]]) -> Vec<(String, String)> {
        let mut seen: Vec<&'static str> = Vec::new();
        let mut out = Vec::new();
        for pattern in patterns {
            let is_glob = pattern.iter().any(|b| matches!(b, b'*' | b'?' | b'['));
            for param in PARAMS {
                if seen.contains(&param.name) {
                    continue;
                }
                let matched = if is_glob {
                    glob_match(pattern, param.name.as_bytes(), true)
                } else {
                    pattern.eq_ignore_ascii_case(param.name.as_bytes())
                };
                if matched {
                    seen.push(param.name);
                    let name = if is_glob {
                        param.name.to_string()
                    } else {
                        String::from_utf8_lossy(pattern).into_owned()
                    };
                    out.push((name, (param.get)(self)));
                }
            }
        }
        out
    }

    /// Sets several parameters atomically: all or none (CONFIG SET semantics). `runtime`
    /// refuses immutable parameters.
    pub fn set_many(&mut self, pairs: &[(&str, &str)], runtime: bool) -> Result<(), ConfigError> {
        let mut next = self.clone();
        let mut seen: Vec<&'static str> = Vec::new();
        for (name, value) in pairs {
            let lower = name.to_ascii_lowercase();
            let param = PARAMS
                .iter()
                .find(|p| p.name == lower)
                .ok_or_else(|| ConfigError::Unknown(name.to_string()))?;
            if seen.contains(&param.name) {
                return Err(ConfigError::Duplicate(param.name.into()));
            }
            seen.push(param.name);
            if runtime && !param.mutable {
                return Err(ConfigError::Immutable(param.name.into()));
            }
            (param.set)(&mut next, value).map_err(|reason| ConfigError::Invalid {
                name: param.name.into(),
                reason,
            })?;
        }
        *self = next;
        Ok(())
    }

    /// Applies a redis.conf-style file's text: one `name value...` directive per line, `#`
    /// comments, quoted arguments. Errors name the line, as Redis's loader does.
    pub fn apply_file(&mut self, text: &str) -> Result<(), String> {
        // `save` lines accumulate, as in redis.conf: the first replaces the defaults.
        let mut save_rules: Option<Vec<(u64, u64)>> = None;
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words = crate::resp::parse::split_args(line.as_bytes()).ok_or_else(|| {
                format!(
                    "line {}: unbalanced quotes in configuration line",
                    number + 1
                )
            })?;
            let Some((name, rest)) = words.split_first() else {
                continue;
            };
            let name = String::from_utf8_lossy(name).to_ascii_lowercase();
            let value = rest
                .iter()
                .map(|w| String::from_utf8_lossy(w).into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            let value = match (name.as_str(), parse_save_rules(&value)) {
                ("save", Ok(more)) => {
                    let rules = save_rules.get_or_insert_with(Vec::new);
                    if more.is_empty() {
                        rules.clear();
                    }
                    rules.extend(more);
                    format_save_rules(rules)
                }
                _ => value,
            };
            self.set_many(&[(&name, &value)], false).map_err(|e| {
                let reason = match e {
                    ConfigError::Unknown(_) => {
                        "Bad directive or wrong number of arguments".to_string()
                    }
                    ConfigError::Invalid { reason, .. } => reason,
                    other => other.message(),
                };
                format!(
                    "*** FATAL CONFIG FILE ERROR *** line {}: >>> '{}' {}",
                    number + 1,
                    line,
                    reason
                )
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_set_and_errors() {
        let mut config = Config::default();
        assert_eq!(
            config.get_matching(&[b"h?"]),
            vec![("hz".to_string(), "10".to_string())]
        );
        assert_eq!(
            config.get_matching(&[b"HZ", b"h*"]),
            vec![("HZ".to_string(), "10".to_string())]
        );
        config
            .set_many(&[("hz", "600"), ("timeout", "5")], true)
            .unwrap();
        assert_eq!((config.hz, config.timeout), (500, 5));
        let err = config
            .set_many(&[("timeout", "7"), ("hz", "abc")], true)
            .unwrap_err();
        assert_eq!(
            err.message(),
            "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"
        );
        assert_eq!(config.timeout, 5, "a failed CONFIG SET changes nothing");
        assert_eq!(
            config.set_many(&[("nope", "1")], true).unwrap_err(),
            ConfigError::Unknown("nope".into())
        );
        assert!(matches!(
            config.set_many(&[("port", "1")], true),
            Err(ConfigError::Immutable(_))
        ));
        config
            .set_many(&[("proto-max-bulk-len", "2mb")], true)
            .unwrap();
        assert_eq!(config.proto_max_bulk_len, 2 * 1024 * 1024);
    }

    #[test]
    fn config_file() {
        let mut config = Config::default();
        config
            .apply_file("# comment\nport 7000\nrequirepass \"s3cr et\"\n\nbind 127.0.0.1 ::1\n")
            .unwrap();
        assert_eq!(config.port, 7000);
        assert_eq!(config.requirepass.as_deref(), Some(&b"s3cr et"[..]));
        assert_eq!(config.bind, vec!["127.0.0.1", "::1"]);
        let err = config.apply_file("port 1\nbogus 1\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }
}
