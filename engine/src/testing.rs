//! Test helpers: an engine and a session in memory, commands in, exact reply bytes out.
//! Tests read as Redis commands: `t.run(&["set", "k", "v"])` returns `"+OK\r\n"`.

use bytes::{Bytes, BytesMut};

use crate::Now;
use crate::config::Config;
use crate::engine::{Engine, EngineOptions};
use crate::session::{Session, Step};

pub struct TestClient {
    pub engine: &'static Engine,
    pub session: Session,
    pub now: Now,
}

/// A new engine (leaked: tests are short-lived) with one connected client, at a fixed time.
pub fn client() -> TestClient {
    client_with(Config::default())
}

pub fn client_with(config: Config) -> TestClient {
    client_with_memory(config, || 0)
}

/// A client of a new engine whose used memory is measured by `used_memory` (eviction tests).
pub fn client_with_memory(config: Config, used_memory: fn() -> u64) -> TestClient {
    let now = Now {
        unix_us: 1_700_000_000_000_000,
        mono_us: 1_000_000,
    };
    let engine: &'static Engine = Box::leak(Box::new(Engine::new(EngineOptions {
        config,
        seed: 7,
        shards: 4,
        used_memory,
        now,
        process_id: 1,
        tcp_port: 6379,
    })));
    TestClient::connect(engine, now)
}

impl TestClient {
    /// Another client of the same engine.
    pub fn connect(engine: &'static Engine, now: Now) -> TestClient {
        let handle = engine
            .register_client("127.0.0.1:5000".into(), "127.0.0.1:6379".into(), now)
            .expect("register");
        TestClient {
            engine,
            session: Session::new(engine, handle),
            now,
        }
    }

    /// Runs one command and returns its reply as text (RESP bytes, lossy UTF-8).
    pub fn run(&mut self, args: &[&str]) -> String {
        let args: Vec<Bytes> = args
            .iter()
            .map(|a| Bytes::copy_from_slice(a.as_bytes()))
            .collect();
        self.run_bytes(&args)
    }

    pub fn run_bytes(&mut self, args: &[Bytes]) -> String {
        self.session.execute(self.engine, args, self.now);
        let out = self.session.out.buf.split();
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Feeds raw protocol bytes and returns every reply produced, and whether the session
    /// asked to close.
    pub fn feed(&mut self, input: &[u8]) -> (String, bool) {
        let mut buf = BytesMut::from(input);
        let mut closed = false;
        loop {
            match self.session.process_one(self.engine, &mut buf, self.now) {
                Step::NeedMore | Step::Blocked | Step::Deferred | Step::Waiting => break,
                Step::Script => {}
                Step::Continue => {}
                Step::Close => {
                    closed = true;
                    break;
                }
            }
        }
        let out = self.session.out.buf.split();
        (String::from_utf8_lossy(&out).into_owned(), closed)
    }

    /// For a blocked client: collects its reply if it was served or its deadline passed
    /// (`None` while it still waits).
    pub fn poll_blocked(&mut self) -> Option<String> {
        if self.session.poll_blocked(self.engine, self.now) {
            return None;
        }
        let out = self.session.out.buf.split();
        Some(String::from_utf8_lossy(&out).into_owned())
    }

    /// What other clients' commands produced for this one (pub/sub messages, a served
    /// blocking reply), as the driver would write it, and clears it.
    pub fn pushes(&mut self) -> String {
        self.session.take_output(usize::MAX);
        let out = self.session.out.buf.split();
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Moves this client's clock forward.
    pub fn advance_ms(&mut self, ms: u64) {
        self.now.unix_us += ms * 1000;
        self.now.mono_us += ms * 1000;
    }
}
