//! Streams in RDB: `STREAM_LISTPACKS_2` as Redis 7.0 writes it, and reading the 5.0
//! (`STREAM_LISTPACKS`), 7.0 and 7.2 (`STREAM_LISTPACKS_3`) forms.
//!
//! ```text
//! stream   = nodes:len (master-id:string(16 bytes BE) listpack:string)*
//!            length:len last-id:(len len) [first-id max-deleted-id entries-added]  (v2+)
//!            groups:len group*
//! group    = name:string last-id:(len len) [entries-read:len] (v2+)
//!            pel:len (id:16 bytes BE delivery-ms:u64le delivery-count:len)*
//!            consumers:len (name:string seen-ms:u64le [active-ms:u64le] (v3)
//!                           pel:len id:16 bytes*)*
//! listpack = count deleted n-master field*n 0                       (the master entry)
//!            (flags ms-diff seq-diff [n (field value)*n | value*n-master] lp-count)*
//! ```
//!
//! Flags: 1 = deleted, 2 = same fields as the master entry. Ids are stored as differences
//! from the node's master id. Nodes are rebuilt here from the live entries (no tombstones),
//! at most [`NODE_MAX_ENTRIES`] entries and about [`NODE_MAX_BYTES`] each, as Redis splits.

use std::collections::BTreeMap;

use bytes::Bytes;

use super::listpack::{self, Elem};
use super::reader::{Reader, Result, put_len, put_string};
use super::types;
use crate::types::stream::{
    ENTRIES_READ_INVALID, EntryRef, Group, Log, NODE_MAX_BYTES, NODE_MAX_ENTRIES, Stream, StreamId,
};

const FLAG_DELETED: i64 = 1;
const FLAG_SAME_FIELDS: i64 = 2;

fn put_id(out: &mut Vec<u8>, id: StreamId) {
    out.extend_from_slice(&id.to_be_bytes());
}

fn id_from_be(bytes: &[u8]) -> StreamId {
    StreamId::new(
        u64::from_be_bytes(bytes[..8].try_into().expect("16 bytes")),
        u64::from_be_bytes(bytes[8..16].try_into().expect("16 bytes")),
    )
}

/// One node's listpack, Redis's layout, from live entries.
fn node_listpack(entries: &[EntryRef<'_>]) -> Vec<u8> {
    let master = entries[0].id;
    let master_fields: Vec<&[u8]> = entries[0].pairs().map(|(f, _)| f).collect();
    let mut lp = listpack::Writer::new();
    lp.push_int(entries.len() as i64);
    lp.push_int(0);
    lp.push_int(master_fields.len() as i64);
    for field in &master_fields {
        lp.push_str(field);
    }
    lp.push_int(0);
    for entry in entries {
        let same = entry.len() == master_fields.len()
            && entry.pairs().zip(&master_fields).all(|((f, _), m)| f == *m);
        lp.push_int(if same { FLAG_SAME_FIELDS } else { 0 });
        lp.push_int(entry.id.ms.wrapping_sub(master.ms) as i64);
        lp.push_int(entry.id.seq.wrapping_sub(master.seq) as i64);
        if same {
            for (_, value) in entry.pairs() {
                lp.push_str(value);
            }
            lp.push_int(entry.len() as i64 + 3);
        } else {
            lp.push_int(entry.len() as i64);
            for (field, value) in entry.pairs() {
                lp.push_str(field);
                lp.push_str(value);
            }
            lp.push_int(2 * entry.len() as i64 + 4);
        }
    }
    lp.finish()
}

pub fn write(out: &mut Vec<u8>, stream: &Stream) {
    let log = &stream.log;
    let mut nodes: Vec<(StreamId, Vec<u8>)> = Vec::new();
    let mut pending: Vec<EntryRef<'_>> = Vec::new();
    let mut bytes = 0u64;
    for entry in log.range(StreamId::MIN, StreamId::MAX) {
        let size: u64 = entry
            .pairs()
            .map(|(f, v)| f.len() as u64 + v.len() as u64 + 4)
            .sum::<u64>()
            + 8;
        if !pending.is_empty()
            && (pending.len() as u32 >= NODE_MAX_ENTRIES || bytes + size > NODE_MAX_BYTES)
        {
            nodes.push((pending[0].id, node_listpack(&pending)));
            pending.clear();
            bytes = 0;
        }
        bytes += size;
        pending.push(entry);
    }
    if !pending.is_empty() {
        nodes.push((pending[0].id, node_listpack(&pending)));
    }
    put_len(out, nodes.len() as u64);
    for (master, lp) in &nodes {
        put_string(out, &master.to_be_bytes());
        put_string(out, lp);
    }
    put_len(out, log.len());
    for id in [log.last_id, log.first_id, log.max_deleted_id] {
        put_len(out, id.ms);
        put_len(out, id.seq);
    }
    put_len(out, log.entries_added);
    put_len(out, stream.groups.len() as u64);
    for (name, group) in &stream.groups {
        put_string(out, name);
        put_len(out, group.last_id.ms);
        put_len(out, group.last_id.seq);
        put_len(out, group.entries_read as u64);
        put_len(out, group.pel().len() as u64);
        for (id, nack) in group.pel() {
            put_id(out, *id);
            out.extend_from_slice(&(nack.delivery_ms as u64).to_le_bytes());
            put_len(out, nack.delivery_count);
        }
        put_len(out, group.consumers().len() as u64);
        for (name, consumer) in group.consumers() {
            put_string(out, name);
            out.extend_from_slice(&(consumer.seen_ms as u64).to_le_bytes());
            put_len(out, consumer.pending().len() as u64);
            for id in consumer.pending() {
                put_id(out, *id);
            }
        }
    }
}

/// Reads the entries of one node into `log`.
fn read_node(r: &Reader<'_>, master: StreamId, lp: &[u8], log: &mut Log) -> Result<()> {
    let elems = listpack::elements(lp).map_err(|e| r.corrupt(e.0))?;
    let mut it = elems.into_iter();
    let int = |it: &mut std::vec::IntoIter<Elem<'_>>| -> Result<i64> {
        it.next()
            .and_then(Elem::as_int)
            .ok_or_else(|| r.corrupt("stream node: integer expected"))
    };
    let count = int(&mut it)?;
    let _deleted = int(&mut it)?;
    let master_fields_len = int(&mut it)?;
    if master_fields_len <= 0 || master_fields_len as usize > it.len() {
        return Err(r.corrupt("stream node: master field count"));
    }
    let master_fields: Vec<Bytes> = (0..master_fields_len)
        .map(|_| it.next().map(|e| Bytes::from(e.to_vec())))
        .collect::<Option<_>>()
        .ok_or_else(|| r.corrupt("stream node: master fields"))?;
    if int(&mut it)? != 0 {
        return Err(r.corrupt("stream node: master terminator"));
    }
    let mut live = 0i64;
    while it.len() > 0 {
        let flags = int(&mut it)?;
        let ms = master.ms.wrapping_add(int(&mut it)? as u64);
        let seq = master.seq.wrapping_add(int(&mut it)? as u64);
        let id = StreamId::new(ms, seq);
        let mut pairs = Vec::new();
        let lp_count = if flags & FLAG_SAME_FIELDS != 0 {
            if master_fields.len() > it.len() {
                return Err(r.corrupt("stream entry: values missing"));
            }
            pairs.reserve(2 * master_fields.len());
            for field in &master_fields {
                let value = it.next().expect("counted above");
                pairs.push(field.clone());
                pairs.push(Bytes::from(value.to_vec()));
            }
            master_fields.len() as i64 + 3
        } else {
            let n = int(&mut it)?;
            if n <= 0 || n as usize > it.len() / 2 {
                return Err(r.corrupt("stream entry: field count"));
            }
            pairs.reserve(2 * n as usize);
            for _ in 0..2 * n {
                pairs.push(Bytes::from(it.next().expect("counted above").to_vec()));
            }
            2 * n + 4
        };
        if int(&mut it)? != lp_count {
            return Err(r.corrupt("stream entry: element count"));
        }
        if flags & FLAG_DELETED != 0 {
            continue;
        }
        if id <= log.last_id || id < master {
            return Err(r.corrupt("stream entry ids do not ascend"));
        }
        log.append(id, &pairs);
        live += 1;
    }
    if live != count {
        return Err(r.corrupt("stream node: live entry count"));
    }
    Ok(())
}

fn read_id_pair(r: &mut Reader<'_>) -> Result<StreamId> {
    Ok(StreamId::new(r.len()?, r.len()?))
}

pub fn read(r: &mut Reader<'_>, rdb_type: u8) -> Result<Stream> {
    let nodes = r.count(2)?;
    let mut log = Log::default();
    for _ in 0..nodes {
        let key = r.string()?;
        if key.len() != 16 {
            return Err(r.corrupt("stream node key is not an id"));
        }
        let master = id_from_be(&key);
        let lp = r.string()?;
        if lp.len() <= 7 {
            return Err(r.corrupt("empty listpack inside stream"));
        }
        read_node(r, master, &lp, &mut log)?;
    }
    let length = r.len()?;
    let last_id = read_id_pair(r)?;
    let appended_last = log.last_id;
    let (max_deleted_id, entries_added) = if rdb_type == types::STREAM_LISTPACKS {
        (StreamId::MIN, length)
    } else {
        let _first_id = read_id_pair(r)?;
        (read_id_pair(r)?, r.len()?)
    };
    if length != log.len() {
        return Err(r.corrupt("stream length does not match its entries"));
    }
    if last_id < appended_last {
        return Err(r.corrupt("stream last id below an entry"));
    }
    log.last_id = last_id;
    log.max_deleted_id = max_deleted_id;
    log.entries_added = entries_added;
    // `first_id` is kept as what it must be: the first live entry (0-0 when empty).
    log.first_id = log.first_entry().map_or(StreamId::MIN, |e| e.id);
    let mut stream = Stream {
        log,
        groups: BTreeMap::new(),
    };
    let groups = r.count(3)?;
    for _ in 0..groups {
        let name = r.string()?.into_owned().into_boxed_slice();
        let last_id = read_id_pair(r)?;
        let entries_read = if rdb_type == types::STREAM_LISTPACKS {
            stream.log.estimate_entries_read(last_id)
        } else {
            r.len()? as i64
        };
        if entries_read < ENTRIES_READ_INVALID {
            return Err(r.corrupt("consumer group entries-read"));
        }
        let mut group = Group::new(last_id, entries_read);
        let pel_len = r.count(17)?;
        let mut unowned: BTreeMap<StreamId, (i64, u64)> = BTreeMap::new();
        for _ in 0..pel_len {
            let id = id_from_be(r.take(16)?);
            let delivery_ms = r.millis()? as i64;
            let count = r.len()?;
            if unowned.insert(id, (delivery_ms, count)).is_some() {
                return Err(r.corrupt("duplicate id in a consumer group PEL"));
            }
        }
        let consumers = r.count(9)?;
        for _ in 0..consumers {
            let consumer_name = r.string()?;
            let seen_ms = r.millis()? as i64;
            if rdb_type == types::STREAM_LISTPACKS_3 {
                let _active_ms = r.millis()?;
            }
            let consumer = group
                .create_consumer(&consumer_name, seen_ms)
                .ok_or_else(|| r.corrupt("duplicate consumer"))?;
            let owned = r.count(16)?;
            for _ in 0..owned {
                let id = id_from_be(r.take(16)?);
                let (delivery_ms, count) = unowned
                    .remove(&id)
                    .ok_or_else(|| r.corrupt("consumer PEL entry not in its group PEL"))?;
                group.add_pending(id, &consumer, delivery_ms);
                group.nack_mut(id).expect("added just above").delivery_count = count;
            }
        }
        if !unowned.is_empty() {
            return Err(r.corrupt("group PEL entry without a consumer"));
        }
        if stream.groups.insert(name, group).is_some() {
            return Err(r.corrupt("duplicate consumer group"));
        }
    }
    Ok(stream)
}
