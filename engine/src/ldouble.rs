//! A software x87 `long double`: the type Redis's INCRBYFLOAT and HINCRBYFLOAT compute in.
//!
//! Redis 7.0 parses both operands with `strtold` (through `string2ld`), adds them in
//! `long double` and prints the sum with `%.17Lf`, then strips trailing zeros (`ld2string` with
//! `LD_STR_HUMAN`). On x86-64 Linux `long double` is the x87 extended format: a 64-bit
//! mantissa with an explicit integer bit, a 15-bit exponent, gradual underflow, and
//! round-to-nearest-even. This module reproduces all of it bit for bit:
//!
//! * [`parse`] is glibc's `strtold` as `string2ld` filters it: decimal and hexadecimal
//!   floats, `inf`/`infinity`, correctly rounded (down to glibc 2.36's double rounding of
//!   subnormal results); no blanks, no trailing bytes, no NaN, no overflow to infinity or
//!   underflow to zero, at most `MAX_LONG_DOUBLE_CHARS - 1` bytes.
//! * `+` is one x87 addition, correctly rounded.
//! * [`LongDouble::format_human`] is glibc's `%.17Lf` — the exact decimal expansion of the
//!   binary value rounded to 17 fractional digits, half-to-even on exact ties — then Redis's
//!   trimming.
//!
//! Exact decimal <-> binary conversion goes through a small private big integer whose size
//! is bounded by the input length limit and the exponent range.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::ops::Add;

/// Redis's `MAX_LONG_DOUBLE_CHARS`: `string2ld` refuses strings of this length or longer.
pub const MAX_LONG_DOUBLE_CHARS: usize = 5 * 1024;

/// Exponent of the leading bit of the smallest normal `long double` (2^-16382).
const LD_MIN_EXP: i64 = -16382;
/// Exponent of the leading bit of the largest finite `long double`.
const LD_MAX_EXP: i64 = 16383;
/// Exponent of the smallest subnormal, 2^-16445: every finite value is a multiple of it.
const LD_MIN_LSB: i64 = LD_MIN_EXP - 63;

/// A binary floating-point format, for [`round`].
struct Format {
    /// Significant bits, the leading one included.
    precision: u32,
    /// Exponent of the least significant bit of the subnormals.
    min_lsb: i64,
    /// Exponent of the leading bit of the largest finite value.
    max_exp: i64,
}

const X87: Format = Format {
    precision: 64,
    min_lsb: LD_MIN_LSB,
    max_exp: LD_MAX_EXP,
};

const BINARY64: Format = Format {
    precision: 53,
    min_lsb: -1074,
    max_exp: 1023,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Zero,
    Finite,
    Infinite,
    Nan,
}

/// An x87 80-bit extended-precision value.
///
/// A finite nonzero value is `mantissa * 2^exponent`, either normal (`mantissa` has its top
/// bit set) or subnormal (`mantissa` below 2^63 and `exponent` the minimum, -16445).
/// Equality is bitwise: `0 != -0`, and a NaN equals a NaN of the same sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LongDouble {
    negative: bool,
    class: Class,
    mantissa: u64,
    exponent: i32,
}

impl LongDouble {
    pub const ZERO: LongDouble = LongDouble::special(false, Class::Zero);
    pub const INFINITY: LongDouble = LongDouble::special(false, Class::Infinite);
    pub const NEG_INFINITY: LongDouble = LongDouble::special(true, Class::Infinite);

    const fn special(negative: bool, class: Class) -> LongDouble {
        LongDouble {
            negative,
            class,
            mantissa: 0,
            exponent: 0,
        }
    }

    /// The exact value of an integer (every `i64` fits in 64 mantissa bits).
    pub fn from_i64(value: i64) -> LongDouble {
        round_x87(value < 0, value.unsigned_abs() as u128, false, 0)
    }

    /// The exact value of a double (every double is a `long double`).
    pub fn from_f64(value: f64) -> LongDouble {
        let negative = value.is_sign_negative();
        if value.is_nan() {
            return LongDouble::special(negative, Class::Nan);
        }
        if value.is_infinite() {
            return LongDouble::special(negative, Class::Infinite);
        }
        let bits = value.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i64;
        let fraction = bits & ((1 << 52) - 1);
        let (mantissa, exponent) = if biased == 0 {
            (fraction, -1074)
        } else {
            (fraction | 1 << 52, biased - 1075)
        };
        round_x87(negative, mantissa as u128, false, exponent)
    }

    /// The nearest double (ties to even), as a C cast from `long double` to `double`.
    pub fn to_f64(&self) -> f64 {
        let magnitude = match self.class {
            Class::Zero => 0.0,
            Class::Infinite => f64::INFINITY,
            Class::Nan => f64::NAN,
            Class::Finite => {
                match round(
                    &BINARY64,
                    self.mantissa as u128,
                    false,
                    self.exponent as i64,
                ) {
                    Rounded::Zero => 0.0,
                    Rounded::Overflow => f64::INFINITY,
                    Rounded::Finite { mantissa, lsb } => {
                        let bits = if mantissa >> 52 == 0 {
                            mantissa // subnormal: lsb is -1074, biased exponent 0
                        } else {
                            ((lsb + 1075) as u64) << 52 | (mantissa & ((1 << 52) - 1))
                        };
                        f64::from_bits(bits)
                    }
                }
            }
        };
        if self.negative { -magnitude } else { magnitude }
    }

    /// The 80-bit memory image: sign and biased exponent, and the mantissa with its explicit
    /// integer bit. NaNs come out as the x87 default quiet NaN.
    pub fn to_x87_bits(&self) -> (u16, u64) {
        let sign = if self.negative { 0x8000 } else { 0 };
        match self.class {
            Class::Zero => (sign, 0),
            Class::Infinite => (sign | 0x7fff, 1 << 63),
            Class::Nan => (sign | 0x7fff, 3 << 62),
            Class::Finite if self.mantissa >> 63 == 0 => (sign, self.mantissa),
            Class::Finite => {
                let biased = self.exponent as i64 + 63 + 16383;
                (sign | biased as u16, self.mantissa)
            }
        }
    }

    /// Neither infinite nor NaN.
    pub fn is_finite(&self) -> bool {
        matches!(self.class, Class::Zero | Class::Finite)
    }

    pub fn is_nan(&self) -> bool {
        self.class == Class::Nan
    }

    pub fn is_zero(&self) -> bool {
        self.class == Class::Zero
    }

    pub fn is_sign_negative(&self) -> bool {
        self.negative
    }

    /// The value as glibc's `printf("%.17Lf")` prints it (`inf`, `-inf`, `nan`, `-nan` for
    /// the non-finite values).
    pub fn format_fixed17(&self) -> String {
        const FRACTION_DIGITS: u32 = 17;
        const SCALE: u64 = 10u64.pow(FRACTION_DIGITS);
        let sign = if self.negative { "-" } else { "" };
        let (integer, fraction) = match self.class {
            Class::Infinite => return format!("{sign}inf"),
            Class::Nan => return format!("{sign}nan"),
            Class::Zero => (String::from("0"), 0),
            Class::Finite if self.exponent >= 0 => {
                let mut n = Big::from_u64(self.mantissa);
                n.shl(self.exponent as u64);
                (n.to_decimal(), 0)
            }
            Class::Finite => {
                let s = self.exponent.unsigned_abs();
                let (mut integer, fraction) = if s < 64 {
                    (self.mantissa >> s, self.mantissa & ((1 << s) - 1))
                } else {
                    (0, self.mantissa)
                };
                // The fraction is `fraction / 2^s`; its 17 digits are `fraction * 10^17 / 2^s`.
                let scaled = fraction as u128 * SCALE as u128; // < 2^121
                let mut digits = 0;
                if s <= 122 {
                    digits = (scaled >> s) as u64;
                    let rest = scaled & ((1 << s) - 1);
                    let half = 1u128 << (s - 1);
                    if rest > half || (rest == half && digits & 1 == 1) {
                        digits += 1;
                        if digits == SCALE {
                            digits = 0;
                            integer += 1;
                        }
                    }
                } // else: scaled < 2^121 < 2^(s-1), below half a unit of the last digit.
                (integer.to_string(), digits)
            }
        };
        format!("{sign}{integer}.{fraction:017}")
    }

    /// The value as Redis's `ld2string(..., LD_STR_HUMAN)` prints it: `%.17Lf` with trailing
    /// zeros and a trailing dot removed, and `-0` turned into `0`.
    pub fn format_human(&self) -> String {
        match self.class {
            Class::Infinite | Class::Nan => return self.format_fixed17(),
            Class::Zero | Class::Finite => {}
        }
        let mut text = self.format_fixed17();
        let kept = text.trim_end_matches('0').trim_end_matches('.').len();
        text.truncate(kept);
        if text == "-0" {
            text.remove(0);
        }
        text
    }
}

impl Add for LongDouble {
    type Output = LongDouble;

    /// One x87 addition, rounded to nearest-even.
    fn add(self, rhs: LongDouble) -> LongDouble {
        use Class::*;
        match (self.class, rhs.class) {
            (Nan, _) => self,
            (_, Nan) => rhs,
            (Infinite, Infinite) if self.negative != rhs.negative => {
                // The x87 "real indefinite": a negative quiet NaN.
                LongDouble::special(true, Nan)
            }
            (Infinite, _) => self,
            (_, Infinite) => rhs,
            (Zero, Zero) => LongDouble::special(self.negative && rhs.negative, Zero),
            (Zero, Finite) => rhs,
            (Finite, Zero) => self,
            (Finite, Finite) => add_finite(self, rhs),
        }
    }
}

fn add_finite(a: LongDouble, b: LongDouble) -> LongDouble {
    let (a, b) = if a.exponent >= b.exponent {
        (a, b)
    } else {
        (b, a)
    };
    // 62 guard bits below `a`; `b` shifted to the same scale, bits shifted out kept as sticky.
    const GUARD: u32 = 62;
    let exponent = a.exponent as i64 - GUARD as i64;
    let big_a = (a.mantissa as u128) << GUARD;
    let wide_b = (b.mantissa as u128) << GUARD;
    let distance = (a.exponent - b.exponent) as u32;
    let (small_b, sticky) = if distance >= 126 {
        (0, true)
    } else {
        (wide_b >> distance, wide_b & ((1 << distance) - 1) != 0)
    };
    if a.negative == b.negative {
        // Both below 2^126, the sum below 2^127. Sticky needs distance > 62 (wide_b's low 62
        // bits are zero), so `a` is then normal and the sum has at least 126 bits.
        return round_x87(a.negative, big_a + small_b, sticky, exponent);
    }
    if distance == 0 {
        // Exact: nothing was shifted out.
        return match big_a.cmp(&small_b) {
            Ordering::Equal => LongDouble::ZERO,
            Ordering::Greater => round_x87(a.negative, big_a - small_b, false, exponent),
            Ordering::Less => round_x87(b.negative, small_b - big_a, false, exponent),
        };
    }
    // `a` is normal (its exponent exceeds b's), so big_a >= 2^125 > small_b. The true
    // difference is `big_a - (small_b + s)` with s in [0, 1) the part of b shifted out, which
    // is `(big_a - small_b - 1) + (1 - s)` when s > 0. Sticky needs distance > 62, which
    // leaves the difference above 2^124.
    let difference = big_a - small_b - sticky as u128;
    round_x87(a.negative, difference, sticky, exponent)
}

/// A rounding result.
enum Rounded {
    Zero,
    Overflow,
    /// `mantissa * 2^lsb`, normal (mantissa has `precision` bits) or subnormal.
    Finite {
        mantissa: u64,
        lsb: i64,
    },
}

/// Rounds `(q + s) * 2^e` to `format`, nearest-even, where `s` is 0 without `sticky` and
/// strictly between 0 and 1 with it. With `sticky`, the rounding bit must be one of `q`'s
/// own (true whenever `q` has more than `precision` bits); `q < 2^127`.
fn round(format: &Format, q: u128, sticky: bool, e: i64) -> Rounded {
    debug_assert!(q >> 127 == 0);
    if q == 0 {
        debug_assert!(!sticky);
        return Rounded::Zero;
    }
    let bits = 128 - q.leading_zeros() as i64;
    let top = e + bits - 1;
    let mut lsb = (top - (format.precision as i64 - 1)).max(format.min_lsb);
    let shift = lsb - e;
    let mut mantissa: u128 = if shift <= 0 {
        // Exact; `q` then has at most `precision` bits and `-shift` keeps it within them.
        debug_assert!(!sticky);
        q << (-shift) as u32
    } else if shift > bits {
        // Below half the smallest subnormal.
        0
    } else {
        let shift = shift as u32;
        let kept = q >> shift;
        let rest = q & ((1 << shift) - 1);
        let half = 1u128 << (shift - 1);
        let up = rest > half || (rest == half && (sticky || kept & 1 == 1));
        kept + up as u128
    };
    if mantissa == 0 {
        return Rounded::Zero;
    }
    if mantissa >> format.precision != 0 {
        // Rounded up to the next power of two.
        mantissa >>= 1;
        lsb += 1;
    }
    if lsb + format.precision as i64 - 1 > format.max_exp {
        return Rounded::Overflow;
    }
    let mantissa = mantissa as u64;
    Rounded::Finite { mantissa, lsb }
}

fn round_x87(negative: bool, q: u128, sticky: bool, e: i64) -> LongDouble {
    match round(&X87, q, sticky, e) {
        Rounded::Zero => LongDouble::special(negative, Class::Zero),
        Rounded::Overflow => LongDouble::special(negative, Class::Infinite),
        Rounded::Finite { mantissa, lsb } => LongDouble {
            negative,
            class: Class::Finite,
            mantissa,
            exponent: lsb as i32,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// Parses like Redis 7.0's `string2ld`: glibc `strtold` (decimal or `0x` hexadecimal with
/// an optional `p` exponent, or `inf`/`infinity` in any case, after an optional sign),
/// rounded to nearest-even exactly as glibc 2.36 rounds (see `strtold_round` for its
/// subnormal quirk). Accepted only if it consumed the whole string, the string is 1 to
/// `MAX_LONG_DOUBLE_CHARS - 1` bytes and starts with no blank, and the result is not NaN nor
/// an overflow to infinity nor an underflow to zero.
pub fn parse(s: &[u8]) -> Option<LongDouble> {
    if s.is_empty() || s.len() >= MAX_LONG_DOUBLE_CHARS || is_c_space(s[0]) {
        return None;
    }
    let (negative, body) = match s[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        return Some(LongDouble::special(negative, Class::Infinite));
    }
    // "0x" without a hex digit after it is "0" followed by garbage for strtold: refused
    // either way.
    match body {
        [b'0', b'x' | b'X', rest @ ..] => parse_hex(negative, rest),
        _ => parse_decimal(negative, body),
    }
}

/// C's `isspace` in the C locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Far beyond any exponent that can matter, small enough that sums of a few never overflow.
const EXPONENT_SATURATION: i64 = 1 << 40;

/// `[+-]?digits+` at the start of `s`, saturated; `None` without a digit. Returns the value
/// and the number of bytes used.
fn parse_exponent(s: &[u8]) -> Option<(i64, usize)> {
    let (negative, start) = match s.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let digits = s[start..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let mut value: i64 = 0;
    for &d in &s[start..start + digits] {
        value = (value * 10 + (d - b'0') as i64).min(EXPONENT_SATURATION);
    }
    Some((if negative { -value } else { value }, start + digits))
}

/// Unsigned decimal `digits[.digits][e[+-]digits]`, with at least one mantissa digit and
/// nothing after it. A zero keeps its sign; a nonzero value that overflows or underflows is
/// refused (caught early from its digit count and exponent, never computed in full).
fn parse_decimal(negative: bool, s: &[u8]) -> Option<LongDouble> {
    // The significant digits (values 0-9) without leading zeros, and the power of ten
    // they are scaled by.
    let mut digits: Vec<u8> = Vec::new();
    let mut exp10: i64 = 0;
    let mut seen_digit = false;
    let mut i = 0;
    let mut fraction = false;
    while i < s.len() {
        match s[i] {
            d @ b'0'..=b'9' => {
                seen_digit = true;
                if d != b'0' || !digits.is_empty() {
                    digits.push(d - b'0');
                }
                if fraction {
                    exp10 -= 1;
                }
            }
            b'.' if !fraction => fraction = true,
            _ => break,
        }
        i += 1;
    }
    if !seen_digit {
        return None;
    }
    if i < s.len() && (s[i] == b'e' || s[i] == b'E') {
        let (exponent, used) = parse_exponent(&s[i + 1..])?;
        exp10 += exponent;
        i += 1 + used;
    }
    if i != s.len() {
        return None;
    }
    while digits.last() == Some(&0) {
        digits.pop();
        exp10 += 1;
    }
    if digits.is_empty() {
        return Some(LongDouble::special(negative, Class::Zero));
    }
    let n = digits.len() as i64;
    // The value lies in [10^(n-1+exp10), 10^(n+exp10)). The largest long double is
    // 1.19e4932, and anything below 2^-16446 = 1.82e-4951 rounds to zero.
    if n - 1 + exp10 > 4932 || n + exp10 < -4951 {
        return None;
    }
    let mut numerator = Big::from_decimal_digits(&digits);
    let mut denominator = Big::from_u64(1);
    if exp10 >= 0 {
        numerator.mul_pow10(exp10 as u64);
    } else {
        denominator.mul_pow10(exp10.unsigned_abs());
    }
    // Scale by 2^k so that the quotient has 66 or 67 bits: 64 kept, a rounding bit, and
    // the remainder as sticky.
    let k = 66 + denominator.bits() as i64 - numerator.bits() as i64;
    if k >= 0 {
        numerator.shl(k as u64);
    } else {
        denominator.shl(k.unsigned_abs());
    }
    let (q, remainder_nonzero) = numerator.div_small_quotient(&denominator);
    in_range(strtold_round(negative, q, remainder_nonzero, -k))
}

/// Rounds like glibc 2.36's `strtold` (`round_and_return` in `strtod_l.c`), given `q` with at
/// least 66 bits when `sticky`: correctly for normal results, but a subnormal result is
/// rounded from the value already truncated to 64 significant bits, with only the bits after
/// the first dropped one as sticky — that first dropped bit is lost. So
/// `0x1.0000000000000001p-16446` (just above half the least subnormal) gives 0 and is refused,
/// and `0x1.0000000000000041p-16388` rounds down. glibc fixed this in 2.38 (bug 30220); Redis
/// 7.0 on Debian 12 has it.
fn strtold_round(negative: bool, q: u128, sticky: bool, e: i64) -> LongDouble {
    let bits = 128 - q.leading_zeros() as i64;
    let top = e + bits - 1;
    if top >= LD_MIN_EXP || bits <= 64 {
        return round_x87(negative, q, sticky, e);
    }
    let dropped = (bits - 64) as u32;
    let truncated = q >> dropped;
    let after_first_dropped = q & ((1 << (dropped - 1)) - 1) != 0;
    round_x87(
        negative,
        truncated,
        sticky || after_first_dropped,
        e + dropped as i64,
    )
}

/// strtold's ERANGE cases, which `string2ld` refuses: a finite nonzero input that rounded to
/// infinity or to zero.
fn in_range(value: LongDouble) -> Option<LongDouble> {
    match value.class {
        Class::Finite => Some(value),
        Class::Zero | Class::Infinite | Class::Nan => None,
    }
}

/// Unsigned hexadecimal after the `0x`: `hexdigits[.hexdigits][p[+-]digits]` with at least
/// one hex digit and nothing after it.
fn parse_hex(negative: bool, s: &[u8]) -> Option<LongDouble> {
    // The first 30 significant hex digits (120 bits) exactly; any nonzero digit after them
    // as a sticky bit below.
    const KEPT_DIGITS: u32 = 30;
    let mut q: u128 = 0;
    let mut kept = 0;
    let mut sticky = false;
    let mut exp2: i64 = 0;
    let mut seen_digit = false;
    let mut fraction = false;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c == b'.' && !fraction {
            fraction = true;
            i += 1;
            continue;
        }
        let Some(d) = (c as char).to_digit(16) else {
            break;
        };
        seen_digit = true;
        if kept < KEPT_DIGITS {
            if d != 0 || q != 0 {
                q = q << 4 | d as u128;
                kept += 1;
            }
            if fraction {
                exp2 -= 4;
            }
        } else {
            // Dropped: its weight moves into the exponent.
            sticky |= d != 0;
            if !fraction {
                exp2 += 4;
            }
        }
        i += 1;
    }
    if !seen_digit {
        return None;
    }
    if i < s.len() && (s[i] == b'p' || s[i] == b'P') {
        // "0x1p" is "0x1" followed by garbage: refused by the length check below.
        if let Some((exponent, used)) = parse_exponent(&s[i + 1..]) {
            exp2 += exponent;
            i += 1 + used;
        }
    }
    if i != s.len() {
        return None;
    }
    if q == 0 {
        return Some(LongDouble::special(negative, Class::Zero));
    }
    // With digits dropped, q has 30 significant digits (at least 117 bits).
    in_range(strtold_round(negative, q, sticky, exp2))
}

// ---------------------------------------------------------------------------------------------
// A minimal unsigned big integer, for exact decimal <-> binary conversion
// ---------------------------------------------------------------------------------------------

/// Little-endian 64-bit limbs, no high zero limbs.
#[derive(Clone, Debug)]
struct Big {
    limbs: Vec<u64>,
}

/// The largest power of ten in a u64.
const POW10_19: u64 = 10_000_000_000_000_000_000;

impl Big {
    fn from_u64(value: u64) -> Big {
        let mut limbs = Vec::new();
        if value != 0 {
            limbs.push(value);
        }
        Big { limbs }
    }

    /// From digit values (0-9), most significant first.
    fn from_decimal_digits(digits: &[u8]) -> Big {
        let mut n = Big::from_u64(0);
        for chunk in digits.chunks(19) {
            let value = chunk.iter().fold(0u64, |v, &d| v * 10 + d as u64);
            n.mul_add_small(10u64.pow(chunk.len() as u32), value);
        }
        n
    }

    /// `self = self * factor + addend`.
    fn mul_add_small(&mut self, factor: u64, addend: u64) {
        let mut carry = addend as u128;
        for limb in &mut self.limbs {
            let product = *limb as u128 * factor as u128 + carry;
            *limb = product as u64;
            carry = product >> 64;
        }
        if carry != 0 {
            self.limbs.push(carry as u64);
        }
    }

    fn mul_pow10(&mut self, mut exponent: u64) {
        while exponent >= 19 {
            self.mul_add_small(POW10_19, 0);
            exponent -= 19;
        }
        self.mul_add_small(10u64.pow(exponent as u32), 0);
    }

    /// Significant bits.
    fn bits(&self) -> u64 {
        match self.limbs.last() {
            None => 0,
            Some(top) => self.limbs.len() as u64 * 64 - top.leading_zeros() as u64,
        }
    }

    fn is_zero(&self) -> bool {
        self.limbs.is_empty()
    }

    fn shl(&mut self, shift: u64) {
        if self.is_zero() {
            return;
        }
        let (whole, part) = ((shift / 64) as usize, (shift % 64) as u32);
        if part != 0 {
            let mut carry = 0;
            for limb in &mut self.limbs {
                let next = *limb >> (64 - part);
                *limb = *limb << part | carry;
                carry = next;
            }
            if carry != 0 {
                self.limbs.push(carry);
            }
        }
        self.limbs.splice(0..0, std::iter::repeat_n(0, whole));
    }

    fn shr1(&mut self) {
        let mut carry = 0;
        for limb in self.limbs.iter_mut().rev() {
            let next = *limb << 63;
            *limb = *limb >> 1 | carry;
            carry = next;
        }
        self.trim();
    }

    fn trim(&mut self) {
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.limbs
            .len()
            .cmp(&other.limbs.len())
            .then_with(|| self.limbs.iter().rev().cmp(other.limbs.iter().rev()))
    }

    /// `self -= other`, which must not exceed `self`.
    fn sub_assign(&mut self, other: &Big) {
        let mut borrow = false;
        for (i, limb) in self.limbs.iter_mut().enumerate() {
            let subtrahend = other.limbs.get(i).copied().unwrap_or(0);
            if i >= other.limbs.len() && !borrow {
                break;
            }
            let (d1, b1) = limb.overflowing_sub(subtrahend);
            let (d2, b2) = d1.overflowing_sub(borrow as u64);
            *limb = d2;
            borrow = b1 || b2;
        }
        debug_assert!(!borrow);
        self.trim();
    }

    /// `self / divisor` when the quotient is below 2^68, by shift-and-subtract; also whether
    /// the remainder is nonzero. Consumes `self` as the running remainder.
    fn div_small_quotient(&mut self, divisor: &Big) -> (u128, bool) {
        const QUOTIENT_BITS: u64 = 68;
        let mut shifted = divisor.clone();
        shifted.shl(QUOTIENT_BITS - 1);
        debug_assert!(self.bits() < divisor.bits() + QUOTIENT_BITS);
        let mut q = 0u128;
        for _ in 0..QUOTIENT_BITS {
            q <<= 1;
            if self.cmp(&shifted) != Ordering::Less {
                self.sub_assign(&shifted);
                q |= 1;
            }
            shifted.shr1();
        }
        (q, !self.is_zero())
    }

    /// `self /= divisor`, returning the remainder.
    fn div_rem_small(&mut self, divisor: u64) -> u64 {
        let mut remainder = 0u128;
        for limb in self.limbs.iter_mut().rev() {
            let current = remainder << 64 | *limb as u128;
            *limb = (current / divisor as u128) as u64;
            remainder = current % divisor as u128;
        }
        self.trim();
        remainder as u64
    }

    fn to_decimal(&self) -> String {
        let mut n = self.clone();
        let mut chunks = Vec::new(); // base 10^19, least significant first
        while !n.is_zero() {
            chunks.push(n.div_rem_small(POW10_19));
        }
        let mut text = String::with_capacity(chunks.len() * 19 + 1);
        match chunks.pop() {
            None => text.push('0'),
            Some(top) => {
                let _ = write!(text, "{top}");
            }
        }
        for chunk in chunks.iter().rev() {
            let _ = write!(text, "{chunk:019}");
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// INCRBYFLOAT as Redis runs it: the reply text, or which error.
    fn incrbyfloat(current: &[u8], increment: &[u8]) -> String {
        match (parse(current), parse(increment)) {
            (Some(a), Some(b)) => {
                let sum = a + b;
                if sum.is_finite() {
                    sum.format_human()
                } else {
                    "ERR naninf".into()
                }
            }
            _ => "ERR float".into(),
        }
    }

    /// 64-bit FNV-1a, to pin replies thousands of digits long by length and hash.
    fn fnv1a(text: &str) -> u64 {
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// `expected` is the reply text, `ERR float` ("value is not a valid float"), `ERR naninf`
    /// ("increment would produce NaN or Infinity"), or `~LEN:FNV` for a long reply.
    fn check(current: &[u8], increment: &[u8], expected: &str) {
        let got = incrbyfloat(current, increment);
        let ok = match expected.strip_prefix('~') {
            Some(pin) => pin == format!("{}:{:016x}", got.len(), fnv1a(&got)),
            None => got == expected,
        };
        assert!(
            ok,
            "INCRBYFLOAT {:?} {:?}: got {got:?}, Redis {expected:?}",
            String::from_utf8_lossy(current),
            String::from_utf8_lossy(increment),
        );
    }

    /// `SET k <current>; INCRBYFLOAT k <increment>` against redis-server 7.0.15 (Debian 12,
    /// glibc 2.36, x86-64): brief's examples, what strtold accepts and refuses, ties at the
    /// 17th fractional digit, random decimals and hex floats, cancellations, values near
    /// 1e-20, 1e20, 1e308, the 1e4932 overflow and the 1e-4951 underflow limits, subnormals,
    /// and exact decimal expansions of long doubles and of midpoints between them.
    const REDIS_VECTORS: &[(&str, &str, &str)] = &[
        ("0", "123456789.123456789", "123456789.12345678899873747"),
        ("5000", "1e-3", "5000.00099999999999989"),
        (
            "0",
            "1e308",
            "99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048",
        ),
        (
            "1e308",
            "1e308",
            "199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096",
        ),
        ("0", "0x10", "16"),
        ("10.5", "0.1", "10.6"),
        ("0.1", "0.2", "0.3"),
        ("1e3", "2e2", "1200"),
        ("3.0", "-1.5", "1.5"),
        ("10.50", "0.1", "10.6"),
        ("5.0e3", "2.0e2", "5200"),
        ("0", "-1.5", "-1.5"),
        ("1", "-1", "0"),
        ("0", "0.000000000000000001", "0"),
        ("3", "0.00000000000000005", "3.00000000000000005"),
        ("9223372036854775807", "1", "9223372036854775808"),
        ("-9223372036854775808", "-1", "-9223372036854775809"),
        ("18446744073709551615", "1", "18446744073709551616"),
        ("36893488147419103231", "0", "36893488147419103232"),
        ("0.1", "0.7", "0.8"),
        ("1.1", "2.2", "3.3"),
        ("100", "-99.99", "0.01"),
        ("-0", "0", "0"),
        ("-0", "-0", "0"),
        ("0", "-1e-30", "0"),
        ("1e-20", "0", "0"),
        ("1e20", "0", "100000000000000000000"),
        ("1e20", "1", "100000000000000000000"),
        ("1e19", "1e-17", "10000000000000000000"),
        ("1.5", "0.5", "2"),
        ("123.456", "-123.456", "0"),
        ("0.3", "-0.1", "0.2"),
        ("1e-17", "0", "0.00000000000000001"),
        ("5e-18", "0", "0"),
        ("4.9999999999999999e-18", "0", "0"),
        ("6e-18", "0", "0.00000000000000001"),
        ("-5e-18", "0", "0"),
        ("-6e-18", "0", "-0.00000000000000001"),
        ("1e-16", "1e-17", "0.00000000000000011"),
        ("99999999999999999", "0.5", "99999999999999999.5"),
        (
            "3.14159265358979323846264338327950288",
            "0",
            "3.14159265358979324",
        ),
        ("2.718281828459045235360287", "1", "3.71828182845904524"),
        (
            "1.7976931348623157e308",
            "1.7976931348623157e308",
            "359538626972463139991842093548208868096772893888658356970628841530353257046248792709403737216774171128857586838851041378617416726902272110715794556052955234146997955372576789671236326588091188869859074894581254961338834769297758245552436667197907705664206565009503223382416235440319971852753604933726679072768",
        ),
        ("4.9e-324", "0", "0"),
        ("1e-4000", "1", "1"),
        ("1e4932", "0", "~4933:3a74bb368382c4e9"),
        ("1e4932", "1e4932", "ERR naninf"),
        ("1.18973149535723176502e4932", "0", "~4933:142ac37b8a61dfe2"),
        ("-1e4932", "-1e4932", "ERR naninf"),
        ("1.18973149535723176502e4932", "1e4913", "ERR naninf"),
        (
            "1.18973149535723176502e4932",
            "-1e4900",
            "~4933:142ac37b8a61dfe2",
        ),
        ("3.6e-4951", "3.6e-4951", "0"),
        ("0x1p-16445", "0x1p-16445", "0"),
        ("0x1p-16382", "-0x1p-16445", "0"),
        ("0x1p0", "0x1p-64", "1"),
        ("0x1p0", "0x1p-63", "1"),
        ("0x1p0", "0x1.8p-64", "1"),
        ("0x1p0", "-0x1p-65", "1"),
        ("0x1p0", "-0x1p-64", "1"),
        ("0x1p0", "-0x1.0000000000000002p-64", "1"),
        ("1", "-0x1p-200", "1"),
        ("0xffffffffffffffff", "0x1p-1", "18446744073709551616"),
        (
            "0xffffffffffffffff",
            "0x1.00000000000000000001p-1",
            "18446744073709551616",
        ),
        ("0xfffffffffffffffe", "0x1p-1", "18446744073709551614"),
        (
            "0xfffffffffffffffe",
            "0x1.0000000001p-1",
            "18446744073709551615",
        ),
        ("0x1.fffffffffffffffep16383", "0x1p16319", "ERR naninf"),
        (
            "0x1.fffffffffffffffep16383",
            "0x1p16318",
            "~4933:142ac37b8a61dfe2",
        ),
        (
            "0x1.fffffffffffffffep16383",
            "0x1.0000001p16318",
            "~4933:142ac37b8a61dfe2",
        ),
        ("0", "inf", "ERR naninf"),
        ("inf", "0", "ERR naninf"),
        ("0", "-inf", "ERR naninf"),
        ("-inf", "0", "ERR naninf"),
        ("0", "+inf", "ERR naninf"),
        ("+inf", "0", "ERR naninf"),
        ("0", "Infinity", "ERR naninf"),
        ("Infinity", "0", "ERR naninf"),
        ("0", "-INFINITY", "ERR naninf"),
        ("-INFINITY", "0", "ERR naninf"),
        ("0", "iNfInItY", "ERR naninf"),
        ("iNfInItY", "0", "ERR naninf"),
        ("0", "infinit", "ERR float"),
        ("infinit", "0", "ERR float"),
        ("0", "infinityy", "ERR float"),
        ("infinityy", "0", "ERR float"),
        ("0", "in", "ERR float"),
        ("in", "0", "ERR float"),
        ("0", "nan", "ERR float"),
        ("nan", "0", "ERR float"),
        ("0", "-nan", "ERR float"),
        ("-nan", "0", "ERR float"),
        ("0", "NaN(12)", "ERR float"),
        ("NaN(12)", "0", "ERR float"),
        ("0", "nan()", "ERR float"),
        ("nan()", "0", "ERR float"),
        ("0", "", "ERR float"),
        ("", "0", "ERR float"),
        ("0", " 1", "ERR float"),
        (" 1", "0", "ERR float"),
        ("0", "1 ", "ERR float"),
        ("1 ", "0", "ERR float"),
        ("0", "\t1", "ERR float"),
        ("\t1", "0", "ERR float"),
        ("0", "\u{b}1", "ERR float"),
        ("\u{b}1", "0", "ERR float"),
        ("0", "\n1", "ERR float"),
        ("\n1", "0", "ERR float"),
        ("0", "1\n", "ERR float"),
        ("1\n", "0", "ERR float"),
        ("0", "1e", "ERR float"),
        ("1e", "0", "ERR float"),
        ("0", "1e+", "ERR float"),
        ("1e+", "0", "ERR float"),
        ("0", "1e-", "ERR float"),
        ("1e-", "0", "ERR float"),
        ("0", ".", "ERR float"),
        (".", "0", "ERR float"),
        ("0", "-.", "ERR float"),
        ("-.", "0", "ERR float"),
        ("0", "+", "ERR float"),
        ("+", "0", "ERR float"),
        ("0", "-", "ERR float"),
        ("-", "0", "ERR float"),
        ("0", "0x", "ERR float"),
        ("0x", "0", "ERR float"),
        ("0", "0X", "ERR float"),
        ("0X", "0", "ERR float"),
        ("0", "0x.", "ERR float"),
        ("0x.", "0", "ERR float"),
        ("0", "0x.p1", "ERR float"),
        ("0x.p1", "0", "ERR float"),
        ("0", "0x1p", "ERR float"),
        ("0x1p", "0", "ERR float"),
        ("0", "0xp1", "ERR float"),
        ("0xp1", "0", "ERR float"),
        ("0", "0x1p+", "ERR float"),
        ("0x1p+", "0", "ERR float"),
        ("0", "1.2.3", "ERR float"),
        ("1.2.3", "0", "ERR float"),
        ("0", "1e5.5", "ERR float"),
        ("1e5.5", "0", "ERR float"),
        ("0", "1e0x", "ERR float"),
        ("1e0x", "0", "ERR float"),
        ("0", "--1", "ERR float"),
        ("--1", "0", "ERR float"),
        ("0", "+-1", "ERR float"),
        ("+-1", "0", "ERR float"),
        ("0", "-+1", "ERR float"),
        ("-+1", "0", "ERR float"),
        ("0", "- 1", "ERR float"),
        ("- 1", "0", "ERR float"),
        ("0", "0x1.8p3", "12"),
        ("0x1.8p3", "0", "12"),
        ("0x10", "0", "16"),
        ("0", "0X1P-3", "0.125"),
        ("0X1P-3", "0", "0.125"),
        ("0", "0x.8", "0.5"),
        ("0x.8", "0", "0.5"),
        ("0", "-0x.8", "-0.5"),
        ("-0x.8", "0", "-0.5"),
        ("0", "+0x1.p1", "2"),
        ("+0x1.p1", "0", "2"),
        ("0", "0x1e3", "483"),
        ("0x1e3", "0", "483"),
        ("0", "0xabcdefABCDEF", "188900977659375"),
        ("0xabcdefABCDEF", "0", "188900977659375"),
        ("0", "0x1.8P+1", "3"),
        ("0x1.8P+1", "0", "3"),
        ("0", "0x1_0", "ERR float"),
        ("0x1_0", "0", "ERR float"),
        ("0", "1_000", "ERR float"),
        ("1_000", "0", "ERR float"),
        ("0", "1,5", "ERR float"),
        ("1,5", "0", "ERR float"),
        ("0", "\u{661}", "ERR float"),
        ("\u{661}", "0", "ERR float"),
        ("0", "1\x002", "ERR float"),
        ("1\x002", "0", "ERR float"),
        ("0", "0", "0"),
        ("0", "-0", "0"),
        ("0", "+0", "0"),
        ("+0", "0", "0"),
        ("0", "0.0", "0"),
        ("0.0", "0", "0"),
        ("0", "00000", "0"),
        ("00000", "0", "0"),
        ("0", "000.000e000", "0"),
        ("000.000e000", "0", "0"),
        ("0", "-0.0e999999999999999", "0"),
        ("-0.0e999999999999999", "0", "0"),
        ("0", "1e999999999", "ERR float"),
        ("1e999999999", "0", "ERR float"),
        ("0", "1e-999999999", "ERR float"),
        ("1e-999999999", "0", "ERR float"),
        ("0", "0e999999999", "0"),
        ("0e999999999", "0", "0"),
        ("0", "0x0p999999999", "0"),
        ("0x0p999999999", "0", "0"),
        ("0", "1e+0000000000000000000000000010", "10000000000"),
        ("1e+0000000000000000000000000010", "0", "10000000000"),
        ("0", "1e-0000000000000000000000000010", "0.0000000001"),
        ("1e-0000000000000000000000000010", "0", "0.0000000001"),
        ("0", "0.00000000000000000000000000000000000000001e41", "1"),
        ("0.00000000000000000000000000000000000000001e41", "0", "1"),
        ("0", "10000000000000000000000000000000000000000e-40", "1"),
        ("10000000000000000000000000000000000000000e-40", "0", "1"),
        ("0", "0x1p-16445", "0"),
        ("0x1p-16445", "0", "0"),
        ("0", "0x1p-16446", "ERR float"),
        ("0x1p-16446", "0", "ERR float"),
        ("0", "0x1.0000000000000001p-16446", "ERR float"),
        ("0x1.0000000000000001p-16446", "0", "ERR float"),
        ("0", "0x1.00000000000000008p-16446", "0"),
        ("0x1.00000000000000008p-16446", "0", "0"),
        ("0", "0x1.00000000000000001p-16446", "0"),
        ("0x1.00000000000000001p-16446", "0", "0"),
        ("0", "0x1.8p-16446", "0"),
        ("0x1.8p-16446", "0", "0"),
        ("0", "0x1p-16447", "ERR float"),
        ("0x1p-16447", "0", "ERR float"),
        ("0", "0x1.0000000000000041p-16388", "0"),
        ("0x1.0000000000000041p-16388", "0", "0"),
        ("0", "0x1p16383", "~4932:b32e7efa34141de2"),
        ("0x1p16383", "0", "~4932:b32e7efa34141de2"),
        ("0", "0x1p16384", "ERR float"),
        ("0x1p16384", "0", "ERR float"),
        ("0", "0x1.fffffffffffffffep16383", "~4933:142ac37b8a61dfe2"),
        ("0x1.fffffffffffffffep16383", "0", "~4933:142ac37b8a61dfe2"),
        ("0", "0x1.ffffffffffffffffp16383", "ERR float"),
        ("0x1.ffffffffffffffffp16383", "0", "ERR float"),
        ("0", "0x1.fffffffffffffffe8p16383", "~4933:142ac37b8a61dfe2"),
        ("0x1.fffffffffffffffe8p16383", "0", "~4933:142ac37b8a61dfe2"),
        ("0", "0x1.fffffffffffffffe7p16383", "~4933:142ac37b8a61dfe2"),
        ("0x1.fffffffffffffffe7p16383", "0", "~4933:142ac37b8a61dfe2"),
        ("0", "0x0.0000000000000001p16447", "~4932:b32e7efa34141de2"),
        ("0x0.0000000000000001p16447", "0", "~4932:b32e7efa34141de2"),
        ("0", "1.18973149535723176502e4932", "~4933:142ac37b8a61dfe2"),
        ("0", "1.18973149535723176505e4932", "~4933:142ac37b8a61dfe2"),
        ("1.18973149535723176505e4932", "0", "~4933:142ac37b8a61dfe2"),
        ("0", "1.18973149535723176506e4932", "ERR float"),
        ("1.18973149535723176506e4932", "0", "ERR float"),
        ("0", "1.18973149535723176508e4932", "ERR float"),
        ("1.18973149535723176508e4932", "0", "ERR float"),
        ("0", "1e4933", "ERR float"),
        ("1e4933", "0", "ERR float"),
        ("0", "1e-4951", "ERR float"),
        ("1e-4951", "0", "ERR float"),
        ("0", "1.8e-4951", "ERR float"),
        ("1.8e-4951", "0", "ERR float"),
        ("0", "1.82e-4951", "ERR float"),
        ("1.82e-4951", "0", "ERR float"),
        ("0", "1.83e-4951", "0"),
        ("1.83e-4951", "0", "0"),
        ("0", "3.6e-4951", "0"),
        ("3.6e-4951", "0", "0"),
        ("0", "3.7e-4951", "0"),
        ("3.7e-4951", "0", "0"),
        ("0", "3.64519953188247460253e-4951", "0"),
        ("3.64519953188247460253e-4951", "0", "0"),
        ("0", "5e-4951", "0"),
        ("5e-4951", "0", "0"),
        ("0", "5.5e-4951", "0"),
        ("5.5e-4951", "0", "0"),
        ("0", "1e-4950", "0"),
        ("1e-4950", "0", "0"),
        ("0", "3.3621031431120935063e-4932", "0"),
        ("3.3621031431120935063e-4932", "0", "0"),
        ("0", "1.5", "1.5"),
        ("1.5", "0", "1.5"),
        ("0", ".5", "0.5"),
        (".5", "0", "0.5"),
        ("0", "5.", "5"),
        ("5.", "0", "5"),
        ("0", "+.5e1", "5"),
        ("+.5e1", "0", "5"),
        ("0", "1E2", "100"),
        ("1E2", "0", "100"),
        ("0", "1e02", "100"),
        ("1e02", "0", "100"),
        ("0", "1e+2", "100"),
        ("1e+2", "0", "100"),
        ("0", "0.000003814697265625", "0.00000381469726562"),
        ("0.000003814697265625", "0", "0.00000381469726562"),
        ("0", "0.000011444091796875", "0.00001144409179688"),
        ("0.000011444091796875", "0", "0.00001144409179688"),
        ("0", "0.000019073486328125", "0.00001907348632812"),
        ("0.000019073486328125", "0", "0.00001907348632812"),
        ("0", "1.000003814697265625", "1.00000381469726562"),
        ("1.000003814697265625", "0", "1.00000381469726562"),
        ("0", "-0.000003814697265625", "-0.00000381469726562"),
        ("-0.000003814697265625", "0", "-0.00000381469726562"),
        ("0", "2.000011444091796875", "2.00001144409179688"),
        ("2.000011444091796875", "0", "2.00001144409179688"),
        ("0", "0.0000019073486328125", "0.00000190734863281"),
        ("0.0000019073486328125", "0", "0.00000190734863281"),
        (
            "0",
            "12345678901234567890.0000019073486328125",
            "12345678901234567890",
        ),
        (
            "12345678901234567890.0000019073486328125",
            "0",
            "12345678901234567890",
        ),
        (
            "70532498.929012298583984375",
            "0",
            "70532498.92901229858398438",
        ),
        ("16.854366302490234375", "0", "16.85436630249023438"),
        (
            "853136233.993869781494140625",
            "0",
            "853136233.99386978149414062",
        ),
        ("97.745197296142578125", "0", "97.74519729614257812"),
        ("98.481349945068359375", "0", "98.48134994506835938"),
        ("5.509510040283203125", "0", "5.50951004028320312"),
        ("8.957859039306640625", "0", "8.95785903930664062"),
        ("15.449253082275390625", "0", "15.44925308227539062"),
        ("7.629535675048828125", "0", "7.62953567504882812"),
        ("39.674892425537109375", "0", "39.67489242553710938"),
        (
            "9908700717.456241607666015625",
            "0",
            "9908700717.45624160766601562",
        ),
        (
            "1948252.057468414306640625",
            "0",
            "1948252.05746841430664062",
        ),
        (
            "39239096479.713123321533203125",
            "0",
            "39239096479.71312332153320312",
        ),
        (
            "1612857.832546234130859375",
            "0",
            "1612857.83254623413085938",
        ),
        (
            "3489416.460903167724609375",
            "0",
            "3489416.46090316772460938",
        ),
        (
            "343876695.436679840087890625",
            "0",
            "343876695.43667984008789062",
        ),
        (
            "-8337966.7605507311503768e19",
            "-083.8992274773495e-21",
            "-83379667605507311503671296",
        ),
        (
            "021767704.49406",
            "-19612352268.6781380422053973723e20",
            "-1961235226867813804156687220736",
        ),
        (
            "5.3194537022639",
            "359109134779.46665",
            "359109134784.78610372543334961",
        ),
        (
            "-264075841.4750590e19",
            "-909.229e-17",
            "-2640758414750589999942467584",
        ),
        (
            ".93955791168149206642e-16",
            "-46386758928.40177843525957e8",
            "-4638675892840177843.5",
        ),
        (
            "17325.6",
            "-32685897718.23445561148436007e-20",
            "17325.5999999996731411",
        ),
        (
            "699.17897663e11",
            "-241755.2440809401617640927609e-4",
            "69917897662975.82447433471679688",
        ),
        (
            "76331.341048120702834810495e14",
            "80667.81e9",
            "7633214772622070283.5",
        ),
        (
            "06.478874637031125957",
            "671.5401073290567117e-18",
            "6.47887463703112663",
        ),
        ("-5.735", "-90468.414844e0", "-90474.14984400000000164"),
        (
            "9.3e21",
            "-39129646.1923994724729632e-8",
            "9300000000000000000000",
        ),
        (
            "-437426.527634e8",
            "89582671.808428756362429411789",
            "-43742563180728.19157028198242188",
        ),
        (
            "838394909.338380347991e-24",
            "-5391.56e-17",
            "-0.00000000000005308",
        ),
        (
            "-7609.30606611399e9",
            "350.621103748301354079967",
            "-7609306065763.3688960075378418",
        ),
        (
            "119013.928495223703e-24",
            "57486164999.89376816247822",
            "57486164999.89376816153526306",
        ),
        (
            "-3640.436937589e2",
            "36484.582786404",
            "-327559.11097249600001646",
        ),
        (
            "-144.74e14",
            "16438859.37695e16",
            "164388579295500000002048",
        ),
        (
            "-713062330149.94e-11",
            "-697478220395.95816449391796",
            "-697478220403.08878779411315918",
        ),
        (
            "5.85491069662930143",
            "980601115959.1796339269200290e10",
            "9806011159591796339712",
        ),
        (
            "-1800135.788841943436943625e-25",
            "711519.37518507",
            "711519.37518506999998635",
        ),
        (
            "-3774627104.2779e23",
            "-5727063300.27915793612e-11",
            "-377462710427789999984193019314176",
        ),
        ("-.2978030e-10", "-0329420.5", "-329420.50000000002978595"),
        (
            "-1.3157178394557435500",
            "-41880699.279894289540337134",
            "-41880700.59561212899279781",
        ),
        (
            "2341345835.897035271485610196550e14",
            "-8799988.110895663011732952",
            "234134583589703518355456",
        ),
        (".2e-4", "68777.348737268985", "68777.34875726898499693"),
        (
            "043505325.29274402757671",
            "-0380723314.5125e-12",
            "43505325.2923633042628353",
        ),
        (
            "-933740159.721852854204890420327e3",
            "-4228762658.00e22",
            "-42287626580000000002101639905280",
        ),
        (
            "-8221180.052201168027",
            "-76143.0965872740846288556795",
            "-8297323.14878844211125397",
        ),
        ("711692398339.435882e-18", "-4.6", "-4.59999928830760166"),
        (
            "-2.6",
            "328772497183.71025119",
            "328772497181.11025118827819824",
        ),
        (
            "11184564.001216899",
            "1077443.495e-3",
            "11185641.44471189900013997",
        ),
        (
            "437968045.14405524571549691",
            "-58.599209155975",
            "437967986.54484608973143622",
        ),
        (
            "-.7466895852213771257552e-10",
            "-7618445.91222340298984e17",
            "-761844591222340298997760",
        ),
        (
            "76479560660.935606672664536e17",
            "-26706021.6751773610879898e2",
            "7647956066093560664487362560",
        ),
        (
            "-33235168842.58e-10",
            "-07594751.771244372556858e9",
            "-7594751771244375.88037109375",
        ),
        (
            "-95799690821.54142985244041749558",
            ".74939799545",
            "-95799690820.79203186184167862",
        ),
        (
            "9949305660.8668e10",
            "-597408448653.514",
            "99493056011259551344",
        ),
        ("-15.405846e-20", ".596604", "0.596604"),
        (
            "4694547316.0864e10",
            "2947069812.565072",
            "46945473163811069812",
        ),
        (
            "-57289416.251615326851942422148",
            "24.425905571739940",
            "-57289391.82570975511043798",
        ),
        (
            "-.210905776856606",
            "293671.92707010e-14",
            "-0.21090577391988673",
        ),
        (
            "-1372353.24961773402990e0",
            "-523425733.1689300313230667760e-6",
            "-1372876.6753509029599627",
        ),
        (
            "-070022475291.968451281229e-20",
            "-78654284.342057316e20",
            "-7865428434205731599780151296",
        ),
        (
            "-6370736.64944701863",
            ".0177031957126850727123e4",
            "-6370559.61748989177931435",
        ),
        (
            "5020585054.909057426061",
            "633077176.7",
            "5653662231.60905742645263672",
        ),
        (
            "-74693345.6419205181144",
            "-4.933051271960255e1",
            "-74693394.97243323771544965",
        ),
        (
            "91031107.557584522436515e-6",
            "36.60506890e-25",
            "91.03110755758452244",
        ),
        (
            "-268624651.825108336e1",
            "-77.255431167209236e-11",
            "-2686246518.25108336075209081",
        ),
        (
            ".6345049e3",
            "-29624256387.506247144256959711",
            "-29624255753.00134714506566525",
        ),
        (
            "173.00365286682e16",
            "85320880741.301880648347120366",
            "1730036613989080741.25",
        ),
        (
            "-170480915.7993484608213521893",
            "02.9415263662025372776",
            "-170480912.85782209460739978",
        ),
        (
            "-65.63721248836798",
            "-79545848091.487",
            "-79545848157.12421248853206635",
        ),
        (
            "-565867643853.00761226e17",
            "23.093061964545",
            "-56586764385300761224878751744",
        ),
        (
            "489.0869024703880325193537",
            "-434.1746583721943768e12",
            "-434174658371705.289886474609375",
        ),
        (
            "1017962.925945272822",
            "48866.8384567685407408360792e-5",
            "1017963.4146136573896797",
        ),
        (
            "91663167836.074048879525619496",
            "102804794.3189472668523450941479",
            "91765972630.39299614727497101",
        ),
        (
            "58668.7837782647428073724",
            "-703168187578.304295413",
            "-703168128909.52051717042922974",
        ),
        (
            "17.93690",
            "-01221577144.6262792e-11",
            "17.92468422855373721",
        ),
        (
            "-9856078303.6562270171319868540718",
            "8371.42700707732",
            "-9856069932.2292199395596981",
        ),
        (
            ".946985356037039653",
            "83167742584.4268000607968457",
            "83167742585.37378541380167007",
        ),
        (
            "-2.25430568926e-15",
            "25442690293.552709268740e-1",
            "2544269029.35527092684060335",
        ),
        (
            "-373092749568.171834",
            "0954086270.9630",
            "-372138663297.20883399248123169",
        ),
        (
            "702221059.71844691142846225713e6",
            "-94573274037.73838178762e-2",
            "702220113985706.5340576171875",
        ),
        (
            "-473022150.7249541e-20",
            "319194807968.1160",
            "319194807968.11599999666213989",
        ),
        (
            "715721912.35075334357327909e-17",
            "-3639511064.3547278",
            "-3639511064.35472779278643429",
        ),
        (
            "8849450439.702415072556e16",
            "156992.1878196079020631e3",
            "88494504397024150887071744",
        ),
        (
            "7.3239576339507383494e-3",
            "-5857227963.680",
            "-5857227963.67267604265362024",
        ),
        (
            "-07346637.99304941312108573e-5",
            "-10009.592367",
            "-10083.05874693049413171",
        ),
        (
            ".9704687300750209296e-11",
            "07295809263.1460361396997434609919",
            "7295809263.14603613968938589",
        ),
        (
            "-020.87e-23",
            "710825349746.8527439996379576",
            "710825349746.85274398326873779",
        ),
        (
            "-19.36486242825e-25",
            "300040646.730728e-3",
            "300040.64673072799999431",
        ),
        (
            "-691886534.670",
            "-192465880.3248997e1",
            "-2616545337.91899699997156858",
        ),
        (
            "-.68911647301146475",
            "-.973133112957445822946",
            "-1.66224958596891057",
        ),
        ("1.8390005e-4", "9139.2", "9139.20018390004999986"),
        (
            "084839032772.637294007278594e-4",
            "74072.45",
            "8557975.72726372940087458",
        ),
        (
            "627221271099.34178357649010571270e19",
            "8357689.1808255748116153871796e-3",
            "6272212710993417835717052071936",
        ),
        ("3140745095.1e-22", "6524.13568e-1", "652.41356800000031407"),
        (
            "190.47102285092184541674e-4",
            "-79471.6414697344830271",
            "-79471.62242263219793159",
        ),
        (
            "-3.09301192886840673e-23",
            "4.715049225092e3",
            "4715.04922509199999991",
        ),
        (
            "-841.30669240313144461e-19",
            "62370751287.9e1",
            "623707512879",
        ),
        ("44917.648376", "-44917.648376", "0"),
        (
            "-73702845.42685196981e-3",
            "73702845.42685196981e-31",
            "-73702.84542685196981182",
        ),
        ("-.883", ".8831", "0.0001"),
        ("-.765354531", ".7653545311", "0.0000000001"),
        (
            "6605.4538888897471227935352e6",
            "-6605.4538888897471227935352e6",
            "0",
        ),
        ("-92.681902517", "92.6819025171", "0.0000000001"),
        (
            "-480132.5917600735376468602",
            "480132.59176007353764686021",
            "0",
        ),
        (
            "91482906613.29834405594719242e-8",
            "-91482906613.29834405594719242e-8",
            "0",
        ),
        (
            "-19619110.34221527e-3",
            "19619110.34221527e-31",
            "-19619.11034221527000021",
        ),
        ("4669734107.7924406e-19", "-4669734107.7924406e-19", "0"),
        ("80473.1407", "-80473.1407", "0"),
        ("6.38125815187501977244", "-6.38125815187501977244", "0"),
        ("97618213.7e-14", "-97618213.7e-14", "0"),
        (
            "-.457296361727e-3",
            ".457296361727e-31",
            "-0.000457296361727",
        ),
        ("-523067.8570653", "523067.85706531", "0.00000001000000793"),
        ("-0.155912237", "0.1559122371", "0.0000000001"),
        ("702231422761.1994486442", "-702231422761.1994486442", "0"),
        (
            "-685413286.2132482855581105e-5",
            "685413286.2132482855581105e-51",
            "-6854.13286213248285561",
        ),
        ("178.920", "-178.920", "0"),
        ("8607512.4559388", "-8607512.4559388", "0"),
        (
            "0x6b.87A41E38BEB95CB1Dp-28",
            "0x8edd.0444A8B0451565p-3",
            "4571.62708448211459888",
        ),
        (
            "0x9fa199778e.55F31537D424D97",
            "0x25fdebaca04164208p3",
            "350413219906944993216",
        ),
        (
            "-0xf2cfabe4e.30DA6",
            "0x567ap31",
            "47475813859761.80916595458984375",
        ),
        (
            "0xd10ac04.4A4379B38DE",
            "0x118d6f44aa07c7",
            "4940583856157643.2900390625",
        ),
        (
            "-0x48695ff00e.F3CCD589Dp7",
            "0x35d3p43",
            "121161557043837062.1015625",
        ),
        ("-0x44e6aa46p-79", "-0x43p-74", "-0.00000000000000191"),
        (
            "-0xc4c195d178694.0B275B8208781p-56",
            "0x4c397be780c138b.E44F6A3DA465D6AFp-15",
            "10476221952024.10467052459716797",
        ),
        (
            "0x13c1b7f853b015fbe6p-24",
            "0xd79.p6",
            "21722736341488.08587455749511719",
        ),
        (
            "-0x8ab955c9p60",
            "-0xef72ab3.238267p31",
            "-2683311734346746830851670016",
        ),
        ("0x8p-39", "0x2dd7567a8ae60", "806446273441376"),
        (
            "-0x5992dfb5b4324p-54",
            "-0x61b0b68dabad38d03.B365648p-1",
            "-56314615497335883392",
        ),
        (
            "0xf19bbee90d20bbf2.7CCB3A7D127E18p66",
            "-0x48edca9747504",
            "1284610500477148246375041816881824530432",
        ),
        (
            "0x040cba6df58f4cbbe.0EEB3DAB80DBAEp-34",
            "-0x73",
            "271771972.83687132212799042",
        ),
        (
            "-0x25cfeff46",
            "0x6b74b64acp-14",
            "-10148389400.427001953125",
        ),
        (
            "0x7a5d62.BE8B1288",
            "-0x7179c1beca3957d1.5CE5E7p-59",
            "8019284.55985800519647455",
        ),
        (
            "0xa9b910819d5.4F2AAC8p-14",
            "0x50a2a032731.75EA41817B134Cp78",
            "1674728764631869534994257088664829952",
        ),
        (
            "0x44cf549b1babp-58",
            "-0xfc0c6939801305.180AB98DF16B613Cp11",
            "-145296056743689201856",
        ),
        (
            "-0x5281c",
            "-0x8944733.043D56C02A1F082p58",
            "-41486520765366451637846016",
        ),
        (
            "0xb645b6.0E03FF7DE8E69D77p-20",
            "-0xe69480f938dc4bp-27",
            "-483561491.76074460142990574",
        ),
        (
            "-0xdceb83257d6960bf20.31BE5C62E707AC4E1",
            "-0xd8de0p-34",
            "-4075254145257532604160",
        ),
        (
            "-0x5ee920p-29",
            "-0xb5d37d9.B2Cp-55",
            "-0.01158577732934312",
        ),
        (
            "-0x7ca54.26A28D0p-15",
            "-0x5.7B7Ep0",
            "-21.06308443963098398",
        ),
        (
            "-0xa19714fcd49ebc3cp21",
            "-0x02d57ce.05Ap-66",
            "-24418815181263876458020864",
        ),
        (
            "-0x2c28795383357",
            "-0xc6f5d7dec77925.A9A",
            "-56779190426381436.6640625",
        ),
        (
            "0xac438.107DF9252AB65FD8p50",
            "0x636afed313d987b2.C24B9112Ep-50",
            "794426039601848435584",
        ),
        (
            "0xe7b912c30",
            "0x1d5f36e.67E2514Bp53",
            "277410049356547274915840",
        ),
        (
            "-0xbc25d83a22528db7ab.E548p-76",
            "-0x71a3e45.48AFFAp17",
            "-15618590544223.99905967712402344",
        ),
        (
            "0xe949e.EB21CE21F9AADAC4",
            "0x94ceee.E362817F3C3E0A2C",
            "10707853.8067064064580336",
        ),
        (
            "0x9afa463f",
            "0xe577e58f395cbf675p-1",
            "132279495684356325752",
        ),
        (
            "0x33b1p10",
            "0x38cbd5e62e1f0.0EF4F84764BB5Ep-46",
            "13550606.19905814796948107",
        ),
        (
            "0x19fe911aee1f0bp26",
            "-1920.359126369e-5",
            "491020363991061385707520",
        ),
        (
            "0xa39de056fe9be2f20p9",
            "9574793103.94936",
            "96582255114407392706560",
        ),
        ("-0xdcc69a852ep-74", "2.901775523608", "2.9017755235578014"),
        (
            "0x9e391b290p69",
            "-50480.351493053",
            "25071446314855474802680855003136",
        ),
        (
            "0x121f80e72a08.56B361D",
            "7052518598.7633765610059",
            "19933568437967.10205078125",
        ),
        (
            "0xf72eae2de8422",
            "8841.9815926333641006421e0",
            "4348477804816043.981689453125",
        ),
        (
            "-0xc2cdd2a679.040D82297F25",
            "-216401743.94274",
            "-836893191624.95857113599777222",
        ),
        (
            "-0x08.D26Ap2",
            "32349210825.856146529586256804",
            "32349210790.56842680275440216",
        ),
        (
            "-0x840606d8b3.53Dp-79",
            "700.95311007364",
            "700.95311007363906192",
        ),
        (
            "-0x3d4802d892323.C20AAA1E9E8A5",
            "-8729.412480464950381354e-19",
            "-1078071914996515.75799560546875",
        ),
        (
            "-4114262879.69378e-20",
            "3620200082.20364201740174e-21",
            "-0.00000000003752243",
        ),
        (
            "-199256723.86365757761792117e0e-20",
            "930.070373019329181e-21",
            "ERR float",
        ),
        (
            "-1147742081.1875489706242064e0e-20",
            ".462461613016e-21",
            "ERR float",
        ),
        (
            "-14633.226223006015e-20",
            "8419315627.8637863258236482812010e-21",
            "0.00000000000841917",
        ),
        (
            "56058982849.6989316423860759489944e0e-20",
            "48188.75407833883656755e-21",
            "ERR float",
        ),
        (
            "-70165.752179e0e-20",
            "-8768.065819380169e0e-21",
            "ERR float",
        ),
        (
            "-31031456.5342990e0e-20",
            "572835493685.302039e-21",
            "ERR float",
        ),
        (
            "-14977183355.08042904546308e-20",
            "3837.973e-21",
            "-0.00000000014977183",
        ),
        (
            "-449005869.9852e-20",
            "-54983.99713617308678147299e0e-21",
            "ERR float",
        ),
        (
            "32145007265.6607327011531e-20",
            "60.14949608536726327167e0e-21",
            "ERR float",
        ),
        (
            "502866.04200042909459733276e0e20",
            "23489112202.49437899207900e0e2",
            "ERR float",
        ),
        (
            "-234185.22262045947e20",
            "18034.37579710294104946e2",
            "-23418522262045946997112832",
        ),
        ("2222012.5270064e0e20", "-5363.63599940783e0e2", "ERR float"),
        (
            "-18810155655.24251e20",
            "-0502587010.879484602e2",
            "-1881015565524250999950114029568",
        ),
        ("2173868.32380881e0e20", "0707703135.3566e2", "ERR float"),
        (
            "-2679508431.2643020947312323469197e20",
            "-40737.7086730433591069e2",
            "-267950843126430209479790297088",
        ),
        (
            "4862.883320101161899639051e20",
            "28409655182.62122e0e2",
            "ERR float",
        ),
        ("-7067824.9056e20", "3787837360.17564e0e2", "ERR float"),
        (
            "0172457.9216058571379e20",
            "-41525017.837859425e0e2",
            "ERR float",
        ),
        (
            "-8053363843.487254415913029722033e0e20",
            "204572634.18727907e0e2",
            "ERR float",
        ),
        (
            "-1.13619969375133335e308",
            "240274.2532338471055405219e-3",
            "-113619969375133335004583189284062156190296450394125695412896579252210210133714140849381437768326674425345392006342931060604547527527405969346157611253342932993408574910889121072993195932453643588035583021963151674272805876289506054072058275462901161195924192394784205629523255798808815374096613073891127984128",
        ),
        (
            "-1.74286884720558941e308",
            "-466392633.075552239000e-2",
            "-174286884720558941001103893383565160755619918871650220776973931523774405963418888400267037100206921763486410938465150837022048749168425386024767679667572898819196915352160231749813261344503677180577349319053025955382758880448619987592172954553487152423767451100587233991775409392187756440638978017058661335040",
        ),
        (
            "-1.59045876474482119e308",
            "065720224.2962511845",
            "-159045876474482119003221140396319633454064490786348759214198810420030951907746400600050082872846353674805112731056993665367214198403131618814119142843195414174707373058041075431314592814453513058181980555526313622568710784246819157133526291076628304808505758506802522329945786556064761049717916500459807309824",
        ),
        (
            "1.72918971609672229e308",
            "-025.0250e-5",
            "172918971609672229003377540694472974855532016683606967516350974539677373459839400231645110946227135730649798990261470055346547188674702046973451389232729674052519036789496374111584003548735524277451321713669533559371495707450565056674069082479591685307962818720110753506167568725084295648961362585834426990592",
        ),
        (
            "-1.26894886098705865e308",
            "-778358052.19973020557855867e3",
            "-126894886098705865004606521463415825861312712322332523256360703017748874087044903591259194517795384304319665048675169118051538568124259129309159651096912878532277507873757491932966574108529683410781337028126445772950575433001516439333047428790999425463877419448526410648158100866304277568431342107390916952064",
        ),
        (
            "1.05536134847631936e308",
            "-91484163537.5233068",
            "105536134847631936004839870852989477427878799328127336304434296092824367632840782970587948128453734256371411921462040082838169895901312754102888287136909561011378109957578786680225652089656055781805561609265440979579855358742106383286435622795662157511141075484135162009261465231982598387041189015982522236928",
        ),
        (
            "-1.18399206755537121381e4932",
            "1",
            "~4934:0cda9209c108408b",
        ),
        (
            "-1.00060482481938735330e4932",
            "0",
            "~4934:875412ac46bd5fa8",
        ),
        ("-1.26219823170894849181e4932", "-1e4931", "ERR float"),
        ("1.25384844809249226287e4932", "1", "ERR float"),
        ("-1.40983058883126131312e4932", "1", "ERR float"),
        (
            "-1.03897981463313900609e4932",
            "1",
            "~4934:5d1fab1122c0c0a0",
        ),
        ("3.360307307699787e-4950", "0", "0"),
        ("5.6482257e-4950", "0", "0"),
        ("3.84434011e-4947", "0", "0"),
        ("3.647668490275717189e-4950", "0", "0"),
        ("2.06058134e-4947", "0", "0"),
        ("5.e-4950", "0", "0"),
        ("7.8344249658928060946e-4948", "0", "0"),
        ("8.4038510115325061826063e-4951", "0", "0"),
        ("2.126610639951113738206493e-4947", "0", "0"),
        ("5.361e-4945", "0", "0"),
        ("1.43864509277e-4949", "0", "0"),
        ("3.19626e-4950", "0", "0"),
        ("0x19eae08efe0a5cb3dp-16457", "0", "0"),
        ("0x1304da003dd4de9d1p-16481", "0", "0"),
        ("0x11cc00e747e0a1527p-16463", "0", "0"),
        ("0x19a6dc834c6c8e6fbp-16510", "0", "0"),
        ("0x1a3a36ba9897a29b1p-16478", "0", "0"),
        ("0x1f1532820b7f7471dp-16466", "0", "0"),
        ("0x12e06c1d781c721ebp-16482", "0", "0"),
        ("0x1f22fe9e11abf9a33p-16483", "0", "0"),
        ("0x13f12c6e23452b1a9p-16478", "0", "0"),
        ("0x13b45a47c28b0597dp-16496", "0", "0"),
        (
            "0.00000000000001762982362540197716388259388093272831680907977085041860032532667901250533759593963623046875",
            "0",
            "0.00000000000001763",
        ),
        (
            "0.00000000000001762982362540197716465296585868762265803147094788438952774056733829866061569191515445709228515625",
            "0",
            "0.00000000000001763",
        ),
        (
            "61619661332085.36872100830078125",
            "0",
            "61619661332085.36872100830078125",
        ),
        (
            "61619661332085.3687229156494140625",
            "0",
            "61619661332085.36872100830078125",
        ),
        (
            "0.000000000000000614566661039713191770713049261934473300324431864665719322908532529226022234070114791393280029296875",
            "0",
            "0.00000000000000061",
        ),
        (
            "0.0000000000000006145666610397131917947871735667749214635241561469773108046348031319183746745693497359752655029296875",
            "0",
            "0.00000000000000061",
        ),
        (
            "7574202041984508598666836049920",
            "0",
            "7574202041984508598666836049920",
        ),
        (
            "7574202041984508598941713956864",
            "0",
            "7574202041984508599216591863808",
        ),
        (
            "11697579.774969118834633263759315013885498046875",
            "0",
            "11697579.77496911883463326",
        ),
        (
            "11697579.77496911883508801111020147800445556640625",
            "0",
            "11697579.77496911883463326",
        ),
        ("1738032914505996854.875", "0", "1738032914505996854.875"),
        ("1738032914505996854.9375", "0", "1738032914505996855"),
        (
            "0.159841713920172444560467879537402069445306551642715930938720703125",
            "0",
            "0.15984171392017244",
        ),
        (
            "0.1598417139201724445672441431154364721578531316481530666351318359375",
            "0",
            "0.15984171392017244",
        ),
        (
            "11290381204125.01618099212646484375",
            "0",
            "11290381204125.01618099212646484",
        ),
        (
            "11290381204125.016181468963623046875",
            "0",
            "11290381204125.01618194580078125",
        ),
        (
            "119686236931402646.921875",
            "0",
            "119686236931402646.921875",
        ),
        (
            "119686236931402646.92578125",
            "0",
            "119686236931402646.921875",
        ),
        (
            "16104752922103515502241382400",
            "0",
            "16104752922103515502241382400",
        ),
        (
            "16104752922103515502778253312",
            "0",
            "16104752922103515503315124224",
        ),
        (
            "0.00352608513178563359031947202319734469000422905082814395427703857421875",
            "0",
            "0.00352608513178563",
        ),
        (
            "0.0035260851317856335904253511416041322323877693634130991995334625244140625",
            "0",
            "0.00352608513178563",
        ),
        (
            "2733052485807677533698301886464",
            "0",
            "2733052485807677533698301886464",
        ),
        (
            "2733052485807677533835740839936",
            "0",
            "2733052485807677533698301886464",
        ),
        ("1005834461391930032.25", "0", "1005834461391930032.25"),
        ("1005834461391930032.28125", "0", "1005834461391930032.25"),
        (
            "8030529199767383.48486328125",
            "0",
            "8030529199767383.48486328125",
        ),
        (
            "8030529199767383.485107421875",
            "0",
            "8030529199767383.4853515625",
        ),
        ("179649747667999049121792", "0", "179649747667999049121792"),
        ("179649747667999049129984", "0", "179649747667999049121792"),
        (
            "0.000000000000007367351739793454181670797035167632018832507549929732894311573687673444510437548160552978515625",
            "0",
            "0.00000000000000737",
        ),
        (
            "0.000000000000007367351739793454182055983024045079189443703138446718358019194017316522149485535919666290283203125",
            "0",
            "0.00000000000000737",
        ),
        (
            "178463243725273.2701263427734375",
            "0",
            "178463243725273.2701263427734375",
        ),
        (
            "178463243725273.27013397216796875",
            "0",
            "178463243725273.2701416015625",
        ),
        (
            "1848662700319.83330404758453369140625",
            "0",
            "1848662700319.83330404758453369",
        ),
        (
            "1848662700319.833304107189178466796875",
            "0",
            "1848662700319.83330416679382324",
        ),
        ("855732759049254403.625", "0", "855732759049254403.625"),
        ("855732759049254403.65625", "0", "855732759049254403.625"),
        (
            "1394894190.171943155932240188121795654296875",
            "0",
            "1394894190.17194315593224019",
        ),
        (
            "1394894190.1719431559904478490352630615234375",
            "0",
            "1394894190.17194315604865551",
        ),
        // Additions that round: ties, and ties broken by bits shifted out of the smaller operand.
        ("0x1p70", "0x1.0000000001p6", "1180591620717411303552"),
        ("0x1p70", "0x1p6", "1180591620717411303424"),
        ("0x1.0000000000000002p70", "0x1p6", "1180591620717411303680"),
        ("0x1.0000000000000002p70", "0x1p5", "1180591620717411303552"),
        ("0x1p70", "-0x1.0000000001p5", "1180591620717411303360"),
        ("0x1p70", "-0x1p5", "1180591620717411303424"),
        ("0x1p70", "-0x1.8p5", "1180591620717411303360"),
        ("-0x1p70", "0x1.0000000001p5", "-1180591620717411303360"),
        ("0x1p70", "-0x1p-100", "1180591620717411303424"),
        ("0x1p70", "-0x1p-60", "1180591620717411303424"),
        (
            "0x1.0000000000000002p70",
            "-0x1p-60",
            "1180591620717411303552",
        ),
        (
            "0x1.fffffffffffffffep70",
            "0x1.0000000001p6",
            "2361183241434822606848",
        ),
        ("0x1.fffffffffffffffep70", "0x1p6", "2361183241434822606848"),
        ("0x1.fffffffffffffffcp70", "0x1p6", "2361183241434822606592"),
        ("0x1p70", "0x1.0000000000000002p6", "1180591620717411303552"),
        (
            "0x1p70",
            "-0x1.0000000000000002p5",
            "1180591620717411303360",
        ),
        (
            "0x1.0000000000000002p70",
            "-0x1.0000000000000002p6",
            "1180591620717411303424",
        ),
        (
            "-0x1p70",
            "-0x1.fffffffffffffffep6",
            "-1180591620717411303552",
        ),
    ];

    #[test]
    fn matches_redis_vectors() {
        for &(current, increment, expected) in REDIS_VECTORS {
            check(current.as_bytes(), increment.as_bytes(), expected);
        }
    }

    /// Inputs up to Redis's length limit, against the same server.
    #[test]
    fn matches_redis_on_long_inputs() {
        let zeros = |n| "0".repeat(n);
        let mid = "13870536.88257898543770352262072265148162841796875"; // (2m+1) * 2^-41
        let cases: Vec<(String, &str, &str)> = vec![
            (
                format!("0.{}", "1".repeat(5117)),
                "0",
                "0.11111111111111111",
            ),
            (format!("0.{}", "1".repeat(5118)), "0", "ERR float"),
            (
                format!("-0.{}", "1".repeat(5116)),
                "0",
                "-0.11111111111111111",
            ),
            (format!("0.{}1", zeros(5000)), "0", "ERR float"),
            (format!("1{}", zeros(4932)), "0", "~4933:3a74bb368382c4e9"),
            ("9".repeat(4933), "0", "ERR float"),
            (format!("0x{}", "f".repeat(5117)), "0", "ERR float"),
            (format!("0x0.{}1", zeros(4000)), "0", "0"),
            (format!("0.{}4", zeros(4950)), "0", "0"),
            (format!("0.{}{}", zeros(4000), "7".repeat(1110)), "1", "1"),
            (format!("1.{}1", zeros(5000)), "0", "1"),
            (format!("0.1{}1", zeros(5000)), "0", "0.1"),
            (mid.to_string(), "0", "13870536.88257898543815827"),
            (
                format!("{mid}{}1", zeros(3000)),
                "0",
                "13870536.88257898543815827",
            ),
            (
                format!("{}4{}", &mid[..mid.len() - 1], "9".repeat(3000)),
                "0",
                "13870536.88257898543724878",
            ),
            (
                format!("0x1.0000000000000001{}1p70", zeros(4000)),
                "-0x1p70",
                "128",
            ),
            ("0x1.0000000000000001p70".into(), "-0x1p70", "0"),
            ("0x1.0000000000000003p70".into(), "-0x1p70", "256"),
            (
                "12345678901234567890".repeat(200),
                "1",
                "~4000:383d665dd2154ae2",
            ),
        ];
        for (current, increment, expected) in &cases {
            check(current.as_bytes(), increment.as_bytes(), expected);
        }
        check(
            b"0",
            format!("0.{}", "1".repeat(5118)).as_bytes(),
            "ERR float",
        );
        check(
            b"0",
            format!("-0.{}", "1".repeat(5116)).as_bytes(),
            "-0.11111111111111111",
        );
    }

    /// `strtold` results as bits (sign and biased exponent, mantissa), from glibc 2.36 on the
    /// same host as the server. Subnormals print as 0, so INCRBYFLOAT's text cannot show them;
    /// they pin glibc's double rounding of subnormal results (see [`strtold_round`]).
    const GLIBC_STRTOLD_BITS: &[(&str, Option<(u16, u64)>)] = &[
        ("0.1", Some((0x3ffb, 0xcccccccccccccccd))),
        ("-0.1", Some((0xbffb, 0xcccccccccccccccd))),
        ("1", Some((0x3fff, 0x8000000000000000))),
        ("0x1p-16382", Some((0x0001, 0x8000000000000000))),
        ("0x1p-16383", Some((0x0000, 0x4000000000000000))),
        ("0x1p-16445", Some((0x0000, 0x0000000000000001))),
        ("0x1.8p-16446", Some((0x0000, 0x0000000000000001))),
        ("0x1p-16446", None),
        ("0x1.0000000000000001p-16446", None),
        (
            "0x1.00000000000000001p-16446",
            Some((0x0000, 0x0000000000000001)),
        ),
        (
            "0x1.0000000000000041p-16388",
            Some((0x0000, 0x0200000000000000)),
        ),
        (
            "0x1.00000000000000408p-16388",
            Some((0x0000, 0x0200000000000001)),
        ),
        (
            "0x1.0000000000000043p-16388",
            Some((0x0000, 0x0200000000000001)),
        ),
        (
            "0x1.fffffffffffffffep-16383",
            Some((0x0001, 0x8000000000000000)),
        ),
        (
            "0x1.ffffffffffffffffp-16383",
            Some((0x0001, 0x8000000000000000)),
        ),
        (
            "0x1.fffffffffffffffe8p-16383",
            Some((0x0001, 0x8000000000000000)),
        ),
        (
            "0x1.fffffffffffffffe0000001p-16383",
            Some((0x0001, 0x8000000000000000)),
        ),
        ("3.6e-4951", Some((0x0000, 0x0000000000000001))),
        ("1.8e-4951", None),
        ("1.9e-4951", Some((0x0000, 0x0000000000000001))),
        (
            "3.3621031431120935063e-4932",
            Some((0x0001, 0x8000000000000000)),
        ),
        (
            "3.3621031431120935062e-4932",
            Some((0x0001, 0x8000000000000000)),
        ),
        ("1e-4940", Some((0x0000, 0x0000000663278e62))),
        ("-2.5e-4945", Some((0x8000, 0x00000000000a770a))),
        (
            "1.18973149535723176502e4932",
            Some((0x7ffe, 0xffffffffffffffff)),
        ),
        ("1e4932", Some((0x7ffe, 0xd72cb2a95c7ef6cd))),
        (
            "0x1.fffffffffffffffep16383",
            Some((0x7ffe, 0xffffffffffffffff)),
        ),
        ("123456789.123456789", Some((0x4019, 0xeb79a2a3f35ba6e7))),
        ("1e308", Some((0x43fe, 0x8e679c2f5e44ff8f))),
        ("1e-20", Some((0x3fbc, 0xbce5086492111aeb))),
        ("5e-324", Some((0x3bcd, 0x818995ce7aa0e1b2))),
        ("0x1.0000000000000001p0", Some((0x3fff, 0x8000000000000000))),
        ("0x1.0000000000000003p0", Some((0x3fff, 0x8000000000000002))),
        (
            "0x1.00000000000000010000000001p0",
            Some((0x3fff, 0x8000000000000001)),
        ),
        (
            "0x1.00000000000000018p0",
            Some((0x3fff, 0x8000000000000001)),
        ),
        (
            "0x1f2a74de4a5cd6871p-16495",
            Some((0x0000, 0x0000000000007caa)),
        ),
        (
            "0x1a6a3a450ca264e1dp-16508",
            Some((0x0000, 0x0000000000000003)),
        ),
        (
            "0x1d23f082425165e67p-16502",
            Some((0x0000, 0x00000000000000e9)),
        ),
        (
            "0x19531985cbb3b93f1p-16507",
            Some((0x0000, 0x0000000000000006)),
        ),
        (
            "0x181e74ef5d1c4bb29p-16487",
            Some((0x0000, 0x00000000006079d4)),
        ),
        (
            "0x11600a35a1332a1b1p-16459",
            Some((0x0000, 0x000458028d684ccb)),
        ),
        (
            "0x111e20b8ed61aa937p-16484",
            Some((0x0000, 0x000000000223c417)),
        ),
        (
            "0x18d116ece2e71efb3p-16460",
            Some((0x0000, 0x00031a22dd9c5ce4)),
        ),
        (
            "0x1d3ac94ae1e43bb6dp-16499",
            Some((0x0000, 0x000000000000074f)),
        ),
        (
            "0x139263059e51820bbp-16507",
            Some((0x0000, 0x0000000000000005)),
        ),
        (
            "0x195e60af5277a099fp-16464",
            Some((0x0000, 0x000032bcc15ea4ef)),
        ),
        (
            "0x1f9ebdacc1963c539p-16486",
            Some((0x0000, 0x0000000000fcf5ed)),
        ),
    ];

    #[test]
    fn parses_to_glibc_bits() {
        for &(text, expected) in GLIBC_STRTOLD_BITS {
            let got = parse(text.as_bytes()).map(|v| v.to_x87_bits());
            assert_eq!(got, expected, "strtold({text:?})");
        }
    }

    /// SplitMix64, for reproducible random cases.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(crate::util::SPLITMIX_GAMMA);
            crate::util::splitmix64_mix(self.0)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        /// A random finite double, every exponent equally likely.
        fn f64(&mut self) -> f64 {
            loop {
                let x = f64::from_bits(self.next());
                if x.is_finite() {
                    return x;
                }
            }
        }
    }

    /// The exact decimal expansion of `n * 2^exponent`.
    fn exact_decimal(mut n: Big, exponent: i64) -> String {
        if exponent >= 0 {
            n.shl(exponent as u64);
            return n.to_decimal();
        }
        // n / 2^k = n * 5^k / 10^k
        let k = exponent.unsigned_abs() as usize;
        for _ in 0..k {
            n.mul_add_small(5, 0);
        }
        let digits = format!("{:0>width$}", n.to_decimal(), width = k + 1);
        let (int, frac) = digits.split_at(digits.len() - k);
        format!("{int}.{frac}")
    }

    /// A normal long double from its parts.
    fn normal(negative: bool, mantissa: u64, exponent: i32) -> LongDouble {
        assert!(mantissa >> 63 == 1);
        LongDouble {
            negative,
            class: Class::Finite,
            mantissa,
            exponent,
        }
    }

    fn next_up(v: LongDouble) -> LongDouble {
        match v.mantissa.checked_add(1) {
            Some(m) => normal(v.negative, m, v.exponent),
            None => normal(v.negative, 1 << 63, v.exponent + 1),
        }
    }

    /// Rust prints doubles exactly when asked for enough digits.
    #[test]
    fn exact_decimals_of_doubles_parse_exactly() {
        let mut rng = Rng(1);
        for _ in 0..2000 {
            let x = rng.f64();
            let text = format!("{x:.1100e}");
            assert_eq!(
                parse(text.as_bytes()),
                Some(LongDouble::from_f64(x)),
                "{text}"
            );
            assert_eq!(LongDouble::from_f64(x).to_f64().to_bits(), x.to_bits());
        }
    }

    /// Rust's `{:.17}` is exact and rounds ties to even, as glibc's `%.17Lf` does.
    #[test]
    fn fixed17_of_doubles_matches_rust() {
        let mut rng = Rng(3);
        for i in 0..3000 {
            let x = match i % 3 {
                0 => rng.f64(),
                // Small magnitudes, where the 17 fractional digits matter; and ties.
                1 => (rng.next() >> 11) as f64 * 2f64.powi(-(rng.below(80) as i32)),
                _ => (rng.below(1 << 24) as f64 + 0.5) * 2f64.powi(-(rng.below(20) as i32)),
            };
            let x = if rng.next() & 1 == 1 { -x } else { x };
            assert_eq!(LongDouble::from_f64(x).format_fixed17(), format!("{x:.17}"));
        }
    }

    /// Parsing rounds to nearest, ties to even, however far the deciding digit is.
    #[test]
    fn decimal_midpoints_round_to_even() {
        let mut rng = Rng(2);
        for _ in 0..1500 {
            let mantissa = rng.next() | 1 << 63;
            let exponent = -(rng.below(300) as i32);
            let value = normal(false, mantissa, exponent);
            let up = next_up(value);
            // (2m + 1) * 2^(e-1): exactly halfway to the next long double; ends in 5.
            let mut twice = Big::from_u64(mantissa);
            twice.shl(1);
            twice.mul_add_small(1, 1);
            let half = exact_decimal(twice, exponent as i64 - 1);
            let even = if mantissa & 1 == 0 { value } else { up };
            assert_eq!(parse(half.as_bytes()), Some(even), "{half}");
            let above = format!("{half}{}1", "0".repeat(rng.below(3000) as usize));
            assert_eq!(parse(above.as_bytes()), Some(up), "{above}");
            let mut below = half.clone().into_bytes();
            *below.last_mut().unwrap() -= 1;
            below.extend(std::iter::repeat_n(b'9', rng.below(3000) as usize));
            assert_eq!(parse(&below), Some(value));
            let exact = exact_decimal(Big::from_u64(mantissa), exponent as i64);
            assert_eq!(parse(exact.as_bytes()), Some(value), "{exact}");
            let negative = format!("-{exact}e0");
            assert_eq!(
                parse(negative.as_bytes()),
                Some(normal(true, mantissa, exponent))
            );
            let hex = format!("0x{mantissa:X}p{exponent}");
            assert_eq!(parse(hex.as_bytes()), Some(value), "{hex}");
        }
    }

    /// Large values: the exact integer parses to itself; a hair above the midpoint rounds up.
    #[test]
    fn large_integers_round_correctly() {
        let mut rng = Rng(4);
        for _ in 0..200 {
            let mantissa = rng.next() | 1 << 63;
            let exponent = rng.below(16320 - 63) as i32;
            let value = normal(false, mantissa, exponent);
            let exact = exact_decimal(Big::from_u64(mantissa), exponent as i64);
            assert_eq!(parse(exact.as_bytes()), Some(value));
            assert_eq!(value.format_human(), exact);
            let mut twice = Big::from_u64(mantissa);
            twice.shl(1);
            twice.mul_add_small(1, 1);
            let above = format!("{}.001", exact_decimal(twice, exponent as i64 - 1));
            assert_eq!(parse(above.as_bytes()), Some(next_up(value)));
        }
    }

    /// Sums of doubles less than 11 binades apart fit in 64 bits: the long double sum is
    /// exact, so rounding it to a double gives the double sum.
    #[test]
    fn close_double_sums_are_exact() {
        let mut rng = Rng(5);
        for _ in 0..3000 {
            let x = rng.f64();
            let scale = 2f64.powi(rng.below(21) as i32 - 10);
            let y = (rng.f64() % 2.0) * scale * x.abs().max(f64::MIN_POSITIVE);
            let y = if y.is_finite() && y != 0.0 { y } else { -x };
            let (a, b) = (LongDouble::from_f64(x), LongDouble::from_f64(y));
            let sum = a + b;
            assert_eq!(sum, b + a);
            if x.abs().log2() - y.abs().log2() < 10.0 && y.abs().log2() - x.abs().log2() < 10.0 {
                assert_eq!(sum.to_f64().to_bits(), (x + y).to_bits(), "{x:e} + {y:e}");
            }
            let zero = a + LongDouble::from_f64(-x);
            assert_eq!(zero, LongDouble::ZERO, "x + -x is +0");
            assert_eq!(a + LongDouble::ZERO, a);
        }
    }

    #[test]
    fn integers_are_exact() {
        let mut rng = Rng(6);
        for i in [0, 1, -1, i64::MAX, i64::MIN, 1 << 53, (1 << 53) + 1] {
            assert_eq!(LongDouble::from_i64(i).format_human(), i.to_string());
            assert_eq!(
                parse(i.to_string().as_bytes()),
                Some(LongDouble::from_i64(i))
            );
        }
        for _ in 0..2000 {
            let i = rng.next() as i64 >> rng.below(64);
            let j = rng.next() as i64 >> rng.below(64);
            let sum = LongDouble::from_i64(i) + LongDouble::from_i64(j);
            let exact = i as i128 + j as i128;
            // 65-bit sums may round; below 2^64 in magnitude they are exact.
            if exact.unsigned_abs() < 1 << 64 {
                assert_eq!(sum.format_human(), exact.to_string());
            }
        }
    }

    #[test]
    fn specials() {
        let inf = LongDouble::INFINITY;
        let ninf = LongDouble::NEG_INFINITY;
        assert_eq!(parse(b"-Infinity"), Some(ninf));
        assert!(!(inf + ninf).is_finite() && (inf + ninf).is_nan());
        assert_eq!(inf + LongDouble::from_i64(-5), inf);
        assert_eq!(inf.format_human(), "inf");
        assert_eq!(ninf.format_human(), "-inf");
        let neg_zero = parse(b"-0").unwrap();
        assert!(neg_zero.is_zero() && neg_zero.is_sign_negative());
        assert_eq!((neg_zero + neg_zero).to_x87_bits(), (0x8000, 0));
        assert_eq!(neg_zero + LongDouble::ZERO, LongDouble::ZERO);
        assert_eq!(neg_zero.format_fixed17(), "-0.00000000000000000");
        assert_eq!(neg_zero.format_human(), "0");
        assert_eq!(parse(b"-1e-30").unwrap().format_human(), "0");
        // Absurd exponents saturate instead of allocating.
        let nines = "9".repeat(5000);
        assert_eq!(parse(format!("1e{nines}").as_bytes()), None);
        assert_eq!(parse(format!("1e-{nines}").as_bytes()), None);
        assert_eq!(parse(format!("0x1p-{nines}").as_bytes()), None);
        assert_eq!(
            parse(format!("0e{nines}").as_bytes()),
            Some(LongDouble::ZERO)
        );
        assert_eq!(
            parse(format!("0x0p{nines}").as_bytes()),
            Some(LongDouble::ZERO)
        );
        // Largest and smallest finite values.
        let max = parse(b"0x1.fffffffffffffffep16383").unwrap();
        assert_eq!(max.to_x87_bits(), (0x7ffe, u64::MAX));
        assert_eq!(max.format_human().len(), 4933);
        assert!(!(max + parse(b"0x1p16319").unwrap()).is_finite());
        assert_eq!(max + parse(b"0x1p16318").unwrap(), max);
        let min = parse(b"0x1p-16445").unwrap();
        assert_eq!((min + min).to_x87_bits(), (0, 2));
        assert_eq!(min.to_f64(), 0.0);
    }
}
