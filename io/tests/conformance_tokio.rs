//! The conformance suite against the tokio backend.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use ferrite_io::tokio_backend::TokioIo;

#[test]
fn tokio_backend_passes_conformance() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let scratch =
        std::env::temp_dir().join(format!("ferrite-io-conformance-{}", std::process::id()));
    runtime.block_on(async {
        let io = TokioIo::new();
        ferrite_io::conformance::run_all(&io, &scratch).await;
    });
    let _ = std::fs::remove_dir_all(&scratch);
}
