//! `ferrite-check-aof [--fix] <manifest | file.incr.aof | file.rdb>`: verifies an append-only
//! log like `redis-check-aof`; `--fix` truncates a torn or corrupt tail of the last log. Exits 0
//! when the log is valid (or was fixed), 1 otherwise. Runs the check on the tokio backend.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::path::PathBuf;

use ferrite_io::tokio_backend::TokioIo;

fn main() {
    let mut fix = false;
    let mut path = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--fix" => fix = true,
            "-h" | "--help" => {
                println!("Usage: ferrite-check-aof [--fix] <manifest | file.incr.aof | file.rdb>");
                return;
            }
            _ if path.is_none() => path = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("Usage: ferrite-check-aof [--fix] <manifest | file.incr.aof | file.rdb>");
                std::process::exit(1);
            }
        }
    }
    let Some(path) = path else {
        eprintln!("Usage: ferrite-check-aof [--fix] <manifest | file.incr.aof | file.rdb>");
        std::process::exit(1);
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let report = runtime.block_on(async {
        let io = TokioIo::new();
        ferrite_server::check_aof::check(&io, &path, fix).await
    });
    match report {
        Ok(report) => {
            for line in &report.lines {
                println!("{line}");
            }
            std::process::exit(if report.valid { 0 } else { 1 });
        }
        Err(e) => {
            eprintln!("Cannot check {}: {e}", path.display());
            std::process::exit(1);
        }
    }
}
