//! HyperLogLog: Redis's exact byte representation and estimator, over a plain string value.
//!
//! An HLL is a string (no `Value` variant of its own), so GET, DUMP/RESTORE, APPEND and SET
//! see the same bytes Redis stores, and PFCOUNT must return Redis's numbers bit for bit. The
//! layout (Redis's `hyperloglog.c`):
//!
//! ```text
//! +------+---+-----+----------+---------------------+
//! | HYLL | E | N/U | Cardin.  | registers ...       |
//! +------+---+-----+----------+---------------------+
//! ```
//!
//! * a 16-byte header: the magic `HYLL`, the encoding byte (0 dense, 1 sparse), three unused
//!   bytes, and the last computed cardinality as a little-endian u64 whose top bit set means
//!   "stale, recompute";
//! * dense: 16384 six-bit registers packed from the least significant bit of each byte up
//!   (12288 bytes);
//! * sparse: run-length opcodes, ZERO `00xxxxxx` (1..=64 zero registers), XZERO
//!   `01xxxxxx yyyyyyyy` (1..=16384 zero registers), VAL `1vvvvvxx` (1..=4 registers of value
//!   1..=32). A sparse HLL becomes dense when a register needs a value above 32 or the string
//!   would grow past `hll-sparse-max-bytes`.
//!
//! Elements are hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the
//! register, the run of zeros above them (plus one) is the candidate value. The estimator is
//! Otmar Ertl's ("New cardinality estimation algorithms for HyperLogLog sketches"), computed
//! over the register histogram with the same floating-point operations in the same order as
//! Redis 7.0, which is what makes the counts identical.
//!
//! The sparse update is a transcription of Redis's `hllSparseSet` algorithm, merge heuristic
//! included: the bytes after an update depend on it, and GET must return Redis's bytes.
//! Corrupt input never panics or indexes out of bounds; it reports [`Corrupt`] where Redis
//! reports `INVALIDOBJ` (and is stricter than 7.0 where 7.0 would write out of bounds).
//!
//! Memory: a dense HLL is exactly its 12304 bytes (Redis's allocator rounds the same string up
//! to 14336): measured 12416 bytes per dense HLL key against redis-server's 14405, keyspace
//! overhead included. A new sparse HLL reserves 21 bytes, enough for its first element.
//!
//! This module never touches the keyspace: the commands (`cmd::t_hll`) own lookups, replies
//! and the `dirty` counter.

/// Bits of the hash that pick the register.
const P: u32 = 14;
/// Bits left for the run of zeros.
const Q: usize = 64 - P as usize;
/// Number of registers.
pub const REGISTERS: usize = 1 << P;
const P_MASK: u64 = REGISTERS as u64 - 1;
/// Bits per dense register, and the largest value it holds.
const BITS: usize = 6;
const REGISTER_MAX: u8 = (1 << BITS) - 1;
/// Header bytes before the registers.
pub const HDR_SIZE: usize = 16;
/// Length of a dense HLL string.
pub const DENSE_SIZE: usize = HDR_SIZE + (REGISTERS * BITS).div_ceil(8);
/// Redis's default `hll-sparse-max-bytes`: the longest sparse string (header included) before
/// an update converts it to dense.
pub const SPARSE_MAX_BYTES: usize = 3000;

const MAGIC: &[u8; 4] = b"HYLL";
const ENCODING_DENSE: u8 = 0;
const ENCODING_SPARSE: u8 = 1;
const ENCODING_MAX: u8 = ENCODING_SPARSE;
const HASH_SEED: u64 = 0xadc8_3b19;

const SPARSE_XZERO_BIT: u8 = 0x40;
const SPARSE_VAL_BIT: u8 = 0x80;
const SPARSE_VAL_MAX_VALUE: u8 = 32;
const SPARSE_VAL_MAX_LEN: usize = 4;
const SPARSE_ZERO_MAX_LEN: usize = 64;
const SPARSE_XZERO_MAX_LEN: usize = 16384;

/// 0.5 / ln(2), the estimator's bias constant for an unbounded number of registers.
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

const _: () = assert!(DENSE_SIZE == 12304);
const _: () = assert!(SPARSE_XZERO_MAX_LEN == REGISTERS);
const _: () = assert!(Q + 1 < 64, "register values index a 64-entry histogram");

/// The representation is corrupt (Redis: `-INVALIDOBJ Corrupted HLL object detected`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Corrupt;

/// The two encodings, as PFDEBUG ENCODING names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Dense,
    Sparse,
}

// ---------------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------------

/// A new, empty HLL: sparse, every register zero (one XZERO opcode), cached count 0. Room is
/// reserved for the first update (an XZERO split into XZERO VAL XZERO), which nearly every new
/// HLL gets at once.
pub fn new_sparse() -> Vec<u8> {
    let mut hll = Vec::with_capacity(HDR_SIZE + 5);
    hll.extend_from_slice(MAGIC);
    hll.push(ENCODING_SPARSE);
    hll.extend_from_slice(&[0; 11]);
    push_xzero(&mut hll, REGISTERS);
    hll
}

/// Redis's `isHLLObjectOrReply` on the bytes: the magic, a known encoding, and the exact
/// length for dense. Sparse opcodes are only checked when they are walked.
pub fn is_valid(bytes: &[u8]) -> bool {
    bytes.len() >= HDR_SIZE
        && bytes.starts_with(MAGIC)
        && bytes[4] <= ENCODING_MAX
        && (bytes[4] != ENCODING_DENSE || bytes.len() == DENSE_SIZE)
}

/// The encoding of a valid HLL.
pub fn encoding(hll: &[u8]) -> Encoding {
    debug_assert!(is_valid(hll));
    if hll[4] == ENCODING_DENSE {
        Encoding::Dense
    } else {
        Encoding::Sparse
    }
}

/// The cached cardinality, unless it was invalidated by a change.
pub fn cached_count(hll: &[u8]) -> Option<u64> {
    let card = u64::from_le_bytes(card_bytes(hll));
    (card >> 63 == 0).then_some(card)
}

/// Stores a freshly computed cardinality in the header.
pub fn store_count(hll: &mut [u8], card: u64) {
    hll[8..16].copy_from_slice(&card.to_le_bytes());
}

/// Marks the cached cardinality stale (sets the top bit, keeping the other bits as Redis does).
pub fn invalidate_count(hll: &mut [u8]) {
    hll[15] |= 0x80;
}

fn card_bytes(hll: &[u8]) -> [u8; 8] {
    let mut card = [0; 8];
    card.copy_from_slice(&hll[8..16]);
    card
}

// ---------------------------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------------------------

/// MurmurHash2, 64-bit version A, reading 8-byte blocks little-endian as Redis's
/// endian-neutral variant does.
pub fn murmur64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    // Redis passes the length as a C int; element lengths are bounded by proto-max-bulk-len,
    // far below 2^31, so the conversion is the identity.
    let mut h = seed ^ (key.len() as u64).wrapping_mul(M);
    let mut blocks = key.chunks_exact(8);
    for block in blocks.by_ref() {
        let mut word = [0; 8];
        word.copy_from_slice(block);
        let mut k = u64::from_le_bytes(word).wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        for (i, &byte) in tail.iter().enumerate() {
            h ^= u64::from(byte) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^ (h >> R)
}

/// The register an element lands in and the length of its `000..1` pattern (1..=Q+1).
pub fn pattern(element: &[u8]) -> (usize, u8) {
    let hash = murmur64a(element, HASH_SEED);
    let index = (hash & P_MASK) as usize;
    // The sentinel bit bounds the count at Q+1 when every remaining bit is zero.
    let rest = (hash >> P) | (1 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

// ---------------------------------------------------------------------------------------------
// Dense registers
// ---------------------------------------------------------------------------------------------

/// Register `index` of the dense register bytes (header excluded).
fn dense_get(registers: &[u8], index: usize) -> u8 {
    let bit = index * BITS;
    let (byte, shift) = (bit / 8, bit % 8);
    let mut word = u16::from(registers[byte]);
    // A register starting past bit 2 spills into the next byte; the last one (shift 2) never
    // does, so this never reads past the registers.
    if shift > 8 - BITS {
        word |= u16::from(registers[byte + 1]) << 8;
    }
    ((word >> shift) as u8) & REGISTER_MAX
}

fn dense_put(registers: &mut [u8], index: usize, value: u8) {
    debug_assert!(value <= REGISTER_MAX);
    let bit = index * BITS;
    let (byte, shift) = (bit / 8, bit % 8);
    let mask = u16::from(REGISTER_MAX) << shift;
    let value = u16::from(value) << shift;
    registers[byte] = (u16::from(registers[byte]) & !mask | value) as u8;
    if shift > 8 - BITS {
        registers[byte + 1] = (u16::from(registers[byte + 1]) & !(mask >> 8) | value >> 8) as u8;
    }
}

/// Raises register `index` to `count`; returns whether it changed.
fn dense_set(registers: &mut [u8], index: usize, count: u8) -> bool {
    if count > dense_get(registers, index) {
        dense_put(registers, index, count);
        true
    } else {
        false
    }
}

// ---------------------------------------------------------------------------------------------
// Sparse opcodes
// ---------------------------------------------------------------------------------------------

fn is_zero(op: u8) -> bool {
    op & 0xc0 == 0
}

fn is_xzero(op: u8) -> bool {
    op & 0xc0 == SPARSE_XZERO_BIT
}

fn is_val(op: u8) -> bool {
    op & SPARSE_VAL_BIT != 0
}

fn zero_len(op: u8) -> usize {
    usize::from(op & 0x3f) + 1
}

fn val_value(op: u8) -> u8 {
    ((op >> 2) & 0x1f) + 1
}

fn val_len(op: u8) -> usize {
    usize::from(op & 0x3) + 1
}

fn val_op(value: u8, len: usize) -> u8 {
    debug_assert!((1..=SPARSE_VAL_MAX_VALUE).contains(&value));
    debug_assert!((1..=SPARSE_VAL_MAX_LEN).contains(&len));
    ((value - 1) << 2 | (len as u8 - 1)) | SPARSE_VAL_BIT
}

fn push_xzero(out: &mut Vec<u8>, len: usize) {
    debug_assert!((1..=SPARSE_XZERO_MAX_LEN).contains(&len));
    let l = len - 1;
    out.push((l >> 8) as u8 | SPARSE_XZERO_BIT);
    out.push((l & 0xff) as u8);
}

/// A run of zero registers: ZERO up to 64, XZERO beyond.
fn push_zeros(out: &mut Vec<u8>, len: usize) {
    if len > SPARSE_ZERO_MAX_LEN {
        push_xzero(out, len);
    } else {
        out.push(len as u8 - 1);
    }
}

/// One decoded opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// `len` registers set to zero (ZERO or XZERO).
    Zeros { len: usize },
    /// `len` registers set to `value`.
    Val { value: u8, len: usize },
}

/// Decodes the opcode at `p` and returns it with its size in bytes. An XZERO cut short by the
/// end of the string reads its missing byte as zero, as Redis reads the sds terminator.
fn decode_op(sparse: &[u8], p: usize) -> (Op, usize) {
    let op = sparse[p];
    if is_zero(op) {
        (Op::Zeros { len: zero_len(op) }, 1)
    } else if is_xzero(op) {
        let low = sparse.get(p + 1).copied().unwrap_or(0);
        let len = (usize::from(op & 0x3f) << 8 | usize::from(low)) + 1;
        (Op::Zeros { len }, 2)
    } else {
        let (value, len) = (val_value(op), val_len(op));
        (Op::Val { value, len }, 1)
    }
}

/// Walks the opcodes of a sparse HLL, calling `f(first_register, op)`, and checks that they
/// cover exactly the 16384 registers. `f` never sees a VAL run past the last register.
fn walk_sparse(hll: &[u8], mut f: impl FnMut(usize, Op)) -> Result<(), Corrupt> {
    let mut p = HDR_SIZE;
    let mut index = 0;
    while p < hll.len() {
        let (op, size) = decode_op(hll, p);
        match op {
            Op::Zeros { len } => index += len,
            Op::Val { len, .. } => {
                if index + len > REGISTERS {
                    return Err(Corrupt);
                }
                f(index, op);
                index += len;
            }
        }
        p += size;
    }
    if index == REGISTERS {
        Ok(())
    } else {
        Err(Corrupt)
    }
}

// ---------------------------------------------------------------------------------------------
// Updates
// ---------------------------------------------------------------------------------------------

/// Adds an element (PFADD); returns whether a register changed. May convert sparse to dense.
pub fn add(hll: &mut Vec<u8>, element: &[u8], sparse_max: usize) -> Result<bool, Corrupt> {
    let (index, count) = pattern(element);
    set_register(hll, index, count, sparse_max)
}

/// Raises register `index` to `count` whatever the encoding; returns whether it changed.
pub fn set_register(
    hll: &mut Vec<u8>,
    index: usize,
    count: u8,
    sparse_max: usize,
) -> Result<bool, Corrupt> {
    debug_assert!(is_valid(hll) && index < REGISTERS && count <= REGISTER_MAX);
    match encoding(hll) {
        Encoding::Dense => Ok(dense_set(&mut hll[HDR_SIZE..], index, count)),
        Encoding::Sparse => sparse_set(hll, index, count, sparse_max),
    }
}

/// Converts a sparse HLL to dense (header, cached count included, kept). Returns whether it
/// converted; a dense HLL is left alone.
pub fn to_dense(hll: &mut Vec<u8>) -> Result<bool, Corrupt> {
    if encoding(hll) == Encoding::Dense {
        return Ok(false);
    }
    let mut dense = vec![0; DENSE_SIZE];
    dense[..HDR_SIZE].copy_from_slice(&hll[..HDR_SIZE]);
    dense[4] = ENCODING_DENSE;
    let registers = &mut dense[HDR_SIZE..];
    walk_sparse(hll, |first, op| {
        if let Op::Val { value, len } = op {
            for index in first..first + len {
                dense_put(registers, index, value);
            }
        }
    })?;
    *hll = dense;
    Ok(true)
}

/// Redis's `hllSparseSet`: updates the register in place, splitting the opcode that covers it,
/// then merges adjacent equal VAL opcodes near the change. Converts to dense when the value
/// does not fit a VAL opcode or the string would pass `sparse_max` bytes.
fn sparse_set(
    hll: &mut Vec<u8>,
    index: usize,
    count: u8,
    sparse_max: usize,
) -> Result<bool, Corrupt> {
    if count > SPARSE_VAL_MAX_VALUE {
        return promote(hll, index, count);
    }
    // Step 1: find the opcode covering `index`, its first register and its predecessor.
    let mut end = hll.len();
    let (mut p, mut first, mut prev) = (HDR_SIZE, 0, None);
    let mut found = None;
    while p < end {
        let (op, size) = decode_op(hll, p);
        let span = match op {
            Op::Zeros { len } | Op::Val { len, .. } => len,
        };
        if index < first + span {
            found = Some((op, size, span));
            break;
        }
        prev = Some(p);
        p += size;
        first += span;
    }
    let Some((op, size, span)) = found else {
        return Err(Corrupt);
    };
    let next = (p + size < end).then_some(p + size);

    // Step 2: the trivial cases rewrite one byte.
    let mut replaced = false;
    if let Op::Val { value, len } = op {
        if value >= count {
            return Ok(false);
        }
        if len == 1 {
            hll[p] = val_op(count, 1);
            replaced = true;
        }
    }
    if let Op::Zeros { len: 1 } = op
        && size == 1
    {
        hll[p] = val_op(count, 1);
        replaced = true;
    }

    // Step 3: otherwise split the opcode into up to three (at most 5 bytes).
    if !replaced {
        let last = first + span - 1;
        let mut seq = Vec::with_capacity(5);
        match op {
            Op::Zeros { .. } => {
                if index != first {
                    push_zeros(&mut seq, index - first);
                }
                seq.push(val_op(count, 1));
                if index != last {
                    push_zeros(&mut seq, last - index);
                }
            }
            Op::Val { value, .. } => {
                if index != first {
                    seq.push(val_op(value, index - first));
                }
                seq.push(val_op(count, 1));
                if index != last {
                    seq.push(val_op(value, last - index));
                }
            }
        }
        let new_len = end + seq.len() - size;
        if seq.len() > size && new_len > sparse_max {
            return promote(hll, index, count);
        }
        hll.splice(p..next.unwrap_or(end), seq);
        // Only an XZERO cut short by the end of the string makes the splice overshoot; Redis
        // then keeps `new_len` bytes, so do the same.
        hll.truncate(new_len);
        end = hll.len();
    }

    // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from the
    // one before the change (Redis's heuristic: the result is not always minimal, and the
    // bytes must match).
    let mut p = prev.unwrap_or(HDR_SIZE);
    let mut scan = 5;
    while p < end && scan > 0 {
        scan -= 1;
        let op = hll[p];
        if is_xzero(op) {
            p += 2;
            continue;
        }
        if is_zero(op) {
            p += 1;
            continue;
        }
        if p + 1 < end && is_val(hll[p + 1]) {
            let (v1, v2) = (val_value(op), val_value(hll[p + 1]));
            let len = val_len(op) + val_len(hll[p + 1]);
            if v1 == v2 && len <= SPARSE_VAL_MAX_LEN {
                hll[p + 1] = val_op(v1, len);
                hll.remove(p);
                end -= 1;
                // Try the merged opcode against its right neighbour too.
                continue;
            }
        }
        p += 1;
    }
    invalidate_count(hll);
    Ok(true)
}

/// Converts to dense, then sets the register there.
fn promote(hll: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    to_dense(hll)?;
    // The sparse walk found this register below `count`, so the dense one is below it too.
    let changed = dense_set(&mut hll[HDR_SIZE..], index, count);
    debug_assert!(
        changed,
        "promotion happens only for a register that must change"
    );
    Ok(changed)
}

// ---------------------------------------------------------------------------------------------
// Counting and merging
// ---------------------------------------------------------------------------------------------

/// How many registers hold each value.
type Histogram = [u32; 64];

fn histogram(hll: &[u8]) -> Result<Histogram, Corrupt> {
    let mut hist = [0; 64];
    match encoding(hll) {
        Encoding::Dense => {
            let registers = &hll[HDR_SIZE..];
            for index in 0..REGISTERS {
                hist[usize::from(dense_get(registers, index))] += 1;
            }
        }
        Encoding::Sparse => {
            // Zero runs are counted as they are walked, so a corrupt run length cannot
            // overflow the histogram before the coverage check rejects it.
            let mut nonzero = 0;
            walk_sparse(hll, |_, op| {
                if let Op::Val { value, len } = op {
                    hist[usize::from(value)] += len as u32;
                    nonzero += len as u32;
                }
            })?;
            hist[0] = REGISTERS as u32 - nonzero;
        }
    }
    Ok(hist)
}

/// Ertl's sigma function (Redis's `hllSigma`).
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let (mut y, mut z) = (1.0, x);
    loop {
        x *= x;
        let previous = z;
        z += x * y;
        y += y;
        if previous == z {
            return z;
        }
    }
}

/// Ertl's tau function (Redis's `hllTau`). Redis writes `pow(1 - x, 2)`, which compilers turn
/// into the product below (the same correctly rounded square).
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let (mut y, mut z) = (1.0, 1.0 - x);
    loop {
        x = x.sqrt();
        let previous = z;
        y *= 0.5;
        z -= (1.0 - x) * (1.0 - x) * y;
        if previous == z {
            return z / 3.0;
        }
    }
}

/// The estimate from a histogram: Redis's `hllCount`, operation for operation.
fn estimate(hist: &Histogram) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - f64::from(hist[Q + 1])) / m);
    for &count in hist[1..=Q].iter().rev() {
        z += f64::from(count);
        z *= 0.5;
    }
    z += m * sigma(f64::from(hist[0]) / m);
    let e = (ALPHA_INF * m * m / z).round();
    // Redis rounds with llroundl: out of range (only possible for corrupt dense registers,
    // all above Q+1, which make z zero) it yields LLONG_MIN, reinterpreted as unsigned.
    if e.is_finite() && e < 9_223_372_036_854_775_808.0 {
        e as u64
    } else {
        1 << 63
    }
}

/// The estimated cardinality of one HLL (ignores the cache).
pub fn count(hll: &[u8]) -> Result<u64, Corrupt> {
    Ok(estimate(&histogram(hll)?))
}

/// Registers as one byte each: the working form for merging many HLLs.
pub type Registers = [u8; REGISTERS];

/// Raises `max[i]` to register `i` of `hll` for every register (Redis's `hllMerge`).
pub fn merge_into(max: &mut Registers, hll: &[u8]) -> Result<(), Corrupt> {
    match encoding(hll) {
        Encoding::Dense => {
            let registers = &hll[HDR_SIZE..];
            for (index, slot) in max.iter_mut().enumerate() {
                *slot = (*slot).max(dense_get(registers, index));
            }
            Ok(())
        }
        Encoding::Sparse => walk_sparse(hll, |first, op| {
            if let Op::Val { value, len } = op {
                for slot in &mut max[first..first + len] {
                    *slot = (*slot).max(value);
                }
            }
        }),
    }
}

/// The estimated cardinality of merged registers (PFCOUNT of many keys).
pub fn count_registers(registers: &Registers) -> u64 {
    let mut hist = [0; 64];
    for &value in registers {
        hist[usize::from(value & 63)] += 1;
    }
    estimate(&hist)
}

/// Every register of a dense HLL (PFDEBUG GETREG).
pub fn dense_registers(hll: &[u8]) -> impl Iterator<Item = u8> + '_ {
    debug_assert_eq!(encoding(hll), Encoding::Dense);
    let registers = &hll[HDR_SIZE..];
    (0..REGISTERS).map(move |index| dense_get(registers, index))
}

/// The opcodes of a sparse HLL as PFDEBUG DECODE prints them (`Z:n`, `z:n`, `v:value,len`).
pub fn decode_sparse(hll: &[u8]) -> String {
    let mut words = Vec::new();
    let mut p = HDR_SIZE;
    while p < hll.len() {
        let (op, size) = decode_op(hll, p);
        words.push(match op {
            Op::Zeros { len } if size == 2 => format!("Z:{len}"),
            Op::Zeros { len } => format!("z:{len}"),
            Op::Val { value, len } => format!("v:{value},{len}"),
        });
        p += size;
    }
    words.join(" ")
}

// ---------------------------------------------------------------------------------------------
// PFSELFTEST
// ---------------------------------------------------------------------------------------------

/// Sizes of the self-test (Redis: 1000 register cycles, 10M elements).
#[derive(Clone, Copy, Debug)]
pub struct SelfTest {
    pub register_cycles: u32,
    pub elements: u64,
}

impl SelfTest {
    pub const REDIS: SelfTest = SelfTest {
        register_cycles: 1000,
        elements: 10_000_000,
    };
}

/// Redis's PFSELFTEST: register access round-trips, sparse and dense agreement, and the error
/// staying within six standard errors at powers of ten. Returns the error text on failure.
pub fn self_test(
    sizes: SelfTest,
    sparse_max: usize,
    mut random: impl FnMut() -> u64,
) -> Result<(), String> {
    let mut dense = vec![0; DENSE_SIZE];
    dense[..4].copy_from_slice(MAGIC);
    let mut expected = vec![0u8; REGISTERS];
    for _ in 0..sizes.register_cycles {
        for (index, slot) in expected.iter_mut().enumerate() {
            *slot = (random() & u64::from(REGISTER_MAX)) as u8;
            dense_put(&mut dense[HDR_SIZE..], index, *slot);
        }
        for (index, &want) in expected.iter().enumerate() {
            let got = dense_get(&dense[HDR_SIZE..], index);
            if got != want {
                return Err(format!(
                    "TESTFAILED Register {index} should be {want} but is {got}"
                ));
            }
        }
    }

    dense[HDR_SIZE..].fill(0);
    let mut sparse = new_sparse();
    let relative_error = 1.04 / (REGISTERS as f64).sqrt();
    let seed = random();
    let mut checkpoint = 1u64;
    let corrupt = |_| "TESTFAILED the HLL under test became corrupt".to_string();
    for j in 1..=sizes.elements {
        let element = (j ^ seed).to_le_bytes();
        let (index, value) = pattern(&element);
        dense_set(&mut dense[HDR_SIZE..], index, value);
        set_register(&mut sparse, index, value, sparse_max).map_err(corrupt)?;
        if j != checkpoint {
            continue;
        }
        if j < (sparse_max / 2) as u64 && encoding(&sparse) != Encoding::Sparse {
            return Err("TESTFAILED sparse encoding not used".into());
        }
        let card = count(&dense).map_err(corrupt)?;
        if card != count(&sparse).map_err(corrupt)? {
            return Err("TESTFAILED dense/sparse disagree".into());
        }
        let error_max = if j == 10 {
            // Collisions make much larger errors likely at 10 elements.
            1
        } else {
            (relative_error * 6.0 * checkpoint as f64).ceil() as u64
        };
        let error = checkpoint.abs_diff(card);
        if error > error_max {
            return Err(format!(
                "TESTFAILED Too big error. card:{checkpoint} abserr:{error}"
            ));
        }
        checkpoint *= 10;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
