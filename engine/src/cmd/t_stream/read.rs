//! XREAD and XREADGROUP, with BLOCK. A read serves at once every stream that has entries past
//! the id asked for (for `>`, past the group's last delivered id; other ids read the
//! consumer's own pending entries). When none has, BLOCK waits (see `crate::blocking`): the
//! command is re-run on the client's behalf when one of its keys is written, with `$` pinned
//! to the id it meant when the client blocked, and then looks at that key only, as Redis
//! 7.0's `serveClientsBlockedOnStreamKey` does:
//!
//! - it serves when the stream's last id passed the id waited for (even if those entries were
//!   deleted since: then the reply holds none), at most COUNT entries, or 1000 without COUNT;
//! - an XREADGROUP whose key vanished or changed type gets `-UNBLOCKED`, one whose group was
//!   destroyed `-NOGROUP`; an XREAD keeps waiting.
//!
//! Every waiter on a written key gets its try, not only those before the first that found
//! nothing: stream readers take nothing from each other, and waiters of different groups see
//! different things. Inside MULTI a BLOCK that would wait answers the timeout reply at once.

use bytes::Bytes;

use super::{
    Access, INVALID_ID, WrongType, add_dirty, cstr, db_and_out, id_arg, keyword, lookup,
    reply_entries, reply_entry, reply_id, scratch,
};
use crate::blocking::BlockRequest;
use crate::cmd::{NOT_INTEGER, SYNTAX, WRONGTYPE};
use crate::resp::Reply;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::types::stream::{Group, Log, StreamId};

/// What a read served from a block returns at most without COUNT (Redis's
/// `XREAD_BLOCKED_DEFAULT_COUNT`).
const BLOCKED_COUNT_DEFAULT: usize = 1000;
/// `>` is kept as the greatest id, as Redis keeps it.
const NEW_ENTRIES: StreamId = StreamId::MAX;

/// The options of XREAD/XREADGROUP.
struct ReadArgs<'a> {
    /// BLOCK in ms (0: forever).
    block_ms: Option<u64>,
    /// COUNT (0: none).
    count: usize,
    noack: bool,
    group: Option<(&'a [u8], &'a [u8])>,
    keys: &'a [Bytes],
    ids: &'a [Bytes],
}

/// `XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]`
///
/// Its keys are found from `STREAMS`, so the dispatcher locked nothing and this handler locks
/// them itself.
pub fn xread(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    read_command(ctx, args, false);
}

/// `XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key
/// [key ...] id [id ...]`
pub fn xreadgroup(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    read_command(ctx, args, true);
}

fn parse_read<'a>(out: &mut Reply, args: &'a [Bytes], xreadgroup: bool) -> Option<ReadArgs<'a>> {
    let mut parsed = ReadArgs {
        block_ms: None,
        count: 0,
        noack: false,
        group: None,
        keys: &[],
        ids: &[],
    };
    let mut streams_at = None;
    let mut i = 1;
    while i < args.len() {
        let more = args.len() - i - 1;
        let opt = &args[i][..];
        if keyword(opt, "block") && more > 0 {
            i += 1;
            match parse_i64(&args[i]) {
                None => {
                    out.error("ERR timeout is not an integer or out of range");
                    return None;
                }
                Some(ms) if ms < 0 => {
                    out.error("ERR timeout is negative");
                    return None;
                }
                Some(ms) => parsed.block_ms = Some(ms as u64),
            }
        } else if keyword(opt, "count") && more > 0 {
            i += 1;
            let Some(n) = parse_i64(&args[i]) else {
                out.error(NOT_INTEGER);
                return None;
            };
            parsed.count = usize::try_from(n.max(0)).unwrap_or(usize::MAX);
        } else if keyword(opt, "streams") && more > 0 {
            if !more.is_multiple_of(2) {
                out.error(
                    "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
                );
                return None;
            }
            streams_at = Some(i + 1);
            break;
        } else if keyword(opt, "group") && more >= 2 {
            if !xreadgroup {
                out.error(
                    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
                );
                return None;
            }
            parsed.group = Some((&args[i + 1][..], &args[i + 2][..]));
            i += 2;
        } else if keyword(opt, "noack") {
            if !xreadgroup {
                out.error(
                    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
                );
                return None;
            }
            parsed.noack = true;
        } else {
            out.error(SYNTAX);
            return None;
        }
        i += 1;
    }
    let Some(streams_at) = streams_at else {
        out.error(SYNTAX);
        return None;
    };
    if xreadgroup && parsed.group.is_none() {
        out.error("ERR Missing GROUP option for XREADGROUP");
        return None;
    }
    let n = (args.len() - streams_at) / 2;
    parsed.keys = &args[streams_at..streams_at + n];
    parsed.ids = &args[streams_at + n..];
    Some(parsed)
}

/// Locks the shards of `keys` unless the command already holds locks (all of them, in EXEC).
fn lock_keys(ctx: &mut Ctx<'_, '_>, keys: &[Bytes]) {
    if ctx.locked.is_empty() {
        ctx.locked = ctx.engine.keyspace.lock_keys(keys.iter().map(|k| &k[..]));
    }
}

fn no_group_error(out: &mut Reply, key: &[u8], group: &[u8]) {
    let mut text = b"NOGROUP No such key '".to_vec();
    text.extend_from_slice(cstr(key));
    text.extend_from_slice(b"' or consumer group '");
    text.extend_from_slice(cstr(group));
    text.extend_from_slice(b"' in XREADGROUP with GROUP option");
    out.error(text);
}

fn read_command(ctx: &mut Ctx<'_, '_>, args: &[Bytes], xreadgroup: bool) {
    let Some(parsed) = parse_read(ctx.out, args, xreadgroup) else {
        return;
    };
    lock_keys(ctx, parsed.keys);
    if let Some(ready) = ctx.client.serving.clone() {
        return serve_blocked(ctx, &parsed, &ready);
    }
    let Some(ids) = resolve_ids(ctx, &parsed) else {
        return;
    };
    if serve_now(ctx, &parsed, &ids) {
        return;
    }
    let Some(block_ms) = parsed.block_ms else {
        return ctx.out.null_array();
    };
    if ctx.client.in_exec {
        return ctx.out.null_array();
    }
    // Pin `$` to what it meant now, so that the re-run waits for entries past it.
    let id_at = args.len() - parsed.ids.len();
    let rerun: Vec<Bytes> = args
        .iter()
        .enumerate()
        .map(|(i, arg)| match i.checked_sub(id_at) {
            Some(k) if cstr(arg) == b"$" => Bytes::from(ids[k].to_string()),
            _ => arg.clone(),
        })
        .collect();
    let deadline_ms = (block_ms > 0).then(|| ctx.now.unix_ms().saturating_add(block_ms));
    ctx.client.block_request = Some(BlockRequest {
        keys: {
            let mut seen = std::collections::BTreeSet::new();
            parsed
                .keys
                .iter()
                .filter(|k| seen.insert(&k[..]))
                .map(|k| k.to_vec())
                .collect()
        },
        deadline_ms,
        rerun: Some(rerun),
        try_all: true,
    });
}

/// The ids to read past, one per key, as Redis resolves them (checking types and groups on
/// the way); `None` after replying an error.
fn resolve_ids(ctx: &mut Ctx<'_, '_>, parsed: &ReadArgs<'_>) -> Option<Vec<StreamId>> {
    let (mut db, out) = db_and_out(ctx);
    let mut ids = Vec::with_capacity(parsed.keys.len());
    for (key, arg) in parsed.keys.iter().zip(parsed.ids) {
        let stream = match lookup(&mut db, key, Access::Read) {
            Err(WrongType) => {
                out.error(WRONGTYPE);
                return None;
            }
            Ok(stream) => stream,
        };
        if let Some((group, _)) = parsed.group
            && stream
                .as_ref()
                .is_none_or(|s| !s.groups.contains_key(group))
        {
            no_group_error(out, key, group);
            return None;
        }
        let arg = cstr(arg);
        let id = if arg == b"$" {
            if parsed.group.is_some() {
                out.error(
                    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
                );
                return None;
            }
            stream.map_or(StreamId::MIN, |s| s.log.last_id)
        } else if arg == b">" {
            if parsed.group.is_none() {
                out.error(
                    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
                );
                return None;
            }
            NEW_ENTRIES
        } else {
            id_arg(out, arg, 0)?
        };
        ids.push(id);
    }
    Some(ids)
}

/// Serves every stream that has something; returns false (replying nothing) if none has.
fn serve_now(ctx: &mut Ctx<'_, '_>, parsed: &ReadArgs<'_>, ids: &[StreamId]) -> bool {
    let now = super::now_ms(ctx);
    let (engine, db_index, now_ms) = (ctx.engine, ctx.client.db, ctx.now.unix_ms());
    let mut dirty = 0;
    let (mut db, out) = db_and_out(ctx);
    let mut body = scratch(out);
    let mut served = 0;
    for (key, &after) in parsed.keys.iter().zip(ids) {
        let Ok(Some(stream)) = lookup(&mut db, key, Access::Read) else {
            continue;
        };
        let Some((group_name, consumer)) = parsed.group else {
            if stream.log.last_valid_id().is_none_or(|top| top <= after) {
                continue;
            }
            served += 1;
            stream_header(&mut body, key);
            let start = after.incr().unwrap_or(StreamId::MIN);
            reply_entries(
                &mut body,
                stream.log.range(start, StreamId::MAX),
                parsed.count,
            );
            continue;
        };
        let group = stream
            .groups
            .get_mut(group_name)
            .expect("groups were checked while resolving ids");
        let history = after != NEW_ENTRIES;
        let new_past = stream
            .log
            .last_valid_id()
            .is_some_and(|top| top > group.last_id);
        if !history && !new_past {
            continue;
        }
        served += 1;
        stream_header(&mut body, key);
        let (consumer, created) = group.consumer_seen(consumer, now);
        if created {
            super::notify(engine, db_index, key, "xgroup-createconsumer", now_ms);
        }
        dirty += u64::from(created) + 1;
        let reader = GroupReader {
            log: &stream.log,
            group,
            consumer: &consumer,
            now,
        };
        if history {
            let start = after.incr().unwrap_or(StreamId::MIN);
            reader.reply_history(&mut body, start, parsed.count);
        } else {
            let start = reader.group.last_id.incr().unwrap_or(StreamId::MIN);
            reader.reply_new(&mut body, start, parsed.count, parsed.noack);
        }
    }
    if served > 0 {
        if out.resp3() {
            out.map(served);
        } else {
            out.array(served);
        }
        out.raw(&body.buf);
    }
    add_dirty(ctx, dirty);
    served > 0
}

/// A served stream's key: `[key, entries]` in RESP2, `key => entries` in a RESP3 map.
fn stream_header(body: &mut Reply, key: &[u8]) {
    if !body.resp3() {
        body.array(2);
    }
    body.bulk(key);
}

/// A read on behalf of a blocked client after `ready` was written.
fn serve_blocked(ctx: &mut Ctx<'_, '_>, parsed: &ReadArgs<'_>, ready: &[u8]) {
    let Some(at) = parsed.keys.iter().position(|k| k[..] == *ready) else {
        return;
    };
    let count = match parsed.count {
        0 => BLOCKED_COUNT_DEFAULT,
        n => n,
    };
    let now = super::now_ms(ctx);
    let (engine, db_index, now_ms) = (ctx.engine, ctx.client.db, ctx.now.unix_ms());
    let (mut db, out) = db_and_out(ctx);
    let stream = match lookup(&mut db, ready, Access::Write) {
        Ok(Some(stream)) => stream,
        _ if parsed.group.is_some() => {
            return out.error("UNBLOCKED the stream key no longer exists");
        }
        _ => return,
    };
    let Some((group_name, consumer)) = parsed.group else {
        let Some(after) = super::parse_id_full(&parsed.ids[at], 0, true, false) else {
            return out.error(INVALID_ID);
        };
        let after = after.0;
        if stream.log.last_id <= after {
            return;
        }
        one_stream_header(out, ready);
        let start = after.incr().unwrap_or(StreamId::MIN);
        return reply_entries(out, stream.log.range(start, StreamId::MAX), count);
    };
    let Some(group) = stream.groups.get_mut(group_name) else {
        return out.error("NOGROUP the consumer group this client was blocked on no longer exists");
    };
    if stream.log.last_id <= group.last_id {
        return;
    }
    let (consumer, created) = group.consumer_seen(consumer, now);
    one_stream_header(out, ready);
    if created {
        super::notify(engine, db_index, ready, "xgroup-createconsumer", now_ms);
    }
    let start = group.last_id.incr().unwrap_or(StreamId::MIN);
    GroupReader {
        log: &stream.log,
        group,
        consumer: &consumer,
        now,
    }
    .reply_new(out, start, count, parsed.noack);
    // Redis counts the consumer it creates here, not the read itself.
    add_dirty(ctx, u64::from(created));
}

/// The reply's wrapping for one served stream.
fn one_stream_header(out: &mut Reply, key: &[u8]) {
    if out.resp3() {
        out.map(1);
    } else {
        out.array(1);
        out.array(2);
    }
    out.bulk(key);
}

/// A consumer reading through its group.
struct GroupReader<'a> {
    log: &'a Log,
    group: &'a mut Group,
    consumer: &'a std::sync::Arc<[u8]>,
    now: i64,
}

impl GroupReader<'_> {
    /// New entries from `start` on: they become the group's last delivered, and pending for
    /// the consumer unless NOACK.
    fn reply_new(self, out: &mut Reply, start: StreamId, count: usize, noack: bool) {
        let limit = if count == 0 { usize::MAX } else { count };
        let entries: Vec<_> = self.log.range(start, StreamId::MAX).take(limit).collect();
        out.array(entries.len());
        for entry in &entries {
            self.group.advance(self.log, entry.id);
            reply_entry(out, entry);
            if !noack {
                self.group.add_pending(entry.id, self.consumer, self.now);
            }
        }
    }

    /// The consumer's own pending entries from `start` on, each delivered once more; an
    /// entry deleted since comes as its id and a null.
    fn reply_history(self, out: &mut Reply, start: StreamId, count: usize) {
        let limit = if count == 0 { usize::MAX } else { count };
        let pending: Vec<StreamId> = self
            .group
            .consumer(self.consumer)
            .expect("the reader's consumer exists")
            .pending()
            .range(start..)
            .take(limit)
            .copied()
            .collect();
        out.array(pending.len());
        for id in pending {
            match self.log.get(id) {
                Some(entry) => {
                    reply_entry(out, &entry);
                    let nack = self.group.nack_mut(id).expect("pending for its consumer");
                    nack.delivery_ms = self.now;
                    nack.delivery_count = nack.delivery_count.wrapping_add(1);
                }
                None => {
                    out.array(2);
                    reply_id(out, id);
                    out.null_array();
                }
            }
        }
    }
}
