//! Reply encoding for RESP2 and RESP3, written straight into the connection's output buffer.
//!
//! Commands call the typed writers; the protocol version decides the bytes (for example a null
//! is `$-1` in RESP2 and `_` in RESP3, a map is a flat array in RESP2). Writing replies in place
//! rather than building a reply tree is what Redis does too, and it keeps the hot path free of
//! allocation; EXEC and scripts that need replies as values parse these bytes back.
//!
//! A session's `Reply` may carry a [`PushSlot`]: pub/sub messages that the client's own command
//! publishes to the client itself (PUBLISH to a channel it is subscribed to, a keyspace event
//! it listens to). Redis 7.0 writes those into the output buffer the moment they are
//! published, between the pieces of the command's reply (a SET's event before its `+OK`, a
//! GETDEL's after the value, a PUBLISH inside EXEC inside the EXEC array). Every writer below
//! first splices in what the slot holds, which reproduces exactly that order without handing
//! the output buffer to the publisher.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::{BufMut, BytesMut};

/// The wire protocol spoken with a client (`HELLO 2|3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Protocol {
    #[default]
    Resp2,
    Resp3,
}

/// Messages published to a client by its own running command, waiting to be spliced into its
/// reply at the next write (see the module header). Only the thread running that command
/// fills it, so the lock is never contended.
#[derive(Debug, Default)]
pub struct PushSlot {
    pending: AtomicBool,
    buf: Mutex<Vec<u8>>,
}

impl PushSlot {
    /// Queues already-encoded bytes for the next splice.
    pub fn push(&self, bytes: &[u8]) {
        self.buf
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(bytes);
        self.pending.store(true, Ordering::Release);
    }

    /// Takes everything queued.
    pub fn take(&self) -> Vec<u8> {
        let mut buf = self.buf.lock().unwrap_or_else(|p| p.into_inner());
        self.pending.store(false, Ordering::Release);
        std::mem::take(&mut *buf)
    }

    /// Moves everything queued to the end of `out`.
    fn drain_into(&self, out: &mut BytesMut) {
        let mut buf = self.buf.lock().unwrap_or_else(|p| p.into_inner());
        out.put_slice(&buf);
        buf.clear();
        self.pending.store(false, Ordering::Release);
    }
}

/// An output buffer plus the protocol to encode with.
#[derive(Debug, Default)]
pub struct Reply {
    pub buf: BytesMut,
    pub protocol: Protocol,
    /// Error replies written since the counter was last reset (for INFO stats).
    pub errors_written: u64,
    /// Pushes of the client's own command to splice in (sessions only).
    pushes: Option<Arc<PushSlot>>,
}

impl Reply {
    pub fn new(protocol: Protocol) -> Reply {
        Reply {
            buf: BytesMut::with_capacity(16 * 1024),
            protocol,
            errors_written: 0,
            pushes: None,
        }
    }

    /// An empty buffer for a part of this reply written before its header (a length known
    /// only afterwards), sharing the push slot: a push published while the part is built lands
    /// in it where it was published, as after Redis's deferred length.
    pub fn part(&self) -> Reply {
        Reply {
            buf: BytesMut::new(),
            protocol: self.protocol,
            errors_written: 0,
            pushes: self.pushes.clone(),
        }
    }

    /// Splices the pushes of `slot` into this reply as they are written (see the module header).
    pub fn with_push_slot(mut self, slot: Arc<PushSlot>) -> Reply {
        self.pushes = Some(slot);
        self
    }

    /// Appends any pushes waiting in the slot. Every writer calls it first; the session calls
    /// it once more after a command, for pushes published after its last write.
    #[inline]
    pub fn splice(&mut self) {
        if let Some(slot) = &self.pushes
            && slot.pending.load(Ordering::Acquire)
        {
            slot.drain_into(&mut self.buf);
        }
    }

    pub fn resp3(&self) -> bool {
        self.protocol == Protocol::Resp3
    }

    fn header(&mut self, prefix: u8, n: i64) {
        self.splice();
        self.buf.put_u8(prefix);
        let mut digits = itoa::Buffer::new();
        self.buf.put_slice(digits.format(n).as_bytes());
        self.buf.put_slice(b"\r\n");
    }

    /// `+OK`
    pub fn ok(&mut self) {
        self.splice();
        self.buf.put_slice(b"+OK\r\n");
    }

    /// A status line (`+text`). `text` must not contain CR or LF.
    pub fn simple(&mut self, text: &str) {
        self.splice();
        debug_assert!(!text.contains(['\r', '\n']));
        self.buf.put_u8(b'+');
        self.buf.put_slice(text.as_bytes());
        self.buf.put_slice(b"\r\n");
    }

    /// An error line (`-ERR ...`). `text` includes the code (`ERR`, `WRONGTYPE`, ...); CR and
    /// LF are replaced by spaces as Redis does, so a reply can never break the framing.
    pub fn error(&mut self, text: impl AsRef<[u8]>) {
        self.splice();
        self.errors_written += 1;
        self.buf.put_u8(b'-');
        for &b in text.as_ref() {
            self.buf
                .put_u8(if b == b'\r' || b == b'\n' { b' ' } else { b });
        }
        self.buf.put_slice(b"\r\n");
    }

    /// A bulk string.
    pub fn bulk(&mut self, data: &[u8]) {
        self.header(b'$', data.len() as i64);
        self.buf.put_slice(data);
        self.buf.put_slice(b"\r\n");
    }

    /// An integer formatted as a bulk string (what Redis sends for INCRBYFLOAT-like values).
    pub fn bulk_i64(&mut self, value: i64) {
        let mut digits = itoa::Buffer::new();
        self.bulk(digits.format(value).as_bytes());
    }

    /// The null reply: `$-1` in RESP2, `_` in RESP3.
    pub fn null(&mut self) {
        self.splice();
        if self.resp3() {
            self.buf.put_slice(b"_\r\n");
        } else {
            self.buf.put_slice(b"$-1\r\n");
        }
    }

    /// The null array of RESP2 (`*-1`), `_` in RESP3.
    pub fn null_array(&mut self) {
        self.splice();
        if self.resp3() {
            self.buf.put_slice(b"_\r\n");
        } else {
            self.buf.put_slice(b"*-1\r\n");
        }
    }

    pub fn int(&mut self, value: i64) {
        self.header(b':', value);
    }

    pub fn array(&mut self, len: usize) {
        self.header(b'*', len as i64);
    }

    /// A map of `len` pairs: `%len` in RESP3, an array of `2*len` in RESP2.
    pub fn map(&mut self, len: usize) {
        if self.resp3() {
            self.header(b'%', len as i64);
        } else {
            self.header(b'*', 2 * len as i64);
        }
    }

    /// A set: `~len` in RESP3, an array in RESP2.
    pub fn set(&mut self, len: usize) {
        if self.resp3() {
            self.header(b'~', len as i64);
        } else {
            self.header(b'*', len as i64);
        }
    }

    /// An out-of-band push (`>len`), RESP3 only; RESP2 clients get an array.
    pub fn push(&mut self, len: usize) {
        if self.resp3() {
            self.header(b'>', len as i64);
        } else {
            self.header(b'*', len as i64);
        }
    }

    /// A boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2.
    pub fn boolean(&mut self, value: bool) {
        self.splice();
        if self.resp3() {
            self.buf
                .put_slice(if value { b"#t\r\n" } else { b"#f\r\n" });
        } else {
            self.int(value as i64);
        }
    }

    /// A double: `,value` in RESP3, a bulk string in RESP2, formatted as Redis formats them.
    pub fn double(&mut self, value: f64) {
        self.splice();
        let text = crate::util::format_double(value);
        if self.resp3() {
            self.buf.put_u8(b',');
            self.buf.put_slice(text.as_bytes());
            self.buf.put_slice(b"\r\n");
        } else {
            self.bulk(text.as_bytes());
        }
    }

    /// A verbatim string (`=len\r\ntxt:...`) in RESP3, a bulk string in RESP2.
    pub fn verbatim(&mut self, text: &[u8]) {
        if self.resp3() {
            self.header(b'=', text.len() as i64 + 4);
            self.buf.put_slice(b"txt:");
            self.buf.put_slice(text);
            self.buf.put_slice(b"\r\n");
        } else {
            self.bulk(text);
        }
    }

    /// Bytes already encoded for this protocol.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.splice();
        self.buf.put_slice(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(protocol: Protocol, f: impl FnOnce(&mut Reply)) -> Vec<u8> {
        let mut reply = Reply::new(protocol);
        f(&mut reply);
        reply.buf.to_vec()
    }

    #[test]
    fn resp2_and_resp3_shapes() {
        assert_eq!(encode(Protocol::Resp2, |r| r.null()), b"$-1\r\n");
        assert_eq!(encode(Protocol::Resp3, |r| r.null()), b"_\r\n");
        assert_eq!(encode(Protocol::Resp2, |r| r.map(2)), b"*4\r\n");
        assert_eq!(encode(Protocol::Resp3, |r| r.map(2)), b"%2\r\n");
        assert_eq!(encode(Protocol::Resp2, |r| r.double(1.5)), b"$3\r\n1.5\r\n");
        assert_eq!(encode(Protocol::Resp3, |r| r.double(1.5)), b",1.5\r\n");
        assert_eq!(encode(Protocol::Resp3, |r| r.boolean(true)), b"#t\r\n");
        assert_eq!(encode(Protocol::Resp2, |r| r.int(-12)), b":-12\r\n");
        assert_eq!(encode(Protocol::Resp2, |r| r.bulk(b"")), b"$0\r\n\r\n");
        assert_eq!(
            encode(Protocol::Resp2, |r| r.error("ERR a\r\nb")),
            b"-ERR a  b\r\n"
        );
        assert_eq!(
            encode(Protocol::Resp3, |r| r.verbatim(b"hi")),
            b"=6\r\ntxt:hi\r\n"
        );
    }
}
