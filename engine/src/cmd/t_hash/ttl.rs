//! Per-field TTL commands, as Redis 7.4 defines them (Redis 7.0 has none of them, so these
//! follow Redis 7.4's documentation and source rather than a live reference server):
//! HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT, HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME, HPERSIST.
//!
//! Reply codes, per field:
//! - setters: -2 no such field (or no such key), 0 the NX|XX|GT|LT condition was not met,
//!   1 the deadline was set, 2 the field was deleted because the deadline is not in the future;
//! - HTTL family: -2 no such field, -1 the field has no TTL, else the TTL or the deadline;
//! - HPERSIST: -2 no such field, -1 the field has no TTL, 1 the TTL was removed.
//!
//! Order of checks, as in Redis: the key's type (WRONGTYPE) first, then the time, the
//! condition, the FIELDS keyword, `numfields`, and the field count. A missing key is answered
//! with -2 for every field once the arguments are valid; it is never created.
//!
//! Conditions follow Redis 7.4's documentation: a field without TTL counts as an infinite
//! TTL, so GT and XX never apply to it and LT always does. A deadline at or before now
//! deletes the field (Redis's `checkAlreadyExpired`), while a field is only dead once its
//! deadline is strictly before now (Redis's `hashTypeIsExpired`).

use bytes::Bytes;

use super::{Access, WrongType, add_dirty, db_and_out, keyword, with_hash, with_hash_notify};
use crate::cmd::{NOT_INTEGER, WRONGTYPE};
use crate::resp::parse::parse_i64;
use crate::session::Ctx;

/// The latest deadline a field may get: Redis keeps 48 bits for field deadlines and reserves
/// the top two (`HFE_MAX_ABS_TIME_MSEC`), about the year 4199.
pub const DEADLINE_MAX_MS: u64 = ((1 << 48) - 1) >> 2;

const FIELDS_MISSING: &str =
    "ERR Mandatory argument FIELDS is missing or not at the right position";
const NUMFIELDS_SETTER: &str = "ERR Parameter `numFields` should be greater than 0";
const NUMFIELDS_READER: &str = "ERR Number of fields must be a positive integer";
const NUMFIELDS_MISMATCH: &str = "ERR The `numfields` parameter must match the number of arguments";
const NEGATIVE_TIME: &str = "ERR invalid expire time, must be >= 0";

const NO_FIELD: i64 = -2;
const NO_TTL: i64 = -1;
const CONDITION_NOT_MET: i64 = 0;
const SET: i64 = 1;
const DELETED: i64 = 2;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Condition {
    Always,
    Nx,
    Xx,
    Gt,
    Lt,
}

impl Condition {
    /// Whether a field whose deadline is `current` may get `new`.
    fn allows(self, current: Option<u64>, new: u64) -> bool {
        match (self, current) {
            (Condition::Always, _) => true,
            (Condition::Nx, current) => current.is_none(),
            (Condition::Xx, current) => current.is_some(),
            (Condition::Gt, None) => false,
            (Condition::Gt, Some(current)) => new > current,
            (Condition::Lt, None) => true,
            (Condition::Lt, Some(current)) => new < current,
        }
    }
}

/// Reads `FIELDS numfields field...` with `FIELDS` at `args[at]`: the fields, or the error.
fn parse_fields<'a>(
    args: &'a [Bytes],
    at: usize,
    numfields_error: &'static str,
) -> Result<&'a [Bytes], &'static str> {
    if !keyword(&args[at], "fields") {
        return Err(FIELDS_MISSING);
    }
    let count = parse_i64(&args[at + 1])
        .filter(|&n| n >= 1)
        .ok_or(numfields_error)?;
    let fields = &args[at + 2..];
    if count as u64 != fields.len() as u64 {
        return Err(NUMFIELDS_MISMATCH);
    }
    Ok(fields)
}

/// A setter's arguments: the absolute deadline, the condition and the fields.
struct SetterArgs<'a> {
    deadline: u64,
    condition: Condition,
    fields: &'a [Bytes],
}

/// Parses `key time [NX|XX|GT|LT] FIELDS numfields field...` as Redis's
/// `hexpireGenericCommand` does. `unit_ms` is 1000 for seconds; `base_ms` is now for relative
/// times, 0 for absolute ones.
fn parse_setter<'a>(
    args: &'a [Bytes],
    name: &str,
    unit_ms: u64,
    base_ms: u64,
) -> Result<SetterArgs<'a>, String> {
    let time = parse_i64(&args[2]).ok_or(NOT_INTEGER)?;
    let invalid = || format!("ERR invalid expire time in '{name}' command");
    let time = u64::try_from(time).map_err(|_| NEGATIVE_TIME.to_string())?;
    if time > DEADLINE_MAX_MS / unit_ms {
        return Err(invalid());
    }
    let time = time * unit_ms;
    if time > DEADLINE_MAX_MS.saturating_sub(base_ms) {
        return Err(invalid());
    }
    let condition = [
        ("nx", Condition::Nx),
        ("xx", Condition::Xx),
        ("gt", Condition::Gt),
        ("lt", Condition::Lt),
    ]
    .into_iter()
    .find(|(word, _)| keyword(&args[3], word))
    .map_or(Condition::Always, |(_, condition)| condition);
    let fields_at = if condition == Condition::Always { 3 } else { 4 };
    let fields = parse_fields(args, fields_at, NUMFIELDS_SETTER)?;
    Ok(SetterArgs {
        deadline: base_ms + time,
        condition,
        fields,
    })
}

/// HEXPIRE and friends.
fn hexpire_generic(
    ctx: &mut Ctx<'_, '_>,
    args: &[Bytes],
    name: &str,
    unit_ms: u64,
    relative: bool,
) {
    let engine = ctx.engine;
    let now_ms = ctx.now.unix_ms();
    let base_ms = if relative { now_ms } else { 0 };
    let parsed = parse_setter(args, name, unit_ms, base_ms);
    let (mut db, out) = db_and_out(ctx);
    // Redis 7.4 publishes `hdel` if a deadline in the past deleted a field, else `hexpire`.
    let outcome = with_hash_notify(
        &mut db,
        &args[1],
        Access::Write,
        |hash| {
            let Ok(parsed) = &parsed else {
                return (0, false);
            };
            // Redis turns a listpack into a listpackex here, whether or not a field changes.
            hash.enable_field_ttl();
            out.array(parsed.fields.len());
            let mut changed = 0;
            let mut deleted = false;
            for field in parsed.fields {
                let code = match hash.deadline(field) {
                    None => NO_FIELD,
                    Some(current) if !parsed.condition.allows(current, parsed.deadline) => {
                        CONDITION_NOT_MET
                    }
                    Some(_) if parsed.deadline <= now_ms => {
                        hash.remove(field);
                        changed += 1;
                        deleted = true;
                        DELETED
                    }
                    Some(_) => {
                        hash.set_deadline(field, parsed.deadline);
                        changed += 1;
                        SET
                    }
                };
                out.int(code);
            }
            (changed, deleted)
        },
        |&(changed, deleted)| match (changed, deleted) {
            (0, _) => None,
            (_, true) => Some("hdel"),
            (_, false) => Some("hexpire"),
        },
    );
    match (outcome, parsed) {
        (Err(WrongType), _) => out.error(WRONGTYPE),
        (Ok(_), Err(error)) => out.error(error),
        (Ok(None), Ok(parsed)) => reply_codes(out, parsed.fields.len(), NO_FIELD),
        (Ok(Some((changed, _))), Ok(_)) => {
            add_dirty(engine, changed);
            // The cron reclaims expired fields of this hash without waiting for a read.
            db.note_field_ttl(&args[1]);
        }
    }
}

fn reply_codes(out: &mut crate::resp::Reply, n: usize, code: i64) {
    out.array(n);
    for _ in 0..n {
        out.int(code);
    }
}

/// `HEXPIRE key seconds [NX|XX|GT|LT] FIELDS numfields field [field ...]`: gives the fields
/// a TTL in seconds; one reply code per field (see the module doc).
pub fn hexpire(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    hexpire_generic(ctx, args, "hexpire", 1000, true)
}

/// `HPEXPIRE key milliseconds [NX|XX|GT|LT] FIELDS numfields field [field ...]`: HEXPIRE in
/// milliseconds.
pub fn hpexpire(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    hexpire_generic(ctx, args, "hpexpire", 1, true)
}

/// `HEXPIREAT key unix-time-seconds [NX|XX|GT|LT] FIELDS numfields field [field ...]`:
/// HEXPIRE with an absolute time.
pub fn hexpireat(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    hexpire_generic(ctx, args, "hexpireat", 1000, false)
}

/// `HPEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT] FIELDS numfields field [field ...]`:
/// HEXPIRE with an absolute time in milliseconds.
pub fn hpexpireat(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    hexpire_generic(ctx, args, "hpexpireat", 1, false)
}

/// What the HTTL family reports for a field with a deadline.
#[derive(Clone, Copy)]
enum Report {
    TtlSeconds,
    TtlMillis,
    AtSeconds,
    AtMillis,
}

impl Report {
    fn value(self, deadline: u64, now_ms: u64) -> i64 {
        // Seconds round up, as Redis's `(expire + 999 - basetime) / 1000`.
        let value = match self {
            Report::TtlSeconds => deadline.saturating_sub(now_ms).div_ceil(1000),
            Report::TtlMillis => deadline.saturating_sub(now_ms),
            Report::AtSeconds => deadline.div_ceil(1000),
            Report::AtMillis => deadline,
        };
        value as i64
    }
}

/// HTTL and friends: a read of every field's deadline.
fn httl_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], report: Report) {
    let now_ms = ctx.now.unix_ms();
    let parsed = parse_fields(args, 2, NUMFIELDS_READER);
    let (mut db, out) = db_and_out(ctx);
    let outcome = with_hash(&mut db, &args[1], Access::Read, |hash| {
        let Ok(fields) = parsed else {
            return;
        };
        out.array(fields.len());
        for field in fields {
            // Live deadlines are never before now: `with_hash` reclaimed the dead fields.
            out.int(match hash.deadline(field) {
                None => NO_FIELD,
                Some(None) => NO_TTL,
                Some(Some(deadline)) => report.value(deadline, now_ms),
            });
        }
    });
    match (outcome, parsed) {
        (Err(WrongType), _) => out.error(WRONGTYPE),
        (Ok(_), Err(error)) => out.error(error),
        (Ok(None), Ok(fields)) => reply_codes(out, fields.len(), NO_FIELD),
        (Ok(Some(())), Ok(_)) => {}
    }
}

/// `HTTL key FIELDS numfields field [field ...]`: each field's TTL in seconds (rounded up),
/// -1 without TTL, -2 if missing.
pub fn httl(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    httl_generic(ctx, args, Report::TtlSeconds)
}

/// `HPTTL key FIELDS numfields field [field ...]`: HTTL in milliseconds.
pub fn hpttl(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    httl_generic(ctx, args, Report::TtlMillis)
}

/// `HEXPIRETIME key FIELDS numfields field [field ...]`: each field's deadline as a Unix time
/// in seconds (rounded up), -1 without TTL, -2 if missing.
pub fn hexpiretime(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    httl_generic(ctx, args, Report::AtSeconds)
}

/// `HPEXPIRETIME key FIELDS numfields field [field ...]`: HEXPIRETIME in milliseconds.
pub fn hpexpiretime(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    httl_generic(ctx, args, Report::AtMillis)
}

/// `HPERSIST key FIELDS numfields field [field ...]`: removes the fields' TTLs; per field 1,
/// -1 without TTL, -2 if missing. Counts one change however many fields it persisted, as
/// Redis does.
pub fn hpersist(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let engine = ctx.engine;
    let parsed = parse_fields(args, 2, NUMFIELDS_READER);
    let (mut db, out) = db_and_out(ctx);
    let outcome = with_hash_notify(
        &mut db,
        &args[1],
        Access::Write,
        |hash| {
            let Ok(fields) = parsed else {
                return false;
            };
            out.array(fields.len());
            let mut changed = false;
            for field in fields {
                out.int(match hash.deadline(field) {
                    None => NO_FIELD,
                    Some(None) => NO_TTL,
                    Some(Some(_)) => {
                        hash.persist(field);
                        changed = true;
                        SET
                    }
                });
            }
            changed
        },
        |changed| changed.then_some("hpersist"),
    );
    match (outcome, parsed) {
        (Err(WrongType), _) => out.error(WRONGTYPE),
        (Ok(_), Err(error)) => out.error(error),
        (Ok(None), Ok(fields)) => reply_codes(out, fields.len(), NO_FIELD),
        (Ok(Some(changed)), Ok(_)) => add_dirty(engine, usize::from(changed)),
    }
}

#[cfg(test)]
mod active_expiry_tests {
    use crate::testing::client;

    #[test]
    fn the_cron_reclaims_expired_fields_and_emptied_hashes_without_reads() {
        let mut t = client();
        t.run(&["hset", "h", "a", "1", "b", "2"]);
        t.run(&["hset", "g", "keep", "1"]);
        assert_eq!(
            t.run(&["hpexpire", "h", "100", "fields", "2", "a", "b"]),
            "*2\r\n:1\r\n:1\r\n"
        );
        assert_eq!(
            t.run(&["hpexpire", "g", "100000", "fields", "1", "keep"]),
            "*1\r\n:1\r\n"
        );
        t.advance_ms(200);
        assert_eq!(
            t.run(&["dbsize"]),
            ":2\r\n",
            "nothing reclaimed before the cron runs"
        );
        t.engine.active_expire_fields(t.now, 100);
        assert_eq!(t.run(&["dbsize"]), ":1\r\n", "the emptied hash is gone");
        assert_eq!(t.run(&["hlen", "g"]), ":1\r\n");
    }
}
