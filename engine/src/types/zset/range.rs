//! Score and lexicographic ranges of a sorted set, and the number parsing Redis applies to
//! scores and bounds, which is C's `strtod` (so `0x10`, `infinity`, ` 1` as a bound and the
//! empty bound `""` are what Redis says they are).

use std::cmp::Ordering;

/// `min` and `max` of a score range, each inclusive or exclusive (`(1.5`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreRange {
    pub min: f64,
    pub max: f64,
    pub min_exclusive: bool,
    pub max_exclusive: bool,
}

impl ScoreRange {
    /// Redis's `zslParseRange`: `None` is "ERR min or max is not a float".
    pub fn parse(min: &[u8], max: &[u8]) -> Option<ScoreRange> {
        let (min, min_exclusive) = parse_bound(min)?;
        let (max, max_exclusive) = parse_bound(max)?;
        Some(ScoreRange {
            min,
            max,
            min_exclusive,
            max_exclusive,
        })
    }

    pub fn gte_min(&self, score: f64) -> bool {
        if self.min_exclusive {
            score > self.min
        } else {
            score >= self.min
        }
    }

    pub fn lte_max(&self, score: f64) -> bool {
        if self.max_exclusive {
            score < self.max
        } else {
            score <= self.max
        }
    }

    /// True when no score can be in the range.
    pub fn is_empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.min_exclusive || self.max_exclusive))
    }
}

/// One end of a lexicographic range: `-`, `+`, `[member` or `(member`.
#[derive(Clone, Debug, PartialEq)]
pub enum LexBound {
    /// `-`: below every member.
    Min,
    /// `+`: above every member.
    Max,
    Inclusive(Vec<u8>),
    Exclusive(Vec<u8>),
}

impl LexBound {
    /// Redis's `zslParseLexRangeItem`. Like the C code, `+` and `-` are checked up to a NUL.
    fn parse(item: &[u8]) -> Option<LexBound> {
        let alone = item.len() == 1 || item.get(1) == Some(&0);
        match item.first()? {
            b'+' if alone => Some(LexBound::Max),
            b'-' if alone => Some(LexBound::Min),
            b'(' => Some(LexBound::Exclusive(item[1..].to_vec())),
            b'[' => Some(LexBound::Inclusive(item[1..].to_vec())),
            _ => None,
        }
    }

    /// `-` and `+` count as exclusive, as in Redis (it matters to `is_empty`).
    fn exclusive(&self) -> bool {
        !matches!(self, LexBound::Inclusive(_))
    }

    /// How `member` compares with this bound (Redis's `sdscmplex`).
    fn cmp_member(&self, member: &[u8]) -> Ordering {
        match self {
            LexBound::Min => Ordering::Greater,
            LexBound::Max => Ordering::Less,
            LexBound::Inclusive(b) | LexBound::Exclusive(b) => member.cmp(b),
        }
    }

    fn cmp_bound(&self, other: &LexBound) -> Ordering {
        match (self, other) {
            (LexBound::Min, LexBound::Min) | (LexBound::Max, LexBound::Max) => Ordering::Equal,
            (LexBound::Min, _) | (_, LexBound::Max) => Ordering::Less,
            (LexBound::Max, _) | (_, LexBound::Min) => Ordering::Greater,
            (
                LexBound::Inclusive(a) | LexBound::Exclusive(a),
                LexBound::Inclusive(b) | LexBound::Exclusive(b),
            ) => a.cmp(b),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LexRange {
    pub min: LexBound,
    pub max: LexBound,
}

impl LexRange {
    /// Redis's `zslParseLexRange`: `None` is "ERR min or max not valid string range item".
    pub fn parse(min: &[u8], max: &[u8]) -> Option<LexRange> {
        Some(LexRange {
            min: LexBound::parse(min)?,
            max: LexBound::parse(max)?,
        })
    }

    pub fn gte_min(&self, member: &[u8]) -> bool {
        let cmp = self.min.cmp_member(member);
        if self.min.exclusive() {
            cmp == Ordering::Greater
        } else {
            cmp != Ordering::Less
        }
    }

    pub fn lte_max(&self, member: &[u8]) -> bool {
        let cmp = self.max.cmp_member(member);
        if self.max.exclusive() {
            cmp == Ordering::Less
        } else {
            cmp != Ordering::Greater
        }
    }

    /// True when no member can be in the range.
    pub fn is_empty(&self) -> bool {
        match self.min.cmp_bound(&self.max) {
            Ordering::Greater => true,
            Ordering::Equal => self.min.exclusive() || self.max.exclusive(),
            Ordering::Less => false,
        }
    }
}

/// A score argument as Redis's `getDoubleFromObject` reads it (ZADD, ZINCRBY, WEIGHTS): all
/// of it must be a number to `strtod`, no leading blank, no overflow to infinity or underflow
/// to zero, not NaN. `None` is the caller's "not a valid float" error.
pub fn parse_score(arg: &[u8]) -> Option<f64> {
    if arg.is_empty() || is_c_space(arg[0]) {
        return None;
    }
    let parsed = strtod(arg);
    let range_error = parsed.range_error && (parsed.value.is_infinite() || parsed.value == 0.0);
    if parsed.consumed != arg.len() || range_error || parsed.value.is_nan() {
        return None;
    }
    Some(parsed.value)
}

/// A range bound as `zslParseRange` reads it: `(` for exclusive, then `strtod` up to the
/// first NUL (C strings) with nothing left over. Blanks before the number and the empty
/// string (0) pass, as in Redis.
fn parse_bound(arg: &[u8]) -> Option<(f64, bool)> {
    let (body, exclusive) = match arg.first() {
        Some(b'(') => (&arg[1..], true),
        _ => (arg, false),
    };
    let text = body
        .iter()
        .position(|&b| b == 0)
        .map_or(body, |nul| &body[..nul]);
    let parsed = strtod(text);
    if parsed.consumed != text.len() || parsed.value.is_nan() {
        return None;
    }
    Some((parsed.value, exclusive))
}

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

struct Strtod {
    value: f64,
    /// Bytes consumed; 0 when no number was found (C sets `endptr` to the start then).
    consumed: usize,
    /// C's `errno == ERANGE`: the value overflowed or underflowed.
    range_error: bool,
}

/// C's `strtod` in the C locale, on a string that ends at `s.len()` or its first NUL.
fn strtod(s: &[u8]) -> Strtod {
    let s = s.iter().position(|&b| b == 0).map_or(s, |nul| &s[..nul]);
    let none = Strtod {
        value: 0.0,
        consumed: 0,
        range_error: false,
    };
    let mut pos = s.iter().take_while(|&&b| is_c_space(b)).count();
    let negative = match s.get(pos) {
        Some(b'-') => {
            pos += 1;
            true
        }
        Some(b'+') => {
            pos += 1;
            false
        }
        _ => false,
    };
    let rest = &s[pos..];
    let sign = if negative { -1.0 } else { 1.0 };
    let starts_with =
        |word: &[u8]| rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word);
    if starts_with(b"infinity") || starts_with(b"inf") {
        let len = if starts_with(b"infinity") { 8 } else { 3 };
        return Strtod {
            value: sign * f64::INFINITY,
            consumed: pos + len,
            range_error: false,
        };
    }
    if starts_with(b"nan") {
        let mut len = 3;
        if rest.get(3) == Some(&b'(')
            && let Some(close) = rest[4..].iter().position(|&b| b == b')')
            && rest[4..4 + close]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            len = 4 + close + 1;
        }
        return Strtod {
            value: f64::NAN,
            consumed: pos + len,
            range_error: false,
        };
    }
    let hex_digits = rest.len() > 2
        && rest[0] == b'0'
        && (rest[1] | 0x20) == b'x'
        && (rest[2].is_ascii_hexdigit()
            || (rest[2] == b'.' && rest.get(3).is_some_and(u8::is_ascii_hexdigit)));
    let parsed = if hex_digits {
        hex_float(&rest[2..]).map(|(value, len)| (value, len + 2))
    } else {
        decimal(rest)
    };
    let Some((magnitude, len)) = parsed else {
        return none;
    };
    let value = sign * magnitude.0;
    Strtod {
        value,
        consumed: pos + len,
        range_error: magnitude.1,
    }
}

/// A decimal number at the start of `s`: ((value, range error), bytes).
fn decimal(s: &[u8]) -> Option<((f64, bool), usize)> {
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
    let mantissa_end = len;
    if matches!(s.get(len), Some(b'e' | b'E')) {
        let mut exp = len + 1;
        if matches!(s.get(exp), Some(b'+' | b'-')) {
            exp += 1;
        }
        let exp_digits = s[exp.min(s.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if exp_digits > 0 {
            len = exp + exp_digits;
        }
    }
    let text = std::str::from_utf8(&s[..len]).ok()?;
    let value: f64 = text.parse().ok()?;
    let nonzero_digits = s[..mantissa_end].iter().any(|b| (b'1'..=b'9').contains(b));
    let range_error = value.is_infinite() || (value == 0.0 && nonzero_digits);
    Some(((value, range_error), len))
}

/// The hexadecimal float after `0x` (`1.8p3`): ((value, range error), bytes). Precision is
/// kept to 15 hex digits, far past a double's, with later digits truncated.
fn hex_float(s: &[u8]) -> Option<((f64, bool), usize)> {
    const KEPT_DIGITS_MAX: usize = 15;
    let mut mantissa: u64 = 0;
    let mut kept = 0;
    let mut exp: i64 = 0;
    let mut pos = 0;
    let mut any = false;
    let mut seen_dot = false;
    while pos < s.len() {
        let b = s[pos];
        if b == b'.' && !seen_dot {
            seen_dot = true;
        } else if let Some(d) = (b as char).to_digit(16) {
            any = true;
            if kept < KEPT_DIGITS_MAX && (mantissa != 0 || d != 0) {
                mantissa = mantissa * 16 + u64::from(d);
                kept += 1;
                if seen_dot {
                    exp -= 4;
                }
            } else if mantissa == 0 {
                if seen_dot {
                    exp -= 4;
                }
            } else if !seen_dot {
                exp += 4;
            }
        } else {
            break;
        }
        pos += 1;
    }
    if !any {
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
        if digits > 0 {
            let n = s[p..p + digits].iter().fold(0i64, |n, d| {
                n.saturating_mul(10).saturating_add(i64::from(d - b'0'))
            });
            exp = exp.saturating_add(if negative { -n } else { n });
            pos = p + digits;
        }
    }
    let mut value = mantissa as f64;
    let mut e = exp.clamp(-4000, 4000);
    while e > 1000 {
        value *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        value *= 2f64.powi(-1000);
        e += 1000;
    }
    value *= 2f64.powi(e as i32);
    let range_error = value.is_infinite() || (value == 0.0 && mantissa != 0);
    Some(((value, range_error), pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_parse_as_redis_getdouble_does() {
        for (text, value) in [
            ("1.5", 1.5),
            ("0x10", 16.0),
            ("0x1.8p1", 3.0),
            ("infinity", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("+inf", f64::INFINITY),
            (".5", 0.5),
            ("5.", 5.0),
            ("1e3", 1000.0),
            ("4.9e-324", 4.9e-324),
            ("0e-400", 0.0),
        ] {
            assert_eq!(parse_score(text.as_bytes()), Some(value), "{text}");
        }
        for bad in [
            "", " 1", "1 ", "abc", "nan", "1e400", "-1e400", "1e-400", "1e", "0x", "1\0", "infin",
            "-", ".", "e5",
        ] {
            assert_eq!(parse_score(bad.as_bytes()), None, "{bad:?}");
        }
    }

    #[test]
    fn bounds_parse_as_redis_zslparserange_does() {
        let r = ScoreRange::parse(b"(1", b"+inf").unwrap();
        assert!(r.min_exclusive && !r.max_exclusive && r.max == f64::INFINITY);
        for (min, max) in [
            ("", ""),
            ("(", "("),
            (" 1", " 3"),
            ("1e400", "-1e400"),
            ("1\0x", "2"),
        ] {
            assert!(
                ScoreRange::parse(min.as_bytes(), max.as_bytes()).is_some(),
                "{min:?}"
            );
        }
        assert_eq!(ScoreRange::parse(b"", b"1").unwrap().min, 0.0);
        for bad in ["1 ", "[1", "nan", "a", "  ", "(x"] {
            assert!(ScoreRange::parse(bad.as_bytes(), b"1").is_none(), "{bad:?}");
        }
        let r = ScoreRange::parse(b"(1", b"(1").unwrap();
        assert!(r.is_empty());
        assert!(ScoreRange::parse(b"2", b"1").unwrap().is_empty());
        assert!(!ScoreRange::parse(b"1", b"1").unwrap().is_empty());
    }

    #[test]
    fn lex_ranges_follow_sdscmplex() {
        assert!(LexRange::parse(b"a", b"+").is_none());
        assert!(LexRange::parse(b"", b"+").is_none());
        assert!(LexRange::parse(b"+b", b"+").is_none());
        assert!(LexRange::parse(b"+\0b", b"+").is_some());
        let all = LexRange::parse(b"-", b"+").unwrap();
        assert!(all.gte_min(b"") && all.lte_max(b"\xff"));
        assert!(LexRange::parse(b"-", b"-").unwrap().is_empty());
        assert!(LexRange::parse(b"+", b"+").unwrap().is_empty());
        assert!(LexRange::parse(b"+", b"-").unwrap().is_empty());
        assert!(LexRange::parse(b"[b", b"(b").unwrap().is_empty());
        assert!(!LexRange::parse(b"[b", b"[b").unwrap().is_empty());
        let r = LexRange::parse(b"(a", b"[c").unwrap();
        assert!(!r.gte_min(b"a") && r.gte_min(b"aa") && r.lte_max(b"c") && !r.lte_max(b"ca"));
        let open = LexRange::parse(b"[", b"+").unwrap();
        assert!(open.gte_min(b""));
    }
}
