//! How SORT orders its elements, exactly as Redis 7.0 does: the numeric weight of a string
//! (C's `strtod`, with its range errors), `sortCompare`, and the partial quicksort Redis uses
//! for a BY pattern with LIMIT (`pqsort.c`, a Bentley–McIlroy quicksort that only recurses
//! into partitions overlapping the requested range). The partial sort is not stable, so the
//! order it leaves equal elements in is observable; it is reproduced step for step.

use std::cmp::Ordering;

use crate::ldouble::{self, LongDouble};

/// One element being sorted, with what it is sorted by.
#[derive(Debug)]
pub(super) struct Item {
    pub elem: Box<[u8]>,
    /// The numeric weight (0 when a BY key is missing).
    pub score: f64,
    /// The ALPHA weight read through a BY pattern (`None` when missing).
    pub by: Option<Box<[u8]>>,
}

impl Item {
    pub fn new(elem: Vec<u8>) -> Item {
        Item {
            elem: elem.into_boxed_slice(),
            score: 0.0,
            by: None,
        }
    }
}

/// The flags `sortCompare` reads.
pub(super) struct How {
    pub desc: bool,
    pub alpha: bool,
    pub by_pattern: bool,
    /// With STORE, strings compare as bytes; without, by the C locale's `strcoll`.
    pub store: bool,
}

impl How {
    /// Redis's `sortCompare`.
    pub fn compare(&self, a: &Item, b: &Item) -> Ordering {
        let cmp = if !self.alpha {
            match a.score.partial_cmp(&b.score) {
                // Equal scores fall back to the bytes, so the order is fully determined.
                Some(Ordering::Equal) | None => a.elem.cmp(&b.elem),
                Some(order) => order,
            }
        } else if self.by_pattern {
            match (&a.by, &b.by) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(x), Some(y)) => self.compare_strings(x, y),
            }
        } else {
            self.compare_strings(&a.elem, &b.elem)
        };
        if self.desc { cmp.reverse() } else { cmp }
    }

    fn compare_strings(&self, a: &[u8], b: &[u8]) -> Ordering {
        if self.store {
            a.cmp(b)
        } else {
            // strcoll in the C locale is strcmp: bytes as unsigned, up to the first NUL.
            super::c_str(a).cmp(super::c_str(b))
        }
    }
}

/// The numeric weight of a string as SORT computes it: C's `strtod` over the string up to its
/// first NUL, which must consume all of it (so the empty string is 0, and a leading blank is
/// allowed but a trailing one is not), and which must not be NaN nor set `ERANGE` (overflow,
/// or a result that underflowed: zero or subnormal, and inexact). `None` is Redis's "can't be
/// converted into double".
pub(super) fn score(text: &[u8]) -> Option<f64> {
    let text = super::c_str(text);
    if text.is_empty() {
        return Some(0.0);
    }
    let blanks = text.iter().take_while(|&&b| is_c_space(b)).count();
    let number = &text[blanks..];
    let (negative, body) = match number.first() {
        Some(b'-') => (true, &number[1..]),
        Some(b'+') => (false, &number[1..]),
        _ => (false, number),
    };
    let magnitude = if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        f64::INFINITY
    } else if let [b'0', b'x' | b'X', hex @ ..] = body {
        hex_magnitude(hex)?
    } else {
        decimal_magnitude(body)?
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// C's `isspace` in the C locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `digits[.digits][e[+-]digits]` (at least one mantissa digit), all of `s`, correctly rounded;
/// `None` on anything else and on `ERANGE`.
fn decimal_magnitude(s: &[u8]) -> Option<f64> {
    let int_digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut len = int_digits;
    let mut frac_digits = 0;
    if s.get(len) == Some(&b'.') {
        frac_digits = s[len + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        len += 1 + frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    if matches!(s.get(len), Some(b'e' | b'E')) {
        let mut exp = len + 1;
        if matches!(s.get(exp), Some(b'+' | b'-')) {
            exp += 1;
        }
        let exp_digits = s[exp.min(s.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        // strtod leaves an `e` without digits unconsumed: trailing garbage.
        if exp_digits == 0 {
            return None;
        }
        len = exp + exp_digits;
    }
    if len != s.len() {
        return None;
    }
    // Only ASCII digits, signs, dots and `e` reach here.
    let value: f64 = std::str::from_utf8(s).ok()?.parse().ok()?;
    if value.is_infinite() {
        return None;
    }
    if value < f64::MIN_POSITIVE {
        let nonzero = s.iter().any(|b| (b'1'..=b'9').contains(b));
        // A tiny result is a range error unless it is exact. The text is exact in a double
        // only if it is exact in the wider `long double` and that value is this double (an
        // input beyond 64 significant bits that rounds onto a double in both formats is
        // taken as exact: a corner of a corner).
        if nonzero && !ldouble::parse(s).is_some_and(|ld| LongDouble::from_f64(value) == ld) {
            return None;
        }
    }
    Some(value)
}

/// `hexdigits[.hexdigits][p[+-]digits]` after `0x` (at least one hex digit), all of `s`,
/// correctly rounded; `None` on anything else and on `ERANGE`.
fn hex_magnitude(s: &[u8]) -> Option<f64> {
    // 120 significant bits kept exactly, later nonzero digits as a sticky bit.
    const KEPT_BITS: u32 = 120;
    let mut mantissa: u128 = 0;
    let mut sticky = false;
    let mut exp2: i64 = 0;
    let mut any_digit = false;
    let mut seen_dot = false;
    let mut pos = 0;
    while pos < s.len() {
        let b = s[pos];
        if b == b'.' && !seen_dot {
            seen_dot = true;
        } else if let Some(d) = (b as char).to_digit(16) {
            any_digit = true;
            if mantissa >> (KEPT_BITS - 4) == 0 {
                mantissa = mantissa << 4 | u128::from(d);
                if seen_dot {
                    exp2 -= 4;
                }
            } else {
                sticky |= d != 0;
                if !seen_dot {
                    exp2 += 4;
                }
            }
        } else {
            break;
        }
        pos += 1;
    }
    if !any_digit {
        return None;
    }
    if matches!(s.get(pos), Some(b'p' | b'P')) {
        let mut p = pos + 1;
        let negative = s.get(p) == Some(&b'-');
        if matches!(s.get(p), Some(b'+' | b'-')) {
            p += 1;
        }
        let digits = s[p.min(s.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            return None;
        }
        let n = s[p..p + digits].iter().fold(0i64, |n, d| {
            n.saturating_mul(10)
                .saturating_add(i64::from(d - b'0'))
                .min(1 << 40)
        });
        exp2 = exp2.saturating_add(if negative { -n } else { n });
        pos = p + digits;
    }
    if pos != s.len() {
        return None;
    }
    if mantissa == 0 {
        return Some(0.0);
    }
    round_binary64(mantissa, sticky, exp2)
}

/// `q * 2^e` (plus a sticky fraction below `q`'s last bit) rounded to the nearest double,
/// ties to even; `None` when that overflows or is tiny and inexact (C's `ERANGE`).
fn round_binary64(q: u128, sticky: bool, e: i64) -> Option<f64> {
    const MIN_LSB: i64 = -1074;
    let bits = 128 - i64::from(q.leading_zeros());
    let top = e + bits - 1;
    if top > 1023 {
        return None;
    }
    let lsb = (top - 52).max(MIN_LSB);
    let shift = lsb - e;
    let (mut mantissa, inexact) = if shift <= 0 {
        (q << (-shift) as u32, sticky)
    } else if shift >= 128 {
        (0, true)
    } else {
        let kept = q >> shift as u32;
        let rest = q & ((1u128 << shift as u32) - 1);
        let half = 1u128 << (shift as u32 - 1);
        let up = rest > half || (rest == half && (sticky || kept & 1 == 1));
        (kept + u128::from(up), rest != 0 || sticky)
    };
    let mut lsb = lsb;
    if mantissa >> 53 != 0 {
        mantissa >>= 1;
        lsb += 1;
    }
    let tiny = mantissa >> 52 == 0;
    if inexact && tiny {
        return None;
    }
    let value = if tiny {
        f64::from_bits(mantissa as u64)
    } else {
        let biased = lsb + 52 + 1023;
        if biased >= 0x7ff {
            return None;
        }
        f64::from_bits((biased as u64) << 52 | (mantissa as u64 & ((1 << 52) - 1)))
    };
    Some(value)
}

/// Redis's `pqsort(v, n, cmp, start, end)`: sorts enough of `v` that positions
/// `start..=end` hold what a full sort would put there, leaving equal elements where
/// Bentley–McIlroy partitioning leaves them. Redis 7.0's version has no "no swaps: finish by
/// insertion sort" shortcut (later versions added one, which orders ties differently).
pub(super) fn partial_sort<T>(
    v: &mut [T],
    start: i64,
    end: i64,
    cmp: &mut impl FnMut(&T, &T) -> Ordering,
) {
    partial_sort_from(v, 0, v.len(), start, end, cmp);
}

/// True unless the range lies wholly before or wholly after `lo..lo + n` (Redis's pointer
/// test, in element indexes).
fn overlaps(lo: usize, n: usize, start: i64, end: i64) -> bool {
    let (lo, hi) = (lo as i64, (lo + n) as i64);
    !((start < lo && end < lo) || (start >= hi && end >= hi))
}

fn insertion_sort<T>(v: &mut [T], a: usize, n: usize, cmp: &mut impl FnMut(&T, &T) -> Ordering) {
    for m in a + 1..a + n {
        let mut l = m;
        while l > a && cmp(&v[l - 1], &v[l]) == Ordering::Greater {
            v.swap(l, l - 1);
            l -= 1;
        }
    }
}

/// The median of three positions, with exactly the comparisons Redis makes.
fn median3<T>(
    v: &[T],
    a: usize,
    b: usize,
    c: usize,
    cmp: &mut impl FnMut(&T, &T) -> Ordering,
) -> usize {
    if cmp(&v[a], &v[b]) == Ordering::Less {
        if cmp(&v[b], &v[c]) == Ordering::Less {
            b
        } else if cmp(&v[a], &v[c]) == Ordering::Less {
            c
        } else {
            a
        }
    } else if cmp(&v[b], &v[c]) == Ordering::Greater {
        b
    } else if cmp(&v[a], &v[c]) == Ordering::Less {
        a
    } else {
        c
    }
}

/// Swaps `v[a..a + n]` with `v[b..b + n]` (disjoint).
fn swap_runs<T>(v: &mut [T], a: usize, b: usize, n: usize) {
    for i in 0..n {
        v.swap(a + i, b + i);
    }
}

fn partial_sort_from<T>(
    v: &mut [T],
    mut a: usize,
    mut n: usize,
    start: i64,
    end: i64,
    cmp: &mut impl FnMut(&T, &T) -> Ordering,
) {
    // Small partitions sort by insertion; larger ones pick a pivot (median of three, or a
    // ninther past 40 elements), partition into [= | < | unknown | > | =], swap the equal
    // runs to the middle, recurse into the left part and loop on the right.
    loop {
        if n < 7 {
            insertion_sort(v, a, n, cmp);
            return;
        }
        let mut m = a + n / 2;
        if n > 7 {
            let mut l = a;
            let mut r = a + n - 1;
            if n > 40 {
                let d = n / 8;
                l = median3(v, l, l + d, l + 2 * d, cmp);
                m = median3(v, m - d, m, m + d, cmp);
                r = median3(v, r - 2 * d, r - d, r, cmp);
            }
            m = median3(v, l, m, r, cmp);
        }
        v.swap(a, m);
        let (mut pa, mut pb) = (a + 1, a + 1);
        let (mut pc, mut pd) = (a + n - 1, a + n - 1);
        loop {
            while pb <= pc {
                let c = cmp(&v[pb], &v[a]);
                if c == Ordering::Greater {
                    break;
                }
                if c == Ordering::Equal {
                    v.swap(pa, pb);
                    pa += 1;
                }
                pb += 1;
            }
            while pb <= pc {
                let c = cmp(&v[pc], &v[a]);
                if c == Ordering::Less {
                    break;
                }
                if c == Ordering::Equal {
                    v.swap(pc, pd);
                    pd -= 1;
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            v.swap(pb, pc);
            pb += 1;
            pc -= 1;
        }
        let pn = a + n;
        let r = (pa - a).min(pb - pa);
        swap_runs(v, a, pb - r, r);
        let r = (pd - pc).min(pn - pd - 1);
        swap_runs(v, pb, pn - r, r);
        let left = pb - pa;
        if left > 1 && overlaps(a, left, start, end) {
            partial_sort_from(v, a, left, start, end, cmp);
        }
        let right = pd - pc;
        if right <= 1 {
            return;
        }
        a = pn - right;
        n = right;
        if !overlaps(a, n, start, end) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_parse_as_strtod_with_range_errors() {
        for (text, value) in [
            (&b""[..], 0.0),
            (b"1.5", 1.5),
            (b" 5", 5.0),
            (b"\t\n\x0b7", 7.0),
            (b"5.", 5.0),
            (b".5", 0.5),
            (b"1e2", 100.0),
            (b"0x10", 16.0),
            (b"0x1p-2", 0.25),
            (b"0X.8P1", 1.0),
            (b"-inf", f64::NEG_INFINITY),
            (b"Infinity", f64::INFINITY),
            (b"1\0zz", 1.0),
            (b"\0abc", 0.0),
            (b"-0", -0.0),
            (b"0e-400", 0.0),
            (b"2.2250738585072014e-308", f64::MIN_POSITIVE),
            (b"0x1p-1070", f64::from_bits(16)),
            (b"0x1p-1074", f64::from_bits(1)),
            (b"0x1.fffffffffffff8p0", 2.0),
            (b"0x1.fffffffffffff7p0", 2.0 - f64::EPSILON),
            (b"0x1.00000000000008p0", 1.0),
            (b"0x1.00000000000018p0", 1.0 + 2.0 * f64::EPSILON),
        ] {
            let got = score(text).unwrap_or_else(|| panic!("{text:?} refused"));
            assert_eq!(got.to_bits(), value.to_bits(), "{text:?}");
        }
        for bad in [
            &b"5 "[..],
            b" ",
            b"+",
            b".",
            b"1e",
            b"1e+",
            b"0x",
            b"0xg",
            b"0x1p",
            b"nan",
            b"-nan(1)",
            b"infx",
            b"abc",
            b"1e400",
            b"1e-400",
            b"1e-310",
            b"4.9e-324",
            b"2.2250738585072011e-308",
            b"0x1p1024",
            b"0x1.8p-1074",
            b"0x1p-1080",
        ] {
            assert_eq!(score(bad), None, "{bad:?}");
        }
    }

    /// Sorting with `partial_sort` puts the right elements in the requested range, for every
    /// range of small arrays with many ties and of a larger one.
    #[test]
    fn partial_sort_orders_the_requested_range() {
        let mut seed = 0x1234_5678_u64;
        let mut next = || {
            seed = crate::util::splitmix64_mix(seed.wrapping_add(crate::util::SPLITMIX_GAMMA));
            seed
        };
        for n in [0usize, 1, 5, 7, 8, 12, 41, 100, 300] {
            let v: Vec<(u64, usize)> = (0..n).map(|i| (next() % 10, i)).collect();
            let mut sorted = v.clone();
            sorted.sort_by_key(|e| e.0);
            for _ in 0..20 {
                let start = (next() % (n as u64 + 1)) as i64;
                let end = (start + (next() % 5) as i64).min(n as i64 - 1);
                let mut w = v.clone();
                partial_sort(&mut w, start, end, &mut |a, b| a.0.cmp(&b.0));
                for i in start..=end {
                    assert_eq!(
                        w[i as usize].0, sorted[i as usize].0,
                        "n={n} {start}..={end}"
                    );
                }
                let mut ids: Vec<usize> = w.iter().map(|e| e.1).collect();
                ids.sort_unstable();
                assert_eq!(ids, (0..n).collect::<Vec<_>>(), "a permutation");
            }
            let mut full = v.clone();
            partial_sort(&mut full, 0, n as i64 - 1, &mut |a, b| a.0.cmp(&b.0));
            assert!(full.windows(2).all(|w| w[0].0 <= w[1].0));
        }
    }
}
