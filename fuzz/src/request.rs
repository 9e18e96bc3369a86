//! A reference request parser: the whole input at once, as Redis 7.0's networking layer
//! reads requests, written from its described behaviour without the engine's resumable state.
//!
//! The result is the commands found and how the input ends: cleanly, in the middle of a
//! command (more bytes would be needed), or with a protocol error.

/// Longest inline line or `*`/`$` header line (Redis's PROTO_INLINE_MAX_SIZE).
pub const INLINE_MAX: usize = 64 * 1024;
/// Limits of a client that must authenticate first.
pub const UNAUTH_ARGS_MAX: i64 = 10;
pub const UNAUTH_BULK_MAX: i64 = 16 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub commands: Vec<Vec<Vec<u8>>>,
    /// The error reply (without `-` and CRLF) if the input broke the protocol.
    pub error: Option<String>,
}

/// Where a line ends: the index of `target` in `rest`, searching like C's `strchr` over a
/// NUL-terminated buffer of at most `INLINE_MAX + 1` bytes (a NUL ends the search).
fn find(rest: &[u8], target: u8) -> Option<usize> {
    for (i, &b) in rest.iter().enumerate().take(INLINE_MAX + 1) {
        if b == 0 {
            return None;
        }
        if b == target {
            return Some(i);
        }
    }
    None
}

/// Redis's `string2ll`: canonical decimal only.
fn number(text: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(text).ok()?;
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.len() > 1 && digits.starts_with('0') || s == "-0" {
        return None;
    }
    s.parse().ok()
}

enum Step {
    /// Consumed this many bytes, maybe yielding a command.
    Took(usize, Option<Vec<Vec<u8>>>),
    /// The input ends inside a request.
    Incomplete,
    Error(String),
}

/// Parses all of `input`.
pub fn parse(input: &[u8], bulk_len_max: u64, unauthenticated: bool) -> Parsed {
    let mut parsed = Parsed {
        commands: Vec::new(),
        error: None,
    };
    let mut pos = 0;
    while pos < input.len() {
        let rest = &input[pos..];
        let step = if rest[0] == b'*' {
            multibulk(rest, bulk_len_max, unauthenticated)
        } else {
            inline(rest)
        };
        match step {
            Step::Took(n, command) => {
                pos += n;
                parsed.commands.extend(command);
            }
            Step::Incomplete => break,
            Step::Error(e) => {
                parsed.error = Some(e);
                break;
            }
        }
    }
    parsed
}

fn inline(rest: &[u8]) -> Step {
    let Some(newline) = find(rest, b'\n') else {
        if rest.len() > INLINE_MAX {
            return Step::Error("ERR Protocol error: too big inline request".into());
        }
        return Step::Incomplete;
    };
    let line = &rest[..newline];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match split(line) {
        Some(args) if args.is_empty() => Step::Took(newline + 1, None),
        Some(args) => Step::Took(newline + 1, Some(args)),
        None => Step::Error("ERR Protocol error: unbalanced quotes in request".into()),
    }
}

/// A header line `<kind><number>\r?`: the number's text and the header's length. The byte
/// after the CR is skipped unread, as Redis skips it.
fn header(rest: &[u8]) -> Result<Option<(&[u8], usize)>, ()> {
    match find(rest, b'\r') {
        None if rest.len() > INLINE_MAX => Err(()),
        None => Ok(None),
        Some(cr) if cr + 1 >= rest.len() => Ok(None),
        // A CR first (no kind byte) gives empty text; the caller refuses the kind first.
        Some(cr) => Ok(Some((&rest[cr.min(1)..cr], cr + 2))),
    }
}

fn multibulk(rest: &[u8], bulk_len_max: u64, unauthenticated: bool) -> Step {
    let (text, mut used) = match header(rest) {
        Err(()) => return Step::Error("ERR Protocol error: too big mbulk count string".into()),
        Ok(None) => return Step::Incomplete,
        Ok(Some(h)) => h,
    };
    let count = match number(text) {
        Some(n) if n <= i32::MAX as i64 => n,
        _ => return Step::Error("ERR Protocol error: invalid multibulk length".into()),
    };
    if unauthenticated && count > UNAUTH_ARGS_MAX {
        return Step::Error("ERR Protocol error: unauthenticated multibulk length".into());
    }
    if count <= 0 {
        return Step::Took(used, None);
    }
    let mut args = Vec::new();
    for _ in 0..count {
        let here = &rest[used..];
        let (text, header_len) = match header(here) {
            Err(()) => return Step::Error("ERR Protocol error: too big bulk count string".into()),
            Ok(None) => return Step::Incomplete,
            Ok(Some(h)) => h,
        };
        if here[0] != b'$' {
            return Step::Error(format!(
                "ERR Protocol error: expected '$', got '{}'",
                here[0] as char
            ));
        }
        let len = match number(text) {
            Some(n) if n >= 0 && n as u64 <= bulk_len_max => n,
            _ => return Step::Error("ERR Protocol error: invalid bulk length".into()),
        };
        if unauthenticated && len > UNAUTH_BULK_MAX {
            return Step::Error("ERR Protocol error: unauthenticated bulk length".into());
        }
        let len = len as usize;
        // The payload and the two bytes after it (skipped unread, as Redis does).
        if here.len() < header_len + len + 2 {
            return Step::Incomplete;
        }
        args.push(here[header_len..header_len + len].to_vec());
        used += header_len + len + 2;
    }
    Step::Took(used, Some(args))
}

/// Blanks between arguments (C's `isspace`).
fn blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Between,
    Plain,
    Double,
    Single,
}

/// Splits an inline line like Redis's `sdssplitargs`. `None`: unbalanced quotes.
pub fn split(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    // The line is a C string there: a NUL ends it.
    let line = line.split(|&b| b == 0).next().unwrap_or(&[]);
    let mut args = Vec::new();
    let mut arg = Vec::new();
    let mut mode = Mode::Between;
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        match mode {
            Mode::Between if blank(b) => {}
            Mode::Between | Mode::Plain => {
                mode = Mode::Plain;
                match b {
                    b' ' | b'\t' | b'\n' | b'\r' => {
                        args.push(std::mem::take(&mut arg));
                        mode = Mode::Between;
                    }
                    b'"' => mode = Mode::Double,
                    b'\'' => mode = Mode::Single,
                    _ => arg.push(b),
                }
            }
            Mode::Double => match b {
                b'"' => {
                    if line.get(i + 1).is_some_and(|&n| !blank(n)) {
                        return None;
                    }
                    args.push(std::mem::take(&mut arg));
                    mode = Mode::Between;
                    i += 1; // the blank after the quote
                }
                b'\\' if i + 1 < line.len() => {
                    let hex = |c: u8| (c as char).to_digit(16);
                    match (
                        line[i + 1],
                        line.get(i + 2).copied().and_then(hex),
                        line.get(i + 3).copied().and_then(hex),
                    ) {
                        (b'x', Some(h), Some(l)) => {
                            arg.push((h * 16 + l) as u8);
                            i += 3;
                        }
                        (c, _, _) => {
                            arg.push(match c {
                                b'n' => b'\n',
                                b'r' => b'\r',
                                b't' => b'\t',
                                b'b' => 0x08,
                                b'a' => 0x07,
                                other => other,
                            });
                            i += 1;
                        }
                    }
                }
                _ => arg.push(b),
            },
            Mode::Single => match b {
                b'\'' => {
                    if line.get(i + 1).is_some_and(|&n| !blank(n)) {
                        return None;
                    }
                    args.push(std::mem::take(&mut arg));
                    mode = Mode::Between;
                    i += 1;
                }
                b'\\' if line.get(i + 1) == Some(&b'\'') => {
                    arg.push(b'\'');
                    i += 1;
                }
                _ => arg.push(b),
            },
        }
        i += 1;
    }
    match mode {
        Mode::Double | Mode::Single => None,
        Mode::Plain => {
            args.push(arg);
            Some(args)
        }
        Mode::Between => Some(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(items: &[&str]) -> Vec<Vec<u8>> {
        items.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    #[test]
    fn splits_like_sdssplitargs() {
        assert_eq!(split(b"set a \"b c\""), Some(words(&["set", "a", "b c"])));
        assert_eq!(split(b"a\"b c\" d"), Some(words(&["ab c", "d"])));
        assert_eq!(
            split(b"'it\\'s' \"\\x41\\n\""),
            Some(words(&["it's", "A\n"]))
        );
        assert_eq!(split(b"\"ab\"c"), None);
        assert_eq!(split(b"'ab"), None);
        assert_eq!(split(b"a\x0bb"), Some(words(&["a\x0bb"])));
        assert_eq!(split(b"a b\x00c"), Some(words(&["a", "b"])));
        assert_eq!(split(b"  "), Some(vec![]));
    }

    #[test]
    fn parses_pipelines_and_errors() {
        let p = parse(
            b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n*0\r\n*1\r\n$4\r\nPI",
            1 << 20,
            false,
        );
        assert_eq!(p.commands, vec![words(&["GET", "k"]), words(&["PING"])]);
        assert_eq!(p.error, None);
        let p = parse(b"*1\r\n+x\r\n", 1 << 20, false);
        assert_eq!(
            p.error.as_deref(),
            Some("ERR Protocol error: expected '$', got '+'")
        );
    }
}
