//! One client connection: read bytes, run the session over them, write replies.
//!
//! Back-pressure rather than unbounded buffers: replies are flushed whenever the output buffer
//! passes [`FLUSH_BYTES`], and nothing more is read until they are written, so a client that
//! pipelines without reading stalls itself instead of growing the server's memory. The read is
//! raced against the client's waker so CLIENT KILL, idle timeouts and shutdown take effect on
//! a connection that is waiting for input, and so that output other clients produce for this
//! one (pub/sub messages, a served blocking command's reply) is written as soon as it arrives.
//! That output is taken from the client's outbox at most [`FLUSH_BYTES`] at a time: while the
//! socket is slow it stays in the outbox, where `client-output-buffer-limit` bounds it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::Poll;

use bytes::BytesMut;
use ferrite_engine::client::ClientHandle;
use ferrite_engine::{Engine, Session, Step};
use ferrite_io::{Io, Stream};
use futures_util::future::{Either, select};
use tracing::{debug, warn};

use crate::{boxed, now};

/// Output bytes that trigger a flush before the next command runs.
const FLUSH_BYTES: usize = 64 * 1024;

pub async fn serve<I: Io>(
    io: I,
    engine: Arc<Engine>,
    mut stream: I::Stream,
    peer: SocketAddr,
    laddr: String,
) {
    let handle = match engine.register_client(peer.to_string(), laddr, now(&io)) {
        Ok(handle) => handle,
        Err(message) => {
            let _ = stream.write_all(format!("-{message}\r\n").as_bytes()).await;
            return;
        }
    };
    if engine.shutdown_requested().is_some() {
        // Accepted just as the node stops (or as a start fails): serve nothing.
        engine.unregister_client(handle.id);
        let _ = stream.shutdown().await;
        return;
    }
    debug!(id = handle.id, %peer, "client connected");
    let mut session = Session::new(&engine, handle.clone());
    session.offload_scripts = true;
    // Command durations (SLOWLOG, LATENCY) read the I/O environment's monotonic clock:
    // simulated time under the simulator.
    let clock_io = io.clone();
    session.set_clock(ferrite_engine::MonoClock(Arc::new(move || {
        clock_io.monotonic().as_micros() as u64
    })));
    let result = drive(&io, &engine, &mut session, &handle, &mut stream).await;
    if let Err(error) = result {
        debug!(id = handle.id, %error, "connection error");
    }
    let _ = stream.shutdown().await;
    session.disconnect(&engine);
    engine.unregister_client(handle.id);
    debug!(id = handle.id, "client disconnected");
}

async fn drive<I: Io>(
    io: &I,
    engine: &Engine,
    session: &mut Session,
    handle: &Arc<ClientHandle>,
    stream: &mut I::Stream,
) -> std::io::Result<()> {
    let mut input = BytesMut::with_capacity(16 * 1024);
    loop {
        // Run every complete command in the buffer, flushing as the output grows. A blocked
        // client (BLPOP...) runs nothing until it is served, times out, or is unblocked.
        let clock = now(io);
        if session.is_blocked() {
            session.poll_blocked(engine, clock);
        }
        // Output other clients produced (pub/sub messages) goes out before the replies to the
        // commands read since, as in Redis where it is already in the output buffer; in
        // chunks, so a slow socket leaves it in the outbox, where its limit applies. Only what
        // is there now: a stream of new messages must not starve the client's commands.
        let mut pending = handle.output_bytes();
        while session.take_output(FLUSH_BYTES) && pending > FLUSH_BYTES {
            pending -= FLUSH_BYTES;
            flush(engine, session, stream).await?;
        }
        let mut step = session.process_one(engine, &mut input, clock);
        loop {
            match step {
                Step::NeedMore | Step::Blocked | Step::Deferred | Step::Waiting => break,
                Step::Script => {
                    // Replies so far go out first: the script may run for a while, off this
                    // worker so the runtime's other tasks (BUSY replies, SCRIPT KILL) run.
                    flush(engine, session, stream).await?;
                    step = io.run_blocking(|| session.process_one(engine, &mut input, clock));
                    continue;
                }
                Step::Continue => {
                    if session.out.buf.len() >= FLUSH_BYTES {
                        flush(engine, session, stream).await?;
                    }
                }
                Step::Close => {
                    flush(engine, session, stream).await?;
                    return Ok(());
                }
            }
            step = session.process_one(engine, &mut input, clock);
        }
        flush(engine, session, stream).await?;
        handle
            .query_buffer_bytes
            .store(input.len() as u64, Ordering::Relaxed);
        if input.len() as u64 > engine.query_buffer_limit.load(Ordering::Relaxed) {
            warn!(
                id = handle.id,
                bytes = input.len(),
                "closing client that reached max query buffer length"
            );
            return Ok(());
        }
        let blocked = session.is_blocked();
        // A command parked behind a running script: nothing more is read until the script
        // ends or passes `busy-reply-threshold` (then it gets BUSY); see `scripting::gate`.
        if session.is_deferred() {
            let gate_changed = engine.scripting.gate().changed(session.gate_seen());
            let killed = std::future::poll_fn(|cx| {
                handle.waker.register(cx.waker());
                if handle.is_killed() {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            });
            select(boxed(gate_changed), boxed(killed)).await;
            if handle.is_killed() {
                return Ok(());
            }
            continue;
        }
        // A session waiting for a time (DEBUG SLEEP, WAIT) or for CLIENT PAUSE to end: its
        // deadline on the monotonic clock, and the pause generation that also ends the wait.
        let waiting = session.is_waiting();
        let wait_until_us = if waiting {
            session.wait_until_mono_us(engine, now(io).mono_us)
        } else {
            None
        };
        let pause_seen = session.pause_seen();
        // Woken by CLIENT KILL, shutdown, output from other clients (pub/sub messages, a
        // reply served on our behalf), or CLIENT UNPAUSE.
        let woken = std::future::poll_fn(|cx| {
            handle.waker.register(cx.waker());
            if handle.is_killed()
                || handle.has_output()
                || (waiting && engine.pause.generation() != pause_seen)
            {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        });
        let deadline = async {
            match session.block_deadline_ms() {
                Some(deadline_ms) if blocked => {
                    let wait_ms = deadline_ms.saturating_sub(now(io).unix_ms());
                    io.sleep(std::time::Duration::from_millis(wait_ms)).await;
                }
                _ => match wait_until_us {
                    Some(until_us) => {
                        let wait_us = until_us.saturating_sub(now(io).mono_us);
                        io.sleep(std::time::Duration::from_micros(wait_us)).await;
                    }
                    None => std::future::pending::<()>().await,
                },
            }
        };
        let wake_or_deadline = select(boxed(woken), boxed(deadline));
        let read = match select(boxed(stream.read(&mut input)), wake_or_deadline).await {
            Either::Left((read, _)) => read?,
            Either::Right(_) => {
                if handle.is_killed() {
                    return Ok(());
                }
                continue;
            }
        };
        if read == 0 {
            return Ok(());
        }
        engine
            .stats
            .total_net_input_bytes
            .fetch_add(read as u64, Ordering::Relaxed);
        handle
            .last_interaction_mono_us
            .store(now(io).mono_us, Ordering::Relaxed);
    }
}

/// Writes the session's output. The write races the client's kill signal: a client that
/// stopped reading (a slow subscriber over its output buffer limit, CLIENT KILL) must be
/// disconnected even though its socket will never drain.
async fn flush<S: Stream>(
    engine: &Engine,
    session: &mut Session,
    stream: &mut S,
) -> std::io::Result<()> {
    if session.out.buf.is_empty() {
        return Ok(());
    }
    // Under `appendfsync always` no reply leaves before the writes it acknowledges are durable.
    if !crate::aof::wait_durable(engine, session.client.aof_seq).await {
        return Err(std::io::Error::other(
            "the append-only file failed: closing without replying",
        ));
    }
    let handle = &session.client.handle;
    let killed = std::future::poll_fn(|cx| {
        handle.waker.register(cx.waker());
        if handle.is_killed() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    });
    {
        let write = std::pin::pin!(stream.write_all(&session.out.buf));
        match select(write, std::pin::pin!(killed)).await {
            Either::Left((written, _)) => written?,
            Either::Right(_) => {
                return Err(std::io::Error::other(
                    "client killed while output was pending",
                ));
            }
        }
    }
    engine
        .stats
        .total_net_output_bytes
        .fetch_add(session.out.buf.len() as u64, Ordering::Relaxed);
    session.out.buf.clear();
    Ok(())
}
