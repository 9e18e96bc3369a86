//! Bitmap commands over string values: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
//! BITFIELD_RO. The bit-level work is in `types::bitmap`; this file owns argument parsing,
//! lookups, replies and the `dirty` counter.
//!
//! Behaviour follows Redis 7.0.15's `bitops.c`, checked against a live server: the order of
//! checks (BITCOUNT and BITPOS look the key up before parsing their range, so a missing key
//! answers 0 even with a bad range), the error texts, `dirty` counted only for real changes
//! (a SETBIT that rewrites the same bit is not a change, one that pads the string is), and
//! encodings (every write leaves a `raw` string, BITOP's result included). Bit offsets are
//! limited like Redis's: below `proto-max-bulk-len` bytes.

use std::sync::atomic::Ordering;

use bytes::Bytes;

use super::t_string::{db_and_out, option_name, reserve_like_sds};
use super::{NOT_INTEGER, SYNTAX, WRONGTYPE};
use crate::keyspace::{Db, Value};
use crate::resp::Reply;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::types::bitmap::{self, Overflow};

const BIT_OFFSET_ERR: &str = "ERR bit offset is not an integer or out of range";
const BIT_VALUE_ERR: &str = "ERR bit is not an integer or out of range";
const BIT_ARG_ERR: &str = "ERR The bit argument must be 1 or 0.";
const BITFIELD_TYPE_ERR: &str = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

fn add_dirty(ctx: &Ctx<'_, '_>, n: u64) {
    ctx.engine
        .keyspace
        .stats
        .dirty
        .fetch_add(n, Ordering::Relaxed);
}

/// Redis's `getBitOffsetFromArgument`: a bit offset whose byte lies below
/// `proto-max-bulk-len`. With `hash_bits`, `#N` means field number N of that width (the
/// multiplication wraps as Redis's does, and a wrapped negative is refused).
fn bit_offset(ctx: &mut Ctx<'_, '_>, arg: &[u8], hash_bits: Option<u32>) -> Option<u64> {
    let (digits, multiplier) = match (arg.first(), hash_bits) {
        (Some(b'#'), Some(bits)) => (&arg[1..], i64::from(bits)),
        _ => (arg, 1),
    };
    let max = ctx.engine.proto_max_bulk_len.load(Ordering::Relaxed);
    let offset = parse_i64(digits).map(|n| n.wrapping_mul(multiplier));
    match offset {
        Some(n) if n >= 0 && ((n as u64) >> 3) < max => Some(n as u64),
        _ => {
            ctx.out.error(BIT_OFFSET_ERR);
            None
        }
    }
}

/// Redis's `lookupStringForBitCommand`: the string at `key` as a growable buffer, created or
/// zero-padded so that bit `max_bit` exists, and whether it was created or grew. Replies
/// WRONGTYPE and returns `None` for another type.
fn string_for_bits<'d>(
    db: &'d mut Db<'_, '_>,
    out: &mut Reply,
    key: &[u8],
    max_bit: u64,
) -> Option<(&'d mut Vec<u8>, bool)> {
    // The offset was checked against proto-max-bulk-len, so the length fits in memory terms
    // Redis accepts too.
    let len = (max_bit / 8 + 1) as usize;
    let created = match db.lookup_write(key).map(|e| e.value.is_string()) {
        Some(false) => {
            out.error(WRONGTYPE);
            return None;
        }
        None => {
            db.set(key, Value::Raw(vec![0; len]), 0);
            true
        }
        Some(true) => false,
    };
    let entry = db.entry_mut(key).expect("found or created just above");
    // Writing through the bytes makes the string raw, as Redis's unsharing does.
    let buf = entry.value.make_raw();
    let grew = buf.len() < len;
    if grew {
        reserve_like_sds(buf, len - buf.len());
        buf.resize(len, 0);
    }
    Some((buf, created || grew))
}

/// Resolves a Redis-style inclusive range (negative from the end) over `total` units into
/// `start..=end`, or `None` when it selects nothing.
fn clamp_range(start: i64, end: i64, total: i64) -> Option<(u64, u64)> {
    let start = if start < 0 { total + start } else { start }.max(0);
    let end = if end < 0 { total + end } else { end }
        .max(0)
        .min(total - 1);
    (start <= end).then_some((start as u64, end as u64))
}

/// A BIT | BYTE unit argument: true for BIT, `None` for anything else.
fn unit_is_bit(arg: &[u8]) -> Option<bool> {
    let name = option_name(arg);
    if name.eq_ignore_ascii_case(b"bit") {
        Some(true)
    } else if name.eq_ignore_ascii_case(b"byte") {
        Some(false)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// SETBIT / GETBIT
// ---------------------------------------------------------------------------------------------

/// `SETBIT key offset value` — replies the bit's previous value.
pub fn setbit(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(offset) = bit_offset(ctx, &args[2], None) else {
        return;
    };
    let on = match parse_i64(&args[3]) {
        Some(0) => false,
        Some(1) => true,
        _ => return ctx.out.error(BIT_VALUE_ERR),
    };
    let (mut db, out) = db_and_out(ctx);
    let Some((buf, grew)) = string_for_bits(&mut db, out, &args[1], offset) else {
        return;
    };
    let old = bitmap::set_bit(buf, offset, on);
    out.int(i64::from(old));
    if grew || old != on {
        add_dirty(ctx, 1);
    }
}

/// `GETBIT key offset` — bits past the end (and of missing keys) are 0.
pub fn getbit(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(offset) = bit_offset(ctx, &args[2], None) else {
        return;
    };
    let (mut db, out) = db_and_out(ctx);
    match db.lookup_read(&args[1]) {
        None => out.int(0),
        Some(entry) if !entry.value.is_string() => out.error(WRONGTYPE),
        Some(entry) => out.int(i64::from(
            entry.value.with_bytes(|b| bitmap::bit(b, offset)),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// BITCOUNT / BITPOS
// ---------------------------------------------------------------------------------------------

/// `BITCOUNT key [start end [BYTE | BIT]]`
pub fn bitcount(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    // Redis 7.0 looks the key up first: a missing key is 0 whatever the other arguments.
    let entry = match db.lookup_read(&args[1]) {
        None => return out.int(0),
        Some(entry) if !entry.value.is_string() => return out.error(WRONGTYPE),
        Some(entry) => entry,
    };
    let mut is_bit = false;
    let range = match args.len() {
        2 => None,
        4 | 5 => {
            let (Some(start), Some(end)) = (parse_i64(&args[2]), parse_i64(&args[3])) else {
                return out.error(NOT_INTEGER);
            };
            // Both from the end and crossed: empty, decided before the unit is even parsed.
            if start < 0 && end < 0 && start > end {
                return out.int(0);
            }
            if args.len() == 5 {
                match unit_is_bit(&args[4]) {
                    Some(bit) => is_bit = bit,
                    None => return out.error(SYNTAX),
                }
            }
            Some((start, end))
        }
        _ => return out.error(SYNTAX),
    };
    let count = entry.value.with_bytes(|bytes| {
        let len = bytes.len() as i64;
        let bits = match range {
            None => (len > 0).then(|| (0, len as u64 * 8 - 1)),
            Some((start, end)) if is_bit => clamp_range(start, end, len * 8),
            Some((start, end)) => clamp_range(start, end, len).map(|(s, e)| (s * 8, e * 8 + 7)),
        };
        bits.map_or(0, |(start, end)| bitmap::popcount_bits(bytes, start, end))
    });
    out.int(count as i64);
}

/// `BITPOS key bit [start [end [BYTE | BIT]]]` — the first 0 or 1 bit in the range. A missing
/// key is all zeros; without an explicit end, a string of ones has its first 0 just past its
/// end, while with an end the search is confined to the range and answers -1.
pub fn bitpos(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let bit = match parse_i64(&args[2]) {
        None => return ctx.out.error(NOT_INTEGER),
        Some(0) => false,
        Some(1) => true,
        Some(_) => return ctx.out.error(BIT_ARG_ERR),
    };
    let (mut db, out) = db_and_out(ctx);
    let entry = match db.lookup_read(&args[1]) {
        None => return out.int(if bit { -1 } else { 0 }),
        Some(entry) if !entry.value.is_string() => return out.error(WRONGTYPE),
        Some(entry) => entry,
    };
    let mut is_bit = false;
    let (start, end) = match args.len() {
        3 => (0, None),
        4..=6 => {
            let Some(start) = parse_i64(&args[3]) else {
                return out.error(NOT_INTEGER);
            };
            // Redis checks the unit before it parses the end.
            if args.len() == 6 {
                match unit_is_bit(&args[5]) {
                    Some(unit) => is_bit = unit,
                    None => return out.error(SYNTAX),
                }
            }
            let end = match args.get(4) {
                None => None,
                Some(arg) => match parse_i64(arg) {
                    Some(end) => Some(end),
                    None => return out.error(NOT_INTEGER),
                },
            };
            (start, end)
        }
        _ => return out.error(SYNTAX),
    };
    let end_given = end.is_some();
    let pos = entry.value.with_bytes(|bytes| {
        let len = bytes.len() as i64;
        let total = if is_bit { len * 8 } else { len };
        let bits = clamp_range(start, end.unwrap_or(total - 1), total)
            .map(|(s, e)| if is_bit { (s, e) } else { (s * 8, e * 8 + 7) });
        let Some((first, last)) = bits else {
            return -1;
        };
        match bitmap::position_bits(bytes, bit, first, last) {
            Some(pos) => pos as i64,
            None if bit || end_given => -1,
            // The string is taken as zero-padded to the right.
            None => (last / 8 + 1) as i64 * 8,
        }
    });
    out.int(pos);
}

// ---------------------------------------------------------------------------------------------
// BITOP
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

/// `BITOP <AND | OR | XOR | NOT> destkey key [key ...]` — stores the result (as long as the
/// longest source, shorter ones zero-padded) and replies its length; an empty result deletes
/// the destination.
pub fn bitop(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let name = option_name(&args[1]);
    let op = if name.eq_ignore_ascii_case(b"and") {
        BitOp::And
    } else if name.eq_ignore_ascii_case(b"or") {
        BitOp::Or
    } else if name.eq_ignore_ascii_case(b"xor") {
        BitOp::Xor
    } else if name.eq_ignore_ascii_case(b"not") {
        BitOp::Not
    } else {
        return ctx.out.error(SYNTAX);
    };
    if op == BitOp::Not && args.len() != 4 {
        return ctx
            .out
            .error("ERR BITOP NOT must be called with a single source key.");
    }
    let (dest, sources) = (&args[2][..], &args[3..]);
    let (mut db, out) = db_and_out(ctx);
    // First every lookup (each counts a hit or miss, and another type fails the command
    // before anything is computed), then the bytes.
    let mut len_max = 0;
    for key in sources {
        match db.lookup_read(key) {
            None => {}
            Some(entry) if !entry.value.is_string() => return out.error(WRONGTYPE),
            Some(entry) => len_max = len_max.max(entry.value.string_len()),
        }
    }
    out.int(len_max as i64);
    if len_max == 0 {
        if db.remove(dest).is_some() {
            add_dirty(ctx, 1);
        }
        return;
    }
    let mut result = vec![0u8; len_max];
    for (i, key) in sources.iter().enumerate() {
        let mut fold = |src: &[u8]| {
            if i == 0 {
                result[..src.len()].copy_from_slice(src);
                if op == BitOp::Not {
                    result.iter_mut().for_each(|b| *b = !*b);
                }
                return;
            }
            let (head, tail) = result.split_at_mut(src.len());
            match op {
                BitOp::And => {
                    head.iter_mut().zip(src).for_each(|(r, s)| *r &= s);
                    tail.fill(0);
                }
                BitOp::Or => head.iter_mut().zip(src).for_each(|(r, s)| *r |= s),
                BitOp::Xor => head.iter_mut().zip(src).for_each(|(r, s)| *r ^= s),
                BitOp::Not => unreachable!("NOT has a single source"),
            }
        };
        match db.entry_mut(key) {
            Some(entry) => entry.value.with_bytes(fold),
            None => fold(&[]),
        }
    }
    db.set(dest, Value::Raw(result), 0);
    add_dirty(ctx, 1);
}

// ---------------------------------------------------------------------------------------------
// BITFIELD / BITFIELD_RO
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FieldKind {
    Get,
    Set,
    IncrBy,
}

/// One parsed BITFIELD operation.
#[derive(Clone, Copy, Debug)]
struct FieldOp {
    kind: FieldKind,
    signed: bool,
    bits: u32,
    offset: u64,
    /// The SET value or INCRBY increment.
    value: i64,
    overflow: Overflow,
}

/// Redis's `getBitfieldTypeFromArgument`: `i1`..`i64` or `u1`..`u63`.
fn field_type(arg: &[u8]) -> Option<(bool, u32)> {
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return None,
    };
    // The width is read as a C string, so it ends at a NUL byte.
    let bits = parse_i64(option_name(&arg[1..]))?;
    let max = if signed { 64 } else { 63 };
    (1..=max).contains(&bits).then_some((signed, bits as u32))
}

/// Parses the operations, replying the first error. Returns them with the highest bit any
/// write reaches (`None` when there are only reads).
fn parse_field_ops(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) -> Option<(Vec<FieldOp>, Option<u64>)> {
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut highest_write: Option<u64> = None;
    let mut j = 2;
    while j < args.len() {
        let remaining = args.len() - j - 1;
        let name = option_name(&args[j]);
        let is = |word: &str| name.eq_ignore_ascii_case(word.as_bytes());
        let kind = if is("get") && remaining >= 2 {
            FieldKind::Get
        } else if is("set") && remaining >= 3 {
            FieldKind::Set
        } else if is("incrby") && remaining >= 3 {
            FieldKind::IncrBy
        } else if is("overflow") && remaining >= 1 {
            let mode = option_name(&args[j + 1]);
            overflow = if mode.eq_ignore_ascii_case(b"wrap") {
                Overflow::Wrap
            } else if mode.eq_ignore_ascii_case(b"sat") {
                Overflow::Sat
            } else if mode.eq_ignore_ascii_case(b"fail") {
                Overflow::Fail
            } else {
                ctx.out.error("ERR Invalid OVERFLOW type specified");
                return None;
            };
            j += 2;
            continue;
        } else {
            ctx.out.error(SYNTAX);
            return None;
        };
        let Some((signed, bits)) = field_type(&args[j + 1]) else {
            ctx.out.error(BITFIELD_TYPE_ERR);
            return None;
        };
        let offset = bit_offset(ctx, &args[j + 2], Some(bits))?;
        let mut value = 0;
        if kind != FieldKind::Get {
            let last = offset + u64::from(bits) - 1;
            highest_write = Some(highest_write.map_or(last, |h| h.max(last)));
            let Some(parsed) = parse_i64(&args[j + 3]) else {
                ctx.out.error(NOT_INTEGER);
                return None;
            };
            value = parsed;
        }
        ops.push(FieldOp {
            kind,
            signed,
            bits,
            offset,
            value,
            overflow,
        });
        j += if kind == FieldKind::Get { 3 } else { 4 };
    }
    Some((ops, highest_write))
}

/// Runs one SET or INCRBY on `buf` (long enough), replying its result. Returns whether the
/// stored bits changed, or `None` (after replying null) when OVERFLOW FAIL stopped it.
fn field_write(buf: &mut [u8], op: &FieldOp, out: &mut Reply) -> Option<bool> {
    let (offset, bits) = (op.offset, op.bits);
    if op.signed {
        let old = bitmap::get_signed(buf, offset, bits);
        let (checked, plain, reply_new) = match op.kind {
            FieldKind::IncrBy => (
                bitmap::check_signed(old, op.value, bits, op.overflow),
                old.wrapping_add(op.value),
                true,
            ),
            _ => (
                bitmap::check_signed(op.value, 0, bits, op.overflow),
                op.value,
                false,
            ),
        };
        let new = match checked {
            None => plain,
            Some(Some(limited)) => limited,
            Some(None) => {
                out.null();
                return None;
            }
        };
        out.int(if reply_new { new } else { old });
        bitmap::set_unsigned(buf, offset, bits, new as u64);
        Some(old != new)
    } else {
        let old = bitmap::get_unsigned(buf, offset, bits);
        let (checked, plain, reply_new) = match op.kind {
            FieldKind::IncrBy => (
                bitmap::check_unsigned(old, op.value, bits, op.overflow),
                old.wrapping_add(op.value as u64),
                true,
            ),
            _ => (
                bitmap::check_unsigned(op.value as u64, 0, bits, op.overflow),
                op.value as u64,
                false,
            ),
        };
        let new = match checked {
            None => plain,
            Some(Some(limited)) => limited,
            Some(None) => {
                out.null();
                return None;
            }
        };
        // Unsigned fields are at most 63 bits wide, so both fit an i64 reply.
        out.int(if reply_new { new } else { old } as i64);
        bitmap::set_unsigned(buf, offset, bits, new);
        Some(old != new)
    }
}

fn field_get(bytes: &[u8], op: &FieldOp, out: &mut Reply) {
    if op.signed {
        out.int(bitmap::get_signed(bytes, op.offset, op.bits));
    } else {
        out.int(bitmap::get_unsigned(bytes, op.offset, op.bits) as i64);
    }
}

/// Redis's `bitfieldGeneric`: all operations are parsed (and every error reported) before the
/// key is touched; then a read-only list reads, anything else creates or pads the string up
/// to the highest bit written.
fn bitfield_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], read_only_command: bool) {
    let Some((ops, highest_write)) = parse_field_ops(ctx, args) else {
        return;
    };
    let key = &args[1][..];
    let (mut db, out) = db_and_out(ctx);
    let Some(highest) = highest_write else {
        match db.lookup_read(key) {
            Some(entry) if !entry.value.is_string() => out.error(WRONGTYPE),
            found => {
                out.array(ops.len());
                let mut read = |bytes: &[u8]| ops.iter().for_each(|op| field_get(bytes, op, out));
                match found {
                    Some(entry) => entry.value.with_bytes(read),
                    None => read(&[]),
                }
            }
        }
        return;
    };
    if read_only_command {
        return out.error("ERR BITFIELD_RO only supports the GET subcommand");
    }
    let Some((buf, grew)) = string_for_bits(&mut db, out, key, highest) else {
        return;
    };
    out.array(ops.len());
    let mut changes = 0;
    for op in &ops {
        if op.kind == FieldKind::Get {
            field_get(buf, op, out);
        } else if field_write(buf, op, out).is_some_and(|changed| changed || grew) {
            // A write counts when it changed the bits or the string grew for it, but not
            // when FAIL refused it, even on a string created for it.
            changes += 1;
        }
    }
    if changes > 0 {
        add_dirty(ctx, changes);
    }
}

/// `BITFIELD key [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>] <SET encoding offset
/// value | INCRBY encoding offset increment> [GET encoding offset | [OVERFLOW <WRAP | SAT |
/// FAIL>] <SET encoding offset value | INCRBY encoding offset increment> ...]]`
pub fn bitfield(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    bitfield_generic(ctx, args, false);
}

/// `BITFIELD_RO key [GET encoding offset [GET encoding offset ...]]`
pub fn bitfield_ro(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    bitfield_generic(ctx, args, true);
}

#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod vectors;
