//! RESTORE payloads and RDB files on arbitrary bytes: the decoder and the streaming loader
//! must never panic or allocate from an unchecked length, and every value they accept must
//! encode and decode again to an equal value.
//!
//! The first byte picks the mode. Even: the rest is a DUMP payload's body, given a valid
//! footer (so the decoder, not the checksum, sees the bytes). Odd: the rest is an RDB file,
//! fed to the loader in chunks of `first byte / 2 + 1` bytes.
#![no_main]

use ahash::RandomState;
use ferrite_engine::keyspace::Value;
use ferrite_engine::rdb::{self, Item, Loader};
use libfuzzer_sys::fuzz_target;

fn hasher() -> RandomState {
    RandomState::with_seeds(1, 2, 3, 4)
}

fn check_round_trip(value: &Value) {
    let payload = rdb::dump_payload(value);
    let again = rdb::decode_payload(&payload, &hasher())
        .expect("our own payload decodes")
        .expect("and is not empty");
    assert!(
        again == *value,
        "value changed on a round trip: {value:?} -> {again:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let mut payload = rest.to_vec();
        payload.extend_from_slice(&rdb::RDB_VERSION.to_le_bytes());
        let crc = rdb::crc64::update(0, &payload);
        payload.extend_from_slice(&crc.to_le_bytes());
        if let Ok(Some(value)) = rdb::decode_payload(&payload, &hasher()) {
            check_round_trip(&value);
        }
        return;
    }
    let chunk = usize::from(mode / 2) + 1;
    let mut loader = Loader::new(hasher());
    let mut check = |loader: &mut Loader| -> bool {
        loop {
            match loader.next_item() {
                Ok(Some(Item::Key(key))) => check_round_trip(&key.entry.value),
                Ok(Some(_)) => {}
                Ok(None) => return true,
                Err(_) => return false,
            }
        }
    };
    for part in rest.chunks(chunk) {
        loader.feed(part);
        if !check(&mut loader) {
            return;
        }
    }
    loader.end_input();
    if check(&mut loader) {
        let _ = loader.finish();
    }
});
