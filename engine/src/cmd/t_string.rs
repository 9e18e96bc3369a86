//! TEMPORARY: replaced by the real handlers.
use crate::session::Ctx;
use bytes::Bytes;

pub fn get(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn set(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn setnx(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn setex(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn psetex(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn mget(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn mset(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn msetnx(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn getset(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn getdel(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn getex(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn append(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn strlen(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn incr(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn decr(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn incrby(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn decrby(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn incrbyfloat(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn getrange(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn substr(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn setrange(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn lcs(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
