//! The request parser on arbitrary bytes, fed in arbitrary chunk splits: it must never panic,
//! never loop, and give the same commands (or the same error) however the input is split.
#![no_main]

use bytes::BytesMut;
use ferrite_engine::resp::RequestParser;
use ferrite_engine::resp::parse::Limits;
use libfuzzer_sys::fuzz_target;

const LIMITS: Limits = Limits { bulk_len_max: 1 << 20, unauthenticated: false };

/// Runs the parser over `chunks`; returns the commands and the error, if any.
fn parse(chunks: &[&[u8]]) -> (Vec<Vec<Vec<u8>>>, Option<String>) {
    let mut parser = RequestParser::new();
    let mut buf = BytesMut::new();
    let mut commands = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        loop {
            match parser.next(&mut buf, LIMITS) {
                Ok(Some(args)) => {
                    assert!(!args.is_empty(), "the parser yielded an empty command");
                    commands.push(args.iter().map(|a| a.to_vec()).collect());
                }
                Ok(None) => break,
                Err(e) => return (commands, Some(e.message())),
            }
        }
    }
    (commands, None)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    // The first two bytes choose two split points in the rest.
    let input = &data[2..];
    let a = (data[0] as usize * input.len()) / 256;
    let b = a + ((data[1] as usize * (input.len() - a)) / 256);
    let whole = parse(&[input]);
    let split = parse(&[&input[..a], &input[a..b], &input[b..]]);
    assert_eq!(whole, split, "splitting at {a} and {b} changed the result");
});
