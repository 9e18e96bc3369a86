//! A reference RESP2/RESP3 decoder: bytes to a [`Frame`] tree, strictly (every length checked,
//! every line ended by CRLF), written from the protocol's description.

/// One decoded reply. RESP2 and RESP3 shapes are kept apart (a RESP2 null bulk is not a
/// RESP3 null), so a test can say exactly which one it expects.
#[derive(Clone, Debug, PartialEq)]
pub enum Frame {
    Simple(Vec<u8>),
    Error(Vec<u8>),
    Int(i64),
    Bulk(Vec<u8>),
    /// `$-1`
    NullBulk,
    /// `*-1`
    NullArray,
    /// `_`
    Null,
    Array(Vec<Frame>),
    Map(Vec<(Frame, Frame)>),
    Set(Vec<Frame>),
    Push(Vec<Frame>),
    Bool(bool),
    /// `,` with its text kept: the caller decides how to compare it.
    Double(Vec<u8>),
    /// `=`: the three-letter format and the text.
    Verbatim([u8; 3], Vec<u8>),
    BigNumber(Vec<u8>),
}

/// Why bytes are not a valid reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The input ends inside a frame.
    Incomplete,
    /// The bytes break the protocol; the offset where it was seen.
    Invalid(usize),
}

/// Deepest nesting accepted (a bound so that hostile input cannot exhaust the stack).
pub const DEPTH_MAX: usize = 64;

/// Decodes one frame from the start of `input`; returns it and the bytes it took.
pub fn decode(input: &[u8]) -> Result<(Frame, usize), DecodeError> {
    let mut pos = 0;
    let frame = decode_at(input, &mut pos, 0)?;
    Ok((frame, pos))
}

/// Decodes `input` as exactly one frame, nothing left over.
pub fn decode_exact(input: &[u8]) -> Result<Frame, DecodeError> {
    let (frame, used) = decode(input)?;
    if used != input.len() {
        return Err(DecodeError::Invalid(used));
    }
    Ok(frame)
}

/// Decodes `input` as a sequence of whole frames.
pub fn decode_all(input: &[u8]) -> Result<Vec<Frame>, DecodeError> {
    let mut pos = 0;
    let mut frames = Vec::new();
    while pos < input.len() {
        frames.push(decode_at(input, &mut pos, 0)?);
    }
    Ok(frames)
}

/// The line starting at `*pos` (without its CRLF); moves `*pos` past the CRLF.
fn line<'a>(input: &'a [u8], pos: &mut usize) -> Result<&'a [u8], DecodeError> {
    let start = *pos;
    let rest = &input[start..];
    let Some(cr) = rest.iter().position(|&b| b == b'\r') else {
        if rest.contains(&b'\n') {
            return Err(DecodeError::Invalid(start));
        }
        return Err(DecodeError::Incomplete);
    };
    if rest[..cr].contains(&b'\n') {
        return Err(DecodeError::Invalid(start + cr));
    }
    match rest.get(cr + 1) {
        None => Err(DecodeError::Incomplete),
        Some(b'\n') => {
            *pos = start + cr + 2;
            Ok(&rest[..cr])
        }
        Some(_) => Err(DecodeError::Invalid(start + cr + 1)),
    }
}

/// A decimal integer: optional '-', digits, no leading zeros (except "0"), no overflow.
fn integer(text: &[u8], at: usize) -> Result<i64, DecodeError> {
    let s = std::str::from_utf8(text).map_err(|_| DecodeError::Invalid(at))?;
    let digits = s.strip_prefix('-').unwrap_or(s);
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && s != "-0";
    if !canonical {
        return Err(DecodeError::Invalid(at));
    }
    s.parse::<i64>().map_err(|_| DecodeError::Invalid(at))
}

/// A length: an integer >= -1 (-1 only where `null_ok`).
fn length(text: &[u8], at: usize, null_ok: bool) -> Result<Option<usize>, DecodeError> {
    match integer(text, at)? {
        -1 if null_ok => Ok(None),
        n if n >= 0 => Ok(Some(n as usize)),
        _ => Err(DecodeError::Invalid(at)),
    }
}

/// `len` bytes then CRLF.
fn payload(input: &[u8], pos: &mut usize, len: usize) -> Result<Vec<u8>, DecodeError> {
    let start = *pos;
    let end = start.checked_add(len).ok_or(DecodeError::Invalid(start))?;
    if input.len() < end.saturating_add(2) {
        return Err(DecodeError::Incomplete);
    }
    if &input[end..end + 2] != b"\r\n" {
        return Err(DecodeError::Invalid(end));
    }
    *pos = end + 2;
    Ok(input[start..end].to_vec())
}

fn elements(
    input: &[u8],
    pos: &mut usize,
    count: usize,
    depth: usize,
) -> Result<Vec<Frame>, DecodeError> {
    // Never pre-size from the announced count: each element takes at least 3 bytes.
    let mut items = Vec::with_capacity(count.min(input.len() / 3));
    for _ in 0..count {
        items.push(decode_at(input, pos, depth + 1)?);
    }
    Ok(items)
}

fn decode_at(input: &[u8], pos: &mut usize, depth: usize) -> Result<Frame, DecodeError> {
    if depth > DEPTH_MAX {
        return Err(DecodeError::Invalid(*pos));
    }
    let at = *pos;
    let Some(&kind) = input.get(at) else {
        return Err(DecodeError::Incomplete);
    };
    *pos += 1;
    let text = line(input, pos)?;
    let frame = match kind {
        b'+' => Frame::Simple(text.to_vec()),
        b'-' => Frame::Error(text.to_vec()),
        b':' => Frame::Int(integer(text, at)?),
        b'$' => match length(text, at, true)? {
            None => Frame::NullBulk,
            Some(len) => Frame::Bulk(payload(input, pos, len)?),
        },
        b'*' => match length(text, at, true)? {
            None => Frame::NullArray,
            Some(n) => Frame::Array(elements(input, pos, n, depth)?),
        },
        b'~' => Frame::Set(elements(input, pos, length_of(text, at)?, depth)?),
        b'>' => Frame::Push(elements(input, pos, length_of(text, at)?, depth)?),
        b'%' => {
            let n = length_of(text, at)?;
            let flat = elements(
                input,
                pos,
                n.checked_mul(2).ok_or(DecodeError::Invalid(at))?,
                depth,
            )?;
            let mut pairs = Vec::with_capacity(n.min(flat.len()));
            let mut it = flat.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                pairs.push((k, v));
            }
            Frame::Map(pairs)
        }
        b'_' if text.is_empty() => Frame::Null,
        b'#' => match text {
            b"t" => Frame::Bool(true),
            b"f" => Frame::Bool(false),
            _ => return Err(DecodeError::Invalid(at)),
        },
        b',' => {
            let s = std::str::from_utf8(text).map_err(|_| DecodeError::Invalid(at))?;
            s.parse::<f64>().map_err(|_| DecodeError::Invalid(at))?;
            Frame::Double(text.to_vec())
        }
        b'(' => {
            let digits = text.strip_prefix(b"-").unwrap_or(text);
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return Err(DecodeError::Invalid(at));
            }
            Frame::BigNumber(text.to_vec())
        }
        b'=' => {
            let body = payload(input, pos, length_of(text, at)?)?;
            if body.len() < 4 || body[3] != b':' {
                return Err(DecodeError::Invalid(at));
            }
            Frame::Verbatim([body[0], body[1], body[2]], body[4..].to_vec())
        }
        _ => return Err(DecodeError::Invalid(at)),
    };
    Ok(frame)
}

fn length_of(text: &[u8], at: usize) -> Result<usize, DecodeError> {
    Ok(length(text, at, false)?.expect("null not allowed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_every_kind() {
        let input = b"*3\r\n+OK\r\n$-1\r\n%1\r\n:1\r\n~2\r\n#t\r\n,1.5\r\n";
        assert_eq!(
            decode_exact(input),
            Ok(Frame::Array(vec![
                Frame::Simple(b"OK".to_vec()),
                Frame::NullBulk,
                Frame::Map(vec![(
                    Frame::Int(1),
                    Frame::Set(vec![Frame::Bool(true), Frame::Double(b"1.5".to_vec())])
                )]),
            ]))
        );
        assert_eq!(decode_exact(b"$2\r\nabc\r\n"), Err(DecodeError::Invalid(6)));
        assert_eq!(decode_exact(b"*2\r\n:1\r\n"), Err(DecodeError::Incomplete));
        assert_eq!(decode_exact(b":01\r\n"), Err(DecodeError::Invalid(0)));
        assert_eq!(
            decode_exact(b"=8\r\ntxt:abcd\r\n"),
            Ok(Frame::Verbatim(*b"txt", b"abcd".to_vec()))
        );
    }
}
