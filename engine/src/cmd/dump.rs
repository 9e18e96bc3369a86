//! DUMP and RESTORE: a key's value as Redis's serialization (see `crate::rdb`), so keys move
//! between Redis and Ferrite in both directions (MIGRATE-style tools, `redis-cli --rdb`-free
//! copies, client libraries' DUMP/RESTORE helpers).
//!
//! RESTORE follows Redis 7.0's `restoreCommand` step by step, errors and their order
//! included: options, then BUSYKEY, then the TTL, then the payload's footer, then its body.
//! It is logged to the AOF as written: its outcome depends only on the arguments and the
//! record's time (relative TTLs replay against the record's clock).

use bytes::Bytes;

use crate::cmd::keys::add_dirty;
use crate::cmd::t_hash::{Access, with_hash};
use crate::cmd::{SYNTAX, WRONGTYPE, int_arg};
use crate::keyspace::Value;
use crate::keyspace::access::{lfu_minutes, lru_seconds};
use crate::pubsub::class;
use crate::rdb::{self, PayloadError};
use crate::session::Ctx;
use crate::util::eq_ignore_case;

const BUSYKEY: &str = "BUSYKEY Target key name already exists.";
const BAD_TTL: &str = "ERR Invalid TTL value, must be >= 0";
const BAD_IDLETIME: &str = "ERR Invalid IDLETIME value, must be >= 0";
const BAD_FREQ: &str = "ERR Invalid FREQ value, must be >= 0 and <= 255";
const BAD_PAYLOAD: &str = "ERR DUMP payload version or checksum are wrong";
const BAD_DATA: &str = "ERR Bad data format";

/// `DUMP key`: the serialized value, or null if the key does not exist.
pub fn dump(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let key = &args[1][..];
    let mut db = ctx.db();
    let is_hash = matches!(db.peek(key), Some(entry) if matches!(entry.value, Value::Hash(_)));
    let payload = if is_hash {
        // Dead fields are reclaimed first, as every hash read does (and a hash left empty
        // is gone).
        let dumped = with_hash(&mut db, key, Access::Read, |hash| {
            let value = Value::Hash(Box::new(std::mem::take(hash)));
            let payload = rdb::dump_payload(&value);
            if let Value::Hash(taken) = value {
                *hash = *taken;
            }
            payload
        });
        match dumped {
            Ok(payload) => payload,
            Err(_) => {
                ctx.out.error(WRONGTYPE);
                return;
            }
        }
    } else {
        db.lookup_read(key)
            .map(|entry| rdb::dump_payload(&entry.value))
    };
    match payload {
        Some(payload) => ctx.out.bulk(&payload),
        None => ctx.out.null(),
    }
}

/// `RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]`.
pub fn restore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let key = &args[1][..];
    let (mut replace, mut absttl) = (false, false);
    let (mut idle_s, mut freq): (Option<i64>, Option<i64>) = (None, None);
    let mut j = 4;
    while j < args.len() {
        let more = j + 1 < args.len();
        let arg = &args[j][..];
        if eq_ignore_case(arg, "replace") {
            replace = true;
        } else if eq_ignore_case(arg, "absttl") {
            absttl = true;
        } else if eq_ignore_case(arg, "idletime") && more && freq.is_none() {
            let Some(v) = int_arg(ctx, &args[j + 1]) else {
                return;
            };
            if v < 0 {
                ctx.out.error(BAD_IDLETIME);
                return;
            }
            idle_s = Some(v);
            j += 1;
        } else if eq_ignore_case(arg, "freq") && more && idle_s.is_none() {
            let Some(v) = int_arg(ctx, &args[j + 1]) else {
                return;
            };
            if !(0..=255).contains(&v) {
                ctx.out.error(BAD_FREQ);
                return;
            }
            freq = Some(v);
            j += 1;
        } else {
            ctx.out.error(SYNTAX);
            return;
        }
        j += 1;
    }
    if !replace && ctx.db().exists(key) {
        ctx.out.error(BUSYKEY);
        return;
    }
    let Some(ttl) = int_arg(ctx, &args[2]) else {
        return;
    };
    if ttl < 0 {
        ctx.out.error(BAD_TTL);
        return;
    }
    let hasher = ctx.engine.keyspace.value_hasher();
    // The body is read from the whole payload, footer included, as Redis reads it.
    let mut value = match rdb::decode_payload(&args[3], &hasher) {
        Ok(Some(value)) => value,
        Err(PayloadError::VersionOrChecksum) => {
            ctx.out.error(BAD_PAYLOAD);
            return;
        }
        Ok(None) | Err(PayloadError::BadData(_)) => {
            ctx.out.error(BAD_DATA);
            return;
        }
    };
    let now_ms = ctx.now.unix_ms();
    let engine = ctx.engine;
    let mut db = ctx.db();
    let deleted = replace && db.remove(key).is_some();
    // Redis adds the time to a relative TTL in signed 64 bits; an overflow is in the past.
    let deadline = if ttl != 0 && !absttl {
        ttl.wrapping_add(now_ms as i64)
    } else {
        ttl
    };
    let mut field_ttl = false;
    let mut emptied = false;
    if let Value::Hash(hash) = &mut value {
        hash.expire_fields(now_ms, usize::MAX);
        emptied = hash.is_empty();
        field_ttl = hash.next_field_deadline().is_some();
    }
    if (deadline != 0 && deadline <= now_ms as i64) || emptied {
        // Already expired: nothing is created, and a replaced key is simply deleted.
        if deleted {
            db.notify(class::GENERIC, "del", key);
            add_dirty(ctx, 1);
        }
        ctx.out.ok();
        return;
    }
    db.set(key, value, deadline as u64);
    if field_ttl {
        db.note_field_ttl(key);
    }
    let access = &engine.keyspace.access;
    let entry = db.entry_mut(key).expect("stored just above");
    if access.is_lfu() {
        if let Some(freq) = freq {
            entry.access_s = u32::from(lfu_minutes(now_ms)) << 8 | freq as u32;
        }
    } else if let Some(idle_s) = idle_s {
        entry.access_s = lru_seconds(now_ms).wrapping_sub(idle_s as u32);
    }
    db.notify(class::GENERIC, "restore", key);
    add_dirty(ctx, 1);
    ctx.out.ok();
}

#[cfg(test)]
mod tests;
