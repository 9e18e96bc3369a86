//! C's number text conversions as the bundled libraries use them: `%.Ng` formatting and
//! `strtod` prefix parsing (C locale), written here so results match Redis's byte for byte.

/// `printf("%.{precision}g", n)` for a finite `n`.
pub fn format_g(n: f64, precision: usize) -> String {
    let precision = precision.max(1);
    if n == 0.0 {
        return if n.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    if n.is_nan() {
        return if n.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    if n.is_infinite() {
        return if n < 0.0 { "-inf".into() } else { "inf".into() };
    }
    // Round to `precision` significant digits first: the exponent is the rounded one's.
    let sci = format!("{:.*e}", precision - 1, n);
    let (mantissa, exponent) = sci.split_once('e').expect("exponent present");
    let exponent: i32 = exponent.parse().expect("exponent is a number");
    if exponent < -4 || exponent >= precision as i32 {
        let mantissa = strip_zeros(mantissa);
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
    } else {
        let decimals = (precision as i32 - 1 - exponent).max(0) as usize;
        strip_zeros(&format!("{n:.decimals$}")).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// `strtod` on the front of `text`: the value and how many bytes it used, or `None` when no
/// number starts there. Accepts what glibc does: sign, decimal with exponent, `0x` hex with
/// `p` exponent, `inf`/`infinity`, `nan`/`nan(...)`.
pub fn strtod(text: &[u8]) -> Option<(f64, usize)> {
    let mut i = 0;
    while text
        .get(i)
        .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
    {
        i += 1;
    }
    let negative = match text.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let sign = if negative { -1.0 } else { 1.0 };
    let rest = &text[i..];
    let starts = |w: &[u8]| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w);
    if starts(b"infinity") {
        return Some((sign * f64::INFINITY, i + 8));
    }
    if starts(b"inf") {
        return Some((sign * f64::INFINITY, i + 3));
    }
    if starts(b"nan") {
        let mut used = i + 3;
        if text.get(used) == Some(&b'(') {
            let close = text[used..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'('));
            if let Some(k) = close
                && text[used + k] == b')'
            {
                used += k + 1;
            }
        }
        return Some((sign * f64::NAN, used));
    }
    if rest.len() >= 3 && rest[0] == b'0' && (rest[1] | 0x20) == b'x' {
        if let Some((v, used)) = hex(&rest[2..]) {
            return Some((sign * v, i + 2 + used));
        }
        return Some((sign * 0.0, i + 1));
    }
    let mut j = 0;
    let digits = |from: usize| {
        rest[from..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let int_digits = digits(0);
    j += int_digits;
    let mut frac_digits = 0;
    if rest.get(j) == Some(&b'.') {
        frac_digits = digits(j + 1);
        if int_digits + frac_digits > 0 {
            j += 1 + frac_digits;
        }
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    if matches!(rest.get(j), Some(b'e' | b'E')) {
        let mut k = j + 1;
        if matches!(rest.get(k), Some(b'+' | b'-')) {
            k += 1;
        }
        let exp_digits = digits(k);
        if exp_digits > 0 {
            j = k + exp_digits;
        }
    }
    let literal = std::str::from_utf8(&rest[..j]).ok()?;
    let literal = if literal.starts_with('.') {
        format!("0{literal}")
    } else {
        literal.to_string()
    };
    let literal = literal.strip_suffix('.').unwrap_or(&literal);
    let v: f64 = literal.parse().ok()?;
    Some((sign * v, i + j))
}

/// Hex digits with an optional fraction and `p` exponent, after `0x`.
fn hex(text: &[u8]) -> Option<(f64, usize)> {
    let mut value = 0.0f64;
    let mut j = 0;
    let mut seen = false;
    while let Some(d) = text.get(j).and_then(|c| (*c as char).to_digit(16)) {
        value = value * 16.0 + d as f64;
        j += 1;
        seen = true;
    }
    if text.get(j) == Some(&b'.') {
        let mut scale = 1.0 / 16.0;
        let mut k = j + 1;
        let mut frac = false;
        while let Some(d) = text.get(k).and_then(|c| (*c as char).to_digit(16)) {
            value += d as f64 * scale;
            scale /= 16.0;
            k += 1;
            frac = true;
        }
        if seen || frac {
            j = k;
            seen = true;
        }
    }
    if !seen {
        return None;
    }
    if matches!(text.get(j), Some(b'p' | b'P')) {
        let mut k = j + 1;
        let negative = match text.get(k) {
            Some(b'-') => {
                k += 1;
                true
            }
            Some(b'+') => {
                k += 1;
                false
            }
            _ => false,
        };
        let start = k;
        let mut exp: i32 = 0;
        while let Some(d) = text.get(k).filter(|c| c.is_ascii_digit()) {
            exp = exp.saturating_mul(10).saturating_add((d - b'0') as i32);
            k += 1;
        }
        if k > start {
            value *= 2f64.powi(if negative { -exp } else { exp });
            j = k;
        }
    }
    Some((value, j))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_format_matches_printf() {
        assert_eq!(format_g(1e15, 14), "1e+15");
        assert_eq!(format_g(0.1, 14), "0.1");
        assert_eq!(format_g(123456789012345678.0, 14), "1.2345678901235e+17");
        assert_eq!(format_g(-0.0, 14), "-0");
        assert_eq!(format_g(100000000000000.0, 14), "1e+14");
        assert_eq!(format_g(10000000000000.0, 14), "10000000000000");
        assert_eq!(format_g(0.0001, 14), "0.0001");
        assert_eq!(format_g(0.00001, 14), "1e-05");
        assert_eq!(format_g(1.23456, 3), "1.23");
        assert_eq!(format_g(1.0 / 3.0, 14), "0.33333333333333");
    }

    #[test]
    fn strtod_prefixes() {
        assert_eq!(strtod(b"1.5e3x"), Some((1500.0, 5)));
        assert_eq!(strtod(b"1."), Some((1.0, 2)));
        assert_eq!(strtod(b"1e"), Some((1.0, 1)));
        assert_eq!(strtod(b"-"), None);
        assert_eq!(strtod(b"0x10,"), Some((16.0, 4)));
        assert_eq!(strtod(b"0x"), Some((0.0, 1)));
        assert_eq!(strtod(b"-inf]"), Some((f64::NEG_INFINITY, 4)));
        assert_eq!(strtod(b".5"), Some((0.5, 2)));
        assert!(strtod(b"nan").is_some_and(|(v, n)| v.is_nan() && n == 3));
    }
}
