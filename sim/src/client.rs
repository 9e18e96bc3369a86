//! A small RESP client over any `ferrite_io::Stream`, for workloads inside the simulator.
//! Independent of the server's codec on purpose: the workload must not share the code it tests.

use std::io;

use bytes::{Buf, BytesMut};
use ferrite_io::Stream;

/// A decoded reply (RESP2, plus the RESP3 null).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reply {
    Status(String),
    Error(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<Reply>>),
}

pub struct Client<S: Stream> {
    stream: S,
    buf: BytesMut,
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

fn line(buf: &[u8], from: usize) -> Option<(&[u8], usize)> {
    let end = buf[from..].windows(2).position(|w| w == b"\r\n")? + from;
    Some((&buf[from..end], end + 2))
}

fn int(text: &[u8]) -> io::Result<i64> {
    std::str::from_utf8(text)
        .ok()
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| invalid("bad integer in reply"))
}

/// Parses one reply starting at `at`; `Ok(None)` if incomplete.
pub fn parse(buf: &[u8], at: usize) -> io::Result<Option<(Reply, usize)>> {
    if at >= buf.len() {
        return Ok(None);
    }
    let Some((text, next)) = line(buf, at + 1) else {
        return Ok(None);
    };
    let reply = match buf[at] {
        b'+' => (
            Reply::Status(String::from_utf8_lossy(text).into_owned()),
            next,
        ),
        b'-' => (
            Reply::Error(String::from_utf8_lossy(text).into_owned()),
            next,
        ),
        b':' => (Reply::Int(int(text)?), next),
        b'_' => (Reply::Bulk(None), next),
        b'$' => {
            let len = int(text)?;
            if len < 0 {
                (Reply::Bulk(None), next)
            } else {
                let end = next + len as usize;
                if buf.len() < end + 2 {
                    return Ok(None);
                }
                (Reply::Bulk(Some(buf[next..end].to_vec())), end + 2)
            }
        }
        b'*' => {
            let len = int(text)?;
            if len < 0 {
                (Reply::Array(None), next)
            } else {
                let mut items = Vec::new();
                let mut pos = next;
                for _ in 0..len {
                    match parse(buf, pos)? {
                        Some((item, after)) => {
                            items.push(item);
                            pos = after;
                        }
                        None => return Ok(None),
                    }
                }
                (Reply::Array(Some(items)), pos)
            }
        }
        other => return Err(invalid(&format!("unexpected reply type byte {other:#x}"))),
    };
    Ok(Some(reply))
}

pub fn encode(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for arg in args {
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
    out
}

impl<S: Stream> Client<S> {
    pub fn new(stream: S) -> Client<S> {
        Client {
            stream,
            buf: BytesMut::new(),
        }
    }

    /// Sends one command and waits for its reply.
    pub async fn call(&mut self, args: &[&[u8]]) -> io::Result<Reply> {
        self.stream.write_all(&encode(args)).await?;
        self.reply().await
    }

    /// Sends one command without waiting for a reply (SUBSCRIBE answers once per channel).
    pub async fn send(&mut self, args: &[&[u8]]) -> io::Result<()> {
        self.stream.write_all(&encode(args)).await
    }

    /// Sends several commands in one write (a pipeline) and waits for all their replies.
    pub async fn call_many(&mut self, commands: &[Vec<&[u8]>]) -> io::Result<Vec<Reply>> {
        let mut out = Vec::new();
        for args in commands {
            out.extend_from_slice(&encode(args));
        }
        self.stream.write_all(&out).await?;
        let mut replies = Vec::with_capacity(commands.len());
        for _ in commands {
            replies.push(self.reply().await?);
        }
        Ok(replies)
    }

    /// Waits for the next reply: one a command sent earlier answers, or a message pushed to a
    /// subscriber.
    pub async fn reply(&mut self) -> io::Result<Reply> {
        loop {
            if let Some((reply, used)) = parse(&self.buf, 0)? {
                self.buf.advance(used);
                return Ok(reply);
            }
            if self.stream.read(&mut self.buf).await? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_shape_and_waits_for_more() {
        let input = b"+OK\r\n-ERR x\r\n:5\r\n$3\r\nabc\r\n$-1\r\n*2\r\n:1\r\n$1\r\nz\r\n_\r\n";
        let mut pos = 0;
        let mut got = Vec::new();
        while let Some((reply, next)) = parse(input, pos).unwrap() {
            got.push(reply);
            pos = next;
        }
        assert_eq!(pos, input.len());
        assert_eq!(got.len(), 7);
        assert_eq!(
            got[5],
            Reply::Array(Some(vec![Reply::Int(1), Reply::Bulk(Some(b"z".to_vec()))]))
        );
        for cut in 0..input.len() - 1 {
            let partial = &input[..cut];
            let mut pos = 0;
            while let Some((_, next)) = parse(partial, pos).unwrap() {
                pos = next;
            }
            assert!(pos <= cut);
        }
    }
}
