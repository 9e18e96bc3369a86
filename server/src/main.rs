//! The `ferrite` binary: parses options, sets up logging, picks the tokio I/O backend and runs
//! the node until SHUTDOWN, SIGTERM or SIGINT. The only place (with `ferrite-io`'s backends)
//! allowed to touch the OS directly.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use ferrite_engine::engine::ShutdownMode;
use ferrite_io::tokio_backend::TokioIo;
use ferrite_server::options::{self, Invocation};
use ferrite_server::{Host, Node};

/// The system allocator with a byte count, for INFO's `used_memory`.
struct CountingAllocator;

static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            ALLOCATED_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) };
        ALLOCATED_BYTES.fetch_sub(layout.size() as u64, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let new_ptr = unsafe { System.realloc(ptr, layout, new_size) };
        if !new_ptr.is_null() {
            ALLOCATED_BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
            ALLOCATED_BYTES.fetch_sub(layout.size() as u64, Ordering::Relaxed);
        }
        new_ptr
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn used_memory() -> u64 {
    ALLOCATED_BYTES.load(Ordering::Relaxed)
}

const USAGE: &str = "Usage: ferrite [/path/to/ferrite.conf] [--name value ...]
       ferrite --version
       ferrite --help

Any configuration parameter can be given on the command line as --name value,
for example: ferrite --port 7000 --requirepass secret --databases 32";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let read_file = |path: &str| {
        std::fs::read_to_string(path).map_err(|e| format!("can't open config file '{path}': {e}"))
    };
    let config = match options::parse(&args, &read_file) {
        Ok(Invocation::Serve { config }) => *config,
        Ok(Invocation::Version) => {
            println!(
                "Ferrite server v={} (Redis {} compatible)",
                env!("CARGO_PKG_VERSION"),
                ferrite_engine::cmd::conn::REDIS_VERSION
            );
            return;
        }
        Ok(Invocation::Help) => {
            println!("{USAGE}");
            return;
        }
        Err(message) => {
            eprintln!("{message}\n\n{USAGE}");
            std::process::exit(1);
        }
    };
    init_logging(&config.loglevel, &config.logfile);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("ferrite-worker")
        // Scripts run on the workers (block_in_place), and converting a script's reply walks
        // tables up to Redis's 1000 levels deep: tokio's 2 MiB default is too small for that
        // in a debug build. 8 MiB is what a Redis main thread gets on Linux.
        .thread_stack_size(8 * 1024 * 1024)
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("can't start the runtime: {error}");
            std::process::exit(1);
        }
    };
    let code = runtime.block_on(async move {
        let io = TokioIo::new();
        let host = Host { used_memory, process_id: std::process::id() };
        let node = match Node::bind(io, config, host).await {
            Ok(node) => node,
            Err(error) => {
                tracing::error!(%error, "can't bind the listening sockets");
                return 1;
            }
        };
        let engine = node.engine().clone();
        tokio::spawn(async move {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
            tokio::select! {
                _ = term.recv() => tracing::warn!("received SIGTERM, scheduling shutdown"),
                _ = tokio::signal::ctrl_c() => tracing::warn!("received SIGINT, scheduling shutdown"),
            }
            engine.request_shutdown(ShutdownMode::Default);
        });
        node.run().await;
        tracing::info!("Ferrite is now ready to exit, bye bye...");
        0
    });
    // Do not wait for connection tasks blocked on slow peers.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    std::process::exit(code);
}

fn init_logging(loglevel: &str, logfile: &str) {
    let level = match loglevel {
        "debug" => "debug",
        "verbose" => "debug",
        "notice" => "info",
        "warning" => "warn",
        _ => "off",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    if logfile.is_empty() {
        builder.with_writer(std::io::stderr).init();
    } else {
        match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(logfile)
        {
            Ok(file) => builder
                .with_ansi(false)
                .with_writer(std::sync::Mutex::new(file))
                .init(),
            Err(error) => {
                eprintln!("can't open the log file '{logfile}': {error}");
                std::process::exit(1);
            }
        }
    }
}
