//! `SimIo`: the simulator's implementation of `ferrite_io::Io` for one host. The node code runs
//! on it unchanged; every call goes to the simulated world.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use ferrite_io::{File, Io, Listener, OpenOptions, Stream};

use crate::disk::InodeId;
use crate::net::{self, ConnId, ConnectOutcome};
use crate::world::{HostId, Sim};

#[derive(Clone)]
pub struct SimIo {
    sim: Sim,
    host: HostId,
}

impl SimIo {
    pub(crate) fn new(sim: Sim, host: HostId) -> SimIo {
        SimIo { sim, host }
    }

    pub fn host(&self) -> HostId {
        self.host
    }

    /// Waits a random disk latency, then runs `op` on this host's disk.
    async fn disk_op<T>(
        &self,
        op: impl FnOnce(&mut crate::world::World, HostId) -> io::Result<T>,
    ) -> io::Result<T> {
        let delay = {
            let mut world = self.sim.world();
            let (min, max) = (world.faults.disk_latency_min, world.faults.disk_latency_max);
            world.latency(min, max)
        };
        Sleep::new(self.sim.clone(), delay).await;
        let mut world = self.sim.world();
        op(&mut world, self.host)
    }
}

/// Completes at a virtual time.
pub struct Sleep {
    sim: Sim,
    until: Duration,
}

impl Sleep {
    pub fn new(sim: Sim, duration: Duration) -> Sleep {
        let until = sim.now() + duration;
        Sleep { sim, until }
    }
}

impl Future for Sleep {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut world = self.sim.world();
        if world.now >= self.until {
            Poll::Ready(())
        } else {
            world.wake_at(self.until, cx.waker().clone());
            Poll::Pending
        }
    }
}

impl Io for SimIo {
    type Listener = SimListener;
    type Stream = SimStream;
    type File = SimFile;

    fn monotonic(&self) -> Duration {
        self.sim.now()
    }

    fn unix_time_us(&self) -> u64 {
        self.sim.world().unix_us(self.host)
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send + 'static {
        Sleep::new(self.sim.clone(), duration)
    }

    fn random_u64(&self) -> u64 {
        self.sim.world().rng.next_u64()
    }

    fn spawn<F>(&self, name: &str, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.sim.world().record("spawn", name.as_bytes());
        self.sim.spawn_named(self.host, name, future);
    }

    async fn listen(&self, addr: &str) -> io::Result<SimListener> {
        let (ip, port) = net::parse_addr(addr)?;
        let mut world = self.sim.world();
        // Loopback (127.0.0.1) and the wildcard bind this host, as on a real machine.
        if ip != world.hosts[self.host].ip && ip != [0, 0, 0, 0] && ip != net::LOOPBACK {
            return Err(io::Error::new(
                io::ErrorKind::AddrNotAvailable,
                format!("{addr} is not this host's address"),
            ));
        }
        let port = net::listen(&mut world, self.host, port)?;
        let local = net::addr(
            if ip == net::LOOPBACK {
                ip
            } else {
                world.hosts[self.host].ip
            },
            port,
        );
        Ok(SimListener {
            sim: self.sim.clone(),
            host: self.host,
            port,
            local,
        })
    }

    async fn connect(&self, addr: &str) -> io::Result<SimStream> {
        let (ip, port) = net::parse_addr(addr)?;
        let outcome = {
            let mut world = self.sim.world();
            net::connect(&mut world, self.host, ip, port)
        };
        let rtt = {
            let mut world = self.sim.world();
            let (min, max) = (world.faults.net_latency_min, world.faults.net_latency_max);
            world.latency(min, max) * 2
        };
        match outcome {
            ConnectOutcome::Connected(conn) => {
                Sleep::new(self.sim.clone(), rtt).await;
                Ok(SimStream {
                    sim: self.sim.clone(),
                    conn,
                    side: 0,
                })
            }
            ConnectOutcome::Refused => {
                Sleep::new(self.sim.clone(), rtt).await;
                Err(io::ErrorKind::ConnectionRefused.into())
            }
            ConnectOutcome::TimedOut => {
                Sleep::new(self.sim.clone(), net::CONNECT_TIMEOUT).await;
                Err(io::ErrorKind::TimedOut.into())
            }
        }
    }

    async fn open(&self, path: &Path, opts: OpenOptions) -> io::Result<SimFile> {
        let path = path.to_path_buf();
        let inode = self
            .disk_op(move |world, host| {
                world.record("disk-open", path.to_string_lossy().as_bytes());
                world.hosts[host]
                    .disk
                    .open(&path, opts.create, opts.truncate)
            })
            .await?;
        let generation = self.sim.world().hosts[self.host].generation;
        Ok(SimFile {
            io: self.clone(),
            inode,
            generation,
        })
    }

    async fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let (from, to) = (from.to_path_buf(), to.to_path_buf());
        self.disk_op(move |world, host| {
            let detail = format!("{} -> {}", from.display(), to.display());
            world.record("disk-rename", detail.as_bytes());
            world.hosts[host].disk.rename(&from, &to)
        })
        .await
    }

    async fn remove(&self, path: &Path) -> io::Result<()> {
        let path = path.to_path_buf();
        self.disk_op(move |world, host| {
            world.record("disk-remove", path.to_string_lossy().as_bytes());
            world.hosts[host].disk.remove(&path)
        })
        .await
    }

    async fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        let path = path.to_path_buf();
        self.disk_op(move |world, host| {
            world.hosts[host].disk.create_dir_all(&path);
            Ok(())
        })
        .await
    }

    async fn list_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        let path = path.to_path_buf();
        self.disk_op(move |world, host| world.hosts[host].disk.list_dir(&path))
            .await
    }

    async fn sync_dir(&self, path: &Path) -> io::Result<()> {
        let path = path.to_path_buf();
        self.disk_op(move |world, host| {
            world.record("disk-sync-dir", path.to_string_lossy().as_bytes());
            world.hosts[host].disk.sync_dir(&path)
        })
        .await
    }
}

pub struct SimListener {
    sim: Sim,
    host: HostId,
    port: u16,
    local: SocketAddr,
}

impl Listener for SimListener {
    type Stream = SimStream;

    async fn accept(&mut self) -> io::Result<(SimStream, SocketAddr)> {
        let (conn, peer) = std::future::poll_fn(|cx| {
            let mut world = self.sim.world();
            net::poll_accept(&mut world, self.host, self.port, cx)
        })
        .await?;
        Ok((
            SimStream {
                sim: self.sim.clone(),
                conn,
                side: 1,
            },
            peer,
        ))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

impl Drop for SimListener {
    fn drop(&mut self) {
        let mut world = self.sim.world();
        net::close_listener(&mut world, self.host, self.port);
    }
}

pub struct SimStream {
    sim: Sim,
    conn: ConnId,
    side: usize,
}

impl Stream for SimStream {
    async fn read(&mut self, buf: &mut BytesMut) -> io::Result<usize> {
        std::future::poll_fn(|cx| {
            let mut world = self.sim.world();
            net::poll_read(&mut world, self.conn, self.side, buf, cx)
        })
        .await
    }

    async fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        // Large writes go in window-sized pieces so a slow reader pushes back.
        for chunk in data.chunks(net::WINDOW_BYTES) {
            std::future::poll_fn(|cx| {
                let mut world = self.sim.world();
                net::poll_write(&mut world, self.conn, self.side, chunk, cx)
            })
            .await?;
        }
        Ok(())
    }

    async fn shutdown(&mut self) -> io::Result<()> {
        let mut world = self.sim.world();
        net::shutdown(&mut world, self.conn, self.side);
        Ok(())
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        net::addrs(&self.sim.world(), self.conn, self.side).map(|(_, peer)| peer)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        net::addrs(&self.sim.world(), self.conn, self.side).map(|(local, _)| local)
    }
}

impl Drop for SimStream {
    fn drop(&mut self) {
        let mut world = self.sim.world();
        net::close(&mut world, self.conn, self.side);
    }
}

pub struct SimFile {
    io: SimIo,
    inode: InodeId,
    /// The host generation that opened the file: a crash invalidates the handle.
    generation: u64,
}

impl SimFile {
    async fn op<T>(
        &self,
        kind: &'static str,
        f: impl FnOnce(&mut crate::world::World, HostId, InodeId) -> io::Result<T>,
    ) -> io::Result<T> {
        let (inode, generation) = (self.inode, self.generation);
        self.io
            .disk_op(move |world, host| {
                if world.hosts[host].generation != generation {
                    return Err(io::Error::other(
                        "the host crashed since this file was opened",
                    ));
                }
                world.record(kind, &inode.to_le_bytes());
                f(world, host, inode)
            })
            .await
    }
}

impl File for SimFile {
    async fn read_at(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        self.op("disk-read", move |world, host, inode| {
            let faults = world.faults.clone();
            let (mut rng, mut counts) = (world.rng.fork(), std::mem::take(&mut world.counts));
            let result =
                world.hosts[host]
                    .disk
                    .read_at(inode, offset, len, &faults, &mut rng, &mut counts);
            world.counts = counts;
            result
        })
        .await
    }

    async fn write_at(&self, offset: u64, data: Bytes) -> io::Result<()> {
        self.op("disk-write", move |world, host, inode| {
            write(world, host, inode, Some(offset), &data)
        })
        .await
    }

    async fn append(&self, data: Bytes) -> io::Result<()> {
        self.op("disk-append", move |world, host, inode| {
            write(world, host, inode, None, &data)
        })
        .await
    }

    async fn sync(&self) -> io::Result<()> {
        self.op("disk-fsync", move |world, host, inode| {
            let faults = world.faults.clone();
            let (mut rng, mut counts) = (world.rng.fork(), std::mem::take(&mut world.counts));
            let result = world.hosts[host]
                .disk
                .fsync(inode, &faults, &mut rng, &mut counts);
            world.counts = counts;
            result
        })
        .await
    }

    async fn size(&self) -> io::Result<u64> {
        self.op("disk-size", move |world, host, inode| {
            world.hosts[host].disk.size(inode)
        })
        .await
    }

    async fn set_len(&self, len: u64) -> io::Result<()> {
        self.op("disk-set-len", move |world, host, inode| {
            world.hosts[host].disk.set_len(inode, len)
        })
        .await
    }
}

fn write(
    world: &mut crate::world::World,
    host: HostId,
    inode: InodeId,
    offset: Option<u64>,
    data: &[u8],
) -> io::Result<()> {
    let faults = world.faults.clone();
    let (mut rng, mut counts) = (world.rng.fork(), std::mem::take(&mut world.counts));
    let result =
        world.hosts[host]
            .disk
            .write_at(inode, offset, data, &faults, &mut rng, &mut counts);
    world.counts = counts;
    result
}
