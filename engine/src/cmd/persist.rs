//! SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF: requests to the checkpoint driver (see
//! `crate::persist`). Replies follow Redis 7.0's wording.

use std::sync::atomic::Ordering;

use bytes::Bytes;

use crate::persist::Running;
use crate::session::Ctx;

use super::SYNTAX;

/// SAVE: the reply waits for the snapshot to be on disk. Other clients are served meanwhile.
pub fn save(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let persist = &ctx.engine.persist;
    if persist.running() == Running::Save {
        ctx.out.error("ERR Background save already in progress");
        return;
    }
    persist.request_save(Some(ctx.client.handle.clone()));
    ctx.client.park = true;
}

pub fn bgsave(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let schedule = match args.get(1) {
        None => false,
        Some(arg) if args.len() == 2 && arg.eq_ignore_ascii_case(b"schedule") => true,
        Some(_) => {
            ctx.out.error(SYNTAX);
            return;
        }
    };
    let persist = &ctx.engine.persist;
    match persist.running() {
        Running::Save => ctx.out.error("ERR Background save already in progress"),
        Running::Rewrite if schedule => {
            persist.request_save(None);
            ctx.out.simple("Background saving scheduled");
        }
        Running::Rewrite => ctx.out.error(
            "ERR Another child process is active (AOF?): can't BGSAVE right now. \
             Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
        ),
        Running::None if persist.save_requested() => {
            ctx.out.error("ERR Background save already in progress")
        }
        Running::None => {
            persist.request_save(None);
            ctx.out.simple("Background saving started");
        }
    }
}

pub fn lastsave(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let at = ctx.engine.persist.lastsave_s.load(Ordering::Relaxed);
    ctx.out.int(at as i64);
}

pub fn bgrewriteaof(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let persist = &ctx.engine.persist;
    match persist.running() {
        Running::Rewrite => ctx
            .out
            .error("ERR Background append only file rewriting already in progress"),
        Running::Save => {
            persist.request_rewrite();
            ctx.out
                .simple("Background append only file rewriting scheduled");
        }
        Running::None => {
            persist.request_rewrite();
            ctx.out
                .simple("Background append only file rewriting started");
        }
    }
}
