//! Number parsing and formatting exactly as Redis does it, plus small helpers shared by commands.

use crate::ldouble;

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

/// Adds two INCRBYFLOAT/HINCRBYFLOAT operands given as text, as Redis does: both parsed by
/// `strtold` into an x87 `long double`, added, and printed with `%.17Lf` minus trailing zeros
/// (see [`crate::ldouble`]). `None` when the sum is NaN or infinite, or when an operand does
/// not parse — callers check operands first with [`crate::ldouble::parse`], which has its own
/// error.
pub fn incr_by_float(current: &[u8], increment: &[u8]) -> Option<String> {
    let sum = ldouble::parse(current)? + ldouble::parse(increment)?;
    sum.is_finite().then(|| sum.format_human())
}

/// The SplitMix64 increment.
pub const SPLITMIX_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a well-mixed 64-bit value from a counter state.
pub fn splitmix64_mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A small deterministic generator (SplitMix64) for one command's random picks, seeded from the
/// engine's seeded randomness, so a seeded simulation replays every pick.
#[derive(Clone, Debug)]
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(SPLITMIX_GAMMA);
        splitmix64_mix(self.0)
    }

    /// A value in `0..n` (`n > 0`); the modulo bias is irrelevant at keyspace sizes.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
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
        // Long double: no overflow at 1e308, and the binary value printed in full.
        assert!(
            incr_by_float(b"1e308", b"1e308")
                .unwrap()
                .starts_with("19999999999999999999337")
        );
        assert_eq!(
            incr_by_float(b"0", b"123456789.123456789").unwrap(),
            "123456789.12345678899873747"
        );
        assert_eq!(
            incr_by_float(b"5000", b"1e-3").unwrap(),
            "5000.00099999999999989"
        );
        assert_eq!(incr_by_float(b"0", b"0x10").unwrap(), "16");
        assert_eq!(incr_by_float(b"1e3", b"2e2").unwrap(), "1200");
        assert_eq!(incr_by_float(b"3.0", b"-1.5").unwrap(), "1.5");
        assert!(incr_by_float(b"inf", b"1").is_none());
        assert!(incr_by_float(b"inf", b"-inf").is_none());
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
