//! LZF, the compression Redis applies to RDB strings longer than 20 bytes
//! (`rdbcompression yes`) and to compressed quicklist nodes.
//!
//! Format: a sequence of runs. A control byte below 32 starts a literal run of `ctrl + 1`
//! bytes. Otherwise `ctrl >> 5` is a back-reference length minus 2 (7 means "add the next
//! byte"), and `(ctrl & 0x1f) << 8 | next byte` is the distance minus 1 back into the output.
//!
//! Decompression checks every length and distance and never writes past the expected size;
//! since a 3-byte back-reference expands to at most 264 bytes, an expected size above
//! [`EXPANSION_MAX`] times the input is rejected before anything is reserved.

/// Output bytes one input byte can produce at most (264 from a 3-byte back-reference).
pub const EXPANSION_MAX: usize = 88;

/// The hash table of 3-byte prefixes has up to 2^14 slots, fewer for short inputs (it is
/// allocated per call: a snapshot compresses many short strings).
const HASH_BITS_MAX: u32 = 14;
const HASH_BITS_MIN: u32 = 10;
const DISTANCE_MAX: usize = 1 << 13;
const MATCH_MAX: usize = 264;
const LITERAL_MAX: usize = 32;

/// Why a compressed block does not decompress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Corrupt;

/// Decompresses `input` into exactly `expected_len` bytes.
pub fn decompress(input: &[u8], expected_len: usize) -> Result<Vec<u8>, Corrupt> {
    if expected_len > input.len().saturating_mul(EXPANSION_MAX) {
        return Err(Corrupt);
    }
    let mut out = Vec::with_capacity(expected_len);
    let mut ip = 0;
    while ip < input.len() {
        let ctrl = usize::from(input[ip]);
        ip += 1;
        if ctrl < LITERAL_MAX {
            let run = ctrl + 1;
            let literal = input.get(ip..ip + run).ok_or(Corrupt)?;
            if out.len() + run > expected_len {
                return Err(Corrupt);
            }
            out.extend_from_slice(literal);
            ip += run;
            continue;
        }
        let mut len = ctrl >> 5;
        if len == 7 {
            len += usize::from(*input.get(ip).ok_or(Corrupt)?);
            ip += 1;
        }
        let low = usize::from(*input.get(ip).ok_or(Corrupt)?);
        ip += 1;
        let distance = ((ctrl & 0x1f) << 8 | low) + 1;
        let len = len + 2;
        if distance > out.len() || out.len() + len > expected_len {
            return Err(Corrupt);
        }
        let from = out.len() - distance;
        if distance >= len {
            out.extend_from_within(from..from + len);
        } else {
            // Overlapping: the reference repeats bytes it is writing.
            for i in 0..len {
                let byte = out[from + i];
                out.push(byte);
            }
        }
    }
    if out.len() != expected_len {
        return Err(Corrupt);
    }
    Ok(out)
}

fn hash(bytes: &[u8], bits: u32) -> usize {
    let v = u32::from(bytes[0]) << 16 | u32::from(bytes[1]) << 8 | u32::from(bytes[2]);
    (v.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

/// Compresses `input`; `None` unless the result is at least 4 bytes shorter (Redis stores
/// such strings uncompressed).
pub fn compress(input: &[u8]) -> Option<Vec<u8>> {
    if input.len() <= 4 {
        return None;
    }
    let limit = input.len() - 4;
    let bits = (usize::BITS - input.len().leading_zeros()).clamp(HASH_BITS_MIN, HASH_BITS_MAX);
    let mut table = vec![usize::MAX; 1 << bits];
    let mut out = Vec::with_capacity(limit);
    let mut lit_start = 0;
    let mut lit = 0;
    out.push(0);
    let mut ip = 0;
    while ip < input.len() {
        if ip + 2 < input.len() {
            let h = hash(&input[ip..], bits);
            let candidate = table[h];
            table[h] = ip;
            if candidate != usize::MAX
                && ip - candidate <= DISTANCE_MAX
                && input[candidate..candidate + 3] == input[ip..ip + 3]
            {
                let max = MATCH_MAX.min(input.len() - ip);
                let mut len = 3;
                while len < max && input[candidate + len] == input[ip + len] {
                    len += 1;
                }
                if lit > 0 {
                    out[lit_start] = (lit - 1) as u8;
                } else {
                    out.pop();
                }
                let distance = ip - candidate - 1;
                let code = len - 2;
                if code < 7 {
                    out.push(((code << 5) | (distance >> 8)) as u8);
                } else {
                    out.push(((7 << 5) | (distance >> 8)) as u8);
                    out.push((code - 7) as u8);
                }
                out.push(distance as u8);
                ip += len;
                lit_start = out.len();
                lit = 0;
                out.push(0);
                if out.len() >= limit {
                    return None;
                }
                continue;
            }
        }
        out.push(input[ip]);
        lit += 1;
        ip += 1;
        if lit == LITERAL_MAX {
            out[lit_start] = (LITERAL_MAX - 1) as u8;
            lit_start = out.len();
            lit = 0;
            out.push(0);
        }
        if out.len() >= limit {
            return None;
        }
    }
    if lit > 0 {
        out[lit_start] = (lit - 1) as u8;
    } else {
        out.pop();
    }
    (out.len() <= limit).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_incompressible_input() {
        let inputs: Vec<Vec<u8>> = vec![
            b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".to_vec(),
            b"abcabcabcabcabcabcabcabcabcabcabcabc-hello-hello-hello".to_vec(),
            (0..20_000u32).map(|i| (i % 251) as u8).collect(),
            (0..3000u32).map(|i| (i / 40) as u8).collect(),
        ];
        for input in inputs {
            let packed = compress(&input).expect("compressible");
            assert!(packed.len() < input.len());
            assert_eq!(decompress(&packed, input.len()).unwrap(), input);
        }
        let noise: Vec<u8> = (0..64u64)
            .map(|i| (crate::util::splitmix64_mix(i) >> 7) as u8)
            .collect();
        assert_eq!(compress(&noise), None);
    }

    #[test]
    fn corrupt_input_is_an_error_not_a_panic() {
        // A back-reference before the start, a literal past the end, a wrong size.
        assert_eq!(decompress(&[0x20, 0x00], 3), Err(Corrupt));
        assert_eq!(decompress(&[0x05, b'a'], 6), Err(Corrupt));
        assert_eq!(decompress(&[0x00, b'a'], 2), Err(Corrupt));
        assert_eq!(decompress(&[0x00, b'a'], 1_000_000), Err(Corrupt));
        assert_eq!(decompress(&[0x00, b'a', 0xe0], 300), Err(Corrupt));
        assert_eq!(decompress(&[0x00, b'a', 0x20, 0x00], 4).unwrap(), b"aaaa");
    }
}
