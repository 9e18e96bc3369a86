//! The append-only log's record reader on arbitrary bytes: it must never panic or allocate
//! from a damaged length, must stop at a torn tail or report corruption, and the records it
//! accepts must encode back to the same bytes.
#![no_main]

use ferrite_engine::aof::record::{self, ReadError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut records = Vec::new();
    let result = record::read_all(data, 0, |r| records.push(r));
    let good_end = match result {
        Ok(end) => end,
        Err(ReadError::Truncated { offset }) | Err(ReadError::Corrupt { offset, .. }) => offset,
    } as usize;
    assert!(good_end <= data.len());
    let mut encoded = Vec::new();
    for r in &records {
        let commands: Vec<(u32, &[Vec<u8>])> = r
            .commands
            .iter()
            .map(|(db, args)| (*db, &args[..]))
            .collect();
        record::encode(&mut encoded, r.now_ms, &commands);
    }
    assert_eq!(
        &encoded[..],
        &data[..good_end],
        "accepted records do not encode back to their bytes"
    );
});
