//! The I/O boundary: the only door from Ferrite to the operating system.
//!
//! Everything the server needs from the outside world (monotonic and wall clocks, timers,
//! randomness, task spawning, TCP and files) is reached through the [`Io`] trait family.
//! Production uses [`tokio_backend::TokioIo`]; the simulator implements the same traits with
//! virtual time, seeded randomness and a faulty network and disk. Code outside this crate's
//! backends must never call the OS directly (enforced by `clippy.toml`).
//!
//! Design notes:
//! - Futures returned by the traits are `Send + 'static` where they are spawned, so the same
//!   node code runs on tokio's multi-threaded runtime and on the simulator's single thread.
//! - Buffers are passed by ownership (`Bytes` in, `Vec<u8>` out) for files, so a completion
//!   based backend (io_uring) can implement the same traits without copying into borrowed
//!   memory across an await.
//! - [`Stream::read`] must be cancel-safe: dropping the future before it completes loses no
//!   data. The server `select`s reads against wake-ups (CLIENT KILL, pub/sub pushes).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::{Bytes, BytesMut};

pub mod conformance;
pub mod tokio_backend;

/// The I/O environment of one node. Cheap to clone; all clones share the same world.
pub trait Io: Clone + Send + Sync + 'static {
    type Listener: Listener<Stream = Self::Stream>;
    type Stream: Stream;
    type File: File;

    /// Monotonic time since an origin fixed for the life of this environment. Never goes back.
    fn monotonic(&self) -> Duration;

    /// Wall-clock time in milliseconds since the Unix epoch. May jump (NTP, clock faults).
    fn unix_time_ms(&self) -> u64 {
        self.unix_time_us() / 1000
    }

    /// Wall-clock time in microseconds since the Unix epoch.
    fn unix_time_us(&self) -> u64;

    /// Completes once `duration` of monotonic time has passed.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send + 'static;

    /// 64 random bits. Seeded (and so replayable) in the simulator.
    fn random_u64(&self) -> u64;

    /// Runs `future` as an independent task. `name` is for traces and logs.
    fn spawn<F>(&self, name: &str, future: F)
    where
        F: Future<Output = ()> + Send + 'static;

    /// Runs `f`, which may keep the calling thread busy for a long time (a Lua script), so
    /// that the environment's other tasks keep running meanwhile. A multi-threaded runtime
    /// hands the calling worker's queued tasks to another thread first; a single-threaded
    /// environment (the simulator) just runs `f`.
    fn run_blocking<R, F: FnOnce() -> R>(&self, f: F) -> R {
        f()
    }

    /// Binds a TCP listener. `addr` is `host:port`; port 0 picks a free port.
    fn listen(&self, addr: &str) -> impl Future<Output = io::Result<Self::Listener>> + Send;

    /// Opens a TCP connection to `addr` (`host:port`).
    fn connect(&self, addr: &str) -> impl Future<Output = io::Result<Self::Stream>> + Send;

    /// Opens a file, creating it if `opts.create` is set.
    fn open(
        &self,
        path: &Path,
        opts: OpenOptions,
    ) -> impl Future<Output = io::Result<Self::File>> + Send;

    /// Atomically renames `from` to `to` (replacing `to`). Durable only after [`Io::sync_dir`].
    fn rename(&self, from: &Path, to: &Path) -> impl Future<Output = io::Result<()>> + Send;

    /// Removes a file.
    fn remove(&self, path: &Path) -> impl Future<Output = io::Result<()>> + Send;

    /// Creates a directory and its parents if missing.
    fn create_dir_all(&self, path: &Path) -> impl Future<Output = io::Result<()>> + Send;

    /// Lists the entries of a directory, sorted by name (so the order is deterministic).
    fn list_dir(&self, path: &Path) -> impl Future<Output = io::Result<Vec<PathBuf>>> + Send;

    /// Makes the directory's entries (creations, renames, removals) durable.
    fn sync_dir(&self, path: &Path) -> impl Future<Output = io::Result<()>> + Send;
}

/// A bound TCP listener.
pub trait Listener: Send + 'static {
    type Stream: Stream;

    /// Waits for the next connection; returns it with the peer's address.
    fn accept(&mut self) -> impl Future<Output = io::Result<(Self::Stream, SocketAddr)>> + Send;

    /// The address actually bound (useful after binding port 0).
    fn local_addr(&self) -> io::Result<SocketAddr>;
}

/// A connected TCP stream.
pub trait Stream: Send + 'static {
    /// Reads what is available (at least one byte) and appends it to `buf`; `Ok(0)` is end of
    /// stream. Cancel-safe.
    fn read(&mut self, buf: &mut BytesMut) -> impl Future<Output = io::Result<usize>> + Send;

    /// Writes all of `data`.
    fn write_all(&mut self, data: &[u8]) -> impl Future<Output = io::Result<()>> + Send;

    /// Shuts down the write side; the peer reads end of stream.
    fn shutdown(&mut self) -> impl Future<Output = io::Result<()>> + Send;

    fn peer_addr(&self) -> io::Result<SocketAddr>;
    fn local_addr(&self) -> io::Result<SocketAddr>;
}

/// How to open a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenOptions {
    pub read: bool,
    pub write: bool,
    pub create: bool,
    pub truncate: bool,
}

impl OpenOptions {
    /// Read only; the file must exist.
    pub const READ: OpenOptions = OpenOptions {
        read: true,
        write: false,
        create: false,
        truncate: false,
    };
    /// Read and write, created if missing, contents kept.
    pub const READ_WRITE_CREATE: OpenOptions = OpenOptions {
        read: true,
        write: true,
        create: true,
        truncate: false,
    };
    /// Read and write, created if missing, emptied.
    pub const CREATE_TRUNCATE: OpenOptions = OpenOptions {
        read: true,
        write: true,
        create: true,
        truncate: true,
    };
}

/// An open file. Writes are durable only after [`File::sync`].
pub trait File: Send + Sync + 'static {
    /// Reads up to `len` bytes at `offset`; fewer only at end of file.
    fn read_at(&self, offset: u64, len: usize) -> impl Future<Output = io::Result<Vec<u8>>> + Send;

    /// Writes all of `data` at `offset`, extending the file if needed.
    fn write_at(&self, offset: u64, data: Bytes) -> impl Future<Output = io::Result<()>> + Send;

    /// Appends all of `data` at the current end of the file.
    fn append(&self, data: Bytes) -> impl Future<Output = io::Result<()>> + Send;

    /// Makes every completed write durable (fsync).
    fn sync(&self) -> impl Future<Output = io::Result<()>> + Send;

    /// Current length in bytes.
    fn size(&self) -> impl Future<Output = io::Result<u64>> + Send;

    /// Truncates or extends the file to `len` bytes.
    fn set_len(&self, len: u64) -> impl Future<Output = io::Result<()>> + Send;
}
