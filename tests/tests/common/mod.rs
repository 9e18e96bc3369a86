//! Shared helpers for black-box tests: start the real `ferrite` binary (and a real
//! `redis-server` for comparisons) on free loopback ports, talk raw RESP to them.
#![allow(dead_code, clippy::disallowed_methods, clippy::disallowed_types)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long a server gets to start answering.
const START_TIMEOUT: Duration = Duration::from_secs(20);

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The `ferrite` binary: `$FERRITE_BIN`, or the workspace's debug build (built once here).
pub fn ferrite_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Ok(path) = std::env::var("FERRITE_BIN") {
            return PathBuf::from(path);
        }
        let status = Command::new(env!("CARGO"))
            .args(["build", "-q", "-p", "ferrite-server", "--bin", "ferrite"])
            .current_dir(workspace_root())
            .status()
            .expect("run cargo build");
        assert!(status.success(), "building ferrite failed");
        let target = std::env::var("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| workspace_root().join("target"));
        target.join("debug").join("ferrite")
    })
    .clone()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind port 0")
        .local_addr()
        .expect("local addr")
        .port()
}

/// A server process, killed when dropped.
pub struct Server {
    pub port: u16,
    child: Child,
}

impl Server {
    /// Starts ferrite with extra options (`["--requirepass", "x"]`).
    pub fn ferrite(extra: &[&str]) -> Server {
        let port = free_port();
        // Each server gets its own directory: snapshots (SHUTDOWN saves) land there.
        let dir = std::env::temp_dir().join(format!("ferrite-test-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("test directory");
        let mut cmd = Command::new(ferrite_bin());
        cmd.args(["--port", &port.to_string(), "--loglevel", "warning"])
            .arg("--dir")
            .arg(&dir)
            .args(extra);
        Server::start(cmd, port)
    }

    /// Starts a real redis-server (from Debian's packages) for differential checks.
    pub fn redis(extra: &[&str]) -> Server {
        let port = free_port();
        let mut cmd = Command::new("redis-server");
        cmd.args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .args(extra);
        Server::start(cmd, port)
    }

    fn start(mut cmd: Command, port: u16) -> Server {
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {cmd:?}: {e}"));
        let server = Server { port, child };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(mut conn) = TcpStream::connect(("127.0.0.1", port)) {
                conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                if conn.write_all(b"PING\r\n").is_ok() {
                    let mut buf = [0u8; 64];
                    if let Ok(n) = conn.read(&mut buf) {
                        // NOAUTH also proves the server is up; LOADING says to wait.
                        if n > 0 && !buf[..n].starts_with(b"-LOADING") {
                            return server;
                        }
                    }
                }
            }
            assert!(
                Instant::now() < deadline,
                "server on port {port} did not start: {cmd:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn connect(&self) -> Conn {
        Conn::new(self.port)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Waits for the process to exit by itself (after SHUTDOWN); true if it did in time.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Server {
    /// SIGKILL, now (a crash: no shutdown path runs).
    pub fn kill_now(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw RESP connection that reads replies as exact bytes.
pub struct Conn {
    pub reader: BufReader<TcpStream>,
    pub writer: TcpStream,
}

impl Conn {
    pub fn new(port: u16) -> Conn {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        Conn {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write");
    }

    pub fn send(&mut self, args: &[&[u8]]) {
        self.send_raw(&encode(args));
    }

    /// Sends a command and returns its reply's raw bytes.
    pub fn cmd(&mut self, args: &[&str]) -> String {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        self.send(&args);
        self.read_reply()
    }

    /// Reads one complete reply (any RESP2/RESP3 type) and returns its raw text.
    pub fn read_reply(&mut self) -> String {
        let mut out = Vec::new();
        self.read_into(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    fn read_line(&mut self, out: &mut Vec<u8>) -> Vec<u8> {
        let mut line = Vec::new();
        let n = self
            .reader
            .read_until(b'\n', &mut line)
            .expect("read reply line");
        assert!(n > 0, "connection closed while a reply was expected");
        out.extend_from_slice(&line);
        line.truncate(line.len().saturating_sub(2));
        line
    }

    fn read_into(&mut self, out: &mut Vec<u8>) {
        let line = self.read_line(out);
        let (kind, rest) = (
            line[0],
            std::str::from_utf8(&line[1..]).unwrap_or("").to_string(),
        );
        match kind {
            b'$' | b'=' | b'!' => {
                let len: i64 = rest.parse().expect("bulk length");
                if len >= 0 {
                    let mut body = vec![0u8; len as usize + 2];
                    self.reader.read_exact(&mut body).expect("bulk body");
                    out.extend_from_slice(&body);
                }
            }
            b'*' | b'~' | b'>' => {
                let len: i64 = rest.parse().expect("aggregate length");
                for _ in 0..len.max(0) {
                    self.read_into(out);
                }
            }
            b'%' => {
                let len: i64 = rest.parse().expect("map length");
                for _ in 0..2 * len {
                    self.read_into(out);
                }
            }
            _ => {}
        }
    }

    /// True if the server closed the connection (reads end of stream).
    pub fn is_closed(&mut self) -> bool {
        let mut buf = [0u8; 1];
        matches!(self.reader.read(&mut buf), Ok(0) | Err(_))
    }
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

/// Extracts `field:value` from an INFO reply.
pub fn info_field(info: &str, field: &str) -> Option<String> {
    info.lines().find_map(|line| {
        line.strip_prefix(&format!("{field}:"))
            .map(|v| v.trim().to_string())
    })
}
