//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! Queueing happens in the session (`Session::execute`): inside MULTI every command except
//! these and QUIT/RESET answers QUEUED. EXEC takes every shard lock, so the queued commands run
//! as one atomic step with respect to every other client, however the keyspace is sharded;
//! WATCH conflicts are detected by the keyspace itself (`keyspace/watch.rs`).

use std::sync::atomic::Ordering;

use bytes::Bytes;

use crate::session::Ctx;

/// MULTI
pub fn multi(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    if ctx.client.multi.is_some() {
        return ctx.out.error("ERR MULTI calls can not be nested");
    }
    ctx.client.multi = Some(Default::default());
    ctx.out.ok();
}

/// DISCARD
pub fn discard(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    if ctx.client.multi.is_none() {
        return ctx.out.error("ERR DISCARD without MULTI");
    }
    ctx.client.end_transaction(ctx.engine);
    ctx.out.ok();
}

/// EXEC: runs the queued commands atomically, or answers a null array if a WATCHed key was
/// touched, or EXECABORT if a command failed to queue.
pub fn exec(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let Some(multi) = ctx.client.multi.take() else {
        return ctx.out.error("ERR EXEC without MULTI");
    };
    if multi.aborted {
        ctx.client.end_transaction(ctx.engine);
        return ctx
            .out
            .error("EXECABORT Transaction discarded because of previous errors.");
    }
    // Every shard, before the WATCH check: no writer can slip in between check and commands.
    ctx.lock_all();
    if watched_key_changed(ctx) {
        ctx.client.end_transaction(ctx.engine);
        return ctx.out.null_array();
    }
    ctx.client.unwatch_all(ctx.engine);
    ctx.out.array(multi.queued.len());
    ctx.client.in_exec = true;
    for (command, args) in &multi.queued {
        let handler = command.spec.handler.expect("queued commands are runnable");
        ctx.client
            .handle
            .last_command
            .store(command.id, Ordering::Relaxed);
        let errors_before = ctx.out.errors_written;
        let started_us = ctx.client.mono_us(ctx.now);
        handler(ctx, args);
        crate::observe::after_call(ctx.engine, ctx.client, command, args, ctx.now, started_us);
        crate::tracking::after_command(ctx, command, args);
        let failed = ctx.out.errors_written > errors_before;
        crate::session::note_effects(ctx, command, args, failed);
        ctx.engine
            .stats
            .total_commands_processed
            .fetch_add(1, Ordering::Relaxed);
    }
    ctx.client.in_exec = false;
    // The transaction's writes go to the log as one record (the session appends it).
}

/// True if a WATCHed key was touched, or existed when watched and has expired since.
fn watched_key_changed(ctx: &mut Ctx<'_, '_>) -> bool {
    if ctx.client.handle.take_dirty_cas() {
        return true;
    }
    let watched: Vec<(usize, Vec<u8>, bool)> = ctx
        .client
        .watched
        .iter()
        .zip(&ctx.client.watched_existed)
        .map(|((db, key), existed)| (*db, key.clone(), *existed))
        .collect();
    watched
        .iter()
        .any(|(db, key, existed)| *existed && ctx.db_at(*db).peek(key).is_none())
}

/// WATCH key [key ...]
pub fn watch(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if ctx.client.multi.is_some() {
        return ctx.out.error("ERR WATCH inside MULTI is not allowed");
    }
    let db = ctx.client.db;
    for key in &args[1..] {
        let existed = ctx.db().peek(key).is_some();
        if ctx
            .engine
            .keyspace
            .watches
            .watch(db, key, &ctx.client.handle, existed)
        {
            ctx.client.watched.push((db, key.to_vec()));
            ctx.client.watched_existed.push(existed);
        }
    }
    ctx.out.ok();
}

/// UNWATCH
pub fn unwatch(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.client.unwatch_all(ctx.engine);
    ctx.out.ok();
}

#[cfg(test)]
mod tests {
    use crate::testing::{TestClient, client};

    #[test]
    fn queue_and_exec() {
        let mut t = client();
        assert_eq!(t.run(&["multi"]), "+OK\r\n");
        assert_eq!(t.run(&["multi"]), "-ERR MULTI calls can not be nested\r\n");
        assert_eq!(t.run(&["set", "a", "1"]), "+QUEUED\r\n");
        assert_eq!(t.run(&["incr", "a"]), "+QUEUED\r\n");
        assert_eq!(t.run(&["select", "2"]), "+QUEUED\r\n");
        assert_eq!(t.run(&["get", "a"]), "+QUEUED\r\n");
        assert_eq!(t.run(&["exec"]), "*4\r\n+OK\r\n:2\r\n+OK\r\n$-1\r\n");
        assert_eq!(t.run(&["exec"]), "-ERR EXEC without MULTI\r\n");
        assert_eq!(t.run(&["discard"]), "-ERR DISCARD without MULTI\r\n");
    }

    #[test]
    fn errors_while_queueing_abort_and_runtime_errors_do_not() {
        let mut t = client();
        t.run(&["multi"]);
        assert_eq!(
            t.run(&["set", "a"]),
            "-ERR wrong number of arguments for 'set' command\r\n"
        );
        t.run(&["set", "b", "1"]);
        assert_eq!(
            t.run(&["exec"]),
            "-EXECABORT Transaction discarded because of previous errors.\r\n"
        );
        assert_eq!(t.run(&["get", "b"]), "$-1\r\n");
        t.run(&["multi"]);
        t.run(&["set", "s", "x"]);
        t.run(&["incr", "s"]);
        t.run(&["set", "s", "y"]);
        assert_eq!(
            t.run(&["exec"]),
            "*3\r\n+OK\r\n-ERR value is not an integer or out of range\r\n+OK\r\n"
        );
        assert_eq!(t.run(&["multi"]), "+OK\r\n");
        assert_eq!(
            t.run(&["watch", "x"]),
            "-ERR WATCH inside MULTI is not allowed\r\n"
        );
        assert_eq!(t.run(&["discard"]), "+OK\r\n");
    }

    #[test]
    fn watch_aborts_on_another_clients_write_only() {
        let mut a = client();
        let mut b = TestClient::connect(a.engine, a.now);
        a.run(&["set", "k", "1"]);
        assert_eq!(a.run(&["watch", "k", "other"]), "+OK\r\n");
        b.run(&["set", "unrelated", "1"]);
        a.run(&["multi"]);
        a.run(&["incr", "k"]);
        assert_eq!(a.run(&["exec"]), "*1\r\n:2\r\n");
        a.run(&["watch", "k"]);
        b.run(&["set", "k", "5"]);
        a.run(&["multi"]);
        a.run(&["incr", "k"]);
        assert_eq!(a.run(&["exec"]), "*-1\r\n");
        assert_eq!(a.run(&["get", "k"]), "$1\r\n5\r\n");
        // After EXEC nothing is watched any more.
        b.run(&["set", "k", "6"]);
        a.run(&["multi"]);
        a.run(&["incr", "k"]);
        assert_eq!(a.run(&["exec"]), "*1\r\n:7\r\n");
    }

    #[test]
    fn watch_sees_flushes_swaps_expiry_and_databases() {
        let mut a = client();
        let mut b = TestClient::connect(a.engine, a.now);
        a.run(&["set", "k", "1"]);
        a.run(&["watch", "k"]);
        b.run(&["flushall"]);
        a.run(&["multi"]);
        a.run(&["ping"]);
        assert_eq!(a.run(&["exec"]), "*-1\r\n");
        // A key in another database with the same name is another key.
        a.run(&["set", "k", "1"]);
        a.run(&["watch", "k"]);
        b.run(&["select", "3"]);
        b.run(&["set", "k", "x"]);
        a.run(&["multi"]);
        a.run(&["ping"]);
        assert_eq!(a.run(&["exec"]), "*1\r\n+PONG\r\n");
        // A watched key that expires makes EXEC fail.
        a.run(&["set", "t", "1", "px", "100"]);
        a.run(&["watch", "t"]);
        a.advance_ms(200);
        a.run(&["multi"]);
        a.run(&["ping"]);
        assert_eq!(a.run(&["exec"]), "*-1\r\n");
        // SWAPDB touches watched keys that exist in either database.
        a.run(&["select", "0"]);
        a.run(&["watch", "only-in-3"]);
        b.run(&["set", "only-in-3", "v"]);
        b.run(&["swapdb", "0", "3"]);
        a.run(&["multi"]);
        a.run(&["ping"]);
        assert_eq!(a.run(&["exec"]), "*-1\r\n");
    }

    #[test]
    fn discard_and_unwatch_clear_watches() {
        let mut a = client();
        let mut b = TestClient::connect(a.engine, a.now);
        a.run(&["watch", "k"]);
        b.run(&["set", "k", "1"]);
        assert_eq!(a.run(&["unwatch"]), "+OK\r\n");
        a.run(&["multi"]);
        a.run(&["ping"]);
        assert_eq!(a.run(&["exec"]), "*1\r\n+PONG\r\n");
        a.run(&["watch", "k"]);
        b.run(&["set", "k", "2"]);
        a.run(&["multi"]);
        a.run(&["discard"]);
        a.run(&["multi"]);
        a.run(&["ping"]);
        assert_eq!(a.run(&["exec"]), "*1\r\n+PONG\r\n");
    }
}
