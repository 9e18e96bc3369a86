//! Pub/sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB. The
//! registry and delivery live in `crate::pubsub`; these handlers parse, call it, and reply as
//! Redis 7.0's `pubsub.c` does.

use bytes::Bytes;

use crate::cmd::reply_help;
use crate::pubsub::Kind;
use crate::session::Ctx;

fn subscribe_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], kind: Kind) {
    let pubsub = ctx.engine.pubsub();
    for name in &args[1..] {
        ctx.client
            .subscriptions
            .subscribe(pubsub, &ctx.client.handle, kind, name, ctx.out);
    }
}

fn unsubscribe_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], kind: Kind) {
    let pubsub = ctx.engine.pubsub();
    let subscriptions = &mut ctx.client.subscriptions;
    if args.len() == 1 {
        subscriptions.unsubscribe_all(pubsub, &ctx.client.handle, kind, Some(ctx.out));
        return;
    }
    for name in &args[1..] {
        subscriptions.unsubscribe(pubsub, &ctx.client.handle, kind, name, Some(ctx.out));
    }
}

/// `SUBSCRIBE channel [channel ...]`: one confirmation per channel, with the client's count
/// of channels and patterns.
pub fn subscribe(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    subscribe_generic(ctx, args, Kind::Channel);
}

/// `PSUBSCRIBE pattern [pattern ...]`
pub fn psubscribe(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    subscribe_generic(ctx, args, Kind::Pattern);
}

/// `SSUBSCRIBE shardchannel [shardchannel ...]`. Unlike SUBSCRIBE, Redis refuses it inside a
/// transaction (its "deny blocking" rule has no MULTI exception here).
pub fn ssubscribe(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if ctx.client.in_exec {
        return ctx
            .out
            .error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    }
    subscribe_generic(ctx, args, Kind::Shard);
}

/// `UNSUBSCRIBE [channel ...]`: without arguments, from every channel.
pub fn unsubscribe(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    unsubscribe_generic(ctx, args, Kind::Channel);
}

/// `PUNSUBSCRIBE [pattern ...]`
pub fn punsubscribe(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    unsubscribe_generic(ctx, args, Kind::Pattern);
}

/// `SUNSUBSCRIBE [shardchannel ...]`
pub fn sunsubscribe(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    unsubscribe_generic(ctx, args, Kind::Shard);
}

/// `PUBLISH channel message`: replies the number of receivers (channel and pattern
/// subscriptions each count).
pub fn publish(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let receivers = ctx
        .engine
        .pubsub()
        .publish(&args[1], &args[2], ctx.now.unix_ms());
    ctx.out.int(receivers as i64);
}

/// `SPUBLISH shardchannel message`
pub fn spublish(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let receivers = ctx
        .engine
        .pubsub()
        .spublish(&args[1], &args[2], ctx.now.unix_ms());
    ctx.out.int(receivers as i64);
}

/// Redis's `addReplySubcommandSyntaxError`, for PUBSUB subcommands given too many arguments.
fn subcommand_syntax_error(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut text = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
    text.extend_from_slice(&args[1][..args[1].len().min(128)]);
    text.extend_from_slice(b"'. Try PUBSUB HELP.");
    ctx.out.error(text);
}

fn channels_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], kind: Kind) {
    if args.len() > 3 {
        return subcommand_syntax_error(ctx, args);
    }
    let pattern = args.get(2).map(|p| &p[..]);
    let channels = ctx.engine.pubsub().channels(kind, pattern);
    ctx.out.array(channels.len());
    for channel in &channels {
        ctx.out.bulk(channel);
    }
}

fn numsub_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], kind: Kind) {
    let pubsub = ctx.engine.pubsub();
    ctx.out.array((args.len() - 2) * 2);
    for name in &args[2..] {
        ctx.out.bulk(name);
        ctx.out.int(pubsub.subscriber_count(kind, name) as i64);
    }
}

/// `PUBSUB CHANNELS [pattern]`: channels with at least one subscriber.
pub fn pubsub_channels(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    channels_generic(ctx, args, Kind::Channel);
}

/// `PUBSUB SHARDCHANNELS [pattern]`
pub fn pubsub_shardchannels(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    channels_generic(ctx, args, Kind::Shard);
}

/// `PUBSUB NUMSUB [channel ...]`: channel, subscriber count pairs (pattern subscribers not
/// counted), as a flat array in both protocols.
pub fn pubsub_numsub(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    numsub_generic(ctx, args, Kind::Channel);
}

/// `PUBSUB SHARDNUMSUB [shardchannel ...]`
pub fn pubsub_shardnumsub(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    numsub_generic(ctx, args, Kind::Shard);
}

/// `PUBSUB NUMPAT`: distinct patterns with at least one subscriber.
pub fn pubsub_numpat(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let count = ctx.engine.pubsub().name_count(Kind::Pattern);
    ctx.out.int(count as i64);
}

/// `PUBSUB HELP`
pub fn pubsub_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    reply_help(
        ctx,
        "pubsub",
        &[
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "SHARDCHANNELS [<pattern>]",
            "    Return the currently active shard level channels matching a <pattern> (default: '*').",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Return the number of subscribers for the specified shard level channel(s)",
        ],
    );
}

#[cfg(test)]
mod tests;
