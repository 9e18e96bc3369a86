//! XINFO STREAM (with FULL), XINFO GROUPS, XINFO CONSUMERS and XINFO HELP, with Redis 7.0's
//! field sets in Redis 7.0's order. `radix-tree-keys` and `radix-tree-nodes` are explained in
//! `types::stream`.

use bytes::Bytes;

use super::{
    Access, NO_SUCH_KEY, WrongType, cstr, db_and_out, keyword, lookup, reply_entries, reply_entry,
    reply_id,
};
use crate::cmd::{NOT_INTEGER, WRONGTYPE, reply_help};
use crate::resp::Reply;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::types::stream::{Group, Log, Stream, StreamId};

/// XINFO STREAM FULL's default COUNT.
const FULL_COUNT_DEFAULT: i64 = 10;

/// The stream of an XINFO subcommand (the key comes before any option check, as in Redis).
fn info_target<'d>(
    db: &'d mut crate::keyspace::Db<'_, '_>,
    out: &mut Reply,
    key: &[u8],
) -> Option<&'d mut Stream> {
    match lookup(db, key, Access::Read) {
        Err(WrongType) => {
            out.error(WRONGTYPE);
            None
        }
        Ok(None) => {
            out.error(NO_SUCH_KEY);
            None
        }
        Ok(stream) => stream,
    }
}

fn syntax_error(out: &mut Reply, args: &[Bytes]) {
    let name = cstr(&args[1]);
    let mut text = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
    text.extend_from_slice(&name[..name.len().min(128)]);
    text.extend_from_slice(b"'. Try XINFO HELP.");
    out.error(text);
}

/// `XINFO STREAM key [FULL [COUNT count]]`
pub fn xinfo_stream(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    let Some(stream) = info_target(&mut db, out, &args[2]) else {
        return;
    };
    let options = &args[3..];
    let full_count = match options.len() {
        0 => None,
        1 | 3 => {
            if !keyword(&options[0], "full")
                || (options.len() == 3 && !keyword(&options[1], "count"))
            {
                return syntax_error(out, args);
            }
            let count = match options.get(2) {
                None => FULL_COUNT_DEFAULT,
                Some(arg) => match parse_i64(arg) {
                    Some(n) if n < 0 => FULL_COUNT_DEFAULT,
                    Some(n) => n,
                    None => return out.error(NOT_INTEGER),
                },
            };
            Some(usize::try_from(count).unwrap_or(usize::MAX))
        }
        _ => return syntax_error(out, args),
    };
    let log = &stream.log;
    out.map(if full_count.is_some() { 9 } else { 10 });
    out.bulk(b"length");
    out.int(log.len() as i64);
    out.bulk(b"radix-tree-keys");
    out.int(log.chunk_count() as i64);
    out.bulk(b"radix-tree-nodes");
    out.int(log.radix_tree_nodes() as i64);
    out.bulk(b"last-generated-id");
    reply_id(out, log.last_id);
    out.bulk(b"max-deleted-entry-id");
    reply_id(out, log.max_deleted_id);
    out.bulk(b"entries-added");
    out.int(log.entries_added as i64);
    out.bulk(b"recorded-first-entry-id");
    reply_id(out, log.first_id);
    let Some(count) = full_count else {
        out.bulk(b"groups");
        out.int(stream.groups.len() as i64);
        out.bulk(b"first-entry");
        match log.first_entry() {
            Some(entry) => reply_entry(out, &entry),
            None => out.null(),
        }
        out.bulk(b"last-entry");
        match log.last_entry() {
            Some(entry) => reply_entry(out, &entry),
            None => out.null(),
        }
        return;
    };
    out.bulk(b"entries");
    reply_entries(out, log.range(StreamId::MIN, StreamId::MAX), count);
    out.bulk(b"groups");
    out.array(stream.groups.len());
    let limit = if count == 0 { usize::MAX } else { count };
    for (name, group) in &stream.groups {
        full_group(out, log, name, group, limit);
    }
}

/// One group of XINFO STREAM FULL, with at most `limit` pending entries per list.
fn full_group(out: &mut Reply, log: &Log, name: &[u8], group: &Group, limit: usize) {
    out.map(7);
    out.bulk(b"name");
    out.bulk(name);
    out.bulk(b"last-delivered-id");
    reply_id(out, group.last_id);
    out.bulk(b"entries-read");
    reply_entries_read(out, group.entries_read);
    out.bulk(b"lag");
    reply_lag(out, group.lag(log));
    out.bulk(b"pel-count");
    out.int(group.pel().len() as i64);
    out.bulk(b"pending");
    let shown = group.pel().len().min(limit);
    out.array(shown);
    for (id, nack) in group.pel().iter().take(shown) {
        out.array(4);
        reply_id(out, *id);
        out.bulk(&nack.consumer);
        out.int(nack.delivery_ms);
        out.int(nack.delivery_count as i64);
    }
    out.bulk(b"consumers");
    out.array(group.consumers().len());
    for (consumer_name, consumer) in group.consumers() {
        out.map(4);
        out.bulk(b"name");
        out.bulk(consumer_name);
        out.bulk(b"seen-time");
        out.int(consumer.seen_ms);
        out.bulk(b"pel-count");
        out.int(consumer.pending().len() as i64);
        out.bulk(b"pending");
        let shown = consumer.pending().len().min(limit);
        out.array(shown);
        for id in consumer.pending().iter().take(shown) {
            let nack = &group.pel()[id];
            out.array(3);
            reply_id(out, *id);
            out.int(nack.delivery_ms);
            out.int(nack.delivery_count as i64);
        }
    }
}

fn reply_entries_read(out: &mut Reply, entries_read: i64) {
    if entries_read == crate::types::stream::ENTRIES_READ_INVALID {
        out.null();
    } else {
        out.int(entries_read);
    }
}

fn reply_lag(out: &mut Reply, lag: Option<i64>) {
    match lag {
        Some(lag) => out.int(lag),
        None => out.null(),
    }
}

/// `XINFO GROUPS key`
pub fn xinfo_groups(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    let Some(stream) = info_target(&mut db, out, &args[2]) else {
        return;
    };
    out.array(stream.groups.len());
    for (name, group) in &stream.groups {
        out.map(6);
        out.bulk(b"name");
        out.bulk(name);
        out.bulk(b"consumers");
        out.int(group.consumers().len() as i64);
        out.bulk(b"pending");
        out.int(group.pel().len() as i64);
        out.bulk(b"last-delivered-id");
        reply_id(out, group.last_id);
        out.bulk(b"entries-read");
        reply_entries_read(out, group.entries_read);
        out.bulk(b"lag");
        reply_lag(out, group.lag(&stream.log));
    }
}

/// `XINFO CONSUMERS key group`
pub fn xinfo_consumers(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let now = super::now_ms(ctx);
    let (mut db, out) = db_and_out(ctx);
    let Some(stream) = info_target(&mut db, out, &args[2]) else {
        return;
    };
    let Some(group) = stream.groups.get(&args[3][..]) else {
        let mut text = b"NOGROUP No such consumer group '".to_vec();
        text.extend_from_slice(cstr(&args[3]));
        text.extend_from_slice(b"' for key name '");
        text.extend_from_slice(cstr(&args[2]));
        text.push(b'\'');
        return out.error(text);
    };
    out.array(group.consumers().len());
    for (name, consumer) in group.consumers() {
        out.map(3);
        out.bulk(b"name");
        out.bulk(name);
        out.bulk(b"pending");
        out.int(consumer.pending().len() as i64);
        out.bulk(b"idle");
        out.int(now.wrapping_sub(consumer.seen_ms).max(0));
    }
}

/// `XINFO HELP`
pub fn xinfo_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    reply_help(
        ctx,
        "xinfo",
        &[
            "CONSUMERS <key> <groupname>",
            "    List the consumers of <groupname> with their pending counts and idle times.",
            "GROUPS <key>",
            "    List the consumer groups of the stream.",
            "STREAM <key> [FULL [COUNT <count>]]",
            "    Describe the stream; FULL details its entries, groups and pending entries.",
        ],
    );
}
