//! Bit-level primitives over string bytes: population counts, bit search, and BITFIELD's
//! arbitrary-width integers with their overflow rules.
//!
//! Bitmaps are plain strings (no `Value` variant): bit 0 is the most significant bit of the
//! first byte, and bytes past the end of the string read as zero. Integers of 1..=64 bits are
//! stored big-endian at any bit offset, two's complement when signed. The overflow checks
//! reproduce Redis 7.0's `checkUnsignedBitfieldOverflow` / `checkSignedBitfieldOverflow`,
//! including what they answer for values already out of a type's range (SET of a huge value).
//!
//! A bitmap costs its bytes and nothing else: a new key holds exactly the bytes up to the
//! highest bit written, and growth reserves like Redis's sds (doubling below 1MB, at most 1MB
//! of slack above), so a 512MB bitmap never holds another 512MB of spare capacity.
//!
//! Nothing here looks up keys or replies: the commands live in `cmd::t_bitmap`.

/// Set bits in `bytes`.
pub fn popcount(bytes: &[u8]) -> u64 {
    let mut words = bytes.chunks_exact(8);
    let mut total: u64 = 0;
    for word in words.by_ref() {
        let mut buf = [0; 8];
        buf.copy_from_slice(word);
        total += u64::from(u64::from_ne_bytes(buf).count_ones());
    }
    total
        + words
            .remainder()
            .iter()
            .map(|b| u64::from(b.count_ones()))
            .sum::<u64>()
}

/// Set bits among bits `start..=end` of `bytes` (`end` within the string).
pub fn popcount_bits(bytes: &[u8], start: u64, end: u64) -> u64 {
    debug_assert!(start <= end && end < bytes.len() as u64 * 8);
    let (first, last) = ((start / 8) as usize, (end / 8) as usize);
    let mut total = popcount(&bytes[first..=last]);
    // Bits of the edge bytes outside the range were counted; take them back out.
    total -= u64::from((bytes[first] & !head_mask(start)).count_ones());
    total -= u64::from((bytes[last] & !tail_mask(end)).count_ones());
    total
}

/// The bits of `start`'s byte from `start` on.
fn head_mask(start: u64) -> u8 {
    0xff >> (start % 8)
}

/// The bits of `end`'s byte up to `end` included.
fn tail_mask(end: u64) -> u8 {
    !((0xff_u16 >> (end % 8 + 1)) as u8)
}

/// The first bit equal to `bit` among bits `start..=end` of `bytes` (`end` within the string).
pub fn position_bits(bytes: &[u8], bit: bool, start: u64, end: u64) -> Option<u64> {
    debug_assert!(start <= end && end < bytes.len() as u64 * 8);
    let (first, last) = ((start / 8) as usize, (end / 8) as usize);
    // A byte "matches" where it has a wanted bit inside the range.
    let wanted = |index: usize| {
        let mut byte = if bit { bytes[index] } else { !bytes[index] };
        if index == first {
            byte &= head_mask(start);
        }
        if index == last {
            byte &= tail_mask(end);
        }
        byte
    };
    let hit = |index: usize, byte: u8| index as u64 * 8 + u64::from(byte.leading_zeros());
    let byte = wanted(first);
    if byte != 0 {
        return Some(hit(first, byte));
    }
    if first == last {
        return None;
    }
    // Whole words of non-matching bytes are skipped without looking at each byte.
    let skip = if bit { 0 } else { u64::MAX };
    let mut index = first + 1;
    while index + 8 <= last {
        let mut buf = [0; 8];
        buf.copy_from_slice(&bytes[index..index + 8]);
        if u64::from_ne_bytes(buf) != skip {
            break;
        }
        index += 8;
    }
    (index..=last).find_map(|i| {
        let byte = wanted(i);
        (byte != 0).then(|| hit(i, byte))
    })
}

/// The bit at `offset`, zero past the end.
pub fn bit(bytes: &[u8], offset: u64) -> bool {
    let byte = offset / 8;
    byte < bytes.len() as u64 && bytes[byte as usize] & (0x80 >> (offset % 8)) != 0
}

/// Sets the bit at `offset` (within the string); returns its previous value.
pub fn set_bit(bytes: &mut [u8], offset: u64, on: bool) -> bool {
    let byte = &mut bytes[(offset / 8) as usize];
    let mask = 0x80 >> (offset % 8);
    let old = *byte & mask != 0;
    if on {
        *byte |= mask;
    } else {
        *byte &= !mask;
    }
    old
}

/// The `bits`-wide unsigned integer at bit `offset`, bytes past the end reading as zero.
pub fn get_unsigned(bytes: &[u8], offset: u64, bits: u32) -> u64 {
    debug_assert!((1..=64).contains(&bits));
    (0..u64::from(bits)).fold(0, |value, i| value << 1 | u64::from(bit(bytes, offset + i)))
}

/// The `bits`-wide two's complement integer at bit `offset`.
pub fn get_signed(bytes: &[u8], offset: u64, bits: u32) -> i64 {
    let value = get_unsigned(bytes, offset, bits);
    // Shifting the sign bit to the top and back propagates it.
    ((value << (64 - bits)) as i64) >> (64 - bits)
}

/// Stores the low `bits` bits of `value` at bit `offset` (the bytes must reach that far).
pub fn set_unsigned(bytes: &mut [u8], offset: u64, bits: u32, value: u64) {
    debug_assert!((1..=64).contains(&bits));
    for i in 0..bits {
        let on = value >> (bits - 1 - i) & 1 != 0;
        set_bit(bytes, offset + u64::from(i), on);
    }
}

/// BITFIELD's OVERFLOW modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overflow {
    Wrap,
    Sat,
    Fail,
}

/// The outcome of an overflow check: `None` when `value + incr` fits, else the value to store
/// instead (`None` inside for FAIL, which stores nothing).
pub type Checked<T> = Option<Option<T>>;

/// Redis's `checkUnsignedBitfieldOverflow` for a `bits`-wide (1..=63) unsigned field.
pub fn check_unsigned(value: u64, incr: i64, bits: u32, mode: Overflow) -> Checked<u64> {
    debug_assert!((1..=63).contains(&bits));
    let max = (1u64 << bits) - 1;
    // Redis computes these in int64_t from unsigned operands; wrapping reproduces it.
    let max_incr = max.wrapping_sub(value) as i64;
    let min_incr = value.wrapping_neg() as i64;
    let wrap = || value.wrapping_add(incr as u64) & max;
    let limit = if value > max || (incr > 0 && incr > max_incr) {
        max
    } else if incr < 0 && incr < min_incr {
        0
    } else {
        return None;
    };
    Some(match mode {
        Overflow::Wrap => Some(wrap()),
        Overflow::Sat => Some(limit),
        Overflow::Fail => None,
    })
}

/// Redis's `checkSignedBitfieldOverflow` for a `bits`-wide (1..=64) signed field.
pub fn check_signed(value: i64, incr: i64, bits: u32, mode: Overflow) -> Checked<i64> {
    debug_assert!((1..=64).contains(&bits));
    let max = if bits == 64 {
        i64::MAX
    } else {
        (1i64 << (bits - 1)) - 1
    };
    let min = -max - 1;
    // Redis's arithmetic here may wrap; it only relies on the results after the range checks
    // that make them meaningful, and wrapping gives the same bits.
    let max_incr = (max as u64).wrapping_sub(value as u64) as i64;
    let min_incr = min.wrapping_sub(value);
    let wide = bits == 64;
    let limit =
        if value > max || (!wide && incr > max_incr) || (value >= 0 && incr > 0 && incr > max_incr)
        {
            max
        } else if value < min
            || (!wide && incr < min_incr)
            || (value < 0 && incr < 0 && incr < min_incr)
        {
            min
        } else {
            return None;
        };
    Some(match mode {
        Overflow::Wrap => {
            let sum = (value as u64).wrapping_add(incr as u64);
            // Keep the low `bits` bits, sign-extended.
            Some(((sum << (64 - bits)) as i64) >> (64 - bits))
        }
        Overflow::Sat => Some(limit),
        Overflow::Fail => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::{SPLITMIX_GAMMA, splitmix64_mix};

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(SPLITMIX_GAMMA);
            splitmix64_mix(self.0)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// A bitmap as one bool per bit: the model.
    fn model(bytes: &[u8]) -> Vec<bool> {
        (0..bytes.len() as u64 * 8).map(|i| bit(bytes, i)).collect()
    }

    fn random_bytes(rng: &mut Rng) -> Vec<u8> {
        let len = 1 + rng.below(40) as usize;
        // Mostly-uniform strings make long skips; random ones stop early.
        let fill = [0x00, 0xff, 0x5a][rng.below(3) as usize];
        (0..len)
            .map(|_| {
                if rng.below(8) == 0 {
                    rng.next() as u8
                } else {
                    fill
                }
            })
            .collect()
    }

    #[test]
    fn counting_and_searching_match_a_bool_model() {
        let mut rng = Rng(3);
        for _ in 0..3000 {
            let bytes = random_bytes(&mut rng);
            let bits = model(&bytes);
            let n = bits.len() as u64;
            let start = rng.below(n);
            let end = start + rng.below(n - start);
            let range = &bits[start as usize..=end as usize];
            let ones = range.iter().filter(|&&b| b).count() as u64;
            assert_eq!(popcount_bits(&bytes, start, end), ones);
            for wanted in [false, true] {
                let expected = range
                    .iter()
                    .position(|&b| b == wanted)
                    .map(|i| start + i as u64);
                assert_eq!(
                    position_bits(&bytes, wanted, start, end),
                    expected,
                    "{bytes:?} {wanted} {start}..={end}"
                );
            }
        }
        assert_eq!(popcount(b"foobar"), 26);
    }

    #[test]
    fn bitfield_integers_round_trip_against_a_model() {
        let mut rng = Rng(5);
        let mut bytes = vec![0u8; 24];
        let mut bits = model(&bytes);
        for _ in 0..5000 {
            let width = 1 + rng.below(64) as u32;
            let offset = rng.below(bits.len() as u64 - u64::from(width));
            let value = rng.next();
            set_unsigned(&mut bytes, offset, width, value);
            for i in 0..width {
                bits[(offset + u64::from(i)) as usize] = value >> (width - 1 - i) & 1 == 1;
            }
            assert_eq!(model(&bytes), bits);
            let mask = if width == 64 {
                u64::MAX
            } else {
                (1 << width) - 1
            };
            assert_eq!(get_unsigned(&bytes, offset, width), value & mask);
            let signed = get_signed(&bytes, offset, width);
            assert_eq!(signed as u64 & mask, value & mask);
            assert_eq!(signed < 0, value >> (width - 1) & 1 == 1);
        }
        // Reads past the end are zero-padded.
        assert_eq!(get_unsigned(&[0xff], 4, 8), 0xf0);
        assert_eq!(get_signed(&[0xff], 4, 8), -16);
        assert_eq!(get_unsigned(&[], 1000, 64), 0);
    }

    /// The overflow rules against i128 arithmetic, for values within the type's range.
    #[test]
    fn overflow_checks_match_wide_arithmetic() {
        let mut rng = Rng(11);
        for _ in 0..20_000 {
            let bits = 1 + rng.below(64) as u32;
            let (min, max) = (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1);
            let value = (min + i128::from(rng.next()) % (max - min + 1)) as i64;
            let incr = match rng.below(3) {
                0 => rng.next() as i64,
                1 => rng.below(300) as i64 - 150,
                _ => [i64::MIN, i64::MAX, 0, 1, -1][rng.below(5) as usize],
            };
            let sum = i128::from(value) + i128::from(incr);
            let fits = (min..=max).contains(&sum);
            assert_eq!(
                check_signed(value, incr, bits, Overflow::Fail).is_none(),
                fits
            );
            if !fits {
                let sat = if sum > max { max } else { min } as i64;
                assert_eq!(
                    check_signed(value, incr, bits, Overflow::Sat),
                    Some(Some(sat))
                );
                let modulus = 1i128 << bits;
                let wrapped = (sum - min).rem_euclid(modulus) + min;
                assert_eq!(
                    check_signed(value, incr, bits, Overflow::Wrap),
                    Some(Some(wrapped as i64))
                );
            }
            if bits < 64 {
                let max = (1i128 << bits) - 1;
                let value = (i128::from(rng.next()) % (max + 1)) as u64;
                let sum = i128::from(value) + i128::from(incr);
                let fits = (0..=max).contains(&sum);
                assert_eq!(
                    check_unsigned(value, incr, bits, Overflow::Fail).is_none(),
                    fits
                );
                if !fits {
                    let sat = if sum > max { max } else { 0 } as u64;
                    assert_eq!(
                        check_unsigned(value, incr, bits, Overflow::Sat),
                        Some(Some(sat))
                    );
                    assert_eq!(
                        check_unsigned(value, incr, bits, Overflow::Wrap),
                        Some(Some(sum.rem_euclid(max + 1) as u64))
                    );
                }
            }
        }
    }

    #[test]
    fn out_of_range_set_values_follow_redis() {
        // Verified on redis-server 7.0.15: SET i8 with i64::MIN saturates to 127 (Redis's
        // unsigned arithmetic sees it as an overflow upwards) and wraps to 0.
        assert_eq!(check_signed(i64::MIN, 0, 8, Overflow::Sat), Some(Some(127)));
        assert_eq!(check_signed(i64::MIN, 0, 8, Overflow::Wrap), Some(Some(0)));
        assert_eq!(check_signed(i64::MAX, 0, 8, Overflow::Sat), Some(Some(127)));
        assert_eq!(check_signed(200, 0, 8, Overflow::Wrap), Some(Some(-56)));
        assert_eq!(check_signed(-129, 0, 8, Overflow::Wrap), Some(Some(127)));
        assert_eq!(
            check_unsigned(u64::MAX, 0, 8, Overflow::Sat),
            Some(Some(255))
        );
        assert_eq!(
            check_unsigned(u64::MAX, 0, 8, Overflow::Wrap),
            Some(Some(255))
        );
        assert_eq!(
            check_unsigned(1 << 63, 0, 8, Overflow::Sat),
            Some(Some(255))
        );
        assert_eq!(
            check_unsigned(u64::MAX, 0, 63, Overflow::Wrap),
            Some(Some(i64::MAX as u64))
        );
        assert_eq!(check_unsigned(5, i64::MIN, 8, Overflow::Sat), Some(Some(0)));
        assert_eq!(
            check_unsigned(0, i64::MAX, 8, Overflow::Sat),
            Some(Some(255))
        );
    }
}
