//! TEMPORARY: replaced by the real handlers.
use crate::session::Ctx;
use bytes::Bytes;

pub fn del(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn unlink(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn exists(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn touch(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn r#type(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn keys(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn scan(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn randomkey(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn rename(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn renamenx(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn copy(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn r#move(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn expire(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn pexpire(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn expireat(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn pexpireat(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn ttl(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn pttl(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn expiretime(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn pexpiretime(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn persist(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn object_encoding(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn object_freq(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn object_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn object_idletime(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
pub fn object_refcount(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.error("ERR not yet written");
}
