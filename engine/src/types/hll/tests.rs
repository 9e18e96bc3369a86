//! Tests of the HyperLogLog representation: register packing, sparse updates against a
//! register model, promotion, corrupt input, the estimator's edges and the self-test.

use super::*;
use crate::util::{SPLITMIX_GAMMA, splitmix64_mix};

/// A seeded generator for the model tests.
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

/// All registers, whatever the encoding.
fn registers(hll: &[u8]) -> Vec<u8> {
    let mut max = [0; REGISTERS];
    merge_into(&mut max, hll).expect("valid");
    max.to_vec()
}

#[test]
fn murmur_matches_reference_vectors() {
    // `PFADD h a` then `PFDEBUG DECODE h` on redis-server 7.0.15: "Z:12711 v:2,1 Z:3672".
    assert_eq!(pattern(b"a"), (12711, 2));
    assert_eq!(murmur64a(b"", 0), 0);
    let h1 = murmur64a(b"12345678", HASH_SEED);
    let h2 = murmur64a(b"123456789", HASH_SEED);
    assert_ne!(h1, h2);
}

#[test]
fn new_hll_is_valid_sparse_and_empty() {
    let hll = new_sparse();
    assert_eq!(hll, b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff");
    assert!(is_valid(&hll));
    assert_eq!(encoding(&hll), Encoding::Sparse);
    assert_eq!(cached_count(&hll), Some(0));
    assert_eq!(count(&hll), Ok(0));
    assert_eq!(decode_sparse(&hll), "Z:16384");
}

#[test]
fn validity_checks_magic_encoding_and_dense_length() {
    assert!(!is_valid(b"HYLL"));
    assert!(!is_valid(b"HYLX\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff"));
    assert!(!is_valid(b"HYLL\x02\0\0\0\0\0\0\0\0\0\0\0\x7f\xff"));
    assert!(!is_valid(b"HYLL\x00\0\0\0\0\0\0\0\0\0\0\0\x7f\xff"));
    let mut dense = new_sparse();
    to_dense(&mut dense).expect("valid");
    assert!(is_valid(&dense));
    dense.push(0);
    assert!(!is_valid(&dense));
    // A sparse HLL's opcodes are not checked until they are walked.
    assert!(is_valid(b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0"));
    assert_eq!(count(b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0"), Err(Corrupt));
}

#[test]
fn cache_invalidation_keeps_the_low_bits() {
    let mut hll = new_sparse();
    store_count(&mut hll, 3);
    assert_eq!(cached_count(&hll), Some(3));
    invalidate_count(&mut hll);
    assert_eq!(cached_count(&hll), None);
    assert_eq!(&hll[8..16], &[3, 0, 0, 0, 0, 0, 0, 0x80]);
}

#[test]
fn dense_registers_round_trip_without_disturbing_neighbours() {
    let mut rng = Rng(1);
    let mut hll = new_sparse();
    to_dense(&mut hll).expect("valid");
    let mut model = vec![0u8; REGISTERS];
    for _ in 0..20_000 {
        let index = rng.below(REGISTERS as u64) as usize;
        let value = rng.below(64) as u8;
        dense_put(&mut hll[HDR_SIZE..], index, value);
        model[index] = value;
    }
    assert_eq!(dense_registers(&hll).collect::<Vec<_>>(), model);
    // The header is untouched by register writes at either end.
    dense_put(&mut hll[HDR_SIZE..], 0, 63);
    dense_put(&mut hll[HDR_SIZE..], REGISTERS - 1, 63);
    assert_eq!(&hll[..5], b"HYLL\0");
    assert_eq!(dense_get(&hll[HDR_SIZE..], REGISTERS - 1), 63);
    assert_eq!(hll.len(), DENSE_SIZE);
}

/// Sparse updates against a plain register array: every random update keeps the sparse
/// string valid, decodes to the model, and agrees with a dense copy on the count.
#[test]
fn sparse_updates_match_a_register_model() {
    for seed in 0..40 {
        let mut rng = Rng(seed);
        let mut sparse = new_sparse();
        let mut dense = new_sparse();
        to_dense(&mut dense).expect("valid");
        let mut model = vec![0u8; REGISTERS];
        // Clustered indexes exercise splits and merges of neighbouring opcodes.
        let base = rng.below(REGISTERS as u64 - 64) as usize;
        for step in 0..400 {
            let index = if rng.below(2) == 0 {
                base + rng.below(64) as usize
            } else {
                rng.below(REGISTERS as u64) as usize
            };
            let value = 1 + rng.below(if step % 50 == 49 { 40 } else { 6 }) as u8;
            let changed = set_register(&mut sparse, index, value, SPARSE_MAX_BYTES).expect("valid");
            assert_eq!(changed, value > model[index], "seed {seed} step {step}");
            model[index] = model[index].max(value);
            set_register(&mut dense, index, value, SPARSE_MAX_BYTES).expect("valid");
            assert!(is_valid(&sparse));
            assert_eq!(registers(&sparse), model, "seed {seed} step {step}");
        }
        assert_eq!(count(&sparse), count(&dense));
    }
}

#[test]
fn sparse_opcodes_stay_canonical_enough_to_round_trip() {
    let mut hll = new_sparse();
    for (index, count) in [(1000, 2), (1020, 3), (1021, 3)] {
        set_register(&mut hll, index, count, SPARSE_MAX_BYTES).expect("valid");
    }
    // The example from Redis's source comments.
    assert_eq!(decode_sparse(&hll), "Z:1000 v:2,1 z:19 v:3,2 Z:15362");
    // A run of equal values merges up to four per opcode.
    for index in 1022..1027 {
        set_register(&mut hll, index, 3, SPARSE_MAX_BYTES).expect("valid");
    }
    assert_eq!(decode_sparse(&hll), "Z:1000 v:2,1 z:19 v:3,4 v:3,3 Z:15357");
}

#[test]
fn values_above_32_and_size_limit_promote_to_dense() {
    let mut hll = new_sparse();
    assert_eq!(set_register(&mut hll, 5, 33, SPARSE_MAX_BYTES), Ok(true));
    assert_eq!(encoding(&hll), Encoding::Dense);
    assert_eq!(hll.len(), DENSE_SIZE);
    assert_eq!(registers(&hll)[5], 33);

    let mut hll = new_sparse();
    let mut index = 0;
    while encoding(&hll) == Encoding::Sparse {
        assert!(hll.len() <= 100);
        set_register(&mut hll, index, 1 + (index % 7) as u8, 100).expect("valid");
        index += 3;
    }
    let regs = registers(&hll);
    for i in (0..index).step_by(3) {
        assert_eq!(regs[i], 1 + (i % 7) as u8);
    }
}

#[test]
fn corrupt_sparse_strings_are_reported_not_panicked_on() {
    let header = b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0".to_vec();
    let cases: Vec<Vec<u8>> = vec![
        // Too few registers.
        [&header[..], &[0x7f, 0xfe]].concat(),
        // Too many registers.
        [&header[..], &[0x7f, 0xff, 0x00]].concat(),
        // A VAL run past the end.
        [&header[..], &[0x7f, 0xfd, 0x83]].concat(),
        // An XZERO cut short.
        [&header[..], &[0x7f]].concat(),
        // Nothing at all.
        header.clone(),
    ];
    for case in cases {
        assert_eq!(count(&case), Err(Corrupt), "{case:?}");
        let mut max = [0; REGISTERS];
        assert_eq!(merge_into(&mut max, &case), Err(Corrupt));
        let mut copy = case.clone();
        assert_eq!(to_dense(&mut copy), Err(Corrupt));
        // Updates either fail or leave a string that still does not panic anything.
        for index in [0, 1, 16383] {
            let mut copy = case.clone();
            let _ = set_register(&mut copy, index, 3, SPARSE_MAX_BYTES);
            let _ = count(&copy);
            let _ = decode_sparse(&copy);
        }
    }
}

#[test]
fn estimator_edges() {
    // All registers zero: zero. All registers at the maximum a hash can produce: finite.
    let mut hist = [0; 64];
    hist[0] = REGISTERS as u32;
    assert_eq!(estimate(&hist), 0);
    let mut hist = [0; 64];
    hist[Q + 1] = REGISTERS as u32;
    assert!(estimate(&hist) > 0);
    // Corrupt dense registers above Q+1 make the estimate overflow as in Redis.
    let mut hist = [0; 64];
    hist[63] = REGISTERS as u32;
    assert_eq!(estimate(&hist), 1 << 63);
    assert_eq!(sigma(1.0), f64::INFINITY);
    assert_eq!(tau(1.0), 0.0);
}

#[test]
fn self_test_passes_at_reduced_size() {
    let mut rng = Rng(9);
    let sizes = SelfTest {
        register_cycles: 3,
        elements: 100_000,
    };
    assert_eq!(self_test(sizes, SPARSE_MAX_BYTES, || rng.next()), Ok(()));
}
