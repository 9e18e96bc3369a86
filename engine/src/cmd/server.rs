//! TEMPORARY: replaced by the real handlers.
use bytes::Bytes;
use crate::session::Ctx;

pub fn swapdb(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn time(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn dbsize(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn flushdb(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn flushall(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn info(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn config_get(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn config_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn config_resetstat(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn config_set(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn command_count(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn command_docs(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn command_getkeys(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn command_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn command_info(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn command_list(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
pub fn shutdown(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) { ctx.out.error("ERR not yet written"); }
