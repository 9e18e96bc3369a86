//! The request parser on arbitrary bytes, fed in arbitrary chunk splits: it must never panic,
//! never loop, and give exactly the commands and the error of the reference parser
//! (`ferrite_fuzz::request`, which reads the whole input at once) however the input arrives.
#![no_main]

use bytes::BytesMut;
use ferrite_engine::resp::RequestParser;
use ferrite_engine::resp::parse::Limits;
use ferrite_fuzz::request;
use libfuzzer_sys::fuzz_target;

const BULK_LEN_MAX: u64 = 1 << 20;

/// Runs the engine's parser over `chunks`; returns the commands and the error, if any.
fn parse(chunks: &[&[u8]], limits: Limits) -> request::Parsed {
    let mut parser = RequestParser::new();
    let mut buf = BytesMut::new();
    let mut commands = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        loop {
            match parser.next(&mut buf, limits) {
                Ok(Some(args)) => {
                    assert!(!args.is_empty(), "the parser yielded an empty command");
                    commands.push(args.iter().map(|a| a.to_vec()).collect());
                }
                Ok(None) => break,
                Err(e) => {
                    return request::Parsed {
                        commands,
                        error: Some(e.message()),
                    };
                }
            }
        }
    }
    request::Parsed {
        commands,
        error: None,
    }
}

fuzz_target!(|data: &[u8]| {
    // First byte: the limits and how many split points; then one byte per split point.
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let unauthenticated = control & 0x80 != 0;
    let splits = (control & 0x07) as usize;
    if rest.len() < splits {
        return;
    }
    let (cuts, input) = rest.split_at(splits);
    let mut points: Vec<usize> = cuts
        .iter()
        .map(|&c| c as usize * input.len() / 255)
        .collect();
    points.sort_unstable();
    let mut chunks = Vec::with_capacity(splits + 1);
    let mut start = 0;
    for p in points {
        chunks.push(&input[start..p]);
        start = p;
    }
    chunks.push(&input[start..]);

    let limits = Limits {
        bulk_len_max: BULK_LEN_MAX,
        unauthenticated,
    };
    let expected = request::parse(input, BULK_LEN_MAX, unauthenticated);
    let got = parse(&chunks, limits);
    assert_eq!(
        got,
        expected,
        "chunks {:?}",
        chunks.iter().map(|c| c.len()).collect::<Vec<_>>()
    );
});
