//! MONITOR: clients that receive every command the server runs, formatted as Redis does
//! (`+1700000000.123456 [0 127.0.0.1:5000] "set" "k" "v"`).
//!
//! Commands flagged `admin` or `skip_monitor` are not shown after they run (scripts are
//! shown before they run, so their `[0 lua]` calls follow them); AUTH and HELLO's password is
//! shown as "(redacted)". The lines go to each monitor's outbox under the normal client class
//! of `client-output-buffer-limit`, so a monitor that does not read is disconnected rather
//! than growing memory.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use crate::client::ClientHandle;
use crate::config::ObufLimit;

#[derive(Debug, Default)]
pub struct Monitors {
    clients: Mutex<Vec<Arc<ClientHandle>>>,
    /// How many clients monitor: checked on every command without the lock.
    count: AtomicUsize,
}

impl Monitors {
    fn clients(&self) -> std::sync::MutexGuard<'_, Vec<Arc<ClientHandle>>> {
        self.clients.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn any(&self) -> bool {
        self.count.load(Ordering::Relaxed) > 0
    }

    pub fn add(&self, handle: &Arc<ClientHandle>) {
        let mut clients = self.clients();
        if !clients.iter().any(|c| c.id == handle.id) {
            clients.push(handle.clone());
        }
        self.count.store(clients.len(), Ordering::Relaxed);
    }

    pub fn remove(&self, id: u64) {
        let mut clients = self.clients();
        clients.retain(|c| c.id != id);
        self.count.store(clients.len(), Ordering::Relaxed);
    }

    pub fn contains(&self, id: u64) -> bool {
        self.any() && self.clients().iter().any(|c| c.id == id)
    }

    /// Sends one command to every monitor. `source` is the client's address, or "lua".
    pub fn feed(&self, unix_us: u64, db: usize, source: &str, args: &[Bytes], limit: ObufLimit) {
        let line = format_line(unix_us, db, source, args);
        let now_ms = unix_us / 1000;
        for client in self.clients().iter() {
            client.push(&line, limit, now_ms);
        }
    }
}

/// The status line a monitor receives for one command.
pub fn format_line(unix_us: u64, db: usize, source: &str, args: &[Bytes]) -> Vec<u8> {
    let mut line = format!(
        "+{}.{:06} [{db} {source}]",
        unix_us / 1_000_000,
        unix_us % 1_000_000
    )
    .into_bytes();
    let redact_from = redacted_from(args);
    for (i, arg) in args.iter().enumerate() {
        line.push(b' ');
        if redact_from.as_ref().is_some_and(|r| r.contains(&i)) {
            line.extend_from_slice(b"\"(redacted)\"");
        } else {
            quote(&mut line, arg);
        }
    }
    line.extend_from_slice(b"\r\n");
    line
}

/// Which arguments hide a password: AUTH's, and HELLO's after AUTH.
fn redacted_from(args: &[Bytes]) -> Option<std::ops::Range<usize>> {
    if args[0].eq_ignore_ascii_case(b"auth") {
        return Some(1..args.len());
    }
    if args[0].eq_ignore_ascii_case(b"hello") {
        // HELLO [protover [AUTH username password] [SETNAME name]]
        let mut i = 2;
        while i < args.len() {
            if args[i].eq_ignore_ascii_case(b"auth") && i + 2 < args.len() {
                return Some(i + 1..i + 3);
            }
            i += 1;
        }
    }
    None
}

/// Redis's `sdscatrepr`: a double-quoted string with C escapes and `\xHH` for other bytes.
fn quote(line: &mut Vec<u8>, arg: &[u8]) {
    line.push(b'"');
    for &b in arg {
        match b {
            b'\\' | b'"' => {
                line.push(b'\\');
                line.push(b);
            }
            b'\n' => line.extend_from_slice(b"\\n"),
            b'\r' => line.extend_from_slice(b"\\r"),
            b'\t' => line.extend_from_slice(b"\\t"),
            7 => line.extend_from_slice(b"\\a"),
            8 => line.extend_from_slice(b"\\b"),
            0x20..=0x7e => line.push(b),
            _ => line.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
        }
    }
    line.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&[u8]]) -> Vec<Bytes> {
        list.iter().map(|a| Bytes::copy_from_slice(a)).collect()
    }

    #[test]
    fn lines_are_formatted_as_redis_formats_them() {
        let line = format_line(
            1_700_000_000_000_042,
            3,
            "127.0.0.1:5000",
            &args(&[b"SET", b"k", b"a\x01\"b\n"]),
        );
        assert_eq!(
            line,
            b"+1700000000.000042 [3 127.0.0.1:5000] \"SET\" \"k\" \"a\\x01\\\"b\\n\"\r\n"
        );
    }

    #[test]
    fn passwords_are_redacted() {
        let line = format_line(0, 0, "lua", &args(&[b"AUTH", b"user", b"pw"]));
        assert_eq!(
            line,
            b"+0.000000 [0 lua] \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n"
        );
        let line = format_line(
            0,
            0,
            "x",
            &args(&[b"hello", b"3", b"AUTH", b"u", b"p", b"SETNAME", b"n"]),
        );
        assert_eq!(
            line,
            b"+0.000000 [0 x] \"hello\" \"3\" \"AUTH\" \"(redacted)\" \"(redacted)\" \"SETNAME\" \"n\"\r\n"
        );
    }
}
