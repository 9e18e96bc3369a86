//! The production backend: tokio for time, tasks and TCP; std files on tokio's blocking pool.
//!
//! This is one of the few places allowed to touch the OS (see `clippy.toml`), hence the
//! module-wide allow below.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{File, Io, Listener, OpenOptions, Stream};

/// Read size per `read` call: big enough for deep pipelines, small enough to bound memory.
const READ_CHUNK_BYTES: usize = 16 * 1024;

/// The tokio-backed I/O environment. Must be used inside a tokio runtime.
#[derive(Clone)]
pub struct TokioIo {
    inner: Arc<Inner>,
}

struct Inner {
    origin: Instant,
    rng_state: AtomicU64,
}

impl TokioIo {
    /// A new environment seeded from the OS.
    pub fn new() -> TokioIo {
        let mut seed = [0u8; 8];
        getrandom::getrandom(&mut seed).expect("OS randomness is unavailable");
        TokioIo::with_seed(u64::from_le_bytes(seed))
    }

    /// A new environment whose randomness starts from `seed` (time and network stay real).
    pub fn with_seed(seed: u64) -> TokioIo {
        TokioIo {
            inner: Arc::new(Inner {
                origin: Instant::now(),
                rng_state: AtomicU64::new(seed),
            }),
        }
    }
}

impl Default for TokioIo {
    fn default() -> Self {
        TokioIo::new()
    }
}

/// SplitMix64: a counter-based generator, so concurrent callers need only one atomic add.
fn splitmix64(state: &AtomicU64) -> u64 {
    let mut z = state
        .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result,
        Err(e) => Err(io::Error::other(e)),
    }
}

impl Io for TokioIo {
    type Listener = TokioListener;
    type Stream = TokioStream;
    type File = TokioFile;

    fn monotonic(&self) -> Duration {
        self.inner.origin.elapsed()
    }

    fn unix_time_us(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_micros() as u64)
            .unwrap_or(0)
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send + 'static {
        tokio::time::sleep(duration)
    }

    fn random_u64(&self) -> u64 {
        splitmix64(&self.inner.rng_state)
    }

    fn run_blocking<R, F: FnOnce() -> R>(&self, f: F) -> R {
        // `block_in_place` hands this worker's core (its queue and LIFO slot, where tasks the
        // script wakes would otherwise be stranded) to another thread. It exists only on the
        // multi-threaded runtime.
        let multi_thread = tokio::runtime::Handle::try_current()
            .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        if multi_thread {
            tokio::task::block_in_place(f)
        } else {
            f()
        }
    }

    fn spawn<F>(&self, _name: &str, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        tokio::spawn(future);
    }

    fn listen(&self, addr: &str) -> impl Future<Output = io::Result<TokioListener>> + Send {
        let addr = addr.to_string();
        async move {
            let listener = tokio::net::TcpListener::bind(addr).await?;
            Ok(TokioListener { listener })
        }
    }

    fn connect(&self, addr: &str) -> impl Future<Output = io::Result<TokioStream>> + Send {
        let addr = addr.to_string();
        async move {
            let stream = tokio::net::TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            Ok(TokioStream { stream })
        }
    }

    fn open(
        &self,
        path: &Path,
        opts: OpenOptions,
    ) -> impl Future<Output = io::Result<TokioFile>> + Send {
        let path = path.to_path_buf();
        async move {
            let file = blocking(move || {
                std::fs::OpenOptions::new()
                    .read(opts.read)
                    .write(opts.write)
                    .create(opts.create)
                    .truncate(opts.truncate)
                    .open(path)
            })
            .await?;
            Ok(TokioFile {
                file: Arc::new(Mutex::new(file)),
            })
        }
    }

    fn rename(&self, from: &Path, to: &Path) -> impl Future<Output = io::Result<()>> + Send {
        let (from, to) = (from.to_path_buf(), to.to_path_buf());
        blocking(move || std::fs::rename(from, to))
    }

    fn remove(&self, path: &Path) -> impl Future<Output = io::Result<()>> + Send {
        let path = path.to_path_buf();
        blocking(move || std::fs::remove_file(path))
    }

    fn create_dir_all(&self, path: &Path) -> impl Future<Output = io::Result<()>> + Send {
        let path = path.to_path_buf();
        blocking(move || std::fs::create_dir_all(path))
    }

    fn list_dir(&self, path: &Path) -> impl Future<Output = io::Result<Vec<PathBuf>>> + Send {
        let path = path.to_path_buf();
        blocking(move || {
            let mut entries = Vec::new();
            for entry in std::fs::read_dir(path)? {
                entries.push(entry?.path());
            }
            entries.sort();
            Ok(entries)
        })
    }

    fn sync_dir(&self, path: &Path) -> impl Future<Output = io::Result<()>> + Send {
        let path = path.to_path_buf();
        blocking(move || std::fs::File::open(path)?.sync_all())
    }
}

pub struct TokioListener {
    listener: tokio::net::TcpListener,
}

impl Listener for TokioListener {
    type Stream = TokioStream;

    async fn accept(&mut self) -> io::Result<(TokioStream, SocketAddr)> {
        let (stream, peer) = self.listener.accept().await?;
        stream.set_nodelay(true)?;
        Ok((TokioStream { stream }, peer))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

pub struct TokioStream {
    stream: tokio::net::TcpStream,
}

impl Stream for TokioStream {
    async fn read(&mut self, buf: &mut BytesMut) -> io::Result<usize> {
        buf.reserve(READ_CHUNK_BYTES);
        // read_buf is cancel-safe: bytes are appended only when the read completes.
        self.stream.read_buf(buf).await
    }

    async fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.stream.write_all(data).await
    }

    async fn shutdown(&mut self) -> io::Result<()> {
        self.stream.shutdown().await
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.local_addr()
    }
}

/// A file on tokio's blocking pool. The mutex orders appends (length read + write) against
/// each other; positional reads and writes need no order beyond the OS's.
pub struct TokioFile {
    file: Arc<Mutex<std::fs::File>>,
}

impl TokioFile {
    fn with_file<T: Send + 'static>(
        &self,
        f: impl FnOnce(&std::fs::File) -> io::Result<T> + Send + 'static,
    ) -> impl Future<Output = io::Result<T>> + Send {
        let file = Arc::clone(&self.file);
        blocking(move || {
            let guard = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&guard)
        })
    }
}

impl File for TokioFile {
    fn read_at(&self, offset: u64, len: usize) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        self.with_file(move |file| {
            let file_len = file.metadata()?.len();
            let available = file_len.saturating_sub(offset).min(len as u64) as usize;
            let mut buf = vec![0u8; available];
            let mut filled = 0;
            while filled < available {
                let n = file.read_at(&mut buf[filled..], offset + filled as u64)?;
                if n == 0 {
                    break;
                }
                filled += n;
            }
            buf.truncate(filled);
            Ok(buf)
        })
    }

    fn write_at(&self, offset: u64, data: Bytes) -> impl Future<Output = io::Result<()>> + Send {
        self.with_file(move |file| file.write_all_at(&data, offset))
    }

    fn append(&self, data: Bytes) -> impl Future<Output = io::Result<()>> + Send {
        self.with_file(move |file| {
            let end = file.metadata()?.len();
            file.write_all_at(&data, end)
        })
    }

    fn sync(&self) -> impl Future<Output = io::Result<()>> + Send {
        self.with_file(|file| file.sync_data())
    }

    fn size(&self) -> impl Future<Output = io::Result<u64>> + Send {
        self.with_file(|file| Ok(file.metadata()?.len()))
    }

    fn set_len(&self, len: u64) -> impl Future<Output = io::Result<()>> + Send {
        self.with_file(move |file| file.set_len(len))
    }
}
