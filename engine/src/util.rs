//! Number parsing and formatting exactly as Redis does it, plus small helpers shared by commands.

/// Formats a double like C's `%.17g` (what Redis 7.0 sends for doubles and scores), with
/// `inf`, `-inf` and `nan` spelled as Redis spells them.
pub fn format_double(value: f64) -> String {
    if value.is_nan() {
        return "nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    const PRECISION: i32 = 17;
    // `{:.16e}` rounds to 17 significant digits, exactly what %g decides its form from.
    let sci = format!("{:.*e}", (PRECISION - 1) as usize, value);
    let (mantissa, exponent) = sci
        .split_once('e')
        .expect("scientific format has an exponent");
    let exponent: i32 = exponent.parse().expect("exponent is an integer");
    if !(-4..PRECISION).contains(&exponent) {
        let mantissa = trim_fraction_zeros(mantissa);
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    } else {
        let decimals = (PRECISION - 1 - exponent).max(0) as usize;
        trim_fraction_zeros(&format!("{value:.decimals$}")).to_string()
    }
}

fn trim_fraction_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Parses a float argument like Redis's `string2ld`/`strtold` checks: no blanks, no trailing
/// garbage, not NaN. Accepts `inf`/`-inf`/`+inf` and exponents.
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    if s.is_empty() || s.len() > 5 * 1024 || s[0].is_ascii_whitespace() {
        return None;
    }
    let text = std::str::from_utf8(s).ok()?;
    let lower = text.to_ascii_lowercase();
    let value = match lower.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => f64::INFINITY,
        "-inf" | "-infinity" => f64::NEG_INFINITY,
        _ => {
            // Rust accepts "inf"/"nan" spellings handled above and rejects hex floats; both
            // differences from strtold are in rarely used corners.
            if lower.contains("inf") || lower.contains("nan") {
                return None;
            }
            text.parse::<f64>().ok()?
        }
    };
    if value.is_nan() { None } else { Some(value) }
}

/// A decimal number held exactly as `mantissa / 10^scale`, for INCRBYFLOAT.
///
/// Redis adds in `long double` (64-bit mantissa) and prints with `%.17Lf`, so that
/// `0.1 + 0.2` is `0.3`, not `0.30000000000000004`. Exact decimal arithmetic gives the same
/// text for every operand a human writes; operands too long for it fall back to `f64`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Decimal {
    mantissa: i128,
    scale: u32,
}

const DECIMAL_DIGITS_MAX: usize = 36;
const INCRBYFLOAT_FRACTION_DIGITS: u32 = 17;

fn parse_decimal(s: &[u8]) -> Option<Decimal> {
    let (negative, body) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (int_part, frac_part) = match body.iter().position(|&b| b == b'.') {
        Some(dot) => (&body[..dot], &body[dot + 1..]),
        None => (body, &body[..0]),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if int_part.len() + frac_part.len() > DECIMAL_DIGITS_MAX {
        return None;
    }
    let mut mantissa: i128 = 0;
    for &d in int_part.iter().chain(frac_part) {
        if !d.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa * 10 + (d - b'0') as i128;
    }
    Some(Decimal {
        mantissa: if negative { -mantissa } else { mantissa },
        scale: frac_part.len() as u32,
    })
}

fn add_decimals(a: Decimal, b: Decimal) -> Option<Decimal> {
    let scale = a.scale.max(b.scale);
    let lift = |d: Decimal| d.mantissa.checked_mul(10i128.checked_pow(scale - d.scale)?);
    let mut sum = Decimal {
        mantissa: lift(a)?.checked_add(lift(b)?)?,
        scale,
    };
    if sum.scale > INCRBYFLOAT_FRACTION_DIGITS {
        // Round half away from zero to 17 fractional digits, as %.17Lf does for these values.
        let divisor = 10i128.pow(sum.scale - INCRBYFLOAT_FRACTION_DIGITS);
        let (q, r) = (sum.mantissa / divisor, sum.mantissa % divisor);
        let rounded = if r.abs() * 2 >= divisor {
            q + r.signum()
        } else {
            q
        };
        sum = Decimal {
            mantissa: rounded,
            scale: INCRBYFLOAT_FRACTION_DIGITS,
        };
    }
    let digits = sum.mantissa.unsigned_abs().to_string();
    if digits.len() > DECIMAL_DIGITS_MAX {
        return None;
    }
    Some(sum)
}

fn format_decimal(d: Decimal) -> String {
    let digits = d.mantissa.unsigned_abs().to_string();
    let scale = d.scale as usize;
    let padded = if digits.len() <= scale {
        format!("{}{}", "0".repeat(scale - digits.len() + 1), digits)
    } else {
        digits
    };
    let (int_part, frac_part) = padded.split_at(padded.len() - scale);
    let frac_part = frac_part.trim_end_matches('0');
    let sign = if d.mantissa < 0 { "-" } else { "" };
    if frac_part.is_empty() {
        format!("{sign}{int_part}")
    } else {
        format!("{sign}{int_part}.{frac_part}")
    }
}

/// Adds two INCRBYFLOAT operands given as text; `None` when the result is NaN or infinite.
/// Both operands must already have passed [`parse_f64`].
pub fn incr_by_float(current: &[u8], increment: &[u8]) -> Option<String> {
    if let (Some(a), Some(b)) = (parse_decimal(current), parse_decimal(increment))
        && let Some(sum) = add_decimals(a, b)
    {
        return Some(format_decimal(sum));
    }
    let value = parse_f64(current)? + parse_f64(increment)?;
    if !value.is_finite() {
        return None;
    }
    // Display prints the shortest text that reads back to the same double, without exponent,
    // like %.17Lf does after trailing zeros are stripped.
    Some(format!("{value}"))
}

/// The SplitMix64 increment.
pub const SPLITMIX_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a well-mixed 64-bit value from a counter state.
pub fn splitmix64_mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// ASCII-lowercase comparison of an argument with a keyword given in lowercase.
#[inline]
pub fn eq_ignore_case(arg: &[u8], lowercase: &str) -> bool {
    arg.eq_ignore_ascii_case(lowercase.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_double_matches_printf_17g() {
        assert_eq!(format_double(1.5), "1.5");
        assert_eq!(format_double(1.1), "1.1000000000000001");
        assert_eq!(format_double(3.0), "3");
        assert_eq!(format_double(-0.0), "-0");
        assert_eq!(format_double(1e20), "1e+20");
        assert_eq!(format_double(1.5e-7), "1.4999999999999999e-07");
        assert_eq!(format_double(123456789.0), "123456789");
        assert_eq!(format_double(0.0001), "0.0001");
        assert_eq!(format_double(f64::INFINITY), "inf");
        assert_eq!(format_double(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn incr_by_float_matches_redis_text() {
        assert_eq!(incr_by_float(b"10.50", b"0.1").unwrap(), "10.6");
        assert_eq!(incr_by_float(b"0.1", b"0.2").unwrap(), "0.3");
        assert_eq!(incr_by_float(b"5.0e3", b"2.0e2").unwrap(), "5200");
        assert_eq!(incr_by_float(b"0", b"-1.5").unwrap(), "-1.5");
        assert_eq!(incr_by_float(b"1", b"-1").unwrap(), "0");
        assert_eq!(incr_by_float(b"0", b"0.000000000000000001").unwrap(), "0");
        assert_eq!(
            incr_by_float(b"3", b"0.00000000000000005").unwrap(),
            "3.00000000000000005"
        );
        assert!(incr_by_float(b"1e308", b"1e308").is_none());
    }

    #[test]
    fn parse_f64_rejects_what_redis_rejects() {
        assert_eq!(parse_f64(b"1.5"), Some(1.5));
        assert_eq!(parse_f64(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_f64(b"1e3"), Some(1000.0));
        for bad in [&b""[..], b" 1", b"1 ", b"nan", b"abc", b"1.5x"] {
            assert_eq!(parse_f64(bad), None);
        }
    }
}
