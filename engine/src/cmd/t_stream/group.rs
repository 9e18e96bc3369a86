//! Consumer group commands: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER,
//! HELP), XACK, XPENDING, XCLAIM and XAUTOCLAIM.
//!
//! As in Redis 7.0, XCLAIM and XAUTOCLAIM create (and mark seen) the claiming consumer only
//! when they claim something, and drop from the PEL the entries they find deleted from the
//! stream (XAUTOCLAIM lists those as its third reply element).

use std::sync::Arc;

use bytes::Bytes;

use super::{
    Access, WrongType, add_dirty, cstr, db_and_out, id_arg, id_or_edge_arg, interval_end,
    interval_start, keyword, lookup, reply_entry, reply_id,
};
use crate::cmd::{NOT_INTEGER, SYNTAX, WRONGTYPE, reply_help};
use crate::keyspace::Value;
use crate::pubsub::class::STREAM;
use crate::resp::Reply;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::types::stream::{ENTRIES_READ_INVALID, Group, Stream, StreamId};

const KEY_REQUIRED: &str = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.";
/// XAUTOCLAIM's default COUNT, and how many PEL entries it looks at per entry it may claim.
const AUTOCLAIM_COUNT_DEFAULT: u64 = 100;
const AUTOCLAIM_ATTEMPTS_FACTOR: u64 = 10;
/// XAUTOCLAIM's largest COUNT: Redis's `LONG_MAX / max(sizeof(streamID), attempts factor)`.
const AUTOCLAIM_COUNT_MAX: i64 = i64::MAX / 16;

/// An error naming a key and a group, with Redis's quoting (names end at a NUL, as in C).
fn named_error(out: &mut Reply, parts: &[&[u8]]) {
    let text: Vec<u8> = parts.iter().flat_map(|p| cstr(p).iter().copied()).collect();
    out.error(text);
}

fn no_group(out: &mut Reply, key: &[u8], group: &[u8]) {
    named_error(
        out,
        &[
            b"NOGROUP No such key '",
            key,
            b"' or consumer group '",
            group,
            b"'",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// XGROUP
// ---------------------------------------------------------------------------------------------

/// Redis's reply to options a subcommand does not take.
fn subcommand_syntax_error(out: &mut Reply, args: &[Bytes]) {
    let name = cstr(&args[1]);
    let mut text = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
    text.extend_from_slice(&name[..name.len().min(128)]);
    text.extend_from_slice(b"'. Try ");
    text.extend_from_slice(&cstr(&args[0]).to_ascii_uppercase());
    text.extend_from_slice(b" HELP.");
    out.error(text);
}

/// The options of XGROUP CREATE/SETID: (MKSTREAM, ENTRIESREAD), after Redis's parser.
fn group_options(out: &mut Reply, args: &[Bytes], create: bool) -> Option<(bool, i64)> {
    let (mut mkstream, mut entries_read) = (false, ENTRIES_READ_INVALID);
    let mut i = 5;
    while i < args.len() {
        if create && keyword(&args[i], "mkstream") {
            mkstream = true;
            i += 1;
        } else if keyword(&args[i], "entriesread") && i + 1 < args.len() {
            let Some(n) = parse_i64(&args[i + 1]) else {
                out.error(NOT_INTEGER);
                return None;
            };
            if n < 0 && n != ENTRIES_READ_INVALID {
                out.error("ERR value for ENTRIESREAD must be positive or -1");
                return None;
            }
            entries_read = n;
            i += 2;
        } else {
            subcommand_syntax_error(out, args);
            return None;
        }
    }
    Some((mkstream, entries_read))
}

/// The stream an XGROUP subcommand works on, after Redis's checks: the key must hold a
/// stream; `need_group` subcommands also need the group.
fn group_target<'d>(
    db: &'d mut crate::keyspace::Db<'_, '_>,
    out: &mut Reply,
    args: &[Bytes],
    need_group: bool,
) -> Option<&'d mut Stream> {
    let stream = match lookup(db, &args[2], Access::Write) {
        Err(WrongType) => {
            out.error(WRONGTYPE);
            return None;
        }
        Ok(None) => {
            out.error(KEY_REQUIRED);
            return None;
        }
        Ok(Some(stream)) => stream,
    };
    if need_group && !stream.groups.contains_key(&args[3][..]) {
        named_error(
            out,
            &[
                b"NOGROUP No such consumer group '",
                &args[3],
                b"' for key name '",
                &args[2],
                b"'",
            ],
        );
        return None;
    }
    Some(stream)
}

/// `XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]`
pub fn xgroup_create(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some((mkstream, entries_read)) = group_options(ctx.out, args, true) else {
        return;
    };
    let (mut db, out) = db_and_out(ctx);
    let existing = match lookup(&mut db, &args[2], Access::Write) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(None) if !mkstream => return out.error(KEY_REQUIRED),
        Ok(stream) => stream.map(|s| s.log.last_id),
    };
    if args.len() > 8 {
        return subcommand_syntax_error(out, args);
    }
    let id = if cstr(&args[4]) == b"$" {
        existing.unwrap_or(StreamId::MIN)
    } else {
        match id_arg(out, &args[4], 0) {
            Some(id) => id,
            None => return,
        }
    };
    let name: Box<[u8]> = Box::from(&args[3][..]);
    if existing.is_none() {
        let mut stream = Stream::new();
        stream.groups.insert(name, Group::new(id, entries_read));
        db.set(&args[2], Value::Stream(Box::new(stream)), 0);
    } else {
        let Ok(Some(stream)) = lookup(&mut db, &args[2], Access::Write) else {
            unreachable!("the stream was found just above");
        };
        if stream.groups.contains_key(&name) {
            return out.error("BUSYGROUP Consumer Group name already exists");
        }
        stream.groups.insert(name, Group::new(id, entries_read));
    }
    out.ok();
    db.notify(STREAM, "xgroup-create", &args[2]);
    add_dirty(ctx, 1);
}

/// `XGROUP SETID key group id|$ [ENTRIESREAD entries-read]`
pub fn xgroup_setid(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some((_, entries_read)) = group_options(ctx.out, args, false) else {
        return;
    };
    let (mut db, out) = db_and_out(ctx);
    let Some(stream) = group_target(&mut db, out, args, true) else {
        return;
    };
    if args.len() != 5 && args.len() != 7 {
        return subcommand_syntax_error(out, args);
    }
    let id = if cstr(&args[4]) == b"$" {
        stream.log.last_id
    } else {
        match id_or_edge_arg(out, &args[4], 0) {
            Some(id) => id,
            None => return,
        }
    };
    let group = stream.groups.get_mut(&args[3][..]).expect("checked");
    group.last_id = id;
    group.entries_read = entries_read;
    out.ok();
    db.notify(STREAM, "xgroup-setid", &args[2]);
    add_dirty(ctx, 1);
}

/// `XGROUP DESTROY key group`
pub fn xgroup_destroy(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let db_index = ctx.client.db;
    let (mut db, out) = db_and_out(ctx);
    let Some(stream) = group_target(&mut db, out, args, false) else {
        return;
    };
    if stream.groups.remove(&args[3][..]).is_none() {
        return out.int(0);
    }
    out.int(1);
    db.notify(STREAM, "xgroup-destroy", &args[2]);
    // Readers blocked on the group learn it is gone.
    ctx.engine.keyspace.ready.signal(db_index, &args[2]);
    add_dirty(ctx, 1);
}

/// `XGROUP CREATECONSUMER key group consumer`
pub fn xgroup_createconsumer(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let now = super::now_ms(ctx);
    let (mut db, out) = db_and_out(ctx);
    let Some(stream) = group_target(&mut db, out, args, true) else {
        return;
    };
    let group = stream.groups.get_mut(&args[3][..]).expect("checked");
    let created = group.create_consumer(&args[4], now).is_some();
    if created {
        db.notify(STREAM, "xgroup-createconsumer", &args[2]);
    }
    out.int(i64::from(created));
    add_dirty(ctx, u64::from(created));
}

/// `XGROUP DELCONSUMER key group consumer`
pub fn xgroup_delconsumer(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    let Some(stream) = group_target(&mut db, out, args, true) else {
        return;
    };
    let group = stream.groups.get_mut(&args[3][..]).expect("checked");
    let pending = group.delete_consumer(&args[4]);
    if pending.is_some() {
        db.notify(STREAM, "xgroup-delconsumer", &args[2]);
    }
    out.int(pending.unwrap_or(0) as i64);
    add_dirty(ctx, u64::from(pending.is_some()));
}

/// `XGROUP HELP`
pub fn xgroup_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    reply_help(
        ctx,
        "xgroup",
        &[
            "CREATE <key> <groupname> <id|$> [MKSTREAM] [ENTRIESREAD <n>]",
            "    Create group <groupname>, reading <key> after <id> ($: its last entry). MKSTREAM",
            "    creates an empty stream when <key> does not exist.",
            "CREATECONSUMER <key> <groupname> <consumer>",
            "    Add <consumer> to the group.",
            "DELCONSUMER <key> <groupname> <consumer>",
            "    Remove <consumer> and its pending entries from the group.",
            "DESTROY <key> <groupname>",
            "    Remove the group.",
            "SETID <key> <groupname> <id|$> [ENTRIESREAD <n>]",
            "    Move the group's last delivered id (and set its read counter).",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// XACK, XPENDING
// ---------------------------------------------------------------------------------------------

/// `XACK key group id [id ...]`
pub fn xack(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    let group = match lookup(&mut db, &args[1], Access::Read) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(stream) => stream.and_then(|s| s.groups.get_mut(&args[2][..])),
    };
    let Some(group) = group else {
        return out.int(0);
    };
    // All or nothing: every id is checked before any is acknowledged.
    let mut ids = Vec::new();
    for arg in &args[3..] {
        let Some(id) = id_arg(out, arg, 0) else {
            return;
        };
        ids.push(id);
    }
    let acked = ids
        .into_iter()
        .filter(|&id| group.remove_pending(id).is_some())
        .count() as u64;
    out.int(acked as i64);
    add_dirty(ctx, acked);
}

/// `XPENDING key group [[IDLE min-idle-time] start end count [consumer]]`
pub fn xpending(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let summary = args.len() == 3;
    if !summary && !(6..=9).contains(&args.len()) {
        return ctx.out.error(SYNTAX);
    }
    let mut range = None;
    let mut min_idle = 0;
    if !summary {
        let mut at = 3;
        if keyword(&args[3], "idle") {
            let Some(idle) = parse_i64(&args[4]) else {
                return ctx.out.error(NOT_INTEGER);
            };
            if args.len() < 8 {
                return ctx.out.error(SYNTAX);
            }
            min_idle = idle;
            at += 2;
        }
        let Some(count) = parse_i64(&args[at + 2]) else {
            return ctx.out.error(NOT_INTEGER);
        };
        let Some(start) = interval_start(ctx.out, &args[at]) else {
            return;
        };
        let Some(end) = interval_end(ctx.out, &args[at + 1]) else {
            return;
        };
        let consumer = args.get(at + 3).map(|c| &c[..]);
        range = Some((start, end, count.max(0) as u64, consumer));
    }
    let now = super::now_ms(ctx);
    let (mut db, out) = db_and_out(ctx);
    let group = match lookup(&mut db, &args[1], Access::Read) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(stream) => stream.and_then(|s| s.groups.get(&args[2][..])),
    };
    let Some(group) = group else {
        return no_group(out, &args[1], &args[2]);
    };
    let Some((start, end, count, consumer)) = range else {
        return pending_summary(out, group);
    };
    let ids: Box<dyn Iterator<Item = StreamId> + '_> = match consumer {
        Some(name) => match group.consumer(name) {
            Some(consumer) => Box::new(consumer.pending().range(start..).copied()),
            None => return out.array(0),
        },
        None => Box::new(group.pel().range(start..).map(|(id, _)| *id)),
    };
    let limit = usize::try_from(count).unwrap_or(usize::MAX);
    let listed: Vec<(StreamId, i64)> = ids
        .take_while(|&id| id <= end)
        .filter_map(|id| {
            let idle = now.wrapping_sub(group.pel()[&id].delivery_ms);
            (min_idle == 0 || idle >= min_idle).then_some((id, idle))
        })
        .take(limit)
        .collect();
    out.array(listed.len());
    for (id, idle) in listed {
        let nack = &group.pel()[&id];
        out.array(4);
        reply_id(out, id);
        out.bulk(&nack.consumer);
        out.int(idle.max(0));
        out.int(nack.delivery_count as i64);
    }
}

/// XPENDING's summary: count, lowest and highest id, and per consumer with pending entries,
/// how many.
fn pending_summary(out: &mut Reply, group: &Group) {
    out.array(4);
    out.int(group.pel().len() as i64);
    let (Some((&first, _)), Some((&last, _))) =
        (group.pel().first_key_value(), group.pel().last_key_value())
    else {
        out.null();
        out.null();
        return out.null_array();
    };
    reply_id(out, first);
    reply_id(out, last);
    let owners: Vec<_> = group
        .consumers()
        .iter()
        .filter(|(_, c)| !c.pending().is_empty())
        .collect();
    out.array(owners.len());
    for (name, consumer) in owners {
        out.array(2);
        out.bulk(name);
        out.bulk_i64(consumer.pending().len() as i64);
    }
}

// ---------------------------------------------------------------------------------------------
// XCLAIM, XAUTOCLAIM
// ---------------------------------------------------------------------------------------------

/// `XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-ms]
/// [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]`
pub fn xclaim(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let now = super::now_ms(ctx);
    let announce = announcer(ctx, &args[1], "xgroup-createconsumer");
    let (mut db, out) = db_and_out(ctx);
    let stream = match lookup(&mut db, &args[1], Access::Read) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(stream) => stream.filter(|s| s.groups.contains_key(&args[2][..])),
    };
    let Some(stream) = stream else {
        return no_group(out, &args[1], &args[2]);
    };
    let Some(min_idle) = parse_i64(&args[4]) else {
        return out.error("ERR Invalid min-idle-time argument for XCLAIM");
    };
    let min_idle = min_idle.max(0);
    // Ids first; the first argument that is not one starts the options.
    let ids: Vec<StreamId> = args[5..]
        .iter()
        .map_while(|arg| super::parse_id_full(arg, 0, true, false).map(|(id, _)| id))
        .collect();
    let (mut force, mut justid) = (false, false);
    let mut delivery: Option<i64> = None;
    let mut retry_count: i64 = -1;
    let mut last_id = StreamId::MIN;
    let mut j = 5 + ids.len();
    while j < args.len() {
        let more = args.len() - 1 - j;
        let opt = &args[j][..];
        let int_option = |out: &mut Reply, arg: &[u8], what: &str| {
            let parsed = parse_i64(arg);
            if parsed.is_none() {
                out.error(format!("ERR Invalid {what} option argument for XCLAIM"));
            }
            parsed
        };
        if keyword(opt, "force") {
            force = true;
        } else if keyword(opt, "justid") {
            justid = true;
        } else if keyword(opt, "idle") && more > 0 {
            j += 1;
            let Some(idle) = int_option(out, &args[j], "IDLE") else {
                return;
            };
            delivery = Some(now.wrapping_sub(idle));
        } else if keyword(opt, "time") && more > 0 {
            j += 1;
            let Some(time) = int_option(out, &args[j], "TIME") else {
                return;
            };
            delivery = Some(time);
        } else if keyword(opt, "retrycount") && more > 0 {
            j += 1;
            let Some(count) = int_option(out, &args[j], "RETRYCOUNT") else {
                return;
            };
            retry_count = count;
        } else if keyword(opt, "lastid") && more > 0 {
            j += 1;
            let Some(id) = id_arg(out, &args[j], 0) else {
                return;
            };
            last_id = id;
        } else {
            let mut text = b"ERR Unrecognized XCLAIM option '".to_vec();
            text.extend_from_slice(cstr(opt));
            text.push(b'\'');
            return out.error(text);
        }
        j += 1;
    }
    let Stream { log, groups } = stream;
    let group = groups.get_mut(&args[2][..]).expect("checked above");
    let mut dirty = 0;
    let mut last_id_moved = false;
    if last_id > group.last_id {
        group.last_id = last_id;
        last_id_moved = true;
    }
    // A delivery time in the future or before the epoch is taken as now, as Redis does.
    let delivery = delivery.filter(|&t| (0..=now).contains(&t)).unwrap_or(now);
    let mut consumer: Option<Arc<[u8]>> = None;
    let mut claimed = super::scratch(out);
    let mut claimed_count = 0;
    for id in ids {
        if !log.contains(id) {
            if group.remove_pending(id).is_some() {
                dirty += 1;
                last_id_moved = false;
            }
            continue;
        }
        match group.pel().get(&id) {
            None if !force => continue,
            // FORCE: a new pending entry, its idle time not considered.
            None => {
                let owner =
                    claiming_consumer(group, &mut consumer, &args[3], now, &mut dirty, &announce);
                group.insert_pending(id, &owner, now);
            }
            Some(nack) if min_idle > 0 && now.wrapping_sub(nack.delivery_ms) < min_idle => {
                continue;
            }
            Some(_) => {}
        }
        let owner = claiming_consumer(group, &mut consumer, &args[3], now, &mut dirty, &announce);
        group.set_owner(id, &owner);
        let nack = group.nack_mut(id).expect("pending");
        nack.delivery_ms = delivery;
        if retry_count >= 0 {
            nack.delivery_count = retry_count as u64;
        } else if !justid {
            nack.delivery_count = nack.delivery_count.wrapping_add(1);
        }
        if justid {
            reply_id(&mut claimed, id);
        } else {
            reply_entry(&mut claimed, &log.get(id).expect("checked to exist"));
        }
        claimed_count += 1;
        dirty += 1;
        last_id_moved = false;
    }
    if last_id_moved {
        dirty += 1;
    }
    out.array(claimed_count);
    out.raw(&claimed.buf);
    add_dirty(ctx, dirty);
}

/// The consumer a claim goes to, looked up (and marked seen) or created on the first claim.
fn claiming_consumer(
    group: &mut Group,
    consumer: &mut Option<Arc<[u8]>>,
    name: &[u8],
    now: i64,
    dirty: &mut u64,
    announce: &dyn Fn(),
) -> Arc<[u8]> {
    consumer
        .get_or_insert_with(|| {
            let (key, created) = group.consumer_seen(name, now);
            if created {
                announce();
            }
            *dirty += u64::from(created);
            key
        })
        .clone()
}

/// Publishes `event` on the stream `key` of the client's database, for use while the stream
/// is borrowed.
fn announcer<'a, 'k: 'a>(ctx: &Ctx<'_, 'k>, key: &'a [u8], event: &'static str) -> impl Fn() + 'a {
    let (engine, db, now_ms) = (ctx.engine, ctx.client.db, ctx.now.unix_ms());
    move || super::notify(engine, db, key, event, now_ms)
}

/// `XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]`
pub fn xautoclaim(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    // Redis looks the key up before parsing anything (a hit or miss even on a syntax error).
    let (mut db, _) = db_and_out(ctx);
    let found = lookup(&mut db, &args[1], Access::Read).map(|s| s.is_some());
    let Some(min_idle) = parse_i64(&args[4]) else {
        return ctx
            .out
            .error("ERR Invalid min-idle-time argument for XAUTOCLAIM");
    };
    let min_idle = min_idle.max(0);
    let Some(start) = interval_start(ctx.out, &args[5]) else {
        return;
    };
    let mut count = AUTOCLAIM_COUNT_DEFAULT;
    let mut justid = false;
    let mut j = 6;
    while j < args.len() {
        let more = args.len() - 1 - j;
        if keyword(&args[j], "count") && more > 0 {
            match parse_i64(&args[j + 1]) {
                Some(n) if (1..=AUTOCLAIM_COUNT_MAX).contains(&n) => count = n as u64,
                _ => return ctx.out.error("ERR COUNT must be > 0"),
            }
            j += 1;
        } else if keyword(&args[j], "justid") {
            justid = true;
        } else {
            return ctx.out.error(SYNTAX);
        }
        j += 1;
    }
    if found.is_err() {
        return ctx.out.error(WRONGTYPE);
    }
    let now = super::now_ms(ctx);
    let announce = announcer(ctx, &args[1], "xgroup-createconsumer");
    let (mut db, out) = db_and_out(ctx);
    let stream = match lookup(&mut db, &args[1], Access::Write) {
        Err(WrongType) => return out.error(WRONGTYPE),
        Ok(stream) => stream.filter(|s| s.groups.contains_key(&args[2][..])),
    };
    let Some(Stream { log, groups }) = stream else {
        return no_group(out, &args[1], &args[2]);
    };
    let group = groups.get_mut(&args[2][..]).expect("checked above");
    let mut attempts = count.saturating_mul(AUTOCLAIM_ATTEMPTS_FACTOR);
    let mut dirty = 0;
    let mut consumer: Option<Arc<[u8]>> = None;
    let mut claimed = super::scratch(out);
    let mut claimed_count = 0;
    let mut deleted = Vec::new();
    let mut cursor = start;
    let mut next = None;
    loop {
        let candidate = group.pel().range(cursor..).next().map(|(id, _)| *id);
        if attempts == 0 || count == 0 {
            next = candidate;
            break;
        }
        attempts -= 1;
        let Some(id) = candidate else {
            break;
        };
        cursor = id.incr().unwrap_or(StreamId::MAX);
        if !log.contains(id) {
            group.remove_pending(id);
            deleted.push(id);
            dirty += 1;
            count -= 1;
        } else if min_idle == 0 || now.wrapping_sub(group.pel()[&id].delivery_ms) >= min_idle {
            let owner =
                claiming_consumer(group, &mut consumer, &args[3], now, &mut dirty, &announce);
            group.set_owner(id, &owner);
            let nack = group.nack_mut(id).expect("pending");
            nack.delivery_ms = now;
            if !justid {
                nack.delivery_count = nack.delivery_count.wrapping_add(1);
            }
            if justid {
                reply_id(&mut claimed, id);
            } else {
                reply_entry(&mut claimed, &log.get(id).expect("checked to exist"));
            }
            claimed_count += 1;
            count -= 1;
            dirty += 1;
        }
        if id == StreamId::MAX {
            break;
        }
    }
    out.array(3);
    reply_id(out, next.unwrap_or(StreamId::MIN));
    out.array(claimed_count);
    out.raw(&claimed.buf);
    out.array(deleted.len());
    for id in deleted {
        reply_id(out, id);
    }
    add_dirty(ctx, dirty);
}
