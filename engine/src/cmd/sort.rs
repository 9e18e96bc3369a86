//! SORT and SORT_RO: sort the elements of a list, set or sorted set, by their own value or by
//! weights read from other keys (`BY pattern`), and reply them or values read from other keys
//! (`GET pattern`), or store the result as a list (`STORE`).
//!
//! Everything follows Redis 7.0's `sort.c`: the option grammar and which error wins, the LIMIT
//! clamping, the "don't sort" fast paths of `BY <pattern without *>`, the forced ALPHA sort of
//! a set stored without sorting (so replicas agree), the numeric parse (C's `strtod`, whose
//! range errors refuse the whole sort), the comparisons (numeric with a byte-wise tie-break;
//! ALPHA as `strcoll` in the C locale, which stops at a NUL, or binary with STORE), the sort
//! algorithms themselves — a stable sort (glibc's `qsort` is a merge sort) and, for a BY
//! pattern with LIMIT, Redis's partial quicksort (`order::partial_sort`), so that ties come
//! out in Redis's order — and the keyspace hits, misses and `dirty` counts.
//!
//! Locking: BY and GET patterns name arbitrary keys, so a SORT that uses one takes every
//! shard; a SORT without one locks only its key and its STORE destination.
//!
//! Elements are copied out of the container before sorting, because the BY and GET lookups
//! need the database while the elements are in use.
//!
//! Never: allocate for a LIMIT before clamping it to the elements that exist.
//!
//! Known difference: the members of a set, or of a sorted set sorted by anything but `BY
//! nosort`, enter the sort in Ferrite's iteration order, not Redis's hash-table order, so
//! equal weights under ALPHA with BY (which Redis leaves unordered) can come out differently,
//! as can a set's order under `BY nosort` without STORE. Lists, and everything fully ordered,
//! match byte for byte.

mod order;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;

use std::borrow::Cow;
use std::sync::atomic::Ordering::Relaxed;

use bytes::Bytes;
use smallvec::SmallVec;

use crate::cmd::t_hash::{Access, with_hash};
use crate::cmd::{SYNTAX, WRONGTYPE, int_arg};
use crate::keyspace::{Db, Value};
use crate::session::Ctx;
use crate::types::list::List;

const NOT_DOUBLE: &str = "ERR One or more scores can't be converted into double";

/// The parsed options of one SORT call.
struct Options<'a> {
    desc: bool,
    alpha: bool,
    limit_start: i64,
    limit_count: i64,
    store: Option<&'a [u8]>,
    by: Option<&'a [u8]>,
    gets: SmallVec<[&'a [u8]; 4]>,
    /// `BY` a pattern without `*`: keep the container's own order.
    dontsort: bool,
}

/// `SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC]
/// [ALPHA] [STORE destination]`
pub fn sort(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    sort_generic(ctx, args, false);
}

/// `SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC]
/// [ALPHA]`
pub fn sort_ro(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    sort_generic(ctx, args, true);
}

/// An option keyword as Redis's `strcasecmp` sees it: only up to the first NUL byte.
fn keyword(arg: &[u8], lowercase: &str) -> bool {
    c_str(arg).eq_ignore_ascii_case(lowercase.as_bytes())
}

/// The bytes C string functions see: up to the first NUL.
fn c_str(arg: &[u8]) -> &[u8] {
    arg.iter()
        .position(|&b| b == 0)
        .map_or(arg, |nul| &arg[..nul])
}

fn has_star(pattern: &[u8]) -> bool {
    c_str(pattern).contains(&b'*')
}

/// Parses the options after the key; `None` once an error has been replied.
fn parse<'a>(ctx: &mut Ctx<'_, '_>, args: &'a [Bytes], readonly: bool) -> Option<Options<'a>> {
    let mut options = Options {
        desc: false,
        alpha: false,
        limit_start: 0,
        limit_count: -1,
        store: None,
        by: None,
        gets: SmallVec::new(),
        dontsort: false,
    };
    let mut j = 2;
    while j < args.len() {
        let arg = &args[j][..];
        let left = args.len() - j - 1;
        if keyword(arg, "asc") {
            options.desc = false;
        } else if keyword(arg, "desc") {
            options.desc = true;
        } else if keyword(arg, "alpha") {
            options.alpha = true;
        } else if keyword(arg, "limit") && left >= 2 {
            options.limit_start = int_arg(ctx, &args[j + 1])?;
            options.limit_count = int_arg(ctx, &args[j + 2])?;
            j += 2;
        } else if !readonly && keyword(arg, "store") && left >= 1 {
            options.store = Some(&args[j + 1]);
            j += 1;
        } else if keyword(arg, "by") && left >= 1 {
            let pattern = &args[j + 1][..];
            options.by = Some(pattern);
            // A constant BY names no weights: nothing to sort by.
            options.dontsort = !has_star(pattern);
            j += 1;
        } else if keyword(arg, "get") && left >= 1 {
            options.gets.push(&args[j + 1]);
            j += 1;
        } else {
            ctx.out.error(SYNTAX);
            return None;
        }
        j += 1;
    }
    Some(options)
}

/// Takes the locks the call needs: every shard if a pattern may name any key, else the
/// sorted key and the destination.
fn lock(ctx: &mut Ctx<'_, '_>, key: &[u8], options: &Options<'_>) {
    let by_reads_keys = options.by.is_some_and(has_star);
    let get_reads_keys = options
        .gets
        .iter()
        .any(|pattern| c_str(pattern) != b"#" && has_star(pattern));
    if by_reads_keys || get_reads_keys {
        if !ctx.locked.has_all() {
            // The dispatcher locked the sorted key's shard: release it so that every shard
            // is taken in ascending order.
            ctx.locked = ctx.engine.keyspace.lock(SmallVec::new());
            ctx.lock_all();
        }
    } else {
        crate::cmd::t_zset::lock_keys(ctx, std::iter::once(key).chain(options.store));
    }
}

/// The type of the value sorted (a missing key sorts as an empty list).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    List,
    Set,
    ZSet,
}

fn sort_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], readonly: bool) {
    let Some(options) = parse(ctx, args, readonly) else {
        return;
    };
    let key = &args[1][..];
    lock(ctx, key, &options);
    let Options {
        desc,
        mut alpha,
        limit_start,
        limit_count,
        store,
        mut by,
        ref gets,
        mut dontsort,
    } = options;
    let now_ms = ctx.now.unix_ms();
    let db_index = ctx.client.db;
    let mut db = ctx.locked.db(db_index, now_ms);
    let out = &mut *ctx.out;

    let hasher = db.value_hasher();
    let (kind, len) = match db.lookup_read(key).map(|entry| &mut entry.value) {
        None => (Kind::List, 0),
        Some(Value::List(list)) => (Kind::List, list.len()),
        Some(Value::Set(set)) => (Kind::Set, set.len()),
        Some(Value::ZSet(zset)) => {
            // Redis 7.0 converts the sorted set it sorts to a skiplist, for good (SORT_RO
            // too): OBJECT ENCODING shows it.
            zset.convert_to_skiplist(&hasher);
            (Kind::ZSet, zset.len())
        }
        Some(_) => return out.error(WRONGTYPE),
    };
    // A set has no order of its own that replicas would agree on: stored unsorted, it is
    // sorted as strings instead.
    if dontsort && kind == Kind::Set && store.is_some() {
        dontsort = false;
        alpha = true;
        by = None;
    }

    let len = len as i64;
    let mut start = limit_start.clamp(0, len);
    let count = limit_count.clamp(-1, len);
    let mut end = if count < 0 {
        len - 1
    } else {
        start + count - 1
    };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    end = end.min(len - 1);

    let mut items = load(&mut db, key, dontsort, desc, &mut start, &mut end);

    let mut not_double = false;
    if !dontsort {
        for item in &mut items {
            let weight = match by {
                Some(pattern) => match lookup_by_pattern(&mut db, pattern, &item.elem) {
                    Some(weight) => weight,
                    None => continue,
                },
                None => Cow::Borrowed(&item.elem[..]),
            };
            if alpha {
                if by.is_some() {
                    item.by = Some(weight.into_owned().into_boxed_slice());
                }
            } else {
                match order::score(&weight) {
                    Some(score) => item.score = score,
                    None => not_double = true,
                }
            }
        }
        let how = order::How {
            desc,
            alpha,
            by_pattern: by.is_some(),
            store: store.is_some(),
        };
        let last = items.len() as i64 - 1;
        if by.is_some() && (start != 0 || end != last) {
            order::partial_sort(&mut items, start, end, &mut |a, b| how.compare(a, b));
        } else {
            items.sort_by(|a, b| how.compare(a, b));
        }
    }

    let picked = (end - start + 1).max(0) as usize;
    let output_len = if gets.is_empty() {
        picked
    } else {
        gets.len() * picked
    };
    if not_double {
        return out.error(NOT_DOUBLE);
    }
    let chosen = if picked == 0 {
        &items[..0]
    } else {
        &items[start as usize..=end as usize]
    };
    let Some(destination) = store else {
        out.array(output_len);
        for item in chosen {
            if gets.is_empty() {
                out.bulk(&item.elem);
            }
            for pattern in gets {
                match lookup_by_pattern(&mut db, pattern, &item.elem) {
                    Some(value) => out.bulk(&value),
                    None => out.null(),
                }
            }
        }
        return;
    };
    let mut list = List::new();
    for item in chosen {
        if gets.is_empty() {
            list.push(crate::types::list::End::Right, &item.elem);
        }
        for pattern in gets {
            let value = lookup_by_pattern(&mut db, pattern, &item.elem);
            list.push(
                crate::types::list::End::Right,
                value.as_deref().unwrap_or_default(),
            );
        }
    }
    let dirty = &ctx.engine.keyspace.stats.dirty;
    if output_len > 0 {
        db.set(destination, Value::List(Box::new(list)), 0);
        dirty.fetch_add(output_len as u64, Relaxed);
    } else if db.remove(destination).is_some() {
        dirty.fetch_add(1, Relaxed);
    }
    out.int(output_len as i64);
}

/// Copies the elements to sort out of the container. Without sorting, a list or sorted set
/// loads only the LIMIT range, in the requested direction, and `start..=end` is rebased onto
/// what was loaded.
fn load(
    db: &mut Db<'_, '_>,
    key: &[u8],
    dontsort: bool,
    desc: bool,
    start: &mut i64,
    end: &mut i64,
) -> Vec<order::Item> {
    let Some(entry) = db.entry_mut(key) else {
        return Vec::new();
    };
    let mut items = Vec::new();
    match &entry.value {
        Value::List(list) if dontsort => {
            if *end >= *start {
                let len = list.len();
                let (first, count) = (*start as usize, (*end - *start + 1) as usize);
                items.reserve(count);
                if desc {
                    let range = list.range(len - first - count, count).rev();
                    items.extend(range.map(|e| order::Item::new(e.to_vec())));
                } else {
                    let range = list.range(first, count);
                    items.extend(range.map(|e| order::Item::new(e.to_vec())));
                }
                *end -= *start;
                *start = 0;
            }
        }
        Value::List(list) => {
            items.reserve(list.len());
            list.for_each_element(|e| items.push(order::Item::new(e.to_vec())));
        }
        Value::Set(set) => {
            items.reserve(set.len());
            set.for_each_member(|m| items.push(order::Item::new(m.to_vec())));
        }
        Value::ZSet(zset) if dontsort => {
            let len = zset.len();
            let count = (*end - *start + 1).max(0) as usize;
            let first = (*start).max(0) as usize;
            items.reserve(count);
            let ranks = if desc {
                len - first - count..len - first
            } else {
                first..first + count
            };
            let _ = zset.visit(ranks, desc, |_, member| {
                items.push(order::Item::new(member.to_vec()));
                std::ops::ControlFlow::Continue(())
            });
            *end -= *start;
            *start = 0;
        }
        Value::ZSet(zset) => {
            items.reserve(zset.len());
            zset.for_each(|_, member| items.push(order::Item::new(member.to_vec())));
        }
        _ => unreachable!("the type was checked by the caller"),
    }
    items
}

/// Redis's `lookupKeyByPattern`: `#` is the element itself; otherwise the first `*` of the
/// pattern is replaced by the element to name a key, whose string value is returned, or, with
/// `key->field` after the `*`, that field of the hash at the key. A pattern without `*`, a
/// missing key or field, or a key of another type give `None`. Keys are read as a read
/// command reads them (counting hits and misses).
fn lookup_by_pattern<'e>(
    db: &mut Db<'_, '_>,
    pattern: &[u8],
    elem: &'e [u8],
) -> Option<Cow<'e, [u8]>> {
    // C string functions see the pattern up to its first NUL; lengths use all of it.
    let visible = c_str(pattern);
    if visible == b"#" {
        return Some(Cow::Borrowed(elem));
    }
    let star = visible.iter().position(|&b| b == b'*')?;
    let field_start = visible[star + 1..]
        .windows(2)
        .position(|w| w == b"->")
        .map(|at| star + 1 + at + 2)
        .filter(|&at| at < visible.len());
    let key_end = field_start.map_or(pattern.len(), |at| at - 2);
    let mut key = Vec::with_capacity(key_end - 1 + elem.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(elem);
    key.extend_from_slice(&pattern[star + 1..key_end]);
    match field_start {
        Some(at) => {
            let field = &pattern[at..];
            with_hash(db, &key, Access::Read, |hash| {
                hash.get(field).map(<[u8]>::to_vec)
            })
            .ok()
            .flatten()
            .flatten()
            .map(Cow::Owned)
        }
        None => {
            let entry = db.lookup_read(&key)?;
            if !entry.value.is_string() {
                return None;
            }
            Some(Cow::Owned(entry.value.with_bytes(<[u8]>::to_vec)))
        }
    }
}
