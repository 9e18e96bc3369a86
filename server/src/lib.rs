//! The Ferrite node: accepts connections, drives sessions of the engine over them, and runs
//! the periodic work (active expiry, idle-client timeouts). Generic over the I/O environment:
//! the `ferrite` binary runs it on tokio, the simulator on simulated I/O, unchanged.
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

pub mod aof;
pub mod check_aof;
pub mod checkpoint;
mod connection;
mod cron;
pub mod options;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use ferrite_engine::config::Config;
use ferrite_engine::engine::{SHARDS_DEFAULT, ShutdownMode};
use ferrite_engine::{Engine, EngineOptions, Now};
use ferrite_io::{Io, Listener};
use futures_util::future::{Either, select};
use tracing::{info, warn};

/// Reads the clock the engine needs.
pub fn now<I: Io>(io: &I) -> Now {
    Now {
        unix_us: io.unix_time_us(),
        mono_us: io.monotonic().as_micros() as u64,
    }
}

/// A started node: its engine and the addresses it listens on.
pub struct Node<I: Io> {
    io: I,
    engine: Arc<Engine>,
    /// The addresses listened on; their accept loops run from `bind` on, so that clients
    /// connecting while the data loads get `-LOADING` instead of silence.
    addrs: Vec<SocketAddr>,
    /// The append-only log, loaded, when `appendonly yes`.
    aof_log: Option<aof::Log<I::File>>,
}

/// How the node learns the process's memory use and id; the binary supplies real ones.
pub struct Host {
    pub used_memory: fn() -> u64,
    pub process_id: u32,
}

impl<I: Io> Node<I> {
    /// Loads the append-only file (if enabled) and binds every configured address. Fails if
    /// the log cannot be loaded or any address cannot be bound.
    pub async fn bind(io: I, config: Config, host: Host) -> io::Result<Node<I>> {
        let mut listeners = Vec::new();
        for addr in &config.bind {
            let addr = if addr.contains(':') {
                format!("[{addr}]:{}", config.port)
            } else {
                format!("{addr}:{}", config.port)
            };
            listeners.push(io.listen(&addr).await?);
        }
        let tcp_port = match listeners.first() {
            Some(listener) => listener.local_addr()?.port(),
            None => config.port,
        };
        let aof_config = config.clone();
        let engine = Arc::new(Engine::new(EngineOptions {
            seed: io.random_u64(),
            shards: SHARDS_DEFAULT,
            used_memory: host.used_memory,
            now: now(&io),
            process_id: host.process_id,
            tcp_port,
            config,
        }));
        // A running script reads the time through the I/O environment (BUSY, SCRIPT KILL).
        let clock_io = io.clone();
        engine.scripting.set_clock(Arc::new(move || now(&clock_io)));
        let addrs = listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect();
        engine.persist.loading.store(true, Ordering::Release);
        for listener in listeners {
            let (io2, engine2) = (io.clone(), engine.clone());
            io.spawn("accept", accept_loop(io2, engine2, listener));
        }
        let loaded = if aof_config.appendonly {
            aof::load(&io, &engine, &aof_config).await.map(Some)
        } else {
            checkpoint::load_at_startup(&io, &engine)
                .await
                .map(|()| None)
                .map_err(|e| aof::LoadError(e.0))
        };
        let aof_log = match loaded {
            Ok(log) => log,
            Err(e) => {
                // Stop the accept loops and whoever connected meanwhile. The engine stays
                // "loading" (a connection still being set up can only get -LOADING) and
                // connections check for shutdown when they start: a failed start must never
                // serve the half-loaded data.
                engine.request_shutdown(ShutdownMode::NoSave);
                for client in engine.clients() {
                    client.kill();
                }
                return Err(io::Error::other(e.0));
            }
        };
        engine.persist.loading.store(false, Ordering::Release);
        Ok(Node {
            io,
            engine,
            addrs,
            aof_log,
        })
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.addrs.clone()
    }

    /// Serves until SHUTDOWN (or [`Engine::request_shutdown`]); returns how it was asked to stop.
    pub async fn run(self) -> ShutdownMode {
        let Node {
            io,
            engine,
            addrs,
            aof_log,
        } = self;
        for addr in addrs {
            info!(%addr, "ready to accept connections");
        }
        io.spawn("cron", cron::run(io.clone(), engine.clone()));
        io.spawn("checkpoint", checkpoint::run(io.clone(), engine.clone()));
        let writer_done = Arc::new(ferrite_engine::signal::Signal::default());
        if let Some(log) = aof_log {
            let (io2, engine2, done) = (io.clone(), engine.clone(), writer_done.clone());
            let config = engine.config();
            io.spawn("aof-writer", async move {
                aof::run_writer(io2, engine2, config, log).await;
                done.fire();
            });
        } else {
            writer_done.fire();
        }
        let mode = shutdown_requested(&engine).await;
        // The last records reach the disk before the node reports it has stopped.
        writer_done.wait().await;
        if mode != ShutdownMode::NoSave && !engine.aof.failed() {
            let forced = mode == ShutdownMode::Save;
            if let Err(error) = checkpoint::save_on_shutdown(&io, &engine, forced).await {
                warn!(%error, "can't save the snapshot at shutdown");
            }
        }
        info!(?mode, "shutting down");
        for client in engine.clients() {
            client.kill();
        }
        mode
    }
}

/// Completes once the engine has been asked to shut down.
pub async fn shutdown_requested(engine: &Engine) -> ShutdownMode {
    engine.shutdown_signal.wait().await;
    engine
        .shutdown_requested()
        .expect("the signal fires after the mode is set")
}

async fn accept_loop<I: Io>(io: I, engine: Arc<Engine>, mut listener: I::Listener) {
    let laddr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    loop {
        let accepted = {
            let accept = listener.accept();
            let stop = shutdown_requested(&engine);
            match select(Box::pin(accept), Box::pin(stop)).await {
                Either::Left((accepted, _)) => accepted,
                Either::Right(_) => return,
            }
        };
        match accepted {
            Ok((stream, peer)) => {
                let (io2, engine2, laddr) = (io.clone(), engine.clone(), laddr.clone());
                io.spawn("connection", async move {
                    connection::serve(io2, engine2, stream, peer, laddr).await
                });
            }
            Err(error) => {
                // Out of descriptors and similar: back off briefly instead of spinning.
                warn!(%error, "accept failed");
                io.sleep(std::time::Duration::from_millis(10)).await;
            }
        }
    }
}

/// Boxes a future for `select` (which needs `Unpin`).
pub(crate) fn boxed<'a, T>(
    f: impl Future<Output = T> + Send + 'a,
) -> Pin<Box<dyn Future<Output = T> + Send + 'a>> {
    Box::pin(f)
}
