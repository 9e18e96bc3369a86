//! Simulated TCP between hosts: listeners, connections as two one-way pipes of timed segments,
//! partitions and resets.
//!
//! Faults are modelled where they happen, below TCP: a dropped segment is retransmitted after a
//! timeout, a reordered one is held back and re-sequenced, a duplicate is discarded by the
//! receiver. So the stream a reader sees is always in order and intact, as real TCP promises,
//! and those faults show up as latency (each is still counted, so a run shows they fired).
//! What TCP cannot hide is modelled directly: connection resets, partitions (segments are held
//! until the partition heals, one direction at a time), and refused connections.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::BytesMut;

use crate::world::{HostId, World};

pub type ConnId = u64;

/// Bytes a receiver may have unread before the sender's writes wait (a TCP window).
pub const WINDOW_BYTES: usize = 256 * 1024;
/// Extra delay of a segment "dropped" below TCP (a retransmission timeout).
const RETRANSMIT_DELAY: Duration = Duration::from_millis(200);
/// How long a connect to an unreachable (partitioned) host waits before timing out.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

#[derive(Default)]
pub struct Net {
    listeners: BTreeMap<(HostId, u16), ListenerState>,
    conns: BTreeMap<ConnId, Conn>,
    next_conn: ConnId,
    /// Directed pairs (from, to) whose segments are held back.
    blocked: BTreeSet<(HostId, HostId)>,
}

#[derive(Default)]
struct ListenerState {
    backlog: VecDeque<(ConnId, SocketAddr)>,
    waker: Option<Waker>,
}

struct Segment {
    at: Duration,
    data: Vec<u8>,
}

/// Data flowing towards one side of a connection.
#[derive(Default)]
struct Pipe {
    segments: VecDeque<Segment>,
    /// Written while the direction was partitioned; released with fresh timing on heal.
    held: VecDeque<Vec<u8>>,
    /// The writer shut down or closed: end of stream after the data.
    fin: bool,
    reader: Option<Waker>,
    writer: Option<Waker>,
    unread: usize,
}

struct Conn {
    /// Side 0 connected, side 1 accepted.
    hosts: [HostId; 2],
    addrs: [SocketAddr; 2],
    /// `pipes[i]` carries data to side `i`.
    pipes: [Pipe; 2],
    reset: bool,
    closed: [bool; 2],
}

pub fn addr(ip: [u8; 4], port: u16) -> SocketAddr {
    SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::from(ip), port))
}

/// Parses `host:port` where host is an IPv4 address.
pub fn parse_addr(text: &str) -> io::Result<([u8; 4], u16)> {
    let parsed: SocketAddr = text
        .parse()
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, format!("bad address {text}")))?;
    match parsed {
        SocketAddr::V4(v4) => Ok((v4.ip().octets(), v4.port())),
        SocketAddr::V6(_) => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "IPv6 is not simulated",
        )),
    }
}

fn wake(waker: &mut Option<Waker>) {
    if let Some(w) = waker.take() {
        w.wake();
    }
}

pub fn listen(world: &mut World, host: HostId, port: u16) -> io::Result<u16> {
    let port = if port == 0 {
        world.hosts[host].ephemeral_port()
    } else {
        port
    };
    if world.net.listeners.contains_key(&(host, port)) {
        return Err(io::Error::new(io::ErrorKind::AddrInUse, "address in use"));
    }
    world
        .net
        .listeners
        .insert((host, port), ListenerState::default());
    let detail = format!("{}:{port}", world.hosts[host].name);
    world.record("listen", detail.as_bytes());
    Ok(port)
}

pub fn close_listener(world: &mut World, host: HostId, port: u16) {
    if let Some(listener) = world.net.listeners.remove(&(host, port)) {
        for (conn, _) in listener.backlog {
            reset(world, conn);
        }
    }
}

pub fn poll_accept(
    world: &mut World,
    host: HostId,
    port: u16,
    cx: &mut Context<'_>,
) -> Poll<io::Result<(ConnId, SocketAddr)>> {
    let Some(listener) = world.net.listeners.get_mut(&(host, port)) else {
        return Poll::Ready(Err(io::Error::new(
            io::ErrorKind::NotConnected,
            "listener closed",
        )));
    };
    match listener.backlog.pop_front() {
        Some(accepted) => Poll::Ready(Ok(accepted)),
        None => {
            listener.waker = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// Outcome of a connection attempt, decided at once; the caller waits out the latency.
pub enum ConnectOutcome {
    Connected(ConnId),
    Refused,
    TimedOut,
}

/// 127.0.0.1: every host's own loopback address.
pub const LOOPBACK: [u8; 4] = [127, 0, 0, 1];

pub fn connect(world: &mut World, from: HostId, ip: [u8; 4], port: u16) -> ConnectOutcome {
    let to = if ip == LOOPBACK {
        Some(from)
    } else {
        world.host_by_ip(ip)
    };
    let Some(to) = to else {
        return ConnectOutcome::TimedOut;
    };
    if world.net.blocked.contains(&(from, to)) || world.net.blocked.contains(&(to, from)) {
        world.fault("net-connect-timeout", &[from as u8, to as u8]);
        return ConnectOutcome::TimedOut;
    }
    if !world.hosts[to].up || !world.net.listeners.contains_key(&(to, port)) {
        world.record("net-refused", &[from as u8, to as u8]);
        return ConnectOutcome::Refused;
    }
    let local_port = world.hosts[from].ephemeral_port();
    let id = world.net.next_conn;
    world.net.next_conn += 1;
    let client_addr = addr(world.hosts[from].ip, local_port);
    let server_addr = addr(ip, port);
    world.net.conns.insert(
        id,
        Conn {
            hosts: [from, to],
            addrs: [client_addr, server_addr],
            pipes: [Pipe::default(), Pipe::default()],
            reset: false,
            closed: [false, false],
        },
    );
    let listener = world
        .net
        .listeners
        .get_mut(&(to, port))
        .expect("checked above");
    listener.backlog.push_back((id, client_addr));
    wake(&mut listener.waker);
    let detail = format!("{id} {client_addr} -> {server_addr}");
    world.record("net-connect", detail.as_bytes());
    ConnectOutcome::Connected(id)
}

pub fn addrs(world: &World, conn: ConnId, side: usize) -> io::Result<(SocketAddr, SocketAddr)> {
    let c = world
        .net
        .conns
        .get(&conn)
        .ok_or_else(|| io::Error::from(io::ErrorKind::NotConnected))?;
    Ok((c.addrs[side], c.addrs[1 - side]))
}

fn delivery_time(world: &mut World, conn: ConnId, to_side: usize) -> Duration {
    let (min, max) = (world.faults.net_latency_min, world.faults.net_latency_max);
    let mut at = world.now + world.latency(min, max);
    let (p_drop, p_reorder, p_dup) = (
        world.faults.net_drop,
        world.faults.net_reorder,
        world.faults.net_duplicate,
    );
    if world.rng.chance(p_drop) {
        at += RETRANSMIT_DELAY;
        world.fault("net-drop", &conn.to_le_bytes());
    }
    if world.rng.chance(p_reorder) {
        at += world.latency(min, max * 4);
        world.fault("net-reorder", &conn.to_le_bytes());
    }
    if world.rng.chance(p_dup) {
        world.fault("net-duplicate", &conn.to_le_bytes());
    }
    // TCP delivers in order: never before the segment sent ahead of this one.
    let pipe = &world.net.conns[&conn].pipes[to_side];
    pipe.segments.back().map_or(at, |last| at.max(last.at))
}

pub fn poll_write(
    world: &mut World,
    conn: ConnId,
    side: usize,
    data: &[u8],
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    let to = 1 - side;
    let Some(c) = world.net.conns.get_mut(&conn) else {
        return Poll::Ready(Err(io::ErrorKind::NotConnected.into()));
    };
    if c.reset {
        return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
    }
    if c.closed[to] {
        // The peer closed: a real stack answers with a reset.
        c.reset = true;
        return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
    }
    let pipe = &mut c.pipes[to];
    if pipe.unread > 0 && pipe.unread + data.len() > WINDOW_BYTES {
        pipe.writer = Some(cx.waker().clone());
        return Poll::Pending;
    }
    let p_reset = world.faults.net_reset;
    if world.rng.chance(p_reset) {
        world.fault("net-reset", &conn.to_le_bytes());
        reset(world, conn);
        return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
    }
    let (from_host, to_host) = {
        let c = &world.net.conns[&conn];
        (c.hosts[side], c.hosts[to])
    };
    let mut detail = conn.to_le_bytes().to_vec();
    detail.push(side as u8);
    detail.extend_from_slice(data);
    world.record("net-send", &detail);
    if world.net.blocked.contains(&(from_host, to_host)) {
        let pipe = &mut world.net.conns.get_mut(&conn).expect("exists").pipes[to];
        pipe.unread += data.len();
        pipe.held.push_back(data.to_vec());
        world.fault("net-held", &conn.to_le_bytes());
        return Poll::Ready(Ok(()));
    }
    let at = delivery_time(world, conn, to);
    let reader = {
        let pipe = &mut world.net.conns.get_mut(&conn).expect("exists").pipes[to];
        pipe.unread += data.len();
        pipe.segments.push_back(Segment {
            at,
            data: data.to_vec(),
        });
        pipe.reader.clone()
    };
    if let Some(reader) = reader {
        world.wake_at(at, reader);
    }
    Poll::Ready(Ok(()))
}

pub fn poll_read(
    world: &mut World,
    conn: ConnId,
    side: usize,
    buf: &mut BytesMut,
    cx: &mut Context<'_>,
) -> Poll<io::Result<usize>> {
    let now = world.now;
    let Some(c) = world.net.conns.get_mut(&conn) else {
        return Poll::Ready(Err(io::ErrorKind::NotConnected.into()));
    };
    if c.reset {
        return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
    }
    let pipe = &mut c.pipes[side];
    let mut n = 0;
    while pipe.segments.front().is_some_and(|s| s.at <= now) {
        let segment = pipe.segments.pop_front().expect("checked");
        buf.extend_from_slice(&segment.data);
        n += segment.data.len();
    }
    if n > 0 {
        pipe.unread -= n;
        wake(&mut pipe.writer);
        let mut detail = conn.to_le_bytes().to_vec();
        detail.push(side as u8);
        detail.extend_from_slice(&buf[buf.len() - n..]);
        world.record("net-recv", &detail);
        return Poll::Ready(Ok(n));
    }
    if pipe.segments.is_empty() && pipe.held.is_empty() && pipe.fin {
        return Poll::Ready(Ok(0));
    }
    pipe.reader = Some(cx.waker().clone());
    if let Some(first) = pipe.segments.front() {
        let at = first.at;
        world.wake_at(at, cx.waker().clone());
    }
    Poll::Pending
}

/// Shuts down `side`'s sending direction: the peer reads end of stream after the data.
pub fn shutdown(world: &mut World, conn: ConnId, side: usize) {
    if let Some(c) = world.net.conns.get_mut(&conn) {
        let pipe = &mut c.pipes[1 - side];
        pipe.fin = true;
        wake(&mut pipe.reader);
    }
}

/// `side` dropped its end.
pub fn close(world: &mut World, conn: ConnId, side: usize) {
    shutdown(world, conn, side);
    let remove = match world.net.conns.get_mut(&conn) {
        Some(c) => {
            c.closed[side] = true;
            let pipe = &mut c.pipes[1 - side];
            wake(&mut pipe.writer);
            c.closed[0] && c.closed[1]
        }
        None => false,
    };
    if remove {
        world.net.conns.remove(&conn);
    }
}

pub fn reset(world: &mut World, conn: ConnId) {
    if let Some(c) = world.net.conns.get_mut(&conn) {
        c.reset = true;
        for pipe in &mut c.pipes {
            wake(&mut pipe.reader);
            wake(&mut pipe.writer);
        }
    }
}

/// Resets every connection of `host` and closes its listeners (the host crashed).
pub fn reset_host(world: &mut World, host: HostId) {
    let conns: Vec<ConnId> = world
        .net
        .conns
        .iter()
        .filter(|(_, c)| c.hosts.contains(&host))
        .map(|(id, _)| *id)
        .collect();
    for conn in conns {
        reset(world, conn);
    }
    let ports: Vec<u16> = world
        .net
        .listeners
        .keys()
        .filter(|(h, _)| *h == host)
        .map(|(_, p)| *p)
        .collect();
    for port in ports {
        close_listener(world, host, port);
    }
}

/// Blocks segments from `from` to `to` (one direction) until healed.
pub fn block(world: &mut World, from: HostId, to: HostId) {
    world.net.blocked.insert((from, to));
    world.fault("net-partition", &[from as u8, to as u8]);
}

/// Heals every partition and releases held segments with fresh timing.
pub fn heal(world: &mut World) {
    world.net.blocked.clear();
    world.record("net-heal", b"");
    let ids: Vec<ConnId> = world.net.conns.keys().copied().collect();
    for conn in ids {
        for to in 0..2 {
            let held: Vec<Vec<u8>> = world
                .net
                .conns
                .get_mut(&conn)
                .map(|c| c.pipes[to].held.drain(..).collect())
                .unwrap_or_default();
            for data in held {
                let at = delivery_time(world, conn, to);
                let pipe = &mut world.net.conns.get_mut(&conn).expect("exists").pipes[to];
                pipe.segments.push_back(Segment { at, data });
                if let Some(reader) = pipe.reader.clone() {
                    world.wake_at(at, reader);
                }
            }
        }
    }
}
