//! TEMPORARY: replaced by the real handlers.
use bytes::Bytes;
use crate::session::Ctx;

pub fn ping(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn echo(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn select(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn quit(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn reset(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn hello(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn auth(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn client_getname(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn client_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn client_id(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn client_info(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn client_kill(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn client_list(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn client_no_evict(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn client_setinfo(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn client_setname(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
