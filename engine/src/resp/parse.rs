//! Streaming request parser: RESP multibulk (`*N\r\n$len\r\n...`) and inline commands (what
//! telnet and `redis-cli` in some modes send), as Redis's networking layer reads them.
//!
//! The parser is resumable: it consumes complete arguments from the input buffer as soon as
//! they arrive and keeps the partial command in its own state, so a command split over many
//! reads costs no re-scanning. "Need more bytes" (`Ok(None)`) is kept apart from "bad bytes"
//! (`Err`). Nothing is allocated from a length the client sent until that length has been
//! checked against the configured limits, and argument vectors grow only as arguments arrive.

use bytes::{Buf, Bytes, BytesMut};

/// Longest inline command, and longest `*N`/`$N` header line, before the client is refused.
pub const INLINE_MAX_BYTES: usize = 64 * 1024;
/// Largest multibulk count accepted (Redis accepts up to INT_MAX; so do we, but the argument
/// vector grows only as arguments arrive).
pub const MULTIBULK_COUNT_MAX: i64 = i32::MAX as i64;
/// Argument-vector capacity reserved up front, whatever count the client announced.
const ARGS_PREALLOC_MAX: usize = 64;

/// A malformed request. The connection is closed after the error reply, as Redis does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProtocolError {
    TooBigInline,
    UnbalancedQuotes,
    TooBigMultibulkHeader,
    InvalidMultibulkLength,
    TooBigBulkHeader,
    ExpectedDollar(u8),
    InvalidBulkLength,
    UnauthenticatedMultibulkLength,
    UnauthenticatedBulkLength,
}

/// Size limits applied while parsing.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// `proto-max-bulk-len`.
    pub bulk_len_max: u64,
    /// A password is required and the client has not authenticated: like Redis, such a client
    /// may send at most [`UNAUTHENTICATED_ARGS_MAX`] arguments of at most
    /// [`UNAUTHENTICATED_BULK_MAX`] bytes, so an anonymous peer cannot make the server buffer
    /// much before it has proved anything.
    pub unauthenticated: bool,
}

pub const UNAUTHENTICATED_ARGS_MAX: i64 = 10;
pub const UNAUTHENTICATED_BULK_MAX: i64 = 16 * 1024;

impl ProtocolError {
    /// The error line Redis sends, without the leading `-` and trailing CRLF.
    pub fn message(&self) -> String {
        match self {
            ProtocolError::TooBigInline => "ERR Protocol error: too big inline request".into(),
            ProtocolError::UnbalancedQuotes => {
                "ERR Protocol error: unbalanced quotes in request".into()
            }
            ProtocolError::TooBigMultibulkHeader => {
                "ERR Protocol error: too big mbulk count string".into()
            }
            ProtocolError::InvalidMultibulkLength => {
                "ERR Protocol error: invalid multibulk length".into()
            }
            ProtocolError::TooBigBulkHeader => {
                "ERR Protocol error: too big bulk count string".into()
            }
            ProtocolError::ExpectedDollar(b) => {
                format!("ERR Protocol error: expected '$', got '{}'", *b as char)
            }
            ProtocolError::InvalidBulkLength => "ERR Protocol error: invalid bulk length".into(),
            ProtocolError::UnauthenticatedMultibulkLength => {
                "ERR Protocol error: unauthenticated multibulk length".into()
            }
            ProtocolError::UnauthenticatedBulkLength => {
                "ERR Protocol error: unauthenticated bulk length".into()
            }
        }
    }
}

/// Per-connection parser state.
#[derive(Debug, Default)]
pub struct RequestParser {
    /// Arguments still expected by the multibulk being read; 0 when between commands.
    remaining: usize,
    /// Length of the bulk whose header was read and whose payload has not fully arrived.
    bulk_len: Option<usize>,
    args: Vec<Bytes>,
}

impl RequestParser {
    pub fn new() -> RequestParser {
        RequestParser::default()
    }

    /// True when part of a command has been consumed and the rest is awaited.
    pub fn is_mid_command(&self) -> bool {
        self.remaining > 0
    }

    /// Consumes the next complete command from `buf`. `Ok(None)`: more bytes are needed.
    /// An empty argument vector is never returned: empty multibulks and blank inline lines are
    /// skipped as Redis skips them.
    pub fn next(
        &mut self,
        buf: &mut BytesMut,
        limits: Limits,
    ) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        loop {
            if self.remaining == 0 {
                if buf.is_empty() {
                    return Ok(None);
                }
                if buf[0] != b'*' {
                    match parse_inline(buf)? {
                        None => return Ok(None),
                        Some(args) if args.is_empty() => continue,
                        Some(args) => return Ok(Some(args)),
                    }
                }
                let Some(line_end) = find_cr(buf) else {
                    if buf.len() > INLINE_MAX_BYTES {
                        return Err(ProtocolError::TooBigMultibulkHeader);
                    }
                    return Ok(None);
                };
                if line_end + 1 >= buf.len() {
                    return Ok(None); // the '\n' has not arrived yet
                }
                let count =
                    parse_i64(&buf[1..line_end]).ok_or(ProtocolError::InvalidMultibulkLength)?;
                if count > MULTIBULK_COUNT_MAX {
                    return Err(ProtocolError::InvalidMultibulkLength);
                }
                if count > UNAUTHENTICATED_ARGS_MAX && limits.unauthenticated {
                    return Err(ProtocolError::UnauthenticatedMultibulkLength);
                }
                buf.advance(line_end + 2);
                if count <= 0 {
                    continue;
                }
                self.remaining = count as usize;
                self.args = Vec::with_capacity(self.remaining.min(ARGS_PREALLOC_MAX));
            }
            // Inside a multibulk: read bulks until the command is complete or bytes run out.
            while self.remaining > 0 {
                let len = match self.bulk_len {
                    Some(len) => len,
                    None => {
                        let Some(line_end) = find_cr(buf) else {
                            if buf.len() > INLINE_MAX_BYTES {
                                return Err(ProtocolError::TooBigBulkHeader);
                            }
                            return Ok(None);
                        };
                        if line_end + 1 >= buf.len() {
                            return Ok(None);
                        }
                        if buf[0] != b'$' {
                            return Err(ProtocolError::ExpectedDollar(buf[0]));
                        }
                        let len =
                            parse_i64(&buf[1..line_end]).ok_or(ProtocolError::InvalidBulkLength)?;
                        if len < 0 || len as u64 > limits.bulk_len_max {
                            return Err(ProtocolError::InvalidBulkLength);
                        }
                        if len > UNAUTHENTICATED_BULK_MAX && limits.unauthenticated {
                            return Err(ProtocolError::UnauthenticatedBulkLength);
                        }
                        buf.advance(line_end + 2);
                        self.bulk_len = Some(len as usize);
                        len as usize
                    }
                };
                // Like Redis, the two bytes after the payload are skipped, not checked.
                if buf.len() < len + 2 {
                    // Reserve for the payload only once it is known to be legitimate and
                    // partly here: the length was checked against the limit above.
                    buf.reserve(len + 2 - buf.len());
                    return Ok(None);
                }
                let arg = buf.split_to(len).freeze();
                buf.advance(2);
                self.bulk_len = None;
                self.args.push(arg);
                self.remaining -= 1;
            }
            return Ok(Some(std::mem::take(&mut self.args)));
        }
    }
}

fn find_cr(buf: &[u8]) -> Option<usize> {
    find_before_nul(buf, b'\r')
}

/// Finds `target` within the first `INLINE_MAX_BYTES + 1` bytes, the way Redis's `strchr` on
/// its query buffer does: a NUL byte ends the search. A header or inline line with a NUL in it
/// therefore never completes and is refused once it passes the inline limit, as in Redis.
fn find_before_nul(buf: &[u8], target: u8) -> Option<usize> {
    let limit = buf.len().min(INLINE_MAX_BYTES + 1);
    match buf[..limit].iter().position(|&b| b == target || b == 0) {
        Some(i) if buf[i] == target => Some(i),
        _ => None,
    }
}

/// Parses a decimal integer the way Redis's `string2ll` does: optional '-', no '+', no leading
/// zeros, no spaces, no overflow.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (negative, digits) = if s[0] == b'-' {
        (true, &s[1..])
    } else {
        (false, s)
    };
    if digits.is_empty() || !(b'1'..=b'9').contains(&digits[0]) {
        return None;
    }
    let mut value: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add((d - b'0') as u64)?;
    }
    if negative {
        if value > i64::MAX as u64 + 1 {
            None
        } else {
            Some((value as i64).wrapping_neg())
        }
    } else if value > i64::MAX as u64 {
        None
    } else {
        Some(value as i64)
    }
}

/// One inline command line: up to '\n', a trailing '\r' dropped, split like `sdssplitargs`.
fn parse_inline(buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, ProtocolError> {
    let Some(newline) = find_before_nul(buf, b'\n') else {
        if buf.len() > INLINE_MAX_BYTES {
            return Err(ProtocolError::TooBigInline);
        }
        return Ok(None);
    };
    let line = buf.split_to(newline + 1);
    let mut line = &line[..newline];
    if line.last() == Some(&b'\r') {
        line = &line[..line.len() - 1];
    }
    split_args(line)
        .map(Some)
        .ok_or(ProtocolError::UnbalancedQuotes)
}

/// Splits a line into arguments like Redis's `sdssplitargs`: a NUL byte ends the line (it is a
/// C string there); blanks separate arguments;
/// "double quotes" take C-style escapes (\n \r \t \b \a \\ \" \xHH); 'single quotes' take \';
/// a closing quote must be followed by a blank or the end. `None` on unbalanced quotes.
pub fn split_args(line: &[u8]) -> Option<Vec<Bytes>> {
    let line = match line.iter().position(|&b| b == 0) {
        Some(nul) => &line[..nul],
        None => line,
    };
    let mut args = Vec::new();
    let mut i = 0;
    let n = line.len();
    let is_space = |b: u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t' | 0x0b | 0x0c);
    loop {
        while i < n && is_space(line[i]) {
            i += 1;
        }
        if i >= n {
            return Some(args);
        }
        let mut current = Vec::new();
        let mut in_double = false;
        let mut in_single = false;
        loop {
            if in_double {
                if i >= n {
                    return None;
                }
                let c = line[i];
                if c == b'\\'
                    && i + 3 < n
                    && line[i + 1] == b'x'
                    && line[i + 2].is_ascii_hexdigit()
                    && line[i + 3].is_ascii_hexdigit()
                {
                    current.push(hex_value(line[i + 2]) * 16 + hex_value(line[i + 3]));
                    i += 3;
                } else if c == b'\\' && i + 1 < n {
                    i += 1;
                    current.push(match line[i] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                } else if c == b'"' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return None;
                    }
                    i += 1;
                    break;
                } else {
                    current.push(c);
                }
            } else if in_single {
                if i >= n {
                    return None;
                }
                let c = line[i];
                if c == b'\\' && i + 1 < n && line[i + 1] == b'\'' {
                    i += 1;
                    current.push(b'\'');
                } else if c == b'\'' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return None;
                    }
                    i += 1;
                    break;
                } else {
                    current.push(c);
                }
            } else {
                if i >= n {
                    break;
                }
                match line[i] {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => {
                        break;
                    }
                    b'"' => in_double = true,
                    b'\'' => in_single = true,
                    c => current.push(c),
                }
            }
            i += 1;
        }
        args.push(Bytes::from(current));
    }
}

fn hex_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: Limits = Limits {
        bulk_len_max: 512 * 1024 * 1024,
        unauthenticated: false,
    };

    fn parse_all(input: &[u8]) -> Result<Vec<Vec<Bytes>>, ProtocolError> {
        let mut parser = RequestParser::new();
        let mut buf = BytesMut::from(input);
        let mut out = Vec::new();
        while let Some(cmd) = parser.next(&mut buf, MAX)? {
            out.push(cmd);
        }
        Ok(out)
    }

    fn args(items: &[&str]) -> Vec<Bytes> {
        items
            .iter()
            .map(|s| Bytes::copy_from_slice(s.as_bytes()))
            .collect()
    }

    #[test]
    fn multibulk_pipeline() {
        let input = b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n";
        assert_eq!(
            parse_all(input).unwrap(),
            vec![args(&["GET", "k"]), args(&["SET", "k", ""])]
        );
    }

    #[test]
    fn every_split_point_gives_the_same_commands() {
        let input: &[u8] = b"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\nPING\r\n*0\r\n*1\r\n$4\r\nPING\r\n  set a \"b c\"\r\n";
        let whole = parse_all(input).unwrap();
        assert_eq!(whole.len(), 4);
        for split in 0..=input.len() {
            for second_split in split..=input.len() {
                let mut parser = RequestParser::new();
                let mut buf = BytesMut::new();
                let mut got = Vec::new();
                for chunk in [
                    &input[..split],
                    &input[split..second_split],
                    &input[second_split..],
                ] {
                    buf.extend_from_slice(chunk);
                    while let Some(cmd) = parser.next(&mut buf, MAX).unwrap() {
                        got.push(cmd);
                    }
                }
                assert_eq!(got, whole, "splits at {split} and {second_split}");
                assert!(buf.is_empty());
            }
        }
    }

    #[test]
    fn inline_commands() {
        assert_eq!(parse_all(b"PING\r\n").unwrap(), vec![args(&["PING"])]);
        assert_eq!(
            parse_all(b"set k v\n").unwrap(),
            vec![args(&["set", "k", "v"])]
        );
        assert_eq!(parse_all(b"\r\n\r\nPING\n").unwrap(), vec![args(&["PING"])]);
        assert_eq!(
            parse_all(b"set k \"a\\x41\\n\"\r\n").unwrap(),
            vec![args(&["set", "k", "aA\n"])]
        );
        assert_eq!(
            parse_all(b"set k 'it\\'s'\r\n").unwrap(),
            vec![args(&["set", "k", "it's"])]
        );
        assert_eq!(
            parse_all(b"set k \"ab\r\n"),
            Err(ProtocolError::UnbalancedQuotes)
        );
        assert_eq!(
            parse_all(b"set k \"ab\"c\r\n"),
            Err(ProtocolError::UnbalancedQuotes)
        );
    }

    #[test]
    fn nul_bytes_end_lines_like_c_strings() {
        // Redis's strchr never finds the newline past a NUL: the request waits, then is
        // refused as too big. It must never loop.
        assert_eq!(
            parse_all(b"echo a\x00b\r\n").unwrap(),
            Vec::<Vec<Bytes>>::new()
        );
        assert_eq!(parse_all(b"\x00\r\n").unwrap(), Vec::<Vec<Bytes>>::new());
        let mut long = b"echo a\x00".to_vec();
        long.extend(vec![b'b'; INLINE_MAX_BYTES]);
        assert_eq!(parse_all(&long), Err(ProtocolError::TooBigInline));
        assert_eq!(
            split_args(b"a b\x00c d").unwrap(),
            vec![Bytes::from("a"), Bytes::from("b")]
        );
        assert_eq!(split_args(b"\x00").unwrap(), Vec::<Bytes>::new());
    }

    #[test]
    fn protocol_errors() {
        assert_eq!(
            parse_all(b"*x\r\n"),
            Err(ProtocolError::InvalidMultibulkLength)
        );
        assert_eq!(
            parse_all(b"*3000000000\r\n"),
            Err(ProtocolError::InvalidMultibulkLength)
        );
        assert_eq!(
            parse_all(b"*1\r\n+ok\r\n"),
            Err(ProtocolError::ExpectedDollar(b'+'))
        );
        assert_eq!(
            parse_all(b"*1\r\n$-1\r\n"),
            Err(ProtocolError::InvalidBulkLength)
        );
        assert_eq!(
            parse_all(b"*1\r\n$536870913\r\n"),
            Err(ProtocolError::InvalidBulkLength)
        );
        assert_eq!(
            parse_all(b"*1\r\n$01\r\n"),
            Err(ProtocolError::InvalidBulkLength)
        );
        let long = vec![b'a'; INLINE_MAX_BYTES + 1];
        assert_eq!(parse_all(&long), Err(ProtocolError::TooBigInline));
        let mut mbulk = b"*".to_vec();
        mbulk.extend(vec![b'1'; INLINE_MAX_BYTES + 1]);
        assert_eq!(parse_all(&mbulk), Err(ProtocolError::TooBigMultibulkHeader));
    }

    #[test]
    fn unauthenticated_clients_get_small_limits() {
        let anon = Limits {
            unauthenticated: true,
            ..MAX
        };
        let mut parser = RequestParser::new();
        assert_eq!(
            parser.next(&mut BytesMut::from(&b"*11\r\n"[..]), anon),
            Err(ProtocolError::UnauthenticatedMultibulkLength)
        );
        let mut parser = RequestParser::new();
        assert_eq!(
            parser.next(&mut BytesMut::from(&b"*1\r\n$16385\r\n"[..]), anon),
            Err(ProtocolError::UnauthenticatedBulkLength)
        );
        let mut parser = RequestParser::new();
        let mut ok = BytesMut::from(&b"*10\r\n$16384\r\n"[..]);
        assert_eq!(parser.next(&mut ok, anon), Ok(None));
    }

    #[test]
    fn huge_announced_counts_allocate_nothing_up_front() {
        let mut parser = RequestParser::new();
        let mut buf = BytesMut::from(&b"*2000000000\r\n$2000\r\nab"[..]);
        assert_eq!(parser.next(&mut buf, MAX).unwrap(), None);
        assert!(parser.args.capacity() <= ARGS_PREALLOC_MAX);
        assert!(parser.is_mid_command());
    }

    #[test]
    fn integer_parsing_matches_string2ll() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        for bad in [&b""[..], b"-", b"-0", b"+1", b"01", b" 1", b"1 ", b"1.0"] {
            assert_eq!(parse_i64(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
